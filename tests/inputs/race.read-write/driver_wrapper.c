/* A test driver takes the routine to run as a parameter, starts it in a pool,
 * joins the pool and then tears the shared state down in a helper: the
 * teardown follows the joins, and the setup precedes the creations, so neither
 * races with the workers. A progress report called between the creations and
 * the joins does. The same holds for a driver that names the routine. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct state {
    pthread_mutex_t lock;
    long done;
};

static struct state *shared;

static void *worker(void *arg)
{
    pthread_mutex_lock(&shared->lock);
    shared->done += (long)(uintptr_t)arg;
    pthread_mutex_unlock(&shared->lock);
    return NULL;
}

static void setup(void)
{
    shared = calloc(1, sizeof *shared);
    pthread_mutex_init(&shared->lock, NULL);
}

static void teardown(void)
{
    pthread_mutex_destroy(&shared->lock);
    free(shared);
    shared = NULL;
}

static void report(void)
{
    printf("%ld done\n", shared->done); // expect: race.read-write
}

static void run_test(void *(*func)(void *), int n, int verbose)
{
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    setup();
    for (int i = 0; i < n; i++)
        if (pthread_create(&threads[i], NULL, func, (void *)(uintptr_t)i) != 0)
            exit(1);
    if (verbose)
        report();
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    teardown();
}

static void run_direct(void)
{
    pthread_t threads[2];
    setup();
    for (int i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    teardown();
}

int main(int argc, char **argv)
{
    (void)argv;
    run_test(worker, 4, argc > 1);
    run_direct();
    return 0;
}
