/* main touches the counter only before the thread starts and after it is joined;
 * one thread updates it in between. Nothing runs concurrently. */
#include <pthread.h>
#include <stdio.h>

static long counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t t;
    counter = 10;
    counter += 5;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    counter *= 2;
    printf("%ld\n", counter);
    return 0;
}
