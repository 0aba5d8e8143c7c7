/*
 * render_trace.c - the timeline of --trace runs as Chrome Trace Event JSON,
 * which Perfetto UI and chrome://tracing open.
 *
 *   trace event                    from
 *   M process_name / thread_name   each process (exe, run) and thread (T<n> start routine)
 *   X thread                       a thread's life, start to exit
 *   b/e "hold <lock>" (cat lock)   an acquisition to its release; async slices with ids,
 *                                  since hand-over-hand locking does not nest
 *   b/e "wait <lock>" (cat wait)   a contended acquisition: the time blocked
 *   i create / join / fork /       thread-scoped instant events
 *     join failed / cond destroy
 *   i <rule> (scope global)        each finding of the run, at the end of its process
 *
 * Times are microseconds since the first event of the run. Each event object
 * is written as it is made, so memory stays bounded on long traces.
 *
 * Events come from trace_chunks (packed records, one chunk at a time; call
 * sites from trace_sites, locks by address from `locks`), or, for a process
 * that has none, from the trace_events rows of stores written before schema
 * 6 (one row per event).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "keymap.h"
#include "render_int.h"
#include "summary.h"

typedef struct open_hold {
    uint64_t lock; /* its address */
    int tid;
    uint64_t id;
} open_hold_t;

typedef struct writer {
    FILE *out;
    int first;
} writer_t;

static void emit(writer_t *w, json_t *ev)
{
    fputs(w->first ? "\n  " : ",\n  ", w->out);
    w->first = 0;
    json_dumpf(ev, w->out, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(ev);
}

static json_t *event(const char *ph, const char *name, const char *cat, int pid, int tid, double ts)
{
    json_t *e = json_object();
    json_object_set_new(e, "ph", json_string(ph));
    json_object_set_new(e, "name", rc_json_string(name));
    if (cat)
        json_object_set_new(e, "cat", json_string(cat));
    json_object_set_new(e, "pid", json_integer(pid));
    json_object_set_new(e, "tid", json_integer(tid));
    json_object_set_new(e, "ts", json_real(ts));
    return e;
}

static void meta(writer_t *w, const char *what, int pid, int tid, const char *name)
{
    json_t *e = event("M", what, NULL, pid, tid, 0);
    json_t *args = json_object();
    json_object_set_new(args, "name", rc_json_string(name));
    json_object_set_new(e, "args", args);
    emit(w, e);
}

/* The name of the lock at ADDR (index l into p->locks, or SIZE_MAX). */
static const char *lock_name(const rc_sum_process_t *p, size_t l, char *buf, size_t len)
{
    if (l == SIZE_MAX)
        return "lock";
    if (p->locks[l].name)
        return p->locks[l].name;
    snprintf(buf, len, "%#llx", (unsigned long long)p->locks[l].addr);
    return buf;
}

static void slice(writer_t *w, const char *ph, const char *what, const char *lock, const char *cat,
                  int pid, int tid, double ts, uint64_t id, const char *site)
{
    char *name = rc_xasprintf("%s %s", what, lock);
    json_t *e = event(ph, name, cat, pid, tid, ts);
    char sid[48];
    snprintf(sid, sizeof sid, "%d.%llu", pid, (unsigned long long)id);
    json_object_set_new(e, "id", json_string(sid));
    if (site) {
        json_t *args = json_object();
        json_object_set_new(args, "site", rc_json_string(site));
        json_object_set_new(e, "args", args);
    }
    emit(w, e);
    free(name);
}

/* The state of one process's replay. */
typedef struct replay {
    writer_t *w;
    const rc_sum_process_t *p;
    uint64_t t0;
    rc_keymap_t locks; /* lock address -> index in p->locks */
    rc_keymap_t sites; /* call site -> index in site_text */
    char **site_text;  /* "file:line", NULL when not symbolised */
    size_t nsites;
    open_hold_t *holds, *waits;
    size_t nholds, nwaits;
    uint64_t next_id;
    double last, *thread_start;
} replay_t;

static size_t lock_index(replay_t *r, uint64_t addr)
{
    return rc_keymap_get_or_put(&r->locks, addr, 0, 0, SIZE_MAX, NULL);
}

/* Turns one event into trace events. SITE is "file:line" or NULL. */
static void replay_event(replay_t *r, const rc_event_t *ev, const char *site)
{
    const rc_sum_process_t *p = r->p;
    writer_t *w = r->w;
    double ts = (double)(ev->ts - r->t0) / 1000.0;
    int tid = (int)ev->tid, op = ev->op;
    char buf[32];
    r->last = ts;
    switch (op) {
    case RC_EV_THREAD_START:
        for (size_t i = 0; i < p->nthreads; i++)
            if (p->threads[i].tid == tid)
                r->thread_start[i] = ts;
        break;
    case RC_EV_THREAD_EXIT:
        for (size_t i = 0; i < p->nthreads; i++) {
            if (p->threads[i].tid != tid)
                continue;
            json_t *e = event("X", "thread", "thread", p->pid, tid, r->thread_start[i]);
            json_object_set_new(e, "dur", json_real(ts - r->thread_start[i]));
            emit(w, e);
        }
        break;
    case RC_EV_THREAD_CREATE:
    case RC_EV_THREAD_JOIN: {
        char *name = rc_xasprintf("%s T%llu", op == RC_EV_THREAD_CREATE ? "create" : "join",
                                  (unsigned long long)ev->arg);
        json_t *e = event("i", name, "thread", p->pid, tid, ts);
        json_object_set_new(e, "s", json_string("t"));
        emit(w, e);
        free(name);
        break;
    }
    case RC_EV_JOIN_FAILED:
    case RC_EV_COND_DESTROY: {
        json_t *e = event("i", op == RC_EV_JOIN_FAILED ? "join failed" : "cond destroy",
                          op == RC_EV_JOIN_FAILED ? "thread" : "cond", p->pid, tid, ts);
        json_object_set_new(e, "s", json_string("t"));
        emit(w, e);
        break;
    }
    case RC_EV_FORK: {
        char *name = rc_xasprintf("fork pid %llu", (unsigned long long)ev->arg);
        json_t *e = event("i", name, "process", p->pid, tid, ts);
        json_object_set_new(e, "s", json_string("p"));
        emit(w, e);
        free(name);
        break;
    }
    case RC_EV_LOCK_WAIT: {
        size_t l = lock_index(r, ev->obj);
        r->waits = rc_xrealloc(r->waits, (r->nwaits + 1) * sizeof *r->waits);
        r->waits[r->nwaits++] = (open_hold_t){ev->obj, tid, r->next_id};
        slice(w, "b", "wait", lock_name(p, l, buf, sizeof buf), "wait", p->pid, tid, ts,
              r->next_id++, site);
        break;
    }
    case RC_EV_LOCK_ACQUIRED:
    case RC_EV_LOCK_TRY_FAILED: {
        size_t l = lock_index(r, ev->obj);
        const char *lname = lock_name(p, l, buf, sizeof buf);
        for (size_t i = r->nwaits; i-- > 0;) {
            if (r->waits[i].lock == ev->obj && r->waits[i].tid == tid) {
                slice(w, "e", "wait", lname, "wait", p->pid, tid, ts, r->waits[i].id, NULL);
                r->waits[i] = r->waits[--r->nwaits];
                break;
            }
        }
        if (op == RC_EV_LOCK_ACQUIRED) {
            r->holds = rc_xrealloc(r->holds, (r->nholds + 1) * sizeof *r->holds);
            r->holds[r->nholds++] = (open_hold_t){ev->obj, tid, r->next_id};
            slice(w, "b", "hold", lname, "lock", p->pid, tid, ts, r->next_id++, site);
        }
        break;
    }
    case RC_EV_LOCK_RELEASED:
        for (size_t i = r->nholds; i-- > 0;) {
            if (r->holds[i].lock == ev->obj && r->holds[i].tid == tid) {
                slice(w, "e", "hold", lock_name(p, lock_index(r, ev->obj), buf, sizeof buf), "lock",
                      p->pid, tid, ts, r->holds[i].id, NULL);
                r->holds[i] = r->holds[--r->nholds];
                break;
            }
        }
        break;
    default:
        break;
    }
}

/* Loads the process's symbolised call sites (trace_sites). */
static void load_sites(rc_store_t *st, replay_t *r, int64_t process_row)
{
    sqlite3_stmt *s;
    if (rc_db_prepare(st,
                      "SELECT t.site, f.path, t.line FROM trace_sites t"
                      " LEFT JOIN files f ON f.id = t.file_id WHERE t.process_id = ?1",
                      &s, NULL) != RC_OK)
        return;
    sqlite3_bind_int64(s, 1, process_row);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *file = (const char *)sqlite3_column_text(s, 1);
        int inserted;
        rc_keymap_get_or_put(&r->sites, (uint64_t)sqlite3_column_int64(s, 0), 0, 0, r->nsites,
                             &inserted);
        if (!inserted)
            continue;
        r->site_text = rc_xrealloc(r->site_text, (r->nsites + 1) * sizeof *r->site_text);
        r->site_text[r->nsites++] =
            file ? rc_xasprintf("%s:%d", file, sqlite3_column_int(s, 2)) : NULL;
    }
    sqlite3_finalize(s);
}

/* Replays the process's trace chunks in order. Returns the number of events
 * (0: the process has none; its events may be rows of a schema-5 store). */
static size_t replay_chunks(rc_store_t *st, replay_t *r, int64_t process_row)
{
    sqlite3_stmt *s;
    if (rc_db_prepare(st,
                      "SELECT first_ts, data FROM trace_chunks WHERE process_id = ?1 ORDER BY seq",
                      &s, NULL) != RC_OK)
        return 0;
    sqlite3_bind_int64(s, 1, process_row);
    size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        rc_evunpack_t d;
        rc_evunpack_init(&d, sqlite3_column_blob(s, 1), (size_t)sqlite3_column_bytes(s, 1),
                         (uint64_t)sqlite3_column_int64(s, 0));
        rc_event_t ev;
        while (rc_evunpack_next(&d, &ev) == 1) {
            const char *site = NULL;
            if (ev.site) {
                size_t k = rc_keymap_get_or_put(&r->sites, ev.site, 0, 0, SIZE_MAX, NULL);
                site = k == SIZE_MAX ? NULL : r->site_text[k];
            }
            replay_event(r, &ev, site);
            n++;
        }
    }
    sqlite3_finalize(s);
    return n;
}

/* Replays the rows of trace_events, where stores of schema 4 and 5 kept
 * the events of --trace runs. */
static void replay_rows(rc_store_t *st, replay_t *r, int64_t process_row)
{
    sqlite3_stmt *s;
    if (rc_db_prepare(st,
                      "SELECT e.ts, e.tid, e.op, e.obj, e.arg, e.flags, f.path, e.site_line"
                      " FROM trace_events e LEFT JOIN files f ON f.id = e.site_file_id"
                      " WHERE e.process_id = ?1 ORDER BY e.seq",
                      &s, NULL) != RC_OK)
        return;
    sqlite3_bind_int64(s, 1, process_row);
    while (sqlite3_step(s) == SQLITE_ROW) {
        rc_event_t ev = {
            .ts = (uint64_t)sqlite3_column_int64(s, 0),
            .tid = (uint32_t)sqlite3_column_int64(s, 1),
            .op = (uint16_t)sqlite3_column_int(s, 2),
            .obj = (uint64_t)sqlite3_column_int64(s, 3),
            .arg = (uint64_t)sqlite3_column_int64(s, 4),
            .flags = (uint16_t)sqlite3_column_int(s, 5),
        };
        const char *file = (const char *)sqlite3_column_text(s, 6);
        char *site = file ? rc_xasprintf("%s:%d", file, sqlite3_column_int(s, 7)) : NULL;
        replay_event(r, &ev, site);
        free(site);
    }
    sqlite3_finalize(s);
}

/* Replays one process's stored events. Returns the last timestamp (µs). */
static double render_process(rc_store_t *st, writer_t *w, const rc_sum_run_t *run,
                             const rc_sum_process_t *p, int64_t process_row, uint64_t t0)
{
    char *pname = rc_xasprintf("%s (run #%lld, pid %d)", p->exe ? p->exe : run->command,
                               (long long)run->id, p->pid);
    meta(w, "process_name", p->pid, 0, pname);
    free(pname);
    for (size_t i = 0; i < p->nthreads; i++) {
        char *tname = rc_xasprintf("T%d %s", p->threads[i].tid,
                                   p->threads[i].routine ? p->threads[i].routine : "");
        meta(w, "thread_name", p->pid, p->threads[i].tid, tname);
        free(tname);
    }
    replay_t r = {.w = w, .p = p, .t0 = t0, .next_id = 1};
    r.thread_start = rc_xcalloc(p->nthreads + 1, sizeof *r.thread_start);
    for (size_t i = 0; i < p->nlocks; i++)
        rc_keymap_get_or_put(&r.locks, p->locks[i].addr, 0, 0, i, NULL);
    load_sites(st, &r, process_row);
    if (replay_chunks(st, &r, process_row) == 0)
        replay_rows(st, &r, process_row);
    /* Holds and waits still open at the end end with the process. */
    char buf[32];
    for (size_t i = 0; i < r.nholds; i++)
        slice(w, "e", "hold", lock_name(p, lock_index(&r, r.holds[i].lock), buf, sizeof buf),
              "lock", p->pid, r.holds[i].tid, r.last, r.holds[i].id, NULL);
    for (size_t i = 0; i < r.nwaits; i++)
        slice(w, "e", "wait", lock_name(p, lock_index(&r, r.waits[i].lock), buf, sizeof buf),
              "wait", p->pid, r.waits[i].tid, r.last, r.waits[i].id, NULL);
    for (size_t i = 0; i < r.nsites; i++)
        free(r.site_text[i]);
    free(r.site_text);
    rc_keymap_close(&r.sites);
    rc_keymap_close(&r.locks);
    free(r.holds);
    free(r.waits);
    free(r.thread_start);
    return r.last;
}

/* The process rows and the first timestamp of the selected runs. */
static int process_rows(rc_store_t *st, const rc_sum_run_t *r, int64_t *rows, uint64_t *t0)
{
    sqlite3_stmt *s;
    if (rc_db_prepare(st, "SELECT id FROM processes WHERE run_id = ?1 ORDER BY id", &s, NULL))
        return RC_EDB;
    sqlite3_bind_int64(s, 1, r->id);
    size_t k = 0;
    while (sqlite3_step(s) == SQLITE_ROW && k < r->nprocs)
        rows[k++] = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc_db_prepare(st,
                      "SELECT min(t) FROM (SELECT min(first_ts) AS t FROM trace_chunks"
                      " WHERE process_id IN (SELECT id FROM processes WHERE run_id = ?1)"
                      " UNION ALL SELECT min(ts) FROM trace_events"
                      " WHERE process_id IN (SELECT id FROM processes WHERE run_id = ?1))",
                      &s, NULL))
        return RC_EDB;
    sqlite3_bind_int64(s, 1, r->id);
    *t0 = sqlite3_step(s) == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return RC_OK;
}

int rc_render_trace(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                    rc_error_t *err)
{
    rc_summary_t sum;
    int rc = rc_summary_load(st, opts->run_id, &sum, err);
    if (rc)
        return rc;
    writer_t w = {opts->out, 1};
    fputs("{\"displayTimeUnit\": \"ns\", \"traceEvents\": [", w.out);
    double end = 0;
    int end_pid = 0;
    for (size_t i = 0; i < sum.nruns; i++) {
        const rc_sum_run_t *r = &sum.runs[i];
        int64_t *rows = rc_xcalloc(r->nprocs + 1, sizeof *rows);
        uint64_t t0 = 0;
        if (process_rows(st, r, rows, &t0) == RC_OK)
            for (size_t j = 0; j < r->nprocs; j++) {
                double last = render_process(st, &w, r, &r->procs[j], rows[j], t0);
                if (last >= end) {
                    end = last;
                    end_pid = r->procs[j].pid;
                }
            }
        free(rows);
    }
    for (size_t i = 0; i < fs->n; i++) {
        const rc_finding_t *f = &fs->v[i];
        json_t *e = event("i", f->rule, "finding", end_pid, 0, end);
        json_object_set_new(e, "s", json_string("g"));
        json_t *args = json_object();
        json_object_set_new(args, "message", rc_json_string(f->message));
        char *where = rc_xasprintf("%s:%u", f->loc.file ? f->loc.file : "?", f->loc.line);
        json_object_set_new(args, "location", rc_json_string(where));
        free(where);
        json_object_set_new(e, "args", args);
        emit(&w, e);
    }
    fputs("\n]}\n", w.out);
    rc_summary_close(&sum);
    return ferror(w.out) ? rc_error_set(err, RC_EIO, "cannot write the trace") : RC_OK;
}
