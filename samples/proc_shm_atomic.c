// model: processes
/*
 * proc_shm_atomic.c - the shared statistics of proc_shm_racy.c, fixed with C11
 * atomics: each increment is one indivisible read-modify-write, which works
 * between processes as well as between threads (the counters are lock-free on
 * every platform this runs on). Correct.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define WORKERS 4
#define LIMIT 60000

struct stats {
    atomic_long primes;
    atomic_long twins;
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
        st->primes++;
        if (is_prime(n - 2))
            atomic_fetch_add_explicit(&st->twins, 1, memory_order_relaxed);
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
    atomic_init(&st->primes, 0);
    atomic_init(&st->twins, 0);
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
    printf("%ld primes, %ld twin primes below %d\n", atomic_load(&st->primes),
           atomic_load(&st->twins), LIMIT);
    munmap(st, sizeof *st);
    return 0;
}
