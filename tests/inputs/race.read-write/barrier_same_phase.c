/* The consumer reads the configuration before its wait: the read and the
 * producer's write are in the same phase of the barrier, which orders nothing
 * between them. */
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
    result = config * 2; // expect: race.read-write
    pthread_barrier_wait(&ready);
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
