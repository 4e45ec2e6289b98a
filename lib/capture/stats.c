/* The statistics engine: counting SIP messages found in datagrams and TCP
 * streams, the tables behind the counters, and the public API. The frame
 * decoding (link, IP, fragments, UDP, TCP order) is in decode.c. */
#include <stdlib.h>
#include <string.h>

#include "../wire/message.h"
#include "capture_int.h"
#include "sipcode/registry.h"

#define DEFAULT_FLOWS          4096u
#define DEFAULT_FLOW_BYTES     262144u
#define DEFAULT_TOTAL_BYTES    67108864u
#define DEFAULT_FRAGMENT_BYTES 4194304u
#define DEFAULT_FRAGMENTS      256u
#define DEFAULT_TRANSACTIONS   65536u
#define DEFAULT_IDLE_NS        60000000000ull
#define MAX_REASON_VALUES      16

#define NO_METHOD UINT32_MAX

/* ---- hashing and the remembered-key tables --------------------------------- */

static uint64_t rotl64(uint64_t x, unsigned r)
{
    return x << r | x >> (64 - r);
}

/* Eight bytes per step (byte at a time, FNV-1a was a tenth of the time of
 * 'sipcode stats'): each word is multiplied, rotated and multiplied into h.
 * Keys are compared by this hash alone, so it must spread well; the
 * finish_hash() avalanche follows for the remembered-key tables. */
uint64_t sipcode__hash(uint64_t h, const void *p, size_t len)
{
    const uint8_t *b = p;
    uint64_t v;
    h ^= (uint64_t)len * 0x9e3779b97f4a7c15ull;
    while (len >= 8) {
        memcpy(&v, b, 8);
        h = rotl64(h ^ (v * 0x87c37b91114253d5ull), 31) * 0x4cf5ad432745937full;
        b += 8;
        len -= 8;
    }
    if (len) {
        v = 0;
        memcpy(&v, b, len);
        h = rotl64(h ^ (v * 0x87c37b91114253d5ull), 31) * 0x4cf5ad432745937full;
    }
    return h ^ h >> 29;
}

/* The transaction and response keys: 16 bytes per 64 x 64 -> 128-bit
 * multiplication folded to 64 bits (wyhash's step), about half the
 * dependent multiplications of sipcode__hash on these short fields. */
#define KEY_K0 0xa0761d6478bd642full
#define KEY_K1 0xe7037ed1a0b428dbull
#define KEY_K2 0x8ebc6af09c88c6e3ull

static uint64_t mum(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    __extension__ typedef unsigned __int128 u128;
    u128 r = (u128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    uint64_t lo = (mid << 32) | (uint32_t)ll;
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    return lo ^ hi;
#endif
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Mixes the bytes of s into h; the caller mixed in their length. The last
 * 1..16 bytes are read by loads that may overlap (given the length they
 * still hold every byte once): copying them byte by byte into a word made
 * the CPU wait for the stores to forward. A word equal to KEY_K1 would
 * make a step forget h, but KEY_K1 has bytes above 0x7f and the fields
 * hashed are ASCII tokens (the parser checks). */
static uint64_t mix_slice(uint64_t h, struct sipcode_slice s)
{
    const uint8_t *p = (const uint8_t *)s.ptr;
    size_t len = s.len;
    uint64_t a, b;
    while (len > 16) {
        h = mum(rd64(p) ^ KEY_K1, rd64(p + 8) ^ h);
        p += 16;
        len -= 16;
    }
    if (len > 8) {
        a = rd64(p);
        b = rd64(p + len - 8);
    } else if (len >= 4) {
        a = rd32(p) << 32 | rd32(p + len - 4);
        b = 0;
    } else if (len) {
        a = (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    return mum(a ^ KEY_K1, b ^ h);
}

static uint64_t finish_hash(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h ? h : 1;
}

/* A transaction's payload in the table: its method's index (0xff: none)
 * and which responses were timed. */
#define AUX_METHOD_NONE 0xffu
#define AUX_PROVISIONAL 0x100u
#define AUX_FINAL       0x200u
_Static_assert(SIPCODE_STATS_MAX_METHODS < AUX_METHOD_NONE, "a method index fits in 8 bits");

static uint32_t aux_method(uint32_t aux)
{
    return (aux & 0xffu) == AUX_METHOD_NONE ? NO_METHOD : (aux & 0xffu);
}

/* ---- methods, histograms, reasons ------------------------------------------ */

/* A word from the first bytes of a method name: with its length it tells
 * names of up to 8 bytes apart (loads may overlap, never pass the end). */
static uint64_t name_word(const uint8_t *p, size_t len)
{
    if (len >= 8)
        return rd64(p);
    if (len >= 4)
        return rd32(p) << 32 | rd32(p + len - 4);
    if (len)
        return (uint64_t)p[0] << 16 | (uint64_t)p[len >> 1] << 8 | p[len - 1];
    return 0;
}

static int method_is(const struct sipcode_stats *st, size_t i, struct sipcode_slice name,
                     uint64_t word)
{
    return st->method_words[i] == word && st->method_lens[i] == name.len &&
           (name.len <= 8 || memcmp(st->methods[i].name, name.ptr, name.len) == 0);
}

/* word: name_word() of name, found by the thread that parsed it: a name of
 * up to 8 bytes is told apart without reading it again. A hint slot by the
 * word names the method most likely, so the usual lookup tests one entry
 * instead of walking the list. */
static uint32_t method_index(struct sipcode_stats *st, struct sipcode_slice name, uint64_t word,
                             int add)
{
    const size_t h = (size_t)(((word ^ name.len) * 0x9e3779b97f4a7c15u) >> (64 - METHOD_HINT_BITS));
    size_t i = st->method_hint[h];
    if (i && method_is(st, i - 1, name, word))
        return (uint32_t)(i - 1);
    /* a compact array of words and lengths: no memcmp call, one cache line */
    for (i = 0; i < st->method_count; i++)
        if (method_is(st, i, name, word)) {
            st->method_hint[h] = (uint8_t)(i + 1);
            return (uint32_t)i;
        }
    if (!add || name.len == 0 || name.len > SIPCODE_STATS_METHOD_LEN ||
        st->method_count == SIPCODE_STATS_MAX_METHODS)
        return NO_METHOD;
    {
        struct method_entry *m = &st->methods[st->method_count];
        m->by_code = calloc(CODE_SLOTS, sizeof *m->by_code);
        if (!m->by_code)
            return NO_METHOD;
        memcpy(m->name, name.ptr, name.len);
        m->name[name.len] = '\0';
        m->len = name.len;
        st->method_words[st->method_count] = word;
        st->method_lens[st->method_count] = (uint8_t)name.len;
        st->method_hint[h] = (uint8_t)(st->method_count + 1);
    }
    return (uint32_t)st->method_count++;
}

static size_t hist_bucket(uint64_t v)
{
    unsigned e = 63;
    if (v < 64)
        return (size_t)v;
#if defined(__GNUC__)
    e = 63u - (unsigned)__builtin_clzll(v); /* the top bit's position */
#else
    while (!(v >> e))
        e--;
#endif
    /* e >= 6: 32 sub-buckets from the 5 bits below the top one */
    return 64 + (size_t)(e - 6) * HIST_SUB + (size_t)((v >> (e - 5)) & (HIST_SUB - 1));
}

/* The largest value of bucket b. */
static uint64_t hist_upper(size_t b)
{
    unsigned e;
    uint64_t sub;
    if (b < 64)
        return b;
    e = (unsigned)((b - 64) / HIST_SUB) + 6;
    sub = (b - 64) % HIST_SUB;
    return ((HIST_SUB + sub + 1) << (e - 5)) - 1;
}

static void record_sample(struct sipcode_stats *st, uint32_t method, int kind, uint64_t ns)
{
    struct method_entry *m;
    if (method == NO_METHOD)
        return;
    m = &st->methods[method];
    if (!m->hist[kind]) {
        m->hist[kind] = calloc(HIST_BUCKETS, sizeof *m->hist[kind]);
        if (!m->hist[kind])
            return;
    }
    m->hist[kind][hist_bucket(ns)]++;
    m->samples[kind]++;
    if (ns > m->max_ns[kind])
        m->max_ns[kind] = ns;
}

/* The entry for (code, method, protocol, cause), added with count 0 when new;
 * NULL when the table is full or the protocol token too long. */
static struct reason_entry *reason_slot(struct sipcode_stats *st, const struct sipcode_reason *r,
                                        int code, uint32_t method)
{
    size_t i, n;
    struct reason_entry *e;
    for (i = 0; i < st->reason_count; i++) {
        e = &st->reasons[i];
        if (e->code == code && e->method == method && e->protocol == r->id &&
            e->cause == r->cause &&
            (r->id != SIPCODE_REASON_UNKNOWN ||
             (strlen(e->protocol_name) == r->protocol.len &&
              memcmp(e->protocol_name, r->protocol.ptr, r->protocol.len) == 0)))
            return e;
    }
    if (st->reason_count == SIPCODE_STATS_MAX_REASONS || r->protocol.len >= 32)
        return NULL;
    e = &st->reasons[st->reason_count++];
    e->code = code;
    e->method = method;
    e->protocol = r->id;
    n = r->protocol.len;
    memcpy(e->protocol_name, r->protocol.ptr, n);
    e->protocol_name[n] = '\0';
    e->cause = r->cause;
    e->count = 0;
    return e;
}

static void count_reason(struct sipcode_stats *st, const struct sipcode_reason *r, int code,
                         uint32_t method)
{
    struct reason_entry *e = reason_slot(st, r, code, method);
    if (e)
        e->count++;
    else
        st->c.reasons_overflow++;
}

static void count_reason_value(struct sipcode_stats *st, struct sipcode_slice v, int code,
                               uint32_t method)
{
    struct sipcode_reason r[MAX_REASON_VALUES];
    size_t count = 0, i;
    enum sipcode_err err = sipcode_parse_reason(v.ptr, v.len, r, MAX_REASON_VALUES, &count, NULL);
    if (err == SIPCODE_ELIMIT) {
        st->c.reasons_overflow += count - MAX_REASON_VALUES;
        count = MAX_REASON_VALUES;
    } else if (err != SIPCODE_OK) {
        st->c.reasons_overflow++;
        return;
    }
    for (i = 0; i < count; i++)
        count_reason(st, &r[i], code, method);
}

static void count_reasons(struct sipcode_stats *st, const struct msg_summary *sum, int code,
                          uint32_t method)
{
    size_t i;
    if (sum->reason_count > SUMMARY_REASONS) { /* many: from the message itself */
        const struct sipcode_header *h = NULL;
        while ((h = sipcode_message_find(sum->m, "Reason", 6, h)) != NULL)
            count_reason_value(st, h->value, code, method);
        return;
    }
    for (i = 0; i < sum->reason_count; i++)
        count_reason_value(st, sum->reasons[i], code, method);
}

/* ---- one message ----------------------------------------------------------- */

static struct sipcode_slice slice_of(const struct method_entry *m)
{
    struct sipcode_slice s = {m->name, m->len};
    return s;
}

static int slice_is(struct sipcode_slice s, const char *text)
{
    size_t n = strlen(text);
    return s.len == n && memcmp(s.ptr, text, n) == 0;
}

/* The RFC 3261 transaction key: top Via branch, Call-ID, CSeq number and
 * method (the lengths first: no ambiguity between fields). Not finished:
 * the request and response keys go on from it. */
static uint64_t transaction_key(const struct sipcode_message *m)
{
    uint64_t h = KEY_K0;
    h = mum((uint64_t)m->via.branch.len ^ KEY_K1, (uint64_t)m->call_id.len ^ h);
    h = mum((uint64_t)m->cseq_method.len ^ KEY_K2, (uint64_t)m->cseq ^ h);
    h = mix_slice(h, m->via.branch);
    h = mix_slice(h, m->call_id);
    return mix_slice(h, m->cseq_method);
}

/* The table work of one message, apart from the rest so that it can wait
 * for the next message while its buckets load (st->defer). */
static void apply_op(struct sipcode_stats *st, const struct seen_op *op)
{
    size_t slot, txn;
    if (op->kind == OP_REQUEST) {
        slot = sipcode__seen_find(&st->txns, op->key);
        if (slot != SEEN_NONE) {
            sipcode__seen_touch(&st->txns, slot);
            st->c.retransmissions++;
            st->c.request_retransmissions++;
            if (op->method != NO_METHOD)
                st->methods[op->method].retransmissions++;
        } else {
            slot = sipcode__seen_add(&st->txns, op->key, &st->c.transactions_forgotten);
            st->txns.first_ts[slot] = op->ts;
            *sipcode__seen_aux(&st->txns, slot) = op->aux;
        }
        return;
    }
    slot = sipcode__seen_find(&st->resps, op->key);
    if (slot != SEEN_NONE) {
        sipcode__seen_touch(&st->resps, slot);
        st->c.retransmissions++;
        st->c.response_retransmissions++;
        st->code_retrans[op->code - CODE_MIN]++;
        return;
    }
    sipcode__seen_add(&st->resps, op->key, &st->c.transactions_forgotten);
    txn = sipcode__seen_find(&st->txns, op->txn_key);
    if (txn != SEEN_NONE) {
        uint32_t *aux = sipcode__seen_aux(&st->txns, txn);
        uint64_t first = st->txns.first_ts[txn];
        uint64_t dt = op->ts >= first ? op->ts - first : 0;
        sipcode__seen_touch(&st->txns, txn);
        if (op->code < 200 && !(*aux & AUX_PROVISIONAL)) {
            *aux |= AUX_PROVISIONAL;
            record_sample(st, aux_method(*aux), SIPCODE_TIMING_PROVISIONAL, dt);
        } else if (op->code >= 200 && !(*aux & AUX_FINAL)) {
            *aux |= AUX_FINAL | AUX_PROVISIONAL;
            record_sample(st, aux_method(*aux), SIPCODE_TIMING_FINAL, dt);
        }
    }
}

/* Runs op now, or (deferring) the one before it and keeps op for later:
 * the same table work in the same order, each bucket prefetched one
 * message ahead of its use. */
static void submit_op(struct sipcode_stats *st, const struct seen_op *op)
{
    if (!st->defer) {
        apply_op(st, op);
        return;
    }
    if (st->pending.kind != OP_NONE)
        apply_op(st, &st->pending);
    st->pending = *op;
}

void sipcode__stats_flush(struct sipcode_stats *st)
{
    if (st->pending.kind != OP_NONE)
        apply_op(st, &st->pending);
    st->pending.kind = OP_NONE;
}

static int wants_reasons(const struct sipcode_message *m)
{
    if (m->is_request)
        return slice_is(m->request.method, "BYE") || slice_is(m->request.method, "CANCEL");
    return m->status.code >= CODE_MIN && m->status.code < CODE_MIN + CODE_SLOTS;
}

int sipcode__stats_summarize(const struct sipcode_message *m, struct msg_summary *sum)
{
    uint64_t base = transaction_key(m);
    sum->is_request = m->is_request;
    sum->code = m->is_request ? 0 : m->status.code;
    sum->method = m->is_request ? m->request.method : m->cseq_method;
    sum->method_word = name_word((const uint8_t *)sum->method.ptr, sum->method.len);
    /* a request's key and a response's differ by what is mixed in next */
    sum->txn_key = finish_hash(mum(base ^ KEY_K2, 'Q'));
    sum->key = sum->txn_key;
    if (!m->is_request) {
        uint64_t key = mum((uint64_t)(unsigned)sum->code ^ KEY_K2, (uint64_t)m->to_tag.len ^ base);
        sum->key = finish_hash(mix_slice(key, m->to_tag));
    }
    sum->reason_count = 0;
    sum->m = m;
    if (wants_reasons(m)) {
        size_t i;
        for (i = 0; i < m->header_count; i++) {
            if (m->headers[i].id != SIPCODE_H_REASON)
                continue;
            if (sum->reason_count < SUMMARY_REASONS)
                sum->reasons[sum->reason_count] = m->headers[i].value;
            sum->reason_count++;
        }
    }
    return sum->reason_count <= SUMMARY_REASONS;
}

static void count_request(struct sipcode_stats *st, const struct msg_summary *sum, uint64_t ts)
{
    struct sipcode_slice name = sum->method;
    struct seen_op op;
    op.kind = OP_REQUEST;
    op.key = sum->txn_key;
    op.txn_key = 0;
    op.ts = ts;
    op.code = 0;
    sipcode__seen_prefetch_times(&st->txns, op.key);
    op.method = method_index(st, name, sum->method_word, 1);
    if (op.method != NO_METHOD) /* the table's copy: in this thread's cache */
        name = slice_of(&st->methods[op.method]);
    st->c.requests++;
    if (op.method == NO_METHOD)
        st->c.methods_overflow++;
    else
        st->methods[op.method].requests++;
    if (slice_is(name, "BYE") || slice_is(name, "CANCEL"))
        count_reasons(st, sum, 0, op.method);
    op.aux = op.method == NO_METHOD ? AUX_METHOD_NONE : op.method;
    if (slice_is(name, "ACK")) /* no response: no timing */
        op.aux |= AUX_PROVISIONAL | AUX_FINAL;
    submit_op(st, &op);
}

static void count_response(struct sipcode_stats *st, const struct msg_summary *sum, uint64_t ts)
{
    int code = sum->code;
    struct seen_op op;
    if (code < CODE_MIN || code >= CODE_MIN + CODE_SLOTS) { /* the parser's range; be safe */
        method_index(st, sum->method, sum->method_word, 1);
        return;
    }
    op.kind = OP_RESPONSE;
    op.key = sum->key;
    op.txn_key = sum->txn_key;
    op.ts = ts;
    op.code = code;
    op.aux = 0;
    /* both lookups miss the cache on a busy link: start them now */
    sipcode__seen_prefetch(&st->resps, op.key);
    sipcode__seen_prefetch_times(&st->txns, op.txn_key);
    op.method = method_index(st, sum->method, sum->method_word, 1);
    st->c.responses++;
    st->codes[code - CODE_MIN]++;
    if (op.method == NO_METHOD)
        st->c.methods_overflow++;
    else
        st->methods[op.method].by_code[code - CODE_MIN]++;
    count_reasons(st, sum, code, op.method);
    submit_op(st, &op);
}

static void count_summary(struct sipcode_stats *st, const struct msg_summary *sum, uint64_t ts)
{
    st->c.sip_messages++;
    if (sum->is_request)
        count_request(st, sum, ts);
    else
        count_response(st, sum, ts);
}

static void count_message(struct sipcode_stats *st, const struct sipcode_message *m, uint64_t ts)
{
    struct msg_summary sum;
    sipcode__stats_summarize(m, &sum);
    count_summary(st, &sum, ts);
}

/* ---- datagrams and streams ------------------------------------------------- */

static int is_upper(uint8_t c)
{
    return c >= 'A' && c <= 'Z';
}

static int sip_slash(const uint8_t *p, size_t len)
{
    return len >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
           p[3] == '/';
}

/* The length of the method-like token ending at a SP that p starts with,
 * or 0. */
static size_t method_like(const uint8_t *p, size_t len)
{
    size_t i = 0;
    while (i < len && i <= SIPCODE_STATS_METHOD_LEN && (is_upper(p[i]) || p[i] == '-'))
        i++;
    return i == 0 || i >= len || p[i] != ' ' ? 0 : i;
}

/* Does the line at p[0..len) (len bytes up to, not including, its LF) look
 * like a SIP start line? Loose on purpose: it decides between "malformed
 * SIP" and "not SIP", and where a TCP stream picks up again. */
static int start_line_like(const uint8_t *p, size_t len)
{
    size_t i;
    if (sip_slash(p, len)) /* "SIP/d.d " and then anything: a status line, maybe a broken one */
        return len >= 8 && p[4] >= '0' && p[4] <= '9' && p[5] == '.' && p[6] >= '0' &&
               p[6] <= '9' && p[7] == ' ';
    i = method_like(p, len);
    if (i == 0)
        return 0;
    if (p[len - 1] == '\r')
        len--;
    return len >= i + 9 && memcmp(p + len - 8, " SIP/2.0", 8) == 0;
}

/* start_line_like() of the first line of p[0..len), looking for its end
 * only when the start could begin a start line: a quarter of the
 * datagrams of a call are RTP, whose first byte already says no. */
static int first_line_like(const uint8_t *p, size_t len)
{
    const uint8_t *lf;
    if (!sip_slash(p, len) && method_like(p, len) == 0)
        return 0;
    lf = memchr(p, '\n', len);
    return start_line_like(p, lf ? (size_t)(lf - p) : len);
}

static int is_crlf(uint8_t c)
{
    return c == '\r' || c == '\n';
}

enum datagram_kind sipcode__stats_classify(const uint8_t *p, size_t len, unsigned wire_flags,
                                           struct sipcode_header *hdrs, struct sipcode_message *m)
{
    size_t used, i;
    enum sipcode_err err;
    if (len == 0)
        return DGRAM_NON_SIP;
    for (i = 0; i < len && is_crlf(p[i]); i++)
        ;
    if (i == len)
        return DGRAM_KEEPALIVE;
    err = sipcode__parse_message_direct((const char *)p, len, wire_flags, hdrs, MSG_HEADERS, m,
                                        &used, NULL);
    if (err == SIPCODE_OK)
        return DGRAM_MESSAGE;
    if (err == SIPCODE_ENOTFOUND)
        return DGRAM_KEEPALIVE;
    return first_line_like(p + i, len - i) ? DGRAM_MALFORMED : DGRAM_NON_SIP;
}

static void count_datagram(struct sipcode_stats *st, enum datagram_kind kind,
                           const struct msg_summary *sum, uint64_t ts)
{
    switch (kind) {
    case DGRAM_NON_SIP:
        st->c.non_sip++;
        return;
    case DGRAM_KEEPALIVE:
        st->c.keepalives++;
        return;
    case DGRAM_MALFORMED:
        st->c.malformed++;
        return;
    case DGRAM_MESSAGE:
        count_summary(st, sum, ts);
        return;
    }
}

void sipcode__stats_datagram(struct sipcode_stats *st, const uint8_t *p, size_t len, uint64_t ts)
{
    struct sipcode_message m;
    struct msg_summary sum;
    enum datagram_kind kind = sipcode__stats_classify(p, len, st->cfg.wire_flags, st->hdrs, &m);
    if (kind == DGRAM_MESSAGE)
        sipcode__stats_summarize(&m, &sum);
    count_datagram(st, kind, &sum, ts);
}

void sipcode__stream_reset(struct flow *f)
{
    f->pending = f->wait = f->blank_scan = 0;
    f->skipped = 0;
}

/* Where the header section of the message at p ends (just past its empty
 * line), searching from from; 0 when it has not arrived. */
static size_t header_end(const uint8_t *p, size_t len, size_t from)
{
    const uint8_t *q = p + from, *end = p + len;
    while ((q = memchr(q, '\n', (size_t)(end - q))) != NULL) {
        q++;
        if (q < end && *q == '\n')
            return (size_t)(q + 1 - p);
        if (q + 1 < end && q[0] == '\r' && q[1] == '\n')
            return (size_t)(q + 2 - p);
    }
    return 0;
}

static int lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The Content-Length of a header section p[0..hend) the parser accepted,
 * when it is written plainly (one field, digits, no fold): 1 and *cl; 0
 * otherwise, and the caller keeps parsing as before. */
static int plain_content_length(const uint8_t *p, size_t hend, size_t *cl)
{
    static const char name[] = "content-length";
    size_t i = 0, found = 0;
    while (i < hend) {
        size_t eol = i, j = i, n = 0, v = 0, digits = 0;
        while (eol < hend && p[eol] != '\n')
            eol++;
        while (j < eol && n < sizeof name - 1 && lower(p[j]) == (uint8_t)name[n])
            j++, n++;
        if (n != sizeof name - 1) { /* the compact form, "l" */
            j = i;
            n = lower(p[i]) == 'l' ? 1 : 0;
            j += n;
        }
        if (n) {
            while (j < eol && (p[j] == ' ' || p[j] == '\t'))
                j++;
        }
        if (n && j < eol && p[j] == ':') {
            j++;
            while (j < eol && (p[j] == ' ' || p[j] == '\t'))
                j++;
            while (j < eol && p[j] >= '0' && p[j] <= '9' && digits < 9)
                v = v * 10 + (size_t)(p[j++] - '0'), digits++;
            while (j < eol && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r'))
                j++;
            /* anything else, or a folded continuation: not plain */
            if (!digits || j != eol ||
                (eol + 1 < hend && (p[eol + 1] == ' ' || p[eol + 1] == '\t')))
                return 0;
            *cl = v;
            found++;
        }
        i = eol + 1;
    }
    return found == 1;
}

size_t sipcode__stats_stream(struct sipcode_stats *st, struct flow *f, const uint8_t *p, size_t len,
                             uint64_t ts, int force)
{
    size_t off = 0;
    for (;;) {
        struct sipcode_message m;
        size_t used, k;
        enum sipcode_err err;
        if (f->synced != FLOW_SYNCED) {
            /* look for a line that starts a message */
            size_t ls = off, skipped = off;
            int found = 0;
            for (;;) {
                size_t eol = ls;
                while (eol < len && p[eol] != '\n')
                    eol++;
                if (eol == len) { /* the line is not complete yet */
                    if (len - ls > SIPCODE_MAX_LINE)
                        ls = len;
                    break;
                }
                if (start_line_like(p + ls, eol - ls)) {
                    found = 1;
                    break;
                }
                ls = eol + 1;
            }
            if (ls > skipped && f->synced == FLOW_SEARCH) {
                size_t j;
                for (j = skipped; j < ls && is_crlf(p[j]); j++)
                    ;
                if (j == ls)
                    st->c.keepalives++;
                else
                    st->c.non_sip++;
            }
            off = ls;
            if (!found)
                return off;
            f->synced = FLOW_SYNCED;
        }
        for (k = off; k < len && is_crlf(p[k]); k++)
            ;
        if (k > off) {
            if (k == len) /* keep a partial CRLF run: the rest may follow */
                return off;
            st->c.keepalives++;
            off = k;
        }
        if (off == len)
            return off;
        if (off > 0 || p != f->buf)
            sipcode__stream_reset(f); /* a message not seen before */
        else if (f->pending && !force) {
            /* Parsed before and incomplete: the parser judges bytes in
             * order and a prefix gets EINCOMPLETE or the whole's answer, so
             * a parse is needed only once the answer may differ. A
             * message that is complete holds its blank line. */
            size_t from = f->blank_scan > 3 ? f->blank_scan - 3 : 0;
            if ((f->wait && len < f->wait) ||
                (!f->wait && len < 2 * f->pending && header_end(p, len, from) == 0)) {
                f->blank_scan = len;
                f->skipped = 1;
                return 0;
            }
        }
        err = sipcode__parse_message_direct((const char *)p + off, len - off,
                                            st->cfg.wire_flags | SIPCODE_FRAME_STREAM, st->hdrs,
                                            MSG_HEADERS, &m, &used, NULL);
        if (err == SIPCODE_EINCOMPLETE) {
            /* remember for the next segment (the caller moves these bytes
             * to the start of the buffer) */
            size_t hend = header_end(p + off, len - off, 0), cl;
            f->pending = len - off;
            f->blank_scan = len - off;
            f->skipped = 0;
            f->wait = 0;
            /* headers complete and yet incomplete: only the body is missing */
            if (hend && plain_content_length(p + off, hend, &cl) && hend + cl > len - off)
                f->wait = hend + cl;
            return off;
        }
        sipcode__stream_reset(f);
        if (err == SIPCODE_OK) {
            count_message(st, &m, ts);
            off += used;
            continue;
        }
        /* broken: count it, then look for the next start line after this one */
        st->c.malformed++;
        f->synced = FLOW_RESYNC;
        if (err == SIPCODE_EVERSION)
            off += used;
        else {
            while (off < len && p[off] != '\n')
                off++;
            if (off < len)
                off++;
        }
    }
}

/* ---- the public API -------------------------------------------------------- */

int sipcode_stats_linktype_supported(int linktype)
{
    switch (linktype) {
    case SIPCODE_LINKTYPE_NULL:
    case SIPCODE_LINKTYPE_EN10MB:
    case SIPCODE_LINKTYPE_RAW_12:
    case SIPCODE_LINKTYPE_RAW_14:
    case SIPCODE_LINKTYPE_RAW:
    case SIPCODE_LINKTYPE_LOOP:
    case SIPCODE_LINKTYPE_LINUX_SLL:
    case SIPCODE_LINKTYPE_IPV4:
    case SIPCODE_LINKTYPE_IPV6:
    case SIPCODE_LINKTYPE_LINUX_SLL2:
        return 1;
    default:
        return 0;
    }
}

struct sipcode_stats *sipcode_stats_new(const struct sipcode_stats_config *cfg)
{
    struct sipcode_stats *st;
    size_t nb = 16;
    if (cfg && (cfg->port_count > SIPCODE_STATS_MAX_PORTS || (cfg->port_count && !cfg->ports)))
        return NULL;
    st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    if (cfg)
        st->cfg = *cfg;
#define DEFAULT(field, value)                                                                      \
    if (st->cfg.field == 0)                                                                        \
    st->cfg.field = (value)
    DEFAULT(max_flows, DEFAULT_FLOWS);
    DEFAULT(max_flow_bytes, DEFAULT_FLOW_BYTES);
    DEFAULT(max_total_bytes, DEFAULT_TOTAL_BYTES);
    DEFAULT(max_fragment_bytes, DEFAULT_FRAGMENT_BYTES);
    DEFAULT(max_fragments, DEFAULT_FRAGMENTS);
    DEFAULT(max_transactions, DEFAULT_TRANSACTIONS);
    DEFAULT(idle_timeout_ns, DEFAULT_IDLE_NS);
#undef DEFAULT
    if (st->cfg.port_count)
        memcpy(st->ports, cfg->ports, st->cfg.port_count * sizeof *st->ports);
    st->cfg.ports = NULL;
    while (nb < st->cfg.max_flows && nb < ((size_t)1 << 24))
        nb *= 2;
    st->buckets = calloc(nb, sizeof *st->buckets);
    st->bucket_mask = nb - 1;
    st->frags = calloc(st->cfg.max_fragments, sizeof *st->frags);
    st->reasons = calloc(SIPCODE_STATS_MAX_REASONS, sizeof *st->reasons);
    if (!st->buckets || !st->frags || !st->reasons ||
        !sipcode__seen_init(&st->txns, st->cfg.max_transactions, 1) ||
        !sipcode__seen_init(&st->resps, st->cfg.max_transactions, 0)) {
        sipcode_stats_free(st);
        return NULL;
    }
    return st;
}

void sipcode_stats_free(struct sipcode_stats *st)
{
    size_t i;
    if (!st)
        return;
    if (st->buckets)
        sipcode__decode_free(st);
    for (i = 0; i < st->method_count; i++) {
        free(st->methods[i].by_code);
        free(st->methods[i].hist[0]);
        free(st->methods[i].hist[1]);
    }
    free(st->buckets);
    free(st->frags);
    free(st->reasons);
    sipcode__seen_free(&st->txns);
    sipcode__seen_free(&st->resps);
    free(st);
}

enum sipcode_err sipcode_stats_add_packet(struct sipcode_stats *st, const uint8_t *bytes,
                                          size_t caplen, size_t wire_len, int linktype,
                                          uint64_t ts_ns)
{
    if (!st || (!bytes && caplen > 0))
        return SIPCODE_EINVAL;
    st->c.frames++;
    if (!bytes) {
        st->c.truncated++;
        return SIPCODE_OK;
    }
    sipcode__decode_frame(st, bytes, caplen, wire_len < caplen ? caplen : wire_len, linktype,
                          ts_ns);
    return SIPCODE_OK;
}

void sipcode__stats_add_classified(struct sipcode_stats *st, const struct pre_parsed *pre,
                                   uint64_t ts)
{
    st->c.frames++;
    sipcode__expire_flows(st, ts);
    count_datagram(st, pre->kind, &pre->sum, ts);
}

void sipcode__stats_forget_all(struct sipcode_stats *st)
{
    sipcode__seen_clear(&st->txns);
    sipcode__seen_clear(&st->resps);
}

void sipcode_stats_finish(struct sipcode_stats *st)
{
    if (!st)
        return;
    sipcode__stats_flush(st);
    sipcode__decode_finish(st);
    sipcode__stats_forget_all(st);
}

static int add_histogram(struct method_entry *into, const struct method_entry *from, int kind)
{
    size_t b;
    if (!from->hist[kind])
        return 1;
    if (!into->hist[kind]) {
        into->hist[kind] = calloc(HIST_BUCKETS, sizeof *into->hist[kind]);
        if (!into->hist[kind])
            return 0;
    }
    for (b = 0; b < HIST_BUCKETS; b++)
        into->hist[kind][b] += from->hist[kind][b];
    into->samples[kind] += from->samples[kind];
    if (from->max_ns[kind] > into->max_ns[kind])
        into->max_ns[kind] = from->max_ns[kind];
    return 1;
}

enum sipcode_err sipcode_stats_merge(struct sipcode_stats *total,
                                     const struct sipcode_stats *counts)
{
    uint64_t to[sizeof(struct sipcode_stats_counters) / sizeof(uint64_t)];
    uint64_t from[sizeof to / sizeof *to];
    uint32_t map[SIPCODE_STATS_MAX_METHODS];
    enum sipcode_err err = SIPCODE_OK;
    size_t i, k;
    if (!total || !counts || total == counts)
        return SIPCODE_EINVAL;
    memcpy(to, &total->c, sizeof to);
    memcpy(from, &counts->c, sizeof from);
    for (i = 0; i < sizeof to / sizeof *to; i++)
        to[i] += from[i];
    memcpy(&total->c, to, sizeof to);
    for (i = 0; i < CODE_SLOTS; i++) {
        total->codes[i] += counts->codes[i];
        total->code_retrans[i] += counts->code_retrans[i];
    }
    for (i = 0; i < counts->method_count; i++) {
        const struct method_entry *m = &counts->methods[i];
        uint32_t j =
            method_index(total, slice_of(m), name_word((const uint8_t *)m->name, m->len), 1);
        map[i] = j;
        if (j == NO_METHOD) {
            total->c.methods_overflow += m->requests;
            err = SIPCODE_ELIMIT;
            continue;
        }
        total->methods[j].requests += m->requests;
        total->methods[j].retransmissions += m->retransmissions;
        for (k = 0; k < CODE_SLOTS; k++)
            total->methods[j].by_code[k] += m->by_code[k];
        if (!add_histogram(&total->methods[j], m, 0) || !add_histogram(&total->methods[j], m, 1))
            err = SIPCODE_ELIMIT;
    }
    for (i = 0; i < counts->reason_count; i++) {
        const struct reason_entry *e = &counts->reasons[i];
        struct reason_entry *t;
        struct sipcode_reason r;
        memset(&r, 0, sizeof r);
        r.id = e->protocol;
        r.protocol.ptr = e->protocol_name;
        r.protocol.len = strlen(e->protocol_name);
        r.cause = e->cause;
        t = reason_slot(total, &r, e->code, e->method == NO_METHOD ? NO_METHOD : map[e->method]);
        if (t) {
            t->count += e->count;
        } else {
            total->c.reasons_overflow += e->count;
            err = SIPCODE_ELIMIT;
        }
    }
    return err;
}

void sipcode_stats_get_counters(const struct sipcode_stats *st, struct sipcode_stats_counters *out)
{
    if (!out)
        return;
    if (!st) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = st->c;
}

uint64_t sipcode_stats_responses(const struct sipcode_stats *st, int code)
{
    if (!st || code < CODE_MIN || code >= CODE_MIN + CODE_SLOTS)
        return 0;
    return st->codes[code - CODE_MIN];
}

uint64_t sipcode_stats_response_retransmissions(const struct sipcode_stats *st, int code)
{
    if (!st || code < CODE_MIN || code >= CODE_MIN + CODE_SLOTS)
        return 0;
    return st->code_retrans[code - CODE_MIN];
}

uint64_t sipcode_stats_class(const struct sipcode_stats *st, int klass)
{
    uint64_t sum = 0;
    int i;
    if (!st || klass < 1 || klass > 6)
        return 0;
    for (i = 0; i < 100; i++)
        sum += st->codes[(klass - 1) * 100 + i];
    return sum;
}

size_t sipcode_stats_method_count(const struct sipcode_stats *st)
{
    return st ? st->method_count : 0;
}

const char *sipcode_stats_method_at(const struct sipcode_stats *st, size_t i)
{
    return st && i < st->method_count ? st->methods[i].name : NULL;
}

static const struct method_entry *find_method(const struct sipcode_stats *st, const char *name,
                                              size_t len)
{
    size_t i;
    if (!st || !name)
        return NULL;
    for (i = 0; i < st->method_count; i++)
        if (st->methods[i].len == len && memcmp(st->methods[i].name, name, len) == 0)
            return &st->methods[i];
    return NULL;
}

uint64_t sipcode_stats_requests(const struct sipcode_stats *st, const char *method, size_t len)
{
    const struct method_entry *m = find_method(st, method, len);
    return m ? m->requests : 0;
}

uint64_t sipcode_stats_request_retransmissions(const struct sipcode_stats *st, const char *method,
                                               size_t len)
{
    const struct method_entry *m = find_method(st, method, len);
    return m ? m->retransmissions : 0;
}

uint64_t sipcode_stats_responses_by_method(const struct sipcode_stats *st, const char *method,
                                           size_t len, int code)
{
    const struct method_entry *m = find_method(st, method, len);
    if (!m || code < CODE_MIN || code >= CODE_MIN + CODE_SLOTS)
        return 0;
    return m->by_code[code - CODE_MIN];
}

static uint64_t percentile(const uint64_t *hist, uint64_t count, uint64_t max, unsigned pct)
{
    uint64_t rank = (count * pct + 99) / 100, seen = 0;
    size_t b;
    if (rank == 0)
        rank = 1;
    for (b = 0; b < HIST_BUCKETS; b++) {
        seen += hist[b];
        if (seen >= rank) {
            uint64_t up = hist_upper(b);
            return up < max ? up : max;
        }
    }
    return max;
}

enum sipcode_err sipcode_stats_timing(const struct sipcode_stats *st, const char *method,
                                      size_t len, enum sipcode_stats_timing_kind kind,
                                      struct sipcode_stats_timing *out)
{
    const struct method_entry *m;
    int k = (int)kind;
    if (!st || !method || !out || (k != 0 && k != 1))
        return SIPCODE_EINVAL;
    m = find_method(st, method, len);
    if (!m || !m->hist[k] || m->samples[k] == 0)
        return SIPCODE_ENOTFOUND;
    out->count = m->samples[k];
    out->max_ns = m->max_ns[k];
    out->p50_ns = percentile(m->hist[k], out->count, out->max_ns, 50);
    out->p90_ns = percentile(m->hist[k], out->count, out->max_ns, 90);
    out->p99_ns = percentile(m->hist[k], out->count, out->max_ns, 99);
    return SIPCODE_OK;
}

size_t sipcode_stats_reason_count(const struct sipcode_stats *st)
{
    return st ? st->reason_count : 0;
}

enum sipcode_err sipcode_stats_reason_at(const struct sipcode_stats *st, size_t i,
                                         struct sipcode_stats_reason *out)
{
    const struct reason_entry *e;
    if (!st || !out)
        return SIPCODE_EINVAL;
    if (i >= st->reason_count)
        return SIPCODE_ENOTFOUND;
    e = &st->reasons[i];
    out->code = e->code;
    out->method = e->method == NO_METHOD ? NULL : st->methods[e->method].name;
    out->protocol = e->protocol;
    out->protocol_name = e->protocol_name;
    out->cause = e->cause;
    out->count = e->count;
    return SIPCODE_OK;
}
