/* Joining some of the threads of an array orders nothing against the others:
 * joining one element, or fewer elements than were started, leaves threads
 * running; joining every element, one by one or in a loop over all of them,
 * does not. */
#include <pthread.h>
#include <stdio.h>

static long hits, misses, total;

static void *count_hit(void *arg)
{
    hits++; // expect: race.unprotected-rmw
    return arg;
}

static void *count_miss(void *arg)
{
    misses++; // expect: race.unprotected-rmw
    return arg;
}

static pthread_mutex_t total_lock = PTHREAD_MUTEX_INITIALIZER;

static void *count_total(void *arg)
{
    pthread_mutex_lock(&total_lock);
    total++;
    pthread_mutex_unlock(&total_lock);
    return arg;
}

/* Two threads, only the first joined. */
static void one_of_two(void)
{
    pthread_t t[2];
    pthread_create(&t[0], NULL, count_hit, NULL);
    pthread_create(&t[1], NULL, count_hit, NULL);
    pthread_join(t[0], NULL);
    hits++; // expect: race.unprotected-rmw
    pthread_join(t[1], NULL);
}

/* Ten started, nine joined. */
static void nine_of_ten(void)
{
    pthread_t t[10];
    for (int i = 0; i < 10; i++)
        pthread_create(&t[i], NULL, count_miss, NULL);
    for (int i = 0; i < 9; i++)
        pthread_join(t[i], NULL);
    misses++; // expect: race.unprotected-rmw
    pthread_join(t[9], NULL);
}

/* Every element joined, one by one, then in a loop over all: main's unlocked
 * updates come after the threads' locked ones. */
static void all_joined(void)
{
    pthread_t a[2], b[4];
    pthread_create(&a[0], NULL, count_total, NULL);
    pthread_create(&a[1], NULL, count_total, NULL);
    pthread_join(a[0], NULL);
    pthread_join(a[1], NULL);
    total++;
    for (int i = 0; i < 4; i++)
        pthread_create(&b[i], NULL, count_total, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(b[i], NULL);
    total++;
}

int main(void)
{
    one_of_two();
    nine_of_ten();
    all_joined();
    printf("%ld %ld %ld\n", hits, misses, total);
    return 0;
}
