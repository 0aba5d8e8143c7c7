/* A library without main: its entry points may be called from anywhere, at any
 * time. Workers it starts in a loop run at once; the monitor it starts once
 * races only with them. */
#include <pthread.h>
#include <stddef.h>

static long jobs_done, polls;
static pthread_t workers[4], monitor_thread;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        jobs_done++; // expect: race.unprotected-rmw
    return NULL;
}

static void *monitor(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        polls++;
    return NULL;
}

void lib_start(void)
{
    for (int i = 0; i < 4; i++)
        pthread_create(&workers[i], NULL, worker, NULL);
    pthread_create(&monitor_thread, NULL, monitor, NULL);
}

void lib_stop(void)
{
    for (int i = 0; i < 4; i++)
        pthread_join(workers[i], NULL);
    pthread_join(monitor_thread, NULL);
}
