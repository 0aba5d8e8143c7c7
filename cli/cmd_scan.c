/*
 * cmd_scan.c - `racecheck scan`: static analysis of translation units, stored
 * as one static run and printed as diagnostics.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck scan [-p BUILD_DIR] [FILE...] [options]\n"
    "\n"
    "Analyses C sources with libclang and reports shared updates that can be lost.\n"
    "With -p, reads BUILD_DIR/compile_commands.json (every entry, or only the FILEs\n"
    "named); without it, analyses the FILEs with default flags (-std=gnu11 -pthread).\n"
    "Settings of .racecheck.json (build_dir, extra_args, exclude, rules) apply.\n"
    "\n"
    "options:\n"
    "  -p, --build-dir DIR   directory holding compile_commands.json\n"
    "      --db PATH         store (default " RC_DEFAULT_DB ")\n"
    "  -j, --jobs N          parse N translation units in parallel (default: CPUs)\n"
    "      --extra-arg ARG   add ARG to every compile command (repeatable)\n"
    "      --shard K/N       analyse only the K-th of N equal parts of the TUs (CI matrix;\n"
    "                        racecheck merge links the shards' stores into one analysis)\n"
    "      --no-cache        parse every TU (by default a TU whose flags and files are\n"
    "                        unchanged since the store's last scan of it is not parsed)\n"
    "  -k, --keep-going      exit by the findings even if some TUs failed to parse\n"
    "  -q, --quiet           no progress and no summary line\n"
    "  -h, --help            this help\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error (or no compile database\n"
    "             in BUILD_DIR), 3 a TU failed to parse (unless --keep-going) or the\n"
    "             store could not be written\n";

int rc_parse_shard(const char *s, int *k, int *n)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (*end != '/')
        return RC_EINVAL;
    long b = strtol(end + 1, &end, 10);
    if (*end || b < 1 || b > 10000 || a < 1 || a > b)
        return RC_EINVAL;
    *k = (int)a;
    *n = (int)b;
    return RC_OK;
}

int rc_parse_jobs(const char *s, int *jobs)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (*s == '\0' || *end || n < 1 || n > 256) {
        rc_cli_error("-j takes a number from 1 to 256, not '%s'", s);
        return RC_EINVAL;
    }
    *jobs = (int)n;
    return RC_OK;
}

int rc_cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"build-dir", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'D'},
        {"jobs", required_argument, NULL, 'j'},
        {"extra-arg", required_argument, NULL, 'E'},
        {"no-cache", no_argument, NULL, 'C'},
        {"shard", required_argument, NULL, 'S'},
        {"keep-going", no_argument, NULL, 'k'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    rc_scan_req_t req = {.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN)};
    const char *db = RC_DEFAULT_DB;
    int keep_going = 0, c, exit_code = RC_EXIT_FAILURE;
    const char **extra = rc_xcalloc((size_t)argc + 1, sizeof *extra);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:j:kqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            req.build_dir = optarg;
            break;
        case 'D':
            db = optarg;
            break;
        case 'j':
            if (rc_parse_jobs(optarg, &req.jobs) != RC_OK) {
                free(extra);
                return RC_EXIT_USAGE;
            }
            break;
        case 'E':
            extra[req.nextra++] = optarg;
            break;
        case 'C':
            req.no_cache = 1;
            break;
        case 'S':
            if (rc_parse_shard(optarg, &req.shard_index, &req.shard_count) != RC_OK) {
                rc_cli_error("--shard takes K/N with 1 <= K <= N, not '%s'", optarg);
                free(extra);
                return RC_EXIT_USAGE;
            }
            break;
        case 'k':
            keep_going = 1;
            break;
        case 'q':
            req.quiet = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            free(extra);
            return RC_EXIT_OK;
        default:
            fputs(usage, stderr);
            free(extra);
            return RC_EXIT_USAGE;
        }
    }
    req.files = argv + optind;
    req.nfiles = argc - optind;

    rc_error_t err;
    rc_error_clear(&err);
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_policy_t *policy = rc_policy_new(cat);
    rc_config_t cfg;
    rc_store_t *st = NULL;
    rc_findings_t found = {0};
    char *command = rc_cli_join_args("scan", argc - 1, argv + 1);
    if (rc_config_load(&cfg, cat, policy, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        exit_code = RC_EXIT_USAGE;
        goto out;
    }
    req.command = command;
    size_t ntus = 0;
    int failed = 0;
    rc_scan_stats_t scan_stats = {0};
    req.stats = &scan_stats;
    exit_code = rc_cli_scan_with_config(db, &req, &cfg, policy, extra, &st, &found, &ntus, &failed);
    if (exit_code != RC_EXIT_OK)
        goto out;
    rc_policy_stats_t stats = {0};
    rc_policy_apply(policy, &found, &stats);
    rc_report_opts_t ropts = {
        .format = RC_FORMAT_TEXT, .out = stdout, .color = isatty(1), .catalogue = cat};
    rc_report_render_findings(&found, &ropts);
    fflush(stdout); /* the findings before the summary, even into one file */
    if (!req.quiet)
        fprintf(stderr,
                "racecheck: %zu finding%s in %zu translation unit%s (%zu unchanged since the "
                "last scan, %d failed to parse, %zu suppressed)\n",
                found.n, found.n == 1 ? "" : "s", ntus, ntus == 1 ? "" : "s", scan_stats.reused,
                failed, stats.suppressed);
    if (failed && !keep_going)
        exit_code = RC_EXIT_FAILURE;
    else
        exit_code = found.n ? RC_EXIT_FINDINGS : RC_EXIT_OK;
out:
    rc_findings_close(&found);
    rc_store_close(st);
    rc_config_close(&cfg);
    rc_policy_free(policy);
    rc_catalogue_free(cat);
    free(command);
    free(extra);
    return exit_code;
}
