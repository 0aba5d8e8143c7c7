/*
 * shim_dlopen.c - loads the library named by argv[1] with dlopen after start
 * and takes a mutex through it, so the call site lies in a module that the
 * start-up copy of /proc/self/maps does not show (the exit-time copy does).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
    if (argc < 2)
        return 2;
    void *lib = dlopen(argv[1], RTLD_NOW);
    if (!lib) {
        printf("dlopen: %s\n", dlerror());
        return 2;
    }
    long (*increment)(pthread_mutex_t *, long *) =
        (long (*)(pthread_mutex_t *, long *))dlsym(lib, "shim_testlib_increment");
    long counter = 0;
    if (!increment || increment(&m, &counter) != 1)
        return 1;
    printf("m=%p\n", (void *)&m);
    return 0;
}
