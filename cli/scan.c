/*
 * scan.c - the static scan shared by `racecheck scan` and `racecheck check`:
 * builds the list of translation units (compile database and/or named
 * files), shards it, runs the analyzer, reports TUs that failed to parse,
 * adds invalid-suppression findings of the scanned files, and stores the
 * result as one static run.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "cli.h"

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

static void push_job(rc_tu_jobs_t *out, rc_tu_job_t *job)
{
    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 8;
        out->v = rc_xrealloc(out->v, out->cap * sizeof *out->v);
    }
    out->v[out->n++] = *job;
    memset(job, 0, sizeof *job); /* moved */
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
            if (!all->v[j].file)
                continue;
            char *cand = realpath(all->v[j].file, NULL);
            if (cand && strcmp(cand, abs) == 0) {
                push_job(out, &all->v[j]);
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

static int build_jobs(const rc_scan_req_t *req, rc_tu_jobs_t *jobs, rc_error_t *err)
{
    const char *const *extra = (const char *const *)req->extra;
    if (req->build_dir) {
        rc_tu_jobs_t all = {0};
        int rc = rc_compdb_load(req->build_dir, &all, err);
        if (rc) {
            rc_tu_jobs_close(&all);
            return rc;
        }
        if (req->nfiles) {
            select_files(&all, req->files, req->nfiles, extra, req->nextra, jobs);
            rc_tu_jobs_close(&all);
        } else {
            *jobs = all;
        }
        for (size_t i = 0; req->nextra && i < jobs->n; i++) {
            rc_tu_job_t *j = &jobs->v[i];
            j->argv = rc_xrealloc(j->argv, (size_t)(j->argc + req->nextra + 1) * sizeof *j->argv);
            for (int k = 0; k < req->nextra; k++)
                j->argv[j->argc++] = rc_xstrdup(req->extra[k]);
            j->argv[j->argc] = NULL;
        }
        return RC_OK;
    }
    for (int i = 0; i < req->nfiles; i++) {
        if (access(req->files[i], R_OK) != 0)
            return rc_error_set(err, RC_ENOENT, "cannot read '%s'", req->files[i]);
        rc_tu_jobs_add_file(jobs, req->files[i], extra, req->nextra);
    }
    return RC_OK;
}

/* Drops excluded files and, with --shard K/N, the TUs of other shards (by
 * position in path order, so every shard agrees on the split). */
static int cmp_job(const void *a, const void *b)
{
    const rc_tu_job_t *x = a, *y = b;
    return strcmp(x->file ? x->file : "", y->file ? y->file : "");
}

static void filter_jobs(const rc_scan_req_t *req, rc_tu_jobs_t *jobs)
{
    qsort(jobs->v, jobs->n, sizeof *jobs->v, cmp_job);
    rc_tu_jobs_t kept = {0};
    for (size_t i = 0; i < jobs->n; i++) {
        int keep = !(req->policy && rc_policy_excludes_path(req->policy, jobs->v[i].file));
        if (req->shard_count > 0 && (int)(i % (size_t)req->shard_count) != req->shard_index - 1)
            keep = 0;
        if (keep)
            push_job(&kept, &jobs->v[i]);
    }
    rc_tu_jobs_close(jobs);
    *jobs = kept;
}

int rc_cli_scan(const rc_scan_req_t *req, rc_store_t *st, rc_findings_t *found, size_t *ntus,
                int *failed, rc_error_t *err)
{
    rc_tu_jobs_t jobs = {0};
    *failed = 0;
    *ntus = 0;
    int rc = build_jobs(req, &jobs, err);
    if (rc) {
        rc_tu_jobs_close(&jobs);
        return rc;
    }
    filter_jobs(req, &jobs);
    char *rules_dir = rc_cli_rules_dir();
    progress_t prog = {.enabled = !req->quiet && isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    rc_analyzer_opts_t opts = {.rules_dir = rules_dir,
                               .jobs = req->jobs,
                               .progress = show_progress,
                               .progress_ud = &prog,
                               .extra_models = req->models,
                               .nextra_models = req->nmodels};
    rc_analyzer_t *an = NULL;
    rc_tu_status_t *status = rc_xcalloc(jobs.n ? jobs.n : 1, sizeof *status);
    int64_t run_id = 0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    rc = rc_analyzer_new(&opts, &an, err);
    if (rc == RC_OK)
        rc = rc_store_run_begin(st, RC_RUN_STATIC, req->command, cwd, &run_id, err);
    if (rc == RC_OK)
        rc = rc_analyzer_scan(an, &jobs, status, err);
    if (rc == RC_OK) {
        for (size_t i = 0; i < jobs.n; i++) {
            if (!status[i].ok) {
                (*failed)++;
                fprintf(stderr, "%s", status[i].message ? status[i].message : "");
                rc_cli_error("%s: translation unit failed to parse; its code was not analysed",
                             jobs.v[i].file);
            }
        }
        rc = rc_analyzer_check(an, found, err);
    }
    if (rc == RC_OK && req->policy)
        for (size_t i = 0; i < jobs.n; i++)
            if (status[i].ok)
                rc_policy_check_suppressions(req->policy, jobs.v[i].file, found);
    if (rc == RC_OK)
        rc = rc_store_add_findings(st, run_id, found, err);
    if (rc == RC_OK)
        rc = rc_store_run_end(st, run_id, *failed, err);
    *ntus = jobs.n;
    for (size_t i = 0; i < jobs.n; i++)
        rc_tu_status_close(&status[i]);
    free(status);
    rc_analyzer_free(an);
    rc_tu_jobs_close(&jobs);
    free(rules_dir);
    return rc;
}

int rc_cli_scan_with_config(const char *db, rc_scan_req_t *req, const rc_config_t *cfg,
                            rc_policy_t *policy, const char **extra, rc_store_t **st,
                            rc_findings_t *found, size_t *ntus, int *failed)
{
    if (!req->build_dir)
        req->build_dir = cfg->build_dir;
    if (!req->build_dir && req->nfiles == 0) {
        rc_cli_error("give source files, -p BUILD_DIR, or build_dir in .racecheck.json");
        return RC_EXIT_USAGE;
    }
    for (size_t i = 0; i < cfg->nextra_args; i++)
        extra[req->nextra++] = cfg->extra_args[i];
    req->extra = extra;
    req->policy = policy;
    req->models = (const char *const *)cfg->api_models;
    req->nmodels = cfg->napi_models;
    rc_error_t err;
    rc_error_clear(&err);
    /* The store first: a foreign or corrupt store should stop us before
     * minutes of parsing. */
    if (rc_store_open(db, st, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    int rc = rc_cli_scan(req, *st, found, ntus, failed, &err);
    if (rc) {
        rc_cli_error("%s", err.msg);
        return rc == RC_ENOENT ? RC_EXIT_USAGE : RC_EXIT_FAILURE;
    }
    return RC_EXIT_OK;
}

rc_catalogue_t *rc_cli_catalogue(void)
{
    char *dir = rc_cli_rules_dir();
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    if (rc_catalogue_load(dir, &cat, &err) != RC_OK)
        rc_cli_error("warning: %s", err.msg);
    free(dir);
    return cat;
}

int rc_cli_write_atomic(const char *path, int (*write)(FILE *out, void *ud), void *ud,
                        rc_error_t *err)
{
    char *tmp = rc_xasprintf("%s.tmp.%d", path, (int)getpid());
    FILE *out = fopen(tmp, "w");
    if (!out) {
        int rc = rc_error_set(err, RC_EIO, "cannot write '%s'", tmp);
        free(tmp);
        return rc;
    }
    int rc = write(out, ud);
    if (fclose(out) != 0 && rc == RC_OK)
        rc = rc_error_set(err, RC_EIO, "cannot write '%s'", tmp);
    if (rc == RC_OK && rename(tmp, path) != 0)
        rc = rc_error_set(err, RC_EIO, "cannot rename '%s' to '%s'", tmp, path);
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}
