/*
 * shared_counter.c - a fork()ed worker pool that adds to a counter in
 * MAP_SHARED anonymous memory under a mutex living in the same memory, by
 * a step read under a read-write lock there too.
 *
 *   argument   the mutex is initialised
 *   (none)     with default attributes: process-private, wrong across fork
 *   pshared    with PTHREAD_PROCESS_SHARED: correct, nothing to report
 *
 * (the read-write lock likewise).
 *
 * The workers only try to lock (and yield while it is busy), so the wrong
 * variant cannot hang on a wake-up sent to the wrong process; the total is
 * printed either way. Each offending line carries its expected rule.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 3
#define ADDS 2000

struct shared {
    pthread_mutex_t lock;
    long counter;
    pthread_rwlock_t config_lock; /* guards step */
    int step;
};

static void work(struct shared *s)
{
    while (pthread_rwlock_tryrdlock(&s->config_lock) != 0)
        sched_yield();
    int step = s->step;
    pthread_rwlock_unlock(&s->config_lock);
    for (int i = 0; i < ADDS; i++) {
        while (pthread_mutex_trylock(&s->lock) != 0)
            sched_yield();
        s->counter += step;
        pthread_mutex_unlock(&s->lock);
    }
}

int main(int argc, char **argv)
{
    int pshared = argc > 1 && strcmp(argv[1], "pshared") == 0;
    struct shared *s =
        mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (s == MAP_FAILED)
        return 2;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_rwlockattr_t rwattr;
    pthread_rwlockattr_init(&rwattr);
    if (pshared) {
        pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
        pthread_mutex_init(&s->lock, &attr);
        pthread_rwlockattr_setpshared(&rwattr, PTHREAD_PROCESS_SHARED);
        pthread_rwlock_init(&s->config_lock, &rwattr);
    } else {
        pthread_mutex_init(&s->lock, &attr);           // expect: proc.mutex-not-pshared
        pthread_rwlock_init(&s->config_lock, &rwattr); // expect: proc.mutex-not-pshared
    }
    pthread_mutexattr_destroy(&attr);
    pthread_rwlockattr_destroy(&rwattr);
    s->step = 1;
    pid_t kids[WORKERS];
    for (int k = 0; k < WORKERS; k++) {
        kids[k] = fork();
        if (kids[k] == 0) {
            work(s);
            _exit(0);
        }
    }
    work(s);
    for (int k = 0; k < WORKERS; k++)
        waitpid(kids[k], NULL, 0);
    printf("counter=%ld of %d\n", s->counter, (WORKERS + 1) * ADDS);
    munmap(s, sizeof *s);
    return 0;
}
