/* Objects reached through a global pointer are shared by every thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct counters {
    pthread_mutex_t lock;
    long safe;
    long hits;
    long buckets[4];
};

static struct counters *shared;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&shared->lock);
        shared->safe++;
        pthread_mutex_unlock(&shared->lock);
        shared->hits++;                // expect: race.unprotected-rmw
        shared->buckets[i % 4] += 1;   // expect: race.unprotected-rmw
    }
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    shared = calloc(1, sizeof *shared);
    pthread_mutex_init(&shared->lock, NULL);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", shared->safe, shared->hits);
    free(shared);
    return 0;
}
