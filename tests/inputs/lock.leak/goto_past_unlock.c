/* The failure path jumps to a label after the unlock: the function ends holding
 * the lock on that path only. */
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static void *slots[8];

static void store(int i)
{
    void *p;
    pthread_mutex_lock(&m);
    p = malloc(16);
    if (!p)
        goto out; // expect: lock.leak
    free(slots[i]);
    slots[i] = p;
    pthread_mutex_unlock(&m);
out:
    return;
}

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 8; i++)
        store(i);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    return 0;
}
