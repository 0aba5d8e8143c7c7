/* Two writers of the configuration: one holds the writer lock (correct), the
 * other only a reader lock, which lets it in beside other readers and beside
 * itself. An atomic field needs no lock. */
#include <pthread.h>
#include <stdatomic.h>

struct config {
    int level;
    atomic_int generation;
};

static struct config cfg;
static pthread_rwlock_t cfg_lock = PTHREAD_RWLOCK_INITIALIZER;

static void *reload(void *arg)
{
    (void)arg;
    pthread_rwlock_wrlock(&cfg_lock);
    cfg.level = 2;
    pthread_rwlock_unlock(&cfg_lock);
    atomic_store(&cfg.generation, 1);
    return NULL;
}

static void *tune(void *arg)
{
    (void)arg;
    pthread_rwlock_rdlock(&cfg_lock);
    cfg.level = 3; // expect: race.write-write
    pthread_rwlock_unlock(&cfg_lock);
    atomic_store(&cfg.generation, 2);
    return NULL;
}

int main(void)
{
    pthread_t a, b, c;
    pthread_create(&a, NULL, reload, NULL);
    pthread_create(&b, NULL, tune, NULL);
    pthread_create(&c, NULL, tune, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    return cfg.level;
}
