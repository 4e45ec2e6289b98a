/* sipcode/responder.h - a SIP responder: answer requests with any chosen
 * response code, built the way RFC 3261 says a UAS builds it.
 *
 * Three pure parts, no I/O and no clock (time is an argument):
 *  - the plan: rules that choose the code (and delay, provisionals, Reason,
 *    Warning, phrase ...) for a request; fixed-capacity, no allocation;
 *  - the builder: request bytes + parsed message + options -> reply bytes in
 *    the caller's buffer; no allocation;
 *  - the server transaction table (RFC 3261 section 17.2): retransmissions,
 *    ACK and CANCEL matching and Timers G/H/I/J; it allocates once, at
 *    creation, and never again.
 * And one adapter with I/O: the socket loop (sipcode_respond_run) that
 * drives them over UDP and TCP sockets. */
#ifndef SIPCODE_RESPONDER_H
#define SIPCODE_RESPONDER_H

#include <stddef.h>
#include <stdint.h>

#include "sipcode/core.h"
#include "sipcode/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- addresses ------------------------------------------------------------------- */

/* An IP endpoint without <sys/socket.h>: family 4 or 6, address bytes in
 * network order (4 or 16 used), port in host order. */
struct sipcode_addr {
    int family;
    uint8_t ip[16];
    uint16_t port;
};

/* Writes the address as text ("192.0.2.1", "2001:db8::1", no brackets);
 * ENOSPACE/needed as for the wire formatters, EINVAL for a bad family. */
enum sipcode_err sipcode_addr_format(const struct sipcode_addr *a, char *buf, size_t cap,
                                     size_t *needed);

/* Parses an IPv4 or IPv6 address (IPv6 with or without brackets) into *a
 * (port untouched). EMALFORMED when it is neither. */
enum sipcode_err sipcode_addr_parse(const char *text, size_t len, struct sipcode_addr *a);

/* ---- a seedable PRNG the caller owns (no hidden state) ---------------------------- */

struct sipcode_prng {
    uint64_t state;
};

void sipcode_prng_seed(struct sipcode_prng *p, uint64_t seed);
uint32_t sipcode_prng_next(struct sipcode_prng *p); /* splitmix64, upper 32 bits */

/* ---- the plan: which code, and how ------------------------------------------------ */

#define SIPCODE_PLAN_MAX_RULES 64
#define SIPCODE_PLAN_MAX_MIX 16
#define SIPCODE_PLAN_MAX_RING 8
#define SIPCODE_PLAN_TEXT 128 /* bytes of each text setting (method, user, phrase ...) */

enum sipcode_rule_action {
    SIPCODE_ACTION_CODE = 0, /* answer .code */
    SIPCODE_ACTION_DIAL,     /* Request-URI user of three digits 100..699: that code;
                                any other user: the rule does not match */
    SIPCODE_ACTION_MIX       /* weighted random choice among .mix */
};

struct sipcode_mix_entry {
    int code;
    unsigned weight;
};

/* A text setting: bytes and length, NUL-terminated, len 0 = not set. */
struct sipcode_plan_text {
    char text[SIPCODE_PLAN_TEXT];
    size_t len;
};

/* Per-rule settings that override the plan's defaults when set. */
struct sipcode_reply_style {
    long delay_ms;                      /* -1: not set */
    int ring[SIPCODE_PLAN_MAX_RING];    /* provisional codes before the final, INVITE only */
    size_t ring_count;
    int has_ring;
    struct sipcode_plan_text reason;    /* "sip", "q850" or a literal Reason value */
    struct sipcode_plan_text warning;   /* a Warning value: 399 host "text" */
    struct sipcode_plan_text phrase;    /* reason phrase override, UTF-8 */
    long retry_after;                   /* seconds; -1: not set */
};

struct sipcode_rule {
    struct sipcode_plan_text method; /* empty: any method; else exact, case-sensitive */
    struct sipcode_plan_text user;   /* empty: any; "abc*" a prefix; else the exact user */
    int auth;                        /* 1: only requests with Authorization or
                                        Proxy-Authorization; -1: only without; 0: any */
    enum sipcode_rule_action action;
    int code;
    struct sipcode_mix_entry mix[SIPCODE_PLAN_MAX_MIX];
    size_t mix_count;
    unsigned line; /* rules-file line, 0 from the command line */
    struct sipcode_reply_style style;
};

struct sipcode_plan {
    struct sipcode_rule rules[SIPCODE_PLAN_MAX_RULES]; /* first match wins */
    size_t rule_count;
    int default_code;                /* when no rule matches; 200 */
    struct sipcode_reply_style style; /* defaults for every rule */
    struct sipcode_plan_text contact; /* 3xx Contact URI; empty: sip:alt@<local> */
    struct sipcode_plan_text realm;   /* Digest realm; "sipcode" */
};

/* Empties plan: no rules, default code 200, realm "sipcode", nothing else set. */
void sipcode_plan_init(struct sipcode_plan *plan);
void sipcode_style_init(struct sipcode_reply_style *style);

/* Appends a rule; SIPCODE_ELIMIT when the plan is full. */
enum sipcode_err sipcode_plan_add(struct sipcode_plan *plan, const struct sipcode_rule *rule);

/* Parsers for the option syntaxes the command and the rules file share;
 * EMALFORMED/ERANGE with diag. "200:70,486:20" (weights 1..1000000, at most
 * SIPCODE_PLAN_MAX_MIX entries), "100,180,183" (1xx codes only), a
 * Reason spec ("sip", "q850", or a value sipcode_parse_reason accepts),
 * a Warning value (one that sipcode_parse_warning accepts). */
enum sipcode_err sipcode_parse_mix(const char *text, size_t len, struct sipcode_rule *rule,
                                   struct sipcode_diag *diag);
enum sipcode_err sipcode_parse_ring(const char *text, size_t len,
                                    struct sipcode_reply_style *style, struct sipcode_diag *diag);
enum sipcode_err sipcode_check_reason_spec(const char *text, size_t len,
                                           struct sipcode_diag *diag);
/* A Warning value as sipcode_parse_warning() accepts it; a reason phrase
 * as sipcode_format_status_line() accepts it. */
enum sipcode_err sipcode_check_warning(const char *text, size_t len, struct sipcode_diag *diag);
enum sipcode_err sipcode_check_phrase(const char *text, size_t len, struct sipcode_diag *diag);

/* Parses a rules file (format in sipcode(1) RULES FILE) and appends its
 * rules to plan. On error, *line (when not NULL) is the 1-based line and
 * diag the offset in that line and why. Errors: EMALFORMED, ERANGE,
 * ELIMIT (too many rules or a value longer than SIPCODE_PLAN_TEXT). */
enum sipcode_err sipcode_plan_parse_rules(struct sipcode_plan *plan, const char *text,
                                          size_t len, unsigned *line,
                                          struct sipcode_diag *diag);

/* What the plan says for one request. */
struct sipcode_choice {
    int code;                               /* final code 200..699 */
    const struct sipcode_rule *rule;        /* the matching rule, NULL: the default */
    long delay_ms;                          /* 0 when none */
    const int *ring;                        /* provisionals (INVITE only; else count 0) */
    size_t ring_count;
    const struct sipcode_plan_text *reason; /* NULL when none */
    const struct sipcode_plan_text *warning;
    const struct sipcode_plan_text *phrase;
    long retry_after;                       /* -1 when none */
};

/* Chooses for a parsed request; first match wins, then the default code.
 * A BYE is answered 200 unless a rule names method=BYE (ending a call is
 * not what a --code or --mix is about). prng is used only by mix rules (may be NULL
 * when the plan has none; a mix rule then picks its first entry). */
void sipcode_plan_choose(const struct sipcode_plan *plan, const struct sipcode_message *req,
                         struct sipcode_prng *prng, struct sipcode_choice *out);

/* The user part of a SIP/SIPS Request-URI ("503" of sip:503@host), or an
 * empty slice. */
struct sipcode_slice sipcode_request_uri_user(struct sipcode_slice uri);

/* Writes the Reason value for spec and code: "sip" -> SIP;cause=CODE;text="phrase",
 * "q850" -> Q.850;cause=N from sipcode_sip_to_q850 (rfc3398), anything else
 * verbatim. ENOSPACE/needed; ENOTFOUND for q850 when the code maps to no cause. */
enum sipcode_err sipcode_reason_for_code(const char *spec, size_t spec_len, int code, char *buf,
                                         size_t cap, size_t *needed);

/* ---- the builder -------------------------------------------------------------------- */

/* Bytes a UDP reply may exceed its request by. A correct reply must add
 * some: the To tag, received= and the rport value of RFC 3581, and for a
 * 401/407 a Digest challenge; a bare REGISTER or CANCEL is smaller than its
 * 401 or 481. Optional fields (Warning, Reason, Server) are dropped first, so
 * a reply grows by at most this much over what it answers: no reflection
 * amplification beyond request + 256 bytes. */
#define SIPCODE_REPLY_SLACK 256u

/* Which optional header fields the builder may drop to stay within
 * max_len; in this order. */
enum sipcode_reply_flag {
    SIPCODE_REPLY_UDP = 1u << 0 /* the reply goes over UDP: RFC 3581 rport applies and
                                   max_len is enforced */
};

struct sipcode_reply_options {
    int code;                          /* 100..699 */
    const char *phrase;                /* NULL: the registry's phrase */
    size_t phrase_len;
    const char *to_tag;                /* added to To unless code 100 or To has a tag */
    size_t to_tag_len;
    const char *reason;                /* a whole Reason value, or NULL */
    size_t reason_len;
    const char *warning;               /* a whole Warning value, or NULL */
    size_t warning_len;
    const char *server;                /* a Server value, or NULL */
    size_t server_len;
    const char *contact;               /* Contact URI of 3xx; NULL: sip:alt@<local> */
    size_t contact_len;
    const char *realm;                 /* Digest realm; NULL: "sipcode" */
    size_t realm_len;
    const char *nonce;                 /* Digest nonce; NULL: derived from the To tag */
    size_t nonce_len;
    long retry_after;                  /* seconds; -1: only 503 gets none either */
    const struct sipcode_addr *source; /* where the request came from (received/rport) */
    const struct sipcode_addr *local;  /* our address (default Contact); may be NULL */
    size_t max_len;                    /* UDP: largest reply allowed (the request's
                                          length + SIPCODE_REPLY_SLACK); 0 = no limit */
    unsigned flags;                    /* enum sipcode_reply_flag */
};

/* Counts of what the builder did, for the caller's statistics. */
struct sipcode_reply_info {
    size_t len;          /* bytes of the reply */
    int dropped_optional; /* optional fields left out to stay within max_len */
};

/* Builds the response to msg (parsed from buf by sipcode_parse_message) per
 * RFC 3261 8.2.6 and 18.2.2 and RFC 3581: status line; every Via value in
 * order, the top one with received= (when its sent-by host is not the
 * source address, or rport is present) and rport=<source port> when the
 * request asked; From, Call-ID, CSeq copied; To copied with ;tag= added
 * unless the code is 100 or To has a tag; Record-Route values in order in a
 * 101-299 that sets up a dialog (RFC 3261 12.1.1); the header fields the code must
 * carry (sipcode_response_headers); Retry-After, Reason, Warning, Server
 * when given; Content-Length: 0. msg may also be a response (a stored reply
 * used as template for 487): its fields are copied, Via untouched.
 * A 505 is built as any other code (msg from SIPCODE_EVERSION parses).
 * With SIPCODE_REPLY_UDP and max_len, Warning, Reason and Server are dropped
 * in that order until the reply fits; if it still does not, SIPCODE_EAMPLIFY.
 * Errors: ENOSPACE (needed set), ERANGE (code), EMALFORMED (phrase or a
 * value that cannot go in a header field), EINVAL. Never allocates. */
enum sipcode_err sipcode_build_reply(const char *buf, const struct sipcode_message *msg,
                                     const struct sipcode_reply_options *opt, char *out,
                                     size_t cap, size_t *needed, struct sipcode_reply_info *info);

/* For a request that sipcode_parse_message refused: finds the Via, From, To,
 * Call-ID and CSeq lines tolerantly and builds a 400 (phrase: the parser's
 * diag reason when given) with the same rules, then checks that the reply
 * itself parses. EMALFORMED when those fields are missing or the reply would
 * not parse (the request is then dropped), else as sipcode_build_reply. */
enum sipcode_err sipcode_build_bad_request(const char *buf, size_t len,
                                           const struct sipcode_reply_options *opt, char *out,
                                           size_t cap, size_t *needed);

/* Where a response goes (RFC 3261 18.2.2, RFC 3581 section 4): for UDP the
 * source address, at the source port when the top Via has rport, else at
 * the Via sent-by port (5060 when absent); stream transports reuse the
 * connection, so *dst is the source. */
void sipcode_reply_destination(const struct sipcode_message *req, const struct sipcode_addr *source,
                               int udp, struct sipcode_addr *dst);

/* ---- server transactions (RFC 3261 section 17.2, RFC 6026) -------------------------- */

struct sipcode_txn_table; /* opaque */

struct sipcode_txn_config {
    size_t cap;         /* transactions at most; 65536 when 0 */
    size_t reply_cap;   /* bytes kept per transaction for its replies in the arena
                           allocated at creation; 1024 when 0 */
    size_t overflow_budget; /* bytes of overflow buffers (allocated on demand, freed
                           with their transaction) for replies longer than
                           reply_cap; 16 MB when 0. Past it a reply is sent but
                           not kept: a retransmission of its request then goes
                           unanswered */
    unsigned t1_ms;     /* 500 when 0 */
    unsigned t2_ms;     /* 4000 when 0 */
    unsigned t4_ms;     /* 5000 when 0 */
};

/* Allocates the table once (cap * (reply_cap + ~330) bytes of address
 * space, touched only as used). EINVAL, or EIO when memory is short. */
enum sipcode_err sipcode_txn_table_create(const struct sipcode_txn_config *cfg,
                                          struct sipcode_txn_table **out);
void sipcode_txn_table_destroy(struct sipcode_txn_table *t);

enum sipcode_txn_verdict_kind {
    SIPCODE_TXN_NEW = 0,     /* a new transaction: choose, build, sipcode_txn_reply() */
    SIPCODE_TXN_RETRANSMIT,  /* a retransmitted request: send .bytes again (may be none yet) */
    SIPCODE_TXN_ACK,         /* an ACK that completed a transaction: absorbed */
    SIPCODE_TXN_ACK_STRAY,   /* an ACK that matches nothing: ignore */
    SIPCODE_TXN_CANCEL,      /* a new CANCEL: .invite is the INVITE it matches, or 0 */
    SIPCODE_TXN_FULL         /* the table is full: answer statelessly or drop */
};

struct sipcode_txn_verdict {
    enum sipcode_txn_verdict_kind kind;
    uint32_t id;         /* the transaction (NEW, RETRANSMIT, CANCEL); 0 = none */
    uint32_t invite;     /* CANCEL: the matched INVITE transaction, 0 if none */
    int invite_final;    /* CANCEL: the INVITE already has a final response */
    const char *bytes;   /* RETRANSMIT: the last reply, valid until the next call */
    size_t len;
};

/* Matches a received request (RFC 3261 17.2.3: top Via branch + sent-by +
 * method, ACK to its INVITE, CANCEL to the INVITE with its branch; a 2xx's
 * ACK by Call-ID + CSeq number + From tag, RFC 3261 13.3.1.4; requests
 * without the z9hG4bK cookie by Call-ID + CSeq + From tag + sent-by + branch).
 * peer and conn (the caller's connection handle, 0 for UDP) are kept to
 * send timer retransmissions; reliable turns Timer G off and I/J to 0.
 * Errors: EINVAL. */
enum sipcode_err sipcode_txn_receive(struct sipcode_txn_table *t, const char *buf,
                                     const struct sipcode_message *req,
                                     const struct sipcode_addr *peer, uint64_t conn,
                                     int reliable, size_t request_len, uint64_t now_ms,
                                     struct sipcode_txn_verdict *out);

/* Records that reply (code, bytes) goes out for transaction id now (due_ms
 * <= now_ms) or later (a delayed final: it is kept and handed back by
 * sipcode_txn_poll at due_ms; a provisional goes at once, before it). Starts
 * the timers of the new state. Errors: ENOTFOUND (no such id), ENOSPACE
 * (no room within reply_cap and the overflow budget: sent, not kept), EINVAL. */
enum sipcode_err sipcode_txn_reply(struct sipcode_txn_table *t, uint32_t id, int code,
                                   const char *bytes, size_t len, uint64_t now_ms,
                                   uint64_t due_ms);

/* The reply of transaction id that is waiting (a delayed final) or was sent
 * last, as a template for another reply (the 487 after a CANCEL); and the
 * request length (the UDP size bound). ENOTFOUND when none. */
enum sipcode_err sipcode_txn_template(const struct sipcode_txn_table *t, uint32_t id,
                                      const char **bytes, size_t *len, size_t *request_len);

/* Replaces a delayed final that has not gone out (CANCEL -> 487): the new
 * reply goes now. ENOTFOUND when id has no pending final. */
enum sipcode_err sipcode_txn_replace_pending(struct sipcode_txn_table *t, uint32_t id, int code,
                                             const char *bytes, size_t len, uint64_t now_ms);

enum sipcode_txn_event_kind {
    SIPCODE_TXN_EV_SEND = 0, /* send .bytes to .peer/.conn (retransmission or delayed final) */
    SIPCODE_TXN_EV_TIMEOUT   /* Timer H (or a 2xx never ACKed): given up, freed */
};

struct sipcode_txn_event {
    enum sipcode_txn_event_kind kind;
    uint32_t id;
    int code;
    int retransmission; /* SEND: 1 for Timer G / 2xx retransmission, 0 for a delayed final */
    const char *bytes;  /* valid until the next call on the table */
    size_t len;
    struct sipcode_addr peer;
    uint64_t conn;
};

/* Runs every timer due at now_ms, writing at most cap events; returns the
 * count written (call again while it equals cap). Expired transactions are
 * freed. */
size_t sipcode_txn_poll(struct sipcode_txn_table *t, uint64_t now_ms,
                        struct sipcode_txn_event *out, size_t cap);

/* The earliest due time, or UINT64_MAX when no timer runs. */
uint64_t sipcode_txn_next_due(const struct sipcode_txn_table *t);

size_t sipcode_txn_count(const struct sipcode_txn_table *t);
size_t sipcode_txn_peak(const struct sipcode_txn_table *t);

/* ---- the socket loop (the only part with I/O) -------------------------------------- */

#define SIPCODE_RESPOND_MAX_LISTEN 16

struct sipcode_listen {
    int tcp;                   /* 0 UDP, 1 TCP */
    struct sipcode_addr addr;  /* port 0: any free port, filled in after binding */
};

enum sipcode_drop_reason {
    SIPCODE_DROP_MALFORMED = 0, /* no 400 could be built */
    SIPCODE_DROP_AMPLIFY,       /* UDP reply would exceed the request */
    SIPCODE_DROP_RATE,          /* over --rate */
    SIPCODE_DROP_TABLE_FULL,    /* no transaction slot */
    SIPCODE_DROP_OVERSIZE,      /* a TCP message larger than the connection buffer */
    SIPCODE_DROP_NOT_REQUEST,   /* a response or a stray ACK */
    SIPCODE_DROP_SEND_FAILED,
    SIPCODE_DROP_COUNT
};

const char *sipcode_drop_reason_name(enum sipcode_drop_reason r); /* "malformed"; NULL junk */

/* Parses "PROTO:ADDR:PORT": udp or tcp, an IPv4 address or a bracketed IPv6
 * one, a port 0..65535 (0: any free port). EMALFORMED/ERANGE with diag. */
enum sipcode_err sipcode_parse_listen(const char *spec, size_t len, struct sipcode_listen *out,
                                      struct sipcode_diag *diag);

#define SIPCODE_RESPOND_METHODS 14 /* INVITE ACK BYE CANCEL OPTIONS REGISTER ... other */

struct sipcode_respond_stats {
    uint64_t requests[SIPCODE_RESPOND_METHODS]; /* by sipcode_respond_method_name(i) */
    uint64_t responses[700];                    /* first sending of each, by code */
    uint64_t requests_absorbed;                 /* retransmitted requests answered again */
    uint64_t responses_resent;                  /* Timer G / 2xx retransmissions + those */
    uint64_t acks_absorbed;
    uint64_t timeouts;                          /* Timer H / 2xx without ACK */
    uint64_t stateless;                         /* answered without a transaction (table
                                                   full): no retransmission handling */
    uint64_t dropped[SIPCODE_DROP_COUNT];
    uint64_t tcp_connections;
    size_t transactions_peak;
};

const char *sipcode_respond_method_name(size_t i); /* NULL past the end; last is "other" */

struct sipcode_respond_config {
    struct sipcode_listen listen[SIPCODE_RESPOND_MAX_LISTEN];
    size_t listen_count;
    const struct sipcode_plan *plan;
    uint64_t seed;
    size_t max_transactions; /* 0: 65536 */
    unsigned rate;           /* requests per second per source address; 0: unlimited */
    unsigned duration_s;     /* 0: until a signal */
    size_t tcp_buffer;       /* per-connection bytes; 0: 65536 */
    unsigned tcp_idle_s;     /* idle close; 0: 300 */
    size_t max_connections;  /* 0: 1024 */
    /* Called once after binding with the real ports (listen[] updated). */
    void (*on_bound)(const struct sipcode_listen *listen, size_t count, void *arg);
    void *arg;
};

/* Binds every listener, answers until SIGINT/SIGTERM (caught while it runs,
 * the previous handlers restored after) or duration_s, then returns with
 * *stats filled. Errors: EIO with the system's text in errbuf (bind, socket),
 * EINVAL. */
enum sipcode_err sipcode_respond_run(struct sipcode_respond_config *cfg,
                                     struct sipcode_respond_stats *stats, char *errbuf,
                                     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_RESPONDER_H */
