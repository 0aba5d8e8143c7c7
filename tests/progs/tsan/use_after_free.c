/*
 * use_after_free.c - a thread frees a buffer while the main thread later writes
 * to it, with no synchronisation ordering the two.
 *
 * Expected: one "heap-use-after-free" report: the write in main(), the free in
 * release().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *release(void *arg)
{
    free(arg);
    return NULL;
}

int main(void)
{
    int *buf = malloc(16 * sizeof *buf);
    pthread_t t;
    pthread_create(&t, NULL, release, buf);
    usleep(100000);
    buf[3] = 7;
    pthread_join(t, NULL);
    puts("written");
    return 0;
}
