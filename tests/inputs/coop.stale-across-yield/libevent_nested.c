/* libevent-style callbacks (prototypes declared here, as in <event2/event.h>):
 * the read and timer callbacks update the session table between yields, which
 * is fine. A callback that runs the loop again while it waits (a nested
 * event_base_loop) yields: the copy it keeps across that call is stale. */
#include <stddef.h>

struct event_base;
struct event;
struct timeval;
typedef int evutil_socket_t;
typedef void (*event_callback_fn)(evutil_socket_t fd, short what, void *arg);

struct event_base *event_base_new(void);
struct event *event_new(struct event_base *base, evutil_socket_t fd, short what,
                        event_callback_fn cb, void *arg);
int event_add(struct event *ev, const struct timeval *timeout);
int event_base_dispatch(struct event_base *base);
int event_base_loop(struct event_base *base, int flags);

#define EV_READ 0x02
#define EV_PERSIST 0x10
#define EVLOOP_ONCE 0x01

static struct event_base *base;
static struct {
    int open;
    long bytes;
    int quota;
} sessions;

static void on_read(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    sessions.bytes = sessions.bytes + 512;
    sessions.open = sessions.open + 1;
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    sessions.open = sessions.open - 1;
}

static void on_admin(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    int quota = sessions.quota;
    event_base_loop(base, EVLOOP_ONCE); /* let the pending reads finish first */
    sessions.quota = quota + 10;        // expect: coop.stale-across-yield
}

int main(void)
{
    base = event_base_new();
    struct event *r = event_new(base, 0, EV_READ | EV_PERSIST, on_read, NULL);
    struct event *t = event_new(base, -1, EV_PERSIST, on_timeout, NULL);
    struct event *a = event_new(base, 3, EV_READ, on_admin, NULL);
    event_add(r, NULL);
    event_add(t, NULL);
    event_add(a, NULL);
    return event_base_dispatch(base);
}
