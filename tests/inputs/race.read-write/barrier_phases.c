/* A producer fills the configuration before the barrier; the consumer reads it
 * only after its own wait on the same barrier, whose count (2) is the number of
 * threads that wait on it: the write is in phase 0, the read in phase 1. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t ready;
static int config;
static int result;

static void *producer(void *arg)
{
    (void)arg;
    config = 42;
    pthread_barrier_wait(&ready);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ready);
    result = config * 2;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_barrier_init(&ready, NULL, 2);
    pthread_create(&a, NULL, producer, NULL);
    pthread_create(&b, NULL, consumer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", result);
    pthread_barrier_destroy(&ready);
    return 0;
}
