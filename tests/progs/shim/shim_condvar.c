/*
 * shim_condvar.c - a condition-variable hand-off: the consumer waits until
 * the producer sets `ready`. The producer signals only once it has seen the
 * consumer inside pthread_cond_wait (it sets `waiting` under the mutex, and
 * the wait releases it), so the wait always happens. The wake-up is a
 * broadcast.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting, ready;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    waiting = 1;
    while (!ready)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, consumer, NULL) != 0)
        return 2;
    for (;;) {
        pthread_mutex_lock(&m);
        if (waiting) {
            ready = 1;
            pthread_cond_broadcast(&cv);
            pthread_mutex_unlock(&m);
            break;
        }
        pthread_mutex_unlock(&m);
        usleep(1000);
    }
    pthread_join(t, NULL);
    printf("m=%p cv=%p\n", (void *)&m, (void *)&cv);
    return 0;
}
