/*
 * shim_contend.c - a contended mutex: main holds it while the worker blocks
 * on it for about 50 ms. The worker announces itself just before locking, and
 * main waits for that and sleeps before unlocking, so the lock is busy when
 * the worker tries it.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int started;

static void *worker(void *arg)
{
    (void)arg;
    __atomic_store_n(&started, 1, __ATOMIC_RELEASE);
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&m);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    while (!__atomic_load_n(&started, __ATOMIC_ACQUIRE))
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    printf("m=%p\n", (void *)&m);
    return 0;
}
