/*
 * render_html.c - the HTML report: one self-contained page that a reviewer or
 * auditor opens in a browser, offline (documented in docs/html-report.md).
 *
 * Page outline:
 *
 *   | section   | contents                                                      |
 *   |-----------|---------------------------------------------------------------|
 *   | header    | scope (store, run), the finding count                         |
 *   | summary   | counts by severity, rule, model, confidence and source        |
 *   | programs  | the programs the static runs linked and the concurrency       |
 *   |           | models each uses (threads, processes, cooperative, signals)   |
 *   | findings  | an index table, then one <article> per finding: severity,     |
 *   |           | rule (catalogue description and help), message, locations     |
 *   |           | with source excerpts, sources, raw evidence in <details>      |
 *   | fixed     | with history (opts->since), the findings no longer current,   |
 *   |           | laid out the same way; they count nowhere else                |
 *   | runtime   | per run and process: threads, locks (contention), and the     |
 *   |           | lock-order graph as inline SVG with its edge table            |
 *
 * Invariants:
 *   - Self-contained: CSS is inline, there is no script, font, image or link
 *     other than in-page anchors (#finding-N), and a Content-Security-Policy
 *     meta tag forbids every fetch anyway.
 *   - Every string from the data goes through html_esc (escaped for text and
 *     attributes, invalid UTF-8 replaced by U+FFFD, controls made visible), so
 *     a hostile file name or message cannot change the page's structure.
 *   - Deterministic: the page depends only on the findings, the store, the
 *     catalogue, the source files it quotes and the Graphviz layout (when
 *     installed): no clock, no random ids.
 *
 * Source excerpts are read from the file named by each location, relative
 * paths from the current directory, each file at most once; only regular
 * files up to SRC_MAX bytes are read (a location naming /dev/zero or a FIFO
 * must not hang the report).
 *
 * The runtime section needs a store and opts->summary (`--no-summary` leaves
 * it out, as in the text report).
 *
 * Graphviz: the lock-order graph is laid out by `dot` found on PATH;
 * RACECHECK_DOT names another program, and RACECHECK_DOT=none (or empty)
 * selects the built-in layout.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "html_esc.h"
#include "html_graph.h"
#include "render_int.h"
#include "summary.h"

#define SRC_MAX (16u << 20) /* bytes of a source file read for excerpts */
#define CONTEXT 3           /* lines shown above and below a location */
#define LINE_MAX_BYTES 400  /* an excerpt line is cut after this many bytes */

static const char csp[] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                          "base-uri 'none'; form-action 'none'";

static const char css[] =
    ":root{--fg:#1a202c;--muted:#4a5568;--line:#e2e8f0;--bg:#ffffff;--panel:#f7fafc;"
    "--err:#c53030;--warn:#b7791f;--note:#2b6cb0;--ok:#2f855a;--hl:#fefcbf}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0 auto;max-width:72rem;padding:1rem 1.5rem 3rem;color:var(--fg);"
    "background:var(--bg);font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}\n"
    "h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin-top:2rem;"
    "border-bottom:2px solid var(--line);padding-bottom:.2rem}"
    "h3{font-size:1.1rem;margin:.2rem 0}h4{font-size:1rem;margin:.8rem 0 .3rem}\n"
    "code,pre{font:13px/1.4 ui-monospace,'DejaVu Sans Mono',monospace}\n"
    "code{white-space:nowrap}code.path{white-space:normal}\n"
    "nav a{margin-right:1rem}\n"
    ".count{font-size:1.25rem;font-weight:600;margin:.4rem 0}\n"
    ".muted,.scope{color:var(--muted)}\n"
    "table{border-collapse:collapse;margin:.4rem 0 1rem}\n"
    "th,td{border:1px solid var(--line);padding:.25rem .55rem;text-align:left;vertical-align:top}\n"
    "th{background:var(--panel)}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".wide{overflow-x:auto;max-width:100%}\n"
    ".tables{display:flex;flex-wrap:wrap;gap:0 2rem;align-items:flex-start}\n"
    ".sev{display:inline-block;border-radius:3px;padding:0 .4rem;color:#fff;font-size:.8rem;"
    "font-weight:600;text-transform:uppercase;vertical-align:middle}\n"
    ".sev-error{background:var(--err)}.sev-warning{background:var(--warn)}"
    ".sev-note{background:var(--note)}\n"
    "article.finding{border:1px solid var(--line);border-left:5px solid var(--warn);"
    "border-radius:4px;padding:.6rem 1rem;margin:1rem 0;background:var(--bg)}\n"
    "article.finding.fixed{border-left-color:var(--ok);opacity:.8}\n"
    ".status{display:inline-block;border-radius:3px;padding:0 .4rem;font-size:.8rem;"
    "font-weight:600;border:1px solid currentColor;vertical-align:middle}"
    ".status-new{color:var(--err)}.status-present{color:var(--muted)}"
    ".status-fixed{color:var(--ok)}\n"
    "article.finding.error{border-left-color:var(--err)}"
    "article.finding.note{border-left-color:var(--note)}\n"
    ".rule{font-weight:600}.msg{font-weight:600}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.5rem 0}\n"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}\n"
    ".confirmed{color:var(--ok);font-weight:600}\n"
    ".where{margin:.5rem 0 .2rem}\n"
    "pre.excerpt{background:var(--panel);border:1px solid var(--line);border-radius:3px;"
    "padding:.3rem 0;margin:.2rem 0 .6rem;overflow-x:auto;tab-size:4}\n"
    "pre.excerpt .l{display:block;min-height:1.4em;padding:0 .6rem 0 0}\n"
    "pre.excerpt .hl{background:var(--hl)}\n"
    "pre.excerpt .ln{display:inline-block;min-width:3.5rem;padding-right:.8rem;text-align:right;"
    "color:var(--muted);user-select:none}\n"
    "pre.evidence{background:var(--panel);padding:.5rem;overflow-x:auto;white-space:pre-wrap}\n"
    "details{margin:.4rem 0}summary{cursor:pointer;color:var(--muted)}\n"
    ".warn{color:var(--err);font-weight:600}\n"
    "figure{margin:.5rem 0 1rem;overflow-x:auto}figcaption{color:var(--muted);font-size:.9rem}\n"
    "section.process{border-top:1px dashed var(--line);margin-top:1rem}\n"
    "@media print{article.finding{break-inside:avoid}}\n";

/* ---- Page state -------------------------------------------------------- */

typedef struct src_file {
    char *path;
    char *data; /* NULL when unreadable */
    size_t len;
    size_t *line; /* byte offset where each line starts */
    size_t nlines;
    char *why; /* why it is unreadable */
} src_file_t;

typedef struct page {
    rc_strbuf_t b;
    const rc_catalogue_t *cat;
    src_file_t *files;
    size_t nfiles;
} page_t;

static void put(page_t *pg, const char *s)
{
    rc_strbuf_append(&pg->b, s);
}

static void putf(page_t *pg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(page_t *pg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_strbuf_vappendf(&pg->b, fmt, ap);
    va_end(ap);
}

/* Escaped one-line text. */
static void text(page_t *pg, const char *s)
{
    html_esc(&pg->b, s, HTML_LINE);
}

/* Escaped file name that may wrap after each '/' (a <wbr> there), so long
 * paths do not widen table columns. */
static void path_text(page_t *pg, const char *path)
{
    const char *p = path;
    for (const char *slash; (slash = strchr(p, '/'));) {
        html_escn(&pg->b, p, (size_t)(slash - p) + 1, HTML_LINE);
        if (slash[1])
            put(pg, "<wbr>");
        p = slash + 1;
    }
    text(pg, p);
}

/* ---- Source excerpts ----------------------------------------------------- */

/* The file at PATH, read on first use (see the file comment for the limits). */
static src_file_t *source(page_t *pg, const char *path)
{
    for (size_t i = 0; i < pg->nfiles; i++)
        if (strcmp(pg->files[i].path, path) == 0)
            return &pg->files[i];
    pg->files = rc_xrealloc(pg->files, (pg->nfiles + 1) * sizeof *pg->files);
    src_file_t *f = &pg->files[pg->nfiles++];
    memset(f, 0, sizeof *f);
    f->path = rc_xstrdup(path);
    struct stat sb;
    rc_error_t err;
    if (stat(path, &sb) != 0) {
        f->why = rc_xstrdup("the file cannot be found from the current directory");
        return f;
    }
    if (!S_ISREG(sb.st_mode)) {
        f->why = rc_xstrdup("not a regular file");
        return f;
    }
    if ((unsigned long long)sb.st_size > SRC_MAX) {
        f->why = rc_xstrdup("the file is too large to quote");
        return f;
    }
    if (rc_read_file(path, &f->data, &f->len, &err) != RC_OK) {
        f->data = NULL;
        f->why = rc_xstrdup("the file cannot be read");
        return f;
    }
    /* A final line without a newline counts; a final newline starts no line. */
    size_t cap = 0;
    for (size_t i = 0; i < f->len; i++) {
        if (i == 0 || f->data[i - 1] == '\n') {
            if (f->nlines == cap) {
                cap = cap ? 2 * cap : 256;
                f->line = rc_xrealloc(f->line, cap * sizeof *f->line);
            }
            f->line[f->nlines++] = i;
        }
    }
    return f;
}

static void sources_free(page_t *pg)
{
    for (size_t i = 0; i < pg->nfiles; i++) {
        free(pg->files[i].path);
        free(pg->files[i].data);
        free(pg->files[i].line);
        free(pg->files[i].why);
    }
    free(pg->files);
}

/* Lines LOC->line +- CONTEXT of LOC->file in a <pre>, the line itself
 * highlighted; a short note instead when the file cannot be quoted. Nothing
 * for a location without file or line. */
static void excerpt(page_t *pg, const rc_loc_t *loc)
{
    if (!loc->file || !*loc->file || loc->line == 0)
        return;
    src_file_t *f = source(pg, loc->file);
    if (!f->data) {
        putf(pg, "<p class=\"muted nosrc\">Source not shown: %s.</p>\n", f->why);
        return;
    }
    if (loc->line > f->nlines) {
        putf(pg,
             "<p class=\"muted nosrc\">Source not shown: line %u is past the end of the file"
             " (%zu lines); it may have changed since the analysis.</p>\n",
             loc->line, f->nlines);
        return;
    }
    size_t first = loc->line > CONTEXT ? loc->line - CONTEXT : 1;
    size_t last = loc->line + CONTEXT < f->nlines ? loc->line + CONTEXT : f->nlines;
    put(pg, "<pre class=\"excerpt\">");
    for (size_t ln = first; ln <= last; ln++) {
        size_t start = f->line[ln - 1];
        size_t end = ln < f->nlines ? f->line[ln] - 1 : f->len; /* without the '\n' */
        if (end > start && f->data[end - 1] == '\r')
            end--;
        int cut = end - start > LINE_MAX_BYTES;
        if (cut)
            end = start + LINE_MAX_BYTES;
        putf(pg, "<span class=\"l%s\"><span class=\"ln\">%zu</span>", ln == loc->line ? " hl" : "",
             ln);
        html_escn(&pg->b, f->data + start, end - start, HTML_PRE);
        if (cut)
            put(pg, "\xe2\x80\xa6");
        put(pg, "</span>");
    }
    put(pg, "</pre>\n");
}

/* "file:line:col in function, thread T" (each part only when known). */
static void location(page_t *pg, const rc_loc_t *loc)
{
    if (loc->file && *loc->file) {
        put(pg, "<code class=\"path\">");
        path_text(pg, loc->file);
        if (loc->line) {
            putf(pg, ":%u", loc->line);
            if (loc->col)
                putf(pg, ":%u", loc->col);
        }
        put(pg, "</code>");
    } else {
        put(pg, "<span class=\"muted\">unknown location</span>");
    }
    if (loc->function && *loc->function) {
        put(pg, " in <code>");
        text(pg, loc->function);
        put(pg, "</code>");
    }
    if (loc->thread && *loc->thread) {
        /* Labels come as "worker", "T2 (worker)" or "thread T1 (worker)". */
        put(pg, strcasestr(loc->thread, "thread") ? ", <span class=\"thread\">"
                                                  : ", thread <span class=\"thread\">");
        text(pg, loc->thread);
        put(pg, "</span>");
    }
}

/* ---- Classification ------------------------------------------------------ */

static const char *sev_class(rc_severity_t s)
{
    return s == RC_SEV_ERROR ? "error" : s == RC_SEV_NOTE ? "note" : "warning";
}

/* History (opts->since): "new", "present" or "fixed"; NULL without history. */
static int is_fixed(const rc_finding_t *f)
{
    return f->status && strcmp(f->status, "fixed") == 0;
}

static void status_badge(page_t *pg, const rc_finding_t *f)
{
    const char *s = f->status && (strcmp(f->status, "new") == 0 || is_fixed(f) ||
                                  strcmp(f->status, "present") == 0)
                        ? f->status
                        : "unknown";
    putf(pg, "<span class=\"status status-%s\">%s</span>", s, s);
}

/* The store's classification (rc_confidence), shown in words. */
static int runtime_confirmed(const rc_finding_t *f)
{
    return strcmp(rc_confidence(f->source), "confirmed") == 0;
}

static const char *confidence(const rc_finding_t *f)
{
    return runtime_confirmed(f) ? "confirmed at run time" : "static only";
}

static const char *source_title(unsigned bit)
{
    return bit == RC_SRC_STATIC ? "static analysis"
           : bit == RC_SRC_SHIM ? "pthread shim (run time)"
                                : "ThreadSanitizer (run time)";
}

static const rc_rule_info_t *rule_info(const page_t *pg, const rc_finding_t *f)
{
    return pg->cat && f->rule ? rc_catalogue_find(pg->cat, f->rule) : NULL;
}

static const char *model(const page_t *pg, const rc_finding_t *f)
{
    return rc_rule_model(pg->cat, f->rule);
}

/* ---- Summary tables -------------------------------------------------------- */

typedef struct tally {
    const char *key; /* borrowed */
    size_t n;
} tally_t;

typedef struct tallies {
    tally_t *v;
    size_t n;
} tallies_t;

static void tally(tallies_t *t, const char *key, size_t add)
{
    for (size_t i = 0; i < t->n; i++) {
        if (strcmp(t->v[i].key, key) == 0) {
            t->v[i].n += add;
            return;
        }
    }
    t->v = rc_xrealloc(t->v, (t->n + 1) * sizeof *t->v);
    t->v[t->n].key = key;
    t->v[t->n++].n = add;
}

/* Most frequent first, then by key: the order is the same on every run. */
static int tally_cmp(const void *a, const void *b)
{
    const tally_t *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->key, y->key);
}

static void count_cell(page_t *pg, size_t n)
{
    putf(pg, "<td class=\"n\">%zu</td>", n);
}

/* FS: the findings that count; NFIXED: how many the history marks fixed. */
static void summary(page_t *pg, const rc_findings_t *fs, size_t nfixed)
{
    put(pg, "<section id=\"summary\">\n<h2>Summary</h2>\n");
    size_t confirmed = 0;
    for (size_t i = 0; i < fs->n; i++)
        confirmed += runtime_confirmed(&fs->v[i]) != 0;
    putf(pg, "<p class=\"count\" id=\"finding-count\">%zu finding%s</p>\n", fs->n,
         fs->n == 1 ? "" : "s");
    if (fs->n)
        putf(pg,
             "<p class=\"muted\">%zu confirmed at run time, %zu found by static analysis"
             " only.</p>\n",
             confirmed, fs->n - confirmed);
    if (nfixed)
        putf(pg,
             "<p class=\"muted\"><a href=\"#fixed\">%zu fixed</a> since the earlier"
             " state.</p>\n",
             nfixed);
    put(pg, "<div class=\"tables\">\n");

    /* By severity: always the three levels, most severe first. */
    put(pg, "<table id=\"by-severity\"><caption>By severity</caption>\n"
            "<tr><th>Severity</th><th>Findings</th></tr>\n");
    for (int s = RC_SEV_ERROR; s >= RC_SEV_NOTE; s--) {
        size_t n = 0;
        for (size_t i = 0; i < fs->n; i++)
            n += fs->v[i].severity == (rc_severity_t)s;
        putf(pg, "<tr><td><span class=\"sev sev-%s\">%s</span></td>", sev_class(s), sev_class(s));
        count_cell(pg, n);
        put(pg, "</tr>\n");
    }
    put(pg, "</table>\n");

    /* By model: the four models of the catalogue always, others as they come. */
    tallies_t t = {0};
    static const char *const models[] = {"threads", "processes", "cooperative", "signals"};
    for (size_t m = 0; m < sizeof models / sizeof models[0]; m++)
        tally(&t, models[m], 0);
    for (size_t i = 0; i < fs->n; i++)
        tally(&t, model(pg, &fs->v[i]), 1);
    put(pg, "<table id=\"by-model\"><caption>By concurrency model</caption>\n"
            "<tr><th>Model</th><th>Findings</th></tr>\n");
    for (size_t i = 0; i < t.n; i++) {
        put(pg, "<tr><td>");
        text(pg, t.v[i].key);
        put(pg, "</td>");
        count_cell(pg, t.v[i].n);
        put(pg, "</tr>\n");
    }
    put(pg, "</table>\n");
    free(t.v);

    put(pg, "<table id=\"by-confidence\"><caption>By confidence</caption>\n"
            "<tr><th>Confidence</th><th>Findings</th></tr>\n"
            "<tr><td>confirmed at run time</td>");
    count_cell(pg, confirmed);
    put(pg, "</tr>\n<tr><td>static only</td>");
    count_cell(pg, fs->n - confirmed);
    put(pg, "</tr>\n</table>\n");

    put(pg, "<table id=\"by-source\"><caption>By evidence source</caption>\n"
            "<tr><th>Source</th><th>Findings</th></tr>\n");
    for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1) {
        size_t n = 0;
        for (size_t i = 0; i < fs->n; i++)
            n += (fs->v[i].source & bit) != 0;
        putf(pg, "<tr><td>%s</td>", source_title(bit));
        count_cell(pg, n);
        put(pg, "</tr>\n");
    }
    put(pg, "</table>\n");
    put(pg, "</div>\n<p class=\"muted\">A finding seen by several sources counts once under"
            " each of them.</p>\n");

    /* By rule, with the catalogue's one-line description. */
    t = (tallies_t){0};
    for (size_t i = 0; i < fs->n; i++)
        tally(&t, fs->v[i].rule ? fs->v[i].rule : "", 1);
    rc_sort(t.v, t.n, sizeof *t.v, tally_cmp);
    if (t.n) {
        put(pg, "<table id=\"by-rule\"><caption>By rule</caption>\n"
                "<tr><th>Rule</th><th>Description</th><th>Model</th><th>Findings</th></tr>\n");
        for (size_t i = 0; i < t.n; i++) {
            const rc_rule_info_t *ri = pg->cat ? rc_catalogue_find(pg->cat, t.v[i].key) : NULL;
            put(pg, "<tr><td><code>");
            text(pg, t.v[i].key);
            put(pg, "</code></td><td>");
            if (ri && ri->short_desc)
                text(pg, ri->short_desc);
            else
                put(pg, "<span class=\"muted\">not in the rule catalogue</span>");
            put(pg, "</td><td>");
            text(pg, ri && ri->model && *ri->model ? ri->model : "threads");
            put(pg, "</td>");
            count_cell(pg, t.v[i].n);
            put(pg, "</tr>\n");
        }
        put(pg, "</table>\n");
    }
    free(t.v);
    put(pg, "</section>\n");
}

/* The programs the static runs linked and the concurrency models each uses. */
static void programs(page_t *pg, const rc_program_models_t *v, size_t n)
{
    if (!n)
        return;
    static const char *const names[] = {"threads", "processes", "cooperative", "signals"};
    put(pg, "<section id=\"programs\">\n<h2>Programs</h2>\n<table id=\"program-models\">"
            "<caption>Concurrency models each program uses (static analysis: threads started,"
            " processes forked, event-loop callbacks or coroutines, signal handlers)</caption>\n"
            "<tr><th>Program</th>");
    for (size_t m = 0; m < sizeof names / sizeof names[0]; m++)
        putf(pg, "<th>%s</th>", names[m]);
    put(pg, "</tr>\n");
    for (size_t i = 0; i < n; i++) {
        put(pg, "<tr><td>");
        if (v[i].main_file && *v[i].main_file) {
            put(pg, "<code class=\"path\">");
            text(pg, v[i].main_file);
            put(pg, "</code>");
        } else {
            put(pg, "<span class=\"muted\">code without main</span>");
        }
        put(pg, "</td>");
        for (size_t m = 0; m < sizeof names / sizeof names[0]; m++)
            putf(pg, "<td class=\"model %s\">%s</td>", names[m],
                 v[i].models & (1u << m) ? "yes" : "");
        put(pg, "</tr>\n");
    }
    put(pg, "</table>\n</section>\n");
}

/* ---- Findings -------------------------------------------------------------- */

static void sources_list(page_t *pg, unsigned src)
{
    const char *sep = "";
    for (unsigned bit = RC_SRC_STATIC; bit <= RC_SRC_TSAN; bit <<= 1) {
        if (src & bit) {
            putf(pg, "%s%s", sep, source_title(bit));
            sep = ", ";
        }
    }
    if (!*sep)
        put(pg, "<span class=\"muted\">none recorded</span>");
}

/* The table of FS linking to the articles PREFIX-1 ... (a status column
 * when the history marked them). */
static void finding_index(page_t *pg, const rc_findings_t *fs, const char *prefix)
{
    int history = 0;
    for (size_t i = 0; i < fs->n; i++)
        history |= fs->v[i].status != NULL;
    putf(pg,
         "<div class=\"wide\"><table id=\"%s-index\">\n<tr><th>#</th>%s<th>Severity</th>"
         "<th>Rule</th><th>Location</th><th>Message</th><th>Confidence</th></tr>\n",
         prefix, history ? "<th>Status</th>" : "");
    for (size_t i = 0; i < fs->n; i++) {
        const rc_finding_t *f = &fs->v[i];
        putf(pg, "<tr><td class=\"n\"><a href=\"#%s-%zu\">%zu</a></td>", prefix, i + 1, i + 1);
        if (history) {
            put(pg, "<td>");
            status_badge(pg, f);
            put(pg, "</td>");
        }
        putf(pg, "<td><span class=\"sev sev-%s\">%s</span></td><td><code>", sev_class(f->severity),
             sev_class(f->severity));
        text(pg, f->rule);
        put(pg, "</code></td><td>");
        location(pg, &f->loc);
        put(pg, "</td><td>");
        text(pg, f->message);
        putf(pg, "</td><td>%s</td></tr>\n", confidence(f));
    }
    put(pg, "</table></div>\n");
}

static void finding(page_t *pg, const rc_finding_t *f, const char *prefix, size_t num)
{
    const rc_rule_info_t *ri = rule_info(pg, f);
    const char *sev = sev_class(f->severity);
    putf(pg, "<article class=\"finding %s%s\" id=\"%s-%zu\">\n", sev, is_fixed(f) ? " fixed" : "",
         prefix, num);
    putf(pg,
         "<h3><span class=\"num\">#%zu</span> <span class=\"sev sev-%s\">%s</span> "
         "<code class=\"rule\">",
         num, sev, sev);
    text(pg, f->rule);
    put(pg, "</code>");
    if (f->status) {
        put(pg, " ");
        status_badge(pg, f);
    }
    put(pg, "</h3>\n<p class=\"msg\">");
    text(pg, f->message);
    put(pg, "</p>\n");
    if (ri && ri->short_desc) {
        put(pg, "<p class=\"rule-desc\">");
        text(pg, ri->short_desc);
        put(pg, "</p>\n");
    }
    if (ri && ri->help) {
        put(pg, "<p class=\"help\"><strong>How to fix:</strong> ");
        text(pg, ri->help);
        put(pg, "</p>\n");
    }
    if (ri && ri->full_desc) {
        put(pg, "<details class=\"about\"><summary>About this rule</summary><p>");
        text(pg, ri->full_desc);
        put(pg, "</p></details>\n");
    }

    put(pg, "<dl class=\"facts\">\n");
    putf(pg, "<dt>Confidence</dt><dd%s>%s</dd>\n",
         runtime_confirmed(f) ? " class=\"confirmed\"" : "", confidence(f));
    put(pg, "<dt>Evidence from</dt><dd>");
    sources_list(pg, f->source);
    put(pg, "</dd>\n<dt>Model</dt><dd>");
    text(pg, model(pg, f));
    put(pg, "</dd>\n");
    if (f->subject && *f->subject) {
        put(pg, "<dt>Subject</dt><dd><code>");
        text(pg, f->subject);
        put(pg, "</code></dd>\n");
    }
    if (f->fingerprint && *f->fingerprint) {
        put(pg, "<dt>Fingerprint</dt><dd><code>");
        text(pg, f->fingerprint);
        put(pg, "</code></dd>\n");
    }
    put(pg, "</dl>\n");

    put(pg, "<div class=\"loc primary\"><p class=\"where\">");
    location(pg, &f->loc);
    put(pg, "</p>\n");
    excerpt(pg, &f->loc);
    put(pg, "</div>\n");

    if (f->nrelated) {
        put(pg, "<h4>Related locations</h4>\n<ol class=\"related\">\n");
        for (size_t i = 0; i < f->nrelated; i++) {
            const rc_loc_t *r = &f->related[i];
            put(pg, "<li><p class=\"where\">");
            location(pg, r);
            if (r->note && *r->note) {
                put(pg, ": <span class=\"note\">");
                text(pg, r->note);
                put(pg, "</span>");
            }
            put(pg, "</p>\n");
            excerpt(pg, r);
            put(pg, "</li>\n");
        }
        put(pg, "</ol>\n");
    }

    if (f->evidence && *f->evidence) {
        put(pg, "<details class=\"evidence\"><summary>Raw evidence</summary>"
                "<pre class=\"evidence\">");
        html_esc(&pg->b, f->evidence, HTML_PRE);
        put(pg, "</pre></details>\n");
    }
    put(pg, "</article>\n");
}

/* ---- Runtime --------------------------------------------------------------- */

/* NS nanoseconds as milliseconds with three decimals, by integer arithmetic. */
static void ms_cell(page_t *pg, int64_t ns)
{
    long long us = (long long)((ns < 0 ? 0 : ns) + 500) / 1000;
    putf(pg, "<td class=\"n\">%lld.%03lld</td>", us / 1000, us % 1000);
}

static void site(page_t *pg, const char *file, int line)
{
    if (file && *file) {
        put(pg, "<code class=\"path\">");
        path_text(pg, file);
        if (line > 0)
            putf(pg, ":%d", line);
        put(pg, "</code>");
    } else {
        put(pg, "<span class=\"muted\">unknown</span>");
    }
}

static void lock_name(page_t *pg, const rc_sum_lock_t *l)
{
    char *label = html_lock_label(l);
    put(pg, "<code>");
    text(pg, label);
    put(pg, "</code>");
    free(label);
}

static void threads_table(page_t *pg, const rc_sum_process_t *p)
{
    if (!p->nthreads) {
        put(pg, "<p class=\"muted\">No threads recorded.</p>\n");
        return;
    }
    put(pg, "<table class=\"threads\"><caption>Threads</caption>\n<tr><th>Thread</th>"
            "<th>Start routine</th><th>Created at</th><th>End</th></tr>\n");
    for (size_t k = 0; k < p->nthreads; k++) {
        const rc_sum_thread_t *t = &p->threads[k];
        putf(pg, "<tr><td>T%d</td><td>", t->tid);
        if (t->routine && *t->routine) {
            put(pg, "<code>");
            text(pg, t->routine);
            put(pg, "</code>");
        } else {
            put(pg, t->tid == 0 ? "main" : "<span class=\"muted\">unknown</span>");
        }
        put(pg, "</td><td>");
        if (t->tid == 0 && !(t->file && *t->file))
            put(pg, "<span class=\"muted\">process start</span>");
        else
            site(pg, t->file, t->line);
        put(pg, "</td><td>");
        if (t->tid == 0)
            put(pg, "<span class=\"muted\">main thread</span>");
        else if (t->joined)
            put(pg, "joined");
        else if (t->detached)
            put(pg, "detached");
        else
            put(pg, "<span class=\"warn\">never joined</span>");
        put(pg, "</td></tr>\n");
    }
    put(pg, "</table>\n");
}

static void locks_table(page_t *pg, const rc_sum_process_t *p)
{
    if (!p->nlocks) {
        put(pg, "<p class=\"muted\">No locks recorded.</p>\n");
        return;
    }
    put(pg, "<div class=\"wide\"><table class=\"locks\"><caption>Locks (times in "
            "milliseconds)</caption>\n"
            "<tr><th>Lock</th><th>Kind</th><th>Address</th><th>First locked at</th>"
            "<th>Acquisitions</th><th>Contended</th><th>Contended %</th>"
            "<th title=\"acquisitions by another thread than the one before\">Owner changes</th>"
            "<th>Total wait</th><th>Max wait</th><th>Total hold</th><th>Max hold</th></tr>\n");
    size_t nrows = 0;
    rc_sum_lock_row_t *rows = rc_summary_lock_rows(p, &nrows);
    for (size_t k = 0; k < nrows; k++) {
        const rc_sum_lock_t *l = &rows[k].lock;
        put(pg, "<tr><td>");
        lock_name(pg, l);
        if (rows[k].count > 1)
            putf(pg, " <span class=\"muted\">and %zu more like it</span>", rows[k].count - 1);
        put(pg, "</td><td>");
        text(pg, l->kind && *l->kind ? l->kind : "lock");
        if (rows[k].count > 1)
            putf(pg, "</td><td class=\"muted\">%zu locks</td><td>", rows[k].count);
        else
            putf(pg, "</td><td><code>%#llx</code></td><td>", (unsigned long long)l->addr);
        site(pg, l->file, l->line);
        put(pg, "</td>");
        putf(pg, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>", (long long)l->acquisitions,
             (long long)l->contended);
        long long permille =
            l->acquisitions > 0
                ? (long long)((l->contended * 1000 + l->acquisitions / 2) / l->acquisitions)
                : 0;
        putf(pg, "<td class=\"n\">%lld.%lld</td>", permille / 10, permille % 10);
        if (l->owner_changes >= 0)
            putf(pg, "<td class=\"n\">%lld</td>", (long long)l->owner_changes);
        else
            put(pg, "<td class=\"n muted\">?</td>");
        ms_cell(pg, l->wait_ns);
        ms_cell(pg, l->max_wait_ns);
        ms_cell(pg, l->hold_ns);
        ms_cell(pg, l->max_hold_ns);
        put(pg, "</tr>\n");
    }
    free(rows);
    put(pg, "</table></div>\n");
}

static void lock_graph(page_t *pg, const rc_sum_process_t *p, const char *dot)
{
    put(pg, "<h4>Lock-order graph</h4>\n");
    if (!p->nedges) {
        put(pg, "<p class=\"muted\">No lock was acquired while another was held.</p>\n");
        return;
    }
    put(pg, "<figure class=\"lockgraph\">\n");
    html_layout_t used = html_lockgraph_svg(&pg->b, p, dot);
    putf(pg,
         "<figcaption>An arrow A &#8594; B: a thread acquired B while holding A. "
         "<span class=\"warn\">Red arrows</span> lie on a cycle of the graph (a possible "
         "deadlock; the lock.order-inversion findings say which cycles can really "
         "deadlock); dashed arrows were trylocks only. Layout: %s.</figcaption>\n",
         used == HTML_LAYOUT_DOT ? "Graphviz dot" : "built-in");
    put(pg, "</figure>\n");

    int *cyc = rc_xcalloc(p->nedges, sizeof *cyc);
    rc_summary_edges_on_cycle(p, cyc);
    put(pg, "<div class=\"wide\"><table class=\"edges\"><caption>Lock-order "
            "edges</caption>\n<tr><th>Held</th>"
            "<th>Acquired</th><th>Thread</th><th>Times</th><th>Held lock taken at</th>"
            "<th>Acquired at</th><th>Trylock</th><th>On a cycle</th></tr>\n");
    for (size_t k = 0; k < p->nedges; k++) {
        const rc_sum_edge_t *e = &p->edges[k];
        put(pg, cyc[k] ? "<tr class=\"cycle\"><td>" : "<tr><td>");
        lock_name(pg, &p->locks[e->from]);
        put(pg, "</td><td>");
        lock_name(pg, &p->locks[e->to]);
        putf(pg, "</td><td>T%d</td><td class=\"n\">%lld</td><td>", e->tid, (long long)e->count);
        site(pg, e->from_file, e->from_line);
        put(pg, "</td><td>");
        site(pg, e->to_file, e->to_line);
        putf(pg, "</td><td>%s</td><td>%s</td></tr>\n", e->trylock ? "yes" : "no",
             cyc[k] ? "<span class=\"warn\">yes</span>" : "no");
    }
    put(pg, "</table></div>\n");
    free(cyc);
}

static void runtime(page_t *pg, const rc_summary_t *sum, const char *dot)
{
    put(pg, "<section id=\"runtime\">\n<h2>Runtime</h2>\n");
    if (!sum->nruns)
        put(pg, "<p class=\"muted\">No program run under the shim is recorded in the store for"
                " this report.</p>\n");
    for (size_t i = 0; i < sum->nruns; i++) {
        const rc_sum_run_t *r = &sum->runs[i];
        putf(pg, "<section class=\"run\" id=\"run-%lld\">\n<h3>Run #%lld: <code>", (long long)r->id,
             (long long)r->id);
        text(pg, r->command);
        putf(pg, "</code></h3>\n<p>Exit status %d; %zu process%s.</p>\n", r->status, r->nprocs,
             r->nprocs == 1 ? "" : "es");
        for (size_t j = 0; j < r->nprocs; j++) {
            const rc_sum_process_t *p = &r->procs[j];
            putf(pg, "<section class=\"process\">\n<h4>Process %d (parent %d)", p->pid, p->ppid);
            if (p->exe && *p->exe) {
                put(pg, ": <code class=\"path\">");
                text(pg, p->exe);
                put(pg, "</code>");
            }
            putf(pg, "</h4>\n<p>%lld events recorded", (long long)p->records);
            if (p->exited)
                putf(pg, "; exited with status %d", p->exit_status);
            if (p->torn || p->dropped)
                putf(pg,
                     "; <span class=\"warn\">%lld cut off by truncation, %lld dropped"
                     " (the log was incomplete)</span>",
                     (long long)p->torn, (long long)p->dropped);
            put(pg, ".</p>\n");
            threads_table(pg, p);
            locks_table(pg, p);
            lock_graph(pg, p, dot);
            put(pg, "</section>\n");
        }
        put(pg, "</section>\n");
    }
    put(pg, "</section>\n");
}

/* ---- The page -------------------------------------------------------------- */

static void head(page_t *pg, const rc_store_t *st, const rc_report_opts_t *opts)
{
    put(pg, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    putf(pg, "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">\n", csp);
    put(pg, "<meta name=\"referrer\" content=\"no-referrer\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"racecheck\">\n");
    if (opts->run_id)
        putf(pg, "<title>racecheck report: run #%lld</title>\n", (long long)opts->run_id);
    else
        put(pg, "<title>racecheck report</title>\n");
    putf(pg, "<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>racecheck report</h1>\n", css);
    put(pg, "<p class=\"scope\">");
    if (!st)
        put(pg, "Findings of this analysis (not read from a store).");
    else if (opts->run_id)
        putf(pg, "Findings observed by run #%lld", (long long)opts->run_id);
    else
        put(pg, "Current findings of the store (the newest finished run of each scan and"
                " program)");
    if (st && st->path) {
        put(pg, " in <code class=\"path\">");
        text(pg, st->path);
        put(pg, "</code>.");
    } else if (st) {
        put(pg, ".");
    }
    if (st && opts->since > 0)
        putf(pg, " Each finding is marked new or present against the state after run #%lld.",
             (long long)opts->since);
    else if (st && opts->new_only)
        put(pg, " Only the findings that the newest run brought.");
    put(pg, "</p>\n<nav><a href=\"#summary\">Summary</a><a href=\"#findings\">Findings</a>");
    if (st && opts->summary)
        put(pg, "<a href=\"#runtime\">Runtime</a>");
    put(pg, "</nav>\n</header>\n<main>\n");
}

int rc_render_html(rc_store_t *st, const rc_findings_t *fs, const rc_report_opts_t *opts,
                   rc_error_t *err)
{
    rc_summary_t sum;
    int have_sum = 0;
    if (st && opts->summary) {
        int rc = rc_summary_load(st, opts->run_id, &sum, err);
        if (rc)
            return rc;
        have_sum = 1;
    }
    const char *dot = getenv("RACECHECK_DOT");
    if (!dot)
        dot = "dot";
    else if (!*dot || strcmp(dot, "none") == 0)
        dot = NULL;

    /* Shallow views (they borrow FS's strings): the findings that count, and
     * those the history marks fixed, shown apart. */
    rc_findings_t cur = {0}, fixed = {0};
    cur.v = rc_xcalloc(fs->n ? fs->n : 1, sizeof *cur.v);
    fixed.v = rc_xcalloc(fs->n ? fs->n : 1, sizeof *fixed.v);
    for (size_t i = 0; i < fs->n; i++) {
        if (is_fixed(&fs->v[i]))
            fixed.v[fixed.n++] = fs->v[i];
        else
            cur.v[cur.n++] = fs->v[i];
    }

    rc_program_models_t *progs = NULL;
    size_t nprogs = 0;
    if (st && !opts->run_id && rc_store_current_programs(st, &progs, &nprogs, err) != RC_OK) {
        free(cur.v);
        free(fixed.v);
        if (have_sum)
            rc_summary_close(&sum);
        return RC_EDB;
    }

    page_t pg = {.cat = opts->catalogue};
    rc_strbuf_init(&pg.b);
    head(&pg, st, opts);
    summary(&pg, &cur, fixed.n);
    programs(&pg, progs, nprogs);
    for (size_t i = 0; i < nprogs; i++)
        free(progs[i].main_file);
    free(progs);
    put(&pg, "<section id=\"findings\">\n<h2>Findings</h2>\n");
    if (cur.n == 0)
        put(&pg, "<p>No findings.</p>\n");
    else
        finding_index(&pg, &cur, "finding");
    for (size_t i = 0; i < cur.n; i++)
        finding(&pg, &cur.v[i], "finding", i + 1);
    put(&pg, "</section>\n");
    if (fixed.n) {
        put(&pg, "<section id=\"fixed\">\n<h2>Fixed</h2>\n<p class=\"muted\">Findings of the"
                 " earlier state that the current one no longer has. They do not count above."
                 "</p>\n");
        finding_index(&pg, &fixed, "fixed");
        for (size_t i = 0; i < fixed.n; i++)
            finding(&pg, &fixed.v[i], "fixed", i + 1);
        put(&pg, "</section>\n");
    }
    free(cur.v);
    free(fixed.v);
    if (have_sum) {
        runtime(&pg, &sum, dot);
        rc_summary_close(&sum);
    }
    put(&pg, "</main>\n<footer><p class=\"muted\">Generated by racecheck.</p></footer>\n"
             "</body>\n</html>\n");

    int rc = RC_OK;
    if (fwrite(pg.b.s, 1, pg.b.len, opts->out) != pg.b.len || fflush(opts->out) != 0)
        rc = rc_error_set(err, RC_EIO, "cannot write the HTML report");
    rc_strbuf_close(&pg.b);
    sources_free(&pg);
    return rc;
}
