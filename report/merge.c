/*
 * merge.c - merging one store into another (`racecheck merge`), so that CI
 * jobs that scanned shards of a code base, or ran different programs, can be
 * combined into one report.
 *
 * Every finished run of the source becomes a new run of the destination
 * (newer than the destination's own, in the source's order). Its findings go
 * through the ordinary insertion path, so they merge by fingerprint and
 * correlation with what the destination already holds. Runtime data
 * (processes, threads, locks, lock-order edges, trace events) is copied with
 * its ids shifted past the destination's and its files mapped by path, and
 * the saved facts of scanned TUs with the runs that covered them. The
 * source is opened like any store (a foreign or corrupt file is refused and
 * left untouched) and only read. Everything happens in one transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static int max_id(rc_store_t *st, const char *table, int64_t *out, rc_error_t *err)
{
    char *sql = rc_xasprintf("SELECT COALESCE(max(id), 0) FROM main.%s", table);
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, sql, &s, err);
    free(sql);
    if (rc)
        return rc;
    *out = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return RC_OK;
}

/* Binds ?1..?3 = the run, process and lock offsets and runs SQL. */
static int exec_shifted(rc_store_t *st, const char *sql, int64_t r, int64_t p, int64_t l,
                        rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, sql, &s, err);
    if (rc)
        return rc;
    for (int i = 1; i <= sqlite3_bind_parameter_count(s); i++)
        sqlite3_bind_int64(s, i, i == 1 ? r : i == 2 ? p : l);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "merge");
    sqlite3_finalize(s);
    return rc;
}

/* "12,13" (lock row ids) shifted by L. */
static int shift_held(rc_store_t *st, int64_t p, int64_t l, rc_error_t *err)
{
    sqlite3_stmt *q, *u;
    int rc = rc_db_prepare(st,
                           "SELECT rowid, held FROM main.lock_edges WHERE process_id > ?1"
                           " AND held <> ''",
                           &q, err);
    if (rc)
        return rc;
    rc = rc_db_prepare(st, "UPDATE main.lock_edges SET held = ?1 WHERE rowid = ?2", &u, err);
    if (rc) {
        sqlite3_finalize(q);
        return rc;
    }
    sqlite3_bind_int64(q, 1, p);
    while (rc == RC_OK && sqlite3_step(q) == SQLITE_ROW) {
        char *held = rc_xstrdup((const char *)sqlite3_column_text(q, 1));
        rc_strbuf_t b;
        rc_strbuf_init(&b);
        for (char *tok = strtok(held, ","); tok; tok = strtok(NULL, ","))
            rc_strbuf_appendf(&b, "%s%lld", b.len ? "," : "", atoll(tok) + (long long)l);
        sqlite3_reset(u);
        rc_db_bind_text(u, 1, b.s ? b.s : "");
        sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
        if (sqlite3_step(u) != SQLITE_DONE)
            rc = rc_db_error(st, err, "merge lock edges");
        rc_strbuf_close(&b);
        free(held);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    return rc;
}

static const char *const copy_sql[] = {
    "INSERT OR IGNORE INTO main.files(path) SELECT path FROM src.files",
    "CREATE TEMP TABLE fmap AS SELECT s.id AS old, m.id AS new"
    " FROM src.files s JOIN main.files m ON m.path = s.path",
    "INSERT INTO main.runs(id, kind, command, cwd, started, finished, status, superseded_by)"
    " SELECT id + ?1, kind, command, cwd, started, finished, status, superseded_by + ?1"
    " FROM src.runs WHERE finished IS NOT NULL",
    "INSERT OR IGNORE INTO main.run_tus(run_id, file, key) SELECT run_id + ?1, file, key"
    " FROM src.run_tus WHERE run_id + ?1 IN (SELECT id FROM main.runs)",
    "INSERT OR REPLACE INTO main.tu_facts(file, key, directory, argv, deps, facts)"
    " SELECT file, key, directory, argv, deps, facts FROM src.tu_facts",
    "INSERT OR IGNORE INTO main.programs(run_id, file, models) SELECT run_id + ?1, file, models"
    " FROM src.programs WHERE run_id + ?1 IN (SELECT id FROM main.runs)",
    "INSERT INTO main.processes(id, run_id, pid, ppid, exe, exited, exit_status, records, torn,"
    " dropped) SELECT id + ?2, run_id + ?1, pid, ppid, exe, exited, exit_status, records, torn,"
    " dropped FROM src.processes"
    " WHERE run_id IN (SELECT id FROM src.runs WHERE finished IS NOT NULL)",
    "INSERT INTO main.threads(process_id, tid, os_tid, parent_tid, start_routine, create_file_id,"
    " create_line, started_ns, ended_ns, joined, detached, locks_held_at_exit)"
    " SELECT process_id + ?2, tid, os_tid, parent_tid, start_routine,"
    " (SELECT new FROM fmap WHERE old = create_file_id), create_line, started_ns, ended_ns,"
    " joined, detached, locks_held_at_exit FROM src.threads"
    " WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
    "INSERT INTO main.locks(id, process_id, addr, kind, name, first_file_id, first_line,"
    " acquisitions, contended, wait_ns, max_wait_ns, hold_ns, max_hold_ns, owner_changes)"
    " SELECT id + ?3, process_id + ?2, addr, kind, name,"
    " (SELECT new FROM fmap WHERE old = first_file_id), first_line, acquisitions, contended,"
    " wait_ns, max_wait_ns, hold_ns, max_hold_ns, owner_changes FROM src.locks"
    " WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
    "INSERT INTO main.lock_edges(process_id, from_lock, to_lock, tid, held, from_file_id,"
    " from_line, to_file_id, to_line, count, trylock)"
    " SELECT process_id + ?2, from_lock + ?3, to_lock + ?3, tid, held,"
    " (SELECT new FROM fmap WHERE old = from_file_id), from_line,"
    " (SELECT new FROM fmap WHERE old = to_file_id), to_line, count, trylock"
    " FROM src.lock_edges WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
    "INSERT INTO main.trace_events(process_id, seq, ts, tid, op, lock_id, obj, arg, flags,"
    " site_file_id, site_line)"
    " SELECT process_id + ?2, seq, ts, tid, op, lock_id + ?3, obj, arg, flags,"
    " (SELECT new FROM fmap WHERE old = site_file_id), site_line FROM src.trace_events"
    " WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
    "INSERT INTO main.trace_chunks(process_id, seq, first_ts, last_ts, nevents, data)"
    " SELECT process_id + ?2, seq, first_ts, last_ts, nevents, data FROM src.trace_chunks"
    " WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
    "INSERT INTO main.trace_sites(process_id, site, file_id, line)"
    " SELECT process_id + ?2, site, (SELECT new FROM fmap WHERE old = file_id), line"
    " FROM src.trace_sites WHERE process_id + ?2 IN (SELECT id FROM main.processes)",
};

int rc_store_merge(rc_store_t *dst, const char *src_path, rc_store_merge_stats_t *stats,
                   rc_error_t *err)
{
    rc_store_t *src = NULL;
    int rc = rc_store_open(src_path, &src, err);
    if (rc)
        return rc;
    int64_t r = 0, p = 0, l = 0;
    rc = rc_db_exec(dst, "DROP TABLE IF EXISTS temp.fmap", err);
    if (rc == RC_OK) {
        sqlite3_stmt *s;
        rc = rc_db_prepare(dst, "ATTACH DATABASE ?1 AS src", &s, err);
        if (rc == RC_OK) {
            rc_db_bind_text(s, 1, src_path);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = rc_db_error(dst, err, "attach");
            sqlite3_finalize(s);
        }
    }
    if (rc) {
        rc_store_close(src);
        return rc;
    }
    rc = rc_db_begin(dst, err);
    if (rc == RC_OK)
        rc = max_id(dst, "runs", &r, err);
    if (rc == RC_OK)
        rc = max_id(dst, "processes", &p, err);
    if (rc == RC_OK)
        rc = max_id(dst, "locks", &l, err);
    for (size_t i = 0; rc == RC_OK && i < sizeof copy_sql / sizeof copy_sql[0]; i++)
        rc = exec_shifted(dst, copy_sql[i], r, p, l, err);
    if (rc == RC_OK)
        rc = shift_held(dst, p, l, err);
    /* The findings of each run, through fingerprints and correlation. */
    sqlite3_stmt *runs = NULL;
    if (rc == RC_OK)
        rc = rc_db_prepare(src, "SELECT id FROM runs WHERE finished IS NOT NULL ORDER BY id", &runs,
                           err);
    while (rc == RC_OK && sqlite3_step(runs) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(runs, 0);
        rc_findings_t fs = {0};
        rc = rc_store_run_evidence(src, id, &fs, err);
        if (rc == RC_OK)
            rc = rc_db_insert_findings(dst, id + r, &fs, err);
        if (rc == RC_OK && stats) {
            stats->runs++;
            stats->findings += fs.n;
        }
        rc_findings_close(&fs);
    }
    sqlite3_finalize(runs);
    if (rc == RC_OK)
        rc = rc_db_commit(dst, err);
    else
        rc_db_rollback(dst);
    sqlite3_exec(dst->db, "DROP TABLE IF EXISTS temp.fmap; DETACH DATABASE src", NULL, NULL, NULL);
    rc_store_close(src);
    return rc;
}
