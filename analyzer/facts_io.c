/*
 * facts_io.c - a TU's facts (rc_tu_facts_t) as a self-contained byte string,
 * so that the store can keep them between scans (an unchanged TU is not parsed
 * again) and `racecheck merge` can link the facts of sharded scans.
 *
 * Format (all integers unsigned LEB128 varints unless noted):
 *
 *   field            encoding
 *   header           4 bytes "RCF" + RC_FACTS_FORMAT (one byte)
 *   string           varint 0 for NULL, else length + 1, then the bytes (no NUL)
 *   u64              8 bytes little-endian
 *   pos              line col off end loop_lb loop_le iloop_lb iloop_le
 *   lockset          top n v[0..n)
 *   array            varint count, then the elements
 *   TU               file, locks (array of string; interned in order, so indexes
 *                    keep their meaning), lock_names, fns, esc (fn, type) pairs,
 *                    gfp (var, fn) pairs, ext_callees, deps, imports digest (u64),
 *                    checksum (u64: rc_hash_bytes of every byte before it)
 *   function         usr name summary file line col acc calls creates joins
 *                    lockops exits jumps ucalls waits lcalls sighands
 *                    addr (fn, type) pairs guards pcalls children yields lflows
 *
 * Every struct of internal.h's facts section is written field by field in
 * declaration order. RC_FACTS_FORMAT changes whenever a fact changes shape or
 * meaning (3: accesses' locksets keep parameter locks; 4: library callees
 * marked, RC_LIBCALL_MARK; 5: the checksum is rc_hash_bytes; 6: locksets carry
 * acquisition marks, "acq:<lock>", and a lock taken twice stays held after one
 * release (rc_lockop_t.keeps); typed_locks, self_vars; 7: accesses through a
 * local pointer handed to a thread are keyed "*<USR>", what a pointer field
 * points to "<field key>>"; 8: creations' and joins' handle elements, joins'
 * loop trips; 9: rc_call_t.passed_to,
 * rc_fn_facts_t.addr_passed; 10: local pointers into parts of one global;
 * 11: "[#]" on the object of an escaped local pointer new at every run;
 * 12: local pointers loaded from tracked locations name the pointed-to object;
 * 13: the program's own constructors give new objects too; 14: a lock
 * pointer given several locks holds "oneof:" them, a local given a global
 * pointer's value names its object, one popped off shared data none; 15: a
 * pointer read through a parameter is not the parameter's object; 16:
 * rc_create_t.trip_var, a barrier's count variable in rc_pcall_t.target;
 * 17: rc_call_t.one_arg; 18: an element indexed by a ticket is a slot of
 * its own, "[#]"; 19: a local given an array field of a tracked object
 * points into that array; 20: "nostart:" marks on failed creations);
 * a byte string of another format, or a truncated or damaged one, is refused
 * (RC_EPARSE) and the caller parses the TU again: the cache only saves work.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define RC_FACTS_FORMAT 20

/* Adding a field to a fact struct without encoding it here would make reused
 * facts silently differ from parsed ones: these sizes break the build first.
 * (x86-64 / LP64; update the encoder, the decoder and the number together.) */
#if defined(__x86_64__) && defined(__LP64__)
_Static_assert(sizeof(rc_pos_t) == 32, "rc_pos_t changed: update facts_io.c");
_Static_assert(sizeof(rc_lset_t) == 64, "rc_lset_t changed: update facts_io.c");
_Static_assert(sizeof(rc_access_t) == 128, "rc_access_t changed: update facts_io.c");
_Static_assert(sizeof(rc_call_t) == 192, "rc_call_t changed: update facts_io.c");
_Static_assert(sizeof(rc_create_t) == 184, "rc_create_t changed: update facts_io.c");
_Static_assert(sizeof(rc_lockop_t) == 116, "rc_lockop_t changed: update facts_io.c");
_Static_assert(sizeof(rc_exit_t) == 104, "rc_exit_t changed: update facts_io.c");
_Static_assert(sizeof(rc_ucall_t) == 128, "rc_ucall_t changed: update facts_io.c");
_Static_assert(sizeof(rc_lcall_t) == 48, "rc_lcall_t changed: update facts_io.c");
_Static_assert(sizeof(rc_sighand_t) == 56, "rc_sighand_t changed: update facts_io.c");
_Static_assert(sizeof(rc_wait_t) == 40, "rc_wait_t changed: update facts_io.c");
_Static_assert(sizeof(rc_join_t) == 48, "rc_join_t changed: update facts_io.c");
_Static_assert(sizeof(rc_guard_t) == 16, "rc_guard_t changed: update facts_io.c");
_Static_assert(sizeof(rc_pcall_t) == 152, "rc_pcall_t changed: update facts_io.c");
_Static_assert(sizeof(rc_child_t) == 12, "rc_child_t changed: update facts_io.c");
_Static_assert(sizeof(rc_yield_t) == 48, "rc_yield_t changed: update facts_io.c");
_Static_assert(sizeof(rc_lflow_t) == 56, "rc_lflow_t changed: update facts_io.c");
_Static_assert(sizeof(rc_summary_t) == 136, "rc_summary_t changed: update facts_io.c");
_Static_assert(sizeof(rc_fn_facts_t) == 592, "rc_fn_facts_t changed: update facts_io.c");
_Static_assert(sizeof(rc_tu_facts_t) == 248, "rc_tu_facts_t changed: update facts_io.c");
#endif

/* ---- writing ------------------------------------------------------------ */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
} wbuf_t;

/* Room for n more bytes. */
static inline void reserve(wbuf_t *b, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = rc_xrealloc(b->p, b->cap);
    }
}

static void put_bytes(wbuf_t *b, const void *p, size_t n)
{
    reserve(b, n);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* LEB128: seven bits a byte, low first, the top bit set on all but the last.
 * Written in place: the facts of a large TU are millions of these. */
static inline void put_u(wbuf_t *b, uint64_t v)
{
    reserve(b, 10);
    unsigned char *o = b->p + b->n;
    for (; v >= 0x80; v >>= 7)
        *o++ = (unsigned char)(v | 0x80);
    *o++ = (unsigned char)v;
    b->n = (size_t)(o - b->p);
}

static void put_i(wbuf_t *b, int v)
{
    put_u(b, (uint64_t)(uint32_t)v); /* -1 round-trips through uint32_t */
}

static void put_u64(wbuf_t *b, uint64_t v)
{
    unsigned char tmp[8];
    for (int i = 0; i < 8; i++)
        tmp[i] = (unsigned char)(v >> (8 * i));
    put_bytes(b, tmp, 8);
}

static void put_s(wbuf_t *b, const char *s)
{
    if (!s) {
        put_u(b, 0);
        return;
    }
    size_t n = strlen(s);
    put_u(b, n + 1);
    put_bytes(b, s, n);
}

static void put_pos(wbuf_t *b, const rc_pos_t *p)
{
    put_u(b, p->line);
    put_u(b, p->col);
    put_u(b, p->off);
    put_u(b, p->end);
    put_u(b, p->loop_lb);
    put_u(b, p->loop_le);
    put_u(b, p->iloop_lb);
    put_u(b, p->iloop_le);
}

static void put_ls(wbuf_t *b, const rc_lset_t *s)
{
    put_u(b, s->top);
    put_u(b, s->n);
    for (int i = 0; i < s->n; i++)
        put_u(b, s->v[i]);
}

static void put_strs(wbuf_t *b, char *const *v, size_t n)
{
    put_u(b, n);
    for (size_t i = 0; i < n; i++)
        put_s(b, v[i]);
}

static void put_exits(wbuf_t *b, const rc_exit_t *v, size_t n)
{
    put_u(b, n);
    for (size_t i = 0; i < n; i++) {
        put_pos(b, &v[i].pos);
        put_i(b, v[i].fallthrough);
        put_u(b, v[i].target);
        put_ls(b, &v[i].held);
    }
}

static void put_fn(wbuf_t *b, const rc_fn_facts_t *f)
{
    put_s(b, f->usr);
    put_s(b, f->name);
    put_ls(b, &f->summary.acq);
    put_ls(b, &f->summary.rel);
    put_i(b, f->summary.rel_all);
    put_i(b, f->summary.noreturn);
    put_s(b, f->file);
    put_u(b, f->line);
    put_u(b, f->col);
    put_u(b, f->nacc);
    for (size_t i = 0; i < f->nacc; i++) {
        const rc_access_t *a = &f->acc[i];
        put_s(b, a->key);
        put_s(b, a->name);
        put_s(b, a->text);
        put_u(b, (unsigned)a->kind);
        put_u(b, a->flags);
        put_pos(b, &a->pos);
        put_ls(b, &a->ls);
    }
    put_u(b, f->ncalls);
    for (size_t i = 0; i < f->ncalls; i++) {
        const rc_call_t *c = &f->calls[i];
        put_s(b, c->callee);
        put_s(b, c->fn_type);
        put_i(b, c->fn_param);
        put_s(b, c->fn_global);
        put_s(b, c->callee_name);
        put_pos(b, &c->pos);
        put_ls(b, &c->ls);
        put_strs(b, c->arg_keys, (size_t)c->nargs);
        for (int a = 0; a < c->nargs; a++) {
            put_s(b, c->arg_fns[a]);
            put_s(b, c->arg_handles[a]);
        }
        put_i(b, c->callback);
        put_s(b, c->once);
        put_s(b, c->passed_to);
        put_i(b, c->one_arg);
    }
    put_u(b, f->ncreates);
    for (size_t i = 0; i < f->ncreates; i++) {
        const rc_create_t *c = &f->creates[i];
        put_strs(b, c->routines, c->nroutines);
        for (size_t k = 0; k < c->nroutines; k++)
            put_s(b, c->routine_names[k]);
        put_s(b, c->handle);
        put_s(b, c->api);
        put_u(b, (unsigned)c->arg_kind);
        put_s(b, c->arg_key);
        put_i(b, c->routine_param);
        put_i(b, c->arg_param);
        put_i(b, c->handle_param);
        put_pos(b, &c->pos);
        put_ls(b, &c->ls);
        put_i(b, c->trip);
        put_s(b, c->trip_var);
        put_i(b, c->elem);
    }
    put_u(b, f->njoins);
    for (size_t i = 0; i < f->njoins; i++) {
        put_s(b, f->joins[i].handle);
        put_pos(b, &f->joins[i].pos);
        put_i(b, f->joins[i].elem);
        put_i(b, f->joins[i].trip);
    }
    put_u(b, f->nlockops);
    for (size_t i = 0; i < f->nlockops; i++) {
        const rc_lockop_t *o = &f->lockops[i];
        put_u(b, (unsigned)o->kind);
        put_u(b, o->lock);
        put_i(b, o->shared);
        put_i(b, o->base_param);
        put_i(b, o->keeps);
        put_pos(b, &o->pos);
        put_ls(b, &o->held);
    }
    put_exits(b, f->exits, f->nexits);
    put_exits(b, f->jumps, f->njumps);
    put_u(b, f->nucalls);
    for (size_t i = 0; i < f->nucalls; i++) {
        const rc_ucall_t *u = &f->ucalls[i];
        put_s(b, u->name);
        put_s(b, u->state);
        put_s(b, u->alternative);
        put_i(b, u->read_only);
        put_pos(b, &u->pos);
        put_ls(b, &u->ls);
    }
    put_u(b, f->nwaits);
    for (size_t i = 0; i < f->nwaits; i++) {
        put_s(b, f->waits[i].api);
        put_pos(b, &f->waits[i].pos);
    }
    put_u(b, f->nlcalls);
    for (size_t i = 0; i < f->nlcalls; i++) {
        put_s(b, f->lcalls[i].name);
        put_i(b, f->lcalls[i].signal_safe);
        put_pos(b, &f->lcalls[i].pos);
    }
    put_u(b, f->nsighands);
    for (size_t i = 0; i < f->nsighands; i++) {
        put_s(b, f->sighands[i].handler);
        put_s(b, f->sighands[i].handler_name);
        put_s(b, f->sighands[i].api);
        put_pos(b, &f->sighands[i].pos);
    }
    put_strs(b, f->addr_taken, f->naddr);
    for (size_t i = 0; i < f->naddr; i++)
        put_s(b, f->addr_types[i]);
    for (size_t i = 0; i < f->naddr; i++)
        put_u(b, f->addr_passed[i]);
    put_u(b, f->nguards);
    for (size_t i = 0; i < f->nguards; i++) {
        const rc_guard_t *g = &f->guards[i];
        put_u(b, g->cond_lb);
        put_u(b, g->cond_le);
        put_u(b, g->then_lb);
        put_u(b, g->then_le);
    }
    put_u(b, f->npcalls);
    for (size_t i = 0; i < f->npcalls; i++) {
        const rc_pcall_t *c = &f->pcalls[i];
        put_u(b, (unsigned)c->kind);
        put_s(b, c->api);
        put_s(b, c->target);
        put_s(b, c->obj);
        put_s(b, c->attr);
        put_i(b, c->shared);
        put_i(b, c->anon);
        put_s(b, c->text);
        put_pos(b, &c->pos);
        put_ls(b, &c->ls);
    }
    put_u(b, f->nchildren);
    for (size_t i = 0; i < f->nchildren; i++) {
        put_u(b, f->children[i].fork);
        put_u(b, f->children[i].lb);
        put_u(b, f->children[i].le);
    }
    put_u(b, f->nyields);
    for (size_t i = 0; i < f->nyields; i++) {
        put_s(b, f->yields[i].api);
        put_i(b, f->yields[i].wait);
        put_pos(b, &f->yields[i].pos);
    }
    put_u(b, f->nlflows);
    for (size_t i = 0; i < f->nlflows; i++) {
        const rc_lflow_t *l = &f->lflows[i];
        put_s(b, l->local);
        put_s(b, l->name);
        put_i(b, l->acc);
        put_u(b, l->to_local);
        put_u(b, l->keeps);
        put_pos(b, &l->pos);
    }
}

void rc_facts_encode(const rc_tu_facts_t *tf, unsigned char **out, size_t *len)
{
    wbuf_t b = {0};
    put_bytes(&b, "RCF", 3);
    put_u(&b, RC_FACTS_FORMAT);
    put_s(&b, tf->file);
    put_strs(&b, tf->locks.v, tf->locks.n);
    for (uint32_t i = 0; i < tf->locks.n; i++)
        put_s(&b, tf->lock_names[i]);
    put_u(&b, tf->nfns);
    for (size_t i = 0; i < tf->nfns; i++)
        put_fn(&b, &tf->fns[i]);
    put_strs(&b, tf->esc_fns, tf->nesc);
    for (size_t i = 0; i < tf->nesc; i++)
        put_s(&b, tf->esc_types[i]);
    put_strs(&b, tf->gfp_var, tf->ngfp);
    for (size_t i = 0; i < tf->ngfp; i++)
        put_s(&b, tf->gfp_fn[i]);
    put_strs(&b, tf->typed_locks, tf->ntyped);
    put_strs(&b, tf->self_vars, tf->nself);
    for (size_t i = 0; i < tf->nself; i++)
        put_s(&b, tf->self_fns[i]);
    put_strs(&b, tf->ext_callees, tf->next);
    put_strs(&b, tf->deps, tf->ndeps);
    put_u64(&b, tf->imports_digest);
    put_u64(&b, rc_hash_bytes(b.p, b.n));
    *out = b.p;
    *len = b.n;
}

/* ---- reading -------------------------------------------------------------- */

/* A cursor over the input. `bad` is sticky: after the first error every read
 * returns zeroes, so decoding runs to its end and one check suffices. */
typedef struct rbuf {
    const unsigned char *p;
    size_t n, at;
    int bad;
} rbuf_t;

static uint64_t get_u(rbuf_t *r)
{
    uint64_t v = 0;
    for (int shift = 0; !r->bad; shift += 7) {
        if (r->at >= r->n || shift > 63) {
            r->bad = 1;
            break;
        }
        unsigned char c = r->p[r->at++];
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80))
            return v;
    }
    return 0;
}

static unsigned get_un(rbuf_t *r)
{
    uint64_t v = get_u(r);
    if (v > UINT32_MAX)
        r->bad = 1;
    return r->bad ? 0 : (unsigned)v;
}

static int get_i(rbuf_t *r)
{
    return (int)(uint32_t)get_un(r);
}

static uint64_t get_u64(rbuf_t *r)
{
    if (r->bad || r->n - r->at < 8) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)r->p[r->at + (size_t)i] << (8 * i);
    r->at += 8;
    return v;
}

static char *get_s(rbuf_t *r)
{
    uint64_t n = get_u(r);
    if (r->bad || n == 0)
        return NULL;
    if (n - 1 > r->n - r->at) {
        r->bad = 1;
        return NULL;
    }
    char *s = rc_xmalloc((size_t)n);
    memcpy(s, r->p + r->at, (size_t)n - 1);
    s[n - 1] = '\0';
    r->at += (size_t)n - 1;
    return s;
}

/* An element count: each element takes at least one byte, so a count larger
 * than what is left is damage (and must not drive a huge allocation). */
static size_t get_count(rbuf_t *r)
{
    uint64_t n = get_u(r);
    if (r->bad || n > r->n - r->at) {
        r->bad = 1;
        return 0;
    }
    return (size_t)n;
}

/* calloc of n elements, at least one so that the result is never NULL. */
static void *array(size_t n, size_t size)
{
    return rc_xcalloc(n ? n : 1, size);
}

static void get_pos(rbuf_t *r, rc_pos_t *p)
{
    p->line = get_un(r);
    p->col = get_un(r);
    p->off = get_un(r);
    p->end = get_un(r);
    p->loop_lb = get_un(r);
    p->loop_le = get_un(r);
    p->iloop_lb = get_un(r);
    p->iloop_le = get_un(r);
}

static void get_ls(rbuf_t *r, rc_lset_t *s)
{
    s->top = (uint8_t)get_un(r);
    unsigned n = get_un(r);
    if (n > RC_LS_MAX) {
        r->bad = 1;
        n = 0;
    }
    s->n = (uint8_t)n;
    for (unsigned i = 0; i < n; i++)
        s->v[i] = get_un(r);
}

static char **get_strs(rbuf_t *r, size_t *n)
{
    *n = get_count(r);
    char **v = array(*n, sizeof *v);
    for (size_t i = 0; i < *n; i++)
        v[i] = get_s(r);
    return v;
}

/* n parallel strings after an array read by get_strs. */
static char **get_parallel(rbuf_t *r, size_t n)
{
    char **v = array(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = get_s(r);
    return v;
}

static rc_exit_t *get_exits(rbuf_t *r, size_t *n, size_t *cap)
{
    *n = *cap = get_count(r);
    rc_exit_t *v = array(*n, sizeof *v);
    for (size_t i = 0; i < *n; i++) {
        get_pos(r, &v[i].pos);
        v[i].fallthrough = get_i(r);
        v[i].target = get_un(r);
        get_ls(r, &v[i].held);
    }
    return v;
}

static void get_fn(rbuf_t *r, rc_fn_facts_t *f)
{
    f->usr = get_s(r);
    f->name = get_s(r);
    get_ls(r, &f->summary.acq);
    get_ls(r, &f->summary.rel);
    f->summary.rel_all = get_i(r);
    f->summary.noreturn = get_i(r);
    f->file = get_s(r);
    f->line = get_un(r);
    f->col = get_un(r);

    f->nacc = f->capacc = get_count(r);
    f->acc = array(f->nacc, sizeof *f->acc);
    for (size_t i = 0; i < f->nacc; i++) {
        rc_access_t *a = &f->acc[i];
        a->key = get_s(r);
        a->name = get_s(r);
        a->text = get_s(r);
        a->kind = (rc_acc_kind_t)get_un(r);
        a->flags = get_un(r);
        get_pos(r, &a->pos);
        get_ls(r, &a->ls);
    }
    f->ncalls = f->capcalls = get_count(r);
    f->calls = array(f->ncalls, sizeof *f->calls);
    for (size_t i = 0; i < f->ncalls; i++) {
        rc_call_t *c = &f->calls[i];
        c->callee = get_s(r);
        c->fn_type = get_s(r);
        c->fn_param = get_i(r);
        c->fn_global = get_s(r);
        c->callee_name = get_s(r);
        get_pos(r, &c->pos);
        get_ls(r, &c->ls);
        size_t nargs;
        c->arg_keys = get_strs(r, &nargs);
        c->nargs = (int)nargs;
        c->arg_fns = array(nargs, sizeof *c->arg_fns);
        c->arg_handles = array(nargs, sizeof *c->arg_handles);
        for (size_t a = 0; a < nargs; a++) {
            c->arg_fns[a] = get_s(r);
            c->arg_handles[a] = get_s(r);
        }
        c->callback = get_i(r);
        c->once = get_s(r);
        c->passed_to = get_s(r);
        c->one_arg = get_i(r);
    }
    f->ncreates = f->capcreates = get_count(r);
    f->creates = array(f->ncreates, sizeof *f->creates);
    for (size_t i = 0; i < f->ncreates; i++) {
        rc_create_t *c = &f->creates[i];
        c->routines = get_strs(r, &c->nroutines);
        c->routine_names = get_parallel(r, c->nroutines);
        c->handle = get_s(r);
        c->api = get_s(r);
        c->arg_kind = (rc_arg_kind_t)get_un(r);
        c->arg_key = get_s(r);
        c->routine_param = get_i(r);
        c->arg_param = get_i(r);
        c->handle_param = get_i(r);
        get_pos(r, &c->pos);
        get_ls(r, &c->ls);
        c->trip = get_i(r);
        c->trip_var = get_s(r);
        c->elem = get_i(r);
    }
    f->njoins = f->capjoins = get_count(r);
    f->joins = array(f->njoins, sizeof *f->joins);
    for (size_t i = 0; i < f->njoins; i++) {
        f->joins[i].handle = get_s(r);
        get_pos(r, &f->joins[i].pos);
        f->joins[i].elem = get_i(r);
        f->joins[i].trip = get_i(r);
    }
    f->nlockops = f->caplockops = get_count(r);
    f->lockops = array(f->nlockops, sizeof *f->lockops);
    for (size_t i = 0; i < f->nlockops; i++) {
        rc_lockop_t *o = &f->lockops[i];
        o->kind = (rc_api_kind_t)get_un(r);
        o->lock = get_un(r);
        o->shared = get_i(r);
        o->base_param = get_i(r);
        o->keeps = get_i(r);
        get_pos(r, &o->pos);
        get_ls(r, &o->held);
    }
    f->exits = get_exits(r, &f->nexits, &f->capexits);
    f->jumps = get_exits(r, &f->njumps, &f->capjumps);
    f->nucalls = f->capucalls = get_count(r);
    f->ucalls = array(f->nucalls, sizeof *f->ucalls);
    for (size_t i = 0; i < f->nucalls; i++) {
        rc_ucall_t *u = &f->ucalls[i];
        u->name = get_s(r);
        u->state = get_s(r);
        u->alternative = get_s(r);
        u->read_only = get_i(r);
        get_pos(r, &u->pos);
        get_ls(r, &u->ls);
    }
    f->nwaits = f->capwaits = get_count(r);
    f->waits = array(f->nwaits, sizeof *f->waits);
    for (size_t i = 0; i < f->nwaits; i++) {
        f->waits[i].api = get_s(r);
        get_pos(r, &f->waits[i].pos);
    }
    f->nlcalls = f->caplcalls = get_count(r);
    f->lcalls = array(f->nlcalls, sizeof *f->lcalls);
    for (size_t i = 0; i < f->nlcalls; i++) {
        f->lcalls[i].name = get_s(r);
        f->lcalls[i].signal_safe = get_i(r);
        get_pos(r, &f->lcalls[i].pos);
    }
    f->nsighands = f->capsighands = get_count(r);
    f->sighands = array(f->nsighands, sizeof *f->sighands);
    for (size_t i = 0; i < f->nsighands; i++) {
        f->sighands[i].handler = get_s(r);
        f->sighands[i].handler_name = get_s(r);
        f->sighands[i].api = get_s(r);
        get_pos(r, &f->sighands[i].pos);
    }
    f->addr_taken = get_strs(r, &f->naddr);
    f->capaddr = f->naddr;
    f->addr_types = get_parallel(r, f->naddr);
    f->addr_passed = array(f->naddr, sizeof *f->addr_passed);
    for (size_t i = 0; i < f->naddr; i++)
        f->addr_passed[i] = get_u(r) != 0;
    f->nguards = f->capguards = get_count(r);
    f->guards = array(f->nguards, sizeof *f->guards);
    for (size_t i = 0; i < f->nguards; i++) {
        rc_guard_t *g = &f->guards[i];
        g->cond_lb = get_un(r);
        g->cond_le = get_un(r);
        g->then_lb = get_un(r);
        g->then_le = get_un(r);
    }
    f->npcalls = f->cappcalls = get_count(r);
    f->pcalls = array(f->npcalls, sizeof *f->pcalls);
    for (size_t i = 0; i < f->npcalls; i++) {
        rc_pcall_t *c = &f->pcalls[i];
        c->kind = (rc_api_kind_t)get_un(r);
        c->api = get_s(r);
        c->target = get_s(r);
        c->obj = get_s(r);
        c->attr = get_s(r);
        c->shared = get_i(r);
        c->anon = get_i(r);
        c->text = get_s(r);
        get_pos(r, &c->pos);
        get_ls(r, &c->ls);
    }
    f->nchildren = f->capchildren = get_count(r);
    f->children = array(f->nchildren, sizeof *f->children);
    for (size_t i = 0; i < f->nchildren; i++) {
        f->children[i].fork = get_un(r);
        f->children[i].lb = get_un(r);
        f->children[i].le = get_un(r);
    }
    f->nyields = f->capyields = get_count(r);
    f->yields = array(f->nyields, sizeof *f->yields);
    for (size_t i = 0; i < f->nyields; i++) {
        f->yields[i].api = get_s(r);
        f->yields[i].wait = get_i(r);
        get_pos(r, &f->yields[i].pos);
    }
    f->nlflows = f->caplflows = get_count(r);
    f->lflows = array(f->nlflows, sizeof *f->lflows);
    for (size_t i = 0; i < f->nlflows; i++) {
        rc_lflow_t *l = &f->lflows[i];
        l->local = get_s(r);
        l->name = get_s(r);
        l->acc = (int32_t)get_i(r);
        l->to_local = (uint8_t)get_un(r);
        l->keeps = (uint8_t)get_un(r);
        get_pos(r, &l->pos);
    }
}

/* What the rest of the analyzer relies on without checking: names that are
 * never NULL, and lock indexes (in locksets and lock operations) that name
 * interned locks. */
static int sane(const rc_tu_facts_t *tf)
{
    uint32_t n = tf->locks.n;
    if (!tf->file)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        if (!tf->lock_names[i])
            return 0;
#define LS_OK(s)                                                                                   \
    do {                                                                                           \
        for (int k_ = 0; k_ < (s).n; k_++)                                                         \
            if (RC_LREF_LOCK((s).v[k_]) >= n)                                                      \
                return 0;                                                                          \
    } while (0)
    for (size_t i = 0; i < tf->nfns; i++) {
        const rc_fn_facts_t *f = &tf->fns[i];
        if (!f->usr || !f->name || !f->file)
            return 0;
        for (size_t j = 0; j < f->nacc; j++)
            if (!f->acc[j].key || !f->acc[j].name || !f->acc[j].text)
                return 0;
        for (size_t j = 0; j < f->ncalls; j++)
            if (!f->calls[j].callee)
                return 0;
        LS_OK(f->summary.acq);
        LS_OK(f->summary.rel);
        for (size_t j = 0; j < f->nacc; j++)
            LS_OK(f->acc[j].ls);
        for (size_t j = 0; j < f->ncalls; j++)
            LS_OK(f->calls[j].ls);
        for (size_t j = 0; j < f->ncreates; j++)
            LS_OK(f->creates[j].ls);
        for (size_t j = 0; j < f->nlockops; j++) {
            if (f->lockops[j].lock >= n)
                return 0;
            LS_OK(f->lockops[j].held);
        }
        for (size_t j = 0; j < f->nexits; j++)
            LS_OK(f->exits[j].held);
        for (size_t j = 0; j < f->njumps; j++)
            LS_OK(f->jumps[j].held);
        for (size_t j = 0; j < f->nucalls; j++)
            LS_OK(f->ucalls[j].ls);
        for (size_t j = 0; j < f->npcalls; j++) {
            LS_OK(f->pcalls[j].ls);
            if (!f->pcalls[j].api)
                return 0;
        }
        for (size_t j = 0; j < f->nchildren; j++)
            if (f->children[j].fork >= f->npcalls)
                return 0;
        for (size_t j = 0; j < f->nlflows; j++)
            if (!f->lflows[j].local || f->lflows[j].acc >= (int32_t)f->nacc)
                return 0;
    }
#undef LS_OK
    return 1;
}

int rc_facts_decode(const void *data, size_t len, rc_tu_facts_t *tf)
{
    memset(tf, 0, sizeof *tf);
    /* The checksum first: damage inside a string would otherwise pass. */
    if (len < 12 || memcmp(data, "RCF", 3) != 0)
        return RC_EPARSE;
    rbuf_t sum = {.p = data, .n = len, .at = len - 8};
    if (get_u64(&sum) != rc_hash_bytes(data, len - 8))
        return RC_EPARSE;
    rbuf_t r = {.p = data, .n = len - 8};
    r.at = 3;
    if (get_u(&r) != RC_FACTS_FORMAT)
        return RC_EPARSE;
    tf->file = get_s(&r);
    size_t nlocks = get_count(&r);
    for (size_t i = 0; i < nlocks && !r.bad; i++) {
        char *id = get_s(&r);
        if (!id || rc_strtab_intern(&tf->locks, id) != i)
            r.bad = 1; /* NULL or a duplicate: not what the encoder wrote */
        free(id);
    }
    tf->lock_names = get_parallel(&r, tf->locks.n);
    tf->nfns = tf->capfns = get_count(&r);
    tf->fns = array(tf->nfns, sizeof *tf->fns);
    for (size_t i = 0; i < tf->nfns; i++)
        get_fn(&r, &tf->fns[i]);
    tf->esc_fns = get_strs(&r, &tf->nesc);
    tf->capesc = tf->nesc;
    tf->esc_types = get_parallel(&r, tf->nesc);
    tf->gfp_var = get_strs(&r, &tf->ngfp);
    tf->capgfp = tf->ngfp;
    tf->gfp_fn = get_parallel(&r, tf->ngfp);
    tf->typed_locks = get_strs(&r, &tf->ntyped);
    tf->captyped = tf->ntyped;
    tf->self_vars = get_strs(&r, &tf->nself);
    tf->capself = tf->nself;
    tf->self_fns = get_parallel(&r, tf->nself);
    tf->ext_callees = get_strs(&r, &tf->next);
    tf->capext = tf->next;
    tf->deps = get_strs(&r, &tf->ndeps);
    tf->imports_digest = get_u64(&r);
    if (r.bad || r.at != r.n || !sane(tf)) {
        rc_tu_facts_close(tf);
        return RC_EPARSE;
    }
    return RC_OK;
}
