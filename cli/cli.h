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

#include "common.h"

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

/* What racecheck needs to know about a program before preloading into it. */
typedef struct rc_program_info {
    char *path;     /* resolved path (PATH search for names without '/') */
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
