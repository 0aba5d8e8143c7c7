/* Lock wrappers that do nothing for a NULL object (`if (!m) return;`) still
 * return holding the lock whenever there is one: the early return is no path
 * that leaves the lock behind, and callers hold it after the call. A wrapper
 * that may return without the lock for another reason does not count as
 * taking it. */
#include <pthread.h>
#include <stdlib.h>

struct mutex {
    pthread_mutex_t lock;
};

static struct mutex stats_lock = {PTHREAD_MUTEX_INITIALIZER};
static long counted, skipped;
static int busy;

static void mutex_lock(struct mutex *m)
{
    if (!m)
        return;
    if (pthread_mutex_lock(&m->lock))
        abort();
}

static void mutex_unlock(struct mutex *m)
{
    if (m == NULL)
        return;
    pthread_mutex_unlock(&m->lock);
}

static void maybe_lock(struct mutex *m)
{
    if (busy)
        return;
    pthread_mutex_lock(&m->lock);
} // expect: lock.leak

static void *worker(void *arg)
{
    mutex_lock(&stats_lock);
    counted++;
    mutex_unlock(&stats_lock);
    maybe_lock(&stats_lock);
    skipped++; // expect: race.unprotected-rmw
    mutex_unlock(&stats_lock);
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(counted + skipped);
}
