/*
 * cmd_baseline.c - `racecheck baseline save`: writes the fingerprints of the
 * current findings to a reviewable text file, so that `check --baseline`
 * fails only on findings that are new.
 */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck baseline save [options]\n"
    "\n"
    "Writes one line per current finding of the store (after inline suppressions and\n"
    "the rules and excludes of .racecheck.json): its fingerprint, rule, place and\n"
    "subject. Commit the file; `racecheck check --baseline FILE` then reports only what\n"
    "is not in it. Fingerprints survive line shifts and re-indentation.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   where to write (default .racecheck-baseline)\n"
    "      --db PATH       store (default " RC_DEFAULT_DB ")\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 written, 2 usage error, 3 store missing or unwritable file\n";

static int write_baseline(FILE *out, void *ud)
{
    return rc_policy_write_baseline(ud, out);
}

int rc_cmd_baseline(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB, *output = ".racecheck-baseline";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
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
    if (optind >= argc || strcmp(argv[optind], "save") != 0 || optind + 1 != argc) {
        rc_cli_error("usage: racecheck baseline save [-o FILE]");
        return RC_EXIT_USAGE;
    }
    struct stat sb;
    if (stat(db, &sb) != 0) {
        rc_cli_error("no store at '%s': run 'racecheck scan' or 'racecheck check' first", db);
        return RC_EXIT_FAILURE;
    }
    rc_error_t err;
    rc_error_clear(&err);
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_policy_t *policy = rc_policy_new(cat);
    rc_config_t cfg;
    rc_store_t *st = NULL;
    rc_findings_t fs = {0};
    int exit_code = RC_EXIT_FAILURE;
    if (rc_config_load(&cfg, cat, policy, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        exit_code = RC_EXIT_USAGE;
    } else if (rc_store_open(db, &st, &err) != RC_OK ||
               rc_store_current_findings(st, &fs, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
    } else {
        rc_policy_apply(policy, &fs, NULL);
        if (rc_cli_write_atomic(output, write_baseline, &fs, &err) != RC_OK) {
            rc_cli_error("%s", err.msg);
        } else {
            fprintf(stderr, "racecheck: %zu finding%s written to %s\n", fs.n, fs.n == 1 ? "" : "s",
                    output);
            exit_code = RC_EXIT_OK;
        }
    }
    rc_findings_close(&fs);
    rc_store_close(st);
    rc_config_close(&cfg);
    rc_policy_free(policy);
    rc_catalogue_free(cat);
    return exit_code;
}
