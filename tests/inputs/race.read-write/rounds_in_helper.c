/* A test driver: main calls run_rounds, which loops over rounds; each round
 * resets the shared table and then calls a helper that starts the workers and
 * joins them all before it returns. The reset of the next round comes after
 * the last round's joins, so it does not race with the workers, although a
 * loop repeats it around the creations. A helper that leaves a worker running
 * (joins all but the last) races with the next round's reset. */
#include <pthread.h>
#include <stdlib.h>

#define NWORKERS 4

static int *table;
static int *spare;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long hits;

static void *worker(void *arg)
{
    pthread_mutex_lock(&lock);
    hits += table[0] + (arg != NULL);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *straggler(void *arg)
{
    return (void *)(long)(spare[0] + (arg != NULL)); // expect: race.read-write
}

static int start_and_join(void)
{
    pthread_t t[NWORKERS];
    for (int i = 0; i < NWORKERS; i++)
        if (pthread_create(&t[i], NULL, worker, NULL) != 0)
            exit(1);
    for (int i = 0; i < NWORKERS; i++)
        if (pthread_join(t[i], NULL) != 0)
            exit(1);
    return 1;
}

static void start_and_leave(void)
{
    pthread_t t;
    pthread_create(&t, NULL, straggler, NULL);
    pthread_detach(t);
}

static int run_rounds(int rounds)
{
    for (int r = 0; r < rounds; r++) {
        table = calloc(1, sizeof *table);
        spare = calloc(1, sizeof *spare);
        if (!start_and_join())
            return 0;
        start_and_leave();
    }
    return 1;
}

int main(void)
{
    return run_rounds(3) ? 0 : 1;
}
