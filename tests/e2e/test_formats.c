/*
 * test_formats.c - the machine-readable reports: JSON is valid and keeps
 * hostile strings intact, SARIF validates against the official SARIF 2.1.0
 * schema (with Debian's python3-jsonschema) and has what GitHub code scanning
 * needs: rule descriptions, linked related locations, fingerprints, thread
 * flows and relative URIs.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "e2e.h"
#include "report.h"

static char dir[64];

static void setup(void)
{
    e2e_tmpdir(dir, sizeof dir);
}

static void teardown(void)
{
    e2e_rmtree(dir);
}

TestSuite(formats, .init = setup, .fini = teardown, .timeout = 120);

/* A store holding a finding whose file name and message are hostile, plus a
 * real shim run of the bank_transfer sample (a lock-order cycle). */
static char *hostile_store(void)
{
    char *db = rc_xasprintf("%s/rc.db", dir), *out;
    int rc = e2e_run(&out, "%s run -q --db %s -- %s/samples/bank_transfer", RACECHECK, db,
                     RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(db, &st, &err), RC_OK, "%s", err.msg);
    int64_t run;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_STATIC, "scan hostile", dir, &run, &err), RC_OK);
    rc_findings_t fs = {0};
    rc_finding_t *f = rc_findings_push(&fs);
    f->rule = rc_xstrdup("race.unprotected-rmw");
    f->source = RC_SRC_STATIC;
    f->subject = rc_xstrdup("x\"y");
    f->message = rc_xstrdup("update of \"x\" <script>alert(1)</script> [a](b) \\ \xff\xfe end");
    char *file = rc_xasprintf("%s/we\"ird <script>\nname\xc3(.c", dir);
    rc_loc_set(&f->loc, file, 3, 7, "f<n>", NULL);
    rc_loc_set_thread(&f->loc, "T1 (worker)");
    rc_loc_set_thread(rc_finding_add_related(f, file, 9, 2, "g", "other [access]"), "T2 (worker)");
    cr_assert_eq(rc_store_add_findings(st, run, &fs, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK);
    rc_findings_close(&fs);
    rc_store_close(st);
    free(file);
    return db;
}

Test(formats, json_is_valid_and_keeps_hostile_strings)
{
    char *db = hostile_store(), *out;
    int rc = e2e_run(&out, "%s report --db %s -f json -o %s/r.json", RACECHECK, db, dir);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    char *path = rc_xasprintf("%s/r.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "invalid JSON: %s at line %d", jerr.text, jerr.line);
    cr_expect_eq(json_integer_value(json_object_get(root, "version")), 1);
    json_t *findings = json_object_get(root, "findings");
    cr_assert_eq(json_array_size(findings), 2);
    int saw_hostile = 0, saw_cycle = 0;
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)
    {
        const char *rule = json_string_value(json_object_get(f, "rule"));
        const char *msg = json_string_value(json_object_get(f, "message"));
        if (strcmp(rule, "race.unprotected-rmw") == 0) {
            saw_hostile = 1;
            cr_expect(strstr(msg, "<script>alert(1)</script>") != NULL, "%s", msg);
            cr_expect(strstr(msg, "\xef\xbf\xbd") != NULL, "invalid UTF-8 not replaced: %s", msg);
            const char *file =
                json_string_value(json_object_get(json_object_get(f, "location"), "file"));
            cr_expect(strstr(file, "we\"ird <script>\nname") != NULL, "%s", file);
            cr_expect_str_eq(json_string_value(json_object_get(f, "confidence")), "static-only");
        } else if (strcmp(rule, "lock.order-inversion") == 0) {
            saw_cycle = 1;
            cr_expect_str_eq(json_string_value(json_object_get(f, "confidence")), "confirmed");
        }
    }
    cr_expect(saw_hostile && saw_cycle);
    json_t *runs = json_object_get(root, "runs");
    cr_assert_eq(json_array_size(runs), 1);
    json_t *proc = json_array_get(json_object_get(json_array_get(runs, 0), "processes"), 0);
    cr_expect_eq(json_array_size(json_object_get(proc, "threads")), 3);
    json_decref(root);
    free(path);
    free(db);
}

Test(formats, sarif_validates_against_the_official_schema)
{
    const char *schema = RC_SARIF_SCHEMA;
    FILE *probe = fopen(schema, "r");
    cr_assert_not_null(probe, "the SARIF schema is missing at %s: run scripts/fetch-sarif-schema",
                       schema);
    fclose(probe);
    char *db = hostile_store(), *out;
    int rc = e2e_run(&out, "cd %s && %s report --db %s -f sarif -o r.sarif", dir, RACECHECK, db);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc = e2e_run(&out,
                 "/usr/bin/python3 -c 'import json, sys, jsonschema;"
                 " s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]));"
                 " jsonschema.Draft4Validator(s).validate(d); print(\"valid\")' %s %s/r.sarif",
                 schema, dir);
    cr_expect_eq(rc, 0, "schema validation failed:\n%s", out);
    cr_expect(strstr(out, "valid") != NULL, "%s", out);
    free(out);

    char *path = rc_xasprintf("%s/r.sarif", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *run = json_array_get(json_object_get(root, "runs"), 0);
    json_t *rules =
        json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
    cr_expect_eq(json_array_size(rules), 2);
    size_t i;
    json_t *r;
    json_array_foreach(rules, i, r)
    {
        cr_expect_not_null(json_object_get(r, "shortDescription"));
        cr_expect_not_null(json_object_get(r, "fullDescription"));
        cr_expect_not_null(json_object_get(r, "help"));
    }
    json_t *results = json_object_get(run, "results");
    json_array_foreach(results, i, r)
    {
        const char *text =
            json_string_value(json_object_get(json_object_get(r, "message"), "text"));
        cr_expect(strstr(text, "](1)") != NULL, "related locations not linked: %s", text);
        cr_expect_not_null(
            json_object_get(json_object_get(r, "partialFingerprints"), "primaryLocationLineHash"));
        json_t *art = json_object_get(
            json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation"),
            "artifactLocation");
        const char *uri = json_string_value(json_object_get(art, "uri"));
        json_t *flows =
            json_object_get(json_array_get(json_object_get(r, "codeFlows"), 0), "threadFlows");
        if (strcmp(json_string_value(json_object_get(r, "ruleId")), "lock.order-inversion") == 0) {
            cr_expect_eq(json_array_size(flows), 2, "one thread flow per thread");
            cr_expect(uri[0] == 'f' && strncmp(uri, "file:///", 8) == 0,
                      "a sample outside the source root keeps an absolute URI: %s", uri);
        } else {
            cr_expect_eq(json_array_size(flows), 2);
            cr_expect_str_eq(json_string_value(json_object_get(art, "uriBaseId")), "SRCROOT");
            cr_expect(strncmp(uri, "we%22ird%20%3Cscript%3E%0Aname%C3", 33) == 0,
                      "relative, percent-encoded: %s", uri);
        }
    }
    json_decref(root);
    free(path);
    free(db);
}

Test(formats, dot_lock_graph_has_the_cycle)
{
    char *db = rc_xasprintf("%s/rc.db", dir), *out;
    int rc = e2e_run(&out, "%s run -q --db %s -- %s/samples/bank_transfer", RACECHECK, db,
                     RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc = e2e_run(&out, "%s report --db %s -f dot -o %s/g.dot", RACECHECK, db, dir);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    char *path = rc_xasprintf("%s/g.dot", dir), *text;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &text, NULL, &err), RC_OK);
    cr_expect(strstr(text, "digraph lock_order") != NULL, "%s", text);
    cr_expect(strstr(text, "savings") != NULL && strstr(text, "checking") != NULL, "%s", text);
    cr_expect(strstr(text, "color=red") != NULL, "the cycle is not marked: %s", text);
    free(text);
    /* Graphviz reads it, and its acyclicity check sees the cycle. */
    rc = e2e_run(&out, "dot -Tsvg %s -o %s/g.svg && acyclic -v %s", path, dir, path);
    cr_expect_eq(rc, 1, "acyclic should find the cycle (exit 1): %s", out);
    free(out);
    free(path);
    free(db);
}

Test(formats, trace_opens_as_chrome_trace_events)
{
    char *db = rc_xasprintf("%s/rc.db", dir), *out;
    int rc = e2e_run(&out, "%s run -q --trace --db %s -- %s/samples/bank_transfer", RACECHECK, db,
                     RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc = e2e_run(&out, "%s report --db %s -f trace -o %s/t.json", RACECHECK, db, dir);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    char *path = rc_xasprintf("%s/t.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "invalid JSON: %s line %d", jerr.text, jerr.line);
    json_t *events = json_object_get(root, "traceEvents");
    cr_assert(json_is_array(events));
    size_t i, begins = 0, ends = 0, threads = 0, findings = 0;
    json_t *e;
    json_array_foreach(events, i, e)
    {
        const char *ph = json_string_value(json_object_get(e, "ph"));
        const char *cat = json_string_value(json_object_get(e, "cat"));
        const char *name = json_string_value(json_object_get(e, "name"));
        cr_assert(ph && name, "every event has ph and name");
        cr_assert(json_is_number(json_object_get(e, "ts")));
        if (strcmp(ph, "b") == 0 && cat && strcmp(cat, "lock") == 0)
            begins++;
        if (strcmp(ph, "e") == 0 && cat && strcmp(cat, "lock") == 0)
            ends++;
        if (strcmp(ph, "M") == 0 && strcmp(name, "thread_name") == 0)
            threads++;
        if (strcmp(ph, "i") == 0 && strcmp(name, "lock.order-inversion") == 0)
            findings++;
    }
    /* 2 tellers x 100 transfers x 2 locks, every hold closed. */
    cr_expect_eq(begins, 400, "%zu lock holds", begins);
    cr_expect_eq(ends, begins);
    cr_expect_eq(threads, 3);
    cr_expect_eq(findings, 1);
    json_decref(root);
    /* Without --trace the events are not kept: no hold slices, but the
     * threads and the finding are still there. */
    rc = e2e_run(&out,
                 "%s run -q --db %s -- %s/samples/bank_transfer >/dev/null; "
                 "%s report --db %s -f trace",
                 RACECHECK, db, RC_TEST_BINARY_DIR, RACECHECK, db);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "\"thread_name\"") != NULL, "%s", out);
    cr_expect(strstr(out, "hold ") == NULL, "events kept without --trace: %s", out);
    free(out);
    free(path);
    free(db);
}

Test(formats, text_keeps_one_diagnostic_per_line_with_hostile_names)
{
    char *db = hostile_store(), *out;
    int rc = e2e_run(&out, "%s report --no-summary --db %s", RACECHECK, db);
    cr_assert_eq(rc, 1, "%s", out);
    /* The file name holds a newline: it must be escaped, not break the line. */
    cr_expect(strstr(out, "we\"ird <script>\\nname") != NULL, "%s", out);
    size_t lines = 0;
    for (char *p = out; *p; p++)
        lines += *p == '\n';
    /* Two findings: the hostile one with its note, the lock-order cycle with 4 notes. */
    cr_expect_eq(lines, 7, "%zu lines:\n%s", lines, out);
    free(out);
    free(db);
}
