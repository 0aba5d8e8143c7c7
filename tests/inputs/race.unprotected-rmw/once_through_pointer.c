/* The once object is reached through a pointer that main may redirect: the
 * worker's pthread_once and main's may use two different objects, so the
 * routine may run twice at once. Nothing is ordered. */
#include <pthread.h>
#include <stdio.h>

static pthread_once_t once_a = PTHREAD_ONCE_INIT;
static pthread_once_t once_b = PTHREAD_ONCE_INIT;
static pthread_once_t *current = &once_a;
static int starts;

static void count_start(void)
{
    starts++; // expect: race.unprotected-rmw
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_once(&once_a, count_start);
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argv;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    if (argc > 1)
        current = &once_b;
    pthread_once(current, count_start);
    pthread_join(t, NULL);
    printf("%d\n", starts);
    return 0;
}
