/* The twin of status_writers.c, fixed: the shared status is written under the
 * mutex, the last id is atomic, and each fetcher writes only its own slot. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static const char *status;
static const char *slot_status[4];
static pthread_mutex_t status_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int last_id;

static void *fetcher(void *arg)
{
    int id = (int)(long)arg;
    pthread_mutex_lock(&status_lock);
    status = id % 2 ? "ok" : "failed";
    pthread_mutex_unlock(&status_lock);
    slot_status[id] = "done";
    atomic_store(&last_id, id);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fetcher, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%s %s %d\n", status, slot_status[3], atomic_load(&last_id));
    return 0;
}
