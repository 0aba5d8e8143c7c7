/* Loops written in macros: the for statement's header is split from its tokens
 * in the macro's definition, so the loop can end and what follows it is
 * analysed. After START_WORKERS, main's `requests++` races with the workers'
 * locked increments; after STOP_WORKERS joined them all, `requests--` does
 * not. A `for (;;)` macro (FOREVER) still never falls through. */
#include <pthread.h>

#define NWORKERS 4
#define START_WORKERS(ids, fn)                                                                     \
    for (int i_ = 0; i_ < NWORKERS; i_++)                                                          \
    pthread_create(&ids[i_], NULL, fn, NULL)
#define STOP_WORKERS(ids)                                                                          \
    for (int i_ = 0; i_ < NWORKERS; i_++)                                                          \
    pthread_join(ids[i_], NULL)
#define FOREVER for (;;)

static pthread_mutex_t req_lock = PTHREAD_MUTEX_INITIALIZER;
static long requests, idle;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&req_lock);
    requests++;
    pthread_mutex_unlock(&req_lock);
    return NULL;
}

static void *spinner(void *arg)
{
    (void)arg;
    FOREVER
    {
        pthread_mutex_lock(&req_lock);
        int stop = requests > 100;
        pthread_mutex_unlock(&req_lock);
        if (stop)
            break;
    }
    idle++; /* runs once, in the one spinner thread: no race */
    return NULL;
}

int main(void)
{
    pthread_t ids[NWORKERS], sp;
    pthread_create(&sp, NULL, spinner, NULL);
    START_WORKERS(ids, worker);
    requests++; // expect: race.unprotected-rmw
    STOP_WORKERS(ids);
    pthread_join(sp, NULL);
    requests--;
    return (int)(requests + idle);
}
