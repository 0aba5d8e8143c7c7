/* Double-checked locking with a plain pointer: the outer test runs without the
 * lock that the initialisation takes. The inner test, under the lock, is fine
 * on its own. */
#include <pthread.h>
#include <stdlib.h>

struct config {
    int level;
};

static struct config *config;
static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;

static struct config *load_config(void)
{
    struct config *c = malloc(sizeof *c);
    if (c)
        c->level = 3;
    return c;
}

static struct config *get_config(void)
{
    if (!config) { // expect: race.read-write
        pthread_mutex_lock(&config_lock);
        if (!config)
            config = load_config(); // expect: race.check-then-act
        pthread_mutex_unlock(&config_lock);
    }
    return config; // expect: race.read-write
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
