/*
 * signal_unsafe.c - a signal handler calls malloc() and free(), which are not
 * async-signal-safe. The pointer is volatile so the optimiser cannot remove
 * the pair.
 *
 * Expected: two "signal-unsafe call inside of a signal" reports in on_signal(),
 * one for malloc and one for free.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    (void)sig;
    volatile char *note = malloc(32);
    note[0] = 1;
    free((void *)note);
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
    puts(handled ? "handled" : "not handled");
    return 0;
}
