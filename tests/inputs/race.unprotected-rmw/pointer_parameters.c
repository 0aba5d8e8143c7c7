/* Helpers that receive a pointer: what they update is what their callers pass,
 * here elements of a global cache (shared) or a caller's local (private). */
#include <pthread.h>
#include <stdio.h>

struct entry {
    pthread_mutex_t lock;
    int refs;
    int hits;
};

static struct entry cache[8];

static void addref(struct entry *e)
{
    pthread_mutex_lock(&e->lock);
    e->refs++;
    pthread_mutex_unlock(&e->lock);
}

static void touch(struct entry *e)
{
    e->hits++; // expect: race.unprotected-rmw
}

static void bump(struct entry *e)
{
    e->hits += 2;
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100; i++) {
        struct entry mine = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
        addref(&cache[i % 8]);
        touch(&cache[i % 8]);
        bump(&mine);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[3];
    for (int i = 0; i < 8; i++)
        pthread_mutex_init(&cache[i].lock, NULL);
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    cache[5].refs++; // expect: race.unprotected-rmw
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%d %d\n", cache[0].refs, cache[0].hits);
    return 0;
}
