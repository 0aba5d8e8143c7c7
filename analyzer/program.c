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
 *
 * May-happen-in-parallel (rc_program_concurrent):
 *   two processes         never: a forked child runs on its own copy of memory (what
 *                         processes share through shared mappings is for proc.*)
 *   same root             only if the root is multi (main never is)
 *   main vs routine R     R is running at one of the main-level positions of the main
 *                         event: some creation of R may precede it and no join of R
 *                         must lie between the two (for a nested R: its parent is
 *                         running there)
 *   routine vs routine    one is running when the other is created, or their parents
 *                         overlap; a thread started by another without a join in the
 *                         same function has unknown timing and overlaps everything
 * Positions order by offset; an event inside the loop of a creation may follow it
 * (next iteration). A join counts only if its whole loop ends before the event.
 */
#include "internal.h"

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

void rc_program_lset(const rc_program_t *p, uint32_t tu, const rc_lset_t *in, rc_lset_t *out)
{
    if (in->top) {
        rc_lset_top(out);
        return;
    }
    rc_lset_empty(out);
    for (int i = 0; i < in->n; i++)
        rc_lset_add(out, p->lockmap[tu][RC_LREF_LOCK(in->v[i])], RC_LREF_SHARED(in->v[i]));
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
    /* Functions whose address escapes may also be called indirectly from unknown
     * places: when reached at all, nothing is known to be held at their entry. */
    for (size_t i = 0; i < p->nescaped; i++) {
        uint32_t t = p->escaped[i];
        if (t != start && rr[t].reached)
            rc_lset_empty(&rr[t].entry);
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
        if (handles_match(s->handle, f->joins[j].handle) && rc_mpos_must_precede(&c, &jp))
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
        if (jn->handle && strcmp(jn->handle, s->handle) == 0 && jn->pos.off > c->end &&
            jn->pos.iloop_lb == c->iloop_lb && jn->pos.iloop_le == c->iloop_le)
            return jn->pos.end > jn->pos.off ? jn->pos.end : jn->pos.off;
    }
    return 0;
}

/* 1 when access instance m (main-level position t, the call from main through
 * which m runs) provably runs before the thread of creation instance ci starts,
 * or after it is joined: t is the creation's own main-level call, not in a loop
 * of main unless the creating function joins the thread before returning, and
 * m's function either creates the thread itself or leads to
 * the creation through calls (at most ORDER_DEPTH deep) that all come after m;
 * or m follows a join of the handle in the creating function. No loop of the
 * function may repeat one around the other. */
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
    if (before_creation(p, m->fn, a, s->at_fn, c))
        return 1;
    if (m->fn != s->at_fn || !s->handle || s->fn != s->at_fn || c->loop_le)
        return 0;
    const rc_fn_facts_t *f = p->fns[s->at_fn].f;
    for (size_t j = 0; j < f->njoins; j++) {
        const rc_join_t *jn = &f->joins[j];
        if (jn->handle && strcmp(jn->handle, s->handle) == 0 && jn->pos.off > c->end &&
            jn->pos.end <= a->off && !jn->pos.loop_le)
            return 1;
    }
    return 0;
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
static int running_at(const rc_program_t *p, uint32_t root, const rc_mpos_t *t, const rc_inst_t *m,
                      int depth)
{
    const rc_root_t *r = &p->roots[root];
    if (r->unknown_start || depth > MAX_NEST)
        return 1;
    for (size_t i = 0; i < r->nci; i++) {
        const rc_cinst_t *ci = &r->ci[i];
        if (p->roots[ci->root].is_main ? running_from(r, ci, t) && !ordered_in_creator(p, ci, t, m)
                                       : running_at(p, ci->root, t, NULL, depth + 1))
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

/* Step 6. */
static void compute_starts(rc_program_t *p)
{
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
                    int match = 0;
                    for (size_t i = 0; i < er->nci && !match; i++)
                        match = handles_match(p->sites[er->ci[i].site].handle, f->joins[j].handle);
                    for (size_t t = 0; match && t < nt; t++)
                        push_mpos(&er->joins, &er->njoins, &ts[t]);
                }
            }
        }
    }
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
    int same_root = ra == rk && memcmp(*acc, k, ra) == 0;
    if (same_root && strcmp(*acc, k) != 0)
        (*acc)[ra + 1 < strlen(*acc) ? ra + 1 : strlen(*acc)] = '\0'; /* the whole variable */
    free(k);
    return same_root;
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
                if (t == UINT32_MAX || seen[t])
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

/* Calls through unknown pointers may enter any function of the same type whose
 * address escapes (a task handed to a thread pool, a callback in a table). */
static void add_indirect_edges(rc_program_t *p)
{
    rc_strtab_t types = {0};
    uint32_t **by_type = NULL;
    size_t *nby = NULL, cap = 0;
    for (size_t e = 0; e < p->nescaped; e++) {
        uint32_t t = p->escaped[e];
        {
            if (!p->escaped_types[e])
                continue;
            uint32_t k = rc_strtab_intern(&types, p->escaped_types[e]);
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
            uint32_t k = rc_strtab_lookup(&types, f->calls[c].fn_type);
            for (size_t i = 0; k != UINT32_MAX && i < nby[k]; i++)
                add_edge(&p->fns[g], (uint32_t)c, by_type[k][i]);
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
    p->lock_names = rc_xcalloc(p->locks.n, sizeof *p->lock_names);
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
    for (uint32_t i = 0; i < p->locks.n; i++) {
        const char *id = p->locks.v[i];
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
    sem_kinds(p);
    for (size_t i = 0; i < p->nfns; i++) {
        const rc_fn_facts_t *f = p->fns[i].f;
        for (size_t c = 0; c < f->ncalls; c++) {
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
    classify_args(p);
    compute_keys(p);
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
    free(p->lock_sem);
    free(p->lock_names);
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
    out->ls = rc_program_reach(p, root, fn)->entry;
    rc_lset_join(&out->ls, &l);
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

int rc_program_concurrent(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    const rc_root_t *ra = &p->roots[a->root], *rb = &p->roots[b->root];
    /* Two processes: a forked child has its own copy of the parent's memory. */
    uint32_t pa = rc_program_proc(p, a->fn, a->pos), pb = rc_program_proc(p, b->fn, b->pos);
    if (pa != pb && pa != RC_PROC_MIXED && pb != RC_PROC_MIXED)
        return 0;
    if (a->root == b->root)
        return !ra->is_main && ra->multi;
    if (ra->is_main)
        return overlaps_main(p, a, b->root);
    if (rb->is_main)
        return overlaps_main(p, b, a->root);
    return roots_overlap(p, a->root, b->root, 0);
}

int rc_program_protected(const rc_program_t *p, const rc_lset_t *a, const rc_lset_t *b)
{
    if (rc_lset_has(a, p->unknown_lock) || rc_lset_has(b, p->unknown_lock))
        return 1;
    for (int i = 0; i < a->n; i++) {
        for (int j = 0; j < b->n; j++) {
            uint32_t la = RC_LREF_LOCK(a->v[i]), lb = RC_LREF_LOCK(b->v[j]);
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
    return n == 3 && (c[1] == '*' || c[1] == '#');
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
        if (!na || !nb)
            return 1;
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
