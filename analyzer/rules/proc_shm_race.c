/*
 * proc_shm_race.c - rule proc.shm-race: memory mapped shared between processes
 * (mmap with MAP_SHARED, shm_open + mmap, shmat) updated by one process while
 * another may access it, without a lock both hold.
 *
 * Inputs: accesses whose effective key is rooted at a pointer holding a shared
 * mapping (proc_model.h: `s->count++` with `s = mmap(.., MAP_SHARED | ..)`, in
 * main or in a helper the child calls with `s`), their process contexts, and
 * the child lifetimes of the process model.
 *
 * A site is reported when it is a non-atomic read-modify-write (`x++`, `x += n`,
 * `x = x + 1`; an _Atomic location only in the split form) or a plain write, and
 * another access of an overlapping location may run at the same time in another
 * process:
 *   same site       the site runs in children of a fork that has several alive at
 *                   once (forked in a loop without a wait in the same iteration)
 *   child vs parent the parent's access runs while a child of that fork is alive
 *                   (after the fork, before a wait that must follow it)
 *   child vs child  children of two forks alive at the same time, or two children
 *                   of one fork that has several
 * and the two locksets share no lock (rc_program_protected: a mutex in the shared
 * memory, `&s->lock`, is one lock wherever it is named), nor do both sides hold
 * the same semaphore (sem_wait before, no sem_post in between: a semaphore of
 * initial value 1 used as a lock; proc_sem_held). An update is reported
 * against a write or an update; a plain write only against a write (write/write),
 * since an update against it is reported at the update; an update holding a
 * lock or a semaphore against one holding none is left to that one. Reads never
 * make an update lost. Whether the lock is process-shared is proc.mutex-not-pshared's
 * business.
 *
 * Message format:
 *   <non-atomic update '<expr>' of | write '<expr>' to> '<name>' in shared memory
 *   (mapped at f.c:N) <without a lock | holding a semaphore | holding 'l'>; <why>
 *   why = several child processes forked at f.c:M run it at once
 *       | it conflicts with the <update|write> '<expr>' in '<fn>' (<locks>)
 *         <in the parent process while a child forked at f.c:M runs
 *          | in a child process forked at f.c:M>
 * subject: the expression naming the object ("shm->count" as written).
 * related: the other access, the fork, the mapping.
 */
#include "proc_model.h"

#include <stdlib.h>
#include <string.h>

#define RULE_ID "proc.shm-race"

typedef struct site {
    uint32_t fn, acc;
    proc_ctx_t ctx;
    rc_lset_t ls;
    uint32_t shm;
    const char *sem; /* a semaphore held (proc_sem_held), or NULL */
    char *key;       /* proc_access_key (owned) */
} site_t;

/* A common lock, or the same semaphore held on both sides. */
static int kept_apart(const rc_program_t *p, const site_t *a, const site_t *b)
{
    return rc_program_protected(p, &a->ls, &b->ls) ||
           (a->sem && b->sem && strcmp(a->sem, b->sem) == 0);
}

typedef struct conflict {
    int found, self;
    uint32_t other;   /* index into the sites */
    uint32_t fork;    /* the fork whose children are involved */
    int other_parent; /* the other side runs in the initial process */
} conflict_t;

static int excluded(unsigned flags)
{
    if (flags & (RC_LOC_TLS | RC_LOC_CONST))
        return 1;
    return (flags & RC_LOC_ATOMIC) && !(flags & RC_ACC_SPLIT);
}

static const rc_access_t *acc_of(const rc_program_t *p, const site_t *s)
{
    return &p->fns[s->fn].f->acc[s->acc];
}

/* May a and b access overlapping memory at once in two processes? Sets the fork
 * involved and whether b is the parent. Two children of one fork use their own
 * slots ("[#]") of an array. */
static int concurrent(const proc_model_t *m, const site_t *a, const site_t *b, uint32_t *fork,
                      int *b_parent)
{
    const rc_program_t *p = m->p;
    const rc_access_t *aa = acc_of(p, a), *ab = acc_of(p, b);
    int overlap = rc_keys_overlap(a->key, b->key, 0);
    for (uint32_t k = 0; k < p->nforks && k < PROC_MAX_FORKS; k++) {
        uint64_t bit = UINT64_C(1) << k;
        if (overlap && (a->ctx.kids & bit) && b->ctx.main &&
            proc_child_alive(m, k, b->fn, &ab->pos)) {
            *fork = k;
            *b_parent = 1;
            return 1;
        }
        if (overlap && (b->ctx.kids & bit) && a->ctx.main &&
            proc_child_alive(m, k, a->fn, &aa->pos)) {
            *fork = k;
            *b_parent = 0;
            return 1;
        }
        if ((a->ctx.kids & bit) && (b->ctx.kids & bit) && proc_many_children(m, k) &&
            rc_keys_overlap(a->key, b->key, 1)) {
            *fork = k;
            *b_parent = 0;
            return 1;
        }
        for (uint32_t k2 = 0; overlap && k2 < p->nforks && k2 < PROC_MAX_FORKS; k2++)
            if (k2 != k && (a->ctx.kids & bit) && (b->ctx.kids & (UINT64_C(1) << k2)) &&
                proc_forks_overlap(m, k, k2)) {
                *fork = k2;
                *b_parent = 0;
                return 1;
            }
    }
    return 0;
}

static const char *kind_word(rc_acc_kind_t k)
{
    return k == RC_ACC_READ ? "read" : k == RC_ACC_WRITE ? "write" : "update";
}

static void report(const proc_model_t *m, const site_t *sites, const site_t *s, const conflict_t *c,
                   rc_findings_t *out)
{
    const rc_program_t *p = m->p;
    const rc_fn_facts_t *fn = p->fns[s->fn].f;
    const rc_access_t *a = acc_of(p, s);
    const proc_shm_t *sh = &m->shm[s->shm];
    const rc_fn_facts_t *mf = p->fns[sh->fn].f;
    const rc_pcall_t *mc = &mf->pcalls[sh->pcall];
    const rc_pfork_t *fk = &p->forks[c->fork];
    const rc_fn_facts_t *ff = p->fns[fk->fn].f;
    const rc_pcall_t *fc = &ff->pcalls[fk->pcall];

    rc_strbuf_t b;
    rc_strbuf_init(&b);
    if (a->kind == RC_ACC_RMW)
        rc_strbuf_appendf(&b, "non-atomic update '%s' of '%s'", a->text, a->name);
    else
        rc_strbuf_appendf(&b, "write '%s' to '%s'", a->text, a->name);
    rc_strbuf_appendf(&b, " in shared memory (mapped at %s:%u) ", rc_base_name(mf->file),
                      mc->pos.line);
    if (s->ls.n == 0 && !s->sem) {
        rc_strbuf_append(&b, "without a lock");
    } else if (s->ls.n == 0) {
        rc_strbuf_append(&b, "holding a semaphore");
    } else {
        rc_strbuf_append(&b, "holding ");
        rc_program_lset_str(p, &s->ls, &b);
    }
    rc_strbuf_append(&b, "; ");
    if (c->self) {
        rc_strbuf_appendf(&b, "several child processes forked at %s:%u run it at once",
                          rc_base_name(ff->file), fc->pos.line);
    } else {
        const site_t *o = &sites[c->other];
        const rc_fn_facts_t *of = p->fns[o->fn].f;
        const rc_access_t *oa = acc_of(p, o);
        rc_strbuf_appendf(&b, "it conflicts with the %s '%s' in '%s' (", kind_word(oa->kind),
                          oa->text, of->name);
        rc_program_lset_str(p, &o->ls, &b);
        if (c->other_parent)
            rc_strbuf_appendf(&b, ") in the parent process while a child forked at %s:%u runs",
                              rc_base_name(ff->file), fc->pos.line);
        else
            rc_strbuf_appendf(&b, ") in a child process forked at %s:%u", rc_base_name(ff->file),
                              fc->pos.line);
    }

    rc_finding_t *fd = rc_rule_finding(out, RULE_ID, RC_SEV_WARNING);
    fd->message = rc_strbuf_take(&b);
    fd->subject = rc_xstrdup(a->name);
    rc_loc_set(&fd->loc, fn->file, a->pos.line, a->pos.col, fn->name, NULL);
    rc_loc_set_thread(&fd->loc, s->ctx.kids ? "child process" : "parent process");
    if (!c->self) {
        const site_t *o = &sites[c->other];
        const rc_fn_facts_t *of = p->fns[o->fn].f;
        const rc_access_t *oa = acc_of(p, o);
        char *note = rc_xasprintf("conflicting %s in the %s process", kind_word(oa->kind),
                                  c->other_parent ? "parent" : "child");
        rc_finding_add_related(fd, of->file, oa->pos.line, oa->pos.col, of->name, note);
        free(note);
    }
    char *note = rc_xasprintf("child process%s forked here", c->self ? "es" : "");
    rc_finding_add_related(fd, ff->file, fc->pos.line, fc->pos.col, ff->name, note);
    free(note);
    note = rc_xasprintf("memory mapped shared here with '%s'", mc->api);
    rc_finding_add_related(fd, mf->file, mc->pos.line, mc->pos.col, mf->name, note);
    free(note);
}

int rc_rule_proc_shm_race(const rc_program_t *p, rc_findings_t *out, rc_error_t *err)
{
    (void)err;
    if (!p->nforks)
        return RC_OK;
    proc_model_t m;
    proc_model_init(&m, p);
    site_t *v = NULL;
    size_t n = 0;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (uint32_t i = 0; i < fn->nacc; i++) {
            const rc_access_t *a = &fn->acc[i];
            uint32_t sh = proc_shm_of(&m, p->keys[f][i]);
            if (sh == UINT32_MAX || a->kind == RC_ACC_READ)
                continue;
            v = rc_xrealloc(v, (n + 1) * sizeof *v);
            site_t *s = &v[n++];
            s->fn = f;
            s->acc = i;
            s->shm = sh;
            s->ctx = proc_ctx_of(&m, f, &a->pos);
            proc_lockset(&m, f, &a->pos, &a->ls, &s->ls);
            s->sem = proc_sem_held(&m, f, a->pos.off);
            s->key = proc_access_key(&m, f, i);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const site_t *s = &v[i];
        const rc_access_t *a = acc_of(p, s);
        if (excluded(a->flags))
            continue;
        conflict_t best = {0};
        for (uint32_t k = 0;
             a->kind == RC_ACC_RMW && !best.found && k < p->nforks && k < PROC_MAX_FORKS; k++)
            if (((s->ctx.kids >> k) & 1) && proc_many_children(&m, k) &&
                rc_keys_overlap(s->key, s->key, 1) && !kept_apart(p, s, s))
                best = (conflict_t){1, 1, (uint32_t)i, k, 0};
        for (size_t j = 0; j < n && !best.found; j++) {
            if (j == i)
                continue;
            const site_t *o = &v[j];
            const rc_access_t *b = acc_of(p, o);
            if (a->kind == RC_ACC_WRITE && b->kind != RC_ACC_WRITE)
                continue; /* reported at the update */
            if ((b->flags & RC_LOC_ATOMIC) && !(b->flags & RC_ACC_SPLIT) &&
                (a->flags & RC_LOC_ATOMIC))
                continue;
            /* A guarded update against an unguarded one: the unguarded one is the
             * one to fix, and is reported. */
            int guarded = s->ls.n > 0 || s->sem, oguarded = o->ls.n > 0 || o->sem;
            if (guarded && !oguarded && b->kind == RC_ACC_RMW)
                continue;
            if (kept_apart(p, s, o))
                continue;
            uint32_t fork;
            int b_parent;
            if (concurrent(&m, s, o, &fork, &b_parent))
                best = (conflict_t){1, 0, (uint32_t)j, fork, b_parent};
        }
        if (best.found)
            report(&m, v, s, &best, out);
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].key);
    free(v);
    proc_model_close(&m);
    return RC_OK;
}
