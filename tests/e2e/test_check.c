/*
 * test_check.c - `racecheck check` as CI and commit hooks use it: baselines
 * that survive line shifts, inline suppressions (and their misuse), the
 * project configuration, and the real pre-commit tool and a plain git hook
 * blocking a racy commit and letting the fix through.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "e2e.h"

static char dir[64];

static void setup(void)
{
    e2e_tmpdir(dir, sizeof dir);
}

static void teardown(void)
{
    e2e_rmtree(dir);
}

TestSuite(check, .init = setup, .fini = teardown, .timeout = 180);

static void put(const char *name, const char *content)
{
    char *path = rc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(content, f);
    fclose(f);
    free(path);
}

/* A worker pool whose `hits` update is racy; EXTRA goes before the update
 * (suppression comments), PRE at the top of the file (line shifts). */
static char *program(const char *pre, const char *extra, const char *more)
{
    return rc_xasprintf("%s#include <pthread.h>\n"
                        "static long hits, misses;\n"
                        "static void *worker(void *arg) {\n"
                        "    (void)arg;\n"
                        "    %s\n"
                        "    hits = hits + 1;\n"
                        "    %s\n"
                        "    return 0;\n"
                        "}\n"
                        "int main(void) {\n"
                        "    pthread_t t[4];\n"
                        "    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, worker, 0);\n"
                        "    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);\n"
                        "    return (int)(hits + misses);\n"
                        "}\n",
                        pre, extra, more);
}

static int check(char **out, const char *args)
{
    return e2e_run(out, "cd %s && %s check %s", dir, RACECHECK, args);
}

Test(check, baseline_accepts_old_findings_across_line_shifts_and_catches_new_ones)
{
    char *src = program("", "", ""), *out;
    put("pool.c", src);
    cr_assert_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "pool.c:6:5: warning:") != NULL, "%s", out);
    free(out);
    cr_assert_eq(e2e_run(&out, "cd %s && %s baseline save -o base.txt", dir, RACECHECK), 0, "%s",
                 out);
    free(out);
    cr_assert_eq(check(&out, "--baseline base.txt pool.c"), 0, "%s", out);
    free(out);
    /* Three lines inserted above and the update re-indented: still known. */
    char *shifted = program("// header\n// more\n\n", "", "");
    put("pool.c", shifted);
    cr_expect_eq(check(&out, "--baseline base.txt pool.c"), 0, "a line shift is not new: %s", out);
    free(out);
    /* A new racy update is reported, and only it. */
    char *added = program("// header\n// more\n\n", "", "misses += 1;");
    put("pool.c", added);
    cr_expect_eq(check(&out, "--baseline base.txt pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "'misses'") != NULL, "%s", out);
    cr_expect(strstr(out, "'hits'") == NULL, "the baselined finding came back: %s", out);
    free(out);
    free(src);
    free(shifted);
    free(added);
}

Test(check, suppression_needs_a_known_rule_and_a_reason)
{
    char *ok = program("", "// racecheck-ignore(race.unprotected-rmw): approximate statistics", "");
    char *out;
    put("pool.c", ok);
    cr_expect_eq(check(&out, "pool.c"), 0, "a valid suppression hides the finding: %s", out);
    free(out);
    char *noreason = program("", "// racecheck-ignore(race.unprotected-rmw)", "");
    put("pool.c", noreason);
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "[suppress.invalid]") != NULL, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "no reason, no suppression: %s", out);
    /* It is reported where its keyword stands: line and column in the file. */
    const char *kw = strstr(noreason, "racecheck-ignore");
    unsigned line = 1, col = 1;
    for (const char *c = noreason; c < kw; c++, col++)
        if (*c == '\n')
            line++, col = 0;
    char where[64];
    snprintf(where, sizeof where, "pool.c:%u:%u: warning: invalid suppression", line, col);
    cr_expect(strstr(out, where) != NULL, "want %s in: %s", where, out);
    free(out);
    char *unknown = program("", "// racecheck-ignore(race.no-such-rule): because", "");
    put("pool.c", unknown);
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "unknown rule 'race.no-such-rule'") != NULL, "%s", out);
    free(out);
    /* On another line it does not apply. */
    char *far = program("// racecheck-ignore(race.unprotected-rmw): too far away\n", "", "");
    put("pool.c", far);
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    free(out);
    free(ok);
    free(noreason);
    free(unknown);
    free(far);
}

/* Only a comment whose text starts with the keyword is a suppression: a block
 * comment works too; a string literal holding one, or a comment that mentions
 * the syntax in passing (documentation), neither suppresses nor is reported
 * as invalid. */
Test(check, suppressions_are_comments_that_start_with_the_keyword)
{
    char *block =
        program("", "/* racecheck-ignore(race.unprotected-rmw): approximate statistics */", "");
    char *out;
    put("pool.c", block);
    cr_expect_eq(check(&out, "pool.c"), 0, "a block comment suppresses: %s", out);
    free(out);
    char *literal = program("",
                            "const char *help = \"// racecheck-ignore(rule-id): reason\";"
                            " (void)help;",
                            "");
    put("pool.c", literal);
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "a literal suppresses nothing: %s",
              out);
    cr_expect_null(strstr(out, "[suppress.invalid]"), "%s", out);
    free(out);
    char *mention = program("", "/* Silence it with `racecheck-ignore(rule-id): reason`. */", "");
    put("pool.c", mention);
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    cr_expect_null(strstr(out, "[suppress.invalid]"), "a mention is not a suppression: %s", out);
    free(out);
    free(block);
    free(literal);
    free(mention);
}

Test(check, configuration_disables_overrides_and_excludes)
{
    char *src = program("", "", ""), *out;
    put("pool.c", src);
    put(".racecheck.json", "{\"rules\": {\"race.unprotected-rmw\": {\"severity\": \"error\"}}}");
    cr_expect_eq(check(&out, "pool.c"), 1, "%s", out);
    cr_expect(strstr(out, "pool.c:6:5: error:") != NULL, "severity override: %s", out);
    free(out);
    put(".racecheck.json", "{\"rules\": {\"race.unprotected-rmw\": {\"enabled\": false}}}");
    cr_expect_eq(check(&out, "pool.c"), 0, "%s", out);
    free(out);
    /* Patterns are relative to the configuration file's directory. */
    put(".racecheck.json", "{\"exclude\": [\"vendor/*\", \"*.c\"]}");
    cr_expect_eq(check(&out, "pool.c"), 0, "%s", out);
    free(out);
    put(".racecheck.json", "{\"rules\": {\"race.unprotected-rmw\": {\"enabeld\": false}}}");
    cr_expect_eq(check(&out, "pool.c"), 2, "a typo is an error: %s", out);
    cr_expect(strstr(out, ".racecheck.json") != NULL, "%s", out);
    free(out);
    put(".racecheck.json", "{\"rules\": ");
    cr_expect_eq(check(&out, "pool.c"), 2, "%s", out);
    free(out);
    free(src);
}

Test(check, headers_only_pass)
{
    char *out;
    put("api.h", "int api(void);\n");
    cr_expect_eq(check(&out, "api.h"), 0, "%s", out);
    free(out);
}

/* Runs a shell script in DIR with racecheck on PATH and git identity set. */
static int sh(char **out, const char *script)
{
    return e2e_run(out,
                   "cd %s && export PATH=%s/bin:$PATH PRE_COMMIT_HOME=%s/pre-commit-home "
                   "GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t "
                   "GIT_COMMITTER_EMAIL=t@example.com && %s",
                   dir, RC_TEST_BINARY_DIR, dir, script);
}

Test(check, pre_commit_blocks_a_racy_commit_and_allows_the_fix)
{
    char *out;
    /* The hook repository: this project's .pre-commit-hooks.yaml, committed. */
    int rc = sh(&out, "mkdir hooks && cp " RC_TEST_SOURCE_DIR "/.pre-commit-hooks.yaml hooks/ && "
                      "cd hooks && git init -q && git add . && git commit -qm hooks");
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    rc = sh(&out, "mkdir app && cd app && git init -q && "
                  "printf 'repos:\\n- repo: '$(cd ../hooks && pwd)'\\n  rev: '"
                  "$(git -C ../hooks rev-parse HEAD)'\\n  hooks:\\n  - id: racecheck\\n' "
                  "> .pre-commit-config.yaml && "
                  "echo .racecheck/ > .gitignore && pre-commit install");
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    char *racy = program("", "", "");
    put("app/pool.c", racy);
    rc = sh(&out, "cd app && git add . && git commit -qm racy");
    cr_expect_neq(rc, 0, "the racy commit went through:\n%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    free(out);
    char *fixed = program("", "", "");
    /* The fix: the counter becomes atomic and is updated in one atomic
     * operation (`hits = hits + 1` on an _Atomic would still lose updates). */
    char *p = strstr(fixed, "static long hits"), *q = strstr(fixed, "hits = hits + 1;");
    cr_assert(p && q);
    char *atomic = rc_xasprintf("%.*s_Atomic long hits; static long misses;%.*shits += 1;%s",
                                (int)(p - fixed), fixed, (int)(q - strchr(p, '\n')),
                                strchr(p, '\n'), q + strlen("hits = hits + 1;"));
    put("app/pool.c", atomic);
    rc = sh(&out, "cd app && git add . && git commit -qm fixed && git log --oneline | wc -l");
    cr_expect_eq(rc, 0, "the fixed commit was blocked:\n%s", out);
    free(out);
    free(racy);
    free(fixed);
    free(atomic);
}

Test(check, plain_git_hook_blocks_a_racy_commit)
{
    char *out;
    int rc = sh(&out, "mkdir app && cd app && git init -q && echo .racecheck/ > .gitignore && "
                      "cp " RC_TEST_SOURCE_DIR "/scripts/git-pre-commit .git/hooks/pre-commit");
    cr_assert_eq(rc, 0, "%s", out);
    free(out);
    char *racy = program("", "", "");
    put("app/pool.c", racy);
    rc = sh(&out, "cd app && git add . && git commit -qm racy");
    cr_expect_neq(rc, 0, "%s", out);
    cr_expect(strstr(out, "[race.unprotected-rmw]") != NULL, "%s", out);
    free(out);
    rc = sh(&out, "cd app && git commit -q --no-verify -m racy && echo int x; > other.c && "
                  "git add other.c && git commit -qm other");
    cr_expect_eq(rc, 0, "a commit without racy C files passes: %s", out);
    free(out);
    free(racy);
}

Test(check, api_models_from_the_configuration_teach_lock_wrappers)
{
    /* The project's own lock wrapper, defined in a library racecheck does not see. */
    put("pool.c", "#include <pthread.h>\n"
                  "struct lock;\n"
                  "extern struct lock *table_lock;\n"
                  "void lock_acquire(struct lock *l);\n"
                  "void lock_release(struct lock *l);\n"
                  "static long hits;\n"
                  "static void *worker(void *arg) {\n"
                  "    (void)arg;\n"
                  "    lock_acquire(table_lock);\n"
                  "    hits = hits + 1;\n"
                  "    lock_release(table_lock);\n"
                  "    return 0;\n"
                  "}\n"
                  "int main(void) {\n"
                  "    pthread_t t[4];\n"
                  "    for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, worker, 0);\n"
                  "    for (int i = 0; i < 4; i++) pthread_join(t[i], 0);\n"
                  "    return 0;\n"
                  "}\n");
    char *out;
    cr_expect_eq(check(&out, "pool.c"), 1, "unknown wrapper: the update looks unprotected: %s",
                 out);
    free(out);
    put("locks.json",
        "{ \"version\": 1, \"functions\": [\n"
        "  { \"name\": \"lock_acquire\", \"kind\": \"lock\", \"lock_arg\": 0 },\n"
        "  { \"name\": \"lock_release\", \"kind\": \"unlock\", \"lock_arg\": 0 } ] }\n");
    put(".racecheck.json", "{\"api_models\": [\"locks.json\"]}");
    cr_expect_eq(check(&out, "pool.c"), 0, "the modelled wrapper protects the update: %s", out);
    free(out);
    put(".racecheck.json", "{\"api_models\": [\"no-such-file.json\"]}");
    cr_expect_eq(check(&out, "pool.c"), 2, "%s", out);
    cr_expect(strstr(out, "no-such-file.json") != NULL, "%s", out);
    free(out);
}
