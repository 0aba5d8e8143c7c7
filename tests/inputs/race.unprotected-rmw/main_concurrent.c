/* main updates the counter while the worker it started is still running. */
#include <pthread.h>
#include <stdio.h>

static long progress;
static long setup;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        progress++; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t t;
    setup++;
    pthread_create(&t, NULL, worker, NULL);
    progress += 100; // expect: race.unprotected-rmw
    setup++;
    pthread_join(t, NULL);
    progress -= 100;
    printf("%ld %ld\n", progress, setup);
    return 0;
}
