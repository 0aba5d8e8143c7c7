/* finish() releases the stats lock for its callers; flush() calls it after
 * taking the lock: fine. reset() is only ever called by a thread that never
 * takes the lock: its unlock is wrong on every path. */
#include <pthread.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long hits, misses;

static void finish(void)
{
    pthread_mutex_unlock(&stats_lock);
}

static void flush(void)
{
    pthread_mutex_lock(&stats_lock);
    hits = misses = 0;
    finish();
}

static void reset(void)
{
    pthread_mutex_unlock(&stats_lock); // expect: lock.unlock-not-held
}

static void *reporter(void *arg)
{
    (void)arg;
    reset();
    return NULL;
}

static void *counter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stats_lock);
    hits++;
    pthread_mutex_unlock(&stats_lock);
    flush();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, reporter, NULL);
    pthread_create(&b, NULL, counter, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return (int)hits;
}
