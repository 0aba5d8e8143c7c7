/*
 * shim.c - libracecheck-shim.so, the LD_PRELOAD library that records a
 * process's thread and lock events into the log described in eventlog.h.
 *
 * Why: the static analyser sees code; this sees what a run actually did (which
 * thread took which lock in which order, who waited how long), cheaply enough
 * to leave on for a whole test suite. Everything heavy (symbolising, lock
 * graphs) happens later in racecheck, never in the target.
 *
 * How: every interposed function resolves its real counterpart through an
 * idempotent loader (a library constructor may lock before ours runs), then,
 * when recording, writes fixed-size records into a chunk of a MAP_SHARED file
 * that the calling thread owns. Chunks come from an atomic counter in the file
 * header; nothing on the hot path mallocs, uses stdio or takes a lock that
 * another thread could hold.
 *
 * Invariants:
 *   - errno and every return value of the real function reach the caller
 *     unchanged; paths that make system calls (start-up, thread creation,
 *     fork) save and restore errno.
 *   - A thread-local guard makes the shim's own work invisible to itself.
 *   - The shim never waits: no lock of its own, no spinning on another thread
 *     (a call that races start-up goes unrecorded rather than wait for it).
 *   - Records are written field by field and published by a release store of
 *     `op`; the reader treats op == 0 as the end of a chunk's data.
 *   - Per-thread state lives in initial-exec TLS: the library must be loaded at
 *     start-up (LD_PRELOAD), not dlopen'd.
 *
 * Interposed (glibc 2.34+, libpthread merged into libc):
 *
 *   family        functions
 *   threads       pthread_create/join/tryjoin_np/timedjoin_np/clockjoin_np/detach/exit,
 *                 thrd_create/join/detach/exit, fork
 *   mutex         pthread_mutex_lock/trylock/timedlock/clocklock/unlock/destroy,
 *                 mtx_lock/trylock/timedlock/unlock/destroy
 *   rwlock        pthread_rwlock_rdlock/wrlock/tryrdlock/trywrlock/timedrdlock/
 *                 timedwrlock/clockrdlock/clockwrlock/unlock/destroy
 *   spin          pthread_spin_lock/trylock/unlock/destroy
 *   condvar       pthread_cond_wait/timedwait/clockwait/signal/broadcast/destroy
 *                 (glibc's default GLIBC_2.3.2 versions, chosen with dlvsym, or the
 *                 next interposer's, e.g. libtsan), cnd_wait/timedwait/signal/
 *                 broadcast/destroy
 *   semaphores    sem_init/wait/trywait/timedwait/clockwait/post (sem_post is
 *                 async-signal-safe, and so is its wrapper: see there)
 *   other         pthread_barrier_wait, pthread_once, pthread_cancel,
 *                 pthread_mutex_init (the type and pshared/robust attributes),
 *                 pthread_cond_init (GLIBC_2.3.2), pthread_rwlock_init,
 *                 pthread_barrier_init (the pshared attribute)
 *   signals       sigaction, signal (handlers run through a recording trampoline:
 *                 see "Signal handlers")
 *   memory        mmap (MAP_SHARED only), munmap, shmat, shmdt (see "Shared memory")
 *   processes     wait, waitpid, wait4 (PROC_WAIT), _exit, _Exit (the exit status)
 *
 * glibc's C11 functions call the internal __pthread_* entry points, not the
 * exported names, so they are wrapped on their own. A condition wait is
 * recorded as COND_WAIT, LOCK_RELEASED, (wait), LOCK_ACQUIRED, COND_WOKEN.
 * A blocking lock first tries the real trylock: only a busy lock is recorded
 * as LOCK_WAIT, and the ACQUIRED record then carries the nanoseconds waited.
 *
 * Threads and processes: a thread started by pthread_create/thrd_create gets
 * its tid in the parent (THREAD_CREATE names it) and records its exit from a
 * cleanup handler, which every exit path runs; threads glibc starts itself
 * are adopted on their first call and leave through a key destructor. A
 * thread created detached gets a THREAD_DETACH (RC_DETACH_CREATED) right
 * after its THREAD_CREATE; a join that fails is a JOIN_FAILED (the analysis
 * tells a join of a detached thread by its handle). A forked child opens
 * its own log (ppid = the parent) at its first recorded call, keeps its
 * tid and re-records the locks it holds; an image exec'd after recording
 * opens rc-<pid>-<n>.log and links itself to the log of the image it
 * replaced (mark_previous_image). A wait that reaps a child is a
 * PROC_WAIT record; _exit records the exit status (RC_LOG_F_QUICK_EXIT).
 *
 * Deadlock watchdog (RACECHECK_DEADLOCK_TIMEOUT): RC_ACQUIRE_IF publishes, on
 * the contended path only, what a thread is blocked on and what it holds in a
 * slot the watchdog thread reads; a wait-for cycle that lasts the timeout is
 * written as DEADLOCK records and ends the process with RC_DEADLOCK_EXIT
 * (see "Deadlock watchdog" below). With the watchdog off the cost is one load per
 * contended acquisition.
 *
 * Summary mode (the default; RACECHECK_TRACE=1 turns it off): acquired_at()
 * leaves an acquisition unrecorded when it holds nothing else or repeats a
 * nested pattern of this thread's current epoch, released() drops the pair
 * when nothing happened in between and counts it in the lock table of the
 * log; anything else first records what was left pending (see "Summary mode"
 * below and "Modes" in eventlog.h). Every acquisition in summary mode also
 * counts the lock's owner changes in its slot (stat_owner), so that they
 * are right whichever acquisitions were left out.
 *
 * Symbol versions (shim.map): the condition-variable wrappers are defined as
 * GLIBC_2.3.2, the version programs bind to; calls bound to the pre-2.3.2
 * condvar ABI bypass the shim (unrecorded, but not handed the wrong ABI).
 *
 * fork, _Fork, vfork and posix_spawn are FORK records in the parent; a
 * vfork child records nothing until it execs (see "vfork" below).
 *
 * Known limits: static binaries (LD_PRELOAD is ignored) are not supported;
 * a vfork child records nothing (it runs in its parent's memory) until it
 * execs, and children made inside glibc or a runtime by a bare clone
 * (system(), a sanitizer's helpers) are not FORK records, though their
 * exec'd images are traced; glibc-internal locking
 * (stdio, malloc, the mutex inside pthread_cond_wait) is invisible. Under
 * clang's ThreadSanitizer the interceptors sit in the program, before the
 * shim, so call sites name the interceptor rather than the program's line.
 * The watchdog sees waits in lock calls only: a cycle that goes through a
 * condition wait's re-acquisition, a join, a semaphore or a barrier is not
 * detected (--timeout still ends such a program).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <spawn.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

#include "eventlog.h"
#include "rawsys.h"

#define RC_EXPORT __attribute__((visibility("default")))
#define RC_SITE() ((uintptr_t)__builtin_return_address(0))
#define RC_LIKELY(x) __builtin_expect(!!(x), 1)
#define RC_UNLIKELY(x) __builtin_expect(!!(x), 0)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older C library headers lack it */
#endif

_Static_assert(sizeof(rc_event_t) == 40, "rc_event_t is 40 bytes on disk");
_Static_assert(sizeof(rc_log_header_t) <= RC_LOG_HEADER_SIZE, "header fits its page");
_Static_assert(offsetof(rc_event_t, op) == 36, "op at offset 36");

/* ---- The real functions ------------------------------------------------ */

/* X(name, return type, parameter list, dlvsym version or NULL for RTLD_NEXT). */
#define RC_REAL_FUNCS(X)                                                                           \
    X(pthread_mutex_lock, int, (pthread_mutex_t *), NULL)                                          \
    X(pthread_mutex_trylock, int, (pthread_mutex_t *), NULL)                                       \
    X(pthread_mutex_timedlock, int, (pthread_mutex_t *, const struct timespec *), NULL)            \
    X(pthread_mutex_clocklock, int, (pthread_mutex_t *, clockid_t, const struct timespec *), NULL) \
    X(pthread_mutex_unlock, int, (pthread_mutex_t *), NULL)                                        \
    X(pthread_rwlock_rdlock, int, (pthread_rwlock_t *), NULL)                                      \
    X(pthread_rwlock_wrlock, int, (pthread_rwlock_t *), NULL)                                      \
    X(pthread_rwlock_tryrdlock, int, (pthread_rwlock_t *), NULL)                                   \
    X(pthread_rwlock_trywrlock, int, (pthread_rwlock_t *), NULL)                                   \
    X(pthread_rwlock_timedrdlock, int, (pthread_rwlock_t *, const struct timespec *), NULL)        \
    X(pthread_rwlock_timedwrlock, int, (pthread_rwlock_t *, const struct timespec *), NULL)        \
    X(pthread_rwlock_clockrdlock, int, (pthread_rwlock_t *, clockid_t, const struct timespec *),   \
      NULL)                                                                                        \
    X(pthread_rwlock_clockwrlock, int, (pthread_rwlock_t *, clockid_t, const struct timespec *),   \
      NULL)                                                                                        \
    X(pthread_rwlock_unlock, int, (pthread_rwlock_t *), NULL)                                      \
    X(pthread_spin_lock, int, (pthread_spinlock_t *), NULL)                                        \
    X(pthread_spin_trylock, int, (pthread_spinlock_t *), NULL)                                     \
    X(pthread_spin_unlock, int, (pthread_spinlock_t *), NULL)                                      \
    X(pthread_mutex_destroy, int, (pthread_mutex_t *), NULL)                                       \
    X(pthread_rwlock_destroy, int, (pthread_rwlock_t *), NULL)                                     \
    X(pthread_spin_destroy, int, (pthread_spinlock_t *), NULL)                                     \
    X(mtx_destroy, void, (mtx_t *), NULL)                                                          \
    X(pthread_cond_wait, int, (pthread_cond_t *, pthread_mutex_t *), "GLIBC_2.3.2")                \
    X(pthread_cond_timedwait, int, (pthread_cond_t *, pthread_mutex_t *, const struct timespec *), \
      "GLIBC_2.3.2")                                                                               \
    X(pthread_cond_clockwait, int,                                                                 \
      (pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *), NULL)             \
    X(pthread_cond_signal, int, (pthread_cond_t *), "GLIBC_2.3.2")                                 \
    X(pthread_cond_broadcast, int, (pthread_cond_t *), "GLIBC_2.3.2")                              \
    X(pthread_create, int, (pthread_t *, const pthread_attr_t *, void *(*)(void *), void *), NULL) \
    X(pthread_join, int, (pthread_t, void **), NULL)                                               \
    X(pthread_tryjoin_np, int, (pthread_t, void **), NULL)                                         \
    X(pthread_timedjoin_np, int, (pthread_t, void **, const struct timespec *), NULL)              \
    X(pthread_clockjoin_np, int, (pthread_t, void **, clockid_t, const struct timespec *), NULL)   \
    X(pthread_detach, int, (pthread_t), NULL)                                                      \
    X(pthread_exit, void, (void *), NULL)                                                          \
    X(fork, pid_t, (void), NULL)                                                                   \
    X(_Fork, pid_t, (void), NULL)                                                                  \
    X(thrd_create, int, (thrd_t *, thrd_start_t, void *), NULL)                                    \
    X(thrd_join, int, (thrd_t, int *), NULL)                                                       \
    X(thrd_detach, int, (thrd_t), NULL)                                                            \
    X(thrd_exit, void, (int), NULL)                                                                \
    X(mtx_lock, int, (mtx_t *), NULL)                                                              \
    X(mtx_trylock, int, (mtx_t *), NULL)                                                           \
    X(mtx_timedlock, int, (mtx_t *, const struct timespec *), NULL)                                \
    X(mtx_unlock, int, (mtx_t *), NULL)                                                            \
    X(cnd_wait, int, (cnd_t *, mtx_t *), NULL)                                                     \
    X(cnd_timedwait, int, (cnd_t *, mtx_t *, const struct timespec *), NULL)                       \
    X(cnd_signal, int, (cnd_t *), NULL)                                                            \
    X(cnd_broadcast, int, (cnd_t *), NULL)                                                         \
    X(sem_init, int, (sem_t *, int, unsigned), NULL)                                               \
    X(sem_wait, int, (sem_t *), NULL)                                                              \
    X(sem_trywait, int, (sem_t *), NULL)                                                           \
    X(sem_timedwait, int, (sem_t *, const struct timespec *), NULL)                                \
    X(sem_clockwait, int, (sem_t *, clockid_t, const struct timespec *), NULL)                     \
    X(sem_post, int, (sem_t *), NULL)                                                              \
    X(pthread_barrier_wait, int, (pthread_barrier_t *), NULL)                                      \
    X(pthread_once, int, (pthread_once_t *, void (*)(void)), NULL)                                 \
    X(pthread_cancel, int, (pthread_t), NULL)                                                      \
    X(pthread_mutex_init, int, (pthread_mutex_t *, const pthread_mutexattr_t *), NULL)             \
    X(sigaction, int, (int, const struct sigaction *, struct sigaction *), NULL)                   \
    X(mmap, void *, (void *, size_t, int, int, int, off_t), NULL)                                  \
    X(munmap, int, (void *, size_t), NULL)                                                         \
    X(shmat, void *, (int, const void *, int), NULL)                                               \
    X(shmdt, int, (const void *), NULL)                                                            \
    X(_exit, void, (int), NULL)                                                                    \
    X(_Exit, void, (int), NULL)                                                                    \
    X(wait, pid_t, (int *), NULL)                                                                  \
    X(waitpid, pid_t, (pid_t, int *, int), NULL)                                                   \
    X(wait4, pid_t, (pid_t, int *, int, struct rusage *), NULL)                                    \
    X(posix_spawn, int,                                                                            \
      (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,       \
       char *const[], char *const[]),                                                              \
      NULL)                                                                                        \
    X(posix_spawnp, int,                                                                           \
      (pid_t *, const char *, const posix_spawn_file_actions_t *, const posix_spawnattr_t *,       \
       char *const[], char *const[]),                                                              \
      NULL)                                                                                        \
    X(signal, sighandler_t, (int, sighandler_t), NULL)                                             \
    X(pthread_cond_init, int, (pthread_cond_t *, const pthread_condattr_t *), "GLIBC_2.3.2")       \
    X(pthread_rwlock_init, int, (pthread_rwlock_t *, const pthread_rwlockattr_t *), NULL)          \
    X(pthread_barrier_init, int, (pthread_barrier_t *, const pthread_barrierattr_t *, unsigned),   \
      NULL)                                                                                        \
    X(pthread_cond_destroy, int, (pthread_cond_t *), "GLIBC_2.3.2")                                \
    X(cnd_destroy, void, (cnd_t *), NULL)

#define RC_DECLARE_REAL(name, ret, params, ver) ret(*name) params;
static struct {
    RC_REAL_FUNCS(RC_DECLARE_REAL)
} real;

static int real_loaded; /* 1 once every pointer in `real` has been looked up */

/* ---- Per-thread state -------------------------------------------------- */

#define RC_HELD_MAX 64 /* locks tracked by identity; more are only counted */

typedef struct held_lock {
    uintptr_t obj;
    uintptr_t site; /* where it was acquired (0: inherited across fork) */
    uint16_t kind;
} held_lock_t;

/* Summary mode: an acquisition not recorded yet (held[i] of the same index). */
typedef struct pending {
    uint64_t t0, ts;      /* when the attempt began (it waited: LOCK_WAIT's time), acquired */
    uint64_t tk;          /* ticks() when it got the lock */
    rc_lock_stat_t *stat; /* the lock's counters */
    uint16_t flags;       /* LOCK_ACQUIRED's flags */
    int16_t pat;          /* its pattern slot, -1 for an acquisition holding nothing */
    uint8_t pending;      /* not recorded yet */
    uint8_t contended;    /* it waited (LOCK_WAIT left out too) */
} pending_t;

/* Summary mode: a nested acquisition this thread recorded, by its held locks
 * (in order), the lock and whether its edges count as a trylock's; repeats in
 * the same epoch are counted, not recorded. */
#define PAT_SLOTS 32
#define PAT_FROM 4 /* nested deeper: always recorded */
/* Only acquisitions holding at most PAT_FROM others can be left out. */
#define RC_PEND_MAX (PAT_FROM + 1)
typedef struct pattern {
    uint64_t hash; /* 0: empty */
    uint64_t epoch;
    uintptr_t to;
    uintptr_t from[PAT_FROM];
    uint32_t count; /* repeats not recorded since the last EDGE_COUNT flush (flushed
                       before it would wrap) */
    uint8_t nfrom;
} pattern_t;
/* 64 bytes: a thread's slots fill one page (PATS_BYTES). */
_Static_assert(sizeof(pattern_t) == 64, "pattern_t grew");
#define PATS_BYTES (PAT_SLOTS * sizeof(pattern_t))
_Static_assert(PATS_BYTES <= 4096, "the pattern slots outgrew a page");

typedef struct rc_thread {
    rc_event_t *cur, *end; /* free slots of the chunk this thread owns */
    uint64_t gen;          /* g_gen when the chunk was taken */
    uint32_t tid;          /* shim thread number */
    uint8_t known;         /* tid assigned, THREAD_START recorded */
    uint8_t guard;         /* inside the shim: record nothing */
    uint8_t trampoline;    /* started by our trampoline (its cleanup records the exit) */
    uint8_t exited;        /* THREAD_EXIT recorded */
    uint8_t full;          /* the log had no chunk left for this thread (gen == g_gen) */
    uint8_t had_chunk;     /* took a chunk in this log: may no longer take a parked one */
    uint8_t fork_pending;  /* forked: record our start and inherited locks on first use */
    uint8_t vfork_rec;     /* the pending vfork() is recorded (rc_vfork_enter) */
    uint8_t key_rounds;    /* calls of thread_key_destructor so far */
    uint8_t sig_depth;     /* recorded signal handlers running in this thread (nested) */
    uint32_t wd_slot;      /* watchdog slot + 1, 0 when none taken yet */
    uint8_t once_ran;      /* the innermost pthread_once call ran its routine */
    void (*once_fn)(void); /* the routine of the innermost pthread_once call */
    uint64_t once_ts;      /* when that routine returned */
    uint64_t vfork_ts;     /* when the pending vfork() began */
    uint32_t nheld;        /* locks held; may exceed RC_HELD_MAX */
    held_lock_t held[RC_HELD_MAX];
    uint32_t npending;           /* summary mode: entries of pend[] not recorded yet */
    uint64_t epoch;              /* bumped by every record that moves this thread's vector clock */
    pending_t pend[RC_PEND_MAX]; /* of held[0 .. RC_PEND_MAX - 1] */
    /* Summary mode: PAT_SLOTS pattern slots, mapped at the thread's first nested
     * acquisition (pats_of) and unmapped by its last destructor; NULL before,
     * after, and when they could not be mapped (pats_off: then every nested
     * acquisition is recorded). */
    pattern_t *pats;
    uint8_t pats_off;
} rc_thread_t;

/* Each thread's state lives in its static TLS block, beside glibc's thread
 * descriptor on the thread's stack, which glibc clears for every new thread:
 * every byte of it is resident in every thread. Kept under 2 KiB, so that with
 * glibc's descriptor it adds at most a page per thread; the pattern slots,
 * which only threads that hold two locks at once use, are mapped apart. */
_Static_assert(sizeof(rc_thread_t) <= 2048, "rc_thread_t outgrew 2 KiB");
static __thread rc_thread_t self_ __attribute__((tls_model("initial-exec")));

/* ---- Process-wide state (the only mutable globals in racecheck) -------- */

enum { INIT_NONE, INIT_RUNNING, INIT_DONE };
static int g_init;              /* INIT_*, atomic */
static rc_log_header_t *g_hdr;  /* the mapped log, NULL when not recording */
static size_t g_map_len;        /* bytes mapped at g_hdr */
static rc_event_t *g_records;   /* first chunk */
static uint64_t g_gen;          /* bumped when a forked child takes a new log */
static uint32_t g_next_tid = 1; /* shim tids; 0 is the main thread */
static uint64_t g_capacity_mb = 256;
/* Chunks with room left that exited threads parked, reusable as a new thread's
 * FIRST chunk only: a thread's chunks then still come in increasing file
 * order (program order per tid, see eventlog.h), and programs that start
 * thousands of short threads do not use a chunk per thread. */
#define PARK_SLOTS 64
#define PARK_MIN_FREE 64 /* records; a fuller chunk is not worth parking */
static rc_event_t *g_parked[PARK_SLOTS];
static int g_fork_ppid;          /* forked child whose log is not open yet: the parent's pid */
static pthread_key_t g_exit_key; /* its destructor records adopted threads' exits */
static int g_exit_key_ok;
static char g_dir[PATH_MAX];
static char g_log_name[48];     /* "rc-<pid>[-<attempt>].log", in g_dir: names only, so that
                                   one page of paths (g_dir's) is resident, not two */
static uint64_t g_wd_ns;        /* the deadlock watchdog's timeout; 0: none (see wd_main) */
static int g_summary;           /* summary mode asked for (RACECHECK_TRACE unset) */
static rc_lock_stat_t *g_stats; /* its lock table in the mapped log; NULL: record everything */
static uint32_t g_nstats;
static int g_sig_wrap; /* recording: handlers get the trampoline (see "Signal handlers") */
static void flush_pending(rc_thread_t *t);
static void flush_counts(rc_thread_t *t);
static void pats_release(rc_thread_t *t);
static void summary_after_fork(rc_thread_t *t);
static void ticks_calibrate(void);
static void wd_release(rc_thread_t *t);
static void wd_start(void);
static uint64_t wd_parse(const char *v);
static void wd_after_fork(rc_thread_t *t);

/* pthread_t -> shim tid, for JOIN and DETACH records. Open addressing, no
 * locks: the creating thread inserts after pthread_create returns, the joiner
 * or detacher removes. Values are stored as tid + 1 so that 0 means unset.
 * Two tables: a key goes to the small one (one page) while it has room, to
 * the large one only then, so a program with a few threads touches one page
 * of the map rather than a page per thread (hashed keys spread). */
#define TIDMAP_SMALL_BITS 8
#define TIDMAP_BITS 12
#define TIDMAP_TOMB ((uintptr_t)1)
typedef struct tidmap_entry {
    uintptr_t key;
    uint32_t val;
} tidmap_entry_t;
static tidmap_entry_t g_tids_small[1u << TIDMAP_SMALL_BITS] __attribute__((aligned(4096)));
static tidmap_entry_t g_tids[1u << TIDMAP_BITS];
static int g_tids_spilled; /* a key went to the large table (atomic) */

/* ---- Async-signal-safe utilities --------------------------------------- */

/* Zeroes n bytes without calling memset. The fork child handler uses it: it
 * runs inside the real fork, where a sanitizer that intercepts memset (TSan
 * does) may still hold its own locks for the fork; a volatile store per word
 * keeps the compiler from turning the loop back into a memset call. */
static void zero_bytes(void *p, size_t n)
{
    volatile unsigned long *w = p;
    size_t i = 0;
    for (; i < n / sizeof *w; i++)
        w[i] = 0;
    volatile unsigned char *b = (volatile unsigned char *)p;
    for (i *= sizeof *w; i < n; i++)
        b[i] = 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Appends src to dst (capacity cap) and returns the new length; truncates. */
static size_t str_append(char *dst, size_t len, size_t cap, const char *src)
{
    while (*src && len + 1 < cap)
        dst[len++] = *src++;
    dst[len] = '\0';
    return len;
}

static size_t str_append_uint(char *dst, size_t len, size_t cap, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && len + 1 < cap)
        dst[len++] = tmp[--n];
    dst[len] = '\0';
    return len;
}

/* One line to stderr with write(2): usable at start-up and after fork. */
static void warn(const char *a, const char *b, const char *c);

/* A warning about this process's log file: what, its path, then tail. */
static void warn_log(const char *what, const char *tail)
{
    char path[PATH_MAX + 64];
    size_t n = str_append(path, 0, sizeof path, g_dir);
    n = str_append(path, n, sizeof path, "/");
    str_append(path, n, sizeof path, g_log_name);
    warn(what, path, tail);
}

static void warn(const char *a, const char *b, const char *c)
{
    char msg[PATH_MAX + 256];
    size_t n = str_append(msg, 0, sizeof msg, "racecheck-shim: ");
    n = str_append(msg, n, sizeof msg, a);
    n = str_append(msg, n, sizeof msg, b ? b : "");
    n = str_append(msg, n, sizeof msg, c ? c : "");
    n = str_append(msg, n, sizeof msg, "\n");
    ssize_t w = sys_write(STDERR_FILENO, msg, n);
    (void)w;
}

/* ---- Loading the real functions ----------------------------------------- */

/* The next definition of name after the shim. With a version, glibc's own
 * definition of that version is preferred (dlsym returned the oldest version
 * on glibc before 2.36), unless another library sits between the shim and
 * glibc (libtsan, another interposer): its unversioned definition would be
 * invisible to dlvsym, and skipping it would hide these calls from it. */
static void *lookup(const char *name, const char *version)
{
    void *next = dlsym(RTLD_NEXT, name);
    if (!version)
        return next;
    void *versioned = dlvsym(RTLD_NEXT, name, version);
    if (!versioned) /* another architecture's base version */
        return next;
    Dl_info a, b;
    if (next && dladdr(next, &a) && dladdr(versioned, &b) && a.dli_fbase != b.dli_fbase)
        return next;
    return versioned;
}

/* Looks up every real function. Idempotent and safe to run concurrently:
 * racing threads store the same values. dlsym may malloc (for dlerror), so the
 * calling thread's guard is raised. */
static void load_real_slow(void)
{
    int saved = errno;
    self_.guard++;
#define RC_LOAD_REAL(name, ret, params, ver)                                                       \
    __atomic_store_n(&real.name, (ret(*) params)lookup(#name, ver), __ATOMIC_RELAXED);
    RC_REAL_FUNCS(RC_LOAD_REAL)
    self_.guard--;
    __atomic_store_n(&real_loaded, 1, __ATOMIC_RELEASE);
    errno = saved;
}

static inline void load_real(void)
{
    if (RC_UNLIKELY(!__atomic_load_n(&real_loaded, __ATOMIC_ACQUIRE)))
        load_real_slow();
}

/* A real function that is missing cannot be emulated: say so and stop. */
static void __attribute__((noreturn)) missing(const char *name)
{
    warn("cannot find the real ", name, " (is this glibc 2.34 or later?)");
    abort();
}

#define REAL(name) (real.name ? real.name : (missing(#name), real.name))

/* ---- The log file ------------------------------------------------------ */

/* A descriptor of the log directory (g_dir), for names relative to it; -1 when
 * it cannot be opened. The caller closes it: none is kept open, since the
 * program may close every descriptor it did not open (daemons do). */
static int open_log_dir(void)
{
    return sys_open(g_dir, O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
}

/* Copies /proc/self/maps to <log>.maps through a temporary file and a rename,
 * so a reader never sees half a copy. The temporary is a dot file
 * (<dir>/.rc-<pid>.log.maps.tmp) so that a copy cut short by a crash does not
 * match rc-*. open/read/write only. Names are relative to a descriptor of the
 * log directory, so the frame holds two short names and a small copy buffer:
 * it runs first from the constructor, and every stack page it touches stays in
 * the program's RSS. */
static void write_maps(void)
{
    char dst[64], tmp[64];
    if (!g_log_name[0])
        return;
    size_t n = str_append(dst, 0, sizeof dst, g_log_name);
    if (str_append(dst, n, sizeof dst, ".maps") != n + 5)
        return;
    n = str_append(tmp, 0, sizeof tmp, ".");
    n = str_append(tmp, n, sizeof tmp, dst);
    if (str_append(tmp, n, sizeof tmp, ".tmp") != n + 4)
        return;
    int dir = open_log_dir();
    if (dir < 0)
        return;
    int in = sys_open("/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
    int out = in < 0 ? -1 : sys_openat(dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        if (in >= 0)
            sys_close(in);
        sys_close(dir);
        return;
    }
    char buf[1024];
    int ok = 1;
    for (;;) {
        ssize_t r = sys_read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        for (ssize_t off = 0; off < r;) {
            ssize_t w = sys_write(out, buf + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                ok = 0;
                break;
            }
            off += w;
        }
        if (!ok)
            break;
    }
    sys_close(in);
    sys_close(out);
    if (ok)
        sys_renameat(dir, tmp, dir, dst);
    else
        sys_unlinkat(dir, tmp, 0);
    sys_close(dir);
}

/* Backs the page-aligned range [p, p + len) of the log with storage now.
 * Writing to a page of a MAP_SHARED file that the file system has no room for
 * raises SIGBUS in the writer, that is in the program under test; populating
 * in advance turns a full disk into an error the shim handles (the log counts
 * as full). Returns 0, or -1 when there is no room. Kernels before 5.14 do not
 * know the advice (EINVAL): the pages then fault in as written. */
static int reserve(void *p, size_t len)
{
    int saved = errno;
    int rc = sys_madvise(p, len, MADV_POPULATE_WRITE) == 0 || errno == EINVAL ? 0 : -1;
    errno = saved;
    return rc;
}

/* rc-<pid>.log, or rc-<pid>-<attempt>.log for attempt > 0 (a name in g_dir),
 * into name; returns its length (0 when it does not fit). */
static size_t log_name(char *name, size_t cap, pid_t pid, unsigned attempt)
{
    size_t n = str_append(name, 0, cap, "rc-");
    n = str_append_uint(name, n, cap, (uint64_t)pid);
    if (attempt) {
        n = str_append(name, n, cap, "-");
        n = str_append_uint(name, n, cap, attempt);
    }
    n = str_append(name, n, cap, ".log");
    return n + 1 >= cap ? 0 : n;
}

/* This image took log name `attempt` of its pid: when an earlier name holds
 * the log of an image of this process that did not exit (it exec'd us), marks
 * that log REPLACED and returns 1 (see RC_LOG_F_EXEC). System calls only. */
static int mark_previous_image(int dir, pid_t pid, unsigned attempt)
{
    char name[sizeof g_log_name];
    for (unsigned k = attempt; k-- > 0;) {
        if (!log_name(name, sizeof name, pid, k))
            return 0;
        int fd = sys_openat(dir, name, O_RDWR | O_CLOEXEC, 0);
        if (fd < 0)
            continue;
        rc_log_header_t h;
        int found = sys_pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
                    memcmp(h.magic, RC_LOG_MAGIC, sizeof h.magic) == 0 && h.pid == pid &&
                    !(h.flags & (RC_LOG_F_EXITED | RC_LOG_F_REPLACED));
        if (found) {
            uint32_t flags = h.flags | RC_LOG_F_REPLACED;
            found = sys_pwrite(fd, &flags, sizeof flags, offsetof(rc_log_header_t, flags)) ==
                    (ssize_t)sizeof flags;
        }
        sys_close(fd);
        if (found)
            return 1;
    }
    return 0;
}

/* Creates this process's log in g_dir, maps it and publishes it in g_hdr.
 * ppid goes into the header. Returns 0, or -1 after a warning (the process
 * then runs unrecorded). Uses only system calls: it also runs in a forked
 * child. */
static int open_log(int ppid)
{
    const uint64_t chunk_bytes = (uint64_t)RC_LOG_CHUNK_RECORDS * sizeof(rc_event_t);
    uint64_t bytes = g_capacity_mb << 20;
    uint64_t nchunks = bytes > RC_LOG_HEADER_SIZE ? (bytes - RC_LOG_HEADER_SIZE) / chunk_bytes : 0;
    if (nchunks == 0)
        nchunks = 1;
    if (nchunks > UINT32_MAX)
        nchunks = UINT32_MAX;
    uint64_t size = RC_LOG_HEADER_SIZE + nchunks * chunk_bytes;
    pid_t pid = sys_getpid();

    int dir = open_log_dir();
    if (dir < 0) {
        warn("cannot open the log directory ", g_dir, NULL);
        return -1;
    }
    int fd = -1;
    unsigned attempt = 0;
    for (; attempt < 1000 && fd < 0; attempt++) {
        log_name(g_log_name, sizeof g_log_name, pid, attempt); /* always fits */
        fd = sys_openat(dir, g_log_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) {
            warn_log("cannot create ", errno == EACCES ? " (permission denied)" : NULL);
            sys_close(dir);
            return -1;
        }
    }
    if (fd < 0) {
        warn("no free log name in ", g_dir, NULL);
        sys_close(dir);
        return -1;
    }
    int execed = attempt > 1 && mark_previous_image(dir, pid, attempt - 1);
    /* Size and map the file; when the file system or the address-space limit
     * refuses the capacity asked for, halve it rather than record nothing. */
    void *map = MAP_FAILED;
    int reduced = 0;
    for (;;) {
        size = RC_LOG_HEADER_SIZE + nchunks * chunk_bytes;
        if (sys_ftruncate(fd, (off_t)size) == 0)
            map = sys_mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED && reduced && nchunks > 1) {
            /* Leave the program as much address space as the log takes. */
            sys_munmap(map, size);
            map = MAP_FAILED;
            nchunks /= 2;
            reduced = 0;
            continue;
        }
        if (map != MAP_FAILED || nchunks == 1)
            break;
        nchunks /= 2;
        reduced = 1;
    }
    sys_close(fd);
    if (map == MAP_FAILED) {
        warn_log("cannot size or map ", NULL);
        sys_unlinkat(dir, g_log_name, 0);
        sys_close(dir);
        return -1;
    }
    if (RC_LOG_HEADER_SIZE + nchunks * chunk_bytes < (g_capacity_mb << 20) / 2)
        warn_log("log capacity reduced (RACECHECK_LOG_MB too large here): ", NULL);

    if (reserve(map, RC_LOG_HEADER_SIZE) != 0) {
        warn_log("no room for ", " (file system full?)");
        sys_munmap(map, size);
        sys_unlinkat(dir, g_log_name, 0);
        sys_close(dir);
        return -1;
    }
    sys_close(dir);
    rc_log_header_t *h = map;
    h->version = RC_LOG_VERSION;
    h->record_size = sizeof(rc_event_t);
    h->chunk_records = RC_LOG_CHUNK_RECORDS;
    h->pid = pid;
    h->ppid = execed ? pid : ppid;
    h->flags = execed ? RC_LOG_F_EXEC : 0;
    h->start_ns = now_ns();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    h->start_wall = (uint64_t)wall.tv_sec;
    h->next_chunk = 0;
    h->dropped = 0;
    h->exit_status = 0;
    h->chunk_capacity = (uint32_t)nchunks;
    h->deadlock_ms = (uint32_t)(g_wd_ns / 1000000u);
    rc_lock_stat_t *stats = NULL;
    uint32_t nstats = 0;
    if (g_summary && nchunks > 2 * RC_LOG_STATS_CHUNKS) {
        /* The lock table takes the space of the last chunks. */
        h->chunk_capacity = (uint32_t)(nchunks - RC_LOG_STATS_CHUNKS);
        h->stats_offset = RC_LOG_HEADER_SIZE + (uint64_t)h->chunk_capacity * chunk_bytes;
        nstats = (uint32_t)(RC_LOG_STATS_CHUNKS * chunk_bytes / sizeof(rc_lock_stat_t));
        h->stats_slots = nstats;
        h->flags |= RC_LOG_F_SUMMARY;
        stats = (rc_lock_stat_t *)((char *)map + h->stats_offset);
        /* Lookups read slots before claiming one: without this a read of a
         * slot in a hole makes the kernel read ahead and map the pages
         * around it (zero pages of holes, up to 128 KiB a fault), which
         * the program's RSS then counts though nothing is written there. */
        sys_madvise((char *)map + (h->stats_offset & ~(uint64_t)4095),
                    (size_t)(size - (h->stats_offset & ~(uint64_t)4095)), MADV_RANDOM);
    }
    ssize_t len = sys_readlink("/proc/self/exe", h->exe, sizeof h->exe - 1);
    h->exe[len > 0 ? len : 0] = '\0';
    /* The magic last: a file with a magic has a complete header. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(h->magic, RC_LOG_MAGIC, sizeof h->magic);

    write_maps();
    g_map_len = size;
    g_records = (rc_event_t *)((char *)map + RC_LOG_HEADER_SIZE);
    g_nstats = nstats;
    __atomic_store_n(&g_stats, stats, __ATOMIC_RELEASE);
    __atomic_store_n(&g_hdr, h, __ATOMIC_RELEASE);
    return 0;
}

/* ---- Recording ---------------------------------------------------------- */

/* Gives t a fresh chunk. Returns 0 when the log is full (t->full is set and
 * the caller counts a dropped event). */
static int take_chunk(rc_thread_t *t, rc_log_header_t *h)
{
    uint64_t gen = __atomic_load_n(&g_gen, __ATOMIC_RELAXED);
    if (t->full && t->gen == gen)
        return 0;
    t->gen = gen;
    t->full = 0;
    if (!t->had_chunk) {
        t->had_chunk = 1;
        for (unsigned i = 0; i < PARK_SLOTS; i++) {
            if (!__atomic_load_n(&g_parked[i], __ATOMIC_RELAXED))
                continue;
            rc_event_t *p = __atomic_exchange_n(&g_parked[i], NULL, __ATOMIC_ACQUIRE);
            if (p) {
                size_t chunk = (size_t)(p - g_records) / RC_LOG_CHUNK_RECORDS;
                t->cur = p;
                t->end = g_records + (chunk + 1) * RC_LOG_CHUNK_RECORDS;
                return 1;
            }
        }
    }
    uint64_t n = __atomic_load_n(&h->next_chunk, __ATOMIC_RELAXED);
    do {
        if (n >= h->chunk_capacity) {
            t->full = 1;
            t->cur = t->end = NULL;
            return 0;
        }
    } while (!__atomic_compare_exchange_n(&h->next_chunk, &n, n + 1, 1, __ATOMIC_RELAXED,
                                          __ATOMIC_RELAXED));
    rc_event_t *chunk = g_records + n * RC_LOG_CHUNK_RECORDS;
    if (reserve(chunk, RC_LOG_CHUNK_RECORDS * sizeof(rc_event_t)) != 0) {
        /* No room: the chunk stays empty (all zero, as the reader expects of
         * a chunk nobody wrote) and this thread records no more. */
        t->full = 1;
        t->cur = t->end = NULL;
        return 0;
    }
    t->cur = chunk;
    t->end = chunk + RC_LOG_CHUNK_RECORDS;
    return 1;
}

/* At a thread's very end (thread_key_destructor): parks the rest of its chunk
 * for a thread yet to start. The thread then records nothing more (a lock
 * taken after that counts as dropped). */
static void park_chunk(rc_thread_t *t)
{
    if (!t->cur || t->gen != __atomic_load_n(&g_gen, __ATOMIC_RELAXED) ||
        t->end - t->cur < PARK_MIN_FREE)
        return;
    t->guard++;
    for (unsigned i = 0; i < PARK_SLOTS; i++) {
        rc_event_t *expected = NULL;
        if (!__atomic_load_n(&g_parked[i], __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&g_parked[i], &expected, t->cur, 0, __ATOMIC_RELEASE,
                                        __ATOMIC_RELAXED)) {
            t->cur = t->end = NULL;
            t->full = 1;
            break;
        }
    }
    t->guard--;
}

/* Appends one record stamped ts to t's chunk; op is published last. A
 * signal handler that locks while this thread is in here passes through
 * unrecorded (enter() sees the guard) instead of claiming the same slot. */
static void emit_raw(rc_thread_t *t, uint32_t tid, uint64_t ts, uint16_t op, uint16_t flags,
                     uintptr_t obj, uintptr_t site, uint64_t arg)
{
    rc_log_header_t *h = __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE);
    if (RC_UNLIKELY(!h))
        return;
    t->guard++;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (RC_UNLIKELY(t->cur == t->end || t->gen != __atomic_load_n(&g_gen, __ATOMIC_RELAXED)) &&
        !take_chunk(t, h)) {
        __atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELAXED);
    } else {
        rc_event_t *e = t->cur++;
        e->ts = ts;
        e->obj = obj;
        e->site = site;
        e->arg = arg;
        e->tid = tid;
        e->flags = flags;
        __atomic_store_n(&e->op, op, __ATOMIC_RELEASE);
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->guard--;
}

/* Records that move the recording thread's vector clock in the analysis
 * (create, join, semaphores, once) start a new epoch of its patterns. */
static inline int moves_clock(uint16_t op)
{
    return op == RC_EV_THREAD_CREATE || op == RC_EV_THREAD_JOIN || op == RC_EV_SEM_POST ||
           op == RC_EV_SEM_WAIT || op == RC_EV_ONCE || op == RC_EV_FORK;
}

/* Appends a record as thread tid, after whatever acquisitions of the calling
 * thread summary mode has not recorded yet. */
static void emit_as(rc_thread_t *t, uint32_t tid, uint64_t ts, uint16_t op, uint16_t flags,
                    uintptr_t obj, uintptr_t site, uint64_t arg)
{
    if (RC_UNLIKELY(t->npending != 0))
        flush_pending(t);
    if (RC_UNLIKELY(moves_clock(op)))
        t->epoch++;
    emit_raw(t, tid, ts, op, flags, obj, site, arg);
}

static inline void emit_at(rc_thread_t *t, uint64_t ts, uint16_t op, uint16_t flags, uintptr_t obj,
                           uintptr_t site, uint64_t arg)
{
    emit_as(t, t->tid, ts, op, flags, obj, site, arg);
}

static inline void emit(rc_thread_t *t, uint16_t op, uint16_t flags, uintptr_t obj, uintptr_t site,
                        uint64_t arg)
{
    emit_at(t, now_ns(), op, flags, obj, site, arg);
}

/* Destructor of g_exit_key, the last code of every thread we know but the
 * main one. It re-arms itself until glibc's final round of thread-specific
 * destructors, so that it runs after the program's own (and after C++
 * thread_local destructors, which run before any of them): only then does the
 * thread give up its chunk. An adopted thread's exit is recorded here; a
 * thread we started recorded it in its cleanup handler already. */
static void thread_key_destructor(void *unused)
{
    (void)unused;
    rc_thread_t *t = &self_;
    if (++t->key_rounds < PTHREAD_DESTRUCTOR_ITERATIONS && pthread_setspecific(g_exit_key, t) == 0)
        return;
    if (t->known && !t->exited && !t->guard) {
        t->exited = 1;
        flush_counts(t);
        emit(t, RC_EV_THREAD_EXIT, 0, 0, 0, t->nheld);
    }
    park_chunk(t);
    wd_release(t);
    pats_release(t);
}

/* Gives a thread the shim did not start its tid and records its start: the
 * main thread, or one that glibc created internally (SIGEV_THREAD timers,
 * asynchronous name lookups) and that runs user code. The latter's exit is
 * caught by thread_key_destructor (setting a key allocates nothing for the
 * first 32 keys); the main thread's by the exit handler. */
static void thread_adopt(rc_thread_t *t)
{
    int saved = errno;
    pid_t os = sys_gettid();
    int is_main = os == sys_getpid();
    t->tid = is_main ? 0 : __atomic_fetch_add(&g_next_tid, 1, __ATOMIC_RELAXED);
    t->known = 1;
    emit(t, RC_EV_THREAD_START, is_main ? RC_START_MAIN : 0, 0, 0, (uint64_t)os);
    if (!is_main && g_exit_key_ok)
        pthread_setspecific(g_exit_key, t);
    errno = saved;
}

static void on_process_exit(int status, void *unused);
static void atfork_child(void);

/* Reads the environment and opens the log. Runs once, from our constructor
 * or from whichever wrapper is called first. */
static void init_once(void)
{
    const char *dir = getenv("RACECHECK_LOG_DIR");
    if (!dir || !*dir)
        return; /* pure pass-through */
    if (getauxval(AT_SECURE)) {
        warn("refusing to record a setuid/setgid process", NULL, NULL);
        return;
    }
    /* Absolute, so that a chdir() in the program moves neither the exit-time
     * maps copy nor a forked child's log. */
    if (strlen(dir) >= sizeof g_dir || !realpath(dir, g_dir)) {
        warn("RACECHECK_LOG_DIR is not a usable directory: ", dir, NULL);
        return;
    }
    const char *mb = getenv("RACECHECK_LOG_MB");
    if (mb && *mb) {
        char *endp;
        unsigned long long v = strtoull(mb, &endp, 10);
        if (*endp || v == 0 || v > (1ull << 30))
            warn("ignoring RACECHECK_LOG_MB=", mb, " (want 1..1073741824)");
        else
            g_capacity_mb = v;
    }
    g_wd_ns = wd_parse(getenv("RACECHECK_DEADLOCK_TIMEOUT"));
    const char *trace = getenv("RACECHECK_TRACE");
    g_summary = !trace || !*trace || strcmp(trace, "0") == 0;
    if (g_summary)
        ticks_calibrate();
    if (open_log(sys_getppid()) != 0)
        return;
    g_exit_key_ok = pthread_key_create(&g_exit_key, thread_key_destructor) == 0;
    pthread_atfork(NULL, NULL, atfork_child);
    on_exit(on_process_exit, NULL);
    __atomic_store_n(&g_sig_wrap, 1, __ATOMIC_RELEASE);
    wd_start();
}

static void init_slow(void)
{
    int expected = INIT_NONE;
    if (__atomic_compare_exchange_n(&g_init, &expected, INIT_RUNNING, 0, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
        int saved = errno;
        self_.guard++;
        init_once();
        self_.guard--;
        errno = saved;
        __atomic_store_n(&g_init, INIT_DONE, __ATOMIC_RELEASE);
    }
    /* Else another thread is initialising. Waiting for it could deadlock (it
     * may be in malloc, waiting for an allocator lock this thread holds), so
     * this call goes unrecorded instead. */
}

/* A forked child opens its log on its first recorded call, not in the fork
 * handler: a child that only execs (or _exits) leaves no log behind, and the
 * exec'd image gets the plain rc-<pid>.log. One caller wins the race to open. */
static void open_forked_log(rc_thread_t *t)
{
    int ppid = __atomic_exchange_n(&g_fork_ppid, 0, __ATOMIC_ACQ_REL);
    if (!ppid)
        return;
    int saved = errno;
    t->guard++;
    if (open_log(ppid) == 0)
        wd_start();
    t->guard--;
    errno = saved;
}

/* The forking thread's first records in the child's log: its start (it keeps
 * its tid) and the locks it held at fork, which it holds here too. */
static void forked_start(rc_thread_t *t)
{
    int saved = errno;
    t->fork_pending = 0;
    emit(t, RC_EV_THREAD_START, RC_START_FORKED, 0, 0, (uint64_t)sys_gettid());
    uint32_t n = t->nheld < RC_HELD_MAX ? t->nheld : RC_HELD_MAX;
    for (uint32_t i = 0; i < n; i++)
        emit(t, RC_EV_LOCK_ACQUIRED, t->held[i].kind | RC_LOCK_INHERITED, t->held[i].obj, 0, 0);
    errno = saved;
}

/* The calling thread's state when this call should be recorded, else NULL.
 * Every wrapper calls load_real() first, then this. */
static inline rc_thread_t *enter(void)
{
    if (RC_UNLIKELY(__atomic_load_n(&g_init, __ATOMIC_ACQUIRE) != INIT_DONE)) {
        if (self_.guard)
            return NULL;
        init_slow();
        if (__atomic_load_n(&g_init, __ATOMIC_ACQUIRE) != INIT_DONE)
            return NULL;
    }
    rc_thread_t *t = &self_;
    if (!__atomic_load_n(&g_hdr, __ATOMIC_RELAXED)) {
        if (RC_LIKELY(!__atomic_load_n(&g_fork_ppid, __ATOMIC_RELAXED)) || t->guard)
            return NULL;
        open_forked_log(t);
        if (!__atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE))
            return NULL;
    }
    if (RC_UNLIKELY(t->guard))
        return NULL;
    if (RC_UNLIKELY(!t->known))
        thread_adopt(t);
    if (RC_UNLIKELY(t->fork_pending))
        forked_start(t);
    return t;
}

/* ---- Held locks --------------------------------------------------------- */

static void held_push(rc_thread_t *t, uintptr_t obj, uintptr_t site, uint16_t kind)
{
    if (t->nheld < RC_HELD_MAX) {
        t->held[t->nheld] = (held_lock_t){obj, site, kind};
        if (t->nheld < RC_PEND_MAX)
            t->pend[t->nheld].pending = 0;
    }
    t->nheld++;
}

/* The kind under which t holds obj (innermost), or 0 when it is not tracked. */
static uint16_t held_kind(const rc_thread_t *t, uintptr_t obj)
{
    uint32_t n = t->nheld < RC_HELD_MAX ? t->nheld : RC_HELD_MAX;
    for (uint32_t i = n; i-- > 0;)
        if (t->held[i].obj == obj)
            return t->held[i].kind;
    return 0;
}

/* Forgets the innermost hold of obj. A lock this thread does not hold (it was
 * taken by another thread, or beyond RC_HELD_MAX) changes only the count. */
static void held_pop(rc_thread_t *t, uintptr_t obj)
{
    if (RC_UNLIKELY(t->npending != 0))
        flush_pending(t); /* the analysis must see it acquired before it sees it released */
    uint32_t n = t->nheld < RC_HELD_MAX ? t->nheld : RC_HELD_MAX;
    for (uint32_t i = n; i-- > 0;) {
        if (t->held[i].obj == obj) {
            memmove(&t->held[i], &t->held[i + 1], (n - i - 1) * sizeof t->held[0]);
            t->nheld--;
            return;
        }
    }
    if (t->nheld > RC_HELD_MAX)
        t->nheld--;
}

/* ---- Deadlock watchdog ------------------------------------------------------ */

/*
 * With RACECHECK_DEADLOCK_TIMEOUT=S (seconds, decimals allowed) a watchdog
 * thread wakes every WD_TICK_NS and looks for a wait-for cycle: threads
 * blocked in a (non-timed) lock call, each waiting for a lock that the next
 * blocked thread of the cycle holds. When the same cycle (the same threads in
 * the same waits) is still there S seconds after it was first seen, the
 * program can never go on: the watchdog writes DEADLOCK records (who waits for
 * what, who holds it, where), sets RC_LOG_F_DEADLOCK and exit_status, copies
 * the maps and ends the process with _exit(RC_DEADLOCK_EXIT) (exit() could
 * hang in handlers that want the deadlocked locks).
 *
 * What a thread is blocked on lives in a slot of a table mapped at start
 * (WD_SLOTS slots, claimed by a thread at its first blocking wait, given back
 * by its last destructor). A thread writes only its own slot and only around
 * the blocking call: the contended path, already a system call. The held set
 * is copied in when the thread blocks, and stays true while it is blocked.
 * `seq` is odd while the thread is blocked and changes with every wait, so the
 * watchdog reads a slot like a seqlock and a repeated (slot, seq) means the
 * very same wait. Nobody waits for anybody: the watchdog only reads.
 *
 * The watchdog thread is started with every signal blocked (the program's
 * signals go to its own threads), raises its guard for good (nothing it does
 * is recorded), and is created with the real pthread_create: no tid, and no
 * records but the DEADLOCK ones. Read holds of a rwlock block a writer that
 * waits, not a reader (a reader waits for a writer).
 */
#define WD_SLOTS 4096
#define WD_HELD 16 /* held locks copied per blocked thread */
#define WD_TICK_NS 100000000ull

typedef struct wd_slot {
    uint32_t owner; /* shim tid + 1 of the thread that claimed it; 0 = free */
    uint32_t seq;   /* odd while blocked; bumped at every block and unblock */
    uintptr_t waiting, site;
    uint16_t kind;
    uint16_t nheld;
    held_lock_t held[WD_HELD];
} wd_slot_t;

typedef struct wd_snap {
    wd_slot_t s;    /* a consistent copy of a blocked thread's slot */
    uint32_t slot;  /* its index */
    int32_t next;   /* the snapshot of the thread holding what this one waits for, -1 */
    uint32_t mark;  /* cycle search */
    uint32_t holds; /* index in s.held of the lock the previous thread waits for */
} wd_snap_t;

static wd_slot_t *g_wd_slots; /* WD_SLOTS slots, mmap'd when the watchdog is on */
static wd_snap_t *g_wd_snap;  /* the watchdog's copies, WD_SLOTS of them */

/* The calling thread's slot, claimed on first use; NULL when all are taken. */
static wd_slot_t *wd_slot_of(rc_thread_t *t, wd_slot_t *slots)
{
    if (RC_LIKELY(t->wd_slot))
        return &slots[t->wd_slot - 1];
    uint32_t start = (uint32_t)(((uint64_t)t->tid * 0x9E3779B97F4A7C15ull) >> 40) % WD_SLOTS;
    for (uint32_t i = 0; i < WD_SLOTS; i++) {
        uint32_t s = (start + i) % WD_SLOTS, free_slot = 0;
        if (__atomic_load_n(&slots[s].owner, __ATOMIC_RELAXED) == 0 &&
            __atomic_compare_exchange_n(&slots[s].owner, &free_slot, t->tid + 1, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
            t->wd_slot = s + 1;
            return &slots[s];
        }
    }
    return NULL;
}

/* About to block on obj: publishes the wait and the locks held. Returns the
 * slot to hand to wd_unblock, or NULL (no watchdog, a timed lock, no slot). */
static wd_slot_t *wd_block(rc_thread_t *t, uintptr_t obj, uintptr_t site, uint16_t flags)
{
    wd_slot_t *slots = __atomic_load_n(&g_wd_slots, __ATOMIC_ACQUIRE);
    if (RC_LIKELY(!slots) || (flags & RC_LOCK_TIMED))
        return NULL;
    wd_slot_t *w = wd_slot_of(t, slots);
    if (!w)
        return NULL;
    uint32_t n = t->nheld < RC_HELD_MAX ? t->nheld : RC_HELD_MAX;
    if (n > WD_HELD)
        n = WD_HELD; /* beyond: out of the watchdog's sight */
    uint32_t seq = __atomic_load_n(&w->seq, __ATOMIC_RELAXED);
    if (seq & 1) /* a signal handler blocks while this thread is blocked: keep the outer wait */
        return NULL;
    __atomic_store_n(&w->waiting, obj, __ATOMIC_RELAXED);
    __atomic_store_n(&w->site, site, __ATOMIC_RELAXED);
    __atomic_store_n(&w->kind, (uint16_t)RC_LOCK_KIND(flags), __ATOMIC_RELAXED);
    __atomic_store_n(&w->nheld, (uint16_t)n, __ATOMIC_RELAXED);
    for (uint32_t i = 0; i < n; i++) {
        __atomic_store_n(&w->held[i].obj, t->held[i].obj, __ATOMIC_RELAXED);
        __atomic_store_n(&w->held[i].site, t->held[i].site, __ATOMIC_RELAXED);
        __atomic_store_n(&w->held[i].kind, t->held[i].kind, __ATOMIC_RELAXED);
    }
    __atomic_store_n(&w->seq, seq + 1, __ATOMIC_RELEASE); /* odd: published */
    return w;
}

static inline void wd_unblock(wd_slot_t *w)
{
    if (RC_UNLIKELY(w != NULL))
        __atomic_store_n(&w->seq, __atomic_load_n(&w->seq, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
}

/* At a thread's very end: its slot is free for a new thread. */
static void wd_release(rc_thread_t *t)
{
    wd_slot_t *slots = __atomic_load_n(&g_wd_slots, __ATOMIC_ACQUIRE);
    if (t->wd_slot && slots)
        __atomic_store_n(&slots[t->wd_slot - 1].owner, 0, __ATOMIC_RELEASE);
    t->wd_slot = 0;
}

/* Copies the blocked threads' slots into g_wd_snap and returns how many. A
 * slot rewritten while it was copied is skipped: that thread moved. */
static uint32_t wd_snapshot(void)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < WD_SLOTS; i++) {
        wd_slot_t *w = &g_wd_slots[i];
        uint32_t s1 = __atomic_load_n(&w->seq, __ATOMIC_ACQUIRE);
        if (!(s1 & 1))
            continue;
        wd_slot_t *c = &g_wd_snap[n].s;
        c->owner = __atomic_load_n(&w->owner, __ATOMIC_RELAXED);
        c->waiting = __atomic_load_n(&w->waiting, __ATOMIC_RELAXED);
        c->site = __atomic_load_n(&w->site, __ATOMIC_RELAXED);
        c->kind = __atomic_load_n(&w->kind, __ATOMIC_RELAXED);
        c->nheld = __atomic_load_n(&w->nheld, __ATOMIC_RELAXED);
        if (c->nheld > WD_HELD)
            continue;
        for (uint32_t k = 0; k < c->nheld; k++) {
            c->held[k].obj = __atomic_load_n(&w->held[k].obj, __ATOMIC_RELAXED);
            c->held[k].site = __atomic_load_n(&w->held[k].site, __ATOMIC_RELAXED);
            c->held[k].kind = __atomic_load_n(&w->held[k].kind, __ATOMIC_RELAXED);
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&w->seq, __ATOMIC_RELAXED) != s1 || !c->owner)
            continue;
        c->seq = s1;
        g_wd_snap[n].slot = i;
        g_wd_snap[n].next = -1;
        g_wd_snap[n].mark = 0;
        n++;
    }
    return n;
}

/* Whether a thread holding lock h blocks a thread that waits for it as `kind`. */
static int wd_blocks(const held_lock_t *h, uintptr_t obj, uint16_t kind)
{
    return h->obj == obj && !(kind == RC_LOCK_RWLOCK_READ && h->kind == RC_LOCK_RWLOCK_READ);
}

/* Links every blocked thread to a blocked thread holding its lock, then finds
 * a cycle of that functional graph. Returns the index of a snapshot on the
 * cycle, or -1. Each snapshot's `holds` names the lock of the cycle it holds. */
static int32_t wd_find_cycle(uint32_t n)
{
    for (uint32_t a = 0; a < n; a++) {
        wd_snap_t *x = &g_wd_snap[a];
        for (uint32_t b = 0; b < n && x->next < 0; b++) {
            const wd_slot_t *y = &g_wd_snap[b].s;
            for (uint32_t k = 0; k < y->nheld; k++) {
                if (wd_blocks(&y->held[k], x->s.waiting, x->s.kind)) {
                    x->next = (int32_t)b;
                    break;
                }
            }
        }
    }
    for (uint32_t a = 0; a < n; a++) {
        /* Walk from a, marking with a + 1: meeting our own mark closes a cycle. */
        int32_t v = (int32_t)a;
        while (v >= 0 && g_wd_snap[v].mark == 0) {
            g_wd_snap[v].mark = a + 1;
            v = g_wd_snap[v].next;
        }
        if (v >= 0 && g_wd_snap[v].mark == a + 1) {
            int32_t u = v;
            do { /* which of its held locks the previous one waits for */
                wd_snap_t *x = &g_wd_snap[u], *y = &g_wd_snap[x->next];
                for (uint32_t k = 0; k < y->s.nheld; k++)
                    if (wd_blocks(&y->s.held[k], x->s.waiting, x->s.kind))
                        y->holds = k;
                u = x->next;
            } while (u != v);
            return v;
        }
    }
    return -1;
}

/* A cycle's identity: its (slot, seq) pairs, order-independent. */
static uint64_t wd_signature(int32_t v)
{
    uint64_t sig = 0;
    int32_t u = v;
    do {
        uint64_t x = ((uint64_t)g_wd_snap[u].slot << 32 | g_wd_snap[u].s.seq) + 1;
        sig += x * 0x9E3779B97F4A7C15ull ^ (x >> 29);
        u = g_wd_snap[u].next;
    } while (u != v);
    return sig;
}

/* Writes the cycle starting at v to the log, marks the header and ends the
 * process. */
static void __attribute__((noreturn)) wd_report(rc_thread_t *me, int32_t v)
{
    rc_log_header_t *h = __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE);
    uint64_t ts = now_ns();
    uint32_t n = 0;
    int32_t u = v;
    do {
        const wd_snap_t *x = &g_wd_snap[u], *y = &g_wd_snap[x->next];
        const held_lock_t *held = &y->s.held[y->holds];
        emit_as(me, x->s.owner - 1, ts, RC_EV_DEADLOCK, RC_DEADLOCK_WAITS, x->s.waiting, x->s.site,
                y->s.owner - 1);
        emit_as(me, y->s.owner - 1, ts, RC_EV_DEADLOCK, RC_DEADLOCK_HOLDS, held->obj, held->site,
                x->s.owner - 1);
        n++;
        u = x->next;
    } while (u != v);
    char num[24];
    str_append_uint(num, 0, sizeof num, n);
    if (n == 1)
        warn("deadlock: a thread waits for a lock it holds itself; stopping the program", NULL,
             NULL);
    else
        warn("deadlock: ", num, " threads wait for each other's locks; stopping the program");
    if (h) {
        h->exit_status = RC_DEADLOCK_EXIT;
        __atomic_fetch_or(&h->flags, RC_LOG_F_DEADLOCK, __ATOMIC_RELEASE);
        write_maps();
    }
    _exit(RC_DEADLOCK_EXIT);
}

static void *wd_main(void *unused)
{
    (void)unused;
    rc_thread_t *me = &self_;
    me->guard = 1; /* for good: nothing this thread does is recorded */
    uint64_t sig = 0, since = 0;
    for (;;) {
        struct timespec tick = {0, (long)WD_TICK_NS};
        while (sys_nanosleep(&tick, &tick) != 0 && errno == EINTR)
            ;
        if (!__atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE))
            continue;
        uint32_t n = wd_snapshot();
        int32_t v = n ? wd_find_cycle(n) : -1;
        if (v < 0) {
            sig = 0;
            continue;
        }
        uint64_t now = now_ns(), s = wd_signature(v);
        if (s != sig) {
            sig = s;
            since = now;
        } else if (now - since >= g_wd_ns) {
            wd_report(me, v);
        }
    }
    return NULL;
}

/* Parses RACECHECK_DEADLOCK_TIMEOUT ("2", "0.5"): nanoseconds, 0 if unset or
 * invalid (with a warning). */
static uint64_t wd_parse(const char *v)
{
    if (!v || !*v)
        return 0;
    uint64_t sec = 0, frac = 0, scale = 1000000000ull;
    const char *p = v;
    for (; *p >= '0' && *p <= '9' && sec < 1000000; p++)
        sec = sec * 10 + (uint64_t)(*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (scale >= 10) {
                scale /= 10;
                frac += (uint64_t)(*p - '0') * scale;
            }
    uint64_t ns = sec * 1000000000ull + frac;
    if (*p || p == v || ns < 1000000 || sec >= 1000000) {
        warn("ignoring RACECHECK_DEADLOCK_TIMEOUT=", v, " (want seconds, at least 0.001)");
        return 0;
    }
    return ns;
}

/* Starts the watchdog thread of this process (at start-up, and in a forked
 * child, where only the forking thread survives). */
static void wd_start(void)
{
    if (!g_wd_ns)
        return;
    size_t bytes = WD_SLOTS * (sizeof(wd_slot_t) + sizeof(wd_snap_t));
    if (!g_wd_slots) {
        void *m = sys_mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            warn("no memory for the deadlock watchdog", NULL, NULL);
            return;
        }
        g_wd_snap = (wd_snap_t *)((char *)m + WD_SLOTS * sizeof(wd_slot_t));
        __atomic_store_n(&g_wd_slots, (wd_slot_t *)m, __ATOMIC_RELEASE);
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_t attr;
    pthread_t th;
    int ok = pthread_attr_init(&attr) == 0;
    if (ok) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 256 * 1024);
        ok = REAL(pthread_create)(&th, &attr, wd_main, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!ok)
        warn("cannot start the deadlock watchdog", NULL, NULL);
}

/* In a forked child: the other threads and their waits are gone. */
static void wd_after_fork(rc_thread_t *t)
{
    if (g_wd_slots)
        zero_bytes(g_wd_slots, WD_SLOTS * sizeof(wd_slot_t));
    t->wd_slot = 0;
}

/* ---- Summary mode ------------------------------------------------------------ */

/*
 * What is left out and why it changes no analysis: see "Modes" in eventlog.h.
 * Per thread, pend[i] says whether held[i] is recorded yet; the unrecorded
 * ones are always the innermost (a recorded acquisition first records every
 * one below it), so releasing the innermost one while it is still unrecorded
 * is the only case left out; everything else records them first
 * (flush_pending, from emit_as and held_pop). Patterns: see pattern_t.
 */

/* A cheap clock for the durations of pairs left out: the x86 time-stamp
 * counter when it is invariant (calibrated against CLOCK_MONOTONIC at
 * start), else now_ns(). Record times always come from now_ns(). */
static double g_ns_per_tick; /* 0: ticks() is now_ns() */

static inline uint64_t ticks(void)
{
#if defined(__x86_64__)
    if (RC_LIKELY(g_ns_per_tick > 0))
        return __rdtsc();
#endif
    return now_ns();
}

static inline uint64_t ticks_to_ns(uint64_t d)
{
    return g_ns_per_tick > 0 ? (uint64_t)((double)d * g_ns_per_tick) : d;
}

/* Measures the counter's rate over 50 microseconds (once, at start-up). */
static void ticks_calibrate(void)
{
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
        return;
    __get_cpuid(0x80000007u, &a, &b, &c, &d);
    if (!(d & (1u << 8))) /* no invariant TSC */
        return;
    uint64_t n0 = now_ns(), c0 = __rdtsc(), n1, c1;
    do {
        n1 = now_ns();
        c1 = __rdtsc();
    } while (n1 - n0 < 50000);
    if (c1 > c0)
        g_ns_per_tick = (double)(n1 - n0) / (double)(c1 - c0);
#endif
}

static inline int summary_on(void)
{
    return __atomic_load_n(&g_stats, __ATOMIC_RELAXED) != NULL;
}

/* The lock table slot of obj, claimed on first use (its first acquisition,
 * recorded or not). NULL when the table is full or its page has no storage:
 * the acquisition is then recorded, and so are all later ones of obj (the
 * table never frees a slot), whose owner changes the analysis then counts
 * from the records. */
static rc_lock_stat_t *stat_of(uintptr_t obj, uint16_t kind)
{
    rc_lock_stat_t *tab = __atomic_load_n(&g_stats, __ATOMIC_ACQUIRE);
    uint32_t n = g_nstats;
    if (!tab || !n)
        return NULL;
    uint32_t i = (uint32_t)(((uint64_t)obj * 0x9E3779B97F4A7C15ull) >> 32) % n;
    /* A short probe: a lock that finds no slot soon (a table nearly full of
     * other locks) is recorded instead of searched for at every call. */
    for (uint32_t probe = 0; probe < n && probe < 64; probe++, i = (i + 1) % n) {
        rc_lock_stat_t *e = &tab[i];
        uint64_t a = __atomic_load_n(&e->addr, __ATOMIC_ACQUIRE);
        if (a == obj)
            return e;
        if (a != 0)
            continue;
        /* Storage for the slot's page before the first write to it. */
        uintptr_t page = (uintptr_t)e & ~(uintptr_t)4095;
        size_t len = ((uintptr_t)(e + 1) - page + 4095) & ~(size_t)4095;
        if (reserve((void *)page, len) != 0)
            return NULL;
        uint64_t expected = 0;
        if (__atomic_compare_exchange_n(&e->addr, &expected, (uint64_t)obj, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&e->kind, kind, __ATOMIC_RELAXED);
            return e;
        }
        if (expected == obj)
            return e;
    }
    return NULL;
}

/* The first acquisition of st's lock left out: its site and time, unless
 * an earlier one set them. */
static inline void stat_first(rc_lock_stat_t *st, uintptr_t site)
{
    if (RC_LIKELY(__atomic_load_n(&st->first_ts, __ATOMIC_RELAXED) != 0))
        return;
    uint64_t zero = 0;
    if (__atomic_compare_exchange_n(&st->first_ts, &zero, now_ns(), 0, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
        __atomic_store_n(&st->first_site, (uint64_t)site, __ATOMIC_RELAXED);
}

/* Thread t has just acquired st's lock: an owner change when another
 * thread acquired it last (mutrace's "changed"). For an exclusive lock the
 * previous owner's store happened before its release, which this
 * acquisition follows, so plain loads and stores suffice; the counter is
 * only written on a change. */
static inline void stat_owner(const rc_thread_t *t, rc_lock_stat_t *st)
{
    uint32_t me = t->tid + 1, prev = __atomic_load_n(&st->last_owner, __ATOMIC_RELAXED);
    if (RC_LIKELY(prev == me))
        return;
    __atomic_store_n(&st->last_owner, me, __ATOMIC_RELAXED);
    if (prev)
        __atomic_fetch_add(&st->owner_changes, 1, __ATOMIC_RELAXED);
}

static inline void stat_max(uint64_t *p, uint64_t v)
{
    uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (v > cur &&
           !__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

/* The pattern key of acquiring obj now (held locks in order, obj, edge kind). */
static uint64_t pattern_hash(const rc_thread_t *t, uintptr_t obj, int edge_try)
{
    uint64_t h = 0x243F6A8885A308D3ull ^ (uint64_t)edge_try ^ ((uint64_t)t->nheld << 8);
    for (uint32_t i = 0; i < t->nheld; i++)
        h = (h ^ t->held[i].obj) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    h = (h ^ obj) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
    return h ? h : 1;
}

static int pattern_is(const pattern_t *p, const rc_thread_t *t, uint64_t h, uintptr_t obj)
{
    if (p->hash != h || p->to != obj || p->nfrom != t->nheld)
        return 0;
    for (uint32_t i = 0; i < t->nheld; i++)
        if (p->from[i] != t->held[i].obj)
            return 0;
    return 1;
}

/* Writes the repeats counted in p as EDGE_COUNT records, one per held lock
 * (as the analysis adds one edge per held lock). */
static void pattern_flush(rc_thread_t *t, pattern_t *p)
{
    if (!p->hash || !p->count)
        return;
    uint64_t ts = now_ns(), count = p->count;
    p->count = 0;
    for (uint32_t i = 0; i < p->nfrom; i++)
        emit_raw(t, t->tid, ts, RC_EV_EDGE_COUNT, 0, p->to, p->from[i], count);
}

/* Every pattern's count: at the thread's or the process's exit. */
static void flush_counts(rc_thread_t *t)
{
    for (uint32_t i = 0; t->pats && i < PAT_SLOTS; i++)
        pattern_flush(t, &t->pats[i]);
}

/* t's pattern slots, mapped on first use (most threads never hold two locks at
 * once); NULL when they cannot be had. Not from a signal handler, which may
 * have interrupted this very call. */
static pattern_t *pats_of(rc_thread_t *t)
{
    if (RC_LIKELY(t->pats != NULL) || t->pats_off || t->sig_depth)
        return t->pats;
    int saved = errno;
    void *m =
        sys_mmap(NULL, PATS_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = saved;
    if (m == MAP_FAILED)
        t->pats_off = 1;
    else
        t->pats = m;
    return t->pats;
}

/* The end of t: its slots go back (counts flushed before); a later nested
 * acquisition, in a destructor that runs after ours, is recorded in full. */
static void pats_release(rc_thread_t *t)
{
    if (t->pats) {
        int saved = errno;
        sys_munmap(t->pats, PATS_BYTES);
        errno = saved;
        t->pats = NULL;
    }
    t->pats_off = 1;
}

/* Whether acquiring obj now may be left out: holding nothing, or a pattern
 * recorded in this epoch. *pat gets the pattern slot (-1: holding nothing). */
static int may_leave_out(rc_thread_t *t, uintptr_t obj, int edge_try, int16_t *pat)
{
    if (!summary_on() || t->nheld >= RC_HELD_MAX || t->sig_depth)
        return 0; /* (a handler's acquisitions are always recorded: see "Signal handlers") */
    if (t->nheld == 0) {
        *pat = -1;
        return 1;
    }
    if (t->nheld > PAT_FROM || held_kind(t, obj))
        return 0;
    if (!t->pats)
        return 0; /* no slots yet: nothing seen */
    uint64_t h = pattern_hash(t, obj, edge_try);
    pattern_t *p = &t->pats[h % PAT_SLOTS];
    if (p->epoch != t->epoch || !pattern_is(p, t, h, obj))
        return 0;
    *pat = (int16_t)(h % PAT_SLOTS);
    return 1;
}

/* After recording a nested acquisition: its repeats in this epoch may be
 * left out. A pattern it displaces writes its count first. */
static void pattern_note(rc_thread_t *t, uintptr_t obj, int edge_try)
{
    if (!summary_on() || t->nheld == 0 || t->nheld > PAT_FROM || held_kind(t, obj) || !pats_of(t))
        return;
    uint64_t h = pattern_hash(t, obj, edge_try);
    pattern_t *p = &t->pats[h % PAT_SLOTS];
    if (p->hash && !pattern_is(p, t, h, obj))
        pattern_flush(t, p);
    else if (p->hash && p->epoch != t->epoch)
        pattern_flush(t, p);
    p->hash = h;
    p->epoch = t->epoch;
    p->to = obj;
    p->nfrom = (uint8_t)t->nheld;
    for (uint32_t i = 0; i < t->nheld; i++)
        p->from[i] = t->held[i].obj;
}

/* Records the acquisitions not recorded yet, in order, with their times:
 * LOCK_WAIT (when it waited) and LOCK_ACQUIRED, as trace mode would have. */
static void flush_pending(rc_thread_t *t)
{
    uint32_t n = t->nheld < RC_PEND_MAX ? t->nheld : RC_PEND_MAX;
    uint64_t now = now_ns(), tk_now = ticks();
    t->guard++; /* a signal handler that locks now passes through unrecorded */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->npending = 0;
    for (uint32_t i = 0; i < n; i++) {
        pending_t *p = &t->pend[i];
        if (!p->pending)
            continue;
        p->pending = 0;
        if (!p->ts) { /* uncontended: its time from the ticks since */
            uint64_t ago = tk_now > p->tk ? ticks_to_ns(tk_now - p->tk) : 0;
            p->ts = now > ago ? now - ago : now;
        }
        const held_lock_t *h = &t->held[i];
        if (p->contended)
            emit_raw(t, t->tid, p->t0, RC_EV_LOCK_WAIT, p->flags & ~RC_LOCK_TRY, h->obj, h->site,
                     0);
        emit_raw(t, t->tid, p->ts, RC_EV_LOCK_ACQUIRED, p->flags, h->obj, h->site,
                 p->contended ? p->ts - p->t0 : 0);
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->guard--;
}

/* In a forked child: the parent's patterns and counts belong to its log. */
static void summary_after_fork(rc_thread_t *t)
{
    t->npending = 0;
    for (uint32_t i = 0; i < RC_PEND_MAX; i++)
        t->pend[i].pending = 0;
    if (t->pats)
        zero_bytes(t->pats, PATS_BYTES);
    t->epoch++;
}

/* ---- Lock events -------------------------------------------------------- */

static inline int got_zero(int r)
{
    return r == 0;
}

static inline int got_mutex(int r)
{
    return r == 0 || r == EOWNERDEAD; /* EOWNERDEAD: a robust mutex, acquired */
}

/* An acquisition. t0 is when a blocking attempt began (0: the first try
 * got it); waited says the lock was busy (and LOCK_WAIT was left out when
 * wait_recorded is 0). Left out when summary mode allows it, else recorded
 * and noted as a pattern. In summary mode every acquisition, left out or
 * not, goes through the lock's table slot for its owner changes. */
static void acquired_at(rc_thread_t *t, uintptr_t obj, uintptr_t site, uint16_t flags, uint64_t t0,
                        int waited, int wait_recorded)
{
    int edge_try = waited ? (flags & RC_LOCK_TIMED) != 0 : (flags & RC_LOCK_TRY) != 0;
    int16_t pat;
    rc_lock_stat_t *st = summary_on() ? stat_of(obj, (uint16_t)RC_LOCK_KIND(flags)) : NULL;
    if (st)
        stat_owner(t, st);
    if (st && !wait_recorded && may_leave_out(t, obj, edge_try, &pat)) {
        uint64_t tk = ticks(), got = t0 ? now_ns() : 0;
        stat_first(st, site);
        t->guard++; /* a signal handler must not see half an entry */
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        uint32_t i = t->nheld;
        held_push(t, obj, site, (uint16_t)RC_LOCK_KIND(flags));
        t->pend[i] = (pending_t){t0, got, tk, st, flags, pat, 1, (uint8_t)waited};
        t->npending++;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        t->guard--;
        return;
    }
    uint64_t ts = now_ns();
    if (waited && !wait_recorded) /* left out while it waited: record it now */
        emit_at(t, t0, RC_EV_LOCK_WAIT, flags & ~RC_LOCK_TRY, obj, site, 0);
    if (!waited)
        pattern_note(t, obj, edge_try); /* (a wait's pattern was noted at the wait) */
    held_push(t, obj, site, (uint16_t)RC_LOCK_KIND(flags));
    emit_at(t, ts, RC_EV_LOCK_ACQUIRED, flags, obj, site, t0 ? ts - t0 : 0);
}

/* Before blocking on obj: records LOCK_WAIT unless summary mode may leave
 * the whole acquisition out. Returns whether it was recorded. */
static int waiting(rc_thread_t *t, uintptr_t obj, uintptr_t site, uint16_t flags, uint64_t t0)
{
    int16_t pat;
    if (may_leave_out(t, obj, (flags & RC_LOCK_TIMED) != 0, &pat))
        return 0;
    pattern_note(t, obj, (flags & RC_LOCK_TIMED) != 0);
    emit_at(t, t0, RC_EV_LOCK_WAIT, flags, obj, site, 0);
    return 1;
}

/* Whether releasing obj now will be left out (summary mode): it is the
 * innermost acquisition and not recorded yet. */
static inline int release_left_out(const rc_thread_t *t, uintptr_t obj)
{
    uint32_t top = t->nheld - 1;
    return t->npending && t->nheld <= RC_PEND_MAX && t->held[top].obj == obj &&
           t->pend[top].pending;
}

/* A release; ts was taken before the real unlock: ticks() when quiet (as
 * release_left_out said), else now_ns(). */
static void released(rc_thread_t *t, uint64_t ts, int quiet, uintptr_t obj, uintptr_t site,
                     uint16_t kind, int r)
{
    t->guard++; /* a signal handler that locks now passes through unrecorded */
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    if (quiet && (r != 0 || !release_left_out(t, obj))) {
        /* It failed, or a signal handler recorded it in the meantime. */
        quiet = 0;
        ts = now_ns();
    }
    if (quiet) {
        /* The innermost acquisition, not recorded, and nothing since: left out. */
        pending_t *p = &t->pend[t->nheld - 1];
        rc_lock_stat_t *st = p->stat;
        uint64_t held = ts > p->tk ? ticks_to_ns(ts - p->tk) : 0;
        __atomic_fetch_add(&st->acquisitions, 1, __ATOMIC_RELAXED);
        __atomic_fetch_add(&st->hold_ns, held, __ATOMIC_RELAXED);
        stat_max(&st->max_hold_ns, held);
        if (p->contended) {
            uint64_t w = p->ts > p->t0 ? p->ts - p->t0 : 0;
            __atomic_fetch_add(&st->contended, 1, __ATOMIC_RELAXED);
            __atomic_fetch_add(&st->wait_ns, w, __ATOMIC_RELAXED);
            stat_max(&st->max_wait_ns, w);
        }
        if (p->pat >= 0 && t->pats && RC_UNLIKELY(++t->pats[p->pat].count == UINT32_MAX))
            pattern_flush(t, &t->pats[p->pat]);
        p->pending = 0;
        t->npending--;
        t->nheld--;
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        t->guard--;
        return;
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->guard--;
    if (r == 0) {
        held_pop(t, obj);
        emit_at(t, ts, RC_EV_LOCK_RELEASED, kind, obj, site, 0);
    } else {
        emit_at(t, ts, RC_EV_LOCK_RELEASED, kind | RC_LOCK_ERROR, obj, site, (uint64_t)r);
    }
}

/*
 * The acquisition protocol shared by every blocking and timed lock:
 *   try = the real trylock's result; done when it acquired;
 *   otherwise, when busy, record LOCK_WAIT, then make the real blocking call
 *   (`block`), and record ACQUIRED with the wait or TRY_FAILED with the error.
 * GOT(r) says whether result r means acquired; ERR(r) maps r to an errno value.
 * FIRST says whether trying first is allowed: glibc rejects a bad clock or
 * timeout of some timed locks even when the lock is free, and so must we.
 */
#define RC_ACQUIRE_IF(t, obj, site, flags, FIRST, TRY, BLOCK, BUSY, GOT, ERR)                      \
    do {                                                                                           \
        int first_ = (FIRST);                                                                      \
        int r_ = (BUSY);                                                                           \
        if (first_) {                                                                              \
            r_ = (TRY);                                                                            \
            if (GOT(r_)) {                                                                         \
                acquired_at((t), (obj), (site), (flags), 0, 0, 0);                                 \
                return r_;                                                                         \
            }                                                                                      \
        }                                                                                          \
        uint64_t t0_ = now_ns();                                                                   \
        int busy_ = first_ && r_ == (BUSY), recorded_ = 1;                                         \
        if (busy_)                                                                                 \
            recorded_ = waiting((t), (obj), (site), (flags), t0_);                                 \
        wd_slot_t *wd_ = wd_block((t), (obj), (site), (flags));                                    \
        r_ = (BLOCK);                                                                              \
        wd_unblock(wd_);                                                                           \
        if (GOT(r_)) {                                                                             \
            acquired_at((t), (obj), (site), (flags), t0_, busy_, recorded_);                       \
        } else {                                                                                   \
            if (!recorded_)                                                                        \
                emit_at((t), t0_, RC_EV_LOCK_WAIT, (flags), (obj), (site), 0);                     \
            emit((t), RC_EV_LOCK_TRY_FAILED, (flags), (obj), (site), (uint64_t)ERR(r_));           \
        }                                                                                          \
        return r_;                                                                                 \
    } while (0)

#define RC_ACQUIRE(t, obj, site, flags, TRY, BLOCK, BUSY, GOT, ERR)                                \
    RC_ACQUIRE_IF(t, obj, site, flags, 1, TRY, BLOCK, BUSY, GOT, ERR)

/* What glibc checks before trying a clocked lock (futex_abstimed_supported_clockid). */
static inline int clock_ok(clockid_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC;
}

/* What glibc's rwlocks check before trying a timed lock (valid_nanoseconds). */
static inline int abstime_ok(const struct timespec *abstime)
{
    return !abstime || (abstime->tv_nsec >= 0 && abstime->tv_nsec < 1000000000);
}

/* A trylock: ACQUIRED or TRY_FAILED, both flagged RC_LOCK_TRY. */
#define RC_TRY(t, obj, site, kind, CALL, GOT, ERR)                                                 \
    do {                                                                                           \
        int r_ = (CALL);                                                                           \
        if (GOT(r_))                                                                               \
            acquired_at((t), (obj), (site), (kind) | RC_LOCK_TRY, 0, 0, 0);                        \
        else if (!summary_on() || ERR(r_) != EBUSY || held_kind((t), (obj)))                       \
            emit((t), RC_EV_LOCK_TRY_FAILED, (kind) | RC_LOCK_TRY, (obj), (site),                  \
                 (uint64_t)ERR(r_));                                                               \
        return r_;                                                                                 \
    } while (0)

#define RC_SAME(r) (r)

/* ---- pthread mutexes ------------------------------------------------------ */

RC_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_mutex_lock)(m);
    RC_ACQUIRE(t, (uintptr_t)m, site, RC_LOCK_MUTEX, REAL(pthread_mutex_trylock)(m),
               REAL(pthread_mutex_lock)(m), EBUSY, got_mutex, RC_SAME);
}

RC_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_mutex_trylock)(m);
    RC_TRY(t, (uintptr_t)m, site, RC_LOCK_MUTEX, REAL(pthread_mutex_trylock)(m), got_mutex,
           RC_SAME);
}

RC_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_mutex_timedlock)(m, abstime);
    RC_ACQUIRE(t, (uintptr_t)m, site, RC_LOCK_MUTEX | RC_LOCK_TIMED, REAL(pthread_mutex_trylock)(m),
               REAL(pthread_mutex_timedlock)(m, abstime), EBUSY, got_mutex, RC_SAME);
}

RC_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock,
                                      const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_mutex_clocklock)(m, clock, abstime);
    RC_ACQUIRE_IF(t, (uintptr_t)m, site, RC_LOCK_MUTEX | RC_LOCK_TIMED, clock_ok(clock),
                  REAL(pthread_mutex_trylock)(m), REAL(pthread_mutex_clocklock)(m, clock, abstime),
                  EBUSY, got_mutex, RC_SAME);
}

RC_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_mutex_unlock)(m);
    int quiet = release_left_out(t, (uintptr_t)m);
    uint64_t ts = quiet ? ticks() : now_ns();
    int r = REAL(pthread_mutex_unlock)(m);
    released(t, ts, quiet, (uintptr_t)m, site, RC_LOCK_MUTEX, r);
    return r;
}

/* ---- pthread rwlocks ------------------------------------------------------ */

#define RC_RW_R RC_LOCK_RWLOCK_READ
#define RC_RW_W RC_LOCK_RWLOCK_WRITE

RC_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_rdlock)(l);
    RC_ACQUIRE(t, (uintptr_t)l, site, RC_RW_R, REAL(pthread_rwlock_tryrdlock)(l),
               REAL(pthread_rwlock_rdlock)(l), EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_wrlock)(l);
    RC_ACQUIRE(t, (uintptr_t)l, site, RC_RW_W, REAL(pthread_rwlock_trywrlock)(l),
               REAL(pthread_rwlock_wrlock)(l), EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_tryrdlock)(l);
    RC_TRY(t, (uintptr_t)l, site, RC_RW_R, REAL(pthread_rwlock_tryrdlock)(l), got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_trywrlock)(l);
    RC_TRY(t, (uintptr_t)l, site, RC_RW_W, REAL(pthread_rwlock_trywrlock)(l), got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_timedrdlock)(l, abstime);
    RC_ACQUIRE_IF(t, (uintptr_t)l, site, RC_RW_R | RC_LOCK_TIMED, abstime_ok(abstime),
                  REAL(pthread_rwlock_tryrdlock)(l), REAL(pthread_rwlock_timedrdlock)(l, abstime),
                  EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_timedwrlock)(l, abstime);
    RC_ACQUIRE_IF(t, (uintptr_t)l, site, RC_RW_W | RC_LOCK_TIMED, abstime_ok(abstime),
                  REAL(pthread_rwlock_trywrlock)(l), REAL(pthread_rwlock_timedwrlock)(l, abstime),
                  EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clock,
                                         const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_clockrdlock)(l, clock, abstime);
    RC_ACQUIRE_IF(t, (uintptr_t)l, site, RC_RW_R | RC_LOCK_TIMED,
                  clock_ok(clock) && abstime_ok(abstime), REAL(pthread_rwlock_tryrdlock)(l),
                  REAL(pthread_rwlock_clockrdlock)(l, clock, abstime), EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clock,
                                         const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_clockwrlock)(l, clock, abstime);
    RC_ACQUIRE_IF(t, (uintptr_t)l, site, RC_RW_W | RC_LOCK_TIMED,
                  clock_ok(clock) && abstime_ok(abstime), REAL(pthread_rwlock_trywrlock)(l),
                  REAL(pthread_rwlock_clockwrlock)(l, clock, abstime), EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_rwlock_unlock)(l);
    uint16_t kind = held_kind(t, (uintptr_t)l);
    if (!kind) /* not tracked: glibc records the writer's OS tid in the lock */
        kind = l->__data.__cur_writer == sys_gettid() ? RC_RW_W : RC_RW_R;
    int quiet = release_left_out(t, (uintptr_t)l);
    uint64_t ts = quiet ? ticks() : now_ns();
    int r = REAL(pthread_rwlock_unlock)(l);
    released(t, ts, quiet, (uintptr_t)l, site, kind, r);
    return r;
}

/* ---- pthread spin locks --------------------------------------------------- */

RC_EXPORT int pthread_spin_lock(pthread_spinlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_spin_lock)(l);
    RC_ACQUIRE(t, (uintptr_t)l, site, RC_LOCK_SPIN, REAL(pthread_spin_trylock)(l),
               REAL(pthread_spin_lock)(l), EBUSY, got_zero, RC_SAME);
}

RC_EXPORT int pthread_spin_trylock(pthread_spinlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_spin_trylock)(l);
    RC_TRY(t, (uintptr_t)l, site, RC_LOCK_SPIN, REAL(pthread_spin_trylock)(l), got_zero, RC_SAME);
}

RC_EXPORT int pthread_spin_unlock(pthread_spinlock_t *l)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_spin_unlock)(l);
    int quiet = release_left_out(t, (uintptr_t)l);
    uint64_t ts = quiet ? ticks() : now_ns();
    int r = REAL(pthread_spin_unlock)(l);
    released(t, ts, quiet, (uintptr_t)l, site, RC_LOCK_SPIN, r);
    return r;
}

/* ---- Destruction ----------------------------------------------------------- */

/* LOCK_DESTROY ends a lock's identity: its address may hold another lock
 * later. Stamped before the call, like a release, with the result in arg. */
#define RC_DESTROY(name, obj, kind)                                                                \
    do {                                                                                           \
        uintptr_t site_ = RC_SITE();                                                               \
        load_real();                                                                               \
        rc_thread_t *t_ = enter();                                                                 \
        if (!t_)                                                                                   \
            return REAL(name)(obj);                                                                \
        uint64_t ts_ = now_ns();                                                                   \
        int r_ = REAL(name)(obj);                                                                  \
        emit_at(t_, ts_, RC_EV_LOCK_DESTROY, (kind), (uintptr_t)(obj), site_, (uint64_t)r_);       \
        return r_;                                                                                 \
    } while (0)

RC_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
    RC_DESTROY(pthread_mutex_destroy, m, RC_LOCK_MUTEX);
}

RC_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *l)
{
    RC_DESTROY(pthread_rwlock_destroy, l, RC_LOCK_RWLOCK_WRITE);
}

RC_EXPORT int pthread_spin_destroy(pthread_spinlock_t *l)
{
    RC_DESTROY(pthread_spin_destroy, l, RC_LOCK_SPIN);
}

RC_EXPORT void mtx_destroy(mtx_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (t)
        emit(t, RC_EV_LOCK_DESTROY, RC_LOCK_C11_MUTEX, (uintptr_t)m, site, 0);
    REAL(mtx_destroy)(m);
}

/* ---- C11 mutexes ------------------------------------------------------------ */

static inline int got_c11(int r)
{
    return r == thrd_success;
}

static inline int c11_errno(int r)
{
    switch (r) {
    case thrd_busy:
        return EBUSY;
    case thrd_timedout:
        return ETIMEDOUT;
    case thrd_nomem:
        return ENOMEM;
    default:
        return EINVAL;
    }
}

RC_EXPORT int mtx_lock(mtx_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(mtx_lock)(m);
    RC_ACQUIRE(t, (uintptr_t)m, site, RC_LOCK_C11_MUTEX, REAL(mtx_trylock)(m), REAL(mtx_lock)(m),
               thrd_busy, got_c11, c11_errno);
}

RC_EXPORT int mtx_trylock(mtx_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(mtx_trylock)(m);
    RC_TRY(t, (uintptr_t)m, site, RC_LOCK_C11_MUTEX, REAL(mtx_trylock)(m), got_c11, c11_errno);
}

RC_EXPORT int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(mtx_timedlock)(m, abstime);
    RC_ACQUIRE(t, (uintptr_t)m, site, RC_LOCK_C11_MUTEX | RC_LOCK_TIMED, REAL(mtx_trylock)(m),
               REAL(mtx_timedlock)(m, abstime), thrd_busy, got_c11, c11_errno);
}

RC_EXPORT int mtx_unlock(mtx_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(mtx_unlock)(m);
    int quiet = release_left_out(t, (uintptr_t)m);
    uint64_t ts = quiet ? ticks() : now_ns();
    int r = REAL(mtx_unlock)(m);
    released(t, ts, quiet, (uintptr_t)m, site, RC_LOCK_C11_MUTEX,
             r == thrd_success ? 0 : c11_errno(r));
    return r;
}

/* ---- Condition variables ------------------------------------------------ */

/* One condition wait; also what a cancelled wait must still record (the
 * mutex is re-acquired before the cancellation handlers run). */
typedef struct cond_wait_ctx {
    uintptr_t cond, mutex, site;
    uint16_t kind;
    int released; /* the thread held the mutex, and LOCK_RELEASED was recorded */
} cond_wait_ctx_t;

/* COND_WAIT, then LOCK_RELEASED when the thread holds the mutex: waiting with
 * a mutex one does not hold is a misuse that releases nothing (glibc returns
 * EPERM for error-checking mutexes) and is left for the analysis to see. */
static void cond_before(rc_thread_t *t, cond_wait_ctx_t *c)
{
    uint64_t ts = now_ns();
    emit_at(t, ts, RC_EV_COND_WAIT, 0, c->cond, c->site, c->mutex);
    c->released = held_kind(t, c->mutex) != 0 || t->nheld > RC_HELD_MAX;
    if (c->released) {
        held_pop(t, c->mutex);
        emit_at(t, ts, RC_EV_LOCK_RELEASED, c->kind, c->mutex, c->site, 0);
    }
}

/* After the wait: the mutex is held again (LOCK_ACQUIRED), except when the
 * wait failed, which leaves it as it was. */
static void cond_after(rc_thread_t *t, const cond_wait_ctx_t *c, uint16_t woken_flags)
{
    uint64_t ts = now_ns();
    if (!(woken_flags & RC_WOKEN_ERROR) || c->released) {
        rc_lock_stat_t *st = summary_on() ? stat_of(c->mutex, c->kind) : NULL;
        if (st)
            stat_owner(t, st);
        held_push(t, c->mutex, c->site, c->kind);
        emit_at(t, ts, RC_EV_LOCK_ACQUIRED, c->kind | RC_LOCK_COND, c->mutex, c->site, 0);
    }
    emit_at(t, ts, RC_EV_COND_WOKEN, woken_flags, c->cond, c->site, c->mutex);
}

static void cond_cancelled(void *p)
{
    cond_after(&self_, p, RC_WOKEN_CANCELED);
}

static uint16_t woken_flags(int r, int timedout)
{
    if (r == 0 || r == EOWNERDEAD)
        return 0;
    return r == timedout ? RC_WOKEN_TIMEOUT : RC_WOKEN_ERROR;
}

/* Runs CALL (a real condition wait) between the release and re-acquire
 * records, with a cancellation handler in case the thread dies in it. */
#define RC_COND_WAIT(t, ctx, CALL, TIMEDOUT)                                                       \
    do {                                                                                           \
        cond_before((t), &(ctx));                                                                  \
        volatile int r_ = 0;                                                                       \
        pthread_cleanup_push(cond_cancelled, &(ctx));                                              \
        r_ = (CALL);                                                                               \
        pthread_cleanup_pop(0);                                                                    \
        cond_after((t), &(ctx), woken_flags(r_, (TIMEDOUT)));                                      \
        return r_;                                                                                 \
    } while (0)

RC_EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_cond_wait)(c, m);
    cond_wait_ctx_t ctx = {(uintptr_t)c, (uintptr_t)m, site, RC_LOCK_MUTEX, 0};
    RC_COND_WAIT(t, ctx, REAL(pthread_cond_wait)(c, m), ETIMEDOUT);
}

RC_EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                                     const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_cond_timedwait)(c, m, abstime);
    cond_wait_ctx_t ctx = {(uintptr_t)c, (uintptr_t)m, site, RC_LOCK_MUTEX, 0};
    RC_COND_WAIT(t, ctx, REAL(pthread_cond_timedwait)(c, m, abstime), ETIMEDOUT);
}

RC_EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                                     const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_cond_clockwait)(c, m, clock, abstime);
    cond_wait_ctx_t ctx = {(uintptr_t)c, (uintptr_t)m, site, RC_LOCK_MUTEX, 0};
    RC_COND_WAIT(t, ctx, REAL(pthread_cond_clockwait)(c, m, clock, abstime), ETIMEDOUT);
}

RC_EXPORT int cnd_wait(cnd_t *c, mtx_t *m)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(cnd_wait)(c, m);
    cond_wait_ctx_t ctx = {(uintptr_t)c, (uintptr_t)m, site, RC_LOCK_C11_MUTEX, 0};
    RC_COND_WAIT(t, ctx, REAL(cnd_wait)(c, m), thrd_timedout);
}

RC_EXPORT int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
                            const struct timespec *restrict abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(cnd_timedwait)(c, m, abstime);
    cond_wait_ctx_t ctx = {(uintptr_t)c, (uintptr_t)m, site, RC_LOCK_C11_MUTEX, 0};
    RC_COND_WAIT(t, ctx, REAL(cnd_timedwait)(c, m, abstime), thrd_timedout);
}

/* Signals carry the time before the call: a woken waiter's records sort after. */
#define RC_SIGNAL(name, obj, flags, ok)                                                            \
    do {                                                                                           \
        uintptr_t site_ = RC_SITE();                                                               \
        load_real();                                                                               \
        rc_thread_t *t_ = enter();                                                                 \
        if (!t_)                                                                                   \
            return REAL(name)(obj);                                                                \
        uint64_t ts_ = now_ns();                                                                   \
        int r_ = REAL(name)(obj);                                                                  \
        if (r_ == (ok))                                                                            \
            emit_at(t_, ts_, RC_EV_COND_SIGNAL, (flags), (uintptr_t)(obj), site_, 0);              \
        return r_;                                                                                 \
    } while (0)

RC_EXPORT int pthread_cond_signal(pthread_cond_t *c)
{
    RC_SIGNAL(pthread_cond_signal, c, 0, 0);
}

RC_EXPORT int pthread_cond_broadcast(pthread_cond_t *c)
{
    RC_SIGNAL(pthread_cond_broadcast, c, 1, 0);
}

RC_EXPORT int cnd_signal(cnd_t *c)
{
    RC_SIGNAL(cnd_signal, c, 0, thrd_success);
}

RC_EXPORT int cnd_broadcast(cnd_t *c)
{
    RC_SIGNAL(cnd_broadcast, c, 1, thrd_success);
}

/* COND_DESTROY is written before the real call: glibc's destroy waits for
 * the threads still in a wait on the condition variable to leave it (a
 * destroy with a waiter nobody wakes never returns), and the analysis must
 * see the destroy either way. A waiter's COND_WAIT without its COND_WOKEN
 * before this record is the misuse (cond.destroy-waited). */
RC_EXPORT int pthread_cond_destroy(pthread_cond_t *c)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (t)
        emit(t, RC_EV_COND_DESTROY, 0, (uintptr_t)c, site, 0);
    return REAL(pthread_cond_destroy)(c);
}

RC_EXPORT void cnd_destroy(cnd_t *c)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (t)
        emit(t, RC_EV_COND_DESTROY, RC_COND_C11, (uintptr_t)c, site, 0);
    REAL(cnd_destroy)(c);
}

/* ---- Thread ids ----------------------------------------------------------- */

static uint32_t tidmap_slot(uintptr_t key, unsigned bits)
{
    return (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

/* Remembers key -> tid in table m of 2^bits entries. Returns 0 when it has
 * no free slot. */
static int tidmap_put_in(tidmap_entry_t *m, unsigned bits, uintptr_t key, uint32_t tid)
{
    const uint32_t size = 1u << bits;
    uint32_t s = tidmap_slot(key, bits);
    int64_t free_slot = -1;
    for (uint32_t i = 0; i < size; i++, s = (s + 1) & (size - 1)) {
        uintptr_t k = __atomic_load_n(&m[s].key, __ATOMIC_ACQUIRE);
        if (k == key) {
            __atomic_store_n(&m[s].val, tid + 1, __ATOMIC_RELEASE);
            return 1;
        }
        if (k == TIDMAP_TOMB && free_slot < 0)
            free_slot = s;
        if (k == 0) {
            if (free_slot < 0)
                free_slot = s;
            break;
        }
    }
    /* Claim the first free slot seen; on a race, claim the next one. */
    for (uint32_t i = 0; free_slot >= 0 && i < size; i++) {
        uint32_t f = ((uint32_t)free_slot + i) & (size - 1);
        uintptr_t k = __atomic_load_n(&m[f].key, __ATOMIC_ACQUIRE);
        if ((k == 0 || k == TIDMAP_TOMB) &&
            __atomic_compare_exchange_n(&m[f].key, &k, key, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&m[f].val, tid + 1, __ATOMIC_RELEASE);
            return 1;
        }
    }
    return 0;
}

/* The slot of key in table m, or -1. */
static int64_t tidmap_find_in(tidmap_entry_t *m, unsigned bits, uintptr_t key)
{
    const uint32_t size = 1u << bits;
    uint32_t s = tidmap_slot(key, bits);
    for (uint32_t i = 0; i < size; i++, s = (s + 1) & (size - 1)) {
        uintptr_t k = __atomic_load_n(&m[s].key, __ATOMIC_ACQUIRE);
        if (k == 0)
            break;
        if (k == key)
            return s;
    }
    return -1;
}

/* Remembers key -> tid. When both tables are full the thread stays unknown. */
static void tidmap_put(uintptr_t key, uint32_t tid)
{
    if (tidmap_put_in(g_tids_small, TIDMAP_SMALL_BITS, key, tid))
        return;
    __atomic_store_n(&g_tids_spilled, 1, __ATOMIC_RELEASE);
    tidmap_put_in(g_tids, TIDMAP_BITS, key, tid);
}

/* The entry of key, or NULL. */
static tidmap_entry_t *tidmap_find(uintptr_t key)
{
    int64_t s = tidmap_find_in(g_tids_small, TIDMAP_SMALL_BITS, key);
    if (s >= 0)
        return &g_tids_small[s];
    if (!__atomic_load_n(&g_tids_spilled, __ATOMIC_ACQUIRE))
        return NULL;
    s = tidmap_find_in(g_tids, TIDMAP_BITS, key);
    return s >= 0 ? &g_tids[s] : NULL;
}

static uint64_t tidmap_get(uintptr_t key)
{
    tidmap_entry_t *e = tidmap_find(key);
    uint32_t v = e ? __atomic_load_n(&e->val, __ATOMIC_ACQUIRE) : 0;
    return v ? v - 1 : UINT64_MAX;
}

/* Forgets key and returns its tid, or UINT64_MAX when unknown. */
static uint64_t tidmap_take(uintptr_t key)
{
    tidmap_entry_t *e = tidmap_find(key);
    if (!e)
        return UINT64_MAX;
    uint32_t v = __atomic_load_n(&e->val, __ATOMIC_ACQUIRE);
    __atomic_store_n(&e->val, 0, __ATOMIC_RELAXED);
    uintptr_t k = key;
    if (!__atomic_compare_exchange_n(&e->key, &k, TIDMAP_TOMB, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
        return UINT64_MAX;
    return v ? v - 1 : UINT64_MAX;
}

/* ---- Threads ---------------------------------------------------------------- */

typedef struct trampoline_arg {
    union {
        void *(*posix)(void *);
        thrd_start_t c11;
    } fn;
    void *arg;
    uint32_t tid;
    uint32_t busy; /* pool slot in use (atomic); unused for malloc'd ones */
} trampoline_arg_t;

/* Trampoline arguments come from this pool while it has a free slot, from
 * malloc only then: a new thread's first free() would give it a malloc arena
 * of its own (a page or more of RSS per thread) that the program, which may
 * never malloc in that thread, would not have had. */
#define TRAMP_SLOTS 64
static trampoline_arg_t g_tramp[TRAMP_SLOTS];

/* Copies a trampoline argument and releases it. */
static trampoline_arg_t trampoline_take(trampoline_arg_t *p)
{
    trampoline_arg_t a = *p;
    if (p >= g_tramp && p < g_tramp + TRAMP_SLOTS)
        __atomic_store_n(&p->busy, 0, __ATOMIC_RELEASE);
    else
        free(p);
    return a;
}

/* Cleanup handler of every thread we start: return, pthread_exit and
 * cancellation all pass here. */
static void thread_exit_cleanup(void *unused)
{
    (void)unused;
    rc_thread_t *t = &self_;
    if (t->exited || !t->known)
        return;
    t->exited = 1;
    flush_counts(t);
    emit(t, RC_EV_THREAD_EXIT, 0, 0, 0, t->nheld);
}

/* First code of a new thread: takes the tid its parent assigned. */
static rc_thread_t *thread_begin(const trampoline_arg_t *a, uintptr_t routine)
{
    rc_thread_t *t = &self_;
    t->tid = a->tid;
    t->known = 1;
    t->trampoline = 1;
    int saved = errno;
    emit(t, RC_EV_THREAD_START, 0, routine, 0, (uint64_t)sys_gettid());
    if (g_exit_key_ok)
        pthread_setspecific(g_exit_key, t); /* for thread_key_destructor */
    errno = saved;
    return t;
}

static void *posix_trampoline(void *p)
{
    trampoline_arg_t a = trampoline_take(p);
    thread_begin(&a, (uintptr_t)a.fn.posix);
    void *volatile ret = NULL;
    pthread_cleanup_push(thread_exit_cleanup, NULL);
    ret = a.fn.posix(a.arg);
    pthread_cleanup_pop(1);
    return ret;
}

static int c11_trampoline(void *p)
{
    trampoline_arg_t a = trampoline_take(p);
    thread_begin(&a, (uintptr_t)a.fn.c11);
    volatile int ret = 0;
    pthread_cleanup_push(thread_exit_cleanup, NULL);
    ret = a.fn.c11(a.arg);
    pthread_cleanup_pop(1);
    return ret;
}

/* A trampoline argument for a new thread, with its tid assigned here, in the
 * parent, so that THREAD_CREATE can name it. NULL when out of memory (the
 * thread is then created untracked). */
static trampoline_arg_t *trampoline_new(rc_thread_t *t, void *arg)
{
    trampoline_arg_t *a = NULL;
    for (unsigned i = 0; i < TRAMP_SLOTS && !a; i++) {
        uint32_t idle = 0;
        if (!__atomic_load_n(&g_tramp[i].busy, __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&g_tramp[i].busy, &idle, 1, 0, __ATOMIC_ACQUIRE,
                                        __ATOMIC_RELAXED))
            a = &g_tramp[i];
    }
    if (!a) {
        int saved = errno;
        t->guard++;
        a = malloc(sizeof *a);
        t->guard--;
        errno = saved;
    }
    if (!a)
        return NULL;
    a->arg = arg;
    a->tid = __atomic_fetch_add(&g_next_tid, 1, __ATOMIC_RELAXED);
    return a;
}

RC_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                             void *arg)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    trampoline_arg_t *a = t ? trampoline_new(t, arg) : NULL;
    if (!a)
        return REAL(pthread_create)(th, attr, fn, arg);
    a->fn.posix = fn;
    uint32_t tid = a->tid;
    int detached = PTHREAD_CREATE_JOINABLE;
    if (attr && pthread_attr_getdetachstate(attr, &detached) != 0)
        detached = PTHREAD_CREATE_JOINABLE;
    uint64_t ts = now_ns();
    int r = REAL(pthread_create)(th, attr, posix_trampoline, a);
    if (r != 0) {
        trampoline_take(a);
        return r;
    }
    emit_at(t, ts, RC_EV_THREAD_CREATE, 0, (uintptr_t)fn, site, tid);
    if (detached != PTHREAD_CREATE_DETACHED)
        tidmap_put((uintptr_t)*th, tid);
    else /* as if detached at once: never joinable, never leaked */
        emit(t, RC_EV_THREAD_DETACH, RC_DETACH_CREATED, (uintptr_t)*th, site, tid);
    return r;
}

RC_EXPORT int thrd_create(thrd_t *th, thrd_start_t fn, void *arg)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    trampoline_arg_t *a = t ? trampoline_new(t, arg) : NULL;
    if (!a)
        return REAL(thrd_create)(th, fn, arg);
    a->fn.c11 = fn;
    uint32_t tid = a->tid;
    uint64_t ts = now_ns();
    int r = REAL(thrd_create)(th, c11_trampoline, a);
    if (r != thrd_success) {
        trampoline_take(a);
        return r;
    }
    emit_at(t, ts, RC_EV_THREAD_CREATE, 0, (uintptr_t)fn, site, tid);
    tidmap_put((uintptr_t)*th, tid);
    return r;
}

/* Records a successful join or detach of th. */
static void joined(rc_thread_t *t, uint16_t op, uintptr_t th, uintptr_t site)
{
    emit(t, op, 0, th, site, tidmap_take(th));
}

/* Records the outcome of a join of th that returned err (an errno value, 0:
 * joined): JOIN, or JOIN_FAILED unless the target is only still running
 * (EBUSY, ETIMEDOUT). A detached target is no longer in the tid map. */
static void join_result(rc_thread_t *t, uintptr_t th, uintptr_t site, int err)
{
    if (err == 0)
        joined(t, RC_EV_THREAD_JOIN, th, site);
    else if (err != EBUSY && err != ETIMEDOUT)
        emit(t, RC_EV_JOIN_FAILED, (uint16_t)err, th, site, tidmap_get(th));
}

RC_EXPORT int pthread_join(pthread_t th, void **ret)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_join)(th, ret);
    if (t)
        join_result(t, (uintptr_t)th, site, r);
    return r;
}

RC_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_tryjoin_np)(th, ret);
    if (t)
        join_result(t, (uintptr_t)th, site, r);
    return r;
}

RC_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_timedjoin_np)(th, ret, abstime);
    if (t)
        join_result(t, (uintptr_t)th, site, r);
    return r;
}

RC_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clock,
                                   const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_clockjoin_np)(th, ret, clock, abstime);
    if (t)
        join_result(t, (uintptr_t)th, site, r);
    return r;
}

RC_EXPORT int thrd_join(thrd_t th, int *res)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(thrd_join)(th, res);
    if (t)
        join_result(t, (uintptr_t)th, site, r == thrd_success ? 0 : c11_errno(r));
    return r;
}

RC_EXPORT int pthread_detach(pthread_t th)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_detach)(th);
    if (t && r == 0)
        joined(t, RC_EV_THREAD_DETACH, (uintptr_t)th, site);
    return r;
}

RC_EXPORT int thrd_detach(thrd_t th)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(thrd_detach)(th);
    if (t && r == thrd_success)
        joined(t, RC_EV_THREAD_DETACH, (uintptr_t)th, site);
    return r;
}

/* Threads we started record their exit in the trampoline's cleanup handler;
 * the others (the main thread) record it here. */
static void exit_untracked(uintptr_t site)
{
    rc_thread_t *t = enter();
    if (t && !t->trampoline && !t->exited) {
        t->exited = 1;
        flush_counts(t);
        emit(t, RC_EV_THREAD_EXIT, 0, 0, site, t->nheld);
    }
}

RC_EXPORT void pthread_exit(void *ret)
{
    uintptr_t site = RC_SITE();
    load_real();
    exit_untracked(site);
    REAL(pthread_exit)(ret);
    __builtin_unreachable();
}

RC_EXPORT void thrd_exit(int res)
{
    uintptr_t site = RC_SITE();
    load_real();
    exit_untracked(site);
    REAL(thrd_exit)(res);
    __builtin_unreachable();
}

/* ---- Mutex attributes ------------------------------------------------------ */

/* LOCK_INIT: a mutex's type and attributes, so that the analysis can tell a
 * recursive or error-checking mutex from a plain one. Statically initialised
 * mutexes (PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP too) have no record. */
RC_EXPORT int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_mutex_init)(m, attr);
    if (!t || r != 0)
        return r;
    int type = PTHREAD_MUTEX_DEFAULT, pshared = PTHREAD_PROCESS_PRIVATE,
        robust = PTHREAD_MUTEX_STALLED;
    if (attr) {
        pthread_mutexattr_gettype(attr, &type);
        pthread_mutexattr_getpshared(attr, &pshared);
        pthread_mutexattr_getrobust(attr, &robust);
    }
    uint64_t arg = type == PTHREAD_MUTEX_RECURSIVE     ? RC_MUTEX_RECURSIVE
                   : type == PTHREAD_MUTEX_ERRORCHECK  ? RC_MUTEX_ERRORCHECK
                   : type == PTHREAD_MUTEX_ADAPTIVE_NP ? RC_MUTEX_ADAPTIVE
                                                       : RC_MUTEX_NORMAL;
    if (pshared == PTHREAD_PROCESS_SHARED)
        arg |= RC_MUTEX_PSHARED;
    if (robust == PTHREAD_MUTEX_ROBUST)
        arg |= RC_MUTEX_ROBUST;
    emit(t, RC_EV_LOCK_INIT, RC_LOCK_MUTEX, (uintptr_t)m, site, arg);
    return r;
}

/* Condition variables, read-write locks and barriers: only whether they are
 * process-shared (SYNC_INIT), for proc.mutex-not-pshared. */
RC_EXPORT int pthread_cond_init(pthread_cond_t *restrict c, const pthread_condattr_t *restrict attr)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_cond_init)(c, attr);
    int pshared = PTHREAD_PROCESS_PRIVATE;
    if (t && r == 0) {
        if (attr)
            pthread_condattr_getpshared(attr, &pshared);
        emit(t, RC_EV_SYNC_INIT, RC_SYNC_COND, (uintptr_t)c, site,
             pshared == PTHREAD_PROCESS_SHARED ? RC_MUTEX_PSHARED : 0);
    }
    return r;
}

RC_EXPORT int pthread_rwlock_init(pthread_rwlock_t *restrict l,
                                  const pthread_rwlockattr_t *restrict attr)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_rwlock_init)(l, attr);
    int pshared = PTHREAD_PROCESS_PRIVATE;
    if (t && r == 0) {
        if (attr)
            pthread_rwlockattr_getpshared(attr, &pshared);
        emit(t, RC_EV_SYNC_INIT, RC_SYNC_RWLOCK, (uintptr_t)l, site,
             pshared == PTHREAD_PROCESS_SHARED ? RC_MUTEX_PSHARED : 0);
    }
    return r;
}

RC_EXPORT int pthread_barrier_init(pthread_barrier_t *restrict b,
                                   const pthread_barrierattr_t *restrict attr, unsigned count)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_barrier_init)(b, attr, count);
    int pshared = PTHREAD_PROCESS_PRIVATE;
    if (t && r == 0) {
        if (attr)
            pthread_barrierattr_getpshared(attr, &pshared);
        emit(t, RC_EV_SYNC_INIT, RC_SYNC_BARRIER, (uintptr_t)b, site,
             pshared == PTHREAD_PROCESS_SHARED ? RC_MUTEX_PSHARED : 0);
    }
    return r;
}

/* ---- Semaphores ------------------------------------------------------------ */

RC_EXPORT int sem_init(sem_t *s, int pshared, unsigned value)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(sem_init)(s, pshared, value);
    if (t && r == 0)
        emit(t, RC_EV_SEM_INIT, pshared ? RC_SEM_PSHARED : 0, (uintptr_t)s, site, value);
    return r;
}

/* A semaphore wait: a trywait first, so that only a wait that blocks counts
 * time. CALL is the real (blocking or timed) wait, which returns 0 or -1 with
 * errno; a failure (EAGAIN, ETIMEDOUT, EINTR, EINVAL) is recorded with
 * RC_SEM_FAILED and the error. errno reaches the caller as the real call
 * left it. */
#define RC_SEM_WAIT(s, FLAGS, FIRST, CALL)                                                         \
    do {                                                                                           \
        uintptr_t site_ = RC_SITE();                                                               \
        load_real();                                                                               \
        rc_thread_t *t_ = enter();                                                                 \
        if (!t_)                                                                                   \
            return (CALL);                                                                         \
        int saved_ = errno, r_ = -1;                                                               \
        if (FIRST) {                                                                               \
            r_ = REAL(sem_trywait)(s);                                                             \
            if (r_ == 0) {                                                                         \
                emit(t_, RC_EV_SEM_WAIT, (FLAGS), (uintptr_t)(s), site_, 0);                       \
                return 0;                                                                          \
            }                                                                                      \
            errno = saved_;                                                                        \
        }                                                                                          \
        uint64_t t0_ = now_ns();                                                                   \
        r_ = (CALL);                                                                               \
        int e_ = errno;                                                                            \
        if (r_ == 0)                                                                               \
            emit(t_, RC_EV_SEM_WAIT, (FLAGS), (uintptr_t)(s), site_, now_ns() - t0_);              \
        else                                                                                       \
            emit(t_, RC_EV_SEM_WAIT, (FLAGS) | RC_SEM_FAILED, (uintptr_t)(s), site_,               \
                 (uint64_t)e_);                                                                    \
        errno = e_;                                                                                \
        return r_;                                                                                 \
    } while (0)

RC_EXPORT int sem_wait(sem_t *s)
{
    RC_SEM_WAIT(s, 0, 1, REAL(sem_wait)(s));
}

RC_EXPORT int sem_timedwait(sem_t *restrict s, const struct timespec *restrict abstime)
{
    RC_SEM_WAIT(s, RC_SEM_TIMED, abstime_ok(abstime), REAL(sem_timedwait)(s, abstime));
}

RC_EXPORT int sem_clockwait(sem_t *restrict s, clockid_t clock,
                            const struct timespec *restrict abstime)
{
    RC_SEM_WAIT(s, RC_SEM_TIMED, clock_ok(clock) && abstime_ok(abstime),
                REAL(sem_clockwait)(s, clock, abstime));
}

RC_EXPORT int sem_trywait(sem_t *s)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(sem_trywait)(s);
    if (!t)
        return r;
    int e = errno;
    emit(t, RC_EV_SEM_WAIT, r == 0 ? RC_SEM_TRY : RC_SEM_TRY | RC_SEM_FAILED, (uintptr_t)s, site,
         r == 0 ? 0 : (uint64_t)e);
    errno = e;
    return r;
}

/* sem_post is async-signal-safe, so is this: it neither initialises, adopts a
 * thread nor opens a forked child's log (enter() may), and records only from
 * a thread that is known and not already inside the shim; emit is lock-free
 * and allocates nothing. Otherwise the post passes through unrecorded. */
RC_EXPORT int sem_post(sem_t *s)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = &self_;
    if (__atomic_load_n(&g_init, __ATOMIC_ACQUIRE) != INIT_DONE ||
        !__atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE) || !t->known || t->guard || t->fork_pending)
        return REAL(sem_post)(s);
    uint64_t ts = now_ns();
    int r = REAL(sem_post)(s);
    if (r == 0)
        emit_at(t, ts, RC_EV_SEM_POST, 0, (uintptr_t)s, site, 0);
    return r;
}

/* ---- Signal handlers ------------------------------------------------------- */

/*
 * sigaction() and signal() are interposed so that the log says which handler
 * each signal has (SIGNAL_INSTALL) and when a handler runs (SIGNAL_ENTER and
 * SIGNAL_EXIT around it, in the interrupted thread). When recording, a
 * function handler is installed in the kernel as sig_trampoline, always with
 * SA_SIGINFO; the program's handler and SA_* flags live in g_sig, indexed by
 * signal number. Everything else the program asked for (sa_mask, SA_RESTART,
 * SA_NODEFER, SA_RESETHAND, SA_ONSTACK) goes to the kernel unchanged, so
 * restart and masking semantics are the program's. The trampoline calls the
 * handler with one argument or three, as its SA_SIGINFO said.
 *
 *   invariant                 how
 *   async-signal-safe         the trampoline reads g_sig with atomics, records with emit()
 *                             (no lock, no malloc), and only when the thread is known and
 *                             not inside the shim (guard): otherwise it just calls the handler
 *   errno                     the interrupted code's errno reaches the handler, and the
 *                             handler's errno (whatever it left) reaches the interrupted
 *                             code: the trampoline's own work changes neither
 *   oldact                    reports the program's handler and flags, never the trampoline
 *   summary mode              every acquisition inside a recorded handler is recorded
 *                             (sig_depth stops may_leave_out), so the analysis sees which
 *                             locks handlers take; signals are rare, the cost is small
 *   one-shot handlers         SA_RESETHAND resets the kernel's action to SIG_DFL, which
 *                             oldact then reports as it is
 *
 * Not recording (RACECHECK_LOG_DIR unset), both pass straight through. Limits:
 * a thread that changes a signal's handler while another thread receives that
 * signal may have the new handler run a moment before the kernel's action
 * changes; handlers installed through bsd_signal, sysv_signal, sigset or the
 * raw system call, and handlers installed before the shim's constructor ran
 * (by another library's constructor or a sanitizer runtime), are not wrapped
 * (their runs go unrecorded); a handler left by siglongjmp has no
 * SIGNAL_EXIT, and its thread's later acquisitions are all recorded.
 */
static struct {
    uintptr_t fn;   /* the program's handler */
    uint32_t flags; /* its sa_flags */
} g_sig[_NSIG];

static uint16_t sig_flags(int sa_flags)
{
    return (uint16_t)(((sa_flags & SA_SIGINFO) ? RC_SIG_SIGINFO : 0) |
                      ((sa_flags & SA_RESTART) ? RC_SIG_RESTART : 0) |
                      ((sa_flags & SA_NODEFER) ? RC_SIG_NODEFER : 0) |
                      ((sa_flags & (int)SA_RESETHAND) ? RC_SIG_RESETHAND : 0) |
                      ((sa_flags & SA_ONSTACK) ? RC_SIG_ONSTACK : 0));
}

/* Runs the program's handler for sig between SIGNAL_ENTER and SIGNAL_EXIT. */
static void sig_trampoline(int sig, siginfo_t *info, void *uctx)
{
    int saved = errno;
    if (sig <= 0 || sig >= _NSIG)
        return;
    uintptr_t fn = __atomic_load_n(&g_sig[sig].fn, __ATOMIC_ACQUIRE);
    uint32_t flags = __atomic_load_n(&g_sig[sig].flags, __ATOMIC_RELAXED);
    if (fn == (uintptr_t)SIG_DFL || fn == (uintptr_t)SIG_IGN)
        return; /* cannot happen: only function handlers get the trampoline */
    rc_thread_t *t = &self_;
    int rec = __atomic_load_n(&g_init, __ATOMIC_ACQUIRE) == INIT_DONE &&
              __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE) && t->known && !t->guard &&
              !t->fork_pending;
    if (rec) {
        emit(t, RC_EV_SIGNAL_ENTER, 0, fn, 0, (uint64_t)sig);
        t->sig_depth++;
    }
    errno = saved;
    if (flags & SA_SIGINFO)
        ((void (*)(int, siginfo_t *, void *))fn)(sig, info, uctx);
    else
        ((void (*)(int))fn)(sig);
    saved = errno;
    if (rec) {
        t->sig_depth--;
        if (!t->guard)
            emit(t, RC_EV_SIGNAL_EXIT, 0, fn, 0, (uint64_t)sig);
    }
    errno = saved;
}

/* sigaction() on behalf of the program, called from `site`. Returns what the
 * real sigaction returns, with errno. */
static int sig_install(int sig, const struct sigaction *act, struct sigaction *old, uintptr_t site)
{
    /* Before our constructor, pass through without initialising: a runtime
     * that installs handlers that early (ThreadSanitizer) may still re-exec
     * the program, and the log would be opened twice. */
    if (__atomic_load_n(&g_init, __ATOMIC_ACQUIRE) != INIT_DONE ||
        !__atomic_load_n(&g_sig_wrap, __ATOMIC_ACQUIRE) || sig <= 0 || sig >= _NSIG)
        return REAL(sigaction)(sig, act, old);
    rc_thread_t *t = enter();
    uintptr_t prev_fn = __atomic_load_n(&g_sig[sig].fn, __ATOMIC_ACQUIRE);
    uint32_t prev_flags = __atomic_load_n(&g_sig[sig].flags, __ATOMIC_RELAXED);
    struct sigaction k;
    const struct sigaction *use = act;
    int wrap = act && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
    if (wrap) {
        k = *act;
        k.sa_sigaction = sig_trampoline;
        k.sa_flags |= SA_SIGINFO;
        use = &k;
        __atomic_store_n(&g_sig[sig].flags, (uint32_t)act->sa_flags, __ATOMIC_RELAXED);
        __atomic_store_n(&g_sig[sig].fn, (uintptr_t)act->sa_handler, __ATOMIC_RELEASE);
    }
    int r = REAL(sigaction)(sig, use, old);
    int saved = errno;
    if (r != 0 && wrap) { /* nothing changed: neither may the table */
        __atomic_store_n(&g_sig[sig].flags, prev_flags, __ATOMIC_RELAXED);
        __atomic_store_n(&g_sig[sig].fn, prev_fn, __ATOMIC_RELEASE);
    }
    if (r == 0 && old && old->sa_sigaction == sig_trampoline) {
        old->sa_handler = (void (*)(int))prev_fn;
        old->sa_flags = (int)prev_flags;
    }
    if (r == 0 && act && t)
        emit(t, RC_EV_SIGNAL_INSTALL, sig_flags(act->sa_flags), (uintptr_t)act->sa_handler, site,
             (uint64_t)sig);
    errno = saved;
    return r;
}

RC_EXPORT int sigaction(int sig, const struct sigaction *restrict act,
                        struct sigaction *restrict old)
{
    uintptr_t site = RC_SITE();
    load_real();
    return sig_install(sig, act, old, site);
}

/* glibc's signal(): BSD semantics (SA_RESTART, the signal blocked while its
 * handler runs), through the wrapper above rather than glibc's internal
 * sigaction, which the shim cannot see. Not recording, glibc's own (which
 * also honours siginterrupt(); recording, a handler installed by signal() is
 * always SA_RESTART). */
RC_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
    uintptr_t site = RC_SITE();
    load_real();
    if (__atomic_load_n(&g_init, __ATOMIC_ACQUIRE) != INIT_DONE ||
        !__atomic_load_n(&g_sig_wrap, __ATOMIC_ACQUIRE))
        return REAL(signal)(sig, handler);
    if (handler == SIG_ERR || sig <= 0 || sig >= _NSIG) {
        errno = EINVAL;
        return SIG_ERR;
    }
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, sig);
    sa.sa_flags = SA_RESTART;
    if (sig_install(sig, &sa, &old, site) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

/* ---- Shared memory --------------------------------------------------------- */

/*
 * mmap with MAP_SHARED and shmat are recorded (MAP_SHARED: where, how long,
 * anonymous or not), so that the analysis can tell which locks live in memory
 * other processes see (proc.mutex-not-pshared). munmap and shmdt are recorded
 * only when they touch a region recorded before: g_maps remembers up to
 * MAPS_MAX of them (claimed and freed with atomics, never waited on); the
 * many munmaps of malloc and the program's private mappings are no records.
 * A region beyond MAPS_MAX is recorded but its unmapping is not (the analysis
 * then takes it as mapped to the end). mmap64 and mremap are not interposed.
 */
#define MAPS_MAX 256
static struct {
    uintptr_t addr; /* 0: free */
    size_t len;
} g_maps[MAPS_MAX];

static void maps_add(uintptr_t addr, size_t len)
{
    for (unsigned i = 0; i < MAPS_MAX; i++) {
        uintptr_t expected = 0;
        if (!__atomic_load_n(&g_maps[i].addr, __ATOMIC_RELAXED) &&
            __atomic_compare_exchange_n(&g_maps[i].addr, &expected, addr, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED)) {
            __atomic_store_n(&g_maps[i].len, len, __ATOMIC_RELEASE);
            return;
        }
    }
}

/* Forgets the recorded regions that [addr, addr + len) overlaps (len 0: the
 * one starting at addr, whose length it returns in *len). Returns whether
 * there was one. */
static int maps_remove(uintptr_t addr, size_t *len)
{
    int found = 0;
    for (unsigned i = 0; i < MAPS_MAX; i++) {
        uintptr_t a = __atomic_load_n(&g_maps[i].addr, __ATOMIC_ACQUIRE);
        size_t l = __atomic_load_n(&g_maps[i].len, __ATOMIC_ACQUIRE);
        if (!a || (*len ? (addr >= a + l || addr + *len <= a) : addr != a))
            continue;
        if (!*len)
            *len = l;
        __atomic_store_n(&g_maps[i].addr, 0, __ATOMIC_RELEASE);
        found = 1;
    }
    return found;
}

RC_EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = (flags & MAP_TYPE) == MAP_SHARED ? enter() : NULL;
    void *p = REAL(mmap)(addr, len, prot, flags, fd, off);
    if (t && p != MAP_FAILED) {
        int saved = errno;
        maps_add((uintptr_t)p, len);
        emit(t, RC_EV_MAP_SHARED, (flags & MAP_ANONYMOUS) ? RC_MAP_ANON : 0, (uintptr_t)p, site,
             len);
        errno = saved;
    }
    return p;
}

RC_EXPORT int munmap(void *addr, size_t len)
{
    uintptr_t site = RC_SITE();
    load_real();
    int r = REAL(munmap)(addr, len);
    size_t l = len;
    /* Only an unmapping of a recorded region is looked at (and can open a
     * forked child's log). */
    if (r == 0 && len && maps_remove((uintptr_t)addr, &l)) {
        int saved = errno;
        rc_thread_t *t = enter();
        if (t)
            emit(t, RC_EV_UNMAP, 0, (uintptr_t)addr, site, len);
        errno = saved;
    }
    return r;
}

RC_EXPORT void *shmat(int id, const void *addr, int flags)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    void *p = REAL(shmat)(id, addr, flags);
    if (t && p != (void *)-1) {
        int saved = errno;
        struct shmid_ds ds;
        size_t len = shmctl(id, IPC_STAT, &ds) == 0 ? ds.shm_segsz : 1;
        maps_add((uintptr_t)p, len);
        emit(t, RC_EV_MAP_SHARED, RC_MAP_SHM, (uintptr_t)p, site, len);
        errno = saved;
    }
    return p;
}

RC_EXPORT int shmdt(const void *addr)
{
    uintptr_t site = RC_SITE();
    load_real();
    int r = REAL(shmdt)(addr);
    size_t len = 0;
    if (r == 0 && maps_remove((uintptr_t)addr, &len)) {
        int saved = errno;
        rc_thread_t *t = enter();
        if (t)
            emit(t, RC_EV_UNMAP, 0, (uintptr_t)addr, site, len);
        errno = saved;
    }
    return r;
}

/* ---- Process ends and waits ------------------------------------------------ */

/* A wait that reaped a child (it exited or was killed, not merely stopped or
 * continued) is a PROC_WAIT record, stamped after the call. */
static void reaped(rc_thread_t *t, pid_t r, int status, uintptr_t site)
{
    if (t && r > 0 && (WIFEXITED(status) || WIFSIGNALED(status))) {
        int saved = errno;
        emit(t, RC_EV_PROC_WAIT, 0, (uint32_t)status, site, (uint64_t)r);
        errno = saved;
    }
}

RC_EXPORT pid_t waitpid(pid_t pid, int *status, int options)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int st = 0;
    pid_t r = REAL(waitpid)(pid, &st, options);
    if (r > 0 && status)
        *status = st;
    reaped(t, r, st, site);
    return r;
}

RC_EXPORT pid_t wait(int *status)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int st = 0;
    pid_t r = REAL(wait)(&st);
    if (r > 0 && status)
        *status = st;
    reaped(t, r, st, site);
    return r;
}

RC_EXPORT pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int st = 0;
    pid_t r = REAL(wait4)(pid, &st, options, usage);
    if (r > 0 && status)
        *status = st;
    reaped(t, r, st, site);
    return r;
}

/* _exit and _Exit run no exit handlers: the process's exit is recorded here
 * (THREAD_EXIT|PROCESS, the status, RC_LOG_F_QUICK_EXIT), unless this is a
 * vfork child (another pid writing into its parent's memory), a forked child
 * whose log is not open (it stays without one), or the shim itself (the
 * watchdog's guard is up). */
static void quick_exit_record(int status)
{
    rc_log_header_t *h = __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE);
    rc_thread_t *t = &self_;
    if (!h || t->guard || h->pid != sys_getpid())
        return;
    if (!t->known)
        thread_adopt(t);
    if (!t->exited) {
        t->exited = 1;
        flush_counts(t);
        emit(t, RC_EV_THREAD_EXIT, RC_EXIT_PROCESS, 0, 0, t->nheld);
    }
    h->exit_status = status;
    __atomic_fetch_or(&h->flags, RC_LOG_F_QUICK_EXIT, __ATOMIC_RELEASE);
    write_maps();
}

RC_EXPORT void _exit(int status)
{
    load_real();
    quick_exit_record(status);
    REAL(_exit)(status);
    __builtin_unreachable();
}

RC_EXPORT void _Exit(int status)
{
    load_real();
    quick_exit_record(status);
    REAL(_Exit)(status);
    __builtin_unreachable();
}

/* ---- Barriers, once, cancellation ------------------------------------------ */

RC_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_barrier_wait)(b);
    emit(t, RC_EV_BARRIER, RC_BARRIER_ARRIVE, (uintptr_t)b, site, 0);
    int r = REAL(pthread_barrier_wait)(b);
    if (r == 0 || r == PTHREAD_BARRIER_SERIAL_THREAD)
        emit(t, RC_EV_BARRIER, RC_BARRIER_LEAVE, (uintptr_t)b, site,
             r == PTHREAD_BARRIER_SERIAL_THREAD);
    return r;
}

/* Runs the routine of the innermost pthread_once of this thread, noting that
 * this call ran it and when it returned: before glibc lets the other callers
 * go, so ONCE|RAN sorts before their ONCE records. */
static void once_trampoline(void)
{
    rc_thread_t *t = &self_;
    void (*fn)(void) = t->once_fn;
    t->once_ran = 1;
    fn();
    t->once_ts = now_ns();
}

RC_EXPORT int pthread_once(pthread_once_t *o, void (*fn)(void))
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_once)(o, fn);
    void (*outer_fn)(void) = t->once_fn; /* a routine may call pthread_once itself */
    uint8_t outer_ran = t->once_ran;
    uint64_t outer_ts = t->once_ts;
    t->once_fn = fn;
    t->once_ran = 0;
    int r = REAL(pthread_once)(o, once_trampoline);
    int ran = t->once_ran;
    uint64_t ts = ran ? t->once_ts : now_ns();
    t->once_fn = outer_fn;
    t->once_ran = outer_ran;
    t->once_ts = outer_ts;
    if (r == 0)
        emit_at(t, ts, RC_EV_ONCE, ran ? RC_ONCE_RAN : 0, (uintptr_t)o, site, 0);
    return r;
}

/* pthread_t -> tid without forgetting it (the thread is still to be joined). */
static uint64_t tidmap_get(uintptr_t key);

RC_EXPORT int pthread_cancel(pthread_t th)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    if (!t)
        return REAL(pthread_cancel)(th);
    uint64_t ts = now_ns();
    int r = REAL(pthread_cancel)(th);
    if (r == 0)
        emit_at(t, ts, RC_EV_THREAD_CANCEL, 0, (uintptr_t)th, site, tidmap_get((uintptr_t)th));
    return r;
}

/* ---- Processes ------------------------------------------------------------ */

RC_EXPORT pid_t fork(void)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    uint64_t ts = now_ns();
    pid_t p = REAL(fork)();
    if (t && p > 0)
        emit_at(t, ts, RC_EV_FORK, 0, 0, site, (uint64_t)p);
    return p;
}

/* _Fork (glibc 2.34) forks without running atfork handlers, so the child
 * would go on writing its parent's log (the mapping is shared): the child's
 * half of atfork_child runs here instead. fork() calls glibc's _Fork
 * internally, not through this symbol. */
RC_EXPORT pid_t _Fork(void)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    uint64_t ts = now_ns();
    pid_t p = REAL(_Fork)();
    if (p == 0)
        atfork_child();
    else if (t && p > 0)
        emit_at(t, ts, RC_EV_FORK, RC_FORK_NO_HANDLERS, 0, site, (uint64_t)p);
    return p;
}

/* posix_spawn and posix_spawnp create the child inside glibc (a clone that
 * execs at once, never through fork): FORK|SPAWN records it in the parent,
 * and its image, started with the environment given (LD_PRELOAD included
 * unless the program dropped it), writes its own log. */
#define RC_SPAWN_WRAPPER(name)                                                                     \
    RC_EXPORT int name(pid_t *pid, const char *file, const posix_spawn_file_actions_t *fa,         \
                       const posix_spawnattr_t *attr, char *const argv[], char *const envp[])      \
    {                                                                                              \
        uintptr_t site = RC_SITE();                                                                \
        load_real();                                                                               \
        rc_thread_t *t = enter();                                                                  \
        uint64_t ts = now_ns();                                                                    \
        pid_t child = 0;                                                                           \
        int r = REAL(name)(&child, file, fa, attr, argv, envp);                                    \
        if (r == 0 && pid)                                                                         \
            *pid = child;                                                                          \
        if (t && r == 0 && child > 0) {                                                            \
            int saved = errno;                                                                     \
            emit_at(t, ts, RC_EV_FORK, RC_FORK_SPAWN, 0, site, (uint64_t)child);                   \
            errno = saved;                                                                         \
        }                                                                                          \
        return r;                                                                                  \
    }
RC_SPAWN_WRAPPER(posix_spawn)
RC_SPAWN_WRAPPER(posix_spawnp)

/*
 * vfork: the child runs in its parent's memory, on the calling thread's
 * stack and thread-local state, until it execs or _exits, while the calling
 * thread is suspended. So the child must record nothing (each record would
 * land in the parent's chunk under the parent's tid): rc_vfork_enter raises
 * the calling thread's guard before the vfork system call, the child runs
 * with it raised (every wrapper passes through, _exit records nothing), and
 * the parent lowers it when it resumes and records FORK|VFORK with the
 * child's pid (rc_vfork_parent). An exec'd child's image starts the shim
 * afresh (LD_PRELOAD is inherited) and writes its own log with ppid = the
 * parent, so it stays traced.
 *
 * A vfork child must not return from the function that called vfork (the
 * parent's frame would be gone), so the wrapper is written in assembly like
 * glibc's: the return address lives in a register across the system call.
 * (glibc 2.36 enables no shadow stack, which would need the adjustments of
 * its own vfork.)
 * Elsewhere than x86-64, vfork() forks instead (POSIX allows it; only a
 * child that breaks vfork's rules could tell).
 */
void rc_vfork_enter(void);
long rc_vfork_parent(long r, uintptr_t site);

void rc_vfork_enter(void)
{
    load_real();
    int saved = errno;
    rc_thread_t *t = enter();
    self_.vfork_rec = t != NULL;
    self_.vfork_ts = now_ns();
    self_.guard++;
    errno = saved;
}

/* In the parent once the child exec'd or exited: R is the system call's
 * result (the child's pid, or -errno). Returns vfork()'s result and sets
 * errno on failure. */
long rc_vfork_parent(long r, uintptr_t site)
{
    rc_thread_t *t = &self_;
    t->guard--;
    if (r < 0 && r > -4096) {
        errno = (int)-r;
        return -1;
    }
    if (t->vfork_rec && __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE)) {
        int saved = errno;
        emit_at(t, t->vfork_ts, RC_EV_FORK, RC_FORK_VFORK, 0, site, (uint64_t)r);
        errno = saved;
    }
    return r;
}

#if defined(__x86_64__)
__asm__(".text\n"
        ".globl vfork\n"
        ".type vfork, @function\n"
        "vfork:\n"
        "    .cfi_startproc\n"
        "    endbr64\n"       /* a valid indirect-branch target (a no-op without CET) */
        "    subq $8, %rsp\n" /* align the stack for the call */
        "    .cfi_adjust_cfa_offset 8\n"
        "    call rc_vfork_enter\n"
        "    addq $8, %rsp\n"
        "    .cfi_adjust_cfa_offset -8\n"
        "    popq %rdi\n" /* the return address, kept in a register */
        "    .cfi_adjust_cfa_offset -8\n"
        "    .cfi_register %rip, %rdi\n"
        "    movl $58, %eax\n" /* __NR_vfork */
        "    syscall\n"
        "    pushq %rdi\n"
        "    .cfi_adjust_cfa_offset 8\n"
        "    .cfi_rel_offset %rip, 0\n"
        "    testq %rax, %rax\n"
        "    jz 1f\n" /* the child: return 0, guard raised */
        "    movq %rax, %rdi\n"
        "    movq (%rsp), %rsi\n" /* the call site */
        "    subq $8, %rsp\n"
        "    .cfi_adjust_cfa_offset 8\n"
        "    call rc_vfork_parent\n"
        "    addq $8, %rsp\n"
        "    .cfi_adjust_cfa_offset -8\n"
        "1:  ret\n"
        "    .cfi_endproc\n"
        ".size vfork, .-vfork\n");
#else
RC_EXPORT pid_t vfork(void)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    uint64_t ts = now_ns();
    pid_t p = REAL(fork)();
    if (t && p > 0)
        emit_at(t, ts, RC_EV_FORK, RC_FORK_VFORK, 0, site, (uint64_t)p);
    return p;
}
#endif

/* In a forked child (only the forking thread survives): leave the parent's log
 * alone, so that nothing is written twice, and arrange for our own log to be
 * opened at the first recorded call (open_forked_log). */
static void atfork_child(void)
{
    rc_log_header_t *old = __atomic_load_n(&g_hdr, __ATOMIC_RELAXED);
    int pending = __atomic_load_n(&g_fork_ppid, __ATOMIC_RELAXED);
    if (!old && !pending)
        return; /* not recording */
    int saved = errno;
    /* The parent's pid: from its log, or (its own log not open yet) the kernel. */
    int ppid = old ? old->pid : (int)sys_getppid();
    __atomic_store_n(&g_hdr, NULL, __ATOMIC_RELEASE);
    /* The parent's log stays mapped in the child, which never writes to it
     * again: unmapping it (here, inside the real fork, or later) crashed
     * ThreadSanitizer-built children now and then (a sanitizer's munmap
     * interceptor in a freshly forked process). The mapping is shared file
     * memory: it costs the child no resident memory, only address space, and
     * goes at exec or exit. Tables are cleared without memset, which a
     * sanitizer may intercept too. */
    __atomic_fetch_add(&g_gen, 1, __ATOMIC_RELAXED);
    /* The parent's other threads do not exist here. */
    zero_bytes(g_tids_small, sizeof g_tids_small);
    if (g_tids_spilled)
        zero_bytes(g_tids, sizeof g_tids);
    g_tids_spilled = 0;
    zero_bytes(g_parked, sizeof g_parked);
    /* Arguments the parent's other threads were passing are never taken here. */
    for (unsigned i = 0; i < TRAMP_SLOTS; i++)
        __atomic_store_n(&g_tramp[i].busy, 0, __ATOMIC_RELAXED);
    rc_thread_t *t = &self_;
    t->cur = t->end = NULL;
    t->full = 0;
    t->had_chunk = 0;
    t->fork_pending = t->known;
    __atomic_store_n(&g_stats, NULL, __ATOMIC_RELEASE); /* it was in the parent's log */
    summary_after_fork(t);
    wd_after_fork(t);
    __atomic_store_n(&g_fork_ppid, ppid, __ATOMIC_RELEASE);
    errno = saved;
}

/* on_exit handler: runs for exit() and a return from main, with the status. */
static void on_process_exit(int status, void *unused)
{
    (void)unused;
    rc_log_header_t *h = __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE);
    if (!h || h->pid != sys_getpid())
        return; /* a vfork child calling exit(): the log is its parent's */
    rc_thread_t *t = &self_;
    if (!t->guard) {
        if (!t->known)
            thread_adopt(t);
        if (!t->exited) {
            t->exited = 1;
            flush_counts(t);
            emit(t, RC_EV_THREAD_EXIT, RC_EXIT_PROCESS, 0, 0, t->nheld);
        } else {
            flush_counts(t);
        }
    }
    h->exit_status = status;
    __atomic_fetch_or(&h->flags, RC_LOG_F_EXITED, __ATOMIC_RELEASE);
    int saved = errno;
    write_maps(); /* libraries dlopen'd since start */
    errno = saved;
}

__attribute__((constructor)) static void shim_constructor(void)
{
    load_real();
    enter(); /* initialises, and records the main thread's start first */
}
