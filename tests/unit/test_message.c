/* Message framing: RFC 3261 section 24 messages with their fields, compact
 * forms, folding, keep-alives, duplicates, datagram and stream, limits, NUL
 * and DEL, every prefix, header names and lookups. */
#include <stdlib.h>

#include <sipcode.h>

#include "message.h"
#include "test.h"

#define CAP 64

static struct sipcode_header hdrs[CAP];

static enum sipcode_err parse_n(const char *text, size_t len, unsigned flags,
                                struct sipcode_message *m, size_t *used, struct sipcode_diag *d)
{
    return sipcode_parse_message(text, len, flags, hdrs, CAP, m, used, d);
}

static int slice_is(struct sipcode_slice s, const char *text)
{
    if (!text)
        return s.len == 0;
    return s.len == strlen(text) && (s.len == 0 || memcmp(s.ptr, text, s.len) == 0);
}

#define CHECK_SLICE(s, text)                                                                       \
    do {                                                                                           \
        struct sipcode_slice s_ = (s);                                                             \
        const char *t_ = (text);                                                                   \
        if (!slice_is(s_, t_))                                                                     \
            TEST_FAIL_AT("%s: expected \"%s\", got \"%.*s\"", #s, t_ ? t_ : "(empty)",             \
                         (int)s_.len, s_.ptr ? s_.ptr : "");                                       \
    } while (0)

/* The fields every test message below shares. */
#define VIA  "Via: SIP/2.0/UDP pc.example.com;branch=z9hG4bK74b\r\n"
#define FROM "From: <sip:a@example.com>;tag=f1\r\n"
#define TO   "To: <sip:b@example.com>\r\n"
#define CID  "Call-ID: c1@example.com\r\n"
#define REQ  "OPTIONS sip:b@example.com SIP/2.0\r\n"
#define CSEQ "CSeq: 1 OPTIONS\r\n"
#define BASE REQ VIA FROM TO CID CSEQ
#define RESP "SIP/2.0 486 Busy Here\r\n" VIA FROM TO CID CSEQ

/* ---- RFC 3261 section 24 ----------------------------------------------------- */

static const struct rfc_case {
    const char *file;
    int code; /* 0 for requests */
    const char *method, *uri, *reason;
    const char *host;
    unsigned port;
    const char *branch, *received;
    const char *from_tag, *to_tag, *call_id;
    long long cseq;
    const char *cseq_method;
    long max_forwards;
    long long content_length, expires;
    size_t header_count;
} rfc_cases[] = {
    {"24.1-F1-register", 0, "REGISTER", "sip:registrar.biloxi.com", NULL, "bobspc.biloxi.com", 5060,
     "z9hG4bKnashds7", NULL, "456248", NULL, "843817637684230@998sdasdh09", 1826, "REGISTER", 70, 0,
     7200, 9},
    {"24.1-F2-200", 200, NULL, NULL, "OK", "bobspc.biloxi.com", 5060, "z9hG4bKnashds7", "192.0.2.4",
     "456248", "2493k59kd", "843817637684230@998sdasdh09", 1826, "REGISTER", -1, 0, 7200, 8},
    {"24.2-F01-invite", 0, "INVITE", "sip:bob@biloxi.com", NULL, "pc33.atlanta.com", 0,
     "z9hG4bKnashds8", NULL, "1928301774", NULL, "a84b4c76e66710", 314159, "INVITE", 70, 142, -1,
     9},
    {"24.2-F02-100", 100, NULL, NULL, "Trying", "pc33.atlanta.com", 0, "z9hG4bKnashds8",
     "192.0.2.1", "1928301774", NULL, "a84b4c76e66710", 314159, "INVITE", -1, 0, -1, 6},
    {"24.2-F03-invite", 0, "INVITE", "sip:bob@biloxi.com", NULL, "bigbox3.site3.atlanta.com", 0,
     "z9hG4bK77ef4c2312983.1", NULL, "1928301774", NULL, "a84b4c76e66710", 314159, "INVITE", 69,
     142, -1, 10},
    {"24.2-F04-100", 100, NULL, NULL, "Trying", "bigbox3.site3.atlanta.com", 0,
     "z9hG4bK77ef4c2312983.1", "192.0.2.2", "1928301774", NULL, "a84b4c76e66710", 314159, "INVITE",
     -1, 0, -1, 7},
    {"24.2-F05-invite", 0, "INVITE", "sip:bob@192.0.2.4", NULL, "server10.biloxi.com", 0,
     "z9hG4bK4b43c2ff8.1", NULL, "1928301774", NULL, "a84b4c76e66710", 314159, "INVITE", 68, 142,
     -1, 11},
    {"24.2-F06-180", 180, NULL, NULL, "Ringing", "server10.biloxi.com", 0, "z9hG4bK4b43c2ff8.1",
     "192.0.2.3", "1928301774", "a6c85cf", "a84b4c76e66710", 314159, "INVITE", -1, 0, -1, 9},
    {"24.2-F07-180", 180, NULL, NULL, "Ringing", "bigbox3.site3.atlanta.com", 0,
     "z9hG4bK77ef4c2312983.1", "192.0.2.2", "1928301774", "a6c85cf", "a84b4c76e66710", 314159,
     "INVITE", -1, 0, -1, 8},
    {"24.2-F08-180", 180, NULL, NULL, "Ringing", "pc33.atlanta.com", 0, "z9hG4bKnashds8",
     "192.0.2.1", "1928301774", "a6c85cf", "a84b4c76e66710", 314159, "INVITE", -1, 0, -1, 7},
    {"24.2-F09-200", 200, NULL, NULL, "OK", "server10.biloxi.com", 0, "z9hG4bK4b43c2ff8.1",
     "192.0.2.3", "1928301774", "a6c85cf", "a84b4c76e66710", 314159, "INVITE", -1, 131, -1, 10},
    {"24.2-F10-200", 200, NULL, NULL, "OK", "bigbox3.site3.atlanta.com", 0,
     "z9hG4bK77ef4c2312983.1", "192.0.2.2", "1928301774", "a6c85cf", "a84b4c76e66710", 314159,
     "INVITE", -1, 131, -1, 9},
    {"24.2-F11-200", 200, NULL, NULL, "OK", "pc33.atlanta.com", 0, "z9hG4bKnashds8", "192.0.2.1",
     "1928301774", "a6c85cf", "a84b4c76e66710", 314159, "INVITE", -1, 131, -1, 8},
    {"24.2-F12-ack", 0, "ACK", "sip:bob@192.0.2.4", NULL, "pc33.atlanta.com", 0, "z9hG4bKnashds9",
     NULL, "1928301774", "a6c85cf", "a84b4c76e66710", 314159, "ACK", 70, 0, -1, 7},
    {"24.2-F13-bye", 0, "BYE", "sip:alice@pc33.atlanta.com", NULL, "192.0.2.4", 0,
     "z9hG4bKnashds10", NULL, "a6c85cf", "1928301774", "a84b4c76e66710", 231, "BYE", 70, 0, -1, 7},
    {"24.2-F14-200", 200, NULL, NULL, "OK", "192.0.2.4", 0, "z9hG4bKnashds10", NULL, "a6c85cf",
     "1928301774", "a84b4c76e66710", 231, "BYE", -1, 0, -1, 6},
};

static char *read_vector(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "tests/vectors/rfc3261/%s.sip", name);
    return test_read_source_file(path, len);
}

static void rfc3261_examples(void)
{
    size_t i;
    for (i = 0; i < sizeof rfc_cases / sizeof *rfc_cases; i++) {
        const struct rfc_case *c = &rfc_cases[i];
        struct sipcode_message m;
        struct sipcode_diag d = {0, NULL};
        size_t len, used = 0;
        unsigned mode;
        char *text = read_vector(c->file, &len);
        if (!text) {
            TEST_FAIL_AT("%s: vector missing", c->file);
            continue;
        }
        for (mode = 0; mode < 2; mode++) {
            unsigned flags = mode ? SIPCODE_FRAME_STREAM : 0;
            enum sipcode_err err = parse_n(text, len, flags, &m, &used, &d);
            if (err != SIPCODE_OK) {
                TEST_FAIL_AT("%s: %s at %zu: %s", c->file, sipcode_errname(err), d.offset,
                             d.reason);
                continue;
            }
            CHECK_INT(used, len);
            CHECK_INT(m.is_request, c->code == 0);
            if (c->code == 0) {
                CHECK_SLICE(m.request.method, c->method);
                CHECK_SLICE(m.request.uri, c->uri);
            } else {
                CHECK_INT(m.status.code, c->code);
                CHECK_SLICE(m.status.reason, c->reason);
            }
            CHECK(m.has_via);
            CHECK_SLICE(m.via.transport, "UDP");
            CHECK_SLICE(m.via.host, c->host);
            CHECK_INT(m.via.port, c->port);
            CHECK_SLICE(m.via.branch, c->branch);
            CHECK_SLICE(m.via.received, c->received);
            CHECK(!m.via.has_rport);
            CHECK_SLICE(m.from_tag, c->from_tag);
            CHECK_SLICE(m.to_tag, c->to_tag);
            CHECK_SLICE(m.call_id, c->call_id);
            CHECK_INT(m.cseq, c->cseq);
            CHECK_SLICE(m.cseq_method, c->cseq_method);
            CHECK_INT(m.max_forwards, c->max_forwards);
            CHECK_INT(m.content_length, c->content_length);
            CHECK_INT(m.expires, c->expires);
            CHECK_INT(m.retry_after, -1);
            CHECK_INT(m.header_count, c->header_count);
            CHECK(m.headers == hdrs);
            CHECK_INT(m.body.len, c->content_length);
            CHECK(m.body.ptr == text + len - c->content_length);
        }
        free(text);
    }
}

/* http-parser's test_message: every cut of a good message is "more bytes",
 * never an error and never a different message. */
static void rfc3261_every_prefix(void)
{
    size_t i;
    for (i = 0; i < sizeof rfc_cases / sizeof *rfc_cases; i++) {
        struct sipcode_message m;
        struct sipcode_diag d;
        size_t len, k, used;
        char *text = read_vector(rfc_cases[i].file, &len);
        if (!text) {
            TEST_FAIL_AT("%s: vector missing", rfc_cases[i].file);
            continue;
        }
        for (k = 0; k < len; k++) {
            /* An exact-size copy, so ASan sees a read past the cut. */
            char *cut = malloc(k ? k : 1);
            enum sipcode_err err;
            memcpy(cut, text, k);
            err = parse_n(cut, k, SIPCODE_FRAME_STREAM, &m, &used, &d);
            if (err != SIPCODE_EINCOMPLETE)
                TEST_FAIL_AT("%s cut at %zu: stream gives %s", rfc_cases[i].file, k,
                             sipcode_errname(err));
            err = parse_n(cut, k, 0, &m, &used, &d);
            if (err != (k == 0 ? SIPCODE_ENOTFOUND : SIPCODE_EMALFORMED))
                TEST_FAIL_AT("%s cut at %zu: datagram gives %s", rfc_cases[i].file, k,
                             sipcode_errname(err));
            free(cut);
        }
        free(text);
    }
}

/* ---- table of small messages ------------------------------------------------ */

struct frame_case {
    const char *text;
    size_t len;
    unsigned flags;
    enum sipcode_err err;
    long offset; /* diag offset on error, -1: not checked */
    long used;   /* on OK, -1: the whole input */
};

#define STREAM SIPCODE_FRAME_STREAM
#define LF     SIPCODE_LENIENT_BARE_LF
#define FC(text, flags, err, offset, used)                                                         \
    {                                                                                              \
        text, sizeof(text) - 1, flags, err, offset, used                                           \
    }
#define OK(text, flags)          FC(text, flags, SIPCODE_OK, -1, -1)
#define BAD(text, flags, offset) FC(text, flags, SIPCODE_EMALFORMED, offset, -1)

static const struct frame_case frame_cases[] = {
    OK(BASE "Content-Length: 0\r\n\r\n", 0),
    OK(BASE "Content-Length: 0\r\n\r\n", STREAM),
    OK(RESP "Content-Length: 0\r\n\r\n", STREAM),
    /* keep-alives: RFC 5626 4.4.1 double CRLF, and single CRLFs */
    OK("\r\n\r\n" BASE "l: 0\r\n\r\n", STREAM),
    OK("\r\n" BASE "l: 0\r\n\r\n", 0),
    OK("\r\n\r\n\r\n" BASE "l: 0\r\n\r\n", 0),
    FC("\r\n\r\n", STREAM, SIPCODE_EINCOMPLETE, 4, -1),
    FC("\r\n\r\n", 0, SIPCODE_ENOTFOUND, 4, -1),
    FC("", 0, SIPCODE_ENOTFOUND, 0, -1),
    FC("", STREAM, SIPCODE_EINCOMPLETE, 0, -1),
    FC("\r", STREAM, SIPCODE_EINCOMPLETE, 1, -1),
    BAD("\r", 0, 1),
    BAD("\r\r\n" BASE "l: 0\r\n\r\n", 0, 0),
    BAD("\n\n" BASE "l: 0\r\n\r\n", 0, 0),
    OK("\n\n" BASE "l: 0\r\n\r\n", LF),
    /* the start line decides: "SIP/" is a response */
    FC("SI", STREAM, SIPCODE_EINCOMPLETE, 2, -1),
    FC("SIP", STREAM, SIPCODE_EINCOMPLETE, 3, -1),
    BAD("SIP/2.0 1000 Big\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, 11),
    FC("SIP/2.0 099 Low\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, SIPCODE_ERANGE, 8, -1),
    /* fuzz regression: the line parser only sees a complete line, so a cut
     * right after three digits is not ERANGE when the whole is EMALFORMED */
    BAD("SIP/2.0 0200 OK\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, 11),
    FC("SIP/2.0 020", STREAM, SIPCODE_EINCOMPLETE, 11, -1),
    FC("SIP/2.0 020\r", STREAM, SIPCODE_ERANGE, 8, -1),
    BAD("sip/2.0 200 OK\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    OK("sip/2.0 200 OK\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", SIPCODE_LENIENT_VERSION_CASE),
    BAD("OPTIONS  sip:b@example.com SIP/2.0\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD("\r\n\r\nOPTIONS <sip:b@example.com> SIP/2.0\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0,
        12),
    /* header field syntax */
    OK(BASE "Subject  : x\r\nl: 0\r\n\r\n", 0), /* RFC 3261 7.3.1: WS before ':' */
    OK(BASE "Subject:\r\nl: 0\r\n\r\n", 0),     /* empty value */
    OK(BASE "Subject:x\r\nl:0\r\n\r\n", 0),
    BAD(BASE "Subject x\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 8),
    BAD(BASE ": x\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1),
    BAD(BASE "Sub ject: x\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 4),
    BAD(REQ " Via: SIP/2.0/UDP h\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, sizeof(REQ) - 1),
    BAD(BASE "Subject: a\rb\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 10),
    BAD(BASE "Subject: a\nb: c\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 10),
    OK(BASE "Subject: a\nb: c\r\nl: 0\r\n\r\n", LF),
    BAD(BASE "l: 0\r\n\n", 0, sizeof(BASE) - 1 + 6),
    OK(BASE "l: 0\r\n\n", LF),
    OK("OPTIONS sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: "
       "<sip:a@h>;tag=1\nTo: <sip:b@h>\nCall-ID: x\nCSeq: 1 OPTIONS\nl: 0\n\n",
       LF),
    /* NUL and DEL in names and values */
    BAD(BASE "Sub\0ject: x\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    BAD(BASE "Sub\x7fject: x\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    BAD(BASE "Subject: a\0b\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 10),
    BAD(BASE "Subject: a\x7f\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 10),
    BAD(BASE "Subject: a\x01\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 10),
    BAD(BASE "Subject: \"a\0\"\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 11),
    OK(BASE "Subject: \"a\\\0 \\\x7f\"\r\nl: 0\r\n\r\n", 0), /* quoted-pairs (RFC 4475 3.1.1.2) */
    OK(BASE "Server: x (a\\\0b)\r\nl: 0\r\n\r\n", 0),        /* ... and in a comment */
    OK(REQ VIA "From: \"\\\0\\\x7f\" <sip:a@h>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    OK(BASE "Subject: a\tb\r\nl: 0\r\n\r\n", 0),
    /* UTF-8 in values */
    OK(BASE "Subject: \xc3\xa9t\xc3\xa9 \xe2\x9c\x93\r\nl: 0\r\n\r\n", 0),
    BAD(BASE "Subject: \xc3\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 9),
    BAD(BASE "Subject: \xff\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 9),
    BAD(BASE "Subject: \xed\xa0\x80\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 9), /* surrogate */
    FC(BASE "Subject: \xe2\x9c", STREAM, SIPCODE_EINCOMPLETE, sizeof(BASE) - 1 + 11, -1),
    /* Content-Length: datagram and stream (RFC 3261 18.3) */
    OK(BASE "\r\nbody", 0),                                 /* no Content-Length: the rest */
    BAD(BASE "\r\nbody", STREAM, sizeof(BASE) - 1),         /* mandatory on a stream */
    BAD(BASE "l: 5\r\n\r\nbody", 0, sizeof(BASE) - 1 + 12), /* datagram too short */
    FC(BASE "l: 5\r\n\r\nbody", STREAM, SIPCODE_EINCOMPLETE, sizeof(BASE) - 1 + 12, -1),
    FC(BASE "l: 2\r\n\r\nbody", 0, SIPCODE_OK, -1, sizeof(BASE) - 1 + 10), /* rest ignored */
    FC(BASE "l: 2\r\n\r\nbody", STREAM, SIPCODE_OK, -1, sizeof(BASE) - 1 + 10),
    FC(BASE "l: 0\r\n\r\n" BASE "l: 0\r\n\r\n", STREAM, SIPCODE_OK, -1, sizeof(BASE) - 1 + 8),
    OK(BASE "l: 17\r\n\r\nbin\0ary\nbo\rdy\r\n\r\n", STREAM), /* body bytes are never read */
    BAD(BASE "l: -1\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    BAD(BASE "l: +1\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    BAD(BASE "l: 1 2\r\n\r\n", 0, sizeof(BASE) - 1 + 4),
    BAD(BASE "l:\r\n\r\n", 0, sizeof(BASE) - 1 + 2),
    FC(BASE "l: 16777216\r\n\r\n", STREAM, SIPCODE_EINCOMPLETE, -1, -1),
    FC(BASE "l: 16777217\r\n\r\n", STREAM, SIPCODE_ERANGE, sizeof(BASE) - 1 + 3, -1),
    FC(BASE "l: 99999999999999999999999999\r\n\r\n", 0, SIPCODE_ERANGE, sizeof(BASE) - 1 + 3, -1),
    /* duplicates: identical repeats are fine, different ones are not */
    OK(BASE "Content-Length: 2\r\nl: 2\r\n\r\nok", STREAM),
    OK(BASE "Content-Length: 2\r\nl: 002\r\n\r\nok", STREAM),
    BAD(BASE "Content-Length: 2\r\nl: 3\r\n\r\nok!", 0, sizeof(BASE) - 1 + 22),
    OK(BASE CID "l: 0\r\n\r\n", 0),
    BAD(BASE "i: c2@example.com\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    OK(BASE FROM "l: 0\r\n\r\n", 0),
    BAD(BASE "f: <sip:a@example.com>;tag=f2\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    BAD(BASE "t: <sip:c@example.com>\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 3),
    OK(BASE CSEQ "l: 0\r\n\r\n", 0),
    BAD(BASE "CSeq: 2 OPTIONS\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 6),
    OK(BASE "Max-Forwards: 70\r\nMax-Forwards: 70\r\nl: 0\r\n\r\n", 0),
    BAD(BASE "Max-Forwards: 70\r\nMax-Forwards: 69\r\nl: 0\r\n\r\n", 0, -1),
    BAD(BASE "Expires: 60\r\nExpires: 61\r\nl: 0\r\n\r\n", 0, -1),
    BAD(BASE "Retry-After: 60\r\nRetry-After: 61\r\nl: 0\r\n\r\n", 0, -1),
    OK(BASE "Via: SIP/2.0/UDP other.example.com\r\nl: 0\r\n\r\n", 0), /* Via is a list */
    /* mandatory header fields (RFC 3261 8.1.1) */
    BAD(REQ FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CID "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "\r\n", 0, sizeof(REQ) - 1),
    /* CSeq (RFC 3261 8.1.1.5, 20.16) */
    OK(REQ VIA FROM TO CID "CSeq: 2147483647 OPTIONS\r\nl: 0\r\n\r\n", 0),
    FC(REQ VIA FROM TO CID "CSeq: 2147483648 OPTIONS\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE,
       sizeof(REQ VIA FROM TO CID) - 1 + 6, -1),
    FC(REQ VIA FROM TO CID "CSeq: 36893488147419103232 OPTIONS\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE,
       -1, -1),
    OK(REQ VIA FROM TO CID "CSeq: 0 OPTIONS\r\nl: 0\r\n\r\n", 0),
    OK(REQ VIA FROM TO CID "CSeq: 000000000000000000000002147483647 OPTIONS\r\nl: 0\r\n\r\n", 0),
    OK(REQ VIA FROM TO CID "CSeq: 1\r\n  OPTIONS\r\nl: 0\r\n\r\n", 0),
    BAD(REQ VIA FROM TO CID "CSeq: -1 OPTIONS\r\nl: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CID "CSeq: 1\r\nl: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CID "CSeq: 1OPTIONS\r\nl: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CID "CSeq: 1 OPTIONS x\r\nl: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO CID "CSeq: 1 INVITE\r\nl: 0\r\n\r\n", 0,
        sizeof(REQ VIA FROM TO CID) - 1 + 8),
    BAD(REQ VIA FROM TO CID "CSeq: 1 options\r\nl: 0\r\n\r\n", 0, -1), /* case-sensitive */
    OK("SIP/2.0 200 OK\r\n" VIA FROM TO CID "CSeq: 1 INVITE\r\nl: 0\r\n\r\n", 0),
    /* Max-Forwards, Expires, Retry-After */
    OK(BASE "Max-Forwards: 0\r\nl: 0\r\n\r\n", 0),
    OK(BASE "Max-Forwards: 255\r\nl: 0\r\n\r\n", 0),
    OK(BASE "Max-Forwards: 0068\r\nl: 0\r\n\r\n", 0),
    FC(BASE "Max-Forwards: 256\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE, sizeof(BASE) - 1 + 14, -1),
    BAD(BASE "Max-Forwards: seventy\r\nl: 0\r\n\r\n", 0, sizeof(BASE) - 1 + 14),
    OK(BASE "Expires: 4294967295\r\nl: 0\r\n\r\n", 0),
    FC(BASE "Expires: 4294967296\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE, sizeof(BASE) - 1 + 9, -1),
    FC(BASE "Expires: 10000000000000000000000\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE, -1, -1),
    BAD(BASE "Expires: Thu, 01 Dec 1994 16:00:00 GMT\r\nl: 0\r\n\r\n", 0, -1),
    OK(BASE "Retry-After: 18000;duration=3600\r\nl: 0\r\n\r\n", 0),
    OK(BASE "Retry-After: 120 (I'm in a meeting)\r\nl: 0\r\n\r\n", 0),
    FC(BASE "Retry-After: 949302838503028349304023988\r\nl: 0\r\n\r\n", 0, SIPCODE_ERANGE, -1, -1),
    BAD(BASE "Retry-After: 12x\r\nl: 0\r\n\r\n", 0, -1),
    BAD(BASE "Retry-After: soon\r\nl: 0\r\n\r\n", 0, -1),
    /* Via (RFC 3261 20.42, RFC 3581, RFC 5118) */
    OK(REQ "v: SIP / 2.0 / TCP\r\n h.example.com : 5061 ; branch = z9hG4bKx\r\n" FROM TO CID CSEQ
           "l: 0\r\n\r\n",
       0),
    BAD(REQ "Via: SIP/2.0/UDP\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0 UDP h\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDPh\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h;;branch=z9hG4bK1\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h;branch=\"z9hG4bK1\"\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h;branch=a;branch=b\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h;branch=\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h x\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h_x\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP [2001:db8::1\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP []\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h:\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    FC(REQ "Via: SIP/2.0/UDP h:0\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, SIPCODE_ERANGE, -1, -1),
    FC(REQ "Via: SIP/2.0/UDP h:65536\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, SIPCODE_ERANGE, -1,
       -1),
    OK(REQ "Via: SIP/2.0/UDP h:65535\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0),
    BAD(REQ "Via: SIP/2.0/UDP h;received=example.com\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ "Via: SIP/2.0/UDP h;rport=x\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    FC(REQ "Via: SIP/2.0/UDP h;rport=70000\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n", 0, SIPCODE_ERANGE,
       -1, -1),
    OK(REQ "Via: SIP/2.0/UDP h;ttl=1;maddr=224.2.0.1;x=\"q\";y\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n",
       0),
    OK(REQ "Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP ;;junk not read\r\n" FROM TO CID CSEQ
           "l: 0\r\n\r\n",
       0),
    /* From and To (RFC 3261 20.10, 20.20, 20.39) */
    OK(REQ VIA "From: \"A \\\"q\\\" B\" <sip:a@h>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    OK(REQ VIA "From: Alice Smith <sip:a@h> ; tag = 1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    OK(REQ VIA "From: alice<sip:a@h>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    OK(REQ VIA "From: sip:a@h;tag=1;x=\"y;z\"\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    OK(REQ VIA "From: <sip:a@h;tag=uri-param>\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0),
    BAD(REQ VIA "From: \"Alice <sip:a@h>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: \"Alice\" sip:a@h;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: Smith, Alice <sip:a@h>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: < sip:a@h >;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <>;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: sip:a@h?x=y;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h>;tag=1;tag=2\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h>;tag=\"1\"\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h>;tag\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h> junk\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From: <sip:a@h>;;tag=1\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA "From:\r\n" TO CID CSEQ "l: 0\r\n\r\n", 0, -1),
    /* Call-ID = word ["@" word] */
    OK(REQ VIA FROM TO "i: a.b-c!%*_+`'~()<>:\\\"/[]?{}@x\r\n" CSEQ "l: 0\r\n\r\n", 0),
    BAD(REQ VIA FROM TO "Call-ID: a@b@c\r\n" CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO "Call-ID: a b\r\n" CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO "Call-ID: a@\r\n" CSEQ "l: 0\r\n\r\n", 0, -1),
    BAD(REQ VIA FROM TO "Call-ID:\r\n" CSEQ "l: 0\r\n\r\n", 0, -1),
    /* another version: framed anyway, reported (RFC 4475 3.1.2.16) */
    FC("OPTIONS sip:b@h SIP/7.0\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", STREAM, SIPCODE_EVERSION,
       20, -1),
    FC("SIP/3.0 200 OK\r\n" VIA FROM TO CID CSEQ "l: 0\r\n\r\n", 0, SIPCODE_EVERSION, 4, -1),
    FC("SIP/3.0 200 OK\r\n" VIA FROM TO CID CSEQ, STREAM, SIPCODE_EINCOMPLETE, -1, -1),
    BAD("SIP/3.0 200 OK\r\n" VIA FROM TO CID CSEQ "l: x\r\n\r\n", 0, -1),
};

static void frame_table(void)
{
    size_t i;
    for (i = 0; i < sizeof frame_cases / sizeof *frame_cases; i++) {
        const struct frame_case *c = &frame_cases[i];
        struct sipcode_message m;
        struct sipcode_diag d = {99999, NULL};
        size_t used = 0;
        /* Exact-size heap copy: ASan catches a read past the end. */
        char *copy = malloc(c->len ? c->len : 1);
        enum sipcode_err err;
        memcpy(copy, c->text, c->len);
        err = parse_n(copy, c->len, c->flags, &m, &used, &d);
        if (err != c->err) {
            TEST_FAIL_AT("case %zu: expected %s, got %s (at %zu: %s)", i, sipcode_errname(c->err),
                         sipcode_errname(err), d.offset, d.reason ? d.reason : "");
        } else if (err == SIPCODE_OK || err == SIPCODE_EVERSION) {
            size_t want = c->used < 0 ? c->len : (size_t)c->used;
            if (used != want)
                TEST_FAIL_AT("case %zu: used %zu, expected %zu", i, used, want);
        }
        if (err != SIPCODE_OK && (!d.reason || d.offset > c->len))
            TEST_FAIL_AT("case %zu: diag not filled (%zu)", i, d.offset);
        if (err != SIPCODE_OK && c->offset >= 0 && d.offset != (size_t)c->offset)
            TEST_FAIL_AT("case %zu: %s at %zu (%s), expected at %ld", i, sipcode_errname(err),
                         d.offset, d.reason ? d.reason : "", c->offset);
        free(copy);
    }
}

/* ---- fields ------------------------------------------------------------------ */

static enum sipcode_err parse_text(const char *text, unsigned flags, struct sipcode_message *m,
                                   size_t *used)
{
    struct sipcode_diag d;
    return parse_n(text, strlen(text), flags, m, used, &d);
}

static void folding_and_compact_forms(void)
{
    static const char text[] = "INVITE sip:b@h SIP/2.0\r\n"
                               "v: SIP/2.0/UDP h1;branch=z9hG4bKa\r\n"
                               "f: \"A\"\r\n <sip:a@h>\r\n\t;tag=ft\r\n"
                               "t: <sip:b@h>;tag=tt\r\n"
                               "i: cid\r\n"
                               "CSeq: 7\r\n INVITE\r\n"
                               "m: <sip:a@h1>\r\n"
                               "c: application/sdp\r\n"
                               "k: 100rel, timer\r\n"
                               "s: folded\r\n   subject  \r\n"
                               "e: gzip\r\n"
                               "o: dialog\r\n"
                               "u: refer\r\n"
                               "r: <sip:c@h>\r\n"
                               "b: <sip:d@h>\r\n"
                               "x: 1800\r\n"
                               "y: abc\r\n"
                               "a: *;audio\r\n"
                               "j: *;video\r\n"
                               "d: proxy\r\n"
                               "l: 4\r\n"
                               "\r\n"
                               "body";
    static const enum sipcode_header_id ids[] = {
        SIPCODE_H_VIA,
        SIPCODE_H_FROM,
        SIPCODE_H_TO,
        SIPCODE_H_CALL_ID,
        SIPCODE_H_CSEQ,
        SIPCODE_H_CONTACT,
        SIPCODE_H_CONTENT_TYPE,
        SIPCODE_H_SUPPORTED,
        SIPCODE_H_SUBJECT,
        SIPCODE_H_CONTENT_ENCODING,
        SIPCODE_H_EVENT,
        SIPCODE_H_ALLOW_EVENTS,
        SIPCODE_H_REFER_TO,
        SIPCODE_H_REFERRED_BY,
        SIPCODE_H_SESSION_EXPIRES,
        SIPCODE_H_IDENTITY,
        SIPCODE_H_ACCEPT_CONTACT,
        SIPCODE_H_REJECT_CONTACT,
        SIPCODE_H_REQUEST_DISPOSITION,
        SIPCODE_H_CONTENT_LENGTH,
    };
    struct sipcode_message m;
    size_t used, i;
    CHECK_INT(parse_text(text, SIPCODE_FRAME_STREAM, &m, &used), SIPCODE_OK);
    CHECK_INT(used, sizeof text - 1);
    CHECK_INT(m.header_count, sizeof ids / sizeof *ids);
    for (i = 0; i < m.header_count && i < sizeof ids / sizeof *ids; i++)
        CHECK_INT(m.headers[i].id, ids[i]);
    CHECK_SLICE(m.from_tag, "ft");
    CHECK_SLICE(m.to_tag, "tt");
    CHECK_SLICE(m.call_id, "cid");
    CHECK_INT(m.cseq, 7);
    CHECK_SLICE(m.cseq_method, "INVITE");
    CHECK_SLICE(m.headers[1].name, "f");
    CHECK_SLICE(m.headers[1].value, "\"A\"\r\n <sip:a@h>\r\n\t;tag=ft");
    CHECK_SLICE(m.headers[8].value, "folded\r\n   subject");
    CHECK_SLICE(m.body, "body");
    CHECK_INT(m.content_length, 4);
}

static void via_parts(void)
{
    static const struct {
        const char *via;
        const char *transport, *host;
        unsigned port;
        const char *branch, *received, *rport;
        int has_rport;
    } cases[] = {
        {"SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bK1;rport", "UDP", "2001:db8::9:1", 5070,
         "z9hG4bK1", NULL, "", 1},
        {"SIP/2.0/TCP h;rport=5066;received=192.0.2.1;branch=z9hG4bK2", "TCP", "h", 0, "z9hG4bK2",
         "192.0.2.1", "5066", 1},
        {"SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3", "UDP",
         "2001:db8::9:1", 0, "z9hG4bKas3", "2001:db8::9:255", NULL, 0},
        {"SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3", "UDP",
         "2001:db8::9:1", 0, "z9hG4bKas3", "2001:db8::9:255", NULL, 0},
        {"SIP/2.0/TLS a.example.com;BRANCH=z9hG4bKx , SIP/2.0/UDP b.example.com;branch=z9hG4bKy",
         "TLS", "a.example.com", 0, "z9hG4bKx", NULL, NULL, 0},
        {"SIP/2.0/SCTP 192.0.2.1:5060", "SCTP", "192.0.2.1", 5060, NULL, NULL, NULL, 0},
        {"SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw", "UDP", "192.0.2.2", 0,
         "390skdjuw", NULL, NULL, 0},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[512];
        struct sipcode_message m;
        size_t used;
        enum sipcode_err err;
        snprintf(text, sizeof text, REQ "Via: %s\r\n" FROM TO CID CSEQ "l: 0\r\n\r\n",
                 cases[i].via);
        err = parse_text(text, 0, &m, &used);
        if (err != SIPCODE_OK) {
            TEST_FAIL_AT("via case %zu: %s", i, sipcode_errname(err));
            continue;
        }
        CHECK(m.has_via);
        CHECK_SLICE(m.via.transport, cases[i].transport);
        CHECK_SLICE(m.via.host, cases[i].host);
        CHECK_INT(m.via.port, cases[i].port);
        CHECK_SLICE(m.via.branch, cases[i].branch);
        CHECK_SLICE(m.via.received, cases[i].received);
        CHECK_SLICE(m.via.rport, cases[i].rport);
        CHECK_INT(m.via.has_rport, cases[i].has_rport);
    }
}

/* The framer takes the usual Via, From and To by fast paths and leaves the
 * rest to the general parsers. Each value below is parsed as written (fast
 * path) and with a space before every ';' (which only the general parsers
 * take): both must frame and give the same parts. Then values only the
 * general parsers decide must fail as they say. */
static void fast_paths_agree(void)
{
    static const char *const vias[] = {
        "SIP/2.0/UDP proxy1.atlanta.example.com:5060;branch=z9hG4bK1c9e;received=198.51.100.4",
        "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKbda3;rport=5060;received=203.0.113.7",
        "SIP/2.0/TCP h.example.com;BRANCH=z9hG4bK1;RPort;Received=1.2.3.4",
        "SIP/2.0/UDP h:00005060;branch=z9hG4bK1;rport=0;ttl=16;lr",
        "SIP/2.0/UDP h;branch=z9hG4bK1;rport=000000000000065535, SIP/2.0/TCP x;branch=y",
        "SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bK1;rport",
        "SIP/2.0/TCP [::1];branch=z9hG4bK2;received=::1, SIP/2.0/UDP [::2]",
        "SIP/2.0/WSS " "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ".example.com:5061;branch=z9hG4bK" "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        ";received=10.0.0.1;rport=1",
    };
    static const char *const addrs[] = {
        "\"Alice\" <sip:alice@atlanta.example.com>;tag=6a16be08",
        "\"\" <sip:a@h>;tag=1;x=y;lr",
        "\"Bob the builder\"    <sip:bob@biloxi.example.com;transport=tcp>",
        "<sip:carol@chicago.example.com>;TAG=17052193",
        "<sips:d@h>;x=1;tag=a-b.c",
    };
    static const struct {
        const char *via, *from;
        enum sipcode_err err;
    } bad[] = {
        {"SIP/2.0/UDP h:0;branch=z9hG4bK1", NULL, SIPCODE_ERANGE},
        {"SIP/2.0/UDP [::1]:0;branch=z9hG4bK1", NULL, SIPCODE_ERANGE},
        {"SIP/2.0/UDP [::1]x;branch=z9hG4bK1", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP [::1];branch=z9hG4bK1;rport=x", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h:65536;branch=z9hG4bK1", NULL, SIPCODE_ERANGE},
        {"SIP/2.0/UDP h;branch=z9hG4bK1;rport=65536", NULL, SIPCODE_ERANGE},
        {"SIP/2.0/UDP h;branch=z9hG4bK1;rport=5a", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;branch=a;branch=b", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;branch", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;branch=1;received=ghi", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;branch=1;received", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;branch=1;rport;rport", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h;;branch=1", NULL, SIPCODE_EMALFORMED},
        {"SIP/2.0/UDP h:;branch=1", NULL, SIPCODE_EMALFORMED},
        {NULL, "<sip:a@h>;tag=1;tag=2", SIPCODE_EMALFORMED},
        {NULL, "<sip:a@h>;tag", SIPCODE_EMALFORMED},
        {NULL, "<sip:a@h>;tag=", SIPCODE_EMALFORMED},
        {NULL, "<sip:a@h>;;tag=1", SIPCODE_EMALFORMED},
        {NULL, "\"A\\\"\x01\" <sip:a@h>", SIPCODE_EMALFORMED},
        {NULL, "<sip:a@h>;tag=1,x", SIPCODE_EMALFORMED},
    };
    size_t i, k;
    for (i = 0; i < sizeof vias / sizeof *vias + sizeof addrs / sizeof *addrs; i++) {
        const int is_via = i < sizeof vias / sizeof *vias;
        const char *value = is_via ? vias[i] : addrs[i - sizeof vias / sizeof *vias];
        char spaced[512], text[2][2048];
        struct sipcode_message m[2];
        size_t used, n = 0;
        int in_uri = 0;
        for (k = 0; value[k] && n + 2 < sizeof spaced; k++) {
            in_uri = value[k] == '<' ? 1 : value[k] == '>' ? 0 : in_uri;
            if (value[k] == ';' && !in_uri)
                spaced[n++] = ' ';
            spaced[n++] = value[k];
        }
        spaced[n] = '\0';
        for (k = 0; k < 2; k++) {
            const char *v = k ? spaced : value;
            if (is_via)
                snprintf(text[k], sizeof text[k], "SIP/2.0 200 OK\r\nVia: %s\r\n" FROM TO CID
                         "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", v);
            else
                snprintf(text[k], sizeof text[k], "SIP/2.0 200 OK\r\n" VIA "From: %s\r\nTo: %s\r\n"
                         CID "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", v, v);
            if (parse_text(text[k], 0, &m[k], &used) != SIPCODE_OK)
                TEST_FAIL_AT("case %zu%s does not frame", i, k ? " spaced" : "");
        }
#define SAME(field)                                                                                \
    do {                                                                                           \
        if (m[0].field.len != m[1].field.len ||                                                    \
            (m[0].field.len && memcmp(m[0].field.ptr, m[1].field.ptr, m[0].field.len) != 0))     \
            TEST_FAIL_AT("case %zu: %s differs", i, #field);                                       \
    } while (0)
        SAME(via.transport);
        SAME(via.host);
        SAME(via.branch);
        SAME(via.received);
        SAME(via.rport);
        SAME(from_tag);
        SAME(to_tag);
#undef SAME
        CHECK_INT(m[0].via.port, m[1].via.port);
        CHECK_INT(m[0].via.has_rport, m[1].via.has_rport);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[1024];
        struct sipcode_message m;
        size_t used;
        if (bad[i].via)
            snprintf(text, sizeof text, "SIP/2.0 200 OK\r\nVia: %s\r\n" FROM TO CID
                     "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", bad[i].via);
        else
            snprintf(text, sizeof text, "SIP/2.0 200 OK\r\n" VIA "From: %s\r\n" TO CID
                     "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n", bad[i].from);
        CHECK_INT(parse_text(text, 0, &m, &used), bad[i].err);
    }
}

static void tags_and_numbers(void)
{
    struct sipcode_message m;
    size_t used;
    CHECK_INT(parse_text(REQ VIA
                         "From: \"J Rosenberg \\\\\\\"\"  <sip:j@h>\r\n  ;\r\n  tag = 98asjd8\r\n"
                         "TO :\r\n sip:v@h ;   tag    = 1918181833n\r\n" CID
                         "CSeq: 0009\r\n  OPTIONS\r\n"
                         "MaX-fOrWaRdS: 0068\r\nExpires: 4294967295\r\n"
                         "Retry-After: 120 (soon) ;duration=60\r\nl: 0\r\n\r\n",
                         0, &m, &used),
              SIPCODE_OK);
    CHECK_SLICE(m.from_tag, "98asjd8");
    CHECK_SLICE(m.to_tag, "1918181833n");
    CHECK_INT(m.cseq, 9);
    CHECK_INT(m.max_forwards, 68);
    CHECK_INT(m.expires, 4294967295LL);
    CHECK_INT(m.retry_after, 120);
    CHECK_INT(m.content_length, 0);
    CHECK_INT(m.body.len, 0);

    /* absent: empty slices and -1 */
    CHECK_INT(parse_text(REQ "Via: SIP/2.0/UDP h\r\nFrom: sip:a@h\r\nTo: sip:b@h\r\n" CID CSEQ
                             "\r\n",
                         0, &m, &used),
              SIPCODE_OK);
    CHECK_SLICE(m.via.branch, NULL);
    CHECK_SLICE(m.from_tag, NULL);
    CHECK_SLICE(m.to_tag, NULL);
    CHECK_INT(m.max_forwards, -1);
    CHECK_INT(m.content_length, -1);
    CHECK_INT(m.expires, -1);
    CHECK_INT(m.retry_after, -1);
    CHECK_INT(m.body.len, 0);
}

/* RFC 4475 3.1.2.16: another version is reported, with the message framed
 * so that a 505 can be built from its fields. */
static void version_framed(void)
{
    static const char text[] = "SIP/3.0 180 Ringing\r\n" VIA FROM "To: <sip:b@h>;tag=t9\r\n" CID
                               "CSeq: 1 INVITE\r\nl: 0\r\n\r\n";
    struct sipcode_message m;
    struct sipcode_diag d = {0, NULL};
    size_t used = 0;
    CHECK_INT(parse_n(text, sizeof text - 1, SIPCODE_FRAME_STREAM, &m, &used, &d),
              SIPCODE_EVERSION);
    CHECK_INT(d.offset, 4);
    CHECK(d.reason != NULL);
    CHECK_INT(used, sizeof text - 1);
    CHECK(!m.is_request);
    CHECK_INT(m.status.version_major, 3);
    CHECK_INT(m.status.code, 180);
    CHECK_SLICE(m.via.branch, "z9hG4bK74b");
    CHECK_SLICE(m.to_tag, "t9");
    CHECK_SLICE(m.cseq_method, "INVITE");
    CHECK_INT(m.header_count, 6);
    CHECK(m.headers == hdrs && hdrs[0].id == SIPCODE_H_VIA);
}

/* Out-parameters stay as they were on every error (wire.h contract). */
static void untouched_on_error(void)
{
    static const char *bad[] = {
        BASE "l: 5\r\n\r\n",
        BASE "CSeq: 2 OPTIONS\r\nl: 0\r\n\r\n",
        BASE "Sub\x01ject: x\r\n\r\n",
        REQ VIA FROM TO CID "\r\n",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct sipcode_header h[CAP], h0[CAP];
        struct sipcode_message m, m0;
        size_t used = 12345;
        struct sipcode_diag d;
        memset(h, 0xa5, sizeof h);
        memset(h0, 0xa5, sizeof h0);
        memset(&m, 0x5a, sizeof m);
        memset(&m0, 0x5a, sizeof m0);
        CHECK(sipcode_parse_message(bad[i], strlen(bad[i]), 0, h, CAP, &m, &used, &d) !=
              SIPCODE_OK);
        CHECK(memcmp(h, h0, sizeof h) == 0);
        CHECK(memcmp(&m, &m0, sizeof m) == 0);
        CHECK_INT(used, 12345);
    }
}

static void header_cap(void)
{
    static const char text[] = BASE "l: 0\r\n\r\n"; /* 6 header fields */
    struct sipcode_header h[7];
    struct sipcode_message m;
    struct sipcode_diag d;
    size_t used;
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, h, 6, &m, &used, &d), SIPCODE_OK);
    CHECK_INT(m.header_count, 6);
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, h, 5, &m, &used, &d), SIPCODE_ELIMIT);
    CHECK_INT(d.offset, sizeof(BASE) - 1);
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, NULL, 0, &m, &used, &d),
              SIPCODE_ELIMIT);
    CHECK_INT(sipcode_parse_message(NULL, 0, 0, h, 7, &m, &used, &d), SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_parse_message(NULL, 3, 0, h, 7, &m, &used, &d), SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, NULL, 7, &m, &used, &d),
              SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, h, 7, NULL, &used, &d),
              SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_message(text, sizeof text - 1, 0, h, 7, &m, NULL, NULL),
              SIPCODE_EINVAL);
}

/* A message with one extra header field of n bytes (name, colon, value; the
 * line end not counted), the rest of it fixed. */
static char *with_field_of(size_t n, const char *name, int folded, size_t *len)
{
    static const char head[] = BASE, tail[] = "\r\nl: 0\r\n\r\n";
    size_t nl = strlen(name), i, at;
    char *buf = malloc(sizeof head + n + sizeof tail);
    memcpy(buf, head, sizeof head - 1);
    at = sizeof head - 1;
    memcpy(buf + at, name, nl);
    buf[at + nl] = ':';
    for (i = nl + 1; i < n; i++)
        buf[at + i] = 'x';
    if (folded && n > nl + 10) {
        buf[at + n / 2] = '\r';
        buf[at + n / 2 + 1] = '\n';
        buf[at + n / 2 + 2] = ' ';
    }
    memcpy(buf + at + n, tail, sizeof tail - 1);
    *len = at + n + sizeof tail - 1;
    return buf;
}

static void line_limits(void)
{
    struct sipcode_message m;
    struct sipcode_diag d;
    size_t used, len;
    char *buf;
    int folded;
    for (folded = 0; folded < 2; folded++) {
        buf = with_field_of(SIPCODE_MAX_LINE, "Subject", folded, &len);
        CHECK_INT(parse_n(buf, len, 0, &m, &used, &d), SIPCODE_OK);
        CHECK_INT(m.headers[5].value.len, SIPCODE_MAX_LINE - 8);
        free(buf);
        buf = with_field_of(SIPCODE_MAX_LINE + 1, "Subject", folded, &len);
        CHECK_INT(parse_n(buf, len, 0, &m, &used, &d), SIPCODE_ELIMIT);
        CHECK_INT(d.offset, sizeof(BASE) - 1 + SIPCODE_MAX_LINE);
        /* a stream cut before the limit only needs more bytes */
        CHECK_INT(
            parse_n(buf, sizeof(BASE) - 1 + SIPCODE_MAX_LINE, SIPCODE_FRAME_STREAM, &m, &used, &d),
            SIPCODE_EINCOMPLETE);
        CHECK_INT(
            parse_n(buf, sizeof(BASE) + SIPCODE_MAX_LINE, SIPCODE_FRAME_STREAM, &m, &used, &d),
            SIPCODE_ELIMIT);
        free(buf);
    }
    /* a name alone longer than the limit */
    buf = malloc(sizeof BASE + SIPCODE_MAX_LINE + 100);
    memcpy(buf, BASE, sizeof BASE - 1);
    memset(buf + sizeof BASE - 1, 'n', SIPCODE_MAX_LINE + 10);
    len = sizeof BASE - 1 + SIPCODE_MAX_LINE + 10;
    CHECK_INT(parse_n(buf, len, SIPCODE_FRAME_STREAM, &m, &used, &d), SIPCODE_ELIMIT);
    CHECK_INT(parse_n(buf, len - 11, SIPCODE_FRAME_STREAM, &m, &used, &d), SIPCODE_EINCOMPLETE);
    /* white space before the colon counts too */
    memcpy(buf + sizeof BASE - 1, "Subject", 7);
    memset(buf + sizeof BASE - 1 + 7, ' ', SIPCODE_MAX_LINE + 3);
    CHECK_INT(parse_n(buf, len, SIPCODE_FRAME_STREAM, &m, &used, &d), SIPCODE_ELIMIT);
    CHECK_INT(d.offset, sizeof(BASE) - 1 + SIPCODE_MAX_LINE);
    /* a start line longer than the limit (the line parser's limit) */
    memcpy(buf, "OPTIONS sip:", 12);
    memset(buf + 12, 'u', SIPCODE_MAX_LINE + 10);
    CHECK_INT(parse_n(buf, SIPCODE_MAX_LINE + 22, SIPCODE_FRAME_STREAM, &m, &used, &d),
              SIPCODE_ELIMIT);
    free(buf);
}

/* ---- names and lookups --------------------------------------------------------- */

static void header_ids_and_names(void)
{
    static const struct {
        const char *name;
        enum sipcode_header_id id;
    } names[] = {
        {"Via", SIPCODE_H_VIA},
        {"vIA", SIPCODE_H_VIA},
        {"v", SIPCODE_H_VIA},
        {"V", SIPCODE_H_VIA},
        {"call-id", SIPCODE_H_CALL_ID},
        {"CALL-ID", SIPCODE_H_CALL_ID},
        {"I", SIPCODE_H_CALL_ID},
        {"cseq", SIPCODE_H_CSEQ},
        {"l", SIPCODE_H_CONTENT_LENGTH},
        {"www-authenticate", SIPCODE_H_WWW_AUTHENTICATE},
        {"min-se", SIPCODE_H_MIN_SE},
        {"Record-Route", SIPCODE_H_RECORD_ROUTE},
        {"Route", SIPCODE_H_ROUTE},
        {"Routes", SIPCODE_H_OTHER},
        {"Rout", SIPCODE_H_OTHER},
        {"n", SIPCODE_H_OTHER}, /* Identity-Info's compact form: not an id here */
        {"g", SIPCODE_H_OTHER},
        {"z", SIPCODE_H_OTHER},
        {"1", SIPCODE_H_OTHER},
        {"", SIPCODE_H_OTHER},
        {"C%6Fntact", SIPCODE_H_OTHER},
        {"Content-Length\0", SIPCODE_H_OTHER},
    };
    size_t i;
    for (i = 0; i < sizeof names / sizeof *names; i++) {
        size_t len = strlen(names[i].name);
        if (i == sizeof names / sizeof *names - 1)
            len++; /* with the NUL */
        CHECK_INT(sipcode_header_id(names[i].name, len), names[i].id);
    }
    CHECK_INT(sipcode_header_id(NULL, 3), SIPCODE_H_OTHER);
    CHECK_NULL(sipcode_header_name(SIPCODE_H_OTHER));
    CHECK_NULL(sipcode_header_name(SIPCODE_H__COUNT));
    CHECK_NULL(sipcode_header_name((enum sipcode_header_id) - 1));
    CHECK_STR(sipcode_header_name(SIPCODE_H_CALL_ID), "Call-ID");
    CHECK_STR(sipcode_header_name(SIPCODE_H_CSEQ), "CSeq");
    CHECK_STR(sipcode_header_name(SIPCODE_H_WWW_AUTHENTICATE), "WWW-Authenticate");
    CHECK_STR(sipcode_header_name(SIPCODE_H_MIN_SE), "Min-SE");
    CHECK_STR(sipcode_header_name(SIPCODE_H_MAX_FORWARDS), "Max-Forwards");
    /* every id round-trips by name and by compact form, and has one name */
    for (i = 1; i < SIPCODE_H__COUNT; i++) {
        const char *n = sipcode_header_name((enum sipcode_header_id)i);
        char c = sipcode__header_compact((enum sipcode_header_id)i);
        size_t j;
        if (!n) {
            TEST_FAIL_AT("id %zu has no name", i);
            continue;
        }
        CHECK_INT(sipcode_header_id(n, strlen(n)), i);
        if (c) {
            char upper = (char)(c - 'a' + 'A');
            CHECK_INT(sipcode_header_id(&c, 1), i);
            CHECK_INT(sipcode_header_id(&upper, 1), i);
        }
        for (j = 1; j < i; j++)
            CHECK(strcmp(n, sipcode_header_name((enum sipcode_header_id)j)) != 0);
    }
    /* and no letter maps to an id whose table entry does not name it */
    for (i = 0; i < 26; i++) {
        char c = (char)('a' + i);
        enum sipcode_header_id id = sipcode_header_id(&c, 1);
        if (id != SIPCODE_H_OTHER)
            CHECK_INT(sipcode__header_compact(id), c);
    }
}

static void find_headers(void)
{
    static const char text[] = "SIP/2.0 200 OK\r\n"
                               "Via: SIP/2.0/UDP a;branch=z9hG4bK1\r\n"
                               "v: SIP/2.0/UDP b;branch=z9hG4bK2\r\n"
                               "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: x\r\n"
                               "CSeq: 1 INVITE\r\n"
                               "Warning: 399 h \"one\"\r\n"
                               "X-Custom: 1\r\n"
                               "x-custom: 2\r\n"
                               "Reason: SIP;cause=200\r\n"
                               "Content-Length: 0\r\n\r\n";
    struct sipcode_message m;
    const struct sipcode_header *h;
    struct sipcode_header other;
    size_t used;
    CHECK_INT(parse_text(text, 0, &m, &used), SIPCODE_OK);
    h = sipcode_message_find(&m, "VIA", 3, NULL);
    CHECK(h == &m.headers[0]);
    h = sipcode_message_find(&m, "v", 1, h);
    CHECK(h == &m.headers[1]);
    CHECK_SLICE(h->value, "SIP/2.0/UDP b;branch=z9hG4bK2");
    CHECK_NULL(sipcode_message_find(&m, "Via", 3, h));
    h = sipcode_message_find(&m, "x-CUSTOM", 8, NULL);
    CHECK(h && slice_is(h->value, "1"));
    h = sipcode_message_find(&m, "X-Custom", 8, h);
    CHECK(h && slice_is(h->value, "2"));
    CHECK_NULL(sipcode_message_find(&m, "X-Custom", 8, h));
    CHECK_NULL(sipcode_message_find(&m, "X-Custo", 7, NULL));
    h = sipcode_message_find(&m, "Reason", 6, NULL);
    CHECK(h && h->id == SIPCODE_H_REASON && slice_is(h->value, "SIP;cause=200"));
    h = sipcode_message_find(&m, "warning", 7, NULL);
    CHECK(h && h->id == SIPCODE_H_WARNING);
    CHECK_NULL(sipcode_message_find(&m, "Require", 7, NULL));
    CHECK_NULL(sipcode_message_find(&m, "Via", 3, &other)); /* not one of msg's */
    CHECK_NULL(sipcode_message_find(NULL, "Via", 3, NULL));
    CHECK_NULL(sipcode_message_find(&m, NULL, 3, NULL));
    CHECK_NULL(sipcode_message_find(&m, "Via", 0, NULL));
}

static const struct test_case message_tests[] = {
    {"message_rfc3261_examples", rfc3261_examples},
    {"message_rfc3261_every_prefix", rfc3261_every_prefix},
    {"message_frame_table", frame_table},
    {"message_folding_and_compact_forms", folding_and_compact_forms},
    {"message_via_parts", via_parts},
    {"message_fast_paths_agree", fast_paths_agree},
    {"message_tags_and_numbers", tags_and_numbers},
    {"message_version_framed", version_framed},
    {"message_untouched_on_error", untouched_on_error},
    {"message_header_cap", header_cap},
    {"message_line_limits", line_limits},
    {"message_header_ids_and_names", header_ids_and_names},
    {"message_find_headers", find_headers},
    {NULL, NULL},
};

TEST_SUITE(message_tests)
