/*
 * shim_robust.c - the robustness cases, by argv[1]:
 *
 *   threads      1000 threads started together (64 KiB stacks), each takes the
 *                shared mutex once; all joined; prints threads=1000
 *   fork         100 children forked one after the other; each locks the
 *                shared mutex once and exits 0; the parent waits for each
 *   segv         locks and unlocks 50 times, then dereferences NULL
 *   thread_exit  a second thread locks once and calls _exit(7) while the main
 *                thread waits in pthread_join
 *   locks        10000 mutexes on the heap, each locked and unlocked 3 times
 *                (more locks than summary mode's lock table has slots)
 *   race         two threads increment a counter without a lock (a data race
 *                for ThreadSanitizer) and take locks a and b in opposite
 *                orders, one after the other (a lock-order inversion)
 *   nested       NESTED_THREADS threads, one after the other (each joined
 *                before the next starts, so they reuse one stack), each takes
 *                a then b (b while holding a) NESTED_REPS times; then the main
 *                thread does the same; prints nested=<acquisitions of b>
 *
 * Prints m=<addr of the shared mutex>.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 1000
#define NCHILDREN 100
#define NESTED_THREADS 20
#define NESTED_REPS 50

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *lock_once(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    counter++;
    pthread_mutex_unlock(&m);
    return NULL;
}

static int many_threads(void)
{
    static pthread_t t[NTHREADS];
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    int started = 0;
    for (int i = 0; i < NTHREADS; i++)
        started += pthread_create(&t[i], &attr, lock_once, NULL) == 0;
    for (int i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    printf("threads=%d\n", started);
    return started == NTHREADS && counter == NTHREADS ? 0 : 1;
}

static int many_children(void)
{
    for (int i = 0; i < NCHILDREN; i++) {
        fflush(stdout);
        pid_t p = fork();
        if (p < 0)
            return 1;
        if (p == 0) {
            pthread_mutex_lock(&m);
            pthread_mutex_unlock(&m);
            _exit(0);
        }
        int status;
        if (waitpid(p, &status, 0) != p || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return 2;
    }
    return 0;
}

static void *exit_from_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    _exit(7);
}

static void *racer(void *arg)
{
    int first = arg != NULL;
    if (!first) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
    }
    for (int i = 0; i < 1000; i++)
        counter++; /* unprotected */
    pthread_mutex_t *x = first ? &a : &b, *y = first ? &b : &a;
    pthread_mutex_lock(x);
    pthread_mutex_lock(y);
    pthread_mutex_unlock(y);
    pthread_mutex_unlock(x);
    return NULL;
}

static long nested_count;

static void *a_then_b_repeatedly(void *arg)
{
    (void)arg;
    for (int i = 0; i < NESTED_REPS; i++) {
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        nested_count++;
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "threads";
    printf("m=%p\n", (void *)&m);
    fflush(stdout);
    if (strcmp(mode, "threads") == 0)
        return many_threads();
    if (strcmp(mode, "fork") == 0)
        return many_children();
    if (strcmp(mode, "segv") == 0) {
        for (int i = 0; i < 50; i++) {
            pthread_mutex_lock(&m);
            pthread_mutex_unlock(&m);
        }
        *(volatile int *)(uintptr_t)(argc - 2) = 1; /* argc is 2: NULL */
        return 0;
    }
    if (strcmp(mode, "thread_exit") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, exit_from_thread, NULL);
        pthread_join(t, NULL);
        return 0;
    }
    if (strcmp(mode, "locks") == 0) {
        enum { NLOCKS = 10000 };
        pthread_mutex_t *v = malloc(NLOCKS * sizeof *v);
        if (!v)
            return 1;
        for (int i = 0; i < NLOCKS; i++)
            v[i] = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
        for (int k = 0; k < 3; k++)
            for (int i = 0; i < NLOCKS; i++) {
                pthread_mutex_lock(&v[i]);
                pthread_mutex_unlock(&v[i]);
            }
        free(v);
        return 0;
    }
    if (strcmp(mode, "nested") == 0) {
        for (int i = 0; i < NESTED_THREADS; i++) {
            pthread_t t;
            if (pthread_create(&t, NULL, a_then_b_repeatedly, NULL) != 0)
                return 1;
            pthread_join(t, NULL);
        }
        a_then_b_repeatedly(NULL);
        printf("nested=%ld\n", nested_count);
        return 0;
    }
    if (strcmp(mode, "race") == 0) {
        pthread_t t1, t2;
        pthread_create(&t1, NULL, racer, &a);
        pthread_create(&t2, NULL, racer, NULL);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        return 0;
    }
    return 2;
}
