/* The Reason header field (RFC 3326 section 2, RFC 6432 for responses, RFC
 * 8606 for the location parameter): parser, formatter and unquoting. */
#include <string.h>

#include "field.h"

/* The IANA "Reason Protocols" registry in enum order; index 0 is UNKNOWN. */
static const char *const protocol_names[] = {
    NULL,       "SIP",           "Q.850",         "Preemption", "EMM",       "ESM",
    "S1AP-RNL", "S1AP-TL",       "S1AP-NAS",      "S1AP-MISC",  "S1AP-PROT", "DIAMETER",
    "IKEV2",    "RELEASE_CAUSE", "FAILURE_CAUSE", "STIR",       "5GMM",      "5GSM",
    "NGAP-RNL", "NGAP-TL",       "NGAP-NAS",      "NGAP-MISC",  "NGAP-PROT",
};

#define PROTOCOL_COUNT (sizeof protocol_names / sizeof *protocol_names)

const char *sipcode_reason_protocol_name(enum sipcode_reason_protocol id)
{
    if ((unsigned)id == 0 || (unsigned)id >= PROTOCOL_COUNT)
        return NULL;
    return protocol_names[id];
}

/* Protocol tokens compare case-insensitively (RFC 3261 7.3.1: tokens are
 * case-insensitive unless their definition says otherwise). */
static enum sipcode_reason_protocol protocol_id(const char *p, size_t n)
{
    size_t i;
    if (n == 0)
        return SIPCODE_REASON_UNKNOWN;
    /* the first byte, folded, rules out most names before a full compare */
    for (i = 1; i < PROTOCOL_COUNT; i++)
        if (((unsigned char)p[0] | 0x20u) == ((unsigned char)protocol_names[i][0] | 0x20u) &&
            sipcode__equal_nocase(p, n, protocol_names[i]))
            return (enum sipcode_reason_protocol)i;
    return SIPCODE_REASON_UNKNOWN;
}

static const struct sipcode_slice no_slice = {NULL, 0};

/* One parameter's value as written: a token, an IPv6reference or a
 * quoted-string (gen-value, RFC 3261 25.1; host's other forms are tokens). */
struct param_value {
    int present, quoted;
    struct sipcode_slice raw; /* a token or reference; the content when quoted */
};

static enum sipcode_err take_param_value(struct scan *s, struct param_value *v, const char **why)
{
    size_t n;
    v->present = 1;
    v->quoted = 0;
    if (scan_more(s) && *s->at == '"') {
        v->quoted = 1;
        return sipcode__take_quoted(s, &v->raw, why);
    }
    if (scan_more(s) && *s->at == '[')
        n = sipcode__ipv6_reference_len(s->at, (size_t)(s->end - s->at));
    else
        n = sipcode__token_len(s);
    if (n == 0) {
        *why = "parameter value is not a token, IPv6 reference or quoted-string";
        return SIPCODE_EMALFORMED;
    }
    v->raw.ptr = (const char *)s->at;
    v->raw.len = n;
    s->at += n;
    return SIPCODE_OK;
}

/* cause = 1*DIGIT. The grammar sets no bound; SIPCODE_MAX_REASON_CAUSE does,
 * so the value is range-checked digit by digit and never overflows. */
static enum sipcode_err cause_value(const struct param_value *v, long *cause, size_t *bad,
                                    const char **why)
{
    unsigned long value = 0;
    size_t i;
    *bad = 0;
    if (!v->present || v->quoted || v->raw.len == 0) {
        *why = "cause is not 1*DIGIT";
        return SIPCODE_EMALFORMED;
    }
    for (i = 0; i < v->raw.len; i++) {
        if (!SCAN_IS(v->raw.ptr[i], SCAN_DIGIT)) {
            *bad = i;
            *why = "cause is not 1*DIGIT";
            return SIPCODE_EMALFORMED;
        }
    }
    for (i = 0; i < v->raw.len; i++) {
        value = value * 10 + (unsigned long)(v->raw.ptr[i] - '0');
        if (value > SIPCODE_MAX_REASON_CAUSE) {
            *why = "cause is larger than SIPCODE_MAX_REASON_CAUSE";
            return SIPCODE_ERANGE;
        }
    }
    *cause = (long)value;
    return SIPCODE_OK;
}

/* reason-value = protocol *(SEMI reason-params) at s (after any SWS). */
static enum sipcode_err take_value(struct scan *s, struct sipcode_reason *r,
                                   struct sipcode_diag *diag)
{
    const unsigned char *last_end;
    const char *why = "";
    enum sipcode_err err;
    size_t n = sipcode__token_len(s);
    int has_cause = 0;

    if (n == 0)
        return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED,
                         scan_more(s) ? "Reason value does not start with a protocol token"
                                      : "empty Reason value");
    r->protocol.ptr = (const char *)s->at;
    r->protocol.len = n;
    r->id = protocol_id(r->protocol.ptr, n);
    r->cause = -1;
    r->text = no_slice;
    r->has_text = 0;
    r->location = no_slice;
    r->params = no_slice;
    s->at += n;
    last_end = s->at;

    for (;;) {
        const unsigned char *name_at, *value_at;
        struct param_value v = {0, 0, {NULL, 0}};
        size_t name_len;

        /* SEMI = SWS ";" SWS; white space not followed by ';' belongs to
         * what comes after the value (a COMMA or the end). */
        sipcode__skip_sws(s);
        if (!scan_more(s) || *s->at != ';') {
            s->at = last_end;
            break;
        }
        if (!r->params.ptr)
            r->params.ptr = (const char *)s->at;
        s->at++;
        sipcode__skip_sws(s);
        name_at = s->at;
        name_len = sipcode__token_len(s);
        if (name_len == 0)
            return scan_fail(diag, scan_offset(s), SIPCODE_EMALFORMED,
                             "Reason parameter name is not a token");
        s->at += name_len;
        last_end = s->at;

        /* EQUAL = SWS "=" SWS, then gen-value; without '=' a bare name */
        sipcode__skip_sws(s);
        if (scan_more(s) && *s->at == '=') {
            s->at++;
            sipcode__skip_sws(s);
            value_at = s->at;
            if ((err = take_param_value(s, &v, &why)) != SIPCODE_OK)
                return scan_fail(diag, scan_offset(s), err, why);
            last_end = s->at;
        } else {
            value_at = s->at = last_end;
        }

        /* RFC 3261 7.3.1: a parameter name appears at most once; for the
         * three the struct reports, a repeat would make the value ambiguous. */
        if (name_len == 5 && sipcode__equal_nocase((const char *)name_at, name_len, "cause")) {
            size_t bad;
            if (has_cause)
                return scan_fail(diag, (size_t)(name_at - s->start), SIPCODE_EMALFORMED,
                                 "cause given twice");
            if ((err = cause_value(&v, &r->cause, &bad, &why)) != SIPCODE_OK)
                return scan_fail(diag, (size_t)(value_at - s->start) + bad, err, why);
            has_cause = 1;
        } else if (name_len == 4 &&
                   sipcode__equal_nocase((const char *)name_at, name_len, "text")) {
            if (r->has_text)
                return scan_fail(diag, (size_t)(name_at - s->start), SIPCODE_EMALFORMED,
                                 "text given twice");
            if (!v.present || !v.quoted)
                return scan_fail(diag, (size_t)(value_at - s->start), SIPCODE_EMALFORMED,
                                 "text is not a quoted-string");
            r->text = v.raw;
            r->has_text = 1;
        } else if (name_len == 8 &&
                   sipcode__equal_nocase((const char *)name_at, name_len, "location")) {
            /* RFC 8606 section 3: a token naming where the call was released
             * (U, LPN, LN, TN, RLN, RPN, INTL, BI ...), never quoted or empty */
            if (r->location.ptr)
                return scan_fail(diag, (size_t)(name_at - s->start), SIPCODE_EMALFORMED,
                                 "location given twice");
            if (!v.present || v.quoted || v.raw.ptr[0] == '[')
                return scan_fail(diag, (size_t)(value_at - s->start), SIPCODE_EMALFORMED,
                                 "location is not a token");
            r->location = v.raw;
        }
        r->params.len = (size_t)(last_end - (const unsigned char *)r->params.ptr);
    }
    return SIPCODE_OK;
}

/* Adapts take_value to the shared list walker's item signature. */
static enum sipcode_err take_item(struct scan *s, void *item, struct sipcode_diag *diag)
{
    return take_value(s, (struct sipcode_reason *)item, diag);
}

enum sipcode_err sipcode_parse_reason(const char *buf, size_t len, struct sipcode_reason *out,
                                      size_t cap, size_t *count, struct sipcode_diag *diag)
{
    struct sipcode_reason scratch;
    return sipcode__parse_list(buf, len, take_item, &scratch, out, sizeof *out, cap, count, diag,
                               "expected ',' or the end after a Reason value",
                               "more Reason values than the array holds");
}

enum sipcode_err sipcode_unquote(const char *text, size_t len, char *buf, size_t cap,
                                 size_t *needed)
{
    size_t i, total = 0;
    if ((!text && len > 0) || (!buf && cap > 0))
        return SIPCODE_EINVAL;
    /* First pass: check and size. Escapes go; a fold (CRLF before SP/HTAB)
     * goes too, leaving its white space (RFC 3261 7.3.1: LWS means SP). */
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\\') {
            if (i + 1 == len)
                return SIPCODE_EMALFORMED;
            c = (unsigned char)text[++i];
            if (c > 0x7f || c == '\r' || c == '\n')
                return SIPCODE_EMALFORMED;
        } else if (c == '\r') {
            if (len - i < 3 || text[i + 1] != '\n' || !SCAN_IS(text[i + 2], SCAN_WS))
                return SIPCODE_EMALFORMED;
            i++;
            continue;
        } else if (c == '"' || c == '\n') {
            return SIPCODE_EMALFORMED;
        }
        total++;
    }
    if (needed)
        *needed = total;
    if (cap < total)
        return SIPCODE_ENOSPACE;
    for (i = 0, total = 0; i < len; i++) {
        if (text[i] == '\\')
            i++;
        else if (text[i] == '\r') {
            i++;
            continue;
        }
        buf[total++] = text[i];
    }
    if (cap > total)
        buf[total] = '\0';
    return SIPCODE_OK;
}

enum sipcode_err sipcode_format_reason(char *buf, size_t cap, const char *protocol,
                                       size_t protocol_len, long cause, const char *text,
                                       size_t text_len, size_t *needed)
{
    static const char cause_key[] = ";cause=", text_key[] = ";text=\"";
    char digits[24];
    size_t digit_len, quoted = 0, total, i, o;
    enum sipcode_err err;
    if (!protocol || (!text && text_len > 0) || (!buf && cap > 0))
        return SIPCODE_EINVAL;
    if (protocol_len == 0)
        return SIPCODE_EMALFORMED;
    for (i = 0; i < protocol_len; i++)
        if (!SCAN_IS(protocol[i], SCAN_TOKEN))
            return SIPCODE_EMALFORMED;
    if (cause < 0)
        return SIPCODE_EMALFORMED;
    if ((unsigned long)cause > SIPCODE_MAX_REASON_CAUSE)
        return SIPCODE_ERANGE; /* the parser would refuse it */
    if (text && (err = sipcode__quote_size(text, text_len, &quoted)) != SIPCODE_OK)
        return err;
    digit_len = sipcode__put_decimal(digits, (unsigned long long)cause);
    total = protocol_len + (sizeof cause_key - 1) + digit_len;
    if (text) {
        if (quoted > (size_t)-1 - total - sizeof text_key)
            return SIPCODE_EINVAL; /* cannot be sized */
        total += (sizeof text_key - 1) + quoted + 1;
    }
    if (needed)
        *needed = total;
    if (cap < total)
        return SIPCODE_ENOSPACE;
    memcpy(buf, protocol, protocol_len);
    o = protocol_len;
    memcpy(buf + o, cause_key, sizeof cause_key - 1);
    o += sizeof cause_key - 1;
    memcpy(buf + o, digits, digit_len);
    o += digit_len;
    if (text) {
        memcpy(buf + o, text_key, sizeof text_key - 1);
        o += sizeof text_key - 1;
        o += sipcode__quote_put(buf + o, text, text_len);
        buf[o++] = '"';
    }
    if (cap > o)
        buf[o] = '\0';
    return SIPCODE_OK;
}
