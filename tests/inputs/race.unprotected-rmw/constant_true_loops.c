/* Loops whose condition is a constant true (`while (1)`, `while (true)`,
 * `do ... while (1)`) are left only through break: the lockset after the loop
 * is that of the breaks. Each silent worker has a racy twin that releases the
 * lock before breaking. */
#include <pthread.h>
#include <stdbool.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long a, b, c, d, e, f, g;

static int done(long v)
{
    return v > 1000;
}

static void *held_while_one(void *arg)
{
    while (1) {
        pthread_mutex_lock(&m);
        if (done(a))
            break;
        a++;
        pthread_mutex_unlock(&m);
    }
    a--; /* still under m: the loop is left only with m held */
    pthread_mutex_unlock(&m);
    return arg;
}

static void *released_while_one(void *arg)
{
    while (1) {
        pthread_mutex_lock(&m);
        if (done(b)) {
            pthread_mutex_unlock(&m);
            break;
        }
        b++;
        pthread_mutex_unlock(&m);
    }
    b--; // expect: race.unprotected-rmw
    return arg;
}

static void *held_while_true(void *arg)
{
    while (true) {
        pthread_mutex_lock(&m);
        if (done(c))
            break;
        c++;
        pthread_mutex_unlock(&m);
    }
    c--;
    pthread_mutex_unlock(&m);
    return arg;
}

static void *released_while_true(void *arg)
{
    while (true) {
        pthread_mutex_lock(&m);
        d++;
        pthread_mutex_unlock(&m);
        if (done(d)) // expect: race.read-write
            break;
    }
    d--; // expect: race.unprotected-rmw
    return arg;
}

static void *held_do_while_one(void *arg)
{
    do {
        pthread_mutex_lock(&m);
        if (done(e))
            break;
        e++;
        pthread_mutex_unlock(&m);
    } while (1);
    e--;
    pthread_mutex_unlock(&m);
    return arg;
}

static void *released_do_while_one(void *arg)
{
    do {
        pthread_mutex_lock(&m);
        f++;
        pthread_mutex_unlock(&m);
        if (done(f)) // expect: race.read-write
            break;
    } while (1);
    f--; // expect: race.unprotected-rmw
    return arg;
}

/* A condition that is not constant can be false at the head, where m is not
 * held: the update after the loop is unprotected. */
static volatile int running = 1;

static void *held_but_condition_may_fail(void *arg)
{
    while (running) {
        pthread_mutex_lock(&m);
        if (done(g))
            break;
        g++;
        pthread_mutex_unlock(&m);
    }
    g--; // expect: race.unprotected-rmw
    pthread_mutex_unlock(&m);
    return arg;
}

#define RUN_TWICE(fn)                                                                              \
    do {                                                                                           \
        pthread_t t1, t2;                                                                          \
        pthread_create(&t1, NULL, fn, NULL);                                                       \
        pthread_create(&t2, NULL, fn, NULL);                                                       \
        pthread_join(t1, NULL);                                                                    \
        pthread_join(t2, NULL);                                                                    \
    } while (0)

int main(void)
{
    RUN_TWICE(held_while_one);
    RUN_TWICE(released_while_one);
    RUN_TWICE(held_while_true);
    RUN_TWICE(released_while_true);
    RUN_TWICE(held_do_while_one);
    RUN_TWICE(released_do_while_one);
    RUN_TWICE(held_but_condition_may_fail);
    return 0;
}
