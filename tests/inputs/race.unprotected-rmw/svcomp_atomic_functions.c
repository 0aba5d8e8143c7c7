/* SV-COMP's convention: a function whose name starts with __VERIFIER_atomic_
 * runs as a whole without interruption, as if holding the lock that
 * __VERIFIER_atomic_begin/_end take (rules/api/svcomp.json). Its updates, and
 * those of what it calls, are safe against each other and against atomic
 * sections; the same update outside it is not. */
#include <pthread.h>

void __VERIFIER_atomic_begin(void);
void __VERIFIER_atomic_end(void);

static int count, total, plain;

static void add_total(void)
{
    total = total + 1;
}

void __VERIFIER_atomic_inc(void)
{
    count++;
    add_total();
}

static void *worker(void *arg)
{
    __VERIFIER_atomic_inc();
    __VERIFIER_atomic_begin();
    count--;
    __VERIFIER_atomic_end();
    plain++; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    __VERIFIER_atomic_inc();
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return count + total + plain;
}
