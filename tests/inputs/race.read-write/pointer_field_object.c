/* A pool handed to its workers: the array its `slots` field points to is
 * another object than the pool, so the workers' reads of the slots do not
 * conflict with main's later write of the pool's `limit`; their read of
 * `limit` itself does. A `next` field pointing to the pool's own type may lead
 * back to the pool: what is reached through it may be the pool. */
#include <pthread.h>
#include <stdlib.h>

struct pool {
    long *slots;
    int nslots;
    int limit;
    struct pool *next;
    pthread_mutex_t lock;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    long sum = 0;
    pthread_mutex_lock(&p->lock);
    for (int i = 0; i < p->nslots; i++)
        sum += p->slots[i];
    pthread_mutex_unlock(&p->lock);
    if (p->next)
        sum += p->next->limit; // expect: race.read-write
    return (void *)sum;
}

int main(void)
{
    pthread_t t[2];
    struct pool *p = malloc(sizeof *p);
    p->nslots = 4;
    p->slots = calloc(4, sizeof *p->slots);
    p->next = p;
    p->limit = 0;
    pthread_mutex_init(&p->lock, NULL);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, p);
    p->limit = 2; /* the write the workers' read of limit conflicts with */
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    free(p->slots);
    free(p);
    return 0;
}
