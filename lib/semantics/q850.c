/* Q.850 causes and SIP <-> Q.850 mapping (RFC 3398, RFC 6432) over the tables
 * generated from data/q850.txt and data/q850_map.txt. Pure lookups: no
 * allocation, no I/O, no state. */
#include "q850_data.h"

/* Binary search in rows sorted by key. */
static const struct sipcode__q850_row *find_row(const struct sipcode__q850_row *rows, size_t n,
                                                int key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (rows[mid].key == key)
            return &rows[mid];
        if (rows[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const struct sipcode_q850_info *sipcode_q850_lookup(int cause)
{
    size_t lo = 0, hi = sipcode__q850_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sipcode__q850_table[mid].cause == cause)
            return &sipcode__q850_table[mid];
        if (sipcode__q850_table[mid].cause < cause)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

size_t sipcode_q850_count(void)
{
    return sipcode__q850_count;
}

const struct sipcode_q850_info *sipcode_q850_at(size_t i)
{
    return i < sipcode__q850_count ? &sipcode__q850_table[i] : NULL;
}

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Profile names compare case-insensitively; name need not be NUL-terminated. */
const struct sipcode_q850_profile *sipcode_q850_profile(const char *name, size_t len)
{
    size_t i;
    if (!name)
        return NULL;
    for (i = 0; i < sipcode__q850_profile_count; i++) {
        const char *p = sipcode__q850_profiles[i].name;
        size_t k;
        for (k = 0; k < len && p[k]; k++)
            if (ascii_lower((unsigned char)name[k]) != (unsigned char)p[k])
                break;
        if (k == len && p[k] == '\0')
            return &sipcode__q850_profiles[i];
    }
    return NULL;
}

size_t sipcode_q850_profile_count(void)
{
    return sipcode__q850_profile_count;
}

const struct sipcode_q850_profile *sipcode_q850_profile_at(size_t i)
{
    return i < sipcode__q850_profile_count ? &sipcode__q850_profiles[i] : NULL;
}

/* NULL means the default, rfc3398 (the generator keeps it first). */
static const struct sipcode_q850_profile *or_default(const struct sipcode_q850_profile *p)
{
    return p ? p : &sipcode__q850_profiles[0];
}

const char *sipcode_q850_profile_name(const struct sipcode_q850_profile *p)
{
    return or_default(p)->name;
}

const char *sipcode_q850_profile_title(const struct sipcode_q850_profile *p)
{
    return or_default(p)->title;
}

const char *sipcode_q850_profile_source(const struct sipcode_q850_profile *p)
{
    return or_default(p)->source;
}

enum sipcode_err sipcode_q850_to_sip(const struct sipcode_q850_profile *p, int cause,
                                     struct sipcode_mapping *out)
{
    const struct sipcode__q850_row *row;
    struct sipcode_mapping m;
    if (!out)
        return SIPCODE_EINVAL;
    /* The Q.850 cause value is a 7-bit field; 0 is "no cause" in the stacks. */
    if (cause < 0 || cause > 127)
        return SIPCODE_ERANGE;
    p = or_default(p);
    m.cause = cause;
    m.from_reason = 0;
    row = find_row(p->to_sip, p->to_sip_count, cause);
    if (row) {
        m.sip = row->value;
        m.from_table = 1;
        m.why = row->why;
    } else {
        m.sip = p->to_sip_default.value;
        m.from_table = 0;
        m.why = p->to_sip_default.why;
    }
    *out = m;
    return SIPCODE_OK;
}

/* The Q.850 cause a response's Reason values carry, or 0. RFC 3326 section 2
 * allows one value per protocol, so the first Q.850 value with a cause in
 * 1..127 decides; values of other protocols, without a cause, or with a number
 * no 7-bit cause field can hold are ignored (RFC 3326: an implementation may
 * ignore values it does not understand). */
static int reason_cause(const struct sipcode_reason *reasons, size_t n)
{
    size_t i;
    if (!reasons)
        return 0;
    for (i = 0; i < n; i++)
        if (reasons[i].id == SIPCODE_REASON_Q850 && reasons[i].cause >= 1 &&
            reasons[i].cause <= 127)
            return (int)reasons[i].cause;
    return 0;
}

enum sipcode_err sipcode_sip_to_q850(const struct sipcode_q850_profile *p, int code,
                                     const struct sipcode_reason *reasons, size_t reason_count,
                                     struct sipcode_mapping *out)
{
    const struct sipcode__q850_row *row;
    struct sipcode_mapping m;
    int carried;
    if (!out)
        return SIPCODE_EINVAL;
    if (code < 100 || code > 699)
        return SIPCODE_ERANGE;
    p = or_default(p);
    m.sip = code;
    /* RFC 6432 section 3: any response but 100 Trying may carry the Q.850
     * cause; when it does, sipcode uses it before any table (the far end knew
     * the cause; a table only guesses it back from the code). */
    carried = code == 100 ? 0 : reason_cause(reasons, reason_count);
    if (carried) {
        m.cause = carried;
        m.from_table = 0;
        m.from_reason = 1;
        m.why = "RFC 6432 section 3: the response's Reason: Q.850 cause, used before the "
                "profile's table";
        *out = m;
        return SIPCODE_OK;
    }
    m.from_reason = 0;
    row = find_row(p->from_sip, p->from_sip_count, code);
    if (row) {
        m.cause = row->value;
        m.from_table = 1;
        m.why = row->why;
    } else {
        /* Each profile's own rule for codes it does not list (for rfc3398: 31,
         * RFC 3398 section 8.2.6.1, and not the x00 rule of RFC 3261). */
        m.cause = p->from_sip_default[code / 100 - 1].value;
        m.from_table = 0;
        m.why = p->from_sip_default[code / 100 - 1].why;
    }
    *out = m;
    return SIPCODE_OK;
}
