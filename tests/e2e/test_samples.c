/*
 * test_samples.c - every sample's expected findings, exactly: scan the sample,
 * run its binary under the shim, and compare the merged report's (line, rule)
 * pairs for that file with the `// expect: rule[, rule]` marks in its source.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "e2e.h"

#define SAMPLES RC_TEST_SOURCE_DIR "/samples"

struct sample {
    char name[64];
};

ParameterizedTestParameters(samples, report_matches_expectations)
{
    static struct sample list[64];
    size_t n = 0;
    DIR *d = opendir(SAMPLES);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL && n < 64) {
        size_t len = strlen(de->d_name);
        if (len > 2 && strcmp(de->d_name + len - 2, ".c") == 0 && len - 2 < sizeof list[0].name) {
            memcpy(list[n].name, de->d_name, len - 2);
            list[n].name[len - 2] = '\0';
            n++;
        }
    }
    if (d)
        closedir(d);
    return cr_make_param_array(struct sample, list, n);
}

/* A set of "line:rule" strings, one per line of a buffer. */
static void add_pair(rc_strbuf_t *set, unsigned line, const char *rule, size_t rule_len)
{
    rc_strbuf_appendf(set, "%u:%.*s\n", line, (int)rule_len, rule);
}

static void expected_pairs(const char *path, rc_strbuf_t *set)
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
static void reported_pairs(const char *report, const char *base, rc_strbuf_t *set)
{
    for (const char *p = report; *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = rc_xasprintf("%.*s", (int)len, p);
        char *warn = strstr(line, ": warning: ");
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
static char *sorted(rc_strbuf_t *set)
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

ParameterizedTest(struct sample *s, samples, report_matches_expectations, .timeout = 120)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    char *src = rc_xasprintf(SAMPLES "/%s.c", s->name);
    int rc = e2e_run(&out, "%s scan -q --db %s/rc.db %s", RACECHECK, dir, src);
    cr_assert(rc == 0 || rc == 1, "scan of %s exited %d:\n%s", s->name, rc, out);
    free(out);
    rc = e2e_run(&out, "%s run -q --db %s/rc.db -- %s/samples/%s", RACECHECK, dir,
                 RC_TEST_BINARY_DIR, s->name);
    cr_assert(rc == 0 || rc == 1, "run of %s exited %d:\n%s", s->name, rc, out);
    free(out);
    rc = e2e_run(&out, "%s report --no-summary --db %s/rc.db", RACECHECK, dir);
    cr_assert(rc == 0 || rc == 1, "report exited %d:\n%s", rc, out);

    rc_strbuf_t want, got;
    rc_strbuf_init(&want);
    rc_strbuf_init(&got);
    expected_pairs(src, &want);
    char *base = rc_xasprintf("%s.c", s->name);
    reported_pairs(out, base, &got);
    char *w = sorted(&want), *g = sorted(&got);
    cr_expect_str_eq(g, w, "%s: reported (line:rule)\n%s\nexpected\n%s\nfull report:\n%s", s->name,
                     g, w, out);
    /* Exit status follows the findings. */
    cr_expect_eq(rc, *w ? 1 : 0, "report of %s exited %d", s->name, rc);
    free(w);
    free(g);
    free(base);
    rc_strbuf_close(&want);
    rc_strbuf_close(&got);
    free(out);
    free(src);
    e2e_rmtree(dir);
}
