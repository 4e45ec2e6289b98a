/* TCP framing in the statistics engine, which parses a buffered message
 * again only when the answer can have changed (a Content-Length body still
 * short, or a header section without its blank line), and frames segments
 * in place when nothing is buffered. Whatever the segmentation, the counts
 * must be those of the whole stream in one segment: split at every byte,
 * one byte a segment, and at random places. */
#include <stdint.h>
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

static const char *const parts[] = {
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: s1\r\n"
    "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 36\r\n\r\n"
    "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n",
    "\r\n\r\n", /* keep-alive */
    "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\nCall-ID: s1\r\n"
    "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    NULL, /* a 200 with a large body, built below */
    /* a status line the grammar refuses, then lines to skip while resyncing */
    "SIP/2.0 2000 Bad\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n"
    "junk that is not SIP\r\n",
    "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK3\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\nCall-ID: s3\r\n"
    "CSeq: 1 INVITE\r\nReason: Q.850;cause=17\r\nContent-Length: 0\r\n\r\n",
    /* compact Content-Length */
    "MESSAGE sip:bob@example.com SIP/2.0\r\nv: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK4\r\n"
    "f: <sip:a@example.com>;tag=1\r\nt: <sip:bob@example.com>\r\ni: s4\r\n"
    "CSeq: 2 MESSAGE\r\nl: 5\r\n\r\nhello",
    /* a folded Content-Length: framed by the parser alone */
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK4\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=9\r\nCall-ID: s4\r\n"
    "CSeq: 2 MESSAGE\r\nContent-Length:\r\n 4\r\n\r\nbody",
    /* a header field the parser rejects, in a message with a body */
    "SIP/2.0 603 Decline\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK5\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: \x01<sip:bob@example.com>\r\nCall-ID: s5\r\n"
    "CSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nab\r\n",
    "BYE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK6\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\nCall-ID: s1\r\n"
    "CSeq: 3 BYE\r\nContent-Length: 0\r\n\r\n",
    /* the end: a message cut off in its headers, with a bad byte already in */
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK6\r\nTo: \x02x",
};

static char stream[16384];
static size_t stream_len;
static size_t end_invite, end_180, end_200; /* where these messages end */

static void build_stream(void)
{
    size_t i, n;
    if (stream_len)
        return;
    for (i = 0; i < sizeof parts / sizeof *parts; i++) {
        if (parts[i]) {
            n = strlen(parts[i]);
            memcpy(stream + stream_len, parts[i], n);
            stream_len += n;
            if (i == 0)
                end_invite = stream_len;
            if (i == 2)
                end_180 = stream_len;
            continue;
        }
        n = (size_t)snprintf(stream + stream_len, sizeof stream - stream_len,
                             "SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK1\r\n"
                             "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=2\r\n"
                             "Call-ID: s1\r\nCSeq: 1 INVITE\r\nContent-Length: 3000\r\n\r\n");
        stream_len += n;
        memset(stream + stream_len, 'x', 3000);
        stream_len += 3000;
        end_200 = stream_len;
    }
}

static uint8_t frame[20000];

/* One raw-IPv4 TCP segment of the stream (or a bare SYN when len is 0). */
static void segment(struct sipcode_stats *st, uint32_t seq, unsigned flags, const char *data,
                    size_t len, uint64_t ts)
{
    size_t total = 40 + len;
    memset(frame, 0, 40);
    frame[0] = 0x45;
    frame[2] = (uint8_t)(total >> 8), frame[3] = (uint8_t)total;
    frame[8] = 64, frame[9] = 6;
    frame[12] = 192, frame[13] = 0, frame[14] = 2, frame[15] = 1;
    frame[16] = 192, frame[17] = 0, frame[18] = 2, frame[19] = 2;
    frame[20] = 0x9c, frame[21] = 0x40, frame[22] = 0x13, frame[23] = 0xc4;
    frame[24] = (uint8_t)(seq >> 24), frame[25] = (uint8_t)(seq >> 16);
    frame[26] = (uint8_t)(seq >> 8), frame[27] = (uint8_t)seq;
    frame[32] = 5 << 4;
    frame[33] = (uint8_t)flags;
    if (len)
        memcpy(frame + 40, data, len);
    sipcode_stats_add_packet(st, frame, total, total, SIPCODE_LINKTYPE_IPV4, ts);
}

struct result {
    struct sipcode_stats_counters c;
    uint64_t r180, r200, r486, r603, invite, message, bye;
};

/* The INVITE's time to 180 and to 200: each message counts at the segment
 * that completes it, segment k (from 0) having time 2 + k. */
struct timing {
    uint64_t provisional, final;
};



/* Feeds the stream cut before each offset in cuts[0..n) (ascending). */
static void feed_timed(const size_t *cuts, size_t n, struct result *out, struct timing *tm)
{
    struct sipcode_stats_timing t;
    struct sipcode_stats_config cfg;
    struct sipcode_stats *st;
    uint32_t isn = 1000;
    size_t i, from = 0;
    uint64_t ts = 1;
    memset(&cfg, 0, sizeof cfg); /* small tables: thousands of engines */
    cfg.max_flows = 16;
    cfg.max_fragments = 4;
    cfg.max_transactions = 64;
    st = sipcode_stats_new(&cfg);
    if (!st)
        abort();
    segment(st, isn, 0x02, NULL, 0, ts++);
    for (i = 0; i <= n; i++) {
        size_t to = i < n ? cuts[i] : stream_len;
        if (to > from)
            segment(st, isn + 1 + (uint32_t)from, 0x18, stream + from, to - from, ts++);
        from = to;
    }
    sipcode_stats_finish(st);
    sipcode_stats_get_counters(st, &out->c);
    out->c.frames = 0;       /* differ with the segmentation */
    out->c.tcp_segments = 0; /* likewise */
    out->r180 = sipcode_stats_responses(st, 180);
    out->r200 = sipcode_stats_responses(st, 200);
    out->r486 = sipcode_stats_responses(st, 486);
    out->r603 = sipcode_stats_responses(st, 603);
    out->invite = sipcode_stats_requests(st, "INVITE", 6);
    out->message = sipcode_stats_requests(st, "MESSAGE", 7);
    out->bye = sipcode_stats_requests(st, "BYE", 3);
    if (tm) {
        tm->provisional = tm->final = UINT64_MAX;
        if (sipcode_stats_timing(st, "INVITE", 6, SIPCODE_TIMING_PROVISIONAL, &t) == SIPCODE_OK)
            tm->provisional = t.max_ns;
        if (sipcode_stats_timing(st, "INVITE", 6, SIPCODE_TIMING_FINAL, &t) == SIPCODE_OK)
            tm->final = t.max_ns;
    }
    sipcode_stats_free(st);
}

static void feed(const size_t *cuts, size_t n, struct result *out)
{
    feed_timed(cuts, n, out, NULL);
}

/* The time of the segment holding the byte at pos. */
static uint64_t time_of(const size_t *cuts, size_t n, size_t pos)
{
    uint64_t t = 2;
    size_t i;
    for (i = 0; i < n; i++)
        if (cuts[i] <= pos)
            t++;
    return t;
}

static int timed_right(const size_t *cuts, size_t n, const char *how, size_t at)
{
    struct result r;
    struct timing tm;
    uint64_t inv = time_of(cuts, n, end_invite - 1);
    feed_timed(cuts, n, &r, &tm);
    if (tm.provisional != time_of(cuts, n, end_180 - 1) - inv ||
        tm.final != time_of(cuts, n, end_200 - 1) - inv) {
        TEST_FAIL_AT("%s %zu: INVITE timing %llu/%llu, expected %llu/%llu", how, at,
                     (unsigned long long)tm.provisional, (unsigned long long)tm.final,
                     (unsigned long long)(time_of(cuts, n, end_180 - 1) - inv),
                     (unsigned long long)(time_of(cuts, n, end_200 - 1) - inv));
        return 0;
    }
    return 1;
}

static int same(const struct result *a, const struct result *b, const char *how, size_t at)
{
    if (memcmp(a, b, sizeof *a) == 0)
        return 1;
    TEST_FAIL_AT("%s %zu: malformed %llu/%llu keepalives %llu/%llu responses %llu/%llu "
                 "requests %llu/%llu",
                 how, at, (unsigned long long)b->c.malformed, (unsigned long long)a->c.malformed,
                 (unsigned long long)b->c.keepalives, (unsigned long long)a->c.keepalives,
                 (unsigned long long)b->c.responses, (unsigned long long)a->c.responses,
                 (unsigned long long)b->c.requests, (unsigned long long)a->c.requests);
    return 0;
}

static void whole_stream_counts(void)
{
    struct result whole;
    build_stream();
    feed(NULL, 0, &whole);
    CHECK_INT(whole.invite, 1);
    CHECK_INT(whole.r180, 1);
    CHECK_INT(whole.r200, 2); /* the large body and the folded Content-Length */
    CHECK_INT(whole.r486, 1);
    CHECK_INT(whole.r603, 0);
    CHECK_INT(whole.message, 1);
    CHECK_INT(whole.bye, 1);
    CHECK_INT(whole.c.malformed, 3); /* 2000, the 603, the cut one at the end */
    CHECK_INT(whole.c.keepalives, 1);
}

static void split_at_every_byte(void)
{
    struct result whole, cut;
    size_t at;
    build_stream();
    feed(NULL, 0, &whole);
    for (at = 1; at < stream_len; at++) {
        feed(&at, 1, &cut);
        if (!same(&whole, &cut, "split at", at) || !timed_right(&at, 1, "split at", at))
            break;
    }
}

static void one_byte_segments_and_random(void)
{
    static size_t cuts[16384];
    struct result whole, cut;
    size_t i, n;
    uint32_t x = 0x5195c0de;
    int round;
    build_stream();
    feed(NULL, 0, &whole);
    for (i = 1; i < stream_len; i++)
        cuts[i - 1] = i;
    feed(cuts, stream_len - 1, &cut);
    same(&whole, &cut, "one byte a segment, length", stream_len);
    timed_right(cuts, stream_len - 1, "one byte a segment, length", stream_len);
    for (round = 0; round < 200; round++) {
        size_t at = 0;
        n = 0;
        for (;;) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            at += 1 + x % (round % 2 ? 40 : 700);
            if (at >= stream_len)
                break;
            cuts[n++] = at;
        }
        feed(cuts, n, &cut);
        if (!same(&whole, &cut, "random round", (size_t)round) ||
            !timed_right(cuts, n, "random round", (size_t)round))
            break;
    }
}

static const struct test_case capture_stream_tests[] = {
    {"capture_stream_whole", whole_stream_counts},
    {"capture_stream_split_at_every_byte", split_at_every_byte},
    {"capture_stream_one_byte_and_random_segments", one_byte_segments_and_random},
    {NULL, NULL},
};

TEST_SUITE(capture_stream_tests)
