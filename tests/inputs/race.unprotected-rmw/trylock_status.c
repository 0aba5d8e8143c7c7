/* The result of a trylock kept in a variable and tested later: `status == 0`
 * (or a failure branch that does not return) means the lock was taken. Based on
 * the monitor of Butenof's trylock example. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static long counter, misses, reports;

static void *counter_thread(void *arg)
{
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&mutex);
        counter++;
        misses++;
        reports++;
        pthread_mutex_unlock(&mutex);
    }
    return arg;
}

static void *monitor_thread(void *arg)
{
    for (int i = 0; i < 10; i++) {
        int status = pthread_mutex_trylock(&mutex);
        if (status != EBUSY) {
            if (status != 0)
                abort();
            printf("counter is %ld\n", counter);
            pthread_mutex_unlock(&mutex);
        } else {
            misses++; // expect: race.unprotected-rmw
        }
        int rc;
        rc = pthread_mutex_trylock(&mutex);
        if (rc == 0) {
            reports++;
            pthread_mutex_unlock(&mutex);
        }
        if (!rc)
            reports++; // expect: race.unprotected-rmw
    }
    return arg;
}

int main(void)
{
    pthread_t c, m;
    pthread_create(&c, NULL, counter_thread, NULL);
    pthread_create(&m, NULL, monitor_thread, NULL);
    pthread_join(c, NULL);
    pthread_join(m, NULL);
    return 0;
}
