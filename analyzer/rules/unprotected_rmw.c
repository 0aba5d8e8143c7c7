/*
 * unprotected_rmw.c - rule race.unprotected-rmw: a non-atomic read-modify-write
 * of shared data that no common lock protects from a concurrent access.
 *
 * A site is reported when all of these hold:
 *   - it is a read-modify-write (`x++`, `x += e`, `x = x + 1`, `x = f(x)`, ...) of a
 *     global, file static or static local, or a field / element of one;
 *   - the location is not _Atomic, not thread-local, not const (volatile is no help);
 *   - in some instance of it (root x function reaching it) no lock is held exclusively
 *     (entry lockset of the function under that root ∪ locks held locally; a reader
 *     lock does not keep two updaters apart);
 *   - that instance has a concurrent conflicting
 *     access (rc_program_concurrent): the same site in another instance of a routine
 *     that runs in several threads, or any access of an overlapping location in another
 *     thread, including main between the creation and the join;
 *   - the two locksets do not protect the pair (rc_program_protected).
 *
 * One finding per site. When several conflicts exist, the reported one is chosen
 * deterministically: the site racing with itself first, then writes before reads,
 * then by file, line, column.
 *
 * Message format:
 *   non-atomic update '<expr>' of shared '<var>' <without a lock | holding 'l'>; <why>
 *   why = '<routine>' runs in several threads at once (created in a loop at f.c:N)
 *       | it conflicts with the <read|write|update> '<expr>' in '<fn>' (<locks>) in thread
 *         '<routine>' (created at f.c:N)
 *       | ... in the main thread while '<routine>' runs (created at f.c:N)
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

static int excluded(unsigned flags)
{
    return (flags & (RC_LOC_ATOMIC | RC_LOC_TLS | RC_LOC_CONST)) != 0;
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
    const char *file = base_name(p->fns[s->fn].f->file);
    if (!p->roots[ci->root].is_main) {
        rc_strbuf_appendf(b, "(created by thread '%s' at %s:%u)",
                          p->fns[p->roots[ci->root].fn].f->name, file, s->c->pos.line);
        return;
    }
    uint32_t other = UINT32_MAX;
    for (size_t i = 0; i < r->nci; i++)
        if (r->ci[i].site != ci->site && (other == UINT32_MAX || r->ci[i].site < other))
            other = r->ci[i].site;
    if (ci->many && s->c->pos.loop_le)
        rc_strbuf_appendf(b, "(created in a loop at %s:%u)", file, s->c->pos.line);
    else if (other != UINT32_MAX)
        rc_strbuf_appendf(b, "(created at %s:%u and %s:%u)", file, s->c->pos.line,
                          base_name(p->fns[p->sites[other].fn].f->file),
                          p->sites[other].c->pos.line);
    else if (ci->many)
        rc_strbuf_appendf(b, "(created at %s:%u, which runs several times)", file, s->c->pos.line);
    else
        rc_strbuf_appendf(b, "(created at %s:%u)", file, s->c->pos.line);
}

static void add_start_related(const rc_program_t *p, rc_finding_t *f, const rc_root_t *r)
{
    const rc_cinst_t *ci = first_ci(r);
    if (!ci)
        return;
    const rc_psite_t *s = &p->sites[ci->site];
    char *note = rc_xasprintf("thread '%s' created here%s", p->fns[r->fn].f->name,
                              ci->many ? " (several times)" : "");
    rc_finding_add_related(f, p->fns[s->fn].f->file, s->c->pos.line, s->c->pos.col,
                           p->fns[s->fn].f->name, note);
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

static void report(const rc_program_t *p, ref_t site, const conflict_t *c, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[site.fn].f;
    const rc_access_t *a = &fn->acc[site.acc];
    const rc_fn_facts_t *ofn = p->fns[c->oref.fn].f;
    const rc_access_t *o = &ofn->acc[c->oref.acc];
    const rc_root_t *mine = &p->roots[c->mine.root], *other = &p->roots[c->other.root];

    rc_strbuf_t m;
    rc_strbuf_init(&m);
    rc_strbuf_appendf(&m, "non-atomic update '%s' of shared '%s' ", a->text, a->name);
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
    f->subject = rc_xstrdup(a->name);
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
            const group_t *gr = &groups[rc_strtab_lookup(&roots, root)];
            free(root);
            conflict_t best = {0};
            for (uint32_t r = 0; r < p->nroots; r++) {
                if (!rc_program_reach(p, r, f)->reached)
                    continue;
                conflict_t c = {0};
                rc_program_inst(p, r, f, &a->pos, &a->ls, &c.mine);
                if (excludes_updaters(p, &c.mine.ls))
                    continue; /* inconsistent locking is another rule's business */
                c.found = 1;
                if (keys_overlap(akey, akey, 1) && rc_program_concurrent(p, &c.mine, &c.mine) &&
                    !rc_program_protected(p, &c.mine.ls, &c.mine.ls)) {
                    c.self = 1;
                    c.other = c.mine;
                    c.oref = (ref_t){f, i};
                    if (better(p, &c, &best))
                        best = c;
                }
                c.self = 0;
                for (size_t k = 0; k < gr->n; k++) {
                    ref_t o = gr->v[k];
                    const rc_access_t *b = &p->fns[o.fn].f->acc[o.acc];
                    const char *bkey = p->keys[o.fn][o.acc];
                    for (uint32_t r2 = 0; r2 < p->nroots; r2++) {
                        if ((r2 == r && o.fn == f && o.acc == i) ||
                            !rc_program_reach(p, r2, o.fn)->reached ||
                            !keys_overlap(akey, bkey, r2 == r))
                            continue; /* the site against itself is the case above */
                        rc_program_inst(p, r2, o.fn, &b->pos, &b->ls, &c.other);
                        if (!rc_program_concurrent(p, &c.mine, &c.other) ||
                            rc_program_protected(p, &c.mine.ls, &c.other.ls))
                            continue;
                        c.oref = o;
                        if (better(p, &c, &best))
                            best = c;
                    }
                }
            }
            if (best.found)
                report(p, (ref_t){f, i}, &best, out);
        }
    }
    for (size_t g = 0; g < roots.n; g++)
        free(groups[g].v);
    free(groups);
    rc_strtab_close(&roots);
    return RC_OK;
}
