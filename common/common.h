/*
 * common.h - the vocabulary every racecheck module shares.
 *
 * Errors: functions return 0 (RC_OK) or a negative RC_E* code and describe the
 * failure in an rc_error_t the caller passes in. rc_strerror() names a code.
 *
 * Findings: the plain-data record the analyzer, the runtime ingestion and the
 * TSan parser all produce and the store consumes. A finding owns every string
 * it points to; rc_findings_close() frees them.
 *
 * Catalogue: the rule table read from rules/catalogue.json. It is the single
 * list of rules: the registry, `racecheck rules` and docs/rules/ follow it.
 *
 * Memory: rc_xmalloc() and friends abort on exhaustion. An analysis that cannot
 * allocate cannot continue meaningfully, and checking every small allocation
 * would hide the real error paths.
 */
#ifndef RC_COMMON_H
#define RC_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Errors ------------------------------------------------------------ */

enum {
    RC_OK = 0,
    RC_ENOMEM = -1,       /* out of memory */
    RC_EIO = -2,          /* a file could not be read or written */
    RC_EINVAL = -3,       /* bad argument or malformed input */
    RC_EPARSE = -4,       /* a source file, log or JSON document did not parse */
    RC_EDB = -5,          /* the SQLite store failed */
    RC_EFOREIGN = -6,     /* a file is corrupt or not one of ours */
    RC_ENOENT = -7,       /* a file or item does not exist */
    RC_EUNSUPPORTED = -8, /* cannot work by design (static binary, setuid, ...) */
    RC_EINTERNAL = -9,    /* a bug in racecheck */
};

typedef struct rc_error {
    int code;
    char msg[1024];
} rc_error_t;

/* Records code and a printf-style message in err (if err is not NULL) and
 * returns code, so that `return rc_error_set(err, RC_EIO, ...)` reads well. */
int rc_error_set(rc_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rc_error_clear(rc_error_t *err);
const char *rc_strerror(int code);

/* ---- Memory and strings ------------------------------------------------ */

void *rc_xmalloc(size_t n);
void *rc_xcalloc(size_t n, size_t size);
void *rc_xrealloc(void *p, size_t n);
char *rc_xstrdup(const char *s); /* NULL in, NULL out */
/* qsort that accepts an empty array given as NULL (qsort's base must not be
 * NULL, even for n == 0). */
void rc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
char *rc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last component of path ("a.c" for "/src/a.c"); "?" for NULL. Points into path. */
const char *rc_base_name(const char *path);

/* 64-bit FNV-1a: h (RC_FNV_OFFSET to start) extended with n bytes of p. A
 * fast non-cryptographic hash for fingerprints and cache keys. */
#define RC_FNV_OFFSET 0xcbf29ce484222325ULL
uint64_t rc_fnv1a(uint64_t h, const void *p, size_t n);
/* A 64-bit hash of n bytes of p, eight at a time (a multiply-xorshift per
 * word, the length in the last): about five times faster than rc_fnv1a on large
 * buffers, for content that is hashed whole (files, the facts' checksum).
 * Not chainable; not for fingerprints (they stay rc_fnv1a, stored by users). */
uint64_t rc_hash_bytes(const void *p, size_t n);
/* rc_hash_bytes of the whole content of the file at path. Returns 0, or -1
 * (errno set) when it cannot be read. */
int rc_hash_file(const char *path, uint64_t *out);

/* A growable NUL-terminated string. Zero-initialise or rc_strbuf_init(). */
typedef struct rc_strbuf {
    char *s;
    size_t len, cap;
} rc_strbuf_t;

void rc_strbuf_init(rc_strbuf_t *b);
void rc_strbuf_append(rc_strbuf_t *b, const char *s);
void rc_strbuf_appendn(rc_strbuf_t *b, const char *s, size_t n);
void rc_strbuf_appendf(rc_strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rc_strbuf_vappendf(rc_strbuf_t *b, const char *fmt, va_list ap);
void rc_strbuf_reset(rc_strbuf_t *b);
char *rc_strbuf_take(rc_strbuf_t *b); /* caller frees; b is left empty */
void rc_strbuf_close(rc_strbuf_t *b);

/* Reads a whole file into a NUL-terminated buffer the caller frees. */
int rc_read_file(const char *path, char **out, size_t *len, rc_error_t *err);

/* ---- Findings ---------------------------------------------------------- */

typedef enum rc_severity {
    RC_SEV_NOTE = 0,
    RC_SEV_WARNING = 1,
    RC_SEV_ERROR = 2,
} rc_severity_t;

const char *rc_severity_name(rc_severity_t s);
int rc_severity_parse(const char *name, rc_severity_t *out); /* 0 or RC_EINVAL */

/* Where evidence for a finding came from; a bit set once findings merge. */
typedef enum rc_source {
    RC_SRC_STATIC = 1,
    RC_SRC_SHIM = 2,
    RC_SRC_TSAN = 4,
} rc_source_t;

const char *rc_source_name(rc_source_t s); /* one bit: "static", "shim", "tsan" */

typedef struct rc_loc {
    char *file;     /* absolute or as given; NULL when unknown */
    unsigned line;  /* 1-based; 0 when unknown */
    unsigned col;   /* 1-based; 0 when unknown */
    char *function; /* enclosing function, may be NULL */
    char *note;     /* what happens here ("other access in 'reader', no lock held") */
    char *thread;   /* the thread this step runs on ("worker", "T2 (worker)", "main thread"),
                       NULL when the location is not a step of a thread (a creation site) */
} rc_loc_t;

typedef struct rc_finding {
    char *rule; /* rule id, e.g. "race.unprotected-rmw" */
    rc_severity_t severity;
    rc_source_t source;
    char *message; /* one line, no trailing newline */
    char *subject; /* what it is about: a variable ("hits", "stats::failed") or the locks
                      of a cycle ("a,b", sorted); used to fingerprint and correlate */
    rc_loc_t loc;  /* primary location */
    rc_loc_t *related;
    size_t nrelated;
    char *evidence;     /* raw evidence kept verbatim (a TSan report's text, ...); may be NULL */
    char *fingerprint;  /* set by the store when read back; NULL before */
    const char *status; /* history: "new", "present" or "fixed" (static strings); NULL */
} rc_finding_t;

typedef struct rc_findings {
    rc_finding_t *v;
    size_t n, cap;
} rc_findings_t;

/* Appends a zeroed finding and returns it; the pointer is valid until the next push. */
rc_finding_t *rc_findings_push(rc_findings_t *fs);
/* Copies the strings given (any may be NULL). */
void rc_loc_set(rc_loc_t *loc, const char *file, unsigned line, unsigned col, const char *function,
                const char *note);
rc_loc_t *rc_finding_add_related(rc_finding_t *f, const char *file, unsigned line, unsigned col,
                                 const char *function, const char *note);
/* Sets (copies) the thread label of LOC. */
void rc_loc_set_thread(rc_loc_t *loc, const char *thread);
void rc_loc_close(rc_loc_t *loc);
void rc_finding_close(rc_finding_t *f);
void rc_findings_close(rc_findings_t *fs);
/* Report order: file, line, column, rule, message (<0, 0, >0). */
int rc_finding_cmp(const rc_finding_t *a, const rc_finding_t *b);
/* Sorts FS->v[from..] in report order. */
void rc_findings_sort(rc_findings_t *fs, size_t from);

/* ---- Programs ---------------------------------------------------------- */

/* The concurrency models a program uses, as static analysis sees them. */
enum {
    RC_MODEL_THREADS = 1 << 0,     /* starts threads (pthread_create, thrd_create, a pool) */
    RC_MODEL_PROCESSES = 1 << 1,   /* forks */
    RC_MODEL_COOPERATIVE = 1 << 2, /* an event loop's callbacks or coroutines */
    RC_MODEL_SIGNALS = 1 << 3,     /* installs signal handlers */
};

typedef struct rc_program_models {
    char *main_file; /* the file defining main; NULL for code without main (a library) */
    unsigned models; /* RC_MODEL_* */
} rc_program_models_t;

/* "threads,processes" for models (in the bit order above; "" for none).
 * Caller frees. */
char *rc_models_str(unsigned models);
/* The inverse: unknown names are ignored. */
unsigned rc_models_parse(const char *s);

/* ---- Translation units ------------------------------------------------- */

/* One translation unit to analyse: the source file and the full compiler argv
 * (argv[0] is the compiler; the file itself may or may not appear in it). */
typedef struct rc_tu_job {
    char *file;      /* absolute path */
    char *directory; /* working directory of the compile (relative paths resolve here) */
    char **argv;
    int argc;
} rc_tu_job_t;

void rc_tu_job_close(rc_tu_job_t *job);
/* Deep copy (to is overwritten; argv stays NULL-terminated). */
void rc_tu_job_copy(const rc_tu_job_t *from, rc_tu_job_t *to);

/* A scanned TU can be saved (rc_analyzer_save) into the store and given back
 * to a later analyzer (rc_analyzer_opts_t.saved): a job whose key and files are
 * unchanged then reuses its facts instead of being parsed, and `racecheck
 * merge` links the saved facts of sharded scans. Everything here is owned by
 * the struct (rc_tu_saved_close). */
typedef struct rc_tu_saved {
    rc_tu_job_t job;
    /* "%016llx" digest of the job (file, directory, argv), the API models and the
     * racecheck executable: facts are reused only under the same three. */
    char *key;
    char *deps;           /* "<16 hex digits> <path>\n" per file the TU read: content hashes */
    unsigned char *facts; /* the facts as bytes (format private to the analyzer) */
    size_t len;
} rc_tu_saved_t;

void rc_tu_saved_close(rc_tu_saved_t *s);

/* ---- Rule catalogue (rules/catalogue.json) ------------------------------- */

typedef struct rc_rule_info {
    char *id; /* "race.unprotected-rmw" */
    rc_severity_t severity;
    char *model;      /* "threads", "processes", "cooperative", "signals" */
    unsigned sources; /* rc_source_t bits that can produce it */
    char *short_desc; /* one line */
    char *full_desc;  /* a paragraph */
    char *help;       /* how to fix it */
} rc_rule_info_t;

typedef struct rc_catalogue rc_catalogue_t;

/* Loads <rules_dir>/catalogue.json. On success *out is owned by the caller
 * (rc_catalogue_free). Errors: RC_EIO (unreadable), RC_EPARSE (bad JSON or entry). */
int rc_catalogue_load(const char *rules_dir, rc_catalogue_t **out, rc_error_t *err);
void rc_catalogue_free(rc_catalogue_t *cat);
size_t rc_catalogue_count(const rc_catalogue_t *cat);
const rc_rule_info_t *rc_catalogue_at(const rc_catalogue_t *cat, size_t i);
const rc_rule_info_t *rc_catalogue_find(const rc_catalogue_t *cat, const char *id);

#endif /* RC_COMMON_H */
