/* The twin of dcl_plain.c, fixed: the pointer is atomic, published with
 * release and read with acquire. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct config {
    int level;
};

static _Atomic(struct config *) config;
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

static struct config *get_config(void)
{
    struct config *c = atomic_load_explicit(&config, memory_order_acquire);
    if (!c) {
        pthread_mutex_lock(&config_lock);
        c = atomic_load_explicit(&config, memory_order_relaxed);
        if (!c) {
            c = malloc(sizeof *c);
            if (c)
                c->level = 3;
            atomic_store_explicit(&config, c, memory_order_release);
        }
        pthread_mutex_unlock(&config_lock);
    }
    return c;
}

static void *worker(void *arg)
{
    (void)arg;
    return get_config();
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    return 0;
}
