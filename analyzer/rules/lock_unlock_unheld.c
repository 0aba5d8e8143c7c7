/*
 * lock_unlock_unheld.c - rule lock.unlock-not-held (static): a function unlocks
 * a mutex that no thread running it can hold at that point, because neither the
 * function nor anything that may be on the call stack above it acquires the
 * mutex. For a default mutex that is undefined behaviour; it usually means a
 * lock taken by another thread (main locks, a worker unlocks) or an unlock
 * helper called on a path that never locked.
 *
 * The analysis is a may-hold one at function granularity, so that it only
 * reports what holds on every path:
 *   1. For each lock L, the set MH(L) of functions that may run with L held: a
 *      function with a lock or trylock of L (or of an element of L's array
 *      chosen at run time), or with L in any of its recorded locksets
 *      (accesses, calls, lock operations, exits: an acquisition through a lock
 *      wrapper shows there); every function that may call one of those,
 *      transitively (a callee may return holding L, or leave it held through
 *      longjmp); and every function any of these may call, transitively
 *      (call-graph edges, pointer calls included). Starting a thread does not
 *      pass locks on.
 *   2. An unlock of L in f, where f is reached from some thread root, f is not
 *      in MH(L), and L names one object (a global or static mutex, or a
 *      constant element of a global array), is reported.
 * So a thread that calls no code acquiring L, directly or through callees,
 * and is not called by such code, is the one reported.
 * Left out, as the analysis cannot tell who holds them: semaphores (a post
 * without a wait is signalling, not misuse), field-class locks (`t->lock`),
 * elements chosen at run time, parameter locks, order marks; and every lock of
 * a program that acquires an unidentified lock somewhere (it may be L).
 *
 * Message:
 *   '<lock>' unlocked in '<fn>', but thread '<root>' never holds it there: no
 *   function it runs on the way acquires it
 * Related location: where another function acquires it, when one does (the
 * usual cause: a lock taken in one thread and released in another).
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "lock.unlock-not-held"

/* Marks in mh (one byte per lock) every global lock of TU tu in local set s;
 * a set that lost track (top) may hold anything. Returns 1 when it is top. */
static int mark_set(const rc_program_t *p, uint32_t tu, const rc_lset_t *s, uint8_t *mh)
{
    if (s->top)
        return 1;
    for (int i = 0; i < s->n; i++)
        mh[p->lockmap[tu][RC_LREF_LOCK(s->v[i])]] = 1;
    return 0;
}

/* The locks function f may hold somewhere, by its own facts: mh[lock] = 1.
 * Returns 1 when f may hold any lock (a lockset that lost track). */
static int own_may_hold(const rc_program_t *p, uint32_t f, uint8_t *mh)
{
    const rc_pfn_t *pf = &p->fns[f];
    const rc_fn_facts_t *fn = pf->f;
    int any = 0;
    for (size_t i = 0; i < fn->nlockops; i++) {
        const rc_lockop_t *o = &fn->lockops[i];
        uint32_t l = p->lockmap[pf->tu][o->lock];
        if (o->kind != RC_API_UNLOCK) {
            mh[l] = 1;
            if (p->lock_wild[l]) /* `&locks[i]`: any element of the array */
                for (uint32_t k = 0; k < p->locks.n; k++)
                    if (p->lock_family[k] == p->lock_family[l])
                        mh[k] = 1;
        }
        any |= mark_set(p, pf->tu, &o->held, mh);
    }
    for (size_t i = 0; i < fn->nacc; i++)
        any |= mark_set(p, pf->tu, &fn->acc[i].ls, mh);
    for (size_t i = 0; i < fn->ncalls; i++)
        any |= mark_set(p, pf->tu, &fn->calls[i].ls, mh);
    for (size_t i = 0; i < fn->nexits; i++)
        any |= mark_set(p, pf->tu, &fn->exits[i].held, mh);
    return any;
}

/* Where some function other than skip acquires lock l: a lock operation, or
 * NULL. *fn_out gets its function. */
static const rc_lockop_t *an_acquire(const rc_program_t *p, uint32_t l, uint32_t skip,
                                     uint32_t *fn_out)
{
    for (uint32_t f = 0; f < p->nfns; f++) {
        if (f == skip)
            continue;
        const rc_pfn_t *pf = &p->fns[f];
        for (size_t i = 0; i < pf->f->nlockops; i++) {
            const rc_lockop_t *o = &pf->f->lockops[i];
            if (o->kind != RC_API_UNLOCK && p->lockmap[pf->tu][o->lock] == l) {
                *fn_out = f;
                return o;
            }
        }
    }
    return NULL;
}

/* Adds what function `from` may hold to function `to`; 1 when `to` grew. */
static int flow(uint8_t *mh, uint8_t *all, size_t nl, uint32_t from, uint32_t to)
{
    if (all[to])
        return 0;
    if (all[from]) {
        all[to] = 1;
        return 1;
    }
    int grew = 0;
    const uint8_t *a = mh + (size_t)from * nl;
    uint8_t *b = mh + (size_t)to * nl;
    for (size_t l = 0; l < nl; l++)
        if (a[l] && !b[l]) {
            b[l] = 1;
            grew = 1;
        }
    return grew;
}

static void report(const rc_program_t *p, uint32_t f, const rc_lockop_t *o, uint32_t l,
                   uint32_t root, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[f].f;
    const char *name = p->lock_names[l];
    const rc_root_t *r = &p->roots[root];
    const char *rname = r->is_main ? "main" : p->fns[r->fn].f->name;
    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_ERROR);
    fd->subject = rc_xstrdup(name);
    rc_loc_set(&fd->loc, fn->file, o->pos.line, o->pos.col, fn->name, NULL);
    fd->message = rc_xasprintf("'%s' unlocked in '%s', but thread '%s' never holds it there: "
                               "no function it runs on the way acquires it",
                               name, fn->name, rname);
    uint32_t g = 0;
    const rc_lockop_t *a = an_acquire(p, l, f, &g);
    if (a) {
        const rc_fn_facts_t *gf = p->fns[g].f;
        char *note = rc_xasprintf("'%s' is acquired here, in '%s'", name, gf->name);
        rc_finding_add_related(fd, gf->file, a->pos.line, a->pos.col, gf->name, note);
        free(note);
    }
}

int rc_rule_lock_unlock_unheld(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    size_t nl = p->locks.n, nf = p->nfns;
    if (!nl || !nf)
        return RC_OK;
    /* An unidentified lock may be any of them: nothing can be said. */
    for (uint32_t f = 0; f < nf; f++) {
        const rc_pfn_t *pf = &p->fns[f];
        for (size_t i = 0; i < pf->f->nlockops; i++) {
            const rc_lockop_t *o = &pf->f->lockops[i];
            if (o->kind != RC_API_UNLOCK && p->lockmap[pf->tu][o->lock] == p->unknown_lock)
                return RC_OK;
        }
    }
    /* Candidates first: most programs have none, and the may-hold sets cost
     * nfns * nlocks bytes. */
    int any = 0;
    for (uint32_t f = 0; f < nf && !any; f++) {
        const rc_pfn_t *pf = &p->fns[f];
        for (size_t i = 0; i < pf->f->nlockops && !any; i++) {
            const rc_lockop_t *o = &pf->f->lockops[i];
            any = o->kind == RC_API_UNLOCK && rc_program_one_object(p, p->lockmap[pf->tu][o->lock]);
        }
    }
    if (!any)
        return RC_OK;

    /* mh[f * nl + l]: f may run with l held. Own facts, then up the call graph
     * (callers), then down (callees), each until nothing changes. */
    uint8_t *mh = rc_xcalloc(nf * nl, 1);
    uint8_t *all = rc_xcalloc(nf, 1); /* may hold anything */
    uint32_t *work = rc_xcalloc(nf, sizeof *work);
    uint8_t *queued = rc_xcalloc(nf, 1);
    size_t nwork = 0;
    for (uint32_t f = 0; f < nf; f++) {
        all[f] = (uint8_t)own_may_hold(p, f, mh + (size_t)f * nl);
        work[nwork++] = f;
        queued[f] = 1;
    }
    /* Up: a caller gets what its callees may hold. Rounds over every edge until
     * none adds anything (call graphs are shallow; each round is linear). */
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t f = 0; f < nf; f++) {
            const rc_pfn_t *pf = &p->fns[f];
            for (size_t e = 0; e < pf->nedges; e++)
                changed |= flow(mh, all, nl, pf->edges[e].target, f);
        }
    }
    /* Down: a callee may run with what its callers may hold. */
    while (nwork) {
        uint32_t f = work[--nwork];
        queued[f] = 0;
        const rc_pfn_t *pf = &p->fns[f];
        for (size_t e = 0; e < pf->nedges; e++) {
            uint32_t g = pf->edges[e].target;
            if (flow(mh, all, nl, f, g) && !queued[g]) {
                work[nwork++] = g;
                queued[g] = 1;
            }
        }
    }

    for (uint32_t f = 0; f < nf; f++) {
        const rc_pfn_t *pf = &p->fns[f];
        if (all[f])
            continue;
        for (size_t i = 0; i < pf->f->nlockops; i++) {
            const rc_lockop_t *o = &pf->f->lockops[i];
            uint32_t l = p->lockmap[pf->tu][o->lock];
            if (o->kind != RC_API_UNLOCK || !rc_program_one_object(p, l) || mh[(size_t)f * nl + l])
                continue;
            for (uint32_t r = 0; r < p->nroots; r++)
                if (rc_program_reach(p, r, f)->reached) {
                    report(p, f, o, l, r, out);
                    break;
                }
        }
    }
    free(mh);
    free(all);
    free(work);
    free(queued);
    return RC_OK;
}
