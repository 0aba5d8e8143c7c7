/*
 * cmd_report.c - `racecheck report`: prints the findings in a store.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

static const char usage[] =
    "usage: racecheck report [options]\n"
    "\n"
    "Prints the current findings of the store: those observed by the newest run of\n"
    "each scan command and each program, static and runtime evidence merged, as\n"
    "  file:line:col: warning: message [rule-id] (sources)\n"
    "followed by note: lines, then what each program run saw (threads, locks).\n"
    "\n"
    "options:\n"
    "      --db PATH        store (default " RC_DEFAULT_DB ")\n"
    "  -f, --format FMT     text (default), json, sarif (SARIF 2.1.0), html,\n"
    "                       dot (the lock-order graph of the program runs, for Graphviz),\n"
    "                       trace (timeline of runs made with run --trace, for Perfetto)\n"
    "  -o, --output FILE    write to FILE instead of standard output\n"
    "      --no-summary     findings only\n"
    "      --srcroot DIR    SARIF: make file URIs relative to DIR (default: current dir)\n"
    "  -b, --baseline FILE  leave out the findings FILE accepts\n"
    "      --since RUN      mark findings new or present since run RUN (ids in the summary),\n"
    "                       and list those fixed since\n"
    "      --new-only       only the findings that the newest run brought\n"
    "  -h, --help           this help\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error, 3 store missing or unreadable\n";

int rc_cmd_report(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},      {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},  {"no-summary", no_argument, NULL, 'S'},
        {"srcroot", required_argument, NULL, 'R'}, {"baseline", required_argument, NULL, 'b'},
        {"since", required_argument, NULL, 'N'},   {"new-only", no_argument, NULL, 'W'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB, *output = NULL, *srcroot = NULL, *baseline = NULL;
    rc_format_t format = RC_FORMAT_TEXT;
    int summary = 1, new_only = 0, c;
    long long since = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
            break;
        case 'f':
            if (rc_format_parse(optarg, &format) != RC_OK) {
                rc_cli_error("unknown format '%s' (known: text, json, sarif, html, dot, trace)",
                             optarg);
                return RC_EXIT_USAGE;
            }
            break;
        case 'o':
            output = optarg;
            break;
        case 'S':
            summary = 0;
            break;
        case 'R':
            srcroot = optarg;
            break;
        case 'b':
            baseline = optarg;
            break;
        case 'N': {
            char *end;
            since = strtoll(optarg, &end, 10);
            if (*end || since < 1) {
                rc_cli_error("--since takes a run id (a positive number), not '%s'", optarg);
                return RC_EXIT_USAGE;
            }
            break;
        }
        case 'W':
            new_only = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return RC_EXIT_OK;
        default:
            fputs(usage, stderr);
            return RC_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        rc_cli_error("report takes no arguments ('%s')", argv[optind]);
        return RC_EXIT_USAGE;
    }
    struct stat sb;
    if (stat(db, &sb) != 0) {
        rc_cli_error("no store at '%s': run 'racecheck scan' or 'racecheck run' first", db);
        return RC_EXIT_FAILURE;
    }
    rc_error_t err;
    rc_store_t *st = NULL;
    int rc = rc_store_open(db, &st, &err);
    if (rc) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    FILE *out = stdout;
    char *tmp = NULL;
    if (output) {
        /* Written atomically: a temporary file renamed over OUTPUT at the end. */
        tmp = rc_xasprintf("%s.tmp.%d", output, (int)getpid());
        out = fopen(tmp, "w");
        if (!out) {
            rc_cli_error("cannot write '%s'", tmp);
            free(tmp);
            rc_store_close(st);
            return RC_EXIT_FAILURE;
        }
    }
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_policy_t *policy = rc_policy_new(cat);
    rc_config_t cfg;
    char *root = srcroot ? realpath(srcroot, NULL) : NULL;
    int bad = 0;
    if (rc_config_load(&cfg, cat, policy, &err) != RC_OK ||
        (baseline && rc_policy_load_baseline(policy, baseline, &err) != RC_OK)) {
        rc_cli_error("%s", err.msg);
        bad = 1;
    } else if (srcroot && !root) {
        rc_cli_error("--srcroot '%s' does not exist", srcroot);
        bad = 1;
    }
    if (bad) {
        rc_config_close(&cfg);
        rc_policy_free(policy);
        rc_catalogue_free(cat);
        rc_store_close(st);
        if (output) {
            fclose(out);
            unlink(tmp);
            free(tmp);
        }
        return RC_EXIT_USAGE;
    }
    rc_report_opts_t opts = {.format = format,
                             .out = out,
                             .color = !output && isatty(1),
                             .summary = summary,
                             .catalogue = cat,
                             .srcroot = root,
                             .tool_version = RC_VERSION,
                             .policy = policy,
                             .since = since,
                             .new_only = new_only};
    size_t n = 0;
    rc = rc_report_render(st, &opts, &n, &err);
    if (output) {
        if (fclose(out) != 0 && rc == RC_OK)
            rc = rc_error_set(&err, RC_EIO, "cannot write '%s'", tmp);
        if (rc == RC_OK && rename(tmp, output) != 0)
            rc = rc_error_set(&err, RC_EIO, "cannot rename '%s' to '%s'", tmp, output);
        if (rc)
            unlink(tmp);
        free(tmp);
    }
    rc_store_close(st);
    rc_config_close(&cfg);
    rc_policy_free(policy);
    rc_catalogue_free(cat);
    free(root);
    if (rc) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    return n ? RC_EXIT_FINDINGS : RC_EXIT_OK;
}
