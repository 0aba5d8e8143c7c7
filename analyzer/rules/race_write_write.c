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

/* "write 'x = 1' to shared 'x' without a lock". */
static void lead(const rc_program_t *p, const rc_access_t *a, const rc_race_conflict_t *c,
                 rc_strbuf_t *m)
{
    rc_strbuf_appendf(m, "write '%s' to shared '%s' ", a->text, a->name);
    rc_race_append_held(p, &c->mine.ls, m);
}

int rc_rule_race_write_write(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_race_rule(p, RULE_ID, plain_write, accept, lead, out);
    return RC_OK;
}
