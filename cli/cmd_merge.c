/*
 * cmd_merge.c - `racecheck merge IN.db...`: combines stores, e.g. those of a
 * CI matrix that scanned shards of a code base (scan --shard K/N) or ran
 * different programs, into one; then links the shards' saved facts into one
 * static analysis (rc_cli_link).
 */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck merge [--db OUT] IN.db...\n"
    "\n"
    "Adds every finished run of each IN store to OUT (default " RC_DEFAULT_DB "), as\n"
    "its newest runs: findings merge by fingerprint and correlation with what OUT\n"
    "holds, and runtime data (processes, threads, locks, traces) is copied. The IN\n"
    "stores are only read. `racecheck report --db OUT` then shows everything.\n"
    "\n"
    "Static analysis joins facts across translation units. Each scan keeps the facts\n"
    "of its TUs in its store; when OUT then holds two or more current static runs\n"
    "with facts (the shards of `scan --shard K/N`), merge links all their facts into\n"
    "one analysis, recorded as a new static run that replaces them: the report is\n"
    "what one unsharded scan would give, including interactions between TUs of\n"
    "different shards. Linking needs no sources; a TU whose facts depend on a lock\n"
    "helper of another shard is parsed again when its source is at hand.\n"
    "\n"
    "exit status: 0 merged, 2 usage error, 3 a store is missing, corrupt or foreign\n";

int rc_cmd_merge(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
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
        rc_cli_error("merge needs at least one store to merge in");
        return RC_EXIT_USAGE;
    }
    struct stat sb;
    for (int i = optind; i < argc; i++) {
        if (stat(argv[i], &sb) != 0) {
            rc_cli_error("no store at '%s'", argv[i]);
            return RC_EXIT_FAILURE;
        }
    }
    rc_error_t err;
    rc_error_clear(&err);
    rc_store_t *st = NULL;
    if (rc_store_open(db, &st, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    int exit_code = RC_EXIT_OK;
    for (int i = optind; i < argc && exit_code == RC_EXIT_OK; i++) {
        rc_store_merge_stats_t stats = {0};
        if (rc_store_merge(st, argv[i], &stats, &err) != RC_OK) {
            rc_cli_error("%s", err.msg);
            exit_code = RC_EXIT_FAILURE;
        } else {
            fprintf(stderr, "racecheck: merged %s: %zu run%s, %zu finding%s\n", argv[i], stats.runs,
                    stats.runs == 1 ? "" : "s", stats.findings, stats.findings == 1 ? "" : "s");
        }
    }
    if (exit_code == RC_EXIT_OK) {
        rc_cli_link_result_t link;
        if (rc_cli_link(st, &link, &err) != RC_OK) {
            rc_cli_error("%s", err.msg);
            exit_code = RC_EXIT_FAILURE;
        } else if (link.runs) {
            fprintf(stderr,
                    "racecheck: linked %zu static runs: %zu translation unit%s, %zu finding%s\n",
                    link.runs, link.tus, link.tus == 1 ? "" : "s", link.findings,
                    link.findings == 1 ? "" : "s");
            if (link.stale)
                rc_cli_error("warning: %zu translation unit%s call lock helpers of another "
                             "shard and could not be parsed again here; their facts are "
                             "those of their own shard",
                             link.stale, link.stale == 1 ? "" : "s");
        }
    }
    rc_store_close(st);
    return exit_code;
}
