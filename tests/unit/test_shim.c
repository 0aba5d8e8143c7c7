/*
 * test_shim.c - the LD_PRELOAD shim and its event-log reader, end to end.
 *
 * Each shim test runs a real program from tests/progs/shim/ in a child
 * process with LD_PRELOAD and RACECHECK_LOG_DIR set in the child's
 * environment only (the Criterion runner itself is never preloaded), then
 * reads the log it left in a fresh mkdtemp directory. The programs print the
 * addresses of their sync objects, so events can be matched to objects; lines
 * marked SITE:<name> in their sources are where call sites must symbolise.
 * Some programs are compiled at test time (clang, cc, other flags) to cover
 * the symbolizer on binaries the build did not make. Reader tests also feed
 * hand-made, truncated and foreign files.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "eventlog.h"

#define SHIM_LIB RC_TEST_BINARY_DIR "/lib/libracecheck-shim.so"
#define PROG_DIR RC_TEST_BINARY_DIR "/tests/progs/"
#define PROG_SRC RC_TEST_SOURCE_DIR "/tests/progs/shim/"
#define ANY UINT64_MAX

extern char **environ;

/* ---- Fixture: a temporary log directory --------------------------------- */

static char logdir[64];

static void make_logdir(void)
{
    strcpy(logdir, "/tmp/rc-shim-test-XXXXXX");
    cr_assert_not_null(mkdtemp(logdir), "mkdtemp: %s", strerror(errno));
}

static void remove_logdir(void)
{
    DIR *d = opendir(logdir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", logdir, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(logdir);
}

/* ---- Running a program --------------------------------------------------- */

typedef struct run {
    int status;     /* from waitpid */
    char out[8192]; /* its stdout */
} run_t;

/* Runs tests/progs/<name> (or the absolute path name) [arg] with cwd as working directory (NULL:
 * ours), the shim preloaded when preload, RACECHECK_LOG_DIR=dir (unset when dir is NULL) and the
 * NULL-terminated extra "NAME=value" strings. Inherited LD_PRELOAD and RACECHECK_* variables are
 * dropped. The shim runs in trace mode (RACECHECK_TRACE=1: every call a record) unless extra
 * sets RACECHECK_TRACE itself. */
/* An address-space limit for the next program run (RLIM_INFINITY: none). */
static rlim_t child_as_limit = RLIM_INFINITY;

/* Extra environment for a run in summary mode (the shim's default). */
static const char *const summary_env[] = {"RACECHECK_TRACE=", NULL};

static void run_prog_ex(const char *name, const char *arg, int preload, const char *dir,
                        const char *cwd, const char *const *extra, run_t *r)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s%s", name[0] == '/' ? "" : PROG_DIR, name);
    cr_assert_eq(access(path, X_OK), 0, "test program %s is missing", path);
    cr_assert_eq(access(SHIM_LIB, R_OK), 0, "shim %s is missing", SHIM_LIB);

    size_t n = 0, nextra = 0;
    while (environ[n])
        n++;
    while (extra && extra[nextra])
        nextra++;
    char **env = calloc(n + nextra + 4, sizeof *env);
    size_t k = 0;
    int trace_set = 0;
    for (size_t i = 0; i < nextra; i++)
        trace_set |= strncmp(extra[i], "RACECHECK_TRACE=", 16) == 0;
    if (!trace_set)
        env[k++] = "RACECHECK_TRACE=1";
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
            strncmp(environ[i], "RACECHECK_", 10) != 0)
            env[k++] = environ[i];
    for (size_t i = 0; i < nextra; i++)
        env[k++] = (char *)extra[i];
    char dirvar[PATH_MAX + 32];
    if (preload)
        env[k++] = "LD_PRELOAD=" SHIM_LIB;
    if (dir) {
        snprintf(dirvar, sizeof dirvar, "RACECHECK_LOG_DIR=%s", dir);
        env[k++] = dirvar;
    }

    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (cwd && chdir(cwd) != 0)
            _exit(126);
        struct rlimit lim = {child_as_limit, child_as_limit};
        if (child_as_limit != RLIM_INFINITY && setrlimit(RLIMIT_AS, &lim) != 0)
            _exit(125);
        char *argv[] = {path, (char *)arg, NULL};
        execve(path, argv, env);
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t got;
    while ((got = read(fds[0], r->out + len, sizeof r->out - 1 - len)) > 0)
        len += (size_t)got;
    r->out[len] = '\0';
    close(fds[0]);
    cr_assert_eq(waitpid(pid, &r->status, 0), pid);
    free(env);
}

static void run_prog(const char *name, int preload, const char *dir, const char *cwd, run_t *r)
{
    run_prog_ex(name, NULL, preload, dir, cwd, NULL, r);
}

static void assert_exit(const run_t *r, int code)
{
    cr_assert(WIFEXITED(r->status), "program did not exit normally (status %#x)", r->status);
    cr_assert_eq(WEXITSTATUS(r->status), code, "exit status %d, want %d; output:\n%s",
                 WEXITSTATUS(r->status), code, r->out);
}

/* The value the program printed as "key=<number>" (hex with 0x, else decimal). */
static uint64_t printed(const run_t *r, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "%s=", key);
    const char *p = strstr(r->out, pat);
    cr_assert_not_null(p, "program did not print %s; output:\n%s", key, r->out);
    return strtoull(p + strlen(pat), NULL, 0);
}

/* ---- Logs ------------------------------------------------------------------- */

/* Paths of the rc-*.log files in logdir, sorted; returns how many. */
static size_t find_logs(char paths[][PATH_MAX], size_t max)
{
    DIR *d = opendir(logdir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "rc-", 3) != 0 || len < 4 ||
            strcmp(de->d_name + len - 4, ".log") != 0)
            continue;
        cr_assert_lt(n, max, "more logs than expected");
        snprintf(paths[n++], PATH_MAX, "%s/%s", logdir, de->d_name);
    }
    closedir(d);
    qsort(paths, n, PATH_MAX, (int (*)(const void *, const void *))strcmp);
    return n;
}

static size_t count_files(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static rc_eventlog_t *open_log(const char *path)
{
    rc_eventlog_t *log = NULL;
    rc_error_t err;
    int rc = rc_eventlog_open(path, &log, &err);
    cr_assert_eq(rc, RC_OK, "rc_eventlog_open(%s): %s", path, err.msg);
    return log;
}

/* Opens the one log the last run left. */
static rc_eventlog_t *only_log(void)
{
    char paths[4][PATH_MAX];
    cr_assert_eq(find_logs(paths, 4), 1, "want exactly one log in %s", logdir);
    return open_log(paths[0]);
}

typedef struct evs {
    const rc_event_t *v;
    size_t n;
} evs_t;

static evs_t events_of(const rc_eventlog_t *log)
{
    evs_t e;
    e.v = rc_eventlog_events(log, &e.n);
    return e;
}

static int match(const rc_event_t *e, unsigned op, uint64_t tid, uint64_t obj)
{
    return e->op == op && (tid == ANY || e->tid == tid) && (obj == ANY || e->obj == obj);
}

static size_t count(evs_t e, unsigned op, uint64_t tid, uint64_t obj)
{
    size_t n = 0;
    for (size_t i = 0; i < e.n; i++)
        n += match(&e.v[i], op, tid, obj);
    return n;
}

/* Index of the first matching event at or after from, or SIZE_MAX. */
static size_t find(evs_t e, size_t from, unsigned op, uint64_t tid, uint64_t obj)
{
    for (size_t i = from; i < e.n; i++)
        if (match(&e.v[i], op, tid, obj))
            return i;
    return SIZE_MAX;
}

static const rc_event_t *find_ev(evs_t e, unsigned op, uint64_t tid, uint64_t obj)
{
    size_t i = find(e, 0, op, tid, obj);
    cr_assert_neq(i, SIZE_MAX, "no %s event (tid %lld, obj %#llx)", rc_eventlog_op_name(op),
                  tid == ANY ? -1LL : (long long)tid, (unsigned long long)obj);
    return &e.v[i];
}

static void assert_sorted(evs_t e)
{
    for (size_t i = 1; i < e.n; i++)
        cr_assert(e.v[i - 1].ts < e.v[i].ts ||
                      (e.v[i - 1].ts == e.v[i].ts && e.v[i - 1].tid <= e.v[i].tid),
                  "events %zu and %zu out of order", i - 1, i);
}

/* The 1-based line of PROG_SRC<file> that contains marker. */
static unsigned line_of(const char *file, const char *marker)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, PROG_SRC "%s", file);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    char buf[512];
    unsigned n = 0, found = 0;
    while (!found && fgets(buf, sizeof buf, f)) {
        n++;
        if (strstr(buf, marker))
            found = n;
    }
    fclose(f);
    cr_assert_neq(found, 0, "no %s in %s", marker, path);
    return found;
}

static void assert_same_file(const char *got, const char *want)
{
    cr_assert_not_null(got, "no file name (no debug info?)");
    char a[PATH_MAX], b[PATH_MAX];
    cr_assert_not_null(realpath(got, a), "cannot resolve %s", got);
    cr_assert_not_null(realpath(want, b), "cannot resolve %s", want);
    cr_assert_str_eq(a, b);
}

/* Copies the first len bytes of src to dst (SIZE_MAX: all of it). */
static void copy_prefix(const char *src, const char *dst, size_t len)
{
    int in = open(src, O_RDONLY);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    cr_assert(in >= 0 && out >= 0);
    char buf[4096];
    while (len > 0) {
        ssize_t n = read(in, buf, len < sizeof buf ? len : sizeof buf);
        cr_assert_geq(n, 0);
        if (n == 0) {
            cr_assert_eq(len, SIZE_MAX, "%s is shorter than asked", src);
            break;
        }
        cr_assert_eq(write(out, buf, (size_t)n), n);
        if (len != SIZE_MAX)
            len -= (size_t)n;
    }
    close(in);
    close(out);
}

/* ---- Threads and locks ------------------------------------------------------ */

Test(shim, records_threads_and_locks, .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog("shim_locks", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t a = printed(&r, "lock_a"), b = printed(&r, "lock_b");
    uint64_t table = printed(&r, "table"), spin = printed(&r, "spin");

    cr_assert_eq(count_files(logdir), 2, "want rc-<pid>.log and its .maps, nothing else");
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert(info->exited);
    cr_assert_eq(info->exit_status, 0);
    cr_assert_eq(info->ntorn, 0);
    cr_assert_eq(info->dropped, 0);
    cr_assert_gt(info->pid, 0);
    cr_assert_not_null(strstr(info->exe, "/shim_locks"), "exe is %s", info->exe);
    time_t now = time(NULL);
    cr_assert(info->start_wall <= (uint64_t)now && info->start_wall + 60 > (uint64_t)now,
              "start_wall %llu is not about now", (unsigned long long)info->start_wall);
    evs_t e = events_of(log);
    assert_sorted(e);

    const rc_event_t *main_start = find_ev(e, RC_EV_THREAD_START, 0, ANY);
    cr_assert_eq(main_start->flags & RC_START_MAIN, RC_START_MAIN);
    cr_assert_eq(main_start->arg, (uint64_t)info->pid);
    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, 0, ANY), 2);
    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, ANY, ANY), 2);

    for (uint64_t tid = 1; tid <= 2; tid++) {
        size_t ci = find(e, 0, RC_EV_THREAD_CREATE, 0, ANY);
        while (ci != SIZE_MAX && e.v[ci].arg != tid)
            ci = find(e, ci + 1, RC_EV_THREAD_CREATE, 0, ANY);
        cr_assert_neq(ci, SIZE_MAX, "no THREAD_CREATE of tid %llu", (unsigned long long)tid);
        const rc_event_t *start = find_ev(e, RC_EV_THREAD_START, tid, ANY);
        cr_assert_eq(start->obj, e.v[ci].obj, "start routine differs from the created one");
        cr_assert_leq(e.v[ci].ts, start->ts, "thread started before it was created");
        cr_assert_eq(start->flags & RC_START_MAIN, 0);

        rc_loc_t loc;
        cr_assert_eq(rc_eventlog_symbolize_exact(log, start->obj, &loc), RC_OK);
        cr_assert_str_eq(loc.function, "worker");
        rc_loc_close(&loc);

        cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, tid, a), 3);
        cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, tid, b), 3);
        cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, tid, a), 3);
        cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, tid, b), 3);
        /* b is always taken while a is held, in this thread's own order. */
        int holds_a = 0;
        for (size_t i = 0; i < e.n; i++) {
            if (e.v[i].tid != tid)
                continue;
            if (match(&e.v[i], RC_EV_LOCK_ACQUIRED, tid, a))
                holds_a = 1;
            else if (match(&e.v[i], RC_EV_LOCK_RELEASED, tid, a))
                holds_a = 0;
            else if (match(&e.v[i], RC_EV_LOCK_ACQUIRED, tid, b))
                cr_assert(holds_a, "tid %llu took b without a", (unsigned long long)tid);
        }
        for (size_t i = 0; i < e.n; i++) {
            const rc_event_t *ev = &e.v[i];
            if (ev->tid == tid && ev->obj == a &&
                (ev->op == RC_EV_LOCK_ACQUIRED || ev->op == RC_EV_LOCK_RELEASED))
                cr_assert_eq(RC_LOCK_KIND(ev->flags), RC_LOCK_MUTEX);
        }
        cr_assert_eq(find_ev(e, RC_EV_LOCK_ACQUIRED, tid, spin)->flags, RC_LOCK_SPIN);
        size_t rd = find(e, 0, RC_EV_LOCK_ACQUIRED, tid, table);
        cr_assert_neq(rd, SIZE_MAX);
        cr_assert_eq(e.v[rd].flags, RC_LOCK_RWLOCK_READ);
        size_t rd_rel = find(e, rd, RC_EV_LOCK_RELEASED, tid, table);
        cr_assert_neq(rd_rel, SIZE_MAX);
        cr_assert_eq(e.v[rd_rel].flags, RC_LOCK_RWLOCK_READ);
        size_t wr = find(e, rd_rel, RC_EV_LOCK_ACQUIRED, tid, table);
        cr_assert_neq(wr, SIZE_MAX);
        cr_assert_eq(e.v[wr].flags, RC_LOCK_RWLOCK_WRITE);
        size_t wr_rel = find(e, wr, RC_EV_LOCK_RELEASED, tid, table);
        cr_assert_neq(wr_rel, SIZE_MAX);
        cr_assert_eq(e.v[wr_rel].flags, RC_LOCK_RWLOCK_WRITE);

        const rc_event_t *exit = find_ev(e, RC_EV_THREAD_EXIT, tid, ANY);
        cr_assert_eq(exit->arg, 0, "thread exited holding %llu locks",
                     (unsigned long long)exit->arg);
        size_t ji = find(e, 0, RC_EV_THREAD_JOIN, 0, ANY);
        while (ji != SIZE_MAX && e.v[ji].arg != tid)
            ji = find(e, ji + 1, RC_EV_THREAD_JOIN, 0, ANY);
        cr_assert_neq(ji, SIZE_MAX, "no THREAD_JOIN of tid %llu", (unsigned long long)tid);
        cr_assert_leq(exit->ts, e.v[ji].ts);
    }

    /* Mutual exclusion holds in the merged timeline: nobody acquires a or b
     * while another thread holds it. */
    uint64_t holder[2] = {ANY, ANY};
    uint64_t objs[2] = {a, b};
    for (size_t i = 0; i < e.n; i++) {
        for (int k = 0; k < 2; k++) {
            if (e.v[i].obj != objs[k])
                continue;
            if (e.v[i].op == RC_EV_LOCK_ACQUIRED) {
                cr_assert_eq(holder[k], ANY, "lock %d acquired by tid %u while tid %llu holds it",
                             k, e.v[i].tid, (unsigned long long)holder[k]);
                holder[k] = e.v[i].tid;
            } else if (e.v[i].op == RC_EV_LOCK_RELEASED) {
                cr_assert_eq(holder[k], e.v[i].tid);
                holder[k] = ANY;
            }
        }
    }
    const rc_event_t *main_exit = find_ev(e, RC_EV_THREAD_EXIT, 0, ANY);
    cr_assert_eq(main_exit->flags, RC_EXIT_PROCESS);
    rc_eventlog_close(log);
}

Test(shim, call_sites_symbolize_to_source_lines, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_locks", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t a = printed(&r, "lock_a");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);

    struct {
        unsigned op;
        const char *marker, *function;
    } cases[] = {
        {RC_EV_LOCK_ACQUIRED, "SITE:lock_a", "worker"},
        {RC_EV_LOCK_RELEASED, "SITE:unlock_a", "worker"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const rc_event_t *ev = find_ev(e, cases[i].op, 1, a);
        rc_loc_t loc;
        cr_assert_eq(rc_eventlog_symbolize(log, ev->site, &loc), RC_OK);
        assert_same_file(loc.file, PROG_SRC "shim_locks.c");
        cr_assert_eq(loc.line, line_of("shim_locks.c", cases[i].marker), "%s at line %u",
                     cases[i].marker, loc.line);
        cr_assert_gt(loc.col, 0);
        cr_assert_str_eq(loc.function, cases[i].function);
        rc_loc_close(&loc);
        /* Cached: the same answer again. */
        cr_assert_eq(rc_eventlog_symbolize(log, ev->site, &loc), RC_OK);
        cr_assert_eq(loc.line, line_of("shim_locks.c", cases[i].marker));
        rc_loc_close(&loc);
    }
    /* THREAD_CREATE's call site is in main. */
    const rc_event_t *create = find_ev(e, RC_EV_THREAD_CREATE, 0, ANY);
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, create->site, &loc), RC_OK);
    cr_assert_str_eq(loc.function, "main");
    rc_loc_close(&loc);
    /* Addresses in no module. */
    cr_assert_eq(rc_eventlog_symbolize(log, 0x10, &loc), RC_ENOENT);
    cr_assert_eq(rc_eventlog_symbolize(log, 0, &loc), RC_ENOENT);
    cr_assert_null(loc.file);
    rc_eventlog_close(log);
}

/* Compilers and flag sets for programs built at test time. The text is
 * inline: Criterion copies parameters into the worker process. */
typedef struct build {
    int clang; /* RC_TEST_CLANG, else the system's cc */
    char flags[48];
} build_t;

ParameterizedTestParameters(shim, programs_built_other_ways_symbolize)
{
    static build_t builds[] = {
        {1, "-g -O0"},                  /* PIE, DWARF 5, no .debug_aranges */
        {1, "-g -O0 -fno-pie -no-pie"}, /* ET_EXEC: load bias 0 */
        {1, "-g -O2"},                  /* optimised */
        {1, "-gdwarf-4 -O0"},           /* DWARF 4 */
        {0, "-g -O0 -fno-pie -no-pie"},
        {0, "-g -O2"},
    };
    return cr_make_param_array(build_t, builds, sizeof builds / sizeof builds[0]);
}

ParameterizedTest(build_t *b, shim, programs_built_other_ways_symbolize, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 60)
{
    /* clang emits no .debug_aranges, through which older libdw finds compile
     * units; the symbolizer must find them anyway. */
    char prog[PATH_MAX], cmd[3 * PATH_MAX];
    snprintf(prog, sizeof prog, "%s/prog", logdir);
    snprintf(cmd, sizeof cmd, "'%s' %s -pthread -o '%s' '%s'", b->clang ? RC_TEST_CLANG : "cc",
             b->flags, prog, PROG_SRC "shim_locks.c");
    cr_assert_eq(system(cmd), 0, "cannot compile: %s", cmd);
    run_t r;
    run_prog(prog, 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    const rc_event_t *ev = find_ev(events_of(log), RC_EV_LOCK_ACQUIRED, 1, printed(&r, "lock_a"));
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, ev->site, &loc), RC_OK);
    assert_same_file(loc.file, PROG_SRC "shim_locks.c");
    cr_assert_eq(loc.line, line_of("shim_locks.c", "SITE:lock_a"), "%s: line %u", cmd, loc.line);
    cr_assert_str_eq(loc.function, "worker");
    rc_loc_close(&loc);
    rc_eventlog_close(log);
}

ParameterizedTestParameters(shim, tsan_and_shim_see_every_call)
{
    static int use_clang[] = {0, 1};
    return cr_make_param_array(int, use_clang, 2);
}

ParameterizedTest(int *use_clang, shim, tsan_and_shim_see_every_call, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 60)
{
    /* gcc's TSan runtime is a library after the shim: the shim must forward to
     * its unversioned pthread_cond_wait, not past it to glibc's, or TSan
     * misses the wait's release and reports a double lock. clang's runtime is
     * in the program, before the shim, and finds the next pthread_cond_wait
     * with dlvsym(GLIBC_2.3.2): the shim's must carry that version, or its
     * condition waits go unrecorded. TSan exits with 66 when it reports. */
    char prog[PATH_MAX], cmd[3 * PATH_MAX];
    snprintf(prog, sizeof prog, "%s/prog-tsan", logdir);
    snprintf(cmd, sizeof cmd, "'%s' -fsanitize=thread -g -O1 -pthread -o '%s' '%s'",
             *use_clang ? RC_TEST_CLANG : "cc", prog, PROG_SRC "shim_exits.c");
    cr_assert_eq(system(cmd), 0, "cannot compile: %s", cmd);
    run_t r;
    run_prog(prog, 1, logdir, NULL, &r);
    assert_exit(&r, 3);
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    uint64_t cv = printed(&r, "cv");
    cr_assert_gt(count(e, RC_EV_COND_WAIT, ANY, cv), 0, "%s: no COND_WAIT", cmd);
    cr_assert_gt(count(e, RC_EV_COND_WOKEN, ANY, cv), 0);
    rc_eventlog_close(log);
}

Test(shim, call_sites_in_dlopened_library_symbolize, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_dlopen", PROG_DIR "libshim_testlib.so", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    const rc_event_t *got = find_ev(events_of(log), RC_EV_LOCK_ACQUIRED, 0, m);
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, got->site, &loc), RC_OK);
    assert_same_file(loc.file, PROG_SRC "shim_testlib.c");
    cr_assert_eq(loc.line, line_of("shim_testlib.c", "SITE:lib_lock"));
    cr_assert_str_eq(loc.function, "shim_testlib_increment");
    rc_loc_close(&loc);
    rc_eventlog_close(log);
}

Test(shim, library_constructors_are_recorded, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    /* glibc initialises the program's libraries before the preloaded shim:
     * the library's calls reach the wrappers before the shim's constructor. */
    run_t r;
    run_prog("shim_ctor", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t lock = printed(&r, "lock");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    cr_assert_eq(e.v[0].op, RC_EV_THREAD_START);
    cr_assert_eq(e.v[0].flags, RC_START_MAIN);
    const rc_event_t *got = find_ev(e, RC_EV_LOCK_ACQUIRED, 0, lock);
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, got->site, &loc), RC_OK);
    assert_same_file(loc.file, PROG_SRC "shim_ctorlib.c");
    cr_assert_eq(loc.line, line_of("shim_ctorlib.c", "SITE:ctor_lock"));
    rc_loc_close(&loc);
    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, 0, ANY), 1);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 1, lock), 1);
    cr_assert_eq(find_ev(e, RC_EV_THREAD_JOIN, 0, ANY)->arg, 1);
    rc_eventlog_close(log);
}

Test(shim, symbolize_without_maps_sidecar_is_enoent, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_locks", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    char paths[2][PATH_MAX], maps[PATH_MAX + 8];
    cr_assert_eq(find_logs(paths, 2), 1);
    snprintf(maps, sizeof maps, "%s.maps", paths[0]);
    cr_assert_eq(access(maps, R_OK), 0, "no maps sidecar %s", maps);
    cr_assert_eq(unlink(maps), 0);
    rc_eventlog_t *log = open_log(paths[0]);
    evs_t e = events_of(log);
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, find_ev(e, RC_EV_THREAD_CREATE, 0, ANY)->site, &loc),
                 RC_ENOENT);
    rc_eventlog_close(log);
}

Test(shim, rebuilt_binary_is_not_symbolized, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    /* Run a copy of the program, then replace the copy by a new file (a new
     * inode, as a rebuild makes): its old addresses must not resolve. */
    char prog[PATH_MAX], fresh[PATH_MAX];
    snprintf(prog, sizeof prog, "%s/prog", logdir);
    snprintf(fresh, sizeof fresh, "%s/prog.new", logdir);
    copy_prefix(PROG_DIR "shim_locks", prog, SIZE_MAX);
    run_t r;
    run_prog(prog, 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    uint64_t site = find_ev(events_of(log), RC_EV_THREAD_CREATE, 0, ANY)->site;
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, site, &loc), RC_OK);
    cr_assert_str_eq(loc.function, "main");
    rc_loc_close(&loc);
    rc_eventlog_close(log);

    copy_prefix(PROG_DIR "shim_locks", fresh, SIZE_MAX);
    cr_assert_eq(rename(fresh, prog), 0);
    log = only_log();
    cr_assert_eq(rc_eventlog_symbolize(log, site, &loc), RC_ENOENT);
    rc_eventlog_close(log);
}

Test(shim, condvar_wait_is_release_then_reacquire, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_condvar", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m"), cv = printed(&r, "cv");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);

    size_t got = find(e, 0, RC_EV_LOCK_ACQUIRED, 1, m);
    size_t wait = find(e, got, RC_EV_COND_WAIT, 1, cv);
    size_t rel = find(e, wait, RC_EV_LOCK_RELEASED, 1, m);
    size_t reacq = find(e, rel, RC_EV_LOCK_ACQUIRED, 1, m);
    size_t woken = find(e, reacq, RC_EV_COND_WOKEN, 1, cv);
    size_t last = find(e, woken, RC_EV_LOCK_RELEASED, 1, m);
    cr_assert(got != SIZE_MAX && wait != SIZE_MAX && rel != SIZE_MAX && reacq != SIZE_MAX &&
                  woken != SIZE_MAX && last != SIZE_MAX,
              "consumer's lock/wait/release/reacquire/woken/unlock sequence is incomplete");
    cr_assert_eq(e.v[wait].arg, m, "COND_WAIT names the mutex it releases");
    cr_assert_eq(e.v[woken].arg, m);
    cr_assert_eq(e.v[woken].flags, 0);
    cr_assert_eq(e.v[reacq].flags, RC_LOCK_MUTEX | RC_LOCK_COND);
    /* Nothing of the consumer's between WAIT and RELEASED, or ACQUIRED and WOKEN. */
    cr_assert_eq(find(e, wait + 1, RC_EV_LOCK_RELEASED, 1, ANY), rel);
    cr_assert_eq(find(e, reacq + 1, RC_EV_COND_WOKEN, 1, ANY), woken);

    /* main signals while the consumer waits, holding m in between. */
    size_t sig = find(e, rel, RC_EV_COND_SIGNAL, 0, cv);
    cr_assert_neq(sig, SIZE_MAX, "no COND_SIGNAL between the consumer's release and wake-up");
    cr_assert_eq(e.v[sig].flags, 1, "a broadcast");
    cr_assert_lt(sig, woken);
    size_t main_got = find(e, rel, RC_EV_LOCK_ACQUIRED, 0, m);
    cr_assert_lt(main_got, sig);
    size_t main_rel = find(e, sig, RC_EV_LOCK_RELEASED, 0, m);
    cr_assert_lt(main_rel, reacq, "consumer re-acquired m while main held it");
    rc_eventlog_close(log);
}

Test(shim, c11_threads_and_mutexes, .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog("shim_c11", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m"), cv = printed(&r, "cv");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);

    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, 0, ANY), 2);
    cr_assert_eq(count(e, RC_EV_THREAD_START, 1, ANY), 1);
    cr_assert_eq(count(e, RC_EV_THREAD_START, 2, ANY), 1);
    cr_assert_eq(count(e, RC_EV_THREAD_EXIT, 1, ANY), 1);
    cr_assert_eq(count(e, RC_EV_THREAD_EXIT, 2, ANY), 1);
    cr_assert_eq(count(e, RC_EV_THREAD_JOIN, 0, ANY), 2);
    size_t j = find(e, 0, RC_EV_THREAD_JOIN, 0, ANY);
    size_t j2 = find(e, j + 1, RC_EV_THREAD_JOIN, 0, ANY);
    cr_assert_eq(e.v[j].arg + e.v[j2].arg, 3, "joins name tids 1 and 2");

    /* The adder takes m 4 times (trylock first, else lock). */
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 2, m), 4);
    cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, 2, m), 4);
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].obj == m &&
            (e.v[i].op == RC_EV_LOCK_ACQUIRED || e.v[i].op == RC_EV_LOCK_RELEASED))
            cr_assert_eq(RC_LOCK_KIND(e.v[i].flags), RC_LOCK_C11_MUTEX);
    cr_assert_geq(count(e, RC_EV_LOCK_ACQUIRED, 2, m) + count(e, RC_EV_LOCK_TRY_FAILED, 2, m), 4);

    size_t wait = find(e, 0, RC_EV_COND_WAIT, 1, cv);
    cr_assert_neq(wait, SIZE_MAX, "cnd_wait not recorded");
    cr_assert_eq(e.v[wait].arg, m);
    size_t rel = find(e, wait, RC_EV_LOCK_RELEASED, 1, m);
    size_t reacq = find(e, rel, RC_EV_LOCK_ACQUIRED, 1, m);
    size_t woken = find(e, reacq, RC_EV_COND_WOKEN, 1, cv);
    cr_assert(rel != SIZE_MAX && reacq != SIZE_MAX && woken != SIZE_MAX);
    cr_assert_eq(e.v[reacq].flags, RC_LOCK_C11_MUTEX | RC_LOCK_COND);
    cr_assert_eq(find_ev(e, RC_EV_COND_SIGNAL, 0, cv)->flags, 0, "cnd_signal, not a broadcast");
    const rc_event_t *destroy = find_ev(e, RC_EV_LOCK_DESTROY, 0, m);
    cr_assert_eq(destroy->flags, RC_LOCK_C11_MUTEX);
    cr_assert_eq(find(e, (size_t)(destroy - e.v) + 1, RC_EV_LOCK_ACQUIRED, ANY, m), SIZE_MAX);
    rc_eventlog_close(log);
}

Test(shim, contended_lock_records_wait_and_time, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_contend", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);

    cr_assert_eq(count(e, RC_EV_LOCK_WAIT, 0, m), 0, "main's uncontended lock is not a wait");
    size_t wait = find(e, 0, RC_EV_LOCK_WAIT, 1, m);
    cr_assert_neq(wait, SIZE_MAX, "no LOCK_WAIT for the contended mutex");
    size_t rel = find(e, wait, RC_EV_LOCK_RELEASED, 0, m);
    size_t got = find(e, wait, RC_EV_LOCK_ACQUIRED, 1, m);
    cr_assert(rel != SIZE_MAX && got != SIZE_MAX);
    cr_assert_lt(rel, got, "acquired before main released");
    cr_assert_geq(e.v[got].arg, 20000000u, "waited only %llu ns", (unsigned long long)e.v[got].arg);
    cr_assert_leq(e.v[got].arg, e.v[got].ts - e.v[wait].ts);
    rc_eventlog_close(log);
}

Test(shim, every_thread_exit_path_is_recorded, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_exits", 1, logdir, NULL, &r);
    assert_exit(&r, 3);
    uint64_t m = printed(&r, "m"), cv = printed(&r, "cv"), kept = printed(&r, "kept");
    uint64_t at_exit = printed(&r, "at_exit");
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert(info->exited);
    cr_assert_eq(info->exit_status, 3);
    evs_t e = events_of(log);

    /* tid 1 returns, tid 2 calls pthread_exit holding `kept`, tid 3 is cancelled. */
    for (uint64_t tid = 1; tid <= 3; tid++)
        cr_assert_eq(count(e, RC_EV_THREAD_EXIT, tid, ANY), 1, "tid %llu: one THREAD_EXIT",
                     (unsigned long long)tid);
    cr_assert_eq(find_ev(e, RC_EV_THREAD_EXIT, 1, ANY)->arg, 0);
    cr_assert_eq(find_ev(e, RC_EV_THREAD_EXIT, 2, ANY)->arg, 1);
    cr_assert_neq(find(e, 0, RC_EV_LOCK_ACQUIRED, 2, kept), SIZE_MAX);

    size_t woken = find(e, 0, RC_EV_COND_WOKEN, 3, cv);
    cr_assert_neq(woken, SIZE_MAX, "cancelled wait left no COND_WOKEN");
    cr_assert_eq(e.v[woken].flags, RC_WOKEN_CANCELED);
    size_t unlock = find(e, woken, RC_EV_LOCK_RELEASED, 3, m);
    size_t exit3 = find(e, woken, RC_EV_THREAD_EXIT, 3, ANY);
    cr_assert(unlock != SIZE_MAX && exit3 != SIZE_MAX && unlock < exit3,
              "cleanup handler's unlock must precede the exit");
    cr_assert_eq(e.v[exit3].arg, 0);

    const rc_event_t *detach = find_ev(e, RC_EV_THREAD_DETACH, 0, ANY);
    cr_assert_eq(detach->arg, 4, "DETACH names tid %llu, want 4", (unsigned long long)detach->arg);
    cr_assert_eq(count(e, RC_EV_THREAD_JOIN, 0, ANY), 3);
    /* timedjoin, tryjoin (its EBUSY attempts record nothing) and join, in order. */
    size_t j = 0;
    for (uint64_t tid = 1; tid <= 3; tid++) {
        j = find(e, j, RC_EV_THREAD_JOIN, 0, ANY);
        cr_assert_neq(j, SIZE_MAX);
        cr_assert_eq(e.v[j].arg, tid);
        j++;
    }

    const rc_event_t *main_exit = find_ev(e, RC_EV_THREAD_EXIT, 0, ANY);
    cr_assert_eq(main_exit->flags, RC_EXIT_PROCESS);
    cr_assert_eq(main_exit->arg, 1, "main exits holding at_exit");
    cr_assert_neq(find(e, 0, RC_EV_LOCK_ACQUIRED, 0, at_exit), SIZE_MAX);
    rc_eventlog_close(log);
}

Test(shim, locks_in_thread_specific_destructors_are_recorded, .init = make_logdir,
     .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog("shim_tlsdtor", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->dropped, 0);
    evs_t e = events_of(log);
    for (uint64_t tid = 1; tid <= 3; tid++) {
        /* The destructor runs after the thread function returned. */
        size_t exit = find(e, 0, RC_EV_THREAD_EXIT, tid, ANY);
        size_t got = find(e, 0, RC_EV_LOCK_ACQUIRED, tid, m);
        size_t rel = find(e, 0, RC_EV_LOCK_RELEASED, tid, m);
        cr_assert(exit != SIZE_MAX && got != SIZE_MAX && rel != SIZE_MAX,
                  "tid %llu: the destructor's lock is missing", (unsigned long long)tid);
        cr_assert(exit < got && got < rel);
    }
    rc_eventlog_close(log);
}

Test(shim, threads_created_inside_glibc_are_adopted, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_timer", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    const rc_event_t *got = find_ev(e, RC_EV_LOCK_ACQUIRED, ANY, m);
    uint32_t tid = got->tid;
    cr_assert_neq(tid, 0, "the timer callback runs on its own thread");
    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, ANY, ANY), 0, "glibc's thread has no CREATE");
    const rc_event_t *start = find_ev(e, RC_EV_THREAD_START, tid, ANY);
    cr_assert_eq(start->flags, 0);
    cr_assert_lt(start->ts, got->ts);
    const rc_event_t *exit = find_ev(e, RC_EV_THREAD_EXIT, tid, ANY);
    cr_assert_eq(exit->arg, 0);
    cr_assert_geq(exit->ts, got->ts);
    rc_eventlog_close(log);
}

Test(shim, locks_beyond_the_tracked_set_are_counted, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_many", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t rw_w = printed(&r, "rw_w"), rw_r = printed(&r, "rw_r");
    uint64_t nlocks = printed(&r, "nlocks");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 1, ANY), nlocks + 2);
    /* The rwlocks' modes are known even past the tracked set. */
    cr_assert_eq(find_ev(e, RC_EV_LOCK_RELEASED, 1, rw_w)->flags, RC_LOCK_RWLOCK_WRITE);
    cr_assert_eq(find_ev(e, RC_EV_LOCK_RELEASED, 1, rw_r)->flags, RC_LOCK_RWLOCK_READ);
    cr_assert_eq(find_ev(e, RC_EV_THREAD_EXIT, 1, ANY)->arg, nlocks);
    rc_eventlog_close(log);
}

Test(shim, signal_handlers_that_lock_leave_whole_records, .init = make_logdir,
     .fini = remove_logdir, .timeout = 60)
{
    run_t r;
    run_prog("shim_signal", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m"), hm = printed(&r, "hm");
    uint64_t iters = printed(&r, "iters"), handled = printed(&r, "handled");
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->dropped, 0);
    evs_t e = events_of(log);
    for (size_t i = 0; i < e.n; i++) {
        cr_assert(e.v[i].op >= RC_EV_THREAD_START && e.v[i].op <= RC_EV_OP_MAX,
                  "record %zu has op %u", i, e.v[i].op);
        cr_assert_eq(e.v[i].tid, 0);
    }
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 0, m), iters);
    cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, 0, m), iters);
    /* A handler that interrupted the shim itself passes through unrecorded,
     * lock and unlock alike. */
    size_t hacq = count(e, RC_EV_LOCK_ACQUIRED, 0, hm);
    cr_assert_eq(hacq, count(e, RC_EV_LOCK_RELEASED, 0, hm));
    cr_assert_leq(hacq, handled);
    /* The handler's runs: SIGNAL_ENTER/EXIT pairs, at most one per signal
     * handled, and every recorded acquisition of hm inside one. */
    size_t enters = count(e, RC_EV_SIGNAL_ENTER, 0, ANY);
    cr_assert_eq(enters, count(e, RC_EV_SIGNAL_EXIT, 0, ANY));
    cr_assert_leq(enters, handled);
    cr_assert_geq(enters, hacq);
    int in_handler = 0;
    for (size_t i = 0; i < e.n; i++) {
        if (e.v[i].op == RC_EV_SIGNAL_ENTER || e.v[i].op == RC_EV_SIGNAL_EXIT) {
            cr_assert_eq(in_handler, e.v[i].op == RC_EV_SIGNAL_EXIT, "record %zu", i);
            in_handler = e.v[i].op == RC_EV_SIGNAL_ENTER;
        }
        if (e.v[i].op == RC_EV_LOCK_ACQUIRED && e.v[i].obj == hm)
            cr_assert(in_handler, "record %zu: hm acquired outside the handler", i);
    }
    cr_assert_eq(count(e, RC_EV_SIGNAL_INSTALL, 0, ANY), 1);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 0, ANY) + count(e, RC_EV_LOCK_RELEASED, 0, ANY) +
                     2 * enters + 1 + 2,
                 e.n, "only lock and signal records besides start and exit");
    rc_eventlog_close(log);
}

ParameterizedTestParameters(shim, handlers_keep_their_semantics_and_are_recorded)
{
    static int summary[] = {0, 1};
    return cr_make_param_array(int, summary, 2);
}

/* sigaction and signal are interposed and handlers run through a trampoline:
 * oldact, siginfo, errno, SA_RESTART and SA_RESETHAND must behave as without
 * the shim (shim_sigaction checks each and says so), and each handler's runs
 * are SIGNAL_ENTER/EXIT pairs naming it. */
ParameterizedTest(int *summary, shim, handlers_keep_their_semantics_and_are_recorded,
                  .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_sigaction", NULL, 1, logdir, NULL, *summary ? summary_env : NULL, &r);
    static const char *const checks[] = {"oldact",  "sigreturn", "siginfo",  "errno",
                                         "restart", "eintr",     "resethand"};
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        cr_expect_eq(printed(&r, checks[i]), 1, "%s failed under the shim:\n%s", checks[i], r.out);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    const struct {
        const char *name;
        size_t runs;
    } handlers[] = {{"on_info", 1}, {"on_plain", 1}, {"on_alarm", 2}, {"on_once", 1}};
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++) {
        uint64_t fn = printed(&r, handlers[i].name);
        cr_expect_eq(count(e, RC_EV_SIGNAL_ENTER, 0, fn), handlers[i].runs, "%s", handlers[i].name);
        cr_expect_eq(count(e, RC_EV_SIGNAL_EXIT, 0, fn), handlers[i].runs, "%s", handlers[i].name);
        cr_expect_gt(count(e, RC_EV_SIGNAL_INSTALL, 0, fn), 0, "%s", handlers[i].name);
    }
    const rc_event_t *inst = find_ev(e, RC_EV_SIGNAL_INSTALL, 0, printed(&r, "on_info"));
    cr_assert_not_null(inst);
    cr_expect_eq(inst->arg, (uint64_t)SIGUSR1);
    cr_expect_eq(inst->flags, RC_SIG_SIGINFO | RC_SIG_RESTART);
    cr_expect_neq(inst->site, 0, "the call site of sigaction");
    inst = find_ev(e, RC_EV_SIGNAL_INSTALL, 0, printed(&r, "on_once"));
    cr_assert_not_null(inst);
    cr_expect_eq(inst->flags, RC_SIG_RESETHAND);
    /* Each ENTER is followed by the EXIT of the same handler, and the
     * handler's signal in both. */
    for (size_t i = 0; i < e.n; i++) {
        if (e.v[i].op != RC_EV_SIGNAL_ENTER)
            continue;
        size_t x = find(e, i + 1, RC_EV_SIGNAL_EXIT, 0, e.v[i].obj);
        cr_assert_lt(x, e.n);
        cr_expect_eq(e.v[x].arg, e.v[i].arg);
        cr_expect_eq(find(e, i + 1, RC_EV_SIGNAL_ENTER, 0, ANY) > x, 1,
                     "handlers do not nest here");
    }
    rc_eventlog_close(log);
}

/* Shared mappings are recorded with their kind and length, private ones are
 * not, and each shared one's unmapping is an UNMAP record. */
Test(shim, shared_mappings_are_recorded, .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_shared", NULL, 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    uint64_t len = printed(&r, "len");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    const struct {
        const char *key;
        unsigned flags;
    } shared[] = {{"anon", RC_MAP_ANON}, {"obj", 0}, {"seg", RC_MAP_SHM}};
    for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++) {
        uint64_t at = printed(&r, shared[i].key);
        const rc_event_t *m = find_ev(e, RC_EV_MAP_SHARED, 0, at);
        cr_expect_eq(m->flags, shared[i].flags, "%s", shared[i].key);
        cr_expect_eq(m->arg, len, "%s", shared[i].key);
        cr_expect_neq(m->site, 0, "%s", shared[i].key);
        cr_expect_eq(count(e, RC_EV_MAP_SHARED, ANY, at), 1, "%s", shared[i].key);
        cr_expect_eq(count(e, RC_EV_UNMAP, 0, at), 1, "%s", shared[i].key);
    }
    cr_expect_eq(count(e, RC_EV_MAP_SHARED, ANY, ANY), 3, "the private mapping is no record");
    cr_expect_eq(count(e, RC_EV_UNMAP, ANY, ANY), 3, "nor its unmapping");
    const struct {
        const char *key;
        unsigned kind;
        uint64_t pshared;
    } inits[] = {{"cv", RC_SYNC_COND, RC_MUTEX_PSHARED},
                 {"rw", RC_SYNC_RWLOCK, 0},
                 {"bar", RC_SYNC_BARRIER, 0}};
    for (size_t i = 0; i < sizeof inits / sizeof inits[0]; i++) {
        const rc_event_t *in = find_ev(e, RC_EV_SYNC_INIT, 0, printed(&r, inits[i].key));
        cr_expect_eq(in->flags, inits[i].kind, "%s", inits[i].key);
        cr_expect_eq(in->arg, inits[i].pshared, "%s", inits[i].key);
    }
    rc_eventlog_close(log);
}

/* Without RACECHECK_LOG_DIR the shim installs no trampoline: the same checks. */
Test(shim, handlers_pass_through_when_not_recording, .timeout = 30)
{
    run_t r;
    run_prog("shim_sigaction", 1, NULL, NULL, &r);
    assert_exit(&r, 0);
}

/* ---- Errno and return values ---------------------------------------------------- */

Test(shim, errno_and_return_values_pass_through, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_passthrough", 0, NULL, NULL, &r);
    assert_exit(&r, 0); /* the program's expectations hold without the shim */
    run_prog("shim_passthrough", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    cr_assert_null(strstr(r.out, "FAIL"), "%s", r.out);
    uint64_t plain = printed(&r, "plain"), ec = printed(&r, "ec"), rw = printed(&r, "rw");
    uint64_t spin = printed(&r, "spin"), cm = printed(&r, "cm"), cv = printed(&r, "cv");

    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    struct {
        uint64_t obj, err, flags;
    } fails[] = {
        {plain, EBUSY, RC_LOCK_MUTEX | RC_LOCK_TRY},
        {plain, ETIMEDOUT, RC_LOCK_MUTEX | RC_LOCK_TIMED},
        {ec, EDEADLK, RC_LOCK_MUTEX},
        {rw, EBUSY, RC_LOCK_RWLOCK_READ | RC_LOCK_TRY},
        {rw, EBUSY, RC_LOCK_RWLOCK_WRITE | RC_LOCK_TRY},
        {spin, EBUSY, RC_LOCK_SPIN | RC_LOCK_TRY},
        {cm, EBUSY, RC_LOCK_C11_MUTEX | RC_LOCK_TRY},
        {cm, ETIMEDOUT, RC_LOCK_C11_MUTEX | RC_LOCK_TIMED},
    };
    for (size_t k = 0; k < sizeof fails / sizeof fails[0]; k++) {
        int seen = 0;
        for (size_t i = 0; i < e.n; i++)
            seen |= match(&e.v[i], RC_EV_LOCK_TRY_FAILED, 0, fails[k].obj) &&
                    e.v[i].arg == fails[k].err && e.v[i].flags == fails[k].flags;
        cr_assert(seen, "no TRY_FAILED case %zu (error %llu, flags %#llx)", k,
                  (unsigned long long)fails[k].err, (unsigned long long)fails[k].flags);
    }
    int bad_unlock = 0;
    for (size_t i = 0; i < e.n; i++)
        bad_unlock |= match(&e.v[i], RC_EV_LOCK_RELEASED, 0, ec) &&
                      (e.v[i].flags & RC_LOCK_ERROR) && e.v[i].arg == EPERM;
    cr_assert(bad_unlock, "unlock of an unowned error-checking mutex not flagged");
    /* The first wait times out; the second, on an error-checking mutex the
     * thread does not hold, fails with EPERM and releases nothing. */
    size_t w1 = find(e, 0, RC_EV_COND_WOKEN, 0, cv);
    cr_assert_neq(w1, SIZE_MAX);
    cr_assert_eq(e.v[w1].flags, RC_WOKEN_TIMEOUT);
    size_t wait2 = find(e, w1 + 1, RC_EV_COND_WAIT, 0, cv);
    size_t w2 = find(e, w1 + 1, RC_EV_COND_WOKEN, 0, cv);
    cr_assert(wait2 != SIZE_MAX && w2 != SIZE_MAX && e.v[wait2].arg == ec);
    cr_assert_eq(e.v[w2].flags, RC_WOKEN_ERROR);
    cr_assert_eq(w2, wait2 + 1, "no release or re-acquire around a failed wait");
    cr_assert_eq(find_ev(e, RC_EV_THREAD_EXIT, 0, ANY)->arg, 0, "held-lock count stays right");
    /* pthread_cond_clockwait and cnd_timedwait time out the same way. */
    size_t w3 = find(e, w2 + 1, RC_EV_COND_WOKEN, 0, cv);
    cr_assert(w3 != SIZE_MAX && e.v[w3].flags == RC_WOKEN_TIMEOUT && e.v[w3].arg == plain);
    uint64_t ccv = printed(&r, "ccv");
    const rc_event_t *cw = find_ev(e, RC_EV_COND_WOKEN, 0, ccv);
    cr_assert_eq(cw->flags, RC_WOKEN_TIMEOUT);
    cr_assert_eq(cw->arg, cm);
    cr_assert_eq((cw - 1)->op, RC_EV_LOCK_ACQUIRED);
    cr_assert_eq((cw - 1)->flags, RC_LOCK_C11_MUTEX | RC_LOCK_COND);
    cr_assert_eq(count(e, RC_EV_THREAD_JOIN, ANY, ANY), 0, "failed self-join recorded");
    const rc_event_t *self_join = find_ev(e, RC_EV_JOIN_FAILED, 0, ANY);
    cr_assert_eq(self_join->flags, EDEADLK, "the self-join's error");
    cr_assert_eq(self_join->arg, UINT64_MAX, "the main thread has no tid of a created thread");

    /* Destroying a locked mutex fails with EBUSY; the second destroy works. */
    size_t d1 = find(e, 0, RC_EV_LOCK_DESTROY, 0, plain);
    size_t d2 = d1 == SIZE_MAX ? SIZE_MAX : find(e, d1 + 1, RC_EV_LOCK_DESTROY, 0, plain);
    cr_assert(d1 != SIZE_MAX && d2 != SIZE_MAX, "two LOCK_DESTROY of plain");
    cr_assert_eq(e.v[d1].arg, EBUSY);
    cr_assert_eq(e.v[d2].arg, 0);
    cr_assert_eq(e.v[d2].flags, RC_LOCK_MUTEX);
    cr_assert_eq(find_ev(e, RC_EV_LOCK_DESTROY, 0, rw)->flags, RC_LOCK_RWLOCK_WRITE);
    cr_assert_eq(find_ev(e, RC_EV_LOCK_DESTROY, 0, spin)->flags, RC_LOCK_SPIN);
    rc_eventlog_close(log);
}

/* ---- Crashes, truncation, foreign files --------------------------------------- */

Test(shim, sigkilled_process_leaves_readable_log, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_killed", 1, logdir, NULL, &r);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL, "status %#x", r.status);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_not(info->exited, "a killed process ran no exit path");
    cr_assert_eq(info->ntorn, 0);
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 0, m), 100);
    cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, 0, m), 100);
    cr_assert_eq(count(e, RC_EV_THREAD_EXIT, ANY, ANY), 0);
    rc_eventlog_close(log);
}

Test(shim, truncated_log_yields_complete_records, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_killed", 1, logdir, NULL, &r);
    char paths[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 2), 1);
    rc_eventlog_t *full = open_log(paths[0]);
    size_t nfull = rc_eventlog_info(full)->nevents;
    cr_assert_eq(nfull, 201); /* THREAD_START + 100 x (ACQUIRED, RELEASED) */
    rc_eventlog_close(full);

    /* One chunk, one thread: cutting after k records plus part of the next
     * keeps exactly k and counts the chunk as torn. */
    char cut[PATH_MAX + 8];
    snprintf(cut, sizeof cut, "%s/cut.bin", logdir);
    size_t keep[] = {0, 1, 57, 200};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        copy_prefix(paths[0], cut, RC_LOG_HEADER_SIZE + keep[i] * sizeof(rc_event_t) + 17);
        rc_eventlog_t *log = open_log(cut);
        const rc_eventlog_info_t *info = rc_eventlog_info(log);
        cr_assert_eq(info->nevents, keep[i], "kept %zu of %zu", info->nevents, keep[i]);
        cr_assert_eq(info->ntorn, 1);
        rc_eventlog_close(log);
    }
    /* Cut just after the last record: the chunk's end marker is missing too. */
    copy_prefix(paths[0], cut, RC_LOG_HEADER_SIZE + 201 * sizeof(rc_event_t));
    rc_eventlog_t *log = open_log(cut);
    cr_assert_eq(rc_eventlog_info(log)->nevents, 201);
    cr_assert_eq(rc_eventlog_info(log)->ntorn, 1);
    rc_eventlog_close(log);
    /* Cut after the end marker: nothing was lost. */
    copy_prefix(paths[0], cut, RC_LOG_HEADER_SIZE + 202 * sizeof(rc_event_t));
    log = open_log(cut);
    cr_assert_eq(rc_eventlog_info(log)->nevents, 201);
    cr_assert_eq(rc_eventlog_info(log)->ntorn, 0);
    rc_eventlog_close(log);
    /* Cut inside the header: no longer a log. */
    copy_prefix(paths[0], cut, 100);
    rc_error_t err;
    cr_assert_eq(rc_eventlog_open(cut, &log, &err), RC_EFOREIGN);
    cr_assert_null(log);
}

/* A header as the shim writes it. */
static rc_log_header_t good_header(uint64_t next_chunk, uint32_t capacity)
{
    rc_log_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, RC_LOG_MAGIC, sizeof h.magic);
    h.version = RC_LOG_VERSION;
    h.record_size = sizeof(rc_event_t);
    h.chunk_records = RC_LOG_CHUNK_RECORDS;
    h.pid = 1234;
    h.ppid = 1;
    h.next_chunk = next_chunk;
    h.chunk_capacity = capacity;
    strcpy(h.exe, "/bin/crafted");
    return h;
}

static void write_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

typedef enum foreign_kind {
    F_EMPTY,
    F_TEXT,
    F_RANDOM,
    F_BAD_MAGIC,
    F_BAD_VERSION,
    F_BAD_RECORD_SIZE,
    F_ZERO_CHUNK_RECORDS,
    F_TOO_MANY_CHUNKS,
    F_BAD_PID,
    F_DIRECTORY,
    F_FIFO,
} foreign_kind_t;

ParameterizedTestParameters(shim, foreign_files_are_rejected)
{
    static foreign_kind_t kinds[] = {F_EMPTY,
                                     F_TEXT,
                                     F_RANDOM,
                                     F_BAD_MAGIC,
                                     F_BAD_VERSION,
                                     F_BAD_RECORD_SIZE,
                                     F_ZERO_CHUNK_RECORDS,
                                     F_TOO_MANY_CHUNKS,
                                     F_BAD_PID,
                                     F_DIRECTORY,
                                     F_FIFO};
    return cr_make_param_array(foreign_kind_t, kinds, sizeof kinds / sizeof kinds[0]);
}

ParameterizedTest(foreign_kind_t *kind, shim, foreign_files_are_rejected, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 10)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/foreign", logdir);
    size_t size = RC_LOG_HEADER_SIZE + 2 * RC_LOG_CHUNK_RECORDS * sizeof(rc_event_t);
    unsigned char *buf = calloc(1, size);
    rc_log_header_t h = good_header(1, 2);
    switch (*kind) {
    case F_EMPTY:
        size = 0;
        break;
    case F_TEXT:
        size = (size_t)snprintf((char *)buf, size, "%s",
                                "int main(void) { return 0; }\n"
                                "This is a text file, long enough to hold a header or two. "
                                "It starts with letters, not with a racecheck magic.\n");
        while (size < 3000)
            size += (size_t)snprintf((char *)buf + size, 64, "line %zu of filler text\n", size);
        break;
    case F_RANDOM:
        srand(42);
        for (size_t i = 0; i < size; i++)
            buf[i] = (unsigned char)rand();
        break;
    case F_BAD_MAGIC:
        memcpy(h.magic, "RCEVLOG0", 8);
        break;
    case F_BAD_VERSION:
        h.version = RC_LOG_VERSION + 1;
        break;
    case F_BAD_RECORD_SIZE:
        h.record_size = 48;
        break;
    case F_ZERO_CHUNK_RECORDS:
        h.chunk_records = 0;
        break;
    case F_TOO_MANY_CHUNKS:
        h.next_chunk = 3;
        break;
    case F_BAD_PID:
        h.pid = -5;
        break;
    case F_DIRECTORY:
        cr_assert_eq(mkdir(path, 0755), 0);
        break;
    case F_FIFO: /* opening it for reading must not wait for a writer */
        cr_assert_eq(mkfifo(path, 0644), 0);
        break;
    }
    if (*kind >= F_BAD_MAGIC && *kind <= F_BAD_PID)
        memcpy(buf, &h, sizeof h);
    if (*kind != F_DIRECTORY && *kind != F_FIFO)
        write_file(path, buf, size);
    free(buf);

    rc_eventlog_t *log = (rc_eventlog_t *)1;
    rc_error_t err;
    rc_error_clear(&err);
    cr_assert_eq(rc_eventlog_open(path, &log, &err), RC_EFOREIGN, "kind %d accepted", *kind);
    cr_assert_null(log);
    cr_assert_not_null(strstr(err.msg, path), "message should name the file: %s", err.msg);
    if (*kind == F_DIRECTORY)
        rmdir(path);
}

Test(shim, missing_file_is_enoent, .timeout = 10)
{
    rc_eventlog_t *log;
    rc_error_t err;
    cr_assert_eq(rc_eventlog_open("/nonexistent/rc-1.log", &log, &err), RC_ENOENT);
}

Test(shim, reader_sorts_by_time_then_tid_then_thread_order, .init = make_logdir,
     .fini = remove_logdir, .timeout = 10)
{
    /* Chunk 0 belongs to tid 1, chunk 1 to tid 0; obj numbers the expected
     * position in the merged order. */
    const size_t chunk = RC_LOG_CHUNK_RECORDS;
    size_t size = RC_LOG_HEADER_SIZE + 2 * chunk * sizeof(rc_event_t);
    unsigned char *buf = calloc(1, size);
    rc_log_header_t h = good_header(2, 4);
    memcpy(buf, &h, sizeof h);
    rc_event_t *rec = (rc_event_t *)(buf + RC_LOG_HEADER_SIZE);
    rc_event_t t1[] = {
        {.ts = 10, .obj = 0, .tid = 1, .op = RC_EV_THREAD_START},
        {.ts = 20, .obj = 2, .tid = 1, .op = RC_EV_LOCK_ACQUIRED},
        {.ts = 20, .obj = 3, .tid = 1, .op = RC_EV_LOCK_RELEASED},
        {.ts = 40, .obj = 5, .tid = 1, .op = RC_EV_THREAD_EXIT},
    };
    rc_event_t t0[] = {
        {.ts = 20, .obj = 1, .tid = 0, .op = RC_EV_LOCK_ACQUIRED},
        {.ts = 30, .obj = 4, .tid = 0, .op = RC_EV_LOCK_RELEASED},
    };
    memcpy(rec, t1, sizeof t1);
    memcpy(rec + chunk, t0, sizeof t0);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/crafted.log", logdir);
    write_file(path, buf, size);
    free(buf);

    rc_eventlog_t *log = open_log(path);
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_eq(info->pid, 1234);
    cr_assert_str_eq(info->exe, "/bin/crafted");
    cr_assert_not(info->exited);
    cr_assert_eq(info->ntorn, 0);
    evs_t e = events_of(log);
    cr_assert_eq(e.n, 6);
    for (size_t i = 0; i < e.n; i++)
        cr_assert_eq(e.v[i].obj, i, "position %zu holds event %llu", i,
                     (unsigned long long)e.v[i].obj);
    rc_eventlog_close(log);
}

Test(shim, hostile_counts_are_bounded_by_the_file, .init = make_logdir, .fini = remove_logdir,
     .timeout = 10)
{
    /* A header claiming 4 billion chunks on a file holding one record. */
    size_t size = RC_LOG_HEADER_SIZE + sizeof(rc_event_t);
    unsigned char *buf = calloc(1, size);
    rc_log_header_t h = good_header(UINT32_MAX, UINT32_MAX);
    memset(h.exe, 'x', sizeof h.exe); /* not NUL-terminated */
    memcpy(buf, &h, sizeof h);
    rc_event_t ev = {.ts = 1, .tid = 7, .op = RC_EV_THREAD_START};
    memcpy(buf + RC_LOG_HEADER_SIZE, &ev, sizeof ev);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/hostile.log", logdir);
    write_file(path, buf, size);
    free(buf);

    rc_eventlog_t *log = open_log(path);
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_eq(info->nevents, 1);
    cr_assert_eq(info->ntorn, (size_t)UINT32_MAX);
    cr_assert_lt(strlen(info->exe), sizeof h.exe);
    rc_eventlog_close(log);
}

/* ---- Processes ----------------------------------------------------------------- */

Test(shim, forked_child_writes_its_own_log, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_fork", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t child_pid = printed(&r, "child"), m = printed(&r, "m");
    char paths[4][PATH_MAX];
    cr_assert_eq(find_logs(paths, 4), 2);
    rc_eventlog_t *a = open_log(paths[0]), *b = open_log(paths[1]);
    rc_eventlog_t *parent = (uint64_t)rc_eventlog_info(a)->pid == child_pid ? b : a;
    rc_eventlog_t *child = parent == a ? b : a;
    const rc_eventlog_info_t *pi = rc_eventlog_info(parent), *ci = rc_eventlog_info(child);
    cr_assert_eq((uint64_t)ci->pid, child_pid);
    cr_assert_eq(ci->ppid, pi->pid, "child's header names its parent");
    cr_assert(ci->exited);
    cr_assert_eq(ci->exit_status, 7);

    evs_t pe = events_of(parent), ce = events_of(child);
    cr_assert_eq(find_ev(pe, RC_EV_FORK, 1, ANY)->arg, child_pid);
    cr_assert_eq(count(pe, RC_EV_LOCK_ACQUIRED, 0, m), 5);
    cr_assert_eq(count(pe, RC_EV_LOCK_ACQUIRED, ANY, m), 5, "child's locks leaked to the parent");

    /* The child starts with its forking thread, which keeps tid 1. */
    cr_assert_gt(ce.n, 0);
    cr_assert_eq(ce.v[0].op, RC_EV_THREAD_START);
    cr_assert_eq(ce.v[0].tid, 1);
    cr_assert_eq(ce.v[0].flags, RC_START_FORKED);
    cr_assert_eq(ce.v[0].arg, child_pid);
    cr_assert_eq(count(ce, RC_EV_LOCK_ACQUIRED, 0, ANY), 0, "parent's events copied to the child");
    cr_assert_eq(count(ce, RC_EV_THREAD_START, 0, ANY), 0);
    cr_assert_eq(count(ce, RC_EV_LOCK_ACQUIRED, 1, m), 2);
    cr_assert_eq(count(ce, RC_EV_LOCK_ACQUIRED, ANY, m), 3);
    /* `across` was held at fork: the child starts holding it, then releases it. */
    uint64_t across = printed(&r, "across");
    cr_assert_gt(ce.n, 1);
    cr_assert_eq(ce.v[1].op, RC_EV_LOCK_ACQUIRED);
    cr_assert_eq(ce.v[1].obj, across);
    cr_assert_eq(ce.v[1].flags, RC_LOCK_MUTEX | RC_LOCK_INHERITED);
    cr_assert_neq(find(ce, 2, RC_EV_LOCK_RELEASED, 1, across), SIZE_MAX);
    size_t p_got = find(pe, 0, RC_EV_LOCK_ACQUIRED, 1, across);
    size_t p_fork = find(pe, 0, RC_EV_FORK, 1, ANY);
    size_t p_rel = find(pe, 0, RC_EV_LOCK_RELEASED, 1, across);
    cr_assert(p_got < p_fork && p_fork < p_rel && p_rel != SIZE_MAX);

    /* Its new thread gets the next tid and is joined by tid. */
    uint64_t newtid = find_ev(ce, RC_EV_THREAD_CREATE, 1, ANY)->arg;
    cr_assert_geq(newtid, 2);
    cr_assert_eq(count(ce, RC_EV_LOCK_ACQUIRED, newtid, m), 1);
    cr_assert_eq(find_ev(ce, RC_EV_THREAD_JOIN, 1, ANY)->arg, newtid);
    rc_eventlog_close(a);
    rc_eventlog_close(b);
}

Test(shim, forked_child_logs_only_once_it_records, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_spawn", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t execd = printed(&r, "execd"), quiet = printed(&r, "quiet");
    char paths[4][PATH_MAX], want[PATH_MAX];
    cr_assert_eq(find_logs(paths, 4), 2, "want the parent's log and the exec'd image's");
    snprintf(want, sizeof want, "%s/rc-%llu.log", logdir, (unsigned long long)execd);
    rc_eventlog_t *a = open_log(paths[0]), *b = open_log(paths[1]);
    rc_eventlog_t *child = strcmp(paths[0], want) == 0 ? a : b;
    rc_eventlog_t *parent = child == a ? b : a;
    cr_assert(strcmp(paths[0], want) == 0 || strcmp(paths[1], want) == 0, "no %s", want);
    const rc_eventlog_info_t *ci = rc_eventlog_info(child), *pi = rc_eventlog_info(parent);
    cr_assert_eq(ci->ppid, pi->pid);
    cr_assert_eq(ci->exit_status, 5);
    evs_t ce = events_of(child), pe = events_of(parent);
    cr_assert_eq(ce.v[0].op, RC_EV_THREAD_START);
    cr_assert_eq(ce.v[0].flags, RC_START_MAIN, "a new image starts afresh");
    cr_assert_eq(count(ce, RC_EV_LOCK_ACQUIRED, 0, ANY), 1);
    cr_assert_eq(count(pe, RC_EV_FORK, 0, ANY), 2);
    size_t f1 = find(pe, 0, RC_EV_FORK, 0, ANY);
    size_t f2 = find(pe, f1 + 1, RC_EV_FORK, 0, ANY);
    cr_assert_eq(pe.v[f1].arg, execd);
    cr_assert_eq(pe.v[f2].arg, quiet);
    rc_eventlog_close(a);
    rc_eventlog_close(b);
}

Test(shim, exec_writes_a_log_per_image, .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog("shim_exec", 1, logdir, NULL, &r);
    assert_exit(&r, 4);
    uint64_t pid = printed(&r, "pid");
    char paths[4][PATH_MAX], want[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 4), 2);
    snprintf(want[0], PATH_MAX, "%s/rc-%llu-1.log", logdir, (unsigned long long)pid);
    snprintf(want[1], PATH_MAX, "%s/rc-%llu.log", logdir, (unsigned long long)pid);
    cr_assert_str_eq(paths[0], want[0]);
    cr_assert_str_eq(paths[1], want[1]);
    rc_eventlog_t *before = open_log(paths[1]), *after = open_log(paths[0]);
    cr_assert_eq((uint64_t)rc_eventlog_info(before)->pid, pid);
    cr_assert_eq((uint64_t)rc_eventlog_info(after)->pid, pid);
    cr_assert_not(rc_eventlog_info(before)->exited, "exec runs no exit handlers");
    cr_assert(rc_eventlog_info(after)->exited);
    cr_assert_eq(rc_eventlog_info(after)->exit_status, 4);
    /* The exec'd image is linked to the one it replaced: its parent in the
     * process tree is its own pid. */
    cr_assert(rc_eventlog_info(before)->replaced);
    cr_assert_not(rc_eventlog_info(before)->execed);
    cr_assert(rc_eventlog_info(after)->execed);
    cr_assert_not(rc_eventlog_info(after)->replaced);
    cr_assert_eq((uint64_t)rc_eventlog_info(after)->ppid, pid);
    cr_assert_neq((uint64_t)rc_eventlog_info(before)->ppid, pid);
    cr_assert_eq(count(events_of(before), RC_EV_LOCK_ACQUIRED, 0, ANY), 1);
    cr_assert_eq(count(events_of(after), RC_EV_LOCK_ACQUIRED, 0, ANY), 1);
    rc_eventlog_close(before);
    rc_eventlog_close(after);
}

Test(shim, concurrent_threads_keep_order_and_exclusion, .init = make_logdir, .fini = remove_logdir,
     .timeout = 60)
{
    run_t r;
    run_prog_ex("shim_stress", "shared", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m"), nthreads = printed(&r, "threads");
    uint64_t iters = printed(&r, "iters");
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->dropped, 0);
    evs_t e = events_of(log);
    assert_sorted(e);
    uint64_t holder = ANY;
    for (size_t i = 0; i < e.n; i++) {
        if (e.v[i].obj != m)
            continue;
        if (e.v[i].op == RC_EV_LOCK_ACQUIRED) {
            cr_assert_eq(holder, ANY, "event %zu: tid %u acquired while tid %llu holds", i,
                         e.v[i].tid, (unsigned long long)holder);
            holder = e.v[i].tid;
        } else if (e.v[i].op == RC_EV_LOCK_RELEASED) {
            cr_assert_eq(holder, e.v[i].tid, "event %zu: release by a non-holder", i);
            holder = ANY;
        } else if (e.v[i].op == RC_EV_LOCK_WAIT) {
            /* Every wait ends in this thread's next acquisition of m. */
            size_t next = find(e, i + 1, RC_EV_LOCK_ACQUIRED, e.v[i].tid, m);
            cr_assert_neq(next, SIZE_MAX);
            cr_assert_eq(find(e, i + 1, RC_EV_LOCK_WAIT, e.v[i].tid, m) > next, 1);
        }
    }
    for (uint64_t tid = 1; tid <= nthreads; tid++) {
        cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, tid, m), iters);
        cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, tid, m), iters);
    }
    rc_eventlog_close(log);
}

Test(shim, full_log_counts_dropped_events, .init = make_logdir, .fini = remove_logdir,
     .timeout = 60)
{
    /* 1 MiB holds 6 chunks of 4096 records; the program emits 24018 events. */
    static const char *const small[] = {"RACECHECK_LOG_MB=1", NULL};
    run_t r;
    run_prog_ex("shim_stress", "private", 1, logdir, NULL, small, &r);
    assert_exit(&r, 0);
    uint64_t nthreads = printed(&r, "threads"), iters = printed(&r, "iters");
    uint64_t emitted = 1 + nthreads * (2 * iters + 5) + 1; /* 5: LOCK_INIT too */
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_gt(info->dropped, 0);
    cr_assert_eq(info->nevents + info->dropped, emitted, "%zu kept + %llu dropped != %llu",
                 info->nevents, (unsigned long long)info->dropped, (unsigned long long)emitted);
    cr_assert_eq(info->ntorn, 0);
    cr_assert(info->exited);
    rc_eventlog_close(log);
}

Test(shim, exited_threads_leave_their_chunk_to_new_threads, .init = make_logdir,
     .fini = remove_logdir, .timeout = 60)
{
    /* 300 threads one after the other in a log of 6 chunks: without reuse
     * all but 5 would find the log full. */
    static const char *const small[] = {"RACECHECK_LOG_MB=1", NULL};
    run_t r;
    run_prog_ex("shim_stress", "churn", 1, logdir, NULL, small, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m"), churn = printed(&r, "churn");
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_eq(info->dropped, 0);
    cr_assert_eq(info->nevents, 1 + churn * 6 + 1);
    evs_t e = events_of(log);
    for (uint64_t tid = 1; tid <= churn; tid++) {
        size_t start = find(e, 0, RC_EV_THREAD_START, tid, ANY);
        size_t got = find(e, 0, RC_EV_LOCK_ACQUIRED, tid, m);
        size_t rel = find(e, 0, RC_EV_LOCK_RELEASED, tid, m);
        size_t exit = find(e, 0, RC_EV_THREAD_EXIT, tid, ANY);
        cr_assert(start < got && got < rel && rel < exit && exit != SIZE_MAX,
                  "tid %llu: events missing or out of order", (unsigned long long)tid);
    }
    rc_eventlog_close(log);
}

/* ---- Off switch -------------------------------------------------------------- */

typedef enum { DIR_UNSET, DIR_EMPTY } dir_setting_t;

ParameterizedTestParameters(shim, no_log_dir_records_nothing)
{
    static dir_setting_t settings[] = {DIR_UNSET, DIR_EMPTY};
    return cr_make_param_array(dir_setting_t, settings, 2);
}

ParameterizedTest(dir_setting_t *setting, shim, no_log_dir_records_nothing, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 30)
{
    /* Run inside the empty directory so that any stray file would show. */
    run_t r;
    run_prog("shim_locks", 1, *setting == DIR_UNSET ? NULL : "", logdir, &r);
    assert_exit(&r, 0);
    cr_assert_eq(count_files(logdir), 0, "the shim wrote files without RACECHECK_LOG_DIR");
    run_prog("shim_fork", 1, *setting == DIR_UNSET ? NULL : "", logdir, &r);
    assert_exit(&r, 0);
    cr_assert_eq(count_files(logdir), 0);
}

Test(shim, log_shrinks_to_fit_an_address_space_limit, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    /* 4 GiB asked for under a 1 GiB limit: the shim takes less and records. */
    static const char *const big[] = {"RACECHECK_LOG_MB=4096", NULL};
    child_as_limit = (rlim_t)1 << 30;
    run_t r;
    run_prog_ex("shim_locks", NULL, 1, logdir, NULL, big, &r);
    child_as_limit = RLIM_INFINITY;
    assert_exit(&r, 0);
    char paths[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 2), 1);
    struct stat st;
    cr_assert_eq(stat(paths[0], &st), 0);
    cr_assert_lt((uint64_t)st.st_size, (uint64_t)1 << 29, "log of %lld bytes under a 1 GiB limit",
                 (long long)st.st_size);
    rc_eventlog_t *log = open_log(paths[0]);
    cr_assert_eq(count(events_of(log), RC_EV_LOCK_ACQUIRED, 1, printed(&r, "lock_a")), 3);
    rc_eventlog_close(log);
}

typedef struct log_mb {
    char value[24];   /* RACECHECK_LOG_MB */
    unsigned long mb; /* the capacity it should give */
} log_mb_t;

ParameterizedTestParameters(shim, log_mb_sets_the_capacity)
{
    static log_mb_t cases[] = {
        {"", 256}, {"1", 1}, {"64", 64}, {"abc", 256}, {"0", 256}, {"12x", 256},
    };
    return cr_make_param_array(log_mb_t, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(log_mb_t *c, shim, log_mb_sets_the_capacity, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 30)
{
    char var[64];
    snprintf(var, sizeof var, "RACECHECK_LOG_MB=%s", c->value);
    const char *const env[] = {var, NULL};
    run_t r;
    run_prog_ex("shim_locks", NULL, 1, logdir, NULL, env, &r);
    assert_exit(&r, 0);
    char paths[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 2), 1);
    struct stat st;
    cr_assert_eq(stat(paths[0], &st), 0);
    /* The largest header + whole chunks that fit in the capacity. */
    uint64_t chunk = (uint64_t)RC_LOG_CHUNK_RECORDS * sizeof(rc_event_t);
    uint64_t want = RC_LOG_HEADER_SIZE + ((c->mb << 20) - RC_LOG_HEADER_SIZE) / chunk * chunk;
    cr_assert_eq((uint64_t)st.st_size, want, "RACECHECK_LOG_MB='%s': %lld bytes, want %llu",
                 c->value, (long long)st.st_size, (unsigned long long)want);
    rc_eventlog_t *log = open_log(paths[0]);
    cr_assert(rc_eventlog_info(log)->exited);
    rc_eventlog_close(log);
}

Test(shim, relative_log_dir_is_resolved_at_start, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog("shim_locks", 1, ".", logdir, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    cr_assert(rc_eventlog_info(log)->exited);
    rc_eventlog_close(log);
}

Test(shim, unusable_log_dir_still_runs_the_program, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    char missing[PATH_MAX];
    snprintf(missing, sizeof missing, "%s/does-not-exist", logdir);
    run_t r;
    run_prog("shim_passthrough", 1, missing, NULL, &r);
    assert_exit(&r, 0);
    cr_assert_eq(count_files(logdir), 0);
}

/* ---- Deadlock watchdog ------------------------------------------------------ */

static double elapsed_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

typedef struct ring_case {
    char mode[8];
    int threads; /* in the cycle */
} ring_case_t;

ParameterizedTestParameters(shim, watchdog_stops_a_real_deadlock)
{
    static ring_case_t cases[] = {{"ring2", 2}, {"ring3", 3}, {"self", 1}};
    return cr_make_param_array(ring_case_t, cases, sizeof cases / sizeof cases[0]);
}

/* Each thread of the cycle waits for the lock the next one holds: the log
 * gets one WAITS and one HOLDS record per thread, the header the flag, and
 * the process ends with RC_DEADLOCK_EXIT within the timeout plus a tick or so. */
ParameterizedTest(ring_case_t *c, shim, watchdog_stops_a_real_deadlock, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 20)
{
    const char *extra[] = {"RACECHECK_DEADLOCK_TIMEOUT=1", NULL};
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_t r;
    run_prog_ex("shim_deadlock", c->mode, 1, logdir, NULL, extra, &r);
    double took = elapsed_since(&t0);
    assert_exit(&r, RC_DEADLOCK_EXIT);
    cr_expect(took >= 1.0 && took < 2.0, "stopped after %.2f s, want 1..2 s", took);
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert(info->deadlocked);
    cr_assert_eq(info->deadlock_ms, 1000);
    cr_assert_eq(info->exit_status, RC_DEADLOCK_EXIT);
    cr_assert_not(info->exited);
    evs_t e = events_of(log);
    size_t waits = 0, holds = 0;
    for (size_t i = 0; i < e.n; i++) {
        const rc_event_t *ev = &e.v[i];
        if (ev->op != RC_EV_DEADLOCK)
            continue;
        if (ev->flags == RC_DEADLOCK_WAITS) {
            waits++;
            /* It waits for a lock it (or the thread named in arg) holds. */
            const rc_event_t *held = NULL;
            for (size_t k = 0; k < e.n; k++)
                if (e.v[k].op == RC_EV_DEADLOCK && e.v[k].flags == RC_DEADLOCK_HOLDS &&
                    e.v[k].tid == ev->arg && e.v[k].obj == ev->obj)
                    held = &e.v[k];
            cr_assert_not_null(held, "T%u waits for %#llx, which no HOLDS record names", ev->tid,
                               (unsigned long long)ev->obj);
            cr_assert_eq(held->arg, ev->tid);
            cr_assert_neq(held->site, 0);
            rc_loc_t loc;
            cr_assert_eq(rc_eventlog_symbolize(log, ev->site, &loc), RC_OK);
            cr_assert_eq(loc.line, line_of("shim_deadlock.c",
                                           c->threads == 1 ? "SITE:self_wait" : "SITE:ring_wait"));
            rc_loc_close(&loc);
        } else {
            cr_assert_eq(ev->flags, RC_DEADLOCK_HOLDS);
            holds++;
        }
    }
    cr_assert_eq(waits, (size_t)c->threads);
    cr_assert_eq(holds, (size_t)c->threads);
    rc_eventlog_close(log);
}

/* A forked child gets a watchdog of its own (only the forking thread
 * survives fork, the parent's watchdog does not). */
Test(shim, watchdog_runs_in_forked_children, .init = make_logdir, .fini = remove_logdir,
     .timeout = 20)
{
    const char *extra[] = {"RACECHECK_DEADLOCK_TIMEOUT=0.5", NULL};
    run_t r;
    run_prog_ex("shim_deadlock", "fork", 1, logdir, NULL, extra, &r);
    assert_exit(&r, RC_DEADLOCK_EXIT);
    char paths[4][PATH_MAX];
    cr_assert_eq(find_logs(paths, 4), 2);
    int deadlocked = 0;
    for (size_t i = 0; i < 2; i++) {
        rc_eventlog_t *log = open_log(paths[i]);
        const rc_eventlog_info_t *info = rc_eventlog_info(log);
        if (info->deadlocked) {
            deadlocked++;
            cr_assert_neq(info->ppid, 0);
            cr_assert_eq(count(events_of(log), RC_EV_DEADLOCK, ANY, ANY), 4);
        } else {
            cr_assert(info->exited, "the parent exits normally");
        }
        rc_eventlog_close(log);
    }
    cr_assert_eq(deadlocked, 1, "the child's log says so");
}

/* Long waits that are no cycle (a lock held 1.5 s, a condition wait) are left
 * alone with a 0.3 s timeout, and the watchdog thread records nothing. */
Test(shim, watchdog_leaves_long_waits_alone, .init = make_logdir, .fini = remove_logdir,
     .timeout = 20)
{
    const char *extra[] = {"RACECHECK_DEADLOCK_TIMEOUT=0.3", NULL};
    run_t r;
    run_prog_ex("shim_deadlock", "stall", 1, logdir, NULL, extra, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_not(info->deadlocked);
    cr_assert(info->exited);
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_DEADLOCK, ANY, ANY), 0);
    cr_assert_eq(count(e, RC_EV_THREAD_START, ANY, ANY), 3, "the watchdog is no thread of the log");
    cr_assert_eq(count(e, RC_EV_LOCK_WAIT, ANY, printed(&r, "lock0")), 1);
    rc_eventlog_close(log);
}

ParameterizedTestParameters(shim, bad_deadlock_timeout_is_ignored)
{
    static char values[][8] = {"0", "abc", "1s", "-1"};
    return cr_make_param_array(char[8], values, sizeof values / sizeof values[0]);
}

ParameterizedTest(char (*value)[8], shim, bad_deadlock_timeout_is_ignored, .init = make_logdir,
                  .fini = remove_logdir, .timeout = 20)
{
    char var[64];
    snprintf(var, sizeof var, "RACECHECK_DEADLOCK_TIMEOUT=%s", *value);
    const char *extra[] = {var, NULL};
    run_t r;
    run_prog_ex("shim_deadlock", "stall", 1, logdir, NULL, extra, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->deadlock_ms, 0);
    rc_eventlog_close(log);
}

/* ---- Semaphores, barriers, once, cancellation, mutex attributes ------------- */

static const rc_event_t *find_flags(evs_t e, unsigned op, uint64_t obj, unsigned flags)
{
    for (size_t i = 0; i < e.n; i++)
        if (match(&e.v[i], op, ANY, obj) && e.v[i].flags == flags)
            return &e.v[i];
    cr_assert_fail("no %s event with flags %#x on %#llx", rc_eventlog_op_name(op), flags,
                   (unsigned long long)obj);
    return NULL;
}

Test(shim, semaphores_barriers_once_cancel_and_mutex_types, .init = make_logdir,
     .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog("shim_sync", 1, logdir, NULL, &r);
    assert_exit(&r, 0);
    uint64_t ready = printed(&r, "ready"), meet = printed(&r, "meet"), once = printed(&r, "once");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);

    /* Semaphores: init 0, a failed trywait, a timed-out wait, a post, a wait. */
    const rc_event_t *init = find_ev(e, RC_EV_SEM_INIT, 0, ready);
    cr_assert_eq(init->arg, 0);
    cr_assert_eq(find_flags(e, RC_EV_SEM_WAIT, ready, RC_SEM_TRY | RC_SEM_FAILED)->arg, EAGAIN);
    cr_assert_eq(find_flags(e, RC_EV_SEM_WAIT, ready, RC_SEM_TIMED | RC_SEM_FAILED)->arg,
                 ETIMEDOUT);
    const rc_event_t *post = find_ev(e, RC_EV_SEM_POST, ANY, ready);
    const rc_event_t *wait = find_flags(e, RC_EV_SEM_WAIT, ready, 0);
    cr_assert_eq(wait->tid, 0);
    cr_assert_neq(post->tid, 0);
    cr_assert_lt(post, wait, "the post sorts before the wait it satisfied");
    rc_loc_t loc;
    cr_assert_eq(rc_eventlog_symbolize(log, wait->site, &loc), RC_OK);
    cr_assert_eq(loc.line, line_of("shim_sync.c", "SITE:wait"));
    rc_loc_close(&loc);
    cr_assert_eq(rc_eventlog_symbolize(log, post->site, &loc), RC_OK);
    cr_assert_eq(loc.line, line_of("shim_sync.c", "SITE:post"));
    rc_loc_close(&loc);

    /* The barrier: two arrivals before two departures, one serial thread. */
    size_t arrive = 0, leave = 0, serial = 0, last_arrive = 0, first_leave = SIZE_MAX;
    for (size_t i = 0; i < e.n; i++) {
        if (!match(&e.v[i], RC_EV_BARRIER, ANY, meet))
            continue;
        if (e.v[i].flags == RC_BARRIER_ARRIVE) {
            arrive++;
            last_arrive = i;
        } else {
            leave++;
            serial += e.v[i].arg;
            if (first_leave == SIZE_MAX)
                first_leave = i;
        }
    }
    cr_assert_eq(arrive, 2);
    cr_assert_eq(leave, 2);
    cr_assert_eq(serial, 1);
    cr_assert_lt(last_arrive, first_leave);

    /* pthread_once from 3 threads: one ran the routine, and its record sorts
     * before the others' and after the routine's own lock events. */
    size_t ran = 0, plain_once = 0, ran_at = SIZE_MAX;
    for (size_t i = 0; i < e.n; i++) {
        if (!match(&e.v[i], RC_EV_ONCE, ANY, once))
            continue;
        if (e.v[i].flags == RC_ONCE_RAN) {
            ran++;
            ran_at = i;
        } else {
            plain_once++;
            cr_assert_lt(ran_at, i, "ONCE|RAN first");
        }
    }
    cr_assert_eq(ran, 1);
    cr_assert_eq(plain_once, 2);
    for (size_t i = 0; i < ran_at; i++)
        if (e.v[i].op == RC_EV_LOCK_RELEASED && e.v[i].tid == e.v[ran_at].tid)
            goto released_before;
    cr_assert_fail("the routine's unlock sorts before ONCE|RAN");
released_before:;

    /* The cancelled thread: named by its tid; it never took a unit. */
    const rc_event_t *cancel = find_ev(e, RC_EV_THREAD_CANCEL, 0, ANY);
    const rc_event_t *create = NULL;
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].op == RC_EV_THREAD_CREATE && e.v[i].arg == cancel->arg)
            create = &e.v[i];
    cr_assert_not_null(create, "THREAD_CANCEL names a created thread (arg %llu)",
                       (unsigned long long)cancel->arg);
    cr_assert_eq(count(e, RC_EV_SEM_WAIT, cancel->arg, ANY), 0);

    /* Mutex types and attributes. */
    struct {
        const char *name;
        uint64_t arg;
    } types[] = {{"plain", RC_MUTEX_NORMAL},
                 {"recursive", RC_MUTEX_RECURSIVE},
                 {"checking", RC_MUTEX_ERRORCHECK},
                 {"shared", RC_MUTEX_NORMAL | RC_MUTEX_PSHARED}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        const rc_event_t *ini = find_ev(e, RC_EV_LOCK_INIT, 0, printed(&r, types[i].name));
        cr_assert_eq(ini->arg, types[i].arg, "%s: %#llx", types[i].name,
                     (unsigned long long)ini->arg);
        cr_assert_eq(RC_LOCK_KIND(ini->flags), RC_LOCK_MUTEX);
    }
    cr_assert_str_eq(rc_eventlog_op_name(RC_EV_LOCK_INIT), "LOCK_INIT");
    rc_eventlog_close(log);
}

/* A handler that calls sem_post while the interrupted thread is anywhere in
 * the shim (even in the middle of writing a record) leaves whole records; the
 * posts are recorded when that is safe, never more than were made. */
Test(shim, signal_handlers_that_post_leave_whole_records, .init = make_logdir,
     .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_sync", "signal", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    uint64_t units = printed(&r, "units");
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->ntorn, 0);
    evs_t e = events_of(log);
    assert_sorted(e);
    for (size_t i = 0; i < e.n; i++)
        cr_assert(e.v[i].op >= 1 && e.v[i].op <= RC_EV_OP_MAX, "record %zu: op %u", i, e.v[i].op);
    size_t taken = 0;
    for (size_t i = 0; i < e.n; i++)
        taken += match(&e.v[i], RC_EV_SEM_WAIT, 0, units) && e.v[i].flags == RC_SEM_TRY;
    cr_assert_eq(taken, 200);
    size_t posts = count(e, RC_EV_SEM_POST, 0, units);
    cr_assert(posts >= 1 && posts <= 200, "%zu posts recorded", posts);
    rc_eventlog_close(log);
}

/* ---- Robustness ----------------------------------------------------------------- */

Test(shim, a_thousand_threads_are_created_and_joined, .init = make_logdir, .fini = remove_logdir,
     .timeout = 60)
{
    run_t r;
    run_prog_ex("shim_robust", "threads", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    cr_assert_eq(printed(&r, "threads"), 1000);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->dropped, 0);
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_THREAD_START, ANY, ANY), 1001);
    cr_assert_eq(count(e, RC_EV_THREAD_EXIT, ANY, ANY), 1001);
    cr_assert_eq(count(e, RC_EV_THREAD_CREATE, 0, ANY), 1000);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, ANY, m), 1000);
    /* Every join names a distinct created thread. */
    static unsigned char joined[1001];
    memset(joined, 0, sizeof joined);
    for (size_t i = 0; i < e.n; i++) {
        if (e.v[i].op != RC_EV_THREAD_JOIN)
            continue;
        cr_assert(e.v[i].arg >= 1 && e.v[i].arg <= 1000, "join of tid %llu",
                  (unsigned long long)e.v[i].arg);
        cr_assert_not(joined[e.v[i].arg]++, "tid %llu joined twice",
                      (unsigned long long)e.v[i].arg);
    }
    for (unsigned tid = 1; tid <= 1000; tid++)
        cr_assert(joined[tid], "T%u never joined", tid);
    rc_eventlog_close(log);
}

Test(shim, a_hundred_forked_children_write_their_own_logs, .init = make_logdir,
     .fini = remove_logdir, .timeout = 60)
{
    run_t r;
    run_prog_ex("shim_robust", "fork", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    uint64_t m = printed(&r, "m");
    static char paths[128][PATH_MAX];
    size_t n = find_logs(paths, 128);
    cr_assert_eq(n, 101);
    int parent = 0;
    static int children[128];
    size_t nchildren = 0;
    for (size_t i = 0; i < n; i++) {
        rc_eventlog_t *log = open_log(paths[i]);
        const rc_eventlog_info_t *info = rc_eventlog_info(log);
        evs_t e = events_of(log);
        if (count(e, RC_EV_FORK, ANY, ANY) > 0) {
            cr_assert_eq(parent, 0, "one parent");
            parent = info->pid;
            cr_assert_eq(count(e, RC_EV_FORK, 0, ANY), 100);
            /* Each child reaped: a PROC_WAIT after its FORK, naming it. */
            cr_assert_eq(count(e, RC_EV_PROC_WAIT, 0, ANY), 100);
            for (size_t k = 0; k < e.n; k++) {
                if (e.v[k].op != RC_EV_FORK)
                    continue;
                size_t w = find(e, k, RC_EV_PROC_WAIT, 0, ANY);
                cr_assert_lt(w, e.n);
                cr_assert_eq(e.v[w].arg, e.v[k].arg, "the wait reaps the child just forked");
                cr_assert(WIFEXITED((int)e.v[w].obj) && WEXITSTATUS((int)e.v[w].obj) == 0);
            }
        } else {
            cr_assert(info->exited == 0, "_exit runs no exit path");
            cr_assert(info->quick_exit, "but the log says it called _exit");
            cr_assert_eq(info->exit_status, 0);
            cr_assert_eq(count(e, RC_EV_THREAD_EXIT, 0, ANY), 1);
            cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 0, m), 1);
            cr_assert_eq(count(e, RC_EV_THREAD_START, 0, ANY), 1);
            children[nchildren++] = info->ppid;
        }
        rc_eventlog_close(log);
    }
    cr_assert_neq(parent, 0);
    cr_assert_eq(nchildren, 100);
    for (size_t i = 0; i < nchildren; i++)
        cr_assert_eq(children[i], parent, "child log %zu: ppid %d, parent %d", i, children[i],
                     parent);
}

/* 10 million lock operations (5M lock + 5M unlock) in summary mode: two
 * records and one lock-table slot, whose counters have them all; the pages
 * the log really uses stay a few. The figures go to stderr. */
Test(shim, ten_million_lock_operations_in_summary_mode, .init = make_logdir, .fini = remove_logdir,
     .timeout = 120)
{
    run_t r;
    run_prog_ex("shim_bench", "5000000", 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    char paths[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 2), 1);
    struct stat st;
    cr_assert_eq(stat(paths[0], &st), 0);
    rc_eventlog_t *log = open_log(paths[0]);
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert(info->summary);
    cr_assert_eq(info->dropped, 0);
    cr_assert_leq(info->nevents, 4);
    size_t n;
    const rc_lock_stat_t *ls = rc_eventlog_lock_stats(log, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(ls[0].acquisitions, 5000000);
    cr_assert_lt((long long)st.st_blocks * 512, 1ll << 20, "%lld bytes allocated",
                 (long long)st.st_blocks * 512);
    fprintf(stderr,
            "10M lock operations, summary mode: %zu records, %lld bytes allocated on disk "
            "(file %lld bytes, sparse); %s",
            info->nevents, (long long)st.st_blocks * 512, (long long)st.st_size, r.out);
    rc_eventlog_close(log);
}

/* The same in trace mode, in the default 256 MiB log: the log stays that
 * size, fills up, and every event is either in it or counted as dropped;
 * nothing is torn. */
Test(shim, ten_million_lock_operations_fill_a_bounded_log, .init = make_logdir,
     .fini = remove_logdir, .timeout = 120)
{
    run_t r;
    run_prog_ex("shim_bench", "5000000", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 0);
    char paths[2][PATH_MAX];
    cr_assert_eq(find_logs(paths, 2), 1);
    struct stat st;
    cr_assert_eq(stat(paths[0], &st), 0);
    cr_assert_leq(st.st_size, 256ll << 20, "the log is bounded by RACECHECK_LOG_MB");
    rc_eventlog_t *log = open_log(paths[0]);
    const rc_eventlog_info_t *info = rc_eventlog_info(log);
    cr_assert_eq(info->ntorn, 0);
    /* START, 10M lock events, EXIT. */
    cr_assert_eq(info->nevents + info->dropped, 10000000 + 2, "%zu recorded + %llu dropped",
                 info->nevents, (unsigned long long)info->dropped);
    fprintf(stderr,
            "10M lock operations, trace mode: log %lld bytes (%lld allocated), %zu events "
            "recorded, %llu "
            "dropped (%.1f bytes per operation recorded); %s",
            (long long)st.st_size, (long long)st.st_blocks * 512, info->nevents,
            (unsigned long long)info->dropped,
            (double)st.st_size / (double)(info->nevents ? info->nevents : 1), r.out);
    rc_eventlog_close(log);
}

/* A thread that calls _exit while main waits in pthread_join: no exit path
 * runs, the records made before are all there. */
Test(shim, exit_from_a_thread_keeps_the_records, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_robust", "thread_exit", 1, logdir, NULL, NULL, &r);
    assert_exit(&r, 7);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    cr_assert_not(rc_eventlog_info(log)->exited);
    cr_assert(rc_eventlog_info(log)->quick_exit);
    cr_assert_eq(rc_eventlog_info(log)->exit_status, 7);
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 1, m), 1);
    cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, 1, m), 1);
    cr_assert_eq(count(e, RC_EV_THREAD_JOIN, ANY, ANY), 0);
    rc_eventlog_close(log);
}

Test(shim, crash_keeps_the_records_made_before, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_robust", "segv", 1, logdir, NULL, NULL, &r);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGSEGV, "status %#x", r.status);
    uint64_t m = printed(&r, "m");
    rc_eventlog_t *log = only_log();
    cr_assert_not(rc_eventlog_info(log)->exited);
    cr_assert_eq(rc_eventlog_info(log)->ntorn, 0);
    evs_t e = events_of(log);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 0, m), 50);
    cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, 0, m), 50);
    rc_eventlog_close(log);
}

/* ---- Summary mode (RACECHECK_TRACE unset) --------------------------------------- */

/* The counters summary mode keeps for lock addr, or NULL. */
static const rc_lock_stat_t *stat_for(const rc_eventlog_t *log, uint64_t addr)
{
    size_t n;
    const rc_lock_stat_t *st = rc_eventlog_lock_stats(log, &n);
    for (size_t i = 0; i < n; i++)
        if (st[i].addr == addr)
            return &st[i];
    return NULL;
}

/* The same program with 100 thousand and 2 million lock+unlock pairs leaves
 * the same records (start, exit): the pairs are counted in the lock table,
 * and the log does not grow with them. */
Test(shim, summary_log_size_is_independent_of_lock_operations, .init = make_logdir,
     .fini = remove_logdir, .timeout = 60)
{
    static const char *const iters[] = {"100000", "2000000"};
    size_t nevents[2];
    for (size_t k = 0; k < 2; k++) {
        run_t r;
        run_prog_ex("shim_bench", iters[k], 1, logdir, NULL, summary_env, &r);
        assert_exit(&r, 0);
        rc_eventlog_t *log = only_log();
        const rc_eventlog_info_t *info = rc_eventlog_info(log);
        cr_assert(info->summary);
        cr_assert_eq(info->dropped, 0);
        nevents[k] = info->nevents;
        size_t nstats;
        const rc_lock_stat_t *st = rc_eventlog_lock_stats(log, &nstats);
        cr_assert_eq(nstats, 1);
        cr_assert_eq(st[0].acquisitions, strtoull(iters[k], NULL, 10));
        cr_assert_eq(st[0].kind, RC_LOCK_MUTEX);
        cr_assert_neq(st[0].first_site, 0);
        cr_assert_gt(st[0].hold_ns, 0);
        fprintf(stderr, "summary mode, %s lock+unlock pairs: %zu records (%zu bytes); %s", iters[k],
                info->nevents, info->nevents * sizeof(rc_event_t), r.out);
        rc_eventlog_close(log);
        char paths[2][PATH_MAX];
        find_logs(paths, 2);
        unlink(paths[0]);
        strcat(paths[0], ".maps");
        unlink(paths[0]);
    }
    cr_assert_eq(nevents[0], nevents[1]);
    cr_assert_leq(nevents[1], 4);
}

/* Every acquisition is either a record or counted in the lock table: the
 * totals match trace mode's exactly (4 threads x ITERS on private locks). */
Test(shim, summary_counts_every_acquisition, .init = make_logdir, .fini = remove_logdir,
     .timeout = 60)
{
    run_t r;
    run_prog_ex("shim_stress", "private", 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    uint64_t nthreads = printed(&r, "threads"), iters = printed(&r, "iters");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    size_t nstats;
    const rc_lock_stat_t *st = rc_eventlog_lock_stats(log, &nstats);
    cr_assert_eq(nstats, nthreads);
    for (size_t i = 0; i < nstats; i++) {
        uint64_t recorded = count(e, RC_EV_LOCK_ACQUIRED, ANY, st[i].addr);
        cr_assert_eq(recorded + st[i].acquisitions, iters, "lock %#llx: %llu + %llu",
                     (unsigned long long)st[i].addr, (unsigned long long)recorded,
                     (unsigned long long)st[i].acquisitions);
        cr_assert_eq(count(e, RC_EV_LOCK_RELEASED, ANY, st[i].addr), recorded);
    }
    cr_assert_lt(e.n, 100, "%zu records for %llu lock operations", e.n,
                 (unsigned long long)(2 * nthreads * iters));
    rc_eventlog_close(log);
}

/* More locks than the lock table has slots: the ones without a slot are
 * recorded, and records plus counters still account for every acquisition. */
Test(shim, summary_with_more_locks_than_table_slots, .init = make_logdir, .fini = remove_logdir,
     .timeout = 60)
{
    run_t r;
    run_prog_ex("shim_robust", "locks", 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    cr_assert_eq(rc_eventlog_info(log)->dropped, 0);
    size_t n;
    const rc_lock_stat_t *st = rc_eventlog_lock_stats(log, &n);
    uint64_t counted = 0;
    for (size_t i = 0; i < n; i++)
        counted += st[i].acquisitions;
    uint64_t recorded = count(events_of(log), RC_EV_LOCK_ACQUIRED, ANY, ANY);
    cr_assert_gt(n, 1000);
    cr_assert_lt(n, 10000, "the table has fewer slots than there are locks");
    cr_assert_eq(recorded + counted, 30000, "%llu recorded + %llu counted",
                 (unsigned long long)recorded, (unsigned long long)counted);
    rc_eventlog_close(log);
}

/* The lock table is in the mapped file: a SIGKILL keeps it. */
Test(shim, summary_counters_survive_sigkill, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_killed", NULL, 1, logdir, NULL, summary_env, &r);
    cr_assert(WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGKILL, "status %#x", r.status);
    rc_eventlog_t *log = only_log();
    const rc_lock_stat_t *st = stat_for(log, printed(&r, "m"));
    cr_assert_not_null(st);
    cr_assert_eq(st->acquisitions, 100);
    cr_assert_eq(count(events_of(log), RC_EV_LOCK_ACQUIRED, ANY, ANY), 0);
    rc_eventlog_close(log);
}

/* Nested acquisitions: the first of each pattern is recorded with its held
 * lock, the repeats are counted (EDGE_COUNT at thread exit); a misuse and
 * what leads to it are recorded as in trace mode. */
Test(shim, summary_records_first_nested_acquisitions_and_counts_repeats, .init = make_logdir,
     .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex("shim_ordered", "none", 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    /* T1: a then b; T2: b then a; each once: every acquisition is recorded
     * (the inner ones are nested, the outer ones flushed by them). */
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 1, ANY), 2);
    cr_assert_eq(count(e, RC_EV_LOCK_ACQUIRED, 2, ANY), 2);
    cr_assert_eq(count(e, RC_EV_EDGE_COUNT, ANY, ANY), 0, "no repeats");
    rc_eventlog_close(log);
}

/* Summary mode, threads that hold two locks at once: each records its first
 * nested acquisition of b (with a held) and counts the repeats, which EDGE_COUNT
 * records give back at its exit; threads that reuse one stack (one after the
 * other) each start with fresh pattern slots, and the main thread's count
 * comes at the process's exit. */
Test(shim, summary_counts_nested_repeats_per_thread, .init = make_logdir, .fini = remove_logdir,
     .timeout = 30)
{
    enum { THREADS = 20 + 1, REPS = 50 }; /* shim_robust.c: NESTED_THREADS + main, NESTED_REPS */
    run_t r;
    run_prog_ex("shim_robust", "nested", 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    cr_assert(strstr(r.out, "nested=1050") != NULL, "%s", r.out);
    uint64_t b = 0;
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    /* The first acquisition with a held, per thread: obj is b. */
    size_t nested = 0;
    uint64_t repeats = 0;
    uint32_t threads_with_repeats[64] = {0};
    size_t nthreads = 0;
    for (size_t i = 0; i < e.n; i++) {
        const rc_event_t *v = &e.v[i];
        if (v->op == RC_EV_EDGE_COUNT) {
            if (!b)
                b = v->obj;
            cr_assert_eq(v->obj, b, "one edge only: a -> b");
            repeats += v->arg;
            size_t k = 0;
            while (k < nthreads && threads_with_repeats[k] != v->tid)
                k++;
            cr_assert_eq(k, nthreads, "one EDGE_COUNT per thread (one held lock)");
            threads_with_repeats[nthreads++] = v->tid;
        }
    }
    cr_assert_neq(b, 0, "no EDGE_COUNT record");
    for (size_t i = 0; i < e.n; i++)
        if (e.v[i].op == RC_EV_LOCK_ACQUIRED && e.v[i].obj == b)
            nested++;
    cr_expect_eq(nested, THREADS, "first nested acquisition of each thread");
    cr_expect_eq(nthreads, THREADS);
    cr_expect_eq(repeats, (uint64_t)THREADS * (REPS - 1));
    rc_eventlog_close(log);
}

/* ---- Condition variable destroys, failed joins, owner changes ----------------- */

#define E2E_PROG RC_TEST_BINARY_DIR "/tests/e2e/"

/* tests/e2e/progs/lifecycle.c: COND_DESTROY is written before the real
 * destroy, so it comes while the waiter's wait is still open (its
 * COND_WOKEN after), and cnd_destroy's carries RC_COND_C11; each failed join
 * of a detached thread is a JOIN_FAILED with EINVAL naming no thread, on the
 * handle of a THREAD_DETACH (RC_DETACH_CREATED for the thread created
 * detached, written after its THREAD_CREATE). The correct twin destroys
 * after the waiter's COND_WOKEN and its joins all succeed. */
typedef struct lifecycle_case {
    int ok;      /* the correct twin */
    int summary; /* summary mode (these are records in both modes) */
} lifecycle_case_t;

ParameterizedTestParameters(shim, condvar_destroys_and_failed_joins_are_recorded)
{
    static lifecycle_case_t cases[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    return cr_make_param_array(lifecycle_case_t, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(lifecycle_case_t *c, shim, condvar_destroys_and_failed_joins_are_recorded,
                  .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex(E2E_PROG "lifecycle", c->ok ? "ok" : NULL, 1, logdir, NULL,
                c->summary ? summary_env : NULL, &r);
    assert_exit(&r, 0);
    uint64_t ready = printed(&r, "ready"), c11_ready = printed(&r, "c11_ready");
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    static const uint16_t kinds[] = {0, RC_COND_C11};
    for (int k = 0; k < 2; k++) {
        uint64_t cv = k ? c11_ready : ready;
        size_t d = find(e, 0, RC_EV_COND_DESTROY, 0, cv);
        cr_assert_neq(d, SIZE_MAX, "no COND_DESTROY of %#llx", (unsigned long long)cv);
        cr_assert_eq(e.v[d].flags, kinds[k]);
        cr_assert_neq(e.v[d].site, 0);
        size_t w = find(e, 0, RC_EV_COND_WAIT, ANY, cv);
        size_t woken = find(e, 0, RC_EV_COND_WOKEN, ANY, cv);
        cr_assert(w != SIZE_MAX && woken != SIZE_MAX && w < d, "the wait began before");
        size_t bcast = find(e, w, RC_EV_COND_SIGNAL, 0, cv);
        if (!c->ok) {
            cr_assert_gt(woken, d, "the destroy came while the waiter waited");
            cr_assert_eq(bcast, SIZE_MAX, "nobody woke it");
        } else {
            /* A broadcast before the destroy; the C11 waiter was joined too. */
            cr_assert(bcast < d && e.v[bcast].flags == 1, "no broadcast before the destroy");
            if (k)
                cr_assert_lt(woken, d);
        }
    }
    size_t detaches = count(e, RC_EV_THREAD_DETACH, 0, ANY);
    if (c->ok) {
        cr_assert_eq(count(e, RC_EV_JOIN_FAILED, ANY, ANY), 0);
        cr_assert_eq(detaches, 0);
        cr_assert_eq(count(e, RC_EV_THREAD_JOIN, 0, ANY), 5);
    } else {
        cr_assert_eq(count(e, RC_EV_JOIN_FAILED, 0, ANY), 3);
        cr_assert_eq(detaches, 3);
        cr_assert_eq(count(e, RC_EV_THREAD_JOIN, 0, ANY), 2, "only the waiters are joined");
        size_t j = 0;
        for (int k = 0; k < 3; k++, j++) {
            j = find(e, j, RC_EV_JOIN_FAILED, 0, ANY);
            cr_assert_eq(e.v[j].flags, EINVAL);
            cr_assert_eq(e.v[j].arg, UINT64_MAX, "a detached thread is forgotten");
            /* The last detach of the handle before (a handle is reused once
             * its detached thread has ended). */
            size_t dt = j;
            while (dt-- > 0 && !match(&e.v[dt], RC_EV_THREAD_DETACH, 0, e.v[j].obj))
                ;
            cr_assert_neq(dt, SIZE_MAX, "join %d: no detach of its handle before", k);
            cr_assert_eq(e.v[dt].arg, (uint64_t)k + 3, "the detached thread's tid");
            cr_assert_eq(e.v[dt].flags, k == 1 ? RC_DETACH_CREATED : 0u);
            if (k == 1) {
                const rc_event_t *cr = find_ev(e, RC_EV_THREAD_CREATE, 0, ANY);
                while (cr->arg != 4)
                    cr = &e.v[find(e, (size_t)(cr - e.v) + 1, RC_EV_THREAD_CREATE, 0, ANY)];
                cr_assert_eq(e.v[dt].site, cr->site, "created detached: the create's site");
            }
        }
    }
    rc_eventlog_close(log);
}

/* tests/e2e/progs/handoff.c in summary mode: the lock table counts owner
 * changes over every acquisition, those left out (the first runner's) and
 * those recorded (the second's, nested under 'outer'), so strict
 * alternation gives one change per acquisition but the first. */
Test(shim, summary_counts_owner_changes, .init = make_logdir, .fini = remove_logdir, .timeout = 30)
{
    run_t r;
    run_prog_ex(E2E_PROG "handoff", NULL, 1, logdir, NULL, summary_env, &r);
    assert_exit(&r, 0);
    rc_eventlog_t *log = only_log();
    evs_t e = events_of(log);
    struct {
        const char *name;
        uint64_t changes, acquisitions;
    } want[] = {{"baton", 1999, 2000}, {"phase", 1, 2000}, {"solo", 0, 1000}, {"outer", 0, 1000}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        uint64_t addr = printed(&r, want[k].name);
        const rc_lock_stat_t *st = stat_for(log, addr);
        cr_assert_not_null(st, "%s has no slot", want[k].name);
        cr_assert_eq(st->owner_changes, want[k].changes, "%s: %llu owner changes", want[k].name,
                     (unsigned long long)st->owner_changes);
        uint64_t recorded = count(e, RC_EV_LOCK_ACQUIRED, ANY, addr);
        cr_assert_eq(recorded + st->acquisitions, want[k].acquisitions, "%s: %llu + %llu",
                     want[k].name, (unsigned long long)recorded,
                     (unsigned long long)st->acquisitions);
    }
    uint64_t baton = printed(&r, "baton");
    cr_assert_gt(count(e, RC_EV_LOCK_ACQUIRED, ANY, baton), 0, "some recorded");
    cr_assert_gt(stat_for(log, baton)->acquisitions, 0, "some left out");
    cr_assert_neq(stat_for(log, baton)->last_owner, 0);
    rc_eventlog_close(log);
}

Test(shim, reader_merges_runs_out_of_order_within_a_chunk, .init = make_logdir,
     .fini = remove_logdir, .timeout = 10)
{
    /* Chunk 0 holds two runs (its ts goes back once), chunk 1 a third; equal
     * (ts, tid) keep file order. obj numbers the expected position. */
    const size_t chunk = RC_LOG_CHUNK_RECORDS;
    size_t size = RC_LOG_HEADER_SIZE + 2 * chunk * sizeof(rc_event_t);
    unsigned char *buf = calloc(1, size);
    rc_log_header_t h = good_header(2, 4);
    memcpy(buf, &h, sizeof h);
    rc_event_t *rec = (rc_event_t *)(buf + RC_LOG_HEADER_SIZE);
    rc_event_t c0[] = {
        {.ts = 50, .obj = 4, .tid = 0, .op = RC_EV_LOCK_ACQUIRED},
        {.ts = 60, .obj = 5, .tid = 0, .op = RC_EV_LOCK_RELEASED},
        {.ts = 10, .obj = 0, .tid = 0, .op = RC_EV_LOCK_ACQUIRED},
        {.ts = 30, .obj = 3, .tid = 0, .op = RC_EV_LOCK_RELEASED},
    };
    rc_event_t c1[] = {
        {.ts = 10, .obj = 1, .tid = 0, .op = RC_EV_LOCK_ACQUIRED},
        {.ts = 20, .obj = 2, .tid = 1, .op = RC_EV_LOCK_RELEASED},
        {.ts = 70, .obj = 6, .tid = 1, .op = RC_EV_THREAD_EXIT},
    };
    memcpy(rec, c0, sizeof c0);
    memcpy(rec + chunk, c1, sizeof c1);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/runs.log", logdir);
    write_file(path, buf, size);
    free(buf);
    rc_eventlog_t *log = open_log(path);
    /* One at a time, twice (rewind), then as the array: the same order. */
    rc_event_t ev;
    for (int pass = 0; pass < 2; pass++) {
        size_t k = 0;
        while (rc_eventlog_next(log, &ev)) {
            cr_assert_eq(ev.obj, k, "pass %d: position %zu holds event %llu", pass, k,
                         (unsigned long long)ev.obj);
            k++;
        }
        cr_assert_eq(k, 7);
        cr_assert_eq(rc_eventlog_next(log, &ev), 0);
        rc_eventlog_rewind(log);
    }
    evs_t e = events_of(log);
    cr_assert_eq(e.n, 7);
    for (size_t i = 0; i < e.n; i++)
        cr_assert_eq(e.v[i].obj, i, "position %zu holds event %llu", i,
                     (unsigned long long)e.v[i].obj);
    rc_eventlog_close(log);
}

/* ---- Packed records (rc_evpack / rc_evunpack) ---------------------------- */

/* N records with every field exercised: extreme values, ts that goes back,
 * more distinct objects and sites than slots (evictions), repeats. */
static rc_event_t *packable_events(size_t n)
{
    rc_event_t *v = calloc(n, sizeof *v);
    uint64_t x = 88172645463325252ull, ts = 1000;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;         /* xorshift64 */
        ts = i % 97 == 5 ? ts - x % 500 : ts + x % 3000; /* now and then back in time */
        v[i].ts = i == n / 2 ? UINT64_MAX : ts;
        v[i].op = (uint16_t)(1 + x % RC_EV_OP_MAX);
        v[i].tid = i % 50 == 0 ? UINT32_MAX : (uint32_t)(x >> 40) % 9;
        v[i].flags = (uint16_t)(i % 31 == 0 ? 0xffff : (x >> 8) & 0x1f03);
        v[i].obj = i % 11 == 0 ? UINT64_MAX : 0x5555aa000000ull + 64 * ((x >> 20) % 300);
        v[i].site = i % 7 == 0 ? 0 : 0x5555bb001000ull + 5 * ((x >> 30) % 40);
        v[i].arg = i % 13 == 0 ? x : (x >> 50);
    }
    return v;
}

static void assert_same_event(const rc_event_t *got, const rc_event_t *want, size_t i)
{
    cr_assert(got->ts == want->ts && got->tid == want->tid && got->op == want->op &&
                  got->flags == want->flags && got->obj == want->obj && got->site == want->site &&
                  got->arg == want->arg,
              "record %zu differs: ts %llu/%llu op %u/%u obj %#llx/%#llx site %#llx/%#llx", i,
              (unsigned long long)got->ts, (unsigned long long)want->ts, got->op, want->op,
              (unsigned long long)got->obj, (unsigned long long)want->obj,
              (unsigned long long)got->site, (unsigned long long)want->site);
}

Test(evpack, round_trips_every_field_compactly, .timeout = 10)
{
    enum { N = 20000 };
    rc_event_t *v = packable_events(N);
    rc_evpack_t p = {0};
    rc_evpack_reset(&p, 900);
    size_t full_sites = 0;
    for (size_t i = 0; i < N; i++)
        full_sites += (size_t)rc_evpack_put(&p, &v[i]);
    cr_assert_eq(p.n, N);
    cr_assert_eq(p.ts, v[N - 1].ts);
    /* 41 distinct sites in 128 slots: a few collisions, far fewer than N. */
    cr_assert(full_sites >= 41 && full_sites < N / 10, "%zu sites written in full", full_sites);
    rc_evunpack_t d;
    rc_evunpack_init(&d, p.buf, p.len, 900);
    rc_event_t ev;
    for (size_t i = 0; i < N; i++) {
        cr_assert_eq(rc_evunpack_next(&d, &ev), 1, "record %zu", i);
        assert_same_event(&ev, &v[i], i);
    }
    cr_assert_eq(rc_evunpack_next(&d, &ev), 0);
    cr_assert_eq(rc_evunpack_next(&d, &ev), 0);

    /* A typical lock record (small deltas, a few locks and sites) packs to
     * about 8 bytes. */
    rc_evpack_reset(&p, 0);
    for (size_t i = 0; i < N; i++) {
        rc_event_t e = {.ts = 100 * i,
                        .tid = (uint32_t)(i % 4),
                        .op = RC_EV_LOCK_ACQUIRED,
                        .flags = RC_LOCK_MUTEX,
                        .obj = 0x5555aa000040ull * (1 + i % 8),
                        .site = 0x5555bb001234ull + 16 * (i % 3)};
        rc_evpack_put(&p, &e);
    }
    cr_assert(p.len <= 9 * (size_t)N, "%zu bytes for %d lock records", p.len, N);
    rc_evpack_close(&p);
    free(v);
}

Test(evpack, cut_or_corrupt_data_yields_its_complete_records, .timeout = 20)
{
    enum { N = 300 };
    rc_event_t *v = packable_events(N);
    rc_evpack_t p = {0};
    rc_evpack_reset(&p, 0);
    size_t *end = calloc(N, sizeof *end); /* bytes up to the end of record i */
    for (size_t i = 0; i < N; i++) {
        rc_evpack_put(&p, &v[i]);
        end[i] = p.len;
    }
    size_t corrupt = 0;
    for (size_t cut = 0; cut <= p.len; cut++) {
        /* A copy of exactly cut bytes, so that reading past it is caught by
         * the address sanitizer or valgrind when they run the tests. */
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, p.buf, cut);
        rc_evunpack_t d;
        rc_evunpack_init(&d, copy, cut, 0);
        rc_event_t ev;
        size_t k = 0;
        int r;
        while ((r = rc_evunpack_next(&d, &ev)) == 1) {
            cr_assert_lt(k, N);
            assert_same_event(&ev, &v[k], k);
            k++;
        }
        /* Every record that ends before the cut, and none past it. */
        size_t want = 0;
        while (want < N && end[want] <= cut)
            want++;
        cr_assert_eq(k, want, "cut at %zu: %zu records, expected %zu", cut, k, want);
        cr_assert_eq(r, (k > 0 ? end[k - 1] : 0) == cut ? 0 : RC_EFOREIGN, "cut at %zu", cut);
        corrupt += r == RC_EFOREIGN;
        cr_assert_eq(rc_evunpack_next(&d, &ev), 0, "nothing after the end");
        free(copy);
    }
    cr_assert_gt(corrupt, N);

    /* Bytes that are no record: an unknown op, a code naming an empty slot. */
    uint8_t bad_op[] = {RC_EV_OP_MAX + 1, 0, 0, 0, 0, 0, 0, 0, 0};
    uint8_t empty_slot[] = {RC_EV_LOCK_ACQUIRED, 0, 0, 0, 5, 0, 0, 0};
    uint8_t *bad[] = {bad_op, empty_slot};
    size_t len[] = {sizeof bad_op, sizeof empty_slot};
    for (size_t i = 0; i < 2; i++) {
        rc_evunpack_t d;
        rc_evunpack_init(&d, bad[i], len[i], 0);
        rc_event_t ev;
        cr_assert_eq(rc_evunpack_next(&d, &ev), RC_EFOREIGN, "case %zu", i);
    }
    free(end);
    rc_evpack_close(&p);
    free(v);
}
