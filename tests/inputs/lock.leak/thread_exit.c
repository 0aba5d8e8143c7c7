/* A start routine that stops early on a flag while holding the lock: the thread
 * ends owning it and the other workers block forever. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int stop;
static int done;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    if (stop)
        return NULL; // expect: lock.leak
    done++;
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    return 0;
}
