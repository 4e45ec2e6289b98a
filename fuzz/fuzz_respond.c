/* Fuzz target for the responder's builder: request bytes -> parse -> reply.
 * Properties: every reply built parses as one whole response, carries the
 * request's Call-ID byte for byte, has the code asked for, lints without
 * error findings, and over UDP is never longer than the request; a request
 * the parser refuses gets either a 400 that does the same or nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 64

/* A reply copies a subset of the request's header fields and adds a few of
 * its own, so twice the request's cap always holds it. */
static void check_reply(const char *reply, size_t len, int code, struct sipcode_slice call_id,
                        int check_call_id)
{
    struct sipcode_header h[2 * CAP];
    struct sipcode_message m;
    struct sipcode_finding f[32];
    size_t used, n, i;
    if (sipcode_parse_message(reply, len, 0, h, 2 * CAP, &m, &used, NULL) != SIPCODE_OK ||
        used != len || m.is_request || m.status.code != code)
        __builtin_trap();
    if (check_call_id &&
        (m.call_id.len != call_id.len || memcmp(m.call_id.ptr, call_id.ptr, call_id.len) != 0))
        __builtin_trap();
    n = sipcode_lint_response(reply, &m, f, 32);
    for (i = 0; i < n && i < 32; i++)
        if (f[i].rule->severity == SIPCODE_SEVERITY_ERROR)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    struct sipcode_header h[CAP];
    struct sipcode_message m;
    struct sipcode_reply_options o;
    struct sipcode_addr src;
    static char out[65536 + 4096];
    size_t used, needed, k;
    enum sipcode_err err;
    int codes[3];

    memset(&o, 0, sizeof o);
    memset(&src, 0, sizeof src);
    src.family = size & 1 ? 6 : 4;
    src.ip[0] = 127;
    src.ip[15] = 1;
    src.port = 40000;
    o.source = &src;
    o.local = &src;
    o.to_tag = "fz1";
    o.to_tag_len = 3;
    o.retry_after = 60;
    o.reason = "SIP;cause=480";
    o.reason_len = 13;
    o.warning = "399 sipcode \"fuzz\"";
    o.warning_len = 18;

    err = sipcode_parse_message(buf, size, 0, h, CAP, &m, &used, NULL);
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION) {
        o.code = 400;
        o.flags = SIPCODE_REPLY_UDP;
        o.max_len = size + SIPCODE_REPLY_SLACK;
        err = sipcode_build_bad_request(buf, size, &o, out, sizeof out, &needed);
        if (err == SIPCODE_OK) {
            struct sipcode_slice none = {NULL, 0};
            if (needed > size + SIPCODE_REPLY_SLACK)
                __builtin_trap();
            check_reply(out, needed, 400, none, 0);
        }
        return 0;
    }
    if (!m.is_request || (m.request.method.len == 3 && memcmp(m.request.method.ptr, "ACK", 3) == 0))
        return 0;
    codes[0] = err == SIPCODE_EVERSION ? 505 : 100 + (int)(size % 600);
    codes[1] = 401;
    codes[2] = 486;
    for (k = 0; k < 3; k++) {
        o.code = codes[k];
        o.flags = k == 2 ? SIPCODE_REPLY_UDP : 0;
        o.max_len = k == 2 ? used + SIPCODE_REPLY_SLACK : 0;
        err = sipcode_build_reply(buf, &m, &o, out, sizeof out, &needed, NULL);
        if (err == SIPCODE_EAMPLIFY && k == 2)
            continue;
        if (err != SIPCODE_OK)
            __builtin_trap();
        if (k == 2 && needed > used + SIPCODE_REPLY_SLACK)
            __builtin_trap();
        check_reply(out, needed, codes[k], m.call_id, 1);
    }
    return 0;
}
