/*
 * render_html.c - the HTML report: one self-contained page.
 */
#include "render_int.h"

int rc_render_html(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                   rc_error_t *err)
{
    (void)st;
    (void)fs;
    (void)opts;
    return rc_error_set(err, RC_EUNSUPPORTED, "the html format is not available yet");
}
