/*
 * render_text.c - the text report: one clang-style diagnostic per finding,
 * `file:line:col: warning: message [rule-id]`, followed by `note:` lines for
 * its related locations, then (with opts->summary) what each runtime run saw:
 * processes, threads and locks.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "summary.h"

#define BOLD "\033[1m"
#define MAGENTA "\033[1;35m"
#define CYAN "\033[1;36m"
#define RESET "\033[0m"

/* Writes S with control characters escaped (\n, \t, \xNN), so that every
 * diagnostic stays on one line whatever a file name or message contains. */
static void put_clean(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
}

static void print_loc(FILE *out, const rc_loc_t *loc)
{
    if (loc->file) {
        put_clean(out, loc->file);
        fprintf(out, ":%u:%u", loc->line, loc->col ? loc->col : 1);
    } else {
        fputs("<unknown>", out);
    }
}

static void print_sources(FILE *out, unsigned src)
{
    const char *sep = "";
    fputs(" (", out);
    for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1) {
        if (src & bit) {
            fprintf(out, "%s%s", sep, rc_source_name((rc_source_t)bit));
            sep = "+";
        }
    }
    if (src & (RC_SRC_SHIM | RC_SRC_TSAN))
        fprintf(out, ", %s", rc_confidence(src));
    fputc(')', out);
}

static void render_finding(FILE *out, const rc_finding_t *f, int color)
{
    if (color)
        fputs(BOLD, out);
    print_loc(out, &f->loc);
    int fixed = f->status && strcmp(f->status, "fixed") == 0;
    fprintf(out, ": %s%s:%s ", color ? (fixed ? CYAN : MAGENTA) : "",
            fixed ? "note" : rc_severity_name(f->severity), color ? RESET BOLD : "");
    if (f->status)
        fprintf(out, "[%s] ", f->status);
    put_clean(out, f->message);
    fprintf(out, " [%s]%s", f->rule, color ? RESET : "");
    print_sources(out, f->source);
    fputc('\n', out);
    for (size_t i = 0; i < f->nrelated; i++) {
        const rc_loc_t *r = &f->related[i];
        print_loc(out, r);
        fprintf(out, ": %snote:%s ", color ? CYAN : "", color ? RESET : "");
        put_clean(out, r->note);
        fputc('\n', out);
    }
}

/* One process of the tree, its children indented below it. Locks are listed
 * most contended first, like a contention profile (mutrace's columns):
 *
 *   mutex 'm' (first locked at f.c:12): A acquisitions, C contended, O owner changes,
 *   W ms waited (max w), H ms held (max h)
 *
 * owner changes: acquisitions by another thread than the one before (left
 * out for locks stored before they were counted). Locks that would print alike
 * (same kind, name and first site) share one line, "'m' and N more like it",
 * with their counts and times summed and their maxima. */
static void render_process(FILE *out, const rc_sum_run_t *r, size_t j, int depth, char *done)
{
    const rc_sum_process_t *p = &r->procs[j];
    done[j] = 1;
    int ind = 2 + 4 * depth;
    fprintf(out, "%*sprocess %d", ind, "", p->pid);
    if (depth)
        fprintf(out, p->execed ? " (exec'd by %d)" : " (forked by %d)", p->ppid);
    if (p->exe)
        fprintf(out, " %s", p->exe);
    fprintf(out, ": %lld events recorded", (long long)p->records);
    if (!p->exited)
        fputs(", did not exit normally", out);
    if (p->torn || p->dropped)
        fprintf(out, ", %lld cut off by truncation, %lld dropped", (long long)p->torn,
                (long long)p->dropped);
    fputc('\n', out);
    for (size_t k = 0; k < p->nthreads; k++) {
        const rc_sum_thread_t *t = &p->threads[k];
        fprintf(out, "%*sthread T%d %s", ind + 2, "", t->tid, t->routine ? t->routine : "?");
        if (t->file)
            fprintf(out, ", created at %s:%d", t->file, t->line);
        if (t->tid != 0)
            fputs(t->joined ? ", joined" : t->detached ? ", detached" : ", never joined", out);
        fputc('\n', out);
    }
    size_t nrows = 0;
    rc_sum_lock_row_t *rows = rc_summary_lock_rows(p, &nrows);
    for (size_t k = 0; k < nrows; k++) {
        rc_sum_lock_t l = rows[k].lock;
        size_t same = rows[k].count;
        fprintf(out, "%*s%s ", ind + 2, "", l.kind ? l.kind : "lock");
        if (l.name)
            fprintf(out, "'%s'", l.name);
        else
            fprintf(out, "%#llx", (unsigned long long)l.addr);
        if (same > 1)
            fprintf(out, " and %zu more like it", same - 1);
        if (l.file)
            fprintf(out, " (first locked at %s:%d)", l.file, l.line);
        fprintf(out, ": %lld acquisitions, %lld contended", (long long)l.acquisitions,
                (long long)l.contended);
        if (l.owner_changes >= 0)
            fprintf(out, ", %lld owner changes", (long long)l.owner_changes);
        fprintf(out, ", %.3f ms waited (max %.3f), %.3f ms held (max %.3f)\n", l.wait_ns / 1e6,
                l.max_wait_ns / 1e6, l.hold_ns / 1e6, l.max_hold_ns / 1e6);
    }
    free(rows);
    for (size_t c = 0; c < r->nprocs; c++)
        if (!done[c] && r->procs[c].ppid == p->pid)
            render_process(out, r, c, depth + 1, done);
}

static int render_summary(rc_store_t *st, FILE *out, int64_t only_run, rc_error_t *err)
{
    rc_summary_t sum;
    int rc = rc_summary_load(st, only_run, &sum, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < sum.nruns; i++) {
        const rc_sum_run_t *r = &sum.runs[i];
        fprintf(out, "\nrun #%lld: %s (exit status %d)\n", (long long)r->id, r->command, r->status);
        char *done = rc_xcalloc(r->nprocs + 1, 1);
        /* Roots first (no parent among the run's processes), then what is left. */
        for (size_t j = 0; j < r->nprocs; j++) {
            int has_parent = 0;
            for (size_t k = 0; k < r->nprocs; k++)
                has_parent |= k != j && r->procs[k].pid == r->procs[j].ppid;
            if (!has_parent && !done[j])
                render_process(out, r, j, 0, done);
        }
        for (size_t j = 0; j < r->nprocs; j++)
            if (!done[j])
                render_process(out, r, j, 0, done);
        free(done);
    }
    rc_summary_close(&sum);
    return RC_OK;
}

/* Findings are grouped by concurrency model, in the catalogue's order of
 * models; a header line opens each group when there is more than one. */
void rc_render_text_findings(const rc_findings_t *fs, const rc_report_opts_t *opts)
{
    static const char *const order[] = {"threads", "processes", "cooperative", "signals", NULL};
    const char **models = rc_xcalloc(fs->n + 5, sizeof *models);
    size_t nmodels = 0;
    for (const char *const *m = order; *m; m++)
        models[nmodels++] = *m;
    for (size_t i = 0; i < fs->n; i++) {
        const char *m = rc_rule_model(opts->catalogue, fs->v[i].rule);
        size_t k = 0;
        while (k < nmodels && strcmp(models[k], m) != 0)
            k++;
        if (k == nmodels)
            models[nmodels++] = m;
    }
    size_t used = 0;
    for (size_t k = 0; k < nmodels; k++)
        for (size_t i = 0; i < fs->n; i++)
            if (strcmp(rc_rule_model(opts->catalogue, fs->v[i].rule), models[k]) == 0) {
                used++;
                break;
            }
    for (size_t k = 0; k < nmodels; k++) {
        size_t n = 0;
        for (size_t i = 0; i < fs->n; i++)
            if (strcmp(rc_rule_model(opts->catalogue, fs->v[i].rule), models[k]) == 0)
                n++;
        if (n && used > 1)
            fprintf(opts->out, "%s== %s: %zu finding%s ==%s\n", opts->color ? BOLD : "", models[k],
                    n, n == 1 ? "" : "s", opts->color ? RESET : "");
        for (size_t i = 0; n && i < fs->n; i++)
            if (strcmp(rc_rule_model(opts->catalogue, fs->v[i].rule), models[k]) == 0)
                render_finding(opts->out, &fs->v[i], opts->color);
    }
    free(models);
    if (opts->summary)
        fprintf(opts->out, "%zu finding%s\n", fs->n, fs->n == 1 ? "" : "s");
}

int rc_render_text_summary(rc_store_t *st, const rc_report_opts_t *opts, rc_error_t *err)
{
    return render_summary(st, opts->out, opts->run_id, err);
}
