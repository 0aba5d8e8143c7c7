/* A call written through an explicit dereference, `(*fp)(x)` (older C style,
 * and what some expansions of pthread_cleanup_pop look like), calls what fp
 * holds: the release it makes ends the locked region, so the update after it
 * is unprotected, and the thread does not end holding the lock. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long guarded, after;

static void release(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&m);
}

static void *worker(void *arg)
{
    void (*done)(void *) = &release;
    pthread_mutex_lock(&m);
    guarded++;
    (*done)(arg);
    after++; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(guarded + after);
}
