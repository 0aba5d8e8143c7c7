/* record() is called under the lock by one caller and without it by another. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long samples;

static void record(void)
{
    samples++; // expect: race.unprotected-rmw
}

static void *careful(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stats_lock);
    record();
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

static void *careless(void *arg)
{
    (void)arg;
    record();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, careful, NULL);
    pthread_create(&b, NULL, careless, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%ld\n", samples);
    return 0;
}
