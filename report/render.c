/*
 * render.c - rc_report_render: loads the findings to show and hands them to
 * the renderer of the requested format.
 */
#include <string.h>

#include "render_int.h"

static const struct {
    const char *name;
    rc_format_t format;
} formats[] = {
    {"text", RC_FORMAT_TEXT},   {"json", RC_FORMAT_JSON}, {"html", RC_FORMAT_HTML},
    {"sarif", RC_FORMAT_SARIF}, {"dot", RC_FORMAT_DOT},   {"trace", RC_FORMAT_TRACE},
};

int rc_format_parse(const char *name, rc_format_t *out)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return RC_OK;
        }
    }
    return RC_EINVAL;
}

const char *rc_rule_model(const rc_catalogue_t *cat, const char *rule)
{
    const rc_rule_info_t *ri = cat && rule ? rc_catalogue_find(cat, rule) : NULL;
    return ri && ri->model && *ri->model ? ri->model : "threads";
}

const char *rc_confidence(unsigned sources)
{
    return sources & (RC_SRC_SHIM | RC_SRC_TSAN) ? "confirmed" : "static-only";
}

void rc_report_render_findings(const rc_findings_t *fs, const rc_report_opts_t *opts)
{
    if (opts->format == RC_FORMAT_JSON)
        rc_render_json(NULL, fs, opts, NULL);
    else if (opts->format == RC_FORMAT_HTML)
        rc_render_html(NULL, fs, opts, NULL);
    else if (opts->format == RC_FORMAT_SARIF)
        rc_render_sarif(fs, opts, NULL);
    else
        rc_render_text_findings(fs, opts);
}

static int has_fingerprint(const rc_findings_t *fs, const char *fp)
{
    for (size_t i = 0; fp && i < fs->n; i++)
        if (fs->v[i].fingerprint && strcmp(fs->v[i].fingerprint, fp) == 0)
            return 1;
    return 0;
}

/* Marks FS against the findings current after run SINCE (0: the run before
 * the newest), and appends those no longer current as "fixed" unless
 * new_only, which instead drops what is not new. */
static int apply_history(rc_store_t *st, const rc_report_opts_t *opts, rc_findings_t *fs,
                         rc_error_t *err)
{
    int64_t since = opts->since;
    if (since <= 0) {
        int rc = rc_store_last_run(st, &since, err);
        if (rc)
            return rc;
        since--;
    }
    rc_findings_t past = {0};
    int rc = rc_store_findings_as_of(st, since, &past, err);
    if (rc)
        return rc;
    if (opts->policy)
        rc_policy_apply(opts->policy, &past, NULL);
    size_t kept = 0;
    for (size_t i = 0; i < fs->n; i++) {
        rc_finding_t *f = &fs->v[i];
        f->status = has_fingerprint(&past, f->fingerprint) ? "present" : "new";
        if (opts->new_only && strcmp(f->status, "new") != 0)
            rc_finding_close(f);
        else
            fs->v[kept++] = *f;
    }
    fs->n = kept;
    for (size_t i = 0; !opts->new_only && i < past.n; i++) {
        if (has_fingerprint(fs, past.v[i].fingerprint))
            continue;
        rc_finding_t *f = rc_findings_push(fs);
        *f = past.v[i];
        memset(&past.v[i], 0, sizeof past.v[i]); /* moved */
        f->status = "fixed";
    }
    rc_findings_close(&past);
    return RC_OK;
}

int rc_report_render(rc_store_t *st, const rc_report_opts_t *opts, size_t *nfindings,
                     rc_error_t *err)
{
    rc_findings_t fs = {0};
    int rc = opts->run_id ? rc_store_run_findings(st, opts->run_id, &fs, err)
                          : rc_store_current_findings(st, &fs, err);
    if (rc)
        return rc;
    if (opts->policy)
        rc_policy_apply(opts->policy, &fs, NULL);
    if (opts->since > 0 || opts->new_only) {
        rc = apply_history(st, opts, &fs, err);
        if (rc) {
            rc_findings_close(&fs);
            return rc;
        }
    }
    if (opts->format == RC_FORMAT_JSON) {
        rc = rc_render_json(st, &fs, opts, err);
    } else if (opts->format == RC_FORMAT_HTML) {
        rc = rc_render_html(st, &fs, opts, err);
    } else if (opts->format == RC_FORMAT_SARIF) {
        rc = rc_render_sarif(&fs, opts, err);
    } else if (opts->format == RC_FORMAT_DOT) {
        rc = rc_render_dot(st, opts, err);
    } else if (opts->format == RC_FORMAT_TRACE) {
        rc = rc_render_trace(st, &fs, opts, err);
    } else {
        rc_render_text_findings(&fs, opts);
        if (opts->summary)
            rc = rc_render_text_summary(st, opts, err);
    }
    /* Fixed findings are shown but do not count. */
    *nfindings = 0;
    for (size_t i = 0; i < fs.n; i++)
        if (!fs.v[i].status || strcmp(fs.v[i].status, "fixed") != 0)
            (*nfindings)++;
    rc_findings_close(&fs);
    return rc;
}
