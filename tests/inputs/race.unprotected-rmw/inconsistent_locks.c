/* Each side holds a lock, but not the same one: the updates still interleave.
 * A reset without the lock can undo a locked update. An unlocked read cannot
 * undo it, but races with it all the same: the read is the finding. */
#include <pthread.h>
#include <stdio.h>

static long total, level, seen;
static pthread_mutex_t worker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t main_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&worker_lock);
    total = total + 1; // expect: race.unprotected-rmw
    level++;           // expect: race.unprotected-rmw
    seen++;
    pthread_mutex_unlock(&worker_lock);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&main_lock);
    total = total + 1; // expect: race.unprotected-rmw
    pthread_mutex_unlock(&main_lock);
    level = 0;
    printf("%ld\n", seen); // expect: race.read-write
    pthread_join(t, NULL);
    printf("%ld %ld\n", total, level);
    return 0;
}
