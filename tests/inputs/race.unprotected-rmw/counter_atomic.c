/* Atomic counters: _Atomic with ++ and +=, atomic_int with atomic_fetch_add. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static _Atomic long hits;
static atomic_int misses;
static atomic_long bytes;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        hits++;
        bytes += 64;
        atomic_fetch_add(&misses, 1);
        atomic_fetch_add_explicit(&bytes, 1, memory_order_relaxed);
    }
    return NULL;
}

int main(void)
{
    pthread_t tids[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&tids[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(tids[i], NULL);
    printf("%ld %d %ld\n", (long)hits, atomic_load(&misses), atomic_load(&bytes));
    return 0;
}
