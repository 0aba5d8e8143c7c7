/* Not reported: the lock is released by the cancellation cleanup handler, which
 * pthread_cleanup_pop(1) runs through a function pointer (glibc's macros), and by
 * an unlock helper called through a local pointer. The access between push and
 * pop is under the lock: the do { } while (0) the macros open never loops back
 * to it with the lock released. */
#include <pthread.h>

static pthread_mutex_t io_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static long io, lines;

static void release_io(void *arg)
{
    (void)arg;
    pthread_mutex_unlock(&io_lock);
}

static void release_log(void)
{
    pthread_mutex_unlock(&log_lock);
}

static void *worker(void *arg)
{
    void (*done)(void) = release_log;
    pthread_mutex_lock(&io_lock);
    pthread_cleanup_push(release_io, NULL);
    io++;
    pthread_cleanup_pop(1);
    pthread_mutex_lock(&log_lock);
    lines++;
    done();
    return arg;
}

int main(void)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)(io + lines);
}
