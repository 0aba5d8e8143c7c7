/*
 * shim_ctor.c - linked against shim_ctorlib, whose constructor locks and
 * runs a thread before main. Prints the lock's address and the count (2).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>

extern pthread_mutex_t shim_ctorlib_lock;
extern long shim_ctorlib_count;

int main(void)
{
    printf("lock=%p count=%ld\n", (void *)&shim_ctorlib_lock, shim_ctorlib_count);
    return shim_ctorlib_count == 2 ? 0 : 1;
}
