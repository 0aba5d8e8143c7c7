/* A loop that starts a thread and joins it before the next iteration runs one
 * thread at a time; only what main does between the creation and the join in
 * the same iteration runs alongside it. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

static long total, progress;

static void *step(void *arg)
{
    total += (long)(intptr_t)arg;
    return NULL;
}

static void *stage(void *arg)
{
    progress++; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    for (intptr_t i = 0; i < 4; i++) {
        pthread_t t;
        pthread_create(&t, NULL, step, (void *)i);
        pthread_join(t, NULL);
    }
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        pthread_create(&t, NULL, stage, NULL);
        progress += 10; // expect: race.unprotected-rmw
        pthread_join(t, NULL);
        progress *= 2;
    }
    printf("%ld %ld\n", total, progress);
    return 0;
}
