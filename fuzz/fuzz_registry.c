/* Fuzz target for the registry's text inputs: sipcode_parse_code(),
 * sipcode_lookup_phrase(), sipcode_search() and lookups by arbitrary ints.
 * Checks properties, not only survival: results are consistent and inside
 * the table, and out-parameters are untouched on error. */
#include <stdint.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int in_table(const struct sipcode_info *e)
{
    return e && sipcode_lookup(e->code) == e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const struct sipcode_info *hits[8];
    const struct sipcode_info *e;
    size_t total, i;
    int code = -1;

    switch (sipcode_parse_code(text, size, &code)) {
    case SIPCODE_OK:
        if (size != 3 || code < 100 || code > 699 ||
            code != (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0'))
            __builtin_trap();
        break;
    case SIPCODE_ERANGE:
    case SIPCODE_EMALFORMED:
        if (code != -1)
            __builtin_trap();
        break;
    default:
        __builtin_trap();
    }

    e = sipcode_lookup_phrase(text, size);
    if (e && !in_table(e))
        __builtin_trap();

    total = sipcode_search(text, size, hits, 8);
    if (total != sipcode_search(text, size, NULL, 0) || total > sipcode_registry_count())
        __builtin_trap();
    for (i = 0; i < total && i < 8; i++)
        if (!in_table(hits[i]))
            __builtin_trap();

    if (size >= sizeof(int)) {
        int value;
        struct sipcode_resolution r;
        memcpy(&value, data, sizeof value);
        e = sipcode_lookup(value);
        if (e && e->code != value)
            __builtin_trap();
        if (sipcode_resolve(value, &r) == SIPCODE_OK) {
            if (!sipcode_is_valid(value) || !r.effective_info ||
                (r.effective != value && r.effective != value / 100 * 100 &&
                 !(value < 200 && r.effective == 183)))
                __builtin_trap();
        } else if (sipcode_is_valid(value)) {
            __builtin_trap();
        }
    }
    return 0;
}
