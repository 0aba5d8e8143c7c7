/* main calls a helper that starts a pool in a loop and joins it in a second
 * loop: what the helper reads after the join loop is not concurrent with the
 * workers; what it reads between the two loops is. */
#include <pthread.h>
#include <stdio.h>

#define NWORKERS 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long done_count, in_flight;

static void *worker(void *arg)
{
    pthread_mutex_lock(&lock);
    done_count++;
    in_flight = in_flight - 1;
    pthread_mutex_unlock(&lock);
    return arg;
}

static int run_pool(void)
{
    pthread_t t[NWORKERS];
    for (int i = 0; i < NWORKERS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    printf("in flight: %ld\n", in_flight); // expect: race.read-write
    for (int i = 0; i < NWORKERS; i++)
        pthread_join(t[i], NULL);
    return done_count == NWORKERS ? 0 : 1;
}

int main(void)
{
    in_flight = NWORKERS;
    return run_pool();
}
