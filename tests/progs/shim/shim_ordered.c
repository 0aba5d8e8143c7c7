/*
 * shim_ordered.c - two threads take locks a and b in opposite orders; by
 * argv[1], something may order the two sequences in every schedule:
 *
 *   sem    the second thread waits on a semaphore counted from 0 that the
 *          first posts after its sequence: no deadlock is possible
 *   once   the first sequence is the routine of a pthread_once that the
 *          first thread runs; the second calls pthread_once too (after the
 *          routine started) and returns only when it is done: no deadlock
 *   none   the second thread merely sleeps before its sequence: another
 *          schedule can deadlock (the control case)
 */
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static sem_t s;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *mode;
static int routine_started; /* atomic; invisible to the shim on purpose */

static void a_then_b(void)
{
    __atomic_store_n(&routine_started, 1, __ATOMIC_RELEASE);
    struct timespec d = {0, 20000000};
    nanosleep(&d, NULL);
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
}

static void *first(void *arg)
{
    (void)arg;
    if (strcmp(mode, "once") == 0) {
        pthread_once(&once, a_then_b);
        return NULL;
    }
    a_then_b();
    if (strcmp(mode, "sem") == 0)
        sem_post(&s);
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    if (strcmp(mode, "once") == 0) {
        while (!__atomic_load_n(&routine_started, __ATOMIC_ACQUIRE))
            ;
        pthread_once(&once, a_then_b);
    } else if (strcmp(mode, "sem") == 0) {
        sem_wait(&s);
    } else {
        struct timespec d = {0, 100000000};
        nanosleep(&d, NULL);
    }
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(int argc, char **argv)
{
    mode = argc > 1 ? argv[1] : "sem";
    sem_init(&s, 0, 0);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, first, NULL);
    pthread_create(&t2, NULL, second, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
