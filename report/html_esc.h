/*
 * html_esc.h - text made safe for the HTML report: escaping for HTML text and
 * attribute values, and repair of byte strings that are not valid UTF-8.
 * Private to the report module (render_html.c, html_graph.c).
 *
 * Every byte string from the store (file names are bytes, messages quote
 * source code, evidence is raw tool output) passes through here on its way
 * into the page. The output is always valid UTF-8 without characters that
 * HTML parsers report as errors:
 *
 *   | input                                   | written as                      |
 *   |-----------------------------------------|---------------------------------|
 *   | & < > " '                               | &amp; &lt; &gt; &quot; &#39;    |
 *   | invalid UTF-8 byte (overlong, surrogate)| U+FFFD, one per offending byte  |
 *   | C0 control, DEL (one-line text)         | its Control Picture (U+2400+c)  |
 *   | C0 control, DEL (HTML_PRE text)         | same, except TAB and LF kept    |
 *   | C1 control U+0080-U+009F, noncharacter  | U+FFFD                          |
 *
 * The same escaping serves text and double- or single-quoted attribute
 * values, so callers never pick the wrong one.
 */
#ifndef RC_HTML_ESC_H
#define RC_HTML_ESC_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"

enum {
    HTML_LINE = 0, /* one-line text: every control character becomes visible */
    HTML_PRE = 1,  /* preformatted text: TAB and LF stay; CR before LF is dropped */
};

/* Appends S (N bytes; may contain NUL) escaped for HTML text or an attribute. */
void html_escn(rc_strbuf_t *b, const char *s, size_t n, int mode);
/* Same for a NUL-terminated string; NULL appends nothing. */
void html_esc(rc_strbuf_t *b, const char *s, int mode);

/* Appends S repaired as in the table above but not HTML-escaped, cut after
 * MAX code points (an ellipsis marks the cut; 0: no limit). For text that
 * other tools read (Graphviz labels). */
void html_clean_utf8(rc_strbuf_t *b, const char *s, size_t max);

/* The number of code points html_clean_utf8 would write for S (no limit). */
size_t html_text_width(const char *s);

/* Decodes the UTF-8 sequence at S (AVAIL bytes available): returns its length
 * (1-4) and the code point in *cp, or 0 when the bytes there are not a valid,
 * shortest-form encoding of a scalar value. */
size_t html_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

#endif /* RC_HTML_ESC_H */
