/*
 * reader.c - opens a shim event log, validates it and returns its records in
 * time order. Runs in racecheck, never in the target.
 *
 * The file may be anything: a log cut by SIGKILL (complete, its header
 * without RC_LOG_F_EXITED), a truncated copy, a log of another version, or an
 * unrelated file. Every size and count read from it is bounded by the real
 * file size before it is used, and records are read (from a read-only
 * mapping of the file) only in chunks the header says were handed out, so a
 * 256 MiB sparse log costs what was written, not its capacity. The mapping
 * stays until rc_eventlog_close: the file must not shrink meanwhile (a
 * finished log never does; the shim sizes its log once, at creation).
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
 * for ties, which is program order within a thread (see eventlog.h). Each
 * chunk is split into runs already in order (usually the whole chunk), and
 * a heap merge of the runs yields the records one at a time straight from
 * the mapped file (rc_eventlog_next), or fills the array of
 * rc_eventlog_events: O(n log threads), no copy of the log in memory unless
 * the array is asked for.
 */
#include "eventlog_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

typedef rc_evrun_t run_t;

static int run_before(const run_t *a, const run_t *b)
{
    if (a->cur->ts != b->cur->ts)
        return a->cur->ts < b->cur->ts;
    if (a->cur->tid != b->cur->tid)
        return a->cur->tid < b->cur->tid;
    return a->idx < b->idx;
}

static void sift_down(run_t *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < n && run_before(&h[l], &h[m]))
            m = l;
        if (l + 1 < n && run_before(&h[l + 1], &h[m]))
            m = l + 1;
        if (m == i)
            return;
        run_t t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
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

static int run_start_cmp(const void *x, const void *y)
{
    const run_t *a = x, *b = y;
    return run_before(a, b) ? -1 : run_before(b, a) ? 1 : 0;
}

static void sift_up(run_t *h, size_t i)
{
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!run_before(&h[i], &h[p]))
            return;
        run_t t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

/* The next record of the merge of the runs (each in order, sorted by their
 * first record) into one stable (ts, tid) order: 1, or 0 after the last.
 * A run enters the heap only when the merge reaches its first record, so
 * the heap holds the runs that overlap in time (about one per thread
 * running then), not every chunk of the log: O(log threads) a record. */
static int merge_next(const run_t *runs, size_t nruns, run_t *h, size_t *live, size_t *next,
                      rc_event_t *ev)
{
    /* A run whose first record sorts before the smallest one in the heap
     * (or with it, being earlier in the file) joins it first. */
    while (*next < nruns && (!*live || !run_before(&h[0], &runs[*next]))) {
        h[*live] = runs[(*next)++];
        sift_up(h, (*live)++);
    }
    if (!*live)
        return 0;
    *ev = *h[0].cur++;
    if (h[0].cur == h[0].end)
        h[0] = h[--*live];
    sift_down(h, *live, 0);
    return 1;
}

/* Splits the n records at V into runs in order, appending them to *h. */
static void add_runs(run_t **h, size_t *nruns, size_t *cap, const rc_event_t *v, size_t n)
{
    size_t lo = 0;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && !event_before(&v[i], &v[i - 1]))
            continue;
        if (*nruns == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *h = rc_xrealloc(*h, *cap * sizeof **h);
        }
        (*h)[*nruns] = (run_t){&v[lo], &v[i], *nruns};
        (*nruns)++;
        lo = i;
    }
}

/* Finds the complete records of every handed-out chunk in the mapped file
 * and splits them into runs already in order (a chunk holds one thread's
 * records in program order: usually one run), sorted by first record;
 * rc_eventlog_next and rc_eventlog_events merge them. */
static int read_chunks(rc_eventlog_t *log, int fd, const rc_log_header_t *h, uint64_t fsize,
                       rc_error_t *err)
{
    const uint64_t chunk_bytes = (uint64_t)h->chunk_records * sizeof(rc_event_t);
    void *map = mmap(NULL, (size_t)fsize, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        return rc_error_set(err, RC_EIO, "cannot map '%s': %s", log->path, strerror(errno));
    run_t *runs = NULL;
    size_t nruns = 0, cap = 0, n = 0;
    for (uint64_t c = 0; c < h->next_chunk; c++) {
        uint64_t off = RC_LOG_HEADER_SIZE + c * chunk_bytes;
        if (off >= fsize) { /* every chunk from here on lies past the end */
            log->info.ntorn += (size_t)(h->next_chunk - c);
            break;
        }
        uint64_t avail = fsize - off < chunk_bytes ? fsize - off : chunk_bytes;
        const rc_event_t *v = (const rc_event_t *)((const char *)map + off);
        size_t nrec = (size_t)(avail / sizeof(rc_event_t)), i = 0;
        while (i < nrec && v[i].op != RC_EV_NONE)
            i++;
        if (i == nrec && nrec < h->chunk_records)
            log->info.ntorn++;
        add_runs(&runs, &nruns, &cap, v, i);
        n += i;
    }
    if (nruns > 1)
        qsort(runs, nruns, sizeof *runs, run_start_cmp);
    log->map = map;
    log->map_len = (size_t)fsize;
    log->runs = runs;
    log->nruns = nruns;
    log->heap = rc_xmalloc((nruns ? nruns : 1) * sizeof *log->heap);
    log->info.nevents = n;
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
    if (!log->events) {
        /* Built on first use; the log was allocated non-const by open. */
        rc_eventlog_t *w = (rc_eventlog_t *)log;
        w->events = rc_xmalloc((*n ? *n : 1) * sizeof *w->events);
        run_t *h = rc_xmalloc((w->nruns ? w->nruns : 1) * sizeof *h);
        size_t live = 0, next = 0, k = 0;
        while (merge_next(w->runs, w->nruns, h, &live, &next, &w->events[k]))
            k++;
        assert(k == *n);
        free(h);
    }
    return log->events;
}

int rc_eventlog_next(rc_eventlog_t *log, rc_event_t *ev)
{
    return merge_next(log->runs, log->nruns, log->heap, &log->live, &log->next, ev);
}

void rc_eventlog_rewind(rc_eventlog_t *log)
{
    log->live = log->next = 0;
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
        [RC_EV_COND_DESTROY] = "COND_DESTROY",
        [RC_EV_JOIN_FAILED] = "JOIN_FAILED",
    };
    return op < sizeof names / sizeof names[0] ? names[op] : "?";
}

void rc_eventlog_close(rc_eventlog_t *log)
{
    if (!log)
        return;
    rc_symbolizer_free(log->sym);
    if (log->map)
        munmap(log->map, log->map_len);
    free(log->runs);
    free(log->heap);
    free(log->events);
    free(log->stats);
    free(log->exe);
    free(log->path);
    free(log);
}
