/*
 * cli.h - internals of the `racecheck` command: exit codes, subcommands and
 * the helpers they share. The only place that calls exit() or prints usage.
 *
 * Exit codes (stable, documented in README.md and --help):
 *
 *   code  meaning
 *   0     no findings
 *   1     findings reported
 *   2     usage error (bad option, missing argument, program to run not found)
 *   3     tool or analysis failure (a TU that does not parse, a corrupt or foreign
 *         store, an unreadable log, a program that cannot be preloaded)
 */
#ifndef RC_CLI_H
#define RC_CLI_H

#include "analyzer.h"
#include "common.h"
#include "report.h"

enum {
    RC_EXIT_OK = 0,
    RC_EXIT_FINDINGS = 1,
    RC_EXIT_USAGE = 2,
    RC_EXIT_FAILURE = 3,
};

#define RC_DEFAULT_DB ".racecheck/racecheck.db"

int rc_cmd_scan(int argc, char **argv);
int rc_cmd_run(int argc, char **argv);
int rc_cmd_report(int argc, char **argv);
int rc_cmd_rules(int argc, char **argv);
int rc_cmd_ingest_tsan(int argc, char **argv);
int rc_cmd_check(int argc, char **argv);
/* Parses -j N (1..256) into *jobs; RC_EINVAL, with the error printed, otherwise. */
int rc_parse_jobs(const char *s, int *jobs);
/* Parses --shard K/N. RC_EINVAL unless 1 <= K <= N. */
int rc_parse_shard(const char *s, int *k, int *n);
int rc_cmd_baseline(int argc, char **argv);
int rc_cmd_audit(int argc, char **argv);
int rc_cmd_merge(int argc, char **argv);

/* Prints "racecheck: <msg>" to stderr. */
void rc_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Maps an RC_E* code to an exit code (3 for failures). */
int rc_cli_exit_for(int rc);

/* Directory of rules/ data: $RACECHECK_RULES_DIR, the installed share dir
 * next to the executable, or the source tree's rules/. Caller frees. */
char *rc_cli_rules_dir(void);
/* Path of libracecheck-shim.so: $RACECHECK_SHIM, or next to the executable
 * (lib/racecheck/ or lib/). NULL when not found. Caller frees. */
char *rc_cli_shim_path(void);
/* The command line joined by spaces (for the runs table). Caller frees. */
char *rc_cli_join_args(const char *first, int argc, char **argv);

/* The project configuration (.racecheck.json in the current directory or the
 * nearest parent; see config.c for the keys). Paths in it are made absolute. */
typedef struct rc_config {
    char *path; /* NULL when there is no configuration file */
    char *dir;
    char *build_dir;
    char *baseline;
    char **extra_args;
    size_t nextra_args;
    char **api_models;
    size_t napi_models;
} rc_config_t;

/* Loads the configuration and applies its rule settings and excludes to
 * POLICY. No file is not an error. Errors: RC_EPARSE with the file and what
 * is wrong. rc_config_close frees it. */
int rc_config_load(rc_config_t *cfg, const rc_catalogue_t *cat, rc_policy_t *policy,
                   rc_error_t *err);
void rc_config_close(rc_config_t *cfg);

/* The shared part of `scan` and `check`: parse and analyse the TUs, add the
 * invalid-suppression findings of their files, store the result as one
 * static run, and return the findings (before the policy is applied). */
typedef struct rc_scan_req {
    const char *build_dir; /* compile database, or NULL */
    char **files;          /* restrict to these (or analyse them with default flags) */
    int nfiles;
    const char **extra; /* extra compiler arguments */
    int nextra;
    const char *const *models; /* extra API model files */
    size_t nmodels;
    int jobs;
    int quiet;
    int shard_index, shard_count; /* analyse the TUs with index % count == index - 1; 0: all */
    const char *command;          /* recorded with the run */
    const rc_policy_t *policy;    /* excluded paths are not scanned */
    int no_cache;                 /* parse every TU, even those whose facts the store holds */
    rc_scan_stats_t *stats;       /* out (may be NULL): TUs parsed and reused */
} rc_scan_req_t;

/* Returns RC_OK, or an error already described in err. *ntus and *failed
 * count the TUs analysed and those that did not parse. Exit code hint:
 * RC_ENOENT when the compile database is missing. */
int rc_cli_scan(const rc_scan_req_t *req, rc_store_t *st, rc_findings_t *found, size_t *ntus,
                int *failed, rc_error_t *err);

typedef struct rc_cli_link_result {
    size_t runs;     /* static runs linked (0: fewer than two had saved facts; nothing done) */
    size_t tus;      /* TUs in the link */
    size_t findings; /* static findings of the link */
    size_t parsed;   /* TUs parsed again (saved facts missing or damaged) */
    size_t stale;    /* TUs whose facts needed a new walk but whose source did not parse */
} rc_cli_link_result_t;

/* Links the saved facts of the current static runs (the shards of a scan, merged
 * into this store) into one analysis: a new static run holding its findings
 * supersedes them, so the store reports what one unsharded scan would. Does
 * nothing when fewer than two static runs have saved facts. */
int rc_cli_link(rc_store_t *st, rc_cli_link_result_t *res, rc_error_t *err);

/* What scan and check share after parsing their options: takes the
 * configuration's defaults into REQ (build_dir, extra_args, api_models, the
 * policy; EXTRA must have room for them), opens the store at DB and scans.
 * On failure prints the error and returns the exit code (2 for a missing
 * compile database or a bad request, 3 otherwise); RC_EXIT_OK on success,
 * with *st open (the caller closes it). */
int rc_cli_scan_with_config(const char *db, rc_scan_req_t *req, const rc_config_t *cfg,
                            rc_policy_t *policy, const char **extra, rc_store_t **st,
                            rc_findings_t *found, size_t *ntus, int *failed);

/* Loads the rule catalogue from rc_cli_rules_dir(); NULL (with a warning on
 * stderr) when it cannot. */
rc_catalogue_t *rc_cli_catalogue(void);

/* Writes DATA through a temporary file renamed over PATH. */
int rc_cli_write_atomic(const char *path, int (*write)(FILE *out, void *ud), void *ud,
                        rc_error_t *err);

/* Running a program under the shim (run.c). */
typedef struct rc_run_req {
    int trace;               /* keep every event (report --format trace) */
    int keep_logs;           /* keep the raw logs */
    int timeout;             /* seconds before the program's process group is killed; 0: none */
    int quiet_program;       /* send the program's standard output to /dev/null */
    double deadlock_timeout; /* seconds a wait-for cycle must last before the shim's watchdog
                                stops the program (exit status RC_DEADLOCK_EXIT); 0: off */
} rc_run_req_t;

typedef struct rc_run_result {
    int64_t run_id;
    int started;     /* the program was started */
    int exit_code;   /* its exit status, 128 + signal, or -1 */
    int signal;      /* the signal that ended it, 0 if none */
    int timed_out;   /* killed after req->timeout */
    int tsan;        /* instrumented with ThreadSanitizer */
    int failed_logs; /* logs that could not be ingested (reported on stderr) */
    int deadlocked;  /* the watchdog stopped a process of the program (a deadlock) */
    rc_ingest_stats_t stats;
} rc_run_result_t;

/* Runs ARGV (NULL-terminated; argv[0] is looked up in PATH) under the shim as
 * a new run of ST (whose file is DB: the logs go beside it), ingests its logs
 * and finishes the run. Errors: RC_ENOENT (no such program), RC_EUNSUPPORTED
 * (static or setuid program, no shim), RC_EIO, RC_EDB. */
int rc_cli_run_program(rc_store_t *st, const char *db, char **argv, const rc_run_req_t *req,
                       rc_run_result_t *res, rc_error_t *err);

/* What racecheck needs to know about a program before preloading into it. */
typedef struct rc_program_info {
    char *path; /* resolved path (PATH search for names without '/') */
    int is_elf;
    int is_script;  /* starts with #! */
    int is_dynamic; /* has an ELF interpreter (PT_INTERP) */
    int is_setid;   /* setuid or setgid bit */
    int has_tsan;   /* built with -fsanitize=thread */
} rc_program_info_t;

/* Resolves and inspects PROGRAM. Errors: RC_ENOENT (not found or not
 * executable), RC_EIO. info->path is owned by the caller. */
int rc_program_inspect(const char *program, rc_program_info_t *info, rc_error_t *err);

#endif /* RC_CLI_H */
