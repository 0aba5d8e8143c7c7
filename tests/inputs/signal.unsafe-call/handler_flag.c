/* The recommended shape: the handler only sets a volatile sig_atomic_t flag
 * and the main loop does the work (printf outside the handler is fine). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
    (void)sig;
    stop = 1;
}

int main(void)
{
    signal(SIGTERM, on_term);
    signal(SIGHUP, SIG_IGN);
    while (!stop)
        pause();
    printf("stopping\n");
    return 0;
}
