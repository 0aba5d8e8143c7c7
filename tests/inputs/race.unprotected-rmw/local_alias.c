/* Workers update the global statistics through local pointers that only ever
 * hold their address: those are the globals' own updates, unlocked. */
#include <pthread.h>
#include <stdio.h>

struct stats {
    long requests;
    long bytes;
};

static struct stats g_stats;
static long g_errors;
static long g_hist[8];

static void *worker(void *arg)
{
    long n = (long)arg;
    struct stats *s = &g_stats;
    long *errors;
    errors = &g_errors;
    long *hist = g_hist;
    for (int i = 0; i < 100; i++) {
        s->requests++;         // expect: race.unprotected-rmw
        s->bytes += n;         // expect: race.unprotected-rmw
        *errors = *errors + 1; // expect: race.unprotected-rmw
        hist[i % 8]++;         // expect: race.unprotected-rmw
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
    printf("%ld %ld %ld %ld\n", g_stats.requests, g_stats.bytes, g_errors, g_hist[0]);
    return 0;
}
