/* Code under `if (id == 0)` runs in one thread at most when every thread gets
 * a different id, and so do the functions called only there; code under
 * `if (id != 1)` runs in all but one, and a function also called outside the
 * branch runs in every thread. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define N 4

static long leader_rounds, follower_rounds, polls, reports, checks;

static void report(void)
{
    reports++;
}

static void check(void)
{
    checks++; // expect: race.unprotected-rmw
}

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    for (int i = 0; i < 100; i++) {
        if (id == 0) {
            leader_rounds++;
            report();
            check();
        } else if (i % 10 == 0) {
            check();
        } else
            follower_rounds++; // expect: race.unprotected-rmw
        if (id != 1)
            polls++; // expect: race.unprotected-rmw
    }
    return NULL;
}

int main(void)
{
    pthread_t t[N];
    for (intptr_t i = 0; i < N; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < N; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld %ld %ld %ld\n", leader_rounds, follower_rounds, polls, reports, checks);
    return 0;
}
