/* Private helpers of the message framer (message.c) and the header name
 * table (headers.c). Nothing here allocates. */
#ifndef SIPCODE_WIRE_MESSAGE_H
#define SIPCODE_WIRE_MESSAGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scan.h"

/* The compact form of a header id ('v' for Via), lower case, or 0 when it
 * has none or id is junk. */
char sipcode__header_compact(enum sipcode_header_id id);

/* The header name tables of headers.c, here so that the framer looks names
 * up inline (once per header field). */
struct sipcode__header_name {
    char name[30];     /* canonical, "Call-ID"; letters and '-' only; NUL-padded,
                          so 16 bytes can always be loaded from it, and sized
                          so that an entry is 32 bytes: an index is a shift */
    unsigned char len; /* strlen(name), 0 for SIPCODE_H_OTHER */
    char compact;      /* lower case, 0 when none */
};
extern const struct sipcode__header_name sipcode__header_names[SIPCODE_H__COUNT];
_Static_assert(sizeof(struct sipcode__header_name) == 32, "header name entries are 32 bytes");
extern const unsigned char sipcode__header_compact_ids[26]; /* 'a'..'z' -> id, 0 none */
extern const unsigned char sipcode__header_slot[128];       /* by SIPCODE__HEADER_SLOT */

/* Where a full name of len bytes with the given first and last letter
 * (lower case) sits in sipcode__header_slot: every name begins and ends
 * with a letter, and no two share a slot. */
#define SIPCODE__HEADER_SLOT(len, first, last)                                                     \
    (((len) + 13u * (unsigned)(first) + (unsigned)(last)) & 127u)

/* Whether a[0..n) and the table name b[0..n), n >= 2, are equal case
 * aside, a word at a time (memcpy loads; words may overlap, never pass n).
 * Table names hold letters and '-' only: a letter has bit 0x40 set, which
 * shifted right gives the mask 0x20 for that byte, and x | 0x20 == l | 0x20
 * holds for exactly the two cases of the letter l; '-' gets the mask 0 and
 * must match exactly. */
#define SIPCODE__SAME_NOCASE(x, y, ones)                                                           \
    (((x) | (((y) >> 1) & (ones)*0x20u)) == ((y) | (((y) >> 1) & (ones)*0x20u)))

static inline int sipcode__same_name(const unsigned char *a, const unsigned char *b, size_t n)
{
    const uint64_t ones8 = 0x0101010101010101u;
    uint64_t x8, y8;
    uint32_t x4, y4, z4, w4;
    uint16_t x2, y2, z2, w2;
    size_t i;
    if (n >= 8) {
        for (i = 0; i + 8 < n; i += 8) {
            memcpy(&x8, a + i, 8);
            memcpy(&y8, b + i, 8);
            if (!SIPCODE__SAME_NOCASE(x8, y8, ones8))
                return 0;
        }
        memcpy(&x8, a + n - 8, 8);
        memcpy(&y8, b + n - 8, 8);
        return SIPCODE__SAME_NOCASE(x8, y8, ones8);
    }
    if (n >= 4) {
        memcpy(&x4, a, 4);
        memcpy(&y4, b, 4);
        memcpy(&z4, a + n - 4, 4);
        memcpy(&w4, b + n - 4, 4);
        return SIPCODE__SAME_NOCASE(x4, y4, 0x01010101u) &&
               SIPCODE__SAME_NOCASE(z4, w4, 0x01010101u);
    }
    memcpy(&x2, a, 2);
    memcpy(&y2, b, 2);
    memcpy(&z2, a + n - 2, 2);
    memcpy(&w2, b + n - 2, 2);
    return SIPCODE__SAME_NOCASE((unsigned)x2, (unsigned)y2, 0x0101u) &&
           SIPCODE__SAME_NOCASE((unsigned)z2, (unsigned)w2, 0x0101u);
}

/* sipcode_header_id() for p[0..len), len >= 1: one table load finds the
 * only id a name can have and one compare decides (a scan of all names
 * cost about 310 instructions per header field, bench/README.md). Any id
 * but OTHER implies p[0..len) is a token. */
static inline enum sipcode_header_id sipcode__header_id(const unsigned char *p, size_t len)
{
    unsigned id;
    if (len == 1) {
        unsigned c = p[0] | 0x20u; /* only letters land in 'a'..'z' */
        if (c < 'a' || c > 'z')
            return SIPCODE_H_OTHER;
        return (enum sipcode_header_id)sipcode__header_compact_ids[c - 'a'];
    }
    /* OR-ing 0x20 lowers letters and turns some other bytes into letters:
     * the compare rejects those */
    id = sipcode__header_slot[SIPCODE__HEADER_SLOT(len, p[0] | 0x20u, p[len - 1] | 0x20u)];
    if (id == SIPCODE_H_OTHER || sipcode__header_names[id].len != len ||
        !sipcode__same_name(p, (const unsigned char *)sipcode__header_names[id].name, len))
        return SIPCODE_H_OTHER;
    return (enum sipcode_header_id)id;
}

/* ASCII case-insensitive equality of a[0..n) and b[0..n). */
static inline int sipcode__equal_nocase_n(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x += 'a' - 'A';
        if (y >= 'A' && y <= 'Z')
            y += 'a' - 'A';
        if (x != y)
            return 0;
    }
    return 1;
}

/* Largest delta-seconds value (Expires, Retry-After) the framer accepts:
 * RFC 3261 20.19 gives Expires the range 0..2**32-1. */
#define SIPCODE__MAX_DELTA_SECONDS 4294967295ull

/* Largest Max-Forwards (RFC 4475 3.1.2.4 calls values above 255 out of
 * range). */
#define SIPCODE__MAX_FORWARDS 255u

/* sipcode_parse_message() for callers that read headers and out only on
 * success (the capture engine): both are written as the message is read,
 * not through a copy, so an error may leave them half written. */
enum sipcode_err sipcode__parse_message_direct(const char *buf, size_t len, unsigned flags,
                                               struct sipcode_header *headers, size_t cap,
                                               struct sipcode_message *out, size_t *used,
                                               struct sipcode_diag *diag);

#endif
