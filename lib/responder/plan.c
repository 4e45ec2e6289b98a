/* The responder's plan: rules that choose a response code for a request,
 * the rules-file parser and the option syntaxes it shares with the command.
 * Fixed-capacity structs; no allocation, no I/O. */
#include <string.h>

#include "sipcode/registry.h"
#include "sipcode/responder.h"
#include "sipcode/semantics.h"

/* ---- the PRNG --------------------------------------------------------------------- */

void sipcode_prng_seed(struct sipcode_prng *p, uint64_t seed)
{
    if (p)
        p->state = seed;
}

/* splitmix64: tiny, well mixed, and every seed is a good one. */
uint32_t sipcode_prng_next(struct sipcode_prng *p)
{
    uint64_t z;
    if (!p)
        return 0;
    p->state += 0x9e3779b97f4a7c15ull;
    z = p->state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (uint32_t)(z >> 32);
}

/* ---- plan ------------------------------------------------------------------------- */

void sipcode_style_init(struct sipcode_reply_style *style)
{
    memset(style, 0, sizeof *style);
    style->delay_ms = -1;
    style->retry_after = -1;
}

void sipcode_plan_init(struct sipcode_plan *plan)
{
    if (!plan)
        return;
    memset(plan, 0, sizeof *plan);
    plan->default_code = 200;
    sipcode_style_init(&plan->style);
    memcpy(plan->realm.text, "sipcode", 8);
    plan->realm.len = 7;
}

enum sipcode_err sipcode_plan_add(struct sipcode_plan *plan, const struct sipcode_rule *rule)
{
    if (!plan || !rule)
        return SIPCODE_EINVAL;
    if (plan->rule_count >= SIPCODE_PLAN_MAX_RULES)
        return SIPCODE_ELIMIT;
    plan->rules[plan->rule_count++] = *rule;
    return SIPCODE_OK;
}

static enum sipcode_err bad(struct sipcode_diag *diag, size_t offset, enum sipcode_err err,
                            const char *why)
{
    if (diag) {
        diag->offset = offset;
        diag->reason = why;
    }
    return err;
}

/* Reads one number of 1..max_digits digits at text[*i]; ERANGE above max. */
static enum sipcode_err take_number(const char *text, size_t len, size_t *i, unsigned long max,
                                    unsigned long *out, struct sipcode_diag *diag)
{
    size_t start = *i;
    unsigned long v = 0;
    while (*i < len && text[*i] >= '0' && text[*i] <= '9') {
        if (*i - start >= 9)
            return bad(diag, start, SIPCODE_ERANGE, "number too large");
        v = v * 10 + (unsigned long)(text[*i] - '0');
        (*i)++;
    }
    if (*i == start)
        return bad(diag, start, SIPCODE_EMALFORMED, "expected a number");
    if (v > max)
        return bad(diag, start, SIPCODE_ERANGE, "number too large");
    *out = v;
    return SIPCODE_OK;
}

static enum sipcode_err take_code(const char *text, size_t len, size_t *i, int *code,
                                  struct sipcode_diag *diag)
{
    size_t start = *i;
    while (*i < len && text[*i] >= '0' && text[*i] <= '9')
        (*i)++;
    if (sipcode_parse_code(text + start, *i - start, code) != SIPCODE_OK)
        return bad(diag, start, *i > start ? SIPCODE_ERANGE : SIPCODE_EMALFORMED,
                   "expected a response code 100..699");
    return SIPCODE_OK;
}

enum sipcode_err sipcode_parse_mix(const char *text, size_t len, struct sipcode_rule *rule,
                                   struct sipcode_diag *diag)
{
    struct sipcode_mix_entry mix[SIPCODE_PLAN_MAX_MIX];
    size_t n = 0, i = 0;
    if (!text || !rule)
        return SIPCODE_EINVAL;
    for (;;) {
        unsigned long w;
        enum sipcode_err err;
        if (n == SIPCODE_PLAN_MAX_MIX)
            return bad(diag, i, SIPCODE_ELIMIT, "more than 16 mix entries");
        err = take_code(text, len, &i, &mix[n].code, diag);
        if (err)
            return err;
        if (i >= len || text[i] != ':')
            return bad(diag, i, SIPCODE_EMALFORMED, "expected ':' and a weight after the code");
        i++;
        err = take_number(text, len, &i, 1000000, &w, diag);
        if (err)
            return err;
        if (w == 0)
            return bad(diag, i - 1, SIPCODE_ERANGE, "weight must be 1..1000000");
        mix[n++].weight = (unsigned)w;
        if (i == len)
            break;
        if (text[i] != ',')
            return bad(diag, i, SIPCODE_EMALFORMED, "expected ',' between mix entries");
        i++;
    }
    memcpy(rule->mix, mix, n * sizeof *mix);
    rule->mix_count = n;
    rule->action = SIPCODE_ACTION_MIX;
    return SIPCODE_OK;
}

enum sipcode_err sipcode_parse_ring(const char *text, size_t len,
                                    struct sipcode_reply_style *style, struct sipcode_diag *diag)
{
    int ring[SIPCODE_PLAN_MAX_RING];
    size_t n = 0, i = 0;
    if (!text || !style)
        return SIPCODE_EINVAL;
    for (;;) {
        size_t at = i;
        enum sipcode_err err;
        if (n == SIPCODE_PLAN_MAX_RING)
            return bad(diag, i, SIPCODE_ELIMIT, "more than 8 provisional codes");
        err = take_code(text, len, &i, &ring[n], diag);
        if (err)
            return err;
        if (ring[n] >= 200)
            return bad(diag, at, SIPCODE_ERANGE, "a ring code must be provisional (1xx)");
        n++;
        if (i == len)
            break;
        if (text[i] != ',')
            return bad(diag, i, SIPCODE_EMALFORMED, "expected ',' between codes");
        i++;
    }
    memcpy(style->ring, ring, n * sizeof *ring);
    style->ring_count = n;
    style->has_ring = 1;
    return SIPCODE_OK;
}

static int same_nocase(const char *a, size_t alen, const char *b)
{
    size_t i, blen = strlen(b);
    if (alen != blen)
        return 0;
    for (i = 0; i < alen; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

enum sipcode_err sipcode_check_reason_spec(const char *text, size_t len,
                                           struct sipcode_diag *diag)
{
    size_t count = 0;
    enum sipcode_err err;
    if (!text)
        return SIPCODE_EINVAL;
    if (same_nocase(text, len, "sip") || same_nocase(text, len, "q850"))
        return SIPCODE_OK;
    if (len == 0)
        return bad(diag, 0, SIPCODE_EMALFORMED, "empty Reason");
    err = sipcode_parse_reason(text, len, NULL, 0, &count, diag);
    return err == SIPCODE_ELIMIT ? SIPCODE_OK : err;
}

enum sipcode_err sipcode_check_warning(const char *text, size_t len, struct sipcode_diag *diag)
{
    struct sipcode_warning w[4];
    size_t count = 0;
    enum sipcode_err err;
    if (!text)
        return SIPCODE_EINVAL;
    err = sipcode_parse_warning(text, len, w, 4, &count, diag);
    return err == SIPCODE_ELIMIT ? SIPCODE_OK : err;
}

enum sipcode_err sipcode_check_phrase(const char *text, size_t len, struct sipcode_diag *diag)
{
    char line[8];
    size_t needed;
    enum sipcode_err err;
    if (!text)
        return SIPCODE_EINVAL;
    err = sipcode_format_status_line(line, 0, 200, text, len, &needed);
    if (err == SIPCODE_ENOSPACE)
        return SIPCODE_OK; /* it would fit in a large enough buffer: fine */
    if (err == SIPCODE_EMALFORMED)
        return bad(diag, 0, err, "the phrase holds a byte a reason phrase cannot");
    return err;
}

struct sipcode_slice sipcode_request_uri_user(struct sipcode_slice uri)
{
    struct sipcode_slice user = {NULL, 0};
    size_t i, start;
    if (uri.len >= 4 && same_nocase(uri.ptr, 4, "sip:"))
        start = 4;
    else if (uri.len >= 5 && same_nocase(uri.ptr, 5, "sips:"))
        start = 5;
    else if (uri.len >= 4 && same_nocase(uri.ptr, 4, "tel:")) {
        /* tel:503 - the whole number, up to parameters */
        for (i = 4; i < uri.len && uri.ptr[i] != ';'; i++)
            ;
        user.ptr = uri.ptr + 4;
        user.len = i - 4;
        return user;
    } else
        return user;
    /* userinfo ends at '@'; a ':' before it starts the password, ';' user params */
    for (i = start; i < uri.len; i++)
        if (uri.ptr[i] == '@')
            break;
    if (i == uri.len)
        return user;
    user.ptr = uri.ptr + start;
    user.len = i - start;
    for (i = 0; i < user.len; i++)
        if (user.ptr[i] == ':' || user.ptr[i] == ';') {
            user.len = i;
            break;
        }
    return user;
}

static int rule_matches(const struct sipcode_rule *r, const struct sipcode_message *req,
                        struct sipcode_slice user)
{
    if (r->method.len && (r->method.len != req->request.method.len ||
                          memcmp(r->method.text, req->request.method.ptr, r->method.len) != 0))
        return 0;
    if (r->user.len) {
        if (r->user.text[r->user.len - 1] == '*') {
            size_t n = r->user.len - 1;
            if (user.len < n || memcmp(user.ptr, r->user.text, n) != 0)
                return 0;
        } else if (user.len != r->user.len || memcmp(user.ptr, r->user.text, user.len) != 0)
            return 0;
    }
    if (r->auth) {
        /* credentials present, checked or not: lets a rules file answer the
         * first REGISTER 401 and the retried one 200 (RFC 3261 22.2) */
        int has = sipcode_message_find(req, "Authorization", 13, NULL) != NULL ||
                  sipcode_message_find(req, "Proxy-Authorization", 19, NULL) != NULL;
        if (has != (r->auth > 0))
            return 0;
    }
    return 1;
}

static int pick_mix(const struct sipcode_rule *r, struct sipcode_prng *prng)
{
    uint64_t total = 0, x;
    size_t i;
    for (i = 0; i < r->mix_count; i++)
        total += r->mix[i].weight;
    if (!prng || total == 0)
        return r->mix_count ? r->mix[0].code : 200;
    /* 32 random bits scaled: unbiased enough for weights up to 10^6 */
    x = ((uint64_t)sipcode_prng_next(prng) * total) >> 32;
    for (i = 0; i < r->mix_count; i++) {
        if (x < r->mix[i].weight)
            return r->mix[i].code;
        x -= r->mix[i].weight;
    }
    return r->mix[r->mix_count - 1].code;
}

static const struct sipcode_plan_text *text_or(const struct sipcode_plan_text *a,
                                               const struct sipcode_plan_text *b)
{
    if (a && a->len)
        return a;
    return b && b->len ? b : NULL;
}

void sipcode_plan_choose(const struct sipcode_plan *plan, const struct sipcode_message *req,
                         struct sipcode_prng *prng, struct sipcode_choice *out)
{
    struct sipcode_slice user = sipcode_request_uri_user(req->request.uri);
    const struct sipcode_rule *hit = NULL;
    const struct sipcode_reply_style *s, *d = &plan->style;
    int code = plan->default_code;
    size_t i;
    int invite = req->request.method.len == 6 && memcmp(req->request.method.ptr, "INVITE", 6) == 0;

    int bye = req->request.method.len == 3 && memcmp(req->request.method.ptr, "BYE", 3) == 0;

    for (i = 0; i < plan->rule_count && !hit; i++) {
        const struct sipcode_rule *r = &plan->rules[i];
        if (bye && !r->method.len)
            continue;
        if (!rule_matches(r, req, user))
            continue;
        switch (r->action) {
        case SIPCODE_ACTION_DIAL:
            if (user.len == 3 && sipcode_parse_code(user.ptr, 3, &code) == SIPCODE_OK)
                hit = r;
            break;
        case SIPCODE_ACTION_MIX:
            code = pick_mix(r, prng);
            hit = r;
            break;
        default:
            code = r->code;
            hit = r;
            break;
        }
    }
    if (!hit)
        code = bye ? 200 : plan->default_code;
    s = hit ? &hit->style : NULL;
    out->code = code;
    out->rule = hit;
    out->delay_ms = s && s->delay_ms >= 0 ? s->delay_ms : d->delay_ms >= 0 ? d->delay_ms : 0;
    if (s && s->has_ring) {
        out->ring = s->ring;
        out->ring_count = s->ring_count;
    } else {
        out->ring = d->ring;
        out->ring_count = d->ring_count;
    }
    if (!invite)
        out->ring_count = 0; /* provisionals other than 100 are for INVITE (lint) */
    out->reason = text_or(s ? &s->reason : NULL, &d->reason);
    out->warning = text_or(s ? &s->warning : NULL, &d->warning);
    out->phrase = text_or(s ? &s->phrase : NULL, &d->phrase);
    out->retry_after = s && s->retry_after >= 0 ? s->retry_after : d->retry_after;
}

/* ---- Reason for a code ----------------------------------------------------------- */

enum sipcode_err sipcode_reason_for_code(const char *spec, size_t spec_len, int code, char *buf,
                                         size_t cap, size_t *needed)
{
    if (!spec || !needed)
        return SIPCODE_EINVAL;
    if (same_nocase(spec, spec_len, "sip")) {
        const char *phrase = sipcode_phrase(code);
        return sipcode_format_reason(buf, cap, "SIP", 3, code, phrase,
                                     phrase ? strlen(phrase) : 0, needed);
    }
    if (same_nocase(spec, spec_len, "q850")) {
        struct sipcode_mapping m;
        const struct sipcode_q850_info *q;
        enum sipcode_err err = sipcode_sip_to_q850(NULL, code, NULL, 0, &m);
        if (err)
            return err;
        if (m.cause <= 0)
            return SIPCODE_ENOTFOUND;
        q = sipcode_q850_lookup(m.cause);
        return sipcode_format_reason(buf, cap, "Q.850", 5, m.cause, q ? q->name : NULL,
                                     q ? strlen(q->name) : 0, needed);
    }
    *needed = spec_len;
    if (spec_len > cap || !buf)
        return SIPCODE_ENOSPACE;
    memcpy(buf, spec, spec_len);
    if (spec_len < cap)
        buf[spec_len] = '\0';
    return SIPCODE_OK;
}

/* ---- the rules file ------------------------------------------------------------- */

/* One "key[=value]" word of a line; value quoted "..." (\" and \\ escapes)
 * or '...' (raw), else up to white space. */
struct word {
    size_t key_at, key_len;
    int has_value;
    char value[SIPCODE_PLAN_TEXT];
    size_t value_len, value_at;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static enum sipcode_err take_word(const char *line, size_t len, size_t *i, struct word *w,
                                  struct sipcode_diag *diag)
{
    size_t p = *i;
    w->key_at = p;
    while (p < len && !is_space(line[p]) && line[p] != '=')
        p++;
    w->key_len = p - w->key_at;
    w->has_value = 0;
    w->value_len = 0;
    if (w->key_len == 0)
        return bad(diag, p, SIPCODE_EMALFORMED, "expected a key");
    if (p < len && line[p] == '=') {
        p++;
        w->has_value = 1;
        w->value_at = p;
        if (p < len && (line[p] == '"' || line[p] == '\'')) {
            char q = line[p++];
            for (;;) {
                char c;
                if (p >= len)
                    return bad(diag, w->value_at, SIPCODE_EMALFORMED, "unterminated quoted value");
                c = line[p++];
                if (c == q)
                    break;
                if (q == '"' && c == '\\') {
                    if (p >= len)
                        return bad(diag, p, SIPCODE_EMALFORMED, "unterminated quoted value");
                    c = line[p++];
                }
                if (w->value_len + 1 >= SIPCODE_PLAN_TEXT)
                    return bad(diag, w->value_at, SIPCODE_ELIMIT, "value longer than 127 bytes");
                w->value[w->value_len++] = c;
            }
            if (p < len && !is_space(line[p]))
                return bad(diag, p, SIPCODE_EMALFORMED, "expected white space after the quote");
        } else {
            while (p < len && !is_space(line[p])) {
                if (w->value_len + 1 >= SIPCODE_PLAN_TEXT)
                    return bad(diag, w->value_at, SIPCODE_ELIMIT, "value longer than 127 bytes");
                w->value[w->value_len++] = line[p++];
            }
        }
        w->value[w->value_len] = '\0';
    }
    *i = p;
    return SIPCODE_OK;
}

static void set_text(struct sipcode_plan_text *t, const struct word *w)
{
    memcpy(t->text, w->value, w->value_len + 1);
    t->len = w->value_len;
}

static int key_is(const char *line, const struct word *w, const char *key)
{
    return w->key_len == strlen(key) && memcmp(line + w->key_at, key, w->key_len) == 0;
}

static int is_token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("-.!%*_+`'~", c));
}

/* Adds diag offsets of a value's own parser to the value's position. */
static enum sipcode_err at_value(enum sipcode_err err, const struct word *w,
                                 struct sipcode_diag *diag)
{
    if (err && diag)
        diag->offset += w->value_at;
    return err;
}

static enum sipcode_err parse_line(const char *line, size_t len, struct sipcode_rule *r,
                                   int *empty, struct sipcode_diag *diag)
{
    size_t i = 0;
    unsigned seen = 0;
    int actions = 0;
    memset(r, 0, sizeof *r);
    sipcode_style_init(&r->style);
    *empty = 1;
    for (;;) {
        struct word w;
        unsigned bit;
        enum sipcode_err err;
        unsigned long n;
        size_t k;
        static const char *const keys[] = {"method", "user",    "code",   "dial",
                                           "mix",    "delay",   "ring",   "reason",
                                           "warning", "phrase", "retry-after", "auth"};
        while (i < len && is_space(line[i]))
            i++;
        if (i == len || line[i] == '#')
            break;
        err = take_word(line, len, &i, &w, diag);
        if (err)
            return err;
        *empty = 0;
        for (k = 0; k < sizeof keys / sizeof *keys; k++)
            if (key_is(line, &w, keys[k]))
                break;
        if (k == sizeof keys / sizeof *keys)
            return bad(diag, w.key_at, SIPCODE_EMALFORMED, "unknown key");
        bit = 1u << k;
        if (seen & bit)
            return bad(diag, w.key_at, SIPCODE_EMALFORMED, "key given twice");
        seen |= bit;
        if (k == 3) { /* dial takes no value */
            if (w.has_value)
                return bad(diag, w.key_at, SIPCODE_EMALFORMED, "dial takes no value");
            r->action = SIPCODE_ACTION_DIAL;
            actions++;
            continue;
        }
        if (!w.has_value || w.value_len == 0)
            return bad(diag, w.key_at, SIPCODE_EMALFORMED, "key needs a value: key=value");
        switch (k) {
        case 0: {
            size_t c;
            for (c = 0; c < w.value_len; c++)
                if (!is_token_char((unsigned char)w.value[c]))
                    return bad(diag, w.value_at + c, SIPCODE_EMALFORMED,
                               "method is not a token");
            set_text(&r->method, &w);
            break;
        }
        case 1:
            set_text(&r->user, &w);
            break;
        case 2: {
            size_t at = 0;
            err = take_code(w.value, w.value_len, &at, &r->code, diag);
            if (!err && at != w.value_len)
                err = bad(diag, at, SIPCODE_EMALFORMED, "expected a response code 100..699");
            if (err)
                return at_value(err, &w, diag);
            r->action = SIPCODE_ACTION_CODE;
            actions++;
            break;
        }
        case 4:
            err = sipcode_parse_mix(w.value, w.value_len, r, diag);
            if (err)
                return at_value(err, &w, diag);
            actions++;
            break;
        case 5: {
            size_t at = 0;
            err = take_number(w.value, w.value_len, &at, 3600000, &n, diag);
            if (!err && at != w.value_len)
                err = bad(diag, at, SIPCODE_EMALFORMED, "delay is milliseconds, digits only");
            if (err)
                return at_value(err, &w, diag);
            r->style.delay_ms = (long)n;
            break;
        }
        case 6:
            err = sipcode_parse_ring(w.value, w.value_len, &r->style, diag);
            if (err)
                return at_value(err, &w, diag);
            break;
        case 7:
            err = sipcode_check_reason_spec(w.value, w.value_len, diag);
            if (err)
                return at_value(err, &w, diag);
            set_text(&r->style.reason, &w);
            break;
        case 8:
            err = sipcode_check_warning(w.value, w.value_len, diag);
            if (err)
                return at_value(err, &w, diag);
            set_text(&r->style.warning, &w);
            break;
        case 9:
            err = sipcode_check_phrase(w.value, w.value_len, diag);
            if (err)
                return at_value(err, &w, diag);
            set_text(&r->style.phrase, &w);
            break;
        case 11:
            if (w.value_len == 3 && memcmp(w.value, "yes", 3) == 0)
                r->auth = 1;
            else if (w.value_len == 2 && memcmp(w.value, "no", 2) == 0)
                r->auth = -1;
            else
                return bad(diag, w.value_at, SIPCODE_EMALFORMED, "auth is yes or no");
            break;
        default: {
            size_t at = 0;
            err = take_number(w.value, w.value_len, &at, 4294967, &n, diag);
            if (!err && at != w.value_len)
                err = bad(diag, at, SIPCODE_EMALFORMED, "retry-after is seconds, digits only");
            if (err)
                return at_value(err, &w, diag);
            r->style.retry_after = (long)n;
            break;
        }
        }
    }
    if (*empty)
        return SIPCODE_OK;
    if (actions == 0)
        return bad(diag, 0, SIPCODE_EMALFORMED, "the rule needs one of code=, dial or mix=");
    if (actions > 1)
        return bad(diag, 0, SIPCODE_EMALFORMED, "the rule has more than one of code=, dial, mix=");
    return SIPCODE_OK;
}

enum sipcode_err sipcode_plan_parse_rules(struct sipcode_plan *plan, const char *text,
                                          size_t len, unsigned *line,
                                          struct sipcode_diag *diag)
{
    size_t at = 0;
    unsigned n = 0;
    if (!plan || (!text && len))
        return SIPCODE_EINVAL;
    while (at < len) {
        size_t end = at, next;
        struct sipcode_rule r;
        int empty;
        enum sipcode_err err;
        while (end < len && text[end] != '\n')
            end++;
        next = end < len ? end + 1 : end;
        if (end > at && text[end - 1] == '\r')
            end--;
        n++;
        err = parse_line(text + at, end - at, &r, &empty, diag);
        if (!err && !empty) {
            r.line = n;
            err = sipcode_plan_add(plan, &r);
            if (err)
                bad(diag, 0, err, "more than 64 rules");
        }
        if (err) {
            if (line)
                *line = n;
            return err;
        }
        at = next;
    }
    return SIPCODE_OK;
}
