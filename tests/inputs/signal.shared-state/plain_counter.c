/* A SIGALRM handler counts ticks in a plain int that the main loop reads to
 * decide when to stop, and reads (only reads) the progress main publishes. */
#include <signal.h>
#include <unistd.h>

static int ticks;
static long progress;
static long last_seen;

static void on_alarm(int sig)
{
    (void)sig;
    ticks = ticks + 1; // expect: signal.shared-state
    last_seen = progress;
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
    return 0;
}
