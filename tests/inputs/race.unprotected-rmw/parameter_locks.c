/* A helper that locks the mutex its caller passes. The counter thread passes
 * &count_lock, main passes &other_lock: the two updates of `total` hold
 * different mutexes. `hits` is updated through the same helper, with
 * count_lock from both sides (once through a second helper that passes its own
 * parameter on): protected. */
#include <pthread.h>

static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;
static long total, hits;

static void add_total(pthread_mutex_t *m, long n)
{
    pthread_mutex_lock(m);
    total += n; // expect: race.unprotected-rmw
    pthread_mutex_unlock(m);
}

static void add_hit(pthread_mutex_t *m)
{
    pthread_mutex_lock(m);
    hits++;
    pthread_mutex_unlock(m);
}

static void record_hit(pthread_mutex_t *m)
{
    add_hit(m);
}

static void *counter(void *arg)
{
    (void)arg;
    add_total(&count_lock, 1);
    add_hit(&count_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, counter, NULL);
    add_total(&other_lock, 2);
    record_hit(&count_lock);
    pthread_join(t, NULL);
    return (int)(total + hits);
}
