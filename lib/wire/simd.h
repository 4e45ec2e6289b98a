/* What the wire parsers share for their 16-bytes-at-a-time scans. SSE2 is
 * part of every x86-64 CPU; elsewhere, or built with -DSIPCODE_NO_SIMD (to
 * test that path), the scans take one byte at a time, with the same
 * results. */
#ifndef SIPCODE_WIRE_SIMD_H
#define SIPCODE_WIRE_SIMD_H

#if defined(__SSE2__) && !defined(SIPCODE_NO_SIMD)
#include <emmintrin.h>
#define SIPCODE_HAVE_SSE2 1

/* c, hidden from the compiler: gcc turns "x > c" for a constant c into
 * "!(c + 1 > x)", a compare and an inversion more per 16 bytes. */
static inline __m128i opaque(__m128i c)
{
    __asm__("" : "+x"(c));
    return c;
}

/* One bit per byte of v outside 0x20..0x7e: x + 0x60 as a signed byte
 * is above -34 exactly for those (0x20..0x7e go to -128..-34). */
static inline unsigned odd_bytes(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x60)), opaque(_mm_set1_epi8(-34))));
}

/* One bit per byte of v that a quoted-string cannot pass over as it is:
 * odd_bytes(), DQUOTE and backslash. */
static inline unsigned stop_qdtext(__m128i v)
{
    return odd_bytes(v) |
           (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
}

/* One bit per byte of v that no URI holds as it is: outside 0x21..0x7e
 * (v + 0x5f above -35 as a signed byte), '"', '<' and '>' (0x3c, 0x3e). */
static inline unsigned stop_uri(__m128i v)
{
    __m128i hit = _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x5f)), opaque(_mm_set1_epi8(-35)));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    hit = _mm_or_si128(
        hit, _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xfd)), _mm_set1_epi8('<')));
    return (unsigned)_mm_movemask_epi8(hit);
}

/* The first byte in [p, end) that stop() (one of the masks above) marks,
 * 16 bytes at a time; once fewer than 16 remain, where they start (the
 * caller goes on byte by byte). Reads nothing at or past end. Inlined,
 * stop is called directly. */
static inline const unsigned char *skip16(const unsigned char *p, const unsigned char *end,
                                          unsigned (*stop)(__m128i))
{
    while (end - p >= 16) {
        const unsigned m = stop(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (m)
            return p + __builtin_ctz(m);
        p += 16;
    }
    return p;
}
#endif

#endif
