/* Simple forms of read-modify-write on globals, one thread per value. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

long total;
unsigned flags;
double scale = 1.0;

static void *adder(void *arg)
{
    long n = (long)(intptr_t)arg;
    total += n;          // expect: race.unprotected-rmw
    total = 1 + total;   // expect: race.unprotected-rmw
    flags |= 1u << n;    // expect: race.unprotected-rmw
    scale = scale * 2.0; // expect: race.unprotected-rmw
    total--;             // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (intptr_t i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, adder, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("%ld %u %f\n", total, flags, scale);
    return 0;
}
