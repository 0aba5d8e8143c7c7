/*
 * html_esc.c - escaping and UTF-8 repair for the HTML report (see html_esc.h
 * for the mapping table).
 *
 * Invariant: whatever the input bytes, the output of html_escn() is valid
 * UTF-8 that contains no '<', '>', '&' (outside the entities it writes), no
 * quote characters and no code point an HTML parser flags as an error, so it
 * can be placed in element text or a quoted attribute value as is.
 */
#include "html_esc.h"

#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

size_t html_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    if (avail == 0)
        return 0;
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xe0) == 0xc0) {
        len = 2, v = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3, v = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* a continuation byte or 0xf8-0xff */
    }
    if (avail < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0; /* overlong form, beyond Unicode, or a surrogate */
    *cp = v;
    return len;
}

static void put_cp(rc_strbuf_t *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
    } else {
        u[0] = (char)(0xf0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
    }
    rc_strbuf_appendn(b, u, n);
}

/* A code point HTML parsers report as an error (besides the C0 controls,
 * which are handled separately): C1 controls and noncharacters. */
static int bad_in_html(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/*
 * The one walk over the input shared by both public writers. ESCAPE selects
 * HTML escaping; MODE is HTML_LINE or HTML_PRE; MAX limits the number of code
 * points written (0: none). Returns the number of code points the input holds.
 */
static size_t walk(rc_strbuf_t *b, const char *s, size_t n, int mode, int escape, size_t max)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    size_t count = 0;
    while (p < end) {
        uint32_t cp;
        size_t len = html_utf8_decode(p, (size_t)(end - p), &cp);
        if (mode == HTML_PRE && len == 1 && cp == '\r' && p + 1 < end && p[1] == '\n') {
            p++; /* CRLF line ends read as LF */
            continue;
        }
        count++;
        if (b && max && count == max + 1) {
            rc_strbuf_append(b, "\xe2\x80\xa6"); /* U+2026, the cut */
            b = NULL;                            /* keep counting, stop writing */
        }
        if (len == 0) {
            if (b)
                rc_strbuf_append(b, REPLACEMENT);
            p++;
            continue;
        }
        p += len;
        if (!b)
            continue;
        if (cp < 0x20 || cp == 0x7f) {
            if (mode == HTML_PRE && (cp == '\t' || cp == '\n'))
                rc_strbuf_appendn(b, (const char *)p - 1, 1);
            else
                put_cp(b, cp == 0x7f ? 0x2421 : 0x2400 + cp);
        } else if (bad_in_html(cp)) {
            rc_strbuf_append(b, REPLACEMENT);
        } else if (escape && cp == '&') {
            rc_strbuf_append(b, "&amp;");
        } else if (escape && cp == '<') {
            rc_strbuf_append(b, "&lt;");
        } else if (escape && cp == '>') {
            rc_strbuf_append(b, "&gt;");
        } else if (escape && cp == '"') {
            rc_strbuf_append(b, "&quot;");
        } else if (escape && cp == '\'') {
            rc_strbuf_append(b, "&#39;");
        } else {
            rc_strbuf_appendn(b, (const char *)p - len, len);
        }
    }
    return count;
}

void html_escn(rc_strbuf_t *b, const char *s, size_t n, int mode)
{
    walk(b, s, n, mode, 1, 0);
}

void html_esc(rc_strbuf_t *b, const char *s, int mode)
{
    if (s)
        walk(b, s, strlen(s), mode, 1, 0);
}

void html_clean_utf8(rc_strbuf_t *b, const char *s, size_t max)
{
    if (s)
        walk(b, s, strlen(s), HTML_LINE, 0, max);
}

size_t html_text_width(const char *s)
{
    return s ? walk(NULL, s, strlen(s), HTML_LINE, 0, 0) : 0;
}
