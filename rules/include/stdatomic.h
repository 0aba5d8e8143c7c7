/*
 * stdatomic.h for code written against GCC's <stdatomic.h>.
 *
 * GCC's generic atomic functions (atomic_load, atomic_fetch_add, ...) take a
 * pointer to any object, _Atomic or not; clang's take only _Atomic ones, so a
 * program that gcc compiles fails to parse ("address argument to atomic
 * operation must be a pointer to _Atomic type"). racecheck parses such a
 * translation unit again with this directory on the include path: the types,
 * constants, fences and atomic_flag come from clang's own header, and the
 * generic functions become GCC's __atomic builtins on the object seen without
 * its _Atomic qualifier, which accept both kinds (an atomic access either way).
 * Only the parse uses it; nothing is compiled with it.
 */
#ifndef RACECHECK_COMPAT_STDATOMIC_H
#define RACECHECK_COMPAT_STDATOMIC_H

#include_next <stdatomic.h>

/* p as a pointer to the unqualified type of *p: `(void)0, *p` is an rvalue,
 * whose type has lost _Atomic (C11 6.3.2.1p2). */
#define RC_ATOMIC_PLAIN(p) ((__typeof__((void)0, *(p)) *)(p))

#undef atomic_init
#undef atomic_load
#undef atomic_load_explicit
#undef atomic_store
#undef atomic_store_explicit
#undef atomic_exchange
#undef atomic_exchange_explicit
#undef atomic_compare_exchange_strong
#undef atomic_compare_exchange_strong_explicit
#undef atomic_compare_exchange_weak
#undef atomic_compare_exchange_weak_explicit
#undef atomic_fetch_add
#undef atomic_fetch_add_explicit
#undef atomic_fetch_sub
#undef atomic_fetch_sub_explicit
#undef atomic_fetch_or
#undef atomic_fetch_or_explicit
#undef atomic_fetch_xor
#undef atomic_fetch_xor_explicit
#undef atomic_fetch_and
#undef atomic_fetch_and_explicit

#define atomic_init(p, v) __atomic_store_n(RC_ATOMIC_PLAIN(p), (v), __ATOMIC_RELAXED)
#define atomic_load_explicit(p, mo) __atomic_load_n(RC_ATOMIC_PLAIN(p), (mo))
#define atomic_load(p) atomic_load_explicit(p, __ATOMIC_SEQ_CST)
#define atomic_store_explicit(p, v, mo) __atomic_store_n(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_store(p, v) atomic_store_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_exchange_explicit(p, v, mo) __atomic_exchange_n(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_exchange(p, v) atomic_exchange_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_compare_exchange_strong_explicit(p, e, d, s, f)                                     \
    __atomic_compare_exchange_n(RC_ATOMIC_PLAIN(p), RC_ATOMIC_PLAIN(e), (d), 0, (s), (f))
#define atomic_compare_exchange_strong(p, e, d)                                                    \
    atomic_compare_exchange_strong_explicit(p, e, d, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define atomic_compare_exchange_weak_explicit(p, e, d, s, f)                                       \
    __atomic_compare_exchange_n(RC_ATOMIC_PLAIN(p), RC_ATOMIC_PLAIN(e), (d), 1, (s), (f))
#define atomic_compare_exchange_weak(p, e, d)                                                      \
    atomic_compare_exchange_weak_explicit(p, e, d, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
#define atomic_fetch_add_explicit(p, v, mo) __atomic_fetch_add(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_fetch_add(p, v) atomic_fetch_add_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_sub_explicit(p, v, mo) __atomic_fetch_sub(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_fetch_sub(p, v) atomic_fetch_sub_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_or_explicit(p, v, mo) __atomic_fetch_or(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_fetch_or(p, v) atomic_fetch_or_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_xor_explicit(p, v, mo) __atomic_fetch_xor(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_fetch_xor(p, v) atomic_fetch_xor_explicit(p, v, __ATOMIC_SEQ_CST)
#define atomic_fetch_and_explicit(p, v, mo) __atomic_fetch_and(RC_ATOMIC_PLAIN(p), (v), (mo))
#define atomic_fetch_and(p, v) atomic_fetch_and_explicit(p, v, __ATOMIC_SEQ_CST)

#endif
