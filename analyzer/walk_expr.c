/*
 * walk_expr.c - expressions: naming the location an lvalue denotes (keys for
 * globals, fields, elements, pointees of parameters and global pointers),
 * recording accesses, calls and exits with their locksets, what each call
 * argument points to, and the evaluation of expressions in order.
 */

#include "walk.h"

typedef struct lval {
    rc_strbuf_t key, name;
    unsigned flags;
} lval_t;

static void lval_close(lval_t *lv)
{
    rc_strbuf_close(&lv->key);
    rc_strbuf_close(&lv->name);
}

/* Appends a then b (keys are built on every pass over an expression: cheaper
 * than rc_strbuf_appendf, which formats twice). */
static void append2(rc_strbuf_t *sb, const char *a, const char *b)
{
    rc_strbuf_append(sb, a);
    rc_strbuf_append(sb, b);
}

/* Appends v in decimal, as "%lld" does. */
static void append_int(rc_strbuf_t *sb, long long v)
{
    char t[24];
    size_t i = sizeof t;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        t[--i] = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        t[--i] = '-';
    rc_strbuf_appendn(sb, t + i, sizeof t - i);
}

static void record_access(walker_t *w, lval_t *lv, rc_acc_kind_t kind, CXCursor at,
                          const rc_lset_t *st)
{
    if (kind == RC_ACC_READ && w->watch_key && strcmp(w->watch_key, lv->key.s) == 0) {
        w->watch_hit = 1; /* part of the enclosing read-modify-write */
        return;
    }
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->acc, fn->nacc, fn->capacc);
    rc_access_t *a = &fn->acc[fn->nacc++];
    memset(a, 0, sizeof *a);
    a->key = rc_xstrdup(lv->key.s);
    a->name = rc_xstrdup(lv->name.s);
    a->text = kind == RC_ACC_READ ? NULL : fe_text_of(w, at);
    if (!a->text)
        a->text = rc_xstrdup(lv->name.s);
    a->kind = kind;
    a->flags = lv->flags | (w->one_arg ? RC_ACC_ONE_ARG : 0);
    a->pos = fe_pos_of(w, at);
    /* Parameter locks kept: program.c resolves them per thread (rc_program_inst). */
    a->ls = fe_lset_for_facts(w, st);
}

/* Records a call; kk holds the call's children (callee, then arguments). */
void fe_record_call(walker_t *w, const char *usr, const char *name, CXCursor at, const kids_t *kk,
                    const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->calls, fn->ncalls, fn->capcalls);
    rc_call_t *c = &fn->calls[fn->ncalls];
    memset(c, 0, sizeof *c);
    c->callee = rc_xstrdup(usr);
    c->callee_name = rc_xstrdup(name);
    c->pos = fe_pos_of(w, at);
    c->ls = fe_recorded(w, st);
    c->fn_param = -1;
    c->one_arg = w->one_arg;
    c->nargs = kk->n > 1 ? (int)kk->n - 1 : 0;
    if (c->nargs) {
        c->arg_keys = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_keys);
        c->arg_fns = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_fns);
        c->arg_handles = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_handles);
        for (int i = 0; i < c->nargs; i++) {
            c->arg_keys[i] = fe_call_arg_key(w, kk->v[1 + i]);
            c->arg_handles[i] = fe_handle_key(w, kk->v[1 + i]);
            targets_t tg = {0};
            fe_resolve_fn(w, kk->v[1 + i], &tg);
            if (tg.n == 1)
                c->arg_fns[i] = rc_xstrdup(tg.usr[0]);
            fe_targets_free(&tg);
        }
    }
    fn->ncalls++; /* after fe_call_arg_key, which may not touch fn->calls */
}

/* The spelling of a function type, the key that matches calls through pointers
 * with the functions they may reach. */
char *fe_fn_type_of(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_Pointer)
        c = clang_getCanonicalType(clang_getPointeeType(c));
    if (c.kind != CXType_FunctionProto && c.kind != CXType_FunctionNoProto)
        return NULL;
    return fe_take(clang_getTypeSpelling(c));
}

static void record_addr_taken(walker_t *w, CXCursor fdecl)
{
    if (!w->record)
        return;
    char *usr = fe_usr_dup(w, fdecl);
    rc_fn_facts_t *fn = w->fn;
    for (size_t i = 0; i < fn->naddr; i++)
        if (strcmp(fn->addr_taken[i], usr) == 0) {
            fn->addr_passed[i] &= (uint8_t)w->passing_fn;
            free(usr);
            return;
        }
    if (fn->naddr == fn->capaddr) {
        fn->capaddr = fn->capaddr ? fn->capaddr * 2 : 8;
        fn->addr_taken = rc_xrealloc(fn->addr_taken, fn->capaddr * sizeof *fn->addr_taken);
        fn->addr_types = rc_xrealloc(fn->addr_types, fn->capaddr * sizeof *fn->addr_types);
        fn->addr_passed = rc_xrealloc(fn->addr_passed, fn->capaddr * sizeof *fn->addr_passed);
    }
    fn->addr_types[fn->naddr] = fe_fn_type_of(clang_getCursorType(fdecl));
    fn->addr_passed[fn->naddr] = (uint8_t)w->passing_fn;
    fn->addr_taken[fn->naddr++] = usr;
}

/* USR of the variable at the root of a thread-handle expression (`&t`, `tids[i]`,
 * `&w->tid` -> w), or NULL. */
char *fe_handle_root(walker_t *w, CXCursor e)
{
    const tree_t *t = &w->tree;
    for (int guard = 0; guard < 32; guard++) {
        e = fe_strip(t, e, 1);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            return fe_is_var(d) ? fe_usr_dup(w, d) : NULL;
        }
        kids_t kk;
        fe_children(t, e, &kk);
        CXCursor next = clang_getNullCursor();
        if ((k == CXCursor_UnaryOperator || k == CXCursor_ArraySubscriptExpr ||
             k == CXCursor_MemberRefExpr) &&
            kk.n >= 1)
            next = kk.v[0];
        kids_free(&kk);
        if (cursor_null(next))
            return NULL;
        e = next;
    }
    return NULL;
}

/* What identifies a thread handle across the functions that create and join it:
 * the variable for `&t`, `tids[i]` (USR of t, tids), the field for `&w->tid`,
 * `pool->threads[i]` (USR of the field: the handle may be reached through
 * different pointers in the two places), or NULL. */
char *fe_handle_key(walker_t *w, CXCursor e)
{
    const tree_t *t = &w->tree;
    for (int guard = 0; guard < 32; guard++) {
        e = fe_strip(t, e, 1);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            enum CXCursorKind dk = clang_getCursorKind(d);
            return fe_is_var(d) || dk == CXCursor_FieldDecl ? fe_usr_dup(w, d) : NULL;
        }
        if (k != CXCursor_UnaryOperator && k != CXCursor_ArraySubscriptExpr)
            return NULL;
        kids_t kk;
        fe_children(t, e, &kk);
        CXCursor next = kk.n >= 1 ? kk.v[0] : clang_getNullCursor();
        kids_free(&kk);
        if (cursor_null(next))
            return NULL;
        e = next;
    }
    return NULL;
}

/* Which element of an array the handle expression e (`&t[2]`, `t[i]`) names:
 * the constant index, RC_ELEM_ANY for one chosen at run time, -1 when e is no
 * array element. */
int fe_handle_elem(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf)
        e = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
    if (clang_getCursorKind(e) != CXCursor_ArraySubscriptExpr)
        return -1;
    kids_t kk;
    fe_children(&w->tree, e, &kk);
    long long v = -1;
    int cst = kk.n == 2 && fe_is_int_const(kk.v[1], &v) && v >= 0 && v <= INT32_MAX;
    kids_free(&kk);
    return cst ? (int)v : RC_ELEM_ANY;
}

/* Starts lv as the object parameter pi points to (through `base`, as written):
 * key "<function USR>\x1dp<pi>" + RC_KEY_SEP. What it is depends on the callers;
 * the link step resolves it for start routines (program.c). */
static void param_object(walker_t *w, int pi, CXCursor base, lval_t *lv)
{
    lv->flags = 0; /* the members and elements on top add their own */
    rc_strbuf_init(&lv->key);
    rc_strbuf_init(&lv->name);
    const char mark[] = {RC_PARAM_MARK, 'p', 0}, sep[] = {RC_KEY_SEP, 0};
    append2(&lv->key, fe_usr_cached(&w->usrs, w->cur_fn), mark);
    append_int(&lv->key, pi);
    rc_strbuf_append(&lv->key, sep); /* "<fn USR>\x1dp<pi>\x1e" */
    if (!w->record)
        return; /* only the key is wanted (w->need_keys): no name */
    char *bt = fe_text_of(w, base);
    rc_strbuf_append(&lv->name, bt ? bt : "(argument)");
    free(bt);
}

/* When local pointer d, used at e, holds the object the function hands to a
 * thread (w->escp_locals) and e comes after the hand-over: 1, or 2 when that
 * object is new at every run of the function (w->escp_fresh); else 0. */
static int escaped_pointer(walker_t *w, CXCursor d, CXCursor e)
{
    if (clang_getCursorKind(d) != CXCursor_VarDecl || fe_is_global_var(d))
        return 0;
    fe_scan_locals(w);
    uint32_t i = w->escp_locals.n ? rc_strtab_lookup(&w->escp_locals, fe_usr_cached(&w->usrs, d))
                                  : UINT32_MAX;
    if (i == UINT32_MAX || fe_pos_of(w, e).off < w->escp_from[i])
        return 0;
    return w->escp_fresh[i] ? 2 : 1;
}

/* The key of the object pointer variable d points to: "*<USR>" + RC_KEY_SEP (a
 * global pointer, or a local escaped_pointer answered 1 for), with "[#]" when
 * escaped_pointer answered 2, a new object per run: the creator's run and its
 * thread share it, two threads started by two runs do not (as a per-thread
 * slot). */
static char *pointee_key_of(walker_t *w, CXCursor d, int how)
{
    return rc_xasprintf("*%s%c%s", fe_usr_cached(&w->usrs, d), RC_KEY_SEP, how == 2 ? "[#]" : "");
}

/* Starts lv as the object key names, named after variable d. */
static void start_object(lval_t *lv, const char *key, CXCursor d)
{
    char *name = fe_take(clang_getCursorSpelling(d));
    lv->flags = 0; /* the members and elements on top add their own */
    rc_strbuf_init(&lv->key);
    rc_strbuf_init(&lv->name);
    rc_strbuf_append(&lv->key, key);
    rc_strbuf_append(&lv->name, name);
    free(name);
}

/* When e (a pointer expression) is a local pointer that only ever points to one
 * object with a key (w->alias_keys: a global, a part of one, or what a pointer
 * loaded from a tracked location points to), starts lv as that object. */
static int alias_pointee(walker_t *w, CXCursor e, lval_t *lv)
{
    fe_scan_locals(w);
    if (!w->alias_live)
        return 0; /* most functions: no local aliases anything */
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) != CXCursor_VarDecl || fe_is_global_var(d))
        return 0;
    uint32_t i = w->alias_locals.n ? rc_strtab_lookup(&w->alias_locals, fe_usr_cached(&w->usrs, d))
                                   : UINT32_MAX;
    if (i == UINT32_MAX || !w->alias_keys[i])
        return 0;
    start_object(lv, w->alias_keys[i], d);
    return 1;
}

/* When e (a pointer expression) is a global pointer variable, or a local one
 * holding memory shared between processes (w->shm_locals) or handed to a thread
 * (w->escp_locals), starts lv as the object it points to (pointee_key_of),
 * name as written. Callers try alias_pointee first. */
static int global_pointee(walker_t *w, CXCursor e, lval_t *lv)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    int how = escaped_pointer(w, d, e);
    if (!how && (!fe_is_global_var(d) || clang_getCursorTLSKind(d) != CXTLS_None) &&
        !fe_shm_local(w, d))
        return 0;
    char *key = pointee_key_of(w, d, how);
    start_object(lv, key, d);
    free(key);
    return 1;
}

/* 1 when local d's address goes to a thread the current function starts, as
 * the start routine's argument: the thread reads and writes it while this
 * function runs on (the loop variable passed as `&i` is the classic case). */
static int thread_escaped(walker_t *w, CXCursor d)
{
    if (!fe_is_var(d) || fe_is_global_var(d))
        return 0;
    fe_scan_locals(w);
    /* Most functions start no thread with a local's address: no USR lookup. */
    return w->esc_locals.n &&
           rc_strtab_lookup(&w->esc_locals, fe_usr_cached(&w->usrs, d)) != UINT32_MAX;
}

static int lvalue(walker_t *w, CXCursor e, rc_lset_t *st, lval_t *lv);

/* lvalue for the key alone: nothing is recorded (w->need_keys). */
static int lvalue_key(walker_t *w, CXCursor e, lval_t *lv)
{
    int saved = w->record, saved_keys = w->need_keys;
    w->record = 0;
    w->need_keys = 1;
    rc_lset_t scratch;
    rc_lset_empty(&scratch);
    int tracked = lvalue(w, e, &scratch, lv);
    w->record = saved;
    w->need_keys = saved_keys;
    return tracked;
}

/* When pointer expression e is a pointer field (`s->f`, `s.f`) of a location
 * lvalue tracks, and f points to another type than the struct holding it,
 * starts lv as the object f points to: the field's key + ">", name as written.
 * That object is not its holder (`ctx->queue[i]` is no field of *ctx); a field
 * pointing to its holder's own type (a list's `next`) may point back to it, and
 * is left to the caller. */
static int field_pointee(walker_t *w, CXCursor e, lval_t *lv)
{
    CXCursor m = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(m) != CXCursor_MemberRefExpr)
        return 0;
    CXType ft = clang_getCanonicalType(clang_getCursorType(m));
    if (ft.kind != CXType_Pointer)
        return 0; /* an array field: its elements are inside the holder */
    kids_t kk;
    fe_children(&w->tree, m, &kk);
    CXType holder = kk.n >= 1 ? clang_getCanonicalType(clang_getCursorType(kk.v[0]))
                              : (CXType){CXType_Invalid, {0}};
    kids_free(&kk);
    if (holder.kind == CXType_Pointer)
        holder = clang_getCanonicalType(clang_getPointeeType(holder));
    CXType pointee = clang_getCanonicalType(clang_getPointeeType(ft));
    if (holder.kind == CXType_Invalid || clang_equalTypes(pointee, holder) || !lvalue_key(w, m, lv))
        return 0;
    rc_strbuf_append(&lv->key, ">");
    rc_strbuf_reset(&lv->name);
    if (w->record) {
        char *t = fe_text_of(w, e);
        rc_strbuf_append(&lv->name, t ? t : "(pointer)");
        free(t);
    }
    lv->flags = 0;
    return 1;
}

char *fe_location_key(walker_t *w, CXCursor e)
{
    lval_t lv;
    if (!lvalue_key(w, e, &lv))
        return NULL;
    char *key = rc_strbuf_take(&lv.key);
    lval_close(&lv);
    return key;
}

char *fe_loaded_key(walker_t *w, CXCursor value)
{
    CXCursor v = fe_strip(&w->tree, value, 1);
    enum CXCursorKind k = clang_getCursorKind(v);
    lval_t lv;
    if (k == CXCursor_DeclRefExpr) {
        /* A global pointer's value (`int *z = y;`): what *y names. */
        CXCursor d = clang_getCursorReferenced(v);
        if (!fe_is_global_var(d) || clang_getCursorTLSKind(d) != CXTLS_None ||
            !fe_type_is_pointer(clang_getCursorType(d)))
            return NULL;
        return pointee_key_of(w, d, 0);
    }
    if (k == CXCursor_MemberRefExpr) {
        if (!field_pointee(w, v, &lv))
            return NULL;
    } else if ((k == CXCursor_ArraySubscriptExpr ||
                (k == CXCursor_UnaryOperator &&
                 clang_getCursorUnaryOperatorKind(v) == CXUnaryOperator_Deref)) &&
               fe_type_is_pointer(clang_getCursorType(v))) {
        if (!lvalue_key(w, v, &lv))
            return NULL;
        rc_strbuf_append(&lv.key, ">");
    } else {
        return NULL;
    }
    char *key = rc_strbuf_take(&lv.key);
    lval_close(&lv);
    return key;
}

/* Resolves e as a location that outlives the function (global/static variable,
 * its fields and array elements). Returns 1 and fills lv when it is one.
 * Sub-expressions that are evaluated on the way (indexes, pointer bases) are
 * recorded as reads under *st. */
static int lvalue(walker_t *w, CXCursor e, rc_lset_t *st, lval_t *lv)
{
    if (!w->record && !w->need_keys) {
        /* Only the lockset matters on this pass: evaluate for calls inside. */
        fe_eval_children(w, e, st);
        return 0;
    }
    while (clang_getCursorKind(e) == CXCursor_ParenExpr) {
        CXCursor in = fe_sole_expr_child(&w->tree, e);
        if (cursor_null(in))
            break;
        e = in;
    }
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            record_addr_taken(w, d);
            return 0;
        }
        if (!fe_is_global_var(d) && !thread_escaped(w, d))
            return 0;
        const char *usr = fe_usr_cached(&w->usrs, d);
        char *name = fe_take(clang_getCursorSpelling(d));
        rc_strbuf_init(&lv->key);
        rc_strbuf_init(&lv->name);
        rc_strbuf_append(&lv->key, usr);
        rc_strbuf_appendn(&lv->key, (const char[]){RC_KEY_SEP}, 1);
        rc_strbuf_append(&lv->name, name);
        free(name);
        lv->flags = fe_type_flags(w->models, clang_getCursorType(e)) |
                    fe_type_flags(w->models, clang_getCursorType(d));
        if (clang_getCursorTLSKind(d) != CXTLS_None)
            lv->flags |= RC_LOC_TLS;
        return 1;
    }
    if (k == CXCursor_MemberRefExpr) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        int ok = 0;
        if (kk.n >= 1) {
            CXCursor base = kk.v[0];
            if (fe_type_is_pointer(clang_getCursorType(base))) {
                fe_eval_expr(w, base, st);
                int pi = -1;
                if (alias_pointee(w, base, lv) || field_pointee(w, base, lv) ||
                    ((pi = fe_param_derived(w, base)) < 0 && global_pointee(w, base, lv))) {
                    /* x->f->g, gp->f (gp a global pointer): the object pointed to */
                    char *field = fe_take(clang_getCursorSpelling(e));
                    append2(&lv->key, ".", field);
                    append2(&lv->name, "->", field);
                    free(field);
                    lv->flags = fe_type_flags(w->models, clang_getCursorType(e));
                    ok = 1;
                } else if (pi >= 0) {
                    /* s->f where s is (derived from) parameter pi */
                    char *field = fe_take(clang_getCursorSpelling(e));
                    param_object(w, pi, base, lv);
                    append2(&lv->key, ".", field);
                    append2(&lv->name, "->", field);
                    free(field);
                    lv->flags = fe_type_flags(w->models, clang_getCursorType(e));
                    ok = 1;
                }
            } else if (lvalue(w, base, st, lv)) {
                char *field = fe_take(clang_getCursorSpelling(e));
                append2(&lv->key, ".", field);
                append2(&lv->name, ".", field);
                free(field);
                lv->flags =
                    (lv->flags & RC_LOC_TLS) | fe_type_flags(w->models, clang_getCursorType(e));
                ok = 1;
            }
        }
        kids_free(&kk);
        return ok;
    }
    if (k == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        int ok = 0;
        if (kk.n == 2) {
            CXCursor base = kk.v[0], idx = kk.v[1];
            CXCursor arr = fe_strip(&w->tree, base, 0);
            int pbase = -1;
            int tracked =
                fe_type_is_array(clang_getCursorType(arr))
                    ? lvalue(w, arr, st, lv)
                    : (fe_eval_expr(w, base, st),
                       alias_pointee(w, base, lv) || field_pointee(w, base, lv) ||
                           (pbase = fe_param_derived(w, base)) >= 0 || global_pointee(w, base, lv));
            if (tracked) {
                if (pbase >= 0) {
                    param_object(w, pbase, base, lv); /* p[i] where p comes from a parameter */
                    lv->flags = 0;
                }
                fe_eval_expr(w, idx, st);
                long long v;
                int pi = fe_param_derived(w, idx);
                if (pi >= 0) {
                    rc_strbuf_append(&lv->key, "[p"); /* slot chosen by the parameter */
                    append_int(&lv->key, pi);
                    rc_strbuf_append(&lv->key, "]");
                } else if (fe_fork_slot(w, idx) || fe_ticket(w, idx)) {
                    /* each forked child's own slot, or each ticket's */
                    rc_strbuf_append(&lv->key, "[#]");
                } else if (fe_is_int_const(idx, &v)) {
                    rc_strbuf_append(&lv->key, "[");
                    append_int(&lv->key, v);
                    rc_strbuf_append(&lv->key, "]");
                } else {
                    rc_strbuf_append(&lv->key, "[*]");
                }
                char *it = fe_text_of(w, idx);
                append2(&lv->name, "[", it ? it : "...");
                rc_strbuf_append(&lv->name, "]");
                free(it);
                lv->flags =
                    (lv->flags & RC_LOC_TLS) | fe_type_flags(w->models, clang_getCursorType(e));
                ok = 1;
            } else {
                fe_eval_expr(w, idx, st);
            }
        }
        kids_free(&kk);
        return ok;
    }
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref) {
        CXCursor p = fe_sole_expr_child(&w->tree, e);
        if (!cursor_null(p)) {
            fe_eval_expr(w, p, st);
            int fp = alias_pointee(w, p, lv) || field_pointee(w, p, lv);
            int pi = fp ? -1 : fe_param_derived(w, p);
            if (fp || pi >= 0 || global_pointee(w, p, lv)) {
                if (pi >= 0)
                    param_object(w, pi, p, lv); /* *p where p comes from a parameter */
                rc_strbuf_reset(&lv->name);
                char *t = fe_text_of(w, e);
                rc_strbuf_append(&lv->name, t ? t : "*(argument)");
                free(t);
                lv->flags = fe_type_flags(w->models, clang_getCursorType(e));
                return 1;
            }
            return 0;
        }
    }
    fe_eval_expr(w, e, st);
    return 0;
}

/* Evaluates the children of e in order as expressions (statements inside, e.g.
 * of a GNU statement expression, are walked as statements). */
void fe_eval_children(walker_t *w, CXCursor e, rc_lset_t *st)
{
    kids_t kk;
    fe_children(&w->tree, e, &kk);
    for (unsigned i = 0; i < kk.n; i++) {
        if (is_expr(kk.v[i]))
            fe_eval_expr(w, kk.v[i], st);
        else if (clang_isStatement(clang_getCursorKind(kk.v[i])))
            fe_walk_stmt(w, kk.v[i], st);
    }
    kids_free(&kk);
}

/* 1 when local var (USR) is assigned inside the loop extent lb..le. */
static int assigned_in(walker_t *w, const char *usr, unsigned lb, unsigned le)
{
    for (size_t i = 0; i < w->nasgs; i++)
        if (strcmp(w->asgs[i].var, usr) == 0 && w->asgs[i].off >= lb && w->asgs[i].off <= le)
            return 1;
    return 0;
}

/* Classifies a start routine's argument (see rc_arg_kind_t); *key receives the
 * arg_key (owned by the caller) or NULL. */
rc_arg_kind_t fe_classify_arg(walker_t *w, CXCursor arg, char **key)
{
    *key = NULL;
    CXCursor e = fe_strip(&w->tree, arg, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    int in_loop = w->loop_le != 0;
    long long v;
    if (fe_is_int_const(e, &v)) {
        if (v == 0)
            return RC_ARG_NONE;
        *key = rc_xasprintf("#%lld", v);
        return RC_ARG_VALUE;
    }
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        CXCursor x = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 0);
        if (cursor_null(x))
            return RC_ARG_UNKNOWN;
        lval_t lv;
        if (lvalue_key(w, x, &lv)) {
            rc_arg_kind_t kind = RC_ARG_GLOBAL;
            if (strstr(lv.key.s, "[*]") || strchr(lv.key.s, RC_PARAM_MARK))
                kind = in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN;
            else
                *key = rc_xstrdup(lv.key.s);
            lval_close(&lv);
            return kind;
        }
        if (clang_getCursorKind(x) == CXCursor_ArraySubscriptExpr) {
            kids_t kk;
            fe_children(&w->tree, x, &kk);
            int cst = kk.n == 2 && fe_is_int_const(kk.v[1], &v);
            kids_free(&kk);
            if (!cst)
                return in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN;
        }
        char *root = fe_handle_root(w, x);
        if (!root)
            return RC_ARG_UNKNOWN;
        *key = root;
        return RC_ARG_SAME;
    }
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (!fe_is_var(d))
            return RC_ARG_UNKNOWN;
        char *usr = fe_usr_dup(w, d);
        int esc = fe_type_is_pointer(clang_getCursorType(d)) ? escaped_pointer(w, d, e) : 0;
        if (esc || (fe_type_is_pointer(clang_getCursorType(d)) && fe_is_global_var(d))) {
            *key = pointee_key_of(w, d, esc); /* what gp (or the escaped local) points to */
            free(usr);
            return RC_ARG_GLOBAL;
        }
        if (fe_type_is_pointer(clang_getCursorType(d))) {
            if (!fe_is_global_var(d) && in_loop && assigned_in(w, usr, w->loop_lb, w->loop_le)) {
                free(usr);
                return RC_ARG_DISTINCT; /* a fresh object per iteration */
            }
            *key = usr;
            return RC_ARG_SAME;
        }
        free(usr);
        return in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN; /* an integer value */
    }
    if (k == CXCursor_BinaryOperator || k == CXCursor_CallExpr)
        return in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN; /* a + i, make_arg(i) */
    return RC_ARG_UNKNOWN;
}

/* The object pointer argument arg points to, keyed as lvalue would key it; 0
 * when it is nothing tracked. Nothing is recorded. With named, lv->name is as
 * written: `&x` -> "x", an array `buf` -> "buf", a pointer `p` -> "*p". */
static int arg_object(walker_t *w, CXCursor arg, lval_t *lv, int named)
{
    CXCursor e = fe_strip(&w->tree, arg, 1);
    if (!fe_type_is_pointer(clang_getCursorType(e)) && !fe_type_is_array(clang_getCursorType(e)))
        return 0;
    int saved = w->record, saved_keys = w->need_keys;
    w->record = 0;
    w->need_keys = 1;
    rc_lset_t scratch;
    rc_lset_empty(&scratch);
    int tracked = 0, addr = 0;
    CXCursor x = e;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        x = fe_sole_expr_child(&w->tree, e);
        addr = 1;
        tracked = !cursor_null(x) && lvalue(w, x, &scratch, lv);
    } else if (fe_type_is_array(clang_getCursorType(e))) {
        addr = 1;
        tracked = lvalue(w, e, &scratch, lv); /* a global array decays to its start */
    } else if (alias_pointee(w, e, lv) || field_pointee(w, e, lv)) {
        tracked = 1;
    } else {
        int pi = fe_param_derived(w, e);
        if (pi >= 0) {
            param_object(w, pi, e, lv);
            tracked = 1;
        } else {
            tracked = global_pointee(w, e, lv);
        }
    }
    w->record = saved;
    w->need_keys = saved_keys;
    if (tracked && named) {
        char *t = fe_text_of(w, x);
        rc_strbuf_reset(&lv->name);
        rc_strbuf_appendf(&lv->name, "%s%s", addr ? "" : "*", t ? t : "(argument)");
        free(t);
    }
    return tracked;
}

/* The object a call argument points to, as an access key (see rc_call_t), or NULL.
 * Index parts chosen by the caller's parameters ("[p0]") stay: the link step reads
 * them in the caller's context. */
char *fe_call_arg_key(walker_t *w, CXCursor arg)
{
    lval_t lv;
    if (!arg_object(w, arg, &lv, 0))
        return NULL;
    char *key = rc_strbuf_take(&lv.key);
    lval_close(&lv);
    return key;
}

void fe_record_arg_accesses(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                            const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    for (unsigned i = 0; i + 1 < kk->n && i < 64; i++) {
        int wr = ((api->writes >> i) & 1) || (api->writes_from >= 0 && (int)i >= api->writes_from);
        int rd = ((api->reads >> i) & 1) || (api->reads_from >= 0 && (int)i >= api->reads_from);
        lval_t lv;
        if ((!wr && !rd) || !arg_object(w, kk->v[1 + i], &lv, 1))
            continue;
        record_access(w, &lv, wr ? RC_ACC_WRITE : RC_ACC_READ, call, st);
        lval_close(&lv);
    }
}

/* The index of the current function's parameter that e names, or -1. */
int fe_parm_of(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return -1;
    CXCursor d = clang_getCursorReferenced(e);
    return clang_getCursorKind(d) == CXCursor_ParmDecl ? fe_param_no(w, d) : -1;
}

/* 1 when the subtree at c takes the address of local d (it may change through
 * the pointer). */
static int address_taken(walker_t *w, CXCursor c, CXCursor d, int depth)
{
    if (depth > 64)
        return 1;
    if (clang_getCursorKind(c) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf &&
        clang_equalCursors(fe_local_var(w, fe_sole_expr_child(&w->tree, c)), d))
        return 1;
    kids_t kk;
    fe_children(&w->tree, c, &kk);
    int found = 0;
    for (unsigned i = 0; i < kk.n && !found; i++)
        found = address_taken(w, kk.v[i], d, depth + 1);
    kids_free(&kk);
    return found;
}

/* The variable e names (a global or a local, parentheses and casts stripped),
 * as its USR, when it is not volatile; else NULL. */
const char *fe_count_var(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return NULL;
    CXCursor d = clang_getCursorReferenced(e);
    if (!fe_is_var(d) || clang_isVolatileQualifiedType(clang_getCursorType(d)))
        return NULL;
    return fe_usr_cached(&w->usrs, d);
}

/* How many times the body of the innermost loop runs at most, when it is a for
 * statement counting a local up by one between constants: `for (i = A; i < B;
 * i++)` (also `int i = A`, `<=`, `!=`, `++i`, `i += 1`) with i neither assigned
 * nor addressed in the body; else -1. When it counts from 0 up to a variable
 * instead (`i < n`, n not assigned in the body), *bound receives the
 * variable's USR (interned; else NULL): the body runs n times. */
int fe_for_trip(walker_t *w, const char **bound)
{
    *bound = NULL;
    CXCursor init = w->for_parts[0], cond = w->for_parts[1], inc = w->for_parts[2];
    CXCursor body = w->for_parts[3];
    if (cursor_null(init) || cursor_null(cond) || cursor_null(inc) || cursor_null(body))
        return -1;
    CXCursor var = clang_getNullCursor(), from = var;
    kids_t kk;
    if (clang_getCursorKind(init) == CXCursor_DeclStmt) {
        fe_children(&w->tree, init, &kk);
        if (kk.n == 1 && clang_getCursorKind(kk.v[0]) == CXCursor_VarDecl) {
            var = kk.v[0];
            kids_t vk;
            fe_children(&w->tree, var, &vk);
            for (unsigned i = 0; i < vk.n; i++)
                if (is_expr(vk.v[i]))
                    from = vk.v[i];
            kids_free(&vk);
        }
        kids_free(&kk);
    } else if (clang_getCursorKind(init) == CXCursor_BinaryOperator &&
               clang_getCursorBinaryOperatorKind(init) == CXBinaryOperator_Assign) {
        fe_children(&w->tree, init, &kk);
        if (kk.n == 2) {
            var = fe_local_var(w, kk.v[0]);
            from = kk.v[1];
        }
        kids_free(&kk);
    }
    long long a, b, one = 0;
    if (cursor_null(var) || cursor_null(from) || !fe_is_int_const(from, &a))
        return -1;
    cond = fe_strip(&w->tree, cond, 1);
    if (clang_getCursorKind(cond) != CXCursor_BinaryOperator)
        return -1;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(cond);
    fe_children(&w->tree, cond, &kk);
    const char *var_bound = NULL;
    int ok = kk.n == 2 && clang_equalCursors(fe_local_var(w, kk.v[0]), var) &&
             (op == CXBinaryOperator_LT || op == CXBinaryOperator_LE || op == CXBinaryOperator_NE);
    if (ok && !fe_is_int_const(kk.v[1], &b)) {
        var_bound = a == 0 && op != CXBinaryOperator_LE ? fe_count_var(w, kk.v[1]) : NULL;
        ok = var_bound != NULL;
    }
    kids_free(&kk);
    if (!ok)
        return -1;
    inc = fe_strip(&w->tree, inc, 1);
    if (clang_getCursorKind(inc) == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(inc);
        ok = (u == CXUnaryOperator_PostInc || u == CXUnaryOperator_PreInc) &&
             clang_equalCursors(fe_local_var(w, fe_sole_expr_child(&w->tree, inc)), var);
    } else if (clang_getCursorKind(inc) == CXCursor_CompoundAssignOperator &&
               clang_getCursorBinaryOperatorKind(inc) == CXBinaryOperator_AddAssign) {
        fe_children(&w->tree, inc, &kk);
        ok = kk.n == 2 && clang_equalCursors(fe_local_var(w, kk.v[0]), var) &&
             fe_is_int_const(kk.v[1], &one) && one == 1;
        kids_free(&kk);
    } else {
        ok = 0;
    }
    rc_pos_t bp = fe_pos_of(w, body);
    ok = ok && !assigned_in(w, fe_usr_cached(&w->usrs, var), bp.off, bp.end) &&
         !address_taken(w, body, var, 0);
    if (!ok || (var_bound && assigned_in(w, var_bound, bp.off, bp.end)))
        return -1;
    if (var_bound) {
        *bound = var_bound;
        return -1;
    }
    long long n = op == CXBinaryOperator_LE ? b - a + 1 : b - a;
    if (op == CXBinaryOperator_NE && n < 0)
        return -1; /* counts past the bound: wraps around */
    return n < 0 ? 0 : n > 1000000 ? -1 : (int)n;
}

/* Records a reachable exit: the return statement at, or (fallthrough) the end of
 * the body at. */
void fe_record_exit(walker_t *w, CXCursor at, int fallthrough, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->exits, fn->nexits, fn->capexits);
    rc_exit_t *x = &fn->exits[fn->nexits++];
    x->pos = fe_pos_of(w, at);
    x->fallthrough = fallthrough;
    x->target = 0;
    if (fallthrough) {
        CXSourceRange r = clang_getCursorExtent(at);
        CXFile f = NULL;
        unsigned line = 0, col = 0, off = 0;
        clang_getExpansionLocation(clang_getRangeEnd(r), &f, &line, &col, &off);
        if (f && line) {
            x->pos.line = line;
            x->pos.col = col > 1 ? col - 1 : col; /* the range ends after the brace */
            x->pos.off = x->pos.end = off;
        }
    }
    x->held = fe_recorded(w, st);
}

static void eval_assign(walker_t *w, CXCursor e, kids_t *kk, int compound, rc_lset_t *st)
{
    lval_t lv;
    int tracked = lvalue(w, kk->v[0], st, &lv);
    if (!tracked) {
        /* A local target: remember function and lock pointers it receives. */
        CXCursor lhs = fe_strip(&w->tree, kk->v[0], 0);
        int local = clang_getCursorKind(lhs) == CXCursor_DeclRefExpr;
        if (local) {
            fe_note_local_assign(w, clang_getCursorReferenced(lhs), kk->v[1]);
            fe_imp_drop(w, fe_usr_cached(&w->usrs, clang_getCursorReferenced(lhs)), 0, st);
        }
        size_t nacc0 = w->fn ? w->fn->nacc : 0;
        fe_eval_expr(w, kk->v[1], st);
        if (!compound)
            fe_note_result(w, kk->v[0], kk->v[1]); /* pid = fork(), pids[i] = fork() */
        if (local) {
            fe_record_local_assign(w, clang_getCursorReferenced(lhs), kk->v[1], e, nacc0, compound,
                                   st);
            if (!compound)
                fe_imp_result(w, fe_usr_cached(&w->usrs, clang_getCursorReferenced(lhs)), kk->v[1],
                              st);
        }
        return;
    }
    CXCursor lhs = fe_strip(&w->tree, kk->v[0], 0);
    if (w->record && !compound && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr) {
        fe_note_global_fnptr(w, clang_getCursorReferenced(lhs), kk->v[1]);
        fe_note_self_handle(w, clang_getCursorReferenced(lhs), kk->v[1]);
    }
    const char *saved_key = w->watch_key;
    int saved_hit = w->watch_hit;
    w->watch_key = compound ? NULL : lv.key.s;
    w->watch_hit = 0;
    fe_eval_expr(w, kk->v[1], st);
    if (!compound)
        fe_note_result(w, kk->v[0], kk->v[1]); /* gshm = mmap(..) */
    int rmw = compound || w->watch_hit;
    w->watch_key = saved_key;
    w->watch_hit = saved_hit;
    if (rmw && !compound)
        lv.flags |= RC_ACC_SPLIT;
    size_t nacc0 = w->fn ? w->fn->nacc : 0;
    record_access(w, &lv, rmw ? RC_ACC_RMW : RC_ACC_WRITE, e, st);
    if (w->fn && w->fn->nacc > nacc0)
        fe_record_store_from(w, w->fn->nacc - 1, kk->v[1], e);
    lval_close(&lv);
}

void fe_eval_expr(walker_t *w, CXCursor e, rc_lset_t *st)
{
    if (w->depth >= RC_MAX_EXPR_DEPTH)
        return;
    w->depth++;
    fe_eval_expr_node(w, e, st);
    w->depth--;
}

void fe_eval_expr_node(walker_t *w, CXCursor e, rc_lset_t *st)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    switch (k) {
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr: {
        lval_t lv;
        if (lvalue(w, e, st, &lv)) {
            /* An array designator decays to its address: no element is read. */
            if (!fe_type_is_array(clang_getCursorType(e)))
                record_access(w, &lv, RC_ACC_READ, e, st);
            lval_close(&lv);
        }
        return;
    }
    case CXCursor_UnaryOperator: {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
        CXCursor in = fe_sole_expr_child(&w->tree, e);
        if (cursor_null(in))
            return;
        if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
            op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec) {
            lval_t lv;
            if (lvalue(w, in, st, &lv)) {
                record_access(w, &lv, RC_ACC_RMW, e, st);
                lval_close(&lv);
            } else {
                CXCursor v = fe_strip(&w->tree, in, 0);
                if (clang_getCursorKind(v) == CXCursor_DeclRefExpr) {
                    fe_imp_drop(w, fe_usr_cached(&w->usrs, clang_getCursorReferenced(v)), 0, st);
                    fe_record_local_assign(w, clang_getCursorReferenced(v), clang_getNullCursor(),
                                           e, w->fn ? w->fn->nacc : 0, 1, st);
                }
            }
            return;
        }
        if (op == CXUnaryOperator_AddrOf) {
            /* The address escapes; the object itself is not accessed here. */
            lval_t lv;
            if (lvalue(w, in, st, &lv))
                lval_close(&lv);
            return;
        }
        if (op == CXUnaryOperator_Deref) {
            /* `*p` read: the object p points to, when it can be named (through a
             * parameter, a global pointer, ...), as `p[0]` is. */
            CXType t = clang_getCanonicalType(clang_getCursorType(e));
            lval_t lv;
            if (t.kind != CXType_FunctionProto && t.kind != CXType_FunctionNoProto &&
                !fe_type_is_array(t) && lvalue(w, e, st, &lv)) {
                record_access(w, &lv, RC_ACC_READ, e, st);
                lval_close(&lv);
                return;
            }
        }
        fe_eval_expr(w, in, st);
        return;
    }
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator: {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        if (kk.n != 2) {
            kids_free(&kk);
            fe_eval_children(w, e, st);
            return;
        }
        if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
            eval_assign(w, e, &kk, op != CXBinaryOperator_Assign, st);
        } else if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) {
            rc_lset_t t, f;
            fe_eval_cond(w, e, st, &t, &f);
            *st = t;
            rc_lset_meet(st, &f);
        } else {
            fe_eval_expr(w, kk.v[0], st);
            fe_eval_expr(w, kk.v[1], st);
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        if (kk.n == 3) {
            rc_lset_t t, f;
            fe_eval_cond(w, kk.v[0], st, &t, &f);
            fe_eval_expr(w, kk.v[1], &t);
            fe_eval_expr(w, kk.v[2], &f);
            *st = t;
            rc_lset_meet(st, &f);
        } else {
            for (unsigned i = 0; i < kk.n; i++)
                fe_eval_expr(w, kk.v[i], st);
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_CallExpr:
        fe_handle_call(w, e, st);
        return;
    case CXCursor_UnaryExpr:
        return; /* sizeof / _Alignof: operand not evaluated */
    case CXCursor_CStyleCastExpr: {
        CXCursor in = fe_cast_operand(&w->tree, e); /* not a __typeof__ in the type */
        if (!cursor_null(in))
            fe_eval_expr(w, in, st);
        return;
    }
    case CXCursor_StmtExpr:
        fe_eval_children(w, e, st);
        return;
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_ImaginaryLiteral:
        return;
    default:
        fe_eval_children(w, e, st);
        return;
    }
}
