/*
 * shim_contend.c - a contended mutex: main holds it while the worker blocks
 * on it. main waits until the kernel shows the worker asleep (it can only
 * sleep in the lock, after the shim's trylock failed), then holds on for
 * another 50 ms before unlocking, so the worker's wait is at least that long.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int worker_tid;

static void *worker(void *arg)
{
    (void)arg;
    __atomic_store_n(&worker_tid, (int)gettid(), __ATOMIC_RELEASE);
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    return NULL;
}

/* The scheduler state of one of our threads ('R', 'S', ...), or 0. */
static char task_state(int tid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may contain spaces */
    return p && p[1] == ' ' ? p[2] : 0;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&m);
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    int tid;
    while (!(tid = __atomic_load_n(&worker_tid, __ATOMIC_ACQUIRE)))
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    for (int i = 0; i < 10000 && task_state(tid) != 'S'; i++)
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
    pthread_mutex_unlock(&m);
    pthread_join(t, NULL);
    printf("m=%p\n", (void *)&m);
    return 0;
}
