/*
 * cmd_scan.c - `racecheck scan`: static analysis of translation units, stored
 * as one static run and printed as diagnostics.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "cli.h"
#include "report.h"

static const char usage[] =
    "usage: racecheck scan [-p BUILD_DIR] [FILE...] [options]\n"
    "\n"
    "Analyses C sources with libclang and reports shared updates that can be lost.\n"
    "With -p, reads BUILD_DIR/compile_commands.json (every entry, or only the FILEs\n"
    "named); without it, analyses the FILEs with default flags (-std=gnu11 -pthread).\n"
    "\n"
    "options:\n"
    "  -p, --build-dir DIR   directory holding compile_commands.json\n"
    "      --db PATH         store (default " RC_DEFAULT_DB ")\n"
    "  -j, --jobs N          parse N translation units in parallel (default: CPUs)\n"
    "      --extra-arg ARG   add ARG to every compile command (repeatable)\n"
    "  -k, --keep-going      exit by the findings even if some TUs failed to parse\n"
    "  -q, --quiet           no progress and no summary line\n"
    "  -h, --help            this help\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error, 3 a TU failed to parse\n"
    "             (unless --keep-going) or the store could not be written\n";

typedef struct progress {
    int enabled;
    struct timespec start;
} progress_t;

static void show_progress(void *ud, size_t done, size_t total, const char *file)
{
    progress_t *p = ud;
    if (!p->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - p->start.tv_sec) + (now.tv_nsec - p->start.tv_nsec) / 1e9;
    const char *base = strrchr(file, '/');
    fprintf(stderr, "\r\033[K[%zu/%zu] %.1fs %s", done, total, secs, base ? base + 1 : file);
    if (done == total)
        fputc('\n', stderr);
}

/* Keeps the compile-database jobs for the named FILES; a file the database
 * does not list is analysed with default flags, as clang-tidy does. */
static void select_files(rc_tu_jobs_t *all, char **files, int nfiles, const char *const *extra,
                         int nextra, rc_tu_jobs_t *out)
{
    for (int i = 0; i < nfiles; i++) {
        char *abs = realpath(files[i], NULL);
        int found = 0;
        for (size_t j = 0; abs && j < all->n; j++) {
            char *cand = realpath(all->v[j].file, NULL);
            if (cand && strcmp(cand, abs) == 0) {
                rc_tu_job_t *job = &all->v[j];
                if (out->n == out->cap) {
                    out->cap = out->cap ? out->cap * 2 : 8;
                    out->v = rc_xrealloc(out->v, out->cap * sizeof *out->v);
                }
                out->v[out->n++] = *job;
                memset(job, 0, sizeof *job); /* moved */
                found = 1;
            }
            free(cand);
        }
        if (!found) {
            fprintf(stderr, "racecheck: %s is not in the compile database; using default flags\n",
                    files[i]);
            rc_tu_jobs_add_file(out, files[i], extra, nextra);
        }
        free(abs);
    }
}

int rc_cmd_scan(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"build-dir", required_argument, NULL, 'p'}, {"db", required_argument, NULL, 'D'},
        {"jobs", required_argument, NULL, 'j'},      {"extra-arg", required_argument, NULL, 'E'},
        {"keep-going", no_argument, NULL, 'k'},      {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    const char *build_dir = NULL, *db = RC_DEFAULT_DB;
    long jobs = sysconf(_SC_NPROCESSORS_ONLN);
    int keep_going = 0, quiet = 0, c;
    const char **extra = rc_xcalloc((size_t)argc + 1, sizeof *extra);
    int nextra = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:j:kqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'p': build_dir = optarg; break;
        case 'D': db = optarg; break;
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (*end || jobs < 1 || jobs > 256) {
                rc_cli_error("-j takes a number from 1 to 256, not '%s'", optarg);
                free(extra);
                return RC_EXIT_USAGE;
            }
            break;
        }
        case 'E': extra[nextra++] = optarg; break;
        case 'k': keep_going = 1; break;
        case 'q': quiet = 1; break;
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
    char **files = argv + optind;
    int nfiles = argc - optind;
    if (!build_dir && nfiles == 0) {
        rc_cli_error("scan needs -p BUILD_DIR or source files (see racecheck scan --help)");
        free(extra);
        return RC_EXIT_USAGE;
    }

    rc_error_t err;
    rc_error_clear(&err);
    rc_tu_jobs_t jobs_list = {0};
    if (build_dir) {
        rc_tu_jobs_t all = {0};
        int rc = rc_compdb_load(build_dir, &all, &err);
        if (rc) {
            rc_cli_error("%s", err.msg);
            rc_tu_jobs_close(&all);
            free(extra);
            return rc == RC_ENOENT ? RC_EXIT_USAGE : RC_EXIT_FAILURE;
        }
        if (nfiles) {
            select_files(&all, files, nfiles, extra, nextra, &jobs_list);
            rc_tu_jobs_close(&all);
        } else {
            jobs_list = all;
        }
        /* Extra arguments also apply to database entries. */
        for (size_t i = 0; nextra && i < jobs_list.n; i++) {
            rc_tu_job_t *j = &jobs_list.v[i];
            j->argv = rc_xrealloc(j->argv, (size_t)(j->argc + nextra + 1) * sizeof *j->argv);
            for (int k = 0; k < nextra; k++)
                j->argv[j->argc++] = rc_xstrdup(extra[k]);
            j->argv[j->argc] = NULL;
        }
    } else {
        for (int i = 0; i < nfiles; i++) {
            if (access(files[i], R_OK) != 0) {
                rc_cli_error("cannot read '%s'", files[i]);
                rc_tu_jobs_close(&jobs_list);
                free(extra);
                return RC_EXIT_USAGE;
            }
            rc_tu_jobs_add_file(&jobs_list, files[i], extra, nextra);
        }
    }

    char *rules_dir = rc_cli_rules_dir();
    progress_t prog = {.enabled = !quiet && isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    rc_analyzer_opts_t opts = {
        .rules_dir = rules_dir, .jobs = (int)jobs, .progress = show_progress, .progress_ud = &prog};
    rc_analyzer_t *an = NULL;
    rc_store_t *st = NULL;
    rc_tu_status_t *status = rc_xcalloc(jobs_list.n ? jobs_list.n : 1, sizeof *status);
    rc_findings_t found = {0};
    int exit_code = RC_EXIT_FAILURE, failed_tus = 0;
    int64_t run_id = 0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    char *command = rc_cli_join_args("scan", argc - 1, argv + 1);

    /* Open the store first: a foreign or corrupt store should stop us before
     * minutes of parsing. */
    int rc = rc_store_open(db, &st, &err);
    if (rc == RC_OK)
        rc = rc_analyzer_new(&opts, &an, &err);
    if (rc == RC_OK)
        rc = rc_store_run_begin(st, RC_RUN_STATIC, command, cwd, &run_id, &err);
    if (rc == RC_OK)
        rc = rc_analyzer_scan(an, &jobs_list, status, &err);
    if (rc == RC_OK) {
        for (size_t i = 0; i < jobs_list.n; i++) {
            if (!status[i].ok) {
                failed_tus++;
                fprintf(stderr, "%s", status[i].message ? status[i].message : "");
                rc_cli_error("%s: translation unit failed to parse; its code was not analysed",
                             jobs_list.v[i].file);
            }
        }
        rc = rc_analyzer_check(an, &found, &err);
    }
    if (rc == RC_OK)
        rc = rc_store_add_findings(st, run_id, &found, &err);
    if (rc == RC_OK)
        rc = rc_store_run_end(st, run_id, failed_tus, &err);
    if (rc == RC_OK) {
        rc_report_opts_t ropts = {.format = RC_FORMAT_TEXT, .out = stdout, .color = isatty(1)};
        rc_report_render_findings(&found, &ropts);
        if (!quiet)
            fprintf(stderr, "racecheck: %zu finding%s in %zu translation unit%s (%d failed)\n",
                    found.n, found.n == 1 ? "" : "s", jobs_list.n, jobs_list.n == 1 ? "" : "s",
                    failed_tus);
        if (failed_tus && !keep_going)
            exit_code = RC_EXIT_FAILURE;
        else
            exit_code = found.n ? RC_EXIT_FINDINGS : RC_EXIT_OK;
    } else {
        rc_cli_error("%s", err.msg);
    }

    for (size_t i = 0; i < jobs_list.n; i++)
        rc_tu_status_close(&status[i]);
    free(status);
    rc_findings_close(&found);
    rc_analyzer_free(an);
    rc_store_close(st);
    rc_tu_jobs_close(&jobs_list);
    free(rules_dir);
    free(command);
    free(extra);
    return exit_code;
}
