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
 *   label                fall-through ∩ gotos: the gotos back to it as they settle
 *                        over a few walks that record nothing (fe_settle_labels);
 *                        ∅ when they do not settle or a computed goto may reach it
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
 *
 * Files: this one walks the TU's functions (walk_tu) and parses; the walker
 * itself is in walk*.c behind walk.h, which lists what each file holds.
 */

#include "walk.h"

#include <errno.h>
#include <unistd.h>

#ifndef RC_CLANG_RESOURCE_DIR
#define RC_CLANG_RESOURCE_DIR "/usr/lib/llvm-19/lib/clang/19"
#endif

#define UNKNOWN_LOCK "?"

/* What a walk of a function computes (walk_function). */
enum walk_mode {
    WALK_SUMMARY = 1, /* its summary only */
    WALK_FACTS = 2,   /* its facts, with the summary computed before */
    WALK_BOTH = 3     /* both in one walk: every function it calls has its final summary */
};

typedef struct fnlist {
    CXCursor *v;
    size_t n, cap;
} fnlist_t;

typedef struct init_scan {
    rc_tu_facts_t *tf;
    char *var; /* USR of the global when it is a function pointer, else NULL */
} init_scan_t;

typedef struct top_scan {
    fnlist_t *fns;
    rc_tu_facts_t *tf;
} top_scan_t;

#define MAX_SUMMARY_ROUNDS 8

typedef struct inclusions {
    rc_tu_facts_t *tf;
    rc_strtab_t seen; /* the names in tf->deps */
} inclusions_t;

static char *file_name(CXFile f)
{
    char *real = fe_take(clang_File_tryGetRealPathName(f));
    if (*real)
        return real;
    free(real);
    return fe_take(clang_getFileName(f));
}

/* The body of function definition fn, or a null cursor. */
static CXCursor fn_body(CXCursor fn)
{
    kids_t kk;
    fe_children(NULL, fn, &kk);
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
        f->usr = fe_usr_dup(w, fn);
        f->name = fe_take(clang_getCursorSpelling(fn));
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
        fe_prescan(w, w->tree.nodes[i].c);
    fe_compute_masks(w);
    w->cur_index = index;
    fe_find_shm_locals(w);

    rc_lset_t st;
    rc_lset_empty(&st);
    /* A function that runs as a whole holding a program-wide lock (models'
     * atomic_function_prefixes): held from its entry to its exits, as if its
     * callers took and released it around the call. */
    uint32_t atomic = UINT32_MAX;
    if (w->models->natomic) {
        char *name = fe_take(clang_getCursorSpelling(fn));
        const char *lock = rc_models_atomic_lock(w->models, name);
        if (lock)
            atomic = fe_global_lock(w, lock);
        free(name);
    }
    if (atomic != UINT32_MAX)
        rc_lset_add(&st, atomic, 0);
    fe_settle_labels(w, body, &st);
    fe_walk_stmt(w, body, &st);
    fe_record_exit(w, body, 1, &st);
    rc_lset_meet(&w->ret, &st);
    if (atomic != UINT32_MAX && !w->ret.top)
        rc_lset_remove(&w->ret, atomic);

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
            sum.acq = fe_lset_for_facts(w, &w->ret);
        sum.rel = w->released;
        sum.rel_all = w->releases_all;
        changed = !fe_summary_equal(&w->sums[index], &sum);
        w->sums[index] = sum;
    }
    if (facts)
        f->summary = w->sums[index];
    return changed;
}

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
        char *usr = fe_take(clang_getCursorUSR(f));
        if (is->var)
            fe_add_gfp(tf, is->var, usr);
        if (tf->nesc == tf->capesc) {
            tf->capesc = tf->capesc ? tf->capesc * 2 : 8;
            tf->esc_fns = rc_xrealloc(tf->esc_fns, tf->capesc * sizeof *tf->esc_fns);
            tf->esc_types = rc_xrealloc(tf->esc_types, tf->capesc * sizeof *tf->esc_types);
        }
        tf->esc_types[tf->nesc] = fe_fn_type_of(clang_getCursorType(f));
        tf->esc_fns[tf->nesc++] = usr;
    }
    return CXChildVisit_Recurse;
}

/* A global mutex (or array of them) whose initialiser is written with a typed
 * static initialiser, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP or
 * PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP (any identifier of the initialiser's
 * tokens naming RECURSIVE or ERRORCHECK): recorded in tf->typed_locks by USR. */
static void note_typed_lock(rc_tu_facts_t *tf, CXCursor var)
{
    char *type = fe_take(clang_getTypeSpelling(clang_getCursorType(var)));
    int mutex = strstr(type, "pthread_mutex_t") != NULL;
    free(type);
    if (!mutex)
        return;
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(var);
    CXToken *toks = NULL;
    unsigned n = 0;
    clang_tokenize(tu, clang_getCursorExtent(var), &toks, &n);
    int typed = 0, init = 0;
    for (unsigned i = 0; i < n && !typed; i++) {
        CXTokenKind k = clang_getTokenKind(toks[i]);
        if (k != CXToken_Punctuation && k != CXToken_Identifier)
            continue;
        CXString sp = clang_getTokenSpelling(tu, toks[i]);
        const char *t = clang_getCString(sp);
        if (k == CXToken_Punctuation && strcmp(t, "=") == 0)
            init = 1;
        else if (init && k == CXToken_Identifier &&
                 (strstr(t, "RECURSIVE") || strstr(t, "ERRORCHECK")))
            typed = 1;
        clang_disposeString(sp);
    }
    if (toks)
        clang_disposeTokens(tu, toks, n);
    if (!typed)
        return;
    GROW(tf->typed_locks, tf->ntyped, tf->captyped);
    tf->typed_locks[tf->ntyped++] = fe_take(clang_getCursorUSR(var));
}

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
        note_typed_lock(ts->tf, c);
        char *type = fe_fn_type_of(clang_getCursorType(c));
        init_scan_t is = {ts->tf, type ? fe_take(clang_getCursorUSR(c)) : NULL};
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
        free(f->calls[j].passed_to);
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
        free(c->trip_var);
    }
    for (size_t j = 0; j < f->njoins; j++)
        free(f->joins[j].handle);
    for (size_t j = 0; j < f->naddr; j++) {
        free(f->addr_taken[j]);
        free(f->addr_types[j]);
    }
    free(f->addr_types);
    free(f->addr_passed);
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
        uint32_t si = fe_sum_index(w, d);
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
    w->ret_new = rc_xcalloc(fns.n ? fns.n : 1, 1);
    w->sum_final = rc_xcalloc(fns.n ? fns.n : 1, 1);
    /* fn[k]: the definition of summary index k (a second definition of the same
     * function cannot compile and is left out). */
    CXCursor *fn = rc_xmalloc((fns.n ? fns.n : 1) * sizeof *fn);
    for (size_t i = 0; i < fns.n; i++) {
        char *usr = fe_usr_dup(w, fns.v[i]);
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
        fe_tree_build(&trees[k], body);
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
            fe_tree_free(&trees[order[i]]);
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
    for (size_t i = 0; i < tf->ntyped; i++)
        free(tf->typed_locks[i]);
    free(tf->typed_locks);
    for (size_t i = 0; i < tf->nself; i++) {
        free(tf->self_vars[i]);
        free(tf->self_fns[i]);
    }
    free(tf->self_vars);
    free(tf->self_fns);
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
static const char **build_argv(const rc_tu_job_t *job, char **drop, int ndrop, const char *compat,
                               int *argc_out, char ***owned, int *nowned)
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
    if (compat) {
        av[n++] = "-isystem";
        av[n++] = compat;
    }
    for (int i = 0; i < nlenient; i++)
        av[n++] = lenient[i];
    av[n++] = "-w"; /* only errors matter; warnings (and -Werror) are the compiler's business */
    *argc_out = n;
    *owned = own;
    *nowned = no;
    return av;
}

/* Parses job, leaving out the arguments in drop, with the directory compat
 * (or NULL) first among the system headers. */
static enum CXErrorCode parse(void *index, const rc_tu_job_t *job, char **drop, int ndrop,
                              const char *compat, CXTranslationUnit *tu)
{
    int argc = 0, nowned = 0;
    char **owned = NULL;
    const char **argv = build_argv(job, drop, ndrop, compat, &argc, &owned, &nowned);
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
            char *text = fe_take(clang_getDiagnosticSpelling(d));
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

/* 1 when an error of tu is clang's stdatomic.h refusing a plain object that
 * gcc's takes (`atomic_load(&plain_int)`). */
static int wants_gcc_atomics(CXTranslationUnit tu)
{
    int found = 0;
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < nd && !found; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            char *text = fe_take(clang_getDiagnosticSpelling(d));
            found = strstr(text, "atomic operation must be a pointer to _Atomic type") != NULL;
            free(text);
        }
        clang_disposeDiagnostic(d);
    }
    return found;
}

static void append_diag(rc_strbuf_t *b, CXDiagnostic d, const char *fallback_file)
{
    CXFile f = NULL;
    unsigned line = 0, col = 0;
    clang_getExpansionLocation(clang_getDiagnosticLocation(d), &f, &line, &col, NULL);
    char *fname = f ? fe_take(clang_getFileName(f)) : rc_xstrdup(fallback_file);
    char *text = fe_take(clang_getDiagnosticSpelling(d));
    if (line)
        rc_strbuf_appendf(b, "%s:%u:%u: error: %s\n", fname, line, col, text);
    else
        rc_strbuf_appendf(b, "%s: error: %s\n", fname, text);
    free(fname);
    free(text);
}

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
    enum CXErrorCode ec = parse(index, job, NULL, 0, NULL, &tu);
    char **drop = NULL;
    int ndrop = ec == CXError_Success && tu ? rejected_args(tu, &drop) : 0;
    if (ndrop > 0) {
        clang_disposeTranslationUnit(tu);
        ec = parse(index, job, drop, ndrop, NULL, &tu);
    }
    /* Code written for gcc's atomics: once more with the compatible headers. */
    if (ec == CXError_Success && tu && models->compat_include && wants_gcc_atomics(tu)) {
        clang_disposeTranslationUnit(tu);
        ec = parse(index, job, drop, ndrop, models->compat_include, &tu);
    }
    for (int i = 0; i < ndrop; i++)
        free(drop[i]);
    free(drop);
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
    w.unknown_lock = fe_intern_lock(&w, UNKNOWN_LOCK, "an unidentified lock");
    walk_tu(&w);
    free(w.frames);
    fe_tree_free(&w.tree);
    fe_usr_cache_close(&w.usrs);
    free(w.asgs);
    free(w.sums);
    free(w.ret_shm);
    free(w.ret_fork);
    free(w.ret_new);
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
    rc_strtab_close(&w.escp_locals);
    free(w.escp_from);
    free(w.escp_fresh);
    fe_alias_reset(&w);
    free(w.aliases);
    free(w.labels);
    inclusions_t in = {facts, {0}};
    clang_getInclusions(tu, note_inclusion, &in);
    rc_strtab_close(&in.seen);
    clang_disposeTranslationUnit(tu);
    st->ok = 1;
    return RC_OK;
}
