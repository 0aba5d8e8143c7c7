/*
 * cond_wait_loop.c - rule cond.wait-not-in-loop: a condition-variable wait that
 * is not inside a loop, so nothing re-tests the predicate after it returns.
 *
 * pthread_cond_wait may return without a signal (a spurious wake-up), and a
 * signal may be consumed by another waiter that changed the state first (a
 * stolen wake-up); the only correct form is `while (!predicate) wait(&c, &m);`.
 * The waits are the calls of functions modelled as kind "cond_wait" in
 * rules/api/ *.json.
 *
 * A wait is reported when it is in no `while`, `for` or `do` loop of its
 * function (rc_pos_t.loop_le == 0), unless the function is a waiting helper:
 * it has callers, and every call of it (through any call-graph edge) is itself
 * inside a loop of the caller. One finding per wait; subject = the function
 * called.
 *
 * Message format:
 *   '<api>' is not inside a loop that re-tests the predicate: after a spurious
 *   wake-up or a wake-up another waiter consumed, '<fn>' goes on with the
 *   condition false
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "cond.wait-not-in-loop"

/* 1 when f has callers and every call that may enter f sits in a loop. */
static int called_in_loops(const rc_program_t *p, uint32_t f)
{
    int calls = 0;
    for (uint32_t g = 0; g < p->nfns; g++) {
        const rc_pfn_t *pg = &p->fns[g];
        for (size_t k = 0; k < pg->nedges; k++) {
            if (pg->edges[k].target != f)
                continue;
            if (!pg->f->calls[pg->edges[k].call].pos.loop_le)
                return 0;
            calls++;
        }
    }
    return calls > 0;
}

int rc_rule_cond_wait_loop(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        int helper = -1; /* computed on demand */
        for (size_t i = 0; i < fn->nwaits; i++) {
            const rc_wait_t *w = &fn->waits[i];
            if (w->pos.loop_le)
                continue;
            if (helper < 0)
                helper = called_in_loops(p, f);
            if (helper)
                continue;
            rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
            fd->message = rc_xasprintf(
                "'%s' is not inside a loop that re-tests the predicate: after a spurious "
                "wake-up or a wake-up another waiter consumed, '%s' goes on with the condition "
                "false",
                w->api, fn->name);
            fd->subject = rc_xstrdup(w->api);
            rc_loc_set(&fd->loc, fn->file, w->pos.line, w->pos.col, fn->name, NULL);
        }
    }
    return RC_OK;
}
