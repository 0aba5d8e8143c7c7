/*
 * race_common.h - what the race rules share: accesses grouped by variable,
 * the search for a concurrent access of an overlapping location that no common
 * lock keeps apart, and the wording of thread starts in messages.
 *
 * Use (one index per rule run):
 *   rc_race_idx_t ix;
 *   rc_race_idx_init(&ix, p);
 *   for each access (f, i) the rule cares about:
 *       rc_race_conflict_t best;
 *       rc_race_find(&ix, f, i, accept, ud, &best);   // accept: the rule's pair filter
 *       if (best.found) report ...
 *   rc_race_idx_close(&ix);
 *
 * A conflict is reported against the best candidate: the site racing with
 * itself first (a routine running in several threads), then writes before
 * reads, then by file, line, column, then by root: deterministic.
 */
#ifndef RC_ANALYZER_RACE_COMMON_H
#define RC_ANALYZER_RACE_COMMON_H

#include "rules.h"

typedef struct rc_race_ref {
    uint32_t fn;
    uint32_t acc;
} rc_race_ref_t;

/* The accesses of one variable (the root of their keys). */
typedef struct rc_race_group {
    rc_race_ref_t *v;
    size_t n, cap;
} rc_race_group_t;

typedef struct rc_race_gdata rc_race_gdata_t;

typedef struct rc_race_idx {
    const rc_program_t *p;
    rc_strtab_t roots; /* variable -> group index */
    rc_race_group_t *groups;
    rc_race_gdata_t *gds; /* per group: instances and buckets, built on first use */
} rc_race_idx_t;

typedef struct rc_race_conflict {
    int found;
    int self; /* the site against itself in another thread of the same routine */
    rc_inst_t mine, other;
    rc_race_ref_t oref; /* the other access */
} rc_race_conflict_t;

/* The rule's filter of a candidate pair: a (this site, as run in `mine`)
 * against b (run in `other`); both instances have their locksets. Only pairs
 * that already are concurrent, of overlapping locations and not protected by a
 * common lock are offered. Returns 1 to accept. */
typedef int (*rc_race_accept_fn)(void *ud, const rc_program_t *p, const rc_access_t *a,
                                 const rc_inst_t *mine, const rc_access_t *b,
                                 const rc_inst_t *other, int self);

void rc_race_idx_init(rc_race_idx_t *ix, const rc_program_t *p);
void rc_race_idx_close(rc_race_idx_t *ix);

/* The best conflict of access i of function f (which must have a key) over
 * every root that reaches f; best->found is 0 when there is none. */
void rc_race_find(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                  rc_race_conflict_t *best);

/* The same, offering also pairs that a common lock protects (ignore_locks):
 * for rules about what happens between two accesses of one thread. */
void rc_race_find_ex(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept, void *ud,
                     int ignore_locks, rc_race_conflict_t *best);

/* Besides the best conflict, up to RC_RACE_ALSO other accesses it conflicts
 * with (each access once, in the order rc_race_find prefers them): shown as
 * related locations, so that every side of a race can be found from one
 * finding. */
#define RC_RACE_ALSO 3
typedef struct rc_race_also {
    rc_race_conflict_t v[RC_RACE_ALSO];
    size_t n;
} rc_race_also_t;
void rc_race_find_also(rc_race_idx_t *ix, uint32_t f, uint32_t i, rc_race_accept_fn accept,
                       void *ud, rc_race_conflict_t *best, rc_race_also_t *also);

/* The group of access (f, i), for rc_race_subject. */
const rc_race_group_t *rc_race_group(const rc_race_idx_t *ix, uint32_t f, uint32_t i);

/* The finding's subject: the variable for a global or static location (what
 * ThreadSanitizer names in "Location is global 'st'" for st.failures), the
 * expression as written for an object reached through a pointer. */
char *rc_race_subject(const rc_program_t *p, const rc_race_group_t *gr, uint32_t f, uint32_t i);

const char *rc_race_kind_word(rc_acc_kind_t k); /* "read", "write", "update" */
/* Appends "(created in a loop at f.c:31)" and similar for root r. */
void rc_race_describe_start(const rc_program_t *p, const rc_root_t *r, rc_strbuf_t *b);
/* Adds the creation site of root r as a related location. */
void rc_race_add_start_related(const rc_program_t *p, rc_finding_t *f, const rc_root_t *r);

/* 1 when a lockset excludes other updaters: some lock held exclusively, or an
 * unidentified lock (given the benefit of the doubt). A reader lock does not:
 * two threads may hold it and update at the same time. race.unprotected-rmw
 * reports an update only when its lockset does not; race.read-write reports the
 * reads that race with the updates whose lockset does. */
int rc_race_excludes_updaters(const rc_program_t *p, const rc_lset_t *ls);

/* Appends "without a lock" or "holding 'm', 'n'". */
void rc_race_append_held(const rc_program_t *p, const rc_lset_t *ls, rc_strbuf_t *m);

/* Adds the finding of rule for site against conflict c. m holds the message's
 * first clause ("non-atomic update 'x++' of shared 'x' without a lock"); this
 * appends "; <why>" (the routine running in several threads, or the other
 * access, its locks and its thread), takes m, and adds the other access and
 * the thread creations as related locations, then the accesses of also (may
 * be NULL). */
void rc_race_report(const rc_program_t *p, const rc_race_idx_t *ix, rc_race_ref_t site,
                    const rc_race_conflict_t *c, const rc_race_also_t *also, const char *rule,
                    rc_strbuf_t *m, rc_findings_t *out);

/* A race rule of the common shape: every access with a key that site()
 * accepts is checked with rc_race_find(accept) and, when a conflict is found,
 * reported with rc_race_report, lead() writing the message's first clause. */
typedef int (*rc_race_site_fn)(const rc_access_t *a);
typedef void (*rc_race_lead_fn)(const rc_program_t *p, const rc_access_t *a,
                                const rc_race_conflict_t *c, rc_strbuf_t *m);
void rc_race_rule(const rc_program_t *p, const char *rule, rc_race_site_fn site,
                  rc_race_accept_fn accept, rc_race_lead_fn lead, rc_findings_t *out);

#endif /* RC_ANALYZER_RACE_COMMON_H */
