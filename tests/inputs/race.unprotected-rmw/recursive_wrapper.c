/* Mutually recursive helpers that return holding the lock: descend() and
 * step() call each other, and descend() takes the lock on the way back out.
 * Their summaries depend on each other; what step() updates after the call
 * is under the lock, what it updates before is not. */
#include <pthread.h>

static pthread_mutex_t tree_lock = PTHREAD_MUTEX_INITIALIZER;
static long visited, depth_total;

static void descend(int depth);

static void step(int depth)
{
    depth_total += depth; // expect: race.unprotected-rmw
    descend(depth);
    visited++;
}

static void descend(int depth)
{
    if (depth > 0) {
        step(depth - 1);
        pthread_mutex_unlock(&tree_lock);
    }
    pthread_mutex_lock(&tree_lock);
}

static void *walker(void *arg)
{
    (void)arg;
    step(3);
    visited++;
    pthread_mutex_unlock(&tree_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, walker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)visited;
}
