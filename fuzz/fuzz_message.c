/* Fuzz target for sipcode_parse_message() and the header name lookups. The
 * whole input is one buffer, framed strictly and with every tolerance, as a
 * datagram and as a stream. Properties, not only survival:
 *  - success: used <= size, every slice inside the input, the body ends at
 *    used, numbers in their ranges, header ids match their names;
 *  - error: a diag inside the input, and no out-parameter written;
 *  - a datagram is never EINCOMPLETE, a stream never ENOTFOUND;
 *  - stream and datagram agree, except where the stream needs more bytes or
 *    a Content-Length the datagram can do without;
 *  - a cut of a stream is EINCOMPLETE or the whole's own answer: once the
 *    message is complete the same message, before that never another
 *    success, and an error only the whole's error at the same offset;
 *  - fewer header slots than fields is SIPCODE_ELIMIT and nothing else;
 *  - the capture engine's direct entry gives the same answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

#include "../lib/wire/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 64

struct result {
    enum sipcode_err err;
    struct sipcode_diag diag;
    struct sipcode_message m;
    struct sipcode_header h[CAP];
    size_t used;
    const char *base;
};

static void frame_with(struct result *r, const char *buf, size_t len, unsigned flags, size_t cap,
                       int direct)
{
    memset(&r->m, 0xa5, sizeof r->m);
    memset(r->h, 0xa5, sizeof r->h);
    r->used = (size_t)-1;
    r->diag.offset = (size_t)-1;
    r->diag.reason = NULL;
    r->base = buf;
    r->err = (direct ? sipcode__parse_message_direct : sipcode_parse_message)(
        buf, len, flags, r->h, cap, &r->m, &r->used, &r->diag);
}

static void frame(struct result *r, const char *buf, size_t len, unsigned flags, size_t cap)
{
    frame_with(r, buf, len, flags, cap, 0);
}

static int ok(const struct result *r)
{
    return r->err == SIPCODE_OK || r->err == SIPCODE_EVERSION;
}

static int inside(struct sipcode_slice s, const char *base, size_t len)
{
    if (s.len == 0)
        return s.ptr == NULL || (s.ptr >= base && s.ptr <= base + len);
    return s.ptr >= base && s.len <= len && (size_t)(s.ptr - base) <= len - s.len;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void check_success(const struct result *r, size_t len)
{
    const struct sipcode_message *m = &r->m;
    const struct sipcode_slice all[] = {
        m->body,      m->via.transport, m->via.host, m->via.branch, m->via.received,
        m->via.rport, m->call_id,       m->from_tag, m->to_tag,     m->cseq_method,
    };
    size_t i;
    if (r->used > len || m->headers != r->h || m->header_count > CAP)
        __builtin_trap();
    for (i = 0; i < sizeof all / sizeof *all; i++)
        if (!inside(all[i], r->base, r->used))
            __builtin_trap();
    if (m->body.ptr + m->body.len != r->base + r->used)
        __builtin_trap();
    if (m->is_request ? !inside(m->request.method, r->base, r->used) ||
                            m->request.method.len == 0 || !inside(m->request.uri, r->base, r->used)
                      : m->status.code < 100 || m->status.code > 699 ||
                            !inside(m->status.reason, r->base, r->used))
        __builtin_trap();
    /* mandatory fields, ranges */
    if (!m->has_via || m->via.transport.len == 0 || m->via.host.len == 0 || m->via.port > 65535 ||
        m->call_id.len == 0 || m->cseq_method.len == 0)
        __builtin_trap();
    if (m->cseq < 0 || m->cseq > (long long)SIPCODE_MAX_CSEQ || m->max_forwards < -1 ||
        m->max_forwards > 255 || m->content_length < -1 ||
        m->content_length > (long long)SIPCODE_MAX_CONTENT_LENGTH || m->expires < -1 ||
        m->expires > 4294967295LL || m->retry_after < -1 || m->retry_after > 4294967295LL)
        __builtin_trap();
    if (m->content_length >= 0 && m->body.len != (size_t)m->content_length)
        __builtin_trap();
    if (m->is_request && (m->request.method.len != m->cseq_method.len ||
                          memcmp(m->request.method.ptr, m->cseq_method.ptr, m->cseq_method.len)))
        __builtin_trap();
    for (i = 0; i < m->header_count; i++) {
        const struct sipcode_header *h = &m->headers[i], *f;
        if (!inside(h->name, r->base, r->used) || !inside(h->value, r->base, r->used) ||
            h->name.len == 0 || h->id != sipcode_header_id(h->name.ptr, h->name.len))
            __builtin_trap();
        if (h->value.len && (is_ws(h->value.ptr[0]) || is_ws(h->value.ptr[h->value.len - 1])))
            __builtin_trap();
        /* the first field by that name comes no later than this one */
        f = sipcode_message_find(m, h->name.ptr, h->name.len, NULL);
        if (!f || f > h || f->id != h->id)
            __builtin_trap();
    }
}

static int untouched(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;
    for (i = 0; i < n; i++)
        if (b[i] != 0xa5)
            return 0;
    return 1;
}

static void check(const struct result *r, size_t len)
{
    if (ok(r))
        check_success(r, len);
    else if (!r->diag.reason || r->diag.offset > len || r->used != (size_t)-1 ||
             !untouched(&r->m, sizeof r->m) || !untouched(r->h, sizeof r->h))
        __builtin_trap();
}

static int same_slice(struct sipcode_slice a, const char *abase, struct sipcode_slice b,
                      const char *bbase)
{
    return a.len == b.len && (a.len == 0 || a.ptr - abase == b.ptr - bbase);
}

static int same_message(const struct result *a, const struct result *b)
{
    const struct sipcode_message *x = &a->m, *y = &b->m;
    size_t i;
#define S(field) same_slice(x->field, a->base, y->field, b->base)
    if (a->err != b->err || a->used != b->used || x->is_request != y->is_request ||
        x->header_count != y->header_count || !S(body) || !S(via.transport) || !S(via.host) ||
        x->via.port != y->via.port || !S(via.branch) || !S(via.received) || !S(via.rport) ||
        x->via.has_rport != y->via.has_rport || !S(call_id) || !S(from_tag) || !S(to_tag) ||
        !S(cseq_method) || x->cseq != y->cseq || x->max_forwards != y->max_forwards ||
        x->content_length != y->content_length || x->expires != y->expires ||
        x->retry_after != y->retry_after)
        return 0;
    for (i = 0; i < x->header_count; i++)
        if (x->headers[i].id != y->headers[i].id || !S(headers[i].name) || !S(headers[i].value))
            return 0;
#undef S
    return 1;
}

/* A cut of the input at k, in an exact-size heap copy so ASan sees any
 * read past it. */
static void frame_cut(struct result *r, const uint8_t *data, size_t k, unsigned flags)
{
    char *copy = malloc(k ? k : 1);
    if (!copy)
        return;
    memcpy(copy, data, k);
    frame(r, copy, k, flags, CAP);
    check(r, k);
    free(copy);
    r->base = NULL; /* freed: only offsets may be compared from here on */
}

static void check_cut(const struct result *whole, const uint8_t *data, size_t k, unsigned flags)
{
    static struct result cut;
    frame_cut(&cut, data, k, flags | SIPCODE_FRAME_STREAM);
    if (ok(whole) && whole->used <= k) {
        if (cut.err != whole->err || cut.used != whole->used ||
            cut.m.header_count != whole->m.header_count || cut.m.body.len != whole->m.body.len ||
            cut.m.cseq != whole->m.cseq)
            __builtin_trap();
    } else if (cut.err != SIPCODE_EINCOMPLETE &&
               (cut.err != whole->err || cut.diag.offset != whole->diag.offset)) {
        __builtin_trap();
    }
}

static void run(const uint8_t *data, size_t size, unsigned flags)
{
    static struct result dgram, stream, again, small, direct;
    const char *buf = (const char *)data;

    frame(&dgram, buf, size, flags, CAP);
    check(&dgram, size);
    frame(&stream, buf, size, flags | SIPCODE_FRAME_STREAM, CAP);
    check(&stream, size);
    if (dgram.err == SIPCODE_EINCOMPLETE || stream.err == SIPCODE_ENOTFOUND)
        __builtin_trap();
    frame_with(&direct, buf, size, flags, CAP, 1);
    if (direct.err != dgram.err || (ok(&dgram) ? !same_message(&direct, &dgram)
                                               : direct.diag.offset != dgram.diag.offset))
        __builtin_trap();

    /* stream and datagram agree */
    if (ok(&stream)) {
        if (!same_message(&stream, &dgram) || stream.m.content_length < 0)
            __builtin_trap();
    } else if (stream.err == SIPCODE_EINCOMPLETE) {
        if (dgram.err != SIPCODE_EMALFORMED && dgram.err != SIPCODE_ENOTFOUND)
            __builtin_trap();
    } else if (ok(&dgram)) {
        /* only a missing Content-Length parts them */
        if (stream.err != SIPCODE_EMALFORMED || dgram.m.content_length != -1)
            __builtin_trap();
    } else if (stream.err != dgram.err || stream.diag.offset != dgram.diag.offset) {
        __builtin_trap();
    }
    if (ok(&dgram) && dgram.m.content_length >= 0 && !same_message(&stream, &dgram))
        __builtin_trap();

    /* cuts of the stream */
    if (ok(&stream)) {
        frame_cut(&again, data, stream.used, flags | SIPCODE_FRAME_STREAM);
        if (!ok(&again) || again.used != stream.used)
            __builtin_trap();
        if (stream.used > 0) {
            check_cut(&stream, data, stream.used - 1, flags);
            check_cut(&stream, data, stream.used / 2, flags);
            check_cut(&stream, data, (size_t)(stream.m.body.ptr - buf), flags);
        }
    } else if (stream.err != SIPCODE_EINCOMPLETE && size > 0) {
        check_cut(&stream, data, stream.diag.offset < size ? stream.diag.offset : size - 1, flags);
        check_cut(&stream, data, size - 1, flags);
        check_cut(&stream, data, size / 2, flags);
    } else if (size > 0) {
        check_cut(&stream, data, size / 2, flags);
    }

    /* fewer slots than fields: ELIMIT, never a different answer */
    if (ok(&dgram)) {
        size_t cap = dgram.m.header_count > 0 ? dgram.m.header_count - 1 : 0;
        frame(&small, buf, size, flags, cap);
        if (dgram.m.header_count > 0 ? small.err != SIPCODE_ELIMIT : !ok(&small))
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum sipcode_header_id id;
    const char *name;

    run(data, size, 0);
    run(data, size, SIPCODE_LENIENT_ALL);

    /* the name table: an id found by name gives back that name or a compact
     * form, case aside */
    id = sipcode_header_id((const char *)data, size);
    name = sipcode_header_name(id);
    if ((id == SIPCODE_H_OTHER) != (name == NULL))
        __builtin_trap();
    if (name && size != 1 && (strlen(name) != size || sipcode_header_id(name, size) != id))
        __builtin_trap();
    return 0;
}
