/*
 * mt_unsafe_call.c - rule api.mt-unsafe-call: a call of a function that keeps
 * hidden state (strtok's position, localtime's static struct tm, the environment)
 * while another thread may call a function using the same state.
 *
 * Which functions are MT-unsafe, the state they share and the alternative to
 * suggest are data: entries of kind "mt_unsafe" in rules/api/ *.json (format in
 * rules/README.md). The front end records their calls (rc_ucall_t).
 *
 * A call site is reported when some instance of it (a root reaching its function;
 * lockset = entry lockset ∪ local lockset, as for accesses) may run at the same
 * time as an instance of a call sharing its state (the same site in another thread
 * of a routine started several times, or another site), where
 *   - not both calls only read the state (two getenv calls do not conflict, a
 *     getenv and a setenv do);
 *   - no lock held on both sides keeps them apart (rc_program_protected);
 *   - main counts only between the creation and the join of the other thread: a
 *     single-threaded phase of main is never reported.
 * One finding per site; the partner cited is the first by file, line, column.
 *
 * Message format:
 *   '<fn>' is not thread-safe (hidden state '<state>'); '<caller>' calls it in thread
 *   '<t1>' while thread '<t2>' may call '<fn2>' (f.c:N)[; use '<alternative>']
 * subject: the function called.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "api.mt-unsafe-call"

typedef struct uinst {
    uint32_t fn, call;
    rc_inst_t in;
} uinst_t;

static const char *thread_name(const rc_program_t *p, uint32_t root)
{
    return p->roots[root].is_main ? "main" : p->fns[p->roots[root].fn].f->name;
}

static const rc_ucall_t *ucall(const rc_program_t *p, const uinst_t *u)
{
    return &p->fns[u->fn].f->ucalls[u->call];
}

/* 1 when u sorts before v by file, line, column, then root. */
static int before(const rc_program_t *p, const uinst_t *u, const uinst_t *v)
{
    int c = strcmp(p->fns[u->fn].f->file, p->fns[v->fn].f->file);
    if (c)
        return c < 0;
    const rc_pos_t *a = &ucall(p, u)->pos, *b = &ucall(p, v)->pos;
    if (a->line != b->line)
        return a->line < b->line;
    if (a->col != b->col)
        return a->col < b->col;
    return u->in.root < v->in.root;
}

int rc_rule_mt_unsafe_call(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    uinst_t *v = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t c = 0; c < fn->nucalls; c++) {
            for (uint32_t r = 0; r < p->nroots; r++) {
                if (!rc_program_reach(p, r, f)->reached)
                    continue;
                if (n == cap) {
                    cap = cap ? cap * 2 : 32;
                    v = rc_xrealloc(v, cap * sizeof *v);
                }
                v[n].fn = f;
                v[n].call = c;
                rc_program_inst(p, r, f, &fn->ucalls[c].pos, &fn->ucalls[c].ls, &v[n].in);
                n++;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        /* Instances of one site are adjacent: report the site once. */
        if (i && v[i].fn == v[i - 1].fn && v[i].call == v[i - 1].call)
            continue;
        const rc_ucall_t *a = ucall(p, &v[i]);
        const uinst_t *mine = NULL, *other = NULL;
        for (size_t k = i; k < n && v[k].fn == v[i].fn && v[k].call == v[i].call; k++) {
            for (size_t j = 0; j < n; j++) {
                const rc_ucall_t *b = ucall(p, &v[j]);
                if (strcmp(a->state, b->state) != 0 || (a->read_only && b->read_only))
                    continue;
                if (!rc_program_concurrent(p, &v[k].in, &v[j].in) ||
                    rc_program_protected(p, &v[k].in.ls, &v[j].in.ls))
                    continue;
                if (!other || before(p, &v[j], other)) {
                    mine = &v[k];
                    other = &v[j];
                }
            }
        }
        if (!other)
            continue;
        const rc_fn_facts_t *fn = p->fns[mine->fn].f, *ofn = p->fns[other->fn].f;
        const rc_ucall_t *b = ucall(p, other);
        rc_strbuf_t m;
        rc_strbuf_init(&m);
        rc_strbuf_appendf(&m,
                          "'%s' is not thread-safe (hidden state '%s'); '%s' calls it in thread "
                          "'%s' while ",
                          a->name, a->state, fn->name, thread_name(p, mine->in.root));
        if (other == mine)
            rc_strbuf_appendf(&m, "another thread '%s' may call it too",
                              thread_name(p, mine->in.root));
        else
            rc_strbuf_appendf(&m, "thread '%s' may call '%s' (%s:%u)",
                              thread_name(p, other->in.root), b->name, rc_base_name(ofn->file),
                              b->pos.line);
        if (a->alternative)
            rc_strbuf_appendf(&m, "; use '%s'", a->alternative);
        rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
        fd->message = rc_strbuf_take(&m);
        fd->subject = rc_xstrdup(a->name);
        rc_loc_set(&fd->loc, fn->file, a->pos.line, a->pos.col, fn->name, NULL);
        if (other != mine) {
            char *note = rc_xasprintf("'%s' called here in thread '%s'", b->name,
                                      thread_name(p, other->in.root));
            rc_finding_add_related(fd, ofn->file, b->pos.line, b->pos.col, ofn->name, note);
            free(note);
        }
    }
    free(v);
    return RC_OK;
}
