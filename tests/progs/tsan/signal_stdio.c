/*
 * signal_stdio.c - a signal handler prints with printf(). The first printf to
 * a buffered stream allocates the buffer, so the unsafe call ThreadSanitizer
 * catches (malloc) sits inside the C library, below the call the handler made.
 *
 * Expected: one "signal-unsafe call inside of a signal" report whose stack runs
 * malloc <- libc internals <- printf <- on_signal.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    printf("got signal %d\n", sig);
    handled = 1;
}

int main(void)
{
    struct sigaction act = {0};
    act.sa_handler = on_signal;
    sigaction(SIGUSR1, &act, NULL);
    kill(getpid(), SIGUSR1);
    for (int i = 0; i < 2000 && !handled; i++)
        usleep(1000);
    return 0;
}
