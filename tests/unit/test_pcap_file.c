/* The direct pcap reader (lib/capture/pcap_file.c) against libpcap: the
 * same captures, cut at every byte, damaged and spread over the reader's
 * mapping windows, must give the same records, result, error text and
 * counters through both. */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <sipcode.h>

#include "capture_int.h"
#include "test.h"

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 4096;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put32(struct buf *b, uint32_t v, int big)
{
    uint8_t x[4];
    if (big) {
        x[0] = (uint8_t)(v >> 24), x[1] = (uint8_t)(v >> 16), x[2] = (uint8_t)(v >> 8),
        x[3] = (uint8_t)v;
    } else {
        x[0] = (uint8_t)v, x[1] = (uint8_t)(v >> 8), x[2] = (uint8_t)(v >> 16),
        x[3] = (uint8_t)(v >> 24);
    }
    put(b, x, 4);
}

struct format {
    int big, nano;
    uint32_t magic_version; /* 0: 2.4 */
    uint32_t linktype, snaplen;
};

static void file_header(struct buf *b, const struct format *f)
{
    put32(b, f->nano ? 0xa1b23c4du : 0xa1b2c3d4u, f->big);
    /* major 2, minor 4, each 16 bits in the file's byte order */
    put32(b, f->magic_version ? f->magic_version : f->big ? 0x00020004u : 0x00040002u, f->big);
    put32(b, 0, f->big);
    put32(b, 0, f->big);
    put32(b, f->snaplen, f->big);
    put32(b, f->linktype, f->big);
}

static void record(struct buf *b, const struct format *f, uint32_t sec, uint32_t frac,
                   const uint8_t *data, uint32_t caplen, uint32_t len)
{
    put32(b, sec, f->big);
    put32(b, frac, f->big);
    put32(b, caplen, f->big);
    put32(b, len, f->big);
    put(b, data, caplen);
}

/* A frame of the link type around an IPv4/UDP datagram carrying text. */
static size_t sip_frame(uint8_t *fr, uint32_t linktype, const char *text)
{
    size_t n = strlen(text), at = 0, ip;
    if (linktype == SIPCODE_LINKTYPE_EN10MB) {
        memset(fr, 2, 12);
        fr[12] = 0x08, fr[13] = 0;
        at = 14;
    } else if (linktype == SIPCODE_LINKTYPE_LINUX_SLL) {
        memset(fr, 0, 16);
        fr[14] = 0x08, fr[15] = 0;
        at = 16;
    } else if (linktype == SIPCODE_LINKTYPE_NULL) {
        fr[0] = 2, fr[1] = fr[2] = fr[3] = 0;
        at = 4;
    }
    ip = at;
    memset(fr + ip, 0, 28);
    fr[ip] = 0x45;
    fr[ip + 2] = (uint8_t)((28 + n) >> 8), fr[ip + 3] = (uint8_t)(28 + n);
    fr[ip + 8] = 64, fr[ip + 9] = 17;
    fr[ip + 12] = 192, fr[ip + 13] = 0, fr[ip + 14] = 2, fr[ip + 15] = 1;
    fr[ip + 16] = 192, fr[ip + 17] = 0, fr[ip + 18] = 2, fr[ip + 19] = 2;
    fr[ip + 20] = 0x13, fr[ip + 21] = 0xc4, fr[ip + 22] = 0x13, fr[ip + 23] = 0xc4;
    fr[ip + 24] = (uint8_t)((8 + n) >> 8), fr[ip + 25] = (uint8_t)(8 + n);
    memcpy(fr + ip + 28, text, n);
    return ip + 28 + n;
}

static const char *const messages[] = {
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\n"
    "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=b\r\nCall-ID: c1\r\n"
    "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=b\r\nCall-ID: c1\r\n"
    "CSeq: 1 INVITE\r\nReason: Q.850;cause=17\r\nContent-Length: 0\r\n\r\n",
    "SIP/2.0 555 Unregistered\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb\r\n"
    "From: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>;tag=b\r\nCall-ID: c2\r\n"
    "CSeq: 2 OPTIONS\r\nContent-Length: 0\r\n\r\n",
};

/* A capture: the four messages, the 180 again, one frame cut by snaplen;
 * with long_record, a record whose caplen exceeds the file's snaplen. */
static void capture(struct buf *b, const struct format *f, int long_record)
{
    uint8_t fr[2048];
    size_t i, n;
    uint32_t scale = f->nano ? 1000u : 1u;
    file_header(b, f);
    for (i = 0; i < 4; i++) {
        n = sip_frame(fr, f->linktype, messages[i]);
        record(b, f, 1700000000u + (uint32_t)i, (uint32_t)(i * 250000u) * scale, fr, (uint32_t)n,
               (uint32_t)n);
    }
    n = sip_frame(fr, f->linktype, messages[1]);
    record(b, f, 1700000009u, 999999u * scale, fr, (uint32_t)n, (uint32_t)n);
    record(b, f, 1700000010u, 0, fr, 60, (uint32_t)n); /* cut by snaplen */
    if (long_record)
        record(b, f, 1700000011u, 0, fr, (uint32_t)n, (uint32_t)n);
}

static char dir[64];

static void write_file(const char *path, const uint8_t *p, size_t len)
{
    FILE *fp;
    unlink(path); /* a new file: truncating one makes ext4 write it out */
    fp = fopen(path, "wb");
    if (!fp || (len && fwrite(p, 1, len, fp) != len) || fclose(fp) != 0)
        abort();
}

struct outcome {
    enum sipcode_err err;
    struct sipcode_capture_result res;
    char errbuf[256];
    struct sipcode_stats_counters c;
    uint64_t codes[4];
    uint64_t digest; /* of every count the API gives */
};

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

/* Everything the engine counts, folded into one number. */
static uint64_t stats_digest(const struct sipcode_stats *st)
{
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i, k;
    int code, kind;
    for (code = 100; code < 700; code++) {
        h = mix(h, sipcode_stats_responses(st, code));
        h = mix(h, sipcode_stats_response_retransmissions(st, code));
    }
    for (i = 0; i < sipcode_stats_method_count(st); i++) {
        const char *name = sipcode_stats_method_at(st, i);
        size_t len = strlen(name);
        for (k = 0; k < len; k++)
            h = mix(h, (uint8_t)name[k]);
        h = mix(h, sipcode_stats_requests(st, name, len));
        h = mix(h, sipcode_stats_request_retransmissions(st, name, len));
        for (code = 100; code < 700; code++)
            h = mix(h, sipcode_stats_responses_by_method(st, name, len, code));
        for (kind = 0; kind < 2; kind++) {
            struct sipcode_stats_timing t;
            if (sipcode_stats_timing(st, name, len, (enum sipcode_stats_timing_kind)kind, &t) !=
                SIPCODE_OK)
                continue;
            h = mix(mix(mix(h, t.count), mix(t.p50_ns, t.p90_ns)), mix(t.p99_ns, t.max_ns));
        }
    }
    for (i = 0; i < sipcode_stats_reason_count(st); i++) {
        struct sipcode_stats_reason r;
        if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
            continue;
        h = mix(mix(h, (uint64_t)r.code), mix((uint64_t)r.cause, r.count));
    }
    return h;
}

/* Small tables: an engine per read, thousands of reads. */
static struct sipcode_stats *small_engine(void)
{
    struct sipcode_stats_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_flows = 16;
    cfg.max_fragments = 4;
    cfg.max_transactions = 64;
    return sipcode_stats_new(&cfg);
}

/* direct: 0 libpcap, 1 the direct reader, N > 1 the direct reader with N
 * threads. */
static void read_with(int direct, const char *path, struct outcome *o)
{
    struct sipcode_stats *st = small_engine();
    memset(o, 0, sizeof *o);
    if (!st)
        abort();
    if (direct > 1) {
        struct sipcode_read_options opt;
        memset(&opt, 0, sizeof opt);
        opt.threads = (unsigned)direct;
        o->err = sipcode_stats_read_file_ex(st, path, &opt, &o->res, o->errbuf, sizeof o->errbuf);
    } else if (direct)
        o->err = sipcode_stats_read_file(st, path, &o->res, o->errbuf, sizeof o->errbuf);
    else
        o->err = sipcode__read_libpcap(st, path, NULL, &o->res, o->errbuf, sizeof o->errbuf);
    sipcode_stats_finish(st);
    sipcode_stats_get_counters(st, &o->c);
    o->codes[0] = sipcode_stats_responses(st, 180);
    o->codes[1] = sipcode_stats_responses(st, 486);
    o->codes[2] = sipcode_stats_responses(st, 555);
    o->codes[3] = sipcode_stats_requests(st, "INVITE", 6);
    o->digest = stats_digest(st);
    sipcode_stats_free(st);
}

static int same_outcome(const struct outcome *a, const struct outcome *b)
{
    return a->err == b->err && memcmp(&a->res, &b->res, sizeof a->res) == 0 &&
           strcmp(a->errbuf, b->errbuf) == 0 && memcmp(&a->c, &b->c, sizeof a->c) == 0 &&
           memcmp(a->codes, b->codes, sizeof a->codes) == 0 && a->digest == b->digest;
}

/* Both readers on path, the direct one alone and with threads; returns 1
 * when all agree. */
static int same_both_ways(const char *path, const char *what, size_t cut)
{
    struct outcome a, b, t;
    read_with(1, path, &a);
    read_with(0, path, &b);
    read_with(3, path, &t);
    if (!same_outcome(&a, &b) || !same_outcome(&a, &t)) {
        TEST_FAIL_AT("%s cut at %zu: direct err %d records %llu truncated %d \"%s\"; libpcap err "
                     "%d records %llu truncated %d \"%s\"; 3 threads err %d records %llu "
                     "truncated %d \"%s\"",
                     what, cut, (int)a.err, (unsigned long long)a.res.records, a.res.truncated,
                     a.errbuf, (int)b.err, (unsigned long long)b.res.records, b.res.truncated,
                     b.errbuf, (int)t.err, (unsigned long long)t.res.records, t.res.truncated,
                     t.errbuf);
        return 0;
    }
    return 1;
}

static int taken(const char *path)
{
    struct sipcode_stats *st = small_engine();
    struct sipcode_capture_result r;
    enum sipcode_err err;
    char eb[256];
    int took;
    memset(&r, 0, sizeof r);
    r.linktype = -1;
    took = sipcode__pcap_file_read(st, path, NULL, &r, eb, sizeof eb, &err);
    sipcode_stats_free(st);
    return took;
}

static int make_dir(void)
{
    if (dir[0])
        return 1;
    snprintf(dir, sizeof dir, "/tmp/sipcode-pcapfile-XXXXXX");
    if (!mkdtemp(dir)) {
        TEST_FAIL_AT("mkdtemp %s failed", dir);
        return 0;
    }
    return 1;
}

static void every_format_every_cut(void)
{
    static const struct format formats[] = {
        {0, 0, 0, SIPCODE_LINKTYPE_EN10MB, 65535},  {1, 0, 0, SIPCODE_LINKTYPE_EN10MB, 65535},
        {0, 1, 0, SIPCODE_LINKTYPE_EN10MB, 262144}, {1, 1, 0, SIPCODE_LINKTYPE_LINUX_SLL, 0},
        {0, 0, 0, SIPCODE_LINKTYPE_NULL, 1 << 30},  {0, 0, 0, SIPCODE_LINKTYPE_IPV4, 65535},
        {0, 0, 0, SIPCODE_LINKTYPE_EN10MB, 200},    {1, 1, 0, SIPCODE_LINKTYPE_EN10MB, 100},
    };
    char path[128];
    size_t i, cut;
    if (!make_dir())
        return;
    snprintf(path, sizeof path, "%s/cut.pcap", dir);
    for (i = 0; i < sizeof formats / sizeof *formats; i++) {
        struct buf b = {NULL, 0, 0};
        char what[64];
        capture(&b, &formats[i], formats[i].snaplen < 1000);
        snprintf(what, sizeof what, "format %zu", i);
        write_file(path, b.p, b.len);
        if (!taken(path))
            TEST_FAIL_AT("format %zu not taken by the direct reader", i);
        for (cut = 0; cut <= b.len; cut++) {
            write_file(path, b.p, cut);
            if (!same_both_ways(path, what, cut))
                break;
        }
        /* the whole file: every message counted, the cut frame apart */
        write_file(path, b.p, b.len);
        {
            struct outcome o;
            read_with(1, path, &o);
            /* snaplen 0 means the largest; a small one cuts every frame */
            int longer = formats[i].snaplen < 1000, small = longer && formats[i].snaplen;
            CHECK_INT(o.codes[0], small ? 0 : longer ? 3 : 2);
            CHECK_INT(o.codes[1], small ? 0 : 1);
            CHECK_INT(o.codes[2], small ? 0 : 1);
            CHECK_INT(o.codes[3], small ? 0 : 1);
            CHECK_INT(o.c.truncated, small ? 7 : 1);
            CHECK_INT(o.res.records, longer ? 7 : 6);
        }
        free(b.p);
    }
    unlink(path);
}

/* Files the direct reader leaves to libpcap, and damaged ones. */
static void left_to_libpcap_and_damaged(void)
{
    static const struct format raw = {0, 0, 0, SIPCODE_LINKTYPE_RAW, 65535};
    static const struct format v23 = {0, 0, 0x00030002u, SIPCODE_LINKTYPE_EN10MB, 65535};
    static const struct format eth = {0, 0, 0, SIPCODE_LINKTYPE_EN10MB, 65535};
    char path[128];
    struct buf b = {NULL, 0, 0};
    uint8_t fr[2048];
    size_t n;
    if (!make_dir())
        return;
    snprintf(path, sizeof path, "%s/other.pcap", dir);
    capture(&b, &raw, 0);
    write_file(path, b.p, b.len);
    CHECK_INT(taken(path), 0);
    same_both_ways(path, "raw IP", b.len);
    b.len = 0;
    capture(&b, &v23, 0);
    write_file(path, b.p, b.len);
    CHECK_INT(taken(path), 0);
    same_both_ways(path, "version 2.3", b.len);
    /* a record longer than any snapshot length: libpcap's error */
    b.len = 0;
    file_header(&b, &eth);
    n = sip_frame(fr, eth.linktype, messages[1]);
    record(&b, &eth, 1, 0, fr, (uint32_t)n, (uint32_t)n);
    put32(&b, 2, 0);
    put32(&b, 0, 0);
    put32(&b, 300000, 0);
    put32(&b, 300000, 0);
    put(&b, fr, n);
    write_file(path, b.p, b.len);
    CHECK_INT(taken(path), 1);
    same_both_ways(path, "huge caplen", b.len);
    /* a pcapng file and text */
    write_file(path, (const uint8_t *)"\x0a\x0d\x0d\x0a not really", 15);
    CHECK_INT(taken(path), 0);
    same_both_ways(path, "pcapng-looking", 15);
    CHECK_INT(taken("-"), 0);
    CHECK_INT(taken("/nonexistent/file.pcap"), 0);
    free(b.p);
    unlink(path);
}

struct progress_seen {
    uint64_t calls, last;
    int backwards;
};

static void on_progress(void *arg, uint64_t offset)
{
    struct progress_seen *p = arg;
    if (offset < p->last)
        p->backwards = 1;
    p->last = offset;
    p->calls++;
}

/* Records on both sides of the reader's 8 MB windows, of every size. */
static void across_windows(void)
{
    static const struct format f = {0, 1, 0, SIPCODE_LINKTYPE_EN10MB, 65535};
    char path[128];
    struct buf b = {NULL, 0, 0};
    uint8_t fr[2048];
    size_t n, i = 0, at[3] = {0, 0, 0};
    struct outcome a;
    if (!make_dir())
        return;
    snprintf(path, sizeof path, "%s/big.pcap", dir);
    file_header(&b, &f);
    while (b.len < (size_t)20 << 20) {
        if (i == 17000 || i == 21000 || i == 26000)
            at[i == 17000 ? 0 : i == 21000 ? 1 : 2] = b.len;
        n = sip_frame(fr, f.linktype, messages[i % 4]);
        /* padding after the datagram varies the record size by 1 byte */
        memset(fr + n, 0, i % 700);
        record(&b, &f, 1700000000u + (uint32_t)(i / 1000), (uint32_t)(i % 1000) * 1000000u, fr,
               (uint32_t)(n + i % 700), (uint32_t)(n + i % 700));
        i++;
    }
    /* cut short in the third and later spans of the threaded reader (each
     * 4 MiB): on a record boundary, in a record header, in a
     * record's data; all three readers must agree */
    {
        size_t cuts[3], k;
        cuts[0] = at[0];
        cuts[1] = at[1] + 5;
        cuts[2] = at[2] + 16 + 10;
        for (k = 0; k < 3; k++) {
            CHECK(cuts[k] > 16);
            write_file(path, b.p, cuts[k]);
            same_both_ways(path, "20 MB cut", cuts[k]);
        }
    }
    write_file(path, b.p, b.len);
    CHECK_INT(taken(path), 1);
    same_both_ways(path, "20 MB", b.len);
    read_with(1, path, &a);
    CHECK_INT(a.res.records, i);
    CHECK_INT(a.c.sip_messages, i);
    {
        /* more threads than SIPCODE_MAX_THREADS: as many as allowed */
        struct outcome t;
        read_with(1000, path, &t);
        CHECK(same_outcome(&a, &t));
    }
    {
        /* the progress callback: about every MiB, never backwards, the end last */
        struct progress_seen seen = {0, 0, 0};
        struct sipcode_read_options opt;
        struct sipcode_stats *st = small_engine();
        memset(&opt, 0, sizeof opt);
        opt.progress = on_progress;
        opt.progress_arg = &seen;
        CHECK_INT(sipcode_stats_read_file_ex(st, path, &opt, NULL, NULL, 0), SIPCODE_OK);
        CHECK_INT(seen.last, b.len);
        CHECK(seen.calls >= 20 && seen.calls <= 200);
        CHECK_INT(seen.backwards, 0);
        sipcode_stats_free(st);
    }
    {
        /* the same with threads, and the same counts for any number */
        struct progress_seen seen = {0, 0, 0};
        struct sipcode_read_options opt;
        struct outcome t;
        unsigned threads;
        struct sipcode_stats *st = small_engine();
        memset(&opt, 0, sizeof opt);
        opt.progress = on_progress;
        opt.progress_arg = &seen;
        opt.threads = 2;
        CHECK_INT(sipcode_stats_read_file_ex(st, path, &opt, NULL, NULL, 0), SIPCODE_OK);
        CHECK_INT(seen.last, b.len);
        CHECK(seen.calls >= 20 && seen.calls <= 200);
        CHECK_INT(seen.backwards, 0);
        sipcode_stats_free(st);
        for (threads = 2; threads <= 8; threads *= 2) {
            read_with((int)threads, path, &t);
            if (!same_outcome(&a, &t))
                TEST_FAIL_AT("20 MB with %u threads: records %llu, alone %llu", threads,
                             (unsigned long long)t.res.records, (unsigned long long)a.res.records);
        }
    }
    free(b.p);
    unlink(path);
    rmdir(dir);
    dir[0] = '\0';
}

/* SIP frames of varied sizes, the first numbered first, until b->len
 * reaches until. */
static void sip_records(struct buf *b, const struct format *f, size_t until, size_t first)
{
    uint8_t fr[2048];
    size_t i, n;
    for (i = first; b->len < until; i++) {
        n = sip_frame(fr, f->linktype, messages[i % 4]);
        memset(fr + n, 0, i % 300);
        record(b, f, 1700000000u + (uint32_t)(i / 1000), (uint32_t)(i % 1000) * 1000u, fr,
               (uint32_t)(n + i % 300), (uint32_t)(n + i % 300));
    }
}

/* With threads, each span of the file is framed from a guessed start, and
 * the counting thread checks the guess: a wrong guess, a span of more
 * records than a slot holds, a span with no guess at all and an error met
 * while framing ahead must all give what one thread and libpcap give. */
static void spans_guessed(void)
{
    static const struct format f = {0, 0, 0, SIPCODE_LINKTYPE_EN10MB, 65535};
    const uint64_t span = SIPCODE__PCAP_SPAN;
    char path[128];
    struct buf b = {NULL, 0, 0};
    uint8_t fr[4096];
    size_t n, k, after_fake, at_span2, damaged;
    struct outcome one, two;
    if (!make_dir())
        return;
    snprintf(path, sizeof path, "%s/spans.pcap", dir);

    /* a record whose bytes, from the second span's first byte on, are a
     * run of record headers: the guess for that span is wrong */
    file_header(&b, &f);
    sip_records(&b, &f, span - 1000, 0);
    memset(fr, 0x5a, sizeof fr);
    n = span - b.len - 16; /* the record's data reaches the span from here */
    for (k = 0; k < 12; k++) {
        uint8_t *h = fr + n + k * 20;
        uint32_t v[4] = {1700000000u, 0, 4, 4};
        size_t j;
        for (j = 0; j < 16; j++)
            h[j] = (uint8_t)(v[j / 4] >> (8 * (j % 4)));
    }
    record(&b, &f, 1700000100u, 0, fr, 3000, 3000);
    after_fake = b.len;
    for (k = 0; b.len < 2 * span; k++)
        sip_records(&b, &f, b.len + 1, k); /* one record at a time */
    at_span2 = b.len;
    sip_records(&b, &f, 2 * span + 600000, 3);
    CHECK(after_fake > span);
    CHECK_INT(sipcode__pcap_guess_start(b.p, b.len, 0, f.snaplen, span, 2 * span), span);
    CHECK_INT(sipcode__pcap_guess_start(b.p, b.len, 0, f.snaplen, after_fake - 30, 2 * span),
              after_fake);
    CHECK_INT(sipcode__pcap_guess_start(b.p, b.len, 0, f.snaplen, 2 * span, 3 * span), at_span2);
    write_file(path, b.p, b.len);
    same_both_ways(path, "a wrong guess", b.len);
    read_with(1, path, &one);
    read_with(2, path, &two);
    CHECK(same_outcome(&one, &two));
    CHECK(one.c.sip_messages > 9000);

    /* an error while framing ahead, in a span after the first: counted up
     * to it, then libpcap's error text */
    damaged = at_span2 + 5000;
    for (k = 24; k < damaged;) /* the record header at or after damaged */
        k += 16 +
             (size_t)(b.p[k + 8] | b.p[k + 9] << 8 | b.p[k + 10] << 16 | (size_t)b.p[k + 11] << 24);
    b.p[k + 10] = 0x10; /* caplen past 1 MB */
    write_file(path, b.p, b.len);
    same_both_ways(path, "damaged in the third span", k);
    read_with(2, path, &two);
    CHECK_INT(two.err, SIPCODE_EIO);
    CHECK(two.res.truncated);
    CHECK(strstr(two.errbuf, "invalid packet capture length") != NULL);

    /* short records: far more in a span than a slot holds */
    b.len = 0;
    file_header(&b, &f);
    for (k = 0; b.len < 2 * span + 100000; k++) {
        n = sip_frame(fr, f.linktype, k % 50 ? "\r\n\r\n" : messages[k % 4]);
        record(&b, &f, 1700000000u + (uint32_t)(k / 100000), (uint32_t)(k % 100000) * 10u, fr,
               (uint32_t)n, (uint32_t)n);
    }
    CHECK(k > 100000);
    write_file(path, b.p, b.len);
    same_both_ways(path, "short records", b.len);
    read_with(1, path, &one);
    read_with(2, path, &two);
    CHECK(same_outcome(&one, &two));
    CHECK_INT(one.c.keepalives, k - (k + 49) / 50);

    /* no record has a plausible header (each claims fewer bytes on the
     * wire than were captured): no span has a guess */
    for (k = 24; k + 16 <= b.len;) {
        size_t caplen = b.p[k + 8] | (size_t)b.p[k + 9] << 8;
        b.p[k + 12] = (uint8_t)(caplen - 1);
        b.p[k + 13] = (uint8_t)((caplen - 1) >> 8);
        k += 16 + caplen;
    }
    CHECK_INT(sipcode__pcap_guess_start(b.p, b.len, 0, f.snaplen, span, 2 * span), UINT64_MAX);
    write_file(path, b.p, b.len);
    same_both_ways(path, "no guess", b.len);
    read_with(2, path, &two);
    CHECK_INT(two.c.keepalives, one.c.keepalives);
    CHECK_INT(two.res.records, one.res.records);
    free(b.p);
    unlink(path);
    rmdir(dir);
    dir[0] = '\0';
}

static const struct test_case pcap_file_tests[] = {
    {"pcap_file_every_format_every_cut", every_format_every_cut},
    {"pcap_file_left_to_libpcap_and_damaged", left_to_libpcap_and_damaged},
    {"pcap_file_across_windows", across_windows},
    {"pcap_file_spans_guessed", spans_guessed},
    {NULL, NULL},
};

TEST_SUITE(pcap_file_tests)
