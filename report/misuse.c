/*
 * misuse.c - threading API misuse seen in a shim log, judged on the events
 * before ingest_shim.c applies them (so "held" means held just before).
 *
 *   rule                       when
 *   lock.unlock-not-held       an unlock failed (EPERM), or released a lock the thread did not
 *                              hold (held by another thread, or by none)
 *   lock.double-lock           a thread blocked on an exclusive lock it already held and the
 *                              wait never returned (self-deadlock), or an error-checking mutex
 *                              said EDEADLK
 *   lock.destroy-locked        destroy returned EBUSY, or the lock was held when destroyed
 *   cond.wait-unheld-mutex     a condition wait with a mutex the thread did not hold
 *   cond.mixed-mutexes         one condition variable waited on with two different mutexes
 *   cond.destroy-waited        a condition variable destroyed while a thread is blocked in a
 *                              wait on it: its COND_WAIT not yet answered by COND_WOKEN when
 *                              COND_DESTROY (written before the real destroy) was stamped, and
 *                              not woken by a signal or broadcast since (counted per variable:
 *                              destroying right after waking the waiters is allowed)
 *   thread.exit-holding-lock   a thread (not the process) ended while holding locks
 *   thread.leak                a thread created by the program, never joined nor detached
 *   thread.join-detached       a join that failed (JOIN_FAILED) of a handle whose last detach
 *                              (pthread_detach, thrd_detach, or created detached) no
 *                              successful join of the handle followed: the shim forgets a
 *                              thread at its detach, so the failed join names no thread of
 *                              its own, or the detached one
 *   proc.mutex-not-pshared     pthread_mutex_init (or pthread_cond/rwlock/barrier_init)
 *                              without PTHREAD_PROCESS_SHARED on an object in a MAP_SHARED
 *                              region (mmap, shmat) another process can see: one backed by a
 *                              file, a shm_open object or a System V segment, or an anonymous
 *                              one a child was forked with (before or after the init)
 *   signal.lock-in-handler     a signal handler waited for (or, recursive mutex, re-entered)
 *                              a lock that the code it interrupted holds: with a non-recursive
 *                              lock the handler can never get it (reported instead of
 *                              lock.double-lock)
 *   signal.lock-shared-with-   a signal handler acquired a lock (not by a trylock) that is
 *          handler             also acquired outside signal handlers, and no run showed the
 *                              self-deadlock above: the handler deadlocks the day the signal
 *                              arrives while its thread holds that lock. Signal masks are not
 *                              recorded, so a program that blocks the signal around every
 *                              outside acquisition is reported too (suppress it there)
 *
 * Each misuse is one finding per (rule, call site, object), with a count.
 * Threads created by code without debug information (a runtime library's
 * helper threads) are not the program's and are not reported as leaks, nor
 * are threads of a process that did not exit normally (killed, crashed).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_int.h"

static uint64_t rule_key(const char *rule)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *rule; rule++)
        h = (h ^ (unsigned char)*rule) * 1099511628211ULL;
    return h;
}

static int holds(const thr_t *t, size_t l)
{
    for (size_t i = 0; i < t->nheld; i++)
        if (t->held[i].lock == l)
            return 1;
    return 0;
}

/* Another thread holding lock L, or -1. */
static int64_t holder(ingest_t *in, size_t l, uint32_t except)
{
    for (size_t i = 0; i < in->nthr; i++)
        if (i != except && holds(&in->thr[i], l))
            return (int64_t)i;
    return -1;
}

/* Where thread TID acquired lock L (if it holds it), 0 otherwise. */
static uint64_t hold_site(ingest_t *in, int64_t tid, size_t l)
{
    if (tid < 0 || (size_t)tid >= in->nthr)
        return 0;
    const thr_t *t = &in->thr[tid];
    for (size_t i = 0; i < t->nheld; i++)
        if (t->held[i].lock == l)
            return t->held[i].site;
    return 0;
}

/* Records a misuse at SITE of thread TID, merged with earlier ones of the
 * same rule, site, object and detail. HELD_BY (or -1) held lock L then. */
static misuse_t *note(ingest_t *in, const char *rule, uint64_t site, uint32_t tid, uint64_t obj,
                      uint64_t aux, int64_t held_by, size_t l)
{
    int inserted;
    size_t idx =
        rc_keymap_get_or_put(&in->mismap, rule_key(rule) ^ site, obj, aux, in->nmis, &inserted);
    if (!inserted) {
        in->mis[idx].count++;
        return &in->mis[idx];
    }
    if (in->nmis == in->capm) {
        in->capm = in->capm ? in->capm * 2 : 8;
        in->mis = rc_xrealloc(in->mis, in->capm * sizeof *in->mis);
    }
    misuse_t *m = &in->mis[in->nmis++];
    *m = (misuse_t){.rule = rule,
                    .site = site,
                    .obj = obj,
                    .tid = tid,
                    .other = held_by,
                    .aux = aux,
                    .held_by = held_by,
                    .held_site = hold_site(in, held_by, l),
                    .count = 1};
    return m;
}

static int exclusive(int kind)
{
    return kind != RC_LOCK_RWLOCK_READ;
}

/* Whether T runs a signal handler that interrupted code holding lock L. */
static int interrupted_holds(const thr_t *t, size_t l)
{
    if (!t->sig_depth)
        return 0;
    size_t base = t->sig_base[(t->sig_depth < RC_SIG_NEST ? t->sig_depth : RC_SIG_NEST) - 1];
    for (size_t i = 0; i < base && i < t->nheld; i++)
        if (t->held[i].lock == l)
            return 1;
    return 0;
}

/* The signal of T's innermost handler (0 past RC_SIG_NEST). */
static int current_signal(const thr_t *t)
{
    return t->sig_depth && t->sig_depth <= RC_SIG_NEST ? t->sig_no[t->sig_depth - 1] : 0;
}

/* An acquisition or a wait of lock L by T at SITE: remembers the first one
 * inside a handler (a trylock there cannot deadlock and is left out) and the
 * first one outside handlers; reports a handler that takes what the code it
 * interrupted holds. AUX: 0 for a wait, 1 for an acquisition without one. */
static void signal_lock_use(ingest_t *in, const rc_event_t *ev, size_t l, uint64_t aux)
{
    thr_t *t = rc_ing_thread_at(in, ev->tid);
    lk_t *lk = &in->locks[l];
    if (ev->flags & RC_LOCK_INHERITED)
        return;
    if (!t->sig_depth) {
        if (ev->op == RC_EV_LOCK_ACQUIRED)
            rc_misuse_unrecorded(in, l, ev->site, ev->ts);
        return;
    }
    if (ev->flags & RC_LOCK_TRY)
        return;
    if (!lk->handler_site) {
        lk->handler_site = ev->site;
        lk->handler_tid = ev->tid;
        lk->handler_sig = current_signal(t);
    }
    if (interrupted_holds(t, l)) {
        lk->self_deadlock = 1;
        note(in, "signal.lock-in-handler", ev->site, ev->tid, ev->obj, aux, ev->tid, l)->other =
            current_signal(t);
    }
}

void rc_misuse_unrecorded(ingest_t *in, size_t l, uint64_t site, uint64_t ts)
{
    lk_t *lk = &in->locks[l];
    if (!lk->outside_seen || ts < lk->outside_ts) {
        lk->outside_seen = 1;
        lk->outside_site = site;
        lk->outside_ts = ts;
    }
}

/* The state of condition variable COND, made on first use when CREATE,
 * else NULL when it was never waited on. */
static cond_use_t *cond_at(ingest_t *in, uint64_t cond, int create)
{
    size_t idx;
    if (rc_keymap_find(&in->condmap, cond, 0, 0, &idx))
        return &in->conds[idx];
    if (!create)
        return NULL;
    rc_keymap_get_or_put(&in->condmap, cond, 0, 0, in->nconds, NULL);
    in->conds = rc_xrealloc(in->conds, (in->nconds + 1) * sizeof *in->conds);
    in->conds[in->nconds] = (cond_use_t){.cond = cond};
    return &in->conds[in->nconds++];
}

/* T's condition wait is over (COND_WOKEN with FLAGS, or the thread ended).
 * A wake-up that was not a time-out, a cancellation or an error used up a
 * signal; the others leave at most as many woken waiters as waiters. */
static void cond_leave(ingest_t *in, thr_t *t, unsigned flags)
{
    cond_use_t *c = t->cond_obj ? cond_at(in, t->cond_obj, 0) : NULL;
    if (c && c->waiting) {
        c->waiting--;
        if (!(flags & (RC_WOKEN_TIMEOUT | RC_WOKEN_CANCELED | RC_WOKEN_ERROR)) && c->awake)
            c->awake--;
        if (c->awake > c->waiting)
            c->awake = c->waiting;
    }
    t->cond_obj = t->cond_site = 0;
}

/* COND_DESTROY: the threads then still blocked in a wait on the condition
 * variable, not counting those a signal or broadcast woke already (POSIX
 * allows destroying a condition variable as soon as its waiters are woken;
 * glibc's destroy waits for them to leave). A waiter is named in the
 * finding (held_by, held_site: its wait; when some were woken, which ones
 * is not known), other is the number still blocked. The destroy ends the
 * variable's binding to its mutex. */
static void cond_destroyed(ingest_t *in, const rc_event_t *ev)
{
    cond_use_t *c = cond_at(in, ev->obj, 0);
    if (!c)
        return;
    c->mutex = c->site = 0;
    if (c->waiting <= c->awake)
        return;
    int64_t first = -1;
    for (size_t i = 0; i < in->nthr && first < 0; i++)
        if (i != ev->tid && in->thr[i].cond_obj == ev->obj)
            first = (int64_t)i;
    if (first < 0)
        return;
    misuse_t *m = note(in, "cond.destroy-waited", ev->site, ev->tid, ev->obj, 0, -1, 0);
    if (m->count == 1) {
        m->held_by = first;
        m->held_site = in->thr[first].cond_site;
        m->other = (int64_t)(c->waiting - c->awake);
    }
}

/* Detaches, joins and failed joins of thread handles (thread.join-detached).
 * A detach is remembered by handle until a join of the handle succeeds; a
 * failed join of a handle so remembered, when the shim knew no other thread
 * by it (arg: the tid it knew, ~0 for none), joined a detached thread. */
static void join_event(ingest_t *in, const rc_event_t *ev)
{
    size_t idx;
    if (ev->op == RC_EV_THREAD_DETACH) {
        int inserted;
        idx = rc_keymap_get_or_put(&in->detachmap, ev->obj, 0, 0, in->ndetaches, &inserted);
        if (inserted)
            in->detaches = rc_xrealloc(in->detaches, ++in->ndetaches * sizeof *in->detaches);
    } else if (!rc_keymap_find(&in->detachmap, ev->obj, 0, 0, &idx)) {
        return; /* a handle never detached */
    }
    detach_t *d = &in->detaches[idx];
    switch (ev->op) {
    case RC_EV_THREAD_DETACH:
        *d = (detach_t){ev->obj, ev->site, ev->arg, ev->tid, ev->flags, 1};
        break;
    case RC_EV_THREAD_JOIN:
        d->live = 0; /* the handle names a joinable thread now */
        break;
    default: { /* JOIN_FAILED */
        if (!d->live || (ev->arg <= UINT32_MAX && ev->arg != d->tid))
            break;
        uint64_t routine = d->tid <= UINT32_MAX && d->tid < in->nthr ? in->thr[d->tid].routine : 0;
        misuse_t *m =
            note(in, "thread.join-detached", ev->site, ev->tid, routine, ev->flags, -1, 0);
        if (m->count == 1) {
            m->held_by = d->by;
            m->held_site = d->site;
            m->other = d->tid <= UINT32_MAX ? (int64_t)d->tid : -1;
            m->detail = d->flags;
        }
        break;
    }
    }
}

void rc_misuse_event(ingest_t *in, const rc_event_t *ev)
{
    thr_t *t = rc_ing_thread_at(in, ev->tid);
    int kind = RC_LOCK_KIND(ev->flags);
    size_t l = 0;
    switch (ev->op) {
    case RC_EV_LOCK_RELEASED:
        l = rc_ing_lock_at(in, ev->obj, kind, ev->site);
        t = rc_ing_thread_at(in, ev->tid);
        if ((ev->flags & RC_LOCK_ERROR) || !holds(t, l))
            note(in, "lock.unlock-not-held", ev->site, ev->tid, ev->obj,
                 (ev->flags & RC_LOCK_ERROR) ? ev->arg : 0, holder(in, l, ev->tid), l);
        break;
    case RC_EV_LOCK_WAIT:
        l = rc_ing_lock_at(in, ev->obj, kind, ev->site);
        t = rc_ing_thread_at(in, ev->tid);
        if (interrupted_holds(t, l))
            signal_lock_use(in, ev, l, 0); /* not a double lock: the handler's self-deadlock */
        else if (exclusive(kind) && holds(t, l) && !(ev->flags & RC_LOCK_TIMED))
            note(in, "lock.double-lock", ev->site, ev->tid, ev->obj, 0, ev->tid, l)->pending = 1;
        else
            signal_lock_use(in, ev, l, 0);
        break;
    case RC_EV_LOCK_ACQUIRED:
        /* After a wait, the wait was the use (and its edges). */
        l = rc_ing_lock_at(in, ev->obj, kind, ev->site);
        t = rc_ing_thread_at(in, ev->tid);
        if (t->waiting != (int64_t)l)
            signal_lock_use(in, ev, l, 1);
        else if (!t->sig_depth)
            rc_misuse_unrecorded(in, l, ev->site, ev->ts);
        /* fall through */
    case RC_EV_LOCK_TRY_FAILED:
        /* The wait returned (a recursive mutex got the lock, an error-checking
         * one refused it): not a self-deadlock. */
        for (size_t i = 0; i < in->nmis; i++) {
            misuse_t *m = &in->mis[i];
            if (m->pending && m->obj == ev->obj && m->tid == ev->tid) {
                m->pending = 0;
                m->cancelled = 1;
            }
        }
        if (ev->op == RC_EV_LOCK_TRY_FAILED && ev->arg == EDEADLK) {
            l = rc_ing_lock_at(in, ev->obj, kind, ev->site);
            note(in, "lock.double-lock", ev->site, ev->tid, ev->obj, EDEADLK, ev->tid, l);
        }
        break;
    case RC_EV_LOCK_DESTROY: {
        l = rc_ing_lock_at(in, ev->obj, kind, ev->site);
        int64_t h = holder(in, l, UINT32_MAX);
        if (ev->arg == EBUSY || h >= 0)
            note(in, "lock.destroy-locked", ev->site, ev->tid, ev->obj, ev->arg, h, l);
        break;
    }
    case RC_EV_COND_WAIT: {
        l = rc_ing_lock_at(in, ev->arg, RC_LOCK_MUTEX, ev->site);
        t = rc_ing_thread_at(in, ev->tid);
        if (!holds(t, l))
            note(in, "cond.wait-unheld-mutex", ev->site, ev->tid, ev->obj, ev->arg, -1, l);
        if (t->cond_obj) /* an earlier wait whose end is not in the log */
            cond_leave(in, t, RC_WOKEN_ERROR);
        cond_use_t *c = cond_at(in, ev->obj, 1);
        if (!c->mutex) {
            c->mutex = ev->arg;
            c->site = ev->site;
        } else if (c->mutex != ev->arg) {
            misuse_t *m =
                note(in, "cond.mixed-mutexes", ev->site, ev->tid, ev->obj, ev->arg, -1, l);
            m->other = (int64_t)c->site; /* where the first mutex was used */
        }
        c->waiting++;
        t->cond_obj = ev->obj;
        t->cond_site = ev->site;
        break;
    }
    case RC_EV_COND_WOKEN:
        if (t->cond_obj == ev->obj)
            cond_leave(in, t, ev->flags);
        break;
    case RC_EV_COND_SIGNAL: {
        cond_use_t *c = cond_at(in, ev->obj, 0);
        if (c && (ev->flags & 1)) /* a broadcast wakes every waiter */
            c->awake = c->waiting;
        else if (c && c->awake < c->waiting)
            c->awake++;
        break;
    }
    case RC_EV_COND_DESTROY:
        cond_destroyed(in, ev);
        break;
    case RC_EV_THREAD_DETACH:
    case RC_EV_THREAD_JOIN:
    case RC_EV_JOIN_FAILED:
        join_event(in, ev);
        break;
    case RC_EV_MAP_SHARED:
        in->maps = rc_xrealloc(in->maps, (in->nmaps + 1) * sizeof *in->maps);
        in->maps[in->nmaps++] = (shmap_t){
            .addr = ev->obj, .len = ev->arg, .site = ev->site, .flags = ev->flags, .live = 1};
        break;
    case RC_EV_UNMAP:
        for (size_t i = 0; i < in->nmaps; i++)
            if (in->maps[i].live && ev->obj < in->maps[i].addr + in->maps[i].len &&
                in->maps[i].addr < ev->obj + ev->arg)
                in->maps[i].live = 0;
        break;
    case RC_EV_FORK:
        for (size_t i = 0; i < in->nmaps; i++)
            if (in->maps[i].live)
                in->maps[i].forked = 1;
        break;
    case RC_EV_LOCK_INIT:
    case RC_EV_SYNC_INIT:
        if ((ev->op == RC_EV_LOCK_INIT && RC_LOCK_KIND(ev->flags) != RC_LOCK_MUTEX) ||
            (ev->arg & RC_MUTEX_PSHARED))
            break;
        for (size_t i = in->nmaps; i-- > 0;) {
            if (in->maps[i].live && ev->obj >= in->maps[i].addr &&
                ev->obj < in->maps[i].addr + in->maps[i].len) {
                /* other: 0 for a mutex, else the RC_SYNC_* kind. */
                note(in, "proc.mutex-not-pshared", ev->site, ev->tid, ev->obj, i, -1, 0)->other =
                    ev->op == RC_EV_SYNC_INIT ? ev->flags : 0;
                break;
            }
        }
        break;
    case RC_EV_SIGNAL_ENTER:
        if (t->sig_depth < RC_SIG_NEST) {
            t->sig_base[t->sig_depth] = t->nheld;
            t->sig_no[t->sig_depth] = (int)ev->arg;
        }
        t->sig_depth++;
        break;
    case RC_EV_SIGNAL_EXIT:
        if (t->sig_depth)
            t->sig_depth--;
        break;
    case RC_EV_THREAD_EXIT:
        cond_leave(in, t, RC_WOKEN_CANCELED); /* (a wait it never returned from is over) */
        /* Reported where the first lock still held was taken: that is the
         * acquisition without a release on this exit path. */
        if (ev->arg > 0 && !(ev->flags & RC_EXIT_PROCESS) && t->nheld > 0)
            note(in, "thread.exit-holding-lock", t->held[0].site, ev->tid,
                 in->locks[t->held[0].lock].addr, ev->arg, -1, 0)
                ->other = (int64_t)t->held[0].lock;
        break;
    default:
        break;
    }
}

/* "'ready'" for an object with a symbol (a global), else "a condition
 * variable". The caller frees. */
static char *object_words(ingest_t *in, uint64_t addr)
{
    rc_loc_t loc;
    rc_ing_symbolize_exact(in, addr, &loc);
    char *s =
        loc.function ? rc_xasprintf("'%s'", loc.function) : rc_xstrdup("a condition variable");
    rc_loc_close(&loc);
    return s;
}

/* "EINVAL" and the like for the errors a join returns. Static strings. */
static const char *errno_name(int e)
{
    const char *name = strerrorname_np(e);
    return name ? name : "an error";
}

/* "a signal handler (SIGUSR1)", or without the name for 0 or an unknown
 * signal number. The caller frees. */
static char *handler_words(int sig)
{
    const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;
    return abbrev ? rc_xasprintf("a signal handler (SIG%s)", abbrev)
                  : rc_xstrdup("a signal handler");
}

static void push(ingest_t *in, rc_findings_t *out, const misuse_t *m, rc_severity_t sev,
                 char *message, char *subject, const rc_loc_t *at)
{
    rc_finding_t *f = rc_findings_push(out);
    f->rule = rc_xstrdup(m->rule);
    f->source = RC_SRC_SHIM;
    f->severity = sev;
    f->message = m->count > 1
                     ? rc_xasprintf("%s (%llu times)", message, (unsigned long long)m->count)
                     : rc_xstrdup(message);
    f->subject = subject;
    rc_loc_set(&f->loc, at->file, at->line, at->col, at->function, NULL);
    char *who = rc_ing_thread_label(in, m->tid);
    rc_loc_set_thread(&f->loc, who);
    free(who);
    free(message);
}

/* Adds the related location where the lock involved was held from. */
static void add_hold_site(ingest_t *in, rc_finding_t *f, const misuse_t *m, const char *what)
{
    if (!m->held_site || m->held_by < 0)
        return;
    rc_loc_t at;
    rc_ing_symbolize(in, m->held_site, &at);
    char *who = rc_ing_thread_label(in, (uint32_t)m->held_by);
    char *n = rc_xasprintf("%s %s here", who, what);
    rc_loc_set_thread(rc_finding_add_related(f, at.file, at.line, at.col, at.function, n), who);
    free(who);
    free(n);
    rc_loc_close(&at);
}

static void misuse_finding(ingest_t *in, const misuse_t *m, rc_findings_t *out)
{
    rc_loc_t at;
    rc_ing_symbolize(in, m->site, &at);
    /* cond.* name a condition variable, proc.* any synchronisation object,
     * thread.join-detached a start routine: not locks of the process (none
     * is made up for them). */
    int on_lock = strncmp(m->rule, "cond.", 5) != 0 && strncmp(m->rule, "proc.", 5) != 0 &&
                  strcmp(m->rule, "thread.join-detached") != 0;
    size_t l = on_lock ? rc_ing_lock_at(in, m->obj, 0, 0) : 0;
    char *lock = on_lock ? rc_ing_lock_label(in, l) : NULL;
    char *who = rc_ing_thread_label(in, m->tid);
    if (strcmp(m->rule, "lock.unlock-not-held") == 0) {
        char *other = m->other >= 0 ? rc_ing_thread_label(in, (uint32_t)m->other) : NULL;
        char *msg = rc_xasprintf("%s unlocks %s, which %s%s%s", who, lock,
                                 other ? "is held by " : "it does not hold", other ? other : "",
                                 m->aux == EPERM ? " (the unlock failed: EPERM)" : "");
        push(in, out, m, RC_SEV_ERROR, msg, rc_xstrdup(lock), &at);
        add_hold_site(in, &out->v[out->n - 1], m, "acquired it");
        free(other);
    } else if (strcmp(m->rule, "lock.double-lock") == 0) {
        char *msg = m->aux == EDEADLK
                        ? rc_xasprintf("%s locks %s again while holding it (the error-checking "
                                       "mutex returned EDEADLK)",
                                       who, lock)
                        : rc_xasprintf("%s waits for %s, which it already holds: it can never "
                                       "get it (self-deadlock)",
                                       who, lock);
        push(in, out, m, RC_SEV_ERROR, msg, rc_xstrdup(lock), &at);
        add_hold_site(in, &out->v[out->n - 1], m, "first acquired it");
    } else if (strcmp(m->rule, "lock.destroy-locked") == 0) {
        char *other = m->other >= 0 ? rc_ing_thread_label(in, (uint32_t)m->other) : NULL;
        char *msg = rc_xasprintf("%s destroys %s while it is locked%s%s", who, lock,
                                 other ? " by " : "", other ? other : "");
        push(in, out, m, RC_SEV_ERROR, msg, rc_xstrdup(lock), &at);
        add_hold_site(in, &out->v[out->n - 1], m, "acquired it");
        free(other);
    } else if (strcmp(m->rule, "cond.wait-unheld-mutex") == 0) {
        char *mutex = rc_ing_lock_label(in, rc_ing_lock_at(in, m->aux, RC_LOCK_MUTEX, 0));
        char *msg = rc_xasprintf("%s waits on a condition variable with %s, which it does not "
                                 "hold: a wake-up can be lost",
                                 who, mutex);
        push(in, out, m, RC_SEV_ERROR, msg, mutex, &at);
    } else if (strcmp(m->rule, "cond.mixed-mutexes") == 0) {
        char *mutex = rc_ing_lock_label(in, rc_ing_lock_at(in, m->aux, RC_LOCK_MUTEX, 0));
        char *msg = rc_xasprintf("%s waits on a condition variable with %s, but it was waited "
                                 "on with another mutex before",
                                 who, mutex);
        push(in, out, m, RC_SEV_ERROR, msg, mutex, &at);
        rc_loc_t first;
        rc_ing_symbolize(in, (uint64_t)m->other, &first);
        rc_finding_add_related(&out->v[out->n - 1], first.file, first.line, first.col,
                               first.function, "first waited on with another mutex here");
        rc_loc_close(&first);
    } else if (strcmp(m->rule, "cond.destroy-waited") == 0) {
        char *name = object_words(in, m->obj);
        char *waiter = rc_ing_thread_label(in, (uint32_t)m->held_by);
        char *others = m->other > 1 ? rc_xasprintf(" (and %lld other thread%s)",
                                                   (long long)m->other - 1, m->other > 2 ? "s" : "")
                                    : rc_xstrdup("");
        char *msg = rc_xasprintf("%s destroys %s while %s%s waits on it: undefined behaviour "
                                 "(glibc's destroy blocks until the waiter leaves its wait, "
                                 "forever if nobody wakes it; other implementations free "
                                 "what the waiter still uses)",
                                 who, name, waiter, others);
        push(in, out, m, RC_SEV_ERROR, msg, name, &at);
        add_hold_site(in, &out->v[out->n - 1], m, "waits on it");
        free(waiter);
        free(others);
    } else if (strcmp(m->rule, "thread.join-detached") == 0) {
        char *target =
            m->other >= 0 ? rc_ing_thread_label(in, (uint32_t)m->other) : rc_xstrdup("a thread");
        const char *how = (m->detail & RC_DETACH_CREATED) ? "created detached" : "detached";
        char *msg = rc_xasprintf("%s joins %s, which was %s: a detached thread cannot be "
                                 "joined (undefined behaviour; the join failed: %s)",
                                 who, target, how, errno_name((int)m->aux));
        rc_loc_t routine;
        rc_ing_symbolize_exact(in, m->obj, &routine);
        push(in, out, m, RC_SEV_ERROR, msg,
             rc_xstrdup(routine.function ? routine.function : "detached thread"), &at);
        rc_loc_close(&routine);
        add_hold_site(in, &out->v[out->n - 1], m,
                      (m->detail & RC_DETACH_CREATED) ? "created it detached" : "detached it");
        free(target);
    } else if (strcmp(m->rule, "thread.exit-holding-lock") == 0) {
        char *first = rc_ing_lock_label(in, (size_t)m->other);
        char *msg = rc_xasprintf("%s acquires %s here and ends still holding %llu lock%s "
                                 "(%s%s); threads waiting for %s wait forever",
                                 who, first, (unsigned long long)m->aux, m->aux == 1 ? "" : "s",
                                 first, m->aux > 1 ? ", ..." : "", m->aux == 1 ? "it" : "them");
        push(in, out, m, RC_SEV_WARNING, msg, first, &at);
    } else if (strcmp(m->rule, "proc.mutex-not-pshared") == 0) {
        const shmap_t *map = &in->maps[m->aux];
        const char *how = (map->flags & RC_MAP_SHM) ? "a System V shared memory segment"
                          : (map->flags & RC_MAP_ANON)
                              ? "a MAP_SHARED anonymous mapping that a forked child shares"
                              : "a MAP_SHARED mapping of a file or shared memory object";
        /* Named by its offset in the region: its address changes from run to run. */
        unsigned long long off = (unsigned long long)(m->obj - map->addr);
        const char *what = m->other == RC_SYNC_COND      ? "condition variable"
                           : m->other == RC_SYNC_RWLOCK  ? "read-write lock"
                           : m->other == RC_SYNC_BARRIER ? "barrier"
                                                         : "mutex";
        char *msg = rc_xasprintf("%s initialises a %s (at offset %llu) in %s without "
                                 "PTHREAD_PROCESS_SHARED: it then only works between threads "
                                 "of one process, so using it from the other processes is "
                                 "undefined (lost wake-ups, hangs)",
                                 who, what, off, how);
        push(in, out, m, RC_SEV_ERROR, msg, rc_xasprintf("%s at shared offset %llu", what, off),
             &at);
        rc_loc_t mapped;
        rc_ing_symbolize(in, map->site, &mapped);
        rc_finding_add_related(&out->v[out->n - 1], mapped.file, mapped.line, mapped.col,
                               mapped.function, "the shared memory was mapped here");
        rc_loc_close(&mapped);
    } else if (strcmp(m->rule, "signal.lock-in-handler") == 0) {
        char *handler = handler_words((int)m->other);
        char *msg = m->aux ? rc_xasprintf("%s in %s acquires %s again, which the code it "
                                          "interrupted holds: the handler runs inside that "
                                          "critical section",
                                          handler, who, lock)
                           : rc_xasprintf("%s in %s waits for %s, which the code it interrupted "
                                          "holds: the handler can never get it (self-deadlock)",
                                          handler, who, lock);
        free(handler);
        push(in, out, m, RC_SEV_ERROR, msg, rc_xstrdup(lock), &at);
        add_hold_site(in, &out->v[out->n - 1], m, "took it");
    }
    free(lock);
    free(who);
    rc_loc_close(&at);
}

/* Threads never joined nor detached, one finding per creation site. */
static void leak_findings(ingest_t *in, rc_findings_t *out)
{
    char *done = rc_xcalloc(in->nthr ? in->nthr : 1, 1);
    for (size_t i = 0; i < in->nthr; i++) {
        const thr_t *t = &in->thr[i];
        if (done[i] || !t->created || t->joined || t->detached)
            continue;
        rc_loc_t at;
        rc_ing_symbolize(in, t->create_site, &at);
        if (!at.file) { /* created by code without debug info: a runtime's own thread */
            rc_loc_close(&at);
            continue;
        }
        size_t n = 0;
        for (size_t j = i; j < in->nthr; j++) {
            if (in->thr[j].created && !in->thr[j].joined && !in->thr[j].detached &&
                in->thr[j].create_site == t->create_site) {
                done[j] = 1;
                n++;
            }
        }
        char *who = rc_ing_thread_label(in, (uint32_t)i);
        rc_finding_t *f = rc_findings_push(out);
        f->rule = rc_xstrdup("thread.leak");
        f->source = RC_SRC_SHIM;
        f->severity = RC_SEV_WARNING;
        f->message = n > 1 ? rc_xasprintf("%zu threads created here (%s, ...) are never joined "
                                          "nor detached: their resources leak and their work "
                                          "may be cut short at exit",
                                          n, who)
                           : rc_xasprintf("%s is never joined nor detached: its resources leak "
                                          "and its work may be cut short at exit",
                                          who);
        f->subject = rc_xstrdup(at.function ? at.function : "thread");
        rc_loc_set(&f->loc, at.file, at.line, at.col, at.function, NULL);
        free(who);
        rc_loc_close(&at);
    }
    free(done);
}

/* Locks taken both inside a signal handler and outside handlers, when no
 * handler was seen to take one its interrupted code held (that is reported
 * as signal.lock-in-handler already). */
static void shared_with_handler_findings(ingest_t *in, rc_findings_t *out)
{
    for (size_t l = 0; l < in->nlocks; l++) {
        const lk_t *lk = &in->locks[l];
        if (!lk->handler_site || !lk->outside_seen || lk->self_deadlock)
            continue;
        rc_loc_t at, outside;
        rc_ing_symbolize(in, lk->handler_site, &at);
        rc_ing_symbolize(in, lk->outside_site, &outside);
        char *lock = rc_ing_lock_label(in, l);
        char *who = rc_ing_thread_label(in, lk->handler_tid);
        char *handler = handler_words(lk->handler_sig);
        rc_finding_t *f = rc_findings_push(out);
        f->rule = rc_xstrdup("signal.lock-shared-with-handler");
        f->source = RC_SRC_SHIM;
        f->severity = RC_SEV_WARNING;
        f->message = rc_xasprintf("%s acquires %s, which code outside signal handlers acquires "
                                  "too: a signal that arrives while its thread holds %s "
                                  "deadlocks the handler",
                                  handler, lock, lock);
        free(handler);
        f->subject = lock;
        rc_loc_set(&f->loc, at.file, at.line, at.col, at.function, NULL);
        rc_loc_set_thread(&f->loc, who);
        rc_finding_add_related(f, outside.file, outside.line, outside.col, outside.function,
                               "acquired outside a signal handler here");
        free(who);
        rc_loc_close(&at);
        rc_loc_close(&outside);
    }
}

/* With a full log, each thread's record stops at some point while others
 * go on: what a thread did itself is still known up to there, but what it
 * held when another thread looked is not (its release may be among the
 * dropped). Findings that rest on another thread's state are then left out;
 * those the call itself proved (EBUSY, EPERM, EDEADLK) stay. */
static int rests_on_other_threads(const misuse_t *m)
{
    if (strcmp(m->rule, "lock.destroy-locked") == 0)
        return m->aux != EBUSY;
    if (strcmp(m->rule, "lock.unlock-not-held") == 0)
        return m->aux != EPERM && m->held_by >= 0;
    if (strcmp(m->rule, "cond.destroy-waited") == 0)
        return 1; /* the waiter's COND_WOKEN may be among the dropped */
    return 0;
}

void rc_misuse_findings(ingest_t *in, rc_findings_t *out)
{
    for (size_t i = 0; i < in->nmis; i++) {
        const misuse_t *m = &in->mis[i];
        if (m->cancelled || (in->incomplete && rests_on_other_threads(m)))
            continue;
        /* An anonymous region no child inherited is private to the process. */
        if (strcmp(m->rule, "proc.mutex-not-pshared") == 0 &&
            (in->maps[m->aux].flags & RC_MAP_ANON) && !in->maps[m->aux].forked)
            continue;
        misuse_finding(in, m, out);
    }
    shared_with_handler_findings(in, out);
    /* A process that was killed or crashed had no chance to join; with a
     * full log the joins may be among the dropped events. */
    if (in->exited && !in->incomplete)
        leak_findings(in, out);
}

void rc_misuse_close(ingest_t *in)
{
    free(in->mis);
    free(in->conds);
    free(in->maps);
    in->maps = NULL;
    in->nmaps = 0;
    rc_keymap_close(&in->mismap);
    rc_keymap_close(&in->condmap);
    free(in->detaches);
    in->detaches = NULL;
    in->ndetaches = 0;
    rc_keymap_close(&in->detachmap);
    in->mis = NULL;
    in->conds = NULL;
    in->nmis = in->nconds = 0;
}
