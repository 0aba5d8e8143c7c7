/* A lock taken through a pointer that may name either of two locks holds one
 * of them, neither for sure: it protects nothing against a thread holding one
 * of them, nor against another run of the same code, which may pick the other
 * one. A pointer given the same lock on every path holds that lock. Releasing
 * through a pointer to either lock may release either of them. */
#include <pthread.h>

static pthread_mutex_t read_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static long reads, writes, requests, flushes;

static void *reader(void *arg)
{
    pthread_mutex_lock(&read_lock);
    reads++; // expect: race.unprotected-rmw
    requests++;
    pthread_mutex_unlock(&read_lock);
    return arg;
}

/* Serves a request of either kind; several threads run it at once. */
static void *server(void *arg)
{
    int is_write = arg != NULL;
    pthread_mutex_t *m = is_write ? &write_lock : &read_lock;
    pthread_mutex_lock(m);
    writes++; // expect: race.unprotected-rmw
    pthread_mutex_unlock(m);
    pthread_mutex_t *all = &read_lock;
    if (is_write)
        all = &read_lock;
    pthread_mutex_lock(all);
    requests++;
    pthread_mutex_unlock(all);
    pthread_mutex_lock(&write_lock);
    flushes++;
    pthread_mutex_unlock(&write_lock);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t r, s[2];
    pthread_create(&r, NULL, reader, NULL);
    pthread_create(&s[0], NULL, server, NULL);
    pthread_create(&s[1], NULL, server, argv);
    pthread_mutex_t *m = &read_lock;
    if (argc > 1)
        m = &write_lock;
    pthread_mutex_lock(m);
    reads++; // expect: race.unprotected-rmw
    pthread_mutex_unlock(m);
    /* Taken directly, released through the pointer: maybe not released. */
    pthread_mutex_lock(&read_lock);
    pthread_mutex_t *held = argc > 2 ? &read_lock : &write_lock;
    pthread_mutex_unlock(held);
    flushes++; // expect: race.unprotected-rmw
    pthread_join(r, NULL);
    pthread_join(s[0], NULL);
    pthread_join(s[1], NULL);
    return (int)(reads + writes + requests + flushes);
}
