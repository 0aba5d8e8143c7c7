/*
 * error.c - the one table of racecheck error codes and the rc_error_t helpers.
 */
#include "common.h"

#include <stdio.h>
#include <string.h>

int rc_error_set(rc_error_t *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void rc_error_clear(rc_error_t *err)
{
    if (err) {
        err->code = RC_OK;
        err->msg[0] = '\0';
    }
}

const char *rc_strerror(int code)
{
    switch (code) {
    case RC_OK:
        return "success";
    case RC_ENOMEM:
        return "out of memory";
    case RC_EIO:
        return "input/output error";
    case RC_EINVAL:
        return "invalid argument or input";
    case RC_EPARSE:
        return "parse error";
    case RC_EDB:
        return "database error";
    case RC_EFOREIGN:
        return "corrupt or foreign file";
    case RC_ENOENT:
        return "no such file or item";
    case RC_EUNSUPPORTED:
        return "not supported";
    case RC_EINTERNAL:
        return "internal error";
    default:
        return "unknown error";
    }
}
