/* A timed wait and a C11 wait, each called once with no loop around them. */
#include <pthread.h>
#include <threads.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cv = PTHREAD_COND_INITIALIZER;
static mtx_t cm;
static cnd_t done_cv;
static int ready, done;

int wait_ready(void)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_mutex_lock(&m);
    if (!ready)
        pthread_cond_timedwait(&ready_cv, &m, &until); // expect: cond.wait-not-in-loop
    int r = ready;
    pthread_mutex_unlock(&m);
    return r;
}

int wait_done(void)
{
    mtx_lock(&cm);
    cnd_wait(&done_cv, &cm); // expect: cond.wait-not-in-loop
    int d = done;
    mtx_unlock(&cm);
    return d;
}
