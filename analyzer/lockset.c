/*
 * lockset.c - must-hold locksets: small sorted arrays of lock references.
 *
 * A reference is (lock index << 1 | shared). A lock appears at most once; when
 * it is held both ways the exclusive hold wins in a union and the shared one
 * in an intersection (the weaker claim is the one every path supports).
 * `top` is the unreachable state, the identity of intersection.
 */
#include "internal.h"

#include <string.h>

void rc_lset_empty(rc_lset_t *s)
{
    s->top = 0;
    s->n = 0;
}

void rc_lset_top(rc_lset_t *s)
{
    s->top = 1;
    s->n = 0;
}

static int find(const rc_lset_t *s, uint32_t lock)
{
    for (int i = 0; i < s->n; i++)
        if (RC_LREF_LOCK(s->v[i]) == lock)
            return i;
    return -1;
}

int rc_lset_has(const rc_lset_t *s, uint32_t lock)
{
    return find(s, lock) >= 0;
}

void rc_lset_add(rc_lset_t *s, uint32_t lock, int shared)
{
    if (s->top)
        return;
    int i = find(s, lock);
    if (i >= 0) {
        if (!shared)
            s->v[i] = RC_LREF(lock, 0);
        return;
    }
    if (s->n == RC_LS_MAX)
        return; /* dropping a lock keeps a must-hold set sound */
    uint32_t r = RC_LREF(lock, shared);
    int j = s->n;
    while (j > 0 && s->v[j - 1] > r) {
        s->v[j] = s->v[j - 1];
        j--;
    }
    s->v[j] = r;
    s->n++;
}

void rc_lset_remove(rc_lset_t *s, uint32_t lock)
{
    int i = find(s, lock);
    if (i < 0)
        return;
    memmove(&s->v[i], &s->v[i + 1], (size_t)(s->n - i - 1) * sizeof s->v[0]);
    s->n--;
}

void rc_lset_meet(rc_lset_t *a, const rc_lset_t *b)
{
    if (b->top)
        return;
    if (a->top) {
        *a = *b;
        return;
    }
    rc_lset_t r;
    rc_lset_empty(&r);
    for (int i = 0; i < a->n; i++) {
        int j = find(b, RC_LREF_LOCK(a->v[i]));
        if (j >= 0)
            r.v[r.n++] = a->v[i] | (b->v[j] & 1u);
    }
    *a = r; /* a was sorted and the lock part of each entry is unchanged */
}

void rc_lset_join(rc_lset_t *a, const rc_lset_t *b)
{
    if (a->top)
        return; /* an unreachable point stays unreachable */
    if (b->top) {
        *a = *b;
        return;
    }
    for (int i = 0; i < b->n; i++)
        rc_lset_add(a, RC_LREF_LOCK(b->v[i]), RC_LREF_SHARED(b->v[i]));
}

int rc_lset_equal(const rc_lset_t *a, const rc_lset_t *b)
{
    if (a->top != b->top || a->n != b->n)
        return 0;
    return memcmp(a->v, b->v, a->n * sizeof a->v[0]) == 0;
}
