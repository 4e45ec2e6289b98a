/* Start lines: the status line (RFC 3261 7.2) and the request line (7.1),
 * parsed strictly by default, and their formatters. */
#include <stdint.h>
#include <string.h>

#include "scan.h"
#include "sipcode/registry.h"

#include "simd.h"

/* RFC 3261 25.1: a Reason-Phrase is reserved / unreserved / escaped /
 * UTF8-NONASCII / UTF8-CONT / SP / HTAB. phrase_plain[c] is 1 for the ASCII
 * bytes that stand for themselves (all but '%', which starts an escape). */
#define P1(c) [(unsigned char)(c)] = 1
static const unsigned char phrase_plain[256] = {
    P1('a'), P1('b'), P1('c'), P1('d'), P1('e'), P1('f'), P1('g'), P1('h'), P1('i'),
    P1('j'), P1('k'), P1('l'), P1('m'), P1('n'), P1('o'), P1('p'), P1('q'), P1('r'),
    P1('s'), P1('t'), P1('u'), P1('v'), P1('w'), P1('x'), P1('y'), P1('z'), P1('A'),
    P1('B'), P1('C'), P1('D'), P1('E'), P1('F'), P1('G'), P1('H'), P1('I'), P1('J'),
    P1('K'), P1('L'), P1('M'), P1('N'), P1('O'), P1('P'), P1('Q'), P1('R'), P1('S'),
    P1('T'), P1('U'), P1('V'), P1('W'), P1('X'), P1('Y'), P1('Z'), P1('0'), P1('1'),
    P1('2'), P1('3'), P1('4'), P1('5'), P1('6'), P1('7'), P1('8'), P1('9'), P1(';'),
    P1('/'), P1('?'), P1(':'), P1('@'), P1('&'), P1('='), P1('+'), P1('$'), P1(','),
    P1('-'), P1('_'), P1('.'), P1('!'), P1('~'), P1('*'), P1('\''), P1('('), P1(')'),
    P1(' '), P1('\t'),
};
#undef P1

static int phrase_ascii_ok(unsigned char c)
{
    return phrase_plain[c] != 0;
}

/* The end of a line at s->at: CRLF, or LF alone when allowed. Returns OK and
 * moves past it, EINCOMPLETE when the input stops inside it, EMALFORMED when
 * the byte is not a line end. */
static enum sipcode_err take_line_end(struct scan *s, unsigned flags)
{
    if (!scan_more(s))
        return SIPCODE_EINCOMPLETE;
    if (*s->at == '\r') {
        if (s->at + 1 == s->end)
            return SIPCODE_EINCOMPLETE;
        if (s->at[1] != '\n')
            return SIPCODE_EMALFORMED;
        s->at += 2;
        return SIPCODE_OK;
    }
    if (*s->at == '\n' && (flags & SIPCODE_LENIENT_BARE_LF)) {
        s->at++;
        return SIPCODE_OK;
    }
    return SIPCODE_EMALFORMED;
}

static int at_line_end(const struct scan *s, unsigned flags)
{
    return scan_more(s) && (*s->at == '\r' || (*s->at == '\n' && (flags & SIPCODE_LENIENT_BARE_LF)));
}

/* One SP, or with EXTRA_SPACES a run of SP/HTAB. */
static enum sipcode_err take_space(struct scan *s, unsigned flags)
{
    if (!scan_more(s))
        return SIPCODE_EINCOMPLETE;
    if (*s->at != ' ' && !((flags & SIPCODE_LENIENT_EXTRA_SPACES) && *s->at == '\t'))
        return SIPCODE_EMALFORMED;
    s->at++;
    if (flags & SIPCODE_LENIENT_EXTRA_SPACES)
        while (scan_more(s) && SCAN_IS(*s->at, SCAN_WS))
            s->at++;
    return SIPCODE_OK;
}

/* 1*DIGIT, at most 9 digits so the value cannot overflow, and no leading
 * zero: the "exactly SIP/2.0" leaves no room for "SIP/02.0". */
static enum sipcode_err take_number(struct scan *s, unsigned *value)
{
    unsigned v = 0;
    int digits = 0;
    while (scan_more(s) && SCAN_IS(*s->at, SCAN_DIGIT)) {
        if (++digits > 9 || (digits == 2 && v == 0))
            return SIPCODE_EMALFORMED;
        v = v * 10 + (unsigned)(*s->at++ - '0');
    }
    if (!digits)
        return scan_more(s) ? SIPCODE_EMALFORMED : SIPCODE_EINCOMPLETE;
    *value = v;
    return SIPCODE_OK;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (RFC 3261 25.1). The literal is
 * case-sensitive unless VERSION_CASE is set. */
static enum sipcode_err take_version(struct scan *s, unsigned flags, unsigned *major,
                                     unsigned *minor, const char **why)
{
    static const char lit[] = "SIP/";
    size_t i;
    enum sipcode_err err;
    for (i = 0; i < 4; i++) {
        unsigned char c;
        if (!scan_more(s))
            return SIPCODE_EINCOMPLETE;
        c = *s->at;
        if ((flags & SIPCODE_LENIENT_VERSION_CASE) && c >= 'a' && c <= 'z')
            c = (unsigned char)(c - ('a' - 'A'));
        if (c != (unsigned char)lit[i]) {
            *why = "protocol is not SIP/";
            return SIPCODE_EMALFORMED;
        }
        s->at++;
    }
    *why = "version is not DIGITS.DIGITS";
    if ((err = take_number(s, major)) != SIPCODE_OK)
        return err;
    if (!scan_more(s))
        return SIPCODE_EINCOMPLETE;
    if (*s->at != '.')
        return SIPCODE_EMALFORMED;
    s->at++;
    return take_number(s, minor);
}

/* Fails with err/why at the cursor, except that running out of input below
 * the line limit is EINCOMPLETE and past it ELIMIT. */
static enum sipcode_err fail_here(const struct scan *s, struct sipcode_diag *diag,
                                  enum sipcode_err err, const char *why)
{
    if (err == SIPCODE_EINCOMPLETE && scan_offset(s) >= SIPCODE_MAX_LINE)
        return scan_fail(diag, scan_offset(s), SIPCODE_ELIMIT, "line longer than the limit");
    if (err == SIPCODE_EINCOMPLETE)
        why = "input ends inside the line";
    return scan_fail(diag, scan_offset(s), err, why);
}

/* Reason-Phrase up to the line end: allowed characters, "%" HEX HEX escapes,
 * and well-formed UTF-8 (RFC 3261 25.1, RFC 3629). */
static enum sipcode_err take_phrase(struct scan *s, unsigned flags, const char **why)
{
    while (scan_more(s) && !at_line_end(s, flags)) {
        unsigned char c = *s->at;
        if (c >= 0x80) {
            int short_input;
            size_t n = sipcode__utf8_sequence(s->at, (size_t)(s->end - s->at), &short_input);
            if (!n) {
                *why = "reason phrase is not valid UTF-8";
                return short_input ? SIPCODE_EINCOMPLETE : SIPCODE_EMALFORMED;
            }
            s->at += n;
        } else if (c == '%' && !(flags & SIPCODE_LENIENT_PHRASE)) {
            size_t i;
            for (i = 1; i <= 2; i++) {
                if (s->at + i >= s->end)
                    return SIPCODE_EINCOMPLETE;
                if (!SCAN_IS(s->at[i], SCAN_HEX)) {
                    *why = "'%' in reason phrase is not an escape";
                    return SIPCODE_EMALFORMED;
                }
            }
            s->at += 3;
        } else if ((flags & SIPCODE_LENIENT_PHRASE) ? (SCAN_IS(c, SCAN_CTL) && c != '\t')
                                                    : !phrase_ascii_ok(c)) {
            *why = "byte not allowed in a reason phrase";
            return SIPCODE_EMALFORMED;
        } else {
            s->at++;
        }
        if (scan_offset(s) > SIPCODE_MAX_LINE) {
            *why = "line longer than the limit";
            return SIPCODE_ELIMIT;
        }
    }
    return SIPCODE_OK;
}

/* Kept out of line so the fast path stays a small leaf function. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static enum sipcode_err
parse_status_line_general(const char *buf, size_t len, unsigned flags,
                          struct sipcode_status_line *out, size_t *used,
                          struct sipcode_diag *diag)
{
    struct scan s;
    struct sipcode_status_line line;
    enum sipcode_err err;
    const char *why = "";
    const unsigned char *code_at, *phrase_at;
    int i;

    if (!buf || !out || !used)
        return scan_fail(diag, 0, SIPCODE_EINVAL, "NULL argument");
    scan_init(&s, buf, len);
    if ((err = take_version(&s, flags, &line.version_major, &line.version_minor, &why)) != 0)
        return fail_here(&s, diag, err, why);
    if ((err = take_space(&s, flags)) != SIPCODE_OK)
        return fail_here(&s, diag, err, "expected one SP after the version");

    /* Status-Code = 3DIGIT. Count before computing: a longer run is refused
     * without ever being turned into a number, so it cannot wrap. */
    code_at = s.at;
    line.code = 0;
    for (i = 0; i < 3; i++) {
        if (!scan_more(&s))
            return fail_here(&s, diag, SIPCODE_EINCOMPLETE, "");
        if (!SCAN_IS(*s.at, SCAN_DIGIT))
            return fail_here(&s, diag, SIPCODE_EMALFORMED, "status code is not three digits");
        line.code = line.code * 10 + (*s.at++ - '0');
    }
    if (scan_more(&s) && SCAN_IS(*s.at, SCAN_DIGIT))
        return fail_here(&s, diag, SIPCODE_EMALFORMED, "status code is longer than three digits");
    if (line.code < 100 || line.code > 699)
        return scan_fail(diag, (size_t)(code_at - s.start), SIPCODE_ERANGE,
                         "status code is outside 100..699");

    if ((flags & SIPCODE_LENIENT_NO_SP_AFTER_CODE) && at_line_end(&s, flags)) {
        phrase_at = s.at; /* "SIP/2.0 200" CRLF: an empty phrase without its SP */
    } else {
        if ((err = take_space(&s, flags)) != SIPCODE_OK)
            return fail_here(&s, diag, err, "expected SP after the status code");
        phrase_at = s.at;
        if ((err = take_phrase(&s, flags, &why)) != SIPCODE_OK)
            return fail_here(&s, diag, err, why);
    }
    line.reason.ptr = (const char *)phrase_at;
    line.reason.len = (size_t)(s.at - phrase_at);
    if ((err = take_line_end(&s, flags)) != SIPCODE_OK)
        return fail_here(&s, diag, err, "expected CRLF at the end of the status line");
    if (scan_offset(&s) > SIPCODE_MAX_LINE)
        return scan_fail(diag, SIPCODE_MAX_LINE, SIPCODE_ELIMIT, "line longer than the limit");

    *out = line;
    *used = scan_offset(&s);
    /* RFC 4475 3.1.2.16 and the issue: report another version, never
     * pretend it is 2.0. The line itself is returned for the report. */
    if (line.version_major != 2 || line.version_minor != 0)
        return scan_fail(diag, 4, SIPCODE_EVERSION, "protocol version is not SIP/2.0");
    return SIPCODE_OK;
}

#ifdef SIPCODE_HAVE_SSE2
/* One bit per byte of v that phrase_plain[] does not take: bytes outside
 * 0x20..0x7e (HTAB, CR and UTF-8 included) and '"' '#' '%' '<' '>' '['
 * '\\' ']' '^' '`' '{' '|' '}'. Ranges by signed compares: v + k moves a
 * range to the bottom of the signed bytes. */
static inline unsigned phrase_stops(__m128i v)
{
    __m128i hit =
        _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x60)), opaque(_mm_set1_epi8(-34)));
    hit = _mm_or_si128(hit, _mm_cmpgt_epi8(opaque(_mm_set1_epi8(-126)),
                                           _mm_add_epi8(v, _mm_set1_epi8(0x5e)))); /* " # */
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('%')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xfd)),
                                           _mm_set1_epi8('<'))); /* < > */
    hit = _mm_or_si128(hit, _mm_cmpgt_epi8(opaque(_mm_set1_epi8(-124)),
                                           _mm_add_epi8(v, _mm_set1_epi8(0x25)))); /* [ \ ] ^ */
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('`')));
    hit = _mm_or_si128(hit, _mm_cmpgt_epi8(opaque(_mm_set1_epi8(-125)),
                                           _mm_add_epi8(v, _mm_set1_epi8(0x05)))); /* { | } */
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The rest of a strict status line's phrase from q, for lines whose
 * phrase holds more than plain bytes (UTF-8, or a fault): the fast path
 * hands over here by a tail call (six arguments, all in registers), so
 * that it stays a leaf. Anything but plain bytes and well-formed UTF-8 up
 * to CRLF goes to the general parser, which alone decides errors. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static enum sipcode_err
status_line_phrase(const char *buf, size_t len, struct sipcode_status_line *out, size_t *used,
                   struct sipcode_diag *diag, const unsigned char *q)
{
    const unsigned char *const p = (const unsigned char *)buf;
    /* the code again, rather than a seventh argument */
    const int code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
    const unsigned char *const end = p + (len < SIPCODE_MAX_LINE ? len : SIPCODE_MAX_LINE);
    for (;;) {
        while (q < end && phrase_plain[*q])
            q++;
        if (q == end || *q == '\r')
            break;
        if (*q >= 0xc2 && *q <= 0xdf && end - q >= 2 && (q[1] & 0xc0) == 0x80) {
            q += 2; /* two-byte UTF-8 (Latin, Greek, Cyrillic...): the common case */
        } else if (*q >= 0x80) {
            int short_input;
            size_t n = sipcode__utf8_sequence(q, (size_t)(end - q), &short_input);
            if (!n)
                return parse_status_line_general(buf, len, 0, out, used, diag);
            q += n;
        } else {
            return parse_status_line_general(buf, len, 0, out, used, diag);
        }
    }
    if (q + 1 >= end || q[0] != '\r' || q[1] != '\n')
        return parse_status_line_general(buf, len, 0, out, used, diag);
    out->version_major = 2;
    out->version_minor = 0;
    out->code = code;
    out->reason.ptr = (const char *)p + 12;
    out->reason.len = (size_t)(q - (p + 12));
    *used = (size_t)(q + 2 - p);
    return SIPCODE_OK;
}

/* The common case, strict "SIP/2.0 NNN phrase CRLF" with a phrase of plain
 * ASCII, in one tight pass; everything else (UTF-8 and escapes, errors,
 * incomplete input, lenient flags) goes on by a tail call, so this stays a
 * leaf. "SIP/2.0 " is one 8-byte compare and "NNN " one 4-byte test. */
enum sipcode_err sipcode_parse_status_line(const char *buf, size_t len, unsigned flags,
                                           struct sipcode_status_line *out, size_t *used,
                                           struct sipcode_diag *diag)
{
    /* Per byte of "NNN ": which bits to test, what they must be, and what
     * to add first so that only '0'..'9' keep 0x3_ (memcpy: any byte order,
     * no alignment assumed). */
    static const unsigned char nnn_mask[4] = {0xf0, 0xf0, 0xf0, 0xff};
    static const unsigned char nnn_want[4] = {0x30, 0x30, 0x30, ' '};
    static const unsigned char nnn_add[4] = {6, 6, 6, 0};
    const unsigned char *const p = (const unsigned char *)buf, *end, *q;
    uint64_t head, want;
    uint32_t nnn, mask, want4, add;
    int code;
    if (!buf || !out || !used || flags != 0 || len < 14)
        return parse_status_line_general(buf, len, flags, out, used, diag);
    memcpy(&head, p, 8);
    memcpy(&want, "SIP/2.0 ", 8);
    memcpy(&nnn, p + 8, 4);
    memcpy(&mask, nnn_mask, 4);
    memcpy(&want4, nnn_want, 4);
    memcpy(&add, nnn_add, 4);
    /* a digit plus 6 stays below 0x40, so no byte carries into the next */
    if (head != want || (nnn & mask) != want4 || ((nnn + add) & mask) != want4)
        return parse_status_line_general(buf, len, flags, out, used, diag);
    code = (p[8] - '0') * 100 + (p[9] - '0') * 10 + (p[10] - '0');
    if (code < 100 || code > 699)
        return parse_status_line_general(buf, len, flags, out, used, diag);
    end = p + (len < SIPCODE_MAX_LINE ? len : SIPCODE_MAX_LINE);
    q = p + 12;
    /* Up to the first byte that is not plain: CR, UTF-8, '%' or something
     * invalid. */
#ifdef SIPCODE_HAVE_SSE2
    /* 16 bytes at a time; the last, shorter run from a load that ends at
     * end and starts inside the line (len >= 14 here, so when 16 bytes are
     * there at all), its bits before q shifted out: few branches to guess
     * wrong for phrases of every length. */
    while (end - q >= 16) {
        const unsigned m = phrase_stops(_mm_loadu_si128((const __m128i *)(const void *)q));
        if (m) {
            q += __builtin_ctz(m);
            goto stop;
        }
        q += 16;
    }
    if (q < end && end - p >= 16) {
        const unsigned char *const b = end - 16;
        const unsigned m =
            phrase_stops(_mm_loadu_si128((const __m128i *)(const void *)b)) >> (q - b);
        q = m ? q + __builtin_ctz(m) : end;
    }
#endif
    /* Eight plain bytes per step, then one at a time. */
    while (end - q >= 8 && (phrase_plain[q[0]] & phrase_plain[q[1]] & phrase_plain[q[2]] &
                            phrase_plain[q[3]] & phrase_plain[q[4]] & phrase_plain[q[5]] &
                            phrase_plain[q[6]] & phrase_plain[q[7]]))
        q += 8;
    while (q < end && phrase_plain[*q])
        q++;
#ifdef SIPCODE_HAVE_SSE2
stop:
#endif
    if (end - q < 2 || q[0] != '\r' || q[1] != '\n')
        return status_line_phrase(buf, len, out, used, diag, q);
    out->version_major = 2;
    out->version_minor = 0;
    out->code = code;
    out->reason.ptr = (const char *)p + 12;
    out->reason.len = (size_t)(q - (p + 12));
    *used = (size_t)(q + 2 - p);
    return SIPCODE_OK;
}

/* URI scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3986 3.1). */
static int uri_byte_ok(unsigned char c)
{
    /* Visible ASCII; a Request-URI carries no spaces, controls, raw UTF-8 or
     * the delimiters that only name-addr uses (RFC 3261 25.1). */
    return c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"';
}

/* What a Request-URI must be at least: a scheme (RFC 3986 3.1: ALPHA *(ALPHA
 * / DIGIT / "+" / "-" / ".")), ':' and something after it, all bytes allowed.
 * Deeper URI syntax is not the framer's business. */
static int uri_scheme_ok(const unsigned char *p, size_t len)
{
    size_t i = 0;
    if (len == 0 || !((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
        return 0;
    while (i < len && (SCAN_IS(p[i], SCAN_ALNUM) || p[i] == '+' || p[i] == '-' || p[i] == '.'))
        i++;
    return i < len && p[i] == ':' && i + 1 < len;
}

static int uri_valid(const unsigned char *p, size_t len)
{
    size_t i;
    if (!uri_scheme_ok(p, len))
        return 0;
    for (i = 0; i < len; i++)
        if (!uri_byte_ok(p[i]))
            return 0;
    return 1;
}

static enum sipcode_err parse_request_line_general(const char *buf, size_t len, unsigned flags,
                                                   struct sipcode_request_line *out,
                                                   size_t *used, struct sipcode_diag *diag);

/* The usual request line, strict, in one pass: token SP URI " SIP/2.0"
 * CRLF within the line limit, the URI 16 bytes at a time. Anything else
 * (lenient flags, other versions, faults, lines cut short) goes to the
 * general parser, which gives the same answer for what this one accepts. */
enum sipcode_err sipcode_parse_request_line(const char *buf, size_t len, unsigned flags,
                                            struct sipcode_request_line *out, size_t *used,
                                            struct sipcode_diag *diag)
{
    const unsigned char *const p = (const unsigned char *)buf, *end, *q, *uri;
    if (!buf || !out || !used || flags != 0)
        return parse_request_line_general(buf, len, flags, out, used, diag);
    end = p + (len < SIPCODE_MAX_LINE ? len : SIPCODE_MAX_LINE);
    for (q = p; q < end && SCAN_IS(*q, SCAN_TOKEN); q++)
        ;
    if (q == p || q == end || *q != ' ')
        return parse_request_line_general(buf, len, flags, out, used, diag);
    uri = ++q;
#ifdef SIPCODE_HAVE_SSE2
    q = skip16(q, end, stop_uri); /* stops where uri_byte_ok() does, or short of end */
#endif
    while (q < end && uri_byte_ok(*q))
        q++;
    if (end - q < 10 || memcmp(q, " SIP/2.0\r\n", 10) != 0 ||
        !uri_scheme_ok(uri, (size_t)(q - uri)))
        return parse_request_line_general(buf, len, flags, out, used, diag);
    out->method.ptr = buf;
    out->method.len = (size_t)(uri - 1 - p);
    out->uri.ptr = (const char *)uri;
    out->uri.len = (size_t)(q - uri);
    out->version_major = 2;
    out->version_minor = 0;
    *used = (size_t)(q + 10 - p);
    return SIPCODE_OK;
}

static enum sipcode_err parse_request_line_general(const char *buf, size_t len, unsigned flags,
                                                   struct sipcode_request_line *out,
                                                   size_t *used, struct sipcode_diag *diag)
{
    struct scan s;
    struct sipcode_request_line line;
    enum sipcode_err err;
    const char *why = "";
    const unsigned char *start;

    if (!buf || !out || !used)
        return scan_fail(diag, 0, SIPCODE_EINVAL, "NULL argument");
    scan_init(&s, buf, len);

    start = s.at;
    while (scan_more(&s) && SCAN_IS(*s.at, SCAN_TOKEN))
        s.at++;
    if (!scan_more(&s))
        return fail_here(&s, diag, SIPCODE_EINCOMPLETE, "");
    if (s.at == start)
        return fail_here(&s, diag, SIPCODE_EMALFORMED, "method is not a token");
    line.method.ptr = (const char *)start;
    line.method.len = (size_t)(s.at - start);
    if ((err = take_space(&s, flags)) != SIPCODE_OK)
        return fail_here(&s, diag, err, "expected one SP after the method");

    start = s.at;
    while (scan_more(&s) && uri_byte_ok(*s.at)) {
        s.at++;
        if (scan_offset(&s) > SIPCODE_MAX_LINE)
            return fail_here(&s, diag, SIPCODE_ELIMIT, "line longer than the limit");
    }
    if (!scan_more(&s))
        return fail_here(&s, diag, SIPCODE_EINCOMPLETE, "");
    if (!uri_valid(start, (size_t)(s.at - start)))
        return scan_fail(diag, (size_t)(start - s.start), SIPCODE_EMALFORMED,
                         "Request-URI does not start with a scheme and ':'");
    line.uri.ptr = (const char *)start;
    line.uri.len = (size_t)(s.at - start);
    if ((err = take_space(&s, flags)) != SIPCODE_OK)
        return fail_here(&s, diag, err, "Request-URI holds a byte it cannot, or no SP follows");
    if ((err = take_version(&s, flags, &line.version_major, &line.version_minor, &why)) != 0)
        return fail_here(&s, diag, err, why);
    if ((flags & SIPCODE_LENIENT_EXTRA_SPACES))
        while (scan_more(&s) && SCAN_IS(*s.at, SCAN_WS))
            s.at++;
    if ((err = take_line_end(&s, flags)) != SIPCODE_OK)
        return fail_here(&s, diag, err, "expected CRLF at the end of the request line");
    if (scan_offset(&s) > SIPCODE_MAX_LINE)
        return scan_fail(diag, SIPCODE_MAX_LINE, SIPCODE_ELIMIT, "line longer than the limit");

    *out = line;
    *used = scan_offset(&s);
    if (line.version_major != 2 || line.version_minor != 0)
        return scan_fail(diag, (size_t)(line.uri.ptr + line.uri.len + 1 - buf) + 4,
                         SIPCODE_EVERSION, "protocol version is not SIP/2.0");
    return SIPCODE_OK;
}

/* ---- formatters ------------------------------------------------------------ */

/* Checks a phrase for the formatter: what the strict parser accepts. */
static int phrase_valid(const char *p, size_t len)
{
    struct scan s;
    const char *why;
    scan_init(&s, p, len);
    return take_phrase(&s, 0, &why) == SIPCODE_OK && s.at == s.end;
}

/* Copies parts into buf when they fit (plus a NUL when room remains). */
static enum sipcode_err emit(char *buf, size_t cap, size_t *needed, const char *const *parts,
                             const size_t *lens, size_t count)
{
    size_t total = 0, i, at = 0;
    for (i = 0; i < count; i++)
        total += lens[i];
    if (needed)
        *needed = total;
    if (!buf || total > cap)
        return SIPCODE_ENOSPACE;
    for (i = 0; i < count; i++) {
        memcpy(buf + at, parts[i], lens[i]);
        at += lens[i];
    }
    if (at < cap)
        buf[at] = '\0';
    return SIPCODE_OK;
}

enum sipcode_err sipcode_format_status_line(char *buf, size_t cap, int code, const char *reason,
                                            size_t reason_len, size_t *needed)
{
    char digits[3];
    const char *parts[5];
    size_t lens[5];
    if (code < 100 || code > 699)
        return SIPCODE_ERANGE;
    if (!reason) {
        reason = sipcode_phrase(code);
        if (!reason)
            reason = "";
        reason_len = strlen(reason);
    }
    if (!phrase_valid(reason, reason_len))
        return SIPCODE_EMALFORMED;
    digits[0] = (char)('0' + code / 100);
    digits[1] = (char)('0' + code / 10 % 10);
    digits[2] = (char)('0' + code % 10);
    parts[0] = "SIP/2.0 ";
    lens[0] = 8;
    parts[1] = digits;
    lens[1] = 3;
    parts[2] = " ";
    lens[2] = 1;
    parts[3] = reason;
    lens[3] = reason_len;
    parts[4] = "\r\n";
    lens[4] = 2;
    return emit(buf, cap, needed, parts, lens, 5);
}

enum sipcode_err sipcode_format_request_line(char *buf, size_t cap, const char *method,
                                             size_t method_len, const char *uri, size_t uri_len,
                                             size_t *needed)
{
    const char *parts[5];
    size_t lens[5], i;
    if (!method || !uri || method_len == 0)
        return SIPCODE_EMALFORMED;
    for (i = 0; i < method_len; i++)
        if (!SCAN_IS(method[i], SCAN_TOKEN))
            return SIPCODE_EMALFORMED;
    if (!uri_valid((const unsigned char *)uri, uri_len))
        return SIPCODE_EMALFORMED;
    parts[0] = method;
    lens[0] = method_len;
    parts[1] = " ";
    lens[1] = 1;
    parts[2] = uri;
    lens[2] = uri_len;
    parts[3] = " SIP/2.0";
    lens[3] = 8;
    parts[4] = "\r\n";
    lens[4] = 2;
    return emit(buf, cap, needed, parts, lens, 5);
}
