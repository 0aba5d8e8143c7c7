/* Threads started through a wrapper around pthread_create: each call of the
 * wrapper starts the routine it passes, with the argument it passes. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define N 4

static long total, once_count, per_thread[N], phase;
static pthread_t tids[N + 2];
static int ntids;

static void spawn(void *(*fn)(void *), void *arg)
{
    pthread_create(&tids[ntids++], NULL, fn, arg);
}

/* A wrapper that hands the thread back through its first parameter. */
static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    pthread_create(t, NULL, fn, arg);
}

static void *phaser(void *arg)
{
    (void)arg;
    phase++; // expect: race.unprotected-rmw
    return NULL;
}

static void *adder(void *arg)
{
    long id = (long)(intptr_t)arg;
    total += 1; // expect: race.unprotected-rmw
    per_thread[id]++;
    return NULL;
}

static void *once(void *arg)
{
    (void)arg;
    once_count++;
    return NULL;
}

int main(void)
{
    for (intptr_t i = 0; i < N; i++)
        spawn(adder, (void *)i);
    spawn(once, NULL);
    for (int i = 0; i < ntids; i++)
        pthread_join(tids[i], NULL);
    pthread_t p;
    start(&p, phaser, NULL);
    phase += 10; // expect: race.unprotected-rmw
    pthread_join(p, NULL);
    phase *= 2;
    printf("%ld %ld %ld %ld\n", total, once_count, per_thread[0], phase);
    return 0;
}
