/*
 * shim_exec.c - exec under the shim. The first image locks a mutex once and
 * execs itself with an argument; the second image (same pid, new program)
 * locks once and exits with status 4. Each image writes its own log.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
    pthread_mutex_lock(&m);
    pthread_mutex_unlock(&m);
    if (argc < 2) {
        printf("pid=%d\n", (int)getpid());
        fflush(stdout);
        execl("/proc/self/exe", argv[0], "again", (char *)NULL);
        return 1;
    }
    return 4;
}
