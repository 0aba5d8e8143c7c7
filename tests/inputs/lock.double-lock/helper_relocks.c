/* log_line() takes the log lock; flush_stats() calls it while already holding
 * that lock: the worker waits for itself. report() calls it without the lock:
 * fine. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static long lines;

static void log_line(const char *s)
{
    pthread_mutex_lock(&log_lock); // expect: lock.double-lock
    lines++;
    fputs(s, stderr);
    pthread_mutex_unlock(&log_lock);
}

static void flush_stats(void)
{
    pthread_mutex_lock(&log_lock);
    log_line("stats\n");
    pthread_mutex_unlock(&log_lock);
}

static void *worker(void *arg)
{
    (void)arg;
    flush_stats();
    return NULL;
}

static void *report(void *arg)
{
    (void)arg;
    log_line("report\n");
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    pthread_create(&b, NULL, report, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
