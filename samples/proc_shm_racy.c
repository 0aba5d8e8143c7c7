// model: processes
/*
 * proc_shm_racy.c - worker processes count primes into statistics kept in an
 * anonymous shared mapping, set up before the fork so every worker and the
 * parent see the same page. The workers update the counters with plain `++`:
 * two processes can read the same old value and one increment is lost.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define LIMIT 60000

struct stats {
    long primes;
    long twins; /* primes p with p - 2 also prime */
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

static void worker(struct stats *st, int id)
{
    long lo = (long)LIMIT * id / WORKERS, hi = (long)LIMIT * (id + 1) / WORKERS;
    for (long n = lo; n < hi; n++) {
        if (!is_prime(n))
            continue;
        st->primes++; // expect: proc.shm-race
        if (is_prime(n - 2))
            st->twins += 1; // expect: proc.shm-race
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
    munmap(st, sizeof *st);
    return 0;
}
