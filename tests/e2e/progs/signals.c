/*
 * signals.c - signal handlers that take locks, for the runtime analysis of
 * signal handlers. Everything happens in the main thread, with raise(), so
 * the run is deterministic:
 *
 *   SIGUSR1 (sigaction, SA_SIGINFO)  its handler waits (timed, so the run ends) for
 *                                    `stats`, which the code it interrupted holds
 *   SIGUSR2 (signal())               its handler takes `journal`, which main also takes
 *                                    outside handlers, but never while raising
 *   SIGALRM (sigaction)              its handler only trylocks `journal`: never reported
 *   SIGTERM (signal())               its handler takes the recursive mutex `cache`, which
 *                                    the code it interrupted holds: it gets it, inside the
 *                                    interrupted critical section
 *
 * Each offending line carries its expected rule.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t stats = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t cache; /* recursive */
static volatile sig_atomic_t timed_out, journaled, tried, info_ok, cached;

static void on_usr1(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    info_ok = sig == SIGUSR1 && info && info->si_signo == SIGUSR1;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 50 * 1000000;
    if (until.tv_nsec >= 1000000000) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000;
    }
    if (pthread_mutex_timedlock(&stats, &until) == ETIMEDOUT) // expect: signal.lock-in-handler
        timed_out = 1;
    else
        pthread_mutex_unlock(&stats);
}

static void on_usr2(int sig)
{
    (void)sig;
    pthread_mutex_lock(&journal); // expect: signal.lock-shared-with-handler
    journaled++;
    pthread_mutex_unlock(&journal);
}

static void on_term(int sig)
{
    (void)sig;
    pthread_mutex_lock(&cache); // expect: signal.lock-in-handler
    cached++;
    pthread_mutex_unlock(&cache);
}

static void on_alarm(int sig)
{
    (void)sig;
    if (pthread_mutex_trylock(&journal) == 0) {
        tried++;
        pthread_mutex_unlock(&journal);
    }
}

int main(void)
{
    struct sigaction sa = {.sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0 || signal(SIGUSR2, on_usr2) == SIG_ERR)
        return 2;
    struct sigaction alarm = {.sa_handler = on_alarm};
    sigemptyset(&alarm.sa_mask);
    if (sigaction(SIGALRM, &alarm, NULL) != 0)
        return 2;

    pthread_mutex_lock(&stats);
    raise(SIGUSR1);
    pthread_mutex_unlock(&stats);

    raise(SIGUSR2);
    pthread_mutex_lock(&journal);
    journaled++;
    pthread_mutex_unlock(&journal);
    raise(SIGALRM);

    pthread_mutexattr_t rec;
    pthread_mutexattr_init(&rec);
    pthread_mutexattr_settype(&rec, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&cache, &rec);
    pthread_mutexattr_destroy(&rec);
    signal(SIGTERM, on_term);
    pthread_mutex_lock(&cache);
    raise(SIGTERM); /* the handler gets the recursive mutex, inside this critical section */
    pthread_mutex_unlock(&cache);

    printf("timed out in the handler: %d, siginfo: %d, journaled: %d, tried: %d, cached: %d\n",
           (int)timed_out, (int)info_ok, (int)journaled, (int)tried, (int)cached);
    return timed_out && info_ok && journaled == 2 && tried == 1 && cached == 1 ? 0 : 1;
}
