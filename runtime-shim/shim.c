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
 *   condvar       pthread_cond_wait/timedwait/clockwait/signal/broadcast (glibc's
 *                 default GLIBC_2.3.2 versions, chosen with dlvsym, or the next
 *                 interposer's, e.g. libtsan), cnd_wait/timedwait/signal/broadcast
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
 * forked child opens its own log (ppid = the parent) at its first recorded
 * call, keeps its tid and re-records the locks it holds; an image exec'd
 * after recording opens rc-<pid>-<n>.log.
 *
 * Extending: every record goes through emit_at(), so a summary mode (per-lock
 * counters instead of records) or a contention profile hooks in there or in
 * acquired()/released(); a deadlock watchdog needs only what a thread is
 * blocked on, which RC_ACQUIRE_IF knows between LOCK_WAIT and the result.
 *
 * Symbol versions (shim.map): the condition-variable wrappers are defined as
 * GLIBC_2.3.2, the version programs bind to; calls bound to the pre-2.3.2
 * condvar ABI bypass the shim (unrecorded, but not handed the wrong ABI).
 *
 * Known limits: static binaries (LD_PRELOAD is ignored) and _Fork() (no
 * atfork handlers: the child would keep writing to its parent's log) are not
 * supported; vfork() children must only exec or _exit; glibc-internal locking
 * (stdio, malloc, the mutex inside pthread_cond_wait) is invisible. Under
 * clang's ThreadSanitizer the interceptors sit in the program, before the
 * shim, so call sites name the interceptor rather than the program's line.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include "eventlog.h"

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
    X(cnd_broadcast, int, (cnd_t *), NULL)

#define RC_DECLARE_REAL(name, ret, params, ver) ret(*name) params;
static struct {
    RC_REAL_FUNCS(RC_DECLARE_REAL)
} real;

static int real_loaded; /* 1 once every pointer in `real` has been looked up */

/* ---- Per-thread state -------------------------------------------------- */

#define RC_HELD_MAX 64 /* locks tracked by identity; more are only counted */

typedef struct held_lock {
    uintptr_t obj;
    uint16_t kind;
} held_lock_t;

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
    uint8_t key_rounds;    /* calls of thread_key_destructor so far */
    uint32_t nheld;        /* locks held; may exceed RC_HELD_MAX */
    held_lock_t held[RC_HELD_MAX];
} rc_thread_t;

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
static char g_log_path[PATH_MAX];

/* pthread_t -> shim tid, for JOIN and DETACH records. Open addressing, no
 * locks: the creating thread inserts after pthread_create returns, the joiner
 * or detacher removes. Values are stored as tid + 1 so that 0 means unset. */
#define TIDMAP_BITS 12
#define TIDMAP_SIZE (1u << TIDMAP_BITS)
#define TIDMAP_TOMB ((uintptr_t)1)
static struct {
    uintptr_t key;
    uint32_t val;
} g_tids[TIDMAP_SIZE];

/* ---- Async-signal-safe utilities --------------------------------------- */

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
static void warn(const char *a, const char *b, const char *c)
{
    char msg[PATH_MAX + 256];
    size_t n = str_append(msg, 0, sizeof msg, "racecheck-shim: ");
    n = str_append(msg, n, sizeof msg, a);
    n = str_append(msg, n, sizeof msg, b ? b : "");
    n = str_append(msg, n, sizeof msg, c ? c : "");
    n = str_append(msg, n, sizeof msg, "\n");
    ssize_t w = write(STDERR_FILENO, msg, n);
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

/* Copies /proc/self/maps to <log>.maps through a temporary file and a rename,
 * so a reader never sees half a copy. The temporary is a dot file
 * (<dir>/.rc-<pid>.log.maps.tmp) so that a copy cut short by a crash does not
 * match rc-*. open/read/write only. */
static void write_maps(void)
{
    char dst[PATH_MAX], tmp[PATH_MAX];
    size_t n = str_append(dst, 0, sizeof dst, g_log_path);
    if (str_append(dst, n, sizeof dst, ".maps") != n + 5)
        return;
    const char *base = strrchr(dst, '/');
    if (!base)
        return;
    n = str_append(tmp, 0, sizeof tmp, g_dir);
    n = str_append(tmp, n, sizeof tmp, "/.");
    n = str_append(tmp, n, sizeof tmp, base + 1);
    if (str_append(tmp, n, sizeof tmp, ".tmp") != n + 4)
        return;
    int in = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return;
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        close(in);
        return;
    }
    char buf[4096];
    int ok = 1;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(out, buf + off, (size_t)(r - off));
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
    close(in);
    close(out);
    if (ok)
        rename(tmp, dst);
    else
        unlink(tmp);
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
    int rc = madvise(p, len, MADV_POPULATE_WRITE) == 0 || errno == EINVAL ? 0 : -1;
    errno = saved;
    return rc;
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
    pid_t pid = getpid();

    int fd = -1;
    for (unsigned attempt = 0; attempt < 1000 && fd < 0; attempt++) {
        size_t n = str_append(g_log_path, 0, sizeof g_log_path, g_dir);
        n = str_append(g_log_path, n, sizeof g_log_path, "/rc-");
        n = str_append_uint(g_log_path, n, sizeof g_log_path, (uint64_t)pid);
        if (attempt) {
            n = str_append(g_log_path, n, sizeof g_log_path, "-");
            n = str_append_uint(g_log_path, n, sizeof g_log_path, attempt);
        }
        n = str_append(g_log_path, n, sizeof g_log_path, ".log");
        if (n + 16 >= sizeof g_log_path) {
            warn("log directory path too long: ", g_dir, NULL);
            return -1;
        }
        fd = open(g_log_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno != EEXIST) {
            warn("cannot create ", g_log_path, errno == EACCES ? " (permission denied)" : NULL);
            return -1;
        }
    }
    if (fd < 0) {
        warn("no free log name in ", g_dir, NULL);
        return -1;
    }
    /* Size and map the file; when the file system or the address-space limit
     * refuses the capacity asked for, halve it rather than record nothing. */
    void *map = MAP_FAILED;
    int reduced = 0;
    for (;;) {
        size = RC_LOG_HEADER_SIZE + nchunks * chunk_bytes;
        if (ftruncate(fd, (off_t)size) == 0)
            map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED && reduced && nchunks > 1) {
            /* Leave the program as much address space as the log takes. */
            munmap(map, size);
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
    close(fd);
    if (map == MAP_FAILED) {
        warn("cannot size or map ", g_log_path, NULL);
        unlink(g_log_path);
        return -1;
    }
    if (RC_LOG_HEADER_SIZE + nchunks * chunk_bytes < (g_capacity_mb << 20) / 2)
        warn("log capacity reduced (RACECHECK_LOG_MB too large here): ", g_log_path, NULL);

    if (reserve(map, RC_LOG_HEADER_SIZE) != 0) {
        warn("no room for ", g_log_path, " (file system full?)");
        munmap(map, size);
        unlink(g_log_path);
        return -1;
    }
    rc_log_header_t *h = map;
    h->version = RC_LOG_VERSION;
    h->record_size = sizeof(rc_event_t);
    h->chunk_records = RC_LOG_CHUNK_RECORDS;
    h->pid = pid;
    h->ppid = ppid;
    h->flags = 0;
    h->start_ns = now_ns();
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    h->start_wall = (uint64_t)wall.tv_sec;
    h->next_chunk = 0;
    h->dropped = 0;
    h->exit_status = 0;
    h->chunk_capacity = (uint32_t)nchunks;
    ssize_t len = readlink("/proc/self/exe", h->exe, sizeof h->exe - 1);
    h->exe[len > 0 ? len : 0] = '\0';
    /* The magic last: a file with a magic has a complete header. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(h->magic, RC_LOG_MAGIC, sizeof h->magic);

    write_maps();
    g_map_len = size;
    g_records = (rc_event_t *)((char *)map + RC_LOG_HEADER_SIZE);
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
static void emit_at(rc_thread_t *t, uint64_t ts, uint16_t op, uint16_t flags, uintptr_t obj,
                    uintptr_t site, uint64_t arg)
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
        e->tid = t->tid;
        e->flags = flags;
        __atomic_store_n(&e->op, op, __ATOMIC_RELEASE);
    }
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->guard--;
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
        emit(t, RC_EV_THREAD_EXIT, 0, 0, 0, t->nheld);
    }
    park_chunk(t);
}

/* Gives a thread the shim did not start its tid and records its start: the
 * main thread, or one that glibc created internally (SIGEV_THREAD timers,
 * asynchronous name lookups) and that runs user code. The latter's exit is
 * caught by thread_key_destructor (setting a key allocates nothing for the
 * first 32 keys); the main thread's by the exit handler. */
static void thread_adopt(rc_thread_t *t)
{
    int saved = errno;
    pid_t os = gettid();
    int is_main = os == getpid();
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
    if (open_log(getppid()) != 0)
        return;
    g_exit_key_ok = pthread_key_create(&g_exit_key, thread_key_destructor) == 0;
    pthread_atfork(NULL, NULL, atfork_child);
    on_exit(on_process_exit, NULL);
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
    open_log(ppid);
    t->guard--;
    errno = saved;
}

/* The forking thread's first records in the child's log: its start (it keeps
 * its tid) and the locks it held at fork, which it holds here too. */
static void forked_start(rc_thread_t *t)
{
    int saved = errno;
    t->fork_pending = 0;
    emit(t, RC_EV_THREAD_START, RC_START_FORKED, 0, 0, (uint64_t)gettid());
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

static void held_push(rc_thread_t *t, uintptr_t obj, uint16_t kind)
{
    if (t->nheld < RC_HELD_MAX)
        t->held[t->nheld] = (held_lock_t){obj, kind};
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

/* ---- Lock events -------------------------------------------------------- */

static inline int got_zero(int r)
{
    return r == 0;
}

static inline int got_mutex(int r)
{
    return r == 0 || r == EOWNERDEAD; /* EOWNERDEAD: a robust mutex, acquired */
}

static void acquired(rc_thread_t *t, uintptr_t obj, uintptr_t site, uint16_t flags, uint64_t waited)
{
    held_push(t, obj, (uint16_t)RC_LOCK_KIND(flags));
    emit(t, RC_EV_LOCK_ACQUIRED, flags, obj, site, waited);
}

static void released(rc_thread_t *t, uint64_t ts, uintptr_t obj, uintptr_t site, uint16_t kind,
                     int r)
{
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
                acquired((t), (obj), (site), (flags), 0);                                          \
                return r_;                                                                         \
            }                                                                                      \
        }                                                                                          \
        uint64_t t0_ = now_ns();                                                                   \
        if (first_ && r_ == (BUSY))                                                                \
            emit_at((t), t0_, RC_EV_LOCK_WAIT, (flags), (obj), (site), 0);                         \
        r_ = (BLOCK);                                                                              \
        if (GOT(r_))                                                                               \
            acquired((t), (obj), (site), (flags), now_ns() - t0_);                                 \
        else                                                                                       \
            emit((t), RC_EV_LOCK_TRY_FAILED, (flags), (obj), (site), (uint64_t)ERR(r_));           \
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
            acquired((t), (obj), (site), (kind) | RC_LOCK_TRY, 0);                                 \
        else                                                                                       \
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
    uint64_t ts = now_ns();
    int r = REAL(pthread_mutex_unlock)(m);
    released(t, ts, (uintptr_t)m, site, RC_LOCK_MUTEX, r);
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
        kind = l->__data.__cur_writer == gettid() ? RC_RW_W : RC_RW_R;
    uint64_t ts = now_ns();
    int r = REAL(pthread_rwlock_unlock)(l);
    released(t, ts, (uintptr_t)l, site, kind, r);
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
    uint64_t ts = now_ns();
    int r = REAL(pthread_spin_unlock)(l);
    released(t, ts, (uintptr_t)l, site, RC_LOCK_SPIN, r);
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
    uint64_t ts = now_ns();
    int r = REAL(mtx_unlock)(m);
    released(t, ts, (uintptr_t)m, site, RC_LOCK_C11_MUTEX, r == thrd_success ? 0 : c11_errno(r));
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
        held_push(t, c->mutex, c->kind);
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

/* ---- Thread ids ----------------------------------------------------------- */

static uint32_t tidmap_slot(uintptr_t key)
{
    return (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >> (64 - TIDMAP_BITS));
}

/* Remembers key -> tid. When the table is full the thread stays unknown. */
static void tidmap_put(uintptr_t key, uint32_t tid)
{
    uint32_t s = tidmap_slot(key);
    int64_t free_slot = -1;
    for (uint32_t i = 0; i < TIDMAP_SIZE; i++, s = (s + 1) & (TIDMAP_SIZE - 1)) {
        uintptr_t k = __atomic_load_n(&g_tids[s].key, __ATOMIC_ACQUIRE);
        if (k == key) {
            __atomic_store_n(&g_tids[s].val, tid + 1, __ATOMIC_RELEASE);
            return;
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
    for (uint32_t i = 0; free_slot >= 0 && i < TIDMAP_SIZE; i++) {
        uint32_t f = ((uint32_t)free_slot + i) & (TIDMAP_SIZE - 1);
        uintptr_t k = __atomic_load_n(&g_tids[f].key, __ATOMIC_ACQUIRE);
        if ((k == 0 || k == TIDMAP_TOMB) &&
            __atomic_compare_exchange_n(&g_tids[f].key, &k, key, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&g_tids[f].val, tid + 1, __ATOMIC_RELEASE);
            return;
        }
    }
}

/* Forgets key and returns its tid, or UINT64_MAX when unknown. */
static uint64_t tidmap_take(uintptr_t key)
{
    uint32_t s = tidmap_slot(key);
    for (uint32_t i = 0; i < TIDMAP_SIZE; i++, s = (s + 1) & (TIDMAP_SIZE - 1)) {
        uintptr_t k = __atomic_load_n(&g_tids[s].key, __ATOMIC_ACQUIRE);
        if (k == 0)
            break;
        if (k != key)
            continue;
        uint32_t v = __atomic_load_n(&g_tids[s].val, __ATOMIC_ACQUIRE);
        __atomic_store_n(&g_tids[s].val, 0, __ATOMIC_RELAXED);
        if (!__atomic_compare_exchange_n(&g_tids[s].key, &k, TIDMAP_TOMB, 0, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE))
            break;
        return v ? v - 1 : UINT64_MAX;
    }
    return UINT64_MAX;
}

/* ---- Threads ---------------------------------------------------------------- */

typedef struct trampoline_arg {
    union {
        void *(*posix)(void *);
        thrd_start_t c11;
    } fn;
    void *arg;
    uint32_t tid;
} trampoline_arg_t;

/* Cleanup handler of every thread we start: return, pthread_exit and
 * cancellation all pass here. */
static void thread_exit_cleanup(void *unused)
{
    (void)unused;
    rc_thread_t *t = &self_;
    if (t->exited || !t->known)
        return;
    t->exited = 1;
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
    emit(t, RC_EV_THREAD_START, 0, routine, 0, (uint64_t)gettid());
    if (g_exit_key_ok)
        pthread_setspecific(g_exit_key, t); /* for thread_key_destructor */
    errno = saved;
    return t;
}

static void *posix_trampoline(void *p)
{
    trampoline_arg_t a = *(trampoline_arg_t *)p;
    free(p);
    thread_begin(&a, (uintptr_t)a.fn.posix);
    void *volatile ret = NULL;
    pthread_cleanup_push(thread_exit_cleanup, NULL);
    ret = a.fn.posix(a.arg);
    pthread_cleanup_pop(1);
    return ret;
}

static int c11_trampoline(void *p)
{
    trampoline_arg_t a = *(trampoline_arg_t *)p;
    free(p);
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
    int saved = errno;
    t->guard++;
    trampoline_arg_t *a = malloc(sizeof *a);
    t->guard--;
    errno = saved;
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
        free(a);
        return r;
    }
    emit_at(t, ts, RC_EV_THREAD_CREATE, 0, (uintptr_t)fn, site, tid);
    if (detached != PTHREAD_CREATE_DETACHED)
        tidmap_put((uintptr_t)*th, tid);
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
        free(a);
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

RC_EXPORT int pthread_join(pthread_t th, void **ret)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_join)(th, ret);
    if (t && r == 0)
        joined(t, RC_EV_THREAD_JOIN, (uintptr_t)th, site);
    return r;
}

RC_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_tryjoin_np)(th, ret);
    if (t && r == 0)
        joined(t, RC_EV_THREAD_JOIN, (uintptr_t)th, site);
    return r;
}

RC_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_timedjoin_np)(th, ret, abstime);
    if (t && r == 0)
        joined(t, RC_EV_THREAD_JOIN, (uintptr_t)th, site);
    return r;
}

RC_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clock,
                                   const struct timespec *abstime)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(pthread_clockjoin_np)(th, ret, clock, abstime);
    if (t && r == 0)
        joined(t, RC_EV_THREAD_JOIN, (uintptr_t)th, site);
    return r;
}

RC_EXPORT int thrd_join(thrd_t th, int *res)
{
    uintptr_t site = RC_SITE();
    load_real();
    rc_thread_t *t = enter();
    int r = REAL(thrd_join)(th, res);
    if (t && r == thrd_success)
        joined(t, RC_EV_THREAD_JOIN, (uintptr_t)th, site);
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
    int ppid = old ? old->pid : (int)getppid();
    __atomic_store_n(&g_hdr, NULL, __ATOMIC_RELEASE);
    if (old)
        munmap(old, g_map_len);
    __atomic_fetch_add(&g_gen, 1, __ATOMIC_RELAXED);
    memset(g_tids, 0, sizeof g_tids); /* the parent's other threads do not exist here */
    memset(g_parked, 0, sizeof g_parked);
    rc_thread_t *t = &self_;
    t->cur = t->end = NULL;
    t->full = 0;
    t->had_chunk = 0;
    t->fork_pending = t->known;
    __atomic_store_n(&g_fork_ppid, ppid, __ATOMIC_RELEASE);
    errno = saved;
}

/* on_exit handler: runs for exit() and a return from main, with the status. */
static void on_process_exit(int status, void *unused)
{
    (void)unused;
    rc_log_header_t *h = __atomic_load_n(&g_hdr, __ATOMIC_ACQUIRE);
    if (!h)
        return;
    rc_thread_t *t = &self_;
    if (!t->guard) {
        if (!t->known)
            thread_adopt(t);
        if (!t->exited) {
            t->exited = 1;
            emit(t, RC_EV_THREAD_EXIT, RC_EXIT_PROCESS, 0, 0, t->nheld);
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
