/* The twin of the helper in loops_and_helpers.c: one caller calls the waiting
 * helper outside any loop, so the helper's wait is not re-tested there. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready;

static void wait_once(void)
{
    pthread_cond_wait(&cv, &m); // expect: cond.wait-not-in-loop
}

int wait_ready_loop(void)
{
    pthread_mutex_lock(&m);
    while (!ready)
        wait_once();
    pthread_mutex_unlock(&m);
    return ready;
}

int wait_ready_once(void)
{
    pthread_mutex_lock(&m);
    if (!ready)
        wait_once();
    pthread_mutex_unlock(&m);
    return ready;
}
