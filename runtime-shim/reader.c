/*
 * reader.c - opens a shim event log, validates it and returns its records in
 * time order. Runs in racecheck, never in the target.
 *
 * The file may be anything: a log cut by SIGKILL (complete, its header
 * without RC_LOG_F_EXITED), a truncated copy, a log of another version, or an
 * unrelated file. Every size and count read from it is bounded by the real
 * file size before it is used, and records are read with pread(), chunk by
 * chunk, only for chunks the header says were handed out, so a 256 MiB sparse
 * log costs what was written, not its capacity.
 *
 * Validation, in order (the first failure is RC_EFOREIGN with a message):
 *
 *   check                                   why
 *   regular file, >= sizeof(header) bytes   anything shorter has no header
 *   magic == RC_LOG_MAGIC                   not a racecheck log at all
 *   version == RC_LOG_VERSION               a format this reader does not know
 *   record_size == sizeof(rc_event_t)       ditto
 *   1 <= chunk_records <= 2^20              bounds the per-chunk read
 *   pid > 0, ppid >= 0                      what a real process has
 *   1 <= chunk_capacity, next_chunk <= it   a writer never hands out more
 *
 * Torn data: a handed-out chunk whose bytes the end of the file cuts before
 * its end marker (op == 0) counts once in ntorn; complete records before the
 * cut are kept, a partial record at the cut is not.
 *
 * Order: records are sorted by ts, then tid; a stable sort keeps file order
 * for ties, which is program order within a thread (see eventlog.h).
 */
#include "eventlog_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CHUNK_RECORDS (1u << 20)

/* Reads exactly n bytes at off unless the file ends; returns bytes read or -1. */
static ssize_t pread_full(int fd, void *buf, size_t n, off_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, (char *)buf + got, n - got, off + (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int event_before(const rc_event_t *a, const rc_event_t *b)
{
    if (a->ts != b->ts)
        return a->ts < b->ts;
    return a->tid < b->tid;
}

/* Stable bottom-up merge sort by (ts, tid). */
static void sort_events(rc_event_t *v, size_t n)
{
    if (n < 2)
        return;
    /* Most logs are nearly sorted already (one chunk per thread): check first. */
    size_t i = 1;
    while (i < n && !event_before(&v[i], &v[i - 1]))
        i++;
    if (i == n)
        return;
    rc_event_t *tmp = rc_xmalloc(n * sizeof *tmp);
    rc_event_t *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi)
                dst[k++] = event_before(&src[b], &src[a]) ? src[b++] : src[a++];
            while (a < mid)
                dst[k++] = src[a++];
            while (b < hi)
                dst[k++] = src[b++];
        }
        rc_event_t *swap = src;
        src = dst;
        dst = swap;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    free(tmp);
}

/* Checks the header; fills err (RC_EFOREIGN) when it is not one we can read. */
static int check_header(const char *path, const rc_log_header_t *h, rc_error_t *err)
{
    if (memcmp(h->magic, RC_LOG_MAGIC, sizeof h->magic) != 0)
        return rc_error_set(err, RC_EFOREIGN, "'%s' is not a racecheck event log (bad magic)",
                            path);
    if (h->version != RC_LOG_VERSION)
        return rc_error_set(err, RC_EFOREIGN,
                            "'%s' is an event log of format version %u; this racecheck reads "
                            "version %u",
                            path, h->version, RC_LOG_VERSION);
    if (h->record_size != sizeof(rc_event_t))
        return rc_error_set(err, RC_EFOREIGN,
                            "'%s': records of %u bytes, expected %zu (corrupt header)", path,
                            h->record_size, sizeof(rc_event_t));
    if (h->chunk_records == 0 || h->chunk_records > MAX_CHUNK_RECORDS)
        return rc_error_set(err, RC_EFOREIGN, "'%s': %u records per chunk (corrupt header)", path,
                            h->chunk_records);
    if (h->pid <= 0 || h->ppid < 0)
        return rc_error_set(err, RC_EFOREIGN, "'%s': pid %d, parent %d (corrupt header)", path,
                            h->pid, h->ppid);
    if (h->chunk_capacity == 0 || h->next_chunk > h->chunk_capacity)
        return rc_error_set(err, RC_EFOREIGN, "'%s': %llu chunks handed out of %u (corrupt header)",
                            path, (unsigned long long)h->next_chunk, h->chunk_capacity);
    return RC_OK;
}

/* Appends the complete records of every handed-out chunk to log->events. */
static int read_chunks(rc_eventlog_t *log, int fd, const rc_log_header_t *h, uint64_t fsize,
                       rc_error_t *err)
{
    const uint64_t chunk_bytes = (uint64_t)h->chunk_records * sizeof(rc_event_t);
    /* No chunk can yield more than the file holds past the header. */
    uint64_t data = fsize > RC_LOG_HEADER_SIZE ? fsize - RC_LOG_HEADER_SIZE : 0;
    rc_event_t *buf = rc_xmalloc((size_t)(data < chunk_bytes ? data : chunk_bytes) + 1);
    size_t n = 0, cap = 0;
    for (uint64_t c = 0; c < h->next_chunk; c++) {
        uint64_t off = RC_LOG_HEADER_SIZE + c * chunk_bytes;
        if (off >= fsize) { /* every chunk from here on lies past the end */
            log->info.ntorn += (size_t)(h->next_chunk - c);
            break;
        }
        uint64_t avail = fsize - off < chunk_bytes ? fsize - off : chunk_bytes;
        ssize_t got = pread_full(fd, buf, (size_t)avail, (off_t)off);
        if (got < 0) {
            free(buf);
            return rc_error_set(err, RC_EIO, "cannot read '%s': %s", log->path, strerror(errno));
        }
        size_t nrec = (size_t)got / sizeof(rc_event_t);
        size_t i = 0;
        while (i < nrec && buf[i].op != RC_EV_NONE)
            i++;
        if (i == nrec && nrec < h->chunk_records)
            log->info.ntorn++;
        if (i == 0)
            continue;
        if (n + i > cap) {
            cap = (n + i) * 2;
            log->events = rc_xrealloc(log->events, cap * sizeof *log->events);
        }
        memcpy(log->events + n, buf, i * sizeof *buf);
        n += i;
    }
    free(buf);
    log->info.nevents = n;
    sort_events(log->events, n);
    return RC_OK;
}

/* Reads summary mode's lock table: the slots in use of the part of it the
 * file holds (a table that lies past the end of a cut file yields nothing). */
static void read_stats(rc_eventlog_t *log, int fd, const rc_log_header_t *h, uint64_t fsize)
{
    if (!h->stats_slots || h->stats_offset < RC_LOG_HEADER_SIZE || h->stats_offset >= fsize)
        return;
    uint64_t avail = (fsize - h->stats_offset) / sizeof(rc_lock_stat_t);
    size_t n = (size_t)(avail < h->stats_slots ? avail : h->stats_slots);
    rc_lock_stat_t *v = rc_xmalloc((n ? n : 1) * sizeof *v);
    ssize_t got = pread_full(fd, v, n * sizeof *v, (off_t)h->stats_offset);
    n = got > 0 ? (size_t)got / sizeof *v : 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].addr)
            v[k++] = v[i];
    log->stats = v;
    log->nstats = k;
}

int rc_eventlog_open(const char *path, rc_eventlog_t **out, rc_error_t *err)
{
    *out = NULL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer (it is then
     * rejected as not a regular file); it changes nothing for regular files. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return rc_error_set(err, errno == ENOENT ? RC_ENOENT : RC_EIO, "cannot open '%s': %s", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = rc_error_set(err, RC_EIO, "cannot stat '%s': %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return rc_error_set(err, RC_EFOREIGN, "'%s' is not a regular file", path);
    }
    uint64_t fsize = (uint64_t)st.st_size;
    rc_log_header_t h;
    if (fsize < sizeof h) {
        close(fd);
        return rc_error_set(err, RC_EFOREIGN,
                            "'%s' is not a racecheck event log (%llu bytes, too short for a "
                            "header)",
                            path, (unsigned long long)fsize);
    }
    if (pread_full(fd, &h, sizeof h, 0) != (ssize_t)sizeof h) {
        int rc = rc_error_set(err, RC_EIO, "cannot read '%s'", path);
        close(fd);
        return rc;
    }
    int rc = check_header(path, &h, err);
    if (rc != RC_OK) {
        close(fd);
        return rc;
    }
    h.exe[sizeof h.exe - 1] = '\0';

    rc_eventlog_t *log = rc_xcalloc(1, sizeof *log);
    log->path = rc_xstrdup(path);
    log->exe = rc_xstrdup(h.exe);
    log->info.pid = h.pid;
    log->info.ppid = h.ppid;
    log->info.exe = log->exe;
    log->info.start_ns = h.start_ns;
    log->info.exited = (h.flags & RC_LOG_F_EXITED) != 0;
    log->info.exit_status = h.exit_status;
    log->info.dropped = h.dropped;
    log->info.start_wall = h.start_wall;
    log->info.deadlocked = (h.flags & RC_LOG_F_DEADLOCK) != 0;
    log->info.execed = (h.flags & RC_LOG_F_EXEC) != 0;
    log->info.replaced = (h.flags & RC_LOG_F_REPLACED) != 0;
    log->info.quick_exit = (h.flags & RC_LOG_F_QUICK_EXIT) != 0;
    log->info.deadlock_ms = h.deadlock_ms;
    log->info.summary = (h.flags & RC_LOG_F_SUMMARY) != 0;
    rc = read_chunks(log, fd, &h, fsize, err);
    if (rc == RC_OK)
        read_stats(log, fd, &h, fsize);
    close(fd);
    if (rc != RC_OK) {
        rc_eventlog_close(log);
        return rc;
    }
    *out = log;
    return RC_OK;
}

const rc_eventlog_info_t *rc_eventlog_info(const rc_eventlog_t *log)
{
    return &log->info;
}

const rc_lock_stat_t *rc_eventlog_lock_stats(const rc_eventlog_t *log, size_t *n)
{
    *n = log->nstats;
    return log->stats;
}

const rc_event_t *rc_eventlog_events(const rc_eventlog_t *log, size_t *n)
{
    *n = log->info.nevents;
    return log->events;
}

int rc_eventlog_symbolize(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out)
{
    return rc_symbolizer_lookup(&log->sym, log->path, addr, 1, out);
}

int rc_eventlog_symbolize_exact(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out)
{
    return rc_symbolizer_lookup(&log->sym, log->path, addr, 0, out);
}

const char *rc_eventlog_op_name(unsigned op)
{
    static const char *const names[] = {
        [RC_EV_NONE] = "NONE",
        [RC_EV_THREAD_START] = "THREAD_START",
        [RC_EV_THREAD_EXIT] = "THREAD_EXIT",
        [RC_EV_THREAD_CREATE] = "THREAD_CREATE",
        [RC_EV_THREAD_JOIN] = "THREAD_JOIN",
        [RC_EV_THREAD_DETACH] = "THREAD_DETACH",
        [RC_EV_LOCK_WAIT] = "LOCK_WAIT",
        [RC_EV_LOCK_ACQUIRED] = "LOCK_ACQUIRED",
        [RC_EV_LOCK_TRY_FAILED] = "LOCK_TRY_FAILED",
        [RC_EV_LOCK_RELEASED] = "LOCK_RELEASED",
        [RC_EV_COND_WAIT] = "COND_WAIT",
        [RC_EV_COND_WOKEN] = "COND_WOKEN",
        [RC_EV_COND_SIGNAL] = "COND_SIGNAL",
        [RC_EV_FORK] = "FORK",
        [RC_EV_LOCK_DESTROY] = "LOCK_DESTROY",
        [RC_EV_DEADLOCK] = "DEADLOCK",
        [RC_EV_SEM_INIT] = "SEM_INIT",
        [RC_EV_SEM_WAIT] = "SEM_WAIT",
        [RC_EV_SEM_POST] = "SEM_POST",
        [RC_EV_BARRIER] = "BARRIER",
        [RC_EV_ONCE] = "ONCE",
        [RC_EV_THREAD_CANCEL] = "THREAD_CANCEL",
        [RC_EV_LOCK_INIT] = "LOCK_INIT",
        [RC_EV_EDGE_COUNT] = "EDGE_COUNT",
        [RC_EV_SIGNAL_INSTALL] = "SIGNAL_INSTALL",
        [RC_EV_SIGNAL_ENTER] = "SIGNAL_ENTER",
        [RC_EV_SIGNAL_EXIT] = "SIGNAL_EXIT",
        [RC_EV_MAP_SHARED] = "MAP_SHARED",
        [RC_EV_UNMAP] = "UNMAP",
        [RC_EV_PROC_WAIT] = "PROC_WAIT",
        [RC_EV_SYNC_INIT] = "SYNC_INIT",
    };
    return op < sizeof names / sizeof names[0] ? names[op] : "?";
}

void rc_eventlog_close(rc_eventlog_t *log)
{
    if (!log)
        return;
    rc_symbolizer_free(log->sym);
    free(log->events);
    free(log->stats);
    free(log->exe);
    free(log->path);
    free(log);
}
