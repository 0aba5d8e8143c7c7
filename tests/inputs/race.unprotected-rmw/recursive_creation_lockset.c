/* main takes a recursive mutex twice, starts a thread and unlocks once: it
 * still holds the mutex (for good), so that thread runs entirely inside the
 * hold and cannot race with a thread updating under the mutex. A thread
 * started while main holds it once, before the unlock that frees it, can. */
#define _GNU_SOURCE
#include <pthread.h>

static pthread_mutex_t m;
static long count, other;

static void *locked_worker(void *arg)
{
    pthread_mutex_lock(&m);
    count++;
    other++;
    pthread_mutex_unlock(&m);
    return arg;
}

static void *inside(void *arg)
{
    count++;
    return arg;
}

static void *outside(void *arg)
{
    other++; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&m, &attr);
    pthread_t t1, t2, t3;
    pthread_create(&t1, NULL, locked_worker, NULL);
    pthread_mutex_lock(&m);
    pthread_create(&t3, NULL, outside, NULL);
    pthread_mutex_unlock(&m);
    pthread_mutex_lock(&m);
    pthread_mutex_lock(&m);
    pthread_create(&t2, NULL, inside, NULL);
    pthread_mutex_unlock(&m);
    pthread_join(t2, NULL);
    return 0;
}
