/* The twin of lock_class.c: the two swaps run one after the other (the first
 * thread is joined before the second starts), so they never overlap. */
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
    swap(&right, &left);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, one, NULL);
    pthread_join(t1, NULL);
    pthread_create(&t2, NULL, two, NULL);
    pthread_join(t2, NULL);
    return 0;
}
