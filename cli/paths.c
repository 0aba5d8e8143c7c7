/*
 * paths.c - where racecheck finds its data and its shim, whether it runs from
 * the build tree or from an installation:
 *
 *   what     environment           installed                          build tree
 *   rules    RACECHECK_RULES_DIR   <exe>/../share/racecheck/rules     RC_SOURCE_RULES_DIR
 *   shim     RACECHECK_SHIM        <exe>/../lib/racecheck/libracecheck-shim.so
 *                                                                     <exe>/../lib/libracecheck-shim.so
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static char *exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    return rc_xstrdup(buf);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static char *first_existing(const char *env, const char *const *rel, const char *fallback)
{
    const char *e = getenv(env);
    if (e && *e)
        return rc_xstrdup(e);
    char *dir = exe_dir();
    for (; dir && *rel; rel++) {
        char *p = rc_xasprintf("%s/%s", dir, *rel);
        if (exists(p)) {
            free(dir);
            return p;
        }
        free(p);
    }
    free(dir);
    return fallback ? rc_xstrdup(fallback) : NULL;
}

char *rc_cli_rules_dir(void)
{
    static const char *const rel[] = {"../share/racecheck/rules", NULL};
    return first_existing("RACECHECK_RULES_DIR", rel, RC_SOURCE_RULES_DIR);
}

char *rc_cli_shim_path(void)
{
    static const char *const rel[] = {"../lib/racecheck/libracecheck-shim.so",
                                      "../lib/libracecheck-shim.so", NULL};
    return first_existing("RACECHECK_SHIM", rel, NULL);
}

char *rc_cli_join_args(const char *first, int argc, char **argv)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    rc_strbuf_append(&b, first);
    for (int i = 0; i < argc; i++)
        rc_strbuf_appendf(&b, " %s", argv[i]);
    return rc_strbuf_take(&b);
}
