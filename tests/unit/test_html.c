/*
 * test_html.c - the HTML report (report/render_html.c, html_esc.c,
 * html_graph.c): escaping of hostile strings, the summary tables, source
 * excerpts, the runtime section with its lock-order graph (both layouts),
 * determinism, self-containment, and a real headless Chromium that must
 * render the page without any network request.
 *
 * Structural validity is checked by a small HTML tokenizer below (every tag
 * well formed and balanced, every attribute quoted, every '&' an entity, no
 * stray '>' or control character, valid UTF-8): a string that escaped its
 * context would unbalance the tags or leave a raw '<', '>' or quote behind.
 *
 * The browser test needs Debian's chromium (scripts/install-deps installs
 * it); when it is missing the test fails and says so.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "html_esc.h"
#include "html_graph.h"
#include "report.h"

extern char **environ;

#define SHIM_LIB RC_TEST_BINARY_DIR "/lib/libracecheck-shim.so"
#define BANK_TRANSFER RC_TEST_BINARY_DIR "/samples/bank_transfer"
#define CHROMIUM "/usr/bin/chromium"

static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/rc-html-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(html, .init = setup, .fini = teardown);

/* ---- Helpers ----------------------------------------------------------------- */

/* Parameters reach the test worker through Criterion's shared arena (where
 * they live until the run ends), not through the test binary's address space:
 * strings in them must be copied there. */
static char *arena_dup(const char *s)
{
    if (!s)
        return NULL;
    char *d = cr_malloc(strlen(s) + 1);
    strcpy(d, s);
    return d;
}

static char *slurp(const char *path)
{
    char *data;
    size_t len;
    rc_error_t err;
    cr_assert_eq(rc_read_file(path, &data, &len, &err), RC_OK, "%s", err.msg);
    return data;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot create %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* Renders FS (no store) as HTML to a file in tmpdir and returns the page. */
static char *render_findings(const rc_findings_t *fs, const rc_catalogue_t *cat)
{
    static int serial;
    char path[128];
    snprintf(path, sizeof path, "%s/page-%d.html", tmpdir, ++serial);
    FILE *out = fopen(path, "w");
    cr_assert_not_null(out);
    rc_report_opts_t opts = {.format = RC_FORMAT_HTML, .out = out, .catalogue = cat};
    rc_report_render_findings(fs, &opts);
    cr_assert_eq(fclose(out), 0);
    return slurp(path);
}

/* Renders the store's current findings (or RUN_ID's), with the runtime
 * section when SUMMARY, to PATH; returns the page. */
static char *render_store(rc_store_t *st, int64_t run_id, int summary, const rc_catalogue_t *cat,
                          const char *path, size_t *nfindings)
{
    FILE *out = fopen(path, "w");
    cr_assert_not_null(out);
    rc_report_opts_t opts = {.format = RC_FORMAT_HTML,
                             .out = out,
                             .run_id = run_id,
                             .catalogue = cat,
                             .summary = summary};
    rc_error_t err;
    size_t n = 0;
    cr_assert_eq(rc_report_render(st, &opts, &n, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(fclose(out), 0);
    if (nfindings)
        *nfindings = n;
    return slurp(path);
}

static rc_catalogue_t *catalogue(void)
{
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load(RC_TEST_SOURCE_DIR "/rules", &cat, &err), RC_OK, "%s", err.msg);
    return cat;
}

static rc_finding_t *add_finding(rc_findings_t *fs, const char *rule, rc_severity_t sev,
                                 unsigned src, const char *file, unsigned line)
{
    rc_finding_t *f = rc_findings_push(fs);
    f->rule = rc_xstrdup(rule);
    f->severity = sev;
    f->source = src;
    f->message = rc_xasprintf("%s at line %u", rule, line);
    f->subject = rc_xstrdup("counter");
    rc_loc_set(&f->loc, file, line, 3, "worker", NULL);
    return f;
}

/* ---- An independent HTML checker -------------------------------------------- */

static size_t utf8_len(const unsigned char *s, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n = c < 0x80             ? 1
               : (c & 0xe0) == 0xc0 ? 2
               : (c & 0xf0) == 0xe0 ? 3
               : (c & 0xf8) == 0xf0 ? 4
                                    : 0;
    if (!n)
        return 0;
    uint32_t v = n == 1 ? c : c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* An entity at P ("&amp;" ...): its length, or 0 when P does not start one we write. */
static size_t entity_len(const char *p)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (strncmp(p, named[i], strlen(named[i])) == 0)
            return strlen(named[i]);
    if (p[1] == '#') {
        size_t i = 2;
        while (p[i] >= '0' && p[i] <= '9')
            i++;
        if (i > 2 && p[i] == ';')
            return i + 1;
    }
    return 0;
}

static int is_void(const char *name)
{
    static const char *const v[] = {"meta", "br", "hr", "img", "input", "link", "wbr", "col"};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (strcmp(name, v[i]) == 0)
            return 1;
    return 0;
}

/* NULL when PAGE is valid by the rules in the file comment, else why not. */
static const char *check_page(const char *page)
{
    static char why[256];
    const char *doctype = "<!DOCTYPE html>\n";
    if (strncmp(page, doctype, strlen(doctype)) != 0)
        return "no doctype";
    for (const unsigned char *u = (const unsigned char *)page; *u;) {
        uint32_t cp;
        size_t n = utf8_len(u, &cp);
        if (!n)
            return snprintf(why, sizeof why, "invalid UTF-8 at %zu",
                            (size_t)(u - (const unsigned char *)page)),
                   why;
        if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7f && cp <= 0x9f) ||
            (cp & 0xfffe) == 0xfffe || (cp >= 0xfdd0 && cp <= 0xfdef))
            return snprintf(why, sizeof why, "control or noncharacter U+%04X", cp), why;
        u += n;
    }
    char stack[256][16];
    size_t depth = 0;
    const char *p = page + strlen(doctype);
    while (*p) {
        if (*p == '>')
            return snprintf(why, sizeof why, "stray '>' near: %.40s", p > page + 20 ? p - 20 : p),
                   why;
        if (*p == '&') {
            size_t n = entity_len(p);
            if (!n)
                return snprintf(why, sizeof why, "bare '&' near: %.40s", p), why;
            p += n;
            continue;
        }
        if (*p != '<') {
            p++;
            continue;
        }
        int closing = p[1] == '/';
        const char *q = p + 1 + closing;
        char name[16];
        size_t n = 0;
        while ((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '-')
            if (n < sizeof name - 1)
                name[n++] = *q++;
            else
                return "tag name too long";
        name[n] = '\0';
        if (!n)
            return snprintf(why, sizeof why, "'<' that opens no tag near: %.40s", p), why;
        int self_closing = 0;
        while (*q != '>') {
            if (*q == ' ' || *q == '\n') {
                q++;
                continue;
            }
            if (*q == '/' && q[1] == '>') {
                self_closing = 1;
                q++;
                continue;
            }
            if (closing)
                return "attribute in an end tag";
            const char *a = q;
            while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || *q == '-' || *q == ':')
                q++;
            if (q == a)
                return snprintf(why, sizeof why, "bad attribute in <%s> near: %.40s", name, q), why;
            if (*q == '=') {
                if (q[1] != '"')
                    return "unquoted attribute";
                q += 2;
                while (*q != '"') {
                    if (!*q || *q == '<' || *q == '>')
                        return snprintf(why, sizeof why, "bad attribute value in <%s>", name), why;
                    if (*q == '&') {
                        size_t e = entity_len(q);
                        if (!e)
                            return "bare '&' in an attribute";
                        q += e;
                    } else {
                        q++;
                    }
                }
                q++;
            }
        }
        p = q + 1;
        if (closing) {
            if (!depth || strcmp(stack[depth - 1], name) != 0)
                return snprintf(why, sizeof why, "</%s> closes <%s>", name,
                                depth ? stack[depth - 1] : "nothing"),
                       why;
            depth--;
        } else if (!is_void(name) && !self_closing) {
            if (depth == sizeof stack / sizeof stack[0])
                return "nesting too deep";
            strcpy(stack[depth++], name);
            if (strcmp(name, "style") == 0) { /* raw text up to </style> */
                const char *end = strstr(p, "</style>");
                if (!end)
                    return "unterminated <style>";
                p = end;
            }
        }
    }
    if (depth)
        return snprintf(why, sizeof why, "<%s> never closed", stack[depth - 1]), why;
    return NULL;
}

static void assert_valid(const char *page)
{
    const char *why = check_page(page);
    cr_assert_null(why, "invalid page: %s", why);
}

/* Nothing on the page can make a browser fetch: no URL, no external reference. */
static void assert_offline(const char *page)
{
    cr_assert_null(strstr(page, "http://"), "a http URL on the page");
    cr_assert_null(strstr(page, "https://"), "a https URL on the page");
    cr_assert_null(strstr(page, "url("), "a CSS url() on the page");
    /* Attributes are always double-quoted; text never holds a raw '"'. */
    cr_assert_null(strstr(page, " src=\""), "a src attribute on the page");
    cr_assert_null(strcasestr(page, "<script"), "a script on the page");
    cr_assert_null(strstr(page, "<link"), "a link element on the page");
    for (const char *p = page; (p = strstr(p, "href=\"")); p++)
        cr_assert_eq(p[6], '#', "a link that leaves the page: %.40s", p);
    cr_assert_not_null(strstr(page, "<meta http-equiv=\"Content-Security-Policy\" content=\""
                                    "default-src 'none'; style-src 'unsafe-inline'; "
                                    "img-src data:"),
                       "no Content-Security-Policy meta tag");
    cr_assert_not_null(strstr(page, "<meta charset=\"utf-8\">"));
}

/* ---- The checker itself must catch broken pages ------------------------------ */

struct broken {
    const char *page;
};

static struct broken broken_pages[] = {
    {"<!DOCTYPE html>\n<p>a <b>b</p></b>"}, {"<!DOCTYPE html>\n<p>a < b</p>"},
    {"<!DOCTYPE html>\n<p>a > b</p>"},      {"<!DOCTYPE html>\n<p title=\"a\"b\">x</p>"},
    {"<!DOCTYPE html>\n<p>&unknown</p>"},   {"<!DOCTYPE html>\n<p>\xff</p>"},
    {"<!DOCTYPE html>\n<p>\x01</p>"},       {"<!DOCTYPE html>\n<p>"},
};

ParameterizedTestParameters(html, checker_rejects_broken_pages)
{
    size_t n = sizeof broken_pages / sizeof broken_pages[0];
    struct broken *v = cr_calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i].page = arena_dup(broken_pages[i].page);
    return cr_make_param_array(struct broken, v, n);
}

ParameterizedTest(struct broken *b, html, checker_rejects_broken_pages)
{
    cr_assert_not_null(check_page(b->page), "accepted: %s", b->page);
}

/* ---- Escaping ------------------------------------------------------------------ */

struct esc_case {
    const char *in;
    int mode;
    const char *out;
};

static struct esc_case esc_cases[] = {
    {"<script>alert(1)</script>", HTML_LINE, "&lt;script&gt;alert(1)&lt;/script&gt;"},
    {"a & \"b\" 'c'", HTML_LINE, "a &amp; &quot;b&quot; &#39;c&#39;"},
    {"line\nnext\ttab", HTML_LINE, "line\xe2\x90\x8anext\xe2\x90\x89tab"},
    {"line\r\nnext\ttab", HTML_PRE, "line\nnext\ttab"},
    {"bad \xff byte", HTML_LINE, "bad \xef\xbf\xbd byte"},
    {"overlong \xc0\xaf", HTML_LINE, "overlong \xef\xbf\xbd\xef\xbf\xbd"},
    {"surrogate \xed\xa0\x80", HTML_LINE, "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"cut \xe2\x82", HTML_LINE, "cut \xef\xbf\xbd\xef\xbf\xbd"},
    {"c1 \xc2\x85 nonchar \xef\xbf\xbe", HTML_LINE, "c1 \xef\xbf\xbd nonchar \xef\xbf\xbd"},
    {"del \x7f", HTML_PRE, "del \xe2\x90\xa1"},
    {"caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x92", HTML_LINE,
     "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x94\x92"},
};

ParameterizedTestParameters(html, escapes_text)
{
    size_t n = sizeof esc_cases / sizeof esc_cases[0];
    struct esc_case *v = cr_calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct esc_case){arena_dup(esc_cases[i].in), esc_cases[i].mode,
                                 arena_dup(esc_cases[i].out)};
    return cr_make_param_array(struct esc_case, v, n);
}

ParameterizedTest(struct esc_case *c, html, escapes_text)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    html_esc(&b, c->in, c->mode);
    cr_assert_str_eq(b.s ? b.s : "", c->out);
    rc_strbuf_close(&b);
}

Test(html, cleans_and_cuts_labels)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    html_clean_utf8(&b,
                    "ab<c\xff\xc3\xa9"
                    "defgh",
                    5);
    cr_assert_str_eq(b.s, "ab<c\xef\xbf\xbd\xe2\x80\xa6");
    cr_assert_eq(html_text_width("\xc3\xa9\xe2\x86\x92x\xff"), 4);
    rc_strbuf_close(&b);
}

/* A finding whose every string is hostile, located in a real file whose name
 * holds a script tag, quotes, a newline and a byte that is not UTF-8. */
static void add_hostile(rc_findings_t *fs, unsigned src, char *path, size_t size)
{
    char dir[128];
    snprintf(dir, sizeof dir, "%s/<script>alert(1)<", tmpdir);
    cr_assert_eq(mkdir(dir, 0700), 0, "%s", strerror(errno));
    snprintf(path, size, "%s/script>\"'\n\xff.c", dir);
    write_file(path, "int a;\nint b;\nint hostile_marker = 1; /* <b>&amp; */\nint c;\n");
    rc_finding_t *f = rc_findings_push(fs);
    f->rule = rc_xstrdup("race.<script>alert(3)</script>");
    f->severity = RC_SEV_ERROR;
    f->source = src;
    f->message =
        rc_xstrdup("<script>alert(1)</script> & \"q\" 'a'\nnext \xc3\x28 \xed\xa0\x80 end");
    f->subject = rc_xstrdup("x\"><script>alert(4)</script>");
    rc_loc_set(&f->loc, path, 3, 5, "f<script>", NULL);
    rc_loc_set_thread(&f->loc, "T1 (<script>)");
    rc_finding_add_related(f, path, 1, 1, "g'\"", "<img src=x onerror=alert(5)>");
    f->evidence = rc_xstrdup("</pre></details><script>alert(2)</script>\x01\x7f\xc2\x85\n"
                             "  #0 worker race.c:12");
}

Test(html, hostile_strings_stay_text)
{
    rc_findings_t fs = {0};
    char path[PATH_MAX];
    add_hostile(&fs, RC_SRC_STATIC | RC_SRC_TSAN, path, sizeof path);
    rc_catalogue_t *cat = catalogue();
    char *page = render_findings(&fs, cat);
    assert_valid(page);
    assert_offline(page);
    cr_assert_null(strcasestr(page, "<script"));
    cr_assert_null(strcasestr(page, "<img"));
    cr_assert_not_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; "
                                    "&#39;a&#39;\xe2\x90\x8anext \xef\xbf\xbd( \xef\xbf\xbd"));
    /* The file name: tag, quotes, newline picture, U+FFFD for the 0xff byte; it may
     * wrap after a '/'. */
    cr_assert_not_null(strstr(page, "&lt;script&gt;alert(1)&lt;/<wbr>script&gt;&quot;&#39;"
                                    "\xe2\x90\x8a\xef\xbf\xbd.c:3:5"));
    /* The excerpt was read through the hostile name, and its text is escaped too. */
    cr_assert_not_null(strstr(page, " in <code>f&lt;script&gt;</code>, thread <span "
                                    "class=\"thread\">T1 (&lt;script&gt;)</span>"));
    cr_assert_not_null(strstr(page, "int hostile_marker = 1; /* &lt;b&gt;&amp;amp; */"));
    cr_assert_not_null(strstr(page, "&lt;/pre&gt;&lt;/details&gt;&lt;script&gt;alert(2)"));
    cr_assert_not_null(strstr(page, "\xe2\x90\x81\xe2\x90\xa1\xef\xbf\xbd\n  #0 worker"));
    cr_assert_not_null(strstr(page, "<p class=\"count\" id=\"finding-count\">1 finding</p>"));
    free(page);
    rc_catalogue_free(cat);
    rc_findings_close(&fs);
}

/* ---- Summary ------------------------------------------------------------------ */

/* S with the five characters HTML escapes replaced, as the page shows it. */
static char *escaped(const char *s)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    html_esc(&b, s, HTML_LINE);
    return rc_strbuf_take(&b);
}

Test(html, summary_counts_by_rule_model_confidence_and_source)
{
    rc_findings_t fs = {0};
    add_finding(&fs, "race.unprotected-rmw", RC_SEV_WARNING, RC_SRC_STATIC, "/nonexistent/a.c", 3);
    add_finding(&fs, "race.unprotected-rmw", RC_SEV_WARNING, RC_SRC_STATIC | RC_SRC_TSAN,
                "/nonexistent/a.c", 9);
    add_finding(&fs, "lock.order-inversion", RC_SEV_ERROR, RC_SRC_SHIM, "/nonexistent/b.c", 4);
    add_finding(&fs, "signal.unsafe-call", RC_SEV_WARNING, RC_SRC_STATIC, "/nonexistent/c.c", 7);
    add_finding(&fs, "vendor.unknown-rule", RC_SEV_NOTE, RC_SRC_STATIC, "/nonexistent/c.c", 8);
    rc_loc_set_thread(&fs.v[0].loc, "thread T1 (worker)");
    rc_loc_set_thread(&fs.v[1].loc, "worker");
    rc_catalogue_t *cat = catalogue();
    char *page = render_findings(&fs, cat);
    cr_assert_not_null(strstr(page, " in <code>worker</code>, <span class=\"thread\">thread T1 "
                                    "(worker)</span>"));
    cr_assert_not_null(
        strstr(page, " in <code>worker</code>, thread <span class=\"thread\">worker</span>"));
    assert_valid(page);
    assert_offline(page);
    cr_assert_not_null(strstr(page, "id=\"finding-count\">5 findings</p>"));
    cr_assert_not_null(strstr(page, "2 confirmed at run time, 3 found by static analysis only"));
    cr_assert_not_null(strstr(page, "<tr><td>confirmed at run time</td><td class=\"n\">2</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>static only</td><td class=\"n\">3</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>threads</td><td class=\"n\">4</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>signals</td><td class=\"n\">1</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>processes</td><td class=\"n\">0</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>static analysis</td><td class=\"n\">4</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>pthread shim (run time)</td><td class=\"n\">1</td>"));
    cr_assert_not_null(
        strstr(page, "<tr><td>ThreadSanitizer (run time)</td><td class=\"n\">1</td>"));
    cr_assert_not_null(strstr(page, "<span class=\"sev sev-error\">error</span></td>"
                                    "<td class=\"n\">1</td>"));
    /* By rule: most frequent first, the catalogue's description beside it. */
    const char *rmw = strstr(page, "<tr><td><code>race.unprotected-rmw</code></td><td>");
    const char *lock = strstr(page, "<tr><td><code>lock.order-inversion</code></td><td>");
    cr_assert(rmw && lock && rmw < lock, "by-rule rows missing or out of order");
    char *desc = escaped(rc_catalogue_find(cat, "race.unprotected-rmw")->short_desc);
    char *help = escaped(rc_catalogue_find(cat, "signal.unsafe-call")->help);
    cr_assert_not_null(strstr(rmw, desc));
    cr_assert_not_null(strstr(page, help), "the catalogue's help is missing");
    cr_assert_not_null(strstr(page, "<code>vendor.unknown-rule</code></td><td><span "
                                    "class=\"muted\">not in the rule catalogue</span></td>"
                                    "<td>threads</td>"));
    cr_assert_eq(count_of(page, "<article class=\"finding "), 5);
    cr_assert_eq(count_of(page, "<dd class=\"confirmed\">confirmed at run time</dd>"), 2);
    free(desc);
    free(help);
    free(page);
    rc_catalogue_free(cat);
    rc_findings_close(&fs);
}

/* The programs the static runs linked, with the models each uses, even for a
 * correct program (no finding); a newer scan of the same command replaces the
 * older view, and a hostile file name stays text. */
Test(html, programs_table_lists_each_programs_models)
{
    char *db = rc_xasprintf("%s/p.db", tmpdir), *path = rc_xasprintf("%s/p.html", tmpdir);
    rc_store_t *st;
    rc_error_t err;
    cr_assert_eq(rc_store_open(db, &st, &err), RC_OK, "%s", err.msg);
    int64_t r1, r2;
    rc_program_models_t old[] = {{"/src/pool.c", RC_MODEL_THREADS}};
    rc_program_models_t cur[] = {{"/src/pool.c", RC_MODEL_THREADS | RC_MODEL_SIGNALS},
                                 {"/src/<b>fork</b>.c", RC_MODEL_PROCESSES},
                                 {NULL, 0}};
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_STATIC, "scan", "/src", &r1, &err), RC_OK);
    cr_assert_eq(rc_store_save_programs(st, r1, old, 1, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_run_end(st, r1, 0, &err), RC_OK);
    cr_assert_eq(rc_store_run_begin(st, RC_RUN_STATIC, "scan", "/src", &r2, &err), RC_OK);
    cr_assert_eq(rc_store_save_programs(st, r2, cur, 3, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_run_end(st, r2, 0, &err), RC_OK);
    char *page = render_store(st, 0, 0, NULL, path, NULL);
    assert_valid(page);
    assert_offline(page);
    cr_assert_not_null(strstr(page, "<table id=\"program-models\">"));
    cr_assert_not_null(strstr(page, "<tr><td><code class=\"path\">/src/pool.c</code></td>"
                                    "<td class=\"model threads\">yes</td>"
                                    "<td class=\"model processes\"></td>"
                                    "<td class=\"model cooperative\"></td>"
                                    "<td class=\"model signals\">yes</td></tr>"),
                       "%s", strstr(page, "program-models"));
    cr_assert_not_null(strstr(page, "/src/&lt;b&gt;fork&lt;/b&gt;.c</code></td>"
                                    "<td class=\"model threads\"></td>"
                                    "<td class=\"model processes\">yes</td>"));
    cr_assert_not_null(strstr(page, "<span class=\"muted\">code without main</span>"));
    cr_assert_eq(count_of(page, "<td class=\"model threads\">yes</td>"), 1);
    free(page);
    rc_store_close(st);
    free(db);
    free(path);
}

Test(html, without_catalogue_or_findings)
{
    rc_findings_t fs = {0};
    char *page = render_findings(&fs, NULL);
    assert_valid(page);
    assert_offline(page);
    cr_assert_not_null(strstr(page, "id=\"finding-count\">0 findings</p>"));
    cr_assert_not_null(strstr(page, "<p>No findings.</p>"));
    cr_assert_null(strstr(page, "id=\"runtime\""), "a runtime section without a store");
    free(page);
    add_finding(&fs, "signal.unsafe-call", RC_SEV_WARNING, RC_SRC_STATIC, "/nonexistent/c.c", 7);
    page = render_findings(&fs, NULL);
    assert_valid(page);
    /* Unknown to a missing catalogue: model "threads". */
    cr_assert_not_null(strstr(page, "<tr><td>threads</td><td class=\"n\">1</td>"));
    free(page);
    rc_findings_close(&fs);
}

Test(html, history_marks_and_fixed_findings_apart)
{
    rc_findings_t fs = {0};
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, "/nonexistent/a.c", 3)
        ->status = "new";
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_TSAN, "/nonexistent/a.c", 5)->status =
        "present";
    add_finding(&fs, "thread.leak", RC_SEV_WARNING, RC_SRC_SHIM, "/nonexistent/b.c", 9)->status =
        "fixed";
    char *page = render_findings(&fs, NULL);
    assert_valid(page);
    /* The fixed finding is shown, but counts nowhere. */
    cr_assert_not_null(strstr(page, "id=\"finding-count\">2 findings</p>"));
    cr_assert_not_null(strstr(page, "<a href=\"#fixed\">1 fixed</a>"));
    cr_assert_not_null(strstr(page, "<tr><td>pthread shim (run time)</td><td class=\"n\">0</td>"));
    cr_assert_not_null(strstr(page, "<tr><td>static analysis</td><td class=\"n\">1</td>"));
    cr_assert_null(strstr(page, "<code>thread.leak</code></td><td><span"), "fixed in by-rule");
    const char *fixed = strstr(page, "<section id=\"fixed\">");
    cr_assert_not_null(fixed);
    cr_assert_not_null(strstr(fixed, "<article class=\"finding warning fixed\" id=\"fixed-1\">"));
    cr_assert_eq(count_of(page, "<article class=\"finding "), 3);
    cr_assert_eq(count_of(fixed, "<article class=\"finding "), 1);
    cr_assert_eq(count_of(page, "<span class=\"status status-new\">new</span>"), 2);
    cr_assert_eq(count_of(page, "<span class=\"status status-present\">present</span>"), 2);
    cr_assert_eq(count_of(page, "<span class=\"status status-fixed\">fixed</span>"), 2);
    free(page);
    rc_findings_close(&fs);
}

/* ---- Source excerpts ------------------------------------------------------------ */

struct excerpt_case {
    unsigned line;
    unsigned first, last; /* lines shown; 0, 0: none */
    const char *note;     /* expected note when none is shown */
};

static struct excerpt_case excerpt_cases[] = {
    {5, 2, 8, NULL},
    {1, 1, 4, NULL},
    {10, 7, 10, NULL},
    {4, 1, 7, NULL},
    {11, 0, 0, "line 11 is past the end of the file (10 lines)"},
    {0, 0, 0, NULL},
};

ParameterizedTestParameters(html, excerpt_around_the_line)
{
    size_t n = sizeof excerpt_cases / sizeof excerpt_cases[0];
    struct excerpt_case *v = cr_calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = excerpt_cases[i];
        v[i].note = arena_dup(excerpt_cases[i].note);
    }
    return cr_make_param_array(struct excerpt_case, v, n);
}

ParameterizedTest(struct excerpt_case *c, html, excerpt_around_the_line)
{
    char path[128];
    snprintf(path, sizeof path, "%s/ten.c", tmpdir);
    /* CRLF line ends and a missing final newline must not matter. */
    write_file(path, "L1;\r\nL2;\r\nL3;\nL4;\nL5;\nL6;\nL7;\nL8;\nL9;\nL10 <last>;");
    rc_findings_t fs = {0};
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, path, c->line);
    char *page = render_findings(&fs, NULL);
    assert_valid(page);
    for (unsigned ln = 1; ln <= 10; ln++) {
        char want[96];
        snprintf(want, sizeof want, "<span class=\"ln\">%u</span>L%u", ln, ln);
        int shown = ln >= c->first && ln <= c->last && c->first;
        cr_assert_eq(strstr(page, want) != NULL, shown, "line %u %s", ln,
                     shown ? "missing" : "shown");
    }
    if (c->first) {
        char hl[96];
        snprintf(hl, sizeof hl, "<span class=\"l hl\"><span class=\"ln\">%u</span>L%u;</span>",
                 c->line, c->line);
        if (c->line == 10)
            snprintf(hl, sizeof hl, "<span class=\"ln\">10</span>L10 &lt;last&gt;;</span>");
        cr_assert_not_null(strstr(page, hl), "no highlighted line %u", c->line);
        cr_assert_eq(count_of(page, "class=\"l hl\""), 1);
        cr_assert_null(strchr(page, '\r'));
    } else {
        cr_assert_null(strstr(page, "<pre class=\"excerpt\">"));
    }
    if (c->note)
        cr_assert_not_null(strstr(page, c->note));
    free(page);
    rc_findings_close(&fs);
}

Test(html, unreadable_sources_are_skipped, .timeout = 10)
{
    rc_findings_t fs = {0};
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, "/nonexistent/x.c", 3);
    /* A device that never ends and a FIFO that never opens must not hang the report. */
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, "/dev/zero", 3);
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/fifo", tmpdir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, fifo, 3);
    add_finding(&fs, "race.data-race", RC_SEV_WARNING, RC_SRC_STATIC, tmpdir, 3);
    char *page = render_findings(&fs, NULL);
    assert_valid(page);
    cr_assert_eq(count_of(page, "Source not shown: the file cannot be found"), 1);
    cr_assert_eq(count_of(page, "Source not shown: not a regular file"), 3);
    cr_assert_eq(count_of(page, "<article class=\"finding "), 4);
    free(page);
    rc_findings_close(&fs);
}

/* ---- Store, determinism ------------------------------------------------------------ */

static rc_store_t *open_store(void)
{
    char db[128];
    snprintf(db, sizeof db, "%s/store/racecheck.db", tmpdir);
    rc_store_t *st = NULL;
    rc_error_t err;
    cr_assert_eq(rc_store_open(db, &st, &err), RC_OK, "%s", err.msg);
    return st;
}

static int64_t store_run(rc_store_t *st, rc_run_kind_t kind, const char *cmd,
                         const rc_findings_t *fs)
{
    rc_error_t err;
    int64_t id = 0;
    cr_assert_eq(rc_store_run_begin(st, kind, cmd, tmpdir, &id, &err), RC_OK, "%s", err.msg);
    if (fs)
        cr_assert_eq(rc_store_add_findings(st, id, fs, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(rc_store_run_end(st, id, 0, &err), RC_OK, "%s", err.msg);
    return id;
}

Test(html, store_without_runtime_is_deterministic)
{
    char src[128];
    snprintf(src, sizeof src, "%s/counter.c", tmpdir);
    write_file(src, "int hits;\nvoid *worker(void *a)\n{\n    hits++;\n    return a;\n}\n");
    rc_findings_t fs = {0};
    rc_finding_t *f =
        add_finding(&fs, "race.unprotected-rmw", RC_SEV_WARNING, RC_SRC_STATIC, src, 4);
    rc_finding_add_related(f, src, 4, 5, "worker", "the same access in another thread");
    rc_store_t *st = open_store();
    int64_t run = store_run(st, RC_RUN_STATIC, "scan counter.c", &fs);
    rc_catalogue_t *cat = catalogue();
    char p1[128], p2[128];
    snprintf(p1, sizeof p1, "%s/one.html", tmpdir);
    snprintf(p2, sizeof p2, "%s/two.html", tmpdir);
    size_t n = 0;
    char *a = render_store(st, 0, 1, cat, p1, &n);
    char *b = render_store(st, 0, 1, cat, p2, NULL);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(a, b, "two renderings of the same store differ");
    assert_valid(a);
    assert_offline(a);
    cr_assert_not_null(strstr(a, "id=\"finding-count\">1 finding</p>"));
    cr_assert_not_null(strstr(a, "<dt>Fingerprint</dt><dd><code>"),
                       "no fingerprint from the store");
    cr_assert_not_null(strstr(a, "No program run under the shim is recorded"));
    cr_assert_not_null(strstr(a, "<span class=\"l hl\"><span class=\"ln\">4</span>    hits++;"));
    cr_assert_not_null(strstr(a, "the same access in another thread"));
    free(b);
    /* One run's findings: the title names it. */
    b = render_store(st, run, 1, cat, p2, &n);
    cr_assert_eq(n, 1);
    char want[64];
    snprintf(want, sizeof want, "<title>racecheck report: run #%lld</title>", (long long)run);
    cr_assert_not_null(strstr(b, want));
    free(a);
    free(b);
    rc_catalogue_free(cat);
    rc_store_close(st);
    rc_findings_close(&fs);
}

/* ---- Runtime section ------------------------------------------------------------ */

/* Runs the bank_transfer sample under the shim and ingests its logs into ST
 * as a finished shim run. */
static void record_bank_transfer(rc_store_t *st)
{
    cr_assert_eq(access(BANK_TRANSFER, X_OK), 0, "sample %s is missing", BANK_TRANSFER);
    cr_assert_eq(access(SHIM_LIB, R_OK), 0, "shim %s is missing", SHIM_LIB);
    char logdir[128];
    snprintf(logdir, sizeof logdir, "%s/logs", tmpdir);
    cr_assert_eq(mkdir(logdir, 0700), 0);
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 3, sizeof *env);
    char dirvar[192];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
            strncmp(environ[i], "RACECHECK_", 10) != 0)
            env[k++] = environ[i];
    snprintf(dirvar, sizeof dirvar, "RACECHECK_LOG_DIR=%s", logdir);
    env[k++] = "LD_PRELOAD=" SHIM_LIB;
    env[k++] = dirvar;
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDOUT_FILENO);
        char *argv[] = {BANK_TRANSFER, NULL};
        execve(BANK_TRANSFER, argv, env);
        _exit(127);
    }
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    free(env);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bank_transfer failed: %#x", status);

    rc_error_t err;
    int64_t run = 0;
    cr_assert_eq(
        rc_store_run_begin(st, RC_RUN_SHIM, "run samples/bank_transfer", tmpdir, &run, &err), RC_OK,
        "%s", err.msg);
    DIR *d = opendir(logdir);
    cr_assert_not_null(d);
    struct dirent *de;
    size_t logs = 0;
    rc_ingest_stats_t stats = {0};
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "rc-", 3) != 0 || len < 7 || strcmp(de->d_name + len - 4, ".log"))
            continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", logdir, de->d_name);
        cr_assert_eq(rc_store_ingest_shim_log(st, run, path, &stats, &err), RC_OK, "%s", err.msg);
        logs++;
    }
    closedir(d);
    cr_assert_eq(logs, 1, "expected one shim log, found %zu", logs);
    cr_assert_eq(rc_store_run_end(st, run, 0, &err), RC_OK, "%s", err.msg);
}

struct layout_case {
    const char *dot; /* RACECHECK_DOT */
    const char *caption;
};

static struct layout_case layouts[] = {
    {"none", "Layout: built-in."},
    {"dot", "Layout: Graphviz dot."},
    {"/nonexistent/dot", "Layout: built-in."}, /* cannot run: falls back */
    {"/bin/true", "Layout: built-in."},        /* prints nothing: falls back */
};

/* The dot case needs Graphviz, which racecheck does not require. */
static int have_dot(void)
{
    return system("command -v dot >/dev/null 2>&1") == 0;
}

static struct criterion_test_params layout_params(size_t n)
{
    struct layout_case *v = cr_calloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct layout_case){arena_dup(layouts[i].dot), arena_dup(layouts[i].caption)};
    return cr_make_param_array(struct layout_case, v, n);
}

ParameterizedTestParameters(html, runtime_section)
{
    return layout_params(sizeof layouts / sizeof layouts[0]);
}

ParameterizedTest(struct layout_case *c, html, runtime_section, .timeout = 30)
{
    if (strcmp(c->dot, "dot") == 0 && !have_dot())
        cr_skip_test("Graphviz is not installed; the dot layout is optional");
    setenv("RACECHECK_DOT", c->dot, 1);
    rc_store_t *st = open_store();
    record_bank_transfer(st);
    char out[128];
    snprintf(out, sizeof out, "%s/runtime.html", tmpdir);
    size_t n = 0;
    rc_catalogue_t *cat = catalogue();
    char *page = render_store(st, 0, 1, cat, out, &n);
    assert_valid(page);
    assert_offline(page);
    cr_assert_not_null(strstr(page, "<section id=\"runtime\">"));
    cr_assert_not_null(strstr(page, "run samples/bank_transfer</code></h3>"));
    /* Threads with their start routines, both joined. */
    cr_assert_not_null(strstr(page, "<code>teller_save_to_check</code>"));
    cr_assert_not_null(strstr(page, "<code>teller_check_to_save</code>"));
    cr_assert_geq(count_of(page, "</td><td>joined</td></tr>"), 2);
    cr_assert_null(strstr(page, "never joined"));
    /* The two account locks, each taken 200 times (100 transfers per teller). */
    cr_assert_geq(count_of(page, "<td class=\"n\">200</td>"), 2);
    /* The inverted order: one arrow each way, both on the cycle, in the picture. */
    cr_assert_eq(count_of(page, "<svg class=\"lockgraph\""), 1);
    cr_assert_eq(count_of(page, "<g class=\"edge cycle\">"), 2);
    cr_assert_eq(count_of(page, "<g class=\"node\">"), 2);
    cr_assert_eq(count_of(page, "<tr class=\"cycle\">"), 2);
    cr_assert_not_null(strstr(page, c->caption), "expected %s", c->caption);
    /* The ingestion's deadlock finding is on the page too. */
    cr_assert_not_null(strstr(page, "<code class=\"rule\">lock.order-inversion</code>"));
    cr_assert_not_null(strstr(page, "<dd class=\"confirmed\">confirmed at run time</dd>"));
    char count[64];
    snprintf(count, sizeof count, "id=\"finding-count\">%zu finding%s</p>", n, n == 1 ? "" : "s");
    cr_assert_not_null(strstr(page, count));
    /* The same store gives the same bytes, graph layout included. */
    char *again = render_store(st, 0, 1, cat, out, NULL);
    cr_assert_str_eq(page, again, "two renderings of the same store differ");
    free(again);
    free(page);
    /* --no-summary: the findings only. */
    page = render_store(st, 0, 0, cat, out, NULL);
    assert_valid(page);
    cr_assert_null(strstr(page, "id=\"runtime\""));
    cr_assert_null(strstr(page, "<svg"));
    cr_assert_not_null(strstr(page, count));
    free(page);
    rc_catalogue_free(cat);
    rc_store_close(st);
}

/* ---- The graph on its own ------------------------------------------------------ */

static rc_sum_lock_t mk_lock(const char *name, uint64_t addr)
{
    rc_sum_lock_t l = {0};
    l.kind = "mutex";
    l.name = (char *)name;
    l.addr = addr;
    l.acquisitions = 10;
    return l;
}

static rc_sum_edge_t mk_edge(size_t from, size_t to, int tid)
{
    rc_sum_edge_t e = {0};
    e.from = from, e.to = to, e.tid = tid, e.count = 1;
    return e;
}

ParameterizedTestParameters(html, lock_graph_marks_cycles)
{
    return layout_params(2); /* built-in and dot */
}

ParameterizedTest(struct layout_case *c, html, lock_graph_marks_cycles, .timeout = 20)
{
    int dot = strcmp(c->dot, "dot") == 0;
    if (dot && !have_dot())
        cr_skip_test("Graphviz is not installed; the dot layout is optional");
    rc_sum_lock_t locks[] = {mk_lock("a", 0x10), mk_lock("b<i>\"\n", 0x20), mk_lock(NULL, 0x30),
                             mk_lock("unused", 0x40), mk_lock("e", 0x50)};
    /* a <-> b is a cycle (two threads); b -> c is not; c -> c is a self loop;
     * a -> b again from T4 merges into one arrow; e -> a hangs off the cycle. */
    rc_sum_edge_t edges[] = {mk_edge(0, 1, 1), mk_edge(1, 0, 2), mk_edge(1, 2, 1),
                             mk_edge(2, 2, 3), mk_edge(0, 1, 4), mk_edge(4, 0, 1)};
    rc_sum_process_t p = {0};
    p.locks = locks, p.nlocks = 5, p.edges = edges, p.nedges = 6;
    int cyc[6];
    rc_summary_edges_on_cycle(&p, cyc);
    int want[6] = {1, 1, 0, 1, 1, 0};
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(cyc[i], want[i], "edge %zu: on_cycle %d", i, cyc[i]);
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    html_layout_t used = html_lockgraph_svg(&b, &p, dot ? "dot" : NULL);
    cr_assert_eq(used, dot ? HTML_LAYOUT_DOT : HTML_LAYOUT_BUILTIN);
    char *page = rc_xasprintf("<!DOCTYPE html>\n%s", b.s);
    assert_valid(page);
    cr_assert_eq(count_of(b.s, "<g class=\"node\">"), 4, "the unused lock is drawn");
    cr_assert_null(strstr(b.s, "unused"));
    cr_assert_eq(count_of(b.s, "<g class=\"edge cycle\">"), 3);
    cr_assert_eq(count_of(b.s, "<g class=\"edge\">"), 2);
    cr_assert_not_null(strstr(b.s, "threads T1, T4, 2 times"), "merged arrow title");
    cr_assert_not_null(strstr(b.s, "b&lt;i&gt;&quot;\xe2\x90\x8a</text>"));
    cr_assert_not_null(strstr(b.s, ">mutex 0x30</text>"));
    cr_assert_null(strstr(b.s, "url("));
    cr_assert_null(strstr(b.s, "href"));
    cr_assert_null(strstr(b.s, " id="));
    /* Every coordinate is inside the declared picture. */
    double w, h;
    cr_assert_eq(sscanf(strstr(b.s, "viewBox=\""), "viewBox=\"0 0 %lf %lf\"", &w, &h), 2);
    for (const char *q = strstr(b.s, "<rect x=\""); q; q = strstr(q + 1, "<rect x=\"")) {
        double x, y, rw, rh;
        cr_assert_eq(
            sscanf(q, "<rect x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"", &x, &y, &rw, &rh),
            4);
        cr_assert(x >= 0 && y >= 0 && x + rw <= w + 0.1 && y + rh <= h + 0.1,
                  "box %g,%g %gx%g outside %gx%g", x, y, rw, rh, w, h);
    }
    free(page);
    rc_strbuf_close(&b);
    /* No edge: no picture. */
    p.nedges = 0;
    rc_strbuf_init(&b);
    cr_assert_eq(html_lockgraph_svg(&b, &p, NULL), HTML_LAYOUT_NONE);
    cr_assert_eq(b.len, 0);
}

/* ---- A real browser --------------------------------------------------------------- */

/*
 * Runs Chromium headless on FILE with a fresh profile (tmpdir/chromium-TAG),
 * writes the DOM it dumps to DOM and its network log to NETLOG. Chromium and its helper
 * processes run in their own process group, killed when the time is up.
 */
static void run_chromium(const char *file, const char *dom, const char *netlog, const char *tag)
{
    char profile[192], url[PATH_MAX + 8], netarg[PATH_MAX], profarg[PATH_MAX], home[PATH_MAX];
    snprintf(profile, sizeof profile, "%s/chromium-%s", tmpdir, tag);
    cr_assert_eq(mkdir(profile, 0700), 0);
    snprintf(url, sizeof url, "file://%s", file);
    snprintf(netarg, sizeof netarg, "--log-net-log=%s", netlog);
    snprintf(profarg, sizeof profarg, "--user-data-dir=%s", profile);
    snprintf(home, sizeof home, "HOME=%s", profile);
    /* With the host resolver rule, whatever the browser tries to fetch gets no
     * answer, so the test never touches the network; the attempts are still
     * logged, which is what page_requests reads. */
    char *argv[] = {CHROMIUM,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--host-resolver-rules=MAP * ~NOTFOUND",
                    profarg,
                    netarg,
                    "--dump-dom",
                    url,
                    NULL};
    char *envp[] = {home, "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL};
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        int out = open(dom, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int devnull = open("/dev/null", O_RDWR);
        dup2(out, STDOUT_FILENO);
        dup2(devnull, STDERR_FILENO);
        dup2(devnull, STDIN_FILENO);
        execve(CHROMIUM, argv, envp);
        _exit(127);
    }
    setpgid(pid, pid);
    int status = 0;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        cr_assert_geq(r, 0);
        if (r == pid)
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec > 20) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            cr_assert_fail("chromium did not finish within 20 s");
        }
        usleep(20000);
    }
    kill(-pid, SIGKILL); /* helpers left behind, if any */
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "chromium failed: status %#x", status);
}

/*
 * Network requests the page itself made, from the net log: Chromium writes
 * one event per line, and the event that starts a URL request carries its
 * "url" and "initiator". The browser's own background traffic (update checks,
 * account probes, which --disable-background-networking does not silence
 * entirely) is initiated by "not an origin"; whatever a document loads
 * carries the document's origin ("null" for a file:// page). So a line with
 * another initiator and a network URL (http, https, ws, wss, ftp) is a
 * request the page caused. Returns how many there are and copies the first
 * such line to FIRST.
 */
static size_t page_requests(const char *netlog, char *first, size_t size)
{
    static const char *const schemes[] = {"http:", "https:", "ws:", "wss:", "ftp:"};
    char *log = slurp(netlog);
    cr_assert_not_null(strstr(log, "\"constants\""), "not a Chromium net log");
    size_t n = 0;
    first[0] = '\0';
    for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
        const char *ini = strstr(line, "\"initiator\":\"");
        const char *url = strstr(line, "\"url\":\"");
        if (!ini || !url || strncmp(ini + 13, "not an origin\"", 14) == 0)
            continue;
        int network = 0;
        for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
            network |= strncmp(url + 7, schemes[i], strlen(schemes[i])) == 0;
        if (network && n++ == 0)
            snprintf(first, size, "%s", line);
    }
    free(log);
    return n;
}

Test(html, renders_in_chromium_without_network, .timeout = 60)
{
    cr_assert_eq(access(CHROMIUM, X_OK), 0,
                 CHROMIUM " is not installed: run scripts/install-deps (it installs chromium)");
    /* A page with everything: hostile strings, excerpts, the runtime graph. */
    setenv("RACECHECK_DOT", "none", 1);
    rc_store_t *st = open_store();
    record_bank_transfer(st);
    rc_findings_t fs = {0};
    char path[PATH_MAX];
    add_hostile(&fs, RC_SRC_STATIC, path, sizeof path); /* one source per run */
    store_run(st, RC_RUN_STATIC, "scan hostile.c", &fs);
    rc_findings_close(&fs);
    char page_path[128];
    snprintf(page_path, sizeof page_path, "%s/report.html", tmpdir);
    size_t n = 0;
    rc_catalogue_t *cat = catalogue();
    free(render_store(st, 0, 1, cat, page_path, &n));
    rc_catalogue_free(cat);
    rc_store_close(st);
    cr_assert_geq(n, 2);

    char dom[128], netlog[128], first[1024];
    snprintf(dom, sizeof dom, "%s/report.dom", tmpdir);
    snprintf(netlog, sizeof netlog, "%s/report.netlog", tmpdir);
    run_chromium(page_path, dom, netlog, "report");
    char *d = slurp(dom);
    char count[64];
    snprintf(count, sizeof count, "id=\"finding-count\">%zu findings</p>", n);
    cr_assert_not_null(strstr(d, count), "the rendered DOM lacks \"%s\"", count);
    /* The browser built one article per finding: no string broke the structure. */
    cr_assert_eq(count_of(d, "<article class=\"finding "), n);
    cr_assert_eq(count_of(d, "<svg class=\"lockgraph\""), 1);
    cr_assert_null(strcasestr(d, "<script"), "a script element in the rendered DOM");
    cr_assert_null(strcasestr(d, "<img"), "an img element in the rendered DOM");
    cr_assert_not_null(strstr(d, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    free(d);
    size_t requests = page_requests(netlog, first, sizeof first);
    cr_assert_eq(requests, 0, "the report made %zu request(s), first: %s", requests, first);

    /* The control: the same method sees a page that does fetch (no CSP here). */
    char control[128];
    snprintf(control, sizeof control, "%s/control.html", tmpdir);
    write_file(control, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>c</title>"
                        "</head><body><p>control</p><img src=\"http://probe.invalid/x.png\">"
                        "</body></html>\n");
    snprintf(dom, sizeof dom, "%s/control.dom", tmpdir);
    snprintf(netlog, sizeof netlog, "%s/control.netlog", tmpdir);
    run_chromium(control, dom, netlog, "control");
    requests = page_requests(netlog, first, sizeof first);
    cr_assert_geq(requests, 1, "the net log check did not see the control page's request");
    cr_assert_not_null(strstr(first, "probe.invalid"), "unexpected first request: %s", first);
}
