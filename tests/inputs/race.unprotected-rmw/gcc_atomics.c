/* Written for gcc's <stdatomic.h>, whose generic functions take plain
 * objects: clang's refuses `atomic_fetch_add(&hits, 1)` on a plain long, so
 * the file is parsed again with racecheck's compatible header. The atomic
 * updates are no races, ticket slots are each thread's own; the plain update
 * next to them is a race. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define NTHREADS 4

static long hits;
static int next_id;
static long misses;
static long per_thread[NTHREADS];
static void *last_seen;

static void *worker(void *arg)
{
    int id = atomic_fetch_add(&next_id, 1);
    for (int i = 0; i < 1000; i++) {
        atomic_fetch_add(&hits, 1);
        per_thread[id]++;
    }
    atomic_store_explicit(&last_seen, arg, memory_order_release);
    void *expected = NULL;
    atomic_compare_exchange_strong(&last_seen, &expected, arg);
    misses++; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, &t[i]);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld %ld %p\n", atomic_load(&hits), misses, per_thread[0], atomic_load(&last_seen));
    return 0;
}
