/* Fuzz target for sipcode_parse_status_line() and its formatter. The first
 * byte picks the lenient flags; the rest is the line. Properties: success
 * means used <= size, a code in 100..699 and a phrase inside the input; the
 * formatter round-trips what the strict parser accepted. */
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
    struct sipcode_status_line sl, again;
    struct sipcode_diag diag = {0, NULL};
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

    err = sipcode_parse_status_line(line, size, flags, &sl, &used, &diag);
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION) {
        if (!diag.reason || diag.offset > size)
            __builtin_trap();
        return 0;
    }
    if (used > size || used < 12 || sl.code < 100 || sl.code > 699 ||
        !inside(sl.reason, line, used))
        __builtin_trap();
    if (err == SIPCODE_EVERSION && sl.version_major == 2 && sl.version_minor == 0)
        __builtin_trap();
    /* A prefix of an accepted line is never accepted as something else. */
    if (sipcode_parse_status_line(line, used - 1, flags, &again, &used2, NULL) == SIPCODE_OK)
        __builtin_trap();
    if (err != SIPCODE_OK || flags != 0)
        return 0;

    /* The strict fast path and the general parser agree: VERSION_CASE sends
     * the same line through the general parser and changes nothing else. */
    if (sipcode_parse_status_line(line, size, SIPCODE_LENIENT_VERSION_CASE, &again, &used2,
                                  NULL) != SIPCODE_OK ||
        used2 != used || again.code != sl.code || again.reason.ptr != sl.reason.ptr ||
        again.reason.len != sl.reason.len)
        __builtin_trap();

    /* format(parse(x)) == x for strict lines */
    if (sipcode_format_status_line(out, sizeof out, sl.code, sl.reason.ptr, sl.reason.len,
                                   &needed) != SIPCODE_OK ||
        needed != used || memcmp(out, line, used) != 0)
        __builtin_trap();
    if (sipcode_parse_status_line(out, needed, 0, &again, &used2, NULL) != SIPCODE_OK ||
        again.code != sl.code || again.reason.len != sl.reason.len)
        __builtin_trap();
    return 0;
}
