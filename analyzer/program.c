/*
 * program.c - links the facts of all TUs into one program and answers the two
 * questions every thread rule asks: which locks are held at an event, and
 * which events may run at the same time.
 *
 * Steps of rc_program_build:
 *   1. functions    joined by USR; the first definition wins (a static inline in a
 *                   header is seen once per TU with the same body)
 *   2. locks        TU-local lock indexes mapped to global ones (by lock identity);
 *                   array locks grouped in families ("X[3]", "X[]")
 *   3. roots        `main` (the initial thread) and every defined start routine of a
 *                   thread creation
 *   4. reach        per root, the functions reachable through direct calls; the entry
 *                   lockset of each (∩ over call sites of caller-entry ∪ call-site set,
 *                   a context-insensitive summary per root; ∅ for functions whose
 *                   address escapes) and whether it may run several times per root
 *                   instance
 *   5. main times   for each function reached from main, the calls in main's own body
 *                   through which it runs: main is treated as straight-line code in
 *                   which creations and joins are ordered by their source offsets; a
 *                   callback registered with an event loop (or makecontext) runs at
 *                   the calls after the registration that run the loop (uv_run,
 *                   swapcontext, or a function that calls one)
 *   6. starts       for each root, the creation instances (site x creating root) and
 *                   the joins in main that may wait for it; `multi` when two instances
 *                   may overlap or one is in a loop; a thread created by another
 *                   thread and joined by the same function is nested in it
 *   7. arguments    per start routine, whether its argument is one global object,
 *                   one other object, or a different one per thread
 *   8. keys         effective access keys: objects reached through pointer
 *                   parameters resolved from what the callers and creations pass,
 *                   per-thread slots "[p0]" turned into "[#]" or "[*]"
 *   9. processes    forks (rc_program_t.forks) and, per function, the process it runs
 *                   in: the children of one fork when only code inside that fork's
 *                   child extents (`if (pid == 0) {...}`) calls it, else the initial
 *                   process or both (rc_program_proc)
 *  10. order        order marks (internal.h) held at each function's entry per root
 *                   (a thread starts with the once marks of all its creations); per
 *                   root and function the once object whose routine alone runs it;
 *                   per barrier its count, its possible waiters and the most waits
 *                   passed at each function's entry; per root its creation lockset
 *  11. parameter    per root, function and parameter, the lock every call path of
 *      locks        the root passes there (a helper locking its `pthread_mutex_t *m`);
 *                   rc_program_inst puts it in place of the parameter's lock
 *
 * May-happen-in-parallel (rc_program_concurrent):
 *   two processes         never: a forked child runs on its own copy of memory (what
 *                         processes share through shared mappings is for proc.*)
 *   same root             only if the root is multi (main never is)
 *   main vs routine R     R is running at one of the main-level positions of the main
 *                         event: some creation of R may precede it and no join of R
 *                         must lie between the two (for a nested R: its parent is
 *                         running there; for R started by a thread that does not
 *                         join it: that thread may have started by then)
 *   routine vs routine    one is running when the other is created, or their parents
 *                         overlap; a thread started by another without a join in the
 *                         same function has unknown timing and overlaps everything;
 *                         but an event of a single thread, in its start function
 *                         before (and outside any loop around) the only creations of
 *                         the other routine, or of the threads that create it, is not
 * Positions order by offset; an event inside the loop of a creation may follow it
 * (next iteration). A join counts only if its whole loop ends before the event.
 *
 * Ordered, hence never concurrent (rc_program_ordered):
 *   once          both run inside the routine of one once object (its single run),
 *                 or one does and the other's thread has returned from pthread_once
 *                 on that object (the mark "once:<object>")
 *   barrier       a barrier whose constant count bounds the threads that may wait on
 *                 it: one thread has passed at most k waits at its access (textual
 *                 count, loops and backward gotos unbounded, summed through calls)
 *                 and the other at least k + 1 (the marks "bar:<barrier>#k")
 *   creation      one thread runs entirely while its creator holds lock m (held at
 *   lockset       the creation, which is in the creator's start function and not in
 *                 a loop, until every release, which the join of its handle
 *                 precedes on every path, or for ever), or inside the run of a
 *                 thread that does so and joins it in the function that starts it;
 *                 and the other holds m in another thread, or runs in a hold of m
 *                 by other creators
 *   handshake     a start routine created at one site, after which its creator
 *                 waits on a condition variable in a loop that reads a flag under
 *                 a lock, which only the routine (directly, outside loops, under
 *                 that lock) and the creator (outside that stretch) write: the
 *                 routine's accesses up to its first write of the flag come before
 *                 everything the creating function does outside the stretch from
 *                 the creation to the end of the wait loop, and before the same
 *                 accesses of the routine's later threads
 */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAIN_USR "c:@F@main"

rc_mpos_t rc_mpos_of(const rc_pos_t *p)
{
    rc_mpos_t m;
    m.off = p->off;
    m.end = p->end;
    if (p->loop_le) {
        m.lb = p->loop_lb;
        m.le = p->loop_le > p->end ? p->loop_le : p->end;
    } else {
        m.lb = p->off;
        m.le = p->end;
    }
    return m;
}

int rc_mpos_may_precede(const rc_mpos_t *a, const rc_mpos_t *b)
{
    return a->off <= b->off || (a->lb <= b->off && b->off <= a->le);
}

int rc_mpos_must_precede(const rc_mpos_t *a, const rc_mpos_t *b)
{
    return a->le < b->off;
}

static int handles_match(const char *a, const char *b)
{
    return !a || !b || strcmp(a, b) == 0;
}

/* 1 when join j waits for the threads site s starts (as far as the facts tell):
 * the handles match, a join of one element (`join(t[2])`) waits only for the
 * creation of that element, and a join loop counting fewer rounds than the
 * creation loop (`for (i = 0; i < 9; i++) join(t[i])` after 10 creations)
 * leaves some running. A wrapper's creation takes its handle from the caller:
 * its element is not known. */
static int join_covers(const rc_psite_t *s, const rc_join_t *j)
{
    if (!handles_match(s->handle, j->handle))
        return 0;
    int se = s->c->handle_param < 0 && s->at_fn == s->fn ? s->c->elem : -1;
    if (j->elem >= 0)
        return se == -1 || se == j->elem;
    if (j->elem == RC_ELEM_ANY && se == RC_ELEM_ANY && j->trip >= 0 && s->c->trip >= 0)
        return j->trip >= s->c->trip;
    return 1;
}

int rc_program_one_object(const rc_program_t *p, uint32_t l)
{
    const char *id = p->locks.v[l];
    if (l == p->unknown_lock || p->lock_wild[l] || strncmp(id, "c:", 2) != 0)
        return 0; /* also semaphores ("sem:"), order marks, lock_global locks */
    return strstr(id, "@FI@") == NULL && strstr(id, "[]") == NULL;
}

void rc_program_lset(const rc_program_t *p, uint32_t tu, const rc_lset_t *in, rc_lset_t *out)
{
    if (in->top) {
        rc_lset_top(out);
        return;
    }
    rc_lset_empty(out);
    for (int i = 0; i < in->n; i++) {
        uint32_t g = p->lockmap[tu][RC_LREF_LOCK(in->v[i])];
        if (p->mark_kind[g]) /* order marks are not locks */
            continue;
        rc_lset_add(out, p->lock_param[g] >= 0 ? p->unknown_lock : g, RC_LREF_SHARED(in->v[i]));
    }
}

static void push_mpos(rc_mpos_t **v, size_t *n, const rc_mpos_t *m)
{
    if ((*n & (*n - 1)) == 0) /* grow at powers of two */
        *v = rc_xrealloc(*v, (*n ? *n * 2 : 1) * sizeof **v);
    (*v)[(*n)++] = *m;
}

static uint32_t root_of_fn(const rc_program_t *p, uint32_t fn)
{
    for (size_t r = 0; r < p->nroots; r++)
        if (p->roots[r].fn == fn && !p->roots[r].is_main)
            return (uint32_t)r;
    return UINT32_MAX;
}

static uint32_t add_root(rc_program_t *p, uint32_t fn, int is_main)
{
    p->roots = rc_xrealloc(p->roots, (p->nroots + 1) * sizeof *p->roots);
    rc_root_t *r = &p->roots[p->nroots];
    memset(r, 0, sizeof *r);
    r->fn = fn;
    r->is_main = is_main;
    return (uint32_t)p->nroots++;
}

/* Step 4 for one root: reachability, entry locksets, `many`. */
static void compute_reach(rc_program_t *p, uint32_t root)
{
    rc_reach_t *rr = &p->reach[(size_t)root * p->nfns];
    for (size_t i = 0; i < p->nfns; i++) {
        rr[i].reached = 0;
        rr[i].many = 0;
        rc_lset_top(&rr[i].entry);
    }
    uint32_t *work = rc_xmalloc((p->nfns + 1) * sizeof *work);
    uint8_t *queued = rc_xcalloc(p->nfns, 1);
    size_t nwork = 0;
    uint32_t start = p->roots[root].fn;
    rr[start].reached = 1;
    rc_lset_empty(&rr[start].entry);
    work[nwork++] = start;
    queued[start] = 1;
    while (nwork) {
        uint32_t g = work[--nwork];
        queued[g] = 0;
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t e = 0; e < pg->nedges; e++) {
            uint32_t f = pg->edges[e].target;
            if (f == start)
                continue; /* the root's own entry set stays empty */
            rc_lset_t at;
            rc_program_lset(p, pg->tu, &pg->f->calls[pg->edges[e].call].ls, &at);
            rc_lset_join(&at, &rr[g].entry);
            rc_lset_t ne = rr[f].entry;
            rc_lset_meet(&ne, &at);
            if (!rr[f].reached || !rc_lset_equal(&ne, &rr[f].entry)) {
                rr[f].reached = 1;
                rr[f].entry = ne;
                if (!queued[f]) {
                    work[nwork++] = f;
                    queued[f] = 1;
                }
            }
        }
    }
    /* gated: reached, but not without one of the root function's calls under
     * `if (id == c)`: a second walk that does not take those calls. */
    memset(queued, 0, p->nfns);
    nwork = 0;
    work[nwork++] = start;
    queued[start] = 1;
    while (nwork) {
        uint32_t g = work[--nwork];
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t e = 0; e < pg->nedges; e++) {
            uint32_t f = pg->edges[e].target;
            if (!queued[f] && !(g == start && pg->f->calls[pg->edges[e].call].one_arg)) {
                queued[f] = 1;
                work[nwork++] = f;
            }
        }
    }
    for (size_t i = 0; i < p->nfns; i++)
        rr[i].gated = rr[i].reached && !queued[i];
    /* Functions whose address escapes may also be called indirectly from unknown
     * places: when reached at all, nothing is known to be held at their entry. */
    for (size_t i = 0; i < p->nescaped; i++) {
        uint32_t t = p->escaped[i];
        if (t != start && rr[t].reached) {
            rc_lset_empty(&rr[t].entry);
            rr[t].gated = 0;
        }
    }
    /* many: more than one incoming call site, a call site in a loop, or a caller that
     * itself runs many times. Iterate to a fixpoint (monotone, boolean). */
    uint32_t *incoming = rc_xcalloc(p->nfns, sizeof *incoming);
    for (size_t g = 0; g < p->nfns; g++) {
        if (!rr[g].reached)
            continue;
        for (size_t e = 0; e < p->fns[g].nedges; e++) {
            const rc_edge_t *ed = &p->fns[g].edges[e];
            const rc_call_t *c = &p->fns[g].f->calls[ed->call];
            /* a callback may run many times (a repeating timer) */
            incoming[ed->target] += c->pos.loop_le || c->callback ? 2 : 1;
        }
    }
    for (size_t i = 0; i < p->nfns; i++)
        if (rr[i].reached && i != start && incoming[i] >= 2)
            rr[i].many = 1;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t g = 0; g < p->nfns; g++) {
            if (!rr[g].reached || !rr[g].many)
                continue;
            for (size_t e = 0; e < p->fns[g].nedges; e++) {
                uint32_t f = p->fns[g].edges[e].target;
                if (!rr[f].many) {
                    rr[f].many = 1;
                    changed = 1;
                }
            }
        }
    }
    free(incoming);
    free(work);
    free(queued);
}

/* Functions that run an event loop or switch coroutines: a "yield" call of
 * their own (uv_run, swapcontext; rc_yield_t without wait) or a call of such a
 * function (registrations of callbacks excluded). */
static uint8_t *loop_runners(const rc_program_t *p)
{
    uint8_t *run = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t f = 0; f < p->nfns; f++)
        for (size_t y = 0; y < p->fns[f].f->nyields; y++)
            run[f] |= !p->fns[f].f->yields[y].wait;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t f = 0; f < p->nfns; f++) {
            for (size_t e = 0; !run[f] && e < p->fns[f].nedges; e++)
                if (!p->fns[f].f->calls[p->fns[f].edges[e].call].callback &&
                    run[p->fns[f].edges[e].target])
                    run[f] = changed = 1;
        }
    }
    return run;
}

/* When a callback registered at main-level position `at` may run: the places in
 * main after it (or in a loop around it) that run the loop, or `at` itself when
 * there is none. Returns the count written to out (at most max). */
static size_t loop_instants(const rc_program_t *p, const uint8_t *run, const rc_mpos_t *at,
                            rc_mpos_t *out, size_t max)
{
    const rc_pfn_t *pm = &p->fns[p->main_fn];
    size_t n = 0;
    for (size_t y = 0; y < pm->f->nyields && n < max; y++) {
        rc_mpos_t m = rc_mpos_of(&pm->f->yields[y].pos);
        if (!pm->f->yields[y].wait && rc_mpos_may_precede(at, &m))
            out[n++] = m;
    }
    for (size_t e = 0; e < pm->nedges && n < max; e++) {
        const rc_call_t *c = &pm->f->calls[pm->edges[e].call];
        rc_mpos_t m = rc_mpos_of(&c->pos);
        if (!c->callback && run[pm->edges[e].target] && rc_mpos_may_precede(at, &m))
            out[n++] = m;
    }
    if (n == 0)
        out[n++] = *at;
    return n;
}

#define MAX_INSTANTS 16
#define MAX_CALLBACK_NEST 3

/* Gives f0 and everything it reaches the main-level positions ats (a fresh
 * visit mark per call; stamps[nest] is this nesting level's visit array). A
 * callback registered on the way runs when the loop runs: its functions get
 * the loop instants after the registration instead (one level deeper). */
static void spread_times(rc_program_t *p, const uint8_t *run, uint32_t f0, const rc_mpos_t *ats,
                         size_t nats, uint32_t **stamps, uint32_t *mark, int nest)
{
    uint32_t m = ++*mark, *stamp = stamps[nest];
    uint32_t *stack = rc_xmalloc((p->nfns + 1) * sizeof *stack);
    size_t n = 0;
    stack[n++] = f0;
    stamp[f0] = m;
    while (n) {
        uint32_t g = stack[--n];
        for (size_t i = 0; i < nats; i++)
            push_mpos(&p->mtimes[g], &p->nmtimes[g], &ats[i]);
        for (size_t k = 0; k < p->fns[g].nedges; k++) {
            uint32_t f = p->fns[g].edges[k].target;
            if (f == p->main_fn)
                continue;
            if (p->fns[g].f->calls[p->fns[g].edges[k].call].callback) {
                if (nest >= MAX_CALLBACK_NEST)
                    continue;
                for (size_t i = 0; i < nats; i++) {
                    rc_mpos_t inst[MAX_INSTANTS];
                    size_t ni = loop_instants(p, run, &ats[i], inst, MAX_INSTANTS);
                    spread_times(p, run, f, inst, ni, stamps, mark, nest + 1);
                }
                continue;
            }
            if (stamp[f] != m) {
                stamp[f] = m;
                stack[n++] = f;
            }
        }
    }
    free(stack);
}

/* Step 5: main-level positions of every function reached from main. */
static void compute_main_times(rc_program_t *p)
{
    p->mtimes = rc_xcalloc(p->nfns, sizeof *p->mtimes);
    p->nmtimes = rc_xcalloc(p->nfns, sizeof *p->nmtimes);
    if (p->main_fn == UINT32_MAX)
        return;
    const rc_pfn_t *pm = &p->fns[p->main_fn];
    uint8_t *run = loop_runners(p);
    uint32_t *stamps[MAX_CALLBACK_NEST + 1];
    for (int i = 0; i <= MAX_CALLBACK_NEST; i++)
        stamps[i] = rc_xcalloc(p->nfns, sizeof **stamps);
    uint32_t mark = 0;
    for (size_t c = 0; c < pm->nedges; c++) {
        uint32_t f0 = pm->edges[c].target;
        if (f0 == p->main_fn)
            continue;
        const rc_call_t *call = &pm->f->calls[pm->edges[c].call];
        rc_mpos_t at = rc_mpos_of(&call->pos), inst[MAX_INSTANTS];
        size_t ni = call->callback ? loop_instants(p, run, &at, inst, MAX_INSTANTS) : 1;
        if (!call->callback)
            inst[0] = at;
        spread_times(p, run, f0, inst, ni, stamps, &mark, 0);
    }
    free(run);
    for (int i = 0; i <= MAX_CALLBACK_NEST; i++)
        free(stamps[i]);
}

/* The main-level positions of an event at pos in fn (reached from main). */
static const rc_mpos_t *main_times(const rc_program_t *p, uint32_t fn, const rc_pos_t *pos,
                                   rc_mpos_t *own, size_t *n)
{
    if (fn == p->main_fn) {
        *own = rc_mpos_of(pos);
        *n = 1;
        return own;
    }
    *n = p->nmtimes[fn];
    return p->mtimes[fn];
}

/* 1 when the creating function joins the thread created at site before returning. */
static int contained(const rc_program_t *p, const rc_psite_t *s)
{
    if (s->fn == p->main_fn)
        return 0;
    const rc_fn_facts_t *f = p->fns[s->fn].f;
    rc_mpos_t c = rc_mpos_of(&s->c->pos);
    for (size_t j = 0; j < f->njoins; j++) {
        rc_mpos_t jp = rc_mpos_of(&f->joins[j].pos);
        if (join_covers(s, &f->joins[j]) && rc_mpos_must_precede(&c, &jp))
            return 1;
    }
    return 0;
}

/* For a site in a loop whose thread is joined later in the same iteration of the
 * innermost loop (`for (...) { create(&t); ...; join(t); }`: one thread at a
 * time), the end offset of that join; else 0. Handles must be known and equal. */
static unsigned serial_join(const rc_program_t *p, const rc_psite_t *s)
{
    const rc_pos_t *c = &s->c->pos;
    if (s->at_fn != s->fn || !c->iloop_le || !s->handle)
        return 0;
    const rc_fn_facts_t *f = p->fns[s->fn].f;
    for (size_t j = 0; j < f->njoins; j++) {
        const rc_join_t *jn = &f->joins[j];
        if (jn->handle && strcmp(jn->handle, s->handle) == 0 && join_covers(s, jn) &&
            jn->pos.off > c->end && jn->pos.iloop_lb == c->iloop_lb &&
            jn->pos.iloop_le == c->iloop_le)
            return jn->pos.end > jn->pos.off ? jn->pos.end : jn->pos.off;
    }
    return 0;
}

/* 1 when access instance m (main-level position t, the call from main through
 * which m runs) provably runs before the thread of creation instance ci starts,
 * or after it is joined: t is the creation's own main-level call, not in a loop
 * of main unless the creating function joins the thread before returning, and
 * m's function either creates the thread itself or leads to
 * the creation through calls (at most ORDER_DEPTH deep) that all come after m,
 * no loop of the function repeating one around the other; or m follows a join
 * of the handle in the creating function, which follows the creation (each
 * with the loops around it: a creation loop, then a join loop, then m).
 * (ordered_in_creator, below.) */

/* 1 when function f may reach function target through at most depth calls. */
static int calls_into(const rc_program_t *p, uint32_t f, uint32_t target, int depth)
{
    if (f == target)
        return 1;
    if (depth == 0)
        return 0;
    const rc_pfn_t *pf = &p->fns[f];
    for (size_t e = 0; e < pf->nedges; e++)
        if (calls_into(p, pf->edges[e].target, target, depth - 1))
            return 1;
    return 0;
}

#define ORDER_DEPTH 3 /* calls between the access's function and the creation */

/* 1 when a comes before b in one function and no loop repeats one around the other. */
static int once_before(const rc_pos_t *a, const rc_pos_t *b)
{
    return a->end <= b->off && !(a->loop_le && a->loop_lb <= b->off && b->off < a->loop_le) &&
           !(b->loop_le && b->loop_lb <= a->off && a->off < b->loop_le);
}

/* 1 when a, in function f, comes before every way f has to the creation at c in
 * function at: c itself when f is at, else each call of f that may lead to at. */
static int before_creation(const rc_program_t *p, uint32_t f, const rc_pos_t *a, uint32_t at,
                           const rc_pos_t *c)
{
    if (f == at)
        return once_before(a, c);
    const rc_pfn_t *pf = &p->fns[f];
    int any = 0;
    for (size_t e = 0; e < pf->nedges; e++) {
        if (!calls_into(p, pf->edges[e].target, at, ORDER_DEPTH - 1))
            continue;
        if (!once_before(a, &pf->f->calls[pf->edges[e].call].pos))
            return 0;
        any = 1;
    }
    return any;
}

/* 1 when m comes before the creation at c in function f: m there, or in a
 * function that f reaches only through calls before c (no loop of f repeating
 * one around the other). */
static int before_in_creator(const rc_program_t *p, uint32_t f, const rc_pos_t *c,
                             const rc_inst_t *m)
{
    if (m->fn == f)
        return once_before(m->pos, c);
    const rc_pfn_t *pf = &p->fns[f];
    int any = 0;
    for (size_t e = 0; e < pf->nedges; e++) {
        if (!calls_into(p, pf->edges[e].target, m->fn, ORDER_DEPTH - 1))
            continue;
        if (!once_before(&pf->f->calls[pf->edges[e].call].pos, c))
            return 0;
        any = 1;
    }
    return any;
}

/* 1 when m follows a join of site s's handle that follows the creation at c,
 * both in the creating function s->fn: m there, or in a function that s->fn
 * reaches only through calls after such a join. Positions are taken with the
 * loops around them, as main's are (rc_mpos_of): `for (...) create(&t[i]);
 * for (...) join(t[i]); use;` in a function main calls. */
static int after_join(const rc_program_t *p, const rc_psite_t *s, const rc_pos_t *c,
                      const rc_inst_t *m)
{
    const rc_pfn_t *pf = &p->fns[s->fn];
    const rc_fn_facts_t *f = pf->f;
    rc_mpos_t mc = rc_mpos_of(c), ma = rc_mpos_of(m->pos);
    for (size_t j = 0; j < f->njoins; j++) {
        const rc_join_t *jn = &f->joins[j];
        if (!jn->handle || strcmp(jn->handle, s->handle) != 0 || !join_covers(s, jn))
            continue;
        rc_mpos_t mj = rc_mpos_of(&jn->pos);
        if (!rc_mpos_must_precede(&mc, &mj))
            continue;
        if (m->fn == s->fn) {
            if (rc_mpos_must_precede(&mj, &ma))
                return 1;
            continue;
        }
        int any = 0, all = 1;
        for (size_t e = 0; e < pf->nedges && all; e++) {
            if (!calls_into(p, pf->edges[e].target, m->fn, ORDER_DEPTH - 1))
                continue;
            rc_mpos_t mcall = rc_mpos_of(&f->calls[pf->edges[e].call].pos);
            any = 1;
            all = rc_mpos_must_precede(&mj, &mcall);
        }
        if (any && all)
            return 1;
    }
    return 0;
}

static int ordered_in_creator(const rc_program_t *p, const rc_cinst_t *ci, const rc_mpos_t *t,
                              const rc_inst_t *m)
{
    const rc_psite_t *s = &p->sites[ci->site];
    if (!m || m->fn == p->main_fn || t->off != ci->at.off || t->end != ci->at.end)
        return 0;
    /* A call repeated by a loop of main may find the thread of the previous
     * round still running, unless the creator joins it before returning. */
    if ((t->lb != t->off || t->le != t->end) && !ci->contained)
        return 0;
    const rc_pos_t *a = m->pos, *c = s->at;
    if (before_creation(p, m->fn, a, s->at_fn, c) ||
        (s->fn == s->at_fn && before_in_creator(p, s->fn, c, m)))
        return 1;
    /* The thread runs only while the creating function does; code that function
     * cannot reach runs before or after it, loops around the call or not. */
    if (ci->contained && !p->in_creator[m->fn])
        return 1;
    if (!s->handle)
        return 0;
    if (s->fn != s->at_fn) {
        /* In a creation wrapper (`run(worker)`, the routine its parameter) that
         * has its own handle: the same, about the creation inside it. */
        if (s->c->handle_param >= 0)
            return 0;
        c = &s->c->pos;
        if (ci->contained && before_in_creator(p, s->fn, c, m))
            return 1; /* (the wrapper may run again: earlier threads are joined) */
    }
    return after_join(p, s, c, m);
}

/* 1 when f has a backward goto: "before" and "after" in it are not textual. */
static int backward_goto(const rc_fn_facts_t *f)
{
    for (size_t j = 0; j < f->njumps; j++)
        if (f->jumps[j].target <= f->jumps[j].pos.off)
            return 1;
    return 0;
}

/* 1 when every creation site of root's routine is one of its instances (none
 * lies in code no root reaches): rc_root_t.all_sites, set by step 6. */
static int every_site_instanced(const rc_program_t *p, uint32_t root)
{
    const rc_root_t *rt = &p->roots[root];
    for (size_t s = 0; s < p->nsites; s++) {
        if (rc_strtab_lookup(&p->fn_usrs, p->sites[s].routine) != rt->fn)
            continue;
        size_t i = 0;
        while (i < rt->nci && rt->ci[i].site != s)
            i++;
        if (i == rt->nci)
            return 0;
    }
    return 1;
}

/* 1 when an instance of r started by creation instance ci may be running at t. */
static int running_from(const rc_root_t *r, const rc_cinst_t *ci, const rc_mpos_t *t)
{
    if (ci->contained)
        return ci->at.off <= t->off && t->off <= ci->at.end;
    if (ci->serial_end)
        return ci->at.off <= t->off && t->off <= ci->serial_end;
    if (!rc_mpos_may_precede(&ci->at, t))
        return 0;
    for (size_t j = 0; j < r->njoins; j++)
        if (rc_mpos_must_precede(&ci->at, &r->joins[j]) && rc_mpos_must_precede(&r->joins[j], t))
            return 0;
    return 1;
}

#define MAX_NEST 8 /* threads started by threads: how deep the timing is followed */

/* 1 when some instance of root may be running at main-level position t. A thread
 * started (and joined) inside another thread runs while that one does. */
static int started_by(const rc_program_t *p, uint32_t root, const rc_mpos_t *t, int depth);

static int running_at(const rc_program_t *p, uint32_t root, const rc_mpos_t *t, const rc_inst_t *m,
                      int depth)
{
    const rc_root_t *r = &p->roots[root];
    if (depth > MAX_NEST)
        return 1;
    if (r->unknown_start)
        return started_by(p, root, t, depth);
    for (size_t i = 0; i < r->nci; i++) {
        const rc_cinst_t *ci = &r->ci[i];
        if (p->roots[ci->root].is_main ? running_from(r, ci, t) && !ordered_in_creator(p, ci, t, m)
                                       : running_at(p, ci->root, t, NULL, depth + 1))
            return 1;
    }
    return 0;
}

/* 1 when some instance of root may have started by main-level position t: a
 * thread whose end is not known (started by another thread that does not join
 * it) may run from its start on, and it starts after its creator does. */
static int started_by(const rc_program_t *p, uint32_t root, const rc_mpos_t *t, int depth)
{
    const rc_root_t *r = &p->roots[root];
    if (depth > MAX_NEST || r->nci == 0 || !r->all_sites)
        return 1;
    for (size_t i = 0; i < r->nci; i++) {
        const rc_cinst_t *ci = &r->ci[i];
        if (p->roots[ci->root].is_main ? rc_mpos_may_precede(&ci->at, t)
                                       : started_by(p, ci->root, t, depth + 1))
            return 1;
    }
    return 0;
}

static int running(const rc_program_t *p, uint32_t root, const rc_mpos_t *t)
{
    return running_at(p, root, t, NULL, 0);
}

/* 1 when instances of two different start routines a and b may run at once: one
 * is running when the other starts, or they are nested in threads that overlap. */
static int roots_overlap(const rc_program_t *p, uint32_t a, uint32_t b, int depth)
{
    if (a == b)
        return 1; /* a thread and one it started: they overlap until the join */
    const rc_root_t *ra = &p->roots[a], *rb = &p->roots[b];
    if (ra->unknown_start || rb->unknown_start || depth > MAX_NEST)
        return 1;
    for (int side = 0; side < 2; side++) {
        const rc_root_t *r = side ? ra : rb;
        uint32_t other = side ? b : a;
        for (size_t i = 0; i < r->nci; i++) {
            const rc_cinst_t *ci = &r->ci[i];
            if (p->roots[ci->root].is_main ? running(p, other, &ci->at)
                                           : roots_overlap(p, ci->root, other, depth + 1))
                return 1;
        }
    }
    return 0;
}

static int many_in_child(const rc_program_t *p, uint32_t k, const rc_psite_t *s);

/* 1 when, once join j of f has returned, the threads of root er started through
 * that handle have all been joined: j waits for some of er's creation sites,
 * and each other site with a matching handle is waited for by a join of f that
 * must come before j (`join(t[0]); join(t[1]);`). */
static int joins_all(const rc_program_t *p, const rc_root_t *er, const rc_fn_facts_t *f, size_t j)
{
    const rc_join_t *jn = &f->joins[j];
    rc_mpos_t mj = rc_mpos_of(&jn->pos);
    int any = 0;
    for (size_t i = 0; i < er->nci; i++) {
        const rc_psite_t *s = &p->sites[er->ci[i].site];
        if (!handles_match(s->handle, jn->handle))
            continue;
        if (join_covers(s, jn)) {
            any = 1;
            continue;
        }
        int before = 0;
        for (size_t k = 0; k < f->njoins && !before; k++) {
            rc_mpos_t mk = rc_mpos_of(&f->joins[k].pos);
            before = k != j && join_covers(s, &f->joins[k]) && rc_mpos_must_precede(&mk, &mj);
        }
        if (!before)
            return 0;
    }
    return any;
}

/* p->site_nostart: each site's "nostart:<off>:<USR>" mark, when some path has it. */
static void compute_site_nostart(rc_program_t *p)
{
    p->site_nostart = rc_xmalloc((p->nsites ? p->nsites : 1) * sizeof *p->site_nostart);
    for (size_t s = 0; s < p->nsites; s++) {
        char *id = rc_xasprintf("%s%u:%s", RC_NOSTART_PREFIX, p->sites[s].c->pos.off,
                                p->fns[p->sites[s].fn].f->usr);
        p->site_nostart[s] = rc_strtab_lookup(&p->locks, id);
        free(id);
    }
}

/* Marks f and what it reaches in p->in_creator. */
static void mark_creator(rc_program_t *p, uint32_t f)
{
    if (p->in_creator[f])
        return;
    uint32_t *stack = rc_xmalloc((p->nfns + 1) * sizeof *stack);
    size_t n = 0;
    p->in_creator[f] = 1;
    stack[n++] = f;
    while (n) {
        uint32_t g = stack[--n];
        for (size_t k = 0; k < p->fns[g].nedges; k++) {
            uint32_t t = p->fns[g].edges[k].target;
            if (!p->in_creator[t]) {
                p->in_creator[t] = 1;
                stack[n++] = t;
            }
        }
    }
    free(stack);
}

/* Step 6. */
static void compute_starts(rc_program_t *p)
{
    p->in_creator = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t s = 0; s < p->nsites; s++) {
        if (contained(p, &p->sites[s]))
            mark_creator(p, p->sites[s].fn);
    }
    for (size_t s = 0; s < p->nsites; s++) {
        const rc_psite_t *site = &p->sites[s];
        int cont = contained(p, site);
        uint32_t fn = rc_strtab_lookup(&p->fn_usrs, site->routine);
        uint32_t e = fn == UINT32_MAX ? UINT32_MAX : root_of_fn(p, fn);
        if (e == UINT32_MAX)
            continue;
        rc_root_t *er = &p->roots[e];
        /* In a loop where it happens, or inside the wrapper doing it; a loop that
         * joins each thread before starting the next does not count. */
        unsigned serial = serial_join(p, site);
        int looped = (site->at->loop_le != 0 && !serial) ||
                     (site->at_fn != site->fn && site->c->pos.loop_le);
        int reached = 0;
        for (size_t r = 0; r < p->nroots; r++)
            reached |= rc_program_reach(p, (uint32_t)r, site->at_fn)->reached;
        if (!reached) {
            /* Created in code no root reaches (a library's entry point, a program
             * without main): called from unknown places at unknown times. */
            er->unknown_start = 1;
            if (looped)
                er->multi = 1;
        }
        for (size_t r = 0; r < p->nroots; r++) {
            const rc_reach_t *rr = rc_program_reach(p, (uint32_t)r, site->at_fn);
            if (!rr->reached)
                continue;
            if (!p->roots[r].is_main) {
                /* Started by another thread: its timing follows that thread's when
                 * the creating function joins it before returning. */
                if (!cont)
                    er->unknown_start = 1;
                er->ci = rc_xrealloc(er->ci, (er->nci + 1) * sizeof *er->ci);
                er->ci[er->nci++] = (rc_cinst_t){
                    (uint32_t)s, (uint32_t)r, {0, 0, 0, 0}, looped || (!cont && rr->many), cont, 0};
                continue;
            }
            rc_mpos_t own;
            size_t nt;
            const rc_mpos_t *ts = main_times(p, site->at_fn, site->at, &own, &nt);
            for (size_t t = 0; t < nt; t++) {
                /* main's own loops are judged above (serial); a caller's loop here,
                 * unless the creating function joins the thread before returning
                 * (then each call's thread ends before the next call). */
                int own = site->at_fn == p->main_fn;
                int many = looped ||
                           (!cont && (rr->many ||
                                      (!own && (ts[t].lb != ts[t].off || ts[t].le != ts[t].end))));
                /* In a forked child: a fork repeated starts other processes. */
                uint32_t k = rc_program_proc(p, site->at_fn, site->at);
                if (k < p->nforks)
                    many = many_in_child(p, k, site);
                er->ci = rc_xrealloc(er->ci, (er->nci + 1) * sizeof *er->ci);
                er->ci[er->nci++] =
                    (rc_cinst_t){(uint32_t)s, (uint32_t)r, ts[t], many, cont, own ? serial : 0};
            }
        }
    }
    /* Joins in code reached from main that may wait for each root. */
    if (p->main_root != UINT32_MAX) {
        for (size_t g = 0; g < p->nfns; g++) {
            if (!rc_program_reach(p, p->main_root, (uint32_t)g)->reached)
                continue;
            const rc_fn_facts_t *f = p->fns[g].f;
            for (size_t j = 0; j < f->njoins; j++) {
                rc_mpos_t own;
                size_t nt;
                const rc_mpos_t *ts = main_times(p, (uint32_t)g, &f->joins[j].pos, &own, &nt);
                for (size_t e = 0; e < p->nroots; e++) {
                    rc_root_t *er = &p->roots[e];
                    int match = joins_all(p, er, f, j);
                    for (size_t t = 0; match && t < nt; t++)
                        push_mpos(&er->joins, &er->njoins, &ts[t]);
                }
            }
        }
    }
    for (uint32_t e = 0; e < p->nroots; e++)
        p->roots[e].all_sites = every_site_instanced(p, e);
    /* multi: fixpoint, since a routine started by a multi thread is multi too. */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t e = 0; e < p->nroots; e++) {
            rc_root_t *er = &p->roots[e];
            if (er->multi || er->is_main)
                continue;
            int multi = 0;
            for (size_t i = 0; i < er->nci && !multi; i++) {
                const rc_cinst_t *a = &er->ci[i];
                if (a->many || p->roots[a->root].multi)
                    multi = 1;
                for (size_t j = 0; j < er->nci && !multi; j++) {
                    const rc_cinst_t *b = &er->ci[j];
                    if (i == j)
                        continue;
                    if (!p->roots[a->root].is_main || !p->roots[b->root].is_main)
                        multi = 1;
                    else if (running_from(er, a, &b->at))
                        multi = 1;
                }
            }
            if (multi) {
                er->multi = 1;
                changed = 1;
            }
        }
    }
}

/* Step 7: how each start routine's argument is shared (rc_root_t.arg_*). */
static void classify_args(rc_program_t *p)
{
    for (size_t r = 0; r < p->nroots; r++) {
        rc_root_t *rt = &p->roots[r];
        if (rt->is_main || rt->nci == 0)
            continue;
        const rc_psite_t *c0 = &p->sites[rt->ci[0].site];
        int all_global = 1, all_same = 1, all_distinct = 1, values = 1;
        for (size_t i = 0; i < rt->nci; i++) {
            const rc_psite_t *c = &p->sites[rt->ci[i].site];
            int same_key = c->arg_key && c0->arg_key && strcmp(c->arg_key, c0->arg_key) == 0;
            all_global &= c->arg_kind == RC_ARG_GLOBAL && same_key;
            all_same &= c->arg_kind == RC_ARG_SAME && same_key;
            all_distinct &= c->arg_kind == RC_ARG_DISTINCT;
            values &= c->arg_kind == RC_ARG_VALUE && !rt->ci[i].many;
            for (size_t j = 0; values && j < i; j++)
                values = strcmp(p->sites[rt->ci[j].site].arg_key, c->arg_key) != 0;
        }
        rt->arg_global = all_global ? c0->arg_key : NULL;
        rt->arg_same = all_same;
        rt->arg_distinct = all_distinct || values;
    }
}

/* Step 8: effective access keys (rc_program_t.keys).
 *
 * An access through a function's pointer parameter (key root "<F>\x1dp<i>") is
 * resolved to what the callers pass: every call of F (rc_call_t.arg_keys) and,
 * for a start routine's argument, every creation. When all agree, the access is
 * to that object; when they name different parts of one variable, to the whole
 * variable; otherwise (different objects, an unknown argument, F called through a
 * pointer) it is dropped. Arguments that are themselves parameter objects of the
 * caller are resolved the same way, recursively. */

#define MAX_PARAMS 8

typedef struct memo {
    char *key;
    int state; /* 0 not computed, 1 in progress (a cycle resolves to unknown), 2 done */
} memo_t;

typedef struct resolver {
    const rc_program_t *p;
    memo_t *memo;       /* [fn * MAX_PARAMS + param] */
    uint32_t **callers; /* per function: pairs (caller fn, call index) */
    size_t *ncallers;
    uint8_t *addr_taken; /* called through pointers from unknown places */
} resolver_t;

static char *resolve_param(resolver_t *rs, uint32_t fn, int pi);

/* Appends path to b, reading "[p<i>]" slots in the context of fn: "[#]" (one slot
 * per thread) when fn is a start routine whose threads get distinct arguments and
 * i is its argument, else "[*]" (any element). */
static void append_path(const rc_program_t *p, uint32_t fn, const char *path, rc_strbuf_t *b)
{
    uint32_t r = root_of_fn(p, fn);
    const rc_root_t *rt = r == UINT32_MAX ? NULL : &p->roots[r];
    for (const char *s = path; *s;) {
        if (strncmp(s, "[p", 2) == 0 && s[2] >= '0' && s[2] <= '9') {
            const char *end = strchr(s, ']');
            int slot = rt && s[2] == '0' && s[3] == ']' && rt->arg_distinct;
            rc_strbuf_append(b, slot ? "[#]" : "[*]");
            s = end ? end + 1 : s + strlen(s);
        } else {
            rc_strbuf_appendn(b, s, 1);
            s++;
        }
    }
}

/* Splits "<F>\x1dp<i>\x1e<path>"; returns the parameter index or -1. */
static int param_key(const char *key, const char **path)
{
    const char *mark = strchr(key, RC_PARAM_MARK);
    if (!mark || mark[1] != 'p')
        return -1;
    char *end;
    long pi = strtol(mark + 2, &end, 10);
    if (*end != RC_KEY_SEP || pi < 0 || pi > 64)
        return -1;
    *path = end + 1;
    return (int)pi;
}

/* k as seen from function fn, with a parameter-object root resolved; owned or NULL. */
static char *resolve_key(resolver_t *rs, uint32_t fn, const char *k)
{
    const char *path;
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    int pi = param_key(k, &path);
    if (pi >= 0) {
        const char *base = resolve_param(rs, fn, pi);
        if (!base)
            return NULL;
        rc_strbuf_append(&b, base);
    } else {
        path = strchr(k, RC_KEY_SEP);
        path = path ? path + 1 : k + strlen(k);
        rc_strbuf_appendn(&b, k, (size_t)(path - k));
    }
    append_path(rs->p, fn, path, &b);
    return rc_strbuf_take(&b);
}

/* Merges candidate k (owned) into *acc; returns 0 when they cannot be reconciled. */
static int merge_key(char **acc, char *k)
{
    if (!*acc) {
        *acc = k;
        return 1;
    }
    size_t ra = strcspn(*acc, (const char[]){RC_KEY_SEP, 0});
    size_t rk = strcspn(k, (const char[]){RC_KEY_SEP, 0});
    int same_root = ra == rk && memcmp(*acc, k, ra) == 0, differ = strcmp(*acc, k) != 0;
    /* Different parts of one variable: the whole variable; but what a pointer
     * in it points to is not part of it ("x>"): no object covers both then. */
    int ok = same_root && (!differ || (!strchr(*acc, '>') && !strchr(k, '>')));
    if (ok && differ)
        (*acc)[ra + 1 < strlen(*acc) ? ra + 1 : strlen(*acc)] = '\0'; /* the whole variable */
    free(k);
    return ok;
}

static char *resolve_param(resolver_t *rs, uint32_t fn, int pi)
{
    if (pi >= MAX_PARAMS)
        return NULL;
    memo_t *m = &rs->memo[(size_t)fn * MAX_PARAMS + (size_t)pi];
    if (m->state)
        return m->state == 2 ? m->key : NULL;
    m->state = 1;
    const rc_program_t *p = rs->p;
    char *acc = NULL;
    int any = 0, ok = !rs->addr_taken[fn];
    for (size_t i = 0; ok && i < rs->ncallers[fn]; i++) {
        uint32_t g = rs->callers[fn][2 * i], c = rs->callers[fn][2 * i + 1];
        const rc_call_t *call = &p->fns[g].f->calls[c];
        char *k =
            pi < call->nargs && call->arg_keys[pi] ? resolve_key(rs, g, call->arg_keys[pi]) : NULL;
        ok = k && merge_key(&acc, k);
        any = 1;
    }
    uint32_t r = root_of_fn(p, fn);
    if (ok && r != UINT32_MAX && pi == 0) {
        const rc_root_t *rt = &p->roots[r];
        any = 1;
        if (rt->arg_global)
            ok = merge_key(&acc, rc_xstrdup(rt->arg_global));
        else if (rt->arg_same)
            ok = merge_key(&acc,
                           rc_xasprintf("%s%cp0%c", p->fns[fn].f->usr, RC_PARAM_MARK, RC_KEY_SEP));
        else
            ok = 0; /* a private object per thread, or unknown */
    }
    if (!ok || !any) {
        free(acc);
        acc = NULL;
    }
    m->key = acc;
    m->state = 2;
    return acc;
}

static char *effective_key(resolver_t *rs, uint32_t fn, const char *key)
{
    return resolve_key(rs, fn, key);
}

static void compute_keys(rc_program_t *p)
{
    resolver_t rs = {p, NULL, NULL, NULL, NULL};
    size_t n = p->nfns ? p->nfns : 1;
    rs.memo = rc_xcalloc(n * MAX_PARAMS, sizeof *rs.memo);
    rs.callers = rc_xcalloc(n, sizeof *rs.callers);
    rs.ncallers = rc_xcalloc(n, sizeof *rs.ncallers);
    rs.addr_taken = rc_xcalloc(n, 1);
    for (size_t g = 0; g < p->nfns; g++) {
        for (size_t e = 0; e < p->fns[g].nedges; e++) {
            uint32_t t = p->fns[g].edges[e].target;
            size_t k = rs.ncallers[t]++;
            rs.callers[t] = rc_xrealloc(rs.callers[t], 2 * (k + 1) * sizeof(uint32_t));
            rs.callers[t][2 * k] = (uint32_t)g;
            rs.callers[t][2 * k + 1] = p->fns[g].edges[e].call;
        }
    }
    for (size_t i = 0; i < p->nescaped; i++)
        rs.addr_taken[p->escaped[i]] = 1;
    p->keys = rc_xcalloc(n, sizeof *p->keys);
    for (size_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        p->keys[f] = rc_xcalloc(fn->nacc ? fn->nacc : 1, sizeof **p->keys);
        for (size_t i = 0; i < fn->nacc; i++)
            p->keys[f][i] = effective_key(&rs, (uint32_t)f, fn->acc[i].key);
    }
    p->pkeys = rc_xcalloc(n, sizeof *p->pkeys);
    for (size_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        p->pkeys[f] = rc_xcalloc(fn->npcalls ? fn->npcalls : 1, sizeof **p->pkeys);
        for (size_t i = 0; i < fn->npcalls; i++)
            if (fn->pcalls[i].obj)
                p->pkeys[f][i] = effective_key(&rs, (uint32_t)f, fn->pcalls[i].obj);
    }
    for (size_t i = 0; i < n * MAX_PARAMS; i++)
        free(rs.memo[i].key);
    for (size_t f = 0; f < n; f++)
        free(rs.callers[f]);
    free(rs.memo);
    free(rs.callers);
    free(rs.ncallers);
    free(rs.addr_taken);
}

static void add_site(rc_program_t *p, rc_psite_t s)
{
    p->sites = rc_xrealloc(p->sites, (p->nsites + 1) * sizeof *p->sites);
    p->sites[p->nsites++] = s;
}

/* Creation wrappers: a create whose routine is the function's own parameter starts,
 * at each call of the function, the routine that call passes. The argument is
 * shared like what the call passes when that is a global object, per thread when
 * it is anything else passed in a loop, unknown otherwise. */
static void add_wrapper_sites(rc_program_t *p)
{
    size_t nfns = p->nfns;
    for (uint32_t h = 0; h < nfns; h++) {
        const rc_fn_facts_t *hf = p->fns[h].f;
        for (size_t e = 0; e < p->fns[h].nedges; e++) {
            const rc_call_t *call = &hf->calls[p->fns[h].edges[e].call];
            uint32_t g = p->fns[h].edges[e].target;
            const rc_fn_facts_t *gf = p->fns[g].f;
            for (size_t c = 0; c < gf->ncreates; c++) {
                const rc_create_t *cr = &gf->creates[c];
                int rp = cr->routine_param;
                if (rp < 0 || rp >= call->nargs || !call->arg_fns[rp])
                    continue;
                rc_arg_kind_t kind = RC_ARG_UNKNOWN;
                const char *key = NULL;
                int ap = cr->arg_param;
                if (ap < 0) {
                    kind = cr->arg_kind;
                    key = cr->arg_key;
                } else if (ap < call->nargs && call->arg_keys[ap] &&
                           !strchr(call->arg_keys[ap], RC_PARAM_MARK)) {
                    kind = RC_ARG_GLOBAL;
                    key = call->arg_keys[ap];
                } else if (ap < call->nargs && !call->arg_keys[ap] && call->pos.loop_le) {
                    /* Not a global object, passed in a loop: taken to differ per
                     * iteration (`spawn(worker, &args[i])`, `spawn(worker, (void *)i)`). */
                    kind = RC_ARG_DISTINCT;
                }
                /* The handle the caller passes, when the wrapper's is its parameter. */
                int hp = cr->handle_param;
                const char *handle = hp < 0             ? cr->handle
                                     : hp < call->nargs ? call->arg_handles[hp]
                                                        : NULL;
                add_site(p,
                         (rc_psite_t){g, cr, call->arg_fns[rp], h, &call->pos, kind, key, handle});
            }
        }
    }
}

/* 1 when c is the call of a function passed to another (rc_call_t.passed_to)
 * that the program defines: that definition says what happens to it, and c is
 * no call. */
static int passed_to_defined(const rc_program_t *p, const rc_call_t *c)
{
    return c->passed_to && rc_strtab_lookup(&p->fn_usrs, c->passed_to) != UINT32_MAX;
}

/* 1 when function f takes the address of function addr_taken[a] only to pass it
 * to functions defined nowhere in the program, which are taken to call it there
 * (rc_call_t.passed_to): it escapes nowhere else. */
static int only_passed(const rc_program_t *p, const rc_fn_facts_t *f, size_t a)
{
    if (!f->addr_passed[a])
        return 0;
    for (size_t c = 0; c < f->ncalls; c++)
        if (passed_to_defined(p, &f->calls[c]) && strcmp(f->calls[c].callee, f->addr_taken[a]) == 0)
            return 0; /* its definition may store it anywhere */
    return 1;
}

/* The defined functions whose address escapes, in functions or in initialisers of
 * globals, each once (rc_program_t.escaped). */
static void collect_escaped(rc_program_t *p)
{
    uint8_t *seen = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t pass = 0; pass < 2; pass++) {
        size_t nsrc = pass == 0 ? p->nfns : p->ntus;
        for (size_t s = 0; s < nsrc; s++) {
            size_t n = pass == 0 ? p->fns[s].f->naddr : p->tus[s]->nesc;
            char *const *usrs = pass == 0 ? p->fns[s].f->addr_taken : p->tus[s]->esc_fns;
            char *const *types = pass == 0 ? p->fns[s].f->addr_types : p->tus[s]->esc_types;
            for (size_t a = 0; a < n; a++) {
                uint32_t t = rc_strtab_lookup(&p->fn_usrs, usrs[a]);
                if (t == UINT32_MAX || seen[t] || (pass == 0 && only_passed(p, p->fns[s].f, a)))
                    continue;
                seen[t] = 1;
                p->escaped = rc_xrealloc(p->escaped, (p->nescaped + 1) * sizeof *p->escaped);
                p->escaped_types =
                    rc_xrealloc(p->escaped_types, (p->nescaped + 1) * sizeof *p->escaped_types);
                p->escaped[p->nescaped] = t;
                p->escaped_types[p->nescaped++] = types[a];
            }
        }
    }
    free(seen);
}

static void add_edge(rc_pfn_t *f, uint32_t call, uint32_t target)
{
    for (size_t i = 0; i < f->nedges; i++)
        if (f->edges[i].call == call && f->edges[i].target == target)
            return;
    if ((f->nedges & (f->nedges - 1)) == 0) /* grow at powers of two */
        f->edges = rc_xrealloc(f->edges, (f->nedges ? f->nedges * 2 : 1) * sizeof *f->edges);
    f->edges[f->nedges++] = (rc_edge_t){call, target};
}

/* The type an old-style declaration with the same return type has: "int (int)"
 * -> "int ()" (the spelling libclang gives `int f()`), which C lets any call
 * through an `int (*)(int)` reach. NULL when t is not "RET (...)". */
static char *noproto_type(const char *t)
{
    size_t n = strlen(t);
    if (n < 3 || t[n - 1] != ')')
        return NULL;
    int depth = 0;
    for (size_t i = n; i-- > 0;) {
        if (t[i] == ')')
            depth++;
        else if (t[i] == '(' && --depth == 0)
            return i > 0 ? rc_xasprintf("%.*s()", (int)i, t) : NULL;
    }
    return NULL;
}

/* Calls through unknown pointers may enter any function of the same type whose
 * address escapes (a task handed to a thread pool, a callback in a table); a
 * function declared without a prototype (`void f()`) matches any parameter list
 * with its return type, and so does a call through such a pointer type. */
static void add_indirect_edges(rc_program_t *p)
{
    rc_strtab_t types = {0};
    uint32_t **by_type = NULL;
    size_t *nby = NULL, cap = 0;
    /* Each function under its type (pass 0), and under "!" + its no-prototype
     * type (pass 1), the key a call through a no-prototype pointer looks up. */
    for (size_t e = 0; e < p->nescaped; e++)
        for (int pass = 0; pass < 2; pass++) {
            uint32_t t = p->escaped[e];
            {
                if (!p->escaped_types[e])
                    continue;
                char *np = pass ? noproto_type(p->escaped_types[e]) : NULL;
                char *bang = np ? rc_xasprintf("!%s", np) : NULL;
                free(np);
                if (pass && !bang)
                    continue;
                uint32_t k = rc_strtab_intern(&types, pass ? bang : p->escaped_types[e]);
                free(bang);
                if (k >= cap) {
                    size_t nc = cap ? cap * 2 : 16;
                    while (nc <= k)
                        nc *= 2;
                    by_type = rc_xrealloc(by_type, nc * sizeof *by_type);
                    nby = rc_xrealloc(nby, nc * sizeof *nby);
                    memset(by_type + cap, 0, (nc - cap) * sizeof *by_type);
                    memset(nby + cap, 0, (nc - cap) * sizeof *nby);
                    cap = nc;
                }
                int dup = 0;
                for (size_t i = 0; i < nby[k]; i++)
                    dup |= by_type[k][i] == t;
                if (dup)
                    continue;
                by_type[k] = rc_xrealloc(by_type[k], (nby[k] + 1) * sizeof **by_type);
                by_type[k][nby[k]++] = t;
            }
        }
    for (size_t g = 0; g < p->nfns; g++) {
        const rc_fn_facts_t *f = p->fns[g].f;
        for (size_t c = 0; c < f->ncalls; c++) {
            if (f->calls[c].fn_global) {
                /* What the program stores in that global function pointer. */
                for (size_t t = 0; t < p->ntus; t++)
                    for (size_t i = 0; i < p->tus[t]->ngfp; i++) {
                        uint32_t fn = strcmp(p->tus[t]->gfp_var[i], f->calls[c].fn_global) == 0
                                          ? rc_strtab_lookup(&p->fn_usrs, p->tus[t]->gfp_fn[i])
                                          : UINT32_MAX;
                        if (fn != UINT32_MAX)
                            add_edge(&p->fns[g], (uint32_t)c, fn);
                    }
                continue;
            }
            if (!f->calls[c].fn_type)
                continue;
            const char *ct = f->calls[c].fn_type;
            char *np = noproto_type(ct);
            char *keys[2] = {NULL, NULL};
            if (np && strcmp(np, ct) == 0) /* through `void (*)()`: any parameters */
                keys[0] = rc_xasprintf("!%s", np);
            else {
                keys[0] = rc_xstrdup(ct);
                keys[1] = np ? rc_xstrdup(np) : NULL; /* old-style definitions */
            }
            free(np);
            for (int q = 0; q < 2 && keys[q]; q++) {
                uint32_t k = rc_strtab_lookup(&types, keys[q]);
                for (size_t i = 0; k != UINT32_MAX && i < nby[k]; i++)
                    add_edge(&p->fns[g], (uint32_t)c, by_type[k][i]);
            }
            free(keys[0]);
            free(keys[1]);
        }
    }
    for (size_t k = 0; k < types.n; k++)
        free(by_type[k]);
    free(by_type);
    free(nby);
    rc_strtab_close(&types);

    /* Calls through a parameter: the functions the direct callers pass there. */
    size_t *ndirect = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *ndirect);
    for (size_t g = 0; g < p->nfns; g++)
        ndirect[g] = p->fns[g].nedges;
    for (size_t h = 0; h < p->nfns; h++) {
        const rc_fn_facts_t *hf = p->fns[h].f;
        for (size_t e = 0; e < ndirect[h]; e++) {
            const rc_call_t *hc = &hf->calls[p->fns[h].edges[e].call];
            uint32_t g = p->fns[h].edges[e].target;
            const rc_fn_facts_t *gf = p->fns[g].f;
            for (size_t c = 0; c < gf->ncalls; c++) {
                int pi = gf->calls[c].fn_param;
                if (pi < 0 || pi >= hc->nargs || !hc->arg_fns[pi])
                    continue;
                uint32_t t = rc_strtab_lookup(&p->fn_usrs, hc->arg_fns[pi]);
                if (t != UINT32_MAX)
                    add_edge(&p->fns[g], (uint32_t)c, t);
            }
        }
    }
    free(ndirect);
}

uint32_t rc_program_child_at(const rc_program_t *p, uint32_t fn, unsigned off)
{
    const rc_fn_facts_t *f = p->fns[fn].f;
    const rc_child_t *best = NULL;
    for (size_t i = 0; i < f->nchildren; i++) {
        const rc_child_t *c = &f->children[i];
        if (c->lb <= off && off <= c->le && (!best || c->le - c->lb < best->le - best->lb))
            best = c;
    }
    if (!best)
        return UINT32_MAX;
    for (size_t k = 0; k < p->nforks; k++)
        if (p->forks[k].fn == fn && p->forks[k].pcall == best->fork)
            return (uint32_t)k;
    return UINT32_MAX;
}

uint32_t rc_program_proc(const rc_program_t *p, uint32_t fn, const rc_pos_t *pos)
{
    uint32_t k = pos ? rc_program_child_at(p, fn, pos->off) : UINT32_MAX;
    if (k != UINT32_MAX)
        return k;
    return p->fn_proc ? p->fn_proc[fn] : RC_PROC_MAIN;
}

/* The child extent of fork k around off in the forking function, or NULL. */
static const rc_child_t *extent_of(const rc_program_t *p, uint32_t k, unsigned off)
{
    const rc_fn_facts_t *f = p->fns[p->forks[k].fn].f;
    for (size_t i = 0; i < f->nchildren; i++)
        if (f->children[i].fork == p->forks[k].pcall && f->children[i].lb <= off &&
            off <= f->children[i].le)
            return &f->children[i];
    return NULL;
}

/* For a thread creation s in code only the children of fork k run: whether one
 * child may run it several times: in a loop inside the child's code, or in a
 * function the child's code reaches through two calls or a call in such a loop.
 * A repeated fork (in a loop, in a function called several times) starts other
 * processes, each running the creation once. */
static int many_in_child(const rc_program_t *p, uint32_t k, const rc_psite_t *s)
{
    uint32_t F = p->forks[k].fn;
    if (s->at_fn == F) {
        const rc_child_t *c = extent_of(p, k, s->at->off);
        return s->at->iloop_le && (!c || s->at->iloop_lb >= c->lb);
    }
    if (s->at->loop_le)
        return 1;
    uint32_t *in = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *in);
    uint8_t *seen = rc_xcalloc(p->nfns ? p->nfns : 1, 1),
            *many = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    uint32_t *queue = rc_xmalloc((p->nfns + 1) * sizeof *queue);
    size_t qh = 0, qt = 0;
    for (size_t e = 0; e < p->fns[F].nedges; e++) {
        const rc_pos_t *cp = &p->fns[F].f->calls[p->fns[F].edges[e].call].pos;
        const rc_child_t *c = extent_of(p, k, cp->off);
        uint32_t t = p->fns[F].edges[e].target;
        if (!c || t == F)
            continue;
        in[t] += cp->iloop_le && cp->iloop_lb >= c->lb ? 2 : 1;
        if (!seen[t]) {
            seen[t] = 1;
            queue[qt++] = t;
        }
    }
    while (qh < qt) {
        uint32_t g = queue[qh++];
        for (size_t e = 0; e < p->fns[g].nedges; e++) {
            uint32_t t = p->fns[g].edges[e].target;
            if (t == F)
                continue;
            in[t] += p->fns[g].f->calls[p->fns[g].edges[e].call].pos.loop_le ? 2 : 1;
            if (!seen[t]) {
                seen[t] = 1;
                queue[qt++] = t;
            }
        }
    }
    for (size_t i = 0; i < qt; i++)
        many[queue[i]] = in[queue[i]] >= 2;
    for (int changed = 1; changed;) { /* a function a repeated one calls is repeated */
        changed = 0;
        for (size_t i = 0; i < qt; i++) {
            uint32_t g = queue[i];
            for (size_t e = 0; many[g] && e < p->fns[g].nedges; e++)
                if (!many[p->fns[g].edges[e].target] && p->fns[g].edges[e].target != F) {
                    many[p->fns[g].edges[e].target] = 1;
                    changed = 1;
                }
        }
    }
    int r = !seen[s->at_fn] || many[s->at_fn];
    free(in);
    free(seen);
    free(many);
    free(queue);
    return r;
}

#define PROC_UNSET (UINT32_MAX - 2)

static int proc_merge(uint32_t *x, uint32_t ctx)
{
    if (ctx == PROC_UNSET || *x == ctx || *x == RC_PROC_MIXED)
        return 0;
    *x = *x == PROC_UNSET ? ctx : RC_PROC_MIXED;
    return 1;
}

/* Labels every function with the process it runs in (rc_program_t.fn_proc): main
 * runs in the initial process; a call (or a thread creation) inside a child
 * extent of fork K runs its callee in K's children, any other call in the
 * caller's process; a function reached both ways is MIXED, one reached from
 * nowhere known runs in the initial process. */
static void compute_procs(rc_program_t *p)
{
    for (uint32_t f = 0; f < p->nfns; f++)
        for (size_t i = 0; i < p->fns[f].f->npcalls; i++)
            if (p->fns[f].f->pcalls[i].kind == RC_API_FORK) {
                p->forks = rc_xrealloc(p->forks, (p->nforks + 1) * sizeof *p->forks);
                p->forks[p->nforks++] = (rc_pfork_t){f, (uint32_t)i};
            }
    uint32_t *lab = rc_xmalloc((p->nfns ? p->nfns : 1) * sizeof *lab);
    for (size_t f = 0; f < p->nfns; f++)
        lab[f] = PROC_UNSET;
    if (p->main_fn != UINT32_MAX)
        lab[p->main_fn] = RC_PROC_MAIN;
    for (int changed = 1; changed && p->nforks;) {
        changed = 0;
        for (uint32_t g = 0; g < p->nfns; g++) {
            if (lab[g] == PROC_UNSET)
                continue;
            const rc_pfn_t *pg = &p->fns[g];
            for (size_t e = 0; e < pg->nedges; e++) {
                uint32_t k = rc_program_child_at(p, g, pg->f->calls[pg->edges[e].call].pos.off);
                changed |= proc_merge(&lab[pg->edges[e].target], k != UINT32_MAX ? k : lab[g]);
            }
        }
        for (size_t s = 0; s < p->nsites; s++) {
            const rc_psite_t *site = &p->sites[s];
            uint32_t r = rc_strtab_lookup(&p->fn_usrs, site->routine);
            if (r == UINT32_MAX || lab[site->at_fn] == PROC_UNSET)
                continue;
            uint32_t k = rc_program_child_at(p, site->at_fn, site->at->off);
            changed |= proc_merge(&lab[r], k != UINT32_MAX ? k : lab[site->at_fn]);
        }
    }
    for (size_t f = 0; f < p->nfns; f++)
        if (lab[f] == PROC_UNSET)
            lab[f] = RC_PROC_MAIN;
    p->fn_proc = lab;
}

/* Which locks are semaphores, and which of those are binary: every sem_init
 * of the semaphore gives it the constant 1 (a semaphore reached in a way the
 * init's argument does not name, such as a struct field, stays counting). */
static void sem_kinds(rc_program_t *p)
{
    size_t plen = strlen(RC_SEM_PREFIX);
    p->lock_sem = rc_xcalloc(p->locks.n ? p->locks.n : 1, 1);
    for (uint32_t i = 0; i < p->locks.n; i++)
        if (strncmp(p->locks.v[i], RC_SEM_PREFIX, plen) == 0)
            p->lock_sem[i] = RC_SEM_COUNTING;
    uint8_t *bad = rc_xcalloc(p->locks.n ? p->locks.n : 1, 1);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++) {
            const rc_pcall_t *c = &fn->pcalls[i];
            if (c->kind != RC_API_SEM_INIT || !c->obj)
                continue;
            /* The access key "<var USR>\x1e<path>" names the lock "sem:<var USR><path>". */
            const char *sep = strchr(c->obj, RC_KEY_SEP);
            char *id =
                sep ? rc_xasprintf("%s%.*s%s", RC_SEM_PREFIX, (int)(sep - c->obj), c->obj, sep + 1)
                    : rc_xasprintf("%s%s", RC_SEM_PREFIX, c->obj);
            uint32_t l = rc_strtab_lookup(&p->locks, id);
            free(id);
            if (l == UINT32_MAX)
                continue;
            if (c->shared == 1 && !bad[l])
                p->lock_sem[l] = RC_SEM_BINARY;
            else {
                bad[l] = 1;
                p->lock_sem[l] = RC_SEM_COUNTING;
            }
        }
    }
    free(bad);
}

/* ---- Step 10: order marks (pthread_once, barriers) -------------------------- */

/* Classifies every global lock that is an order mark (internal.h): its kind, its
 * object (index in once_objs / barriers) and, for a barrier mark, its count. */
static void classify_marks(rc_program_t *p)
{
    size_t no = strlen(RC_ONCE_PREFIX), nb = strlen(RC_BARRIER_PREFIX);
    p->mark_kind = rc_xcalloc(p->locks.n ? p->locks.n : 1, 1);
    p->mark_obj = rc_xcalloc(p->locks.n ? p->locks.n : 1, sizeof *p->mark_obj);
    p->mark_k = rc_xcalloc(p->locks.n ? p->locks.n : 1, 1);
    for (uint32_t i = 0; i < p->locks.n; i++) {
        const char *id = p->locks.v[i];
        if (strncmp(id, RC_ONCE_PREFIX, no) == 0) {
            p->mark_kind[i] = RC_MARK_ONCE;
            p->mark_obj[i] = rc_strtab_intern(&p->once_objs, id + no);
        } else if (strncmp(id, RC_JOIN_PREFIX, strlen(RC_JOIN_PREFIX)) == 0) {
            p->mark_kind[i] = RC_MARK_JOIN;
        } else if (strncmp(id, RC_ACQ_PREFIX, strlen(RC_ACQ_PREFIX)) == 0) {
            p->mark_kind[i] = RC_MARK_ACQ;
            p->mark_obj[i] = rc_strtab_lookup(&p->locks, id + strlen(RC_ACQ_PREFIX));
        } else if (strncmp(id, RC_NOSTART_PREFIX, strlen(RC_NOSTART_PREFIX)) == 0) {
            p->mark_kind[i] = RC_MARK_NOSTART; /* its site: p->site_nostart */
        } else if (strncmp(id, RC_BARRIER_PREFIX, nb) == 0 && strrchr(id, '#')) {
            const char *hash = strrchr(id, '#');
            char *key = rc_xasprintf("%.*s", (int)(hash - id - nb), id + nb);
            p->mark_kind[i] = RC_MARK_BARRIER;
            p->mark_obj[i] = rc_strtab_intern(&p->barriers, key);
            p->mark_k[i] = (uint8_t)atoi(hash + 1);
            free(key);
        }
    }
}

/* The order marks of TU-local lockset in, as global indexes (empty for top). */
static void marks_of(const rc_program_t *p, uint32_t tu, const rc_lset_t *in, rc_lset_t *out)
{
    rc_lset_empty(out);
    if (in->top)
        return;
    for (int i = 0; i < in->n; i++) {
        uint32_t g = p->lockmap[tu][RC_LREF_LOCK(in->v[i])];
        if (p->mark_kind[g])
            rc_lset_add(out, g, 0);
    }
}

/* Keeps only the once marks of s: a new thread has passed no barrier wait of its
 * own (join marks only serve its creator). */
static void keep_once_marks(const rc_program_t *p, rc_lset_t *s)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        if (p->mark_kind[RC_LREF_LOCK(s->v[i])] == RC_MARK_ONCE)
            s->v[k++] = s->v[i];
    s->n = (uint8_t)k;
}

/* mark_entry of root r from its start function's entry set `start` (top: not
 * known yet, which makes everything it reaches top too). */
static void propagate_marks(rc_program_t *p, uint32_t r, const rc_lset_t *start)
{
    rc_lset_t *me = &p->mark_entry[(size_t)r * p->nfns];
    uint32_t s = p->roots[r].fn;
    for (size_t i = 0; i < p->nfns; i++)
        rc_lset_top(&me[i]);
    me[s] = *start;
    if (start->top)
        return;
    uint32_t *work = rc_xmalloc((p->nfns + 1) * sizeof *work);
    uint8_t *queued = rc_xcalloc(p->nfns, 1);
    uint8_t *seen = rc_xcalloc(p->nfns, 1);
    size_t nwork = 0;
    work[nwork++] = s;
    queued[s] = seen[s] = 1;
    while (nwork) {
        uint32_t g = work[--nwork];
        queued[g] = 0;
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t e = 0; e < pg->nedges; e++) {
            uint32_t f = pg->edges[e].target;
            const rc_lset_t *cls = &pg->f->calls[pg->edges[e].call].ls;
            if (f == s || cls->top)
                continue; /* the root's own entry; a call on no path */
            rc_lset_t at;
            marks_of(p, pg->tu, cls, &at);
            rc_lset_join(&at, &me[g]);
            rc_lset_t ne = me[f];
            rc_lset_meet(&ne, &at);
            if (!seen[f] || !rc_lset_equal(&ne, &me[f])) {
                seen[f] = 1;
                me[f] = ne;
                if (!queued[f]) {
                    work[nwork++] = f;
                    queued[f] = 1;
                }
            }
        }
    }
    /* Callable from unknown places: nothing is known at entry. */
    for (size_t i = 0; i < p->nescaped; i++)
        if (p->escaped[i] != s && seen[p->escaped[i]])
            rc_lset_empty(&me[p->escaped[i]]);
    free(work);
    free(queued);
    free(seen);
}

/* The once marks a thread of root r starts with: those held at every creation
 * of it (a creation happens before the thread's first step). Top while a
 * creating root's marks are not known yet. */
static rc_lset_t start_marks(const rc_program_t *p, uint32_t r)
{
    rc_lset_t out;
    rc_lset_empty(&out);
    const rc_root_t *rt = &p->roots[r];
    if (rt->is_main || rt->nci == 0)
        return out;
    if (!rt->all_sites)
        return out; /* a creation in code no root reaches has no instance */
    rc_lset_top(&out);
    for (size_t i = 0; i < rt->nci; i++) {
        const rc_cinst_t *ci = &rt->ci[i];
        const rc_psite_t *s = &p->sites[ci->site];
        rc_lset_t at = p->mark_entry[(size_t)ci->root * p->nfns + s->at_fn];
        if (!at.top && s->at_fn == s->fn) {
            rc_lset_t local;
            marks_of(p, p->fns[s->fn].tu, &s->c->ls, &local);
            rc_lset_join(&at, &local);
        }
        if (!at.top)
            keep_once_marks(p, &at);
        rc_lset_meet(&out, &at);
    }
    return out;
}

static void compute_mark_entries(rc_program_t *p)
{
    p->mark_entry = rc_xcalloc(p->nroots * (p->nfns ? p->nfns : 1), sizeof *p->mark_entry);
    rc_lset_t *starts = rc_xmalloc((p->nroots ? p->nroots : 1) * sizeof *starts);
    for (size_t r = 0; r < p->nroots; r++) {
        if (p->roots[r].is_main || p->roots[r].nci == 0)
            rc_lset_empty(&starts[r]);
        else
            rc_lset_top(&starts[r]);
        propagate_marks(p, (uint32_t)r, &starts[r]);
    }
    /* Creations chain roots: iterate to a fixpoint (sets only shrink). */
    int changed = 1;
    for (size_t round = 0; changed && round < p->nroots + 2; round++) {
        changed = 0;
        for (size_t r = 0; r < p->nroots; r++) {
            rc_lset_t s = start_marks(p, (uint32_t)r);
            if (s.top == starts[r].top && rc_lset_equal(&s, &starts[r]))
                continue;
            starts[r] = s;
            propagate_marks(p, (uint32_t)r, &starts[r]);
            changed = 1;
        }
    }
    for (size_t r = 0; r < p->nroots; r++) {
        if (!changed && !starts[r].top)
            continue;
        rc_lset_empty(&starts[r]); /* not settled (creation cycles): know nothing */
        propagate_marks(p, (uint32_t)r, &starts[r]);
    }
    free(starts);
}

#define GUARD_UNREACHED (UINT32_MAX - 1)

/* once_guard: per root, the once object every call path to a function runs
 * through (a must-analysis over the call graph; a once call through an object
 * that cannot be named guards nothing). */
static void compute_once_guards(rc_program_t *p)
{
    p->once_guard = rc_xmalloc(p->nroots * (p->nfns ? p->nfns : 1) * sizeof *p->once_guard);
    uint32_t *work = rc_xmalloc((p->nfns + 1) * sizeof *work);
    uint8_t *queued = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t r = 0; r < p->nroots; r++) {
        uint32_t *gd = &p->once_guard[r * p->nfns], s = p->roots[r].fn;
        for (size_t i = 0; i < p->nfns; i++)
            gd[i] = GUARD_UNREACHED;
        gd[s] = RC_ONCE_NONE;
        size_t nwork = 0;
        work[nwork++] = s;
        queued[s] = 1;
        while (nwork) {
            uint32_t g = work[--nwork];
            queued[g] = 0;
            const rc_pfn_t *pg = &p->fns[g];
            for (size_t e = 0; e < pg->nedges; e++) {
                uint32_t f = pg->edges[e].target;
                const char *once = pg->f->calls[pg->edges[e].call].once;
                uint32_t v = gd[g];
                if (once)
                    v = rc_key_definite(once) ? rc_strtab_intern(&p->once_objs, once)
                                              : RC_ONCE_NONE;
                uint32_t nv = gd[f] == GUARD_UNREACHED || gd[f] == v ? v : RC_ONCE_NONE;
                if (f != s && nv != gd[f]) {
                    gd[f] = nv;
                    if (!queued[f]) {
                        work[nwork++] = f;
                        queued[f] = 1;
                    }
                }
            }
        }
        for (size_t i = 0; i < p->nescaped; i++)
            gd[p->escaped[i]] = RC_ONCE_NONE;
        for (size_t i = 0; i < p->nfns; i++)
            if (gd[i] == GUARD_UNREACHED)
                gd[i] = RC_ONCE_NONE;
    }
    free(work);
    free(queued);
}

/* A place in a function where waits on one barrier may happen: a wait (weight
 * 1) or a call of a function that may wait (weight: at most that many waits per
 * call, RC_WAITS_MANY when unbounded). */
typedef struct wevent {
    const rc_pos_t *pos;
    uint32_t weight;
    uint32_t call; /* index in the function's calls, or UINT32_MAX for a wait */
} wevent_t;

typedef struct wevents {
    wevent_t *v;
    size_t n;
    int back_goto; /* the function has a goto to an earlier label */
} wevents_t;

static uint32_t sat_add(uint32_t a, uint32_t b)
{
    return a >= RC_WAITS_MANY || b >= RC_WAITS_MANY || a + b >= RC_WAITS_MANY ? RC_WAITS_MANY
                                                                              : a + b;
}

/* The most waits of events ev that may happen in one run of their function before
 * the event at pos is over (all of them for pos == NULL): those starting before
 * its end (call `skip` excluded, unless a loop repeats it: its earlier rounds
 * come first), unbounded when a loop repeats one before pos or around it, or
 * after a backward goto. */
static uint32_t waits_before(const wevents_t *ev, const rc_pos_t *pos, uint32_t skip)
{
    uint32_t n = 0;
    for (size_t i = 0; i < ev->n; i++) {
        const wevent_t *w = &ev->v[i];
        if (w->call != UINT32_MAX && w->call == skip && !w->pos->loop_le)
            continue;
        if (ev->back_goto)
            return RC_WAITS_MANY;
        const rc_pos_t *q = w->pos;
        int before = !pos || q->off < (pos->end > pos->off ? pos->end : pos->off + 1);
        int around = pos && q->loop_le && q->loop_lb <= pos->off && pos->off < q->loop_le;
        if (q->loop_le && (before || around))
            return RC_WAITS_MANY;
        if (before)
            n = sat_add(n, w->weight);
    }
    return n;
}

struct rc_barrier_info {
    unsigned n;      /* the count, 0 when the barrier orders nothing */
    uint8_t *waiter; /* per root: it may wait on the barrier */
    wevents_t *ev;   /* per function: its waits and waiting calls */
    uint32_t *entry; /* [root * nfns + fn]: most waits passed at fn's entry */
};

/* 1 when pcall pc is a wait on barrier b. */
static int waits_on(const rc_program_t *p, const rc_pcall_t *pc, uint32_t b)
{
    return pc->kind == RC_API_BARRIER_WAIT && pc->obj &&
           rc_strtab_lookup(&p->barriers, pc->obj) == b;
}

/* Most waits per call of f (events of f built on the way), by depth-first
 * search; a call cycle through waiting functions is unbounded. */
static uint32_t total_waits(const rc_program_t *p, struct rc_barrier_info *bi, uint32_t b,
                            const uint8_t *mayw, uint32_t f, uint32_t *tot, uint8_t *state)
{
    if (state[f] == 2)
        return tot[f];
    if (state[f] == 1)
        return RC_WAITS_MANY;
    state[f] = 1;
    const rc_pfn_t *pf = &p->fns[f];
    wevents_t *ev = &bi->ev[f];
    size_t cap = 0;
    for (size_t i = 0; i < pf->f->npcalls; i++) {
        if (!waits_on(p, &pf->f->pcalls[i], b))
            continue;
        if (ev->n == cap)
            ev->v = rc_xrealloc(ev->v, (cap = cap ? cap * 2 : 4) * sizeof *ev->v);
        ev->v[ev->n++] = (wevent_t){&pf->f->pcalls[i].pos, 1, UINT32_MAX};
    }
    for (size_t e = 0; e < pf->nedges; e++) {
        uint32_t t = pf->edges[e].target;
        if (!mayw[t])
            continue;
        uint32_t w = total_waits(p, bi, b, mayw, t, tot, state);
        if (ev->n == cap)
            ev->v = rc_xrealloc(ev->v, (cap = cap ? cap * 2 : 4) * sizeof *ev->v);
        ev->v[ev->n++] = (wevent_t){&pf->f->calls[pf->edges[e].call].pos, w, pf->edges[e].call};
    }
    if (ev->n && backward_goto(pf->f))
        ev->back_goto = 1;
    tot[f] = waits_before(ev, NULL, UINT32_MAX);
    state[f] = 2;
    return tot[f];
}

/* Threads of root r at most (RC_WAITS_MANY: unbounded): main is one, a start
 * routine one per creation executed once by main, or as many as a counted for
 * loop of main's own body runs (rc_create_t.trip). */
static uint32_t root_threads(const rc_program_t *p, uint32_t r)
{
    const rc_root_t *rt = &p->roots[r];
    if (rt->is_main)
        return 1;
    if (rt->unknown_start)
        return RC_WAITS_MANY;
    uint32_t n = 0;
    for (size_t i = 0; i < rt->nci; i++) {
        const rc_cinst_t *ci = &rt->ci[i];
        const rc_psite_t *s = &p->sites[ci->site];
        uint32_t k = RC_WAITS_MANY;
        if (!p->roots[ci->root].is_main)
            k = RC_WAITS_MANY;
        else if (!ci->many)
            k = 1;
        else if (s->fn == p->main_fn && s->at_fn == s->fn && s->c->trip >= 0)
            k = (uint32_t)s->c->trip; /* looped only by that for statement */
        n = sat_add(n, k);
    }
    return n;
}

/* Most waits on b root r may have passed when each function is entered: the
 * maximum over call edges of (the caller's entry + its waits before the call),
 * to a fixpoint; unbounded for functions callable from anywhere. */
static void wait_entries(const rc_program_t *p, struct rc_barrier_info *bi, uint32_t r)
{
    uint32_t *we = &bi->entry[(size_t)r * p->nfns];
    uint32_t s = p->roots[r].fn;
    for (size_t i = 0; i < p->nfns; i++)
        we[i] = 0;
    int changed = 1;
    for (int round = 0; changed && round < 64; round++) {
        changed = 0;
        for (uint32_t g = 0; g < p->nfns; g++) {
            if (!rc_program_reach(p, r, g)->reached)
                continue;
            const rc_pfn_t *pg = &p->fns[g];
            for (size_t e = 0; e < pg->nedges; e++) {
                uint32_t f = pg->edges[e].target;
                if (f == s)
                    continue;
                const rc_call_t *c = &pg->f->calls[pg->edges[e].call];
                /* A callback runs when the loop runs, after waits not counted here. */
                uint32_t v =
                    c->callback
                        ? RC_WAITS_MANY
                        : sat_add(we[g], waits_before(&bi->ev[g], &c->pos, pg->edges[e].call));
                if (v > we[f]) {
                    we[f] = v;
                    changed = 1;
                }
            }
        }
    }
    for (size_t i = 0; changed && i < p->nfns; i++)
        we[i] = RC_WAITS_MANY; /* not settled (recursion through waits) */
    for (size_t i = 0; i < p->nescaped; i++)
        we[p->escaped[i]] = RC_WAITS_MANY;
}

/* 1 when the threads waiting on a barrier counting variable var (USR) are
 * exactly var many: one start routine (not main), created only by a counted
 * loop `for (i = 0; i < var; i++)` in a function that runs once per call of
 * main's (directly or through a creation wrapper called once), from a call of
 * main outside its loops. */
static int counted_threads(const rc_program_t *p, const struct rc_barrier_info *bi, const char *var)
{
    uint32_t waiter = UINT32_MAX;
    for (uint32_t r = 0; r < p->nroots; r++) {
        if (!bi->waiter[r])
            continue;
        if (waiter != UINT32_MAX || p->roots[r].is_main)
            return 0;
        waiter = r;
    }
    if (waiter == UINT32_MAX)
        return 0;
    const rc_root_t *rt = &p->roots[waiter];
    if (rt->unknown_start || rt->nci != 1 || !rt->all_sites)
        return 0;
    const rc_cinst_t *ci = &rt->ci[0];
    const rc_psite_t *s = &p->sites[ci->site];
    /* (In main itself, ci->at is the creation with its loop, the counted one.) */
    if (!p->roots[ci->root].is_main || !s->c->trip_var || strcmp(s->c->trip_var, var) != 0 ||
        (s->at_fn != p->main_fn && (ci->at.lb != ci->at.off || ci->at.le != ci->at.end)) ||
        rc_program_reach(p, ci->root, s->fn)->many)
        return 0;
    /* A creation wrapper (its routine a parameter): called once, outside loops. */
    return s->fn == s->at_fn || (!s->at->loop_le && !rc_program_reach(p, ci->root, s->at_fn)->many);
}

/* Counts, waiters and wait bounds of every barrier (rc_program_t.bar). */
static void compute_barriers(rc_program_t *p)
{
    size_t nb = p->barriers.n;
    p->bar = rc_xcalloc(nb ? nb : 1, sizeof *p->bar);
    uint8_t *bad = rc_xcalloc(nb ? nb : 1, 1);
    /* A forked child runs the same code on the same barrier (when shared). A wait
     * on, or a counted initialisation of, a barrier that cannot be named may be
     * one of these: uncounted waiters, another count. */
    int unnamed = p->nforks > 0;
    for (uint32_t f = 0; f < p->nfns && !unnamed; f++)
        for (size_t i = 0; i < p->fns[f].f->npcalls && !unnamed; i++) {
            const rc_pcall_t *pc = &p->fns[f].f->pcalls[i];
            unnamed = (pc->kind == RC_API_BARRIER_WAIT ||
                       (pc->kind == RC_API_SYNC_INIT && pc->shared != 0)) &&
                      (!pc->obj || !rc_key_definite(pc->obj));
        }
    for (size_t b = 0; b < nb && unnamed; b++)
        bad[b] = 1;
    /* A count that is a variable (`pthread_barrier_init(&b, NULL, n)`): its USR;
     * the barrier orders when the threads waiting on it are the n a counted
     * loop starts (counted_threads). */
    const char **var = rc_xcalloc(nb ? nb : 1, sizeof *var);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *ff = p->fns[f].f;
        for (size_t i = 0; i < ff->npcalls; i++) {
            const rc_pcall_t *pc = &ff->pcalls[i];
            uint32_t b = pc->obj ? rc_strtab_lookup(&p->barriers, pc->obj) : UINT32_MAX;
            if (pc->kind != RC_API_SYNC_INIT || b == UINT32_MAX)
                continue;
            if (pc->shared < 0 && pc->target && !p->bar[b].n &&
                (!var[b] || strcmp(var[b], pc->target) == 0)) {
                var[b] = pc->target;
                continue;
            }
            if (pc->shared <= 0 || var[b] || (p->bar[b].n && p->bar[b].n != (unsigned)pc->shared))
                bad[b] = 1;
            p->bar[b].n = pc->shared > 0 ? (unsigned)pc->shared : 0;
        }
    }
    for (uint32_t b = 0; b < nb; b++)
        if (var[b] && !bad[b])
            p->bar[b].n = RC_WAITS_MANY; /* checked against the waiters below */
    uint8_t *mayw = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    uint8_t *state = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    uint32_t *tot = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *tot);
    for (uint32_t b = 0; b < nb; b++) {
        struct rc_barrier_info *bi = &p->bar[b];
        if (bad[b] || bi->n == 0) {
            bi->n = 0;
            continue;
        }
        memset(mayw, 0, p->nfns);
        for (uint32_t f = 0; f < p->nfns; f++)
            for (size_t i = 0; i < p->fns[f].f->npcalls && !mayw[f]; i++)
                mayw[f] = (uint8_t)waits_on(p, &p->fns[f].f->pcalls[i], b);
        for (int changed = 1; changed;) {
            changed = 0;
            for (uint32_t f = 0; f < p->nfns; f++)
                for (size_t e = 0; e < p->fns[f].nedges && !mayw[f]; e++)
                    if (mayw[p->fns[f].edges[e].target])
                        mayw[f] = changed = 1;
        }
        bi->waiter = rc_xcalloc(p->nroots ? p->nroots : 1, 1);
        uint32_t threads = 0;
        for (uint32_t r = 0; r < p->nroots; r++) {
            bi->waiter[r] = mayw[p->roots[r].fn];
            if (bi->waiter[r])
                threads = sat_add(threads, root_threads(p, r));
        }
        if (var[b] ? !counted_threads(p, bi, var[b]) : threads > bi->n) {
            bi->n = 0; /* more threads than the count: rounds mix them */
            continue;
        }
        bi->ev = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *bi->ev);
        memset(state, 0, p->nfns);
        for (uint32_t f = 0; f < p->nfns; f++)
            total_waits(p, bi, b, mayw, f, tot, state);
        bi->entry = rc_xmalloc(p->nroots * (p->nfns ? p->nfns : 1) * sizeof *bi->entry);
        for (uint32_t r = 0; r < p->nroots; r++)
            wait_entries(p, bi, r);
        p->nphased++;
    }
    free(mayw);
    free(state);
    free(tot);
    free(bad);
    free(var);
}

/* 1 when TU-local lockset ls of function f holds global lock g. */
static int holds_global(const rc_program_t *p, uint32_t f, const rc_lset_t *ls, uint32_t g)
{
    for (int i = 0; !ls->top && i < ls->n; i++)
        if (p->lockmap[p->fns[f].tu][RC_LREF_LOCK(ls->v[i])] == g)
            return 1;
    return 0;
}

int rc_oneof_has(const char *set, const char *id)
{
    size_t n = strlen(id);
    for (const char *c = set + strlen(RC_ONEOF_PREFIX); *c;) {
        size_t k = strcspn(c, "|");
        if (k == n && memcmp(c, id, n) == 0)
            return 1;
        c += k + (c[k] == '|');
    }
    return 0;
}

/* 1 when releasing global lock r may release global lock m. */
static int releases(const rc_program_t *p, uint32_t r, uint32_t m)
{
    return r == m || r == p->unknown_lock ||
           (p->lock_oneof[r] && rc_oneof_has(p->locks.v[r], p->locks.v[m])) ||
           (p->lock_family[r] != UINT32_MAX && p->lock_family[r] == p->lock_family[m] &&
            (p->lock_wild[r] || p->lock_wild[m]));
}

/* Functions that may wait on a condition variable (releasing its mutex for a
 * while), themselves or through calls. */
static uint8_t *cond_waiters(const rc_program_t *p)
{
    uint8_t *cw = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t f = 0; f < p->nfns; f++)
        cw[f] = p->fns[f].f->nwaits > 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t f = 0; f < p->nfns; f++)
            for (size_t e = 0; !cw[f] && e < p->fns[f].nedges; e++)
                if (cw[p->fns[f].edges[e].target])
                    cw[f] = changed = 1;
    }
    return cw;
}

/* 1 when lock operation op of function f is an unlock that releases global lock
 * m (an unlock that leaves it held, the second of two holds, does not). */
static int unlock_releases(const rc_program_t *p, uint32_t f, const rc_lockop_t *op, uint32_t m)
{
    return op->kind == RC_API_UNLOCK && !op->keeps &&
           releases(p, p->lockmap[p->fns[f].tu][op->lock], m);
}

/* 1 when a call of function t may release global lock m: its summary releases
 * m (or every lock), or it may wait on a condition variable (p->cond_waits). */
static int call_releases(const rc_program_t *p, uint32_t t, uint32_t m)
{
    const rc_fn_facts_t *tf = p->fns[t].f;
    if ((p->cond_waits && p->cond_waits[t]) || tf->summary.rel_all)
        return 1;
    for (int k = 0; k < tf->summary.rel.n; k++)
        if (releases(p, p->lockmap[p->fns[t].tu][RC_LREF_LOCK(tf->summary.rel.v[k])], m))
            return 1;
    return 0;
}

/* The locks that the thread of root r holds exclusively from creation site s
 * (in r's own start function, outside loops, the only creation through its
 * handle) until every release of them, which the join of that handle precedes
 * on every path (the join mark), or for ever. out: global indexes. */
static void creation_held(const rc_program_t *p, const rc_psite_t *s, uint32_t r, rc_lset_t *out)
{
    rc_lset_empty(out);
    const rc_pfn_t *pf = &p->fns[s->fn];
    const rc_fn_facts_t *f = pf->f;
    const rc_pos_t *c = &s->c->pos;
    if (s->at_fn != s->fn || s->fn != p->roots[r].fn || c->loop_le || !s->handle || s->c->ls.top)
        return;
    for (size_t i = 0; i < f->ncreates; i++)
        if (&f->creates[i] != s->c && f->creates[i].handle &&
            strcmp(f->creates[i].handle, s->handle) == 0)
            return; /* the handle may name another thread at the join */
    for (size_t j = 0; j < f->njoins; j++)
        if (f->joins[j].handle && strcmp(f->joins[j].handle, s->handle) == 0 &&
            f->joins[j].pos.off <= c->end)
            return;
    if (backward_goto(f))
        return; /* "after the creation" is not textual */
    for (size_t j = 0; j < f->nwaits; j++)
        if (f->waits[j].pos.off > c->end)
            return; /* releases its mutex while it waits */
    char *jid = rc_xasprintf("%s%s", RC_JOIN_PREFIX, s->handle);
    uint32_t jm = rc_strtab_lookup(&p->locks, jid);
    free(jid);
    for (int i = 0; i < s->c->ls.n; i++) {
        uint32_t m = p->lockmap[pf->tu][RC_LREF_LOCK(s->c->ls.v[i])];
        if (RC_LREF_SHARED(s->c->ls.v[i]) || p->mark_kind[m] || m == p->unknown_lock ||
            p->lock_wild[m] || p->lock_sem[m])
            continue; /* a reader, a mark, a lock without one identity, a semaphore */
        int ok = 1;
        for (size_t o = 0; ok && o < f->nlockops; o++) {
            const rc_lockop_t *op = &f->lockops[o];
            if (op->pos.off > c->end && unlock_releases(p, s->fn, op, m) &&
                (jm == UINT32_MAX || !holds_global(p, s->fn, &op->held, jm)))
                ok = 0;
        }
        for (size_t e = 0; ok && e < pf->nedges; e++) {
            const rc_call_t *call = &f->calls[pf->edges[e].call];
            /* Calls before the creation (its arguments too) do not matter; one
             * around it runs its rest after. */
            if (call->pos.off <= c->end && !(call->pos.off <= c->off && call->pos.end >= c->end))
                continue;
            if (call_releases(p, pf->edges[e].target, m) &&
                (jm == UINT32_MAX || !holds_global(p, s->fn, &call->ls, jm)))
                ok = 0;
        }
        if (ok)
            rc_lset_add(out, m, 0);
    }
}

/* 1 when h is in the UINT32_MAX-terminated list v. */
static int holder_of_list(const uint32_t *v, uint32_t h)
{
    for (; v && *v != UINT32_MAX; v++)
        if (*v == h)
            return 1;
    return 0;
}

/* Step 10: creation locksets (rc_program_t.cl, cl_holders).
 *
 * A root's creation lockset is what every creation of it holds until the join
 * (creation_held), met over its creations. A thread that another thread starts
 * and joins in the same function (rc_cinst_t.contained) runs inside its
 * creator's run, so it also runs inside the creator's creation lockset, held by
 * the creator's holders: main locks m, starts t2 and joins it before unlocking;
 * t2 starts and joins t3, whose whole run is then inside main's hold of m too.
 * Computed as a fixpoint from empty sets, creators before the threads they
 * contain (at most one pass per nesting level). */
static void compute_creation_locksets(rc_program_t *p)
{
    int any = 0;
    size_t nr = p->nroots ? p->nroots : 1;
    rc_lset_t *cl = rc_xcalloc(nr, sizeof *cl);
    uint32_t **holders = rc_xcalloc(nr, sizeof *holders);
    /* Per root and creation instance: what the creation itself holds (fixed). */
    rc_lset_t **own = rc_xcalloc(nr, sizeof *own);
    uint8_t *known = rc_xcalloc(nr, 1);
    for (uint32_t r = 0; r < p->nroots; r++) {
        const rc_root_t *rt = &p->roots[r];
        rc_lset_empty(&cl[r]);
        if (rt->is_main || rt->nci == 0)
            continue;
        if (!rt->all_sites)
            continue;
        known[r] = 1;
        own[r] = rc_xcalloc(rt->nci, sizeof **own);
        for (size_t i = 0; i < rt->nci; i++)
            creation_held(p, &p->sites[rt->ci[i].site], rt->ci[i].root, &own[r][i]);
    }
    for (int changed = 1, pass = 0; changed && pass <= MAX_NEST; pass++) {
        changed = 0;
        for (uint32_t r = 0; r < p->nroots; r++) {
            if (!known[r])
                continue;
            const rc_root_t *rt = &p->roots[r];
            rc_lset_t acc;
            rc_lset_top(&acc);
            for (size_t i = 0; i < rt->nci; i++) {
                rc_lset_t h = own[r][i];
                uint32_t c = rt->ci[i].root;
                if (rt->ci[i].contained && c != r && !p->roots[c].is_main)
                    rc_lset_join(&h, &cl[c]);
                rc_lset_meet(&acc, &h);
            }
            if (acc.top)
                rc_lset_empty(&acc);
            if (!rc_lset_equal(&acc, &cl[r])) {
                cl[r] = acc;
                changed = 1;
            }
        }
    }
    /* Holders: the creating roots, and for a contained creation the holders of
     * what the creator runs inside of (grown to a fixpoint, as above). */
    size_t *nh = rc_xcalloc(nr, sizeof *nh);
    for (uint32_t r = 0; r < p->nroots; r++)
        if (known[r]) {
            holders[r] = rc_xmalloc(sizeof **holders);
            holders[r][0] = UINT32_MAX;
        }
    for (int changed = 1, pass = 0; changed && pass <= MAX_NEST + 1; pass++) {
        changed = 0;
        for (uint32_t r = 0; r < p->nroots; r++) {
            if (!known[r])
                continue;
            const rc_root_t *rt = &p->roots[r];
            for (size_t i = 0; i < rt->nci; i++) {
                uint32_t c = rt->ci[i].root;
                int inherit =
                    rt->ci[i].contained && c != r && !p->roots[c].is_main && known[c] && cl[c].n;
                for (size_t k = 0; k < (inherit ? nh[c] + 1 : 1); k++) {
                    uint32_t h = k == 0 ? c : holders[c][k - 1];
                    if (holder_of_list(holders[r], h))
                        continue;
                    holders[r] = rc_xrealloc(holders[r], (nh[r] + 2) * sizeof **holders);
                    holders[r][nh[r]++] = h;
                    holders[r][nh[r]] = UINT32_MAX;
                    changed = 1;
                }
            }
        }
    }
    free(nh);
    for (uint32_t r = 0; r < p->nroots; r++)
        any |= known[r] && cl[r].n != 0;
    for (uint32_t r = 0; r < p->nroots; r++)
        free(own[r]);
    free(own);
    free(known);
    if (!any) {
        for (size_t r = 0; r < p->nroots; r++)
            free(holders[r]);
        free(holders);
        free(cl);
        return;
    }
    p->cl = cl;
    p->cl_holders = holders;
}

static int holder_of(const rc_program_t *p, uint32_t r, uint32_t h)
{
    return holder_of_list(p->cl_holders[r], h);
}

/* 1 when a's whole thread runs inside a hold of a lock (its creation lockset)
 * that keeps b out: b holds the lock in a thread other than the holder, or b's
 * thread also runs inside a hold of it by other threads. */
static int creation_excludes(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    const rc_lset_t *ca = &p->cl[a->root];
    if (ca->n == 0 || holder_of(p, a->root, b->root))
        return 0;
    for (int i = 0; i < ca->n; i++) {
        uint32_t m = RC_LREF_LOCK(ca->v[i]);
        if (rc_lset_has(&b->ls, m))
            return 1;
        if (rc_lset_has(&p->cl[b->root], m) && !holder_of(p, b->root, a->root)) {
            int shared = 0;
            for (const uint32_t *v = p->cl_holders[a->root]; *v != UINT32_MAX && !shared; v++)
                shared = holder_of(p, b->root, *v);
            if (!shared)
                return 1;
        }
    }
    return 0;
}

/* A creation handshake (rc_program_t.hs, per root): the creating function
 * `fn` starts the root at `lb` and waits until `le` (the end of the wait loop)
 * for the flag the routine first writes at offset `w` of its start function;
 * `ok` 0 when the root has none. */
struct rc_handshake {
    int ok;
    uint32_t fn;
    unsigned lb, le, w;
};

/* The global lock of local lock reference r in function f. */
static uint32_t global_lock(const rc_program_t *p, uint32_t f, uint32_t r)
{
    return p->lockmap[p->fns[f].tu][RC_LREF_LOCK(r)];
}

/* 1 when the two facts locksets of functions fa and fb share a lock that b holds
 * exclusively. */
static int share_lock(const rc_program_t *p, uint32_t fa, const rc_lset_t *a, uint32_t fb,
                      const rc_lset_t *b)
{
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (!RC_LREF_SHARED(b->v[j]) &&
                global_lock(p, fa, a->v[i]) == global_lock(p, fb, b->v[j]))
                return 1;
    return 0;
}

static int is_write(const rc_access_t *a)
{
    return a->kind == RC_ACC_WRITE || a->kind == RC_ACC_RMW;
}

/* The handshake of root r, if it has one (see the file header). */
static void find_handshake(const rc_program_t *p, uint32_t r, struct rc_handshake *out)
{
    const rc_root_t *rt = &p->roots[r];
    memset(out, 0, sizeof *out);
    if (rt->is_main || rt->unknown_start || rt->nci == 0)
        return;
    size_t s = rt->ci[0].site;
    for (size_t i = 1; i < rt->nci; i++)
        if (rt->ci[i].site != s)
            return; /* several creation sites */
    const rc_psite_t *site = &p->sites[s];
    if (site->at_fn != site->fn)
        return; /* through a wrapper */
    uint32_t F = site->fn, R = rt->fn;
    const rc_fn_facts_t *f = p->fns[F].f, *fr = p->fns[R].f;
    const rc_pos_t *c = &site->c->pos;
    for (size_t w = 0; w < f->nwaits; w++) {
        const rc_pos_t *wp = &f->waits[w].pos;
        if (!wp->iloop_le || wp->iloop_lb <= c->end)
            continue; /* not in a loop of its own after the creation */
        if (c->iloop_le && (wp->iloop_lb < c->iloop_lb || wp->iloop_le > c->iloop_le))
            continue; /* the creation repeats without waiting each time */
        /* The flag: read under a lock in the wait loop, first written by the
         * routine under the same lock, outside any loop. */
        for (size_t a = 0; a < f->nacc; a++) {
            const rc_access_t *rd = &f->acc[a];
            const char *key = p->keys[F][a];
            if (!key || rd->kind != RC_ACC_READ || rd->pos.off < wp->iloop_lb ||
                rd->pos.off > wp->iloop_le || rd->ls.n == 0)
                continue;
            unsigned first = UINT_MAX;
            int bad = 0;
            for (size_t b = 0; b < fr->nacc && !bad; b++) {
                const rc_access_t *wr = &fr->acc[b];
                if (!is_write(wr) || !p->keys[R][b] || !rc_keys_overlap(p->keys[R][b], key, 0))
                    continue;
                if (wr->pos.off < first) {
                    first = wr->pos.off;
                    bad = wr->pos.loop_le != 0 || !share_lock(p, F, &rd->ls, R, &wr->ls);
                }
            }
            if (bad || first == UINT_MAX)
                continue;
            /* Nobody else sets the flag: no other function writes it, and the
             * creating function not while it waits. */
            for (size_t g = 0; g < p->nfns && !bad; g++) {
                if (g == R)
                    continue;
                const rc_fn_facts_t *gf = p->fns[g].f;
                for (size_t b = 0; b < gf->nacc && !bad; b++)
                    if (is_write(&gf->acc[b]) && p->keys[g][b] &&
                        rc_keys_overlap(p->keys[g][b], key, 0))
                        bad = g != F ||
                              (gf->acc[b].pos.off >= c->off && gf->acc[b].pos.off <= wp->iloop_le);
            }
            if (bad)
                continue;
            *out = (struct rc_handshake){1, F, c->off, wp->iloop_le, first};
            return;
        }
    }
}

static void compute_handshakes(rc_program_t *p)
{
    struct rc_handshake *hs = rc_xcalloc(p->nroots ? p->nroots : 1, sizeof *hs);
    int any = 0;
    for (uint32_t r = 0; r < p->nroots; r++) {
        find_handshake(p, r, &hs[r]);
        any |= hs[r].ok;
    }
    if (any)
        p->hs = hs;
    else
        free(hs);
}

/* 1 when a is in root r's start function up to its first write of the flag,
 * outside loops that reach past it. */
static int before_handshake(const rc_program_t *p, uint32_t r, const rc_inst_t *a)
{
    const struct rc_handshake *h = &p->hs[r];
    return a->root == r && a->fn == p->roots[r].fn && a->pos && a->pos->off <= h->w &&
           (!a->pos->loop_le || a->pos->loop_le < h->w);
}

/* 1 when root r's handshake orders a (of the routine) before b. */
static int handshake_orders(const rc_program_t *p, uint32_t r, const rc_inst_t *a,
                            const rc_inst_t *b)
{
    const struct rc_handshake *h = &p->hs[r];
    if (!h->ok || !before_handshake(p, r, a))
        return 0;
    if (before_handshake(p, r, b))
        return 1; /* two threads of the routine: the later one starts after the wait */
    if (b->fn != h->fn || !b->pos || (b->pos->off >= h->lb && b->pos->off <= h->le))
        return 0; /* (no position: anywhere in the function) */
    const rc_root_t *rt = &p->roots[r];
    for (size_t i = 0; i < rt->nci; i++)
        if (rt->ci[i].root == b->root)
            return 1;
    return 0;
}

static void compute_main_joins(rc_program_t *p);

/* Step 10. */
static void compute_order(rc_program_t *p)
{
    int marks = 0, onces = 0;
    for (uint32_t i = 0; i < p->locks.n; i++)
        marks |= p->mark_kind[i] != 0;
    for (size_t f = 0; f < p->nfns && !onces; f++)
        for (size_t c = 0; c < p->fns[f].f->ncalls && !onces; c++)
            onces = p->fns[f].f->calls[c].once != NULL;
    if (marks)
        compute_mark_entries(p);
    if (onces)
        compute_once_guards(p);
    compute_barriers(p);
    p->cond_waits = cond_waiters(p);
    compute_creation_locksets(p);
    compute_handshakes(p);
    if (marks)
        compute_main_joins(p);
}

uint32_t rc_program_once_guard(const rc_program_t *p, uint32_t root, uint32_t fn)
{
    return p->once_guard ? p->once_guard[(size_t)root * p->nfns + fn] : RC_ONCE_NONE;
}

static int has_once_mark(const rc_program_t *p, const rc_lset_t *m, uint32_t obj)
{
    for (int i = 0; i < m->n; i++) {
        uint32_t l = RC_LREF_LOCK(m->v[i]);
        if (p->mark_kind[l] == RC_MARK_ONCE && p->mark_obj[l] == obj)
            return 1;
    }
    return 0;
}

/* 1 when a happens before b through barrier b's rounds: a's thread waits on it,
 * has passed at most k waits at a, and b's thread at least k + 1 at b. */
static int barrier_before(const rc_program_t *p, uint32_t bar, const rc_inst_t *a,
                          const rc_inst_t *b)
{
    const struct rc_barrier_info *bi = &p->bar[bar];
    uint32_t lo = 0;
    for (int i = 0; i < b->marks.n; i++) {
        uint32_t l = RC_LREF_LOCK(b->marks.v[i]);
        if (p->mark_kind[l] == RC_MARK_BARRIER && p->mark_obj[l] == bar && p->mark_k[l] > lo)
            lo = p->mark_k[l];
    }
    if (lo == 0 || !a->pos || !bi->waiter[a->root])
        return 0;
    uint32_t hi = sat_add(bi->entry[(size_t)a->root * p->nfns + a->fn],
                          waits_before(&bi->ev[a->fn], a->pos, UINT32_MAX));
    return hi < lo;
}

/* 1 when instance a has taken global lock m since its thread started (the
 * acquisition mark, internal.h). */
static int has_acq_mark(const rc_program_t *p, const rc_lset_t *marks, uint32_t m)
{
    for (int i = 0; i < marks->n; i++) {
        uint32_t l = RC_LREF_LOCK(marks->v[i]);
        if (p->mark_kind[l] == RC_MARK_ACQ && p->mark_obj[l] == m)
            return 1;
    }
    return 0;
}

/* 1 when creating function f holds global lock m without a break from creation
 * site c to event b after it: no unlock of m, no condition wait, no call that
 * may release m in between, and no backward goto. */
static int held_from_creation(const rc_program_t *p, uint32_t f, const rc_pos_t *c,
                              const rc_pos_t *b, uint32_t m)
{
    const rc_pfn_t *pf = &p->fns[f];
    const rc_fn_facts_t *fn = pf->f;
    if (backward_goto(fn) || b->off <= c->end ||
        (c->loop_le && c->loop_lb <= b->off && b->off < c->loop_le))
        return 0;
    for (size_t o = 0; o < fn->nlockops; o++) {
        const rc_lockop_t *op = &fn->lockops[o];
        if (op->pos.off > c->end && op->pos.off < b->off && unlock_releases(p, f, op, m))
            return 0;
    }
    for (size_t j = 0; j < fn->nwaits; j++)
        if (fn->waits[j].pos.off > c->end && fn->waits[j].pos.off < b->off)
            return 0;
    for (size_t e = 0; e < pf->nedges; e++) {
        const rc_call_t *call = &fn->calls[pf->edges[e].call];
        if (call->pos.off > c->end && call->pos.off < b->off &&
            call_releases(p, pf->edges[e].target, m))
            return 0;
    }
    return 1;
}

/* 1 when every creation of root r is made directly by root c, in function f,
 * holding global lock m exclusively. */
static int created_holding(const rc_program_t *p, uint32_t r, uint32_t c, uint32_t f, uint32_t m)
{
    const rc_root_t *rt = &p->roots[r];
    if (rt->nci == 0 || !rt->all_sites)
        return 0;
    for (size_t k = 0; k < rt->nci; k++) {
        const rc_psite_t *s = &p->sites[rt->ci[k].site];
        if (rt->ci[k].root != c || s->at_fn != s->fn || s->fn != f)
            return 0;
        rc_lset_t at;
        rc_program_lset(p, p->fns[s->fn].tu, &s->c->ls, &at);
        int ri = -1;
        for (int j = 0; j < at.n && ri < 0; j++)
            if (RC_LREF_LOCK(at.v[j]) == m)
                ri = j;
        if (ri < 0 || RC_LREF_SHARED(at.v[ri]))
            return 0;
    }
    return 1;
}

/* 1 when m is a lock that can order a hand-off: one exclusively held object. */
static int handoff_lock(const rc_program_t *p, uint32_t m)
{
    return m != p->unknown_lock && !p->lock_wild[m] && !p->lock_oneof[m] && !p->lock_sem[m] &&
           p->lock_param[m] < 0 && !p->mark_kind[m];
}

/* Lock hand-off (the start gate): 1 when b happens before a because a's thread
 * has taken a lock m since it started (its acquisition mark), and every
 * creation of a's thread was made by a thread that runs once (main, or a thread
 * created once) holding m, which it kept holding until
 *   - b, an event of its own in the creating function: no unlock of m,
 *     condition wait or call that may release it between the creation and b;
 *   - or the end of b's thread: one whose whole run lies inside that creator's
 *     hold of m (its creation lockset), created in the same function, the hold
 *     unbroken between the two creations.
 * a's thread can take m only after the creator lets it go. Also when b comes so
 * before every creation of a's thread (made by a thread that took m first, or
 * further up, at most MAX_NEST creations), see creations_after. */
static int creations_after(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b,
                           int depth);

static int handoff_orders_at(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b,
                             int depth)
{
    if (creations_after(p, a, b, depth))
        return 1;
    const rc_root_t *ra = &p->roots[a->root];
    if (ra->is_main || a->root == b->root || ra->nci == 0 || !ra->all_sites || !b->pos)
        return 0;
    uint32_t c = ra->ci[0].root, f = p->sites[ra->ci[0].site].fn;
    if (!p->roots[c].is_main && p->roots[c].multi)
        return 0;
    /* b in the creator, holding m since every creation. */
    for (int i = 0; b->root == c && b->fn == f && i < b->ls.n; i++) {
        uint32_t m = RC_LREF_LOCK(b->ls.v[i]);
        if (RC_LREF_SHARED(b->ls.v[i]) || !handoff_lock(p, m) || !has_acq_mark(p, &a->marks, m) ||
            !created_holding(p, a->root, c, f, m))
            continue;
        int all = 1;
        for (size_t k = 0; all && k < ra->nci; k++)
            all = held_from_creation(p, f, &p->sites[ra->ci[k].site].c->pos, b->pos, m);
        if (all)
            return 1;
    }
    /* b in a thread run entirely inside the creator's hold of m. */
    const rc_root_t *rb = &p->roots[b->root];
    if (!p->cl || rb->is_main)
        return 0;
    for (int i = 0; i < p->cl[b->root].n; i++) {
        uint32_t m = RC_LREF_LOCK(p->cl[b->root].v[i]);
        if (!handoff_lock(p, m) || !has_acq_mark(p, &a->marks, m) ||
            !created_holding(p, a->root, c, f, m) || !created_holding(p, b->root, c, f, m))
            continue;
        int all = 1;
        for (size_t k = 0; all && k < ra->nci; k++)
            for (size_t l = 0; all && l < rb->nci; l++) {
                const rc_pos_t *x = &p->sites[ra->ci[k].site].c->pos;
                const rc_pos_t *y = &p->sites[rb->ci[l].site].c->pos;
                all = x->off < y->off ? held_from_creation(p, f, x, y, m)
                                      : held_from_creation(p, f, y, x, m);
            }
        if (all)
            return 1;
    }
    return 0;
}

/* 1 when b comes before every creation of a's thread by the hand-off (each
 * creation, a direct one, taken as an event of its creating thread): a thread
 * that passes the gate and then starts others starts them after the creator's
 * hold. */
static int creations_after(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b, int depth)
{
    const rc_root_t *ra = &p->roots[a->root];
    if (depth >= MAX_NEST || ra->is_main || ra->nci == 0 || !ra->all_sites)
        return 0;
    for (size_t k = 0; k < ra->nci; k++) {
        const rc_cinst_t *ci = &ra->ci[k];
        const rc_psite_t *s = &p->sites[ci->site];
        if (s->at_fn != s->fn || ci->root == b->root || p->roots[ci->root].is_main)
            return 0;
        rc_inst_t at;
        rc_program_inst(p, ci->root, s->fn, &s->c->pos, &s->c->ls, &at);
        if (!handoff_orders_at(p, &at, b, depth + 1))
            return 0;
    }
    return 1;
}

static int handoff_orders(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    return handoff_orders_at(p, a, b, 0);
}

/* 1 when global var (USR) names the main thread: main assigns it the calling
 * thread's handle (rc_tu_facts_t.self_vars) and no other function writes it. */
static int names_main_thread(const rc_program_t *p, const char *var)
{
    const char *main_usr = p->fns[p->main_fn].f->usr;
    int in_main = 0;
    for (size_t t = 0; t < p->ntus; t++)
        for (size_t k = 0; k < p->tus[t]->nself; k++)
            if (strcmp(p->tus[t]->self_vars[k], var) == 0) {
                if (strcmp(p->tus[t]->self_fns[k], main_usr) != 0)
                    return 0;
                in_main = 1;
            }
    for (uint32_t f = 0; in_main && f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; f != p->main_fn && i < fn->nacc; i++)
            if (fn->acc[i].kind != RC_ACC_READ && fn->acc[i].key &&
                strcmp(fn->acc[i].key, var) == 0)
                return 0;
    }
    return in_main;
}

/* rc_program_t.joins_main: the join marks of handles naming the main thread. */
static void compute_main_joins(rc_program_t *p)
{
    if (p->main_fn == UINT32_MAX)
        return;
    size_t np = strlen(RC_JOIN_PREFIX);
    for (uint32_t l = 0; l < p->locks.n; l++)
        if (p->mark_kind[l] == RC_MARK_JOIN && names_main_thread(p, p->locks.v[l] + np)) {
            if (!p->joins_main)
                p->joins_main = rc_xcalloc(p->locks.n, 1);
            p->joins_main[l] = 1;
        }
}

/* 1 when a's thread has joined the main thread before a (a join mark of a
 * handle naming it) and b is an event of main: main has finished by then (it
 * ended with pthread_exit; had it returned, the process would have ended). */
static int main_joined(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    if (!p->roots[b->root].is_main || p->roots[a->root].is_main)
        return 0;
    for (int i = 0; i < a->marks.n; i++)
        if (p->joins_main[RC_LREF_LOCK(a->marks.v[i])])
            return 1;
    return 0;
}

int rc_program_ordered(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    uint32_t ga = rc_program_once_guard(p, a->root, a->fn);
    uint32_t gb = rc_program_once_guard(p, b->root, b->fn);
    /* The one run of a once routine is one thread's sequential code. */
    if (ga != RC_ONCE_NONE && ga == gb)
        return 1;
    /* The routine has finished when pthread_once returns, in any thread. */
    if ((ga != RC_ONCE_NONE && has_once_mark(p, &b->marks, ga)) ||
        (gb != RC_ONCE_NONE && has_once_mark(p, &a->marks, gb)))
        return 1;
    for (uint32_t x = 0; p->nphased && x < p->barriers.n; x++)
        if (p->bar[x].n && (barrier_before(p, x, a, b) || barrier_before(p, x, b, a)))
            return 1;
    /* A thread run entirely while its creator holds a lock. */
    if (p->cl && (creation_excludes(p, a, b) || creation_excludes(p, b, a)))
        return 1;
    /* A creator that waits until the thread has set a flag. */
    if (p->hs && (handshake_orders(p, a->root, a, b) || handshake_orders(p, b->root, b, a)))
        return 1;
    /* A creator that holds a lock the thread takes before the access. */
    if (p->mark_kind && (handoff_orders(p, a, b) || handoff_orders(p, b, a)))
        return 1;
    /* A thread that has joined the main thread. */
    if (p->joins_main && (main_joined(p, a, b) || main_joined(p, b, a)))
        return 1;
    return 0;
}

static void close_order(rc_program_t *p)
{
    for (size_t b = 0; p->bar && b < p->barriers.n; b++) {
        for (size_t f = 0; p->bar[b].ev && f < p->nfns; f++)
            free(p->bar[b].ev[f].v);
        free(p->bar[b].ev);
        free(p->bar[b].waiter);
        free(p->bar[b].entry);
    }
    free(p->bar);
    free(p->mark_kind);
    free(p->mark_obj);
    free(p->mark_k);
    free(p->mark_entry);
    free(p->once_guard);
    free(p->cond_waits);
    free(p->joins_main);
    for (size_t r = 0; p->cl_holders && r < p->nroots; r++)
        free(p->cl_holders[r]);
    free(p->cl_holders);
    free(p->cl);
    free(p->hs);
    rc_strtab_close(&p->once_objs);
    rc_strtab_close(&p->barriers);
}

/* ---- Step 11: parameter locks ------------------------------------------------ */

char *rc_key_lock_id(const char *key)
{
    const char *sep = key ? strchr(key, RC_KEY_SEP) : NULL;
    if (!sep || key[0] == '*' || strchr(key, RC_PARAM_MARK) || strstr(sep, "[*]") ||
        strstr(sep, "[#]") || strchr(sep, '>'))
        return NULL;
    return rc_xasprintf("%.*s%s", (int)(sep - key), key, sep + 1);
}

/* A display name for a lock identity made by key_lock_id: the variable's name
 * (after the USR's last '@') and the path. */
static char *lock_display_name(const char *id)
{
    const char *at = strrchr(id, '@');
    return rc_xstrdup(at ? at + 1 : id);
}

/* Before the lock tables are sized: the objects callers pass where a callee's
 * parameter lock is, as locks (a mutex only ever locked through a helper's
 * parameter is not a lock of any TU otherwise). */
static void intern_param_args(rc_program_t *p, const rc_tu_facts_t *const *tus)
{
    /* Per function, the parameters whose lock its accesses hold (bit i). */
    uint8_t *pmask = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *ff = p->fns[f].f;
        const rc_tu_facts_t *ft = tus[p->fns[f].tu];
        for (size_t a = 0; a < ff->nacc; a++)
            for (int i = 0; i < ff->acc[a].ls.n; i++) {
                const char *id = ft->locks.v[RC_LREF_LOCK(ff->acc[a].ls.v[i])];
                int pi = id[0] == '\x01' && id[1] == 'p' ? atoi(id + 2) : -1;
                if (pi >= 0 && pi < RC_PLOCK_PARAMS)
                    pmask[f] |= (uint8_t)(1u << pi);
            }
    }
    for (size_t g = 0; g < p->nfns; g++) {
        const rc_fn_facts_t *gf = p->fns[g].f;
        for (size_t c = 0; c < gf->ncalls; c++) {
            const rc_call_t *call = &gf->calls[c];
            uint32_t f = rc_strtab_lookup(&p->fn_usrs, call->callee);
            if (f == UINT32_MAX || !call->arg_keys || !pmask[f])
                continue;
            for (int pi = 0; pi < RC_PLOCK_PARAMS && pi < call->nargs; pi++) {
                if (!(pmask[f] & (1u << pi)))
                    continue;
                char *lid = rc_key_lock_id(call->arg_keys[pi]);
                if (lid && rc_strtab_lookup(&p->locks, lid) == UINT32_MAX) {
                    rc_strtab_intern(&p->locks, lid);
                    p->plock_names =
                        rc_xrealloc(p->plock_names, (p->nplock_names + 1) * sizeof *p->plock_names);
                    p->plock_names[p->nplock_names++] = lock_display_name(lid);
                }
                free(lid);
            }
        }
    }
    free(pmask);
}

/* The lock argument i of call c (in g, under root r) passes, for step 11. */
static uint32_t arg_lock(const rc_program_t *p, uint32_t r, uint32_t g, const rc_call_t *c, int i)
{
    const char *key = c->arg_keys ? c->arg_keys[i] : NULL;
    if (!key)
        return RC_PLOCK_VARIES;
    const char *mark = strchr(key, RC_PARAM_MARK);
    if (mark) {
        /* The caller's own parameter j, passed on: what its callers pass. */
        const char *usr = p->fns[g].f->usr;
        size_t n = strlen(usr);
        if ((size_t)(mark - key) != n || strncmp(key, usr, n) != 0 || mark[1] != 'p')
            return RC_PLOCK_VARIES;
        char *end = NULL;
        long j = strtol(mark + 2, &end, 10);
        if (!end || end[0] != RC_KEY_SEP || end[1] || j < 0 || j >= RC_PLOCK_PARAMS)
            return RC_PLOCK_VARIES;
        return p->plock[((size_t)r * p->nfns + g) * RC_PLOCK_PARAMS + (size_t)j];
    }
    char *lid = rc_key_lock_id(key);
    uint32_t l = lid ? rc_strtab_lookup(&p->locks, lid) : UINT32_MAX;
    free(lid);
    return l == UINT32_MAX ? RC_PLOCK_VARIES : l;
}

/* Per root and function, the lock each parameter stands for (rc_program_t.plock):
 * what every call path of the root passes, through parameters passed on. */
static void compute_plocks(rc_program_t *p)
{
    int any = 0;
    for (uint32_t l = 0; l < p->locks.n && !any; l++)
        any = p->lock_param[l] >= 0;
    if (!any || !p->nroots || !p->nfns)
        return;
    size_t per = p->nfns * RC_PLOCK_PARAMS;
    p->plock = rc_xmalloc(p->nroots * per * sizeof *p->plock);
    for (size_t i = 0; i < p->nroots * per; i++)
        p->plock[i] = RC_PLOCK_UNSET;
    for (uint32_t r = 0; r < p->nroots; r++) {
        for (int round = 0, changed = 1; changed && round < 16; round++) {
            changed = 0;
            for (uint32_t g = 0; g < p->nfns; g++) {
                if (!rc_program_reach(p, r, g)->reached)
                    continue;
                const rc_pfn_t *pg = &p->fns[g];
                for (size_t e = 0; e < pg->nedges; e++) {
                    const rc_call_t *c = &pg->f->calls[pg->edges[e].call];
                    uint32_t f = pg->edges[e].target;
                    if (c->callback)
                        continue; /* registered here, called by the loop */
                    for (int i = 0; i < c->nargs && i < RC_PLOCK_PARAMS; i++) {
                        uint32_t v = arg_lock(p, r, g, c, i);
                        uint32_t *slot =
                            &p->plock[((size_t)r * p->nfns + f) * RC_PLOCK_PARAMS + (size_t)i];
                        if (v == RC_PLOCK_UNSET || *slot == v || *slot == RC_PLOCK_VARIES)
                            continue;
                        *slot = *slot == RC_PLOCK_UNSET ? v : RC_PLOCK_VARIES;
                        changed = 1;
                    }
                }
            }
        }
    }
}

void rc_program_build(rc_program_t *p, const rc_tu_facts_t *const *tus, size_t ntus)
{
    memset(p, 0, sizeof *p);
    p->tus = tus;
    p->main_fn = p->main_root = UINT32_MAX;
    size_t cap = 0;
    for (size_t t = 0; t < ntus; t++) {
        for (size_t i = 0; i < tus[t]->nfns; i++) {
            const rc_fn_facts_t *f = &tus[t]->fns[i];
            uint32_t before = p->fn_usrs.n;
            uint32_t idx = rc_strtab_intern(&p->fn_usrs, f->usr);
            if (idx != before)
                continue; /* already defined by an earlier TU */
            if (p->nfns == cap) {
                cap = cap ? cap * 2 : 64;
                p->fns = rc_xrealloc(p->fns, cap * sizeof *p->fns);
            }
            p->fns[p->nfns++] = (rc_pfn_t){f, (uint32_t)t, NULL, 0};
        }
    }
    p->ntus = ntus;
    p->lockmap = rc_xcalloc(ntus ? ntus : 1, sizeof *p->lockmap);
    for (size_t t = 0; t < ntus; t++) {
        p->lockmap[t] = rc_xcalloc(tus[t]->locks.n ? tus[t]->locks.n : 1, sizeof(uint32_t));
        for (uint32_t i = 0; i < tus[t]->locks.n; i++)
            p->lockmap[t][i] = rc_strtab_intern(&p->locks, tus[t]->locks.v[i]);
    }
    p->unknown_lock = rc_strtab_intern(&p->locks, "?");
    uint32_t first_plock = p->locks.n;
    intern_param_args(p, tus);
    p->lock_names = rc_xcalloc(p->locks.n, sizeof *p->lock_names);
    for (uint32_t i = first_plock; i < p->locks.n; i++)
        p->lock_names[i] = p->plock_names[i - first_plock];
    p->lock_param = rc_xmalloc(p->locks.n ? p->locks.n : 1);
    for (uint32_t i = 0; i < p->locks.n; i++) {
        const char *id = p->locks.v[i];
        p->lock_param[i] = (int8_t)(id[0] == '\x01' && id[1] == 'p' ? atoi(id + 2) : -1);
    }
    for (size_t t = 0; t < ntus; t++)
        for (uint32_t i = 0; i < tus[t]->locks.n; i++)
            if (!p->lock_names[p->lockmap[t][i]])
                p->lock_names[p->lockmap[t][i]] = tus[t]->lock_names[i];
    if (!p->lock_names[p->unknown_lock])
        p->lock_names[p->unknown_lock] = "an unidentified lock";
    /* Array lock families: "X[3]" and "X[]" share the family "X[". */
    rc_strtab_t fams = {0};
    p->lock_family = rc_xcalloc(p->locks.n, sizeof *p->lock_family);
    p->lock_wild = rc_xcalloc(p->locks.n, 1);
    p->lock_oneof = rc_xcalloc(p->locks.n, 1);
    for (uint32_t i = 0; i < p->locks.n; i++) {
        const char *id = p->locks.v[i];
        p->lock_oneof[i] = strncmp(id, RC_ONEOF_PREFIX, strlen(RC_ONEOF_PREFIX)) == 0;
        size_t n = strlen(id);
        const char *open = strrchr(id, '[');
        p->lock_family[i] = UINT32_MAX;
        if (n >= 3 && id[n - 1] == ']' && open) {
            char *fam = rc_xasprintf("%.*s", (int)(open - id + 1), id);
            p->lock_family[i] = rc_strtab_intern(&fams, fam);
            p->lock_wild[i] = open[1] == ']';
            free(fam);
        }
    }
    rc_strtab_close(&fams);
    classify_marks(p);
    sem_kinds(p);
    for (size_t i = 0; i < p->nfns; i++) {
        const rc_fn_facts_t *f = p->fns[i].f;
        for (size_t c = 0; c < f->ncalls; c++) {
            if (passed_to_defined(p, &f->calls[c]))
                continue;
            uint32_t t = rc_strtab_lookup(&p->fn_usrs, f->calls[c].callee);
            if (t != UINT32_MAX)
                add_edge(&p->fns[i], (uint32_t)c, t);
        }
        for (size_t c = 0; c < f->ncreates; c++) {
            const rc_create_t *cr = &f->creates[c];
            for (size_t k = 0; k < cr->nroutines; k++)
                add_site(p, (rc_psite_t){(uint32_t)i, cr, cr->routines[k], (uint32_t)i, &cr->pos,
                                         cr->arg_kind, cr->arg_key, cr->handle});
        }
    }
    collect_escaped(p);
    add_indirect_edges(p);
    add_wrapper_sites(p);
    p->main_fn = rc_strtab_lookup(&p->fn_usrs, MAIN_USR);
    if (p->main_fn != UINT32_MAX)
        p->main_root = add_root(p, p->main_fn, 1);
    for (size_t s = 0; s < p->nsites; s++) {
        uint32_t fn = rc_strtab_lookup(&p->fn_usrs, p->sites[s].routine);
        if (fn != UINT32_MAX && root_of_fn(p, fn) == UINT32_MAX)
            add_root(p, fn, 0);
    }
    p->reach = rc_xcalloc(p->nroots * (p->nfns ? p->nfns : 1), sizeof *p->reach);
    for (size_t r = 0; r < p->nroots; r++)
        compute_reach(p, (uint32_t)r);
    compute_procs(p);
    compute_main_times(p);
    compute_starts(p);
    compute_site_nostart(p);
    classify_args(p);
    compute_keys(p);
    compute_order(p);
    compute_plocks(p);
}

void rc_program_close(rc_program_t *p)
{
    for (size_t i = 0; i < p->nfns; i++) {
        for (size_t a = 0; p->keys && a < p->fns[i].f->nacc; a++)
            free(p->keys[i][a]);
        if (p->keys)
            free(p->keys[i]);
        for (size_t a = 0; p->pkeys && a < p->fns[i].f->npcalls; a++)
            free(p->pkeys[i][a]);
        if (p->pkeys)
            free(p->pkeys[i]);
        free(p->fns[i].edges);
        if (p->mtimes)
            free(p->mtimes[i]);
    }
    free(p->fns);
    free(p->keys);
    free(p->pkeys);
    free(p->forks);
    free(p->fn_proc);
    free(p->mtimes);
    free(p->in_creator);
    free(p->site_nostart);
    free(p->nmtimes);
    for (size_t r = 0; r < p->nroots; r++) {
        free(p->roots[r].ci);
        free(p->roots[r].joins);
    }
    free(p->roots);
    free(p->reach);
    free(p->sites);
    free(p->escaped);
    free(p->escaped_types);
    for (size_t t = 0; p->lockmap && t < p->ntus; t++)
        free(p->lockmap[t]);
    free(p->lockmap);
    rc_strtab_close(&p->fn_usrs);
    rc_strtab_close(&p->locks);
    free(p->lock_family);
    free(p->lock_wild);
    free(p->lock_oneof);
    free(p->lock_param);
    free(p->plock);
    for (size_t i = 0; i < p->nplock_names; i++)
        free(p->plock_names[i]);
    free(p->plock_names);
    free(p->lock_sem);
    free(p->lock_names);
    close_order(p);
    memset(p, 0, sizeof *p);
}

void rc_program_inst(const rc_program_t *p, uint32_t root, uint32_t fn, const rc_pos_t *pos,
                     const rc_lset_t *local, rc_inst_t *out)
{
    out->root = root;
    out->fn = fn;
    out->pos = pos;
    rc_lset_t l;
    rc_program_lset(p, p->fns[fn].tu, local, &l);
    if (p->plock && !local->top) {
        /* Parameter locks: the lock this thread's callers pass, when they agree. */
        rc_lset_empty(&l);
        for (int i = 0; i < local->n; i++) {
            uint32_t g = p->lockmap[p->fns[fn].tu][RC_LREF_LOCK(local->v[i])];
            int pi = p->lock_param[g];
            if (p->mark_kind[g])
                continue;
            if (pi >= 0) {
                uint32_t r =
                    pi < RC_PLOCK_PARAMS
                        ? p->plock[((size_t)root * p->nfns + fn) * RC_PLOCK_PARAMS + (size_t)pi]
                        : RC_PLOCK_VARIES;
                g = r == RC_PLOCK_UNSET || r == RC_PLOCK_VARIES ? p->unknown_lock : r;
            }
            rc_lset_add(&l, g, RC_LREF_SHARED(local->v[i]));
        }
    }
    out->ls = rc_program_reach(p, root, fn)->entry;
    rc_lset_join(&out->ls, &l);
    marks_of(p, p->fns[fn].tu, local, &out->marks);
    if (p->mark_entry && !p->mark_entry[(size_t)root * p->nfns + fn].top)
        rc_lset_join(&out->marks, &p->mark_entry[(size_t)root * p->nfns + fn]);
}

/* 1 when root (a start routine) may run at some main-level position of main instance m. */
static int overlaps_main(const rc_program_t *p, const rc_inst_t *m, uint32_t root)
{
    rc_mpos_t own;
    size_t n;
    const rc_mpos_t *ts = main_times(p, m->fn, m->pos, &own, &n);
    for (size_t i = 0; i < n; i++)
        if (running_at(p, root, &ts[i], m, 0))
            return 1;
    return 0;
}

/* 1 when every thread of root r starts after event a of another thread: r is
 * created only by a's root (a single instance), in a's start function after a
 * and outside any loop around a; or only by threads that themselves start
 * after a. */
static int starts_after(const rc_program_t *p, const rc_inst_t *a, uint32_t r, int depth)
{
    const rc_root_t *rt = &p->roots[r], *ra = &p->roots[a->root];
    if (!a->pos || ra->is_main || ra->multi || rt->nci == 0 || depth > MAX_NEST || a->fn != ra->fn)
        return 0;
    if (backward_goto(p->fns[a->fn].f) || !rt->all_sites)
        return 0;
    for (size_t i = 0; i < rt->nci; i++) {
        const rc_cinst_t *ci = &rt->ci[i];
        const rc_psite_t *site = &p->sites[ci->site];
        if (ci->root == a->root) {
            const rc_pos_t *c = site->at;
            if (site->at_fn != a->fn || c->off <= a->pos->end ||
                (a->pos->loop_le && a->pos->loop_lb <= c->off && c->off <= a->pos->loop_le))
                return 0;
        } else if (p->roots[ci->root].is_main || !starts_after(p, a, ci->root, depth + 1)) {
            return 0;
        }
    }
    return 1;
}

/* 1 when instance a runs where the creation that alone starts root's threads
 * failed (its "nostart:" mark): one creation site, executed once by a's thread,
 * and there is no such thread to meet. */
static int creation_failed(const rc_program_t *p, const rc_inst_t *a, uint32_t root)
{
    const rc_root_t *rt = &p->roots[root];
    if (!a->marks.n || rt->is_main || rt->unknown_start || rt->nci != 1 || !rt->all_sites ||
        rt->ci[0].many || rt->ci[0].root != a->root)
        return 0;
    uint32_t m = p->site_nostart[rt->ci[0].site];
    return m != UINT32_MAX && p->sites[rt->ci[0].site].at_fn == p->sites[rt->ci[0].site].fn &&
           rc_lset_has(&a->marks, m);
}

int rc_program_concurrent(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    if (creation_failed(p, a, b->root) || creation_failed(p, b, a->root))
        return 0;
    const rc_root_t *ra = &p->roots[a->root], *rb = &p->roots[b->root];
    /* Two processes: a forked child has its own copy of the parent's memory. */
    uint32_t pa = rc_program_proc(p, a->fn, a->pos), pb = rc_program_proc(p, b->fn, b->pos);
    if (pa != pb && pa != RC_PROC_MIXED && pb != RC_PROC_MIXED)
        return 0;
    if (a->root == b->root && (ra->is_main || !ra->multi))
        return 0;
    /* pthread_once and barriers: one happens before the other. */
    if (rc_program_ordered(p, a, b))
        return 0;
    if (a->root == b->root)
        return 1;
    if (ra->is_main)
        return overlaps_main(p, a, b->root);
    if (rb->is_main)
        return overlaps_main(p, b, a->root);
    /* A thread's event before it starts the other (or the other's creator). */
    if (starts_after(p, a, b->root, 0) || starts_after(p, b, a->root, 0))
        return 0;
    return roots_overlap(p, a->root, b->root, 0);
}

int rc_program_protected(const rc_program_t *p, const rc_lset_t *a, const rc_lset_t *b)
{
    if (rc_lset_has(a, p->unknown_lock) || rc_lset_has(b, p->unknown_lock))
        return 1;
    for (int i = 0; i < a->n; i++) {
        for (int j = 0; j < b->n; j++) {
            uint32_t la = RC_LREF_LOCK(a->v[i]), lb = RC_LREF_LOCK(b->v[j]);
            if (p->lock_oneof[la] || p->lock_oneof[lb])
                continue; /* which one each side holds may differ */
            int same = la == lb || (p->lock_family[la] != UINT32_MAX &&
                                    p->lock_family[la] == p->lock_family[lb] &&
                                    (p->lock_wild[la] || p->lock_wild[lb]));
            if (same && p->lock_sem[la] == RC_SEM_COUNTING)
                continue; /* several threads may hold a counting semaphore at once */
            if (same && !(RC_LREF_SHARED(a->v[i]) && RC_LREF_SHARED(b->v[j])))
                return 1;
        }
    }
    return 0;
}

void rc_program_lset_str(const rc_program_t *p, const rc_lset_t *s, rc_strbuf_t *b)
{
    if (s->n == 0) {
        rc_strbuf_append(b, "no lock");
        return;
    }
    for (int i = 0; i < s->n; i++) {
        uint32_t l = RC_LREF_LOCK(s->v[i]);
        if (l == p->unknown_lock)
            rc_strbuf_appendf(b, "%s%s", i ? ", " : "", p->lock_names[l]);
        else
            rc_strbuf_appendf(b, "%s'%s'%s", i ? ", " : "", p->lock_names[l],
                              RC_LREF_SHARED(s->v[i]) ? " (shared)" : "");
    }
}

size_t rc_program_handler_reach(const rc_program_t *p, uint32_t hf, uint8_t *seen, uint32_t *order,
                                uint32_t *parent, uint32_t *pcall)
{
    memset(seen, 0, p->nfns);
    size_t qh = 0, qt = 0;
    order[qt++] = hf;
    seen[hf] = 1;
    parent[hf] = UINT32_MAX;
    pcall[hf] = UINT32_MAX;
    while (qh < qt) {
        const rc_pfn_t *pf = &p->fns[order[qh]];
        for (size_t e = 0; e < pf->nedges; e++) {
            uint32_t t = pf->edges[e].target;
            if (!pf->f->calls[pf->edges[e].call].callee[0] || seen[t])
                continue; /* through a pointer, or already visited */
            seen[t] = 1;
            parent[t] = order[qh];
            pcall[t] = pf->edges[e].call;
            order[qt++] = t;
        }
        qh++;
    }
    return qt;
}

/* ---- Keys and handler installations (shared by the rules) ------------------ */

size_t rc_key_root_len(const char *key)
{
    const char *s = strchr(key, RC_KEY_SEP);
    return s ? (size_t)(s - key) + 1 : strlen(key);
}

/* Length of one path component ".name" or "[...]" at s (0 at the end). */
static size_t key_component(const char *s)
{
    if (!*s)
        return 0;
    size_t n = 1;
    while (s[n] && s[n] != '.' && s[n] != '[')
        n++;
    return n;
}

static int key_wild(const char *c, size_t n)
{
    return (n == 3 || (n == 4 && c[3] == '>')) && (c[1] == '*' || c[1] == '#');
}

int rc_key_definite(const char *k)
{
    size_t rl = rc_key_root_len(k);
    if (!*k || k[0] == '*' || strchr(k, RC_PARAM_MARK))
        return 0;
    for (const char *c = k + rl; *c;) {
        if (*c++ != '[')
            continue;
        if (*c == ']')
            return 0; /* "[]": any element */
        for (; *c && *c != ']'; c++)
            if (*c < '0' || *c > '9')
                return 0; /* "[*]", "[p0]": not one element */
    }
    return 1;
}

int rc_keys_overlap(const char *a, const char *b, int distinct_slots)
{
    size_t ra = rc_key_root_len(a), rb = rc_key_root_len(b);
    if (ra != rb || memcmp(a, b, ra) != 0)
        return 0;
    a += ra;
    b += rb;
    for (;;) {
        size_t na = key_component(a), nb = key_component(b);
        if (!na || !nb) /* one is the other's part, unless the rest leaves it */
            return !strchr(a, '>') && !strchr(b, '>');
        /* "x>": the object pointer x points to, never x itself nor a part of it */
        if ((a[na - 1] == '>') != (b[nb - 1] == '>'))
            return 0;
        if (a[0] == '[' && b[0] == '[') {
            if (distinct_slots && key_wild(a, na) && key_wild(b, nb) && a[1] == '#' && b[1] == '#')
                return 0;
            if (!key_wild(a, na) && !key_wild(b, nb) && (na != nb || memcmp(a, b, na) != 0))
                return 0;
        } else if (a[0] == '.' && b[0] == '.') {
            if (na != nb || memcmp(a, b, na) != 0)
                return 0;
        }
        a += na;
        b += nb;
    }
}

size_t rc_program_installs(const rc_program_t *p, rc_install_t **out)
{
    rc_install_t *v = NULL;
    size_t n = 0;
    for (uint32_t f = 0; f < p->nfns; f++)
        for (size_t i = 0; i < p->fns[f].f->nsighands; i++) {
            v = rc_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = (rc_install_t){f, i};
        }
    /* Insertion sort by file, then offset (few installations per program). */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0; j--) {
            const rc_fn_facts_t *fa = p->fns[v[j].fn].f, *fb = p->fns[v[j - 1].fn].f;
            int c = strcmp(fa->file, fb->file);
            if (c > 0 ||
                (c == 0 && fa->sighands[v[j].idx].pos.off >= fb->sighands[v[j - 1].idx].pos.off))
                break;
            rc_install_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
    *out = v;
    return n;
}

int rc_program_lock_has_attributes(const rc_program_t *p, uint32_t l)
{
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++) {
            const rc_pcall_t *c = &fn->pcalls[i];
            if (c->kind != RC_API_SYNC_INIT || !c->attr || !c->obj)
                continue;
            char *id = rc_key_lock_id(c->obj); /* obj is an access key */
            int same = id && strcmp(id, p->locks.v[l]) == 0;
            free(id);
            if (same)
                return 1;
        }
    }
    /* A typed static initialiser: the mutex itself, or an element of an array. */
    const char *id = p->locks.v[l];
    for (size_t t = 0; t < p->ntus; t++)
        for (size_t i = 0; i < p->tus[t]->ntyped; i++) {
            const char *u = p->tus[t]->typed_locks[i];
            size_t n = strlen(u);
            if (strncmp(id, u, n) == 0 && (id[n] == '\0' || id[n] == '['))
                return 1;
        }
    return 0;
}

const rc_lockop_t *rc_program_last_acquire(const rc_program_t *p, uint32_t f, uint32_t l,
                                           unsigned off)
{
    const rc_pfn_t *pf = &p->fns[f];
    const rc_lockop_t *best = NULL;
    for (size_t o = 0; o < pf->f->nlockops; o++) {
        const rc_lockop_t *op = &pf->f->lockops[o];
        if (op->kind == RC_API_UNLOCK || op->pos.off >= off || p->lockmap[pf->tu][op->lock] != l)
            continue;
        if (!best || op->pos.off > best->pos.off)
            best = op;
    }
    return best;
}
