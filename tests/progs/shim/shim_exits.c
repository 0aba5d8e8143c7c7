/*
 * shim_exits.c - the three ways a thread ends: it returns (tid 1), it calls
 * pthread_exit while holding a mutex (tid 2), it is cancelled inside
 * pthread_cond_wait and its cleanup handler unlocks (tid 3). A fourth thread
 * is detached (tid 4). They are joined with pthread_timedjoin_np,
 * pthread_tryjoin_np and pthread_join. main then exits with status 3 while
 * holding a mutex.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t kept = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t at_exit = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting;

static void *returns(void *arg)
{
    return arg;
}

static void *exits_holding(void *arg)
{
    pthread_mutex_lock(&kept);
    pthread_exit(arg);
}

static void unlock_m(void *p)
{
    pthread_mutex_unlock(p);
}

static void *cancelled(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    waiting = 1;
    pthread_cleanup_push(unlock_m, &m);
    for (;;)
        pthread_cond_wait(&cv, &m);
    pthread_cleanup_pop(0);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2, t3, t4;
    void *r1, *r2, *r3;
    if (pthread_create(&t1, NULL, returns, (void *)1) != 0)
        return 2;
    struct timespec far;
    clock_gettime(CLOCK_REALTIME, &far);
    far.tv_sec += 60;
    if (pthread_timedjoin_np(t1, &r1, &far) != 0)
        return 1;
    if (pthread_create(&t2, NULL, exits_holding, (void *)2) != 0)
        return 2;
    while (pthread_tryjoin_np(t2, &r2) == EBUSY)
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    if (pthread_create(&t3, NULL, cancelled, NULL) != 0)
        return 2;
    for (;;) {
        pthread_mutex_lock(&m);
        int w = waiting;
        pthread_mutex_unlock(&m);
        if (w)
            break;
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    pthread_cancel(t3);
    pthread_join(t3, &r3);
    if (r1 != (void *)1 || r2 != (void *)2 || r3 != PTHREAD_CANCELED)
        return 1;
    if (pthread_create(&t4, NULL, returns, NULL) != 0 || pthread_detach(t4) != 0)
        return 2;
    printf("kept=%p m=%p cv=%p at_exit=%p\n", (void *)&kept, (void *)&m, (void *)&cv,
           (void *)&at_exit);
    fflush(stdout);
    pthread_mutex_lock(&at_exit);
    return 3;
}
