/*
 * shim_bench.c - the cost of an uncontended pthread_mutex_lock + unlock pair:
 * prints ns per pair over N iterations (argv[1], default 10 million). Run it
 * with and without the shim to see the shim's overhead.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* as the build defines it: standalone compiles need it too */
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / (double)n;
    printf("%.1f ns per lock+unlock (%ld iterations)\n", ns, n);
    return 0;
}
