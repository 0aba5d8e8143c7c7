/*
 * html_graph.h - the lock-order graph of one process as inline SVG, for the
 * HTML report. Private to the report module.
 *
 * Nodes are the locks that take part in at least one lock-order edge; one
 * arrow joins each ordered pair (A, B) such that some thread acquired B while
 * holding A, whatever the number of threads and sites behind it. An arrow lies
 * on a cycle when B can reach A again through other arrows (strongly
 * connected components), which is what makes a deadlock conceivable; whether
 * a cycle can really deadlock (distinct threads, no gate lock, concurrency) is
 * the lock.order-inversion finding's business, not the drawing's.
 *
 * Layout: Graphviz `dot` when it is installed (run as a child process; it
 * reads DOT text on stdin and prints `-Tplain` coordinates), else a built-in
 * layout (locks on a circle, straight arrows, arrows bent apart when two locks
 * point at each other). Either way this file draws the SVG itself from the
 * coordinates, so every string in it is escaped here and the picture holds no
 * external reference, id or script.
 */
#ifndef RC_HTML_GRAPH_H
#define RC_HTML_GRAPH_H

#include "common.h"
#include "summary.h"

/* Which layout html_lockgraph_svg used. */
typedef enum html_layout {
    HTML_LAYOUT_NONE = 0,    /* no edge: nothing drawn */
    HTML_LAYOUT_BUILTIN = 1, /* the circle */
    HTML_LAYOUT_DOT = 2,     /* Graphviz */
} html_layout_t;

/* Appends an <svg> element drawing P's lock-order graph to OUT and returns
 * the layout used. DOT is the Graphviz program to run ("dot", found on PATH,
 * or a path), or NULL for the built-in layout; when it cannot be run, fails,
 * times out (10 s) or prints something unexpected, the built-in layout is
 * used. Appends nothing and returns HTML_LAYOUT_NONE when P has no edge. */
html_layout_t html_lockgraph_svg(rc_strbuf_t *out, const rc_sum_process_t *p, const char *dot);

/* The label a lock is shown with: its name, else "<kind> <address>". The
 * caller frees it. Not escaped. */
char *html_lock_label(const rc_sum_lock_t *l);

#endif /* RC_HTML_GRAPH_H */
