/*
 * main.c - `racecheck` entry point: dispatches to a subcommand.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static const char usage[] =
    "usage: racecheck <command> [options]\n"
    "\n"
    "Finds data races, lock-order inversions and threading API misuse in C programs,\n"
    "statically (libclang) and at run time (LD_PRELOAD shim, ThreadSanitizer), and\n"
    "merges the evidence in one SQLite store (default " RC_DEFAULT_DB ").\n"
    "\n"
    "commands:\n"
    "  scan [-p BUILD_DIR] [FILE...]   analyse sources statically\n"
    "  check [FILE...]                 scan, compare with the baseline, fail on new findings\n"
    "                                  (for CI and pre-commit hooks)\n"
    "  baseline save [-o FILE]         accept the current findings\n"
    "  audit [DIR]                     build, scan and run every sample program, and compare\n"
    "                                  with its expected findings (precision, recall)\n"
    "  run -- PROGRAM [ARGS...]        run a program under the shim (and TSan if built with it)\n"
    "  ingest-tsan LOG...              store ThreadSanitizer logs produced elsewhere\n"
    "  report                          print the findings in the store\n"
    "  merge IN.db...                  add other stores (CI shards, other machines) to this one\n"
    "  rules                           list the rules\n"
    "\n"
    "  racecheck <command> --help      options of a command\n"
    "  racecheck --version             version and store schema\n"
    "\n"
    "exit status: 0 no findings, 1 findings reported, 2 usage error,\n"
    "             3 tool or analysis failure (unparsable TU, corrupt store, ...)\n";

void rc_cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("racecheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int rc_cli_exit_for(int rc)
{
    return rc == RC_OK ? RC_EXIT_OK : RC_EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return RC_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return RC_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("racecheck %s (store schema %d)\n", RC_VERSION, rc_store_schema_version());
        return RC_EXIT_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"scan", rc_cmd_scan},
        {"run", rc_cmd_run},
        {"report", rc_cmd_report},
        {"rules", rc_cmd_rules},
        {"ingest-tsan", rc_cmd_ingest_tsan},
        {"check", rc_cmd_check},
        {"baseline", rc_cmd_baseline},
        {"audit", rc_cmd_audit},
        {"merge", rc_cmd_merge},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    rc_cli_error("unknown command '%s' (see racecheck --help)", cmd);
    return RC_EXIT_USAGE;
}
