/*
 * proc_model.h - what the proc.* rules share: which pointers hold memory shared
 * between processes, in which processes each function runs, and when a forked
 * child may be running as seen from its parent.
 *
 * Processes ("contexts") of an event: the children of fork K when the event lies
 * in a child extent of K (rc_child_t) or in a function called only from such
 * code; the initial process otherwise. A function reached both ways has both
 * contexts. Forks are numbered as in rc_program_t.forks; at most PROC_MAX_FORKS
 * are told apart (the others are never a child context).
 *
 * Timeline: like threads in program.c, events are ordered by their main-level
 * positions (rc_program_t.mtimes), or by their own offsets when they are in the
 * function that forks. A child of fork K runs from the fork until a wait of the
 * parent that must come after the fork: a wait later in the same loop iteration
 * (one child at a time), or a wait whose loop ends before the event.
 */
#ifndef RC_ANALYZER_PROC_MODEL_H
#define RC_ANALYZER_PROC_MODEL_H

#include "rules.h"

#define PROC_MAX_FORKS 64

/* A pointer variable that holds a shared mapping. */
typedef struct proc_shm {
    uint32_t fn, pcall; /* the mapping call cited */
    int anon;           /* every mapping stored in it is anonymous */
} proc_shm_t;

/* Where an event's process context set is kept: bit K = children of fork K. */
typedef struct proc_ctx {
    uint64_t kids;
    uint8_t main; /* the initial process */
} proc_ctx_t;

typedef struct proc_model {
    const rc_program_t *p;
    rc_strtab_t shm_usrs; /* USR of each pointer variable holding a shared mapping */
    proc_shm_t *shm;      /* parallel */
    proc_ctx_t *ctx;      /* per function, outside its own child extents */
    rc_pfork_t *waits;    /* waits run by the initial process: (fn, pcall) */
    size_t nwaits;
    rc_edge_t **callers; /* per function: (call index, caller) of every edge into it */
    size_t *ncallers;
} proc_model_t;

/* Builds the model of p (which must outlive it); proc_model_close frees it. */
void proc_model_init(proc_model_t *m, const rc_program_t *p);
void proc_model_close(proc_model_t *m);

/* Index in m->shm of the pointer whose object key (an effective access key,
 * "*<USR>\x1e...") names, or UINT32_MAX when it is not shared memory. */
uint32_t proc_shm_of(const proc_model_t *m, const char *key);

/* The processes an event at pos in fn runs in. */
proc_ctx_t proc_ctx_of(const proc_model_t *m, uint32_t fn, const rc_pos_t *pos);

/* 1 when a child of fork k may be running while the initial process runs the
 * event at pos in fn. */
int proc_child_alive(const proc_model_t *m, uint32_t k, uint32_t fn, const rc_pos_t *pos);

/* 1 when the initial process must have waited for the children of fork k before
 * the event at pos in fn. */
int proc_waited(const proc_model_t *m, uint32_t k, uint32_t fn, const rc_pos_t *pos);

/* 1 when fork k may have several children running at once (a loop, or a function
 * that forks called several times). */
int proc_many_children(const proc_model_t *m, uint32_t k);

/* 1 when children of forks a and b (a != b) may run at the same time. */
int proc_forks_overlap(const proc_model_t *m, uint32_t a, uint32_t b);

/* The effective key of a semaphore held at offset off of fn: a sem_wait of it
 * earlier in fn with no sem_post of it in between (offsets, not paths), or one
 * held at every call of fn (callers followed a few levels up). NULL when none.
 * A semaphore is taken to be used as a lock (initial value 1). */
const char *proc_sem_held(const proc_model_t *m, uint32_t fn, unsigned off);

/* The effective key of access acc of fn for the process rules (owned, or NULL
 * when the access has none): as rc_program_t.keys, except that in a function
 * only children run, an index chosen by a parameter ("[p<i>]" in the facts) is
 * taken to be the child's own slot ("[#]"), as it is for a thread's argument:
 * `work(shm, i)` called by each child with its loop counter. */
char *proc_access_key(const proc_model_t *m, uint32_t fn, uint32_t acc);

/* The fork's pcall. */
const rc_pcall_t *proc_fork_call(const proc_model_t *m, uint32_t k);

/* A lockset for an event: the entry lockset of fn under the main root when main
 * reaches it (else under the first root that does) joined with the local one. */
void proc_lockset(const proc_model_t *m, uint32_t fn, const rc_pos_t *pos, const rc_lset_t *local,
                  rc_lset_t *out);

#endif /* RC_ANALYZER_PROC_MODEL_H */
