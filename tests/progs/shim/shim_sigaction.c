/*
 * shim_sigaction.c - what a program can observe of its signal handlers must
 * not change under the shim's trampoline. Prints key=value lines, each 1
 * when the check held (and the handlers' addresses for the log checks):
 *
 *   key        check
 *   oldact     sigaction's old action names the program's handler and flags
 *   sigreturn  signal() returns the previous handler the program installed
 *   siginfo    an SA_SIGINFO handler gets the siginfo (sigqueue's value)
 *   errno      the handler sees the interrupted code's errno, which survives
 *   restart    a read() interrupted by an SA_RESTART handler is restarted
 *   eintr      without SA_RESTART it fails with EINTR
 *   resethand  after an SA_RESETHAND handler ran, the action is SIG_DFL
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t got_value, seen_errno, alarms, once;

static void on_info(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (sig == SIGUSR1 && info->si_signo == SIGUSR1)
        got_value = info->si_value.sival_int;
}

static void on_plain(int sig)
{
    (void)sig;
    seen_errno = errno;
}

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

static void on_once(int sig)
{
    (void)sig;
    once++;
}

static int pipe_fds[2];

static void *late_writer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    ssize_t w = write(pipe_fds[1], "x", 1);
    (void)w;
    return NULL;
}

/* Reads one byte from a pipe that a thread fills after 100 ms, with SIGALRM
 * (flags) arriving after 20 ms: the read's result. */
static ssize_t interrupted_read(int flags, int *err)
{
    struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = flags};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    if (pipe(pipe_fds) != 0)
        return -2;
    pthread_t th;
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &block, &old); /* the writer inherits it: SIGALRM hits main */
    pthread_create(&th, NULL, late_writer, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    struct itimerval in20ms = {.it_value = {.tv_usec = 20000}};
    setitimer(ITIMER_REAL, &in20ms, NULL);
    char c;
    ssize_t r = read(pipe_fds[0], &c, 1);
    *err = errno;
    pthread_join(th, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return r;
}

int main(void)
{
    struct sigaction sa = {.sa_sigaction = on_info, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    struct sigaction old;
    memset(&old, 0, sizeof old);
    sigaction(SIGUSR1, NULL, &old);
    int oldact =
        old.sa_sigaction == on_info && (old.sa_flags & SA_SIGINFO) && (old.sa_flags & SA_RESTART);
    struct sigaction plain = {.sa_handler = on_plain};
    sigemptyset(&plain.sa_mask);
    sigaction(SIGUSR2, &plain, NULL);
    sigaction(SIGUSR2, NULL, &old);
    oldact = oldact && old.sa_handler == on_plain && !(old.sa_flags & SA_SIGINFO);

    sighandler_t prev = signal(SIGUSR2, on_alarm);
    int sigreturn = prev == on_plain && signal(SIGUSR2, on_plain) == on_alarm;

    sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 4242});
    int siginfo = got_value == 4242;

    errno = EDOM;
    raise(SIGUSR2);
    int errno_ok = errno == EDOM && seen_errno == EDOM;

    int err = 0;
    ssize_t r = interrupted_read(SA_RESTART, &err);
    int restart = r == 1 && alarms == 1;
    r = interrupted_read(0, &err);
    int eintr = r == -1 && err == EINTR && alarms == 2;

    struct sigaction one = {.sa_handler = on_once, .sa_flags = SA_RESETHAND};
    sigemptyset(&one.sa_mask);
    sigaction(SIGWINCH, &one, NULL);
    raise(SIGWINCH);
    sigaction(SIGWINCH, NULL, &old);
    int resethand = once == 1 && old.sa_handler == SIG_DFL;

    printf("oldact=%d\nsigreturn=%d\nsiginfo=%d\nerrno=%d\nrestart=%d\neintr=%d\nresethand=%d\n",
           oldact, sigreturn, siginfo, errno_ok, restart, eintr, resethand);
    printf("on_info=%p\non_plain=%p\non_alarm=%p\non_once=%p\n", (void *)on_info, (void *)on_plain,
           (void *)on_alarm, (void *)on_once);
    return oldact && sigreturn && siginfo && errno_ok && restart && eintr && resethand ? 0 : 1;
}
