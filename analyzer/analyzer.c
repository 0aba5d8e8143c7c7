/*
 * analyzer.c - the public entry points: create the analyzer (load the API
 * models), scan TUs in parallel into facts, link and run the rules.
 *
 * Threads: rc_analyzer_scan starts opts.jobs workers. Each owns one CXIndex
 * (created one at a time under the scan mutex: index creation is not safe to
 * run concurrently) and pulls job indexes from a shared counter. Facts land in
 * a per-job slot, so the result does not depend on the schedule; the progress
 * callback runs under the mutex.
 *
 * Passes: a TU that calls a locking helper defined in another TU is parsed
 * again once every TU's lock summaries are known (summaries.c), and again while
 * that changes the summaries (helpers of helpers; MAX_SUMMARY_ROUNDS at most);
 * the other TUs are parsed once. A job with saved facts (opts.saved) of the
 * same key whose files hash as they did is decoded instead of parsed; saved
 * facts take part in the passes like parsed ones (each TU's facts record the
 * digest of the summaries they were walked with, rc_imports_digest).
 */
#include "internal.h"
#include "rules/rules.h"

#include <clang-c/Index.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Content hashes of the files TUs read, each file hashed once per analyzer:
 * headers are shared by many TUs, and both checking saved facts (in the scan
 * workers) and saving facts need them. Files are taken not to change during
 * the analyzer's life (one scan). */
struct rc_file_hashes {
    pthread_mutex_t mu;
    rc_strtab_t paths; /* path -> index into h and ok */
    uint64_t *h;
    uint8_t *ok; /* 1: hashed, 2: could not be read */
    size_t cap;
};

int rc_analyzer_new(const rc_analyzer_opts_t *opts, rc_analyzer_t **out, rc_error_t *err)
{
    *out = NULL;
    if (!opts || !opts->rules_dir)
        return rc_error_set(err, RC_EINVAL, "rc_analyzer_new: rules_dir is required");
    rc_analyzer_t *an = rc_xcalloc(1, sizeof *an);
    int rc =
        rc_models_load(opts->rules_dir, opts->extra_models, opts->nextra_models, &an->models, err);
    if (rc) {
        free(an);
        return rc;
    }
    an->jobs = opts->jobs > 0 ? opts->jobs : 1;
    an->progress = opts->progress;
    an->progress_ud = opts->progress_ud;
    an->saved = opts->saved;
    an->nsaved = opts->nsaved;
    an->trust_saved = opts->trust_saved;
    an->hashes = rc_xcalloc(1, sizeof *an->hashes);
    pthread_mutex_init(&an->hashes->mu, NULL);
    /* Facts depend on the analyzer that made them: a rebuilt racecheck has
     * another size, time or inode. */
    struct stat sb;
    an->binary_id = RC_FNV_OFFSET;
    if (stat("/proc/self/exe", &sb) == 0) {
        uint64_t id[3] = {(uint64_t)sb.st_size, (uint64_t)sb.st_mtime, (uint64_t)sb.st_ino};
        an->binary_id = rc_fnv1a(an->binary_id, id, sizeof id);
    }
    *out = an;
    return RC_OK;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return rc_fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 0);
}

/* The job's key: what, besides the files it reads, its facts depend on. */
static char *job_key(const rc_analyzer_t *an, const rc_tu_job_t *job)
{
    uint64_t h = rc_fnv1a(RC_FNV_OFFSET, &an->binary_id, sizeof an->binary_id);
    h = rc_fnv1a(h, &an->models.digest, sizeof an->models.digest);
    h = hash_str(hash_str(h, job->file), job->directory);
    for (int i = 0; i < job->argc; i++)
        h = hash_str(h, job->argv[i]);
    return rc_xasprintf("%016" PRIx64, h);
}

/* rc_hash_file through the analyzer's memo (thread-safe). */
static int file_hash(const rc_analyzer_t *an, const char *path, uint64_t *out)
{
    struct rc_file_hashes *fh = an->hashes;
    pthread_mutex_lock(&fh->mu);
    uint32_t k = rc_strtab_lookup(&fh->paths, path);
    if (k != UINT32_MAX) {
        *out = fh->h[k];
        int ok = fh->ok[k] == 1;
        pthread_mutex_unlock(&fh->mu);
        return ok ? 0 : -1;
    }
    pthread_mutex_unlock(&fh->mu);
    uint64_t h = 0;
    int rc = rc_hash_file(path, &h); /* outside the lock: other workers go on */
    pthread_mutex_lock(&fh->mu);
    k = rc_strtab_intern(&fh->paths, path);
    if (k >= fh->cap) {
        fh->cap = fh->cap ? fh->cap * 2 : 256;
        while (fh->cap <= k)
            fh->cap *= 2;
        fh->h = rc_xrealloc(fh->h, fh->cap * sizeof *fh->h);
        fh->ok = rc_xrealloc(fh->ok, fh->cap);
    }
    fh->h[k] = h;
    fh->ok[k] = rc == 0 ? 1 : 2;
    pthread_mutex_unlock(&fh->mu);
    *out = h;
    return rc;
}

/* 1 when every "<hash> <path>" line of deps still hashes the same. */
static int deps_unchanged(const rc_analyzer_t *an, const char *deps)
{
    const char *p = deps;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n < 18 || p[16] != ' ')
            return 0;
        char *path = rc_xasprintf("%.*s", (int)(n - 17), p + 17);
        uint64_t want = strtoull(p, NULL, 16), have = 0;
        int same = file_hash(an, path, &have) == 0 && have == want;
        free(path);
        if (!same)
            return 0;
        p = nl ? nl + 1 : p + n;
    }
    return deps != NULL;
}

static int same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static int same_job(const rc_tu_job_t *a, const rc_tu_job_t *b)
{
    if (!same_str(a->file, b->file) || !same_str(a->directory, b->directory) || a->argc != b->argc)
        return 0;
    for (int i = 0; i < a->argc; i++)
        if (!same_str(a->argv[i], b->argv[i]))
            return 0;
    return 1;
}

/* The saved entry for a job, or NULL: same file and key; trusted, the same job
 * (facts made elsewhere, by another racecheck build or with other models). */
static const rc_tu_saved_t *saved_for(const rc_analyzer_t *an, const rc_tu_job_t *job)
{
    if (!an->nsaved || !job->file)
        return NULL;
    char *key = job_key(an, job);
    const rc_tu_saved_t *hit = NULL;
    for (size_t i = 0; i < an->nsaved && !hit; i++) {
        const rc_tu_saved_t *sv = &an->saved[i];
        if (!same_str(sv->job.file, job->file))
            continue;
        if (an->trust_saved ? same_job(&sv->job, job) : same_str(sv->key, key))
            hit = sv;
    }
    free(key);
    return hit;
}

size_t rc_analyzer_ntus(const rc_analyzer_t *an)
{
    return an ? an->ntus : 0;
}

void rc_analyzer_save(const rc_analyzer_t *an, size_t i, rc_tu_saved_t *out)
{
    memset(out, 0, sizeof *out);
    const rc_tu_facts_t *tf = &an->tus[i];
    rc_tu_job_copy(&an->tu_jobs[i], &out->job);
    out->key = job_key(an, &an->tu_jobs[i]);
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    for (size_t d = 0; d < tf->ndeps; d++) {
        uint64_t h = 0;
        if (file_hash(an, tf->deps[d], &h) != 0)
            h = 0; /* gone: never equal to a real hash again, in practice */
        rc_strbuf_appendf(&b, "%016" PRIx64 " %s\n", h, tf->deps[d]);
    }
    out->deps = rc_strbuf_take(&b);
    rc_facts_encode(tf, &out->facts, &out->len);
}

void rc_analyzer_stats(const rc_analyzer_t *an, rc_scan_stats_t *out)
{
    *out = an->stats;
}

static void programs_clear(rc_analyzer_t *an)
{
    for (size_t i = 0; i < an->nprograms; i++)
        free(an->programs[i].main_file);
    free(an->programs);
    an->programs = NULL;
    an->nprograms = 0;
}

void rc_analyzer_free(rc_analyzer_t *an)
{
    if (!an)
        return;
    for (size_t i = 0; i < an->ntus; i++) {
        rc_tu_facts_close(&an->tus[i]);
        rc_tu_job_close(&an->tu_jobs[i]);
    }
    free(an->tus);
    free(an->tu_jobs);
    programs_clear(an);
    pthread_mutex_destroy(&an->hashes->mu);
    rc_strtab_close(&an->hashes->paths);
    free(an->hashes->h);
    free(an->hashes->ok);
    free(an->hashes);
    rc_models_close(&an->models);
    free(an);
}

void rc_tu_status_close(rc_tu_status_t *st)
{
    free(st->message);
    st->message = NULL;
    st->ok = 0;
}

#define WORKER_STACK ((size_t)64 << 20)
#define MAX_SUMMARY_ROUNDS 3 /* parses of a TU beyond the first, at most */

typedef struct scan {
    rc_analyzer_t *an;
    const rc_tu_jobs_t *jobs;
    const size_t *todo; /* job indexes to parse */
    size_t ntodo;
    const rc_imports_t *imports;
    rc_tu_status_t *status;
    rc_tu_facts_t *facts;
    const rc_tu_saved_t **saved; /* per job: saved facts to try first, or NULL */
    uint8_t *reused;             /* per job: set when the saved facts were used */
    int report;                  /* call the progress callback */
    pthread_mutex_t mu;
    size_t next, done;
} scan_t;

/* Decodes saved facts when they still hold (files unchanged, or trusted). */
static int reuse(const rc_analyzer_t *an, const rc_tu_saved_t *sv, rc_tu_facts_t *facts)
{
    if (!an->trust_saved && !deps_unchanged(an, sv->deps))
        return 0;
    return rc_facts_decode(sv->facts, sv->len, facts) == RC_OK;
}

static void *scan_worker(void *arg)
{
    scan_t *s = arg;
    pthread_mutex_lock(&s->mu);
    CXIndex idx = clang_createIndex(0, 0);
    pthread_mutex_unlock(&s->mu);
    for (;;) {
        pthread_mutex_lock(&s->mu);
        size_t k = s->next++;
        pthread_mutex_unlock(&s->mu);
        if (k >= s->ntodo)
            break;
        size_t i = s->todo[k];
        if (s->saved && s->saved[i] && reuse(s->an, s->saved[i], &s->facts[i])) {
            s->status[i].ok = 1;
            s->reused[i] = 1;
        } else if (rc_frontend_run(idx, &s->an->models, s->imports, &s->jobs->v[i], &s->facts[i],
                                   &s->status[i]) == RC_OK) {
            s->facts[i].imports_digest = rc_imports_digest(s->imports, &s->facts[i]);
        }
        pthread_mutex_lock(&s->mu);
        s->done++;
        if (s->report && s->an->progress)
            s->an->progress(s->an->progress_ud, s->done, s->ntodo, s->jobs->v[i].file);
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_lock(&s->mu);
    clang_disposeIndex(idx);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Parses the jobs listed in todo with up to an->jobs worker threads. */
static void run_workers(scan_t *s)
{
    pthread_mutex_init(&s->mu, NULL);
    s->next = s->done = 0;
    size_t nw = (size_t)s->an->jobs < s->ntodo ? (size_t)s->an->jobs : s->ntodo;
    pthread_t *tids = rc_xcalloc(nw ? nw : 1, sizeof *tids);
    /* The walk recurses along the AST: generated code (a 10,000-term sum, a long
     * else-if chain) is deep, so workers get more stack than the default. */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, WORKER_STACK);
    size_t started = 0;
    for (; started < nw; started++)
        if (pthread_create(&tids[started], &attr, scan_worker, s) != 0)
            break;
    pthread_attr_destroy(&attr);
    if (started == 0)
        scan_worker(s); /* no thread could start: scan on this one */
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    pthread_mutex_destroy(&s->mu);
}

/* Two passes: every job, then again, with the lock summaries of all TUs, the TUs
 * that call a locking helper defined in another TU (summaries.c). */
int rc_analyzer_scan(rc_analyzer_t *an, const rc_tu_jobs_t *jobs, rc_tu_status_t *status,
                     rc_error_t *err)
{
    if (!an || !jobs || (jobs->n && !status))
        return rc_error_set(err, RC_EINVAL, "rc_analyzer_scan: bad arguments");
    if (jobs->n == 0)
        return RC_OK;
    size_t *todo = rc_xcalloc(jobs->n, sizeof *todo);
    for (size_t i = 0; i < jobs->n; i++)
        todo[i] = i;
    scan_t s = {
        .an = an, .jobs = jobs, .todo = todo, .ntodo = jobs->n, .status = status, .report = 1};
    s.facts = rc_xcalloc(jobs->n, sizeof *s.facts);
    s.saved = rc_xcalloc(jobs->n, sizeof *s.saved);
    s.reused = rc_xcalloc(jobs->n, 1);
    for (size_t i = 0; i < jobs->n; i++)
        s.saved[i] = saved_for(an, &jobs->v[i]);
    run_workers(&s);
    for (size_t i = 0; i < jobs->n; i++) {
        an->stats.reused += s.reused[i];
        an->stats.parsed += !s.reused[i];
    }

    /* Helpers calling helpers of a third TU change summaries again: repeat while
     * the table changes (a few rounds at most). */
    rc_imports_t im = {0};
    rc_imports_add(&im, an->tus, an->ntus);
    rc_imports_add(&im, s.facts, jobs->n); /* failed TUs have no functions */
    for (int round = 0; round < MAX_SUMMARY_ROUNDS; round++) {
        /* The TUs whose facts were walked with other summaries than the table's. */
        size_t nredo = 0;
        for (size_t i = 0; i < jobs->n; i++)
            if (status[i].ok && rc_imports_digest(&im, &s.facts[i]) != s.facts[i].imports_digest)
                todo[nredo++] = i;
        if (!nredo)
            break;
        rc_tu_facts_t *again = rc_xcalloc(jobs->n, sizeof *again);
        rc_tu_status_t *st2 = rc_xcalloc(jobs->n, sizeof *st2);
        scan_t s2 = {.an = an,
                     .jobs = jobs,
                     .todo = todo,
                     .ntodo = nredo,
                     .imports = &im,
                     .status = st2,
                     .facts = again};
        run_workers(&s2);
        for (size_t k = 0; k < nredo; k++) {
            size_t i = todo[k];
            if (st2[i].ok) { /* the same source parsed before; keep the first facts if not */
                rc_tu_facts_close(&s.facts[i]);
                s.facts[i] = again[i];
            } else {
                /* Saved facts whose source no longer parses (or is elsewhere):
                 * keep them, and count them, once. */
                if (s.reused[i] == 1)
                    an->stats.stale++;
                s.reused[i] = 2;
                s.facts[i].imports_digest = rc_imports_digest(&im, &s.facts[i]);
                rc_tu_facts_close(&again[i]);
            }
            rc_tu_status_close(&st2[i]);
        }
        free(again);
        free(st2);
        rc_imports_close(&im);
        rc_imports_add(&im, an->tus, an->ntus);
        rc_imports_add(&im, s.facts, jobs->n);
    }
    rc_imports_close(&im);
    free(todo);
    free(s.saved);
    free(s.reused);

    for (size_t i = 0; i < jobs->n; i++) {
        if (!status[i].ok)
            continue;
        if (an->ntus == an->captus) {
            an->captus = an->captus ? an->captus * 2 : 16;
            an->tus = rc_xrealloc(an->tus, an->captus * sizeof *an->tus);
            an->tu_jobs = rc_xrealloc(an->tu_jobs, an->captus * sizeof *an->tu_jobs);
        }
        rc_tu_job_copy(&jobs->v[i], &an->tu_jobs[an->ntus]);
        an->tus[an->ntus++] = s.facts[i];
    }
    free(s.facts);
    return RC_OK;
}

static int defines_main(const rc_tu_facts_t *tf)
{
    for (size_t i = 0; i < tf->nfns; i++)
        if (strcmp(tf->fns[i].usr, "c:@F@main") == 0)
            return 1;
    return 0;
}

/* Links tus into one program and runs every rule on it. */
/* The concurrency models program p uses (rc_analyzer_programs). */
static unsigned models_of(const rc_program_t *p)
{
    unsigned m = 0;
    for (size_t r = 0; r < p->nroots; r++)
        if (!p->roots[r].is_main)
            m |= RC_MODEL_THREADS;
    for (uint32_t f = 0; f < p->nfns; f++) {
        const rc_fn_facts_t *fn = p->fns[f].f;
        for (size_t i = 0; i < fn->npcalls; i++)
            if (fn->pcalls[i].kind == RC_API_FORK)
                m |= RC_MODEL_PROCESSES;
        if (fn->nsighands)
            m |= RC_MODEL_SIGNALS;
        if (fn->nyields)
            m |= RC_MODEL_COOPERATIVE;
        for (size_t i = 0; i < fn->ncalls; i++)
            if (fn->calls[i].callback)
                m |= RC_MODEL_COOPERATIVE;
    }
    return m;
}

/* Links tus into one program, runs every rule on it and records its models
 * (main_file: the TU defining main, or NULL). */
static int check_program(rc_analyzer_t *an, const rc_tu_facts_t *const *tus, size_t n,
                         const char *main_file, rc_findings_t *out, rc_error_t *err)
{
    rc_program_t p;
    rc_program_build(&p, tus, n);
    int rc = RC_OK;
    for (size_t i = 0; i < rc_static_nrules && !rc; i++)
        rc = rc_static_rules[i].check(&p, out, err);
    if (n) {
        an->programs = rc_xrealloc(an->programs, (an->nprograms + 1) * sizeof *an->programs);
        an->programs[an->nprograms++] = (rc_program_models_t){rc_xstrdup(main_file), models_of(&p)};
    }
    rc_program_close(&p);
    return rc;
}

size_t rc_analyzer_programs(const rc_analyzer_t *an, const rc_program_models_t **out)
{
    *out = an->programs;
    return an->nprograms;
}

/* Marks the TU defining usr as wanted (1) unless it is already wanted or
 * visited (2). */
static void want_usr(const rc_strtab_t *defs, const uint32_t *def_tu, const char *usr, uint8_t *in)
{
    uint32_t k = usr ? rc_strtab_lookup(defs, usr) : UINT32_MAX;
    if (k != UINT32_MAX && !in[def_tu[k]])
        in[def_tu[k]] = 1; /* wanted, not visited yet */
}

/* 1 when TU tf calls a function defined in a TU already selected (in[]): a
 * library that registers its callbacks with the program (a constructor calling
 * the program's register_plugin()) is part of it. */
static int calls_into(const rc_tu_facts_t *tf, const rc_strtab_t *defs, const uint32_t *def_tu,
                      const uint8_t *in)
{
    for (size_t i = 0; i < tf->next; i++) {
        uint32_t k = rc_strtab_lookup(defs, tf->ext_callees[i]);
        if (k != UINT32_MAX && in[def_tu[k]])
            return 1;
    }
    return 0;
}

/* 1 when library TU tf may hold a target of the pointer calls seen so far:
 * it stores a function in a global pointer called through (gvars), or takes
 * the address of a function of a type called through (types) and calls into
 * the program (a TU the program never names nor calls into, such as an
 * LD_PRELOAD library or another program's code in the same compile database,
 * is not linked with it because its functions have a matching type). */
static int holds_target(const rc_tu_facts_t *tf, const rc_strtab_t *types, const rc_strtab_t *gvars,
                        const rc_strtab_t *defs, const uint32_t *def_tu, const uint8_t *in)
{
    for (size_t i = 0; i < tf->ngfp; i++)
        if (rc_strtab_lookup(gvars, tf->gfp_var[i]) != UINT32_MAX)
            return 1;
    if (!calls_into(tf, defs, def_tu, in))
        return 0;
    for (size_t i = 0; i < tf->nesc; i++)
        if (tf->esc_types[i] && rc_strtab_lookup(types, tf->esc_types[i]) != UINT32_MAX)
            return 1;
    for (size_t i = 0; i < tf->nfns; i++)
        for (size_t a = 0; a < tf->fns[i].naddr; a++)
            if (tf->fns[i].addr_types[a] &&
                rc_strtab_lookup(types, tf->fns[i].addr_types[a]) != UINT32_MAX)
                return 1;
    return 0;
}

/* Selects into in[] (nonzero) the TUs the program of main TU m can reach: m,
 * and every TU without main that defines a function selected code calls,
 * starts as a thread, installs as a signal handler or passes on, or that may
 * hold a target of a call through a pointer in selected code (a function of
 * the called type whose address it takes, when it calls into selected code; a
 * global function pointer called through that it assigns), transitively. */
static void reachable_tus(const rc_analyzer_t *an, size_t m, const rc_strtab_t *defs,
                          const uint32_t *def_tu, uint8_t *in)
{
    memset(in, 0, an->ntus);
    in[m] = 1;
    rc_strtab_t types = {0}, gvars = {0};
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t t = 0; t < an->ntus; t++) {
            if (in[t] != 1)
                continue;
            in[t] = 2; /* visited */
            changed = 1;
            const rc_tu_facts_t *tf = &an->tus[t];
            for (size_t i = 0; i < tf->nfns; i++)
                for (size_t c = 0; c < tf->fns[i].ncalls; c++) {
                    const rc_call_t *call = &tf->fns[i].calls[c];
                    if (call->callee[0])
                        continue;
                    if (call->fn_global)
                        rc_strtab_intern(&gvars, call->fn_global);
                    else if (call->fn_type && call->fn_param < 0)
                        rc_strtab_intern(&types, call->fn_type);
                }
            for (size_t i = 0; i < tf->next; i++)
                want_usr(defs, def_tu, tf->ext_callees[i], in);
            for (size_t i = 0; i < tf->nfns; i++) {
                const rc_fn_facts_t *f = &tf->fns[i];
                for (size_t c = 0; c < f->ncalls; c++) {
                    want_usr(defs, def_tu, f->calls[c].callee, in);
                    for (int a = 0; a < f->calls[c].nargs; a++)
                        want_usr(defs, def_tu, f->calls[c].arg_fns[a], in);
                }
                for (size_t c = 0; c < f->ncreates; c++)
                    for (size_t r = 0; r < f->creates[c].nroutines; r++)
                        want_usr(defs, def_tu, f->creates[c].routines[r], in);
                for (size_t h = 0; h < f->nsighands; h++)
                    want_usr(defs, def_tu, f->sighands[h].handler, in);
                for (size_t a = 0; a < f->naddr; a++)
                    want_usr(defs, def_tu, f->addr_taken[a], in);
            }
            for (size_t i = 0; i < tf->ngfp; i++)
                want_usr(defs, def_tu, tf->gfp_fn[i], in);
            for (size_t i = 0; i < tf->nesc; i++)
                want_usr(defs, def_tu, tf->esc_fns[i], in);
        }
        for (size_t t = 0; t < an->ntus; t++)
            if (!in[t] && !defines_main(&an->tus[t]) &&
                holds_target(&an->tus[t], &types, &gvars, defs, def_tu, in)) {
                in[t] = 1;
                changed = 1;
            }
    }
    rc_strtab_close(&types);
    rc_strtab_close(&gvars);
}

/* Several TUs defining `main` are several programs (a project's executables, a
 * directory of samples): each main TU is linked with the TUs without main that
 * its code can reach (reachable_tus), the library
 * TUs that no program reaches are checked together as code without main, and
 * findings seen from several programs are reported once. */
int rc_analyzer_check(rc_analyzer_t *an, rc_findings_t *out, rc_error_t *err)
{
    if (!an || !out)
        return rc_error_set(err, RC_EINVAL, "rc_analyzer_check: bad arguments");
    const rc_tu_facts_t **sel = rc_xcalloc(an->ntus ? an->ntus : 1, sizeof *sel);
    size_t nmain = 0;
    for (size_t i = 0; i < an->ntus; i++)
        nmain += (size_t)defines_main(&an->tus[i]);
    rc_findings_t local = {0};
    int rc = RC_OK;
    programs_clear(an);
    if (nmain <= 1) {
        const char *main_file = NULL;
        for (size_t i = 0; i < an->ntus; i++) {
            sel[i] = &an->tus[i];
            if (defines_main(&an->tus[i]))
                main_file = an->tus[i].file;
        }
        rc = check_program(an, sel, an->ntus, main_file, &local, err);
    } else {
        /* Where each function is defined (the first TU that defines it). */
        rc_strtab_t defs = {0};
        uint32_t *def_tu = NULL;
        for (size_t t = 0; t < an->ntus; t++)
            for (size_t i = 0; i < an->tus[t].nfns; i++) {
                uint32_t before = defs.n, k = rc_strtab_intern(&defs, an->tus[t].fns[i].usr);
                if (k == before) {
                    def_tu = rc_xrealloc(def_tu, defs.n * sizeof *def_tu);
                    def_tu[k] = (uint32_t)t;
                }
            }
        uint8_t *in = rc_xcalloc(an->ntus, 1), *used = rc_xcalloc(an->ntus, 1);
        for (size_t m = 0; m < an->ntus && !rc; m++) {
            if (!defines_main(&an->tus[m]))
                continue;
            reachable_tus(an, m, &defs, def_tu, in);
            size_t n = 0;
            for (size_t i = 0; i < an->ntus; i++)
                if (i == m || (!defines_main(&an->tus[i]) && in[i])) {
                    sel[n++] = &an->tus[i];
                    used[i] = 1;
                }
            rc = check_program(an, sel, n, an->tus[m].file, &local, err);
        }
        /* Library code no program reaches: analysed as code without main. */
        size_t n = 0;
        for (size_t i = 0; i < an->ntus; i++)
            if (!used[i])
                sel[n++] = &an->tus[i];
        if (n && !rc)
            rc = check_program(an, sel, n, NULL, &local, err);
        free(in);
        free(used);
        free(def_tu);
        rc_strtab_close(&defs);
    }
    free(sel);
    if (rc) {
        rc_findings_close(&local);
        return rc;
    }
    rc_findings_sort(&local, 0);
    size_t last = SIZE_MAX; /* the last finding kept (its strings now belong to out) */
    for (size_t i = 0; i < local.n; i++) {
        if (last != SIZE_MAX && rc_finding_cmp(&local.v[last], &local.v[i]) == 0) {
            rc_finding_close(&local.v[i]); /* the same finding from another program */
            continue;
        }
        *rc_findings_push(out) = local.v[i];
        last = i;
    }
    free(local.v);
    return RC_OK;
}
