/*
 * coop_stale_yield.c - rule coop.stale-across-yield: in cooperative code
 * (coroutines that switch with swapcontext, callbacks of an event loop), a
 * shared value is copied into a local, the task yields, and the location is
 * then written from the copy:
 *
 *     int seen = balance;        read
 *     task_yield();              other tasks run, and may change balance
 *     balance = seen - amount;   written from the stale copy: their change is lost
 *
 * Cooperative tasks are only switched out where they yield, so `x = x + 1`
 * between two yields is safe (no thread race is reported for code that runs on
 * one thread: event-loop callbacks and makecontext entries are linked as calls
 * of the registering thread, see rules/api/event-loops.json); a copy held across
 * a yield is the one way such code loses updates.
 *
 * Inputs (front end):
 *   rc_yield_t   calls modelled "yield" (swapcontext, uv_run, event_base_loop, ...)
 *                and "event_wait" (poll, epoll_wait, select, ...)
 *   rc_lflow_t   assignments of locals from shared reads, and writes of shared
 *                locations computed from locals
 *   rc_call_t    the call graph (named callees, global and parameter function
 *                pointers; calls linked only by function type are not followed)
 *
 * Yield points. A function *yields* when it calls a "yield" function, calls a
 * function that yields, or is an event loop: it waits for events (an
 * "event_wait" call, itself or in a function it calls) and calls through a
 * function pointer (itself or below), i.e. dispatches callbacks. In a function
 * F, a yield point is a "yield" call, a call of a function that yields, or,
 * when F waits for events itself, a call through a pointer (the dispatch).
 *
 * Decision, for each write W of a shared location K (named by the link step:
 * rc_program_t.keys) whose value is computed from local L, W not a
 * read-modify-write of K (`K = K - n` re-reads K):
 *   1. the assignment of L that reaches W: the last one before W in source order;
 *      assignments computed from L itself (`L++`, `L = L + 1`) are passed over
 *   2. it copies K (its value reads K: the read R)
 *   3. a yield point lies after R and before the end of W
 *   4. the function does not write K between R and W: `old = s.mode; s.mode = X;
 *      run_loop(); s.mode = old;` saves and restores a value on purpose
 * Source order stands for execution order within the function (a copy made at
 * the end of a loop body and used at the start of the next iteration is not
 * seen). Re-reading K after the yield (`seen = balance;` again) is an assignment
 * that reaches W and holds no yield before it: no finding.
 *
 * Message format:
 *   '<K>' is written from '<L>', a copy read before '<yield>' let other tasks
 *   run; a change they made to '<K>' meanwhile is lost
 * subject: the location as written. related: the read, then the yield point.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "coop.stale-across-yield"

/* 1 when the call's edges are followed for yields: named callees and pointers
 * whose targets the program shows (global function pointers, parameters), not
 * calls linked only by the function type, nor registrations of callbacks
 * (registering runs nothing). */
static int followed(const rc_call_t *c)
{
    return !c->callback && (c->callee[0] || c->fn_global || c->fn_param >= 0);
}

static int has_pointer_call(const rc_fn_facts_t *f)
{
    for (size_t c = 0; c < f->ncalls; c++)
        if (!f->calls[c].callee[0])
            return 1;
    return 0;
}

/* Fills yields[f] (the function yields when called) and waits[f] (it waits for
 * events, itself or below) by fixpoint over the followed edges. */
static void classify(const rc_program_t *p, uint8_t *yields, uint8_t *waits)
{
    uint8_t *ptr = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *ff = p->fns[f].f;
        ptr[f] = (uint8_t)has_pointer_call(ff);
        for (size_t y = 0; y < ff->nyields; y++) {
            if (ff->yields[y].wait)
                waits[f] = 1;
            else
                yields[f] = 1;
        }
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t f = 0; f < p->nfns; f++) {
            const rc_pfn_t *pf = &p->fns[f];
            uint8_t y = yields[f], w = waits[f], q = ptr[f];
            for (size_t e = 0; e < pf->nedges; e++) {
                if (!followed(&pf->f->calls[pf->edges[e].call]))
                    continue;
                uint32_t t = pf->edges[e].target;
                y |= yields[t];
                w |= waits[t];
                q |= ptr[t];
            }
            y |= w && q; /* an event loop: waits and dispatches */
            if (y != yields[f] || w != waits[f] || q != ptr[f]) {
                yields[f] = y;
                waits[f] = w;
                ptr[f] = q;
                changed = 1;
            }
        }
    }
    free(ptr);
}

/* A yield point of one function. */
typedef struct point {
    unsigned off;
    unsigned line, col;
    const char *what;
} point_t;

static void add_point(point_t **v, size_t *n, const rc_pos_t *pos, const char *what)
{
    *v = rc_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (point_t){pos->off, pos->line, pos->col, what};
}

static size_t points_of(const rc_program_t *p, uint32_t f, const uint8_t *yields,
                        const uint8_t *waits, point_t **out)
{
    const rc_pfn_t *pf = &p->fns[f];
    point_t *v = NULL;
    size_t n = 0;
    for (size_t y = 0; y < pf->f->nyields; y++)
        if (!pf->f->yields[y].wait)
            add_point(&v, &n, &pf->f->yields[y].pos, pf->f->yields[y].api);
    for (size_t e = 0; e < pf->nedges; e++) {
        const rc_call_t *c = &pf->f->calls[pf->edges[e].call];
        if (followed(c) && yields[pf->edges[e].target])
            add_point(&v, &n, &c->pos, c->callee_name);
    }
    if (waits[f])
        for (size_t c = 0; c < pf->f->ncalls; c++)
            if (!pf->f->calls[c].callee[0])
                add_point(&v, &n, &pf->f->calls[c].pos, pf->f->calls[c].callee_name);
    *out = v;
    return n;
}

/* The read of key that the assignment of local reaching offset `at` copies, or
 * NULL: the last assignment before `at`, passing over those computed from the
 * local itself. */
static const rc_lflow_t *reaching_copy(const rc_fn_facts_t *f, const char *local, const char *key,
                                       unsigned at)
{
    unsigned limit = at;
    for (;;) {
        /* The latest assignment offset below limit. */
        unsigned best = 0;
        int any = 0;
        for (size_t i = 0; i < f->nlflows; i++) {
            const rc_lflow_t *l = &f->lflows[i];
            if (l->to_local && l->pos.off < limit && strcmp(l->local, local) == 0 &&
                (!any || l->pos.off > best)) {
                best = l->pos.off;
                any = 1;
            }
        }
        if (!any)
            return NULL;
        int keeps = 1;
        for (size_t i = 0; i < f->nlflows; i++) {
            const rc_lflow_t *l = &f->lflows[i];
            if (!l->to_local || l->pos.off != best || strcmp(l->local, local) != 0)
                continue;
            if (l->acc >= 0 && (size_t)l->acc < f->nacc && strcmp(f->acc[l->acc].key, key) == 0)
                return l;
            keeps &= l->keeps;
        }
        if (!keeps)
            return NULL; /* assigned something else: not a copy of key */
        limit = best;
    }
}

/* 1 when the function writes key between offsets a and b (exclusive): the copy
 * is a saved value that the write restores (`old = s.mode; s.mode = X; run();
 * s.mode = old;`), not an update computed from a stale read. */
static int written_between(const rc_fn_facts_t *f, const char *key, unsigned a, unsigned b)
{
    for (size_t i = 0; i < f->nacc; i++)
        if (f->acc[i].kind != RC_ACC_READ && f->acc[i].pos.off > a && f->acc[i].pos.off < b &&
            strcmp(f->acc[i].key, key) == 0)
            return 1;
    return 0;
}

static void report(const rc_program_t *p, uint32_t fn, const rc_access_t *w, const rc_lflow_t *st,
                   const rc_access_t *r, const point_t *y, rc_findings_t *out)
{
    const rc_fn_facts_t *f = p->fns[fn].f;
    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_xasprintf("'%s' is written from '%s', a copy read before '%s' let other "
                               "tasks run; a change they made to '%s' meanwhile is lost",
                               w->name, st->name, y->what, w->name);
    fd->subject = rc_xstrdup(w->name);
    rc_loc_set(&fd->loc, f->file, w->pos.line, w->pos.col, f->name, NULL);
    char *note = rc_xasprintf("'%s' copies '%s' here", st->name, r->name);
    rc_finding_add_related(fd, f->file, r->pos.line, r->pos.col, f->name, note);
    free(note);
    note = rc_xasprintf("'%s' switches to other tasks here", y->what);
    rc_finding_add_related(fd, f->file, y->line, y->col, f->name, note);
    free(note);
}

int rc_rule_coop_stale_across_yield(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    size_t nf = p->nfns ? p->nfns : 1;
    uint8_t *yields = rc_xcalloc(nf, 1), *waits = rc_xcalloc(nf, 1);
    classify(p, yields, waits);
    for (uint32_t fn = 0; fn < p->nfns; fn++) {
        const rc_fn_facts_t *f = p->fns[fn].f;
        if (!f->nlflows)
            continue;
        point_t *pts = NULL;
        size_t npts = points_of(p, fn, yields, waits, &pts);
        uint8_t *done = rc_xcalloc(f->nacc ? f->nacc : 1, 1);
        for (size_t i = 0; npts && i < f->nlflows; i++) {
            const rc_lflow_t *st = &f->lflows[i];
            if (st->to_local || st->acc < 0 || (size_t)st->acc >= f->nacc || done[st->acc])
                continue;
            const rc_access_t *w = &f->acc[st->acc];
            if (w->kind != RC_ACC_WRITE || !p->keys[fn][st->acc])
                continue;
            const rc_lflow_t *cp = reaching_copy(f, st->local, w->key, w->pos.off);
            if (!cp)
                continue;
            const rc_access_t *r = &f->acc[cp->acc];
            if (written_between(f, w->key, r->pos.off, w->pos.off))
                continue; /* saved, changed, restored: the old value is wanted */
            unsigned end = w->pos.end > w->pos.off ? w->pos.end : w->pos.off;
            const point_t *y = NULL;
            for (size_t k = 0; k < npts; k++)
                if (pts[k].off > r->pos.off && pts[k].off < end && (!y || pts[k].off < y->off))
                    y = &pts[k];
            if (!y)
                continue;
            done[st->acc] = 1;
            report(p, fn, w, st, r, y, out);
        }
        free(done);
        free(pts);
    }
    free(yields);
    free(waits);
    return RC_OK;
}
