/* A trylock that fails returns without the lock: only the success branch holds
 * it, and that branch unlocks. Nothing leaks. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int hits;

static int try_hit(void)
{
    if (pthread_mutex_trylock(&m) != 0)
        return -1;
    hits++;
    pthread_mutex_unlock(&m);
    return 0;
}

static void *worker(void *arg)
{
    (void)arg;
    while (try_hit() != 0)
        ;
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, NULL);
    pthread_create(&t2, NULL, worker, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
