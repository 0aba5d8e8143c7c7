/*
 * frontend.c - one translation unit -> facts, on libclang's AST.
 *
 * For every function defined in the TU (outside system headers) the walker
 * records, as plain data (internal.h):
 *   accesses   reads, writes and read-modify-writes of globals, file statics and
 *              static locals (and their fields and array elements)
 *   calls      direct calls (and calls through a local function pointer whose
 *              possible targets are known), with the callee's USR
 *   creates    thread creations: the start routine(s), the handle, the position
 *   joins      thread joins and the handle they wait for
 * and, at each of them, the *must-hold lockset*: the locks held on every path
 * from the function's entry to that point.
 *
 * The lockset is computed by an abstract interpretation of the statement tree:
 *
 *   construct            lockset after it
 *   s1; s2               s2 applied to s1's result
 *   if (c) a else b      a(T) ∩ b(F), where (T, F) are c's true/false states
 *   while/for/do         fixpoint of head = entry ∩ end-of-body ∩ continue states;
 *                        exit = F(head) ∩ break states
 *   switch               each case label starts from (fall-through ∩ state after c)
 *   return/break/...     the point becomes unreachable (top, the identity of ∩)
 *   label                fall-through ∩ forward gotos; ∅ when a backward or computed
 *                        goto may reach it
 *   lock(l) / unlock(l)  add / remove l; unlock of an unidentified lock empties the set
 *   trylock(l)           adds l only on the branch where it returned 0
 *   noreturn call        unreachable
 *
 * Locks are named by their expression: a global's USR for `&m`, the field's USR
 * for `&s->lock` (all instances of a struct's lock are one class), "*USR" for a
 * global pointer `lk`, and "?" (unidentified, matches every lock) otherwise.
 *
 * The TU is disposed of before returning; no CX* handle survives in the facts.
 */
#include "internal.h"

#include <clang-c/Index.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifndef RC_CLANG_RESOURCE_DIR
#define RC_CLANG_RESOURCE_DIR "/usr/lib/llvm-19/lib/clang/19"
#endif

#define UNKNOWN_LOCK "?"
#define MAX_LOOP_ITERS 24

/* ---- small helpers ---------------------------------------------------------- */

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 8;                                                           \
            (arr) = rc_xrealloc((arr), (cap) * sizeof *(arr));                                     \
        }                                                                                          \
    } while (0)

static char *take(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = rc_xstrdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

typedef struct kids {
    CXCursor *v;
    unsigned n, cap;
} kids_t;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    kids_t *k = d;
    GROW(k->v, k->n, k->cap);
    k->v[k->n++] = c;
    return CXChildVisit_Continue;
}

/* Direct children of c; the caller frees k->v. */
static void children(CXCursor c, kids_t *k)
{
    k->v = NULL;
    k->n = k->cap = 0;
    clang_visitChildren(c, collect, k);
}

static int is_expr(CXCursor c)
{
    return clang_isExpression(clang_getCursorKind(c));
}

/* The only expression child of c (implicit casts, parentheses), or a null cursor. */
static CXCursor sole_expr_child(CXCursor c)
{
    kids_t k;
    children(c, &k);
    CXCursor r = clang_getNullCursor();
    unsigned ne = 0;
    for (unsigned i = 0; i < k.n; i++)
        if (is_expr(k.v[i])) {
            r = k.v[i];
            ne++;
        }
    free(k.v);
    return ne == 1 ? r : clang_getNullCursor();
}

/* Strips parentheses, implicit conversions and (when casts) explicit casts. */
static CXCursor strip(CXCursor c, int casts)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
            !(casts && k == CXCursor_CStyleCastExpr))
            return c;
        CXCursor in = sole_expr_child(c);
        if (clang_Cursor_isNull(in))
            return c;
        c = in;
    }
}

static int is_var(CXCursor d)
{
    enum CXCursorKind k = clang_getCursorKind(d);
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl;
}

static int is_global_var(CXCursor d)
{
    return clang_getCursorKind(d) == CXCursor_VarDecl &&
           clang_Cursor_hasVarDeclGlobalStorage(d) == 1;
}

static int type_is_pointer(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return c.kind == CXType_Pointer || c.kind == CXType_BlockPointer;
}

static int type_is_array(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
           c.kind == CXType_VariableArray || c.kind == CXType_DependentSizedArray;
}

static unsigned type_flags(CXType t)
{
    unsigned f = 0;
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_Atomic)
        f |= RC_LOC_ATOMIC;
    if (clang_isConstQualifiedType(c) || clang_isConstQualifiedType(t))
        f |= RC_LOC_CONST;
    if (clang_isVolatileQualifiedType(c) || clang_isVolatileQualifiedType(t))
        f |= RC_LOC_VOLATILE;
    return f;
}

/* 1 when c is an integer constant expression equal to 0. */
static int is_zero(CXCursor c)
{
    CXEvalResult r = clang_Cursor_Evaluate(c);
    if (!r)
        return 0;
    int z = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
    clang_EvalResult_dispose(r);
    return z;
}

/* ---- the walker --------------------------------------------------------------- */

typedef struct frame {
    int is_loop;
    rc_lset_t brk, cont;
    rc_lset_t sw_entry; /* switch: state after the controlling expression */
    int saw_default;
} frame_t;

typedef struct alias {
    char *var;  /* USR of a local variable */
    char *usr;  /* function pointer target USR, or NULL for a lock alias */
    char *name; /* function name */
    uint32_t lock;
} alias_t;

/* An assignment (or initialisation) of a local variable, and what the local
 * depends on: bit i = parameter i, DEP_OTHER = anything else (globals, calls),
 * DEP_NONINJ = a many-to-one operation (%, /, &, ...) was applied. */
typedef struct local_asg {
    char *var; /* USR */
    CXCursor rhs;
    unsigned off;
    uint32_t mask; /* dependency mask of the variable (shared by its entries) */
} local_asg_t;

#define DEP_OTHER (1u << 31)
#define DEP_NONINJ (1u << 30)
#define DEP_PARAMS (DEP_NONINJ - 1u)

typedef struct label_state {
    unsigned off; /* offset of the LabelStmt */
    rc_lset_t ls;
    int backward; /* some goto after it jumps back to it */
} label_state_t;

/* What a call to a function defined in this TU does to the caller's lockset:
 * remove `rel` (all locks when rel_all), then add `acq`. Locks passed as
 * parameters appear as parameter locks and are replaced by the call's argument. */
typedef struct summary {
    rc_lset_t acq, rel;
    int rel_all;
    int noreturn;
} summary_t;

typedef struct walker {
    CXTranslationUnit tu;
    CXCursor cur_fn;
    int summarizing; /* computing summaries: nothing is recorded */
    rc_lset_t ret;   /* meet of the states at the function's exits */
    rc_lset_t released;
    int releases_all;
    rc_strtab_t sum_usrs; /* function USR -> index into sums */
    summary_t *sums;
    size_t capsums;
    const rc_models_t *models;
    rc_tu_facts_t *facts;
    rc_fn_facts_t *fn;
    CXFile file; /* file of the current function's definition */
    const char *text;
    size_t textlen;
    int record;
    unsigned loop_lb, loop_le;
    frame_t *frames;
    size_t nframes, capframes;
    alias_t *aliases;
    size_t naliases, capaliases;
    label_state_t *labels;
    size_t nlabels, caplabels;
    int indirect_goto;
    local_asg_t *asgs; /* assignments to locals in the current function (prescan) */
    size_t nasgs, capasgs;
    const char *watch_key; /* assignment target whose read in the RHS makes it an RMW */
    int watch_hit;
    uint32_t unknown_lock;
} walker_t;

static void walk_stmt(walker_t *w, CXCursor s, rc_lset_t *st);
static void eval_expr(walker_t *w, CXCursor e, rc_lset_t *st);

static rc_pos_t pos_of(walker_t *w, CXCursor c)
{
    rc_pos_t p = {0};
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f = NULL;
    clang_getExpansionLocation(clang_getRangeStart(r), &f, &p.line, &p.col, &p.off);
    CXFile fe = NULL;
    clang_getExpansionLocation(clang_getRangeEnd(r), &fe, NULL, NULL, &p.end);
    if (p.end < p.off || !fe || !clang_File_isEqual(f, fe))
        p.end = p.off;
    p.loop_lb = w->loop_lb;
    p.loop_le = w->loop_le;
    return p;
}

/* The source text of c with runs of white space folded to one space; NULL when
 * the extent is not in the function's file (macro bodies in other files). */
static char *text_of(walker_t *w, CXCursor c)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f1 = NULL, f2 = NULL;
    unsigned a, b;
    clang_getExpansionLocation(clang_getRangeStart(r), &f1, NULL, NULL, &a);
    clang_getExpansionLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &b);
    if (!w->text || !f1 || !clang_File_isEqual(f1, w->file) || !clang_File_isEqual(f2, w->file) ||
        b <= a || b > w->textlen || b - a > 4096)
        return NULL;
    rc_strbuf_t sb;
    rc_strbuf_init(&sb);
    int space = 0;
    for (unsigned i = a; i < b; i++) {
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

/* ---- locks ------------------------------------------------------------------ */

static uint32_t intern_lock(walker_t *w, const char *id, const char *name)
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

static const alias_t *find_alias(walker_t *w, const char *var, int want_fn, size_t *from)
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

#define PARAM_LOCK_PREFIX '\x01'

/* The lock a pointer parameter points to, as seen inside the function: it stands
 * for the caller's argument in summaries and for an unidentified lock elsewhere. */
static uint32_t param_lock(walker_t *w, CXCursor parm)
{
    int n = clang_Cursor_getNumArguments(w->cur_fn);
    for (int i = 0; i < n && i < 32; i++) {
        if (clang_equalCursors(clang_Cursor_getArgument(w->cur_fn, (unsigned)i), parm)) {
            char id[16];
            snprintf(id, sizeof id, "%cp%d", PARAM_LOCK_PREFIX, i);
            return intern_lock(w, id, "the lock passed by the caller");
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

/* The lockset as recorded in facts: parameter locks become the unidentified lock. */
static rc_lset_t recorded(const walker_t *w, const rc_lset_t *st)
{
    rc_lset_t out;
    rc_lset_empty(&out);
    out.top = st->top;
    for (int i = 0; i < st->n; i++) {
        uint32_t l = RC_LREF_LOCK(st->v[i]);
        rc_lset_add(&out, param_index(w, l) >= 0 ? w->unknown_lock : l, RC_LREF_SHARED(st->v[i]));
    }
    return out;
}

/* Index of parameter declaration parm in the current function, or -1. */
static int param_no(walker_t *w, CXCursor parm)
{
    int n = clang_Cursor_getNumArguments(w->cur_fn);
    for (int i = 0; i < n; i++)
        if (clang_equalCursors(clang_Cursor_getArgument(w->cur_fn, (unsigned)i), parm))
            return i;
    return -1;
}

static int is_int_const(CXCursor c, long long *v)
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

static uint32_t local_mask(walker_t *w, const char *usr)
{
    for (size_t i = 0; i < w->nasgs; i++)
        if (strcmp(w->asgs[i].var, usr) == 0)
            return w->asgs[i].mask;
    return 0;
}

/* What the value of e depends on (see local_asg_t). */
static uint32_t mask_of(walker_t *w, CXCursor e)
{
    e = strip(e, 1);
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
            int i = param_no(w, d);
            return i >= 0 && i < 30 ? 1u << i : DEP_OTHER;
        }
        if (dk == CXCursor_VarDecl && !is_global_var(d)) {
            char *usr = take(clang_getCursorUSR(d));
            uint32_t m = local_mask(w, usr);
            free(usr);
            return m;
        }
        return DEP_OTHER;
    }
    case CXCursor_UnaryOperator: {
        CXCursor in = sole_expr_child(e);
        if (clang_Cursor_isNull(in))
            return DEP_OTHER;
        uint32_t m = mask_of(w, in);
        return clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot ? m | DEP_NONINJ : m;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor in = sole_expr_child(e);
        return clang_Cursor_isNull(in) ? DEP_OTHER : mask_of(w, in);
    }
    case CXCursor_ArraySubscriptExpr:
    case CXCursor_BinaryOperator:
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        children(e, &kk);
        uint32_t m = 0;
        if (k == CXCursor_BinaryOperator && kk.n == 2) {
            enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
            if (op == CXBinaryOperator_Comma || op == CXBinaryOperator_Assign) {
                m = mask_of(w, kk.v[1]);
            } else if (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub ||
                       op == CXBinaryOperator_Mul) {
                /* v + c, v - c, c * v are one-to-one in v */
                if (is_int_const(kk.v[0], NULL))
                    m = mask_of(w, kk.v[1]);
                else if (is_int_const(kk.v[1], NULL))
                    m = mask_of(w, kk.v[0]);
                else
                    m = mask_of(w, kk.v[0]) | mask_of(w, kk.v[1]) | DEP_NONINJ;
            } else {
                m = mask_of(w, kk.v[0]) | mask_of(w, kk.v[1]) | DEP_NONINJ;
            }
        } else {
            for (unsigned i = 0; i < kk.n; i++)
                m |= mask_of(w, kk.v[i]);
            if (k != CXCursor_ArraySubscriptExpr)
                m |= DEP_NONINJ;
        }
        free(kk.v);
        return m;
    }
    default:
        return DEP_OTHER;
    }
}

/* The single parameter e is derived from one-to-one (a per-thread value when the
 * parameter is a start routine's argument), or -1. */
static int param_derived(walker_t *w, CXCursor e)
{
    uint32_t m = mask_of(w, e);
    if (!m || (m & (DEP_OTHER | DEP_NONINJ)) || (m & (m - 1)))
        return -1;
    return __builtin_ctz(m);
}

/* The lock an argument expression names (see the file comment). */
static uint32_t lock_of(walker_t *w, CXCursor arg)
{
    CXCursor e = strip(arg, 1);
    int addr = 0;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        e = strip(sole_expr_child(e), 1);
        addr = 1;
        if (clang_Cursor_isNull(e))
            return w->unknown_lock;
    }
    enum CXCursorKind k = clang_getCursorKind(e);
    int deref = !addr && type_is_pointer(clang_getCursorType(e));
    uint32_t id = w->unknown_lock;
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        char *usr = take(clang_getCursorUSR(d));
        char *name = take(clang_getCursorSpelling(d));
        if (k == CXCursor_DeclRefExpr && is_var(d) && !is_global_var(d)) {
            const alias_t *a = deref ? find_alias(w, usr, 0, NULL) : NULL;
            if (a)
                id = a->lock;
            else if (deref && clang_getCursorKind(d) == CXCursor_ParmDecl)
                id = param_lock(w, d);
        } else if (*usr) {
            char *disp = name;
            if (k == CXCursor_MemberRefExpr) {
                CXCursor rec = clang_getCursorSemanticParent(d);
                char *rn = take(clang_getCursorSpelling(rec));
                disp = rc_xasprintf("%s::%s", *rn ? rn : "(anonymous)", name);
                free(rn);
            }
            char *fid = rc_xasprintf("%s%s", deref ? "*" : "", usr);
            char *fname = rc_xasprintf("%s%s", deref ? "*" : "", disp);
            id = intern_lock(w, fid, fname);
            free(fid);
            free(fname);
            if (disp != name)
                free(disp);
        }
        free(usr);
        free(name);
    } else if (k == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        children(e, &kk);
        if (kk.n == 2) {
            CXCursor b = strip(kk.v[0], 1);
            enum CXCursorKind bk = clang_getCursorKind(b);
            if (bk == CXCursor_DeclRefExpr || bk == CXCursor_MemberRefExpr) {
                CXCursor d = clang_getCursorReferenced(b);
                if (bk == CXCursor_MemberRefExpr || is_global_var(d)) {
                    char *usr = take(clang_getCursorUSR(d));
                    char *name = take(clang_getCursorSpelling(d));
                    char *fid = rc_xasprintf("%s[]", usr);
                    char *fname = rc_xasprintf("%s[]", name);
                    id = intern_lock(w, fid, fname);
                    free(fid);
                    free(fname);
                    free(usr);
                    free(name);
                }
            }
        }
        free(kk.v);
    }
    return id;
}

/* ---- function pointers -------------------------------------------------------- */

typedef struct targets {
    char **usr, **name;
    size_t n, cap;
} targets_t;

static void targets_add(targets_t *t, const char *usr, const char *name)
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

static void targets_free(targets_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->usr[i]);
        free(t->name[i]);
    }
    free(t->usr);
    free(t->name);
}

/* The functions an expression of function (pointer) type may designate: `f`,
 * `&f`, casts of those, `c ? f : g`, and local variables assigned such values
 * earlier in the function. */
static void resolve_fn(walker_t *w, CXCursor e, targets_t *out)
{
    e = strip(e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        resolve_fn(w, sole_expr_child(e), out);
        return;
    }
    if (k == CXCursor_ConditionalOperator) {
        kids_t kk;
        children(e, &kk);
        for (unsigned i = 1; i < kk.n; i++)
            resolve_fn(w, kk.v[i], out);
        free(kk.v);
        return;
    }
    if (k != CXCursor_DeclRefExpr)
        return;
    CXCursor d = clang_getCursorReferenced(e);
    char *usr = take(clang_getCursorUSR(d));
    if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
        char *name = take(clang_getCursorSpelling(d));
        targets_add(out, usr, name);
        free(name);
    } else if (is_var(d) && !is_global_var(d)) {
        size_t from = 0;
        const alias_t *a;
        while ((a = find_alias(w, usr, 1, &from)))
            targets_add(out, a->usr, a->name);
    }
    free(usr);
}

/* Remembers what a local variable is assigned: functions (for calls and thread
 * creation through it) and lock addresses (for lock calls through it). */
static void note_local_assign(walker_t *w, CXCursor var, CXCursor value)
{
    if (!is_var(var) || is_global_var(var) || clang_Cursor_isNull(value))
        return;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    if (t.kind != CXType_Pointer)
        return;
    CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
    char *vusr = take(clang_getCursorUSR(var));
    if (pt.kind == CXType_FunctionProto || pt.kind == CXType_FunctionNoProto) {
        targets_t tg = {0};
        resolve_fn(w, value, &tg);
        for (size_t i = 0; i < tg.n; i++) {
            size_t from = 0;
            const alias_t *a;
            int dup = 0;
            while ((a = find_alias(w, vusr, 1, &from)))
                dup |= strcmp(a->usr, tg.usr[i]) == 0;
            if (dup)
                continue;
            GROW(w->aliases, w->naliases, w->capaliases);
            w->aliases[w->naliases++] =
                (alias_t){rc_xstrdup(vusr), rc_xstrdup(tg.usr[i]), rc_xstrdup(tg.name[i]), 0};
        }
        targets_free(&tg);
    } else {
        /* A pointer to a lock object: `pthread_mutex_t *lk = &s->lock;`. */
        CXCursor v = strip(value, 1);
        if (clang_getCursorKind(v) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(v) == CXUnaryOperator_AddrOf) {
            uint32_t id = lock_of(w, v);
            alias_t *prev = NULL;
            for (size_t i = 0; i < w->naliases; i++)
                if (!w->aliases[i].usr && strcmp(w->aliases[i].var, vusr) == 0)
                    prev = &w->aliases[i];
            if (prev) {
                if (prev->lock != id)
                    prev->lock = w->unknown_lock; /* assigned two different locks */
            } else {
                GROW(w->aliases, w->naliases, w->capaliases);
                w->aliases[w->naliases++] = (alias_t){rc_xstrdup(vusr), NULL, NULL, id};
            }
        }
    }
    free(vusr);
}

/* ---- recording ------------------------------------------------------------------ */

typedef struct lval {
    rc_strbuf_t key, name;
    unsigned flags;
} lval_t;

static void lval_close(lval_t *lv)
{
    rc_strbuf_close(&lv->key);
    rc_strbuf_close(&lv->name);
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
    a->text = kind == RC_ACC_READ ? NULL : text_of(w, at);
    if (!a->text)
        a->text = rc_xstrdup(lv->name.s);
    a->kind = kind;
    a->flags = lv->flags;
    a->pos = pos_of(w, at);
    a->ls = recorded(w, st);
}

static void record_call(walker_t *w, const char *usr, const char *name, CXCursor at,
                        const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->calls, fn->ncalls, fn->capcalls);
    rc_call_t *c = &fn->calls[fn->ncalls++];
    c->callee = rc_xstrdup(usr);
    c->callee_name = rc_xstrdup(name);
    c->pos = pos_of(w, at);
    c->ls = recorded(w, st);
}

static void record_addr_taken(walker_t *w, const char *usr)
{
    if (!w->record)
        return;
    rc_fn_facts_t *fn = w->fn;
    for (size_t i = 0; i < fn->naddr; i++)
        if (strcmp(fn->addr_taken[i], usr) == 0)
            return;
    GROW(fn->addr_taken, fn->naddr, fn->capaddr);
    fn->addr_taken[fn->naddr++] = rc_xstrdup(usr);
}

/* USR of the variable at the root of a thread-handle expression (`&t`, `tids[i]`,
 * `&w->tid` -> w), or NULL. */
static char *handle_root(CXCursor e)
{
    for (int guard = 0; guard < 32; guard++) {
        e = strip(e, 1);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            return is_var(d) ? take(clang_getCursorUSR(d)) : NULL;
        }
        kids_t kk;
        children(e, &kk);
        CXCursor next = clang_getNullCursor();
        if ((k == CXCursor_UnaryOperator || k == CXCursor_ArraySubscriptExpr ||
             k == CXCursor_MemberRefExpr) &&
            kk.n >= 1)
            next = kk.v[0];
        free(kk.v);
        if (clang_Cursor_isNull(next))
            return NULL;
        e = next;
    }
    return NULL;
}

/* ---- lvalues and expressions ----------------------------------------------------- */

/* Starts lv as the object parameter pi points to (through `base`, as written):
 * key "<function USR>\x1dp<pi>" + RC_KEY_SEP. What it is depends on the callers;
 * the link step resolves it for start routines (program.c). */
static void param_object(walker_t *w, int pi, CXCursor base, lval_t *lv)
{
    rc_strbuf_init(&lv->key);
    rc_strbuf_init(&lv->name);
    char *fusr = take(clang_getCursorUSR(w->cur_fn));
    rc_strbuf_appendf(&lv->key, "%s%cp%d%c", fusr, RC_PARAM_MARK, pi, RC_KEY_SEP);
    free(fusr);
    char *bt = text_of(w, base);
    rc_strbuf_append(&lv->name, bt ? bt : "(argument)");
    free(bt);
}

/* Resolves e as a location that outlives the function (global/static variable,
 * its fields and array elements). Returns 1 and fills lv when it is one.
 * Sub-expressions that are evaluated on the way (indexes, pointer bases) are
 * recorded as reads under *st. */
static int lvalue(walker_t *w, CXCursor e, rc_lset_t *st, lval_t *lv)
{
    while (clang_getCursorKind(e) == CXCursor_ParenExpr) {
        CXCursor in = sole_expr_child(e);
        if (clang_Cursor_isNull(in))
            break;
        e = in;
    }
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl) {
            char *usr = take(clang_getCursorUSR(d));
            record_addr_taken(w, usr);
            free(usr);
            return 0;
        }
        if (!is_global_var(d))
            return 0;
        char *usr = take(clang_getCursorUSR(d));
        char *name = take(clang_getCursorSpelling(d));
        rc_strbuf_init(&lv->key);
        rc_strbuf_init(&lv->name);
        rc_strbuf_append(&lv->key, usr);
        rc_strbuf_appendn(&lv->key, (const char[]){RC_KEY_SEP}, 1);
        rc_strbuf_append(&lv->name, name);
        free(usr);
        free(name);
        lv->flags = type_flags(clang_getCursorType(e)) | type_flags(clang_getCursorType(d));
        if (clang_getCursorTLSKind(d) != CXTLS_None)
            lv->flags |= RC_LOC_TLS;
        return 1;
    }
    if (k == CXCursor_MemberRefExpr) {
        kids_t kk;
        children(e, &kk);
        int ok = 0;
        if (kk.n >= 1) {
            CXCursor base = kk.v[0];
            if (type_is_pointer(clang_getCursorType(base))) {
                eval_expr(w, base, st);
                int pi = param_derived(w, base);
                if (pi >= 0) {
                    /* s->f where s is (derived from) parameter pi */
                    char *field = take(clang_getCursorSpelling(e));
                    param_object(w, pi, base, lv);
                    rc_strbuf_appendf(&lv->key, ".%s", field);
                    rc_strbuf_appendf(&lv->name, "->%s", field);
                    free(field);
                    lv->flags = type_flags(clang_getCursorType(e));
                    ok = 1;
                }
            } else if (lvalue(w, base, st, lv)) {
                char *field = take(clang_getCursorSpelling(e));
                rc_strbuf_appendf(&lv->key, ".%s", field);
                rc_strbuf_appendf(&lv->name, ".%s", field);
                free(field);
                lv->flags = (lv->flags & RC_LOC_TLS) | type_flags(clang_getCursorType(e));
                ok = 1;
            }
        }
        free(kk.v);
        return ok;
    }
    if (k == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        children(e, &kk);
        int ok = 0;
        if (kk.n == 2) {
            CXCursor base = kk.v[0], idx = kk.v[1];
            CXCursor arr = strip(base, 0);
            int pbase = -1;
            int tracked = type_is_array(clang_getCursorType(arr))
                              ? lvalue(w, arr, st, lv)
                              : (eval_expr(w, base, st), (pbase = param_derived(w, base)) >= 0);
            if (tracked) {
                if (pbase >= 0) {
                    param_object(w, pbase, base, lv); /* p[i] where p comes from a parameter */
                    lv->flags = 0;
                }
                eval_expr(w, idx, st);
                long long v;
                int pi = param_derived(w, idx);
                if (pi >= 0)
                    rc_strbuf_appendf(&lv->key, "[p%d]", pi); /* slot chosen by the parameter */
                else if (is_int_const(idx, &v))
                    rc_strbuf_appendf(&lv->key, "[%lld]", v);
                else
                    rc_strbuf_append(&lv->key, "[*]");
                char *it = text_of(w, idx);
                rc_strbuf_appendf(&lv->name, "[%s]", it ? it : "...");
                free(it);
                lv->flags = (lv->flags & RC_LOC_TLS) | type_flags(clang_getCursorType(e));
                ok = 1;
            } else {
                eval_expr(w, idx, st);
            }
        }
        free(kk.v);
        return ok;
    }
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref) {
        CXCursor p = sole_expr_child(e);
        if (!clang_Cursor_isNull(p)) {
            eval_expr(w, p, st);
            int pi = param_derived(w, p);
            if (pi >= 0) {
                param_object(w, pi, p, lv); /* *p where p comes from a parameter */
                rc_strbuf_reset(&lv->name);
                char *t = text_of(w, e);
                rc_strbuf_append(&lv->name, t ? t : "*(argument)");
                free(t);
                lv->flags = type_flags(clang_getCursorType(e));
                return 1;
            }
            return 0;
        }
    }
    eval_expr(w, e, st);
    return 0;
}

/* Evaluates the children of e in order as expressions (statements inside, e.g.
 * of a GNU statement expression, are walked as statements). */
static void eval_children(walker_t *w, CXCursor e, rc_lset_t *st)
{
    kids_t kk;
    children(e, &kk);
    for (unsigned i = 0; i < kk.n; i++) {
        if (is_expr(kk.v[i]))
            eval_expr(w, kk.v[i], st);
        else if (clang_isStatement(clang_getCursorKind(kk.v[i])))
            walk_stmt(w, kk.v[i], st);
    }
    free(kk.v);
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
static rc_arg_kind_t classify_arg(walker_t *w, CXCursor arg, char **key)
{
    *key = NULL;
    CXCursor e = strip(arg, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    int in_loop = w->loop_le != 0;
    long long v;
    if (is_int_const(e, &v)) {
        if (v == 0)
            return RC_ARG_NONE;
        *key = rc_xasprintf("#%lld", v);
        return RC_ARG_VALUE;
    }
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        CXCursor x = strip(sole_expr_child(e), 0);
        if (clang_Cursor_isNull(x))
            return RC_ARG_UNKNOWN;
        int saved = w->record;
        w->record = 0;
        rc_lset_t scratch;
        rc_lset_empty(&scratch);
        lval_t lv;
        int tracked = lvalue(w, x, &scratch, &lv);
        w->record = saved;
        if (tracked) {
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
            children(x, &kk);
            int cst = kk.n == 2 && is_int_const(kk.v[1], &v);
            free(kk.v);
            if (!cst)
                return in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN;
        }
        char *root = handle_root(x);
        if (!root)
            return RC_ARG_UNKNOWN;
        *key = root;
        return RC_ARG_SAME;
    }
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (!is_var(d))
            return RC_ARG_UNKNOWN;
        char *usr = take(clang_getCursorUSR(d));
        if (type_is_pointer(clang_getCursorType(d))) {
            if (!is_global_var(d) && in_loop && assigned_in(w, usr, w->loop_lb, w->loop_le)) {
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

static void record_create(walker_t *w, const rc_api_fn_t *api, CXCursor call, kids_t *kk,
                          const rc_lset_t *st)
{
    unsigned nargs = kk->n - 1;
    targets_t tg = {0};
    if ((unsigned)api->routine_arg < nargs)
        resolve_fn(w, kk->v[1 + api->routine_arg], &tg);
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
                        ? handle_root(kk->v[1 + api->handle_arg])
                        : NULL;
        c->api = rc_xstrdup(api->name);
        c->arg_kind = api->arg_arg >= 0 && (unsigned)api->arg_arg < nargs
                          ? classify_arg(w, kk->v[1 + api->arg_arg], &c->arg_key)
                          : RC_ARG_UNKNOWN;
        c->pos = pos_of(w, call);
        c->ls = recorded(w, st);
    }
    targets_free(&tg);
}

/* Releases lock l from st; while summarising, remembers that the function does. */
static void release(walker_t *w, uint32_t l, rc_lset_t *st)
{
    if (l == w->unknown_lock) {
        rc_lset_empty(st); /* it may release any lock */
        w->releases_all |= w->summarizing;
        return;
    }
    rc_lset_remove(st, l);
    if (w->summarizing) {
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
    return (unsigned)pi + 1 < kk->n ? lock_of(w, kk->v[1 + pi]) : w->unknown_lock;
}

static void apply_summary(walker_t *w, const summary_t *s, kids_t *kk, rc_lset_t *st)
{
    if (s->noreturn) {
        rc_lset_top(st);
        return;
    }
    if (s->rel_all)
        rc_lset_empty(st);
    for (int i = 0; i < s->rel.n && !s->rel_all; i++)
        release(w, summary_lock(w, RC_LREF_LOCK(s->rel.v[i]), kk), st);
    for (int i = 0; i < s->acq.n; i++)
        rc_lset_add(st, summary_lock(w, RC_LREF_LOCK(s->acq.v[i]), kk),
                    RC_LREF_SHARED(s->acq.v[i]));
}

static void handle_call(walker_t *w, CXCursor e, rc_lset_t *st)
{
    kids_t kk;
    children(e, &kk);
    if (kk.n == 0) {
        free(kk.v);
        return;
    }
    CXCursor d = clang_getCursorReferenced(e);
    int direct = clang_getCursorKind(d) == CXCursor_FunctionDecl;
    char *name = direct ? take(clang_getCursorSpelling(d)) : NULL;
    const rc_api_fn_t *api = name ? rc_models_find(w->models, name) : NULL;
    if (!direct)
        eval_expr(w, kk.v[0], st); /* reads the function pointer */
    for (unsigned i = 1; i < kk.n; i++) {
        if (api && api->kind == RC_API_THREAD_CREATE && (int)i - 1 == api->routine_arg)
            continue; /* the start routine is not an escaping address */
        eval_expr(w, kk.v[i], st);
    }
    unsigned nargs = kk.n - 1;
    if (api) {
        switch (api->kind) {
        case RC_API_LOCK:
            if ((unsigned)api->lock_arg < nargs)
                rc_lset_add(st, lock_of(w, kk.v[1 + api->lock_arg]), api->shared);
            break;
        case RC_API_TRYLOCK:
            break; /* held only on a branch: see eval_cond */
        case RC_API_UNLOCK:
            if ((unsigned)api->lock_arg < nargs)
                release(w, lock_of(w, kk.v[1 + api->lock_arg]), st);
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
                                ? handle_root(kk.v[1 + api->handle_arg])
                                : NULL;
                j->pos = pos_of(w, e);
            }
            break;
        case RC_API_NORETURN:
            rc_lset_top(st);
            break;
        }
    } else if (direct) {
        char *usr = take(clang_getCursorUSR(d));
        record_call(w, usr, name, e, st);
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
        if (si != UINT32_MAX)
            apply_summary(w, &w->sums[si], &kk, st);
        free(usr);
    } else {
        targets_t tg = {0};
        resolve_fn(w, kk.v[0], &tg);
        for (size_t i = 0; i < tg.n; i++)
            record_call(w, tg.usr[i], tg.name[i], e, st);
        targets_free(&tg);
    }
    free(name);
    free(kk.v);
}

/* The trylock model call that c is (after stripping), or NULL. */
static const rc_api_fn_t *trylock_call(walker_t *w, CXCursor c)
{
    c = strip(c, 1);
    if (clang_getCursorKind(c) != CXCursor_CallExpr)
        return NULL;
    CXCursor d = clang_getCursorReferenced(c);
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
        return NULL;
    char *name = take(clang_getCursorSpelling(d));
    const rc_api_fn_t *api = rc_models_find(w->models, name);
    free(name);
    return api && api->kind == RC_API_TRYLOCK ? api : NULL;
}

/* Lockset after a successful trylock call c, given the state s after its evaluation. */
static void trylock_success(walker_t *w, const rc_api_fn_t *api, CXCursor c, rc_lset_t *s)
{
    kids_t kk;
    children(strip(c, 1), &kk);
    if ((unsigned)api->lock_arg + 1 < kk.n)
        rc_lset_add(s, lock_of(w, kk.v[1 + api->lock_arg]), api->shared);
    free(kk.v);
}

/* Evaluates a condition: *t and *f receive the states when it is true / false. */
static void eval_cond(walker_t *w, CXCursor c, const rc_lset_t *in, rc_lset_t *t, rc_lset_t *f)
{
    CXCursor e = strip(c, 0);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot) {
        CXCursor in2 = sole_expr_child(e);
        if (!clang_Cursor_isNull(in2)) {
            eval_cond(w, in2, in, f, t);
            return;
        }
    }
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        children(e, &kk);
        if (kk.n == 2 && (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr)) {
            rc_lset_t t1, f1, t2, f2;
            eval_cond(w, kk.v[0], in, &t1, &f1);
            if (op == CXBinaryOperator_LAnd) {
                eval_cond(w, kk.v[1], &t1, &t2, &f2);
                *t = t2;
                *f = f1;
                rc_lset_meet(f, &f2);
            } else {
                eval_cond(w, kk.v[1], &f1, &t2, &f2);
                *t = t1;
                rc_lset_meet(t, &t2);
                *f = f2;
            }
            free(kk.v);
            return;
        }
        if (kk.n == 2 && (op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE)) {
            int call_side = -1;
            for (int i = 0; i < 2; i++)
                if (trylock_call(w, kk.v[i]) && is_zero(kk.v[1 - i]))
                    call_side = i;
            if (call_side >= 0) {
                const rc_api_fn_t *api = trylock_call(w, kk.v[call_side]);
                rc_lset_t s = *in, ok;
                eval_expr(w, kk.v[call_side], &s);
                ok = s;
                trylock_success(w, api, kk.v[call_side], &ok);
                *t = op == CXBinaryOperator_EQ ? ok : s;
                *f = op == CXBinaryOperator_EQ ? s : ok;
                free(kk.v);
                return;
            }
        }
        free(kk.v);
    }
    const rc_api_fn_t *api = trylock_call(w, e);
    rc_lset_t s = *in;
    eval_expr(w, e, &s);
    *t = s;
    *f = s;
    if (api)
        trylock_success(w, api, e, f); /* nonzero (true) means it failed */
}

static void eval_assign(walker_t *w, CXCursor e, kids_t *kk, int compound, rc_lset_t *st)
{
    lval_t lv;
    int tracked = lvalue(w, kk->v[0], st, &lv);
    if (!tracked) {
        /* A local target: remember function and lock pointers it receives. */
        CXCursor lhs = strip(kk->v[0], 0);
        if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
            note_local_assign(w, clang_getCursorReferenced(lhs), kk->v[1]);
        eval_expr(w, kk->v[1], st);
        return;
    }
    const char *saved_key = w->watch_key;
    int saved_hit = w->watch_hit;
    w->watch_key = compound ? NULL : lv.key.s;
    w->watch_hit = 0;
    eval_expr(w, kk->v[1], st);
    int rmw = compound || w->watch_hit;
    w->watch_key = saved_key;
    w->watch_hit = saved_hit;
    record_access(w, &lv, rmw ? RC_ACC_RMW : RC_ACC_WRITE, e, st);
    lval_close(&lv);
}

static void eval_expr(walker_t *w, CXCursor e, rc_lset_t *st)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    switch (k) {
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr: {
        lval_t lv;
        if (lvalue(w, e, st, &lv)) {
            /* An array designator decays to its address: no element is read. */
            if (!type_is_array(clang_getCursorType(e)))
                record_access(w, &lv, RC_ACC_READ, e, st);
            lval_close(&lv);
        }
        return;
    }
    case CXCursor_UnaryOperator: {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
        CXCursor in = sole_expr_child(e);
        if (clang_Cursor_isNull(in))
            return;
        if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
            op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec) {
            lval_t lv;
            if (lvalue(w, in, st, &lv)) {
                record_access(w, &lv, RC_ACC_RMW, e, st);
                lval_close(&lv);
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
        eval_expr(w, in, st);
        return;
    }
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator: {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        children(e, &kk);
        if (kk.n != 2) {
            free(kk.v);
            eval_children(w, e, st);
            return;
        }
        if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
            eval_assign(w, e, &kk, op != CXBinaryOperator_Assign, st);
        } else if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) {
            rc_lset_t t, f;
            eval_cond(w, e, st, &t, &f);
            *st = t;
            rc_lset_meet(st, &f);
        } else {
            eval_expr(w, kk.v[0], st);
            eval_expr(w, kk.v[1], st);
        }
        free(kk.v);
        return;
    }
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        children(e, &kk);
        if (kk.n == 3) {
            rc_lset_t t, f;
            eval_cond(w, kk.v[0], st, &t, &f);
            eval_expr(w, kk.v[1], &t);
            eval_expr(w, kk.v[2], &f);
            *st = t;
            rc_lset_meet(st, &f);
        } else {
            for (unsigned i = 0; i < kk.n; i++)
                eval_expr(w, kk.v[i], st);
        }
        free(kk.v);
        return;
    }
    case CXCursor_CallExpr:
        handle_call(w, e, st);
        return;
    case CXCursor_UnaryExpr:
        return; /* sizeof / _Alignof: operand not evaluated */
    case CXCursor_StmtExpr:
        eval_children(w, e, st);
        return;
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_ImaginaryLiteral:
        return;
    default:
        eval_children(w, e, st);
        return;
    }
}

/* ---- statements ---------------------------------------------------------------- */

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
    if (!clang_Cursor_isNull(c))
        walk_stmt(w, c, st);
}

/* One pass over a loop from head state `head`: *exit receives the state when the
 * loop is left (condition false or break), *next the state back at the head. */
static void loop_pass(walker_t *w, CXCursor cond, CXCursor body, CXCursor inc, int is_do,
                      const rc_lset_t *head, rc_lset_t *exit, rc_lset_t *next)
{
    push_frame(w, 1);
    rc_lset_t t, f, s;
    if (!is_do) {
        if (!clang_Cursor_isNull(cond)) {
            eval_cond(w, cond, head, &t, &f);
        } else {
            t = *head;
            rc_lset_top(&f); /* for (;;): left only through break */
        }
        s = t;
        walk_stmt(w, body, &s);
        rc_lset_meet(&s, &w->frames[w->nframes - 1].cont);
        walk_part(w, inc, &s);
        *next = s;
        *exit = f;
    } else {
        s = *head;
        walk_stmt(w, body, &s);
        rc_lset_meet(&s, &w->frames[w->nframes - 1].cont);
        eval_cond(w, cond, &s, &t, &f);
        *next = t;
        *exit = f;
    }
    rc_lset_meet(exit, &w->frames[w->nframes - 1].brk);
    w->nframes--;
}

static void walk_loop(walker_t *w, CXCursor loop, CXCursor init, CXCursor cond, CXCursor body,
                      CXCursor inc, int is_do, rc_lset_t *st)
{
    walk_part(w, init, st);
    unsigned saved_lb = w->loop_lb, saved_le = w->loop_le;
    if (!w->loop_le) {
        rc_pos_t p = pos_of(w, loop);
        w->loop_lb = p.off;
        w->loop_le = p.end > p.off ? p.end : p.off + 1;
    }
    rc_lset_t entry = *st, head = *st, exit, next;
    int saved_record = w->record;
    w->record = 0;
    int converged = 0;
    for (int i = 0; i < MAX_LOOP_ITERS && !entry.top; i++) {
        loop_pass(w, cond, body, inc, is_do, &head, &exit, &next);
        rc_lset_t nh = entry;
        rc_lset_meet(&nh, &next);
        if (rc_lset_equal(&nh, &head)) {
            converged = 1;
            break;
        }
        head = nh;
    }
    if (!converged && !entry.top)
        rc_lset_empty(&head);
    w->record = saved_record;
    loop_pass(w, cond, body, inc, is_do, &head, &exit, &next);
    *st = exit;
    w->loop_lb = saved_lb;
    w->loop_le = saved_le;
}

/* Splits a for statement's children into init, cond, inc and body using the
 * positions of the two ';' tokens of its header. */
static void walk_for(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    children(s, &kk);
    CXCursor init = clang_getNullCursor(), cond = init, inc = init, body = init;
    if (kk.n == 0) {
        free(kk.v);
        return;
    }
    body = kk.v[kk.n - 1];
    unsigned semi[2] = {0, 0}, nsemi = 0;
    CXSourceRange hr = clang_getRange(clang_getRangeStart(clang_getCursorExtent(s)),
                                      clang_getRangeStart(clang_getCursorExtent(body)));
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
            semi[nsemi++] = off;
        }
        clang_disposeString(sp);
    }
    if (toks)
        clang_disposeTokens(w->tu, toks, ntoks);
    if (nsemi == 2) {
        for (unsigned i = 0; i + 1 < kk.n; i++) {
            unsigned off = pos_of(w, kk.v[i]).off;
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
    } else {
        /* Header hidden in a macro: run its parts in order before the body. */
        for (unsigned i = 0; i + 1 < kk.n; i++)
            walk_stmt(w, kk.v[i], st);
    }
    walk_loop(w, s, init, cond, body, inc, 0, st);
    free(kk.v);
}

static void walk_switch(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    children(s, &kk);
    if (kk.n < 2) {
        free(kk.v);
        return;
    }
    for (unsigned i = 0; i + 1 < kk.n; i++)
        walk_stmt(w, kk.v[i], st); /* the controlling expression */
    size_t fi = w->nframes;
    push_frame(w, 0);
    w->frames[fi].sw_entry = *st;
    rc_lset_t s2;
    rc_lset_top(&s2); /* nothing runs before the first case label */
    walk_stmt(w, kk.v[kk.n - 1], &s2);
    frame_t *f = &w->frames[fi];
    if (!f->saw_default)
        rc_lset_meet(&s2, &f->sw_entry);
    rc_lset_meet(&s2, &f->brk);
    *st = s2;
    w->nframes--;
    free(kk.v);
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

static label_state_t *label_for(walker_t *w, unsigned off)
{
    for (size_t i = 0; i < w->nlabels; i++)
        if (w->labels[i].off == off)
            return &w->labels[i];
    GROW(w->labels, w->nlabels, w->caplabels);
    label_state_t *l = &w->labels[w->nlabels++];
    l->off = off;
    rc_lset_top(&l->ls);
    l->backward = 0;
    return l;
}

static unsigned goto_target(CXCursor g)
{
    kids_t kk;
    children(g, &kk);
    unsigned off = UINT_MAX;
    for (unsigned i = 0; i < kk.n; i++) {
        if (clang_getCursorKind(kk.v[i]) == CXCursor_LabelRef) {
            CXCursor l = clang_getCursorReferenced(kk.v[i]);
            clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(l)), NULL, NULL,
                                       NULL, &off);
        }
    }
    free(kk.v);
    return off;
}

static void add_asg(walker_t *w, CXCursor var, CXCursor rhs, CXCursor at)
{
    if (!is_var(var) || is_global_var(var))
        return;
    GROW(w->asgs, w->nasgs, w->capasgs);
    local_asg_t *a = &w->asgs[w->nasgs++];
    a->var = take(clang_getCursorUSR(var));
    a->rhs = rhs;
    clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(at)), NULL, NULL, NULL,
                               &a->off);
    a->mask = 0;
}

/* One visit of the body before the walk: gotos that jump backwards, computed
 * gotos, and every assignment of a local (for dependency masks and for telling
 * whether a pointer handed to a thread changes per loop iteration). */
static enum CXChildVisitResult prescan(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    walker_t *w = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_GotoStmt) {
        unsigned target = goto_target(c), here;
        clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), NULL, NULL, NULL,
                                   &here);
        if (target != UINT_MAX && target <= here)
            label_for(w, target)->backward = 1;
    } else if (k == CXCursor_IndirectGotoStmt) {
        w->indirect_goto = 1;
    } else if (k == CXCursor_VarDecl) {
        kids_t kk;
        children(c, &kk);
        CXCursor init = clang_getNullCursor();
        for (unsigned i = 0; i < kk.n; i++)
            if (is_expr(kk.v[i]))
                init = kk.v[i];
        free(kk.v);
        if (!clang_Cursor_isNull(init))
            add_asg(w, c, init, c);
    } else if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
            kids_t kk;
            children(c, &kk);
            if (kk.n == 2) {
                CXCursor lhs = strip(kk.v[0], 0);
                if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
                    add_asg(w, clang_getCursorReferenced(lhs), kk.v[1], c);
            }
            free(kk.v);
        }
    } else if (k == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
        if (op >= CXUnaryOperator_PostInc && op <= CXUnaryOperator_PreDec) {
            CXCursor in = strip(sole_expr_child(c), 0);
            if (clang_getCursorKind(in) == CXCursor_DeclRefExpr)
                add_asg(w, clang_getCursorReferenced(in), clang_getNullCursor(), c);
        }
    }
    return CXChildVisit_Recurse;
}

/* Dependency masks of the locals: a fixpoint over their assignments (flow-
 * insensitive: a local depends on what any of its assignments depends on). */
static void compute_masks(walker_t *w)
{
    for (int round = 0; round < 8; round++) {
        int changed = 0;
        for (size_t i = 0; i < w->nasgs; i++) {
            if (clang_Cursor_isNull(w->asgs[i].rhs))
                continue;
            uint32_t m = mask_of(w, w->asgs[i].rhs);
            uint32_t old = local_mask(w, w->asgs[i].var);
            if ((old | m) != old) {
                for (size_t j = 0; j < w->nasgs; j++)
                    if (strcmp(w->asgs[j].var, w->asgs[i].var) == 0)
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

static void walk_stmt(walker_t *w, CXCursor s, rc_lset_t *st)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    if (clang_isExpression(k)) {
        eval_expr(w, s, st);
        return;
    }
    switch (k) {
    case CXCursor_CompoundStmt: {
        kids_t kk;
        children(s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            walk_stmt(w, kk.v[i], st);
        free(kk.v);
        return;
    }
    case CXCursor_DeclStmt: {
        kids_t kk;
        children(s, &kk);
        for (unsigned i = 0; i < kk.n; i++) {
            CXCursor d = kk.v[i];
            if (clang_getCursorKind(d) != CXCursor_VarDecl || is_global_var(d))
                continue; /* static locals are initialised before the program runs */
            kids_t vk;
            children(d, &vk);
            CXCursor init = clang_getNullCursor();
            for (unsigned j = 0; j < vk.n; j++)
                if (is_expr(vk.v[j]))
                    init = vk.v[j];
            free(vk.v);
            if (!clang_Cursor_isNull(init)) {
                note_local_assign(w, d, init);
                eval_expr(w, init, st);
            }
        }
        free(kk.v);
        return;
    }
    case CXCursor_IfStmt: {
        kids_t kk;
        children(s, &kk);
        unsigned ci = 0;
        while (ci < kk.n && !is_expr(kk.v[ci]))
            walk_stmt(w, kk.v[ci++], st); /* C2y/C++ init-statements */
        if (ci < kk.n) {
            rc_lset_t t, f;
            eval_cond(w, kk.v[ci], st, &t, &f);
            if (ci + 1 < kk.n)
                walk_stmt(w, kk.v[ci + 1], &t);
            if (ci + 2 < kk.n)
                walk_stmt(w, kk.v[ci + 2], &f);
            *st = t;
            rc_lset_meet(st, &f);
        }
        free(kk.v);
        return;
    }
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt: {
        kids_t kk;
        children(s, &kk);
        if (kk.n == 2) {
            int is_do = k == CXCursor_DoStmt;
            CXCursor none = clang_getNullCursor();
            walk_loop(w, s, none, kk.v[is_do ? 1 : 0], kk.v[is_do ? 0 : 1], none, is_do, st);
        }
        free(kk.v);
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
        kids_t kk;
        children(s, &kk);
        /* A case's children are its value(s) then the statement; the statement is
         * last. */
        if (kk.n)
            walk_stmt(w, kk.v[kk.n - 1], st);
        free(kk.v);
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
        eval_children(w, s, st);
        rc_lset_meet(&w->ret, st);
        rc_lset_top(st);
        return;
    case CXCursor_GotoStmt: {
        unsigned target = goto_target(s);
        if (target != UINT_MAX)
            rc_lset_meet(&label_for(w, target)->ls, st);
        rc_lset_top(st);
        return;
    }
    case CXCursor_IndirectGotoStmt:
        eval_children(w, s, st);
        rc_lset_top(st);
        return;
    case CXCursor_LabelStmt: {
        unsigned off = pos_of(w, s).off;
        label_state_t *l = label_for(w, off);
        if (l->backward || w->indirect_goto)
            rc_lset_empty(st);
        else
            rc_lset_meet(st, &l->ls);
        kids_t kk;
        children(s, &kk);
        if (kk.n)
            walk_stmt(w, kk.v[kk.n - 1], st);
        free(kk.v);
        return;
    }
    case CXCursor_NullStmt:
    case CXCursor_GCCAsmStmt:
    case CXCursor_MSAsmStmt:
        return;
    default: {
        kids_t kk;
        children(s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            if (clang_isStatement(clang_getCursorKind(kk.v[i])) || is_expr(kk.v[i]))
                walk_stmt(w, kk.v[i], st);
        free(kk.v);
        return;
    }
    }
}

/* ---- functions and the TU --------------------------------------------------------- */

static char *file_name(CXFile f)
{
    char *real = take(clang_File_tryGetRealPathName(f));
    if (*real)
        return real;
    free(real);
    return take(clang_getFileName(f));
}

/* Walks one function definition. When summarising, computes its summary (what a
 * call to it does to the caller's locks) and returns 1 if that changed; otherwise
 * records its facts. */
static int walk_function(walker_t *w, CXCursor fn, int summarize)
{
    kids_t kk;
    children(fn, &kk);
    CXCursor body = clang_getNullCursor();
    for (unsigned i = 0; i < kk.n; i++)
        if (clang_getCursorKind(kk.v[i]) == CXCursor_CompoundStmt)
            body = kk.v[i];
    free(kk.v);
    if (clang_Cursor_isNull(body))
        return 0;

    CXFile file = NULL;
    unsigned line, col;
    clang_getExpansionLocation(clang_getCursorLocation(fn), &file, &line, &col, NULL);
    rc_fn_facts_t *f = NULL;
    if (!summarize) {
        rc_tu_facts_t *tf = w->facts;
        GROW(tf->fns, tf->nfns, tf->capfns);
        f = &tf->fns[tf->nfns++];
        memset(f, 0, sizeof *f);
        f->usr = take(clang_getCursorUSR(fn));
        f->name = take(clang_getCursorSpelling(fn));
        f->line = line;
        f->col = col;
        f->file = file ? file_name(file) : rc_xstrdup(tf->file);
    }

    w->cur_fn = fn;
    w->summarizing = summarize;
    w->fn = f;
    w->file = file;
    size_t len = 0;
    w->text = file ? clang_getFileContents(w->tu, file, &len) : NULL;
    w->textlen = len;
    w->record = !summarize;
    w->loop_lb = w->loop_le = 0;
    w->nframes = 0;
    w->nlabels = 0;
    w->indirect_goto = 0;
    w->watch_key = NULL;
    w->watch_hit = 0;
    rc_lset_top(&w->ret);
    rc_lset_empty(&w->released);
    w->releases_all = 0;
    for (size_t i = 0; i < w->nasgs; i++)
        free(w->asgs[i].var);
    w->nasgs = 0;
    clang_visitChildren(body, prescan, w);
    compute_masks(w);

    rc_lset_t st;
    rc_lset_empty(&st);
    walk_stmt(w, body, &st);
    rc_lset_meet(&w->ret, &st);

    for (size_t i = 0; i < w->naliases; i++) {
        free(w->aliases[i].var);
        free(w->aliases[i].usr);
        free(w->aliases[i].name);
    }
    w->naliases = 0;
    if (!summarize)
        return 0;

    summary_t sum = {0};
    sum.noreturn = w->ret.top;
    if (!sum.noreturn)
        sum.acq = w->ret;
    sum.rel = w->released;
    sum.rel_all = w->releases_all;
    int trivial = !sum.noreturn && !sum.rel_all && sum.acq.n == 0 && sum.rel.n == 0;
    char *usr = take(clang_getCursorUSR(fn));
    uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
    int changed = 0;
    if (si == UINT32_MAX && !trivial) {
        si = rc_strtab_intern(&w->sum_usrs, usr);
        if (si >= w->capsums) {
            w->capsums = w->sum_usrs.cap;
            w->sums = rc_xrealloc(w->sums, w->capsums * sizeof *w->sums);
        }
        w->sums[si] = sum;
        changed = 1;
    } else if (si != UINT32_MAX) {
        changed = memcmp(&w->sums[si], &sum, sizeof sum) != 0;
        w->sums[si] = sum;
    }
    free(usr);
    return changed;
}

typedef struct fnlist {
    CXCursor *v;
    size_t n, cap;
} fnlist_t;

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    fnlist_t *l = d;
    if (clang_getCursorKind(c) != CXCursor_FunctionDecl || !clang_isCursorDefinition(c))
        return CXChildVisit_Continue;
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    GROW(l->v, l->n, l->cap);
    l->v[l->n++] = c;
    return CXChildVisit_Continue;
}

/* Summaries first (a few rounds, so wrappers of wrappers and wrappers defined
 * after their callers are seen), then the facts. */
static void walk_tu(walker_t *w)
{
    fnlist_t fns = {0};
    clang_visitChildren(clang_getTranslationUnitCursor(w->tu), visit_top, &fns);
    for (int round = 0; round < 3; round++) {
        int changed = 0;
        for (size_t i = 0; i < fns.n; i++)
            changed |= walk_function(w, fns.v[i], 1);
        if (!changed)
            break;
    }
    for (size_t i = 0; i < fns.n; i++)
        walk_function(w, fns.v[i], 0);
    free(fns.v);
}

void rc_tu_facts_close(rc_tu_facts_t *tf)
{
    for (size_t i = 0; i < tf->nfns; i++) {
        rc_fn_facts_t *f = &tf->fns[i];
        for (size_t j = 0; j < f->nacc; j++) {
            free(f->acc[j].key);
            free(f->acc[j].name);
            free(f->acc[j].text);
        }
        for (size_t j = 0; j < f->ncalls; j++) {
            free(f->calls[j].callee);
            free(f->calls[j].callee_name);
        }
        for (size_t j = 0; j < f->ncreates; j++) {
            rc_create_t *c = &f->creates[j];
            for (size_t k = 0; k < c->nroutines; k++) {
                free(c->routines[k]);
                free(c->routine_names[k]);
            }
            free(c->routines);
            free(c->routine_names);
            free(c->handle);
            free(c->api);
            free(c->arg_key);
        }
        for (size_t j = 0; j < f->njoins; j++)
            free(f->joins[j].handle);
        for (size_t j = 0; j < f->naddr; j++)
            free(f->addr_taken[j]);
        free(f->acc);
        free(f->calls);
        free(f->creates);
        free(f->joins);
        free(f->addr_taken);
        free(f->usr);
        free(f->name);
        free(f->file);
    }
    free(tf->fns);
    free(tf->file);
    for (uint32_t i = 0; i < tf->locks.n; i++)
        free(tf->lock_names[i]);
    free(tf->lock_names);
    rc_strtab_close(&tf->locks);
    memset(tf, 0, sizeof *tf);
}

/* ---- parsing --------------------------------------------------------------------- */

/* 1 when arg names the job's source file (as written or relative to the directory). */
static int is_source_arg(const rc_tu_job_t *job, const char *arg)
{
    if (strcmp(arg, job->file) == 0)
        return 1;
    if (arg[0] != '/' && job->directory) {
        char *abs = rc_xasprintf("%s/%s", job->directory, arg);
        char *ra = realpath(abs, NULL), *rf = realpath(job->file, NULL);
        int same = ra && rf && strcmp(ra, rf) == 0;
        free(abs);
        free(ra);
        free(rf);
        return same;
    }
    return 0;
}

/* Builds the argv libclang gets: the job's flags without the source file, the
 * output and dependency-file options and the arguments in `drop` (flags clang
 * rejected), plus the resource directory, the compile's working directory, and
 * leniency for what gcc accepts as warnings but clang 16+ makes errors. Caller
 * frees the array and the strings it marks in *owned. */
static const char **build_argv(const rc_tu_job_t *job, char **drop, int ndrop, int *argc_out,
                               char ***owned, int *nowned)
{
    static const char *const lenient[] = {"-Wno-implicit-function-declaration",
                                          "-Wno-implicit-int",
                                          "-Wno-int-conversion",
                                          "-Wno-incompatible-function-pointer-types",
                                          "-Wno-incompatible-pointer-types",
                                          "-Wno-return-mismatch"};
    const int nlenient = (int)(sizeof lenient / sizeof lenient[0]);
    const char **av = rc_xcalloc((size_t)job->argc + (size_t)nlenient + 8, sizeof *av);
    char **own = rc_xcalloc(4, sizeof *own);
    int n = 0, no = 0;
    av[n++] = job->argc > 0 ? job->argv[0] : "cc";
    for (int i = 1; i < job->argc; i++) {
        const char *a = job->argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0 || strcmp(a, "-MT") == 0 ||
            strcmp(a, "-MQ") == 0) {
            i++;
            continue;
        }
        if (strcmp(a, "-c") == 0 || strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0 ||
            strcmp(a, "-M") == 0 || strcmp(a, "-MM") == 0 || strcmp(a, "-MP") == 0 ||
            strncmp(a, "-o", 2) == 0 || strncmp(a, "-MF", 3) == 0)
            continue;
        if (a[0] != '-' && is_source_arg(job, a))
            continue;
        int dropped = 0;
        for (int k = 0; k < ndrop && !dropped; k++)
            dropped = strcmp(drop[k], a) == 0;
        if (!dropped)
            av[n++] = a;
    }
    own[no] = rc_xasprintf("-resource-dir=%s", RC_CLANG_RESOURCE_DIR);
    av[n++] = own[no++];
    if (job->directory) {
        own[no] = rc_xasprintf("-working-directory=%s", job->directory);
        av[n++] = own[no++];
    }
    for (int i = 0; i < nlenient; i++)
        av[n++] = lenient[i];
    av[n++] = "-w"; /* only errors matter; warnings (and -Werror) are the compiler's business */
    *argc_out = n;
    *owned = own;
    *nowned = no;
    return av;
}

/* Parses job, leaving out the arguments in drop. */
static enum CXErrorCode parse(void *index, const rc_tu_job_t *job, char **drop, int ndrop,
                              CXTranslationUnit *tu)
{
    int argc = 0, nowned = 0;
    char **owned = NULL;
    const char **argv = build_argv(job, drop, ndrop, &argc, &owned, &nowned);
    *tu = NULL;
    enum CXErrorCode ec =
        clang_parseTranslationUnit2FullArgv((CXIndex)index, job->file, argv, argc, NULL, 0,
                                            CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles, tu);
    for (int i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(argv);
    return ec;
}

/* Collects the arguments clang rejected ("unknown argument: '-mfoo'"): compile
 * databases written for gcc carry flags clang does not know, which must not
 * fail the TU. Returns how many; 0 when there is any other error. */
static int rejected_args(CXTranslationUnit tu, char ***out)
{
    int n = 0, other = 0;
    char **v = NULL;
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            char *text = take(clang_getDiagnosticSpelling(d));
            const char *pre = "unknown argument: '";
            size_t len = strlen(text);
            if (strncmp(text, pre, strlen(pre)) == 0 && len > strlen(pre) + 1 &&
                text[len - 1] == '\'') {
                v = rc_xrealloc(v, (size_t)(n + 1) * sizeof *v);
                v[n++] = rc_xasprintf("%.*s", (int)(len - strlen(pre) - 1), text + strlen(pre));
            } else {
                other = 1;
            }
            free(text);
        }
        clang_disposeDiagnostic(d);
    }
    if (other) {
        for (int i = 0; i < n; i++)
            free(v[i]);
        free(v);
        return 0;
    }
    *out = v;
    return n;
}

static void append_diag(rc_strbuf_t *b, CXDiagnostic d, const char *fallback_file)
{
    CXFile f = NULL;
    unsigned line = 0, col = 0;
    clang_getExpansionLocation(clang_getDiagnosticLocation(d), &f, &line, &col, NULL);
    char *fname = f ? take(clang_getFileName(f)) : rc_xstrdup(fallback_file);
    char *text = take(clang_getDiagnosticSpelling(d));
    if (line)
        rc_strbuf_appendf(b, "%s:%u:%u: error: %s\n", fname, line, col, text);
    else
        rc_strbuf_appendf(b, "%s: error: %s\n", fname, text);
    free(fname);
    free(text);
}

int rc_frontend_run(void *index, const rc_models_t *models, const rc_tu_job_t *job,
                    rc_tu_facts_t *facts, rc_tu_status_t *st)
{
    memset(facts, 0, sizeof *facts);
    st->ok = 0;
    st->message = NULL;
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = parse(index, job, NULL, 0, &tu);
    char **drop = NULL;
    int ndrop = ec == CXError_Success && tu ? rejected_args(tu, &drop) : 0;
    if (ndrop > 0) {
        clang_disposeTranslationUnit(tu);
        ec = parse(index, job, drop, ndrop, &tu);
        for (int i = 0; i < ndrop; i++)
            free(drop[i]);
        free(drop);
    }
    if (ec != CXError_Success || !tu) {
        st->message = rc_xasprintf("%s: error: libclang could not parse the file (error %d)\n",
                                   job->file, (int)ec);
        return RC_EPARSE;
    }
    rc_strbuf_t msg;
    rc_strbuf_init(&msg);
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error)
            append_diag(&msg, d, job->file);
        clang_disposeDiagnostic(d);
    }
    if (msg.len) {
        st->message = rc_strbuf_take(&msg);
        clang_disposeTranslationUnit(tu);
        return RC_EPARSE;
    }
    rc_strbuf_close(&msg);

    facts->file = rc_xstrdup(job->file);
    walker_t w = {0};
    w.tu = tu;
    w.models = models;
    w.facts = facts;
    w.unknown_lock = intern_lock(&w, UNKNOWN_LOCK, "an unidentified lock");
    walk_tu(&w);
    free(w.frames);
    for (size_t i = 0; i < w.nasgs; i++)
        free(w.asgs[i].var);
    free(w.asgs);
    free(w.sums);
    rc_strtab_close(&w.sum_usrs);
    free(w.aliases);
    free(w.labels);
    clang_disposeTranslationUnit(tu);
    st->ok = 1;
    return RC_OK;
}
