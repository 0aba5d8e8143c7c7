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
    e2e_expected_pairs(src, &want);
    char *base = rc_xasprintf("%s.c", s->name);
    e2e_reported_pairs(out, base, &got);
    char *w = e2e_sorted(&want), *g = e2e_sorted(&got);
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
