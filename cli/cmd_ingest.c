/*
 * cmd_ingest.c - `racecheck ingest-tsan LOG...`: stores ThreadSanitizer logs
 * produced elsewhere (a CI test job, another machine) as one run.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

static const char usage[] =
    "usage: racecheck ingest-tsan [options] LOG...\n"
    "\n"
    "Reads ThreadSanitizer logs (from clang's or gcc's runtime; several reports per\n"
    "file, program output in between is fine), stores every report as a finding, and\n"
    "merges it with static and shim evidence about the same defect. Reports of a kind\n"
    "racecheck does not classify are kept verbatim (rule tsan.report); lines that belong\n"
    "to no complete report are counted and skipped.\n"
    "\n"
    "options:\n"
    "      --db PATH    store (default " RC_DEFAULT_DB ")\n"
    "  -q, --quiet      no summary line\n"
    "  -h, --help       this help\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error, 3 a log or the store failed\n";

int rc_cmd_ingest_tsan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB;
    int quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return RC_EXIT_OK;
        default:
            fputs(usage, stderr);
            return RC_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        rc_cli_error("ingest-tsan needs at least one log file");
        return RC_EXIT_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        if (access(argv[i], R_OK) != 0) {
            rc_cli_error("cannot read '%s'", argv[i]);
            return RC_EXIT_USAGE;
        }
    }
    rc_error_t err;
    rc_error_clear(&err);
    rc_store_t *st = NULL;
    int64_t run_id = 0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    char *command = rc_cli_join_args("ingest-tsan", argc - optind, argv + optind);
    int rc = rc_store_open(db, &st, &err);
    if (rc == RC_OK)
        rc = rc_store_run_begin(st, RC_RUN_TSAN, command, cwd, &run_id, &err);
    free(command);
    if (rc) {
        rc_cli_error("%s", err.msg);
        rc_store_close(st);
        return RC_EXIT_FAILURE;
    }
    rc_ingest_stats_t stats = {0};
    int failed = 0;
    for (int i = optind; i < argc; i++) {
        rc_error_clear(&err);
        if (rc_store_ingest_tsan_log(st, run_id, argv[i], &stats, &err) != RC_OK) {
            rc_cli_error("%s", err.msg);
            failed++;
        }
    }
    int exit_code = RC_EXIT_FAILURE;
    rc = rc_store_run_end(st, run_id, failed, &err);
    if (rc == RC_OK) {
        rc_catalogue_t *cat = rc_cli_catalogue();
        rc_report_opts_t opts = {.format = RC_FORMAT_TEXT,
                                 .out = stdout,
                                 .color = isatty(1),
                                 .run_id = run_id,
                                 .catalogue = cat};
        size_t n = 0;
        rc = rc_report_render(st, &opts, &n, &err);
        rc_catalogue_free(cat);
        if (rc == RC_OK) {
            fflush(stdout); /* the findings before the summary, even into one file */
            if (!quiet)
                fprintf(stderr,
                        "racecheck: %zu report%s (%zu of unknown kind, kept raw), %zu cut short "
                        "and skipped, %zu line%s outside any report skipped, %zu finding%s\n",
                        stats.reports, stats.reports == 1 ? "" : "s", stats.unknown,
                        stats.malformed, stats.skipped, stats.skipped == 1 ? "" : "s", n,
                        n == 1 ? "" : "s");
            exit_code = failed ? RC_EXIT_FAILURE : n ? RC_EXIT_FINDINGS : RC_EXIT_OK;
        }
    }
    if (rc)
        rc_cli_error("%s", err.msg);
    rc_store_close(st);
    return exit_code;
}
