/*
 * eventlog_int.h - private to runtime-shim/: the reader's state, shared by
 * reader.c (file, records) and symbolize.c (maps sidecar, libdw).
 */
#ifndef RC_EVENTLOG_INT_H
#define RC_EVENTLOG_INT_H

#include "eventlog.h"

typedef struct rc_symbolizer rc_symbolizer_t;

/* A run of records already in (ts, tid) order, in the mapped file. */
typedef struct rc_evrun {
    const rc_event_t *cur, *end;
    size_t idx; /* position among the runs in file order: ties go to the earlier run */
} rc_evrun_t;

struct rc_eventlog {
    char *path;              /* the log file, owned */
    char *exe;               /* header.exe, owned */
    rc_eventlog_info_t info; /* info.exe points at exe */
    void *map;               /* the file, mapped read-only until close */
    size_t map_len;
    rc_evrun_t *runs; /* every run of records, by first record; owned */
    size_t nruns;
    rc_evrun_t *heap; /* rc_eventlog_next's merge: the runs it has reached, owned */
    size_t live, next;
    rc_event_t *events;    /* sorted, built by the first rc_eventlog_events; owned */
    rc_lock_stat_t *stats; /* summary mode's lock table, slots in use only, owned */
    size_t nstats;
    rc_symbolizer_t *sym; /* created on the first symbolize call, owned */
};

/* Symbolises addr (exact: no return-address adjustment) using the maps
 * sidecar <path>.maps. Creates *sym on first use. See rc_eventlog_symbolize. */
int rc_symbolizer_lookup(rc_symbolizer_t **sym, const char *log_path, uint64_t addr, int adjust,
                         rc_loc_t *out);
void rc_symbolizer_free(rc_symbolizer_t *sym);

#endif /* RC_EVENTLOG_INT_H */
