/* A local pointer given the address of one field or another of the same
 * global (or one constant element or another of a global array) points into
 * the smallest part holding both: an update through it conflicts with updates
 * there, not with other globals. */
#include <pthread.h>
#include <stdint.h>

static struct {
    long reads;
    long writes;
} io_stats;
static long slots[4];
static long unrelated;

static void *worker(void *arg)
{
    io_stats.writes++; // expect: race.unprotected-rmw
    slots[1]++;        // expect: race.unprotected-rmw
    unrelated = 1;
    return arg;
}

int main(int argc, char **argv)
{
    (void)argv;
    pthread_t t;
    long *counter = &io_stats.reads;
    if (argc > 1)
        counter = &io_stats.writes;
    long *slot = &slots[0];
    if (argc > 2)
        slot = &slots[1];
    pthread_create(&t, NULL, worker, NULL);
    (*counter)++; // expect: race.unprotected-rmw
    (*slot)++;    // expect: race.unprotected-rmw
    pthread_join(t, NULL);
    return (int)unrelated;
}
