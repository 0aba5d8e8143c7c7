/* A recursive mutex taken twice is held until it is released twice: the
 * update between the two unlocks is protected, the one after them is not. A
 * function that takes it twice and releases it once returns holding it (a lock
 * wrapper): its caller's update before the final unlock is protected. */
#define _GNU_SOURCE
#include <pthread.h>

static pthread_mutex_t m;
static long inner, after, nested;

static void touch(void)
{
    pthread_mutex_lock(&m);
    pthread_mutex_lock(&m);
    nested++;
    pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
    pthread_mutex_lock(&m);
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    inner++;
    pthread_mutex_unlock(&m);
    after++; // expect: race.unprotected-rmw
    touch();
    nested++;
    pthread_mutex_unlock(&m);
    return arg;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
