/* What a handler may write: volatile sig_atomic_t (also through the project's
 * own typedef of it) and lock-free atomics. A large atomic is not lock-free. */
#include <signal.h>
#include <stdatomic.h>
#include <unistd.h>

typedef volatile sig_atomic_t flag_t;

struct window {
    long lo, hi, step;
};

static volatile sig_atomic_t stop;
static flag_t reload;
static atomic_int signals_seen;
static _Atomic long last_signal;
static _Atomic struct window view;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload = 1;
    else
        stop = 1;
    atomic_fetch_add(&signals_seen, 1);
    signals_seen++;
    last_signal = sig;
    view = (struct window){0, sig, 1}; // expect: signal.shared-state
}

int main(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGHUP, &sa, 0);
    sigaction(SIGTERM, &sa, 0);
    while (!stop) {
        if (reload)
            reload = 0;
        struct window w = view;
        (void)w;
        pause();
    }
    return atomic_load(&signals_seen) + (int)last_signal > 0 ? 0 : 1;
}
