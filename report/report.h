/*
 * report.h - racecheck's store and report: the SQLite database that merges
 * static, shim and TSan evidence, the ingestion of runtime logs into it, and
 * the renderers that print it. The only module that includes sqlite3.h.
 *
 * A store is one SQLite file (default .racecheck/racecheck.db). Every scan,
 * program run or log ingestion is a *run*; each finding is kept once, keyed by
 * its fingerprint, with one *evidence* row per run that observed it. The
 * report shows the findings observed by the newest finished run of each
 * (kind, command) pair, so re-running the same scan or program replaces its
 * earlier result while different programs accumulate.
 */
#ifndef RC_REPORT_H
#define RC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "common.h"

typedef struct rc_store rc_store_t;

/* Opens the store at PATH, creating it (and its parent directory) when it
 * does not exist, and migrating an older schema. A file that is not a
 * racecheck store (another SQLite database, or not SQLite at all) is refused
 * with RC_EFOREIGN and left untouched. Errors: RC_EFOREIGN, RC_EDB, RC_EIO.
 * *out is owned by the caller (rc_store_close). */
int rc_store_open(const char *path, rc_store_t **out, rc_error_t *err);
void rc_store_close(rc_store_t *st);

/* The schema version this build writes (PRAGMA user_version). */
int rc_store_schema_version(void);

typedef enum rc_run_kind {
    RC_RUN_STATIC = 1, /* racecheck scan */
    RC_RUN_SHIM = 2,   /* racecheck run (shim, and TSan when instrumented) */
    RC_RUN_TSAN = 3,   /* racecheck ingest-tsan */
} rc_run_kind_t;

/* Starts a run; *run_id receives its id. COMMAND is what the user ran
 * (e.g. "scan samples/counter.c"), CWD the working directory. */
int rc_store_run_begin(rc_store_t *st, rc_run_kind_t kind, const char *command, const char *cwd,
                       int64_t *run_id, rc_error_t *err);
/* Marks a run finished with STATUS (the program's exit status, or 0). Only
 * finished runs are reported. */
int rc_store_run_end(rc_store_t *st, int64_t run_id, int status, rc_error_t *err);

/* Stores findings as evidence of RUN_ID, merging by fingerprint, in one
 * transaction. */
int rc_store_add_findings(rc_store_t *st, int64_t run_id, const rc_findings_t *fs, rc_error_t *err);

typedef struct rc_ingest_stats {
    size_t processes; /* shim logs ingested */
    size_t threads;
    size_t locks;
    size_t edges;         /* distinct lock-order edges */
    size_t events;        /* records read */
    size_t torn;          /* records lost to truncation */
    uint64_t dropped;     /* records the shim dropped (log full) */
    size_t reports;       /* TSan reports */
    size_t unknown;       /* TSan reports of unknown kind (kept raw) */
    size_t skipped;       /* TSan lines that belonged to no complete report */
    size_t malformed;     /* TSan reports cut short (a truncated log): dropped */
    size_t findings;      /* findings added */
    size_t unstarted;     /* shim logs left all zero: the process ended before its
                             recorder wrote anything (nothing to ingest; not an error) */
    int cycles_truncated; /* the lock-graph search ran out of budget */
} rc_ingest_stats_t;

/* Reads one shim event log (see runtime-shim/eventlog.h), stores its process,
 * threads, locks and lock-order edges under RUN_ID, and adds the runtime
 * findings (lock-order inversions). Call sites are symbolised here. A
 * truncated log ingests every complete record; a log whose header is all zero
 * (its process ended before the shim wrote anything) ingests nothing and counts
 * in stats->unstarted. Errors: RC_EFOREIGN (not a log), RC_EIO, RC_EDB. Counts
 * are added to *stats. */
int rc_store_ingest_shim_log(rc_store_t *st, int64_t run_id, const char *log_path,
                             rc_ingest_stats_t *stats, rc_error_t *err);

/* With ON, rc_store_ingest_shim_log also stores every event (packed into trace_chunks),
 * which `report --format trace` draws as a timeline. Off by default: a
 * lock-heavy program logs millions of events. */
void rc_store_keep_events(rc_store_t *st, int on);

/* Parses one ThreadSanitizer log and stores its reports as findings of RUN_ID.
 * Unknown report kinds are kept as raw text. Errors: RC_EIO, RC_EDB. */
int rc_store_ingest_tsan_log(rc_store_t *st, int64_t run_id, const char *log_path,
                             rc_ingest_stats_t *stats, rc_error_t *err);

/* The findings currently reported (see the file comment), ordered by file,
 * line, column and rule, appended to OUT with source = the union of their
 * evidence sources. */
int rc_store_current_findings(rc_store_t *st, rc_findings_t *out, rc_error_t *err);

typedef struct rc_store_merge_stats {
    size_t runs, findings;
} rc_store_merge_stats_t;

/* Adds every finished run of the store at SRC_PATH to DST (as DST's newest
 * runs), with its findings (merged by fingerprint and correlation) and its
 * runtime data. SRC is refused like any foreign or corrupt store and only
 * read. One transaction: on error DST is unchanged. */
int rc_store_merge(rc_store_t *dst, const char *src_path, rc_store_merge_stats_t *stats,
                   rc_error_t *err);

/* ---- Facts of scanned TUs (tu_store.c) ----
 * Saves the TUs a static run scanned (rc_analyzer_save) and records that the
 * run covered them; facts no current run covers any more are dropped. One
 * transaction. */
int rc_store_save_tus(rc_store_t *st, int64_t run_id, const rc_tu_saved_t *v, size_t n,
                      rc_error_t *err);
/* The saved TUs covered by any of RUNS (each (file, key) once). *out (n
 * entries) is the caller's: rc_tu_saved_close each, then free. */
int rc_store_load_tus(rc_store_t *st, const int64_t *runs, size_t nruns, rc_tu_saved_t **out,
                      size_t *n, rc_error_t *err);
/* The saved TUs of the given source files (every key of each; list each file
 * once), as above. */
int rc_store_load_tus_of(rc_store_t *st, const char *const *files, size_t nfiles,
                         rc_tu_saved_t **out, size_t *n, rc_error_t *err);
/* The current static runs that have saved TUs, oldest first (*runs: caller frees). */
int rc_store_linkable_runs(rc_store_t *st, int64_t **runs, size_t *n, rc_error_t *err);
/* Records the programs static run RUN_ID linked and their models. */
int rc_store_save_programs(rc_store_t *st, int64_t run_id, const rc_program_models_t *v, size_t n,
                           rc_error_t *err);
/* The programs of the current static runs, each file once (the newest run's
 * view), sorted by file; main_file is "" for code without main. *out is the
 * caller's: free each main_file, then the array. */
int rc_store_current_programs(rc_store_t *st, rc_program_models_t **out, size_t *n,
                              rc_error_t *err);
/* Marks RUNS as replaced by run BY: their findings stop being current. */
int rc_store_supersede(rc_store_t *st, const int64_t *runs, size_t n, int64_t by, rc_error_t *err);

/* The findings that were current right after run RUN_ID finished (the
 * newest run of each (kind, command) up to it), for history comparisons. */
int rc_store_findings_as_of(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err);
/* The id of the newest finished run, 0 when there is none. */
int rc_store_last_run(rc_store_t *st, int64_t *run_id, rc_error_t *err);

/* The findings observed by one run, in the same form and order. */
int rc_store_run_findings(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err);

/* ---- Policy: what the user wants to see (policy.c) ----------------------- */

typedef struct rc_policy rc_policy_t;

typedef struct rc_policy_stats {
    size_t disabled, excluded, suppressed, baselined;
} rc_policy_stats_t;

/* CAT (may be NULL) validates rule ids in suppression comments. */
rc_policy_t *rc_policy_new(const rc_catalogue_t *cat);
void rc_policy_free(rc_policy_t *p);
void rc_policy_enable_rule(rc_policy_t *p, const char *id, int enabled);
void rc_policy_set_severity(rc_policy_t *p, const char *id, rc_severity_t sev);
/* Drops findings whose primary file matches the fnmatch(3) PATTERN. */
void rc_policy_exclude(rc_policy_t *p, const char *pattern);
int rc_policy_excludes_path(const rc_policy_t *p, const char *path);
/* Inline `racecheck-ignore(rule): reason` comments (on by default). */
void rc_policy_use_suppressions(rc_policy_t *p, int on);
/* Findings whose fingerprint is listed in the baseline file are dropped.
 * Errors: RC_ENOENT, RC_EIO, RC_EPARSE (a line without a fingerprint). */
int rc_policy_load_baseline(rc_policy_t *p, const char *path, rc_error_t *err);
int rc_policy_baselined(const rc_policy_t *p, const rc_finding_t *f);
/* Removes from FS what the policy hides and applies severity overrides;
 * counts what was removed in *stats (may be NULL). */
void rc_policy_apply(const rc_policy_t *p, rc_findings_t *fs, rc_policy_stats_t *stats);
/* Appends a `suppress.invalid` finding for every malformed suppression
 * comment in PATH (missing reason, unknown rule). */
void rc_policy_check_suppressions(const rc_policy_t *p, const char *path, rc_findings_t *out);
/* Writes a baseline accepting every finding of FS (fingerprints must be set,
 * as rc_store_current_findings does). */
int rc_policy_write_baseline(const rc_findings_t *fs, FILE *out);

typedef enum rc_format {
    RC_FORMAT_TEXT = 1,  /* clang-style diagnostics */
    RC_FORMAT_JSON = 2,  /* docs/json-format.md */
    RC_FORMAT_HTML = 3,  /* one self-contained page */
    RC_FORMAT_SARIF = 4, /* SARIF 2.1.0 for code scanning */
    RC_FORMAT_DOT = 5,   /* the runtime lock-order graph (Graphviz) */
    RC_FORMAT_TRACE = 6, /* Chrome Trace Event JSON (Perfetto, chrome://tracing) */
} rc_format_t;

/* Parses a --format name. RC_EINVAL for an unknown one. */
int rc_format_parse(const char *name, rc_format_t *out);

typedef struct rc_report_opts {
    rc_format_t format;
    FILE *out;
    int color;      /* ANSI colours (text on a TTY) */
    int summary;    /* add the runtime summary (processes, threads, locks) after the findings */
    int64_t run_id; /* 0: the current findings of the store; else only this run's */
    const rc_catalogue_t *catalogue; /* rule descriptions and models; may be NULL */
    const char *srcroot;       /* SARIF: URIs are relative to this (default: current directory) */
    const char *tool_version;  /* SARIF: the driver's version */
    const rc_policy_t *policy; /* applied to the findings before rendering; may be NULL */
    /* History: with since > 0, each finding gets a status against the state
     * after run `since` ("new", "present"), and the findings current then
     * but not now are shown as "fixed". new_only keeps only "new" ones. */
    int64_t since;
    int new_only;
} rc_report_opts_t;

/* Renders the current findings, or one run's (opts->run_id), and with
 * opts->summary what the runtime runs saw. *nfindings receives the number of
 * findings printed. */
int rc_report_render(rc_store_t *st, const rc_report_opts_t *opts, size_t *nfindings,
                     rc_error_t *err);

/* The concurrency model of a rule ("threads", "processes", "cooperative",
 * "signals"), from the catalogue; "threads" when CAT is NULL or does not
 * know the rule. */
const char *rc_rule_model(const rc_catalogue_t *cat, const char *rule);

/* How sure a finding is, from its evidence: "confirmed" when a run observed
 * it (shim or TSan), "static-only" when only the static analysis reports it. */
const char *rc_confidence(unsigned sources);

/* Renders a list of findings that is not (yet) in a store. */
void rc_report_render_findings(const rc_findings_t *fs, const rc_report_opts_t *opts);

/* A stable identity for a finding that survives line shifts: a hex digest of
 * the rule, the file's base name, the enclosing function, the subject and the
 * whitespace-stripped text of the primary line (read from the file when it
 * exists). The caller frees the result. */
char *rc_fingerprint(const rc_finding_t *f);

#endif /* RC_REPORT_H */
