/* The twin of if_not_while.c: the predicate is re-tested in a while loop. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER;
static int queue[16], count;

static void *consumer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    while (count == 0)
        pthread_cond_wait(&nonempty, &m);
    int v = queue[--count];
    pthread_mutex_unlock(&m);
    return (void *)(long)v;
}

static void *producer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    queue[count++] = 1;
    pthread_cond_signal(&nonempty);
    pthread_mutex_unlock(&m);
    return NULL;
}

int main(void)
{
    pthread_t c, p;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(c, NULL);
    pthread_join(p, NULL);
    return 0;
}
