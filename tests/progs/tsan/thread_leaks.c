/*
 * thread_leaks.c - a loop creates several joinable threads and joins none.
 *
 * Expected: one "thread leak" report ending "And 3 more similar thread leaks."
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void *idle(void *arg)
{
    (void)arg;
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, idle, NULL);
    usleep(100000);
    puts("done");
    return 0;
}
