/*
 * test_cli.c - the racecheck command as a user meets it: help, exit codes,
 * and clear errors for bad input (syntax errors, missing headers, missing
 * compile database, corrupt or foreign store, programs that cannot be
 * preloaded) that lose nothing.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "e2e.h"

static char dir[64];

static void setup(void)
{
    e2e_tmpdir(dir, sizeof dir);
}

static void teardown(void)
{
    e2e_rmtree(dir);
}

static char *write_in_dir(const char *name, const char *content)
{
    char *path = rc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
    return path;
}

static const char racy_src[] =
    "#include <pthread.h>\n"
    "static int hits;\n"
    "static void *worker(void *arg) {\n"
    "    (void)arg;\n"
    "    hits = hits + 1;\n"
    "    return 0;\n"
    "}\n"
    "int main(void) {\n"
    "    pthread_t t[2];\n"
    "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
    "    return hits;\n"
    "}\n";

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 120);

struct usage_case {
    char args[64];
    int status;
};

ParameterizedTestParameters(cli, usage_errors_exit_2)
{
    static struct usage_case cases[] = {
        {"", 2},
        {"frobnicate", 2},
        {"scan", 2},
        {"scan --no-such-option x.c", 2},
        {"scan -j 0 x.c", 2},
        {"check -j many x.c", 2},
        {"run", 2},
        {"run -- /nonexistent/program", 2},
        {"report --format klingon", 2},
        {"report extra-argument", 2},
    };
    return cr_make_param_array(struct usage_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct usage_case *c, cli, usage_errors_exit_2)
{
    char *out;
    int rc = e2e_run(&out, "cd %s && %s %s", dir, RACECHECK, c->args);
    cr_expect_eq(rc, c->status, "racecheck %s exited %d:\n%s", c->args, rc, out);
    cr_expect(strstr(out, "racecheck") != NULL, "no message for 'racecheck %s'", c->args);
    free(out);
}

Test(cli, every_subcommand_has_help_and_version_works)
{
    const char *cmds[] = {"scan", "run", "report", "rules"};
    char *out;
    for (size_t i = 0; i < 4; i++) {
        int rc = e2e_run(&out, "%s %s --help", RACECHECK, cmds[i]);
        cr_expect_eq(rc, 0);
        cr_expect(strstr(out, "usage: racecheck") != NULL, "%s --help: %s", cmds[i], out);
        free(out);
    }
    cr_expect_eq(e2e_run(&out, "%s --help", RACECHECK), 0);
    cr_expect(strstr(out, "exit status") != NULL);
    free(out);
    cr_expect_eq(e2e_run(&out, "%s --version", RACECHECK), 0);
    cr_expect(strncmp(out, "racecheck ", 10) == 0, "%s", out);
    free(out);
}

Test(cli, rules_lists_the_catalogue)
{
    char *out;
    cr_assert_eq(e2e_run(&out, "%s rules", RACECHECK), 0);
    cr_expect(strstr(out, "race.unprotected-rmw") != NULL);
    cr_expect(strstr(out, "lock.order-inversion") != NULL);
    free(out);
}

Test(cli, scan_reports_and_exits_1_then_report_reads_the_store)
{
    char *src = write_in_dir("racy.c", racy_src), *out;
    int rc = e2e_run(&out, "cd %s && %s scan racy.c", dir, RACECHECK);
    cr_assert_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "racy.c:5:5: warning: ") != NULL, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    free(out);
    /* The default store is .racecheck/racecheck.db in the current directory. */
    char *db = rc_xasprintf("%s/.racecheck/racecheck.db", dir);
    struct stat sb;
    cr_expect_eq(stat(db, &sb), 0, "no default store at %s", db);
    rc = e2e_run(&out, "cd %s && %s report", dir, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "racy.c:5:5: warning: ") != NULL, "%s", out);
    free(out);
    free(db);
    free(src);
}

Test(cli, syntax_error_is_reported_with_location_and_exit_3)
{
    char *bad = write_in_dir("bad.c", "int main(void) {\n    return 0\n}\n");
    char *good = write_in_dir("racy.c", racy_src), *out;
    int rc = e2e_run(&out, "cd %s && %s scan bad.c racy.c", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "bad.c:2:") != NULL, "no location in: %s", out);
    /* The other TU was still analysed and stored. */
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    free(out);
    rc = e2e_run(&out, "cd %s && %s scan --keep-going bad.c racy.c", dir, RACECHECK);
    cr_expect_eq(rc, 1, "--keep-going should exit by the findings: %s", out);
    free(out);
    free(bad);
    free(good);
}

Test(cli, missing_header_is_a_clear_failure)
{
    char *src =
        write_in_dir("hdr.c", "#include \"no_such_header.h\"\nint main(void) { return 0; }\n");
    char *out;
    int rc = e2e_run(&out, "cd %s && %s scan hdr.c", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "no_such_header.h") != NULL, "%s", out);
    free(out);
    free(src);
}

Test(cli, missing_compile_database_is_a_clear_error)
{
    char *out;
    int rc = e2e_run(&out, "cd %s && %s scan -p %s", dir, RACECHECK, dir);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "compile_commands.json") != NULL, "%s", out);
    free(out);
}

Test(cli, compile_database_with_relative_paths)
{
    char *sub = rc_xasprintf("%s/src", dir);
    cr_assert_eq(mkdir(sub, 0777), 0);
    char *src = write_in_dir("src/racy.c", racy_src);
    char *db = rc_xasprintf("[{\"directory\": \"%s/src\", \"file\": \"racy.c\","
                            " \"arguments\": [\"cc\", \"-c\", \"racy.c\", \"-o\", \"racy.o\"]}]",
                            dir);
    char *cdb = write_in_dir("compile_commands.json", db), *out;
    /* Run from elsewhere: libclang must not depend on the current directory. */
    int rc = e2e_run(&out, "cd / && %s scan -p %s --db %s/rc.db", RACECHECK, dir, dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "racy.c:5:5: warning: ") != NULL, "%s", out);
    free(out);
    free(sub);
    free(src);
    free(db);
    free(cdb);
}

Test(cli, corrupt_store_is_refused_and_kept)
{
    char *src = write_in_dir("racy.c", racy_src);
    char *junk = write_in_dir("junk.db", "SQLite format 3 but not really, just text\n"), *out;
    int rc = e2e_run(&out, "cd %s && %s scan --db junk.db racy.c", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "not a racecheck store") != NULL, "%s", out);
    free(out);
    char *text;
    rc_error_t err;
    cr_assert_eq(rc_read_file(junk, &text, NULL, &err), RC_OK);
    cr_expect_str_eq(text, "SQLite format 3 but not really, just text\n");
    free(text);
    rc = e2e_run(&out, "cd %s && %s report --db junk.db", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    free(out);
    free(src);
    free(junk);
}

Test(cli, report_without_store_is_a_clear_error)
{
    char *out;
    int rc = e2e_run(&out, "cd %s && %s report", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "no store") != NULL, "%s", out);
    free(out);
}

Test(cli, report_output_file)
{
    char *src = write_in_dir("racy.c", racy_src), *out;
    cr_assert_eq(e2e_run(&out, "cd %s && %s scan -q racy.c", dir, RACECHECK), 1, "%s", out);
    free(out);
    int rc = e2e_run(&out, "cd %s && %s report -o out.txt", dir, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect_str_eq(out, "");
    free(out);
    char *path = rc_xasprintf("%s/out.txt", dir), *text;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &text, NULL, &err), RC_OK);
    cr_expect(strstr(text, "[race.unprotected-rmw]") != NULL, "%s", text);
    free(text);
    free(path);
    free(src);
}

Test(cli, static_binary_is_refused)
{
    char *src = write_in_dir("hello.c", "int main(void) { return 0; }\n"), *out;
    int rc = e2e_run(&out, "cd %s && cc -static -o hello hello.c", dir);
    cr_assert_eq(rc, 0, "cannot build a static binary here: %s", out);
    free(out);
    rc = e2e_run(&out, "cd %s && %s run -- ./hello", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "statically linked") != NULL, "%s", out);
    free(out);
    free(src);
}

Test(cli, setuid_binary_is_refused)
{
    char *out;
    int rc = e2e_run(&out, "cp %s/samples/counter_mutex %s/suid && chmod u+s %s/suid",
                     RC_TEST_BINARY_DIR, dir, dir);
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/suid", RACECHECK, dir, dir);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "setuid") != NULL, "%s", out);
    free(out);
}

Test(cli, run_records_threads_and_locks)
{
    char *out;
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/samples/counter_mutex", RACECHECK, dir,
                     RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "served ") != NULL, "the program's own output is kept: %s", out);
    cr_expect(strstr(out, "thread T5 worker") != NULL, "%s", out);
    cr_expect(strstr(out, "mutex 'served_lock'") != NULL, "%s", out);
    free(out);
    /* Built with -O1, the start routine begins with an inlined callee: the
     * thread is still named after the routine itself. */
    rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/samples/counter_atomic", RACECHECK, dir,
                 RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "thread T5 worker") != NULL, "%s", out);
    free(out);
}

Test(cli, run_keeps_existing_ld_preload)
{
    char *out;
    /* Another preloaded library (libc itself is harmless to preload). */
    int rc = e2e_run(&out, "LD_PRELOAD=libm.so.6 %s run --db %s/rc.db -- %s/samples/counter_mutex",
                     RACECHECK, dir, RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "thread T5 worker") != NULL, "%s", out);
    free(out);
}

Test(cli, run_reports_lock_order_inversion)
{
    char *out;
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/samples/bank_transfer", RACECHECK, dir,
                     RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "[lock.order-inversion]") != NULL, "%s", out);
    cr_expect(strstr(out, "'savings'") != NULL && strstr(out, "'checking'") != NULL, "%s", out);
    free(out);
}

Test(cli, history_marks_new_and_fixed_findings)
{
    char *v1 = write_in_dir("pool.c", racy_src), *out;
    cr_assert_eq(e2e_run(&out, "cd %s && %s scan -q pool.c", dir, RACECHECK), 1, "%s", out);
    free(out);
    /* 'hits' is gone (fixed); the same race now lives in 'tally' (new). */
    char *src2 = rc_xstrdup(racy_src);
    for (char *p = strstr(src2, "hits"); p; p = strstr(p, "hits"))
        memcpy(p, "tall", 4);
    char *v2 = write_in_dir("pool.c", src2);
    cr_assert_eq(e2e_run(&out, "cd %s && %s scan -q pool.c", dir, RACECHECK), 1, "%s", out);
    free(out);
    int rc = e2e_run(&out, "cd %s && %s report --no-summary --since 1", dir, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "warning: [new]") != NULL, "%s", out);
    cr_expect(strstr(out, "note: [fixed] non-atomic update 'hits = hits + 1'") != NULL, "%s", out);
    free(out);
    rc = e2e_run(&out, "cd %s && %s report --no-summary --new-only", dir, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "[fixed]") == NULL, "%s", out);
    free(out);
    free(v1);
    free(v2);
    free(src2);
}

Test(cli, audit_reports_mismatches_and_build_failures)
{
    char *sub = rc_xasprintf("%s/samples", dir), *out;
    cr_assert_eq(mkdir(sub, 0777), 0);
    /* The racy counter, but the mark is on the wrong line. */
    char *wrong = rc_xstrdup(racy_src);
    char *p = strstr(wrong, "    return 0;\n}\nint main");
    cr_assert_not_null(p);
    char *marked = rc_xasprintf("%.*s    return 0; // expect: race.unprotected-rmw\n%s",
                                (int)(p - wrong), wrong, p + strlen("    return 0;\n"));
    char *s1 = write_in_dir("samples/pool.c", marked);
    int rc = e2e_run(&out, "cd %s && %s audit --no-tsan -v samples", dir, RACECHECK);
    cr_expect_eq(rc, 1, "a mismatch exits 1: %s", out);
    cr_expect(strstr(out, "MISMATCH: 1 missing, 1 extra") != NULL, "%s", out);
    cr_expect(strstr(out, "missing: pool.c:6 [race.unprotected-rmw]") != NULL, "%s", out);
    cr_expect(strstr(out, "extra:   pool.c:5 [race.unprotected-rmw]") != NULL, "%s", out);
    cr_expect(strstr(out, "recall 0.00") != NULL, "%s", out);
    free(out);
    /* A sample that declares a model it does not use. */
    free(write_in_dir("samples/pool.c", "// model: processes\n"
                                        "#include <pthread.h>\n"
                                        "static void *worker(void *arg) { return arg; }\n"
                                        "int main(void) {\n"
                                        "    pthread_t t;\n"
                                        "    pthread_create(&t, 0, worker, 0);\n"
                                        "    return pthread_join(t, 0);\n"
                                        "}\n"));
    rc = e2e_run(&out, "cd %s && %s audit --no-tsan samples", dir, RACECHECK);
    cr_expect_eq(rc, 1, "a model not seen exits 1: %s", out);
    cr_expect(strstr(out, "processes    threads") != NULL, "%s", out);
    cr_expect(strstr(out, "MISMATCH: model 'processes' not seen") != NULL, "%s", out);
    free(out);
    char *s2 = write_in_dir("samples/broken.c", "int main(void) { return }\n");
    rc = e2e_run(&out, "cd %s && %s audit --no-tsan samples", dir, RACECHECK);
    cr_expect_eq(rc, 3, "a sample that does not build exits 3: %s", out);
    cr_expect(strstr(out, "sample 'broken' does not build") != NULL, "%s", out);
    free(out);
    free(sub);
    free(wrong);
    free(marked);
    free(s1);
    free(s2);
}

Test(cli, sharded_scans_merged_equal_the_unsharded_scan)
{
    char *out, *whole, *merged;
    const char *samples = RC_TEST_SOURCE_DIR "/samples/*.c";
    int rc = e2e_run(&out, "cd %s && %s scan -q --db whole.db %s", dir, RACECHECK, samples);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    for (int k = 1; k <= 3; k++) {
        rc = e2e_run(&out, "cd %s && %s scan -q --shard %d/3 --db shard%d.db %s", dir, RACECHECK, k,
                     k, samples);
        cr_assert(rc == 0 || rc == 1, "%s", out);
        free(out);
    }
    rc = e2e_run(&out, "cd %s && %s merge --db merged.db shard1.db shard2.db shard3.db", dir,
                 RACECHECK);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "merged shard3.db: 1 run") != NULL, "%s", out);
    free(out);
    cr_assert_eq(e2e_run(&whole, "cd %s && %s report --no-summary --db whole.db", dir, RACECHECK),
                 1);
    cr_assert_eq(e2e_run(&merged, "cd %s && %s report --no-summary --db merged.db", dir, RACECHECK),
                 1);
    cr_expect_str_eq(merged, whole);
    free(whole);
    free(merged);
    /* A store that is not one is refused, and the target is left as it was. */
    char *junk = write_in_dir("junk.db", "not a store\n");
    rc = e2e_run(&out, "cd %s && %s merge --db merged.db junk.db", dir, RACECHECK);
    cr_expect_eq(rc, 3, "%s", out);
    cr_expect(strstr(out, "not a racecheck store") != NULL, "%s", out);
    free(out);
    free(junk);
}

/* A race between TUs of different shards: a.c and b.c each update `total`
 * from their own thread, started in main.c. No shard sees both sides; the
 * merge links the shards' saved facts and finds it, as the unsharded scan does,
 * and the shards' partial runs stop being reported. */
Test(cli, merge_links_shards_and_finds_races_across_them)
{
    free(write_in_dir("a.c", "extern long total;\n"
                             "void *count_a(void *arg) {\n"
                             "    (void)arg;\n"
                             "    total = total + 1;\n"
                             "    return 0;\n"
                             "}\n"));
    free(write_in_dir("b.c", "extern long total;\n"
                             "void *count_b(void *arg) {\n"
                             "    (void)arg;\n"
                             "    total += 2;\n"
                             "    return 0;\n"
                             "}\n"));
    free(write_in_dir("main.c", "#include <pthread.h>\n"
                                "long total;\n"
                                "void *count_a(void *);\n"
                                "void *count_b(void *);\n"
                                "int main(void) {\n"
                                "    pthread_t a, b;\n"
                                "    pthread_create(&a, 0, count_a, 0);\n"
                                "    pthread_create(&b, 0, count_b, 0);\n"
                                "    pthread_join(a, 0);\n"
                                "    pthread_join(b, 0);\n"
                                "    return (int)total;\n"
                                "}\n"));
    char *out, *whole, *merged;
    int rc = e2e_run(&out, "cd %s && %s scan -q --db whole.db a.c b.c main.c", dir, RACECHECK);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    /* Shards by path order: 1/2 = a.c and main.c, 2/2 = b.c. */
    for (int k = 1; k <= 2; k++) {
        rc = e2e_run(&out, "cd %s && %s scan -q --shard %d/2 --db shard%d.db a.c b.c main.c", dir,
                     RACECHECK, k, k);
        cr_assert_eq(rc, 0, "no shard alone sees the race: %s", out);
        free(out);
    }
    rc = e2e_run(&out,
                 "mkdir -p %s/ci && cd %s/ci && %s merge --db merged.db ../shard1.db "
                 "../shard2.db",
                 dir, dir, RACECHECK);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "linked 2 static runs: 3 translation units, 2 findings") != NULL, "%s",
              out);
    free(out);
    cr_assert_eq(e2e_run(&whole, "cd %s && %s report --no-summary --db whole.db", dir, RACECHECK),
                 1);
    cr_assert_eq(
        e2e_run(&merged, "cd %s && %s report --no-summary --db ci/merged.db", dir, RACECHECK), 1);
    cr_expect(strstr(whole, "b.c:4:") != NULL || strstr(whole, "a.c:4:") != NULL, "%s", whole);
    cr_expect_str_eq(merged, whole);
    free(whole);
    free(merged);
    /* Linking needs no sources: the facts are in the stores. */
    rc = e2e_run(&out,
                 "cd %s && mkdir -p moved && mv a.c b.c main.c moved/ && %s merge --db "
                 "again.db shard1.db shard2.db && %s report --no-summary --db again.db",
                 dir, RACECHECK, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    free(out);
}

Test(cli, a_second_scan_parses_only_what_changed)
{
    free(write_in_dir("racy.c", racy_src));
    free(write_in_dir("other.c", "int other(int x) { return x + 1; }\n"));
    char *out, *first, *cold;
    int rc = e2e_run(&out, "cd %s && %s scan racy.c other.c", dir, RACECHECK);
    cr_assert_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "in 2 translation units (0 unchanged since the last scan") != NULL, "%s",
              out);
    first = out;
    rc = e2e_run(&out, "cd %s && %s scan racy.c other.c", dir, RACECHECK);
    cr_assert_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "in 2 translation units (2 unchanged since the last scan") != NULL, "%s",
              out);
    /* The same diagnostics, from reused facts. */
    char *s1 = strstr(first, "racecheck: 1 finding"), *s2 = strstr(out, "racecheck: 1 finding");
    cr_assert(s1 && s2, "%s\n%s", first, out);
    cr_expect_eq(s1 - first, s2 - out);
    cr_expect(strncmp(first, out, (size_t)(s1 - first)) == 0, "%s\n%s", first, out);
    free(out);
    /* An edit: only that TU is parsed again, and its findings follow the edit. */
    free(write_in_dir("racy.c",
                      "#include <pthread.h>\n"
                      "static int hits;\n"
                      "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                      "static void *worker(void *arg) {\n"
                      "    (void)arg;\n"
                      "    pthread_mutex_lock(&m);\n"
                      "    hits = hits + 1;\n"
                      "    pthread_mutex_unlock(&m);\n"
                      "    return 0;\n"
                      "}\n"
                      "int main(void) {\n"
                      "    pthread_t t[2];\n"
                      "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
                      "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
                      "    return hits;\n"
                      "}\n"));
    rc = e2e_run(&out, "cd %s && %s scan racy.c other.c", dir, RACECHECK);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "0 findings in 2 translation units (1 unchanged since the last scan") !=
                  NULL,
              "%s", out);
    free(out);
    rc = e2e_run(&cold, "cd %s && %s scan --no-cache --db cold.db racy.c other.c", dir, RACECHECK);
    cr_expect_eq(rc, 0, "%s", cold);
    cr_expect(strstr(cold, "(0 unchanged since the last scan") != NULL, "%s", cold);
    free(cold);
    free(first);
}

Test(cli, merge_keeps_runtime_data)
{
    char *out;
    int rc = e2e_run(&out, "cd %s && %s run -q --db a.db -- %s/samples/counter_mutex", dir,
                     RACECHECK, RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    rc = e2e_run(&out, "cd %s && %s run -q --db b.db -- %s/samples/bank_transfer", dir, RACECHECK,
                 RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 1, "%s", out);
    free(out);
    rc = e2e_run(&out, "cd %s && %s merge --db m.db a.db b.db && %s report --db m.db", dir,
                 RACECHECK, RACECHECK);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "mutex 'served_lock'") != NULL, "%s", out);
    cr_expect(strstr(out, "thread T2 teller_check_to_save") != NULL, "%s", out);
    cr_expect(strstr(out, "[lock.order-inversion]") != NULL, "%s", out);
    free(out);
}
