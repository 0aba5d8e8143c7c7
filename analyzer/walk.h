/*
 * walk.h - the walker's private interface: the types and helpers that the
 * files of the libclang front end share. Nothing outside analyzer/frontend.c
 * and analyzer/walk*.c includes it; rc_frontend_run (internal.h) is the front
 * end's whole interface to the rest of the analyzer.
 *
 *   frontend.c     the design (its opening comment), the functions of a TU in
 *                  callees-first order, parsing, rc_frontend_run
 *   walk.c         the statement tree, cursor and type helpers, USR cache,
 *                  positions and source text
 *   walk_stmt.c    statements: the lockset's abstract interpretation
 *   walk_expr.c    expressions: lvalues, location keys, recording accesses
 *   walk_call.c    calls: API models, function pointers, summaries applied
 *   walk_locks.c   lock naming, acquire/release, pseudo-locks, summaries,
 *                  trylock outcomes and conditions
 *   walk_locals.c  locals: aliases, dependency masks, value flows
 *   walk_proc.c    processes: shared memory, fork results, child extents
 *
 * Functions shared between these files are named fe_* and have hidden
 * visibility: they are not part of any library interface.
 */
#ifndef RC_ANALYZER_WALK_H
#define RC_ANALYZER_WALK_H

#include "internal.h"

#include <clang-c/Index.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define RC_HIDDEN __attribute__((visibility("hidden")))

/* Slots of a lockset that order marks leave to locks: a mark is dropped (it only
 * orders less) rather than crowd out a lock acquired later. */
#define MARK_ROOM 4

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 8;                                                           \
            (arr) = rc_xrealloc((arr), (cap) * sizeof *(arr));                                     \
        }                                                                                          \
    } while (0)

/* Dependency masks (local_asg_t.mask). */
#define DEP_OTHER (1u << 31)
#define DEP_NONINJ (1u << 30)
#define DEP_LOADED (1u << 29)
#define DEP_PARAMS (DEP_LOADED - 1u)

/* Deeper expression nesting is not followed. Real code stays far below it;
 * the guard is for trees in which a node turns up again below itself (seen
 * in libclang's trees of some valid code), which would recurse without end. */
#define RC_MAX_EXPR_DEPTH 1000

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

/* Where a node is: the expansion locations of its extent's ends (fe_pos_of and
 * fe_text_of ask for the same nodes again on every pass over a loop). */
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
 * DEP_NONINJ = a many-to-one operation (%, /, &, ...) was applied, DEP_LOADED =
 * a pointer was read through it (`q->head`: another object than *q). */
typedef struct local_asg {
    const char *var; /* USR, interned by the walker's usr_cache (compare pointers) */
    CXCursor rhs;
    unsigned off;
    uint32_t mask; /* dependency mask of the variable (shared by its entries) */
} local_asg_t;

typedef struct label_state {
    unsigned off; /* offset of the LabelStmt */
    rc_lset_t ls; /* meet of the gotos to it met so far in this walk */
    int backward; /* some goto after it jumps back to it */
    /* For a backward label: the meet of all its gotos in the previous walk of
     * the function (fe_settle_labels), used when use_prev is set. */
    rc_lset_t prev;
    int use_prev;
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
 * pointer. They live until the TU is done (fe_usr_cache_close). */
typedef struct usr_cache {
    CXCursor *keys;
    const char **usrs; /* into strs; NULL = empty slot */
    uint32_t n, cap;   /* cap: 0 or a power of 2 */
    rc_strtab_t strs;
} usr_cache_t;

typedef struct walker {
    CXTranslationUnit tu;
    tree_t tree; /* the current function's body */
    usr_cache_t usrs;
    CXCursor cur_fn;
    /* The current function's locals whose address it takes (not used by
     * correlated conditions, fe_cond_local), and those of them it passes to a
     * thread it starts (`pthread_create(&t, 0, worker, &i)`: shared with that
     * thread, thread_escaped). Computed on first need by fe_scan_locals; locals_fn
     * is the function they belong to. */
    rc_strtab_t addr_locals, esc_locals;
    /* Local pointers given one value only, which the function hands to a thread
     * it starts, outside any loop that gives them that value (`struct job *j =
     * malloc(..); pthread_create(&t, 0, worker, j);`): from the creation on (or
     * from the start of the outermost loop around it, escp_from by index), the
     * object they point to is shared with that thread, keyed "*<USR>" like a
     * global pointer's (global_pointee). Before, it is the function's own: each
     * run of the function may give the pointer a new object. Also from
     * fe_scan_locals. */
    rc_strtab_t escp_locals;
    unsigned *escp_from;
    uint8_t *escp_fresh; /* by index: its value is a new object (a call the models
                            say returns_new) handed to one thread per run of the
                            function (one creation, outside loops) */
    /* Local pointers that only ever hold the address of one global object
     * (`struct stats *s = &g_stats;`), and its key (NULL: assigned anything
     * else too, or its address is taken), by index in alias_locals; also from
     * fe_scan_locals. */
    rc_strtab_t alias_locals;
    char **alias_keys;
    uint32_t alias_live; /* how many alias_keys are not NULL */
    CXCursor locals_fn;
    /* Parameters through which the current function takes a lock (`&p->lock`,
     * bit i = parameter i; fe_locked_params), computed for locked_fn. */
    uint32_t locked_params;
    CXCursor locked_fn;
    int passing_fn;  /* evaluating an argument of a call to a function the TU does not
                        define: a function's address taken there is passed to it */
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
    unsigned depth;         /* fe_eval_expr nesting (see RC_MAX_EXPR_DEPTH) */
    rc_strtab_t shm_locals; /* locals holding memory shared between processes (USRs) */
    uint8_t *ret_shm;       /* per summary index: the function returns such memory */
    uint8_t *ret_fork;      /* per summary index: the function returns a fork's result */
    uint8_t *ret_new;       /* per summary index: RET_NEW_SOME when a return gives a new
                               object (fe_new_object), RET_NEW_OTHER when one gives
                               anything else but NULL: a constructor is SOME alone */
    uint8_t *sum_final;     /* per summary index: the summary will not change any more */
    uint32_t cur_index;     /* summary index of the function being walked */
    /* Inside the child branch of a fork made in a loop: the branch's extent and
     * the fork's innermost loop (all 0 elsewhere), for per-child slots. */
    unsigned child_lb, child_le, slot_lb, slot_le;
} walker_t;

typedef struct targets {
    char **usr, **name;
    size_t n, cap;
} targets_t;

/* clang_equalCursors without the call: kinds and the three data words equal, the
 * second word ignored for declarations (libclang 19 sets it, "first in its
 * declaration group", only on some paths to a declaration). The walker compares
 * and hashes hundreds of thousands of cursors per large TU. */
static inline int is_decl_kind(enum CXCursorKind k)
{
    return (k >= CXCursor_FirstDecl && k <= CXCursor_LastDecl) ||
           (k >= CXCursor_FirstExtraDecl && k <= CXCursor_LastExtraDecl);
}

/* 1 when lock id is an order mark (internal.h): once, barrier, join,
 * acquisition or failed creation. */
static inline int fe_is_mark_id(const char *id)
{
    return strncmp(id, RC_ONCE_PREFIX, strlen(RC_ONCE_PREFIX)) == 0 ||
           strncmp(id, RC_BARRIER_PREFIX, strlen(RC_BARRIER_PREFIX)) == 0 ||
           strncmp(id, RC_JOIN_PREFIX, strlen(RC_JOIN_PREFIX)) == 0 ||
           strncmp(id, RC_ACQ_PREFIX, strlen(RC_ACQ_PREFIX)) == 0 ||
           strncmp(id, RC_NOSTART_PREFIX, strlen(RC_NOSTART_PREFIX)) == 0;
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

static inline const tnode_t *tree_find(const tree_t *t, CXCursor c)
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

static inline void kids_free(kids_t *k)
{
    if (k->owned)
        free(k->v);
    k->v = NULL;
    k->n = 0;
}

/* clang_isExpression(clang_getCursorKind(c)) without the two calls. */
static inline int is_expr(CXCursor c)
{
    return c.kind >= CXCursor_FirstExpr && c.kind <= CXCursor_LastExpr;
}

/* walk.c */
RC_HIDDEN char *fe_take(CXString s);
RC_HIDDEN void fe_tree_build(tree_t *t, CXCursor root);
RC_HIDDEN void fe_tree_free(tree_t *t);
RC_HIDDEN void fe_children(const tree_t *t, CXCursor c, kids_t *k);
RC_HIDDEN CXCursor fe_sole_expr_child(const tree_t *t, CXCursor c);
RC_HIDDEN CXCursor fe_var_init(const tree_t *t, CXCursor d);
/* The API model (rules/api/) that function declaration d is, or NULL (also for
 * anything but a function declaration). */
RC_HIDDEN const rc_api_fn_t *fe_model_of(walker_t *w, CXCursor d);
/* The API model of the function call expression e (casts stripped) calls by
 * name, or NULL. */
RC_HIDDEN const rc_api_fn_t *fe_call_model(walker_t *w, CXCursor e);
/* The API model of the function tree node nd calls by name when nd is a call
 * with at least one argument (w->tree.kids[nd->first + 1 + i] is argument i),
 * or NULL. */
RC_HIDDEN const rc_api_fn_t *fe_node_model(walker_t *w, const tnode_t *nd);
/* The summary index of function declaration d when this TU defines it, else
 * UINT32_MAX. */
RC_HIDDEN uint32_t fe_sum_index(walker_t *w, CXCursor d);
/* 1 when e, casts aside, is the constant 0 (NULL). */
RC_HIDDEN int fe_is_null(walker_t *w, CXCursor e);
/* The operand of cast c: its last expression child (an expression before it
 * belongs to the type, `(__typeof__(*p) *)q`, and is not evaluated). */
RC_HIDDEN CXCursor fe_cast_operand(const tree_t *t, CXCursor c);
RC_HIDDEN CXCursor fe_strip(const tree_t *t, CXCursor c, int casts);
RC_HIDDEN int fe_is_var(CXCursor d);
RC_HIDDEN int fe_is_global_var(CXCursor d);
RC_HIDDEN int fe_type_is_pointer(CXType t);
RC_HIDDEN int fe_type_is_array(CXType t);
RC_HIDDEN unsigned fe_type_flags(const rc_models_t *m, CXType t);
RC_HIDDEN int fe_is_zero(CXCursor c);
RC_HIDDEN const char *fe_usr_cached(usr_cache_t *u, CXCursor d);
RC_HIDDEN void fe_usr_cache_close(usr_cache_t *u);
RC_HIDDEN char *fe_usr_dup(walker_t *w, CXCursor d);
RC_HIDDEN rc_pos_t fe_pos_of(walker_t *w, CXCursor c);
/* The local variable (or parameter) e names, casts and parentheses stripped,
 * or a null cursor. */
RC_HIDDEN CXCursor fe_local_var(walker_t *w, CXCursor e);
RC_HIDDEN char *fe_text_of(walker_t *w, CXCursor c);

/* walk_locks.c */
RC_HIDDEN uint32_t fe_intern_lock(walker_t *w, const char *id, const char *name);
RC_HIDDEN int fe_is_pseudo(const walker_t *w, uint32_t l);
RC_HIDDEN rc_lset_t fe_lset_for_facts(const walker_t *w, const rc_lset_t *st);
RC_HIDDEN void fe_acquire(walker_t *w, uint32_t l, int shared, rc_lset_t *st);
/* Lock l has been taken on this path: adds the order mark RC_ACQ_PREFIX<its id>
 * (internal.h), which its release leaves. Not for parameter, unidentified,
 * semaphore or wild array locks, nor when the lockset has no room for marks. */
RC_HIDDEN void fe_note_acquired(walker_t *w, uint32_t l, rc_lset_t *st);
RC_HIDDEN int fe_result_stored(walker_t *w, CXCursor e);
RC_HIDDEN void fe_imp_drop(walker_t *w, const char *xusr, uint32_t l, rc_lset_t *st);
RC_HIDDEN const char *fe_cond_local(walker_t *w, CXCursor c, int *truth);
/* The value condition c compares with zero, through `!x`, `x == 0`, `x != 0`
 * (nested too; with null_too, `x == NULL` as well) and down to x itself; *truth
 * is 1 when c holds for a nonzero x, 0 when for a zero one. Casts stripped. */
RC_HIDDEN CXCursor fe_zero_tested(walker_t *w, CXCursor c, int null_too, int *truth);
RC_HIDDEN void fe_imp_apply(walker_t *w, const char *xusr, int truth, const rc_lset_t *st,
                            rc_lset_t *t, rc_lset_t *f);
RC_HIDDEN void fe_imp_join(walker_t *w, const char *xusr, int truth, const rc_lset_t *t,
                           const rc_lset_t *f, rc_lset_t *joined);
RC_HIDDEN rc_lset_t fe_recorded(const walker_t *w, const rc_lset_t *st);
RC_HIDDEN int fe_param_no(walker_t *w, CXCursor parm);
RC_HIDDEN uint32_t fe_lock_of(walker_t *w, CXCursor arg);
/* The parameters through which the current function takes a lock with a lock
 * or trylock model call (`pthread_mutex_lock(&m->lock)`): bit i = parameter i. */
RC_HIDDEN uint32_t fe_locked_params(walker_t *w);
/* The order mark "nostart:<offset of call>:<function USR>" (internal.h): thread
 * creation call has failed on this path. Interned; its lock index. */
RC_HIDDEN uint32_t fe_nostart_mark(walker_t *w, CXCursor call);
RC_HIDDEN uint32_t fe_model_lock(walker_t *w, const rc_api_fn_t *api, const kids_t *kk);
RC_HIDDEN uint32_t fe_global_lock(walker_t *w, const char *name);
RC_HIDDEN uint32_t fe_sem_lock_of(walker_t *w, CXCursor arg);
RC_HIDDEN void fe_release(walker_t *w, uint32_t l, rc_lset_t *st);
RC_HIDDEN int fe_summary_equal(const summary_t *a, const summary_t *b);
RC_HIDDEN void fe_apply_summary(walker_t *w, const summary_t *s, kids_t *kk, rc_lset_t *st);
RC_HIDDEN void fe_apply_targets(walker_t *w, const targets_t *tg, kids_t *kk, rc_lset_t *st);
RC_HIDDEN void fe_apply_import(walker_t *w, const rc_import_t *im, kids_t *kk, rc_lset_t *st);
RC_HIDDEN void fe_record_lockop(walker_t *w, const rc_api_fn_t *api, uint32_t lock, CXCursor at,
                                const rc_lset_t *st);
/* Local xusr given value: when value is a trylock's or a thread creation's
 * result, the implication its later tests apply (walk_locks.c). */
RC_HIDDEN void fe_imp_result(walker_t *w, const char *xusr, CXCursor value, rc_lset_t *st);
RC_HIDDEN void fe_eval_cond(walker_t *w, CXCursor c, const rc_lset_t *in, rc_lset_t *t,
                            rc_lset_t *f);

/* walk_locals.c */
RC_HIDDEN void fe_alias_reset(walker_t *w);
RC_HIDDEN void fe_scan_locals(walker_t *w);
RC_HIDDEN const alias_t *fe_find_alias(walker_t *w, const char *var, int want_fn, size_t *from);
RC_HIDDEN int fe_is_int_const(CXCursor c, long long *v);
RC_HIDDEN uint32_t fe_mask_of(walker_t *w, CXCursor e);
RC_HIDDEN int fe_param_derived(walker_t *w, CXCursor e);
/* 1 when index idx is a ticket (`atomic_fetch_add(&next, 1)`, or a local only
 * ever assigned tickets of one global counter): a value no other execution
 * gets, so a slot of its own ("[#]"). */
RC_HIDDEN int fe_ticket(walker_t *w, CXCursor idx);
RC_HIDDEN void fe_note_local_assign(walker_t *w, CXCursor var, CXCursor value);
RC_HIDDEN void fe_record_local_assign(walker_t *w, CXCursor var, CXCursor value, CXCursor at,
                                      size_t nacc0, int keeps, const rc_lset_t *st);
RC_HIDDEN void fe_record_store_from(walker_t *w, size_t acc, CXCursor value, CXCursor at);
RC_HIDDEN void fe_prescan(walker_t *w, CXCursor c);
RC_HIDDEN void fe_compute_masks(walker_t *w);

/* walk_expr.c */
RC_HIDDEN void fe_record_call(walker_t *w, const char *usr, const char *name, CXCursor at,
                              const kids_t *kk, const rc_lset_t *st);
RC_HIDDEN char *fe_fn_type_of(CXType t);
RC_HIDDEN char *fe_handle_root(walker_t *w, CXCursor e);
RC_HIDDEN char *fe_handle_key(walker_t *w, CXCursor e);
RC_HIDDEN int fe_handle_elem(walker_t *w, CXCursor e);
RC_HIDDEN void fe_eval_children(walker_t *w, CXCursor e, rc_lset_t *st);
RC_HIDDEN rc_arg_kind_t fe_classify_arg(walker_t *w, CXCursor arg, char **key);
RC_HIDDEN char *fe_call_arg_key(walker_t *w, CXCursor arg);
/* The key of the object pointer value e points to when e is loaded from a
 * tracked location (`s->buf` of another type than *s, `*pp`, `tab[i]`): the
 * location's key + ">"; for a global pointer `gp`, the key `*gp` has; owned,
 * or NULL. */
RC_HIDDEN char *fe_loaded_key(walker_t *w, CXCursor value);
/* The key of the tracked location e names (a global, a part of one, what a
 * tracked pointer points to); owned, or NULL. Records nothing. */
RC_HIDDEN char *fe_location_key(walker_t *w, CXCursor e);
/* Records the accesses a call of a function the models say reads or writes
 * through its arguments (api->writes, ...) makes to the objects they point to. */
RC_HIDDEN void fe_record_arg_accesses(walker_t *w, const rc_api_fn_t *api, CXCursor call,
                                      const kids_t *kk, const rc_lset_t *st);
RC_HIDDEN int fe_parm_of(walker_t *w, CXCursor e);
RC_HIDDEN int fe_for_trip(walker_t *w, const char **bound);
RC_HIDDEN const char *fe_count_var(walker_t *w, CXCursor e);
RC_HIDDEN void fe_record_exit(walker_t *w, CXCursor at, int fallthrough, const rc_lset_t *st);
RC_HIDDEN void fe_eval_expr(walker_t *w, CXCursor e, rc_lset_t *st);
RC_HIDDEN void fe_eval_expr_node(walker_t *w, CXCursor e, rc_lset_t *st);

/* walk_call.c */
RC_HIDDEN void fe_targets_add(targets_t *t, const char *usr, const char *name);
RC_HIDDEN void fe_targets_free(targets_t *t);
RC_HIDDEN void fe_resolve_fn(walker_t *w, CXCursor e, targets_t *out);
RC_HIDDEN void fe_record_guard(walker_t *w, CXCursor cond, CXCursor then, const rc_lset_t *st);
RC_HIDDEN void fe_handle_call(walker_t *w, CXCursor e, rc_lset_t *st);
RC_HIDDEN void fe_add_gfp(rc_tu_facts_t *tf, const char *var, const char *fn);
RC_HIDDEN void fe_note_global_fnptr(walker_t *w, CXCursor var, CXCursor value);
/* `g = pthread_self();` (a thread_self model) with g a global: records g and the
 * function assigning it in rc_tu_facts_t.self_vars / self_fns. */
RC_HIDDEN void fe_note_self_handle(walker_t *w, CXCursor var, CXCursor value);

/* walk_proc.c */
RC_HIDDEN int fe_shm_value(walker_t *w, CXCursor e, int depth);
RC_HIDDEN int fe_shm_local(walker_t *w, CXCursor d);
RC_HIDDEN void fe_find_shm_locals(walker_t *w);
RC_HIDDEN void fe_record_pcall(walker_t *w, const rc_api_fn_t *api, CXCursor call, const kids_t *kk,
                               const rc_lset_t *st);
RC_HIDDEN int fe_fork_source(walker_t *w, CXCursor e, int depth);
enum { RET_NEW_SOME = 1, RET_NEW_OTHER = 2 };
/* 1 when e (casts stripped) is a new object at every evaluation: a call of a
 * function the models say returns_new (malloc), a call of this TU's function
 * whose every return gives one or NULL (w->ret_new: `job_new()`), or a local
 * whose every assignment is one (`p = malloc(..); ...; return p;`). */
RC_HIDDEN int fe_new_object(walker_t *w, CXCursor e, int depth);
RC_HIDDEN void fe_record_fork_wrapper(walker_t *w, const char *name, CXCursor call,
                                      const rc_lset_t *st);
RC_HIDDEN void fe_note_result(walker_t *w, CXCursor target, CXCursor value);
RC_HIDDEN int fe_fork_value(walker_t *w, CXCursor e, unsigned at);
RC_HIDDEN int fe_fork_test(walker_t *w, CXCursor c, unsigned at, int *child_then);
RC_HIDDEN void fe_record_child(walker_t *w, int fork, unsigned lb, unsigned le);
RC_HIDDEN int fe_fork_slot(walker_t *w, CXCursor idx);
RC_HIDDEN void fe_enter_child(walker_t *w, int fk, CXCursor branch);
RC_HIDDEN void fe_leave_child(walker_t *w, const unsigned saved[4]);
RC_HIDDEN int fe_has_fork(const walker_t *w);
RC_HIDDEN void fe_record_rest_child(walker_t *w, int fork, CXCursor ifs);
RC_HIDDEN void fe_record_switch_child(walker_t *w, int fork, CXCursor body);

/* walk_stmt.c */
RC_HIDDEN label_state_t *fe_label_for(walker_t *w, unsigned off);
/* When the current function has a backward goto (and no computed one): walks
 * its body without recording until the states at the labels gotos jump back
 * to settle (at most a few walks), so that the recording walk starts each such
 * label from the meet of its fall-through and every goto to it. Without a
 * fixpoint those labels keep the empty lockset. st0 is the entry state. */
RC_HIDDEN void fe_settle_labels(walker_t *w, CXCursor body, const rc_lset_t *st0);
RC_HIDDEN unsigned fe_goto_target(const tree_t *t, CXCursor g);
RC_HIDDEN void fe_walk_stmt(walker_t *w, CXCursor s, rc_lset_t *st);

#endif /* RC_ANALYZER_WALK_H */
