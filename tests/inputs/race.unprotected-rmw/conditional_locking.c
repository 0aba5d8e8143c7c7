/* Locking on a flag: `if (shared) lock; ... if (shared) count++; ... if (shared)
 * unlock;`. The update of `count` runs only when the lock was taken (the flag
 * is a local nothing assigns in between): not a race; nor is `hits`, past an
 * early return when the flag is false. `served` is updated under a test of
 * another flag, and `errors` under the flag after it was flipped: both run
 * without the lock while the worker may hold it. */
#include <pthread.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long count, served, errors, hits;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    count++;
    served++;
    errors++;
    hits++;
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void update(int shared, int verbose)
{
    if (shared)
        pthread_mutex_lock(&lock);
    if (shared)
        count++;
    if (verbose)
        served++; // expect: race.unprotected-rmw
    if (!shared)
        return;
    hits++;
    pthread_mutex_unlock(&lock);
}

static void flip(int shared)
{
    if (shared)
        pthread_mutex_lock(&lock);
    shared = !shared;
    if (shared)
        errors++; // expect: race.unprotected-rmw
    if (!shared)
        pthread_mutex_unlock(&lock);
}

int main(int argc, char **argv)
{
    (void)argv;
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    update(1, argc > 1);
    flip(argc > 2);
    pthread_join(t, NULL);
    return (int)(count + served + errors + hits);
}
