/* Lock wrappers return holding the lock by design: lock_table() on every path,
 * find() on its success path only, and its caller releases the lock. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int table[32];

static void lock_table(void)
{
    pthread_mutex_lock(&m);
}

static void unlock_table(void)
{
    pthread_mutex_unlock(&m);
}

static int *find(int k)
{
    pthread_mutex_lock(&m);
    if (k < 0 || k >= 32) {
        pthread_mutex_unlock(&m);
        return NULL;
    }
    return &table[k];
}

static void *worker(void *arg)
{
    (void)arg;
    lock_table();
    table[0]++;
    unlock_table();
    int *p = find(3);
    if (p) {
        (*p)++;
        pthread_mutex_unlock(&m);
    }
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
