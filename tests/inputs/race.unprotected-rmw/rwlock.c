/* A reader lock lets several updaters in at once; the writer lock does not. */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static long lookups, inserts;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_rwlock_rdlock(&table_lock);
        lookups++; // expect: race.unprotected-rmw
        pthread_rwlock_unlock(&table_lock);

        pthread_rwlock_wrlock(&table_lock);
        inserts++;
        pthread_rwlock_unlock(&table_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", lookups, inserts);
    return 0;
}
