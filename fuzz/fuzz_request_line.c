/* Fuzz target for sipcode_parse_request_line() and its formatter; the first
 * byte picks the lenient flags. */
#include <stdint.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(struct sipcode_slice s, const char *buf, size_t len)
{
    return s.ptr >= buf && s.len <= len && s.ptr + s.len <= buf + len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sipcode_request_line rl, again;
    size_t used = 0, needed = 0, used2 = 0;
    unsigned flags;
    const char *line;
    char out[SIPCODE_MAX_LINE + 64];
    enum sipcode_err err;

    if (size < 1)
        return 0;
    flags = data[0] & SIPCODE_LENIENT_ALL;
    line = (const char *)data + 1;
    size--;

    err = sipcode_parse_request_line(line, size, flags, &rl, &used, NULL);
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION)
        return 0;
    if (used > size || rl.method.len == 0 || rl.uri.len < 2 || !inside(rl.method, line, used) ||
        !inside(rl.uri, line, used) || memchr(rl.uri.ptr, ' ', rl.uri.len))
        __builtin_trap();
    if (flags != 0)
        return 0;
    /* The strict fast path and the general parser agree: VERSION_CASE sends
     * the same line through the general parser and changes nothing else. */
    if (sipcode_parse_request_line(line, size, SIPCODE_LENIENT_VERSION_CASE, &again, &used2,
                                   NULL) != err ||
        used2 != used || again.method.ptr != rl.method.ptr || again.method.len != rl.method.len ||
        again.uri.ptr != rl.uri.ptr || again.uri.len != rl.uri.len)
        __builtin_trap();
    if (err != SIPCODE_OK)
        return 0;
    if (sipcode_format_request_line(out, sizeof out, rl.method.ptr, rl.method.len, rl.uri.ptr,
                                    rl.uri.len, &needed) != SIPCODE_OK ||
        needed != used || memcmp(out, line, used) != 0)
        __builtin_trap();
    if (sipcode_parse_request_line(out, needed, 0, &again, &used2, NULL) != SIPCODE_OK)
        __builtin_trap();
    return 0;
}
