/*
 * race_locked.c - two races whose accesses each hold a lock, but not the same
 * one, and a race between an atomic store and a plain load.
 *
 * Expected: two "data race" reports. The first lists the mutexes held by each
 * access ("(mutexes: write M0)") and describes them ("Mutex M0 (0x...) created
 * at:"); the second has an "Atomic write" access.
 */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t reader_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;
static long balance;
static int ready;

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&writer_lock);
    balance += 100;
    pthread_mutex_unlock(&writer_lock);
    __atomic_store_n(&ready, 1, __ATOMIC_RELAXED);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, writer, NULL);
    usleep(100000);
    pthread_mutex_lock(&reader_lock);
    long seen = balance;
    pthread_mutex_unlock(&reader_lock);
    int r = ready;
    printf("balance=%ld ready=%d\n", seen, r);
    pthread_join(t, NULL);
    return 0;
}
