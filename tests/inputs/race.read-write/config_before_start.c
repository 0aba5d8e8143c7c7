/* The configuration is written by main before the workers start and only read
 * by them; the totals each worker writes go to its own slot and are read after
 * the joins. */
#include <pthread.h>
#include <stdio.h>

struct config {
    int rounds;
    const char *name;
};

static struct config cfg;
static long totals[4];

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    long sum = 0;
    for (int i = 0; i < cfg.rounds; i++)
        sum += i;
    totals[id] = sum;
    printf("%s %d\n", cfg.name, id);
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    cfg.rounds = 10;
    cfg.name = "batch";
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", totals[0] + totals[1] + totals[2] + totals[3]);
    return 0;
}
