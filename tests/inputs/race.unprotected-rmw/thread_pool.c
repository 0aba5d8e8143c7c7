/* A thread pool: tasks are function pointers queued by main and run by the
 * workers. A call through a pointer may reach any function of its type whose
 * address is taken, so the tasks run in the workers' threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct task {
    void (*fn)(void *);
    void *arg;
    struct task *next;
};

static struct task *queue;
static int stopping;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static long unsafe_count, safe_count;

static void count_unsafe(void *arg)
{
    (void)arg;
    unsafe_count++; // expect: race.unprotected-rmw
}

static void count_safe(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&stats_lock);
    safe_count++;
    pthread_mutex_unlock(&stats_lock);
}

static void submit(void (*fn)(void *), void *arg)
{
    struct task *t = malloc(sizeof *t);
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&qlock);
    t->next = queue;
    queue = t;
    pthread_cond_signal(&qcond);
    pthread_mutex_unlock(&qlock);
}

static void *pool_worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qlock);
        while (!queue && !stopping)
            pthread_cond_wait(&qcond, &qlock);
        if (!queue) {
            pthread_mutex_unlock(&qlock);
            break;
        }
        struct task *t = queue;
        queue = t->next;
        pthread_mutex_unlock(&qlock);
        t->fn(t->arg);
        free(t);
    }
    return NULL;
}

int main(void)
{
    pthread_t workers[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&workers[i], NULL, pool_worker, NULL);
    for (int i = 0; i < 100; i++) {
        submit(count_unsafe, NULL);
        submit(count_safe, NULL);
    }
    pthread_mutex_lock(&qlock);
    stopping = 1;
    pthread_cond_broadcast(&qcond);
    pthread_mutex_unlock(&qlock);
    for (int i = 0; i < 3; i++)
        pthread_join(workers[i], NULL);
    printf("%ld %ld\n", unsafe_count, safe_count);
    return 0;
}
