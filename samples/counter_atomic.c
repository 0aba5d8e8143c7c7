// model: threads
/*
 * counter_atomic.c - the request counter of counter_racy.c, fixed with a C11
 * atomic: `served += 1` on an atomic_long is one indivisible operation.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 5
#define REQUESTS 100000

static atomic_long served;

static int handle_request(int id, int n)
{
    return (id * 31 + n) % 7 != 0;
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int n = 0; n < REQUESTS; n++) {
        if (handle_request(id, n))
            served += 1;
    }
    return NULL;
}

int main(void)
{
    pthread_t threads[WORKERS];
    for (long i = 0; i < WORKERS; i++) {
        if (pthread_create(&threads[i], NULL, worker, (void *)i) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    for (int i = 0; i < WORKERS; i++)
        pthread_join(threads[i], NULL);
    printf("served %ld requests\n", atomic_load(&served));
    return 0;
}
