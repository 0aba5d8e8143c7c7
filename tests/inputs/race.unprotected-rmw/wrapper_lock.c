/* The lock is taken through a pointer parameter: its identity is unknown here,
 * so the update is given the benefit of the doubt (no finding); a spinlock
 * protects the second counter. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_spinlock_t spin;
static long a, b;

static void bump(pthread_mutex_t *lk)
{
    pthread_mutex_lock(lk);
    a++;
    pthread_mutex_unlock(lk);
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        bump(&m);
        pthread_spin_lock(&spin);
        b++;
        pthread_spin_unlock(&spin);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", a, b);
    return 0;
}
