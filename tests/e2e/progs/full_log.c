/*
 * full_log.c - correct locking that overflows a small trace log: two threads
 * lock and unlock four mutexes many times, then main joins them and destroys
 * the mutexes. With the log full, a thread's last releases are among the
 * dropped events; nothing may be reported from that gap.
 */
#include <pthread.h>
#include <stdio.h>

#define LOCKS 4
#define ROUNDS 200000

static pthread_mutex_t locks[LOCKS];
static long counts[LOCKS];

static void *worker(void *arg)
{
    long id = (long)arg;
    for (long i = 0; i < ROUNDS; i++) {
        pthread_mutex_t *m = &locks[(i + id) % LOCKS];
        pthread_mutex_lock(m);
        counts[(i + id) % LOCKS]++;
        pthread_mutex_unlock(m);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&locks[i], NULL);
    for (long i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_destroy(&locks[i]);
    printf("%ld\n", counts[0] + counts[1] + counts[2] + counts[3]);
    return 0;
}
