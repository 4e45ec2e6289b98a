/* The responder's pure parts: the plan and rules file, the reply builder
 * and the server transaction table (timers driven by explicit times). */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

#define INVITE_REQ                                                                            \
    "INVITE sip:bob@example.com SIP/2.0\r\n"                                                  \
    "Via: SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;rport\r\n"                \
    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/TCP p2.example.com\r\n"        \
    " ;branch=z9hG4bKp2\r\n"                                                                  \
    "Max-Forwards: 70\r\n"                                                                    \
    "To: Bob <sip:bob@example.com>\r\n"                                                       \
    "From: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n"                                  \
    "Call-ID: a84b4c76e66710@pc33.atlanta.com\r\n"                                            \
    "CSeq: 314159 INVITE\r\n"                                                                 \
    "Contact: <sip:alice@pc33.atlanta.com>\r\n"                                               \
    "Require: foo, bar\r\n"                                                                   \
    "Require: baz\r\n"                                                                        \
    "Content-Type: application/sdp\r\n"                                                       \
    "Content-Length: 142\r\n"                                                                 \
    "\r\n"                                                                                    \
    "v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\ns=-\r\n"                 \
    "c=IN IP4 pc33.atlanta.com\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

struct req {
    char buf[4096];
    size_t len;
    struct sipcode_header h[64];
    struct sipcode_message m;
};

static int parse_req(struct req *r, const char *text)
{
    size_t used;
    enum sipcode_err err;
    r->len = strlen(text);
    memcpy(r->buf, text, r->len + 1);
    err = sipcode_parse_message(r->buf, r->len, 0, r->h, 64, &r->m, &used, NULL);
    return err == SIPCODE_OK || err == SIPCODE_EVERSION;
}

/* A request of method m with a generic shape (CSeq method = m). */
static void make_req(char *out, size_t cap, const char *m)
{
    snprintf(out, cap,
             "%s sip:alice@example.com SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-%s-1\r\n"
             "From: <sip:caller@example.com>;tag=abc\r\n"
             "To: <sip:alice@example.com>\r\n"
             "Call-ID: call-%s@127.0.0.1\r\n"
             "CSeq: 7 %s\r\n"
             "Max-Forwards: 70\r\n"
             "Content-Length: 0\r\n\r\n",
             m, m, m, m);
}

static struct sipcode_addr v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
    struct sipcode_addr x;
    memset(&x, 0, sizeof x);
    x.family = 4;
    x.ip[0] = a;
    x.ip[1] = b;
    x.ip[2] = c;
    x.ip[3] = d;
    x.port = port;
    return x;
}

static void opts_init(struct sipcode_reply_options *o, int code)
{
    memset(o, 0, sizeof *o);
    o->code = code;
    o->to_tag = "t0001";
    o->to_tag_len = 5;
    o->retry_after = -1;
}

/* Parses a reply and counts the linter's error findings. */
static int lint_errors(const char *reply, size_t len, struct sipcode_message *m,
                       struct sipcode_header *h, size_t hcap, const char *what)
{
    struct sipcode_finding f[32];
    size_t used, n, i;
    int errors = 0;
    enum sipcode_err err = sipcode_parse_message(reply, len, 0, h, hcap, m, &used, NULL);
    if (err != SIPCODE_OK || used != len) {
        TEST_FAIL_AT("%s: reply does not parse (%s):\n%.*s", what, sipcode_errname(err),
                     (int)len, reply);
        return 1;
    }
    n = sipcode_lint_response(reply, m, f, 32);
    for (i = 0; i < n && i < 32; i++)
        if (f[i].rule->severity == SIPCODE_SEVERITY_ERROR) {
            errors++;
            TEST_FAIL_AT("%s: lint error %s (%.*s)", what, f[i].rule->id,
                         (int)f[i].subject.len, f[i].subject.ptr ? f[i].subject.ptr : "");
        }
    return errors;
}

static void every_code_lints_clean(void)
{
    static const char *methods[] = {"INVITE", "OPTIONS", "REGISTER", "BYE", "SUBSCRIBE",
                                    "PUBLISH", "INFO"};
    size_t k;
    int code, built = 0;
    for (k = 0; k < sizeof methods / sizeof *methods; k++) {
        char text[1024];
        struct req r;
        make_req(text, sizeof text, methods[k]);
        CHECK(parse_req(&r, text));
        for (code = 100; code <= 699; code++) {
            char out[2048], what[64];
            struct sipcode_reply_options o;
            struct sipcode_header h[64];
            struct sipcode_message m;
            struct sipcode_addr src = v4(127, 0, 0, 1, 5070);
            size_t needed = 0;
            enum sipcode_err err;
            opts_init(&o, code);
            o.source = &src;
            o.retry_after = 30;
            o.reason = "SIP;cause=486";
            o.reason_len = 13;
            err = sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL);
            snprintf(what, sizeof what, "%d to %s", code, methods[k]);
            if (err != SIPCODE_OK) {
                TEST_FAIL_AT("%s: %s", what, sipcode_errname(err));
                continue;
            }
            built++;
            if (lint_errors(out, needed, &m, h, 64, what))
                continue;
            CHECK_INT(m.status.code, code);
            /* Call-ID exactly, CSeq copied */
            CHECK(m.call_id.len == r.m.call_id.len &&
                  memcmp(m.call_id.ptr, r.m.call_id.ptr, m.call_id.len) == 0);
            CHECK_INT(m.cseq, 7);
            /* To tag on all but 100 */
            if (code == 100)
                CHECK_INT(m.to_tag.len, 0);
            else
                CHECK(m.to_tag.len == 5 && memcmp(m.to_tag.ptr, "t0001", 5) == 0);
            CHECK(m.content_length == 0);
        }
    }
    CHECK_INT(built, 600 * (int)(sizeof methods / sizeof *methods));
}

static const char *find_line(const char *reply, const char *prefix)
{
    const char *p = strstr(reply, prefix);
    return p;
}

static void via_received_rport_ipv4(void)
{
    struct req r;
    char out[4096];
    size_t needed;
    struct sipcode_reply_options o;
    struct sipcode_addr src = v4(192, 0, 2, 9, 40000), dst;
    CHECK(parse_req(&r, INVITE_REQ));
    opts_init(&o, 486);
    o.source = &src;
    o.flags = SIPCODE_REPLY_UDP;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    /* RFC 3581: rport filled, received added; the other Via values as they were,
     * the folded line too */
    CHECK(find_line(out, "Via: SIP/2.0/UDP pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;"
                         "rport=40000;received=192.0.2.9\r\n") != NULL);
    CHECK(find_line(out, "\r\nVia: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, SIP/2.0/TCP "
                         "p2.example.com\r\n ;branch=z9hG4bKp2\r\n") != NULL);
    CHECK(strstr(out, "pc33.atlanta.com:5066") < strstr(out, "p1.example.com"));
    CHECK(find_line(out, "\r\nTo: Bob <sip:bob@example.com>;tag=t0001\r\n") != NULL);
    CHECK(find_line(out, "\r\nFrom: Alice <sip:alice@atlanta.com>;tag=1928301774\r\n") != NULL);
    CHECK(find_line(out, "\r\nCSeq: 314159 INVITE\r\n") != NULL);
    CHECK(find_line(out, "\r\nContent-Length: 0\r\n\r\n") != NULL);
    CHECK(strncmp(out, "SIP/2.0 486 Busy Here\r\n", 23) == 0);
    /* 18.2.2 with rport: back to the source port */
    sipcode_reply_destination(&r.m, &src, 1, &dst);
    CHECK_INT(dst.port, 40000);
    CHECK(memcmp(dst.ip, src.ip, 4) == 0);
}

static void via_received_rules(void)
{
    struct req r;
    char out[2048];
    size_t needed;
    struct sipcode_reply_options o;
    struct sipcode_addr src = v4(10, 0, 0, 1, 5060), dst;
    /* same host, no rport: nothing added; replies go to the sent-by port */
    CHECK(parse_req(&r, "OPTIONS sip:x@10.0.0.2 SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 10.0.0.1:5099;branch=z9hG4bK1\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@10.0.0.2>\r\nCall-ID: c1\r\n"
                        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    opts_init(&o, 200);
    o.source = &src;
    o.flags = SIPCODE_REPLY_UDP;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Via: SIP/2.0/UDP 10.0.0.1:5099;branch=z9hG4bK1\r\n") != NULL);
    CHECK(strstr(out, "received") == NULL);
    sipcode_reply_destination(&r.m, &src, 1, &dst);
    CHECK_INT(dst.port, 5099);
    /* over TCP the same connection: the source */
    sipcode_reply_destination(&r.m, &src, 0, &dst);
    CHECK_INT(dst.port, 5060);
    /* a stale received is replaced, a host name gets one */
    CHECK(parse_req(&r, "OPTIONS sip:x@10.0.0.2 SIP/2.0\r\n"
                        "v: SIP/2.0/UDP host.example;received=1.2.3.4 ; branch=z9hG4bK2\r\n"
                        "f: <sip:a@b>;tag=1\r\nt: <sip:x@10.0.0.2>\r\ni: c2\r\n"
                        "CSeq: 1 OPTIONS\r\nl: 0\r\n\r\n"));
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Via: SIP/2.0/UDP host.example; branch=z9hG4bK2;received=10.0.0.1\r\n") !=
          NULL);
    sipcode_reply_destination(&r.m, &src, 1, &dst);
    CHECK_INT(dst.port, 5060);
}

static void via_received_ipv6(void)
{
    struct req r;
    char out[2048];
    size_t needed;
    struct sipcode_reply_options o;
    struct sipcode_addr src;
    memset(&src, 0, sizeof src);
    src.family = 6;
    src.ip[15] = 1; /* ::1 */
    src.port = 41000;
    CHECK(parse_req(&r, "OPTIONS sip:x@[::1] SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP [::1]:5070;rport;branch=z9hG4bK6\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c6\r\n"
                        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    opts_init(&o, 200);
    o.source = &src;
    o.flags = SIPCODE_REPLY_UDP;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Via: SIP/2.0/UDP [::1]:5070;rport=41000;branch=z9hG4bK6;received=::1\r\n") !=
          NULL);
    /* the same host written in full is the same address: no received without rport */
    CHECK(parse_req(&r, "OPTIONS sip:x@[::1] SIP/2.0\r\n"
                        "Via: SIP/2.0/TCP [0:0:0:0:0:0:0:1]:5070;branch=z9hG4bK7\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c7\r\n"
                        "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    o.flags = 0;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "received") == NULL);
    /* a different IPv6 source: received added */
    src.ip[15] = 2;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, ";received=::2\r\n") != NULL);
}

static void to_tag_rules(void)
{
    struct req r;
    char out[2048];
    size_t needed;
    struct sipcode_reply_options o;
    CHECK(parse_req(&r, "BYE sip:x@b SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>;tag=existing\r\nCall-ID: c9\r\n"
                        "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n"));
    opts_init(&o, 200);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    /* the request's tag stays, no second one */
    CHECK(strstr(out, "\r\nTo: <sip:x@b>;tag=existing\r\n") != NULL);
    CHECK(strstr(out, "t0001") == NULL);
    CHECK(parse_req(&r, INVITE_REQ));
    opts_init(&o, 100);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nTo: Bob <sip:bob@example.com>\r\n") != NULL);
    CHECK(strstr(out, "Timestamp") == NULL);
    /* RFC 3261 8.2.6.1: a 100 copies Timestamp; other codes do not */
    CHECK(parse_req(&r, "INVITE sip:x@b SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c9\r\n"
                        "timestamp: 54.2 0.5\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n"));
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nTimestamp: 54.2 0.5\r\n") != NULL);
    opts_init(&o, 180);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Timestamp") == NULL);
}

/* RFC 3261 12.1.1: Record-Route values copied, in order, into responses
 * that set up a dialog, and only into those */
static void record_route_rules(void)
{
    static const char invite[] =
        "INVITE sip:x@b SIP/2.0\r\n"
        "Via: SIP/2.0/UDP p2.example;branch=z9hG4bKp2\r\n"
        "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
        "Record-Route: <sip:p2.example;lr>\r\n"
        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: rr1\r\n"
        "Record-Route: <sip:p1.example;lr;ftag=1>, <sip:p0.example;lr>\r\n"
        "CSeq: 1 INVITE\r\nContact: <sip:a@1.2.3.4>\r\nContent-Length: 0\r\n\r\n";
    static const char rr[] = "\r\nRecord-Route: <sip:p2.example;lr>\r\n"
                             "Record-Route: <sip:p1.example;lr;ftag=1>, <sip:p0.example;lr>\r\n";
    static const struct {
        int code;
        int copied;
    } cases[] = {{100, 0}, {180, 1}, {183, 1}, {200, 1}, {302, 0}, {486, 0}};
    struct sipcode_header h[64];
    struct sipcode_message m;
    struct sipcode_reply_options o;
    char out[4096], what[32];
    struct req r;
    size_t needed, i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK(parse_req(&r, invite));
        opts_init(&o, cases[i].code);
        CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL),
                  SIPCODE_OK);
        if ((strstr(out, rr) != NULL) != cases[i].copied)
            TEST_FAIL_AT("%d: Record-Route %s", cases[i].code,
                         cases[i].copied ? "missing or out of order" : "copied");
        snprintf(what, sizeof what, "rr %d", cases[i].code);
        CHECK_INT(lint_errors(out, needed, &m, h, 64, what), 0);
    }
    /* not for OPTIONS, nor inside a dialog (the route set is already fixed) */
    CHECK(parse_req(&r, "OPTIONS sip:x@b SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                        "Record-Route: <sip:p.example;lr>\r\nFrom: <sip:a@b>;tag=1\r\n"
                        "To: <sip:x@b>\r\nCall-ID: rr2\r\nCSeq: 1 OPTIONS\r\n\r\n"));
    opts_init(&o, 200);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Record-Route") == NULL);
    CHECK(parse_req(&r, "INVITE sip:x@b SIP/2.0\r\nVia: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                        "Record-Route: <sip:p.example;lr>\r\nFrom: <sip:a@b>;tag=1\r\n"
                        "To: <sip:x@b>;tag=2\r\nCall-ID: rr3\r\nCSeq: 2 INVITE\r\n"
                        "Contact: <sip:a@1.2.3.4>\r\n\r\n"));
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Record-Route") == NULL);
}

static void mandatory_headers(void)
{
    struct req r;
    char out[2048];
    size_t needed;
    struct sipcode_reply_options o;
    struct sipcode_addr local = v4(127, 0, 0, 1, 5060);
    CHECK(parse_req(&r, INVITE_REQ));
    opts_init(&o, 420);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nUnsupported: foo, bar, baz\r\n") != NULL);
    opts_init(&o, 401);
    o.realm = "test.example";
    o.realm_len = 12;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nWWW-Authenticate: Digest realm=\"test.example\", nonce=\"t0001\", "
                      "algorithm=MD5, qop=\"auth\"\r\n") != NULL);
    opts_init(&o, 407);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nProxy-Authenticate: Digest realm=\"sipcode\"") != NULL);
    opts_init(&o, 405);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nAllow: ACK, BYE,") != NULL); /* INVITE itself left out */
    opts_init(&o, 302);
    o.local = &local;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nContact: <sip:alt@127.0.0.1:5060>\r\n") != NULL);
    o.contact = "sip:elsewhere@example.net";
    o.contact_len = strlen(o.contact);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nContact: <sip:elsewhere@example.net>\r\n") != NULL);
    opts_init(&o, 503);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "Retry-After") == NULL);
    o.retry_after = 120;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nRetry-After: 120\r\n") != NULL);
    opts_init(&o, 422);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nMin-SE: 90\r\n") != NULL);
    opts_init(&o, 180);
    o.local = &local;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strstr(out, "\r\nContact: <sip:sipcode@127.0.0.1:5060>\r\n") != NULL);
}

static void phrase_reason_warning(void)
{
    struct req r;
    char out[2048], reason[128];
    size_t needed, rn;
    struct sipcode_reply_options o;
    struct sipcode_header h[64];
    struct sipcode_message m;
    CHECK(parse_req(&r, INVITE_REQ));
    opts_init(&o, 486);
    o.phrase = "Besetzt \xc3\xbc";
    o.phrase_len = strlen(o.phrase);
    CHECK_INT(sipcode_reason_for_code("q850", 4, 486, reason, sizeof reason, &rn), SIPCODE_OK);
    CHECK_STR(reason, "Q.850;cause=17;text=\"User busy\"");
    o.reason = reason;
    o.reason_len = rn;
    o.warning = "399 sipcode \"test\"";
    o.warning_len = strlen(o.warning);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strncmp(out, "SIP/2.0 486 Besetzt \xc3\xbc\r\n", 24) == 0);
    CHECK(strstr(out, "\r\nReason: Q.850;cause=17;text=\"User busy\"\r\n") != NULL);
    CHECK(strstr(out, "\r\nWarning: 399 sipcode \"test\"\r\n") != NULL);
    CHECK_INT(lint_errors(out, needed, &m, h, 64, "486 with Reason and Warning"), 0);
    CHECK_INT(sipcode_reason_for_code("sip", 3, 603, reason, sizeof reason, &rn), SIPCODE_OK);
    CHECK_STR(reason, "SIP;cause=603;text=\"Decline\"");
    /* a phrase with a line end is refused */
    o.phrase = "bad\r\nX: y";
    o.phrase_len = strlen(o.phrase);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL),
              SIPCODE_EMALFORMED);
    o.phrase = NULL;
    o.warning = "399 x \"a\"\r\nInjected: 1";
    o.warning_len = strlen(o.warning);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL),
              SIPCODE_EMALFORMED);
}

static void no_space_and_amplification(void)
{
    struct req r;
    char out[2048], small[16];
    size_t needed = 0, full;
    struct sipcode_reply_options o;
    struct sipcode_reply_info info;
    char text[1024];
    make_req(text, sizeof text, "OPTIONS");
    CHECK(parse_req(&r, text));
    opts_init(&o, 200);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, small, sizeof small, &needed, NULL),
              SIPCODE_ENOSPACE);
    CHECK(needed > sizeof small);
    full = needed;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, full, &needed, NULL), SIPCODE_OK);
    CHECK_INT(needed, full);
    /* UDP: optional fields go first (Warning, then Reason, then Server) */
    o.warning = "399 sipcode \"a long warning text that makes the reply too big\"";
    o.warning_len = strlen(o.warning);
    o.server = "sipcode";
    o.server_len = 7;
    o.flags = SIPCODE_REPLY_UDP;
    o.max_len = full + 20; /* room for Server, not for Warning */
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, &info), SIPCODE_OK);
    CHECK(needed <= o.max_len);
    CHECK(strstr(out, "Warning") == NULL);
    CHECK(strstr(out, "Server: sipcode") != NULL);
    CHECK_INT(info.dropped_optional, 1);
    o.max_len = full - 1; /* even the bare reply is larger */
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL),
              SIPCODE_EAMPLIFY);
    /* without the UDP flag no bound */
    o.flags = 0;
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
}

static void version_505_and_bad_request(void)
{
    struct req r;
    char out[2048];
    size_t needed;
    struct sipcode_reply_options o;
    struct sipcode_header h[64];
    struct sipcode_message m;
    static const char bad_cseq[] = "INVITE sip:x@b SIP/2.0\r\n"
                                   "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                                   "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c9\r\n"
                                   "CSeq: 2 BYE\r\nMax-Forwards: many\r\nContent-Length: 0\r\n\r\n";
    CHECK(parse_req(&r, "OPTIONS sip:x@b SIP/3.0\r\n"
                        "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                        "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c9\r\n"
                        "CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    CHECK_INT(r.m.request.version_major, 3);
    opts_init(&o, 505);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, out, sizeof out, &needed, NULL), SIPCODE_OK);
    CHECK(strncmp(out, "SIP/2.0 505 Version Not Supported\r\n", 35) == 0);
    CHECK_INT(lint_errors(out, needed, &m, h, 64, "505"), 0);
    /* a request the parser refuses, with the five fields readable: 400 */
    CHECK(sipcode_parse_message(bad_cseq, strlen(bad_cseq), 0, h, 64, &m, &needed, NULL) !=
          SIPCODE_OK);
    opts_init(&o, 400);
    CHECK_INT(sipcode_build_bad_request(bad_cseq, strlen(bad_cseq), &o, out, sizeof out, &needed),
              SIPCODE_OK);
    CHECK(strncmp(out, "SIP/2.0 400 Bad Request\r\n", 25) == 0);
    CHECK(strstr(out, "\r\nCall-ID: c9\r\n") != NULL);
    CHECK_INT(lint_errors(out, needed, &m, h, 64, "400"), 0);
    /* without a Call-ID: nothing to answer */
    CHECK_INT(sipcode_build_bad_request("INVITE sip:x@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\n", 44,
                                        &o, out, sizeof out, &needed),
              SIPCODE_EMALFORMED);
    /* a broken Via copied would make a broken reply: dropped instead */
    CHECK_INT(sipcode_build_bad_request("INVITE sip:x@b SIP/2.0\r\nVia: garbage\r\nFrom: <sip:a@b>"
                                        ";tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c\r\nCSeq: 1 "
                                        "INVITE\r\n\r\n",
                                        strlen("INVITE sip:x@b SIP/2.0\r\nVia: garbage\r\nFrom: "
                                               "<sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: "
                                               "c\r\nCSeq: 1 INVITE\r\n\r\n"),
                                        &o, out, sizeof out, &needed),
              SIPCODE_EMALFORMED);
    /* the reply copies the first CSeq; when that one says ACK, nothing is
     * answered, whatever a later CSeq says (found by fuzz_respond) */
    {
        static const char two_cseq[] = "INVITE sip:x@b SIP/2.0\r\n"
                                       "Via: SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK9\r\n"
                                       "From: <sip:a@b>;tag=1\r\nTo: <sip:x@b>\r\nCall-ID: c9\r\n"
                                       "CSeq: 2 ACK\r\nCSeq: 2 INVITE\r\n\r\n";
        CHECK_INT(sipcode_build_bad_request(two_cseq, strlen(two_cseq), &o, out, sizeof out,
                                            &needed),
                  SIPCODE_EMALFORMED);
    }
}

/* ---- the plan ------------------------------------------------------------------------- */

static void choose_for(const struct sipcode_plan *p, const char *method, const char *uri,
                       struct sipcode_prng *prng, struct sipcode_choice *c)
{
    char text[1024];
    struct req r;
    snprintf(text, sizeof text,
             "%s %s SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\n"
             "To: <sip:x@b>\r\nCall-ID: c\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
             method, uri, method);
    if (!parse_req(&r, text)) {
        TEST_FAIL_AT("cannot parse %s %s", method, uri);
        return;
    }
    sipcode_plan_choose(p, &r.m, prng, c);
}

static void plan_precedence(void)
{
    struct sipcode_plan p;
    struct sipcode_rule rule;
    struct sipcode_choice c;
    unsigned line = 0;
    struct sipcode_diag d;
    static const char rules[] = "# test rules\n"
                                "\n"
                                "method=INVITE user=busy code=486 ring=180 delay=250\n"
                                "user=55* code=404 phrase=\"Nicht gefunden\" reason=q850\n"
                                "method=REGISTER code=401   # challenge\r\n"
                                "dial\n";
    sipcode_plan_init(&p);
    CHECK_INT(sipcode_plan_parse_rules(&p, rules, strlen(rules), &line, &d), SIPCODE_OK);
    CHECK_INT(p.rule_count, 4);
    CHECK_INT(p.rules[0].line, 3);
    /* the command's options after the file: --method, then --code default */
    memset(&rule, 0, sizeof rule);
    sipcode_style_init(&rule.style);
    memcpy(rule.method.text, "OPTIONS", 8);
    rule.method.len = 7;
    rule.code = 202;
    CHECK_INT(sipcode_plan_add(&p, &rule), SIPCODE_OK);
    p.default_code = 603;

    choose_for(&p, "INVITE", "sip:busy@h", NULL, &c);
    CHECK_INT(c.code, 486);
    CHECK_INT(c.delay_ms, 250);
    CHECK_INT(c.ring_count, 1);
    CHECK_INT(c.ring[0], 180);
    choose_for(&p, "MESSAGE", "sip:busy@h", NULL, &c);
    CHECK_INT(c.code, 603); /* method differs; dial does not apply to 'busy' */
    choose_for(&p, "BYE", "sip:503@h", NULL, &c);
    CHECK_INT(c.code, 200); /* BYE: only rules naming BYE apply, else 200 */
    choose_for(&p, "MESSAGE", "sip:5512@h", NULL, &c);
    CHECK_INT(c.code, 404);
    CHECK_STR(c.phrase->text, "Nicht gefunden");
    CHECK_STR(c.reason->text, "q850");
    choose_for(&p, "REGISTER", "sip:reg.example", NULL, &c);
    CHECK_INT(c.code, 401);
    choose_for(&p, "INVITE", "sip:503@h", NULL, &c);
    CHECK_INT(c.code, 503);
    CHECK_INT(c.ring_count, 0);
    choose_for(&p, "INVITE", "sip:5030@h", NULL, &c);
    CHECK_INT(c.code, 603);
    choose_for(&p, "OPTIONS", "sip:700@h", NULL, &c);
    CHECK_INT(c.code, 202); /* 700 is no code: dial falls through */
    choose_for(&p, "OPTIONS", "sip:199@h;user=phone", NULL, &c);
    CHECK_INT(c.code, 199);
    /* ring is for INVITE only */
    choose_for(&p, "MESSAGE", "sip:busy@h", NULL, &c);
    CHECK_INT(c.ring_count, 0);
}

/* auth=yes|no: the retried REGISTER (with credentials) gets another answer */
static void plan_auth(void)
{
    static const char rules[] = "method=REGISTER auth=yes code=200\n"
                                "method=REGISTER auth=no code=401\n";
    static const char *const extra[] = {"", "Authorization: Digest username=\"u\"\r\n",
                                        "proxy-authorization: Digest username=\"u\"\r\n"};
    static const int want[] = {401, 200, 200};
    struct sipcode_plan p;
    struct sipcode_diag d;
    unsigned line = 0;
    size_t i;
    sipcode_plan_init(&p);
    p.default_code = 603;
    CHECK_INT(sipcode_plan_parse_rules(&p, rules, strlen(rules), &line, &d), SIPCODE_OK);
    CHECK_INT(p.rules[0].auth, 1);
    CHECK_INT(p.rules[1].auth, -1);
    for (i = 0; i < 3; i++) {
        char text[512];
        struct req r;
        struct sipcode_choice c;
        snprintf(text, sizeof text,
                 "REGISTER sip:h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\n"
                 "From: <sip:u@h>;tag=1\r\nTo: <sip:u@h>\r\nCall-ID: c\r\nCSeq: %zu REGISTER\r\n"
                 "%sContent-Length: 0\r\n\r\n",
                 i + 1, extra[i]);
        if (!parse_req(&r, text)) {
            TEST_FAIL_AT("cannot parse REGISTER %zu", i);
            return;
        }
        sipcode_plan_choose(&p, &r.m, NULL, &c);
        CHECK_INT(c.code, want[i]);
    }
    line = 0;
    CHECK_INT(sipcode_plan_parse_rules(&p, "code=200 auth=maybe\n", 20, &line, &d),
              SIPCODE_EMALFORMED);
    CHECK_INT(line, 1);
}

static void rules_file_errors(void)
{
    static const struct {
        const char *text;
        unsigned line;
        enum sipcode_err err;
    } cases[] = {
        {"code=486\nmethod=INVITE\n", 2, SIPCODE_EMALFORMED},       /* no action */
        {"\n\ncode=486 dial\n", 3, SIPCODE_EMALFORMED},             /* two actions */
        {"code=486\ncode=700\n", 2, SIPCODE_ERANGE},                /* not a code */
        {"code=48\n", 1, SIPCODE_ERANGE},
        {"code=486 colour=blue\n", 1, SIPCODE_EMALFORMED},          /* unknown key */
        {"code=486 code=487\n", 1, SIPCODE_EMALFORMED},             /* twice */
        {"# ok\nmix=200:70,486\n", 2, SIPCODE_EMALFORMED},          /* no weight */
        {"mix=200:0\n", 1, SIPCODE_ERANGE},
        {"code=486 ring=180,486\n", 1, SIPCODE_ERANGE},             /* ring must be 1xx */
        {"code=486 phrase=\"open\n", 1, SIPCODE_EMALFORMED},
        {"code=486 reason=Q.850;cause=x\n", 1, SIPCODE_EMALFORMED},
        {"code=486 warning='399 agent'\n", 1, SIPCODE_EMALFORMED},
        {"code=486 delay=soon\n", 1, SIPCODE_EMALFORMED},
        {"dial=1\n", 1, SIPCODE_EMALFORMED},
        {"code=486 method=IN/VITE\n", 1, SIPCODE_EMALFORMED},
        {"code=486 phrase=\"a\\\"b\"x\n", 1, SIPCODE_EMALFORMED},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct sipcode_plan p;
        struct sipcode_diag d = {0, NULL};
        unsigned line = 0;
        enum sipcode_err err;
        sipcode_plan_init(&p);
        err = sipcode_plan_parse_rules(&p, cases[i].text, strlen(cases[i].text), &line, &d);
        if (err != cases[i].err || line != cases[i].line || !d.reason)
            TEST_FAIL_AT("case %zu: got %s at line %u (%s)", i, sipcode_errname(err), line,
                         d.reason ? d.reason : "no reason");
    }
    /* 65 rules do not fit */
    {
        static struct sipcode_plan p;
        char text[65 * 10];
        size_t n = 0;
        unsigned line = 0;
        struct sipcode_diag d;
        for (i = 0; i < 65; i++)
            n += (size_t)snprintf(text + n, sizeof text - n, "code=200\n");
        sipcode_plan_init(&p);
        CHECK_INT(sipcode_plan_parse_rules(&p, text, n, &line, &d), SIPCODE_ELIMIT);
        CHECK_INT(line, 65);
    }
    /* quoting: '...' raw, "..." with escapes */
    {
        struct sipcode_plan p;
        unsigned line = 0;
        struct sipcode_diag d;
        static const char t[] = "code=486 warning='399 host \"x y\"' phrase=\"a b\"\n"
                                "code=487 warning=\"399 h \\\"q\\\"\"\n";
        sipcode_plan_init(&p);
        CHECK_INT(sipcode_plan_parse_rules(&p, t, strlen(t), &line, &d), SIPCODE_OK);
        CHECK_STR(p.rules[0].style.warning.text, "399 host \"x y\"");
        CHECK_STR(p.rules[0].style.phrase.text, "a b");
        CHECK_STR(p.rules[1].style.warning.text, "399 h \"q\"");
    }
}

static void mix_distribution(void)
{
    struct sipcode_plan p;
    struct sipcode_rule rule;
    struct sipcode_choice c;
    struct sipcode_prng prng, again;
    int counts[3] = {0, 0, 0}, seq1[20], i;
    struct sipcode_diag d;
    sipcode_plan_init(&p);
    memset(&rule, 0, sizeof rule);
    sipcode_style_init(&rule.style);
    CHECK_INT(sipcode_parse_mix("200:70,486:20,503:10", 20, &rule, &d), SIPCODE_OK);
    CHECK_INT(rule.mix_count, 3);
    CHECK_INT(sipcode_plan_add(&p, &rule), SIPCODE_OK);
    sipcode_prng_seed(&prng, 42);
    for (i = 0; i < 10000; i++) {
        choose_for(&p, "OPTIONS", "sip:x@h", &prng, &c);
        counts[c.code == 200 ? 0 : c.code == 486 ? 1 : 2]++;
        if (i < 20)
            seq1[i] = c.code;
    }
    /* 70/20/10 within a few percent (binomial sd ~46 for n=10000) */
    CHECK(counts[0] > 6800 && counts[0] < 7200);
    CHECK(counts[1] > 1850 && counts[1] < 2150);
    CHECK(counts[2] > 900 && counts[2] < 1100);
    /* the same seed gives the same sequence */
    sipcode_prng_seed(&again, 42);
    for (i = 0; i < 20; i++) {
        choose_for(&p, "OPTIONS", "sip:x@h", &again, &c);
        CHECK_INT(c.code, seq1[i]);
    }
    CHECK_INT(sipcode_parse_mix("200:70,", 7, &rule, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_parse_mix("200:70;486:1", 12, &rule, &d), SIPCODE_EMALFORMED);
}

/* ---- transactions --------------------------------------------------------------------- */

/* make_req(method), parsed into *r and given to t as from peer over conn
 * (reliable or not) at now; the table's verdict in *v. */
static void receive_new(struct sipcode_txn_table *t, struct req *r, const char *method,
                        const struct sipcode_addr *peer, uint64_t conn, int reliable, uint64_t now,
                        struct sipcode_txn_verdict *v)
{
    char text[1024];
    make_req(text, sizeof text, method);
    CHECK(parse_req(r, text));
    CHECK_INT(sipcode_txn_receive(t, r->buf, &r->m, peer, conn, reliable, r->len, now, v),
              SIPCODE_OK);
}

static struct sipcode_txn_table *new_table(size_t cap)
{
    struct sipcode_txn_config cfg;
    struct sipcode_txn_table *t = NULL;
    memset(&cfg, 0, sizeof cfg);
    cfg.cap = cap;
    CHECK_INT(sipcode_txn_table_create(&cfg, &t), SIPCODE_OK);
    return t;
}

static void txn_timer_g_until_h(void)
{
    struct sipcode_txn_table *t = new_table(16);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    uint64_t now = 1000, expected[] = {1500, 2500, 4500, 8500, 12500, 16500, 20500,
                                       24500, 28500, 32500};
    size_t sends = 0, timeouts = 0, n, i;
    if (!t)
        return;
    receive_new(t, &r, "INVITE", &peer, 0, 0, now, &v);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    CHECK_INT(sipcode_txn_reply(t, v.id, 100, "100", 3, now, now), SIPCODE_OK);
    /* a retransmitted INVITE gets the 100 again */
    CHECK_INT(sipcode_txn_receive(t, r.buf, &r.m, &peer, 0, 0, r.len, now + 10, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_RETRANSMIT);
    CHECK(v.len == 3 && memcmp(v.bytes, "100", 3) == 0);
    CHECK_INT(sipcode_txn_reply(t, v.id, 486, "486", 3, now, now), SIPCODE_OK);
    /* G: 500, 1000, 2000, 4000, 4000 ... until H at 64*T1 = 32 s */
    while ((now = sipcode_txn_next_due(t)) != UINT64_MAX && now < 100000) {
        n = sipcode_txn_poll(t, now, ev, 4);
        for (i = 0; i < n; i++) {
            if (ev[i].kind == SIPCODE_TXN_EV_SEND) {
                CHECK(ev[i].retransmission);
                CHECK_INT(ev[i].code, 486);
                CHECK_INT(ev[i].peer.port, 5070);
                if (sends < sizeof expected / sizeof *expected)
                    CHECK_INT(now, expected[sends]);
                sends++;
            } else {
                CHECK_INT(now, 1000 + 32000);
                timeouts++;
            }
        }
    }
    CHECK_INT(sends, 10);
    CHECK_INT(timeouts, 1);
    CHECK_INT(sipcode_txn_count(t), 0);
    CHECK_INT(sipcode_txn_peak(t), 1);
    sipcode_txn_table_destroy(t);
}

/* Replies longer than the slot's arena share go in overflow buffers, up to
 * the budget; past it they are sent but not kept. */
static void txn_long_replies(void)
{
    struct sipcode_txn_config cfg;
    struct sipcode_txn_table *t = NULL;
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    static char big[3000], pending[1500];
    char other[1024];
    struct req r, r2;
    uint64_t now = 1000;
    size_t n;
    memset(&cfg, 0, sizeof cfg);
    cfg.cap = 4;
    cfg.reply_cap = 256;
    cfg.overflow_budget = 4096;
    CHECK_INT(sipcode_txn_table_create(&cfg, &t), SIPCODE_OK);
    if (!t)
        return;
    memset(big, 'b', sizeof big);
    memset(pending, 'p', sizeof pending);
    receive_new(t, &r, "INVITE", &peer, 0, 0, now, &v);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    /* a 100 kept in the arena, then a delayed final too long for it */
    CHECK_INT(sipcode_txn_reply(t, v.id, 100, "100", 3, now, now), SIPCODE_OK);
    CHECK_INT(sipcode_txn_reply(t, v.id, 486, pending, sizeof pending, now, now + 50),
              SIPCODE_OK);
    CHECK_INT(sipcode_txn_receive(t, r.buf, &r.m, &peer, 0, 0, r.len, now + 10, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_RETRANSMIT);
    CHECK(v.len == 3 && memcmp(v.bytes, "100", 3) == 0); /* moved with the pending one */
    n = sipcode_txn_poll(t, now + 50, ev, 4);
    CHECK_INT(n, 1);
    CHECK(n == 1 && ev[0].kind == SIPCODE_TXN_EV_SEND && ev[0].len == sizeof pending &&
          memcmp(ev[0].bytes, pending, sizeof pending) == 0);
    CHECK_INT(sipcode_txn_receive(t, r.buf, &r.m, &peer, 0, 0, r.len, now + 60, &v), SIPCODE_OK);
    CHECK(v.kind == SIPCODE_TXN_RETRANSMIT && v.len == sizeof pending &&
          memcmp(v.bytes, pending, sizeof pending) == 0);
    /* a second transaction: 3000 bytes would pass the 4096 budget (1500 in use) */
    make_req(other, sizeof other, "OPTIONS");
    CHECK(parse_req(&r2, other));
    CHECK_INT(sipcode_txn_receive(t, r2.buf, &r2.m, &peer, 0, 0, r2.len, now, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, big, sizeof big, now, now), SIPCODE_ENOSPACE);
    CHECK_INT(sipcode_txn_receive(t, r2.buf, &r2.m, &peer, 0, 0, r2.len, now + 1, &v),
              SIPCODE_OK);
    CHECK(v.kind == SIPCODE_TXN_RETRANSMIT && v.len == 0);
    /* once the INVITE's transaction ends (Timer H), its buffer is given back */
    while ((now = sipcode_txn_next_due(t)) != UINT64_MAX && now < 100000)
        sipcode_txn_poll(t, now, ev, 4);
    CHECK_INT(sipcode_txn_count(t), 0);
    CHECK_INT(sipcode_txn_receive(t, r2.buf, &r2.m, &peer, 0, 0, r2.len, now, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, big, sizeof big, now, now), SIPCODE_OK);
    CHECK_INT(sipcode_txn_receive(t, r2.buf, &r2.m, &peer, 0, 0, r2.len, now + 1, &v),
              SIPCODE_OK);
    CHECK(v.kind == SIPCODE_TXN_RETRANSMIT && v.len == sizeof big &&
          memcmp(v.bytes, big, sizeof big) == 0);
    sipcode_txn_table_destroy(t);
}

static void txn_ack_absorbed(void)
{
    struct sipcode_txn_table *t = new_table(16);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r, ack;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    uint32_t id;
    if (!t)
        return;
    receive_new(t, &r, "INVITE", &peer, 0, 0, 0, &v);
    id = v.id;
    CHECK_INT(sipcode_txn_reply(t, id, 486, "486", 3, 0, 0), SIPCODE_OK);
    CHECK_INT(sipcode_txn_poll(t, 500, ev, 4), 1); /* first Timer G */
    /* the ACK for a non-2xx has the INVITE's branch, CSeq method ACK */
    CHECK(parse_req(&ack, "ACK sip:alice@example.com SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-INVITE-1\r\n"
                          "From: <sip:caller@example.com>;tag=abc\r\n"
                          "To: <sip:alice@example.com>;tag=t1\r\n"
                          "Call-ID: call-INVITE@127.0.0.1\r\nCSeq: 7 ACK\r\n"
                          "Content-Length: 0\r\n\r\n"));
    CHECK_INT(sipcode_txn_receive(t, ack.buf, &ack.m, &peer, 0, 0, ack.len, 700, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_ACK);
    CHECK_INT(v.id, id);
    /* no more resends; Timer I (T4 = 5 s) ends it silently */
    CHECK_INT(sipcode_txn_poll(t, 4000, ev, 4), 0);
    CHECK_INT(sipcode_txn_count(t), 1);
    CHECK_INT(sipcode_txn_receive(t, ack.buf, &ack.m, &peer, 0, 0, ack.len, 800, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_ACK); /* a retransmitted ACK is absorbed too */
    CHECK_INT(sipcode_txn_poll(t, 5700, ev, 4), 0);
    CHECK_INT(sipcode_txn_count(t), 0);
    /* an ACK that matches nothing */
    CHECK_INT(sipcode_txn_receive(t, ack.buf, &ack.m, &peer, 0, 0, ack.len, 6000, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_ACK_STRAY);
    sipcode_txn_table_destroy(t);
}

static void txn_2xx_until_ack(void)
{
    struct sipcode_txn_table *t = new_table(16);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r, ack;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    if (!t)
        return;
    receive_new(t, &r, "INVITE", &peer, 0, 0, 0, &v);
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, "200", 3, 0, 0), SIPCODE_OK);
    CHECK_INT(sipcode_txn_poll(t, 500, ev, 4), 1);
    CHECK_INT(ev[0].code, 200);
    CHECK_INT(sipcode_txn_poll(t, 1500, ev, 4), 1);
    /* the 2xx's ACK: a new branch, matched by Call-ID, CSeq number, From tag */
    CHECK(parse_req(&ack, "ACK sip:alice@127.0.0.1 SIP/2.0\r\n"
                          "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-new\r\n"
                          "From: <sip:caller@example.com>;tag=abc\r\n"
                          "To: <sip:alice@example.com>;tag=t1\r\n"
                          "Call-ID: call-INVITE@127.0.0.1\r\nCSeq: 7 ACK\r\n"
                          "Content-Length: 0\r\n\r\n"));
    CHECK_INT(sipcode_txn_receive(t, ack.buf, &ack.m, &peer, 0, 0, ack.len, 1600, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_ACK);
    CHECK_INT(sipcode_txn_poll(t, 30000, ev, 4), 0);
    CHECK_INT(sipcode_txn_poll(t, 40000, ev, 4), 0); /* Timer L: freed, no timeout */
    CHECK_INT(sipcode_txn_count(t), 0);
    sipcode_txn_table_destroy(t);
}

static void txn_cancel(void)
{
    struct sipcode_txn_table *t = new_table(16);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r, cancel, c487;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    char reply[2048], r487[2048];
    const char *tmpl;
    size_t tlen, rlen, needed, reqlen;
    struct sipcode_reply_options o;
    uint32_t inv;
    if (!t)
        return;
    receive_new(t, &r, "INVITE", &peer, 0, 0, 0, &v);
    inv = v.id;
    /* 180 now, a 486 delayed by 5 s */
    opts_init(&o, 180);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, reply, sizeof reply, &rlen, NULL), SIPCODE_OK);
    CHECK_INT(sipcode_txn_reply(t, inv, 180, reply, rlen, 0, 0), SIPCODE_OK);
    opts_init(&o, 486);
    CHECK_INT(sipcode_build_reply(r.buf, &r.m, &o, reply, sizeof reply, &rlen, NULL), SIPCODE_OK);
    CHECK_INT(sipcode_txn_reply(t, inv, 486, reply, rlen, 0, 5000), SIPCODE_OK);
    CHECK_INT(sipcode_txn_poll(t, 1000, ev, 4), 0);
    /* CANCEL: same branch, method CANCEL */
    CHECK(parse_req(&cancel, "CANCEL sip:alice@example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-INVITE-1\r\n"
                             "From: <sip:caller@example.com>;tag=abc\r\n"
                             "To: <sip:alice@example.com>\r\n"
                             "Call-ID: call-INVITE@127.0.0.1\r\nCSeq: 7 CANCEL\r\n"
                             "Content-Length: 0\r\n\r\n"));
    CHECK_INT(sipcode_txn_receive(t, cancel.buf, &cancel.m, &peer, 0, 0, cancel.len, 1000, &v),
              SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_CANCEL);
    CHECK_INT(v.invite, inv);
    CHECK_INT(v.invite_final, 0);
    CHECK(v.id != inv);
    /* 487 to the INVITE, built from its waiting reply as template */
    CHECK_INT(sipcode_txn_template(t, inv, &tmpl, &tlen, &reqlen), SIPCODE_OK);
    CHECK_INT(reqlen, r.len);
    CHECK(parse_req(&c487, tmpl));
    opts_init(&o, 487);
    CHECK_INT(sipcode_build_reply(c487.buf, &c487.m, &o, r487, sizeof r487, &needed, NULL),
              SIPCODE_OK);
    CHECK(strncmp(r487, "SIP/2.0 487 Request Terminated\r\n", 32) == 0);
    CHECK(strstr(r487, "CSeq: 7 INVITE\r\n") != NULL);
    CHECK(strstr(r487, ";tag=t0001\r\n") != NULL);
    CHECK_INT(sipcode_txn_replace_pending(t, inv, 487, r487, needed, 1000), SIPCODE_OK);
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, "200", 3, 1000, 1000), SIPCODE_OK);
    /* the 486 never goes out; the 487 is resent by Timer G */
    CHECK_INT(sipcode_txn_poll(t, 1500, ev, 4), 1);
    CHECK_INT(ev[0].code, 487);
    CHECK_INT(sipcode_txn_poll(t, 2500, ev, 4), 1);
    CHECK_INT(ev[0].code, 487);
    CHECK_INT(sipcode_txn_poll(t, 4499, ev, 4), 0);
    CHECK_INT(sipcode_txn_poll(t, 4500, ev, 4), 1);
    /* a second CANCEL after the final: matched, final already sent */
    CHECK_INT(sipcode_txn_receive(t, cancel.buf, &cancel.m, &peer, 0, 0, cancel.len, 6100, &v),
              SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_RETRANSMIT); /* the CANCEL's own transaction answers again */
    CHECK(v.len == 3);
    sipcode_txn_table_destroy(t);
}

static void txn_cancel_no_match_and_non_invite(void)
{
    struct sipcode_txn_table *t = new_table(2);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    if (!t)
        return;
    receive_new(t, &r, "CANCEL", &peer, 0, 0, 0, &v);
    CHECK_INT(v.kind, SIPCODE_TXN_CANCEL);
    CHECK_INT(v.invite, 0); /* -> 481 */
    receive_new(t, &r, "OPTIONS", &peer, 0, 0, 0, &v);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, "200", 3, 0, 0), SIPCODE_OK);
    /* non-INVITE: no resends; Timer J 64*T1 */
    CHECK_INT(sipcode_txn_poll(t, 31999, ev, 4), 0);
    CHECK_INT(sipcode_txn_count(t), 2);
    /* the table holds 2: a third request finds it full */
    receive_new(t, &r, "MESSAGE", &peer, 0, 0, 1, &v);
    CHECK_INT(v.kind, SIPCODE_TXN_FULL);
    CHECK_INT(sipcode_txn_poll(t, 33000, ev, 4), 0);
    CHECK_INT(sipcode_txn_count(t), 0);
    CHECK_INT(sipcode_txn_receive(t, r.buf, &r.m, &peer, 0, 1, r.len, 33000, &v), SIPCODE_OK);
    CHECK_INT(v.kind, SIPCODE_TXN_NEW);
    /* reliable: Timer J is 0 */
    CHECK_INT(sipcode_txn_reply(t, v.id, 200, "200", 3, 33000, 33000), SIPCODE_OK);
    CHECK_INT(sipcode_txn_poll(t, 33000, ev, 4), 0);
    CHECK_INT(sipcode_txn_count(t), 0);
    sipcode_txn_table_destroy(t);
}

static void txn_reliable_no_timer_g(void)
{
    struct sipcode_txn_table *t = new_table(4);
    struct sipcode_txn_verdict v;
    struct sipcode_txn_event ev[4];
    struct req r;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    if (!t)
        return;
    receive_new(t, &r, "INVITE", &peer, 9, 1, 0, &v);
    CHECK_INT(sipcode_txn_reply(t, v.id, 603, "603", 3, 0, 0), SIPCODE_OK);
    CHECK_INT(sipcode_txn_poll(t, 31999, ev, 4), 0);
    /* Timer H still runs on TCP: no ACK is a timeout */
    CHECK_INT(sipcode_txn_poll(t, 32000, ev, 4), 1);
    CHECK_INT(ev[0].kind, SIPCODE_TXN_EV_TIMEOUT);
    CHECK_INT(ev[0].conn, 9);
    sipcode_txn_table_destroy(t);
}

static void listen_specs(void)
{
    struct sipcode_listen l;
    struct sipcode_diag d;
    char text[64];
    size_t n;
    CHECK_INT(sipcode_parse_listen("udp:127.0.0.1:5060", 18, &l, &d), SIPCODE_OK);
    CHECK_INT(l.tcp, 0);
    CHECK_INT(l.addr.family, 4);
    CHECK_INT(l.addr.port, 5060);
    CHECK_INT(sipcode_parse_listen("tcp:[::1]:0", 11, &l, &d), SIPCODE_OK);
    CHECK_INT(l.tcp, 1);
    CHECK_INT(l.addr.family, 6);
    CHECK_INT(l.addr.ip[15], 1);
    CHECK_INT(sipcode_addr_format(&l.addr, text, sizeof text, &n), SIPCODE_OK);
    CHECK_STR(text, "::1");
    CHECK_INT(sipcode_parse_listen("tcp:[2001:db8::7]:65535", 23, &l, &d), SIPCODE_OK);
    CHECK_INT(l.addr.port, 65535);
    CHECK_INT(sipcode_parse_listen("udp:127.0.0.1:65536", 19, &l, &d), SIPCODE_ERANGE);
    CHECK_INT(sipcode_parse_listen("udp:::1:5060", 12, &l, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_parse_listen("udp:localhost:5060", 18, &l, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_parse_listen("sctp:127.0.0.1:5", 16, &l, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_parse_listen("udp:127.0.0.1:", 14, &l, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_parse_listen("udp:127.0.0.1:5x", 16, &l, &d), SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_addr_format(&l.addr, text, 2, &n), SIPCODE_ENOSPACE);
    CHECK_STR(sipcode_drop_reason_name(SIPCODE_DROP_AMPLIFY), "amplification");
    CHECK_NULL(sipcode_drop_reason_name(SIPCODE_DROP_COUNT));
    CHECK_STR(sipcode_respond_method_name(0), "INVITE");
    CHECK_STR(sipcode_respond_method_name(SIPCODE_RESPOND_METHODS - 1), "other");
    CHECK_NULL(sipcode_respond_method_name(SIPCODE_RESPOND_METHODS));
}

/* Many transactions in random order: timers come out in time order, ACKs
 * and CANCEL-free finals end them all, nothing leaks. */
static void txn_many_random(void)
{
    struct sipcode_txn_table *t = new_table(2000);
    struct sipcode_txn_event ev[64];
    struct sipcode_prng prng;
    struct sipcode_addr peer = v4(127, 0, 0, 1, 5070);
    uint64_t now = 0, last = 0;
    size_t i, n, k, sends = 0, timeouts = 0;
    static struct req r;
    if (!t)
        return;
    sipcode_prng_seed(&prng, 7);
    for (i = 0; i < 1500; i++) {
        char text[1024];
        struct sipcode_txn_verdict v;
        const char *m = (sipcode_prng_next(&prng) & 1) ? "INVITE" : "OPTIONS";
        int code = 200 + (int)(sipcode_prng_next(&prng) % 5) * 100;
        snprintf(text, sizeof text,
                 "%s sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK%zu\r\n"
                 "From: <sip:a@h>;tag=f%zu\r\nTo: <sip:x@h>\r\nCall-ID: c%zu\r\n"
                 "CSeq: 1 %s\r\nContent-Length: 0\r\n\r\n",
                 m, i, i, i, m);
        CHECK(parse_req(&r, text));
        now += sipcode_prng_next(&prng) % 20;
        CHECK_INT(sipcode_txn_receive(t, r.buf, &r.m, &peer, 0, 0, r.len, now, &v), SIPCODE_OK);
        CHECK_INT(v.kind, SIPCODE_TXN_NEW);
        CHECK_INT(sipcode_txn_reply(t, v.id, code, "x", 1, now,
                                    now + (sipcode_prng_next(&prng) % 3) * 700),
                  SIPCODE_OK);
        if (i % 3 == 0 && m[0] == 'I') {
            /* an ACK for some of them, at once: absorbed or stray (delayed final) */
            struct req a;
            char at[1024];
            snprintf(at, sizeof at,
                     "ACK sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK%zu\r\n"
                     "From: <sip:a@h>;tag=f%zu\r\nTo: <sip:x@h>;tag=t\r\nCall-ID: c%zu\r\n"
                     "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
                     i, i, i);
            CHECK(parse_req(&a, at));
            CHECK_INT(sipcode_txn_receive(t, a.buf, &a.m, &peer, 0, 0, a.len, now, &v),
                      SIPCODE_OK);
        }
    }
    CHECK(sipcode_txn_peak(t) > 100 && sipcode_txn_peak(t) <= 1500);
    while ((now = sipcode_txn_next_due(t)) != UINT64_MAX) {
        CHECK(now >= last);
        last = now;
        n = sipcode_txn_poll(t, now, ev, 64);
        for (k = 0; k < n; k++)
            ev[k].kind == SIPCODE_TXN_EV_SEND ? sends++ : timeouts++;
        if (now > 10000000)
            break;
    }
    CHECK_INT(sipcode_txn_count(t), 0);
    CHECK(sends > 1500);
    CHECK(timeouts > 0);
    sipcode_txn_table_destroy(t);
}

static const struct test_case responder_tests[] = {
    {"responder_txn_many_random", txn_many_random},
    {"responder_listen_specs", listen_specs},
    {"responder_every_code_lints_clean", every_code_lints_clean},
    {"responder_via_received_rport_ipv4", via_received_rport_ipv4},
    {"responder_via_received_rules", via_received_rules},
    {"responder_via_received_ipv6", via_received_ipv6},
    {"responder_to_tag_rules", to_tag_rules},
    {"responder_mandatory_headers", mandatory_headers},
    {"responder_phrase_reason_warning", phrase_reason_warning},
    {"responder_no_space_and_amplification", no_space_and_amplification},
    {"responder_version_505_and_bad_request", version_505_and_bad_request},
    {"responder_plan_precedence", plan_precedence},
    {"responder_plan_auth", plan_auth},
    {"responder_rules_file_errors", rules_file_errors},
    {"responder_mix_distribution", mix_distribution},
    {"responder_txn_timer_g_until_h", txn_timer_g_until_h},
    {"responder_record_route_rules", record_route_rules},
    {"responder_txn_long_replies", txn_long_replies},
    {"responder_txn_ack_absorbed", txn_ack_absorbed},
    {"responder_txn_2xx_until_ack", txn_2xx_until_ack},
    {"responder_txn_cancel", txn_cancel},
    {"responder_txn_cancel_no_match_and_non_invite", txn_cancel_no_match_and_non_invite},
    {"responder_txn_reliable_no_timer_g", txn_reliable_no_timer_g},
    {NULL, NULL},
};

TEST_SUITE(responder_tests)
