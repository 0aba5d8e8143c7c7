/* A table on the heap, reached through a global pointer: the cleaner and the
 * workers write the same slots with no lock. A struct reached through a
 * parameter that every thread gets the same is shared too. */
#include <pthread.h>
#include <stdlib.h>

struct stats {
    long last;
};

static pthread_t *slots;
static struct stats shared_stats;

static void *cleaner(void *arg)
{
    struct stats *st = arg;
    for (int i = 0; i < 4; i++)
        slots[i] = 0; // expect: race.write-write
    st->last = 0; // expect: race.write-write
    return NULL;
}

static void *worker(void *arg)
{
    struct stats *st = arg;
    slots[2] = pthread_self(); // expect: race.write-write
    st->last = 2; // expect: race.write-write
    return NULL;
}

int main(void)
{
    pthread_t c, w;
    slots = calloc(4, sizeof *slots);
    pthread_create(&c, NULL, cleaner, &shared_stats);
    pthread_create(&w, NULL, worker, &shared_stats);
    pthread_join(c, NULL);
    pthread_join(w, NULL);
    free(slots);
    return 0;
}
