/*
 * policy.c - which findings a user wants to see: rules enabled or disabled
 * and their severity, paths excluded, findings accepted in a baseline, and
 * inline suppressions in the source.
 *
 * Inline suppression (on the finding's line or the line before), a comment
 * whose text starts with the keyword:
 *
 *     x = x + 1; // racecheck-ignore(race.unprotected-rmw): only one worker runs in tests
 *
 * Several rule ids may be listed, separated by commas. The reason after the
 * colon is required; a suppression without one, or naming a rule the
 * catalogue does not know, suppresses nothing and is itself reported as
 * `suppress.invalid`.
 *
 * Baseline file: one line per accepted finding, `<fingerprint> <rule>
 * <file>:<line> <subject>`, sorted; `#` starts a comment. Only the first
 * word counts; the rest is for the reviewer.
 */
#include <fnmatch.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

typedef struct rule_setting {
    char *id;
    int enabled;
    int has_severity;
    rc_severity_t severity;
} rule_setting_t;

struct rc_policy {
    const rc_catalogue_t *cat;
    rule_setting_t *rules;
    size_t nrules;
    char **excludes; /* fnmatch patterns against absolute paths */
    size_t nexcludes;
    char **baseline; /* sorted fingerprints */
    size_t nbaseline;
    int suppressions;
};

rc_policy_t *rc_policy_new(const rc_catalogue_t *cat)
{
    rc_policy_t *p = rc_xcalloc(1, sizeof *p);
    p->cat = cat;
    p->suppressions = 1;
    return p;
}

void rc_policy_free(rc_policy_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nrules; i++)
        free(p->rules[i].id);
    for (size_t i = 0; i < p->nexcludes; i++)
        free(p->excludes[i]);
    for (size_t i = 0; i < p->nbaseline; i++)
        free(p->baseline[i]);
    free(p->rules);
    free(p->excludes);
    free(p->baseline);
    free(p);
}

static rule_setting_t *setting(rc_policy_t *p, const char *id)
{
    for (size_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return &p->rules[i];
    p->rules = rc_xrealloc(p->rules, (p->nrules + 1) * sizeof *p->rules);
    rule_setting_t *r = &p->rules[p->nrules++];
    memset(r, 0, sizeof *r);
    r->id = rc_xstrdup(id);
    r->enabled = 1;
    return r;
}

void rc_policy_enable_rule(rc_policy_t *p, const char *id, int enabled)
{
    setting(p, id)->enabled = enabled;
}

void rc_policy_set_severity(rc_policy_t *p, const char *id, rc_severity_t sev)
{
    rule_setting_t *r = setting(p, id);
    r->has_severity = 1;
    r->severity = sev;
}

void rc_policy_exclude(rc_policy_t *p, const char *pattern)
{
    p->excludes = rc_xrealloc(p->excludes, (p->nexcludes + 1) * sizeof *p->excludes);
    p->excludes[p->nexcludes++] = rc_xstrdup(pattern);
}

void rc_policy_use_suppressions(rc_policy_t *p, int on)
{
    p->suppressions = on;
}

int rc_policy_excludes_path(const rc_policy_t *p, const char *path)
{
    for (size_t i = 0; path && i < p->nexcludes; i++)
        if (fnmatch(p->excludes[i], path, 0) == 0)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rc_policy_load_baseline(rc_policy_t *p, const char *path, rc_error_t *err)
{
    char *text;
    int rc = rc_read_file(path, &text, NULL, err);
    if (rc)
        return rc;
    unsigned lineno = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        line += strspn(line, " \t\r");
        if (!*line || *line == '#')
            continue;
        size_t n = strcspn(line, " \t\r");
        if (n < 8 || n > 64 || strspn(line, "0123456789abcdef") < n) {
            rc = rc_error_set(err, RC_EPARSE,
                              "%s: line %u is not '<fingerprint> ...' (a hex fingerprint)", path,
                              lineno);
            break;
        }
        p->baseline = rc_xrealloc(p->baseline, (p->nbaseline + 1) * sizeof *p->baseline);
        p->baseline[p->nbaseline++] = rc_xasprintf("%.*s", (int)n, line);
    }
    free(text);
    rc_sort(p->baseline, p->nbaseline, sizeof *p->baseline, cmp_str);
    return rc;
}

static int in_baseline(const rc_policy_t *p, const char *fp)
{
    return fp && p->nbaseline &&
           bsearch(&fp, p->baseline, p->nbaseline, sizeof *p->baseline, cmp_str) != NULL;
}

int rc_policy_baselined(const rc_policy_t *p, const rc_finding_t *f)
{
    if (!p->nbaseline)
        return 0;
    if (in_baseline(p, f->fingerprint))
        return 1;
    /* The fingerprint of the location shown, which is what a fresh store
     * (a CI checkout) computes for the same defect. */
    char *fp = rc_fingerprint(f);
    int hit = in_baseline(p, fp);
    free(fp);
    return hit;
}

/* ---- inline suppressions ------------------------------------------------ */

typedef struct suppression {
    unsigned line;
    char **rules;
    size_t nrules;
    int valid;
    char *problem;
    unsigned col;
} suppression_t;

typedef struct file_sups {
    char *path;
    suppression_t *v;
    size_t n;
} file_sups_t;

static void sups_free(file_sups_t *fsu)
{
    for (size_t i = 0; i < fsu->n; i++) {
        for (size_t k = 0; k < fsu->v[i].nrules; k++)
            free(fsu->v[i].rules[k]);
        free(fsu->v[i].rules);
        free(fsu->v[i].problem);
    }
    free(fsu->v);
    free(fsu->path);
}

/* Parses `racecheck-ignore(a, b): reason` starting at S (just after the
 * keyword). */
static void parse_one(const rc_policy_t *p, const char *s, suppression_t *sup)
{
    if (*s != '(') {
        sup->problem = rc_xstrdup("expected '(rule-id)' after racecheck-ignore");
        return;
    }
    const char *close = strchr(s, ')');
    if (!close) {
        sup->problem = rc_xstrdup("missing ')' after the rule id");
        return;
    }
    char *inside = rc_xasprintf("%.*s", (int)(close - s - 1), s + 1);
    for (char *tok = strtok(inside, ", \t"); tok; tok = strtok(NULL, ", \t")) {
        if (p->cat && !rc_catalogue_find(p->cat, tok)) {
            free(sup->problem);
            sup->problem = rc_xasprintf("unknown rule '%s' (see racecheck rules)", tok);
        }
        sup->rules = rc_xrealloc(sup->rules, (sup->nrules + 1) * sizeof *sup->rules);
        sup->rules[sup->nrules++] = rc_xstrdup(tok);
    }
    free(inside);
    if (sup->nrules == 0 && !sup->problem)
        sup->problem = rc_xstrdup("no rule id between the parentheses");
    const char *reason = close + 1;
    reason += strspn(reason, " \t");
    if (!sup->problem && *reason != ':')
        sup->problem = rc_xstrdup("a reason is required: racecheck-ignore(rule-id): reason");
    else if (!sup->problem) {
        reason++;
        reason += strspn(reason, " \t*/");
        if (!*reason || strncmp(reason, "*/", 2) == 0)
            sup->problem = rc_xstrdup("a reason is required after the ':'");
    }
    sup->valid = sup->problem == NULL;
}

/* Records a suppression if the comment text at c (one line of it, NUL-ended)
 * starts with the keyword, after white space. */
static const char sup_keyword[] = "racecheck-ignore";

/* The comment text [c, end) of the line starting at line_start, in the file's
 * text: a suppression when, past leading blanks, it starts with the keyword. */
static void comment_line(const rc_policy_t *p, const char *c, const char *end,
                         const char *line_start, unsigned line, file_sups_t *out)
{
    while (c < end && (*c == ' ' || *c == '\t'))
        c++;
    const size_t kw = sizeof sup_keyword - 1;
    if ((size_t)(end - c) < kw || memcmp(c, sup_keyword, kw) != 0)
        return;
    out->v = rc_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
    suppression_t *sup = &out->v[out->n++];
    memset(sup, 0, sizeof *sup);
    sup->line = line;
    sup->col = (unsigned)(c - line_start) + 1;
    char *rest = rc_xasprintf("%.*s", (int)(end - c - (ptrdiff_t)kw), c + kw);
    parse_one(p, rest, sup);
    free(rest);
}

/* The suppressions of a file: comments (`// ...` or a block comment's first
 * line) whose text starts with `racecheck-ignore`. A lexical pass that knows
 * string and character literals, so neither a literal containing the keyword
 * nor a comment that only mentions it (documentation) counts. */
static void load_sups(const rc_policy_t *p, const char *path, file_sups_t *out)
{
    memset(out, 0, sizeof *out);
    out->path = rc_xstrdup(path);
    char *text;
    size_t len = 0;
    if (rc_read_file(path, &text, &len, NULL) != RC_OK)
        return;
    /* Most files have none: a suppression needs the keyword somewhere. */
    if (!memmem(text, len, sup_keyword, sizeof sup_keyword - 1)) {
        free(text);
        return;
    }
    unsigned line = 1;
    const char *line_start = text;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            line++;
            line_start = text + i + 1;
        } else if (c == '"' || c == '\'') {
            /* A literal: up to its unescaped closing quote or the end of the line. */
            for (i++; i < len && text[i] != c && text[i] != '\n'; i++)
                if (text[i] == '\\' && i + 1 < len)
                    i++;
            if (i < len && text[i] == '\n') {
                line++;
                line_start = text + i + 1;
            }
        } else if (c == '/' && i + 1 < len && (text[i + 1] == '/' || text[i + 1] == '*')) {
            int block = text[i + 1] == '*';
            size_t start = i + 2, end = start;
            while (end < len && text[end] != '\n' &&
                   !(block && text[end] == '*' && end + 1 < len && text[end + 1] == '/'))
                end++;
            comment_line(p, text + start, text + end, line_start, line, out);
            if (!block) {
                i = end - 1; /* the newline is counted by the loop */
                continue;
            }
            /* The rest of a block comment: skip to its end, counting lines. */
            for (i = start; i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'); i++)
                if (text[i] == '\n') {
                    line++;
                    line_start = text + i + 1;
                }
            i++;
        }
    }
    free(text);
}

static int suppressed_by(const file_sups_t *fsu, const rc_finding_t *f)
{
    for (size_t i = 0; i < fsu->n; i++) {
        const suppression_t *sup = &fsu->v[i];
        if (!sup->valid || (sup->line != f->loc.line && sup->line + 1 != f->loc.line))
            continue;
        for (size_t k = 0; k < sup->nrules; k++)
            if (strcmp(sup->rules[k], f->rule) == 0)
                return 1;
    }
    return 0;
}

void rc_policy_check_suppressions(const rc_policy_t *p, const char *path, rc_findings_t *out)
{
    file_sups_t fsu;
    load_sups(p, path, &fsu);
    for (size_t i = 0; i < fsu.n; i++) {
        if (fsu.v[i].valid)
            continue;
        rc_finding_t *f = rc_findings_push(out);
        f->rule = rc_xstrdup("suppress.invalid");
        f->source = RC_SRC_STATIC;
        f->severity = RC_SEV_WARNING;
        f->message = rc_xasprintf("invalid suppression comment: %s", fsu.v[i].problem);
        f->subject = rc_xstrdup("racecheck-ignore");
        rc_loc_set(&f->loc, path, fsu.v[i].line, fsu.v[i].col, NULL, NULL);
    }
    sups_free(&fsu);
}

void rc_policy_apply(const rc_policy_t *p, rc_findings_t *fs, rc_policy_stats_t *stats)
{
    file_sups_t *cache = NULL;
    size_t ncache = 0, kept = 0;
    for (size_t i = 0; i < fs->n; i++) {
        rc_finding_t *f = &fs->v[i];
        int drop = 0;
        for (size_t k = 0; k < p->nrules; k++) {
            if (strcmp(p->rules[k].id, f->rule) != 0)
                continue;
            if (!p->rules[k].enabled)
                drop = 1;
            else if (p->rules[k].has_severity)
                f->severity = p->rules[k].severity;
        }
        if (drop && stats)
            stats->disabled++;
        if (!drop && rc_policy_excludes_path(p, f->loc.file)) {
            drop = 1;
            if (stats)
                stats->excluded++;
        }
        if (!drop && p->suppressions && f->loc.file && strcmp(f->rule, "suppress.invalid") != 0) {
            size_t c = 0;
            while (c < ncache && strcmp(cache[c].path, f->loc.file) != 0)
                c++;
            if (c == ncache) {
                cache = rc_xrealloc(cache, (ncache + 1) * sizeof *cache);
                load_sups(p, f->loc.file, &cache[ncache++]);
            }
            if (suppressed_by(&cache[c], f)) {
                drop = 1;
                if (stats)
                    stats->suppressed++;
            }
        }
        if (!drop && rc_policy_baselined(p, f)) {
            drop = 1;
            if (stats)
                stats->baselined++;
        }
        if (drop)
            rc_finding_close(f);
        else
            fs->v[kept++] = *f;
    }
    fs->n = kept;
    for (size_t c = 0; c < ncache; c++)
        sups_free(&cache[c]);
    free(cache);
}

int rc_policy_write_baseline(const rc_findings_t *fs, FILE *out)
{
    char **lines = NULL;
    size_t n = 0;
    for (size_t i = 0; i < fs->n; i++) {
        const rc_finding_t *f = &fs->v[i];
        char *fps[2] = {rc_xstrdup(f->fingerprint), rc_fingerprint(f)};
        for (int k = 0; k < 2; k++) {
            if (!fps[k] || (k == 1 && fps[0] && strcmp(fps[0], fps[1]) == 0))
                continue;
            lines = rc_xrealloc(lines, (n + 1) * sizeof *lines);
            lines[n++] =
                rc_xasprintf("%s %s %s:%u %s", fps[k], f->rule, f->loc.file ? f->loc.file : "?",
                             f->loc.line, f->subject ? f->subject : "-");
        }
        free(fps[0]);
        free(fps[1]);
    }
    rc_sort(lines, n, sizeof *lines, cmp_str);
    fputs("# racecheck baseline: findings accepted as they are. One per line:\n"
          "# <fingerprint> <rule> <file>:<line> <subject>; only the fingerprint counts.\n",
          out);
    for (size_t i = 0; i < n; i++) {
        /* Keep the file one line per entry whatever the names contain. */
        for (char *c = lines[i]; *c; c++)
            if (*c == '\n' || *c == '\r')
                *c = ' ';
        fprintf(out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
    return ferror(out) ? RC_EIO : RC_OK;
}
