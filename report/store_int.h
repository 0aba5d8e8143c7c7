/*
 * store_int.h - internals shared by the report module's files: the store
 * handle and small SQLite helpers. Not part of the module's interface.
 */
#ifndef RC_STORE_INT_H
#define RC_STORE_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "report.h"

struct rc_store {
    sqlite3 *db;
    char *path;
    int keep_events; /* ingestion stores every event (rc_store_keep_events) */
};

/* Runs SQL that returns no rows. */
int rc_db_exec(rc_store_t *st, const char *sql, rc_error_t *err);
/* Prepares SQL; on failure sets err and returns RC_EDB. */
int rc_db_prepare(rc_store_t *st, const char *sql, sqlite3_stmt **stmt, rc_error_t *err);
/* Sets err from the connection's last error. Returns RC_EDB. */
int rc_db_error(rc_store_t *st, rc_error_t *err, const char *what);
/* Binds TEXT or NULL. */
void rc_db_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Returns the id of PATH in files, inserting it when new; 0 for a NULL path. */
int rc_db_file_id(rc_store_t *st, const char *path, int64_t *id, rc_error_t *err);

/* Inserts findings as evidence of RUN_ID inside the caller's transaction. */
int rc_db_insert_findings(rc_store_t *st, int64_t run_id, const rc_findings_t *fs, rc_error_t *err);

/* The correlation class of a rule ("race" for every race.* rule). Caller frees. */
char *rc_rule_class(const char *rule);
/* Finds an existing finding that F is further evidence of (correlate.c);
 * *finding_id is 0 when there is none. */
int rc_db_correlate(rc_store_t *st, const rc_finding_t *f, int64_t *finding_id, rc_error_t *err);

/* Every evidence row of run RUN_ID as a finding of its own (one source each). */
int rc_store_run_evidence(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err);

int rc_db_begin(rc_store_t *st, rc_error_t *err);
int rc_db_commit(rc_store_t *st, rc_error_t *err);
void rc_db_rollback(rc_store_t *st);

#endif /* RC_STORE_INT_H */
