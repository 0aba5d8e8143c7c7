/* Fetchers started in a loop each record the last status in one global: the
 * writes race with each other. The per-thread slots and the writes under the
 * log mutex do not; main's writes before the creation and after the joins are
 * ordered by them. */
#include <pthread.h>
#include <stdio.h>

static const char *status;
static const char *slot_status[4];
static const char *logged;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int last_id;

static void *fetcher(void *arg)
{
    int id = (int)(long)arg;
    status = id % 2 ? "ok" : "failed"; // expect: race.write-write
    slot_status[id] = "done";
    last_id = id; // expect: race.write-write
    pthread_mutex_lock(&log_lock);
    logged = "fetched";
    pthread_mutex_unlock(&log_lock);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    status = "idle";
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fetcher, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    status = "finished";
    printf("%s %s %s %d\n", status, slot_status[0], logged, last_id);
    return 0;
}
