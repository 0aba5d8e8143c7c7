/* Attributes are used, but only to make the mutex robust: the process-shared
 * attribute is never set. The init happens in a helper given the region. */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct pool {
    pthread_mutex_t lock;
    pthread_rwlock_t table_lock;
    int free_slots;
};

static struct pool *pool;

static void pool_init(struct pool *p)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&p->lock, &ma); // expect: proc.mutex-not-pshared
    pthread_mutexattr_destroy(&ma);
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_PRIVATE);
    pthread_rwlock_init(&p->table_lock, &ra); // expect: proc.mutex-not-pshared
    p->free_slots = 8;
}

int main(void)
{
    pool = mmap(NULL, sizeof *pool, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pool_init(pool);
    if (fork() == 0) {
        pthread_mutex_lock(&pool->lock);
        pool->free_slots--;
        pthread_mutex_unlock(&pool->lock);
        _exit(0);
    }
    wait(NULL);
    return 0;
}
