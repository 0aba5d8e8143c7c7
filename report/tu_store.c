/*
 * tu_store.c - what static runs keep besides findings (schema in store.c):
 * the analyzer's facts of scanned TUs (tables tu_facts and run_tus), so that
 * a later scan parses only what changed and `racecheck merge` can link the
 * TUs of sharded scans into one program; and the programs each run linked
 * with the concurrency models they use (table programs).
 *
 * tu_facts keeps the newest facts of each (file, key): a TU scanned again
 * under the same key replaces its row. run_tus lists the TUs each static run
 * covered. Saving prunes what no current run needs any more: run_tus rows of
 * runs that are no longer current (a newer run of the same kind and command,
 * or superseded), and facts no remaining run_tus row names.
 *
 *   column     tu_facts
 *   file       the TU's source (absolute)
 *   key        rc_tu_saved_t.key
 *   directory  the compile's working directory
 *   argv       the compile's argv as a JSON array of strings
 *   deps       "<hash> <path>" lines, one per file the TU read
 *   facts      the facts as bytes (analyzer/facts_io.c)
 */
#include "store_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Runs that are current: the newest finished run of each (kind, command), not
 * superseded. */
#define CURRENT_RUNS                                                                               \
    "SELECT id FROM (SELECT max(id) AS id FROM runs WHERE finished IS NOT NULL"                    \
    " GROUP BY kind, command) WHERE id NOT IN (SELECT id FROM runs WHERE superseded_by IS NOT"     \
    " NULL)"

static char *argv_json(const rc_tu_job_t *job)
{
    json_t *a = json_array();
    for (int i = 0; i < job->argc; i++)
        json_array_append_new(a, json_string(job->argv[i] ? job->argv[i] : ""));
    char *s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

/* argv from its JSON form; 0 on success. */
static int argv_parse(const char *text, rc_tu_job_t *job)
{
    json_t *a = text ? json_loads(text, 0, NULL) : NULL;
    if (!json_is_array(a)) {
        json_decref(a);
        return -1;
    }
    size_t n = json_array_size(a);
    job->argv = rc_xcalloc(n + 1, sizeof *job->argv);
    job->argc = (int)n;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_string_value(json_array_get(a, i));
        job->argv[i] = rc_xstrdup(v ? v : "");
    }
    json_decref(a);
    return 0;
}

static int save_one(rc_store_t *st, sqlite3_stmt *ins, sqlite3_stmt *cover, int64_t run_id,
                    const rc_tu_saved_t *t, rc_error_t *err)
{
    char *argv = argv_json(&t->job);
    sqlite3_reset(ins);
    rc_db_bind_text(ins, 1, t->job.file);
    rc_db_bind_text(ins, 2, t->key);
    rc_db_bind_text(ins, 3, t->job.directory);
    rc_db_bind_text(ins, 4, argv);
    rc_db_bind_text(ins, 5, t->deps ? t->deps : "");
    sqlite3_bind_blob64(ins, 6, t->facts, t->len, SQLITE_STATIC);
    int rc = sqlite3_step(ins) == SQLITE_DONE ? RC_OK : rc_db_error(st, err, "save facts");
    free(argv);
    if (rc)
        return rc;
    sqlite3_reset(cover);
    sqlite3_bind_int64(cover, 1, run_id);
    rc_db_bind_text(cover, 2, t->job.file);
    rc_db_bind_text(cover, 3, t->key);
    return sqlite3_step(cover) == SQLITE_DONE ? RC_OK : rc_db_error(st, err, "save facts");
}

int rc_store_save_tus(rc_store_t *st, int64_t run_id, const rc_tu_saved_t *v, size_t n,
                      rc_error_t *err)
{
    sqlite3_stmt *ins = NULL, *cover = NULL;
    int rc = rc_db_begin(st, err);
    if (rc)
        return rc;
    rc = rc_db_prepare(st,
                       "INSERT OR REPLACE INTO tu_facts(file, key, directory, argv, deps, facts)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       &ins, err);
    if (rc == RC_OK)
        rc = rc_db_prepare(st,
                           "INSERT OR IGNORE INTO run_tus(run_id, file, key) VALUES (?1, ?2, ?3)",
                           &cover, err);
    for (size_t i = 0; rc == RC_OK && i < n; i++)
        if (v[i].job.file && v[i].key && v[i].facts)
            rc = save_one(st, ins, cover, run_id, &v[i], err);
    sqlite3_finalize(ins);
    sqlite3_finalize(cover);
    if (rc == RC_OK) {
        sqlite3_stmt *s;
        rc = rc_db_prepare(
            st, "DELETE FROM run_tus WHERE run_id <> ?1 AND run_id NOT IN (" CURRENT_RUNS ")", &s,
            err);
        if (rc == RC_OK) {
            sqlite3_bind_int64(s, 1, run_id);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = rc_db_error(st, err, "prune facts");
            sqlite3_finalize(s);
        }
    }
    if (rc == RC_OK)
        rc = rc_db_exec(st,
                        "DELETE FROM tu_facts WHERE NOT EXISTS (SELECT 1 FROM run_tus r"
                        " WHERE r.file = tu_facts.file AND r.key = tu_facts.key)",
                        err);
    if (rc == RC_OK)
        return rc_db_commit(st, err);
    rc_db_rollback(st);
    return rc;
}

static void push_saved(rc_tu_saved_t **v, size_t *n, size_t *cap, sqlite3_stmt *s)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = rc_xrealloc(*v, *cap * sizeof **v);
    }
    rc_tu_saved_t *t = &(*v)[*n];
    memset(t, 0, sizeof *t);
    if (argv_parse((const char *)sqlite3_column_text(s, 3), &t->job) != 0)
        return; /* not what save_one wrote: skip the row */
    t->job.file = rc_xstrdup((const char *)sqlite3_column_text(s, 0));
    t->key = rc_xstrdup((const char *)sqlite3_column_text(s, 1));
    t->job.directory = rc_xstrdup((const char *)sqlite3_column_text(s, 2));
    t->deps = rc_xstrdup((const char *)sqlite3_column_text(s, 4));
    t->len = (size_t)sqlite3_column_bytes(s, 5);
    t->facts = rc_xmalloc(t->len ? t->len : 1);
    if (t->len)
        memcpy(t->facts, sqlite3_column_blob(s, 5), t->len);
    (*n)++;
}

int rc_store_load_tus(rc_store_t *st, const int64_t *runs, size_t nruns, rc_tu_saved_t **out,
                      size_t *n, rc_error_t *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT f.file, f.key, f.directory, f.argv, f.deps, f.facts"
                           " FROM tu_facts f WHERE EXISTS (SELECT 1 FROM run_tus r"
                           " WHERE r.run_id = ?1 AND r.file = f.file AND r.key = f.key)"
                           " ORDER BY f.file, f.key",
                           &s, err);
    if (rc)
        return rc;
    /* With several runs, a TU they share is loaded once. */
    for (size_t r = 0; r < nruns; r++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, runs[r]);
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            const char *file = (const char *)sqlite3_column_text(s, 0);
            const char *key = (const char *)sqlite3_column_text(s, 1);
            int dup = 0;
            for (size_t i = 0; i < *n && !dup; i++)
                dup = strcmp((*out)[i].job.file, file) == 0 && strcmp((*out)[i].key, key) == 0;
            if (!dup)
                push_saved(out, n, &cap, s);
        }
        if (step != SQLITE_DONE) {
            rc = rc_db_error(st, err, "load facts");
            break;
        }
    }
    sqlite3_finalize(s);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            rc_tu_saved_close(&(*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int rc_store_load_tus_of(rc_store_t *st, const char *const *files, size_t nfiles,
                         rc_tu_saved_t **out, size_t *n, rc_error_t *err)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *s = NULL;
    int rc = rc_db_prepare(st,
                           "SELECT file, key, directory, argv, deps, facts FROM tu_facts"
                           " WHERE file = ?1 ORDER BY key",
                           &s, err);
    for (size_t f = 0; rc == RC_OK && f < nfiles; f++) {
        if (!files[f])
            continue;
        sqlite3_reset(s);
        rc_db_bind_text(s, 1, files[f]);
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW)
            push_saved(out, n, &cap, s);
        if (step != SQLITE_DONE)
            rc = rc_db_error(st, err, "load facts");
    }
    if (s)
        sqlite3_finalize(s);
    if (rc) {
        for (size_t i = 0; i < *n; i++)
            rc_tu_saved_close(&(*out)[i]);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int rc_store_linkable_runs(rc_store_t *st, int64_t **runs, size_t *n, rc_error_t *err)
{
    *runs = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT id FROM runs WHERE kind = 'static' AND id IN (" CURRENT_RUNS ")"
                           " AND EXISTS (SELECT 1 FROM run_tus WHERE run_id = runs.id) ORDER BY id",
                           &s, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *runs = rc_xrealloc(*runs, cap * sizeof **runs);
        }
        (*runs)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    if (step != SQLITE_DONE)
        rc = rc_db_error(st, err, "list runs");
    sqlite3_finalize(s);
    return rc;
}

int rc_store_supersede(rc_store_t *st, const int64_t *runs, size_t n, int64_t by, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_begin(st, err);
    if (rc == RC_OK)
        rc = rc_db_prepare(st, "UPDATE runs SET superseded_by = ?1 WHERE id = ?2", &s, err);
    if (rc) {
        rc_db_rollback(st);
        return rc;
    }
    for (size_t i = 0; rc == RC_OK && i < n; i++) {
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, by);
        sqlite3_bind_int64(s, 2, runs[i]);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "supersede");
    }
    sqlite3_finalize(s);
    if (rc == RC_OK)
        return rc_db_commit(st, err);
    rc_db_rollback(st);
    return rc;
}

int rc_store_save_programs(rc_store_t *st, int64_t run_id, const rc_program_models_t *v, size_t n,
                           rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_begin(st, err);
    if (rc == RC_OK)
        rc = rc_db_prepare(
            st, "INSERT OR REPLACE INTO programs(run_id, file, models) VALUES (?1, ?2, ?3)", &s,
            err);
    if (rc) {
        rc_db_rollback(st);
        return rc;
    }
    for (size_t i = 0; rc == RC_OK && i < n; i++) {
        char *models = rc_models_str(v[i].models);
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, run_id);
        rc_db_bind_text(s, 2, v[i].main_file ? v[i].main_file : "");
        rc_db_bind_text(s, 3, models);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = rc_db_error(st, err, "save programs");
        free(models);
    }
    sqlite3_finalize(s);
    if (rc == RC_OK)
        return rc_db_commit(st, err);
    rc_db_rollback(st);
    return rc;
}

int rc_store_current_programs(rc_store_t *st, rc_program_models_t **out, size_t *n, rc_error_t *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s;
    int rc = rc_db_prepare(
        st,
        "SELECT file, models FROM programs p WHERE run_id = (SELECT max(q.run_id)"
        " FROM programs q WHERE q.file = p.file AND q.run_id IN (" CURRENT_RUNS ")) ORDER BY file",
        &s, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = rc_xrealloc(*out, cap * sizeof **out);
        }
        (*out)[(*n)++] =
            (rc_program_models_t){rc_xstrdup((const char *)sqlite3_column_text(s, 0)),
                                  rc_models_parse((const char *)sqlite3_column_text(s, 1))};
    }
    if (step != SQLITE_DONE)
        rc = rc_db_error(st, err, "load programs");
    sqlite3_finalize(s);
    return rc;
}
