/*
 * race_heap.c - a thread writes a field of a heap-allocated struct while the
 * main thread reads it, with no synchronisation between them.
 *
 * Expected: one "data race" report whose location is a heap block allocated
 * by main().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct stats {
    long hits;
    long misses;
};

static void *writer(void *arg)
{
    struct stats *s = arg;
    s->misses = 42;
    return NULL;
}

int main(void)
{
    struct stats *s = calloc(1, sizeof *s);
    pthread_t t;
    pthread_create(&t, NULL, writer, s);
    usleep(100000);
    long m = s->misses;
    pthread_join(t, NULL);
    printf("misses=%ld\n", m);
    free(s);
    return 0;
}
