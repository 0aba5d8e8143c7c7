/*
 * race_read_write.c - rule race.read-write: a read of shared data that can run
 * at the same time as a plain write of it, with no common lock: the read may
 * see the old value, the new one, or (for data wider than a machine word, or
 * after the compiler has split or cached the accesses) neither.
 *
 * A site is reported when:
 *   - it is a read of a shared location program.c could name, not thread-local,
 *     const or atomic;
 *   - some instance of it has a concurrent write of an overlapping, non-atomic
 *     location in another thread, and no lock held on both sides, exclusively on
 *     at least one of them (two readers under a reader lock do not exclude a
 *     writer under the same reader lock). The write is a plain one (`x = v`), or
 *     an update (`x++`) that holds a lock keeping other updaters out: the writer
 *     locks, the reader does not (or takes another lock).
 * A read racing with an unlocked update is covered by race.unprotected-rmw,
 * which reports the update (the read is its related access). `volatile` does
 * not help: it orders nothing between threads. One finding per read site.
 *
 * Message: "read of shared '<var>' <without a lock | holding 'l'>; it conflicts
 * with the <write|update> '<expr>' in '<fn>' (<locks>) in thread '<routine>'
 * (created at f.c:N)".
 */
#include "race_common.h"

#define RULE_ID "race.read-write"

static int plain(const rc_access_t *a)
{
    return !(a->flags & (RC_LOC_TLS | RC_LOC_CONST | RC_LOC_ATOMIC));
}

/* A plain write; or an update under a lock, which race.unprotected-rmw leaves
 * alone against a read (no update is lost) though the read races with it. */
static int accept(void *ud, const rc_program_t *p, const rc_access_t *a, const rc_inst_t *mine,
                  const rc_access_t *b, const rc_inst_t *other, int self)
{
    (void)ud;
    (void)a;
    (void)mine;
    if (self || !plain(b))
        return 0;
    return b->kind == RC_ACC_WRITE ||
           (b->kind == RC_ACC_RMW && rc_race_excludes_updaters(p, &other->ls));
}

static int site(const rc_access_t *a)
{
    return a->kind == RC_ACC_READ && plain(a);
}

/* "read of shared 'x' without a lock". */
static void lead(const rc_program_t *p, const rc_access_t *a, const rc_race_conflict_t *c,
                 rc_strbuf_t *m)
{
    rc_strbuf_appendf(m, "read of shared '%s' ", a->name);
    rc_race_append_held(p, &c->mine.ls, m);
}

int rc_rule_race_read_write(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_race_rule(p, RULE_ID, site, accept, lead, out);
    return RC_OK;
}
