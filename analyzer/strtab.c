/*
 * strtab.c - string interning: each distinct string gets a dense index.
 *
 * Why: lock identities, function USRs and location keys are compared many
 * times while linking; comparing small integers is cheaper and lets locksets
 * be fixed-size arrays. Open addressing with FNV-1a; the table doubles at 50%
 * load, so lookups stay O(1) expected.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static void rehash(rc_strtab_t *t, uint32_t nslots)
{
    free(t->slots);
    t->slots = rc_xcalloc(nslots, sizeof *t->slots);
    t->nslots = nslots;
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t h = hash(t->v[i]) & (nslots - 1);
        while (t->slots[h])
            h = (h + 1) & (nslots - 1);
        t->slots[h] = i + 1;
    }
}

uint32_t rc_strtab_lookup(const rc_strtab_t *t, const char *s)
{
    if (!t->nslots)
        return UINT32_MAX;
    uint32_t h = hash(s) & (t->nslots - 1);
    while (t->slots[h]) {
        if (strcmp(t->v[t->slots[h] - 1], s) == 0)
            return t->slots[h] - 1;
        h = (h + 1) & (t->nslots - 1);
    }
    return UINT32_MAX;
}

uint32_t rc_strtab_intern(rc_strtab_t *t, const char *s)
{
    uint32_t i = rc_strtab_lookup(t, s);
    if (i != UINT32_MAX)
        return i;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->v = rc_xrealloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = rc_xstrdup(s);
    if (2 * t->n > t->nslots)
        rehash(t, t->nslots ? t->nslots * 2 : 32);
    else {
        uint32_t h = hash(s) & (t->nslots - 1);
        while (t->slots[h])
            h = (h + 1) & (t->nslots - 1);
        t->slots[h] = t->n;
    }
    return t->n - 1;
}

void rc_strtab_close(rc_strtab_t *t)
{
    for (uint32_t i = 0; i < t->n; i++)
        free(t->v[i]);
    free(t->v);
    free(t->slots);
    memset(t, 0, sizeof *t);
}
