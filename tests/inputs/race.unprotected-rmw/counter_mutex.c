/* The same counter, every update under one mutex: silent. */
#include <pthread.h>
#include <stdio.h>

#define NTHREADS 5

static long counter;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++) {
        pthread_mutex_lock(&counter_lock);
        counter = counter + 1;
        pthread_mutex_unlock(&counter_lock);
    }
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
