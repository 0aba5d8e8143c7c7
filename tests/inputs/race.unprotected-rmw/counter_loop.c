/* Five workers started in a loop bump one counter without a lock. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 5

static long counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        counter = counter + 1; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t tids[NTHREADS];
    for (int i = 0; i < NTHREADS; i++)
        pthread_create(&tids[i], NULL, worker, NULL);
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(tids[i], NULL);
    printf("%ld\n", counter);
    return 0;
}
