/*
 * compdb.c - the list of TUs to analyse: from a compilation database
 * (compile_commands.json, read through libclang's CXCompilationDatabase) or
 * one file at a time with default flags.
 *
 * Invariant: every job's `file` and `directory` are absolute, so that parsing
 * never depends on the process's current directory (libclang ignores an entry's
 * `directory`; the front end passes it as -working-directory).
 *
 * Assembly sources listed in a database (.s, .S, .sx, .asm) are skipped: they
 * hold no C to analyse, and parsing them as C would only report errors.
 */
#include "internal.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An absolute, normalised form of path (relative to base when relative). */
static char *absolute(const char *base, const char *path)
{
    char *joined = path[0] == '/' ? rc_xstrdup(path) : rc_xasprintf("%s/%s", base, path);
    char *real = realpath(joined, NULL);
    if (real) {
        free(joined);
        return real;
    }
    return joined;
}

static int is_assembly(const char *file)
{
    const char *dot = strrchr(file, '.');
    return dot && (strcmp(dot, ".s") == 0 || strcmp(dot, ".S") == 0 || strcmp(dot, ".sx") == 0 ||
                   strcmp(dot, ".asm") == 0);
}

static char *current_dir(void)
{
    char buf[PATH_MAX];
    return rc_xstrdup(getcwd(buf, sizeof buf) ? buf : ".");
}

static rc_tu_job_t *push_job(rc_tu_jobs_t *jobs)
{
    if (jobs->n == jobs->cap) {
        jobs->cap = jobs->cap ? jobs->cap * 2 : 16;
        jobs->v = rc_xrealloc(jobs->v, jobs->cap * sizeof *jobs->v);
    }
    rc_tu_job_t *j = &jobs->v[jobs->n++];
    memset(j, 0, sizeof *j);
    return j;
}

int rc_compdb_load(const char *build_dir, rc_tu_jobs_t *jobs, rc_error_t *err)
{
    char *path = rc_xasprintf("%s/compile_commands.json", build_dir);
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    free(path);
    if (!exists)
        return rc_error_set(err, RC_ENOENT, "no compile_commands.json in '%s'", build_dir);
    CXCompilationDatabase_Error e = CXCompilationDatabase_NoError;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(build_dir, &e);
    if (e != CXCompilationDatabase_NoError || !db) {
        if (db)
            clang_CompilationDatabase_dispose(db);
        return rc_error_set(err, RC_EPARSE, "cannot read '%s/compile_commands.json'", build_dir);
    }
    char *cwd = current_dir();
    char *base = absolute(cwd, build_dir);
    CXCompileCommands cmds = clang_CompilationDatabase_getAllCompileCommands(db);
    unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
    for (unsigned i = 0; i < n; i++) {
        CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
        CXString d = clang_CompileCommand_getDirectory(cmd);
        CXString f = clang_CompileCommand_getFilename(cmd);
        const char *dir = clang_getCString(d);
        if (is_assembly(clang_getCString(f))) {
            clang_disposeString(d);
            clang_disposeString(f);
            continue;
        }
        rc_tu_job_t *j = push_job(jobs);
        j->directory = absolute(base, dir && *dir ? dir : ".");
        j->file = absolute(j->directory, clang_getCString(f));
        clang_disposeString(d);
        clang_disposeString(f);
        unsigned na = clang_CompileCommand_getNumArgs(cmd);
        j->argv = rc_xcalloc(na + 1, sizeof *j->argv);
        for (unsigned a = 0; a < na; a++) {
            CXString s = clang_CompileCommand_getArg(cmd, a);
            j->argv[a] = rc_xstrdup(clang_getCString(s));
            clang_disposeString(s);
        }
        j->argc = (int)na;
    }
    if (cmds)
        clang_CompileCommands_dispose(cmds);
    clang_CompilationDatabase_dispose(db);
    free(base);
    free(cwd);
    return RC_OK;
}

void rc_tu_jobs_add_file(rc_tu_jobs_t *jobs, const char *file, const char *const *extra, int nextra)
{
    static const char *const defaults[] = {"cc", "-std=gnu11", "-pthread"};
    const int nd = (int)(sizeof defaults / sizeof defaults[0]);
    char *cwd = current_dir();
    rc_tu_job_t *j = push_job(jobs);
    j->file = absolute(cwd, file);
    j->directory = cwd;
    j->argc = nd + (extra ? nextra : 0);
    j->argv = rc_xcalloc((size_t)j->argc + 1, sizeof *j->argv);
    for (int i = 0; i < nd; i++)
        j->argv[i] = rc_xstrdup(defaults[i]);
    for (int i = 0; extra && i < nextra; i++)
        j->argv[nd + i] = rc_xstrdup(extra[i]);
}

void rc_tu_jobs_close(rc_tu_jobs_t *jobs)
{
    for (size_t i = 0; i < jobs->n; i++)
        rc_tu_job_close(&jobs->v[i]);
    free(jobs->v);
    memset(jobs, 0, sizeof *jobs);
}
