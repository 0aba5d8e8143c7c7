/* main polls a plain flag that the worker sets: a read racing with a write
 * (volatile does not help). The result is read after the join: ordered. The
 * atomic progress counter is fine on both sides. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static volatile int done;
static long result;
static atomic_long progress;

static void *worker(void *arg)
{
    (void)arg;
    for (long i = 0; i < 1000; i++) {
        result += i;
        atomic_fetch_add(&progress, 1);
    }
    done = 1;
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (!done) // expect: race.read-write
        printf("%ld\n", atomic_load(&progress));
    pthread_join(t, NULL);
    printf("%ld\n", result);
    return 0;
}
