/* Lookups over the generated registry table (registry_data.c).
 *
 * Everything here reads constant data only: no state, no allocation, no I/O. */
#include <stddef.h>
#include <stdint.h>

#include "registry_data.h"

const struct sipcode_info *sipcode_lookup(int code)
{
    short i;
    if (code < SIPCODE_INDEX_BASE || code > SIPCODE_INDEX_LAST)
        return NULL;
    i = sipcode__registry_index[code - SIPCODE_INDEX_BASE];
    return i < 0 ? NULL : &sipcode__registry[i];
}

const char *sipcode_phrase(int code)
{
    const struct sipcode_info *info = sipcode_lookup(code);
    return info ? info->phrase : NULL;
}

int sipcode_is_valid(int code)
{
    return code >= 100 && code <= 699;
}

int sipcode_class(int code)
{
    return sipcode_is_valid(code) ? code / 100 : 0;
}

const char *sipcode_class_name(int klass)
{
    /* RFC 3261 section 7.2 names the six classes. */
    static const char *const names[] = {"Provisional",  "Success",      "Redirection",
                                        "Client Error", "Server Error", "Global Failure"};
    if (klass < 1 || klass > 6)
        return NULL;
    return names[klass - 1];
}

int sipcode_is_provisional(int code)
{
    return sipcode_class(code) == 1;
}

int sipcode_is_final(int code)
{
    return sipcode_class(code) >= 2;
}

int sipcode_is_success(int code)
{
    return sipcode_class(code) == 2;
}

int sipcode_is_redirect(int code)
{
    return sipcode_class(code) == 3;
}

int sipcode_is_client_failure(int code)
{
    return sipcode_class(code) == 4;
}

int sipcode_is_server_failure(int code)
{
    return sipcode_class(code) == 5;
}

int sipcode_is_global_failure(int code)
{
    return sipcode_class(code) == 6;
}

static int is_registered(const struct sipcode_info *info)
{
    return info &&
           (info->status == SIPCODE_STATUS_CURRENT || info->status == SIPCODE_STATUS_DEPRECATED);
}

enum sipcode_err sipcode_resolve(int code, struct sipcode_resolution *out)
{
    const struct sipcode_info *info;
    int effective;
    if (!out)
        return SIPCODE_EINVAL;
    if (!sipcode_is_valid(code))
        return SIPCODE_ERANGE;
    info = sipcode_lookup(code);
    /* RFC 3261 8.1.3.2: a final response the receiver does not recognise is
     * handled as the x00 code of its class, and an unrecognised provisional
     * one as 183 Session Progress. Only registered codes are ones an RFC 3261
     * stack can be expected to recognise; historic RFC 2543 codes and vendor
     * inventions are not. */
    if (is_registered(info))
        effective = code;
    else if (code < 200)
        effective = 183;
    else
        effective = code / 100 * 100;
    out->code = code;
    out->effective = effective;
    out->fallback = effective != code;
    out->info = info;
    out->effective_info = sipcode_lookup(effective);
    return SIPCODE_OK;
}

int sipcode_effective(int code)
{
    struct sipcode_resolution r;
    return sipcode_resolve(code, &r) == SIPCODE_OK ? r.effective : 0;
}

enum sipcode_err sipcode_parse_code(const char *text, size_t len, int *code)
{
    size_t i;
    int value = 0;
    if (!text || !code)
        return SIPCODE_EINVAL;
    if (len == 0)
        return SIPCODE_EMALFORMED;
    for (i = 0; i < len; i++)
        if (text[i] < '0' || text[i] > '9')
            return SIPCODE_EMALFORMED;
    /* Only the length decides digit strings of other sizes: computing their
     * value could overflow (a ten-digit code wraps in 32 bits). */
    if (len != 3)
        return SIPCODE_ERANGE;
    for (i = 0; i < len; i++)
        value = value * 10 + (text[i] - '0');
    if (!sipcode_is_valid(value))
        return SIPCODE_ERANGE;
    *code = value;
    return SIPCODE_OK;
}

/* ---- text matching ------------------------------------------------------ */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int is_separator(int c)
{
    return c == ' ' || c == '\t' || c == '-' || c == '_' || c == '/';
}

static int is_word_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Yields the characters of a string with case folded and every run of
 * separators turned into one ' ', leading and trailing runs dropped. */
struct folder {
    const char *at, *end;
};

static void folder_init(struct folder *f, const char *s, size_t len)
{
    f->at = s;
    f->end = s + len;
    while (f->at < f->end && is_separator((unsigned char)*f->at))
        f->at++;
}

static int folder_next(struct folder *f)
{
    if (f->at == f->end)
        return -1;
    if (is_separator((unsigned char)*f->at)) {
        while (f->at < f->end && is_separator((unsigned char)*f->at))
            f->at++;
        return f->at == f->end ? -1 : ' ';
    }
    return lower((unsigned char)*f->at++);
}

static int folded_equal(const char *a, size_t alen, const char *b, size_t blen)
{
    struct folder fa, fb;
    folder_init(&fa, a, alen);
    folder_init(&fb, b, blen);
    for (;;) {
        int ca = folder_next(&fa), cb = folder_next(&fb);
        if (ca != cb)
            return 0;
        if (ca < 0)
            return 1;
    }
}

static size_t length(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Calls folded_equal on each ';'-separated alias. */
static int alias_matches(const char *aliases, const char *text, size_t len)
{
    const char *p = aliases;
    while (*p) {
        const char *start = p;
        while (*p && *p != ';')
            p++;
        if (folded_equal(start, (size_t)(p - start), text, len))
            return 1;
        if (*p == ';')
            p++;
    }
    return 0;
}

const struct sipcode_info *sipcode_lookup_phrase(const char *text, size_t len)
{
    size_t i;
    int pass;
    if (!text)
        return NULL;
    /* Three passes so that a phrase always beats another entry's alias. */
    for (pass = 0; pass < 3; pass++) {
        for (i = 0; i < sipcode__registry_count; i++) {
            const struct sipcode_info *e = &sipcode__registry[i];
            int hit = pass == 0   ? folded_equal(e->phrase, length(e->phrase), text, len)
                      : pass == 1 ? folded_equal(e->name, length(e->name), text, len)
                                  : alias_matches(e->aliases, text, len);
            if (hit)
                return e;
        }
    }
    return NULL;
}

/* Compares an index word with the query word q[0..qlen), folding q's case:
 * 0 when the index word starts with q, else the sign of their order. */
static int prefix_compare(const char *word, const char *q, size_t qlen)
{
    size_t i;
    for (i = 0; i < qlen; i++) {
        int a = (unsigned char)word[i], b = lower((unsigned char)q[i]);
        if (a != b)
            return a < b ? -1 : 1; /* also when word ends first: '\0' < b */
    }
    return 0;
}

/* ORs into strong/any the bitsets of every index word that q prefixes. The
 * words are sorted, so those form one run found by binary search. */
static void collect_word(const char *q, size_t qlen, uint64_t *strong, uint64_t *any)
{
    size_t lo = 0, hi = sipcode__word_count, bw = sipcode__bitset_words, k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (prefix_compare(sipcode__words[mid], q, qlen) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < sipcode__word_count && prefix_compare(sipcode__words[lo], q, qlen) == 0; lo++) {
        const uint64_t *bits = &sipcode__word_bits[lo * 2 * bw];
        for (k = 0; k < bw; k++) {
            strong[k] |= bits[k];
            any[k] |= bits[k] | bits[bw + k];
        }
    }
}

size_t sipcode_search(const char *query, size_t len, const struct sipcode_info **out, size_t cap)
{
    uint64_t strong[SIPCODE_MAX_BITSET_WORDS], any[SIPCODE_MAX_BITSET_WORDS];
    size_t bw = sipcode__bitset_words, i = 0, k, words = 0, total = 0;
    int pass;
    if (!query || bw > SIPCODE_MAX_BITSET_WORDS)
        return 0;
    for (k = 0; k < bw; k++)
        strong[k] = any[k] = ~(uint64_t)0;
    /* Every query word must match: intersect the per-word entry sets. */
    while (i < len) {
        uint64_t word_strong[SIPCODE_MAX_BITSET_WORDS] = {0},
                 word_any[SIPCODE_MAX_BITSET_WORDS] = {0};
        size_t start;
        while (i < len && !is_word_char((unsigned char)query[i]))
            i++;
        if (i == len)
            break;
        start = i;
        while (i < len && is_word_char((unsigned char)query[i]))
            i++;
        words++;
        collect_word(query + start, i - start, word_strong, word_any);
        for (k = 0; k < bw; k++) {
            strong[k] &= word_strong[k];
            any[k] &= word_any[k];
        }
    }
    if (!words)
        return 0;
    /* Entries matching on code, phrase, name or aliases alone come first. */
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < sipcode__registry_count; i++) {
            uint64_t bit = (uint64_t)1 << (i % 64);
            int is_strong = (strong[i / 64] & bit) != 0;
            int is_any = (any[i / 64] & bit) != 0;
            if (pass == 0 ? !is_strong : (!is_any || is_strong))
                continue;
            if (out && total < cap)
                out[total] = &sipcode__registry[i];
            total++;
        }
    }
    return total;
}

size_t sipcode_registry_count(void)
{
    return sipcode__registry_count;
}

const struct sipcode_info *sipcode_registry_at(size_t i)
{
    return i < sipcode__registry_count ? &sipcode__registry[i] : NULL;
}

const char *sipcode_registry_version(void)
{
    return sipcode__registry_version;
}

const char *sipcode_status_name(enum sipcode_status status)
{
    switch (status) {
    case SIPCODE_STATUS_CURRENT:
        return "current";
    case SIPCODE_STATUS_DEPRECATED:
        return "deprecated";
    case SIPCODE_STATUS_HISTORIC:
        return "historic";
    case SIPCODE_STATUS_UNREGISTERED:
        return "unregistered";
    }
    return NULL;
}

const char *sipcode_scope_name(enum sipcode_scope scope)
{
    switch (scope) {
    case SIPCODE_SCOPE_END_TO_END:
        return "end-to-end";
    case SIPCODE_SCOPE_HOP_BY_HOP:
        return "hop-by-hop";
    case SIPCODE_SCOPE_LOCAL:
        return "local";
    }
    return NULL;
}

const char *sipcode_sender_name(unsigned sender_bit)
{
    switch (sender_bit) {
    case SIPCODE_SENDER_UAS:
        return "uas";
    case SIPCODE_SENDER_PROXY:
        return "proxy";
    case SIPCODE_SENDER_REGISTRAR:
        return "registrar";
    case SIPCODE_SENDER_REDIRECT:
        return "redirect";
    case SIPCODE_SENDER_GATEWAY:
        return "gateway";
    case SIPCODE_SENDER_NOTIFIER:
        return "notifier";
    case SIPCODE_SENDER_STACK:
        return "stack";
    default:
        return NULL;
    }
}

const char *sipcode_level_name(enum sipcode_level level)
{
    switch (level) {
    case SIPCODE_LEVEL_MUST:
        return "must";
    case SIPCODE_LEVEL_SHOULD:
        return "should";
    case SIPCODE_LEVEL_MAY:
        return "may";
    }
    return NULL;
}
