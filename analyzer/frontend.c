/*
 * frontend.c - one translation unit -> facts, on libclang's AST.
 *
 * For every function defined in the TU (outside system headers) the walker
 * records, as plain data (internal.h):
 *   accesses   reads, writes and read-modify-writes of globals, file statics and
 *              static locals (and their fields and array elements), of what a
 *              global pointer points to (`gp->n`), and of what a pointer
 *              parameter points to (`s->n` with s = arg); program.c resolves the
 *              last kind from the callers
 *   calls      direct calls (and calls through a local function pointer whose
 *              possible targets are known), with the callee's USR and, per
 *              pointer argument, the object it points to
 *   creates    thread creations: the start routine(s), the handle, how the
 *              routine's argument is shared (rc_arg_kind_t), the position
 *   joins      thread joins and the handle they wait for
 *   lockops    lock, trylock and unlock calls and the lock they name
 *   exits      return statements and the end of the body, when reachable
 *   jumps      goto statements and where their label is
 *   ucalls     calls of functions modelled as MT-unsafe
 *   waits      condition-variable waits (the lockset is unchanged by them: the
 *              mutex is released and taken again before the call returns)
 *   lcalls     direct calls of library functions (declared in a system header,
 *              no body in the program), flagged when async-signal-safe
 *   sighands   signal handlers installed (signal_install models): the handler
 *              argument, or functions stored in the struct `&sa` points to
 *   pcalls     process-model calls: forks and waits, execs, shared mappings (with
 *              the variable the result is stored in), sync-object inits and
 *              process-shared attribute settings (rules proc.*)
 *   children   extents only a fork's child runs: the branch of `if (pid == 0)`,
 *              `if (pid > 0)`, `case 0:` of `switch (pid)`, the rest of the block
 *              after `if (pid != 0) return ...;`
 * and, at each of them, the *must-hold lockset*: the locks held on every path
 * from the function's entry to that point.
 *
 * The lockset is computed by an abstract interpretation of the statement tree:
 *
 *   construct            lockset after it
 *   s1; s2               s2 applied to s1's result
 *   if (c) a else b      a(T) ∩ b(F), where (T, F) are c's true/false states
 *   while/for/do         fixpoint of head = entry ∩ end-of-body ∩ continue states;
 *                        exit = F(head) ∩ break states (one pass when the body
 *                        holds no call or label; ∅ when nested too deep); with a
 *                        constant true condition (`while (1)`, `do .. while (true)`,
 *                        `for (;;)`) F is unreachable: exit = break states only
 *   switch               each case label starts from (fall-through ∩ state after c)
 *   return/break/...     the point becomes unreachable (top, the identity of ∩)
 *   label                fall-through ∩ forward gotos; ∅ when a backward or computed
 *                        goto may reach it
 *   lock(l) / unlock(l)  add / remove l; unlock of an unidentified lock empties the set;
 *                        a lock already held is held once more, until one more unlock
 *   trylock(l)           adds l only on the branch where it returned 0 (tested
 *                        directly, or through the local it was stored in)
 *   noreturn call        unreachable
 *   call of f in the TU  f's summary: remove the caller's locks f may release, add
 *                        the locks f returns holding (a lock passed as a parameter
 *                        stands for the argument); unreachable if f never returns
 *
 * Functions are walked callees first (walk_tu), so that one walk gives a
 * function's summary and its facts; mutually recursive functions iterate their
 * summaries until stable. Summaries of functions defined in other TUs come from
 * rc_imports_t on a second scan (summaries.c); every summary is exported in the
 * facts for that purpose.
 *
 * Shared memory: a local pointer assigned a shared mapping (mmap with MAP_SHARED,
 * shmat, or a function of the TU returning one) names its pointee like a global
 * pointer does ("*<USR>" keys), so accesses through it and through the
 * parameters it is passed to are recorded.
 *
 * Locks are named by their expression: a global's USR for `&m`, the field's USR
 * for `&s->lock` (all instances of a struct's lock are one class), "X[3]" / "X[]"
 * for elements of a lock array (constant / unknown index), "*USR" for a global
 * pointer `lk`, and "?" (unidentified, matches every lock) otherwise.
 *
 * Indexes and pointers are related to the function's parameters by dependency
 * masks over local assignments (local_asg_t): `hits[id]` with id derived one-to-one
 * from parameter 0 is "hits[p0]", a slot that is per thread when every thread
 * gets a distinct argument.
 *
 * Speed: each function's body is read once into a tree (tree_t); the walker
 * never asks libclang for the same children twice, and the prescan reads the
 * tree, not the AST. USRs are computed once per declaration
 * (usr_cache_t, interned: equal USRs are equal pointers), extents' locations
 * once per node (tloc_t); cursors are compared and hashed inline (cursor_eq,
 * as clang_equalCursors). Passes that only need locksets skip location naming.
 *
 * The TU is disposed of before returning; no CX* handle survives in the facts.
 */
#include "internal.h"

#include <clang-c/Index.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RC_CLANG_RESOURCE_DIR
#define RC_CLANG_RESOURCE_DIR "/usr/lib/llvm-19/lib/clang/19"
#endif

#define UNKNOWN_LOCK "?"
#define MAX_LOOP_ITERS 24
#define MAX_TEXT 120 /* longest expression text kept for messages */
/* Loops nested deeper than this inside loops still iterating give up on their
 * own fixpoint (their head is taken as holding nothing, which is sound): the
 * cost of nested fixpoints multiplies. */
#define MAX_FIX_DEPTH 4

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
    int owned; /* v was allocated for this list (else it points into the tree) */
} kids_t;

/* The statement tree of the function being walked, built with one recursive
 * clang_visitChildren: the walker asks for the children of the same node many
 * times, and a visitChildren call per question costs more than the rest of the
 * analysis. Nodes are found by cursor hash. */
typedef struct tnode {
    CXCursor c;
    uint32_t parent;
    uint32_t first; /* index of the first child in tree_t.kids */
    uint32_t nkids;
    int may_change_locks; /* the subtree holds a call or a label */
    int8_t calls_neutral; /* loops: -1 not known yet, 1 when no call in the subtree can
                             change the lockset (loop_converged) */
} tnode_t;

/* Where a node is: the expansion locations of its extent's ends (pos_of and
 * text_of ask for the same nodes again on every pass over a loop). */
typedef struct tloc {
    CXFile f, fe;                 /* files of the start and of the end */
    unsigned line, col, off, end; /* start line, column, offset; end offset */
    int ok;                       /* computed */
} tloc_t;

typedef struct tree {
    tnode_t *nodes;
    tloc_t *locs; /* parallel to nodes, allocated at the first use */
    uint32_t n, cap;
    CXCursor *kids;
    uint32_t *slots; /* hash table: node index + 1, 0 = empty */
    uint32_t nslots;
    uint32_t *stack;
    uint32_t nstack, capstack;
} tree_t;

/* clang_equalCursors without the call: kinds and the three data words equal, the
 * second word ignored for declarations (libclang 19 sets it, "first in its
 * declaration group", only on some paths to a declaration). The walker compares
 * and hashes hundreds of thousands of cursors per large TU. */
static inline int is_decl_kind(enum CXCursorKind k)
{
    return (k >= CXCursor_FirstDecl && k <= CXCursor_LastDecl) ||
           (k >= CXCursor_FirstExtraDecl && k <= CXCursor_LastExtraDecl);
}

static inline int cursor_eq(CXCursor a, CXCursor b)
{
    return a.kind == b.kind && a.data[0] == b.data[0] && a.data[2] == b.data[2] &&
           (a.data[1] == b.data[1] || is_decl_kind(a.kind));
}

/* clang_Cursor_isNull without the two calls (it compares with
 * clang_getNullCursor() through clang_equalCursors): a null cursor is
 * CXCursor_InvalidFile with no data. Asked some 700,000 times on a large TU. */
static inline int cursor_null(CXCursor c)
{
    return c.kind == CXCursor_InvalidFile && !c.data[0] && !c.data[1] && !c.data[2];
}

/* A hash consistent with cursor_eq. */
static inline uint32_t cursor_hash(CXCursor c)
{
    uint64_t h = (uint64_t)(uintptr_t)c.data[0] * 0x9E3779B97F4A7C15u;
    h ^= (uint64_t)(uintptr_t)c.data[2] + ((uint64_t)c.kind << 32);
    if (!is_decl_kind(c.kind))
        h ^= (uint64_t)(uintptr_t)c.data[1] * 0xC2B2AE3D27D4EB4Fu;
    h *= 0xFF51AFD7ED558CCDu;
    return (uint32_t)(h ^ (h >> 29));
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

static void tree_build(tree_t *t, CXCursor root)
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

static const tnode_t *tree_find(const tree_t *t, CXCursor c)
{
    if (!t->nslots)
        return NULL;
    uint32_t h = cursor_hash(c) & (t->nslots - 1);
    while (t->slots[h]) {
        const tnode_t *n = &t->nodes[t->slots[h] - 1];
        if (cursor_eq(n->c, c))
            return n;
        h = (h + 1) & (t->nslots - 1);
    }
    return NULL;
}

static void tree_free(tree_t *t)
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

static void kids_free(kids_t *k)
{
    if (k->owned)
        free(k->v);
    k->v = NULL;
    k->n = 0;
}

/* Direct children of c, from the tree when c is in it; release with kids_free. */
static void children(const tree_t *t, CXCursor c, kids_t *k)
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

/* clang_isExpression(clang_getCursorKind(c)) without the two calls. */
static int is_expr(CXCursor c)
{
    return c.kind >= CXCursor_FirstExpr && c.kind <= CXCursor_LastExpr;
}

/* The only expression child of c (implicit casts, parentheses), or a null cursor. */
static CXCursor sole_expr_child(const tree_t *t, CXCursor c)
{
    kids_t k;
    children(t, c, &k);
    CXCursor r = clang_getNullCursor();
    unsigned ne = 0;
    for (unsigned i = 0; i < k.n; i++)
        if (is_expr(k.v[i])) {
            r = k.v[i];
            ne++;
        }
    kids_free(&k);
    return ne == 1 ? r : clang_getNullCursor();
}

/* Strips parentheses, implicit conversions and (when casts) explicit casts. */
static CXCursor strip(const tree_t *t, CXCursor c, int casts)
{
    for (;;) {
        enum CXCursorKind k = c.kind; /* clang_getCursorKind */
        if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
            !(casts && k == CXCursor_CStyleCastExpr))
            return c;
        CXCursor in = sole_expr_child(t, c);
        if (cursor_null(in))
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

/* 1 when t, or a typedef it is spelled with (following the chain: sig_atomic_t
 * -> __sig_atomic_t -> int), is listed in the models' async_signal_safe_types. */
static int signal_safe_type(const rc_models_t *m, CXType t)
{
    for (int guard = 0; guard < 16; guard++) {
        if (t.kind == CXType_Elaborated)
            t = clang_Type_getNamedType(t);
        if (t.kind != CXType_Typedef)
            return 0;
        char *name = take(clang_getTypedefName(t));
        int safe = rc_models_signal_safe_type(m, name);
        free(name);
        if (safe)
            return 1;
        t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    }
    return 0;
}

static unsigned type_flags(const rc_models_t *m, CXType t)
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
    const char *var; /* USR, interned by the walker's usr_cache (compare pointers) */
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

/* What a call to a function defined in this TU does to the caller's lockset
 * (rc_summary_t): locks passed as parameters appear as parameter locks and are
 * replaced by the call's argument. */
typedef rc_summary_t summary_t;

/* USRs of declarations, each computed once per TU: clang_getCursorUSR builds
 * the string anew at every call (thousands of instructions), and the walker
 * asks for the USRs of the same few declarations over and over. Open
 * addressing on cursor_hash, grown at half load. The strings are interned
 * (strs): two cached USRs are equal strings exactly when they are the same
 * pointer. They live until the TU is done (usr_cache_close). */
typedef struct usr_cache {
    CXCursor *keys;
    const char **usrs; /* into strs; NULL = empty slot */
    uint32_t n, cap;   /* cap: 0 or a power of 2 */
    rc_strtab_t strs;
} usr_cache_t;

static const char *usr_cached(usr_cache_t *u, CXCursor d)
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
    char *usr = take(clang_getCursorUSR(d));
    u->keys[h] = d;
    uint32_t i = rc_strtab_intern(&u->strs, usr); /* may move strs.v */
    u->usrs[h] = u->strs.v[i];
    u->n++;
    free(usr);
    return u->usrs[h];
}

static void usr_cache_close(usr_cache_t *u)
{
    free(u->keys);
    free(u->usrs);
    rc_strtab_close(&u->strs);
    memset(u, 0, sizeof *u);
}

typedef struct walker {
    CXTranslationUnit tu;
    tree_t tree; /* the current function's body */
    usr_cache_t usrs;
    CXCursor cur_fn;
    /* The current function's locals whose address it takes (not used by
     * correlated conditions, cond_local), and those of them it passes to a
     * thread it starts (`pthread_create(&t, 0, worker, &i)`: shared with that
     * thread, thread_escaped). Computed on first need by scan_locals; locals_fn
     * is the function they belong to. */
    rc_strtab_t addr_locals, esc_locals;
    /* Local pointers that only ever hold the address of one global object
     * (`struct stats *s = &g_stats;`), and its key (NULL: assigned anything
     * else too, or its address is taken), by index in alias_locals; also from
     * scan_locals. */
    rc_strtab_t alias_locals;
    char **alias_keys;
    CXCursor locals_fn;
    int summarizing; /* computing summaries: nothing is recorded */
    rc_lset_t ret;   /* meet of the states at the function's exits */
    rc_lset_t released;
    int releases_all;
    const rc_imports_t *imports; /* summaries of functions defined in other TUs, or NULL */
    rc_strtab_t ext;             /* callees defined elsewhere (-> rc_tu_facts_t.ext_callees) */
    rc_strtab_t sum_usrs;        /* USR of each function defined in the TU -> index into sums */
    summary_t *sums;
    const rc_models_t *models;
    rc_tu_facts_t *facts;
    rc_fn_facts_t *fn;
    CXFile file; /* file of the current function's definition */
    const char *text;
    size_t textlen;
    int record;
    int need_keys; /* resolve locations even though nothing is recorded */
    int fix_depth; /* loop fixpoints being iterated around the current point */
    int one_arg;   /* inside `if (id == c)` on a value of parameter 0 (RC_ACC_ONE_ARG) */
    unsigned loop_lb, loop_le;   /* outermost loop around the current point */
    unsigned iloop_lb, iloop_le; /* innermost */
    /* The innermost loop's init, cond, inc and body when it is a for statement
     * (null cursors otherwise); for_next: what walk_for passes to walk_loop. */
    CXCursor for_parts[4], for_next[4];
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
    unsigned depth;         /* eval_expr nesting (see RC_MAX_EXPR_DEPTH) */
    rc_strtab_t shm_locals; /* locals holding memory shared between processes (USRs) */
    uint8_t *ret_shm;       /* per summary index: the function returns such memory */
    uint8_t *ret_fork;      /* per summary index: the function returns a fork's result */
    uint8_t *sum_final;     /* per summary index: the summary will not change any more */
    uint32_t cur_index;     /* summary index of the function being walked */
    /* Inside the child branch of a fork made in a loop: the branch's extent and
     * the fork's innermost loop (all 0 elsewhere), for per-child slots. */
    unsigned child_lb, child_le, slot_lb, slot_le;
} walker_t;

/* A copy of the USR of declaration d (clang_getCursorUSR, from the cache). */
static char *usr_dup(walker_t *w, CXCursor d)
{
    return rc_xstrdup(usr_cached(&w->usrs, d));
}

static void walk_stmt(walker_t *w, CXCursor s, rc_lset_t *st);
static void eval_expr(walker_t *w, CXCursor e, rc_lset_t *st);
static void eval_children(walker_t *w, CXCursor e, rc_lset_t *st);
static int shm_local(walker_t *w, CXCursor d);

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

static rc_pos_t pos_of(walker_t *w, CXCursor c)
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
static char *text_of(walker_t *w, CXCursor c)
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

/* ---- Correlated conditions -------------------------------------------------
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
 * lockset without them (lset_for_facts).
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
 * not count twice, see result_stored.) Id: HOLD_PREFIX, the depth (1, 2, ...) as a character,
 * the TU lock index. */
#define HOLD_PREFIX '\x03'
#define MAX_HOLD_DEPTH 8

static int is_imp(const walker_t *w, uint32_t l)
{
    return w->facts->locks.v[l][0] == IMP_PREFIX;
}

/* 1 for an implication or a "held once more". */
static int is_pseudo(const walker_t *w, uint32_t l)
{
    char c = w->facts->locks.v[l][0];
    return c == IMP_PREFIX || c == HOLD_PREFIX;
}

/* The lockset without pseudo-locks: what facts and summaries record. */
static rc_lset_t lset_for_facts(const walker_t *w, const rc_lset_t *st)
{
    rc_lset_t out = *st;
    out.n = 0;
    for (int i = 0; i < st->n; i++)
        if (!is_pseudo(w, RC_LREF_LOCK(st->v[i])))
            out.v[out.n++] = st->v[i];
    return out;
}

/* The "held once more" pseudo-lock of l at depth d (interned). */
static uint32_t hold_lock(walker_t *w, uint32_t l, int d)
{
    char id[32];
    snprintf(id, sizeof id, "%c%c%u", HOLD_PREFIX, '0' + d, l);
    return intern_lock(w, id, "");
}

static size_t lock_family(const char *id, int *wild);

/* Takes lock l: adds it, or, when st holds it already, one more hold of it
 * (not for an element of a lock array with an unknown index). */
static void acquire(walker_t *w, uint32_t l, int shared, rc_lset_t *st)
{
    if (st->top)
        return;
    int wild = 0;
    if (l == w->unknown_lock || !rc_lset_has(st, l) ||
        (lock_family(w->facts->locks.v[l], &wild) && wild)) {
        rc_lset_add(st, l, shared); /* `m[i]` then `m[j]`: maybe two elements */
        return;
    }
    for (int d = 1; d <= MAX_HOLD_DEPTH; d++) {
        uint32_t h = hold_lock(w, l, d);
        if (!rc_lset_has(st, h)) {
            if (st->n < RC_LS_MAX)
                rc_lset_add(st, h, 0);
            return;
        }
    }
}

/* 1 when the value of call e is kept (`rc = pthread_mutex_lock(&m)`, `int rc =
 * ...`) rather than dropped or tested at once. Locking a mutex the thread holds
 * is then taken as not holding it once more: the program expects it may fail
 * (an error-checking mutex returns EDEADLK). */
static int result_stored(walker_t *w, CXCursor e)
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
        char id[32];
        snprintf(id, sizeof id, "%c%c%u", HOLD_PREFIX, '0' + d, l);
        uint32_t h = rc_strtab_lookup(&w->facts->locks, id);
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
static void imp_drop(walker_t *w, const char *xusr, uint32_t l, rc_lset_t *st)
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

/* The local variable `&x` takes the address of (casts and parentheses
 * stripped), or a null cursor. */
static CXCursor addr_of_local(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_AddrOf)
        return clang_getNullCursor();
    CXCursor x = strip(&w->tree, sole_expr_child(&w->tree, e), 1);
    if (clang_getCursorKind(x) != CXCursor_DeclRefExpr) /* &a[i], &s.f: left out */
        return clang_getNullCursor();
    CXCursor v = clang_getCursorReferenced(x);
    return is_var(v) && !is_global_var(v) ? v : clang_getNullCursor();
}

/* The key of the global object whose address pointer value e is: `&g`,
 * `&g.f.h` (fields of a global struct, not through pointers) or a global array
 * decaying to its start, as lvalue would name it; NULL for anything else
 * (thread-local globals too). */
static char *global_address(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 1);
    int addr = clang_getCursorKind(e) == CXCursor_UnaryOperator &&
               clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf;
    CXCursor x = addr ? strip(&w->tree, sole_expr_child(&w->tree, e), 0) : e;
    rc_strbuf_t path;
    rc_strbuf_init(&path);
    while (addr && clang_getCursorKind(x) == CXCursor_MemberRefExpr) {
        kids_t kk;
        children(&w->tree, x, &kk);
        CXCursor base = kk.n >= 1 ? kk.v[0] : clang_getNullCursor();
        kids_free(&kk);
        if (cursor_null(base) || type_is_pointer(clang_getCursorType(base))) {
            rc_strbuf_close(&path);
            return NULL;
        }
        char *field = take(clang_getCursorSpelling(x));
        rc_strbuf_t b; /* prepend: the walk goes from the outermost field in */
        rc_strbuf_init(&b);
        rc_strbuf_append(&b, ".");
        rc_strbuf_append(&b, field);
        rc_strbuf_append(&b, path.s ? path.s : "");
        rc_strbuf_close(&path);
        path = b;
        free(field);
        x = strip(&w->tree, base, 0);
    }
    CXCursor d = clang_getCursorKind(x) == CXCursor_DeclRefExpr ? clang_getCursorReferenced(x)
                                                                : clang_getNullCursor();
    if (cursor_null(d) || !is_global_var(d) || clang_getCursorTLSKind(d) != CXTLS_None ||
        (!addr && !type_is_array(clang_getCursorType(d)))) {
        rc_strbuf_close(&path);
        return NULL;
    }
    char *key = rc_xasprintf("%s%c%s", usr_cached(&w->usrs, d), RC_KEY_SEP, path.s ? path.s : "");
    rc_strbuf_close(&path);
    return key;
}

/* The local pointer variable e names (parentheses stripped), or a null cursor. */
static CXCursor local_pointer(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 0);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(e);
    return clang_getCursorKind(d) == CXCursor_VarDecl && !is_global_var(d) &&
                   type_is_pointer(clang_getCursorType(d))
               ? d
               : clang_getNullCursor();
}

/* One value given to local pointer d: key is the global object's key, or NULL
 * for any other value. A local keeps an alias only while every value agrees. */
static void alias_note(walker_t *w, CXCursor d, char *key)
{
    uint32_t n = w->alias_locals.n;
    uint32_t i = rc_strtab_intern(&w->alias_locals, usr_cached(&w->usrs, d));
    if (i == n) {
        w->alias_keys = rc_xrealloc(w->alias_keys, (i + 1) * sizeof *w->alias_keys);
        w->alias_keys[i] = key;
        return;
    }
    if (w->alias_keys[i] && (!key || strcmp(w->alias_keys[i], key) != 0)) {
        free(w->alias_keys[i]);
        w->alias_keys[i] = NULL;
    }
    free(key);
}

static void alias_reset(walker_t *w)
{
    for (uint32_t i = 0; i < w->alias_locals.n; i++)
        free(w->alias_keys[i]);
    free(w->alias_keys);
    w->alias_keys = NULL;
    rc_strtab_close(&w->alias_locals);
    memset(&w->alias_locals, 0, sizeof w->alias_locals);
}

/* Every value the function gives a local pointer: initialisers, plain
 * assignments (their key), and anything else that changes it (NULL). */
static void scan_alias(walker_t *w, const tnode_t *nd)
{
    enum CXCursorKind k = nd->c.kind;
    if (k == CXCursor_VarDecl) {
        CXCursor d = nd->c;
        if (is_global_var(d) || !type_is_pointer(clang_getCursorType(d)) || nd->nkids == 0)
            return;
        CXCursor init = w->tree.kids[nd->first + nd->nkids - 1];
        if (clang_isExpression(clang_getCursorKind(init)))
            alias_note(w, d, global_address(w, init));
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
    alias_note(w, d, assign ? global_address(w, w->tree.kids[nd->first + 1]) : NULL);
}

/* Fills w->addr_locals, w->esc_locals and the aliases for the current
 * function, from its tree, once per function. */
static void scan_locals(walker_t *w)
{
    if (cursor_eq(w->locals_fn, w->cur_fn))
        return;
    rc_strtab_close(&w->addr_locals);
    rc_strtab_close(&w->esc_locals);
    memset(&w->addr_locals, 0, sizeof w->addr_locals);
    memset(&w->esc_locals, 0, sizeof w->esc_locals);
    alias_reset(w);
    for (uint32_t i = 0; i < w->tree.n; i++) {
        const tnode_t *nd = &w->tree.nodes[i];
        scan_alias(w, nd);
        CXCursor v =
            nd->c.kind == CXCursor_UnaryOperator ? addr_of_local(w, nd->c) : clang_getNullCursor();
        if (!cursor_null(v))
            rc_strtab_intern(&w->addr_locals, usr_cached(&w->usrs, v));
        if (nd->c.kind != CXCursor_CallExpr || nd->nkids < 2)
            continue;
        /* A thread creation's argument (the create model's arg_arg). */
        CXCursor callee = strip(&w->tree, w->tree.kids[nd->first], 1);
        if (clang_getCursorKind(callee) != CXCursor_DeclRefExpr)
            continue;
        CXString cs = clang_getCursorSpelling(clang_getCursorReferenced(callee));
        const rc_api_fn_t *api = rc_models_find(w->models, clang_getCString(cs));
        clang_disposeString(cs);
        if (!api || api->kind != RC_API_THREAD_CREATE || api->arg_arg < 0 ||
            (uint32_t)api->arg_arg + 1 >= nd->nkids)
            continue;
        v = addr_of_local(w, w->tree.kids[nd->first + 1 + (uint32_t)api->arg_arg]);
        if (!cursor_null(v))
            rc_strtab_intern(&w->esc_locals, usr_cached(&w->usrs, v));
    }
    /* A pointer whose address the function takes may change through it. */
    for (uint32_t i = 0; i < w->alias_locals.n; i++)
        if (w->alias_keys[i] &&
            rc_strtab_lookup(&w->addr_locals, w->alias_locals.v[i]) != UINT32_MAX) {
            free(w->alias_keys[i]);
            w->alias_keys[i] = NULL;
        }
    w->locals_fn = w->cur_fn;
}

/* The local a branch condition tests, plain, negated or compared with 0: its
 * USR, and in *truth the value the then-branch sees (1 for `x` and `x != 0`, 0
 * for `!x` and `x == 0`); NULL for anything else, or for a local whose address
 * the function takes. */
static const char *cond_local(walker_t *w, CXCursor c, int *truth)
{
    *truth = 1;
    c = strip(&w->tree, c, 1);
    for (;;) {
        if (clang_getCursorKind(c) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
            *truth = !*truth;
            c = strip(&w->tree, sole_expr_child(&w->tree, c), 1);
            continue;
        }
        if (clang_getCursorKind(c) != CXCursor_BinaryOperator)
            break;
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE)
            return NULL;
        kids_t kk;
        children(&w->tree, c, &kk);
        int side = kk.n != 2 ? -1 : is_zero(kk.v[1]) ? 0 : is_zero(kk.v[0]) ? 1 : -1;
        CXCursor x = side >= 0 ? kk.v[side] : clang_getNullCursor();
        kids_free(&kk);
        if (side < 0)
            return NULL;
        if (op == CXBinaryOperator_EQ)
            *truth = !*truth;
        c = strip(&w->tree, x, 1);
    }
    if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
        return NULL;
    CXCursor d = clang_getCursorReferenced(c);
    if (!is_var(d) || is_global_var(d))
        return NULL;
    CXType t = clang_getCanonicalType(clang_getCursorType(d));
    if (!(t.kind >= CXType_Bool && t.kind <= CXType_Int128) && t.kind != CXType_Pointer &&
        t.kind != CXType_Enum)
        return NULL;
    scan_locals(w);
    const char *usr = usr_cached(&w->usrs, d);
    return rc_strtab_lookup(&w->addr_locals, usr) == UINT32_MAX ? usr : NULL;
}

/* Before the branches of `if (x)`: the locks the implications about x give each
 * branch (then sees x == truth). */
static void imp_apply(walker_t *w, const char *xusr, int truth, const rc_lset_t *st, rc_lset_t *t,
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
static void imp_join(walker_t *w, const char *xusr, int truth, const rc_lset_t *t,
                     const rc_lset_t *f, rc_lset_t *joined)
{
    if (t->top || f->top || joined->top)
        return;
    for (int side = 0; side < 2; side++) {
        const rc_lset_t *b = side ? f : t;
        for (int i = 0; i < b->n && joined->n < RC_LS_MAX - IMP_ROOM; i++) {
            uint32_t m = RC_LREF_LOCK(b->v[i]);
            const char *mid = w->facts->locks.v[m];
            if (rc_lset_has(joined, m) || is_pseudo(w, m) || strncmp(mid, "once:", 5) == 0 ||
                strncmp(mid, "bar:", 4) == 0 || strncmp(mid, "join:", 5) == 0)
                continue;
            char *id = rc_xasprintf("%c%c%c%s%c%u", IMP_PREFIX, side ? '0' + !truth : '0' + truth,
                                    RC_LREF_SHARED(b->v[i]) ? '1' : '0', xusr, IMP_SEP, m);
            rc_lset_add(joined, intern_lock(w, id, ""), 0);
            free(id);
        }
    }
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

/* The lockset as recorded in facts: parameter locks become the unidentified lock
 * (accesses keep them: the race rules resolve them to the lock each thread's
 * callers pass, rc_program_inst). */
static rc_lset_t recorded(const walker_t *w, const rc_lset_t *st)
{
    rc_lset_t out;
    rc_lset_empty(&out);
    out.top = st->top;
    for (int i = 0; i < st->n; i++) {
        uint32_t l = RC_LREF_LOCK(st->v[i]);
        if (!is_pseudo(w, l))
            rc_lset_add(&out, param_index(w, l) >= 0 ? w->unknown_lock : l,
                        RC_LREF_SHARED(st->v[i]));
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

/* usr: interned (usr_cached). */
static uint32_t local_mask(walker_t *w, const char *usr)
{
    for (size_t i = 0; i < w->nasgs; i++)
        if (w->asgs[i].var == usr)
            return w->asgs[i].mask;
    return 0;
}

/* What the value of e depends on (see local_asg_t). */
static uint32_t mask_of(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 1);
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
            return local_mask(w, usr_cached(&w->usrs, d));
        }
        return DEP_OTHER;
    }
    case CXCursor_UnaryOperator: {
        CXCursor in = sole_expr_child(&w->tree, e);
        if (cursor_null(in))
            return DEP_OTHER;
        uint32_t m = mask_of(w, in);
        return clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot ? m | DEP_NONINJ : m;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor in = sole_expr_child(&w->tree, e);
        return cursor_null(in) ? DEP_OTHER : mask_of(w, in);
    }
    case CXCursor_ArraySubscriptExpr:
    case CXCursor_BinaryOperator:
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        children(&w->tree, e, &kk);
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
        kids_free(&kk);
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
    CXCursor e = strip(&w->tree, arg, 1);
    int addr = 0;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        e = strip(&w->tree, sole_expr_child(&w->tree, e), 1);
        addr = 1;
        if (cursor_null(e))
            return w->unknown_lock;
    }
    enum CXCursorKind k = clang_getCursorKind(e);
    int deref = !addr && type_is_pointer(clang_getCursorType(e));
    uint32_t id = w->unknown_lock;
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        char *usr = usr_dup(w, d);
        char *name = take(clang_getCursorSpelling(d));
        if (k == CXCursor_DeclRefExpr && is_var(d) && !is_global_var(d)) {
            const alias_t *a = deref ? find_alias(w, usr, 0, NULL) : NULL;
            if (a) {
                id = a->lock;
            } else if (deref && clang_getCursorKind(d) == CXCursor_ParmDecl) {
                id = param_lock(w, d);
            } else if (deref && shm_local(w, d)) {
                /* `pthread_mutex_t *m = mmap(..MAP_SHARED..)`: the mapping is the lock. */
                char *fid = rc_xasprintf("*%s", usr), *fname = rc_xasprintf("*%s", name);
                id = intern_lock(w, fid, fname);
                free(fid);
                free(fname);
            }
        } else if (*usr) {
            char *disp = name;
            if (k == CXCursor_MemberRefExpr) {
                CXCursor rec = clang_getCursorSemanticParent(d);
                char *rn = take(clang_getCursorSpelling(rec));
                if (!*rn || strchr(rn, '(')) { /* an anonymous struct: name it as written */
                    disp = text_of(w, e);
                    if (!disp)
                        disp = rc_xstrdup(name);
                } else {
                    disp = rc_xasprintf("%s::%s", rn, name);
                }
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
        children(&w->tree, e, &kk);
        if (kk.n == 2) {
            CXCursor b = strip(&w->tree, kk.v[0], 1);
            enum CXCursorKind bk = clang_getCursorKind(b);
            if (bk == CXCursor_DeclRefExpr || bk == CXCursor_MemberRefExpr) {
                CXCursor d = clang_getCursorReferenced(b);
                if (bk == CXCursor_MemberRefExpr || is_global_var(d)) {
                    /* locks[3] is one lock; locks[i] may be any of them ("[]"). */
                    const char *usr = usr_cached(&w->usrs, d);
                    char *name = take(clang_getCursorSpelling(d));
                    long long v;
                    char idx[32] = "";
                    if (is_int_const(kk.v[1], &v))
                        snprintf(idx, sizeof idx, "%lld", v);
                    char *fid = rc_xasprintf("%s[%s]", usr, idx);
                    char *fname = rc_xasprintf("%s[%s]", name, idx);
                    id = intern_lock(w, fid, fname);
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
static uint32_t model_lock(walker_t *w, const rc_api_fn_t *api, const kids_t *kk)
{
    if (!api->lock_global)
        return lock_of(w, kk->v[1 + api->lock_arg]);
    char *id = rc_xasprintf("global:%s", api->lock_global);
    uint32_t l = intern_lock(w, id, api->lock_global);
    free(id);
    return l;
}

/* The lock standing for semaphore arg: its identity prefixed with RC_SEM_PREFIX
 * (a semaphore and a mutex never share an identity), or the unknown lock. */
static uint32_t sem_lock_of(walker_t *w, CXCursor arg)
{
    uint32_t l = lock_of(w, arg);
    if (l == w->unknown_lock)
        return l;
    char *id = rc_xasprintf("%s%s", RC_SEM_PREFIX, w->facts->locks.v[l]);
    uint32_t s = intern_lock(w, id, w->facts->lock_names[l]);
    free(id);
    return s;
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
    e = strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        resolve_fn(w, sole_expr_child(&w->tree, e), out);
        return;
    }
    if (k == CXCursor_ConditionalOperator) {
        kids_t kk;
        children(&w->tree, e, &kk);
        for (unsigned i = 1; i < kk.n; i++)
            resolve_fn(w, kk.v[i], out);
        kids_free(&kk);
        return;
    }
    if (k != CXCursor_DeclRefExpr)
        return;
    CXCursor d = clang_getCursorReferenced(e);
    const char *usr = usr_cached(&w->usrs, d);
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
}

/* Remembers what a local variable is assigned: functions (for calls and thread
 * creation through it) and lock addresses (for lock calls through it). */
static void note_local_assign(walker_t *w, CXCursor var, CXCursor value)
{
    if (!is_var(var) || is_global_var(var) || cursor_null(value))
        return;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    if (t.kind != CXType_Pointer)
        return;
    CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
    const char *vusr = usr_cached(&w->usrs, var);
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
        CXCursor v = strip(&w->tree, value, 1);
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
    a->text = kind == RC_ACC_READ ? NULL : text_of(w, at);
    if (!a->text)
        a->text = rc_xstrdup(lv->name.s);
    a->kind = kind;
    a->flags = lv->flags | (w->one_arg ? RC_ACC_ONE_ARG : 0);
    a->pos = pos_of(w, at);
    /* Parameter locks kept: program.c resolves them per thread (rc_program_inst). */
    a->ls = lset_for_facts(w, st);
}

static char *call_arg_key(walker_t *w, CXCursor arg);
static int fork_slot(walker_t *w, CXCursor idx);
static char *handle_key(walker_t *w, CXCursor e);

/* Records a call; kk holds the call's children (callee, then arguments). */
static void record_call(walker_t *w, const char *usr, const char *name, CXCursor at,
                        const kids_t *kk, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->calls, fn->ncalls, fn->capcalls);
    rc_call_t *c = &fn->calls[fn->ncalls];
    memset(c, 0, sizeof *c);
    c->callee = rc_xstrdup(usr);
    c->callee_name = rc_xstrdup(name);
    c->pos = pos_of(w, at);
    c->ls = recorded(w, st);
    c->fn_param = -1;
    c->nargs = kk->n > 1 ? (int)kk->n - 1 : 0;
    if (c->nargs) {
        c->arg_keys = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_keys);
        c->arg_fns = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_fns);
        c->arg_handles = rc_xcalloc((size_t)c->nargs, sizeof *c->arg_handles);
        for (int i = 0; i < c->nargs; i++) {
            c->arg_keys[i] = call_arg_key(w, kk->v[1 + i]);
            c->arg_handles[i] = handle_key(w, kk->v[1 + i]);
            targets_t tg = {0};
            resolve_fn(w, kk->v[1 + i], &tg);
            if (tg.n == 1)
                c->arg_fns[i] = rc_xstrdup(tg.usr[0]);
            targets_free(&tg);
        }
    }
    fn->ncalls++; /* after call_arg_key, which may not touch fn->calls */
}

/* The spelling of a function type, the key that matches calls through pointers
 * with the functions they may reach. */
static char *fn_type_of(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_Pointer)
        c = clang_getCanonicalType(clang_getPointeeType(c));
    if (c.kind != CXType_FunctionProto && c.kind != CXType_FunctionNoProto)
        return NULL;
    return take(clang_getTypeSpelling(c));
}

static void record_addr_taken(walker_t *w, CXCursor fdecl)
{
    if (!w->record)
        return;
    char *usr = usr_dup(w, fdecl);
    rc_fn_facts_t *fn = w->fn;
    for (size_t i = 0; i < fn->naddr; i++)
        if (strcmp(fn->addr_taken[i], usr) == 0) {
            free(usr);
            return;
        }
    if (fn->naddr == fn->capaddr) {
        fn->capaddr = fn->capaddr ? fn->capaddr * 2 : 8;
        fn->addr_taken = rc_xrealloc(fn->addr_taken, fn->capaddr * sizeof *fn->addr_taken);
        fn->addr_types = rc_xrealloc(fn->addr_types, fn->capaddr * sizeof *fn->addr_types);
    }
    fn->addr_types[fn->naddr] = fn_type_of(clang_getCursorType(fdecl));
    fn->addr_taken[fn->naddr++] = usr;
}

/* USR of the variable at the root of a thread-handle expression (`&t`, `tids[i]`,
 * `&w->tid` -> w), or NULL. */
static char *handle_root(walker_t *w, CXCursor e)
{
    const tree_t *t = &w->tree;
    for (int guard = 0; guard < 32; guard++) {
        e = strip(t, e, 1);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            return is_var(d) ? usr_dup(w, d) : NULL;
        }
        kids_t kk;
        children(t, e, &kk);
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
static char *handle_key(walker_t *w, CXCursor e)
{
    const tree_t *t = &w->tree;
    for (int guard = 0; guard < 32; guard++) {
        e = strip(t, e, 1);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
            CXCursor d = clang_getCursorReferenced(e);
            enum CXCursorKind dk = clang_getCursorKind(d);
            return is_var(d) || dk == CXCursor_FieldDecl ? usr_dup(w, d) : NULL;
        }
        if (k != CXCursor_UnaryOperator && k != CXCursor_ArraySubscriptExpr)
            return NULL;
        kids_t kk;
        children(t, e, &kk);
        CXCursor next = kk.n >= 1 ? kk.v[0] : clang_getNullCursor();
        kids_free(&kk);
        if (cursor_null(next))
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
    lv->flags = 0; /* the members and elements on top add their own */
    rc_strbuf_init(&lv->key);
    rc_strbuf_init(&lv->name);
    const char mark[] = {RC_PARAM_MARK, 'p', 0}, sep[] = {RC_KEY_SEP, 0};
    append2(&lv->key, usr_cached(&w->usrs, w->cur_fn), mark);
    append_int(&lv->key, pi);
    rc_strbuf_append(&lv->key, sep); /* "<fn USR>\x1dp<pi>\x1e" */
    if (!w->record)
        return; /* only the key is wanted (w->need_keys): no name */
    char *bt = text_of(w, base);
    rc_strbuf_append(&lv->name, bt ? bt : "(argument)");
    free(bt);
}

/* When e (a pointer expression) is a global pointer variable, or a local one
 * holding memory shared between processes (w->shm_locals), starts lv as the
 * object it points to: key "*<USR>" + RC_KEY_SEP, name as written. */
static int global_pointee(walker_t *w, CXCursor e, lval_t *lv)
{
    e = strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) == CXCursor_VarDecl && !is_global_var(d)) {
        /* A local that only ever points to one global object: that object. */
        scan_locals(w);
        uint32_t i = w->alias_locals.n ? rc_strtab_lookup(&w->alias_locals, usr_cached(&w->usrs, d))
                                       : UINT32_MAX;
        if (i != UINT32_MAX && w->alias_keys[i]) {
            char *name = take(clang_getCursorSpelling(d));
            lv->flags = 0;
            rc_strbuf_init(&lv->key);
            rc_strbuf_init(&lv->name);
            rc_strbuf_append(&lv->key, w->alias_keys[i]);
            rc_strbuf_append(&lv->name, name);
            free(name);
            return 1;
        }
    }
    if ((!is_global_var(d) || clang_getCursorTLSKind(d) != CXTLS_None) && !shm_local(w, d))
        return 0;
    char *usr = usr_dup(w, d);
    char *name = take(clang_getCursorSpelling(d));
    lv->flags = 0; /* the members and elements on top add their own */
    rc_strbuf_init(&lv->key);
    rc_strbuf_init(&lv->name);
    rc_strbuf_appendf(&lv->key, "*%s%c", usr, RC_KEY_SEP);
    rc_strbuf_append(&lv->name, name);
    free(usr);
    free(name);
    return 1;
}

/* 1 when local d's address goes to a thread the current function starts, as
 * the start routine's argument: the thread reads and writes it while this
 * function runs on (the loop variable passed as `&i` is the classic case). */
static int thread_escaped(walker_t *w, CXCursor d)
{
    if (!is_var(d) || is_global_var(d))
        return 0;
    scan_locals(w);
    /* Most functions start no thread with a local's address: no USR lookup. */
    return w->esc_locals.n &&
           rc_strtab_lookup(&w->esc_locals, usr_cached(&w->usrs, d)) != UINT32_MAX;
}

/* Resolves e as a location that outlives the function (global/static variable,
 * its fields and array elements). Returns 1 and fills lv when it is one.
 * Sub-expressions that are evaluated on the way (indexes, pointer bases) are
 * recorded as reads under *st. */
static int lvalue(walker_t *w, CXCursor e, rc_lset_t *st, lval_t *lv)
{
    if (!w->record && !w->need_keys) {
        /* Only the lockset matters on this pass: evaluate for calls inside. */
        eval_children(w, e, st);
        return 0;
    }
    while (clang_getCursorKind(e) == CXCursor_ParenExpr) {
        CXCursor in = sole_expr_child(&w->tree, e);
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
        if (!is_global_var(d) && !thread_escaped(w, d))
            return 0;
        const char *usr = usr_cached(&w->usrs, d);
        char *name = take(clang_getCursorSpelling(d));
        rc_strbuf_init(&lv->key);
        rc_strbuf_init(&lv->name);
        rc_strbuf_append(&lv->key, usr);
        rc_strbuf_appendn(&lv->key, (const char[]){RC_KEY_SEP}, 1);
        rc_strbuf_append(&lv->name, name);
        free(name);
        lv->flags = type_flags(w->models, clang_getCursorType(e)) |
                    type_flags(w->models, clang_getCursorType(d));
        if (clang_getCursorTLSKind(d) != CXTLS_None)
            lv->flags |= RC_LOC_TLS;
        return 1;
    }
    if (k == CXCursor_MemberRefExpr) {
        kids_t kk;
        children(&w->tree, e, &kk);
        int ok = 0;
        if (kk.n >= 1) {
            CXCursor base = kk.v[0];
            if (type_is_pointer(clang_getCursorType(base))) {
                eval_expr(w, base, st);
                int pi = param_derived(w, base);
                if (pi < 0 && global_pointee(w, base, lv)) {
                    /* gp->f where gp is a global pointer: the object it points to */
                    char *field = take(clang_getCursorSpelling(e));
                    append2(&lv->key, ".", field);
                    append2(&lv->name, "->", field);
                    free(field);
                    lv->flags = type_flags(w->models, clang_getCursorType(e));
                    ok = 1;
                } else if (pi >= 0) {
                    /* s->f where s is (derived from) parameter pi */
                    char *field = take(clang_getCursorSpelling(e));
                    param_object(w, pi, base, lv);
                    append2(&lv->key, ".", field);
                    append2(&lv->name, "->", field);
                    free(field);
                    lv->flags = type_flags(w->models, clang_getCursorType(e));
                    ok = 1;
                }
            } else if (lvalue(w, base, st, lv)) {
                char *field = take(clang_getCursorSpelling(e));
                append2(&lv->key, ".", field);
                append2(&lv->name, ".", field);
                free(field);
                lv->flags =
                    (lv->flags & RC_LOC_TLS) | type_flags(w->models, clang_getCursorType(e));
                ok = 1;
            }
        }
        kids_free(&kk);
        return ok;
    }
    if (k == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        children(&w->tree, e, &kk);
        int ok = 0;
        if (kk.n == 2) {
            CXCursor base = kk.v[0], idx = kk.v[1];
            CXCursor arr = strip(&w->tree, base, 0);
            int pbase = -1;
            int tracked = type_is_array(clang_getCursorType(arr))
                              ? lvalue(w, arr, st, lv)
                              : (eval_expr(w, base, st), (pbase = param_derived(w, base)) >= 0 ||
                                                             global_pointee(w, base, lv));
            if (tracked) {
                if (pbase >= 0) {
                    param_object(w, pbase, base, lv); /* p[i] where p comes from a parameter */
                    lv->flags = 0;
                }
                eval_expr(w, idx, st);
                long long v;
                int pi = param_derived(w, idx);
                if (pi >= 0) {
                    rc_strbuf_append(&lv->key, "[p"); /* slot chosen by the parameter */
                    append_int(&lv->key, pi);
                    rc_strbuf_append(&lv->key, "]");
                } else if (fork_slot(w, idx)) {
                    rc_strbuf_append(&lv->key, "[#]"); /* each forked child's own slot */
                } else if (is_int_const(idx, &v)) {
                    rc_strbuf_append(&lv->key, "[");
                    append_int(&lv->key, v);
                    rc_strbuf_append(&lv->key, "]");
                } else {
                    rc_strbuf_append(&lv->key, "[*]");
                }
                char *it = text_of(w, idx);
                append2(&lv->name, "[", it ? it : "...");
                rc_strbuf_append(&lv->name, "]");
                free(it);
                lv->flags =
                    (lv->flags & RC_LOC_TLS) | type_flags(w->models, clang_getCursorType(e));
                ok = 1;
            } else {
                eval_expr(w, idx, st);
            }
        }
        kids_free(&kk);
        return ok;
    }
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref) {
        CXCursor p = sole_expr_child(&w->tree, e);
        if (!cursor_null(p)) {
            eval_expr(w, p, st);
            int pi = param_derived(w, p);
            if (pi >= 0 || global_pointee(w, p, lv)) {
                if (pi >= 0)
                    param_object(w, pi, p, lv); /* *p where p comes from a parameter */
                rc_strbuf_reset(&lv->name);
                char *t = text_of(w, e);
                rc_strbuf_append(&lv->name, t ? t : "*(argument)");
                free(t);
                lv->flags = type_flags(w->models, clang_getCursorType(e));
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
    children(&w->tree, e, &kk);
    for (unsigned i = 0; i < kk.n; i++) {
        if (is_expr(kk.v[i]))
            eval_expr(w, kk.v[i], st);
        else if (clang_isStatement(clang_getCursorKind(kk.v[i])))
            walk_stmt(w, kk.v[i], st);
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
static rc_arg_kind_t classify_arg(walker_t *w, CXCursor arg, char **key)
{
    *key = NULL;
    CXCursor e = strip(&w->tree, arg, 1);
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
        CXCursor x = strip(&w->tree, sole_expr_child(&w->tree, e), 0);
        if (cursor_null(x))
            return RC_ARG_UNKNOWN;
        int saved = w->record;
        w->record = 0;
        w->need_keys = 1;
        rc_lset_t scratch;
        rc_lset_empty(&scratch);
        lval_t lv;
        int tracked = lvalue(w, x, &scratch, &lv);
        w->record = saved;
        w->need_keys = 0;
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
            children(&w->tree, x, &kk);
            int cst = kk.n == 2 && is_int_const(kk.v[1], &v);
            kids_free(&kk);
            if (!cst)
                return in_loop ? RC_ARG_DISTINCT : RC_ARG_UNKNOWN;
        }
        char *root = handle_root(w, x);
        if (!root)
            return RC_ARG_UNKNOWN;
        *key = root;
        return RC_ARG_SAME;
    }
    if (k == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (!is_var(d))
            return RC_ARG_UNKNOWN;
        char *usr = usr_dup(w, d);
        if (type_is_pointer(clang_getCursorType(d)) && is_global_var(d)) {
            *key = rc_xasprintf("*%s%c", usr, RC_KEY_SEP); /* what gp points to, as gp->f */
            free(usr);
            return RC_ARG_GLOBAL;
        }
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

/* The object a call argument points to, as an access key (see rc_call_t), or NULL.
 * Index parts chosen by the caller's parameters ("[p0]") stay: the link step reads
 * them in the caller's context. */
static char *call_arg_key(walker_t *w, CXCursor arg)
{
    CXCursor e = strip(&w->tree, arg, 1);
    if (!type_is_pointer(clang_getCursorType(e)) && !type_is_array(clang_getCursorType(e)))
        return NULL;
    int saved = w->record;
    w->record = 0;
    w->need_keys = 1;
    rc_lset_t scratch;
    rc_lset_empty(&scratch);
    lval_t lv;
    int tracked = 0;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        CXCursor x = sole_expr_child(&w->tree, e);
        tracked = !cursor_null(x) && lvalue(w, x, &scratch, &lv);
    } else if (type_is_array(clang_getCursorType(e))) {
        tracked = lvalue(w, e, &scratch, &lv); /* a global array decays to its start */
    } else {
        int pi = param_derived(w, e);
        if (pi >= 0) {
            param_object(w, pi, e, &lv);
            tracked = 1;
        } else {
            tracked = global_pointee(w, e, &lv);
        }
    }
    w->record = saved;
    w->need_keys = 0;
    if (!tracked)
        return NULL;
    char *key = rc_strbuf_take(&lv.key);
    lval_close(&lv);
    return key;
}

/* The index of the current function's parameter that e names, or -1. */
static int parm_of(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return -1;
    CXCursor d = clang_getCursorReferenced(e);
    return clang_getCursorKind(d) == CXCursor_ParmDecl ? param_no(w, d) : -1;
}

/* The local variable a counting expression names (casts stripped), or a null cursor. */
static CXCursor counter_var(walker_t *w, CXCursor e)
{
    e = strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(e);
    return is_var(d) && !is_global_var(d) ? d : clang_getNullCursor();
}

/* 1 when the subtree at c takes the address of local d (it may change through
 * the pointer). */
static int address_taken(walker_t *w, CXCursor c, CXCursor d, int depth)
{
    if (depth > 64)
        return 1;
    if (clang_getCursorKind(c) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf &&
        clang_equalCursors(counter_var(w, sole_expr_child(&w->tree, c)), d))
        return 1;
    kids_t kk;
    children(&w->tree, c, &kk);
    int found = 0;
    for (unsigned i = 0; i < kk.n && !found; i++)
        found = address_taken(w, kk.v[i], d, depth + 1);
    kids_free(&kk);
    return found;
}

/* How many times the body of the innermost loop runs at most, when it is a for
 * statement counting a local up by one between constants: `for (i = A; i < B;
 * i++)` (also `int i = A`, `<=`, `!=`, `++i`, `i += 1`) with i neither assigned
 * nor addressed in the body; else -1. */
static int for_trip(walker_t *w)
{
    CXCursor init = w->for_parts[0], cond = w->for_parts[1], inc = w->for_parts[2];
    CXCursor body = w->for_parts[3];
    if (cursor_null(init) || cursor_null(cond) || cursor_null(inc) || cursor_null(body))
        return -1;
    CXCursor var = clang_getNullCursor(), from = var;
    kids_t kk;
    if (clang_getCursorKind(init) == CXCursor_DeclStmt) {
        children(&w->tree, init, &kk);
        if (kk.n == 1 && clang_getCursorKind(kk.v[0]) == CXCursor_VarDecl) {
            var = kk.v[0];
            kids_t vk;
            children(&w->tree, var, &vk);
            for (unsigned i = 0; i < vk.n; i++)
                if (is_expr(vk.v[i]))
                    from = vk.v[i];
            kids_free(&vk);
        }
        kids_free(&kk);
    } else if (clang_getCursorKind(init) == CXCursor_BinaryOperator &&
               clang_getCursorBinaryOperatorKind(init) == CXBinaryOperator_Assign) {
        children(&w->tree, init, &kk);
        if (kk.n == 2) {
            var = counter_var(w, kk.v[0]);
            from = kk.v[1];
        }
        kids_free(&kk);
    }
    long long a, b, one = 0;
    if (cursor_null(var) || cursor_null(from) || !is_int_const(from, &a))
        return -1;
    cond = strip(&w->tree, cond, 1);
    if (clang_getCursorKind(cond) != CXCursor_BinaryOperator)
        return -1;
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(cond);
    children(&w->tree, cond, &kk);
    int ok = kk.n == 2 && clang_equalCursors(counter_var(w, kk.v[0]), var) &&
             is_int_const(kk.v[1], &b) &&
             (op == CXBinaryOperator_LT || op == CXBinaryOperator_LE || op == CXBinaryOperator_NE);
    kids_free(&kk);
    if (!ok)
        return -1;
    inc = strip(&w->tree, inc, 1);
    if (clang_getCursorKind(inc) == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(inc);
        ok = (u == CXUnaryOperator_PostInc || u == CXUnaryOperator_PreInc) &&
             clang_equalCursors(counter_var(w, sole_expr_child(&w->tree, inc)), var);
    } else if (clang_getCursorKind(inc) == CXCursor_CompoundAssignOperator &&
               clang_getCursorBinaryOperatorKind(inc) == CXBinaryOperator_AddAssign) {
        children(&w->tree, inc, &kk);
        ok = kk.n == 2 && clang_equalCursors(counter_var(w, kk.v[0]), var) &&
             is_int_const(kk.v[1], &one) && one == 1;
        kids_free(&kk);
    } else {
        ok = 0;
    }
    rc_pos_t bp = pos_of(w, body);
    ok = ok && !assigned_in(w, usr_cached(&w->usrs, var), bp.off, bp.end) &&
         !address_taken(w, body, var, 0);
    if (!ok)
        return -1;
    long long n = op == CXBinaryOperator_LE ? b - a + 1 : b - a;
    if (op == CXBinaryOperator_NE && n < 0)
        return -1; /* counts past the bound: wraps around */
    return n < 0 ? 0 : n > 1000000 ? -1 : (int)n;
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
                        ? handle_key(w, kk->v[1 + api->handle_arg])
                        : NULL;
        c->api = rc_xstrdup(api->name);
        c->arg_kind = api->arg_arg >= 0 && (unsigned)api->arg_arg < nargs
                          ? classify_arg(w, kk->v[1 + api->arg_arg], &c->arg_key)
                          : RC_ARG_UNKNOWN;
        c->routine_param = c->arg_param = c->handle_param = -1;
        if (api->handle_arg >= 0 && (unsigned)api->handle_arg < nargs)
            c->handle_param = parm_of(w, kk->v[1 + api->handle_arg]);
        if (c->nroutines == 0 && (unsigned)api->routine_arg < nargs)
            c->routine_param = parm_of(w, kk->v[1 + api->routine_arg]);
        if (api->arg_arg >= 0 && (unsigned)api->arg_arg < nargs)
            c->arg_param = parm_of(w, kk->v[1 + api->arg_arg]);
        c->pos = pos_of(w, call);
        c->ls = recorded(w, st);
        c->trip = w->loop_le && w->loop_lb == w->iloop_lb ? for_trip(w) : -1;
    }
    targets_free(&tg);
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
static void release(walker_t *w, uint32_t l, rc_lset_t *st)
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
    int wild = 0;
    if (!(lock_family(w->facts->locks.v[l], &wild) && wild) && drop_hold(w, l, st))
        return;                   /* taken twice: still held */
    int own = rc_lset_has(st, l); /* taken by this function on every path */
    rc_lset_remove(st, l);
    remove_aliases(w, l, st);
    purge_holds(w, st);
    imp_drop(w, NULL, l, st);
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
    return (unsigned)pi + 1 < kk->n ? lock_of(w, kk->v[1 + pi]) : w->unknown_lock;
}

static int summary_equal(const summary_t *a, const summary_t *b)
{
    return a->noreturn == b->noreturn && a->rel_all == b->rel_all &&
           rc_lset_equal(&a->acq, &b->acq) && rc_lset_equal(&a->rel, &b->rel);
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
        acquire(w, summary_lock(w, RC_LREF_LOCK(s->acq.v[i]), kk), RC_LREF_SHARED(s->acq.v[i]), st);
}

/* A call through a pointer whose possible targets are known (a local set to
 * `release_io`, glibc's pthread_cleanup_pop(1) calling its routine through one):
 * each target's summary applied to a copy of the state, the results met; a target
 * without a summary leaves the state as it is. */
static void apply_import(walker_t *w, const rc_import_t *im, kids_t *kk, rc_lset_t *st);
static void apply_targets(walker_t *w, const targets_t *tg, kids_t *kk, rc_lset_t *st)
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
            apply_summary(w, &w->sums[si], kk, &t);
        } else if (ii != UINT32_MAX) {
            apply_import(w, &w->imports->v[ii], kk, &t);
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
        return (unsigned)pi + 1 < kk->n ? lock_of(w, kk->v[1 + pi]) : w->unknown_lock;
    }
    return intern_lock(w, id, name);
}

static void apply_import(walker_t *w, const rc_import_t *im, kids_t *kk, rc_lset_t *st)
{
    if (im->noreturn) {
        rc_lset_top(st);
        return;
    }
    if (im->rel_all)
        rc_lset_empty(st);
    for (size_t i = 0; i < im->nrel && !im->rel_all; i++)
        release(w, import_lock(w, im->rel[i], im->rel_names[i], kk), st);
    for (size_t i = 0; i < im->nacq; i++)
        acquire(w, import_lock(w, im->acq[i], im->acq_names[i], kk), im->acq_shared[i], st);
}

/* The parameter whose pointee holds the lock named by arg (`&p->lock`, `&p->locks[i]`),
 * or -1. Lets lock-order rules tell transfer(a, b) from transfer(b, a). */
static int lock_base_param(walker_t *w, CXCursor arg)
{
    CXCursor e = strip(&w->tree, arg, 1);
    if (clang_getCursorKind(e) != CXCursor_UnaryOperator ||
        clang_getCursorUnaryOperatorKind(e) != CXUnaryOperator_AddrOf)
        return -1;
    e = strip(&w->tree, sole_expr_child(&w->tree, e), 1);
    if (!cursor_null(e) && clang_getCursorKind(e) == CXCursor_ArraySubscriptExpr) {
        kids_t kk;
        children(&w->tree, e, &kk);
        CXCursor b = kk.n == 2 ? strip(&w->tree, kk.v[0], 1) : clang_getNullCursor();
        kids_free(&kk);
        e = b;
    }
    if (cursor_null(e) || clang_getCursorKind(e) != CXCursor_MemberRefExpr)
        return -1;
    CXCursor base = strip(&w->tree, sole_expr_child(&w->tree, e), 1);
    if (cursor_null(base) || clang_getCursorKind(base) != CXCursor_DeclRefExpr ||
        !type_is_pointer(clang_getCursorType(base)))
        return -1;
    CXCursor d = clang_getCursorReferenced(base);
    return clang_getCursorKind(d) == CXCursor_ParmDecl ? param_no(w, d) : -1;
}

static void record_lockop(walker_t *w, const rc_api_fn_t *api, uint32_t lock, CXCursor at,
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
    children(&w->tree, at, &kk);
    if ((unsigned)api->lock_arg + 1 < kk.n)
        op->base_param = lock_base_param(w, kk.v[1 + api->lock_arg]);
    kids_free(&kk);
    op->pos = pos_of(w, at);
    op->held = recorded(w, st);
}

/* Records a reachable exit: the return statement at, or (fallthrough) the end of
 * the body at. */
static void record_exit(walker_t *w, CXCursor at, int fallthrough, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->exits, fn->nexits, fn->capexits);
    rc_exit_t *x = &fn->exits[fn->nexits++];
    x->pos = pos_of(w, at);
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
    x->held = recorded(w, st);
}

/* ---- processes ------------------------------------------------------------------- */

/* Whether a call of the shared_map model api (children kk: callee, arguments) maps
 * memory shared between processes: 1 yes, 0 no, -1 when the flags are not a
 * constant. *anon receives whether the mapping is anonymous. */
static int map_shared(const rc_api_fn_t *api, const kids_t *kk, int *anon)
{
    *anon = 0;
    if (api->flags_arg < 0)
        return 1; /* shmat: always shared, never anonymous */
    long long v;
    if ((unsigned)api->flags_arg + 1 >= kk->n || !is_int_const(kk->v[1 + api->flags_arg], &v))
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
    e = strip(&w->tree, e, 1);
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
        return 0;
    char *name = take(clang_getCursorSpelling(d));
    const rc_api_fn_t *api = rc_models_find(w->models, name);
    free(name);
    int shared = 0;
    if (api && api->kind == RC_API_SHARED_MAP) {
        kids_t kk;
        children(&w->tree, e, &kk);
        int anon;
        shared = map_shared(api, &kk, &anon) == 1 ? 1 | (anon ? 0 : 2) : 0;
        kids_free(&kk);
    } else if (!api) {
        const char *usr = usr_cached(&w->usrs, d);
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
        shared = si != UINT32_MAX && w->ret_shm ? w->ret_shm[si] : 0;
    }
    return shared;
}

/* shm_source's bits for a value: a shared-memory call, a local holding its
 * result (bit 0 only: how it was mapped is not kept), or either branch of
 * `p == MAP_FAILED ? NULL : p`. */
static int shm_value(walker_t *w, CXCursor e, int depth)
{
    e = strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr)
        return shm_local(w, clang_getCursorReferenced(e));
    if (k == CXCursor_ConditionalOperator && depth < 4) {
        kids_t kk;
        children(&w->tree, e, &kk);
        int v = 0;
        for (unsigned i = 1; i < kk.n; i++)
            v |= shm_value(w, kk.v[i], depth + 1);
        kids_free(&kk);
        return v;
    }
    return shm_source(w, e);
}

/* 1 when the local variable d holds memory shared between processes (w->shm_locals). */
static int shm_local(walker_t *w, CXCursor d)
{
    if (!w->shm_locals.n || !is_var(d) || is_global_var(d))
        return 0;
    const char *usr = usr_cached(&w->usrs, d);
    int r = rc_strtab_lookup(&w->shm_locals, usr) != UINT32_MAX;
    return r;
}

/* After the prescan: the locals assigned a shared mapping (`struct shm *s = mmap(..,
 * MAP_SHARED | MAP_ANONYMOUS, ..)`, `s = map_shared(n)` with map_shared returning
 * one), or another such local. Flow-insensitive, like the dependency masks. */
static void find_shm_locals(walker_t *w)
{
    rc_strtab_close(&w->shm_locals);
    memset(&w->shm_locals, 0, sizeof w->shm_locals);
    for (int round = 0; round < 4; round++) {
        uint32_t before = w->shm_locals.n;
        for (size_t i = 0; i < w->nasgs; i++) {
            if (cursor_null(w->asgs[i].rhs))
                continue;
            CXCursor r = strip(&w->tree, w->asgs[i].rhs, 1);
            int src = shm_source(w, r);
            if (!src && clang_getCursorKind(r) == CXCursor_DeclRefExpr)
                src = shm_local(w, clang_getCursorReferenced(r));
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
    CXCursor e = strip(&w->tree, arg, 1);
    if (is_zero(e))
        return NULL;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
        CXCursor x = strip(&w->tree, sole_expr_child(&w->tree, e), 0);
        if (!cursor_null(x) && clang_getCursorKind(x) == CXCursor_DeclRefExpr) {
            CXCursor d = clang_getCursorReferenced(x);
            if (is_var(d))
                return usr_dup(w, d);
        }
    }
    return rc_xstrdup("");
}

static void record_pcall(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                         const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    unsigned nargs = kk->n - 1;
    rc_pcall_t pc;
    memset(&pc, 0, sizeof pc);
    pc.kind = api->kind;
    pc.api = rc_xstrdup(api->name);
    pc.pos = pos_of(w, call);
    pc.ls = recorded(w, st);
    if (api->kind == RC_API_SHARED_MAP)
        pc.shared = map_shared(api, kk, &pc.anon);
    if (api->kind == RC_API_FORK)
        pc.shared = api->shared; /* vfork: the child borrows the parent's memory */
    if ((api->kind == RC_API_SYNC_INIT || api->kind == RC_API_SEM_WAIT ||
         api->kind == RC_API_SEM_POST || api->kind == RC_API_SEM_INIT ||
         api->kind == RC_API_BARRIER_WAIT) &&
        (unsigned)api->lock_arg < nargs) {
        pc.obj = call_arg_key(w, kk->v[1 + api->lock_arg]);
        pc.text = text_of(w, kk->v[1 + api->lock_arg]);
    }
    if ((api->kind == RC_API_SYNC_INIT || api->kind == RC_API_ATTR_PSHARED) &&
        (unsigned)api->attr_arg < nargs)
        pc.attr = attr_of(w, kk->v[1 + api->attr_arg]);
    if (api->kind == RC_API_SEM_INIT || api->kind == RC_API_SYNC_INIT) {
        long long v;
        pc.shared = (unsigned)api->value_arg < nargs && is_int_const(kk->v[1 + api->value_arg], &v)
                        ? (int)v
                        : -1; /* sem_init: the initial value; sync_init: a barrier's count */
        if (api->kind == RC_API_SYNC_INIT && api->value_arg < 0)
            pc.shared = 0; /* no count (a mutex) */
    }
    if (api->kind == RC_API_ATTR_PSHARED) {
        long long v;
        pc.shared = (unsigned)api->value_arg < nargs && is_int_const(kk->v[1 + api->value_arg], &v)
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
static int fork_source(walker_t *w, CXCursor e, int depth)
{
    e = strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_CallExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
            return 0;
        char *name = take(clang_getCursorSpelling(d));
        const rc_api_fn_t *api = rc_models_find(w->models, name);
        free(name);
        if (api)
            return api->kind == RC_API_FORK;
        char *usr = usr_dup(w, d);
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
        free(usr);
        return si != UINT32_MAX && w->ret_fork && w->ret_fork[si];
    }
    if (k != CXCursor_DeclRefExpr || depth >= 2)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (!is_var(d) || is_global_var(d))
        return 0;
    const char *usr = usr_cached(&w->usrs, d);
    int r = 0;
    for (size_t i = 0; i < w->nasgs && !r; i++)
        r = !cursor_null(w->asgs[i].rhs) && strcmp(w->asgs[i].var, usr) == 0 &&
            fork_source(w, w->asgs[i].rhs, depth + 1);
    return r;
}

/* A call of this TU's function that returns a fork's result (`pid_t pid =
 * spawn_worker(i)` with the fork inside): recorded as a fork at the call, so the
 * caller's `if (pid == 0)` is a child extent of it. */
static void record_fork_wrapper(walker_t *w, const char *name, CXCursor call, const rc_lset_t *st)
{
    if (!w->record || st->top)
        return;
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->pcalls, fn->npcalls, fn->cappcalls);
    rc_pcall_t *pc = &fn->pcalls[fn->npcalls++];
    memset(pc, 0, sizeof *pc);
    pc->kind = RC_API_FORK;
    pc->api = rc_xstrdup(name);
    pc->pos = pos_of(w, call);
    pc->ls = recorded(w, st);
}

/* `pid = fork()`, `pids[i] = fork()`, `struct shm *s = mmap(...)`: remembers the
 * variable target (a declaration, or the assigned expression: its root variable
 * for a fork, the variable itself for a mapping) as the target of the fork or
 * shared_map call that value (casts stripped) is. A call of this TU's function
 * returning shared memory (`s = map_shared(n)`) is recorded as a shared_map call
 * of that function. */
static void note_result(walker_t *w, CXCursor target, CXCursor value)
{
    if (!w->record || !w->fn || cursor_null(value))
        return;
    CXCursor e = strip(&w->tree, value, 1);
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return;
    int whole = is_var(target);
    CXCursor lhs = whole ? target : strip(&w->tree, target, 1);
    if (!whole && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
        is_var(clang_getCursorReferenced(lhs))) {
        whole = 1;
        lhs = clang_getCursorReferenced(lhs);
    }
    char *usr = whole ? usr_dup(w, lhs) : handle_root(w, lhs);
    if (!usr)
        return;
    unsigned off = pos_of(w, e).off;
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
        pc->api = take(clang_getCursorSpelling(clang_getCursorReferenced(e)));
        pc->target = usr;
        pc->shared = 1;
        pc->anon = !(src & 2);
        pc->pos = pos_of(w, e);
        rc_lset_empty(&pc->ls);
        return;
    }
    free(usr);
}

/* Index in w->fn->pcalls of the fork whose result e is: a fork call, an assignment
 * of one (`(pid = fork())`), or a variable (or an element or field of one: any
 * element stands for the one assigned) last assigned one before offset at; -1
 * when it is none of these. */
static int fork_value(walker_t *w, CXCursor e, unsigned at)
{
    if (!w->record || !w->fn)
        return -1;
    e = strip(&w->tree, e, 1);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_BinaryOperator &&
        clang_getCursorBinaryOperatorKind(e) == CXBinaryOperator_Assign) {
        kids_t kk;
        children(&w->tree, e, &kk);
        int f = kk.n == 2 ? fork_value(w, kk.v[1], at) : -1;
        kids_free(&kk);
        return f;
    }
    if (k == CXCursor_CallExpr) {
        unsigned off = pos_of(w, e).off;
        for (size_t i = 0; i < w->fn->npcalls; i++)
            if (w->fn->pcalls[i].kind == RC_API_FORK && w->fn->pcalls[i].pos.off == off)
                return (int)i;
        return -1;
    }
    if (k != CXCursor_DeclRefExpr && k != CXCursor_ArraySubscriptExpr &&
        k != CXCursor_MemberRefExpr)
        return -1;
    char *usr = handle_root(w, e); /* pid, pids[i], w->pid */
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
static int fork_test(walker_t *w, CXCursor c, unsigned at, int *child_then)
{
    c = strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
        CXCursor in = sole_expr_child(&w->tree, c);
        int f = cursor_null(in) ? -1 : fork_value(w, in, at);
        *child_then = 1;
        return f;
    }
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE && op != CXBinaryOperator_GT &&
            op != CXBinaryOperator_GE && op != CXBinaryOperator_LT && op != CXBinaryOperator_LE) {
            *child_then = 0; /* `if ((pid = fork()))` */
            return fork_value(w, c, at);
        }
        kids_t kk;
        children(&w->tree, c, &kk);
        long long v;
        int f = -1;
        if (kk.n == 2) {
            CXCursor x = kk.v[0];
            if (is_int_const(kk.v[1], &v)) {
                x = kk.v[0];
            } else if (is_int_const(kk.v[0], &v)) {
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
            f = fork_value(w, x, at);
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
    int f = fork_value(w, c, at); /* `if (pid)`, `if (fork())` */
    *child_then = 0;
    return f;
}

static void record_child(walker_t *w, int fork, unsigned lb, unsigned le)
{
    rc_fn_facts_t *fn = w->fn;
    GROW(fn->children, fn->nchildren, fn->capchildren);
    fn->children[fn->nchildren++] = (rc_child_t){(uint32_t)fork, lb, le};
}

/* 1 when idx, in the child branch of a fork made in a loop, is one-to-one in a
 * local the loop sets per iteration (`i`, `i + 1`) and the child never assigns:
 * each child the loop forks has its own value, so `shm->hits[i]` is a slot per
 * child ("[#]", as a slot per thread is). */
static int fork_slot(walker_t *w, CXCursor idx)
{
    if (!w->slot_le)
        return 0;
    CXCursor e = strip(&w->tree, idx, 1);
    for (int guard = 0; guard < 4 && clang_getCursorKind(e) == CXCursor_BinaryOperator; guard++) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        children(&w->tree, e, &kk);
        CXCursor next = clang_getNullCursor();
        if (kk.n == 2 && (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub)) {
            if (is_int_const(kk.v[1], NULL))
                next = kk.v[0];
            else if (op == CXBinaryOperator_Add && is_int_const(kk.v[0], NULL))
                next = kk.v[1];
        }
        kids_free(&kk);
        if (cursor_null(next))
            return 0;
        e = strip(&w->tree, next, 1);
    }
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return 0;
    CXCursor d = clang_getCursorReferenced(e);
    if (!is_var(d) || is_global_var(d))
        return 0;
    const char *usr = usr_cached(&w->usrs, d);
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
 * fork is made in a loop (fork_slot). leave_child restores the saved state. */
static void enter_child(walker_t *w, int fk, CXCursor branch)
{
    const rc_pos_t *fp = &w->fn->pcalls[fk].pos;
    if (!fp->iloop_le)
        return;
    rc_pos_t bp = pos_of(w, branch);
    w->child_lb = bp.off;
    w->child_le = bp.end;
    w->slot_lb = fp->iloop_lb;
    w->slot_le = fp->iloop_le;
}

static void leave_child(walker_t *w, const unsigned saved[4])
{
    w->child_lb = saved[0];
    w->child_le = saved[1];
    w->slot_lb = saved[2];
    w->slot_le = saved[3];
}

/* 1 when the function being recorded has forked (fork tests are looked for). */
static int has_fork(const walker_t *w)
{
    for (size_t i = 0; w->record && w->fn && i < w->fn->npcalls; i++)
        if (w->fn->pcalls[i].kind == RC_API_FORK)
            return 1;
    return 0;
}

/* After `if (pid != 0) return pid;` without an else: the statements that follow
 * the if in its block run only in the child. */
static void record_rest_child(walker_t *w, int fork, CXCursor ifs)
{
    const tnode_t *n = tree_find(&w->tree, ifs);
    if (!n || n->parent == UINT32_MAX)
        return;
    CXCursor block = w->tree.nodes[n->parent].c;
    if (clang_getCursorKind(block) != CXCursor_CompoundStmt)
        return;
    rc_pos_t ip = pos_of(w, ifs), bp = pos_of(w, block);
    if (bp.end > ip.end + 1)
        record_child(w, fork, ip.end + 1, bp.end);
}

/* `switch (fork())` / `switch (pid)`: the statements from `case 0:` to the next
 * label of the switch body run in the child. */
static void record_switch_child(walker_t *w, int fork, CXCursor body)
{
    kids_t kk;
    children(&w->tree, body, &kk);
    rc_pos_t bp = pos_of(w, body);
    for (unsigned i = 0; i < kk.n; i++) {
        if (clang_getCursorKind(kk.v[i]) != CXCursor_CaseStmt)
            continue;
        kids_t ck;
        children(&w->tree, kk.v[i], &ck);
        long long v = 1;
        int zero = ck.n >= 1 && is_int_const(ck.v[0], &v) && v == 0;
        kids_free(&ck);
        if (!zero)
            continue;
        unsigned lb = pos_of(w, kk.v[i]).off, le = bp.end;
        for (unsigned j = i + 1; j < kk.n; j++) {
            enum CXCursorKind jk = clang_getCursorKind(kk.v[j]);
            if (jk == CXCursor_CaseStmt || jk == CXCursor_DefaultStmt) {
                unsigned next = pos_of(w, kk.v[j]).off;
                le = next > lb ? next - 1 : lb;
                break;
            }
        }
        record_child(w, fork, lb, le);
    }
    kids_free(&kk);
}

/* ---- signal handlers and library calls ---------------------------------------- */

/* An `if` with a then-branch: the extents of its test and of that branch. */
static void record_guard(walker_t *w, CXCursor cond, CXCursor then, const rc_lset_t *st)
{
    if (!w->record || st->top || !w->fn)
        return;
    rc_fn_facts_t *fn = w->fn;
    rc_pos_t c = pos_of(w, cond), t = pos_of(w, then);
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
    l->pos = pos_of(w, at);
}

static void record_sighand(walker_t *w, const rc_api_fn_t *api, const char *usr, const char *name,
                           CXCursor at)
{
    rc_fn_facts_t *fn = w->fn;
    for (size_t i = 0; i < fn->nsighands; i++)
        if (strcmp(fn->sighands[i].handler, usr) == 0 &&
            fn->sighands[i].pos.off == pos_of(w, at).off)
            return;
    GROW(fn->sighands, fn->nsighands, fn->capsighands);
    rc_sighand_t *h = &fn->sighands[fn->nsighands++];
    h->handler = rc_xstrdup(usr);
    h->handler_name = rc_xstrdup(name);
    h->api = rc_xstrdup(api->name);
    h->pos = pos_of(w, at);
}

typedef struct fnrefs {
    CXCursor *v;
    size_t n, cap;
} fnrefs_t;

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
            return is_var(d) ? clang_getCanonicalCursor(d) : clang_getNullCursor();
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

typedef struct action_scan {
    CXCursor var; /* canonical */
    fnrefs_t fns;
} action_scan_t;

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
        resolve_fn(w, kk->v[1 + api->handler_arg], &tg);
        for (size_t i = 0; i < tg.n; i++)
            record_sighand(w, api, tg.usr[i], tg.name[i], call);
        targets_free(&tg);
    }
    if (api->action_arg >= 0 && (unsigned)api->action_arg < nargs) {
        CXCursor e = strip(&w->tree, kk->v[1 + api->action_arg], 1);
        if (clang_getCursorKind(e) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf)
            e = strip(&w->tree, sole_expr_child(&w->tree, e), 1);
        CXCursor var = lvalue_root(e);
        if (cursor_null(var))
            return;
        action_scan_t a = {.var = var};
        clang_visitChildren(w->cur_fn, scan_stores, &a);
        CXCursor def = clang_getCursorDefinition(var);
        clang_visitChildren(cursor_null(def) ? var : def, collect_fns, &a.fns);
        for (size_t i = 0; i < a.fns.n; i++) {
            char *usr = usr_dup(w, a.fns.v[i]);
            char *name = take(clang_getCursorSpelling(a.fns.v[i]));
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
        resolve_fn(w, kk->v[1 + i], &tg);
        for (size_t t = 0; t < tg.n; t++) {
            record_call(w, tg.usr[t], tg.name[t], call, &callee_only, &none);
            w->fn->calls[w->fn->ncalls - 1].callback = 1;
        }
        targets_free(&tg);
    }
}

/* Slots of a lockset that order marks leave to locks: a mark is dropped (it only
 * orders less) rather than crowd out a lock acquired later. */
#define MARK_ROOM 4

static int is_mark_id(const char *id)
{
    return strncmp(id, RC_ONCE_PREFIX, strlen(RC_ONCE_PREFIX)) == 0 ||
           strncmp(id, RC_BARRIER_PREFIX, strlen(RC_BARRIER_PREFIX)) == 0 ||
           strncmp(id, RC_JOIN_PREFIX, strlen(RC_JOIN_PREFIX)) == 0;
}

/* Adds the order mark id to st (internal.h), room permitting. */
static void add_mark(walker_t *w, const char *id, const char *name, rc_lset_t *st)
{
    if (!st->top && st->n < RC_LS_MAX - MARK_ROOM)
        rc_lset_add(st, intern_lock(w, id, name), 0);
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
        (unsigned)api->lock_arg < kk->n - 1 ? call_arg_key(w, kk->v[1 + api->lock_arg]) : NULL;
    kids_t callee_only = {kk->v, 1, 1, 0};
    for (size_t t = 0; w->record && t < tg->n; t++) {
        record_call(w, tg->usr[t], tg->name[t], call, &callee_only, st);
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
 * not an array element or a field), with a lock held: the mark
 * RC_JOIN_PREFIX<USR of h> is held from here on (internal.h, order marks). Only
 * a lock held across the join needs it (program.c, creation locksets). */
static void mark_join(walker_t *w, CXCursor h, rc_lset_t *st)
{
    CXCursor e = strip(&w->tree, h, 1);
    int locked = 0;
    for (int i = 0; !st->top && i < st->n && !locked; i++)
        locked = !is_mark_id(w->facts->locks.v[RC_LREF_LOCK(st->v[i])]);
    if (!locked || clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return;
    CXCursor d = clang_getCursorReferenced(e);
    if (!is_var(d) || type_is_array(clang_getCursorType(d)) ||
        type_is_pointer(clang_getCursorType(d)))
        return;
    char *usr = take(clang_getCursorUSR(d));
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
    char *key = call_arg_key(w, kk->v[1 + api->lock_arg]);
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

static void handle_call(walker_t *w, CXCursor e, rc_lset_t *st)
{
    kids_t kk;
    children(&w->tree, e, &kk);
    if (kk.n == 0) {
        kids_free(&kk);
        return;
    }
    CXCursor d = clang_getCursorReferenced(e);
    int direct = clang_getCursorKind(d) == CXCursor_FunctionDecl;
    char *name = direct ? take(clang_getCursorSpelling(d)) : NULL;
    const rc_api_fn_t *api = name ? rc_models_find(w->models, name) : NULL;
    if (direct)
        record_lcall(w, d, name, e, st);
    else
        eval_expr(w, kk.v[0], st); /* reads the function pointer */
    targets_t once_tg = {0};       /* RC_API_ONCE: the routines it may run */
    if (api && api->kind == RC_API_ONCE && (unsigned)api->routine_arg < kk.n - 1)
        resolve_fn(w, kk.v[1 + api->routine_arg], &once_tg);
    for (unsigned i = 1; i < kk.n; i++) {
        if (api && api->kind == RC_API_THREAD_CREATE && (int)i - 1 == api->routine_arg)
            continue; /* the start routine is not an escaping address */
        if (once_tg.n && (int)i - 1 == api->routine_arg)
            continue; /* nor is a once routine named here: it is called here */
        eval_expr(w, kk.v[i], st);
    }
    unsigned nargs = kk.n - 1;
    if (api) {
        switch (api->kind) {
        case RC_API_LOCK:
            if (api->lock_global || (unsigned)api->lock_arg < nargs) {
                uint32_t l = model_lock(w, api, &kk);
                record_lockop(w, api, l, e, st);
                if (result_stored(w, e))
                    rc_lset_add(st, l, api->shared);
                else
                    acquire(w, l, api->shared, st);
            }
            break;
        case RC_API_TRYLOCK: /* held only on a branch: see eval_cond */
            if ((unsigned)api->lock_arg < nargs)
                record_lockop(w, api, lock_of(w, kk.v[1 + api->lock_arg]), e, st);
            break;
        case RC_API_UNLOCK:
            if (api->lock_global || (unsigned)api->lock_arg < nargs) {
                uint32_t l = model_lock(w, api, &kk);
                record_lockop(w, api, l, e, st);
                release(w, l, st);
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
                                ? handle_key(w, kk.v[1 + api->handle_arg])
                                : NULL;
                j->pos = pos_of(w, e);
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
                u->pos = pos_of(w, e);
                u->ls = recorded(w, st);
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
                wt->pos = pos_of(w, e);
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
            record_pcall(w, api, e, &kk, st);
            /* Held, as a lock, from the wait to the post: program.c counts it
             * only for a binary semaphore (rc_program_t.lock_sem). No lock
             * operation is recorded: the lock rules are about mutexes. */
            if ((unsigned)api->lock_arg < nargs) {
                uint32_t l = sem_lock_of(w, kk.v[1 + api->lock_arg]);
                if (api->kind == RC_API_SEM_WAIT)
                    rc_lset_add(st, l, 0);
                else
                    release(w, l, st);
            }
            break;
        case RC_API_SEM_INIT:
            record_pcall(w, api, e, &kk, st);
            break;
        case RC_API_ONCE:
            record_once(w, api, e, &kk, &once_tg, st);
            break;
        case RC_API_BARRIER_WAIT:
            record_pcall(w, api, e, &kk, st);
            pass_barrier(w, api, &kk, st);
            break;
        case RC_API_YIELD:
        case RC_API_EVENT_WAIT:
            if (w->record && !st->top) {
                rc_fn_facts_t *fn = w->fn;
                GROW(fn->yields, fn->nyields, fn->capyields);
                rc_yield_t *y = &fn->yields[fn->nyields++];
                y->api = rc_xstrdup(api->name);
                y->wait = api->kind == RC_API_EVENT_WAIT;
                y->pos = pos_of(w, e);
            }
            break;
        }
        if (api->callback_args)
            record_callbacks(w, api, e, &kk, st);
    } else if (direct) {
        const char *usr = usr_cached(&w->usrs, d);
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
        if (si == UINT32_MAX && library_decl(d)) {
            /* The system's function (pthread_cond_signal, malloc): never the
             * definition of an interposer or replacement elsewhere in the
             * project (an LD_PRELOAD library in the same compile database). */
            char *lib = rc_xasprintf("%c%s", RC_LIBCALL_MARK, usr);
            record_call(w, lib, name, e, &kk, st);
            free(lib);
            goto done;
        }
        record_call(w, usr, name, e, &kk, st);
        if (si != UINT32_MAX && w->ret_fork[si])
            record_fork_wrapper(w, name, e, st);
        if (si != UINT32_MAX) {
            apply_summary(w, &w->sums[si], &kk, st);
        } else {
            rc_strtab_intern(&w->ext, usr);
            uint32_t ii = w->imports ? rc_strtab_lookup(&w->imports->usrs, usr) : UINT32_MAX;
            if (ii != UINT32_MAX)
                apply_import(w, &w->imports->v[ii], &kk, st);
        }
    done:;
    } else {
        targets_t tg = {0};
        resolve_fn(w, kk.v[0], &tg);
        for (size_t i = 0; i < tg.n; i++)
            record_call(w, tg.usr[i], tg.name[i], e, &kk, st);
        apply_targets(w, &tg, &kk, st);
        CXCursor callee = strip(&w->tree, kk.v[0], 1);
        CXCursor cd = clang_getCursorReferenced(callee);
        int ref = clang_getCursorKind(callee) == CXCursor_DeclRefExpr;
        int pi = ref && clang_getCursorKind(cd) == CXCursor_ParmDecl ? param_no(w, cd) : -1;
        if (tg.n == 0 && w->record && !st->top && ref && is_global_var(cd)) {
            /* Through a global function pointer: what the program stores there. */
            record_call(w, "", "(function pointer)", e, &kk, st);
            w->fn->calls[w->fn->ncalls - 1].fn_global = usr_dup(w, cd);
        } else if (tg.n == 0 && w->record && !st->top && pi >= 0) {
            /* Through a parameter: whatever the callers pass (linked in program.c). */
            record_call(w, "", "(function parameter)", e, &kk, st);
            w->fn->calls[w->fn->ncalls - 1].fn_param = pi;
        } else if (tg.n == 0 && w->record && !st->top && !(mask_of(w, kk.v[0]) & DEP_PARAMS)) {
            /* Through a pointer nobody here can name: linked by function type. Not
             * when it comes out of a parameter (a thread trampoline's payload):
             * that would merge every routine started through the trampoline. */
            char *type = fn_type_of(clang_getCursorType(kk.v[0]));
            if (type) {
                record_call(w, "", "(function pointer)", e, &kk, st);
                w->fn->calls[w->fn->ncalls - 1].fn_type = type;
            }
        }
        targets_free(&tg);
    }
    targets_free(&once_tg);
    free(name);
    kids_free(&kk);
}

/* The trylock model call that c is (after stripping), or NULL. */
static const rc_api_fn_t *tested_lock_call(walker_t *w, CXCursor c)
{
    c = strip(&w->tree, c, 1);
    if (clang_getCursorKind(c) != CXCursor_CallExpr)
        return NULL;
    CXCursor d = clang_getCursorReferenced(c);
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
        return NULL;
    char *name = take(clang_getCursorSpelling(d));
    const rc_api_fn_t *api = rc_models_find(w->models, name);
    free(name);
    return api && (api->kind == RC_API_TRYLOCK || api->kind == RC_API_LOCK) ? api : NULL;
}

/* `x = pthread_mutex_trylock(&m)` (or the declaration of x with it): x == 0
 * means m was taken, "x false => m held", for the tests of x that follow. */
static void imp_trylock(walker_t *w, const char *xusr, CXCursor value, rc_lset_t *st)
{
    const rc_api_fn_t *api = tested_lock_call(w, value);
    if (!api || api->kind != RC_API_TRYLOCK || st->top || st->n >= RC_LS_MAX - IMP_ROOM ||
        rc_strtab_lookup(&w->addr_locals, xusr) != UINT32_MAX)
        return;
    kids_t kk;
    children(&w->tree, strip(&w->tree, value, 1), &kk);
    uint32_t m =
        (unsigned)api->lock_arg + 1 < kk.n ? lock_of(w, kk.v[1 + api->lock_arg]) : w->unknown_lock;
    kids_free(&kk);
    if (m == w->unknown_lock)
        return;
    char *id = rc_xasprintf("%c0%c%s%c%u", IMP_PREFIX, api->shared ? '1' : '0', xusr, IMP_SEP, m);
    rc_lset_add(st, intern_lock(w, id, ""), 0);
    free(id);
}

/* A lock or trylock call c whose result is tested (0: acquired). s is the
 * state after evaluating the call; *ok receives the state when it succeeded,
 * *failed when it did not. A blocking lock that fails (EINVAL, EDEADLK, an
 * error-checking or robust mutex) leaves the lock not taken: `if
 * (pthread_mutex_lock(&m) != 0) return -1;` returns without it. */
static void lock_outcomes(walker_t *w, const rc_api_fn_t *api, CXCursor c, const rc_lset_t *s,
                          rc_lset_t *ok, rc_lset_t *failed)
{
    *ok = *failed = *s;
    kids_t kk;
    children(&w->tree, strip(&w->tree, c, 1), &kk);
    if ((unsigned)api->lock_arg + 1 < kk.n) {
        uint32_t l = lock_of(w, kk.v[1 + api->lock_arg]);
        if (api->kind == RC_API_TRYLOCK)
            acquire(w, l, api->shared, ok);
        else if (l != w->unknown_lock && !drop_hold(w, l, failed))
            rc_lset_remove(failed, l);
    }
    kids_free(&kk);
}

/* Evaluates a condition: *t and *f receive the states when it is true / false. */
static void eval_cond(walker_t *w, CXCursor c, const rc_lset_t *in, rc_lset_t *t, rc_lset_t *f)
{
    CXCursor e = strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_LNot) {
        CXCursor in2 = sole_expr_child(&w->tree, e);
        if (!cursor_null(in2)) {
            eval_cond(w, in2, in, f, t);
            return;
        }
    }
    if (k == CXCursor_BinaryOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        children(&w->tree, e, &kk);
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
            kids_free(&kk);
            return;
        }
        if (kk.n == 2 && (op == CXBinaryOperator_EQ || op == CXBinaryOperator_NE)) {
            int call_side = -1;
            for (int i = 0; i < 2; i++)
                if (tested_lock_call(w, kk.v[i]) && is_zero(kk.v[1 - i]))
                    call_side = i;
            if (call_side >= 0) {
                const rc_api_fn_t *api = tested_lock_call(w, kk.v[call_side]);
                rc_lset_t s = *in, ok, failed;
                eval_expr(w, kk.v[call_side], &s);
                lock_outcomes(w, api, kk.v[call_side], &s, &ok, &failed);
                *t = op == CXBinaryOperator_EQ ? ok : failed;
                *f = op == CXBinaryOperator_EQ ? failed : ok;
                kids_free(&kk);
                return;
            }
        }
        kids_free(&kk);
    }
    const rc_api_fn_t *api = tested_lock_call(w, e);
    rc_lset_t s = *in;
    eval_expr(w, e, &s);
    *t = s;
    *f = s;
    if (api)
        lock_outcomes(w, api, e, &s, f, t); /* nonzero (true) means it failed */
}

static void add_gfp(rc_tu_facts_t *tf, const char *var, const char *fn)
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

/* `gfp = f;` with gfp a global function pointer: remember that gfp may hold f. */
static void note_global_fnptr(walker_t *w, CXCursor var, CXCursor value)
{
    char *type = is_global_var(var) ? fn_type_of(clang_getCursorType(var)) : NULL;
    if (!type)
        return;
    free(type);
    targets_t tg = {0};
    resolve_fn(w, value, &tg);
    const char *vusr = usr_cached(&w->usrs, var);
    for (size_t i = 0; i < tg.n; i++)
        add_gfp(w->facts, vusr, tg.usr[i]);
    targets_free(&tg);
}

/* ---- values between locals and shared locations (rc_lflow_t) ----------------- */

static int is_local_var(CXCursor d)
{
    return is_var(d) && !is_global_var(d);
}

/* The locals and parameters e refers to (USR and name, each once). */
static void local_refs(walker_t *w, CXCursor e, targets_t *out, int depth)
{
    if (depth > 64)
        return;
    if (clang_getCursorKind(e) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (is_local_var(d)) {
            const char *usr = usr_cached(&w->usrs, d);
            char *name = take(clang_getCursorSpelling(d));
            targets_add(out, usr, name);
            free(name);
        }
        return;
    }
    kids_t kk;
    children(&w->tree, e, &kk);
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
    l->pos = pos_of(w, at);
}

/* An assignment of local var at `at` whose value was just evaluated: the shared
 * reads recorded since nacc0 are where it comes from. keeps: computed from the
 * local's own old value (also when value refers to var). */
static void record_local_assign(walker_t *w, CXCursor var, CXCursor value, CXCursor at,
                                size_t nacc0, int keeps, const rc_lset_t *st)
{
    if (!w->record || st->top || !is_local_var(var))
        return;
    char *usr = usr_dup(w, var);
    char *name = take(clang_getCursorSpelling(var));
    if (!keeps && !cursor_null(value)) {
        targets_t refs = {0};
        local_refs(w, value, &refs, 0);
        for (size_t i = 0; i < refs.n && !keeps; i++)
            keeps = strcmp(refs.usr[i], usr) == 0;
        targets_free(&refs);
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
static void record_store_from(walker_t *w, size_t acc, CXCursor value, CXCursor at)
{
    targets_t refs = {0};
    local_refs(w, value, &refs, 0);
    for (size_t i = 0; i < refs.n; i++)
        push_lflow(w, refs.usr[i], refs.name[i], (int32_t)acc, 0, 0, at);
    targets_free(&refs);
}

static void eval_assign(walker_t *w, CXCursor e, kids_t *kk, int compound, rc_lset_t *st)
{
    lval_t lv;
    int tracked = lvalue(w, kk->v[0], st, &lv);
    if (!tracked) {
        /* A local target: remember function and lock pointers it receives. */
        CXCursor lhs = strip(&w->tree, kk->v[0], 0);
        int local = clang_getCursorKind(lhs) == CXCursor_DeclRefExpr;
        if (local) {
            note_local_assign(w, clang_getCursorReferenced(lhs), kk->v[1]);
            imp_drop(w, usr_cached(&w->usrs, clang_getCursorReferenced(lhs)), 0, st);
        }
        size_t nacc0 = w->fn ? w->fn->nacc : 0;
        eval_expr(w, kk->v[1], st);
        if (!compound)
            note_result(w, kk->v[0], kk->v[1]); /* pid = fork(), pids[i] = fork() */
        if (local) {
            record_local_assign(w, clang_getCursorReferenced(lhs), kk->v[1], e, nacc0, compound,
                                st);
            if (!compound)
                imp_trylock(w, usr_cached(&w->usrs, clang_getCursorReferenced(lhs)), kk->v[1], st);
        }
        return;
    }
    CXCursor lhs = strip(&w->tree, kk->v[0], 0);
    if (w->record && !compound && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
        note_global_fnptr(w, clang_getCursorReferenced(lhs), kk->v[1]);
    const char *saved_key = w->watch_key;
    int saved_hit = w->watch_hit;
    w->watch_key = compound ? NULL : lv.key.s;
    w->watch_hit = 0;
    eval_expr(w, kk->v[1], st);
    if (!compound)
        note_result(w, kk->v[0], kk->v[1]); /* gshm = mmap(..) */
    int rmw = compound || w->watch_hit;
    w->watch_key = saved_key;
    w->watch_hit = saved_hit;
    if (rmw && !compound)
        lv.flags |= RC_ACC_SPLIT;
    size_t nacc0 = w->fn ? w->fn->nacc : 0;
    record_access(w, &lv, rmw ? RC_ACC_RMW : RC_ACC_WRITE, e, st);
    if (w->fn && w->fn->nacc > nacc0)
        record_store_from(w, w->fn->nacc - 1, kk->v[1], e);
    lval_close(&lv);
}

/* Deeper expression nesting is not followed. Real code stays far below it;
 * the guard is for trees in which a node turns up again below itself (seen
 * in libclang's trees of some valid code), which would recurse without end. */
#define RC_MAX_EXPR_DEPTH 1000

static void eval_expr_node(walker_t *w, CXCursor e, rc_lset_t *st);

static void eval_expr(walker_t *w, CXCursor e, rc_lset_t *st)
{
    if (w->depth >= RC_MAX_EXPR_DEPTH)
        return;
    w->depth++;
    eval_expr_node(w, e, st);
    w->depth--;
}

static void eval_expr_node(walker_t *w, CXCursor e, rc_lset_t *st)
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
        CXCursor in = sole_expr_child(&w->tree, e);
        if (cursor_null(in))
            return;
        if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
            op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec) {
            lval_t lv;
            if (lvalue(w, in, st, &lv)) {
                record_access(w, &lv, RC_ACC_RMW, e, st);
                lval_close(&lv);
            } else {
                CXCursor v = strip(&w->tree, in, 0);
                if (clang_getCursorKind(v) == CXCursor_DeclRefExpr) {
                    imp_drop(w, usr_cached(&w->usrs, clang_getCursorReferenced(v)), 0, st);
                    record_local_assign(w, clang_getCursorReferenced(v), clang_getNullCursor(), e,
                                        w->fn ? w->fn->nacc : 0, 1, st);
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
                !type_is_array(t) && lvalue(w, e, st, &lv)) {
                record_access(w, &lv, RC_ACC_READ, e, st);
                lval_close(&lv);
                return;
            }
        }
        eval_expr(w, in, st);
        return;
    }
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator: {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
        kids_t kk;
        children(&w->tree, e, &kk);
        if (kk.n != 2) {
            kids_free(&kk);
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
        kids_free(&kk);
        return;
    }
    case CXCursor_ConditionalOperator: {
        kids_t kk;
        children(&w->tree, e, &kk);
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
        kids_free(&kk);
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
    if (!cursor_null(c))
        walk_stmt(w, c, st);
}

/* 1 when a loop condition is an integer constant other than 0 (`while (1)`,
 * `while (true)`, `do ... while (1)`): the loop is left only through break,
 * return, goto or a call that does not return. */
static int always_true(walker_t *w, CXCursor cond)
{
    long long v = 0;
    return !cursor_null(cond) && is_int_const(strip(&w->tree, cond, 0), &v) && v != 0;
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
            eval_cond(w, cond, head, &t, &f);
            if (forever)
                rc_lset_top(&f);
            if (never)
                rc_lset_top(&t);
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
 * that no API model names and whose final summary (or imported one) is empty,
 * or a call through a pointer that is not a local (only a local's targets are
 * known and applied, apply_targets). */
static int call_neutral(walker_t *w, CXCursor e)
{
    CXCursor d = clang_getCursorReferenced(e);
    if (d.kind != CXCursor_FunctionDecl) {
        const tnode_t *n = tree_find(&w->tree, e);
        if (!n || !n->nkids)
            return 0;
        CXCursor callee = strip(&w->tree, w->tree.kids[n->first], 1);
        if (callee.kind != CXCursor_DeclRefExpr)
            return 1;
        CXCursor v = clang_getCursorReferenced(callee);
        return !is_var(v) || is_global_var(v);
    }
    CXString cs = clang_getCursorSpelling(d);
    const rc_api_fn_t *api = rc_models_find(w->models, clang_getCString(cs));
    clang_disposeString(cs);
    if (api)
        return 0;
    const char *usr = usr_cached(&w->usrs, d);
    uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr);
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
        if (is_pseudo(w, RC_LREF_LOCK(entry->v[i])))
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
    rc_pos_t lp = pos_of(w, loop);
    /* `do { ... } while (0)` (the body of most statement macros) runs once: its
     * events are not repeated, so they get no loop extent. */
    /* `while (0)`, `do ... while (0)`: the condition never holds, the body never
     * runs again (statement macros end so; pthread_cleanup_pop releases there). */
    int never = !cursor_null(cond) && is_zero(cond);
    int once = is_do && never;
    if (!cursor_null(init)) {
        /* A for statement's init runs once, before the loop: not part of it. */
        rc_pos_t ip = pos_of(w, init);
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
    children(&w->tree, s, &kk);
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
            unsigned off = pos_of(w, kk.v[i]).off;
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
            walk_stmt(w, kk.v[i], st);
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
    children(&w->tree, s, &kk);
    if (kk.n < 2) {
        kids_free(&kk);
        return;
    }
    for (unsigned i = 0; i + 1 < kk.n; i++)
        walk_stmt(w, kk.v[i], st); /* the controlling expression */
    /* `switch (fork())`, `switch (pid)`: `case 0:` runs in the child. */
    int fk = has_fork(w) ? fork_value(w, kk.v[kk.n - 2], pos_of(w, s).off) : -1;
    if (fk >= 0)
        record_switch_child(w, fk, kk.v[kk.n - 1]);
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

static unsigned goto_target(const tree_t *t, CXCursor g)
{
    kids_t kk;
    children(t, g, &kk);
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

static void add_asg(walker_t *w, CXCursor var, CXCursor rhs, CXCursor at)
{
    if (!is_var(var) || is_global_var(var))
        return;
    GROW(w->asgs, w->nasgs, w->capasgs);
    local_asg_t *a = &w->asgs[w->nasgs++];
    a->var = usr_cached(&w->usrs, var);
    a->rhs = rhs;
    clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(at)), NULL, NULL, NULL,
                               &a->off);
    a->mask = 0;
}

/* One look at each node of the body (w->tree, in visit order) before the walk:
 * gotos that jump backwards, computed gotos, and every assignment of a local (for
 * dependency masks and for telling whether a pointer handed to a thread changes
 * per loop iteration). */
static void prescan(walker_t *w, CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_GotoStmt) {
        unsigned target = goto_target(&w->tree, c), here;
        clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), NULL, NULL, NULL,
                                   &here);
        if (target != UINT_MAX && target <= here)
            label_for(w, target)->backward = 1;
    } else if (k == CXCursor_IndirectGotoStmt) {
        w->indirect_goto = 1;
    } else if (k == CXCursor_VarDecl) {
        kids_t kk;
        children(&w->tree, c, &kk);
        CXCursor init = clang_getNullCursor();
        for (unsigned i = 0; i < kk.n; i++)
            if (is_expr(kk.v[i]))
                init = kk.v[i];
        kids_free(&kk);
        if (!cursor_null(init))
            add_asg(w, c, init, c);
    } else if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) {
        enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
        if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
            kids_t kk;
            children(&w->tree, c, &kk);
            if (kk.n == 2) {
                CXCursor lhs = strip(&w->tree, kk.v[0], 0);
                if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
                    add_asg(w, clang_getCursorReferenced(lhs), kk.v[1], c);
            }
            kids_free(&kk);
        }
    } else if (k == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
        if (op >= CXUnaryOperator_PostInc && op <= CXUnaryOperator_PreDec) {
            CXCursor in = strip(&w->tree, sole_expr_child(&w->tree, c), 0);
            if (clang_getCursorKind(in) == CXCursor_DeclRefExpr)
                add_asg(w, clang_getCursorReferenced(in), clang_getNullCursor(), c);
        }
    }
}

/* Dependency masks of the locals: a fixpoint over their assignments (flow-
 * insensitive: a local depends on what any of its assignments depends on). */
static void compute_masks(walker_t *w)
{
    for (int round = 0; round < 8; round++) {
        int changed = 0;
        for (size_t i = 0; i < w->nasgs; i++) {
            if (cursor_null(w->asgs[i].rhs))
                continue;
            uint32_t m = mask_of(w, w->asgs[i].rhs);
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

/* 1 when condition c is `v == k` / `k == v` (or `!v`) with k a constant and v a
 * value derived one-to-one from parameter 0: true for one value of the parameter. */
static int selects_one_arg(walker_t *w, CXCursor c)
{
    c = strip(&w->tree, c, 0);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot) {
        CXCursor in = sole_expr_child(&w->tree, c);
        return !cursor_null(in) && param_derived(w, in) == 0;
    }
    if (k != CXCursor_BinaryOperator || clang_getCursorBinaryOperatorKind(c) != CXBinaryOperator_EQ)
        return 0;
    kids_t kk;
    children(&w->tree, c, &kk);
    int one = kk.n == 2 && ((is_int_const(kk.v[1], NULL) && param_derived(w, kk.v[0]) == 0) ||
                            (is_int_const(kk.v[0], NULL) && param_derived(w, kk.v[1]) == 0));
    kids_free(&kk);
    return one;
}

/* Walks the statement that is the last child of S (a case or a label: what
 * comes before it is the case value or nothing). */
static void walk_last_child(walker_t *w, CXCursor s, rc_lset_t *st)
{
    kids_t kk;
    children(&w->tree, s, &kk);
    if (kk.n)
        walk_stmt(w, kk.v[kk.n - 1], st);
    kids_free(&kk);
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
        children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            walk_stmt(w, kk.v[i], st);
        kids_free(&kk);
        return;
    }
    case CXCursor_DeclStmt: {
        kids_t kk;
        children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++) {
            CXCursor d = kk.v[i];
            if (clang_getCursorKind(d) != CXCursor_VarDecl || is_global_var(d))
                continue; /* static locals are initialised before the program runs */
            kids_t vk;
            children(&w->tree, d, &vk);
            CXCursor init = clang_getNullCursor();
            for (unsigned j = 0; j < vk.n; j++)
                if (is_expr(vk.v[j]))
                    init = vk.v[j];
            kids_free(&vk);
            if (!cursor_null(init)) {
                imp_drop(w, usr_cached(&w->usrs, d), 0, st);
                note_local_assign(w, d, init);
                size_t nacc0 = w->fn ? w->fn->nacc : 0;
                eval_expr(w, init, st);
                note_result(w, d, init);
                record_local_assign(w, d, init, d, nacc0, 0, st);
                imp_trylock(w, usr_cached(&w->usrs, d), init, st);
            }
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_IfStmt: {
        kids_t kk;
        children(&w->tree, s, &kk);
        unsigned ci = 0;
        while (ci < kk.n && !is_expr(kk.v[ci]))
            walk_stmt(w, kk.v[ci++], st); /* C2y/C++ init-statements */
        if (ci < kk.n) {
            rc_lset_t t, f;
            if (ci + 1 < kk.n)
                record_guard(w, kk.v[ci], kk.v[ci + 1], st);
            eval_cond(w, kk.v[ci], st, &t, &f);
            int truth = 1;
            const char *cx = cond_local(w, kk.v[ci], &truth);
            if (cx)
                imp_apply(w, cx, truth, st, &t, &f);
            int saved_one = w->one_arg;
            if (w->record) /* only what is recorded carries the flag */
                w->one_arg |= selects_one_arg(w, kk.v[ci]);
            /* `if (pid == 0)`: one branch runs only in the forked child. */
            int child_then = 0,
                fk = has_fork(w) ? fork_test(w, kk.v[ci], pos_of(w, s).off, &child_then) : -1;
            if (fk >= 0 && ci + 2 - (unsigned)child_then < kk.n) {
                rc_pos_t bp = pos_of(w, kk.v[ci + 2 - (unsigned)child_then]);
                record_child(w, fk, bp.off, bp.end);
            }
            unsigned saved_child[4] = {w->child_lb, w->child_le, w->slot_lb, w->slot_le};
            if (ci + 1 < kk.n) {
                if (fk >= 0 && child_then)
                    enter_child(w, fk, kk.v[ci + 1]);
                walk_stmt(w, kk.v[ci + 1], &t);
                leave_child(w, saved_child);
            }
            /* `if (pid > 0) return pid;` (or `continue`): the rest runs in the child. */
            if (fk >= 0 && !child_then && ci + 2 >= kk.n && t.top)
                record_rest_child(w, fk, s);
            w->one_arg = saved_one;
            if (ci + 2 < kk.n) {
                if (fk >= 0 && !child_then)
                    enter_child(w, fk, kk.v[ci + 2]);
                walk_stmt(w, kk.v[ci + 2], &f);
                leave_child(w, saved_child);
            }
            *st = t;
            rc_lset_meet(st, &f);
            if (cx)
                imp_join(w, cx, truth, &t, &f, st);
        }
        kids_free(&kk);
        return;
    }
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt: {
        kids_t kk;
        children(&w->tree, s, &kk);
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
        eval_children(w, s, st);
        if (w->summarizing && !st->top) {
            /* `return mmap(..MAP_SHARED..)`, `return shm;`: callers get shared memory;
             * `return fork();`, `return pid;`: callers get a fork's result. */
            CXCursor rv = sole_expr_child(&w->tree, s);
            if (!cursor_null(rv)) {
                w->ret_shm[w->cur_index] |= (uint8_t)shm_value(w, rv, 0);
                w->ret_fork[w->cur_index] |= (uint8_t)fork_source(w, rv, 0);
            }
        }
        record_exit(w, s, 0, st);
        rc_lset_meet(&w->ret, st);
        rc_lset_top(st);
        return;
    case CXCursor_GotoStmt: {
        unsigned target = goto_target(&w->tree, s);
        if (target != UINT_MAX && w->record && !st->top) {
            rc_fn_facts_t *fn = w->fn;
            GROW(fn->jumps, fn->njumps, fn->capjumps);
            rc_exit_t *j = &fn->jumps[fn->njumps++];
            memset(j, 0, sizeof *j);
            j->pos = pos_of(w, s);
            j->target = target;
            j->held = recorded(w, st);
        }
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
        walk_last_child(w, s, st);
        return;
    }
    case CXCursor_NullStmt:
    case CXCursor_GCCAsmStmt:
    case CXCursor_MSAsmStmt:
        return;
    default: {
        kids_t kk;
        children(&w->tree, s, &kk);
        for (unsigned i = 0; i < kk.n; i++)
            if (clang_isStatement(clang_getCursorKind(kk.v[i])) || is_expr(kk.v[i]))
                walk_stmt(w, kk.v[i], st);
        kids_free(&kk);
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
 * call to it does to the caller's locks) into w->sums[index] and returns 1 if that
 * changed; otherwise records its facts. */
/* What a walk of a function computes (walk_function). */
enum walk_mode {
    WALK_SUMMARY = 1, /* its summary only */
    WALK_FACTS = 2,   /* its facts, with the summary computed before */
    WALK_BOTH = 3     /* both in one walk: every function it calls has its final summary */
};

/* The body of function definition fn, or a null cursor. */
static CXCursor fn_body(CXCursor fn)
{
    kids_t kk;
    children(NULL, fn, &kk);
    CXCursor body = clang_getNullCursor();
    for (unsigned i = 0; i < kk.n; i++)
        if (clang_getCursorKind(kk.v[i]) == CXCursor_CompoundStmt)
            body = kk.v[i];
    kids_free(&kk);
    return body;
}

/* Walks fn, whose body's tree is *t (lent to the walker for the walk), as summary
 * `index`; the facts go to slot *slot of the TU's functions. Returns 1 when the
 * summary changed. */
static int walk_function(walker_t *w, CXCursor fn, tree_t *t, uint32_t index, rc_fn_facts_t *slot,
                         enum walk_mode mode)
{
    CXCursor body = t->nodes[0].c;
    int summarize = (mode & WALK_SUMMARY) != 0, facts = (mode & WALK_FACTS) != 0;
    w->tree = *t;
    CXFile file = NULL;
    unsigned line, col;
    clang_getExpansionLocation(clang_getCursorLocation(fn), &file, &line, &col, NULL);
    rc_fn_facts_t *f = NULL;
    if (facts) {
        f = slot;
        memset(f, 0, sizeof *f);
        f->usr = usr_dup(w, fn);
        f->name = take(clang_getCursorSpelling(fn));
        f->line = line;
        f->col = col;
        f->file = file ? file_name(file) : rc_xstrdup(w->facts->file);
    }

    w->cur_fn = fn;
    w->summarizing = summarize;
    w->fn = f;
    w->file = file;
    size_t len = 0;
    w->text = file ? clang_getFileContents(w->tu, file, &len) : NULL;
    w->textlen = len;
    w->record = facts;
    w->loop_lb = w->loop_le = w->iloop_lb = w->iloop_le = 0;
    for (int i = 0; i < 4; i++)
        w->for_parts[i] = w->for_next[i] = clang_getNullCursor();
    w->nframes = 0;
    w->fix_depth = 0;
    w->child_lb = w->child_le = w->slot_lb = w->slot_le = 0;
    w->one_arg = 0;
    w->nlabels = 0;
    w->indirect_goto = 0;
    w->watch_key = NULL;
    w->watch_hit = 0;
    rc_lset_top(&w->ret);
    rc_lset_empty(&w->released);
    w->releases_all = 0;
    w->nasgs = 0;
    for (uint32_t i = 1; i < w->tree.n; i++) /* the body's descendants, pre-order */
        prescan(w, w->tree.nodes[i].c);
    compute_masks(w);
    w->cur_index = index;
    find_shm_locals(w);

    rc_lset_t st;
    rc_lset_empty(&st);
    walk_stmt(w, body, &st);
    record_exit(w, body, 1, &st);
    rc_lset_meet(&w->ret, &st);

    for (size_t i = 0; i < w->naliases; i++) {
        free(w->aliases[i].var);
        free(w->aliases[i].usr);
        free(w->aliases[i].name);
    }
    w->naliases = 0;
    *t = w->tree; /* with the locations it cached */
    memset(&w->tree, 0, sizeof w->tree);
    int changed = 0;
    if (summarize) {
        summary_t sum;
        memset(&sum, 0, sizeof sum);
        sum.noreturn = w->ret.top;
        if (!sum.noreturn)
            sum.acq = lset_for_facts(w, &w->ret);
        sum.rel = w->released;
        sum.rel_all = w->releases_all;
        changed = !summary_equal(&w->sums[index], &sum);
        w->sums[index] = sum;
    }
    if (facts)
        f->summary = w->sums[index];
    return changed;
}

typedef struct fnlist {
    CXCursor *v;
    size_t n, cap;
} fnlist_t;

typedef struct init_scan {
    rc_tu_facts_t *tf;
    char *var; /* USR of the global when it is a function pointer, else NULL */
} init_scan_t;

/* In a global's initialiser: every function named escapes (a callback table), and
 * a function pointer global may hold it. */
static enum CXChildVisitResult scan_init(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    init_scan_t *is = d;
    CXCursor f = clang_getCursorReferenced(c);
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
        clang_getCursorKind(f) == CXCursor_FunctionDecl) {
        rc_tu_facts_t *tf = is->tf;
        char *usr = take(clang_getCursorUSR(f));
        if (is->var)
            add_gfp(tf, is->var, usr);
        if (tf->nesc == tf->capesc) {
            tf->capesc = tf->capesc ? tf->capesc * 2 : 8;
            tf->esc_fns = rc_xrealloc(tf->esc_fns, tf->capesc * sizeof *tf->esc_fns);
            tf->esc_types = rc_xrealloc(tf->esc_types, tf->capesc * sizeof *tf->esc_types);
        }
        tf->esc_types[tf->nesc] = fn_type_of(clang_getCursorType(f));
        tf->esc_fns[tf->nesc++] = usr;
    }
    return CXChildVisit_Recurse;
}

typedef struct top_scan {
    fnlist_t *fns;
    rc_tu_facts_t *tf;
} top_scan_t;

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    top_scan_t *ts = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if ((k != CXCursor_FunctionDecl && k != CXCursor_VarDecl) || !clang_isCursorDefinition(c))
        return CXChildVisit_Continue;
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    if (k == CXCursor_VarDecl) {
        char *type = fn_type_of(clang_getCursorType(c));
        init_scan_t is = {ts->tf, type ? take(clang_getCursorUSR(c)) : NULL};
        free(type);
        clang_visitChildren(c, scan_init, &is);
        free(is.var);
        return CXChildVisit_Continue;
    }
    fnlist_t *l = ts->fns;
    GROW(l->v, l->n, l->cap);
    l->v[l->n++] = c;
    return CXChildVisit_Continue;
}

/* Frees what one function's facts own, and clears them. */
static void fn_facts_free(rc_fn_facts_t *f)
{
    for (size_t j = 0; j < f->nacc; j++) {
        free(f->acc[j].key);
        free(f->acc[j].name);
        free(f->acc[j].text);
    }
    for (size_t j = 0; j < f->ncalls; j++) {
        free(f->calls[j].callee);
        free(f->calls[j].callee_name);
        free(f->calls[j].fn_type);
        free(f->calls[j].fn_global);
        free(f->calls[j].once);
        for (int a = 0; a < f->calls[j].nargs; a++) {
            free(f->calls[j].arg_keys[a]);
            free(f->calls[j].arg_fns[a]);
            free(f->calls[j].arg_handles[a]);
        }
        free(f->calls[j].arg_handles);
        free(f->calls[j].arg_keys);
        free(f->calls[j].arg_fns);
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
    for (size_t j = 0; j < f->naddr; j++) {
        free(f->addr_taken[j]);
        free(f->addr_types[j]);
    }
    free(f->addr_types);
    free(f->acc);
    free(f->calls);
    free(f->creates);
    free(f->joins);
    free(f->lockops);
    free(f->exits);
    free(f->jumps);
    for (size_t j = 0; j < f->nucalls; j++) {
        free(f->ucalls[j].name);
        free(f->ucalls[j].state);
        free(f->ucalls[j].alternative);
    }
    free(f->ucalls);
    for (size_t j = 0; j < f->nwaits; j++)
        free(f->waits[j].api);
    free(f->waits);
    for (size_t j = 0; j < f->nlcalls; j++)
        free(f->lcalls[j].name);
    free(f->lcalls);
    free(f->guards);
    for (size_t j = 0; j < f->nsighands; j++) {
        free(f->sighands[j].handler);
        free(f->sighands[j].handler_name);
        free(f->sighands[j].api);
    }
    free(f->sighands);
    for (size_t j = 0; j < f->npcalls; j++) {
        free(f->pcalls[j].api);
        free(f->pcalls[j].target);
        free(f->pcalls[j].obj);
        free(f->pcalls[j].attr);
        free(f->pcalls[j].text);
    }
    free(f->pcalls);
    free(f->children);
    for (size_t j = 0; j < f->nyields; j++)
        free(f->yields[j].api);
    free(f->yields);
    for (size_t j = 0; j < f->nlflows; j++) {
        free(f->lflows[j].local);
        free(f->lflows[j].name);
    }
    free(f->lflows);
    free(f->addr_taken);
    free(f->usr);
    free(f->name);
    free(f->file);
    memset(f, 0, sizeof *f);
}

/* The summary indexes of the TU's functions that the body in tree t names
 * (called, or taken as a value that a call through a local pointer may reach):
 * what its walk needs the summaries of. Appended to *out (deduplicated). */
static void named_functions(walker_t *w, const tree_t *t, uint32_t **out, size_t *n, size_t *cap)
{
    size_t from = *n;
    for (uint32_t i = 1; i < t->n; i++) {
        if (t->nodes[i].c.kind != CXCursor_DeclRefExpr)
            continue;
        CXCursor d = clang_getCursorReferenced(t->nodes[i].c);
        if (d.kind != CXCursor_FunctionDecl)
            continue;
        uint32_t si = rc_strtab_lookup(&w->sum_usrs, usr_cached(&w->usrs, d));
        if (si == UINT32_MAX)
            continue;
        int dup = 0;
        for (size_t k = from; k < *n && !dup; k++)
            dup = (*out)[k] == si;
        if (!dup) {
            GROW(*out, *n, *cap);
            (*out)[(*n)++] = si;
        }
    }
}

/* Strongly connected components of the "names" graph over summary indexes
 * (Tarjan's algorithm, iterative): comp[v] numbers v's component, components
 * numbered callees first (a component's number is above those of every
 * component it names). Returns how many. */
static uint32_t components(uint32_t nv, const size_t *first, const uint32_t *edges, uint32_t *comp)
{
    uint32_t *index = rc_xmalloc((nv ? nv : 1) * sizeof *index);
    uint32_t *low = rc_xmalloc((nv ? nv : 1) * sizeof *low);
    uint32_t *stack = rc_xmalloc((nv ? nv : 1) * sizeof *stack);
    uint8_t *on = rc_xcalloc(nv ? nv : 1, 1);
    uint32_t *cv = rc_xmalloc((nv ? nv : 1) * sizeof *cv); /* call stack: vertex */
    size_t *ce = rc_xmalloc((nv ? nv : 1) * sizeof *ce);   /* and its next edge */
    for (uint32_t v = 0; v < nv; v++)
        index[v] = UINT32_MAX;
    uint32_t next = 0, ns = 0, ncomp = 0;
    for (uint32_t root = 0; root < nv; root++) {
        if (index[root] != UINT32_MAX)
            continue;
        uint32_t depth = 0;
        cv[depth] = root;
        ce[depth++] = first[root];
        index[root] = low[root] = next++;
        stack[ns++] = root;
        on[root] = 1;
        while (depth) {
            uint32_t v = cv[depth - 1];
            if (ce[depth - 1] < first[v + 1]) {
                uint32_t u = edges[ce[depth - 1]++];
                if (index[u] == UINT32_MAX) {
                    index[u] = low[u] = next++;
                    stack[ns++] = u;
                    on[u] = 1;
                    cv[depth] = u;
                    ce[depth++] = first[u];
                } else if (on[u] && index[u] < low[v]) {
                    low[v] = index[u];
                }
                continue;
            }
            depth--;
            if (depth && low[v] < low[cv[depth - 1]])
                low[cv[depth - 1]] = low[v];
            if (low[v] == index[v]) {
                uint32_t u;
                do {
                    u = stack[--ns];
                    on[u] = 0;
                    comp[u] = ncomp;
                } while (u != v);
                ncomp++;
            }
        }
    }
    free(index);
    free(low);
    free(stack);
    free(on);
    free(cv);
    free(ce);
    return ncomp;
}

#define MAX_SUMMARY_ROUNDS 8

/* Callees first: the functions of the TU are walked in an order where every
 * function a body names has its final summary by then (components of the
 * "names" graph, callees first), so that one walk gives a function's summary
 * and its facts together. Only mutually recursive functions are walked more
 * than once: their summaries until nothing changes (at most
 * MAX_SUMMARY_ROUNDS), then their facts. Each body's tree is built once. */
static void walk_tu(walker_t *w)
{
    fnlist_t fns = {0};
    top_scan_t ts = {&fns, w->facts};
    clang_visitChildren(clang_getTranslationUnitCursor(w->tu), visit_top, &ts);
    w->sums = rc_xcalloc(fns.n ? fns.n : 1, sizeof *w->sums);
    w->ret_shm = rc_xcalloc(fns.n ? fns.n : 1, 1);
    w->ret_fork = rc_xcalloc(fns.n ? fns.n : 1, 1);
    w->sum_final = rc_xcalloc(fns.n ? fns.n : 1, 1);
    /* fn[k]: the definition of summary index k (a second definition of the same
     * function cannot compile and is left out). */
    CXCursor *fn = rc_xmalloc((fns.n ? fns.n : 1) * sizeof *fn);
    for (size_t i = 0; i < fns.n; i++) {
        char *usr = usr_dup(w, fns.v[i]);
        uint32_t before = w->sum_usrs.n;
        if (rc_strtab_intern(&w->sum_usrs, usr) == before) {
            rc_lset_empty(&w->sums[before].acq);
            fn[before] = fns.v[i];
        }
        free(usr);
    }
    free(fns.v);
    uint32_t nv = w->sum_usrs.n;
    tree_t *trees = rc_xcalloc(nv ? nv : 1, sizeof *trees);
    size_t *first = rc_xmalloc((nv + 1) * sizeof *first);
    uint32_t *edges = NULL;
    size_t nedges = 0, capedges = 0;
    for (uint32_t k = 0; k < nv; k++) {
        first[k] = nedges;
        CXCursor body = fn_body(fn[k]);
        if (cursor_null(body))
            continue;
        tree_build(&trees[k], body);
        named_functions(w, &trees[k], &edges, &nedges, &capedges);
    }
    first[nv] = nedges;
    uint32_t *comp = rc_xmalloc((nv ? nv : 1) * sizeof *comp);
    uint32_t ncomp = components(nv, first, edges, comp);
    /* Members of each component, contiguous, components in walk order. */
    uint32_t *cstart = rc_xcalloc(ncomp + 1, sizeof *cstart), *order = NULL;
    for (uint32_t k = 0; k < nv; k++)
        cstart[comp[k] + 1]++;
    for (uint32_t c = 0; c < ncomp; c++)
        cstart[c + 1] += cstart[c];
    order = rc_xmalloc((nv ? nv : 1) * sizeof *order);
    uint32_t *fill = rc_xmalloc((ncomp ? ncomp : 1) * sizeof *fill);
    memcpy(fill, cstart, (ncomp ? ncomp : 1) * sizeof *fill);
    for (uint32_t k = 0; k < nv; k++)
        order[fill[comp[k]]++] = k;
    free(fill);
    /* Facts slots in the order of the definitions; those without a body are
     * dropped at the end. */
    rc_tu_facts_t *tf = w->facts;
    tf->fns = rc_xcalloc(nv ? nv : 1, sizeof *tf->fns);
    tf->capfns = nv ? nv : 1;
    for (uint32_t c = 0; c < ncomp; c++) {
        uint32_t lo = cstart[c], hi = cstart[c + 1];
        int recursive = hi - lo > 1;
        for (size_t e = first[order[lo]]; e < first[order[lo] + 1] && !recursive; e++)
            recursive = edges[e] == order[lo];
        if (!recursive) {
            uint32_t k = order[lo];
            if (trees[k].n)
                walk_function(w, fn[k], &trees[k], k, &tf->fns[k], WALK_BOTH);
            w->sum_final[k] = 1;
        } else {
            /* The first round records the facts as well: when no summary changes
             * in it, every walk saw the final summaries and the facts hold
             * (recursion that takes no lock, the usual case). */
            int any = 0;
            for (uint32_t i = lo; i < hi; i++)
                if (trees[order[i]].n)
                    any |= walk_function(w, fn[order[i]], &trees[order[i]], order[i],
                                         &tf->fns[order[i]], WALK_BOTH);
            int redo = any;
            for (int round = 1; any && round < MAX_SUMMARY_ROUNDS; round++) {
                any = 0;
                for (uint32_t i = lo; i < hi; i++)
                    if (trees[order[i]].n)
                        any |= walk_function(w, fn[order[i]], &trees[order[i]], order[i], NULL,
                                             WALK_SUMMARY);
            }
            for (uint32_t i = lo; i < hi; i++)
                w->sum_final[order[i]] = 1;
            for (uint32_t i = lo; i < hi && redo; i++)
                if (trees[order[i]].n) {
                    fn_facts_free(&tf->fns[order[i]]);
                    walk_function(w, fn[order[i]], &trees[order[i]], order[i], &tf->fns[order[i]],
                                  WALK_FACTS);
                }
        }
        for (uint32_t i = lo; i < hi; i++)
            tree_free(&trees[order[i]]);
    }
    for (uint32_t k = 0; k < nv; k++)
        if (tf->fns[k].usr)
            tf->fns[tf->nfns++] = tf->fns[k];
    free(trees);
    free(first);
    free(edges);
    free(comp);
    free(cstart);
    free(order);
    free(fn);
}

void rc_tu_facts_close(rc_tu_facts_t *tf)
{
    for (size_t i = 0; i < tf->nfns; i++)
        fn_facts_free(&tf->fns[i]);
    free(tf->fns);
    free(tf->file);
    for (size_t i = 0; i < tf->nesc; i++) {
        free(tf->esc_fns[i]);
        free(tf->esc_types[i]);
    }
    free(tf->esc_fns);
    free(tf->esc_types);
    for (size_t i = 0; i < tf->ngfp; i++) {
        free(tf->gfp_var[i]);
        free(tf->gfp_fn[i]);
    }
    free(tf->gfp_var);
    free(tf->gfp_fn);
    for (size_t i = 0; i < tf->next; i++)
        free(tf->ext_callees[i]);
    free(tf->ext_callees);
    for (size_t i = 0; i < tf->ndeps; i++)
        free(tf->deps[i]);
    free(tf->deps);
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

typedef struct inclusions {
    rc_tu_facts_t *tf;
    rc_strtab_t seen; /* the names in tf->deps */
} inclusions_t;

/* Records each file the TU read, once (the source first: libclang visits it at
 * depth 0). */
static void note_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
    (void)stack;
    (void)depth;
    inclusions_t *in = d;
    rc_tu_facts_t *tf = in->tf;
    char *name = file_name(f);
    if (!name)
        return;
    uint32_t n = in->seen.n;
    if (rc_strtab_intern(&in->seen, name) != n) {
        free(name);
        return;
    }
    GROW(tf->deps, tf->ndeps, tf->capdeps);
    tf->deps[tf->ndeps++] = name;
}

int rc_frontend_run(void *index, const rc_models_t *models, const rc_imports_t *imports,
                    const rc_tu_job_t *job, rc_tu_facts_t *facts, rc_tu_status_t *st)
{
    memset(facts, 0, sizeof *facts);
    st->ok = 0;
    st->message = NULL;
    if (access(job->file, R_OK) != 0) {
        /* Scan workers run this in parallel: strerror's buffer is shared
         * (GNU strerror_r, _GNU_SOURCE is set by the build). */
        char eb[128];
        st->message = rc_xasprintf("%s: error: cannot read the file: %s\n", job->file,
                                   strerror_r(errno, eb, sizeof eb));
        return RC_EPARSE;
    }
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
    w.imports = imports;
    w.facts = facts;
    w.unknown_lock = intern_lock(&w, UNKNOWN_LOCK, "an unidentified lock");
    walk_tu(&w);
    free(w.frames);
    tree_free(&w.tree);
    usr_cache_close(&w.usrs);
    free(w.asgs);
    free(w.sums);
    free(w.ret_shm);
    free(w.ret_fork);
    free(w.sum_final);
    rc_strtab_close(&w.shm_locals);
    for (uint32_t i = 0; i < w.ext.n; i++)
        if (rc_strtab_lookup(&w.sum_usrs, w.ext.v[i]) == UINT32_MAX) {
            GROW(facts->ext_callees, facts->next, facts->capext);
            facts->ext_callees[facts->next++] = rc_xstrdup(w.ext.v[i]);
        }
    rc_strtab_close(&w.ext);
    rc_strtab_close(&w.sum_usrs);
    rc_strtab_close(&w.addr_locals);
    rc_strtab_close(&w.esc_locals);
    alias_reset(&w);
    free(w.aliases);
    free(w.labels);
    inclusions_t in = {facts, {0}};
    clang_getInclusions(tu, note_inclusion, &in);
    rc_strtab_close(&in.seen);
    clang_disposeTranslationUnit(tu);
    st->ok = 1;
    return RC_OK;
}
