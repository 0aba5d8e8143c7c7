/* main names itself in a global and ends with pthread_exit; a thread that
 * joins that handle runs on after main has finished, so its updates do not
 * race with main's. A thread that does not join it does race. */
#include <pthread.h>
#include <stdio.h>

static pthread_t main_thread;
static long total, seen;

static void *finisher(void *arg)
{
    pthread_join(main_thread, NULL);
    total++;
    printf("total %ld\n", total);
    return arg;
}

static void *watcher(void *arg)
{
    seen++; // expect: race.unprotected-rmw
    return arg;
}

int main(void)
{
    pthread_t f, w;
    main_thread = pthread_self();
    pthread_create(&f, NULL, finisher, NULL);
    pthread_create(&w, NULL, watcher, NULL);
    total++;
    seen++; // expect: race.unprotected-rmw
    pthread_exit(NULL);
}
