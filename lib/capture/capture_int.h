/* Private to lib/capture: the engine's state, shared by the frame decoder
 * (decode.c: link, IP, fragments, UDP, TCP) and the SIP counting (stats.c). */
#ifndef SIPCODE_CAPTURE_INT_H
#define SIPCODE_CAPTURE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "sipcode/capture.h"
#include "sipcode/wire.h"

#define CODE_MIN     100
#define CODE_SLOTS   600 /* 100..699, all the wire parser accepts */
#define HIST_SUB     32
#define HIST_BUCKETS (64 + 58 * HIST_SUB)
#define MSG_HEADERS  256

/* Remembered transactions and responses by a 64-bit hash of their key
 * (seen.c): buckets of SEEN_WAYS ways, the keys in one cache line, their
 * recency stamps and payloads in the next. */
#define SEEN_WAYS 8
#define SEEN_NONE ((size_t)-1)

struct seen_bucket {
    uint64_t keys[SEEN_WAYS];  /* 0: empty way */
    uint32_t stamp[SEEN_WAYS]; /* the table's clock at the last use */
    uint32_t aux[SEEN_WAYS];   /* the caller's: 0 when added */
};

struct seen_table {
    struct seen_bucket *buckets;
    uint64_t *first_ts; /* per slot, when asked for: the time it was added */
    size_t mask;        /* buckets - 1 */
    uint32_t clock;     /* counts uses: the least recently used way goes */
    size_t bucket_bytes, ts_bytes; /* as mapped */
};

/* A table for about max keys (4 * max slots, a power of two); with_times
 * adds first_ts. 0 when memory runs out (nothing to free then). */
int sipcode__seen_init(struct seen_table *t, size_t max, int with_times);
void sipcode__seen_free(struct seen_table *t);
/* Forgets every key. */
void sipcode__seen_clear(struct seen_table *t);
/* The slot holding key, or SEEN_NONE. Does not count as a use. */
size_t sipcode__seen_find(const struct seen_table *t, uint64_t key);
/* Puts key (not in the table) in a free way of its bucket, else in place of
 * the bucket's least recently used key, adding 1 to *forgotten. Returns its
 * slot, aux 0, used now. */
size_t sipcode__seen_add(struct seen_table *t, uint64_t key, uint64_t *forgotten);

static inline void sipcode__seen_touch(struct seen_table *t, size_t slot)
{
    t->buckets[slot / SEEN_WAYS].stamp[slot % SEEN_WAYS] = t->clock++;
}

static inline uint32_t *sipcode__seen_aux(struct seen_table *t, size_t slot)
{
    return &t->buckets[slot / SEEN_WAYS].aux[slot % SEEN_WAYS];
}

/* gcc 12 deems a function of prefetches alone free of side effects and
 * deletes calls to it that were not inlined early: force them inline. */
#if defined(__GNUC__)
#define SEEN_INLINE static inline __attribute__((always_inline))
#else
#define SEEN_INLINE static inline
#endif

/* Starts loading key's bucket, for a lookup a little later. */
SEEN_INLINE void sipcode__seen_prefetch(const struct seen_table *t, uint64_t key)
{
#if defined(__GNUC__)
    const struct seen_bucket *b = &t->buckets[(size_t)key & t->mask];
    __builtin_prefetch(b->keys);
    __builtin_prefetch(b->stamp);
#else
    (void)t;
    (void)key;
#endif
}

/* The same for a table with first_ts (a bucket's 8 times fill one line). */
SEEN_INLINE void sipcode__seen_prefetch_times(const struct seen_table *t, uint64_t key)
{
#if defined(__GNUC__)
    const struct seen_bucket *b = &t->buckets[(size_t)key & t->mask];
    __builtin_prefetch(b->keys);
    __builtin_prefetch(b->stamp);
    __builtin_prefetch(&t->first_ts[((size_t)key & t->mask) * SEEN_WAYS]);
#else
    (void)t;
    (void)key;
#endif
}

/* The table work for one message (stats.c). */
#define OP_NONE     0
#define OP_REQUEST  1
#define OP_RESPONSE 2

struct seen_op {
    int kind;
    int code;         /* a response's */
    uint32_t method;  /* index into methods, or UINT32_MAX */
    uint32_t aux;     /* a request's entry when new: method and timing flags */
    uint64_t key;     /* the transaction (request) or the response */
    uint64_t txn_key; /* a response's transaction */
    uint64_t ts;
};

/* What counting needs of a parsed message (stats.c). Slices point into
 * the message's bytes. */
#define SUMMARY_REASONS 4

struct msg_summary {
    int is_request;
    int code;                    /* a response's */
    struct sipcode_slice method; /* the request's method, or a response's CSeq method */
    uint64_t method_word;        /* its first bytes, as stats.c's method table keeps them */
    uint64_t key;                /* the request's transaction, or the response */
    uint64_t txn_key;            /* the transaction */
    size_t reason_count;         /* Reason header fields counted (when they count) */
    struct sipcode_slice reasons[SUMMARY_REASONS]; /* their values, when no more */
    const struct sipcode_message *m;               /* for more; NULL once m is gone */
};

/* How a UDP payload counts. */
enum datagram_kind { DGRAM_NON_SIP, DGRAM_KEEPALIVE, DGRAM_MALFORMED, DGRAM_MESSAGE };

/* A datagram classified ahead of its turn: used when the decoder reaches
 * exactly these bytes. */
struct pre_parsed {
    const uint8_t *payload;
    size_t len;
    enum datagram_kind kind;
    struct msg_summary sum; /* when DGRAM_MESSAGE */
};

struct method_entry {
    char name[SIPCODE_STATS_METHOD_LEN + 1];
    size_t len;
    uint64_t requests, retransmissions;
    uint64_t *by_code; /* CODE_SLOTS */
    uint64_t *hist[2]; /* HIST_BUCKETS each, allocated at the first sample */
    uint64_t samples[2], max_ns[2];
};

struct reason_entry {
    int code;
    uint32_t method;
    enum sipcode_reason_protocol protocol;
    char protocol_name[32];
    long cause;
    uint64_t count;
};

struct tcp_seg {
    struct tcp_seg *next; /* sorted by seq */
    uint32_t seq;
    size_t len;
    uint8_t data[];
};

/* flow.synced */
#define FLOW_SEARCH 0 /* looking for a start line; skipped bytes count as non_sip */
#define FLOW_SYNCED 1 /* at a message boundary */
#define FLOW_RESYNC 2 /* looking again after a gap or an error: skipped bytes not counted */

#define FLOW_KEY_LEN 37 /* src[16] dst[16] sport[2] dport[2] family[1] */

struct flow {
    struct flow *hnext, *older, *newer;
    uint8_t key[FLOW_KEY_LEN];
    uint64_t hash, last_ts;
    uint32_t next_seq;
    int has_seq, synced;
    uint8_t *buf; /* in-order bytes not yet framed */
    size_t len, cap;
    /* The message at buf[0] was parsed before and was incomplete at
     * pending bytes (0: not parsed yet). Parsing it again is skipped while
     * the answer cannot change: before len reaches wait (its Content-Length
     * is known) or, with the header section unfinished, until its end
     * (a blank line past blank_scan) arrives or the bytes double. skipped
     * says a parse was put off, to be done before the bytes are dropped. */
    size_t pending, wait, blank_scan;
    int skipped;
    struct tcp_seg *ooo; /* out-of-order segments */
    size_t ooo_bytes;
};

struct frag {
    int used, v6;
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t proto;
    uint64_t first_ts;
    uint8_t *buf;
    size_t buf_cap;     /* allocated */
    size_t total;       /* payload length, known once the last fragment came; 0 before */
    size_t have_len;    /* bytes of have[] that may hold a set bit */
    uint8_t have[8192]; /* one bit per 8-byte block */
};

#define METHOD_HINT_BITS 7 /* see method_index() */
#define METHOD_HINTS     (1u << METHOD_HINT_BITS)
_Static_assert(SIPCODE_STATS_MAX_METHODS < 256, "a method hint holds 1 + an index in a byte");

struct sipcode_stats {
    struct sipcode_stats_config cfg;
    uint16_t ports[SIPCODE_STATS_MAX_PORTS];
    struct sipcode_stats_counters c;
    uint64_t codes[CODE_SLOTS], code_retrans[CODE_SLOTS];
    struct method_entry methods[SIPCODE_STATS_MAX_METHODS];
    size_t method_count;
    uint64_t method_words[SIPCODE_STATS_MAX_METHODS]; /* see method_index() */
    uint8_t method_lens[SIPCODE_STATS_MAX_METHODS];
    uint8_t method_hint[METHOD_HINTS]; /* 1 + a method's index by its word, or 0 */
    struct reason_entry *reasons;
    size_t reason_count;
    struct seen_table txns, resps;
    int defer;                    /* 1: table work waits one message (see submit_op) */
    struct seen_op pending;       /* that work, when defer */
    struct flow **buckets;
    size_t bucket_mask, flow_count;
    struct flow *oldest, *newest;
    size_t tcp_bytes; /* buffered by all flows */
    struct frag *frags;
    size_t frag_bytes;
    size_t frag_used; /* slots of frags in use */
    struct sipcode_header hdrs[MSG_HEADERS];
};

/* stats.c */
uint64_t sipcode__hash(uint64_t h, const void *p, size_t len);
/* Classifies a UDP payload as the engine counts it, parsing into hdrs
 * (MSG_HEADERS of them) and *m: pure, so any thread can run it. */
enum datagram_kind sipcode__stats_classify(const uint8_t *p, size_t len, unsigned wire_flags,
                                           struct sipcode_header *hdrs, struct sipcode_message *m);
/* Fills *sum from m; 0 when it needs m later (more Reason fields than
 * SUMMARY_REASONS). */
int sipcode__stats_summarize(const struct sipcode_message *m, struct msg_summary *sum);
void sipcode__stats_datagram(struct sipcode_stats *st, const uint8_t *p, size_t len, uint64_t ts);
/* What sipcode_stats_add_packet() does with a frame sipcode__udp_payload()
 * accepted, once its payload is classified (pre): the decoder would reach
 * exactly those bytes, so its headers are not read again. */
void sipcode__stats_add_classified(struct sipcode_stats *st, const struct pre_parsed *pre,
                                   uint64_t ts);
/* Frames the stream bytes p[0..len) of f (its buffer, or a segment read in
 * place when the buffer is empty): returns the bytes consumed; the rest
 * waits for more. force: parse even where the answer cannot have changed
 * (before the bytes are dropped). */
size_t sipcode__stats_stream(struct sipcode_stats *st, struct flow *f, const uint8_t *p, size_t len,
                             uint64_t ts, int force);
/* Forgets what was known of the message at the start of f's buffer. */
void sipcode__stream_reset(struct flow *f);
void sipcode__stats_forget_all(struct sipcode_stats *st);
/* Does the table work still waiting (st->defer): counters are exact after. */
void sipcode__stats_flush(struct sipcode_stats *st);

/* decode.c */
void sipcode__decode_frame(struct sipcode_stats *st, const uint8_t *p, size_t caplen,
                           size_t wire_len, int linktype, uint64_t ts);
void sipcode__decode_finish(struct sipcode_stats *st);
/* Closes the TCP flows idle for longer than the timeout at ts, as each
 * frame decoded does first. */
void sipcode__expire_flows(struct sipcode_stats *st, uint64_t ts);
void sipcode__decode_free(struct sipcode_stats *st);
/* When the frame is a whole UDP datagram in IPv4 or IPv6 without extension
 * headers, one that sipcode__decode_frame() would hand to the engine, sets
 * its payload and returns 1; else 0 (the frame may still hold SIP). Reads
 * st's port configuration only: any thread can run it. */
int sipcode__udp_payload(const struct sipcode_stats *st, const uint8_t *p, size_t caplen,
                         int linktype, const uint8_t **payload, size_t *len);

/* pcap_source.c: any capture libpcap reads. */
enum sipcode_err sipcode__read_libpcap(struct sipcode_stats *st, const char *path,
                                       const struct sipcode_read_options *opt,
                                       struct sipcode_capture_result *res, char *errbuf,
                                       size_t errlen);
/* pcap_file.c: a classic pcap file read in place. Returns 0 when the file is
 * not one it takes (nothing was read); else 1 with *r and *err set, as
 * sipcode_stats_read_file_ex() sets them. r must arrive zeroed, linktype -1.
 * opt->filter is not looked at: a filter is libpcap's work. */
int sipcode__pcap_file_read(struct sipcode_stats *st, const char *path,
                            const struct sipcode_read_options *opt,
                            struct sipcode_capture_result *r, char *errbuf, size_t errlen,
                            enum sipcode_err *err);
/* With threads, a file is read in spans of this many bytes, each framed from
 * where its first record is guessed to start: the guess for [lo, hi) in the
 * little-endian classic pcap file at file[0..size) (microseconds unless
 * nano, snapshot length snap), or UINT64_MAX when there is none. */
#define SIPCODE__PCAP_SPAN (4u << 20)
uint64_t sipcode__pcap_guess_start(const uint8_t *file, uint64_t size, int nano, uint32_t snap,
                                   uint64_t lo, uint64_t hi);

#endif
