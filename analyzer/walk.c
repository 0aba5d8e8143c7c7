/*
 * walk.c - the function body as the walker reads it: the statement tree (one
 * clang_visitChildren per body, children and parents by cursor hash), cursor
 * and type helpers, the USR cache, and positions and source text of nodes.
 */

#include "walk.h"

#define MAX_TEXT 120 /* longest expression text kept for messages */

char *fe_take(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = rc_xstrdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

static enum CXChildVisitResult tree_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    tree_t *t = d;
    while (t->nstack > 1 && !cursor_eq(t->nodes[t->stack[t->nstack - 1]].c, parent))
        t->nstack--;
    GROW(t->nodes, t->n, t->cap);
    enum CXCursorKind k = clang_getCursorKind(c);
    t->nodes[t->n] = (tnode_t){
        c, t->stack[t->nstack - 1], 0, 0, k == CXCursor_CallExpr || k == CXCursor_LabelStmt, -1};
    GROW(t->stack, t->nstack, t->capstack);
    t->stack[t->nstack++] = t->n++;
    return CXChildVisit_Recurse;
}

void fe_tree_build(tree_t *t, CXCursor root)
{
    free(t->locs);
    t->locs = NULL;
    t->n = 0;
    t->nstack = 0;
    GROW(t->nodes, t->n, t->cap);
    t->nodes[t->n++] = (tnode_t){root, UINT32_MAX, 0, 0, 0, -1};
    GROW(t->stack, t->nstack, t->capstack);
    t->stack[t->nstack++] = 0;
    clang_visitChildren(root, tree_visit, t);
    /* The trees of a whole TU are kept until their functions are walked: no
     * spare room, no build stack. */
    t->nodes = rc_xrealloc(t->nodes, t->n * sizeof *t->nodes);
    t->cap = t->n;
    free(t->stack);
    t->stack = NULL;
    t->nstack = t->capstack = 0;
    /* Children lists, contiguous and in order (the visit is pre-order, so a node's
     * descendants follow it and a reverse sweep sees children before parents). */
    for (uint32_t i = t->n; i-- > 1;) {
        t->nodes[t->nodes[i].parent].nkids++;
        t->nodes[t->nodes[i].parent].may_change_locks |= t->nodes[i].may_change_locks;
    }
    uint32_t off = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        t->nodes[i].first = off;
        off += t->nodes[i].nkids;
        t->nodes[i].nkids = 0;
    }
    free(t->kids);
    t->kids = rc_xmalloc((off ? off : 1) * sizeof *t->kids);
    for (uint32_t i = 1; i < t->n; i++) {
        tnode_t *p = &t->nodes[t->nodes[i].parent];
        t->kids[p->first + p->nkids++] = t->nodes[i].c;
    }
    uint32_t ns = 64;
    while (ns < 2 * t->n)
        ns *= 2;
    free(t->slots);
    t->slots = rc_xcalloc(ns, sizeof *t->slots);
    t->nslots = ns;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t h = cursor_hash(t->nodes[i].c) & (ns - 1);
        while (t->slots[h])
            h = (h + 1) & (ns - 1);
        t->slots[h] = i + 1;
    }
}

void fe_tree_free(tree_t *t)
{
    free(t->locs);
    free(t->nodes);
    free(t->kids);
    free(t->slots);
    free(t->stack);
    memset(t, 0, sizeof *t);
}

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    kids_t *k = d;
    GROW(k->v, k->n, k->cap);
    k->v[k->n++] = c;
    return CXChildVisit_Continue;
}

/* Direct children of c, from the tree when c is in it; release with kids_free. */
void fe_children(const tree_t *t, CXCursor c, kids_t *k)
{
    const tnode_t *n = t ? tree_find(t, c) : NULL;
    if (n) {
        k->v = t->kids + n->first;
        k->n = n->nkids;
        k->cap = n->nkids;
        k->owned = 0;
        return;
    }
    k->v = NULL;
    k->n = k->cap = 0;
    k->owned = 1;
    clang_visitChildren(c, collect, k);
}

/* The last expression child of c (a null cursor when it has none); *n
 * receives how many it has. */
static CXCursor last_expr_child(const tree_t *t, CXCursor c, unsigned *n)
{
    kids_t k;
    fe_children(t, c, &k);
    CXCursor r = clang_getNullCursor();
    *n = 0;
    for (unsigned i = 0; i < k.n; i++)
        if (is_expr(k.v[i])) {
            r = k.v[i];
            ++*n;
        }
    kids_free(&k);
    return r;
}

/* The only expression child of c (implicit casts, parentheses), or a null cursor. */
CXCursor fe_sole_expr_child(const tree_t *t, CXCursor c)
{
    unsigned n;
    CXCursor r = last_expr_child(t, c, &n);
    return n == 1 ? r : clang_getNullCursor();
}

const rc_api_fn_t *fe_model_of(walker_t *w, CXCursor d)
{
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
        return NULL;
    CXString cs = clang_getCursorSpelling(d);
    const rc_api_fn_t *api = rc_models_find(w->models, clang_getCString(cs));
    clang_disposeString(cs);
    return api;
}

const rc_api_fn_t *fe_call_model(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    return clang_getCursorKind(e) == CXCursor_CallExpr
               ? fe_model_of(w, clang_getCursorReferenced(e))
               : NULL;
}

const rc_api_fn_t *fe_node_model(walker_t *w, const tnode_t *nd)
{
    if (nd->c.kind != CXCursor_CallExpr || nd->nkids < 2)
        return NULL;
    CXCursor callee = fe_strip(&w->tree, w->tree.kids[nd->first], 1);
    return clang_getCursorKind(callee) == CXCursor_DeclRefExpr
               ? fe_model_of(w, clang_getCursorReferenced(callee))
               : NULL;
}

uint32_t fe_sum_index(walker_t *w, CXCursor d)
{
    return rc_strtab_lookup(&w->sum_usrs, fe_usr_cached(&w->usrs, d));
}

int fe_is_null(walker_t *w, CXCursor e)
{
    long long v;
    return fe_is_int_const(fe_strip(&w->tree, e, 1), &v) && v == 0;
}

/* The initialiser of variable declaration d (its last expression child), or a
 * null cursor. */
CXCursor fe_var_init(const tree_t *t, CXCursor d)
{
    unsigned n;
    return last_expr_child(t, d, &n);
}

CXCursor fe_cast_operand(const tree_t *t, CXCursor c)
{
    unsigned n;
    return last_expr_child(t, c, &n);
}

/* Strips parentheses, implicit conversions and (when casts) explicit casts. */
CXCursor fe_strip(const tree_t *t, CXCursor c, int casts)
{
    for (;;) {
        enum CXCursorKind k = c.kind; /* clang_getCursorKind */
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
            !(casts && k == CXCursor_CStyleCastExpr))
            return c;
        CXCursor in =
            k == CXCursor_CStyleCastExpr ? fe_cast_operand(t, c) : fe_sole_expr_child(t, c);
        if (cursor_null(in))
            return c;
        c = in;
    }
}

int fe_is_var(CXCursor d)
{
    enum CXCursorKind k = clang_getCursorKind(d);
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl;
}

int fe_is_global_var(CXCursor d)
{
    return clang_getCursorKind(d) == CXCursor_VarDecl &&
           clang_Cursor_hasVarDeclGlobalStorage(d) == 1;
}

int fe_type_is_pointer(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return c.kind == CXType_Pointer || c.kind == CXType_BlockPointer;
}

int fe_type_is_array(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
           c.kind == CXType_VariableArray || c.kind == CXType_DependentSizedArray;
}

/* 1 when t, or a typedef it is spelled with (following the chain: sig_atomic_t
 * -> __sig_atomic_t -> int), is listed in the models' async_signal_safe_types. */
static int signal_safe_type(const rc_models_t *m, CXType t)
{
    for (int guard = 0; guard < 16; guard++) {
        if (t.kind == CXType_Elaborated)
            t = clang_Type_getNamedType(t);
        if (t.kind != CXType_Typedef)
            return 0;
        char *name = fe_take(clang_getTypedefName(t));
        int safe = rc_models_signal_safe_type(m, name);
        free(name);
        if (safe)
            return 1;
        t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    }
    return 0;
}

unsigned fe_type_flags(const rc_models_t *m, CXType t)
{
    unsigned f = 0;
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_Atomic) {
        f |= RC_LOC_ATOMIC;
        long long size = clang_Type_getSizeOf(c);
        if (size == 1 || size == 2 || size == 4 || size == 8)
            f |= RC_LOC_LOCKFREE;
    }
    if (signal_safe_type(m, t))
        f |= RC_LOC_SIG_ATOMIC;
    if (clang_isConstQualifiedType(c) || clang_isConstQualifiedType(t))
        f |= RC_LOC_CONST;
    if (clang_isVolatileQualifiedType(c) || clang_isVolatileQualifiedType(t))
        f |= RC_LOC_VOLATILE;
    return f;
}

/* 1 when c is an integer constant expression equal to 0. */
int fe_is_zero(CXCursor c)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r)
        return 0;
    int z = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
    clang_EvalResult_dispose(r);
    return z;
}

const char *fe_usr_cached(usr_cache_t *u, CXCursor d)
{
    if (2 * (u->n + 1) > u->cap) {
        uint32_t ncap = u->cap ? 2 * u->cap : 256;
        CXCursor *keys = rc_xmalloc(ncap * sizeof *keys);
        const char **usrs = rc_xcalloc(ncap, sizeof *usrs);
        for (uint32_t i = 0; i < u->cap; i++) {
            if (!u->usrs[i])
                continue;
            uint32_t h = cursor_hash(u->keys[i]) & (ncap - 1);
            while (usrs[h])
                h = (h + 1) & (ncap - 1);
            keys[h] = u->keys[i];
            usrs[h] = u->usrs[i];
        }
        free(u->keys);
        free(u->usrs);
        u->keys = keys;
        u->usrs = usrs;
        u->cap = ncap;
    }
    uint32_t h = cursor_hash(d) & (u->cap - 1);
    while (u->usrs[h]) {
        if (cursor_eq(u->keys[h], d))
            return u->usrs[h];
        h = (h + 1) & (u->cap - 1);
    }
    char *usr = fe_take(clang_getCursorUSR(d));
    u->keys[h] = d;
    uint32_t i = rc_strtab_intern(&u->strs, usr); /* may move strs.v */
    u->usrs[h] = u->strs.v[i];
    u->n++;
    free(usr);
    return u->usrs[h];
}

void fe_usr_cache_close(usr_cache_t *u)
{
    free(u->keys);
    free(u->usrs);
    rc_strtab_close(&u->strs);
    memset(u, 0, sizeof *u);
}

/* A copy of the USR of declaration d (clang_getCursorUSR, from the cache). */
char *fe_usr_dup(walker_t *w, CXCursor d)
{
    return rc_xstrdup(fe_usr_cached(&w->usrs, d));
}

/* The expansion locations of c's extent: from the tree's cache when c is one of
 * its nodes (the very cursor: a declaration's extent depends on the word that
 * cursor_eq ignores), else computed into *tmp. */
static const tloc_t *loc_of(walker_t *w, CXCursor c, tloc_t *tmp)
{
    tloc_t *l = tmp;
    const tnode_t *n = tree_find(&w->tree, c);
    if (n && n->c.data[1] == c.data[1]) {
        if (!w->tree.locs)
            w->tree.locs = rc_xcalloc(w->tree.n, sizeof *w->tree.locs);
        l = &w->tree.locs[n - w->tree.nodes];
        if (l->ok)
            return l;
    }
    CXSourceRange r = clang_getCursorExtent(c);
    l->f = l->fe = NULL;
    clang_getExpansionLocation(clang_getRangeStart(r), &l->f, &l->line, &l->col, &l->off);
    clang_getExpansionLocation(clang_getRangeEnd(r), &l->fe, NULL, NULL, &l->end);
    l->ok = 1;
    return l;
}

rc_pos_t fe_pos_of(walker_t *w, CXCursor c)
{
    rc_pos_t p = {0};
    tloc_t tmp;
    const tloc_t *l = loc_of(w, c, &tmp);
    p.line = l->line;
    p.col = l->col;
    p.off = l->off;
    p.end = l->end;
    if (p.end < p.off || !l->fe || !clang_File_isEqual(l->f, l->fe))
        p.end = p.off;
    p.loop_lb = w->loop_lb;
    p.loop_le = w->loop_le;
    p.iloop_lb = w->iloop_lb;
    p.iloop_le = w->iloop_le;
    return p;
}

/* The source text of c with runs of white space folded to one space, cut after
 * MAX_TEXT characters; NULL when the extent is not in the function's file (macro
 * bodies in other files). */
CXCursor fe_local_var(walker_t *w, CXCursor e)
{
    e = fe_strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(e);
    return fe_is_var(d) && !fe_is_global_var(d) ? d : clang_getNullCursor();
}

char *fe_text_of(walker_t *w, CXCursor c)
{
    tloc_t tmp;
    const tloc_t *l = loc_of(w, c, &tmp);
    CXFile f1 = l->f, f2 = l->fe;
    unsigned a = l->off, b = l->end;
    if (!w->text || !f1 || !clang_File_isEqual(f1, w->file) || !clang_File_isEqual(f2, w->file) ||
        b <= a || b > w->textlen)
        return NULL;
    rc_strbuf_t sb;
    rc_strbuf_init(&sb);
    int space = 0;
    for (unsigned i = a; i < b; i++) {
        if (sb.len >= MAX_TEXT) {
            rc_strbuf_append(&sb, "...");
            break;
        }
        char ch = w->text[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = 1;
            continue;
        }
        if (space && sb.len)
            rc_strbuf_appendn(&sb, " ", 1);
        space = 0;
        rc_strbuf_appendn(&sb, &ch, 1);
    }
    return rc_strbuf_take(&sb);
}
