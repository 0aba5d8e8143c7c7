/* Locking an error-checking mutex the thread holds fails with EDEADLK: it is
 * not taken a second time, and one unlock frees it. The program keeps the
 * result, expecting the failure; the update after the unlock is unprotected. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t guard;
static long n;

static void *worker(void *arg)
{
    pthread_mutex_lock(&guard);
    n++;
    pthread_mutex_unlock(&guard);
    return arg;
}

int main(void)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&guard, &attr);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&guard);
    int rc = pthread_mutex_lock(&guard);
    printf("relock: %s\n", rc == EDEADLK ? "EDEADLK" : "taken");
    pthread_mutex_unlock(&guard);
    n++; // expect: race.unprotected-rmw
    pthread_join(t, NULL);
    return 0;
}
