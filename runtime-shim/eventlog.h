/*
 * eventlog.h - the shim's on-disk event log: its format, and the reader that
 * racecheck uses to ingest it. Shared by the preloaded library (writer) and
 * racecheck (reader); the reader never runs inside the target.
 *
 * One log per process: <RACECHECK_LOG_DIR>/rc-<pid>.log, plus a sidecar
 * rc-<pid>.log.maps, a copy of /proc/self/maps taken at start and at exit, so
 * that call-site addresses can be symbolised after the process is gone. When
 * that name is taken (the process exec'd another program under the shim, or a
 * stale log of an earlier run has the same pid) the log is rc-<pid>-<n>.log,
 * n = 1, 2, ...; glob rc-*.log to find every log of a run. A forked child
 * writes its own log (header.ppid = the parent's pid), opened at its first
 * recorded call: a child that only execs or _exits leaves none, and the
 * parent's FORK event names it either way.
 *
 * Enabling: the shim records only when RACECHECK_LOG_DIR names a directory;
 * unset or empty, it passes every call through untouched. RACECHECK_LOG_MB
 * (default 256) sizes the log: the file is created sparse at that size and
 * mapped MAP_SHARED, so what was written survives SIGKILL and crashes.
 *
 * File layout (little endian, all offsets in bytes):
 *
 *   offset  size  field
 *   0       4096  header (rc_log_header_t, zero padded)
 *   4096    ...   chunks of RC_LOG_CHUNK_RECORDS records; a thread owns a chunk
 *                 at a time and takes the next free one by atomically
 *                 incrementing header.next_chunk (never past chunk_capacity)
 *
 * Record (rc_event_t, 40 bytes):
 *
 *   offset  size  field  meaning
 *   0       8     ts     CLOCK_MONOTONIC nanoseconds
 *   8       8     obj    address of the sync object, or the start routine for THREAD_START
 *   16      8     site   return address in the caller of the interposed function; 0 in
 *                        records the shim makes on its own (thread start and exit,
 *                        locks inherited across fork)
 *   24      8     arg    op-specific (see rc_event_op)
 *   32      4     tid    shim thread number: 0 = main thread, then 1, 2, ... in creation order
 *   36      2     op     rc_event_op; 0 marks a slot never written (end of a chunk's data)
 *   38      2     flags  op-specific
 *
 * The op field is stored last, with release semantics, so a record is either
 * complete or reads as empty: a log cut by SIGKILL or a crash stays readable.
 * Within a chunk the records of its thread follow in program order; a thread's
 * chunks are taken in increasing order, so file order is program order per tid.
 * (A thread that exits leaves the rest of its chunk to a thread that has not
 * written yet: such a chunk holds the last records of one tid, then the first
 * ones of another, and the rule still holds.)
 *
 * Timestamps: an event that publishes something to other threads (unlock,
 * signal, create, fork) carries the time taken just before the real call, and
 * an event that consumes (acquired, woken, join) the time after it, so sorting
 * by ts never puts an acquisition before the release it waited for.
 */
#ifndef RC_EVENTLOG_H
#define RC_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

#define RC_LOG_MAGIC "RCEVLOG1"
#define RC_LOG_VERSION 1
#define RC_LOG_HEADER_SIZE 4096
#define RC_LOG_CHUNK_RECORDS 4096

typedef struct rc_event {
    uint64_t ts;
    uint64_t obj;
    uint64_t site;
    uint64_t arg;
    uint32_t tid;
    uint16_t op;
    uint16_t flags;
} rc_event_t;

/* Operations. `arg` per op in the comment. */
enum rc_event_op {
    RC_EV_NONE = 0,
    RC_EV_THREAD_START = 1,  /* obj = start routine (0: main, forked, or started inside glibc),
                                arg = OS tid, flags: RC_START_* */
    RC_EV_THREAD_EXIT = 2,   /* arg = number of locks still held; flags: RC_EXIT_* */
    RC_EV_THREAD_CREATE = 3, /* arg = child's shim tid; obj = start routine */
    RC_EV_THREAD_JOIN = 4,   /* obj = pthread_t; arg = joined thread's shim tid (~0 if unknown) */
    RC_EV_THREAD_DETACH = 5, /* obj = pthread_t; arg = detached thread's shim tid (~0 if unknown) */
    RC_EV_LOCK_WAIT = 6, /* about to block acquiring obj; flags = rc_lock_kind | RC_LOCK_TIMED */
    RC_EV_LOCK_ACQUIRED = 7,   /* obj acquired; arg = ns waited; flags = rc_lock_kind | modifiers */
    RC_EV_LOCK_TRY_FAILED = 8, /* obj not acquired; arg = the error returned (EBUSY, ETIMEDOUT,
                                  EDEADLK, ...); flags = rc_lock_kind | RC_LOCK_TRY/TIMED */
    RC_EV_LOCK_RELEASED = 9,   /* flags = rc_lock_kind; with RC_LOCK_ERROR the unlock failed and
                                  arg = its error (EPERM: not the owner) */
    RC_EV_COND_WAIT = 10,      /* obj = condvar, arg = mutex released while waiting (a
                                  LOCK_RELEASED follows when the thread held it) */
    RC_EV_COND_WOKEN = 11,     /* obj = condvar, arg = mutex re-acquired; flags: RC_WOKEN_*;
                                  the time waited is its ts minus COND_WAIT's */
    RC_EV_COND_SIGNAL = 12,    /* obj = condvar; flags: 1 = broadcast */
    RC_EV_FORK = 13,           /* in the parent: arg = child pid (its log has ppid = this pid) */
    RC_EV_LOCK_DESTROY = 14,   /* obj destroyed (its address may name another lock later);
                                  flags = rc_lock_kind (rwlocks: WRITE); arg = the result
                                  (EBUSY: it was locked) */
};
#define RC_EV_OP_MAX RC_EV_LOCK_DESTROY

/* THREAD_START flags. */
#define RC_START_MAIN 1u   /* the process's initial thread (no start routine) */
#define RC_START_FORKED 2u /* first event of a forked child; the thread keeps its shim tid */
/* THREAD_EXIT flags. */
#define RC_EXIT_PROCESS 1u /* the process exited from this thread (exit() or return from main) */
/* COND_WOKEN flags. */
#define RC_WOKEN_TIMEOUT 1u  /* timed wait returned ETIMEDOUT */
#define RC_WOKEN_CANCELED 2u /* the thread was cancelled in the wait (mutex re-acquired) */
#define RC_WOKEN_ERROR 4u    /* the wait failed (EINVAL, EPERM, ...) */

/* Kind of lock in flags (low byte) and modifiers (high bits). */
enum rc_lock_kind {
    RC_LOCK_MUTEX = 1,
    RC_LOCK_RWLOCK_READ = 2,
    RC_LOCK_RWLOCK_WRITE = 3,
    RC_LOCK_SPIN = 4,
    RC_LOCK_C11_MUTEX = 5,
};
#define RC_LOCK_KIND(flags) ((flags)&0xff)
#define RC_LOCK_TRY 0x100   /* acquired by a trylock: cannot block, cannot deadlock */
#define RC_LOCK_TIMED 0x200 /* a timed lock: may block, but gives up (a stall, not a deadlock) */
#define RC_LOCK_COND 0x400  /* re-acquired when a condition wait returns (arg = 0) */
#define RC_LOCK_ERROR 0x800 /* RELEASED: the unlock returned an error, nothing was released */
#define RC_LOCK_INHERITED 0x1000 /* ACQUIRED at a forked child's start: held across fork() */

typedef struct rc_log_header {
    char magic[8];        /* RC_LOG_MAGIC, no NUL */
    uint32_t version;     /* RC_LOG_VERSION */
    uint32_t record_size; /* sizeof(rc_event_t) */
    uint32_t chunk_records;
    int32_t pid;
    int32_t ppid;
    uint32_t flags;          /* RC_LOG_F_* */
    uint64_t start_ns;       /* CLOCK_MONOTONIC at start */
    uint64_t start_wall;     /* CLOCK_REALTIME seconds at start */
    uint64_t next_chunk;     /* chunks handed out so far (atomic) */
    uint64_t dropped;        /* events dropped: log or file system full (atomic) */
    int32_t exit_status;     /* valid when RC_LOG_F_EXITED */
    uint32_t chunk_capacity; /* chunks the file was sized for (was `reserved`) */
    char exe[1024];          /* /proc/self/exe at start, NUL terminated */
} rc_log_header_t;

#define RC_LOG_F_EXITED 1u /* the process ran its exit path (not killed) */

/* ---- Reader (used by racecheck, never inside the target) ---------------- */

typedef struct rc_eventlog rc_eventlog_t;

typedef struct rc_eventlog_info {
    int pid, ppid;
    const char *exe;
    uint64_t start_ns;
    int exited; /* the process ran its exit path */
    int exit_status;
    size_t nevents;      /* complete records read */
    size_t ntorn;        /* chunks handed out whose data the end of the file cuts before
                            their end marker: each lost an unknown number of records */
    uint64_t dropped;    /* events the shim had to drop: log or file system full (or,
                            rarely, a lock a thread took after its last destructor ran) */
    uint64_t start_wall; /* CLOCK_REALTIME seconds at start (to date start_ns) */
} rc_eventlog_info_t;

/* Opens and validates a log. A log cut short (crash, SIGKILL, truncated copy)
 * opens and yields every complete record; ntorn says how much was lost.
 * Errors: RC_ENOENT, RC_EIO, RC_EFOREIGN (not a racecheck log / bad header).
 * *out is owned by the caller (rc_eventlog_close). */
int rc_eventlog_open(const char *path, rc_eventlog_t **out, rc_error_t *err);
const rc_eventlog_info_t *rc_eventlog_info(const rc_eventlog_t *log);

/* All complete records, ordered by ts (ties: tid, then order within the thread).
 * The array belongs to the log. */
const rc_event_t *rc_eventlog_events(const rc_eventlog_t *log, size_t *n);

/* Resolves a code address of the logged process to file, line, column and
 * function (libdw over the maps sidecar). Fills *out (caller closes it with
 * rc_loc_close); file is NULL when there is no debug info. RC_ENOENT when
 * the address is in no known module (or the sidecar is missing). Results are
 * cached per address.
 *
 * addr is a raw return address, as stored in rc_event_t.site: the symbolizer
 * looks up addr - 1, the call instruction, so that a call that ends a line or
 * a noreturn call at the end of a function resolve to the call itself. */
int rc_eventlog_symbolize(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out);

/* Same, for an exact code address (a start routine in THREAD_START/CREATE's
 * obj): no adjustment. */
int rc_eventlog_symbolize_exact(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out);

/* "LOCK_ACQUIRED", ...; "?" for an unknown op. Static strings. */
const char *rc_eventlog_op_name(unsigned op);

void rc_eventlog_close(rc_eventlog_t *log);

#endif /* RC_EVENTLOG_H */
