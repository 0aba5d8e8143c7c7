/* The pool's start function sets the flags before it creates the workers, and
 * its stop function clears the run flag while they poll it: only the stop
 * races (a volatile flag is no synchronisation). */
#include <pthread.h>
#include <unistd.h>

static volatile int running;
static int nworkers;
static pthread_t tids[4];

static void *worker(void *arg)
{
    (void)arg;
    while (running) // expect: race.read-write
        usleep(100);
    return NULL;
}

static void spawn_one(int i)
{
    pthread_create(&tids[i], NULL, worker, NULL);
}

static void pool_start(int n)
{
    running = 1;
    nworkers = n;
    for (int i = 0; i < n; i++)
        spawn_one(i);
}

static void pool_stop(void)
{
    running = 0;
    for (int i = 0; i < nworkers; i++)
        pthread_join(tids[i], NULL);
}

int main(void)
{
    pool_start(4);
    usleep(1000);
    pool_stop();
    return 0;
}
