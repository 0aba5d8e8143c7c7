/* A dispatcher thread sets up the limits, then starts the worker that reads
 * them: the dispatcher's writes come before the worker exists. */
#include <pthread.h>
#include <stdio.h>

static struct {
    int limit;
    int burst;
} limits;

static void *worker(void *arg)
{
    (void)arg;
    printf("%d %d\n", limits.limit, limits.burst);
    return NULL;
}

static void *dispatcher(void *arg)
{
    (void)arg;
    limits.limit = 10;
    limits.burst = 3;
    pthread_t w;
    pthread_create(&w, NULL, worker, NULL);
    pthread_join(w, NULL);
    return NULL;
}

int main(void)
{
    pthread_t d;
    pthread_create(&d, NULL, dispatcher, NULL);
    pthread_join(d, NULL);
    return 0;
}
