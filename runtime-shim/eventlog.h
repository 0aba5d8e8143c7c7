/*
 * eventlog.h - the shim's on-disk event log: its format, and the reader that
 * racecheck uses to ingest it. Shared by the preloaded library (writer) and
 * racecheck (reader); the reader never runs inside the target.
 *
 * One log per process: <RACECHECK_LOG_DIR>/rc-<pid>.log, plus a sidecar
 * rc-<pid>.log.maps, a copy of /proc/self/maps taken at start and at exit, so
 * that call-site addresses can be symbolised after the process is gone.
 *
 * File layout (little endian, all offsets in bytes):
 *
 *   offset  size  field
 *   0       4096  header (rc_log_header_t, zero padded)
 *   4096    ...   chunks of RC_LOG_CHUNK_RECORDS records; a thread owns a chunk
 *                 at a time and takes the next free one with an atomic add on
 *                 header.next_chunk
 *
 * Record (rc_event_t, 40 bytes):
 *
 *   offset  size  field  meaning
 *   0       8     ts     CLOCK_MONOTONIC nanoseconds
 *   8       8     obj    address of the sync object, or the start routine for THREAD_START
 *   16      8     site   return address in the caller of the interposed function
 *   24      8     arg    op-specific (see rc_event_op)
 *   32      4     tid    shim thread number: 0 for the main thread, then 1, 2, ... in creation order
 *   36      2     op     rc_event_op; 0 marks a slot never written (end of a chunk's data)
 *   38      2     flags  op-specific
 *
 * The op field is stored last, with release semantics, so a record is either
 * complete or reads as empty: a log cut by SIGKILL or a crash stays readable.
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
    RC_EV_THREAD_START = 1,  /* obj = start routine, arg = OS tid, flags: 1 = main thread */
    RC_EV_THREAD_EXIT = 2,   /* arg = number of locks still held */
    RC_EV_THREAD_CREATE = 3, /* arg = child's shim tid; obj = start routine */
    RC_EV_THREAD_JOIN = 4,   /* arg = joined thread's shim tid (~0 if unknown) */
    RC_EV_THREAD_DETACH = 5, /* arg = detached thread's shim tid */
    RC_EV_LOCK_WAIT = 6,     /* about to block acquiring obj; flags = rc_lock_kind */
    RC_EV_LOCK_ACQUIRED = 7, /* obj acquired; arg = ns waited; flags = rc_lock_kind | RC_LOCK_TRY */
    RC_EV_LOCK_TRY_FAILED = 8,
    RC_EV_LOCK_RELEASED = 9, /* flags = rc_lock_kind */
    RC_EV_COND_WAIT = 10,    /* obj = condvar, arg = mutex released while waiting */
    RC_EV_COND_WOKEN = 11,   /* obj = condvar, arg = mutex re-acquired */
    RC_EV_COND_SIGNAL = 12,  /* obj = condvar; flags: 1 = broadcast */
};

/* Kind of lock in flags (low byte) and modifiers (high bits). */
enum rc_lock_kind {
    RC_LOCK_MUTEX = 1,
    RC_LOCK_RWLOCK_READ = 2,
    RC_LOCK_RWLOCK_WRITE = 3,
    RC_LOCK_SPIN = 4,
    RC_LOCK_C11_MUTEX = 5,
};
#define RC_LOCK_KIND(flags) ((flags) & 0xff)
#define RC_LOCK_TRY 0x100 /* acquired by a trylock: cannot block, cannot deadlock */

typedef struct rc_log_header {
    char magic[8];        /* RC_LOG_MAGIC, no NUL */
    uint32_t version;     /* RC_LOG_VERSION */
    uint32_t record_size; /* sizeof(rc_event_t) */
    uint32_t chunk_records;
    int32_t pid;
    int32_t ppid;
    uint32_t flags;        /* RC_LOG_F_* */
    uint64_t start_ns;     /* CLOCK_MONOTONIC at start */
    uint64_t start_wall;   /* CLOCK_REALTIME seconds at start */
    uint64_t next_chunk;   /* chunks handed out so far (atomic) */
    uint64_t dropped;      /* events dropped because the log was full (atomic) */
    int32_t exit_status;   /* valid when RC_LOG_F_EXITED */
    uint32_t reserved;
    char exe[1024];        /* /proc/self/exe at start, NUL terminated */
} rc_log_header_t;

#define RC_LOG_F_EXITED 1u /* the process ran its exit path (not killed) */

/* ---- Reader (used by racecheck, never inside the target) ---------------- */

typedef struct rc_eventlog rc_eventlog_t;

typedef struct rc_eventlog_info {
    int pid, ppid;
    const char *exe;
    uint64_t start_ns;
    int exited;          /* the process ran its exit path */
    int exit_status;
    size_t nevents;      /* complete records read */
    size_t ntorn;        /* chunk slots that were cut off (truncated file) */
    uint64_t dropped;    /* events the shim had to drop */
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
 * the address is in no known module. Results are cached per address. */
int rc_eventlog_symbolize(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out);

void rc_eventlog_close(rc_eventlog_t *log);

#endif /* RC_EVENTLOG_H */
