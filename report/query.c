/*
 * query.c - reading the current findings back out of the store.
 *
 * "Current" means observed by the newest finished run of each (kind,
 * command) pair, unless a later run superseded it (runs.superseded_by). A finding observed by
 * several sources is returned once, with the rule, location, message and related locations of its
 * preferred evidence (static, then shim, then TSan; among equals, the first stored with a known
 * line) and the union of its sources.
 */
#include "store_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ?1 = 0: the newest finished run of each (kind, command) among the runs up
 * to ?2; else run ?1 alone. */
static const char *const findings_sql =
    "WITH latest AS (SELECT id FROM (SELECT max(id) AS id FROM runs WHERE finished IS NOT NULL"
    "                AND ?1 = 0 AND id <= ?2 GROUP BY kind, command)"
    "                WHERE id NOT IN (SELECT id FROM runs WHERE superseded_by <= ?2)"
    "                UNION SELECT ?1 WHERE ?1 <> 0)"
    " SELECT f.id, COALESCE(e.rule, f.rule), f.severity, f.subject, e.id, e.source, e.message, "
    "p.path, e.line,"
    "        e.col, e.function, e.detail, f.fingerprint, e.thread"
    " FROM findings f JOIN evidence e ON e.finding_id = f.id"
    " LEFT JOIN files p ON p.id = e.file_id"
    " WHERE e.run_id IN (SELECT id FROM latest)"
    " ORDER BY f.id, CASE e.source WHEN 'static' THEN 0 WHEN 'shim' THEN 1 ELSE 2 END,"
    "          e.line = 0, e.id";

static const char *text_col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

static rc_source_t source_parse(const char *s)
{
    if (s && strcmp(s, "static") == 0)
        return RC_SRC_STATIC;
    if (s && strcmp(s, "shim") == 0)
        return RC_SRC_SHIM;
    return RC_SRC_TSAN;
}

static int load_related(rc_store_t *st, int64_t evidence_id, rc_finding_t *f, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st,
                           "SELECT p.path, r.line, r.col, r.function, r.note, r.thread"
                           " FROM related_locations r LEFT JOIN files p ON p.id = r.file_id"
                           " WHERE r.evidence_id = ?1 ORDER BY r.seq",
                           &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, evidence_id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rc_loc_t *r = rc_finding_add_related(f, text_col(s, 0), (unsigned)sqlite3_column_int(s, 1),
                                             (unsigned)sqlite3_column_int(s, 2), text_col(s, 3),
                                             text_col(s, 4));
        rc_loc_set_thread(r, text_col(s, 5));
    }
    if (step != SQLITE_DONE)
        rc = rc_db_error(st, err, "read related locations");
    sqlite3_finalize(s);
    return rc;
}

/* PER_EVIDENCE: one rc_finding_t per evidence row (its own source), instead
 * of one per finding with the union of sources. */
static int load_findings(rc_store_t *st, int64_t run_id, int64_t upto, int per_evidence,
                         rc_findings_t *out, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, findings_sql, &s, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(s, 1, run_id);
    sqlite3_bind_int64(s, 2, upto);
    size_t first = out->n;
    int64_t last_finding = -1;
    int step;
    /* Related locations are loaded after the scan, one query each, because
     * a nested statement would run while this one is open. */
    int64_t *evidence_ids = NULL;
    size_t nids = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t fid = sqlite3_column_int64(s, 0);
        rc_source_t src = source_parse(text_col(s, 5));
        if (fid == last_finding && !per_evidence) {
            out->v[out->n - 1].source |= src;
            continue;
        }
        last_finding = fid;
        rc_finding_t *f = rc_findings_push(out);
        f->rule = rc_xstrdup(text_col(s, 1));
        if (rc_severity_parse(text_col(s, 2), &f->severity) != RC_OK)
            f->severity = RC_SEV_WARNING;
        f->subject = rc_xstrdup(text_col(s, 3));
        f->source = src;
        f->message = rc_xstrdup(text_col(s, 6));
        rc_loc_set(&f->loc, text_col(s, 7), (unsigned)sqlite3_column_int(s, 8),
                   (unsigned)sqlite3_column_int(s, 9), text_col(s, 10), NULL);
        f->evidence = rc_xstrdup(text_col(s, 11));
        f->fingerprint = rc_xstrdup(text_col(s, 12));
        rc_loc_set_thread(&f->loc, text_col(s, 13));
        evidence_ids = rc_xrealloc(evidence_ids, (nids + 1) * sizeof *evidence_ids);
        evidence_ids[nids++] = sqlite3_column_int64(s, 4);
    }
    if (step != SQLITE_DONE)
        rc = rc_db_error(st, err, "read findings");
    sqlite3_finalize(s);
    for (size_t i = 0; rc == RC_OK && i < nids; i++)
        rc = load_related(st, evidence_ids[i], &out->v[first + i], err);
    free(evidence_ids);
    rc_findings_sort(out, first);
    return rc;
}

int rc_store_current_findings(rc_store_t *st, rc_findings_t *out, rc_error_t *err)
{
    return load_findings(st, 0, INT64_MAX, 0, out, err);
}

int rc_store_findings_as_of(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err)
{
    return load_findings(st, 0, run_id, 0, out, err);
}

int rc_store_run_evidence(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err)
{
    return load_findings(st, run_id, INT64_MAX, 1, out, err);
}

int rc_store_last_run(rc_store_t *st, int64_t *run_id, rc_error_t *err)
{
    sqlite3_stmt *s;
    int rc = rc_db_prepare(st, "SELECT COALESCE(max(id), 0) FROM runs WHERE finished IS NOT NULL",
                           &s, err);
    if (rc)
        return rc;
    *run_id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return RC_OK;
}

int rc_store_run_findings(rc_store_t *st, int64_t run_id, rc_findings_t *out, rc_error_t *err)
{
    return load_findings(st, run_id, INT64_MAX, 0, out, err);
}
