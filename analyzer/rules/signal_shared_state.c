/*
 * signal_shared_state.c - rule signal.shared-state: a signal handler writes a
 * variable that the code it interrupts also uses, and the variable is neither
 * `volatile sig_atomic_t` nor a lock-free atomic.
 *
 * A handler runs in the middle of whatever the interrupted thread was doing,
 * between any two instructions. C (7.14.1.1) and POSIX (signal-safety(7)) define
 * the behaviour of a handler's store only for objects of type `volatile
 * sig_atomic_t` and for lock-free atomics: anything else may be torn (a long
 * long written in two halves), lost (the interrupted code was half-way through
 * `n = n + 1`), or never seen (without volatile the compiler may keep the main
 * loop's copy in a register and never reload it).
 *
 * Inputs:
 *   rc_sighand_t  handlers installed (signal, sigaction, ...; see signal_unsafe_call.c)
 *   rc_access_t   accesses of shared locations with their type flags: RC_LOC_VOLATILE,
 *                 RC_LOC_SIG_ATOMIC (the declared type is, through its typedef chain,
 *                 one listed in "async_signal_safe_types": sig_atomic_t),
 *                 RC_LOC_ATOMIC and RC_LOC_LOCKFREE (an atomic of 1, 2, 4 or 8 bytes)
 *
 * Decision:
 *   handler code   the handler and the functions it calls directly, to any depth
 *                  (rc_program_handler_reach; calls through pointers not followed)
 *   outside code   functions a thread root (main, a start routine) reaches, and
 *                  functions no handler reaches (library entry points)
 *   reported       a write or update in handler code of a location (effective key,
 *                  rc_program_t.keys) that an access in outside code overlaps, when
 *                  the handler's access is not (volatile and sig_atomic_t) and not
 *                  lock-free atomic. A volatile int is reported too: only
 *                  sig_atomic_t is defined to be written in one piece, even where it
 *                  happens to be an int. Const locations cannot be written.
 *   not reported   a handler that only reads; accesses through pointers the link
 *                  step cannot name; code that blocks the signal around its access
 *                  (sigprocmask is not modelled: such code is reported)
 *
 * One finding per handler write site (several handlers reaching one helper: the
 * first installation by file and line is cited). The access cited outside is
 * chosen deterministically: in code no handler runs before code shared with a
 * handler, writes and updates before reads, then by file, line and column.
 *
 * Message format:
 *   signal handler '<h>' writes '<var>'[ (through <h> -> <f>)], which '<fn>' also
 *   <reads|writes|updates> outside the handler; '<var>' is <why>
 *   why = neither volatile sig_atomic_t nor a lock-free atomic
 *       | volatile but not sig_atomic_t
 *       | sig_atomic_t but not volatile
 *       | atomic but not lock-free
 * subject: the variable as written in the handler.
 * related: the outside access, then the installation site.
 */
#include "rules.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "signal.shared-state"

/* 1 when a handler may write a location with these flags. */
static int safe_in_handler(unsigned flags)
{
    if (flags & RC_LOC_CONST)
        return 1;
    if ((flags & RC_LOC_VOLATILE) && (flags & RC_LOC_SIG_ATOMIC))
        return 1;
    return (flags & RC_LOC_ATOMIC) && (flags & RC_LOC_LOCKFREE);
}

static const char *why(unsigned flags)
{
    if (flags & RC_LOC_ATOMIC)
        return "atomic but not lock-free";
    if (flags & RC_LOC_SIG_ATOMIC)
        return "sig_atomic_t but not volatile";
    if (flags & RC_LOC_VOLATILE)
        return "volatile but not sig_atomic_t";
    return "neither volatile sig_atomic_t nor a lock-free atomic";
}

static const char *verb(rc_acc_kind_t k)
{
    return k == RC_ACC_READ ? "reads" : k == RC_ACC_WRITE ? "writes" : "updates";
}

/* 1 when outside access (f, j) is a better citation than (bf, bj): code no
 * handler runs first, then writes and updates, then by place. */
static int better(const rc_program_t *p, const uint8_t *in_handler, uint32_t f, size_t j,
                  uint32_t bf, size_t bj)
{
    if (in_handler[f] != in_handler[bf])
        return !in_handler[f];
    const rc_access_t *a = &p->fns[f].f->acc[j], *b = &p->fns[bf].f->acc[bj];
    int wa = a->kind != RC_ACC_READ, wb = b->kind != RC_ACC_READ;
    if (wa != wb)
        return wa;
    int c = strcmp(p->fns[f].f->file, p->fns[bf].f->file);
    if (c)
        return c < 0;
    if (a->pos.line != b->pos.line)
        return a->pos.line < b->pos.line;
    return a->pos.col < b->pos.col;
}

static void report(const rc_program_t *p, const rc_install_t *in, uint32_t g, size_t i, uint32_t of,
                   size_t oj, const uint32_t *parent, rc_findings_t *out)
{
    const rc_sighand_t *h = &p->fns[in->fn].f->sighands[in->idx];
    const rc_fn_facts_t *gf = p->fns[g].f, *ofn = p->fns[of].f;
    const rc_access_t *a = &gf->acc[i], *o = &ofn->acc[oj];
    rc_strbuf_t m;
    rc_strbuf_init(&m);
    rc_strbuf_appendf(&m, "signal handler '%s' writes '%s'", h->handler_name, a->name);
    if (parent[g] != UINT32_MAX) {
        uint32_t chain[64];
        size_t n = 0;
        for (uint32_t x = g; x != UINT32_MAX && n < 64; x = parent[x])
            chain[n++] = x;
        rc_strbuf_append(&m, " (through ");
        for (size_t k = n; k-- > 0;)
            rc_strbuf_appendf(&m, "%s%s", p->fns[chain[k]].f->name, k ? " -> " : ")");
    }
    rc_strbuf_appendf(&m, ", which '%s' also %s outside the handler; '%s' is %s", ofn->name,
                      verb(o->kind), a->name, why(a->flags));
    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_strbuf_take(&m);
    fd->subject = rc_xstrdup(a->name);
    rc_loc_set(&fd->loc, gf->file, a->pos.line, a->pos.col, gf->name, NULL);
    char *note = rc_xasprintf("'%s' %s '%s' here, where the signal may interrupt it", ofn->name,
                              verb(o->kind), o->name);
    rc_finding_add_related(fd, ofn->file, o->pos.line, o->pos.col, ofn->name, note);
    free(note);
    const rc_fn_facts_t *inf = p->fns[in->fn].f;
    note = rc_xasprintf("'%s' installed as a signal handler with '%s'", h->handler_name, h->api);
    rc_finding_add_related(fd, inf->file, h->pos.line, h->pos.col, inf->name, note);
    free(note);
}

int rc_rule_signal_shared_state(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    size_t nf = p->nfns ? p->nfns : 1;
    rc_install_t *ins = NULL; /* by place: the first installation reaching a call is cited */
    size_t nins = rc_program_installs(p, &ins);
    uint32_t *parent = rc_xcalloc(nf, sizeof *parent);
    uint32_t *pcall = rc_xcalloc(nf, sizeof *pcall);
    uint32_t *order = rc_xcalloc(nf, sizeof *order);
    uint8_t *seen = rc_xcalloc(nf, 1);
    /* Outside code: reached from a thread root, or from no handler at all. */
    uint8_t *outside = rc_xcalloc(nf, 1), *in_handler = rc_xcalloc(nf, 1);
    for (size_t k = 0; k < nins; k++) {
        uint32_t hf =
            rc_strtab_lookup(&p->fn_usrs, p->fns[ins[k].fn].f->sighands[ins[k].idx].handler);
        if (hf == UINT32_MAX)
            continue;
        size_t n = rc_program_handler_reach(p, hf, seen, order, parent, pcall);
        for (size_t q = 0; q < n; q++)
            in_handler[order[q]] = 1;
    }
    for (uint32_t f = 0; f < p->nfns; f++) {
        outside[f] = !in_handler[f];
        for (size_t r = 0; r < p->nroots && !outside[f]; r++)
            outside[f] = rc_program_reach(p, (uint32_t)r, f)->reached;
    }
    uint8_t **done = rc_xcalloc(nf, sizeof *done);
    for (size_t k = 0; k < nins; k++) {
        const rc_sighand_t *h = &p->fns[ins[k].fn].f->sighands[ins[k].idx];
        uint32_t hf = rc_strtab_lookup(&p->fn_usrs, h->handler);
        if (hf == UINT32_MAX)
            continue; /* the handler's body is not part of the program */
        size_t n = rc_program_handler_reach(p, hf, seen, order, parent, pcall);
        for (size_t q = 0; q < n; q++) {
            uint32_t g = order[q];
            const rc_fn_facts_t *gf = p->fns[g].f;
            for (size_t i = 0; i < gf->nacc; i++) {
                const rc_access_t *a = &gf->acc[i];
                const char *key = p->keys[g][i];
                if (a->kind == RC_ACC_READ || !key || safe_in_handler(a->flags))
                    continue;
                if (!done[g])
                    done[g] = rc_xcalloc(gf->nacc, 1);
                if (done[g][i])
                    continue;
                uint32_t bf = UINT32_MAX;
                size_t bj = 0;
                for (uint32_t f = 0; f < p->nfns; f++) {
                    if (!outside[f])
                        continue;
                    for (size_t j = 0; j < p->fns[f].f->nacc; j++) {
                        const char *ok = p->keys[f][j];
                        if ((f == g && j == i) || !ok || !rc_keys_overlap(key, ok, 0))
                            continue;
                        if (bf == UINT32_MAX || better(p, in_handler, f, j, bf, bj)) {
                            bf = f;
                            bj = j;
                        }
                    }
                }
                if (bf == UINT32_MAX)
                    continue; /* only handlers use it */
                done[g][i] = 1;
                report(p, &ins[k], g, i, bf, bj, parent, out);
            }
        }
    }
    for (uint32_t f = 0; f < p->nfns; f++)
        free(done[f]);
    free(done);
    free(outside);
    free(in_handler);
    free(parent);
    free(pcall);
    free(order);
    free(seen);
    free(ins);
    return RC_OK;
}
