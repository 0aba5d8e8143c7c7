/*
 * deadlock.c - two threads that really deadlock: each takes one lock, waits
 * until the other has taken its own, then asks for the other's. The program
 * never ends; `racecheck run --timeout` kills it and still reports the cycle
 * from what the shim logged before the kill.
 */
#include <pthread.h>

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER, right = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *philosopher(void *arg)
{
    int first_left = arg != NULL;
    pthread_mutex_t *a = first_left ? &left : &right, *b = first_left ? &right : &left;
    pthread_mutex_lock(a);
    pthread_barrier_wait(&both_hold_one);
    pthread_mutex_lock(b); // expect: lock.order-inversion
    pthread_mutex_unlock(b);
    pthread_mutex_unlock(a);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_barrier_init(&both_hold_one, NULL, 2);
    pthread_create(&t1, NULL, philosopher, &left);
    pthread_create(&t2, NULL, philosopher, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
