/* Locks across early returns, goto cleanup, break, continue and switch: every
 * update below is protected on every path, except the marked ones. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long items, errors, rounds, kinds[3];

static int process(int v)
{
    pthread_mutex_lock(&m);
    if (v < 0) {
        errors++;
        pthread_mutex_unlock(&m);
        return -1;
    }
    if (v == 0)
        goto out;
    items += v;
    switch (v % 3) {
    case 0:
        kinds[0]++;
        break;
    case 1:
        kinds[1]++;
        /* fall through */
    default:
        kinds[2]++;
    }
out:
    pthread_mutex_unlock(&m);
    return 0;
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = -5; i < 100; i++) {
        pthread_mutex_lock(&m);
        if (i % 7 == 0) {
            pthread_mutex_unlock(&m);
            continue;
        }
        rounds++;
        pthread_mutex_unlock(&m);
        process(i);
    }
    pthread_mutex_lock(&m);
    while (rounds > 10) {
        pthread_mutex_unlock(&m);
        rounds--; // expect: race.unprotected-rmw
        pthread_mutex_lock(&m);
    }
    pthread_mutex_unlock(&m);
    for (;;) {
        pthread_mutex_lock(&m);
        if (items > 1000)
            break;
        items++;
        pthread_mutex_unlock(&m);
    }
    items--;
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld %ld\n", items, errors, rounds);
    return 0;
}
