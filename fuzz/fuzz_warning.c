/* Fuzz target for the Warning header field: sipcode_parse_warning() and
 * sipcode_format_warning(), with the warn-code table. Checks properties:
 * the code is the three digits before the agent and lies in 100..999,
 * slices lie inside the input, count and ELIMIT agree with the cap, nothing
 * is written on error, and format -> parse gives back the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 3

static int inside(struct sipcode_slice s, const char *in, size_t size)
{
    return s.ptr >= in && s.len <= size && s.ptr + s.len <= in + size;
}

static int same(struct sipcode_slice a, struct sipcode_slice b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void check_value(const struct sipcode_warning *w, const char *in, size_t size)
{
    const char *c;
    const struct sipcode_warn_info *info;
    size_t needed = 0, i;
    char *plain;

    if (w->code < 100 || w->code > 999 || !inside(w->agent, in, size) || w->agent.len == 0 ||
        !inside(w->text, in, size) || w->agent.ptr - in < 4 || w->text.ptr == in)
        __builtin_trap();
    /* "ddd SP agent SP ... DQUOTE text DQUOTE" */
    c = w->agent.ptr - 4;
    if (c[3] != ' ' || w->code != (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0') ||
        w->text.ptr[-1] != '"' || w->text.ptr[w->text.len] != '"')
        __builtin_trap();
    info = sipcode_warn_lookup(w->code);
    if (info && info->code != w->code)
        __builtin_trap();

    plain = malloc(w->text.len + 1);
    if (!plain)
        return;
    if (sipcode_unquote(w->text.ptr, w->text.len, plain, w->text.len + 1, &needed) != SIPCODE_OK ||
        needed > w->text.len)
        __builtin_trap();

    /* bounded so even an all-escaped text fits out[]: 4 + 100 + 2 + 300 + 1 */
    if (w->agent.len < 100 && needed < 150) {
        char out[512];
        size_t n = 0, count = 0;
        struct sipcode_warning back;
        enum sipcode_err err = sipcode_format_warning(out, sizeof out, w->code, w->agent.ptr,
                                                      w->agent.len, plain, needed, &n);
        if (err == SIPCODE_OK) {
            char plain2[512];
            size_t n2 = 0;
            if (sipcode_parse_warning(out, n, &back, 1, &count, NULL) != SIPCODE_OK || count != 1 ||
                back.code != w->code || !same(back.agent, w->agent) ||
                sipcode_unquote(back.text.ptr, back.text.len, plain2, sizeof plain2, &n2) !=
                    SIPCODE_OK ||
                n2 != needed || memcmp(plain2, plain, needed) != 0)
                __builtin_trap();
        } else {
            /* only controls that came in as quoted-pairs are refused */
            int control = 0;
            for (i = 0; i < needed; i++)
                if (((unsigned char)plain[i] < 0x20 && plain[i] != '\t') || plain[i] == 0x7f)
                    control = 1;
            if (err != SIPCODE_EMALFORMED || !control)
                __builtin_trap();
        }
    }
    free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct sipcode_warning out[CAP + 1];
    struct sipcode_diag diag = {0, NULL};
    size_t count = (size_t)-1, total = 0, i;
    enum sipcode_err err;

    if (!data)
        return 0; /* the parsers answer EINVAL for NULL; nothing to check */
    memset(out, 0xa5, sizeof out);
    err = sipcode_parse_warning(in, size, out, CAP, &count, &diag);
    switch (err) {
    case SIPCODE_OK:
    case SIPCODE_ELIMIT:
        if (count == 0 || (err == SIPCODE_OK) != (count <= CAP))
            __builtin_trap();
        if (sipcode_parse_warning(in, size, NULL, 0, &total, NULL) != SIPCODE_ELIMIT ||
            total != count)
            __builtin_trap();
        for (i = 0; i < count && i < CAP; i++)
            check_value(&out[i], in, size);
        if (((unsigned char *)&out[CAP])[0] != 0xa5)
            __builtin_trap();
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

    /* the whole input as an agent: what the formatter takes must parse back */
    {
        char buf[256];
        size_t needed = 0, n = 0;
        struct sipcode_warning w;
        err = sipcode_format_warning(buf, sizeof buf, 399, in, size, "x", 1, &needed);
        if (err == SIPCODE_OK) {
            if (sipcode_parse_warning(buf, needed, &w, 1, &n, NULL) != SIPCODE_OK ||
                w.agent.len != size || memcmp(w.agent.ptr, in, size) != 0)
                __builtin_trap();
        } else if (err != SIPCODE_ENOSPACE && err != SIPCODE_EMALFORMED && err != SIPCODE_ERANGE) {
            __builtin_trap();
        }
    }
    return 0;
}
