/* Private helpers shared by the wire parsers: byte classes, a bounded
 * cursor, UTF-8 checking and diagnostics. Nothing here allocates. */
#ifndef SIPCODE_WIRE_SCAN_H
#define SIPCODE_WIRE_SCAN_H

#include <stddef.h>

#include "sipcode/wire.h"

/* Byte classes, one 256-entry table (picohttpparser's approach). */
enum {
    SCAN_TOKEN = 1 << 0,    /* RFC 3261 25.1 token: alphanum / "-.!%*_+`'~" */
    SCAN_DIGIT = 1 << 1,
    SCAN_WS = 1 << 2,       /* SP / HTAB */
    SCAN_CTL = 1 << 3,      /* %x00-1F / %x7F */
    SCAN_ALNUM = 1 << 4,
    SCAN_HEX = 1 << 5,
    SCAN_WORD = 1 << 6      /* RFC 3261 word: token chars plus "()<>:\\\"/[]?{}" */
};

extern const unsigned char sipcode__byte_class[256];

#define SCAN_IS(c, cls) ((sipcode__byte_class[(unsigned char)(c)] & (cls)) != 0)

/* A read position that is always checked against the end before a byte is
 * read. */
struct scan {
    const unsigned char *start, *at, *end;
};

static inline void scan_init(struct scan *s, const char *buf, size_t len)
{
    s->start = s->at = (const unsigned char *)buf;
    s->end = s->start + len;
}

static inline size_t scan_offset(const struct scan *s)
{
    return (size_t)(s->at - s->start);
}

static inline int scan_more(const struct scan *s)
{
    return s->at < s->end;
}

/* Records a failure at offset and returns err. */
static inline enum sipcode_err scan_fail(struct sipcode_diag *diag, size_t offset,
                                         enum sipcode_err err, const char *reason)
{
    if (diag) {
        diag->offset = offset;
        diag->reason = reason;
    }
    return err;
}

/* Length of the valid UTF-8 sequence starting at p (1..4), or 0 when the bytes
 * p[0..avail) do not start one: overlongs, surrogates and code points above
 * U+10FFFF are invalid (RFC 3629). *short_input is set when the bytes so far
 * are a valid prefix cut by the end of input. */
size_t sipcode__utf8_sequence(const unsigned char *p, size_t avail, int *short_input);

/* Writes the decimal digits of v, most significant first, to dst (room for
 * SIPCODE__DECIMAL_MAX); returns how many. */
#define SIPCODE__DECIMAL_MAX 20
size_t sipcode__put_decimal(char *dst, unsigned long long v);

/* ASCII case-insensitive equality of a[0..alen) and the NUL-terminated b. */
int sipcode__equal_nocase(const char *a, size_t alen, const char *b);

#endif
