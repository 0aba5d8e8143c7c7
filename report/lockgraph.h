/*
 * lockgraph.h - cycles in an observed lock-order graph that can deadlock.
 * Private to the report module; plain data in, plain data out.
 *
 * An edge "thread T acquired TO while holding FROM" keeps the thread, the set
 * of locks T held at that moment and when it happened. A cycle of lock nodes
 * is reported only when one edge per hop can be chosen such that
 *   - the edges come from pairwise distinct threads (one thread cannot
 *     deadlock with itself this way),
 *   - no edge is a trylock acquisition (it cannot block),
 *   - no lock outside the cycle is held on every edge (a common gate lock
 *     serialises them), and
 *   - every pair of edges could run at the same time: neither happens before
 *     the other through thread creation and join (vector clocks over create
 *     and join only; locks do not order anything here, since a different
 *     schedule may take them in another order).
 * There is no bound on the number of locks held or on the cycle length; the
 * enumeration of candidate cycles has a budget (RC_LOCKGRAPH_BUDGET steps), and
 * *truncated says when it ran out.
 */
#ifndef RC_LOCKGRAPH_H
#define RC_LOCKGRAPH_H

#include <stddef.h>
#include <stdint.h>

#define RC_LOCKGRAPH_BUDGET 2000000

typedef struct rc_lg_edge {
    size_t from, to; /* lock node indices */
    uint32_t tid;    /* thread that took the edge */
    size_t *held;    /* lock nodes held every time TO was acquired here (includes FROM) */
    size_t nheld;
    int trylock; /* every observed acquisition of TO here was a trylock */
    /* Happens-before through create/join: the vector clock of the thread at
     * the edge's first occurrence (vc[t] = what it knows of thread t), and
     * the thread's own clock at its last occurrence. nvc == 0: unknown, the
     * edge is taken to overlap everything. */
    const uint64_t *vc;
    size_t nvc;
    uint64_t last_clock;
} rc_lg_edge_t;

typedef struct rc_lg_cycle {
    size_t *edges; /* indices into the edge array, in cycle order */
    size_t n;
} rc_lg_cycle_t;

/* Finds the deadlock-capable cycles among NLOCKS lock nodes. *cycles
 * (caller frees with rc_lg_cycles_free) receives one cycle per elementary
 * cycle of lock nodes that has a valid choice of edges. */
void rc_lg_find_cycles(size_t nlocks, const rc_lg_edge_t *edges, size_t nedges,
                       rc_lg_cycle_t **cycles, size_t *ncycles, int *truncated);
void rc_lg_cycles_free(rc_lg_cycle_t *cycles, size_t n);

#endif /* RC_LOCKGRAPH_H */
