/* A handler installed by main writes a plain counter that a worker thread
 * reads; the shutdown flag beside it is declared correctly. */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t shutting_down;
static unsigned reloads;

static void on_hup(int sig)
{
    (void)sig;
    reloads += 1; // expect: signal.shared-state
}

static void on_term(int sig)
{
    (void)sig;
    shutting_down = 1;
}

static void *worker(void *arg)
{
    unsigned seen = 0;
    while (!shutting_down) {
        if (reloads != seen)
            seen = reloads;
        usleep(1000);
    }
    return arg;
}

int main(void)
{
    signal(SIGHUP, on_hup);
    signal(SIGTERM, on_term);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    raise(SIGHUP);
    raise(SIGTERM);
    pthread_join(t, NULL);
    return 0;
}
