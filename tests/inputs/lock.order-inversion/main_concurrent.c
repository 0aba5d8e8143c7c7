/* The twin of main_phases.c: main takes b then a while the worker runs. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int x;

static void both_backward(void)
{
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a); // expect: lock.order-inversion
    x++;
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    x++;
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    both_backward();
    pthread_join(t, NULL);
    return 0;
}
