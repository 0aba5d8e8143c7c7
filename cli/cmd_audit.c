/*
 * cmd_audit.c - `racecheck audit [DIR]`: the whole pipeline on a directory of
 * sample programs, checked against what each sample says it should produce.
 *
 * A sample is a .c file in DIR, or a subdirectory whose .c files make one
 * program. In its sources, `// expect: rule[, rule]` marks each line where a
 * finding is expected, and `// model: threads|processes|cooperative|signals`
 * names its concurrency model. Each sample is built twice (the C compiler,
 * and clang with -fsanitize=thread), scanned, and both binaries are run under
 * the shim; everything goes into one store. A finding matches an expectation
 * on the same file and line with the same rule; for data races any race.*
 * rule counts (TSan reports a race without knowing it is a read-modify-write).
 *
 *   column    meaning
 *   model     the sample's declared model (threads when it declares none)
 *   uses      the models static analysis sees in it (threads started, processes
 *             forked, event-loop callbacks or coroutines, signal handlers); the
 *             declared model must be among them
 *   expected  expectation marks
 *   static    expectations matched by a finding with static evidence
 *   shim      ... with shim evidence
 *   tsan      ... with TSan evidence
 *   verdict   ok, or what is missing and what is extra, or that the declared
 *             model was not seen
 *
 * Precision = matching findings / findings in the samples' files; recall =
 * expectations met / expectations.
 */
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage[] =
    "usage: racecheck audit [options] [DIR]\n"
    "\n"
    "Builds every sample program in DIR (default: samples), normally and with\n"
    "ThreadSanitizer, scans it, runs both builds under the shim, and compares the\n"
    "merged findings with the `// expect: rule` marks in its sources. Prints one row\n"
    "per sample (declared model, the models static analysis sees it use, expected,\n"
    "found by static / shim / TSan, verdict) and the overall precision and recall.\n"
    "A declared `// model:` the program does not use is a mismatch too.\n"
    "\n"
    "options:\n"
    "      --db PATH       store (default .racecheck/audit.db)\n"
    "      --cc CC         C compiler (default: $CC, else cc)\n"
    "      --clang CLANG   clang for the TSan builds (default: clang-19)\n"
    "      --no-tsan       skip the ThreadSanitizer builds\n"
    "      --timeout S     kill a sample after S seconds (default 60)\n"
    "  -v, --verbose       list every missing and extra finding\n"
    "  -h, --help          this help\n"
    "\n"
    "exit status: 0 every sample as expected, 1 a mismatch, 2 usage error,\n"
    "             3 a sample did not build or a tool failed\n";

typedef struct expect {
    char *base;
    unsigned line;
    char *rule;
    int met;
} expect_t;

typedef struct sample {
    char *name;
    char **srcs;
    size_t nsrcs;
    char *model;
    expect_t *exp;
    size_t nexp;
} sample_t;

static int is_c(const char *name)
{
    size_t n = strlen(name);
    return n > 2 && strcmp(name + n - 2, ".c") == 0 && name[0] != '.';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the marks of one source file into S. */
static void read_marks(sample_t *s, const char *path)
{
    char *text;
    if (rc_read_file(path, &text, NULL, NULL) != RC_OK)
        return;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    unsigned line = 1;
    for (char *p = text; *p; line++) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        char *m = strstr(p, "// expect:");
        for (char *r = m ? m + 10 : NULL; r && *r;) {
            r += strspn(r, " ,");
            size_t len = strcspn(r, " ,");
            if (len) {
                s->exp = rc_xrealloc(s->exp, (s->nexp + 1) * sizeof *s->exp);
                s->exp[s->nexp++] =
                    (expect_t){rc_xstrdup(base), line, rc_xasprintf("%.*s", (int)len, r), 0};
            }
            r += len;
        }
        char *model = strstr(p, "// model:");
        if (model && !s->model) {
            model += 9;
            model += strspn(model, " ");
            s->model = rc_xasprintf("%.*s", (int)strcspn(model, " \t\r"), model);
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(text);
}

static size_t find_samples(const char *dir, sample_t **out)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        names = rc_xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = rc_xstrdup(de->d_name);
    }
    closedir(d);
    rc_sort(names, n, sizeof *names, cmp_str);
    sample_t *v = NULL;
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = rc_xasprintf("%s/%s", dir, names[i]);
        struct stat sb;
        sample_t s = {0};
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && is_c(names[i])) {
            s.name = rc_xasprintf("%.*s", (int)strlen(names[i]) - 2, names[i]);
            s.srcs = rc_xcalloc(1, sizeof *s.srcs);
            s.srcs[s.nsrcs++] = realpath(path, NULL);
        } else if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            DIR *sd = opendir(path);
            struct dirent *se;
            while (sd && (se = readdir(sd)) != NULL) {
                if (!is_c(se->d_name))
                    continue;
                char *src = rc_xasprintf("%s/%s", path, se->d_name);
                s.srcs = rc_xrealloc(s.srcs, (s.nsrcs + 1) * sizeof *s.srcs);
                s.srcs[s.nsrcs++] = realpath(src, NULL);
                free(src);
            }
            if (sd)
                closedir(sd);
            if (s.nsrcs) {
                rc_sort(s.srcs, s.nsrcs, sizeof *s.srcs, cmp_str);
                s.name = rc_xstrdup(names[i]);
            }
        }
        if (s.name) {
            for (size_t k = 0; k < s.nsrcs; k++)
                read_marks(&s, s.srcs[k]);
            v = rc_xrealloc(v, (nv + 1) * sizeof *v);
            v[nv++] = s;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    *out = v;
    return nv;
}

static void sample_close(sample_t *s)
{
    for (size_t i = 0; i < s->nsrcs; i++)
        free(s->srcs[i]);
    for (size_t i = 0; i < s->nexp; i++) {
        free(s->exp[i].base);
        free(s->exp[i].rule);
    }
    free(s->srcs);
    free(s->exp);
    free(s->name);
    free(s->model);
}

/* Single-quotes S for /bin/sh. */
static void shq(rc_strbuf_t *b, const char *s)
{
    rc_strbuf_append(b, " '");
    for (; *s; s++)
        rc_strbuf_append(b, *s == '\'' ? "'\\''" : (char[]){*s, 0});
    rc_strbuf_append(b, "'");
}

/* Builds S with COMPILER and FLAGS into OUT; the compiler's messages go to
 * LOG. Returns 0 on success. */
static int build(const sample_t *s, const char *compiler, const char *flags, const char *out,
                 const char *log)
{
    rc_strbuf_t cmd;
    rc_strbuf_init(&cmd);
    rc_strbuf_append(&cmd, compiler);
    rc_strbuf_appendf(&cmd, " %s -o", flags);
    shq(&cmd, out);
    for (size_t i = 0; i < s->nsrcs; i++)
        shq(&cmd, s->srcs[i]);
    rc_strbuf_append(&cmd, " >");
    shq(&cmd, log);
    rc_strbuf_append(&cmd, " 2>&1");
    int rc = system(cmd.s);
    rc_strbuf_close(&cmd);
    return rc;
}

static const char *base_of(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p;
}

static int rule_matches(const char *expected, const char *found)
{
    if (strcmp(expected, found) == 0)
        return 1;
    return strncmp(expected, "race.", 5) == 0 && strncmp(found, "race.", 5) == 0;
}

typedef struct tally {
    size_t expected, met, by_static, by_shim, by_tsan, findings, matching;
} tally_t;

/* Compares the store's current findings in S's files with S's marks. */
static void judge(sample_t *s, const rc_findings_t *all, tally_t *t, int verbose, FILE *out)
{
    memset(t, 0, sizeof *t);
    t->expected = s->nexp;
    rc_strbuf_t extra;
    rc_strbuf_init(&extra);
    for (size_t i = 0; i < all->n; i++) {
        const rc_finding_t *f = &all->v[i];
        const char *fb = base_of(f->loc.file);
        int mine = 0;
        for (size_t k = 0; fb && k < s->nsrcs; k++)
            mine |= strcmp(fb, base_of(s->srcs[k])) == 0;
        if (!mine)
            continue;
        t->findings++;
        int matched = 0;
        for (size_t e = 0; e < s->nexp; e++) {
            expect_t *x = &s->exp[e];
            if (x->line != f->loc.line || strcmp(x->base, fb) != 0 ||
                !rule_matches(x->rule, f->rule))
                continue;
            matched = 1;
            if (!x->met) {
                x->met = 1;
                t->met++;
                t->by_static += (f->source & RC_SRC_STATIC) != 0;
                t->by_shim += (f->source & RC_SRC_SHIM) != 0;
                t->by_tsan += (f->source & RC_SRC_TSAN) != 0;
            }
        }
        if (matched)
            t->matching++;
        else
            rc_strbuf_appendf(&extra, "    extra:   %s:%u [%s] %s\n", fb, f->loc.line, f->rule,
                              f->message);
    }
    if (verbose) {
        for (size_t e = 0; e < s->nexp; e++)
            if (!s->exp[e].met)
                fprintf(out, "    missing: %s:%u [%s]\n", s->exp[e].base, s->exp[e].line,
                        s->exp[e].rule);
        if (extra.s)
            fputs(extra.s, out);
    }
    rc_strbuf_close(&extra);
}

/* The models the static analysis saw in the programs whose main is one of the
 * sample's sources. */
static unsigned sample_models(const sample_t *s, const rc_program_models_t *v, size_t n)
{
    unsigned m = 0;
    for (size_t k = 0; k < s->nsrcs; k++) {
        char *src = realpath(s->srcs[k], NULL);
        for (size_t i = 0; src && i < n; i++) {
            char *main_file = *v[i].main_file ? realpath(v[i].main_file, NULL) : NULL;
            if (main_file && strcmp(main_file, src) == 0)
                m |= v[i].models;
            free(main_file);
        }
        free(src);
    }
    return m;
}

int rc_cmd_audit(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},      {"cc", required_argument, NULL, 'C'},
        {"clang", required_argument, NULL, 'L'},   {"no-tsan", no_argument, NULL, 'N'},
        {"timeout", required_argument, NULL, 't'}, {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    const char *db = ".racecheck/audit.db", *cc = getenv("CC"), *clang = "clang-19";
    int tsan = 1, timeout = 60, verbose = 0, c;
    if (!cc || !*cc)
        cc = "cc";
    optind = 1;
    while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
        switch (c) {
        case 'D':
            db = optarg;
            break;
        case 'C':
            cc = optarg;
            break;
        case 'L':
            clang = optarg;
            break;
        case 'N':
            tsan = 0;
            break;
        case 't':
            timeout = atoi(optarg);
            if (timeout < 1) {
                rc_cli_error("--timeout takes a number of seconds, not '%s'", optarg);
                return RC_EXIT_USAGE;
            }
            break;
        case 'v':
            verbose = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return RC_EXIT_OK;
        default:
            fputs(usage, stderr);
            return RC_EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        rc_cli_error("audit takes one directory");
        return RC_EXIT_USAGE;
    }
    const char *dir = optind < argc ? argv[optind] : "samples";
    sample_t *samples = NULL;
    size_t n = find_samples(dir, &samples);
    if (n == 0) {
        rc_cli_error("no samples (.c files or directories of them) in '%s'", dir);
        return RC_EXIT_USAGE;
    }
    char tmp[] = "/tmp/racecheck-audit-XXXXXX";
    if (!mkdtemp(tmp)) {
        rc_cli_error("cannot create a temporary directory");
        return RC_EXIT_FAILURE;
    }
    /* A fresh store: the audit judges this code, not earlier runs. */
    unlink(db);
    char *wal = rc_xasprintf("%s-wal", db), *shm = rc_xasprintf("%s-shm", db);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    rc_error_t err;
    rc_error_clear(&err);
    rc_store_t *st = NULL;
    if (rc_store_open(db, &st, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        return RC_EXIT_FAILURE;
    }
    int failures = 0;
    for (size_t i = 0; i < n; i++) {
        sample_t *s = &samples[i];
        char *bin = rc_xasprintf("%s/%s", tmp, s->name);
        char *tbin = rc_xasprintf("%s/%s-tsan", tmp, s->name);
        char *log = rc_xasprintf("%s/%s.build.log", tmp, s->name);
        if (build(s, cc, "-g -O1 -pthread", bin, log) != 0 ||
            (tsan && build(s, clang, "-fsanitize=thread -g -O1 -pthread", tbin, log) != 0)) {
            char *text = NULL;
            rc_read_file(log, &text, NULL, NULL);
            rc_cli_error("sample '%s' does not build:\n%s", s->name, text ? text : "");
            free(text);
            failures++;
        } else {
            rc_scan_req_t req = {.files = s->srcs, .nfiles = (int)s->nsrcs, .jobs = 1, .quiet = 1};
            char *command = rc_xasprintf("audit scan %s", s->name);
            req.command = command;
            rc_findings_t found = {0};
            size_t ntus;
            int failed;
            if (rc_cli_scan(&req, st, &found, &ntus, &failed, &err) != RC_OK || failed) {
                rc_cli_error("scan of '%s' failed%s%s", s->name, err.msg[0] ? ": " : "", err.msg);
                failures++;
            }
            rc_findings_close(&found);
            free(command);
            rc_run_req_t rreq = {.timeout = timeout, .quiet_program = 1};
            char *runs[2] = {bin, tbin};
            for (int k = 0; k < (tsan ? 2 : 1); k++) {
                char *pargv[] = {runs[k], NULL};
                rc_run_result_t res;
                rc_error_clear(&err);
                if (rc_cli_run_program(st, db, pargv, &rreq, &res, &err) != RC_OK ||
                    res.failed_logs) {
                    rc_cli_error("run of '%s' failed%s%s", runs[k], err.msg[0] ? ": " : "",
                                 err.msg);
                    failures++;
                } else if (res.timed_out) {
                    rc_cli_error("'%s' ran longer than %d s and was killed", runs[k], timeout);
                }
            }
        }
        free(bin);
        free(tbin);
        free(log);
    }
    rc_findings_t all = {0};
    if (rc_store_current_findings(st, &all, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        failures++;
    }
    rc_program_models_t *progs = NULL;
    size_t nprogs = 0;
    if (rc_store_current_programs(st, &progs, &nprogs, &err) != RC_OK) {
        rc_cli_error("%s", err.msg);
        failures++;
    }
    printf("%-24s %-12s %-24s %8s %7s %5s %5s  %s\n", "sample", "model", "uses", "expected",
           "static", "shim", "tsan", "verdict");
    tally_t total = {0};
    int mismatches = 0;
    for (size_t i = 0; i < n; i++) {
        sample_t *s = &samples[i];
        tally_t t;
        rc_strbuf_t details;
        rc_strbuf_init(&details);
        FILE *mem = open_memstream(&details.s, &details.len);
        judge(s, &all, &t, verbose, mem);
        fclose(mem);
        size_t missing = t.expected - t.met, extra = t.findings - t.matching;
        const char *model = s->model ? s->model : "threads";
        unsigned uses = sample_models(s, progs, nprogs);
        int model_ok = (rc_models_parse(model) & ~uses) == 0;
        char *uses_s = rc_models_str(uses);
        char verdict[128];
        if (!missing && !extra && model_ok)
            snprintf(verdict, sizeof verdict, "ok");
        else if (!missing && !extra)
            snprintf(verdict, sizeof verdict, "MISMATCH: model '%s' not seen", model);
        else
            snprintf(verdict, sizeof verdict, "MISMATCH: %zu missing, %zu extra%s", missing, extra,
                     model_ok ? "" : ", model not seen");
        mismatches += missing || extra || !model_ok;
        printf("%-24s %-12s %-24s %8zu %7zu %5zu %5zu  %s\n", s->name, model,
               *uses_s ? uses_s : "-", t.expected, t.by_static, t.by_shim, t.by_tsan, verdict);
        free(uses_s);
        if (details.s && *details.s)
            fputs(details.s, stdout);
        free(details.s);
        total.expected += t.expected;
        total.met += t.met;
        total.findings += t.findings;
        total.matching += t.matching;
    }
    double precision = total.findings ? (double)total.matching / (double)total.findings : 1.0;
    double recall = total.expected ? (double)total.met / (double)total.expected : 1.0;
    printf("\n%zu samples: precision %.2f (%zu of %zu findings expected), recall %.2f (%zu of %zu "
           "expected findings reported)\n",
           n, precision, total.matching, total.findings, recall, total.met, total.expected);
    rc_findings_close(&all);
    for (size_t i = 0; i < nprogs; i++)
        free(progs[i].main_file);
    free(progs);
    rc_store_close(st);
    for (size_t i = 0; i < n; i++)
        sample_close(&samples[i]);
    free(samples);
    char *rm = rc_xasprintf("rm -rf '%s'", tmp);
    if (system(rm) != 0)
        rc_cli_error("warning: could not remove %s", tmp);
    free(rm);
    if (failures)
        return RC_EXIT_FAILURE;
    return mismatches ? RC_EXIT_FINDINGS : RC_EXIT_OK;
}
