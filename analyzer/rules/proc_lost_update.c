/*
 * proc_lost_update.c - rule proc.lost-update: a forked child writes a global (or
 * static) variable and the parent reads it after waiting for the child, as if
 * the child's update could reach it. After fork the child has its own copy of
 * the parent's memory; only memory mapped shared is common to both.
 *
 * A write or read-modify-write site is reported when all of these hold:
 *   - it writes ordinary memory: a global, file static or static local (or a
 *     field / element of one), or what a global pointer points to, with an
 *     effective key (rc_program_t.keys) that is not rooted at a pointer holding a
 *     shared mapping (proc_model.h);
 *   - it runs in a child process: inside a child extent of a fork (`if (pid ==
 *     0) {...}`, `case 0:`), or in a function called only from such code;
 *   - code that only the initial process runs reads an overlapping location (a
 *     read or an update) at a point where it must have waited for the children
 *     of that fork (a wait after the fork and before the read, on the fork's own
 *     function timeline or on main's; or earlier in the same loop iteration). A
 *     read in a function the children run as well (a helper keeping its own
 *     static state, called on both sides) reads each process's own copy and
 *     expects nothing from the other.
 * A child that only writes (the parent never reads after waiting) is not
 * reported: nothing expects its update; nor is a vfork child (a fork model with
 * "shared": it borrows the parent's memory).
 *
 * Message format:
 *   '<expr>' in a child process (forked at f.c:N) changes only the child's copy of
 *   '<var>': the parent reads it after waiting for the child (f.c:M) and never sees
 *   the update
 * subject: the variable. related: the parent's read, then the fork.
 */
#include "proc_model.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "proc.lost-update"

typedef struct read_ref {
    uint32_t fn, acc, fork;
} read_ref_t;

/* The reads (and updates) of the initial process, grouped by the variable
 * (key root) they access, so a write is compared with its own variable only. */
typedef struct groups {
    rc_strtab_t roots;
    read_ref_t **v; /* per root: (fn, acc) pairs; fork unused */
    size_t *n;
} groups_t;

static char *root_of(const char *key)
{
    return rc_xasprintf("%.*s", (int)strcspn(key, (const char[]){RC_KEY_SEP, 0}), key);
}

static void groups_build(const proc_model_t *m, groups_t *gs)
{
    const rc_program_t *p = m->p;
    memset(gs, 0, sizeof *gs);
    size_t cap = 0;
    for (uint32_t g = 0; g < p->nfns; g++) {
        const rc_fn_facts_t *gf = p->fns[g].f;
        for (uint32_t j = 0; j < gf->nacc; j++) {
            const char *kb = p->keys[g][j];
            proc_ctx_t c = kb ? proc_ctx_of(m, g, &gf->acc[j].pos) : (proc_ctx_t){0, 0};
            if (gf->acc[j].kind == RC_ACC_WRITE || !c.main || c.kids)
                continue; /* code the children run too reads each process's own copy */
            char *root = root_of(kb);
            uint32_t r = rc_strtab_intern(&gs->roots, root);
            free(root);
            if (r >= cap) {
                size_t nc = cap ? cap * 2 : 32;
                while (nc <= r)
                    nc *= 2;
                gs->v = rc_xrealloc(gs->v, nc * sizeof *gs->v);
                gs->n = rc_xrealloc(gs->n, nc * sizeof *gs->n);
                memset(gs->v + cap, 0, (nc - cap) * sizeof *gs->v);
                memset(gs->n + cap, 0, (nc - cap) * sizeof *gs->n);
                cap = nc;
            }
            gs->v[r] = rc_xrealloc(gs->v[r], (gs->n[r] + 1) * sizeof **gs->v);
            gs->v[r][gs->n[r]++] = (read_ref_t){g, j, 0};
        }
    }
}

static void groups_close(groups_t *gs)
{
    for (uint32_t r = 0; r < gs->roots.n; r++)
        free(gs->v[r]);
    free(gs->v);
    free(gs->n);
    rc_strtab_close(&gs->roots);
}

/* The parent's read of key after the children of a fork in kids were waited for,
 * first by (file, line, column). */
static int find_read(const proc_model_t *m, const groups_t *gs, const char *key, uint64_t kids,
                     read_ref_t *out)
{
    const rc_program_t *p = m->p;
    int found = 0;
    char *root = root_of(key);
    uint32_t r = rc_strtab_lookup(&gs->roots, root);
    free(root);
    for (size_t x = 0; r != UINT32_MAX && x < gs->n[r]; x++) {
        uint32_t g = gs->v[r][x].fn, j = gs->v[r][x].acc;
        const rc_fn_facts_t *gf = p->fns[g].f;
        const rc_access_t *b = &gf->acc[j];
        if (!rc_keys_overlap(key, p->keys[g][j], 0))
            continue;
        for (uint32_t k = 0; k < p->nforks && k < PROC_MAX_FORKS; k++) {
            /* A vfork child writes the parent's own memory. */
            if (!(kids & (UINT64_C(1) << k)) || proc_fork_call(m, k)->shared ||
                !proc_waited(m, k, g, &b->pos))
                continue;
            if (found) {
                const rc_fn_facts_t *of = p->fns[out->fn].f;
                const rc_access_t *o = &of->acc[out->acc];
                int c = strcmp(gf->file, of->file);
                if (c > 0 || (c == 0 && (b->pos.line > o->pos.line ||
                                         (b->pos.line == o->pos.line && b->pos.col >= o->pos.col))))
                    continue;
            }
            *out = (read_ref_t){g, j, k};
            found = 1;
        }
    }
    return found;
}

static void report(const proc_model_t *m, uint32_t f, uint32_t i, const read_ref_t *r,
                   rc_findings_t *out)
{
    const rc_program_t *p = m->p;
    const rc_fn_facts_t *fn = p->fns[f].f;
    const rc_access_t *a = &fn->acc[i];
    const rc_fn_facts_t *rf = p->fns[r->fn].f;
    const rc_access_t *b = &rf->acc[r->acc];
    const rc_pfork_t *fk = &p->forks[r->fork];
    const rc_fn_facts_t *ff = p->fns[fk->fn].f;
    const rc_pcall_t *fc = &ff->pcalls[fk->pcall];
    char *var = rc_xasprintf("%.*s", (int)strcspn(a->name, ".[-"), a->name);

    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_xasprintf("'%s' in a child process (forked at %s:%u) changes only the "
                               "child's copy of '%s': the parent reads it after waiting for the "
                               "child (%s:%u) and never sees the update",
                               a->text, rc_base_name(ff->file), fc->pos.line, a->name,
                               rc_base_name(rf->file), b->pos.line);
    fd->subject = var;
    rc_loc_set(&fd->loc, fn->file, a->pos.line, a->pos.col, fn->name, NULL);
    rc_loc_set_thread(&fd->loc, "child process");
    char *note =
        rc_xasprintf("the parent reads '%s' after waiting: it still holds its own value", b->name);
    rc_finding_add_related(fd, rf->file, b->pos.line, b->pos.col, rf->name, note);
    free(note);
    note = rc_xasprintf("child forked here with '%s'", fc->api);
    rc_finding_add_related(fd, ff->file, fc->pos.line, fc->pos.col, ff->name, note);
    free(note);
}

int rc_rule_proc_lost_update(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    if (!p->nforks)
        return RC_OK;
    proc_model_t m;
    proc_model_init(&m, p);
    groups_t gs;
    groups_build(&m, &gs);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const rc_access_t *a = &fn->acc[i];
            const char *key = p->keys[f][i];
            if (a->kind == RC_ACC_READ || !key || (a->flags & RC_LOC_CONST) ||
                proc_shm_of(&m, key) != UINT32_MAX)
                continue;
            proc_ctx_t c = proc_ctx_of(&m, f, &a->pos);
            read_ref_t r;
            if (c.kids && find_read(&m, &gs, key, c.kids, &r))
                report(&m, f, i, &r, out);
        }
    }
    groups_close(&gs);
    proc_model_close(&m);
    return RC_OK;
}
