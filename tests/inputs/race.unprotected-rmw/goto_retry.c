/* A label a goto jumps back to (`again:`, a retry) starts from what holds on
 * every way into it: the fall-through and each goto. Taken before the label
 * and held on every goto back, the lock protects the code after the label; a
 * label reached once without the lock and once with it protects nothing. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long counter, tries;
static int budget = 3;

static int busy(void)
{
    return __atomic_sub_fetch(&budget, 1, __ATOMIC_RELAXED) > 0;
}

static void *worker(void *arg)
{
    pthread_mutex_lock(&m);
again:
    counter++;
    if (busy())
        goto again;
    pthread_mutex_unlock(&m);
retry:
    tries++; // expect: race.unprotected-rmw
    if (busy()) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
        goto retry;
    }
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(counter + tries);
}
