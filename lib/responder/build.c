/* The reply builder: request bytes + parsed request + options -> response
 * bytes in the caller's buffer (RFC 3261 8.2.6, 18.2.2; RFC 3581). Pure: no
 * allocation, no I/O; inet_ntop/inet_pton only convert addresses. */
#include <arpa/inet.h>
#include <string.h>

#include "sipcode/registry.h"
#include "sipcode/responder.h"
#include "sipcode/semantics.h"
#include "../wire/scan.h"

enum sipcode_err sipcode_addr_format(const struct sipcode_addr *a, char *buf, size_t cap,
                                     size_t *needed)
{
    char text[INET6_ADDRSTRLEN];
    size_t n;
    if (!a || !needed || (a->family != 4 && a->family != 6))
        return SIPCODE_EINVAL;
    if (!inet_ntop(a->family == 4 ? AF_INET : AF_INET6, a->ip, text, sizeof text))
        return SIPCODE_EINVAL;
    n = strlen(text);
    *needed = n;
    if (!buf || n > cap)
        return SIPCODE_ENOSPACE;
    memcpy(buf, text, n);
    if (n < cap)
        buf[n] = '\0';
    return SIPCODE_OK;
}

enum sipcode_err sipcode_addr_parse(const char *text, size_t len, struct sipcode_addr *a)
{
    char buf[64];
    if (!text || !a)
        return SIPCODE_EINVAL;
    if (len >= 2 && text[0] == '[' && text[len - 1] == ']') {
        text++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof buf)
        return SIPCODE_EMALFORMED;
    memcpy(buf, text, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, a->ip) == 1)
        a->family = 4;
    else if (inet_pton(AF_INET6, buf, a->ip) == 1)
        a->family = 6;
    else
        return SIPCODE_EMALFORMED;
    return SIPCODE_OK;
}

static enum sipcode_err listen_bad(struct sipcode_diag *diag, size_t at, enum sipcode_err err,
                                   const char *why)
{
    if (diag) {
        diag->offset = at;
        diag->reason = why;
    }
    return err;
}

enum sipcode_err sipcode_parse_listen(const char *spec, size_t len, struct sipcode_listen *out,
                                      struct sipcode_diag *diag)
{
    struct sipcode_listen l;
    size_t colon, i;
    unsigned long port = 0;
    if (!spec || !out)
        return SIPCODE_EINVAL;
    memset(&l, 0, sizeof l);
    if (len > 4 && memcmp(spec, "udp:", 4) == 0)
        l.tcp = 0;
    else if (len > 4 && memcmp(spec, "tcp:", 4) == 0)
        l.tcp = 1;
    else
        return listen_bad(diag, 0, SIPCODE_EMALFORMED, "expected udp: or tcp:");
    colon = len;
    while (colon > 4 && spec[colon - 1] != ':' && spec[colon - 1] != ']')
        colon--;
    if (colon <= 4 || spec[colon - 1] != ':' || colon == len)
        return listen_bad(diag, len, SIPCODE_EMALFORMED, "expected :PORT at the end");
    for (i = colon; i < len; i++) {
        if (spec[i] < '0' || spec[i] > '9' || i - colon > 5)
            return listen_bad(diag, i, SIPCODE_EMALFORMED, "the port is not a number");
        port = port * 10 + (unsigned long)(spec[i] - '0');
    }
    if (port > 65535)
        return listen_bad(diag, colon, SIPCODE_ERANGE, "the port is above 65535");
    if (spec[4] != '[' && memchr(spec + 4, ':', colon - 1 - 4))
        return listen_bad(diag, 4, SIPCODE_EMALFORMED, "an IPv6 address goes in brackets");
    if (sipcode_addr_parse(spec + 4, colon - 1 - 4, &l.addr) != SIPCODE_OK)
        return listen_bad(diag, 4, SIPCODE_EMALFORMED, "not an IPv4 or [IPv6] address");
    l.addr.port = (uint16_t)port;
    *out = l;
    return SIPCODE_OK;
}

/* An output that counts what it could not write, so one pass gives the size. */
struct out {
    char *p;
    size_t cap, len;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->len + n <= o->cap && n)
        memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_slice(struct out *o, struct sipcode_slice s)
{
    put(o, s.ptr, s.len);
}

static void put_uint(struct out *o, unsigned long v)
{
    char d[SIPCODE__DECIMAL_MAX];
    put(o, d, sipcode__put_decimal(d, v));
}

static void put_addr(struct out *o, const struct sipcode_addr *a, int brackets)
{
    char text[64];
    size_t n;
    if (sipcode_addr_format(a, text, sizeof text, &n) != SIPCODE_OK)
        return;
    if (brackets && a->family == 6)
        put(o, "[", 1);
    put(o, text, n);
    if (brackets && a->family == 6)
        put(o, "]", 1);
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int name_is(const char *p, size_t n, const char *lit)
{
    size_t i;
    if (strlen(lit) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (lower((unsigned char)p[i]) != lit[i])
            return 0;
    return 1;
}

static int is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* End of the first value of a comma list (outside quotes). */
static size_t first_value_end(const char *v, size_t len)
{
    size_t i;
    int quoted = 0;
    for (i = 0; i < len; i++) {
        if (quoted) {
            if (v[i] == '\\' && i + 1 < len)
                i++;
            else if (v[i] == '"')
                quoted = 0;
        } else if (v[i] == '"')
            quoted = 1;
        else if (v[i] == ',')
            return i;
    }
    return len;
}

/* Is the Via sent-by host the source address itself? */
static int host_is_source(struct sipcode_slice host, const struct sipcode_addr *src)
{
    char text[64];
    uint8_t ip[16];
    if (host.len == 0 || host.len >= sizeof text)
        return 0;
    memcpy(text, host.ptr, host.len);
    text[host.len] = '\0';
    if (src->family == 4)
        return inet_pton(AF_INET, text, ip) == 1 && memcmp(ip, src->ip, 4) == 0;
    return inet_pton(AF_INET6, text, ip) == 1 && memcmp(ip, src->ip, 16) == 0;
}

/* The top Via value with received= and rport= set (RFC 3261 18.2.1, RFC
 * 3581 section 4): received when the sent-by host is not the source address
 * or rport was asked; rport gets the source port. Other parameters, and
 * line folding, are copied as they are. */
static void put_top_via(struct out *o, const char *v, size_t len,
                        const struct sipcode_message *msg, const struct sipcode_addr *src,
                        int udp)
{
    size_t i = 0, start;
    int quoted = 0;
    int want_rport = msg->via.has_rport && src && udp;
    int want_received = src && (want_rport || !host_is_source(msg->via.host, src));

    if (!src) {
        put(o, v, len);
        return;
    }
    while (i < len && v[i] != ';')
        i++;
    put(o, v, i);
    while (i < len) {
        size_t name_at, name_end, end;
        start = i++; /* at ';' */
        end = i;
        quoted = 0;
        while (end < len && (quoted || v[end] != ';')) {
            if (v[end] == '"')
                quoted = !quoted;
            else if (quoted && v[end] == '\\' && end + 1 < len)
                end++;
            end++;
        }
        name_at = i;
        while (name_at < end && is_lws(v[name_at]))
            name_at++;
        name_end = name_at;
        while (name_end < end && v[name_end] != '=' && !is_lws(v[name_end]))
            name_end++;
        if (want_received && name_is(v + name_at, name_end - name_at, "received")) {
            /* replaced by ours below */
        } else if (want_rport && name_is(v + name_at, name_end - name_at, "rport")) {
            put(o, ";rport=", 7);
            put_uint(o, src->port);
        } else
            put(o, v + start, end - start);
        i = end;
    }
    if (want_received) {
        put(o, ";received=", 10);
        put_addr(o, src, 0);
    }
}

/* Header fields of the request the reply copies, found in one pass. */
struct copied {
    const struct sipcode_header *from, *to, *call_id, *cseq;
    const struct sipcode_header *timestamp;
    const struct sipcode_header *require[8];
    size_t require_count;
};

static void find_copied(const struct sipcode_message *msg, struct copied *c)
{
    size_t i;
    memset(c, 0, sizeof *c);
    for (i = 0; i < msg->header_count; i++) {
        const struct sipcode_header *h = &msg->headers[i];
        switch (h->id) {
        case SIPCODE_H_FROM:
            if (!c->from)
                c->from = h;
            break;
        case SIPCODE_H_TO:
            if (!c->to)
                c->to = h;
            break;
        case SIPCODE_H_CALL_ID:
            if (!c->call_id)
                c->call_id = h;
            break;
        case SIPCODE_H_CSEQ:
            if (!c->cseq)
                c->cseq = h;
            break;
        case SIPCODE_H_REQUIRE:
            if (c->require_count < 8)
                c->require[c->require_count++] = h;
            break;
        default:
            if (!c->timestamp && name_is(h->name.ptr, h->name.len, "timestamp"))
                c->timestamp = h;
            break;
        }
    }
}

static int text_ok(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\' || s[i] == 0x7f)
            return 0;
    return 1;
}

static int value_ok(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return 0;
    return 1;
}

static const char *const allow_methods[] = {"INVITE",  "ACK",    "BYE",    "CANCEL", "OPTIONS",
                                            "REGISTER", "PRACK", "UPDATE", "INFO",  "SUBSCRIBE",
                                            "NOTIFY",  "REFER",  "MESSAGE", "PUBLISH"};

static void put_contact(struct out *o, const struct sipcode_reply_options *opt, const char *user)
{
    put(o, "Contact: <", 10);
    if (opt->contact && opt->contact_len && user[0] == 'a')
        put(o, opt->contact, opt->contact_len);
    else {
        puts_(o, "sip:");
        puts_(o, user);
        put(o, "@", 1);
        if (opt->local) {
            put_addr(o, opt->local, 1);
            put(o, ":", 1);
            put_uint(o, opt->local->port);
        } else
            puts_(o, "invalid");
    }
    put(o, ">\r\n", 3);
}

enum { DROP_WARNING = 1, DROP_REASON = 2, DROP_SERVER = 4 };

/* One header field the code must carry; returns 1 when written. */
static int put_mandatory(struct out *o, const char *name, const struct sipcode_message *msg,
                         const struct copied *c, const struct sipcode_reply_options *opt,
                         int *reason_done)
{
    int code = opt->code;
    size_t i;
    if (strcmp(name, "WWW-Authenticate") == 0 || strcmp(name, "Proxy-Authenticate") == 0) {
        /* RFC 3261 22.4, RFC 2617 3.2.1: a Digest challenge */
        puts_(o, name);
        put(o, ": Digest realm=\"", 16);
        if (opt->realm)
            put(o, opt->realm, opt->realm_len);
        else
            puts_(o, "sipcode");
        put(o, "\", nonce=\"", 10);
        if (opt->nonce)
            put(o, opt->nonce, opt->nonce_len);
        else if (opt->to_tag && opt->to_tag_len)
            put(o, opt->to_tag, opt->to_tag_len);
        else
            puts_(o, "sipcode");
        puts_(o, "\", algorithm=MD5, qop=\"auth\"\r\n");
    } else if (strcmp(name, "Allow") == 0) {
        /* RFC 3261 21.4.6: the methods we take; a 405 leaves the refused one out */
        int first = 1;
        put(o, "Allow: ", 7);
        for (i = 0; i < sizeof allow_methods / sizeof *allow_methods; i++) {
            size_t n = strlen(allow_methods[i]);
            if (code == 405 && msg->cseq_method.len == n &&
                memcmp(msg->cseq_method.ptr, allow_methods[i], n) == 0)
                continue;
            if (!first)
                put(o, ", ", 2);
            put(o, allow_methods[i], n);
            first = 0;
        }
        put(o, "\r\n", 2);
    } else if (strcmp(name, "Unsupported") == 0) {
        /* RFC 3261 8.2.2.3: the Require tags we do not support - all of them;
         * a request with none gets the made-up tag "sipcode" */
        put(o, "Unsupported: ", 13);
        if (c->require_count == 0)
            puts_(o, "sipcode");
        for (i = 0; i < c->require_count; i++) {
            if (i)
                put(o, ", ", 2);
            put_slice(o, c->require[i]->value);
        }
        put(o, "\r\n", 2);
    } else if (strcmp(name, "Require") == 0)
        puts_(o, "Require: 100rel\r\n"); /* RFC 3261 21.4.15: what the UAC must support */
    else if (strcmp(name, "Min-SE") == 0)
        puts_(o, "Min-SE: 90\r\n"); /* RFC 4028 section 4: the smallest allowed */
    else if (strcmp(name, "Min-Expires") == 0)
        puts_(o, "Min-Expires: 3600\r\n");
    else if (strcmp(name, "Recv-Info") == 0)
        puts_(o, "Recv-Info: nil\r\n"); /* RFC 6086: the list of packages; "nil" is none known */
    else if (strcmp(name, "Security-Server") == 0)
        puts_(o, "Security-Server: digest;q=0.1\r\n"); /* RFC 3329 section 2.2 */
    else if (strcmp(name, "Geolocation-Error") == 0)
        puts_(o, "Geolocation-Error: 100;code=\"Cannot Process Location\"\r\n"); /* RFC 6442 */
    else if (strcmp(name, "AlertMsg-Error") == 0)
        puts_(o, "AlertMsg-Error: 100;message=\"Cannot process the alert payload\"\r\n");
    else if (strcmp(name, "Contact") == 0)
        /* 3xx: the alternative target; 1xx/2xx creating a dialog: us */
        put_contact(o, opt, code >= 300 && code < 400 ? "alt" : "sipcode");
    else if (strcmp(name, "Expires") == 0) {
        put(o, "Expires: ", 9);
        put_uint(o, msg->expires >= 0 ? (unsigned long)msg->expires : 3600);
        put(o, "\r\n", 2);
    } else if (strcmp(name, "SIP-ETag") == 0) {
        put(o, "SIP-ETag: e", 11);
        if (opt->to_tag)
            put(o, opt->to_tag, opt->to_tag_len);
        put(o, "\r\n", 2);
    } else if (strcmp(name, "Reason") == 0) {
        if (opt->reason) {
            put(o, "Reason: ", 8);
            put(o, opt->reason, opt->reason_len);
            put(o, "\r\n", 2);
        } else
            puts_(o, "Reason: SIP;cause=480;text=\"Temporarily Unavailable\"\r\n");
        *reason_done = 1;
    } else
        return 0;
    return 1;
}

/* Methods whose 101-299 responses can set up a dialog: INVITE (RFC 3261
 * 12.1), SUBSCRIBE and a NOTIFY that arrives first (RFC 6665), REFER and its
 * implicit subscription (RFC 3515). */
static int creates_dialog(struct sipcode_slice method)
{
    static const char *const names[] = {"INVITE", "SUBSCRIBE", "REFER", "NOTIFY"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof *names; i++)
        if (method.len == strlen(names[i]) && memcmp(method.ptr, names[i], method.len) == 0)
            return 1;
    return 0;
}

static void build_once(const char *buf, const struct sipcode_message *msg,
                       const struct copied *c, const struct sipcode_reply_options *opt,
                       const char *phrase, size_t phrase_len, unsigned drop, struct out *o)
{
    struct sipcode_header_rule rules[32];
    size_t n, i;
    int reason_done = 0, retry_after_ok = 0, udp = (opt->flags & SIPCODE_REPLY_UDP) != 0;
    int first_via = 1;
    int code = opt->code;
    (void)buf;

    put(o, "SIP/2.0 ", 8);
    put_uint(o, (unsigned long)code);
    put(o, " ", 1);
    put(o, phrase, phrase_len);
    put(o, "\r\n", 2);

    /* RFC 3261 8.2.6.2: every Via, in order */
    for (i = 0; i < msg->header_count; i++) {
        const struct sipcode_header *h = &msg->headers[i];
        if (h->id != SIPCODE_H_VIA)
            continue;
        put(o, "Via: ", 5);
        if (first_via && msg->is_request) {
            size_t e = first_value_end(h->value.ptr, h->value.len);
            put_top_via(o, h->value.ptr, e, msg, opt->source, udp);
            put(o, h->value.ptr + e, h->value.len - e);
        } else
            put_slice(o, h->value);
        put(o, "\r\n", 2);
        first_via = 0;
    }
    put(o, "From: ", 6);
    put_slice(o, c->from->value);
    put(o, "\r\nTo: ", 6);
    put_slice(o, c->to->value);
    /* RFC 3261 8.2.6.2 and 17.2.1: a tag on every response but 100, unless
     * the request's To has one */
    if (code != 100 && !msg->to_tag.len && opt->to_tag && opt->to_tag_len) {
        put(o, ";tag=", 5);
        put(o, opt->to_tag, opt->to_tag_len);
    }
    put(o, "\r\nCall-ID: ", 11);
    put_slice(o, c->call_id->value);
    put(o, "\r\nCSeq: ", 8);
    put_slice(o, c->cseq->value);
    put(o, "\r\n", 2);
    /* RFC 3261 8.2.6.1: a 100 copies the request's Timestamp (the UAC
     * measures the round trip with it) */
    if (code == 100 && c->timestamp && msg->is_request) {
        put(o, "Timestamp: ", 11);
        put_slice(o, c->timestamp->value);
        put(o, "\r\n", 2);
    }

    /* RFC 3261 12.1.1: a response that sets up a dialog carries every
     * Record-Route value of the request, in order, so the caller's ACK and
     * BYE take the proxies that asked to stay in the path */
    if (msg->is_request && code > 100 && code < 300 && !msg->to_tag.len &&
        creates_dialog(msg->request.method)) {
        for (i = 0; i < msg->header_count; i++) {
            if (msg->headers[i].id != SIPCODE_H_RECORD_ROUTE)
                continue;
            put(o, "Record-Route: ", 14);
            put_slice(o, msg->headers[i].value);
            put(o, "\r\n", 2);
        }
    }

    n = sipcode_response_headers(code, msg->cseq_method.ptr, msg->cseq_method.len, rules,
                                 sizeof rules / sizeof *rules);
    if (n > sizeof rules / sizeof *rules)
        n = sizeof rules / sizeof *rules;
    for (i = 0; i < n; i++) {
        if (strcmp(rules[i].name, "Retry-After") == 0)
            retry_after_ok = 1;
        /* the MUSTs, and a 3xx's Contact (a SHOULD, RFC 3261 21.3, but the
         * point of a redirect) */
        if (rules[i].level == SIPCODE_LEVEL_MUST ||
            (code >= 300 && code < 400 && strcmp(rules[i].name, "Contact") == 0))
            put_mandatory(o, rules[i].name, msg, c, opt, &reason_done);
    }
    /* RFC 3261 20.33: Retry-After where the code gives it a meaning */
    if (opt->retry_after >= 0 && retry_after_ok) {
        put(o, "Retry-After: ", 13);
        put_uint(o, (unsigned long)opt->retry_after);
        put(o, "\r\n", 2);
    }
    if (opt->reason && !reason_done && !(drop & DROP_REASON) && code != 100) {
        /* RFC 6432 section 3: any response but 100 may carry Reason */
        put(o, "Reason: ", 8);
        put(o, opt->reason, opt->reason_len);
        put(o, "\r\n", 2);
    }
    if (opt->warning && !(drop & DROP_WARNING)) {
        put(o, "Warning: ", 9);
        put(o, opt->warning, opt->warning_len);
        put(o, "\r\n", 2);
    }
    if (opt->server && !(drop & DROP_SERVER)) {
        put(o, "Server: ", 8);
        put(o, opt->server, opt->server_len);
        put(o, "\r\n", 2);
    }
    put(o, "Content-Length: 0\r\n\r\n", 21);
}

enum sipcode_err sipcode_build_reply(const char *buf, const struct sipcode_message *msg,
                                     const struct sipcode_reply_options *opt, char *outbuf,
                                     size_t cap, size_t *needed, struct sipcode_reply_info *info)
{
    struct copied c;
    struct out o;
    const char *phrase;
    size_t phrase_len;
    char check[8];
    size_t ignored;
    unsigned drop = 0;
    static const unsigned steps[] = {0, DROP_WARNING, DROP_WARNING | DROP_REASON,
                                     DROP_WARNING | DROP_REASON | DROP_SERVER};
    size_t step;

    if (!buf || !msg || !opt || !needed || (!outbuf && cap))
        return SIPCODE_EINVAL;
    if (!sipcode_is_valid(opt->code))
        return SIPCODE_ERANGE;
    find_copied(msg, &c);
    if (!c.from || !c.to || !c.call_id || !c.cseq || !msg->has_via)
        return SIPCODE_EMALFORMED;
    if (opt->phrase) {
        phrase = opt->phrase;
        phrase_len = opt->phrase_len;
        /* the formatter knows what a Reason-Phrase may hold */
        if (sipcode_format_status_line(check, 0, 200, phrase, phrase_len, &ignored) ==
            SIPCODE_EMALFORMED)
            return SIPCODE_EMALFORMED;
    } else {
        phrase = sipcode_phrase(opt->code);
        phrase = phrase ? phrase : "";
        phrase_len = strlen(phrase);
    }
    if ((opt->realm && !text_ok(opt->realm, opt->realm_len)) ||
        (opt->nonce && !text_ok(opt->nonce, opt->nonce_len)) ||
        (opt->to_tag && !text_ok(opt->to_tag, opt->to_tag_len)) ||
        (opt->contact && !value_ok(opt->contact, opt->contact_len)) ||
        (opt->reason && !value_ok(opt->reason, opt->reason_len)) ||
        (opt->warning && !value_ok(opt->warning, opt->warning_len)) ||
        (opt->server && !value_ok(opt->server, opt->server_len)))
        return SIPCODE_EMALFORMED;

    for (step = 0; step < sizeof steps / sizeof *steps; step++) {
        drop = steps[step];
        o.p = outbuf;
        o.cap = cap;
        o.len = 0;
        build_once(buf, msg, &c, opt, phrase, phrase_len, drop, &o);
        /* over UDP a reply may not outgrow its request by more than the
         * caller's bound (SIPCODE_REPLY_SLACK): no reflection amplification */
        if (!(opt->flags & SIPCODE_REPLY_UDP) || !opt->max_len || o.len <= opt->max_len)
            break;
    }
    if ((opt->flags & SIPCODE_REPLY_UDP) && opt->max_len && o.len > opt->max_len)
        return SIPCODE_EAMPLIFY;
    *needed = o.len;
    if (o.len > cap)
        return SIPCODE_ENOSPACE;
    if (o.len < cap)
        outbuf[o.len] = '\0';
    if (info) {
        info->len = o.len;
        info->dropped_optional = step;
    }
    return SIPCODE_OK;
}

void sipcode_reply_destination(const struct sipcode_message *req, const struct sipcode_addr *source,
                               int udp, struct sipcode_addr *dst)
{
    *dst = *source;
    if (!udp || !req->has_via)
        return;
    /* RFC 3581 section 4: rport -> the source port; else RFC 3261 18.2.2:
     * received (= the source address) at the sent-by port */
    if (req->via.has_rport)
        return;
    dst->port = req->via.port ? (uint16_t)req->via.port : 5060;
}

/* ---- 400 for a request the parser refused ------------------------------------------ */

#define SALVAGE_HEADERS 64

enum sipcode_err sipcode_build_bad_request(const char *buf, size_t len,
                                           const struct sipcode_reply_options *opt, char *out,
                                           size_t cap, size_t *needed)
{
    struct sipcode_header h[SALVAGE_HEADERS];
    struct sipcode_header rh[SALVAGE_HEADERS];
    struct sipcode_message m, check;
    struct sipcode_reply_options o;
    size_t at = 0, n = 0, used;
    int have[5] = {0, 0, 0, 0, 0};
    enum sipcode_err err;

    if (!buf || !opt || !needed)
        return SIPCODE_EINVAL;
    memset(&m, 0, sizeof m);
    /* skip the start line; it must at least look like a request: "X " */
    while (at < len && buf[at] != '\n')
        at++;
    if (at == len || len < 2 || buf[0] == ' ' || (len >= 4 && memcmp(buf, "SIP/", 4) == 0))
        return SIPCODE_EMALFORMED;
    at++;
    /* header lines, tolerant: name ':' value up to the line end; folding joins */
    while (at < len && n < SALVAGE_HEADERS) {
        size_t line = at, colon, end, vs, ve;
        if (buf[at] == '\r' || buf[at] == '\n')
            break;
        end = at;
        while (end < len && buf[end] != '\n')
            end++;
        /* continuation lines (folding) belong to this field */
        while (end + 1 < len && (buf[end + 1] == ' ' || buf[end + 1] == '\t')) {
            end++;
            while (end < len && buf[end] != '\n')
                end++;
        }
        colon = line;
        while (colon < end && buf[colon] != ':')
            colon++;
        if (colon < end) {
            size_t ne = colon;
            while (ne > line && (buf[ne - 1] == ' ' || buf[ne - 1] == '\t'))
                ne--;
            vs = colon + 1;
            ve = end;
            while (vs < ve && is_lws(buf[vs]))
                vs++;
            while (ve > vs && is_lws(buf[ve - 1]))
                ve--;
            h[n].name.ptr = buf + line;
            h[n].name.len = ne - line;
            h[n].value.ptr = buf + vs;
            h[n].value.len = ve - vs;
            h[n].id = sipcode_header_id(buf + line, ne - line);
            switch (h[n].id) {
            case SIPCODE_H_VIA:
                have[0] = 1;
                break;
            case SIPCODE_H_FROM:
                have[1] = 1;
                break;
            case SIPCODE_H_TO:
                have[2] = 1;
                break;
            case SIPCODE_H_CALL_ID:
                have[3] = 1;
                break;
            case SIPCODE_H_CSEQ:
                /* the method after the number, for the header rules; of the
                 * first CSeq, the one the reply copies */
                if (!have[4]) {
                    const char *p = h[n].value.ptr, *e = p + h[n].value.len;
                    while (p < e && *p >= '0' && *p <= '9')
                        p++;
                    while (p < e && is_lws(*p))
                        p++;
                    m.cseq_method.ptr = p;
                    m.cseq_method.len = (size_t)(e - p);
                }
                have[4] = 1;
                break;
            default:
                break;
            }
            n++;
        }
        at = end < len ? end + 1 : end;
    }
    if (!have[0] || !have[1] || !have[2] || !have[3] || !have[4])
        return SIPCODE_EMALFORMED;
    /* RFC 3261 17.1.1.3: an ACK is never answered, not even a broken one */
    if ((m.cseq_method.len == 3 && memcmp(m.cseq_method.ptr, "ACK", 3) == 0) ||
        (len >= 4 && memcmp(buf, "ACK ", 4) == 0))
        return SIPCODE_EMALFORMED;
    m.is_request = 1;
    m.headers = h;
    m.header_count = n;
    m.has_via = 1;
    m.expires = -1;
    m.retry_after = -1;
    o = *opt;
    o.code = 400;
    o.source = NULL; /* the Via is not trusted: copied as it is */
    err = sipcode_build_reply(buf, &m, &o, out, cap, needed, NULL);
    if (err)
        return err;
    /* the reply must itself be a message: a broken From or Via copied into it
     * would make it one more malformed packet on the wire */
    if (sipcode_parse_message(out, *needed, 0, rh, SALVAGE_HEADERS, &check, &used, NULL) !=
            SIPCODE_OK ||
        used != *needed)
        return SIPCODE_EMALFORMED;
    return SIPCODE_OK;
}
