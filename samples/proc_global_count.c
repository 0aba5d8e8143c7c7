// model: processes
/*
 * proc_global_count.c - the prime-counting pool of proc_pipe_pool.c written as
 * if the workers were threads: each worker process adds its primes to a global
 * counter and the parent prints the counter once every worker has finished.
 * After fork each worker increments its own copy of the counter; the parent's
 * copy stays 0, and the program reports no primes at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define LIMIT 60000

static long primes_found;

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static void worker(int id)
{
    long lo = (long)LIMIT * id / WORKERS, hi = (long)LIMIT * (id + 1) / WORKERS;
    for (long n = lo; n < hi; n++)
        if (is_prime(n))
            primes_found++; // expect: proc.lost-update
}

int main(void)
{
    for (int i = 0; i < WORKERS; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            worker(i);
            _exit(0);
        }
    }
    while (wait(NULL) > 0)
        ;
    printf("%ld primes below %d\n", primes_found, LIMIT);
    return 0;
}
