/*
 * shim_ctorlib.c - a library whose constructor takes a mutex and runs a
 * thread before main. glibc runs it before the preloaded shim's constructor,
 * so these calls reach the wrappers first and must be recorded all the same.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>

pthread_mutex_t shim_ctorlib_lock = PTHREAD_MUTEX_INITIALIZER;
long shim_ctorlib_count;

static void *bump(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&shim_ctorlib_lock);
    shim_ctorlib_count++;
    pthread_mutex_unlock(&shim_ctorlib_lock);
    return NULL;
}

__attribute__((constructor)) static void shim_ctorlib_init(void)
{
    pthread_t t;
    pthread_mutex_lock(&shim_ctorlib_lock); /* SITE:ctor_lock */
    shim_ctorlib_count++;
    pthread_mutex_unlock(&shim_ctorlib_lock);
    if (pthread_create(&t, 0, bump, 0) == 0)
        pthread_join(t, 0);
}
