/* A pointer to an array field of what a thread's argument points to
 * (`long *s = c->slots`) points into that array, not to the whole struct:
 * updating s[0] races with the same slot in the other worker; reading s[1]
 * and s[3] races with nothing, and neither meets the struct's other field,
 * which the workers write under the struct's lock. */
#include <pthread.h>

struct ctx {
    pthread_mutex_t lock;
    long counter;
    long slots[4];
};

static struct ctx shared_ctx = {PTHREAD_MUTEX_INITIALIZER, 0, {0}};

static void *worker(void *arg)
{
    struct ctx *c = arg;
    long *s = c->slots;
    pthread_mutex_lock(&c->lock);
    c->counter = s[3];
    pthread_mutex_unlock(&c->lock);
    s[0]++; // expect: race.unprotected-rmw
    return (void *)s[1];
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, &shared_ctx);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(shared_ctx.counter + shared_ctx.slots[0]);
}
