/*
 * render_dot.c - the lock-order graph in Graphviz DOT: one cluster per
 * process of each runtime run, a node per lock, an edge "held -> acquired"
 * per (from, to) pair labelled with the threads and the count. Edges inside
 * a strongly connected component (rc_summary_edges_on_cycle) are red; trylock-only
 * edges are dashed. `dot -Tsvg` draws it; `acyclic -v` tells whether it has
 * a cycle.
 */
#include <stdlib.h>
#include <string.h>

#include "render_int.h"
#include "summary.h"

/* DOT string literal: quotes and backslashes escaped, control characters
 * dropped. */
static void dot_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, out);
        else if (*s == '\n')
            fputs("\\n", out);
    }
    fputc('"', out);
}

static void render_process(FILE *out, const rc_sum_run_t *r, const rc_sum_process_t *p, int k)
{
    size_t n = p->nlocks;
    int *on_cycle = rc_xcalloc(p->nedges ? p->nedges : 1, sizeof *on_cycle);
    rc_summary_edges_on_cycle(p, on_cycle);

    fprintf(out, "  subgraph cluster_%d {\n    label=", k);
    char *label = rc_xasprintf("run #%lld: %s, pid %d", (long long)r->id, r->command, p->pid);
    dot_str(out, label);
    free(label);
    fputs(";\n", out);
    for (size_t v = 0; v < n; v++) {
        const rc_sum_lock_t *l = &p->locks[v];
        char *name = l->name ? rc_xasprintf("%s\n%s", l->name, l->kind ? l->kind : "lock")
                             : rc_xasprintf("%#llx\n%s", (unsigned long long)l->addr,
                                            l->kind ? l->kind : "lock");
        fprintf(out, "    p%d_l%zu [label=", k, v);
        dot_str(out, name);
        fputs("];\n", out);
        free(name);
    }
    /* One edge per (from, to), labelled with every thread that took it. */
    char *done = rc_xcalloc(p->nedges ? p->nedges : 1, 1);
    for (size_t i = 0; i < p->nedges; i++) {
        if (done[i])
            continue;
        const rc_sum_edge_t *e = &p->edges[i];
        rc_strbuf_t lab;
        rc_strbuf_init(&lab);
        int all_try = 1;
        int64_t count = 0;
        for (size_t j = i; j < p->nedges; j++) {
            const rc_sum_edge_t *o = &p->edges[j];
            if (o->from != e->from || o->to != e->to)
                continue;
            done[j] = 1;
            all_try &= o->trylock;
            count += o->count;
            rc_strbuf_appendf(&lab, "%sT%d", lab.len ? "," : "", o->tid);
        }
        rc_strbuf_appendf(&lab, " x%lld", (long long)count);
        int cyclic = on_cycle[i];
        fprintf(out, "    p%d_l%zu -> p%d_l%zu [label=", k, e->from, k, e->to);
        dot_str(out, lab.s);
        fprintf(out, "%s%s];\n", cyclic ? ", color=red, fontcolor=red" : "",
                all_try ? ", style=dashed" : "");
        rc_strbuf_close(&lab);
    }
    fputs("  }\n", out);
    free(done);
    free(on_cycle);
}

int rc_render_dot(rc_store_t *st, const rc_report_opts_t *opts, rc_error_t *err)
{
    rc_summary_t sum;
    int rc = rc_summary_load(st, opts->run_id, &sum, err);
    if (rc)
        return rc;
    FILE *out = opts->out;
    fputs("digraph lock_order {\n  node [shape=box, fontname=\"monospace\"];\n", out);
    int k = 0;
    for (size_t i = 0; i < sum.nruns; i++)
        for (size_t j = 0; j < sum.runs[i].nprocs; j++)
            render_process(out, &sum.runs[i], &sum.runs[i].procs[j], k++);
    fputs("}\n", out);
    rc_summary_close(&sum);
    return ferror(out) ? rc_error_set(err, RC_EIO, "cannot write the DOT graph") : RC_OK;
}
