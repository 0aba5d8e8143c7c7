/*
 * summaries.c - lock summaries across translation units.
 *
 * The front end summarises every function of a TU (what a call does to the
 * caller's locks, rc_summary_t) and applies the summaries of the same TU while
 * walking it. A locking helper defined in another TU (`stats_lock()` in
 * stats.c, called from worker.c) is only known after every TU has been parsed.
 * This table carries those summaries, with locks named by identity rather than
 * by TU index, to a second walk of the TUs that call such helpers
 * (rc_analyzer_scan), repeated while the summaries change (a helper calling a
 * helper of a third TU).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static void copy_locks(const rc_tu_facts_t *tf, const rc_lset_t *ls, char ***ids, char ***names,
                       uint8_t **shared, size_t *n)
{
    *n = ls->n;
    *ids = rc_xcalloc(ls->n ? ls->n : 1, sizeof **ids);
    *names = rc_xcalloc(ls->n ? ls->n : 1, sizeof **names);
    if (shared)
        *shared = rc_xcalloc(ls->n ? ls->n : 1, 1);
    for (int i = 0; i < ls->n; i++) {
        uint32_t l = RC_LREF_LOCK(ls->v[i]);
        (*ids)[i] = rc_xstrdup(tf->locks.v[l]);
        (*names)[i] = rc_xstrdup(tf->lock_names[l]);
        if (shared)
            (*shared)[i] = (uint8_t)RC_LREF_SHARED(ls->v[i]);
    }
}

static int trivial(const rc_summary_t *s)
{
    return !s->noreturn && !s->rel_all && s->acq.n == 0 && s->rel.n == 0;
}

void rc_imports_add(rc_imports_t *im, const rc_tu_facts_t *tus, size_t ntus)
{
    size_t cap = im->usrs.n; /* im->v holds at least this many; grown on the first add */
    for (size_t t = 0; t < ntus; t++) {
        for (size_t i = 0; i < tus[t].nfns; i++) {
            const rc_fn_facts_t *f = &tus[t].fns[i];
            if (trivial(&f->summary) || rc_strtab_lookup(&im->usrs, f->usr) != UINT32_MAX)
                continue;
            uint32_t k = rc_strtab_intern(&im->usrs, f->usr);
            if (k >= cap) {
                cap = cap ? cap * 2 : 16;
                im->v = rc_xrealloc(im->v, cap * sizeof *im->v);
            }
            rc_import_t *e = &im->v[k];
            memset(e, 0, sizeof *e);
            e->noreturn = f->summary.noreturn;
            e->rel_all = f->summary.rel_all;
            copy_locks(&tus[t], &f->summary.acq, &e->acq, &e->acq_names, &e->acq_shared, &e->nacq);
            copy_locks(&tus[t], &f->summary.rel, &e->rel, &e->rel_names, NULL, &e->nrel);
        }
    }
}

void rc_imports_close(rc_imports_t *im)
{
    for (uint32_t k = 0; k < im->usrs.n; k++) {
        rc_import_t *e = &im->v[k];
        for (size_t i = 0; i < e->nacq; i++) {
            free(e->acq[i]);
            free(e->acq_names[i]);
        }
        for (size_t i = 0; i < e->nrel; i++) {
            free(e->rel[i]);
            free(e->rel_names[i]);
        }
        free(e->acq);
        free(e->acq_names);
        free(e->acq_shared);
        free(e->rel);
        free(e->rel_names);
    }
    free(im->v);
    rc_strtab_close(&im->usrs);
    memset(im, 0, sizeof *im);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    return rc_fnv1a(h, s, strlen(s) + 1); /* with the NUL: "ab","c" differs from "a","bc" */
}

uint64_t rc_imports_digest(const rc_imports_t *im, const rc_tu_facts_t *tf)
{
    uint64_t h = RC_FNV_OFFSET;
    for (size_t i = 0; im && i < tf->next; i++) {
        uint32_t k = rc_strtab_lookup(&im->usrs, tf->ext_callees[i]);
        if (k == UINT32_MAX)
            continue;
        const rc_import_t *e = &im->v[k];
        h = hash_str(h, tf->ext_callees[i]);
        unsigned char flags[2] = {(unsigned char)e->noreturn, (unsigned char)e->rel_all};
        h = rc_fnv1a(h, flags, 2);
        h = rc_fnv1a(h, &e->nacq, sizeof e->nacq);
        for (size_t j = 0; j < e->nacq; j++) {
            h = hash_str(hash_str(h, e->acq[j]), e->acq_names[j]);
            h = rc_fnv1a(h, &e->acq_shared[j], 1);
        }
        h = rc_fnv1a(h, &e->nrel, sizeof e->nrel);
        for (size_t j = 0; j < e->nrel; j++)
            h = hash_str(hash_str(h, e->rel[j]), e->rel_names[j]);
    }
    return h;
}
