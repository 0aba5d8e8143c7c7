/*
 * proc_model.c - the process model the proc.* rules share (see proc_model.h):
 * shared-memory pointers, process contexts per function, child lifetimes.
 *
 * Shared memory: every shared_map call (mmap with MAP_SHARED, shmat) whose
 * result the front end saw stored in a variable (rc_pcall_t.target) makes that
 * variable a shared pointer; effective access keys rooted at "*<its USR>" are
 * then in shared memory. The front end also gives such keys to local pointers
 * holding a mapping, so `s->count++` in main and in a child helper called with
 * `s` name the same object.
 *
 * Contexts: a fixpoint over the call graph and the thread creations, as in
 * program.c's step 9 but keeping every context rather than one label.
 */
#include "proc_model.h"

#include <stdlib.h>
#include <string.h>

const rc_pcall_t *proc_fork_call(const proc_model_t *m, uint32_t k)
{
    const rc_pfork_t *f = &m->p->forks[k];
    return &m->p->fns[f->fn].f->pcalls[f->pcall];
}

proc_ctx_t proc_ctx_of(const proc_model_t *m, uint32_t fn, const rc_pos_t *pos)
{
    uint32_t k = pos ? rc_program_child_at(m->p, fn, pos->off) : UINT32_MAX;
    if (k == UINT32_MAX)
        return m->ctx[fn];
    proc_ctx_t c = {0, 0};
    if (k < PROC_MAX_FORKS)
        c.kids = UINT64_C(1) << k;
    return c;
}

static int ctx_merge(proc_ctx_t *x, proc_ctx_t c)
{
    proc_ctx_t n = {x->kids | c.kids, (uint8_t)(x->main | c.main)};
    int changed = n.kids != x->kids || n.main != x->main;
    *x = n;
    return changed;
}

static void compute_ctx(proc_model_t *m)
{
    const rc_program_t *p = m->p;
    m->ctx = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *m->ctx);
    uint8_t *seen = rc_xcalloc(p->nfns ? p->nfns : 1, 1);
    if (p->main_fn != UINT32_MAX) {
        m->ctx[p->main_fn].main = 1;
        seen[p->main_fn] = 1;
    }
    for (int changed = 1; changed;) {
        changed = 0;
        for (uint32_t g = 0; g < p->nfns; g++) {
            if (!seen[g])
                continue;
            const rc_pfn_t *pg = &p->fns[g];
            for (size_t e = 0; e < pg->nedges; e++) {
                const rc_call_t *c = &pg->f->calls[pg->edges[e].call];
                uint32_t t = pg->edges[e].target;
                changed |= ctx_merge(&m->ctx[t], proc_ctx_of(m, g, &c->pos)) || !seen[t];
                seen[t] = 1;
            }
        }
        for (size_t s = 0; s < p->nsites; s++) {
            const rc_psite_t *site = &p->sites[s];
            uint32_t r = rc_strtab_lookup(&p->fn_usrs, site->routine);
            if (r == UINT32_MAX || !seen[site->at_fn])
                continue;
            changed |= ctx_merge(&m->ctx[r], proc_ctx_of(m, site->at_fn, site->at)) || !seen[r];
            seen[r] = 1;
        }
    }
    /* Code reached from nowhere known (callbacks, a library's entry points) runs in
     * the initial process as far as anyone can tell. */
    for (uint32_t f = 0; f < p->nfns; f++)
        if (!seen[f])
            m->ctx[f].main = 1;
    free(seen);
}

static void compute_callers(proc_model_t *m)
{
    const rc_program_t *p = m->p;
    m->callers = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *m->callers);
    m->ncallers = rc_xcalloc(p->nfns ? p->nfns : 1, sizeof *m->ncallers);
    for (uint32_t g = 0; g < p->nfns; g++)
        for (size_t e = 0; e < p->fns[g].nedges; e++) {
            uint32_t t = p->fns[g].edges[e].target;
            m->callers[t] = rc_xrealloc(m->callers[t], (m->ncallers[t] + 1) * sizeof **m->callers);
            m->callers[t][m->ncallers[t]++] = (rc_edge_t){p->fns[g].edges[e].call, g};
        }
}

#define SEM_DEPTH 4

static const char *sem_held(const proc_model_t *m, uint32_t fn, unsigned off, int depth)
{
    const rc_program_t *p = m->p;
    const rc_fn_facts_t *f = p->fns[fn].f;
    const char *best = NULL;
    unsigned best_off = 0;
    for (size_t i = 0; i < f->npcalls; i++) {
        const rc_pcall_t *w = &f->pcalls[i];
        const char *k = p->pkeys[fn][i];
        if (w->kind != RC_API_SEM_WAIT || !k || w->pos.off >= off ||
            (best && w->pos.off < best_off))
            continue;
        int released = 0;
        for (size_t j = 0; j < f->npcalls && !released; j++)
            released = f->pcalls[j].kind == RC_API_SEM_POST && p->pkeys[fn][j] &&
                       strcmp(p->pkeys[fn][j], k) == 0 && f->pcalls[j].pos.off > w->pos.off &&
                       f->pcalls[j].pos.off < off;
        if (!released) {
            best = k;
            best_off = w->pos.off;
        }
    }
    if (best || depth >= SEM_DEPTH || !m->ncallers[fn])
        return best;
    const char *common = NULL;
    for (size_t c = 0; c < m->ncallers[fn]; c++) {
        uint32_t g = m->callers[fn][c].target, call = m->callers[fn][c].call;
        const char *k = sem_held(m, g, p->fns[g].f->calls[call].pos.off, depth + 1);
        if (!k || (common && strcmp(common, k) != 0))
            return NULL;
        common = k;
    }
    return common;
}

const char *proc_sem_held(const proc_model_t *m, uint32_t fn, unsigned off)
{
    return sem_held(m, fn, off, 0);
}

void proc_model_init(proc_model_t *m, const rc_program_t *p)
{
    memset(m, 0, sizeof *m);
    m->p = p;
    compute_ctx(m);
    compute_callers(m);
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++) {
            const rc_pcall_t *pc = &fn->pcalls[i];
            if (pc->kind == RC_API_SHARED_MAP && pc->shared == 1 && pc->target) {
                uint32_t n = m->shm_usrs.n;
                uint32_t k = rc_strtab_intern(&m->shm_usrs, pc->target);
                if (k == n) {
                    m->shm = rc_xrealloc(m->shm, (n + 1) * sizeof *m->shm);
                    m->shm[k] = (proc_shm_t){f, (uint32_t)i, pc->anon};
                } else {
                    m->shm[k].anon &= pc->anon;
                }
            }
            if (pc->kind == RC_API_PROC_WAIT && proc_ctx_of(m, f, &pc->pos).main) {
                m->waits = rc_xrealloc(m->waits, (m->nwaits + 1) * sizeof *m->waits);
                m->waits[m->nwaits++] = (rc_pfork_t){f, (uint32_t)i};
            }
        }
    }
}

void proc_model_close(proc_model_t *m)
{
    for (size_t f = 0; m->callers && f < m->p->nfns; f++)
        free(m->callers[f]);
    free(m->callers);
    free(m->ncallers);
    rc_strtab_close(&m->shm_usrs);
    free(m->shm);
    free(m->ctx);
    free(m->waits);
    memset(m, 0, sizeof *m);
}

uint32_t proc_shm_of(const proc_model_t *m, const char *key)
{
    if (!key || key[0] != '*')
        return UINT32_MAX;
    size_t n = strcspn(key + 1, (const char[]){RC_KEY_SEP, 0});
    char *usr = rc_xasprintf("%.*s", (int)n, key + 1);
    uint32_t k = rc_strtab_lookup(&m->shm_usrs, usr);
    free(usr);
    return k;
}

/* Main-level positions of an event at pos in fn; *n = 0 when main does not reach fn. */
static const rc_mpos_t *main_times(const rc_program_t *p, uint32_t fn, const rc_pos_t *pos,
                                   rc_mpos_t *own, size_t *n)
{
    if (fn == p->main_fn) {
        *own = rc_mpos_of(pos);
        *n = 1;
        return own;
    }
    *n = p->mtimes ? p->nmtimes[fn] : 0;
    return *n ? p->mtimes[fn] : NULL;
}

/* A wait of the initial process in the forking function, later in the same
 * iteration of the fork's innermost loop: one child at a time. */
static const rc_pos_t *serial_wait(const proc_model_t *m, uint32_t k)
{
    const rc_pfork_t *fk = &m->p->forks[k];
    const rc_pos_t *fp = &proc_fork_call(m, k)->pos;
    if (!fp->iloop_le)
        return NULL;
    for (size_t i = 0; i < m->nwaits; i++) {
        if (m->waits[i].fn != fk->fn)
            continue;
        const rc_pos_t *wp = &m->p->fns[fk->fn].f->pcalls[m->waits[i].pcall].pos;
        if (wp->iloop_lb == fp->iloop_lb && wp->iloop_le == fp->iloop_le && wp->off > fp->end)
            return wp;
    }
    return NULL;
}

/* Wait w comes before q in the same iteration of their innermost loop (it may
 * have reaped only some of the children: enough to say q runs after a wait). */
static int same_iteration_before(const rc_pos_t *w, const rc_pos_t *q)
{
    return w->iloop_le && w->off < q->off && w->iloop_lb == q->iloop_lb &&
           w->iloop_le == q->iloop_le;
}

/* Within the forking function: a wait that must come after the fork and before q
 * (relaxed: or before q in the same loop iteration). */
static int waited_local(const proc_model_t *m, uint32_t k, const rc_pos_t *q, int relaxed)
{
    const rc_pfork_t *fk = &m->p->forks[k];
    rc_mpos_t f = rc_mpos_of(&proc_fork_call(m, k)->pos), t = rc_mpos_of(q);
    const rc_pos_t *sw = serial_wait(m, k);
    if (sw && (rc_mpos_must_precede(&f, &t) ||
               (q->off > sw->off && q->iloop_lb == sw->iloop_lb && q->iloop_le == sw->iloop_le)))
        return 1;
    for (size_t i = 0; i < m->nwaits; i++) {
        if (m->waits[i].fn != fk->fn)
            continue;
        const rc_pos_t *wp = &m->p->fns[fk->fn].f->pcalls[m->waits[i].pcall].pos;
        rc_mpos_t w = rc_mpos_of(wp);
        if (rc_mpos_must_precede(&f, &w) &&
            (rc_mpos_must_precede(&w, &t) || (relaxed && same_iteration_before(wp, q))))
            return 1;
    }
    return 0;
}

static int alive_local(const proc_model_t *m, uint32_t k, const rc_pos_t *q)
{
    const rc_pos_t *fp = &proc_fork_call(m, k)->pos;
    const rc_pos_t *sw = serial_wait(m, k);
    if (sw)
        return fp->off <= q->off && q->off <= sw->end;
    rc_mpos_t f = rc_mpos_of(fp), t = rc_mpos_of(q);
    return rc_mpos_may_precede(&f, &t) && !waited_local(m, k, q, 0);
}

/* The forking function waits for its children before it returns. */
static int contained(const proc_model_t *m, uint32_t k)
{
    const rc_pfork_t *fk = &m->p->forks[k];
    if (fk->fn == m->p->main_fn)
        return 0;
    const rc_fn_facts_t *f = m->p->fns[fk->fn].f;
    rc_pos_t end = {0};
    for (size_t i = 0; i < f->nexits; i++)
        if (f->exits[i].fallthrough)
            end = f->exits[i].pos;
    return end.off && waited_local(m, k, &end, 0);
}

/* The main-level verdicts: alive (want_alive) or waited. */
static int main_level(const proc_model_t *m, uint32_t k, uint32_t fn, const rc_pos_t *pos,
                      int want_alive)
{
    const rc_program_t *p = m->p;
    const rc_pfork_t *fk = &p->forks[k];
    rc_mpos_t own_f, own_t;
    size_t nf, nt;
    const rc_mpos_t *tf = main_times(p, fk->fn, &proc_fork_call(m, k)->pos, &own_f, &nf);
    const rc_mpos_t *tt = main_times(p, fn, pos, &own_t, &nt);
    int cont = contained(m, k);
    for (size_t i = 0; i < nf; i++) {
        for (size_t j = 0; j < nt; j++) {
            if (cont) {
                if (!want_alive && rc_mpos_must_precede(&tf[i], &tt[j]))
                    return 1;
                continue;
            }
            int waited = 0;
            for (size_t w = 0; w < m->nwaits && !waited; w++) {
                const rc_pfork_t *wt = &m->waits[w];
                rc_mpos_t own_w;
                size_t nw;
                const rc_mpos_t *tw =
                    main_times(p, wt->fn, &p->fns[wt->fn].f->pcalls[wt->pcall].pos, &own_w, &nw);
                const rc_pos_t *wp = &p->fns[wt->fn].f->pcalls[wt->pcall].pos;
                int both_main = wt->fn == p->main_fn && fn == p->main_fn;
                for (size_t x = 0; x < nw && !waited; x++)
                    waited = rc_mpos_must_precede(&tf[i], &tw[x]) &&
                             (rc_mpos_must_precede(&tw[x], &tt[j]) ||
                              (!want_alive && both_main && same_iteration_before(wp, pos)));
            }
            if (want_alive ? (!waited && rc_mpos_may_precede(&tf[i], &tt[j])) : waited)
                return 1;
        }
    }
    return 0;
}

/* Applies the local check at every call of fn made by the forking function. */
static int via_forker(const proc_model_t *m, uint32_t k, uint32_t fn, int want_alive, int *found)
{
    const rc_pfork_t *fk = &m->p->forks[k];
    const rc_pfn_t *pf = &m->p->fns[fk->fn];
    *found = 0;
    for (size_t e = 0; e < pf->nedges; e++) {
        if (pf->edges[e].target != fn)
            continue;
        const rc_pos_t *cp = &pf->f->calls[pf->edges[e].call].pos;
        if (rc_program_child_at(m->p, fk->fn, cp->off) != UINT32_MAX)
            continue; /* a call the child makes */
        *found = 1;
        if (want_alive ? alive_local(m, k, cp) : waited_local(m, k, cp, 1))
            return 1;
    }
    return 0;
}

int proc_child_alive(const proc_model_t *m, uint32_t k, uint32_t fn, const rc_pos_t *pos)
{
    if (proc_fork_call(m, k)->shared)
        return 0; /* vfork: the parent is suspended while the child runs */
    if (fn == m->p->forks[k].fn)
        return alive_local(m, k, pos);
    int found, alive = via_forker(m, k, fn, 1, &found);
    return found ? alive : main_level(m, k, fn, pos, 1);
}

int proc_waited(const proc_model_t *m, uint32_t k, uint32_t fn, const rc_pos_t *pos)
{
    if (fn == m->p->forks[k].fn)
        return waited_local(m, k, pos, 1);
    int found, waited = via_forker(m, k, fn, 0, &found);
    return found ? waited : main_level(m, k, fn, pos, 0);
}

int proc_many_children(const proc_model_t *m, uint32_t k)
{
    const rc_program_t *p = m->p;
    const rc_pfork_t *fk = &p->forks[k];
    const rc_pos_t *fp = &proc_fork_call(m, k)->pos;
    if (proc_fork_call(m, k)->shared)
        return 0; /* vfork: one child at a time, the parent suspended */
    if (fp->loop_le && !serial_wait(m, k))
        return 1;
    if (fk->fn == p->main_fn)
        return 0;
    if (contained(m, k))
        return 0;
    if (p->main_fn != UINT32_MAX && p->nmtimes[fk->fn] > 1)
        return 1;
    for (size_t i = 0; p->main_fn != UINT32_MAX && i < p->nmtimes[fk->fn]; i++)
        if (p->mtimes[fk->fn][i].lb != p->mtimes[fk->fn][i].off)
            return 1; /* called in a loop of main */
    return p->main_root != UINT32_MAX && rc_program_reach(p, p->main_root, fk->fn)->many;
}

int proc_forks_overlap(const proc_model_t *m, uint32_t a, uint32_t b)
{
    const rc_program_t *p = m->p;
    return proc_child_alive(m, b, p->forks[a].fn, &proc_fork_call(m, a)->pos) ||
           proc_child_alive(m, a, p->forks[b].fn, &proc_fork_call(m, b)->pos);
}

void proc_lockset(const proc_model_t *m, uint32_t fn, const rc_pos_t *pos, const rc_lset_t *local,
                  rc_lset_t *out)
{
    const rc_program_t *p = m->p;
    uint32_t root = UINT32_MAX;
    if (p->main_root != UINT32_MAX && rc_program_reach(p, p->main_root, fn)->reached)
        root = p->main_root;
    for (uint32_t r = 0; r < p->nroots && root == UINT32_MAX; r++)
        if (rc_program_reach(p, r, fn)->reached)
            root = r;
    if (root == UINT32_MAX) {
        rc_program_lset(p, p->fns[fn].tu, local, out);
        return;
    }
    rc_inst_t in;
    rc_program_inst(p, root, fn, pos, local, &in);
    *out = in.ls;
}

/* Appends path with every "[p<digits>]" replaced by rep. */
static void subst_params(rc_strbuf_t *b, const char *path, const char *rep)
{
    for (const char *s = path; *s;) {
        if (s[0] == '[' && s[1] == 'p' && s[2] >= '0' && s[2] <= '9' && strchr(s, ']')) {
            rc_strbuf_append(b, rep);
            s = strchr(s, ']') + 1;
        } else {
            rc_strbuf_appendn(b, s, 1);
            s++;
        }
    }
}

char *proc_access_key(const proc_model_t *m, uint32_t fn, uint32_t acc)
{
    const rc_program_t *p = m->p;
    const char *eff = p->keys[fn][acc], *raw = p->fns[fn].f->acc[acc].key;
    if (!eff)
        return NULL;
    const char *path = strchr(raw, RC_KEY_SEP);
    if (m->ctx[fn].main || !m->ctx[fn].kids || !path || !strstr(path, "[p"))
        return rc_xstrdup(eff);
    rc_strbuf_t any, own;
    rc_strbuf_init(&any);
    rc_strbuf_init(&own);
    subst_params(&any, path + 1, "[*]"); /* what program.c made of the path */
    subst_params(&own, path + 1, "[#]");
    size_t ne = strlen(eff), na = any.len;
    char *r;
    if (na <= ne && memcmp(eff + ne - na, any.s ? any.s : "", na) == 0)
        r = rc_xasprintf("%.*s%s", (int)(ne - na), eff, own.s ? own.s : "");
    else
        r = rc_xstrdup(eff);
    rc_strbuf_close(&any);
    rc_strbuf_close(&own);
    return r;
}
