/* The twin of lock_class.c: both threads nest the two node locks in the same
 * order (every caller passes left, then right), so the class nesting cannot
 * invert. */
#include <pthread.h>

struct node {
    pthread_mutex_t lock;
    int value;
};

static struct node left = {PTHREAD_MUTEX_INITIALIZER, 1};
static struct node right = {PTHREAD_MUTEX_INITIALIZER, 2};

static void swap(struct node *p, struct node *q)
{
    pthread_mutex_lock(&p->lock);
    pthread_mutex_lock(&q->lock);
    int t = p->value;
    p->value = q->value;
    q->value = t;
    pthread_mutex_unlock(&q->lock);
    pthread_mutex_unlock(&p->lock);
}

static void *one(void *arg)
{
    (void)arg;
    swap(&left, &right);
    return NULL;
}

static void *two(void *arg)
{
    (void)arg;
    swap(&left, &right);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, one, NULL);
    pthread_create(&t2, NULL, two, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
