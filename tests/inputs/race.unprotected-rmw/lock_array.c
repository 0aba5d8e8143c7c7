/* Arrays of locks: locks[1] and locks[2] are different locks; locks[h % N] may be
 * any of them, so it is taken to be the one that the other side holds. */
#include <pthread.h>
#include <stdio.h>

#define N 4

static pthread_mutex_t locks[N];
static long data, slots[N];

static void *worker(void *arg)
{
    unsigned h = (unsigned)(unsigned long)arg;
    pthread_mutex_lock(&locks[1]);
    data++; // expect: race.unprotected-rmw
    pthread_mutex_unlock(&locks[1]);
    for (unsigned i = 0; i < 100; i++) {
        pthread_mutex_lock(&locks[(h + i) % N]);
        slots[(h + i) % N]++;
        pthread_mutex_unlock(&locks[(h + i) % N]);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < N; i++)
        pthread_mutex_init(&locks[i], NULL);
    for (unsigned long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_mutex_lock(&locks[2]);
    data += 10; // expect: race.unprotected-rmw
    pthread_mutex_unlock(&locks[2]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld %ld\n", data, slots[0]);
    return 0;
}
