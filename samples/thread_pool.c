// model: threads
/*
 * thread_pool.c - a fixed-size pool of worker threads behind a task queue,
 * with futures for the results (what Python's concurrent.futures gives), used
 * to checksum a set of generated "files" in parallel.
 *
 * Correct: the queue is guarded by the pool's mutex and two condition variables
 * (work available, space free); each future is its own small monitor (a mutex,
 * a condition variable and a ready flag), and the result is read only under the
 * future's mutex once it is ready. Nothing to report.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORKERS 4
#define QUEUE_CAP 8
#define JOBS 32

struct future {
    pthread_mutex_t lock;
    pthread_cond_t done;
    int ready;
    unsigned long value;
};

struct task {
    unsigned long (*fn)(const void *arg);
    const void *arg;
    struct future *result;
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    struct task queue[QUEUE_CAP];
    int head, count;
    int stopping;
    pthread_t workers[WORKERS];
};

static void future_init(struct future *f)
{
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->done, NULL);
    f->ready = 0;
    f->value = 0;
}

static void future_set(struct future *f, unsigned long value)
{
    pthread_mutex_lock(&f->lock);
    f->value = value;
    f->ready = 1;
    pthread_cond_signal(&f->done);
    pthread_mutex_unlock(&f->lock);
}

static unsigned long future_get(struct future *f)
{
    pthread_mutex_lock(&f->lock);
    while (!f->ready)
        pthread_cond_wait(&f->done, &f->lock);
    unsigned long v = f->value;
    pthread_mutex_unlock(&f->lock);
    return v;
}

/* Takes the next task, or returns 0 once the pool stops and the queue is empty. */
static int pool_take(struct pool *p, struct task *out)
{
    pthread_mutex_lock(&p->lock);
    while (p->count == 0 && !p->stopping)
        pthread_cond_wait(&p->not_empty, &p->lock);
    if (p->count == 0) {
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    *out = p->queue[p->head];
    p->head = (p->head + 1) % QUEUE_CAP;
    p->count--;
    pthread_cond_signal(&p->not_full);
    pthread_mutex_unlock(&p->lock);
    return 1;
}

static void *worker_main(void *arg)
{
    struct pool *p = arg;
    struct task t;
    while (pool_take(p, &t))
        future_set(t.result, t.fn(t.arg));
    return NULL;
}

static void pool_start(struct pool *p)
{
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->not_empty, NULL);
    pthread_cond_init(&p->not_full, NULL);
    for (int i = 0; i < WORKERS; i++)
        pthread_create(&p->workers[i], NULL, worker_main, p);
}

static void pool_submit(struct pool *p, unsigned long (*fn)(const void *), const void *arg,
                        struct future *result)
{
    future_init(result);
    pthread_mutex_lock(&p->lock);
    while (p->count == QUEUE_CAP)
        pthread_cond_wait(&p->not_full, &p->lock);
    struct task *slot = &p->queue[(p->head + p->count) % QUEUE_CAP];
    slot->fn = fn;
    slot->arg = arg;
    slot->result = result;
    p->count++;
    pthread_cond_signal(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
}

static void pool_stop(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->not_empty);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < WORKERS; i++)
        pthread_join(p->workers[i], NULL);
}

/* The work: an Adler-32 style checksum of a buffer. */
struct blob {
    const unsigned char *data;
    size_t len;
};

static unsigned long checksum(const void *arg)
{
    const struct blob *b = arg;
    unsigned long a = 1, s = 0;
    for (size_t i = 0; i < b->len; i++) {
        a = (a + b->data[i]) % 65521;
        s = (s + a) % 65521;
    }
    return (s << 16) | a;
}

int main(void)
{
    static unsigned char storage[JOBS][4096];
    static struct blob blobs[JOBS];
    static struct future results[JOBS];
    for (int j = 0; j < JOBS; j++) {
        for (size_t i = 0; i < sizeof storage[j]; i++)
            storage[j][i] = (unsigned char)(i * 31 + j * 7);
        blobs[j].data = storage[j];
        blobs[j].len = sizeof storage[j] - (size_t)j;
    }

    struct pool pool;
    pool_start(&pool);
    for (int j = 0; j < JOBS; j++)
        pool_submit(&pool, checksum, &blobs[j], &results[j]);
    unsigned long combined = 0;
    for (int j = 0; j < JOBS; j++)
        combined ^= future_get(&results[j]);
    pool_stop(&pool);

    /* The same checksums computed serially must agree. */
    unsigned long serial = 0;
    for (int j = 0; j < JOBS; j++)
        serial ^= checksum(&blobs[j]);
    printf("%d files, combined checksum %08lx (%s)\n", JOBS, combined,
           combined == serial ? "matches" : "MISMATCH");
    return combined == serial ? 0 : 1;
}
