/* response_bench.c - "status code, CSeq and Call-ID from a full SIP
 * response" per second: sipcode's sipcode_parse_message() against oSIP2's
 * osip_message_parse() and libre's sip_msg_decode(), on the same datagrams
 * in one run.
 *
 *   bench/response_bench [--reps N] [--passes N] [--raw]
 *   bench/response_bench --dump
 *
 * --raw also prints every repetition's ns per message, in run order;
 * --dump prints the first message of each kind and exits.
 *
 * Built and run by bench/run.sh (make bench); see bench/README.md.
 *
 * Input: N_MSG responses generated in code from the templates below with a
 * xorshift32 generator and the fixed seed SEQ_SEED (the FNV-1a hash of all
 * bytes is printed so runs can be compared). Every message is distinct:
 * its own Call-ID (host-qualified or a bare UUID), CSeq number, branches,
 * tags, nonces and SDP ports. The kinds and their shares:
 *   100 Trying (INVITE)                       15%  Via on two lines, one with two values
 *   180 Ringing (INVITE)                      17%  three Vias, Record-Route, Contact, Allow
 *   180 Ringing, compact form (INVITE)         5%  v: f: t: i: m: l:
 *   183 Session Progress (INVITE)              5%  Require: 100rel, RSeq, SDP body
 *   200 OK (INVITE)                           15%  Record-Route, Contact, Session-Expires, SDP body
 *   200 OK, compact form (BYE)                 5%
 *   200 OK (REGISTER)                          8%  Contact;expires, Expires, Date, Server
 *   401 Unauthorized (REGISTER)                8%  two WWW-Authenticate challenges
 *   407 Proxy Authentication Required          6%  Proxy-Authenticate
 *   486 Busy Here (INVITE)                     5%  Warning
 *   487 Request Terminated (INVITE)            6%
 *   503 Service Unavailable (INVITE)           5%  Retry-After, Reason: Q.850
 * Each message sits in its own libre mbuf (libre's decoder takes nothing
 * else), built before timing; sipcode and oSIP2 read the same bytes at the
 * same addresses, mb->buf[0..mb->end).
 *
 * What one timed call is, per column of the report, each followed by
 * reading the status code, the CSeq number and method and the Call-ID:
 *   sipcode  sipcode_parse_message(buf, len, 0 (strict, datagram), headers,
 *            MAX_HEADERS, &msg, &used, NULL) with a header array on the
 *            stack; msg.status.code, msg.cseq, msg.cseq_method, msg.call_id.
 *            Nothing is allocated or freed; every header field line is
 *            framed and the well-known ones (Via, From, To, Call-ID, CSeq,
 *            Content-Length, Expires, Retry-After ...) are checked.
 *   osip2    osip_message_init(&m) + osip_message_parse(m, buf, len), then
 *            m->status_code, osip_message_get_call_id(m) (number and host,
 *            split at '@'), osip_message_get_cseq(m) (number as a string,
 *            turned into an integer with strtoul as an application must),
 *            then osip_message_free(m): what a user pays per message.
 *   libre    mb->pos = 0 + sip_msg_decode(&msg, mb), then msg->scode,
 *            msg->cseq.num, msg->cseq.met, msg->callid, then mem_deref(msg).
 *            sip_msg_decode() allocates the message, a header hash table
 *            and one object per header field, and draws msg->tag from
 *            OpenSSL's RAND_bytes() (libre 1.1.0 as built by Debian).
 *
 * Results are checked while timing: each call's status code, CSeq number,
 * CSeq method and Call-ID bytes are compared with the values the message
 * was generated with (so the three libraries agree with each other on every
 * message); a mismatch or a failed call is an error and fails the run. The
 * per-pass sums of codes and CSeq numbers must also equal the expected
 * ones. Before timing every message is parsed by each library once more
 * and checked more closely: sipcode must consume the whole datagram and
 * find the body generated, libre must stop at the body.
 *
 * Timing: CLOCK_MONOTONIC around PASSES passes over the N_MSG messages,
 * REPS repetitions, libraries back to back within a repetition with the
 * order rotating each repetition. Reported by bench_report() (bench.h). */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

#include <osipparser2/osip_parser.h>

#include <re.h>

#include "bench.h"

#define N_MSG          1024
#define SEQ_SEED       0x5195C0DEu
#define DEFAULT_REPS   15
#define DEFAULT_PASSES 4
#define MAX_HEADERS    32 /* the largest message here has 17 header fields */
#define MSG_MAX        2048
#define BODY_MAX       512
#define CALLID_MAX     64

enum kind {
    K_100,
    K_180,
    K_180_COMPACT,
    K_183,
    K_200_INVITE,
    K_200_BYE_COMPACT,
    K_200_REGISTER,
    K_401,
    K_407,
    K_486,
    K_487,
    K_503,
    N_KINDS
};

/* Share of each kind, in percent, in enum order. */
static const unsigned kind_share[N_KINDS] = {15, 17, 5, 5, 15, 5, 8, 8, 6, 5, 6, 5};
static const char *const kind_name[N_KINDS] = {"100 Trying",
                                               "180 Ringing",
                                               "180 Ringing (compact)",
                                               "183 Session Progress",
                                               "200 OK (INVITE)",
                                               "200 OK (BYE, compact)",
                                               "200 OK (REGISTER)",
                                               "401 Unauthorized",
                                               "407 Proxy Auth",
                                               "486 Busy Here",
                                               "487 Request Terminated",
                                               "503 Service Unavailable"};

/* One generated response and the values every library must find in it. */
struct msg {
    struct mbuf *mb; /* the bytes: mb->buf[0..mb->end) */
    enum kind kind;
    int code;
    uint32_t cseq;
    const char *method;
    size_t method_len;
    char call_id[CALLID_MAX];
    size_t call_id_len;
    size_t body_len;
};

enum { LIB_SIPCODE, LIB_OSIP2, LIB_LIBRE, N_LIBS };
static const char *const lib_names[N_LIBS] = {"sipcode", "osip2", "libre"};

struct tally {
    uint64_t code_sum, cseq_sum;
    uint64_t errors;
};

/* ---- generating the input ------------------------------------------------ */

struct gen {
    uint32_t state;
    char *at;
    size_t left;
    int overflow;
};

static uint32_t rnd(struct gen *g)
{
    return bench_xorshift32(&g->state);
}

static void put(struct gen *g, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(g->at, g->left, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= g->left) {
        g->overflow = 1;
        return;
    }
    g->at += n;
    g->left -= (size_t)n;
}

/* A branch parameter value: the RFC 3261 magic cookie and 12 hex digits. */
static void branch(struct gen *g, char *out, size_t cap)
{
    snprintf(out, cap, "z9hG4bK%08x%04x", (unsigned)rnd(g), (unsigned)(rnd(g) & 0xffffu));
}

static void tag(struct gen *g, char *out, size_t cap)
{
    snprintf(out, cap, "%08x", (unsigned)rnd(g));
}

static void sdp(struct gen *g, char *out, size_t cap, const char *who, const char *ip)
{
    unsigned long sess = 2800000000ul + (unsigned long)(rnd(g) % 100000000u);
    unsigned port = 16384u + 2u * (unsigned)(rnd(g) % 8000u);
    snprintf(out, cap,
             "v=0\r\n"
             "o=%s %lu %lu IN IP4 %s\r\n"
             "s=-\r\n"
             "c=IN IP4 %s\r\n"
             "t=0 0\r\n"
             "m=audio %u RTP/AVP 0 8 101\r\n"
             "a=rtpmap:0 PCMU/8000\r\n"
             "a=rtpmap:8 PCMA/8000\r\n"
             "a=rtpmap:101 telephone-event/8000\r\n"
             "a=fmtp:101 0-16\r\n"
             "a=ptime:20\r\n"
             "a=sendrecv\r\n",
             who, sess, sess, ip, ip, port);
}

static enum kind pick_kind(struct gen *g)
{
    unsigned r = (unsigned)(rnd(g) % 100u), acc = 0;
    int k;
    for (k = 0; k < N_KINDS; k++) {
        acc += kind_share[k];
        if (r < acc)
            return (enum kind)k;
    }
    return K_200_INVITE;
}

/* Writes one response of kind m->kind into g and fills m's expected values. */
static void make_msg(struct gen *g, struct msg *m)
{
    char b1[32], b2[32], b3[32], ftag[16], ttag[16], body[BODY_MAX];
    const char *hdr_body = "";
    int compact = m->kind == K_180_COMPACT || m->kind == K_200_BYE_COMPACT;

    /* Call-ID: two thirds "local-id@host" as most UAs write it, one third a
     * bare UUID (no '@'), as others do. */
    if (rnd(g) % 3u != 0)
        snprintf(m->call_id, sizeof m->call_id, "%08x%08x@pc%u.atlanta.example.com",
                 (unsigned)rnd(g), (unsigned)rnd(g), (unsigned)(rnd(g) % 100u));
    else
        snprintf(m->call_id, sizeof m->call_id, "%08x-%04x-%04x-%04x-%08x%04x", (unsigned)rnd(g),
                 (unsigned)(rnd(g) & 0xffffu), (unsigned)(rnd(g) & 0xffffu),
                 (unsigned)(rnd(g) & 0xffffu), (unsigned)rnd(g), (unsigned)(rnd(g) & 0xffffu));
    m->call_id_len = strlen(m->call_id);
    /* Mostly small CSeq numbers, sometimes large ones up to 2**31 - 1. */
    m->cseq = rnd(g) % 8u == 0 ? 1u + rnd(g) % 2147483647u : 1u + rnd(g) % 20000u;
    branch(g, b1, sizeof b1);
    branch(g, b2, sizeof b2);
    branch(g, b3, sizeof b3);
    tag(g, ftag, sizeof ftag);
    tag(g, ttag, sizeof ttag);
    body[0] = '\0';

    switch (m->kind) {
    case K_100:
        m->code = 100;
        m->method = "INVITE";
        put(g, "SIP/2.0 100 Trying\r\n");
        put(g,
            "Via: SIP/2.0/UDP proxy1.atlanta.example.com:5060;branch=%s;received=198.51.100.4,"
            " SIP/2.0/UDP 192.0.2.10:5060;branch=%s;rport=5060;received=203.0.113.7\r\n",
            b1, b2);
        put(g, "Via: SIP/2.0/TCP 198.51.100.20:5061;branch=%s\r\n", b3);
        put(g, "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        put(g, "To: <sip:bob@biloxi.example.com>\r\n");
        break;
    case K_180:
    case K_183:
    case K_200_INVITE:
        m->code = m->kind == K_180 ? 180 : m->kind == K_183 ? 183 : 200;
        m->method = "INVITE";
        put(g, "SIP/2.0 %s\r\n",
            m->code == 180   ? "180 Ringing"
            : m->code == 183 ? "183 Session Progress"
                             : "200 OK");
        put(g,
            "Via: SIP/2.0/UDP proxy1.atlanta.example.com:5060;branch=%s;received=198.51.100.4,"
            " SIP/2.0/UDP 192.0.2.10:5060;branch=%s;rport=5060;received=203.0.113.7\r\n",
            b1, b2);
        put(g, "Via: SIP/2.0/TCP 198.51.100.20:5061;branch=%s\r\n", b3);
        put(g, "Record-Route: <sip:proxy2.biloxi.example.com;lr>, "
               "<sip:proxy1.atlanta.example.com;lr>\r\n");
        put(g, "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        put(g, "To: \"Bob\" <sip:bob@biloxi.example.com>;tag=%s\r\n", ttag);
        if (m->kind == K_183) {
            put(g, "Require: 100rel\r\n");
            put(g, "RSeq: %u\r\n", 1u + (unsigned)(rnd(g) % 1000u));
        }
        if (m->kind == K_200_INVITE) {
            put(g, "Session-Expires: 1800;refresher=uac\r\n");
            put(g, "Server: ExamplePBX/4.2\r\n");
        }
        hdr_body = "Contact: <sip:bob@192.0.2.44:5060;transport=udp>\r\n"
                   "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, UPDATE, PRACK\r\n"
                   "Supported: replaces, timer\r\n";
        if (m->kind != K_180)
            sdp(g, body, sizeof body, "bob", "192.0.2.44");
        break;
    case K_180_COMPACT:
        m->code = 180;
        m->method = "INVITE";
        put(g, "SIP/2.0 180 Ringing\r\n");
        put(g, "v: SIP/2.0/UDP 192.0.2.10:5060;branch=%s;rport=5060\r\n", b1);
        put(g, "f: <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        put(g, "t: <sip:bob@biloxi.example.com>;tag=%s\r\n", ttag);
        hdr_body = "m: <sip:bob@192.0.2.44>\r\n";
        break;
    case K_200_BYE_COMPACT:
        m->code = 200;
        m->method = "BYE";
        put(g, "SIP/2.0 200 OK\r\n");
        put(g, "v: SIP/2.0/UDP 192.0.2.44:5060;branch=%s\r\n", b1);
        put(g, "f: <sip:bob@biloxi.example.com>;tag=%s\r\n", ttag);
        put(g, "t: \"Alice\" <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        break;
    case K_200_REGISTER:
    case K_401:
        m->code = m->kind == K_401 ? 401 : 200;
        m->method = "REGISTER";
        put(g, "SIP/2.0 %s\r\n", m->code == 401 ? "401 Unauthorized" : "200 OK");
        put(g, "Via: SIP/2.0/UDP 192.0.2.101:5060;branch=%s;received=203.0.113.9;rport=49152\r\n",
            b1);
        put(g, "From: <sip:carol@chicago.example.com>;tag=%s\r\n", ftag);
        put(g, "To: <sip:carol@chicago.example.com>;tag=%s\r\n", ttag);
        if (m->kind == K_401) {
            unsigned n1 = (unsigned)rnd(g), n2 = (unsigned)rnd(g), n3 = (unsigned)rnd(g);
            put(g,
                "WWW-Authenticate: Digest realm=\"chicago.example.com\", "
                "nonce=\"%08x%08x%08x\", algorithm=SHA-256, qop=\"auth\"\r\n",
                n1, n2, n3);
            put(g,
                "WWW-Authenticate: Digest realm=\"chicago.example.com\", "
                "nonce=\"%08x%08x%08x\", algorithm=MD5, qop=\"auth\"\r\n",
                n1, n2, n3);
            hdr_body = "Server: ExampleRegistrar/2.1\r\n";
        } else {
            hdr_body = "Contact: <sip:carol@203.0.113.9:49152;transport=udp>;expires=3600\r\n"
                       "Expires: 3600\r\n"
                       "Date: Sat, 21 Nov 2026 10:15:00 GMT\r\n"
                       "Server: ExampleRegistrar/2.1\r\n";
        }
        break;
    case K_407:
        m->code = 407;
        m->method = "INVITE";
        put(g, "SIP/2.0 407 Proxy Authentication Required\r\n");
        put(g, "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=%s;rport=5060;received=203.0.113.7\r\n",
            b1);
        put(g, "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        put(g, "To: <sip:bob@biloxi.example.com>;tag=%s\r\n", ttag);
        put(g,
            "Proxy-Authenticate: Digest realm=\"atlanta.example.com\", "
            "nonce=\"%08x%08x\", opaque=\"\", stale=FALSE, algorithm=MD5, qop=\"auth\"\r\n",
            (unsigned)rnd(g), (unsigned)rnd(g));
        break;
    case K_486:
    case K_487:
    case K_503:
        m->code = m->kind == K_486 ? 486 : m->kind == K_487 ? 487 : 503;
        m->method = "INVITE";
        put(g, "SIP/2.0 %s\r\n",
            m->code == 486   ? "486 Busy Here"
            : m->code == 487 ? "487 Request Terminated"
                             : "503 Service Unavailable");
        put(g,
            "Via: SIP/2.0/UDP proxy1.atlanta.example.com:5060;branch=%s;received=198.51.100.4,"
            " SIP/2.0/UDP 192.0.2.10:5060;branch=%s;rport=5060;received=203.0.113.7\r\n",
            b1, b2);
        put(g, "From: \"Alice\" <sip:alice@atlanta.example.com>;tag=%s\r\n", ftag);
        put(g, "To: \"Bob\" <sip:bob@biloxi.example.com>;tag=%s\r\n", ttag);
        if (m->kind == K_486)
            hdr_body = "Warning: 399 biloxi.example.com \"Line busy\"\r\n";
        else if (m->kind == K_503)
            hdr_body = "Retry-After: 120\r\n"
                       "Reason: Q.850;cause=34;text=\"No circuit/channel available\"\r\n";
        break;
    default:
        break;
    }

    m->method_len = strlen(m->method);
    m->body_len = strlen(body);
    if (compact) {
        put(g, "i: %s\r\n", m->call_id);
        put(g, "CSeq: %lu %s\r\n", (unsigned long)m->cseq, m->method);
        put(g, "%s", hdr_body);
        put(g, "l: %zu\r\n\r\n%s", m->body_len, body);
    } else {
        put(g, "Call-ID: %s\r\n", m->call_id);
        put(g, "CSeq: %lu %s\r\n", (unsigned long)m->cseq, m->method);
        put(g, "%s", hdr_body);
        if (m->body_len)
            put(g, "Content-Type: application/sdp\r\n");
        put(g, "Content-Length: %zu\r\n\r\n%s", m->body_len, body);
    }
}

static int make_input(struct msg *msgs, uint64_t *code_sum, uint64_t *cseq_sum)
{
    struct gen g;
    char *text = malloc(MSG_MAX);
    size_t i, total = 0, n_kind[N_KINDS] = {0};
    uint32_t hash = BENCH_FNV1A_INIT;
    int k;

    if (!text)
        return -1;
    g.state = SEQ_SEED;
    *code_sum = *cseq_sum = 0;
    for (i = 0; i < N_MSG; i++) {
        struct msg *m = &msgs[i];
        size_t len;
        memset(m, 0, sizeof *m);
        m->kind = pick_kind(&g);
        g.at = text;
        g.left = MSG_MAX;
        g.overflow = 0;
        make_msg(&g, m);
        if (g.overflow) {
            free(text);
            return -1;
        }
        len = (size_t)(g.at - text);
        m->mb = mbuf_alloc(len);
        if (!m->mb || mbuf_write_mem(m->mb, (const uint8_t *)text, len) != 0) {
            free(text);
            return -1;
        }
        m->mb->pos = 0;
        hash = bench_fnv1a(hash, text, len);
        total += len;
        n_kind[m->kind]++;
        *code_sum += (uint64_t)m->code;
        *cseq_sum += m->cseq;
    }
    free(text);
    printf("input: %u responses, %zu bytes (%.0f bytes on average), xorshift32 seed 0x%08X, "
           "fnv1a 0x%08X\n",
           N_MSG, total, (double)total / N_MSG, (unsigned)SEQ_SEED, (unsigned)hash);
    printf("mix:");
    for (k = 0; k < N_KINDS; k++)
        printf("%s %s %.1f%%", k ? "," : "", kind_name[k], 100.0 * (double)n_kind[k] / N_MSG);
    printf("\n");
    return 0;
}

/* ---- the timed passes ----------------------------------------------------- */

static int same(const char *p, size_t n, const char *want, size_t want_len)
{
    return n == want_len && memcmp(p, want, n) == 0;
}

/* oSIP2 splits the Call-ID at '@' into number and host. */
static int same_osip_call_id(const osip_call_id_t *cid, const struct msg *m)
{
    size_t n;
    if (!cid || !cid->number)
        return 0;
    n = strlen(cid->number);
    if (n > m->call_id_len || memcmp(cid->number, m->call_id, n) != 0)
        return 0;
    if (!cid->host)
        return n == m->call_id_len;
    return m->call_id[n] == '@' && strcmp(cid->host, m->call_id + n + 1) == 0;
}

/* One message through one library: parse, read the four values, compare
 * them with the expected ones, free what the library allocated. */
static inline void one_sipcode(const struct msg *m, struct tally *t)
{
    struct sipcode_header headers[MAX_HEADERS];
    struct sipcode_message msg;
    size_t used;
    if (sipcode_parse_message((const char *)m->mb->buf, m->mb->end, 0, headers, MAX_HEADERS, &msg,
                              &used, NULL) != SIPCODE_OK ||
        msg.is_request || msg.status.code != m->code || msg.cseq != (long long)m->cseq ||
        !same(msg.cseq_method.ptr, msg.cseq_method.len, m->method, m->method_len) ||
        !same(msg.call_id.ptr, msg.call_id.len, m->call_id, m->call_id_len)) {
        t->errors++;
        return;
    }
    t->code_sum += (uint64_t)msg.status.code;
    t->cseq_sum += (uint64_t)msg.cseq;
}

static inline void one_osip2(const struct msg *m, struct tally *t)
{
    osip_message_t *om;
    osip_cseq_t *cseq;
    unsigned long num = 0;
    int ok;
    if (osip_message_init(&om) != 0) {
        t->errors++;
        return;
    }
    ok = osip_message_parse(om, (const char *)m->mb->buf, m->mb->end) == 0;
    cseq = ok ? osip_message_get_cseq(om) : NULL;
    if (cseq && cseq->number)
        num = strtoul(cseq->number, NULL, 10);
    if (!ok || !cseq || !cseq->method || om->status_code != m->code || num != m->cseq ||
        strcmp(cseq->method, m->method) != 0 ||
        !same_osip_call_id(osip_message_get_call_id(om), m)) {
        t->errors++;
    } else {
        t->code_sum += (uint64_t)om->status_code;
        t->cseq_sum += num;
    }
    osip_message_free(om);
}

static inline void one_libre(const struct msg *m, struct tally *t)
{
    struct sip_msg *rm = NULL;
    m->mb->pos = 0;
    if (sip_msg_decode(&rm, m->mb) != 0) {
        t->errors++;
        return;
    }
    if (rm->req || rm->scode != m->code || rm->cseq.num != m->cseq ||
        !same(rm->cseq.met.p, rm->cseq.met.l, m->method, m->method_len) ||
        !same(rm->callid.p, rm->callid.l, m->call_id, m->call_id_len)) {
        t->errors++;
    } else {
        t->code_sum += rm->scode;
        t->cseq_sum += rm->cseq.num;
    }
    mem_deref(rm);
}

/* Direct calls in loops of the same shape, one per library. */
#define DEFINE_PASS(name, one)                                                                     \
    static void name(const struct msg *msgs, struct tally *t)                                      \
    {                                                                                              \
        size_t i;                                                                                  \
        for (i = 0; i < N_MSG; i++)                                                                \
            one(&msgs[i], t);                                                                      \
    }
DEFINE_PASS(pass_sipcode, one_sipcode)
DEFINE_PASS(pass_osip2, one_osip2)
DEFINE_PASS(pass_libre, one_libre)

static void run_pass(int lib, const struct msg *msgs, struct tally *t)
{
    switch (lib) {
    case LIB_SIPCODE:
        pass_sipcode(msgs, t);
        break;
    case LIB_OSIP2:
        pass_osip2(msgs, t);
        break;
    default:
        pass_libre(msgs, t);
        break;
    }
}

/* ---- the untimed, closer check of every message ----------------------------- */

static int check_all(const struct msg *msgs)
{
    size_t i;
    int bad = 0;
    for (i = 0; i < N_MSG; i++) {
        const struct msg *m = &msgs[i];
        const char *buf = (const char *)m->mb->buf;
        size_t len = m->mb->end, used = 0;
        struct sipcode_header headers[MAX_HEADERS];
        struct sipcode_message msg;
        struct sipcode_diag diag = {0, NULL};
        enum sipcode_err err;
        struct tally t = {0, 0, 0};
        struct sip_msg *rm = NULL;

        err = sipcode_parse_message(buf, len, 0, headers, MAX_HEADERS, &msg, &used, &diag);
        if (err != SIPCODE_OK) {
            size_t shown = len - diag.offset < 60 ? len - diag.offset : 60;
            fprintf(stderr, "response_bench: sipcode: message %zu (%s): %s at %zu (%s): %.*s\n", i,
                    kind_name[m->kind], sipcode_errname(err), diag.offset,
                    diag.reason ? diag.reason : "", (int)shown, buf + diag.offset);
            bad = 1;
        } else if (used != len || msg.body.len != m->body_len ||
                   (m->body_len && msg.body.ptr != buf + len - m->body_len)) {
            fprintf(stderr, "response_bench: sipcode: message %zu: used %zu of %zu, body %zu\n", i,
                    used, len, msg.body.len);
            bad = 1;
        }
        m->mb->pos = 0;
        if (sip_msg_decode(&rm, m->mb) != 0) {
            fprintf(stderr, "response_bench: libre: message %zu (%s) rejected\n", i,
                    kind_name[m->kind]);
            bad = 1;
        } else {
            if (m->mb->pos != len - m->body_len) {
                fprintf(stderr, "response_bench: libre: message %zu: body at %zu, not %zu\n", i,
                        m->mb->pos, len - m->body_len);
                bad = 1;
            }
            mem_deref(rm);
        }
        /* And the timed code of every library on this one message. */
        one_sipcode(m, &t);
        if (t.errors)
            fprintf(stderr, "response_bench: sipcode: message %zu (%s): wrong values\n", i,
                    kind_name[m->kind]);
        t.errors = 0;
        one_osip2(m, &t);
        if (t.errors)
            fprintf(stderr, "response_bench: osip2: message %zu (%s): rejected or wrong values\n",
                    i, kind_name[m->kind]);
        t.errors = 0;
        one_libre(m, &t);
        if (t.errors)
            fprintf(stderr, "response_bench: libre: message %zu (%s): wrong values\n", i,
                    kind_name[m->kind]);
        if (bad || t.code_sum != 3u * (uint64_t)m->code)
            return -1;
    }
    printf("checked: all %u messages parse in every library to the code, CSeq and Call-ID "
           "written; sipcode consumes each whole, libre stops at the body\n",
           N_MSG);
    return 0;
}

int main(int argc, char **argv)
{
    static struct msg msgs[N_MSG];
    long reps = DEFAULT_REPS, passes = DEFAULT_PASSES, rep, k, p;
    int raw = 0, dump = 0, lib;
    uint64_t code_sum, cseq_sum;
    double *ns[N_LIBS];

    if (argc == 2 && strcmp(argv[1], "--dump") == 0)
        dump = 1;
    else if (bench_options(argc, argv, "response_bench", &reps, &passes, &raw) != 0)
        return 2;
    if (libre_init() != 0 || parser_init() != 0) {
        fprintf(stderr, "response_bench: libre_init() or parser_init() failed\n");
        return 1;
    }

    printf("response_bench: status code, CSeq and Call-ID from a full response, per second\n");
    printf("sipcode %s\n", sipcode_version());
    if (make_input(msgs, &code_sum, &cseq_sum) != 0) {
        fprintf(stderr, "response_bench: cannot build the input\n");
        return 1;
    }
    if (dump) {
        int seen[N_KINDS] = {0};
        for (p = 0; p < N_MSG; p++) {
            if (seen[msgs[p].kind]++)
                continue;
            printf("\n-- message %ld, %s, %zu bytes\n%.*s", p, kind_name[msgs[p].kind],
                   msgs[p].mb->end, (int)msgs[p].mb->end, (const char *)msgs[p].mb->buf);
        }
        return 0;
    }
    if (check_all(msgs) != 0)
        return 1;

    for (lib = 0; lib < N_LIBS; lib++) {
        struct tally t = {0, 0, 0};
        run_pass(lib, msgs, &t);
        if (t.errors || t.code_sum != code_sum || t.cseq_sum != cseq_sum) {
            fprintf(stderr, "response_bench: %s: %llu errors in the first pass\n", lib_names[lib],
                    (unsigned long long)t.errors);
            return 1;
        }
        ns[lib] = malloc((size_t)reps * sizeof *ns[lib]);
        if (!ns[lib]) {
            fprintf(stderr, "response_bench: out of memory\n");
            return 1;
        }
    }

    for (rep = 0; rep < reps; rep++) {
        for (k = 0; k < N_LIBS; k++) {
            struct tally t = {0, 0, 0};
            double t0, t1;
            lib = (int)((rep + k) % N_LIBS);
            t0 = bench_now_ns();
            for (p = 0; p < passes; p++)
                run_pass(lib, msgs, &t);
            t1 = bench_now_ns();
            if (t.errors || t.code_sum != code_sum * (uint64_t)passes ||
                t.cseq_sum != cseq_sum * (uint64_t)passes) {
                fprintf(stderr, "response_bench: %s: results changed while timing\n",
                        lib_names[lib]);
                return 1;
            }
            ns[lib][rep] = (t1 - t0) / ((double)N_MSG * (double)passes);
        }
    }

    printf("\ntiming: %ld repetitions x %ld passes x %u messages per library, libraries "
           "interleaved; every result checked\n",
           reps, passes, N_MSG);
    if (bench_report("message", lib_names, N_LIBS, ns, reps, raw) != 0) {
        fprintf(stderr, "response_bench: out of memory\n");
        return 1;
    }
    for (lib = 0; lib < N_LIBS; lib++)
        free(ns[lib]);
    for (p = 0; p < N_MSG; p++)
        mem_deref(msgs[p].mb);
    libre_close();
    return 0;
}
