/*
 * tsan.h - ThreadSanitizer report parsing (private to the report module).
 *
 * What: turns the text ThreadSanitizer writes (to stderr or to PREFIX.<pid>
 * with TSAN_OPTIONS=log_path=PREFIX) into structured reports, and reports into
 * racecheck findings (source RC_SRC_TSAN). Both clang's runtime (compiler-rt,
 * linked statically) and gcc's libtsan are understood.
 *
 * Why a structured intermediate form: the finding keeps only a few locations,
 * but tests, the correlation step and future renderers need the whole report
 * (every stack, the threads, the mutexes of a cycle) without re-parsing text.
 *
 * Invariants:
 *   - Every report that reached its SUMMARY line is returned, whatever its
 *     kind; kinds racecheck does not classify become rule `tsan.report`.
 *   - A report ends at its SUMMARY line, or at the separator line after it
 *     when TSan prints no SUMMARY (print_summary=0; `summary` is then NULL).
 *   - A report cut short (a new WARNING before its end, or end of input) is
 *     dropped and counted in stats.malformed; it never corrupts the next.
 *   - `raw` is the report's own text, WARNING line to SUMMARY line, verbatim,
 *     minus foreign lines interleaved at column 0 (program output), ANSI
 *     colour sequences, and the per-line prefix a test runner adds (ctest's
 *     "7: ", a CI timestamp), recognised from the WARNING line.
 *   - Work is linear in the input: a report keeps at most 256 accesses,
 *     mutexes, lock edges and cycle entries, a finding at most 64 related
 *     locations (TSan's own reports stay far below); the rest remains
 *     readable in `raw`.
 *   - Plain C types only: no SQLite here; the store consumes rc_finding_t.
 *
 * Report text understood (leading spaces elided; X, Y are thread names as TSan
 * prints them, "main thread" or "thread T<n>"):
 *
 *   | line                                                    | becomes              |
 *   |---------------------------------------------------------|----------------------|
 *   | WARNING: ThreadSanitizer: KIND (pid=N)                  | report start         |
 *   | ERROR: ThreadSanitizer: KIND ...                        | report start         |
 *   | #N FUNC FILE:LINE[:COL] (MODULE+0xOFF) (BuildId: ...)   | frame of open stack  |
 *   | [Previous ][atomic ]write|read of size N at A by X[ (mutexes: ...)]: | access  |
 *   | Location is global 'NAME' [of size N ]at A (...)        | location             |
 *   | Location is heap block of size N at A allocated by X:   | location + stack     |
 *   | Location is stack|TLS of X.                             | location             |
 *   | Location is file descriptor N created|destroyed by X at:| location + stack     |
 *   | Thread T<n>[ 'NAME'] (tid=N, STATE) created by X at:    | thread + stack       |
 *   | Mutex M<n> (A) created at:  /  Mutex M<n> is already destroyed. | mutex        |
 *   | Cycle in lock order graph: M0 (A) => M1 (A) => M0       | cycle                |
 *   | Mutex M1 acquired here while holding mutex M0 in X:     | lock edge + stack    |
 *   | Mutex M0 previously acquired by the same thread here:   | held stack of edge   |
 *   | And N more similar thread leaks.                        | similar count        |
 *   | any other indented line ending in ':'                   | titled stack (other) |
 *   | SUMMARY: ThreadSanitizer: ...                           | report end           |
 *
 * Frames (`#N ...`) are read from the right: the optional `(BuildId: ...)`,
 * the `(module+0xoffset)` group, then the location token (`file:line:col`,
 * `file:line`, `file`, or `<null>`), and what is left is the function, which
 * may contain spaces (C++ signatures) or be `<null>`.
 */
#ifndef RC_REPORT_TSAN_H
#define RC_REPORT_TSAN_H

#include <stddef.h>

#include "common.h"

/* One stack frame. Strings are NULL when TSan printed `<null>` or nothing. */
typedef struct rc_tsan_frame {
    unsigned index;            /* the N of `#N` */
    char *function;            /* "worker", "__tsan::CallUserSignalHandler(...)" */
    char *file;                /* as printed (after strip_path_prefix) */
    unsigned line, col;        /* 0 when not printed */
    char *module;              /* "prog", "libtsan.so.2", "[stack]" */
    unsigned long long offset; /* offset in module; 0 when not printed */
    unsigned long long pc;     /* absolute pc, only when the format prints one */
} rc_tsan_frame_t;

/* What a stack is the stack of, from the line that introduces it. */
typedef enum rc_tsan_stack_role {
    RC_TSAN_STACK_REPORT = 0, /* untitled, right after WARNING: where the report happened */
    RC_TSAN_STACK_ACCESS,     /* "Write of size 4 at ... by thread T2:" */
    RC_TSAN_STACK_PREVIOUS,   /* "Previous write of size 4 at ... by thread T1:" */
    RC_TSAN_STACK_LOCATION,   /* heap block allocation, fd creation */
    RC_TSAN_STACK_THREAD,     /* "Thread T1 (...) created by main thread at:" */
    RC_TSAN_STACK_MUTEX,      /* "Mutex M0 (0x...) created at:" */
    RC_TSAN_STACK_EDGE,       /* "Mutex M1 acquired here while holding mutex M0 in thread T1:" */
    RC_TSAN_STACK_EDGE_HELD,  /* "Mutex M0 previously acquired by the same thread here:" */
    RC_TSAN_STACK_OTHER,      /* "and:", "As if synchronized via sleep:", "Signal 27 handler..." */
} rc_tsan_stack_role_t;

typedef struct rc_tsan_stack {
    rc_tsan_stack_role_t role;
    char *title; /* the introducing line, trimmed, e.g. "Write of size 4 at 0x... by thread T1:";
                    "" for RC_TSAN_STACK_REPORT */
    rc_tsan_frame_t *frames;
    size_t nframes;
} rc_tsan_stack_t;

/* Thread numbers: TSan's T<n>; the main thread is 0; RC_TSAN_NO_THREAD when not printed. */
#define RC_TSAN_NO_THREAD (-1)
/* Index of "no stack" in the `stack` fields below. */
#define RC_TSAN_NO_STACK (-1)

/* A memory access of a data race or use-after-free. */
typedef struct rc_tsan_access {
    int previous;            /* 1 for "Previous ..." */
    int write;               /* 1 write, 0 read */
    int atomic;              /* 1 for an atomic access */
    unsigned size;           /* bytes */
    unsigned long long addr; /* address accessed */
    int thread;              /* T<n>, 0 main */
    char *mutexes;           /* "write M0, read M1" when TSan listed held mutexes, else NULL */
    int stack;               /* index in stacks, or RC_TSAN_NO_STACK */
} rc_tsan_access_t;

typedef enum rc_tsan_loc_kind {
    RC_TSAN_LOC_NONE = 0,
    RC_TSAN_LOC_GLOBAL, /* name, size, addr, module */
    RC_TSAN_LOC_HEAP,   /* size, addr, thread (allocating), stack */
    RC_TSAN_LOC_STACK,  /* thread */
    RC_TSAN_LOC_TLS,    /* thread */
    RC_TSAN_LOC_FD,     /* fd in size, thread, stack */
    RC_TSAN_LOC_OTHER,  /* text only */
} rc_tsan_loc_kind_t;

/* The first "Location is ..." line of a report. */
typedef struct rc_tsan_location {
    rc_tsan_loc_kind_t kind;
    char *text;              /* the line after "Location is ", trimmed */
    char *name;              /* a global's name; NULL if TSan printed '??' or '<null>' */
    unsigned long long size; /* bytes (global, heap) or the descriptor number (fd) */
    unsigned long long addr;
    int thread; /* heap: allocating thread; stack/TLS: owner; fd: creator */
    int stack;  /* heap allocation or fd creation stack, or RC_TSAN_NO_STACK */
} rc_tsan_location_t;

typedef struct rc_tsan_thread {
    int id;      /* T<n> */
    char *name;  /* set with pthread_setname_np, else NULL */
    long os_tid; /* tid=N, 0 when not printed */
    char *state; /* "running", "finished", NULL */
    int creator; /* T<n> that created it, RC_TSAN_NO_THREAD when not printed */
    int stack;   /* creation stack, or RC_TSAN_NO_STACK */
} rc_tsan_thread_t;

typedef struct rc_tsan_mutex {
    char *id;                /* "M0" as printed */
    unsigned long long addr; /* 0 when not printed */
    int destroyed;           /* "Mutex M0 is already destroyed." */
    int stack;               /* creation stack, or RC_TSAN_NO_STACK */
} rc_tsan_mutex_t;

/* One edge of a lock-order cycle: `acquired` taken while holding `held`. */
typedef struct rc_tsan_edge {
    char *acquired, *held; /* mutex ids, "M1", "M0" */
    int thread;
    int stack;      /* where `acquired` was taken */
    int held_stack; /* where `held` was taken (second_deadlock_stack=1), or RC_TSAN_NO_STACK */
} rc_tsan_edge_t;

typedef struct rc_tsan_report {
    char *kind;       /* "data race", "lock-order-inversion (potential deadlock)", ... */
    char *summary;    /* the text after "SUMMARY: ThreadSanitizer: ", NULL if none */
    char *raw;        /* the report's text, WARNING line to SUMMARY line */
    int pid;          /* (pid=N), 0 when not printed */
    unsigned line;    /* 1-based line of the WARNING line in the input */
    unsigned similar; /* "And N more similar thread leaks." */
    rc_tsan_stack_t *stacks;
    size_t nstacks;
    rc_tsan_access_t *accesses; /* in printed order: current access first */
    size_t naccesses;
    rc_tsan_location_t location;
    rc_tsan_thread_t *threads;
    size_t nthreads;
    rc_tsan_mutex_t *mutexes;
    size_t nmutexes;
    rc_tsan_edge_t *edges;
    size_t nedges;
    char **cycle; /* mutex ids in cycle order as printed, first not repeated */
    size_t ncycle;
} rc_tsan_report_t;

typedef struct rc_tsan_stats {
    size_t reports;       /* complete reports returned */
    size_t unknown;       /* of those, kinds mapped to `tsan.report` */
    size_t skipped_lines; /* non-blank lines that belong to no report (program output, ...) */
    size_t malformed;     /* reports dropped because they were cut short */
} rc_tsan_stats_t;

/* Parses ThreadSanitizer output: any number of reports, possibly interleaved with
 * program output, possibly several logs concatenated. `text` need not be
 * NUL-terminated and may contain NUL bytes. On success *reports is an array of *n
 * reports the caller frees with rc_tsan_reports_free() (NULL when *n is 0), and
 * `stats` (if not NULL) is overwritten. Input that is not a TSan log is not an
 * error: it yields zero reports. Errors: RC_EINVAL (NULL arguments). */
int rc_tsan_parse(const char *text, size_t len, rc_tsan_report_t **reports, size_t *n,
                  rc_tsan_stats_t *stats, rc_error_t *err);
void rc_tsan_reports_free(rc_tsan_report_t *reports, size_t n);

/* The racecheck rule id for a TSan report kind ("data race" -> "race.data-race");
 * `tsan.report` for kinds racecheck does not classify. Never NULL. */
const char *rc_tsan_rule_for_kind(const char *kind);

/* Returns the index of the first frame of `stack` in the program's own code: it has
 * a source file, and neither its function, file nor module belongs to the TSan
 * runtime, the C/C++ runtime or the dynamic loader. -1 if there is none. */
int rc_tsan_first_user_frame(const rc_tsan_stack_t *stack);

/* Resolves an address TSan printed as `(MODULE+0xOFFSET)` to source. `module` is the
 * module's path when the report names it (its SUMMARY line carries the full path of
 * the module it blames), else its file name as the frame prints it. `offset` already
 * points inside the instruction: TSan subtracts one from return addresses before it
 * prints them, so look it up as is. On success return 0 and set out->file (required),
 * line, col and function as heap strings whose ownership passes to the caller;
 * return non-zero to leave the frame as it is. */
typedef int (*rc_tsan_symbolize_fn)(void *ctx, const char *module, unsigned long long offset,
                                    rc_loc_t *out);

/* Gives a source location to every frame that has a module and an offset but no file
 * (logs written with TSAN_OPTIONS=symbolize=0, or by a runtime that found no
 * symbolizer), calling fn once per such frame. A frame's function is filled in only
 * when TSan did not print one. Call it before rc_tsan_to_findings. Returns the number
 * of frames resolved. */
size_t rc_tsan_symbolize(rc_tsan_report_t *reports, size_t n, rc_tsan_symbolize_fn fn, void *ctx);

/* Converts reports to findings (source RC_SRC_TSAN), appended to `out`, one per
 * report, in order. Each finding owns copies of what it needs. Returns 0. */
int rc_tsan_to_findings(const rc_tsan_report_t *reports, size_t n, rc_findings_t *out);

/* Reads the log at `path`, parses it and appends its findings to `out`.
 * Errors: RC_EIO (unreadable file), RC_EINVAL. `stats` may be NULL. */
int rc_tsan_ingest_file(const char *path, rc_findings_t *out, rc_tsan_stats_t *stats,
                        rc_error_t *err);

#endif /* RC_REPORT_TSAN_H */
