/* Calls through a global function pointer reach what the program stores in it;
 * a function only listed in a table nobody calls from a thread is not reached. */
#include <pthread.h>
#include <stdio.h>

static long events, ticks, resets;

static void count_event(void)
{
    events++; // expect: race.unprotected-rmw
}

static void tick(void)
{
    ticks++;
}

static void reset(void)
{
    resets++;
}

static void (*on_event)(void) = count_event;

struct command {
    const char *name;
    void (*run)(void);
};

static const struct command commands[] = {{"tick", tick}, {"reset", reset}};

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        on_event();
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        commands[i].run();
    printf("%ld %ld %ld\n", events, ticks, resets);
    return 0;
}
