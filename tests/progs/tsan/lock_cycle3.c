/*
 * lock_cycle3.c - three threads take three mutexes pairwise in a cycle:
 * a before b, b before c, c before a. The threads run one after another, so
 * the program does not hang.
 *
 * Expected: one "lock-order-inversion (potential deadlock)" report over three
 * mutexes.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t locks[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER};

static void *pair(void *arg)
{
    int i = (int)(long)arg;
    pthread_mutex_lock(&locks[i]);
    pthread_mutex_lock(&locks[(i + 1) % 3]);
    pthread_mutex_unlock(&locks[(i + 1) % 3]);
    pthread_mutex_unlock(&locks[i]);
    return NULL;
}

int main(void)
{
    for (long i = 0; i < 3; i++) {
        pthread_t t;
        pthread_create(&t, NULL, pair, (void *)i);
        pthread_join(t, NULL);
    }
    puts("done");
    return 0;
}
