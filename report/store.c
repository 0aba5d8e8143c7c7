/*
 * store.c - opening, validating and migrating the SQLite store; runs and
 * findings.
 *
 * A store is recognised by PRAGMA application_id = RC_APP_ID ('RCKD'). A file
 * that is not SQLite, or a SQLite database with another application id or
 * with tables but no id, is refused and never written: validation only
 * reads, and WAL mode is switched on only after it passes.
 *
 * Schema (version 8; PRAGMA user_version holds the version, migrations[]
 * brings any older store up to date inside one transaction):
 *
 *   table              one row per
 *   runs               scan, program run or log ingestion (kind, command, cwd, times, status)
 *   files              source path, referenced by id
 *   findings           distinct defect, unique by fingerprint
 *   evidence           observation of a finding by one run (rule, source, message, location,
 *                      raw detail); evidence of several sources or reports can share a finding
 *                      (correlate.c)
 *   related_locations  other location of one evidence row (other access, other lock, creation site)
 *   processes          process seen by a shim run (pid, ppid, exe, exit, records, torn, dropped)
 *   threads            thread of a process (shim tid, OS tid, start routine, creation site, times)
 *   locks              sync object of a process (address, kind, name, first site, counters:
 *                      acquisitions, contended, total/max wait and hold, owner changes)
 *   lock_edges         "acquired TO while holding FROM", per thread, with held set and sites
 *   trace_events       every event of a process, for runs made with --trace (the timeline);
 *                      written by schema 4-5 only, read for processes without trace_chunks
 *   trace_chunks       up to 65536 events of a --trace process as one blob (ts order; packed
 *                      records of runtime-shim/eventlog.h), seq = chunk number
 *   trace_sites        call site of a process's trace events, symbolised (file, line)
 *   tu_facts           newest analyzer facts of a TU (file, job key): job, files read with
 *                      their hashes, facts as bytes (tu_store.c)
 *   run_tus            TU (file, key) covered by a static run
 *   programs           program linked by a static run (its main's file, "" without main)
 *                      and the concurrency models it uses ("threads,signals")
 *
 * runs.superseded_by names the run whose findings replace this run's (a link
 * of sharded scans, `racecheck merge`): a superseded run is no longer current.
 */
#include "store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RC_APP_ID 0x52434B44 /* 'RCKD' */

static const char *const migrations[] = {
    /* 0 -> 1 */
    "CREATE TABLE runs("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('static','shim','tsan')),"
    "  command TEXT NOT NULL,"
    "  cwd TEXT NOT NULL,"
    "  started TEXT NOT NULL,"
    "  finished TEXT,"
    "  status INTEGER);"
    "CREATE TABLE files(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE);"
    "CREATE TABLE findings("
    "  id INTEGER PRIMARY KEY,"
    "  fingerprint TEXT NOT NULL UNIQUE,"
    "  rule TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  subject TEXT,"
    "  first_run INTEGER NOT NULL REFERENCES runs(id),"
    "  last_run INTEGER NOT NULL REFERENCES runs(id));"
    "CREATE TABLE evidence("
    "  id INTEGER PRIMARY KEY,"
    "  finding_id INTEGER NOT NULL REFERENCES findings(id),"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),"
    "  source TEXT NOT NULL CHECK (source IN ('static','shim','tsan')),"
    "  message TEXT NOT NULL,"
    "  file_id INTEGER REFERENCES files(id),"
    "  line INTEGER, col INTEGER, function TEXT,"
    "  detail TEXT);"
    "CREATE INDEX evidence_run ON evidence(run_id);"
    "CREATE INDEX evidence_finding ON evidence(finding_id);"
    "CREATE TABLE related_locations("
    "  evidence_id INTEGER NOT NULL REFERENCES evidence(id),"
    "  seq INTEGER NOT NULL,"
    "  file_id INTEGER REFERENCES files(id),"
    "  line INTEGER, col INTEGER, function TEXT, note TEXT,"
    "  PRIMARY KEY (evidence_id, seq));"
    "CREATE TABLE processes("
    "  id INTEGER PRIMARY KEY,"
    "  run_id INTEGER NOT NULL REFERENCES runs(id),"
    "  pid INTEGER NOT NULL, ppid INTEGER, exe TEXT,"
    "  exited INTEGER, exit_status INTEGER,"
    "  records INTEGER, torn INTEGER, dropped INTEGER);"
    "CREATE TABLE threads("
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  tid INTEGER NOT NULL, os_tid INTEGER, parent_tid INTEGER,"
    "  start_routine TEXT,"
    "  create_file_id INTEGER REFERENCES files(id), create_line INTEGER,"
    "  started_ns INTEGER, ended_ns INTEGER,"
    "  joined INTEGER NOT NULL DEFAULT 0, detached INTEGER NOT NULL DEFAULT 0,"
    "  locks_held_at_exit INTEGER,"
    "  PRIMARY KEY (process_id, tid));"
    "CREATE TABLE locks("
    "  id INTEGER PRIMARY KEY,"
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  addr INTEGER NOT NULL, kind TEXT, name TEXT,"
    "  first_file_id INTEGER REFERENCES files(id), first_line INTEGER,"
    "  acquisitions INTEGER, contended INTEGER,"
    "  wait_ns INTEGER, max_wait_ns INTEGER, hold_ns INTEGER, max_hold_ns INTEGER);"
    "CREATE TABLE lock_edges("
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  from_lock INTEGER NOT NULL REFERENCES locks(id),"
    "  to_lock INTEGER NOT NULL REFERENCES locks(id),"
    "  tid INTEGER NOT NULL,"
    "  held TEXT,"
    "  from_file_id INTEGER REFERENCES files(id), from_line INTEGER,"
    "  to_file_id INTEGER REFERENCES files(id), to_line INTEGER,"
    "  count INTEGER NOT NULL, trylock INTEGER NOT NULL);",
    /* 1 -> 2: evidence keeps its own rule, since correlated evidence of one
     * finding may come from different rules (race.unprotected-rmw statically,
     * race.data-race from TSan). */
    "ALTER TABLE evidence ADD COLUMN rule TEXT;"
    "UPDATE evidence SET rule = (SELECT rule FROM findings WHERE findings.id = "
    "evidence.finding_id);",
    /* 2 -> 3: the thread each location runs on (SARIF thread flows). */
    "ALTER TABLE evidence ADD COLUMN thread TEXT;"
    "ALTER TABLE related_locations ADD COLUMN thread TEXT;",
    /* 3 -> 4: every event of runs made with --trace, for the timeline. */
    "CREATE TABLE trace_events("
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  seq INTEGER NOT NULL, ts INTEGER NOT NULL, tid INTEGER NOT NULL, op INTEGER NOT NULL,"
    "  lock_id INTEGER REFERENCES locks(id), obj INTEGER, arg INTEGER, flags INTEGER,"
    "  site_file_id INTEGER REFERENCES files(id), site_line INTEGER,"
    "  PRIMARY KEY (process_id, seq));",
    /* 4 -> 5: whether a process was forked or is a program exec'd in place. */
    "ALTER TABLE processes ADD COLUMN execed INTEGER NOT NULL DEFAULT 0;",
    /* 5 -> 6: the events of --trace runs as blobs of up to 65536 packed
     * records each (runtime-shim/eventlog.h) plus their symbolised call
     * sites; one row per event (trace_events) made ingestion of a trace
     * take seconds per million events. Rows already in trace_events stay
     * and are still read, for the processes that have no chunks. */
    "CREATE TABLE trace_chunks("
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  seq INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,"
    "  nevents INTEGER NOT NULL, data BLOB NOT NULL,"
    "  PRIMARY KEY (process_id, seq));"
    "CREATE TABLE trace_sites("
    "  process_id INTEGER NOT NULL REFERENCES processes(id),"
    "  site INTEGER NOT NULL, file_id INTEGER REFERENCES files(id), line INTEGER,"
    "  PRIMARY KEY (process_id, site));",
    /* 6 -> 7: the facts of scanned TUs, reused by later scans and linked by
     * merge; which TUs each static run covered; a run whose findings a later
     * run replaces (the link of sharded scans); the programs a static run
     * linked and their concurrency models. */
    "ALTER TABLE runs ADD COLUMN superseded_by INTEGER REFERENCES runs(id);"
    "CREATE TABLE tu_facts("
    "  file TEXT NOT NULL, key TEXT NOT NULL, directory TEXT, argv TEXT NOT NULL,"
    "  deps TEXT NOT NULL, facts BLOB NOT NULL,"
    "  PRIMARY KEY (file, key));"
    "CREATE TABLE run_tus("
    "  run_id INTEGER NOT NULL REFERENCES runs(id), file TEXT NOT NULL, key TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, file, key));"
    "CREATE TABLE programs("
    "  run_id INTEGER NOT NULL REFERENCES runs(id), file TEXT NOT NULL, models TEXT NOT NULL,"
    "  PRIMARY KEY (run_id, file));",
    /* 7 -> 8: per lock, the acquisitions made by another thread than the
     * one that acquired it before (owner changes, mutrace's "changed");
     * NULL for locks stored before. */
    "ALTER TABLE locks ADD COLUMN owner_changes INTEGER;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int rc_store_schema_version(void)
{
    return SCHEMA_VERSION;
}

int rc_db_error(rc_store_t *st, rc_error_t *err, const char *what)
{
    return rc_error_set(err, RC_EDB, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

int rc_db_exec(rc_store_t *st, const char *sql, rc_error_t *err)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = rc_error_set(err, RC_EDB, "%s: %s", st->path, msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return RC_OK;
}

int rc_db_prepare(rc_store_t *st, const char *sql, sqlite3_stmt **stmt, rc_error_t *err)
{
    if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
        return rc_db_error(st, err, "prepare");
    return RC_OK;
}

void rc_db_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

int rc_db_begin(rc_store_t *st, rc_error_t *err)
{
    /* IMMEDIATE: take the write lock now, so concurrent writers wait on
     * busy_timeout instead of failing on upgrade. */
    return rc_db_exec(st, "BEGIN IMMEDIATE", err);
}

int rc_db_commit(rc_store_t *st, rc_error_t *err)
{
    return rc_db_exec(st, "COMMIT", err);
}

void rc_db_rollback(rc_store_t *st)
{
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int rc_db_file_id(rc_store_t *st, const char *path, int64_t *id, rc_error_t *err)
{
    *id = 0;
    if (!path)
        return RC_OK;
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "INSERT INTO files(path) VALUES (?1) "
                           "ON CONFLICT(path) DO UPDATE SET path = path RETURNING id",
                           &s, err);
    if (rc)
        return rc;
    rc_db_bind_text(s, 1, path);
    if (sqlite3_step(s) == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else
        rc = rc_db_error(st, err, "insert file");
    sqlite3_finalize(s);
    return rc;
}

/* Creates the parent directory of PATH if it does not exist (one level, as
 * for the default .racecheck/racecheck.db). */
static int make_parent(const char *path, rc_error_t *err)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return RC_OK;
    char *dir = rc_xstrdup(path);
    dir[slash - path] = '\0';
    int rc = RC_OK;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        rc = rc_error_set(err, RC_EIO, "cannot create directory '%s': %s", dir, strerror(errno));
    free(dir);
    return rc;
}

static void sql_rule_class(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *rule = (const char *)sqlite3_value_text(argv[0]);
    if (!rule) {
        sqlite3_result_null(ctx);
        return;
    }
    char *cls = rc_rule_class(rule);
    sqlite3_result_text(ctx, cls, -1, free);
}

static int pragma_int(rc_store_t *st, const char *sql, int *out)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sqlite3_errcode(st->db);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* Decides whether the open database is ours, new, or foreign, without
 * writing to it. */
static int validate(rc_store_t *st, int *version, rc_error_t *err)
{
    int app_id = 0, tables = 0;
    int rc = pragma_int(st, "SELECT count(*) FROM sqlite_master", &tables);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return rc_error_set(err, RC_EFOREIGN,
                            "%s: not a racecheck store (the file is not an SQLite database or is "
                            "corrupt); it was left untouched",
                            st->path);
    if (rc != SQLITE_OK)
        return rc_db_error(st, err, "cannot read the store");
    if (pragma_int(st, "PRAGMA application_id", &app_id) != SQLITE_OK ||
        pragma_int(st, "PRAGMA user_version", version) != SQLITE_OK)
        return rc_db_error(st, err, "cannot read the store header");
    if (app_id == 0 && tables == 0)
        return RC_OK; /* empty: a new store */
    if (app_id != RC_APP_ID)
        return rc_error_set(err, RC_EFOREIGN,
                            "%s: an SQLite database that is not a racecheck store "
                            "(application_id %#x); it was left untouched",
                            st->path, (unsigned)app_id);
    if (*version > SCHEMA_VERSION)
        return rc_error_set(err, RC_EFOREIGN,
                            "%s: written by a newer racecheck (schema %d, this build knows %d)",
                            st->path, *version, SCHEMA_VERSION);
    return RC_OK;
}

static int migrate(rc_store_t *st, int from, rc_error_t *err)
{
    if (from == SCHEMA_VERSION)
        return RC_OK;
    int rc = rc_db_begin(st, err);
    if (rc)
        return rc;
    /* Re-read inside the write transaction: another process may have
     * migrated the store meanwhile. */
    if (pragma_int(st, "PRAGMA user_version", &from) != SQLITE_OK) {
        rc_db_rollback(st);
        return rc_db_error(st, err, "cannot read the schema version");
    }
    for (int v = from; v < SCHEMA_VERSION && rc == RC_OK; v++)
        rc = rc_db_exec(st, migrations[v], err);
    if (rc == RC_OK) {
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d", RC_APP_ID,
                 SCHEMA_VERSION);
        rc = rc_db_exec(st, sql, err);
    }
    if (rc == RC_OK)
        rc = rc_db_commit(st, err);
    if (rc)
        rc_db_rollback(st);
    return rc;
}

/* The column names of table t in db, comma-separated in order, or NULL when it
 * has none (no such table). Caller frees. */
static char *table_columns(sqlite3 *db, const char *t)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &q,
                           NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(q, 1, t, -1, SQLITE_STATIC);
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    while (sqlite3_step(q) == SQLITE_ROW)
        rc_strbuf_appendf(&b, "%s%s", b.len ? "," : "", (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    if (!b.len) {
        rc_strbuf_close(&b);
        return NULL;
    }
    return rc_strbuf_take(&b);
}

/* A store that says it has the current schema must have every table and column
 * of it: one damaged by hand or by a tool would otherwise fail later, on some
 * query, with an SQL error. The reference is the schema the migrations build in
 * an in-memory database, so the list cannot drift from them. */
static int check_schema(rc_store_t *st, rc_error_t *err)
{
    sqlite3 *ref = NULL;
    if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(ref);
        return rc_error_set(err, RC_EDB, "cannot open an in-memory database");
    }
    int rc = RC_OK;
    for (int v = 0; v < SCHEMA_VERSION && rc == RC_OK; v++)
        if (sqlite3_exec(ref, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
            rc = rc_error_set(err, RC_EDB, "schema %d: %s", v + 1, sqlite3_errmsg(ref));
    sqlite3_stmt *q = NULL;
    if (rc == RC_OK && sqlite3_prepare_v2(ref,
                                          "SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                          -1, &q, NULL) != SQLITE_OK)
        rc = rc_error_set(err, RC_EDB, "schema: %s", sqlite3_errmsg(ref));
    while (rc == RC_OK && sqlite3_step(q) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(q, 0);
        char *want = table_columns(ref, t), *have = table_columns(st->db, t);
        if (!have)
            rc = rc_error_set(err, RC_EFOREIGN,
                              "%s: a damaged racecheck store: table '%s' is missing (schema %d); "
                              "it was left untouched",
                              st->path, t, SCHEMA_VERSION);
        else if (want && strcmp(want, have) != 0)
            rc = rc_error_set(err, RC_EFOREIGN,
                              "%s: a damaged racecheck store: table '%s' has columns (%s), schema "
                              "%d has (%s); it was left untouched",
                              st->path, t, have, SCHEMA_VERSION, want);
        free(want);
        free(have);
    }
    sqlite3_finalize(q);
    sqlite3_close(ref);
    return rc;
}

int rc_store_open(const char *path, rc_store_t **out, rc_error_t *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
        return rc_error_set(err, RC_EFOREIGN, "%s: not a regular file", path);
    int rc = make_parent(path, err);
    if (rc)
        return rc;
    rc_store_t *st = rc_xcalloc(1, sizeof *st);
    st->path = rc_xstrdup(path);
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = rc_error_set(err, RC_EDB, "cannot open store '%s': %s", path,
                          st->db ? sqlite3_errmsg(st->db) : "out of memory");
        rc_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 10000);
    sqlite3_extended_result_codes(st->db, 0);
    sqlite3_create_function(st->db, "rc_rule_class", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            sql_rule_class, NULL, NULL);
    int version = 0;
    rc = validate(st, &version, err);
    if (rc == RC_OK)
        rc = rc_db_exec(st, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON", err);
    if (rc == RC_OK)
        rc = migrate(st, version, err);
    if (rc == RC_OK)
        rc = check_schema(st, err);
    if (rc) {
        rc_store_close(st);
        return rc;
    }
    *out = st;
    return RC_OK;
}

void rc_store_keep_events(rc_store_t *st, int on)
{
    st->keep_events = on;
}

void rc_store_close(rc_store_t *st)
{
    if (!st)
        return;
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

static void utc_now(char buf[32])
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *kind_name(rc_run_kind_t kind)
{
    switch (kind) {
    case RC_RUN_STATIC:
        return "static";
    case RC_RUN_SHIM:
        return "shim";
    case RC_RUN_TSAN:
        return "tsan";
    }
    return NULL;
}

int rc_store_run_begin(rc_store_t *st, rc_run_kind_t kind, const char *command, const char *cwd,
                       int64_t *run_id, rc_error_t *err)
{
    char now[32];
    utc_now(now);
    sqlite3_stmt *s;
    int rc = rc_db_prepare(
        st, "INSERT INTO runs(kind, command, cwd, started) VALUES (?1, ?2, ?3, ?4)", &s, err);
    if (rc)
        return rc;
    rc_db_bind_text(s, 1, kind_name(kind));
    rc_db_bind_text(s, 2, command);
    rc_db_bind_text(s, 3, cwd);
    rc_db_bind_text(s, 4, now);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "insert run");
    else
        *run_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

int rc_store_run_end(rc_store_t *st, int64_t run_id, int status, rc_error_t *err)
{
    char now[32];
    utc_now(now);
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, "UPDATE runs SET finished = ?1, status = ?2 WHERE id = ?3", &s, err);
    if (rc)
        return rc;
    rc_db_bind_text(s, 1, now);
    sqlite3_bind_int(s, 2, status);
    sqlite3_bind_int64(s, 3, run_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "finish run");
    sqlite3_finalize(s);
    return rc;
}

static int find_by_fingerprint(rc_store_t *st, const char *fp, int64_t *id, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, "SELECT id FROM findings WHERE fingerprint = ?1", &s, err);
    if (rc)
        return rc;
    rc_db_bind_text(s, 1, fp);
    *id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return RC_OK;
}

/* Finds the finding F is evidence of (same fingerprint, or correlated), or
 * inserts a new one, marks it seen by RUN_ID and returns its id. */
static int upsert_finding(rc_store_t *st, int64_t run_id, const rc_finding_t *f, int64_t *id,
                          rc_error_t *err)
{
    char *fp = rc_fingerprint(f);
    int rc = find_by_fingerprint(st, fp, id, err);
    if (rc == RC_OK && *id == 0)
        rc = rc_db_correlate(st, f, id, err);
    sqlite3_stmt *s = NULL;
    if (rc == RC_OK && *id) {
        rc = rc_db_prepare(st, "UPDATE findings SET last_run = ?1 WHERE id = ?2", &s, err);
        if (rc == RC_OK) {
            sqlite3_bind_int64(s, 1, run_id);
            sqlite3_bind_int64(s, 2, *id);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = rc_db_error(st, err, "update finding");
        }
    } else if (rc == RC_OK) {
        rc = rc_db_prepare(st,
                           "INSERT INTO findings(fingerprint, rule, severity, subject, first_run,"
                           " last_run) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                           &s, err);
        if (rc == RC_OK) {
            rc_db_bind_text(s, 1, fp);
            rc_db_bind_text(s, 2, f->rule);
            rc_db_bind_text(s, 3, rc_severity_name(f->severity));
            rc_db_bind_text(s, 4, f->subject);
            sqlite3_bind_int64(s, 5, run_id);
            if (sqlite3_step(s) == SQLITE_DONE)
                *id = sqlite3_last_insert_rowid(st->db);
            else
                rc = rc_db_error(st, err, "insert finding");
        }
    }
    sqlite3_finalize(s);
    free(fp);
    return rc;
}

static int insert_related(rc_store_t *st, int64_t evidence_id, int seq, const rc_loc_t *loc,
                          rc_error_t *err)
{
    int64_t file_id;
    int rc = rc_db_file_id(st, loc->file, &file_id, err);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc = rc_db_prepare(st,
                       "INSERT INTO related_locations(evidence_id, seq, file_id, line, col, "
                       "function, note, thread) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, evidence_id);
    sqlite3_bind_int(s, 2, seq);
    if (file_id)
        sqlite3_bind_int64(s, 3, file_id);
    sqlite3_bind_int(s, 4, (int)loc->line);
    sqlite3_bind_int(s, 5, (int)loc->col);
    rc_db_bind_text(s, 6, loc->function);
    rc_db_bind_text(s, 7, loc->note);
    rc_db_bind_text(s, 8, loc->thread);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "insert related location");
    sqlite3_finalize(s);
    return rc;
}

static int insert_evidence(rc_store_t *st, int64_t run_id, int64_t finding_id,
                           const rc_finding_t *f, rc_error_t *err)
{
    int64_t file_id;
    int rc = rc_db_file_id(st, f->loc.file, &file_id, err);
    if (rc)
        return rc;
    sqlite3_stmt *s;
    rc =
        rc_db_prepare(st,
                      "INSERT INTO evidence(finding_id, run_id, source, message, file_id, line, "
                      "col, function, detail, rule, thread) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                      " ?9, ?10, ?11)",
                      &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, finding_id);
    sqlite3_bind_int64(s, 2, run_id);
    rc_db_bind_text(s, 3, rc_source_name(f->source));
    rc_db_bind_text(s, 4, f->message ? f->message : "");
    if (file_id)
        sqlite3_bind_int64(s, 5, file_id);
    sqlite3_bind_int(s, 6, (int)f->loc.line);
    sqlite3_bind_int(s, 7, (int)f->loc.col);
    rc_db_bind_text(s, 8, f->loc.function);
    rc_db_bind_text(s, 9, f->evidence);
    rc_db_bind_text(s, 10, f->rule);
    rc_db_bind_text(s, 11, f->loc.thread);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = rc_db_error(st, err, "insert evidence");
    int64_t evidence_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    for (size_t i = 0; rc == RC_OK && i < f->nrelated; i++)
        rc = insert_related(st, evidence_id, (int)i, &f->related[i], err);
    return rc;
}

int rc_db_insert_findings(rc_store_t *st, int64_t run_id, const rc_findings_t *fs, rc_error_t *err)
{
    int rc = RC_OK;
    for (size_t i = 0; rc == RC_OK && i < fs->n; i++) {
        const rc_finding_t *f = &fs->v[i];
        if (!f->rule || !f->source)
            return rc_error_set(err, RC_EINTERNAL, "finding %zu has no rule or source", i);
        int64_t finding_id = 0;
        rc = upsert_finding(st, run_id, f, &finding_id, err);
        if (rc == RC_OK)
            rc = insert_evidence(st, run_id, finding_id, f, err);
    }
    return rc;
}

int rc_store_add_findings(rc_store_t *st, int64_t run_id, const rc_findings_t *fs, rc_error_t *err)
{
    int rc = rc_db_begin(st, err);
    if (rc)
        return rc;
    rc = rc_db_insert_findings(st, run_id, fs, err);
    if (rc == RC_OK)
        return rc_db_commit(st, err);
    rc_db_rollback(st);
    return rc;
}
