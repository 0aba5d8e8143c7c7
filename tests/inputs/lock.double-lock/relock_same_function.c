/* An error path locks the table again before the unlock of the normal path.
 * A read lock taken twice is allowed; a trylock of a held lock just fails. */
#include <pthread.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t cfg_lock = PTHREAD_RWLOCK_INITIALIZER;
static int table[64];
static int cfg;

static int insert(int k)
{
    pthread_mutex_lock(&table_lock);
    if (k < 0 || k >= 64) {
        pthread_mutex_lock(&table_lock); // expect: lock.double-lock
        table[0]++;
        pthread_mutex_unlock(&table_lock);
        return -1;
    }
    table[k]++;
    if (pthread_mutex_trylock(&table_lock) == 0)
        pthread_mutex_unlock(&table_lock);
    pthread_mutex_unlock(&table_lock);
    return 0;
}

static int read_cfg(void)
{
    pthread_rwlock_rdlock(&cfg_lock);
    pthread_rwlock_rdlock(&cfg_lock);
    int v = cfg;
    pthread_rwlock_unlock(&cfg_lock);
    pthread_rwlock_unlock(&cfg_lock);
    return v;
}

static void *worker(void *arg)
{
    return (void *)(long)(insert((int)(long)arg) + read_cfg());
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return 0;
}
