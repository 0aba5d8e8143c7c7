/*
 * shim_killed.c - takes and releases a mutex 100 times, then SIGKILLs itself:
 * no exit handler runs, and the log must still hold all 200 lock events.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
    printf("m=%p\n", (void *)&m);
    fflush(stdout);
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    kill(getpid(), SIGKILL);
    return 1;
}
