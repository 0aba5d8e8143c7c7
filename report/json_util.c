/*
 * json_util.c - JSON strings from arbitrary bytes, for every JSON-based
 * renderer. jansson accepts only valid UTF-8; file names and program output
 * are bytes, so invalid sequences become U+FFFD instead of failing the whole
 * document.
 */
#include <jansson.h>

#include "render_int.h"

json_t *rc_json_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t len = *p < 0x80         ? 1
                     : (*p >> 5) == 6  ? 2
                     : (*p >> 4) == 14 ? 3
                     : (*p >> 3) == 30 ? 4
                                       : 0;
        size_t ok = len;
        for (size_t i = 1; i < len && ok; i++)
            if ((p[i] & 0xc0) != 0x80)
                ok = 0;
        /* jansson validates the sequence (overlong forms, surrogates). */
        json_t *probe = ok ? json_stringn((const char *)p, len) : NULL;
        if (probe) {
            json_decref(probe);
            rc_strbuf_appendn(&b, (const char *)p, len);
            p += len;
        } else {
            rc_strbuf_append(&b, "\xef\xbf\xbd");
            p++;
        }
    }
    j = json_string(b.s ? b.s : "");
    rc_strbuf_close(&b);
    return j ? j : json_string("");
}
