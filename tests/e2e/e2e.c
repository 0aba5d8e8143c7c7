/*
 * e2e.c - process helpers for the end-to-end tests.
 */
#include "e2e.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common.h"

int e2e_run(char **out, const char *fmt, ...)
{
    va_list ap;
    rc_strbuf_t cmd;
    rc_strbuf_init(&cmd);
    va_start(ap, fmt);
    rc_strbuf_vappendf(&cmd, fmt, ap);
    va_end(ap);
    rc_strbuf_append(&cmd, " 2>&1");
    FILE *p = popen(cmd.s, "r");
    cr_assert_not_null(p, "popen failed: %s", cmd.s);
    rc_strbuf_t buf;
    rc_strbuf_init(&buf);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        rc_strbuf_appendn(&buf, chunk, n);
    int status = pclose(p);
    rc_strbuf_close(&cmd);
    *out = rc_strbuf_take(&buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void e2e_tmpdir(char *buf, size_t len)
{
    snprintf(buf, len, "/tmp/rc-e2e-XXXXXX");
    cr_assert_not_null(mkdtemp(buf));
}

void e2e_rmtree(const char *dir)
{
    char *cmd = rc_xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    cr_assert_eq(rc, 0);
}
