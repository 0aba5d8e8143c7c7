/*
 * test_common.c - error codes, strings, findings and the rule catalogue.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

Test(common, error_set_returns_code_and_formats)
{
    rc_error_t err;
    rc_error_clear(&err);
    cr_assert_eq(rc_error_set(&err, RC_EIO, "cannot open '%s'", "x.c"), RC_EIO);
    cr_assert_eq(err.code, RC_EIO);
    cr_assert_str_eq(err.msg, "cannot open 'x.c'");
    cr_assert_str_eq(rc_strerror(RC_EFOREIGN), "corrupt or foreign file");
}

Test(common, strbuf_grows)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    for (int i = 0; i < 1000; i++)
        rc_strbuf_appendf(&b, "%d,", i);
    cr_assert(strncmp(b.s, "0,1,2,", 6) == 0);
    cr_assert_eq(b.len, strlen(b.s));
    char *s = rc_strbuf_take(&b);
    cr_assert_null(b.s);
    free(s);
}

Test(common, findings_own_their_strings)
{
    rc_findings_t fs = {0};
    char file[] = "a.c";
    rc_finding_t *f = rc_findings_push(&fs);
    f->rule = rc_xstrdup("race.unprotected-rmw");
    rc_loc_set(&f->loc, file, 7, 5, "worker", NULL);
    rc_finding_add_related(f, file, 9, 1, "main", "other access");
    file[0] = 'b';
    cr_assert_str_eq(fs.v[0].loc.file, "a.c");
    cr_assert_eq(fs.v[0].nrelated, 1);
    cr_assert_str_eq(fs.v[0].related[0].note, "other access");
    rc_findings_close(&fs);
    cr_assert_eq(fs.n, 0);
}

Test(common, catalogue_loads_and_every_rule_is_complete)
{
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load(RC_TEST_SOURCE_DIR "/rules", &cat, &err), RC_OK, "%s", err.msg);
    cr_assert_gt(rc_catalogue_count(cat), 0);
    const rc_rule_info_t *r = rc_catalogue_find(cat, "race.unprotected-rmw");
    cr_assert_not_null(r);
    cr_assert(r->sources & RC_SRC_STATIC);
    cr_assert_null(rc_catalogue_find(cat, "no.such-rule"));
    rc_catalogue_free(cat);
}

Test(common, catalogue_rejects_missing_file)
{
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load("/nonexistent", &cat, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "catalogue.json") != NULL);
}

Test(common, findings_sort_in_report_order)
{
    rc_findings_t fs = {0};
    const struct {
        const char *file, *rule;
        unsigned line, col;
    } in[] = {{"b.c", "race.x", 1, 1},
              {"a.c", "race.y", 9, 2},
              {"a.c", "race.x", 9, 2},
              {"a.c", "race.x", 9, 1},
              {"a.c", "race.x", 3, 5}};
    for (size_t i = 0; i < 5; i++) {
        rc_finding_t *f = rc_findings_push(&fs);
        f->rule = rc_xstrdup(in[i].rule);
        rc_loc_set(&f->loc, in[i].file, in[i].line, in[i].col, NULL, NULL);
    }
    rc_findings_sort(&fs, 1); /* the first stays where it is */
    cr_assert_str_eq(fs.v[0].loc.file, "b.c");
    cr_assert_eq(fs.v[1].loc.line, 3);
    cr_assert_eq(fs.v[2].loc.col, 1);
    cr_assert_str_eq(fs.v[3].rule, "race.x");
    cr_assert_str_eq(fs.v[4].rule, "race.y");
    rc_findings_close(&fs);
}

/* rc_hash_bytes: equal content, equal hash; one byte changed anywhere (in a
 * whole word or in the tail) or one more byte, another hash; rc_hash_file is
 * rc_hash_bytes of the file's content. */
Test(common, content_hash_sees_every_byte_and_the_length)
{
    char buf[37], copy[37];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (char)('a' + i % 26);
    memcpy(copy, buf, sizeof buf);
    uint64_t h = rc_hash_bytes(buf, sizeof buf);
    cr_assert_eq(h, rc_hash_bytes(copy, sizeof copy));
    for (size_t i = 0; i < sizeof buf; i++) {
        copy[i] ^= 1;
        cr_expect_neq(rc_hash_bytes(copy, sizeof copy), h, "byte %zu changed", i);
        copy[i] ^= 1;
    }
    char zeros[9] = {0};
    cr_expect_neq(rc_hash_bytes(zeros, 8), rc_hash_bytes(zeros, 9), "a trailing zero byte counts");
    cr_expect_neq(rc_hash_bytes(zeros, 0), rc_hash_bytes(zeros, 1));

    char path[] = "/tmp/rc-hash-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, buf, sizeof buf), (ssize_t)sizeof buf);
    close(fd);
    uint64_t fh = 0;
    cr_assert_eq(rc_hash_file(path, &fh), 0);
    cr_expect_eq(fh, h);
    unlink(path);
    cr_expect_eq(rc_hash_file(path, &fh), -1, "a missing file");
}
