/*
 * shim_passthrough.c - checks that every interposed call returns what glibc
 * returns and leaves errno alone: busy trylocks, timeouts, error-checking
 * mutexes, a self-join. Exits 0 when all hold, else prints the first check
 * that failed and exits 1. Runs the same with and without the shim.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <threads.h>
#include <time.h>

#define MAGIC_ERRNO 4242

static int failures;

static void check(const char *what, int got, int want)
{
    if (got != want) {
        printf("FAIL %s: returned %d, want %d\n", what, got, want);
        failures++;
    }
    if (errno != MAGIC_ERRNO) {
        printf("FAIL %s: errno changed to %d\n", what, errno);
        failures++;
    }
    errno = MAGIC_ERRNO;
}

static struct timespec soon(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 10000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

int main(void)
{
    pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_t ec;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&ec, &attr);
    pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
    pthread_spinlock_t spin;
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    mtx_t cm;
    mtx_init(&cm, mtx_timed);
    cnd_t ccv;
    cnd_init(&ccv);
    struct timespec ts;

    errno = MAGIC_ERRNO;
    check("mutex_lock", pthread_mutex_lock(&plain), 0);
    check("mutex_trylock held", pthread_mutex_trylock(&plain), EBUSY);
    ts = soon();
    check("mutex_timedlock held", pthread_mutex_timedlock(&plain, &ts), ETIMEDOUT);
    ts = soon();
    check("cond_timedwait", pthread_cond_timedwait(&cv, &plain, &ts), ETIMEDOUT);
    check("mutex_unlock after wait", pthread_mutex_unlock(&plain), 0);

    ts = soon();
    check("cond_timedwait unheld ec", pthread_cond_timedwait(&cv, &ec, &ts), EPERM);
    check("ec lock", pthread_mutex_lock(&ec), 0);
    check("ec relock", pthread_mutex_lock(&ec), EDEADLK);
    check("ec unlock", pthread_mutex_unlock(&ec), 0);
    check("ec unlock unowned", pthread_mutex_unlock(&ec), EPERM);

    check("wrlock", pthread_rwlock_wrlock(&rw), 0);
    check("tryrdlock write-held", pthread_rwlock_tryrdlock(&rw), EBUSY);
    check("rw unlock", pthread_rwlock_unlock(&rw), 0);
    check("rdlock", pthread_rwlock_rdlock(&rw), 0);
    check("trywrlock read-held", pthread_rwlock_trywrlock(&rw), EBUSY);
    check("rw unlock read", pthread_rwlock_unlock(&rw), 0);

    check("spin_lock", pthread_spin_lock(&spin), 0);
    check("spin_trylock held", pthread_spin_trylock(&spin), EBUSY);
    check("spin_unlock", pthread_spin_unlock(&spin), 0);

    check("mtx_lock", mtx_lock(&cm), thrd_success);
    check("mtx_trylock held", mtx_trylock(&cm), thrd_busy);
    ts = soon();
    check("mtx_timedlock held", mtx_timedlock(&cm, &ts), thrd_timedout);
    ts = soon();
    check("cnd_timedwait", cnd_timedwait(&ccv, &cm, &ts), thrd_timedout);
    check("mtx_unlock", mtx_unlock(&cm), thrd_success);

    struct timespec mono;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    mono.tv_nsec = 0; /* already past: the wait times out at once */
    check("mutex_lock for clockwait", pthread_mutex_lock(&plain), 0);
    check("cond_clockwait", pthread_cond_clockwait(&cv, &plain, CLOCK_MONOTONIC, &mono), ETIMEDOUT);
    check("mutex_unlock after clockwait", pthread_mutex_unlock(&plain), 0);

    /* glibc rejects a bad clock or timeout even when the lock is free. */
    ts = soon();
    check("mutex_clocklock bad clock",
          pthread_mutex_clocklock(&plain, CLOCK_PROCESS_CPUTIME_ID, &ts), EINVAL);
    struct timespec bad = {.tv_sec = ts.tv_sec, .tv_nsec = 2000000000};
    check("rwlock_timedrdlock bad timeout", pthread_rwlock_timedrdlock(&rw, &bad), EINVAL);
    check("rwlock_clockwrlock bad clock",
          pthread_rwlock_clockwrlock(&rw, CLOCK_PROCESS_CPUTIME_ID, &ts), EINVAL);
    check("mutex_clocklock", pthread_mutex_clocklock(&plain, CLOCK_MONOTONIC, &ts), 0);
    check("mutex_unlock after clocklock", pthread_mutex_unlock(&plain), 0);

    check("join self", pthread_join(pthread_self(), NULL), EDEADLK);

    check("relock plain", pthread_mutex_lock(&plain), 0);
    check("destroy locked", pthread_mutex_destroy(&plain), EBUSY);
    check("unlock plain", pthread_mutex_unlock(&plain), 0);
    check("destroy plain", pthread_mutex_destroy(&plain), 0);
    check("destroy rwlock", pthread_rwlock_destroy(&rw), 0);
    check("destroy spin", pthread_spin_destroy(&spin), 0);

    printf("plain=%p ec=%p rw=%p spin=%p cm=%p cv=%p ccv=%p\n", (void *)&plain, (void *)&ec,
           (void *)&rw, (void *)&spin, (void *)&cm, (void *)&cv, (void *)&ccv);
    return failures ? 1 : 0;
}
