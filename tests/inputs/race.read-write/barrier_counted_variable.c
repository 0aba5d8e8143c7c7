/* A barrier whose count is a variable orders its waiters' phases when the
 * threads waiting on it are exactly that many: one routine, started by a loop
 * counting from 0 up to the same variable. Each worker fills its own slot,
 * waits, then reads every slot: no race. A barrier counting another variable
 * (a hint that may be smaller than the pool) orders nothing. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_barrier_t filled, peeked;
static unsigned nthreads, hint;
static long *slots, *marks;

static void *fill_and_sum(void *arg)
{
    unsigned id = (unsigned)(long)arg;
    slots[id] = id;
    pthread_barrier_wait(&filled);
    long sum = 0;
    for (unsigned i = 0; i < nthreads; i++)
        sum += slots[i];
    return (void *)sum;
}

static void *fill_and_peek(void *arg)
{
    unsigned id = (unsigned)(long)arg;
    marks[id] = 1;
    pthread_barrier_wait(&peeked);
    return (void *)marks[(id + 1) % nthreads]; // expect: race.read-write
}

static void run(void *(*routine)(void *), pthread_barrier_t *b)
{
    pthread_t *t = calloc(nthreads, sizeof *t);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, routine, (void *)(long)i);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    free(t);
    (void)b;
}

int main(void)
{
    nthreads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    hint = nthreads > 2 ? nthreads - 1 : 1;
    slots = calloc(nthreads, sizeof *slots);
    marks = calloc(nthreads, sizeof *marks);
    pthread_barrier_init(&filled, NULL, nthreads);
    pthread_barrier_init(&peeked, NULL, hint);
    pthread_t *t = calloc(nthreads, sizeof *t);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_create(&t[i], NULL, fill_and_sum, (void *)(long)i);
    for (unsigned i = 0; i < nthreads; i++)
        pthread_join(t[i], NULL);
    free(t);
    run(fill_and_peek, &peeked);
    return 0;
}
