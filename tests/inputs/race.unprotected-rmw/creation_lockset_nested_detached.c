/* The importer detaches the loader instead of joining it: the loader may go on
 * after main has released the table lock, so its unlocked updates may overlap
 * the auditor's. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static long entries;

static void *auditor(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&table_lock);
    entries--;
    pthread_mutex_unlock(&table_lock);
    return NULL;
}

static void *loader(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        entries++; // expect: race.unprotected-rmw
    return NULL;
}

static void *importer(void *arg)
{
    (void)arg;
    pthread_t l;
    pthread_create(&l, NULL, loader, NULL);
    pthread_detach(l);
    return NULL;
}

int main(void)
{
    pthread_t a, i;
    pthread_create(&a, NULL, auditor, NULL);
    pthread_mutex_lock(&table_lock);
    pthread_create(&i, NULL, importer, NULL);
    pthread_join(i, NULL);
    pthread_mutex_unlock(&table_lock);
    pthread_join(a, NULL);
    printf("%ld\n", entries);
    return 0;
}
