/* The twin of poll_flag.c, fixed: the flag is atomic; its release/acquire
 * pair also publishes the result, which main reads after the join anyway. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

static atomic_int done;
static long result;

static void *worker(void *arg)
{
    (void)arg;
    for (long i = 0; i < 1000; i++)
        result += i;
    atomic_store(&done, 1);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (!atomic_load(&done))
        ;
    pthread_join(t, NULL);
    printf("%ld\n", result);
    return 0;
}
