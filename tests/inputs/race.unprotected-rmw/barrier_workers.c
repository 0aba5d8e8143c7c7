/* Four workers created in a counted loop and main wait on a barrier of count
 * 5: each worker fills its own slot before the first wait, and main sums the
 * slots after it (ordered). A worker reads the sum between its two waits, while
 * main writes it between its own two: the same phase, a race. */
#include <pthread.h>
#include <stdio.h>

#define NWORKERS 4

static pthread_barrier_t phase;
static int partial[NWORKERS];
static int total;

static void *worker(void *arg)
{
    int id = *(int *)arg;
    partial[id] = id * 10;
    pthread_barrier_wait(&phase);
    long seen = total;
    pthread_barrier_wait(&phase);
    return (void *)seen;
}

int main(void)
{
    pthread_t t[NWORKERS];
    int ids[NWORKERS];
    pthread_barrier_init(&phase, NULL, NWORKERS + 1);
    for (int i = 0; i < NWORKERS; i++) {
        ids[i] = i;
        pthread_create(&t[i], NULL, worker, &ids[i]);
    }
    pthread_barrier_wait(&phase);
    for (int i = 0; i < NWORKERS; i++)
        total += partial[i]; // expect: race.unprotected-rmw
    pthread_barrier_wait(&phase);
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(t[i], NULL);
    printf("%d\n", total);
    return 0;
}
