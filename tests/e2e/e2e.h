/*
 * e2e.h - helpers for end-to-end tests that run the real racecheck binary.
 */
#ifndef RC_E2E_H
#define RC_E2E_H

#include <stddef.h>

#include "common.h"

#define RACECHECK RC_TEST_BINARY_DIR "/bin/racecheck"

/* Runs CMD with /bin/sh, stdout and stderr captured together into *out
 * (caller frees). Returns the exit status, or -1 if it did not exit. */
int e2e_run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Creates a fresh temporary directory (path in a static buffer of the test). */
void e2e_tmpdir(char *buf, size_t len);
void e2e_rmtree(const char *dir);

/* Expectations: the "line:rule" pairs of the `// expect: rule[, rule]` marks
 * in the source at PATH, and of the diagnostics of REPORT (text format) whose
 * file has base name BASE, appended to SET one per line. e2e_sorted returns
 * the set sorted and deduplicated (caller frees), so that sets compare as
 * strings. */
void e2e_expected_pairs(const char *path, rc_strbuf_t *set);
void e2e_reported_pairs(const char *report, const char *base, rc_strbuf_t *set);
char *e2e_sorted(rc_strbuf_t *set);

/* Expects the diagnostics of REPORT in the file named BASE to be exactly the
 * `// expect:` marks of SOURCE (line and rule); the failure message shows both
 * sets and the report. */
void e2e_expect_marks(const char *report, const char *source, const char *base);

#endif
