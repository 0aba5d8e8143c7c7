/*
 * fingerprint.c - stable finding identities (CodeChecker-style).
 *
 * The digest covers the rule, the file's base name, the enclosing function,
 * the subject and the whitespace-stripped text of the primary line, but not
 * the line number: inserting lines above a finding, or re-indenting it, keeps
 * its identity; editing the offending line itself gives a new one. When the
 * source cannot be read (a runtime site in a file that moved), the line
 * number stands in for the text.
 */
#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(uint64_t h, const char *s)
{
    h = rc_fnv1a(h, s ? s : "", s ? strlen(s) : 0);
    return rc_fnv1a(h, "\xff", 1); /* field separator */
}

/* Returns line LINE of FILE without white space, or NULL. */
static char *stripped_line(const char *file, unsigned line)
{
    if (!file || line == 0)
        return NULL;
    FILE *f = fopen(file, "r");
    if (!f)
        return NULL;
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    unsigned cur = 1;
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '\n') {
            if (++cur > line)
                break;
            continue;
        }
        if (cur == line && c != ' ' && c != '\t' && c != '\r') {
            char ch = (char)c;
            rc_strbuf_appendn(&b, &ch, 1);
        }
    }
    fclose(f);
    if (cur < line) {
        rc_strbuf_close(&b);
        return NULL;
    }
    return rc_strbuf_take(&b);
}

char *rc_fingerprint(const rc_finding_t *f)
{
    uint64_t h = RC_FNV_OFFSET;
    const char *base = f->loc.file ? strrchr(f->loc.file, '/') : NULL;
    base = base ? base + 1 : f->loc.file;
    h = fnv1a(h, f->rule);
    h = fnv1a(h, base);
    h = fnv1a(h, f->loc.function);
    h = fnv1a(h, f->subject);
    char *text = stripped_line(f->loc.file, f->loc.line);
    if (text) {
        h = fnv1a(h, text);
        free(text);
    } else {
        char num[16];
        snprintf(num, sizeof num, "%u", f->loc.line);
        h = fnv1a(h, num);
    }
    return rc_xasprintf("%016llx", (unsigned long long)h);
}
