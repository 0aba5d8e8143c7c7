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
    {"text", RC_FORMAT_TEXT},
    {"json", RC_FORMAT_JSON},
    {"html", RC_FORMAT_HTML},
    {"sarif", RC_FORMAT_SARIF},
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
    if (opts->format == RC_FORMAT_JSON) {
        rc = rc_render_json(st, &fs, opts, err);
    } else if (opts->format == RC_FORMAT_HTML) {
        rc = rc_render_html(st, &fs, opts, err);
    } else if (opts->format == RC_FORMAT_SARIF) {
        rc = rc_render_sarif(&fs, opts, err);
    } else {
        rc_render_text_findings(&fs, opts);
        if (opts->summary)
            rc = rc_render_text_summary(st, opts, err);
    }
    *nfindings = fs.n;
    rc_findings_close(&fs);
    return rc;
}
