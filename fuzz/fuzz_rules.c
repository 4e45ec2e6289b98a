/* Fuzz target for the rules-file parser. Properties: success appends only
 * rules with exactly one action, codes in 100..699, NUL-terminated texts
 * no longer than their field; an error names a line inside the input and
 * an offset inside that line, and leaves earlier rules in place. */
#include <stdint.h>
#include <string.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const struct sipcode_plan_text *t)
{
    if (t->len >= SIPCODE_PLAN_TEXT || t->text[t->len] != '\0')
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sipcode_plan plan;
    struct sipcode_diag diag = {(size_t)-1, NULL};
    unsigned line = 0, lines = 1;
    size_t i, k;
    enum sipcode_err err;

    sipcode_plan_init(&plan);
    err = sipcode_plan_parse_rules(&plan, (const char *)data, size, &line, &diag);
    for (i = 0; i < size; i++)
        if (data[i] == '\n')
            lines++;
    if (err != SIPCODE_OK) {
        if (line == 0 || line > lines || !diag.reason || diag.offset > size)
            __builtin_trap();
    }
    if (plan.rule_count > SIPCODE_PLAN_MAX_RULES)
        __builtin_trap();
    for (i = 0; i < plan.rule_count; i++) {
        const struct sipcode_rule *r = &plan.rules[i];
        check_text(&r->method);
        check_text(&r->user);
        check_text(&r->style.reason);
        check_text(&r->style.warning);
        check_text(&r->style.phrase);
        if (r->line == 0 || r->line > lines)
            __builtin_trap();
        if (r->action == SIPCODE_ACTION_CODE && (r->code < 100 || r->code > 699))
            __builtin_trap();
        if (r->action == SIPCODE_ACTION_MIX) {
            if (r->mix_count == 0 || r->mix_count > SIPCODE_PLAN_MAX_MIX)
                __builtin_trap();
            for (k = 0; k < r->mix_count; k++)
                if (r->mix[k].code < 100 || r->mix[k].code > 699 || r->mix[k].weight == 0)
                    __builtin_trap();
        }
        if (r->style.ring_count > SIPCODE_PLAN_MAX_RING)
            __builtin_trap();
        for (k = 0; k < r->style.ring_count; k++)
            if (r->style.ring[k] < 100 || r->style.ring[k] > 199)
                __builtin_trap();
    }
    return 0;
}
