// model: processes
/*
 * proc_shm_mutex.c - the shared statistics of proc_shm_racy.c, fixed with a
 * mutex that lives in the shared mapping next to the counters and is
 * initialised PTHREAD_PROCESS_SHARED (and robust: a worker that dies holding
 * it does not block the others forever). Correct.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define LIMIT 60000

struct stats {
    pthread_mutex_t lock;
    long primes;
    long twins;
};

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static void stats_lock(struct stats *st)
{
    if (pthread_mutex_lock(&st->lock) == EOWNERDEAD)
        pthread_mutex_consistent(&st->lock); /* a worker died mid-update: counts are kept */
}

static void worker(struct stats *st, int id)
{
    long lo = (long)LIMIT * id / WORKERS, hi = (long)LIMIT * (id + 1) / WORKERS;
    for (long n = lo; n < hi; n++) {
        if (!is_prime(n))
            continue;
        int twin = is_prime(n - 2);
        stats_lock(st);
        st->primes++;
        if (twin)
            st->twins += 1;
        pthread_mutex_unlock(&st->lock);
    }
}

int main(void)
{
    struct stats *st =
        mmap(NULL, sizeof *st, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (st == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&st->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    for (int i = 0; i < WORKERS; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            worker(st, i);
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    printf("%ld primes, %ld twin primes below %d\n", st->primes, st->twins, LIMIT);
    pthread_mutex_destroy(&st->lock);
    munmap(st, sizeof *st);
    return 0;
}
