/* Flags that look right: a volatile int (not sig_atomic_t) and a sig_atomic_t
 * that is not volatile. */
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

static volatile int child_exited;
static sig_atomic_t hangup;

static void on_child(int sig)
{
    (void)sig;
    child_exited = 1; // expect: signal.shared-state
}

static void on_hangup(int sig, siginfo_t *info, void *uc)
{
    (void)sig;
    (void)info;
    (void)uc;
    hangup = 1; // expect: signal.shared-state
}

int main(void)
{
    struct sigaction sa;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    sa.sa_sigaction = on_hangup;
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGCHLD, on_child);
    while (!child_exited && !hangup)
        pause();
    return 0;
}
