/*
 * shim_stress.c - NTHREADS threads take a mutex ITERS times each. With the
 * argument "shared" they all use one mutex (contention, chunk hand-offs under
 * load); with "private" each uses its own, so the number of events the shim
 * emits is exact: 1 + NTHREADS * (2 * ITERS + 5) + 1. With "churn", CHURN
 * short threads run one after the other, each taking the shared mutex once:
 * 1 + CHURN * 6 + 1 events.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define NTHREADS 4
#define ITERS 3000
#define CHURN 300

static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t own_lock[NTHREADS];
static long counter[NTHREADS];
static int use_shared;

static void *worker(void *arg)
{
    long i = (long)arg;
    pthread_mutex_t *m = use_shared ? &shared_lock : &own_lock[i];
    for (int k = 0; k < ITERS; k++) {
        pthread_mutex_lock(m);
        counter[use_shared ? 0 : i]++;
        pthread_mutex_unlock(m);
    }
    return NULL;
}

static void *lock_once(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&shared_lock);
    counter[0]++;
    pthread_mutex_unlock(&shared_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "churn") == 0) {
        for (int i = 0; i < CHURN; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, lock_once, NULL) != 0)
                return 2;
            pthread_join(t, NULL);
        }
        printf("m=%p churn=%d\n", (void *)&shared_lock, CHURN);
        return counter[0] == CHURN ? 0 : 1;
    }
    use_shared = argc > 1 && strcmp(argv[1], "shared") == 0;
    pthread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++) {
        pthread_mutex_init(&own_lock[i], NULL);
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0)
            return 2;
    }
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    long total = 0;
    for (int i = 0; i < NTHREADS; i++)
        total += counter[i];
    printf("m=%p threads=%d iters=%d\n", (void *)&shared_lock, NTHREADS, ITERS);
    return total == (long)NTHREADS * ITERS ? 0 : 1;
}
