/*
 * e2e.c - process helpers for the end-to-end tests.
 */
#include "e2e.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common.h"

int e2e_run(char **out, const char *fmt, ...)
{
    va_list ap;
    rc_strbuf_t cmd;
    rc_strbuf_init(&cmd);
    va_start(ap, fmt);
    rc_strbuf_vappendf(&cmd, fmt, ap);
    va_end(ap);
    rc_strbuf_append(&cmd, " 2>&1");
    FILE *p = popen(cmd.s, "r");
    cr_assert_not_null(p, "popen failed: %s", cmd.s);
    rc_strbuf_t buf;
    rc_strbuf_init(&buf);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        rc_strbuf_appendn(&buf, chunk, n);
    int status = pclose(p);
    rc_strbuf_close(&cmd);
    *out = rc_strbuf_take(&buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void e2e_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/rc-e2e-XXXXXX");
    cr_assert_not_null(mkdtemp(buf));
}

void e2e_rmtree(const char *dir)
{
    char *cmd = rc_xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    cr_assert_eq(rc, 0);
}

/* A set of "line:rule" strings, one per line of a buffer. */
static void add_pair(rc_strbuf_t *set, unsigned line, const char *rule, size_t rule_len)
{
    rc_strbuf_appendf(set, "%u:%.*s\n", line, (int)rule_len, rule);
}

void e2e_expected_pairs(const char *path, rc_strbuf_t *set)
{
    char *text;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &text, NULL, &err), RC_OK, "%s", err.msg);
    unsigned line = 1;
    for (char *p = text; *p; line++) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        char *mark = strstr(p, "// expect:");
        if (mark) {
            for (char *r = mark + 10; *r;) {
                r += strspn(r, " ,");
                size_t len = strcspn(r, " ,");
                if (len)
                    add_pair(set, line, r, len);
                r += len;
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(text);
}

/* Pairs of the report's diagnostics whose file has base name BASE. */
void e2e_reported_pairs(const char *report, const char *base, rc_strbuf_t *set)
{
    for (const char *p = report; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = rc_xasprintf("%.*s", (int)len, p);
        char *warn = strstr(line, ": warning: ");
        if (!warn)
            warn = strstr(line, ": error: ");
        char *open = strrchr(line, '[');
        char *close = open ? strchr(open, ']') : NULL;
        if (warn && open && close) {
            *warn = '\0';
            char *col = strrchr(line, ':');
            if (col) {
                *col = '\0';
                char *lno = strrchr(line, ':');
                if (lno) {
                    *lno = '\0';
                    const char *file = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
                    if (strcmp(file, base) == 0)
                        add_pair(set, (unsigned)atoi(lno + 1), open + 1,
                                 (size_t)(close - open - 1));
                }
            }
        }
        free(line);
        if (!eol)
            break;
        p = eol + 1;
    }
}

/* Sorts the lines of a set so that two sets compare as strings. */
char *e2e_sorted(rc_strbuf_t *set)
{
    size_t n = 0;
    char **lines = NULL;
    for (char *tok = strtok(set->s ? set->s : (char[]){0}, "\n"); tok; tok = strtok(NULL, "\n")) {
        lines = rc_xrealloc(lines, (n + 1) * sizeof *lines);
        lines[n++] = tok;
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
            char *t = lines[j];
            lines[j] = lines[j - 1];
            lines[j - 1] = t;
        }
    rc_strbuf_t out;
    rc_strbuf_init(&out);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
            rc_strbuf_appendf(&out, "%s\n", lines[i]);
    free(lines);
    return rc_strbuf_take(&out);
}

void e2e_expect_marks(const char *report, const char *source, const char *base)
{
    rc_strbuf_t want, got;
    rc_strbuf_init(&want);
    rc_strbuf_init(&got);
    e2e_expected_pairs(source, &want);
    e2e_reported_pairs(report, base, &got);
    char *w = e2e_sorted(&want), *g = e2e_sorted(&got);
    cr_expect_str_eq(g, w, "%s: reported (line:rule)\n%s\nexpected\n%s\nreport:\n%s", base, g, w,
                     report);
    free(w);
    free(g);
    rc_strbuf_close(&want);
    rc_strbuf_close(&got);
}
