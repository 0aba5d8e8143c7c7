/*
 * chatty.c - a racy counter in a program that keeps writing to stderr, so that
 * ThreadSanitizer's report (also on stderr) interleaves with program output.
 *
 * Expected: one "data race" report on 'hits' among many progress lines.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int hits;

static void *worker(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < 200; i++) {
        hits++;
        if (i % 20 == 0)
            fprintf(stderr, "worker %ld: step %d\n", id, i);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 5; i++)
        fprintf(stderr, "main: waiting %d\n", i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    fprintf(stderr, "hits=%d\n", hits);
    return 0;
}
