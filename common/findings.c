/*
 * findings.c - construction and release of rc_finding_t records.
 */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static const char *const severity_names[] = {"note", "warning", "error"};

const char *rc_severity_name(rc_severity_t s)
{
    return (unsigned)s < 3 ? severity_names[s] : "warning";
}

int rc_severity_parse(const char *name, rc_severity_t *out)
{
    for (int i = 0; i < 3; i++) {
        if (name && strcmp(name, severity_names[i]) == 0) {
            *out = (rc_severity_t)i;
            return RC_OK;
        }
    }
    return RC_EINVAL;
}

const char *rc_source_name(rc_source_t s)
{
    switch (s) {
    case RC_SRC_STATIC:
        return "static";
    case RC_SRC_SHIM:
        return "shim";
    case RC_SRC_TSAN:
        return "tsan";
    }
    return "unknown";
}

rc_finding_t *rc_findings_push(rc_findings_t *fs)
{
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 16;
        fs->v = rc_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    rc_finding_t *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->severity = RC_SEV_WARNING;
    return f;
}

void rc_loc_set(rc_loc_t *loc, const char *file, unsigned line, unsigned col, const char *function,
                const char *note)
{
    rc_loc_close(loc);
    loc->file = rc_xstrdup(file);
    loc->line = line;
    loc->col = col;
    loc->function = rc_xstrdup(function);
    loc->note = rc_xstrdup(note);
}

rc_loc_t *rc_finding_add_related(rc_finding_t *f, const char *file, unsigned line, unsigned col,
                                 const char *function, const char *note)
{
    f->related = rc_xrealloc(f->related, (f->nrelated + 1) * sizeof *f->related);
    rc_loc_t *loc = &f->related[f->nrelated++];
    memset(loc, 0, sizeof *loc);
    rc_loc_set(loc, file, line, col, function, note);
    return loc;
}

void rc_loc_set_thread(rc_loc_t *loc, const char *thread)
{
    free(loc->thread);
    loc->thread = rc_xstrdup(thread);
}

void rc_loc_close(rc_loc_t *loc)
{
    free(loc->thread);
    free(loc->file);
    free(loc->function);
    free(loc->note);
    memset(loc, 0, sizeof *loc);
}

void rc_finding_close(rc_finding_t *f)
{
    free(f->rule);
    free(f->message);
    free(f->subject);
    free(f->evidence);
    free(f->fingerprint);
    rc_loc_close(&f->loc);
    for (size_t i = 0; i < f->nrelated; i++)
        rc_loc_close(&f->related[i]);
    free(f->related);
    memset(f, 0, sizeof *f);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

int rc_finding_cmp(const rc_finding_t *a, const rc_finding_t *b)
{
    int c = cmp_str(a->loc.file, b->loc.file);
    if (c)
        return c;
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    if ((c = cmp_str(a->rule, b->rule)))
        return c;
    return cmp_str(a->message, b->message);
}

static int cmp_finding(const void *a, const void *b)
{
    return rc_finding_cmp(a, b);
}

void rc_findings_sort(rc_findings_t *fs, size_t from)
{
    if (from < fs->n)
        rc_sort(fs->v + from, fs->n - from, sizeof *fs->v, cmp_finding);
}

void rc_findings_close(rc_findings_t *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        rc_finding_close(&fs->v[i]);
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}
