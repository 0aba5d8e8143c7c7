/*
 * cmd_merge.c - `racecheck merge IN.db...`: combines stores, e.g. those of a
 * CI matrix that scanned shards of a code base (scan --shard K/N) or ran
 * different programs, into one.
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
    "Static analysis joins facts across translation units: a sharded scan finds what\n"
    "each shard's TUs show together, so an interaction between TUs of different shards\n"
    "(a global written in a.c and b.c by different threads) is found only by an\n"
    "unsharded scan.\n"
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
    rc_store_close(st);
    return exit_code;
}
