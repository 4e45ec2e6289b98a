/* The generated table against its source, data/codes.txt, and against the
 * facts of the IANA registry and the RFCs. */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

/* ---- an independent reader for data/codes.txt ---------------------------- */

struct stanza {
    int code;
    char phrase[128], status[32], rfc[32], section[32], name[64];
};

/* Copies the value of "key:" on line p (up to its end) into out. */
static void take_value(const char *p, size_t keylen, char *out, size_t cap)
{
    const char *v = p + keylen + 1;
    size_t n = 0;
    while (*v == ' ' || *v == '\t')
        v++;
    while (v[n] && v[n] != '\n' && v[n] != '\r')
        n++;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t read_stanzas(const char *text, struct stanza *out, size_t cap, char *version,
                           size_t vcap)
{
    const char *p = text;
    size_t n = 0;
    struct stanza *cur = NULL;
    while (*p) {
        static const struct {
            const char *key;
            size_t offset, size;
        } keys[] = {
            {"phrase", offsetof(struct stanza, phrase), sizeof(((struct stanza *)0)->phrase)},
            {"status", offsetof(struct stanza, status), sizeof(((struct stanza *)0)->status)},
            {"rfc", offsetof(struct stanza, rfc), sizeof(((struct stanza *)0)->rfc)},
            {"section", offsetof(struct stanza, section), sizeof(((struct stanza *)0)->section)},
            {"name", offsetof(struct stanza, name), sizeof(((struct stanza *)0)->name)},
        };
        size_t k;
        if (strncmp(p, "registry-version:", 17) == 0)
            take_value(p, 16, version, vcap);
        if (strncmp(p, "code:", 5) == 0 && n < cap) {
            cur = &out[n++];
            memset(cur, 0, sizeof *cur);
            cur->code = atoi(p + 5);
        }
        for (k = 0; cur && k < sizeof keys / sizeof *keys; k++) {
            size_t kl = strlen(keys[k].key);
            if (strncmp(p, keys[k].key, kl) == 0 && p[kl] == ':')
                take_value(p, kl, (char *)cur + keys[k].offset, keys[k].size);
        }
        p += strcspn(p, "\n");
        if (*p)
            p++;
    }
    return n;
}

static void table_matches_data_file(void)
{
    static struct stanza stanzas[1024];
    char version[64] = "";
    char *text = test_read_source_file("data/codes.txt", NULL);
    size_t n, i;
    CHECK(text != NULL);
    if (!text)
        return;
    n = read_stanzas(text, stanzas, 1024, version, sizeof version);
    free(text);
    CHECK_INT(n, sipcode_registry_count());
    CHECK_STR(sipcode_registry_version(), version);
    for (i = 0; i < n; i++) {
        const struct sipcode_info *e = sipcode_lookup(stanzas[i].code);
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK(e == sipcode_registry_at(i));
        CHECK_STR(e->phrase, stanzas[i].phrase);
        CHECK_STR(e->name, stanzas[i].name);
        CHECK_STR(sipcode_status_name(e->status), stanzas[i].status);
        CHECK_STR(e->rfc, stanzas[i].rfc);
        CHECK_STR(e->section, stanzas[i].section);
    }
}

/* ---- facts ---------------------------------------------------------------- */

/* The IANA "Response Codes" registry: every code, its exact phrase and the
 * RFC the registry cites for it. */
static const struct {
    int code;
    const char *phrase, *rfc;
} iana[] = {
    {100, "Trying", "RFC 3261"},
    {180, "Ringing", "RFC 3261"},
    {181, "Call Is Being Forwarded", "RFC 3261"},
    {182, "Queued", "RFC 3261"},
    {183, "Session Progress", "RFC 3261"},
    {199, "Early Dialog Terminated", "RFC 6228"},
    {200, "OK", "RFC 3261"},
    {202, "Accepted", "RFC 6665"},
    {204, "No Notification", "RFC 5839"},
    {300, "Multiple Choices", "RFC 3261"},
    {301, "Moved Permanently", "RFC 3261"},
    {302, "Moved Temporarily", "RFC 3261"},
    {305, "Use Proxy", "RFC 3261"},
    {380, "Alternative Service", "RFC 3261"},
    {400, "Bad Request", "RFC 3261"},
    {401, "Unauthorized", "RFC 3261"},
    {402, "Payment Required", "RFC 3261"},
    {403, "Forbidden", "RFC 3261"},
    {404, "Not Found", "RFC 3261"},
    {405, "Method Not Allowed", "RFC 3261"},
    {406, "Not Acceptable", "RFC 3261"},
    {407, "Proxy Authentication Required", "RFC 3261"},
    {408, "Request Timeout", "RFC 3261"},
    {410, "Gone", "RFC 3261"},
    {412, "Conditional Request Failed", "RFC 3903"},
    {413, "Request Entity Too Large", "RFC 3261"},
    {414, "Request-URI Too Long", "RFC 3261"},
    {415, "Unsupported Media Type", "RFC 3261"},
    {416, "Unsupported URI Scheme", "RFC 3261"},
    {417, "Unknown Resource-Priority", "RFC 4412"},
    {420, "Bad Extension", "RFC 3261"},
    {421, "Extension Required", "RFC 3261"},
    {422, "Session Interval Too Small", "RFC 4028"},
    {423, "Interval Too Brief", "RFC 3261"},
    {424, "Bad Location Information", "RFC 6442"},
    {425, "Bad Alert Message", "RFC 8876"},
    {428, "Use Identity Header", "RFC 8224"},
    {429, "Provide Referrer Identity", "RFC 3892"},
    {430, "Flow Failed", "RFC 5626"},
    {433, "Anonymity Disallowed", "RFC 5079"},
    {436, "Bad Identity Info", "RFC 8224"},
    {437, "Unsupported Credential", "RFC 8224"},
    {438, "Invalid Identity Header", "RFC 8224"},
    {439, "First Hop Lacks Outbound Support", "RFC 5626"},
    {440, "Max-Breadth Exceeded", "RFC 5393"},
    {469, "Bad Info Package", "RFC 6086"},
    {470, "Consent Needed", "RFC 5360"},
    {480, "Temporarily Unavailable", "RFC 3261"},
    {481, "Call/Transaction Does Not Exist", "RFC 3261"},
    {482, "Loop Detected", "RFC 3261"},
    {483, "Too Many Hops", "RFC 3261"},
    {484, "Address Incomplete", "RFC 3261"},
    {485, "Ambiguous", "RFC 3261"},
    {486, "Busy Here", "RFC 3261"},
    {487, "Request Terminated", "RFC 3261"},
    {488, "Not Acceptable Here", "RFC 3261"},
    {489, "Bad Event", "RFC 6665"},
    {491, "Request Pending", "RFC 3261"},
    {493, "Undecipherable", "RFC 3261"},
    {494, "Security Agreement Required", "RFC 3329"},
    {500, "Server Internal Error", "RFC 3261"},
    {501, "Not Implemented", "RFC 3261"},
    {502, "Bad Gateway", "RFC 3261"},
    {503, "Service Unavailable", "RFC 3261"},
    {504, "Server Time-out", "RFC 3261"},
    {505, "Version Not Supported", "RFC 3261"},
    {513, "Message Too Large", "RFC 3261"},
    {555, "Push Notification Service Not Supported", "RFC 8599"},
    {580, "Precondition Failure", "RFC 3312"},
    {600, "Busy Everywhere", "RFC 3261"},
    {603, "Decline", "RFC 3261"},
    {604, "Does Not Exist Anywhere", "RFC 3261"},
    {606, "Not Acceptable", "RFC 3261"},
    {607, "Unwanted", "RFC 8197"},
    {608, "Rejected", "RFC 8688"},
};

static void every_iana_code_with_exact_phrase_and_rfc(void)
{
    size_t i, registered = 0;
    CHECK_INT(sizeof iana / sizeof *iana, 75);
    for (i = 0; i < sizeof iana / sizeof *iana; i++) {
        const struct sipcode_info *e = sipcode_lookup(iana[i].code);
        if (!e) {
            TEST_FAIL_AT("IANA code %d is missing", iana[i].code);
            continue;
        }
        CHECK_STR(e->phrase, iana[i].phrase);
        CHECK_STR(e->rfc, iana[i].rfc);
        CHECK(e->status ==
              (iana[i].code == 202 ? SIPCODE_STATUS_DEPRECATED : SIPCODE_STATUS_CURRENT));
    }
    /* ... and nothing else is registered. */
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        if (e->status == SIPCODE_STATUS_CURRENT || e->status == SIPCODE_STATUS_DEPRECATED)
            registered++;
    }
    CHECK_INT(registered, 75);
}

/* RFC 3261 section 21 numbers its codes in order within each class. */
static void rfc3261_sections(void)
{
    static const struct {
        int code;
        const char *section;
    } sections[] = {
        {100, "21.1.1"},  {180, "21.1.2"},  {181, "21.1.3"},  {182, "21.1.4"},  {183, "21.1.5"},
        {200, "21.2.1"},  {300, "21.3.1"},  {301, "21.3.2"},  {302, "21.3.3"},  {305, "21.3.4"},
        {380, "21.3.5"},  {400, "21.4.1"},  {401, "21.4.2"},  {402, "21.4.3"},  {403, "21.4.4"},
        {404, "21.4.5"},  {405, "21.4.6"},  {406, "21.4.7"},  {407, "21.4.8"},  {408, "21.4.9"},
        {410, "21.4.10"}, {413, "21.4.11"}, {414, "21.4.12"}, {415, "21.4.13"}, {416, "21.4.14"},
        {420, "21.4.15"}, {421, "21.4.16"}, {423, "21.4.17"}, {480, "21.4.18"}, {481, "21.4.19"},
        {482, "21.4.20"}, {483, "21.4.21"}, {484, "21.4.22"}, {485, "21.4.23"}, {486, "21.4.24"},
        {487, "21.4.25"}, {488, "21.4.26"}, {491, "21.4.27"}, {493, "21.4.28"}, {500, "21.5.1"},
        {501, "21.5.2"},  {502, "21.5.3"},  {503, "21.5.4"},  {504, "21.5.5"},  {505, "21.5.6"},
        {513, "21.5.7"},  {600, "21.6.1"},  {603, "21.6.2"},  {604, "21.6.3"},  {606, "21.6.4"},
    };
    size_t i;
    for (i = 0; i < sizeof sections / sizeof *sections; i++) {
        const struct sipcode_info *e = sipcode_lookup(sections[i].code);
        CHECK(e != NULL);
        if (e && strcmp(e->section, sections[i].section) != 0)
            TEST_FAIL_AT("%d: section %s, expected %s", e->code, e->section, sections[i].section);
    }
}

static void historic_and_deprecated(void)
{
    const struct sipcode_info *e;
    e = sipcode_lookup(202);
    CHECK(e && e->status == SIPCODE_STATUS_DEPRECATED);
    e = sipcode_lookup(409);
    CHECK(e && e->status == SIPCODE_STATUS_HISTORIC && strcmp(e->phrase, "Conflict") == 0);
    CHECK(e && strcmp(e->rfc, "RFC 2543") == 0);
    e = sipcode_lookup(411);
    CHECK(e && e->status == SIPCODE_STATUS_HISTORIC && strcmp(e->phrase, "Length Required") == 0);
}

static int level_of(int code, const char *header)
{
    const struct sipcode_info *e = sipcode_lookup(code);
    size_t i;
    for (i = 0; e && i < e->header_count; i++)
        if (strcmp(e->headers[i].name, header) == 0)
            return (int)e->headers[i].level;
    return -1;
}

static void expected_headers(void)
{
    CHECK_INT(level_of(401, "WWW-Authenticate"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(407, "Proxy-Authenticate"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(405, "Allow"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(420, "Unsupported"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(421, "Require"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(422, "Min-SE"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(423, "Min-Expires"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(301, "Contact"), SIPCODE_LEVEL_SHOULD); /* RFC 3261 13.3.1.2 */
    CHECK_INT(level_of(302, "Contact"), SIPCODE_LEVEL_SHOULD);
    CHECK_INT(level_of(469, "Recv-Info"), SIPCODE_LEVEL_MUST);
    CHECK(level_of(470, "Permission-Missing") >= 0);
    CHECK_INT(level_of(494, "Security-Server"), SIPCODE_LEVEL_MUST);
    CHECK_INT(level_of(503, "Retry-After"), SIPCODE_LEVEL_MAY);
    CHECK_INT(level_of(486, "WWW-Authenticate"), -1);
}

static void scope_and_senders(void)
{
    size_t i;
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        /* RFC 3261 16.7: only 100 Trying stays on its hop; 7xx never leave. */
        CHECK_INT(e->scope, e->code == 100   ? SIPCODE_SCOPE_HOP_BY_HOP
                            : e->code >= 700 ? SIPCODE_SCOPE_LOCAL
                                             : SIPCODE_SCOPE_END_TO_END);
    }
    CHECK(sipcode_lookup(401)->senders & SIPCODE_SENDER_REGISTRAR);
    CHECK(sipcode_lookup(407)->senders & SIPCODE_SENDER_PROXY);
    CHECK(sipcode_lookup(302)->senders & SIPCODE_SENDER_REDIRECT);
}

static void unregistered_codes_have_origins(void)
{
    size_t i, unregistered = 0, seventh = 0;
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *e = sipcode_registry_at(i);
        if (e->status != SIPCODE_STATUS_UNREGISTERED)
            continue;
        unregistered++;
        if (e->code >= 700)
            seventh++;
        CHECK(strlen(e->origin) > 3);
        CHECK_INT(sipcode_effective(e->code), e->code >= 700 ? 0
                                              : e->code < 200 ? 183
                                                              : e->code / 100 * 100);
    }
    CHECK(unregistered >= 5);
    CHECK(seventh >= 1);
    CHECK(sipcode_lookup(477) != NULL);
    CHECK(sipcode_lookup(477) && sipcode_lookup(477)->status == SIPCODE_STATUS_UNREGISTERED);
}

static const struct test_case data_tests[] = {
    {"table_matches_data_file", table_matches_data_file},
    {"every_iana_code_with_exact_phrase_and_rfc", every_iana_code_with_exact_phrase_and_rfc},
    {"rfc3261_sections", rfc3261_sections},
    {"historic_and_deprecated", historic_and_deprecated},
    {"expected_headers", expected_headers},
    {"scope_and_senders", scope_and_senders},
    {"unregistered_codes_have_origins", unregistered_codes_have_origins},
    {NULL, NULL},
};
TEST_SUITE(data_tests)
