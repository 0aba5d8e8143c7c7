/*
 * pack.c - the packed form of event records (eventlog.h, "Packed records"):
 * what the store keeps of a --trace run, about 8 bytes a record instead of
 * 40. Runs in racecheck, never in the target.
 *
 * Invariants: the encoder and the decoder keep the same slot tables, filled
 * by the same rule (a value written in full goes to the less recently used
 * slot of set hash(value); a code or a full value makes its slot the most
 * recently used), so a code names what the encoder last put there; a
 * sequence starts with empty tables and decodes on its own. The decoder
 * never reads past the data it was given, whatever the bytes: a cut or
 * corrupt chunk ends with RC_EFOREIGN after its last complete record.
 */
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"

static inline void put_varint(uint8_t **p, uint64_t v)
{
    while (v >= 0x80) {
        *(*p)++ = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    *(*p)++ = (uint8_t)v;
}

/* Reads one LEB128 value; 0 when the data ends inside it or it is longer
 * than 10 bytes (corrupt). */
static inline int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    return 0;
}

/* Slots form sets of two (2-way set associative): a value goes to set
 * hash(value), into the way used less recently. used[k] bit 0: slot k holds
 * a value; bit 1 of the set's first slot: its second way was used last. */
static inline unsigned set_of(uint64_t v)
{
    return (unsigned)((v * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - (RC_EVPACK_SLOT_BITS - 1))) * 2;
}

static inline void touch(uint8_t *used, unsigned k)
{
    unsigned s = k & ~1u;
    used[s] = (uint8_t)((used[s] & ~2u) | ((k & 1u) << 1));
}

/* The slot a new value of set S goes to (and is remembered in). */
static inline unsigned remember(uint64_t *slots, uint8_t *used, unsigned s, uint64_t v)
{
    unsigned k = !(used[s] & 1) ? s : !(used[s + 1] & 1) ? s + 1 : (used[s] & 2) ? s : s + 1;
    slots[k] = v;
    used[k] |= 1;
    touch(used, k);
    return k;
}

static inline uint64_t zigzag(int64_t d)
{
    return ((uint64_t)d << 1) ^ (uint64_t)(d >> 63);
}

/* Writes a value code; returns 1 when the value was written in full (not
 * remembered: its first use in the sequence, or it was evicted). */
static inline int put_value(uint8_t **p, uint64_t *slots, uint8_t *used, uint64_t v)
{
    unsigned s = set_of(v);
    for (unsigned k = s; k < s + 2; k++) {
        if ((used[k] & 1) && slots[k] == v) {
            touch(used, k);
            put_varint(p, (uint64_t)k + 1);
            return 0;
        }
    }
    remember(slots, used, s, v);
    *(*p)++ = 0;
    put_varint(p, v);
    return 1;
}

void rc_evpack_reset(rc_evpack_t *e, uint64_t first_ts)
{
    e->len = 0;
    e->n = 0;
    e->first_ts = e->ts = first_ts;
    memset(e->obj_used, 0, sizeof e->obj_used);
    memset(e->site_used, 0, sizeof e->site_used);
}

int rc_evpack_put(rc_evpack_t *e, const rc_event_t *ev)
{
    if (e->cap - e->len < RC_EVPACK_MAX_RECORD) {
        e->cap = e->cap ? e->cap * 2 : 1 << 16;
        e->buf = rc_xrealloc(e->buf, e->cap);
    }
    uint8_t *p = e->buf + e->len;
    *p++ = (uint8_t)ev->op;
    put_varint(&p, ev->tid);
    put_varint(&p, zigzag((int64_t)(ev->ts - e->ts)));
    e->ts = ev->ts;
    put_varint(&p, ev->flags);
    put_value(&p, e->objs, e->obj_used, ev->obj);
    int new_site = put_value(&p, e->sites, e->site_used, ev->site);
    put_varint(&p, ev->arg);
    e->len = (size_t)(p - e->buf);
    e->n++;
    return new_site;
}

void rc_evpack_close(rc_evpack_t *e)
{
    free(e->buf);
    memset(e, 0, sizeof *e);
}

void rc_evunpack_init(rc_evunpack_t *d, const void *data, size_t len, uint64_t first_ts)
{
    d->p = data;
    d->end = d->p + len;
    d->ts = first_ts;
    memset(d->obj_used, 0, sizeof d->obj_used);
    memset(d->site_used, 0, sizeof d->site_used);
}

static inline int get_value(rc_evunpack_t *d, uint64_t *slots, uint8_t *used, uint64_t *v)
{
    uint64_t code;
    if (!get_varint(&d->p, d->end, &code))
        return 0;
    if (code == 0) {
        if (!get_varint(&d->p, d->end, v))
            return 0;
        remember(slots, used, set_of(*v), *v);
        return 1;
    }
    if (code > RC_EVPACK_SLOTS || !(used[code - 1] & 1))
        return 0;
    *v = slots[code - 1];
    touch(used, (unsigned)code - 1);
    return 1;
}

int rc_evunpack_next(rc_evunpack_t *d, rc_event_t *ev)
{
    if (d->p >= d->end)
        return 0;
    uint64_t tid, dts, flags;
    memset(ev, 0, sizeof *ev);
    ev->op = *d->p++;
    if (ev->op == RC_EV_NONE || ev->op > RC_EV_OP_MAX || !get_varint(&d->p, d->end, &tid) ||
        tid > UINT32_MAX || !get_varint(&d->p, d->end, &dts) ||
        !get_varint(&d->p, d->end, &flags) || flags > UINT16_MAX ||
        !get_value(d, d->objs, d->obj_used, &ev->obj) ||
        !get_value(d, d->sites, d->site_used, &ev->site) || !get_varint(&d->p, d->end, &ev->arg)) {
        d->p = d->end;
        return RC_EFOREIGN;
    }
    d->ts += (uint64_t)((dts >> 1) ^ -(dts & 1)); /* zigzag back to a signed delta */
    ev->ts = d->ts;
    ev->tid = (uint32_t)tid;
    ev->flags = (uint16_t)flags;
    return 1;
}
