/* libuv-style callbacks (prototypes declared here, as in <uv.h>): the timer,
 * read and after-work callbacks run on the loop's thread, so their updates of
 * the statistics are no race; the work callback of uv_queue_work runs on the
 * thread pool, so its update of the same counter races with the timer's. */
#include <stddef.h>
#include <stdint.h>

typedef struct uv_loop_s uv_loop_t;
typedef struct uv_timer_s uv_timer_t;
typedef struct uv_stream_s uv_stream_t;
typedef struct uv_work_s uv_work_t;
typedef struct {
    char *base;
    size_t len;
} uv_buf_t;
typedef long ssize_t;
typedef void (*uv_timer_cb)(uv_timer_t *handle);
typedef void (*uv_alloc_cb)(void *handle, size_t suggested, uv_buf_t *buf);
typedef void (*uv_read_cb)(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf);
typedef void (*uv_work_cb)(uv_work_t *req);
typedef void (*uv_after_work_cb)(uv_work_t *req, int status);

uv_loop_t *uv_default_loop(void);
int uv_timer_start(uv_timer_t *handle, uv_timer_cb cb, uint64_t timeout, uint64_t repeat);
int uv_read_start(uv_stream_t *stream, uv_alloc_cb alloc_cb, uv_read_cb read_cb);
int uv_queue_work(uv_loop_t *loop, uv_work_t *req, uv_work_cb work_cb,
                  uv_after_work_cb after_work_cb);
int uv_run(uv_loop_t *loop, int mode);

static uv_timer_t *timer;
static uv_stream_t *conn;
static uv_work_t *job;
static char slab[4096];

static unsigned long ticks, reads, bytes;
static unsigned long jobs_done;
static unsigned long checksums;

static void on_tick(uv_timer_t *h)
{
    (void)h;
    ticks = ticks + 1;
    checksums = checksums + 1; // expect: race.unprotected-rmw
}

static void on_alloc(void *h, size_t suggested, uv_buf_t *buf)
{
    (void)h;
    buf->base = slab;
    buf->len = suggested < sizeof slab ? suggested : sizeof slab;
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    (void)s;
    (void)buf;
    reads = reads + 1;
    if (nread > 0)
        bytes = bytes + (unsigned long)nread;
}

static void checksum_work(uv_work_t *req)
{
    (void)req;
    checksums = checksums + 1; // expect: race.unprotected-rmw
}

static void checksum_done(uv_work_t *req, int status)
{
    (void)req;
    (void)status;
    jobs_done = jobs_done + 1;
    ticks = ticks + 1;
}

int main(void)
{
    uv_loop_t *loop = uv_default_loop();
    uv_timer_start(timer, on_tick, 10, 10);
    uv_read_start(conn, on_alloc, on_read);
    uv_queue_work(loop, job, checksum_work, checksum_done);
    uv_run(loop, 0);
    return (int)(ticks + reads + bytes + jobs_done);
}
