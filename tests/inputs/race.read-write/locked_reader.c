/* The price is written under the mutex. One reader takes the mutex too
 * (correct); the other reads without it (a race). A reader that only races
 * with an update (`hits++`) is left to race.unprotected-rmw, which reports the
 * update. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t price_lock = PTHREAD_MUTEX_INITIALIZER;
static double price;
static long hits;

static void *updater(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&price_lock);
        price = i * 1.5;
        pthread_mutex_unlock(&price_lock);
        hits++; // expect: race.unprotected-rmw
    }
    return NULL;
}

static void *careful(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&price_lock);
    double p = price;
    pthread_mutex_unlock(&price_lock);
    printf("%f %ld\n", p, hits);
    return NULL;
}

static void *hasty(void *arg)
{
    (void)arg;
    printf("%f\n", price); // expect: race.read-write
    return NULL;
}

int main(void)
{
    pthread_t a, b, c;
    pthread_create(&a, NULL, updater, NULL);
    pthread_create(&b, NULL, careful, NULL);
    pthread_create(&c, NULL, hasty, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    pthread_join(c, NULL);
    return 0;
}
