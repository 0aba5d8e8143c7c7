/*
 * race_stack.c - named threads race on a variable that lives on the main
 * thread's stack, and on a thread-local variable of a worker.
 *
 * Expected: two "data race" reports: one whose location is "stack of main
 * thread", one whose location is "TLS of thread T1"; thread descriptions carry
 * the names set with pthread_setname_np.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static _Thread_local int local_hits;
static int *volatile published;

static void *producer(void *arg)
{
    int *shared = arg;
    pthread_setname_np(pthread_self(), "producer");
    *shared = 1;
    published = &local_hits;
    usleep(200000);
    local_hits++;
    return NULL;
}

static void *consumer(void *arg)
{
    int *shared = arg;
    pthread_setname_np(pthread_self(), "consumer");
    usleep(100000);
    *shared = 2;
    while (!published)
        usleep(1000);
    *published = 5;
    return NULL;
}

int main(void)
{
    int shared = 0;
    pthread_t p, c;
    pthread_create(&p, NULL, producer, &shared);
    pthread_create(&c, NULL, consumer, &shared);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    printf("shared=%d\n", shared);
    return 0;
}
