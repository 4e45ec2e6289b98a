/* Message framing (RFC 3261 sections 7 and 18.3): where one SIP message ends
 * in a datagram or a stream buffer, and the header fields that identify it.
 *
 * One pass reads the start line and every header field in byte order and
 * checks each field as soon as the byte after it shows that no folded line
 * continues it; a second pass, run only once the whole message is known to
 * be good, fills the caller's header array, so nothing the caller passed is
 * written on error. Every decision needs only bytes already present, and
 * running out of bytes is always EINCOMPLETE: a prefix of a message never
 * gets another answer than EINCOMPLETE or the answer the whole gets. */
#include <string.h>

#include "message.h"

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
 * LWS has the semantics of SP). */

struct val {
    const unsigned char *p, *e;
};

static int is_lws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_lws(struct val *v)
{
    while (v->p < v->e && is_lws(*v->p))
        v->p++;
}

static size_t run_of(const struct val *v, unsigned cls)
{
    const unsigned char *q = v->p;
    while (q < v->e && SCAN_IS(*q, cls))
        q++;
    return (size_t)(q - v->p);
}

static struct sipcode_slice slice(const unsigned char *p, size_t n)
{
    struct sipcode_slice s;
    s.ptr = (const char *)p;
    s.len = n;
    return s;
}

/* 1*DIGIT. The value is never computed past max, so any number of digits is
 * safe: more than max is SIPCODE_ERANGE at the first digit. */
static enum sipcode_err take_uint(const struct framer *f, struct val *v, unsigned long long max,
                                  unsigned long long *out, const char *why_bad,
                                  const char *why_range)
{
    const unsigned char *start = v->p;
    unsigned long long n = 0;
    int over = 0;
    while (v->p < v->e && SCAN_IS(*v->p, SCAN_DIGIT)) {
        unsigned d = (unsigned)(*v->p - '0');
        if (!over && n > (max - d) / 10)
            over = 1;
        else if (!over)
            n = n * 10 + d;
        v->p++;
    }
    if (v->p == start)
        return fail(f, start, SIPCODE_EMALFORMED, why_bad);
    if (over)
        return fail(f, start, SIPCODE_ERANGE, why_range);
    *out = n;
    return SIPCODE_OK;
}

/* quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 25.1) with
 * the opening quote at v->p. qdtext takes LWS, so folds are fine; a
 * quoted-pair may escape any byte but CR and LF; other controls must be
 * escaped. *inner is the content, escapes kept. */
static enum sipcode_err take_quoted(const struct framer *f, struct val *v,
                                    struct sipcode_slice *inner, const char *why_open)
{
    const unsigned char *start = ++v->p;
    for (;;) {
        unsigned char c;
        if (v->p == v->e)
            return fail(f, start - 1, SIPCODE_EMALFORMED, why_open);
        c = *v->p;
        if (c == '"')
            break;
        if (c == '\\') {
            if (v->p + 1 == v->e)
                return fail(f, start - 1, SIPCODE_EMALFORMED, why_open);
            if (v->p[1] == '\r' || v->p[1] == '\n')
                return fail(f, v->p, SIPCODE_EMALFORMED, "quoted-pair escapes a line end");
            v->p += 2;
            continue;
        }
        if (SCAN_IS(c, SCAN_CTL) && !is_lws(c))
            return fail(f, v->p, SIPCODE_EMALFORMED, "unescaped control byte in a quoted string");
        v->p++;
    }
    *inner = slice(start, (size_t)(v->p - start));
    v->p++;
    return SIPCODE_OK;
}

/* gen-value = token / host / quoted-string (RFC 3261 25.1). Unquoted, it is
 * a run of token bytes, ':', '[' and ']': host covers IPv6 references, and
 * Via's received takes a bare IPv6 address (RFC 3261 20.42, RFC 5118 4.5). */
static int value_byte(unsigned char c)
{
    return SCAN_IS(c, SCAN_TOKEN) || c == ':' || c == '[' || c == ']';
}

struct param {
    struct sipcode_slice name, value;
    int has_value, quoted;
};

/* One parameter after its ';': SWS token [EQUAL gen-value]. */
static enum sipcode_err take_param(const struct framer *f, struct val *v, struct param *prm,
                                   const char *why_name)
{
    const unsigned char *t;
    size_t n;
    skip_lws(v);
    n = run_of(v, SCAN_TOKEN);
    if (n == 0)
        return fail(f, v->p, SIPCODE_EMALFORMED, why_name);
    prm->name = slice(v->p, n);
    prm->has_value = prm->quoted = 0;
    prm->value = slice(NULL, 0);
    v->p += n;
    t = v->p;
    skip_lws(v);
    if (v->p == v->e || *v->p != '=') {
        v->p = t;
        return SIPCODE_OK;
    }
    v->p++; /* EQUAL = SWS "=" SWS */
    skip_lws(v);
    prm->has_value = 1;
    if (v->p < v->e && *v->p == '"') {
        prm->quoted = 1;
        return take_quoted(f, v, &prm->value, "parameter value: quoted string not closed");
    }
    t = v->p;
    while (v->p < v->e && value_byte(*v->p))
        v->p++;
    if (v->p == t)
        return fail(f, t, SIPCODE_EMALFORMED, "parameter has '=' but no value");
    prm->value = slice(t, (size_t)(v->p - t));
    return SIPCODE_OK;
}

static int all_of(struct sipcode_slice s, unsigned cls)
{
    size_t i;
    for (i = 0; i < s.len; i++)
        if (!SCAN_IS(s.ptr[i], cls))
            return 0;
    return s.len > 0;
}

static int named(struct sipcode_slice name, const char *lit)
{
    return sipcode__equal_nocase(name.ptr, name.len, lit);
}

/* The first value of a Via header field (RFC 3261 20.42, RFC 3581):
 * sent-protocol LWS sent-by *(SEMI via-params), up to the end or a comma. */
static enum sipcode_err parse_via(const struct framer *f, struct val v, struct sipcode_via *via)
{
    struct sipcode_via out;
    const unsigned char *t;
    unsigned long long num;
    enum sipcode_err err;
    int i, have_branch = 0, have_received = 0;
    size_t n;

    out.transport = out.host = out.branch = out.received = out.rport = slice(NULL, 0);
    out.port = 0;
    out.has_rport = 0;
    /* sent-protocol = protocol-name SLASH protocol-version SLASH transport,
     * SLASH = SWS "/" SWS: wsinv folds lines inside it. */
    for (i = 0; i < 3; i++) {
        if (i) {
            skip_lws(&v);
            if (v.p == v.e || *v.p != '/')
                return fail(f, v.p, SIPCODE_EMALFORMED, "expected '/' in the Via sent-protocol");
            v.p++;
            skip_lws(&v);
        }
        n = run_of(&v, SCAN_TOKEN);
        if (n == 0)
            return fail(f, v.p, SIPCODE_EMALFORMED, "Via sent-protocol part is not a token");
        if (i == 2)
            out.transport = slice(v.p, n);
        v.p += n;
    }
    t = v.p;
    skip_lws(&v);
    if (v.p == t || v.p == v.e)
        return fail(f, v.p, SIPCODE_EMALFORMED, "expected white space and sent-by in Via");

    /* sent-by = host [COLON port]; host = hostname / IPv4address /
     * IPv6reference. Only the bytes are checked here, not the full grammar. */
    if (*v.p == '[') {
        t = ++v.p;
        while (v.p < v.e && (SCAN_IS(*v.p, SCAN_HEX) || *v.p == ':' || *v.p == '.'))
            v.p++;
        if (v.p == t || v.p == v.e || *v.p != ']')
            return fail(f, t - 1, SIPCODE_EMALFORMED, "Via sent-by IPv6 reference is malformed");
        out.host = slice(t, (size_t)(v.p - t));
        v.p++;
    } else {
        t = v.p;
        while (v.p < v.e && (SCAN_IS(*v.p, SCAN_ALNUM) || *v.p == '-' || *v.p == '.'))
            v.p++;
        if (v.p == t)
            return fail(f, t, SIPCODE_EMALFORMED, "Via sent-by host is malformed");
        out.host = slice(t, (size_t)(v.p - t));
    }
    t = v.p;
    skip_lws(&v);
    if (v.p < v.e && *v.p == ':') {
        v.p++;
        skip_lws(&v);
        t = v.p;
        err = take_uint(f, &v, 65535, &num, "Via sent-by port is not a number",
                        "Via sent-by port is above 65535");
        if (err != SIPCODE_OK)
            return err;
        if (num == 0)
            return fail(f, t, SIPCODE_ERANGE, "Via sent-by port is 0");
        out.port = (unsigned)num;
    } else {
        v.p = t;
    }

    for (;;) {
        struct param prm;
        skip_lws(&v);
        if (v.p == v.e || *v.p == ',')
            break; /* further via-parms of a comma list are not read */
        if (*v.p != ';')
            return fail(f, v.p, SIPCODE_EMALFORMED, "unexpected byte in Via after sent-by");
        v.p++;
        t = v.p;
        err = take_param(f, &v, &prm, "Via parameter name is not a token");
        if (err != SIPCODE_OK)
            return err;
        if (named(prm.name, "branch")) {
            if (have_branch++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two branch parameters");
            if (prm.quoted || !all_of(prm.value, SCAN_TOKEN))
                return fail(f, t, SIPCODE_EMALFORMED, "Via branch is not a token");
            out.branch = prm.value;
        } else if (named(prm.name, "received")) {
            struct sipcode_slice r = prm.value;
            size_t k;
            if (have_received++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two received parameters");
            /* RFC 5118 4.5: brackets are outside the grammar but tolerated;
             * the slice never holds them, like the host. */
            if (r.len >= 2 && r.ptr[0] == '[' && r.ptr[r.len - 1] == ']') {
                r.ptr++;
                r.len -= 2;
            }
            for (k = 0; k < r.len; k++)
                if (!SCAN_IS(r.ptr[k], SCAN_HEX) && r.ptr[k] != ':' && r.ptr[k] != '.')
                    break;
            if (prm.quoted || r.len == 0 || k < r.len)
                return fail(f, t, SIPCODE_EMALFORMED, "Via received is not an IP address");
            out.received = r;
        } else if (named(prm.name, "rport")) {
            /* RFC 3581: response-port = "rport" [EQUAL 1*DIGIT] */
            if (out.has_rport++)
                return fail(f, t, SIPCODE_EMALFORMED, "Via has two rport parameters");
            if (prm.has_value) {
                struct val d;
                d.p = (const unsigned char *)prm.value.ptr;
                d.e = d.p + prm.value.len;
                if (prm.quoted || !all_of(prm.value, SCAN_DIGIT))
                    return fail(f, t, SIPCODE_EMALFORMED, "Via rport value is not a number");
                err = take_uint(f, &d, 65535, &num, "Via rport value is not a number",
                                "Via rport value is above 65535");
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
    struct sipcode_slice found = slice(NULL, 0), inner;
    const unsigned char *start, *t;
    enum sipcode_err err;
    int have_tag = 0;

    skip_lws(&v);
    start = v.p;
    if (v.p == v.e)
        return fail(f, v.p, SIPCODE_EMALFORMED, w->empty);
    if (*v.p == '"') {
        err = take_quoted(f, &v, &inner, w->quote);
        if (err != SIPCODE_OK)
            return err;
        skip_lws(&v);
        if (v.p == v.e || *v.p != '<')
            return fail(f, v.p, SIPCODE_EMALFORMED, w->laquot);
    } else {
        while (v.p < v.e && (SCAN_IS(*v.p, SCAN_TOKEN) || is_lws(*v.p)))
            v.p++;
        if (v.p == v.e || *v.p != '<')
            v.p = start; /* no '<': the whole is an addr-spec */
    }
    if (v.p < v.e && *v.p == '<') {
        t = ++v.p;
        while (v.p < v.e && *v.p != '>') {
            unsigned char c = *v.p;
            if (c <= 0x20 || c >= 0x7f || c == '<' || c == '"')
                return fail(f, v.p, SIPCODE_EMALFORMED, w->uri);
            v.p++;
        }
        if (v.p == v.e)
            return fail(f, t - 1, SIPCODE_EMALFORMED, w->raquot);
        if (v.p == t)
            return fail(f, v.p, SIPCODE_EMALFORMED, w->uri);
        v.p++;
    } else {
        /* RFC 3261 20.10: an addr-spec with ',', '?' or ';' must be in <>,
         * so a ';' here starts the parameters. */
        t = v.p;
        while (v.p < v.e && *v.p != ';' && !is_lws(*v.p)) {
            unsigned char c = *v.p;
            if (c < 0x21 || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == ',' || c == '?')
                return fail(f, v.p, SIPCODE_EMALFORMED, w->spec);
            v.p++;
        }
        if (v.p == t)
            return fail(f, v.p, SIPCODE_EMALFORMED, w->spec);
    }
    for (;;) {
        struct param prm;
        skip_lws(&v);
        if (v.p == v.e)
            break;
        if (*v.p != ';')
            return fail(f, v.p, SIPCODE_EMALFORMED, w->after);
        v.p++;
        t = v.p;
        err = take_param(f, &v, &prm, w->param);
        if (err != SIPCODE_OK)
            return err;
        if (named(prm.name, "tag")) {
            if (have_tag++)
                return fail(f, t, SIPCODE_EMALFORMED, w->dup);
            if (prm.quoted || !all_of(prm.value, SCAN_TOKEN))
                return fail(f, t, SIPCODE_EMALFORMED, w->tag);
            found = prm.value;
        }
    }
    *tag = found;
    return SIPCODE_OK;
}

/* callid = word [ "@" word ] (RFC 3261 25.1). */
static enum sipcode_err parse_call_id(const struct framer *f, struct val v)
{
    size_t n = run_of(&v, SCAN_WORD);
    if (n == 0)
        return fail(f, v.p, SIPCODE_EMALFORMED, "Call-ID is not a word");
    v.p += n;
    if (v.p < v.e && *v.p == '@') {
        v.p++;
        n = run_of(&v, SCAN_WORD);
        if (n == 0)
            return fail(f, v.p, SIPCODE_EMALFORMED, "Call-ID has no word after '@'");
        v.p += n;
    }
    if (v.p != v.e)
        return fail(f, v.p, SIPCODE_EMALFORMED, "Call-ID holds a byte a word cannot");
    return SIPCODE_OK;
}

/* CSeq = 1*DIGIT LWS Method (RFC 3261 20.16); leading zeros are fine (RFC
 * 4475 3.1.1.1), the number must stay below 2**31 (8.1.1.5). */
static enum sipcode_err parse_cseq(const struct framer *f, struct val v, unsigned long long *num,
                                   struct sipcode_slice *method)
{
    const unsigned char *t;
    size_t n;
    enum sipcode_err err = take_uint(f, &v, SIPCODE_MAX_CSEQ, num, "CSeq number is not digits",
                                     "CSeq number is above 2**31-1");
    if (err != SIPCODE_OK)
        return err;
    t = v.p;
    skip_lws(&v);
    if (v.p == t)
        return fail(f, v.p, SIPCODE_EMALFORMED, "expected white space after the CSeq number");
    n = run_of(&v, SCAN_TOKEN);
    if (n == 0)
        return fail(f, v.p, SIPCODE_EMALFORMED, "CSeq method is not a token");
    *method = slice(v.p, n);
    v.p += n;
    if (v.p != v.e)
        return fail(f, v.p, SIPCODE_EMALFORMED, "unexpected bytes after the CSeq method");
    return SIPCODE_OK;
}

/* A value that is one number and nothing else (Content-Length, Max-Forwards,
 * Expires). */
static enum sipcode_err parse_number(const struct framer *f, struct val v, unsigned long long max,
                                     unsigned long long *num, const char *why_bad,
                                     const char *why_range)
{
    enum sipcode_err err = take_uint(f, &v, max, num, why_bad, why_range);
    if (err != SIPCODE_OK)
        return err;
    if (v.p != v.e)
        return fail(f, v.p, SIPCODE_EMALFORMED, why_bad);
    return SIPCODE_OK;
}

/* ---- the message ------------------------------------------------------------ */

/* What the first pass learns; copied to the caller only on success. */
struct state {
    struct sipcode_message m;
    struct sipcode_slice from_value, to_value; /* to compare duplicates */
    unsigned seen;                             /* SEEN_* bits */
    size_t count;                              /* header fields so far */
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
    switch (id) {
    case SIPCODE_H_VIA:
        if (st->seen & SEEN_VIA)
            return SIPCODE_OK; /* only the top Via is read */
        err = parse_via(f, v, &st->m.via);
        if (err != SIPCODE_OK)
            return err;
        st->seen |= SEEN_VIA;
        st->m.has_via = 1;
        return SIPCODE_OK;
    case SIPCODE_H_FROM:
    case SIPCODE_H_TO: {
        int from = id == SIPCODE_H_FROM;
        unsigned bit = from ? SEEN_FROM : SEEN_TO;
        struct sipcode_slice *seen_value = from ? &st->from_value : &st->to_value;
        err = parse_addr(f, v, from ? &from_why : &to_why, &tag);
        if (err != SIPCODE_OK)
            return err;
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
            st->m.from_tag = tag;
        else
            st->m.to_tag = tag;
        return SIPCODE_OK;
    }
    case SIPCODE_H_CALL_ID:
        err = parse_call_id(f, v);
        if (err != SIPCODE_OK)
            return err;
        if (st->seen & SEEN_CALL_ID) {
            if (!same_bytes(st->m.call_id, value, value_len))
                return fail(f, value, SIPCODE_EMALFORMED, "second Call-ID differs from the first");
            return SIPCODE_OK;
        }
        st->seen |= SEEN_CALL_ID;
        st->m.call_id = slice(value, value_len);
        return SIPCODE_OK;
    case SIPCODE_H_CSEQ:
        err = parse_cseq(f, v, &num, &method);
        if (err != SIPCODE_OK)
            return err;
        if (st->seen & SEEN_CSEQ) {
            if ((unsigned long long)st->m.cseq != num ||
                !same_bytes(st->m.cseq_method, (const unsigned char *)method.ptr, method.len))
                return fail(f, value, SIPCODE_EMALFORMED, "second CSeq differs from the first");
            return SIPCODE_OK;
        }
        /* RFC 3261 8.1.1.5: the CSeq method MUST match the request's (ACK
         * and CANCEL included); RFC 4475 3.1.2.17 and 3.1.2.18. */
        if (st->m.is_request &&
            !same_bytes(st->m.request.method, (const unsigned char *)method.ptr, method.len))
            return fail(f, (const unsigned char *)method.ptr, SIPCODE_EMALFORMED,
                        "CSeq method differs from the request method");
        st->seen |= SEEN_CSEQ;
        st->m.cseq = (long long)num;
        st->m.cseq_method = method;
        return SIPCODE_OK;
    case SIPCODE_H_MAX_FORWARDS:
        mf = st->m.max_forwards;
        err = single_number(f, st, SEEN_MAX_FORWARDS, v, SIPCODE__MAX_FORWARDS, &mf,
                            "Max-Forwards is not a number", "Max-Forwards is above 255",
                            "second Max-Forwards differs from the first");
        st->m.max_forwards = (long)mf;
        return err;
    case SIPCODE_H_CONTENT_LENGTH:
        /* RFC 3261 18.3 frames by this value; two that disagree leave the
         * body undefined (RFC 4475 3.3.9), and a sign or anything else is
         * never turned into a length (3.1.2.3). */
        return single_number(f, st, SEEN_CONTENT_LENGTH, v, SIPCODE_MAX_CONTENT_LENGTH,
                             &st->m.content_length, "Content-Length is not a number",
                             "Content-Length is above the limit", "Content-Length values disagree");
    case SIPCODE_H_EXPIRES:
        return single_number(f, st, SEEN_EXPIRES, v, SIPCODE__MAX_DELTA_SECONDS, &st->m.expires,
                             "Expires is not delta-seconds", "Expires is above 2**32-1",
                             "second Expires differs from the first");
    case SIPCODE_H_RETRY_AFTER:
        /* Retry-After = delta-seconds [comment] *(SEMI retry-param): only the
         * number is read; what follows must start with LWS, '(' or ';'. */
        err = take_uint(f, &v, SIPCODE__MAX_DELTA_SECONDS, &num,
                        "Retry-After does not start with delta-seconds",
                        "Retry-After is above 2**32-1");
        if (err != SIPCODE_OK)
            return err;
        if (v.p < v.e && !is_lws(*v.p) && *v.p != '(' && *v.p != ';')
            return fail(f, v.p, SIPCODE_EMALFORMED,
                        "Retry-After does not start with delta-seconds");
        if (st->seen & SEEN_RETRY_AFTER) {
            if ((unsigned long long)st->m.retry_after != num)
                return fail(f, value, SIPCODE_EMALFORMED,
                            "second Retry-After differs from the first");
            return SIPCODE_OK;
        }
        st->seen |= SEEN_RETRY_AFTER;
        st->m.retry_after = (long long)num;
        return SIPCODE_OK;
    default:
        return SIPCODE_OK;
    }
}

/* Where one header field lies in the framer's buffer. */
struct field {
    const unsigned char *name, *value;
    size_t name_len, value_len;
};

/* Reads one header field at pos: name, HCOLON, the value with its folded
 * continuation lines, and the line end; *next is the start of the line after
 * it, which must be present (it tells whether a fold follows). Checks every
 * byte: controls only as quoted-pairs, UTF-8 well-formed, and the field (its
 * continuation lines included, its final line end not) within
 * SIPCODE_MAX_LINE. */
static enum sipcode_err scan_field(const struct framer *f, const unsigned char *pos,
                                   struct field *out, const unsigned char **next)
{
    const unsigned char *const start = pos, *const end = f->buf + f->len;
    const unsigned char *vfirst = NULL, *vend = NULL, *colon;
    int in_quote = 0, escaped = 0, depth = 0;
    const int bare_lf = (f->flags & SIPCODE_LENIENT_BARE_LF) != 0;

    while (pos < end && SCAN_IS(*pos, SCAN_TOKEN)) {
        if ((size_t)(pos - start) >= SIPCODE_MAX_LINE)
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        pos++;
    }
    if (pos == end)
        return SIPCODE_EINCOMPLETE;
    if (pos == start)
        return fail(f, pos, SIPCODE_EMALFORMED, "header field name is not a token");
    out->name = start;
    out->name_len = (size_t)(pos - start);
    /* HCOLON = *( SP / HTAB ) ":" SWS (RFC 3261 7.3.1, 25.1) */
    while (pos < end && (*pos == ' ' || *pos == '\t')) {
        if ((size_t)(pos - start) >= SIPCODE_MAX_LINE)
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        pos++;
    }
    if (pos == end)
        return SIPCODE_EINCOMPLETE;
    if (*pos != ':')
        return fail(f, pos, SIPCODE_EMALFORMED, "expected ':' after the header field name");
    colon = pos++;

    for (;;) {
        unsigned char c;
        size_t n = 1;
        if (pos == end)
            return SIPCODE_EINCOMPLETE;
        c = *pos;
        if (c == '\r' || c == '\n') {
            if (c == '\r') {
                if (pos + 1 == end)
                    return SIPCODE_EINCOMPLETE;
                if (pos[1] != '\n')
                    return fail(f, pos, SIPCODE_EMALFORMED, "CR not followed by LF");
                pos += 2;
            } else if (bare_lf) {
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
        if ((size_t)(pos - start) >= SIPCODE_MAX_LINE)
            return fail(f, pos, SIPCODE_ELIMIT, "header field longer than the limit");
        if (c >= 0x80) {
            int short_input;
            n = sipcode__utf8_sequence(pos, (size_t)(end - pos), &short_input);
            if (n == 0) {
                if (short_input)
                    return SIPCODE_EINCOMPLETE;
                return fail(f, pos, SIPCODE_EMALFORMED, "header field value is not valid UTF-8");
            }
            escaped = 0;
        } else if (escaped) {
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
        if (c != ' ' && c != '\t') {
            if (!vfirst)
                vfirst = pos;
            vend = pos + n;
        }
        pos += n;
    }
    if (!vfirst)
        vfirst = vend = colon + 1;
    out->value = vfirst;
    out->value_len = (size_t)(vend - vfirst);
    *next = pos;
    return SIPCODE_OK;
}

/* Whether the line at pos is the empty line that ends the header section:
 * *is_empty set, and *after past its line end. */
static enum sipcode_err empty_line(const struct framer *f, const unsigned char *pos, int *is_empty,
                                   const unsigned char **after)
{
    const unsigned char *end = f->buf + f->len;
    *is_empty = 0;
    if (pos == end)
        return SIPCODE_EINCOMPLETE;
    if (*pos == '\r') {
        if (pos + 1 == end)
            return SIPCODE_EINCOMPLETE;
        if (pos[1] != '\n')
            return fail(f, pos, SIPCODE_EMALFORMED, "CR not followed by LF");
        *is_empty = 1;
        *after = pos + 2;
    } else if (*pos == '\n') {
        if (!(f->flags & SIPCODE_LENIENT_BARE_LF))
            return fail(f, pos, SIPCODE_EMALFORMED, "LF without CR");
        *is_empty = 1;
        *after = pos + 1;
    }
    return SIPCODE_OK;
}

/* Walks the header section from pos to the empty line. With st, checks and
 * records every field (first pass); with headers, fills the array (second
 * pass, over bytes the first pass accepted). */
static enum sipcode_err walk_headers(const struct framer *f, const unsigned char *pos,
                                     struct state *st, struct sipcode_header *headers, size_t cap,
                                     size_t *count, const unsigned char **blank,
                                     const unsigned char **body)
{
    size_t n = 0;
    for (;;) {
        struct field fld;
        const unsigned char *next;
        enum sipcode_header_id id;
        int is_empty;
        enum sipcode_err err = empty_line(f, pos, &is_empty, body);
        if (err != SIPCODE_OK)
            return err;
        if (is_empty) {
            *blank = pos;
            break;
        }
        if (*pos == ' ' || *pos == '\t')
            return fail(f, pos, SIPCODE_EMALFORMED, "continuation line after the start line");
        if (n == cap)
            return fail(f, pos, SIPCODE_ELIMIT, "more header fields than the caller's array");
        err = scan_field(f, pos, &fld, &next);
        if (err != SIPCODE_OK)
            return err;
        id = sipcode_header_id((const char *)fld.name, fld.name_len);
        if (st) {
            err = take_field(f, st, id, fld.value, fld.value_len);
            if (err != SIPCODE_OK)
                return err;
        }
        if (headers) {
            headers[n].name = slice(fld.name, fld.name_len);
            headers[n].value = slice(fld.value, fld.value_len);
            headers[n].id = id;
        }
        n++;
        pos = next;
    }
    *count = n;
    return SIPCODE_OK;
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

/* First pass over the whole message. On OK or EVERSION, st holds the
 * message, *fields points at the first header field and *end past the
 * body. */
static enum sipcode_err frame(const struct framer *f, struct state *st, size_t cap,
                              const unsigned char **fields, const unsigned char **end,
                              struct sipcode_diag *version_diag)
{
    const unsigned char *pos = f->buf, *const stop = f->buf + f->len, *blank = NULL, *body;
    const int stream = (f->flags & SIPCODE_FRAME_STREAM) != 0;
    const unsigned line_flags = f->flags & ~(unsigned)SIPCODE_FRAME_STREAM;
    struct sipcode_diag ld;
    enum sipcode_err err, version_err = SIPCODE_OK;
    size_t used = 0, count, avail;
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

    response = starts_sip_slash(pos, avail, f->flags);
    if (response < 0)
        return SIPCODE_EINCOMPLETE;
    /* The line parsers get the start line once a control byte (the line end,
     * or one no start line may hold) or more than a line's worth of bytes is
     * there, and never more than that: what they answer then cannot change
     * with more input, so a cut message never gets another error than the
     * whole ("SIP/2.0 020" alone is out of range, "SIP/2.0 0200" is not a
     * three-digit code). */
    {
        const unsigned char *q = pos;
        size_t room = avail < SIPCODE_MAX_LINE + 2 ? avail : SIPCODE_MAX_LINE + 2;
        while (q < pos + room && !(SCAN_IS(*q, SCAN_CTL) && *q != '\t'))
            q++;
        if (q == pos + avail)
            return SIPCODE_EINCOMPLETE;
        avail = room;
    }
    ld.offset = 0;
    ld.reason = NULL;
    st->m.is_request = !response;
    if (response)
        err = sipcode_parse_status_line((const char *)pos, avail, line_flags, &st->m.status, &used,
                                        &ld);
    else
        err = sipcode_parse_request_line((const char *)pos, avail, line_flags, &st->m.request,
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
    *fields = pos;

    err = walk_headers(f, pos, st, NULL, cap, &count, &blank, &body);
    if (err != SIPCODE_OK)
        return err;
    st->count = count;

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
        size_t cl = (size_t)st->m.content_length;
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
    st->m.body = slice(body, (size_t)(*end - body));
    return version_err;
}

enum sipcode_err sipcode_parse_message(const char *buf, size_t len, unsigned flags,
                                       struct sipcode_header *headers, size_t cap,
                                       struct sipcode_message *out, size_t *used,
                                       struct sipcode_diag *diag)
{
    static const unsigned char nothing[1] = {0};
    struct framer f;
    struct state st;
    struct sipcode_diag version_diag;
    const unsigned char *fields = NULL, *end = NULL, *blank, *body;
    enum sipcode_err err, err2;
    size_t count;

    if (!out || !used || (!buf && len) || (!headers && cap))
        return scan_fail(diag, 0, SIPCODE_EINVAL, "NULL argument");
    f.buf = buf ? (const unsigned char *)buf : nothing;
    f.len = len;
    f.flags = flags;
    f.diag = diag;

    memset(&st, 0, sizeof st);
    st.m.via.transport = st.m.via.host = st.m.via.branch = slice(NULL, 0);
    st.m.via.received = st.m.via.rport = slice(NULL, 0);
    st.m.call_id = st.m.from_tag = st.m.to_tag = st.m.cseq_method = slice(NULL, 0);
    st.m.request.method = st.m.request.uri = slice(NULL, 0);
    st.m.status.reason = slice(NULL, 0);
    st.m.body = slice(NULL, 0);
    st.m.cseq = st.m.content_length = st.m.expires = st.m.retry_after = -1;
    st.m.max_forwards = -1;

    err = frame(&f, &st, cap, &fields, &end, &version_diag);
    if (err == SIPCODE_EINCOMPLETE) {
        if (flags & SIPCODE_FRAME_STREAM)
            return scan_fail(diag, len, err, "input ends before the message does");
        /* A datagram is all there will be (RFC 3261 18.3). */
        return scan_fail(diag, len, SIPCODE_EMALFORMED, "datagram ends before the message does");
    }
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION)
        return err;

    /* Second pass: the caller's array, over fields the first pass checked. */
    err2 = walk_headers(&f, fields, NULL, headers, cap, &count, &blank, &body);
    if (err2 != SIPCODE_OK || count != st.count)
        return scan_fail(diag, 0, SIPCODE_EMALFORMED, "header section changed between passes");
    st.m.headers = headers;
    st.m.header_count = count;
    *out = st.m;
    *used = (size_t)(end - f.buf);
    if (err == SIPCODE_EVERSION && diag)
        *diag = version_diag;
    return err;
}
