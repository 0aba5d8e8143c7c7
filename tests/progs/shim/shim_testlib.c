/*
 * shim_testlib.c - a shared library that shim_dlopen loads at run time: its
 * lock call sites must symbolise to this file, at the load address the
 * library had in that process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>

long shim_testlib_increment(pthread_mutex_t *m, long *counter)
{
    pthread_mutex_lock(m); /* SITE:lib_lock */
    long v = ++*counter;
    pthread_mutex_unlock(m);
    return v;
}
