/* The creator holds the start gate, but waits on a condition variable with it
 * (through a helper) before it writes the configuration: the wait releases the
 * gate, so a worker may pass it and read the configuration meanwhile. */
#include <pthread.h>

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int nready;
static long config;

static void *worker(void *arg)
{
    pthread_mutex_lock(&gate);
    nready++;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&gate);
    return (void *)config; // expect: race.read-write
}

static void wait_for_worker(void)
{
    while (nready == 0)
        pthread_cond_wait(&ready, &gate);
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&gate);
    pthread_create(&t, NULL, worker, NULL);
    wait_for_worker();
    config = 42;
    pthread_mutex_unlock(&gate);
    pthread_join(t, NULL);
    return 0;
}
