/*
 * test_runtime.c - the runtime analyses on real programs under the shim:
 * every misuse in tests/e2e/progs/misuse.c and lifecycle.c is reported on
 * its line and nothing else is (and nothing at all for lifecycle's correct
 * twin); the contention profile counts owner changes (handoff.c). The
 * lifecycle and handoff tests run in summary mode and with --trace.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "e2e.h"

Test(runtime, misuse_is_reported_exactly, .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --db %s/rc.db -- %s/tests/e2e/misuse", RACECHECK, dir,
                     RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "relock: EDEADLK") != NULL, "the program's errors pass through: %s", out);
    e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/misuse.c", "misuse.c");
    free(out);
    e2e_rmtree(dir);
}

Test(runtime, a_real_deadlock_is_killed_after_the_timeout_and_reported, .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --timeout 2 --db %s/rc.db -- %s/tests/e2e/deadlock", RACECHECK,
                     dir, RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "ran longer than 2 s and was killed") != NULL, "%s", out);
    e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/deadlock.c", "deadlock.c");
    free(out);
    e2e_rmtree(dir);
}

Test(runtime, a_full_log_gives_no_finding_from_missing_events, .timeout = 120)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    /* A 1 MiB trace log fills early: the threads' last releases are dropped
     * (and counted), and destroying the mutexes afterwards must not be
     * reported as destroying locked ones. */
    int rc =
        e2e_run(&out, "RACECHECK_LOG_MB=1 %s run --trace --db %s/rc.db -- %s/tests/e2e/full_log",
                RACECHECK, dir, RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 0, "a finding from a full log: %s", out);
    cr_expect(strstr(out, "events were dropped") != NULL, "the log did not fill: %s", out);
    free(out);
    e2e_rmtree(dir);
}

/* ---- Condition variables destroyed while waited on, joins of detached threads ---- */

typedef struct lifecycle_case {
    int trace; /* run --trace, else summary mode */
    int ok;    /* the correct twin */
} lifecycle_case_t;

ParameterizedTestParameters(runtime, destroyed_condvars_and_detached_joins)
{
    static lifecycle_case_t cases[] = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
    return cr_make_param_array(lifecycle_case_t, cases, sizeof cases / sizeof cases[0]);
}

/* tests/e2e/progs/lifecycle.c: a condition variable destroyed while a
 * thread waits on it (POSIX and C11) is reported at the destroy with the
 * wait as a note; a join of a thread detached by pthread_detach or
 * thrd_detach, or created detached, at the join with the detach (or the
 * creation) as a note. The correct twin ("ok") has no finding at all, in
 * particular no thread.leak for its threads created detached. */
ParameterizedTest(lifecycle_case_t *c, runtime, destroyed_condvars_and_detached_joins,
                  .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run %s --db %s/rc.db -- %s/tests/e2e/lifecycle%s", RACECHECK,
                     c->trace ? "--trace" : "", dir, RC_TEST_BINARY_DIR, c->ok ? " ok" : "");
    if (c->ok) {
        cr_expect_eq(rc, 0, "%s", out);
        cr_expect(strstr(out, "\n0 findings\n") != NULL, "%s", out);
        cr_expect(strstr(out, "thrd_join: joined") != NULL, "%s", out);
    } else {
        cr_expect_eq(rc, 1, "%s", out);
        cr_expect(strstr(out, "join of one created detached: EINVAL") != NULL,
                  "glibc refuses the join: %s", out);
        cr_expect(strstr(out, "thrd_join: EINVAL") != NULL, "%s", out);
        e2e_expect_marks(out, RC_TEST_SOURCE_DIR "/tests/e2e/progs/lifecycle.c", "lifecycle.c");
        cr_expect(strstr(out, "the main thread destroys 'ready' while thread T1 (waiter) waits "
                              "on it") != NULL,
                  "%s", out);
        cr_expect(strstr(out, "note: thread T1 (waiter) waits on it here") != NULL, "%s", out);
        cr_expect(strstr(out, "note: thread T2 (c11_waiter) waits on it here") != NULL, "%s", out);
        cr_expect(strstr(out, "the main thread joins thread T3 (worker), which was detached") !=
                      NULL,
                  "%s", out);
        cr_expect(strstr(out, "note: the main thread detached it here") != NULL, "%s", out);
        cr_expect(strstr(out, "which was created detached") != NULL, "%s", out);
        cr_expect(strstr(out, "note: the main thread created it detached here") != NULL, "%s", out);
        cr_expect(strstr(out, "thread T5 (c11_worker), which was detached") != NULL, "%s", out);
        cr_expect(strstr(out, "the join failed: EINVAL") != NULL, "%s", out);
    }
    free(out);
    if (c->trace) { /* the timeline shows the destroys and the failed joins */
        e2e_run(&out, "%s report --db %s/rc.db -f trace", RACECHECK, dir);
        size_t destroys = 0, failed = 0;
        for (const char *p = out; (p = strstr(p, "\"name\":\"cond destroy\"")) != NULL; p++)
            destroys++;
        for (const char *p = out; (p = strstr(p, "\"name\":\"join failed\"")) != NULL; p++)
            failed++;
        cr_expect_eq(destroys, 2, "%s", out);
        cr_expect_eq(failed, c->ok ? 0 : 3, "%s", out);
        free(out);
    }
    e2e_rmtree(dir);
}

/* A destroy that never returns (its waiter waits without a timeout, and
 * glibc's destroy waits for it): the program is killed at --timeout and the
 * destroy, recorded before the call, is still reported. */
Test(runtime, a_destroy_that_never_returns_is_reported, .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run --timeout 1 --db %s/rc.db -- %s/tests/e2e/lifecycle forever",
                     RACECHECK, dir, RC_TEST_BINARY_DIR);
    cr_expect_eq(rc, 1, "%s", out);
    cr_expect(strstr(out, "destroying") != NULL, "%s", out);
    cr_expect(strstr(out, "ran longer than 1 s and was killed") != NULL, "%s", out);
    cr_expect(strstr(out, "the main thread destroys 'ready' while thread T1 (forever_waiter) "
                          "waits on it") != NULL,
              "%s", out);
    cr_expect(strstr(out, "[cond.destroy-waited]") != NULL, "%s", out);
    free(out);
    e2e_rmtree(dir);
}

/* --timeout counts from the start, to the nanosecond: a program that ends
 * within it is not killed, wherever in a clock second it started (whole
 * seconds alone would kill a 1 s run when the second ticks over). Two runs,
 * so that a clock that ticks at the wrong moment would be caught. */
Test(runtime, a_program_ending_within_its_timeout_is_not_killed, .timeout = 60)
{
    for (int i = 0; i < 2; i++) {
        char dir[64], *out;
        e2e_tmpdir(dir, sizeof dir);
        int rc =
            e2e_run(&out, "%s run --timeout 1 --db %s/rc.db -- /bin/sleep 0.8", RACECHECK, dir);
        cr_expect_eq(rc, 0, "%s", out);
        cr_expect(strstr(out, "ran longer") == NULL, "%s", out);
        free(out);
        e2e_rmtree(dir);
    }
}

/* ---- Owner changes --------------------------------------------------------------- */

ParameterizedTestParameters(runtime, owner_changes_are_counted)
{
    static int trace[] = {0, 1};
    return cr_make_param_array(int, trace, 2);
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

static void expect_lock_line(const char *out, const char *lock, const char *counts)
{
    char *line = line_with(out, lock);
    cr_expect(line && strstr(line, counts), "%s: want \"%s\" in:\n%s", lock, counts, out);
    free(line);
}

/* tests/e2e/progs/handoff.c: a lock passed between two threads in strict
 * alternation changes owner at every acquisition but the first; one taken
 * by a thread and then by another changes once; one only the main thread
 * takes never does. The same in summary mode (where most acquisitions are
 * only counted) and with --trace, in the text report and the JSON one. */
ParameterizedTest(int *trace, runtime, owner_changes_are_counted, .timeout = 60)
{
    char dir[64], *out;
    e2e_tmpdir(dir, sizeof dir);
    int rc = e2e_run(&out, "%s run %s --db %s/rc.db -- %s/tests/e2e/handoff", RACECHECK,
                     *trace ? "--trace" : "", dir, RC_TEST_BINARY_DIR);
    cr_assert_eq(rc, 0, "%s", out);
    expect_lock_line(out, "mutex 'baton'",
                     "): 2000 acquisitions, 0 contended, 1999 owner changes, ");
    expect_lock_line(out, "mutex 'phase'", "): 2000 acquisitions, 0 contended, 1 owner changes, ");
    expect_lock_line(out, "mutex 'solo'", "): 1000 acquisitions, 0 contended, 0 owner changes, ");
    expect_lock_line(out, "mutex 'outer'", "): 1000 acquisitions, 0 contended, 0 owner changes, ");
    free(out);
    e2e_run(&out, "%s report --db %s/rc.db -f json", RACECHECK, dir);
    cr_expect(strstr(out, "\"owner_changes\": 1999") != NULL, "%s", out);
    free(out);
    e2e_run(&out, "%s report --db %s/rc.db -f html", RACECHECK, dir);
    cr_expect(strstr(out, "Owner changes</th>") != NULL, "%s", out);
    cr_expect(strstr(out, "<td class=\"n\">1999</td>") != NULL, "%s", out);
    free(out);
    e2e_rmtree(dir);
}
