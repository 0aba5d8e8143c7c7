/*
 * lock_leak.c - rule lock.leak: a function returns (or a thread ends) on some path
 * still holding a lock that it acquired itself, while on other paths it releases
 * it: an early return inside a locked region, a `goto` past the unlock.
 *
 * A lock L is reported at an exit x of function f (a return statement, or the end
 * of the body reached by falling through) when all of these hold:
 *   - L is held at x on every path to x (the facts' must-hold lockset), and L is a
 *     named lock (not one passed in by the caller, not unidentified);
 *   - f itself acquires L before x (a lock or trylock call of L in f);
 *   - f does not return holding L on every path (then f is a lock wrapper and its
 *     summary says so: rc_summary_t.acq), unless f is a thread's start routine;
 *   - no caller of f releases L after calling it (f is then a conditional lock
 *     wrapper, `if (lookup(k) == 0) { ...; unlock(m); }`, returning the lock on
 *     its success paths);
 *   - f is not `main` (the process ends with it);
 *   - f does not lock L while already holding it, L being a plain mutex (no
 *     attributes at its initialisation): that is lock.double-lock's finding, and
 *     the thread never gets past it. A mutex initialised with attributes may be
 *     recursive: taken twice and released once, it is still held at the exit.
 *
 * A must-hold lockset forgets a lock at a label reached both holding it (a goto)
 * and not (the fall-through after the unlock). So a forward goto holding L is
 * reported too, at the goto, when it jumps over a release of L in f and nothing
 * at or after its label releases L (no unlock of L, no call of a function whose
 * summary releases it), under the same conditions on f and its callers.
 *
 * One finding per (exit or goto, lock); subject = the lock's name.
 *
 * Message format:
 *   '<fn>' returns holding '<lock>' taken at f.c:N (other paths release it)
 *   thread '<fn>' ends holding '<lock>' taken at f.c:N; threads waiting for it block
 *   forever
 *   goto in '<fn>' jumps past the unlock of '<lock>' (f.c:N): '<fn>' returns holding it
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "lock.leak"

/* 1 when some caller of f releases global lock l after a call that may enter f. */
static int caller_releases(const rc_program_t *p, uint32_t f, uint32_t l)
{
    for (uint32_t g = 0; g < p->nfns; g++) {
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t k = 0; k < pg->nedges; k++) {
            if (pg->edges[k].target != f)
                continue;
            const rc_call_t *call = &pg->f->calls[pg->edges[k].call];
            for (size_t o = 0; o < pg->f->nlockops; o++) {
                const rc_lockop_t *op = &pg->f->lockops[o];
                if (op->kind == RC_API_UNLOCK && !op->keeps && op->pos.off > call->pos.off &&
                    p->lockmap[pg->tu][op->lock] == l)
                    return 1;
            }
        }
    }
    return 0;
}

/* 1 when f releases global lock l at an offset in [lo, hi): an unlock of l, or a
 * call that may enter a function whose summary releases l. */
static int releases_in(const rc_program_t *p, uint32_t f, uint32_t l, unsigned lo, unsigned hi,
                       const rc_lockop_t **at)
{
    const rc_pfn_t *pf = &p->fns[f];
    for (size_t o = 0; o < pf->f->nlockops; o++) {
        const rc_lockop_t *op = &pf->f->lockops[o];
        if (op->kind == RC_API_UNLOCK && !op->keeps && op->pos.off >= lo && op->pos.off < hi &&
            p->lockmap[pf->tu][op->lock] == l) {
            if (at)
                *at = op;
            return 1;
        }
    }
    for (size_t k = 0; k < pf->nedges; k++) {
        const rc_call_t *call = &pf->f->calls[pf->edges[k].call];
        if (call->pos.off < lo || call->pos.off >= hi)
            continue;
        const rc_pfn_t *t = &p->fns[pf->edges[k].target];
        if (t->f->summary.rel_all)
            return 1;
        rc_lset_t rel;
        rc_program_lset(p, t->tu, &t->f->summary.rel, &rel);
        if (rc_lset_has(&rel, l))
            return 1;
    }
    return 0;
}

/* 1 when f locks global lock l (a blocking lock) while already holding it, and
 * l is never initialised with attributes: lock.double-lock reports that, and a
 * plain mutex never gets past it (a leak after it would be a second finding of
 * the same bug). A mutex that may be recursive is not reported there: taken
 * twice and released once, it is leaked, and reported here. */
static int relocked(const rc_program_t *p, uint32_t f, uint32_t l)
{
    if (rc_program_lock_has_attributes(p, l))
        return 0;
    const rc_pfn_t *pf = &p->fns[f];
    for (size_t o = 0; o < pf->f->nlockops; o++) {
        const rc_lockop_t *op = &pf->f->lockops[o];
        if (op->kind != RC_API_LOCK || p->lockmap[pf->tu][op->lock] != l)
            continue;
        rc_lset_t held;
        rc_program_lset(p, pf->tu, &op->held, &held);
        if (rc_lset_has(&held, l))
            return 1;
    }
    return 0;
}

static int is_thread_entry(const rc_program_t *p, uint32_t f)
{
    for (size_t r = 0; r < p->nroots; r++)
        if (!p->roots[r].is_main && p->roots[r].fn == f)
            return 1;
    return 0;
}

int rc_rule_lock_leak(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_pfn_t *pf = &p->fns[f];
        const rc_fn_facts_t *fn = pf->f;
        if (f == p->main_fn || fn->nexits == 0)
            continue;
        /* A thread entry that always ends holding a lock is no wrapper: nobody
         * receives the lock. */
        int entry = is_thread_entry(p, f);
        rc_lset_t wrap;
        rc_program_lset(p, pf->tu, &fn->summary.acq, &wrap);
        for (size_t x = 0; x < fn->nexits; x++) {
            const rc_exit_t *ex = &fn->exits[x];
            rc_lset_t held;
            rc_program_lset(p, pf->tu, &ex->held, &held);
            for (int i = 0; i < held.n; i++) {
                uint32_t l = RC_LREF_LOCK(held.v[i]);
                if (l == p->unknown_lock ||
                    (!entry && !fn->summary.acq.top && rc_lset_has(&wrap, l)))
                    continue;
                const rc_lockop_t *op = rc_program_last_acquire(p, f, l, ex->pos.off);
                if (!op || caller_releases(p, f, l) || relocked(p, f, l))
                    continue;
                rc_strbuf_t m;
                rc_strbuf_init(&m);
                if (entry)
                    rc_strbuf_appendf(&m,
                                      "thread '%s' ends holding '%s' taken at %s:%u; threads "
                                      "waiting for it block forever",
                                      fn->name, p->lock_names[l], rc_base_name(fn->file),
                                      op->pos.line);
                else
                    rc_strbuf_appendf(&m,
                                      "'%s' %s holding '%s' taken at %s:%u (other paths release "
                                      "it)",
                                      fn->name, ex->fallthrough ? "ends" : "returns",
                                      p->lock_names[l], rc_base_name(fn->file), op->pos.line);
                rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
                fd->message = rc_strbuf_take(&m);
                fd->subject = rc_xstrdup(p->lock_names[l]);
                rc_loc_set(&fd->loc, fn->file, ex->pos.line, ex->pos.col, fn->name, NULL);
                char *note = rc_xasprintf("'%s' taken here", p->lock_names[l]);
                rc_finding_add_related(fd, fn->file, op->pos.line, op->pos.col, fn->name, note);
                free(note);
            }
        }
        for (size_t j = 0; j < fn->njumps; j++) {
            const rc_exit_t *jp = &fn->jumps[j];
            if (jp->target <= jp->pos.off)
                continue;
            rc_lset_t held;
            rc_program_lset(p, pf->tu, &jp->held, &held);
            for (int i = 0; i < held.n; i++) {
                uint32_t l = RC_LREF_LOCK(held.v[i]);
                const rc_lockop_t *un = NULL;
                if (l == p->unknown_lock ||
                    (!entry && !fn->summary.acq.top && rc_lset_has(&wrap, l)))
                    continue;
                const rc_lockop_t *op = rc_program_last_acquire(p, f, l, jp->pos.off);
                if (!op || !releases_in(p, f, l, jp->pos.off, jp->target, &un) || !un ||
                    releases_in(p, f, l, jp->target, UINT32_MAX, NULL) ||
                    caller_releases(p, f, l) || relocked(p, f, l))
                    continue;
                rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
                fd->message = rc_xasprintf("goto in '%s' jumps past the unlock of '%s' (%s:%u): "
                                           "'%s' %s holding it",
                                           fn->name, p->lock_names[l], rc_base_name(fn->file),
                                           un->pos.line, fn->name, entry ? "ends" : "returns");
                fd->subject = rc_xstrdup(p->lock_names[l]);
                rc_loc_set(&fd->loc, fn->file, jp->pos.line, jp->pos.col, fn->name, NULL);
                char *note = rc_xasprintf("'%s' taken here", p->lock_names[l]);
                rc_finding_add_related(fd, fn->file, op->pos.line, op->pos.col, fn->name, note);
                free(note);
                rc_finding_add_related(fd, fn->file, un->pos.line, un->pos.col, fn->name,
                                       "the unlock the jump skips");
            }
        }
    }
    return RC_OK;
}
