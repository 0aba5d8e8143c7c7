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
 * n = 1, 2, ...; glob rc-*.log to find every log of a run. An exec'd image
 * marks the log of the image it replaced (RC_LOG_F_REPLACED) and takes the
 * pid as its ppid (RC_LOG_F_EXEC), so the process tree links the two. A forked child
 * writes its own log (header.ppid = the parent's pid), opened at its first
 * recorded call: a child that only execs or _exits leaves none, and the
 * parent's FORK event names it either way. fork, _Fork, vfork and
 * posix_spawn all make FORK records; a vfork child records nothing before it execs or _exits
 * (it runs in its parent's memory), and its exec'd image, like any other,
 * writes a log with ppid = the parent.
 *
 * Enabling: the shim records only when RACECHECK_LOG_DIR names a directory;
 * unset or empty, it passes every call through untouched. RACECHECK_LOG_MB
 * (default 256) sizes the log: the file is created sparse at that size and
 * mapped MAP_SHARED, so what was written survives SIGKILL and crashes.
 * RACECHECK_DEADLOCK_TIMEOUT=S (seconds, decimals allowed) starts a watchdog
 * thread: a wait-for cycle among threads blocked in lock calls that lasts S
 * seconds is written as DEADLOCK records, the header gets RC_LOG_F_DEADLOCK,
 * and the process ends with exit status RC_DEADLOCK_EXIT (86).
 *
 * File layout (little endian, all offsets in bytes):
 *
 *   offset  size  field
 *   0       4096  header (rc_log_header_t, zero padded)
 *   4096    ...   chunks of RC_LOG_CHUNK_RECORDS records; a thread owns a chunk
 *                 at a time and takes the next free one by atomically
 *                 incrementing header.next_chunk (never past chunk_capacity)
 *   stats_offset  summary mode only: stats_slots rc_lock_stat_t (88 bytes), an
 *                 open-addressing table by lock address (in the space of the
 *                 last RC_LOG_STATS_CHUNKS chunks the file has room for)
 *
 * Modes: with RACECHECK_TRACE=1 (racecheck run --trace) every call is a
 * record. Otherwise (summary mode, RC_LOG_F_SUMMARY) the shim leaves out an
 * acquisition and its release when nothing else happened in the thread in
 * between and the acquisition tells the analysis nothing new: it was made
 * holding no other lock, or with the same held locks, lock and try/timed kind
 * as an acquisition this thread already recorded since its last create, join,
 * fork, semaphore or once record (so its vector clock is the same too). Such
 * a pair only adds to the lock's counters in the stats table, which lives in
 * the mapped file and survives SIGKILL; repeats of a nested acquisition are
 * counted per thread and written as EDGE_COUNT records when the thread or the
 * process exits. The table also counts each lock's owner changes (an
 * acquisition by another thread than the one before) over all its
 * acquisitions, recorded or not: the order of acquisitions across threads
 * is not in the records of pairs left out. An acquisition not yet recorded
 * is written (LOCK_WAIT when it waited, then LOCK_ACQUIRED, with their
 * original times) as soon as anything else happens in the thread, so
 * everything the analyses look at (nested acquisitions, waits while holding,
 * misuse, exits, condition waits) has the same records in both modes, and
 * the log grows with the number of distinct lock patterns, not with the
 * number of lock operations. Still one record per call in both modes:
 * thread events (failed joins too), condition waits and signals,
 * semaphores, barriers, once, fork, destroy and init. A trylock
 * that finds the lock busy (EBUSY) is no record in summary mode. Limits: an
 * unrecorded uncontended acquisition that gets recorded later has its time
 * rebuilt from the CPU's time-stamp counter (within a microsecond or so);
 * EDGE_COUNT repeats of threads still running when the process exits, and
 * of every thread of a killed process, are lost (the edges themselves are
 * not); a LOCK_WAIT of a repeated nested pattern is left out, so a killed
 * (not watchdog-stopped) deadlock on such a pattern is reported as possible
 * rather than as having happened.
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
#define RC_LOG_VERSION 2 /* 2: rc_lock_stat_t grew owner changes (88 bytes) */
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
    RC_EV_THREAD_DETACH = 5, /* obj = pthread_t; arg = detached thread's shim tid (~0 if unknown);
                                flags: RC_DETACH_CREATED */
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
    RC_EV_FORK = 13,           /* in the parent: arg = child pid (its log has ppid = this pid);
                                  flags: RC_FORK_* */
    RC_EV_LOCK_DESTROY = 14,   /* obj destroyed (its address may name another lock later);
                                  flags = rc_lock_kind (rwlocks: WRITE); arg = the result
                                  (EBUSY: it was locked) */
    RC_EV_DEADLOCK = 15,       /* written by the deadlock watchdog, stamped when it stops the
                                  program; tid = a thread of the wait-for cycle. flags
                                  RC_DEADLOCK_WAITS: obj = the lock it is blocked on, site =
                                  where, arg = the thread holding it; RC_DEADLOCK_HOLDS: obj =
                                  a lock of the cycle it holds, site = where it took it (0 if
                                  beyond the tracked set), arg = the thread waiting for it */
    RC_EV_SEM_INIT = 16,       /* obj = sem_t, arg = initial value; flags: RC_SEM_PSHARED */
    RC_EV_SEM_WAIT = 17,       /* a wait that took one unit: arg = ns blocked (0: did not block);
                                  flags: RC_SEM_TRY/TIMED; with RC_SEM_FAILED nothing was taken
                                  and arg = the error (EAGAIN, ETIMEDOUT, EINTR, EINVAL) */
    RC_EV_SEM_POST = 18,       /* obj = sem_t, stamped before the post (publishes); a post from
                                  a signal handler is recorded only when that is safe (the
                                  thread was known and not inside the shim) */
    RC_EV_BARRIER = 19,        /* obj = pthread_barrier_t; flags RC_BARRIER_ARRIVE (before the
                                  wait) or RC_BARRIER_LEAVE (after it; arg = 1 for the serial
                                  thread) */
    RC_EV_ONCE = 20,           /* obj = pthread_once_t, a pthread_once that returned 0; flags
                                  RC_ONCE_RAN: this call ran the routine, stamped when the routine
                                  returned, so it sorts before every other call's record (whose
                                  return waits for it): the routine happens-before them */
    RC_EV_THREAD_CANCEL = 21,  /* obj = pthread_t; arg = its shim tid (~0 if unknown) */
    RC_EV_LOCK_INIT = 22,      /* pthread_mutex_init succeeded: flags = RC_LOCK_MUTEX; arg =
                                  RC_MUTEX_<type> | RC_MUTEX_PSHARED | RC_MUTEX_ROBUST */
    RC_EV_EDGE_COUNT = 23,     /* summary mode, at thread or process exit: the thread acquired
                                  obj while holding the lock at address `site` (not a code
                                  address here) arg more times than its records show */
    RC_EV_SIGNAL_INSTALL = 24, /* sigaction/signal succeeded: arg = signal number, obj = the
                                  handler the program gave (0 = SIG_DFL, 1 = SIG_IGN); flags:
                                  RC_SIG_*, its SA_* flags */
    RC_EV_SIGNAL_ENTER = 25,   /* a handler the program installed starts running in thread
                                  tid: obj = the handler, arg = the signal number; site = 0.
                                  Every record of tid up to the matching SIGNAL_EXIT is the
                                  handler's (handlers nest) */
    RC_EV_SIGNAL_EXIT = 26,    /* the handler returned (obj, arg as in SIGNAL_ENTER); none
                                  when it left by siglongjmp or never returned */
    RC_EV_MAP_SHARED = 27,     /* the program mapped shared memory (mmap MAP_SHARED, shmat):
                                  obj = address, arg = length; flags: RC_MAP_ANON (anonymous:
                                  shared only with children forked later) or RC_MAP_SHM
                                  (System V segment); neither: a file or shm_open object */
    RC_EV_UNMAP = 28,          /* munmap/shmdt of (part of) a recorded MAP_SHARED region:
                                  obj = address, arg = length */
    RC_EV_PROC_WAIT = 29,      /* wait/waitpid/wait4 reaped a child that ended: arg = its
                                  pid, obj = its wait status (WIFEXITED, WEXITSTATUS, ...);
                                  stamped after the call: every record of the child's log
                                  happened before it */
    RC_EV_SYNC_INIT = 30,      /* pthread_cond_init, pthread_rwlock_init or pthread_barrier_init
                                  succeeded: obj = the object, flags = RC_SYNC_*, arg =
                                  RC_MUTEX_PSHARED when its attribute said
                                  PTHREAD_PROCESS_SHARED */
    RC_EV_COND_DESTROY = 31,   /* pthread_cond_destroy/cnd_destroy of obj; flags: RC_COND_C11.
                                  Written before the real call, which on glibc (seen on 2.36)
                                  blocks until every thread still in a wait on obj has left
                                  it: a destroy that never returns is recorded all the same */
    RC_EV_JOIN_FAILED = 32,    /* a join of obj (pthread_t/thrd_t) that failed: flags = the
                                  error (EINVAL: not joinable, e.g. detached; EDEADLK: a
                                  self-join; thrd_join's thrd_error counts as EINVAL), arg =
                                  the target's shim tid (~0 when unknown: a detached thread is
                                  forgotten when detached). Not for EBUSY (tryjoin) nor
                                  ETIMEDOUT (timed joins): the target is then only running */
};
#define RC_EV_OP_MAX RC_EV_JOIN_FAILED

/* COND_DESTROY flags. */
#define RC_COND_C11 1u /* cnd_destroy */
/* THREAD_DETACH flags. CREATED: the thread was created detached
 * (pthread_attr_setdetachstate); written right after its THREAD_CREATE,
 * site = the pthread_create call. */
#define RC_DETACH_CREATED 1u

/* SYNC_INIT flags: what was initialised. */
#define RC_SYNC_COND 1u
#define RC_SYNC_RWLOCK 2u
#define RC_SYNC_BARRIER 3u

/* MAP_SHARED flags. */
#define RC_MAP_ANON 1u
#define RC_MAP_SHM 2u

/* SIGNAL_INSTALL flags: the SA_* flags the program asked for. */
#define RC_SIG_SIGINFO 1u    /* SA_SIGINFO: a three-argument handler */
#define RC_SIG_RESTART 2u    /* SA_RESTART */
#define RC_SIG_NODEFER 4u    /* SA_NODEFER: the handler can interrupt itself */
#define RC_SIG_RESETHAND 8u  /* SA_RESETHAND: one-shot */
#define RC_SIG_ONSTACK 0x10u /* SA_ONSTACK */

/* SEM_* flags. */
#define RC_SEM_PSHARED 1u    /* SEM_INIT: shared between processes */
#define RC_SEM_TRY 0x100u    /* sem_trywait */
#define RC_SEM_TIMED 0x200u  /* sem_timedwait/sem_clockwait */
#define RC_SEM_FAILED 0x800u /* the wait failed: arg = the error */
/* BARRIER flags. */
#define RC_BARRIER_ARRIVE 0u
#define RC_BARRIER_LEAVE 1u
/* ONCE flags. */
#define RC_ONCE_RAN 1u
/* LOCK_INIT arg: the mutex type in the low byte, attribute bits above. */
#define RC_MUTEX_NORMAL 0u /* PTHREAD_MUTEX_NORMAL/DEFAULT */
#define RC_MUTEX_RECURSIVE 1u
#define RC_MUTEX_ERRORCHECK 2u
#define RC_MUTEX_ADAPTIVE 3u
#define RC_MUTEX_TYPE(arg) ((arg)&0xff)
#define RC_MUTEX_PSHARED 0x100u
#define RC_MUTEX_ROBUST 0x200u
/* DEADLOCK flags. */
#define RC_DEADLOCK_WAITS 0u
#define RC_DEADLOCK_HOLDS 1u

/* FORK flags (0: fork()). */
#define RC_FORK_VFORK 1u       /* vfork(): the parent waited until the child exec'd or exited */
#define RC_FORK_NO_HANDLERS 2u /* _Fork(): no atfork handlers ran */
#define RC_FORK_SPAWN 4u       /* posix_spawn/posix_spawnp: the child exec'd at once */

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
    uint32_t deadlock_ms;    /* RACECHECK_DEADLOCK_TIMEOUT in ms; 0: no watchdog */
    uint32_t stats_slots;    /* summary mode: slots of the lock table; 0: none */
    uint64_t stats_offset;   /* its offset in the file */
} rc_log_header_t;

/* Summary mode's per-lock counters of the acquisitions left out of the
 * records (added to what the records show), and its owner changes, counted
 * over every acquisition of the lock, recorded or not (they replace what
 * the records show). Updated with atomics by every thread; addr is claimed
 * first (compare-and-swap from 0) at the lock's first acquisition, then the
 * rest. A slot whose acquisitions were all recorded has acquisitions == 0
 * and first_ts == 0. */
typedef struct rc_lock_stat {
    uint64_t addr;       /* the lock; 0 = free slot */
    uint64_t first_site; /* call site of the first acquisition left out */
    uint64_t first_ts;   /* its time; 0: none left out yet */
    uint64_t acquisitions, contended, wait_ns, max_wait_ns, hold_ns, max_hold_ns;
    uint32_t kind;          /* rc_lock_kind */
    uint32_t last_owner;    /* shim tid + 1 of the thread that acquired it last; 0: none */
    uint64_t owner_changes; /* acquisitions by another thread than the previous one (mutrace's
                               "changed"); concurrent read holds of a rwlock count approximately */
} rc_lock_stat_t;
#define RC_LOG_STATS_CHUNKS 2 /* chunks' worth of space for the table */

/* Header flags. DEADLOCK: the watchdog found a deadlock and stopped the
 * process with exit status RC_DEADLOCK_EXIT (DEADLOCK records say which). */
#define RC_LOG_F_EXITED 1u   /* the process ran its exit path (not killed) */
#define RC_LOG_F_DEADLOCK 2u /* the watchdog stopped the process */
#define RC_LOG_F_SUMMARY 4u  /* summary mode (RACECHECK_TRACE unset): see Modes */
/* EXEC: this image was exec'd by a recorded image of the same process, whose
 * log (rc-<pid>[-<k>].log, k lower) has REPLACED; ppid is then the process's
 * own pid (its previous image is its parent in the process tree). Found at
 * start-up: the newest earlier log of this pid that neither exited nor was
 * replaced already (a pid reused within one log directory by a process that
 * was killed can be taken for it). */
#define RC_LOG_F_EXEC 8u
#define RC_LOG_F_REPLACED 16u /* the process exec'd another recorded image (see EXEC) */
/* The process ended with _exit/_Exit (status in exit_status); no exit
 * handlers ran, so EXITED is not set (a vfork child's _exit is not recorded:
 * it runs in its parent's memory). */
#define RC_LOG_F_QUICK_EXIT 32u

/* Exit status of a process the deadlock watchdog stopped. */
#define RC_DEADLOCK_EXIT 86

/* ---- Reader (used by racecheck, never inside the target) ---------------- */

typedef struct rc_eventlog rc_eventlog_t;

typedef struct rc_eventlog_info {
    int pid, ppid;
    const char *exe;
    uint64_t start_ns;
    int exited; /* the process ran its exit path */
    int exit_status;
    size_t nevents;       /* complete records read */
    size_t ntorn;         /* chunks handed out whose data the end of the file cuts before
                             their end marker: each lost an unknown number of records */
    uint64_t dropped;     /* events the shim had to drop: log or file system full (or,
                             rarely, a lock a thread took after its last destructor ran) */
    uint64_t start_wall;  /* CLOCK_REALTIME seconds at start (to date start_ns) */
    int deadlocked;       /* the watchdog stopped the process (RC_LOG_F_DEADLOCK) */
    uint32_t deadlock_ms; /* the watchdog's timeout, 0 when it was off */
    int summary;          /* written in summary mode (RC_LOG_F_SUMMARY) */
    int execed;           /* an image exec'd by the previous image of this pid (RC_LOG_F_EXEC) */
    int replaced;         /* this image exec'd another recorded one (RC_LOG_F_REPLACED) */
    int quick_exit;       /* ended by _exit/_Exit, exit_status valid (RC_LOG_F_QUICK_EXIT) */
} rc_eventlog_info_t;

/* Opens and validates a log. A log cut short (crash, SIGKILL, truncated copy)
 * opens and yields every complete record; ntorn says how much was lost.
 * Errors: RC_ENOENT, RC_EIO, RC_EFOREIGN (not a racecheck log / bad header).
 * *out is owned by the caller (rc_eventlog_close). */
int rc_eventlog_open(const char *path, rc_eventlog_t **out, rc_error_t *err);
const rc_eventlog_info_t *rc_eventlog_info(const rc_eventlog_t *log);

/* All complete records, ordered by ts (ties: tid, then order within the thread).
 * The array belongs to the log; it is built on the first call (n records of
 * memory: a reader that goes through the records once should use
 * rc_eventlog_next instead). */
const rc_event_t *rc_eventlog_events(const rc_eventlog_t *log, size_t *n);

/* The same records in the same order, one at a time, merged on the fly from
 * the file (no array): fills *ev and returns 1, or returns 0 after the
 * last. rc_eventlog_rewind starts again from the first. */
int rc_eventlog_next(rc_eventlog_t *log, rc_event_t *ev);
void rc_eventlog_rewind(rc_eventlog_t *log);

/* Summary mode's lock table: the slots in use (addr != 0), *n of them; NULL
 * and 0 for a trace-mode log. The array belongs to the log. */
const rc_lock_stat_t *rc_eventlog_lock_stats(const rc_eventlog_t *log, size_t *n);

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

/* Same, for an exact address (a start routine in THREAD_START/CREATE's obj,
 * a lock object): no adjustment, and the function is the symbol at the
 * address, not a function inlined into its first instructions. */
int rc_eventlog_symbolize_exact(rc_eventlog_t *log, uint64_t addr, rc_loc_t *out);

/* "LOCK_ACQUIRED", ...; "?" for an unknown op. Static strings. */
const char *rc_eventlog_op_name(unsigned op);

void rc_eventlog_close(rc_eventlog_t *log);

/* ---- Packed records (pack.c; racecheck's store keeps traces this way) ----
 *
 * A sequence of records packed one after the other, each:
 *
 *   field  encoding
 *   op     1 byte, rc_event_op (1 .. RC_EV_OP_MAX)
 *   tid    LEB128
 *   dts    LEB128 of the zigzag-coded ts minus the previous record's ts (the
 *          first record: minus the first_ts the sequence was started with)
 *   flags  LEB128
 *   obj    value code
 *   site   value code
 *   arg    LEB128
 *
 * Value code: LEB128 c. c = 0: the value follows as LEB128 and is
 * remembered in the field's RC_EVPACK_SLOTS-slot table (one for obj, one
 * for site, both empty when a sequence starts), in set hash(value) of two
 * slots, in the slot of the set used less recently; c > 0: the value
 * remembered in slot c - 1 (which makes it the set's most recently used). A program's few locks and
 * call sites thus cost one byte each after their first use, and a lock record about 8 bytes in all.
 */

#define RC_EVPACK_SLOT_BITS 7
#define RC_EVPACK_SLOTS (1u << RC_EVPACK_SLOT_BITS)
#define RC_EVPACK_MAX_RECORD 72 /* bound on one packed record's bytes */

/* The packer. Zero-initialise; rc_evpack_close frees buf. */
typedef struct rc_evpack {
    uint8_t *buf; /* the packed bytes, len of them */
    size_t len, cap;
    size_t n;          /* records in buf */
    uint64_t first_ts; /* the ts the first record's delta counts from */
    uint64_t ts;       /* of the last record */
    uint64_t objs[RC_EVPACK_SLOTS], sites[RC_EVPACK_SLOTS];
    uint8_t obj_used[RC_EVPACK_SLOTS], site_used[RC_EVPACK_SLOTS];
} rc_evpack_t;

/* Empties the packer and starts a sequence whose deltas count from FIRST_TS
 * (keeps buf's memory). */
void rc_evpack_reset(rc_evpack_t *e, uint64_t first_ts);
/* Appends one record. Returns 1 when its site was written in full (its
 * first use in the sequence, or another site had taken its slot). */
int rc_evpack_put(rc_evpack_t *e, const rc_event_t *ev);
void rc_evpack_close(rc_evpack_t *e);

/* The unpacker, over LEN bytes at DATA (the caller's, which must outlive it). */
typedef struct rc_evunpack {
    const uint8_t *p, *end;
    uint64_t ts;
    uint64_t objs[RC_EVPACK_SLOTS], sites[RC_EVPACK_SLOTS];
    uint8_t obj_used[RC_EVPACK_SLOTS], site_used[RC_EVPACK_SLOTS];
} rc_evunpack_t;

void rc_evunpack_init(rc_evunpack_t *d, const void *data, size_t len, uint64_t first_ts);
/* Fills *ev with the next record and returns 1; returns 0 at the end of the
 * data, RC_EFOREIGN when the data is corrupt (a record cut short, an
 * unknown op, a code naming an empty slot); after 0 or RC_EFOREIGN it
 * yields nothing more. */
int rc_evunpack_next(rc_evunpack_t *d, rc_event_t *ev);

#endif /* RC_EVENTLOG_H */
