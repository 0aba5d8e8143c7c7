/* The corrected counterpart of plain_counter.c: the handler's tick counter is
 * a volatile sig_atomic_t, its last signal number a lock-free atomic, and the
 * state it only reads may be anything. */
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

static volatile sig_atomic_t ticks;
static atomic_long last_progress;
static long progress;

static void on_alarm(int sig)
{
    (void)sig;
    ticks = ticks + 1;
    atomic_store(&last_progress, progress);
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(1);
    while (ticks < 3) {
        progress++;
        pause();
        alarm(1);
    }
    return (int)atomic_load(&last_progress) > 0 ? 0 : 1;
}
