// model: threads
/*
 * counter_mutex.c - the request counter of counter_racy.c, fixed: every
 * update of the shared counter happens under one mutex.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 5
#define REQUESTS 100000

static long served;
static pthread_mutex_t served_lock = PTHREAD_MUTEX_INITIALIZER;

static int handle_request(int id, int n)
{
    return (id * 31 + n) % 7 != 0;
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int n = 0; n < REQUESTS; n++) {
        if (handle_request(id, n)) {
            pthread_mutex_lock(&served_lock);
            served = served + 1;
            pthread_mutex_unlock(&served_lock);
        }
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
    printf("served %ld requests\n", served);
    return 0;
}
