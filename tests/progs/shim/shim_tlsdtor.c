/*
 * shim_tlsdtor.c - threads whose thread-specific data destructor takes a
 * mutex as the thread ends, after the thread function returned (as C++
 * thread_local destructors and per-thread caches do). Three threads run one
 * after the other.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t key;
static long flushed;

static void flush(void *value)
{
    pthread_mutex_lock(&m); /* SITE:dtor_lock */
    flushed += (long)value;
    pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
    pthread_setspecific(key, arg);
    return NULL;
}

int main(void)
{
    if (pthread_key_create(&key, flush) != 0)
        return 2;
    for (long i = 1; i <= 3; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, worker, (void *)i) != 0)
            return 2;
        pthread_join(t, NULL);
    }
    printf("m=%p flushed=%ld\n", (void *)&m, flushed);
    return flushed == 6 ? 0 : 1;
}
