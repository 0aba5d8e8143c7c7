/* On an atomic, `x += 1` is one atomic read-modify-write, but `x = x + 1` is an
 * atomic load followed by a separate atomic store: another thread's update in
 * between is lost. Atomic reads alone cannot lose an update. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_long hits, misses;
static atomic_int peak;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        hits = hits + 1; // expect: race.unprotected-rmw
        misses += 1;
        atomic_fetch_add(&misses, 1);
    }
    return NULL;
}

static void *monitor(void *arg)
{
    (void)arg;
    int seen = 0;
    for (int i = 0; i < 1000; i++)
        seen = (int)atomic_load(&misses);
    peak = peak > seen ? peak : seen;
    return NULL;
}

int main(void)
{
    pthread_t t[4], m;
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    pthread_create(&m, NULL, monitor, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    pthread_join(m, NULL);
    printf("%ld %ld %d\n", (long)hits, (long)misses, peak);
    return 0;
}
