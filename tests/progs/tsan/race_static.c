/*
 * race_static.c - two threads update a function-local static variable.
 *
 * Compilers decorate the symbol of such a variable: clang names it
 * 'worker.calls', gcc 'calls.0'. Expected: one "data race" report whose
 * location is that global.
 */
#include <pthread.h>
#include <stdio.h>

static void *worker(void *arg)
{
    static int calls;
    (void)arg;
    calls++;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    puts("done");
    return 0;
}
