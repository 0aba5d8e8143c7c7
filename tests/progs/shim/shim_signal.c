/*
 * shim_signal.c - a signal handler that takes a mutex while the main thread
 * is busy taking another one, so signals land inside the shim's own
 * recording. Every record must stay whole: the main thread's are all there
 * and the handler's come in acquire/release pairs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>

#define ITERS 200000

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hm = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
    (void)sig;
    pthread_mutex_lock(&hm);
    handled++;
    pthread_mutex_unlock(&hm);
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGALRM, &sa, NULL) != 0)
        return 2;
    struct itimerval every = {.it_interval = {.tv_usec = 100}, .it_value = {.tv_usec = 100}};
    if (setitimer(ITIMER_REAL, &every, NULL) != 0)
        return 2;
    for (long i = 0; i < ITERS; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    printf("m=%p hm=%p iters=%d handled=%d\n", (void *)&m, (void *)&hm, ITERS, (int)handled);
    return handled > 0 ? 0 : 1;
}
