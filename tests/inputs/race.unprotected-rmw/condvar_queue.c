/* A bounded queue guarded by a mutex and two condition variables: every queue
 * update is under the lock, even across pthread_cond_wait. One statistic is
 * updated after the unlock. */
#include <pthread.h>
#include <stdio.h>

#define CAP 8

static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static int items[CAP];
static int head, tail, count;
static long consumed;

static void put(int v)
{
    pthread_mutex_lock(&qlock);
    while (count == CAP)
        pthread_cond_wait(&not_full, &qlock);
    items[tail] = v;
    tail = (tail + 1) % CAP;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qlock);
}

static int get(void)
{
    pthread_mutex_lock(&qlock);
    while (count == 0)
        pthread_cond_wait(&not_empty, &qlock);
    int v = items[head];
    head = (head + 1) % CAP;
    count--;
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qlock);
    consumed++; // expect: race.unprotected-rmw
    return v;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        put(i);
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < 500; i++)
        sum += get();
    return (void *)sum;
}

int main(void)
{
    pthread_t p, c[2];
    pthread_create(&p, NULL, producer, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&c[i], NULL, consumer, NULL);
    pthread_join(p, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(c[i], NULL);
    printf("%ld\n", consumed);
    return 0;
}
