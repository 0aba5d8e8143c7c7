/*
 * test_runtime.c - the runtime analyses on real programs under the shim:
 * every misuse in tests/e2e/progs/misuse.c is reported on its line and
 * nothing else is.
 */
#include <criterion/criterion.h>
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
