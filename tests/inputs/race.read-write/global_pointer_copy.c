/* A local given a global pointer's value points to what the global points to:
 * `*cur` below is the object `*stats` names in the worker. A pointer taken off
 * a shared list (the list's head is moved on after it was read, under the
 * list's lock) is the taker's own: using it after the unlock is no race. */
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
static struct job *pending;   /* a list popped through a global head */
static struct queue done = {0}; /* a list popped through a field */
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&qlock);
    stats->hits++;
    pthread_mutex_unlock(&qlock);
    for (;;) {
        pthread_mutex_lock(&qlock);
        struct job *j = pending;
        if (!j) {
            pthread_mutex_unlock(&qlock);
            break;
        }
        pending = j->next;
        pthread_mutex_unlock(&qlock);
        j->output = j->input * 2;
        pthread_mutex_lock(&qlock);
        j->next = done.head;
        done.head = j;
        pthread_mutex_unlock(&qlock);
    }
    return NULL;
}

static long collect(void)
{
    long sum = 0;
    pthread_mutex_lock(&qlock);
    struct job *j = done.head;
    while (j) {
        done.head = j->next;
        sum += j->output;
        free(j);
        j = done.head;
    }
    pthread_mutex_unlock(&qlock);
    return sum;
}

int main(void)
{
    pthread_t t[2];
    stats = calloc(1, sizeof *stats);
    for (int i = 0; i < 4; i++) {
        struct job *j = calloc(1, sizeof *j);
        j->input = i;
        j->next = pending;
        pending = j;
    }
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    struct counters *cur = stats;
    cur->misses = 0;
    long seen = cur->hits; // expect: race.read-write
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(collect() + seen);
}
