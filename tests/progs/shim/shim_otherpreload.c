/*
 * shim_otherpreload.c - a library a user preloads for reasons of their own:
 * it announces itself and counts the program's pthread_mutex_lock calls
 * (forwarding each to the next definition, the shim or glibc), then prints
 * the count at exit. racecheck appends its shim to such an LD_PRELOAD; both
 * must keep working.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static unsigned long calls;

int pthread_mutex_lock(pthread_mutex_t *m)
{
    static int (*next)(pthread_mutex_t *);
    if (!next)
        next = (int (*)(pthread_mutex_t *))dlsym(RTLD_NEXT, "pthread_mutex_lock");
    __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
    return next(m);
}

__attribute__((destructor)) static void report(void)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "other-preload: %lu locks\n", calls);
    if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
        return;
}
