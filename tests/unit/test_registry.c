/* Registry API behaviour: lookups, classes, fallback, parsing, search. */
#include <limits.h>

#include <sipcode.h>

#include "test.h"

static void lookup_by_code_edges(void)
{
    static const int outside[] = {INT_MIN, -486, -1, 0, 1, 99, 700, 800, 999, 1000, 4860, INT_MAX};
    size_t i;
    for (i = 0; i < sizeof outside / sizeof *outside; i++) {
        CHECK_NULL(sipcode_lookup(outside[i]));
        CHECK_NULL(sipcode_phrase(outside[i]));
    }
    CHECK_STR(sipcode_phrase(100), "Trying");
    CHECK_STR(sipcode_phrase(486), "Busy Here");
    CHECK_STR(sipcode_phrase(608), "Rejected");
    CHECK_NULL(sipcode_lookup(499));
    CHECK_NULL(sipcode_lookup(699));
    CHECK_INT(sipcode_lookup(486)->code, 486);
    CHECK_INT(sipcode_lookup(486)->klass, 4);
    CHECK_STR(sipcode_lookup(486)->name, "BUSY_HERE");
    CHECK_INT(SIPCODE_SC_BUSY_HERE, 486);
    CHECK_INT(SIPCODE_SC_OK, 200);
    CHECK_INT(SIPCODE_SC_NOT_ACCEPTABLE_ANYWHERE, 606);
}

static void classes_and_predicates(void)
{
    CHECK_INT(sipcode_class(99), 0);
    CHECK_INT(sipcode_class(100), 1);
    CHECK_INT(sipcode_class(199), 1);
    CHECK_INT(sipcode_class(200), 2);
    CHECK_INT(sipcode_class(699), 6);
    CHECK_INT(sipcode_class(700), 0);
    CHECK_INT(sipcode_class(-100), 0);
    CHECK_INT(sipcode_class(INT_MIN), 0);
    CHECK_STR(sipcode_class_name(1), "Provisional");
    CHECK_STR(sipcode_class_name(2), "Success");
    CHECK_STR(sipcode_class_name(3), "Redirection");
    CHECK_STR(sipcode_class_name(4), "Client Error");
    CHECK_STR(sipcode_class_name(5), "Server Error");
    CHECK_STR(sipcode_class_name(6), "Global Failure");
    CHECK_NULL(sipcode_class_name(0));
    CHECK_NULL(sipcode_class_name(7));
    CHECK_NULL(sipcode_class_name(-1));

    CHECK(!sipcode_is_valid(99));
    CHECK(sipcode_is_valid(100));
    CHECK(sipcode_is_valid(699));
    CHECK(!sipcode_is_valid(700));
    CHECK(sipcode_is_provisional(100) && sipcode_is_provisional(199));
    CHECK(!sipcode_is_provisional(200) && !sipcode_is_provisional(99));
    CHECK(!sipcode_is_final(199) && sipcode_is_final(200) && sipcode_is_final(699));
    CHECK(!sipcode_is_final(700) && !sipcode_is_final(0));
    CHECK(sipcode_is_success(200) && sipcode_is_success(299) && !sipcode_is_success(300));
    CHECK(sipcode_is_redirect(302) && !sipcode_is_redirect(299));
    CHECK(sipcode_is_client_failure(486) && !sipcode_is_client_failure(500));
    CHECK(sipcode_is_server_failure(503) && !sipcode_is_server_failure(600));
    CHECK(sipcode_is_global_failure(603) && !sipcode_is_global_failure(700));
}

/* RFC 3261 section 8.1.3.2: unknown final codes act as the x00 of their
 * class, unknown provisional ones as 183. */
static void effective_code_falls_back_to_x00(void)
{
    struct sipcode_resolution r;
    CHECK_INT(sipcode_effective(486), 486);
    CHECK_INT(sipcode_effective(499), 400);
    CHECK_INT(sipcode_effective(100), 100);
    CHECK_INT(sipcode_effective(198), 183); /* unknown provisional: 183, not 100 */
    CHECK_INT(sipcode_effective(150), 183);
    CHECK_INT(sipcode_effective(101), 183);
    CHECK_INT(sipcode_effective(199), 199);
    CHECK_INT(sipcode_effective(299), 200);
    CHECK_INT(sipcode_effective(202), 202); /* deprecated, still registered */
    CHECK_INT(sipcode_effective(409), 400); /* historic: RFC 3261 stacks do not know it */
    CHECK_INT(sipcode_effective(411), 400);
    CHECK_INT(sipcode_effective(599), 500);
    CHECK_INT(sipcode_effective(699), 600);
    CHECK_INT(sipcode_effective(99), 0);
    CHECK_INT(sipcode_effective(700), 0);
    CHECK_INT(sipcode_effective(-400), 0);

    CHECK_INT(sipcode_resolve(499, &r), SIPCODE_OK);
    CHECK_INT(r.code, 499);
    CHECK_INT(r.effective, 400);
    CHECK_INT(r.fallback, 1);
    CHECK_NULL(r.info);
    CHECK(r.effective_info != NULL && r.effective_info->code == 400);

    CHECK_INT(sipcode_resolve(603, &r), SIPCODE_OK);
    CHECK_INT(r.fallback, 0);
    CHECK(r.info == sipcode_lookup(603) && r.effective_info == r.info);

    r.code = -7;
    CHECK_INT(sipcode_resolve(700, &r), SIPCODE_ERANGE);
    CHECK_INT(r.code, -7); /* untouched on error */
    CHECK_INT(sipcode_resolve(486, NULL), SIPCODE_EINVAL);
}

static void every_registered_x00_and_unknown_code_resolves(void)
{
    int code;
    for (code = 100; code <= 699; code++) {
        struct sipcode_resolution r;
        const struct sipcode_info *info = sipcode_lookup(code);
        int registered = info && (info->status == SIPCODE_STATUS_CURRENT ||
                                  info->status == SIPCODE_STATUS_DEPRECATED);
        CHECK_INT(sipcode_resolve(code, &r), SIPCODE_OK);
        CHECK_INT(r.effective, registered ? code : code < 200 ? 183 : code / 100 * 100);
        CHECK(r.effective_info != NULL);
    }
}

static void parse_code_is_strict(void)
{
    static const struct {
        const char *text;
        size_t len;
        enum sipcode_err err;
        int code;
    } cases[] = {
        {"486", 3, SIPCODE_OK, 486},
        {"100", 3, SIPCODE_OK, 100},
        {"699", 3, SIPCODE_OK, 699},
        {"99", 2, SIPCODE_ERANGE, 0},
        {"700", 3, SIPCODE_ERANGE, 0},
        {"1000", 4, SIPCODE_ERANGE, 0},
        {"0200", 4, SIPCODE_ERANGE, 0},
        {"020", 3, SIPCODE_ERANGE, 0},
        {"000", 3, SIPCODE_ERANGE, 0},
        {"4294967301", 10, SIPCODE_ERANGE, 0}, /* wraps to 5 in 32 bits */
        {"+200", 4, SIPCODE_EMALFORMED, 0},
        {"-200", 4, SIPCODE_EMALFORMED, 0},
        {"2OO", 3, SIPCODE_EMALFORMED, 0},
        {" 200", 4, SIPCODE_EMALFORMED, 0},
        {"200 ", 4, SIPCODE_EMALFORMED, 0},
        {"", 0, SIPCODE_EMALFORMED, 0},
        {"2\0"
         "00",
         4, SIPCODE_EMALFORMED, 0},
        {"20\x7f", 3, SIPCODE_EMALFORMED, 0},
        {"486 Busy", 3, SIPCODE_OK, 486}, /* length-bounded: no NUL needed */
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        int code = -1;
        enum sipcode_err err = sipcode_parse_code(cases[i].text, cases[i].len, &code);
        if (err != cases[i].err)
            TEST_FAIL_AT("case %zu \"%.*s\": expected %s, got %s", i, (int)cases[i].len,
                         cases[i].text, sipcode_errname(cases[i].err), sipcode_errname(err));
        else if (err == SIPCODE_OK)
            CHECK_INT(code, cases[i].code);
        else
            CHECK_INT(code, -1); /* untouched on error */
    }
    CHECK_INT(sipcode_parse_code(NULL, 3, &(int){0}), SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_code("200", 3, NULL), SIPCODE_EINVAL);
}

static const struct sipcode_info *by_phrase(const char *s)
{
    return sipcode_lookup_phrase(s, strlen(s));
}

static int code_of(const struct sipcode_info *info)
{
    return info ? info->code : -1;
}

static void lookup_by_phrase_and_name(void)
{
    CHECK_INT(code_of(by_phrase("Busy Here")), 486);
    CHECK_INT(code_of(by_phrase("busy here")), 486);
    CHECK_INT(code_of(by_phrase("BUSY_HERE")), 486);
    CHECK_INT(code_of(by_phrase("busy-here")), 486);
    CHECK_INT(code_of(by_phrase("  Busy   here  ")), 486);
    CHECK_INT(code_of(by_phrase("request uri too long")), 414);
    CHECK_INT(code_of(by_phrase("call/transaction does not exist")), 481);
    CHECK_INT(code_of(by_phrase("Not Acceptable")), 406); /* lowest of 406/606 */
    CHECK_INT(code_of(by_phrase("not_acceptable_anywhere")), 606);
    CHECK_INT(code_of(by_phrase("Server Time-out")), 504);
    CHECK_INT(code_of(by_phrase("server timeout")), 504);          /* alias */
    CHECK_INT(code_of(by_phrase("Session in Progress")), 183);     /* alias from the seeds */
    CHECK_INT(code_of(by_phrase("Unsupported Certificate")), 437); /* RFC 4474 name */
    CHECK_INT(code_of(by_phrase("Bad Identity-Info")), 436);
    CHECK_INT(code_of(by_phrase("Rejected")), 608);
    CHECK_NULL(by_phrase("busy"));
    CHECK_NULL(by_phrase(""));
    CHECK_NULL(by_phrase("   "));
    CHECK_NULL(by_phrase("busy here please"));
    CHECK_NULL(sipcode_lookup_phrase(NULL, 4));
    CHECK_INT(code_of(sipcode_lookup_phrase("busy hereXYZ", 9)), 486); /* length-bounded */
}

static int position_of(const struct sipcode_info **hits, size_t n, int code)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (hits[i]->code == code)
            return (int)i;
    return -1;
}

static size_t search(const char *q, const struct sipcode_info **hits, size_t cap)
{
    return sipcode_search(q, strlen(q), hits, cap);
}

static void word_search(void)
{
    const struct sipcode_info *hits[256];
    size_t n, i;
    int p486, p600;

    n = search("busy", hits, 256);
    p486 = position_of(hits, n, 486);
    p600 = position_of(hits, n, 600);
    CHECK(p486 >= 0 && p600 >= 0);
    CHECK(p486 < p600); /* both match on the phrase: code order */
    CHECK_INT(search("BUSY", NULL, 0), n);

    n = search("busy everywhere", hits, 256);
    CHECK(n >= 1 && hits[0]->code == 600);

    n = search("48", hits, 256); /* a code prefix matches the code */
    CHECK(n >= 10);
    for (i = 0; i < 10 && i < n; i++)
        CHECK_INT(hits[i]->code / 10, 48);

    n = search("auth", hits, 256);
    CHECK(position_of(hits, n, 401) >= 0 && position_of(hits, n, 407) >= 0);

    CHECK_INT(search("zzqqxx", hits, 256), 0);
    CHECK_INT(search("", hits, 256), 0);
    CHECK_INT(search("  ,;  ", hits, 256), 0);
    CHECK_INT(sipcode_search(NULL, 3, hits, 256), 0);

    /* A small cap still reports the total and writes no further. */
    n = search("busy", NULL, 0);
    hits[1] = NULL;
    CHECK_INT(search("busy", hits, 1), n);
    CHECK(hits[0] != NULL && hits[1] == NULL);
}

static void iteration_covers_the_table_in_order(void)
{
    size_t i, n = sipcode_registry_count();
    int prev = 0;
    CHECK(n >= 77);
    CHECK_NULL(sipcode_registry_at(n));
    CHECK_NULL(sipcode_registry_at((size_t)-1));
    for (i = 0; i < n; i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        size_t h;
        CHECK(e->code > prev);
        prev = e->code;
        CHECK_INT(e->klass, e->code / 100);
        CHECK(sipcode_lookup(e->code) == e);
        CHECK(e->phrase[0] && e->name[0] && e->meaning[0] && e->check[0]);
        CHECK(sipcode_lookup_phrase(e->phrase, strlen(e->phrase)) != NULL);
        CHECK(code_of(sipcode_lookup_phrase(e->phrase, strlen(e->phrase))) <= e->code);
        CHECK(sipcode_lookup_phrase(e->name, strlen(e->name)) == e);
        CHECK(sipcode_status_name(e->status) != NULL);
        CHECK(sipcode_scope_name(e->scope) != NULL);
        CHECK(e->senders != 0 && e->senders < (1u << SIPCODE_SENDER_COUNT));
        if (e->status == SIPCODE_STATUS_UNREGISTERED) {
            CHECK(e->origin[0] != '\0');
        } else {
            CHECK(strncmp(e->rfc, "RFC ", 4) == 0);
            CHECK(e->section[0] != '\0');
            CHECK(e->origin[0] == '\0');
        }
        if (e->code >= 700)
            CHECK(e->status == SIPCODE_STATUS_UNREGISTERED);
        for (h = 0; h < e->header_count; h++) {
            CHECK(e->headers[h].name[0] != '\0');
            CHECK(sipcode_level_name(e->headers[h].level) != NULL);
        }
        /* every entry is found by searching for its own code */
        {
            char digits[4];
            const struct sipcode_info *hits[16];
            snprintf(digits, sizeof digits, "%d", e->code);
            CHECK(sipcode_search(digits, 3, hits, 16) >= 1 && hits[0] == e);
        }
    }
}

static void enum_names_reject_junk(void)
{
    CHECK_STR(sipcode_status_name(SIPCODE_STATUS_DEPRECATED), "deprecated");
    CHECK_NULL(sipcode_status_name((enum sipcode_status)42));
    CHECK_STR(sipcode_scope_name(SIPCODE_SCOPE_HOP_BY_HOP), "hop-by-hop");
    CHECK_NULL(sipcode_scope_name((enum sipcode_scope) - 1));
    CHECK_STR(sipcode_sender_name(SIPCODE_SENDER_REGISTRAR), "registrar");
    CHECK_NULL(sipcode_sender_name(SIPCODE_SENDER_UAS | SIPCODE_SENDER_PROXY));
    CHECK_NULL(sipcode_sender_name(0));
    CHECK_STR(sipcode_level_name(SIPCODE_LEVEL_SHOULD), "should");
    CHECK_NULL(sipcode_level_name((enum sipcode_level)3));
}

/* ---- the indexed search against a plain scan of the text ---------------- */

static int ref_word_char(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int ref_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Does word[0..wlen) start a word of text? Scans the text, as the library did
 * before it had an index. */
static int ref_has_prefix(const char *text, const char *word, size_t wlen)
{
    const char *p = text;
    while (*p) {
        size_t k;
        while (*p && !ref_word_char((unsigned char)*p))
            p++;
        if (!*p)
            break;
        for (k = 0; k < wlen && p[k] &&
                    ref_lower((unsigned char)p[k]) == ref_lower((unsigned char)word[k]);
             k++)
            ;
        if (k == wlen)
            return 1;
        while (*p && ref_word_char((unsigned char)*p))
            p++;
    }
    return 0;
}

/* 0: no match, 1: weak (needs the meaning), 2: strong. */
static int ref_match(const struct sipcode_info *e, const char *q, size_t len)
{
    char code[8];
    size_t i = 0, words = 0;
    int result = 2;
    snprintf(code, sizeof code, "%d", e->code);
    while (i < len) {
        size_t start;
        while (i < len && !ref_word_char((unsigned char)q[i]))
            i++;
        if (i == len)
            break;
        start = i;
        while (i < len && ref_word_char((unsigned char)q[i]))
            i++;
        words++;
        if (ref_has_prefix(code, q + start, i - start) ||
            ref_has_prefix(e->phrase, q + start, i - start) ||
            ref_has_prefix(e->name, q + start, i - start) ||
            ref_has_prefix(e->aliases, q + start, i - start))
            continue;
        if (ref_has_prefix(e->meaning, q + start, i - start))
            result = 1;
        else
            return 0;
    }
    return words ? result : 0;
}

static int search_agrees_with_scan(const char *q, size_t len)
{
    const struct sipcode_info *hits[512];
    size_t n = sipcode_search(q, len, hits, 512), k = 0, i;
    int strength;
    for (strength = 2; strength >= 1; strength--)
        for (i = 0; i < sipcode_registry_count(); i++) {
            const struct sipcode_info *e = sipcode_registry_at(i);
            if (ref_match(e, q, len) != strength)
                continue;
            if (k >= n || hits[k] != e)
                return 0;
            k++;
        }
    return k == n;
}

static void indexed_search_matches_a_text_scan(void)
{
    size_t i, queries = 0;
    static const char *const extra[] = {
        "busy here", "BUSY",          "a",   "z",   "48", "4",        "6",
        "rfc 3261",  "identity info", "not", "x y", "_",  "\xff\xfe", "t\x00"};
    for (i = 0; i < sizeof extra / sizeof *extra; i++, queries++)
        if (!search_agrees_with_scan(extra[i], strlen(extra[i])))
            TEST_FAIL_AT("query \"%s\" differs from the scan", extra[i]);
    /* every word of every entry, and its first one and two letters */
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        const char *texts[] = {e->phrase, e->meaning, e->aliases};
        size_t t;
        for (t = 0; t < 3; t++) {
            const char *p = texts[t];
            while (*p) {
                size_t n = 0, cut;
                while (*p && !ref_word_char((unsigned char)*p))
                    p++;
                while (p[n] && ref_word_char((unsigned char)p[n]))
                    n++;
                for (cut = 1; cut <= n; cut = cut < 2 ? cut + 1 : n + (cut == n)) {
                    queries++;
                    if (!search_agrees_with_scan(p, cut))
                        TEST_FAIL_AT("query \"%.*s\" differs from the scan", (int)cut, p);
                    if (cut == n)
                        break;
                }
                p += n;
            }
        }
    }
    /* two-word queries mixing a phrase word with meaning words */
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        const char *m = e->meaning;
        int taken;
        for (taken = 0; *m && taken < 6; taken++) {
            char q[128];
            size_t n = 0;
            while (*m && !ref_word_char((unsigned char)*m))
                m++;
            while (m[n] && ref_word_char((unsigned char)m[n]))
                n++;
            snprintf(q, sizeof q, "%.*s %.*s", (int)strcspn(e->phrase, " "), e->phrase, (int)n, m);
            queries++;
            if (!search_agrees_with_scan(q, strlen(q)))
                TEST_FAIL_AT("query \"%s\" differs from the scan", q);
            m += n;
        }
    }
    CHECK(queries > 1000);
}

static const struct test_case registry_tests[] = {
    {"lookup_by_code_edges", lookup_by_code_edges},
    {"classes_and_predicates", classes_and_predicates},
    {"effective_code_falls_back_to_x00", effective_code_falls_back_to_x00},
    {"every_registered_x00_and_unknown_code_resolves",
     every_registered_x00_and_unknown_code_resolves},
    {"parse_code_is_strict", parse_code_is_strict},
    {"lookup_by_phrase_and_name", lookup_by_phrase_and_name},
    {"word_search", word_search},
    {"iteration_covers_the_table_in_order", iteration_covers_the_table_in_order},
    {"enum_names_reject_junk", enum_names_reject_junk},
    {"indexed_search_matches_a_text_scan", indexed_search_matches_a_text_scan},
    {NULL, NULL},
};
TEST_SUITE(registry_tests)
