/* Handlers installed with sigaction: sa_sigaction with SA_SIGINFO, sa_handler,
 * and a designated initialiser. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t last_pid;

static void on_child(int sig, siginfo_t *info, void *ctx)
{
    (void)sig;
    (void)ctx;
    last_pid = info->si_pid;
    pthread_mutex_lock(&log_lock);                   // expect: signal.unsafe-call
    syslog(LOG_INFO, "child %d", (int)info->si_pid); // expect: signal.unsafe-call
    pthread_mutex_unlock(&log_lock);                 // expect: signal.unsafe-call
}

static void on_term(int sig)
{
    fprintf(stderr, "terminated by %d\n", sig); // expect: signal.unsafe-call
    exit(1);                                    // expect: signal.unsafe-call
}

static void on_alarm(int sig)
{
    (void)sig;
    kill(getpid(), SIGTERM);
}

static void on_hup(int sig)
{
    (void)sig;
    free(NULL); // expect: signal.unsafe-call
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_child;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);

    struct sigaction st;
    memset(&st, 0, sizeof st);
    st.sa_handler = on_term;
    sigaction(SIGTERM, &st, NULL);

    struct sigaction sal = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sal, NULL);

    struct sigaction sh = {.sa_handler = on_hup, .sa_flags = SA_RESTART};
    sigaction(SIGHUP, &sh, NULL);
    pause();
    return 0;
}
