/*
 * lifecycle.c - condition variables destroyed while a thread waits on them
 * and joins of detached threads, POSIX and C11, each on a line with its
 * expected rule. With the argument "ok" it runs the correct twin of each:
 * the waiter is woken by a broadcast right before the destroy (POSIX allows
 * the destroy then), or woken and joined before it (C11), and the threads
 * it joins were never detached.
 *
 * It never hangs: glibc's destroy blocks until the waiter's timed wait
 * (WAIT_MS) times out, and a join of a detached thread that still runs
 * returns EINVAL at once (the thread waits for main's `go` until then).
 * A waiter posts `waiting` holding the mutex, so once main gets the mutex
 * the waiter is inside its wait.
 *
 * With the argument "forever" it only destroys a condition variable that a
 * thread waits on without a timeout: glibc's destroy then never returns, and
 * the program must be killed (racecheck run --timeout); the destroy is
 * reported all the same.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>
#include <time.h>

/* Long enough for main to reach its destroy first even on a busy machine. */
#define WAIT_MS 300

static int ok; /* run the correct twin */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready;
static mtx_t c11_lock;
static cnd_t c11_ready;
static int done;
static sem_t waiting, go, finished;

static struct timespec in_ms(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)ms * 1000000L;
    ts.tv_sec += ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    sem_post(&waiting);
    struct timespec ts = in_ms(WAIT_MS);
    int rc = 0;
    while (!done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&ready, &lock, &ts);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static int c11_waiter(void *arg)
{
    (void)arg;
    mtx_lock(&c11_lock);
    sem_post(&waiting);
    struct timespec ts = in_ms(WAIT_MS);
    int rc = thrd_success;
    while (!done && rc != thrd_timedout)
        rc = cnd_timedwait(&c11_ready, &c11_lock, &ts);
    mtx_unlock(&c11_lock);
    return 0;
}

static void *worker(void *arg)
{
    (void)arg;
    sem_wait(&go);
    sem_post(&finished);
    return NULL;
}

static int c11_worker(void *arg)
{
    (void)arg;
    sem_wait(&go);
    sem_post(&finished);
    return 0;
}

static void destroy_waited(void)
{
    pthread_t t;
    done = 0;
    pthread_cond_init(&ready, NULL);
    pthread_create(&t, NULL, waiter, NULL);
    sem_wait(&waiting);
    pthread_mutex_lock(&lock);
    if (ok) {
        done = 1;
        pthread_cond_broadcast(&ready);
    }
    pthread_mutex_unlock(&lock);
    /* The twin destroys at once: POSIX allows it once the waiters are woken
     * (glibc's destroy waits for the woken waiter to leave its wait). */
    pthread_cond_destroy(&ready); // expect: cond.destroy-waited
    pthread_join(t, NULL);
}

static void c11_destroy_waited(void)
{
    thrd_t t;
    done = 0;
    mtx_init(&c11_lock, mtx_plain);
    cnd_init(&c11_ready);
    thrd_create(&t, c11_waiter, NULL);
    sem_wait(&waiting);
    mtx_lock(&c11_lock);
    if (ok) {
        done = 1;
        cnd_broadcast(&c11_ready);
    }
    mtx_unlock(&c11_lock);
    if (ok)
        thrd_join(t, NULL);
    cnd_destroy(&c11_ready); // expect: cond.destroy-waited
    if (!ok)
        thrd_join(t, NULL);
    mtx_destroy(&c11_lock);
}

/* After a join of a worker (which waits for `go`, so that a join before it
 * is a join of a running thread): lets it finish and waits for that. */
static void joined(const char *what, int rc)
{
    printf("%s: %s\n", what, rc == 0 ? "joined" : rc == EINVAL ? "EINVAL" : "other error");
    if (!ok)
        sem_post(&go);
    sem_wait(&finished);
}

static void join_detached(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    if (!ok)
        pthread_detach(t);
    else
        sem_post(&go);
    int rc = pthread_join(t, NULL); // expect: thread.join-detached
    joined("join", rc);
}

static void join_created_detached(void)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, ok ? PTHREAD_CREATE_JOINABLE : PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, worker, NULL);
    pthread_attr_destroy(&attr);
    if (ok)
        sem_post(&go);
    int rc = pthread_join(t, NULL); // expect: thread.join-detached
    joined("join of one created detached", rc);
}

static void c11_join_detached(void)
{
    thrd_t t;
    thrd_create(&t, c11_worker, NULL);
    if (!ok)
        thrd_detach(t);
    else
        sem_post(&go);
    int rc = thrd_join(t, NULL); // expect: thread.join-detached
    joined("thrd_join", rc == thrd_success ? 0 : rc == thrd_error ? EINVAL : -1);
}

static void *forever_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    sem_post(&waiting);
    while (!done)
        pthread_cond_wait(&ready, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* Not run by default: its destroy never returns (see the top). */
static void destroy_forever(void)
{
    pthread_t t;
    pthread_cond_init(&ready, NULL);
    pthread_create(&t, NULL, forever_waiter, NULL);
    sem_wait(&waiting);
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
    printf("destroying\n");
    fflush(stdout);
    pthread_cond_destroy(&ready);
    pthread_join(t, NULL);
}

int main(int argc, char **argv)
{
    ok = argc > 1 && strcmp(argv[1], "ok") == 0;
    sem_init(&waiting, 0, 0);
    sem_init(&go, 0, 0);
    sem_init(&finished, 0, 0);
    if (argc > 1 && strcmp(argv[1], "forever") == 0) {
        destroy_forever();
        return 0;
    }
    printf("ready=%p c11_ready=%p\n", (void *)&ready, (void *)&c11_ready);
    destroy_waited();
    c11_destroy_waited();
    join_detached();
    join_created_detached();
    c11_join_detached();
    return 0;
}
