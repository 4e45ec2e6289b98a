/* sipcode/capture.h - the statistics engine: feed it captured frames, read
 * back exact per-code SIP counters.
 *
 * The engine takes (bytes, caplen, wire_len, linktype, timestamp) for each
 * frame, as any capture reader hands them over; it never does I/O and never
 * includes <pcap.h>. Unlike the layers below it, this layer ALLOCATES: one
 * object per capture (or per run), tables for TCP flows, IP fragments and
 * transactions. Every allocation is bounded by struct sipcode_stats_config
 * and released by sipcode_stats_free(); when a bound is reached the engine
 * drops state, counts it in a named counter and goes on. It never aborts or
 * prints. One object must not be used from two threads at once.
 *
 * What is never counted as a response: frames cut by snaplen (truncated),
 * bytes that are not SIP (non_sip), CRLF keep-alives (keepalives), SIP
 * quoted in ICMP errors (icmp), status lines inside bodies (message/sipfrag
 * in NOTIFY: the body belongs to its message), and start lines the wire
 * parser rejects, such as code 99 or 700 (malformed). */
#ifndef SIPCODE_CAPTURE_H
#define SIPCODE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "sipcode/core.h"
#include "sipcode/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Link-layer header types: the LINKTYPE_/DLT_ numbers of pcap files. */
#define SIPCODE_LINKTYPE_NULL       0   /* BSD loopback, family in host order */
#define SIPCODE_LINKTYPE_EN10MB     1   /* Ethernet, with 802.1Q/802.1ad tags */
#define SIPCODE_LINKTYPE_RAW_12     12  /* raw IP (DLT_RAW on most BSDs) */
#define SIPCODE_LINKTYPE_RAW_14     14  /* raw IP (DLT_RAW on OpenBSD) */
#define SIPCODE_LINKTYPE_RAW        101 /* raw IPv4 or IPv6 */
#define SIPCODE_LINKTYPE_LOOP       108 /* OpenBSD loopback, family in network order */
#define SIPCODE_LINKTYPE_LINUX_SLL  113 /* Linux cooked capture v1 */
#define SIPCODE_LINKTYPE_IPV4       228
#define SIPCODE_LINKTYPE_IPV6       229
#define SIPCODE_LINKTYPE_LINUX_SLL2 276 /* Linux cooked capture v2 */

/* 1 when the engine decodes linktype, else 0. */
int sipcode_stats_linktype_supported(int linktype);

/* Limits. Zero in any field picks the default shown. Memory the engine holds
 * stays below about max_total_bytes + max_fragment_bytes plus fixed tables
 * sized by max_flows, max_fragments and max_transactions. */
struct sipcode_stats_config {
    size_t max_flows;          /* TCP directions tracked at once (4096); the least
                                  recently used one is evicted for a new one */
    size_t max_flow_bytes;     /* bytes held per TCP direction, in order and out of
                                  order (262144); a message larger is dropped */
    size_t max_total_bytes;    /* bytes held by all TCP flows together (67108864) */
    size_t max_fragment_bytes; /* bytes held for IP reassembly (4194304) */
    size_t max_fragments;      /* IP datagrams in reassembly at once (256) */
    size_t max_transactions;   /* transactions (and responses) remembered for
                                  retransmission and timing (65536): each table
                                  has 4 * max slots (a power of two) in sets of 8
                                  by key hash; a full set forgets its least
                                  recently used key */
    uint64_t idle_timeout_ns;  /* TCP flows and fragments idle this long are
                                  dropped (60 s) */
    const uint16_t *ports;     /* when port_count > 0, only UDP/TCP with one of these
                                  ports (source or destination) is examined; the
                                  array is copied. Otherwise SIP is found by content */
    size_t port_count;         /* at most SIPCODE_STATS_MAX_PORTS */
    unsigned wire_flags;       /* enum sipcode_wire_flag tolerances for the parser */
};

#define SIPCODE_STATS_MAX_PORTS   64
#define SIPCODE_STATS_MAX_METHODS 64   /* distinct methods counted by name */
#define SIPCODE_STATS_METHOD_LEN  31   /* longer method names are not counted by name */
#define SIPCODE_STATS_MAX_REASONS 1024 /* distinct Reason causes counted */

struct sipcode_stats;

/* Every named counter. Totals (requests, responses) include retransmissions. */
struct sipcode_stats_counters {
    uint64_t frames;       /* every call to sipcode_stats_add_packet() */
    uint64_t sip_messages; /* well-formed SIP messages: requests + responses */
    uint64_t requests, responses;
    uint64_t retransmissions; /* request_retransmissions + response_retransmissions */
    uint64_t request_retransmissions, response_retransmissions;
    uint64_t malformed;              /* SIP-looking bytes the parser rejects */
    uint64_t truncated;              /* frames cut by snaplen before the SIP data ended */
    uint64_t non_sip;                /* UDP payloads and TCP bytes that are not SIP */
    uint64_t keepalives;             /* CRLF keep-alives (RFC 5626), per run of CR/LF */
    uint64_t icmp;                   /* ICMP and ICMPv6 packets (quoted SIP not parsed) */
    uint64_t ip_fragments;           /* IP fragments seen */
    uint64_t ip_reassembled;         /* datagrams rebuilt from fragments */
    uint64_t fragment_drops;         /* fragments dropped: caps, timeouts, overlaps */
    uint64_t tcp_segments;           /* TCP segments with payload */
    uint64_t tcp_retransmitted;      /* TCP segments whose payload was already seen */
    uint64_t tcp_out_of_order;       /* TCP segments held until their predecessor came */
    uint64_t tcp_gaps;               /* holes in a TCP stream skipped over */
    uint64_t tcp_oversized;          /* TCP messages dropped for exceeding max_flow_bytes */
    uint64_t flows_evicted;          /* TCP flows dropped by idle timeout or max_flows */
    uint64_t memory_drops;           /* segments or fragments refused by max_total_bytes */
    uint64_t transactions_forgotten; /* transactions dropped by max_transactions */
    uint64_t not_ip;                 /* frames with another network protocol (ARP ...) */
    uint64_t other_transport;        /* IP packets that are neither UDP, TCP nor ICMP */
    uint64_t filtered;               /* UDP/TCP packets outside the configured ports */
    uint64_t bad_headers;            /* link, IP, UDP or TCP headers that are inconsistent */
    uint64_t unsupported_linktype;
    uint64_t methods_overflow; /* requests whose method was not counted by name */
    uint64_t reasons_overflow; /* Reason values not counted (table full or bad) */
};

/* Creates an engine. cfg may be NULL for the defaults. Returns NULL when
 * memory runs out or cfg is invalid (port_count too big, or ports NULL with
 * port_count > 0). */
struct sipcode_stats *sipcode_stats_new(const struct sipcode_stats_config *cfg);

/* Frees the engine and everything it holds; NULL is fine. */
void sipcode_stats_free(struct sipcode_stats *st);

/* Feeds one frame: bytes[0..caplen) as captured, wire_len its length on the
 * wire, ts_ns its time in nanoseconds (any epoch; times should not go
 * backwards by more than the idle timeout). Bytes at or past caplen are never
 * read. Errors: SIPCODE_EINVAL (NULL st, or NULL bytes with caplen > 0). A
 * frame the engine cannot use is not an error: it lands in a counter. */
enum sipcode_err sipcode_stats_add_packet(struct sipcode_stats *st, const uint8_t *bytes,
                                          size_t caplen, size_t wire_len, int linktype,
                                          uint64_t ts_ns);

/* Ends the capture: TCP data still held out of order is parsed after
 * counting its gap, then every flow, fragment and transaction is released.
 * Counters stay readable; more packets may follow. */
void sipcode_stats_finish(struct sipcode_stats *st);

/* Adds everything from counts into total: every counter, per-code, per-method,
 * timing histograms and Reason causes (flows and transactions in progress
 * stay where they are). For a run over several captures with one engine per
 * capture and a total. Errors: SIPCODE_EINVAL (NULL or the same object);
 * SIPCODE_ELIMIT when total had no room for some methods or Reason causes:
 * everything else is added, and the overflow counters say how much was not. */
enum sipcode_err sipcode_stats_merge(struct sipcode_stats *total,
                                     const struct sipcode_stats *counts);

/* ---- reading the counters ----------------------------------------------- */

void sipcode_stats_get_counters(const struct sipcode_stats *st, struct sipcode_stats_counters *out);

/* Responses with code (100..699; 0 for other values), retransmissions
 * included, and the retransmissions alone. */
uint64_t sipcode_stats_responses(const struct sipcode_stats *st, int code);
uint64_t sipcode_stats_response_retransmissions(const struct sipcode_stats *st, int code);
/* Responses of class 1..6. */
uint64_t sipcode_stats_class(const struct sipcode_stats *st, int klass);

/* Methods seen (in requests or as CSeq methods of responses), in order of
 * first sight: count, and the name of the i-th (NULL past the end; the
 * string lives as long as st). */
size_t sipcode_stats_method_count(const struct sipcode_stats *st);
const char *sipcode_stats_method_at(const struct sipcode_stats *st, size_t i);

/* Requests with method (case-sensitive, RFC 3261 7.1), and the
 * retransmissions among them; responses whose CSeq method is method with
 * code. 0 for methods never seen. */
uint64_t sipcode_stats_requests(const struct sipcode_stats *st, const char *method, size_t len);
uint64_t sipcode_stats_request_retransmissions(const struct sipcode_stats *st, const char *method,
                                               size_t len);
uint64_t sipcode_stats_responses_by_method(const struct sipcode_stats *st, const char *method,
                                           size_t len, int code);

/* Transaction timing. Each non-ACK request opens a transaction (top Via
 * branch, Call-ID, CSeq number and method); its first 1xx gives a
 * "provisional" sample and its first final response a "final" sample, both
 * measured from the first copy of the request. Samples go into log-linear
 * histograms (32 buckets per power of two), so percentiles are exact below
 * 64 ns and otherwise within 1/32 (3.2%) above the true value; count and max
 * are exact. Memory per method is fixed, whatever the number of samples. */
enum sipcode_stats_timing_kind {
    SIPCODE_TIMING_PROVISIONAL = 0, /* request -> first 1xx (INVITE: post-dial delay) */
    SIPCODE_TIMING_FINAL = 1        /* request -> first final (INVITE: setup time) */
};

struct sipcode_stats_timing {
    uint64_t count;
    uint64_t p50_ns, p90_ns, p99_ns, max_ns;
};

/* Fills *out for method; SIPCODE_ENOTFOUND when no sample exists,
 * SIPCODE_EINVAL for NULL arguments or a bad kind. */
enum sipcode_err sipcode_stats_timing(const struct sipcode_stats *st, const char *method,
                                      size_t len, enum sipcode_stats_timing_kind kind,
                                      struct sipcode_stats_timing *out);

/* Reason header values seen on responses and on BYE and CANCEL requests,
 * counted by (where, protocol, cause), in order of first sight. */
struct sipcode_stats_reason {
    int code;           /* response code, or 0 for a request */
    const char *method; /* "BYE"/"CANCEL" for a request; CSeq
                           method for a response; lives as long as st */
    enum sipcode_reason_protocol protocol;
    const char *protocol_name; /* as first written (SIP, Q.850, other token) */
    long cause;                /* -1 when absent */
    uint64_t count;
};

size_t sipcode_stats_reason_count(const struct sipcode_stats *st);
/* Fills *out with entry i; SIPCODE_ENOTFOUND past the end. */
enum sipcode_err sipcode_stats_reason_at(const struct sipcode_stats *st, size_t i,
                                         struct sipcode_stats_reason *out);

/* ---- reading capture files (lib/capture/pcap_source.c, over libpcap) ---- */

/* What sipcode_stats_read_file() read. */
struct sipcode_capture_result {
    uint64_t records;  /* records handed to sipcode_stats_add_packet() */
    uint64_t bytes;    /* their captured bytes */
    int linktype;      /* the file's link-layer type, -1 before it is known */
    int truncated;     /* 1 when the file ends in the middle of a record (or
                          reading failed after the file header): the records
                          before it were counted */
};

/* Reads the pcap or pcapng file at path ("-" for standard input) and feeds
 * every record to st with its captured and wire length, the file's link
 * type and its time in nanoseconds. Does not call sipcode_stats_finish().
 * res, when not NULL, is always filled. Errors: SIPCODE_EINVAL (NULL st or
 * path); SIPCODE_EIO when the file cannot be opened or is not a capture
 * (res->records == 0, res->truncated == 0), or when reading stops early
 * (res->truncated == 1, what was read stays counted); libpcap's text goes
 * into errbuf[0..errlen) when errbuf is not NULL, NUL-terminated. */
enum sipcode_err sipcode_stats_read_file(struct sipcode_stats *st, const char *path,
                                         struct sipcode_capture_result *res, char *errbuf,
                                         size_t errlen);

/* Options for sipcode_stats_read_file_ex(); a zeroed struct means none. */
typedef void (*sipcode_progress_fn)(void *arg, uint64_t offset);

struct sipcode_read_options {
    const char *filter;           /* BPF expression (pcap-filter(7)) records must match,
                                     NULL or "" for all; records it rejects are skipped
                                     and not counted anywhere */
    sipcode_progress_fn progress; /* when not NULL, called with the byte offset reached
                                    in the file about every 1024 records or 1 MiB, and
                                    once at the end (not for standard input) */
    void *progress_arg;
    unsigned threads; /* threads that parse, the calling one included: 0 or 1
                         for the calling thread alone, at most
                         SIPCODE_MAX_THREADS. Used for classic pcap files read
                         in place; the results are the same for any number */
};

#define SIPCODE_MAX_THREADS 64

/* sipcode_stats_read_file() with options. An expression that does not compile
 * is SIPCODE_EINVAL, with libpcap's text in errbuf, before any record is read. */
enum sipcode_err sipcode_stats_read_file_ex(struct sipcode_stats *st, const char *path,
                                            const struct sipcode_read_options *opt,
                                            struct sipcode_capture_result *res, char *errbuf,
                                            size_t errlen);

/* ---- live capture (lib/capture/pcap_source.c, over libpcap) ------------- */

/* An open capture on a network interface. It allocates (libpcap's ring
 * buffer) and holds a socket until sipcode_live_close(). */
struct sipcode_live;

struct sipcode_live_config {
    const char *device; /* interface name ("eth0", "lo", "any") */
    const char *filter; /* BPF expression, NULL or "" for every packet */
    int snaplen;        /* bytes kept per packet; 0: 262144 */
    int buffer_bytes;   /* kernel buffer; 0: 4194304 */
    int promiscuous;    /* 1: put the interface in promiscuous mode */
};

/* Opens and starts the capture in immediate mode (each packet is delivered
 * as it arrives), non-blocking, with nanosecond timestamps when the system
 * has them. Errors: SIPCODE_EINVAL (NULL arguments, or a filter that does
 * not compile); SIPCODE_ENOTFOUND (no such interface); SIPCODE_EIO (not
 * permitted, interface down, other failures). libpcap's text goes into
 * errbuf[0..errlen) when errbuf is not NULL. *out is set only on success. */
enum sipcode_err sipcode_live_open(const struct sipcode_live_config *cfg, struct sipcode_live **out,
                                   char *errbuf, size_t errlen);

/* A descriptor that poll() reports readable when packets wait, or -1 when
 * the platform has none (then call sipcode_live_read() on a short timer). */
int sipcode_live_fd(const struct sipcode_live *lv);

/* The link-layer type of the interface (SIPCODE_LINKTYPE_*). */
int sipcode_live_linktype(const struct sipcode_live *lv);

/* Feeds the packets waiting now to st, without blocking; *count (may be
 * NULL) gets how many. Errors: SIPCODE_EINVAL (NULL lv or st), SIPCODE_EIO
 * when the capture fails (interface gone), with the text in errbuf. */
enum sipcode_err sipcode_live_read(struct sipcode_live *lv, struct sipcode_stats *st, size_t *count,
                                   char *errbuf, size_t errlen);

/* Packets the kernel handed to the capture and the ones it dropped for lack
 * of buffer space, since the capture opened. SIPCODE_EIO when the system
 * does not say; SIPCODE_EINVAL for NULL arguments. */
enum sipcode_err sipcode_live_counts(struct sipcode_live *lv, uint64_t *received,
                                     uint64_t *dropped);

/* Stops the capture and frees it; NULL is fine. */
void sipcode_live_close(struct sipcode_live *lv);

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_CAPTURE_H */
