/* main takes the queue lock and a worker releases it: the worker never holds
 * it, so its unlock is undefined for a default mutex (it may release main's
 * critical section while main is inside it). The drain lock is taken and
 * released by each thread itself: fine. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t drain_lock = PTHREAD_MUTEX_INITIALIZER;
static int pending;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&drain_lock);
    pending = 0;
    pthread_mutex_unlock(&drain_lock);
    pthread_mutex_unlock(&queue_lock); // expect: lock.unlock-not-held
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_mutex_lock(&queue_lock);
    pthread_create(&t, NULL, worker, NULL);
    pthread_mutex_lock(&drain_lock);
    pending++;
    pthread_mutex_unlock(&drain_lock);
    pthread_join(t, NULL);
    printf("%d\n", pending);
    return 0;
}
