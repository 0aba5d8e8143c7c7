/* A mutex initialised with attributes may be recursive: taken twice, it is
 * held until released twice. The early return releases it once. */
#define _GNU_SOURCE
#include <pthread.h>

static pthread_mutex_t m;
static int n;

static int update(int k)
{
    pthread_mutex_lock(&m);
    if (k > 0) {
        pthread_mutex_lock(&m);
        n += k;
        pthread_mutex_unlock(&m);
        return 1; // expect: lock.leak
    }
    pthread_mutex_unlock(&m);
    return 0;
}

static void *worker(void *arg)
{
    return (void *)(long)update((int)(long)arg);
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
