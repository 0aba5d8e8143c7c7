/*
 * walk_proc.c - processes: memory shared between processes (shared mappings,
 * shmat, and the locals and functions that return them), process-model calls,
 * fork results and the extents only a fork's child runs.
 */

#include "walk.h"

/* Whether a call of the shared_map model api (children kk: callee, arguments) maps
 * memory shared between processes: 1 yes, 0 no, -1 when the flags are not a
 * constant. *anon receives whether the mapping is anonymous. */
static int map_shared(const rc_api_fn_t *api, const kids_t *kk, int *anon)
{
    *anon = 0;
    if (api->flags_arg < 0)
        return 1; /* shmat: always shared, never anonymous */
    long long v;
    if ((unsigned)api->flags_arg + 1 >= kk->n || !fe_is_int_const(kk->v[1 + api->flags_arg], &v))
        return -1;
    *anon = (v & api->anon_mask) != 0;
    return (v & api->shared_mask) != 0;
}

/* Nonzero when e (casts stripped) is a call that returns memory shared between
 * processes: a shared_map model call with shared flags, or a call of a function of
 * this TU that returns one (w->ret_shm, from the summary pass). Bit 0: shared;
 * bit 1: not anonymous (backed by a file or object). */
static int shm_source(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
        return 0;
    const rc_api_fn_t *api = fe_model_of(w, d);
    int shared = 0;
    if (api && api->kind == RC_API_SHARED_MAP) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        int anon;
        shared = map_shared(api, &kk, &anon) == 1 ? 1 | (anon ? 0 : 2) : 0;
        kids_free(&kk);
    } else if (!api) {
        uint32_t si = fe_sum_index(w, d);
        shared = si != UINT32_MAX && w->ret_shm ? w->ret_shm[si] : 0;
    }
    return shared;
}

/* shm_source's bits for a value: a shared-memory call, a local holding its
 * result (bit 0 only: how it was mapped is not kept), or either branch of
 * `p == MAP_FAILED ? NULL : p`. */
int fe_shm_value(walker_t *w, CXCursor e, int depth)
{
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr)
        return fe_shm_local(w, clang_getCursorReferenced(e));
    if (k == CXCursor_ConditionalOperator && depth < 4) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        int v = 0;
        for (unsigned i = 1; i < kk.n; i++)
            v |= fe_shm_value(w, kk.v[i], depth + 1);
        kids_free(&kk);
        return v;
    }
    return shm_source(w, e);
}

/* 1 when the local variable d holds memory shared between processes (w->shm_locals). */
int fe_shm_local(walker_t *w, CXCursor d)
{
    if (!w->shm_locals.n || !fe_is_var(d) || fe_is_global_var(d))
        return 0;
    const char *usr = fe_usr_cached(&w->usrs, d);
    int r = rc_strtab_lookup(&w->shm_locals, usr) != UINT32_MAX;
    return r;
}

/* After the prescan: the locals assigned a shared mapping (`struct shm *s = mmap(..,
 * MAP_SHARED | MAP_ANONYMOUS, ..)`, `s = map_shared(n)` with map_shared returning
 * one), or another such local. Flow-insensitive, like the dependency masks. */
void fe_find_shm_locals(walker_t *w)
{
    rc_strtab_close(&w->shm_locals);
    memset(&w->shm_locals, 0, sizeof w->shm_locals);
    for (int round = 0; round < 4; round++) {
        uint32_t before = w->shm_locals.n;
        for (size_t i = 0; i < w->nasgs; i++) {
            if (cursor_null(w->asgs[i].rhs))
                continue;
            CXCursor r = fe_strip(&w->tree, w->asgs[i].rhs, 1);
            int src = shm_source(w, r);
            if (!src && clang_getCursorKind(r) == CXCursor_DeclRefExpr)
                src = fe_shm_local(w, clang_getCursorReferenced(r));
            if (src)
                rc_strtab_intern(&w->shm_locals, w->asgs[i].var);
        }
        if (w->shm_locals.n == before)
            break;
    }
}

/* The attribute argument of an init or setpshared call: USR of the variable for
 * `&attr`, NULL for a null pointer constant, "" for anything else. */
static char *attr_of(walker_t *w, CXCursor arg)
{
    CXCursor e = fe_strip(&w->tree, arg, 1);
    if (fe_is_zero(e))
        return NULL;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        CXCursor x = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 0);
        if (!cursor_null(x) && clang_getCursorKind(x) == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(x);
            if (fe_is_var(d))
                return fe_usr_dup(w, d);
        }
    }
    return rc_xstrdup("");
}

void fe_record_pcall(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                     const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    unsigned nargs = kk->n - 1;
    rc_pcall_t pc;
    memset(&pc, 0, sizeof pc);
    pc.kind = api->kind;
    pc.api = rc_xstrdup(api->name);
    pc.pos = fe_pos_of(w, call);
    pc.ls = fe_recorded(w, st);
    if (api->kind == RC_API_SHARED_MAP)
        pc.shared = map_shared(api, kk, &pc.anon);
    if (api->kind == RC_API_FORK)
        pc.shared = api->shared; /* vfork: the child borrows the parent's memory */
    if ((api->kind == RC_API_SYNC_INIT || api->kind == RC_API_SEM_WAIT ||
         api->kind == RC_API_SEM_POST || api->kind == RC_API_SEM_INIT ||
         api->kind == RC_API_BARRIER_WAIT) &&
        (unsigned)api->lock_arg < nargs) {
        pc.obj = fe_call_arg_key(w, kk->v[1 + api->lock_arg]);
        pc.text = fe_text_of(w, kk->v[1 + api->lock_arg]);
    }
    if ((api->kind == RC_API_SYNC_INIT || api->kind == RC_API_ATTR_PSHARED) &&
        (unsigned)api->attr_arg < nargs)
        pc.attr = attr_of(w, kk->v[1 + api->attr_arg]);
    if (api->kind == RC_API_SEM_INIT || api->kind == RC_API_SYNC_INIT) {
        long long v;
        pc.shared =
            (unsigned)api->value_arg < nargs && fe_is_int_const(kk->v[1 + api->value_arg], &v)
                ? (int)v
                : -1; /* sem_init: the initial value; sync_init: a barrier's count */
        if (api->kind == RC_API_SYNC_INIT && api->value_arg < 0)
            pc.shared = 0; /* no count (a mutex) */
        const char *var = api->kind == RC_API_SYNC_INIT && pc.shared < 0
                              ? fe_count_var(w, kk->v[1 + api->value_arg])
                              : NULL;
        if (var)
            pc.target = rc_xstrdup(var); /* a barrier counting a variable's threads */
    }
    if (api->kind == RC_API_ATTR_PSHARED) {
        long long v;
        pc.shared =
            (unsigned)api->value_arg < nargs && fe_is_int_const(kk->v[1 + api->value_arg], &v)
                ? v == api->shared_value
                : -1;
    }
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->pcalls, fn->npcalls, fn->cappcalls);
    fn->pcalls[fn->npcalls++] = pc;
}

/* 1 when e (casts stripped) is the result of a fork: a fork model call, a call
 * of this TU's function returning one (w->ret_fork), or a local assigned one
 * (`pid_t pid = fork(); ...; return pid;`). */
int fe_fork_source(walker_t *w, CXCursor e, int depth)
{
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
            return 0;
        const rc_api_fn_t *api = fe_model_of(w, d);
        if (api)
            return api->kind == RC_API_FORK;
        uint32_t si = fe_sum_index(w, d);
        return si != UINT32_MAX && w->ret_fork && w->ret_fork[si];
    }
    if (k != CXCursor_DeclRefExpr || depth >= 2)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (!fe_is_var(d) || fe_is_global_var(d))
        return 0;
    const char *usr = fe_usr_cached(&w->usrs, d);
    int r = 0;
    for (size_t i = 0; i < w->nasgs && !r; i++)
        r = !cursor_null(w->asgs[i].rhs) && strcmp(w->asgs[i].var, usr) == 0 &&
            fe_fork_source(w, w->asgs[i].rhs, depth + 1);
    return r;
}

/* A call of this TU's function that returns a fork's result (`pid_t pid =
 * spawn_worker(i)` with the fork inside): recorded as a fork at the call, so the
 * caller's `if (pid == 0)` is a child extent of it. */
void fe_record_fork_wrapper(walker_t *w, const char *name, CXCursor call, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->pcalls, fn->npcalls, fn->cappcalls);
    rc_pcall_t *pc = &fn->pcalls[fn->npcalls++];
    memset(pc, 0, sizeof *pc);
    pc->kind = RC_API_FORK;
    pc->api = rc_xstrdup(name);
    pc->pos = fe_pos_of(w, call);
    pc->ls = fe_recorded(w, st);
}

/* `pid = fork()`, `pids[i] = fork()`, `struct shm *s = mmap(...)`: remembers the
 * variable target (a declaration, or the assigned expression: its root variable
 * for a fork, the variable itself for a mapping) as the target of the fork or
 * shared_map call that value (casts stripped) is. A call of this TU's function
 * returning shared memory (`s = map_shared(n)`) is recorded as a shared_map call
 * of that function. */
void fe_note_result(walker_t *w, CXCursor target, CXCursor value)
{
    if (!w->record || !w->fn || cursor_null(value))
        return;
    CXCursor e = fe_strip(&w->tree, value, 1);
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return;
    int whole = fe_is_var(target);
    CXCursor lhs = whole ? target : fe_strip(&w->tree, target, 1);
    if (!whole && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
        fe_is_var(clang_getCursorReferenced(lhs))) {
        whole = 1;
        lhs = clang_getCursorReferenced(lhs);
    }
    char *usr = whole ? fe_usr_dup(w, lhs) : fe_handle_root(w, lhs);
    if (!usr)
        return;
    unsigned off = fe_pos_of(w, e).off;
    for (size_t i = w->fn->npcalls; i-- > 0;) {
        rc_pcall_t *pc = &w->fn->pcalls[i];
        if (pc->pos.off == off && !pc->target &&
            (pc->kind == RC_API_FORK || (whole && pc->kind == RC_API_SHARED_MAP))) {
            pc->target = usr;
            return;
        }
    }
    int src = whole ? shm_source(w, e) : 0;
    if (src) {
        rc_fn_facts_t *fn = w->fn;
        GROW(fn->pcalls, fn->npcalls, fn->cappcalls);
        rc_pcall_t *pc = &fn->pcalls[fn->npcalls++];
        memset(pc, 0, sizeof *pc);
        pc->kind = RC_API_SHARED_MAP;
        pc->api = fe_take(clang_getCursorSpelling(clang_getCursorReferenced(e)));
        pc->target = usr;
        pc->shared = 1;
        pc->anon = !(src & 2);
        pc->pos = fe_pos_of(w, e);
        rc_lset_empty(&pc->ls);
        return;
    }
    free(usr);
}

/* Index in w->fn->pcalls of the fork whose result e is: a fork call, an assignment
 * of one (`(pid = fork())`), or a variable (or an element or field of one: any
 * element stands for the one assigned) last assigned one before offset at; -1
 * when it is none of these. */
int fe_fork_value(walker_t *w, CXCursor e, unsigned at)
{
    if (!w->record || !w->fn)
        return -1;
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_BinaryOperator &&
        clang_getCursorBinaryOperatorKind(e) == CXBinaryOperator_Assign) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        int f = kk.n == 2 ? fe_fork_value(w, kk.v[1], at) : -1;
        kids_free(&kk);
        return f;
    }
    if (k == CXCursor_CallExpr) {
        unsigned off = fe_pos_of(w, e).off;
        for (size_t i = 0; i < w->fn->npcalls; i++)
            if (w->fn->pcalls[i].kind == RC_API_FORK && w->fn->pcalls[i].pos.off == off)
                return (int)i;
        return -1;
    }
    if (k != CXCursor_DeclRefExpr && k != CXCursor_ArraySubscriptExpr &&
        k != CXCursor_MemberRefExpr)
        return -1;
    char *usr = fe_handle_root(w, e); /* pid, pids[i], w->pid */
    if (!usr)
        return -1;
    int best = -1;
    for (size_t i = 0; i < w->fn->npcalls; i++) {
        const rc_pcall_t *pc = &w->fn->pcalls[i];
        if (pc->kind == RC_API_FORK && pc->target && strcmp(pc->target, usr) == 0 &&
            pc->pos.off < at && (best < 0 || pc->pos.off > w->fn->pcalls[best].pos.off))
            best = (int)i;
    }
    /* `pid = waitpid(..)` between the fork and the test: pid is no longer its result. */
    for (size_t i = 0; best >= 0 && i < w->nasgs; i++)
        if (strcmp(w->asgs[i].var, usr) == 0 && w->asgs[i].off < at &&
            w->asgs[i].off > w->fn->pcalls[best].pos.off)
            best = -1;
    free(usr);
    return best;
}

/* When condition c tests the result of a fork: returns the fork (index in pcalls)
 * and sets *child_then to 1 when the then-branch is the child's (`pid == 0`,
 * `!pid`), 0 when the else-branch is (`pid`, `pid != 0`, `pid > 0`). -1 otherwise
 * (`pid < 0`, `pid == -1`: the error branch). */
int fe_fork_test(walker_t *w, CXCursor c, unsigned at, int *child_then)
{
    c = fe_strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
        CXCursor in = fe_sole_expr_child(&w->tree, c);
        int f = cursor_null(in) ? -1 : fe_fork_value(w, in, at);
        *child_then = 1;
        return f;
    }
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE && op != CXBinaryOperator_GT &&
            op != CXBinaryOperator_GE && op != CXBinaryOperator_LT && op != CXBinaryOperator_LE) {
            *child_then = 0; /* `if ((pid = fork()))` */
            return fe_fork_value(w, c, at);
        }
        kids_t kk;
        fe_children(&w->tree, c, &kk);
        long long v;
        int f = -1;
        if (kk.n == 2) {
            CXCursor x = kk.v[0];
            if (fe_is_int_const(kk.v[1], &v)) {
                x = kk.v[0];
            } else if (fe_is_int_const(kk.v[0], &v)) {
                x = kk.v[1]; /* `0 < pid` reads as `pid > 0` */
                op = op == CXBinaryOperator_GT   ? CXBinaryOperator_LT
                     : op == CXBinaryOperator_LT ? CXBinaryOperator_GT
                     : op == CXBinaryOperator_GE ? CXBinaryOperator_LE
                     : op == CXBinaryOperator_LE ? CXBinaryOperator_GE
                                                 : op;
            } else {
                kids_free(&kk);
                return -1;
            }
            f = fe_fork_value(w, x, at);
            if (op == CXBinaryOperator_EQ && v == 0)
                *child_then = 1;
            else if ((op == CXBinaryOperator_NE && v == 0) ||
                     (op == CXBinaryOperator_GT && v == 0) || (op == CXBinaryOperator_GE && v == 1))
                *child_then = 0;
            else
                f = -1;
        }
        kids_free(&kk);
        return f;
    }
    int f = fe_fork_value(w, c, at); /* `if (pid)`, `if (fork())` */
    *child_then = 0;
    return f;
}

void fe_record_child(walker_t *w, int fork, unsigned lb, unsigned le)
{
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->children, fn->nchildren, fn->capchildren);
    fn->children[fn->nchildren++] = (rc_child_t){(uint32_t)fork, lb, le};
}

/* 1 when idx, in the child branch of a fork made in a loop, is one-to-one in a
 * local the loop sets per iteration (`i`, `i + 1`) and the child never assigns:
 * each child the loop forks has its own value, so `shm->hits[i]` is a slot per
 * child ("[#]", as a slot per thread is). */
int fe_fork_slot(walker_t *w, CXCursor idx)
{
    if (!w->slot_le)
        return 0;
    CXCursor e = fe_strip(&w->tree, idx, 1);
    for (int guard = 0; guard < 4 && clang_getCursorKind(e) == CXCursor_BinaryOperator; guard++) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        CXCursor next = clang_getNullCursor();
        if (kk.n == 2 && (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub)) {
            if (fe_is_int_const(kk.v[1], NULL))
                next = kk.v[0];
            else if (op == CXBinaryOperator_Add && fe_is_int_const(kk.v[0], NULL))
                next = kk.v[1];
        }
        kids_free(&kk);
        if (cursor_null(next))
            return 0;
        e = fe_strip(&w->tree, next, 1);
    }
    CXCursor d = fe_local_var(w, e);
    if (cursor_null(d))
        return 0;
    const char *usr = fe_usr_cached(&w->usrs, d);
    int in_loop = 0, in_child = 0;
    for (size_t i = 0; i < w->nasgs; i++) {
        if (strcmp(w->asgs[i].var, usr) != 0)
            continue;
        unsigned off = w->asgs[i].off;
        in_child |= off >= w->child_lb && off <= w->child_le;
        in_loop |= off >= w->slot_lb && off <= w->slot_le;
    }
    return in_loop && !in_child;
}

/* Walking the child branch `branch` of fork fk: per-child slots apply when the
 * fork is made in a loop (fe_fork_slot). fe_leave_child restores the saved state. */
void fe_enter_child(walker_t *w, int fk, CXCursor branch)
{
    const rc_pos_t *fp = &w->fn->pcalls[fk].pos;
    if (!fp->iloop_le)
        return;
    rc_pos_t bp = fe_pos_of(w, branch);
    w->child_lb = bp.off;
    w->child_le = bp.end;
    w->slot_lb = fp->iloop_lb;
    w->slot_le = fp->iloop_le;
}

void fe_leave_child(walker_t *w, const unsigned saved[4])
{
    w->child_lb = saved[0];
    w->child_le = saved[1];
    w->slot_lb = saved[2];
    w->slot_le = saved[3];
}

/* 1 when the function being recorded has forked (fork tests are looked for). */
int fe_has_fork(const walker_t *w)
{
    for (size_t i = 0; w->record && w->fn && i < w->fn->npcalls; i++)
        if (w->fn->pcalls[i].kind == RC_API_FORK)
            return 1;
    return 0;
}

/* After `if (pid != 0) return pid;` without an else: the statements that follow
 * the if in its block run only in the child. */
void fe_record_rest_child(walker_t *w, int fork, CXCursor ifs)
{
    const tnode_t *n = tree_find(&w->tree, ifs);
    if (!n || n->parent == UINT32_MAX)
        return;
    CXCursor block = w->tree.nodes[n->parent].c;
    if (clang_getCursorKind(block) != CXCursor_CompoundStmt)
        return;
    rc_pos_t ip = fe_pos_of(w, ifs), bp = fe_pos_of(w, block);
    if (bp.end > ip.end + 1)
        fe_record_child(w, fork, ip.end + 1, bp.end);
}

/* `switch (fork())` / `switch (pid)`: the statements from `case 0:` to the next
 * label of the switch body run in the child. */
void fe_record_switch_child(walker_t *w, int fork, CXCursor body)
{
    kids_t kk;
    fe_children(&w->tree, body, &kk);
    rc_pos_t bp = fe_pos_of(w, body);
    for (unsigned i = 0; i < kk.n; i++) {
        if (clang_getCursorKind(kk.v[i]) != CXCursor_CaseStmt)
            continue;
        kids_t ck;
        fe_children(&w->tree, kk.v[i], &ck);
        long long v = 1;
        int zero = ck.n >= 1 && fe_is_int_const(ck.v[0], &v) && v == 0;
        kids_free(&ck);
        if (!zero)
            continue;
        unsigned lb = fe_pos_of(w, kk.v[i]).off, le = bp.end;
        for (unsigned j = i + 1; j < kk.n; j++) {
            enum CXCursorKind jk = clang_getCursorKind(kk.v[j]);
            if (jk == CXCursor_CaseStmt || jk == CXCursor_DefaultStmt) {
                unsigned next = fe_pos_of(w, kk.v[j]).off;
                le = next > lb ? next - 1 : lb;
                break;
            }
        }
        fe_record_child(w, fork, lb, le);
    }
    kids_free(&kk);
}
