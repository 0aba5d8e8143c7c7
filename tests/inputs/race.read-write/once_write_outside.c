/* The limit is set by the once routine, but main also writes it after starting
 * the workers, outside pthread_once: that write races with the routine (which may
 * run in a worker) and with the workers' reads. */
#include <pthread.h>
#include <stdio.h>

static pthread_once_t limit_once = PTHREAD_ONCE_INIT;
static int limit;

static void init_limit(void)
{
    limit = 100; // expect: race.write-write
}

static void *worker(void *arg)
{
    long n = (long)arg;
    pthread_once(&limit_once, init_limit);
    return (void *)(long)(n < limit); // expect: race.read-write
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    limit = 50; // expect: race.write-write
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
