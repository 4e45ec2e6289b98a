/* Fuzz target for the Reason header field: sipcode_parse_reason(),
 * sipcode_unquote() and sipcode_format_reason(). Checks properties, not only
 * survival: slices lie inside the input, numbers in range, count and ELIMIT
 * agree with the caller's cap, nothing is written on error, and what is
 * parsed formats and parses back to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4

static int inside(struct sipcode_slice s, const char *in, size_t size)
{
    return s.ptr >= in && s.len <= size && s.ptr + s.len <= in + size;
}

static int absent(struct sipcode_slice s)
{
    return s.ptr == NULL && s.len == 0;
}

static int token_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr("-.!%*_+`'~", c) != NULL);
}

static int same(struct sipcode_slice a, const char *b, size_t blen)
{
    return a.len == blen && (blen == 0 || memcmp(a.ptr, b, blen) == 0);
}

static void check_value(const struct sipcode_reason *r, const char *in, size_t size)
{
    const char *name;
    size_t i, needed = 0;
    char *plain, out[512];

    if (!inside(r->protocol, in, size) || r->protocol.len == 0)
        __builtin_trap();
    for (i = 0; i < r->protocol.len; i++)
        if (!token_byte((unsigned char)r->protocol.ptr[i]))
            __builtin_trap();
    name = sipcode_reason_protocol_name(r->id);
    if (r->id == SIPCODE_REASON_UNKNOWN ? name != NULL : (!name || strlen(name) != r->protocol.len))
        __builtin_trap();
    if (r->cause < -1 || r->cause > (long)SIPCODE_MAX_REASON_CAUSE)
        __builtin_trap();
    if (r->has_text ? !inside(r->text, in, size) || r->text.ptr == in || r->text.ptr[-1] != '"' ||
                          r->text.ptr[r->text.len] != '"'
                    : !absent(r->text))
        __builtin_trap();
    if (!absent(r->location) && (!inside(r->location, in, size) || r->location.len == 0))
        __builtin_trap();
    if (!absent(r->params) && (!inside(r->params, in, size) || r->params.ptr[0] != ';'))
        __builtin_trap();

    /* the text unquotes, and never grows */
    plain = malloc(r->text.len + 1);
    if (!plain)
        return;
    if (r->has_text) {
        if (sipcode_unquote(r->text.ptr, r->text.len, plain, r->text.len + 1, &needed) !=
                SIPCODE_OK ||
            needed > r->text.len)
            __builtin_trap();
    }

    /* format, parse back, compare (the formatter writes only values with a
     * cause, and refuses controls that quoted-pairs may carry) */
    /* bounded so even an all-escaped text fits out[]: 100 + 12 + 7 + 300 + 1 */
    if (r->cause >= 0 && r->protocol.len < 100 && needed < 150) {
        size_t n = 0, count = 0;
        struct sipcode_reason back;
        enum sipcode_err err =
            sipcode_format_reason(out, sizeof out, r->protocol.ptr, r->protocol.len, r->cause,
                                  r->has_text ? plain : NULL, needed, &n);
        if (err == SIPCODE_OK) {
            char plain2[512];
            size_t n2 = 0;
            if (sipcode_parse_reason(out, n, &back, 1, &count, NULL) != SIPCODE_OK || count != 1 ||
                !same(back.protocol, r->protocol.ptr, r->protocol.len) || back.id != r->id ||
                back.cause != r->cause || back.has_text != r->has_text)
                __builtin_trap();
            if (back.has_text && (sipcode_unquote(back.text.ptr, back.text.len, plain2,
                                                  sizeof plain2, &n2) != SIPCODE_OK ||
                                  n2 != needed || memcmp(plain2, plain, needed) != 0))
                __builtin_trap();
        } else {
            /* only for controls that came in as quoted-pairs */
            int control = 0;
            for (i = 0; i < needed; i++)
                if (((unsigned char)plain[i] < 0x20 && plain[i] != '\t') || plain[i] == 0x7f)
                    control = 1;
            if (err != SIPCODE_EMALFORMED || !r->has_text || !control)
                __builtin_trap();
        }
    }
    free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct sipcode_reason out[CAP + 1];
    struct sipcode_diag diag = {0, NULL};
    size_t count = (size_t)-1, total = (size_t)-1, i;
    enum sipcode_err err;
    char buf[64];
    size_t needed = 0;

    if (!data)
        return 0; /* the parsers answer EINVAL for NULL; nothing to check */
    memset(out, 0xa5, sizeof out);
    err = sipcode_parse_reason(in, size, out, CAP, &count, &diag);
    switch (err) {
    case SIPCODE_OK:
    case SIPCODE_ELIMIT:
        if (count == 0 || (err == SIPCODE_OK) != (count <= CAP))
            __builtin_trap();
        /* a sizing call agrees */
        if (sipcode_parse_reason(in, size, NULL, 0, &total, NULL) != SIPCODE_ELIMIT ||
            total != count)
            __builtin_trap();
        for (i = 0; i < count && i < CAP; i++)
            check_value(&out[i], in, size);
        if (((unsigned char *)&out[CAP])[0] != 0xa5)
            __builtin_trap(); /* past the cap */
        break;
    case SIPCODE_EMALFORMED:
    case SIPCODE_ERANGE:
        if (count != (size_t)-1 || ((unsigned char *)out)[0] != 0xa5 || !diag.reason ||
            diag.offset > size)
            __builtin_trap();
        break;
    default:
        __builtin_trap();
    }

    /* the whole input as a protocol token: the formatter takes it iff it is one */
    err = sipcode_format_reason(buf, sizeof buf, in, size, 16, NULL, 0, &needed);
    if (err == SIPCODE_OK || err == SIPCODE_ENOSPACE) {
        for (i = 0; i < size; i++)
            if (!token_byte(data[i]))
                __builtin_trap();
        if (size == 0 || needed != size + 9)
            __builtin_trap();
    } else if (err != SIPCODE_EMALFORMED) {
        __builtin_trap();
    }

    /* the input as quoted-string content */
    {
        char *plain = malloc(size + 1);
        if (plain) {
            err = sipcode_unquote(in, size, plain, size + 1, &needed);
            if (err == SIPCODE_OK ? needed > size : err != SIPCODE_EMALFORMED)
                __builtin_trap();
            free(plain);
        }
    }
    return 0;
}
