/*
 * cmd_check.c - `racecheck check [FILE...]`: the one command for CI and
 * pre-commit hooks. Scans (only the named files' TUs when given), drops what
 * the baseline accepts, what is suppressed inline and what the configuration
 * disables or excludes, prints the rest, and exits 1 when anything is left.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck check [options] [FILE...]\n"
    "\n"
    "Scans, compares with the baseline, prints what is new, and fails when there is\n"
    "anything. With FILEs (as a pre-commit hook passes them), only their translation\n"
    "units are analysed; files that are not C sources (.c) are skipped. Without FILEs,\n"
    "every entry of the compile database is (-p or build_dir in .racecheck.json).\n"
    "\n"
    "options:\n"
    "  -p, --build-dir DIR   directory holding compile_commands.json\n"
    "  -b, --baseline FILE   accept the findings listed in FILE (racecheck baseline save);\n"
    "                        default: \"baseline\" in .racecheck.json\n"
    "  -f, --format FMT      text (default), json, sarif\n"
    "  -o, --output FILE     write the report to FILE\n"
    "      --db PATH         store (default " RC_DEFAULT_DB ")\n"
    "  -j, --jobs N          parallel parsing\n"
    "      --extra-arg ARG   add ARG to every compile command (repeatable)\n"
    "      --no-cache        parse every TU, even those unchanged since the last scan\n"
    "  -q, --quiet           no summary line\n"
    "  -h, --help            this help\n"
    "\n"
    "Suppress one finding in the source, on its line or the line before:\n"
    "  // racecheck-ignore(rule-id): reason\n"
    "\n"
    "exit status: 0 nothing new, 1 new findings, 2 usage error (bad option, no compile\n"
    "             database, unreadable baseline or configuration), 3 a TU failed to\n"
    "             parse or the store could not be written\n";

typedef struct render_ctx {
    rc_findings_t *found;
    rc_report_opts_t *opts;
} render_ctx_t;

static int write_report(FILE *out, void *ud)
{
    render_ctx_t *c = ud;
    c->opts->out = out;
    rc_report_render_findings(c->found, c->opts);
    return ferror(out) ? RC_EIO : RC_OK;
}

static int is_c_source(const char *f)
{
    size_t n = strlen(f);
    return n > 2 && strcmp(f + n - 2, ".c") == 0;
}

int rc_cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"build-dir", required_argument, NULL, 'p'},
        {"baseline", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"db", required_argument, NULL, 'D'},
        {"jobs", required_argument, NULL, 'j'},
        {"extra-arg", required_argument, NULL, 'E'},
        {"no-cache", no_argument, NULL, 'C'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    rc_scan_req_t req = {.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN), .quiet = 1};
    const char *db = RC_DEFAULT_DB, *baseline = NULL, *output = NULL;
    rc_format_t format = RC_FORMAT_TEXT;
    int quiet = 0, c, exit_code = RC_EXIT_FAILURE;
    const char **extra = rc_xcalloc((size_t)argc + 1, sizeof *extra);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:b:f:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            req.build_dir = optarg;
            break;
        case 'b':
            baseline = optarg;
            break;
        case 'f':
            if (rc_format_parse(optarg, &format) != RC_OK ||
                (format != RC_FORMAT_TEXT && format != RC_FORMAT_JSON &&
                 format != RC_FORMAT_SARIF)) {
                rc_cli_error("check formats are text, json and sarif, not '%s'", optarg);
                free(extra);
                return RC_EXIT_USAGE;
            }
            break;
        case 'o':
            output = optarg;
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
        case 'q':
            quiet = 1;
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
    /* A hook passes every staged file of the types it asked for; headers are
     * analysed through the sources that include them. */
    char **files = rc_xcalloc((size_t)argc + 1, sizeof *files);
    for (int i = optind; i < argc; i++)
        if (is_c_source(argv[i]))
            files[req.nfiles++] = argv[i];
    int named_files = argc - optind;

    rc_error_t err;
    rc_error_clear(&err);
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_policy_t *policy = rc_policy_new(cat);
    rc_config_t cfg;
    rc_store_t *st = NULL;
    rc_findings_t found = {0};
    char *command = rc_cli_join_args("check", argc - 1, argv + 1);
    if (rc_config_load(&cfg, cat, policy, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        exit_code = RC_EXIT_USAGE;
        goto out;
    }
    if (named_files && req.nfiles == 0) {
        exit_code = RC_EXIT_OK; /* only headers or other files were staged */
        goto out;
    }
    if (!baseline)
        baseline = cfg.baseline;
    if (baseline && rc_policy_load_baseline(policy, baseline, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        exit_code = RC_EXIT_USAGE;
        goto out;
    }
    req.files = files;
    req.command = command;
    size_t ntus = 0;
    int failed = 0;
    exit_code = rc_cli_scan_with_config(db, &req, &cfg, policy, extra, &st, &found, &ntus, &failed);
    if (exit_code != RC_EXIT_OK)
        goto out;
    /* Fingerprints as the store computes them, for the baseline. */
    for (size_t i = 0; i < found.n; i++)
        found.v[i].fingerprint = rc_fingerprint(&found.v[i]);
    rc_policy_stats_t stats = {0};
    rc_policy_apply(policy, &found, &stats);
    rc_report_opts_t ropts = {.format = format,
                              .out = stdout,
                              .color = !output && isatty(1),
                              .catalogue = cat,
                              .tool_version = RC_VERSION};
    render_ctx_t ctx = {&found, &ropts};
    if (output) {
        if (rc_cli_write_atomic(output, write_report, &ctx, &err) != RC_OK) {
            rc_cli_error("%s", err.msg);
            exit_code = RC_EXIT_FAILURE;
            goto out;
        }
    } else {
        write_report(stdout, &ctx);
    }
    fflush(stdout); /* the findings before the summary, even into one file */
    if (!quiet)
        fprintf(stderr,
                "racecheck check: %zu new finding%s in %zu translation unit%s (%zu in the "
                "baseline, %zu suppressed, %zu excluded or disabled)\n",
                found.n, found.n == 1 ? "" : "s", ntus, ntus == 1 ? "" : "s", stats.baselined,
                stats.suppressed, stats.excluded + stats.disabled);
    exit_code = failed ? RC_EXIT_FAILURE : found.n ? RC_EXIT_FINDINGS : RC_EXIT_OK;
out:
    rc_findings_close(&found);
    rc_store_close(st);
    rc_config_close(&cfg);
    rc_policy_free(policy);
    rc_catalogue_free(cat);
    free(command);
    free(extra);
    free(files);
    return exit_code;
}
