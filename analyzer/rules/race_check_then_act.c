/*
 * race_check_then_act.c - rule race.check-then-act: a shared value is tested,
 * and a write that depends on the test (in the branch it guards) runs after
 * another thread may have changed the value: the test and the act are not one
 * atomic step.
 *
 * A pair (test r, act w) in function f is reported at w when r reads shared
 * location X in the condition of an `if`, w writes or updates X in its
 * then-branch (same effective key; X not atomic, thread-local or const), and
 * either
 *   (a) double-checked locking without atomics: w holds a lock, but r races
 *       with a concurrent write of X in another thread (no common lock on the
 *       two sides), so a thread can see X half-initialised or act twice; a
 *       re-test under the lock does not make the first test safe; or
 *   (b) the lock is dropped in between: a lock held at r is released before w
 *       (an unlock of it in f between the two), and another thread may write X
 *       meanwhile (with or without that lock).
 * A test and act with no lock at all (`if (!cache) cache = build();` in several
 * threads) are plain races, reported as race.read-write / race.write-write.
 * One finding per act site; related locations: the test, the other thread's
 * write, and for (b) the unlock.
 *
 * Message:
 *   (a) '<X>' is tested at f.c:N without a lock and set here under '<lock>':
 *       double-checked locking without atomics; <why>
 *   (b) '<X>' is tested at f.c:N under '<lock>', released at f.c:M before this
 *       write: another thread may change it in between; <why>
 * with why as race.unprotected-rmw's "it conflicts with the write ...".
 */
#include "race_common.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "race.check-then-act"

static int plain(const rc_access_t *a)
{
    return !(a->flags & (RC_LOC_TLS | RC_LOC_CONST | RC_LOC_ATOMIC));
}

/* The other side writes the location. */
static int accept_writer(void *ud, const rc_program_t *p, const rc_access_t *a,
                         const rc_inst_t *mine, const rc_access_t *b, const rc_inst_t *other,
                         int self)
{
    (void)ud;
    (void)p;
    (void)a;
    (void)mine;
    (void)other;
    return b->kind != RC_ACC_READ && (self || plain(b));
}

/* An unlock in f of one of the locks of local lockset ls strictly between two
 * offsets, or NULL. */
static const rc_lockop_t *released_between(const rc_fn_facts_t *fn, const rc_lset_t *ls,
                                           unsigned from, unsigned to)
{
    for (size_t o = 0; o < fn->nlockops; o++) {
        const rc_lockop_t *op = &fn->lockops[o];
        if (op->kind == RC_API_UNLOCK && !op->keeps && op->pos.off > from && op->pos.off < to &&
            rc_lset_has(ls, op->lock))
            return op;
    }
    return NULL;
}

/* 1 when the effective lockset of access a of f holds some lock under a root. */
static int holds_lock(const rc_program_t *p, uint32_t f, const rc_access_t *a)
{
    for (uint32_t r = 0; r < p->nroots; r++) {
        if (!rc_program_reach(p, r, f)->reached)
            continue;
        rc_inst_t in;
        rc_program_inst(p, r, f, &a->pos, &a->ls, &in);
        if (in.ls.n > 0)
            return 1;
    }
    return 0;
}

static void report(const rc_program_t *p, rc_race_idx_t *ix, uint32_t f, uint32_t wi, uint32_t ri,
                   const rc_race_conflict_t *c, const rc_lockop_t *unlock, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[f].f;
    const rc_access_t *w = &fn->acc[wi], *r = &fn->acc[ri];
    rc_strbuf_t m;
    rc_strbuf_init(&m);
    if (!unlock) {
        rc_strbuf_appendf(&m, "'%s' is tested at %s:%u without a lock and set here ", w->name,
                          rc_base_name(fn->file), r->pos.line);
        rc_race_append_held(p, &c->mine.ls, &m);
        rc_strbuf_append(&m, ": double-checked locking without atomics");
    } else {
        rc_lset_t at;
        rc_program_lset(p, p->fns[f].tu, &r->ls, &at);
        rc_strbuf_appendf(&m, "'%s' is tested at %s:%u ", w->name, rc_base_name(fn->file),
                          r->pos.line);
        rc_race_append_held(p, &at, &m);
        rc_strbuf_appendf(&m,
                          ", released at %s:%u before this write: another thread may change "
                          "it in between",
                          rc_base_name(fn->file), unlock->pos.line);
    }
    size_t before = out->n;
    rc_race_report(p, ix, (rc_race_ref_t){f, wi}, c, NULL, RULE_ID, &m, out);
    if (out->n == before)
        return;
    rc_finding_t *fd = &out->v[out->n - 1];
    rc_finding_add_related(fd, fn->file, r->pos.line, r->pos.col, fn->name,
                           "the test the write depends on");
    if (unlock)
        rc_finding_add_related(fd, fn->file, unlock->pos.line, unlock->pos.col, fn->name,
                               "the lock is released here");
}

/* The test of X (access ri) guarding act wi, if the pair is reportable. */
static int check_pair(const rc_program_t *p, rc_race_idx_t *ix, uint32_t f, uint32_t ri,
                      uint32_t wi, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[f].f;
    const rc_access_t *r = &fn->acc[ri], *w = &fn->acc[wi];
    rc_race_conflict_t c;
    const rc_lockop_t *unlock = released_between(fn, &r->ls, r->pos.off, w->pos.off);
    if (unlock) {
        /* (b): someone else writes X while the lock is down. */
        rc_race_find_ex(ix, f, wi, accept_writer, NULL, 1, &c);
        if (!c.found)
            return 0;
        report(p, ix, f, wi, ri, &c, unlock, out);
        return 1;
    }
    /* (a): the act is locked, the test races with a writer. */
    if (!holds_lock(p, f, w))
        return 0;
    rc_race_find(ix, f, ri, accept_writer, NULL, &c);
    if (!c.found)
        return 0;
    /* Report at the act: its own instance, the same conflict. */
    rc_race_conflict_t at = c;
    rc_program_inst(p, c.mine.root, f, &w->pos, &w->ls, &at.mine);
    if (c.oref.fn == f && c.oref.acc == wi && c.other.root == c.mine.root) {
        at.self = 1; /* the act itself, in another thread of the same routine */
        at.other = at.mine;
    }
    report(p, ix, f, wi, ri, &at, NULL, out);
    return 1;
}

int rc_rule_race_check_then_act(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_race_idx_t ix;
    rc_race_idx_init(&ix, p);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        if (!fn->nguards)
            continue;
        for (uint32_t wi = 0; wi < fn->nacc; wi++) {
            const rc_access_t *w = &fn->acc[wi];
            const char *wkey = p->keys[f][wi];
            if (w->kind == RC_ACC_READ || !plain(w) || !wkey)
                continue;
            int done = 0;
            /* The innermost guard first: the test nearest to the act. */
            for (size_t g = fn->nguards; g-- > 0 && !done;) {
                const rc_guard_t *gd = &fn->guards[g];
                if (w->pos.off < gd->then_lb || w->pos.off >= gd->then_le)
                    continue;
                for (uint32_t ri = 0; ri < fn->nacc && !done; ri++) {
                    const rc_access_t *r = &fn->acc[ri];
                    if (r->kind != RC_ACC_READ || r->pos.off < gd->cond_lb ||
                        r->pos.off >= gd->cond_le || !p->keys[f][ri] ||
                        strcmp(p->keys[f][ri], wkey) != 0)
                        continue;
                    done = check_pair(p, &ix, f, ri, wi, out);
                }
            }
        }
    }
    rc_race_idx_close(&ix);
    return RC_OK;
}
