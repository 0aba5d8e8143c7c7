/*
 * race_common.c - the machinery the race rules share (race_common.h): grouping
 * accesses by variable, buckets of alike instances, the overlap of access keys
 * and the search for the best conflict of a site.
 *
 * Cost: accesses are grouped by variable, and within a group the instances that
 * behave alike (same key, root, kind, lockset, order marks and once routine and,
 * in main, same time; each access apart when a barrier orders anything) share a
 * bucket; a site is compared with each bucket's first members, not with every
 * access.
 */
#include "race_common.h"

#include <stdlib.h>
#include <string.h>

int rc_race_excludes_updaters(const rc_program_t *p, const rc_lset_t *ls)
{
    for (int i = 0; i < ls->n; i++)
        if (!RC_LREF_SHARED(ls->v[i]) || RC_LREF_LOCK(ls->v[i]) == p->unknown_lock)
            return 1;
    return 0;
}

const char *rc_race_kind_word(rc_acc_kind_t k)
{
    return k == RC_ACC_READ ? "read" : k == RC_ACC_WRITE ? "write" : "update";
}

/* The creation instance to cite for root r: the first in site order. */
static const rc_cinst_t *first_ci(const rc_root_t *r)
{
    const rc_cinst_t *best = NULL;
    for (size_t i = 0; i < r->nci; i++)
        if (!best || r->ci[i].site < best->site)
            best = &r->ci[i];
    return best;
}

void rc_race_describe_start(const rc_program_t *p, const rc_root_t *r, rc_strbuf_t *b)
{
    const rc_cinst_t *ci = first_ci(r);
    if (!ci) {
        rc_strbuf_append(b, "(creation site unknown)");
        return;
    }
    const rc_psite_t *s = &p->sites[ci->site];
    const char *file = rc_base_name(p->fns[s->at_fn].f->file);
    if (!p->roots[ci->root].is_main) {
        rc_strbuf_appendf(b, "(created by thread '%s' at %s:%u)",
                          p->fns[p->roots[ci->root].fn].f->name, file, s->at->line);
        return;
    }
    uint32_t other = UINT32_MAX;
    for (size_t i = 0; i < r->nci; i++)
        if (r->ci[i].site != ci->site && (other == UINT32_MAX || r->ci[i].site < other))
            other = r->ci[i].site;
    if (ci->many && s->at->loop_le)
        rc_strbuf_appendf(b, "(created in a loop at %s:%u)", file, s->at->line);
    else if (other != UINT32_MAX)
        rc_strbuf_appendf(b, "(created at %s:%u and %s:%u)", file, s->at->line,
                          rc_base_name(p->fns[p->sites[other].at_fn].f->file),
                          p->sites[other].at->line);
    else if (ci->many)
        rc_strbuf_appendf(b, "(created at %s:%u, which runs several times)", file, s->at->line);
    else
        rc_strbuf_appendf(b, "(created at %s:%u)", file, s->at->line);
}

void rc_race_add_start_related(const rc_program_t *p, rc_finding_t *f, const rc_root_t *r)
{
    const rc_cinst_t *ci = first_ci(r);
    if (!ci)
        return;
    const rc_psite_t *s = &p->sites[ci->site];
    char *note = rc_xasprintf("thread '%s' created here%s", p->fns[r->fn].f->name,
                              ci->many ? " (several times)" : "");
    rc_finding_add_related(f, p->fns[s->at_fn].f->file, s->at->line, s->at->col,
                           p->fns[s->at_fn].f->name, note);
    free(note);
}

static int better(const rc_program_t *p, const rc_race_conflict_t *c,
                  const rc_race_conflict_t *best)
{
    if (!best->found)
        return 1;
    if (c->self != best->self)
        return c->self > best->self;
    const rc_access_t *a = &p->fns[c->oref.fn].f->acc[c->oref.acc];
    const rc_access_t *b = &p->fns[best->oref.fn].f->acc[best->oref.acc];
    int wa = a->kind != RC_ACC_READ, wb = b->kind != RC_ACC_READ;
    if (wa != wb)
        return wa > wb;
    int fc = strcmp(p->fns[c->oref.fn].f->file, p->fns[best->oref.fn].f->file);
    if (fc)
        return fc < 0;
    if (a->pos.line != b->pos.line)
        return a->pos.line < b->pos.line;
    if (a->pos.col != b->pos.col)
        return a->pos.col < b->pos.col;
    if (c->mine.root != best->mine.root)
        return c->mine.root < best->mine.root;
    return c->other.root < best->other.root;
}

char *rc_race_subject(const rc_program_t *p, const rc_race_group_t *gr, uint32_t f, uint32_t i)
{
    const char *key = p->keys[f][i], *name = p->fns[f].f->acc[i].name;
    const char *facts_key = p->fns[f].f->acc[i].key;
    if (key[0] == '*' || strchr(key, RC_PARAM_MARK))
        return rc_xstrdup(name);
    if (!strchr(facts_key, RC_PARAM_MARK))
        return rc_xasprintf("%.*s", (int)strcspn(name, ".["), name);
    /* Reached through a pointer parameter that resolved to a global: name the
     * global as another access of it spells it. */
    for (size_t k = 0; k < gr->n; k++) {
        const rc_access_t *o = &p->fns[gr->v[k].fn].f->acc[gr->v[k].acc];
        if (!strchr(o->key, RC_PARAM_MARK) && o->key[0] != '*')
            return rc_xasprintf("%.*s", (int)strcspn(o->name, ".["), o->name);
    }
    return rc_xstrdup(name);
}

/* An access as run by one root, and a bucket of such instances that behave alike
 * for this rule: same location key, root, kind, lockset and, in main, same time.
 * Comparing a site with each bucket instead of each access keeps the rule near
 * linear when many functions touch one variable under the same locks. */
typedef struct inst {
    uint32_t fn, acc, root;
    uint64_t time; /* main root: which main-level times apply; 0 elsewhere */
    rc_lset_t ls;
    /* What orders it (rc_program_ordered): the order marks held, the once routine
     * it runs in, and, when barriers order anything, the access itself (how many
     * waits precede it depends on where it is). */
    rc_lset_t marks;
    uint32_t guard;
    uint64_t place;
} inst_t;

typedef struct bucket {
    uint32_t first, n; /* range in the sorted instance array */
    uint32_t best[2];  /* the two first members by file, line, column */
    uint32_t nbest;
} bucket_t;

static int cmp_lset(const rc_lset_t *a, const rc_lset_t *b)
{
    if (a->n != b->n)
        return a->n < b->n ? -1 : 1;
    return memcmp(a->v, b->v, a->n * sizeof a->v[0]);
}

/* Orders instances by bucket identity, then by place. */
static int cmp_inst(const rc_program_t *p, const inst_t *a, const inst_t *b)
{
    int c = strcmp(p->keys[a->fn][a->acc], p->keys[b->fn][b->acc]);
    if (c)
        return c;
    if (a->root != b->root)
        return a->root < b->root ? -1 : 1;
    rc_acc_kind_t ka = p->fns[a->fn].f->acc[a->acc].kind, kb = p->fns[b->fn].f->acc[b->acc].kind;
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if ((c = cmp_lset(&a->ls, &b->ls)))
        return c;
    if ((c = cmp_lset(&a->marks, &b->marks)))
        return c;
    if (a->guard != b->guard)
        return a->guard < b->guard ? -1 : 1;
    if (a->place != b->place)
        return a->place < b->place ? -1 : 1;
    const rc_access_t *x = &p->fns[a->fn].f->acc[a->acc], *y = &p->fns[b->fn].f->acc[b->acc];
    if ((c = strcmp(p->fns[a->fn].f->file, p->fns[b->fn].f->file)))
        return c;
    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col)
        return x->pos.col < y->pos.col ? -1 : 1;
    return a->fn != b->fn ? (a->fn < b->fn ? -1 : 1) : (a->acc < b->acc ? -1 : 1);
}

static int same_bucket(const rc_program_t *p, const inst_t *a, const inst_t *b)
{
    return strcmp(p->keys[a->fn][a->acc], p->keys[b->fn][b->acc]) == 0 && a->root == b->root &&
           p->fns[a->fn].f->acc[a->acc].kind == p->fns[b->fn].f->acc[b->acc].kind &&
           a->time == b->time && cmp_lset(&a->ls, &b->ls) == 0 &&
           cmp_lset(&a->marks, &b->marks) == 0 && a->guard == b->guard && a->place == b->place;
}

/* Merge sort of instances (qsort passes no context to its comparison). */
static void sort_insts(const rc_program_t *p, inst_t *v, inst_t *tmp, size_t n)
{
    if (n < 2)
        return;
    size_t h = n / 2;
    sort_insts(p, v, tmp, h);
    sort_insts(p, v + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = cmp_inst(p, &v[j], &v[i]) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, n * sizeof *v);
}

struct rc_race_gdata {
    inst_t *insts;
    size_t ninsts;
    bucket_t *buckets;
    size_t nbuckets;
};

static void build_group(const rc_program_t *p, const rc_race_group_t *gr, rc_race_gdata_t *gd)
{
    size_t cap = 16;
    gd->insts = rc_xmalloc(cap * sizeof *gd->insts);
    gd->ninsts = 0;
    for (size_t k = 0; k < gr->n; k++) {
        rc_race_ref_t o = gr->v[k];
        const rc_access_t *b = &p->fns[o.fn].f->acc[o.acc];
        for (uint32_t r = 0; r < p->nroots; r++) {
            if (!rc_program_reach(p, r, o.fn)->reached)
                continue;
            if (gd->ninsts == cap) {
                cap *= 2;
                gd->insts = rc_xrealloc(gd->insts, cap * sizeof *gd->insts);
            }
            inst_t *in = &gd->insts[gd->ninsts++];
            rc_inst_t ri;
            rc_program_inst(p, r, o.fn, &b->pos, &b->ls, &ri);
            in->fn = o.fn;
            in->acc = o.acc;
            in->root = r;
            in->ls = ri.ls;
            in->marks = ri.marks;
            in->guard = rc_program_once_guard(p, r, o.fn);
            in->place = p->nphased ? ((uint64_t)o.fn << 32 | o.acc) + 1 : 0;
            in->time = !p->roots[r].is_main ? 0
                       : o.fn == p->main_fn ? ((uint64_t)1 << 40) | o.acc
                                            : (uint64_t)o.fn + 1;
        }
    }
    inst_t *tmp = rc_xmalloc((gd->ninsts ? gd->ninsts : 1) * sizeof *tmp);
    sort_insts(p, gd->insts, tmp, gd->ninsts);
    free(tmp);
    gd->buckets = rc_xmalloc((gd->ninsts ? gd->ninsts : 1) * sizeof *gd->buckets);
    gd->nbuckets = 0;
    for (size_t i = 0; i < gd->ninsts; i++) {
        if (i == 0 || !same_bucket(p, &gd->insts[i - 1], &gd->insts[i])) {
            bucket_t *b = &gd->buckets[gd->nbuckets++];
            b->first = (uint32_t)i;
            b->n = 0;
            b->nbest = 0;
        }
        bucket_t *b = &gd->buckets[gd->nbuckets - 1];
        b->n++;
        if (b->nbest < 2) /* sorted by place within a bucket */
            b->best[b->nbest++] = (uint32_t)i;
    }
}

static char *root_of(const char *key)
{
    size_t rl = rc_key_root_len(key);
    char *root = rc_xmalloc(rl + 1);
    memcpy(root, key, rl);
    root[rl] = '\0';
    return root;
}

void rc_race_idx_init(rc_race_idx_t *ix, const rc_program_t *p)
{
    memset(ix, 0, sizeof *ix);
    ix->p = p;
    size_t capgroups = 0;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const char *key = p->keys[f][i];
            if (!key)
                continue;
            char *root = root_of(key);
            uint32_t g = rc_strtab_intern(&ix->roots, root);
            free(root);
            if (g >= capgroups) {
                size_t nc = capgroups ? capgroups * 2 : 64;
                while (nc <= g)
                    nc *= 2;
                ix->groups = rc_xrealloc(ix->groups, nc * sizeof *ix->groups);
                memset(ix->groups + capgroups, 0, (nc - capgroups) * sizeof *ix->groups);
                capgroups = nc;
            }
            rc_race_group_t *gr = &ix->groups[g];
            if (gr->n == gr->cap) {
                gr->cap = gr->cap ? gr->cap * 2 : 8;
                gr->v = rc_xrealloc(gr->v, gr->cap * sizeof *gr->v);
            }
            gr->v[gr->n++] = (rc_race_ref_t){f, i};
        }
    }
    ix->gds = rc_xcalloc(ix->roots.n ? ix->roots.n : 1, sizeof *ix->gds);
}

void rc_race_idx_close(rc_race_idx_t *ix)
{
    for (size_t g = 0; g < ix->roots.n; g++) {
        free(ix->groups[g].v);
        free(ix->gds[g].insts);
        free(ix->gds[g].buckets);
    }
    free(ix->gds);
    free(ix->groups);
    rc_strtab_close(&ix->roots);
    memset(ix, 0, sizeof *ix);
}

static uint32_t group_index(const rc_race_idx_t *ix, uint32_t f, uint32_t i)
{
    char *root = root_of(ix->p->keys[f][i]);
    uint32_t g = rc_strtab_lookup(&ix->roots, root);
    free(root);
    return g;
}

const rc_race_group_t *rc_race_group(const rc_race_idx_t *ix, uint32_t f, uint32_t i)
{
    return &ix->groups[group_index(ix, f, i)];
}

/* The best conflicts found so far, best first, each access (or the site
 * against itself) once. */
typedef struct top {
    rc_race_conflict_t v[RC_RACE_ALSO + 1];
    size_t n;
} top_t;

/* The same other side: the site against itself, or the same other access
 * (whichever roots). */
static int same_side(const rc_race_conflict_t *a, const rc_race_conflict_t *b)
{
    return a->self == b->self &&
           (a->self || (a->oref.fn == b->oref.fn && a->oref.acc == b->oref.acc));
}

static void offer(const rc_program_t *p, top_t *t, const rc_race_conflict_t *c)
{
    for (size_t k = 0; k < t->n; k++) {
        if (!same_side(&t->v[k], c))
            continue;
        if (!better(p, c, &t->v[k]))
            return;
        memmove(&t->v[k], &t->v[k + 1], (t->n - k - 1) * sizeof *t->v); /* re-placed below */
        t->n--;
        break;
    }
    size_t at = 0;
    while (at < t->n && !better(p, c, &t->v[at]))
        at++;
    if (at > RC_RACE_ALSO)
        return;
    size_t keep = t->n < RC_RACE_ALSO + 1 ? t->n : RC_RACE_ALSO;
    memmove(&t->v[at + 1], &t->v[at], (keep - at) * sizeof *t->v);
    t->v[at] = *c;
    t->n = keep + 1;
}

static void find(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                 int ignore_locks, top_t *top);

void rc_race_find(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                  rc_race_conflict_t *best)
{
    rc_race_find_ex(ix, f, i, accept, ud, 0, best);
}

void rc_race_find_ex(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                     int ignore_locks, rc_race_conflict_t *best)
{
    top_t top = {0};
    find(ix, f, i, accept, ud, ignore_locks, &top);
    memset(best, 0, sizeof *best);
    if (top.n)
        *best = top.v[0];
}

void rc_race_find_also(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept,
                       void *ud, rc_race_conflict_t *best, rc_race_also_t *also)
{
    top_t top = {0};
    find(ix, f, i, accept, ud, 0, &top);
    memset(best, 0, sizeof *best);
    also->n = 0;
    if (top.n)
        *best = top.v[0];
    for (size_t k = 1; k < top.n; k++) /* not the site itself, met from another root */
        if (!top.v[k].self && !(top.v[k].oref.fn == f && top.v[k].oref.acc == i))
            also->v[also->n++] = top.v[k];
}

static void find(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                 int ignore_locks, top_t *top)
{
    const rc_program_t *p = ix->p;
    const rc_access_t *a = &p->fns[f].f->acc[i];
    const char *akey = p->keys[f][i];
    uint32_t g = group_index(ix, f, i);
    rc_race_gdata_t *gd = &ix->gds[g];
    if (!gd->insts)
        build_group(p, &ix->groups[g], gd);
    for (uint32_t r = 0; r < p->nroots; r++) {
        if (!rc_program_reach(p, r, f)->reached)
            continue;
        rc_race_conflict_t c = {0};
        rc_program_inst(p, r, f, &a->pos, &a->ls, &c.mine);
        c.found = 1;
        /* Under `if (id == 0)` in a routine whose threads get distinct ids, one
         * thread at most runs the site: there, or in what the routine calls
         * only there (rc_reach_t.gated). */
        int one = ((a->flags & RC_ACC_ONE_ARG && p->roots[r].fn == f) ||
                   rc_program_reach(p, r, f)->gated) &&
                  !p->roots[r].is_main && p->roots[r].arg_distinct;
        if (!one && rc_keys_overlap(akey, akey, 1) && rc_program_concurrent(p, &c.mine, &c.mine) &&
            (ignore_locks || !rc_program_protected(p, &c.mine.ls, &c.mine.ls)) &&
            accept(ud, p, a, &c.mine, a, &c.mine, 1)) {
            c.self = 1;
            c.other = c.mine;
            c.oref = (rc_race_ref_t){f, i};
            offer(p, top, &c);
        }
        c.self = 0;
        for (size_t k = 0; k < gd->nbuckets; k++) {
            const bucket_t *bk = &gd->buckets[k];
            const inst_t *rep = NULL;
            for (uint32_t j = 0; j < bk->nbest && !rep; j++) {
                const inst_t *cand = &gd->insts[bk->best[j]];
                if (!(cand->root == r && cand->fn == f && cand->acc == i))
                    rep = cand; /* the site against itself is the case above */
            }
            if (!rep || !rc_keys_overlap(akey, p->keys[rep->fn][rep->acc], rep->root == r))
                continue;
            const rc_access_t *b = &p->fns[rep->fn].f->acc[rep->acc];
            c.other.root = rep->root;
            c.other.fn = rep->fn;
            c.other.pos = &b->pos;
            c.other.ls = rep->ls;
            c.other.marks = rep->marks;
            if (!rc_program_concurrent(p, &c.mine, &c.other) ||
                (!ignore_locks && rc_program_protected(p, &c.mine.ls, &c.other.ls)) ||
                !accept(ud, p, a, &c.mine, b, &c.other, 0))
                continue;
            c.oref = (rc_race_ref_t){rep->fn, rep->acc};
            offer(p, top, &c);
        }
    }
}

void rc_race_append_held(const rc_program_t *p, const rc_lset_t *ls, rc_strbuf_t *m)
{
    if (ls->n == 0) {
        rc_strbuf_append(m, "without a lock");
    } else {
        rc_strbuf_append(m, "holding ");
        rc_program_lset_str(p, ls, m);
    }
}

/* The note of a conflicting access: "<what> <kind> in '<fn>' (<locks>)[ in the
 * main thread]", as a related location of f. */
static void add_conflict_related(const rc_program_t *p, rc_finding_t *f,
                                 const rc_race_conflict_t *c, const char *what)
{
    const rc_fn_facts_t *ofn = p->fns[c->oref.fn].f;
    const rc_access_t *o = &ofn->acc[c->oref.acc];
    rc_strbuf_t note;
    rc_strbuf_init(&note);
    rc_strbuf_appendf(&note, "%s %s in '%s' (", what, rc_race_kind_word(o->kind), ofn->name);
    rc_program_lset_str(p, &c->other.ls, &note);
    rc_strbuf_append(&note, p->roots[c->other.root].is_main ? ") in the main thread" : ")");
    char *n = rc_strbuf_take(&note);
    rc_finding_add_related(f, ofn->file, o->pos.line, o->pos.col, ofn->name, n);
    free(n);
}

void rc_race_report(const rc_program_t *p, const rc_race_idx_t *ix, rc_race_ref_t site,
                    const rc_race_conflict_t *c, const rc_race_also_t *also, const char *rule,
                    rc_strbuf_t *m, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[site.fn].f;
    const rc_access_t *a = &fn->acc[site.acc];
    const rc_fn_facts_t *ofn = p->fns[c->oref.fn].f;
    const rc_access_t *o = &ofn->acc[c->oref.acc];
    const rc_root_t *mine = &p->roots[c->mine.root], *other = &p->roots[c->other.root];

    rc_strbuf_append(m, "; ");
    if (c->self) {
        rc_strbuf_appendf(m, "'%s' runs in several threads at once ", p->fns[mine->fn].f->name);
        rc_race_describe_start(p, mine, m);
    } else {
        rc_strbuf_appendf(m, "it conflicts with the %s '%s' in '%s' (", rc_race_kind_word(o->kind),
                          o->kind == RC_ACC_READ ? o->name : o->text, ofn->name);
        rc_program_lset_str(p, &c->other.ls, m);
        if (other->is_main) {
            rc_strbuf_appendf(m, ") in the main thread while '%s' runs ", p->fns[mine->fn].f->name);
            rc_race_describe_start(p, mine, m);
        } else {
            rc_strbuf_appendf(m, ") in thread '%s' ", p->fns[other->fn].f->name);
            rc_race_describe_start(p, other, m);
        }
    }

    rc_finding_t *f = rc_rule_finding(out, rule, RC_SEV_WARNING);
    f->message = rc_strbuf_take(m);
    f->subject = rc_race_subject(p, rc_race_group(ix, site.fn, site.acc), site.fn, site.acc);
    rc_loc_set(&f->loc, fn->file, a->pos.line, a->pos.col, fn->name, NULL);
    if (!c->self)
        add_conflict_related(p, f, c, "conflicting");
    rc_race_add_start_related(p, f, other->is_main ? mine : (c->self ? mine : other));
    if (!c->self && !other->is_main && !mine->is_main && mine != other)
        rc_race_add_start_related(p, f, mine);
    for (size_t k = 0; also && k < also->n; k++)
        add_conflict_related(p, f, &also->v[k], "also conflicting");
}

void rc_race_rule(const rc_program_t *p, const char *rule, rc_race_site_fn site,
                  rc_race_accept_fn accept, rc_race_lead_fn lead, rc_findings_t *out)
{
    rc_race_idx_t ix;
    rc_race_idx_init(&ix, p);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const rc_access_t *a = &fn->acc[i];
            if (!p->keys[f][i] || !site(a))
                continue;
            rc_race_conflict_t best;
            rc_race_also_t also;
            rc_race_find_also(&ix, f, i, accept, NULL, &best, &also);
            if (!best.found)
                continue;
            rc_strbuf_t m;
            rc_strbuf_init(&m);
            lead(p, a, &best, &m);
            rc_race_report(p, &ix, (rc_race_ref_t){f, i}, &best, &also, rule, &m, out);
        }
    }
    rc_race_idx_close(&ix);
}
