/*
 * test_tsan.c - the ThreadSanitizer log parser (report/tsan.c).
 *
 * Fixtures in tests/data/tsan/ are real logs: tests/progs/tsan/make-fixtures.sh
 * built the programs of tests/progs/tsan/ with clang-19 and gcc 12, ran them
 * under TSan with strip_path_prefix set to the source root, and saved the logs
 * as <compiler>-<kind>.log. One parameterized test checks every fixture's
 * findings; the others check the parsed structure, hostile input (interleaved
 * output, test-runner prefixes, colour, truncation, random damage, huge and
 * stack-less reports, foreign files) and two live clang-19 TSan runs.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "tsan.h"

#define FIXTURES RC_TEST_SOURCE_DIR "/tests/data/tsan/"

static char *read_fixture(const char *name, size_t *len)
{
    char *path = rc_xasprintf("%s%s", FIXTURES, name);
    char *text = NULL;
    rc_error_t err;
    int rc = rc_read_file(path, &text, len, &err);
    cr_assert_eq(rc, RC_OK, "%s", err.msg);
    free(path);
    return text;
}

static void parse_text(const char *text, size_t len, rc_tsan_report_t **reports, size_t *n,
                       rc_tsan_stats_t *st)
{
    rc_error_t err;
    cr_assert_eq(rc_tsan_parse(text, len, reports, n, st, &err), RC_OK, "%s", err.msg);
}

static int has_prefix_summary(const char *summary, const char *kind)
{
    return summary && strncmp(summary, kind, strlen(kind)) == 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* ---- Every fixture ------------------------------------------------------------ */

typedef struct fixture_case {
    const char *log;
    size_t reports;
    const char *rule;
    const char *kind;
    const char *file; /* suffix of the primary location's file */
    unsigned line, col;
    const char *function;
    const char *subject;
    unsigned rel_line;    /* a related location expected at this line ... */
    const char *rel_note; /* ... whose note contains this; 0/NULL: none expected */
    const char *message;  /* a fragment of the first finding's message */
    size_t skipped;       /* program output lines around the reports */
} fixture_case_t;

/* clang frames carry columns, gcc's do not; gcc sometimes blames the load of a
 * read-modify-write (a read), clang the store. */
static fixture_case_t fixture_cases[] = {
    {"clang-race-global.log", 1, "race.data-race", "data race", "race_global.c", 16, 16, "worker",
     "counter", 16, "previous write of size 4 by thread T",
     "data race on 'counter': write of size 4", 0},
    {"gcc-race-global.log", 1, "race.data-race", "data race", "race_global.c", 15, 0, "worker",
     "counter", 23, "created by main thread", "races with previous write by thread T1 in 'worker'",
     0},
    /* Function-local statics: clang names them 'worker.calls', gcc 'calls.0'. */
    {"clang-race-static.log", 1, "race.data-race", "data race", "race_static.c", 15, 10, "worker",
     "calls", 15, "previous write", "data race on 'calls'", 0},
    {"gcc-race-static.log", 1, "race.data-race", "data race", "race_static.c", 15, 0, "worker",
     "calls", 22, "thread T1 created", "data race on 'calls'", 0},
    {"clang-race-heap.log", 1, "race.data-race", "data race", "race_heap.c", 31, 17, "main",
     "heap block of size 16 allocated in 'main' (offset 8)", 21,
     "previous write of size 8 by thread T1 in 'writer'", "read of size 8 by main thread", 0},
    {"gcc-race-heap.log", 1, "race.data-race", "data race", "race_heap.c", 31, 0, "main",
     "heap block of size 16 allocated in 'main' (offset 8)", 27, "block allocated by main thread",
     "data race on heap block", 0},
    {"clang-lock-order.log", 1, "lock.order-inversion", "lock-order-inversion (potential deadlock)",
     "lock_order.c", 19, 5, "deposit", "M0,M1", 30, "thread T2 acquires M0 while holding M1",
     "thread T1 acquires M1 while holding M0 in 'deposit'", 0},
    {"gcc-lock-order.log", 1, "lock.order-inversion", "lock-order-inversion (potential deadlock)",
     "lock_order.c", 19, 0, "deposit", "M0,M1", 29, "thread T2 acquired M1 here, before M0",
     "thread T2 acquires M0 while holding M1 in 'audit'", 0},
    {"clang-thread-leak.log", 1, "thread.leak", "thread leak", "thread_leak.c", 19, 5, "main",
     "main", 0, NULL, "never joined or detached", 0},
    {"gcc-thread-leak.log", 1, "thread.leak", "thread leak", "thread_leak.c", 19, 0, "main", "main",
     0, NULL, "thread leak: thread T1", 0},
    /* clang's symboliser printed this frame's file without a line. */
    {"clang-unlock-unlocked.log", 1, "lock.unlock-not-held",
     "unlock of an unlocked mutex (or by a wrong thread)", "mutex_misuse.c", 0, 0, "main", "m", 0,
     NULL, "unlock of mutex 'm' that is not held", 0},
    {"gcc-unlock-unlocked.log", 1, "lock.unlock-not-held",
     "unlock of an unlocked mutex (or by a wrong thread)", "mutex_misuse.c", 29, 0, "main", "m", 0,
     NULL, "unlock of mutex 'm'", 0},
    {"clang-destroy-locked.log", 1, "lock.destroy-locked", "destroy of a locked mutex",
     "mutex_misuse.c", 32, 9, "main", "m", 31, "mutex 'm' locked here",
     "destroy of mutex 'm' while it is locked", 0},
    {"gcc-destroy-locked.log", 1, "lock.destroy-locked", "destroy of a locked mutex",
     "mutex_misuse.c", 32, 0, "main", "m", 31, "locked here", "destroy of mutex 'm'", 0},
    {"clang-double-lock.log", 1, "lock.double-lock", "double lock of a mutex", "mutex_misuse.c", 38,
     9, "main", "m", 21, "mutex 'm' first used here", "double lock of mutex 'm' in 'main'", 0},
    {"gcc-double-lock.log", 1, "lock.double-lock", "double lock of a mutex", "mutex_misuse.c", 38,
     0, "main", "m", 21, "first used here", "double lock of mutex 'm'", 0},
    {"clang-invalid-mutex.log", 1, "lock.invalid-use",
     "use of an invalid mutex (e.g. uninitialized or destroyed)", "mutex_misuse.c", 43, 9, "main",
     "stack of main thread", 0, NULL, "invalid use of a mutex in the stack of main thread", 0},
    {"gcc-invalid-mutex.log", 1, "lock.invalid-use",
     "use of an invalid mutex (e.g. uninitialized or destroyed)", "mutex_misuse.c", 43, 0, "main",
     "stack of main thread", 0, NULL, "invalid use", 0},
    {"clang-signal-unsafe.log", 2, "signal.unsafe-call", "signal-unsafe call inside of a signal",
     "signal_unsafe.c", 19, 27, "on_signal", "on_signal", 30, "signal arrived here in 'main'",
     "call to 'malloc', which is not async-signal-safe, inside signal handler 'on_signal'", 0},
    {"gcc-signal-unsafe.log", 2, "signal.unsafe-call", "signal-unsafe call inside of a signal",
     "signal_unsafe.c", 19, 0, "on_signal", "on_signal", 30, "signal arrived here",
     "call to 'malloc'", 0},
    /* The handler calls printf; TSan catches the malloc inside the C library. */
    {"clang-signal-stdio.log", 1, "signal.unsafe-call", "signal-unsafe call inside of a signal",
     "signal_stdio.c", 17, 5, "on_signal", "on_signal", 26, "signal arrived here in 'main'",
     "call to 'printf' (which calls 'malloc'), which is not async-signal-safe, inside signal "
     "handler 'on_signal'",
     0},
    {"gcc-signal-stdio.log", 1, "signal.unsafe-call", "signal-unsafe call inside of a signal",
     "signal_stdio.c", 17, 0, "on_signal", "on_signal", 26, "signal arrived here",
     "call to 'printf' (which calls 'malloc')", 0},
    {"clang-signal-errno.log", 1, "signal.errno-spoiled", "signal handler spoils errno",
     "signal_errno.c", 16, 0, "on_signal", "on_signal", 35, "signal arrived here",
     "signal handler 'on_signal' changes errno without restoring it (signal 27)", 0},
    {"gcc-signal-errno.log", 1, "signal.errno-spoiled", "signal handler spoils errno",
     "signal_errno.c", 16, 0, "on_signal", "on_signal", 33, "signal arrived here",
     "changes errno without restoring it", 0},
    {"clang-use-after-free.log", 1, "memory.use-after-free", "heap-use-after-free",
     "use_after_free.c", 25, 12, "main", "heap memory freed in 'release'", 15, "freed by thread T1",
     "write of size 4 by main thread in 'main' after free by thread T1 in 'release'", 0},
    {"gcc-use-after-free.log", 1, "memory.use-after-free", "heap-use-after-free",
     "use_after_free.c", 25, 0, "main", "heap memory freed in 'release'", 23,
     "thread T1 created by main thread", "use after free of heap memory", 0},
    {"clang-race-locked.log", 2, "race.data-race", "data race", "race_locked.c", 34, 17, "main",
     "balance", 21, "mutex M1 (held by thread T1) first used here",
     "read of size 8 by main thread in 'main' holding M0 races with previous write by thread T1 "
     "in 'writer' holding M1",
     0},
    {"gcc-race-locked.log", 2, "race.data-race", "data race", "race_locked.c", 34, 0, "main",
     "balance", 33, "held by main thread", "by main thread in 'main' holding M", 0},
    {"clang-race-stack-tls.log", 3, "race.data-race", "data race", "race_stack.c", 33, 13,
     "consumer", "stack of main thread", 44, "thread T1 'producer' created by main thread",
     "data race on stack of main thread: write of size 4 by thread T2 in 'consumer'", 0},
    {"gcc-race-stack-tls.log", 3, "race.data-race", "data race", "race_stack.c", 33, 0, "consumer",
     "stack of main thread", 45, "thread T2 'consumer' created", "data race on stack of main", 0},
    {"clang-race-fd.log", 1, "race.data-race", "data race", "race_fd.c", 18, 5, "closer",
     "file descriptor 3", 24, "descriptor created by main thread",
     "races with previous read by main thread in 'main'", 0},
    {"gcc-race-fd.log", 1, "race.data-race", "data race", "race_fd.c", 18, 0, "closer",
     "file descriptor 3", 27, "previous read of size 8 by main thread", "data race on file", 0},
    {"clang-lock-cycle3.log", 1, "lock.order-inversion",
     "lock-order-inversion (potential deadlock)", "lock_cycle3.c", 19, 5, "pair", "M0,M1,M2", 29,
     "thread T3 created by main thread", "thread T3 acquires M0 while holding M2 in 'pair'", 0},
    {"gcc-lock-cycle3.log", 1, "lock.order-inversion", "lock-order-inversion (potential deadlock)",
     "lock_cycle3.c", 19, 0, "pair", "M0,M1,M2", 19, "thread T2 acquires M2 while holding M1",
     "over M0,M1,M2", 0},
    {"clang-thread-leaks.log", 1, "thread.leak", "thread leak", "thread_leaks.c", 20, 9, "main",
     "main", 0, NULL, "never joined or detached (and 3 more similar leaks)", 0},
    {"gcc-thread-leaks.log", 1, "thread.leak", "thread leak", "thread_leaks.c", 20, 0, "main",
     "main", 0, NULL, "(and 3 more similar leaks)", 0},
    {"clang-read-unlock.log", 1, "lock.unlock-not-held", "read unlock of a write locked mutex",
     "custom_rwlock.c", 58, 5, "rw_rdunlock", "table_lock", 31, "mutex 'table_lock' first used",
     "read unlock of mutex 'table_lock' while it is write-locked in 'rw_rdunlock'", 0},
    {"gcc-read-unlock.log", 1, "lock.unlock-not-held", "read unlock of a write locked mutex",
     "custom_rwlock.c", 58, 0, "rw_rdunlock", "table_lock", 31, "first used here",
     "read unlock of mutex 'table_lock'", 0},
    {"clang-read-lock.log", 1, "lock.double-lock", "read lock of a write locked mutex",
     "custom_rwlock.c", 52, 5, "rw_tryrdlock", "table_lock", 31, "first used here",
     "read lock of mutex 'table_lock' while it is write-locked in 'rw_tryrdlock'", 0},
    {"gcc-read-lock.log", 1, "lock.double-lock", "read lock of a write locked mutex",
     "custom_rwlock.c", 52, 0, "rw_tryrdlock", "table_lock", 31, "first used here",
     "read lock of mutex", 0},
    /* C++: demangled signatures with spaces, "operator delete", const methods. */
    {"clang-cxx-use-after-free.log", 2, "memory.use-after-free",
     "heap-use-after-free (virtual call vs free)", "virtual_uaf.cpp", 34, 62, "reader(void*)",
     "heap memory freed in 'Square::~Square()'", 21, "freed by main thread",
     "use after free (virtual call vs free) of heap memory freed in 'Square::~Square()': read of "
     "size 8 by thread T1 in 'reader(void*)' after free by main thread",
     0},
    /* gcc 12's runtime does not single out the virtual call. */
    {"gcc-cxx-use-after-free.log", 2, "memory.use-after-free", "heap-use-after-free",
     "virtual_uaf.cpp", 34, 0, "reader", "heap memory freed in 'Square::~Square()'", 41,
     "thread T1 created by main thread", "use after free of heap memory", 0},
    /* TSAN_OPTIONS=print_summary=0: reports end at the separator line. */
    {"clang-race-locked-nosummary.log", 2, "race.data-race", "data race", "race_locked.c", 34, 17,
     "main", "balance", 22, "previous write of size 8 by thread T1 in 'writer' holding M1",
     "data race on 'balance'", 0},
    {"gcc-race-locked-nosummary.log", 2, "race.data-race", "data race", "race_locked.c", 34, 0,
     "main", "balance", 31, "thread T1 created by main thread", "data race on 'balance'", 0},
    /* TSAN_OPTIONS=color=always: ANSI escapes at the start of lines. */
    {"clang-race-heap-color.log", 1, "race.data-race", "data race", "race_heap.c", 31, 17, "main",
     "heap block of size 16 allocated in 'main' (offset 8)", 21,
     "previous write of size 8 by thread T1 in 'writer'", "read of size 8 by main thread", 0},
    {"gcc-race-heap-color.log", 1, "race.data-race", "data race", "race_heap.c", 31, 0, "main",
     "heap block of size 16 allocated in 'main' (offset 8)", 27, "block allocated by main thread",
     "data race on heap block", 0},
    /* TSan on stderr among the program's own output (26 lines of it). */
    {"clang-interleaved.log", 1, "race.data-race", "data race", "chatty.c", 17, 13, "worker",
     "hits", 28, "created by main thread", "data race on 'hits'", 26},
    {"gcc-interleaved.log", 1, "race.data-race", "data race", "chatty.c", 17, 0, "worker", "hits",
     17, "previous write of size 4", "data race on 'hits'", 26},
};

/* Parameters are indices into fixture_cases: Criterion runs each test in a fresh
 * process, where pointers to the parent's strings would not be valid. */
static size_t fixture_index[sizeof fixture_cases / sizeof fixture_cases[0]];

ParameterizedTestParameters(tsan, fixture)
{
    for (size_t i = 0; i < sizeof fixture_index / sizeof fixture_index[0]; i++)
        fixture_index[i] = i;
    return cr_make_param_array(size_t, fixture_index,
                               sizeof fixture_index / sizeof fixture_index[0]);
}

ParameterizedTest(size_t *index, tsan, fixture)
{
    const fixture_case_t *c = &fixture_cases[*index];
    size_t len;
    char *text = read_fixture(c->log, &len);
    rc_tsan_report_t *reports;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(text, len, &reports, &n, &st);
    cr_assert_eq(n, c->reports, "%s: %zu reports", c->log, n);
    cr_assert_eq(st.reports, c->reports);
    cr_assert_eq(st.malformed, 0);
    cr_assert_eq(st.unknown, 0);
    cr_assert_eq(st.skipped_lines, c->skipped, "%s: %zu skipped lines", c->log, st.skipped_lines);
    cr_assert_str_eq(reports[0].kind, c->kind);
    cr_assert_gt(reports[0].pid, 0);
    /* Logs written with print_summary=0 have no SUMMARY lines. */
    if (strstr(c->log, "nosummary"))
        cr_assert_null(reports[0].summary);
    else
        cr_assert(has_prefix_summary(reports[0].summary, c->kind), "%s", reports[0].summary);

    rc_findings_t fs = {0};
    cr_assert_eq(rc_tsan_to_findings(reports, n, &fs), RC_OK);
    cr_assert_eq(fs.n, n);
    rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->rule, c->rule);
    cr_assert_eq(f->source, RC_SRC_TSAN);
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load(RC_TEST_SOURCE_DIR "/rules", &cat, &err), RC_OK, "%s", err.msg);
    const rc_rule_info_t *info = rc_catalogue_find(cat, f->rule);
    cr_assert_not_null(info, "%s is not in the catalogue", f->rule);
    cr_assert_eq(f->severity, info->severity, "%s: severity differs from the catalogue", f->rule);
    rc_catalogue_free(cat);
    cr_assert_not_null(f->loc.file, "%s: no primary location", c->log);
    cr_assert(ends_with(f->loc.file, c->file), "%s: primary file %s", c->log, f->loc.file);
    cr_assert_eq(f->loc.line, c->line, "%s: primary line %u", c->log, f->loc.line);
    cr_assert_eq(f->loc.col, c->col, "%s: primary col %u", c->log, f->loc.col);
    cr_assert_str_eq(f->loc.function, c->function);
    cr_assert_str_eq(f->subject, c->subject);
    cr_assert(strstr(f->message, c->message), "%s: message \"%s\"", c->log, f->message);
    cr_assert_null(strchr(f->message, '\n'));
    if (c->rel_note) {
        int found = 0;
        for (size_t i = 0; i < f->nrelated; i++)
            found |= f->related[i].line == c->rel_line && f->related[i].note &&
                     strstr(f->related[i].note, c->rel_note) != NULL;
        cr_assert(found, "%s: no related location at line %u with note \"%s\"", c->log, c->rel_line,
                  c->rel_note);
    }
    /* No related location points into the runtime. */
    for (size_t i = 0; i < f->nrelated; i++)
        cr_assert(strstr(f->related[i].file, "tests/progs/tsan/"), "%s", f->related[i].file);
    /* The evidence is the report's text, WARNING to SUMMARY, found verbatim in the log. */
    cr_assert_not_null(f->evidence);
    cr_assert(strncmp(f->evidence, "WARNING: ThreadSanitizer: ", 26) == 0);
    cr_assert(strstr(c->log, "nosummary") || strstr(f->evidence, "\nSUMMARY: ThreadSanitizer: "));
    if (strchr(text, '\033'))
        cr_assert_null(strchr(f->evidence, '\033'), "%s: colour codes in the evidence", c->log);
    else
        cr_assert(strstr(text, f->evidence), "%s: evidence is not verbatim", c->log);
    rc_findings_close(&fs);
    rc_tsan_reports_free(reports, n);
    free(text);
}

/* ---- Structure of parsed reports --------------------------------------------- */

Test(tsan, data_race_structure_clang)
{
    size_t len;
    char *text = read_fixture("clang-race-global.log", &len);
    rc_tsan_report_t *r;
    size_t n;
    parse_text(text, len, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_eq(r->naccesses, 2);
    cr_assert(r->accesses[0].write && !r->accesses[0].previous && !r->accesses[0].atomic);
    cr_assert_eq(r->accesses[0].size, 4);
    cr_assert_eq(r->accesses[0].thread, 2);
    cr_assert(r->accesses[1].previous);
    cr_assert_eq(r->accesses[1].thread, 1);
    cr_assert_eq(r->accesses[0].addr, r->location.addr);
    cr_assert_eq(r->location.kind, RC_TSAN_LOC_GLOBAL);
    cr_assert_str_eq(r->location.name, "counter");
    cr_assert_eq(r->location.size, 4);
    cr_assert_eq(r->nthreads, 2);
    cr_assert_eq(r->threads[0].id, 2);
    cr_assert_eq(r->threads[0].creator, 0);
    cr_assert_str_eq(r->threads[0].state, "running");
    cr_assert_gt(r->threads[0].os_tid, 0);
    cr_assert_str_eq(r->threads[1].state, "finished");

    const rc_tsan_stack_t *acc = &r->stacks[r->accesses[0].stack];
    cr_assert_eq(acc->role, RC_TSAN_STACK_ACCESS);
    cr_assert(strncmp(acc->title, "Write of size 4 at 0x", 21) == 0, "%s", acc->title);
    cr_assert_eq(acc->nframes, 1);
    const rc_tsan_frame_t *fr = &acc->frames[0];
    cr_assert_str_eq(fr->function, "worker");
    cr_assert_str_eq(fr->file, "tests/progs/tsan/race_global.c");
    cr_assert_eq(fr->line, 16);
    cr_assert_eq(fr->col, 16);
    cr_assert_str_eq(fr->module, "clang-race_global");
    cr_assert_eq(fr->offset, 0xe4631);

    /* The interceptor frame of a thread's creation stack: no source, not a user frame. */
    const rc_tsan_stack_t *cs = &r->stacks[r->threads[0].stack];
    cr_assert_eq(cs->role, RC_TSAN_STACK_THREAD);
    cr_assert_eq(cs->nframes, 2);
    cr_assert_str_eq(cs->frames[0].function, "pthread_create");
    cr_assert_null(cs->frames[0].file);
    cr_assert_eq(rc_tsan_first_user_frame(cs), 1);
    rc_tsan_reports_free(r, n);
    free(text);
}

/* Locations that are steps of a thread carry its label, in the shim's format. */
Test(tsan, locations_name_their_threads)
{
    static const struct {
        const char *log;
        const char *primary;
        unsigned rel_line;
        const char *rel_thread; /* NULL: a creation site, no thread */
    } cases[] = {
        {"clang-race-global.log", "thread T2 (worker)", 23, NULL},
        {"clang-race-heap.log", "the main thread", 21, "thread T1 (writer)"},
        {"clang-race-heap.log", "the main thread", 27, "the main thread"},
        {"clang-lock-order.log", "thread T1 (deposit)", 30, "thread T2 (audit)"},
        {"gcc-lock-order.log", "thread T1 (deposit)", 18, "thread T1 (deposit)"},
        {"clang-use-after-free.log", "the main thread", 15, "thread T1 (release)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *text = read_fixture(cases[i].log, &len);
        rc_tsan_report_t *r;
        size_t n;
        parse_text(text, len, &r, &n, NULL);
        rc_findings_t fs = {0};
        rc_tsan_to_findings(r, n, &fs);
        const rc_finding_t *f = &fs.v[0];
        cr_assert_str_eq(f->loc.thread, cases[i].primary, "%s", cases[i].log);
        int found = 0;
        for (size_t k = 0; k < f->nrelated && !found; k++) {
            if (f->related[k].line != cases[i].rel_line)
                continue;
            found = 1;
            if (cases[i].rel_thread)
                cr_assert_str_eq(f->related[k].thread, cases[i].rel_thread, "%s:%u", cases[i].log,
                                 cases[i].rel_line);
            else
                cr_assert_null(f->related[k].thread, "%s:%u", cases[i].log, cases[i].rel_line);
        }
        cr_assert(found, "%s: no related location at line %u", cases[i].log, cases[i].rel_line);
        rc_findings_close(&fs);
        rc_tsan_reports_free(r, n);
        free(text);
    }
}

Test(tsan, frames_gcc_runtime_paths_are_not_user_code)
{
    size_t len;
    char *text = read_fixture("gcc-race-heap.log", &len);
    rc_tsan_report_t *r;
    size_t n;
    parse_text(text, len, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_eq(r->location.kind, RC_TSAN_LOC_HEAP);
    cr_assert_eq(r->location.thread, 0);
    const rc_tsan_stack_t *alloc = &r->stacks[r->location.stack];
    cr_assert_eq(alloc->role, RC_TSAN_STACK_LOCATION);
    cr_assert_str_eq(alloc->frames[0].function, "calloc");
    cr_assert(strstr(alloc->frames[0].file, "libsanitizer"));
    cr_assert_gt(alloc->frames[0].line, 0);
    cr_assert_str_eq(alloc->frames[0].module, "libtsan.so.2");
    cr_assert_eq(rc_tsan_first_user_frame(alloc), 1);
    cr_assert_eq(alloc->frames[1].col, 0);
    /* "As if synchronized via sleep:" is kept as a titled stack of its own. */
    int sleep_stack = 0;
    for (size_t i = 0; i < r->nstacks; i++)
        sleep_stack |= r->stacks[i].role == RC_TSAN_STACK_OTHER &&
                       strcmp(r->stacks[i].title, "As if synchronized via sleep:") == 0;
    cr_assert(sleep_stack);
    rc_tsan_reports_free(r, n);
    free(text);
}

Test(tsan, lock_order_structure)
{
    size_t len;
    char *text = read_fixture("clang-lock-order.log", &len);
    rc_tsan_report_t *r;
    size_t n;
    parse_text(text, len, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_eq(r->ncycle, 2);
    cr_assert_str_eq(r->cycle[0], "M0");
    cr_assert_str_eq(r->cycle[1], "M1");
    cr_assert_eq(r->nmutexes, 2);
    cr_assert_neq(r->mutexes[0].addr, 0);
    cr_assert_neq(r->mutexes[0].addr, r->mutexes[1].addr);
    cr_assert_eq(r->nedges, 2);
    cr_assert_str_eq(r->edges[0].acquired, "M1");
    cr_assert_str_eq(r->edges[0].held, "M0");
    cr_assert_eq(r->edges[0].thread, 1);
    cr_assert_str_eq(r->edges[1].acquired, "M0");
    cr_assert_eq(r->edges[1].thread, 2);
    for (size_t i = 0; i < 2; i++) {
        cr_assert_neq(r->edges[i].held_stack, RC_TSAN_NO_STACK);
        cr_assert_eq(r->stacks[r->edges[i].held_stack].role, RC_TSAN_STACK_EDGE_HELD);
        cr_assert_eq(r->stacks[r->edges[i].stack].role, RC_TSAN_STACK_EDGE);
    }
    rc_tsan_reports_free(r, n);
    free(text);
}

Test(tsan, frame_formats)
{
    /* Frame shapes seen from both runtimes and from custom stack_trace_format. */
    static const char log[] =
        "WARNING: ThreadSanitizer: data race (pid=7)\n"
        "  Write of size 8 at 0x7b0400000008 by thread T3 (mutexes: write M5, read M6):\n"
        "    #0 ns::f(int, char*) dir/a.cc:3:7 (prog+0x10) (BuildId: 00ff)\n"
        "    #1 <null> <null> (libfoo.so+0x2a)\n"
        "    #2 g /abs/g.c:12 (prog+0x20)\n"
        "    #3 0x00000040113a in h /abs/h.c:5:2 (prog+0x113a)\n"
        "    #4 vs c:\\src\\v.c(8,3) (prog+0x1)\n"
        "    #5 __tsan_thread_start_func /usr/src/tsan.cpp:9 (prog+0x2)\n"
        "    #6 only_function (prog+0x3)\n"
        "    #7 <null> (0x7f00deadbeef)\n"
        "\n"
        "SUMMARY: ThreadSanitizer: data race dir/a.cc:3:7 in ns::f(int, char*)\n";
    rc_tsan_report_t *r;
    size_t n;
    parse_text(log, sizeof log - 1, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_eq(r->naccesses, 1);
    cr_assert_str_eq(r->accesses[0].mutexes, "write M5, read M6");
    cr_assert_eq(r->accesses[0].thread, 3);
    const rc_tsan_stack_t *s = &r->stacks[0];
    cr_assert_eq(s->nframes, 8);
    /* The function keeps its spaces and parentheses. */
    cr_assert_str_eq(s->frames[0].function, "ns::f(int, char*)");
    cr_assert_str_eq(s->frames[0].file, "dir/a.cc");
    cr_assert_eq(s->frames[0].line, 3);
    cr_assert_eq(s->frames[0].col, 7);
    cr_assert_null(s->frames[1].function);
    cr_assert_null(s->frames[1].file);
    cr_assert_str_eq(s->frames[1].module, "libfoo.so");
    cr_assert_eq(s->frames[1].offset, 0x2a);
    cr_assert_str_eq(s->frames[2].file, "/abs/g.c");
    cr_assert_eq(s->frames[2].line, 12);
    cr_assert_eq(s->frames[2].col, 0);
    cr_assert_eq(s->frames[3].pc, 0x40113a);
    cr_assert_str_eq(s->frames[3].function, "h");
    cr_assert_eq(s->frames[3].line, 5);
    cr_assert_str_eq(s->frames[4].file, "c:\\src\\v.c");
    cr_assert_eq(s->frames[4].line, 8);
    cr_assert_eq(s->frames[4].col, 3);
    cr_assert_str_eq(s->frames[6].function, "only_function");
    cr_assert_null(s->frames[6].file);
    cr_assert_eq(s->frames[7].pc, 0x7f00deadbeef);
    cr_assert_eq(s->frames[7].index, 7);
    /* Runtime frames (function __tsan*, file under /usr/) are skipped. */
    cr_assert_eq(rc_tsan_first_user_frame(s), 0);
    rc_tsan_stack_t tail = *s;
    tail.frames += 5;
    tail.nframes = 3;
    cr_assert_eq(rc_tsan_first_user_frame(&tail), -1);
    rc_tsan_reports_free(r, n);
}

Test(tsan, global_names_lose_compiler_decoration)
{
    static const char *const cases[][2] = {
        {"counter", "counter"},         {"calls.0", "calls"},       {"worker.calls", "calls"},
        {"table.lto_priv.0", "table"},  {"ns::cache", "ns::cache"}, {"f.isra.0", "f"},
        {"outer.inner.count", "count"}, {".hidden", ".hidden"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *log = rc_xasprintf("WARNING: ThreadSanitizer: data race (pid=1)\n"
                                 "  Write of size 4 at 0x10 by thread T1:\n"
                                 "    #0 f a.c:1:1 (p+0x1)\n"
                                 "\n"
                                 "  Location is global '%s' of size 4 at 0x10 (p+0x10)\n"
                                 "\n"
                                 "SUMMARY: ThreadSanitizer: data race a.c:1:1 in f\n",
                                 cases[i][0]);
        rc_tsan_report_t *r;
        size_t n;
        parse_text(log, strlen(log), &r, &n, NULL);
        cr_assert_eq(n, 1);
        cr_assert_str_eq(r->location.name, cases[i][0], "the parsed name is kept as printed");
        rc_findings_t fs = {0};
        rc_tsan_to_findings(r, n, &fs);
        cr_assert_str_eq(fs.v[0].subject, cases[i][1], "'%s' -> '%s'", cases[i][0],
                         fs.v[0].subject);
        rc_findings_close(&fs);
        rc_tsan_reports_free(r, n);
        free(log);
    }
}

Test(tsan, field_of_a_global_struct)
{
    static const char log[] = "WARNING: ThreadSanitizer: data race (pid=3)\n"
                              "  Read of size 8 at 0x5618 by thread T2:\n"
                              "    #0 report src/s.c:40:12 (p+0x1)\n"
                              "\n"
                              "  Previous write of size 8 at 0x5618 by thread T1:\n"
                              "    #0 record src/s.c:31:17 (p+0x2)\n"
                              "\n"
                              "  Location is global 'stats' of size 24 at 0x5610 (p+0x5610)\n"
                              "\n"
                              "SUMMARY: ThreadSanitizer: data race src/s.c:40:12 in report\n";
    rc_tsan_report_t *r;
    size_t n;
    parse_text(log, sizeof log - 1, &r, &n, NULL);
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_str_eq(fs.v[0].subject, "stats");
    const char *want = "data race on 'stats' (offset 8): read of size 8";
    cr_assert(strncmp(fs.v[0].message, want, strlen(want)) == 0, "%s", fs.v[0].message);
    cr_assert_eq(fs.v[0].nrelated, 1);
    cr_assert_eq(fs.v[0].related[0].line, 31);
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
}

/* ---- Hostile and unusual input ------------------------------------------------- */

Test(tsan, interleaved_program_output)
{
    size_t len;
    char *text = read_fixture("clang-race-heap.log", &len);
    /* Program output before, inside (at column 0, as stderr interleaves) and after. */
    rc_strbuf_t b = {0};
    rc_strbuf_append(&b, "starting 4 workers\nprogress: 10%");
    for (const char *p = text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t ln = nl ? (size_t)(nl - p + 1) : strlen(p);
        rc_strbuf_appendn(&b, p, ln);
        if (ln > 1 && p[0] == ' ')
            rc_strbuf_append(&b, "worker 3: processed 1000 items\n");
        p += ln;
    }
    rc_strbuf_append(&b, "misses=42\n");
    rc_tsan_report_t *r;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(b.s, b.len, &r, &n, &st);
    cr_assert_eq(n, 1);
    cr_assert_eq(st.malformed, 0);
    cr_assert_geq(st.skipped_lines, 10);
    cr_assert_null(strstr(r->raw, "processed"), "program output leaked into the report");
    cr_assert(strstr(text, r->raw), "raw text differs from the report in the original log");
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_eq(fs.v[0].loc.line, 31);
    cr_assert_eq(fs.v[0].nrelated, 3);
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
    rc_strbuf_close(&b);
    free(text);
}

/* Test runners prefix each line: ctest -V with "<test number>: ", CI logs with a
 * timestamp that changes from line to line. */
Test(tsan, line_prefixes_of_test_runners)
{
    size_t len;
    char *text = read_fixture("clang-lock-order.log", &len);
    for (int style = 0; style < 2; style++) {
        rc_strbuf_t b = {0};
        rc_strbuf_append(&b,
                         style ? "2026-11-22T02:41:07.1234567Z Run ./prog\n" : "7: Test command\n");
        int i = 0;
        for (const char *p = text; *p; i++) {
            const char *nl = strchr(p, '\n');
            size_t ln = nl ? (size_t)(nl - p + 1) : strlen(p);
            if (style)
                rc_strbuf_appendf(&b, "2026-11-22T02:41:%02d.%07dZ ", i % 60, i * 7919 % 10000000);
            else
                rc_strbuf_append(&b, "7: ");
            rc_strbuf_appendn(&b, p, ln);
            p += ln;
        }
        rc_tsan_report_t *r;
        size_t n;
        rc_tsan_stats_t st;
        parse_text(b.s, b.len, &r, &n, &st);
        cr_assert_eq(n, 1, "style %d", style);
        cr_assert_eq(st.malformed, 0);
        cr_assert_eq(r->nedges, 2, "style %d: %zu edges", style, r->nedges);
        cr_assert_eq(r->ncycle, 2);
        cr_assert_eq(r->nthreads, 2);
        cr_assert(strstr(text, r->raw), "style %d: raw text keeps the prefixes", style);
        rc_findings_t fs = {0};
        rc_tsan_to_findings(r, n, &fs);
        cr_assert_eq(fs.v[0].loc.line, 19);
        rc_findings_close(&fs);
        rc_tsan_reports_free(r, n);
        rc_strbuf_close(&b);
    }
    free(text);
}

Test(tsan, concatenated_logs_and_crlf)
{
    size_t l1, l2;
    char *a = read_fixture("clang-lock-order.log", &l1);
    char *b = read_fixture("gcc-thread-leak.log", &l2);
    rc_strbuf_t s = {0};
    for (const char *p = a; *p; p++) {
        if (*p == '\n')
            rc_strbuf_append(&s, "\r");
        rc_strbuf_appendn(&s, p, 1);
    }
    rc_strbuf_append(&s, b);
    rc_tsan_report_t *r;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(s.s, s.len, &r, &n, &st);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(r[0].kind, "lock-order-inversion (potential deadlock)");
    cr_assert_str_eq(r[1].kind, "thread leak");
    cr_assert_neq(r[0].pid, r[1].pid);
    cr_assert_null(strchr(r[0].raw, '\r'));
    cr_assert_eq(st.skipped_lines, 0);
    rc_tsan_reports_free(r, n);
    rc_strbuf_close(&s);
    free(a);
    free(b);
}

Test(tsan, truncated_log_keeps_complete_reports)
{
    size_t l1, l2;
    char *a = read_fixture("clang-race-global.log", &l1);
    char *b = read_fixture("clang-lock-order.log", &l2);
    char *both = rc_xasprintf("%s%s", a, b);
    /* Cut in the middle of the second report's stacks. */
    size_t cut = l1 + l2 / 2;
    rc_tsan_report_t *r;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(both, cut, &r, &n, &st);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].kind, "data race");
    cr_assert_eq(st.malformed, 1);
    rc_tsan_reports_free(r, n);

    /* A report cut short by the start of the next one: the next one survives whole. */
    const char *summary = strstr(a, "SUMMARY:");
    char *cut_first = rc_xasprintf("%.*s%s", (int)(summary - a), a, b);
    parse_text(cut_first, strlen(cut_first), &r, &n, &st);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r[0].kind, "lock-order-inversion (potential deadlock)");
    cr_assert_eq(r[0].nedges, 2);
    cr_assert_eq(st.malformed, 1);
    cr_assert_null(strstr(r[0].raw, "Previous write"));
    rc_tsan_reports_free(r, n);
    free(cut_first);
    free(both);
    free(a);
    free(b);
}

Test(tsan, random_truncation_and_damage_never_crash, .timeout = 30)
{
    static const char *const names[] = {"clang-lock-order.log", "gcc-race-heap.log",
                                        "clang-signal-unsafe.log", "clang-invalid-mutex.log"};
    unsigned seed = 12345;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        size_t len;
        char *text = read_fixture(names[k], &len);
        rc_tsan_report_t *full;
        size_t nfull;
        parse_text(text, len, &full, &nfull, NULL);
        rc_tsan_reports_free(full, nfull);
        char *copy = rc_xmalloc(len + 1);
        for (int round = 0; round < 300; round++) {
            size_t cut = (size_t)rand_r(&seed) % (len + 1);
            memcpy(copy, text, len);
            /* Every third round also damages a few bytes, NULs and newlines included. */
            if (round % 3 == 0)
                for (int d = 0; d < 8; d++)
                    copy[(size_t)rand_r(&seed) % len] = (char)"\0\n#():'= x0"[rand_r(&seed) % 11];
            rc_tsan_report_t *r;
            size_t n;
            rc_tsan_stats_t st;
            parse_text(copy, cut, &r, &n, &st);
            cr_assert_leq(n, nfull + 2);
            cr_assert_eq(st.reports, n);
            rc_findings_t fs = {0};
            rc_tsan_to_findings(r, n, &fs);
            for (size_t i = 0; i < fs.n; i++) {
                cr_assert_not_null(fs.v[i].rule);
                cr_assert_not_null(fs.v[i].message);
                cr_assert_not_null(fs.v[i].evidence);
            }
            rc_findings_close(&fs);
            rc_tsan_reports_free(r, n);
        }
        free(copy);
        free(text);
    }
}

/* Hostile input must not make the parser quadratic: a report with 50,000 mutexes
 * and as many lock-order edges parses in well under the timeout. */
Test(tsan, huge_reports_stay_linear, .timeout = 10)
{
    rc_strbuf_t b = {0};
    rc_strbuf_append(&b, "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) "
                         "(pid=1)\n  Cycle in lock order graph:");
    for (int i = 0; i < 50000; i++)
        rc_strbuf_appendf(&b, " M%d (0x%x) =>", i, i);
    rc_strbuf_append(&b, " M0\n\n");
    for (int i = 0; i < 50000; i++)
        rc_strbuf_appendf(&b,
                          "  Mutex M%d acquired here while holding mutex M%d in thread T1:\n"
                          "    #0 f a.c:%d:1 (p+0x1)\n\n"
                          "  Mutex M%d previously acquired by the same thread here:\n"
                          "    #0 f a.c:%d:1 (p+0x1)\n\n"
                          "  Mutex M%d (0x%x) created at:\n"
                          "    #0 g b.c:%d:1 (p+0x1)\n\n",
                          i + 1, i, i + 2, i, i + 1, 100000 + i, i, i + 1);
    rc_strbuf_append(&b, "SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock)\n");
    rc_tsan_report_t *r;
    size_t n;
    parse_text(b.s, b.len, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_leq(r->nmutexes, 256);
    cr_assert_leq(r->nedges, 256);
    cr_assert_geq(r->nstacks, 150000);
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_leq(fs.v[0].nrelated, 64);
    cr_assert(strstr(fs.v[0].message, "more"), "the message lists a few edges, then a count");
    cr_assert_lt(strlen(fs.v[0].message), 4096);
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
    rc_strbuf_close(&b);
}

/* Every converter copes with a report that has no stacks at all. */
Test(tsan, reports_without_stacks)
{
    static const char *const kinds[] = {
        "data race",
        "heap-use-after-free",
        "lock-order-inversion (potential deadlock)",
        "thread leak",
        "double lock of a mutex",
        "unlock of an unlocked mutex (or by a wrong thread)",
        "destroy of a locked mutex",
        "use of an invalid mutex (e.g. uninitialized or destroyed)",
        "signal-unsafe call inside of a signal",
        "signal handler spoils errno",
        "something new",
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char *log = rc_xasprintf("WARNING: ThreadSanitizer: %s (pid=1)\n\n"
                                 "SUMMARY: ThreadSanitizer: %s\n",
                                 kinds[i], kinds[i]);
        rc_tsan_report_t *r;
        size_t n;
        parse_text(log, strlen(log), &r, &n, NULL);
        cr_assert_eq(n, 1);
        cr_assert_eq(r->nstacks, 0);
        rc_findings_t fs = {0};
        rc_tsan_to_findings(r, n, &fs);
        cr_assert_str_eq(fs.v[0].rule, rc_tsan_rule_for_kind(kinds[i]));
        cr_assert_not_null(fs.v[0].message);
        cr_assert_not_null(fs.v[0].subject);
        cr_assert_null(fs.v[0].loc.file);
        cr_assert_eq(fs.v[0].nrelated, 0);
        rc_findings_close(&fs);
        rc_tsan_reports_free(r, n);
        free(log);
    }
}

Test(tsan, unknown_kind_is_kept_as_tsan_report)
{
    static const char log[] =
        "==================\n"
        "WARNING: ThreadSanitizer: race on a future object kind (pid=99)\n"
        "  Something new happened here:\n"
        "    #0 frob src/frob.c:10:3 (prog+0x10)\n"
        "\n"
        "SUMMARY: ThreadSanitizer: race on a future object kind src/frob.c:10:3 in frob\n"
        "==================\n";
    rc_tsan_report_t *r;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(log, sizeof log - 1, &r, &n, &st);
    cr_assert_eq(n, 1);
    cr_assert_eq(st.unknown, 1);
    cr_assert_eq(r->pid, 99);
    cr_assert_eq(r->stacks[0].role, RC_TSAN_STACK_OTHER);
    cr_assert_str_eq(r->stacks[0].title, "Something new happened here:");
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_str_eq(fs.v[0].rule, "tsan.report");
    cr_assert_str_eq(fs.v[0].loc.file, "src/frob.c");
    cr_assert_eq(fs.v[0].loc.line, 10);
    cr_assert(strstr(fs.v[0].message, "race on a future object kind"));
    cr_assert(strstr(fs.v[0].evidence, "Something new happened here:"));
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
}

Test(tsan, lost_stack_is_said_not_invented)
{
    static const char log[] = "WARNING: ThreadSanitizer: data race (pid=5)\n"
                              "  Write of size 4 at 0x10 by main thread:\n"
                              "    #0 main src/m.c:7:3 (prog+0x10)\n"
                              "\n"
                              "  Previous write of size 4 at 0x10 by thread T1:\n"
                              "    [failed to restore the stack]\n"
                              "\n"
                              "  Location is global 'total' of size 4 at 0x10 (prog+0x10)\n"
                              "\n"
                              "SUMMARY: ThreadSanitizer: data race src/m.c:7:3 in main\n";
    rc_tsan_report_t *r;
    size_t n;
    parse_text(log, sizeof log - 1, &r, &n, NULL);
    cr_assert_eq(n, 1);
    cr_assert_eq(r->naccesses, 2);
    cr_assert_eq(r->stacks[r->accesses[1].stack].nframes, 0);
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_str_eq(fs.v[0].message,
                     "data race on 'total': write of size 4 by main thread in 'main' races with "
                     "previous write by thread T1 (its stack could not be restored)");
    cr_assert_eq(fs.v[0].nrelated, 0);
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
}

Test(tsan, crash_report_is_kept)
{
    static const char log[] =
        "ThreadSanitizer:DEADLYSIGNAL\n"
        "==4242==ERROR: ThreadSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 "
        "sp 0x3 T4243)\n"
        "==4242==The signal is caused by a WRITE memory access.\n"
        "    #0 crash src/c.c:4:8 (prog+0x10)\n"
        "    #1 main src/c.c:9:3 (prog+0x20)\n"
        "\n"
        "ThreadSanitizer can not provide additional info.\n"
        "SUMMARY: ThreadSanitizer: SEGV src/c.c:4:8 in crash\n"
        "==4242==ABORTING\n";
    rc_tsan_report_t *r;
    size_t n;
    rc_tsan_stats_t st;
    parse_text(log, sizeof log - 1, &r, &n, &st);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(r->kind, "SEGV");
    cr_assert_eq(r->pid, 4242);
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_str_eq(fs.v[0].rule, "tsan.report");
    cr_assert_eq(fs.v[0].loc.line, 4);
    cr_assert_str_eq(fs.v[0].loc.function, "crash");
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
}

Test(tsan, empty_and_foreign_input)
{
    rc_tsan_report_t *r = (rc_tsan_report_t *)1;
    size_t n = 7;
    rc_tsan_stats_t st;
    parse_text("", 0, &r, &n, &st);
    cr_assert_eq(n, 0);
    cr_assert_null(r);
    cr_assert_eq(st.skipped_lines, 0);
    parse_text(NULL, 0, &r, &n, &st);
    cr_assert_eq(n, 0);

    /* A C source file is not a TSan log. */
    rc_findings_t fs = {0};
    rc_error_t err;
    cr_assert_eq(
        rc_tsan_ingest_file(RC_TEST_SOURCE_DIR "/tests/progs/tsan/race_global.c", &fs, &st, &err),
        RC_OK, "%s", err.msg);
    cr_assert_eq(fs.n, 0);
    cr_assert_eq(st.reports, 0);
    cr_assert_gt(st.skipped_lines, 10);

    /* An empty file. */
    char path[] = "/tmp/rc-tsan-empty-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(rc_tsan_ingest_file(path, &fs, &st, &err), RC_OK);
    cr_assert_eq(fs.n, 0);
    unlink(path);

    cr_assert_eq(rc_tsan_ingest_file("/nonexistent/tsan.log", &fs, &st, &err), RC_ENOENT);
    cr_assert_eq(rc_tsan_parse("x", 1, NULL, &n, &st, &err), RC_EINVAL);
}

Test(tsan, every_rule_is_in_the_catalogue)
{
    rc_catalogue_t *cat = NULL;
    rc_error_t err;
    cr_assert_eq(rc_catalogue_load(RC_TEST_SOURCE_DIR "/rules", &cat, &err), RC_OK, "%s", err.msg);
    static const char *const kinds[] = {
        "data race",
        "heap-use-after-free",
        "lock-order-inversion (potential deadlock)",
        "thread leak",
        "double lock of a mutex",
        "unlock of an unlocked mutex (or by a wrong thread)",
        "read lock of a write locked mutex",
        "read unlock of a write locked mutex",
        "destroy of a locked mutex",
        "use of an invalid mutex (e.g. uninitialized or destroyed)",
        "signal-unsafe call inside of a signal",
        "signal handler spoils errno",
        "something else entirely",
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        const char *rule = rc_tsan_rule_for_kind(kinds[i]);
        const rc_rule_info_t *info = rc_catalogue_find(cat, rule);
        cr_assert_not_null(info, "rule %s (kind '%s') is not in the catalogue", rule, kinds[i]);
        cr_assert(info->sources & RC_SRC_TSAN, "rule %s does not list tsan as a source", rule);
    }
    cr_assert_str_eq(rc_tsan_rule_for_kind("read unlock of a write locked mutex"),
                     "lock.unlock-not-held");
    cr_assert_str_eq(rc_tsan_rule_for_kind("something else entirely"), "tsan.report");
    rc_catalogue_free(cat);
}

/* ---- A live ThreadSanitizer run ------------------------------------------------- */

/* Runs argv with extra environment `env_add` (NAME=VALUE), output to /dev/null.
 * Returns the exit status, or -1. */
static int run(char *const argv[], const char *env_add)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        FILE *null = freopen("/dev/null", "w", stdout);
        (void)null;
        if (env_add)
            putenv((char *)env_add);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The live tests' scratch directory: made by live_setup, removed with its
 * contents by live_teardown, which Criterion runs even when an assertion fails. */
static char live_dir[] = "/tmp/rc-tsan-live-XXXXXX";

static void live_setup(void)
{
    cr_assert_not_null(mkdtemp(live_dir));
}

static void live_teardown(void)
{
    DIR *d = opendir(live_dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = rc_xasprintf("%s/%s", live_dir, e->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(live_dir);
}

/* Builds tests/progs/tsan/race_global.c with clang-19 TSan in live_dir, runs it
 * with `options` added to TSAN_OPTIONS and returns the log's path (caller frees). */
static char *run_race_global(const char *options, const char *src)
{
    char *bin = rc_xasprintf("%s/race_global", live_dir);
    char *cc_argv[] = {RC_TEST_CLANG, "-fsanitize=thread", "-g", "-O1", "-o",
                       bin,           (char *)src,         NULL};
    cr_assert_eq(run(cc_argv, NULL), 0, "%s failed to build %s", RC_TEST_CLANG, src);

    char *env = rc_xasprintf("TSAN_OPTIONS=log_path=%s/log %s", live_dir, options);
    char *prog_argv[] = {bin, NULL};
    cr_assert_eq(run(prog_argv, env), 66, "expected TSan's exit code 66");
    free(env); /* putenv kept it only in the child */
    free(bin);

    /* TSan writes <log_path>.<pid>. */
    DIR *d = opendir(live_dir);
    cr_assert_not_null(d);
    char *log = NULL;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "log.", 4) == 0)
            log = rc_xasprintf("%s/%s", live_dir, e->d_name);
    closedir(d);
    cr_assert_not_null(log, "no TSan log in %s", live_dir);
    return log;
}

#define RACE_GLOBAL_SRC RC_TEST_SOURCE_DIR "/tests/progs/tsan/race_global.c"

Test(tsan, live_clang_run, .init = live_setup, .fini = live_teardown, .timeout = 120)
{
    char *log = run_race_global("second_deadlock_stack=1", RACE_GLOBAL_SRC);
    rc_findings_t fs = {0};
    rc_tsan_stats_t st;
    rc_error_t err;
    cr_assert_eq(rc_tsan_ingest_file(log, &fs, &st, &err), RC_OK, "%s", err.msg);
    cr_assert_eq(fs.n, 1);
    cr_assert_eq(st.malformed, 0);
    rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->rule, "race.data-race");
    cr_assert_str_eq(f->subject, "counter");
    cr_assert_str_eq(f->loc.file, RACE_GLOBAL_SRC);
    cr_assert_eq(f->loc.line, 16);
    cr_assert_str_eq(f->loc.function, "worker");
    cr_assert_geq(f->nrelated, 3);
    rc_findings_close(&fs);
    free(log);
}

/* A symbolizer for rc_tsan_symbolize backed by binutils' addr2line. */
static int addr2line_symbolize(void *ctx, const char *module, unsigned long long offset,
                               rc_loc_t *out)
{
    int *calls = ctx;
    (*calls)++;
    if (module[0] != '/' || access(module, R_OK) != 0)
        return -1;
    char *cmd = rc_xasprintf("addr2line -f -e '%s' 0x%llx", module, offset);
    FILE *p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return -1;
    char fn[512] = "", loc[1024] = "";
    int ok = fgets(fn, sizeof fn, p) && fgets(loc, sizeof loc, p);
    pclose(p);
    fn[strcspn(fn, "\n")] = '\0';
    loc[strcspn(loc, " \n")] = '\0';
    char *colon = strrchr(loc, ':');
    if (!ok || !colon || loc[0] == '?' || atoi(colon + 1) <= 0)
        return -1;
    *colon = '\0';
    out->file = rc_xstrdup(loc);
    out->line = (unsigned)atoi(colon + 1);
    out->function = strcmp(fn, "??") ? rc_xstrdup(fn) : NULL;
    return 0;
}

Test(tsan, live_unsymbolized_log_symbolized_offline, .init = live_setup, .fini = live_teardown,
     .timeout = 120)
{
    char *log = run_race_global("symbolize=0", RACE_GLOBAL_SRC);
    char *text;
    size_t len;
    rc_error_t err;
    cr_assert_eq(rc_read_file(log, &text, &len, &err), RC_OK);
    rc_tsan_report_t *r;
    size_t n;
    parse_text(text, len, &r, &n, NULL);
    cr_assert_eq(n, 1);

    /* Without symbols no frame is the program's own, and TSan leaves out the
     * "Location is" line: the finding has neither a location nor a variable. */
    rc_findings_t fs = {0};
    rc_tsan_to_findings(r, n, &fs);
    cr_assert_null(fs.v[0].loc.file);
    cr_assert_str_eq(fs.v[0].subject, "memory accessed");
    rc_findings_close(&fs);

    int calls = 0;
    size_t resolved = rc_tsan_symbolize(r, n, addr2line_symbolize, &calls);
    cr_assert_gt(calls, 0);
    cr_assert_gt(resolved, 0);
    rc_tsan_to_findings(r, n, &fs);
    rc_finding_t *f = &fs.v[0];
    cr_assert_str_eq(f->rule, "race.data-race");
    cr_assert_str_eq(f->loc.file, RACE_GLOBAL_SRC);
    cr_assert_eq(f->loc.line, 16);
    cr_assert_str_eq(f->loc.function, "worker");
    cr_assert_str_eq(f->subject, "memory accessed in 'worker'");
    int creation = 0;
    for (size_t i = 0; i < f->nrelated; i++)
        creation |= f->related[i].line == 23 || f->related[i].line == 24;
    cr_assert(creation, "thread creation sites were not symbolised");
    rc_findings_close(&fs);
    rc_tsan_reports_free(r, n);
    free(text);
    free(log);
}
