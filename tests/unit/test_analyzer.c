/*
 * test_analyzer.c - the static analyzer on real C: every annotated input under
 * tests/inputs/<rule-id>/ (found at run time), TU failures, compilation
 * databases with relative paths, facts joined across TUs, and parallel scans.
 *
 * Annotated inputs: a line carrying `// expect: <rule-id>` must get a finding of
 * that rule; every other line must get none. The test compares the two sets of
 * (line, rule) pairs, so both a missed and an extra finding fail it.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "internal.h" /* facts, for the tests of what the front end extracts */

#define RULES_DIR RC_TEST_SOURCE_DIR "/rules"
#define INPUTS_DIR RC_TEST_SOURCE_DIR "/tests/inputs"

/* ---- helpers ------------------------------------------------------------------ */

static rc_analyzer_t *new_analyzer(int jobs)
{
    rc_analyzer_opts_t opts = {.rules_dir = RULES_DIR, .jobs = jobs};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    return an;
}

/* Scans jobs, asserts every TU parsed, and returns the findings. */
static void analyse(const rc_tu_jobs_t *jobs, int njobs, rc_findings_t *out)
{
    rc_analyzer_t *an = new_analyzer(njobs);
    rc_tu_status_t *st = calloc(jobs->n ? jobs->n : 1, sizeof *st);
    rc_error_t err;
    cr_assert_eq(rc_analyzer_scan(an, jobs, st, &err), RC_OK, "%s", err.msg);
    for (size_t i = 0; i < jobs->n; i++) {
        cr_assert(st[i].ok, "%s did not parse:\n%s", jobs->v[i].file,
                  st[i].message ? st[i].message : "");
        rc_tu_status_close(&st[i]);
    }
    free(st);
    cr_assert_eq(rc_analyzer_check(an, out, &err), RC_OK, "%s", err.msg);
    rc_analyzer_free(an);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static char tmpdir[256];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rc-test-analyzer-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tmp_path(const char *name)
{
    char *p = malloc(strlen(tmpdir) + strlen(name) + 2);
    sprintf(p, "%s/%s", tmpdir, name);
    return p;
}

/* ---- annotated inputs ------------------------------------------------------------ */

typedef struct input {
    char rule[256];
    char path[1024];
} input_t;

static int cmp_input(const void *a, const void *b)
{
    return strcmp(((const input_t *)a)->path, ((const input_t *)b)->path);
}

ParameterizedTestParameters(analyzer, annotated_input)
{
    /* The array lives in Criterion's shared heap; cr_realloc does not move it
     * reliably, so the cap is fixed and generous (exceeding it fails loudly). */
    size_t n = 0, cap = 512;
    input_t *v = cr_calloc(cap, sizeof *v);
    DIR *top = opendir(INPUTS_DIR);
    struct dirent *rd;
    while (top && (rd = readdir(top))) {
        if (rd->d_name[0] == '.')
            continue;
        char sub[600];
        snprintf(sub, sizeof sub, "%s/%s", INPUTS_DIR, rd->d_name);
        DIR *d = opendir(sub);
        struct dirent *fd;
        while (d && (fd = readdir(d))) {
            size_t len = strlen(fd->d_name);
            if (len < 3 || strcmp(fd->d_name + len - 2, ".c") != 0)
                continue;
            if (n == cap) {
                fprintf(stderr, "more than %zu annotated inputs: raise the cap\n", cap);
                abort();
            }
            snprintf(v[n].rule, sizeof v[n].rule, "%s", rd->d_name);
            snprintf(v[n].path, sizeof v[n].path, "%s/%s", sub, fd->d_name);
            n++;
        }
        if (d)
            closedir(d);
    }
    if (top)
        closedir(top);
    qsort(v, n, sizeof *v, cmp_input);
    return cr_make_param_array(input_t, v, n);
}

typedef struct mark {
    unsigned line;
    char rule[64];
} mark_t;

/* Reads the `// expect: rule[, rule]` marks of a file. */
static size_t read_marks(const char *path, mark_t *marks, size_t max)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    char line[1024];
    size_t n = 0;
    for (unsigned ln = 1; fgets(line, sizeof line, f); ln++) {
        char *e = strstr(line, "// expect:");
        if (!e)
            continue;
        char *save = NULL;
        for (char *tok = strtok_r(e + 10, " ,\t\n", &save); tok && n < max;
             tok = strtok_r(NULL, " ,\t\n", &save)) {
            marks[n].line = ln;
            snprintf(marks[n].rule, sizeof marks[n].rule, "%s", tok);
            n++;
        }
    }
    fclose(f);
    return n;
}

ParameterizedTest(input_t *in, analyzer, annotated_input, .timeout = 60)
{
    mark_t want[64];
    size_t nwant = read_marks(in->path, want, 64);
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, in->path, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);

    int ok = 1;
    char report[8192] = "";
    size_t rl = 0;
    for (size_t i = 0; i < fs.n; i++) {
        const rc_finding_t *f = &fs.v[i];
        cr_assert_eq(f->source, RC_SRC_STATIC);
        cr_assert_not_null(f->subject);
        int expected = 0;
        for (size_t k = 0; k < nwant; k++)
            expected |= want[k].line == f->loc.line && strcmp(want[k].rule, f->rule) == 0;
        if (!expected) {
            ok = 0;
            rl += (size_t)snprintf(report + rl, rl < sizeof report ? sizeof report - rl : 0,
                                   "unexpected: %u: %s [%s]\n", f->loc.line, f->message, f->rule);
        }
    }
    for (size_t k = 0; k < nwant; k++) {
        int found = 0;
        for (size_t i = 0; i < fs.n; i++)
            found |= want[k].line == fs.v[i].loc.line && strcmp(want[k].rule, fs.v[i].rule) == 0;
        if (!found) {
            ok = 0;
            rl += (size_t)snprintf(report + rl, rl < sizeof report ? sizeof report - rl : 0,
                                   "missing: %u: [%s]\n", want[k].line, want[k].rule);
        }
    }
    cr_assert(ok, "%s:\n%s", in->path, report);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

/* ---- messages and locations --------------------------------------------------------- */

Test(analyzer, message_names_variable_and_thread_and_location, .timeout = 60)
{
    make_tmpdir();
    char *src = tmp_path("count.c");
    write_file(src, "#include <pthread.h>\n"
                    "static long counter;\n"
                    "static void *worker(void *arg)\n"
                    "{\n"
                    "    (void)arg;\n"
                    "    for (int i = 0; i < 1000; i++)\n"
                    "        counter = counter + 1;\n"
                    "    return NULL;\n"
                    "}\n"
                    "int main(void)\n"
                    "{\n"
                    "    pthread_t t[4];\n"
                    "    for (int i = 0; i < 4; i++)\n"
                    "        pthread_create(&t[i], NULL, worker, NULL);\n"
                    "    for (int i = 0; i < 4; i++)\n"
                    "        pthread_join(t[i], NULL);\n"
                    "    return (int)counter;\n"
                    "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 1);
    const rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->rule, "race.unprotected-rmw");
    cr_assert_str_eq(f->subject, "counter");
    cr_assert_eq(f->loc.line, 7);
    cr_assert_eq(f->loc.col, 9);
    cr_assert_str_eq(f->loc.function, "worker");
    cr_assert_str_eq(f->message,
                     "non-atomic update 'counter = counter + 1' of shared 'counter' without a "
                     "lock; 'worker' runs in several threads at once (created in a loop at "
                     "count.c:14)");
    cr_assert_geq(f->nrelated, 1);
    cr_assert_eq(f->related[f->nrelated - 1].line, 14);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(src);
    remove_tmpdir();
}

Test(analyzer, subject_is_the_variable_of_a_field_or_element, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/race.unprotected-rmw/struct_and_array.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 2);
    cr_assert_str_eq(fs.v[0].subject, "st");
    cr_assert(strstr(fs.v[0].message, "'st.failures'") != NULL, "%s", fs.v[0].message);
    cr_assert_str_eq(fs.v[1].subject, "histogram");
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, subject_of_an_object_reached_through_the_thread_argument, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/race.unprotected-rmw/thread_argument.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 2);
    /* s->errors with every thread given &global_stats: the global, as TSan names it. */
    cr_assert_str_eq(fs.v[0].subject, "global_stats");
    cr_assert(strstr(fs.v[0].message, "'s->errors++'") != NULL, "%s", fs.v[0].message);
    /* t->n with every thread given the address of the same local: the local, by
     * its name (its accesses in main are tracked like a global's). */
    cr_assert_str_eq(fs.v[1].subject, "shared_tally");
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

/* ---- TU failures ------------------------------------------------------------------ */

static void scan_one_failing(const char *name, const char *text, const char *expect_in_msg)
{
    make_tmpdir();
    char *src = tmp_path(name);
    write_file(src, text);
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    char *good = tmp_path("good.c");
    write_file(good, "#include <pthread.h>\nint g;\nvoid *w(void *a) { g++; return a; }\n"
                     "int main(void) { pthread_t t[2]; for (int i = 0; i < 2; i++) "
                     "pthread_create(&t[i], 0, w, 0); return 0; }\n");
    rc_tu_jobs_add_file(&jobs, good, NULL, 0);
    rc_analyzer_t *an = new_analyzer(1);
    rc_tu_status_t st[2] = {0};
    rc_error_t err;
    cr_assert_eq(rc_analyzer_scan(an, &jobs, st, &err), RC_OK);
    cr_assert_eq(st[0].ok, 0);
    cr_assert_not_null(st[0].message);
    cr_assert(strstr(st[0].message, expect_in_msg) != NULL, "message: %s", st[0].message);
    cr_assert(strstr(st[0].message, ": error: ") != NULL, "message: %s", st[0].message);
    cr_assert_eq(st[1].ok, 1, "%s", st[1].message ? st[1].message : "");
    rc_findings_t fs = {0};
    cr_assert_eq(rc_analyzer_check(an, &fs, &err), RC_OK);
    /* The failed TU's facts are gone; the good one still counts. */
    cr_assert_eq(fs.n, 1);
    cr_assert(strstr(fs.v[0].loc.file, "good.c") != NULL);
    rc_findings_close(&fs);
    rc_tu_status_close(&st[0]);
    rc_tu_status_close(&st[1]);
    rc_analyzer_free(an);
    rc_tu_jobs_close(&jobs);
    free(good);
    free(src);
    remove_tmpdir();
}

Test(analyzer, syntax_error_fails_the_tu_with_location, .timeout = 60)
{
    scan_one_failing("broken.c",
                     "int counter;\n"
                     "void f(void)\n"
                     "{\n"
                     "    counter++\n"
                     "}\n",
                     "broken.c:4:");
}

Test(analyzer, missing_header_fails_the_tu, .timeout = 60)
{
    scan_one_failing("nohdr.c", "#include \"no_such_header.h\"\nint x;\n", "no_such_header.h");
}

Test(analyzer, missing_source_file_fails_the_tu, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, "/nonexistent/dir/gone.c", NULL, 0);
    rc_analyzer_t *an = new_analyzer(1);
    rc_tu_status_t st = {0};
    rc_error_t err;
    cr_assert_eq(rc_analyzer_scan(an, &jobs, &st, &err), RC_OK);
    cr_assert_eq(st.ok, 0);
    cr_assert(strstr(st.message, "gone.c: error: cannot read") != NULL, "%s", st.message);
    rc_tu_status_close(&st);
    rc_analyzer_free(an);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, standard_and_compiler_headers_resolve, .timeout = 60)
{
    make_tmpdir();
    char *src = tmp_path("hdrs.c");
    write_file(src, "#include <stdatomic.h>\n#include <stddef.h>\n#include <stdio.h>\n"
                    "#include <threads.h>\natomic_int n;\nsize_t s;\nint main(void) "
                    "{ atomic_fetch_add(&n, 1); return 0; }\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 0);
    rc_tu_jobs_close(&jobs);
    free(src);
    remove_tmpdir();
}

/* ---- compilation database ------------------------------------------------------------ */

Test(analyzer, compdb_with_relative_paths_and_directory, .timeout = 60)
{
    make_tmpdir();
    char *d;
    mkdir((d = tmp_path("src")), 0755);
    free(d);
    mkdir((d = tmp_path("include")), 0755);
    free(d);
    mkdir((d = tmp_path("build")), 0755);
    free(d);
    char *hdr = tmp_path("include/shared.h");
    write_file(hdr, "extern long hits;\nvoid *worker(void *arg);\n");
    char *src = tmp_path("src/main.c");
    write_file(src, "#include <pthread.h>\n"
                    "#include \"shared.h\"\n"
                    "long hits;\n"
                    "void *worker(void *arg)\n"
                    "{\n"
                    "    hits += 2;\n"
                    "    return arg;\n"
                    "}\n"
                    "int main(void)\n"
                    "{\n"
                    "    pthread_t a, b;\n"
                    "    pthread_create(&a, NULL, worker, NULL);\n"
                    "    pthread_create(&b, NULL, worker, NULL);\n"
                    "    pthread_join(a, NULL);\n"
                    "    pthread_join(b, NULL);\n"
                    "    return 0;\n"
                    "}\n");
    char *db = tmp_path("build/compile_commands.json");
    char json[2048];
    snprintf(json, sizeof json,
             "[{\"directory\": \"%s\", \"file\": \"src/main.c\",\n"
             "  \"arguments\": [\"cc\", \"-Iinclude\", \"-std=c11\", \"-c\", \"src/main.c\", "
             "\"-o\", \"build/main.o\"]},\n"
             " {\"directory\": \"%s\", \"file\": \"src/start.S\",\n"
             "  \"command\": \"cc -c src/start.S -o build/start.o\"}]\n",
             tmpdir, tmpdir);
    write_file(db, json);
    char *bdir = tmp_path("build");
    rc_tu_jobs_t jobs = {0};
    rc_error_t err;
    /* Run from elsewhere: nothing may depend on the current directory. */
    char cwd[1024];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    cr_assert_eq(chdir("/"), 0);
    cr_assert_eq(rc_compdb_load(bdir, &jobs, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(jobs.n, 1);
    cr_assert_eq(jobs.v[0].file[0], '/');
    cr_assert(strstr(jobs.v[0].file, "src/main.c") != NULL);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_eq(fs.n, 1);
    cr_assert_eq(fs.v[0].loc.line, 6);
    cr_assert_str_eq(fs.v[0].subject, "hits");
    cr_assert(strstr(fs.v[0].message, "created at main.c:12 and main.c:13") != NULL, "%s",
              fs.v[0].message);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(bdir);
    free(db);
    free(src);
    free(hdr);
    remove_tmpdir();
}

Test(analyzer, gcc_only_flags_and_gcc_warnings_do_not_fail_the_tu, .timeout = 60)
{
    make_tmpdir();
    char *src = tmp_path("gccish.c");
    /* An implicit declaration: a warning for gcc, an error by default for clang 16+. */
    write_file(src, "#include <pthread.h>\n"
                    "long n;\n"
                    "void *w(void *a) { n++; log_it(); return a; }\n"
                    "int main(void) { pthread_t t[2]; for (int i = 0; i < 2; i++) "
                    "pthread_create(&t[i], 0, w, 0); return 0; }\n");
    static const char *const gcc_flags[] = {"-fno-tree-loop-distribute-patterns",
                                            "-fconserve-stack", "-Werror"};
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, gcc_flags, 3);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 1);
    cr_assert_eq(fs.v[0].loc.line, 3);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(src);
    remove_tmpdir();
}

Test(analyzer, compdb_missing_is_enoent)
{
    rc_tu_jobs_t jobs = {0};
    rc_error_t err;
    cr_assert_eq(rc_compdb_load("/nonexistent-dir", &jobs, &err), RC_ENOENT);
    cr_assert_eq(jobs.n, 0);
}

/* ---- whole program ------------------------------------------------------------------ */

Test(analyzer, cross_tu_global_updated_by_thread_started_elsewhere, .timeout = 60)
{
    make_tmpdir();
    char *a = tmp_path("a.c");
    write_file(a, "long total;\n"
                  "void add_sample(long v)\n"
                  "{\n"
                  "    total += v;\n"
                  "}\n");
    char *b = tmp_path("b.c");
    write_file(b, "#include <pthread.h>\n"
                  "void add_sample(long v);\n"
                  "extern long total;\n"
                  "static void *sampler(void *arg)\n"
                  "{\n"
                  "    for (long i = 0; i < 100; i++)\n"
                  "        add_sample(i);\n"
                  "    return arg;\n"
                  "}\n"
                  "int main(void)\n"
                  "{\n"
                  "    pthread_t t[3];\n"
                  "    for (int i = 0; i < 3; i++)\n"
                  "        pthread_create(&t[i], NULL, sampler, NULL);\n"
                  "    for (int i = 0; i < 3; i++)\n"
                  "        pthread_join(t[i], NULL);\n"
                  "    return total > 0;\n"
                  "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, a, NULL, 0);
    rc_tu_jobs_add_file(&jobs, b, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    cr_assert_eq(fs.n, 1);
    cr_assert(strstr(fs.v[0].loc.file, "a.c") != NULL);
    cr_assert_eq(fs.v[0].loc.line, 4);
    cr_assert_str_eq(fs.v[0].loc.function, "add_sample");
    cr_assert(strstr(fs.v[0].message, "'sampler' runs in several threads") != NULL, "%s",
              fs.v[0].message);
    rc_findings_close(&fs);

    /* Each TU alone: a.c has no threads, b.c no update. */
    for (size_t i = 0; i < 2; i++) {
        rc_tu_jobs_t one = {0};
        rc_tu_jobs_add_file(&one, jobs.v[i].file, NULL, 0);
        analyse(&one, 1, &fs);
        cr_assert_eq(fs.n, 0);
        rc_tu_jobs_close(&one);
    }
    rc_tu_jobs_close(&jobs);
    free(a);
    free(b);
    remove_tmpdir();
}

Test(analyzer, lock_helpers_defined_in_another_tu, .timeout = 60)
{
    make_tmpdir();
    char *a = tmp_path("locking.c");
    write_file(a, "#include <pthread.h>\n"
                  "pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;\n"
                  "void stats_lock(void) { pthread_mutex_lock(&stats_mu); }\n"
                  "void stats_unlock(void) { pthread_mutex_unlock(&stats_mu); }\n"
                  "void grab(pthread_mutex_t *m) { pthread_mutex_lock(m); }\n"
                  "void drop(pthread_mutex_t *m) { pthread_mutex_unlock(m); }\n");
    char *b = tmp_path("workers.c");
    write_file(b, "#include <pthread.h>\n"
                  "void stats_lock(void);\n"
                  "void stats_unlock(void);\n"
                  "void grab(pthread_mutex_t *m);\n"
                  "void drop(pthread_mutex_t *m);\n"
                  "static pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;\n"
                  "static long hits, misses, errors;\n"
                  "static void *worker(void *arg)\n"
                  "{\n"
                  "    stats_lock();\n"
                  "    hits++;\n"
                  "    stats_unlock();\n"
                  "    misses++;\n"
                  "    grab(&other);\n"
                  "    errors++;\n"
                  "    drop(&other);\n"
                  "    return arg;\n"
                  "}\n"
                  "int main(void)\n"
                  "{\n"
                  "    pthread_t t[3];\n"
                  "    for (int i = 0; i < 3; i++)\n"
                  "        pthread_create(&t[i], NULL, worker, NULL);\n"
                  "    for (int i = 0; i < 3; i++)\n"
                  "        pthread_join(t[i], NULL);\n"
                  "    return (int)(hits + misses + errors);\n"
                  "}\n");
    for (int order = 0; order < 2; order++) {
        rc_tu_jobs_t jobs = {0};
        rc_tu_jobs_add_file(&jobs, order ? a : b, NULL, 0);
        rc_tu_jobs_add_file(&jobs, order ? b : a, NULL, 0);
        rc_findings_t fs = {0};
        analyse(&jobs, 2, &fs);
        cr_assert_eq(fs.n, 1, "order %d: %zu findings, first at line %u", order, fs.n,
                     fs.n ? fs.v[0].loc.line : 0);
        cr_assert_eq(fs.v[0].loc.line, 13);
        cr_assert_str_eq(fs.v[0].subject, "misses");
        rc_findings_close(&fs);
        rc_tu_jobs_close(&jobs);
    }
    free(a);
    free(b);
    remove_tmpdir();
}

Test(analyzer, lock_helpers_calling_helpers_in_a_third_tu, .timeout = 60)
{
    make_tmpdir();
    char *a = tmp_path("raw.c");
    write_file(a, "#include <pthread.h>\n"
                  "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                  "void raw_lock(void) { pthread_mutex_lock(&m); }\n"
                  "void raw_unlock(void) { pthread_mutex_unlock(&m); }\n");
    char *b = tmp_path("stats.c");
    write_file(b, "void raw_lock(void);\n"
                  "void raw_unlock(void);\n"
                  "void stats_enter(void) { raw_lock(); }\n"
                  "void stats_leave(void) { raw_unlock(); }\n");
    char *c = tmp_path("main.c");
    write_file(c, "#include <pthread.h>\n"
                  "void stats_enter(void);\n"
                  "void stats_leave(void);\n"
                  "static long hits, misses;\n"
                  "static void *worker(void *arg)\n"
                  "{\n"
                  "    stats_enter();\n"
                  "    hits++;\n"
                  "    stats_leave();\n"
                  "    misses++;\n"
                  "    return arg;\n"
                  "}\n"
                  "int main(void)\n"
                  "{\n"
                  "    pthread_t t[2];\n"
                  "    for (int i = 0; i < 2; i++)\n"
                  "        pthread_create(&t[i], NULL, worker, NULL);\n"
                  "    return 0;\n"
                  "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, c, NULL, 0);
    rc_tu_jobs_add_file(&jobs, b, NULL, 0);
    rc_tu_jobs_add_file(&jobs, a, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    cr_assert_eq(fs.n, 1);
    cr_assert_eq(fs.v[0].loc.line, 10);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(a);
    free(b);
    free(c);
    remove_tmpdir();
}

/* All annotated inputs as one job list: the findings do not depend on -j. */
static void all_inputs(rc_tu_jobs_t *jobs)
{
    DIR *d = opendir(INPUTS_DIR "/race.unprotected-rmw");
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 2 && strcmp(e->d_name + len - 2, ".c") == 0) {
            char p[1024];
            snprintf(p, sizeof p, "%s/race.unprotected-rmw/%s", INPUTS_DIR, e->d_name);
            rc_tu_jobs_add_file(jobs, p, NULL, 0);
        }
    }
    closedir(d);
}

Test(analyzer, parallel_scan_gives_the_same_findings, .timeout = 120)
{
    rc_tu_jobs_t jobs = {0};
    all_inputs(&jobs);
    cr_assert_gt(jobs.n, 4);
    /* Separate programs: each file alone is what the inputs assert, so here only
     * the per-file view matters; join them anyway to exercise linking of many TUs. */
    rc_findings_t f1 = {0}, f2 = {0};
    analyse(&jobs, 1, &f1);
    analyse(&jobs, 2, &f2);
    cr_assert_eq(f1.n, f2.n);
    cr_assert_gt(f1.n, 0);
    for (size_t i = 0; i < f1.n; i++) {
        cr_assert_str_eq(f1.v[i].loc.file, f2.v[i].loc.file);
        cr_assert_eq(f1.v[i].loc.line, f2.v[i].loc.line);
        cr_assert_str_eq(f1.v[i].message, f2.v[i].message);
    }
    rc_findings_close(&f1);
    rc_findings_close(&f2);
    rc_tu_jobs_close(&jobs);
}

static void count_progress(void *ud, size_t done, size_t total, const char *file)
{
    size_t *calls = ud;
    cr_assert_eq(done, *calls + 1, "progress is serialised and counts up");
    cr_assert_gt(total, 0);
    cr_assert_not_null(file);
    (*calls)++;
}

Test(analyzer, progress_reports_every_tu, .timeout = 120)
{
    rc_tu_jobs_t jobs = {0};
    all_inputs(&jobs);
    size_t calls = 0;
    rc_analyzer_opts_t opts = {
        .rules_dir = RULES_DIR, .jobs = 2, .progress = count_progress, .progress_ud = &calls};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK);
    rc_tu_status_t *st = calloc(jobs.n, sizeof *st);
    cr_assert_eq(rc_analyzer_scan(an, &jobs, st, &err), RC_OK);
    cr_assert_eq(calls, jobs.n);
    for (size_t i = 0; i < jobs.n; i++)
        rc_tu_status_close(&st[i]);
    free(st);
    rc_analyzer_free(an);
    rc_tu_jobs_close(&jobs);
}

/* ---- rules beyond races ---------------------------------------------------------------- */

/* Every static rule has an annotated inputs directory with at least four programs,
 * some with expected findings and some that must stay silent (twins). */
Test(analyzer, every_static_rule_has_annotated_inputs)
{
    for (size_t r = 0; r < rc_static_nrules; r++) {
        char dir[600];
        snprintf(dir, sizeof dir, "%s/%s", INPUTS_DIR, rc_static_rules[r].id);
        DIR *d = opendir(dir);
        cr_assert_not_null(d, "no inputs for %s", rc_static_rules[r].id);
        int programs = 0, marked = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t len = strlen(de->d_name);
            if (len < 3 || strcmp(de->d_name + len - 2, ".c") != 0)
                continue;
            char path[900];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            mark_t m[64];
            programs++;
            marked += read_marks(path, m, 64) > 0;
        }
        closedir(d);
        cr_assert_geq(programs, 4, "%s: %d programs", rc_static_rules[r].id, programs);
        cr_assert(marked > 0 && marked < programs, "%s: %d of %d programs marked",
                  rc_static_rules[r].id, marked, programs);
    }
}

Test(analyzer, order_inversion_of_a_lock_class_lands_on_the_inner_acquisition, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, RC_TEST_SOURCE_DIR "/samples/bank_transfer.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 1);
    const rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->rule, "lock.order-inversion");
    cr_assert_str_eq(f->subject, "account::lock");
    cr_assert_eq(f->loc.line, 28); /* pthread_mutex_lock(&to->lock) */
    cr_assert_str_eq(f->loc.function, "transfer");
    /* Each teller: where it takes the first lock, where it waits for the second. */
    cr_assert_eq(f->nrelated, 4);
    cr_assert_eq(f->related[0].line, 27);
    cr_assert_eq(f->related[1].line, 28);
    cr_assert(strstr(f->message, "teller_save_to_check") &&
                  strstr(f->message, "teller_check_to_save"),
              "%s", f->message);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, order_inversion_names_both_orders_and_threads, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/lock.order-inversion/abba.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 1);
    const rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->subject, "a,b");
    cr_assert_eq(f->loc.line, 13);
    cr_assert_str_eq(f->message,
                     "lock order inversion: 'a' then 'b' in thread 'forward' (abba.c:13), "
                     "'b' then 'a' in thread 'backward' (abba.c:25); run together these "
                     "threads can deadlock");
    cr_assert_eq(f->nrelated, 4);
    unsigned want[4] = {12, 13, 24, 25};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(f->related[i].line, want[i], "related %d", i);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, mt_unsafe_message_suggests_the_alternative, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/api.mt-unsafe-call/time_buffers.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    cr_assert_eq(fs.n, 2);
    int seen = 0;
    for (size_t i = 0; i < fs.n; i++) {
        if (strcmp(fs.v[i].subject, "localtime") != 0)
            continue;
        seen = 1;
        cr_assert_str_eq(fs.v[i].message,
                         "'localtime' is not thread-safe (hidden state 'time-buffers'); 'logger' "
                         "calls it in thread 'logger' while thread 'main' may call 'gmtime' "
                         "(time_buffers.c:21); use 'localtime_r'");
    }
    cr_assert(seen);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, lock_leak_points_at_the_exit_and_the_acquisition, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/lock.leak/early_return.c", NULL, 0);
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/lock.leak/goto_past_unlock.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    cr_assert_eq(fs.n, 2);
    for (size_t i = 0; i < fs.n; i++) {
        const rc_finding_t *f = &fs.v[i];
        cr_assert_str_eq(f->rule, "lock.leak");
        cr_assert_str_eq(f->subject, "m");
        if (strstr(f->loc.file, "early_return.c")) {
            cr_assert_eq(f->loc.line, 13);
            cr_assert_str_eq(f->message,
                             "'push' returns holding 'm' taken at early_return.c:11 (other paths "
                             "release it)");
            cr_assert_eq(f->nrelated, 1);
            cr_assert_eq(f->related[0].line, 11);
        } else {
            cr_assert_eq(f->loc.line, 15);
            cr_assert_str_eq(f->message, "goto in 'store' jumps past the unlock of 'm' "
                                         "(goto_past_unlock.c:18): 'store' returns holding it");
            cr_assert_eq(f->nrelated, 2);
            cr_assert_eq(f->related[1].line, 18);
        }
    }
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

/* ---- facts ------------------------------------------------------------------------ */

static const char *lock_id(const rc_tu_facts_t *tf, uint32_t l)
{
    return tf->locks.v[l];
}

/* 1 when facts lockset ls holds the lock (or mark) whose id is id. */
static int lset_has_id(const rc_tu_facts_t *tf, const rc_lset_t *ls, const char *id)
{
    for (int i = 0; i < ls->n; i++)
        if (strcmp(lock_id(tf, RC_LREF_LOCK(ls->v[i])), id) == 0)
            return 1;
    return 0;
}

Test(analyzer, facts_record_lock_operations_with_the_locks_held, .timeout = 60)
{
    make_tmpdir();
    char *src = tmp_path("order.c");
    write_file(src,
               "#include <pthread.h>\n"
               "pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;\n"
               "void f(void)\n"
               "{\n"
               "    pthread_mutex_lock(&a);\n"
               "    pthread_mutex_lock(&b);\n"
               "    pthread_mutex_unlock(&b);\n"
               "    pthread_mutex_unlock(&a);\n"
               "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    rc_analyzer_t *an = new_analyzer(1);
    rc_tu_status_t st = {0};
    rc_error_t err;
    cr_assert_eq(rc_analyzer_scan(an, &jobs, &st, &err), RC_OK);
    cr_assert(st.ok);
    cr_assert_eq(an->ntus, 1);
    const rc_tu_facts_t *tf = &an->tus[0];
    cr_assert_eq(tf->nfns, 1);
    const rc_fn_facts_t *f = &tf->fns[0];
    cr_assert_str_eq(f->name, "f");
    cr_assert_eq(f->nlockops, 4);
    /* lock(&b) on line 6 happens while a is held. */
    const rc_lockop_t *op = &f->lockops[1];
    cr_assert_eq(op->kind, RC_API_LOCK);
    cr_assert_eq(op->pos.line, 6);
    cr_assert_str_eq(lock_id(tf, op->lock), "c:@b");
    /* a, and the order mark saying the function has taken a (internal.h). */
    cr_assert_eq(op->held.n, 2);
    cr_assert(lset_has_id(tf, &op->held, "c:@a"));
    cr_assert(lset_has_id(tf, &op->held, RC_ACQ_PREFIX "c:@a"));
    /* The first lock holds nothing; the last unlock holds only a, and both
     * locks have been taken: the marks stay after b's release. */
    cr_assert_eq(f->lockops[0].held.n, 0);
    cr_assert_eq(f->lockops[3].kind, RC_API_UNLOCK);
    cr_assert_eq(f->lockops[3].held.n, 3);
    cr_assert(lset_has_id(tf, &f->lockops[3].held, "c:@a"));
    cr_assert(!lset_has_id(tf, &f->lockops[3].held, "c:@b"));
    cr_assert(lset_has_id(tf, &f->lockops[3].held, RC_ACQ_PREFIX "c:@b"));
    rc_tu_status_close(&st);
    rc_analyzer_free(an);
    rc_tu_jobs_close(&jobs);
    free(src);
    remove_tmpdir();
}

/* ---- API models --------------------------------------------------------------------- */

Test(analyzer, models_reject_bad_files)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/bad.json");
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_lock\", \"kind\": \"grab\"}]}");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "grab") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_lock\", \"kind\": \"lock\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "lock_arg") != NULL, "%s", err.msg);
    /* mt_unsafe's fields belong to that kind and have types. */
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_lock\", \"kind\": \"lock\","
                  " \"lock_arg\": 0, \"alternative\": \"my_lock_r\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "mt_unsafe") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_env\", \"kind\": "
                  "\"mt_unsafe\", \"read_only\": \"yes\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "read_only") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_env\", \"kind\": "
                  "\"mt_unsafe\", \"state\": \"\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    /* lock_global names a lock for lock and unlock only, as a non-empty string. */
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_try\", \"kind\": "
                  "\"trylock\", \"lock_global\": \"big\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "kinds 'lock' and 'unlock'") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"my_enter\", \"kind\": "
                  "\"lock\", \"lock_global\": 3}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "lock_global") != NULL, "%s", err.msg);
    opts.rules_dir = "/nonexistent";
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EIO);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, models_are_data_a_custom_lock_api_is_honoured, .timeout = 60)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/mylib.json");
    write_file(f, "{\"version\": 1, \"functions\": [\n"
                  " {\"name\": \"pthread_create\", \"kind\": \"thread_create\", \"handle_arg\": 0,"
                  "  \"routine_arg\": 2, \"arg_arg\": 3},\n"
                  " {\"name\": \"my_lock\", \"kind\": \"lock\", \"lock_arg\": 0},\n"
                  " {\"name\": \"my_unlock\", \"kind\": \"unlock\", \"lock_arg\": 0}]}\n");
    char *src = tmp_path("custom.c");
    write_file(src, "#include <pthread.h>\n"
                    "struct my_mutex { int word; };\n"
                    "void my_lock(struct my_mutex *m);\n"
                    "void my_unlock(struct my_mutex *m);\n"
                    "static struct my_mutex mu;\n"
                    "static int n;\n"
                    "static void *w(void *a)\n"
                    "{\n"
                    "    my_lock(&mu);\n"
                    "    n++;\n"
                    "    my_unlock(&mu);\n"
                    "    return a;\n"
                    "}\n"
                    "int main(void)\n"
                    "{\n"
                    "    pthread_t t[2];\n"
                    "    for (int i = 0; i < 2; i++)\n"
                    "        pthread_create(&t[i], 0, w, 0);\n"
                    "    return 0;\n"
                    "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    for (int custom = 0; custom < 2; custom++) {
        rc_analyzer_opts_t opts = {.rules_dir = custom ? tmpdir : RULES_DIR};
        rc_analyzer_t *an = NULL;
        rc_error_t err;
        cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
        rc_tu_status_t st = {0};
        cr_assert_eq(rc_analyzer_scan(an, &jobs, &st, &err), RC_OK);
        cr_assert(st.ok);
        rc_findings_t fs = {0};
        cr_assert_eq(rc_analyzer_check(an, &fs, &err), RC_OK);
        /* The stock models do not know my_lock: the update looks unprotected. */
        cr_assert_eq(fs.n, custom ? 0 : 1);
        rc_findings_close(&fs);
        rc_analyzer_free(an);
    }
    rc_tu_jobs_close(&jobs);
    free(src);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, extra_model_files_add_a_projects_own_lock_wrappers, .timeout = 60)
{
    make_tmpdir();
    char *model = tmp_path("wrappers.json");
    write_file(model, "{\"version\": 1, \"functions\": [\n"
                      " {\"name\": \"grab\", \"kind\": \"lock\", \"lock_arg\": 0},\n"
                      " {\"name\": \"drop\", \"kind\": \"unlock\", \"lock_arg\": 0}]}\n");
    char *src = tmp_path("wrapped.c");
    /* grab/drop are defined in a library the analysis does not see. */
    write_file(src, "#include <pthread.h>\n"
                    "void grab(pthread_mutex_t *m);\n"
                    "void drop(pthread_mutex_t *m);\n"
                    "static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                    "static long hits;\n"
                    "static void *w(void *a)\n"
                    "{\n"
                    "    grab(&m);\n"
                    "    hits++;\n"
                    "    drop(&m);\n"
                    "    return a;\n"
                    "}\n"
                    "int main(void)\n"
                    "{\n"
                    "    pthread_t t[2];\n"
                    "    for (int i = 0; i < 2; i++)\n"
                    "        pthread_create(&t[i], 0, w, 0);\n"
                    "    for (int i = 0; i < 2; i++)\n"
                    "        pthread_join(t[i], 0);\n"
                    "    return 0;\n"
                    "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, src, NULL, 0);
    const char *extra[] = {model};
    for (int with = 0; with < 2; with++) {
        rc_analyzer_opts_t opts = {
            .rules_dir = RULES_DIR, .extra_models = extra, .nextra_models = with ? 1 : 0};
        rc_analyzer_t *an = NULL;
        rc_error_t err;
        cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
        rc_tu_status_t st = {0};
        cr_assert_eq(rc_analyzer_scan(an, &jobs, &st, &err), RC_OK);
        cr_assert(st.ok);
        rc_findings_t fs = {0};
        cr_assert_eq(rc_analyzer_check(an, &fs, &err), RC_OK);
        size_t races = 0;
        for (size_t i = 0; i < fs.n; i++)
            if (strcmp(fs.v[i].rule, "race.unprotected-rmw") == 0 && fs.v[i].loc.line == 9)
                races++;
        cr_assert_eq(races, with ? 0 : 1, "with the model file: %d", with);
        rc_findings_close(&fs);
        rc_analyzer_free(an);
    }
    rc_tu_jobs_close(&jobs);

    /* A missing file, a malformed one and a redefinition are errors naming the file. */
    rc_analyzer_opts_t opts = {.rules_dir = RULES_DIR, .extra_models = extra, .nextra_models = 1};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    char *missing = tmp_path("none.json");
    extra[0] = missing;
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EIO);
    cr_assert(strstr(err.msg, missing) != NULL, "%s", err.msg);
    extra[0] = model;
    write_file(model, "{\"version\": 1, \"functions\": [{\"name\": \"grab\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, model) != NULL, "%s", err.msg);
    write_file(model, "{\"version\": 1, \"functions\": [oops");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, model) != NULL, "%s", err.msg);
    write_file(model, "{\"version\": 1, \"functions\": [\n"
                      " {\"name\": \"pthread_mutex_lock\", \"kind\": \"lock\", \"lock_arg\": 0}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "pthread_mutex_lock") != NULL, "%s", err.msg);
    cr_assert(strstr(err.msg, "pthread.json") != NULL && strstr(err.msg, model) != NULL, "%s",
              err.msg);
    free(missing);
    free(src);
    free(model);
    remove_tmpdir();
}

Test(analyzer, signal_models_reject_bad_entries)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/sig.json");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"signal\", \"kind\": "
                  "\"signal_install\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "handler_arg") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"signal\", \"kind\": "
                  "\"signal_install\", \"handler_arg\": 1}], \"async_signal_safe\": \"write\"}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "async_signal_safe") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"signal\", \"kind\": "
                  "\"signal_install\", \"handler_arg\": 1}], \"async_signal_safe\": "
                  "[\"write\", \"write\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "write") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"signal\", \"kind\": "
                  "\"signal_install\", \"handler_arg\": 1}], \"async_signal_safe\": "
                  "[\"write\", \"_exit\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    rc_analyzer_free(an);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, signal_unsafe_call_names_the_handler_the_path_and_the_installation, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/signal.unsafe-call/handler_helper.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    const rc_finding_t *f = NULL;
    for (size_t i = 0; i < fs.n; i++)
        if (strcmp(fs.v[i].rule, "signal.unsafe-call") == 0)
            f = &fs.v[i];
    cr_assert_not_null(f);
    cr_assert_eq(f->loc.line, 14);
    cr_assert_str_eq(f->loc.function, "remember");
    cr_assert_str_eq(f->subject, "on_usr1");
    cr_assert(strstr(f->message, "'malloc'") && strstr(f->message, "'on_usr1'") &&
                  strstr(f->message, "on_usr1 -> note -> remember -> malloc"),
              "%s", f->message);
    cr_assert_eq(f->nrelated, 3);
    cr_assert_eq(f->related[0].line, 42); /* signal(SIGUSR1, on_usr1) */
    cr_assert_eq(f->related[1].line, 36); /* note("usr1") */
    cr_assert_eq(f->related[2].line, 21); /* remember(what) */
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, memory_models_reject_bad_entries)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/mem.json");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"fill\", \"kind\": \"memory\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "writes") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"fill\", \"kind\": \"memory\", "
                  "\"writes\": [64]}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "0..63") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"fill\", \"kind\": \"memory\", "
                  "\"writes_from\": -1}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"fill\", \"kind\": \"memory\", "
                  "\"writes\": [0], \"reads\": [1, 2]}, {\"name\": \"scan\", \"kind\": "
                  "\"memory\", \"writes_from\": 1}, {\"name\": \"tok\", \"kind\": "
                  "\"mt_unsafe\", \"writes\": [0]}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    const rc_api_fn_t *fill = rc_models_find(&an->models, "fill");
    cr_assert_eq(fill->kind, RC_API_MEMORY);
    cr_assert_eq(fill->writes, 1u);
    cr_assert_eq(fill->reads, 6u);
    cr_assert_eq(fill->writes_from, -1);
    cr_assert_eq(rc_models_find(&an->models, "scan")->writes_from, 1);
    cr_assert(rc_api_touches_memory(rc_models_find(&an->models, "tok")));
    cr_assert(!fill->returns_new);
    rc_analyzer_free(an);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"mk\", \"kind\": \"memory\", "
                  "\"returns_new\": 1}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "returns_new") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"mk\", \"kind\": \"memory\", "
                  "\"returns_new\": true}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    cr_assert(rc_models_find(&an->models, "mk")->returns_new);
    rc_analyzer_free(an);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, atomic_function_prefixes_are_read_and_checked)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/atomic.json");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    write_file(f, "{\"version\": 1, \"functions\": [], \"atomic_function_prefixes\": "
                  "[\"atomic_\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "atomic_function_prefixes") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [], \"atomic_function_prefixes\": "
                  "{\"atomic_\": \"\"}}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"stop\", \"kind\": "
                  "\"noreturn\"}], \"atomic_function_prefixes\": {\"atomic_\": \"big_lock\"}}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    cr_assert_str_eq(rc_models_atomic_lock(&an->models, "atomic_inc"), "big_lock");
    cr_assert_null(rc_models_atomic_lock(&an->models, "inc_atomic"));
    rc_analyzer_free(an);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, ticket_function_prefixes_are_read_and_checked)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/tickets.json");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    write_file(f, "{\"version\": 1, \"functions\": [], \"ticket_function_prefixes\": "
                  "{\"x\": 1}}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "ticket_function_prefixes") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [], \"ticket_function_prefixes\": [\"\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"stop\", \"kind\": "
                  "\"noreturn\"}], \"ticket_function_prefixes\": [\"take_ticket\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    cr_assert(rc_models_ticket(&an->models, "take_ticket_4"));
    cr_assert(!rc_models_ticket(&an->models, "take_tick"));
    rc_analyzer_free(an);
    free(f);
    free(api);
    remove_tmpdir();
}

Test(analyzer, keys_of_pointed_to_objects_do_not_overlap_their_pointers)
{
    /* "x>" is the object pointer x points to: not x, not its holder's parts */
    cr_assert(rc_keys_overlap("g\x1e.p>.n", "g\x1e.p>.n", 0));
    cr_assert(rc_keys_overlap("g\x1e.p>", "g\x1e.p>.n", 0));
    cr_assert(!rc_keys_overlap("g\x1e.p", "g\x1e.p>.n", 0));
    cr_assert(!rc_keys_overlap("g\x1e", "g\x1e.p>", 0));
    cr_assert(!rc_keys_overlap("g\x1e", "g\x1e.s.p>", 0));
    cr_assert(!rc_keys_overlap("g\x1e", "g\x1e>", 0));
    cr_assert(rc_keys_overlap("g\x1e[*]>", "g\x1e[3]>", 0));
    cr_assert(!rc_keys_overlap("g\x1e[*]", "g\x1e[3]>", 0));
    cr_assert(rc_keys_overlap("g\x1e", "g\x1e.s.q", 0)); /* a part of g */
    cr_assert(!rc_keys_overlap("g\x1e[#]", "g\x1e[#]", 1));
}

Test(analyzer, a_race_finding_names_the_other_conflicting_accesses, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/race.unprotected-rmw/partial_join.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    /* hits++ in count_hit races with itself (two threads) and with main's
     * hits++ after joining only one of them: the finding cites the first and
     * lists the second as a related location. */
    const rc_finding_t *f = NULL;
    for (size_t i = 0; i < fs.n; i++)
        if (strcmp(fs.v[i].rule, "race.unprotected-rmw") == 0 && fs.v[i].loc.line == 12)
            f = &fs.v[i];
    cr_assert_not_null(f);
    cr_assert(strstr(f->message, "runs in several threads at once") != NULL, "%s", f->message);
    int also = 0;
    for (size_t r = 0; r < f->nrelated; r++)
        also |= f->related[r].line == 39 && f->related[r].note &&
                strncmp(f->related[r].note, "also conflicting update in 'one_of_two'", 39) == 0;
    cr_assert(also, "no related location for line 39");
    for (size_t r = 0; r < f->nrelated; r++)
        cr_assert_neq(f->related[r].line, 12, "the site itself listed as a conflict");
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

Test(analyzer, event_loop_models_reject_bad_entries)
{
    make_tmpdir();
    char *api = tmp_path("api");
    mkdir(api, 0755);
    char *f = tmp_path("api/loop.json");
    rc_analyzer_opts_t opts = {.rules_dir = tmpdir};
    rc_analyzer_t *an = NULL;
    rc_error_t err;
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"on\", \"kind\": \"callback\"}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "callback_args") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"on\", \"kind\": \"callback\", "
                  "\"callback_args\": [64]}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "callback_args") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"on\", \"kind\": \"callback\", "
                  "\"callback_args\": []}]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"run\", \"kind\": \"yield\"}], "
                  "\"async_signal_safe_types\": [\"sig_atomic_t\", \"sig_atomic_t\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_EPARSE);
    cr_assert(strstr(err.msg, "sig_atomic_t") != NULL, "%s", err.msg);
    write_file(f, "{\"version\": 1, \"functions\": [{\"name\": \"run\", \"kind\": \"yield\"}, "
                  "{\"name\": \"on\", \"kind\": \"callback\", \"callback_args\": [1, 2]}, "
                  "{\"name\": \"wait\", \"kind\": \"event_wait\"}, "
                  "{\"name\": \"spawn\", \"kind\": \"thread_create\", \"routine_arg\": 0, "
                  "\"callback_args\": [1]}], \"async_signal_safe_types\": [\"sig_atomic_t\"]}");
    cr_assert_eq(rc_analyzer_new(&opts, &an, &err), RC_OK, "%s", err.msg);
    const rc_api_fn_t *on = rc_models_find(&an->models, "on");
    cr_assert_not_null(on);
    cr_assert_eq(on->kind, RC_API_CALLBACK);
    cr_assert_eq(on->callback_args, 6u);
    cr_assert_eq(rc_models_find(&an->models, "spawn")->callback_args, 2u);
    cr_assert(rc_models_signal_safe_type(&an->models, "sig_atomic_t"));
    cr_assert(!rc_models_signal_safe_type(&an->models, "int"));
    rc_analyzer_free(an);
    free(f);
    free(api);
    remove_tmpdir();
}

/* The finding of each rule of the signal and cooperative models, with the
 * locations that explain it. */
Test(analyzer, signal_and_coop_findings_cite_their_evidence, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/signal.shared-state/through_helper.c", NULL, 0);
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/coop.stale-across-yield/coroutine_copies.c", NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 1, &fs);
    const rc_finding_t *sig = NULL, *coop = NULL;
    for (size_t i = 0; i < fs.n; i++) {
        if (strcmp(fs.v[i].rule, "signal.shared-state") == 0 && fs.v[i].loc.line == 16)
            sig = &fs.v[i];
        if (strcmp(fs.v[i].rule, "coop.stale-across-yield") == 0 && fs.v[i].loc.line == 29)
            coop = &fs.v[i];
    }
    cr_assert_not_null(sig);
    cr_assert_str_eq(sig->loc.function, "note");
    cr_assert_str_eq(sig->subject, "stats.usr1");
    cr_assert(strstr(sig->message, "'on_usr'") && strstr(sig->message, "on_usr -> note") &&
                  strstr(sig->message, "'main' also writes") &&
                  strstr(sig->message, "neither volatile sig_atomic_t nor a lock-free atomic"),
              "%s", sig->message);
    cr_assert_eq(sig->nrelated, 2);
    cr_assert_eq(sig->related[0].line, 39); /* stats.usr1 = 0 in main */
    cr_assert_eq(sig->related[1].line, 32); /* signal(SIGUSR1, on_usr) */
    cr_assert_not_null(coop);
    cr_assert_str_eq(coop->loc.function, "sell");
    cr_assert_str_eq(coop->subject, "stock");
    cr_assert(strstr(coop->message, "'before'") && strstr(coop->message, "'wait_for_payment'"),
              "%s", coop->message);
    cr_assert_eq(coop->nrelated, 2);
    cr_assert_eq(coop->related[0].line, 27); /* int before = stock; */
    cr_assert_eq(coop->related[1].line, 28); /* wait_for_payment(); */
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
}

/* A call of a function the system's headers declare is the system's: a
 * definition of it elsewhere in the project (an LD_PRELOAD interposer built
 * from the same compile database) is not taken for its body, so the
 * interposer's bookkeeping does not race in the program's threads. */
Test(analyzer, library_calls_are_not_linked_to_interposers, .timeout = 60)
{
    make_tmpdir();
    char *shim = tmp_path("interpose.c");
    write_file(shim, "#include <pthread.h>\n"
                     "long signals_seen;\n"
                     "int pthread_cond_signal(pthread_cond_t *c)\n"
                     "{\n"
                     "    (void)c;\n"
                     "    signals_seen++;\n"
                     "    return 0;\n"
                     "}\n");
    char *prog = tmp_path("prog.c");
    write_file(prog, "#include <pthread.h>\n"
                     "static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;\n"
                     "static void *worker(void *arg)\n"
                     "{\n"
                     "    pthread_cond_signal(&cv);\n"
                     "    return arg;\n"
                     "}\n"
                     "int main(void)\n"
                     "{\n"
                     "    pthread_t t[2];\n"
                     "    for (int i = 0; i < 2; i++)\n"
                     "        pthread_create(&t[i], NULL, worker, NULL);\n"
                     "    for (int i = 0; i < 2; i++)\n"
                     "        pthread_join(t[i], NULL);\n"
                     "    return 0;\n"
                     "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, shim, NULL, 0);
    rc_tu_jobs_add_file(&jobs, prog, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    for (size_t i = 0; i < fs.n; i++)
        cr_expect(strstr(fs.v[i].loc.file, "interpose.c") == NULL, "%s: %s", fs.v[i].rule,
                  fs.v[i].message);
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(shim);
    free(prog);
    remove_tmpdir();
}

/* A call through a pointer links a library TU holding a function of the called
 * type only when that TU calls into the program (a plugin registering its job:
 * the job runs in both of the tool's threads); one that never does (an
 * LD_PRELOAD library, another program's helpers in the same compile database)
 * is not linked because its function types match, so its `watch` is not taken
 * for a job of the tool's threads. */
Test(analyzer, pointer_calls_link_only_libraries_that_call_into_the_program, .timeout = 60)
{
    make_tmpdir();
    char *preload = tmp_path("preload.c");
    write_file(preload, "#include <pthread.h>\n"
                        "static long hook_calls;\n"
                        "static void *watch(void *arg) { hook_calls++; return arg; }\n"
                        "void *(*start_hook)(void *) = watch;\n"
                        "__attribute__((constructor)) static void boot(void)\n"
                        "{\n"
                        "    pthread_t t;\n"
                        "    pthread_create(&t, NULL, watch, NULL);\n"
                        "}\n");
    char *plugin = tmp_path("plugin.c");
    write_file(plugin, "long plugin_runs;\n"
                       "void register_job(void *(*job)(void *));\n"
                       "static void *plugin_job(void *arg) { plugin_runs++; return arg; }\n"
                       "__attribute__((constructor)) static void setup(void)\n"
                       "{\n"
                       "    register_job(plugin_job);\n"
                       "}\n");
    char *tool = tmp_path("tool.c");
    write_file(tool, "#include <pthread.h>\n"
                     "#include <unistd.h>\n"
                     "#include <sys/wait.h>\n"
                     "struct task { void *(*fn)(void *); };\n"
                     "static struct task tasks[4];\n"
                     "static int ntasks;\n"
                     "void register_job(void *(*job)(void *)) { tasks[ntasks++].fn = job; }\n"
                     "static void *run_jobs(void *arg)\n"
                     "{\n"
                     "    for (int i = 0; i < ntasks; i++)\n"
                     "        tasks[i].fn(arg);\n"
                     "    return arg;\n"
                     "}\n"
                     "int main(void)\n"
                     "{\n"
                     "    pthread_t t[2];\n"
                     "    for (int i = 0; i < 2; i++)\n"
                     "        pthread_create(&t[i], NULL, run_jobs, NULL);\n"
                     "    for (int i = 0; i < 2; i++)\n"
                     "        pthread_join(t[i], NULL);\n"
                     "    pid_t pid = fork();\n"
                     "    if (pid == 0)\n"
                     "        _exit(0);\n"
                     "    waitpid(pid, NULL, 0);\n"
                     "    return 0;\n"
                     "}\n");
    char *other = tmp_path("other.c");
    write_file(other, "int main(void) { return 0; }\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, preload, NULL, 0);
    rc_tu_jobs_add_file(&jobs, plugin, NULL, 0);
    rc_tu_jobs_add_file(&jobs, tool, NULL, 0);
    rc_tu_jobs_add_file(&jobs, other, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    int plugin_race = 0, preload_race = 0;
    for (size_t i = 0; i < fs.n; i++) {
        int rmw = strcmp(fs.v[i].rule, "race.unprotected-rmw") == 0;
        plugin_race += rmw && strstr(fs.v[i].loc.file, "plugin.c") != NULL;
        preload_race += rmw && strstr(fs.v[i].loc.file, "preload.c") != NULL;
    }
    cr_expect_eq(plugin_race, 1, "the plugin's job runs in both of the tool's threads");
    cr_expect_eq(preload_race, 0, "the preload library is not linked with the tool");
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(preload);
    free(plugin);
    free(tool);
    free(other);
    remove_tmpdir();
}

/* Several programs in one scan: each main is linked with the library code it
 * reaches. A tool that only forks is not told it "runs threads" because a
 * library TU it never calls starts one; the program that does call it gets the
 * finding; library code no main reaches is still checked on its own. */
Test(analyzer, each_program_links_only_the_library_code_it_reaches, .timeout = 60)
{
    make_tmpdir();
    char *lib = tmp_path("pool.c");
    write_file(lib, "#include <pthread.h>\n"
                    "long jobs_done;\n"
                    "static void *pool_worker(void *arg) { return arg; }\n"
                    "void pool_start(void)\n"
                    "{\n"
                    "    pthread_t t;\n"
                    "    pthread_create(&t, NULL, pool_worker, NULL);\n"
                    "}\n"
                    "static long unreached_count;\n"
                    "static void *counter(void *arg)\n"
                    "{\n"
                    "    unreached_count++;\n"
                    "    return arg;\n"
                    "}\n"
                    "void count_in_background(void)\n"
                    "{\n"
                    "    pthread_t t[2];\n"
                    "    for (int i = 0; i < 2; i++)\n"
                    "        pthread_create(&t[i], NULL, counter, NULL);\n"
                    "}\n");
    char *tool = tmp_path("tool.c");
    write_file(tool, "#include <stdio.h>\n"
                     "#include <unistd.h>\n"
                     "#include <sys/wait.h>\n"
                     "int main(void)\n"
                     "{\n"
                     "    pid_t pid = fork();\n"
                     "    if (pid == 0) {\n"
                     "        printf(\"child\\n\");\n"
                     "        _exit(0);\n"
                     "    }\n"
                     "    waitpid(pid, NULL, 0);\n"
                     "    return 0;\n"
                     "}\n");
    char *server = tmp_path("server.c");
    write_file(server, "#include <stdio.h>\n"
                       "#include <unistd.h>\n"
                       "#include <sys/wait.h>\n"
                       "void pool_start(void);\n"
                       "int main(void)\n"
                       "{\n"
                       "    pool_start();\n"
                       "    pid_t pid = fork();\n"
                       "    if (pid == 0) {\n"
                       "        printf(\"child\\n\");\n"
                       "        _exit(0);\n"
                       "    }\n"
                       "    waitpid(pid, NULL, 0);\n"
                       "    return 0;\n"
                       "}\n");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, lib, NULL, 0);
    rc_tu_jobs_add_file(&jobs, tool, NULL, 0);
    rc_tu_jobs_add_file(&jobs, server, NULL, 0);
    rc_findings_t fs = {0};
    analyse(&jobs, 2, &fs);
    int in_server = 0, in_tool = 0, unreached = 0;
    for (size_t i = 0; i < fs.n; i++) {
        if (strcmp(fs.v[i].rule, "proc.fork-in-threads") == 0) {
            in_server += strstr(fs.v[i].loc.file, "server.c") != NULL;
            in_tool += strstr(fs.v[i].loc.file, "tool.c") != NULL;
        }
        unreached += strcmp(fs.v[i].rule, "race.unprotected-rmw") == 0 &&
                     strstr(fs.v[i].loc.file, "pool.c") != NULL && fs.v[i].loc.line == 12;
    }
    cr_expect_eq(in_server, 1, "the server forks while its pool thread runs");
    cr_expect_eq(in_tool, 0, "the tool starts no thread");
    cr_expect_eq(unreached, 1, "library code no main reaches is still checked");
    rc_findings_close(&fs);
    rc_tu_jobs_close(&jobs);
    free(lib);
    free(tool);
    free(server);
    remove_tmpdir();
}
