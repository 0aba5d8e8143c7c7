/*
 * run.c - running a program under the shim (and collecting its TSan logs),
 * shared by `racecheck run` and `racecheck audit`.
 *
 * Logs go to <store dir>/logs/run-<id>/: rc-<pid>.log per process (the shim)
 * and tsan.<pid> (TSan). They are removed after a successful ingestion unless
 * req->keep_logs.
 *
 * Options reach the shim through its environment:
 *
 *   variable                     set when            meaning
 *   LD_PRELOAD                   always              the shim, after any earlier entries
 *   RACECHECK_LOG_DIR            always              where the logs go
 *   RACECHECK_TRACE=1            req->trace          record every call (else the shim's
 *                                                    summary mode, see eventlog.h)
 *   RACECHECK_DEADLOCK_TIMEOUT   req->deadlock_...   seconds a wait-for cycle must last
 *                                                    before the watchdog stops the program
 *                                                    with exit status RC_DEADLOCK_EXIT (86)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../runtime-shim/eventlog.h"

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

static void set_env(const char *shim, const char *logdir, int tsan, int trace,
                    double deadlock_timeout)
{
    if (trace)
        setenv("RACECHECK_TRACE", "1", 1);
    if (deadlock_timeout > 0) {
        char v[32];
        snprintf(v, sizeof v, "%.3f", deadlock_timeout);
        setenv("RACECHECK_DEADLOCK_TIMEOUT", v, 1);
    }
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

/* Runs the program in its own process group and returns its wait status,
 * or -1 if it could not start. With TIMEOUT > 0 seconds, the group is
 * killed (SIGKILL) when the time is up and *timed_out is set. */
static int spawn(const char *path, char **argv, const rc_run_req_t *req, const char *shim,
                 const char *logdir, int tsan, int *timed_out)
{
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    fflush(NULL);
    *timed_out = 0;
    pid_t pid = fork();
    if (pid == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        if (req->timeout > 0)
            setpgid(0, 0);
        if (req->quiet_program) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, 1);
                close(fd);
            }
        }
        set_env(shim, logdir, tsan, req->trace, req->deadlock_timeout);
        execv(path, argv);
        fprintf(stderr, "racecheck: cannot execute '%s': %s\n", path, strerror(errno));
        _exit(127);
    }
    int status = -1;
    if (pid > 0 && req->timeout <= 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    } else if (pid > 0) {
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
            pid_t got = waitpid(pid, &status, WNOHANG);
            if (got == pid || (got < 0 && errno != EINTR))
                break;
            clock_gettime(CLOCK_MONOTONIC, &now);
            /* In nanoseconds: whole seconds alone would end a 1 s run as
             * soon as the clock's second ticks over, possibly at once. */
            int64_t ran =
                (int64_t)(now.tv_sec - start.tv_sec) * 1000000000 + (now.tv_nsec - start.tv_nsec);
            if (ran >= (int64_t)req->timeout * 1000000000) {
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                *timed_out = 1;
                while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                    ;
                break;
            }
            struct timespec nap = {0, 10 * 1000 * 1000};
            nanosleep(&nap, NULL);
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return pid > 0 ? status : -1;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether the shim log at PATH says its watchdog stopped the process. */
static int log_deadlocked(const char *path)
{
    rc_log_header_t h;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = pread(fd, &h, sizeof h, 0);
    close(fd);
    return n == (ssize_t)sizeof h && memcmp(h.magic, RC_LOG_MAGIC, sizeof h.magic) == 0 &&
           (h.flags & RC_LOG_F_DEADLOCK) != 0;
}

/* Ingests every log in LOGDIR. Returns the number of logs that failed;
 * *deadlocked is set when a log says the watchdog stopped its process. */
static int ingest_all(rc_store_t *st, int64_t run_id, const char *logdir, int keep,
                      rc_ingest_stats_t *stats, int *deadlocked)
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
    rc_sort(names, n, sizeof *names, cmp_names);
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
        else if (!is_maps) {
            *deadlocked |= log_deadlocked(path);
            rc = rc_store_ingest_shim_log(st, run_id, path, stats, &err);
        }
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

int rc_cli_run_program(rc_store_t *st, const char *db, char **argv, const rc_run_req_t *req,
                       rc_run_result_t *res, rc_error_t *err)
{
    memset(res, 0, sizeof *res);
    res->exit_code = -1;
    rc_program_info_t info;
    int rc = rc_program_inspect(argv[0], &info, err);
    if (rc) {
        free(info.path);
        return rc;
    }
    if (info.is_elf && !info.is_dynamic) {
        rc = rc_error_set(err, RC_EUNSUPPORTED,
                          "'%s' is statically linked: the dynamic loader ignores LD_PRELOAD, so "
                          "nothing could be recorded. Link it dynamically (drop -static) to run "
                          "it under racecheck.",
                          info.path);
        free(info.path);
        return rc;
    }
    if (info.is_setid) {
        rc = rc_error_set(err, RC_EUNSUPPORTED,
                          "'%s' is setuid/setgid: the dynamic loader ignores LD_PRELOAD paths for "
                          "it, so nothing could be recorded. Run a copy without the "
                          "setuid/setgid bit.",
                          info.path);
        free(info.path);
        return rc;
    }
    char *shim = rc_cli_shim_path();
    char shim_abs[PATH_MAX];
    if (!shim || !realpath(shim, shim_abs)) {
        rc = rc_error_set(err, RC_EUNSUPPORTED,
                          "libracecheck-shim.so not found next to racecheck; set RACECHECK_SHIM");
        free(shim);
        free(info.path);
        return rc;
    }
    free(shim);
    res->tsan = info.has_tsan;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    int n = 0;
    while (argv[n])
        n++;
    char *command = rc_cli_join_args(argv[0], n - 1, argv + 1);
    rc = rc_store_run_begin(st, RC_RUN_SHIM, command, cwd, &res->run_id, err);
    free(command);
    if (rc) {
        free(info.path);
        return rc;
    }
    char *store_dir = dir_of(db);
    char *logdir_rel = rc_xasprintf("%s/logs/run-%lld", store_dir, (long long)res->run_id);
    free(store_dir);
    char logdir[PATH_MAX];
    if (mkdir_p(logdir_rel) != 0 || !realpath(logdir_rel, logdir)) {
        rc = rc_error_set(err, RC_EIO, "cannot create log directory '%s': %s", logdir_rel,
                          strerror(errno));
        free(logdir_rel);
        free(info.path);
        return rc;
    }
    free(logdir_rel);
    rc_store_keep_events(st, req->trace);
    int status = spawn(info.path, argv, req, shim_abs, logdir, info.has_tsan, &res->timed_out);
    res->started = status >= 0;
    res->exit_code = status < 0            ? -1
                     : WIFEXITED(status)   ? WEXITSTATUS(status)
                     : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                           : -1;
    res->signal = status >= 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    res->failed_logs =
        ingest_all(st, res->run_id, logdir, req->keep_logs, &res->stats, &res->deadlocked);
    rc = rc_store_run_end(st, res->run_id, res->exit_code, err);
    free(info.path);
    return rc;
}
