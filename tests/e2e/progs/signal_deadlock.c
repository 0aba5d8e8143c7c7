/*
 * signal_deadlock.c - a signal handler that really deadlocks: it blocks on
 * the mutex that the code it interrupted holds. Run with --deadlock-timeout,
 * which stops it; the report names the handler's lock call.
 */
#include <pthread.h>
#include <signal.h>

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t flushed;

static void on_hup(int sig)
{
    (void)sig;
    pthread_mutex_lock(&table); // expect: signal.lock-in-handler
    flushed++;
    pthread_mutex_unlock(&table);
}

int main(void)
{
    if (signal(SIGHUP, on_hup) == SIG_ERR)
        return 2;
    pthread_mutex_lock(&table);
    raise(SIGHUP); /* the handler runs here, in this thread */
    pthread_mutex_unlock(&table);
    return flushed == 1 ? 0 : 1;
}
