/* A queue whose push checks the result of pthread_mutex_lock: when the lock
 * call fails, nothing was taken, so the early return leaks nothing. A return
 * after a successful lock that skips the unlock does leak. */
#include <pthread.h>

struct queue {
    pthread_mutex_t lock;
    int items[16];
    int n;
};

static struct queue q = {PTHREAD_MUTEX_INITIALIZER, {0}, 0};

static int push(struct queue *qp, int v)
{
    if (pthread_mutex_lock(&qp->lock) != 0)
        return -1;
    if (qp->n == 16)
        return -2; // expect: lock.leak
    qp->items[qp->n++] = v;
    pthread_mutex_unlock(&qp->lock);
    return 0;
}

static int pop(struct queue *qp)
{
    if (pthread_mutex_lock(&qp->lock))
        return -1;
    int v = qp->n ? qp->items[--qp->n] : -1;
    pthread_mutex_unlock(&qp->lock);
    return v;
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < 8; i++)
        push(&q, i);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    int v = pop(&q);
    pthread_join(t, NULL);
    return v;
}
