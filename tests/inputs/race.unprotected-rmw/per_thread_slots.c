/* Array elements chosen by the thread's own number are private to the thread;
 * elements several threads can pick are shared. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define N 8

static long hits[N];
static long pairs[N / 2];
static long totals[N];
static int ids[N];
static long own_cells[N], shared_cells[N / 2];

/* Helpers updating the cell they are given: private when the caller passes its
 * own slot, shared when two threads can pass the same one. */
static void add_private(long *cell)
{
    *cell += 1;
}

static void add_shared(long *cell)
{
    *cell += 1; // expect: race.unprotected-rmw
}

static void *worker(void *arg)
{
    int id = (int)(intptr_t)arg;
    for (int i = 0; i < 1000; i++) {
        hits[id]++;
        pairs[id / 2]++; // expect: race.unprotected-rmw
        add_private(&own_cells[id]);
        add_shared(&shared_cells[id / 2]);
    }
    return NULL;
}

static void *summer(void *arg)
{
    int me = *(int *)arg;
    for (int i = 0; i < 1000; i++)
        totals[me] += i;
    return NULL;
}

struct slice {
    long *cells;
    int n;
};

static void *filler(void *arg)
{
    struct slice *sl = arg;
    for (int i = 0; i < sl->n; i++)
        sl->cells[i] += 1;
    return NULL;
}

int main(void)
{
    pthread_t t[N], u[N], v[N];
    for (intptr_t i = 0; i < N; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    for (int i = 0; i < N; i++) {
        ids[i] = i;
        pthread_create(&u[i], NULL, summer, &ids[i]);
    }
    for (int i = 0; i < N; i++) {
        struct slice *sl = malloc(sizeof *sl);
        sl->cells = calloc(16, sizeof(long));
        sl->n = 16;
        pthread_create(&v[i], NULL, filler, sl);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        pthread_join(u[i], NULL);
        pthread_join(v[i], NULL);
    }
    printf("%ld %ld %ld\n", hits[0], pairs[0], totals[0]);
    return 0;
}
