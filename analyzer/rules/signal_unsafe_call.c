/*
 * signal_unsafe_call.c - rule signal.unsafe-call (static side): a signal handler
 * that calls a function that is not async-signal-safe, directly or through the
 * program's own functions it calls.
 *
 * Inputs (facts of the front end, models in rules/api/signals.json):
 *   rc_sighand_t  a handler installed by a function modelled "signal_install"
 *                 (signal(SIG, f), sigaction(SIG, &sa, ..) with f stored in sa)
 *   rc_lcall_t    a direct call of a library function (declared in a system
 *                 header, no body in the program), flagged signal_safe when the
 *                 models list it in "async_signal_safe"
 *
 * Decision: from each handler, follow the program's direct calls (call-graph
 * edges of calls with a named callee, rc_program_handler_reach; calls through
 * pointers are not followed);
 * every library call reached that is not signal_safe is reported, at that call
 * (for a helper, inside the helper: the frame a runtime report names too, so the
 * evidence of both sides merges by place). One finding per call site; when
 * several handlers reach it, the first installation (file, line) is cited.
 *
 * Message format:
 *   call to '<fn>', which is not async-signal-safe, inside signal handler '<h>'
 *   [ (through <h> -> <helper> -> ... -> <fn>)]
 * subject: the handler (as the runtime ingestion names it).
 * related: the installation site, then each call on the path from the handler.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "signal.unsafe-call"

/* One installation: the function holding it and its index. */

static void report(const rc_program_t *p, const rc_install_t *in, uint32_t g, size_t li,
                   const uint32_t *parent, const uint32_t *pcall, rc_findings_t *out)
{
    const rc_sighand_t *h = &p->fns[in->fn].f->sighands[in->idx];
    const rc_fn_facts_t *gf = p->fns[g].f;
    const rc_lcall_t *lc = &gf->lcalls[li];
    /* The path handler -> ... -> g, from the parent links. */
    uint32_t chain[64];
    size_t n = 0;
    for (uint32_t x = g; x != UINT32_MAX && n < 64; x = parent[x])
        chain[n++] = x;
    rc_strbuf_t m;
    rc_strbuf_init(&m);
    rc_strbuf_appendf(&m,
                      "call to '%s', which is not async-signal-safe, inside signal handler '%s'",
                      lc->name, h->handler_name);
    if (n > 1) {
        rc_strbuf_appendf(&m, " (through ");
        for (size_t i = n; i-- > 0;)
            rc_strbuf_appendf(&m, "%s -> ", p->fns[chain[i]].f->name);
        rc_strbuf_appendf(&m, "%s)", lc->name);
    }
    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_strbuf_take(&m);
    fd->subject = rc_xstrdup(h->handler_name);
    rc_loc_set(&fd->loc, gf->file, lc->pos.line, lc->pos.col, gf->name, NULL);
    const rc_fn_facts_t *inf = p->fns[in->fn].f;
    char *note =
        rc_xasprintf("'%s' installed as a signal handler with '%s'", h->handler_name, h->api);
    rc_finding_add_related(fd, inf->file, h->pos.line, h->pos.col, inf->name, note);
    free(note);
    for (size_t i = n; i-- > 1;) {
        const rc_fn_facts_t *cf = p->fns[chain[i]].f;
        const rc_call_t *c = &cf->calls[pcall[chain[i - 1]]];
        note = rc_xasprintf("'%s' calls '%s'", cf->name, c->callee_name);
        rc_finding_add_related(fd, cf->file, c->pos.line, c->pos.col, cf->name, note);
        free(note);
    }
}

int rc_rule_signal_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    rc_install_t *ins = NULL; /* by place: the first installation reaching a call is cited */
    size_t nins = rc_program_installs(p, &ins);
    uint8_t **done = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *done);
    uint32_t *parent = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *parent);
    uint32_t *pcall = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *pcall);
    uint32_t *order = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *order);
    uint8_t *seen = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    for (size_t k = 0; k < nins; k++) {
        const rc_sighand_t *h = &p->fns[ins[k].fn].f->sighands[ins[k].idx];
        uint32_t hf = rc_strtab_lookup(&p->fn_usrs, h->handler);
        if (hf == UINT32_MAX)
            continue; /* the handler's body is not part of the program */
        size_t n = rc_program_handler_reach(p, hf, seen, order, parent, pcall);
        for (size_t q = 0; q < n; q++) {
            uint32_t g = order[q];
            const rc_pfn_t *pf = &p->fns[g];
            for (size_t li = 0; li < pf->f->nlcalls; li++) {
                if (pf->f->lcalls[li].signal_safe)
                    continue;
                if (!done[g])
                    done[g] = rc_xcalloc(pf->f->nlcalls, 1);
                if (done[g][li])
                    continue;
                done[g][li] = 1;
                report(p, &ins[k], g, li, parent, pcall, out);
            }
        }
    }
    for (uint32_t f = 0; f < p->nfns; f++)
        free(done[f]);
    free(done);
    free(parent);
    free(pcall);
    free(order);
    free(seen);
    free(ins);
    return RC_OK;
}
