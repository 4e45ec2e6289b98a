/* Message framing (RFC 3261 sections 7 and 18.3): where one SIP message ends
 * in a datagram or a stream buffer, and the header fields that identify it.
 *
 * One pass reads the start line and every header field in byte order and
 * checks each field as soon as the byte after it shows that no folded line
 * continues it. The fields go to an array on the stack and are copied to the
 * caller's only once the whole message is known to be good, so nothing the
 * caller passed is written on error; only a message with more fields than
 * that array holds has the rest found by a second walk, from the first field
 * that did not fit. Every decision needs only bytes already present, and
 * running out of bytes is always EINCOMPLETE: a prefix of a message never
 * gets another answer than EINCOMPLETE or the answer the whole gets. */
#include <string.h>

#include "message.h"

#include "simd.h"

/* Header fields the first pass keeps on the stack for the caller: more than
 * any message in the tests but a few torture ones has (the benchmark's
 * largest has 17). */
#define SCRATCH_FIELDS 32

struct framer {
    const unsigned char *buf; /* start of the input: diag offsets count from here */
    size_t len;
    unsigned flags;
    struct sipcode_diag *diag;
};

static enum sipcode_err fail(const struct framer *f, const unsigned char *at, enum sipcode_err err,
                             const char *why)
{
    return scan_fail(f->diag, (size_t)(at - f->buf), err, why);
}

/* ---- header field values ----------------------------------------------------
 * A value handed to these helpers is complete and trimmed; CR and LF in it
 * can only be folded line ends, which count as white space (RFC 3261 25.1:
 * LWS has the semantics of SP). The helpers read through local pointers
 * (p, e) and may load up to lim, the end of the whole input, in 16-byte
 * steps; what lies between e and lim never changes a result. */

struct val {
    const unsigned char *p, *e; /* the value */
    const unsigned char *lim;   /* end of the input: reads stay below it */
};

/* Byte classes of the value grammars below, one table so that each run of
 * bytes is one load and one test per byte (RFC 3261 25.1). */
enum {
    V_LWS = 1 << 0,   /* SP HTAB CR LF: white space, folds included */
    V_HOST = 1 << 1,  /* hostname and IPv4address bytes: alphanum "-" "." */
    V_GEN = 1 << 2,   /* unquoted gen-value: token ":" "[" "]" */
    V_URI = 1 << 3,   /* inside <>: visible ASCII but '<' '"' '>' */
    V_SPEC = 1 << 4,  /* addr-spec without <>: visible ASCII but '<' '>' '"' ',' '?' ';' */
    V_IP = 1 << 5,    /* IP address bytes: HEXDIG ":" "." */
    V_TOKEN = 1 << 6, /* token */
    V_WORD = 1 << 7   /* word */
};

#define LW V_LWS
#define HX (V_HOST | V_GEN | V_URI | V_SPEC | V_IP | V_TOKEN | V_WORD) /* 0-9 A-F a-f . */
#define AN (V_HOST | V_GEN | V_URI | V_SPEC | V_TOKEN | V_WORD)        /* G-Z g-z - */
#define TK (V_GEN | V_URI | V_SPEC | V_TOKEN | V_WORD)                 /* ! % ' * + _ ` ~ */
#define CO (V_GEN | V_URI | V_SPEC | V_IP | V_WORD)                    /* : */
#define BR (V_GEN | V_URI | V_SPEC | V_WORD)                           /* [ ] */
#define WP (V_URI | V_SPEC | V_WORD)                                   /* ( ) / \ { } */
#define UP (V_URI | V_SPEC)                                            /* # $ & = @ ^ | */
#define QM (V_URI | V_WORD)                                            /* ? */
#define UC V_URI                                                       /* , ; */
#define WQ V_WORD                                                      /* " < > */

static const unsigned char vclass[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, LW, LW, 0, 0, LW, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20 SP ! " # $ % & ' ( ) * + , - . / */
    LW, TK, WQ, UP, UP, TK, UP, TK, WP, WP, TK, TK, UC, AN, HX, WP,
    /* 0x30 0-9 : ; < = > ? */
    HX, HX, HX, HX, HX, HX, HX, HX, HX, HX, CO, UC, WQ, UP, WQ, QM,
    /* 0x40 @ A-O */
    UP, HX, HX, HX, HX, HX, HX, AN, AN, AN, AN, AN, AN, AN, AN, AN,
    /* 0x50 P-Z [ \ ] ^ _ */
    AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, BR, WP, BR, UP, TK,
    /* 0x60 ` a-o */
    TK, HX, HX, HX, HX, HX, HX, AN, AN, AN, AN, AN, AN, AN, AN, AN,
    /* 0x70 p-z { | } ~ DEL */
    AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, AN, WP, UP, WP, TK, 0,
    /* 0x80-0xff: none of these */
};

#undef LW
#undef HX
#undef AN
#undef TK
#undef CO
#undef BR
#undef WP
#undef UP
#undef QM
#undef UC
#undef WQ

#define V_IS(c, cls) ((vclass[(unsigned char)(c)] & (cls)) != 0)

static int is_lws(unsigned char c)
{
    return V_IS(c, V_LWS);
}

/* The first byte in [p, e) that is not of class cls (V_*), or e. */
static inline const unsigned char *span(const unsigned char *p, const unsigned char *e,
                                        unsigned cls)
{
    while (e - p >= 4) {
        if (!V_IS(p[0], cls))
            return p;
        if (!V_IS(p[1], cls))
            return p + 1;
        if (!V_IS(p[2], cls))
            return p + 2;
        if (!V_IS(p[3], cls))
            return p + 3;
        p += 4;
    }
    while (p < e && V_IS(*p, cls))
        p++;
    return p;
}

/* The first byte in [p, e) that is not white space (LWS), or e. */
static inline const unsigned char *skip_lws(const unsigned char *p, const unsigned char *e)
{
    while (p < e && V_IS(*p, V_LWS))
        p++;
    return p;
}

#ifdef SIPCODE_HAVE_SSE2
/* span() for the classes of the longer runs (URIs, host names, Call-IDs),
 * 16 bytes at a time while lim allows: each stop_*() gives a bit for each
 * byte of v outside the class (stop_uri() in simd.h). */
static inline unsigned stop_host(__m128i v)
{
    /* not ALPHA, DIGIT, '-' or '.'. Ranges by signed compares, written
     * as "above" so that no compare needs inverting: v | 0x20 outside
     * 'a'..'z' is (v | 0x20) + 0x1f above -103, v outside '-'..'9' is
     * v + 0x53 above -116; '/' is inside that range but no host byte. */
    const __m128i low = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i no_alpha =
        _mm_cmpgt_epi8(_mm_add_epi8(low, _mm_set1_epi8(0x1f)), opaque(_mm_set1_epi8(-103)));
    const __m128i no_digit = _mm_or_si128(
        _mm_cmpgt_epi8(_mm_add_epi8(v, _mm_set1_epi8(0x53)), opaque(_mm_set1_epi8(-116))),
        _mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
    return (unsigned)_mm_movemask_epi8(_mm_and_si128(no_alpha, no_digit));
}

#define SPAN16(name, stop, cls)                                                                    \
    static inline const unsigned char *name(const unsigned char *p, const unsigned char *e,        \
                                            const unsigned char *lim)                              \
    {                                                                                              \
        while (lim - p >= 16 && p < e) {                                                           \
            unsigned mask = stop(_mm_loadu_si128((const __m128i *)(const void *)p));               \
            if (mask) {                                                                            \
                p += __builtin_ctz(mask);                                                          \
                return p < e ? p : e;                                                              \
            }                                                                                      \
            p += 16;                                                                               \
        }                                                                                          \
        return p < e ? span(p, e, cls) : e;                                                        \
    }
SPAN16(span_uri, stop_uri, V_URI)
SPAN16(span_host, stop_host, V_HOST)
#undef SPAN16
#else
#define span_uri(p, e, lim)  span(p, e, V_URI)
#define span_host(p, e, lim) span(p, e, V_HOST)
#endif

/* span(p, e, V_WORD) for Call-IDs, mostly host bytes (all word bytes): the
 * run of those 16 at a time, then the rest bytewise. */
static inline const unsigned char *span_word(const unsigned char *p, const unsigned char *e,
                                             const unsigned char *lim)
{
#ifdef SIPCODE_HAVE_SSE2
    p = span_host(p, e, lim);
    return p < e && V_IS(*p, V_WORD) ? span(p, e, V_WORD) : p;
#else
    (void)lim;
    return span(p, e, V_WORD);
#endif
}

static struct sipcode_slice slice(const unsigned char *p, size_t n)
{
    struct sipcode_slice s;
    s.ptr = (const char *)p;
    s.len = n;
    return s;
}

/* 1*DIGIT at *pp, before e. The value is never computed past max, so any
 * number of digits is safe: more than max is SIPCODE_ERANGE at the first
 * digit. */
static inline enum sipcode_err take_uint(const struct framer *f, const unsigned char **pp,
                                         const unsigned char *e, unsigned long long max,
                                         unsigned long long *out, const char *why_bad,
                                         const char *why_range)
{
    const unsigned char *const start = *pp, *p = start;
    unsigned long long n = 0;
    /* Every max here is below 2**32, so n * 10 + 9 cannot wrap while n <=
     * max; once n passes max it stays there. */
    while (p < e && (unsigned)(*p - '0') < 10) {
        if (n <= max)
            n = n * 10 + (unsigned)(*p - '0');
        p++;
    }
    if (p == start)
        return fail(f, start, SIPCODE_EMALFORMED, why_bad);
    if (n > max)
        return fail(f, start, SIPCODE_ERANGE, why_range);
    *pp = p;
    *out = n;
    return SIPCODE_OK;
}

/* quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 25.1) with
 * the opening quote at *pp. qdtext takes LWS, so folds are fine; a
 * quoted-pair may escape any byte but CR and LF; other controls must be
 * escaped. *inner is the content, escapes kept; *pp ends past the closing
 * quote. */
static enum sipcode_err take_quoted(const struct framer *f, const unsigned char **pp,
                                    const unsigned char *e, const unsigned char *lim,
                                    struct sipcode_slice *inner, const char *why_open)
{
    const unsigned char *const start = *pp + 1;
    const unsigned char *p = start;
    for (;;) {
        unsigned char c;
#ifdef SIPCODE_HAVE_SSE2
        /* past the bytes the loop below has nothing to say about: all but
         * '"', '\', controls and DEL */
        while (lim - p >= 16 && p < e) {
            const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            unsigned mask;
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
            hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
            mask = (unsigned)_mm_movemask_epi8(hit);
            if (mask) {
                p += __builtin_ctz(mask);
                break;
            }
            p += 16;
        }
        if (p > e)
            p = e;
#else
        (void)lim;
#endif
        if (p == e)
            return fail(f, start - 1, SIPCODE_EMALFORMED, why_open);
        c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (p + 1 == e)
                return fail(f, start - 1, SIPCODE_EMALFORMED, why_open);
            if (p[1] == '\r' || p[1] == '\n')
                return fail(f, p, SIPCODE_EMALFORMED, "quoted-pair escapes a line end");
            p += 2;
            continue;
        }
        if (SCAN_IS(c, SCAN_CTL) && !is_lws(c))
            return fail(f, p, SIPCODE_EMALFORMED, "unescaped control byte in a quoted string");
        p++;
    }
    *inner = slice(start, (size_t)(p - start));
    *pp = p + 1;
    return SIPCODE_OK;
}

struct param {
    struct sipcode_slice name, value;
    int has_value, quoted;
    int token; /* the value is a token (not empty, not quoted) */
};

/* One parameter after its ';' at *pp: SWS token [EQUAL gen-value].
 * gen-value = token / host / quoted-string (RFC 3261 25.1); unquoted, it is
 * a run of token bytes, ':', '[' and ']': host covers IPv6 references, and
 * Via's received takes a bare IPv6 address (RFC 3261 20.42, RFC 5118 4.5). */
static enum sipcode_err take_param_slow(const struct framer *f, const unsigned char **pp,
                                        const unsigned char *e, struct param *prm,
                                        const char *why_name)
{
    const unsigned char *p = skip_lws(*pp, e), *t;
    t = span(p, e, V_TOKEN);
    if (t == p)
        return fail(f, p, SIPCODE_EMALFORMED, why_name);
    prm->name = slice(p, (size_t)(t - p));
    prm->has_value = prm->quoted = prm->token = 0;
    prm->value = slice(NULL, 0);
    p = skip_lws(t, e);
    if (p == e || *p != '=') {
        *pp = t;
        return SIPCODE_OK;
    }
    p = skip_lws(p + 1, e); /* EQUAL = SWS "=" SWS */
    prm->has_value = 1;
    if (p < e && *p == '"') {
        prm->quoted = 1;
        *pp = p;
        return take_quoted(f, pp, e, e, &prm->value, "parameter value: quoted string not closed");
    }
    t = span(p, e, V_TOKEN); /* a token is a gen-value */
    prm->token = t != p;
    if (t < e && V_IS(*t, V_GEN)) {
        prm->token = 0;
        t = span(t, e, V_GEN);
    }
    if (t == p)
        return fail(f, p, SIPCODE_EMALFORMED, "parameter has '=' but no value");
    prm->value = slice(p, (size_t)(t - p));
    *pp = t;
    return SIPCODE_OK;
}

/* take_param(), inline for the usual shape token "=" token with no white
 * space and nothing after the value that a gen-value holds; the rest, with
 * the same result for these too, out of line. lim is the end of the input:
 * reads may go past e up to it, never changing a result. */
static inline enum sipcode_err take_param(const struct framer *f, const unsigned char **pp,
                                          const unsigned char *e, const unsigned char *lim,
                                          struct param *prm, const char *why_name)
{
    const unsigned char *const p = *pp;
    const unsigned char *t, *q;
#ifdef SIPCODE_HAVE_SSE2
    if (lim - p >= 16) {
        /* Names and values are mostly host bytes (letters, digits, '-',
         * '.'), all token bytes: one load finds the name, the '=' and the
         * value's run of them; a token byte after that run goes on bytewise. */
        const unsigned m = stop_host(_mm_loadu_si128((const __m128i *)(const void *)p));
        const unsigned n = m ? (unsigned)__builtin_ctz(m) : 16;
        t = p + n;
        if (n > 0 && n < 16 && t < e && *t == '=') {
            const unsigned rest = (m | 0x10000u) >> n >> 1;
            q = t + 1 + __builtin_ctz(rest);
            if (q == p + 16)
                q = span_host(q, e, lim);
            if (q >= e)
                q = e;
            else if (V_IS(*q, V_TOKEN))
                q = span(q, e, V_TOKEN);
            goto value;
        }
    }
#else
    (void)lim;
#endif
    t = span(p, e, V_TOKEN);
    if (!(t > p && t < e && *t == '='))
        return take_param_slow(f, pp, e, prm, why_name);
    q = span(t + 1, e, V_TOKEN);
#ifdef SIPCODE_HAVE_SSE2
value:
#endif
    if (q > t + 1 && (q == e || !V_IS(*q, V_GEN))) {
        prm->name = slice(p, (size_t)(t - p));
        prm->value = slice(t + 1, (size_t)(q - t - 1));
        prm->has_value = prm->token = 1;
        prm->quoted = 0;
        *pp = q;
        return SIPCODE_OK;
    }
    return take_param_slow(f, pp, e, prm, why_name);
}

static int all_digits(struct sipcode_slice s)
{
    size_t i;
    for (i = 0; i < s.len; i++)
        if (!SCAN_IS(s.ptr[i], SCAN_DIGIT))
            return 0;
    return s.len > 0;
}

/* Whether a parameter name is lit, of lit_len >= 2 lower-case letters, case
 * aside. */
static inline int named(struct sipcode_slice name, const char *lit, size_t lit_len)
{
    return name.len == lit_len &&
           sipcode__same_name((const unsigned char *)name.ptr, (const unsigned char *)lit, lit_len);
}

/* The first value of a Via header field (RFC 3261 20.42, RFC 3581):
 * sent-protocol LWS sent-by *(SEMI via-params), up to the end or a comma. */
static enum sipcode_err parse_via(const struct framer *f, struct val v, struct sipcode_via *via)
{
    const unsigned char *p = v.p, *const e = v.e, *t;
    struct sipcode_via out;
    unsigned long long num;
    enum sipcode_err err;
    int i, have_branch = 0, have_received = 0;

    out.transport = out.host = out.branch = out.received = out.rport = slice(NULL, 0);
    out.port = 0;
    out.has_rport = 0;
    /* sent-protocol = protocol-name SLASH protocol-version SLASH transport,
     * SLASH = SWS "/" SWS: wsinv folds lines inside it. Nearly always
     * "SIP/2.0/", which is two tokens and two slashes. */
    i = 0;
    if (e - p >= 8 && memcmp(p, "SIP/2.0/", 8) == 0) {
        p = skip_lws(p + 8, e);
        i = 2;
    }
    for (;; i++) {
        t = span(p, e, V_TOKEN);
        if (t == p)
            return fail(f, p, SIPCODE_EMALFORMED, "Via sent-protocol part is not a token");
        if (i == 2) {
            out.transport = slice(p, (size_t)(t - p));
            p = t;
            break;
        }
        p = skip_lws(t, e);
        if (p == e || *p != '/')
            return fail(f, p, SIPCODE_EMALFORMED, "expected '/' in the Via sent-protocol");
        p = skip_lws(p + 1, e);
    }
    t = p;
    p = skip_lws(p, e);
    if (p == t || p == e)
        return fail(f, p, SIPCODE_EMALFORMED, "expected white space and sent-by in Via");

    /* sent-by = host [COLON port]; host = hostname / IPv4address /
     * IPv6reference. Only the bytes are checked here, not the full grammar. */
    if (*p == '[') {
        t = ++p;
        p = span(p, e, V_IP);
        if (p == t || p == e || *p != ']')
            return fail(f, t - 1, SIPCODE_EMALFORMED, "Via sent-by IPv6 reference is malformed");
        out.host = slice(t, (size_t)(p - t));
        p++;
    } else {
        t = p;
        p = span_host(p, e, v.lim);
        if (p == t)
            return fail(f, t, SIPCODE_EMALFORMED, "Via sent-by host is malformed");
        out.host = slice(t, (size_t)(p - t));
    }
    t = skip_lws(p, e);
    if (t < e && *t == ':') {
        p = skip_lws(t + 1, e);
        t = p;
        err = take_uint(f, &p, e, 65535, &num, "Via sent-by port is not a number",
                        "Via sent-by port is above 65535");
        if (err != SIPCODE_OK)
            return err;
        if (num == 0)
            return fail(f, t, SIPCODE_ERANGE, "Via sent-by port is 0");
        out.port = (unsigned)num;
    }

    for (;;) {
        struct param prm;
        p = skip_lws(p, e);
        if (p == e || *p == ',')
            break; /* further via-parms of a comma list are not read */
        if (*p != ';')
            return fail(f, p, SIPCODE_EMALFORMED, "unexpected byte in Via after sent-by");
        t = ++p;
        err = take_param(f, &p, e, v.lim, &prm, "Via parameter name is not a token");
        if (err != SIPCODE_OK)
            return err;
        if (named(prm.name, "branch", 6)) {
            if (have_branch++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two branch parameters");
            if (!prm.token)
                return fail(f, t, SIPCODE_EMALFORMED, "Via branch is not a token");
            out.branch = prm.value;
        } else if (named(prm.name, "received", 8)) {
            struct sipcode_slice r = prm.value;
            if (have_received++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two received parameters");
            /* RFC 5118 4.5: brackets are outside the grammar but tolerated;
             * the slice never holds them, like the host. */
            if (r.len >= 2 && r.ptr[0] == '[' && r.ptr[r.len - 1] == ']') {
                r.ptr++;
                r.len -= 2;
            }
            if (prm.quoted || r.len == 0 ||
                span((const unsigned char *)r.ptr, (const unsigned char *)r.ptr + r.len, V_IP) !=
                    (const unsigned char *)r.ptr + r.len)
                return fail(f, t, SIPCODE_EMALFORMED, "Via received is not an IP address");
            out.received = r;
        } else if (named(prm.name, "rport", 5)) {
            /* RFC 3581: response-port = "rport" [EQUAL 1*DIGIT] */
            if (out.has_rport++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two rport parameters");
            if (prm.has_value) {
                const unsigned char *d = (const unsigned char *)prm.value.ptr;
                if (prm.quoted || !all_digits(prm.value))
                    return fail(f, t, SIPCODE_EMALFORMED, "Via rport value is not a number");
                err =
                    take_uint(f, &d, d + prm.value.len, 65535, &num,
                              "Via rport value is not a number", "Via rport value is above 65535");
                if (err != SIPCODE_OK)
                    return err;
                out.rport = prm.value;
            } else {
                out.rport = slice((const unsigned char *)prm.name.ptr + prm.name.len, 0);
            }
        }
    }
    *via = out;
    return SIPCODE_OK;
}

#ifdef SIPCODE_HAVE_SSE2
/* One bit per byte of b[0..64) that is not a host byte, from four 16-byte
 * tests that do not wait for each other. */
static inline uint64_t stops64(const unsigned char *b)
{
    const uint64_t m0 = stop_host(_mm_loadu_si128((const __m128i *)(const void *)b));
    const uint64_t m1 = stop_host(_mm_loadu_si128((const __m128i *)(const void *)(b + 16)));
    const uint64_t m2 = stop_host(_mm_loadu_si128((const __m128i *)(const void *)(b + 32)));
    const uint64_t m3 = stop_host(_mm_loadu_si128((const __m128i *)(const void *)(b + 48)));
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}

/* The bytes of a value that end runs of host bytes, 64 at a time. */
struct runs {
    const unsigned char *b;   /* the block: b[0..64) */
    uint64_t m;               /* stops64(b) */
    const unsigned char *e;   /* end of the value */
    const unsigned char *lim; /* end of the input */
};

/* next_stop() past the block it has: the blocks from p on. */
static const unsigned char *next_stop_far(struct runs *r, const unsigned char *p)
{
    for (;;) {
        uint64_t m;
        if (p >= r->e)
            return r->e;
        if (p - r->b >= 64) {
            if (r->lim - p < 64)
                return NULL;
            r->b = p;
            r->m = stops64(p);
        }
        m = r->m >> (p - r->b);
        if (m) {
            p += __builtin_ctzll(m);
            return p < r->e ? p : r->e;
        }
        p = r->b + 64;
    }
}

/* The first byte at or after p (p >= r->b) that is not a host byte, or e
 * when there is none before e; NULL when that takes a block past lim. */
static inline const unsigned char *next_stop(struct runs *r, const unsigned char *p)
{
    if (p - r->b < 64) {
        const uint64_t m = r->m >> (p - r->b);
        if (m) {
            p += __builtin_ctzll(m);
            return p < r->e ? p : r->e;
        }
    }
    return next_stop_far(r, p);
}

/* The decimal value of the digits [p, e), or -1 when one is not a digit or
 * the value passes max (never computed past it, as take_uint() does). */
static inline long digits_upto(const unsigned char *p, const unsigned char *e, long max)
{
    long n = 0;
    for (; p < e; p++) {
        if ((unsigned)(*p - '0') > 9)
            return -1;
        if (n <= max)
            n = n * 10 + (*p - '0');
    }
    return n > max ? -1 : n;
}

/* parse_via() for the usual top Via: "SIP/2.0/" transport SP host (or an
 * IPv6 reference) [":" port] and parameters "name=value" or "name" with no
 * white space, every part a run of host bytes, up to a comma or the end.
 * Returns 1 with *via set as parse_via() sets it, or 0 to leave the value
 * to parse_via(), which alone decides errors. The value is cut at its
 * separators from bit masks of 64 bytes, so each part costs a few bit
 * operations instead of a scan that must wait for the one before
 * (parse_via() spent about 80 ns a message mostly waiting so). */
static int fast_via(struct val v, struct sipcode_via *via)
{
    const unsigned char *const e = v.e;
    const unsigned char *p, *q;
    struct runs r;
    struct sipcode_via out;
    int have_branch = 0, have_received = 0;
    long n;

    if (e - v.p < 9 || memcmp(v.p, "SIP/2.0/", 8) != 0 || v.lim - (v.p + 8) < 64)
        return 0;
    p = v.p + 8;
    r.b = p;
    r.m = stops64(p);
    r.e = e;
    r.lim = v.lim;
    out.branch = out.received = out.rport = slice(NULL, 0);
    out.port = 0;
    out.has_rport = 0;

    q = next_stop(&r, p);
    if (!q || q == p || q == e || *q != ' ')
        return 0;
    out.transport = slice(p, (size_t)(q - p));
    p = q + 1;
    if (p < e && *p == '[') { /* IPv6 reference: its bytes as parse_via() takes them */
        q = span(p + 1, e, V_IP);
        if (q == p + 1 || q == e || *q != ']')
            return 0;
        out.host = slice(p + 1, (size_t)(q - p - 1));
        q++;
    } else {
        q = next_stop(&r, p);
        if (!q || q == p)
            return 0;
        out.host = slice(p, (size_t)(q - p));
    }
    if (q < e && *q == ':') {
        p = q + 1;
        q = next_stop(&r, p);
        if (!q || q == p || (n = digits_upto(p, q, 65535)) <= 0)
            return 0;
        out.port = (unsigned)n;
    }
    while (q < e && *q == ';') {
        const unsigned char *const name = q + 1, *val = NULL;
        struct sipcode_slice nm;
        q = next_stop(&r, name);
        if (!q || q == name)
            return 0;
        nm = slice(name, (size_t)(q - name));
        if (q < e && *q == '=') {
            val = q + 1;
            q = next_stop(&r, val);
            if (!q || q == val)
                return 0;
        }
        if (q < e && *q != ';' && *q != ',')
            return 0;
        if (named(nm, "branch", 6)) {
            if (!val || have_branch++)
                return 0;
            out.branch = slice(val, (size_t)(q - val));
        } else if (named(nm, "received", 8)) {
            if (!val || have_received++ || span(val, q, V_IP) != q)
                return 0;
            out.received = slice(val, (size_t)(q - val));
        } else if (named(nm, "rport", 5)) {
            if (out.has_rport++)
                return 0;
            if (val) {
                if (digits_upto(val, q, 65535) < 0)
                    return 0;
                out.rport = slice(val, (size_t)(q - val));
            } else {
                out.rport = slice(q, 0);
            }
        }
    }
    if (q < e && *q != ',')
        return 0;
    *via = out;
    return 1;
}
#else
#define fast_via(v, via) 0
#endif

/* Messages for the From and To parsers, so diag names the header. */
struct addr_why {
    const char *empty, *quote, *laquot, *uri, *raquot, *spec, *after, *param, *tag, *dup;
};

static const struct addr_why from_why = {
    "From value is empty",
    "From display name: quoted string not closed",
    "From display name is not followed by '<'",
    "From URI in <> holds white space or a byte it cannot",
    "From has '<' without '>'",
    "From address is not a URI without <> (or the display name is not a token)",
    "unexpected byte after the From address",
    "From parameter name is not a token",
    "From tag is not a token",
    "From has two tag parameters",
};

static const struct addr_why to_why = {
    "To value is empty",
    "To display name: quoted string not closed",
    "To display name is not followed by '<'",
    "To URI in <> holds white space or a byte it cannot",
    "To has '<' without '>'",
    "To address is not a URI without <> (or the display name is not a token)",
    "unexpected byte after the To address",
    "To parameter name is not a token",
    "To tag is not a token",
    "To has two tag parameters",
};

/* From and To (RFC 3261 20.20, 20.39, 20.10): ( name-addr / addr-spec )
 * *( SEMI from-param ). name-addr = [display-name] LAQUOT addr-spec RAQUOT;
 * display-name = *(token LWS) / quoted-string. The URI itself is opaque here;
 * only what separates it from the display name and the parameters is
 * checked, which is what finding the tag needs. A token touching '<' is
 * accepted (RFC 4475 3.1.1.6). */
static enum sipcode_err parse_addr(const struct framer *f, struct val v, const struct addr_why *w,
                                   struct sipcode_slice *tag)
{
    const unsigned char *p = skip_lws(v.p, v.e), *const e = v.e, *start, *t;
    struct sipcode_slice found = slice(NULL, 0), inner;
    enum sipcode_err err;
    int have_tag = 0;

    start = p;
    if (p == e)
        return fail(f, p, SIPCODE_EMALFORMED, w->empty);
    if (*p == '"') {
        err = take_quoted(f, &p, e, v.lim, &inner, w->quote);
        if (err != SIPCODE_OK)
            return err;
        p = skip_lws(p, e);
        if (p == e || *p != '<')
            return fail(f, p, SIPCODE_EMALFORMED, w->laquot);
    } else if (*p != '<') {
        p = span(p, e, V_TOKEN | V_LWS);
        if (p == e || *p != '<')
            p = start; /* no '<': the whole is an addr-spec */
    }
    if (p < e && *p == '<') {
        t = ++p;
        /* visible ASCII up to '>', but '<' and '"' */
        p = span_uri(p, e, v.lim);
        if (p < e && *p != '>')
            return fail(f, p, SIPCODE_EMALFORMED, w->uri);
        if (p == e)
            return fail(f, t - 1, SIPCODE_EMALFORMED, w->raquot);
        if (p == t)
            return fail(f, p, SIPCODE_EMALFORMED, w->uri);
        p++;
    } else {
        /* RFC 3261 20.10: an addr-spec with ',', '?' or ';' must be in <>,
         * so a ';' here starts the parameters. */
        t = p;
        /* visible ASCII up to ';' or white space, but '<' '>' '"' ',' '?' */
        p = span(p, e, V_SPEC);
        if (p < e && *p != ';' && !is_lws(*p))
            return fail(f, p, SIPCODE_EMALFORMED, w->spec);
        if (p == t)
            return fail(f, p, SIPCODE_EMALFORMED, w->spec);
    }
    for (;;) {
        struct param prm;
        p = skip_lws(p, e);
        if (p == e)
            break;
        if (*p != ';')
            return fail(f, p, SIPCODE_EMALFORMED, w->after);
        t = ++p;
        err = take_param(f, &p, e, v.lim, &prm, w->param);
        if (err != SIPCODE_OK)
            return err;
        if (named(prm.name, "tag", 3)) {
            if (have_tag++)
                return fail(f, t, SIPCODE_EMALFORMED, w->dup);
            if (!prm.token)
                return fail(f, t, SIPCODE_EMALFORMED, w->tag);
            found = prm.value;
        }
    }
    *tag = found;
    return SIPCODE_OK;
}

#ifdef SIPCODE_HAVE_SSE2
/* parse_addr() for the usual From and To: an optional quoted display name
 * with no escape and nothing but visible ASCII and SP, SPs, "<" URI ">",
 * and parameters "name=value" or "name" with no white space, every part a
 * run of host bytes. Returns 1 with *tag set as parse_addr() sets it, or 0
 * to leave the value to parse_addr(), which alone decides errors. */
static int fast_addr(struct val v, struct sipcode_slice *tag)
{
    const unsigned char *p = v.p, *q;
    const unsigned char *const e = v.e;
    struct sipcode_slice found = slice(NULL, 0);
    if (p == e || v.lim - p < 64)
        return 0;
    if (*p == '"') {
        /* the first '"', '\\' or byte outside 0x20..0x7e after the quote
         * must be the closing quote */
        const unsigned m = stop_qdtext(_mm_loadu_si128((const __m128i *)(const void *)(p + 1)));
        if (!m)
            return 0;
        q = p + 1 + __builtin_ctz(m);
        if (q >= e || *q != '"')
            return 0;
        p = q + 1;
        while (p < e && *p == ' ')
            p++;
        if (p == e || *p != '<')
            return 0;
    } else if (*p != '<') {
        return 0;
    }
    q = span_uri(p + 1, e, v.lim);
    if (q == e || q == p + 1 || *q != '>')
        return 0;
    p = q + 1;
    if (p < e) {
        /* the parameters, when they end within 16 bytes: the usual
         * ";tag=" and eight or ten hex digits */
        const unsigned char *const b = p;
        unsigned m;
        if (e - p > 16 || v.lim - p < 16)
            return 0;
        m = stop_host(_mm_loadu_si128((const __m128i *)(const void *)p)) | 0x10000u;
        while (p < e) {
            const unsigned char *const name = p + 1, *val = NULL;
            size_t name_len;
            if (*p != ';')
                return 0;
            q = b + __builtin_ctz(m >> (name - b) << (name - b));
            if (q > e)
                q = e;
            if (q == name)
                return 0;
            name_len = (size_t)(q - name);
            if (q < e && *q == '=') {
                val = q + 1;
                q = b + __builtin_ctz(m >> (val - b) << (val - b));
                if (q > e)
                    q = e;
                if (q == val)
                    return 0;
            }
            if (named(slice(name, name_len), "tag", 3)) {
                if (!val || found.ptr)
                    return 0;
                found = slice(val, (size_t)(q - val));
            }
            p = q;
        }
    }
    *tag = found;
    return 1;
}
#else
#define fast_addr(v, tag) 0
#endif

/* callid = word [ "@" word ] (RFC 3261 25.1). */
static enum sipcode_err parse_call_id(const struct framer *f, struct val v)
{
    const unsigned char *p = v.p, *const e = v.e;
    p = span_word(p, e, v.lim);
    if (p == v.p)
        return fail(f, p, SIPCODE_EMALFORMED, "Call-ID is not a word");
    if (p < e && *p == '@') {
        const unsigned char *t = ++p;
        p = span_word(p, e, v.lim);
        if (p == t)
            return fail(f, p, SIPCODE_EMALFORMED, "Call-ID has no word after '@'");
    }
    if (p != e)
        return fail(f, p, SIPCODE_EMALFORMED, "Call-ID holds a byte a word cannot");
    return SIPCODE_OK;
}

/* CSeq = 1*DIGIT LWS Method (RFC 3261 20.16); leading zeros are fine (RFC
 * 4475 3.1.1.1), the number must stay below 2**31 (8.1.1.5). */
static enum sipcode_err parse_cseq(const struct framer *f, struct val v, unsigned long long *num,
                                   struct sipcode_slice *method)
{
    const unsigned char *p = v.p, *const e = v.e, *t;
    enum sipcode_err err = take_uint(f, &p, e, SIPCODE_MAX_CSEQ, num, "CSeq number is not digits",
                                     "CSeq number is above 2**31-1");
    if (err != SIPCODE_OK)
        return err;
    t = p;
    p = skip_lws(p, e);
    if (p == t)
        return fail(f, p, SIPCODE_EMALFORMED, "expected white space after the CSeq number");
    t = span(p, e, V_TOKEN);
    if (t == p)
        return fail(f, p, SIPCODE_EMALFORMED, "CSeq method is not a token");
    *method = slice(p, (size_t)(t - p));
    if (t != e)
        return fail(f, t, SIPCODE_EMALFORMED, "unexpected bytes after the CSeq method");
    return SIPCODE_OK;
}

/* A value that is one number and nothing else (Content-Length, Max-Forwards,
 * Expires). */
static enum sipcode_err parse_number(const struct framer *f, struct val v, unsigned long long max,
                                     unsigned long long *num, const char *why_bad,
                                     const char *why_range)
{
    const unsigned char *p = v.p;
    enum sipcode_err err = take_uint(f, &p, v.e, max, num, why_bad, why_range);
    if (err != SIPCODE_OK)
        return err;
    if (p != v.e)
        return fail(f, p, SIPCODE_EMALFORMED, why_bad);
    return SIPCODE_OK;
}

/* ---- the message ------------------------------------------------------------ */

/* What the first pass learns. */
struct state {
    struct sipcode_message *m; /* the caller's (direct), or one copied to it on success */
    struct sipcode_slice from_value, to_value; /* to compare duplicates */
    unsigned seen;                             /* SEEN_* bits */
    size_t count;                              /* header fields so far */
    const unsigned char *overflow;             /* field SCRATCH_FIELDS, if any */
};

enum {
    SEEN_VIA = 1u << 0,
    SEEN_FROM = 1u << 1,
    SEEN_TO = 1u << 2,
    SEEN_CALL_ID = 1u << 3,
    SEEN_CSEQ = 1u << 4,
    SEEN_MAX_FORWARDS = 1u << 5,
    SEEN_CONTENT_LENGTH = 1u << 6,
    SEEN_EXPIRES = 1u << 7,
    SEEN_RETRY_AFTER = 1u << 8
};

static int same_bytes(struct sipcode_slice a, const unsigned char *p, size_t n)
{
    size_t i;
    if (a.len != n)
        return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)a.ptr[i] != p[i])
            return 0;
    return 1;
}

/* A single-valued numeric field: parse, then a second occurrence must carry
 * the same number (an identical repeat is harmless; a different one leaves
 * the message ambiguous). */
static enum sipcode_err single_number(const struct framer *f, struct state *st, unsigned bit,
                                      struct val v, unsigned long long max, long long *dst,
                                      const char *why_bad, const char *why_range,
                                      const char *why_dup)
{
    unsigned long long num;
    enum sipcode_err err = parse_number(f, v, max, &num, why_bad, why_range);
    if (err != SIPCODE_OK)
        return err;
    if (st->seen & bit) {
        if ((unsigned long long)*dst != num)
            return fail(f, v.p, SIPCODE_EMALFORMED, why_dup);
        return SIPCODE_OK;
    }
    st->seen |= bit;
    *dst = (long long)num;
    return SIPCODE_OK;
}

/* Checks one complete header field and records what the message needs. */
static enum sipcode_err take_field(const struct framer *f, struct state *st,
                                   enum sipcode_header_id id, const unsigned char *value,
                                   size_t value_len)
{
    struct val v;
    enum sipcode_err err;
    struct sipcode_slice tag, method;
    unsigned long long num;
    long long mf;

    v.p = value;
    v.e = value + value_len;
    v.lim = f->buf + f->len;
    switch (id) {
    case SIPCODE_H_VIA:
        if (st->seen & SEEN_VIA)
            return SIPCODE_OK; /* only the top Via is read */
        if (!fast_via(v, &st->m->via)) {
            err = parse_via(f, v, &st->m->via);
            if (err != SIPCODE_OK)
                return err;
        }
        st->seen |= SEEN_VIA;
        st->m->has_via = 1;
        return SIPCODE_OK;
    case SIPCODE_H_FROM:
    case SIPCODE_H_TO: {
        int from = id == SIPCODE_H_FROM;
        unsigned bit = from ? SEEN_FROM : SEEN_TO;
        struct sipcode_slice *seen_value = from ? &st->from_value : &st->to_value;
        if (!fast_addr(v, &tag)) {
            err = parse_addr(f, v, from ? &from_why : &to_why, &tag);
            if (err != SIPCODE_OK)
                return err;
        }
        if (st->seen & bit) {
            if (!same_bytes(*seen_value, value, value_len))
                return fail(f, value, SIPCODE_EMALFORMED,
                            from ? "second From differs from the first"
                                 : "second To differs from the first");
            return SIPCODE_OK;
        }
        st->seen |= bit;
        *seen_value = slice(value, value_len);
        if (from)
            st->m->from_tag = tag;
        else
            st->m->to_tag = tag;
        return SIPCODE_OK;
    }
    case SIPCODE_H_CALL_ID:
        err = parse_call_id(f, v);
        if (err != SIPCODE_OK)
            return err;
        if (st->seen & SEEN_CALL_ID) {
            if (!same_bytes(st->m->call_id, value, value_len))
                return fail(f, value, SIPCODE_EMALFORMED, "second Call-ID differs from the first");
            return SIPCODE_OK;
        }
        st->seen |= SEEN_CALL_ID;
        st->m->call_id = slice(value, value_len);
        return SIPCODE_OK;
    case SIPCODE_H_CSEQ:
        err = parse_cseq(f, v, &num, &method);
        if (err != SIPCODE_OK)
            return err;
        if (st->seen & SEEN_CSEQ) {
            if ((unsigned long long)st->m->cseq != num ||
                !same_bytes(st->m->cseq_method, (const unsigned char *)method.ptr, method.len))
                return fail(f, value, SIPCODE_EMALFORMED, "second CSeq differs from the first");
            return SIPCODE_OK;
        }
        /* RFC 3261 8.1.1.5: the CSeq method MUST match the request's (ACK
         * and CANCEL included); RFC 4475 3.1.2.17 and 3.1.2.18. */
        if (st->m->is_request &&
            !same_bytes(st->m->request.method, (const unsigned char *)method.ptr, method.len))
            return fail(f, (const unsigned char *)method.ptr, SIPCODE_EMALFORMED,
                        "CSeq method differs from the request method");
        st->seen |= SEEN_CSEQ;
        st->m->cseq = (long long)num;
        st->m->cseq_method = method;
        return SIPCODE_OK;
    case SIPCODE_H_MAX_FORWARDS:
        mf = st->m->max_forwards;
        err = single_number(f, st, SEEN_MAX_FORWARDS, v, SIPCODE__MAX_FORWARDS, &mf,
                            "Max-Forwards is not a number", "Max-Forwards is above 255",
                            "second Max-Forwards differs from the first");
        st->m->max_forwards = (long)mf;
        return err;
    case SIPCODE_H_CONTENT_LENGTH:
        /* RFC 3261 18.3 frames by this value; two that disagree leave the
         * body undefined (RFC 4475 3.3.9), and a sign or anything else is
         * never turned into a length (3.1.2.3). */
        return single_number(f, st, SEEN_CONTENT_LENGTH, v, SIPCODE_MAX_CONTENT_LENGTH,
                             &st->m->content_length, "Content-Length is not a number",
                             "Content-Length is above the limit", "Content-Length values disagree");
    case SIPCODE_H_EXPIRES:
        return single_number(f, st, SEEN_EXPIRES, v, SIPCODE__MAX_DELTA_SECONDS, &st->m->expires,
                             "Expires is not delta-seconds", "Expires is above 2**32-1",
                             "second Expires differs from the first");
    case SIPCODE_H_RETRY_AFTER:
        /* Retry-After = delta-seconds [comment] *(SEMI retry-param): only the
         * number is read; what follows must start with LWS, '(' or ';'. */
        err = take_uint(f, &v.p, v.e, SIPCODE__MAX_DELTA_SECONDS, &num,
                        "Retry-After does not start with delta-seconds",
                        "Retry-After is above 2**32-1");
        if (err != SIPCODE_OK)
            return err;
        if (v.p < v.e && !is_lws(*v.p) && *v.p != '(' && *v.p != ';')
            return fail(f, v.p, SIPCODE_EMALFORMED,
                        "Retry-After does not start with delta-seconds");
        if (st->seen & SEEN_RETRY_AFTER) {
            if ((unsigned long long)st->m->retry_after != num)
                return fail(f, value, SIPCODE_EMALFORMED,
                            "second Retry-After differs from the first");
            return SIPCODE_OK;
        }
        st->seen |= SEEN_RETRY_AFTER;
        st->m->retry_after = (long long)num;
        return SIPCODE_OK;
    default:
        return SIPCODE_OK;
    }
}

/* Where one header field lies in the framer's buffer. */
struct field {
    const unsigned char *name, *value;
    size_t name_len, value_len;
    enum sipcode_header_id id;
};

/* Bytes of a header field value that need no look of their own: printable
 * ASCII and HTAB, but for the four that open or close a quoted-string, a
 * comment or a quoted-pair. The rest (CR, LF, other controls, DEL, '"', '(',
 * ')', '\', bytes from 0x80) is handled one by one. A value is mostly such
 * bytes, so skipping runs of them is most of the framer's speed. */
static const unsigned char plain_byte[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20 SP ! " # $ % & ' ( ) * + , - . / */
    1, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1,
    /* 0x30 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x40 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x50 P-Z [ \ ] ^ _ */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    /* 0x60 */ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /* 0x70 p-z { | } ~ DEL */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    /* 0x80-0xff: UTF-8, checked by sipcode__utf8_sequence */
};

#ifdef SIPCODE_HAVE_SSE2
/* One bit per byte of v that skip_plain() stops at (HTAB included). */
static inline unsigned plain_stops(__m128i v)
{
    /* signed compare: 0x00-0x1f and 0x80-0xff are below 0x20 */
    __m128i hit = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xfe)),
                                           _mm_set1_epi8('('))); /* ( ) */
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The first byte in [p, lim) that is not plain_byte, or lim (p itself when
 * p >= lim). Reads nothing at or past lim. With SSE2, 16 bytes at a time
 * while 16 remain, which may also stop at an HTAB (plain, but a byte the
 * SSE2 test does not tell from controls); the caller takes it as any other. */
static const unsigned char *skip_plain(const unsigned char *p, const unsigned char *lim)
{
#ifdef SIPCODE_HAVE_SSE2
    p = skip16(p, lim, plain_stops);
    if (lim - p >= 16)
        return p;
#endif
    while (lim - p >= 4) {
        if (!plain_byte[p[0]])
            return p;
        if (!plain_byte[p[1]])
            return p + 1;
        if (!plain_byte[p[2]])
            return p + 2;
        if (!plain_byte[p[3]])
            return p + 3;
        p += 4;
    }
    while (p < lim && plain_byte[*p])
        p++;
    return p;
}

/* The first byte in [p, lim) outside 0x20..0x7e (SP and visible ASCII),
 * or lim. Reads nothing at or past lim. */
static inline const unsigned char *skip_visible(const unsigned char *p, const unsigned char *lim)
{
#ifdef SIPCODE_HAVE_SSE2
    /* skip16(p, lim, odd_bytes) written out: through skip16() gcc 12 lays
     * out this, the framer's hottest loop, with 0.9% more instructions for
     * 'sipcode stats' on the benchmark capture */
    while (lim - p >= 16) {
        const unsigned mask = odd_bytes(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < lim && (unsigned)(*p - 0x20) < 0x5f)
        p++;
    return p;
}

#ifdef SIPCODE_HAVE_SSE2
/* With odd_bytes(v), the bytes no header field name holds and that may
 * follow one: ':', SP, HTAB, other controls, DEL, bytes from 0x80. */
static inline unsigned name_stops(__m128i v)
{
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
}

/* sipcode__header_id() for a name of 2..15 bytes at the start of v (the 16
 * bytes at p): the same table slot, and one 16-byte compare with the
 * canonical name, case folded where it holds letters (its bit 0x40 moved to
 * 0x20, as in SIPCODE__SAME_NOCASE) and masked to len bytes. */
static inline enum sipcode_header_id header_id16(__m128i v, const unsigned char *p, size_t len)
{
    static const unsigned char care_bytes[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };
    const unsigned id =
        sipcode__header_slot[SIPCODE__HEADER_SLOT(len, p[0] | 0x20u, p[len - 1] | 0x20u)];
    const struct sipcode__header_name *h = &sipcode__header_names[id];
    const __m128i canon = _mm_loadu_si128((const __m128i *)(const void *)h->name);
    const __m128i fold = _mm_and_si128(_mm_srli_epi16(canon, 1), _mm_set1_epi8(0x20));
    const __m128i care = _mm_loadu_si128((const __m128i *)(const void *)(care_bytes + 16 - len));
    const __m128i diff = _mm_xor_si128(_mm_or_si128(v, fold), _mm_or_si128(canon, fold));
    if (h->len != len ||
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(diff, care), _mm_setzero_si128())) != 0xffff)
        return SIPCODE_H_OTHER;
    return (enum sipcode_header_id)id;
}
#endif

/* Reads one header field at pos: name, HCOLON, the value with its folded
 * continuation lines, and the line end; *next is the start of the line after
 * it, which must be present (it tells whether a fold follows). Checks every
 * byte: controls only as quoted-pairs, UTF-8 well-formed, and the field (its
 * continuation lines included, its final line end not) within
 * SIPCODE_MAX_LINE. Bytes are judged in order, so the first fault is the
 * one reported, and a cut input is EINCOMPLETE up to that fault. */
static enum sipcode_err scan_field(const struct framer *f, const unsigned char *pos,
                                   struct field *out, const unsigned char **next)
{
    const unsigned char *const start = pos, *const end = f->buf + f->len;
    /* Bytes at lim or beyond may only be line ends: the limit. */
    const unsigned char *const lim =
        (size_t)(end - start) > SIPCODE_MAX_LINE ? start + SIPCODE_MAX_LINE : end;
    const unsigned char *colon, *last, *vfirst, *vend;
    int in_quote = 0, escaped = 0, depth = 0;

#ifdef SIPCODE_HAVE_SSE2
    /* Most names are well-known and short: look up what lies before the
     * first byte no name holds; a known name is a token, so only the others
     * need the check of their bytes. */
    size_t looked = 0; /* the length of the name looked up, if any */
    out->id = SIPCODE_H_OTHER;
    if (lim - pos >= 16) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)pos);
        const unsigned stops = odd_bytes(v) | name_stops(v);
        if (stops) {
            looked = (size_t)__builtin_ctz(stops);
            if (looked == 1)
                out->id = sipcode__header_id(pos, 1);
            else if (looked > 1)
                out->id = header_id16(v, pos, looked);
            if (out->id != SIPCODE_H_OTHER)
                pos += looked;
        }
    }
    if (out->id == SIPCODE_H_OTHER) {
        pos = span(pos, lim, V_TOKEN);
        if (pos > start && pos < lim && (size_t)(pos - start) != looked)
            out->id = sipcode__header_id(start, (size_t)(pos - start));
    }
#else
    pos = span(pos, lim, V_TOKEN);
    out->id = pos > start && pos < lim ? sipcode__header_id(start, (size_t)(pos - start))
                                       : SIPCODE_H_OTHER;
#endif
    out->name = start;
    out->name_len = (size_t)(pos - start);
    if (pos == start || pos == lim || *pos != ':') {
        /* not "name:" at once: the checks in byte order */
        if (pos == end)
            return SIPCODE_EINCOMPLETE;
        if (SCAN_IS(*pos, SCAN_TOKEN)) /* pos == lim */
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        if (pos == start)
            return fail(f, pos, SIPCODE_EMALFORMED, "header field name is not a token");
        /* HCOLON = *( SP / HTAB ) ":" SWS (RFC 3261 7.3.1, 25.1) */
        while (pos < lim && (*pos == ' ' || *pos == '\t'))
            pos++;
        if (pos == end)
            return SIPCODE_EINCOMPLETE;
        if (*pos == ' ' || *pos == '\t') /* pos == lim */
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        if (*pos != ':')
            return fail(f, pos, SIPCODE_EMALFORMED, "expected ':' after the header field name");
    }
    colon = pos++;

    {
        /* The usual value: visible ASCII and SP up to a CR before lim, then
         * LF and no fold. Whatever quotes, comments or escapes it holds, the
         * loop below accepts it and ends it at that CR (their state only
         * matters for control bytes), so it is found here with one test
         * per byte. Anything else (HTAB, folds, UTF-8, faults, the end of
         * the input or the limit) goes to that loop from the start. */
        const unsigned char *q = skip_visible(pos, lim);
        if (q < lim && end - q >= 3 && q[0] == '\r' && q[1] == '\n' && q[2] != ' ' &&
            q[2] != '\t') {
            last = q;
            pos = q + 2;
            goto trim;
        }
    }

    for (;;) {
        unsigned char c;
        if (!escaped)
            pos = skip_plain(pos, lim);
        if (end - pos >= 3 && pos[0] == '\r' && pos[1] == '\n' && pos[2] != ' ' && pos[2] != '\t') {
            last = pos; /* CRLF and no fold: what the loop below finds, sooner */
            pos += 2;
            break;
        }
        if (pos == end)
            return SIPCODE_EINCOMPLETE;
        c = *pos;
        if (c == '\r' || c == '\n') {
            last = pos;
            if (c == '\r') {
                if (pos + 1 == end)
                    return SIPCODE_EINCOMPLETE;
                if (pos[1] != '\n')
                    return fail(f, pos, SIPCODE_EMALFORMED, "CR not followed by LF");
                pos += 2;
            } else if (f->flags & SIPCODE_LENIENT_BARE_LF) {
                pos++;
            } else {
                return fail(f, pos, SIPCODE_EMALFORMED, "LF without CR");
            }
            if (pos == end)
                return SIPCODE_EINCOMPLETE;
            if (*pos != ' ' && *pos != '\t')
                break; /* the field ends here */
            escaped = 0;
            continue; /* a folded continuation line: LWS */
        }
        if (pos >= lim)
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        if (c >= 0x80) {
            int short_input;
            size_t n = sipcode__utf8_sequence(pos, (size_t)(end - pos), &short_input);
            if (n == 0) {
                if (short_input)
                    return SIPCODE_EINCOMPLETE;
                return fail(f, pos, SIPCODE_EMALFORMED, "header field value is not valid UTF-8");
            }
            escaped = 0;
            pos += n;
            continue;
        }
        if (escaped) {
            escaped = 0; /* quoted-pair: any byte but CR and LF (RFC 3261 25.1) */
        } else if (SCAN_IS(c, SCAN_CTL) && c != '\t') {
            return fail(f, pos, SIPCODE_EMALFORMED, "control byte in a header field value");
        } else if (in_quote) {
            if (c == '\\')
                escaped = 1;
            else if (c == '"')
                in_quote = 0;
        } else if (depth > 0) {
            /* comment = LPAREN *(ctext / quoted-pair / comment) RPAREN */
            if (c == '\\')
                escaped = 1;
            else if (c == '(')
                depth++;
            else if (c == ')')
                depth--;
        } else if (c == '"') {
            in_quote = 1;
        } else if (c == '(') {
            depth = 1;
        }
        pos++;
    }
trim:
    /* The value without the white space and folds around it: what lies
     * between colon and last is checked, and CR and LF in it are folds. */
    vend = last;
    while (vend > colon + 1 && is_lws(vend[-1]))
        vend--;
    vfirst = colon + 1;
    while (vfirst < vend && is_lws(*vfirst))
        vfirst++;
    out->value = vfirst;
    out->value_len = (size_t)(vend - vfirst);
    *next = pos;
    return SIPCODE_OK;
}

/* The usual header field, "Name: value" CRLF: a name that ends within 16
 * bytes at ':', a value of visible ASCII and SP, a line end without a fold,
 * all within SIPCODE_MAX_LINE. Returns 1 with *out and *next set as
 * scan_field() sets them for it, or 0 to leave the field to scan_field(),
 * which alone decides errors. One load serves the name lookup and the
 * start of the value; the rest of the value takes one SSE2 test per 16
 * bytes. */
static inline int fast_field(const unsigned char *pos, const unsigned char *end, struct field *out,
                             const unsigned char **next)
{
#ifdef SIPCODE_HAVE_SSE2
    const unsigned char *colon, *q, *vfirst, *vend;
    __m128i v;
    unsigned odd, stops, looked;
    enum sipcode_header_id id;
    if (end - pos < 16)
        return 0;
    v = _mm_loadu_si128((const __m128i *)(const void *)pos);
    odd = odd_bytes(v);
    stops = odd | name_stops(v);
    looked = stops ? (unsigned)__builtin_ctz(stops) : 0;
    if (looked == 0 || pos[looked] != ':')
        return 0;
    if (looked == 1) {
        id = sipcode__header_id(pos, 1);
    } else {
        id = header_id16(v, pos, looked);
        if (id == SIPCODE_H_OTHER) {
            /* an unknown name: its bytes must be a token */
            if (span(pos, pos + looked, V_TOKEN) != pos + looked)
                return 0;
        }
    }
    if (id == SIPCODE_H_OTHER && looked == 1 && !V_IS(pos[0], V_TOKEN))
        return 0;
    colon = pos + looked;
    odd = odd >> looked >> 1; /* the value's bytes in v */
    q = odd ? colon + 1 + __builtin_ctz(odd) : skip_visible(pos + 16, end);
    if (q - pos >= SIPCODE_MAX_LINE || end - q < 3 || q[0] != '\r' || q[1] != '\n' ||
        q[2] == ' ' || q[2] == '\t')
        return 0;
    /* the value holds no HTAB, CR or LF: SP is its only white space */
    vend = q;
    while (vend > colon + 1 && vend[-1] == ' ')
        vend--;
    vfirst = colon + 1;
    while (vfirst < vend && *vfirst == ' ')
        vfirst++;
    out->name = pos;
    out->name_len = looked;
    out->id = id;
    out->value = vfirst;
    out->value_len = (size_t)(vend - vfirst);
    *next = q + 2;
    return 1;
#else
    (void)pos;
    (void)end;
    (void)out;
    (void)next;
    return 0;
#endif
}

/* Whether the line at pos is the empty line that ends the header section:
 * SIPCODE_OK with *blank and *body set (past its line end), SIPCODE_OK with
 * *blank NULL for any other line, or an error. */
static inline enum sipcode_err empty_line(const struct framer *f, const unsigned char *pos,
                                          const unsigned char **blank, const unsigned char **body)
{
    const unsigned char *const end = f->buf + f->len;
    *blank = NULL;
    if (pos == end)
        return SIPCODE_EINCOMPLETE;
    if (*pos == '\r') {
        if (pos + 1 == end)
            return SIPCODE_EINCOMPLETE;
        if (pos[1] != '\n')
            return fail(f, pos, SIPCODE_EMALFORMED, "CR not followed by LF");
        *blank = pos;
        *body = pos + 2;
    } else if (*pos == '\n') {
        if (!(f->flags & SIPCODE_LENIENT_BARE_LF))
            return fail(f, pos, SIPCODE_EMALFORMED, "LF without CR");
        *blank = pos;
        *body = pos + 1;
    }
    return SIPCODE_OK;
}

/* The ids take_field() reads; the others it lets pass as they are. */
#define TAKEN_FIELDS                                                                               \
    ((uint64_t)1 << SIPCODE_H_VIA | (uint64_t)1 << SIPCODE_H_FROM | (uint64_t)1 << SIPCODE_H_TO |  \
     (uint64_t)1 << SIPCODE_H_CALL_ID | (uint64_t)1 << SIPCODE_H_CSEQ |                            \
     (uint64_t)1 << SIPCODE_H_MAX_FORWARDS | (uint64_t)1 << SIPCODE_H_CONTENT_LENGTH |             \
     (uint64_t)1 << SIPCODE_H_EXPIRES | (uint64_t)1 << SIPCODE_H_RETRY_AFTER)

_Static_assert(SIPCODE_H__COUNT <= 64, "TAKEN_FIELDS holds a bit per id");

/* Walks the header section from pos to the empty line, checks every field
 * and records what the message needs in st. The first keep fields go to
 * scratch; st->overflow is where the next one starts. */
static enum sipcode_err check_headers(const struct framer *f, const unsigned char *pos,
                                      struct state *st, struct sipcode_header *scratch,
                                      size_t keep, size_t cap, const unsigned char **blank,
                                      const unsigned char **body)
{
    const unsigned char *const end = f->buf + f->len;
    size_t n = 0;
    for (;;) {
        struct field fld;
        const unsigned char *next;
        enum sipcode_header_id id;
        enum sipcode_err err;
        if (n == cap || !fast_field(pos, end, &fld, &next)) {
            err = empty_line(f, pos, blank, body);
            if (err != SIPCODE_OK)
                return err;
            if (*blank)
                break;
            if (*pos == ' ' || *pos == '\t')
                return fail(f, pos, SIPCODE_EMALFORMED, "continuation line after the start line");
            if (n == cap)
                return fail(f, pos, SIPCODE_ELIMIT, "more header fields than the caller's array");
            err = scan_field(f, pos, &fld, &next);
            if (err != SIPCODE_OK)
                return err;
        }
        id = fld.id;
        if ((TAKEN_FIELDS >> id) & 1u) {
            err = take_field(f, st, id, fld.value, fld.value_len);
            if (err != SIPCODE_OK)
                return err;
        }
        if (n < keep) {
            scratch[n].name = slice(fld.name, fld.name_len);
            scratch[n].value = slice(fld.value, fld.value_len);
            scratch[n].id = id;
        } else if (n == keep) {
            st->overflow = pos;
        }
        n++;
        pos = next;
    }
    st->count = n;
    return SIPCODE_OK;
}

/* Fills headers[0..room) from the field at pos to the empty line, over
 * bytes check_headers() accepted, so with fewer checks: in those bytes an LF
 * is always a line end, and a CR always comes right before one. *count is
 * the number of fields. */
static enum sipcode_err fill_headers(const struct framer *f, const unsigned char *pos,
                                     struct sipcode_header *headers, size_t room, size_t *count)
{
    const unsigned char *const end = f->buf + f->len;
    const unsigned char *blank, *body;
    size_t n = 0;
    for (;;) {
        const unsigned char *name = pos, *colon, *last, *vfirst, *vend, *lf;
        enum sipcode_err err = empty_line(f, pos, &blank, &body);
        if (err != SIPCODE_OK)
            return err;
        if (blank)
            break;
        if (n == room)
            return SIPCODE_ELIMIT;
        pos = span(pos, end, V_TOKEN);
        colon = pos;
        while (colon < end && (*colon == ' ' || *colon == '\t'))
            colon++;
        if (pos == name || colon == end || *colon != ':')
            return SIPCODE_EMALFORMED;
        headers[n].name = slice(name, (size_t)(pos - name));
        headers[n].id = sipcode_header_id((const char *)name, (size_t)(pos - name));
        pos = colon + 1;
        for (;;) {
            lf = memchr(pos, '\n', (size_t)(end - pos));
            if (!lf || lf + 1 == end)
                return SIPCODE_EMALFORMED;
            last = lf[-1] == '\r' ? lf - 1 : lf;
            pos = lf + 1;
            if (*pos != ' ' && *pos != '\t')
                break;
        }
        vend = last;
        while (vend > colon + 1 && is_lws(vend[-1]))
            vend--;
        vfirst = colon + 1;
        while (vfirst < vend && is_lws(*vfirst))
            vfirst++;
        headers[n].value = slice(vfirst, (size_t)(vend - vfirst));
        n++;
    }
    *count = n;
    return SIPCODE_OK;
}

/* The first control byte but HTAB (DEL included) in [p, lim), or lim. */
static const unsigned char *control_stop(const unsigned char *p, const unsigned char *lim)
{
#ifdef SIPCODE_HAVE_SSE2
    const __m128i top = _mm_set1_epi8(0x1f), tab = _mm_set1_epi8('\t'), del = _mm_set1_epi8(0x7f);
    while (lim - p >= 16) {
        const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_cmpeq_epi8(_mm_min_epu8(v, top), v); /* unsigned v <= 0x1f */
        unsigned mask;
        hit = _mm_andnot_si128(_mm_cmpeq_epi8(v, tab), hit);
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, del));
        mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < lim && !(SCAN_IS(*p, SCAN_CTL) && *p != '\t'))
        p++;
    return p;
}

/* Whether the bytes at p start "SIP/" (any case with VERSION_CASE): 1 yes,
 * 0 no, -1 too few bytes to tell. */
static int starts_sip_slash(const unsigned char *p, size_t avail, unsigned flags)
{
    static const char lit[] = "SIP/";
    size_t i;
    for (i = 0; i < 4; i++) {
        unsigned c;
        if (i == avail)
            return -1;
        c = p[i];
        if ((flags & SIPCODE_LENIENT_VERSION_CASE) && c >= 'a' && c <= 'z')
            c -= 'a' - 'A';
        if (c != (unsigned char)lit[i])
            return 0;
    }
    return 1;
}

/* The pass over the whole message. On OK or EVERSION, st holds the
 * message, scratch the first keep header fields and *end points past the
 * body. */
static enum sipcode_err frame(const struct framer *f, struct state *st,
                              struct sipcode_header *scratch, size_t keep, size_t cap,
                              const unsigned char **end,
                              struct sipcode_diag *version_diag)
{
    const unsigned char *pos = f->buf, *const stop = f->buf + f->len, *blank = NULL, *body = NULL;
    const int stream = (f->flags & SIPCODE_FRAME_STREAM) != 0;
    const unsigned line_flags = f->flags & ~(unsigned)SIPCODE_FRAME_STREAM;
    struct sipcode_diag ld;
    enum sipcode_err err, version_err = SIPCODE_OK;
    size_t used = 0, avail;
    int response;

    /* Line ends before the start line: RFC 3261 7.5 has streams ignore
     * them, RFC 5626 4.4.1 sends CRLF CRLF as a keep-alive; a datagram may
     * carry them too. */
    for (;;) {
        if (pos == stop)
            return stream ? SIPCODE_EINCOMPLETE
                          : fail(f, pos, SIPCODE_ENOTFOUND, "datagram holds no message");
        if (*pos == '\r') {
            if (pos + 1 == stop)
                return SIPCODE_EINCOMPLETE;
            if (pos[1] != '\n')
                return fail(f, pos, SIPCODE_EMALFORMED, "CR not followed by LF");
            pos += 2;
        } else if (*pos == '\n' && (f->flags & SIPCODE_LENIENT_BARE_LF)) {
            pos++;
        } else {
            break;
        }
    }
    avail = (size_t)(stop - pos);

    response =
        avail >= 4 && memcmp(pos, "SIP/", 4) == 0 ? 1 : starts_sip_slash(pos, avail, f->flags);
    if (response < 0)
        return SIPCODE_EINCOMPLETE;
    /* The line parsers get the start line once a control byte (the line end,
     * or one no start line may hold) or more than a line's worth of bytes is
     * there, and never more than that: what they answer then cannot change
     * with more input, so a cut message never gets another error than the
     * whole ("SIP/2.0 020" alone is out of range, "SIP/2.0 0200" is not a
     * three-digit code). */
    {
        size_t room = avail < SIPCODE_MAX_LINE + 2 ? avail : SIPCODE_MAX_LINE + 2;
        const unsigned char *q = control_stop(pos, pos + room);
        if (q == pos + avail)
            return SIPCODE_EINCOMPLETE;
        avail = room;
    }
    ld.offset = 0;
    ld.reason = NULL;
    st->m->is_request = !response;
    if (response)
        err = sipcode_parse_status_line((const char *)pos, avail, line_flags, &st->m->status, &used,
                                        &ld);
    else
        err = sipcode_parse_request_line((const char *)pos, avail, line_flags, &st->m->request,
                                         &used, &ld);
    if (err == SIPCODE_EVERSION) {
        /* RFC 4475 3.1.2.16: frame it anyway, so the caller can answer 505
         * with the right Via, From, To, Call-ID and CSeq. */
        version_err = err;
        version_diag->offset = (size_t)(pos - f->buf) + ld.offset;
        version_diag->reason = ld.reason ? ld.reason : "protocol version is not SIP/2.0";
    } else if (err == SIPCODE_EINCOMPLETE) {
        return err;
    } else if (err != SIPCODE_OK) {
        return scan_fail(f->diag, (size_t)(pos - f->buf) + ld.offset, err,
                         ld.reason ? ld.reason : "start line is malformed");
    }
    pos += used;

    err = check_headers(f, pos, st, scratch, keep, cap, &blank, &body);
    if (err != SIPCODE_OK)
        return err;

    /* RFC 3261 8.1.1 (requests) and 8.2.6.2 (responses copy them): To,
     * From, CSeq, Call-ID and Via are mandatory. Max-Forwards is not
     * demanded, so RFC 2543 requests still frame (RFC 4475 3.4.1). */
    if (!(st->seen & SEEN_VIA))
        return fail(f, blank, SIPCODE_EMALFORMED, "no Via header field");
    if (!(st->seen & SEEN_FROM))
        return fail(f, blank, SIPCODE_EMALFORMED, "no From header field");
    if (!(st->seen & SEEN_TO))
        return fail(f, blank, SIPCODE_EMALFORMED, "no To header field");
    if (!(st->seen & SEEN_CALL_ID))
        return fail(f, blank, SIPCODE_EMALFORMED, "no Call-ID header field");
    if (!(st->seen & SEEN_CSEQ))
        return fail(f, blank, SIPCODE_EMALFORMED, "no CSeq header field");

    /* RFC 3261 18.3: on a stream Content-Length is mandatory; in a datagram
     * its absence means the body is the rest, a larger value is an error and
     * bytes past a smaller one are discarded. */
    if (st->seen & SEEN_CONTENT_LENGTH) {
        size_t cl = (size_t)st->m->content_length;
        if ((size_t)(stop - body) < cl) {
            if (stream)
                return SIPCODE_EINCOMPLETE;
            return fail(f, stop, SIPCODE_EMALFORMED, "datagram ends before Content-Length bytes");
        }
        *end = body + cl;
    } else if (stream) {
        return fail(f, blank, SIPCODE_EMALFORMED, "no Content-Length on a stream");
    } else {
        *end = stop;
    }
    st->m->body = slice(body, (size_t)(*end - body));
    return version_err;
}

/* The state before the first byte: slices empty, numbers -1. Member by
 * member, as copy_message() copies: gcc makes a memset of the whole (or a
 * struct assignment) rep stos / rep movs, whose start-up cost was a tenth
 * of the framer's time (perf on bench/response_bench). Left out, since a
 * message only frames once it has each of Via, From, To, Call-ID and CSeq,
 * whose parsing sets them: via, call_id, from_tag, to_tag, cseq,
 * cseq_method; and from_value, to_value, count and overflow, which are read
 * only once set. */
static void init_state(struct state *st, struct sipcode_message *m)
{
    const struct sipcode_slice none = slice(NULL, 0);
    st->m = m;
    m->is_request = 0;
    m->request.method = m->request.uri = none;
    m->request.version_major = m->request.version_minor = 0;
    m->status.version_major = m->status.version_minor = 0;
    m->status.code = 0;
    m->status.reason = none;
    m->headers = NULL;
    m->header_count = 0;
    m->body = none;
    m->has_via = 0;
    m->content_length = m->expires = m->retry_after = -1;
    m->max_forwards = -1;
    st->seen = 0;
}

/* A new member of struct sipcode_message must be copied here and set above
 * (or on every way to success); this catches most that are not. */
_Static_assert(sizeof(struct sipcode_message) ==
                   offsetof(struct sipcode_message, retry_after) + sizeof(long long),
               "init_state() and copy_message() set every member of struct sipcode_message");

static void copy_message(struct sipcode_message *out, const struct sipcode_message *m)
{
    out->is_request = m->is_request;
    out->request = m->request;
    out->status = m->status;
    out->headers = m->headers;
    out->header_count = m->header_count;
    out->body = m->body;
    out->via = m->via;
    out->has_via = m->has_via;
    out->call_id = m->call_id;
    out->from_tag = m->from_tag;
    out->to_tag = m->to_tag;
    out->cseq_method = m->cseq_method;
    out->cseq = m->cseq;
    out->max_forwards = m->max_forwards;
    out->content_length = m->content_length;
    out->expires = m->expires;
    out->retry_after = m->retry_after;
}

/* sipcode_parse_message(), and with direct the fields go straight to
 * headers and the message to out, which an error may then leave half
 * written. */
static enum sipcode_err parse_message(const char *buf, size_t len, unsigned flags,
                                      struct sipcode_header *headers, size_t cap,
                                      struct sipcode_message *out, size_t *used,
                                      struct sipcode_diag *diag, int direct)
{
    static const unsigned char nothing[1] = {0};
    struct framer f;
    struct state st;
    struct sipcode_diag version_diag;
    struct sipcode_header scratch[SCRATCH_FIELDS];
    struct sipcode_message copy;
    const unsigned char *end = NULL;
    enum sipcode_err err, err2;
    size_t count, kept, i;

    if (!out || !used || (!buf && len) || (!headers && cap))
        return scan_fail(diag, 0, SIPCODE_EINVAL, "NULL argument");
    f.buf = buf ? (const unsigned char *)buf : nothing;
    f.len = len;
    f.flags = flags;
    f.diag = diag;

    init_state(&st, direct ? out : &copy);

    err = frame(&f, &st, direct ? headers : scratch, direct ? cap : SCRATCH_FIELDS, cap, &end,
                &version_diag);
    if (err == SIPCODE_EINCOMPLETE) {
        if (flags & SIPCODE_FRAME_STREAM)
            return scan_fail(diag, len, err, "input ends before the message does");
        /* A datagram is all there will be (RFC 3261 18.3). */
        return scan_fail(diag, len, SIPCODE_EMALFORMED, "datagram ends before the message does");
    }
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION)
        return err;

    /* The message is good: the caller's array gets the fields. */
    kept = direct ? st.count : st.count < SCRATCH_FIELDS ? st.count : SCRATCH_FIELDS;
    for (i = 0; !direct && i < kept; i++) {
        headers[i].name = scratch[i].name;
        headers[i].value = scratch[i].value;
        headers[i].id = scratch[i].id;
    }
    if (st.count > kept) {
        /* The fields that did not fit, over bytes the first pass checked. */
        err2 = fill_headers(&f, st.overflow, headers + kept, cap - kept, &count);
        if (err2 != SIPCODE_OK || count != st.count - kept)
            return scan_fail(diag, 0, SIPCODE_EMALFORMED, "header section changed between passes");
    }
    st.m->headers = headers;
    st.m->header_count = st.count;
    if (!direct)
        copy_message(out, st.m);
    *used = (size_t)(end - f.buf);
    if (err == SIPCODE_EVERSION && diag)
        *diag = version_diag;
    return err;
}

enum sipcode_err sipcode_parse_message(const char *buf, size_t len, unsigned flags,
                                       struct sipcode_header *headers, size_t cap,
                                       struct sipcode_message *out, size_t *used,
                                       struct sipcode_diag *diag)
{
    return parse_message(buf, len, flags, headers, cap, out, used, diag, 0);
}

enum sipcode_err sipcode__parse_message_direct(const char *buf, size_t len, unsigned flags,
                                               struct sipcode_header *headers, size_t cap,
                                               struct sipcode_message *out, size_t *used,
                                               struct sipcode_diag *diag)
{
    return parse_message(buf, len, flags, headers, cap, out, used, diag, 1);
}
