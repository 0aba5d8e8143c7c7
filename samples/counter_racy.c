// model: threads
/*
 * counter_racy.c - five worker threads serve requests and count them in a
 * shared counter. `served = served + 1` is a load, an add and a store; two
 * workers that interleave them lose an update, so the total printed at the
 * end is usually less than expected. The workers do take a lock, but only to
 * keep their log lines whole: holding some lock somewhere is not the same as
 * protecting the counter.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WORKERS 5
#define REQUESTS 100000

static long served;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static int handle_request(int id, int n)
{
    return (id * 31 + n) % 7 != 0; /* pretend work: most requests succeed */
}

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    for (int n = 0; n < REQUESTS; n++) {
        if (handle_request(id, n))
            served = served + 1; // expect: race.unprotected-rmw
    }
    pthread_mutex_lock(&log_lock);
    printf("worker %d done\n", id);
    pthread_mutex_unlock(&log_lock);
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
