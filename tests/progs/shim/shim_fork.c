/*
 * shim_fork.c - fork from a second thread. main (tid 0) locks 5 times, then
 * thread 1 forks while holding `across`. The child (still tid 1 in the shim's
 * numbering, still holding `across`) releases it, locks m twice and starts a
 * thread that locks once; the parent waits for it and checks its exit status.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t across = PTHREAD_MUTEX_INITIALIZER;

static void *lock_once(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *forker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&across);
    pid_t pid = fork();
    pthread_mutex_unlock(&across);
    if (pid < 0)
        return (void *)1;
    if (pid == 0) {
        for (int i = 0; i < 2; i++) {
            pthread_mutex_lock(&m);
            pthread_mutex_unlock(&m);
        }
        pthread_t t;
        if (pthread_create(&t, NULL, lock_once, NULL) != 0)
            exit(2);
        pthread_join(t, NULL);
        exit(7);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 7)
        return (void *)1;
    printf("child=%d m=%p across=%p\n", (int)pid, (void *)&m, (void *)&across);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < 5; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    pthread_t t;
    void *ret = (void *)1;
    if (pthread_create(&t, NULL, forker, NULL) != 0)
        return 2;
    pthread_join(t, &ret);
    return ret == NULL ? 0 : 1;
}
