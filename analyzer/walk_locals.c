/*
 * walk_locals.c - what the walker knows of a function's locals: the pointers
 * that only hold one global object's address (aliases), the locals whose
 * address is taken or handed to a thread, the function and lock pointers they
 * are assigned, dependency masks over the parameters (prescan, fe_compute_masks),
 * and the values that flow between locals and shared locations (rc_lflow_t).
 */

#include "walk.h"

/* The local variable `&x` takes the address of (casts and parentheses
 * stripped), or a null cursor. */
static CXCursor addr_of_local(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_AddrOf)
        return clang_getNullCursor();
    CXCursor x = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 1);
    if (clang_getCursorKind(x) != CXCursor_DeclRefExpr) /* &a[i], &s.f: left out */
        return clang_getNullCursor();
    CXCursor v = clang_getCursorReferenced(x);
    return fe_is_var(v) && !fe_is_global_var(v) ? v : clang_getNullCursor();
}

/* The key of the global object whose address pointer value e is: `&g`,
 * `&g.f.h`, `&g.a[2]` (fields and constant elements of a global, not through
 * pointers) or a global array decaying to its start, as lvalue would name it;
 * NULL for anything else (thread-local globals too). */
static char *global_address(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    int addr = clang_getCursorKind(e) == CXCursor_UnaryOperator &&
               clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf;
    CXCursor x = addr ? fe_strip(&w->tree, fe_sole_expr_child(&w->tree, e), 0) : e;
    rc_strbuf_t path;
    rc_strbuf_init(&path);
    while (addr && (clang_getCursorKind(x) == CXCursor_MemberRefExpr ||
                    clang_getCursorKind(x) == CXCursor_ArraySubscriptExpr)) {
        int member = clang_getCursorKind(x) == CXCursor_MemberRefExpr;
        kids_t kk;
        fe_children(&w->tree, x, &kk);
        CXCursor base = kk.n >= 1 ? kk.v[0] : clang_getNullCursor();
        long long k = -1;
        int cst = !member && kk.n == 2 && fe_is_int_const(kk.v[1], &k) && k >= 0;
        kids_free(&kk);
        if (cursor_null(base) ||
            (member
                 ? fe_type_is_pointer(clang_getCursorType(base))
                 : !cst || !fe_type_is_array(clang_getCursorType(fe_strip(&w->tree, base, 0))))) {
            rc_strbuf_close(&path); /* through a pointer, or an element chosen at run time */
            return NULL;
        }
        char *field = member ? fe_take(clang_getCursorSpelling(x)) : rc_xasprintf("%lld", k);
        rc_strbuf_t b; /* prepend: the walk goes from the outermost part in */
        rc_strbuf_init(&b);
        rc_strbuf_appendf(&b, member ? ".%s%s" : "[%s]%s", field, path.s ? path.s : "");
        rc_strbuf_close(&path);
        path = b;
        free(field);
        x = fe_strip(&w->tree, base, 0);
    }
    CXCursor d = clang_getCursorKind(x) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(x)
                                                                : clang_getNullCursor();
    if (cursor_null(d) || !fe_is_global_var(d) || clang_getCursorTLSKind(d) != CXTLS_None ||
        (!addr && !fe_type_is_array(clang_getCursorType(d)))) {
        rc_strbuf_close(&path);
        return NULL;
    }
    char *key =
        rc_xasprintf("%s%c%s", fe_usr_cached(&w->usrs, d), RC_KEY_SEP, path.s ? path.s : "");
    rc_strbuf_close(&path);
    return key;
}

/* The local pointer variable e names (parentheses stripped), or a null cursor. */
static CXCursor local_pointer(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 0);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(e);
    return clang_getCursorKind(d) == CXCursor_VarDecl && !fe_is_global_var(d) &&
                   fe_type_is_pointer(clang_getCursorType(d))
               ? d
               : clang_getNullCursor();
}

/* The length of the longest common start of keys a and b that ends at a whole
 * path component ("g\x1e.f" of "g\x1e.f.x" and "g\x1e.f[2]"), 0 when their
 * variables differ. */
static size_t common_part(const char *a, const char *b)
{
    const char *sep = strchr(a, RC_KEY_SEP);
    if (!sep)
        return 0;
    size_t root = (size_t)(sep - a) + 1, n = 0;
    while (a[n] && a[n] == b[n])
        n++;
    if (n < root)
        return 0;
    if ((!a[n] || a[n] == '.' || a[n] == '[') && (!b[n] || b[n] == '.' || b[n] == '['))
        return n; /* both end or go on with a new component here */
    while (n > root && a[n - 1] != '.' && a[n - 1] != '[')
        n--;
    return n > root ? n - 1 : root; /* before the component they differ in */
}

/* common_part, unless cutting there leaves out what a pointer points to
 * ("x>": no part of the pointer's holder): then 0. */
static size_t common_object(const char *a, const char *b)
{
    size_t n = common_part(a, b);
    return n && !strchr(a + n, '>') && !strchr(b + n, '>') ? n : 0;
}

/* A pointer a local was given by loading it from a tracked location, at
 * offset off of the function (see drop_detached). */
typedef struct {
    uint32_t local; /* index in w->alias_locals */
    char *loc;      /* the location's key */
    unsigned off;
} load_t;

typedef struct {
    load_t *v;
    size_t n, cap;
} loads_t;

/* The key of the object pointer value e points to, as far as a local alias
 * goes: a global object's (global_address), an array of a tracked location
 * (a field of what a parameter points to), or what a pointer loaded from a
 * tracked location points to (fe_loaded_key: then *loc receives the
 * location's key, owned); NULL otherwise. */
static char *pointee_key(walker_t *w, CXCursor e, char **loc)
{
    *loc = NULL;
    char *key = global_address(w, e);
    if (key)
        return key;
    CXCursor a = fe_strip(&w->tree, e, 1);
    if (fe_type_is_array(clang_getCursorType(a)) && (key = fe_location_key(w, a)))
        return key; /* an array field decays to its start: `t = q->slots` points into *q */
    if (!(key = fe_loaded_key(w, e)))
        return key;
    size_t n = strlen(key);
    if (n && key[n - 1] == '>') /* "<location>>" */
        *loc = rc_xasprintf("%.*s", (int)(n - 1), key);
    else if (key[0] == '*') /* "*<global pointer>" */
        *loc = rc_xstrdup(key + 1);
    return key;
}

/* One value given to local pointer d: key is the object's key, or NULL
 * for any other value. A local keeps an alias while every value names a part of
 * one object: the smallest part that holds them all (`p = &cfg.a` or
 * `p = &cfg.b`: p points into cfg). */
static uint32_t alias_note(walker_t *w, CXCursor d, char *key)
{
    uint32_t n = w->alias_locals.n;
    uint32_t i = rc_strtab_intern(&w->alias_locals, fe_usr_cached(&w->usrs, d));
    if (i == n) {
        w->alias_keys = rc_xrealloc(w->alias_keys, (i + 1) * sizeof *w->alias_keys);
        w->alias_keys[i] = key;
        w->alias_live += key != NULL;
        return i;
    }
    char *old = w->alias_keys[i];
    size_t common = old && key ? common_object(old, key) : 0;
    if (old && !common) {
        free(old);
        w->alias_keys[i] = NULL;
        w->alias_live--;
    } else if (old) {
        old[common] = '\0';
    }
    free(key);
    return i;
}

/* alias_note for value e given to local d at tree node nd; a pointer loaded
 * from a tracked location goes to loads too. */
static void alias_value(walker_t *w, CXCursor d, CXCursor e, const tnode_t *nd, loads_t *loads)
{
    char *loc;
    uint32_t i = alias_note(w, d, pointee_key(w, e, &loc));
    if (!loc)
        return;
    GROW(loads->v, loads->n, loads->cap);
    loads->v[loads->n++] = (load_t){i, loc, fe_pos_of(w, nd->c).off};
}

/* A pointer taken off shared data: `t = queue; queue = t->next;` pops t, which
 * is then this thread's own, not what the location points to now. A local
 * given a pointer loaded from a location that the function writes further on
 * aliases nothing. */
static void drop_detached(walker_t *w, loads_t *loads)
{
    for (uint32_t i = 0; i < w->tree.n && w->alias_live; i++) {
        const tnode_t *nd = &w->tree.nodes[i];
        if (nd->c.kind != CXCursor_BinaryOperator || nd->nkids != 2 ||
            clang_getCursorBinaryOperatorKind(nd->c) != CXBinaryOperator_Assign)
            continue;
        CXCursor lhs = w->tree.kids[nd->first];
        if (!fe_type_is_pointer(clang_getCursorType(lhs)) || !cursor_null(local_pointer(w, lhs)))
            continue;
        char *loc = fe_location_key(w, lhs);
        if (!loc)
            continue;
        unsigned off = fe_pos_of(w, nd->c).off;
        for (size_t j = 0; j < loads->n; j++) {
            const load_t *ld = &loads->v[j];
            if (off > ld->off && w->alias_keys[ld->local] && strcmp(ld->loc, loc) == 0) {
                free(w->alias_keys[ld->local]);
                w->alias_keys[ld->local] = NULL;
                w->alias_live--;
            }
        }
        free(loc);
    }
}

void fe_alias_reset(walker_t *w)
{
    for (uint32_t i = 0; i < w->alias_locals.n; i++)
        free(w->alias_keys[i]);
    free(w->alias_keys);
    w->alias_keys = NULL;
    rc_strtab_close(&w->alias_locals);
    memset(&w->alias_locals, 0, sizeof w->alias_locals);
    w->alias_live = 0;
}

/* Every value the function gives a local pointer: initialisers, plain
 * assignments (their key), and anything else that changes it (NULL). */
static void scan_alias(walker_t *w, const tnode_t *nd, loads_t *loads)
{
    enum CXCursorKind k = nd->c.kind;
    if (k == CXCursor_VarDecl) {
        CXCursor d = nd->c;
        if (fe_is_global_var(d) || !fe_type_is_pointer(clang_getCursorType(d)) || nd->nkids == 0)
            return;
        CXCursor init = w->tree.kids[nd->first + nd->nkids - 1];
        if (clang_isExpression(clang_getCursorKind(init)))
            alias_value(w, d, init, nd, loads);
        return;
    }
    int assign = k == CXCursor_BinaryOperator && nd->nkids == 2 &&
                 clang_getCursorBinaryOperatorKind(nd->c) == CXBinaryOperator_Assign;
    enum CXUnaryOperatorKind u = k == CXCursor_UnaryOperator
                                     ? clang_getCursorUnaryOperatorKind(nd->c)
                                     : CXUnaryOperator_Invalid;
    int changes = k == CXCursor_CompoundAssignOperator || u == CXUnaryOperator_PostInc ||
                  u == CXUnaryOperator_PostDec || u == CXUnaryOperator_PreInc ||
                  u == CXUnaryOperator_PreDec;
    if ((!assign && !changes) || nd->nkids == 0)
        return;
    CXCursor d = local_pointer(w, w->tree.kids[nd->first]);
    if (cursor_null(d))
        return;
    /* p = value; p += n, p++, --p (&p: addr_locals) */
    if (assign)
        alias_value(w, d, w->tree.kids[nd->first + 1], nd, loads);
    else
        alias_note(w, d, NULL);
}

/* 1 when tree node i is a loop statement. */
static int is_loop_node(const tree_t *t, uint32_t i)
{
    enum CXCursorKind k = t->nodes[i].c.kind;
    return k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt;
}

int fe_new_object(walker_t *w, CXCursor e, int depth)
{
    if (cursor_null(e))
        return 0;
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
            return 0;
        const rc_api_fn_t *api = fe_model_of(w, d);
        if (api)
            return api->returns_new;
        uint32_t si = fe_sum_index(w, d);
        return si != UINT32_MAX && w->ret_new && w->ret_new[si] == RET_NEW_SOME;
    }
    if (k != CXCursor_DeclRefExpr || depth >= 2)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (!fe_is_var(d) || fe_is_global_var(d))
        return 0;
    const char *usr = fe_usr_cached(&w->usrs, d);
    int any = 0;
    for (size_t i = 0; i < w->nasgs; i++) {
        if (strcmp(w->asgs[i].var, usr) != 0 ||
            (!cursor_null(w->asgs[i].rhs) && fe_is_null(w, w->asgs[i].rhs)))
            continue; /* another variable, or `p = NULL` */
        if (!fe_new_object(w, w->asgs[i].rhs, depth + 1))
            return 0;
        any = 1;
    }
    return any;
}

/* Local pointer d, whose value the thread creation at tree node at hands to the
 * new thread: added to w->escp_locals when the function gives it one value only
 * (its initialiser or one assignment), outside the loops around the creation,
 * and never takes its address: then every `*d`, `d->f`, `d[i]` of the function
 * is the object the thread gets. */
static void note_escaped_pointer(walker_t *w, CXCursor d, uint32_t at)
{
    const char *usr = fe_usr_cached(&w->usrs, d);
    const local_asg_t *one = NULL;
    for (size_t i = 0; i < w->nasgs; i++) {
        if (strcmp(w->asgs[i].var, usr) != 0)
            continue;
        if (one)
            return;
        one = &w->asgs[i];
    }
    if (!one || rc_strtab_lookup(&w->addr_locals, usr) != UINT32_MAX)
        return;
    unsigned from = fe_pos_of(w, w->tree.nodes[at].c).off;
    int looped = 0;
    for (uint32_t a = w->tree.nodes[at].parent; a != UINT32_MAX; a = w->tree.nodes[a].parent) {
        if (!is_loop_node(&w->tree, a))
            continue;
        rc_pos_t lp = fe_pos_of(w, w->tree.nodes[a].c);
        if (one->off >= lp.off && one->off <= lp.end)
            return; /* a fresh value per iteration: a different object per thread */
        from = lp.off < from ? lp.off : from;
        looped = 1;
    }
    uint32_t n = w->escp_locals.n, i = rc_strtab_intern(&w->escp_locals, usr);
    if (i == n) {
        w->escp_from = rc_xrealloc(w->escp_from, (n + 1) * sizeof *w->escp_from);
        w->escp_fresh = rc_xrealloc(w->escp_fresh, (n + 1) * sizeof *w->escp_fresh);
        w->escp_from[i] = from;
        /* New at every run and handed to one thread per run: a thread's own. */
        w->escp_fresh[i] = !looped && fe_new_object(w, one->rhs, 0);
    } else {
        w->escp_from[i] = from < w->escp_from[i] ? from : w->escp_from[i];
        w->escp_fresh[i] = 0; /* handed over twice in a run */
    }
}

/* Fills w->addr_locals, w->esc_locals, w->escp_locals and the aliases for the
 * current function, from its tree, once per function. */
void fe_scan_locals(walker_t *w)
{
    if (cursor_eq(w->locals_fn, w->cur_fn))
        return;
    /* Keys computed on the way (fe_loaded_key) may ask for the locals again:
     * they see the tables as far as they are built. */
    w->locals_fn = w->cur_fn;
    rc_strtab_close(&w->addr_locals);
    rc_strtab_close(&w->esc_locals);
    rc_strtab_close(&w->escp_locals);
    memset(&w->addr_locals, 0, sizeof w->addr_locals);
    memset(&w->esc_locals, 0, sizeof w->esc_locals);
    memset(&w->escp_locals, 0, sizeof w->escp_locals);
    fe_alias_reset(w);
    struct {
        CXCursor ptr;  /* a local pointer handed to a thread */
        uint32_t node; /* the creation's tree node */
    } *handed = NULL;
    size_t nhanded = 0, caphanded = 0;
    loads_t loads = {0};
    for (uint32_t i = 0; i < w->tree.n; i++) {
        const tnode_t *nd = &w->tree.nodes[i];
        scan_alias(w, nd, &loads);
        CXCursor v =
            nd->c.kind == CXCursor_UnaryOperator ? addr_of_local(w, nd->c) : clang_getNullCursor();
        if (!cursor_null(v))
            rc_strtab_intern(&w->addr_locals, fe_usr_cached(&w->usrs, v));
        /* A thread creation's argument (the create model's arg_arg). */
        const rc_api_fn_t *api = fe_node_model(w, nd);
        if (!api || api->kind != RC_API_THREAD_CREATE || api->arg_arg < 0 ||
            (uint32_t)api->arg_arg + 1 >= nd->nkids)
            continue;
        CXCursor arg = w->tree.kids[nd->first + 1 + (uint32_t)api->arg_arg];
        v = addr_of_local(w, arg);
        if (!cursor_null(v)) {
            rc_strtab_intern(&w->esc_locals, fe_usr_cached(&w->usrs, v));
            continue;
        }
        CXCursor ptr = local_pointer(w, fe_strip(&w->tree, arg, 1));
        if (!cursor_null(ptr)) {
            GROW(handed, nhanded, caphanded);
            handed[nhanded].ptr = ptr;
            handed[nhanded++].node = i;
        }
    }
    /* After the whole tree: addr_locals is complete. */
    for (size_t j = 0; j < nhanded; j++)
        note_escaped_pointer(w, handed[j].ptr, handed[j].node);
    free(handed);
    if (loads.n) {
        drop_detached(w, &loads);
        for (size_t j = 0; j < loads.n; j++)
            free(loads.v[j].loc);
        free(loads.v);
    }
    /* A pointer whose address the function takes may change through it. */
    for (uint32_t i = 0; i < w->alias_locals.n; i++)
        if (w->alias_keys[i] &&
            rc_strtab_lookup(&w->addr_locals, w->alias_locals.v[i]) != UINT32_MAX) {
            free(w->alias_keys[i]);
            w->alias_keys[i] = NULL;
            w->alias_live--;
        }
}

const alias_t *fe_find_alias(walker_t *w, const char *var, int want_fn, size_t *from)
{
    for (size_t i = from ? *from : 0; i < w->naliases; i++) {
        if (strcmp(w->aliases[i].var, var) == 0 && (w->aliases[i].usr != NULL) == want_fn) {
            if (from)
                *from = i + 1;
            return &w->aliases[i];
        }
    }
    return NULL;
}

int fe_is_int_const(CXCursor c, long long *v)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r)
        return 0;
    int ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok && v)
        *v = clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

/* usr: interned (fe_usr_cached). */
static uint32_t local_mask(walker_t *w, const char *usr)
{
    for (size_t i = 0; i < w->nasgs; i++)
        if (w->asgs[i].var == usr)
            return w->asgs[i].mask;
    return 0;
}

/* DEP_LOADED when member m (of holder expression h) is a pointer to another
 * type than its holder's: what it points to is not the holder (a list's
 * `next` may point back to one of its kind: 0). */
static uint32_t loaded_pointer(CXCursor m, CXCursor h)
{
    CXType ft = clang_getCanonicalType(clang_getCursorType(m));
    if (ft.kind != CXType_Pointer)
        return 0;
    CXType holder = clang_getCanonicalType(clang_getCursorType(h));
    if (holder.kind == CXType_Pointer)
        holder = clang_getCanonicalType(clang_getPointeeType(holder));
    return clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(ft)), holder) ? 0
                                                                                      : DEP_LOADED;
}

/* What the value of e depends on (see local_asg_t). */
uint32_t fe_mask_of(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    switch (k) {
    case CXCursor_IntegerLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_UnaryExpr:
        return 0;
    case CXCursor_DeclRefExpr: {
        CXCursor d = clang_getCursorReferenced(e);
        enum CXCursorKind dk = clang_getCursorKind(d);
        if (dk == CXCursor_EnumConstantDecl)
            return 0;
        if (dk == CXCursor_ParmDecl) {
            int i = fe_param_no(w, d);
            return i >= 0 && (1u << i) <= DEP_PARAMS ? 1u << i : DEP_OTHER;
        }
        if (dk == CXCursor_VarDecl && !fe_is_global_var(d)) {
            return local_mask(w, fe_usr_cached(&w->usrs, d));
        }
        return DEP_OTHER;
    }
    case CXCursor_UnaryOperator: {
        CXCursor in = fe_sole_expr_child(&w->tree, e);
        if (cursor_null(in))
            return DEP_OTHER;
        uint32_t m = fe_mask_of(w, in);
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
        if (op == CXUnaryOperator_Deref && fe_type_is_pointer(clang_getCursorType(e)))
            m |= DEP_LOADED; /* *pp */
        return op == CXUnaryOperator_LNot ? m | DEP_NONINJ : m;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor in = fe_sole_expr_child(&w->tree, e);
        return cursor_null(in) ? DEP_OTHER : fe_mask_of(w, in) | loaded_pointer(e, in);
    }
    case CXCursor_ArraySubscriptExpr:
    case CXCursor_BinaryOperator:
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        fe_children(&w->tree, e, &kk);
        uint32_t m = 0;
        if (k == CXCursor_BinaryOperator && kk.n == 2) {
            enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
            if (op == CXBinaryOperator_Comma || op == CXBinaryOperator_Assign) {
                m = fe_mask_of(w, kk.v[1]);
            } else if (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub ||
                       op == CXBinaryOperator_Mul) {
                /* v + c, v - c, c * v are one-to-one in v */
                if (fe_is_int_const(kk.v[0], NULL))
                    m = fe_mask_of(w, kk.v[1]);
                else if (fe_is_int_const(kk.v[1], NULL))
                    m = fe_mask_of(w, kk.v[0]);
                else
                    m = fe_mask_of(w, kk.v[0]) | fe_mask_of(w, kk.v[1]) | DEP_NONINJ;
            } else {
                m = fe_mask_of(w, kk.v[0]) | fe_mask_of(w, kk.v[1]) | DEP_NONINJ;
            }
        } else {
            for (unsigned i = 0; i < kk.n; i++)
                m |= fe_mask_of(w, kk.v[i]);
            if (k != CXCursor_ArraySubscriptExpr)
                m |= DEP_NONINJ;
            else if (fe_type_is_pointer(clang_getCursorType(e)))
                m |= DEP_LOADED; /* tab[i] */
        }
        kids_free(&kk);
        return m;
    }
    default:
        return DEP_OTHER;
    }
}

/* The single parameter e is derived from one-to-one (a per-thread value when the
 * parameter is a start routine's argument), or -1. */
int fe_param_derived(walker_t *w, CXCursor e)
{
    uint32_t m = fe_mask_of(w, e);
    if (!m || (m & (DEP_OTHER | DEP_NONINJ)) || (m & (m - 1)))
        return -1;
    return __builtin_ctz(m);
}

/* The counter's key when e (casts stripped) takes a ticket: a call of a
 * ticket function (rc_models_ticket: `atomic_fetch_add(&next, 1)`,
 * `__sync_fetch_and_add(&n, 1)`) on a global counter whose other arguments are
 * integer constants, the increment (the last) nonzero. Owned; else NULL. */
static char *ticket_counter(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (!w->models->nticket_prefixes || (k != CXCursor_CallExpr && k != CXCursor_UnexposedExpr))
        return NULL;
    /* A builtin call names its callee; an atomic expression (the expansion of
     * atomic_fetch_add) only its text: the name before the parenthesis. */
    char *name = k == CXCursor_CallExpr ? fe_take(clang_getCursorSpelling(e)) : fe_text_of(w, e);
    if (!name)
        return NULL;
    name[strcspn(name, "( ")] = '\0';
    int ticket = *name && rc_models_ticket(w->models, name);
    free(name);
    if (!ticket)
        return NULL;
    kids_t kk;
    fe_children(&w->tree, e, &kk);
    unsigned first = k == CXCursor_CallExpr; /* after the callee */
    long long v = 0;
    int ok = kk.n >= first + 2;
    for (unsigned i = first + 1; ok && i < kk.n; i++)
        ok = fe_is_int_const(kk.v[i], &v);
    char *key = ok && v != 0 ? fe_call_arg_key(w, kk.v[first]) : NULL;
    kids_free(&kk);
    if (key && (key[0] == '*' || strchr(key, RC_PARAM_MARK))) {
        free(key); /* not one global counter */
        key = NULL;
    }
    return key;
}

int fe_ticket(walker_t *w, CXCursor idx)
{
    if (!w->models->nticket_prefixes)
        return 0;
    char *key = ticket_counter(w, idx);
    if (key) {
        free(key);
        return 1;
    }
    CXCursor d = fe_local_var(w, idx);
    if (cursor_null(d))
        return 0;
    const char *usr = fe_usr_cached(&w->usrs, d);
    fe_scan_locals(w);
    if (rc_strtab_lookup(&w->addr_locals, usr) != UINT32_MAX)
        return 0;
    char *counter = NULL;
    int ok = 1;
    for (size_t i = 0; ok && i < w->nasgs; i++) {
        if (w->asgs[i].var != usr)
            continue;
        char *c = cursor_null(w->asgs[i].rhs) ? NULL : ticket_counter(w, w->asgs[i].rhs);
        ok = c && (!counter || strcmp(c, counter) == 0);
        if (!counter) {
            counter = c;
            c = NULL;
        }
        free(c);
    }
    ok = ok && counter;
    free(counter);
    return ok;
}

/* The lock a pointer holding lock a, or else lock b, names: "oneof:a|b"
 * (RC_ONEOF_PREFIX); an unidentified lock when either is one. */
static uint32_t one_of(walker_t *w, uint32_t a, uint32_t b)
{
    if (a == w->unknown_lock || b == w->unknown_lock)
        return w->unknown_lock;
    const size_t np = strlen(RC_ONEOF_PREFIX);
    const char *ia = w->facts->locks.v[a], *ib = w->facts->locks.v[b];
    int a_set = strncmp(ia, RC_ONEOF_PREFIX, np) == 0;
    if (strncmp(ib, RC_ONEOF_PREFIX, np) == 0 || fe_is_pseudo(w, a) || fe_is_pseudo(w, b))
        return w->unknown_lock;
    if (a_set && rc_oneof_has(ia, ib))
        return a; /* one of them already */
    char *id = rc_xasprintf("%s%s|%s", a_set ? "" : RC_ONEOF_PREFIX, ia, ib);
    char *name = rc_xasprintf("%s' or '%s", w->facts->lock_names[a], w->facts->lock_names[b]);
    uint32_t l = fe_intern_lock(w, id, name);
    free(id);
    free(name);
    return l;
}

/* The lock whose address value is (`&s->lock`, also `c ? &a : &b`: one of
 * them), or UINT32_MAX when value is no address. */
static uint32_t lock_address(walker_t *w, CXCursor value)
{
    CXCursor v = fe_strip(&w->tree, value, 1);
    enum CXCursorKind k = clang_getCursorKind(v);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(v) == CXUnaryOperator_AddrOf)
        return fe_lock_of(w, v);
    if (k != CXCursor_ConditionalOperator)
        return UINT32_MAX;
    kids_t kk;
    fe_children(&w->tree, v, &kk);
    uint32_t a = kk.n == 3 ? lock_address(w, kk.v[1]) : UINT32_MAX;
    uint32_t b = a != UINT32_MAX ? lock_address(w, kk.v[2]) : UINT32_MAX;
    kids_free(&kk);
    return b == UINT32_MAX ? UINT32_MAX : a == b ? a : one_of(w, a, b);
}

/* Remembers what a local variable is assigned: functions (for calls and thread
 * creation through it) and lock addresses (for lock calls through it). */
void fe_note_local_assign(walker_t *w, CXCursor var, CXCursor value)
{
    if (!fe_is_var(var) || fe_is_global_var(var) || cursor_null(value))
        return;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    if (t.kind != CXType_Pointer)
        return;
    CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
    const char *vusr = fe_usr_cached(&w->usrs, var);
    if (pt.kind == CXType_FunctionProto || pt.kind == CXType_FunctionNoProto) {
        targets_t tg = {0};
        fe_resolve_fn(w, value, &tg);
        for (size_t i = 0; i < tg.n; i++) {
            size_t from = 0;
            const alias_t *a;
            int dup = 0;
            while ((a = fe_find_alias(w, vusr, 1, &from)))
                dup |= strcmp(a->usr, tg.usr[i]) == 0;
            if (dup)
                continue;
            GROW(w->aliases, w->naliases, w->capaliases);
            w->aliases[w->naliases++] =
                (alias_t){rc_xstrdup(vusr), rc_xstrdup(tg.usr[i]), rc_xstrdup(tg.name[i]), 0};
        }
        fe_targets_free(&tg);
    } else {
        /* A pointer to a lock object: `pthread_mutex_t *lk = &s->lock;`. */
        uint32_t id = lock_address(w, value);
        if (id != UINT32_MAX) {
            alias_t *prev = NULL;
            for (size_t i = 0; i < w->naliases; i++)
                if (!w->aliases[i].usr && strcmp(w->aliases[i].var, vusr) == 0)
                    prev = &w->aliases[i];
            if (prev) {
                if (prev->lock != id)
                    prev->lock = one_of(w, prev->lock, id); /* assigned different locks */
            } else {
                GROW(w->aliases, w->naliases, w->capaliases);
                w->aliases[w->naliases++] = (alias_t){rc_xstrdup(vusr), NULL, NULL, id};
            }
        }
    }
}

static int is_local_var(CXCursor d)
{
    return fe_is_var(d) && !fe_is_global_var(d);
}

/* The locals and parameters e refers to (USR and name, each once). */
static void local_refs(walker_t *w, CXCursor e, targets_t *out, int depth)
{
    if (depth > 64)
        return;
    if (clang_getCursorKind(e) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (is_local_var(d)) {
            const char *usr = fe_usr_cached(&w->usrs, d);
            char *name = fe_take(clang_getCursorSpelling(d));
            fe_targets_add(out, usr, name);
            free(name);
        }
        return;
    }
    kids_t kk;
    fe_children(&w->tree, e, &kk);
    for (unsigned i = 0; i < kk.n; i++)
        local_refs(w, kk.v[i], out, depth + 1);
    kids_free(&kk);
}

static void push_lflow(walker_t *w, const char *usr, const char *name, int32_t acc, int to_local,
                       int keeps, CXCursor at)
{
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->lflows, fn->nlflows, fn->caplflows);
    rc_lflow_t *l = &fn->lflows[fn->nlflows++];
    l->local = rc_xstrdup(usr);
    l->name = rc_xstrdup(name);
    l->acc = acc;
    l->to_local = (uint8_t)to_local;
    l->keeps = (uint8_t)keeps;
    l->pos = fe_pos_of(w, at);
}

/* An assignment of local var at `at` whose value was just evaluated: the shared
 * reads recorded since nacc0 are where it comes from. keeps: computed from the
 * local's own old value (also when value refers to var). */
void fe_record_local_assign(walker_t *w, CXCursor var, CXCursor value, CXCursor at, size_t nacc0,
                            int keeps, const rc_lset_t *st)
{
    if (!w->record || st->top || !is_local_var(var))
        return;
    char *usr = fe_usr_dup(w, var);
    char *name = fe_take(clang_getCursorSpelling(var));
    if (!keeps && !cursor_null(value)) {
        targets_t refs = {0};
        local_refs(w, value, &refs, 0);
        for (size_t i = 0; i < refs.n && !keeps; i++)
            keeps = strcmp(refs.usr[i], usr) == 0;
        fe_targets_free(&refs);
    }
    int any = 0;
    for (size_t i = nacc0; i < w->fn->nacc; i++)
        if (w->fn->acc[i].kind == RC_ACC_READ) {
            push_lflow(w, usr, name, (int32_t)i, 1, keeps, at);
            any = 1;
        }
    if (!any)
        push_lflow(w, usr, name, -1, 1, keeps, at);
    free(usr);
    free(name);
}

/* A write of a shared location (access index acc) storing value: records the
 * locals the value is computed from. */
void fe_record_store_from(walker_t *w, size_t acc, CXCursor value, CXCursor at)
{
    targets_t refs = {0};
    local_refs(w, value, &refs, 0);
    for (size_t i = 0; i < refs.n; i++)
        push_lflow(w, refs.usr[i], refs.name[i], (int32_t)acc, 0, 0, at);
    fe_targets_free(&refs);
}

static void add_asg(walker_t *w, CXCursor var, CXCursor rhs, CXCursor at)
{
    if (!fe_is_var(var) || fe_is_global_var(var))
        return;
    GROW(w->asgs, w->nasgs, w->capasgs);
    local_asg_t *a = &w->asgs[w->nasgs++];
    a->var = fe_usr_cached(&w->usrs, var);
    a->rhs = rhs;
    clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(at)), NULL, NULL, NULL,
                               &a->off);
    a->mask = 0;
}

/* One look at each node of the body (w->tree, in visit order) before the walk:
 * gotos that jump backwards, computed gotos, and every assignment of a local (for
 * dependency masks and for telling whether a pointer handed to a thread changes
 * per loop iteration). */
void fe_prescan(walker_t *w, CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_GotoStmt) {
        unsigned target = fe_goto_target(&w->tree, c), here;
        clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), NULL, NULL, NULL,
                                   &here);
        if (target != UINT_MAX && target <= here)
            fe_label_for(w, target)->backward = 1;
    } else if (k == CXCursor_IndirectGotoStmt) {
        w->indirect_goto = 1;
    } else if (k == CXCursor_VarDecl) {
        CXCursor init = fe_var_init(&w->tree, c);
        if (!cursor_null(init))
            add_asg(w, c, init, c);
    } else if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
            kids_t kk;
            fe_children(&w->tree, c, &kk);
            if (kk.n == 2) {
                CXCursor lhs = fe_strip(&w->tree, kk.v[0], 0);
                if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
                    add_asg(w, clang_getCursorReferenced(lhs), kk.v[1], c);
            }
            kids_free(&kk);
        }
    } else if (k == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
        if (op >= CXUnaryOperator_PostInc && op <= CXUnaryOperator_PreDec) {
            CXCursor in = fe_strip(&w->tree, fe_sole_expr_child(&w->tree, c), 0);
            if (clang_getCursorKind(in) == CXCursor_DeclRefExpr)
                add_asg(w, clang_getCursorReferenced(in), clang_getNullCursor(), c);
        }
    }
}

/* Dependency masks of the locals: a fixpoint over their assignments (flow-
 * insensitive: a local depends on what any of its assignments depends on). */
void fe_compute_masks(walker_t *w)
{
    for (int round = 0; round < 8; round++) {
        int changed = 0;
        for (size_t i = 0; i < w->nasgs; i++) {
            if (cursor_null(w->asgs[i].rhs))
                continue;
            uint32_t m = fe_mask_of(w, w->asgs[i].rhs);
            uint32_t old = local_mask(w, w->asgs[i].var);
            if ((old | m) != old) {
                for (size_t j = 0; j < w->nasgs; j++)
                    if (w->asgs[j].var == w->asgs[i].var) /* interned */
                        w->asgs[j].mask |= m;
                changed = 1;
            }
        }
        if (!changed)
            return;
    }
    for (size_t i = 0; i < w->nasgs; i++)
        w->asgs[i].mask |= DEP_OTHER; /* no fixpoint: give up on precision */
}
