/*
 * lock_double.c - rule lock.double-lock (static): a thread locks a mutex that it
 * already holds on every path to the call, so a normal mutex waits for itself
 * forever.
 *
 * A lock operation o (lock, not trylock: a trylock of a held mutex fails with
 * EBUSY) of lock L in function f is reported when, for some root r reaching f,
 * L is in the must-hold lockset at o: held locally on every path from f's entry
 * to o, or held by every call path of r into f (the entry lockset), and:
 *   - L names one object: a global or static mutex, or a constant element of a
 *     global array (not a struct-field lock class such as `t->lock`, whose
 *     instances the analysis does not tell apart, not an element chosen at run
 *     time, not an unidentified lock);
 *   - the new acquisition or the held one is exclusive (two read locks of an
 *     rwlock are allowed);
 *   - L is never initialised with attributes (`pthread_mutex_init(&m, &attr)`
 *     may make it recursive or error-checking), nor with a typed static
 *     initializer (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP: rc_tu_facts_t's
 *     typed_locks); any other static initializer is taken as a normal mutex.
 * One finding per operation; the cited acquisition is the last one of L before
 * o in f, else the call through which f is entered holding it.
 *
 * Message:
 *   '<lock>' locked again in '<fn>' while already held (taken at f.c:N): the
 *   thread waits for itself forever
 *   '<lock>' locked in '<fn>', which every caller in thread '<root>' calls holding
 *   it: the thread waits for itself forever
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "lock.double-lock"

/* The entry of lock l in lockset s, or -1. */
static int find_ref(const rc_lset_t *s, uint32_t l)
{
    for (int i = 0; i < s->n; i++)
        if (RC_LREF_LOCK(s->v[i]) == l)
            return i;
    return -1;
}

static void report(const rc_program_t *p, uint32_t f, const rc_lockop_t *o, uint32_t l,
                   uint32_t root, int local, rc_findings_t *out)
{
    const rc_fn_facts_t *fn = p->fns[f].f;
    const char *name = p->lock_names[l];
    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_ERROR);
    fd->subject = rc_xstrdup(name);
    rc_loc_set(&fd->loc, fn->file, o->pos.line, o->pos.col, fn->name, NULL);
    const rc_lockop_t *first = local ? rc_program_last_acquire(p, f, l, o->pos.off) : NULL;
    if (first) {
        fd->message = rc_xasprintf("'%s' locked again in '%s' while already held (taken at "
                                   "%s:%u): the thread waits for itself forever",
                                   name, fn->name, rc_base_name(fn->file), first->pos.line);
        char *note = rc_xasprintf("'%s' taken here", name);
        rc_finding_add_related(fd, fn->file, first->pos.line, first->pos.col, fn->name, note);
        free(note);
        return;
    }
    const rc_root_t *r = &p->roots[root];
    const char *rname = r->is_main ? "main" : p->fns[r->fn].f->name;
    fd->message = rc_xasprintf("'%s' locked in '%s', which every caller in thread '%s' calls "
                               "holding it: the thread waits for itself forever",
                               name, fn->name, rname);
    /* Cite a call of f made while holding l. */
    for (uint32_t g = 0; g < p->nfns; g++) {
        const rc_pfn_t *pg = &p->fns[g];
        if (!rc_program_reach(p, root, g)->reached)
            continue;
        for (size_t e = 0; e < pg->nedges; e++) {
            if (pg->edges[e].target != f)
                continue;
            const rc_call_t *c = &pg->f->calls[pg->edges[e].call];
            rc_lset_t at;
            rc_program_lset(p, pg->tu, &c->ls, &at);
            rc_lset_join(&at, &rc_program_reach(p, root, g)->entry);
            if (find_ref(&at, l) < 0)
                continue;
            char *note = rc_xasprintf("'%s' called here holding '%s'", fn->name, name);
            rc_finding_add_related(fd, pg->f->file, c->pos.line, c->pos.col, pg->f->name, note);
            free(note);
            return;
        }
    }
}

int rc_rule_lock_double(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    uint8_t *attrs = rc_xcalloc(p->locks.n ? p->locks.n : 1, 1); /* 0 unknown, 1 no, 2 yes */
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_pfn_t *pf = &p->fns[f];
        for (size_t i = 0; i < pf->f->nlockops; i++) {
            const rc_lockop_t *o = &pf->f->lockops[i];
            if (o->kind != RC_API_LOCK)
                continue;
            uint32_t l = p->lockmap[pf->tu][o->lock];
            if (!rc_program_one_object(p, l))
                continue;
            rc_lset_t local;
            rc_program_lset(p, pf->tu, &o->held, &local);
            int found = 0;
            for (uint32_t r = 0; r < p->nroots && !found; r++) {
                const rc_reach_t *rr = rc_program_reach(p, r, f);
                if (!rr->reached || local.top || rr->entry.top)
                    continue;
                int li = find_ref(&local, l), ei = find_ref(&rr->entry, l);
                if (li < 0 && ei < 0)
                    continue;
                int held_shared = li >= 0 ? (int)RC_LREF_SHARED(local.v[li])
                                          : (int)RC_LREF_SHARED(rr->entry.v[ei]);
                if (o->shared && held_shared)
                    continue; /* two read locks */
                if (!attrs[l])
                    attrs[l] = rc_program_lock_has_attributes(p, l) ? 2 : 1;
                if (attrs[l] == 2)
                    break;
                report(p, f, o, l, r, li >= 0, out);
                found = 1;
            }
        }
    }
    free(attrs);
    return RC_OK;
}
