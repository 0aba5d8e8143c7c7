/* The write is in a helper the handler calls; main updates the same field. A
 * variable that only handlers use, and one the handler only reads, are fine. */
#include <signal.h>
#include <unistd.h>

static struct {
    unsigned long usr1, usr2;
    unsigned long handled;
} stats;
static int handler_depth;      /* only handlers touch it */
static const char *status_msg; /* main sets it, handlers only read it */

static void note(int sig)
{
    if (sig == SIGUSR1)
        stats.usr1++; // expect: signal.shared-state
    else
        stats.usr2++; // expect: signal.shared-state
}

static void on_usr(int sig)
{
    handler_depth++;
    note(sig);
    if (status_msg)
        write(2, status_msg, 1);
    handler_depth--;
}

int main(void)
{
    signal(SIGUSR1, on_usr);
    signal(SIGUSR2, on_usr);
    status_msg = "running";
    for (int i = 0; i < 3; i++) {
        raise(SIGUSR1);
        stats.handled = stats.usr1 + stats.usr2;
    }
    stats.usr1 = 0;
    return 0;
}
