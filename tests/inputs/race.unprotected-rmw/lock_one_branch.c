/* The lock is taken on one branch only; after the if, it may not be held. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int total;

static void *worker(void *arg)
{
    int careful = arg != NULL;
    if (careful)
        pthread_mutex_lock(&m);
    total += 1; // expect: race.unprotected-rmw
    if (careful)
        pthread_mutex_unlock(&m);

    pthread_mutex_lock(&m);
    if (careful)
        total += 2;
    else
        total -= 2;
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, worker, &total);
    pthread_create(&t[1], NULL, worker, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    printf("%d\n", total);
    return 0;
}
