/* A thread that takes its number from an atomic counter (a ticket) owns the
 * slot of that number: no other thread gets the same ticket. Work handed out
 * one item at a time by a ticket counter is the same. A slot chosen by the
 * ticket modulo a smaller count is shared, and so is one indexed by a plain
 * counter incremented without atomics. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define NTHREADS 4
#define NITEMS 64

static atomic_int next_id;
static int next_item;
static int next_plain;
static long partial[NTHREADS];
static long results[NITEMS];
static long buckets[2];
static long claimed[NTHREADS];

static void *worker(void *arg)
{
    int id = atomic_fetch_add(&next_id, 1);
    for (;;) {
        int item = __sync_fetch_and_add(&next_item, 1);
        if (item >= NITEMS)
            break;
        results[item] = item * 2L;
        partial[id] += results[item];
    }
    int b = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed) % 2;
    buckets[b] = 1;          // expect: race.write-write
    int mine = next_plain++; // expect: race.unprotected-rmw
    claimed[mine] = 1;       // expect: race.write-write
    return arg;
}

int main(void)
{
    pthread_t t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    long sum = 0;
    for (int i = 0; i < NTHREADS; i++)
        sum += partial[i] + claimed[i];
    printf("%ld %ld\n", sum, buckets[0] + buckets[1]);
    return 0;
}
