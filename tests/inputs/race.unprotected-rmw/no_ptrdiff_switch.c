/* A pointer difference switched over, walking a designated-initializer array:
 * valid code whose expression tree once sent the analyzer into endless
 * recursion. Nothing is shared; nothing is reported. */
#include <stddef.h>
#include <string.h>
struct field { const char *name; char *dest; size_t len; };
enum { FIELD_USER, FIELD_PASS, NFIELDS };
int lookup(const char *key, char *user, size_t user_len, char *pass, size_t pass_len)
{
    const struct field fields[] = {
        [FIELD_USER] = {"user", user, user_len},
        [FIELD_PASS] = {"pass", pass, pass_len},
    };
    int matched = 0;
    for (const struct field *f = fields; f < fields + NFIELDS; f++) {
        switch (f - fields) {
        case FIELD_USER:
            matched = strcmp(key, f->name) == 0;
            break;
        default:
            break;
        }
    }
    return matched;
}
