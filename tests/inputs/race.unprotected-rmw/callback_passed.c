/* A function passed to a library function, or to one the program does not
 * define, may be called there, on the calling thread, with the caller's locks
 * held: a qsort comparator counting its calls races when two threads sort at
 * once, not when both sort under one lock. A function handed to a function the
 * program defines runs only where that definition calls it. */
#include <pthread.h>
#include <stdlib.h>

extern void for_each_client(void (*visit)(void));

static int values[8];
static long compares, locked_compares, visits, stored_runs;
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int by_value(const void *a, const void *b)
{
    compares++; // expect: race.unprotected-rmw
    return *(const int *)a - *(const int *)b;
}

static int by_value_locked(const void *a, const void *b)
{
    locked_compares++;
    return *(const int *)a - *(const int *)b;
}

static void visit_client(void)
{
    visits++; // expect: race.unprotected-rmw
}

static void stored(void)
{
    stored_runs++;
}

static void (*later)(void);

static void keep(void (*f)(void))
{
    later = f; /* stored, never called */
}

static void *sorter(void *arg)
{
    int copy[8];
    qsort(copy, 8, sizeof copy[0], by_value);
    pthread_mutex_lock(&sort_lock);
    qsort(values, 8, sizeof values[0], by_value_locked);
    pthread_mutex_unlock(&sort_lock);
    visits++; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    pthread_t t[2];
    keep(stored);
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, sorter, NULL);
    for_each_client(visit_client);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(compares + locked_compares + visits + stored_runs);
}
