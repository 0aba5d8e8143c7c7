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
 *     fix); against a read, nothing: no update is lost, and the read, which races
 *     with it all the same, is race.read-write's finding.
 *
 * One finding per site. When several conflicts exist, the reported one is chosen
 * deterministically: the site racing with itself first, then writes before reads,
 * then by file, line, column, then by root.
 *
 * The search for conflicts is race_common.c's.
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
#include "race_common.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "race.unprotected-rmw"

/* Updates that cannot lose another thread's write: thread-local and const
 * locations, and atomic ones updated by one atomic operation (`x++`, `x += n`).
 * `x = x + 1` on an atomic is a separate atomic load and atomic store, so it can. */
static int excluded(unsigned flags)
{
    if (flags & (RC_LOC_TLS | RC_LOC_CONST))
        return 1;
    return (flags & RC_LOC_ATOMIC) && !(flags & RC_ACC_SPLIT);
}

/* The pair filter. An update under a lock is reported against a write or
 * update that holds other locks (inconsistent locking) or an unlocked plain
 * write (which it may undo); an unlocked update on the other side gets the
 * finding itself, and a read cannot make this update lost. An atomic read
 * cannot make an atomic update lost either. */
static int accept(void *ud, const rc_program_t *p, const rc_access_t *a, const rc_inst_t *mine,
                  const rc_access_t *b, const rc_inst_t *other, int self)
{
    (void)ud;
    if (self)
        return 1;
    if ((a->flags & RC_LOC_ATOMIC) && b->kind == RC_ACC_READ)
        return 0;
    if (rc_race_excludes_updaters(p, &mine->ls) &&
        (b->kind == RC_ACC_READ || (b->kind == RC_ACC_RMW && other->ls.n == 0)))
        return 0;
    return 1;
}

/* "non-atomic update 'x = x + 1' of shared 'x' without a lock". */
static void lead(const rc_program_t *p, const rc_access_t *a, const rc_race_conflict_t *c,
                 rc_strbuf_t *m)
{
    rc_strbuf_appendf(m, "non-atomic update '%s' of shared %s'%s' ", a->text,
                      a->flags & RC_LOC_ATOMIC ? "atomic " : "", a->name);
    if (a->flags & RC_LOC_ATOMIC)
        rc_strbuf_append(m, "(a separate atomic load and store) ");
    rc_race_append_held(p, &c->mine.ls, m);
}

static int site(const rc_access_t *a)
{
    return a->kind == RC_ACC_RMW && !excluded(a->flags);
}

int rc_rule_unprotected_rmw(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_race_rule(p, RULE_ID, site, accept, lead, out);
    return RC_OK;
}
