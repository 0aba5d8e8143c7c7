/* A C11 mutex and an element of a global lock array released by a thread that
 * never takes them (the monitor thread "resets" the locks other threads hold).
 * The element the monitor locks itself, slots[0], is fine. */
#include <pthread.h>
#include <threads.h>

static mtx_t log_mtx;
static pthread_mutex_t slots[4] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                   PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static int lines, used[4];

static int writer(void *arg)
{
    (void)arg;
    mtx_lock(&log_mtx);
    lines++;
    mtx_unlock(&log_mtx);
    pthread_mutex_lock(&slots[2]);
    used[2]++;
    pthread_mutex_unlock(&slots[2]);
    return 0;
}

static int monitor(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&slots[0]);
    used[0]++;
    pthread_mutex_unlock(&slots[0]);
    mtx_unlock(&log_mtx);            // expect: lock.unlock-not-held
    pthread_mutex_unlock(&slots[2]); // expect: lock.unlock-not-held
    return 0;
}

int main(void)
{
    thrd_t a, b;
    mtx_init(&log_mtx, mtx_plain);
    thrd_create(&a, writer, NULL);
    thrd_create(&b, monitor, NULL);
    thrd_join(a, NULL);
    thrd_join(b, NULL);
    return lines;
}
