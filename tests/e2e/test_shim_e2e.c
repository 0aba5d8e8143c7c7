/*
 * test_shim_e2e.c - `racecheck run` with the shim's options, end to end: the
 * deadlock watchdog (--deadlock-timeout) stops a program that really
 * deadlocks and the report says so; robustness cases of the issue that need
 * the whole pipeline (run, ingest, report).
 *
 * Programs: tests/e2e/progs/deadlock.c (its `// expect:` marks are the
 * findings wanted) and the shim's test programs in tests/progs/.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "e2e.h"

#define PROGS RC_TEST_BINARY_DIR "/tests/progs"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Signal handlers that take locks (tests/e2e/progs/signals.c): a handler
 * waiting for what its interrupted code holds, and one sharing a lock with
 * code outside handlers, are reported on their lines with the acquisition
 * they conflict with as the note; a handler that only trylocks is not. */
Test(shim_e2e, signal_handlers_taking_locks_are_reported, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/tests/e2e/signals", RACECHECK, dir,
                     RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(
        strstr(out, "timed out in the handler: 1, siginfo: 1, journaled: 2, tried: 1, cached: 1"),
        "the program's handlers ran as without the shim: %s", out);
    e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/signals.c", "signals.c");
    cr_expect(strstr(out, "signals.c:81:5: note: the main thread took it here"), "%s", out);
    cr_expect(strstr(out, "signals.c:86:5: note: acquired outside a signal handler here"), "%s",
              out);
    cr_expect(strstr(out, "a signal handler (SIGUSR1) in the main thread waits for 'stats'"), "%s",
              out);
    cr_expect(strstr(out, "signals.c:97:5: note: the main thread took it here"), "%s", out);
    cr_expect(strstr(out, "(SIGTERM) in the main thread acquires 'cache' again"), "%s", out);
    free(out);
    e2e_rmtree(dir);
}

/* The same self-deadlock with a blocking lock: the watchdog stops the
 * program after a second and the handler's wait is the one finding (not a
 * lock.double-lock as well). */
Test(shim_e2e, a_handler_deadlocked_on_its_thread_is_stopped_and_reported, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    double t0 = now_s();
    int rc =
        e2e_run(&out, "%s run --deadlock-timeout 1 --db %s/rc.db -- %s/tests/e2e/signal_deadlock",
                RACECHECK, dir, RC_TEST_BINARY_DIR);
    cr_expect_lt(now_s() - t0, 10.0, "stopped after about a second");
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "stopped by the deadlock watchdog"), "%s", out);
    e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/signal_deadlock.c",
                     "signal_deadlock.c");
    free(out);
    e2e_rmtree(dir);
}

/* A fork()ed worker pool sharing a mutex in MAP_SHARED memory: initialised
 * without PTHREAD_PROCESS_SHARED it is reported at the init with the mmap as
 * the note; its twin with the attribute is not. Both count right (the workers
 * only trylock), and every worker's process appears in the tree under the
 * parent. */
ParameterizedTestParameters(shim_e2e, a_mutex_shared_across_fork_needs_pshared)
{
    static int pshared[] = {0, 1};
    return cr_make_param_array(int, pshared, 2);
}

ParameterizedTest(int *pshared, shim_e2e, a_mutex_shared_across_fork_needs_pshared, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/tests/e2e/shared_counter%s", RACECHECK, dir,
                     RC_TEST_BINARY_DIR, *pshared ? " pshared" : "");
    cr_expect_eq(rc, *pshared ? 0 : 1, "%s", out);
    cr_expect(strstr(out, "counter=8000 of 8000"), "%s", out);
    if (*pshared) {
        cr_expect(strstr(out, "0 findings"), "%s", out);
    } else {
        e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/shared_counter.c",
                         "shared_counter.c");
        cr_expect(strstr(out, "note: the shared memory was mapped here"), "%s", out);
    }
    size_t forked = 0;
    for (const char *p = out; (p = strstr(p, "(forked by ")) != NULL; p++)
        forked++;
    cr_expect_eq(forked, 3, "three workers under the parent:\n%s", out);
    cr_expect_null(strstr(out, "did not exit normally"), "the workers' _exit is an exit:\n%s", out);
    free(out);
    e2e_rmtree(dir);
}

/* A process that execs another image under the shim: the runtime summary
 * shows the exec'd image under the image it replaced (same pid), and neither
 * as a process that did not exit normally. */
Test(shim_e2e, an_exec_d_image_is_linked_to_the_image_it_replaced, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    e2e_run(&out, "%s run --db %s/rc.db -- %s/shim_exec", RACECHECK, dir, PROGS);
    const char *pid = strstr(out, "pid=");
    cr_assert_not_null(pid, "%s", out);
    int p = atoi(pid + 4);
    char root[64], child[64];
    snprintf(root, sizeof root, "\n  process %d ", p);
    snprintf(child, sizeof child, "\n      process %d (exec'd by %d) ", p, p);
    const char *r = strstr(out, root), *c = strstr(out, child);
    cr_expect(r && c && r < c, "the exec'd image under the first one:\n%s", out);
    cr_expect_null(strstr(out, "did not exit normally"), "%s", out);
    free(out);
    e2e_rmtree(dir);
}

Test(shim_e2e, deadlock_watchdog_stops_the_program_and_reports_the_cycle, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    double t0 = now_s();
    int rc = e2e_run(&out, "%s run --deadlock-timeout 1 --db %s/rc.db -- %s/tests/e2e/deadlock",
                     RACECHECK, dir, RC_TEST_BINARY_DIR);
    double took = now_s() - t0;
    cr_expect_eq(rc, 1, "findings: exit status 1\n%s", out);
    cr_expect_lt(took, 2.0, "the program should end within the timeout + 1 s, took %.2f s", took);
    cr_expect(strstr(out, "deadlock detected") != NULL, "%s", out);
    cr_expect(strstr(out, "exit status 86") != NULL, "%s", out);
    cr_expect(strstr(out, "deadlock watchdog stopped the program") != NULL,
              "the finding says the program deadlocked: %s", out);
    e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/deadlock.c", "deadlock.c");
    free(out);
    e2e_rmtree(dir);
}

Test(shim_e2e, deadlock_timeout_leaves_a_program_without_deadlock_alone, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --deadlock-timeout 0.3 --db %s/rc.db -- %s/shim_deadlock stall",
                     RACECHECK, dir, PROGS);
    cr_expect_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "deadlock detected") == NULL, "%s", out);
    cr_expect(strstr(out, "exit status 0") != NULL, "%s", out);
    free(out);
    e2e_rmtree(dir);
}

Test(shim_e2e, deadlock_timeout_is_checked, .timeout = 30)
{
    char *out;
    int rc = e2e_run(&out, "%s run --deadlock-timeout 0 -- /bin/true", RACECHECK);
    cr_expect_eq(rc, 2, "%s", out);
    cr_expect(strstr(out, "--deadlock-timeout takes a number of seconds") != NULL, "%s", out);
    free(out);
    rc = e2e_run(&out, "%s run --help", RACECHECK);
    cr_expect_eq(rc, 0);
    cr_expect(strstr(out, "--deadlock-timeout S") != NULL && strstr(out, "86") != NULL, "%s", out);
    cr_expect(strstr(out, "(\"deadlock detected\")\n  -q, --quiet") != NULL,
              "one option per line: %s", out);
    free(out);
}

/* ---- Happens-before from semaphores and pthread_once ---------------------------- */

typedef struct ordered_case {
    char mode[8];
    int inversion; /* a lock-order inversion is expected */
} ordered_case_t;

ParameterizedTestParameters(shim_e2e, semaphores_and_once_order_lock_sequences)
{
    static ordered_case_t cases[] = {{"sem", 0}, {"once", 0}, {"none", 1}};
    return cr_make_param_array(ordered_case_t, cases, sizeof cases / sizeof cases[0]);
}

/* Two opposite lock sequences ordered by a semaphore counted from 0, or by
 * pthread_once, can never deadlock: no finding. Merely sleeping orders
 * nothing: the inversion is reported. */
ParameterizedTest(ordered_case_t *c, shim_e2e, semaphores_and_once_order_lock_sequences,
                  .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc =
        e2e_run(&out, "%s run --db %s/rc.db -- %s/shim_ordered %s", RACECHECK, dir, PROGS, c->mode);
    cr_expect_eq(rc, c->inversion ? 1 : 0, "%s: %s", c->mode, out);
    cr_expect_eq(strstr(out, "[lock.order-inversion]") != NULL, c->inversion, "%s: %s", c->mode,
                 out);
    free(out);
    e2e_rmtree(dir);
}

/* ---- Programs that die --------------------------------------------------------- */

typedef struct dying_case {
    char prog[16], arg[16];
    char says[48];   /* what racecheck run says about the end */
    char events[48]; /* the lock summary that proves the records were kept */
} dying_case_t;

ParameterizedTestParameters(shim_e2e, events_before_the_end_are_stored)
{
    static dying_case_t cases[] = {
        {"shim_killed", "", "killed by signal 9", "100 acquisitions"},
        {"shim_robust", "segv", "killed by signal 11", "50 acquisitions"},
        {"shim_robust", "thread_exit", "exited with status 7", "1 acquisitions"},
    };
    return cr_make_param_array(dying_case_t, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(dying_case_t *c, shim_e2e, events_before_the_end_are_stored, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    e2e_run(&out, "%s run --db %s/rc.db -- %s/%s %s", RACECHECK, dir, PROGS, c->prog, c->arg);
    cr_expect(strstr(out, c->says) != NULL, "%s %s: want '%s' in\n%s", c->prog, c->arg, c->says,
              out);
    cr_expect(strstr(out, c->events) != NULL, "%s %s: want '%s' in\n%s", c->prog, c->arg, c->events,
              out);
    free(out);
    /* And in the store, for later reports. */
    e2e_run(&out, "%s report --db %s/rc.db", RACECHECK, dir);
    cr_expect(strstr(out, c->events) != NULL, "report: %s", out);
    free(out);
    e2e_rmtree(dir);
}

Test(shim_e2e, a_hundred_forked_children_are_ingested, .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/shim_robust fork", RACECHECK, dir, PROGS);
    cr_expect_eq(rc, 0, "%s", out);
    size_t children = 0;
    for (const char *p = out; (p = strstr(p, "(forked by ")) != NULL; p++)
        children++;
    cr_expect_eq(children, 100, "%s", out);
    free(out);
    e2e_rmtree(dir);
}

/* ---- Other preloads and ThreadSanitizer ---------------------------------------- */

/* A user's own LD_PRELOAD stays, racecheck's shim is appended after it, and
 * both work: the other library counts the locks, the shim still finds the
 * inversion. */
Test(shim_e2e, an_existing_ld_preload_is_kept, .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    e2e_run(&out,
            "LD_PRELOAD=%s/libshim_otherpreload.so %s run --db %s/rc.db -- %s/shim_ordered none",
            PROGS, RACECHECK, dir, PROGS);
    cr_expect(strstr(out, "other-preload: 4 locks") != NULL, "the program's 4 locks: %s", out);
    cr_expect(strstr(out, "[lock.order-inversion]") != NULL, "%s", out);
    free(out);
    e2e_rmtree(dir);
}

/* A program built with clang's ThreadSanitizer, run under the shim: TSan's
 * report (the data race) and the shim's events (the lock-order inversion)
 * both reach the report. */
Test(shim_e2e, tsan_program_reports_from_both_streams, .timeout = 120)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "'%s' -fsanitize=thread -g -O1 -pthread -o %s/robust-tsan %s",
                     RC_TEST_CLANG, dir, RC_TEST_SOURCE_DIR "/tests/progs/shim/shim_robust.c");
    cr_assert_eq(rc, 0, "cannot compile: %s", out);
    free(out);
    rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/robust-tsan race", RACECHECK, dir, dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "[race.data-race] (tsan") != NULL, "TSan's race: %s", out);
    cr_expect(strstr(out, "[lock.order-inversion] (shim") != NULL, "the shim's inversion: %s", out);
    free(out);
    e2e_rmtree(dir);
}

/* ---- Summary mode and --trace ------------------------------------------------ */

/* The diagnostics of a text report (findings and their notes, whole lines),
 * sorted, one per line. */
static char *diagnostics(const char *out)
{
    rc_strbuf_t set;
    rc_strbuf_init(&set);
    for (const char *line = out; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char *l = rc_xasprintf("%.*s", (int)len, line);
        if (strstr(l, ": warning: ") || strstr(l, ": error: ") || strstr(l, ": note: "))
            rc_strbuf_appendf(&set, "%s\n", l);
        free(l);
        line += len + (end != NULL);
    }
    char *sorted = e2e_sorted(&set);
    rc_strbuf_close(&set);
    return sorted;
}

typedef struct mode_case {
    char cmd[96]; /* relative to the build directory */
    int findings; /* at least this many diagnostics lines */
} mode_case_t;

ParameterizedTestParameters(shim_e2e, summary_and_trace_report_the_same)
{
    static mode_case_t cases[] = {
        {"samples/bank_transfer", 5},         {"tests/e2e/misuse", 5},
        {"tests/progs/shim_ordered none", 5}, {"tests/progs/shim_ordered sem", 0},
        {"tests/progs/shim_exits", 1},        {"tests/progs/shim_many", 1},
        {"tests/progs/shim_sync", 0},         {"tests/progs/shim_signal", 0},
        {"tests/progs/shim_sync signal", 0},  {"tests/e2e/signals", 3},
        {"tests/e2e/shared_counter", 1},      {"tests/e2e/lifecycle", 5},
    };
    return cr_make_param_array(mode_case_t, cases, sizeof cases / sizeof cases[0]);
}

/* The same program run in summary mode (the default) and with --trace gives
 * the same findings, messages (with their counts) and notes. */
ParameterizedTest(mode_case_t *c, shim_e2e, summary_and_trace_report_the_same, .timeout = 60)
{
    char dir[64], *summary, *trace;
    e2e_tmpdir(dir, sizeof dir);
    e2e_run(&summary, "%s run --db %s/s.db -- %s/%s", RACECHECK, dir, RC_TEST_BINARY_DIR, c->cmd);
    e2e_run(&trace, "%s run --trace --db %s/t.db -- %s/%s", RACECHECK, dir, RC_TEST_BINARY_DIR,
            c->cmd);
    char *s = diagnostics(summary), *t = diagnostics(trace);
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    cr_expect_geq(lines, (size_t)c->findings, "%s: %s", c->cmd, summary);
    cr_expect_str_eq(s, t, "%s\nsummary mode:\n%s\ntrace mode:\n%s", c->cmd, s, t);
    free(s);
    free(t);
    free(summary);
    free(trace);
    e2e_rmtree(dir);
}

/* ---- vfork, _Fork, exec ------------------------------------------------------------ */

static size_t count_of(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* The line of TEXT that contains WHAT (a copy, caller frees), or NULL. */
static char *line_with(const char *text, const char *what)
{
    const char *p = strstr(text, what);
    if (!p)
        return NULL;
    const char *b = p, *e = strchr(p, '\n');
    while (b > text && b[-1] != '\n')
        b--;
    return rc_xasprintf("%.*s", (int)(e ? e - b : (ptrdiff_t)strlen(b)), b);
}

ParameterizedTestParameters(shim_e2e, vfork_and_fork_children_keep_their_own_records)
{
    static int trace[] = {0, 1};
    return cr_make_param_array(int, trace, 2);
}

/* tests/e2e/progs/spawn.c: what a vfork child does before it execs or
 * _exits is not recorded (and never in its parent's log); an exec'd child
 * (after vfork, fork or posix_spawn) is traced in a log of its own under
 * its parent; a _Fork child, which no atfork handler prepares, writes its
 * own log too; the parent records a FORK for each of the five children. */
ParameterizedTest(int *trace, shim_e2e, vfork_and_fork_children_keep_their_own_records,
                  .timeout = 30)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run %s --db %s/rc.db -- %s/tests/e2e/spawn", RACECHECK,
                     *trace ? "--trace" : "", dir, RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 0, "%s", out);
    cr_expect(strstr(out, "children: 0 3 0 0 0") != NULL, "%s", out);
    char *parent = line_with(out, "mutex 'parent_lock'");
    cr_expect(parent && strstr(parent, "): 3 acquisitions,"),
              "the vfork children's 6 acquisitions are not the parent's:\n%s", out);
    free(parent);
    cr_expect_eq(count_of(out, "(forked by "), 4, "three exec'd images and the _Fork child:\n%s",
                 out);
    cr_expect_eq(count_of(out, "mutex 'exec_lock' (first locked at"), 3, "%s", out);
    char *exec_line = line_with(out, "mutex 'exec_lock'");
    cr_expect(exec_line && strstr(exec_line, "): 4 acquisitions,"), "%s", out);
    free(exec_line);
    const char *forked = strstr(out, "mutex 'forked_lock'");
    const char *child = strstr(out, "(forked by ");
    cr_expect(forked && child && child < forked && count_of(out, "mutex 'forked_lock'") == 1,
              "the _Fork child's lock in its own log:\n%s", out);
    char *forked_line = line_with(out, "mutex 'forked_lock'");
    cr_expect(forked_line && strstr(forked_line, "): 2 acquisitions,"), "%s", out);
    free(forked_line);
    cr_expect_null(strstr(out, "did not exit normally"), "%s", out);
    free(out);
    if (*trace) {
        /* The parent's timeline has a FORK for each child. */
        e2e_run(&out, "%s report --db %s/rc.db -f trace", RACECHECK, dir);
        cr_expect_eq(count_of(out, "\"name\":\"fork pid "), 5, "%s", out);
        free(out);
    }
    e2e_rmtree(dir);
}

/* Under a ThreadSanitizer build the shim also sees the sanitizer's own
 * background thread and the llvm-symbolizer process it starts to symbolise
 * its report: the runtime summary shows neither, and keeps the program's
 * two threads (started through TSan's __tsan_thread_start_func). */
Test(shim_e2e, tsan_helper_threads_and_symbolizer_are_left_out, .timeout = 120)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "'%s' -fsanitize=thread -g -O1 -pthread -o %s/robust-tsan %s",
                     RC_TEST_CLANG, dir, RC_TEST_SOURCE_DIR "/tests/progs/shim/shim_robust.c");
    cr_assert_eq(rc, 0, "cannot compile: %s", out);
    free(out);
    rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/robust-tsan race", RACECHECK, dir, dir);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "[race.data-race] (tsan") != NULL, "TSan's report, symbolised: %s", out);
    cr_expect(strstr(out, "run #") != NULL, "%s", out);
    const char *summary = strstr(out, "run #");
    if (summary) {
        cr_expect_null(strstr(summary, "llvm-symbolizer"), "the symbolizer process:\n%s", out);
        cr_expect_null(strstr(summary, "BackgroundThread"), "the runtime's thread:\n%s", out);
        cr_expect_eq(count_of(summary, "__tsan_thread_start_func"), 2, "the program's threads:\n%s",
                     out);
        cr_expect_eq(count_of(summary, "\n  process "), 1, "one process:\n%s", out);
    }
    free(out);
    e2e_rmtree(dir);
}
