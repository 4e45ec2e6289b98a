/* Private helpers of the message framer (message.c) and the header name
 * table (headers.c). Nothing here allocates. */
#ifndef SIPCODE_WIRE_MESSAGE_H
#define SIPCODE_WIRE_MESSAGE_H

#include <stddef.h>

#include "scan.h"

/* The compact form of a header id ('v' for Via), lower case, or 0 when it
 * has none or id is junk. */
char sipcode__header_compact(enum sipcode_header_id id);

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

#endif
