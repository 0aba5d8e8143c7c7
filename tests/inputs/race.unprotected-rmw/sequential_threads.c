/* Each thread is joined before the next one starts: they never overlap. */
#include <pthread.h>
#include <stdio.h>

static long total;

static void *first(void *arg)
{
    (void)arg;
    total += 1;
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    total *= 3;
    return NULL;
}

static void run_one(void *(*fn)(void *))
{
    pthread_t t;
    pthread_create(&t, NULL, fn, NULL);
    pthread_join(t, NULL);
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, first, NULL);
    pthread_join(a, NULL);
    total++;
    pthread_create(&b, NULL, second, NULL);
    pthread_join(b, NULL);
    total--;
    run_one(first);
    total += 2;
    printf("%ld\n", total);
    return 0;
}
