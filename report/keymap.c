/*
 * keymap.c - open addressing with linear probing, grown at 50% load.
 */
#include "keymap.h"

#include <stdlib.h>

#include "common.h"

static uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = a * 0x9e3779b97f4a7c15ULL;
    h ^= (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL;
    h ^= (c + 0x94d049bb133111ebULL) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

static void grow(rc_keymap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    rc_keymap_slot_t *slots = rc_xcalloc(cap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        rc_keymap_slot_t *o = &m->slots[i];
        if (!o->used)
            continue;
        size_t j = mix(o->k[0], o->k[1], o->k[2]) & (cap - 1);
        while (slots[j].used)
            j = (j + 1) & (cap - 1);
        slots[j] = *o;
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
}

size_t rc_keymap_get_or_put(rc_keymap_t *m, uint64_t a, uint64_t b, uint64_t c, size_t value,
                            int *inserted)
{
    if ((m->n + 1) * 2 > m->cap)
        grow(m);
    size_t j = mix(a, b, c) & (m->cap - 1);
    for (;;) {
        rc_keymap_slot_t *s = &m->slots[j];
        if (!s->used) {
            s->used = 1;
            s->k[0] = a;
            s->k[1] = b;
            s->k[2] = c;
            s->value = value;
            m->n++;
            if (inserted)
                *inserted = 1;
            return value;
        }
        if (s->k[0] == a && s->k[1] == b && s->k[2] == c) {
            if (inserted)
                *inserted = 0;
            return s->value;
        }
        j = (j + 1) & (m->cap - 1);
    }
}

int rc_keymap_find(const rc_keymap_t *m, uint64_t a, uint64_t b, uint64_t c, size_t *value)
{
    if (!m->cap)
        return 0;
    for (size_t j = mix(a, b, c) & (m->cap - 1);; j = (j + 1) & (m->cap - 1)) {
        const rc_keymap_slot_t *s = &m->slots[j];
        if (!s->used)
            return 0;
        if (s->k[0] == a && s->k[1] == b && s->k[2] == c) {
            *value = s->value;
            return 1;
        }
    }
}

void rc_keymap_close(rc_keymap_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->n = 0;
}
