/*
 * cmd_run.c - `racecheck run -- PROGRAM ARGS`: runs a program with the shim
 * preloaded (and ThreadSanitizer's log redirected when the program is
 * instrumented), then ingests every log it left into the store as one run.
 *
 * Logs go to <store dir>/logs/run-<id>/: rc-<pid>.log per process (the shim)
 * and tsan.<pid> (TSan). They are removed after a successful ingestion unless
 * --keep-logs is given.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

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
    "      --trace        keep every event in the store for the timeline\n"
    "                     (racecheck report --format trace)\n"
    "  -q, --quiet        print findings only, no runtime summary\n"
    "  -h, --help         this help\n"
    "\n"
    "PROGRAM must be dynamically linked and not setuid/setgid: the dynamic loader\n"
    "ignores LD_PRELOAD otherwise, and racecheck refuses to run it.\n"
    "\n"
    "exit status: 0 no findings, 1 findings, 2 usage error or PROGRAM not found,\n"
    "             3 PROGRAM cannot be preloaded, or a log or the store failed.\n"
    "PROGRAM's own exit status is printed and stored with the run.\n";

static int mkdir_p(const char *path)
{
    char *p = rc_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0777);
            *s = '/';
        }
    }
    int rc = mkdir(p, 0777) == 0 || errno == EEXIST ? 0 : -1;
    free(p);
    return rc;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return rc_xstrdup(".");
    return rc_xasprintf("%.*s", (int)(slash - path), path);
}

static void set_env(const char *shim, const char *logdir, int tsan, int trace)
{
    if (trace)
        setenv("RACECHECK_TRACE", "1", 1);
    const char *old = getenv("LD_PRELOAD");
    char *preload = old && *old ? rc_xasprintf("%s:%s", old, shim) : rc_xstrdup(shim);
    setenv("LD_PRELOAD", preload, 1);
    free(preload);
    setenv("RACECHECK_LOG_DIR", logdir, 1);
    if (tsan) {
        const char *topts = getenv("TSAN_OPTIONS");
        char *v = rc_xasprintf("%s%slog_path=%s/tsan", topts ? topts : "",
                               topts && *topts ? " " : "", logdir);
        setenv("TSAN_OPTIONS", v, 1);
        free(v);
    }
}

/* Runs the program and returns its wait status, or -1 if it could not start. */
static int spawn(const char *path, char **argv, const char *shim, const char *logdir, int tsan,
                 int trace)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        set_env(shim, logdir, tsan, trace);
        execv(path, argv);
        fprintf(stderr, "racecheck: cannot execute '%s': %s\n", path, strerror(errno));
        _exit(127);
    }
    int status = -1;
    if (pid > 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return pid > 0 ? status : -1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Ingests every log in LOGDIR. Returns the number of logs that failed. */
static int ingest_all(rc_store_t *st, int64_t run_id, const char *logdir, int keep,
                      rc_ingest_stats_t *stats)
{
    DIR *d = opendir(logdir);
    if (!d)
        return 1;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "rc-", 3) == 0 || strncmp(de->d_name, "tsan.", 5) == 0) {
            names = rc_xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = rc_xstrdup(de->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_names);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        int is_maps = len > 5 && strcmp(names[i] + len - 5, ".maps") == 0;
        char *path = rc_xasprintf("%s/%s", logdir, names[i]);
        rc_error_t err;
        rc_error_clear(&err);
        int rc = RC_OK;
        if (strncmp(names[i], "tsan.", 5) == 0)
            rc = rc_store_ingest_tsan_log(st, run_id, path, stats, &err);
        else if (!is_maps)
            rc = rc_store_ingest_shim_log(st, run_id, path, stats, &err);
        if (rc) {
            rc_cli_error("%s", err.msg);
            failed++;
        }
        free(path);
    }
    if (!keep && !failed) {
        for (size_t i = 0; i < n; i++) {
            char *path = rc_xasprintf("%s/%s", logdir, names[i]);
            unlink(path);
            free(path);
        }
        rmdir(logdir);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return failed;
}

int rc_cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'}, {"keep-logs", no_argument, NULL, 'K'},
        {"trace", no_argument, NULL, 'T'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0},
    };
    const char *db = RC_DEFAULT_DB;
    int keep = 0, quiet = 0, trace = 0, c;
    optind = 1;
    /* "+": stop at the first non-option, the program. */
    while ((c = getopt_long(argc, argv, "+qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
            break;
        case 'K':
            keep = 1;
            break;
        case 'T':
            trace = 1;
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
        rc_cli_error("run needs a program: racecheck run -- PROGRAM [ARGS...]");
        return RC_EXIT_USAGE;
    }
    char **prog_argv = argv + optind;
    rc_error_t err;
    rc_error_clear(&err);
    rc_program_info_t info;
    int rc = rc_program_inspect(prog_argv[0], &info, &err);
    if (rc) {
        rc_cli_error("%s", err.msg);
        free(info.path);
        return rc == RC_ENOENT ? RC_EXIT_USAGE : RC_EXIT_FAILURE;
    }
    if (info.is_elf && !info.is_dynamic) {
        rc_cli_error("'%s' is statically linked: the dynamic loader ignores LD_PRELOAD, so "
                     "nothing could be recorded. Link it dynamically (drop -static) to run it "
                     "under racecheck.",
                     info.path);
        free(info.path);
        return RC_EXIT_FAILURE;
    }
    if (info.is_setid) {
        rc_cli_error("'%s' is setuid/setgid: the dynamic loader ignores LD_PRELOAD paths for "
                     "it, so nothing could be recorded. Run a copy without the setuid/setgid "
                     "bit.",
                     info.path);
        free(info.path);
        return RC_EXIT_FAILURE;
    }
    char *shim = rc_cli_shim_path();
    if (!shim) {
        rc_cli_error("libracecheck-shim.so not found next to racecheck; set RACECHECK_SHIM");
        free(info.path);
        return RC_EXIT_FAILURE;
    }
    char shim_abs[PATH_MAX];
    if (!realpath(shim, shim_abs)) {
        rc_cli_error("shim '%s' not found: %s", shim, strerror(errno));
        free(shim);
        free(info.path);
        return RC_EXIT_FAILURE;
    }

    rc_store_t *st = NULL;
    int64_t run_id = 0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    char *command = rc_cli_join_args(prog_argv[0], argc - optind - 1, prog_argv + 1);
    int exit_code = RC_EXIT_FAILURE;
    rc = rc_store_open(db, &st, &err);
    if (rc == RC_OK)
        rc = rc_store_run_begin(st, RC_RUN_SHIM, command, cwd, &run_id, &err);
    if (rc) {
        rc_cli_error("%s", err.msg);
        goto out;
    }
    char *store_dir = dir_of(db);
    char *logdir_rel = rc_xasprintf("%s/logs/run-%lld", store_dir, (long long)run_id);
    free(store_dir);
    char logdir[PATH_MAX];
    if (mkdir_p(logdir_rel) != 0 || !realpath(logdir_rel, logdir)) {
        rc_cli_error("cannot create log directory '%s': %s", logdir_rel, strerror(errno));
        free(logdir_rel);
        goto out;
    }
    free(logdir_rel);

    rc_store_keep_events(st, trace);
    int status = spawn(info.path, prog_argv, shim_abs, logdir, info.has_tsan, trace);
    int code = status < 0            ? -1
               : WIFEXITED(status)   ? WEXITSTATUS(status)
               : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                     : -1;
    if (status < 0)
        rc_cli_error("could not start '%s': %s", info.path, strerror(errno));
    else if (WIFSIGNALED(status))
        rc_cli_error("'%s' was killed by signal %d (%s); recording what it logged", prog_argv[0],
                     WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (code != 0 && !quiet)
        rc_cli_error("'%s' exited with status %d", prog_argv[0], code);

    rc_ingest_stats_t stats = {0};
    int failed = ingest_all(st, run_id, logdir, keep, &stats);
    rc = rc_store_run_end(st, run_id, code, &err);
    if (rc) {
        rc_cli_error("%s", err.msg);
        goto out;
    }
    if (stats.processes == 0 && status >= 0 && !failed)
        rc_cli_error("warning: no shim log was written; was '%s' run through another loader?",
                     prog_argv[0]);
    if (stats.torn)
        rc_cli_error("warning: %zu records were cut off (the program died mid-write)", stats.torn);
    if (stats.dropped)
        rc_cli_error("warning: %llu events were dropped because the log was full "
                     "(raise RACECHECK_LOG_MB)",
                     (unsigned long long)stats.dropped);
    rc_catalogue_t *cat = rc_cli_catalogue();
    rc_report_opts_t ropts = {.format = RC_FORMAT_TEXT,
                              .catalogue = cat,
                              .out = stdout,
                              .color = isatty(1),
                              .summary = !quiet,
                              .run_id = run_id};
    size_t nfindings = 0;
    rc = rc_report_render(st, &ropts, &nfindings, &err);
    rc_catalogue_free(cat);
    if (rc) {
        rc_cli_error("%s", err.msg);
        goto out;
    }
    exit_code = failed ? RC_EXIT_FAILURE : nfindings ? RC_EXIT_FINDINGS : RC_EXIT_OK;
out:
    rc_store_close(st);
    free(command);
    free(shim);
    free(info.path);
    return exit_code;
}
