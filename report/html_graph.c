/*
 * html_graph.c - the lock-order graph as inline SVG (see html_graph.h).
 *
 * Pipeline: graph_build() turns the process's edges into nodes (locks with an
 * edge) and arcs (distinct ordered lock pairs); a layout gives every node a
 * centre and size and every arc a cubic Bezier path that ends where its
 * arrowhead starts; draw_arc() and draw_node() write the picture.
 *
 * Graphviz's plain output (`dot -Tplain`), the only format parsed here:
 *
 *   | line                                               | unit                   |
 *   |----------------------------------------------------|------------------------|
 *   | graph SCALE WIDTH HEIGHT                           | inches                 |
 *   | node NAME X Y WIDTH HEIGHT LABEL STYLE SHAPE ...   | centre, inches, y up   |
 *   | edge TAIL HEAD N X1 Y1 ... XN YN [LABEL XL YL] ... | B-spline control points|
 *   | stop                                               |                        |
 *
 * Tokens are separated by blanks; a token with blanks or quotes is
 * double-quoted with backslash escapes. Nodes are named n<index> so names
 * never need quoting; labels are only skipped.
 *
 * Coordinates are written with one decimal by integer arithmetic, so the
 * output does not depend on the locale. The module does not link libm: the
 * geometry needs only a square root and the sine of a few angles, computed
 * below to far better than a tenth of a pixel.
 */
#include "html_graph.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "html_esc.h"

extern char **environ;

#define PI 3.14159265358979323846
#define FONT_SIZE 11.0       /* px, also the dot fontsize in points (1 pt = 1 px here) */
#define CHAR_WIDTH 6.6       /* average advance of the sans-serif font at FONT_SIZE */
#define NODE_HEIGHT 24.0     /* px */
#define LABEL_MAX 32         /* code points of a lock label in the picture */
#define ARROW 9.0            /* arrowhead length, px */
#define MARGIN 12.0          /* around the picture, px */
#define DOT_TIMEOUT_MS 10000 /* a layout that takes longer is abandoned */
#define DOT_OUTPUT_MAX (16u << 20)

#define COLOR_EDGE "#4a5568"
#define COLOR_CYCLE "#c53030"

typedef struct node {
    size_t lock;       /* index into p->locks */
    char *label;       /* UTF-8, cut to LABEL_MAX code points */
    double x, y, w, h; /* centre and size, px, y down */
} node_t;

typedef struct arc {
    size_t from, to; /* node indices */
    int cycle;       /* lies on a cycle */
    int trylock;     /* every edge behind it was a trylock */
    int64_t count;   /* acquisitions, summed over its edges */
    int *tids;       /* threads that took it, ascending, distinct */
    size_t ntids;
    double *pts; /* x0 y0, then three points per cubic segment */
    size_t npts; /* points, not doubles: 1 + 3k */
} arc_t;

typedef struct graph {
    node_t *nodes;
    size_t nnodes;
    arc_t *arcs;
    size_t narcs;
    double width, height;
} graph_t;

/* ---- Small geometry without libm ----------------------------------------- */

static double xsqrt(double v)
{
    if (v <= 0)
        return 0;
    double x = v >= 1 ? v : 1;
    for (int i = 0; i < 64; i++) {
        double nx = 0.5 * (x + v / x);
        if (nx == x)
            break;
        x = nx;
    }
    return x;
}

/* sin and cos of A radians, |A| <= 2 pi, by Taylor series after reduction to
 * [-pi, pi] (error below 1e-9 there with 20 terms). */
static void xsincos(double a, double *s, double *c)
{
    while (a > PI)
        a -= 2 * PI;
    while (a < -PI)
        a += 2 * PI;
    double term_s = a, term_c = 1, sum_s = a, sum_c = 1;
    for (int k = 1; k < 20; k++) {
        term_s *= -a * a / ((2.0 * k) * (2.0 * k + 1));
        term_c *= -a * a / ((2.0 * k - 1) * (2.0 * k));
        sum_s += term_s;
        sum_c += term_c;
    }
    *s = sum_s;
    *c = sum_c;
}

/* Appends V rounded to one decimal ("12.3", "-0.5", "7"). */
static void put_num(rc_strbuf_t *b, double v)
{
    long long t = (long long)(v * 10 + (v >= 0 ? 0.5 : -0.5));
    if (t < 0) {
        rc_strbuf_append(b, "-");
        t = -t;
    }
    if (t % 10)
        rc_strbuf_appendf(b, "%lld.%lld", t / 10, t % 10);
    else
        rc_strbuf_appendf(b, "%lld", t / 10);
}

/* Where the ray from the centre of N in direction (DX, DY) leaves its box. */
static void box_exit(const node_t *n, double dx, double dy, double *x, double *y)
{
    double len = xsqrt(dx * dx + dy * dy);
    if (len == 0) {
        *x = n->x, *y = n->y - n->h / 2;
        return;
    }
    dx /= len, dy /= len;
    double tx = dx != 0 ? (n->w / 2) / (dx < 0 ? -dx : dx) : 1e300;
    double ty = dy != 0 ? (n->h / 2) / (dy < 0 ? -dy : dy) : 1e300;
    double t = tx < ty ? tx : ty;
    *x = n->x + t * dx, *y = n->y + t * dy;
}

/* ---- The graph ------------------------------------------------------------ */

char *html_lock_label(const rc_sum_lock_t *l)
{
    if (l->name && *l->name)
        return rc_xstrdup(l->name);
    return rc_xasprintf("%s %#llx", l->kind && *l->kind ? l->kind : "lock",
                        (unsigned long long)l->addr);
}

static void add_tid(arc_t *a, int tid)
{
    size_t i = 0;
    while (i < a->ntids && a->tids[i] < tid)
        i++;
    if (i < a->ntids && a->tids[i] == tid)
        return;
    a->tids = rc_xrealloc(a->tids, (a->ntids + 1) * sizeof *a->tids);
    memmove(a->tids + i + 1, a->tids + i, (a->ntids - i) * sizeof *a->tids);
    a->tids[i] = tid;
    a->ntids++;
}

/* The width of a box around LABEL, from the average advance of the font. */
static double node_width(const char *label)
{
    return (double)html_text_width(label) * CHAR_WIDTH + 18;
}

/* Nodes in the order of p->locks (most acquired first), arcs in the order of
 * their first edge: both deterministic for a given store. */
static void graph_build(const rc_sum_process_t *p, graph_t *g)
{
    memset(g, 0, sizeof *g);
    size_t *node_of = rc_xcalloc(p->nlocks ? p->nlocks : 1, sizeof *node_of);
    char *used = rc_xcalloc(p->nlocks ? p->nlocks : 1, 1);
    for (size_t i = 0; i < p->nedges; i++)
        used[p->edges[i].from] = used[p->edges[i].to] = 1;
    g->nodes = rc_xcalloc(p->nlocks ? p->nlocks : 1, sizeof *g->nodes);
    for (size_t l = 0; l < p->nlocks; l++) {
        if (!used[l])
            continue;
        node_t *n = &g->nodes[g->nnodes];
        node_of[l] = g->nnodes++;
        n->lock = l;
        char *raw = html_lock_label(&p->locks[l]);
        rc_strbuf_t b;
        rc_strbuf_init(&b);
        html_clean_utf8(&b, raw, LABEL_MAX);
        n->label = rc_strbuf_take(&b);
        free(raw);
        n->w = node_width(n->label);
        n->h = NODE_HEIGHT;
    }
    int *cyc = rc_xcalloc(p->nedges ? p->nedges : 1, sizeof *cyc);
    rc_summary_edges_on_cycle(p, cyc);
    g->arcs = rc_xcalloc(p->nedges ? p->nedges : 1, sizeof *g->arcs);
    for (size_t i = 0; i < p->nedges; i++) {
        const rc_sum_edge_t *e = &p->edges[i];
        size_t from = node_of[e->from], to = node_of[e->to], k;
        for (k = 0; k < g->narcs; k++)
            if (g->arcs[k].from == from && g->arcs[k].to == to)
                break;
        arc_t *a = &g->arcs[k];
        if (k == g->narcs) {
            g->narcs++;
            a->from = from, a->to = to, a->trylock = 1;
        }
        a->cycle |= cyc[i];
        a->trylock &= e->trylock != 0;
        a->count += e->count;
        add_tid(a, e->tid);
    }
    free(cyc);
    free(used);
    free(node_of);
}

static void graph_free(graph_t *g)
{
    for (size_t i = 0; i < g->nnodes; i++)
        free(g->nodes[i].label);
    for (size_t i = 0; i < g->narcs; i++)
        free(g->arcs[i].tids), free(g->arcs[i].pts);
    free(g->nodes);
    free(g->arcs);
}

static void arc_set_points(arc_t *a, const double *xy, size_t npts)
{
    free(a->pts);
    a->pts = rc_xmalloc(npts * 2 * sizeof *a->pts);
    memcpy(a->pts, xy, npts * 2 * sizeof *a->pts);
    a->npts = npts;
}

/* Moves the drawing so that its bounding box (node boxes, arc control points,
 * which contain each Bezier curve, and arrow tips) starts at MARGIN, and sets
 * the picture's size to fit it. */
static void fit(graph_t *g)
{
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
#define GROW(x, y)                                                                                 \
    do {                                                                                           \
        if ((x) < x0)                                                                              \
            x0 = (x);                                                                              \
        if ((x) > x1)                                                                              \
            x1 = (x);                                                                              \
        if ((y) < y0)                                                                              \
            y0 = (y);                                                                              \
        if ((y) > y1)                                                                              \
            y1 = (y);                                                                              \
    } while (0)
    for (size_t i = 0; i < g->nnodes; i++) {
        const node_t *n = &g->nodes[i];
        GROW(n->x - n->w / 2, n->y - n->h / 2);
        GROW(n->x + n->w / 2, n->y + n->h / 2);
    }
    for (size_t k = 0; k < g->narcs; k++)
        for (size_t j = 0; j < g->arcs[k].npts; j++)
            GROW(g->arcs[k].pts[2 * j], g->arcs[k].pts[2 * j + 1]);
#undef GROW
    /* Arrow tips reach ARROW past the last point; allow for it on every side. */
    double dx = MARGIN + ARROW - x0, dy = MARGIN + ARROW - y0;
    for (size_t i = 0; i < g->nnodes; i++)
        g->nodes[i].x += dx, g->nodes[i].y += dy;
    for (size_t k = 0; k < g->narcs; k++)
        for (size_t j = 0; j < g->arcs[k].npts; j++)
            g->arcs[k].pts[2 * j] += dx, g->arcs[k].pts[2 * j + 1] += dy;
    g->width = x1 - x0 + 2 * (MARGIN + ARROW);
    g->height = y1 - y0 + 2 * (MARGIN + ARROW);
}

/* ---- Built-in layout ------------------------------------------------------ */

static int has_arc(const graph_t *g, size_t from, size_t to)
{
    for (size_t k = 0; k < g->narcs; k++)
        if (g->arcs[k].from == from && g->arcs[k].to == to)
            return 1;
    return 0;
}

/*
 * Nodes evenly spaced on a circle, the first at the top, clockwise; the
 * radius grows with the number and width of the labels so that neighbours do
 * not overlap. A straight arrow joins two locks; when they point at each
 * other both arrows bow out to their right so they stay apart. A self arrow
 * is a loop on the outer side of its node.
 */
static void layout_builtin(graph_t *g)
{
    size_t n = g->nnodes;
    double maxw = 0;
    for (size_t i = 0; i < n; i++)
        if (g->nodes[i].w > maxw)
            maxw = g->nodes[i].w;
    /* Neighbours are 2 R sin(pi / n) apart; keep that above the widest label. */
    double r = 0;
    if (n > 1) {
        double s, c;
        xsincos(PI / (double)n, &s, &c);
        r = (maxw + 24) / (2 * s);
        if (r < 70)
            r = 70;
    }
    double loop = 36; /* room for self loops outside the circle */
    double cx = MARGIN + loop + maxw / 2 + r, cy = MARGIN + loop + NODE_HEIGHT / 2 + r;
    g->width = 2 * cx, g->height = 2 * cy;
    for (size_t i = 0; i < n; i++) {
        double s, c;
        xsincos(-PI / 2 + 2 * PI * (double)i / (double)(n ? n : 1), &s, &c);
        g->nodes[i].x = cx + r * c;
        g->nodes[i].y = cy + r * s;
    }
    for (size_t k = 0; k < g->narcs; k++) {
        arc_t *a = &g->arcs[k];
        const node_t *u = &g->nodes[a->from], *v = &g->nodes[a->to];
        double xy[8];
        if (a->from == a->to) {
            /* Outward direction from the circle's centre (up for one node). */
            double ox = u->x - cx, oy = u->y - cy, len = xsqrt(ox * ox + oy * oy);
            if (len < 1e-9)
                ox = 0, oy = -1;
            else
                ox /= len, oy /= len;
            double px = -oy, py = ox; /* perpendicular */
            double sx, sy, ex, ey;
            box_exit(u, ox + 0.6 * px, oy + 0.6 * py, &sx, &sy);
            box_exit(u, ox - 0.6 * px, oy - 0.6 * py, &ex, &ey);
            double c1x = sx + 40 * ox + 10 * px, c1y = sy + 40 * oy + 10 * py;
            double c2x = ex + 40 * ox - 10 * px, c2y = ey + 40 * oy - 10 * py;
            /* Stop short of the box by the arrowhead, along the last tangent. */
            double tx = ex - c2x, ty = ey - c2y, tl = xsqrt(tx * tx + ty * ty);
            double bx = ex - ARROW * tx / tl, by = ey - ARROW * ty / tl;
            double pts[8] = {sx, sy, c1x, c1y, c2x, c2y, bx, by};
            memcpy(xy, pts, sizeof pts);
        } else {
            double dx = v->x - u->x, dy = v->y - u->y, len = xsqrt(dx * dx + dy * dy);
            double ux = dx / len, uy = dy / len;
            double bend = has_arc(g, a->to, a->from) ? 0.35 : 0;
            /* Bowing to the right of the travel direction: (-uy, ux) in y-down space. */
            double rx = -uy * bend, ry = ux * bend;
            double sx, sy, ex, ey;
            box_exit(u, ux + rx, uy + ry, &sx, &sy);
            box_exit(v, -ux + rx, -uy + ry, &ex, &ey);
            double dist = xsqrt((ex - sx) * (ex - sx) + (ey - sy) * (ey - sy));
            double off = bend * dist * 0.5;
            double c1x = sx + (ex - sx) / 3 - uy * off, c1y = sy + (ey - sy) / 3 + ux * off;
            double c2x = sx + 2 * (ex - sx) / 3 - uy * off, c2y = sy + 2 * (ey - sy) / 3 + ux * off;
            double tx = ex - c2x, ty = ey - c2y, tl = xsqrt(tx * tx + ty * ty);
            double bx = ex - ARROW * tx / tl, by = ey - ARROW * ty / tl;
            double pts[8] = {sx, sy, c1x, c1y, c2x, c2y, bx, by};
            memcpy(xy, pts, sizeof pts);
        }
        arc_set_points(a, xy, 4);
    }
    fit(g);
}

/* ---- Graphviz layout ------------------------------------------------------ */

/* Appends S as the body of a DOT double-quoted string. */
static void dot_quote(rc_strbuf_t *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            rc_strbuf_append(b, "\\");
        rc_strbuf_appendn(b, s, 1);
    }
}

static char *dot_source(const graph_t *g)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    rc_strbuf_appendf(&b,
                      "digraph locks {\n"
                      "  graph [nodesep=0.35, ranksep=0.45, pad=0];\n"
                      "  node [shape=box, fontname=\"Helvetica\", fontsize=%d, height=%.2f,"
                      " margin=\"0.12,0.04\"];\n"
                      "  edge [arrowsize=0.8];\n",
                      (int)FONT_SIZE, NODE_HEIGHT / 72.0);
    for (size_t i = 0; i < g->nnodes; i++) {
        rc_strbuf_appendf(&b, "  n%zu [label=\"", i);
        dot_quote(&b, g->nodes[i].label);
        rc_strbuf_append(&b, "\"];\n");
    }
    for (size_t k = 0; k < g->narcs; k++)
        rc_strbuf_appendf(&b, "  n%zu -> n%zu;\n", g->arcs[k].from, g->arcs[k].to);
    rc_strbuf_append(&b, "}\n");
    return rc_strbuf_take(&b);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Runs DOT -Tplain with INPUT on its standard input (a temporary file, so
 * neither side can block on a full pipe) and returns what it printed, or NULL
 * when it could not be started, failed, or outlived DOT_TIMEOUT_MS (it is
 * then killed). Its standard error goes to /dev/null. The caller frees the
 * result.
 */
static char *run_dot(const char *dot, const char *input)
{
    FILE *in = tmpfile();
    if (!in)
        return NULL;
    if (fputs(input, in) == EOF || fflush(in) != 0 || fseek(in, 0, SEEK_SET) != 0) {
        fclose(in);
        return NULL;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        fclose(in);
        return NULL;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fileno(in), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    char *argv[] = {(char *)dot, "-Tplain", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, dot, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    fclose(in);
    if (rc != 0) {
        close(fds[0]);
        return NULL;
    }
    rc_strbuf_t out;
    rc_strbuf_init(&out);
    long long deadline = now_ms() + DOT_TIMEOUT_MS;
    int ok = 1;
    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int pr = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0) {
            ok = 0; /* timed out, or poll failed */
            break;
        }
        char buf[8192];
        ssize_t got = read(fds[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        rc_strbuf_appendn(&out, buf, (size_t)got);
        if (out.len > DOT_OUTPUT_MAX) {
            ok = 0;
            break;
        }
    }
    close(fds[0]);
    if (!ok)
        kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        rc_strbuf_close(&out);
        return NULL;
    }
    return out.s ? rc_strbuf_take(&out) : rc_xstrdup("");
}

/* Splits LINE (modified in place) into at most MAX tokens; quoted tokens lose
 * their quotes and escapes. Returns the number of tokens. */
static size_t tokenize(char *line, char **tok, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (*p && n < max) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (!*p)
            break;
        if (*p == '"') {
            char *w = ++p;
            tok[n++] = w;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                *w++ = *p++;
            }
            if (*p)
                p++;
            *w = '\0';
        } else {
            tok[n++] = p;
            while (*p && *p != ' ' && *p != '\t' && *p != '\r')
                p++;
            if (*p)
                *p++ = '\0';
        }
    }
    return n;
}

static int parse_num(const char *s, double *v)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || errno || d != d || d > 1e7 || d < -1e7)
        return -1;
    *v = d;
    return 0;
}

/* "n<index>" -> index, or (size_t)-1 when S is not a node of G. */
static size_t node_name(const graph_t *g, const char *s)
{
    if (s[0] != 'n' || !s[1])
        return (size_t)-1;
    char *end;
    unsigned long v = strtoul(s + 1, &end, 10);
    return *end || v >= g->nnodes ? (size_t)-1 : (size_t)v;
}

/*
 * Applies dot's plain output TEXT to G. Returns 0 when every node and arc got
 * a position, else -1 (G's positions are then partly set and must be
 * recomputed by the built-in layout).
 */
static int apply_plain(graph_t *g, char *text)
{
    double scale = 72, height = -1;
    size_t placed = 0, routed = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tok[4096];
        size_t n = tokenize(line, tok, sizeof tok / sizeof tok[0]);
        if (n == 0)
            continue;
        if (strcmp(tok[0], "graph") == 0) {
            double s, w, h;
            if (n < 4 || parse_num(tok[1], &s) || parse_num(tok[2], &w) || parse_num(tok[3], &h))
                return -1;
            scale = 72 * s;
            height = h;
            g->width = w * scale + 2 * MARGIN;
            g->height = h * scale + 2 * MARGIN;
        } else if (strcmp(tok[0], "node") == 0) {
            size_t i;
            double x, y, w, h;
            if (height < 0 || n < 6 || (i = node_name(g, tok[1])) == (size_t)-1 ||
                parse_num(tok[2], &x) || parse_num(tok[3], &y) || parse_num(tok[4], &w) ||
                parse_num(tok[5], &h))
                return -1;
            node_t *nd = &g->nodes[i];
            nd->x = MARGIN + x * scale;
            nd->y = MARGIN + (height - y) * scale;
            nd->w = w * scale;
            nd->h = h * scale;
            placed++;
        } else if (strcmp(tok[0], "edge") == 0) {
            size_t from, to, k;
            double np;
            if (height < 0 || n < 4 || (from = node_name(g, tok[1])) == (size_t)-1 ||
                (to = node_name(g, tok[2])) == (size_t)-1 || parse_num(tok[3], &np) || np < 4 ||
                np != (double)(size_t)np || ((size_t)np - 1) % 3 != 0 || n < 4 + 2 * (size_t)np)
                return -1;
            for (k = 0; k < g->narcs; k++)
                if (g->arcs[k].from == from && g->arcs[k].to == to)
                    break;
            if (k == g->narcs || g->arcs[k].pts)
                return -1;
            size_t npts = (size_t)np;
            double *xy = rc_xmalloc(npts * 2 * sizeof *xy);
            for (size_t j = 0; j < npts; j++) {
                double x, y;
                if (parse_num(tok[4 + 2 * j], &x) || parse_num(tok[5 + 2 * j], &y)) {
                    free(xy);
                    return -1;
                }
                xy[2 * j] = MARGIN + x * scale;
                xy[2 * j + 1] = MARGIN + (height - y) * scale;
            }
            arc_set_points(&g->arcs[k], xy, npts);
            free(xy);
            routed++;
        } else if (strcmp(tok[0], "stop") == 0) {
            break;
        }
    }
    return placed == g->nnodes && routed == g->narcs ? 0 : -1;
}

static int layout_dot(graph_t *g, const char *dot)
{
    char *src = dot_source(g);
    char *plain = run_dot(dot, src);
    free(src);
    if (!plain)
        return -1;
    int rc = apply_plain(g, plain);
    free(plain);
    return rc;
}

/* ---- Drawing -------------------------------------------------------------- */

static void put_point(rc_strbuf_t *b, double x, double y)
{
    put_num(b, x);
    rc_strbuf_append(b, ",");
    put_num(b, y);
}

static void draw_arc(rc_strbuf_t *b, const graph_t *g, const arc_t *a)
{
    const char *color = a->cycle ? COLOR_CYCLE : COLOR_EDGE;
    rc_strbuf_appendf(b, "<g class=\"edge%s\"><title>", a->cycle ? " cycle" : "");
    html_esc(b, g->nodes[a->from].label, HTML_LINE);
    rc_strbuf_append(b, " \xe2\x86\x92 "); /* U+2192 */
    html_esc(b, g->nodes[a->to].label, HTML_LINE);
    rc_strbuf_append(b, ": thread");
    rc_strbuf_append(b, a->ntids > 1 ? "s " : " ");
    for (size_t i = 0; i < a->ntids; i++)
        rc_strbuf_appendf(b, "%sT%d", i ? ", " : "", a->tids[i]);
    rc_strbuf_appendf(b, ", %lld time%s", (long long)a->count, a->count == 1 ? "" : "s");
    if (a->trylock)
        rc_strbuf_append(b, ", trylock only");
    if (a->cycle)
        rc_strbuf_append(b, "; on a cycle");
    rc_strbuf_append(b, "</title><path d=\"M");
    put_point(b, a->pts[0], a->pts[1]);
    for (size_t i = 1; i + 2 < a->npts; i += 3) {
        rc_strbuf_append(b, " C");
        for (size_t j = 0; j < 3; j++) {
            rc_strbuf_append(b, j ? " " : "");
            put_point(b, a->pts[2 * (i + j)], a->pts[2 * (i + j) + 1]);
        }
    }
    rc_strbuf_appendf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s/>", color,
                      a->cycle ? "2" : "1.4", a->trylock ? " stroke-dasharray=\"5,3\"" : "");
    /* The arrowhead continues the path's last tangent from its end point. */
    size_t last = a->npts - 1, prev = last;
    double ex = a->pts[2 * last], ey = a->pts[2 * last + 1], dx = 0, dy = 0, len = 0;
    while (prev > 0 && len < 1e-6) {
        prev--;
        dx = ex - a->pts[2 * prev], dy = ey - a->pts[2 * prev + 1];
        len = xsqrt(dx * dx + dy * dy);
    }
    if (len < 1e-6)
        dx = 0, dy = 1, len = 1;
    dx /= len, dy /= len;
    double tx = ex + ARROW * dx, ty = ey + ARROW * dy, w = ARROW * 0.45;
    rc_strbuf_append(b, "<polygon points=\"");
    put_point(b, tx, ty);
    rc_strbuf_append(b, " ");
    put_point(b, ex - dy * w, ey + dx * w);
    rc_strbuf_append(b, " ");
    put_point(b, ex + dy * w, ey - dx * w);
    rc_strbuf_appendf(b, "\" fill=\"%s\"/></g>\n", color);
}

static void draw_node(rc_strbuf_t *b, const rc_sum_process_t *p, const node_t *n)
{
    const rc_sum_lock_t *l = &p->locks[n->lock];
    char *full = html_lock_label(l);
    rc_strbuf_append(b, "<g class=\"node\"><title>");
    html_esc(b, full, HTML_LINE);
    free(full);
    rc_strbuf_append(b, " (");
    html_esc(b, l->kind && *l->kind ? l->kind : "lock", HTML_LINE);
    rc_strbuf_appendf(b, " at %#llx, %lld acquisitions, %lld contended)",
                      (unsigned long long)l->addr, (long long)l->acquisitions,
                      (long long)l->contended);
    rc_strbuf_append(b, "</title><rect x=\"");
    put_num(b, n->x - n->w / 2);
    rc_strbuf_append(b, "\" y=\"");
    put_num(b, n->y - n->h / 2);
    rc_strbuf_append(b, "\" width=\"");
    put_num(b, n->w);
    rc_strbuf_append(b, "\" height=\"");
    put_num(b, n->h);
    rc_strbuf_append(b, "\" rx=\"4\" fill=\"#ffffff\" stroke=\"#2d3748\"/><text x=\"");
    put_num(b, n->x);
    rc_strbuf_append(b, "\" y=\"");
    put_num(b, n->y);
    rc_strbuf_appendf(b,
                      "\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"%d\""
                      " font-family=\"sans-serif\" fill=\"#1a202c\">",
                      (int)FONT_SIZE);
    html_esc(b, n->label, HTML_LINE);
    rc_strbuf_append(b, "</text></g>\n");
}

html_layout_t html_lockgraph_svg(rc_strbuf_t *out, const rc_sum_process_t *p, const char *dot)
{
    if (p->nedges == 0)
        return HTML_LAYOUT_NONE;
    graph_t g;
    graph_build(p, &g);
    html_layout_t used = HTML_LAYOUT_BUILTIN;
    if (dot && layout_dot(&g, dot) == 0) {
        used = HTML_LAYOUT_DOT;
    } else {
        /* A failed dot run may have left sizes of its own behind. */
        for (size_t i = 0; i < g.nnodes; i++) {
            g.nodes[i].w = node_width(g.nodes[i].label);
            g.nodes[i].h = NODE_HEIGHT;
        }
        layout_builtin(&g);
    }
    rc_strbuf_append(out, "<svg class=\"lockgraph\" role=\"img\" viewBox=\"0 0 ");
    put_num(out, g.width);
    rc_strbuf_append(out, " ");
    put_num(out, g.height);
    rc_strbuf_append(out, "\" width=\"");
    put_num(out, g.width);
    rc_strbuf_append(out, "\" height=\"");
    put_num(out, g.height);
    rc_strbuf_appendf(out, "\" aria-label=\"Lock-order graph: %zu locks, %zu arrows\">\n", g.nnodes,
                      g.narcs);
    for (size_t k = 0; k < g.narcs; k++)
        draw_arc(out, &g, &g.arcs[k]);
    for (size_t i = 0; i < g.nnodes; i++)
        draw_node(out, p, &g.nodes[i]);
    rc_strbuf_append(out, "</svg>\n");
    graph_free(&g);
    return used;
}
