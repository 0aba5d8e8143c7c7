/* The inner acquisition happens in a helper called with a held: the edge
 * a -> b comes from the caller's lockset at the call. The other thread nests
 * b -> a directly. */
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static int x, y;

static void bump_y(void)
{
    pthread_mutex_lock(&b); // expect: lock.order-inversion
    y++;
    pthread_mutex_unlock(&b);
}

static void *forward(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&a);
    x++;
    bump_y();
    pthread_mutex_unlock(&a);
    return NULL;
}

static void *backward(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a);
    x++;
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, forward, NULL);
    pthread_create(&t2, NULL, backward, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
