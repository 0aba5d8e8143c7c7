/*
 * lockgraph.c - enumeration of deadlock-capable cycles (see lockgraph.h).
 *
 * Nodes are locks; for each ordered pair (from, to) the candidate edges are
 * the observations by different threads. Elementary cycles of the node graph
 * are enumerated by depth-first search from each node s, visiting only nodes
 * greater than s (so each cycle is found once, from its smallest node). For
 * each node cycle, a backtracking search picks one observation per hop that
 * satisfies the filters of lockgraph.h.
 */
#include "lockgraph.h"

#include <stdlib.h>
#include <string.h>

#include "common.h"

typedef struct pair {
    size_t to;
    size_t *edges; /* observations of this (from, to) */
    size_t nedges;
} pair_t;

typedef struct node {
    pair_t *out;
    size_t nout;
} node_t;

typedef struct search {
    const rc_lg_edge_t *edges;
    node_t *nodes;
    size_t nnodes;
    size_t *path;  /* node path */
    pair_t **hops; /* pair used for each hop of the path */
    size_t depth;
    char *on_path;
    size_t *choice; /* chosen observation per hop */
    long budget;
    rc_lg_cycle_t *cycles;
    size_t ncycles, cap;
} search_t;

static pair_t *find_pair(node_t *n, size_t to)
{
    for (size_t i = 0; i < n->nout; i++)
        if (n->out[i].to == to)
            return &n->out[i];
    return NULL;
}

static int held_contains(const rc_lg_edge_t *e, size_t lock)
{
    for (size_t i = 0; i < e->nheld; i++)
        if (e->held[i] == lock)
            return 1;
    return 0;
}

/* Does every occurrence of A happen before every occurrence of B? True when
 * B's thread, at B's first occurrence, already knew A's thread up to A's
 * last occurrence. */
static int before(const rc_lg_edge_t *a, const rc_lg_edge_t *b)
{
    return a->tid < b->nvc && b->vc[a->tid] >= a->last_clock;
}

/* Can observation a run at the same time as observation b? */
static int may_overlap(const rc_lg_edge_t *a, const rc_lg_edge_t *b)
{
    return !before(a, b) && !before(b, a);
}

static int in_cycle(const search_t *s, size_t lock)
{
    return lock < s->nnodes && s->on_path[lock];
}

/* Is some lock outside the cycle held on every chosen observation? */
static int gated(const search_t *s, size_t n)
{
    const rc_lg_edge_t *first = &s->edges[s->choice[0]];
    for (size_t i = 0; i < first->nheld; i++) {
        size_t g = first->held[i];
        if (in_cycle(s, g))
            continue;
        size_t k = 1;
        while (k < n && held_contains(&s->edges[s->choice[k]], g))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

/* Picks observations for hops k..n-1; 1 when a valid assignment exists. */
static int assign(search_t *s, size_t k, size_t n)
{
    if (k == n)
        return !gated(s, n);
    pair_t *p = s->hops[k];
    for (size_t i = 0; i < p->nedges; i++) {
        const rc_lg_edge_t *e = &s->edges[p->edges[i]];
        if (e->trylock)
            continue;
        int ok = 1;
        for (size_t j = 0; j < k && ok; j++) {
            const rc_lg_edge_t *o = &s->edges[s->choice[j]];
            ok = o->tid != e->tid && may_overlap(o, e);
        }
        if (!ok)
            continue;
        s->choice[k] = p->edges[i];
        if (assign(s, k + 1, n))
            return 1;
    }
    return 0;
}

static void record_cycle(search_t *s, size_t n)
{
    if (s->ncycles == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->cycles = rc_xrealloc(s->cycles, s->cap * sizeof *s->cycles);
    }
    rc_lg_cycle_t *c = &s->cycles[s->ncycles++];
    c->n = n;
    c->edges = rc_xmalloc(n * sizeof *c->edges);
    memcpy(c->edges, s->choice, n * sizeof *c->edges);
}

static void dfs(search_t *s, size_t start, size_t v)
{
    node_t *n = &s->nodes[v];
    for (size_t i = 0; i < n->nout && s->budget > 0; i++) {
        s->budget--;
        pair_t *p = &n->out[i];
        if (p->to == start) {
            s->hops[s->depth] = p;
            size_t len = s->depth + 1;
            if (len >= 2 && assign(s, 0, len))
                record_cycle(s, len);
            continue;
        }
        if (p->to < start || s->on_path[p->to])
            continue;
        s->hops[s->depth] = p;
        s->depth++;
        s->path[s->depth] = p->to;
        s->on_path[p->to] = 1;
        dfs(s, start, p->to);
        s->on_path[p->to] = 0;
        s->depth--;
    }
}

void rc_lg_find_cycles(size_t nlocks, const rc_lg_edge_t *edges, size_t nedges,
                       rc_lg_cycle_t **cycles, size_t *ncycles, int *truncated)
{
    search_t s = {.edges = edges, .nnodes = nlocks};
    s.nodes = rc_xcalloc(nlocks, sizeof *s.nodes);
    for (size_t i = 0; i < nedges; i++) {
        const rc_lg_edge_t *e = &edges[i];
        if (e->from >= nlocks || e->to >= nlocks || e->from == e->to)
            continue;
        node_t *n = &s.nodes[e->from];
        pair_t *p = find_pair(n, e->to);
        if (!p) {
            n->out = rc_xrealloc(n->out, (n->nout + 1) * sizeof *n->out);
            p = &n->out[n->nout++];
            memset(p, 0, sizeof *p);
            p->to = e->to;
        }
        p->edges = rc_xrealloc(p->edges, (p->nedges + 1) * sizeof *p->edges);
        p->edges[p->nedges++] = i;
    }
    s.path = rc_xcalloc(nlocks + 1, sizeof *s.path);
    s.hops = rc_xcalloc(nlocks + 1, sizeof *s.hops);
    s.choice = rc_xcalloc(nlocks + 1, sizeof *s.choice);
    s.on_path = rc_xcalloc(nlocks + 1, 1);
    s.budget = RC_LOCKGRAPH_BUDGET;
    for (size_t v = 0; v < nlocks && s.budget > 0; v++) {
        s.depth = 0;
        s.path[0] = v;
        s.on_path[v] = 1;
        dfs(&s, v, v);
        s.on_path[v] = 0;
    }
    *truncated = s.budget <= 0;
    for (size_t v = 0; v < nlocks; v++) {
        for (size_t i = 0; i < s.nodes[v].nout; i++)
            free(s.nodes[v].out[i].edges);
        free(s.nodes[v].out);
    }
    free(s.nodes);
    free(s.path);
    free(s.hops);
    free(s.choice);
    free(s.on_path);
    *cycles = s.cycles;
    *ncycles = s.ncycles;
}

void rc_lg_cycles_free(rc_lg_cycle_t *cycles, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(cycles[i].edges);
    free(cycles);
}
