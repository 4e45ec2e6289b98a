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
 *   not_a_capture.txt  text
 *   NAME.expected.json for each capture: the counts of what was written
 *                      (frames, requests, responses, responses_by_method,
 *                      retransmissions, non_sip, reasons), only for records
 *                      written in full
 *   all.expected.json  the totals of udp_call, tcp_call and busy_486
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
    int full = !c->cut_next;
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
    return full;
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

/* Frames payload from host dir to the other one; proto 17 (UDP) or 6 (TCP). */
static int frame(struct cap *c, int dir, int proto, const void *payload, size_t len,
                 uint8_t tcp_flags, unsigned gap_us)
{
    static uint8_t buf[70000];
    size_t at = 0, l4 = proto == 6 ? 20 : 8;
    uint8_t *ip;
    if (c->linktype == 1) {
        static const uint8_t mac[2][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}};
        memcpy(buf, mac[!dir], 6);
        memcpy(buf + 6, mac[dir], 6);
        put16be(buf + 12, 0x0800);
        at = 14;
    }
    ip = buf + at;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16be(ip + 2, (unsigned)(20 + l4 + len));
    put16be(ip + 4, c->ip_id++);
    ip[8] = 64;
    ip[9] = (uint8_t)proto;
    memcpy(ip + 12, host_ip[dir], 4);
    memcpy(ip + 16, host_ip[!dir], 4);
    put16be(ip + 10, ip_checksum(ip, 20));
    at += 20;
    put16be(buf + at, host_port[dir]);
    put16be(buf + at + 2, host_port[!dir]);
    if (proto == 17) {
        put16be(buf + at + 4, (unsigned)(8 + len));
        put16be(buf + at + 6, 0); /* no checksum */
    } else {
        put32be(buf + at + 4, c->seq[dir]);
        put32be(buf + at + 8, c->seq[!dir]);
        buf[at + 12] = 5 << 4;
        buf[at + 13] = tcp_flags;
        put16be(buf + at + 14, 65535);
        put16be(buf + at + 16, 0);
        put16be(buf + at + 18, 0);
    }
    at += l4;
    memcpy(buf + at, payload, len);
    return record(c, buf, at + len, gap_us);
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
    snprintf(path, sizeof path, "%s/not_a_capture.txt", argv[1]);
    if (!(f = fopen(path, "w")))
        die(path);
    fputs("This is not a capture file, only some text\nthat is long enough to read a header.\n",
          f);
    if (fclose(f) != 0)
        die(path);
    return 0;
}
