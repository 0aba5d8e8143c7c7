/*
 * test_store.c - the SQLite store: creation, schema version, findings merged
 * by fingerprint, "current" findings per (kind, command), refusal of corrupt
 * and foreign files without touching them; and the lock-graph cycle search
 * with each of its filters.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../runtime-shim/eventlog.h" /* the log layout, to write logs by hand */
#include "lockgraph.h"
#include "report.h"

static char tmpdir[64];
static char dbpath[128];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/rc-store-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof dbpath, "%s/sub/racecheck.db", tmpdir);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static void add_finding(rc_findings_t *fs, const char *rule, const char *file, unsigned line,
                        const char *subject, rc_source_t src)
{
    rc_finding_t *f = rc_findings_push(fs);
    f->rule = rc_xstrdup(rule);
    f->source = src;
    f->message = rc_xasprintf("%s on %s", rule, subject);
    f->subject = rc_xstrdup(subject);
    rc_loc_set(&f->loc, file, line, 5, "worker", NULL);
    rc_finding_add_related(f, file, line + 10, 1, "main", "other access");
}

static int64_t run_with(rc_store_t *st, rc_run_kind_t kind, const char *cmd, rc_findings_t *fs)
{
    rc_error_t err;
    int64_t id = 0;
    cr_assert_eq(rc_store_run_begin(st, kind, cmd, "/tmp", &id, &err), RC_OK, "%s", err.msg);
    if (fs)
        cr_assert_eq(rc_store_add_findings(st, id, fs, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_run_end(st, id, 0, &err), RC_OK, "%s", err.msg);
    return id;
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, creates_directory_and_schema)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_close(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(s, 0), rc_store_schema_version());
    sqlite3_finalize(s);
    cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(db);
    /* Re-opening an existing store works and keeps the version. */
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_close(st);
}

Test(store, findings_round_trip_with_related_locations)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t fs = {0};
    add_finding(&fs, "race.unprotected-rmw", "/src/b.c", 7, "hits", RC_SRC_STATIC);
    add_finding(&fs, "race.unprotected-rmw", "/src/a.c", 9, "count", RC_SRC_STATIC);
    run_with(st, RC_RUN_STATIC, "scan a.c b.c", &fs);
    rc_findings_close(&fs);

    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(out.n, 2);
    cr_assert_str_eq(out.v[0].loc.file, "/src/a.c"); /* ordered by file */
    cr_assert_eq(out.v[0].loc.line, 9);
    cr_assert_str_eq(out.v[0].subject, "count");
    cr_assert_eq(out.v[0].source, RC_SRC_STATIC);
    cr_assert_eq(out.v[0].nrelated, 1);
    cr_assert_eq(out.v[0].related[0].line, 19);
    cr_assert_str_eq(out.v[0].related[0].note, "other access");
    rc_findings_close(&out);
    rc_store_close(st);
}

Test(store, newest_run_of_a_command_replaces_older_and_sources_merge)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t first = {0}, second = {0}, runtime = {0};
    add_finding(&first, "race.unprotected-rmw", "/src/a.c", 7, "hits", RC_SRC_STATIC);
    add_finding(&first, "race.unprotected-rmw", "/src/a.c", 20, "misses", RC_SRC_STATIC);
    run_with(st, RC_RUN_STATIC, "scan a.c", &first);
    /* The same scan again after 'misses' was fixed. */
    add_finding(&second, "race.unprotected-rmw", "/src/a.c", 7, "hits", RC_SRC_STATIC);
    run_with(st, RC_RUN_STATIC, "scan a.c", &second);
    /* A runtime source reporting the same defect: same fingerprint. */
    add_finding(&runtime, "race.unprotected-rmw", "/src/a.c", 7, "hits", RC_SRC_TSAN);
    run_with(st, RC_RUN_TSAN, "ingest log", &runtime);

    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(out.n, 1);
    cr_assert_str_eq(out.v[0].subject, "hits");
    cr_assert_eq(out.v[0].source, RC_SRC_STATIC | RC_SRC_TSAN);
    rc_findings_close(&out);
    rc_findings_close(&first);
    rc_findings_close(&second);
    rc_findings_close(&runtime);
    rc_store_close(st);
}

/* A finding with one related location of role "previous access". */
static void add_race(rc_findings_t *fs, const char *rule, const char *file, unsigned line,
                     unsigned other_line, const char *subject, rc_source_t src)
{
    rc_finding_t *f = rc_findings_push(fs);
    f->rule = rc_xstrdup(rule);
    f->source = src;
    f->message = rc_xasprintf("%s on %s", rule, subject);
    f->subject = subject ? rc_xstrdup(subject) : NULL;
    rc_loc_set(&f->loc, file, line, 3, "worker", NULL);
    rc_finding_add_related(f, file, other_line, 3, "worker", "previous access");
    rc_finding_add_related(f, file, 40, 9, "main", "thread created here");
}

Test(store, static_and_runtime_evidence_of_one_race_merge)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t stat = {0}, tsan = {0};
    add_race(&stat, "race.unprotected-rmw", "/src/counter.c", 26, 26, "served", RC_SRC_STATIC);
    run_with(st, RC_RUN_STATIC, "scan", &stat);
    /* TSan, from a binary built in another directory: the racing read has no
     * line (0) but the previous write is the static finding's line. */
    add_race(&tsan, "race.data-race", "/build/x/counter.c", 0, 26, "served", RC_SRC_TSAN);
    /* A second report of the same race between other threads. */
    add_race(&tsan, "race.data-race", "/build/x/counter.c", 26, 26, "served", RC_SRC_TSAN);
    /* A race on another variable that shares only the creation site. */
    add_race(&tsan, "race.data-race", "/build/x/counter.c", 31, 32, "failed", RC_SRC_TSAN);
    /* The same variable, but elsewhere entirely. */
    add_race(&tsan, "race.data-race", "/build/x/counter.c", 50, 51, "served", RC_SRC_TSAN);
    run_with(st, RC_RUN_TSAN, "ingest", &tsan);

    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(out.n, 3);
    /* Ordered by path: the two TSan-only findings under /build come first. */
    cr_assert_eq(out.v[0].loc.line, 31);
    cr_assert_str_eq(out.v[0].subject, "failed");
    cr_assert_eq(out.v[1].loc.line, 50);
    cr_assert_eq(out.v[1].source, RC_SRC_TSAN);
    cr_assert_str_eq(rc_confidence(out.v[1].source), "confirmed");
    cr_assert_str_eq(out.v[2].rule, "race.unprotected-rmw"); /* static evidence preferred */
    cr_assert_str_eq(out.v[2].loc.file, "/src/counter.c");
    cr_assert_eq(out.v[2].loc.line, 26);
    cr_assert_eq(out.v[2].source, RC_SRC_STATIC | RC_SRC_TSAN);
    cr_assert_str_eq(rc_confidence(out.v[2].source), "confirmed");
    rc_findings_close(&out);
    rc_findings_close(&stat);
    rc_findings_close(&tsan);
    rc_store_close(st);
}

Test(store, lock_order_cycles_merge_by_place_not_by_lock_names)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t stat = {0}, shim = {0};
    add_race(&stat, "lock.order-inversion", "/src/bank.c", 27, 26, "checking.lock,savings.lock",
             RC_SRC_STATIC);
    run_with(st, RC_RUN_STATIC, "scan", &stat);
    add_race(&shim, "lock.order-inversion", "/src/bank.c", 27, 26, "'checking','savings'",
             RC_SRC_SHIM);
    run_with(st, RC_RUN_SHIM, "run bank", &shim);
    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(out.n, 1);
    cr_assert_eq(out.v[0].source, RC_SRC_STATIC | RC_SRC_SHIM);
    rc_findings_close(&out);
    rc_findings_close(&stat);
    rc_findings_close(&shim);
    rc_store_close(st);
}

Test(store, unfinished_runs_are_not_reported)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t fs = {0};
    add_finding(&fs, "race.unprotected-rmw", "/src/a.c", 7, "hits", RC_SRC_STATIC);
    int64_t id;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_STATIC, "scan", "/", &id, &err), RC_OK);
    cr_assert_eq(rc_store_add_findings(st, id, &fs, &err), RC_OK);
    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK);
    cr_assert_eq(out.n, 0);
    cr_assert_eq(rc_store_run_findings(st, id, &out, &err), RC_OK);
    cr_assert_eq(out.n, 1);
    rc_findings_close(&out);
    rc_findings_close(&fs);
    rc_store_close(st);
}

Test(store, parallel_writers_lose_nothing, .timeout = 60)
{
    enum { WRITERS = 4, RUNS = 25 };
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_close(st);
    pid_t kids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        kids[w] = fork();
        cr_assert_neq(kids[w], -1);
        if (kids[w] == 0) {
            rc_store_t *mine = NULL;
            if (rc_store_open(dbpath, &mine, &err) != RC_OK)
                _exit(10);
            for (int r = 0; r < RUNS; r++) {
                rc_findings_t fs = {0};
                char subject[32], cmd[32];
                snprintf(subject, sizeof subject, "v%d_%d", w, r);
                snprintf(cmd, sizeof cmd, "writer %d run %d", w, r);
                add_finding(&fs, "race.unprotected-rmw", "/src/p.c", 10 + w * 100 + r, subject,
                            RC_SRC_STATIC);
                int64_t id;
                if (rc_store_run_begin(mine, RC_RUN_STATIC, cmd, "/", &id, &err) != RC_OK ||
                    rc_store_add_findings(mine, id, &fs, &err) != RC_OK ||
                    rc_store_run_end(mine, id, 0, &err) != RC_OK)
                    _exit(11);
                rc_findings_close(&fs);
            }
            rc_store_close(mine);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        cr_assert_eq(waitpid(kids[w], &status, 0), kids[w]);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed (%d)", w,
                  WEXITSTATUS(status));
    }
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t out = {0};
    cr_assert_eq(rc_store_current_findings(st, &out, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(out.n, WRITERS * RUNS, "%zu findings", out.n);
    rc_findings_close(&out);
    rc_store_close(st);
}

/* Writes CONTENT to PATH and checks afterwards that it is byte-identical. */
static void write_file(const char *path, const char *content, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(content, 1, len, f), len);
    fclose(f);
}

static void assert_unchanged(const char *path, const char *content, size_t len)
{
    char *got;
    size_t n;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &got, &n, &err), RC_OK);
    cr_assert_eq(n, len);
    cr_assert(memcmp(got, content, len) == 0, "the file was modified");
    free(got);
}

Test(store, corrupt_file_is_refused_and_untouched)
{
    char path[160];
    snprintf(path, sizeof path, "%s/garbage.db", tmpdir);
    char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (char)(i * 7 + 3);
    write_file(path, junk, sizeof junk);
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(path, &st, &err), RC_EFOREIGN);
    cr_assert(strstr(err.msg, "not a racecheck store") != NULL, "%s", err.msg);
    assert_unchanged(path, junk, sizeof junk);
}

Test(store, text_file_is_refused_and_untouched)
{
    char path[160];
    snprintf(path, sizeof path, "%s/notes.txt", tmpdir);
    const char *text = "these are my notes, not a database\n";
    write_file(path, text, strlen(text));
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(path, &st, &err), RC_EFOREIGN);
    assert_unchanged(path, text, strlen(text));
}

Test(store, foreign_sqlite_database_is_refused_and_untouched)
{
    char path[160];
    snprintf(path, sizeof path, "%s/other.db", tmpdir);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "CREATE TABLE customers(name TEXT); INSERT INTO customers "
                              "VALUES ('ada')",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(db);
    char *before;
    size_t len;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &before, &len, &err), RC_OK);
    rc_store_t *st = NULL;
    cr_assert_eq(rc_store_open(path, &st, &err), RC_EFOREIGN);
    cr_assert(strstr(err.msg, "not a racecheck store") != NULL, "%s", err.msg);
    assert_unchanged(path, before, len);
    free(before);
}

Test(store, newer_schema_is_refused)
{
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_close(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_EFOREIGN);
    cr_assert(strstr(err.msg, "newer") != NULL, "%s", err.msg);
}

/* A store with the current schema version that lacks a table or a column (dropped
 * by hand, or written by a broken tool) is refused with a message naming what is
 * missing, not left to fail later on some query; and it is left as it was. */
Test(store, damaged_schema_is_refused_and_untouched)
{
    static const char *const damage[] = {"DROP TABLE programs",
                                         "ALTER TABLE runs DROP COLUMN superseded_by"};
    static const char *const named[] = {"table 'programs' is missing", "table 'runs' has columns"};
    for (int i = 0; i < 2; i++) {
        char path[160];
        snprintf(path, sizeof path, "%s/damaged%d.db", tmpdir, i);
        rc_store_t *st = NULL;
        rc_error_t err;
        cr_assert_eq(rc_store_open(path, &st, &err), RC_OK, "%s", err.msg);
        rc_store_close(st);
        sqlite3 *db;
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, damage[i], NULL, NULL, NULL), SQLITE_OK, "%s",
                     sqlite3_errmsg(db));
        sqlite3_close(db);
        char *before;
        size_t len;
        cr_assert_eq(rc_read_file(path, &before, &len, &err), RC_OK);
        cr_assert_eq(rc_store_open(path, &st, &err), RC_EFOREIGN, "%s", damage[i]);
        cr_assert(strstr(err.msg, "damaged racecheck store") && strstr(err.msg, named[i]), "%s",
                  err.msg);
        assert_unchanged(path, before, len);
        free(before);
    }
}

Test(store, fingerprint_survives_line_shift_but_not_other_subject)
{
    char path[160];
    snprintf(path, sizeof path, "%s/f.c", tmpdir);
    write_file(path, "int x;\nvoid f(void) {\n    x = x + 1;\n}\n", 38);
    rc_finding_t a = {0}, b = {0};
    a.rule = "race.unprotected-rmw";
    a.subject = "x";
    a.loc.file = path;
    a.loc.line = 3;
    a.loc.function = "f";
    char *fa = rc_fingerprint(&a);
    /* The same statement, two lines lower and re-indented. */
    write_file(path, "int x;\n\n\nvoid f(void) {\n\tx = x  +  1;\n}\n", 40);
    b = a;
    b.loc.line = 5;
    char *fb = rc_fingerprint(&b);
    cr_assert_str_eq(fa, fb);
    b.subject = "y";
    char *fc = rc_fingerprint(&b);
    cr_assert_str_neq(fa, fc);
    free(fa);
    free(fb);
    free(fc);
}

/* ---- lock graph ---------------------------------------------------------- */

static size_t held_ab[] = {0}, held_ba[] = {1}, held_gab[] = {2, 0}, held_gba[] = {2, 1};

/* Vector clocks of threads T1 and T2, both created by main before either
 * ran: main created T1 at its clock 1 and T2 at its clock 2. */
static const uint64_t vc_t1[] = {1, 1, 0}, vc_t2[] = {2, 0, 1};

static size_t cycles_of(const rc_lg_edge_t *e, size_t ne, size_t nlocks)
{
    rc_lg_cycle_t *c;
    size_t n;
    int truncated;
    rc_lg_find_cycles(nlocks, e, ne, &c, &n, &truncated);
    cr_assert_eq(truncated, 0);
    rc_lg_cycles_free(c, n);
    return n;
}

static rc_lg_edge_t edge(size_t from, size_t to, uint32_t tid, size_t *held, size_t nheld,
                         const uint64_t *vc, uint64_t last_clock)
{
    return (rc_lg_edge_t){.from = from,
                          .to = to,
                          .tid = tid,
                          .held = held,
                          .nheld = nheld,
                          .vc = vc,
                          .nvc = 3,
                          .last_clock = last_clock};
}

Test(lockgraph, two_threads_opposite_order_is_a_cycle)
{
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_ab, 1, vc_t1, 1), edge(1, 0, 2, held_ba, 1, vc_t2, 1)};
    cr_assert_eq(cycles_of(e, 2, 2), 1);
}

Test(lockgraph, one_thread_both_orders_is_not)
{
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_ab, 1, vc_t1, 1), edge(1, 0, 1, held_ba, 1, vc_t1, 1)};
    cr_assert_eq(cycles_of(e, 2, 2), 0);
}

Test(lockgraph, common_gate_lock_is_not)
{
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_gab, 2, vc_t1, 1), edge(1, 0, 2, held_gba, 2, vc_t2, 1)};
    cr_assert_eq(cycles_of(e, 2, 3), 0);
}

Test(lockgraph, trylock_edge_is_not)
{
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_ab, 1, vc_t1, 1), edge(1, 0, 2, held_ba, 1, vc_t2, 1)};
    e[1].trylock = 1;
    cr_assert_eq(cycles_of(e, 2, 2), 0);
}

Test(lockgraph, threads_ordered_by_join_are_not)
{
    /* Main created T1 (main's clock 1 -> 2), joined it (main learns T1 up to
     * its clock 1; main 2 -> 3), then created T2, which knows T1's clock 1. */
    static const uint64_t t2_after_join[] = {3, 1, 1};
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_ab, 1, vc_t1, 1),
                        edge(1, 0, 2, held_ba, 1, t2_after_join, 1)};
    cr_assert_eq(cycles_of(e, 2, 2), 0);
    /* Main's own edge before it created T2 cannot overlap T2 either. */
    static const uint64_t main_early[] = {1, 0, 0};
    rc_lg_edge_t m[] = {edge(0, 1, 0, held_ab, 1, main_early, 1),
                        edge(1, 0, 2, held_ba, 1, vc_t2, 1)};
    cr_assert_eq(cycles_of(m, 2, 2), 0);
    /* But after creating T2 (main's clock 2 -> 3), main runs beside it. */
    static const uint64_t main_late[] = {3, 0, 0};
    m[0] = edge(0, 1, 0, held_ab, 1, main_late, 3);
    cr_assert_eq(cycles_of(m, 2, 2), 1);
}

Test(lockgraph, unknown_clocks_overlap)
{
    rc_lg_edge_t e[] = {edge(0, 1, 1, held_ab, 1, NULL, 1), edge(1, 0, 2, held_ba, 1, NULL, 1)};
    e[0].nvc = e[1].nvc = 0;
    cr_assert_eq(cycles_of(e, 2, 2), 1);
}

Test(lockgraph, long_cycle_is_found_once)
{
    /* Dining philosophers: thread i takes fork i then fork (i+1) % N. */
    enum { N = 40 };
    static size_t held[N];
    rc_lg_edge_t e[N];
    for (size_t i = 0; i < N; i++) {
        held[i] = i;
        e[i] = edge(i, (i + 1) % N, (uint32_t)i + 1, &held[i], 1, NULL, 1);
        e[i].nvc = 0;
    }
    rc_lg_cycle_t *c;
    size_t n;
    int truncated;
    rc_lg_find_cycles(N, e, N, &c, &n, &truncated);
    cr_assert_eq(n, 1);
    cr_assert_eq(c[0].n, N);
    rc_lg_cycles_free(c, n);
}

/* ---- Traces of run --trace: packed chunks of events ---------------------- */

/* A shim log of two threads, written by hand (eventlog.h's layout: header,
 * then chunks of chunk_records records), cut inside the 10th record: 9
 * complete records, the last chunk torn. Returns the log's path (static). */
static const char *cut_trace_log(void)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/rc-4321.log", tmpdir);
    enum { CHUNK = 4 };
    const uint64_t A = 0x7f0000001000, B = 0x7f0000002000, S1 = 0x401000, S2 = 0x401010,
                   S3 = 0x402000, S4 = 0x402020;
    rc_event_t ev[3 * CHUNK] = {
        /* chunk 0: the main thread */
        {.ts = 100, .tid = 0, .op = RC_EV_THREAD_START, .flags = RC_START_MAIN},
        {.ts = 110, .tid = 0, .op = RC_EV_LOCK_ACQUIRED, .obj = A, .site = S1, .flags = 1},
        {.ts = 120, .tid = 0, .op = RC_EV_LOCK_RELEASED, .obj = A, .site = S2, .flags = 1},
        {.ts = 130, .tid = 0, .op = RC_EV_THREAD_CREATE, .obj = 0x401800, .site = S2, .arg = 1},
        /* chunk 1: thread 1 */
        {.ts = 140, .tid = 1, .op = RC_EV_THREAD_START, .obj = 0x401800},
        {.ts = 150, .tid = 1, .op = RC_EV_LOCK_ACQUIRED, .obj = B, .site = S3, .flags = 1},
        {.ts = 160, .tid = 1, .op = RC_EV_LOCK_RELEASED, .obj = B, .site = S4, .flags = 1},
        {.ts = 170, .tid = 1, .op = RC_EV_THREAD_EXIT},
        /* chunk 2: the main thread again, cut in its second record */
        {.ts = 180, .tid = 0, .op = RC_EV_THREAD_JOIN, .obj = 1, .site = S2, .arg = 1},
        {.ts = 190, .tid = 0, .op = RC_EV_LOCK_ACQUIRED, .obj = A, .site = S1, .flags = 1},
    };
    rc_log_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, RC_LOG_MAGIC, sizeof h.magic);
    h.version = RC_LOG_VERSION;
    h.record_size = sizeof(rc_event_t);
    h.chunk_records = CHUNK;
    h.pid = 4321;
    h.ppid = 1;
    h.next_chunk = 3;
    h.chunk_capacity = 8;
    strcpy(h.exe, "/bin/traced");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    char pad[RC_LOG_HEADER_SIZE] = {0};
    memcpy(pad, &h, sizeof h);
    cr_assert_eq(fwrite(pad, sizeof pad, 1, f), 1);
    cr_assert_eq(fwrite(ev, sizeof ev[0], 9, f), 9);
    cr_assert_eq(fwrite(&ev[9], sizeof ev[0] / 2, 1, f), 1); /* half of record 10 */
    fclose(f);
    return path;
}

/* Renders run RUN as a Chrome trace; caller frees. */
static char *render_trace(rc_store_t *st, int64_t run)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    rc_report_opts_t opts = {.format = RC_FORMAT_TRACE, .out = out, .run_id = run};
    size_t n;
    rc_error_t err;
    cr_assert_eq(rc_report_render(st, &opts, &n, &err), RC_OK, "%s", err.msg);
    fclose(out);
    return text;
}

static size_t occurrences(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static int64_t scalar(rc_store_t *st, const char *sql)
{
    (void)st;
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

Test(store, trace_of_a_cut_log_keeps_every_complete_event, .timeout = 20)
{
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_keep_events(st, 1);
    int64_t run;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_SHIM, "traced", "/tmp", &run, &err), RC_OK);
    rc_ingest_stats_t stats = {0};
    cr_assert_eq(rc_store_ingest_shim_log(st, run, cut_trace_log(), &stats, &err), RC_OK, "%s",
                 err.msg);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK);
    cr_assert_eq(stats.events, 9);
    cr_assert_eq(stats.torn, 1);
    /* One chunk of the 9 events, much smaller than the log's records; each
     * distinct call site once. */
    cr_assert_eq(scalar(st, "SELECT count(*) FROM trace_chunks"), 1);
    cr_assert_eq(scalar(st, "SELECT sum(nevents) FROM trace_chunks"), 9);
    cr_assert_eq(scalar(st, "SELECT first_ts FROM trace_chunks"), 100);
    cr_assert_eq(scalar(st, "SELECT last_ts FROM trace_chunks"), 180);
    cr_assert_lt(scalar(st, "SELECT length(data) FROM trace_chunks"), 9 * 40 / 2);
    cr_assert_eq(scalar(st, "SELECT count(*) FROM trace_sites"), 4);
    cr_assert_eq(scalar(st, "SELECT count(*) FROM trace_events"), 0);
    /* The timeline reads them back: both holds open and close, thread 1
     * lives from 140 to 170 ns, the join is there. */
    char *t = render_trace(st, run);
    cr_expect_eq(occurrences(t, "\"name\":\"hold "), 4, "%s", t);
    cr_expect_eq(occurrences(t, "\"ph\":\"b\""), 2, "%s", t);
    cr_expect_eq(occurrences(t, "\"ph\":\"e\""), 2, "%s", t);
    cr_expect(strstr(t, "\"name\":\"join T1\"") != NULL, "%s", t);
    cr_expect(strstr(t, "\"dur\":0.03") != NULL, "thread 1's life: %s", t);
    cr_expect(strstr(t, "\"ts\":0.080") != NULL, "the join at 180 ns: %s", t);
    free(t);
    rc_store_close(st);
}

Test(store, trace_rows_of_schema_5_stores_still_render, .timeout = 20)
{
    /* Stores written before trace_chunks kept one trace_events row per
     * event; a process without chunks is drawn from those rows. */
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    int64_t run;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_SHIM, "traced", "/tmp", &run, &err), RC_OK);
    cr_assert_eq(rc_store_ingest_shim_log(st, run, cut_trace_log(), NULL, &err), RC_OK, "%s",
                 err.msg);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK);
    cr_assert_eq(scalar(st, "SELECT count(*) FROM trace_chunks"), 0);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO trace_events(process_id, seq, ts, tid, op, lock_id, obj,"
                              " arg, flags) SELECT p.id, 0, 110, 0, 7, l.id, l.addr, 0, 1"
                              " FROM processes p JOIN locks l ON l.process_id = p.id"
                              " WHERE l.addr = 0x7f0000001000;"
                              "INSERT INTO trace_events(process_id, seq, ts, tid, op, lock_id, obj,"
                              " arg, flags) SELECT p.id, 1, 150, 0, 9, l.id, l.addr, 0, 1"
                              " FROM processes p JOIN locks l ON l.process_id = p.id"
                              " WHERE l.addr = 0x7f0000001000;",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    char *t = render_trace(st, run);
    cr_expect_eq(occurrences(t, "\"name\":\"hold "), 2, "%s", t);
    cr_expect(strstr(t, "\"ts\":0.040") != NULL, "the release at 150 ns: %s", t);
    free(t);
    rc_store_close(st);
}

/* ---- facts of scanned TUs (tu_store.c) ---------------------------------------- */

static void saved_tu(rc_tu_saved_t *t, const char *file, const char *key, const char *bytes)
{
    memset(t, 0, sizeof *t);
    t->job.file = rc_xstrdup(file);
    t->job.directory = rc_xstrdup("/src");
    t->job.argc = 3;
    t->job.argv = rc_xcalloc(4, sizeof *t->job.argv);
    t->job.argv[0] = rc_xstrdup("cc");
    t->job.argv[1] = rc_xstrdup("-DNAME=\"a b\"");
    t->job.argv[2] = rc_xstrdup(file);
    t->key = rc_xstrdup(key);
    t->deps = rc_xasprintf("0123456789abcdef %s\n", file);
    t->len = strlen(bytes) + 1; /* with a NUL inside the blob's bytes */
    t->facts = rc_xmalloc(t->len);
    memcpy(t->facts, bytes, t->len);
}

static void saved_free(rc_tu_saved_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        rc_tu_saved_close(&v[i]);
    free(v);
}

Test(store, saved_facts_round_trip_and_only_current_runs_keep_theirs)
{
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_tu_saved_t a[2];
    saved_tu(&a[0], "/src/a.c", "k1", "facts of a");
    saved_tu(&a[1], "/src/b.c", "k2", "facts of b");
    int64_t r1 = run_with(st, RC_RUN_STATIC, "scan a.c b.c", NULL);
    cr_assert_eq(rc_store_save_tus(st, r1, a, 2, &err), RC_OK, "%s", err.msg);

    rc_tu_saved_t *got;
    size_t n;
    cr_assert_eq(rc_store_load_tus(st, &r1, 1, &got, &n, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(got[0].job.file, "/src/a.c");
    cr_assert_str_eq(got[0].job.directory, "/src");
    cr_assert_eq(got[0].job.argc, 3);
    cr_assert_str_eq(got[0].job.argv[1], "-DNAME=\"a b\"");
    cr_assert_null(got[0].job.argv[3]);
    cr_assert_str_eq(got[0].key, "k1");
    cr_assert_str_eq(got[1].deps, "0123456789abcdef /src/b.c\n");
    cr_assert_eq(got[1].len, a[1].len);
    cr_assert(memcmp(got[1].facts, "facts of b", got[1].len) == 0);
    saved_free(got, n);

    /* The same command scans again and covers only a.c, now with another key:
     * b.c's facts and a.c's old ones go once the old run is no longer current. */
    rc_tu_saved_t a2;
    saved_tu(&a2, "/src/a.c", "k3", "new facts of a");
    int64_t r2 = run_with(st, RC_RUN_STATIC, "scan a.c b.c", NULL);
    cr_assert_eq(rc_store_save_tus(st, r2, &a2, 1, &err), RC_OK, "%s", err.msg);
    const char *both[] = {"/src/a.c", "/src/b.c"};
    cr_assert_eq(rc_store_load_tus_of(st, both, 2, &got, &n, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(got[0].key, "k3");
    saved_free(got, n);

    /* Another command's run keeps its own TUs beside. */
    int64_t r3 = run_with(st, RC_RUN_STATIC, "scan b.c", NULL);
    cr_assert_eq(rc_store_save_tus(st, r3, &a[1], 1, &err), RC_OK, "%s", err.msg);
    int64_t *runs;
    cr_assert_eq(rc_store_linkable_runs(st, &runs, &n, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(runs[0], r2);
    cr_assert_eq(runs[1], r3);
    free(runs);
    rc_tu_saved_close(&a[0]);
    rc_tu_saved_close(&a[1]);
    rc_tu_saved_close(&a2);
    rc_store_close(st);
}

Test(store, a_superseded_run_is_no_longer_current)
{
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_findings_t s1 = {0}, s2 = {0}, link = {0}, cur = {0};
    add_finding(&s1, "race.unprotected-rmw", "/src/a.c", 4, "partial", RC_SRC_STATIC);
    add_finding(&s2, "lock.leak", "/src/b.c", 9, "m", RC_SRC_STATIC);
    add_finding(&link, "lock.leak", "/src/b.c", 9, "m", RC_SRC_STATIC);
    add_finding(&link, "race.unprotected-rmw", "/src/a.c", 4, "total", RC_SRC_STATIC);
    int64_t runs[2] = {run_with(st, RC_RUN_STATIC, "scan --shard 1/2", &s1),
                       run_with(st, RC_RUN_STATIC, "scan --shard 2/2", &s2)};
    cr_assert_eq(rc_store_current_findings(st, &cur, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(cur.n, 2);
    rc_findings_close(&cur);
    int64_t l = run_with(st, RC_RUN_STATIC, "merge: link", &link);
    cr_assert_eq(rc_store_supersede(st, runs, 2, l, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_current_findings(st, &cur, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(cur.n, 2);
    for (size_t i = 0; i < cur.n; i++)
        cr_expect_str_neq(cur.v[i].subject, "partial");
    rc_findings_close(&cur);
    /* As of the second shard, before the link: both shards were current. */
    cr_assert_eq(rc_store_findings_as_of(st, runs[1], &cur, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(cur.n, 2);
    rc_findings_close(&cur);
    rc_findings_close(&s1);
    rc_findings_close(&s2);
    rc_findings_close(&link);
    rc_store_close(st);
}

Test(store, merged_store_keeps_the_trace, .timeout = 20)
{
    /* The trace chunks and sites go with their process into the merged
     * store (ids shifted past the destination's own). */
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    rc_store_keep_events(st, 1);
    int64_t run;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_SHIM, "traced", "/tmp", &run, &err), RC_OK);
    cr_assert_eq(rc_store_ingest_shim_log(st, run, cut_trace_log(), NULL, &err), RC_OK, "%s",
                 err.msg);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK);
    rc_store_close(st);

    char other[160];
    snprintf(other, sizeof other, "%s/other.db", tmpdir);
    cr_assert_eq(rc_store_open(other, &st, &err), RC_OK, "%s", err.msg);
    run_with(st, RC_RUN_STATIC, "scan", NULL); /* ids in use in the destination */
    rc_store_merge_stats_t ms = {0};
    cr_assert_eq(rc_store_merge(st, dbpath, &ms, &err), RC_OK, "%s", err.msg);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(other, &db), SQLITE_OK);
    sqlite3_stmt *s;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT (SELECT count(*) FROM trace_chunks c JOIN processes p"
                                    " ON p.id = c.process_id WHERE p.pid = 4321),"
                                    " (SELECT count(*) FROM trace_sites t JOIN processes p"
                                    " ON p.id = t.process_id WHERE p.pid = 4321),"
                                    " (SELECT max(r.id) FROM runs r JOIN processes p"
                                    " ON p.run_id = r.id WHERE p.pid = 4321)",
                                    -1, &s, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_expect_eq(sqlite3_column_int(s, 0), 1);
    cr_expect_eq(sqlite3_column_int(s, 1), 4);
    int64_t merged_run = sqlite3_column_int64(s, 2);
    sqlite3_finalize(s);
    sqlite3_close(db);
    char *t = render_trace(st, merged_run);
    cr_expect_eq(occurrences(t, "\"name\":\"hold "), 4, "%s", t);
    cr_expect(strstr(t, "\"name\":\"join T1\"") != NULL, "%s", t);
    free(t);
    rc_store_close(st);
}

/* ---- Owner changes (schema 8) ---------------------------------------------------- */

/* A trace-mode log written by hand: lock A acquired by the main thread,
 * then thread 1, then the main thread again (2 owner changes), lock B twice
 * by thread 1 (none). One chunk per thread. Returns its path (static). */
static const char *handoff_log(void)
{
    static char path[160];
    snprintf(path, sizeof path, "%s/rc-4322.log", tmpdir);
    enum { CHUNK = 8 };
    const uint64_t A = 0x7f0000001000, B = 0x7f0000002000, S = 0x401000;
    rc_event_t ev[2 * CHUNK] = {
        {.ts = 100, .tid = 0, .op = RC_EV_THREAD_START, .flags = RC_START_MAIN},
        {.ts = 110, .tid = 0, .op = RC_EV_LOCK_ACQUIRED, .obj = A, .site = S, .flags = 1},
        {.ts = 120, .tid = 0, .op = RC_EV_LOCK_RELEASED, .obj = A, .site = S, .flags = 1},
        {.ts = 130, .tid = 0, .op = RC_EV_THREAD_CREATE, .obj = 0x401800, .site = S, .arg = 1},
        {.ts = 200, .tid = 0, .op = RC_EV_THREAD_JOIN, .obj = 1, .site = S, .arg = 1},
        {.ts = 210, .tid = 0, .op = RC_EV_LOCK_ACQUIRED, .obj = A, .site = S, .flags = 1},
        {.ts = 220, .tid = 0, .op = RC_EV_LOCK_RELEASED, .obj = A, .site = S, .flags = 1},
        {.ts = 230, .tid = 0, .op = RC_EV_THREAD_EXIT, .flags = RC_EXIT_PROCESS},
        {.ts = 140, .tid = 1, .op = RC_EV_THREAD_START, .obj = 0x401800},
        {.ts = 150, .tid = 1, .op = RC_EV_LOCK_ACQUIRED, .obj = A, .site = S, .flags = 1},
        {.ts = 155, .tid = 1, .op = RC_EV_LOCK_RELEASED, .obj = A, .site = S, .flags = 1},
        {.ts = 160, .tid = 1, .op = RC_EV_LOCK_ACQUIRED, .obj = B, .site = S, .flags = 1},
        {.ts = 165, .tid = 1, .op = RC_EV_LOCK_RELEASED, .obj = B, .site = S, .flags = 1},
        {.ts = 170, .tid = 1, .op = RC_EV_LOCK_ACQUIRED, .obj = B, .site = S, .flags = 1},
        {.ts = 175, .tid = 1, .op = RC_EV_LOCK_RELEASED, .obj = B, .site = S, .flags = 1},
        {.ts = 180, .tid = 1, .op = RC_EV_THREAD_EXIT},
    };
    rc_log_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, RC_LOG_MAGIC, sizeof h.magic);
    h.version = RC_LOG_VERSION;
    h.record_size = sizeof(rc_event_t);
    h.chunk_records = CHUNK;
    h.pid = 4322;
    h.ppid = 1;
    h.next_chunk = 2;
    h.chunk_capacity = 4;
    h.flags = RC_LOG_F_EXITED;
    strcpy(h.exe, "/bin/handoff");
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    char pad[RC_LOG_HEADER_SIZE] = {0};
    memcpy(pad, &h, sizeof h);
    cr_assert_eq(fwrite(pad, sizeof pad, 1, f), 1);
    cr_assert_eq(fwrite(ev, sizeof ev[0], 2 * CHUNK, f), 2 * CHUNK);
    fclose(f);
    return path;
}

/* The store at dbpath, opened, with one finished shim run of handoff_log(). */
static rc_store_t *store_with_handoff_run(void)
{
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    int64_t run;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_SHIM, "handoff", "/tmp", &run, &err), RC_OK);
    cr_assert_eq(rc_store_ingest_shim_log(st, run, handoff_log(), NULL, &err), RC_OK, "%s",
                 err.msg);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK);
    return st;
}

/* Renders the store's runtime summary in FORMAT; caller frees. */
static char *render_summary(rc_store_t *st, rc_format_t format)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    rc_report_opts_t opts = {.format = format, .out = out, .summary = 1};
    size_t n;
    rc_error_t err;
    cr_assert_eq(rc_report_render(st, &opts, &n, &err), RC_OK, "%s", err.msg);
    fclose(out);
    return text;
}

/* Owner changes are stored per lock and shown in the text and JSON
 * summaries; a store of schema 7 gains the column when opened, and its
 * older lock rows (NULL) show none rather than a made-up 0. */
Test(store, owner_changes_are_stored_and_schema_7_stores_migrate, .timeout = 20)
{
    rc_error_t err;
    rc_store_t *st = store_with_handoff_run();
    cr_assert_eq(scalar(st, "SELECT owner_changes FROM locks WHERE addr = 0x7f0000001000"), 2);
    cr_assert_eq(scalar(st, "SELECT owner_changes FROM locks WHERE addr = 0x7f0000002000"), 0);
    char *text = render_summary(st, RC_FORMAT_TEXT);
    cr_expect(strstr(text, ": 3 acquisitions, 0 contended, 2 owner changes, ") != NULL, "%s", text);
    free(text);
    char *json = render_summary(st, RC_FORMAT_JSON);
    cr_expect(strstr(json, "\"owner_changes\": 2") != NULL, "%s", json);
    free(json);
    rc_store_close(st);

    /* Back to schema 7 (no column), then opened again. */
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "ALTER TABLE locks DROP COLUMN owner_changes;"
                              " PRAGMA user_version = 7",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(scalar(st, "PRAGMA user_version"), rc_store_schema_version());
    cr_assert_eq(scalar(st, "SELECT count(*) FROM locks WHERE owner_changes IS NULL"), 2);
    text = render_summary(st, RC_FORMAT_TEXT);
    cr_expect(strstr(text, ": 3 acquisitions, 0 contended, 0.000 ms waited") != NULL, "%s", text);
    cr_expect_null(strstr(text, "owner changes"), "%s", text);
    free(text);
    json = render_summary(st, RC_FORMAT_JSON);
    cr_expect(strstr(json, "\"owner_changes\": null") != NULL, "%s", json);
    free(json);
    rc_store_close(st);
}

/* `racecheck merge` copies each lock's owner changes with it. */
Test(store, merged_store_keeps_owner_changes, .timeout = 20)
{
    rc_error_t err;
    rc_store_t *st = store_with_handoff_run();
    rc_store_close(st);

    char other[160];
    snprintf(other, sizeof other, "%s/other.db", tmpdir);
    cr_assert_eq(rc_store_open(other, &st, &err), RC_OK, "%s", err.msg);
    rc_store_merge_stats_t ms = {0};
    cr_assert_eq(rc_store_merge(st, dbpath, &ms, &err), RC_OK, "%s", err.msg);
    char *text = render_summary(st, RC_FORMAT_TEXT);
    cr_expect(strstr(text, ": 3 acquisitions, 0 contended, 2 owner changes, ") != NULL, "%s", text);
    free(text);
    rc_store_close(st);
}

/* A log the shim created and sized but whose process ended before the header
 * was written (all zero) ingests nothing and is counted, not refused; a log
 * with any other bad header is still refused. */
Test(store, an_all_zero_log_is_a_process_that_never_started, .timeout = 20)
{
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    char *zero = rc_xasprintf("%s/rc-4242.log", tmpdir),
         *junk = rc_xasprintf("%s/rc-4243.log", tmpdir);
    FILE *f = fopen(zero, "wb");
    cr_assert_not_null(f);
    static const unsigned char nothing[1 << 16];
    cr_assert_eq(fwrite(nothing, 1, sizeof nothing, f), sizeof nothing);
    fclose(f);
    f = fopen(junk, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(nothing, 1, sizeof nothing, f), sizeof nothing);
    fseek(f, 100, SEEK_SET);
    fputc('x', f);
    fclose(f);
    int64_t run = 0;
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_SHIM, "prog", "/tmp", &run, &err), RC_OK);
    rc_ingest_stats_t stats = {0};
    cr_assert_eq(rc_store_ingest_shim_log(st, run, zero, &stats, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(stats.unstarted, 1);
    cr_assert_eq(stats.processes, 0);
    cr_assert_eq(rc_store_ingest_shim_log(st, run, junk, &stats, &err), RC_EFOREIGN);
    cr_assert_eq(stats.unstarted, 1);
    rc_store_close(st);
    free(zero);
    free(junk);
}

/* Locks the profile would print alike (same kind, name and first site: the
 * futures of a pool) share one line with their counts summed; a lock named
 * differently keeps its own line. */
Test(store, alike_locks_share_one_profile_line, .timeout = 20)
{
    rc_error_t err;
    rc_store_t *st = store_with_handoff_run();
    rc_store_close(st);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE locks SET name = 'pool.slot'", NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    char *text = render_summary(st, RC_FORMAT_TEXT);
    /* A: 3 acquisitions, 2 owner changes; B: 2 and 0. */
    cr_expect(strstr(text, "'pool.slot' and 1 more like it") != NULL, "%s", text);
    cr_expect(strstr(text, ": 5 acquisitions, 0 contended, 2 owner changes, ") != NULL, "%s", text);
    free(text);
    /* The HTML lock table groups them the same way: one row, the sums. */
    char *html = render_summary(st, RC_FORMAT_HTML);
    cr_expect(
        strstr(html, "<code>pool.slot</code> <span class=\"muted\">and 1 more like it</span>") !=
            NULL,
        "%s", html);
    cr_expect(strstr(html, "<td class=\"muted\">2 locks</td>") != NULL, "%s", html);
    cr_expect(strstr(html, "<td class=\"n\">5</td><td class=\"n\">0</td>") != NULL, "%s", html);
    free(html);
    rc_store_close(st);

    cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE locks SET name = 'other' WHERE addr = 0x7f0000002000",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
    cr_assert_eq(rc_store_open(dbpath, &st, &err), RC_OK, "%s", err.msg);
    text = render_summary(st, RC_FORMAT_TEXT);
    cr_expect_null(strstr(text, "more like it"), "%s", text);
    cr_expect(strstr(text, "'pool.slot'") != NULL && strstr(text, "'other'") != NULL, "%s", text);
    free(text);
    html = render_summary(st, RC_FORMAT_HTML);
    cr_expect_null(strstr(html, "more like it"), "%s", html);
    free(html);
    rc_store_close(st);
}
