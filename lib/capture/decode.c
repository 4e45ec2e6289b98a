/* Frame decoding for the statistics engine: link-layer headers, VLAN tags,
 * IPv4 and IPv6 (extension headers, fragment reassembly), UDP, and TCP
 * streams put back in sequence order. Every read is checked against the
 * captured length; the SIP payloads go to stats.c. */
#include <stdlib.h>
#include <string.h>

#include "capture_int.h"

#define ETH_IPV4        0x0800u
#define ETH_IPV6        0x86ddu
#define MAX_VLAN_TAGS   8
#define MAX_EXT_HEADERS 16
#define IP_MAX          65535u

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A header that does not fit: cut by snaplen, or simply wrong. */
static void short_header(struct sipcode_stats *st, int cut)
{
    if (cut)
        st->c.truncated++;
    else
        st->c.bad_headers++;
}

/* Addresses of a packet: 4 or 16 bytes each. */
struct addrs {
    uint8_t src[16], dst[16];
    int v6;
};

/* ---- TCP flows ------------------------------------------------------------- */

static void lru_unlink(struct sipcode_stats *st, struct flow *f)
{
    if (f->older)
        f->older->newer = f->newer;
    else
        st->oldest = f->newer;
    if (f->newer)
        f->newer->older = f->older;
    else
        st->newest = f->older;
    f->older = f->newer = NULL;
}

static void lru_push(struct sipcode_stats *st, struct flow *f)
{
    f->older = st->newest;
    f->newer = NULL;
    if (st->newest)
        st->newest->newer = f;
    else
        st->oldest = f;
    st->newest = f;
}

static void drop_ooo(struct sipcode_stats *st, struct flow *f)
{
    while (f->ooo) {
        struct tcp_seg *s = f->ooo;
        f->ooo = s->next;
        st->tcp_bytes -= s->len;
        free(s);
    }
    f->ooo_bytes = 0;
}

/* Grows f's buffer to hold need bytes, within the caps; 0 when it cannot. */
static int flow_reserve(struct sipcode_stats *st, struct flow *f, size_t need)
{
    size_t cap = f->cap ? f->cap : 2048;
    uint8_t *b;
    if (need <= f->cap)
        return 1;
    while (cap < need)
        cap *= 2;
    if (cap > st->cfg.max_flow_bytes)
        cap = st->cfg.max_flow_bytes;
    if (cap < need || st->tcp_bytes - f->cap + cap > st->cfg.max_total_bytes)
        return 0;
    b = realloc(f->buf, cap);
    if (!b)
        return 0;
    st->tcp_bytes = st->tcp_bytes - f->cap + cap;
    f->buf = b;
    f->cap = cap;
    return 1;
}

static void flow_parse(struct sipcode_stats *st, struct flow *f, uint64_t ts, int force)
{
    size_t used = sipcode__stats_stream(st, f, f->buf, f->len, ts, force);
    if (used > 0) {
        memmove(f->buf, f->buf + used, f->len - used);
        f->len -= used;
    }
}

/* Does the parse put off, before the buffer is dropped: what a parse per
 * segment would have found by now is found, and counted, as it was. */
static void flow_settle(struct sipcode_stats *st, struct flow *f, uint64_t ts)
{
    if (f->skipped && f->len > 0)
        flow_parse(st, f, ts, 1);
}

static void flow_drop(struct sipcode_stats *st, struct flow *f, uint64_t ts)
{
    flow_settle(st, f, ts);
    f->len = 0;
    f->synced = FLOW_RESYNC;
    sipcode__stream_reset(f);
}

/* Appends in-order bytes, framing as the buffer fills. */
static void flow_append(struct sipcode_stats *st, struct flow *f, const uint8_t *p, size_t len,
                        uint64_t ts)
{
    while (len > 0) {
        size_t room = st->cfg.max_flow_bytes > f->len + f->ooo_bytes
                          ? st->cfg.max_flow_bytes - f->len - f->ooo_bytes
                          : 0;
        size_t n;
        if (room == 0 && f->len > 0) {
            flow_settle(st, f, ts);
            if (f->len + f->ooo_bytes < st->cfg.max_flow_bytes)
                continue;
            /* a message larger than the cap (or a line too long while looking
             * for one): drop it and look for the next */
            if (f->synced == FLOW_SYNCED)
                st->c.tcp_oversized++;
            flow_drop(st, f, ts);
            continue;
        }
        n = len < room ? len : room;
        if (n == 0 || !flow_reserve(st, f, f->len + n)) {
            st->c.memory_drops++;
            flow_drop(st, f, ts);
            return;
        }
        if (f->len == 0) {
            /* Nothing held: frame the segment where it lies and keep only
             * what is left of it (most segments end on a message boundary). */
            size_t used = sipcode__stats_stream(st, f, p, n, ts, 0);
            memcpy(f->buf, p + used, n - used);
            f->len = n - used;
        } else {
            memcpy(f->buf + f->len, p, n);
            f->len += n;
            flow_parse(st, f, ts, 0);
        }
        p += n;
        len -= n;
    }
}

/* Moves held segments that now continue the stream into it. */
static void flow_drain(struct sipcode_stats *st, struct flow *f, uint64_t ts)
{
    while (f->ooo && (int32_t)(f->ooo->seq - f->next_seq) <= 0) {
        struct tcp_seg *s = f->ooo;
        uint32_t skip = f->next_seq - s->seq;
        f->ooo = s->next;
        f->ooo_bytes -= s->len;
        st->tcp_bytes -= s->len;
        if (skip < s->len) {
            f->next_seq += (uint32_t)(s->len - skip);
            flow_append(st, f, s->data + skip, s->len - skip, ts);
        } else {
            st->c.tcp_retransmitted++;
        }
        free(s);
    }
}

/* Skips the hole before the first held segment and goes on from there. */
static void flow_skip_gap(struct sipcode_stats *st, struct flow *f, uint64_t ts)
{
    st->c.tcp_gaps++;
    flow_drop(st, f, ts);
    f->next_seq = f->ooo->seq;
    flow_drain(st, f, ts);
}

static void flow_free(struct sipcode_stats *st, struct flow *f)
{
    struct flow **pp = &st->buckets[f->hash & st->bucket_mask];
    while (*pp && *pp != f)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = f->hnext;
    lru_unlink(st, f);
    drop_ooo(st, f);
    st->tcp_bytes -= f->cap;
    free(f->buf);
    free(f);
    st->flow_count--;
}

/* Counts what the flow still holds, then frees it. */
static void flow_close(struct sipcode_stats *st, struct flow *f, uint64_t ts)
{
    flow_settle(st, f, ts);
    while (f->ooo)
        flow_skip_gap(st, f, ts);
    flow_free(st, f);
}

void sipcode__expire_flows(struct sipcode_stats *st, uint64_t ts)
{
    while (st->oldest && ts > st->oldest->last_ts &&
           ts - st->oldest->last_ts > st->cfg.idle_timeout_ns) {
        st->c.flows_evicted++;
        flow_close(st, st->oldest, ts);
    }
}

static struct flow *flow_get(struct sipcode_stats *st, const uint8_t *key, uint64_t ts)
{
    uint64_t h = sipcode__hash(0xcbf29ce484222325ull, key, FLOW_KEY_LEN);
    struct flow *f;
    for (f = st->buckets[h & st->bucket_mask]; f; f = f->hnext)
        if (f->hash == h && memcmp(f->key, key, FLOW_KEY_LEN) == 0) {
            lru_unlink(st, f);
            lru_push(st, f);
            f->last_ts = ts;
            return f;
        }
    if (st->flow_count >= st->cfg.max_flows && st->oldest) {
        st->c.flows_evicted++;
        flow_close(st, st->oldest, ts);
    }
    f = calloc(1, sizeof *f);
    if (!f) {
        st->c.memory_drops++;
        return NULL;
    }
    memcpy(f->key, key, FLOW_KEY_LEN);
    f->hash = h;
    f->last_ts = ts;
    f->hnext = st->buckets[h & st->bucket_mask];
    st->buckets[h & st->bucket_mask] = f;
    lru_push(st, f);
    st->flow_count++;
    return f;
}

/* Holds a segment that arrived before its predecessor; 0 when it cannot. */
static int flow_hold(struct sipcode_stats *st, struct flow *f, uint32_t seq, const uint8_t *p,
                     size_t len)
{
    struct tcp_seg **pp = &f->ooo, *s;
    while (*pp && (int32_t)((*pp)->seq - seq) < 0)
        pp = &(*pp)->next;
    if (*pp && (*pp)->seq == seq && (*pp)->len >= len) {
        st->c.tcp_retransmitted++;
        return 1;
    }
    if (f->len + f->ooo_bytes + len > st->cfg.max_flow_bytes ||
        st->tcp_bytes + len > st->cfg.max_total_bytes)
        return 0;
    s = malloc(sizeof *s + len);
    if (!s)
        return 0;
    s->seq = seq;
    s->len = len;
    memcpy(s->data, p, len);
    s->next = *pp;
    *pp = s;
    f->ooo_bytes += len;
    st->tcp_bytes += len;
    st->c.tcp_out_of_order++;
    return 1;
}

/* Puts a segment's payload in its place in the stream. */
static void tcp_data(struct sipcode_stats *st, struct flow *f, uint32_t seq, const uint8_t *p,
                     size_t len, uint64_t ts)
{
    int32_t rel = (int32_t)(seq - f->next_seq);
    if (rel < 0 && (size_t)(-(int64_t)rel) >= len) {
        st->c.tcp_retransmitted++;
        return;
    }
    if (rel > 0) {
        if (flow_hold(st, f, seq, p, len))
            return;
        /* no room to wait for the hole: give up the oldest hole */
        if (f->ooo) {
            flow_skip_gap(st, f, ts);
            rel = (int32_t)(seq - f->next_seq);
            if (rel < 0 && (size_t)(-(int64_t)rel) >= len) {
                st->c.tcp_retransmitted++;
                return;
            }
        }
        if (rel > 0) {
            st->c.tcp_gaps++;
            drop_ooo(st, f);
            flow_drop(st, f, ts);
            f->next_seq = seq;
            rel = 0;
        }
    }
    {
        size_t skip = rel < 0 ? (size_t)(-(int64_t)rel) : 0;
        f->next_seq += (uint32_t)(len - skip);
        flow_append(st, f, p + skip, len - skip, ts);
        flow_drain(st, f, ts);
    }
}

static void tcp_segment(struct sipcode_stats *st, const struct addrs *a, const uint8_t *p,
                        size_t len, int cut, uint64_t ts)
{
    uint8_t key[FLOW_KEY_LEN];
    size_t hl;
    unsigned flags;
    uint32_t seq;
    struct flow *f;
    if (len < 20) {
        short_header(st, cut);
        return;
    }
    hl = (size_t)(p[12] >> 4) * 4;
    if (hl < 20 || hl > len) {
        short_header(st, hl >= 20 && cut);
        return;
    }
    memset(key, 0, sizeof key);
    memcpy(key, a->src, 16);
    memcpy(key + 16, a->dst, 16);
    memcpy(key + 32, p, 4); /* both ports */
    key[36] = (uint8_t)a->v6;
    seq = rd32(p + 4);
    flags = p[13];
    p += hl;
    len -= hl;
    f = flow_get(st, key, ts);
    if (!f)
        return;
    if (flags & TCP_SYN) {
        if (f->len || f->ooo) { /* a new connection on the same ports */
            drop_ooo(st, f);
            flow_settle(st, f, ts);
            f->len = 0;
        }
        sipcode__stream_reset(f);
        f->has_seq = 1;
        f->synced = FLOW_SYNCED;
        seq++;
        f->next_seq = seq;
    }
    if (len > 0) {
        st->c.tcp_segments++;
        if (!f->has_seq) { /* picked up mid-stream */
            f->has_seq = 1;
            f->synced = FLOW_SEARCH;
            f->next_seq = seq;
        }
        tcp_data(st, f, seq, p, len, ts);
    }
    if (flags & (TCP_FIN | TCP_RST))
        flow_close(st, f, ts);
}

/* ---- transports ------------------------------------------------------------ */

static int port_allowed(const struct sipcode_stats *st, const uint8_t *ports)
{
    size_t i;
    uint16_t sp = rd16(ports), dp = rd16(ports + 2);
    if (st->cfg.port_count == 0)
        return 1;
    for (i = 0; i < st->cfg.port_count; i++)
        if (st->ports[i] == sp || st->ports[i] == dp)
            return 1;
    return 0;
}

static void transport(struct sipcode_stats *st, const struct addrs *a, unsigned proto,
                      const uint8_t *p, size_t len, int cut, uint64_t ts)
{
    size_t ulen;
    switch (proto) {
    case PROTO_UDP:
        if (len < 8) {
            short_header(st, cut);
            return;
        }
        ulen = rd16(p + 4);
        if (ulen < 8 || ulen > len) {
            short_header(st, ulen >= 8 && cut);
            return;
        }
        if (!port_allowed(st, p)) {
            st->c.filtered++;
            return;
        }
        sipcode__stats_datagram(st, p + 8, ulen - 8, ts);
        return;
    case PROTO_TCP:
        if (len >= 4 && !port_allowed(st, p)) {
            st->c.filtered++;
            return;
        }
        tcp_segment(st, a, p, len, cut, ts);
        return;
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        st->c.icmp++; /* errors quote SIP; it is never counted */
        return;
    default:
        st->c.other_transport++;
        return;
    }
}

/* ---- IP fragments ---------------------------------------------------------- */

static void frag_release(struct sipcode_stats *st, struct frag *fr)
{
    st->frag_used--;
    st->frag_bytes -= fr->buf_cap;
    free(fr->buf);
    /* the bitmap is most of the slot: clear only what was set */
    memset(fr->have, 0, fr->have_len);
    memset(fr, 0, offsetof(struct frag, have));
}

static void ipv6_payload(struct sipcode_stats *st, const struct addrs *a, unsigned nh,
                         const uint8_t *p, size_t len, int cut, int reassembled, uint64_t ts);

static void fragment(struct sipcode_stats *st, const struct addrs *a, uint32_t id, unsigned proto,
                     size_t offset, int more, const uint8_t *p, size_t len, uint64_t ts)
{
    struct frag *fr = NULL, *free_slot = NULL;
    size_t i, end = offset + len, blocks;
    st->c.ip_fragments++;
    /* Each slot is large (its block bitmap): stop once every slot in use
     * was seen and a free one found; the rest are free. */
    size_t unseen = st->frag_used;
    for (i = 0; i < st->cfg.max_fragments && (unseen > 0 || !free_slot); i++) {
        struct frag *x = &st->frags[i];
        if (x->used)
            unseen--;
        if (x->used && ts > x->first_ts && ts - x->first_ts > st->cfg.idle_timeout_ns) {
            st->c.fragment_drops++;
            frag_release(st, x);
        }
        if (!x->used) {
            if (!free_slot)
                free_slot = x;
        } else if (!fr && x->v6 == a->v6 && x->id == id && x->proto == proto &&
                   memcmp(x->src, a->src, 16) == 0 && memcmp(x->dst, a->dst, 16) == 0) {
            fr = x;
        }
    }
    if (!fr) {
        if (!free_slot) {
            st->c.fragment_drops++;
            return;
        }
        fr = free_slot;
        fr->used = 1;
        st->frag_used++;
        fr->v6 = a->v6;
        fr->id = id;
        fr->proto = (uint8_t)proto;
        memcpy(fr->src, a->src, 16);
        memcpy(fr->dst, a->dst, 16);
        fr->first_ts = ts;
    }
    if (end > IP_MAX || (more && len % 8 != 0) || (!more && fr->total && fr->total != end) ||
        (fr->total && end > fr->total)) {
        st->c.fragment_drops++;
        frag_release(st, fr);
        return;
    }
    if (!more)
        fr->total = end;
    if (end > fr->buf_cap) {
        size_t cap = fr->buf_cap ? fr->buf_cap : 2048;
        uint8_t *b;
        while (cap < end)
            cap *= 2;
        if (cap > IP_MAX)
            cap = IP_MAX;
        if (st->frag_bytes - fr->buf_cap + cap > st->cfg.max_fragment_bytes ||
            !(b = realloc(fr->buf, cap))) {
            st->c.memory_drops++;
            st->c.fragment_drops++;
            frag_release(st, fr);
            return;
        }
        st->frag_bytes = st->frag_bytes - fr->buf_cap + cap;
        fr->buf = b;
        fr->buf_cap = cap;
    }
    if (len)
        memcpy(fr->buf + offset, p, len);
    for (i = offset / 8; i < (end + 7) / 8; i++)
        fr->have[i / 8] |= (uint8_t)(1u << (i % 8));
    if ((end + 63) / 64 > fr->have_len) /* a bitmap byte: 8 blocks of 8 bytes */
        fr->have_len = (end + 63) / 64;
    if (!fr->total)
        return;
    blocks = (fr->total + 7) / 8;
    for (i = 0; i < blocks; i++)
        if (!(fr->have[i / 8] & (1u << (i % 8))))
            return;
    st->c.ip_reassembled++;
    if (fr->v6)
        ipv6_payload(st, a, fr->proto, fr->buf, fr->total, 0, 1, ts);
    else
        transport(st, a, fr->proto, fr->buf, fr->total, 0, ts);
    frag_release(st, fr);
}

/* ---- IP -------------------------------------------------------------------- */

static void ipv4(struct sipcode_stats *st, const uint8_t *p, size_t len, int cut, uint64_t ts)
{
    struct addrs a;
    size_t ihl, total;
    unsigned fo;
    if (len < 20) {
        short_header(st, cut);
        return;
    }
    ihl = (size_t)(p[0] & 0x0f) * 4;
    total = rd16(p + 2);
    if ((p[0] >> 4) != 4 || ihl < 20 || total < ihl) {
        st->c.bad_headers++;
        return;
    }
    if (ihl > len || total > len) {
        short_header(st, cut);
        return;
    }
    memset(&a, 0, sizeof a);
    memcpy(a.src, p + 12, 4);
    memcpy(a.dst, p + 16, 4);
    fo = rd16(p + 6);
    if (fo & 0x3fffu)
        fragment(st, &a, rd16(p + 4), p[9], (size_t)(fo & 0x1fffu) * 8, (fo & 0x2000u) != 0,
                 p + ihl, total - ihl, ts);
    else
        transport(st, &a, p[9], p + ihl, total - ihl, cut, ts);
}

static void ipv6_payload(struct sipcode_stats *st, const struct addrs *a, unsigned nh,
                         const uint8_t *p, size_t len, int cut, int reassembled, uint64_t ts)
{
    size_t off = 0;
    int n;
    for (n = 0; n < MAX_EXT_HEADERS; n++) {
        size_t hl;
        switch (nh) {
        case 0:  /* hop-by-hop options */
        case 43: /* routing */
        case 60: /* destination options */
        case 51: /* authentication header */
            if (len - off < 2) {
                short_header(st, cut);
                return;
            }
            hl = nh == 51 ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
            if (len - off < hl) {
                short_header(st, cut);
                return;
            }
            nh = p[off];
            off += hl;
            continue;
        case 44: { /* fragment */
            unsigned fo;
            if (reassembled) {
                st->c.bad_headers++;
                return;
            }
            if (len - off < 8) {
                short_header(st, cut);
                return;
            }
            fo = rd16(p + off + 2);
            if ((fo & 0xfff8u) == 0 && !(fo & 1u)) { /* atomic fragment */
                nh = p[off];
                off += 8;
                continue;
            }
            fragment(st, a, rd32(p + off + 4), p[off], fo & 0xfff8u, (fo & 1u) != 0, p + off + 8,
                     len - off - 8, ts);
            return;
        }
        case 59: /* no next header */
            st->c.other_transport++;
            return;
        default:
            transport(st, a, nh, p + off, len - off, cut, ts);
            return;
        }
    }
    st->c.bad_headers++;
}

static void ipv6(struct sipcode_stats *st, const uint8_t *p, size_t len, int cut, uint64_t ts)
{
    struct addrs a;
    size_t plen;
    if (len < 40) {
        short_header(st, cut);
        return;
    }
    if ((p[0] >> 4) != 6) {
        st->c.bad_headers++;
        return;
    }
    plen = rd16(p + 4);
    if (40 + plen > len) {
        short_header(st, cut);
        return;
    }
    memcpy(a.src, p + 8, 16);
    memcpy(a.dst, p + 24, 16);
    a.v6 = 1;
    ipv6_payload(st, &a, p[6], p + 40, plen, cut, 0, ts);
}

static void by_version(struct sipcode_stats *st, const uint8_t *p, size_t len, int cut, uint64_t ts)
{
    if (len < 1) {
        short_header(st, cut);
        return;
    }
    if ((p[0] >> 4) == 4)
        ipv4(st, p, len, cut, ts);
    else if ((p[0] >> 4) == 6)
        ipv6(st, p, len, cut, ts);
    else
        st->c.not_ip++;
}

static void by_ethertype(struct sipcode_stats *st, unsigned type, const uint8_t *p, size_t len,
                         int cut, uint64_t ts)
{
    if (type == ETH_IPV4)
        ipv4(st, p, len, cut, ts);
    else if (type == ETH_IPV6)
        ipv6(st, p, len, cut, ts);
    else
        st->c.not_ip++;
}

static int is_vlan(unsigned type)
{
    return type == 0x8100u || type == 0x88a8u || type == 0x9100u;
}

void sipcode__decode_frame(struct sipcode_stats *st, const uint8_t *p, size_t caplen,
                           size_t wire_len, int linktype, uint64_t ts)
{
    int cut = caplen < wire_len;
    size_t off;
    unsigned type;
    sipcode__expire_flows(st, ts);
    switch (linktype) {
    case SIPCODE_LINKTYPE_EN10MB: {
        int tags = 0;
        if (caplen < 14) {
            short_header(st, cut);
            return;
        }
        type = rd16(p + 12);
        off = 14;
        while (is_vlan(type)) {
            if (++tags > MAX_VLAN_TAGS) {
                st->c.bad_headers++;
                return;
            }
            if (caplen < off + 4) {
                short_header(st, cut);
                return;
            }
            type = rd16(p + off + 2);
            off += 4;
        }
        by_ethertype(st, type, p + off, caplen - off, cut, ts);
        return;
    }
    case SIPCODE_LINKTYPE_NULL:
    case SIPCODE_LINKTYPE_LOOP: {
        uint32_t fam;
        if (caplen < 4) {
            short_header(st, cut);
            return;
        }
        fam = rd32(p);
        if (fam > 0xffff) /* written in little-endian host order */
            fam =
                (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        if (fam == 2)
            ipv4(st, p + 4, caplen - 4, cut, ts);
        else if (fam == 24 || fam == 28 || fam == 30 || fam == 10)
            ipv6(st, p + 4, caplen - 4, cut, ts);
        else
            st->c.not_ip++;
        return;
    }
    case SIPCODE_LINKTYPE_RAW:
    case SIPCODE_LINKTYPE_RAW_12:
    case SIPCODE_LINKTYPE_RAW_14:
        by_version(st, p, caplen, cut, ts);
        return;
    case SIPCODE_LINKTYPE_IPV4:
        ipv4(st, p, caplen, cut, ts);
        return;
    case SIPCODE_LINKTYPE_IPV6:
        ipv6(st, p, caplen, cut, ts);
        return;
    case SIPCODE_LINKTYPE_LINUX_SLL:
        if (caplen < 16) {
            short_header(st, cut);
            return;
        }
        by_ethertype(st, rd16(p + 14), p + 16, caplen - 16, cut, ts);
        return;
    case SIPCODE_LINKTYPE_LINUX_SLL2:
        if (caplen < 20) {
            short_header(st, cut);
            return;
        }
        by_ethertype(st, rd16(p), p + 20, caplen - 20, cut, ts);
        return;
    default:
        st->c.unsupported_linktype++;
        return;
    }
}

void sipcode__decode_finish(struct sipcode_stats *st)
{
    size_t i;
    while (st->oldest)
        flow_close(st, st->oldest, st->oldest->last_ts);
    for (i = 0; i < st->cfg.max_fragments; i++)
        if (st->frags[i].used) {
            st->c.fragment_drops++;
            frag_release(st, &st->frags[i]);
        }
}

void sipcode__decode_free(struct sipcode_stats *st)
{
    size_t i;
    while (st->oldest)
        flow_free(st, st->oldest);
    if (st->frags)
        for (i = 0; i < st->cfg.max_fragments; i++)
            if (st->frags[i].used)
                frag_release(st, &st->frags[i]);
}

/* ---- the common case, ahead of time ------------------------------------------ */

static int udp_in_ip(const struct sipcode_stats *st, const uint8_t *p, size_t len,
                     const uint8_t **payload, size_t *plen)
{
    size_t ulen;
    if (len < 1)
        return 0;
    if ((p[0] >> 4) == 4) {
        size_t ihl = (size_t)(p[0] & 0x0f) * 4, total;
        if (len < 20 || ihl < 20)
            return 0;
        total = rd16(p + 2);
        if (total < ihl || total > len || (rd16(p + 6) & 0x3fffu) || p[9] != PROTO_UDP)
            return 0;
        p += ihl;
        len = total - ihl;
    } else if ((p[0] >> 4) == 6) {
        size_t plen6;
        if (len < 40 || p[6] != PROTO_UDP) /* extension headers: the long way */
            return 0;
        plen6 = rd16(p + 4);
        if (40 + plen6 > len)
            return 0;
        p += 40;
        len = plen6;
    } else {
        return 0;
    }
    if (len < 8)
        return 0;
    ulen = rd16(p + 4);
    if (ulen < 8 || ulen > len || !port_allowed(st, p))
        return 0;
    *payload = p + 8;
    *plen = ulen - 8;
    return 1;
}

int sipcode__udp_payload(const struct sipcode_stats *st, const uint8_t *p, size_t caplen,
                         int linktype, const uint8_t **payload, size_t *len)
{
    size_t off;
    unsigned type;
    int tags = 0;
    switch (linktype) {
    case SIPCODE_LINKTYPE_EN10MB:
        if (caplen < 14)
            return 0;
        type = rd16(p + 12);
        off = 14;
        while (is_vlan(type)) {
            if (++tags > MAX_VLAN_TAGS || caplen < off + 4)
                return 0;
            type = rd16(p + off + 2);
            off += 4;
        }
        break;
    case SIPCODE_LINKTYPE_LINUX_SLL:
        if (caplen < 16)
            return 0;
        type = rd16(p + 14);
        off = 16;
        break;
    case SIPCODE_LINKTYPE_LINUX_SLL2:
        if (caplen < 20)
            return 0;
        type = rd16(p);
        off = 20;
        break;
    case SIPCODE_LINKTYPE_RAW:
    case SIPCODE_LINKTYPE_RAW_12:
    case SIPCODE_LINKTYPE_RAW_14:
    case SIPCODE_LINKTYPE_IPV4:
    case SIPCODE_LINKTYPE_IPV6:
        return udp_in_ip(st, p, caplen, payload, len);
    default:
        return 0;
    }
    if (type != ETH_IPV4 && type != ETH_IPV6)
        return 0;
    /* the version must agree with the type, as ipv4() and ipv6() check */
    if (caplen - off < 1 || (p[off] >> 4) != (type == ETH_IPV4 ? 4 : 6))
        return 0;
    return udp_in_ip(st, p + off, caplen - off, payload, len);
}
