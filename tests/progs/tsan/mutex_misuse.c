/*
 * mutex_misuse.c - pthread mutex API misuse, one kind per command-line argument.
 *
 *   unlock-unlocked  unlock a mutex nobody holds
 *   destroy-locked   destroy a mutex the caller still holds
 *   double-lock      lock a mutex ThreadSanitizer believes another thread holds:
 *                    a thread exits holding it and main re-initialises and locks it
 *   invalid          lock a mutex whose memory is not a valid mutex
 *
 * Each mode produces the matching ThreadSanitizer report and otherwise returns.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *lock_and_exit(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "unlock-unlocked") == 0) {
        pthread_mutex_unlock(&m);
    } else if (strcmp(mode, "destroy-locked") == 0) {
        pthread_mutex_lock(&m);
        pthread_mutex_destroy(&m);
    } else if (strcmp(mode, "double-lock") == 0) {
        pthread_t t;
        pthread_create(&t, NULL, lock_and_exit, NULL);
        pthread_join(t, NULL);
        pthread_mutex_init(&m, NULL);
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
    } else if (strcmp(mode, "invalid") == 0) {
        pthread_mutex_t bad;
        memset(&bad, 0xff, sizeof bad);
        pthread_mutex_lock(&bad);
    } else {
        fprintf(stderr, "usage: %s unlock-unlocked|destroy-locked|double-lock|invalid\n", argv[0]);
        return 2;
    }
    puts(mode);
    return 0;
}
