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
 *   i create / join / fork         thread-scoped instant events
 *   i <rule> (scope global)        each finding of the run, at the end of its process
 *
 * Times are microseconds since the first event of the run. Each event object
 * is written as it is made, so memory stays bounded on long traces.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "render_int.h"
#include "summary.h"

typedef struct open_hold {
    int64_t lock;
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

static const char *lock_name(const rc_sum_process_t *p, int64_t lock_id, char *buf, size_t len)
{
    for (size_t i = 0; i < p->nlocks; i++) {
        if (p->locks[i].id != lock_id)
            continue;
        if (p->locks[i].name)
            return p->locks[i].name;
        snprintf(buf, len, "%#llx", (unsigned long long)p->locks[i].addr);
        return buf;
    }
    return "lock";
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

/* Replays one process's stored events. Returns the last timestamp (µs). */
static double render_process(rc_store_t *st, writer_t *w, const rc_sum_run_t *r,
                             const rc_sum_process_t *p, int64_t process_row, uint64_t t0)
{
    char *pname = rc_xasprintf("%s (run #%lld, pid %d)", p->exe ? p->exe : r->command,
                               (long long)r->id, p->pid);
    meta(w, "process_name", p->pid, 0, pname);
    free(pname);
    for (size_t i = 0; i < p->nthreads; i++) {
        char *tname = rc_xasprintf("T%d %s", p->threads[i].tid,
                                   p->threads[i].routine ? p->threads[i].routine : "");
        meta(w, "thread_name", p->pid, p->threads[i].tid, tname);
        free(tname);
    }
    sqlite3_stmt *s;
    if (rc_db_prepare(st,
                      "SELECT e.ts, e.tid, e.op, e.lock_id, e.arg, e.flags, f.path, e.site_line"
                      " FROM trace_events e LEFT JOIN files f ON f.id = e.site_file_id"
                      " WHERE e.process_id = ?1 ORDER BY e.seq",
                      &s, NULL) != RC_OK)
        return 0;
    sqlite3_bind_int64(s, 1, process_row);
    open_hold_t *holds = NULL, *waits = NULL;
    size_t nholds = 0, nwaits = 0;
    uint64_t next_id = 1;
    double last = 0, *thread_start = rc_xcalloc(p->nthreads + 1, sizeof *thread_start);
    char buf[32];
    while (sqlite3_step(s) == SQLITE_ROW) {
        double ts = (double)((uint64_t)sqlite3_column_int64(s, 0) - t0) / 1000.0;
        int tid = sqlite3_column_int(s, 1), op = sqlite3_column_int(s, 2);
        int64_t lock = sqlite3_column_int64(s, 3);
        uint64_t arg = (uint64_t)sqlite3_column_int64(s, 4);
        const char *file = (const char *)sqlite3_column_text(s, 6);
        char *site = file ? rc_xasprintf("%s:%d", file, sqlite3_column_int(s, 7)) : NULL;
        const char *lname = lock_name(p, lock, buf, sizeof buf);
        last = ts;
        switch (op) {
        case RC_EV_THREAD_START:
            for (size_t i = 0; i < p->nthreads; i++)
                if (p->threads[i].tid == tid)
                    thread_start[i] = ts;
            break;
        case RC_EV_THREAD_EXIT:
            for (size_t i = 0; i < p->nthreads; i++) {
                if (p->threads[i].tid != tid)
                    continue;
                json_t *e = event("X", "thread", "thread", p->pid, tid, thread_start[i]);
                json_object_set_new(e, "dur", json_real(ts - thread_start[i]));
                emit(w, e);
            }
            break;
        case RC_EV_THREAD_CREATE:
        case RC_EV_THREAD_JOIN: {
            char *name = rc_xasprintf("%s T%llu", op == RC_EV_THREAD_CREATE ? "create" : "join",
                                      (unsigned long long)arg);
            json_t *e = event("i", name, "thread", p->pid, tid, ts);
            json_object_set_new(e, "s", json_string("t"));
            emit(w, e);
            free(name);
            break;
        }
        case RC_EV_FORK: {
            char *name = rc_xasprintf("fork pid %llu", (unsigned long long)arg);
            json_t *e = event("i", name, "process", p->pid, tid, ts);
            json_object_set_new(e, "s", json_string("p"));
            emit(w, e);
            free(name);
            break;
        }
        case RC_EV_LOCK_WAIT:
            waits = rc_xrealloc(waits, (nwaits + 1) * sizeof *waits);
            waits[nwaits++] = (open_hold_t){lock, tid, next_id};
            slice(w, "b", "wait", lname, "wait", p->pid, tid, ts, next_id++, site);
            break;
        case RC_EV_LOCK_ACQUIRED:
        case RC_EV_LOCK_TRY_FAILED:
            for (size_t i = nwaits; i-- > 0;) {
                if (waits[i].lock == lock && waits[i].tid == tid) {
                    slice(w, "e", "wait", lname, "wait", p->pid, tid, ts, waits[i].id, NULL);
                    waits[i] = waits[--nwaits];
                    break;
                }
            }
            if (op == RC_EV_LOCK_ACQUIRED) {
                holds = rc_xrealloc(holds, (nholds + 1) * sizeof *holds);
                holds[nholds++] = (open_hold_t){lock, tid, next_id};
                slice(w, "b", "hold", lname, "lock", p->pid, tid, ts, next_id++, site);
            }
            break;
        case RC_EV_LOCK_RELEASED:
            for (size_t i = nholds; i-- > 0;) {
                if (holds[i].lock == lock && holds[i].tid == tid) {
                    slice(w, "e", "hold", lname, "lock", p->pid, tid, ts, holds[i].id, NULL);
                    holds[i] = holds[--nholds];
                    break;
                }
            }
            break;
        default:
            break;
        }
        free(site);
    }
    sqlite3_finalize(s);
    /* Holds and waits still open at the end end with the process. */
    for (size_t i = 0; i < nholds; i++)
        slice(w, "e", "hold", lock_name(p, holds[i].lock, buf, sizeof buf), "lock", p->pid,
              holds[i].tid, last, holds[i].id, NULL);
    for (size_t i = 0; i < nwaits; i++)
        slice(w, "e", "wait", lock_name(p, waits[i].lock, buf, sizeof buf), "wait", p->pid,
              waits[i].tid, last, waits[i].id, NULL);
    free(holds);
    free(waits);
    free(thread_start);
    return last;
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
                      "SELECT min(ts) FROM trace_events WHERE process_id IN"
                      " (SELECT id FROM processes WHERE run_id = ?1)",
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
