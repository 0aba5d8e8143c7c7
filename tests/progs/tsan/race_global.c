/*
 * race_global.c - two threads increment a global counter without a lock.
 *
 * ThreadSanitizer reports a data race whose location is the global 'counter'.
 * Expected: one "data race" report, both accesses in worker().
 */
#include <pthread.h>
#include <stdio.h>

static int counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("counter=%d\n", counter);
    return 0;
}
