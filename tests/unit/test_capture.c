/* The statistics engine without libpcap: frames are built here, byte by
 * byte (link headers, IPv4/IPv6, UDP/TCP with their lengths), fed to
 * sipcode_stats_add_packet(), and every counter is read back exactly. */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

/* ---- frame building -------------------------------------------------------- */

enum link_kind {
    LK_ETH,
    LK_VLAN,
    LK_QINQ,
    LK_SLL,
    LK_SLL2,
    LK_RAW,
    LK_NULL,
    LK_LOOP,
    LK_IP,
    LK_COUNT
};

#define MAX_FRAME 70000

static uint8_t frame[MAX_FRAME];
static uint64_t now_ns;

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffffu);
}

/* Writes the link header for an IPv4 (v6 0) or IPv6 packet; sets *linktype. */
static size_t link_header(enum link_kind k, int v6, uint8_t *b, int *linktype)
{
    unsigned et = v6 ? 0x86ddu : 0x0800u;
    switch (k) {
    case LK_ETH:
        memset(b, 0x02, 12);
        put16(b + 12, et);
        *linktype = SIPCODE_LINKTYPE_EN10MB;
        return 14;
    case LK_VLAN:
        memset(b, 0x02, 12);
        put16(b + 12, 0x8100);
        put16(b + 14, 100);
        put16(b + 16, et);
        *linktype = SIPCODE_LINKTYPE_EN10MB;
        return 18;
    case LK_QINQ:
        memset(b, 0x02, 12);
        put16(b + 12, 0x88a8);
        put16(b + 14, 10);
        put16(b + 16, 0x8100);
        put16(b + 18, 20);
        put16(b + 20, et);
        *linktype = SIPCODE_LINKTYPE_EN10MB;
        return 22;
    case LK_SLL:
        memset(b, 0, 16);
        put16(b + 2, 1); /* ARPHRD_ETHER */
        put16(b + 4, 6); /* address length */
        put16(b + 14, et);
        *linktype = SIPCODE_LINKTYPE_LINUX_SLL;
        return 16;
    case LK_SLL2:
        memset(b, 0, 20);
        put16(b, et);
        put32(b + 4, 2); /* interface index */
        put16(b + 8, 1);
        b[11] = 6;
        *linktype = SIPCODE_LINKTYPE_LINUX_SLL2;
        return 20;
    case LK_RAW:
        *linktype = SIPCODE_LINKTYPE_RAW;
        return 0;
    case LK_NULL: /* host order, little-endian here: AF_INET 2, AF_INET6 30 (macOS) */
        memset(b, 0, 4);
        b[0] = v6 ? 30 : 2;
        *linktype = SIPCODE_LINKTYPE_NULL;
        return 4;
    case LK_LOOP: /* network order: AF_INET6 24 (OpenBSD) */
        put32(b, v6 ? 24 : 2);
        *linktype = SIPCODE_LINKTYPE_LOOP;
        return 4;
    default:
        *linktype = v6 ? SIPCODE_LINKTYPE_IPV6 : SIPCODE_LINKTYPE_IPV4;
        return 0;
    }
}

/* An IP header before a payload of len bytes: IPv4 with frag (flags and
 * offset field), or IPv6 (frag ignored). Addresses end in src and dst. */
static size_t ip_header(int v6, unsigned proto, uint8_t src, uint8_t dst, size_t len, unsigned id,
                        unsigned frag, uint8_t *b)
{
    if (!v6) {
        memset(b, 0, 20);
        b[0] = 0x45;
        put16(b + 2, (unsigned)(20 + len));
        put16(b + 4, id);
        put16(b + 6, frag);
        b[8] = 64;
        b[9] = (uint8_t)proto;
        b[12] = 192, b[13] = 0, b[14] = 2, b[15] = src;
        b[16] = 192, b[17] = 0, b[18] = 2, b[19] = dst;
        return 20;
    }
    memset(b, 0, 40);
    b[0] = 0x60;
    put16(b + 4, (unsigned)len);
    b[6] = (uint8_t)proto;
    b[7] = 64;
    b[8] = 0x20, b[9] = 0x01, b[10] = 0x0d, b[11] = 0xb8, b[23] = src;
    b[24] = 0x20, b[25] = 0x01, b[26] = 0x0d, b[27] = 0xb8, b[39] = dst;
    return 40;
}

static size_t udp_header(unsigned sport, unsigned dport, size_t len, uint8_t *b)
{
    put16(b, sport);
    put16(b + 2, dport);
    put16(b + 4, (unsigned)(8 + len));
    put16(b + 6, 0);
    return 8;
}

#define TH_FIN 0x01u
#define TH_SYN 0x02u
#define TH_ACK 0x10u

static size_t tcp_header(unsigned sport, unsigned dport, uint32_t seq, unsigned flags, uint8_t *b)
{
    memset(b, 0, 20);
    put16(b, sport);
    put16(b + 2, dport);
    put32(b + 4, seq);
    b[12] = 5 << 4;
    b[13] = (uint8_t)flags;
    put16(b + 14, 65535);
    return 20;
}

/* Feeds frame[0..len) with caplen len (or cut when smaller). */
static void feed(struct sipcode_stats *st, size_t len, size_t cut, int linktype)
{
    size_t cap = cut && cut < len ? cut : len;
    uint8_t *copy = malloc(cap ? cap : 1); /* exact size: ASan sees any overread */
    memcpy(copy, frame, cap);
    CHECK_INT(sipcode_stats_add_packet(st, copy, cap, len, linktype, now_ns), SIPCODE_OK);
    free(copy);
}

struct path {
    enum link_kind link;
    int v6;
    unsigned sport, dport;
    uint8_t src, dst;
};

static const struct path A_TO_B = {LK_ETH, 0, 5060, 5060, 1, 2};
static const struct path B_TO_A = {LK_ETH, 0, 5060, 5060, 2, 1};

static void send_udp_cut(struct sipcode_stats *st, const struct path *p, const void *data,
                         size_t len, size_t cut)
{
    int lt;
    size_t n = link_header(p->link, p->v6, frame, &lt);
    n += ip_header(p->v6, 17, p->src, p->dst, 8 + len, 1, 0, frame + n);
    n += udp_header(p->sport, p->dport, len, frame + n);
    memcpy(frame + n, data, len);
    feed(st, n + len, cut, lt);
}

static void send_udp(struct sipcode_stats *st, const struct path *p, const char *text)
{
    send_udp_cut(st, p, text, strlen(text), 0);
}

static void send_tcp(struct sipcode_stats *st, const struct path *p, uint32_t seq, unsigned flags,
                     const void *data, size_t len)
{
    int lt;
    size_t n = link_header(p->link, p->v6, frame, &lt);
    n += ip_header(p->v6, 6, p->src, p->dst, 20 + len, 1, 0, frame + n);
    n += tcp_header(p->sport, p->dport, seq, flags, frame + n);
    if (len)
        memcpy(frame + n, data, len);
    feed(st, n + len, 0, lt);
}

/* ---- SIP messages ----------------------------------------------------------- */

static char msg_a[8192], msg_b[8192], msg_c[8192];

static size_t request(char *out, const char *method, const char *branch, int cseq,
                      const char *extra, const char *body)
{
    int n = snprintf(out, 8192,
                     "%s sip:bob@example.com SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
                     "From: <sip:alice@example.com>;tag=a1\r\n"
                     "To: <sip:bob@example.com>\r\n"
                     "Call-ID: call-1@example.com\r\n"
                     "CSeq: %d %s\r\n"
                     "Max-Forwards: 70\r\n"
                     "%s"
                     "Content-Length: %zu\r\n\r\n%s",
                     method, branch, cseq, method, extra ? extra : "", body ? strlen(body) : 0,
                     body ? body : "");
    return (size_t)n;
}

static size_t response(char *out, int code, const char *method, const char *branch, int cseq,
                       const char *to_tag, const char *extra)
{
    int n = snprintf(out, 8192,
                     "SIP/2.0 %d Some Phrase\r\n"
                     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
                     "From: <sip:alice@example.com>;tag=a1\r\n"
                     "To: <sip:bob@example.com>%s%s\r\n"
                     "Call-ID: call-1@example.com\r\n"
                     "CSeq: %d %s\r\n"
                     "%s"
                     "Content-Length: 0\r\n\r\n",
                     code, branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", cseq, method,
                     extra ? extra : "");
    return (size_t)n;
}

/* ---- reading every counter back ------------------------------------------- */

#define COUNTER_FIELDS(X)                                                                          \
    X(frames)                                                                                      \
    X(sip_messages) X(requests) X(responses) X(retransmissions) X(request_retransmissions)         \
        X(response_retransmissions) X(malformed) X(truncated) X(non_sip) X(keepalives) X(icmp)     \
            X(ip_fragments) X(ip_reassembled) X(fragment_drops) X(tcp_segments)                    \
                X(tcp_retransmitted) X(tcp_out_of_order) X(tcp_gaps) X(tcp_oversized)              \
                    X(flows_evicted) X(memory_drops) X(transactions_forgotten) X(not_ip)           \
                        X(other_transport) X(filtered) X(bad_headers) X(unsupported_linktype)      \
                            X(methods_overflow) X(reasons_overflow)

#define CHECK_COUNTERS(st, ...)                                                                    \
    do {                                                                                           \
        struct sipcode_stats_counters got_, want_ = {__VA_ARGS__};                                 \
        sipcode_stats_get_counters((st), &got_);                                                   \
        COUNTER_FIELDS(CHECK_ONE_COUNTER)                                                          \
        CHECK(sizeof got_ == 30 * sizeof(uint64_t)); /* a new counter needs a line above */        \
    } while (0)

#define CHECK_ONE_COUNTER(f)                                                                       \
    if (got_.f != want_.f)                                                                         \
        TEST_FAIL_AT("counter %s: expected %llu, got %llu", #f, (unsigned long long)want_.f,       \
                     (unsigned long long)got_.f);

#define REQ(st, m)             sipcode_stats_requests((st), (m), strlen(m))
#define BY_METHOD(st, m, code) sipcode_stats_responses_by_method((st), (m), strlen(m), (code))

static struct sipcode_stats *new_stats(void)
{
    struct sipcode_stats *st = sipcode_stats_new(NULL);
    CHECK(st != NULL);
    now_ns = 1000000000ull;
    return st;
}

/* ---- tests ------------------------------------------------------------------ */

static void udp_call(void)
{
    struct sipcode_stats *st = new_stats();
    struct sipcode_stats_timing t;
    request(msg_a, "INVITE", "z9hG4bK1", 1, NULL, NULL);
    send_udp(st, &A_TO_B, msg_a);
    now_ns += 10000000; /* 10 ms */
    response(msg_b, 100, "INVITE", "z9hG4bK1", 1, NULL, NULL);
    send_udp(st, &B_TO_A, msg_b);
    now_ns += 40000000;
    response(msg_b, 180, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    send_udp(st, &B_TO_A, msg_b);
    now_ns += 950000000;
    response(msg_b, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    send_udp(st, &B_TO_A, msg_b);
    request(msg_a, "ACK", "z9hG4bK2", 1, NULL, NULL);
    send_udp(st, &A_TO_B, msg_a);
    sipcode_stats_finish(st);
    CHECK_COUNTERS(st, .frames = 5, .sip_messages = 5, .requests = 2, .responses = 3);
    CHECK_INT(REQ(st, "INVITE"), 1);
    CHECK_INT(REQ(st, "ACK"), 1);
    CHECK_INT(REQ(st, "BYE"), 0);
    CHECK_INT(sipcode_stats_responses(st, 100), 1);
    CHECK_INT(sipcode_stats_responses(st, 180), 1);
    CHECK_INT(sipcode_stats_responses(st, 200), 1);
    CHECK_INT(sipcode_stats_responses(st, 486), 0);
    CHECK_INT(sipcode_stats_responses(st, 99), 0);
    CHECK_INT(sipcode_stats_responses(st, 700), 0);
    CHECK_INT(sipcode_stats_class(st, 1), 2);
    CHECK_INT(sipcode_stats_class(st, 2), 1);
    CHECK_INT(sipcode_stats_class(st, 3), 0);
    CHECK_INT(sipcode_stats_class(st, 7), 0);
    CHECK_INT(BY_METHOD(st, "INVITE", 180), 1);
    CHECK_INT(BY_METHOD(st, "INVITE", 200), 1);
    CHECK_INT(BY_METHOD(st, "ACK", 200), 0);
    CHECK_INT(sipcode_stats_method_count(st), 2);
    CHECK_STR(sipcode_stats_method_at(st, 0), "INVITE");
    CHECK_STR(sipcode_stats_method_at(st, 1), "ACK");
    CHECK_NULL(sipcode_stats_method_at(st, 2));
    CHECK_INT(sipcode_stats_timing(st, "INVITE", 6, SIPCODE_TIMING_PROVISIONAL, &t), SIPCODE_OK);
    CHECK_INT(t.count, 1);
    CHECK_INT(t.max_ns, 10000000);
    CHECK_INT(t.p50_ns, 10000000);
    CHECK_INT(t.p99_ns, 10000000);
    CHECK_INT(sipcode_stats_timing(st, "INVITE", 6, SIPCODE_TIMING_FINAL, &t), SIPCODE_OK);
    CHECK_INT(t.count, 1);
    CHECK_INT(t.max_ns, 1000000000);
    CHECK_INT(t.p90_ns, 1000000000);
    CHECK_INT(sipcode_stats_timing(st, "ACK", 3, SIPCODE_TIMING_FINAL, &t), SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_stats_timing(st, "BYE", 3, SIPCODE_TIMING_FINAL, &t), SIPCODE_ENOTFOUND);
    sipcode_stats_free(st);
}

/* Percentiles from many samples: within 1/32 above the truth, max exact. */
static void timing_percentiles(void)
{
    struct sipcode_stats *st = new_stats();
    struct sipcode_stats_timing t;
    char branch[32];
    int i;
    for (i = 1; i <= 100; i++) {
        snprintf(branch, sizeof branch, "z9hG4bKp%d", i);
        request(msg_a, "OPTIONS", branch, i, NULL, NULL);
        send_udp(st, &A_TO_B, msg_a);
        now_ns += (uint64_t)i * 1000000; /* i ms */
        response(msg_b, 200, "OPTIONS", branch, i, "x", NULL);
        send_udp(st, &B_TO_A, msg_b);
    }
    CHECK_INT(sipcode_stats_timing(st, "OPTIONS", 7, SIPCODE_TIMING_FINAL, &t), SIPCODE_OK);
    CHECK_INT(t.count, 100);
    CHECK_INT(t.max_ns, 100000000);
    CHECK(t.p50_ns >= 50000000 && t.p50_ns <= 50000000 + 50000000 / 32);
    CHECK(t.p90_ns >= 90000000 && t.p90_ns <= 90000000 + 90000000 / 32);
    CHECK(t.p99_ns >= 99000000 && t.p99_ns <= 100000000);
    CHECK_INT(sipcode_stats_timing(st, "OPTIONS", 7, SIPCODE_TIMING_PROVISIONAL, &t),
              SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_stats_timing(st, "OPTIONS", 7, (enum sipcode_stats_timing_kind)2, &t),
              SIPCODE_EINVAL);
    CHECK_COUNTERS(st, .frames = 200, .sip_messages = 200, .requests = 100, .responses = 100);
    sipcode_stats_free(st);
}

static void retransmitted_180(void)
{
    struct sipcode_stats *st = new_stats();
    struct sipcode_stats_timing t;
    request(msg_a, "INVITE", "z9hG4bK1", 1, NULL, NULL);
    send_udp(st, &A_TO_B, msg_a);
    now_ns += 1000;
    response(msg_b, 180, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    send_udp(st, &B_TO_A, msg_b);
    now_ns += 500000000;
    send_udp(st, &A_TO_B, msg_a); /* the INVITE again (Timer A) */
    send_udp(st, &B_TO_A, msg_b); /* the 180 again */
    CHECK_COUNTERS(st, .frames = 4, .sip_messages = 4, .requests = 2, .responses = 2,
                   .retransmissions = 2, .request_retransmissions = 1,
                   .response_retransmissions = 1);
    CHECK_INT(REQ(st, "INVITE"), 2);
    CHECK_INT(sipcode_stats_request_retransmissions(st, "INVITE", 6), 1);
    CHECK_INT(sipcode_stats_responses(st, 180), 2);
    CHECK_INT(sipcode_stats_response_retransmissions(st, 180), 1);
    CHECK_INT(sipcode_stats_response_retransmissions(st, 200), 0);
    CHECK_INT(sipcode_stats_timing(st, "INVITE", 6, SIPCODE_TIMING_PROVISIONAL, &t), SIPCODE_OK);
    CHECK_INT(t.count, 1);
    CHECK_INT(t.max_ns, 1000);
    sipcode_stats_free(st);
}

static void forked_180s(void)
{
    struct sipcode_stats *st = new_stats();
    request(msg_a, "INVITE", "z9hG4bK1", 1, NULL, NULL);
    send_udp(st, &A_TO_B, msg_a);
    response(msg_b, 180, "INVITE", "z9hG4bK1", 1, "fork1", NULL);
    send_udp(st, &B_TO_A, msg_b);
    response(msg_b, 180, "INVITE", "z9hG4bK1", 1, "fork2", NULL);
    send_udp(st, &B_TO_A, msg_b);
    /* the same code on another transaction (new CSeq) is not one either */
    response(msg_b, 180, "INVITE", "z9hG4bK1", 2, "fork1", NULL);
    send_udp(st, &B_TO_A, msg_b);
    CHECK_COUNTERS(st, .frames = 4, .sip_messages = 4, .requests = 1, .responses = 3);
    CHECK_INT(sipcode_stats_responses(st, 180), 3);
    CHECK_INT(sipcode_stats_response_retransmissions(st, 180), 0);
    sipcode_stats_free(st);
}

static void every_link_type(void)
{
    struct sipcode_stats *st = new_stats();
    int k, v6, n = 0;
    for (k = 0; k < LK_COUNT; k++)
        for (v6 = 0; v6 < 2; v6++) {
            struct path p = {(enum link_kind)k, v6, 5060u + (unsigned)n, 5060, 1, 2};
            char branch[32];
            snprintf(branch, sizeof branch, "z9hG4bKl%d", n++);
            request(msg_a, "OPTIONS", branch, 1, NULL, NULL);
            send_udp(st, &p, msg_a);
            send_tcp(st, &p, 100 + (uint32_t)n * 7919, 0, msg_a, strlen(msg_a));
        }
    CHECK_COUNTERS(st, .frames = 4 * LK_COUNT, .sip_messages = 4 * LK_COUNT,
                   .requests = 4 * LK_COUNT, .retransmissions = 2 * LK_COUNT,
                   .request_retransmissions = 2 * LK_COUNT, .tcp_segments = 2 * LK_COUNT);
    /* the raw aliases */
    {
        int lt;
        size_t n2 = 0;
        static const int aliases[] = {SIPCODE_LINKTYPE_RAW_12, SIPCODE_LINKTYPE_RAW_14};
        for (k = 0; k < 2; k++) {
            request(msg_a, "OPTIONS", k ? "z9hG4bKr1" : "z9hG4bKr0", 1, NULL, NULL);
            n2 = link_header(LK_RAW, 0, frame, &lt);
            n2 += ip_header(0, 17, 1, 2, 8 + strlen(msg_a), 1, 0, frame + n2);
            n2 += udp_header(5060, 5060, strlen(msg_a), frame + n2);
            memcpy(frame + n2, msg_a, strlen(msg_a));
            feed(st, n2 + strlen(msg_a), 0, aliases[k]);
        }
        CHECK_INT(REQ(st, "OPTIONS"), 4 * LK_COUNT + 2);
        CHECK_INT(sipcode_stats_linktype_supported(SIPCODE_LINKTYPE_LINUX_SLL2), 1);
        CHECK_INT(sipcode_stats_linktype_supported(147), 0);
        feed(st, n2 + strlen(msg_a), 0, 147);
    }
    CHECK_COUNTERS(st, .frames = 4 * LK_COUNT + 3, .sip_messages = 4 * LK_COUNT + 2,
                   .requests = 4 * LK_COUNT + 2, .retransmissions = 2 * LK_COUNT,
                   .request_retransmissions = 2 * LK_COUNT, .tcp_segments = 2 * LK_COUNT,
                   .unsupported_linktype = 1);
    sipcode_stats_free(st);
}

static void tcp_two_in_one_segment(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = response(msg_a, 180, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    size_t b = response(msg_b, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    memcpy(msg_a + a, msg_b, b);
    send_tcp(st, &B_TO_A, 5000, TH_SYN, NULL, 0);
    send_tcp(st, &B_TO_A, 5001, TH_ACK, msg_a, a + b);
    send_tcp(st, &B_TO_A, 5001 + (uint32_t)(a + b), TH_FIN | TH_ACK, NULL, 0);
    CHECK_COUNTERS(st, .frames = 3, .sip_messages = 2, .responses = 2, .tcp_segments = 1);
    CHECK_INT(sipcode_stats_responses(st, 180), 1);
    CHECK_INT(sipcode_stats_responses(st, 200), 1);
    sipcode_stats_free(st);
}

/* One response in three segments, the first cut inside the status line;
 * once after a SYN, once picked up mid-stream. */
static void tcp_split_status_line(void)
{
    int pass;
    for (pass = 0; pass < 2; pass++) {
        struct sipcode_stats *st = new_stats();
        size_t a = response(msg_a, 486, "INVITE", "z9hG4bK1", 1, "b1", NULL);
        uint32_t seq = 7001;
        if (pass == 0)
            send_tcp(st, &B_TO_A, seq - 1, TH_SYN, NULL, 0);
        send_tcp(st, &B_TO_A, seq, TH_ACK, msg_a, 6); /* "SIP/2." */
        CHECK_INT(sipcode_stats_responses(st, 486), 0);
        send_tcp(st, &B_TO_A, seq + 6, TH_ACK, msg_a + 6, 40);
        CHECK_INT(sipcode_stats_responses(st, 486), 0);
        send_tcp(st, &B_TO_A, seq + 46, TH_ACK, msg_a + 46, a - 46);
        CHECK_COUNTERS(st, .frames = 3u + (pass == 0), .sip_messages = 1, .responses = 1,
                       .tcp_segments = 3);
        CHECK_INT(sipcode_stats_responses(st, 486), 1);
        CHECK_INT(BY_METHOD(st, "INVITE", 486), 1);
        sipcode_stats_free(st);
    }
}

static void tcp_out_of_order_and_retransmitted(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = response(msg_a, 200, "REGISTER", "z9hG4bK9", 3, "r", NULL);
    size_t third = a / 3;
    uint32_t seq = 0xfffffff0u; /* the sequence numbers wrap inside the message */
    send_tcp(st, &B_TO_A, seq - 1, TH_SYN, NULL, 0);
    send_tcp(st, &B_TO_A, seq + (uint32_t)(2 * third), TH_ACK, msg_a + 2 * third, a - 2 * third);
    send_tcp(st, &B_TO_A, seq + (uint32_t)(2 * third), TH_ACK, msg_a + 2 * third, a - 2 * third);
    send_tcp(st, &B_TO_A, seq, TH_ACK, msg_a, third);
    send_tcp(st, &B_TO_A, seq, TH_ACK, msg_a, third); /* already had it */
    CHECK_INT(sipcode_stats_responses(st, 200), 0);
    send_tcp(st, &B_TO_A, seq + (uint32_t)third, TH_ACK, msg_a + third, third);
    send_tcp(st, &B_TO_A, seq + (uint32_t)third, TH_ACK, msg_a + third, third + 5); /* overlaps */
    CHECK_COUNTERS(st, .frames = 7, .sip_messages = 1, .responses = 1, .tcp_segments = 6,
                   .tcp_retransmitted = 3, .tcp_out_of_order = 1);
    CHECK_INT(BY_METHOD(st, "REGISTER", 200), 1);
    sipcode_stats_free(st);
}

/* A lost segment: the message it cut is lost, the stream picks up again at
 * the next start line. */
static void tcp_gap(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = response(msg_a, 180, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    size_t b = response(msg_b, 183, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    size_t c = response(msg_c, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    uint32_t seq = 1;
    uint8_t seg[8192];
    send_tcp(st, &B_TO_A, 0, TH_SYN, NULL, 0);
    send_tcp(st, &B_TO_A, seq, TH_ACK, msg_a, a);
    /* msg_b[0..30) is lost; its rest and msg_c come in one segment */
    memcpy(seg, msg_b + 30, b - 30);
    memcpy(seg + b - 30, msg_c, c);
    send_tcp(st, &B_TO_A, seq + (uint32_t)(a + 30), TH_ACK, seg, b - 30 + c);
    CHECK_INT(sipcode_stats_responses(st, 200), 0); /* held, waiting for the hole */
    sipcode_stats_finish(st);
    CHECK_COUNTERS(st, .frames = 3, .sip_messages = 2, .responses = 2, .tcp_segments = 2,
                   .tcp_out_of_order = 1, .tcp_gaps = 1);
    CHECK_INT(sipcode_stats_responses(st, 180), 1);
    CHECK_INT(sipcode_stats_responses(st, 183), 0);
    CHECK_INT(sipcode_stats_responses(st, 200), 1);
    sipcode_stats_free(st);
}

static void tcp_keepalives_between_messages(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = request(msg_a, "OPTIONS", "z9hG4bK5", 1, NULL, NULL);
    uint32_t seq = 100;
    send_tcp(st, &A_TO_B, seq - 1, TH_SYN, NULL, 0);
    send_tcp(st, &A_TO_B, seq, TH_ACK, "\r\n\r\n", 4);
    seq += 4;
    send_tcp(st, &A_TO_B, seq, TH_ACK, msg_a, a);
    seq += (uint32_t)a;
    send_tcp(st, &A_TO_B, seq, TH_ACK, "\r\n\r\n", 4);
    send_udp(st, &A_TO_B, "\r\n\r\n");
    send_udp(st, &A_TO_B, "\r\n");
    CHECK_COUNTERS(st, .frames = 6, .sip_messages = 1, .requests = 1, .tcp_segments = 3,
                   .keepalives = 3);
    sipcode_stats_finish(st); /* the held CRLF run is dropped with the flow */
    CHECK_COUNTERS(st, .frames = 6, .sip_messages = 1, .requests = 1, .tcp_segments = 3,
                   .keepalives = 3);
    sipcode_stats_free(st);
}

/* A 3000-byte INVITE in three IPv4 fragments, last first. */
static void ipv4_fragments(void)
{
    struct sipcode_stats *st = new_stats();
    char body[3001];
    uint8_t dgram[8192];
    size_t len, order[3] = {2, 0, 1};
    int i, lt;
    memset(body, 'v', 3000);
    body[3000] = '\0';
    memcpy(body, "v=0\r\n", 5);
    body[2998] = '\r', body[2999] = '\n';
    len = request(msg_a, "INVITE", "z9hG4bKbig", 1, "Content-Type: application/sdp\r\n", body);
    udp_header(5060, 5060, len, dgram);
    memcpy(dgram + 8, msg_a, len);
    len += 8;
    for (i = 0; i < 3; i++) {
        size_t off = order[i] * 1480, part = order[i] == 2 ? len - 2960 : 1480;
        size_t n = link_header(LK_ETH, 0, frame, &lt);
        n += ip_header(0, 17, 1, 2, part, 0x1234,
                       (unsigned)(off / 8) | (order[i] < 2 ? 0x2000u : 0), frame + n);
        memcpy(frame + n, dgram + off, part);
        feed(st, n + part, 0, lt);
    }
    CHECK_COUNTERS(st, .frames = 3, .sip_messages = 1, .requests = 1, .ip_fragments = 3,
                   .ip_reassembled = 1);
    CHECK_INT(REQ(st, "INVITE"), 1);
    /* the same over IPv6 with a fragment header, and one fragment lost */
    for (i = 0; i < 2; i++) {
        size_t off = (size_t)i * 1480, part = 1480;
        size_t n = link_header(LK_SLL2, 1, frame, &lt);
        n += ip_header(1, 44, 1, 2, 8 + part, 0, 0, frame + n);
        frame[n] = 17;
        frame[n + 1] = 0;
        put16(frame + n + 2, (unsigned)off | 1u);
        put32(frame + n + 4, 77 + (uint32_t)i * 0); /* same id */
        memcpy(frame + n + 8, dgram + off, part);
        feed(st, n + 8 + part, 0, lt);
    }
    {
        size_t n = link_header(LK_SLL2, 1, frame, &lt), part = len - 2960;
        n += ip_header(1, 44, 1, 2, 8 + part, 0, 0, frame + n);
        frame[n] = 17;
        frame[n + 1] = 0;
        put16(frame + n + 2, 2960);
        put32(frame + n + 4, 77);
        memcpy(frame + n + 8, dgram + 2960, part);
        feed(st, n + 8 + part, 0, lt);
    }
    CHECK_COUNTERS(st, .frames = 6, .sip_messages = 2, .requests = 2, .ip_fragments = 6,
                   .ip_reassembled = 2, .retransmissions = 1, .request_retransmissions = 1);
    /* in the slot those two left, the last part of another datagram alone
     * waits for the rest: nothing of theirs is taken as already there */
    {
        size_t n = link_header(LK_ETH, 0, frame, &lt);
        n += ip_header(0, 17, 1, 2, 100, 0x777, 1480 / 8, frame + n);
        memcpy(frame + n, dgram + 1480, 100);
        feed(st, n + 100, 0, lt);
    }
    CHECK_COUNTERS(st, .frames = 7, .sip_messages = 2, .requests = 2, .ip_fragments = 7,
                   .ip_reassembled = 2, .retransmissions = 1, .request_retransmissions = 1);
    /* a lone first fragment never completes: dropped at finish */
    {
        size_t n = link_header(LK_ETH, 0, frame, &lt);
        n += ip_header(0, 17, 1, 2, 1480, 0x999, 0x2000, frame + n);
        memcpy(frame + n, dgram, 1480);
        feed(st, n + 1480, 0, lt);
    }
    sipcode_stats_finish(st);
    CHECK_COUNTERS(st, .frames = 8, .sip_messages = 2, .requests = 2, .ip_fragments = 8,
                   .ip_reassembled = 2, .retransmissions = 1, .request_retransmissions = 1,
                   .fragment_drops = 2);
    sipcode_stats_free(st);
}

static void snaplen_truncated(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = response(msg_a, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    send_udp_cut(st, &B_TO_A, msg_a, a, 96); /* cut inside the SIP message */
    send_udp_cut(st, &B_TO_A, msg_a, a, 10); /* cut inside the Ethernet header */
    send_udp_cut(st, &B_TO_A, msg_a, a, 30); /* cut inside the IP header */
    {
        struct path p6 = {LK_VLAN, 1, 5060, 5060, 2, 1};
        send_udp_cut(st, &p6, msg_a, a, 70); /* cut inside the UDP header */
    }
    CHECK_COUNTERS(st, .frames = 4, .truncated = 4);
    CHECK_INT(sipcode_stats_responses(st, 200), 0);
    sipcode_stats_free(st);
}

static void garbage_rtp_dns(void)
{
    struct sipcode_stats *st = new_stats();
    static const uint8_t rtp[] = {0x80, 0x00, 0x12, 0x34, 0,    0,    0,   160, 0xde, 0xad,
                                  0xbe, 0xef, 0xff, 0xfe, 0x7f, 0x00, 'S', 'I', 'P',  '/'};
    static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00, 0,   1,   0,   0,   0,   0,
                                  0,    0,    7,    'e',  'x', 'a', 'm', 'p', 'l', 'e',
                                  3,    'c',  'o',  'm',  0,   0,   1,   0,   1};
    struct path rtp_path = {LK_ETH, 0, 10000, 20000, 1, 2}, dns_path = {LK_ETH, 1, 5353, 53, 1, 2};
    send_udp_cut(st, &rtp_path, rtp, sizeof rtp, 0);
    send_udp_cut(st, &dns_path, dns, sizeof dns, 0);
    send_udp_cut(st, &dns_path, "", 0, 0);
    send_udp(st, &A_TO_B, "HTTP/1.1 200 OK\r\n\r\n");
    send_tcp(st, &A_TO_B, 1, 0, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27);
    { /* ARP and a bare junk frame */
        memset(frame, 0, 60);
        put16(frame + 12, 0x0806);
        feed(st, 60, 0, SIPCODE_LINKTYPE_EN10MB);
        memset(frame, 0x45, 30);
        feed(st, 30, 0, SIPCODE_LINKTYPE_RAW);
    }
    CHECK_COUNTERS(st, .frames = 7, .non_sip = 5, .tcp_segments = 1, .not_ip = 1, .bad_headers = 1);
    sipcode_stats_free(st);
}

static void icmp_quoting_sip(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = response(msg_a, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    size_t inner, n;
    int lt;
    uint8_t quoted[8192];
    inner = ip_header(0, 17, 2, 1, 8 + a, 5, 0, quoted);
    inner += udp_header(5060, 5060, a, quoted + inner);
    memcpy(quoted + inner, msg_a, a);
    inner += a;
    n = link_header(LK_ETH, 0, frame, &lt);
    n += ip_header(0, 1, 1, 2, 8 + inner, 6, 0, frame + n);
    frame[n] = 3, frame[n + 1] = 3; /* destination unreachable, port unreachable */
    memset(frame + n + 2, 0, 6);
    memcpy(frame + n + 8, quoted, inner);
    feed(st, n + 8 + inner, 0, lt);
    /* ICMPv6 as well */
    n = link_header(LK_ETH, 1, frame, &lt);
    n += ip_header(1, 58, 1, 2, 8 + inner, 0, 0, frame + n);
    frame[n] = 1, frame[n + 1] = 4;
    memset(frame + n + 2, 0, 6);
    memcpy(frame + n + 8, quoted, inner);
    feed(st, n + 8 + inner, 0, lt);
    CHECK_COUNTERS(st, .frames = 2, .icmp = 2);
    sipcode_stats_free(st);
}

static void notify_sipfrag(void)
{
    struct sipcode_stats *st = new_stats();
    size_t a = request(msg_a, "NOTIFY", "z9hG4bKn", 5,
                       "Event: refer\r\nContent-Type: message/sipfrag\r\n", "SIP/2.0 200 OK\r\n");
    send_udp(st, &A_TO_B, msg_a);
    send_tcp(st, &A_TO_B, 0, TH_SYN, NULL, 0);
    send_tcp(st, &A_TO_B, 1, TH_ACK, msg_a, a);
    CHECK_COUNTERS(st, .frames = 3, .sip_messages = 2, .requests = 2, .retransmissions = 1,
                   .request_retransmissions = 1, .tcp_segments = 1);
    CHECK_INT(REQ(st, "NOTIFY"), 2);
    CHECK_INT(sipcode_stats_responses(st, 200), 0);
    sipcode_stats_free(st);
}

static void codes_out_of_range(void)
{
    struct sipcode_stats *st = new_stats();
    size_t b;
    char seg[8192];
    response(msg_a, 200, "INVITE", "z9hG4bK1", 1, "b1", NULL);
    send_udp(st, &B_TO_A, "SIP/2.0 700 Weird\r\nContent-Length: 0\r\n\r\n");
    send_udp(st, &B_TO_A, "SIP/2.0 99 Low\r\nContent-Length: 0\r\n\r\n");
    send_udp(st, &B_TO_A, "SIP/2.0 1000 Long\r\nContent-Length: 0\r\n\r\n");
    send_udp(st, &B_TO_A, "SIP/3.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    /* on TCP: the broken one is counted and the next one still found */
    b = (size_t)snprintf(seg, sizeof seg, "SIP/2.0 799 X\r\nContent-Length: 0\r\n\r\n%s", msg_a);
    send_tcp(st, &B_TO_A, 0, TH_SYN, NULL, 0);
    send_tcp(st, &B_TO_A, 1, TH_ACK, seg, b);
    CHECK_COUNTERS(st, .frames = 6, .malformed = 5, .sip_messages = 1, .responses = 1,
                   .tcp_segments = 1);
    CHECK_INT(sipcode_stats_responses(st, 200), 1);
    CHECK_INT(sipcode_stats_class(st, 7), 0);
    sipcode_stats_free(st);
}

static void reasons(void)
{
    struct sipcode_stats *st = new_stats();
    struct sipcode_stats_reason r;
    request(msg_a, "BYE", "z9hG4bKbye", 2, "Reason: Q.850;cause=16;text=\"Normal\"\r\n", NULL);
    send_udp(st, &A_TO_B, msg_a);
    request(msg_a, "BYE", "z9hG4bKbye2", 3, "Reason: Q.850;cause=16\r\n", NULL);
    send_udp(st, &A_TO_B, msg_a);
    response(msg_b, 480, "INVITE", "z9hG4bK1", 1, "b1",
             "Reason: SIP;cause=480, Q.850;cause=18\r\nReason: X-Local;cause=7\r\n");
    send_udp(st, &B_TO_A, msg_b);
    request(msg_a, "INVITE", "z9hG4bKi", 1, "Reason: SIP;cause=200\r\n", NULL); /* not counted */
    send_udp(st, &A_TO_B, msg_a);
    CHECK_INT(sipcode_stats_reason_count(st), 4);
    CHECK_INT(sipcode_stats_reason_at(st, 0, &r), SIPCODE_OK);
    CHECK_INT(r.code, 0);
    CHECK_STR(r.method, "BYE");
    CHECK_INT(r.protocol, SIPCODE_REASON_Q850);
    CHECK_STR(r.protocol_name, "Q.850");
    CHECK_INT(r.cause, 16);
    CHECK_INT(r.count, 2);
    CHECK_INT(sipcode_stats_reason_at(st, 1, &r), SIPCODE_OK);
    CHECK_INT(r.code, 480);
    CHECK_STR(r.method, "INVITE");
    CHECK_INT(r.protocol, SIPCODE_REASON_SIP);
    CHECK_INT(r.cause, 480);
    CHECK_INT(r.count, 1);
    CHECK_INT(sipcode_stats_reason_at(st, 2, &r), SIPCODE_OK);
    CHECK_INT(r.protocol, SIPCODE_REASON_Q850);
    CHECK_INT(r.cause, 18);
    CHECK_INT(sipcode_stats_reason_at(st, 3, &r), SIPCODE_OK);
    CHECK_INT(r.protocol, SIPCODE_REASON_UNKNOWN);
    CHECK_STR(r.protocol_name, "X-Local");
    CHECK_INT(r.cause, 7);
    CHECK_INT(sipcode_stats_reason_at(st, 4, &r), SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_stats_reason_at(st, 0, NULL), SIPCODE_EINVAL);
    CHECK_COUNTERS(st, .frames = 4, .sip_messages = 4, .requests = 3, .responses = 1);
    sipcode_stats_free(st);
}

static void port_filter(void)
{
    static const uint16_t ports[] = {5080};
    struct sipcode_stats_config cfg = {0};
    struct sipcode_stats *st;
    struct path p = {LK_ETH, 0, 40000, 5080, 1, 2};
    cfg.ports = ports;
    cfg.port_count = 1;
    st = sipcode_stats_new(&cfg);
    CHECK(st != NULL);
    request(msg_a, "OPTIONS", "z9hG4bKo", 1, NULL, NULL);
    send_udp(st, &A_TO_B, msg_a);
    send_udp(st, &p, msg_a);
    send_tcp(st, &A_TO_B, 1, 0, msg_a, strlen(msg_a));
    CHECK_COUNTERS(st, .frames = 3, .sip_messages = 1, .requests = 1, .filtered = 2);
    sipcode_stats_free(st);
    cfg.port_count = SIPCODE_STATS_MAX_PORTS + 1;
    CHECK_NULL(sipcode_stats_new(&cfg));
    cfg.port_count = 1;
    cfg.ports = NULL;
    CHECK_NULL(sipcode_stats_new(&cfg));
}

/* Caps reached: counted, bounded, and nothing breaks. */
static void caps(void)
{
    struct sipcode_stats_config cfg = {0};
    struct sipcode_stats *st;
    char big[4096];
    int i;
    size_t a;
    cfg.max_flows = 2;
    cfg.max_flow_bytes = 1024;
    cfg.max_fragments = 1;
    cfg.max_transactions = 4;
    cfg.idle_timeout_ns = 5000000000ull;
    st = sipcode_stats_new(&cfg);
    CHECK(st != NULL);
    now_ns = 1;
    /* five TCP flows, each holding half a message: three evicted */
    a = request(msg_a, "OPTIONS", "z9hG4bKc", 1, NULL, NULL);
    for (i = 0; i < 5; i++) {
        struct path p = {LK_ETH, 0, 6000u + (unsigned)i, 5060, 1, 2};
        send_tcp(st, &p, 1, 0, msg_a, a / 2);
    }
    CHECK_COUNTERS(st, .frames = 5, .tcp_segments = 5, .flows_evicted = 3);
    /* a message bigger than max_flow_bytes on one flow, then a good one */
    memset(big, 'x', sizeof big);
    big[2998] = '\r', big[2999] = '\n';
    a = request(msg_b, "MESSAGE", "z9hG4bKm", 1, "Content-Type: text/plain\r\n", "");
    {
        struct path p = {LK_ETH, 0, 7000, 5060, 1, 2};
        size_t h;
        big[3000] = '\0';
        h = request(msg_c, "MESSAGE", "z9hG4bKq", 1, "Content-Type: text/plain\r\n", big);
        send_tcp(st, &p, 0, TH_SYN, NULL, 0);
        send_tcp(st, &p, 1, 0, msg_c, 500);
        send_tcp(st, &p, 501, 0, msg_c + 500, h - 500);
        send_tcp(st, &p, 1 + (uint32_t)h, 0, msg_b, a);
    }
    CHECK_INT(REQ(st, "MESSAGE"), 1);
    /* a segment far ahead with no room to hold it */
    {
        struct path p = {LK_ETH, 0, 7001, 5060, 1, 2};
        send_tcp(st, &p, 0, TH_SYN, NULL, 0);
        send_tcp(st, &p, 5000, 0, big, 1000);
        send_tcp(st, &p, 9000, 0, big, 1000); /* no room: the first hole is given up */
    }
    /* two fragmented datagrams at once with room for one */
    for (i = 0; i < 2; i++) {
        int lt;
        size_t n = link_header(LK_ETH, 0, frame, &lt);
        n += ip_header(0, 17, 1, 2, 16, (unsigned)(100 + i), 0x2000, frame + n);
        memset(frame + n, 0, 16);
        feed(st, n + 16, 0, lt);
    }
    /* transactions beyond max_transactions: 16 slots, two buckets of 8 */
    for (i = 0; i < 40; i++) {
        char branch[32];
        snprintf(branch, sizeof branch, "z9hG4bKt%d", i);
        request(msg_a, "INVITE", branch, 1, NULL, NULL);
        send_udp(st, &A_TO_B, msg_a);
        now_ns += 1000;
    }
    /* an idle timeout passes: the fragment and the flows go */
    now_ns += 6000000000ull;
    send_udp(st, &A_TO_B, "\r\n\r\n");
    sipcode_stats_finish(st);
    /* 55 frames: 41 requests (the 3000-byte MESSAGE is the oversized one);
     * flows: 3 over max_flows, 2 more for 7000 and 7001, 2 idle; gaps: the
     * hole before 5000 given up for room, then the one before 9000; the
     * transaction table (16 slots: four times max_transactions) keeps 16
     * of 41 */
    CHECK_COUNTERS(st, .frames = 55, .sip_messages = 41, .requests = 41, .keepalives = 1,
                   .ip_fragments = 2, .fragment_drops = 2, .tcp_segments = 10,
                   .tcp_out_of_order = 1, .tcp_gaps = 2, .tcp_oversized = 1, .flows_evicted = 7,
                   .transactions_forgotten = 25);
    CHECK_INT(REQ(st, "INVITE"), 40);
    sipcode_stats_free(st);
}

/* The byte caps over all flows and over fragments. */
static void memory_caps(void)
{
    struct sipcode_stats_config cfg = {0};
    struct sipcode_stats *st;
    struct path p1 = {LK_ETH, 0, 6001, 5060, 1, 2}, p2 = {LK_ETH, 0, 6002, 5060, 1, 2};
    size_t a;
    int lt;
    size_t n;
    uint8_t junk[1480];
    cfg.max_total_bytes = 3000;
    cfg.max_fragment_bytes = 1024;
    st = sipcode_stats_new(&cfg);
    CHECK(st != NULL);
    a = request(msg_a, "OPTIONS", "z9hG4bKmem", 1, NULL, NULL);
    send_tcp(st, &p1, 0, TH_SYN, NULL, 0);
    send_tcp(st, &p1, 1, 0, msg_a, a - 10); /* holds a 2048-byte buffer */
    send_tcp(st, &p2, 0, TH_SYN, NULL, 0);
    send_tcp(st, &p2, 1, 0, msg_a, a - 10);                         /* no room for another */
    send_tcp(st, &p2, 1 + (uint32_t)a - 10, 0, msg_a + a - 10, 10); /* nor here */
    send_tcp(st, &p1, 1 + (uint32_t)a - 10, 0, msg_a + a - 10, 10);
    memset(junk, 0, sizeof junk);
    n = link_header(LK_ETH, 0, frame, &lt);
    n += ip_header(0, 17, 1, 2, sizeof junk, 1, 0x2000, frame + n);
    memcpy(frame + n, junk, sizeof junk);
    feed(st, n + sizeof junk, 0, lt);
    sipcode_stats_finish(st);
    CHECK_COUNTERS(st, .frames = 7, .sip_messages = 1, .requests = 1, .tcp_segments = 4,
                   .memory_drops = 3, .ip_fragments = 1, .fragment_drops = 1);
    sipcode_stats_free(st);
}

/* One engine per capture and a total. */
static void merge(void)
{
    struct sipcode_stats *one = new_stats(), *two = new_stats(), *total = new_stats();
    struct sipcode_stats_timing t;
    struct sipcode_stats_reason r;
    request(msg_a, "INVITE", "z9hG4bK1", 1, NULL, NULL);
    send_udp(one, &A_TO_B, msg_a);
    now_ns += 2000;
    response(msg_b, 486, "INVITE", "z9hG4bK1", 1, "b1", "Reason: Q.850;cause=17\r\n");
    send_udp(one, &B_TO_A, msg_b);
    request(msg_a, "BYE", "z9hG4bK2", 2, NULL, NULL);
    send_udp(two, &A_TO_B, msg_a);
    send_udp(two, &A_TO_B, msg_a);
    request(msg_a, "INVITE", "z9hG4bK3", 1, NULL, NULL);
    send_udp(two, &A_TO_B, msg_a);
    now_ns += 4000;
    send_udp(two, &B_TO_A, msg_b); /* answers z9hG4bK1: no timing here */
    CHECK_INT(sipcode_stats_merge(total, one), SIPCODE_OK);
    CHECK_INT(sipcode_stats_merge(total, two), SIPCODE_OK);
    CHECK_INT(sipcode_stats_merge(total, total), SIPCODE_EINVAL);
    CHECK_INT(sipcode_stats_merge(NULL, one), SIPCODE_EINVAL);
    CHECK_COUNTERS(total, .frames = 6, .sip_messages = 6, .requests = 4, .responses = 2,
                   .retransmissions = 1, .request_retransmissions = 1);
    CHECK_INT(REQ(total, "INVITE"), 2);
    CHECK_INT(REQ(total, "BYE"), 2);
    CHECK_INT(sipcode_stats_request_retransmissions(total, "BYE", 3), 1);
    CHECK_INT(sipcode_stats_responses(total, 486), 2);
    CHECK_INT(BY_METHOD(total, "INVITE", 486), 2);
    CHECK_INT(sipcode_stats_timing(total, "INVITE", 6, SIPCODE_TIMING_FINAL, &t), SIPCODE_OK);
    CHECK_INT(t.count, 1);
    CHECK_INT(t.max_ns, 2000);
    CHECK_INT(sipcode_stats_reason_count(total), 1);
    CHECK_INT(sipcode_stats_reason_at(total, 0, &r), SIPCODE_OK);
    CHECK_INT(r.count, 2);
    CHECK_INT(r.code, 486);
    CHECK_INT(r.cause, 17);
    CHECK_STR(r.method, "INVITE");
    /* the parts are unchanged */
    CHECK_COUNTERS(one, .frames = 2, .sip_messages = 2, .requests = 1, .responses = 1);
    sipcode_stats_free(one);
    sipcode_stats_free(two);
    sipcode_stats_free(total);
}

static void api_edges(void)
{
    struct sipcode_stats *st = new_stats();
    struct sipcode_stats_counters c;
    struct sipcode_stats_timing t;
    CHECK_INT(sipcode_stats_add_packet(NULL, frame, 10, 10, 1, 0), SIPCODE_EINVAL);
    CHECK_INT(sipcode_stats_add_packet(st, NULL, 10, 10, 1, 0), SIPCODE_EINVAL);
    CHECK_INT(sipcode_stats_add_packet(st, NULL, 0, 60, 1, 0), SIPCODE_OK);
    CHECK_INT(sipcode_stats_add_packet(st, frame, 0, 0, 1, 0), SIPCODE_OK);
    CHECK_COUNTERS(st, .frames = 2, .truncated = 1, .bad_headers = 1);
    CHECK_INT(sipcode_stats_timing(st, NULL, 0, SIPCODE_TIMING_FINAL, &t), SIPCODE_EINVAL);
    CHECK_INT(sipcode_stats_requests(st, NULL, 0), 0);
    CHECK_INT(sipcode_stats_responses(NULL, 200), 0);
    CHECK_INT(sipcode_stats_method_count(NULL), 0);
    sipcode_stats_get_counters(NULL, &c);
    CHECK_INT(c.frames, 0);
    sipcode_stats_finish(NULL);
    sipcode_stats_free(NULL);
    sipcode_stats_free(st);
}

/* Method names of every length from 1 to 12, and for each one that differs
 * from it in its first, middle or last byte: each is its own method, in
 * requests and in the CSeq of responses, and after a merge (names of up to
 * 8 bytes are told apart by a word of their bytes, never read again). */
static void methods_told_apart(void)
{
    static const char base[] = "ABCDEFGHIJKL";
    struct sipcode_stats *st = new_stats(), *total = new_stats();
    char names[48][16];
    size_t n = 0, len, i, k;
    for (len = 1; len <= 12; len++) {
        size_t at[4] = {0, 0, len / 2, len - 1};
        for (k = 0; k < 4; k++) {
            memcpy(names[n], base, len);
            names[n][len] = '\0';
            if (k > 0)
                names[n][at[k]] = (char)('M' + k); /* N, O, P: not in base */
            n++;
        }
    }
    for (i = 0; i < n; i++) {
        char branch[32];
        for (k = 0; k <= i % 3; k++) { /* 1 to 3 of each, none a retransmission */
            snprintf(branch, sizeof branch, "z9hG4bKm%zu%c", i, (char)('a' + k));
            request(msg_a, names[i], branch, 1, NULL, NULL);
            send_udp(st, &A_TO_B, msg_a);
        }
        response(msg_b, 200, names[i], branch, 1, "b1", NULL);
        send_udp(st, &B_TO_A, msg_b);
    }
    sipcode_stats_finish(st);
    CHECK_INT(sipcode_stats_method_count(st), n);
    CHECK_INT(sipcode_stats_merge(total, st), SIPCODE_OK);
    CHECK_INT(sipcode_stats_merge(total, st), SIPCODE_OK);
    for (i = 0; i < n; i++) {
        CHECK_INT(REQ(st, names[i]), i % 3 + 1);
        CHECK_INT(BY_METHOD(st, names[i], 200), 1);
        CHECK_INT(REQ(total, names[i]), 2 * (i % 3 + 1));
        CHECK_INT(BY_METHOD(total, names[i], 200), 2);
    }
    CHECK_INT(sipcode_stats_method_count(total), n);
    sipcode_stats_free(st);
    sipcode_stats_free(total);
}

static const struct test_case capture_tests[] = {
    {"capture_udp_call", udp_call},
    {"capture_timing_percentiles", timing_percentiles},
    {"capture_retransmitted_180", retransmitted_180},
    {"capture_forked_180s", forked_180s},
    {"capture_every_link_type", every_link_type},
    {"capture_tcp_two_in_one_segment", tcp_two_in_one_segment},
    {"capture_tcp_split_status_line", tcp_split_status_line},
    {"capture_tcp_out_of_order_and_retransmitted", tcp_out_of_order_and_retransmitted},
    {"capture_tcp_gap", tcp_gap},
    {"capture_tcp_keepalives", tcp_keepalives_between_messages},
    {"capture_ipv4_ipv6_fragments", ipv4_fragments},
    {"capture_snaplen_truncated", snaplen_truncated},
    {"capture_garbage_rtp_dns", garbage_rtp_dns},
    {"capture_icmp_quoting_sip", icmp_quoting_sip},
    {"capture_notify_sipfrag", notify_sipfrag},
    {"capture_codes_out_of_range", codes_out_of_range},
    {"capture_reasons", reasons},
    {"capture_port_filter", port_filter},
    {"capture_caps", caps},
    {"capture_memory_caps", memory_caps},
    {"capture_merge", merge},
    {"capture_methods_told_apart", methods_told_apart},
    {"capture_api_edges", api_edges},
    {NULL, NULL},
};

TEST_SUITE(capture_tests)
