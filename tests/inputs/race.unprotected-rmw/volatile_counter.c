/* volatile makes every access a real load or store, not an atomic update. */
#include <pthread.h>
#include <stdio.h>

static volatile int ticks;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        ticks++; // expect: race.unprotected-rmw
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, worker, NULL);
    pthread_create(&t[1], NULL, worker, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    printf("%d\n", ticks);
    return 0;
}
