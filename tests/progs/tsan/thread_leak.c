/*
 * thread_leak.c - main creates a joinable thread and never joins or detaches it.
 *
 * Expected: one "thread leak" report naming the creation site in main().
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
    pthread_t t;
    pthread_create(&t, NULL, idle, NULL);
    usleep(100000);
    puts("done");
    return 0;
}
