/* record() updates the statistics; every caller holds stats_lock around it. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long samples, sum;

static void record(long v)
{
    samples++;
    sum += v;
}

static void *reader(void *arg)
{
    (void)arg;
    for (long i = 0; i < 100; i++) {
        pthread_mutex_lock(&stats_lock);
        record(i);
        pthread_mutex_unlock(&stats_lock);
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stats_lock);
    for (long i = 0; i < 100; i++)
        record(-i);
    pthread_mutex_unlock(&stats_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 2; i++) {
        pthread_create(&t[2 * i], NULL, reader, NULL);
        pthread_create(&t[2 * i + 1], NULL, writer, NULL);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", samples, sum);
    return 0;
}
