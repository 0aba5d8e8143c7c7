/*
 * ingest_shim.c - turns one shim event log into store rows and runtime
 * findings.
 *
 * One pass over the time-ordered records rebuilds, per thread, the stack of
 * locks it holds; every acquisition while holding other locks yields
 * lock-order edges "held -> acquired", aggregated per (from, to, thread) with
 * the intersection of the held sets over all occurrences (a lock counts as a
 * gate only if it was held every time), the first sites, and the vector
 * clock of the thread at the first occurrence. Vector clocks advance only at
 * thread creation and join: they tell which edges can never run at the same
 * time in any schedule (a thread joined before another is created), while
 * lock hand-offs, which another schedule could reorder, order nothing.
 * The same pass fills per-lock counters (acquisitions, contended
 * acquisitions, wait and hold times, owner changes: acquisitions by another
 * thread than the one before) and thread lifetimes. The lock graph is
 * then searched for cycles that can deadlock (lockgraph.h), and each becomes
 * a `lock.order-inversion` finding. Call sites are symbolised only for what
 * is stored, after the pass.
 *
 * Beyond create/join, two things order threads: a post of a semaphore that
 * was initialised to 0 happens-before the waits after it (a semaphore
 * counted from 1 is a lock, whose hand-offs order nothing), and the routine
 * of a pthread_once happens-before every return of pthread_once on that
 * control (ONCE|RAN, then the others). Barriers order nothing here.
 *
 * Logs written in the shim's summary mode (eventlog.h, "Modes") replay the
 * same way: what the shim left out adds only counters, merged from the lock
 * table after the pass (merge_stats), and EDGE_COUNT records add the repeats
 * of recorded edges. Processes link to their parent by ppid; an image
 * exec'd under the shim has its own pid as ppid (RC_LOG_F_EXEC), so the
 * tree shows it under the image it replaced, whose row counts as exited.
 * DEADLOCK records (the shim's watchdog stopped the
 * program) name the cycle; a cycle finding over exactly those waits says so.
 *
 * With rc_store_keep_events (run --trace) the events themselves are kept,
 * in ts order, in the packed form of eventlog.h ("Packed records"), as
 * blobs of up to RC_TRACE_CHUNK_EVENTS records (trace_chunks.data) that
 * each decode on their own; a record is about 8 bytes where the log's is
 * 40, and a whole chunk is one row, so storing a trace costs little more
 * than writing its bytes. Each distinct call site is symbolised once
 * (trace_sites); locks are found by (process, obj) in `locks`.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_int.h"

thr_t *rc_ing_thread_at(ingest_t *in, uint32_t tid)
{
    if (tid >= in->nthr) {
        size_t n = tid + 1 > in->nthr * 2 ? (size_t)tid + 1 : in->nthr * 2;
        in->thr = rc_xrealloc(in->thr, n * sizeof *in->thr);
        memset(in->thr + in->nthr, 0, (n - in->nthr) * sizeof *in->thr);
        for (size_t i = in->nthr; i < n; i++)
            in->thr[i].waiting = -1;
        in->nthr = n;
    }
    return &in->thr[tid];
}

static void vc_set(thr_t *t, size_t i, uint64_t v)
{
    if (i >= t->nvc) {
        size_t n = i + 1 > t->nvc * 2 ? i + 1 : t->nvc * 2;
        t->vc = rc_xrealloc(t->vc, n * sizeof *t->vc);
        memset(t->vc + t->nvc, 0, (n - t->nvc) * sizeof *t->vc);
        t->nvc = n;
    }
    t->vc[i] = v;
}

static uint64_t vc_get(const thr_t *t, size_t i)
{
    return i < t->nvc ? t->vc[i] : 0;
}

/* Parent P creates child C: C starts knowing all P knew; P moves on. */
static void vc_create(ingest_t *in, uint32_t p, uint32_t c)
{
    if (in->vc_off)
        return;
    if (c >= RC_VC_MAX_THREADS || p >= RC_VC_MAX_THREADS) {
        in->vc_off = 1;
        return;
    }
    thr_t *pt = &in->thr[p], *ct = &in->thr[c];
    for (size_t i = 0; i < pt->nvc; i++)
        if (pt->vc[i] > vc_get(ct, i))
            vc_set(ct, i, pt->vc[i]);
    vc_set(ct, c, vc_get(ct, c) + 1);
    vc_set(pt, p, vc_get(pt, p) + 1);
}

/* J joins C: J learns all C knew; J moves on. */
static void vc_join(ingest_t *in, uint32_t j, uint32_t c)
{
    if (in->vc_off)
        return;
    thr_t *jt = &in->thr[j], *ct = &in->thr[c];
    for (size_t i = 0; i < ct->nvc; i++)
        if (ct->vc[i] > vc_get(jt, i))
            vc_set(jt, i, ct->vc[i]);
    vc_set(jt, j, vc_get(jt, j) + 1);
}

/* The happens-before object at addr, created on first sight. */
static hb_obj_t *hb_at(ingest_t *in, uint64_t addr)
{
    int inserted;
    size_t idx = rc_keymap_get_or_put(&in->hbmap, addr, 1, 0, in->nhb, &inserted);
    if (inserted) {
        in->hb = rc_xrealloc(in->hb, (in->nhb + 1) * sizeof *in->hb);
        in->hb[in->nhb++] = (hb_obj_t){.obj = addr};
    }
    return &in->hb[idx];
}

/* Thread T publishes to O (a post, a once routine's end): O learns all T
 * knows; T moves on. */
static void vc_release(ingest_t *in, uint32_t tid, hb_obj_t *o)
{
    if (in->vc_off || tid >= RC_VC_MAX_THREADS)
        return;
    thr_t *t = &in->thr[tid];
    if (o->nvc < t->nvc) {
        o->vc = rc_xrealloc(o->vc, t->nvc * sizeof *o->vc);
        memset(o->vc + o->nvc, 0, (t->nvc - o->nvc) * sizeof *o->vc);
        o->nvc = t->nvc;
    }
    for (size_t i = 0; i < t->nvc; i++)
        if (t->vc[i] > o->vc[i])
            o->vc[i] = t->vc[i];
    vc_set(t, tid, vc_get(t, tid) + 1);
}

/* Thread T consumes from O (a wait, a return of pthread_once). */
static void vc_acquire(ingest_t *in, uint32_t tid, const hb_obj_t *o)
{
    if (in->vc_off || tid >= RC_VC_MAX_THREADS || !o->nvc)
        return;
    thr_t *t = &in->thr[tid];
    for (size_t i = 0; i < o->nvc; i++)
        if (o->vc[i] > vc_get(t, i))
            vc_set(t, i, o->vc[i]);
    vc_set(t, tid, vc_get(t, tid) + 1);
}

size_t rc_ing_lock_at(ingest_t *in, uint64_t addr, int kind, uint64_t site)
{
    unsigned c = (unsigned)((addr * UINT64_C(0x9E3779B97F4A7C15)) >> 58);
    if (in->lock_cache_idx[c] && in->lock_cache_addr[c] == addr)
        return in->lock_cache_idx[c] - 1;
    int inserted;
    size_t idx = rc_keymap_get_or_put(&in->lockmap, addr, 0, 0, in->nlocks, &inserted);
    if (inserted) {
        if (in->nlocks == in->capl) {
            in->capl = in->capl ? in->capl * 2 : 16;
            in->locks = rc_xrealloc(in->locks, in->capl * sizeof *in->locks);
        }
        lk_t *l = &in->locks[in->nlocks++];
        memset(l, 0, sizeof *l);
        l->addr = addr;
        l->kind = kind;
        l->first_site = site;
        l->first_ts = in->now;
    }
    in->lock_cache_addr[c] = addr;
    in->lock_cache_idx[c] = idx + 1;
    return idx;
}

/* Keeps in E's held set only the locks also in the current holds. */
static void intersect_held(rc_lg_edge_t *e, const thr_t *t)
{
    size_t k = 0;
    for (size_t i = 0; i < e->nheld; i++) {
        for (size_t j = 0; j < t->nheld; j++) {
            if (t->held[j].lock == e->held[i]) {
                e->held[k++] = e->held[i];
                break;
            }
        }
    }
    e->nheld = k;
}

static void add_edge(ingest_t *in, uint32_t tid, const thr_t *t, const hold_t *from, size_t to,
                     uint64_t to_site, int trylock)
{
    int inserted;
    size_t idx = rc_keymap_get_or_put(&in->edgemap, from->lock, to, tid, in->nedges, &inserted);
    if (inserted) {
        if (in->nedges == in->cape) {
            in->cape = in->cape ? in->cape * 2 : 16;
            in->edges = rc_xrealloc(in->edges, in->cape * sizeof *in->edges);
        }
        edge_t *e = &in->edges[in->nedges++];
        memset(e, 0, sizeof *e);
        e->g.from = from->lock;
        e->g.to = to;
        e->g.tid = tid;
        e->g.trylock = trylock;
        if (!in->vc_off) {
            e->vc = rc_xmalloc((t->nvc ? t->nvc : 1) * sizeof *e->vc);
            memcpy(e->vc, t->vc, t->nvc * sizeof *e->vc);
            e->g.vc = e->vc;
            e->g.nvc = t->nvc;
        }
        e->g.last_clock = vc_get(t, tid);
        e->g.held = rc_xmalloc((t->nheld ? t->nheld : 1) * sizeof *e->g.held);
        for (size_t j = 0; j < t->nheld; j++)
            e->g.held[j] = t->held[j].lock;
        e->g.nheld = t->nheld;
        e->from_site = from->site;
        e->to_site = to_site;
        e->count = 1;
        return;
    }
    edge_t *e = &in->edges[idx];
    e->count++;
    e->g.trylock &= trylock;
    e->g.last_clock = vc_get(t, tid);
    intersect_held(&e->g, t);
}

/* Summary mode: repeats of a recorded nested acquisition (EDGE_COUNT: obj is
 * the lock acquired, site the lock held, arg how many more times). */
static void edge_count(ingest_t *in, const rc_event_t *ev)
{
    size_t from = rc_ing_lock_at(in, ev->site, RC_LOCK_MUTEX, 0);
    size_t to = rc_ing_lock_at(in, ev->obj, RC_LOCK_MUTEX, 0);
    int inserted;
    size_t idx = rc_keymap_get_or_put(&in->edgemap, from, to, ev->tid, in->nedges, &inserted);
    if (inserted) { /* its first occurrence was lost (log full): count it bare */
        if (in->nedges == in->cape) {
            in->cape = in->cape ? in->cape * 2 : 16;
            in->edges = rc_xrealloc(in->edges, in->cape * sizeof *in->edges);
        }
        edge_t *e = &in->edges[in->nedges++];
        memset(e, 0, sizeof *e);
        e->g.from = from;
        e->g.to = to;
        e->g.tid = ev->tid;
        e->g.held = rc_xmalloc(sizeof *e->g.held);
        e->g.held[0] = from;
        e->g.nheld = 1;
        e->g.trylock = 1; /* nothing known: it orders nothing */
    }
    in->edges[idx].count += ev->arg;
}

/* Summary mode: adds the lock table's counters (acquisitions left out of the
 * records) to what the records gave, and takes its owner changes. */
static void merge_stats(ingest_t *in)
{
    size_t n;
    const rc_lock_stat_t *st = rc_eventlog_lock_stats(in->log, &n);
    for (size_t i = 0; i < n; i++) {
        in->now = st[i].first_ts;
        size_t l = rc_ing_lock_at(in, st[i].addr, (int)st[i].kind, st[i].first_site);
        lk_t *lk = &in->locks[l];
        if (st[i].first_ts && st[i].first_ts < lk->first_ts) { /* first used in a pair left out */
            lk->first_site = st[i].first_site;
            lk->first_ts = st[i].first_ts;
        }
        /* The shim counted every acquisition of a lock with a slot (the
         * records alone miss the hand-offs between pairs left out). */
        lk->owner_changes = st[i].owner_changes;
        if (st[i].acquisitions)
            rc_misuse_unrecorded(in, l, st[i].first_site, st[i].first_ts);
        lk->acquisitions += st[i].acquisitions;
        lk->contended += st[i].contended;
        lk->wait_ns += st[i].wait_ns;
        lk->hold_ns += st[i].hold_ns;
        if (st[i].max_wait_ns > lk->max_wait_ns)
            lk->max_wait_ns = st[i].max_wait_ns;
        if (st[i].max_hold_ns > lk->max_hold_ns)
            lk->max_hold_ns = st[i].max_hold_ns;
    }
}

static void on_acquired(ingest_t *in, const rc_event_t *ev)
{
    thr_t *t = rc_ing_thread_at(in, ev->tid);
    size_t l = rc_ing_lock_at(in, ev->obj, RC_LOCK_KIND(ev->flags), ev->site);
    lk_t *lk = &in->locks[l];
    lk->acquisitions++;
    /* An owner change: another thread than the last acquirer. A lock held
     * across fork is the forking thread's already (not counted, as the
     * shim's summary table does not count it either). */
    if (!(ev->flags & RC_LOCK_INHERITED)) {
        if (lk->last_owner && lk->last_owner != ev->tid + 1)
            lk->owner_changes++;
        lk->last_owner = ev->tid + 1;
    }
    lk->wait_ns += ev->arg;
    if (ev->arg > lk->max_wait_ns)
        lk->max_wait_ns = ev->arg;
    int trylock = (ev->flags & RC_LOCK_TRY) != 0;
    /* A contended acquisition got its edges when it started waiting. */
    if (t->waiting != (int64_t)l)
        for (size_t i = 0; i < t->nheld; i++)
            if (t->held[i].lock != l)
                add_edge(in, ev->tid, t, &t->held[i], l, ev->site, trylock);
    t->waiting = -1;
    if (t->nheld == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->held = rc_xrealloc(t->held, t->cap * sizeof *t->held);
    }
    t->held[t->nheld++] = (hold_t){.lock = l, .site = ev->site, .ts = ev->ts};
}

static void on_released(ingest_t *in, const rc_event_t *ev)
{
    thr_t *t = rc_ing_thread_at(in, ev->tid);
    size_t l = rc_ing_lock_at(in, ev->obj, RC_LOCK_KIND(ev->flags), ev->site);
    for (size_t i = t->nheld; i-- > 0;) {
        if (t->held[i].lock != l)
            continue;
        uint64_t held_ns = ev->ts >= t->held[i].ts ? ev->ts - t->held[i].ts : 0;
        lk_t *lk = &in->locks[l];
        lk->hold_ns += held_ns;
        if (held_ns > lk->max_hold_ns)
            lk->max_hold_ns = held_ns;
        memmove(&t->held[i], &t->held[i + 1], (t->nheld - i - 1) * sizeof *t->held);
        t->nheld--;
        return;
    }
}

static void pack_event(ingest_t *in, const rc_event_t *ev);

/* One pass over the log's records in time order (merged from the file as
 * they are read); with keep_events each record is packed for trace_chunks
 * on the way. */
static void replay(ingest_t *in)
{
    rc_event_t cur;
    const rc_event_t *ev = &cur;
    while (rc_eventlog_next(in->log, &cur)) {
        if (in->keep_events)
            pack_event(in, ev);
        in->now = ev->ts;
        rc_misuse_event(in, ev);
        thr_t *t = rc_ing_thread_at(in, ev->tid);
        if (!t->seen) {
            t->seen = 1;
            t->start_ts = ev->ts;
            if (!t->created && !in->vc_off && ev->tid < RC_VC_MAX_THREADS)
                vc_set(t, ev->tid, 1); /* the main thread, or a thread seen without its creation */
        }
        switch (ev->op) {
        case RC_EV_THREAD_START:
            t->os_tid = ev->arg;
            if (!t->routine)
                t->routine = ev->obj;
            break;
        case RC_EV_THREAD_EXIT:
            t->exited = 1;
            t->end_ts = ev->ts;
            t->locks_at_exit = ev->arg;
            break;
        case RC_EV_THREAD_CREATE: {
            thr_t *c = rc_ing_thread_at(in, (uint32_t)ev->arg);
            t = rc_ing_thread_at(in, ev->tid); /* thread_at may have moved the array */
            c->created = 1;
            c->parent = ev->tid;
            c->routine = ev->obj;
            c->create_site = ev->site;
            c->create_ts = ev->ts;
            vc_create(in, ev->tid, (uint32_t)ev->arg);
            break;
        }
        case RC_EV_THREAD_JOIN:
            if (ev->arg != UINT64_MAX && ev->arg <= UINT32_MAX) {
                thr_t *c = rc_ing_thread_at(in, (uint32_t)ev->arg);
                c->joined = 1;
                c->join_ts = ev->ts;
                vc_join(in, ev->tid, (uint32_t)ev->arg);
            }
            break;
        case RC_EV_THREAD_DETACH:
            if (ev->arg <= UINT32_MAX)
                rc_ing_thread_at(in, (uint32_t)ev->arg)->detached = 1;
            break;
        case RC_EV_LOCK_WAIT: {
            /* The attempt fixes the order, whether or not it ever succeeds:
             * in a real deadlock the acquisitions never complete. */
            size_t l = rc_ing_lock_at(in, ev->obj, RC_LOCK_KIND(ev->flags), ev->site);
            t = rc_ing_thread_at(in, ev->tid);
            in->locks[l].contended++;
            for (size_t k = 0; k < t->nheld; k++)
                if (t->held[k].lock != l)
                    add_edge(in, ev->tid, t, &t->held[k], l, ev->site,
                             (ev->flags & RC_LOCK_TIMED) != 0);
            t->waiting = (int64_t)l;
            break;
        }
        case RC_EV_LOCK_TRY_FAILED:
            t->waiting = -1;
            break;
        case RC_EV_LOCK_ACQUIRED:
            on_acquired(in, ev);
            break;
        case RC_EV_LOCK_RELEASED:
            on_released(in, ev);
            break;
        case RC_EV_SEM_INIT: {
            hb_obj_t *o = hb_at(in, ev->obj);
            o->signalling = ev->arg == 0;
            o->nvc = 0; /* a new semaphore at this address */
            break;
        }
        case RC_EV_SEM_POST: {
            /* Only a semaphore counted from 0 orders: one used as a lock
             * (initialised to 1) is a hand-off another schedule reorders. */
            hb_obj_t *o = hb_at(in, ev->obj);
            if (o->signalling)
                vc_release(in, ev->tid, o);
            break;
        }
        case RC_EV_SEM_WAIT:
            if (!(ev->flags & RC_SEM_FAILED)) {
                hb_obj_t *o = hb_at(in, ev->obj);
                if (o->signalling)
                    vc_acquire(in, ev->tid, o);
            }
            break;
        case RC_EV_ONCE:
            if (ev->flags & RC_ONCE_RAN)
                vc_release(in, ev->tid, hb_at(in, ev->obj));
            else
                vc_acquire(in, ev->tid, hb_at(in, ev->obj));
            break;
        case RC_EV_LOCK_INIT:
            hb_at(in, ev->obj)->mtype = (int)RC_MUTEX_TYPE(ev->arg) + 1;
            break;
        case RC_EV_EDGE_COUNT:
            edge_count(in, ev);
            break;
        case RC_EV_DEADLOCK:
            if (ev->flags == RC_DEADLOCK_WAITS) {
                size_t l = rc_ing_lock_at(in, ev->obj, RC_LOCK_MUTEX, ev->site);
                in->dl = rc_xrealloc(in->dl, (in->ndl + 1) * sizeof *in->dl);
                in->dl[in->ndl++] = (dl_wait_t){ev->tid, l, ev->site, ev->arg};
            }
            break;
        default:
            break;
        }
    }
}

void rc_ing_symbolize(ingest_t *in, uint64_t addr, rc_loc_t *loc)
{
    memset(loc, 0, sizeof *loc);
    if (addr)
        rc_eventlog_symbolize(in->log, addr, loc);
}

void rc_ing_symbolize_exact(ingest_t *in, uint64_t addr, rc_loc_t *loc)
{
    memset(loc, 0, sizeof *loc);
    if (addr)
        rc_eventlog_symbolize_exact(in->log, addr, loc);
}

/* The symbol a lock object lives in (a global mutex or a global struct
 * holding it), or NULL for heap and stack locks. */
static char *object_name(ingest_t *in, uint64_t addr)
{
    rc_loc_t loc;
    rc_ing_symbolize_exact(in, addr, &loc);
    char *name = loc.function ? rc_xstrdup(loc.function) : NULL;
    rc_loc_close(&loc);
    return name;
}

char *rc_ing_lock_label(ingest_t *in, size_t l)
{
    lk_t *lk = &in->locks[l];
    if (lk->name)
        return rc_xasprintf("'%s'", lk->name);
    rc_loc_t loc;
    rc_ing_symbolize(in, lk->first_site, &loc);
    char *s = loc.file ? rc_xasprintf("the lock at %#llx first taken at %s:%u",
                                      (unsigned long long)lk->addr, loc.file, loc.line)
                       : rc_xasprintf("the lock at %#llx", (unsigned long long)lk->addr);
    rc_loc_close(&loc);
    return s;
}

char *rc_ing_thread_label(ingest_t *in, uint32_t tid)
{
    if (tid == 0)
        return rc_xstrdup("the main thread");
    rc_loc_t loc;
    rc_ing_symbolize_exact(in, in->thr[tid].routine, &loc);
    char *s = loc.function ? rc_xasprintf("thread T%u (%s)", tid, loc.function)
                           : rc_xasprintf("thread T%u", tid);
    rc_loc_close(&loc);
    return s;
}

static int cmp_name(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return strcmp(x, y);
}

/* Builds the finding for one cycle: the primary location is the blocking
 * acquisition with the smallest file:line, so the report is stable across
 * runs; every edge's acquisition and the lock it held are related notes. */
static void cycle_finding(ingest_t *in, const rc_lg_cycle_t *c, rc_findings_t *out)
{
    rc_loc_t *to = rc_xcalloc(c->n, sizeof *to), *from = rc_xcalloc(c->n, sizeof *from);
    char **names = rc_xcalloc(c->n, sizeof *names);
    size_t primary = 0;
    for (size_t i = 0; i < c->n; i++) {
        const edge_t *e = &in->edges[c->edges[i]];
        rc_ing_symbolize(in, e->to_site, &to[i]);
        rc_ing_symbolize(in, e->from_site, &from[i]);
        names[i] = rc_ing_lock_label(in, e->g.from);
        int c1 = strcmp(to[i].file ? to[i].file : "~", to[primary].file ? to[primary].file : "~");
        if (c1 < 0 || (c1 == 0 && to[i].line < to[primary].line))
            primary = i;
    }
    rc_strbuf_t msg, subject;
    rc_strbuf_init(&msg);
    rc_strbuf_init(&subject);
    rc_strbuf_appendf(&msg, "lock-order inversion (potential deadlock) over %zu locks:", c->n);
    for (size_t k = 0; k < c->n; k++) {
        size_t i = (primary + k) % c->n;
        const edge_t *e = &in->edges[c->edges[i]];
        char *who = rc_ing_thread_label(in, e->g.tid), *got = rc_ing_lock_label(in, e->g.to);
        rc_strbuf_appendf(&msg, "%s %s acquires %s while holding %s", k ? ";" : "", who, got,
                          names[i]);
        free(who);
        free(got);
    }
    int deadlocked = 1, watched = in->deadlocked && in->ndl > 0;
    for (size_t i = 0; i < c->n; i++) {
        const edge_t *e = &in->edges[c->edges[i]];
        deadlocked &= in->thr[e->g.tid].waiting == (int64_t)e->g.to;
        int seen = 0;
        for (size_t k = 0; k < in->ndl; k++)
            seen |= in->dl[k].tid == e->g.tid && in->dl[k].lock == e->g.to;
        watched &= seen;
    }
    if (watched)
        rc_strbuf_appendf(&msg,
                          "; this run deadlocked: each of these threads waited for the other's "
                          "lock for %u.%03u s, and racecheck's deadlock watchdog stopped the "
                          "program (exit status %d)",
                          in->deadlock_ms / 1000, in->deadlock_ms % 1000, RC_DEADLOCK_EXIT);
    else
        rc_strbuf_append(&msg, deadlocked
                                   ? "; this run deadlocked: each of these threads was still "
                                     "waiting for its lock when the program ended"
                                   : "; if these threads run together each can wait forever "
                                     "for the other");
    rc_sort(names, c->n, sizeof *names, cmp_name);
    for (size_t i = 0; i < c->n; i++)
        rc_strbuf_appendf(&subject, "%s%s", i ? "," : "", names[i]);

    rc_finding_t *f = rc_findings_push(out);
    f->rule = rc_xstrdup("lock.order-inversion");
    f->source = RC_SRC_SHIM;
    f->severity = RC_SEV_WARNING;
    f->message = rc_strbuf_take(&msg);
    f->subject = rc_strbuf_take(&subject);
    rc_loc_set(&f->loc, to[primary].file, to[primary].line, to[primary].col, to[primary].function,
               NULL);
    char *primary_thread = rc_ing_thread_label(in, in->edges[c->edges[primary]].g.tid);
    rc_loc_set_thread(&f->loc, primary_thread);
    free(primary_thread);
    for (size_t k = 0; k < c->n; k++) {
        size_t i = (primary + k) % c->n;
        const edge_t *e = &in->edges[c->edges[i]];
        char *who = rc_ing_thread_label(in, e->g.tid), *held = rc_ing_lock_label(in, e->g.from),
             *got = rc_ing_lock_label(in, e->g.to);
        char *n1 = rc_xasprintf("%s acquired %s here", who, held);
        char *n2 = rc_xasprintf("%s then acquires %s here (observed %llu times)", who, got,
                                (unsigned long long)e->count);
        rc_loc_set_thread(rc_finding_add_related(f, from[i].file, from[i].line, from[i].col,
                                                 from[i].function, n1),
                          who);
        rc_loc_set_thread(
            rc_finding_add_related(f, to[i].file, to[i].line, to[i].col, to[i].function, n2), who);
        free(who);
        free(held);
        free(got);
        free(n1);
        free(n2);
    }
    for (size_t i = 0; i < c->n; i++) {
        rc_loc_close(&to[i]);
        rc_loc_close(&from[i]);
        free(names[i]);
    }
    free(to);
    free(from);
    free(names);
}

static const char *kind_name(int kind, int mtype)
{
    switch (kind) {
    case RC_LOCK_MUTEX:
        return mtype == RC_MUTEX_RECURSIVE + 1    ? "recursive mutex"
               : mtype == RC_MUTEX_ERRORCHECK + 1 ? "error-checking mutex"
                                                  : "mutex";
    case RC_LOCK_RWLOCK_READ:
    case RC_LOCK_RWLOCK_WRITE:
        return "rwlock";
    case RC_LOCK_SPIN:
        return "spinlock";
    case RC_LOCK_C11_MUTEX:
        return "mtx";
    }
    return "lock";
}

static int store_process(rc_store_t *st, int64_t run_id, const rc_eventlog_info_t *info,
                         int64_t *process_id, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO processes(run_id, pid, ppid, exe, exited, exit_status, "
                           "records, torn, dropped, execed)"
                           " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int(s, 2, info->pid);
    sqlite3_bind_int(s, 3, info->ppid);
    rc_db_bind_text(s, 4, info->exe);
    /* An image that exec'd a recorded image ended normally too: its process
     * goes on, as the exec'd image (whose ppid is this pid); so did one that
     * called _exit (with its status). */
    sqlite3_bind_int(s, 5, info->exited || info->replaced || info->quick_exit);
    sqlite3_bind_int(s, 6, info->exit_status);
    sqlite3_bind_int64(s, 7, (int64_t)info->nevents);
    sqlite3_bind_int64(s, 8, (int64_t)info->ntorn);
    sqlite3_bind_int64(s, 9, (int64_t)info->dropped);
    sqlite3_bind_int(s, 10, info->execed);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "insert process");
    *process_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

/* ---- ThreadSanitizer's helpers --------------------------------------------
 *
 * A program built with -fsanitize=thread runs the sanitizer's runtime in its
 * process, and the shim sees what the runtime does through the calls it
 * interposes: the runtime's background thread (created with the real
 * pthread_create, so the shim records it), and the symbolizer process it
 * starts to symbolise its reports (llvm-symbolizer, forked with a raw
 * system call and exec'd with the program's environment, LD_PRELOAD
 * included). Neither is the program's, and neither is stored:
 *
 *   helper               recognised by
 *   runtime thread       start routine in the runtime's C++ namespaces __tsan::
 *                        or __sanitizer:: (names reserved to the implementation;
 *                        __tsan_thread_start_func, which runs the program's own
 *                        threads, is not in them)
 *   symbolizer process   executable named llvm-symbolizer*, started by a process
 *                        whose log (same directory) has no FORK record for it:
 *                        no fork, _Fork, vfork or posix_spawn of the program
 *                        made it (system() would not either: a program that
 *                        runs llvm-symbolizer that way loses its process)
 */

/* Whether FN (a symbol, mangled or not) belongs to the sanitizer runtime. */
static int sanitizer_runtime(const char *fn)
{
    static const char *const prefixes[] = {"_ZN6__tsan", "_ZN11__sanitizer",
                                           "__tsan::", "__sanitizer::"};
    for (size_t i = 0; fn && i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(fn, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}

/* Whether the log at PATH (process INFO) is a symbolizer that a sanitizer
 * runtime started: see the table above. Reads the parent's logs, found in
 * the same directory as rc-<ppid>.log and rc-<ppid>-<n>.log; without any,
 * the process is kept. */
static int sanitizer_symbolizer(const char *path, const rc_eventlog_info_t *info)
{
    const char *base = info->exe ? strrchr(info->exe, '/') : NULL;
    base = base ? base + 1 : info->exe;
    if (!base || strncmp(base, "llvm-symbolizer", 15) != 0 || info->execed || info->ppid <= 0)
        return 0;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? rc_xasprintf("%.*s", (int)(slash - path), path) : rc_xstrdup(".");
    char *prefix = rc_xasprintf("rc-%d", info->ppid);
    size_t plen = strlen(prefix);
    int parents = 0, forked = 0;
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && !forked && (de = readdir(d)) != NULL) {
        const char *n = de->d_name, *rest = n + plen;
        size_t len = strlen(n);
        if (strncmp(n, prefix, plen) != 0 || len < plen + 4 || strcmp(n + len - 4, ".log") != 0)
            continue;
        if (rest[0] != '.' && (rest[0] != '-' || rest[1] < '0' || rest[1] > '9'))
            continue; /* rc-<ppid><digits>.log: another pid */
        char *p = rc_xasprintf("%s/%s", dir, n);
        rc_eventlog_t *log;
        rc_error_t err;
        if (rc_eventlog_open(p, &log, &err) == RC_OK) {
            parents++;
            rc_event_t ev;
            while (!forked && rc_eventlog_next(log, &ev))
                forked = ev.op == RC_EV_FORK && ev.arg == (uint64_t)info->pid;
            rc_eventlog_close(log);
        }
        free(p);
    }
    if (d)
        closedir(d);
    free(prefix);
    free(dir);
    return parents > 0 && !forked;
}

static int store_threads(rc_store_t *st, ingest_t *in, int64_t process_id, size_t *count,
                         rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO threads(process_id, tid, os_tid, parent_tid, start_routine,"
                           " create_file_id, create_line, started_ns, ended_ns, joined, detached,"
                           " locks_held_at_exit) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
                           &s, err);
    for (size_t i = 0; rc == RC_OK && i < in->nthr; i++) {
        thr_t *t = &in->thr[i];
        if (!t->seen && !t->created)
            continue;
        rc_loc_t routine, site;
        rc_ing_symbolize_exact(in, t->routine, &routine);
        if (i != 0 && sanitizer_runtime(routine.function)) {
            rc_loc_close(&routine);
            continue; /* ThreadSanitizer's own thread, not the program's */
        }
        rc_ing_symbolize(in, t->create_site, &site);
        int64_t file_id = 0;
        rc = rc_db_file_id(st, site.file, &file_id, err);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_int64(s, 1, process_id);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        sqlite3_bind_int64(s, 3, (int64_t)t->os_tid);
        if (t->created)
            sqlite3_bind_int64(s, 4, t->parent);
        rc_db_bind_text(s, 5, i == 0 ? "main" : routine.function);
        if (file_id)
            sqlite3_bind_int64(s, 6, file_id);
        sqlite3_bind_int(s, 7, (int)site.line);
        sqlite3_bind_int64(s, 8, (int64_t)t->start_ts);
        if (t->exited)
            sqlite3_bind_int64(s, 9, (int64_t)t->end_ts);
        sqlite3_bind_int(s, 10, t->joined);
        sqlite3_bind_int(s, 11, t->detached);
        sqlite3_bind_int64(s, 12, (int64_t)t->locks_at_exit);
        if (rc == RC_OK && sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "insert thread");
        rc_loc_close(&routine);
        rc_loc_close(&site);
        (*count)++;
    }
    sqlite3_finalize(s);
    return rc;
}

static int store_locks(rc_store_t *st, ingest_t *in, int64_t process_id, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO locks(process_id, addr, kind, name, first_file_id,"
                           " first_line, acquisitions, contended, wait_ns, max_wait_ns, hold_ns,"
                           " max_hold_ns, owner_changes)"
                           " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
                           &s, err);
    for (size_t i = 0; rc == RC_OK && i < in->nlocks; i++) {
        lk_t *l = &in->locks[i];
        rc_loc_t site;
        rc_ing_symbolize(in, l->first_site, &site);
        int64_t file_id = 0;
        rc = rc_db_file_id(st, site.file, &file_id, err);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_int64(s, 1, process_id);
        sqlite3_bind_int64(s, 2, (int64_t)l->addr);
        rc_db_bind_text(s, 3, kind_name(l->kind, hb_at(in, l->addr)->mtype));
        rc_db_bind_text(s, 4, l->name);
        if (file_id)
            sqlite3_bind_int64(s, 5, file_id);
        sqlite3_bind_int(s, 6, (int)site.line);
        sqlite3_bind_int64(s, 7, (int64_t)l->acquisitions);
        sqlite3_bind_int64(s, 8, (int64_t)l->contended);
        sqlite3_bind_int64(s, 9, (int64_t)l->wait_ns);
        sqlite3_bind_int64(s, 10, (int64_t)l->max_wait_ns);
        sqlite3_bind_int64(s, 11, (int64_t)l->hold_ns);
        sqlite3_bind_int64(s, 12, (int64_t)l->max_hold_ns);
        sqlite3_bind_int64(s, 13, (int64_t)l->owner_changes);
        if (rc == RC_OK && sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "insert lock");
        l->row_id = sqlite3_last_insert_rowid(st->db);
        rc_loc_close(&site);
    }
    sqlite3_finalize(s);
    return rc;
}

static int store_edges(rc_store_t *st, ingest_t *in, int64_t process_id, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO lock_edges(process_id, from_lock, to_lock, tid, held,"
                           " from_file_id, from_line, to_file_id, to_line, count, trylock)"
                           " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)",
                           &s, err);
    for (size_t i = 0; rc == RC_OK && i < in->nedges; i++) {
        edge_t *e = &in->edges[i];
        rc_loc_t from, to;
        rc_ing_symbolize(in, e->from_site, &from);
        rc_ing_symbolize(in, e->to_site, &to);
        int64_t from_file = 0, to_file = 0;
        rc = rc_db_file_id(st, from.file, &from_file, err);
        if (rc == RC_OK)
            rc = rc_db_file_id(st, to.file, &to_file, err);
        rc_strbuf_t held;
        rc_strbuf_init(&held);
        for (size_t j = 0; j < e->g.nheld; j++)
            rc_strbuf_appendf(&held, "%s%lld", j ? "," : "",
                              (long long)in->locks[e->g.held[j]].row_id);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_int64(s, 1, process_id);
        sqlite3_bind_int64(s, 2, in->locks[e->g.from].row_id);
        sqlite3_bind_int64(s, 3, in->locks[e->g.to].row_id);
        sqlite3_bind_int64(s, 4, e->g.tid);
        rc_db_bind_text(s, 5, held.s ? held.s : "");
        if (from_file)
            sqlite3_bind_int64(s, 6, from_file);
        sqlite3_bind_int(s, 7, (int)from.line);
        if (to_file)
            sqlite3_bind_int64(s, 8, to_file);
        sqlite3_bind_int(s, 9, (int)to.line);
        sqlite3_bind_int64(s, 10, (int64_t)e->count);
        sqlite3_bind_int(s, 11, e->g.trylock);
        if (rc == RC_OK && sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "insert lock edge");
        rc_strbuf_close(&held);
        rc_loc_close(&from);
        rc_loc_close(&to);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Appends EV to the trace chunk being packed; a full chunk is set aside
 * (in->chunks) for store_events. Sites written in full (new to the chunk)
 * are collected once each, to be symbolised for trace_sites. */
static void pack_event(ingest_t *in, const rc_event_t *ev)
{
    rc_evpack_t *p = &in->pack;
    if (p->n == RC_TRACE_CHUNK_EVENTS) {
        in->chunks = rc_xrealloc(in->chunks, (in->nchunks + 1) * sizeof *in->chunks);
        in->chunks[in->nchunks++] = (trace_chunk_t){p->buf, p->len, p->n, p->first_ts, p->ts};
        p->buf = NULL;
        p->len = p->cap = p->n = 0;
    }
    if (p->n == 0)
        rc_evpack_reset(p, ev->ts);
    if (rc_evpack_put(p, ev) && ev->site) {
        int inserted;
        rc_keymap_get_or_put(&in->trace_seen, ev->site, 0, 0, in->ntrace_sites, &inserted);
        if (inserted) {
            in->trace_sites =
                rc_xrealloc(in->trace_sites, (in->ntrace_sites + 1) * sizeof *in->trace_sites);
            in->trace_sites[in->ntrace_sites++] = ev->site;
        }
    }
}

/* Stores the packed events (trace_chunks) and each distinct call site,
 * symbolised once (trace_sites), for the timeline of --trace runs. Locks
 * are not named in the chunks: a reader finds an event's lock by (process,
 * obj) in `locks`, which has a row for every object a lock record names. */
static int store_events(rc_store_t *st, ingest_t *in, int64_t process_id, rc_error_t *err)
{
    if (in->pack.n) {
        rc_evpack_t *p = &in->pack;
        in->chunks = rc_xrealloc(in->chunks, (in->nchunks + 1) * sizeof *in->chunks);
        in->chunks[in->nchunks++] = (trace_chunk_t){p->buf, p->len, p->n, p->first_ts, p->ts};
        p->buf = NULL;
        p->len = p->cap = p->n = 0;
    }
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO trace_chunks(process_id, seq, first_ts, last_ts, nevents,"
                           " data) VALUES (?1,?2,?3,?4,?5,?6)",
                           &s, err);
    for (size_t i = 0; rc == RC_OK && i < in->nchunks; i++) {
        const trace_chunk_t *c = &in->chunks[i];
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, process_id);
        sqlite3_bind_int64(s, 2, (int64_t)i);
        sqlite3_bind_int64(s, 3, (int64_t)c->first_ts);
        sqlite3_bind_int64(s, 4, (int64_t)c->last_ts);
        sqlite3_bind_int64(s, 5, (int64_t)c->n);
        sqlite3_bind_blob64(s, 6, c->data, c->len, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "insert trace chunk");
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == RC_OK)
        rc = rc_db_prepare(st,
                           "INSERT INTO trace_sites(process_id, site, file_id, line)"
                           " VALUES (?1,?2,?3,?4)",
                           &s, err);
    for (size_t i = 0; rc == RC_OK && i < in->ntrace_sites; i++) {
        rc_loc_t loc;
        rc_ing_symbolize(in, in->trace_sites[i], &loc);
        int64_t file_id = 0;
        rc = rc_db_file_id(st, loc.file, &file_id, err);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_int64(s, 1, process_id);
        sqlite3_bind_int64(s, 2, (int64_t)in->trace_sites[i]);
        if (file_id)
            sqlite3_bind_int64(s, 3, file_id);
        if (loc.file)
            sqlite3_bind_int(s, 4, (int)loc.line);
        if (rc == RC_OK && sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "insert trace site");
        rc_loc_close(&loc);
    }
    sqlite3_finalize(s);
    return rc;
}

static void ingest_close(ingest_t *in)
{
    rc_misuse_close(in);
    for (size_t i = 0; i < in->nthr; i++) {
        free(in->thr[i].held);
        free(in->thr[i].vc);
    }
    free(in->thr);
    for (size_t i = 0; i < in->nlocks; i++)
        free(in->locks[i].name);
    free(in->locks);
    for (size_t i = 0; i < in->nedges; i++) {
        free(in->edges[i].g.held);
        free(in->edges[i].vc);
    }
    free(in->edges);
    free(in->dl);
    for (size_t i = 0; i < in->nhb; i++)
        free(in->hb[i].vc);
    free(in->hb);
    rc_keymap_close(&in->hbmap);
    rc_keymap_close(&in->lockmap);
    rc_keymap_close(&in->edgemap);
    for (size_t i = 0; i < in->nchunks; i++)
        free(in->chunks[i].data);
    free(in->chunks);
    rc_evpack_close(&in->pack);
    rc_keymap_close(&in->trace_seen);
    free(in->trace_sites);
}

/* 1 when the log at path starts with a header that is all zero: the shim
 * created and sized the file, then the process ended (killed, or a sanitizer
 * abort) before the header was written. */
static int never_started(const char *path)
{
    unsigned char head[sizeof(rc_log_header_t)];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n != sizeof head)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (head[i])
            return 0;
    return 1;
}

int rc_store_ingest_shim_log(rc_store_t *st, int64_t run_id, const char *log_path,
                             rc_ingest_stats_t *stats, rc_error_t *err)
{
    ingest_t in;
    memset(&in, 0, sizeof in);
    if (never_started(log_path)) {
        if (stats)
            stats->unstarted++;
        return RC_OK;
    }
    int rc = rc_eventlog_open(log_path, &in.log, err);
    if (rc)
        return rc;
    const rc_eventlog_info_t *info = rc_eventlog_info(in.log);
    if (sanitizer_symbolizer(log_path, info)) {
        rc_eventlog_close(in.log);
        return RC_OK;
    }
    in.deadlocked = info->deadlocked;
    in.deadlock_ms = info->deadlock_ms;
    in.keep_events = st->keep_events;
    replay(&in);
    merge_stats(&in);
    for (size_t i = 0; i < in.nlocks; i++)
        in.locks[i].name = object_name(&in, in.locks[i].addr);

    rc_lg_edge_t *g = rc_xcalloc(in.nedges ? in.nedges : 1, sizeof *g);
    for (size_t i = 0; i < in.nedges; i++)
        g[i] = in.edges[i].g;
    rc_lg_cycle_t *cycles;
    size_t ncycles;
    int truncated;
    rc_lg_find_cycles(in.nlocks, g, in.nedges, &cycles, &ncycles, &truncated);
    rc_findings_t found = {0};
    for (size_t i = 0; i < ncycles; i++)
        cycle_finding(&in, &cycles[i], &found);
    rc_lg_cycles_free(cycles, ncycles);
    free(g);
    in.exited = info->exited;
    in.incomplete = info->dropped > 0;
    rc_misuse_findings(&in, &found);

    int64_t process_id = 0;
    size_t nthreads = 0;
    rc = rc_db_begin(st, err);
    if (rc == RC_OK)
        rc = store_process(st, run_id, info, &process_id, err);
    if (rc == RC_OK)
        rc = store_threads(st, &in, process_id, &nthreads, err);
    if (rc == RC_OK)
        rc = store_locks(st, &in, process_id, err);
    if (rc == RC_OK)
        rc = store_edges(st, &in, process_id, err);
    if (rc == RC_OK && st->keep_events)
        rc = store_events(st, &in, process_id, err);
    if (rc == RC_OK)
        rc = rc_db_insert_findings(st, run_id, &found, err);
    if (rc == RC_OK)
        rc = rc_db_commit(st, err);
    else
        rc_db_rollback(st);
    if (rc == RC_OK && stats) {
        stats->processes++;
        stats->threads += nthreads;
        stats->locks += in.nlocks;
        stats->edges += in.nedges;
        stats->events += info->nevents;
        stats->torn += info->ntorn;
        stats->dropped += info->dropped;
        stats->findings += found.n;
        stats->cycles_truncated |= truncated;
    }
    rc_findings_close(&found);
    ingest_close(&in);
    rc_eventlog_close(in.log);
    return rc;
}
