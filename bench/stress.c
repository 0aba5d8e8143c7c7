/*
 * stress.c - the workload of bench/robustness: many threads, many lock
 * operations and many processes in one run, to see that recording and
 * ingestion hold up at scale (nothing lost silently, nothing hangs).
 *
 * Phases, in order:
 *
 *   phase     what                                          default
 *   threads   THREADS threads created and joined, in waves     1000
 *             of at most 100 alive at once; each takes one
 *             shared mutex once
 *   locks     LOCKOPS lock/unlock pairs, split over 2 threads  10000000
 *             and 4 mutexes
 *   fork      CHILDREN children forked at once, each doing      100
 *             1000 lock/unlock pairs on a thread of its own
 *             and exiting; the parent then reaps every one
 *
 * Output (one line on stdout): threads=N lockops=N children=N wall_ns=N,
 * the work actually done. Exit status 0 when every count matches and every
 * child exited 0, 1 otherwise.
 *
 * Usage: stress [THREADS [LOCKOPS [CHILDREN]]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WAVE 100
#define CHILD_OPS 1000

static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;
static long started;

static pthread_mutex_t mus[4] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                 PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static long counts[4];

static void *short_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&shared_mu);
    started++;
    pthread_mutex_unlock(&shared_mu);
    return NULL;
}

/* Does *(long *)arg lock/unlock pairs over the 4 mutexes. */
static void *locker(void *arg)
{
    long n = *(long *)arg;
    for (long i = 0; i < n; i++) {
        int k = (int)(i & 3);
        pthread_mutex_lock(&mus[k]);
        counts[k]++;
        pthread_mutex_unlock(&mus[k]);
    }
    return NULL;
}

static long arg_or(int argc, char **argv, int i, long dflt)
{
    return argc > i ? strtol(argv[i], NULL, 10) : dflt;
}

int main(int argc, char **argv)
{
    long n_threads = arg_or(argc, argv, 1, 1000);
    long n_lockops = arg_or(argc, argv, 2, 10000000);
    long n_children = arg_or(argc, argv, 3, 100);
    if (n_threads < 0 || n_lockops < 0 || n_children < 0) {
        fprintf(stderr, "usage: stress [THREADS [LOCKOPS [CHILDREN]]]\n");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int ok = 1;

    /* threads */
    pthread_t wave[WAVE];
    for (long done = 0; done < n_threads;) {
        long n = n_threads - done < WAVE ? n_threads - done : WAVE;
        long created = 0;
        for (long i = 0; i < n; i++)
            if (pthread_create(&wave[i], NULL, short_thread, NULL) == 0)
                created++;
        for (long i = 0; i < created; i++)
            pthread_join(wave[i], NULL);
        if (created != n)
            ok = 0;
        done += n;
    }

    /* locks */
    long half[2] = {n_lockops / 2, n_lockops - n_lockops / 2};
    pthread_t lk[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&lk[i], NULL, locker, &half[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(lk[i], NULL);
    long total = counts[0] + counts[1] + counts[2] + counts[3];

    /* fork: all children alive at once, then reaped */
    long reaped = 0, forked = 0;
    pid_t *pids = calloc((size_t)n_children + 1, sizeof *pids);
    if (!pids)
        return 1;
    fflush(stdout);
    for (long c = 0; c < n_children; c++) {
        pid_t pid = fork();
        if (pid == 0) {
            long n = CHILD_OPS;
            pthread_t t;
            if (pthread_create(&t, NULL, locker, &n) != 0)
                _exit(1);
            pthread_join(t, NULL);
            exit(0);
        }
        if (pid < 0)
            ok = 0;
        else
            pids[forked++] = pid;
    }
    for (long c = 0; c < forked; c++) {
        int st;
        if (waitpid(pids[c], &st, 0) == pids[c] && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            reaped++;
    }
    free(pids);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    printf("threads=%ld lockops=%ld children=%ld wall_ns=%lld\n", started, total, reaped, ns);
    if (!ok || started != n_threads || total != n_lockops || reaped != n_children) {
        fprintf(stderr, "stress: counts differ from what was asked\n");
        return 1;
    }
    return 0;
}
