/*
 * summary.c - loads the runtime summary (see summary.h).
 */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

static char *col_dup(sqlite3_stmt *s, int i)
{
    return rc_xstrdup((const char *)sqlite3_column_text(s, i));
}

static int load_threads(rc_store_t *st, int64_t process_row, rc_sum_process_t *p, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT t.tid, t.start_routine, f.path, t.create_line, t.joined,"
                           " t.detached FROM threads t LEFT JOIN files f ON f.id = t.create_file_id"
                           " WHERE t.process_id = ?1 ORDER BY t.tid",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, process_row);
    while (sqlite3_step(s) == SQLITE_ROW) {
        p->threads = rc_xrealloc(p->threads, (p->nthreads + 1) * sizeof *p->threads);
        rc_sum_thread_t *t = &p->threads[p->nthreads++];
        t->tid = sqlite3_column_int(s, 0);
        t->routine = col_dup(s, 1);
        t->file = col_dup(s, 2);
        t->line = sqlite3_column_int(s, 3);
        t->joined = sqlite3_column_int(s, 4);
        t->detached = sqlite3_column_int(s, 5);
    }
    sqlite3_finalize(s);
    return RC_OK;
}

static int load_locks(rc_store_t *st, int64_t process_row, rc_sum_process_t *p, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT l.kind, l.name, l.addr, f.path, l.first_line, l.acquisitions,"
                           " l.contended, l.wait_ns, l.max_wait_ns, l.hold_ns, l.max_hold_ns, l.id,"
                           " l.owner_changes"
                           " FROM locks l LEFT JOIN files f ON f.id = l.first_file_id"
                           " WHERE l.process_id = ?1 ORDER BY l.acquisitions DESC, l.addr",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, process_row);
    while (sqlite3_step(s) == SQLITE_ROW) {
        p->locks = rc_xrealloc(p->locks, (p->nlocks + 1) * sizeof *p->locks);
        rc_sum_lock_t *l = &p->locks[p->nlocks++];
        l->kind = col_dup(s, 0);
        l->name = col_dup(s, 1);
        l->addr = (uint64_t)sqlite3_column_int64(s, 2);
        l->file = col_dup(s, 3);
        l->line = sqlite3_column_int(s, 4);
        l->acquisitions = sqlite3_column_int64(s, 5);
        l->contended = sqlite3_column_int64(s, 6);
        l->wait_ns = sqlite3_column_int64(s, 7);
        l->max_wait_ns = sqlite3_column_int64(s, 8);
        l->hold_ns = sqlite3_column_int64(s, 9);
        l->max_hold_ns = sqlite3_column_int64(s, 10);
        l->id = sqlite3_column_int64(s, 11);
        l->owner_changes =
            sqlite3_column_type(s, 12) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 12);
    }
    sqlite3_finalize(s);
    return RC_OK;
}

static size_t lock_index(const rc_sum_process_t *p, int64_t id)
{
    for (size_t i = 0; i < p->nlocks; i++)
        if (p->locks[i].id == id)
            return i;
    return (size_t)-1;
}

/* Needs p->locks loaded. */
static int load_edges(rc_store_t *st, int64_t process_row, rc_sum_process_t *p, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT e.from_lock, e.to_lock, e.tid, e.trylock, e.count, ff.path,"
                           " e.from_line, tf.path, e.to_line FROM lock_edges e"
                           " LEFT JOIN files ff ON ff.id = e.from_file_id"
                           " LEFT JOIN files tf ON tf.id = e.to_file_id"
                           " WHERE e.process_id = ?1 ORDER BY e.rowid",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, process_row);
    while (sqlite3_step(s) == SQLITE_ROW) {
        size_t from = lock_index(p, sqlite3_column_int64(s, 0));
        size_t to = lock_index(p, sqlite3_column_int64(s, 1));
        if (from == (size_t)-1 || to == (size_t)-1)
            continue;
        p->edges = rc_xrealloc(p->edges, (p->nedges + 1) * sizeof *p->edges);
        rc_sum_edge_t *e = &p->edges[p->nedges++];
        e->from = from;
        e->to = to;
        e->tid = sqlite3_column_int(s, 2);
        e->trylock = sqlite3_column_int(s, 3);
        e->count = sqlite3_column_int64(s, 4);
        e->from_file = col_dup(s, 5);
        e->from_line = sqlite3_column_int(s, 6);
        e->to_file = col_dup(s, 7);
        e->to_line = sqlite3_column_int(s, 8);
    }
    sqlite3_finalize(s);
    return RC_OK;
}

int rc_summary_load(rc_store_t *st, int64_t run_id, rc_summary_t *out, rc_error_t *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "WITH latest AS (SELECT max(id) AS id FROM runs"
                           "  WHERE finished IS NOT NULL AND kind = 'shim' AND ?1 = 0"
                           "  GROUP BY command UNION SELECT ?1 WHERE ?1 <> 0)"
                           " SELECT r.id, r.command, r.status, p.id, p.pid, p.ppid, p.exe,"
                           "  p.exited, p.exit_status, p.records, p.torn, p.dropped, p.execed"
                           " FROM runs r JOIN processes p ON p.run_id = r.id"
                           " WHERE r.id IN (SELECT id FROM latest) ORDER BY r.id, p.id",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    int64_t *rows = NULL;
    size_t nrows = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (out->nruns == 0 || out->runs[out->nruns - 1].id != id) {
            out->runs = rc_xrealloc(out->runs, (out->nruns + 1) * sizeof *out->runs);
            rc_sum_run_t *r = &out->runs[out->nruns++];
            memset(r, 0, sizeof *r);
            r->id = id;
            r->command = col_dup(s, 1);
            r->status = sqlite3_column_int(s, 2);
        }
        rc_sum_run_t *r = &out->runs[out->nruns - 1];
        r->procs = rc_xrealloc(r->procs, (r->nprocs + 1) * sizeof *r->procs);
        rc_sum_process_t *p = &r->procs[r->nprocs++];
        memset(p, 0, sizeof *p);
        p->pid = sqlite3_column_int(s, 4);
        p->ppid = sqlite3_column_int(s, 5);
        p->exe = col_dup(s, 6);
        p->exited = sqlite3_column_int(s, 7);
        p->exit_status = sqlite3_column_int(s, 8);
        p->records = sqlite3_column_int64(s, 9);
        p->torn = sqlite3_column_int64(s, 10);
        p->dropped = sqlite3_column_int64(s, 11);
        p->execed = sqlite3_column_int(s, 12);
        rows = rc_xrealloc(rows, (nrows + 1) * sizeof *rows);
        rows[nrows++] = sqlite3_column_int64(s, 3);
    }
    sqlite3_finalize(s);
    /* Threads and locks after the scan: one statement open at a time. */
    size_t k = 0;
    for (size_t i = 0; rc == RC_OK && i < out->nruns; i++)
        for (size_t j = 0; rc == RC_OK && j < out->runs[i].nprocs; j++, k++) {
            rc = load_threads(st, rows[k], &out->runs[i].procs[j], err);
            if (rc == RC_OK)
                rc = load_locks(st, rows[k], &out->runs[i].procs[j], err);
            if (rc == RC_OK)
                rc = load_edges(st, rows[k], &out->runs[i].procs[j], err);
        }
    free(rows);
    if (rc)
        rc_summary_close(out);
    return rc;
}

void rc_summary_close(rc_summary_t *s)
{
    for (size_t i = 0; i < s->nruns; i++) {
        rc_sum_run_t *r = &s->runs[i];
        for (size_t j = 0; j < r->nprocs; j++) {
            rc_sum_process_t *p = &r->procs[j];
            for (size_t k = 0; k < p->nthreads; k++) {
                free(p->threads[k].routine);
                free(p->threads[k].file);
            }
            for (size_t k = 0; k < p->nlocks; k++) {
                free(p->locks[k].kind);
                free(p->locks[k].name);
                free(p->locks[k].file);
            }
            for (size_t k = 0; k < p->nedges; k++) {
                free(p->edges[k].from_file);
                free(p->edges[k].to_file);
            }
            free(p->threads);
            free(p->locks);
            free(p->edges);
            free(p->exe);
        }
        free(r->procs);
        free(r->command);
    }
    free(s->runs);
    memset(s, 0, sizeof *s);
}

/*
 * Tarjan's strongly connected components over the P->nlocks locks, without
 * recursion (lock graphs of real programs can be deep). comp[v] receives the
 * component of lock v.
 */
static void components(const rc_sum_process_t *p, size_t *comp)
{
    size_t n = p->nlocks, m = p->nedges;
    const size_t none = (size_t)-1;
    /* Adjacency in CSR form: the edges leaving v are adj[start[v] .. start[v+1]). */
    size_t *start = rc_xcalloc(n + 1, sizeof *start), *adj = rc_xcalloc(m ? m : 1, sizeof *adj);
    for (size_t i = 0; i < m; i++)
        start[p->edges[i].from + 1]++;
    for (size_t v = 0; v < n; v++)
        start[v + 1] += start[v];
    size_t *fill = rc_xcalloc(n ? n : 1, sizeof *fill);
    for (size_t i = 0; i < m; i++) {
        size_t v = p->edges[i].from;
        adj[start[v] + fill[v]++] = p->edges[i].to;
    }
    size_t *index = rc_xcalloc(n ? n : 1, sizeof *index), *low = rc_xcalloc(n ? n : 1, sizeof *low);
    size_t *stack = rc_xcalloc(n ? n : 1, sizeof *stack),
           *call = rc_xcalloc(n ? n : 1, sizeof *call);
    size_t *next = rc_xcalloc(n ? n : 1, sizeof *next);
    char *on_stack = rc_xcalloc(n ? n : 1, 1);
    size_t counter = 0, sp = 0, ncomp = 0;
    for (size_t v = 0; v < n; v++)
        index[v] = none, comp[v] = none;
    for (size_t root = 0; root < n; root++) {
        if (index[root] != none)
            continue;
        size_t depth = 0;
        call[depth++] = root;
        index[root] = low[root] = counter++;
        next[root] = start[root];
        stack[sp++] = root, on_stack[root] = 1;
        while (depth) {
            size_t v = call[depth - 1];
            if (next[v] < start[v + 1]) {
                size_t w = adj[next[v]++];
                if (index[w] == none) {
                    index[w] = low[w] = counter++;
                    next[w] = start[w];
                    stack[sp++] = w, on_stack[w] = 1;
                    call[depth++] = w;
                } else if (on_stack[w] && index[w] < low[v]) {
                    low[v] = index[w];
                }
                continue;
            }
            if (low[v] == index[v]) {
                size_t w;
                do {
                    w = stack[--sp];
                    on_stack[w] = 0;
                    comp[w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            depth--;
            if (depth) {
                size_t u = call[depth - 1];
                if (low[v] < low[u])
                    low[u] = low[v];
            }
        }
    }
    free(start), free(adj), free(fill), free(index), free(low), free(stack), free(call);
    free(next), free(on_stack);
}

void rc_summary_edges_on_cycle(const rc_sum_process_t *p, int *on_cycle)
{
    size_t *comp = rc_xcalloc(p->nlocks ? p->nlocks : 1, sizeof *comp);
    components(p, comp);
    for (size_t i = 0; i < p->nedges; i++)
        on_cycle[i] = comp[p->edges[i].from] == comp[p->edges[i].to];
    free(comp);
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Two locks a profile shows alike: same kind, name and first site. */
static int same_row(const rc_sum_lock_t *a, const rc_sum_lock_t *b)
{
    return a->name && b->name && same_str(a->kind, b->kind) && strcmp(a->name, b->name) == 0 &&
           same_str(a->file, b->file) && a->line == b->line;
}

rc_sum_lock_row_t *rc_summary_lock_rows(const rc_sum_process_t *p, size_t *n)
{
    /* Most contended first (stable: ties keep the store's order). */
    const rc_sum_lock_t **order = rc_xcalloc(p->nlocks + 1, sizeof *order);
    for (size_t k = 0; k < p->nlocks; k++) {
        size_t m = k;
        while (m > 0 && order[m - 1]->contended < p->locks[k].contended) {
            order[m] = order[m - 1];
            m--;
        }
        order[m] = &p->locks[k];
    }
    rc_sum_lock_row_t *rows = rc_xcalloc(p->nlocks + 1, sizeof *rows);
    char *grouped = rc_xcalloc(p->nlocks + 1, 1);
    size_t nrows = 0;
    for (size_t k = 0; k < p->nlocks; k++) {
        if (grouped[k])
            continue;
        rc_sum_lock_row_t *row = &rows[nrows++];
        row->lock = *order[k];
        row->count = 1;
        rc_sum_lock_t *l = &row->lock;
        for (size_t m = k + 1; m < p->nlocks && l->name; m++) {
            const rc_sum_lock_t *o = order[m];
            if (grouped[m] || !same_row(l, o))
                continue;
            grouped[m] = 1;
            row->count++;
            l->acquisitions += o->acquisitions;
            l->contended += o->contended;
            l->owner_changes = l->owner_changes >= 0 && o->owner_changes >= 0
                                   ? l->owner_changes + o->owner_changes
                                   : -1;
            l->wait_ns += o->wait_ns;
            l->hold_ns += o->hold_ns;
            if (o->max_wait_ns > l->max_wait_ns)
                l->max_wait_ns = o->max_wait_ns;
            if (o->max_hold_ns > l->max_hold_ns)
                l->max_hold_ns = o->max_hold_ns;
        }
    }
    free(grouped);
    free(order);
    *n = nrows;
    return rows;
}
