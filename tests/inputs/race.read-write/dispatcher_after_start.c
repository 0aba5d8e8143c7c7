/* The dispatcher starts the worker first and sets the limits after: the
 * worker may read them while they are written. */
#include <pthread.h>
#include <stdio.h>

static struct {
    int limit;
    int burst;
} limits;

static void *worker(void *arg)
{
    (void)arg;
    printf("%d %d\n", limits.limit, limits.burst); // expect: race.read-write
    return NULL;
}

static void *dispatcher(void *arg)
{
    (void)arg;
    pthread_t w;
    pthread_create(&w, NULL, worker, NULL);
    limits.limit = 10;
    limits.burst = 3;
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
