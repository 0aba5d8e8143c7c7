/*
 * summary.h - what the runtime runs of a store saw (processes, threads,
 * locks), loaded once and shared by the renderers. Private to the report
 * module.
 */
#ifndef RC_SUMMARY_H
#define RC_SUMMARY_H

#include "store_int.h"

typedef struct rc_sum_thread {
    int tid;
    char *routine, *file;
    int line, joined, detached;
} rc_sum_thread_t;

typedef struct rc_sum_lock {
    int64_t id; /* row id in the store */
    char *kind, *name, *file;
    uint64_t addr;
    int line;
    int64_t acquisitions, contended, wait_ns, max_wait_ns, hold_ns, max_hold_ns;
    int64_t owner_changes; /* acquisitions by another thread than the one before; -1: not
                              known (stored by a racecheck before schema 8) */
} rc_sum_lock_t;

/* "thread TID acquired TO while holding FROM" (indices into locks[]). */
typedef struct rc_sum_edge {
    size_t from, to;
    int tid, trylock;
    int64_t count;
    char *from_file, *to_file;
    int from_line, to_line;
} rc_sum_edge_t;

typedef struct rc_sum_process {
    int pid, ppid, exited, exit_status;
    int execed; /* a program exec'd by process ppid in its place (not a fork) */
    char *exe;
    int64_t records, torn, dropped;
    rc_sum_thread_t *threads;
    size_t nthreads;
    rc_sum_lock_t *locks; /* most acquired first */
    size_t nlocks;
    rc_sum_edge_t *edges;
    size_t nedges;
} rc_sum_process_t;

typedef struct rc_sum_run {
    int64_t id;
    char *command;
    int status;
    rc_sum_process_t *procs;
    size_t nprocs;
} rc_sum_run_t;

typedef struct rc_summary {
    rc_sum_run_t *runs;
    size_t nruns;
} rc_summary_t;

/* Loads the newest finished shim run of each command, or only RUN_ID when it
 * is not 0. rc_summary_close frees it. */
int rc_summary_load(rc_store_t *st, int64_t run_id, rc_summary_t *out, rc_error_t *err);
void rc_summary_close(rc_summary_t *s);

/* One line of a contention profile: locks that read alike (same kind, name
 * and first site, such as the 32 futures of a pool) share a row, with their
 * counts and times summed and their maxima. */
typedef struct rc_sum_lock_row {
    rc_sum_lock_t lock; /* the most contended of them, with the sums (strings borrowed from P) */
    size_t count;       /* locks in the row (1: a lock of its own) */
} rc_sum_lock_row_t;

/* P's locks as profile rows, most contended first; *n gets the number of rows.
 * The caller frees the array with free(); it borrows P's strings. Locks without
 * a name are never grouped (their addresses are all they show). */
rc_sum_lock_row_t *rc_summary_lock_rows(const rc_sum_process_t *p, size_t *n);

/* Sets on_cycle[i] (P->nedges entries, caller-allocated) to 1 when edge i of
 * P joins two locks of one strongly connected component of the lock-order
 * graph (a self edge counts), else 0: the edges a deadlock could go through.
 * Iterative (Tarjan with an explicit stack), so any graph size is safe. */
void rc_summary_edges_on_cycle(const rc_sum_process_t *p, int *on_cycle);

#endif /* RC_SUMMARY_H */
