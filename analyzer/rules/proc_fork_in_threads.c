/*
 * proc_fork_in_threads.c - rule proc.fork-in-threads: a process that runs threads
 * forks, and the child calls a function that is not async-signal-safe before it
 * calls exec or _exit.
 *
 * The child of a multithreaded process has one thread, the one that forked,
 * and a copy of memory in which any lock another thread held at the fork (the
 * malloc arena's, a stdio stream's, the program's own mutexes) stays locked for
 * good: POSIX allows only async-signal-safe functions between fork and exec.
 *
 * A fork is in a multithreaded process when
 *   - it runs in a thread (a start routine reaches the forking function), or
 *   - the main thread forks while a thread it started may still run
 *     (rc_program_concurrent of the fork and the thread's routine: created before,
 *     not joined yet).
 * Its child's calls are the library calls (rc_lcall_t) in the fork's child extents
 * before the first exec there, and those of the program's functions the child
 * calls before that exec (direct calls, transitively). Calls the models list as
 * async-signal-safe (rules/api/signals.json) are fine. One finding per fork, at
 * the first unsafe call (in the order the child makes them, as far as offsets
 * tell).
 *
 * Message format:
 *   call to '<fn>', which is not async-signal-safe, in a child forked (f.c:N) while
 *   the process runs threads (<'routine' created at f.c:M | the fork runs in thread
 *   'routine'>); between fork and exec only async-signal-safe calls are safe[ (and
 *   K more such calls)]
 * subject: the function called. related: the fork, the thread's creation, the
 * path of calls from the child extent to the call.
 */
#include "proc_model.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "proc.fork-in-threads"

/* An unsafe call the child makes: lcall li of function fn, reached through the
 * call at offset `order` in the forking function. */
typedef struct hit {
    uint32_t fn;
    size_t li;
    unsigned order;
    uint32_t via; /* the forking function's call index leading there, or UINT32_MAX */
} hit_t;

/* The thread that makes fork k run in a multithreaded process: a root reaching
 * the forking function (*inside = 1), or one running when main forks. */
static uint32_t threaded(const rc_program_t *p, uint32_t k, int *inside)
{
    const rc_pfork_t *fk = &p->forks[k];
    const rc_pcall_t *fc = &p->fns[fk->fn].f->pcalls[fk->pcall];
    for (uint32_t r = 0; r < p->nroots; r++)
        if (!p->roots[r].is_main && rc_program_reach(p, r, fk->fn)->reached) {
            *inside = 1;
            return r;
        }
    *inside = 0;
    if (p->main_root == UINT32_MAX || !rc_program_reach(p, p->main_root, fk->fn)->reached)
        return UINT32_MAX;
    rc_inst_t m;
    rc_program_inst(p, p->main_root, fk->fn, &fc->pos, &fc->ls, &m);
    for (uint32_t r = 0; r < p->nroots; r++) {
        if (p->roots[r].is_main)
            continue;
        rc_inst_t t = {.root = r, .fn = p->roots[r].fn, .pos = NULL};
        rc_lset_empty(&t.ls);
        if (rc_program_concurrent(p, &m, &t))
            return r;
    }
    return UINT32_MAX;
}

/* 1 when off lies in a child extent of the forking function's fork pc, before the
 * first exec in that extent. */
static int in_child_before_exec(const rc_fn_facts_t *f, uint32_t pc, unsigned off)
{
    for (size_t i = 0; i < f->nchildren; i++) {
        const rc_child_t *c = &f->children[i];
        if (c->fork != pc || off < c->lb || off > c->le)
            continue;
        for (size_t j = 0; j < f->npcalls; j++) {
            const rc_pcall_t *x = &f->pcalls[j];
            if (x->kind == RC_API_EXEC && x->pos.off >= c->lb && x->pos.off <= c->le &&
                x->pos.off <= off)
                return 0;
        }
        return 1;
    }
    return 0;
}

/* Offset of the first exec call in a function the child calls (UINT32_MAX: none):
 * what it calls after that runs only if the exec failed. */
static unsigned exec_off(const rc_fn_facts_t *f)
{
    unsigned off = UINT32_MAX;
    for (size_t j = 0; j < f->npcalls; j++)
        if (f->pcalls[j].kind == RC_API_EXEC && f->pcalls[j].pos.off < off)
            off = f->pcalls[j].pos.off;
    return off;
}

static void report(const rc_program_t *p, uint32_t k, uint32_t root, int inside, const hit_t *h,
                   size_t more, rc_findings_t *out)
{
    const rc_pfork_t *fk = &p->forks[k];
    const rc_fn_facts_t *ff = p->fns[fk->fn].f;
    const rc_pcall_t *fc = &ff->pcalls[fk->pcall];
    const rc_fn_facts_t *hf = p->fns[h->fn].f;
    const rc_lcall_t *lc = &hf->lcalls[h->li];
    const rc_root_t *rt = &p->roots[root];
    const char *routine = p->fns[rt->fn].f->name;
    const rc_psite_t *site = NULL;
    for (size_t i = 0; i < rt->nci; i++)
        if (!site || rt->ci[i].site < (uint32_t)(site - p->sites))
            site = &p->sites[rt->ci[i].site];

    rc_strbuf_t b;
    rc_strbuf_init(&b);
    rc_strbuf_appendf(&b,
                      "call to '%s', which is not async-signal-safe, in a child forked at %s:%u "
                      "while the process runs threads (",
                      lc->name, rc_base_name(ff->file), fc->pos.line);
    if (inside)
        rc_strbuf_appendf(&b, "the fork runs in thread '%s'", routine);
    else if (site)
        rc_strbuf_appendf(&b, "'%s' created at %s:%u", routine,
                          rc_base_name(p->fns[site->at_fn].f->file), site->at->line);
    else
        rc_strbuf_appendf(&b, "'%s'", routine);
    rc_strbuf_append(&b, "); between fork and exec only async-signal-safe calls are safe");
    if (more)
        rc_strbuf_appendf(&b, " (and %zu more such call%s)", more, more == 1 ? "" : "s");

    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_strbuf_take(&b);
    fd->subject = rc_xstrdup(lc->name);
    rc_loc_set(&fd->loc, hf->file, lc->pos.line, lc->pos.col, hf->name, NULL);
    rc_loc_set_thread(&fd->loc, "child process");
    char *note = rc_xasprintf("'%s' here, while other threads run", fc->api);
    rc_finding_add_related(fd, ff->file, fc->pos.line, fc->pos.col, ff->name, note);
    free(note);
    if (site && !inside) {
        note = rc_xasprintf("thread '%s' created here", routine);
        rc_finding_add_related(fd, p->fns[site->at_fn].f->file, site->at->line, site->at->col,
                               p->fns[site->at_fn].f->name, note);
        free(note);
    }
    if (h->via != UINT32_MAX) {
        const rc_call_t *c = &ff->calls[h->via];
        note = rc_xasprintf("the child calls '%s'", c->callee_name);
        rc_finding_add_related(fd, ff->file, c->pos.line, c->pos.col, ff->name, note);
        free(note);
    }
}

int rc_rule_proc_fork_in_threads(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    uint8_t *seen = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    uint32_t *queue = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *queue);
    for (uint32_t k = 0; k < p->nforks; k++) {
        int inside;
        uint32_t root = threaded(p, k, &inside);
        if (root == UINT32_MAX)
            continue;
        const rc_pfork_t *fk = &p->forks[k];
        const rc_pfn_t *pf = &p->fns[fk->fn];
        hit_t best = {0, 0, UINT32_MAX, UINT32_MAX};
        size_t nhits = 0;
        for (size_t li = 0; li < pf->f->nlcalls; li++) {
            const rc_lcall_t *lc = &pf->f->lcalls[li];
            if (lc->signal_safe || !in_child_before_exec(pf->f, fk->pcall, lc->pos.off))
                continue;
            nhits++;
            if (lc->pos.off < best.order)
                best = (hit_t){fk->fn, li, lc->pos.off, UINT32_MAX};
        }
        /* The program's functions the child calls before exec, transitively. */
        for (size_t e = 0; e < pf->nedges; e++) {
            const rc_call_t *c = &pf->f->calls[pf->edges[e].call];
            if (!c->callee[0] || !in_child_before_exec(pf->f, fk->pcall, c->pos.off))
                continue;
            memset(seen, 0, p->nfns);
            size_t qh = 0, qt = 0;
            queue[qt++] = pf->edges[e].target;
            seen[pf->edges[e].target] = 1;
            while (qh < qt) {
                uint32_t g = queue[qh++];
                const rc_pfn_t *pg = &p->fns[g];
                unsigned stop = exec_off(pg->f);
                for (size_t li = 0; li < pg->f->nlcalls; li++) {
                    const rc_lcall_t *lc = &pg->f->lcalls[li];
                    if (lc->signal_safe || lc->pos.off >= stop)
                        continue;
                    nhits++;
                    if (c->pos.off < best.order || (c->pos.off == best.order && g == best.fn &&
                                                    lc->pos.off < pg->f->lcalls[best.li].pos.off))
                        best = (hit_t){g, li, c->pos.off, pf->edges[e].call};
                }
                for (size_t x = 0; x < pg->nedges; x++) {
                    uint32_t t = pg->edges[x].target;
                    const rc_call_t *cx = &pg->f->calls[pg->edges[x].call];
                    if (cx->callee[0] && cx->pos.off < stop && !seen[t]) {
                        seen[t] = 1;
                        queue[qt++] = t;
                    }
                }
            }
        }
        if (nhits)
            report(p, k, root, inside, &best, nhits - 1, out);
    }
    free(seen);
    free(queue);
    return RC_OK;
}
