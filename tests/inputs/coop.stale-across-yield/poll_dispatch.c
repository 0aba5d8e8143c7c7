/* A hand-written poll() loop dispatching through a table of handlers, with a
 * logging thread on the side. The handlers run one at a time on the loop's
 * thread: their `x = x + 1` updates are no race. A handler that runs the loop
 * again (a nested dispatch while it waits for a reply) lets the other handlers
 * run: a copy kept across that call is stale. */
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

typedef void (*handler_fn)(int fd);

static struct {
    int fd;
    handler_fn fn;
} table[4];
static int ntable;
static struct pollfd fds[4];

static unsigned connections, bytes_read, timeouts;
static int credits = 10;
static unsigned log_lines; /* the logger's own */

/* One round: wait, then call the handler of every ready descriptor. */
static void loop_once(int timeout_ms)
{
    for (int i = 0; i < ntable; i++) {
        fds[i].fd = table[i].fd;
        fds[i].events = POLLIN;
    }
    int n = poll(fds, (nfds_t)ntable, timeout_ms);
    if (n == 0)
        timeouts = timeouts + 1;
    for (int i = 0; i < ntable; i++)
        if (fds[i].revents & POLLIN)
            table[i].fn(table[i].fd);
}

static void on_accept(int fd)
{
    (void)fd;
    connections = connections + 1;
}

static void on_data(int fd)
{
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0)
        bytes_read = bytes_read + (unsigned)n;
}

static void on_request(int fd)
{
    int have = credits;
    if (have == 0)
        return;
    write(fd, "?", 1);
    loop_once(10);      /* wait for the answer, serving the others meanwhile */
    credits = have - 1; // expect: coop.stale-across-yield
}

static void on_request_fixed(int fd)
{
    if (credits == 0)
        return;
    write(fd, "?", 1);
    loop_once(10);
    credits = credits - 1;
}

static void *logger(void *arg)
{
    for (int i = 0; i < 3; i++)
        log_lines = log_lines + 1;
    return arg;
}

int main(void)
{
    int p[2];
    if (pipe(p) != 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, logger, NULL);
    table[ntable].fd = p[0];
    table[ntable++].fn = on_accept;
    table[ntable].fd = p[0];
    table[ntable++].fn = on_data;
    table[ntable].fd = p[1];
    table[ntable++].fn = on_request;
    table[ntable].fd = p[1];
    table[ntable++].fn = on_request_fixed;
    for (int round = 0; round < 5; round++)
        loop_once(1);
    pthread_join(t, NULL);
    return (int)(connections + bytes_read + timeouts);
}
