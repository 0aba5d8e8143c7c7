/* Not reported: every unlock here can find its lock held.
 *   - enter()/leave() wrappers, and an unlock helper: the caller holds the lock;
 *   - a lock taken on some paths and released on the same condition;
 *   - an rwlock released after a read lock, a spin lock, a C11 mutex;
 *   - a semaphore posted by a thread that never waited on it (signalling). */
#include <pthread.h>
#include <semaphore.h>
#include <threads.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t opt_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t io_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t conf_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static mtx_t c11_lock;
static sem_t ready;
static int table, io, conf, spun, c11;

static void enter(void)
{
    pthread_mutex_lock(&table_lock);
}

static void leave(void)
{
    pthread_mutex_unlock(&table_lock);
}

static void release_io(void)
{
    pthread_mutex_unlock(&io_lock);
}

static void *worker(void *arg)
{
    int locking = arg != NULL;
    enter();
    table++;
    leave();
    if (locking)
        pthread_mutex_lock(&opt_lock);
    int local = locking * 2;
    if (locking)
        pthread_mutex_unlock(&opt_lock);
    pthread_mutex_lock(&io_lock);
    io += local;
    release_io();
    pthread_rwlock_rdlock(&conf_lock);
    int c = conf;
    pthread_rwlock_unlock(&conf_lock);
    pthread_spin_lock(&spin);
    spun += c;
    pthread_spin_unlock(&spin);
    mtx_lock(&c11_lock);
    c11++;
    mtx_unlock(&c11_lock);
    sem_post(&ready);
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    mtx_init(&c11_lock, mtx_plain);
    sem_init(&ready, 0, 0);
    pthread_create(&t[0], NULL, worker, NULL);
    pthread_create(&t[1], NULL, worker, &t[1]);
    sem_wait(&ready);
    sem_wait(&ready);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    return table + io + conf + spun + c11;
}
