/*
 * unprotected_rmw.c - rule race.unprotected-rmw: a non-atomic read-modify-write
 * of shared data that no common lock protects from a concurrent access.
 *
 * A site is reported when all of these hold:
 *   - it is a read-modify-write (`x++`, `x += e`, `x = x + 1`, `x = f(x)`, ...) of a
 *     shared location: a global, file static or static local, a field / element of
 *     one, or an object reached through a pointer that program.c could name
 *     (rc_program_t.keys; accesses it could not name are skipped);
 *   - the location is not thread-local, not const, and not _Atomic unless the update
 *     is written `x = x op y` (an atomic load and a separate atomic store; the other
 *     side must then be a write or an update); volatile is no help;
 *   - some instance of it (a root reaching its function; its lockset is the entry
 *     lockset of the function under that root ∪ the locks held locally) has a
 *     concurrent conflicting access (rc_program_concurrent): the same site in another
 *     instance of a routine that runs in several threads, or an access of an
 *     overlapping location in another thread, including main between the creation
 *     and the join;
 *   - the two locksets do not protect the pair (rc_program_protected): no common lock
 *     held exclusively on one side (a reader lock does not keep two updaters apart);
 *   - and, when the update itself holds a lock, the other side is a write or an
 *     update holding other locks (inconsistent locking) or an unlocked plain write.
 *     Against an unlocked update, only that update is reported (it is the one to
 *     fix); against a read, nothing (the read may see a stale value, but no update
 *     is lost).
 *
 * One finding per site. When several conflicts exist, the reported one is chosen
 * deterministically: the site racing with itself first, then writes before reads,
 * then by file, line, column, then by root.
 *
 * Cost: accesses are grouped by variable, and within a group the instances that
 * behave alike (same key, root, kind, lockset, time in main) share a bucket; a site
 * is compared with each bucket's first members, not with every access.
 *
 * Message format:
 *   non-atomic update '<expr>' of shared [atomic ]'<var>' <without a lock | holding 'l'>;
 *   <why>
 *   why = '<routine>' runs in several threads at once (created in a loop at f.c:N)
 *       | it conflicts with the <read|write|update> '<expr>' in '<fn>' (<locks>) in thread
 *         '<routine>' (created at f.c:N)
 *       | ... in the main thread while '<routine>' runs (created at f.c:N)
 * subject: the variable ("st" for st.failures), or the expression for an object
 * reached through a pointer.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "race.unprotected-rmw"

typedef struct ref {
    uint32_t fn;
    uint32_t acc;
} ref_t;

typedef struct group {
    ref_t *v;
    size_t n, cap;
} group_t;

/* Updates that cannot lose another thread's write: thread-local and const
 * locations, and atomic ones updated by one atomic operation (`x++`, `x += n`).
 * `x = x + 1` on an atomic is a separate atomic load and atomic store, so it can. */
static int excluded(unsigned flags)
{
    if (flags & (RC_LOC_TLS | RC_LOC_CONST))
        return 1;
    return (flags & RC_LOC_ATOMIC) && !(flags & RC_ACC_SPLIT);
}

/* 1 when a lockset excludes other updaters: some lock held exclusively, or an
 * unidentified lock (given the benefit of the doubt). A reader lock does not:
 * two threads may hold it and update at the same time. */
static int excludes_updaters(const rc_program_t *p, const rc_lset_t *ls)
{
    for (int i = 0; i < ls->n; i++)
        if (!RC_LREF_SHARED(ls->v[i]) || RC_LREF_LOCK(ls->v[i]) == p->unknown_lock)
            return 1;
    return 0;
}

/* Length of the root (variable USR) part of a key, separator included. */
static size_t root_len(const char *key)
{
    const char *s = strchr(key, RC_KEY_SEP);
    return s ? (size_t)(s - key) + 1 : strlen(key);
}

/* Reads one path component ".name" or "[...]" at *s; returns its length (0 at the end). */
static size_t component(const char *s)
{
    if (!*s)
        return 0;
    size_t n = 1;
    while (s[n] && s[n] != '.' && s[n] != '[')
        n++;
    return n;
}

static int wild(const char *c, size_t n)
{
    return n == 3 && (c[1] == '*' || c[1] == '#');
}

/* 1 when two keys of the same variable may denote overlapping storage: one path is a
 * prefix of the other, component by component, where "[*]" matches any element.
 * "[#]" is the slot of the running thread: two threads of the same routine use
 * different slots; otherwise it matches any element. */
static int keys_overlap(const char *a, const char *b, int same_root)
{
    size_t ra = root_len(a), rb = root_len(b);
    if (ra != rb || memcmp(a, b, ra) != 0)
        return 0;
    a += ra;
    b += rb;
    for (;;) {
        size_t na = component(a), nb = component(b);
        if (!na || !nb)
            return 1;
        if (a[0] == '[' && b[0] == '[') {
            if (same_root && wild(a, na) && wild(b, nb) && a[1] == '#' && b[1] == '#')
                return 0;
            if (!wild(a, na) && !wild(b, nb) && (na != nb || memcmp(a, b, na) != 0))
                return 0;
        } else if (a[0] == '.' && b[0] == '.') {
            if (na != nb || memcmp(a, b, na) != 0)
                return 0;
        }
        a += na;
        b += nb;
    }
}

static const char *base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : (path ? path : "?");
}

static const char *kind_word(rc_acc_kind_t k)
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

/* Appends "(created in a loop at f.c:31)" and similar for root r. */
static void describe_start(const rc_program_t *p, const rc_root_t *r, rc_strbuf_t *b)
{
    const rc_cinst_t *ci = first_ci(r);
    if (!ci) {
        rc_strbuf_append(b, "(creation site unknown)");
        return;
    }
    const rc_psite_t *s = &p->sites[ci->site];
    const char *file = base_name(p->fns[s->at_fn].f->file);
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
                          base_name(p->fns[p->sites[other].at_fn].f->file),
                          p->sites[other].at->line);
    else if (ci->many)
        rc_strbuf_appendf(b, "(created at %s:%u, which runs several times)", file, s->at->line);
    else
        rc_strbuf_appendf(b, "(created at %s:%u)", file, s->at->line);
}

static void add_start_related(const rc_program_t *p, rc_finding_t *f, const rc_root_t *r)
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

/* A conflict found for a site; rank orders candidates (lower is better). */
typedef struct conflict {
    int found;
    int self;
    rc_inst_t mine, other;
    ref_t oref;
} conflict_t;

static int better(const rc_program_t *p, const conflict_t *c, const conflict_t *best)
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

/* The finding's subject: the variable for a global or static location (what
 * ThreadSanitizer names in "Location is global 'st'" for st.failures), the
 * expression as written for an object reached through a pointer. */
static char *subject_of(const rc_program_t *p, const group_t *gr, const char *key, const char *name,
                        const char *facts_key)
{
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

static void report(const rc_program_t *p, const group_t *gr, ref_t site, const conflict_t *c,
                   rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[site.fn].f;
    const rc_access_t *a = &fn->acc[site.acc];
    const rc_fn_facts_t *ofn = p->fns[c->oref.fn].f;
    const rc_access_t *o = &ofn->acc[c->oref.acc];
    const rc_root_t *mine = &p->roots[c->mine.root], *other = &p->roots[c->other.root];

    rc_strbuf_t m;
    rc_strbuf_init(&m);
    rc_strbuf_appendf(&m, "non-atomic update '%s' of shared %s'%s' ", a->text,
                      a->flags & RC_LOC_ATOMIC ? "atomic " : "", a->name);
    if (a->flags & RC_LOC_ATOMIC)
        rc_strbuf_append(&m, "(a separate atomic load and store) ");
    if (c->mine.ls.n == 0) {
        rc_strbuf_append(&m, "without a lock");
    } else {
        rc_strbuf_append(&m, "holding ");
        rc_program_lset_str(p, &c->mine.ls, &m);
    }
    rc_strbuf_append(&m, "; ");
    if (c->self) {
        rc_strbuf_appendf(&m, "'%s' runs in several threads at once ", p->fns[mine->fn].f->name);
        describe_start(p, mine, &m);
    } else {
        rc_strbuf_appendf(&m, "it conflicts with the %s '%s' in '%s' (", kind_word(o->kind),
                          o->kind == RC_ACC_READ ? o->name : o->text, ofn->name);
        rc_program_lset_str(p, &c->other.ls, &m);
        if (other->is_main) {
            rc_strbuf_appendf(&m, ") in the main thread while '%s' runs ",
                              p->fns[mine->fn].f->name);
            describe_start(p, mine, &m);
        } else {
            rc_strbuf_appendf(&m, ") in thread '%s' ", p->fns[other->fn].f->name);
            describe_start(p, other, &m);
        }
    }

    rc_finding_t *f = rc_findings_push(out);
    f->rule = rc_xstrdup(RULE_ID);
    f->severity = RC_SEV_WARNING;
    f->source = RC_SRC_STATIC;
    f->message = rc_strbuf_take(&m);
    f->subject = subject_of(p, gr, p->keys[site.fn][site.acc], a->name, a->key);
    rc_loc_set(&f->loc, fn->file, a->pos.line, a->pos.col, fn->name, NULL);
    if (!c->self) {
        rc_strbuf_t note;
        rc_strbuf_init(&note);
        rc_strbuf_appendf(&note, "conflicting %s in '%s' (", kind_word(o->kind), ofn->name);
        rc_program_lset_str(p, &c->other.ls, &note);
        rc_strbuf_append(&note, other->is_main ? ") in the main thread" : ")");
        char *n = rc_strbuf_take(&note);
        rc_finding_add_related(f, ofn->file, o->pos.line, o->pos.col, ofn->name, n);
        free(n);
    }
    add_start_related(p, f, other->is_main ? mine : (c->self ? mine : other));
    if (!c->self && !other->is_main && !mine->is_main)
        add_start_related(p, f, mine);
}

/* An access as run by one root, and a bucket of such instances that behave alike
 * for this rule: same location key, root, kind, lockset and, in main, same time.
 * Comparing a site with each bucket instead of each access keeps the rule near
 * linear when many functions touch one variable under the same locks. */
typedef struct inst {
    uint32_t fn, acc, root;
    uint64_t time; /* main root: which main-level times apply; 0 elsewhere */
    rc_lset_t ls;
} inst_t;

typedef struct bucket {
    uint32_t first, n; /* range in the sorted instance array */
    uint32_t best[2];  /* the two first members by file, line, column */
    uint32_t nbest;
} bucket_t;

typedef struct sorter {
    const rc_program_t *p;
    inst_t *v;
} sorter_t;

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
           a->time == b->time && cmp_lset(&a->ls, &b->ls) == 0;
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

typedef struct gdata {
    inst_t *insts;
    size_t ninsts;
    bucket_t *buckets;
    size_t nbuckets;
} gdata_t;

static void build_group(const rc_program_t *p, const group_t *gr, gdata_t *gd)
{
    size_t cap = 16;
    gd->insts = rc_xmalloc(cap * sizeof *gd->insts);
    gd->ninsts = 0;
    for (size_t k = 0; k < gr->n; k++) {
        ref_t o = gr->v[k];
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

int rc_rule_unprotected_rmw(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    /* Group accesses by variable so each site is compared only with its own kind. */
    rc_strtab_t roots = {0};
    group_t *groups = NULL;
    size_t capgroups = 0;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const char *key = p->keys[f][i];
            if (!key)
                continue;
            size_t rl = root_len(key);
            char *root = rc_xmalloc(rl + 1);
            memcpy(root, key, rl);
            root[rl] = '\0';
            uint32_t g = rc_strtab_intern(&roots, root);
            free(root);
            if (g >= capgroups) {
                size_t nc = capgroups ? capgroups * 2 : 64;
                while (nc <= g)
                    nc *= 2;
                groups = rc_xrealloc(groups, nc * sizeof *groups);
                memset(groups + capgroups, 0, (nc - capgroups) * sizeof *groups);
                capgroups = nc;
            }
            group_t *gr = &groups[g];
            if (gr->n == gr->cap) {
                gr->cap = gr->cap ? gr->cap * 2 : 8;
                gr->v = rc_xrealloc(gr->v, gr->cap * sizeof *gr->v);
            }
            gr->v[gr->n++] = (ref_t){f, i};
        }
    }
    gdata_t *gds = rc_xcalloc(roots.n ? roots.n : 1, sizeof *gds);
    uint8_t *built = rc_xcalloc(roots.n ? roots.n : 1, 1);

    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const rc_access_t *a = &fn->acc[i];
            const char *akey = p->keys[f][i];
            if (a->kind != RC_ACC_RMW || excluded(a->flags) || !akey)
                continue;
            size_t rl = root_len(akey);
            char *root = rc_xmalloc(rl + 1);
            memcpy(root, akey, rl);
            root[rl] = '\0';
            uint32_t g = rc_strtab_lookup(&roots, root);
            free(root);
            if (!built[g]) {
                build_group(p, &groups[g], &gds[g]);
                built[g] = 1;
            }
            const gdata_t *gd = &gds[g];
            conflict_t best = {0};
            for (uint32_t r = 0; r < p->nroots; r++) {
                if (!rc_program_reach(p, r, f)->reached)
                    continue;
                conflict_t c = {0};
                rc_program_inst(p, r, f, &a->pos, &a->ls, &c.mine);
                /* An update under a lock is reported against a write or update that
                 * holds other locks (inconsistent locking) or an unlocked plain write
                 * (which it may undo); an unlocked update on the other side gets the
                 * finding itself, and a read cannot make this update lost. */
                int locked = excludes_updaters(p, &c.mine.ls);
                c.found = 1;
                /* Under `if (id == 0)` in a routine whose threads get distinct ids,
                 * one thread at most runs the site. */
                int one = (a->flags & RC_ACC_ONE_ARG) && !p->roots[r].is_main &&
                          p->roots[r].fn == f && p->roots[r].arg_distinct;
                if (!one && keys_overlap(akey, akey, 1) &&
                    rc_program_concurrent(p, &c.mine, &c.mine) &&
                    !rc_program_protected(p, &c.mine.ls, &c.mine.ls)) {
                    c.self = 1;
                    c.other = c.mine;
                    c.oref = (ref_t){f, i};
                    if (better(p, &c, &best))
                        best = c;
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
                    if (!rep)
                        continue;
                    const rc_access_t *b = &p->fns[rep->fn].f->acc[rep->acc];
                    if ((a->flags & RC_LOC_ATOMIC) && b->kind == RC_ACC_READ)
                        continue; /* an atomic read cannot make an atomic update lost */
                    if ((locked &&
                         (b->kind == RC_ACC_READ || (b->kind == RC_ACC_RMW && rep->ls.n == 0))) ||
                        !keys_overlap(akey, p->keys[rep->fn][rep->acc], rep->root == r))
                        continue;
                    c.other.root = rep->root;
                    c.other.fn = rep->fn;
                    c.other.pos = &b->pos;
                    c.other.ls = rep->ls;
                    if (!rc_program_concurrent(p, &c.mine, &c.other) ||
                        rc_program_protected(p, &c.mine.ls, &c.other.ls))
                        continue;
                    c.oref = (ref_t){rep->fn, rep->acc};
                    if (better(p, &c, &best))
                        best = c;
                }
            }
            if (best.found)
                report(p, &groups[g], (ref_t){f, i}, &best, out);
        }
    }
    for (size_t g = 0; g < roots.n; g++) {
        free(groups[g].v);
        free(gds[g].insts);
        free(gds[g].buckets);
    }
    free(gds);
    free(built);
    free(groups);
    rc_strtab_close(&roots);
    return RC_OK;
}
