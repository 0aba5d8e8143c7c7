/* Correct forms: a do-while, a for(;;) with a break on the predicate, and a
 * helper that waits once but is called only from the caller's loop. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, stop;

static void wait_once(void)
{
    pthread_cond_wait(&cv, &m);
}

int wait_ready_do(void)
{
    pthread_mutex_lock(&m);
    do
        pthread_cond_wait(&cv, &m);
    while (!ready);
    pthread_mutex_unlock(&m);
    return ready;
}

int wait_stop_for(void)
{
    pthread_mutex_lock(&m);
    for (;;) {
        if (stop)
            break;
        pthread_cond_wait(&cv, &m);
    }
    pthread_mutex_unlock(&m);
    return stop;
}

int wait_ready_helper(void)
{
    pthread_mutex_lock(&m);
    while (!ready)
        wait_once();
    pthread_mutex_unlock(&m);
    return ready;
}
