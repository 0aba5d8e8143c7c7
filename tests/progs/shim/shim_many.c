/*
 * shim_many.c - a thread that holds more locks than the shim tracks by
 * identity: it takes 100 mutexes, then a write lock and a read lock, releases
 * the two rwlocks and exits still holding the 100 mutexes.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>

#define NLOCKS 100

static pthread_mutex_t locks[NLOCKS];
static pthread_rwlock_t rw_w = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_r = PTHREAD_RWLOCK_INITIALIZER;

static void *hoarder(void *arg)
{
    (void)arg;
    for (int i = 0; i < NLOCKS; i++)
        pthread_mutex_lock(&locks[i]);
    pthread_rwlock_wrlock(&rw_w);
    pthread_rwlock_rdlock(&rw_r);
    pthread_rwlock_unlock(&rw_w);
    pthread_rwlock_unlock(&rw_r);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < NLOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    pthread_t t;
    if (pthread_create(&t, NULL, hoarder, NULL) != 0)
        return 2;
    pthread_join(t, NULL);
    printf("rw_w=%p rw_r=%p nlocks=%d\n", (void *)&rw_w, (void *)&rw_r, NLOCKS);
    return 0;
}
