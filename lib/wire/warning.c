/* The Warning header field (RFC 3261 sections 20.43 and 25.1): parser,
 * formatter, and lookups over the generated warn-code table. */
#include <string.h>

#include "field.h"
#include "warn_data.h"

/* warn-agent = hostport / pseudonym (RFC 3261 25.1) at p[0..avail): returns
 * its length, 0 with *why when the bytes there are none, and ERANGE through
 * *range when the port is above 65535. pseudonym is a token, and every
 * hostname and IPv4address is a token too, so a token is an agent; only a
 * port (":" 1*DIGIT) requires what precedes it to be a real host. */
static size_t agent_span(const unsigned char *p, size_t avail, int *range, const char **why)
{
    size_t n, i;
    unsigned long port = 0;
    struct scan t;
    *range = 0;
    if (avail > 0 && p[0] == '[') {
        n = sipcode__ipv6_reference_len(p, avail);
        if (!n) {
            *why = "warn-agent is not a valid IPv6 reference";
            return 0;
        }
    } else {
        t.start = t.at = p;
        t.end = p + avail;
        n = sipcode__token_len(&t);
        if (!n) {
            *why = "warn-agent is not a host or token";
            return 0;
        }
        if (n == avail || p[n] != ':')
            return n;
        if (!sipcode__is_hostname(p, n) && !sipcode__is_ipv4(p, n)) {
            *why = "warn-agent with a port is not a hostname or IPv4 address";
            return 0;
        }
    }
    if (n == avail || p[n] != ':')
        return n;
    for (i = n + 1; i < avail && SCAN_IS(p[i], SCAN_DIGIT); i++) {
        port = port * 10 + (unsigned long)(p[i] - '0');
        if (port > 65535)
            port = 65536; /* saturate: a run of digits never overflows */
    }
    if (i == n + 1) {
        *why = "warn-agent port is not 1*DIGIT";
        return 0;
    }
    if (port > 65535) {
        *range = 1;
        *why = "warn-agent port is above 65535";
        return 0;
    }
    return i;
}

/* warning-value = warn-code SP warn-agent SP warn-text at s. */
static enum sipcode_err take_value(struct scan *s, struct sipcode_warning *w,
                                   struct sipcode_diag *diag)
{
    const char *why = "";
    size_t digits = 0, n;
    int code = 0, range;
    enum sipcode_err err;

    if (!scan_more(s))
        return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED, "empty Warning value");
    /* warn-code = 3DIGIT: count the run first, so "1812" (RFC 4475
     * scalarlg) is refused without being computed. */
    while (s->at + digits < s->end && SCAN_IS(s->at[digits], SCAN_DIGIT) && digits < 4)
        digits++;
    if (digits != 3)
        return scan_fail(diag, scan_offset(s) + (digits > 3 ? 3 : digits), SIPCODE_EMALFORMED,
                         "warn-code is not three digits");
    code = (s->at[0] - '0') * 100 + (s->at[1] - '0') * 10 + (s->at[2] - '0');
    if (code < 100)
        return scan_fail(diag, scan_offset(s), SIPCODE_ERANGE,
                         "warn-code starts with 0: no registry has codes below 100");
    s->at += 3;
    if (!scan_more(s) || *s->at != ' ')
        return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED,
                         "expected one SP after the warn-code");
    s->at++;

    n = agent_span(s->at, (size_t)(s->end - s->at), &range, &why);
    if (!n)
        return scan_fail(diag, scan_offset(s), range ? SIPCODE_ERANGE : SIPCODE_EMALFORMED, why);
    w->agent.ptr = (const char *)s->at;
    w->agent.len = n;
    s->at += n;
    if (!scan_more(s) || *s->at != ' ')
        return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED,
                         "expected one SP after the warn-agent");
    s->at++;
    /* warn-text = quoted-string, which itself starts with SWS */
    sipcode__skip_sws(s);
    if (!scan_more(s) || *s->at != '"')
        return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED,
                         "warn-text is not a quoted-string");
    if ((err = sipcode__take_quoted(s, &w->text, &why)) != SIPCODE_OK)
        return scan_fail(diag, scan_offset(s), err, why);
    w->code = code;
    return SIPCODE_OK;
}

/* Adapts take_value to the shared list walker's item signature. */
static enum sipcode_err take_item(struct scan *s, void *item, struct sipcode_diag *diag)
{
    return take_value(s, (struct sipcode_warning *)item, diag);
}

enum sipcode_err sipcode_parse_warning(const char *buf, size_t len, struct sipcode_warning *out,
                                       size_t cap, size_t *count, struct sipcode_diag *diag)
{
    struct sipcode_warning scratch;
    return sipcode__parse_list(buf, len, take_item, &scratch, out, sizeof *out, cap, count, diag,
                               "expected ',' or the end after a Warning value",
                               "more Warning values than the array holds");
}

enum sipcode_err sipcode_format_warning(char *buf, size_t cap, int code, const char *agent,
                                        size_t agent_len, const char *text, size_t text_len,
                                        size_t *needed)
{
    const char *why = "";
    size_t quoted = 0, total, o;
    int range = 0;
    enum sipcode_err err;
    if (!agent || (!text && text_len > 0) || (!buf && cap > 0))
        return SIPCODE_EINVAL;
    if (code < 100 || code > 999)
        return SIPCODE_ERANGE;
    if (agent_len == 0 ||
        agent_span((const unsigned char *)agent, agent_len, &range, &why) != agent_len)
        return range ? SIPCODE_ERANGE : SIPCODE_EMALFORMED;
    if ((err = sipcode__quote_size(text, text_len, &quoted)) != SIPCODE_OK)
        return err;
    if (quoted > (size_t)-1 - agent_len - 8)
        return SIPCODE_EINVAL;              /* cannot be sized */
    total = 4 + agent_len + 2 + quoted + 1; /* "307 " agent " \"" text "\"" */
    if (needed)
        *needed = total;
    if (cap < total)
        return SIPCODE_ENOSPACE;
    buf[0] = (char)('0' + code / 100);
    buf[1] = (char)('0' + code / 10 % 10);
    buf[2] = (char)('0' + code % 10);
    buf[3] = ' ';
    memcpy(buf + 4, agent, agent_len);
    o = 4 + agent_len;
    buf[o++] = ' ';
    buf[o++] = '"';
    o += sipcode__quote_put(buf + o, text, text_len);
    buf[o++] = '"';
    if (cap > o)
        buf[o] = '\0';
    return SIPCODE_OK;
}

/* ---- the warn-code registry ------------------------------------------------ */

const struct sipcode_warn_info *sipcode_warn_lookup(int code)
{
    /* binary search: the generator writes the table sorted by code */
    size_t lo = 0, hi = sipcode__warn_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sipcode__warn_table[mid].code == code)
            return &sipcode__warn_table[mid];
        if (sipcode__warn_table[mid].code < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t sipcode_warn_count(void)
{
    return sipcode__warn_count;
}

const struct sipcode_warn_info *sipcode_warn_at(size_t i)
{
    return i < sipcode__warn_count ? &sipcode__warn_table[i] : NULL;
}
