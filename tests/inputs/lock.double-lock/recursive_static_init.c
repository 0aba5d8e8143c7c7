/* Mutexes made recursive by glibc's typed static initialiser may be locked
 * again by the thread holding them (an array of them too); a mutex with the
 * plain initialiser may not. */
#define _GNU_SOURCE
#include <pthread.h>

static pthread_mutex_t rec = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t recs[2] = {PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP,
                                  PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP};
static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;
static long n;

static void *worker(void *arg)
{
    pthread_mutex_lock(&rec);
    pthread_mutex_lock(&rec);
    n++;
    pthread_mutex_unlock(&rec);
    pthread_mutex_unlock(&rec);
    pthread_mutex_lock(&recs[1]);
    pthread_mutex_lock(&recs[1]);
    pthread_mutex_unlock(&recs[1]);
    pthread_mutex_unlock(&recs[1]);
    pthread_mutex_lock(&plain);
    pthread_mutex_lock(&plain); // expect: lock.double-lock
    pthread_mutex_unlock(&plain);
    pthread_mutex_unlock(&plain);
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)n;
}
