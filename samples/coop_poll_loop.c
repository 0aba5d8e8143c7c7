/*
 * coop_poll_loop.c - a single-threaded event loop over poll(): a periodic
 * timer (timerfd) and I/O callbacks on the two ends of a socketpair, all
 * dispatched through a table of watchers, all updating one statistics block.
 *
 * A client side sends a request on every timer tick; a server side answers
 * each request; the client counts the answers and stops the loop when every
 * request has been answered. Every callback runs to completion on the one
 * thread that runs the loop, so `stats.x = stats.x + 1` in the callbacks
 * cannot lose an update: correct, and nothing must be reported.
 */
// model: cooperative
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define MAX_WATCHERS 8
#define REQUESTS 20

struct loop;

/* One file descriptor the loop watches and the callback it calls when ready. */
struct watcher {
    int fd;
    short events;
    void (*on_ready)(struct loop *loop, struct watcher *w, short revents);
    const char *name;
};

struct loop {
    struct watcher *watchers[MAX_WATCHERS];
    int nwatchers;
    int stopped;
};

/* Shared by every callback. */
static struct {
    unsigned ticks;
    unsigned requests_sent, requests_served, replies;
    size_t bytes_in;
} stats;

static int client_fd, server_fd;

static void loop_add(struct loop *loop, struct watcher *w)
{
    loop->watchers[loop->nwatchers++] = w;
}

static void loop_remove(struct loop *loop, struct watcher *w)
{
    for (int i = 0; i < loop->nwatchers; i++)
        if (loop->watchers[i] == w) {
            loop->watchers[i] = loop->watchers[--loop->nwatchers];
            return;
        }
}

/* Waits for any watcher to become ready and calls it; until loop_stop(). */
static int loop_run(struct loop *loop)
{
    while (!loop->stopped && loop->nwatchers > 0) {
        struct pollfd fds[MAX_WATCHERS];
        struct watcher *ready[MAX_WATCHERS];
        int n = loop->nwatchers;
        for (int i = 0; i < n; i++) {
            ready[i] = loop->watchers[i];
            fds[i] = (struct pollfd){.fd = ready[i]->fd, .events = ready[i]->events};
        }
        if (poll(fds, (nfds_t)n, 1000) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        for (int i = 0; i < n && !loop->stopped; i++)
            if (fds[i].revents)
                ready[i]->on_ready(loop, ready[i], fds[i].revents);
    }
    return 0;
}

static void loop_stop(struct loop *loop)
{
    loop->stopped = 1;
}

/* Timer: one request per tick until REQUESTS have been sent. */
static void on_timer(struct loop *loop, struct watcher *w, short revents)
{
    (void)revents;
    uint64_t expirations;
    if (read(w->fd, &expirations, sizeof expirations) != sizeof expirations)
        return;
    stats.ticks = stats.ticks + 1;
    if (stats.requests_sent == REQUESTS) {
        loop_remove(loop, w);
        return;
    }
    char req[32];
    int len = snprintf(req, sizeof req, "GET %u\n", stats.requests_sent);
    if (write(client_fd, req, (size_t)len) == len)
        stats.requests_sent = stats.requests_sent + 1;
}

/* Server side: answer every request that arrived. */
static void on_request(struct loop *loop, struct watcher *w, short revents)
{
    (void)loop;
    (void)revents;
    char buf[256];
    ssize_t n = read(w->fd, buf, sizeof buf);
    if (n <= 0)
        return;
    stats.bytes_in += (size_t)n;
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] != '\n')
            continue;
        stats.requests_served = stats.requests_served + 1;
        if (write(w->fd, "OK\n", 3) != 3)
            perror("write");
    }
}

/* Client side: count the answers; stop when every request is answered. */
static void on_reply(struct loop *loop, struct watcher *w, short revents)
{
    (void)revents;
    char buf[256];
    ssize_t n = read(w->fd, buf, sizeof buf);
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] == '\n')
            stats.replies = stats.replies + 1;
    if (stats.replies == REQUESTS)
        loop_stop(loop);
}

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("socketpair");
        return 1;
    }
    client_fd = sv[0];
    server_fd = sv[1];
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    struct itimerspec every = {.it_interval = {0, 1000000}, .it_value = {0, 1000000}};
    if (tfd < 0 || timerfd_settime(tfd, 0, &every, NULL) != 0) {
        perror("timerfd");
        return 1;
    }
    struct watcher timer = {tfd, POLLIN, on_timer, "timer"};
    struct watcher server = {server_fd, POLLIN, on_request, "server"};
    struct watcher client = {client_fd, POLLIN, on_reply, "client"};
    struct loop loop = {.nwatchers = 0};
    loop_add(&loop, &timer);
    loop_add(&loop, &server);
    loop_add(&loop, &client);
    if (loop_run(&loop) != 0) {
        perror("poll");
        return 1;
    }
    printf("%u ticks, %u requests sent, %u served, %u replies, %zu bytes\n", stats.ticks,
           stats.requests_sent, stats.requests_served, stats.replies, stats.bytes_in);
    close(tfd);
    close(client_fd);
    close(server_fd);
    return stats.replies == REQUESTS ? 0 : 1;
}
