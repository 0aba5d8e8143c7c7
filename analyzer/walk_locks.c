/*
 * walk_locks.c - locks in the walker: naming a lock from its expression,
 * taking and releasing it (also "held once more" and the correlated-condition
 * implications, the two pseudo-locks that never reach the facts), the
 * summaries of the TU's functions and of other TUs' applied at calls, trylock
 * outcomes and branch conditions.
 */

#include "walk.h"

/* Correlated conditions.
 *
 * `if (locking) pthread_mutex_lock(&m); ... if (locking) count++; ... if
 * (locking) pthread_mutex_unlock(&m);`: after the first `if`, m is held on one
 * path only, so the must-hold join drops it, yet every later `if (locking)`
 * runs with it held. The join keeps that as an implication, a pseudo-lock in
 * the lockset (so it flows through joins and loops like the locks it speaks
 * of): "locking true => m held". A later test of the same local adds m to the
 * branch its value selects. Storing a trylock's result makes one too: after
 * `status = pthread_mutex_trylock(&m)`, "status false => m held". An assignment
 * to the local, or a release of m, drops the implication. Only tests of a local
 * whose address the function never takes count: `x`, `!x`, `x == 0`, `x != 0`.
 * Implications never leave the walker: facts, summaries and accesses get the
 * lockset without them (fe_lset_for_facts).
 *
 * Pseudo-lock id: IMP_PREFIX, '1' or '0' (the value of the test), '1' or '0'
 * (held shared), the local's USR, IMP_SEP, the TU lock index. */
#define IMP_PREFIX '\x02'
#define IMP_SEP '\x1f'
#define IMP_ROOM 6 /* lockset entries left free for locks: implications use no more */

/* The other pseudo-lock: "held once more". Locking a lock the path already
 * holds (a recursive mutex, a counting semaphore, a reader lock taken twice)
 * adds one, and the next release of that lock removes it instead of the lock:
 * `lock(&m); lock(&m); unlock(&m); n++;` updates n with m still held. (A plain
 * mutex locked twice deadlocks there: lock.double-lock reports it, and what
 * follows never runs. An error-checking one fails with EDEADLK and is not
 * taken again: a lock call whose result the program keeps, `rc = lock(&m)`, does
 * not count twice, see fe_result_stored.) Id: HOLD_PREFIX, the depth (1, 2, ...) as a character,
 * the TU lock index. */
#define HOLD_PREFIX '\x03'
#define MAX_HOLD_DEPTH 8

static size_t lock_family(const char *id, int *wild);

#define PARAM_LOCK_PREFIX '\x01'

uint32_t fe_intern_lock(walker_t *w, const char *id, const char *name)
{
    uint32_t n = w->facts->locks.n;
    uint32_t i = rc_strtab_intern(&w->facts->locks, id);
    if (i == n) {
        /* lock_names is parallel to locks.v and grows with it. */
        w->facts->lock_names =
            rc_xrealloc(w->facts->lock_names, w->facts->locks.cap * sizeof(char *));
        w->facts->lock_names[i] = rc_xstrdup(name);
    }
    return i;
}

static int is_imp(const walker_t *w, uint32_t l)
{
    return w->facts->locks.v[l][0] == IMP_PREFIX;
}

/* 1 for an implication or a "held once more". */
int fe_is_pseudo(const walker_t *w, uint32_t l)
{
    char c = w->facts->locks.v[l][0];
    return c == IMP_PREFIX || c == HOLD_PREFIX;
}

/* The lockset without pseudo-locks: what facts and summaries record. */
rc_lset_t fe_lset_for_facts(const walker_t *w, const rc_lset_t *st)
{
    rc_lset_t out = *st;
    out.n = 0;
    for (int i = 0; i < st->n; i++)
        if (!fe_is_pseudo(w, RC_LREF_LOCK(st->v[i])))
            out.v[out.n++] = st->v[i];
    return out;
}

/* The "held once more" pseudo-lock of l at depth d: interned when intern is
 * set, else looked up (UINT32_MAX when it was never made). */
static uint32_t hold_lock(walker_t *w, uint32_t l, int d, int intern)
{
    char id[32];
    snprintf(id, sizeof id, "%c%c%u", HOLD_PREFIX, '0' + d, l);
    return intern ? fe_intern_lock(w, id, "") : rc_strtab_lookup(&w->facts->locks, id);
}

/* The acquisition mark of l (RC_ACQ_PREFIX<its id>, internal.h): interned when
 * intern is set, else looked up (UINT32_MAX when it was never made). */
static uint32_t acq_mark(walker_t *w, uint32_t l, int intern)
{
    char *id = rc_xasprintf("%s%s", RC_ACQ_PREFIX, w->facts->locks.v[l]);
    uint32_t m = intern ? fe_intern_lock(w, id, w->facts->lock_names[l])
                        : rc_strtab_lookup(&w->facts->locks, id);
    free(id);
    return m;
}

/* 1 when l is an element of a lock array with an unknown index (`m[i]`): two
 * takings of it may be two elements. */
static int wild_lock(const walker_t *w, uint32_t l)
{
    int wild = 0;
    return lock_family(w->facts->locks.v[l], &wild) && wild;
}

/* Takes lock l: adds it, or, when st holds it already, one more hold of it
 * (not for an element of a lock array with an unknown index, nor for an order
 * mark a summary brings). */
void fe_acquire(walker_t *w, uint32_t l, int shared, rc_lset_t *st)
{
    if (st->top)
        return;
    if (l == w->unknown_lock || !rc_lset_has(st, l) || fe_is_mark_id(w->facts->locks.v[l]) ||
        wild_lock(w, l)) {
        rc_lset_add(st, l, shared); /* `m[i]` then `m[j]`: maybe two elements */
        return;
    }
    for (int d = 1; d <= MAX_HOLD_DEPTH; d++) {
        uint32_t h = hold_lock(w, l, d, 1);
        if (!rc_lset_has(st, h)) {
            if (st->n < RC_LS_MAX)
                rc_lset_add(st, h, 0);
            return;
        }
    }
}

void fe_note_acquired(walker_t *w, uint32_t l, rc_lset_t *st)
{
    const char *id = w->facts->locks.v[l];
    if (st->top || l == w->unknown_lock || id[0] < ' ' || fe_is_mark_id(id) ||
        strncmp(id, RC_SEM_PREFIX, strlen(RC_SEM_PREFIX)) == 0 || wild_lock(w, l) ||
        st->n >= RC_LS_MAX - MARK_ROOM)
        return;
    rc_lset_add(st, acq_mark(w, l, 1), 0);
}

/* 1 when the value of call e is kept (`rc = pthread_mutex_lock(&m)`, `int rc =
 * ...`) rather than dropped or tested at once. Locking a mutex the thread holds
 * is then taken as not holding it once more: the program expects it may fail
 * (an error-checking mutex returns EDEADLK). */
int fe_result_stored(walker_t *w, CXCursor e)
{
    const tnode_t *n = tree_find(&w->tree, e);
    while (n && n->parent != UINT32_MAX) {
        const tnode_t *p = &w->tree.nodes[n->parent];
        enum CXCursorKind k = p->c.kind;
        if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr ||
            k == CXCursor_CStyleCastExpr) {
            n = p;
            continue;
        }
        if (k == CXCursor_VarDecl)
            return 1;
        return k == CXCursor_BinaryOperator &&
               clang_getCursorBinaryOperatorKind(p->c) == CXBinaryOperator_Assign &&
               p->nkids == 2 && cursor_eq(w->tree.kids[p->first + 1], n->c);
    }
    return 0;
}

/* Drops the "held once more" entries of locks st no longer holds (released
 * through an alias, or all at once). */
static void purge_holds(walker_t *w, rc_lset_t *st)
{
    for (int i = st->n; i-- > 0;) {
        uint32_t h = RC_LREF_LOCK(st->v[i]);
        const char *id = w->facts->locks.v[h];
        if (id[0] == HOLD_PREFIX && !rc_lset_has(st, (uint32_t)strtoul(id + 2, NULL, 10)))
            rc_lset_remove(st, h);
    }
}

/* Drops the deepest "held once more" of l from st: 1 when there was one (l
 * stays held), 0 when l is held once. */
static int drop_hold(walker_t *w, uint32_t l, rc_lset_t *st)
{
    for (int d = MAX_HOLD_DEPTH; d >= 1; d--) {
        uint32_t h = hold_lock(w, l, d, 0);
        if (h != UINT32_MAX && rc_lset_has(st, h)) {
            rc_lset_remove(st, h);
            return 1;
        }
    }
    return 0;
}

/* Implication e (a TU lock index): 1 when it is one, with the value of the test
 * (*truth), whether the lock is held shared, the local's USR (*x, *xlen) and
 * the lock it implies (*m). */
static int imp_parse(const walker_t *w, uint32_t e, int *truth, int *shared, const char **x,
                     size_t *xlen, uint32_t *m)
{
    if (!is_imp(w, e))
        return 0;
    const char *id = w->facts->locks.v[e];
    const char *sep = strchr(id + 3, IMP_SEP);
    if (!sep)
        return 0;
    *truth = id[1] - '0';
    *shared = id[2] == '1';
    *x = id + 3;
    *xlen = (size_t)(sep - *x);
    *m = (uint32_t)strtoul(sep + 1, NULL, 10);
    return 1;
}

/* 1 when the local named by (x, xlen) is xusr. */
static int imp_about(const char *x, size_t xlen, const char *xusr)
{
    return strlen(xusr) == xlen && strncmp(x, xusr, xlen) == 0;
}

/* Removes the implications about local xusr (when it is assigned), or, with
 * xusr NULL, those that imply lock l (when l is released). */
void fe_imp_drop(walker_t *w, const char *xusr, uint32_t l, rc_lset_t *st)
{
    for (int i = st->n; i-- > 0;) {
        uint32_t e = RC_LREF_LOCK(st->v[i]), m;
        int truth, shared;
        const char *x;
        size_t xlen;
        if (imp_parse(w, e, &truth, &shared, &x, &xlen, &m) &&
            (xusr ? imp_about(x, xlen, xusr) : m == l))
            rc_lset_remove(st, e);
    }
}

/* The local a branch condition tests, plain, negated or compared with 0: its
 * USR, and in *truth the value the then-branch sees (1 for `x` and `x != 0`, 0
 * for `!x` and `x == 0`); NULL for anything else, or for a local whose address
 * the function takes. */
CXCursor fe_zero_tested(walker_t *w, CXCursor c, int null_too, int *truth)
{
    *truth = 1;
    c = fe_strip(&w->tree, c, 1);
    for (;;) {
        if (clang_getCursorKind(c) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
            *truth = !*truth;
            c = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, c), 1);
            continue;
        }
        if (clang_getCursorKind(c) != CXCursor_BinaryOperator)
            return c;
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE)
            return c;
        kids_t kk;
        fe_children(&w->tree, c, &kk);
        int side = -1;
        for (int i = 0; kk.n == 2 && i < 2 && side < 0; i++)
            if (fe_is_zero(kk.v[1 - i]) || (null_too && fe_is_null(w, kk.v[1 - i])))
                side = i;
        CXCursor x = side >= 0 ? kk.v[side] : clang_getNullCursor();
        kids_free(&kk);
        if (side < 0)
            return c; /* a comparison of two values */
        if (op == CXBinaryOperator_EQ)
            *truth = !*truth;
        c = fe_strip(&w->tree, x, 1);
    }
}

const char *fe_cond_local(walker_t *w, CXCursor c, int *truth)
{
    c = fe_zero_tested(w, c, 0, truth);
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
        return NULL;
    CXCursor d = clang_getCursorReferenced(c);
    if (!fe_is_var(d) || fe_is_global_var(d))
        return NULL;
    CXType t = clang_getCanonicalType(clang_getCursorType(d));
    if (!(t.kind >= CXType_Bool && t.kind <= CXType_Int128) && t.kind != CXType_Pointer &&
        t.kind != CXType_Enum)
        return NULL;
    fe_scan_locals(w);
    const char *usr = fe_usr_cached(&w->usrs, d);
    return rc_strtab_lookup(&w->addr_locals, usr) == UINT32_MAX ? usr : NULL;
}

/* Before the branches of `if (x)`: the locks the implications about x give each
 * branch (then sees x == truth). */
void fe_imp_apply(walker_t *w, const char *xusr, int truth, const rc_lset_t *st, rc_lset_t *t,
                  rc_lset_t *f)
{
    for (int i = 0; i < st->n; i++) {
        uint32_t e = RC_LREF_LOCK(st->v[i]), m;
        int b, shared;
        const char *x;
        size_t xlen;
        if (!imp_parse(w, e, &b, &shared, &x, &xlen, &m) || !imp_about(x, xlen, xusr))
            continue;
        rc_lset_t *to = b == truth ? t : f;
        if (!to->top && to->n < RC_LS_MAX)
            rc_lset_add(to, m, shared);
    }
}

/* At the join of `if (x)`: each lock held at the end of one branch only becomes
 * "x == (that branch's value) => held". */
void fe_imp_join(walker_t *w, const char *xusr, int truth, const rc_lset_t *t, const rc_lset_t *f,
                 rc_lset_t *joined)
{
    if (t->top || f->top || joined->top)
        return;
    for (int side = 0; side < 2; side++) {
        const rc_lset_t *b = side ? f : t;
        for (int i = 0; i < b->n && joined->n < RC_LS_MAX - IMP_ROOM; i++) {
            uint32_t m = RC_LREF_LOCK(b->v[i]);
            const char *mid = w->facts->locks.v[m];
            if (rc_lset_has(joined, m) || fe_is_pseudo(w, m) || fe_is_mark_id(mid))
                continue;
            char *id = rc_xasprintf("%c%c%c%s%c%u", IMP_PREFIX, side ? '0' + !truth : '0' + truth,
                                    RC_LREF_SHARED(b->v[i]) ? '1' : '0', xusr, IMP_SEP, m);
            rc_lset_add(joined, fe_intern_lock(w, id, ""), 0);
            free(id);
        }
    }
}

/* The lock a pointer parameter points to, as seen inside the function: it stands
 * for the caller's argument in summaries and for an unidentified lock elsewhere. */
static uint32_t param_lock(walker_t *w, CXCursor parm)
{
    int n = clang_Cursor_getNumArguments(w->cur_fn);
    for (int i = 0; i < n && i < 32; i++) {
        if (clang_equalCursors(clang_Cursor_getArgument(w->cur_fn, (unsigned)i), parm)) {
            char id[16];
            snprintf(id, sizeof id, "%cp%d", PARAM_LOCK_PREFIX, i);
            return fe_intern_lock(w, id, "the lock passed by the caller");
        }
    }
    return w->unknown_lock;
}

/* The parameter index of a parameter lock, or -1. */
static int param_index(const walker_t *w, uint32_t lock)
{
    const char *id = w->facts->locks.v[lock];
    return id[0] == PARAM_LOCK_PREFIX ? atoi(id + 2) : -1;
}

/* The lockset as recorded in facts: parameter locks become the unidentified lock
 * (accesses keep them: the race rules resolve them to the lock each thread's
 * callers pass, rc_program_inst). */
rc_lset_t fe_recorded(const walker_t *w, const rc_lset_t *st)
{
    rc_lset_t out;
    rc_lset_empty(&out);
    out.top = st->top;
    for (int i = 0; i < st->n; i++) {
        uint32_t l = RC_LREF_LOCK(st->v[i]);
        if (!fe_is_pseudo(w, l))
            rc_lset_add(&out, param_index(w, l) >= 0 ? w->unknown_lock : l,
                        RC_LREF_SHARED(st->v[i]));
    }
    return out;
}

/* Index of parameter declaration parm in the current function, or -1. */
int fe_param_no(walker_t *w, CXCursor parm)
{
    int n = clang_Cursor_getNumArguments(w->cur_fn);
    for (int i = 0; i < n; i++)
        if (clang_equalCursors(clang_Cursor_getArgument(w->cur_fn, (unsigned)i), parm))
            return i;
    return -1;
}

/* The lock an argument expression names (see the file comment). */
uint32_t fe_lock_of(walker_t *w, CXCursor arg)
{
    CXCursor e = fe_strip(&w->tree, arg, 1);
    int addr = 0;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        e = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
        addr = 1;
        if (cursor_null(e))
            return w->unknown_lock;
    }
    enum CXCursorKind k = clang_getCursorKind(e);
    int deref = !addr && fe_type_is_pointer(clang_getCursorType(e));
    uint32_t id = w->unknown_lock;
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        char *usr = fe_usr_dup(w, d);
        char *name = fe_take(clang_getCursorSpelling(d));
        if (k == CXCursor_DeclRefExpr && fe_is_var(d) && !fe_is_global_var(d)) {
            const alias_t *a = deref ? fe_find_alias(w, usr, 0, NULL) : NULL;
            if (a) {
                id = a->lock;
            } else if (deref && clang_getCursorKind(d) == CXCursor_ParmDecl) {
                id = param_lock(w, d);
            } else if (deref && fe_shm_local(w, d)) {
                /* `pthread_mutex_t *m = mmap(..MAP_SHARED..)`: the mapping is the lock. */
                char *fid = rc_xasprintf("*%s", usr), *fname = rc_xasprintf("*%s", name);
                id = fe_intern_lock(w, fid, fname);
                free(fid);
                free(fname);
            }
        } else if (*usr) {
            char *disp = name;
            if (k == CXCursor_MemberRefExpr) {
                CXCursor rec = clang_getCursorSemanticParent(d);
                char *rn = fe_take(clang_getCursorSpelling(rec));
                if (!*rn || strchr(rn, '(')) { /* an anonymous struct: name it as written */
                    disp = fe_text_of(w, e);
                    if (!disp)
                        disp = rc_xstrdup(name);
                } else {
                    disp = rc_xasprintf("%s::%s", rn, name);
                }
                free(rn);
            }
            char *fid = rc_xasprintf("%s%s", deref ? "*" : "", usr);
            char *fname = rc_xasprintf("%s%s", deref ? "*" : "", disp);
            id = fe_intern_lock(w, fid, fname);
            free(fid);
            free(fname);
            if (disp != name)
                free(disp);
        }
        free(usr);
        free(name);
    } else if (k == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        if (kk.n == 2) {
            CXCursor b = fe_strip(&w->tree, kk.v[0], 1);
            enum CXCursorKind bk = clang_getCursorKind(b);
            if (bk == CXCursor_DeclRefExpr || bk == CXCursor_MemberRefExpr) {
                CXCursor d = clang_getCursorReferenced(b);
                if (bk == CXCursor_MemberRefExpr || fe_is_global_var(d)) {
                    /* locks[3] is one lock; locks[i] may be any of them ("[]"). */
                    const char *usr = fe_usr_cached(&w->usrs, d);
                    char *name = fe_take(clang_getCursorSpelling(d));
                    long long v;
                    char idx[32] = "";
                    if (fe_is_int_const(kk.v[1], &v))
                        snprintf(idx, sizeof idx, "%lld", v);
                    char *fid = rc_xasprintf("%s[%s]", usr, idx);
                    char *fname = rc_xasprintf("%s[%s]", name, idx);
                    id = fe_intern_lock(w, fid, fname);
                    free(fid);
                    free(fname);
                    free(name);
                }
            }
        }
        kids_free(&kk);
    }
    return id;
}

/* The lock a lock or unlock model call (children kk) acquires or releases: its
 * argument lock_arg, or the program-wide lock the model names (lock_global,
 * __VERIFIER_atomic_begin). The caller checks that one of them is there. */
uint32_t fe_model_lock(walker_t *w, const rc_api_fn_t *api, const kids_t *kk)
{
    return api->lock_global ? fe_global_lock(w, api->lock_global)
                            : fe_lock_of(w, kk->v[1 + api->lock_arg]);
}

/* The program-wide lock of that name (a model's lock_global). */
uint32_t fe_global_lock(walker_t *w, const char *name)
{
    char *id = rc_xasprintf("global:%s", name);
    uint32_t l = fe_intern_lock(w, id, name);
    free(id);
    return l;
}

/* The lock standing for semaphore arg: its identity prefixed with RC_SEM_PREFIX
 * (a semaphore and a mutex never share an identity), or the unknown lock. */
uint32_t fe_sem_lock_of(walker_t *w, CXCursor arg)
{
    uint32_t l = fe_lock_of(w, arg);
    if (l == w->unknown_lock)
        return l;
    char *id = rc_xasprintf("%s%s", RC_SEM_PREFIX, w->facts->locks.v[l]);
    uint32_t s = fe_intern_lock(w, id, w->facts->lock_names[l]);
    free(id);
    return s;
}

/* Array locks: "X[3]" and "X[]" (an unknown element) may be the same lock.
 * Returns the length of the family prefix "X[" when id is an array lock, else 0. */
static size_t lock_family(const char *id, int *wild)
{
    size_t n = strlen(id);
    if (n < 3 || id[n - 1] != ']')
        return 0;
    const char *open = strrchr(id, '[');
    if (!open)
        return 0;
    *wild = open[1] == ']';
    return (size_t)(open - id) + 1;
}

/* After releasing array lock l, also drops the held locks it may be (locks[i]
 * releases any element held; locks[3] releases a held locks[i]). */
static void remove_aliases(walker_t *w, uint32_t l, rc_lset_t *st)
{
    int wild;
    const char *id = w->facts->locks.v[l];
    size_t fam = lock_family(id, &wild);
    if (!fam)
        return;
    for (int i = st->n; i-- > 0;) {
        uint32_t o = RC_LREF_LOCK(st->v[i]);
        int owild;
        const char *oid = w->facts->locks.v[o];
        if (lock_family(oid, &owild) == fam && memcmp(oid, id, fam) == 0 && (wild || owild))
            rc_lset_remove(st, o);
    }
}

/* Releases lock l from st. While summarising, remembers when the function may
 * release a lock its caller holds (one it did not take itself on every path). */
/* Releasing "oneof:a|b" (RC_ONEOF_PREFIX) not taken as such: it may release
 * a or b, so neither is held after. Returns 0 when l is no such lock. */
static int release_one_of(walker_t *w, uint32_t l, rc_lset_t *st)
{
    const char *id = w->facts->locks.v[l];
    size_t np = strlen(RC_ONEOF_PREFIX);
    if (strncmp(id, RC_ONEOF_PREFIX, np) != 0)
        return 0;
    for (const char *c = id + np; *c;) {
        size_t n = strcspn(c, "|");
        char *one = rc_xasprintf("%.*s", (int)n, c);
        uint32_t m = rc_strtab_lookup(&w->facts->locks, one);
        free(one);
        if (m != UINT32_MAX)
            fe_release(w, m, st);
        c += n + (c[n] == '|');
    }
    return 1;
}

void fe_release(walker_t *w, uint32_t l, rc_lset_t *st)
{
    if (l == w->unknown_lock) {
        if (rc_lset_has(st, l)) {
            rc_lset_remove(st, l); /* pairs with the unidentified lock taken here */
            return;
        }
        rc_lset_empty(st); /* it may release any lock */
        w->releases_all |= w->summarizing;
        return;
    }
    if (!rc_lset_has(st, l) && release_one_of(w, l, st))
        return;
    if (!wild_lock(w, l) && drop_hold(w, l, st))
        return;                   /* taken twice: still held */
    int own = rc_lset_has(st, l); /* taken by this function on every path */
    rc_lset_remove(st, l);
    remove_aliases(w, l, st);
    purge_holds(w, st);
    fe_imp_drop(w, NULL, l, st);
    if (w->summarizing && !own) {
        if (w->released.n == RC_LS_MAX && !rc_lset_has(&w->released, l))
            w->releases_all = 1;
        rc_lset_add(&w->released, l, 0);
    }
}

/* A summary's lock in the caller: a parameter lock becomes the argument's lock. */
static uint32_t summary_lock(walker_t *w, uint32_t l, kids_t *kk)
{
    int pi = param_index(w, l);
    if (pi < 0)
        return l;
    return (unsigned)pi + 1 < kk->n ? fe_lock_of(w, kk->v[1 + pi]) : w->unknown_lock;
}

int fe_summary_equal(const summary_t *a, const summary_t *b)
{
    return a->noreturn == b->noreturn && a->rel_all == b->rel_all &&
           rc_lset_equal(&a->acq, &b->acq) && rc_lset_equal(&a->rel, &b->rel);
}

void fe_apply_summary(walker_t *w, const summary_t *s, kids_t *kk, rc_lset_t *st)
{
    if (s->noreturn) {
        rc_lset_top(st);
        return;
    }
    if (s->rel_all)
        rc_lset_empty(st);
    for (int i = 0; i < s->rel.n && !s->rel_all; i++)
        fe_release(w, summary_lock(w, RC_LREF_LOCK(s->rel.v[i]), kk), st);
    for (int i = 0; i < s->acq.n; i++)
        fe_acquire(w, summary_lock(w, RC_LREF_LOCK(s->acq.v[i]), kk), RC_LREF_SHARED(s->acq.v[i]),
                   st);
}

void fe_apply_targets(walker_t *w, const targets_t *tg, kids_t *kk, rc_lset_t *st)
{
    if (!tg->n || st->top)
        return;
    rc_lset_t out;
    rc_lset_top(&out);
    for (size_t i = 0; i < tg->n; i++) {
        rc_lset_t t = *st;
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, tg->usr[i]);
        uint32_t ii = si == UINT32_MAX && w->imports
                          ? rc_strtab_lookup(&w->imports->usrs, tg->usr[i])
                          : UINT32_MAX;
        if (si != UINT32_MAX) {
            fe_apply_summary(w, &w->sums[si], kk, &t);
        } else if (ii != UINT32_MAX) {
            fe_apply_import(w, &w->imports->v[ii], kk, &t);
        }
        rc_lset_meet(&out, &t);
    }
    *st = out;
}

/* An imported summary's lock in this TU (see summary_lock). */
static uint32_t import_lock(walker_t *w, const char *id, const char *name, kids_t *kk)
{
    if (id[0] == PARAM_LOCK_PREFIX) {
        int pi = atoi(id + 2);
        return (unsigned)pi + 1 < kk->n ? fe_lock_of(w, kk->v[1 + pi]) : w->unknown_lock;
    }
    return fe_intern_lock(w, id, name);
}

void fe_apply_import(walker_t *w, const rc_import_t *im, kids_t *kk, rc_lset_t *st)
{
    if (im->noreturn) {
        rc_lset_top(st);
        return;
    }
    if (im->rel_all)
        rc_lset_empty(st);
    for (size_t i = 0; i < im->nrel && !im->rel_all; i++)
        fe_release(w, import_lock(w, im->rel[i], im->rel_names[i], kk), st);
    for (size_t i = 0; i < im->nacq; i++)
        fe_acquire(w, import_lock(w, im->acq[i], im->acq_names[i], kk), im->acq_shared[i], st);
}

/* The parameter whose pointee holds the lock named by arg (`&p->lock`, `&p->locks[i]`),
 * or -1. Lets lock-order rules tell transfer(a, b) from transfer(b, a). */
static int lock_base_param(walker_t *w, CXCursor arg)
{
    CXCursor e = fe_strip(&w->tree, arg, 1);
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_AddrOf)
        return -1;
    e = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
    if (!cursor_null(e) && clang_getCursorKind(e) == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        CXCursor b = kk.n == 2 ? fe_strip(&w->tree, kk.v[0], 1) : clang_getNullCursor();
        kids_free(&kk);
        e = b;
    }
    if (cursor_null(e) || clang_getCursorKind(e) != CXCursor_MemberRefExpr)
        return -1;
    CXCursor base = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
    if (cursor_null(base) || clang_getCursorKind(base) != CXCursor_DeclRefExpr ||
        !fe_type_is_pointer(clang_getCursorType(base)))
        return -1;
    CXCursor d = clang_getCursorReferenced(base);
    return clang_getCursorKind(d) == CXCursor_ParmDecl ? fe_param_no(w, d) : -1;
}

uint32_t fe_locked_params(walker_t *w)
{
    if (cursor_eq(w->locked_fn, w->cur_fn))
        return w->locked_params;
    w->locked_fn = w->cur_fn;
    w->locked_params = 0;
    for (uint32_t i = 0; i < w->tree.n; i++) {
        const tnode_t *nd = &w->tree.nodes[i];
        const rc_api_fn_t *api = fe_node_model(w, nd);
        if (!api || (api->kind != RC_API_LOCK && api->kind != RC_API_TRYLOCK) ||
            api->lock_arg < 0 || (uint32_t)api->lock_arg + 1 >= nd->nkids)
            continue;
        int pi = lock_base_param(w, w->tree.kids[nd->first + 1 + (uint32_t)api->lock_arg]);
        if (pi >= 0 && pi < 32)
            w->locked_params |= 1u << pi;
    }
    return w->locked_params;
}

void fe_record_lockop(walker_t *w, const rc_api_fn_t *api, uint32_t lock, CXCursor at,
                      const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->lockops, fn->nlockops, fn->caplockops);
    rc_lockop_t *op = &fn->lockops[fn->nlockops++];
    op->kind = api->kind;
    op->lock = param_index(w, lock) >= 0 ? w->unknown_lock : lock;
    op->shared = api->shared;
    op->base_param = -1;
    kids_t kk;
    fe_children(&w->tree, at, &kk);
    if ((unsigned)api->lock_arg + 1 < kk.n)
        op->base_param = lock_base_param(w, kk.v[1 + api->lock_arg]);
    kids_free(&kk);
    op->pos = fe_pos_of(w, at);
    op->held = fe_recorded(w, st);
    uint32_t h =
        api->kind == RC_API_UNLOCK && !wild_lock(w, lock) ? hold_lock(w, lock, 1, 0) : UINT32_MAX;
    op->keeps = h != UINT32_MAX && rc_lset_has(st, h);
}

/* The model call whose result c tests (after stripping): a lock, trylock or
 * thread creation call, that *call receives; for a creation also through an
 * assignment of its result (`(rc = pthread_create(..)) != 0`). Else NULL. */
static const rc_api_fn_t *tested_call(walker_t *w, CXCursor c, CXCursor *call)
{
    *call = fe_strip(&w->tree, c, 1);
    const rc_api_fn_t *api = fe_call_model(w, *call);
    if (api && (api->kind == RC_API_TRYLOCK || api->kind == RC_API_LOCK ||
                api->kind == RC_API_THREAD_CREATE))
        return api;
    if (clang_getCursorKind(*call) != CXCursor_BinaryOperator ||
        clang_getCursorBinaryOperatorKind(*call) != CXBinaryOperator_Assign)
        return NULL;
    kids_t kk;
    fe_children(&w->tree, *call, &kk);
    *call = kk.n == 2 ? fe_strip(&w->tree, kk.v[1], 1) : clang_getNullCursor();
    kids_free(&kk);
    api = cursor_null(*call) ? NULL : fe_call_model(w, *call);
    return api && api->kind == RC_API_THREAD_CREATE ? api : NULL;
}

/* `x = pthread_mutex_trylock(&m)` (or the declaration of x with it): x == 0
 * means m was taken, "x false => m held", for the tests of x that follow.
 * `x = pthread_create(..)`: x != 0 means it failed, "x true => its nostart
 * mark held". */
void fe_imp_result(walker_t *w, const char *xusr, CXCursor value, rc_lset_t *st)
{
    CXCursor call;
    const rc_api_fn_t *api = tested_call(w, value, &call);
    if (!api || api->kind == RC_API_LOCK || st->top || st->n >= RC_LS_MAX - IMP_ROOM ||
        !cursor_eq(call, fe_strip(&w->tree, value, 1)))
        return;
    fe_scan_locals(w); /* addr_locals of this function */
    if (rc_strtab_lookup(&w->addr_locals, xusr) != UINT32_MAX)
        return;
    if (api->kind == RC_API_THREAD_CREATE) {
        char *id =
            rc_xasprintf("%c1%c%s%c%u", IMP_PREFIX, '0', xusr, IMP_SEP, fe_nostart_mark(w, call));
        rc_lset_add(st, fe_intern_lock(w, id, ""), 0);
        free(id);
        return;
    }
    kids_t kk;
    fe_children(&w->tree, fe_strip(&w->tree, value, 1), &kk);
    uint32_t m = (unsigned)api->lock_arg + 1 < kk.n ? fe_lock_of(w, kk.v[1 + api->lock_arg])
                                                    : w->unknown_lock;
    kids_free(&kk);
    if (m == w->unknown_lock)
        return;
    char *id = rc_xasprintf("%c0%c%s%c%u", IMP_PREFIX, api->shared ? '1' : '0', xusr, IMP_SEP, m);
    rc_lset_add(st, fe_intern_lock(w, id, ""), 0);
    free(id);
}

/* A lock, trylock or thread creation call c whose result is tested (0:
 * acquired, created). s is the state after evaluating the call; *ok receives
 * the state when it succeeded, *failed when it did not. A blocking lock that fails (EINVAL,
 * EDEADLK, an error-checking or robust mutex) leaves the lock not taken: `if
 * (pthread_mutex_lock(&m) != 0) return -1;` returns without it. */
static void lock_outcomes(walker_t *w, const rc_api_fn_t *api, CXCursor c, const rc_lset_t *s,
                          rc_lset_t *ok, rc_lset_t *failed)
{
    *ok = *failed = *s;
    if (api->kind == RC_API_THREAD_CREATE) {
        /* A creation that failed started no thread (its nostart mark). */
        if (!failed->top && failed->n < RC_LS_MAX - IMP_ROOM)
            rc_lset_add(failed, fe_nostart_mark(w, c), 0);
        return;
    }
    kids_t kk;
    fe_children(&w->tree, fe_strip(&w->tree, c, 1), &kk);
    if ((unsigned)api->lock_arg + 1 < kk.n) {
        uint32_t l = fe_lock_of(w, kk.v[1 + api->lock_arg]);
        if (api->kind == RC_API_TRYLOCK) {
            fe_acquire(w, l, api->shared, ok);
            fe_note_acquired(w, l, ok);
        } else if (l != w->unknown_lock) {
            if (!drop_hold(w, l, failed))
                rc_lset_remove(failed, l);
            /* Not taken on this branch: no acquisition mark from this call (one
             * from an earlier lock of l goes too, which only orders less). */
            uint32_t mk = acq_mark(w, l, 0);
            if (mk != UINT32_MAX)
                rc_lset_remove(failed, mk);
        }
    }
    kids_free(&kk);
}

/* Evaluates a condition: *t and *f receive the states when it is true / false. */
void fe_eval_cond(walker_t *w, CXCursor c, const rc_lset_t *in, rc_lset_t *t, rc_lset_t *f)
{
    CXCursor e = fe_strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot) {
        CXCursor in2 = fe_sole_expr_child(&w->tree, e);
        if (!cursor_null(in2)) {
            fe_eval_cond(w, in2, in, f, t);
            return;
        }
    }
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        if (kk.n == 2 && (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr)) {
            rc_lset_t t1, f1, t2, f2;
            fe_eval_cond(w, kk.v[0], in, &t1, &f1);
            if (op == CXBinaryOperator_LAnd) {
                fe_eval_cond(w, kk.v[1], &t1, &t2, &f2);
                *t = t2;
                *f = f1;
                rc_lset_meet(f, &f2);
            } else {
                fe_eval_cond(w, kk.v[1], &f1, &t2, &f2);
                *t = t1;
                rc_lset_meet(t, &t2);
                *f = f2;
            }
            kids_free(&kk);
            return;
        }
        if (kk.n == 2 && (op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE)) {
            int call_side = -1;
            CXCursor call = clang_getNullCursor();
            const rc_api_fn_t *api = NULL;
            for (int i = 0; i < 2; i++) {
                CXCursor ci;
                const rc_api_fn_t *a = tested_call(w, kk.v[i], &ci);
                if (a && fe_is_zero(kk.v[1 - i])) {
                    call_side = i;
                    call = ci;
                    api = a;
                }
            }
            if (call_side >= 0) {
                rc_lset_t s = *in, ok, failed;
                fe_eval_expr(w, kk.v[call_side], &s);
                lock_outcomes(w, api, call, &s, &ok, &failed);
                *t = op == CXBinaryOperator_EQ ? ok : failed;
                *f = op == CXBinaryOperator_EQ ? failed : ok;
                kids_free(&kk);
                return;
            }
        }
        kids_free(&kk);
    }
    CXCursor call;
    const rc_api_fn_t *api = tested_call(w, e, &call);
    rc_lset_t s = *in;
    fe_eval_expr(w, e, &s);
    *t = s;
    *f = s;
    if (api)
        lock_outcomes(w, api, call, &s, f, t); /* nonzero (true) means it failed */
}
