/*
 * misuse.c - a program that misuses the threading API in every way the
 * runtime analysis reports, without hanging: error-checking mutexes turn a
 * relock and a foreign unlock into errors instead of deadlocks, and timed
 * condition waits return. Each offending line carries its expected rule.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t guard, table;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER, idle = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER, second = PTHREAD_MUTEX_INITIALIZER;

static void errorcheck(pthread_mutex_t *m)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
}

static struct timespec soon(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

static void *foreign_unlocker(void *arg)
{
    (void)arg;
    int rc = pthread_mutex_unlock(&guard); // expect: lock.unlock-not-held
    printf("unlock from another thread: %s\n", rc == EPERM ? "EPERM" : "ok");
    return NULL;
}

static void *quitter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&table); // expect: thread.exit-holding-lock
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    usleep(1000);
    return NULL;
}

int main(void)
{
    errorcheck(&guard);
    errorcheck(&table);

    pthread_mutex_lock(&guard);
    int rc = pthread_mutex_lock(&guard); // expect: lock.double-lock
    printf("relock: %s\n", rc == EDEADLK ? "EDEADLK" : "ok");
    pthread_t t;
    pthread_create(&t, NULL, foreign_unlocker, NULL);
    pthread_join(t, NULL);
    pthread_mutex_unlock(&guard);

    rc = pthread_mutex_destroy(&guard);
    errorcheck(&guard);
    pthread_mutex_lock(&guard);
    rc = pthread_mutex_destroy(&guard); // expect: lock.destroy-locked
    printf("destroy while locked: %s\n", rc == EBUSY ? "EBUSY" : "ok");
    pthread_mutex_unlock(&guard);

    struct timespec ts = soon();
    errorcheck(&guard);
    rc = pthread_cond_timedwait(&idle, &guard, &ts); // expect: cond.wait-unheld-mutex
    printf("wait without the mutex: %d\n", rc);

    pthread_mutex_lock(&first);
    ts = soon();
    pthread_cond_timedwait(&ready, &first, &ts);
    pthread_mutex_unlock(&first);
    pthread_mutex_lock(&second);
    ts = soon();
    pthread_cond_timedwait(&ready, &second, &ts); // expect: cond.mixed-mutexes
    pthread_mutex_unlock(&second);

    pthread_create(&t, NULL, quitter, NULL);
    pthread_join(t, NULL);

    pthread_create(&t, NULL, sleeper, NULL); // expect: thread.leak
    usleep(20000);
    return 0;
}
