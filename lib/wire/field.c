/* Pieces of header field values (RFC 3261 25.1): white space, tokens,
 * quoted-strings, hosts; and the quoting formatters need. */
#include <string.h>

#include "field.h"
#include "simd.h"

void sipcode__skip_sws(struct scan *s)
{
    const unsigned char *p = s->at;
    while (p < s->end && SCAN_IS(*p, SCAN_WS))
        p++;
    /* One fold: CRLF counts as white space only with SP/HTAB after it. */
    if (s->end - p >= 3 && p[0] == '\r' && p[1] == '\n' && SCAN_IS(p[2], SCAN_WS)) {
        p += 3;
        while (p < s->end && SCAN_IS(*p, SCAN_WS))
            p++;
    }
    s->at = p;
}

size_t sipcode__token_len(const struct scan *s)
{
    const unsigned char *p = s->at;
    while (p < s->end && SCAN_IS(*p, SCAN_TOKEN))
        p++;
    return (size_t)(p - s->at);
}

enum sipcode_err sipcode__take_quoted(struct scan *s, struct sipcode_slice *inner, const char **why)
{
    const unsigned char *start = s->at + 1;
    s->at++; /* the opening DQUOTE */
    while (s->at < s->end) {
        unsigned char c;
#ifdef SIPCODE_HAVE_SSE2
        s->at = skip16(s->at, s->end, stop_qdtext);
        if (s->at == s->end)
            break;
#endif
        c = *s->at;
        if (c == '"') {
            inner->ptr = (const char *)start;
            inner->len = (size_t)(s->at - start);
            s->at++;
            return SIPCODE_OK;
        }
        if (c == '\\') {
            /* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): raw NUL, BEL or
             * DEL may be escaped (RFC 4475 3.1.1.2), CR, LF and non-ASCII not. */
            if (s->end - s->at < 2)
                break;
            c = s->at[1];
            if (c > 0x7f || c == '\r' || c == '\n') {
                *why = "backslash in a quoted-string escapes CR, LF or a non-ASCII byte";
                return SIPCODE_EMALFORMED;
            }
            s->at += 2;
        } else if (c == '\r' || c == '\n') {
            /* qdtext = LWS / ...: a line end inside quotes only as a fold */
            if (s->end - s->at >= 3 && c == '\r' && s->at[1] == '\n' &&
                SCAN_IS(s->at[2], SCAN_WS)) {
                s->at += 3;
                continue;
            }
            *why = "CR or LF in a quoted-string that is not a folded line";
            return SIPCODE_EMALFORMED;
        } else if (c >= 0x80) {
            int short_input;
            size_t n = sipcode__utf8_sequence(s->at, (size_t)(s->end - s->at), &short_input);
            if (!n) {
                *why = "quoted-string is not valid UTF-8";
                return SIPCODE_EMALFORMED;
            }
            s->at += n;
        } else if (SCAN_IS(c, SCAN_CTL) && c != '\t') {
            /* qdtext leaves out the controls (HTAB is LWS) and DEL */
            *why = "control byte in a quoted-string";
            return SIPCODE_EMALFORMED;
        } else {
            s->at++;
        }
    }
    s->at = s->end;
    *why = "quoted-string has no closing quote";
    return SIPCODE_EMALFORMED;
}

/* 1..4 hex digits at p[0..n); returns how many (up to 5, to flag too many). */
static size_t hex_run(const unsigned char *p, size_t n)
{
    size_t k = 0;
    while (k < n && k < 5 && SCAN_IS(p[k], SCAN_HEX))
        k++;
    return k;
}

static int is_ipv6_address(const unsigned char *p, size_t n)
{
    size_t i = 0;
    int groups = 0, compressed = 0;
    if (n >= 2 && p[0] == ':' && p[1] == ':') {
        compressed = 1;
        i = 2;
        if (i == n)
            return 1; /* "::" */
    }
    for (;;) {
        size_t k = hex_run(p + i, n - i);
        if (k == 0)
            return 0; /* ":::", a lone leading ':' or a trailing ':' */
        if (i + k < n && p[i + k] == '.') {
            /* ls32 as a dotted IPv4 address: the last 32 bits */
            if (!sipcode__is_ipv4(p + i, n - i))
                return 0;
            groups += 2;
            break;
        }
        if (k > 4)
            return 0;
        groups++;
        i += k;
        if (i == n)
            break;
        if (p[i] != ':')
            return 0;
        i++;
        if (i < n && p[i] == ':') {
            if (compressed)
                return 0; /* "::" only once */
            compressed = 1;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return 0;
        }
    }
    /* "::" stands for at least one group of zeros */
    return compressed ? groups <= 7 : groups == 8;
}

size_t sipcode__ipv6_reference_len(const unsigned char *p, size_t avail)
{
    size_t close;
    if (avail < 4 || p[0] != '[')
        return 0;
    for (close = 1; close < avail && p[close] != ']'; close++)
        if (!SCAN_IS(p[close], SCAN_HEX) && p[close] != ':' && p[close] != '.')
            return 0;
    if (close == avail || !is_ipv6_address(p + 1, close - 1))
        return 0;
    return close + 1;
}

int sipcode__is_ipv4(const unsigned char *p, size_t n)
{
    size_t i = 0;
    int part;
    for (part = 0; part < 4; part++) {
        unsigned value = 0;
        size_t digits = 0;
        if (part > 0) {
            if (i == n || p[i] != '.')
                return 0;
            i++;
        }
        while (i < n && SCAN_IS(p[i], SCAN_DIGIT) && digits < 4) {
            value = value * 10 + (unsigned)(p[i++] - '0');
            digits++;
        }
        /* RFC 3261 25.1: 1*3DIGIT; beyond 255 is no address at all */
        if (digits == 0 || digits > 3 || value > 255)
            return 0;
    }
    return i == n;
}

int sipcode__is_hostname(const unsigned char *p, size_t n)
{
    size_t i = 0, label_start = 0;
    if (n == 0)
        return 0;
    if (p[n - 1] == '.')
        n--; /* hostname = *( domainlabel "." ) toplabel [ "." ] */
    if (n == 0)
        return 0;
    for (i = 0; i <= n; i++) {
        if (i == n || p[i] == '.') {
            size_t len = i - label_start;
            if (len == 0 || !SCAN_IS(p[label_start], SCAN_ALNUM) || !SCAN_IS(p[i - 1], SCAN_ALNUM))
                return 0;
            if (i == n && SCAN_IS(p[label_start], SCAN_DIGIT))
                return 0; /* toplabel starts with ALPHA */
            label_start = i + 1;
        } else if (!SCAN_IS(p[i], SCAN_ALNUM) && p[i] != '-') {
            return 0;
        }
    }
    return 1;
}

enum sipcode_err sipcode__quote_size(const char *text, size_t len, size_t *size)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0, total = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t n = 1;
        if (c >= 0x80) {
            int short_input;
            n = sipcode__utf8_sequence(p + i, len - i, &short_input);
            if (!n)
                return SIPCODE_EMALFORMED;
        } else if (SCAN_IS(c, SCAN_CTL) && c != '\t') {
            /* CR and LF cannot be written at all; the other controls could
             * be quoted-pairs, but no one wants them in a human's text */
            return SIPCODE_EMALFORMED;
        } else if (c == '"' || c == '\\') {
            total++;
        }
        total += n;
        i += n;
    }
    *size = total;
    return SIPCODE_OK;
}

size_t sipcode__quote_put(char *dst, const char *text, size_t len)
{
    size_t i, o = 0;
    for (i = 0; i < len; i++) {
        if (text[i] == '"' || text[i] == '\\')
            dst[o++] = '\\';
        dst[o++] = text[i];
    }
    return o;
}

/* The bytes of items the validating walk keeps, so that only a longer list
 * is walked a second time (five struct sipcode_reason on x86-64, where one
 * or two is the rule). */
#define LIST_KEEP_BYTES 512

/* One walk over the list; items go to out[0..cap) only when out is not
 * NULL. */
static enum sipcode_err walk_list(const char *buf, size_t len, sipcode__take_item_fn take_item,
                                  void *scratch, unsigned char *out, size_t item_size, size_t cap,
                                  size_t *count, struct sipcode_diag *diag, const char *after_item)
{
    struct scan s;
    size_t n = 0;
    scan_init(&s, buf, len);
    sipcode__skip_sws(&s);
    for (;;) {
        enum sipcode_err err = take_item(&s, scratch, diag);
        if (err != SIPCODE_OK)
            return err;
        if (out && n < cap)
            memcpy(out + n * item_size, scratch, item_size);
        n++;
        sipcode__skip_sws(&s); /* an item may end in SWS too */
        if (!scan_more(&s))
            break;
        if (*s.at != ',')
            return scan_fail(diag, scan_offset(&s), SIPCODE_EMALFORMED, after_item);
        s.at++;
        sipcode__skip_sws(&s);
    }
    *count = n;
    return SIPCODE_OK;
}

enum sipcode_err sipcode__parse_list(const char *buf, size_t len, sipcode__take_item_fn take_item,
                                     void *scratch, void *out, size_t item_size, size_t cap,
                                     size_t *count, struct sipcode_diag *diag,
                                     const char *after_item, const char *too_many)
{
    unsigned char kept[LIST_KEEP_BYTES]; /* items only pass through memcpy */
    /* nothing to keep when nothing is filled */
    const size_t keep = out && cap > 0 && item_size ? LIST_KEEP_BYTES / item_size : 0;
    size_t n = 0;
    enum sipcode_err err;
    if (!buf || !count || (!out && cap > 0))
        return scan_fail(diag, 0, SIPCODE_EINVAL, "NULL argument");
    /* Validate first, then fill: out is never left half-written. What the
     * validating walk kept is copied; only a list longer than that is
     * walked again to fill out. */
    err = walk_list(buf, len, take_item, scratch, kept, item_size, keep, &n, diag, after_item);
    if (err != SIPCODE_OK)
        return err;
    if (out && cap > 0) {
        if (n <= keep)
            memcpy(out, kept, (n < cap ? n : cap) * item_size);
        else
            walk_list(buf, len, take_item, scratch, out, item_size, cap, &n, NULL, after_item);
    }
    *count = n;
    if (n > cap)
        return scan_fail(diag, len, SIPCODE_ELIMIT, too_many);
    return SIPCODE_OK;
}
