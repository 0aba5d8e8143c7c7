/*
 * internal.h - the analyzer's private vocabulary: API models, locksets, the
 * per-TU facts the front end extracts, and the linked whole-program view the
 * rules query. Nothing here mentions libclang: facts are plain data, so a TU's
 * CXTranslationUnit is disposed as soon as its facts are extracted.
 *
 * Layers (one file each, except the front end):
 *   models.c    rules/api/ *.json -> rc_models_t (which calls lock, unlock, create threads)
 *   frontend.c  one TU -> rc_tu_facts_t (flow-sensitive must-hold locksets per event),
 *               with walk*.c behind the private walk.h
 *   program.c   all facts -> rc_program_t (join by USR, call graph, thread roots,
 *               per-root entry locksets, may-happen-in-parallel)
 *   rules/      one file per rule, listed in rules/registry.c
 *
 * Invariants:
 *   - A lockset is a sorted array of lock references (lock index << 1 | shared bit) with
 *     at most RC_LS_MAX entries; dropping an entry only makes a must-hold set smaller,
 *     which keeps it sound.
 *   - Offsets in rc_pos_t are byte offsets in the file of the enclosing function, so
 *     events of one function can be ordered by them.
 */
#ifndef RC_ANALYZER_INTERNAL_H
#define RC_ANALYZER_INTERNAL_H

#include "analyzer.h"

#include <stdint.h>

/* ---- API models (models.c) ------------------------------------------------ */

typedef enum rc_api_kind {
    RC_API_LOCK,           /* acquires the lock named by lock_arg */
    RC_API_TRYLOCK,        /* acquires it only when it returns 0 */
    RC_API_UNLOCK,         /* releases it */
    RC_API_THREAD_CREATE,  /* starts routine_arg(arg_arg) in a new thread, handle in handle_arg */
    RC_API_THREAD_JOIN,    /* waits for the thread whose handle is handle_arg */
    RC_API_NORETURN,       /* never returns to the caller */
    RC_API_MT_UNSAFE,      /* keeps hidden state that concurrent calls share (strtok, rand) */
    RC_API_COND_WAIT,      /* waits on a condition variable (releases and re-takes lock_arg) */
    RC_API_SIGNAL_INSTALL, /* installs a signal handler: the function handler_arg, or the
                              functions stored in the struct action_arg points to */
    RC_API_CALLBACK,       /* registers callback_args with an event loop (or makecontext): they
                              run later on the thread that runs the loop */
    RC_API_YIELD,          /* switches to other cooperative tasks and back (swapcontext, a
                              nested run of an event loop) */
    RC_API_EVENT_WAIT,     /* waits for events (poll, epoll_wait, select): the heart of an
                              event loop when the same code dispatches callbacks */
    RC_API_FORK,           /* creates a process that returns 0 in the child (fork, vfork) */
    RC_API_PROC_WAIT,      /* waits for a child process to end (wait, waitpid) */
    RC_API_EXEC,           /* replaces the process image (execve, execvp, ...) */
    RC_API_SHARED_MAP,     /* maps memory: shared between processes when flags_arg holds
                              shared_mask bits (or always, without flags_arg: shmat) */
    RC_API_SYNC_INIT,      /* initialises the object lock_arg with attributes attr_arg
                              (pthread_mutex_init, pthread_cond_init, ...) */
    RC_API_ATTR_PSHARED,   /* sets the process-shared attribute of attr_arg to value_arg
                              (pthread_mutexattr_setpshared, ...) */
    RC_API_SEM_WAIT,       /* decrements the semaphore lock_arg, waiting while it is 0 */
    RC_API_SEM_POST,       /* increments the semaphore lock_arg */
    RC_API_SEM_INIT,       /* initialises the semaphore lock_arg to value_arg */
    RC_API_ONCE,           /* calls routine_arg once per once object lock_arg, over all
                              threads; returns when it has run (pthread_once, call_once) */
    RC_API_BARRIER_WAIT,   /* waits until the barrier lock_arg's count of threads wait */
    RC_API_THREAD_SELF,    /* returns the calling thread's handle (pthread_self) */
    RC_API_MEMORY,         /* only reads and writes what its arguments point to (memset,
                              strcpy, scanf): writes / reads, otherwise a plain library call */
} rc_api_kind_t;

typedef struct rc_api_fn {
    char *name;
    rc_api_kind_t kind;
    int shared;        /* lock / trylock: acquires in shared (reader) mode */
    int lock_arg;      /* lock kinds: index of the lock argument */
    char *lock_global; /* lock, unlock: instead of an argument, one program-wide lock of
                          this name (__VERIFIER_atomic_begin / _end), or NULL */
    int handle_arg;    /* create / join: index of the thread handle (-1: none) */
    int routine_arg;   /* create: index of the start routine */
    int arg_arg;       /* create: index of the routine's argument (-1: none) */
    char *file;        /* the model file that defines it (for error messages) */
    int handler_arg;   /* signal_install: index of the handler function (-1: none) */
    int action_arg;    /* signal_install: index of the pointer to the action struct (-1: none) */
    char *state;       /* mt_unsafe: name of the hidden state (functions sharing it conflict) */
    char *alternative; /* mt_unsafe: the thread-safe function to suggest, or NULL */
    int read_only;     /* mt_unsafe: only reads the state (two such calls do not conflict) */
    uint64_t callback_args; /* any kind: bit i set when argument i is a callback the event
                               loop calls on the registering thread (RC_API_CALLBACK needs one) */
    int attr_arg;           /* sync_init, attr_pshared: index of the attribute argument */
    int flags_arg;          /* shared_map: index of the flags argument (-1: always shared) */
    long shared_mask;       /* shared_map: flag bits that make the mapping shared */
    long anon_mask;         /* shared_map: flag bits of an anonymous mapping */
    int value_arg;          /* attr_pshared, sem_init, sync_init: index of the value
                               argument (sync_init: a barrier's count; -1: none) */
    long shared_value;      /* attr_pshared: the value that means process-shared */
    /* Any kind: the objects the function writes / reads through its pointer
     * arguments: bit i for argument i; *_from: every argument from that index on
     * (variadic: scanf's targets, printf's strings), -1 none. */
    uint64_t writes, reads;
    int writes_from, reads_from;
    int returns_new; /* any kind: returns a new object at every call (malloc, strdup) */
} rc_api_fn_t;

/* 1 when the model says the function reads or writes through its arguments. */
static inline int rc_api_touches_memory(const rc_api_fn_t *a)
{
    return a->writes || a->reads || a->writes_from >= 0 || a->reads_from >= 0;
}

typedef struct rc_models {
    rc_api_fn_t *v; /* sorted by name */
    size_t n;
    char **safe; /* async-signal-safe functions ("async_signal_safe" lists), sorted, unique */
    size_t nsafe;
    char **safe_prefixes; /* "async_signal_safe_prefixes": names starting so are safe */
    size_t nsafe_prefixes;
    char **safe_types; /* "async_signal_safe_types": typedef names a handler may share
                          (sig_atomic_t), sorted, unique */
    size_t nsafe_types;
    /* "atomic_function_prefixes": a function whose name starts with
     * atomic_prefixes[i] runs as a whole holding the program-wide lock
     * atomic_locks[i] (SV-COMP's __VERIFIER_atomic_ functions). */
    char **atomic_prefixes, **atomic_locks;
    size_t natomic;
    /* "ticket_function_prefixes": atomic fetch-and-add functions; a call with a
     * nonzero constant returns a value no other call returns (a ticket). */
    char **ticket_prefixes;
    size_t nticket_prefixes;
    /* <rules_dir>/include when it exists: headers for code written against
     * gcc's, which a TU is parsed again with when clang's refuse it (its
     * stdatomic.h), or NULL. */
    char *compat_include;
    uint64_t digest; /* of the bytes of every file loaded, in load order */
} rc_models_t;

/* Loads every <rules_dir>/api/ *.json (sorted by file name), then the NEXTRA
 * files of EXTRA in order. Errors: RC_EIO when the directory or an extra file
 * cannot be read, RC_EPARSE for a malformed file or entry (the message names
 * the file) or a function defined twice across all files. */
int rc_models_load(const char *rules_dir, const char *const *extra, size_t nextra, rc_models_t *out,
                   rc_error_t *err);
void rc_models_close(rc_models_t *m);
const rc_api_fn_t *rc_models_find(const rc_models_t *m, const char *name);
/* 1 when name is listed as async-signal-safe, or starts with a listed prefix. */
int rc_models_signal_safe(const rc_models_t *m, const char *name);
/* The program-wide lock a function of that name runs holding as a whole
 * (rc_models_t.atomic_prefixes), or NULL. */
const char *rc_models_atomic_lock(const rc_models_t *m, const char *name);
/* 1 when typedef name is listed in "async_signal_safe_types". */
int rc_models_signal_safe_type(const rc_models_t *m, const char *name);
/* 1 when name starts with a "ticket_function_prefixes" entry. */
int rc_models_ticket(const rc_models_t *m, const char *name);

/* ---- String interning (strtab.c) ------------------------------------------ */

typedef struct rc_strtab {
    char **v; /* index -> string (owned) */
    uint32_t n, cap;
    uint32_t *slots; /* open addressing: index + 1, 0 = empty */
    uint32_t nslots;
} rc_strtab_t;

uint32_t rc_strtab_intern(rc_strtab_t *t, const char *s);
/* Returns the index of s, or UINT32_MAX when it is not interned. */
uint32_t rc_strtab_lookup(const rc_strtab_t *t, const char *s);
void rc_strtab_close(rc_strtab_t *t);

/* ---- Locksets (lockset.c) -------------------------------------------------- */

#define RC_LS_MAX 15

/* A must-hold lockset. `top` marks an unreachable program point: the identity of
 * intersection (a path that cannot happen constrains nothing). */
typedef struct rc_lset {
    uint8_t top;
    uint8_t n;
    uint32_t v[RC_LS_MAX]; /* lock << 1 | shared, sorted ascending */
} rc_lset_t;

#define RC_LREF(lock, shared) (((uint32_t)(lock) << 1) | ((shared) ? 1u : 0u))
#define RC_LREF_LOCK(r) ((r) >> 1)
#define RC_LREF_SHARED(r) ((r)&1u)

void rc_lset_empty(rc_lset_t *s);
void rc_lset_top(rc_lset_t *s);
/* Adds lock (exclusive wins over shared when both are asked for). */
void rc_lset_add(rc_lset_t *s, uint32_t lock, int shared);
void rc_lset_remove(rc_lset_t *s, uint32_t lock);
/* a := a ∩ b (a lock held shared on one side is held shared in the result). */
void rc_lset_meet(rc_lset_t *a, const rc_lset_t *b);
/* a := a ∪ b (exclusive wins). */
void rc_lset_join(rc_lset_t *a, const rc_lset_t *b);
int rc_lset_equal(const rc_lset_t *a, const rc_lset_t *b);
int rc_lset_has(const rc_lset_t *s, uint32_t lock);

/* ---- Facts (frontend.c, walk*.c) --------------------------------------------- */

/* A program point inside a function. loop_lb..loop_le is the extent of the
 * outermost loop around it, iloop_lb..iloop_le of the innermost (all 0 when it is
 * not in a loop). */
typedef struct rc_pos {
    unsigned line, col;
    unsigned off, end;
    unsigned loop_lb, loop_le;
    unsigned iloop_lb, iloop_le;
} rc_pos_t;

typedef enum rc_acc_kind {
    RC_ACC_READ = 0,
    RC_ACC_WRITE = 1,
    RC_ACC_RMW = 2,
} rc_acc_kind_t;

enum {
    RC_LOC_ATOMIC = 1 << 0,   /* _Atomic / atomic_* type */
    RC_LOC_TLS = 1 << 1,      /* _Thread_local / __thread: one copy per thread */
    RC_LOC_CONST = 1 << 2,    /* const-qualified: cannot be written */
    RC_LOC_VOLATILE = 1 << 3, /* volatile: no synchronisation, kept for messages */
    RC_ACC_SPLIT = 1 << 4,    /* an RMW written `x = x op y`: a separate load and store even
                                 when x is atomic */
    RC_ACC_ONE_ARG = 1 << 5,  /* under `if (id == c)` with id derived one-to-one from the
                                 function's parameter 0: when that parameter differs per
                                 thread, at most one thread runs it */

    RC_LOC_SIG_ATOMIC = 1 << 6, /* declared with a type listed async-signal-safe
                                   (sig_atomic_t, through any typedef chain) */
    RC_LOC_LOCKFREE = 1 << 7,   /* atomic of a size the target accesses without a lock
                                   (1, 2, 4 or 8 bytes) */
};

/* Separates the variable's USR from the path inside it in access keys (USRs may
 * contain '.', '@', '#'; never control characters). */
#define RC_KEY_SEP '\x1e'
/* Marks a key root that is the object a function's parameter points to:
 * "<function USR>\x1dp<index>". */
#define RC_PARAM_MARK '\x1d'

/* An access to a location that may outlive the function: a global, a file
 * static, a static local, or a part of one (field, array element), what a global
 * pointer points to, or what a pointer parameter points to.
 *
 *   key root                 meaning
 *   "<var USR>"              the variable
 *   "*<var USR>"             what the global pointer var points to
 *   "<fn USR>\x1dp<i>"       what parameter i of fn points to (resolved when linking)
 * followed by RC_KEY_SEP and a path of ".field" and "[N]" / "[*]" (any element) /
 * "[p<i>]" (the element chosen one-to-one by parameter i) components. */
typedef struct rc_access {
    char *key;  /* root, RC_KEY_SEP, path: "c:@counter\x1e", "c:@g\x1e.n", "c:@h\x1e[*]" */
    char *name; /* as written for messages: "counter", "g.n", "hist[i]" */
    char *text; /* the whole expression, whitespace folded: "counter = counter + 1" */
    rc_acc_kind_t kind;
    unsigned flags; /* RC_LOC_* */
    rc_pos_t pos;
    rc_lset_t ls; /* locks held here on every path from the function's entry */
} rc_access_t;

/* rc_call_t.callee of a call to a library function (declared in a system header,
 * not defined in the TU): the mark, then the USR. Never linked to a definition
 * elsewhere in the project (an interposer such as an LD_PRELOAD library). */
#define RC_LIBCALL_MARK '\x03'

typedef struct rc_call {
    char *callee;    /* USR of the callee; "" for a call through an unknown pointer */
    char *fn_type;   /* call through an unknown pointer: the function type ("void (void *)") */
    int fn_param;    /* call through the caller's own parameter fn_param (else -1) */
    char *fn_global; /* call through this global function pointer (USR), or NULL */
    char *callee_name;
    rc_pos_t pos;
    rc_lset_t ls;
    /* Per argument: the access key of the object a pointer argument points to
     * (`&g.s` -> "c:@g\x1e.s", a global pointer gp -> "*c:@gp\x1e", a parameter-derived
     * pointer -> that parameter's object key), NULL when unknown or not a pointer. */
    char **arg_keys;
    char **arg_fns;     /* per argument: USR of the function it designates, or NULL */
    char **arg_handles; /* per argument: its thread-handle identity (see rc_create_t) */
    int nargs;
    int callback; /* not a call: the callee is registered here with an event loop (or
                     makecontext) and runs later, when the loop runs (RC_API_CALLBACK) */
    char *once;   /* a once routine run here (RC_API_ONCE): the access key of the once
                     object, "" when it cannot be named; NULL for any other call */
    /* Not a call written here: the callee's address is passed to the function
     * passed_to (USR; a library function, or one this TU does not define), which
     * may call it here (`qsort(.., cmp)`). The link step keeps it when passed_to
     * is defined nowhere in the program. NULL for any other call. */
    char *passed_to;
    /* Made under `if (id == c)` with id derived one-to-one from the function's
     * first parameter (as RC_ACC_ONE_ARG): in a start routine whose threads get
     * distinct arguments, one thread at most makes it. */
    int one_arg;
} rc_call_t;

/* What a creation passes as the start routine's argument, as far as sharing goes. */
typedef enum rc_arg_kind {
    RC_ARG_NONE,     /* NULL */
    RC_ARG_UNKNOWN,  /* anything not classified below */
    RC_ARG_GLOBAL,   /* a location with an access key, the same for every execution: &g,
                        &g.f, &g[3], gp (a global pointer's object), &local or p (a local,
                        or a local pointer's object, handed to the thread) */
    RC_ARG_SAME,     /* one object for every execution of the site (&local, p): arg_key names it */
    RC_ARG_DISTINCT, /* a different object or value per execution (&a[i], i, malloc'd in the loop)
                      */
    RC_ARG_VALUE,    /* an integer constant: arg_key is "#<value>" */
} rc_arg_kind_t;

typedef struct rc_create {
    char **routines; /* USRs of the possible start routines (usually one) */
    char **routine_names;
    size_t nroutines;
    char *handle; /* root of the handle expression (USR), NULL when unknown */
    char *api;    /* "pthread_create", "thrd_create" */
    rc_arg_kind_t arg_kind;
    char *arg_key;
    /* A creation wrapper (`void spawn(void *(*fn)(void *), void *a) { pthread_create(..,
     * fn, a); }`): the wrapper's parameters that hold the routine / argument, else -1. */
    int routine_param, arg_param, handle_param;
    rc_pos_t pos;
    rc_lset_t ls;
    /* In exactly one loop, a for statement counting a local up by one between
     * constants (`for (i = 0; i < 4; i++)`, i not changed in the body): how many
     * times it runs at most; else -1. */
    int trip;
    /* Else, in exactly one loop counting from 0 up to a variable (`for (i = 0;
     * i < n; i++)`, n not changed in the body): the variable's USR, else NULL. */
    char *trip_var;
    int elem; /* the handle is element elem (>= 0) of an array, RC_ELEM_ANY: an element
                 chosen at run time, -1: not an array element (or unknown) */
} rc_create_t;

#define RC_ELEM_ANY (-2)

/* A lock operation as written: lock, trylock (whatever its outcome) or unlock
 * of `lock` (TU lock index), with the locks held just before it. The material
 * for lock-order rules (an acquisition while holding others). */
typedef struct rc_lockop {
    rc_api_kind_t kind; /* RC_API_LOCK, RC_API_TRYLOCK or RC_API_UNLOCK */
    uint32_t lock;
    int shared;
    int base_param; /* `&p->f` with p the function's parameter base_param; else -1 */
    int keeps;      /* an unlock after which the lock is still held (taken twice) */
    rc_pos_t pos;
    rc_lset_t held;
} rc_lockop_t;

/* A way out of a function: a return statement, or the end of the body reached by
 * falling through (pos = the closing brace), with the locks held there on every
 * path to it; or (in rc_fn_facts_t.jumps) a goto and the offset of its label. The
 * material for lock-leak rules. */
typedef struct rc_exit {
    rc_pos_t pos;
    int fallthrough; /* the end of the body, not a return statement */
    unsigned target; /* jumps: byte offset of the label in the function's file */
    rc_lset_t held;
} rc_exit_t;

/* A call of a function modelled as MT-unsafe (RC_API_MT_UNSAFE), with the model's
 * state and alternative copied (facts do not point into the models). */
typedef struct rc_ucall {
    char *name, *state, *alternative; /* alternative may be NULL */
    int read_only;
    rc_pos_t pos;
    rc_lset_t ls;
} rc_ucall_t;

/* A direct call of a library function: one declared in a system header and not
 * defined by the program (printf, malloc, write, pthread_mutex_lock, ...), with
 * whether the models list it as async-signal-safe (rule signal.unsafe-call). */
typedef struct rc_lcall {
    char *name;
    int signal_safe;
    rc_pos_t pos;
} rc_lcall_t;

/* A signal handler installed here (RC_API_SIGNAL_INSTALL): `signal(SIGINT, on_int)`
 * or `sigaction(SIGTERM, &sa, 0)` with on_term stored in sa. */
typedef struct rc_sighand {
    char *handler, *handler_name; /* USR and name of the handler function */
    char *api;                    /* "signal", "sigaction" */
    rc_pos_t pos;
} rc_sighand_t;

/* A call of a function modelled RC_API_YIELD (swapcontext, uv_run: other
 * cooperative tasks run before it returns) or RC_API_EVENT_WAIT (poll,
 * epoll_wait, select: a yield when the function also dispatches callbacks). */
typedef struct rc_yield {
    char *api;
    int wait; /* RC_API_EVENT_WAIT */
    rc_pos_t pos;
} rc_yield_t;

/* A value flowing between a local variable (or parameter) of the function and a
 * shared location, for rule coop.stale-across-yield:
 *   to_local = 1  an assignment of the local (`seen = balance - 1`, `int seen =
 *                 acct->balance;`, `seen++`): one record per shared location read
 *                 by the value (acc = index of that read in rc_fn_facts_t.acc), or
 *                 one with acc = -1 when it reads none; keeps = 1 when the value
 *                 is computed from the local's own old value (`n++`, `n = n + 1`)
 *   to_local = 0  a write of a shared location whose value is computed from the
 *                 local (`balance = seen - amount`): acc = index of the write
 * pos is the assignment, or the write. */
typedef struct rc_lflow {
    char *local; /* USR */
    char *name;  /* as written: "seen" */
    int32_t acc;
    uint8_t to_local, keeps;
    rc_pos_t pos;
} rc_lflow_t;

/* A condition-variable wait (RC_API_COND_WAIT) as written. */
typedef struct rc_wait {
    char *api; /* "pthread_cond_wait", "cnd_timedwait", ... */
    rc_pos_t pos;
} rc_wait_t;

/* An `if` statement: the byte extents of its test and of its then-branch (in
 * the function's file), for rule race.check-then-act. */
typedef struct rc_guard {
    unsigned cond_lb, cond_le;
    unsigned then_lb, then_le;
} rc_guard_t;

typedef struct rc_join {
    char *handle; /* USR of the joined handle's root variable, NULL when unknown */
    rc_pos_t pos;
    int elem; /* as rc_create_t.elem: `join(t[2])` waits for one element only */
    int trip; /* as rc_create_t.trip: the joins of `for (i = 0; i < 9; i++)` */
} rc_join_t;

/* A call of a process-model function (RC_API_FORK, _PROC_WAIT, _EXEC, _SHARED_MAP,
 * _SYNC_INIT, _ATTR_PSHARED, _SEM_WAIT, _SEM_POST, _SEM_INIT) as written, for the
 * proc.* rules and for telling binary semaphores (program.c, lock_sem); and of
 * RC_API_BARRIER_WAIT (obj: the barrier), for barrier phases. */
typedef struct rc_pcall {
    rc_api_kind_t kind;
    char *api;    /* "fork", "waitpid", "mmap", "pthread_mutex_init", ... */
    char *target; /* fork, shared_map: USR of the variable the result is stored in;
                     sync_init whose count is not a constant: the variable it names
                     (fe_count_var); else NULL */
    char *obj;    /* sync_init, sem_*, barrier_wait: access key of the object initialised or
                     the semaphore (as rc_call_t.arg_keys), or NULL */
    char *attr;   /* sync_init, attr_pshared: USR of the attribute variable (`&attr`), NULL
                     for a null pointer, "" for anything else */
    int shared;   /* shared_map: 1 shared, 0 private, -1 flags not constant;
                     attr_pshared: 1 process-shared, 0 private, -1 value not constant;
                     fork: 1 when the child borrows the parent's memory and the parent
                     waits until it execs or exits (vfork);
                     sem_init: the initial value, -1 when not constant;
                     sync_init: the constant at the model's value_arg (a barrier's
                     count), -1 when not constant, 0 when the model has none */
    int anon;     /* shared_map: an anonymous mapping (no file or object behind it) */
    char *text;   /* sync_init, sem_*: the object argument as written ("&shm->lock"), or NULL */
    rc_pos_t pos;
    rc_lset_t ls;
} rc_pcall_t;

/* Code of a function that only the child of a fork runs: the then-branch of
 * `if (pid == 0)` / `if (!fork())`, the else-branch of `if (pid > 0)` / `if (pid)`,
 * `case 0:` of `switch (fork())` up to the next label, the rest of the block after
 * `if (pid != 0) return ...;`. A call of the TU's own function that returns a
 * fork's result is recorded as a fork (api = that function's name). */
typedef struct rc_child {
    uint32_t fork;   /* index of the fork in the function's pcalls */
    unsigned lb, le; /* byte extent in the function's file */
} rc_child_t;

/* What calling a function does to the caller's locks: remove `rel` (every lock
 * when rel_all), then add `acq`; noreturn: the call does not return. Lock indexes
 * are the TU's; a parameter lock ("\x01p<i>") stands for the call's argument i. */
typedef struct rc_summary {
    rc_lset_t acq, rel;
    int rel_all;
    int noreturn;
} rc_summary_t;

typedef struct rc_fn_facts {
    char *usr, *name;
    rc_summary_t summary;
    char *file; /* file of the definition (the body's offsets refer to it) */
    unsigned line, col;
    rc_access_t *acc;
    size_t nacc, capacc;
    rc_call_t *calls;
    size_t ncalls, capcalls;
    rc_create_t *creates;
    size_t ncreates, capcreates;
    rc_join_t *joins;
    size_t njoins, capjoins;
    rc_lockop_t *lockops;
    size_t nlockops, caplockops;
    rc_exit_t *exits;
    size_t nexits, capexits;
    rc_exit_t *jumps; /* goto statements with a known label */
    size_t njumps, capjumps;
    rc_ucall_t *ucalls; /* calls of MT-unsafe functions */
    size_t nucalls, capucalls;
    rc_wait_t *waits; /* condition-variable waits */
    size_t nwaits, capwaits;
    rc_lcall_t *lcalls; /* direct calls of library functions */
    size_t nlcalls, caplcalls;
    rc_guard_t *guards; /* if statements */
    size_t nguards, capguards;
    rc_sighand_t *sighands; /* signal handlers installed here */
    size_t nsighands, capsighands;
    rc_pcall_t *pcalls; /* process-model calls (fork, wait, mmap, ...) */
    size_t npcalls, cappcalls;
    rc_child_t *children; /* extents run only by the child of a fork */
    size_t nchildren, capchildren;
    rc_yield_t *yields; /* calls that switch to other cooperative tasks or wait for events */
    size_t nyields, capyields;
    rc_lflow_t *lflows; /* values between locals and shared locations (rc_lflow_t) */
    size_t nlflows, caplflows;
    char **addr_taken;    /* functions whose address escapes here other than as a start routine */
    char **addr_types;    /* parallel: their function types, as spelled for rc_call_t.fn_type */
    uint8_t *addr_passed; /* parallel: 1 when every take here passes the address to a
                             function the TU does not define (rc_call_t.passed_to) */
    size_t naddr, capaddr;
} rc_fn_facts_t;

/* Facts of one TU. Lock indexes in locksets refer to `locks` of the same TU. */
typedef struct rc_tu_facts {
    char *file;
    rc_strtab_t locks; /* lock identity ("c:@m", "c:@S@stats@FI@lock", "?") */
    char **lock_names; /* parallel to locks.v: "m", "stats::lock", "an unidentified lock" */
    rc_fn_facts_t *fns;
    size_t nfns, capfns;
    /* Functions whose address escapes in initialisers of globals (callback tables). */
    char **esc_fns, **esc_types;
    size_t nesc, capesc;
    /* Functions stored in global function pointers, by initialiser or assignment:
     * gfp_var[i] (USR of the pointer) may hold gfp_fn[i] (USR of the function). */
    char **gfp_var, **gfp_fn;
    size_t ngfp, capgfp;
    /* Global mutexes (USRs; arrays of them too) whose static initialiser gives
     * them a type: recursive or error-checking (glibc's
     * PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP, PTHREAD_ERRORCHECK_..._NP). */
    char **typed_locks;
    size_t ntyped, captyped;
    /* Globals assigned the calling thread's handle (`mainid = pthread_self()`,
     * a thread_self model): self_vars[i] (USR) in function self_fns[i] (USR). */
    char **self_vars, **self_fns;
    size_t nself, capself;
    /* Functions called here, defined elsewhere and not modelled (USRs, unique). */
    char **ext_callees;
    size_t next, capext;
    /* Every file the TU read: the source, then its includes (what a cached copy
     * of these facts depends on). */
    char **deps;
    size_t ndeps, capdeps;
    /* rc_imports_digest of the summary table these facts were walked with. */
    uint64_t imports_digest;
} rc_tu_facts_t;

/* Summaries of functions defined in other TUs, for a TU that calls them: lock
 * effects named by identity, so that each TU maps them to its own indexes. */
typedef struct rc_import {
    char **acq, **acq_names, **rel, **rel_names;
    uint8_t *acq_shared;
    size_t nacq, nrel;
    int rel_all, noreturn;
} rc_import_t;

typedef struct rc_imports {
    rc_strtab_t usrs; /* function USR -> index into v */
    rc_import_t *v;
} rc_imports_t;

/* Adds every non-trivial summary in tus to im (zero-initialised by the caller; the
 * first definition of a function wins). */
void rc_imports_add(rc_imports_t *im, const rc_tu_facts_t *tus, size_t ntus);
void rc_imports_close(rc_imports_t *im);

/* A digest of what tf would import from im (the summaries of its external
 * callees; im may be NULL: nothing). Facts walked with two tables of equal
 * digests are equal. */
uint64_t rc_imports_digest(const rc_imports_t *im, const rc_tu_facts_t *tf);

void rc_tu_facts_close(rc_tu_facts_t *f);

/* ---- Facts as bytes (facts_io.c) ------------------------------------------- */

/* Encodes tf; *out (caller frees) holds *len bytes. */
void rc_facts_encode(const rc_tu_facts_t *tf, unsigned char **out, size_t *len);
/* Decodes what rc_facts_encode wrote into *tf (zeroed first). RC_EPARSE, with
 * *tf left empty, for bytes of another format version, truncated or damaged. */
int rc_facts_decode(const void *data, size_t len, rc_tu_facts_t *tf);

/* Parses one job and extracts its facts. Returns RC_OK and fills *facts when the
 * TU parsed without errors; RC_EPARSE with st->message set otherwise. `index` is
 * a CXIndex owned by the calling thread (void * keeps clang-c out of this header). */
int rc_frontend_run(void *index, const rc_models_t *models, const rc_imports_t *imports,
                    const rc_tu_job_t *job, rc_tu_facts_t *facts, rc_tu_status_t *st);

/* ---- The analyzer ---------------------------------------------------------- */

struct rc_analyzer {
    rc_models_t models;
    int jobs;
    rc_progress_fn progress;
    void *progress_ud;
    const rc_tu_saved_t *saved; /* opts.saved (borrowed) */
    size_t nsaved;
    int trust_saved;
    uint64_t binary_id;   /* identity of the running executable (part of every job key) */
    rc_tu_facts_t *tus;   /* facts of every TU scanned without errors */
    rc_tu_job_t *tu_jobs; /* parallel: the job each came from (owned copies) */
    size_t ntus, captus;
    rc_scan_stats_t stats;
    rc_program_models_t *programs; /* of the last rc_analyzer_check */
    size_t nprograms;
    struct rc_file_hashes *hashes; /* content hash of each file read, computed once */
};

/* ---- Linked program (program.c) -------------------------------------------- */

/* A position in main's own body: an event of main, or the call in main through
 * which an event of a callee happens. lb..le covers the outermost loop around
 * it (off..end when it is not in a loop). */
typedef struct rc_mpos {
    unsigned off, end, lb, le;
} rc_mpos_t;

/* The main-level position of an event at pos (its loop extent from pos). */
rc_mpos_t rc_mpos_of(const rc_pos_t *pos);
/* a may happen before b: earlier, or in a loop around b (a previous iteration). */
int rc_mpos_may_precede(const rc_mpos_t *a, const rc_mpos_t *b);
/* a is over (all iterations of its loop included) before b starts. */
int rc_mpos_must_precede(const rc_mpos_t *a, const rc_mpos_t *b);

/* A thread creation site: one start routine of a create fact, or, for a creation
 * wrapper, one call of the wrapper and the routine that call passes. */
typedef struct rc_psite {
    uint32_t fn;          /* function holding the create fact */
    const rc_create_t *c; /* the create fact (handle, api) */
    const char *routine;  /* USR of the start routine */
    uint32_t at_fn;       /* where the creation happens: fn, or the wrapper's caller */
    const rc_pos_t *at;
    rc_arg_kind_t arg_kind; /* how the routine's argument is shared */
    const char *arg_key;
    const char *handle; /* identity of the thread handle, NULL when unknown */
} rc_psite_t;

/* One way a start routine gets started: site `site` executed in root `root`. */
typedef struct rc_cinst {
    uint32_t site;
    uint32_t root;
    rc_mpos_t at;        /* when root is the main root: main-level position */
    int many;            /* may execute several times per instance of root */
    int contained;       /* the creating function (not main) joins the thread before returning */
    unsigned serial_end; /* main joins it later in the same loop iteration: it runs from
                            `at` to this offset (0: not so) */
} rc_cinst_t;

/* A thread context: the initial thread running `main`, or a start routine. */
typedef struct rc_root {
    uint32_t fn;
    int is_main;
    int multi;         /* several instances may run at once */
    int unknown_start; /* started by another thread: its timing is not tracked */
    int all_sites;     /* every creation site of its routine is one of ci[] (none lies in
                          code no root reaches) */
    rc_cinst_t *ci;    /* how it is started */
    size_t nci;
    rc_mpos_t *joins; /* main-level joins that may wait for it */
    size_t njoins;
    /* What its argument points to, over all creations: */
    const char *arg_global; /* the same global location (access key) every time */
    int arg_same;           /* the same non-global object every time */
    int arg_distinct;       /* a different object or value per thread */
} rc_root_t;

/* A call-graph edge: call `call` of the function may enter function `target`. A
 * direct call has one edge when its callee is defined; a call through an unknown
 * pointer has one per address-taken function of the same type. */
typedef struct rc_edge {
    uint32_t call;
    uint32_t target;
} rc_edge_t;

typedef struct rc_pfn {
    const rc_fn_facts_t *f;
    uint32_t tu; /* index of the TU the facts came from */
    rc_edge_t *edges;
    size_t nedges;
} rc_pfn_t;

/* How a function is reached from a root. */
typedef struct rc_reach {
    uint8_t reached;
    uint8_t many;    /* may run several times per instance of the root */
    uint8_t gated;   /* reached only through the root function's calls under
                        `if (id == c)` (rc_call_t.one_arg) */
    rc_lset_t entry; /* must-hold lockset at entry over all call paths (global lock indexes) */
} rc_reach_t;

/* A fork in the program: pcall `pcall` of function `fn`. */
typedef struct rc_pfork {
    uint32_t fn;
    uint32_t pcall;
} rc_pfork_t;

typedef struct rc_program {
    const rc_tu_facts_t *const *tus;
    size_t ntus;
    rc_pfn_t *fns;
    size_t nfns;
    rc_strtab_t fn_usrs;     /* USR -> index into fns */
    rc_strtab_t locks;       /* global lock identities */
    const char **lock_names; /* parallel to locks.v (borrowed from the TU facts) */
    uint32_t unknown_lock;
    uint32_t *lock_family; /* per lock: the array it is an element of (UINT32_MAX: none) */
    /* per lock: 0 not a semaphore; RC_SEM_BINARY a semaphore every sem_init sets
     * to 1 (used as a lock); RC_SEM_COUNTING any other semaphore (several
     * threads may hold it: it protects nothing) */
    uint8_t *lock_sem;
    uint8_t *lock_wild;  /* per lock: an element whose index is unknown ("X[]") */
    uint8_t *lock_oneof; /* per lock: one of several locks (RC_ONEOF_PREFIX) */
    /* per creation site: the lock index of its "nostart:" mark, UINT32_MAX when
     * no path marks its failure */
    uint32_t *site_nostart;
    /* per function: reached from a function that creates threads and joins them
     * before returning (rc_cinst_t.contained), itself included */
    uint8_t *in_creator;
    uint32_t **lockmap; /* per TU: local lock index -> global lock index */
    uint32_t main_fn;   /* UINT32_MAX when no `main` is defined */
    uint32_t main_root; /* UINT32_MAX when no `main` is defined */
    rc_root_t *roots;
    size_t nroots;
    rc_reach_t *reach;  /* [root * nfns + fn] */
    rc_mpos_t **mtimes; /* per function reached from main: main-level positions */
    size_t *nmtimes;
    rc_psite_t *sites;
    size_t nsites;
    uint32_t *escaped; /* defined functions whose address escapes (callable from anywhere) */
    const char **escaped_types;
    size_t nescaped;
    /* Effective access keys, per function and access: the facts' key with objects
     * reached through a start routine's argument resolved (to the global passed,
     * or kept as the routine's own object), "[p0]" slots turned into "[#]"
     * (one slot per thread) or "[*]"; NULL when the location is not shared or
     * cannot be named. */
    char ***keys;
    /* Processes (step 9). fn_proc, per function: the process its code runs in
     * outside its own child extents: RC_PROC_MAIN (the initial process, or not
     * known to be a child), RC_PROC_MIXED (parent and children), or the index in
     * forks of the fork whose children alone run it. */
    rc_pfork_t *forks;
    size_t nforks;
    uint32_t *fn_proc;
    char ***pkeys; /* per function and pcall: the effective key of rc_pcall_t.obj, or NULL */
    /* Order marks (RC_ONCE_PREFIX, RC_BARRIER_PREFIX, RC_JOIN_PREFIX,
     * RC_ACQ_PREFIX), step 10. mark_kind per lock: 0 a lock, else RC_MARK_ONCE,
     * _BARRIER, _JOIN or _ACQ; mark_obj: the index of its object in once_objs /
     * barriers, or for an acquisition mark the lock's (UINT32_MAX: not a lock
     * of the program); mark_k: a barrier mark's count. */
    uint8_t *mark_kind;
    uint32_t *mark_obj;
    uint8_t *mark_k;
    rc_strtab_t once_objs; /* once object keys */
    rc_strtab_t barriers;  /* barrier keys */
    /* Per barrier (program.c): its count when every pthread_barrier_init of it
     * gives the same constant and at most that many threads ever wait on it (then
     * round k is made of the k-th wait of each of them), else 0 (it orders
     * nothing); and how many waits each root may have passed where. */
    struct rc_barrier_info *bar;
    size_t nphased; /* barriers with a count (that order accesses) */
    /* [root * nfns + fn], NULL when the program has no marks: marks held at fn's
     * entry on every path of root (global lock indexes, marks only). */
    rc_lset_t *mark_entry;
    /* [root * nfns + fn]: the once object whose routine every call path of root to
     * fn goes through (fn runs inside that routine's single run), else
     * RC_ONCE_NONE; NULL when the program has no once call. */
    uint32_t *once_guard;
    /* Per root, NULL when no root has one: the creation lockset, locks that a
     * creating thread (one of cl_holders) holds exclusively from every creation
     * of the root until it joins it (or for ever): the root's whole run lies
     * inside that hold. */
    rc_lset_t *cl;
    uint32_t **cl_holders; /* per root: the creating roots, UINT32_MAX-terminated */
    /* Per function: it may wait on a condition variable (releasing the mutex),
     * itself or through the functions it calls (step 10). */
    uint8_t *cond_waits;
    /* Per global lock, NULL when none: a join mark of a handle naming the main
     * thread (a global main alone sets to pthread_self(); step 10). */
    uint8_t *joins_main;
    /* Per root, NULL when no root has one: its creation handshake (program.c,
     * "handshake"), the creator waiting until the thread has set a flag. */
    struct rc_handshake *hs;
    /* Parameter locks (step 11): per global lock, the parameter a function's lock
     * "\x01p<i>" stands for, or -1 (rc_program_lset turns them into unknown_lock);
     * plock[(root * nfns + fn) * RC_PLOCK_PARAMS + i], NULL when no access holds
     * one: the lock every call path of root into fn passes as argument i, or
     * RC_PLOCK_VARIES / RC_PLOCK_UNSET. rc_program_inst resolves an access's
     * parameter locks with it, so `void munge(pthread_mutex_t *m)` called with
     * different mutexes from two threads protects nothing between them. */
    int8_t *lock_param;
    uint32_t *plock;
    char **plock_names; /* names of the locks step 11 added (owned) */
    size_t nplock_names;
} rc_program_t;

#define RC_PLOCK_PARAMS 4
#define RC_PLOCK_UNSET UINT32_MAX
#define RC_PLOCK_VARIES (UINT32_MAX - 1)

#define RC_MARK_ONCE 1
#define RC_MARK_BARRIER 2
#define RC_MARK_JOIN 3
#define RC_MARK_ACQ 4
#define RC_MARK_NOSTART 5
#define RC_ONCE_NONE UINT32_MAX
#define RC_WAITS_MANY 0xffffu

#define RC_PROC_MAIN UINT32_MAX
#define RC_PROC_MIXED (UINT32_MAX - 1)

/* Step 9: the child extent of fn around offset off, innermost (smallest) first:
 * its fork's index in p->forks, or UINT32_MAX. */
uint32_t rc_program_child_at(const rc_program_t *p, uint32_t fn, unsigned off);

/* The process an event at pos in fn runs in: the fork of the innermost child
 * extent around it, else fn_proc[fn]. */
uint32_t rc_program_proc(const rc_program_t *p, uint32_t fn, const rc_pos_t *pos);

/* Lock identities of semaphores start so ("sem:c:@guard"). */
#define RC_SEM_PREFIX "sem:"
#define RC_SEM_BINARY 1
#define RC_SEM_COUNTING 2

/* A lock taken through a local pointer given several locks (`m = &a;
 * if (c) m = &b;`): "oneof:<id>|<id>...". The thread holds one of them, none
 * for sure: it protects no access (rc_program_protected) and orders no
 * hand-off; lock and unlock through the pointer still pair up. */
#define RC_ONEOF_PREFIX "oneof:"

/* 1 when lock id is one of those of set (an RC_ONEOF_PREFIX id). */
int rc_oneof_has(const char *set, const char *id);

/* Order marks: pseudo-locks the front end adds to the must-hold lockset and never
 * releases, so that the lockset's flow analysis (meets at joins, loop fixpoints,
 * summaries, entry sets) tells which synchronising calls precede an event on
 * every path. They are not locks: rc_program_lset drops them, and program.c reads
 * them apart (rc_program_t.mark_*).
 *   "once:<key>"      pthread_once on the once object <key> has returned: its
 *                     routine has finished (in whichever thread ran it)
 *   "bar:<key>#<k>"   this thread has passed at least k waits on barrier <key>
 *                     (k = 1..RC_BARRIER_MAX_MARK)
 *   "join:<USR>"      the thread whose handle is the plain variable <USR> has
 *                     been joined
 *   "acq:<lock id>"   this thread has taken the lock <lock id> (a lock or a
 *                     successful trylock of it) since it started: it has waited
 *                     for whoever held it before (program.c, lock hand-off)
 *   "nostart:<off>:<USR>"  the thread creation at offset <off> of function <USR>
 *                     failed on this path (`if (pthread_create(..)) { free(arg);
 *                     }`): there is no thread of it to meet (also in the
 *                     functions called there)
 * Once and barrier keys are access keys of one definite object (rc_key_definite). */
#define RC_ONCE_PREFIX "once:"
#define RC_BARRIER_PREFIX "bar:"
#define RC_JOIN_PREFIX "join:"
#define RC_ACQ_PREFIX "acq:"
#define RC_NOSTART_PREFIX "nostart:"
#define RC_BARRIER_MAX_MARK 4

/* Builds the linked view of one program made of tus (which must outlive it). */
void rc_program_build(rc_program_t *p, const rc_tu_facts_t *const *tus, size_t ntus);
void rc_program_close(rc_program_t *p);

static inline const rc_reach_t *rc_program_reach(const rc_program_t *p, uint32_t root, uint32_t fn)
{
    return &p->reach[(size_t)root * p->nfns + fn];
}

/* Translates a TU-local lockset into global lock indexes, without order marks. */
void rc_program_lset(const rc_program_t *p, uint32_t tu, const rc_lset_t *in, rc_lset_t *out);

/* 1 when global lock l names one object: a variable's USR, optionally with a
 * constant index ("c:@locks[3]"); not a field class, an element chosen at run
 * time, a pointer's target, a caller's argument, a semaphore or an order mark. */
int rc_program_one_object(const rc_program_t *p, uint32_t l);

/* The lock identity of an access key when the key names one object ("c:@m\x1e"
 * -> "c:@m", "c:@locks\x1e[2]" -> "c:@locks[2]"), else NULL. Caller frees. */
char *rc_key_lock_id(const char *key);

/* One execution context of an event of function fn at pos, run by root. */
typedef struct rc_inst {
    uint32_t root;
    uint32_t fn;
    const rc_pos_t *pos;
    rc_lset_t ls;    /* effective: entry lockset of fn under root ∪ local lockset */
    rc_lset_t marks; /* order marks held (rc_program_t.mark_entry ∪ the local ones);
                        all zero (none) in an instance not made by rc_program_inst */
} rc_inst_t;

/* Fills an instance: ls = entry lockset of fn under root ∪ the event's local lockset
 * (order marks dropped), marks = the order marks held there. */
void rc_program_inst(const rc_program_t *p, uint32_t root, uint32_t fn, const rc_pos_t *pos,
                     const rc_lset_t *local, rc_inst_t *out);
/* 1 when the two instances may run at the same time in different threads. */
int rc_program_concurrent(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b);
/* 1 when pthread_once or a barrier orders the two instances (one happens before
 * the other): part of rc_program_concurrent. */
int rc_program_ordered(const rc_program_t *p, const rc_inst_t *a, const rc_inst_t *b);
/* The once object whose routine alone runs fn under root (RC_ONCE_NONE). */
uint32_t rc_program_once_guard(const rc_program_t *p, uint32_t root, uint32_t fn);
/* 1 when locksets a and b keep two accesses apart: a common lock not held shared on
 * both sides (an array lock with an unknown index counts as any element of its
 * array), or an unidentified lock on either side. */
int rc_program_protected(const rc_program_t *p, const rc_lset_t *a, const rc_lset_t *b);
/* Appends "'m', 'n' (shared)" or "no lock" to b. */
void rc_program_lset_str(const rc_program_t *p, const rc_lset_t *s, rc_strbuf_t *b);
/* The functions a signal handler runs: hf and every function reached from it
 * through direct calls of named functions (calls through pointers are not
 * followed), in breadth-first order into order[0..n); returns n. For each f
 * reached, seen[f] = 1, parent[f] is the function that calls it first on that
 * order (UINT32_MAX for hf) and pcall[f] the index of that call in parent[f]'s
 * calls. All four arrays are the caller's, nfns entries each. */
size_t rc_program_handler_reach(const rc_program_t *p, uint32_t hf, uint8_t *seen, uint32_t *order,
                                uint32_t *parent, uint32_t *pcall);

/* Length of the root (variable) part of an access key, separator included. */
size_t rc_key_root_len(const char *key);
/* 1 when two effective keys may denote overlapping storage: the same root, and
 * one path a prefix of the other component by component, where "[*]" matches
 * any element. "[#]" is the slot of the running thread (or child): with
 * distinct_slots (two threads of one routine, two children of one fork), two
 * "[#]" differ; otherwise it matches any element. A component ending in '>'
 * (".buf>", "[2]>", ">") is the object the pointer stored there points to: it
 * overlaps neither that pointer nor any other part of the pointer's holder. */
int rc_keys_overlap(const char *a, const char *b, int distinct_slots);
/* 1 when facts key k names one object for the whole run: a global or static
 * variable (not what a pointer points to, not a parameter's object), with a path
 * of fields and constant indexes only. */
int rc_key_definite(const char *k);

/* 1 when some pthread_mutex_init-like call initialises global lock l with
 * attributes, or a typed static initialiser does (rc_tu_facts_t.typed_locks):
 * it may be recursive or error-checking. */
int rc_program_lock_has_attributes(const rc_program_t *p, uint32_t l);

/* The last lock or trylock of global lock l in function f before offset off,
 * or NULL. */
const rc_lockop_t *rc_program_last_acquire(const rc_program_t *p, uint32_t f, uint32_t l,
                                           unsigned off);

/* A signal handler installation: sighands[idx] of function fn. */
typedef struct rc_install {
    uint32_t fn;
    size_t idx;
} rc_install_t;

/* Every installation of the program, by file and offset (the first one reaching
 * a place is the one to cite). *out is the caller's (free). */
size_t rc_program_installs(const rc_program_t *p, rc_install_t **out);

/* ---- Rules (rules/) ------------------------------------------------------- */

typedef int (*rc_rule_fn)(const rc_program_t *p, rc_findings_t *out, rc_error_t *err);

typedef struct rc_rule_entry {
    const char *id;
    rc_rule_fn check;
} rc_rule_entry_t;

/* The rule table: every static rule, in a fixed order. */
extern const rc_rule_entry_t rc_static_rules[];
extern const size_t rc_static_nrules;

#endif /* RC_ANALYZER_INTERNAL_H */
