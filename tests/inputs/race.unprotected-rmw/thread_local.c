/* Thread-local counters: each thread updates its own copy. */
#include <pthread.h>
#include <stdio.h>

static _Thread_local long calls;
static __thread long depth;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        calls++;
        depth += 2;
    }
    return (void *)calls;
}

int main(void)
{
    pthread_t tids[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&tids[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(tids[i], NULL);
    printf("%ld\n", calls);
    return 0;
}
