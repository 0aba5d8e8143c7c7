/* Every call of rand holds the same mutex: the calls cannot overlap. The
 * strerror calls in the same threads do not. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int draws[4];

static void *worker(void *arg)
{
    int id = (int)(long)arg;
    pthread_mutex_lock(&m);
    draws[id] = rand();
    pthread_mutex_unlock(&m);
    puts(strerror(draws[id] % 100)); // expect: api.mt-unsafe-call
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
