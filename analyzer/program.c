/*
 * program.c - links the facts of all TUs into one program and answers the two
 * questions every thread rule asks: which locks are held at an event, and
 * which events may run at the same time.
 *
 * Steps of rc_program_build:
 *   1. functions    joined by USR; the first definition wins (a static inline in a
 *                   header is seen once per TU with the same body)
 *   2. locks        TU-local lock indexes mapped to global ones (by lock identity)
 *   3. roots        `main` (the initial thread) and every defined start routine of a
 *                   thread creation
 *   4. reach        per root, the functions reachable through direct calls; the entry
 *                   lockset of each (∩ over call sites of caller-entry ∪ call-site set,
 *                   a context-insensitive summary per root) and whether it may run
 *                   several times per root instance
 *   5. main times   for each function reached from main, the calls in main's own body
 *                   through which it runs: main is treated as straight-line code in
 *                   which creations and joins are ordered by their source offsets
 *   6. starts       for each root, the creation instances (site x creating root) and
 *                   the joins in main that may wait for it; `multi` when two instances
 *                   may overlap or one is in a loop
 *
 * May-happen-in-parallel (rc_program_concurrent):
 *   same root             only if the root is multi (main never is)
 *   main vs routine R     R is running at one of the main-level positions of the main
 *                         event: some creation of R may precede it and no join of R
 *                         must lie between the two
 *   routine vs routine    one is running when the other is created; either started by
 *                         another thread (unknown timing) counts as always
 * Positions order by offset; an event inside the loop of a creation may follow it
 * (next iteration). A join counts only if its whole loop ends before the event.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define MAIN_USR "c:@F@main"

static rc_mpos_t mpos_of(const rc_pos_t *p)
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

/* a may happen before b: earlier in main, or in a loop around b (a previous iteration). */
static int may_precede(const rc_mpos_t *a, const rc_mpos_t *b)
{
    return a->off <= b->off || (a->lb <= b->off && b->off <= a->le);
}

/* a is over (all iterations of its loop included) before b starts. */
static int must_precede(const rc_mpos_t *a, const rc_mpos_t *b)
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
        for (size_t c = 0; c < pg->f->ncalls; c++) {
            uint32_t f = pg->callees[c];
            if (f == UINT32_MAX || f == start)
                continue; /* the root's own entry set stays empty */
            rc_lset_t at;
            rc_program_lset(p, pg->tu, &pg->f->calls[c].ls, &at);
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
    for (size_t i = 0; i < p->nfns; i++) {
        const rc_fn_facts_t *f = p->fns[i].f;
        for (size_t a = 0; a < f->naddr; a++) {
            uint32_t t = rc_strtab_lookup(&p->fn_usrs, f->addr_taken[a]);
            if (t != UINT32_MAX && t != start && rr[t].reached)
                rc_lset_empty(&rr[t].entry);
        }
    }
    /* many: more than one incoming call site, a call site in a loop, or a caller that
     * itself runs many times. Iterate to a fixpoint (monotone, boolean). */
    uint32_t *incoming = rc_xcalloc(p->nfns, sizeof *incoming);
    for (size_t g = 0; g < p->nfns; g++) {
        if (!rr[g].reached)
            continue;
        for (size_t c = 0; c < p->fns[g].f->ncalls; c++) {
            uint32_t f = p->fns[g].callees[c];
            if (f != UINT32_MAX)
                incoming[f] += p->fns[g].f->calls[c].pos.loop_le ? 2 : 1;
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
            for (size_t c = 0; c < p->fns[g].f->ncalls; c++) {
                uint32_t f = p->fns[g].callees[c];
                if (f != UINT32_MAX && !rr[f].many) {
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

/* Step 5: main-level positions of every function reached from main. */
static void compute_main_times(rc_program_t *p)
{
    p->mtimes = rc_xcalloc(p->nfns, sizeof *p->mtimes);
    p->nmtimes = rc_xcalloc(p->nfns, sizeof *p->nmtimes);
    if (p->main_fn == UINT32_MAX)
        return;
    const rc_pfn_t *pm = &p->fns[p->main_fn];
    uint32_t *stamp = rc_xcalloc(p->nfns, sizeof *stamp);
    uint32_t *stack = rc_xmalloc((p->nfns + 1) * sizeof *stack);
    for (size_t c = 0; c < pm->f->ncalls; c++) {
        uint32_t f0 = pm->callees[c];
        if (f0 == UINT32_MAX || f0 == p->main_fn)
            continue;
        rc_mpos_t at = mpos_of(&pm->f->calls[c].pos);
        uint32_t mark = (uint32_t)c + 1;
        size_t n = 0;
        stack[n++] = f0;
        stamp[f0] = mark;
        while (n) {
            uint32_t g = stack[--n];
            push_mpos(&p->mtimes[g], &p->nmtimes[g], &at);
            for (size_t k = 0; k < p->fns[g].f->ncalls; k++) {
                uint32_t f = p->fns[g].callees[k];
                if (f != UINT32_MAX && f != p->main_fn && stamp[f] != mark) {
                    stamp[f] = mark;
                    stack[n++] = f;
                }
            }
        }
    }
    free(stamp);
    free(stack);
}

/* The main-level positions of an event at pos in fn (reached from main). */
static const rc_mpos_t *main_times(const rc_program_t *p, uint32_t fn, const rc_pos_t *pos,
                                   rc_mpos_t *own, size_t *n)
{
    if (fn == p->main_fn) {
        *own = mpos_of(pos);
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
    rc_mpos_t c = mpos_of(&s->c->pos);
    for (size_t j = 0; j < f->njoins; j++) {
        rc_mpos_t jp = mpos_of(&f->joins[j].pos);
        if (handles_match(s->c->handle, f->joins[j].handle) && must_precede(&c, &jp))
            return 1;
    }
    return 0;
}

/* 1 when an instance of r started by creation instance ci may be running at t. */
static int running_from(const rc_root_t *r, const rc_cinst_t *ci, const rc_mpos_t *t)
{
    if (ci->contained)
        return ci->at.off <= t->off && t->off <= ci->at.end;
    if (!may_precede(&ci->at, t))
        return 0;
    for (size_t j = 0; j < r->njoins; j++)
        if (must_precede(&ci->at, &r->joins[j]) && must_precede(&r->joins[j], t))
            return 0;
    return 1;
}

static int running(const rc_program_t *p, uint32_t root, const rc_mpos_t *t)
{
    const rc_root_t *r = &p->roots[root];
    if (r->unknown_start)
        return 1;
    for (size_t i = 0; i < r->nci; i++)
        if (running_from(r, &r->ci[i], t))
            return 1;
    return 0;
}

/* Step 6. */
static void compute_starts(rc_program_t *p)
{
    for (size_t s = 0; s < p->nsites; s++) {
        const rc_psite_t *site = &p->sites[s];
        int cont = contained(p, site);
        for (size_t k = 0; k < site->c->nroutines; k++) {
            uint32_t fn = rc_strtab_lookup(&p->fn_usrs, site->c->routines[k]);
            uint32_t e = fn == UINT32_MAX ? UINT32_MAX : root_of_fn(p, fn);
            if (e == UINT32_MAX)
                continue;
            rc_root_t *er = &p->roots[e];
            for (size_t r = 0; r < p->nroots; r++) {
                const rc_reach_t *rr = rc_program_reach(p, (uint32_t)r, site->fn);
                if (!rr->reached)
                    continue;
                if (!p->roots[r].is_main) {
                    er->unknown_start = 1;
                    er->ci = rc_xrealloc(er->ci, (er->nci + 1) * sizeof *er->ci);
                    er->ci[er->nci++] = (rc_cinst_t){(uint32_t)s,
                                                     (uint32_t)r,
                                                     {0, 0, 0, 0},
                                                     site->c->pos.loop_le != 0 || rr->many,
                                                     0};
                    continue;
                }
                rc_mpos_t own;
                size_t nt;
                const rc_mpos_t *ts = main_times(p, site->fn, &site->c->pos, &own, &nt);
                for (size_t t = 0; t < nt; t++) {
                    int many = site->c->pos.loop_le != 0 || rr->many || ts[t].lb != ts[t].off ||
                               ts[t].le != ts[t].end;
                    er->ci = rc_xrealloc(er->ci, (er->nci + 1) * sizeof *er->ci);
                    er->ci[er->nci++] = (rc_cinst_t){(uint32_t)s, (uint32_t)r, ts[t], many, cont};
                }
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
                        match =
                            handles_match(p->sites[er->ci[i].site].c->handle, f->joins[j].handle);
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
        const rc_create_t *c0 = p->sites[rt->ci[0].site].c;
        int all_global = 1, all_same = 1, all_distinct = 1, values = 1;
        for (size_t i = 0; i < rt->nci; i++) {
            const rc_create_t *c = p->sites[rt->ci[i].site].c;
            int same_key = c->arg_key && c0->arg_key && strcmp(c->arg_key, c0->arg_key) == 0;
            all_global &= c->arg_kind == RC_ARG_GLOBAL && same_key;
            all_same &= c->arg_kind == RC_ARG_SAME && same_key;
            all_distinct &= c->arg_kind == RC_ARG_DISTINCT;
            values &= c->arg_kind == RC_ARG_VALUE && !rt->ci[i].many;
            for (size_t j = 0; values && j < i; j++)
                values = strcmp(p->sites[rt->ci[j].site].c->arg_key, c->arg_key) != 0;
        }
        rt->arg_global = all_global ? c0->arg_key : NULL;
        rt->arg_same = all_same;
        rt->arg_distinct = all_distinct || values;
    }
}

/* Step 8: effective access keys (rc_program_t.keys). */
static char *effective_key(const rc_program_t *p, uint32_t fn, const char *key)
{
    uint32_t r = root_of_fn(p, fn);
    const rc_root_t *rt = r == UINT32_MAX ? NULL : &p->roots[r];
    const char *mark = strchr(key, RC_PARAM_MARK);
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    const char *path;
    if (mark) {
        /* The object the routine's parameter 0 (its argument) points to. */
        if (!rt || strncmp(mark + 1, "p0", 2) != 0 || mark[3] != RC_KEY_SEP)
            return NULL;
        path = mark + 4;
        if (rt->arg_global)
            rc_strbuf_append(&b, rt->arg_global);
        else if (rt->arg_same)
            rc_strbuf_appendn(&b, key, (size_t)(path - key));
        else
            return NULL; /* per-thread or unknown objects */
    } else {
        path = strchr(key, RC_KEY_SEP);
        path = path ? path + 1 : key + strlen(key);
        rc_strbuf_appendn(&b, key, (size_t)(path - key));
    }
    for (const char *s = path; *s;) {
        if (strncmp(s, "[p", 2) == 0 && s[2] >= '0' && s[2] <= '9') {
            const char *end = strchr(s, ']');
            int slot = rt && s[2] == '0' && s[3] == ']' && rt->arg_distinct;
            rc_strbuf_append(&b, slot ? "[#]" : "[*]");
            s = end ? end + 1 : s + strlen(s);
        } else {
            rc_strbuf_appendn(&b, s, 1);
            s++;
        }
    }
    return rc_strbuf_take(&b);
}

static void compute_keys(rc_program_t *p)
{
    p->keys = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *p->keys);
    for (size_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        p->keys[f] = rc_xcalloc(fn->nacc ? fn->nacc : 1, sizeof **p->keys);
        for (size_t i = 0; i < fn->nacc; i++)
            p->keys[f][i] = effective_key(p, (uint32_t)f, fn->acc[i].key);
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
            p->fns[p->nfns++] = (rc_pfn_t){f, (uint32_t)t, NULL};
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
    for (size_t i = 0; i < p->nfns; i++) {
        const rc_fn_facts_t *f = p->fns[i].f;
        p->fns[i].callees = rc_xmalloc((f->ncalls ? f->ncalls : 1) * sizeof(uint32_t));
        for (size_t c = 0; c < f->ncalls; c++)
            p->fns[i].callees[c] = rc_strtab_lookup(&p->fn_usrs, f->calls[c].callee);
        for (size_t c = 0; c < f->ncreates; c++) {
            p->sites = rc_xrealloc(p->sites, (p->nsites + 1) * sizeof *p->sites);
            p->sites[p->nsites++] = (rc_psite_t){(uint32_t)i, &f->creates[c]};
        }
    }
    p->main_fn = rc_strtab_lookup(&p->fn_usrs, MAIN_USR);
    if (p->main_fn != UINT32_MAX)
        p->main_root = add_root(p, p->main_fn, 1);
    for (size_t s = 0; s < p->nsites; s++) {
        const rc_create_t *c = p->sites[s].c;
        for (size_t k = 0; k < c->nroutines; k++) {
            uint32_t fn = rc_strtab_lookup(&p->fn_usrs, c->routines[k]);
            if (fn != UINT32_MAX && root_of_fn(p, fn) == UINT32_MAX)
                add_root(p, fn, 0);
        }
    }
    p->reach = rc_xcalloc(p->nroots * (p->nfns ? p->nfns : 1), sizeof *p->reach);
    for (size_t r = 0; r < p->nroots; r++)
        compute_reach(p, (uint32_t)r);
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
        free(p->fns[i].callees);
        if (p->mtimes)
            free(p->mtimes[i]);
    }
    free(p->fns);
    free(p->keys);
    free(p->mtimes);
    free(p->nmtimes);
    for (size_t r = 0; r < p->nroots; r++) {
        free(p->roots[r].ci);
        free(p->roots[r].joins);
    }
    free(p->roots);
    free(p->reach);
    free(p->sites);
    for (size_t t = 0; p->lockmap && t < p->ntus; t++)
        free(p->lockmap[t]);
    free(p->lockmap);
    rc_strtab_close(&p->fn_usrs);
    rc_strtab_close(&p->locks);
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
        if (running(p, root, &ts[i]))
            return 1;
    return 0;
}

int rc_program_concurrent(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b)
{
    const rc_root_t *ra = &p->roots[a->root], *rb = &p->roots[b->root];
    if (a->root == b->root)
        return !ra->is_main && ra->multi;
    if (ra->is_main)
        return overlaps_main(p, a, b->root);
    if (rb->is_main)
        return overlaps_main(p, b, a->root);
    if (ra->unknown_start || rb->unknown_start)
        return 1;
    for (size_t i = 0; i < rb->nci; i++)
        if (running(p, a->root, &rb->ci[i].at))
            return 1;
    for (size_t i = 0; i < ra->nci; i++)
        if (running(p, b->root, &ra->ci[i].at))
            return 1;
    return 0;
}

int rc_program_protected(const rc_program_t *p, const rc_lset_t *a, const rc_lset_t *b)
{
    if (rc_lset_has(a, p->unknown_lock) || rc_lset_has(b, p->unknown_lock))
        return 1;
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++)
            if (RC_LREF_LOCK(a->v[i]) == RC_LREF_LOCK(b->v[j]) &&
                !(RC_LREF_SHARED(a->v[i]) && RC_LREF_SHARED(b->v[j])))
                return 1;
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
