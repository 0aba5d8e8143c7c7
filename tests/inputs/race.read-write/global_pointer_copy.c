/* A local given a global pointer's value points to what the global points to:
 * `*cur` below is the object `*stats` names in the worker. A pointer taken off
 * a shared list (the list's head is moved on after it was read, under the
 * list's lock) is the taker's own: using it after the unlock is no race,
 * whether the head is a field (`todo.head`) or a global (`finished`). */
#include <pthread.h>
#include <stdlib.h>

struct counters {
    long hits, misses;
};

struct job {
    int input, output;
    struct job *next;
};

struct queue {
    struct job *head;
};

static struct counters *stats;
static struct queue todo;    /* popped through a field */
static struct job *finished; /* popped through a global pointer */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&qlock);
    stats->hits++;
    pthread_mutex_unlock(&qlock);
    for (;;) {
        pthread_mutex_lock(&qlock);
        struct job *j = todo.head;
        if (!j) {
            pthread_mutex_unlock(&qlock);
            break;
        }
        todo.head = j->next;
        pthread_mutex_unlock(&qlock);
        j->output = j->input * 2;
        pthread_mutex_lock(&qlock);
        j->next = finished;
        finished = j;
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static void *reaper(void *arg)
{
    for (int n = 0; n < 4;) {
        pthread_mutex_lock(&qlock);
        struct job *j = finished;
        if (j)
            finished = j->next;
        pthread_mutex_unlock(&qlock);
        if (!j)
            continue;
        total += j->output;
        free(j);
        n++;
    }
    return arg;
}

int main(void)
{
    pthread_t t[2], r;
    stats = calloc(1, sizeof *stats);
    for (int i = 0; i < 4; i++) {
        struct job *j = calloc(1, sizeof *j);
        j->input = i;
        j->next = todo.head;
        todo.head = j;
    }
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    pthread_create(&r, NULL, reaper, NULL);
    struct counters *cur = stats;
    cur->misses = 0;
    long seen = cur->hits; // expect: race.read-write
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_join(r, NULL);
    return (int)(total + seen);
}
