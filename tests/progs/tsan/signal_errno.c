/*
 * signal_errno.c - an asynchronous signal handler changes errno and does not
 * restore it, so the interrupted code may see a spoiled value.
 *
 * Expected: one "signal handler spoils errno" report naming on_signal().
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    (void)sig;
    errno = EINTR;
    handled = 1;
}

static void *sender(void *arg)
{
    pthread_t target = *(pthread_t *)arg;
    pthread_kill(target, SIGPROF);
    return NULL;
}

int main(void)
{
    signal(SIGPROF, on_signal);
    pthread_t self = pthread_self(), t;
    pthread_create(&t, NULL, sender, &self);
    for (int i = 0; i < 2000 && !handled; i++)
        usleep(1000);
    pthread_join(t, NULL);
    puts(handled ? "handled" : "not handled");
    return 0;
}
