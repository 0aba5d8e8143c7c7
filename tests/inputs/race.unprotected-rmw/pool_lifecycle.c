/* Threads started and stopped by helper functions through a pool structure.
 * main touches the counters only after pool_stop() has joined the workers,
 * except for one update made while they run. */
#include <pthread.h>
#include <stdio.h>

#define NWORKERS 3

struct pool {
    pthread_t threads[NWORKERS];
    int nthreads;
};

static long processed, submitted;
static pthread_mutex_t plock = PTHREAD_MUTEX_INITIALIZER;

static void *pool_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&plock);
        processed++;
        pthread_mutex_unlock(&plock);
    }
    submitted--; // expect: race.unprotected-rmw
    return NULL;
}

static void pool_start(struct pool *p)
{
    p->nthreads = NWORKERS;
    for (int i = 0; i < p->nthreads; i++)
        pthread_create(&p->threads[i], NULL, pool_worker, NULL);
}

static void pool_stop(struct pool *p)
{
    for (int i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
}

int main(void)
{
    struct pool pool;
    processed = 0;
    pool_start(&pool);
    submitted += 10; // expect: race.unprotected-rmw
    pool_stop(&pool);
    processed *= 2;
    submitted++;
    printf("%ld %ld\n", processed, submitted);
    return 0;
}
