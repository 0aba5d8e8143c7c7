/*
 * render_int.h - the renderers behind rc_report_render (render.c), one file
 * per format. Private to the report module.
 */
#ifndef RC_RENDER_INT_H
#define RC_RENDER_INT_H

#include <jansson.h>

#include "store_int.h"

/* A JSON string for any bytes: invalid UTF-8 becomes U+FFFD; NULL gives null. */
json_t *rc_json_string(const char *s);

void rc_render_text_findings(const rc_findings_t *fs, const rc_report_opts_t *opts);
int rc_render_text_summary(rc_store_t *st, const rc_report_opts_t *opts, rc_error_t *err);

/* ST may be NULL (findings not from a store): then no "runs" member. */
int rc_render_json(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                   rc_error_t *err);

/* SARIF 2.1.0 (render_sarif.c). */
int rc_render_sarif(const rc_findings_t *fs, const rc_report_opts_t *opts, rc_error_t *err);

/* The runtime lock-order graph in Graphviz DOT (render_dot.c). */
int rc_render_dot(rc_store_t *st, const rc_report_opts_t *opts, rc_error_t *err);

/* Chrome Trace Event JSON of --trace runs (render_trace.c). */
int rc_render_trace(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                    rc_error_t *err);

/* One self-contained HTML page (render_html.c). ST may be NULL. */
int rc_render_html(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                   rc_error_t *err);

#endif /* RC_RENDER_INT_H */
