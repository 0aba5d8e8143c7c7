/* The twin of helper_relocks.c, fixed the usual way: an unlocked variant for
 * callers that hold the lock. Loops take and release the lock each round. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static long lines;

static void log_line_locked(const char *s)
{
    lines++;
    fputs(s, stderr);
}

static void log_line(const char *s)
{
    pthread_mutex_lock(&log_lock);
    log_line_locked(s);
    pthread_mutex_unlock(&log_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&log_lock);
    log_line_locked("stats\n");
    pthread_mutex_unlock(&log_lock);
    for (int i = 0; i < 3; i++)
        log_line("tick\n");
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
