/* main takes b then a before it creates the worker and again after joining it;
 * the worker takes a then b. The two orders never run at the same time. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int x;

static void both_backward(void)
{
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
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
    both_backward();
    pthread_create(&t, NULL, worker, NULL);
    pthread_join(t, NULL);
    both_backward();
    return 0;
}
