/* Two different start routines, one thread each, update the same global. */
#include <pthread.h>
#include <stdio.h>

static long balance = 100;

static void *depositor(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        balance += 10; // expect: race.unprotected-rmw
    return NULL;
}

static void *withdrawer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        balance = balance - 10; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t d, w;
    pthread_create(&d, NULL, depositor, NULL);
    pthread_create(&w, NULL, withdrawer, NULL);
    pthread_join(d, NULL);
    pthread_join(w, NULL);
    printf("%ld\n", balance);
    return 0;
}
