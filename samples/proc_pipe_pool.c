// model: processes
/*
 * proc_pipe_pool.c - a pool of worker processes, each counting the primes in
 * its slice of a range, that reports its count to the parent over a pipe.
 * Each worker has its own copy of memory; the only way a result travels back
 * is the pipe, which the parent reads before reaping the worker. Correct.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define LIMIT 60000

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static long count_primes(long lo, long hi)
{
    long found = 0;
    for (long n = lo; n < hi; n++)
        found += is_prime(n);
    return found;
}

/* Writes all of buf, or fails. */
static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static void worker(int id, int out)
{
    long lo = (long)LIMIT * id / WORKERS, hi = (long)LIMIT * (id + 1) / WORKERS;
    long found = count_primes(lo, hi);
    _exit(write_all(out, &found, sizeof found) == 0 ? 0 : 1);
}

int main(void)
{
    int fds[WORKERS][2];
    pid_t pids[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        if (pipe(fds[i]) != 0) {
            perror("pipe");
            return 1;
        }
        pids[i] = fork();
        if (pids[i] < 0) {
            perror("fork");
            return 1;
        }
        if (pids[i] == 0) {
            close(fds[i][0]);
            worker(i, fds[i][1]);
        }
        close(fds[i][1]);
    }
    long total = 0;
    for (int i = 0; i < WORKERS; i++) {
        long found = 0;
        if (read(fds[i][0], &found, sizeof found) != (ssize_t)sizeof found) {
            fprintf(stderr, "worker %d sent no result\n", i);
            found = 0;
        }
        close(fds[i][0]);
        total += found;
    }
    for (int i = 0; i < WORKERS; i++)
        waitpid(pids[i], NULL, 0);
    printf("%ld primes below %d\n", total, LIMIT);
    return 0;
}
