/*
 * ingest_int.h - the state of one shim-log ingestion (ingest_shim.c), shared
 * with the misuse analyses (misuse.c). Private to the report module.
 */
#ifndef RC_INGEST_INT_H
#define RC_INGEST_INT_H

#include <stdint.h>

#include "eventlog.h"
#include "keymap.h"
#include "lockgraph.h"
#include "store_int.h"

/* One misuse observed at a call site, aggregated over repetitions. */
typedef struct misuse {
    const char *rule;   /* static string */
    uint64_t site, obj; /* where, and the lock or condvar */
    uint32_t tid;       /* the thread that did it (first time) */
    int64_t other;      /* another thread or lock involved, -1 if none */
    uint64_t aux;       /* rule-specific: an errno, a count of locks, a mutex */
    uint64_t held_site; /* where the lock involved was acquired, when it was held; 0 if not */
    int64_t held_by;    /* the thread that held it then, -1 if none */
    uint64_t count;
    int pending;     /* a wait on a lock already held: a self-deadlock unless it returns */
    int cancelled;   /* the wait returned (recursive mutex, error-checking mutex) */
    unsigned detail; /* rule-specific flags (thread.join-detached: RC_DETACH_CREATED) */
} misuse_t;

/* The last detach of a thread handle (THREAD_DETACH), for
 * thread.join-detached; live until a join of the handle succeeds (the
 * handle then names another thread). */
typedef struct detach {
    uint64_t handle, site;
    uint64_t tid;   /* the detached thread's shim tid, ~0 if unknown */
    uint32_t by;    /* the thread that detached it (or created it detached) */
    unsigned flags; /* RC_DETACH_CREATED */
    int live;
} detach_t;

/* A condition variable: the mutex its waits use (first wait since its last
 * destroy; 0 after a destroy) and where, and the threads in a wait on it
 * now, `awake` of them woken by a signal or broadcast that has not returned
 * yet (counts: which waiter a signal woke is not recorded). */
typedef struct cond_use {
    uint64_t cond, mutex, site;
    uint32_t waiting, awake;
} cond_use_t;

typedef struct hold {
    size_t lock;
    uint64_t site, ts;
} hold_t;

/* Vector clocks are kept up to this many threads; past it (O(n^2) memory)
 * every pair of edges is taken to be able to overlap. */
#define RC_VC_MAX_THREADS 4096

typedef struct thr {
    int seen, exited, joined, detached, created;
    int64_t waiting; /* lock index it is blocked on (LOCK_WAIT not yet answered), -1 if none */
    uint64_t *vc;    /* vc[t]: the latest clock of thread t this thread knows */
    size_t nvc;
    uint32_t parent;
    uint64_t os_tid, routine, create_site;
    uint64_t start_ts, end_ts, create_ts, join_ts;
    uint64_t locks_at_exit;
    hold_t *held;
    size_t nheld, cap;
    uint64_t cond_obj, cond_site; /* the condition variable it waits on now (COND_WAIT not
                                     yet answered by COND_WOKEN) and where; 0 if none */
    /* Signal handlers running in this thread (SIGNAL_ENTER not yet matched
     * by SIGNAL_EXIT), innermost last; past RC_SIG_NEST only counted. While
     * one runs, held[0 .. sig_base) is what the interrupted code holds. */
    uint32_t sig_depth;
    size_t sig_base[8];
    int sig_no[8];
} thr_t;
#define RC_SIG_NEST 8

typedef struct lk {
    uint64_t addr;
    int kind;
    uint64_t first_site;
    uint64_t first_ts; /* of the record that first named it */
    uint64_t acquisitions, contended, wait_ns, max_wait_ns, hold_ns, max_hold_ns;
    uint64_t owner_changes; /* acquisitions by another thread than the one before */
    uint32_t last_owner;    /* tid + 1 of the thread that acquired it last; 0: none */
    char *name;             /* symbol of the lock object, if it has one */
    int64_t row_id;
    /* Signal handlers (misuse.c): the first acquisition or wait inside a
     * handler (not a trylock), and the first acquisition outside any. */
    uint64_t handler_site, outside_site, outside_ts;
    uint32_t handler_tid;
    int handler_sig, outside_seen, self_deadlock;
} lk_t;

typedef struct edge {
    rc_lg_edge_t g;
    uint64_t *vc; /* owned copy behind g.vc */
    uint64_t from_site, to_site, count;
} edge_t;

/* A happens-before source other than create/join: a semaphore counted from 0
 * (each post happens-before the waits after it) or a pthread_once control
 * (the routine happens-before every return). vc joins what was published. */
typedef struct hb_obj {
    uint64_t obj;
    int signalling; /* a semaphore initialised to 0 (SEM_INIT seen) */
    int mtype;      /* a mutex: RC_MUTEX_<type> + 1 from its LOCK_INIT, 0 if none */
    uint64_t *vc;
    size_t nvc;
} hb_obj_t;

/* One thread of the cycle the deadlock watchdog stopped the program on
 * (RC_EV_DEADLOCK, RC_DEADLOCK_WAITS). */
typedef struct dl_wait {
    uint32_t tid;
    size_t lock;     /* the lock it waits for */
    uint64_t site;   /* where */
    uint64_t holder; /* the thread holding it */
} dl_wait_t;

/* A MAP_SHARED region of the process (RC_EV_MAP_SHARED), for
 * proc.mutex-not-pshared. */
typedef struct shmap {
    uint64_t addr, len, site;
    unsigned flags; /* RC_MAP_* */
    int live;       /* not unmapped yet */
    int forked;     /* a child was forked while it was mapped: the child shares it */
} shmap_t;

/* A packed chunk of trace events (trace_chunks row). */
typedef struct trace_chunk {
    uint8_t *data; /* owned */
    size_t len, n;
    uint64_t first_ts, last_ts;
} trace_chunk_t;

typedef struct ingest {
    rc_eventlog_t *log;
    thr_t *thr;
    size_t nthr;
    lk_t *locks;
    size_t nlocks, capl;
    rc_keymap_t lockmap, edgemap;
    /* In front of lockmap (looked up for every lock record): addr -> lock
     * index + 1 in a direct-mapped cache (0: empty). */
    uint64_t lock_cache_addr[64];
    size_t lock_cache_idx[64];
    edge_t *edges;
    size_t nedges, cape;
    int vc_off;    /* too many threads for vector clocks */
    misuse_t *mis; /* misuse.c */
    size_t nmis, capm;
    rc_keymap_t mismap;
    int exited;        /* the process ran its exit path (not killed) */
    int incomplete;    /* the shim dropped events (its log was full) */
    cond_use_t *conds; /* condition variables waited on */
    size_t nconds;
    rc_keymap_t condmap;  /* condvar -> index in conds */
    uint64_t now;         /* ts of the record being replayed */
    int deadlocked;       /* the watchdog stopped the process (header flag) */
    uint32_t deadlock_ms; /* after that many ms of a stable wait-for cycle */
    dl_wait_t *dl;        /* its cycle */
    size_t ndl;
    hb_obj_t *hb; /* semaphores and once controls */
    size_t nhb;
    rc_keymap_t hbmap;
    shmap_t *maps; /* misuse.c: shared regions, in mapping order */
    size_t nmaps;
    detach_t *detaches; /* misuse.c: the last detach of each thread handle */
    size_t ndetaches;
    rc_keymap_t detachmap; /* handle -> index in detaches */
    /* run --trace (keep_events): the records packed as they are replayed,
     * in chunks of RC_TRACE_CHUNK_EVENTS, and the distinct call sites. */
    int keep_events;
    rc_evpack_t pack;      /* the chunk being packed */
    trace_chunk_t *chunks; /* the full ones, owned */
    size_t nchunks;
    rc_keymap_t trace_seen; /* site -> index in trace_sites */
    uint64_t *trace_sites;
    size_t ntrace_sites;
} ingest_t;

thr_t *rc_ing_thread_at(ingest_t *in, uint32_t tid);
size_t rc_ing_lock_at(ingest_t *in, uint64_t addr, int kind, uint64_t site);
/* A call site (a return address) as file:line:col and function. */
void rc_ing_symbolize(ingest_t *in, uint64_t addr, rc_loc_t *loc);
/* A code or data address as it is (a start routine, a lock object). */
void rc_ing_symbolize_exact(ingest_t *in, uint64_t addr, rc_loc_t *loc);
/* "'name'" or a description of the lock's first site; caller frees. */
char *rc_ing_lock_label(ingest_t *in, size_t l);
/* "the main thread" or "thread T3 (worker)"; caller frees. */
char *rc_ing_thread_label(ingest_t *in, uint32_t tid);

/* misuse.c: called for every event before ingest_shim.c updates its state,
 * then once at the end (after the summary-mode lock table was merged, which
 * calls rc_misuse_unrecorded) to turn what was seen into findings. */
void rc_misuse_unrecorded(ingest_t *in, size_t l, uint64_t site, uint64_t ts);
void rc_misuse_event(ingest_t *in, const rc_event_t *ev);
void rc_misuse_findings(ingest_t *in, rc_findings_t *out);
void rc_misuse_close(ingest_t *in);

/* Events per trace_chunks row (run --trace; see ingest_shim.c). */
#define RC_TRACE_CHUNK_EVENTS 65536

#endif /* RC_INGEST_INT_H */
