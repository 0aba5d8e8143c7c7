/* Three threads wait on a barrier of count 2: the two consumers can make up the
 * first round on their own and read the configuration while the producer is
 * still writing it. The barrier orders nothing. */
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
    result = config * 2; // expect: race.write-write, race.read-write
    return NULL;
}

int main(void)
{
    pthread_t a, b, c;
    pthread_barrier_init(&ready, NULL, 2);
    pthread_create(&a, NULL, producer, NULL);
    pthread_create(&b, NULL, consumer, NULL);
    pthread_create(&c, NULL, consumer, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    printf("%d\n", result);
    return 0;
}
