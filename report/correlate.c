/*
 * correlate.c - recognising that evidence from different sources (or two
 * reports of one source) describes the same defect.
 *
 * Two observations are the same defect when
 *   - their rules are of one class: every race.* rule is the class "race"
 *     (a static race.unprotected-rmw and a TSan race.data-race are one
 *     race); other rules are their own class;
 *   - for races, their subject (the variable) is the same; lock-order cycles
 *     are matched by place only, since a lock is named differently by the
 *     source (`&a->lock` statically, the symbol 'a' at run time);
 *   - and their places meet: the primary location of one (file base name and
 *     line) is the primary or a related location of the other. Related
 *     locations alone (a shared thread-creation site) are not enough;
 *   - and, for static evidence, the finding has no static evidence yet: a
 *     static finding is deterministic, its fingerprint is its identity, and an
 *     edited line is a new finding (what baselines rely on). Runtime reports
 *     of one defect (the same race between other threads) do merge.
 * File base names rather than paths: a TSan binary built elsewhere, or in
 * another build directory, records other absolute paths for the same source.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

typedef struct place {
    char *base;
    unsigned line;
} place_t;

static const char *base_of(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path;
}

char *rc_rule_class(const char *rule)
{
    if (strncmp(rule, "race.", 5) == 0)
        return rc_xstrdup("race");
    return rc_xstrdup(rule);
}

static int same_place(const char *base, unsigned line, const char *path, unsigned l2)
{
    const char *b2 = base_of(path);
    return line && line == l2 && base && b2 && strcmp(base, b2) == 0;
}

/* Does F's primary location appear among the candidate's places, or one of
 * the candidate's primaries among F's places? */
static int places_meet(const rc_finding_t *f, const place_t *prim, size_t nprim, const place_t *all,
                       size_t nall)
{
    const char *fbase = base_of(f->loc.file);
    for (size_t i = 0; i < nall; i++)
        if (same_place(fbase, f->loc.line, all[i].base, all[i].line))
            return 1;
    for (size_t i = 0; i < nprim; i++) {
        if (same_place(prim[i].base, prim[i].line, f->loc.file, f->loc.line))
            return 1;
        for (size_t k = 0; k < f->nrelated; k++)
            if (same_place(prim[i].base, prim[i].line, f->related[k].file, f->related[k].line))
                return 1;
    }
    return 0;
}

static void places_free(place_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].base);
    free(p);
}

int rc_db_correlate(rc_store_t *st, const rc_finding_t *f, int64_t *finding_id, rc_error_t *err)
{
    *finding_id = 0;
    char *cls = rc_rule_class(f->rule);
    int by_subject = strcmp(cls, "race") == 0;
    if (by_subject && !f->subject) {
        free(cls);
        return RC_OK;
    }
    /* Every place of every candidate finding, primary (seq -1) and related,
     * ordered by finding so each candidate is judged once. */
    sqlite3_stmt *s;
    int rc = rc_db_prepare(
        st,
        "SELECT fi.id, -1, p.path, e.line FROM findings fi"
        " JOIN evidence e ON e.finding_id = fi.id LEFT JOIN files p ON p.id = e.file_id"
        " WHERE rc_rule_class(fi.rule) = ?1 AND (?2 = 0 OR fi.subject = ?3)"
        "  AND NOT (?4 = 'static' AND EXISTS (SELECT 1 FROM evidence s"
        "           WHERE s.finding_id = fi.id AND s.source = 'static'))"
        " UNION ALL "
        "SELECT fi.id, r.seq, p.path, r.line FROM findings fi"
        " JOIN evidence e ON e.finding_id = fi.id"
        " JOIN related_locations r ON r.evidence_id = e.id LEFT JOIN files p ON p.id = r.file_id"
        " WHERE rc_rule_class(fi.rule) = ?1 AND (?2 = 0 OR fi.subject = ?3)"
        "  AND NOT (?4 = 'static' AND EXISTS (SELECT 1 FROM evidence s"
        "           WHERE s.finding_id = fi.id AND s.source = 'static'))"
        " ORDER BY 1",
        &s, err);
    if (rc) {
        free(cls);
        return rc;
    }
    rc_db_bind_text(s, 1, cls);
    sqlite3_bind_int(s, 2, by_subject);
    rc_db_bind_text(s, 3, f->subject);
    rc_db_bind_text(s, 4, rc_source_name(f->source));
    place_t *prim = NULL, *all = NULL;
    size_t nprim = 0, nall = 0;
    int64_t cur = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id != cur) {
            if (cur && places_meet(f, prim, nprim, all, nall)) {
                *finding_id = cur;
                break;
            }
            places_free(prim, nprim);
            places_free(all, nall);
            prim = all = NULL;
            nprim = nall = 0;
            cur = id;
        }
        place_t p = {rc_xstrdup(base_of((const char *)sqlite3_column_text(s, 2))),
                     (unsigned)sqlite3_column_int(s, 3)};
        all = rc_xrealloc(all, (nall + 1) * sizeof *all);
        all[nall++] = p;
        if (sqlite3_column_int(s, 1) < 0) {
            prim = rc_xrealloc(prim, (nprim + 1) * sizeof *prim);
            prim[nprim++] = (place_t){rc_xstrdup(p.base), p.line};
        }
    }
    if (step == SQLITE_DONE && cur && places_meet(f, prim, nprim, all, nall))
        *finding_id = cur;
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = rc_db_error(st, err, "correlate findings");
    places_free(prim, nprim);
    places_free(all, nall);
    sqlite3_finalize(s);
    free(cls);
    return rc;
}
