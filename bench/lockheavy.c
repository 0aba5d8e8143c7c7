/*
 * lockheavy.c - the workload of bench/shim-overhead: as many lock operations
 * as a program can do, so that the cost of interposing them shows.
 *
 * What it does: T worker threads each take and release one of M mutexes N
 * times (worker t, iteration i uses mutex (t + i) % M and increments that
 * mutex's counter), while two more threads hand a token back and forth H
 * times through a condition variable (each hand-off is a signal and a
 * wake of the waiting thread). At the end it checks the counters, so a shim that broke mutual
 * exclusion or lost a wake-up would fail the run (exit 1) or hang.
 *
 * Output (one line on stdout, read by the benchmark script):
 *
 *   field        meaning
 *   wall_ns      CLOCK_MONOTONIC from the start of main to the end of the work
 *   maxrss_kb    VmHWM of /proc/self/status at the end: the peak RSS of this
 *                process image (getrusage's ru_maxrss would not do: Linux
 *                carries it across execve, so it includes the launcher's RSS)
 *   rss_kb       VmRSS at the end (after the threads are joined)
 *   shared_kb    Shared_Clean + Shared_Dirty of /proc/self/smaps_rollup at the
 *                end: pages other processes map too (libc's text, mostly);
 *                how many of them are resident depends on where the loader put
 *                each library, as the kernel maps file pages around a fault in
 *                aligned 64 KiB windows
 *   private_kb   Private_Clean + Private_Dirty at the end: pages only this
 *                process maps (heap, stacks, data, and an interposed
 *                library's code and data, and its log when one is mapped)
 *   libc_kb      Rss of libc's mappings (/proc/self/smaps) at the end: the
 *                part of the figure that moves with where the loader put libc
 *   lockops      lock/unlock pairs done by the workers (T * N)
 *   handoffs     condition-variable hand-offs done (H)
 *
 * Usage: lockheavy [T [N [M [H]]]]   defaults 4 1000000 8 100000
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MUTEXES 64

static long n_iter = 1000000;
static int n_mutex = 8;
static long n_handoff = 100000;

/* One cache line per mutex and its counter, so the workers contend on the
 * locks themselves rather than on false sharing. */
struct slot {
    pthread_mutex_t mu;
    long count;
} __attribute__((aligned(64)));
static struct slot slots[MAX_MUTEXES];

static pthread_mutex_t hand_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hand_cv = PTHREAD_COND_INITIALIZER;
static long token; /* even: the ping thread's turn; odd: the pong thread's */

static void *worker(void *arg)
{
    long t = (long)arg;
    for (long i = 0; i < n_iter; i++) {
        int k = (int)((t + i) % n_mutex);
        pthread_mutex_lock(&slots[k].mu);
        slots[k].count++;
        pthread_mutex_unlock(&slots[k].mu);
    }
    return NULL;
}

/* parity 0 or 1: passes the token on whenever it is this thread's turn. */
static void *handoff(void *arg)
{
    long parity = (long)arg;
    pthread_mutex_lock(&hand_mu);
    for (;;) {
        while (token < n_handoff && token % 2 != parity)
            pthread_cond_wait(&hand_cv, &hand_mu);
        if (token >= n_handoff)
            break;
        token++;
        pthread_cond_signal(&hand_cv);
    }
    pthread_cond_broadcast(&hand_cv);
    pthread_mutex_unlock(&hand_mu);
    return NULL;
}

/* A "Vm...:" field of /proc/self/status in KiB ("VmHWM:", the peak resident set
 * of this process image; "VmRSS:", the current one), or -1 if unknown. */
static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0)
            kb = strtol(line + n, NULL, 10);
    fclose(f);
    return kb;
}

/* Sum of the smaps_rollup fields whose names start with prefix, in KiB; -1 if
 * the file is unreadable. */
static long rollup_kb(const char *prefix)
{
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    if (!f)
        return -1;
    char line[256];
    long kb = 0;
    size_t n = strlen(prefix);
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (colon && strncmp(line, prefix, n) == 0 && colon - line > (long)n &&
            !strstr(line, "Hugetlb"))
            kb += strtol(colon + 1, NULL, 10);
    }
    fclose(f);
    return kb;
}

/* Rss of the mappings of the file whose name ends in suffix, in KiB, from
 * /proc/self/smaps; -1 if the file is unreadable. */
static long mapping_rss_kb(const char *suffix)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[512];
    long kb = 0;
    int in = 0;
    size_t n = strlen(suffix);
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        line[len] = '\0';
        if (line[0] != '\0' && strchr("0123456789abcdef", line[0]) && strchr(line, '-') &&
            strchr(line, ' ') > strchr(line, '-'))
            in = len >= n && strcmp(line + len - n, suffix) == 0; /* a mapping's first line */
        else if (in && strncmp(line, "Rss:", 4) == 0)
            kb += strtol(line + 4, NULL, 10);
    }
    fclose(f);
    return kb;
}

static long arg_or(int argc, char **argv, int i, long dflt)
{
    return argc > i ? strtol(argv[i], NULL, 10) : dflt;
}

int main(int argc, char **argv)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    long n_threads = arg_or(argc, argv, 1, 4);
    n_iter = arg_or(argc, argv, 2, n_iter);
    n_mutex = (int)arg_or(argc, argv, 3, n_mutex);
    n_handoff = arg_or(argc, argv, 4, n_handoff);
    if (n_threads < 1 || n_threads > 256 || n_iter < 0 || n_mutex < 1 || n_mutex > MAX_MUTEXES ||
        n_handoff < 0) {
        fprintf(stderr, "usage: lockheavy [THREADS [ITERS [MUTEXES [HANDOFFS]]]]\n");
        return 2;
    }
    for (int k = 0; k < n_mutex; k++)
        pthread_mutex_init(&slots[k].mu, NULL);

    pthread_t th[256 + 2];
    for (long t = 0; t < n_threads; t++)
        pthread_create(&th[t], NULL, worker, (void *)t);
    pthread_create(&th[n_threads], NULL, handoff, (void *)0L);
    pthread_create(&th[n_threads + 1], NULL, handoff, (void *)1L);
    for (long t = 0; t < n_threads + 2; t++)
        pthread_join(th[t], NULL);

    long total = 0;
    for (int k = 0; k < n_mutex; k++) {
        total += slots[k].count;
        pthread_mutex_destroy(&slots[k].mu);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);

    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    long peak = status_kb("VmHWM:"), rss = status_kb("VmRSS:");
    printf("wall_ns=%lld maxrss_kb=%ld rss_kb=%ld shared_kb=%ld private_kb=%ld libc_kb=%ld "
           "lockops=%ld handoffs=%ld\n",
           ns, peak, rss, rollup_kb("Shared_"), rollup_kb("Private_"), mapping_rss_kb("/libc.so.6"),
           total, token);
    if (total != n_threads * n_iter || token != n_handoff) {
        fprintf(stderr, "lockheavy: lost updates (%ld of %ld) or hand-offs (%ld of %ld)\n", total,
                n_threads * n_iter, token, n_handoff);
        return 1;
    }
    return 0;
}
