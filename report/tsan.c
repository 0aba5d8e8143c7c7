/*
 * tsan.c - ThreadSanitizer log parser and conversion to racecheck findings.
 *
 * The parser is a line-at-a-time state machine with two states, outside a
 * report and inside one. A report opens at "WARNING: ThreadSanitizer:" (or
 * "ERROR: ThreadSanitizer:", a crash report) and closes at its SUMMARY line,
 * or, when TSan prints none (print_summary=0), at the "=====" separator after
 * it - unless a new report starts on the very next line, which means that
 * separator opened the next report and the current one was cut short.
 * Inside a report, every line TSan writes is indented except the WARNING and
 * SUMMARY lines, so a non-blank line at column 0 is program output that was
 * interleaved with the report (TSan writes to stderr unbuffered); it is
 * counted and left out of `raw`. A section line (indented, see tsan.h) opens
 * a stack when it ends in ':', and the `#N` lines that follow are its frames;
 * a blank line or an untitled line closes it.
 *
 * Robustness: the input may be truncated, contain NUL bytes or be something
 * else altogether. Lines are copied into a NUL-terminated buffer (NUL bytes
 * become '?', ANSI colour sequences from TSAN_OPTIONS=color=always are
 * dropped, so they reach neither the parser nor `raw`), numbers are read with
 * bounds, and nothing indexes past a line.
 * A report that does not reach SUMMARY is dropped and counted as malformed.
 *
 * Conversion: one finding per report. The rule comes from the kind table
 * below; the primary location is the first frame in the program's own code
 * (see rc_tsan_first_user_frame) of the stack that describes where the
 * problem happened; other stacks become related locations with notes.
 *
 *   | kind (prefix)                           | rule                   | severity |
 *   |-----------------------------------------|------------------------|----------|
 *   | data race                               | race.data-race         | warning  |
 *   | heap-use-after-free                     | memory.use-after-free  | error    |
 *   | lock-order-inversion                    | lock.order-inversion   | warning  |
 *   | thread leak                             | thread.leak            | warning  |
 *   | double lock of a mutex                  | lock.double-lock       | error    |
 *   | read lock of a write locked mutex       | lock.double-lock       | error    |
 *   | unlock of an unlocked mutex             | lock.unlock-not-held   | error    |
 *   | read unlock of a write locked mutex     | lock.unlock-not-held   | error    |
 *   | destroy of a locked mutex               | lock.destroy-locked    | error    |
 *   | use of an invalid mutex                 | lock.invalid-use       | error    |
 *   | signal-unsafe call inside of a signal   | signal.unsafe-call     | warning  |
 *   | signal handler spoils errno             | signal.errno-spoiled   | warning  |
 *   | anything else                           | tsan.report            | warning  |
 */
#include "tsan.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- Small string helpers -------------------------------------------------- */

static char *dupn(const char *s, size_t n)
{
    char *d = rc_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Trims trailing blanks of s in place. */
static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* Reads a decimal number at *s and advances *s; 0 digits -> returns 0 and *ok = 0.
 * Saturates at ULLONG_MAX instead of wrapping. */
static unsigned long long read_dec(const char **s, int *ok)
{
    unsigned long long v = 0;
    const char *p = *s;
    while (isdigit((unsigned char)*p)) {
        unsigned d = (unsigned)(*p - '0');
        v = v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : v * 10 + d;
        p++;
    }
    *ok = p != *s;
    *s = p;
    return v;
}

/* Reads "0x<hex>" (the prefix is optional) at *s and advances *s. */
static unsigned long long read_hex(const char **s, int *ok)
{
    const char *p = *s;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    const char *start = p;
    unsigned long long v = 0;
    while (isxdigit((unsigned char)*p)) {
        unsigned d = isdigit((unsigned char)*p) ? (unsigned)(*p - '0')
                                                : (unsigned)(tolower((unsigned char)*p) - 'a' + 10);
        v = v > (ULLONG_MAX >> 4) ? ULLONG_MAX : (v << 4) | d;
        p++;
    }
    *ok = p != start;
    *s = p;
    return v;
}

static unsigned clamp_uint(unsigned long long v)
{
    return v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

static int clamp_int(unsigned long long v)
{
    return v > INT_MAX ? INT_MAX : (int)v;
}

/* Parses a thread as TSan names it at *s: "main thread" -> 0, "thread T<n>" -> n,
 * "T<n>" -> n. Advances *s past it; RC_TSAN_NO_THREAD (and *s unchanged) otherwise. */
static int read_thread(const char **s)
{
    const char *p = *s;
    int ok;
    if (has_prefix(p, "main thread")) {
        *s = p + strlen("main thread");
        return 0;
    }
    if (has_prefix(p, "thread "))
        p += strlen("thread ");
    if (*p != 'T')
        return RC_TSAN_NO_THREAD;
    p++;
    unsigned long long v = read_dec(&p, &ok);
    if (!ok)
        return RC_TSAN_NO_THREAD;
    *s = p;
    return clamp_int(v);
}

/* ---- Report construction ---------------------------------------------------- */

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 4;                                                           \
            (arr) = rc_xrealloc((arr), (cap) * sizeof *(arr));                                     \
        }                                                                                          \
    } while (0)

/* Bounds on what one report keeps, so that hostile input cannot make lookups
 * quadratic. TSan's own cycles stop near 20 mutexes and a report lists a few
 * dozen stacks; whatever lies beyond these bounds stays in `raw`. */
#define MAX_ITEMS 256  /* accesses, mutexes, lock-order edges and cycle entries per report */
#define MAX_RELATED 64 /* related locations per finding */
#define MAX_MESSAGE_EDGES 8

/* The report under construction and the capacities of its arrays. */
typedef struct builder {
    rc_tsan_report_t r;
    size_t cap_stacks, cap_acc, cap_threads, cap_mutexes, cap_edges, cap_cycle;
    size_t cap_frames; /* of the open stack */
    int open;          /* index of the stack that takes frames, or RC_TSAN_NO_STACK */
    rc_strbuf_t raw;
    char prefix[64]; /* what preceded the WARNING marker on its line ("7: " from ctest) */
    size_t plen;
} builder_t;

static int add_stack(builder_t *b, rc_tsan_stack_role_t role, const char *title)
{
    GROW(b->r.stacks, b->r.nstacks, b->cap_stacks);
    rc_tsan_stack_t *st = &b->r.stacks[b->r.nstacks];
    memset(st, 0, sizeof *st);
    st->role = role;
    st->title = rc_xstrdup(title);
    b->cap_frames = 0;
    b->open = (int)b->r.nstacks;
    return (int)b->r.nstacks++;
}

static rc_tsan_mutex_t *find_mutex(rc_tsan_report_t *r, const char *id)
{
    for (size_t i = 0; i < r->nmutexes; i++)
        if (strcmp(r->mutexes[i].id, id) == 0)
            return &r->mutexes[i];
    return NULL;
}

/* The mutex `id` of the report, added if new; NULL when the report is full. */
static rc_tsan_mutex_t *get_mutex(builder_t *b, const char *id)
{
    rc_tsan_mutex_t *m = find_mutex(&b->r, id);
    if (m || b->r.nmutexes >= MAX_ITEMS)
        return m;
    GROW(b->r.mutexes, b->r.nmutexes, b->cap_mutexes);
    m = &b->r.mutexes[b->r.nmutexes++];
    memset(m, 0, sizeof *m);
    m->id = rc_xstrdup(id);
    m->stack = RC_TSAN_NO_STACK;
    return m;
}

/* Reads a mutex id ("M12", or an address when TSan printed one instead) at *s. */
static char *read_mutex_id(const char **s)
{
    const char *p = *s;
    size_t n = 0;
    while (p[n] && !isspace((unsigned char)p[n]) && p[n] != ',' && p[n] != ':' && p[n] != '(' &&
           p[n] != ')')
        n++;
    if (n == 0)
        return NULL;
    *s = p + n;
    return dupn(p, n);
}

static void stack_free(rc_tsan_stack_t *st)
{
    for (size_t i = 0; i < st->nframes; i++) {
        free(st->frames[i].function);
        free(st->frames[i].file);
        free(st->frames[i].module);
    }
    free(st->frames);
    free(st->title);
}

static void report_free(rc_tsan_report_t *r)
{
    free(r->kind);
    free(r->summary);
    free(r->raw);
    for (size_t i = 0; i < r->nstacks; i++)
        stack_free(&r->stacks[i]);
    free(r->stacks);
    for (size_t i = 0; i < r->naccesses; i++)
        free(r->accesses[i].mutexes);
    free(r->accesses);
    free(r->location.text);
    free(r->location.name);
    for (size_t i = 0; i < r->nthreads; i++) {
        free(r->threads[i].name);
        free(r->threads[i].state);
    }
    free(r->threads);
    for (size_t i = 0; i < r->nmutexes; i++)
        free(r->mutexes[i].id);
    free(r->mutexes);
    for (size_t i = 0; i < r->nedges; i++) {
        free(r->edges[i].acquired);
        free(r->edges[i].held);
    }
    free(r->edges);
    for (size_t i = 0; i < r->ncycle; i++)
        free(r->cycle[i]);
    free(r->cycle);
    memset(r, 0, sizeof *r);
}

void rc_tsan_reports_free(rc_tsan_report_t *reports, size_t n)
{
    for (size_t i = 0; reports && i < n; i++)
        report_free(&reports[i]);
    free(reports);
}

/* ---- Frames ------------------------------------------------------------------- */

/* Splits a location token into file, line and col: "f.c:6:43", "f.c:16", "f.c",
 * "f.c(6,43)" (symbolize_vs_style). "<null>" leaves everything unset. */
static void parse_location_token(const char *tok, rc_tsan_frame_t *f)
{
    size_t n = strlen(tok);
    if (n == 0 || strcmp(tok, "<null>") == 0)
        return;
    unsigned long long nums[2];
    int count = 0;
    size_t end = n;
    /* Peel up to two trailing ":<digits>" groups. */
    while (count < 2) {
        size_t i = end;
        while (i > 0 && isdigit((unsigned char)tok[i - 1]))
            i--;
        if (i == end || i == 0 || tok[i - 1] != ':' || i - 1 == 0)
            break;
        const char *p = tok + i;
        int ok;
        nums[count++] = read_dec(&p, &ok);
        end = i - 1;
    }
    if (count == 0 && n > 2 && tok[n - 1] == ')') {
        /* Visual Studio style: file(line,col) or file(line). */
        const char *open = strrchr(tok, '(');
        if (open && open > tok) {
            const char *p = open + 1;
            int ok;
            unsigned long long line = read_dec(&p, &ok);
            if (ok && (*p == ')' || *p == ',')) {
                unsigned long long col = 0;
                if (*p == ',') {
                    p++;
                    col = read_dec(&p, &ok);
                }
                if (ok && *p == ')') {
                    f->file = dupn(tok, (size_t)(open - tok));
                    f->line = clamp_uint(line);
                    f->col = clamp_uint(col);
                    return;
                }
            }
        }
    }
    f->file = dupn(tok, end);
    if (count == 2) {
        f->line = clamp_uint(nums[1]);
        f->col = clamp_uint(nums[0]);
    } else if (count == 1) {
        f->line = clamp_uint(nums[0]);
    }
}

/* Whether tok ends in a Visual Studio style "(line)" or "(line,col)". */
static int vs_location(const char *tok)
{
    size_t n = strlen(tok);
    const char *open = strrchr(tok, '(');
    if (n < 3 || tok[n - 1] != ')' || !open || open == tok || !isdigit((unsigned char)open[1]))
        return 0;
    for (const char *p = open + 1; p < tok + n - 1; p++)
        if (!isdigit((unsigned char)*p) && *p != ',')
            return 0;
    return 1;
}

/* Whether a lone token reads as a source location rather than a function name. */
static int looks_like_location(const char *tok)
{
    if (strchr(tok, '/'))
        return 1;
    const char *colon = strrchr(tok, ':');
    if (colon && colon > tok && colon[-1] != ':' && isdigit((unsigned char)colon[1]))
        return 1;
    return 0;
}

/* Parses the text after "#N " (see the file comment of tsan.h) into f.
 * Never fails: what cannot be recognised is left unset. */
static void parse_frame_body(const char *text, rc_tsan_frame_t *f)
{
    char *buf = rc_xstrdup(text);
    rtrim(buf);
    size_t n = strlen(buf);

    /* Trailing "(BuildId: ...)". */
    char *bid = strstr(buf, "(BuildId:");
    if (bid && n > 0 && buf[n - 1] == ')' && strchr(bid, ')') == buf + n - 1) {
        *bid = '\0';
        rtrim(buf);
        n = strlen(buf);
    }
    /* Trailing "(module+0xoffset)", "(0xpc)" or "(<unknown module>)". */
    if (n > 0 && buf[n - 1] == ')') {
        char *open = strrchr(buf, '(');
        if (open && (open == buf || open[-1] == ' ') && !strchr(open + 1, '(')) {
            buf[n - 1] = '\0';
            const char *g = open + 1;
            char *plus = strstr(open + 1, "+0x");
            char *next;
            while (plus && (next = strstr(plus + 1, "+0x")) != NULL)
                plus = next;
            int ok;
            if (plus) {
                const char *h = plus + 1;
                f->offset = read_hex(&h, &ok);
                f->module = dupn(g, (size_t)(plus - g));
            } else if (g[0] == '0' && g[1] == 'x') {
                const char *h = g;
                f->pc = read_hex(&h, &ok);
            } else if (*g) {
                f->module = rc_xstrdup(g);
            }
            *open = '\0';
            rtrim(buf);
        }
    }
    /* Optional leading "0xPC in " (custom stack_trace_format with %p). */
    char *rest = buf;
    if (rest[0] == '0' && rest[1] == 'x') {
        const char *h = rest;
        int ok;
        unsigned long long pc = read_hex(&h, &ok);
        if (ok && (*h == ' ' || *h == '\0')) {
            f->pc = pc;
            rest = (char *)skip_ws(h);
            if (has_prefix(rest, "in "))
                rest = (char *)skip_ws(rest + 3);
        }
    }
    if (*rest) {
        char *sp = strrchr(rest, ' ');
        if (sp) {
            char *tok = sp + 1;
            /* A token that is part of a C++ signature belongs to the function. */
            if ((!vs_location(tok) && (strchr(tok, '(') || strchr(tok, ')'))) || *tok == '\0') {
                f->function = strcmp(rest, "<null>") == 0 ? NULL : rc_xstrdup(rest);
            } else {
                *sp = '\0';
                rtrim(rest);
                parse_location_token(tok, f);
                if (*rest && strcmp(rest, "<null>") != 0)
                    f->function = rc_xstrdup(rest);
            }
        } else if (looks_like_location(rest)) {
            parse_location_token(rest, f);
        } else if (strcmp(rest, "<null>") != 0) {
            f->function = rc_xstrdup(rest);
        }
    }
    free(buf);
}

/* `t` starts with '#'. Appends a frame to the open stack (opening an untitled one). */
static void add_frame(builder_t *b, const char *t)
{
    const char *p = t + 1;
    int ok;
    unsigned long long idx = read_dec(&p, &ok);
    if (b->open == RC_TSAN_NO_STACK)
        add_stack(b, RC_TSAN_STACK_REPORT, "");
    rc_tsan_stack_t *st = &b->r.stacks[b->open];
    GROW(st->frames, st->nframes, b->cap_frames);
    rc_tsan_frame_t *f = &st->frames[st->nframes++];
    memset(f, 0, sizeof *f);
    f->index = ok ? clamp_uint(idx) : (unsigned)(st->nframes - 1);
    parse_frame_body(skip_ws(p), f);
}

/* ---- Section lines ------------------------------------------------------------ */

static int ends_with_colon(const char *t)
{
    size_t n = strlen(t);
    return n > 0 && t[n - 1] == ':';
}

/* "[Previous ][atomic ]write|read of size N at A by X[ (mutexes: ...)]:". Returns 1 if t is one. */
static int parse_access(builder_t *b, const char *t)
{
    const char *p = t;
    rc_tsan_access_t a;
    memset(&a, 0, sizeof a);
    a.thread = RC_TSAN_NO_THREAD;
    a.stack = RC_TSAN_NO_STACK;
    if (has_prefix_ci(p, "previous ")) {
        a.previous = 1;
        p += strlen("previous ");
    }
    if (has_prefix_ci(p, "atomic ")) {
        a.atomic = 1;
        p += strlen("atomic ");
    }
    if (has_prefix_ci(p, "write ")) {
        a.write = 1;
        p += strlen("write ");
    } else if (has_prefix_ci(p, "read ")) {
        p += strlen("read ");
    } else {
        return 0;
    }
    if (!has_prefix(p, "of size "))
        return 0;
    p += strlen("of size ");
    int ok;
    a.size = clamp_uint(read_dec(&p, &ok));
    if (!ok)
        return 0;
    if (has_prefix(p, " at ")) {
        p += strlen(" at ");
        a.addr = read_hex(&p, &ok);
    }
    if (has_prefix(p, " by ")) {
        p += strlen(" by ");
        a.thread = read_thread(&p);
    }
    const char *mx = strstr(p, "(mutexes: ");
    if (mx) {
        mx += strlen("(mutexes: ");
        const char *close = strchr(mx, ')');
        a.mutexes = close ? dupn(mx, (size_t)(close - mx)) : rc_xstrdup(mx);
    }
    b->open = RC_TSAN_NO_STACK;
    if (ends_with_colon(t))
        a.stack = add_stack(b, a.previous ? RC_TSAN_STACK_PREVIOUS : RC_TSAN_STACK_ACCESS, t);
    if (b->r.naccesses >= MAX_ITEMS) {
        free(a.mutexes);
        return 1;
    }
    GROW(b->r.accesses, b->r.naccesses, b->cap_acc);
    b->r.accesses[b->r.naccesses++] = a;
    return 1;
}

/* "Location is ..." (t points after "Location is "), `line` is the whole trimmed line. */
static void parse_location(builder_t *b, const char *t, const char *line)
{
    rc_tsan_location_t loc;
    memset(&loc, 0, sizeof loc);
    loc.thread = RC_TSAN_NO_THREAD;
    loc.stack = RC_TSAN_NO_STACK;
    loc.kind = RC_TSAN_LOC_OTHER;
    const char *p = t;
    int ok;
    if (has_prefix(p, "global '")) {
        loc.kind = RC_TSAN_LOC_GLOBAL;
        p += strlen("global '");
        /* The name runs to the quote before " of size " or " at ". */
        const char *end = strstr(p, "' of size ");
        if (!end)
            end = strstr(p, "' at ");
        if (!end)
            end = strrchr(p, '\'');
        if (end) {
            if (end > p && strncmp(p, "??", 2) != 0 && strncmp(p, "<null>", 6) != 0)
                loc.name = dupn(p, (size_t)(end - p));
            p = end + 1;
            if (has_prefix(p, " of size ")) {
                p += strlen(" of size ");
                loc.size = read_dec(&p, &ok);
            }
            if (has_prefix(p, " at ")) {
                p += strlen(" at ");
                loc.addr = read_hex(&p, &ok);
            }
        }
    } else if (has_prefix(p, "heap block of size ")) {
        loc.kind = RC_TSAN_LOC_HEAP;
        p += strlen("heap block of size ");
        loc.size = read_dec(&p, &ok);
        if (has_prefix(p, " at ")) {
            p += strlen(" at ");
            loc.addr = read_hex(&p, &ok);
        }
        const char *by = strstr(p, " by ");
        if (by) {
            by += strlen(" by ");
            loc.thread = read_thread(&by);
        }
    } else if (has_prefix(p, "stack of ") || has_prefix(p, "TLS of ")) {
        loc.kind = has_prefix(p, "stack of ") ? RC_TSAN_LOC_STACK : RC_TSAN_LOC_TLS;
        p = strstr(p, " of ") + strlen(" of ");
        loc.thread = read_thread(&p);
    } else if (has_prefix(p, "file descriptor ")) {
        loc.kind = RC_TSAN_LOC_FD;
        p += strlen("file descriptor ");
        loc.size = read_dec(&p, &ok);
        const char *by = strstr(p, " by ");
        if (by) {
            by += strlen(" by ");
            loc.thread = read_thread(&by);
        }
    }
    b->open = RC_TSAN_NO_STACK;
    int stack = RC_TSAN_NO_STACK;
    if (ends_with_colon(line))
        stack = add_stack(b, RC_TSAN_STACK_LOCATION, line);
    /* The first location describes the address; TSan sometimes adds a second,
     * less precise one (e.g. global '??' after "stack of main thread"). */
    if (b->r.location.kind == RC_TSAN_LOC_NONE) {
        loc.text = rc_xstrdup(t);
        rtrim(loc.text);
        size_t n = strlen(loc.text);
        if (n > 0 && (loc.text[n - 1] == '.' || loc.text[n - 1] == ':'))
            loc.text[n - 1] = '\0';
        loc.stack = stack;
        b->r.location = loc;
    } else {
        free(loc.name);
    }
}

/* "Thread T<n>[ 'NAME'] (tid=N, STATE) created by X at:" and variants. */
static void parse_thread(builder_t *b, const char *t)
{
    const char *p = t + strlen("Thread ");
    int id = read_thread(&p);
    if (id == RC_TSAN_NO_THREAD) {
        b->open = RC_TSAN_NO_STACK;
        if (ends_with_colon(t))
            add_stack(b, RC_TSAN_STACK_OTHER, t);
        return;
    }
    rc_tsan_thread_t th;
    memset(&th, 0, sizeof th);
    th.id = id;
    th.creator = RC_TSAN_NO_THREAD;
    th.stack = RC_TSAN_NO_STACK;
    p = skip_ws(p);
    const char *tid = strstr(p, "(tid=");
    if (*p == '\'' && tid && tid > p + 1) {
        const char *q = tid;
        while (q > p + 1 && q[-1] == ' ')
            q--;
        if (q[-1] == '\'' && q - 1 > p + 1)
            th.name = dupn(p + 1, (size_t)(q - 1 - (p + 1)));
    }
    int ok;
    if (tid) {
        const char *q = tid + strlen("(tid=");
        th.os_tid = (long)clamp_int(read_dec(&q, &ok));
        if (*q == ',') {
            q = skip_ws(q + 1);
            size_t n = 0;
            while (q[n] && q[n] != ')' && q[n] != ',')
                n++;
            if (n > 0)
                th.state = dupn(q, n);
        }
    }
    const char *by = strstr(p, "created by ");
    if (by) {
        by += strlen("created by ");
        th.creator = read_thread(&by);
    }
    b->open = RC_TSAN_NO_STACK;
    if (ends_with_colon(t))
        th.stack = add_stack(b, RC_TSAN_STACK_THREAD, t);
    GROW(b->r.threads, b->r.nthreads, b->cap_threads);
    b->r.threads[b->r.nthreads++] = th;
}

/* Lines starting "Mutex ". */
static void parse_mutex(builder_t *b, const char *t)
{
    const char *p = t + strlen("Mutex ");
    char *id = read_mutex_id(&p);
    b->open = RC_TSAN_NO_STACK;
    if (!id) {
        if (ends_with_colon(t))
            add_stack(b, RC_TSAN_STACK_OTHER, t);
        return;
    }
    if (has_prefix(p, " acquired here while holding mutex ")) {
        p += strlen(" acquired here while holding mutex ");
        char *held = read_mutex_id(&p);
        if (b->r.nedges >= MAX_ITEMS) {
            free(id);
            free(held);
            add_stack(b, RC_TSAN_STACK_EDGE, t);
            return;
        }
        GROW(b->r.edges, b->r.nedges, b->cap_edges);
        rc_tsan_edge_t *e = &b->r.edges[b->r.nedges++];
        memset(e, 0, sizeof *e);
        e->acquired = id;
        e->held = held;
        e->thread = RC_TSAN_NO_THREAD;
        e->held_stack = RC_TSAN_NO_STACK;
        if (has_prefix(p, " in ")) {
            p += strlen(" in ");
            e->thread = read_thread(&p);
        }
        get_mutex(b, id);
        if (held)
            get_mutex(b, held);
        e->stack = add_stack(b, RC_TSAN_STACK_EDGE, t);
        return;
    }
    if (has_prefix(p, " previously acquired by the same thread here")) {
        int s = add_stack(b, RC_TSAN_STACK_EDGE_HELD, t);
        /* It belongs to the last edge whose held mutex it names. */
        for (size_t i = b->r.nedges; i-- > 0;) {
            rc_tsan_edge_t *e = &b->r.edges[i];
            if (e->held && strcmp(e->held, id) == 0 && e->held_stack == RC_TSAN_NO_STACK) {
                e->held_stack = s;
                break;
            }
        }
        free(id);
        return;
    }
    rc_tsan_mutex_t *m = get_mutex(b, id);
    free(id);
    int stack = ends_with_colon(t) ? add_stack(b, RC_TSAN_STACK_MUTEX, t) : RC_TSAN_NO_STACK;
    if (!m)
        return;
    m->stack = stack;
    p = skip_ws(p);
    if (*p == '(') {
        p++;
        int ok;
        unsigned long long a = read_hex(&p, &ok);
        if (ok)
            m->addr = a;
    }
    if (strstr(p, "already destroyed"))
        m->destroyed = 1;
}

/* "Cycle in lock order graph: M0 (0x..) => M1 (0x..) => M0" */
static void parse_cycle(builder_t *b, const char *t)
{
    const char *p = t + strlen("Cycle in lock order graph:");
    for (;;) {
        p = skip_ws(p);
        char *id = read_mutex_id(&p);
        if (!id)
            break;
        p = skip_ws(p);
        unsigned long long addr = 0;
        int ok = 0;
        if (*p == '(') {
            p++;
            addr = read_hex(&p, &ok);
            while (*p && *p != ')')
                p++;
            if (*p == ')')
                p++;
        }
        if ((b->r.ncycle > 0 && strcmp(b->r.cycle[0], id) == 0) || b->r.ncycle >= MAX_ITEMS) {
            free(id); /* the cycle closes on its first mutex */
            break;
        }
        rc_tsan_mutex_t *m = get_mutex(b, id);
        if (m && ok)
            m->addr = addr;
        GROW(b->r.cycle, b->r.ncycle, b->cap_cycle);
        b->r.cycle[b->r.ncycle++] = id;
        p = skip_ws(p);
        if (!has_prefix(p, "=>"))
            break;
        p += 2;
    }
    b->open = RC_TSAN_NO_STACK;
}

/* Handles one indented line of a report; `t` is it without leading blanks, trimmed. */
static void report_line(builder_t *b, const char *t)
{
    if (t[0] == '#' && isdigit((unsigned char)t[1])) {
        add_frame(b, t);
        return;
    }
    if (strcmp(t, "[failed to restore the stack]") == 0 || strcmp(t, "<empty stack>") == 0)
        return; /* the open stack stays empty */
    if (parse_access(b, t))
        return;
    if (has_prefix(t, "Location is ")) {
        parse_location(b, t + strlen("Location is "), t);
        return;
    }
    if (has_prefix(t, "Thread ")) {
        parse_thread(b, t);
        return;
    }
    if (has_prefix(t, "Mutex ")) {
        parse_mutex(b, t);
        return;
    }
    if (has_prefix(t, "Cycle in lock order graph:")) {
        parse_cycle(b, t);
        return;
    }
    if (has_prefix(t, "And ") && strstr(t, " more similar thread leak")) {
        const char *p = t + strlen("And ");
        int ok;
        unsigned long long v = read_dec(&p, &ok);
        if (ok)
            b->r.similar = clamp_uint(v);
        b->open = RC_TSAN_NO_STACK;
        return;
    }
    b->open = RC_TSAN_NO_STACK;
    if (ends_with_colon(t))
        add_stack(b, RC_TSAN_STACK_OTHER, t);
}

/* ---- The state machine ---------------------------------------------------------- */

typedef struct parser {
    rc_tsan_report_t *v;
    size_t n, cap;
    int in_report;
    int closing; /* the report met a separator line before any SUMMARY (see feed_line) */
    builder_t b;
    rc_tsan_stats_t st;
} parser_t;

static const char WARNING_MARK[] = "WARNING: ThreadSanitizer: ";
static const char ERROR_MARK[] = "ERROR: ThreadSanitizer: ";
static const char SUMMARY_MARK[] = "SUMMARY: ThreadSanitizer: ";

static void abandon(parser_t *ps)
{
    report_free(&ps->b.r);
    rc_strbuf_close(&ps->b.raw);
    memset(&ps->b, 0, sizeof ps->b);
    ps->in_report = 0;
    ps->closing = 0;
}

/* Opens a report at the WARNING/ERROR marker `mark` found in `line`. */
static void start_report(parser_t *ps, const char *line, const char *mark, size_t marklen,
                         unsigned lineno)
{
    if (ps->in_report) {
        ps->st.malformed++;
        abandon(ps);
    }
    memset(&ps->b, 0, sizeof ps->b);
    ps->in_report = 1;
    ps->b.open = RC_TSAN_NO_STACK;
    ps->b.r.line = lineno;
    ps->b.r.location.thread = RC_TSAN_NO_THREAD;
    ps->b.r.location.stack = RC_TSAN_NO_STACK;
    rc_strbuf_init(&ps->b.raw);
    rc_strbuf_append(&ps->b.raw, mark);
    rc_strbuf_append(&ps->b.raw, "\n");
    size_t plen = (size_t)(mark - line);
    if (plen < sizeof ps->b.prefix) {
        memcpy(ps->b.prefix, line, plen);
        ps->b.plen = plen;
    }

    /* "==1234==ERROR: ..." carries the pid before the marker. */
    const char *eq = strstr(line, "==");
    if (eq && eq < mark && isdigit((unsigned char)eq[2])) {
        const char *p = eq + 2;
        int ok;
        ps->b.r.pid = clamp_int(read_dec(&p, &ok));
    }
    char *kind = rc_xstrdup(mark + marklen);
    rtrim(kind);
    char *pid = strstr(kind, " (pid=");
    char *last;
    while (pid && (last = strstr(pid + 1, " (pid=")) != NULL)
        pid = last;
    if (pid) {
        const char *p = pid + strlen(" (pid=");
        int ok;
        int v = clamp_int(read_dec(&p, &ok));
        if (ok)
            ps->b.r.pid = v;
        *pid = '\0';
    }
    char *on = strstr(kind, " on unknown address");
    if (on)
        *on = '\0';
    rtrim(kind);
    ps->b.r.kind = kind;
}

/* Completes the open report: at its SUMMARY line `mark`, or with mark NULL at the
 * separator that closes a report printed without one (print_summary=0). */
static void finish_report(parser_t *ps, const char *mark)
{
    if (mark) {
        rc_strbuf_append(&ps->b.raw, mark);
        rc_strbuf_append(&ps->b.raw, "\n");
        char *summary = rc_xstrdup(mark + strlen(SUMMARY_MARK));
        rtrim(summary);
        ps->b.r.summary = summary;
    }
    ps->b.r.raw = rc_strbuf_take(&ps->b.raw);
    GROW(ps->v, ps->n, ps->cap);
    ps->v[ps->n++] = ps->b.r;
    ps->st.reports++;
    if (strcmp(rc_tsan_rule_for_kind(ps->b.r.kind), "tsan.report") == 0)
        ps->st.unknown++;
    memset(&ps->b, 0, sizeof ps->b);
    ps->in_report = 0;
    ps->closing = 0;
}

/* TSan's "==================" line around each report. */
static int is_separator(const char *t)
{
    size_t n = strlen(t);
    if (n < 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] != '=')
            return 0;
    return 1;
}

/* Lines TSan prints between reports that are neither reports nor program output. */
static int is_tsan_chatter(const char *t)
{
    return is_separator(t) || has_prefix(t, "ThreadSanitizer: reported ") ||
           has_prefix(t, "ThreadSanitizer:DEADLYSIGNAL") || has_prefix(t, "ThreadSanitizer: ") ||
           (has_prefix(t, "==") && strstr(t, "==ABORTING"));
}

/* The character class of c for comparing line prefixes: digits and letters stand
 * for their class, anything else for itself. */
static int shape(char c)
{
    return isdigit((unsigned char)c) ? '9' : isalpha((unsigned char)c) ? 'a' : (unsigned char)c;
}

/* Length of the prefix to strip from a line inside a report. Tools that run tests
 * prefix every output line: ctest -V with "7: ", CI logs with a timestamp. The
 * WARNING line shows that prefix; a line whose start has the same shape (same
 * width, digits where it has digits, ...) carries it too. 0 when it does not. */
static size_t prefix_len(const builder_t *b, const char *line)
{
    if (b->plen == 0)
        return 0;
    size_t i = 0;
    for (; i < b->plen && line[i]; i++)
        if (shape(line[i]) != shape(b->prefix[i]))
            return 0;
    /* A blank line loses the prefix's trailing blanks to trimming. */
    for (size_t k = i; k < b->plen; k++)
        if (!isspace((unsigned char)b->prefix[k]))
            return 0;
    return i;
}

static void feed_line(parser_t *ps, char *line, unsigned lineno)
{
    if (ps->in_report)
        line += prefix_len(&ps->b, line);
    rtrim(line);
    const char *mark;
    if ((mark = strstr(line, WARNING_MARK)) != NULL) {
        start_report(ps, line, mark, strlen(WARNING_MARK), lineno);
        return;
    }
    if ((mark = strstr(line, ERROR_MARK)) != NULL) {
        start_report(ps, line, mark, strlen(ERROR_MARK), lineno);
        return;
    }
    const char *t = skip_ws(line);
    if (ps->in_report && ps->closing) {
        /* The separator that followed the report was its end (TSan printed no
         * SUMMARY, print_summary=0) unless a new report starts right after it: then
         * it opened that report and this one was cut short (handled above). */
        finish_report(ps, NULL);
    }
    if (!ps->in_report) {
        if (*t && !is_tsan_chatter(t))
            ps->st.skipped_lines++;
        return;
    }
    if ((mark = strstr(line, SUMMARY_MARK)) != NULL) {
        finish_report(ps, mark);
        return;
    }
    if (*t == '\0') {
        rc_strbuf_append(&ps->b.raw, "\n");
        ps->b.open = RC_TSAN_NO_STACK;
        return;
    }
    if (is_separator(t)) {
        ps->closing = 1;
        return;
    }
    if (t == line) {
        /* Column 0 inside a report: interleaved program output. */
        ps->st.skipped_lines++;
        return;
    }
    rc_strbuf_append(&ps->b.raw, line);
    rc_strbuf_append(&ps->b.raw, "\n");
    report_line(&ps->b, t);
}

int rc_tsan_parse(const char *text, size_t len, rc_tsan_report_t **reports, size_t *n,
                  rc_tsan_stats_t *stats, rc_error_t *err)
{
    if (!reports || !n || (!text && len > 0))
        return rc_error_set(err, RC_EINVAL, "rc_tsan_parse: NULL argument");
    parser_t ps;
    memset(&ps, 0, sizeof ps);
    char *line = NULL;
    size_t linecap = 0;
    unsigned lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        size_t ln = end - pos;
        if (ln + 1 > linecap) {
            linecap = ln + 1;
            line = rc_xrealloc(line, linecap);
        }
        size_t o = 0;
        for (size_t i = 0; i < ln; i++) {
            char c = text[pos + i];
            if (c == '\033' && i + 1 < ln && text[pos + i + 1] == '[') {
                /* An ANSI colour sequence (TSAN_OPTIONS=color=always): ESC [ params final. */
                size_t j = i + 2;
                while (j < ln && (isdigit((unsigned char)text[pos + j]) || text[pos + j] == ';'))
                    j++;
                if (j < ln && text[pos + j] >= '@' && text[pos + j] <= '~') {
                    i = j;
                    continue;
                }
            }
            line[o++] = c ? c : '?';
        }
        line[o] = '\0';
        lineno++;
        feed_line(&ps, line, lineno);
        pos = end + 1;
    }
    free(line);
    if (ps.in_report && ps.closing) {
        finish_report(&ps, NULL);
    } else if (ps.in_report) {
        ps.st.malformed++; /* truncated: the last report never reached SUMMARY */
        abandon(&ps);
    }
    *reports = ps.v;
    *n = ps.n;
    if (stats)
        *stats = ps.st;
    return RC_OK;
}

/* ---- Kinds and rules ------------------------------------------------------------ */

typedef struct kind_rule {
    const char *prefix;
    const char *rule;
    rc_severity_t severity;
} kind_rule_t;

/* Longer prefixes first where one is a prefix of another ("read unlock" vs "unlock"). */
static const kind_rule_t kind_rules[] = {
    {"data race", "race.data-race", RC_SEV_WARNING},
    {"heap-use-after-free", "memory.use-after-free", RC_SEV_ERROR},
    {"lock-order-inversion", "lock.order-inversion", RC_SEV_WARNING},
    {"thread leak", "thread.leak", RC_SEV_WARNING},
    {"double lock of a mutex", "lock.double-lock", RC_SEV_ERROR},
    {"read lock of a write locked mutex", "lock.double-lock", RC_SEV_ERROR},
    {"read unlock of a write locked mutex", "lock.unlock-not-held", RC_SEV_ERROR},
    {"unlock of an unlocked mutex", "lock.unlock-not-held", RC_SEV_ERROR},
    {"destroy of a locked mutex", "lock.destroy-locked", RC_SEV_ERROR},
    {"use of an invalid mutex", "lock.invalid-use", RC_SEV_ERROR},
    {"signal-unsafe call inside of a signal", "signal.unsafe-call", RC_SEV_WARNING},
    {"signal handler spoils errno", "signal.errno-spoiled", RC_SEV_WARNING},
};

static const kind_rule_t *kind_rule(const char *kind)
{
    for (size_t i = 0; kind && i < sizeof kind_rules / sizeof kind_rules[0]; i++)
        if (has_prefix(kind, kind_rules[i].prefix))
            return &kind_rules[i];
    return NULL;
}

const char *rc_tsan_rule_for_kind(const char *kind)
{
    const kind_rule_t *k = kind_rule(kind);
    return k ? k->rule : "tsan.report";
}

/* ---- User frames ------------------------------------------------------------------ */

static const char *basename_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int is_runtime_function(const char *fn)
{
    static const char *const prefixes[] = {
        "__tsan", "__interceptor", "___interceptor", "__sanitizer", "__ubsan", "__asan", "__lsan"};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (has_prefix(fn, prefixes[i]))
            return 1;
    return 0;
}

static int is_runtime_file(const char *file)
{
    size_t n = strlen(file);
    if (has_prefix(file, "/usr/") || has_prefix(file, "/lib/") || has_prefix(file, "/lib64/"))
        return 1;
    if (strstr(file, "/libsanitizer/") || strstr(file, "compiler-rt/lib/") ||
        strstr(file, "/sanitizer_common/") || strstr(file, "/tsan/rtl/"))
        return 1;
    /* An object or library printed in place of a source file: no source to show. */
    if ((n > 2 && strcmp(file + n - 2, ".o") == 0) || (n > 2 && strcmp(file + n - 2, ".a") == 0) ||
        strstr(basename_of(file), ".so"))
        return 1;
    return 0;
}

static int is_runtime_module(const char *module)
{
    static const char *const prefixes[] = {"libtsan", "libc.so",    "libc-",     "ld-linux",
                                           "ld-2.",   "libpthread", "libstdc++", "libgcc_s",
                                           "libc++",  "[vdso]",     "[stack]"};
    const char *b = basename_of(module);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (has_prefix(b, prefixes[i]))
            return 1;
    return 0;
}

static int frame_is_user(const rc_tsan_frame_t *f)
{
    if (!f->file || !*f->file)
        return 0;
    if (f->function && is_runtime_function(f->function))
        return 0;
    if (is_runtime_file(f->file))
        return 0;
    if (f->module && is_runtime_module(f->module))
        return 0;
    return 1;
}

int rc_tsan_first_user_frame(const rc_tsan_stack_t *stack)
{
    for (size_t i = 0; stack && i < stack->nframes; i++)
        if (frame_is_user(&stack->frames[i]))
            return (int)i;
    return -1;
}

/* ---- Offline symbolisation --------------------------------------------------------- */

/* The full path of the module named `base` if the SUMMARY line names it as
 * "(PATH+0xOFF)", else NULL. Caller frees. */
static char *module_path_from_summary(const char *summary, const char *base)
{
    for (const char *open = summary ? strchr(summary, '(') : NULL; open;
         open = strchr(open + 1, '(')) {
        const char *plus = strstr(open, "+0x");
        const char *close = strchr(open, ')');
        if (!plus || !close || plus > close || open[1] != '/')
            continue;
        char *path = dupn(open + 1, (size_t)(plus - open - 1));
        if (strcmp(basename_of(path), base) == 0)
            return path;
        free(path);
    }
    return NULL;
}

size_t rc_tsan_symbolize(rc_tsan_report_t *reports, size_t n, rc_tsan_symbolize_fn fn, void *ctx)
{
    size_t resolved = 0;
    for (size_t i = 0; fn && i < n; i++) {
        rc_tsan_report_t *r = &reports[i];
        for (size_t s = 0; s < r->nstacks; s++) {
            for (size_t k = 0; k < r->stacks[s].nframes; k++) {
                rc_tsan_frame_t *f = &r->stacks[s].frames[k];
                if (f->file || !f->module || !*f->module || f->module[0] == '[')
                    continue;
                char *path = module_path_from_summary(r->summary, f->module);
                rc_loc_t out;
                memset(&out, 0, sizeof out);
                int rc = fn(ctx, path ? path : f->module, f->offset, &out);
                free(path);
                if (rc == 0 && out.file) {
                    f->file = out.file;
                    f->line = out.line;
                    f->col = out.col;
                    out.file = NULL;
                    if (!f->function) {
                        f->function = out.function;
                        out.function = NULL;
                    }
                    resolved++;
                }
                rc_loc_close(&out);
            }
        }
    }
    return resolved;
}

/* ---- Conversion ------------------------------------------------------------------- */

static const rc_tsan_frame_t *user_frame(const rc_tsan_report_t *r, int stack)
{
    if (stack < 0 || (size_t)stack >= r->nstacks)
        return NULL;
    int i = rc_tsan_first_user_frame(&r->stacks[stack]);
    return i < 0 ? NULL : &r->stacks[stack].frames[i];
}

/* Appends a thread as TSan names it: "main thread", "thread T3". */
static void thread_name(rc_strbuf_t *b, int t)
{
    if (t == 0)
        rc_strbuf_append(b, "main thread");
    else if (t > 0)
        rc_strbuf_appendf(b, "thread T%d", t);
    else
        rc_strbuf_append(b, "an unknown thread");
}

/* Appends " in 'fn'" when the function is known. */
static void in_function(rc_strbuf_t *b, const rc_tsan_frame_t *f)
{
    if (f && f->function)
        rc_strbuf_appendf(b, " in '%s'", f->function);
}

static char *take(rc_strbuf_t *b)
{
    char *s = rc_strbuf_take(b);
    return s ? s : rc_xstrdup("");
}

static void set_primary(rc_finding_t *f, const rc_tsan_frame_t *fr)
{
    if (fr)
        rc_loc_set(&f->loc, fr->file, fr->line, fr->col, fr->function, NULL);
}

/* Adds a related location at fr (if any) unless `dedupe` and an existing location
 * of the finding is at the same place. Takes ownership of nothing: note is copied.
 * Returns the new location, or NULL when none was added. */
static rc_loc_t *add_related(rc_finding_t *f, const rc_tsan_frame_t *fr, const char *note,
                             int dedupe)
{
    if (!fr || f->nrelated >= MAX_RELATED)
        return NULL;
    if (dedupe) {
        const rc_loc_t *l = &f->loc;
        if (l->file && strcmp(l->file, fr->file) == 0 && l->line == fr->line && l->col == fr->col)
            return NULL;
        for (size_t i = 0; i < f->nrelated; i++) {
            l = &f->related[i];
            if (l->file && strcmp(l->file, fr->file) == 0 && l->line == fr->line &&
                l->col == fr->col)
                return NULL;
        }
    }
    return rc_finding_add_related(f, fr->file, fr->line, fr->col, fr->function, note);
}

/* The function a thread started in: the outermost frame in the program's own code
 * of a stack the thread ran (TSan cuts its own thread-start frames off). NULL if
 * the report has no such stack. */
static const char *thread_routine(const rc_tsan_report_t *r, int tid)
{
    int stacks[3];
    for (size_t i = 0; i < r->naccesses + r->nedges; i++) {
        int n = 0;
        if (i < r->naccesses) {
            if (r->accesses[i].thread == tid)
                stacks[n++] = r->accesses[i].stack;
        } else {
            const rc_tsan_edge_t *e = &r->edges[i - r->naccesses];
            if (e->thread == tid) {
                stacks[n++] = e->stack;
                stacks[n++] = e->held_stack;
            }
        }
        for (int k = 0; k < n; k++) {
            if (stacks[k] < 0 || (size_t)stacks[k] >= r->nstacks)
                continue;
            const rc_tsan_stack_t *st = &r->stacks[stacks[k]];
            for (size_t j = st->nframes; j-- > 0;)
                if (frame_is_user(&st->frames[j]) && st->frames[j].function)
                    return st->frames[j].function;
        }
    }
    return NULL;
}

/* Labels LOC with the thread it is a step of, as the shim ingestion does: "the main
 * thread", "thread T2 (worker)" with the thread's start routine when known. */
static void set_thread(rc_loc_t *loc, const rc_tsan_report_t *r, int tid)
{
    if (!loc || tid == RC_TSAN_NO_THREAD)
        return;
    const char *routine = tid > 0 ? thread_routine(r, tid) : NULL;
    char *label = tid == 0  ? rc_xstrdup("the main thread")
                  : routine ? rc_xasprintf("thread T%d (%s)", tid, routine)
                            : rc_xasprintf("thread T%d", tid);
    rc_loc_set_thread(loc, label);
    free(label);
}

/* The first user frame of the first stack (of any role when role < 0) that has one. */
static const rc_tsan_frame_t *first_user_in(const rc_tsan_report_t *r, int role)
{
    for (size_t i = 0; i < r->nstacks; i++) {
        if (role >= 0 && r->stacks[i].role != (rc_tsan_stack_role_t)role)
            continue;
        const rc_tsan_frame_t *fr = user_frame(r, (int)i);
        if (fr)
            return fr;
    }
    return NULL;
}

static void add_thread_sites(rc_finding_t *f, const rc_tsan_report_t *r)
{
    for (size_t i = 0; i < r->nthreads; i++) {
        const rc_tsan_thread_t *th = &r->threads[i];
        rc_strbuf_t note = {0};
        thread_name(&note, th->id);
        if (th->name)
            rc_strbuf_appendf(&note, " '%s'", th->name);
        rc_strbuf_append(&note, " created");
        if (th->creator != RC_TSAN_NO_THREAD) {
            rc_strbuf_append(&note, " by ");
            thread_name(&note, th->creator);
        }
        add_related(f, user_frame(r, th->stack), note.s, 0);
        rc_strbuf_close(&note);
    }
}

/* Appends " holding M0, M1 (read)" for TSan's "write M0, read M1" list. */
static void held_phrase(rc_strbuf_t *b, const char *mutexes)
{
    if (!mutexes || !*mutexes)
        return;
    rc_strbuf_append(b, " holding ");
    const char *p = mutexes;
    int first = 1;
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *tok = skip_ws(p);
        size_t tn = n - (size_t)(tok - p);
        int read = 0;
        if (tn > 5 && has_prefix(tok, "read ")) {
            read = 1;
            tok += 5, tn -= 5;
        } else if (tn > 6 && has_prefix(tok, "write ")) {
            tok += 6, tn -= 6;
        }
        rc_strbuf_appendf(b, "%s%.*s%s", first ? "" : ", ", (int)tn, tok, read ? " (read)" : "");
        first = 0;
        p += n;
        if (*p == ',')
            p++;
    }
}

/* Whether TSan's held-mutex list ("write M0, read M1") names mutex `id`. */
static int holds(const char *mutexes, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = mutexes; p && (p = strstr(p, id)) != NULL; p += n)
        if ((p == mutexes || p[-1] == ' ') && (p[n] == '\0' || p[n] == ','))
            return 1;
    return 0;
}

/* Describes an access: "write of size 4 by thread T2 in 'worker' holding M0". */
static void access_phrase(rc_strbuf_t *b, const rc_tsan_report_t *r, const rc_tsan_access_t *a,
                          int with_size)
{
    if (a->atomic)
        rc_strbuf_append(b, "atomic ");
    rc_strbuf_append(b, a->write ? "write" : "read");
    if (with_size)
        rc_strbuf_appendf(b, " of size %u", a->size);
    rc_strbuf_append(b, " by ");
    thread_name(b, a->thread);
    in_function(b, user_frame(r, a->stack));
    held_phrase(b, a->mutexes);
    /* TSan prints "[failed to restore the stack]" when the access fell out of its history. */
    if (a->stack >= 0 && (size_t)a->stack < r->nstacks && r->stacks[a->stack].nframes == 0)
        rc_strbuf_append(b, " (its stack could not be restored)");
}

/* Whether s (n bytes) is a suffix gcc adds to a symbol: a number or a clone tag. */
static int gcc_symbol_suffix(const char *s, size_t n)
{
    static const char *const tags[] = {"lto_priv", "constprop", "isra", "part", "cold", "local"};
    size_t i = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == n && n > 0)
        return 1;
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
        if (strlen(tags[k]) == n && strncmp(s, tags[k], n) == 0)
            return 1;
    return 0;
}

/* The variable a global symbol names. C identifiers have no '.', so a dot is
 * compiler decoration of a function-local static or an LTO-private global:
 * gcc appends ".<n>" or ".lto_priv.<n>" ('calls.0'), clang prefixes the
 * function ('worker.calls'). Both become 'calls', the name as written in the
 * source, which is what the static analyser reports. C++ names ("ns::x") and
 * undecorated names are returned as they are. Caller frees. */
static char *variable_name(const char *sym)
{
    const char *dot = strchr(sym, '.');
    if (!dot || dot == sym || strstr(sym, "::"))
        return rc_xstrdup(sym);
    int all_gcc = 1;
    for (const char *p = dot; *p == '.' && all_gcc;) {
        size_t n = strcspn(p + 1, ".");
        all_gcc = gcc_symbol_suffix(p + 1, n);
        p += 1 + n;
    }
    if (all_gcc)
        return dupn(sym, (size_t)(dot - sym));
    const char *last = strrchr(sym, '.');
    return last[1] ? rc_xstrdup(last + 1) : rc_xstrdup(sym);
}

/* The subject of a memory report and whether it is a variable name (quoted in messages). */
static char *memory_subject(const rc_tsan_report_t *r, const rc_tsan_access_t *cur, int *quoted)
{
    const rc_tsan_location_t *l = &r->location;
    rc_strbuf_t s = {0};
    *quoted = 0;
    switch (l->kind) {
    case RC_TSAN_LOC_GLOBAL:
        if (l->name) {
            *quoted = 1;
            return variable_name(l->name);
        }
        rc_strbuf_append(&s, "a global");
        break;
    case RC_TSAN_LOC_HEAP: {
        const rc_tsan_frame_t *alloc = user_frame(r, l->stack);
        rc_strbuf_appendf(&s, "heap block of size %llu", l->size);
        if (alloc && alloc->function)
            rc_strbuf_appendf(&s, " allocated in '%s'", alloc->function);
        if (cur && cur->addr >= l->addr && cur->addr - l->addr < l->size)
            rc_strbuf_appendf(&s, " (offset %llu)", cur->addr - l->addr);
        break;
    }
    case RC_TSAN_LOC_STACK:
    case RC_TSAN_LOC_TLS:
        rc_strbuf_append(&s, l->kind == RC_TSAN_LOC_STACK ? "stack of " : "TLS of ");
        thread_name(&s, l->thread);
        break;
    case RC_TSAN_LOC_FD:
        rc_strbuf_appendf(&s, "file descriptor %llu", l->size);
        break;
    case RC_TSAN_LOC_OTHER:
        rc_strbuf_append(&s, l->text ? l->text : "memory");
        break;
    case RC_TSAN_LOC_NONE: {
        const rc_tsan_frame_t *fr = cur ? user_frame(r, cur->stack) : NULL;
        rc_strbuf_append(&s, "memory accessed");
        in_function(&s, fr);
        break;
    }
    }
    return take(&s);
}

/* Whether the access is a free (TSan reports a free as a write by free()). */
static int is_free(const rc_tsan_report_t *r, const rc_tsan_access_t *a)
{
    if (a->stack < 0 || (size_t)a->stack >= r->nstacks || r->stacks[a->stack].nframes == 0)
        return 0;
    const char *fn = r->stacks[a->stack].frames[0].function;
    return fn && (strcmp(fn, "free") == 0 || strcmp(fn, "cfree") == 0 ||
                  has_prefix(fn, "operator delete") || strcmp(fn, "realloc") == 0);
}

static void convert_memory(rc_finding_t *f, const rc_tsan_report_t *r, int uaf)
{
    const rc_tsan_access_t *cur = NULL, *prev = NULL;
    for (size_t i = 0; i < r->naccesses; i++) {
        if (!r->accesses[i].previous && !cur)
            cur = &r->accesses[i];
        else if (r->accesses[i].previous && !prev)
            prev = &r->accesses[i];
    }
    int quoted;
    /* A freed block has no "Location is" line: describe it by who freed it. */
    if (uaf && r->location.kind == RC_TSAN_LOC_NONE && prev) {
        rc_strbuf_t s = {0};
        rc_strbuf_append(&s, "heap memory freed");
        in_function(&s, user_frame(r, prev->stack));
        f->subject = take(&s);
        quoted = 0;
    } else {
        f->subject = memory_subject(r, cur, &quoted);
    }

    rc_strbuf_t m = {0};
    /* Keep what TSan adds to the kind: "(virtual call vs free)", "on vptr (...)". */
    const char *base = uaf ? "heap-use-after-free" : "data race";
    const char *tail = has_prefix(r->kind, base) ? r->kind + strlen(base) : "";
    rc_strbuf_appendf(&m, "%s%s %s ", uaf ? "use after free" : "data race", tail,
                      uaf ? "of" : "on");
    rc_strbuf_appendf(&m, quoted ? "'%s'" : "%s", f->subject);
    /* A field of a global struct or an element of a global array: the subject stays
     * the variable (as the static analyser names it), the message says where in it. */
    const rc_tsan_location_t *l = &r->location;
    if (l->kind == RC_TSAN_LOC_GLOBAL && cur && cur->addr > l->addr &&
        cur->addr - l->addr < l->size)
        rc_strbuf_appendf(&m, " (offset %llu)", cur->addr - l->addr);
    if (cur) {
        rc_strbuf_append(&m, ": ");
        access_phrase(&m, r, cur, 1);
    }
    if (prev) {
        if (uaf && is_free(r, prev)) {
            rc_strbuf_append(&m, cur ? " after free by " : ": freed by ");
            thread_name(&m, prev->thread);
            in_function(&m, user_frame(r, prev->stack));
        } else {
            rc_strbuf_append(&m, cur ? " races with previous " : ": previous ");
            access_phrase(&m, r, prev, 0);
        }
    }
    f->message = take(&m);

    set_primary(f, cur ? user_frame(r, cur->stack) : NULL);
    if (f->loc.file && cur)
        set_thread(&f->loc, r, cur->thread);
    if (!f->loc.file)
        set_primary(f, first_user_in(r, RC_TSAN_STACK_ACCESS));
    for (size_t i = 0; i < r->naccesses; i++) {
        const rc_tsan_access_t *a = &r->accesses[i];
        if (a == cur)
            continue;
        rc_strbuf_t note = {0};
        if (uaf && is_free(r, a)) {
            rc_strbuf_append(&note, "freed by ");
            thread_name(&note, a->thread);
        } else {
            if (a->previous)
                rc_strbuf_append(&note, "previous ");
            access_phrase(&note, r, a, 1);
        }
        set_thread(add_related(f, user_frame(r, a->stack), note.s, 0), r, a->thread);
        rc_strbuf_close(&note);
    }
    if (r->location.kind == RC_TSAN_LOC_HEAP || r->location.kind == RC_TSAN_LOC_FD) {
        rc_strbuf_t note = {0};
        rc_strbuf_append(&note, r->location.kind == RC_TSAN_LOC_HEAP ? "block allocated by "
                                                                     : "descriptor created by ");
        thread_name(&note, r->location.thread);
        set_thread(add_related(f, user_frame(r, r->location.stack), note.s, 0), r,
                   r->location.thread);
        rc_strbuf_close(&note);
    }
    /* Mutexes the accesses held: where each was first used, and by whom it was held. */
    for (size_t i = 0; i < r->nmutexes; i++) {
        const rc_tsan_mutex_t *mx = &r->mutexes[i];
        rc_strbuf_t note = {0};
        rc_strbuf_appendf(&note, "mutex %s", mx->id);
        for (size_t j = 0; j < r->naccesses; j++)
            if (holds(r->accesses[j].mutexes, mx->id)) {
                rc_strbuf_append(&note, " (held by ");
                thread_name(&note, r->accesses[j].thread);
                rc_strbuf_append(&note, ")");
                break;
            }
        rc_strbuf_append(&note, " first used here");
        add_related(f, user_frame(r, mx->stack), note.s, 0);
        rc_strbuf_close(&note);
    }
    add_thread_sites(f, r);
}

/* Compares mutex ids so that M2 sorts before M10. */
static int cmp_mutex_id(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    if (x[0] == 'M' && y[0] == 'M' && isdigit((unsigned char)x[1]) &&
        isdigit((unsigned char)y[1])) {
        unsigned long long nx = strtoull(x + 1, NULL, 10), ny = strtoull(y + 1, NULL, 10);
        if (nx != ny)
            return nx < ny ? -1 : 1;
    }
    return strcmp(x, y);
}

static void convert_lock_order(rc_finding_t *f, const rc_tsan_report_t *r)
{
    /* The subject names the mutexes of the cycle; without a cycle line, those of the edges. */
    size_t n = 0;
    const char **ids = rc_xcalloc(r->ncycle + 2 * r->nedges + 1, sizeof *ids);
    for (size_t i = 0; i < r->ncycle; i++)
        ids[n++] = r->cycle[i];
    if (n == 0) {
        for (size_t i = 0; i < r->nedges; i++) {
            const char *cand[2] = {r->edges[i].acquired, r->edges[i].held};
            for (int k = 0; k < 2; k++) {
                int seen = !cand[k];
                for (size_t j = 0; j < n && !seen; j++)
                    seen = strcmp(ids[j], cand[k]) == 0;
                if (!seen)
                    ids[n++] = cand[k];
            }
        }
    }
    rc_sort(ids, n, sizeof *ids, cmp_mutex_id);
    rc_strbuf_t s = {0};
    for (size_t i = 0; i < n; i++)
        rc_strbuf_appendf(&s, "%s%s", i ? "," : "", ids[i]);
    free(ids);
    f->subject = take(&s);

    rc_strbuf_t m = {0};
    rc_strbuf_appendf(&m, "lock-order inversion (potential deadlock) over %s", f->subject);
    for (size_t i = 0; i < r->nedges; i++) {
        const rc_tsan_edge_t *e = &r->edges[i];
        if (i == MAX_MESSAGE_EDGES) {
            rc_strbuf_appendf(&m, "; and %zu more", r->nedges - i);
            break;
        }
        rc_strbuf_append(&m, i ? "; " : ": ");
        thread_name(&m, e->thread);
        rc_strbuf_appendf(&m, " acquires %s while holding %s", e->acquired,
                          e->held ? e->held : "another mutex");
        in_function(&m, user_frame(r, e->stack));
    }
    f->message = take(&m);

    for (size_t i = 0; i < r->nedges; i++) {
        const rc_tsan_edge_t *e = &r->edges[i];
        const rc_tsan_frame_t *at = user_frame(r, e->stack);
        if (i == 0 && at) {
            set_primary(f, at);
            set_thread(&f->loc, r, e->thread);
        } else {
            rc_strbuf_t note = {0};
            thread_name(&note, e->thread);
            rc_strbuf_appendf(&note, " acquires %s while holding %s", e->acquired,
                              e->held ? e->held : "another mutex");
            set_thread(add_related(f, at, note.s, 0), r, e->thread);
            rc_strbuf_close(&note);
        }
        rc_strbuf_t note = {0};
        thread_name(&note, e->thread);
        rc_strbuf_appendf(&note, " acquired %s here, before %s", e->held ? e->held : "a mutex",
                          e->acquired);
        set_thread(add_related(f, user_frame(r, e->held_stack), note.s, 0), r, e->thread);
        rc_strbuf_close(&note);
    }
    if (!f->loc.file)
        set_primary(f, first_user_in(r, -1));
    add_thread_sites(f, r);
}

/* The mutex a misuse report is about: its global's name, else its M id. */
static char *mutex_subject(const rc_tsan_report_t *r, int *quoted)
{
    *quoted = 0;
    if (r->location.kind == RC_TSAN_LOC_GLOBAL && r->location.name) {
        *quoted = 1;
        return variable_name(r->location.name);
    }
    if (r->location.kind == RC_TSAN_LOC_HEAP || r->location.kind == RC_TSAN_LOC_STACK ||
        r->location.kind == RC_TSAN_LOC_TLS)
        return memory_subject(r, NULL, quoted);
    if (r->nmutexes > 0)
        return rc_xstrdup(r->mutexes[0].id);
    return rc_xstrdup("a mutex");
}

static void convert_mutex_misuse(rc_finding_t *f, const rc_tsan_report_t *r, const char *rule)
{
    int quoted;
    f->subject = mutex_subject(r, &quoted);
    const rc_tsan_frame_t *at = first_user_in(r, RC_TSAN_STACK_REPORT);
    if (!at)
        at = first_user_in(r, -1);
    set_primary(f, at);

    char *subj;
    if (quoted)
        subj = rc_xasprintf("mutex '%s'", f->subject);
    else if (r->location.kind != RC_TSAN_LOC_NONE)
        subj = rc_xasprintf("a mutex in the %s", f->subject);
    else if (r->nmutexes > 0)
        subj = rc_xasprintf("mutex %s", f->subject);
    else
        subj = rc_xstrdup(f->subject);
    rc_strbuf_t m = {0};
    if (has_prefix(r->kind, "read lock"))
        rc_strbuf_appendf(&m, "read lock of %s while it is write-locked", subj);
    else if (strcmp(rule, "lock.double-lock") == 0)
        rc_strbuf_appendf(&m, "double lock of %s", subj);
    else if (has_prefix(r->kind, "read unlock"))
        rc_strbuf_appendf(&m, "read unlock of %s while it is write-locked", subj);
    else if (strcmp(rule, "lock.unlock-not-held") == 0)
        rc_strbuf_appendf(&m, "unlock of %s that is not held (or held by another thread)", subj);
    else if (strcmp(rule, "lock.destroy-locked") == 0)
        rc_strbuf_appendf(&m, "destroy of %s while it is locked", subj);
    else
        rc_strbuf_appendf(&m, "invalid use of %s (uninitialized or destroyed)", subj);
    in_function(&m, at);
    f->message = take(&m);

    for (size_t i = 0; i < r->nstacks; i++) {
        const rc_tsan_stack_t *st = &r->stacks[i];
        char *note = NULL;
        if (st->role == RC_TSAN_STACK_OTHER && strcmp(st->title, "and:") == 0 &&
            strcmp(rule, "lock.destroy-locked") == 0)
            note = rc_xasprintf("%s locked here", subj);
        else if (st->role == RC_TSAN_STACK_MUTEX)
            note = rc_xasprintf("%s first used here", subj);
        else if (st->role == RC_TSAN_STACK_OTHER)
            note = dupn(st->title, strlen(st->title) - 1);
        if (note)
            add_related(f, user_frame(r, (int)i), note, 1);
        free(note);
    }
    free(subj);
    add_thread_sites(f, r);
}

static void convert_thread_leak(rc_finding_t *f, const rc_tsan_report_t *r)
{
    const rc_tsan_thread_t *th = r->nthreads > 0 ? &r->threads[0] : NULL;
    const rc_tsan_frame_t *at = th ? user_frame(r, th->stack) : NULL;
    /* The subject is the creating function, as the shim ingestion names a leak: thread
     * numbers depend on the schedule and would make the fingerprint unstable. */
    f->subject = rc_xstrdup(at && at->function ? at->function : "thread");
    rc_strbuf_t m = {0};
    rc_strbuf_append(&m, "thread leak: ");
    if (th)
        thread_name(&m, th->id);
    else
        rc_strbuf_append(&m, "a thread");
    rc_strbuf_append(&m, " created");
    in_function(&m, at);
    rc_strbuf_append(&m, " is never joined or detached");
    if (r->similar)
        rc_strbuf_appendf(&m, " (and %u more similar leaks)", r->similar);
    f->message = take(&m);
    set_primary(f, at);
    for (size_t i = 1; i < r->nthreads; i++) {
        rc_strbuf_t note = {0};
        thread_name(&note, r->threads[i].id);
        rc_strbuf_append(&note, " created");
        add_related(f, user_frame(r, r->threads[i].stack), note.s, 0);
        rc_strbuf_close(&note);
    }
}

/* The user frame at or after index `from` in `st`, or NULL. */
static const rc_tsan_frame_t *user_frame_from(const rc_tsan_stack_t *st, size_t from)
{
    for (size_t i = from; i < st->nframes; i++)
        if (frame_is_user(&st->frames[i]))
            return &st->frames[i];
    return NULL;
}

static void convert_signal(rc_finding_t *f, const rc_tsan_report_t *r, int errno_kind)
{
    /* The handler is the first user frame of the report's first stack with one. */
    const rc_tsan_stack_t *st = NULL;
    int hi = -1;
    for (size_t i = 0; i < r->nstacks && hi < 0; i++) {
        hi = rc_tsan_first_user_frame(&r->stacks[i]);
        st = &r->stacks[i];
    }
    const rc_tsan_frame_t *handler = hi >= 0 ? &st->frames[hi] : NULL;
    set_primary(f, handler);
    f->subject = rc_xstrdup(handler && handler->function ? handler->function : "signal handler");
    rc_strbuf_t m = {0};
    if (errno_kind) {
        rc_strbuf_append(&m, "signal handler");
        if (handler && handler->function)
            rc_strbuf_appendf(&m, " '%s'", handler->function);
        rc_strbuf_append(&m, " changes errno without restoring it");
        if (st && has_prefix(st->title, "Signal ")) {
            const char *p = st->title + strlen("Signal ");
            int ok;
            unsigned long long sig = read_dec(&p, &ok);
            if (ok)
                rc_strbuf_appendf(&m, " (signal %llu)", sig);
        }
    } else {
        /* What the handler called (the nearest named frame below it) and what TSan
         * caught (frame 0): printf and malloc when printf allocates its buffer. */
        const char *called = NULL, *caught = st && st->nframes > 0 ? st->frames[0].function : NULL;
        for (int i = hi - 1; i >= 0 && !called; i--)
            if (st->frames[i].function && !is_runtime_function(st->frames[i].function))
                called = st->frames[i].function;
        rc_strbuf_append(&m, "call");
        if (called)
            rc_strbuf_appendf(&m, " to '%s'", called);
        if (caught && called && strcmp(caught, called) != 0)
            rc_strbuf_appendf(&m, " (which calls '%s')", caught);
        else if (caught && !called)
            rc_strbuf_appendf(&m, " to '%s'", caught);
        rc_strbuf_append(&m, ", which is not async-signal-safe, inside signal handler");
        if (handler && handler->function)
            rc_strbuf_appendf(&m, " '%s'", handler->function);
    }
    f->message = take(&m);
    if (handler) {
        const rc_tsan_frame_t *interrupted = user_frame_from(st, (size_t)hi + 1);
        if (interrupted) {
            rc_strbuf_t note = {0};
            rc_strbuf_append(&note, "signal arrived here");
            in_function(&note, interrupted);
            add_related(f, interrupted, note.s, 1);
            rc_strbuf_close(&note);
        }
    }
}

static void convert_unknown(rc_finding_t *f, const rc_tsan_report_t *r)
{
    const rc_tsan_frame_t *at = first_user_in(r, -1);
    set_primary(f, at);
    f->subject = rc_xstrdup(r->kind ? r->kind : "report");
    rc_strbuf_t m = {0};
    rc_strbuf_appendf(&m, "ThreadSanitizer: %s", r->kind ? r->kind : "report");
    in_function(&m, at);
    f->message = take(&m);
}

int rc_tsan_to_findings(const rc_tsan_report_t *reports, size_t n, rc_findings_t *out)
{
    for (size_t i = 0; i < n; i++) {
        const rc_tsan_report_t *r = &reports[i];
        const kind_rule_t *k = kind_rule(r->kind);
        const char *rule = k ? k->rule : "tsan.report";
        rc_finding_t *f = rc_findings_push(out);
        f->rule = rc_xstrdup(rule);
        f->severity = k ? k->severity : RC_SEV_WARNING;
        f->source = RC_SRC_TSAN;
        f->evidence = rc_xstrdup(r->raw);
        if (strcmp(rule, "race.data-race") == 0)
            convert_memory(f, r, 0);
        else if (strcmp(rule, "memory.use-after-free") == 0)
            convert_memory(f, r, 1);
        else if (strcmp(rule, "lock.order-inversion") == 0)
            convert_lock_order(f, r);
        else if (strcmp(rule, "thread.leak") == 0)
            convert_thread_leak(f, r);
        else if (has_prefix(rule, "lock."))
            convert_mutex_misuse(f, r, rule);
        else if (has_prefix(rule, "signal."))
            convert_signal(f, r, strcmp(rule, "signal.errno-spoiled") == 0);
        else
            convert_unknown(f, r);
    }
    return RC_OK;
}

int rc_tsan_ingest_file(const char *path, rc_findings_t *out, rc_tsan_stats_t *stats,
                        rc_error_t *err)
{
    if (!path || !out)
        return rc_error_set(err, RC_EINVAL, "rc_tsan_ingest_file: NULL argument");
    char *text = NULL;
    size_t len = 0;
    int rc = rc_read_file(path, &text, &len, err);
    if (rc != RC_OK)
        return rc;
    rc_tsan_report_t *reports = NULL;
    size_t n = 0;
    rc = rc_tsan_parse(text, len, &reports, &n, stats, err);
    free(text);
    if (rc != RC_OK)
        return rc;
    rc_tsan_to_findings(reports, n, out);
    rc_tsan_reports_free(reports, n);
    return RC_OK;
}
