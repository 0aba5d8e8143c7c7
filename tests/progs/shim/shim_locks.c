/*
 * shim_locks.c - two threads take two mutexes, always a then b, plus a
 * read-write lock and a spin lock. Prints the addresses of the objects so the
 * test can match the recorded events; the lines marked SITE are where the
 * test expects call sites to symbolise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static long counter, table, spun;

static void *worker(void *arg)
{
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&lock_a); /* SITE:lock_a */
        pthread_mutex_lock(&lock_b);
        counter++;
        pthread_mutex_unlock(&lock_b);
        pthread_mutex_unlock(&lock_a); /* SITE:unlock_a */
    }
    pthread_rwlock_rdlock(&table_lock);
    long seen = table;
    pthread_rwlock_unlock(&table_lock);
    pthread_rwlock_wrlock(&table_lock);
    table = seen + 1;
    pthread_rwlock_unlock(&table_lock);
    pthread_spin_lock(&spin);
    spun++;
    pthread_spin_unlock(&spin);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE);
    if (pthread_create(&t1, NULL, worker, (void *)3L) != 0 ||
        pthread_create(&t2, NULL, worker, (void *)3L) != 0) /* SITE:create */
        return 2;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("lock_a=%p lock_b=%p table=%p spin=%p\n", (void *)&lock_a, (void *)&lock_b,
           (void *)&table_lock, (void *)&spin);
    return counter == 6 && spun == 2 ? 0 : 1;
}
