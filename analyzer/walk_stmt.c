/*
 * fe_walk_stmt.c - statements: the abstract interpretation of the statement tree
 * that gives the must-hold lockset at each point (if, loops and their
 * fixpoints, switch, labels and gotos, break/continue/return), as described at
 * the top of frontend.c.
 */

#include "walk.h"

#define MAX_LOOP_ITERS 24

/* Loops nested deeper than this inside loops still iterating give up on their
 * own fixpoint (their head is taken as holding nothing, which is sound): the
 * cost of nested fixpoints multiplies. */
#define MAX_FIX_DEPTH 4

static frame_t *push_frame(walker_t *w, int is_loop)
{
    GROW(w->frames, w->nframes, w->capframes);
    frame_t *f = &w->frames[w->nframes++];
    memset(f, 0, sizeof *f);
    f->is_loop = is_loop;
    rc_lset_top(&f->brk);
    rc_lset_top(&f->cont);
    rc_lset_top(&f->sw_entry);
    return f;
}

/* Walks an init/cond/inc part that may be a declaration or an expression. */
static void walk_part(walker_t *w, CXCursor c, rc_lset_t *st)
{
    if (!cursor_null(c))
        fe_walk_stmt(w, c, st);
}

/* 1 when a loop condition is an integer constant other than 0 (`while (1)`,
 * `while (true)`, `do ... while (1)`): the loop is left only through break,
 * return, goto or a call that does not return. */
static int always_true(walker_t *w, CXCursor cond)
{
    long long v = 0;
    return !cursor_null(cond) && fe_is_int_const(fe_strip(&w->tree, cond, 0), &v) && v != 0;
}

/* One pass over a loop from head state `head`: *exit receives the state when the
 * loop is left (condition false or break), *next the state back at the head.
 * With a constant true condition the "condition false" exit never happens: *exit
 * is the meet of the break states only (top when there is no break); with a
 * constant false one (never) the way back to the head never happens. */
static void loop_pass(walker_t *w, CXCursor cond, CXCursor body, CXCursor inc, int is_do, int never,
                      const rc_lset_t *head, rc_lset_t *exit, rc_lset_t *next)
{
    push_frame(w, 1);
    rc_lset_t t, f, s;
    int forever = always_true(w, cond);
    if (!is_do) {
        if (!cursor_null(cond)) {
            fe_eval_cond(w, cond, head, &t, &f);
            if (forever)
                rc_lset_top(&f);
            if (never)
                rc_lset_top(&t);
        } else {
            t = *head;
            rc_lset_top(&f); /* for (;;): left only through break */
        }
        s = t;
        fe_walk_stmt(w, body, &s);
        rc_lset_meet(&s, &w->frames[w->nframes - 1].cont);
        walk_part(w, inc, &s);
        *next = s;
        *exit = f;
    } else {
        s = *head;
        fe_walk_stmt(w, body, &s);
        rc_lset_meet(&s, &w->frames[w->nframes - 1].cont);
        fe_eval_cond(w, cond, &s, &t, &f);
        if (forever)
            rc_lset_top(&f);
        if (never)
            rc_lset_top(&t);
        *next = t;
        *exit = f;
    }
    rc_lset_meet(exit, &w->frames[w->nframes - 1].brk);
    w->nframes--;
}

/* 1 when call e cannot change the caller's lockset: a direct call of a function
 * that no API model names but as memory or MT-unsafe (memcpy, strtok), and
 * whose final summary (or imported one) is empty,
 * or a call through a pointer that is not a local (only a local's targets are
 * known and applied, fe_apply_targets). */
static int call_neutral(walker_t *w, CXCursor e)
{
    CXCursor d = clang_getCursorReferenced(e);
    if (d.kind != CXCursor_FunctionDecl) {
        const tnode_t *n = tree_find(&w->tree, e);
        if (!n || !n->nkids)
            return 0;
        CXCursor callee = fe_strip(&w->tree, w->tree.kids[n->first], 1);
        if (callee.kind != CXCursor_DeclRefExpr)
            return 1;
        CXCursor v = clang_getCursorReferenced(callee);
        return !fe_is_var(v) || fe_is_global_var(v);
    }
    const rc_api_fn_t *api = fe_model_of(w, d);
    if (api) /* memcpy, strtok: accesses, no synchronisation */
        return api->kind == RC_API_MEMORY || api->kind == RC_API_MT_UNSAFE;
    const char *usr = fe_usr_cached(&w->usrs, d);
    uint32_t si = fe_sum_index(w, d);
    if (si != UINT32_MAX) {
        const summary_t *sm = &w->sums[si];
        return w->sum_final[si] && !sm->noreturn && !sm->rel_all && !sm->acq.n && !sm->rel.n;
    }
    uint32_t ii = w->imports ? rc_strtab_lookup(&w->imports->usrs, usr) : UINT32_MAX;
    if (ii != UINT32_MAX) {
        const rc_import_t *im = &w->imports->v[ii];
        return !im->noreturn && !im->rel_all && !im->nacq && !im->nrel;
    }
    return 1;
}

/* 1 when the body of loop cannot change the lockset, so that its head state is
 * the entry state: no label in it, and no call that can change it
 * (call_neutral). Not when the entry state carries pseudo-locks, which plain
 * assignments may drop. Cached per loop node. */
static int loop_converged(walker_t *w, CXCursor loop, const rc_lset_t *entry)
{
    const tnode_t *cn = tree_find(&w->tree, loop);
    if (!cn)
        return 0;
    for (int i = 0; i < entry->n; i++)
        if (fe_is_pseudo(w, RC_LREF_LOCK(entry->v[i])))
            return 0;
    if (!cn->may_change_locks)
        return 1;
    uint32_t i = (uint32_t)(cn - w->tree.nodes);
    tnode_t *node = &w->tree.nodes[i];
    if (node->calls_neutral < 0) {
        int neutral = 1;
        for (uint32_t k = i + 1; neutral && k < w->tree.n && w->tree.nodes[k].parent >= i &&
                                 w->tree.nodes[k].parent != UINT32_MAX;
             k++) {
            enum CXCursorKind kk = w->tree.nodes[k].c.kind;
            if (kk == CXCursor_LabelStmt)
                neutral = 0;
            else if (kk == CXCursor_CallExpr)
                neutral = call_neutral(w, w->tree.nodes[k].c);
        }
        node->calls_neutral = (int8_t)neutral;
    }
    return node->calls_neutral;
}

static void walk_loop(walker_t *w, CXCursor loop, CXCursor init, CXCursor cond, CXCursor body,
                      CXCursor inc, int is_do, rc_lset_t *st)
{
    walk_part(w, init, st);
    unsigned saved_lb = w->loop_lb, saved_le = w->loop_le;
    unsigned saved_ilb = w->iloop_lb, saved_ile = w->iloop_le;
    CXCursor saved_for[4];
    memcpy(saved_for, w->for_parts, sizeof saved_for);
    memcpy(w->for_parts, w->for_next, sizeof w->for_parts);
    for (int i = 0; i < 4; i++)
        w->for_next[i] = clang_getNullCursor();
    rc_pos_t lp = fe_pos_of(w, loop);
    /* `do { ... } while (0)` (the body of most statement macros) runs once: its
     * events are not repeated, so they get no loop extent. */
    /* `while (0)`, `do ... while (0)`: the condition never holds, the body never
     * runs again (statement macros end so; pthread_cleanup_pop releases there). */
    int never = !cursor_null(cond) && fe_is_zero(cond);
    int once = is_do && never;
    if (!cursor_null(init)) {
        /* A for statement's init runs once, before the loop: not part of it. */
        rc_pos_t ip = fe_pos_of(w, init);
        if (ip.end > lp.off && ip.end < lp.end)
            lp.off = ip.end;
    }
    if (!once) {
        w->iloop_lb = lp.off;
        w->iloop_le = lp.end > lp.off ? lp.end : lp.off + 1;
        if (!w->loop_le) {
            w->loop_lb = w->iloop_lb;
            w->loop_le = w->iloop_le;
        }
    }
    rc_lset_t entry = *st, head = *st, exit, next;
    int saved_record = w->record;
    w->record = 0;
    /* Without labels and calls that can change the lockset inside, the head
     * state is the entry state and one pass suffices. */
    int converged = loop_converged(w, loop, &entry);
    w->fix_depth++;
    for (int i = 0; i < MAX_LOOP_ITERS && !entry.top && !converged && w->fix_depth <= MAX_FIX_DEPTH;
         i++) {
        loop_pass(w, cond, body, inc, is_do, never, &head, &exit, &next);
        rc_lset_t nh = entry;
        rc_lset_meet(&nh, &next);
        if (rc_lset_equal(&nh, &head)) {
            converged = 1;
            break;
        }
        head = nh;
    }
    w->fix_depth--;
    if (!converged && !entry.top)
        rc_lset_empty(&head);
    w->record = saved_record;
    loop_pass(w, cond, body, inc, is_do, never, &head, &exit, &next);
    *st = exit;
    w->loop_lb = saved_lb;
    w->loop_le = saved_le;
    w->iloop_lb = saved_ilb;
    w->iloop_le = saved_ile;
    memcpy(w->for_parts, saved_for, sizeof saved_for);
}

/* Splits a for statement's children into init, cond, inc and body using the
 * positions of the two ';' tokens of its header. */
static void walk_for(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    fe_children(&w->tree, s, &kk);
    CXCursor init = clang_getNullCursor(), cond = init, inc = init, body = init;
    if (kk.n == 0) {
        kids_free(&kk);
        return;
    }
    body = kk.v[kk.n - 1];
    unsigned semi[2] = {0, 0}, nsemi = 0;
    /* A for statement written in a macro's body (`#define EACH(i) for (...)`):
     * its tokens and its parts' offsets are the spelling ones, in the macro's
     * definition; elsewhere the expansion ones. */
    CXSourceLocation s0 = clang_getRangeStart(clang_getCursorExtent(s));
    CXSourceLocation b0 = clang_getRangeStart(clang_getCursorExtent(body));
    CXFile ef = NULL, sf = NULL, bf = NULL;
    unsigned eoff = 0, soff = 0, boff = 0;
    clang_getExpansionLocation(s0, &ef, NULL, NULL, &eoff);
    clang_getSpellingLocation(s0, &sf, NULL, NULL, &soff);
    clang_getSpellingLocation(b0, &bf, NULL, NULL, &boff);
    int spelled = sf && ef && (!clang_File_isEqual(sf, ef) || soff != eoff);
    CXSourceRange hr = clang_getRange(s0, b0);
    if (spelled && bf && clang_File_isEqual(sf, bf) && boff > soff)
        hr = clang_getRange(clang_getLocationForOffset(w->tu, sf, soff),
                            clang_getLocationForOffset(w->tu, sf, boff));
    CXToken *toks = NULL;
    unsigned ntoks = 0;
    clang_tokenize(w->tu, hr, &toks, &ntoks);
    int depth = 0;
    for (unsigned i = 0; i < ntoks; i++) {
        if (clang_getTokenKind(toks[i]) != CXToken_Punctuation)
            continue;
        CXString sp = clang_getTokenSpelling(w->tu, toks[i]);
        const char *t = clang_getCString(sp);
        if (strcmp(t, "(") == 0)
            depth++;
        else if (strcmp(t, ")") == 0)
            depth--;
        else if (strcmp(t, ";") == 0 && depth == 1 && nsemi < 2) {
            unsigned off;
            clang_getExpansionLocation(clang_getTokenLocation(w->tu, toks[i]), NULL, NULL, NULL,
                                       &off);
            if (spelled)
                clang_getSpellingLocation(clang_getTokenLocation(w->tu, toks[i]), NULL, NULL, NULL,
                                          &off);
            semi[nsemi++] = off;
        }
        clang_disposeString(sp);
    }
    if (toks)
        clang_disposeTokens(w->tu, toks, ntoks);
    if (nsemi == 2) {
        for (unsigned i = 0; i + 1 < kk.n; i++) {
            unsigned off = fe_pos_of(w, kk.v[i]).off;
            if (spelled)
                clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(kk.v[i])), NULL,
                                          NULL, NULL, &off);
            if (off < semi[0])
                init = kk.v[i];
            else if (off < semi[1])
                cond = kk.v[i];
            else
                inc = kk.v[i];
        }
    } else if (kk.n == 4) {
        init = kk.v[0];
        cond = kk.v[1];
        inc = kk.v[2];
    } else if (kk.n > 1) {
        /* Header parts that cannot be told apart: run all but the last in order
         * before the loop and take the last as the condition, so that the loop
         * may end (a null condition would make it `for (;;)`). */
        for (unsigned i = 0; i + 2 < kk.n; i++)
            fe_walk_stmt(w, kk.v[i], st);
        cond = kk.v[kk.n - 2];
    }
    w->for_next[0] = init;
    w->for_next[1] = cond;
    w->for_next[2] = inc;
    w->for_next[3] = body;
    walk_loop(w, s, init, cond, body, inc, 0, st);
    kids_free(&kk);
}

static void walk_switch(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    fe_children(&w->tree, s, &kk);
    if (kk.n < 2) {
        kids_free(&kk);
        return;
    }
    for (unsigned i = 0; i + 1 < kk.n; i++)
        fe_walk_stmt(w, kk.v[i], st); /* the controlling expression */
    /* `switch (fork())`, `switch (pid)`: `case 0:` runs in the child. */
    int fk = fe_has_fork(w) ? fe_fork_value(w, kk.v[kk.n - 2], fe_pos_of(w, s).off) : -1;
    if (fk >= 0)
        fe_record_switch_child(w, fk, kk.v[kk.n - 1]);
    size_t fi = w->nframes;
    push_frame(w, 0);
    w->frames[fi].sw_entry = *st;
    rc_lset_t s2;
    rc_lset_top(&s2); /* nothing runs before the first case label */
    fe_walk_stmt(w, kk.v[kk.n - 1], &s2);
    frame_t *f = &w->frames[fi];
    if (!f->saw_default)
        rc_lset_meet(&s2, &f->sw_entry);
    rc_lset_meet(&s2, &f->brk);
    *st = s2;
    w->nframes--;
    kids_free(&kk);
}

static frame_t *innermost(walker_t *w, int loop_only)
{
    for (size_t i = w->nframes; i-- > 0;)
        if (w->frames[i].is_loop || !loop_only)
            return &w->frames[i];
    return NULL;
}

static frame_t *innermost_switch(walker_t *w)
{
    for (size_t i = w->nframes; i-- > 0;)
        if (!w->frames[i].is_loop)
            return &w->frames[i];
    return NULL;
}

label_state_t *fe_label_for(walker_t *w, unsigned off)
{
    for (size_t i = 0; i < w->nlabels; i++)
        if (w->labels[i].off == off)
            return &w->labels[i];
    GROW(w->labels, w->nlabels, w->caplabels);
    label_state_t *l = &w->labels[w->nlabels++];
    l->off = off;
    rc_lset_top(&l->ls);
    l->backward = 0;
    rc_lset_top(&l->prev);
    l->use_prev = 0;
    return l;
}

#define SETTLE_WALKS 4

void fe_settle_labels(walker_t *w, CXCursor body, const rc_lset_t *st0)
{
    int any = 0;
    for (size_t i = 0; i < w->nlabels; i++)
        any |= w->labels[i].backward;
    if (!any || w->indirect_goto)
        return;
    /* No call in the body can change the lockset (call_neutral) and the entry
     * state carries no pseudo-lock: every label starts from the entry state. */
    int neutral = 1;
    for (int i = 0; i < st0->n && neutral; i++)
        neutral = !fe_is_pseudo(w, RC_LREF_LOCK(st0->v[i]));
    for (uint32_t i = 1; i < w->tree.n && neutral; i++)
        if (w->tree.nodes[i].c.kind == CXCursor_CallExpr)
            neutral = call_neutral(w, w->tree.nodes[i].c);
    if (neutral) {
        for (size_t i = 0; i < w->nlabels; i++) {
            w->labels[i].prev = *st0;
            w->labels[i].use_prev = 1;
        }
        return;
    }
    int saved_record = w->record, saved_sum = w->summarizing;
    rc_lset_t saved_ret = w->ret;
    w->record = 0;
    w->summarizing = 0;
    for (size_t i = 0; i < w->nlabels; i++) {
        rc_lset_top(&w->labels[i].prev); /* optimistic: no goto back yet */
        w->labels[i].use_prev = 1;
    }
    int settled = 0;
    for (int pass = 0; pass < SETTLE_WALKS && !settled; pass++) {
        for (size_t i = 0; i < w->nlabels; i++)
            rc_lset_top(&w->labels[i].ls);
        rc_lset_t st = *st0;
        fe_walk_stmt(w, body, &st);
        settled = 1;
        for (size_t i = 0; i < w->nlabels; i++) {
            label_state_t *l = &w->labels[i];
            if (l->backward && !rc_lset_equal(&l->ls, &l->prev)) {
                l->prev = l->ls;
                settled = 0;
            }
        }
    }
    for (size_t i = 0; i < w->nlabels; i++) {
        rc_lset_top(&w->labels[i].ls);
        w->labels[i].use_prev = settled;
    }
    w->record = saved_record;
    w->summarizing = saved_sum;
    w->ret = saved_ret;
    w->nframes = 0;
    w->fix_depth = 0;
}

unsigned fe_goto_target(const tree_t *t, CXCursor g)
{
    kids_t kk;
    fe_children(t, g, &kk);
    unsigned off = UINT_MAX;
    for (unsigned i = 0; i < kk.n; i++) {
        if (clang_getCursorKind(kk.v[i]) == CXCursor_LabelRef) {
            CXCursor l = clang_getCursorReferenced(kk.v[i]);
            clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(l)), NULL, NULL,
                                       NULL, &off);
        }
    }
    kids_free(&kk);
    return off;
}

/* When if-statement condition c tests a pointer parameter for NULL (`!p`,
 * `p == NULL`) and the then-branch then is a bare `return`, in a function
 * that takes a lock through that parameter (`&p->lock`): a wrapper that
 * tolerates NULL. There is no lock on that path, and what the return holds
 * says nothing about the wrapper; 1, and the caller leaves the path out of
 * the function's exits. */
static int null_guard_return(walker_t *w, CXCursor c, CXCursor then)
{
    then = fe_strip(&w->tree, then, 0);
    if (clang_getCursorKind(then) == CXCursor_CompoundStmt) {
        kids_t kk;
        fe_children(&w->tree, then, &kk);
        then = kk.n == 1 ? kk.v[0] : clang_getNullCursor();
        kids_free(&kk);
    }
    if (clang_getCursorKind(then) != CXCursor_ReturnStmt)
        return 0; /* the cheap test first: this runs for every if-statement */
    int nonnull;
    CXCursor d = fe_local_var(w, fe_zero_tested(w, c, 1, &nonnull));
    if (nonnull || cursor_null(d) || clang_getCursorKind(d) != CXCursor_ParmDecl ||
        !fe_type_is_pointer(clang_getCursorType(d)))
        return 0;
    int pi = fe_param_no(w, d);
    return pi >= 0 && pi < 32 && (fe_locked_params(w) >> pi & 1u);
}

/* 1 when condition c is `v == k` / `k == v` (or `!v`) with k a constant and v a
 * value derived one-to-one from parameter 0: true for one value of the parameter. */
static int selects_one_arg(walker_t *w, CXCursor c)
{
    c = fe_strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
        CXCursor in = fe_sole_expr_child(&w->tree, c);
        return !cursor_null(in) && fe_param_derived(w, in) == 0;
    }
    if (k != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(c) != CXBinaryOperator_EQ)
        return 0;
    kids_t kk;
    fe_children(&w->tree, c, &kk);
    int one = kk.n == 2 && ((fe_is_int_const(kk.v[1], NULL) && fe_param_derived(w, kk.v[0]) == 0) ||
                            (fe_is_int_const(kk.v[0], NULL) && fe_param_derived(w, kk.v[1]) == 0));
    kids_free(&kk);
    return one;
}

/* Walks the statement that is the last child of S (a case or a label: what
 * comes before it is the case value or nothing). */
static void walk_last_child(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    fe_children(&w->tree, s, &kk);
    if (kk.n)
        fe_walk_stmt(w, kk.v[kk.n - 1], st);
    kids_free(&kk);
}

void fe_walk_stmt(walker_t *w, CXCursor s, rc_lset_t *st)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    if (clang_isExpression(k)) {
        fe_eval_expr(w, s, st);
        return;
    }
    switch (k) {
    case CXCursor_CompoundStmt: {
        kids_t kk;
        fe_children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            fe_walk_stmt(w, kk.v[i], st);
        kids_free(&kk);
        return;
    }
    case CXCursor_DeclStmt: {
        kids_t kk;
        fe_children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++) {
            CXCursor d = kk.v[i];
            if (clang_getCursorKind(d) != CXCursor_VarDecl || fe_is_global_var(d))
                continue; /* static locals are initialised before the program runs */
            CXCursor init = fe_var_init(&w->tree, d);
            if (!cursor_null(init)) {
                fe_imp_drop(w, fe_usr_cached(&w->usrs, d), 0, st);
                fe_note_local_assign(w, d, init);
                size_t nacc0 = w->fn ? w->fn->nacc : 0;
                fe_eval_expr(w, init, st);
                fe_note_result(w, d, init);
                fe_record_local_assign(w, d, init, d, nacc0, 0, st);
                fe_imp_result(w, fe_usr_cached(&w->usrs, d), init, st);
            }
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_IfStmt: {
        kids_t kk;
        fe_children(&w->tree, s, &kk);
        unsigned ci = 0;
        while (ci < kk.n && !is_expr(kk.v[ci]))
            fe_walk_stmt(w, kk.v[ci++], st); /* C2y/C++ init-statements */
        if (ci < kk.n) {
            rc_lset_t t, f;
            if (ci + 1 < kk.n)
                fe_record_guard(w, kk.v[ci], kk.v[ci + 1], st);
            fe_eval_cond(w, kk.v[ci], st, &t, &f);
            int truth = 1;
            const char *cx = fe_cond_local(w, kk.v[ci], &truth);
            if (cx)
                fe_imp_apply(w, cx, truth, st, &t, &f);
            if (ci + 1 < kk.n && null_guard_return(w, kk.v[ci], kk.v[ci + 1]))
                rc_lset_top(&t);
            int saved_one = w->one_arg;
            if (w->record) /* only what is recorded carries the flag */
                w->one_arg |= selects_one_arg(w, kk.v[ci]);
            /* `if (pid == 0)`: one branch runs only in the forked child. */
            int child_then = 0,
                fk = fe_has_fork(w) ? fe_fork_test(w, kk.v[ci], fe_pos_of(w, s).off, &child_then)
                                    : -1;
            if (fk >= 0 && ci + 2 - (unsigned)child_then < kk.n) {
                rc_pos_t bp = fe_pos_of(w, kk.v[ci + 2 - (unsigned)child_then]);
                fe_record_child(w, fk, bp.off, bp.end);
            }
            unsigned saved_child[4] = {w->child_lb, w->child_le, w->slot_lb, w->slot_le};
            if (ci + 1 < kk.n) {
                if (fk >= 0 && child_then)
                    fe_enter_child(w, fk, kk.v[ci + 1]);
                fe_walk_stmt(w, kk.v[ci + 1], &t);
                fe_leave_child(w, saved_child);
            }
            /* `if (pid > 0) return pid;` (or `continue`): the rest runs in the child. */
            if (fk >= 0 && !child_then && ci + 2 >= kk.n && t.top)
                fe_record_rest_child(w, fk, s);
            w->one_arg = saved_one;
            if (ci + 2 < kk.n) {
                if (fk >= 0 && !child_then)
                    fe_enter_child(w, fk, kk.v[ci + 2]);
                fe_walk_stmt(w, kk.v[ci + 2], &f);
                fe_leave_child(w, saved_child);
            }
            *st = t;
            rc_lset_meet(st, &f);
            if (cx)
                fe_imp_join(w, cx, truth, &t, &f, st);
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt: {
        kids_t kk;
        fe_children(&w->tree, s, &kk);
        if (kk.n == 2) {
            int is_do = k == CXCursor_DoStmt;
            CXCursor none = clang_getNullCursor();
            walk_loop(w, s, none, kk.v[is_do ? 1 : 0], kk.v[is_do ? 0 : 1], none, is_do, st);
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_ForStmt:
        walk_for(w, s, st);
        return;
    case CXCursor_SwitchStmt:
        walk_switch(w, s, st);
        return;
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt: {
        frame_t *sw = innermost_switch(w);
        if (sw) {
            rc_lset_meet(st, &sw->sw_entry);
            if (k == CXCursor_DefaultStmt)
                sw->saw_default = 1;
        }
        /* A case's children are its value(s) then the statement. */
        walk_last_child(w, s, st);
        return;
    }
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt: {
        frame_t *f = innermost(w, k == CXCursor_ContinueStmt);
        if (f)
            rc_lset_meet(k == CXCursor_BreakStmt ? &f->brk : &f->cont, st);
        rc_lset_top(st);
        return;
    }
    case CXCursor_ReturnStmt:
        fe_eval_children(w, s, st);
        if (w->summarizing && !st->top) {
            /* `return mmap(..MAP_SHARED..)`, `return shm;`: callers get shared memory;
             * `return fork();`, `return pid;`: callers get a fork's result. */
            CXCursor rv = fe_sole_expr_child(&w->tree, s);
            if (!cursor_null(rv)) {
                w->ret_shm[w->cur_index] |= (uint8_t)fe_shm_value(w, rv, 0);
                w->ret_fork[w->cur_index] |= (uint8_t)fe_fork_source(w, rv, 0);
                if (fe_new_object(w, rv, 0))
                    w->ret_new[w->cur_index] |= RET_NEW_SOME;
                else if (!fe_is_null(w, rv))
                    w->ret_new[w->cur_index] |= RET_NEW_OTHER; /* NULL is allowed */
            }
        }
        fe_record_exit(w, s, 0, st);
        rc_lset_meet(&w->ret, st);
        rc_lset_top(st);
        return;
    case CXCursor_GotoStmt: {
        unsigned target = fe_goto_target(&w->tree, s);
        if (target != UINT_MAX && w->record && !st->top) {
            rc_fn_facts_t *fn = w->fn;
            GROW(fn->jumps, fn->njumps, fn->capjumps);
            rc_exit_t *j = &fn->jumps[fn->njumps++];
            memset(j, 0, sizeof *j);
            j->pos = fe_pos_of(w, s);
            j->target = target;
            j->held = fe_recorded(w, st);
        }
        if (target != UINT_MAX)
            rc_lset_meet(&fe_label_for(w, target)->ls, st);
        rc_lset_top(st);
        return;
    }
    case CXCursor_IndirectGotoStmt:
        fe_eval_children(w, s, st);
        rc_lset_top(st);
        return;
    case CXCursor_LabelStmt: {
        unsigned off = fe_pos_of(w, s).off;
        label_state_t *l = fe_label_for(w, off);
        if ((l->backward && !l->use_prev) || w->indirect_goto) {
            rc_lset_empty(st);
        } else {
            rc_lset_meet(st, &l->ls);
            if (l->backward)
                rc_lset_meet(st, &l->prev); /* the gotos back, as they settled */
        }
        walk_last_child(w, s, st);
        return;
    }
    case CXCursor_NullStmt:
    case CXCursor_GCCAsmStmt:
    case CXCursor_MSAsmStmt:
        return;
    default: {
        kids_t kk;
        fe_children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            if (clang_isStatement(clang_getCursorKind(kk.v[i])) || is_expr(kk.v[i]))
                fe_walk_stmt(w, kk.v[i], st);
        kids_free(&kk);
        return;
    }
    }
}
