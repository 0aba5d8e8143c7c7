/* A heap object handed to a thread through a local pointer: the creator's
 * accesses through that pointer after the creation are concurrent with the
 * thread's; objects allocated per thread (in the creation loop, or by a helper
 * that starts one thread per call, with malloc or the program's own
 * constructor), or used only before the creation or after the join, are not
 * shared. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct counter {
    long hits;
    long misses;
    pthread_mutex_t lock;
};

static void *bump(void *arg)
{
    struct counter *c = arg;
    c->hits++; // expect: race.unprotected-rmw
    pthread_mutex_lock(&c->lock);
    c->misses++;
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* The creator keeps updating the object it handed over. */
static void shared_with_creator(void)
{
    pthread_t t;
    struct counter *c = malloc(sizeof *c);
    c->hits = 0; /* before the creation: the thread does not run yet */
    c->misses = 0;
    pthread_mutex_init(&c->lock, NULL);
    pthread_create(&t, NULL, bump, c);
    c->hits += 2; // expect: race.unprotected-rmw
    pthread_mutex_lock(&c->lock);
    c->misses += 2;
    pthread_mutex_unlock(&c->lock);
    pthread_join(t, NULL);
    printf("%ld %ld\n", c->hits, c->misses); /* after the join */
    free(c);
}

struct job {
    int id;
    long result;
};

static void *work(void *arg)
{
    struct job *j = arg;
    j->result += j->id;
    return NULL;
}

/* One object per thread: the threads never share one, and main reads each
 * after joining its thread. */
static void one_per_thread(void)
{
    pthread_t t[4];
    struct job *jobs[4];
    for (int i = 0; i < 4; i++) {
        struct job *j = malloc(sizeof *j);
        j->id = i;
        j->result = 0;
        jobs[i] = j;
        pthread_create(&t[i], NULL, work, j);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        printf("%ld\n", jobs[i]->result);
        free(jobs[i]);
    }
}

struct tally {
    long n;
};

static void *count(void *arg)
{
    struct tally *t = arg;
    t->n++;
    return NULL;
}

/* The pointer is given a second object after the creation: what main updates
 * then is not the thread's object. */
static void pointer_moves_on(void)
{
    pthread_t t;
    struct tally *p = malloc(sizeof *p);
    p->n = 0;
    pthread_create(&t, NULL, count, p);
    p = malloc(sizeof *p);
    p->n = 0;
    p->n++;
    pthread_join(t, NULL);
    free(p);
}

struct task {
    int id;
    long out;
    long seen;
};

static pthread_t task_threads[4], crew[3];

static void *run_task(void *arg)
{
    struct task *t = arg;
    t->out = t->id * 2;
    return NULL;
}

/* A new object at every call, for the one thread it starts: called in a loop,
 * it starts threads that share nothing. */
static void spawn_task(int i)
{
    struct task *t = malloc(sizeof *t);
    t->id = i;
    t->out = 0;
    pthread_create(&task_threads[i], NULL, run_task, t);
}

static void *xalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        abort();
    return p;
}

/* The program's own constructor: every return gives a new object or NULL. */
static struct task *task_new(int i)
{
    struct task *t = NULL;
    t = xalloc(sizeof *t);
    if (!t)
        return NULL;
    t->id = i;
    t->out = 0;
    return t;
}

static pthread_t made_threads[4];

static void *run_made(void *arg)
{
    struct task *t = arg;
    t->out = t->id * 3;
    return NULL;
}

/* The same through the constructor. */
static void spawn_made(int i)
{
    struct task *t = task_new(i);
    pthread_create(&made_threads[i], NULL, run_made, t);
}

static void *visit(void *arg)
{
    struct task *t = arg;
    t->seen++; // expect: race.unprotected-rmw
    return NULL;
}

/* One new object for the three threads of a loop: shared between them. */
static void start_crew(void)
{
    struct task *t = calloc(1, sizeof *t);
    for (int i = 0; i < 3; i++)
        pthread_create(&crew[i], NULL, visit, t);
}

int main(void)
{
    shared_with_creator();
    one_per_thread();
    pointer_moves_on();
    for (int i = 0; i < 4; i++)
        spawn_task(i);
    for (int i = 0; i < 4; i++)
        pthread_join(task_threads[i], NULL);
    for (int i = 0; i < 4; i++)
        spawn_made(i);
    for (int i = 0; i < 4; i++)
        pthread_join(made_threads[i], NULL);
    start_crew();
    for (int i = 0; i < 3; i++)
        pthread_join(crew[i], NULL);
    return 0;
}
