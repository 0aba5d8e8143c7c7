/*
 * walk_call.c - calls: the targets of function pointers, API-model calls
 * (locks, thread creation and joins, once routines, barriers, condition
 * waits, MT-unsafe and library calls, signal-handler installation) and calls
 * of the TU's functions, whose summaries are applied (fe_handle_call).
 */

#include "walk.h"

typedef struct fnrefs {
    CXCursor *v;
    size_t n, cap;
} fnrefs_t;

typedef struct action_scan {
    CXCursor var; /* canonical */
    fnrefs_t fns;
} action_scan_t;

void fe_targets_add(targets_t *t, const char *usr, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->usr[i], usr) == 0)
            return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 4;
        t->usr = rc_xrealloc(t->usr, t->cap * sizeof *t->usr);
        t->name = rc_xrealloc(t->name, t->cap * sizeof *t->name);
    }
    t->usr[t->n] = rc_xstrdup(usr);
    t->name[t->n++] = rc_xstrdup(name);
}

void fe_targets_free(targets_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->usr[i]);
        free(t->name[i]);
    }
    free(t->usr);
    free(t->name);
}

/* In exactly one loop, a for statement counting a local between constants: how
 * many times it runs at most (fe_for_trip); else -1 (rc_create_t.trip). */
static int one_loop_trip(walker_t *w, const char **bound)
{
    *bound = NULL;
    return w->loop_le && w->loop_lb == w->iloop_lb ? fe_for_trip(w, bound) : -1;
}

/* The functions an expression of function (pointer) type may designate: `f`,
 * `&f`, `*fp`, casts of those, `c ? f : g`, and local variables assigned such
 * values earlier in the function. */
void fe_resolve_fn(walker_t *w, CXCursor e, targets_t *out)
{
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        (clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf ||
         clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref)) {
        /* &f, and *fp: `(*fp)(x)` calls what fp holds */
        fe_resolve_fn(w, fe_sole_expr_child(&w->tree, e), out);
        return;
    }
    if (k == CXCursor_ConditionalOperator) {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        for (unsigned i = 1; i < kk.n; i++)
            fe_resolve_fn(w, kk.v[i], out);
        kids_free(&kk);
        return;
    }
    if (k != CXCursor_DeclRefExpr)
        return;
    CXCursor d = clang_getCursorReferenced(e);
    const char *usr = fe_usr_cached(&w->usrs, d);
    if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
        char *name = fe_take(clang_getCursorSpelling(d));
        fe_targets_add(out, usr, name);
        free(name);
    } else if (fe_is_var(d) && !fe_is_global_var(d)) {
        size_t from = 0;
        const alias_t *a;
        while ((a = fe_find_alias(w, usr, 1, &from)))
            fe_targets_add(out, a->usr, a->name);
    }
}

static void record_create(walker_t *w, const rc_api_fn_t *api, CXCursor call, kids_t *kk,
                          const rc_lset_t *st)
{
    unsigned nargs = kk->n - 1;
    targets_t tg = {0};
    if ((unsigned)api->routine_arg < nargs)
        fe_resolve_fn(w, kk->v[1 + api->routine_arg], &tg);
    if (w->record && !st->top) {
        rc_fn_facts_t *fn = w->fn;
        GROW(fn->creates, fn->ncreates, fn->capcreates);
        rc_create_t *c = &fn->creates[fn->ncreates++];
        memset(c, 0, sizeof *c);
        c->routines = tg.usr;
        c->routine_names = tg.name;
        c->nroutines = tg.n;
        tg.usr = tg.name = NULL;
        tg.n = 0;
        c->handle = api->handle_arg >= 0 && (unsigned)api->handle_arg < nargs
                        ? fe_handle_key(w, kk->v[1 + api->handle_arg])
                        : NULL;
        c->api = rc_xstrdup(api->name);
        c->arg_kind = api->arg_arg >= 0 && (unsigned)api->arg_arg < nargs
                          ? fe_classify_arg(w, kk->v[1 + api->arg_arg], &c->arg_key)
                          : RC_ARG_UNKNOWN;
        c->routine_param = c->arg_param = c->handle_param = -1;
        if (api->handle_arg >= 0 && (unsigned)api->handle_arg < nargs)
            c->handle_param = fe_parm_of(w, kk->v[1 + api->handle_arg]);
        if (c->nroutines == 0 && (unsigned)api->routine_arg < nargs)
            c->routine_param = fe_parm_of(w, kk->v[1 + api->routine_arg]);
        if (api->arg_arg >= 0 && (unsigned)api->arg_arg < nargs)
            c->arg_param = fe_parm_of(w, kk->v[1 + api->arg_arg]);
        c->pos = fe_pos_of(w, call);
        c->ls = fe_recorded(w, st);
        const char *bound;
        c->trip = one_loop_trip(w, &bound);
        c->trip_var = bound ? rc_xstrdup(bound) : NULL;
        c->elem = api->handle_arg >= 0 && (unsigned)api->handle_arg < nargs
                      ? fe_handle_elem(w, kk->v[1 + api->handle_arg])
                      : -1;
    }
    fe_targets_free(&tg);
}

/* An `if` with a then-branch: the extents of its test and of that branch. */
void fe_record_guard(walker_t *w, CXCursor cond, CXCursor then, const rc_lset_t *st)
{
    if (!w->record || st->top || !w->fn)
        return;
    rc_fn_facts_t *fn = w->fn;
    rc_pos_t c = fe_pos_of(w, cond), t = fe_pos_of(w, then);
    GROW(fn->guards, fn->nguards, fn->capguards);
    fn->guards[fn->nguards++] = (rc_guard_t){c.off, c.end, t.off, t.end};
}

/* 1 when function declaration d is the system's: first declared in a system
 * header (compiler builtins, which have no file, are not). */
static int library_decl(CXCursor d)
{
    CXCursor first = clang_getCanonicalCursor(d);
    CXFile file = NULL;
    clang_getSpellingLocation(clang_getCursorLocation(first), &file, NULL, NULL, NULL);
    return file && clang_Location_isInSystemHeader(clang_getCursorLocation(first));
}

/* Records a direct call of a library function: its first declaration is in a
 * system header and the program gives it no body outside one. Compiler builtins
 * (implicit declarations without a file) are not library calls. */
static void record_lcall(walker_t *w, CXCursor d, const char *name, CXCursor at,
                         const rc_lset_t *st)
{
    if (!w->record || st->top || !library_decl(d))
        return;
    CXCursor def = clang_getCursorDefinition(d);
    if (!cursor_null(def) && !clang_Location_isInSystemHeader(clang_getCursorLocation(def)))
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->lcalls, fn->nlcalls, fn->caplcalls);
    rc_lcall_t *l = &fn->lcalls[fn->nlcalls++];
    l->name = rc_xstrdup(name);
    l->signal_safe = rc_models_signal_safe(w->models, name);
    l->pos = fe_pos_of(w, at);
}

static void record_sighand(walker_t *w, const rc_api_fn_t *api, const char *usr, const char *name,
                           CXCursor at)
{
    rc_fn_facts_t *fn = w->fn;
    for (size_t i = 0; i < fn->nsighands; i++)
        if (strcmp(fn->sighands[i].handler, usr) == 0 &&
            fn->sighands[i].pos.off == fe_pos_of(w, at).off)
            return;
    GROW(fn->sighands, fn->nsighands, fn->capsighands);
    rc_sighand_t *h = &fn->sighands[fn->nsighands++];
    h->handler = rc_xstrdup(usr);
    h->handler_name = rc_xstrdup(name);
    h->api = rc_xstrdup(api->name);
    h->pos = fe_pos_of(w, at);
}

/* Collects the functions referred to anywhere inside a cursor. */
static enum CXChildVisitResult collect_fns(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    fnrefs_t *r = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            GROW(r->v, r->n, r->cap);
            r->v[r->n++] = d;
        }
    }
    return CXChildVisit_Recurse;
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    *(CXCursor *)data = c;
    return CXChildVisit_Break;
}

/* The variable at the root of an lvalue (`sa.sa_handler` -> sa, `acts[i].f` -> acts),
 * or a null cursor. */
static CXCursor lvalue_root(CXCursor e)
{
    for (int depth = 0; depth < 32 && !cursor_null(e); depth++) {
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            return fe_is_var(d) ? clang_getCanonicalCursor(d) : clang_getNullCursor();
        }
        if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr &&
            k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
            break;
        CXCursor kid = clang_getNullCursor();
        clang_visitChildren(e, first_child, &kid);
        e = kid;
    }
    return clang_getNullCursor();
}

/* Finds assignments `var.field... = <function>` and collects the functions. */
static enum CXChildVisitResult scan_stores(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    action_scan_t *a = data;
    if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
        clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign) {
        CXCursor lhs = clang_getNullCursor();
        clang_visitChildren(c, first_child, &lhs);
        CXCursor root = lvalue_root(lhs);
        if (!cursor_null(root) && clang_equalCursors(root, a->var))
            clang_visitChildren(c, collect_fns, &a->fns);
        return CXChildVisit_Continue;
    }
    return CXChildVisit_Recurse;
}

/* A signal installation (RC_API_SIGNAL_INSTALL): the handler argument names the
 * handler (`on_int`, `&on_int`, a local pointer set to one); the action argument
 * points to a struct variable (`&sa`) whose fields the current function sets
 * (`sa.sa_handler = on_term`, `sa.sa_sigaction = on_info`) or whose initialiser
 * names functions (`struct sigaction sa = {.sa_handler = on_term}`). */
static void handle_signal_install(walker_t *w, const rc_api_fn_t *api, CXCursor call,
                                  const kids_t *kk, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    unsigned nargs = kk->n - 1;
    if (api->handler_arg >= 0 && (unsigned)api->handler_arg < nargs) {
        targets_t tg = {0};
        fe_resolve_fn(w, kk->v[1 + api->handler_arg], &tg);
        for (size_t i = 0; i < tg.n; i++)
            record_sighand(w, api, tg.usr[i], tg.name[i], call);
        fe_targets_free(&tg);
    }
    if (api->action_arg >= 0 && (unsigned)api->action_arg < nargs) {
        CXCursor e = fe_strip(&w->tree, kk->v[1 + api->action_arg], 1);
        if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf)
            e = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
        CXCursor var = lvalue_root(e);
        if (cursor_null(var))
            return;
        action_scan_t a = {.var = var};
        clang_visitChildren(w->cur_fn, scan_stores, &a);
        CXCursor def = clang_getCursorDefinition(var);
        clang_visitChildren(cursor_null(def) ? var : def, collect_fns, &a.fns);
        for (size_t i = 0; i < a.fns.n; i++) {
            char *usr = fe_usr_dup(w, a.fns.v[i]);
            char *name = fe_take(clang_getCursorSpelling(a.fns.v[i]));
            record_sighand(w, api, usr, name, call);
            free(usr);
            free(name);
        }
        free(a.fns.v);
    }
}

/* Callbacks registered with an event loop (RC_API_CALLBACK, or callback_args of
 * another kind): each runs later on the thread that runs the loop, which is the
 * registering thread. Recorded as a call of the callback at the registration,
 * with no locks held (the loop calls it from its own frame) and no arguments
 * (what the loop passes is not the registration's argument list). */
static void record_callbacks(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                             const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    kids_t callee_only = {kk->v, 1, 1, 0};
    rc_lset_t none;
    rc_lset_empty(&none);
    for (unsigned i = 0; i + 1 < kk->n && i < 64; i++) {
        if (!(api->callback_args & (UINT64_C(1) << i)))
            continue;
        targets_t tg = {0};
        fe_resolve_fn(w, kk->v[1 + i], &tg);
        for (size_t t = 0; t < tg.n; t++) {
            fe_record_call(w, tg.usr[t], tg.name[t], call, &callee_only, &none);
            w->fn->calls[w->fn->ncalls - 1].callback = 1;
        }
        fe_targets_free(&tg);
    }
}

/* 1 when e is a function designator: `f` or `&f`, casts aside. */
static int names_function(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf)
        e = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
           clang_getCursorKind(clang_getCursorReferenced(e)) == CXCursor_FunctionDecl;
}

/* The call just recorded (w->fn->calls' last) goes to callee, a function this
 * TU does not define: each function whose address it passes (`qsort(.., cmp)`,
 * `register(on_event)`) may be called there. A call of it is recorded, without
 * arguments, marked passed_to (the link step keeps it only when callee is
 * defined nowhere in the program). */
static void record_passed_fns(walker_t *w, const char *callee, CXCursor call, const kids_t *kk,
                              const rc_lset_t *st)
{
    if (!w->record || st->top || !w->fn->ncalls)
        return;
    kids_t callee_only = {kk->v, 1, 1, 0};
    size_t at = w->fn->ncalls - 1; /* w->fn->calls moves as calls are added */
    for (size_t i = 0; i < (size_t)w->fn->calls[at].nargs; i++) {
        if (!w->fn->calls[at].arg_fns[i])
            continue; /* not exactly one function */
        targets_t tg = {0};
        fe_resolve_fn(w, kk->v[1 + i], &tg);
        for (size_t t = 0; t < tg.n; t++) {
            fe_record_call(w, tg.usr[t], tg.name[t], call, &callee_only, st);
            w->fn->calls[w->fn->ncalls - 1].passed_to = rc_xstrdup(callee);
        }
        fe_targets_free(&tg);
    }
}

/* Adds the order mark id to st (internal.h), room permitting. */
static void add_mark(walker_t *w, const char *id, const char *name, rc_lset_t *st)
{
    if (!st->top && st->n < RC_LS_MAX - MARK_ROOM)
        rc_lset_add(st, fe_intern_lock(w, id, name), 0);
}

uint32_t fe_nostart_mark(walker_t *w, CXCursor call)
{
    char *id = rc_xasprintf("%s%u:%s", RC_NOSTART_PREFIX, fe_pos_of(w, call).off,
                            fe_usr_cached(&w->usrs, w->cur_fn));
    uint32_t l = fe_intern_lock(w, id, "(thread creation failed)");
    free(id);
    return l;
}

/* A once call (RC_API_ONCE): each routine it may run (tg) is recorded as a call
 * made here, on the calling thread with its locks, marked with the once object's
 * key (rc_call_t.once; "" when it has none). When it returns, the routine has
 * finished, whichever thread ran it: the mark RC_ONCE_PREFIX<key> is held from
 * here on (internal.h, order marks). */
static void record_once(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                        const targets_t *tg, rc_lset_t *st)
{
    if (st->top)
        return;
    char *key =
        (unsigned)api->lock_arg < kk->n - 1 ? fe_call_arg_key(w, kk->v[1 + api->lock_arg]) : NULL;
    kids_t callee_only = {kk->v, 1, 1, 0};
    for (size_t t = 0; w->record && t < tg->n; t++) {
        fe_record_call(w, tg->usr[t], tg->name[t], call, &callee_only, st);
        w->fn->calls[w->fn->ncalls - 1].once = rc_xstrdup(key ? key : "");
    }
    if (key && rc_key_definite(key)) {
        char *id = rc_xasprintf("%s%s", RC_ONCE_PREFIX, key);
        add_mark(w, id, "(once done)", st);
        free(id);
    }
    free(key);
}

/* A join of the thread whose handle is the plain variable h (`pthread_join(t, 0)`,
 * not an array element or a field), with a lock held or h a global: the mark
 * RC_JOIN_PREFIX<USR of h> is held from here on (internal.h, order marks). Only
 * a lock held across the join (program.c, creation locksets) or a global that
 * may name the main thread (rc_tu_facts_t.self_vars) needs it. */
static void mark_join(walker_t *w, CXCursor h, rc_lset_t *st)
{
    CXCursor e = fe_strip(&w->tree, h, 1);
    int locked = 0;
    for (int i = 0; !st->top && i < st->n && !locked; i++)
        locked = !fe_is_mark_id(w->facts->locks.v[RC_LREF_LOCK(st->v[i])]);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return;
    CXCursor d = clang_getCursorReferenced(e);
    if (!fe_is_var(d) || fe_type_is_array(clang_getCursorType(d)) ||
        fe_type_is_pointer(clang_getCursorType(d)) || (!locked && !fe_is_global_var(d)))
        return;
    char *usr = fe_take(clang_getCursorUSR(d));
    char *id = rc_xasprintf("%s%s", RC_JOIN_PREFIX, usr);
    add_mark(w, id, "(thread joined)", st);
    free(id);
    free(usr);
}

/* A barrier wait (RC_API_BARRIER_WAIT) on a definite barrier: with the marks
 * "bar:<key>#1".."#k" held before (at least k waits passed on every path), the
 * thread has passed at least k + 1 after it (counted up to RC_BARRIER_MAX_MARK). */
static void pass_barrier(walker_t *w, const rc_api_fn_t *api, const kids_t *kk, rc_lset_t *st)
{
    if (st->top || (unsigned)api->lock_arg >= kk->n - 1)
        return;
    char *key = fe_call_arg_key(w, kk->v[1 + api->lock_arg]);
    if (key && rc_key_definite(key)) {
        int k = 0;
        for (int j = 1; j <= RC_BARRIER_MAX_MARK; j++) {
            char *id = rc_xasprintf("%s%s#%d", RC_BARRIER_PREFIX, key, j);
            uint32_t l = rc_strtab_lookup(&w->facts->locks, id);
            free(id);
            if (l != UINT32_MAX && rc_lset_has(st, l))
                k = j;
        }
        if (k < RC_BARRIER_MAX_MARK) {
            char *id = rc_xasprintf("%s%s#%d", RC_BARRIER_PREFIX, key, k + 1);
            add_mark(w, id, "(barrier passed)", st);
            free(id);
        }
    }
    free(key);
}

void fe_handle_call(walker_t *w, CXCursor e, rc_lset_t *st)
{
    kids_t kk;
    fe_children(&w->tree, e, &kk);
    if (kk.n == 0) {
        kids_free(&kk);
        return;
    }
    CXCursor d = clang_getCursorReferenced(e);
    int direct = clang_getCursorKind(d) == CXCursor_FunctionDecl;
    char *name = direct ? fe_take(clang_getCursorSpelling(d)) : NULL;
    const rc_api_fn_t *api = name ? rc_models_find(w->models, name) : NULL;
    const rc_api_fn_t *mem = api && rc_api_touches_memory(api) ? api : NULL;
    if (api && api->kind == RC_API_MEMORY)
        api = NULL; /* otherwise a plain library call */
    if (direct)
        record_lcall(w, d, name, e, st);
    else
        fe_eval_expr(w, kk.v[0], st); /* reads the function pointer */
    targets_t once_tg = {0};          /* RC_API_ONCE: the routines it may run */
    if (api && api->kind == RC_API_ONCE && (unsigned)api->routine_arg < kk.n - 1)
        fe_resolve_fn(w, kk.v[1 + api->routine_arg], &once_tg);
    /* A function this TU does not define may call the functions passed to it
     * (record_passed_fns): their addresses go there and nowhere else. */
    int passing = direct && !api && fe_sum_index(w, d) == UINT32_MAX;
    for (unsigned i = 1; i < kk.n; i++) {
        if (api && api->kind == RC_API_THREAD_CREATE && (int)i - 1 == api->routine_arg)
            continue; /* the start routine is not an escaping address */
        if (once_tg.n && (int)i - 1 == api->routine_arg)
            continue; /* nor is a once routine named here: it is called here */
        w->passing_fn = passing && names_function(w, kk.v[i]);
        fe_eval_expr(w, kk.v[i], st);
        w->passing_fn = 0;
    }
    unsigned nargs = kk.n - 1;
    if (mem)
        fe_record_arg_accesses(w, mem, e, &kk, st);
    if (api) {
        switch (api->kind) {
        case RC_API_LOCK:
            if (api->lock_global || (unsigned)api->lock_arg < nargs) {
                uint32_t l = fe_model_lock(w, api, &kk);
                fe_record_lockop(w, api, l, e, st);
                if (fe_result_stored(w, e))
                    rc_lset_add(st, l, api->shared);
                else
                    fe_acquire(w, l, api->shared, st);
                fe_note_acquired(w, l, st);
            }
            break;
        case RC_API_TRYLOCK: /* held only on a branch: see fe_eval_cond */
            if ((unsigned)api->lock_arg < nargs)
                fe_record_lockop(w, api, fe_lock_of(w, kk.v[1 + api->lock_arg]), e, st);
            break;
        case RC_API_UNLOCK:
            if (api->lock_global || (unsigned)api->lock_arg < nargs) {
                uint32_t l = fe_model_lock(w, api, &kk);
                fe_record_lockop(w, api, l, e, st);
                fe_release(w, l, st);
            }
            break;
        case RC_API_THREAD_CREATE:
            record_create(w, api, e, &kk, st);
            break;
        case RC_API_THREAD_JOIN:
            if (w->record && !st->top) {
                rc_fn_facts_t *fn = w->fn;
                GROW(fn->joins, fn->njoins, fn->capjoins);
                rc_join_t *j = &fn->joins[fn->njoins++];
                j->handle = (unsigned)api->handle_arg < nargs
                                ? fe_handle_key(w, kk.v[1 + api->handle_arg])
                                : NULL;
                j->elem = (unsigned)api->handle_arg < nargs
                              ? fe_handle_elem(w, kk.v[1 + api->handle_arg])
                              : -1;
                const char *bound;
                j->trip = one_loop_trip(w, &bound);
                j->pos = fe_pos_of(w, e);
            }
            if ((unsigned)api->handle_arg < nargs)
                mark_join(w, kk.v[1 + api->handle_arg], st);
            break;
        case RC_API_NORETURN:
            rc_lset_top(st);
            break;
        case RC_API_MT_UNSAFE:
            if (w->record && !st->top) {
                rc_fn_facts_t *fn = w->fn;
                GROW(fn->ucalls, fn->nucalls, fn->capucalls);
                rc_ucall_t *u = &fn->ucalls[fn->nucalls++];
                u->name = rc_xstrdup(api->name);
                u->state = rc_xstrdup(api->state);
                u->alternative = api->alternative ? rc_xstrdup(api->alternative) : NULL;
                u->read_only = api->read_only;
                u->pos = fe_pos_of(w, e);
                u->ls = fe_recorded(w, st);
            }
            break;
        case RC_API_SIGNAL_INSTALL:
            handle_signal_install(w, api, e, &kk, st);
            break;
        case RC_API_COND_WAIT:
            if (w->record && !st->top) {
                rc_fn_facts_t *fn = w->fn;
                GROW(fn->waits, fn->nwaits, fn->capwaits);
                rc_wait_t *wt = &fn->waits[fn->nwaits++];
                wt->api = rc_xstrdup(api->name);
                wt->pos = fe_pos_of(w, e);
            }
            break;
        case RC_API_CALLBACK: /* below: every kind may name callbacks */
            break;
        case RC_API_FORK:
        case RC_API_PROC_WAIT:
        case RC_API_EXEC:
        case RC_API_SHARED_MAP:
        case RC_API_SYNC_INIT:
        case RC_API_ATTR_PSHARED:
        case RC_API_SEM_WAIT:
        case RC_API_SEM_POST:
            fe_record_pcall(w, api, e, &kk, st);
            /* Held, as a lock, from the wait to the post: program.c counts it
             * only for a binary semaphore (rc_program_t.lock_sem). No lock
             * operation is recorded: the lock rules are about mutexes. */
            if ((unsigned)api->lock_arg < nargs) {
                uint32_t l = fe_sem_lock_of(w, kk.v[1 + api->lock_arg]);
                if (api->kind == RC_API_SEM_WAIT)
                    rc_lset_add(st, l, 0);
                else
                    fe_release(w, l, st);
            }
            break;
        case RC_API_SEM_INIT:
            fe_record_pcall(w, api, e, &kk, st);
            break;
        case RC_API_ONCE:
            record_once(w, api, e, &kk, &once_tg, st);
            break;
        case RC_API_BARRIER_WAIT:
            fe_record_pcall(w, api, e, &kk, st);
            pass_barrier(w, api, &kk, st);
            break;
        case RC_API_THREAD_SELF: /* its result: fe_note_self_handle */
        case RC_API_MEMORY:      /* not here: a plain library call (mem, above) */
            break;
        case RC_API_YIELD:
        case RC_API_EVENT_WAIT:
            if (w->record && !st->top) {
                rc_fn_facts_t *fn = w->fn;
                GROW(fn->yields, fn->nyields, fn->capyields);
                rc_yield_t *y = &fn->yields[fn->nyields++];
                y->api = rc_xstrdup(api->name);
                y->wait = api->kind == RC_API_EVENT_WAIT;
                y->pos = fe_pos_of(w, e);
            }
            break;
        }
        if (api->callback_args)
            record_callbacks(w, api, e, &kk, st);
    } else if (direct) {
        const char *usr = fe_usr_cached(&w->usrs, d);
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
        if (si == UINT32_MAX && library_decl(d)) {
            /* The system's function (pthread_cond_signal, malloc): never the
             * definition of an interposer or replacement elsewhere in the
             * project (an LD_PRELOAD library in the same compile database). */
            char *lib = rc_xasprintf("%c%s", RC_LIBCALL_MARK, usr);
            fe_record_call(w, lib, name, e, &kk, st);
            record_passed_fns(w, lib, e, &kk, st);
            free(lib);
            goto done;
        }
        fe_record_call(w, usr, name, e, &kk, st);
        if (si == UINT32_MAX)
            record_passed_fns(w, usr, e, &kk, st);
        if (si != UINT32_MAX && w->ret_fork[si])
            fe_record_fork_wrapper(w, name, e, st);
        if (si != UINT32_MAX) {
            fe_apply_summary(w, &w->sums[si], &kk, st);
        } else {
            rc_strtab_intern(&w->ext, usr);
            uint32_t ii = w->imports ? rc_strtab_lookup(&w->imports->usrs, usr) : UINT32_MAX;
            if (ii != UINT32_MAX)
                fe_apply_import(w, &w->imports->v[ii], &kk, st);
        }
    done:;
    } else {
        targets_t tg = {0};
        fe_resolve_fn(w, kk.v[0], &tg);
        for (size_t i = 0; i < tg.n; i++)
            fe_record_call(w, tg.usr[i], tg.name[i], e, &kk, st);
        fe_apply_targets(w, &tg, &kk, st);
        CXCursor callee = fe_strip(&w->tree, kk.v[0], 1);
        if (clang_getCursorKind(callee) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(callee) == CXUnaryOperator_Deref) {
            CXCursor in = fe_sole_expr_child(&w->tree, callee); /* (*fp)(x) */
            if (!cursor_null(in))
                callee = fe_strip(&w->tree, in, 1);
        }
        CXCursor cd = clang_getCursorReferenced(callee);
        int ref = clang_getCursorKind(callee) == CXCursor_DeclRefExpr;
        int pi = ref && clang_getCursorKind(cd) == CXCursor_ParmDecl ? fe_param_no(w, cd) : -1;
        if (tg.n == 0 && w->record && !st->top && ref && fe_is_global_var(cd)) {
            /* Through a global function pointer: what the program stores there. */
            fe_record_call(w, "", "(function pointer)", e, &kk, st);
            w->fn->calls[w->fn->ncalls - 1].fn_global = fe_usr_dup(w, cd);
        } else if (tg.n == 0 && w->record && !st->top && pi >= 0) {
            /* Through a parameter: whatever the callers pass (linked in program.c). */
            fe_record_call(w, "", "(function parameter)", e, &kk, st);
            w->fn->calls[w->fn->ncalls - 1].fn_param = pi;
        } else if (tg.n == 0 && w->record && !st->top && !(fe_mask_of(w, kk.v[0]) & DEP_PARAMS)) {
            /* Through a pointer nobody here can name: linked by function type. Not
             * when it comes out of a parameter (a thread trampoline's payload):
             * that would merge every routine started through the trampoline. */
            char *type = fe_fn_type_of(clang_getCursorType(kk.v[0]));
            if (type) {
                fe_record_call(w, "", "(function pointer)", e, &kk, st);
                w->fn->calls[w->fn->ncalls - 1].fn_type = type;
            }
        }
        fe_targets_free(&tg);
    }
    fe_targets_free(&once_tg);
    free(name);
    kids_free(&kk);
}

void fe_add_gfp(rc_tu_facts_t *tf, const char *var, const char *fn)
{
    for (size_t i = 0; i < tf->ngfp; i++)
        if (strcmp(tf->gfp_var[i], var) == 0 && strcmp(tf->gfp_fn[i], fn) == 0)
            return;
    if (tf->ngfp == tf->capgfp) {
        tf->capgfp = tf->capgfp ? tf->capgfp * 2 : 8;
        tf->gfp_var = rc_xrealloc(tf->gfp_var, tf->capgfp * sizeof *tf->gfp_var);
        tf->gfp_fn = rc_xrealloc(tf->gfp_fn, tf->capgfp * sizeof *tf->gfp_fn);
    }
    tf->gfp_var[tf->ngfp] = rc_xstrdup(var);
    tf->gfp_fn[tf->ngfp++] = rc_xstrdup(fn);
}

void fe_note_self_handle(walker_t *w, CXCursor var, CXCursor value)
{
    const rc_api_fn_t *api = fe_is_global_var(var) ? fe_call_model(w, value) : NULL;
    if (!w->fn || !api || api->kind != RC_API_THREAD_SELF)
        return;
    rc_tu_facts_t *tf = w->facts;
    const char *usr = fe_usr_cached(&w->usrs, var);
    for (size_t i = 0; i < tf->nself; i++)
        if (strcmp(tf->self_vars[i], usr) == 0 && strcmp(tf->self_fns[i], w->fn->usr) == 0)
            return;
    if (tf->nself == tf->capself) {
        tf->capself = tf->capself ? tf->capself * 2 : 4;
        tf->self_vars = rc_xrealloc(tf->self_vars, tf->capself * sizeof *tf->self_vars);
        tf->self_fns = rc_xrealloc(tf->self_fns, tf->capself * sizeof *tf->self_fns);
    }
    tf->self_vars[tf->nself] = rc_xstrdup(usr);
    tf->self_fns[tf->nself++] = rc_xstrdup(w->fn->usr);
}

/* `gfp = f;` with gfp a global function pointer: remember that gfp may hold f. */
void fe_note_global_fnptr(walker_t *w, CXCursor var, CXCursor value)
{
    char *type = fe_is_global_var(var) ? fe_fn_type_of(clang_getCursorType(var)) : NULL;
    if (!type)
        return;
    free(type);
    targets_t tg = {0};
    fe_resolve_fn(w, value, &tg);
    const char *vusr = fe_usr_cached(&w->usrs, var);
    for (size_t i = 0; i < tg.n; i++)
        fe_add_gfp(w->facts, vusr, tg.usr[i]);
    fe_targets_free(&tg);
}
