/*
 * race_write_write.c - rule race.write-write: a plain write of shared data
 * (`x = v`, not an update of x's own value) that can run at the same time as
 * another plain write of the same location, with no common lock.
 *
 * A site is reported when:
 *   - it is a plain write of a shared location program.c could name (as for
 *     race.unprotected-rmw), not thread-local, const or atomic;
 *   - some instance of it has a concurrent write of an overlapping, non-atomic
 *     location (the same line in another thread of the same routine, or another
 *     write) and the two locksets share no lock held exclusively on either side
 *     (two writers under one reader lock still race).
 * Updates (`x++`, `x = x + 1`) on either side are race.unprotected-rmw's. One
 * finding per site; the conflict cited is race_common.c's best.
 *
 * Message: "write '<expr>' to shared '<var>' <without a lock | holding 'l'>;
 * <why>" with why as in race.unprotected-rmw.
 */
#include "race_common.h"

#define RULE_ID "race.write-write"

static int plain_write(const rc_access_t *a)
{
    return a->kind == RC_ACC_WRITE && !(a->flags & (RC_LOC_TLS | RC_LOC_CONST | RC_LOC_ATOMIC));
}

/* The other side is a plain write too (rc_race_find offers only concurrent,
 * unprotected pairs: a reader lock on both sides does not protect them). */
static int accept(void *ud, const rc_program_t *p, const rc_access_t *a, const rc_inst_t *mine,
                  const rc_access_t *b, const rc_inst_t *other, int self)
{
    (void)ud;
    (void)p;
    (void)a;
    (void)mine;
    (void)other;
    return self || plain_write(b);
}

int rc_rule_race_write_write(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_race_idx_t ix;
    rc_race_idx_init(&ix, p);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const rc_access_t *a = &fn->acc[i];
            if (!plain_write(a) || !p->keys[f][i])
                continue;
            rc_race_conflict_t best;
            rc_race_find(&ix, f, i, accept, NULL, &best);
            if (!best.found)
                continue;
            rc_strbuf_t m;
            rc_strbuf_init(&m);
            rc_strbuf_appendf(&m, "write '%s' to shared '%s' ", a->text, a->name);
            rc_race_append_held(p, &best.mine.ls, &m);
            rc_race_report(p, &ix, (rc_race_ref_t){f, i}, &best, RULE_ID, &m, out);
        }
    }
    rc_race_idx_close(&ix);
    return RC_OK;
}
