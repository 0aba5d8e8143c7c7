/* main holds the table lock from before it starts the importer until after it
 * has joined it, and the importer starts the loader and joins it before it
 * returns: the loader runs inside the importer's run, hence inside main's hold
 * of the lock, so its unlocked updates cannot overlap the auditor's updates
 * under the same lock. */
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
        entries++;
    return NULL;
}

static void *importer(void *arg)
{
    (void)arg;
    pthread_t l;
    pthread_create(&l, NULL, loader, NULL);
    pthread_join(l, NULL);
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
