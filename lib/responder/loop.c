/* The responder's socket loop: the only part of lib/responder with I/O. It
 * drives the pure plan, builder and transaction table over UDP and TCP
 * sockets (IPv4 and IPv6) with epoll; UDP in batches (recvmmsg/sendmmsg),
 * TCP framed by the wire layer; signals through a signalfd; time from
 * CLOCK_MONOTONIC handed to the table as now_ms. Linux only. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sipcode/registry.h"
#include "sipcode/responder.h"

#define BATCH 64
#define ARENA (256u * 1024u)
#define HEADERS 128
#define RATE_BUCKETS 4096
#define CONN_TAG (1ull << 63)

static const char *const method_names[SIPCODE_RESPOND_METHODS] = {
    "INVITE", "ACK",     "BYE",    "CANCEL", "OPTIONS", "REGISTER", "PRACK",
    "UPDATE", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "INFO",     "other"};

const char *sipcode_respond_method_name(size_t i)
{
    return i < SIPCODE_RESPOND_METHODS ? method_names[i] : NULL;
}

static const char *const drop_names[SIPCODE_DROP_COUNT] = {
    "malformed", "amplification", "rate", "table_full", "oversize", "not_request", "send_failed"};

const char *sipcode_drop_reason_name(enum sipcode_drop_reason r)
{
    return (unsigned)r < SIPCODE_DROP_COUNT ? drop_names[r] : NULL;
}

struct conn {
    int fd;
    uint32_t gen;
    size_t listener;
    struct sipcode_addr peer;
    char *in, *out;
    size_t in_len, out_len;
    uint64_t last_ms;
};

struct bucket {
    struct sipcode_addr addr;
    uint64_t last_ms;
    uint64_t tokens_milli;
    int used;
};

struct sendq {
    int fd;
    size_t n, arena_used;
    struct mmsghdr msg[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_storage to[BATCH];
    char arena[ARENA];
};

/* recvmmsg's buffers: BATCH datagrams of the largest UDP size */
struct recvq {
    struct mmsghdr msg[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_storage from[BATCH];
    char buf[BATCH][65536];
};

struct loop {
    struct sipcode_respond_config *cfg;
    struct recvq *rq;
    struct sipcode_respond_stats *st;
    struct sipcode_txn_table *txn;
    struct sipcode_prng prng;
    int ep, sigfd;
    int fds[SIPCODE_RESPOND_MAX_LISTEN];
    struct conn *conns;
    size_t conn_cap, conn_count;
    struct bucket *buckets;
    struct sendq *q;
    uint64_t now;
    uint64_t secret;
    uint64_t window_start, window_msgs; /* datagrams in the current 100 ms */
    int coalesce;
    struct sipcode_header headers[HEADERS];
    char scratch[65536 + 1024];
    char reply[65536 + 1024];
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sys_error(char *errbuf, size_t errlen, const char *what)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "%s: %s", what, strerror(errno));
}

static socklen_t to_sockaddr(const struct sipcode_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == 4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(a->port);
        memcpy(&s4->sin_addr, a->ip, 4);
        return sizeof *s4;
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(a->port);
        memcpy(&s6->sin6_addr, a->ip, 16);
        return sizeof *s6;
    }
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct sipcode_addr *a)
{
    memset(a, 0, sizeof *a);
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
        a->family = 4;
        memcpy(a->ip, &s4->sin_addr, 4);
        a->port = ntohs(s4->sin_port);
    } else {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
        a->family = 6;
        memcpy(a->ip, &s6->sin6_addr, 16);
        a->port = ntohs(s6->sin6_port);
    }
}

/* ---- sending ---------------------------------------------------------------------------- */

static void flush_udp(struct loop *L)
{
    struct sendq *q = L->q;
    size_t done = 0;
    while (done < q->n) {
        int r = sendmmsg(q->fd, q->msg + done, (unsigned)(q->n - done), 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR)
                continue;
            /* a full socket buffer or an unreachable peer: count and go on */
            L->st->dropped[SIPCODE_DROP_SEND_FAILED]++;
            done++;
            continue;
        }
        done += (size_t)r;
    }
    q->n = 0;
    q->arena_used = 0;
}

static void send_udp(struct loop *L, int fd, const struct sipcode_addr *to, const char *bytes,
                     size_t len)
{
    struct sendq *q = L->q;
    if (q->n && (q->fd != fd || q->n == BATCH || q->arena_used + len > ARENA))
        flush_udp(L);
    if (len > ARENA) {
        struct sockaddr_storage ss;
        socklen_t sl = to_sockaddr(to, &ss);
        if (sendto(fd, bytes, len, 0, (struct sockaddr *)&ss, sl) < 0)
            L->st->dropped[SIPCODE_DROP_SEND_FAILED]++;
        return;
    }
    q->fd = fd;
    memcpy(q->arena + q->arena_used, bytes, len);
    q->iov[q->n].iov_base = q->arena + q->arena_used;
    q->iov[q->n].iov_len = len;
    q->arena_used += len;
    memset(&q->msg[q->n], 0, sizeof q->msg[q->n]);
    q->msg[q->n].msg_hdr.msg_iov = &q->iov[q->n];
    q->msg[q->n].msg_hdr.msg_iovlen = 1;
    q->msg[q->n].msg_hdr.msg_name = &q->to[q->n];
    q->msg[q->n].msg_hdr.msg_namelen = to_sockaddr(to, &q->to[q->n]);
    q->n++;
}

static void close_conn(struct loop *L, size_t i)
{
    struct conn *c = &L->conns[i];
    if (c->fd < 0)
        return;
    epoll_ctl(L->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->gen++;
    c->in_len = c->out_len = 0;
    L->conn_count--;
}

static void send_tcp(struct loop *L, size_t i, const char *bytes, size_t len)
{
    struct conn *c = &L->conns[i];
    size_t cap = L->cfg->tcp_buffer;
    if (c->out_len == 0) {
        ssize_t w = send(c->fd, bytes, len, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            L->st->dropped[SIPCODE_DROP_SEND_FAILED]++;
            close_conn(L, i);
            return;
        }
        if (w > 0) {
            bytes += w;
            len -= (size_t)w;
        }
        if (len == 0)
            return;
    }
    if (c->out_len + len > cap) {
        /* the peer does not read: bounded memory wins */
        L->st->dropped[SIPCODE_DROP_SEND_FAILED]++;
        close_conn(L, i);
        return;
    }
    memcpy(c->out + c->out_len, bytes, len);
    c->out_len += len;
    {
        struct epoll_event ev;
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u64 = CONN_TAG | i;
        epoll_ctl(L->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

/* conn handles kept in the transaction table: UDP = listener + 1; TCP =
 * CONN_TAG | generation << 24 | connection index, so a reply for a closed
 * (and reused) connection is dropped, not sent to a stranger. */
static uint64_t conn_handle(const struct loop *L, size_t listener, long conn)
{
    if (conn < 0)
        return (uint64_t)listener + 1;
    return CONN_TAG | ((uint64_t)L->conns[conn].gen << 24) | (uint64_t)conn;
}

static void send_to(struct loop *L, uint64_t handle, const struct sipcode_addr *to,
                    const char *bytes, size_t len)
{
    if (handle & CONN_TAG) {
        size_t i = (size_t)(handle & 0xffffff);
        uint32_t gen = (uint32_t)((handle & ~CONN_TAG) >> 24);
        if (i >= L->conn_cap || L->conns[i].fd < 0 || L->conns[i].gen != gen) {
            L->st->dropped[SIPCODE_DROP_SEND_FAILED]++;
            return;
        }
        send_tcp(L, i, bytes, len);
    } else if (handle >= 1 && handle <= L->cfg->listen_count)
        send_udp(L, L->fds[handle - 1], to, bytes, len);
}

/* ---- the per-request logic ------------------------------------------------------------ */

static size_t method_index(struct sipcode_slice m)
{
    size_t i;
    for (i = 0; i + 1 < SIPCODE_RESPOND_METHODS; i++)
        if (m.len == strlen(method_names[i]) && memcmp(m.ptr, method_names[i], m.len) == 0)
            return i;
    return SIPCODE_RESPOND_METHODS - 1;
}

static int rate_ok(struct loop *L, const struct sipcode_addr *a)
{
    unsigned rate = L->cfg->rate;
    uint32_t h = 2166136261u;
    size_t i, n = a->family == 4 ? 4 : 16;
    struct bucket *b;
    if (!rate)
        return 1;
    for (i = 0; i < n; i++)
        h = (h ^ a->ip[i]) * 16777619u;
    b = &L->buckets[h % RATE_BUCKETS];
    if (!b->used || b->addr.family != a->family || memcmp(b->addr.ip, a->ip, n) != 0) {
        /* a new source (or a collision: the newcomer takes the bucket) */
        b->used = 1;
        b->addr = *a;
        b->last_ms = L->now;
        b->tokens_milli = (uint64_t)rate * 1000u;
    } else {
        uint64_t add = (L->now - b->last_ms) * rate; /* milli-tokens: rate per 1000 ms */
        b->last_ms = L->now;
        b->tokens_milli += add;
        if (b->tokens_milli > (uint64_t)rate * 1000u)
            b->tokens_milli = (uint64_t)rate * 1000u;
    }
    if (b->tokens_milli < 1000)
        return 0;
    b->tokens_milli -= 1000;
    return 1;
}

struct ctx {
    size_t listener;
    long conn; /* -1 for UDP */
    const struct sipcode_addr *src;
    size_t request_len;
};

static void deliver(struct loop *L, const struct ctx *x, const struct sipcode_message *req,
                    const char *bytes, size_t len)
{
    struct sipcode_addr dst;
    sipcode_reply_destination(req, x->src, x->conn < 0, &dst);
    if (x->conn < 0)
        send_udp(L, L->fds[x->listener], &dst, bytes, len);
    else
        send_tcp(L, (size_t)x->conn, bytes, len);
}

static void base_options(struct loop *L, const struct ctx *x, struct sipcode_reply_options *o,
                         const char *tag, size_t tag_len)
{
    const struct sipcode_plan *p = L->cfg->plan;
    memset(o, 0, sizeof *o);
    o->to_tag = tag;
    o->to_tag_len = tag_len;
    o->retry_after = -1;
    o->source = x->src;
    o->local = &L->cfg->listen[x->listener].addr;
    if (p->contact.len) {
        o->contact = p->contact.text;
        o->contact_len = p->contact.len;
    }
    o->realm = p->realm.text;
    o->realm_len = p->realm.len;
    if (x->conn < 0) {
        o->flags = SIPCODE_REPLY_UDP;
        o->max_len = x->request_len + SIPCODE_REPLY_SLACK;
    }
}

/* Builds into L->reply; 0 and a count on failure. */
static size_t build(struct loop *L, const char *buf, const struct sipcode_message *req,
                    const struct sipcode_reply_options *o)
{
    size_t needed = 0;
    enum sipcode_err err =
        sipcode_build_reply(buf, req, o, L->reply, sizeof L->reply, &needed, NULL);
    if (err == SIPCODE_OK)
        return needed;
    L->st->dropped[err == SIPCODE_EAMPLIFY ? SIPCODE_DROP_AMPLIFY : SIPCODE_DROP_MALFORMED]++;
    return 0;
}

static void count_response(struct loop *L, int code)
{
    if (code >= 100 && code <= 699)
        L->st->responses[code]++;
}

/* The To tag is a hash of what identifies the transaction (Call-ID, From
 * tag, CSeq, top Via branch) and a per-run secret: the same request gets
 * the same tag even when answered without a transaction (table full), as a
 * stateless proxy's replies do, and another run gives other tags. */
static void make_tag(struct loop *L, const struct sipcode_message *req, char *tag, size_t *len)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = 1469598103934665603ull ^ L->secret;
    const struct sipcode_slice *parts[3];
    size_t i, k;
    int b;
    if (!req) {
        h ^= sipcode_prng_next(&L->prng);
        h = (h << 32) ^ sipcode_prng_next(&L->prng);
    } else {
        parts[0] = &req->call_id;
        parts[1] = &req->from_tag;
        parts[2] = &req->via.branch;
        for (k = 0; k < 3; k++) {
            for (i = 0; i < parts[k]->len; i++)
                h = (h ^ (unsigned char)parts[k]->ptr[i]) * 1099511628211ull;
            h = (h ^ 0xff) * 1099511628211ull;
        }
        h = (h ^ (uint64_t)req->cseq) * 1099511628211ull;
        h ^= h >> 29;
    }
    for (b = 15, i = 0; b >= 0; b--)
        tag[i++] = hex[(h >> (b * 4)) & 15];
    *len = i;
}

static void handle_cancel(struct loop *L, const struct ctx *x, const char *buf,
                          const struct sipcode_message *req, const struct sipcode_txn_verdict *v,
                          const char *tag, size_t tag_len)
{
    struct sipcode_reply_options o;
    size_t n;
    int code = v->invite ? 200 : 481; /* RFC 3261 9.2 */
    if (v->invite && !v->invite_final) {
        const char *t;
        size_t tlen, reqlen;
        if (sipcode_txn_template(L->txn, v->invite, &t, &tlen, &reqlen) == SIPCODE_OK &&
            tlen < sizeof L->scratch) {
            struct sipcode_message m;
            struct sipcode_header h[HEADERS];
            size_t used;
            memcpy(L->scratch, t, tlen);
            if (sipcode_parse_message(L->scratch, tlen, 0, h, HEADERS, &m, &used, NULL) ==
                SIPCODE_OK) {
                /* the 487 copies the INVITE's reply: its Via list, its To tag */
                base_options(L, x, &o, tag, tag_len);
                o.code = 487;
                o.source = NULL;
                o.max_len = x->conn < 0 ? reqlen + SIPCODE_REPLY_SLACK : 0;
                n = build(L, L->scratch, &m, &o);
                if (n) {
                    if (sipcode_txn_replace_pending(L->txn, v->invite, 487, L->reply, n,
                                                    L->now) != SIPCODE_OK)
                        sipcode_txn_reply(L->txn, v->invite, 487, L->reply, n, L->now, L->now);
                    deliver(L, x, req, L->reply, n);
                    count_response(L, 487);
                }
            }
        }
    }
    base_options(L, x, &o, tag, tag_len);
    o.code = code;
    n = build(L, buf, req, &o);
    if (!n)
        return;
    if (v->id)
        sipcode_txn_reply(L->txn, v->id, code, L->reply, n, L->now, L->now);
    deliver(L, x, req, L->reply, n);
    count_response(L, code);
}

static void handle_request(struct loop *L, const struct ctx *x, const char *buf,
                           const struct sipcode_message *req, int version_error)
{
    struct sipcode_txn_verdict v;
    struct sipcode_choice c;
    struct sipcode_reply_options o;
    char tag[32], reason[256];
    size_t tag_len, n, i;
    uint32_t id = 0;
    int invite, code, stateless = 0;

    L->st->requests[method_index(req->request.method)]++;
    if (sipcode_txn_receive(L->txn, buf, req, x->src, conn_handle(L, x->listener, x->conn),
                            x->conn >= 0, x->request_len, L->now, &v) != SIPCODE_OK)
        return;
    switch (v.kind) {
    case SIPCODE_TXN_ACK:
        L->st->acks_absorbed++;
        return;
    case SIPCODE_TXN_ACK_STRAY:
        /* an ACK for a reply sent statelessly, or after its transaction
         * ended: never answered either */
        L->st->acks_absorbed++;
        return;
    case SIPCODE_TXN_RETRANSMIT:
        /* 17.2.1/17.2.2: the last response again, not a new one */
        L->st->requests_absorbed++;
        if (v.bytes) {
            deliver(L, x, req, v.bytes, v.len);
            L->st->responses_resent++;
        }
        return;
    case SIPCODE_TXN_FULL:
        stateless = 1;
        L->st->stateless++;
        break;
    default:
        id = v.id;
        break;
    }
    make_tag(L, req, tag, &tag_len);
    if (v.kind == SIPCODE_TXN_CANCEL) {
        handle_cancel(L, x, buf, req, &v, tag, tag_len);
        return;
    }
    if (stateless && req->request.method.len == 6 && memcmp(req->request.method.ptr, "CANCEL", 6) == 0) {
        handle_cancel(L, x, buf, req, &v, tag, tag_len); /* 481: nothing to match */
        return;
    }
    invite = req->request.method.len == 6 && memcmp(req->request.method.ptr, "INVITE", 6) == 0;
    sipcode_plan_choose(L->cfg->plan, req, &L->prng, &c);
    code = version_error ? 505 : c.code;
    if (version_error)
        c.ring_count = 0;
    base_options(L, x, &o, tag, tag_len);

    /* provisionals first; a delayed INVITE gets a 100 at once (17.2.1) */
    if (invite && !version_error) {
        int trying = c.delay_ms > 0 && (c.ring_count == 0 || c.ring[0] != 100);
        for (i = 0; i < c.ring_count + (size_t)trying; i++) {
            int pc = trying ? (i == 0 ? 100 : c.ring[i - 1]) : c.ring[i];
            o.code = pc;
            n = build(L, buf, req, &o);
            if (!n)
                return;
            if (id)
                sipcode_txn_reply(L->txn, id, pc, L->reply, n, L->now, L->now);
            deliver(L, x, req, L->reply, n);
            count_response(L, pc);
        }
    }
    o.code = code;
    if (c.phrase && !version_error) {
        o.phrase = c.phrase->text;
        o.phrase_len = c.phrase->len;
    }
    if (c.reason && code != 100 && !version_error) {
        size_t rn;
        if (sipcode_reason_for_code(c.reason->text, c.reason->len, code, reason, sizeof reason,
                                    &rn) == SIPCODE_OK) {
            o.reason = reason;
            o.reason_len = rn;
        }
    }
    if (c.warning && !version_error) {
        o.warning = c.warning->text;
        o.warning_len = c.warning->len;
    }
    o.retry_after = c.retry_after;
    n = build(L, buf, req, &o);
    if (!n)
        return;
    if (id && c.delay_ms > 0 && code >= 200) {
        /* the table hands it back when due (sipcode_txn_poll) */
        if (sipcode_txn_reply(L->txn, id, code, L->reply, n, L->now,
                              L->now + (uint64_t)c.delay_ms) == SIPCODE_OK)
            return;
    }
    if (id)
        sipcode_txn_reply(L->txn, id, code, L->reply, n, L->now, L->now);
    deliver(L, x, req, L->reply, n);
    count_response(L, code);
}

/* One framed message (or a datagram that did not frame). */
static void handle_bytes(struct loop *L, const struct ctx *x, const char *buf, size_t len,
                         enum sipcode_err err, const struct sipcode_message *msg)
{
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION) {
        /* 400 when Via/From/To/Call-ID/CSeq can be read, else dropped */
        struct sipcode_reply_options o;
        char tag[32];
        size_t tag_len, needed;
        if (err == SIPCODE_ENOTFOUND)
            return; /* a keep-alive CRLF datagram (RFC 5626): nothing to answer */
        make_tag(L, NULL, tag, &tag_len);
        base_options(L, x, &o, tag, tag_len);
        o.code = 400;
        if (len >= 4 && memcmp(buf, "SIP/", 4) == 0) {
            L->st->dropped[SIPCODE_DROP_NOT_REQUEST]++;
            return;
        }
        if (sipcode_build_bad_request(buf, len, &o, L->reply, sizeof L->reply, &needed) !=
            SIPCODE_OK) {
            L->st->dropped[SIPCODE_DROP_MALFORMED]++;
            return;
        }
        L->st->requests[SIPCODE_RESPOND_METHODS - 1]++;
        if (x->conn < 0)
            send_udp(L, L->fds[x->listener], x->src, L->reply, needed);
        else
            send_tcp(L, (size_t)x->conn, L->reply, needed);
        count_response(L, 400);
        return;
    }
    if (!msg->is_request) {
        L->st->dropped[SIPCODE_DROP_NOT_REQUEST]++;
        return;
    }
    if (!rate_ok(L, x->src)) {
        L->st->dropped[SIPCODE_DROP_RATE]++;
        return;
    }
    handle_request(L, x, buf, msg, err == SIPCODE_EVERSION);
}

/* ---- UDP ------------------------------------------------------------------------------- */

static void read_udp(struct loop *L, size_t li)
{
    struct recvq *r = L->rq;
    int fd = L->fds[li], got, i, rounds;
    for (rounds = 0; rounds < 16; rounds++) {
        for (i = 0; i < BATCH; i++) {
            r->iov[i].iov_base = r->buf[i];
            r->iov[i].iov_len = sizeof r->buf[i];
            memset(&r->msg[i].msg_hdr, 0, sizeof r->msg[i].msg_hdr);
            r->msg[i].msg_hdr.msg_iov = &r->iov[i];
            r->msg[i].msg_hdr.msg_iovlen = 1;
            r->msg[i].msg_hdr.msg_name = &r->from[i];
            r->msg[i].msg_hdr.msg_namelen = sizeof r->from[i];
        }
        got = recvmmsg(fd, r->msg, BATCH, MSG_DONTWAIT, NULL);
        if (got <= 0)
            break;
        L->window_msgs += (uint64_t)got;
        L->now = now_ms();
        for (i = 0; i < got; i++) {
            struct sipcode_addr src;
            struct sipcode_message m;
            struct ctx x;
            size_t used, len = r->msg[i].msg_len;
            enum sipcode_err err;
            from_sockaddr(&r->from[i], &src);
            err = sipcode_parse_message(r->buf[i], len, 0, L->headers, HEADERS, &m, &used, NULL);
            x.listener = li;
            x.conn = -1;
            x.src = &src;
            x.request_len = len;
            handle_bytes(L, &x, r->buf[i], len, err, &m);
        }
        flush_udp(L);
        if (got < BATCH)
            break;
    }
}

/* ---- TCP ------------------------------------------------------------------------------- */

static void accept_tcp(struct loop *L, size_t li)
{
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        struct epoll_event ev;
        size_t i;
        int one = 1;
        int fd = accept4(L->fds[li], (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        for (i = 0; i < L->conn_cap && L->conns[i].fd >= 0; i++)
            ;
        if (i == L->conn_cap) {
            close(fd); /* at the connection cap */
            L->st->dropped[SIPCODE_DROP_OVERSIZE]++;
            continue;
        }
        if (!L->conns[i].in) {
            L->conns[i].in = malloc(L->cfg->tcp_buffer);
            L->conns[i].out = malloc(L->cfg->tcp_buffer);
            if (!L->conns[i].in || !L->conns[i].out) {
                close(fd);
                continue;
            }
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        L->conns[i].fd = fd;
        L->conns[i].listener = li;
        L->conns[i].in_len = L->conns[i].out_len = 0;
        L->conns[i].last_ms = L->now;
        from_sockaddr(&ss, &L->conns[i].peer);
        ev.events = EPOLLIN;
        ev.data.u64 = CONN_TAG | i;
        if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            L->conns[i].fd = -1;
            continue;
        }
        L->conn_count++;
        L->st->tcp_connections++;
    }
}

static void read_tcp(struct loop *L, size_t i)
{
    struct conn *c = &L->conns[i];
    size_t off = 0;
    ssize_t r;
    uint32_t gen = c->gen;
    for (;;) {
        if (c->in_len == L->cfg->tcp_buffer) {
            L->st->dropped[SIPCODE_DROP_OVERSIZE]++;
            close_conn(L, i);
            return;
        }
        r = recv(c->fd, c->in + c->in_len, L->cfg->tcp_buffer - c->in_len, 0);
        if (r == 0) {
            close_conn(L, i);
            return;
        }
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                close_conn(L, i);
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return;
        }
        c->in_len += (size_t)r;
        if (c->in_len < L->cfg->tcp_buffer)
            break;
        /* buffer full: frame what is there, then read again */
        goto frame;
    }
frame:
    L->now = now_ms();
    c->last_ms = L->now;
    for (;;) {
        struct sipcode_message m;
        struct ctx x;
        size_t used = 0;
        enum sipcode_err err;
        /* keep-alive CRLFs between messages (RFC 5626 3.5.1) */
        while (off < c->in_len && (c->in[off] == '\r' || c->in[off] == '\n'))
            off++;
        if (off == c->in_len)
            break;
        err = sipcode_parse_message(c->in + off, c->in_len - off, SIPCODE_FRAME_STREAM,
                                    L->headers, HEADERS, &m, &used, NULL);
        if (err == SIPCODE_EINCOMPLETE)
            break;
        x.listener = c->listener;
        x.conn = (long)i;
        x.src = &c->peer;
        x.request_len = used;
        if (err != SIPCODE_OK && err != SIPCODE_EVERSION) {
            /* the stream has lost its framing: answer if we can, then close */
            handle_bytes(L, &x, c->in + off, c->in_len - off, err, &m);
            close_conn(L, i);
            return;
        }
        handle_bytes(L, &x, c->in + off, used, err, &m);
        if (c->fd < 0 || c->gen != gen)
            return;
        off += used;
    }
    if (off) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
}

static void write_tcp(struct loop *L, size_t i)
{
    struct conn *c = &L->conns[i];
    ssize_t w = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            close_conn(L, i);
        return;
    }
    memmove(c->out, c->out + w, c->out_len - (size_t)w);
    c->out_len -= (size_t)w;
    if (c->out_len == 0) {
        struct epoll_event ev;
        ev.events = EPOLLIN;
        ev.data.u64 = CONN_TAG | i;
        epoll_ctl(L->ep, EPOLL_CTL_MOD, c->fd, &ev);
    }
}

/* ---- setup and the loop ------------------------------------------------------------ */

static int open_listener(struct loop *L, size_t i, char *errbuf, size_t errlen)
{
    struct sipcode_listen *l = &L->cfg->listen[i];
    struct sockaddr_storage ss;
    socklen_t sl = to_sockaddr(&l->addr, &ss);
    int one = 1, fd, size = 4 * 1024 * 1024;
    struct epoll_event ev;
    char what[96], host[64];
    size_t hn;
    fd = socket(l->addr.family == 4 ? AF_INET : AF_INET6,
                (l->tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        sys_error(errbuf, errlen, "socket");
        return -1;
    }
    if (sipcode_addr_format(&l->addr, host, sizeof host, &hn) != SIPCODE_OK)
        host[0] = '\0';
    snprintf(what, sizeof what, "%s:%s%s%s:%u", l->tcp ? "tcp" : "udp",
             l->addr.family == 6 ? "[" : "", host, l->addr.family == 6 ? "]" : "", l->addr.port);
    if (l->addr.family == 6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (l->tcp)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    else {
        /* bursts of load: room for a few thousand datagrams */
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || (l->tcp && listen(fd, 1024) < 0)) {
        sys_error(errbuf, errlen, what);
        close(fd);
        return -1;
    }
    sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        l->addr.port = ntohs(((struct sockaddr_in *)&ss)->sin_port); /* same offset in v6 */
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    if (epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
        sys_error(errbuf, errlen, "epoll_ctl");
        close(fd);
        return -1;
    }
    L->fds[i] = fd;
    return 0;
}

static void run_timers(struct loop *L)
{
    struct sipcode_txn_event ev[BATCH];
    size_t n, i;
    L->now = now_ms();
    do {
        n = sipcode_txn_poll(L->txn, L->now, ev, BATCH);
        for (i = 0; i < n; i++) {
            if (ev[i].kind == SIPCODE_TXN_EV_TIMEOUT) {
                L->st->timeouts++;
                continue;
            }
            if (ev[i].retransmission)
                L->st->responses_resent++;
            else
                count_response(L, ev[i].code);
            send_to(L, ev[i].conn, &ev[i].peer, ev[i].bytes, ev[i].len);
        }
        flush_udp(L); /* event bytes live in the table until its next call */
    } while (n == BATCH);
}

enum sipcode_err sipcode_respond_run(struct sipcode_respond_config *cfg,
                                     struct sipcode_respond_stats *stats, char *errbuf,
                                     size_t errlen)
{
    struct loop *L;
    struct sipcode_txn_config tc;
    sigset_t mask, old;
    enum sipcode_err result = SIPCODE_OK;
    uint64_t deadline, last_idle;
    size_t i;
    int running = 1;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!cfg || !stats || !cfg->plan || cfg->listen_count == 0 ||
        cfg->listen_count > SIPCODE_RESPOND_MAX_LISTEN)
        return SIPCODE_EINVAL;
    memset(stats, 0, sizeof *stats);
    if (!cfg->tcp_buffer)
        cfg->tcp_buffer = 65536;
    if (!cfg->tcp_idle_s)
        cfg->tcp_idle_s = 300;
    if (!cfg->max_connections)
        cfg->max_connections = 1024;
    L = calloc(1, sizeof *L);
    if (!L) {
        sys_error(errbuf, errlen, "memory");
        return SIPCODE_EIO;
    }
    L->cfg = cfg;
    L->st = stats;
    L->ep = L->sigfd = -1;
    for (i = 0; i < SIPCODE_RESPOND_MAX_LISTEN; i++)
        L->fds[i] = -1;
    sipcode_prng_seed(&L->prng, cfg->seed);
    L->secret = ((uint64_t)sipcode_prng_next(&L->prng) << 32) | sipcode_prng_next(&L->prng);
    memset(&tc, 0, sizeof tc);
    tc.cap = cfg->max_transactions;
    L->conn_cap = cfg->max_connections;
    L->conns = calloc(L->conn_cap, sizeof *L->conns);
    L->buckets = calloc(RATE_BUCKETS, sizeof *L->buckets);
    L->q = calloc(1, sizeof *L->q);
    L->rq = malloc(sizeof *L->rq);
    if (!L->conns || !L->buckets || !L->q || !L->rq ||
        sipcode_txn_table_create(&tc, &L->txn) != SIPCODE_OK) {
        sys_error(errbuf, errlen, "memory");
        result = SIPCODE_EIO;
        goto out;
    }
    for (i = 0; i < L->conn_cap; i++)
        L->conns[i].fd = -1;
    L->ep = epoll_create1(EPOLL_CLOEXEC);
    if (L->ep < 0) {
        sys_error(errbuf, errlen, "epoll_create1");
        result = SIPCODE_EIO;
        goto out;
    }
    for (i = 0; i < cfg->listen_count; i++)
        if (open_listener(L, i, errbuf, errlen) < 0) {
            result = SIPCODE_EIO;
            goto out;
        }
    /* SIGINT/SIGTERM as readable events, restored when we return */
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, &old);
    L->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (L->sigfd < 0) {
        sys_error(errbuf, errlen, "signalfd");
        result = SIPCODE_EIO;
        goto restore;
    }
    {
        struct epoll_event ev;
        ev.events = EPOLLIN;
        ev.data.u64 = CONN_TAG - 1;
        epoll_ctl(L->ep, EPOLL_CTL_ADD, L->sigfd, &ev);
    }
    if (cfg->on_bound)
        cfg->on_bound(cfg->listen, cfg->listen_count, cfg->arg);

    L->now = now_ms();
    deadline = cfg->duration_s ? L->now + (uint64_t)cfg->duration_s * 1000u : UINT64_MAX;
    last_idle = L->now;
    while (running) {
        struct epoll_event evs[64];
        uint64_t due = sipcode_txn_next_due(L->txn), wake = deadline;
        int timeout, n, k;
        L->now = now_ms();
        if (due < wake)
            wake = due;
        if (wake > L->now + 1000)
            wake = L->now + 1000; /* idle checks once a second */
        timeout = wake <= L->now ? 0 : (int)(wake - L->now);
        n = epoll_wait(L->ep, evs, 64, timeout);
        if (n < 0 && errno != EINTR) {
            sys_error(errbuf, errlen, "epoll_wait");
            result = SIPCODE_EIO;
            break;
        }
        for (k = 0; k < n; k++) {
            uint64_t d = evs[k].data.u64;
            if (d == CONN_TAG - 1) {
                struct signalfd_siginfo si;
                while (read(L->sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                    running = 0;
            } else if (d & CONN_TAG) {
                size_t ci = (size_t)(d & ~CONN_TAG);
                if (L->conns[ci].fd < 0)
                    continue;
                if (evs[k].events & EPOLLOUT)
                    write_tcp(L, ci);
                if (L->conns[ci].fd >= 0 && (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                    read_tcp(L, ci);
            } else if (cfg->listen[d].tcp)
                accept_tcp(L, (size_t)d);
            else
                read_udp(L, (size_t)d);
        }
        flush_udp(L);
        run_timers(L);
        if (L->now >= deadline)
            running = 0;
        /* Interrupt coalescing: under load (over 2,000 datagrams a second)
         * wait 2 ms before the next wakeup so one recvmmsg/sendmmsg pair
         * carries many messages - at most 2 ms of latency (SIP's T1 is
         * 500 ms) for far fewer system calls and context switches. */
        if (L->now - L->window_start >= 100) {
            L->coalesce = L->window_msgs >= 200;
            L->window_start = L->now;
            L->window_msgs = 0;
        }
        if (L->coalesce && n > 0 && running) {
            struct timespec pause = {0, 2000000};
            nanosleep(&pause, NULL);
        }
        if (L->now - last_idle >= 1000) {
            last_idle = L->now;
            for (i = 0; i < L->conn_cap; i++)
                if (L->conns[i].fd >= 0 &&
                    L->now - L->conns[i].last_ms > (uint64_t)cfg->tcp_idle_s * 1000u)
                    close_conn(L, i);
        }
    }
    stats->transactions_peak = sipcode_txn_peak(L->txn);
restore:
    if (L->sigfd >= 0)
        close(L->sigfd);
    {
        /* take pending signals of ours before unblocking: they were handled */
        struct timespec zero = {0, 0};
        while (sigtimedwait(&mask, NULL, &zero) > 0)
            ;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
out:
    for (i = 0; i < SIPCODE_RESPOND_MAX_LISTEN; i++)
        if (L->fds[i] >= 0)
            close(L->fds[i]);
    if (L->conns)
        for (i = 0; i < L->conn_cap; i++) {
            if (L->conns[i].fd >= 0)
                close(L->conns[i].fd);
            free(L->conns[i].in);
            free(L->conns[i].out);
        }
    if (L->ep >= 0)
        close(L->ep);
    sipcode_txn_table_destroy(L->txn);
    free(L->conns);
    free(L->buckets);
    free(L->q);
    free(L->rq);
    free(L);
    return result;
}
