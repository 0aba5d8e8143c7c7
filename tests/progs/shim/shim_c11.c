/*
 * shim_c11.c - C11 <threads.h>: thrd_create/join, mtx_lock/trylock/unlock and
 * a cnd_wait hand-off. glibc implements these without calling the pthread
 * symbols, so the shim has to wrap them itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <stdio.h>
#include <threads.h>
#include <time.h>

static mtx_t m;
static cnd_t cv;
static int waiting, ready;
static long counter;

static int consumer(void *arg)
{
    (void)arg;
    mtx_lock(&m);
    waiting = 1;
    while (!ready)
        cnd_wait(&cv, &m);
    counter++;
    mtx_unlock(&m);
    return 5;
}

static int adder(void *arg)
{
    (void)arg;
    for (int i = 0; i < 4; i++) {
        if (mtx_trylock(&m) != thrd_success)
            mtx_lock(&m);
        counter++;
        mtx_unlock(&m);
    }
    return 0;
}

int main(void)
{
    thrd_t c, a;
    if (mtx_init(&m, mtx_plain) != thrd_success || cnd_init(&cv) != thrd_success)
        return 2;
    if (thrd_create(&c, consumer, NULL) != thrd_success ||
        thrd_create(&a, adder, NULL) != thrd_success)
        return 2;
    for (;;) {
        mtx_lock(&m);
        if (waiting) {
            ready = 1;
            cnd_signal(&cv);
            mtx_unlock(&m);
            break;
        }
        mtx_unlock(&m);
        thrd_sleep(&(struct timespec){.tv_nsec = 1000000}, NULL);
    }
    int res = 0;
    thrd_join(c, &res);
    thrd_join(a, NULL);
    mtx_destroy(&m);
    cnd_destroy(&cv);
    printf("m=%p cv=%p\n", (void *)&m, (void *)&cv);
    return res == 5 && counter == 5 ? 0 : 1;
}
