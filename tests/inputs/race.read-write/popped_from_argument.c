/* Workers get the queue as their argument and pop tasks off it under its
 * lock. A task reached through the queue (`q->head`, then `t->next` along the
 * list) is another object than the queue: freeing it after the unlock is no
 * access to the queue's fields. The queue's own counter, updated without the
 * lock, is a race. */
#include <pthread.h>
#include <stdlib.h>

struct task {
    int (*fn)(int);
    int arg;
    struct task *next;
};

struct queue {
    pthread_mutex_t lock;
    struct task *head, *tail;
    long served;
};

static void *worker(void *arg)
{
    struct queue *q = arg;
    for (;;) {
        struct task *t;
        pthread_mutex_lock(&q->lock);
        if (!q->head) {
            pthread_mutex_unlock(&q->lock);
            break;
        }
        if (q->head == q->tail) {
            t = q->head;
            q->head = q->tail = NULL;
        } else {
            struct task *prev = q->head;
            while (prev->next != q->tail)
                prev = prev->next;
            t = prev->next;
            prev->next = NULL;
            q->tail = prev;
        }
        pthread_mutex_unlock(&q->lock);
        t->fn(t->arg);
        free(t);
        q->served++; // expect: race.unprotected-rmw
    }
    return NULL;
}

static int twice(int x)
{
    return 2 * x;
}

int main(void)
{
    static struct queue q = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0};
    for (int i = 0; i < 8; i++) {
        struct task *t = calloc(1, sizeof *t);
        t->fn = twice;
        t->arg = i;
        t->next = q.head;
        if (!q.head)
            q.tail = t;
        q.head = t;
    }
    pthread_t w[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&w[i], NULL, worker, &q);
    for (int i = 0; i < 2; i++)
        pthread_join(w[i], NULL);
    return (int)q.served;
}
