/*
 * lock_order.c - two threads take the same two mutexes in opposite orders.
 *
 * The threads run one after the other (joined in between), so the program never
 * hangs, but ThreadSanitizer's lock graph sees the cycle.
 * Expected: one "lock-order-inversion (potential deadlock)" report over two mutexes.
 */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *deposit(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&accounts);
    pthread_mutex_lock(&journal);
    balance += 10;
    pthread_mutex_unlock(&journal);
    pthread_mutex_unlock(&accounts);
    return NULL;
}

static void *audit(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&journal);
    pthread_mutex_lock(&accounts);
    balance -= 1;
    pthread_mutex_unlock(&accounts);
    pthread_mutex_unlock(&journal);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, deposit, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, audit, NULL);
    pthread_join(b, NULL);
    printf("balance=%d\n", balance);
    return 0;
}
