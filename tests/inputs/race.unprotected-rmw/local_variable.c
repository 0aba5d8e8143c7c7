/* Counters on each thread's stack, and a result handed back through join. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static void *worker(void *arg)
{
    long n = (long)(intptr_t)arg;
    long sum = 0;
    for (long i = 0; i < n; i++) {
        sum += i;
        n--;
    }
    return (void *)(intptr_t)sum;
}

int main(void)
{
    pthread_t tids[4];
    long total = 0;
    for (int i = 0; i < 4; i++)
        pthread_create(&tids[i], NULL, worker, (void *)(intptr_t)1000);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(tids[i], &r);
        total += (long)(intptr_t)r;
    }
    printf("%ld\n", total);
    return 0;
}
