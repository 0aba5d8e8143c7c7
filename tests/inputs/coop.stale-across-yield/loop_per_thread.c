/* Two threads each run their own poll() loop. Within one loop the handlers
 * run one at a time, but the two loops run at the same time: a handler's
 * update of a global that both loops' handlers touch is a thread race. The
 * per-loop counters, kept in each loop's own state, are not shared. */
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

struct loop {
    int fds[2];
    unsigned served; /* this loop's own */
};

static unsigned long total_requests;

static void on_request(struct loop *l, int fd)
{
    char c;
    if (read(fd, &c, 1) == 1)
        total_requests = total_requests + 1; // expect: race.unprotected-rmw
    l->served++;
}

/* What each watched descriptor's readiness calls. */
static void (*const handlers[2])(struct loop *l, int fd) = {on_request, on_request};

static void run_loop(struct loop *l)
{
    for (int round = 0; round < 100; round++) {
        struct pollfd p[2] = {{l->fds[0], POLLIN, 0}, {l->fds[1], POLLIN, 0}};
        if (poll(p, 2, 10) <= 0)
            continue;
        for (int i = 0; i < 2; i++)
            if (p[i].revents & POLLIN)
                handlers[i](l, p[i].fd);
    }
}

static void *loop_thread(void *arg)
{
    run_loop(arg);
    return NULL;
}

int main(void)
{
    static struct loop loops[2];
    pthread_t t[2];
    for (int i = 0; i < 2; i++) {
        if (pipe(loops[i].fds) != 0)
            return 1;
        pthread_create(&t[i], NULL, loop_thread, &loops[i]);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    return (int)total_requests;
}
