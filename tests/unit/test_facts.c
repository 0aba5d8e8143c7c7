/*
 * test_facts.c - facts kept between scans: the byte form of a TU's facts
 * round-trips, damaged bytes are refused, and a scan reuses saved facts only
 * while the job, the files the TU read and the summaries it imported are the
 * same, with the same findings as a scan from scratch.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "internal.h"

#define RULES_DIR RC_TEST_SOURCE_DIR "/rules"
#define INPUTS_DIR RC_TEST_SOURCE_DIR "/tests/inputs"

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
    snprintf(tmpdir, sizeof tmpdir, "/tmp/rc-test-facts-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static char *tmp_path(const char *name)
{
    return rc_xasprintf("%s/%s", tmpdir, name);
}

static void write_tmp(const char *name, const char *text)
{
    char *p = tmp_path(name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "cannot write %s", p);
    fputs(text, f);
    fclose(f);
    free(p);
}

/* A scan of jobs with the given saved facts: status of each job, findings, stats. */
typedef struct outcome {
    rc_analyzer_t *an;
    rc_findings_t found;
    rc_scan_stats_t stats;
    size_t failed;
} outcome_t;

static void scan(const rc_tu_jobs_t *jobs, const rc_tu_saved_t *saved, size_t nsaved, int trust,
                 outcome_t *out)
{
    memset(out, 0, sizeof *out);
    rc_analyzer_opts_t opts = {
        .rules_dir = RULES_DIR, .jobs = 2, .saved = saved, .nsaved = nsaved, .trust_saved = trust};
    rc_error_t err;
    cr_assert_eq(rc_analyzer_new(&opts, &out->an, &err), RC_OK, "%s", err.msg);
    rc_tu_status_t *st = calloc(jobs->n ? jobs->n : 1, sizeof *st);
    cr_assert_eq(rc_analyzer_scan(out->an, jobs, st, &err), RC_OK, "%s", err.msg);
    for (size_t i = 0; i < jobs->n; i++) {
        out->failed += !st[i].ok;
        rc_tu_status_close(&st[i]);
    }
    free(st);
    cr_assert_eq(rc_analyzer_check(out->an, &out->found, &err), RC_OK, "%s", err.msg);
    rc_analyzer_stats(out->an, &out->stats);
}

static void outcome_close(outcome_t *o)
{
    rc_findings_close(&o->found);
    rc_analyzer_free(o->an);
}

/* Saves every TU of an analyzer. */
static rc_tu_saved_t *save_all(const rc_analyzer_t *an, size_t *n)
{
    *n = rc_analyzer_ntus(an);
    rc_tu_saved_t *v = calloc(*n ? *n : 1, sizeof *v);
    for (size_t i = 0; i < *n; i++)
        rc_analyzer_save(an, i, &v[i]);
    return v;
}

static void saved_free(rc_tu_saved_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_tu_saved_close(&v[i]);
    free(v);
}

static void assert_same_findings(const rc_findings_t *a, const rc_findings_t *b)
{
    cr_assert_eq(a->n, b->n, "%zu findings against %zu", a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        cr_assert_str_eq(a->v[i].rule, b->v[i].rule);
        cr_assert_str_eq(a->v[i].message, b->v[i].message);
        cr_assert_eq(a->v[i].loc.line, b->v[i].loc.line);
        cr_assert_eq(a->v[i].nrelated, b->v[i].nrelated);
    }
}

/* Every annotated input of tests/inputs as one job each. */
static void input_jobs(rc_tu_jobs_t *jobs)
{
    DIR *d = opendir(INPUTS_DIR);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = rc_xasprintf("%s/%s", INPUTS_DIR, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s))) {
            size_t n = strlen(f->d_name);
            if (n > 2 && strcmp(f->d_name + n - 2, ".c") == 0) {
                char *path = rc_xasprintf("%s/%s", sub, f->d_name);
                rc_tu_jobs_add_file(jobs, path, NULL, 0);
                free(path);
            }
        }
        if (s)
            closedir(s);
        free(sub);
    }
    closedir(d);
    cr_assert_gt(jobs->n, 10);
}

Test(facts, every_input_round_trips_and_is_reused_with_the_same_findings, .timeout = 180)
{
    rc_tu_jobs_t jobs = {0};
    input_jobs(&jobs);
    outcome_t fresh;
    scan(&jobs, NULL, 0, 0, &fresh);
    cr_assert_eq(fresh.stats.parsed, jobs.n);
    cr_assert_eq(fresh.stats.reused, 0);
    size_t n;
    rc_tu_saved_t *saved = save_all(fresh.an, &n);
    cr_assert_eq(n, jobs.n - fresh.failed);
    for (size_t i = 0; i < n; i++) {
        rc_tu_facts_t tf;
        cr_assert_eq(rc_facts_decode(saved[i].facts, saved[i].len, &tf), RC_OK, "%s",
                     saved[i].job.file);
        cr_assert_gt(tf.ndeps, 0, "%s: no files recorded", saved[i].job.file);
        cr_assert_str_eq(tf.file, saved[i].job.file);
        unsigned char *again;
        size_t len;
        rc_facts_encode(&tf, &again, &len);
        cr_assert_eq(len, saved[i].len, "%s", tf.file);
        cr_assert(memcmp(again, saved[i].facts, len) == 0, "%s: bytes differ", tf.file);
        free(again);
        rc_tu_facts_close(&tf);
    }
    outcome_t warm;
    scan(&jobs, saved, n, 0, &warm);
    cr_assert_eq(warm.stats.reused, n);
    cr_assert_eq(warm.stats.parsed, jobs.n - n);
    cr_assert_gt(fresh.found.n, 10);
    assert_same_findings(&fresh.found, &warm.found);
    outcome_close(&warm);
    outcome_close(&fresh);
    saved_free(saved, n);
    rc_tu_jobs_close(&jobs);
}

Test(facts, truncated_or_damaged_bytes_are_refused, .timeout = 60)
{
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, INPUTS_DIR "/race.unprotected-rmw/counter_loop.c", NULL, 0);
    outcome_t o;
    scan(&jobs, NULL, 0, 0, &o);
    size_t n;
    rc_tu_saved_t *saved = save_all(o.an, &n);
    cr_assert_eq(n, 1);
    rc_tu_facts_t tf;
    for (size_t len = 0; len < saved[0].len; len++)
        cr_assert_eq(rc_facts_decode(saved[0].facts, len, &tf), RC_EPARSE, "prefix of %zu", len);
    /* Damage: every byte in turn changed; the checksum catches each one. */
    unsigned char *copy = malloc(saved[0].len);
    size_t refused = 0;
    for (size_t i = 0; i < saved[0].len; i++) {
        memcpy(copy, saved[0].facts, saved[0].len);
        copy[i] = copy[i] == 0xff ? 0 : 0xff;
        if (rc_facts_decode(copy, saved[0].len, &tf) == RC_OK)
            rc_tu_facts_close(&tf);
        else
            refused++;
    }
    cr_assert_eq(refused, saved[0].len);
    free(copy);
    /* A scan given damaged saved facts parses the file instead. */
    saved[0].facts[saved[0].len / 2] ^= 0xff;
    saved[0].len -= 1;
    outcome_t again;
    scan(&jobs, saved, n, 0, &again);
    cr_assert_eq(again.stats.reused, 0);
    cr_assert_eq(again.stats.parsed, 1);
    assert_same_findings(&o.found, &again.found);
    outcome_close(&again);
    outcome_close(&o);
    saved_free(saved, n);
    rc_tu_jobs_close(&jobs);
}

static const char racy_main[] =
    "#include <pthread.h>\n"
    "#include \"config.h\"\n"
    "static long hits;\n"
    "static void *worker(void *a) {\n"
    "    (void)a;\n"
    "    for (int i = 0; i < ROUNDS; i++)\n"
    "        hits = hits + 1;\n"
    "    return 0;\n"
    "}\n"
    "int main(void) {\n"
    "    pthread_t t[2];\n"
    "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
    "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
    "    return (int)hits;\n"
    "}\n";

Test(facts, an_edited_header_or_other_flags_mean_a_new_parse, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 60)
{
    write_tmp("config.h", "#define ROUNDS 10\n");
    write_tmp("main.c", racy_main);
    char *main_c = tmp_path("main.c");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, main_c, NULL, 0);
    outcome_t o;
    scan(&jobs, NULL, 0, 0, &o);
    cr_assert_eq(o.found.n, 1);
    size_t n;
    rc_tu_saved_t *saved = save_all(o.an, &n);
    cr_assert(strstr(saved[0].deps, "config.h") != NULL, "deps: %s", saved[0].deps);
    cr_assert(strstr(saved[0].deps, "pthread.h") != NULL, "deps: %s", saved[0].deps);

    outcome_t same;
    scan(&jobs, saved, n, 0, &same);
    cr_assert_eq(same.stats.reused, 1);
    outcome_close(&same);

    /* The header changes: the TU is parsed again, and the result follows it. */
    write_tmp("config.h", "#define ROUNDS 10\n#define hits hits_renamed\n");
    outcome_t edited;
    scan(&jobs, saved, n, 0, &edited);
    cr_assert_eq(edited.stats.reused, 0);
    cr_assert_eq(edited.stats.parsed, 1);
    cr_assert_eq(edited.found.n, 1);
    cr_assert_str_eq(edited.found.v[0].subject, "hits_renamed");
    outcome_close(&edited);

    /* Other flags: another key. */
    write_tmp("config.h", "#define ROUNDS 10\n");
    const char *extra[] = {"-DEXTRA=1"};
    rc_tu_jobs_t other = {0};
    rc_tu_jobs_add_file(&other, main_c, extra, 1);
    outcome_t flags;
    scan(&other, saved, n, 0, &flags);
    cr_assert_eq(flags.stats.reused, 0);
    outcome_close(&flags);
    rc_tu_jobs_close(&other);

    /* The source is gone: only trusted saved facts stand in for it. */
    unlink(main_c);
    outcome_t gone, trusted;
    scan(&jobs, saved, n, 0, &gone);
    cr_assert_eq(gone.failed, 1);
    cr_assert_eq(gone.found.n, 0);
    scan(&jobs, saved, n, 1, &trusted);
    cr_assert_eq(trusted.failed, 0);
    cr_assert_eq(trusted.stats.reused, 1);
    assert_same_findings(&o.found, &trusted.found);
    outcome_close(&gone);
    outcome_close(&trusted);

    outcome_close(&o);
    saved_free(saved, n);
    rc_tu_jobs_close(&jobs);
    free(main_c);
}

/* stats.c's helper takes the lock; worker.c relies on it. When the helper stops
 * locking, the unchanged worker.c must be walked again (its saved facts were
 * walked with the old summary) and the race appears. */
Test(facts, saved_facts_are_walked_again_when_a_helper_elsewhere_changes, .init = make_tmpdir,
     .fini = remove_tmpdir, .timeout = 60)
{
    static const char helper_locks[] = "#include <pthread.h>\n"
                                       "pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                                       "void stats_lock(void) { pthread_mutex_lock(&m); }\n"
                                       "void stats_unlock(void) { pthread_mutex_unlock(&m); }\n";
    static const char helper_noop[] = "#include <pthread.h>\n"
                                      "pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;\n"
                                      "void stats_lock(void) { }\n"
                                      "void stats_unlock(void) { }\n";
    write_tmp("stats.c", helper_locks);
    write_tmp("worker.c", "#include <pthread.h>\n"
                          "void stats_lock(void);\n"
                          "void stats_unlock(void);\n"
                          "long total;\n"
                          "static void *worker(void *a) {\n"
                          "    (void)a;\n"
                          "    stats_lock();\n"
                          "    total = total + 1;\n"
                          "    stats_unlock();\n"
                          "    return 0;\n"
                          "}\n"
                          "int main(void) {\n"
                          "    pthread_t t[2];\n"
                          "    for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, worker, 0);\n"
                          "    for (int i = 0; i < 2; i++) pthread_join(t[i], 0);\n"
                          "    return 0;\n"
                          "}\n");
    char *stats_c = tmp_path("stats.c"), *worker_c = tmp_path("worker.c");
    rc_tu_jobs_t jobs = {0};
    rc_tu_jobs_add_file(&jobs, stats_c, NULL, 0);
    rc_tu_jobs_add_file(&jobs, worker_c, NULL, 0);
    outcome_t o;
    scan(&jobs, NULL, 0, 0, &o);
    cr_assert_eq(o.found.n, 0, "the helper's lock protects the update");
    size_t n;
    rc_tu_saved_t *saved = save_all(o.an, &n);
    cr_assert_eq(n, 2);

    outcome_t warm;
    scan(&jobs, saved, n, 0, &warm);
    cr_assert_eq(warm.stats.reused, 2);
    cr_assert_eq(warm.found.n, 0);
    outcome_close(&warm);

    write_tmp("stats.c", helper_noop);
    outcome_t changed, fresh;
    scan(&jobs, saved, n, 0, &changed);
    scan(&jobs, NULL, 0, 0, &fresh);
    cr_assert_eq(changed.stats.parsed, 1); /* stats.c */
    cr_assert_eq(changed.stats.reused, 1); /* worker.c, then walked again */
    cr_assert_eq(fresh.found.n, 1);
    assert_same_findings(&fresh.found, &changed.found);
    outcome_close(&changed);
    outcome_close(&fresh);

    outcome_close(&o);
    saved_free(saved, n);
    rc_tu_jobs_close(&jobs);
    free(stats_c);
    free(worker_c);
}
