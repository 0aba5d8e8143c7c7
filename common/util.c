/*
 * util.c - allocation that cannot fail silently, growable strings, file reading.
 */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "racecheck: out of memory allocating %zu bytes\n", n);
    abort();
}

void *rc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *rc_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *rc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void rc_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

char *rc_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = rc_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

const char *rc_base_name(const char *path)
{
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : (path ? path : "?");
}

uint64_t rc_fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static inline uint64_t hash_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

uint64_t rc_hash_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = RC_FNV_OFFSET;
    size_t len = n;
    for (; n >= 8; b += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, b, 8);
        h = hash_mix(h, w);
    }
    uint64_t w = 0;
    memcpy(&w, b, n);
    h = hash_mix(h, w);
    return hash_mix(h, (uint64_t)len);
}

/* The whole content of the file at path, appended to b. Returns 0, -1 when it
 * cannot be opened, -2 when reading it failed; errno set either way (EIO when
 * the read failed without saying why). */
static int read_all(const char *path, rc_strbuf_t *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc_strbuf_appendn(b, chunk, n);
    int bad = ferror(f), saved = errno;
    fclose(f);
    if (bad) {
        errno = saved ? saved : EIO;
        return -2;
    }
    return 0;
}

int rc_hash_file(const char *path, uint64_t *out)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    int rc = read_all(path, &b);
    if (rc == 0)
        *out = rc_hash_bytes(b.s, b.len);
    int saved = errno;
    rc_strbuf_close(&b);
    errno = saved;
    return rc == 0 ? 0 : -1;
}

char *rc_xasprintf(const char *fmt, ...)
{
    rc_strbuf_t b;
    va_list ap;
    rc_strbuf_init(&b);
    va_start(ap, fmt);
    rc_strbuf_vappendf(&b, fmt, ap);
    va_end(ap);
    return rc_strbuf_take(&b);
}

void rc_strbuf_init(rc_strbuf_t *b)
{
    b->s = NULL;
    b->len = b->cap = 0;
}

static void reserve(rc_strbuf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = rc_xrealloc(b->s, cap);
    b->cap = cap;
}

void rc_strbuf_appendn(rc_strbuf_t *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void rc_strbuf_append(rc_strbuf_t *b, const char *s)
{
    rc_strbuf_appendn(b, s, strlen(s));
}

void rc_strbuf_vappendf(rc_strbuf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    reserve(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void rc_strbuf_appendf(rc_strbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc_strbuf_vappendf(b, fmt, ap);
    va_end(ap);
}

void rc_strbuf_reset(rc_strbuf_t *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

char *rc_strbuf_take(rc_strbuf_t *b)
{
    char *s = b->s ? b->s : rc_xstrdup("");
    rc_strbuf_init(b);
    return s;
}

void rc_strbuf_close(rc_strbuf_t *b)
{
    free(b->s);
    rc_strbuf_init(b);
}

int rc_read_file(const char *path, char **out, size_t *len, rc_error_t *err)
{
    rc_strbuf_t b;
    rc_strbuf_init(&b);
    int rc = read_all(path, &b);
    if (rc != 0) {
        int e = errno;
        rc_strbuf_close(&b);
        if (rc == -1)
            return rc_error_set(err, e == ENOENT ? RC_ENOENT : RC_EIO, "cannot open '%s': %s", path,
                                strerror(e));
        return rc_error_set(err, RC_EIO, "cannot read '%s'", path);
    }
    if (len)
        *len = b.len;
    *out = rc_strbuf_take(&b);
    return RC_OK;
}
