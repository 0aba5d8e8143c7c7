/*
 * signal_progress.c - a long computation that reports its progress from a
 * SIGALRM handler. Two mistakes a first version often makes:
 *
 *   - the handler prints with printf, which is not async-signal-safe: the
 *     signal can arrive while the main program is inside stdio (here it prints
 *     its results) and holds the stream's lock or is half-way through its buffer;
 *   - the handler counts its ticks in a plain int that the main loop also reads
 *     to decide when to stop: neither volatile nor sig_atomic_t, so the compiler
 *     may keep the loop's copy in a register, and the store is not guaranteed to
 *     be seen whole.
 *
 * The fix: have the handler set a `volatile sig_atomic_t` and let the main loop
 * print (see signal_deadline.c). The timer fires every 2 ms; the program stops
 * after 5 ticks.
 */
// model: signals
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#define TICKS 5

static int ticks;         /* written by the handler, read by the loop */
static long primes_found; /* progress the handler reports */

static void on_tick(int sig)
{
    int saved = errno;
    (void)sig;
    ticks++;                                                        // expect: signal.shared-state
    printf("progress: %ld primes, tick %d\n", primes_found, ticks); // expect: signal.unsafe-call
    errno = saved;
}

static int is_prime(long n)
{
    if (n < 2)
        return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGALRM, &sa, NULL) != 0) {
        perror("sigaction");
        return 1;
    }
    struct itimerval every = {.it_interval = {0, 2000}, .it_value = {0, 2000}};
    setitimer(ITIMER_REAL, &every, NULL);
    long n = 2;
    while (ticks < TICKS && n < 50000000) {
        if (is_prime(n))
            primes_found = primes_found + 1;
        if ((n & 1023) == 0)
            fflush(stdout); /* show the progress lines printed so far */
        n++;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("%ld primes below %ld\n", primes_found, n);
    return 0;
}
