/*
 * scan.c - the static scan shared by `racecheck scan` and `racecheck check`:
 * builds the list of translation units (compile database and/or named
 * files), shards it, runs the analyzer, reports TUs that failed to parse,
 * adds invalid-suppression findings of the scanned files, and stores the
 * result as one static run, with the facts of every TU: the next scan parses
 * only the TUs whose files or flags changed. Also the link of sharded scans
 * (rc_cli_link), which analyses the union of their saved facts.
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
    rc_sort(jobs->v, jobs->n, sizeof *jobs->v, cmp_job);
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

static void saved_free(rc_tu_saved_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_tu_saved_close(&v[i]);
    free(v);
}

/* Saves the facts of every TU the analyzer holds as covered by run_id. */
static int save_tus(const rc_analyzer_t *an, rc_store_t *st, int64_t run_id, rc_error_t *err)
{
    size_t n = rc_analyzer_ntus(an);
    rc_tu_saved_t *v = rc_xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        rc_analyzer_save(an, i, &v[i]);
    int rc = rc_store_save_tus(st, run_id, v, n, err);
    saved_free(v, n);
    return rc;
}

static int save_programs(const rc_analyzer_t *an, rc_store_t *st, int64_t run_id, rc_error_t *err)
{
    const rc_program_models_t *v;
    size_t n = rc_analyzer_programs(an, &v);
    return rc_store_save_programs(st, run_id, v, n, err);
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
    rc_tu_saved_t *saved = NULL;
    size_t nsaved = 0;
    if (!req->no_cache) {
        /* Only the rows of the TUs this scan has: a store may hold many more. */
        const char **files = rc_xcalloc(jobs.n ? jobs.n : 1, sizeof *files);
        size_t nfiles = 0;
        for (size_t i = 0; i < jobs.n; i++) /* sorted by path: a file built twice is adjacent */
            if (jobs.v[i].file && (!nfiles || strcmp(files[nfiles - 1], jobs.v[i].file) != 0))
                files[nfiles++] = jobs.v[i].file;
        rc = rc_store_load_tus_of(st, files, nfiles, &saved, &nsaved, err);
        free(files);
        if (rc) {
            rc_tu_jobs_close(&jobs);
            return rc;
        }
    }
    char *rules_dir = rc_cli_rules_dir();
    progress_t prog = {.enabled = !req->quiet && isatty(2)};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    rc_analyzer_opts_t opts = {.rules_dir = rules_dir,
                               .jobs = req->jobs,
                               .progress = show_progress,
                               .progress_ud = &prog,
                               .extra_models = req->models,
                               .nextra_models = req->nmodels,
                               .saved = saved,
                               .nsaved = nsaved};
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
        rc = save_tus(an, st, run_id, err);
    if (rc == RC_OK)
        rc = save_programs(an, st, run_id, err);
    if (rc == RC_OK)
        rc = rc_store_run_end(st, run_id, *failed, err);
    if (rc == RC_OK && req->stats)
        rc_analyzer_stats(an, req->stats);
    *ntus = jobs.n;
    for (size_t i = 0; i < jobs.n; i++)
        rc_tu_status_close(&status[i]);
    free(status);
    rc_analyzer_free(an);
    saved_free(saved, nsaved);
    rc_tu_jobs_close(&jobs);
    free(rules_dir);
    return rc;
}

/* The suppress.invalid findings of a run (they come from reading sources, not
 * from facts, so a link carries them over from the runs it replaces). */
static int carry_suppress_findings(rc_store_t *st, int64_t run, rc_findings_t *out, rc_error_t *err)
{
    rc_findings_t fs = {0};
    int rc = rc_store_run_findings(st, run, &fs, err);
    for (size_t i = 0; rc == RC_OK && i < fs.n; i++) {
        if (strcmp(fs.v[i].rule, "suppress.invalid") == 0 && (fs.v[i].source & RC_SRC_STATIC)) {
            rc_finding_t *f = rc_findings_push(out);
            *f = fs.v[i];
            f->source = RC_SRC_STATIC;
            memset(&fs.v[i], 0, sizeof fs.v[i]);
        }
    }
    rc_findings_close(&fs);
    return rc;
}

int rc_cli_link(rc_store_t *st, rc_cli_link_result_t *res, rc_error_t *err)
{
    memset(res, 0, sizeof *res);
    int64_t *runs = NULL;
    size_t nruns = 0;
    int rc = rc_store_linkable_runs(st, &runs, &nruns, err);
    if (rc || nruns < 2) {
        free(runs);
        return rc;
    }
    rc_tu_saved_t *saved = NULL;
    size_t nsaved = 0;
    rc = rc_store_load_tus(st, runs, nruns, &saved, &nsaved, err);
    rc_tu_jobs_t jobs = {0};
    jobs.v = rc_xcalloc(nsaved ? nsaved : 1, sizeof *jobs.v);
    for (size_t i = 0; i < nsaved; i++)
        rc_tu_job_copy(&saved[i].job, &jobs.v[jobs.n++]);
    char *rules_dir = rc_cli_rules_dir();
    rc_analyzer_opts_t opts = {.rules_dir = rules_dir,
                               .jobs = (int)sysconf(_SC_NPROCESSORS_ONLN),
                               .saved = saved,
                               .nsaved = nsaved,
                               .trust_saved = 1};
    rc_analyzer_t *an = NULL;
    rc_tu_status_t *status = rc_xcalloc(jobs.n ? jobs.n : 1, sizeof *status);
    rc_findings_t found = {0};
    int64_t link = 0;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        strcpy(cwd, ".");
    char *command =
        rc_xasprintf("merge: link of %zu translation units from %zu scans", nsaved, nruns);
    if (rc == RC_OK)
        rc = rc_analyzer_new(&opts, &an, err);
    if (rc == RC_OK)
        rc = rc_analyzer_scan(an, &jobs, status, err);
    if (rc == RC_OK)
        rc = rc_analyzer_check(an, &found, err);
    for (size_t i = 0; rc == RC_OK && i < nruns; i++)
        rc = carry_suppress_findings(st, runs[i], &found, err);
    if (rc == RC_OK)
        rc = rc_store_run_begin(st, RC_RUN_STATIC, command, cwd, &link, err);
    if (rc == RC_OK)
        rc = rc_store_add_findings(st, link, &found, err);
    if (rc == RC_OK)
        rc = save_tus(an, st, link, err);
    if (rc == RC_OK)
        rc = save_programs(an, st, link, err);
    if (rc == RC_OK)
        rc = rc_store_run_end(st, link, 0, err);
    if (rc == RC_OK)
        rc = rc_store_supersede(st, runs, nruns, link, err);
    if (rc == RC_OK) {
        rc_scan_stats_t stats;
        rc_analyzer_stats(an, &stats);
        res->runs = nruns;
        res->tus = rc_analyzer_ntus(an);
        res->findings = found.n;
        res->stale = stats.stale;
        res->parsed = stats.parsed;
    }
    for (size_t i = 0; i < jobs.n; i++)
        rc_tu_status_close(&status[i]);
    free(status);
    free(command);
    rc_findings_close(&found);
    rc_analyzer_free(an);
    free(rules_dir);
    rc_tu_jobs_close(&jobs);
    saved_free(saved, nsaved);
    free(runs);
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
