/*
 * analyzer.h - racecheck's static analyzer: libclang front end -> per-TU facts
 * -> whole-program rules. The only module that includes clang-c/.
 *
 * Use:
 *   rc_tu_jobs_t jobs = {0};
 *   rc_compdb_load("build", &jobs, &err);          // or rc_tu_jobs_add_file()
 *   rc_analyzer_new(&opts, &an, &err);
 *   rc_analyzer_scan(an, &jobs, status, &err);     // parallel, one CXIndex per worker
 *   rc_analyzer_check(an, &findings, &err);        // joins facts across TUs, runs rules
 *
 * API models (which functions lock, unlock, create threads, ...) are data,
 * read from <rules_dir>/api/ *.json at rc_analyzer_new().
 */
#ifndef RC_ANALYZER_H
#define RC_ANALYZER_H

#include "common.h"

typedef struct rc_tu_jobs {
    rc_tu_job_t *v;
    size_t n, cap;
} rc_tu_jobs_t;

/* Reads <build_dir>/compile_commands.json with libclang's compilation-database
 * API and appends one job per entry. Errors: RC_ENOENT (no database there),
 * RC_EPARSE (unreadable database). */
int rc_compdb_load(const char *build_dir, rc_tu_jobs_t *jobs, rc_error_t *err);

/* Appends a job for FILE compiled with default flags (`cc -std=gnu11 -pthread`)
 * plus EXTRA (may be NULL). FILE is made absolute against the current directory. */
void rc_tu_jobs_add_file(rc_tu_jobs_t *jobs, const char *file, const char *const *extra,
                         int nextra);
void rc_tu_jobs_close(rc_tu_jobs_t *jobs);

typedef void (*rc_progress_fn)(void *ud, size_t done, size_t total, const char *file);

/* What the scans of an analyzer did, summed over rc_analyzer_scan calls. */
typedef struct rc_scan_stats {
    size_t parsed; /* TUs parsed (first passes) */
    size_t reused; /* TUs whose saved facts were reused */
    size_t stale;  /* reused facts that needed a new walk (a helper of another TU changed)
                      but could not be parsed again: kept as they were */
} rc_scan_stats_t;

typedef struct rc_analyzer_opts {
    const char *rules_dir;   /* directory holding api/ *.json; required */
    int jobs;                /* worker threads for rc_analyzer_scan; <= 0 means 1 */
    rc_progress_fn progress; /* called after each TU (serialised); may be NULL */
    void *progress_ud;
    /* Paths of extra model files (same format as api/ *.json: a user's own lock
     * wrappers, thread pools, ...), loaded after <rules_dir>/api/ *.json. A missing
     * or malformed file is an error naming it; a function defined twice across
     * all files is an error. May be NULL when nextra_models is 0. */
    const char *const *extra_models;
    size_t nextra_models;
    /* Facts saved by earlier scans (borrowed; must outlive the analyzer). A job
     * with a saved entry of the same file and key whose files still hash the same
     * is not parsed. With trust_saved, an entry made for the same job is used
     * without checking its key or files (linking what other machines scanned,
     * perhaps with another racecheck build, whose sources may be absent here). */
    const rc_tu_saved_t *saved;
    size_t nsaved;
    int trust_saved;
} rc_analyzer_opts_t;

typedef struct rc_analyzer rc_analyzer_t;

/* Creates an analyzer and loads the API models. *out is owned by the caller
 * (rc_analyzer_free). Errors: RC_EIO / RC_EPARSE for the model files (those of
 * rules_dir and opts->extra_models), the message naming the file. */
int rc_analyzer_new(const rc_analyzer_opts_t *opts, rc_analyzer_t **out, rc_error_t *err);
void rc_analyzer_free(rc_analyzer_t *an);

/* Outcome of one TU. `message` (owned by the status, freed by
 * rc_tu_status_close) holds the compiler errors, `file:line:col: error: text`
 * one per line, when ok == 0. */
typedef struct rc_tu_status {
    int ok;
    char *message;
} rc_tu_status_t;

void rc_tu_status_close(rc_tu_status_t *st);

/* Parses every job (in parallel with opts.jobs workers) and keeps the facts of
 * the TUs that parsed without errors. status must have jobs->n entries; each
 * is filled. Returns RC_OK even when TUs failed (see status); an error only
 * when the analysis itself cannot proceed. A TU that calls a locking helper
 * defined in another TU (of this call or an earlier one) is parsed a second
 * time once every helper is summarised; progress reports the first pass. */
int rc_analyzer_scan(rc_analyzer_t *an, const rc_tu_jobs_t *jobs, rc_tu_status_t *status,
                     rc_error_t *err);

/* The number of TUs held (scanned without errors), and the saved form of TU i
 * (i < rc_analyzer_ntus; *out is filled and owned by the caller). Saving hashes
 * the files the TU read, as they are now. */
size_t rc_analyzer_ntus(const rc_analyzer_t *an);
void rc_analyzer_save(const rc_analyzer_t *an, size_t i, rc_tu_saved_t *out);
void rc_analyzer_stats(const rc_analyzer_t *an, rc_scan_stats_t *out);

/* The programs the last rc_analyzer_check linked (one per TU defining main, or
 * one for all the code when none does) and the concurrency models each uses:
 * threads when it starts threads, processes when it forks, signals when it
 * installs handlers, cooperative when it registers event-loop callbacks or
 * coroutines. *out is the analyzer's (valid until the next check or free). */
size_t rc_analyzer_programs(const rc_analyzer_t *an, const rc_program_models_t **out);

/* Runs the whole-program rules over the facts of all TUs scanned so far and
 * appends findings (source RC_SRC_STATIC) to out in report order (rc_findings_sort).
 * When several TUs define main, each is a separate program linked with the TUs
 * without main that its code reaches (calls, thread starts, signal handlers,
 * functions passed on, and the TUs that may hold targets of its pointer calls);
 * the TUs no program reaches are checked together as code without main; a
 * finding seen in several programs is reported once. */
int rc_analyzer_check(rc_analyzer_t *an, rc_findings_t *out, rc_error_t *err);

#endif /* RC_ANALYZER_H */
