/*
 * shim_timer.c - a SIGEV_THREAD timer: glibc runs the callback on a thread it
 * creates internally, without calling pthread_create, so the shim meets that
 * thread first in the callback's mutex lock. main waits for the callback and
 * then for its thread to be gone (its task leaves /proc/self/task).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static sem_t fired;
static int hits, callback_tid;

static void on_timer(union sigval sv)
{
    (void)sv;
    pthread_mutex_lock(&m);
    hits++;
    callback_tid = (int)gettid();
    pthread_mutex_unlock(&m);
    sem_post(&fired);
}

int main(void)
{
    sem_init(&fired, 0, 0);
    struct sigevent sev = {.sigev_notify = SIGEV_THREAD, .sigev_notify_function = on_timer};
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &sev, &timer) != 0)
        return 2;
    struct itimerspec its = {.it_value = {.tv_nsec = 1000000}};
    if (timer_settime(timer, 0, &its, NULL) != 0)
        return 2;
    while (sem_wait(&fired) != 0)
        ;
    char task[64];
    snprintf(task, sizeof task, "/proc/self/task/%d", callback_tid);
    for (int i = 0; i < 10000 && access(task, F_OK) == 0; i++)
        nanosleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    timer_delete(timer);
    printf("m=%p hits=%d\n", (void *)&m, hits);
    return hits == 1 ? 0 : 1;
}
