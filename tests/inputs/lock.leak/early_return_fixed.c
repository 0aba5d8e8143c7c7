/* The twin of early_return.c: the error path unlocks before returning. */
#include <pthread.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int items[16];
static int count;

static int push(int v)
{
    pthread_mutex_lock(&m);
    if (count == 16) {
        pthread_mutex_unlock(&m);
        return -1;
    }
    items[count++] = v;
    pthread_mutex_unlock(&m);
    return 0;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++)
        push(i);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, producer, NULL);
    pthread_create(&t2, NULL, producer, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
