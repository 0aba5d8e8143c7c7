/*
 * cmd_run.c - `racecheck run -- PROGRAM ARGS`: runs a program with the shim
 * preloaded (and ThreadSanitizer's log redirected when the program is
 * instrumented), then ingests every log it left into the store as one run
 * (run.c) and prints what it found.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck run [options] -- PROGRAM [ARGS...]\n"
    "\n"
    "Runs PROGRAM with racecheck's shim preloaded (appended to any LD_PRELOAD), records\n"
    "thread and lock events, and stores threads, locks and lock-order inversions. When\n"
    "PROGRAM is built with -fsanitize=thread, its ThreadSanitizer reports are collected\n"
    "too (TSAN_OPTIONS gets log_path; your other options are kept).\n"
    "\n"
    "options:\n"
    "      --db PATH      store (default " RC_DEFAULT_DB ")\n"
    "      --keep-logs    keep the raw logs under <store dir>/logs/\n"
    "      --trace        record every call (the default records a summary: lock\n"
    "                     patterns, counters, misuse; the same findings, a log that\n"
    "                     does not grow with lock operations) and keep every event\n"
    "                     in the store for the timeline (racecheck report --format trace)\n"
    "      --timeout S    kill the program (its whole process group) after S seconds;\n"
    "                     what it logged until then is kept\n"
    "      --deadlock-timeout S\n"
    "                     watch for deadlocks: when threads blocked in lock calls wait\n"
    "                     for each other's locks (a wait-for cycle) for S seconds\n"
    "                     (decimals allowed), stop the program with exit status 86 and\n"
    "                     report the cycle (\"deadlock detected\")\n"
    "  -q, --quiet        print findings only, no runtime summary\n"
    "  -h, --help         this help\n"
    "\n"
    "PROGRAM must be dynamically linked and not setuid/setgid: the dynamic loader\n"
    "ignores LD_PRELOAD otherwise, and racecheck refuses to run it.\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error or PROGRAM not found,\n"
    "             3 PROGRAM cannot be preloaded, or a log or the store failed.\n"
    "PROGRAM's own exit status is printed and stored with the run.\n";

int rc_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},
        {"keep-logs", no_argument, NULL, 'K'},
        {"trace", no_argument, NULL, 'T'},
        {"timeout", required_argument, NULL, 't'},
        {"deadlock-timeout", required_argument, NULL, 'd'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB;
    rc_run_req_t req = {0};
    int quiet = 0, c;
    optind = 1;
    /* "+": stop at the first non-option, the program. */
    while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
            break;
        case 'K':
            req.keep_logs = 1;
            break;
        case 'T':
            req.trace = 1;
            break;
        case 't': {
            char *end;
            long t = strtol(optarg, &end, 10);
            if (*end || t < 1) {
                rc_cli_error("--timeout takes a number of seconds, not '%s'", optarg);
                return RC_EXIT_USAGE;
            }
            req.timeout = (int)t;
            break;
        }
        case 'd': {
            char *end;
            double t = strtod(optarg, &end);
            if (*end || !(t >= 0.001 && t <= 86400)) {
                rc_cli_error("--deadlock-timeout takes a number of seconds, not '%s'", optarg);
                return RC_EXIT_USAGE;
            }
            req.deadlock_timeout = t;
            break;
        }
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
        rc_cli_error("run needs a program: racecheck run -- PROGRAM [ARGS...]");
        return RC_EXIT_USAGE;
    }
    char **prog_argv = argv + optind;
    rc_error_t err;
    rc_error_clear(&err);
    rc_program_info_t info;
    /* A missing program is a usage error, before any store is touched. */
    if (rc_program_inspect(prog_argv[0], &info, &err) == RC_ENOENT) {
        rc_cli_error("%s", err.msg);
        free(info.path);
        return RC_EXIT_USAGE;
    }
    free(info.path);
    rc_store_t *st = NULL;
    int exit_code = RC_EXIT_FAILURE;
    rc_run_result_t res;
    if (rc_store_open(db, &st, &err) != RC_OK ||
        rc_cli_run_program(st, db, prog_argv, &req, &res, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        goto out;
    }
    if (!res.started)
        rc_cli_error("could not start '%s'", prog_argv[0]);
    else if (res.deadlocked)
        rc_cli_error("deadlock detected: '%s' was stopped by the deadlock watchdog after its "
                     "threads waited for each other's locks for %g s (exit status %d)",
                     prog_argv[0], req.deadlock_timeout, res.exit_code);
    else if (res.timed_out)
        rc_cli_error("'%s' ran longer than %d s and was killed; recording what it logged",
                     prog_argv[0], req.timeout);
    else if (res.signal)
        rc_cli_error("'%s' was killed by signal %d (%s); recording what it logged", prog_argv[0],
                     res.signal, strsignal(res.signal));
    else if (res.exit_code != 0 && !quiet)
        rc_cli_error("'%s' exited with status %d", prog_argv[0], res.exit_code);
    if (res.stats.processes == 0 && res.started && !res.failed_logs)
        rc_cli_error("warning: no shim log was written; was '%s' run through another loader?",
                     prog_argv[0]);
    if (res.stats.torn)
        rc_cli_error("warning: %zu records were cut off (the program died mid-write)",
                     res.stats.torn);
    if (res.stats.unstarted)
        rc_cli_error("note: %zu process%s ended before %s recorder started: nothing was "
                     "recorded for %s",
                     res.stats.unstarted, res.stats.unstarted == 1 ? "" : "es",
                     res.stats.unstarted == 1 ? "its" : "their",
                     res.stats.unstarted == 1 ? "it" : "them");
    if (res.stats.dropped)
        rc_cli_error("warning: %llu events were dropped because the log was full "
                     "(raise RACECHECK_LOG_MB)",
                     (unsigned long long)res.stats.dropped);
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_report_opts_t ropts = {.format = RC_FORMAT_TEXT,
                              .catalogue = cat,
                              .out = stdout,
                              .color = isatty(1),
                              .summary = !quiet,
                              .run_id = res.run_id};
    size_t nfindings = 0;
    int rc = rc_report_render(st, &ropts, &nfindings, &err);
    rc_catalogue_free(cat);
    if (rc) {
        rc_cli_error("%s", err.msg);
        goto out;
    }
    exit_code = res.failed_logs ? RC_EXIT_FAILURE : nfindings ? RC_EXIT_FINDINGS : RC_EXIT_OK;
out:
    rc_store_close(st);
    return exit_code;
}
