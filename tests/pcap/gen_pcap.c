/* gen_pcap - writes the test captures for 'sipcode stats' and their ground
 * truth, byte by byte: plain C, no libpcap. Deterministic: the same files
 * on every run and machine.
 *
 *   gen_pcap DIR
 *
 * writes into DIR:
 *   udp_call.pcap      classic pcap (microseconds), Ethernet: INVITE (sent
 *                      twice), 100, 180, the same 180 again, a forked 180
 *                      (other To tag), 200, ACK, BYE, 200, one RTP packet
 *   tcp_call.pcapng    pcapng (nanoseconds), Ethernet, TCP with handshake: the
 *                      INVITE split over three segments, 100 and 180 in one
 *                      segment, the 200's status line split in two, one TCP
 *                      segment sent twice, ACK, BYE, 200
 *   busy_486.pcap      classic pcap (nanoseconds), raw IPv4: INVITE, 100, 486
 *                      with Reason: Q.850;cause=17, ACK
 *   truncated.pcap     busy_486.pcap whose last record (the ACK) is cut in
 *                      the middle of its data
 *   vlan_qinq.pcap     Ethernet, the INVITE transaction with one 802.1Q tag,
 *                      the rest of the call with QinQ (802.1ad + 802.1Q)
 *   sll.pcap           Linux cooked v1: REGISTER, 401, REGISTER, 200
 *   sll2.pcapng        Linux cooked v2: OPTIONS (sent twice), 200, MESSAGE, 404
 *   ipv6.pcap          IPv6 over Ethernet: INVITE, 100, 603 with Q.850 cause 21, ACK
 *   ipv4_fragments.pcap raw IPv4: an INVITE in three fragments, a 180 in two sent
 *                      in reverse order, 100, 200, ACK
 *   garbage.pcap       ARP, random UDP bytes, DNS, a keep-alive, codes 99 and 700,
 *                      a 500 cut by snaplen, a lying IPv4 header, one good 503
 *   not_a_capture.txt  text
 *   NAME.expected.json for each capture: the counts of what was written
 *                      (frames, requests, responses, responses_by_method,
 *                      retransmissions, non_sip, reasons), only for records
 *                      written in full
 *   all.expected.json  the totals of udp_call, tcp_call and busy_486
 *
 * tests/pcap/golden/ keeps copies of these captures with the output of
 * 'sipcode stats --format json' on each (tests/pcap/update-golden.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_METHODS 8
#define CODES       700

struct tally {
    char method[MAX_METHODS][32];
    size_t methods;
    unsigned long requests[MAX_METHODS], request_rtx[MAX_METHODS];
    unsigned long responses[CODES], response_rtx[CODES];
    unsigned long by_method[MAX_METHODS][CODES];
    unsigned long frames, non_sip, q850_17;
};

struct cap {
    FILE *f;
    int ng;       /* pcapng, else classic */
    int nano;     /* classic with nanosecond timestamps */
    int linktype; /* 1 Ethernet, 101 raw IP */
    uint64_t ts_ns;
    int cut_next; /* write only half of the next record's data */
    int snap_next; /* the next record's captured length is cut (snaplen) */
    int vlans;     /* Ethernet: 802.1Q tags on each frame (2: QinQ) */
    int ipv6;      /* IPv6 instead of IPv4 */
    struct tally *t, *total;
    uint32_t seq[2]; /* TCP: next sequence number per direction */
    uint16_t ip_id;
};

static const uint8_t host_ip[2][4] = {{192, 0, 2, 10}, {198, 51, 100, 20}};
static const uint16_t host_port[2] = {5060, 5062};

/* ---- bytes ---------------------------------------------------------------- */

static void put16be(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32be(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void w16(FILE *f, unsigned v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
}

static void w32(FILE *f, uint32_t v)
{
    w16(f, v & 0xffff);
    w16(f, v >> 16);
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* ---- the file formats ------------------------------------------------------ */

static void open_cap(struct cap *c, const char *dir, const char *name, int ng, int nano,
                     int linktype, struct tally *t, struct tally *total)
{
    char path[4096];
    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!(c->f = fopen(path, "wb")))
        die(path);
    c->ng = ng;
    c->nano = nano;
    c->linktype = linktype;
    c->ts_ns = 1700000000ull * 1000000000ull;
    c->t = t;
    c->total = total;
    c->seq[0] = 1000;
    c->seq[1] = 500000;
    c->ip_id = 1;
    if (!ng) {
        w32(c->f, nano ? 0xa1b23c4du : 0xa1b2c3d4u);
        w16(c->f, 2);
        w16(c->f, 4);
        w32(c->f, 0); /* thiszone */
        w32(c->f, 0); /* sigfigs */
        w32(c->f, 65535);
        w32(c->f, (uint32_t)linktype);
        return;
    }
    /* Section Header Block */
    w32(c->f, 0x0a0d0d0au);
    w32(c->f, 28);
    w32(c->f, 0x1a2b3c4du);
    w16(c->f, 1);
    w16(c->f, 0);
    w32(c->f, 0xffffffffu); /* section length unknown */
    w32(c->f, 0xffffffffu);
    w32(c->f, 28);
    /* Interface Description Block with if_tsresol = 9 (nanoseconds) */
    w32(c->f, 1);
    w32(c->f, 32);
    w16(c->f, (unsigned)linktype);
    w16(c->f, 0);
    w32(c->f, 65535);
    w16(c->f, 9); /* if_tsresol */
    w16(c->f, 1);
    fputc(9, c->f);
    fputc(0, c->f);
    fputc(0, c->f);
    fputc(0, c->f);
    w16(c->f, 0); /* opt_endofopt */
    w16(c->f, 0);
    w32(c->f, 32);
}

static void close_cap(struct cap *c)
{
    if (fclose(c->f) != 0)
        die("fclose");
}

/* Writes one record at c->ts_ns, then advances the clock by gap_us. Returns 1
 * when it was written in full. */
static int record(struct cap *c, const uint8_t *data, size_t len, unsigned gap_us)
{
    size_t caplen = c->cut_next ? len / 2 : len;
    size_t snap = c->snap_next ? len - 40 : len; /* cut inside the SIP data */
    int full = !c->cut_next;
    int whole = full && !c->snap_next;
    if (c->snap_next) {
        c->snap_next = 0;
        if (!c->ng) {
            w32(c->f, (uint32_t)(c->ts_ns / 1000000000u));
            w32(c->f, (uint32_t)(c->ts_ns % 1000000000u / (c->nano ? 1u : 1000u)));
            w32(c->f, (uint32_t)snap);
            w32(c->f, (uint32_t)len);
            fwrite(data, 1, snap, c->f);
        } else {
            size_t pad = (4 - snap % 4) % 4;
            uint32_t total = (uint32_t)(32 + snap + pad);
            w32(c->f, 6);
            w32(c->f, total);
            w32(c->f, 0);
            w32(c->f, (uint32_t)(c->ts_ns >> 32));
            w32(c->f, (uint32_t)c->ts_ns);
            w32(c->f, (uint32_t)snap);
            w32(c->f, (uint32_t)len);
            fwrite(data, 1, snap, c->f);
            while (pad--)
                fputc(0, c->f);
            w32(c->f, total);
        }
        c->ts_ns += (uint64_t)gap_us * 1000u;
        c->t->frames++;
        if (c->total)
            c->total->frames++;
        return 0;
    }
    uint32_t sec = (uint32_t)(c->ts_ns / 1000000000u);
    uint32_t frac = (uint32_t)(c->ts_ns % 1000000000u);
    if (!c->ng) {
        w32(c->f, sec);
        w32(c->f, c->nano ? frac : frac / 1000u);
        w32(c->f, (uint32_t)len); /* the header promises all of it */
        w32(c->f, (uint32_t)len);
        fwrite(data, 1, caplen, c->f);
    } else {
        size_t pad = (4 - len % 4) % 4;
        uint32_t total = (uint32_t)(32 + len + pad);
        w32(c->f, 6);
        w32(c->f, total);
        w32(c->f, 0);
        w32(c->f, (uint32_t)(c->ts_ns >> 32));
        w32(c->f, (uint32_t)c->ts_ns);
        w32(c->f, (uint32_t)len);
        w32(c->f, (uint32_t)len);
        fwrite(data, 1, len, c->f);
        while (pad--)
            fputc(0, c->f);
        w32(c->f, total);
    }
    c->cut_next = 0;
    c->ts_ns += (uint64_t)gap_us * 1000u;
    if (full) {
        c->t->frames++;
        if (c->total)
            c->total->frames++;
    }
    return whole;
}

/* ---- link, IP, UDP, TCP ------------------------------------------------------ */

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static const uint8_t host_ip6[2][16] = {
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10},
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x20}};

/* The link-layer header for c's link type, carrying ethertype; its length. */
static size_t link_header(struct cap *c, uint8_t *buf, int dir, unsigned ethertype)
{
    static const uint8_t mac[2][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}};
    size_t at = 0;
    int v;
    switch (c->linktype) {
    case 1: /* Ethernet, with 802.1ad + 802.1Q tags for QinQ */
        memcpy(buf, mac[!dir], 6);
        memcpy(buf + 6, mac[dir], 6);
        at = 12;
        for (v = 0; v < c->vlans; v++) {
            put16be(buf + at, c->vlans == 2 && v == 0 ? 0x88a8 : 0x8100);
            put16be(buf + at + 2, (unsigned)(100 + v)); /* VLAN id */
            at += 4;
        }
        put16be(buf + at, ethertype);
        return at + 2;
    case 113: /* Linux cooked v1: packet type, ARPHRD, address length, address, protocol */
        put16be(buf, dir ? 0 : 4);
        put16be(buf + 2, 1);
        put16be(buf + 4, 6);
        memset(buf + 6, 0, 8);
        memcpy(buf + 6, mac[dir], 6);
        put16be(buf + 14, ethertype);
        return 16;
    case 276: /* Linux cooked v2: protocol, reserved, ifindex, ARPHRD, type, addr len, addr */
        put16be(buf, ethertype);
        put16be(buf + 2, 0);
        put32be(buf + 4, 2);
        put16be(buf + 8, 1);
        buf[10] = dir ? 0 : 4;
        buf[11] = 6;
        memset(buf + 12, 0, 8);
        memcpy(buf + 12, mac[dir], 6);
        return 20;
    default: /* raw IP */
        return 0;
    }
}

/* The IP header for a payload of l4len bytes; its length. frag_off is in
 * bytes, more marks "more fragments" (IPv4 only). */
static size_t ip_header(struct cap *c, uint8_t *ip, int dir, int proto, size_t l4len,
                        uint16_t id, size_t frag_off, int more)
{
    if (c->ipv6) {
        memset(ip, 0, 40);
        ip[0] = 0x60;
        put16be(ip + 4, (unsigned)l4len);
        ip[6] = (uint8_t)proto;
        ip[7] = 64;
        memcpy(ip + 8, host_ip6[dir], 16);
        memcpy(ip + 24, host_ip6[!dir], 16);
        return 40;
    }
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16be(ip + 2, (unsigned)(20 + l4len));
    put16be(ip + 4, id);
    put16be(ip + 6, (unsigned)((more ? 0x2000u : 0u) | (frag_off / 8)));
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    memcpy(ip + 12, host_ip[dir], 4);
    memcpy(ip + 16, host_ip[!dir], 4);
    put16be(ip + 10, ip_checksum(ip, 20));
    return 20;
}

/* The UDP or TCP header and payload into l4; its length. */
static size_t l4_segment(struct cap *c, uint8_t *l4, int dir, int proto, const void *payload,
                         size_t len, uint8_t tcp_flags)
{
    size_t hl = proto == 6 ? 20 : 8;
    put16be(l4, host_port[dir]);
    put16be(l4 + 2, host_port[!dir]);
    if (proto == 17) {
        put16be(l4 + 4, (unsigned)(8 + len));
        put16be(l4 + 6, 0); /* no checksum */
    } else {
        put32be(l4 + 4, c->seq[dir]);
        put32be(l4 + 8, c->seq[!dir]);
        l4[12] = 5 << 4;
        l4[13] = tcp_flags;
        put16be(l4 + 14, 65535);
        put16be(l4 + 16, 0);
        put16be(l4 + 18, 0);
    }
    memcpy(l4 + hl, payload, len);
    return hl + len;
}

/* Frames payload from host dir to the other one; proto 17 (UDP) or 6 (TCP). */
static int frame(struct cap *c, int dir, int proto, const void *payload, size_t len,
                 uint8_t tcp_flags, unsigned gap_us)
{
    static uint8_t buf[70000];
    size_t at = link_header(c, buf, dir, c->ipv6 ? 0x86dd : 0x0800), ipl;
    uint8_t l4[66000];
    size_t l4len = l4_segment(c, l4, dir, proto, payload, len, tcp_flags);
    ipl = ip_header(c, buf + at, dir, proto, l4len, c->ip_id++, 0, 0);
    memcpy(buf + at + ipl, l4, l4len);
    return record(c, buf, at + ipl + l4len, gap_us);
}

/* A UDP datagram in IPv4 fragments of at most frag bytes of payload (a
 * multiple of 8), written last fragment first when reverse is set, as
 * some stacks send them. Returns 1 when every fragment was written whole. */
static int fragmented(struct cap *c, int dir, const void *payload, size_t len, size_t frag,
                      int reverse, unsigned gap_us)
{
    static uint8_t buf[70000];
    uint8_t l4[66000];
    size_t l4len = l4_segment(c, l4, dir, 17, payload, len, 0);
    size_t n = (l4len + frag - 1) / frag, k;
    uint16_t id = c->ip_id++;
    int whole = 1;
    for (k = 0; k < n; k++) {
        size_t i = reverse ? n - 1 - k : k, off = i * frag;
        size_t part = l4len - off < frag ? l4len - off : frag;
        size_t at = link_header(c, buf, dir, 0x0800);
        at += ip_header(c, buf + at, dir, 17, part, id, off, i + 1 < n);
        memcpy(buf + at, l4 + off, part);
        whole &= record(c, buf, at + part, gap_us);
    }
    return whole;
}

/* Any bytes as one frame (ARP, broken headers). */
static void raw_frame(struct cap *c, const uint8_t *data, size_t len, unsigned gap_us)
{
    record(c, data, len, gap_us);
}

/* ---- SIP messages and the tally ---------------------------------------------- */

static size_t method_slot(struct tally *t, const char *m, size_t len)
{
    size_t i;
    for (i = 0; i < t->methods; i++)
        if (strlen(t->method[i]) == len && memcmp(t->method[i], m, len) == 0)
            return i;
    if (t->methods == MAX_METHODS || len >= sizeof t->method[0]) {
        fprintf(stderr, "gen_pcap: too many methods\n");
        exit(1);
    }
    memcpy(t->method[t->methods], m, len);
    t->method[t->methods][len] = '\0';
    return t->methods++;
}

/* Counts the message text (which this program wrote itself) in t. */
static void tally_one(struct tally *t, const char *text, int rtx)
{
    const char *cseq = strstr(text, "\r\nCSeq: "), *m, *e;
    size_t k;
    if (!cseq) {
        fprintf(stderr, "gen_pcap: no CSeq\n");
        exit(1);
    }
    m = strchr(cseq + 8, ' ') + 1;
    e = strstr(m, "\r\n");
    if (strncmp(text, "SIP/2.0 ", 8) == 0) {
        int code = atoi(text + 8);
        k = method_slot(t, m, (size_t)(e - m));
        t->responses[code]++;
        t->by_method[k][code]++;
        if (rtx)
            t->response_rtx[code]++;
    } else {
        k = method_slot(t, text, strcspn(text, " "));
        t->requests[k]++;
        if (rtx)
            t->request_rtx[k]++;
    }
    if (strstr(text, "\r\nReason: Q.850;cause=17"))
        t->q850_17++;
}

static void tally(struct cap *c, const char *text, int rtx)
{
    tally_one(c->t, text, rtx);
    if (c->total)
        tally_one(c->total, text, rtx);
}

/* Builds a SIP message. start: request or status line; to_tag may be "". */
static void sip(char *out, size_t cap, const char *start, const char *transport,
                const char *branch, const char *call_id, unsigned cseq, const char *method,
                const char *to_tag, const char *extra, const char *body)
{
    int n = snprintf(out, cap,
                     "%s\r\n"
                     "Via: SIP/2.0/%s 192.0.2.10:5060;branch=%s\r\n"
                     "From: \"Alice\" <sip:alice@example.com>;tag=a73kszlfl\r\n"
                     "To: <sip:bob@example.com>%s%s\r\n"
                     "Call-ID: %s\r\n"
                     "CSeq: %u %s\r\n"
                     "%s"
                     "Content-Length: %zu\r\n"
                     "\r\n"
                     "%s",
                     start, transport, branch, *to_tag ? ";tag=" : "", to_tag, call_id, cseq,
                     method, extra, strlen(body), body);
    if (n < 0 || (size_t)n >= cap) {
        fprintf(stderr, "gen_pcap: message too long\n");
        exit(1);
    }
}

static const char sdp[] = "v=0\r\n"
                          "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
                          "s=-\r\n"
                          "c=IN IP4 192.0.2.10\r\n"
                          "t=0 0\r\n"
                          "m=audio 49170 RTP/AVP 0\r\n"
                          "a=rtpmap:0 PCMU/8000\r\n";

static const char invite_extra[] = "Max-Forwards: 70\r\n"
                                   "Contact: <sip:alice@192.0.2.10:5060>\r\n"
                                   "Content-Type: application/sdp\r\n";

/* One SIP message over UDP; counted when written in full. */
static void udp_sip(struct cap *c, int dir, const char *text, int rtx, unsigned gap_us)
{
    if (frame(c, dir, 17, text, strlen(text), 0, gap_us))
        tally(c, text, rtx);
}

/* ---- the captures ------------------------------------------------------------ */

static void udp_call(const char *dir, struct tally *t, struct tally *total)
{
    struct cap c;
    char m[4096];
    static const uint8_t rtp[] = {0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0,
                                  0x12, 0x34, 0x56, 0x78, 0xff, 0xff, 0xff, 0xff};
    const char *cid = "udpcall-1@192.0.2.10";
    open_cap(&c, dir, "udp_call.pcap", 0, 0, 1, t, total);
    sip(m, sizeof m, "INVITE sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-u1", cid, 1, "INVITE",
        "", invite_extra, sdp);
    udp_sip(&c, 0, m, 0, 500000);
    udp_sip(&c, 0, m, 1, 20000); /* Timer A fired */
    sip(m, sizeof m, "SIP/2.0 100 Trying", "UDP", "z9hG4bK-u1", cid, 1, "INVITE", "", "", "");
    udp_sip(&c, 1, m, 0, 480000);
    sip(m, sizeof m, "SIP/2.0 180 Ringing", "UDP", "z9hG4bK-u1", cid, 1, "INVITE", "b1", "", "");
    udp_sip(&c, 1, m, 0, 500000);
    udp_sip(&c, 1, m, 1, 100000); /* the same 180 again */
    sip(m, sizeof m, "SIP/2.0 180 Ringing", "UDP", "z9hG4bK-u1", cid, 1, "INVITE", "b2", "", "");
    udp_sip(&c, 1, m, 0, 1400000); /* another fork: not a retransmission */
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-u1", cid, 1, "INVITE", "b1",
        "Contact: <sip:bob@198.51.100.20:5062>\r\nContent-Type: application/sdp\r\n", sdp);
    udp_sip(&c, 1, m, 0, 10000);
    sip(m, sizeof m, "ACK sip:bob@198.51.100.20:5062 SIP/2.0", "UDP", "z9hG4bK-u2", cid, 1, "ACK",
        "b1", "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 20000);
    if (frame(&c, 0, 17, rtp, sizeof rtp, 0, 7000000)) {
        t->non_sip++;
        total->non_sip++;
    }
    sip(m, sizeof m, "BYE sip:bob@198.51.100.20:5062 SIP/2.0", "UDP", "z9hG4bK-u3", cid, 2, "BYE",
        "b1", "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 20000);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-u3", cid, 2, "BYE", "b1", "", "");
    udp_sip(&c, 1, m, 0, 1000);
    close_cap(&c);
}

/* Sends bytes [from, to) of the stream in one TCP segment. */
static void tcp_seg(struct cap *c, int dir, const char *data, size_t from, size_t to,
                    unsigned gap_us)
{
    frame(c, dir, 6, data + from, to - from, 0x18, gap_us);
    c->seq[dir] += (uint32_t)(to - from);
}

static void tcp_call(const char *dir, struct tally *t, struct tally *total)
{
    struct cap c;
    char m[4096], two[8192];
    size_t n, cut;
    const char *cid = "tcpcall-1@192.0.2.10";
    open_cap(&c, dir, "tcp_call.pcapng", 1, 1, 1, t, total);
    /* the handshake: SYN, SYN-ACK, ACK */
    frame(&c, 0, 6, "", 0, 0x02, 100);
    c.seq[0]++;
    frame(&c, 1, 6, "", 0, 0x12, 100);
    c.seq[1]++;
    frame(&c, 0, 6, "", 0, 0x10, 1000);

    sip(m, sizeof m, "INVITE sip:bob@example.com;transport=tcp SIP/2.0", "TCP", "z9hG4bK-t1", cid,
        1, "INVITE", "", invite_extra, sdp);
    n = strlen(m);
    tcp_seg(&c, 0, m, 0, 10, 50); /* inside the request line */
    tcp_seg(&c, 0, m, 10, n / 2, 50);
    c.seq[0] -= (uint32_t)(n / 2 - 10);
    tcp_seg(&c, 0, m, 10, n / 2, 50); /* that segment again: TCP retransmission */
    tcp_seg(&c, 0, m, n / 2, n, 200000);
    tally(&c, m, 0);

    /* 100 and 180 in one segment */
    sip(two, sizeof two, "SIP/2.0 100 Trying", "TCP", "z9hG4bK-t1", cid, 1, "INVITE", "", "", "");
    tally(&c, two, 0);
    n = strlen(two);
    sip(m, sizeof m, "SIP/2.0 180 Ringing", "TCP", "z9hG4bK-t1", cid, 1, "INVITE", "b1", "", "");
    tally(&c, m, 0);
    memcpy(two + n, m, strlen(m) + 1);
    tcp_seg(&c, 1, two, 0, strlen(two), 2000000);

    /* the 200's status line split in two */
    sip(m, sizeof m, "SIP/2.0 200 OK", "TCP", "z9hG4bK-t1", cid, 1, "INVITE", "b1",
        "Contact: <sip:bob@198.51.100.20:5062;transport=tcp>\r\n"
        "Content-Type: application/sdp\r\n",
        sdp);
    cut = strlen("SIP/2.0 2");
    tcp_seg(&c, 1, m, 0, cut, 300);
    tcp_seg(&c, 1, m, cut, strlen(m), 10000);
    tally(&c, m, 0);

    sip(m, sizeof m, "ACK sip:bob@198.51.100.20:5062;transport=tcp SIP/2.0", "TCP", "z9hG4bK-t2",
        cid, 1, "ACK", "b1", "Max-Forwards: 70\r\n", "");
    tcp_seg(&c, 0, m, 0, strlen(m), 5000000);
    tally(&c, m, 0);
    sip(m, sizeof m, "BYE sip:bob@198.51.100.20:5062;transport=tcp SIP/2.0", "TCP", "z9hG4bK-t3",
        cid, 2, "BYE", "b1", "Max-Forwards: 70\r\n", "");
    tcp_seg(&c, 0, m, 0, strlen(m), 30000);
    tally(&c, m, 0);
    sip(m, sizeof m, "SIP/2.0 200 OK", "TCP", "z9hG4bK-t3", cid, 2, "BYE", "b1", "", "");
    tcp_seg(&c, 1, m, 0, strlen(m), 1000);
    tally(&c, m, 0);
    close_cap(&c);
}

/* busy_486.pcap, or with cut_last the same with its last record cut short. */
static void busy(const char *dir, const char *name, int cut_last, struct tally *t,
                 struct tally *total)
{
    struct cap c;
    char m[4096];
    const char *cid = "busy-1@192.0.2.10";
    open_cap(&c, dir, name, 0, 1, 101, t, total);
    sip(m, sizeof m, "INVITE sip:carol@example.com SIP/2.0", "UDP", "z9hG4bK-b1", cid, 7,
        "INVITE", "", invite_extra, sdp);
    udp_sip(&c, 0, m, 0, 40000);
    sip(m, sizeof m, "SIP/2.0 100 Trying", "UDP", "z9hG4bK-b1", cid, 7, "INVITE", "", "", "");
    udp_sip(&c, 1, m, 0, 800000);
    sip(m, sizeof m, "SIP/2.0 486 Busy Here", "UDP", "z9hG4bK-b1", cid, 7, "INVITE", "c9",
        "Reason: Q.850;cause=17;text=\"User busy\"\r\n", "");
    udp_sip(&c, 1, m, 0, 3000);
    sip(m, sizeof m, "ACK sip:carol@example.com SIP/2.0", "UDP", "z9hG4bK-b1", cid, 7, "ACK", "c9",
        "Max-Forwards: 70\r\n", "");
    c.cut_next = cut_last;
    udp_sip(&c, 0, m, 0, 1000);
    close_cap(&c);
}

/* Ethernet with one 802.1Q tag for the INVITE transaction, QinQ (802.1ad
 * outer, 802.1Q inner) for the rest of the call. */
static void vlan_qinq(const char *dir, struct tally *t)
{
    struct cap c;
    char m[4096];
    const char *cid = "vlan-1@192.0.2.10";
    open_cap(&c, dir, "vlan_qinq.pcap", 0, 0, 1, t, NULL);
    c.vlans = 1;
    sip(m, sizeof m, "INVITE sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-v1", cid, 1, "INVITE",
        "", invite_extra, sdp);
    udp_sip(&c, 0, m, 0, 30000);
    sip(m, sizeof m, "SIP/2.0 100 Trying", "UDP", "z9hG4bK-v1", cid, 1, "INVITE", "", "", "");
    udp_sip(&c, 1, m, 0, 900000);
    sip(m, sizeof m, "SIP/2.0 180 Ringing", "UDP", "z9hG4bK-v1", cid, 1, "INVITE", "v9", "", "");
    udp_sip(&c, 1, m, 0, 2000000);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-v1", cid, 1, "INVITE", "v9",
        "Contact: <sip:bob@198.51.100.20:5062>\r\nContent-Type: application/sdp\r\n", sdp);
    udp_sip(&c, 1, m, 0, 10000);
    c.vlans = 2;
    sip(m, sizeof m, "ACK sip:bob@198.51.100.20:5062 SIP/2.0", "UDP", "z9hG4bK-v2", cid, 1, "ACK",
        "v9", "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 4000000);
    sip(m, sizeof m, "BYE sip:bob@198.51.100.20:5062 SIP/2.0", "UDP", "z9hG4bK-v3", cid, 2, "BYE",
        "v9", "Max-Forwards: 70\r\nReason: Q.850;cause=16\r\n", "");
    udp_sip(&c, 0, m, 0, 20000);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-v3", cid, 2, "BYE", "v9", "", "");
    udp_sip(&c, 1, m, 0, 1000);
    close_cap(&c);
}

/* Linux cooked capture v1 (tcpdump -i any before libpcap 1.10): a REGISTER
 * challenged, then accepted. */
static void sll(const char *dir, struct tally *t)
{
    struct cap c;
    char m[4096];
    const char *cid = "reg-1@192.0.2.10";
    open_cap(&c, dir, "sll.pcap", 0, 1, 113, t, NULL);
    sip(m, sizeof m, "REGISTER sip:example.com SIP/2.0", "UDP", "z9hG4bK-r1", cid, 1, "REGISTER",
        "", "Max-Forwards: 70\r\nContact: <sip:alice@192.0.2.10>\r\nExpires: 3600\r\n", "");
    udp_sip(&c, 0, m, 0, 15000);
    sip(m, sizeof m, "SIP/2.0 401 Unauthorized", "UDP", "z9hG4bK-r1", cid, 1, "REGISTER", "s1",
        "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"ea9c8e88\"\r\n", "");
    udp_sip(&c, 1, m, 0, 40000);
    sip(m, sizeof m, "REGISTER sip:example.com SIP/2.0", "UDP", "z9hG4bK-r2", cid, 2, "REGISTER",
        "",
        "Max-Forwards: 70\r\nContact: <sip:alice@192.0.2.10>\r\nExpires: 3600\r\n"
        "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"ea9c8e88\", "
        "uri=\"sip:example.com\", response=\"6629fae49393a05397450978507c4ef1\"\r\n",
        "");
    udp_sip(&c, 0, m, 0, 12000);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-r2", cid, 2, "REGISTER", "s1",
        "Contact: <sip:alice@192.0.2.10>;expires=3600\r\n", "");
    udp_sip(&c, 1, m, 0, 1000);
    close_cap(&c);
}

/* Linux cooked capture v2 in pcapng: OPTIONS pings (one retransmitted) and a
 * MESSAGE refused with 404. */
static void sll2(const char *dir, struct tally *t)
{
    struct cap c;
    char m[4096];
    open_cap(&c, dir, "sll2.pcapng", 1, 1, 276, t, NULL);
    sip(m, sizeof m, "OPTIONS sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-o1", "opt-1@x", 1,
        "OPTIONS", "", "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 500000);
    udp_sip(&c, 0, m, 1, 20000);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-o1", "opt-1@x", 1, "OPTIONS", "o2",
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE\r\n", "");
    udp_sip(&c, 1, m, 0, 300000);
    sip(m, sizeof m, "MESSAGE sip:nobody@example.com SIP/2.0", "UDP", "z9hG4bK-m1", "msg-1@x", 1,
        "MESSAGE", "", "Max-Forwards: 70\r\nContent-Type: text/plain\r\n", "hello");
    udp_sip(&c, 0, m, 0, 8000);
    sip(m, sizeof m, "SIP/2.0 404 Not Found", "UDP", "z9hG4bK-m1", "msg-1@x", 1, "MESSAGE", "n4",
        "", "");
    udp_sip(&c, 1, m, 0, 1000);
    close_cap(&c);
}

/* IPv6 over Ethernet: a call declined with Q.850 cause 21. */
static void ipv6(const char *dir, struct tally *t)
{
    struct cap c;
    char m[4096];
    const char *cid = "v6-1@2001:db8::10";
    open_cap(&c, dir, "ipv6.pcap", 0, 0, 1, t, NULL);
    c.ipv6 = 1;
    sip(m, sizeof m, "INVITE sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-6a", cid, 1, "INVITE",
        "", invite_extra, sdp);
    udp_sip(&c, 0, m, 0, 60000);
    sip(m, sizeof m, "SIP/2.0 100 Trying", "UDP", "z9hG4bK-6a", cid, 1, "INVITE", "", "", "");
    udp_sip(&c, 1, m, 0, 1500000);
    sip(m, sizeof m, "SIP/2.0 603 Decline", "UDP", "z9hG4bK-6a", cid, 1, "INVITE", "d6",
        "Reason: Q.850;cause=21;text=\"Call rejected\"\r\n", "");
    udp_sip(&c, 1, m, 0, 2000);
    sip(m, sizeof m, "ACK sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-6a", cid, 1, "ACK", "d6",
        "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 1000);
    close_cap(&c);
}

/* Raw IPv4: an INVITE too big for one packet in three fragments, and a
 * 180 in two fragments sent last one first. */
static void ipv4_fragments(const char *dir, struct tally *t)
{
    struct cap c;
    char m[8192], pad[3001];
    const char *cid = "frag-1@192.0.2.10";
    open_cap(&c, dir, "ipv4_fragments.pcap", 0, 1, 101, t, NULL);
    memset(pad, 'a', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    {
        char extra[3200];
        snprintf(extra, sizeof extra, "%sX-Padding: %s\r\n", invite_extra, pad);
        sip(m, sizeof m, "INVITE sip:bob@example.com SIP/2.0", "UDP", "z9hG4bK-f1", cid, 1,
            "INVITE", "", extra, sdp);
    }
    if (fragmented(&c, 0, m, strlen(m), 1480, 0, 100))
        tally(&c, m, 0);
    sip(m, sizeof m, "SIP/2.0 100 Trying", "UDP", "z9hG4bK-f1", cid, 1, "INVITE", "", "", "");
    udp_sip(&c, 1, m, 0, 700000);
    sip(m, sizeof m, "SIP/2.0 180 Ringing", "UDP", "z9hG4bK-f1", cid, 1, "INVITE", "f7", "", "");
    if (fragmented(&c, 1, m, strlen(m), 128, 1, 50))
        tally(&c, m, 0);
    sip(m, sizeof m, "SIP/2.0 200 OK", "UDP", "z9hG4bK-f1", cid, 1, "INVITE", "f7",
        "Contact: <sip:bob@198.51.100.20:5062>\r\nContent-Type: application/sdp\r\n", sdp);
    udp_sip(&c, 1, m, 0, 5000);
    sip(m, sizeof m, "ACK sip:bob@198.51.100.20:5062 SIP/2.0", "UDP", "z9hG4bK-f2", cid, 1, "ACK",
        "f7", "Max-Forwards: 70\r\n", "");
    udp_sip(&c, 0, m, 0, 1000);
    close_cap(&c);
}

/* What must land in named counters and never in the responses: ARP,
 * bytes that are not SIP (random, DNS), a CRLF keep-alive, codes 99 and
 * 700, a response cut by snaplen, an IPv4 header that lies; and one good
 * 503 among them. */
static void garbage(const char *dir, struct tally *t)
{
    struct cap c;
    char m[4096];
    static const uint8_t arp[42] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1,
                                    0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1,
                                    192, 0, 2, 10, 0, 0, 0, 0, 0, 0, 198, 51, 100, 20};
    static const uint8_t noise[24] = {0x17, 0x03, 0x03, 0x00, 0x13, 0xc1, 0x9e, 0x44,
                                      0x00, 0x7f, 0xfe, 0x01, 0x02, 0x80, 0x81, 0x99,
                                      0x10, 0x20, 0x30, 0x40, 0xde, 0xad, 0xbe, 0xef};
    static const uint8_t dns[29] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, 'e', 'x',
                                    'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
    uint8_t bad[60];
    open_cap(&c, dir, "garbage.pcap", 0, 0, 1, t, NULL);
    raw_frame(&c, arp, sizeof arp, 1000);
    if (frame(&c, 0, 17, noise, sizeof noise, 0, 1000))
        t->non_sip++;
    if (frame(&c, 0, 17, dns, sizeof dns, 0, 1000))
        t->non_sip++;
    frame(&c, 0, 17, "\r\n\r\n", 4, 0, 1000); /* keep-alive */
    sip(m, sizeof m, "SIP/2.0 99 Too Low", "UDP", "z9hG4bK-g1", "g-1@x", 1, "INVITE", "g", "", "");
    frame(&c, 1, 17, m, strlen(m), 0, 1000); /* malformed: not a response */
    sip(m, sizeof m, "SIP/2.0 700 Too High", "UDP", "z9hG4bK-g1", "g-1@x", 1, "INVITE", "g", "",
        "");
    frame(&c, 1, 17, m, strlen(m), 0, 1000); /* malformed */
    sip(m, sizeof m, "SIP/2.0 500 Server Internal Error", "UDP", "z9hG4bK-g2", "g-2@x", 1,
        "INVITE", "g", "", "");
    c.snap_next = 1; /* cut by snaplen: truncated */
    udp_sip(&c, 1, m, 0, 1000);
    memset(bad, 0, sizeof bad);
    link_header(&c, bad, 0, 0x0800);
    bad[14] = 0x4f; /* IPv4 claiming a 60-byte header in a 46-byte packet */
    raw_frame(&c, bad, sizeof bad, 1000);
    sip(m, sizeof m, "SIP/2.0 503 Service Unavailable", "UDP", "z9hG4bK-g3", "g-3@x", 1,
        "INVITE", "g", "Retry-After: 120\r\n", "");
    udp_sip(&c, 1, m, 0, 1000);
    close_cap(&c);
}

/* ---- the ground truth --------------------------------------------------------- */

static void json_methods(FILE *f, const struct tally *t, const unsigned long *counts)
{
    size_t i;
    int first = 1;
    fputc('{', f);
    for (i = 0; i < t->methods; i++) {
        if (!counts[i])
            continue;
        fprintf(f, "%s\"%s\": %lu", first ? "" : ", ", t->method[i], counts[i]);
        first = 0;
    }
    fputc('}', f);
}

static void json_codes(FILE *f, const unsigned long *counts)
{
    int code, first = 1;
    fputc('{', f);
    for (code = 100; code < CODES; code++) {
        if (!counts[code])
            continue;
        fprintf(f, "%s\"%d\": %lu", first ? "" : ", ", code, counts[code]);
        first = 0;
    }
    fputc('}', f);
}

static void write_truth(const char *dir, const char *name, const struct tally *t)
{
    char path[4096];
    FILE *f;
    size_t i;
    int first = 1;
    snprintf(path, sizeof path, "%s/%s.expected.json", dir, name);
    if (!(f = fopen(path, "w")))
        die(path);
    fprintf(f, "{\n  \"frames\": %lu,\n  \"non_sip\": %lu,\n  \"q850_17\": %lu,\n", t->frames,
            t->non_sip, t->q850_17);
    fputs("  \"requests\": ", f);
    json_methods(f, t, t->requests);
    fputs(",\n  \"responses\": ", f);
    json_codes(f, t->responses);
    fputs(",\n  \"responses_by_method\": {", f);
    for (i = 0; i < t->methods; i++) {
        int code, any = 0;
        for (code = 100; code < CODES; code++)
            any |= t->by_method[i][code] != 0;
        if (!any)
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", t->method[i]);
        json_codes(f, t->by_method[i]);
        first = 0;
    }
    fputs("},\n  \"retransmissions\": {\"requests\": ", f);
    json_methods(f, t, t->request_rtx);
    fputs(", \"responses\": ", f);
    json_codes(f, t->response_rtx);
    fputs("}\n}\n", f);
    if (fclose(f) != 0)
        die(path);
}

int main(int argc, char **argv)
{
    static struct tally udp, tcp, busy486, cut, total, none;
    char path[4096];
    FILE *f;
    if (argc != 2) {
        fprintf(stderr, "usage: gen_pcap DIR\n");
        return 2;
    }
    udp_call(argv[1], &udp, &total);
    tcp_call(argv[1], &tcp, &total);
    busy(argv[1], "busy_486.pcap", 0, &busy486, &total);
    busy(argv[1], "truncated.pcap", 1, &cut, &none);
    write_truth(argv[1], "udp_call", &udp);
    write_truth(argv[1], "tcp_call", &tcp);
    write_truth(argv[1], "busy_486", &busy486);
    write_truth(argv[1], "truncated", &cut);
    write_truth(argv[1], "all", &total);
    {
        static struct tally vl, sl, sl2, v6, fr, gb;
        vlan_qinq(argv[1], &vl);
        sll(argv[1], &sl);
        sll2(argv[1], &sl2);
        ipv6(argv[1], &v6);
        ipv4_fragments(argv[1], &fr);
        garbage(argv[1], &gb);
        write_truth(argv[1], "vlan_qinq", &vl);
        write_truth(argv[1], "sll", &sl);
        write_truth(argv[1], "sll2", &sl2);
        write_truth(argv[1], "ipv6", &v6);
        write_truth(argv[1], "ipv4_fragments", &fr);
        write_truth(argv[1], "garbage", &gb);
    }
    snprintf(path, sizeof path, "%s/not_a_capture.txt", argv[1]);
    if (!(f = fopen(path, "w")))
        die(path);
    fputs("This is not a capture file, only some text\nthat is long enough to read a header.\n",
          f);
    if (fclose(f) != 0)
        die(path);
    return 0;
}
