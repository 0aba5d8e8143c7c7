/*
 * render_json.c - the JSON report (format "racecheck-report", version 1;
 * documented in docs/json-format.md). Written with jansson: every string is
 * escaped by the library; bytes that are not UTF-8 (file names are bytes)
 * become U+FFFD so the document is always valid JSON.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "summary.h"

#define RC_JSON_VERSION 1

#define jstr rc_json_string

static json_t *loc_json(const rc_loc_t *l, int with_note)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", jstr(l->file));
    json_object_set_new(o, "line", json_integer(l->line));
    json_object_set_new(o, "column", json_integer(l->col));
    json_object_set_new(o, "function", jstr(l->function));
    json_object_set_new(o, "thread", jstr(l->thread));
    if (with_note)
        json_object_set_new(o, "note", jstr(l->note));
    return o;
}

static json_t *finding_json(const rc_finding_t *f, const rc_catalogue_t *cat)
{
    json_t *o = json_object();
    json_object_set_new(o, "rule", jstr(f->rule));
    json_object_set_new(o, "severity", jstr(rc_severity_name(f->severity)));
    json_object_set_new(o, "message", jstr(f->message));
    json_object_set_new(o, "subject", jstr(f->subject));
    json_object_set_new(o, "fingerprint", jstr(f->fingerprint));
    json_t *src = json_array();
    for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1)
        if (f->source & bit)
            json_array_append_new(src, jstr(rc_source_name((rc_source_t)bit)));
    json_object_set_new(o, "sources", src);
    json_object_set_new(o, "confidence", jstr(rc_confidence(f->source)));
    json_object_set_new(o, "model", jstr(rc_rule_model(cat, f->rule)));
    json_object_set_new(o, "location", loc_json(&f->loc, 0));
    json_t *rel = json_array();
    for (size_t i = 0; i < f->nrelated; i++)
        json_array_append_new(rel, loc_json(&f->related[i], 1));
    json_object_set_new(o, "related", rel);
    json_object_set_new(o, "evidence", jstr(f->evidence));
    if (f->status)
        json_object_set_new(o, "status", jstr(f->status));
    return o;
}

static json_t *runs_json(const rc_summary_t *sum)
{
    json_t *runs = json_array();
    for (size_t i = 0; i < sum->nruns; i++) {
        const rc_sum_run_t *r = &sum->runs[i];
        json_t *jr = json_object(), *procs = json_array();
        json_object_set_new(jr, "id", json_integer(r->id));
        json_object_set_new(jr, "command", jstr(r->command));
        json_object_set_new(jr, "exit_status", json_integer(r->status));
        for (size_t j = 0; j < r->nprocs; j++) {
            const rc_sum_process_t *p = &r->procs[j];
            json_t *jp = json_object(), *threads = json_array(), *locks = json_array();
            json_object_set_new(jp, "pid", json_integer(p->pid));
            json_object_set_new(jp, "ppid", json_integer(p->ppid));
            json_object_set_new(jp, "execed", json_boolean(p->execed));
            json_object_set_new(jp, "exe", jstr(p->exe));
            json_object_set_new(jp, "events", json_integer(p->records));
            json_object_set_new(jp, "torn", json_integer(p->torn));
            json_object_set_new(jp, "dropped", json_integer(p->dropped));
            for (size_t k = 0; k < p->nthreads; k++) {
                const rc_sum_thread_t *t = &p->threads[k];
                json_t *jt = json_object();
                json_object_set_new(jt, "tid", json_integer(t->tid));
                json_object_set_new(jt, "start_routine", jstr(t->routine));
                json_object_set_new(jt, "created_file", jstr(t->file));
                json_object_set_new(jt, "created_line", json_integer(t->line));
                json_object_set_new(jt, "joined", json_boolean(t->joined));
                json_object_set_new(jt, "detached", json_boolean(t->detached));
                json_array_append_new(threads, jt);
            }
            for (size_t k = 0; k < p->nlocks; k++) {
                const rc_sum_lock_t *l = &p->locks[k];
                json_t *jl = json_object();
                json_object_set_new(jl, "kind", jstr(l->kind));
                json_object_set_new(jl, "name", jstr(l->name));
                json_object_set_new(jl, "address", json_integer((json_int_t)l->addr));
                json_object_set_new(jl, "first_file", jstr(l->file));
                json_object_set_new(jl, "first_line", json_integer(l->line));
                json_object_set_new(jl, "acquisitions", json_integer(l->acquisitions));
                json_object_set_new(jl, "contended", json_integer(l->contended));
                json_object_set_new(jl, "wait_ns", json_integer(l->wait_ns));
                json_object_set_new(jl, "max_wait_ns", json_integer(l->max_wait_ns));
                json_object_set_new(jl, "hold_ns", json_integer(l->hold_ns));
                json_object_set_new(jl, "max_hold_ns", json_integer(l->max_hold_ns));
                json_object_set_new(jl, "owner_changes",
                                    l->owner_changes >= 0 ? json_integer(l->owner_changes)
                                                          : json_null());
                json_array_append_new(locks, jl);
            }
            json_object_set_new(jp, "threads", threads);
            json_object_set_new(jp, "locks", locks);
            json_array_append_new(procs, jp);
        }
        json_object_set_new(jr, "processes", procs);
        json_array_append_new(runs, jr);
    }
    return runs;
}

int rc_render_json(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                   rc_error_t *err)
{
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "format", json_string("racecheck-report"));
    json_object_set_new(root, "version", json_integer(RC_JSON_VERSION));
    for (size_t i = 0; i < fs->n; i++)
        json_array_append_new(arr, finding_json(&fs->v[i], opts->catalogue));
    json_object_set_new(root, "findings", arr);
    int rc = RC_OK;
    if (st) {
        rc_summary_t sum;
        rc = rc_summary_load(st, opts->run_id, &sum, err);
        if (rc == RC_OK) {
            json_object_set_new(root, "runs", runs_json(&sum));
            rc_summary_close(&sum);
        }
    }
    if (rc == RC_OK && json_dumpf(root, opts->out, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
        rc = rc_error_set(err, RC_EIO, "cannot write the JSON report");
    fputc('\n', opts->out);
    json_decref(root);
    return rc;
}
