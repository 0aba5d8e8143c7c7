/* Not reported: try_enter() returns holding the lock on one path only, so no
 * must-hold summary says the caller holds it, yet the caller's unlock is right
 * (it runs only when try_enter() locked). A callee that may leave the lock
 * held makes its callers may-hold. */
#include <pthread.h>

static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int busy;
static _Atomic int done;

static int try_enter(void)
{
    if (busy)
        return 0;
    pthread_mutex_lock(&work_lock);
    return 1;
}

static void *worker(void *arg)
{
    (void)arg;
    if (try_enter()) {
        done++;
        pthread_mutex_unlock(&work_lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return done;
}
