/* main takes part in the barrier through a helper: the workers' slots are
 * written before their wait and summed by main after its own (inside
 * sync_point); the total is then printed. The flag written by main before its
 * wait and read by a worker before the worker's wait is a race. */
#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t round_end;
static int left, right;
static int verbose;

static void sync_point(void)
{
    pthread_barrier_wait(&round_end);
}

static void *left_worker(void *arg)
{
    (void)arg;
    left = 3;
    if (verbose) // expect: race.read-write
        puts("left");
    sync_point();
    return NULL;
}

static void *right_worker(void *arg)
{
    (void)arg;
    right = 4;
    sync_point();
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_barrier_init(&round_end, NULL, 3);
    pthread_create(&a, NULL, left_worker, NULL);
    pthread_create(&b, NULL, right_worker, NULL);
    verbose = 1;
    sync_point();
    printf("%d\n", left + right);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
