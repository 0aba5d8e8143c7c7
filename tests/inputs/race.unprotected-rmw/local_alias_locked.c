/* The same updates through a local pointer to the statistics, under their
 * lock; a local pointer to the thread's own copy is not shared. */
#include <pthread.h>
#include <stdio.h>

struct stats {
    long requests;
    long bytes;
};

static struct stats g_stats;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    long n = (long)arg;
    struct stats *s = &g_stats;
    struct stats mine = {0, 0};
    struct stats *t = &mine;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&stats_lock);
        s->requests++;
        s->bytes += n;
        pthread_mutex_unlock(&stats_lock);
        t->requests++;
    }
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", g_stats.requests, g_stats.bytes);
    return 0;
}
