/*
 * order_inversion.c - rule lock.order-inversion: locks acquired in orders that
 * form a cycle in the acquired-while-holding graph, taken by threads that can
 * run at the same time.
 *
 * Edges. Every blocking acquisition (lock, not trylock: a trylock cannot wait) of
 * lock L in function f, run by root r, adds the edge H -> L for each lock H held
 * just before it: the locks f holds locally plus the entry lockset of f under r
 * (locks its callers hold on every path), so nesting across calls counts. The
 * unidentified lock is neither a node nor a gate (it names nothing).
 *
 * Lock classes. Locks are named by expression (walk_locks.c): `&from->lock` and
 * `&to->lock` are both the class "account::lock", and `&m[i]` is the class of
 * every element of m. Nesting two locks of one class (H == L for a class) is a
 * cycle of length one, as in the kernel's lockdep: which instance is outer depends
 * on the arguments, and two threads passing them in opposite orders deadlock
 * (transfer(a, b) against transfer(b, a)). When both nest the locks of two pointer
 * parameters (`&p->l` then `&q->l`) and every call site names the objects passed,
 * the pair is kept only if two callers pass the same two objects in opposite
 * orders; otherwise (objects chosen at run time, locals, arrays with a variable
 * index) the order may be anything and the pair is kept. Nesting a single named lock in itself
 * is a double lock, not an inversion, and makes no edge.
 *
 * A cycle L1 -> L2 -> ... -> Lk -> L1 (k <= MAX_CYCLE) is reported when one edge
 * instance per hop can be chosen such that, for every pair of chosen instances:
 *   - they may run at the same time in different threads (rc_program_concurrent:
 *     different roots that overlap, or one root started several times; main only
 *     between the creation and the join of the other thread);
 *   - no gate: no lock outside the cycle is held on both sides unless both hold it
 *     shared (two threads inside one outer lock cannot both be waiting);
 * and no lock of the cycle is held shared by the edge leaving it and acquired
 * shared by the edge entering it (readers do not wait for readers). For a class
 * cycle the two instances may be one (a routine run by several threads).
 *
 * Bounds: cycles of at most MAX_CYCLE locks, MAX_CYCLES cycles, MAX_TRIES witness
 * candidates per cycle and MAX_STEPS steps of enumeration (a cut-off search only
 * misses findings).
 *
 * Report: once per cycle (its set of locks); primary location = the acquisition
 * with the smallest file:line:col among the chosen instances; related = for each
 * instance, where its held lock was taken and where the next one is requested.
 * Subject: the lock names, sorted, joined by ','.
 *
 * Message format:
 *   lock order inversion: 'A' then 'B' in thread 't1' (f.c:N), 'B' then 'A' in thread
 *   't2' (f.c:M); run together these threads can deadlock
 *   two locks of class 'account::lock' nested in '<fn>' by threads 't1' and 't2'
 *   (f.c:N): when they pass them in opposite orders the threads deadlock
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "lock.order-inversion"
#define MAX_CYCLE 4
#define MAX_CYCLES 256     /* cycles examined per program */
#define MAX_TRIES 20000u   /* witness candidates examined per cycle */
#define MAX_STEPS 4000000u /* edge visits of the cycle enumeration per program */

/* One acquisition of `to` while holding `from`, as run by one root. */
typedef struct einst {
    uint32_t from, to;
    int from_shared, to_shared;
    uint32_t root, fn, op;
    rc_inst_t in; /* in.ls: every lock held just before the acquisition */
} einst_t;

typedef struct edges {
    einst_t *v;
    size_t n, cap;
} edges_t;

/* 1 when lock l names a class of locks rather than one lock: a struct field reached
 * through any object, or an element of a lock array with an unknown index. */
static int is_class(const rc_program_t *p, uint32_t l)
{
    return strstr(p->locks.v[l], "@FI@") != NULL || p->lock_wild[l];
}

static const rc_pos_t *op_pos(const rc_program_t *p, const einst_t *e)
{
    return &p->fns[e->fn].f->lockops[e->op].pos;
}

static const char *op_file(const rc_program_t *p, const einst_t *e)
{
    return p->fns[e->fn].f->file;
}

/* Orders by edge (from, to), then by place, then by root. */
static int cmp_einst_p(const rc_program_t *p, const einst_t *a, const einst_t *b)
{
    if (a->from != b->from)
        return a->from < b->from ? -1 : 1;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    int c = strcmp(op_file(p, a), op_file(p, b));
    if (c)
        return c;
    const rc_pos_t *x = op_pos(p, a), *y = op_pos(p, b);
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (a->root != b->root)
        return a->root < b->root ? -1 : 1;
    return 0;
}

static void sort_einsts(const rc_program_t *p, einst_t *v, einst_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_einsts(p, v, tmp, h);
    sort_einsts(p, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_einst_p(p, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

static void push(edges_t *es, const einst_t *e)
{
    if (es->n == es->cap) {
        es->cap = es->cap ? es->cap * 2 : 64;
        es->v = rc_xrealloc(es->v, es->cap * sizeof *es->v);
    }
    es->v[es->n++] = *e;
}

/* Collects every edge instance of the program. */
static void collect(const rc_program_t *p, edges_t *es)
{
    for (uint32_t r = 0; r < p->nroots; r++) {
        for (uint32_t f = 0; f < p->nfns; f++) {
            if (!rc_program_reach(p, r, f)->reached)
                continue;
            const rc_fn_facts_t *fn = p->fns[f].f;
            for (uint32_t o = 0; o < fn->nlockops; o++) {
                const rc_lockop_t *op = &fn->lockops[o];
                if (op->kind != RC_API_LOCK || op->held.top)
                    continue;
                uint32_t to = p->lockmap[p->fns[f].tu][op->lock];
                if (to == p->unknown_lock)
                    continue;
                einst_t e = {.to = to, .to_shared = op->shared, .root = r, .fn = f, .op = o};
                rc_program_inst(p, r, f, &op->pos, &op->held, &e.in);
                for (int i = 0; i < e.in.ls.n; i++) {
                    uint32_t h = RC_LREF_LOCK(e.in.ls.v[i]);
                    if (h == p->unknown_lock || (h == to && !is_class(p, to)))
                        continue;
                    e.from = h;
                    e.from_shared = (int)RC_LREF_SHARED(e.in.ls.v[i]);
                    push(es, &e);
                }
            }
        }
    }
}

/* The range of instances of edge (from, to) in the sorted array. */
static size_t find_edge(const edges_t *es, uint32_t from, uint32_t to, size_t *n)
{
    size_t lo = 0, hi = es->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const einst_t *e = &es->v[mid];
        if (e->from < from || (e->from == from && e->to < to))
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t k = lo;
    while (k < es->n && es->v[k].from == from && es->v[k].to == to)
        k++;
    *n = k - lo;
    return lo;
}

/* 1 when a lock outside the cycle is held on both sides, exclusively on one. */
static int gated(const rc_lset_t *a, const rc_lset_t *b, const uint32_t *cyc, int k,
                 uint32_t unknown)
{
    for (int i = 0; i < a->n; i++) {
        uint32_t l = RC_LREF_LOCK(a->v[i]);
        if (l == unknown)
            continue;
        int in_cycle = 0;
        for (int c = 0; c < k; c++)
            in_cycle |= cyc[c] == l;
        if (in_cycle)
            continue;
        for (int j = 0; j < b->n; j++)
            if (RC_LREF_LOCK(b->v[j]) == l && !(RC_LREF_SHARED(a->v[i]) && RC_LREF_SHARED(b->v[j])))
                return 1;
    }
    return 0;
}

static int compatible(const rc_program_t *p, const einst_t *a, const einst_t *b,
                      const uint32_t *cyc, int k)
{
    return rc_program_concurrent(p, &a->in, &b->in) &&
           !gated(&a->in.ls, &b->in.ls, cyc, k, p->unknown_lock);
}

/* Search state for one cycle: hop i is edge cyc[i] -> cyc[(i + 1) % k]. */
typedef struct search {
    const rc_program_t *p;
    const edges_t *es;
    const uint32_t *cyc;
    int k;
    size_t start[MAX_CYCLE], count[MAX_CYCLE];
    const einst_t *pick[MAX_CYCLE];
    unsigned tries;
} search_t;

static int choose(search_t *s, int i)
{
    if (i == s->k)
        return 1;
    if (i >= MAX_CYCLE) /* k <= MAX_CYCLE; says so to the optimiser's bounds checks */
        return 0;
    for (size_t j = 0; j < s->count[i]; j++) {
        if (++s->tries > MAX_TRIES)
            return 0;
        const einst_t *e = &s->es->v[s->start[i] + j];
        /* Readers do not wait for readers: the lock this hop holds must not be held
         * shared here and acquired shared by the previous hop. */
        if (i > 0 && e->from_shared && s->pick[i - 1]->to_shared)
            continue;
        if (i == s->k - 1 && s->pick[0]->from_shared && e->to_shared)
            continue;
        int ok = 1;
        for (int q = 0; q < i && ok; q++)
            ok = compatible(s->p, s->pick[q], e, s->cyc, s->k);
        if (!ok)
            continue;
        s->pick[i] = e;
        if (choose(s, i + 1))
            return 1;
    }
    return 0;
}

static const char *thread_name(const rc_program_t *p, uint32_t root)
{
    return p->roots[root].is_main ? "main" : p->fns[p->roots[root].fn].f->name;
}

/* Where instance e took its held lock e->from: the last acquisition of it before e in
 * e's function, else one in a caller (reached by the same root) before the call. */
static int where_taken(const rc_program_t *p, const einst_t *e, uint32_t *fn_out,
                       const rc_pos_t **pos_out)
{
    const rc_pos_t *at = op_pos(p, e);
    const rc_fn_facts_t *fn = p->fns[e->fn].f;
    const rc_pos_t *best = NULL;
    for (size_t o = 0; o < fn->nlockops; o++) {
        const rc_lockop_t *op = &fn->lockops[o];
        if (op->kind == RC_API_UNLOCK || op->pos.off >= at->off ||
            p->lockmap[p->fns[e->fn].tu][op->lock] != e->from)
            continue;
        if (!best || op->pos.off > best->off)
            best = &op->pos;
    }
    if (best) {
        *fn_out = e->fn;
        *pos_out = best;
        return 1;
    }
    for (uint32_t g = 0; g < p->nfns; g++) {
        if (!rc_program_reach(p, e->root, g)->reached)
            continue;
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t k = 0; k < pg->nedges; k++) {
            if (pg->edges[k].target != e->fn)
                continue;
            const rc_call_t *call = &pg->f->calls[pg->edges[k].call];
            for (size_t o = 0; o < pg->f->nlockops; o++) {
                const rc_lockop_t *op = &pg->f->lockops[o];
                if (op->kind != RC_API_UNLOCK && op->pos.off < call->pos.off &&
                    p->lockmap[pg->tu][op->lock] == e->from) {
                    *fn_out = g;
                    *pos_out = &op->pos;
                    return 1;
                }
            }
        }
    }
    return 0;
}

static int cmp_place(const char *fa, const rc_pos_t *a, const char *fb, const rc_pos_t *b)
{
    int c = strcmp(fa, fb);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return a->col < b->col ? -1 : a->col > b->col;
}

static void add_edge_related(const rc_program_t *p, rc_finding_t *f, const einst_t *e)
{
    uint32_t tf;
    const rc_pos_t *tp;
    const char *from = p->lock_names[e->from], *to = p->lock_names[e->to];
    const char *th = thread_name(p, e->root);
    if (where_taken(p, e, &tf, &tp)) {
        char *n = rc_xasprintf("thread '%s' takes '%s' here", th, from);
        rc_finding_add_related(f, p->fns[tf].f->file, tp->line, tp->col, p->fns[tf].f->name, n);
        free(n);
    }
    const rc_pos_t *at = op_pos(p, e);
    char *n = rc_xasprintf("then waits for '%s' while holding '%s' (thread '%s')", to, from, th);
    rc_finding_add_related(f, op_file(p, e), at->line, at->col, p->fns[e->fn].f->name, n);
    free(n);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void report(const rc_program_t *p, const search_t *s, rc_findings_t *out)
{
    int k = s->k;
    int npicks = k == 1 ? 2 : k;
    const einst_t *prim = s->pick[0];
    for (int i = 1; i < npicks; i++)
        if (cmp_place(op_file(p, s->pick[i]), op_pos(p, s->pick[i]), op_file(p, prim),
                      op_pos(p, prim)) < 0)
            prim = s->pick[i];

    rc_strbuf_t m;
    rc_strbuf_init(&m);
    if (k == 1) {
        const einst_t *a = s->pick[0], *b = s->pick[1];
        rc_strbuf_appendf(&m, "two locks of class '%s' nested in '%s' ", p->lock_names[a->to],
                          p->fns[a->fn].f->name);
        if (a->root == b->root)
            rc_strbuf_appendf(&m, "by several threads '%s'", thread_name(p, a->root));
        else
            rc_strbuf_appendf(&m, "by threads '%s' and '%s'", thread_name(p, a->root),
                              thread_name(p, b->root));
        rc_strbuf_appendf(&m,
                          " (%s:%u): when they pass them in opposite orders the threads "
                          "deadlock",
                          rc_base_name(op_file(p, prim)), op_pos(p, prim)->line);
    } else {
        rc_strbuf_append(&m, "lock order inversion: ");
        for (int i = 0; i < k; i++) {
            const einst_t *e = s->pick[i];
            rc_strbuf_appendf(&m, "%s'%s' then '%s' in thread '%s' (%s:%u)", i ? ", " : "",
                              p->lock_names[e->from], p->lock_names[e->to], thread_name(p, e->root),
                              rc_base_name(op_file(p, e)), op_pos(p, e)->line);
        }
        rc_strbuf_append(&m, "; run together these threads can deadlock");
    }

    const char *names[MAX_CYCLE];
    for (int i = 0; i < k; i++)
        names[i] = p->lock_names[s->cyc[i]];
    rc_sort(names, (size_t)k, sizeof names[0], cmp_names);
    rc_strbuf_t subj;
    rc_strbuf_init(&subj);
    for (int i = 0; i < k; i++)
        rc_strbuf_appendf(&subj, "%s%s", i ? "," : "", names[i]);

    rc_finding_t *f = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    f->message = rc_strbuf_take(&m);
    f->subject = rc_strbuf_take(&subj);
    rc_loc_set(&f->loc, op_file(p, prim), op_pos(p, prim)->line, op_pos(p, prim)->col,
               p->fns[prim->fn].f->name, NULL);
    for (int i = 0; i < npicks; i++) {
        if (i == 1 && k == 1 && s->pick[1] == s->pick[0])
            break;
        add_edge_related(p, f, s->pick[i]);
    }
}

/* The lock operation of e's function that took e->from last before e, or NULL. */
static const rc_lockop_t *outer_op(const rc_program_t *p, const einst_t *e)
{
    const rc_fn_facts_t *fn = p->fns[e->fn].f;
    const rc_lockop_t *best = NULL;
    for (size_t o = 0; o < fn->nlockops; o++) {
        const rc_lockop_t *op = &fn->lockops[o];
        if (op->kind != RC_API_UNLOCK && op->pos.off < op_pos(p, e)->off &&
            p->lockmap[p->fns[e->fn].tu][op->lock] == e->from &&
            (!best || op->pos.off > best->pos.off))
            best = op;
    }
    return best;
}

/* The objects e's callers pass as the outer and the inner lock's owner, when e nests
 * `&p_i->l` then `&p_j->l` for parameters i != j: appends one (outer, inner) pair of
 * access keys per call site reached by e's root. Returns 0 when that is not the shape
 * or some object cannot be named. */
static int arg_pairs(const rc_program_t *p, const einst_t *e, const char ***pairs, size_t *n,
                     size_t *cap)
{
    const rc_lockop_t *o = outer_op(p, e), *in = &p->fns[e->fn].f->lockops[e->op];
    if (!o || o->base_param < 0 || in->base_param < 0 || o->base_param == in->base_param)
        return 0;
    size_t found = 0;
    for (uint32_t g = 0; g < p->nfns; g++) {
        const rc_pfn_t *pg = &p->fns[g];
        if (!rc_program_reach(p, e->root, g)->reached)
            continue;
        for (size_t k = 0; k < pg->nedges; k++) {
            if (pg->edges[k].target != e->fn)
                continue;
            const rc_call_t *c = &pg->f->calls[pg->edges[k].call];
            if (o->base_param >= c->nargs || in->base_param >= c->nargs)
                return 0;
            const char *a = c->arg_keys[o->base_param], *b = c->arg_keys[in->base_param];
            if (!a || !b || strchr(a, RC_PARAM_MARK) || strchr(b, RC_PARAM_MARK) ||
                strstr(a, "[*]") || strstr(b, "[*]"))
                return 0;
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *pairs = rc_xrealloc(*pairs, *cap * 2 * sizeof **pairs);
            }
            (*pairs)[2 * *n] = a;
            (*pairs)[2 * *n + 1] = b;
            (*n)++;
            found++;
        }
    }
    return found > 0;
}

/* For two nestings of one lock class: 0 when both nest two parameters' locks and
 * every caller names the objects, and no two callers pass the same two objects in
 * opposite orders (transfer(&a, &b) everywhere); 1 otherwise (the order depends on
 * data the analysis does not follow, so it may be inverted). */
static int class_order_may_invert(const rc_program_t *p, const einst_t *x, const einst_t *y)
{
    const char **px = NULL, **py = NULL;
    size_t nx = 0, cx = 0, ny = 0, cy = 0;
    int may = 1;
    if (arg_pairs(p, x, &px, &nx, &cx) && arg_pairs(p, y, &py, &ny, &cy)) {
        may = 0;
        for (size_t i = 0; i < nx && !may; i++)
            for (size_t j = 0; j < ny && !may; j++)
                may = strcmp(px[2 * i], px[2 * i + 1]) != 0 &&
                      strcmp(px[2 * i], py[2 * j + 1]) == 0 &&
                      strcmp(px[2 * i + 1], py[2 * j]) == 0;
    }
    free(px);
    free(py);
    return may;
}

/* Tries to find a witness for cycle cyc[0..k) and reports it. */
static void check_cycle(const rc_program_t *p, const edges_t *es, const uint32_t *cyc, int k,
                        rc_findings_t *out)
{
    search_t s = {.p = p, .es = es, .cyc = cyc, .k = k};
    for (int i = 0; i < k; i++) {
        s.start[i] = find_edge(es, cyc[i], cyc[(i + 1) % k], &s.count[i]);
        if (!s.count[i])
            return;
    }
    if (k == 1) {
        /* Two instances of a class nesting, possibly the same one twice. */
        for (size_t a = 0; a < s.count[0]; a++) {
            for (size_t b = a; b < s.count[0]; b++) {
                if (++s.tries > MAX_TRIES)
                    return;
                const einst_t *x = &es->v[s.start[0] + a], *y = &es->v[s.start[0] + b];
                if ((x->from_shared && y->to_shared) || (y->from_shared && x->to_shared) ||
                    !compatible(p, x, y, cyc, 1) || !class_order_may_invert(p, x, y))
                    continue;
                s.pick[0] = x;
                s.pick[1] = y;
                report(p, &s, out);
                return;
            }
        }
        return;
    }
    if (choose(&s, 0))
        report(p, &s, out);
}

/* Depth-first enumeration of elementary cycles whose smallest lock is cyc[0]. */
typedef struct walk {
    const rc_program_t *p;
    const edges_t *es;
    const uint32_t *succ; /* distinct edges (from, to) as pairs, sorted */
    size_t nsucc;
    uint32_t cyc[MAX_CYCLE];
    unsigned ncycles;
    unsigned steps; /* bounded by MAX_STEPS: a dense graph stops the search early */
    rc_findings_t *out;
} walk_t;

static void dfs(walk_t *w, int depth)
{
    uint32_t cur = w->cyc[depth - 1];
    for (size_t i = 0; i < w->nsucc && w->ncycles < MAX_CYCLES; i++) {
        if (++w->steps > MAX_STEPS)
            return;
        if (w->succ[2 * i] != cur)
            continue;
        uint32_t nx = w->succ[2 * i + 1];
        if (nx == w->cyc[0]) {
            if (depth >= 2) {
                w->ncycles++;
                check_cycle(w->p, w->es, w->cyc, depth, w->out);
            }
            continue;
        }
        if (nx < w->cyc[0] || depth == MAX_CYCLE)
            continue;
        int seen = 0;
        for (int d = 0; d < depth; d++)
            seen |= w->cyc[d] == nx;
        if (seen)
            continue;
        w->cyc[depth] = nx;
        dfs(w, depth + 1);
    }
}

int rc_rule_order_inversion(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    edges_t es = {0};
    collect(p, &es);
    einst_t *tmp = rc_xmalloc((es.n ? es.n : 1) * sizeof *tmp);
    sort_einsts(p, es.v, tmp, es.n);
    free(tmp);

    /* Distinct edges, in (from, to) order. */
    uint32_t *succ = rc_xmalloc((es.n ? es.n : 1) * 2 * sizeof *succ);
    size_t nsucc = 0;
    for (size_t i = 0; i < es.n; i++) {
        if (i && es.v[i].from == es.v[i - 1].from && es.v[i].to == es.v[i - 1].to)
            continue;
        succ[2 * nsucc] = es.v[i].from;
        succ[2 * nsucc + 1] = es.v[i].to;
        nsucc++;
    }
    walk_t w = {.p = p, .es = &es, .succ = succ, .nsucc = nsucc, .out = out};
    for (size_t i = 0; i < nsucc; i++) {
        if (succ[2 * i] == succ[2 * i + 1]) {
            w.cyc[0] = succ[2 * i];
            check_cycle(p, &es, w.cyc, 1, out);
        }
    }
    for (size_t i = 0; i < nsucc && w.ncycles < MAX_CYCLES; i++) {
        if (i && succ[2 * i] == succ[2 * i - 2])
            continue;
        w.cyc[0] = succ[2 * i];
        dfs(&w, 1);
    }
    free(succ);
    free(es.v);
    return RC_OK;
}
