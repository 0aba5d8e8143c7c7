/* trylock: the lock is held only where the call returned 0. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long done, skipped;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        if (pthread_mutex_trylock(&m) == 0) {
            done++;
            pthread_mutex_unlock(&m);
        } else {
            skipped++; // expect: race.unprotected-rmw
        }
        if (!pthread_mutex_trylock(&m)) {
            done += 2;
            pthread_mutex_unlock(&m);
        }
        if (pthread_mutex_trylock(&m) != 0)
            continue;
        done += 3;
        pthread_mutex_unlock(&m);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", done, skipped);
    return 0;
}
