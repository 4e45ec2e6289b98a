/* gen_capture - writes a large pcap of SIP traffic for the capture benchmark,
 * and the exact ground truth of what it holds. Plain C, no libpcap; the same
 * bytes for the same seed and size on every machine.
 *
 *   gen_capture [--seed N] [--size-mb N | --size-kb N] OUT.pcap TRUTH.json
 *
 * The traffic: calls, registrations, OPTIONS pings, subscriptions with
 * NOTIFY (a message/sipfrag body holding a status line), MESSAGE, INFO,
 * UPDATE, PRACK, REFER, PUBLISH; over UDP between many endpoint pairs
 * (IPv4 and IPv6, untagged, 802.1Q and QinQ) and over a few long-lived TCP
 * trunks whose byte streams are cut into segments anywhere (a status line
 * split in two, several messages in one segment), with some segments sent
 * twice and some swapped. Large INVITEs over UDP are IP-fragmented. Requests
 * and responses are retransmitted over UDP as RFC 3261 timers would do, 180s
 * fork (other To tags), codes registered and not (199, 299, 555, ...).
 * Besides SIP: RTP and DNS datagrams, CRLF keep-alives, responses with codes
 * the grammar refuses (99, 700) and a few frames cut by the snapshot length.
 *
 * Events are scheduled in simulated time and written in time order, so
 * transactions interleave as on a busy link. Every count is taken when its
 * bytes are written: the truth is what the file holds, not what was meant. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- random numbers: xorshift64*, fixed seed ------------------------------ */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned below(unsigned n)
{
    return (unsigned)((rnd() >> 33) % n);
}

static int chance(unsigned per_mille)
{
    return below(1000) < per_mille;
}

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("malloc");
    return p;
}

/* ---- the ground truth ------------------------------------------------------- */

#define CODES       1000
#define MAX_METHODS 16

static const char *const method_names[MAX_METHODS] = {
    "INVITE", "ACK",  "BYE",    "CANCEL", "REGISTER", "OPTIONS", "SUBSCRIBE", "NOTIFY",
    "MESSAGE", "INFO", "UPDATE", "PRACK", "REFER",    "PUBLISH", NULL,        NULL};
enum { M_INVITE, M_ACK, M_BYE, M_CANCEL, M_REGISTER, M_OPTIONS, M_SUBSCRIBE, M_NOTIFY, M_MESSAGE,
       M_INFO, M_UPDATE, M_PRACK, M_REFER, M_PUBLISH, M_COUNT };

static struct truth {
    uint64_t frames, sip_messages, requests, responses, retransmissions, request_rtx,
        response_rtx, malformed, truncated, non_sip, keepalives, ip_fragments, ip_reassembled,
        tcp_segments, tcp_retransmitted, tcp_out_of_order;
    uint64_t req[M_COUNT], req_rtx[M_COUNT];
    uint64_t resp[CODES], resp_rtx[CODES];
    uint64_t by_method[M_COUNT][CODES];
    /* not compared with sipcode: what explains tshark's differences */
    uint64_t tcp_req[M_COUNT], tcp_resp[CODES], cut_req[M_COUNT], bad_code[CODES];
    uint64_t bytes, records;
} T;

/* What a payload is, for the tally when it is written. */
enum kind { K_REQUEST, K_RESPONSE, K_RTP, K_DNS, K_KEEPALIVE, K_BADCODE };

static void tally(enum kind k, int method, int code, int rtx)
{
    switch (k) {
    case K_REQUEST:
        T.sip_messages++;
        T.requests++;
        T.req[method]++;
        if (rtx) {
            T.retransmissions++;
            T.request_rtx++;
            T.req_rtx[method]++;
        }
        break;
    case K_RESPONSE:
        T.sip_messages++;
        T.responses++;
        T.resp[code]++;
        T.by_method[method][code]++;
        if (rtx) {
            T.retransmissions++;
            T.response_rtx++;
            T.resp_rtx[code]++;
        }
        break;
    case K_RTP:
    case K_DNS:
        T.non_sip++;
        break;
    case K_KEEPALIVE:
        T.keepalives++;
        break;
    case K_BADCODE:
        T.malformed++;
        break;
    }
}

/* ---- output: a classic little-endian pcap, microseconds -------------------- */

static FILE *outf;
static unsigned char *obuf;
static size_t olen;
#define OBUF (8u << 20)

static void oflush(void)
{
    if (olen && fwrite(obuf, 1, olen, outf) != olen)
        die("write");
    olen = 0;
}

static void oput(const void *p, size_t n)
{
    if (olen + n > OBUF)
        oflush();
    memcpy(obuf + olen, p, n);
    olen += n;
    T.bytes += n;
}

static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void be32(uint8_t *p, uint32_t v)
{
    be16(p, v >> 16);
    be16(p + 2, v & 0xffff);
}

#define SNAPLEN 65535u

static void file_header(void)
{
    uint8_t h[24];
    le32(h, 0xa1b2c3d4u);
    h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0;
    le32(h + 8, 0);
    le32(h + 12, 0);
    le32(h + 16, SNAPLEN);
    le32(h + 20, 1); /* Ethernet */
    oput(h, sizeof h);
}

static uint64_t now_ns; /* the time of the record being written */

/* One record of len bytes, caplen of them kept. */
static void record(const uint8_t *frame, size_t len, size_t caplen)
{
    uint8_t h[16];
    le32(h, (uint32_t)(now_ns / 1000000000u));
    le32(h + 4, (uint32_t)(now_ns % 1000000000u / 1000u));
    le32(h + 8, (uint32_t)caplen);
    le32(h + 12, (uint32_t)len);
    oput(h, sizeof h);
    oput(frame, caplen);
    T.frames++;
    T.records++;
}

/* ---- endpoints ---------------------------------------------------------------- */

struct path {
    int v6, vlan; /* vlan: 0 none, 1 802.1Q, 2 QinQ */
    uint8_t ip[2][16];
    uint16_t port[2];
    char host[2][48]; /* as written in Via and Contact */
    int tcp;
    uint32_t seq[2];
    uint8_t *pend[2]; /* TCP bytes written to the stream, not yet sent */
    size_t pend_len[2], pend_cap[2];
};

#define UDP_PATHS 240
#define TCP_PATHS 12
static struct path paths[UDP_PATHS + TCP_PATHS];
static uint16_t ip_id = 1;
static uint32_t frag6_id = 1;

static void make_path(struct path *p, int i, int tcp)
{
    int s;
    memset(p, 0, sizeof *p);
    p->tcp = tcp;
    p->v6 = i % 5 == 1; /* a fifth over IPv6 */
    p->vlan = i % 10 < 3 ? 1 : (i % 20 == 7 ? 2 : 0);
    for (s = 0; s < 2; s++) {
        if (p->v6) {
            static const uint8_t pre[8] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0};
            memcpy(p->ip[s], pre, 8);
            p->ip[s][6] = (uint8_t)s;
            p->ip[s][14] = (uint8_t)(i >> 8);
            p->ip[s][15] = (uint8_t)(i + 1);
            snprintf(p->host[s], sizeof p->host[s], "[2001:db8:0:%x::%x]", s, (i & 0xffff) + 1);
        } else {
            p->ip[s][0] = s ? 198 : 10;
            p->ip[s][1] = s ? 51 : (uint8_t)(i >> 8);
            p->ip[s][2] = s ? 100 : (uint8_t)i;
            p->ip[s][3] = (uint8_t)(s ? 1 + i % 200 : 7);
            snprintf(p->host[s], sizeof p->host[s], "%u.%u.%u.%u", p->ip[s][0], p->ip[s][1],
                     p->ip[s][2], p->ip[s][3]);
        }
    }
    /* the client side: 5060, or an ephemeral port; SIP is found by content */
    p->port[0] = tcp ? (uint16_t)(40000 + i) : (i % 4 == 0 ? (uint16_t)(20000 + i) : 5060);
    p->port[1] = i % 16 == 3 ? 5080 : 5060;
    p->seq[0] = (uint32_t)rnd();
    p->seq[1] = (uint32_t)rnd();
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* The checksum of a UDP or TCP packet l4[0..len) with its pseudo-header. */
static uint16_t l4_checksum(const struct path *p, int dir, unsigned proto, const uint8_t *l4,
                            size_t len)
{
    uint32_t sum = 0;
    size_t alen = p->v6 ? 16 : 4;
    sum = csum_add(sum, p->ip[dir], alen);
    sum = csum_add(sum, p->ip[!dir], alen);
    sum += proto + (uint32_t)len;
    sum = csum_add(sum, l4, len);
    return csum_fold(sum);
}

static uint8_t frame_buf[70000];

/* Link header for the path's direction; returns its length. */
static size_t link_header(const struct path *p, int dir, uint8_t *b)
{
    size_t at = 12;
    unsigned et = p->v6 ? 0x86dd : 0x0800;
    memset(b, 0, 12);
    b[0] = 0x02, b[5] = (uint8_t)(1 + !dir);
    b[6] = 0x02, b[11] = (uint8_t)(1 + dir);
    if (p->vlan == 2) {
        be16(b + at, 0x88a8);
        be16(b + at + 2, 100);
        at += 4;
    }
    if (p->vlan) {
        be16(b + at, 0x8100);
        be16(b + at + 2, 200 + (unsigned)(p - paths) % 50);
        at += 4;
    }
    be16(b + at, et);
    return at + 2;
}

/* Writes IP packet(s) carrying l4[0..len) of protocol proto; fragments a UDP
 * datagram that does not fit a 1500-byte MTU. cut > 0 keeps only that many
 * bytes of the frame. */
static void ip_out(struct path *p, int dir, unsigned proto, const uint8_t *l4, size_t len,
                   size_t cut)
{
    uint8_t *b = frame_buf;
    size_t lh = link_header(p, dir, b);
    size_t hl = p->v6 ? 40 : 20;
    size_t max = 1500 - hl - (p->v6 ? 8 : 0), off = 0;
    int frag = hl + len > 1500;
    uint32_t id6 = frag6_id++;
    uint16_t id4 = ip_id++;
    if (frag) {
        max &= ~(size_t)7;
        T.ip_reassembled++;
    }
    do {
        size_t n = frag && len - off > max ? max : len - off;
        int more = frag && off + n < len;
        uint8_t *ip = b + lh;
        size_t at = lh + hl, total;
        if (!p->v6) {
            memset(ip, 0, 20);
            ip[0] = 0x45;
            be16(ip + 2, (unsigned)(20 + n));
            be16(ip + 4, id4);
            be16(ip + 6, (unsigned)(off / 8) | (more ? 0x2000u : 0));
            ip[8] = 64;
            ip[9] = (uint8_t)proto;
            memcpy(ip + 12, p->ip[dir], 4);
            memcpy(ip + 16, p->ip[!dir], 4);
            be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
        } else {
            memset(ip, 0, 40);
            ip[0] = 0x60;
            be16(ip + 4, (unsigned)(n + (frag ? 8 : 0)));
            ip[6] = (uint8_t)(frag ? 44 : proto);
            ip[7] = 64;
            memcpy(ip + 8, p->ip[dir], 16);
            memcpy(ip + 24, p->ip[!dir], 16);
            if (frag) {
                uint8_t *fh = b + at;
                fh[0] = (uint8_t)proto;
                fh[1] = 0;
                be16(fh + 2, (unsigned)off | (more ? 1u : 0));
                be32(fh + 4, id6);
                at += 8;
            }
        }
        memcpy(b + at, l4 + off, n);
        total = at + n;
        if (frag)
            T.ip_fragments++;
        record(b, total, cut && cut < total ? cut : total);
        off += n;
    } while (off < len);
}

static uint8_t l4_buf[70000];

static void udp_out(struct path *p, int dir, const void *payload, size_t len, size_t cut,
                    uint16_t sport, uint16_t dport)
{
    uint8_t *u = l4_buf;
    uint16_t c;
    be16(u, sport);
    be16(u + 2, dport);
    be16(u + 4, (unsigned)(8 + len));
    be16(u + 6, 0);
    memcpy(u + 8, payload, len);
    c = l4_checksum(p, dir, 17, u, 8 + len);
    be16(u + 6, c ? c : 0xffff);
    ip_out(p, dir, 17, u, 8 + len, cut);
}

static void tcp_out(struct path *p, int dir, uint32_t seq, unsigned flags, const uint8_t *payload,
                    size_t len)
{
    uint8_t *t = l4_buf;
    memset(t, 0, 20);
    be16(t, p->port[dir]);
    be16(t + 2, p->port[!dir]);
    be32(t + 4, seq);
    be32(t + 8, flags & 0x10 ? p->seq[!dir] : 0);
    t[12] = 5 << 4;
    t[13] = (uint8_t)flags;
    be16(t + 14, 64240);
    memcpy(t + 20, payload, len);
    be16(t + 16, l4_checksum(p, dir, 6, t, 20 + len));
    ip_out(p, dir, 6, t, 20 + len, 0);
    if (len)
        T.tcp_segments++;
}

/* Sends what the stream holds, cut into segments: MSS-sized mostly, at
 * random places sometimes; a few segments are sent twice, and a few pairs
 * swapped. */
static void tcp_flush(struct path *p, int dir)
{
    size_t mss = p->v6 ? 1440 : 1460, off = 0, len = p->pend_len[dir];
    const uint8_t *d = p->pend[dir];
    int random_cuts = chance(250);
    while (off < len) {
        size_t n = len - off, n2 = 0;
        if (random_cuts)
            n = 1 + below((unsigned)(n < mss ? n : mss));
        if (n > mss)
            n = mss;
        if (off + n < len && chance(8)) {
            /* the next segment overtakes this one */
            n2 = len - off - n;
            if (random_cuts)
                n2 = 1 + below((unsigned)n2);
            if (n2 > mss)
                n2 = mss;
            tcp_out(p, dir, p->seq[dir] + (uint32_t)n, 0x18, d + off + n, n2);
            T.tcp_out_of_order++;
            tcp_out(p, dir, p->seq[dir], 0x18, d + off, n);
            p->seq[dir] += (uint32_t)(n + n2);
            off += n + n2;
            continue;
        }
        tcp_out(p, dir, p->seq[dir], 0x18, d + off, n);
        if (chance(10)) { /* lost ACK: the same segment again */
            tcp_out(p, dir, p->seq[dir], 0x18, d + off, n);
            T.tcp_retransmitted++;
        }
        p->seq[dir] += (uint32_t)n;
        off += n;
    }
    p->pend_len[dir] = 0;
}

static void tcp_write(struct path *p, int dir, const char *msg, size_t len)
{
    if (p->pend_len[dir] + len > p->pend_cap[dir]) {
        p->pend_cap[dir] = (p->pend_len[dir] + len) * 2;
        p->pend[dir] = realloc(p->pend[dir], p->pend_cap[dir]);
        if (!p->pend[dir])
            die("realloc");
    }
    memcpy(p->pend[dir] + p->pend_len[dir], msg, len);
    p->pend_len[dir] += len;
    /* now and then wait, so that the next message shares a segment */
    if (p->pend_len[dir] < 3000 && chance(120))
        return;
    tcp_flush(p, dir);
}

/* ---- scheduled events ---------------------------------------------------------- */

struct event {
    uint64_t ts, order;
    struct path *path;
    int dir;
    enum kind kind;
    int method, code, rtx;
    size_t cut; /* frame cut to this many bytes (snaplen), 0: whole */
    size_t len;
    char data[];
};

static struct event **heap;
static size_t heap_len, heap_cap;
static uint64_t order_counter, pending_bytes;

static int ev_less(const struct event *a, const struct event *b)
{
    return a->ts != b->ts ? a->ts < b->ts : a->order < b->order;
}

static void push(struct event *e)
{
    size_t i;
    if (heap_len == heap_cap) {
        heap_cap = heap_cap ? heap_cap * 2 : 4096;
        heap = realloc(heap, heap_cap * sizeof *heap);
        if (!heap)
            die("realloc");
    }
    e->order = order_counter++;
    i = heap_len++;
    while (i > 0 && ev_less(e, heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = e;
    pending_bytes += e->len + 70;
}

static struct event *pop(void)
{
    struct event *top = heap[0], *last = heap[--heap_len];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= heap_len)
            break;
        if (c + 1 < heap_len && ev_less(heap[c + 1], heap[c]))
            c++;
        if (!ev_less(heap[c], last))
            break;
        heap[i] = heap[c];
        i = c;
    }
    if (heap_len)
        heap[i] = last;
    pending_bytes -= top->len + 70;
    return top;
}

static struct event *event_new(uint64_t ts, struct path *p, int dir, enum kind k, const void *data,
                               size_t len)
{
    struct event *e = xmalloc(sizeof *e + len);
    memset(e, 0, sizeof *e);
    e->ts = ts;
    e->path = p;
    e->dir = dir;
    e->kind = k;
    e->len = len;
    memcpy(e->data, data, len);
    return e;
}

static void write_event(struct event *e)
{
    struct path *p = e->path;
    if (e->ts > now_ns)
        now_ns = e->ts;
    if (p->tcp) {
        tcp_write(p, e->dir, e->data, e->len);
        tally(e->kind, e->method, e->code, e->rtx);
        if (e->kind == K_REQUEST)
            T.tcp_req[e->method]++;
        else
            T.tcp_resp[e->code]++;
        return;
    }
    if (e->kind == K_RTP || e->kind == K_DNS) {
        uint16_t port = e->kind == K_DNS ? 53 : (uint16_t)(16384 + 2 * (e->code % 4000));
        udp_out(p, e->dir, e->data, e->len, 0, e->dir ? port : (uint16_t)(port + 2),
                e->dir ? (uint16_t)(port + 2) : port);
    } else {
        udp_out(p, e->dir, e->data, e->len, e->cut, p->port[e->dir], p->port[!e->dir]);
    }
    if (e->kind == K_BADCODE)
        T.bad_code[e->code]++;
    if (e->cut) {
        T.truncated++;
        T.cut_req[e->method]++;
    } else
        tally(e->kind, e->method, e->code, e->rtx);
}

/* ---- SIP messages ---------------------------------------------------------------- */

static char msgbuf[16384];

struct dialog {
    struct path *path;
    char call_id[64], from_tag[24], to_tag[24];
    char user_a[24], user_b[24];
    unsigned cseq;
    int via_hops; /* proxies in front of the client: extra Via headers */
};

static void rand_token(char *out, size_t n)
{
    static const char al[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t i;
    for (i = 0; i + 1 < n; i++)
        out[i] = al[below(36)];
    out[n - 1] = '\0';
}

static const char *reason_phrase_of(int code)
{
    switch (code) {
    case 100: return "Trying";
    case 180: return "Ringing";
    case 181: return "Call Is Being Forwarded";
    case 182: return "Queued";
    case 183: return "Session Progress";
    case 199: return "Early Dialog Terminated";
    case 200: return "OK";
    case 202: return "Accepted";
    case 302: return "Moved Temporarily";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 422: return "Session Interval Too Small";
    case 480: return "Temporarily Unavailable";
    case 481: return "Call/Transaction Does Not Exist";
    case 486: return "Busy Here";
    case 487: return "Request Terminated";
    case 488: return "Not Acceptable Here";
    case 491: return "Request Pending";
    case 500: return "Server Internal Error";
    case 503: return "Service Unavailable";
    case 580: return "Precondition Failure";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    case 607: return "Unwanted";
    case 608: return "Rejected";
    default: return "Whatever";
    }
}

static const char sdp_fmt[] = "v=0\r\n"
                              "o=- %u %u IN IP%c %s\r\n"
                              "s=call\r\n"
                              "c=IN IP%c %s\r\n"
                              "t=0 0\r\n"
                              "m=audio %u RTP/AVP 0 8 18 101\r\n"
                              "a=rtpmap:0 PCMU/8000\r\n"
                              "a=rtpmap:8 PCMA/8000\r\n"
                              "a=rtpmap:18 G729/8000\r\n"
                              "a=fmtp:18 annexb=no\r\n"
                              "a=rtpmap:101 telephone-event/8000\r\n"
                              "a=fmtp:101 0-16\r\n"
                              "a=ptime:20\r\n"
                              "a=sendrecv\r\n";

static size_t make_sdp(char *out, size_t cap, const struct dialog *d, int side, int big)
{
    const struct path *p = d->path;
    char ver = p->v6 ? '6' : '4';
    const char *h = p->host[side];
    char bare[48];
    int n;
    size_t hl = strlen(h);
    if (h[0] == '[') { /* SDP writes IPv6 without brackets */
        memcpy(bare, h + 1, hl - 2);
        bare[hl - 2] = '\0';
        h = bare;
    }
    n = snprintf(out, cap, sdp_fmt, (unsigned)rnd(), (unsigned)rnd() & 0xffff, ver, h, ver, h,
                 16384 + 2 * below(4000));
    if (big) { /* video and many codecs: enough to need IP fragmentation */
        int i;
        n += snprintf(out + n, cap - (size_t)n, "m=video %u RTP/AVP 96 97 98 99 100\r\n",
                      20000 + 2 * below(4000));
        for (i = 0; i < 24 && (size_t)n + 200 < cap; i++)
            n += snprintf(out + n, cap - (size_t)n,
                          "a=rtpmap:%d H264/90000\r\n"
                          "a=fmtp:%d profile-level-id=42e01f;packetization-mode=1\r\n",
                          96 + i % 5, 96 + i % 5);
    }
    return (size_t)n;
}

/* Builds a request or response of the dialog; returns its length. branch is
 * the top Via branch of the transaction. */
static size_t build(char *out, size_t cap, const struct dialog *d, int method, int code,
                    const char *branch, unsigned cseq, int to_tag, const char *extra,
                    const char *ctype, const char *body)
{
    const struct path *p = d->path;
    const char *tr = p->tcp ? "TCP" : "UDP";
    size_t blen = body ? strlen(body) : 0;
    int n, i;
    if (code)
        n = snprintf(out, cap, "SIP/2.0 %d %s\r\n", code, reason_phrase_of(code));
    else if (method == M_REGISTER)
        n = snprintf(out, cap, "REGISTER sip:example.net SIP/2.0\r\n");
    else
        n = snprintf(out, cap, "%s sip:%s@%s:%u%s SIP/2.0\r\n", method_names[method], d->user_b,
                     p->host[1], p->port[1], p->tcp ? ";transport=tcp" : "");
    n += snprintf(out + n, cap - (size_t)n, "Via: SIP/2.0/%s %s:%u;branch=z9hG4bK%s;rport\r\n",
                  tr, p->host[0], p->port[0], branch);
    for (i = 0; i < d->via_hops; i++)
        n += snprintf(out + n, cap - (size_t)n,
                      "Via: SIP/2.0/UDP 203.0.113.%d:5060;branch=z9hG4bK%x%s.%d\r\n", 10 + i,
                      (unsigned)cseq, d->call_id + 4, i);
    if (!code)
        n += snprintf(out + n, cap - (size_t)n, "Max-Forwards: %d\r\n", 70 - d->via_hops);
    n += snprintf(out + n, cap - (size_t)n,
                  "From: \"%s\" <sip:%s@example.net>;tag=%s\r\n"
                  "To: <sip:%s@example.net>%s%s\r\n"
                  "Call-ID: %s\r\n"
                  "CSeq: %u %s\r\n",
                  d->user_a, d->user_a, d->from_tag, d->user_b, to_tag ? ";tag=" : "",
                  to_tag ? d->to_tag : "", d->call_id, cseq, method_names[method]);
    if (method == M_INVITE || method == M_SUBSCRIBE || method == M_REFER || code == 200)
        n += snprintf(out + n, cap - (size_t)n, "Contact: <sip:%s@%s:%u%s>\r\n",
                      code ? d->user_b : d->user_a, p->host[code ? 1 : 0], p->port[code ? 1 : 0],
                      p->tcp ? ";transport=tcp" : "");
    if (!code && (method == M_INVITE || method == M_REGISTER || method == M_OPTIONS))
        n += snprintf(out + n, cap - (size_t)n,
                      "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE, INFO, REFER, "
                      "NOTIFY, MESSAGE\r\n"
                      "Supported: timer, 100rel, replaces\r\n"
                      "User-Agent: bench-phone/2.1\r\n");
    if (code && code != 100)
        n += snprintf(out + n, cap - (size_t)n, "Server: bench-pbx/5.4\r\n");
    if (extra)
        n += snprintf(out + n, cap - (size_t)n, "%s", extra);
    if (blen)
        n += snprintf(out + n, cap - (size_t)n, "Content-Type: %s\r\n", ctype);
    n += snprintf(out + n, cap - (size_t)n, "Content-Length: %zu\r\n\r\n", blen);
    if ((size_t)n + blen >= cap) {
        fprintf(stderr, "gen_capture: message too long\n");
        exit(1);
    }
    if (blen)
        memcpy(out + n, body, blen);
    return (size_t)n + blen;
}

/* Schedules a SIP message at ts; dir 0 client to server. */
static struct event *sched(uint64_t ts, const struct dialog *d, int dir, int method, int code,
                           const char *text, size_t len, int rtx)
{
    struct event *e = event_new(ts, d->path, dir, code ? K_RESPONSE : K_REQUEST, text, len);
    e->method = method;
    e->code = code;
    e->rtx = rtx;
    push(e);
    return e;
}

/* The message and, over UDP, sometimes its retransmissions (RFC 3261 timer A
 * or E: 500 ms, then doubling; responses: 200 OK to INVITE by timer G). */
static void send_msg(uint64_t ts, const struct dialog *d, int dir, int method, int code,
                     size_t len, unsigned rtx_per_mille)
{
    uint64_t t = ts, gap = 500000000ull;
    sched(ts, d, dir, method, code, msgbuf, len, 0);
    if (d->path->tcp)
        return;
    while (chance(rtx_per_mille)) {
        t += gap;
        gap *= 2;
        sched(t, d, dir, method, code, msgbuf, len, 1);
        rtx_per_mille /= 3;
    }
}

static uint64_t ms(unsigned n)
{
    return (uint64_t)n * 1000000u;
}

static void new_dialog(struct dialog *d)
{
    static const char *const users[] = {"alice", "bob", "carol", "dave", "erin", "frank",
                                        "grace", "heidi", "ivan", "judy", "mallory", "oscar"};
    /* a tenth of the traffic rides the TCP trunks */
    d->path = chance(100) ? &paths[UDP_PATHS + below(TCP_PATHS)] : &paths[below(UDP_PATHS)];
    rand_token(d->call_id, 33);
    rand_token(d->from_tag, 11);
    rand_token(d->to_tag, 11);
    snprintf(d->user_a, sizeof d->user_a, "%s%u", users[below(12)], 1000 + below(9000));
    snprintf(d->user_b, sizeof d->user_b, "+1555%07u", below(10000000));
    d->cseq = 1 + below(100);
    d->via_hops = (int)below(3);
}

static void branch_of(char *b)
{
    rand_token(b, 17);
}

/* ---- scenarios ---------------------------------------------------------------------- */

static const int fail_codes[] = {404, 408, 480, 486, 486, 486, 488, 500, 503, 503, 600, 603, 607,
                                 608, 403, 422, 491, 580, 302, 481};
/* codes the registry lists or not, that a counter must keep apart */
static const int odd_codes[] = {199, 181, 182, 155, 299, 477, 499, 555, 599, 699, 202};

static void call(uint64_t t0)
{
    struct dialog d;
    char br[20], sdp[8192], extra[256];
    size_t n, sl;
    int big, forked, outcome, early;
    unsigned c;
    new_dialog(&d);
    big = !d.path->tcp && chance(60);
    sl = make_sdp(sdp, sizeof sdp, &d, 0, big);
    (void)sl;
    branch_of(br);
    c = d.cseq;
    n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 0, br, c, 0, NULL, "application/sdp", sdp);
    send_msg(t0, &d, 0, M_INVITE, 0, n, 60);
    n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 100, br, c, 0, NULL, NULL, NULL);
    send_msg(t0 + ms(2 + below(30)), &d, 1, M_INVITE, 100, n, 10);
    outcome = (int)below(100);
    early = chance(200);
    forked = chance(120);
    t0 += ms(50 + below(1500));
    if (early) { /* 183 with SDP, PRACK, 200 */
        char b2[20];
        make_sdp(sdp, sizeof sdp, &d, 1, 0);
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 183, br, c, 1,
                  "Require: 100rel\r\nRSeq: 1\r\n", "application/sdp", sdp);
        send_msg(t0, &d, 1, M_INVITE, 183, n, 40);
        branch_of(b2);
        n = build(msgbuf, sizeof msgbuf, &d, M_PRACK, 0, b2, c + 1, 1,
                  "RAck: 1 1 INVITE\r\n", NULL, NULL);
        send_msg(t0 + ms(20), &d, 0, M_PRACK, 0, n, 10);
        n = build(msgbuf, sizeof msgbuf, &d, M_PRACK, 200, b2, c + 1, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(40), &d, 1, M_PRACK, 200, n, 10);
        t0 += ms(100);
    }
    n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 180, br, c, 1, NULL, NULL, NULL);
    send_msg(t0, &d, 1, M_INVITE, 180, n, 50);
    if (forked) { /* a second branch rings too: another To tag */
        char keep[24];
        memcpy(keep, d.to_tag, sizeof keep);
        rand_token(d.to_tag, 11);
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 180, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(5 + below(200)), &d, 1, M_INVITE, 180, n, 50);
        if (chance(300)) {
            n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 199, br, c, 1, NULL, NULL, NULL);
            send_msg(t0 + ms(900), &d, 1, M_INVITE, 199, n, 0);
        }
        memcpy(d.to_tag, keep, sizeof keep);
    }
    if (chance(30)) {
        int code = odd_codes[below(sizeof odd_codes / sizeof *odd_codes)];
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, code, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(7), &d, 1, M_INVITE, code, n, 0);
    }
    t0 += ms(1000 + below(8000));
    if (outcome < 60) { /* answered */
        char b2[20];
        make_sdp(sdp, sizeof sdp, &d, 1, 0);
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 200, br, c, 1, NULL, "application/sdp",
                  sdp);
        send_msg(t0, &d, 1, M_INVITE, 200, n, 40);
        branch_of(b2);
        n = build(msgbuf, sizeof msgbuf, &d, M_ACK, 0, b2, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(15), &d, 0, M_ACK, 0, n, 0);
        if (chance(100)) { /* a mid-call INFO (DTMF) */
            branch_of(b2);
            n = build(msgbuf, sizeof msgbuf, &d, M_INFO, 0, b2, c + 2, 1, NULL,
                      "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
            send_msg(t0 + ms(3000), &d, 0, M_INFO, 0, n, 20);
            n = build(msgbuf, sizeof msgbuf, &d, M_INFO, 200, b2, c + 2, 1, NULL, NULL, NULL);
            send_msg(t0 + ms(3020), &d, 1, M_INFO, 200, n, 0);
        }
        if (chance(60)) { /* session refresh */
            branch_of(b2);
            n = build(msgbuf, sizeof msgbuf, &d, M_UPDATE, 0, b2, c + 3, 1,
                      "Session-Expires: 1800;refresher=uac\r\n", NULL, NULL);
            send_msg(t0 + ms(5000), &d, 0, M_UPDATE, 0, n, 20);
            n = build(msgbuf, sizeof msgbuf, &d, M_UPDATE, 200, b2, c + 3, 1, NULL, NULL, NULL);
            send_msg(t0 + ms(5020), &d, 1, M_UPDATE, 200, n, 0);
        }
        t0 += ms(10000 + below(110000));
        branch_of(b2);
        snprintf(extra, sizeof extra, "Reason: Q.850;cause=16;text=\"Normal call clearing\"\r\n");
        n = build(msgbuf, sizeof msgbuf, &d, M_BYE, 0, b2, c + 4, 1, chance(700) ? extra : NULL,
                  NULL, NULL);
        send_msg(t0, &d, chance(500), M_BYE, 0, n, 30);
        n = build(msgbuf, sizeof msgbuf, &d, M_BYE, 200, b2, c + 4, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(20), &d, 1, M_BYE, 200, n, 0);
    } else if (outcome < 75) { /* the caller gives up: CANCEL, 200, 487, ACK */
        n = build(msgbuf, sizeof msgbuf, &d, M_CANCEL, 0, br, c, 0,
                  "Reason: SIP;cause=487;text=\"Call completed elsewhere\"\r\n", NULL, NULL);
        send_msg(t0, &d, 0, M_CANCEL, 0, n, 20);
        n = build(msgbuf, sizeof msgbuf, &d, M_CANCEL, 200, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(10), &d, 1, M_CANCEL, 200, n, 0);
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, 487, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(12), &d, 1, M_INVITE, 487, n, 40);
        n = build(msgbuf, sizeof msgbuf, &d, M_ACK, 0, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(25), &d, 0, M_ACK, 0, n, 0);
    } else { /* rejected */
        int code = fail_codes[below(sizeof fail_codes / sizeof *fail_codes)];
        const char *x = NULL;
        if (code == 486 || code == 480 || code == 503) {
            snprintf(extra, sizeof extra, "Reason: Q.850;cause=%d\r\n",
                     code == 486 ? 17 : code == 480 ? 19 : 41);
            x = extra;
        }
        if (code == 503)
            x = "Retry-After: 30\r\nReason: Q.850;cause=41\r\n";
        n = build(msgbuf, sizeof msgbuf, &d, M_INVITE, code, br, c, 1, x, NULL, NULL);
        send_msg(t0, &d, 1, M_INVITE, code, n, 40);
        n = build(msgbuf, sizeof msgbuf, &d, M_ACK, 0, br, c, 1, NULL, NULL, NULL);
        send_msg(t0 + ms(15), &d, 0, M_ACK, 0, n, 0);
    }
}

static void registration(uint64_t t0)
{
    struct dialog d;
    char br[20];
    size_t n;
    int code;
    new_dialog(&d);
    d.via_hops = 0;
    strcpy(d.user_b, d.user_a);
    branch_of(br);
    n = build(msgbuf, sizeof msgbuf, &d, M_REGISTER, 0, br, d.cseq, 0,
              "Contact: <sip:reg@192.0.2.1>;expires=3600\r\nExpires: 3600\r\n", NULL, NULL);
    send_msg(t0, &d, 0, M_REGISTER, 0, n, 40);
    n = build(msgbuf, sizeof msgbuf, &d, M_REGISTER, 401, br, d.cseq, 1,
              "WWW-Authenticate: Digest realm=\"example.net\", nonce=\"5f3a9c0e1b2d\", "
              "algorithm=MD5, qop=\"auth\"\r\n",
              NULL, NULL);
    send_msg(t0 + ms(3), &d, 1, M_REGISTER, 401, n, 20);
    branch_of(br);
    n = build(msgbuf, sizeof msgbuf, &d, M_REGISTER, 0, br, d.cseq + 1, 0,
              "Authorization: Digest username=\"u\", realm=\"example.net\", nonce=\"5f3a9c0e1b2d\", "
              "uri=\"sip:example.net\", response=\"6629fae49393a05397450978507c4ef1\", "
              "qop=auth, nc=00000001, cnonce=\"0a4f113b\"\r\n"
              "Expires: 3600\r\n",
              NULL, NULL);
    send_msg(t0 + ms(20), &d, 0, M_REGISTER, 0, n, 40);
    code = chance(950) ? 200 : 403;
    n = build(msgbuf, sizeof msgbuf, &d, M_REGISTER, code, br, d.cseq + 1, 1, "Expires: 3600\r\n",
              NULL, NULL);
    send_msg(t0 + ms(25), &d, 1, M_REGISTER, code, n, 20);
}

static void simple(uint64_t t0, int method)
{
    struct dialog d;
    char br[20];
    size_t n;
    int code = 200;
    const char *ctype = NULL, *body = NULL, *extra = NULL;
    new_dialog(&d);
    branch_of(br);
    switch (method) {
    case M_OPTIONS:
        code = chance(900) ? 200 : 404;
        break;
    case M_MESSAGE:
        ctype = "text/plain";
        body = "Hello from the benchmark; see you at the meeting.";
        code = chance(800) ? 200 : 202;
        break;
    case M_NOTIFY: /* a REFER progress report: a status line in the body */
        extra = "Event: refer\r\nSubscription-State: active;expires=60\r\n";
        ctype = "message/sipfrag;version=2.0";
        body = chance(500) ? "SIP/2.0 200 OK\r\n" : "SIP/2.0 180 Ringing\r\n";
        break;
    case M_SUBSCRIBE:
        extra = "Event: presence\r\nExpires: 600\r\nAccept: application/pidf+xml\r\n";
        code = chance(700) ? 200 : 489;
        break;
    case M_REFER:
        extra = "Refer-To: <sip:transfer@example.net>\r\n";
        code = 202;
        break;
    case M_PUBLISH:
        extra = "Event: presence\r\nExpires: 3600\r\n";
        ctype = "application/pidf+xml";
        body = "<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
               "entity=\"sip:a@example.net\"><tuple id=\"t1\"><status><basic>open</basic>"
               "</status></tuple></presence>";
        code = chance(900) ? 200 : 412;
        break;
    }
    n = build(msgbuf, sizeof msgbuf, &d, method, 0, br, d.cseq, method == M_NOTIFY, extra, ctype,
              body);
    send_msg(t0, &d, 0, method, 0, n, 30);
    n = build(msgbuf, sizeof msgbuf, &d, method, code, br, d.cseq, 1, NULL, NULL, NULL);
    send_msg(t0 + ms(2 + below(40)), &d, 1, method, code, n, 10);
}

static struct path *udp_path(void)
{
    return &paths[below(UDP_PATHS)];
}

static void noise(uint64_t t0)
{
    struct event *e;
    uint8_t b[512];
    size_t i, n;
    unsigned what = below(1000);
    if (what < 900) { /* a few RTP packets of some call */
        unsigned k, ssrc = (unsigned)rnd(), stream = below(4000);
        struct path *p = udp_path();
        int dir = (int)below(2);
        for (k = 0; k < 6; k++) {
            b[0] = 0x80;
            b[1] = 0;
            be16(b + 2, k);
            be32(b + 4, k * 160);
            be32(b + 8, ssrc);
            for (i = 12; i < 172; i++)
                b[i] = (uint8_t)(0xd5 ^ (rnd() & 0x0f));
            e = event_new(t0 + ms(20 * k), p, dir, K_RTP, b, 172);
            e->code = (int)stream;
            push(e);
        }
    } else if (what < 960) { /* a DNS SRV query and its answer */
        static const uint8_t q[] = {0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 4,  '_', 's', 'i',
                                    'p', 4, '_', 'u', 'd', 'p', 7, 'e', 'x', 'a', 'm', 'p',
                                    'l', 'e', 3, 'n', 'e', 't', 0, 0, 33, 0, 1};
        struct path *p = udp_path();
        memcpy(b, q, sizeof q);
        be16(b, below(65536));
        e = event_new(t0, p, 0, K_DNS, b, sizeof q);
        push(e);
        b[2] = 0x81, b[3] = 0x80, b[7] = 1;
        n = sizeof q;
        memcpy(b + n, "\xc0\x0c\x00\x21\x00\x01\x00\x00\x0e\x10\x00\x18\x00\x0a\x00\x3c\x13\xc4"
                      "\x04sip1\x07\x65xample\x03net\x00",
               36);
        e = event_new(t0 + ms(4), p, 1, K_DNS, b, n + 36);
        push(e);
    } else if (what < 985) { /* a CRLF keep-alive (RFC 5626) */
        e = event_new(t0, udp_path(), 0, K_KEEPALIVE, "\r\n\r\n", 4);
        push(e);
    } else if (what < 993) { /* a response with a code the grammar refuses */
        struct dialog d;
        char br[20];
        int code = chance(500) ? 700 : 99;
        new_dialog(&d);
        d.path = udp_path();
        branch_of(br);
        n = build(msgbuf, sizeof msgbuf, &d, M_OPTIONS, code, br, d.cseq, 1, NULL, NULL, NULL);
        e = event_new(t0, d.path, 1, K_BADCODE, msgbuf, n);
        e->code = code;
        push(e);
    } else { /* an OPTIONS cut short by the snapshot length */
        struct dialog d;
        char br[20];
        new_dialog(&d);
        d.path = udp_path();
        branch_of(br);
        n = build(msgbuf, sizeof msgbuf, &d, M_OPTIONS, 0, br, d.cseq, 0, NULL, NULL, NULL);
        e = event_new(t0, d.path, 0, K_REQUEST, msgbuf, n);
        e->method = M_OPTIONS;
        e->cut = 64 + below(100);
        push(e);
    }
}

/* ---- the truth as JSON ------------------------------------------------------------- */

static void json_codes(FILE *f, const uint64_t *c)
{
    int code, first = 1;
    fputc('{', f);
    for (code = 0; code < CODES; code++)
        if (c[code]) {
            fprintf(f, "%s\"%d\": %llu", first ? "" : ", ", code, (unsigned long long)c[code]);
            first = 0;
        }
    fputc('}', f);
}

static void json_methods(FILE *f, const uint64_t *c)
{
    int m, first = 1;
    fputc('{', f);
    for (m = 0; m < M_COUNT; m++)
        if (c[m]) {
            fprintf(f, "%s\"%s\": %llu", first ? "" : ", ", method_names[m],
                    (unsigned long long)c[m]);
            first = 0;
        }
    fputc('}', f);
}

static void write_truth(const char *path, uint64_t seed)
{
    FILE *f = fopen(path, "w");
    int m, first = 1;
    if (!f)
        die(path);
    fprintf(f, "{\n  \"generator\": {\"seed\": %llu, \"bytes\": %llu, \"records\": %llu},\n",
            (unsigned long long)seed, (unsigned long long)T.bytes, (unsigned long long)T.records);
#define C(name, v) fprintf(f, "    \"%s\": %llu,\n", name, (unsigned long long)(v))
    fputs("  \"counters\": {\n", f);
    C("frames", T.frames);
    C("sip_messages", T.sip_messages);
    C("requests", T.requests);
    C("responses", T.responses);
    C("retransmissions", T.retransmissions);
    C("request_retransmissions", T.request_rtx);
    C("response_retransmissions", T.response_rtx);
    C("malformed", T.malformed);
    C("truncated", T.truncated);
    C("non_sip", T.non_sip);
    C("keepalives", T.keepalives);
    C("ip_fragments", T.ip_fragments);
    C("ip_reassembled", T.ip_reassembled);
    C("fragment_drops", 0);
    C("tcp_segments", T.tcp_segments);
    C("tcp_retransmitted", T.tcp_retransmitted);
    C("tcp_out_of_order", T.tcp_out_of_order);
    C("tcp_gaps", 0);
    C("memory_drops", 0);
    fprintf(f, "    \"bad_headers\": 0\n  },\n");
#undef C
    fputs("  \"requests\": ", f);
    json_methods(f, T.req);
    fputs(",\n  \"responses\": ", f);
    json_codes(f, T.resp);
    fputs(",\n  \"responses_by_method\": {", f);
    for (m = 0; m < M_COUNT; m++) {
        int code, any = 0;
        for (code = 0; code < CODES; code++)
            any |= T.by_method[m][code] != 0;
        if (!any)
            continue;
        fprintf(f, "%s\"%s\": ", first ? "" : ", ", method_names[m]);
        json_codes(f, T.by_method[m]);
        first = 0;
    }
    fputs("},\n  \"retransmissions\": {\"requests\": ", f);
    json_methods(f, T.req_rtx);
    fputs(", \"responses\": ", f);
    json_codes(f, T.resp_rtx);
    fputs("},\n  \"explain\": {\"tcp_requests\": ", f);
    json_methods(f, T.tcp_req);
    fputs(", \"tcp_responses\": ", f);
    json_codes(f, T.tcp_resp);
    fputs(", \"cut_requests\": ", f);
    json_methods(f, T.cut_req);
    fputs(", \"bad_codes\": ", f);
    json_codes(f, T.bad_code);
    fputs("}\n}\n", f);
    if (fclose(f) != 0)
        die(path);
}

int main(int argc, char **argv)
{
    uint64_t seed = 0x5195C0DEull, target, t = 1700000000ull * 1000000000ull;
    unsigned long size_kb = 1024ul * 1024;
    int i, a = 1;
    while (a < argc && argv[a][0] == '-' && argv[a][1] == '-') {
        if (strcmp(argv[a], "--seed") == 0 && a + 1 < argc)
            seed = strtoull(argv[a + 1], NULL, 0);
        else if (strcmp(argv[a], "--size-mb") == 0 && a + 1 < argc)
            size_kb = strtoul(argv[a + 1], NULL, 0) * 1024;
        else if (strcmp(argv[a], "--size-kb") == 0 && a + 1 < argc)
            size_kb = strtoul(argv[a + 1], NULL, 0);
        else
            break;
        a += 2;
    }
    if (argc - a != 2 || size_kb == 0) {
        fprintf(stderr,
                "usage: gen_capture [--seed N] [--size-mb N | --size-kb N] OUT.pcap TRUTH.json\n");
        return 2;
    }
    rng_state = seed ? seed : 1;
    target = (uint64_t)size_kb << 10;
    if (!(outf = fopen(argv[a], "wb")))
        die(argv[a]);
    obuf = xmalloc(OBUF);
    file_header();
    for (i = 0; i < UDP_PATHS + TCP_PATHS; i++)
        make_path(&paths[i], i, i >= UDP_PATHS);
    now_ns = t;
    /* the trunks connect first: SYN, SYN-ACK, ACK */
    for (i = UDP_PATHS; i < UDP_PATHS + TCP_PATHS; i++) {
        struct path *p = &paths[i];
        tcp_out(p, 0, p->seq[0]++, 0x02, NULL, 0);
        tcp_out(p, 1, p->seq[1]++, 0x12, NULL, 0);
        tcp_out(p, 0, p->seq[0], 0x10, NULL, 0);
    }
    /* new work arrives about every 700 us; the queue is drained once the
     * file plus what is scheduled reaches the size asked for */
    while (T.bytes + pending_bytes < target) {
        unsigned w = below(1000);
        t += 100000 + below(1200000);
        if (w < 330)
            call(t);
        else if (w < 520)
            registration(t);
        else if (w < 620)
            simple(t, M_OPTIONS);
        else if (w < 660)
            simple(t, M_MESSAGE);
        else if (w < 690)
            simple(t, M_NOTIFY);
        else if (w < 710)
            simple(t, M_SUBSCRIBE);
        else if (w < 720)
            simple(t, M_REFER);
        else if (w < 730)
            simple(t, M_PUBLISH);
        else
            noise(t);
        while (heap_len && heap[0]->ts <= t) {
            struct event *e = pop();
            write_event(e);
            free(e);
        }
    }
    while (heap_len) {
        struct event *e = pop();
        write_event(e);
        free(e);
    }
    for (i = UDP_PATHS; i < UDP_PATHS + TCP_PATHS; i++) {
        if (paths[i].pend_len[0])
            tcp_flush(&paths[i], 0);
        if (paths[i].pend_len[1])
            tcp_flush(&paths[i], 1);
        free(paths[i].pend[0]);
        free(paths[i].pend[1]);
    }
    oflush();
    if (fclose(outf) != 0)
        die(argv[a]);
    write_truth(argv[a + 1], seed);
    free(obuf);
    free(heap);
    return 0;
}
