/* The response linter's rule table and library entry point; the command's
 * golden files in tests/lint/ test every rule on a whole message. */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

static void rule_ids_are_unique_and_documented(void)
{
    size_t i, k, n = sipcode_lint_rule_count();
    char *man = test_read_source_file("docs/sipcode.1", NULL);
    CHECK(n >= 18);
    CHECK_NULL(sipcode_lint_rule_at(n));
    for (i = 0; i < n; i++) {
        const struct sipcode_lint_rule *r = sipcode_lint_rule_at(i);
        char escaped[128];
        size_t e = 0, c;
        CHECK(r->id[0] && r->summary[0] && r->reference[0]);
        CHECK(sipcode_severity_name(r->severity) != NULL);
        CHECK(sipcode_lint_rule_find(r->id, strlen(r->id)) == r);
        for (k = 0; k < i; k++)
            CHECK(strcmp(r->id, sipcode_lint_rule_at(k)->id) != 0);
        /* the man page lists the id (roff writes '-' as '\-') */
        for (c = 0; r->id[c] && e + 2 < sizeof escaped; c++) {
            if (r->id[c] == '-')
                escaped[e++] = '\\';
            escaped[e++] = r->id[c];
        }
        escaped[e] = '\0';
        if (man && !strstr(man, escaped))
            TEST_FAIL_AT("lint rule %s is not in docs/sipcode.1", r->id);
    }
    CHECK_NULL(sipcode_lint_rule_find("no-such-rule", 12));
    CHECK_NULL(sipcode_lint_rule_find(NULL, 0));
    CHECK_STR(sipcode_severity_name(SIPCODE_SEVERITY_ERROR), "error");
    CHECK_NULL(sipcode_severity_name((enum sipcode_severity)7));
    free(man);
}

static size_t lint(const char *text, struct sipcode_finding *out, size_t cap)
{
    static struct sipcode_header headers[32];
    struct sipcode_message msg;
    size_t used;
    if (sipcode_parse_message(text, strlen(text), 0, headers, 32, &msg, &used, NULL) !=
        SIPCODE_OK)
        return (size_t)-1;
    return sipcode_lint_response(text, &msg, out, cap);
}

static int has(const struct sipcode_finding *f, size_t n, const char *id)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (strcmp(f[i].rule->id, id) == 0)
            return 1;
    return 0;
}

#define HEAD                                                                             \
    "Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776\r\n"                            \
    "From: <sip:alice@example.com>;tag=1928\r\n"                                         \
    "Call-ID: a84b4c76e66710\r\n"

static void findings_on_messages(void)
{
    struct sipcode_finding f[16];
    size_t n;
    /* RFC 3261 21.4.2 / 20.44: a 401 must challenge */
    n = lint("SIP/2.0 401 Unauthorized\r\n" HEAD "To: <sip:b@example.com>;tag=1\r\n"
             "CSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n",
             f, 16);
    CHECK(n != (size_t)-1 && has(f, n, "missing-mandatory-header"));
    CHECK(strncmp(f[0].subject.ptr, "WWW-Authenticate", f[0].subject.len) == 0);
    /* RFC 3261 17.2.1: a 100 from the transaction layer should carry no To tag */
    n = lint("SIP/2.0 100 Trying\r\n" HEAD "To: <sip:b@example.com>;tag=1\r\n"
             "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
             f, 16);
    CHECK(n == 1 && has(f, n, "trying-with-to-tag"));
    /* RFC 3261 8.1.3.2: 499 acts as 400 */
    n = lint("SIP/2.0 499 Odd\r\n" HEAD "To: <sip:b@example.com>;tag=1\r\n"
             "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
             f, 16);
    CHECK(n == 1 && has(f, n, "unregistered-code"));
    /* counting with cap 0 gives the same total and writes nothing */
    CHECK_INT(lint("SIP/2.0 500 Internal Server Error\r\n" HEAD "To: <sip:b@example.com>\r\n"
                   "CSeq: 1 ACK\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n",
                   NULL, 0),
              lint("SIP/2.0 500 Internal Server Error\r\n" HEAD "To: <sip:b@example.com>\r\n"
                   "CSeq: 1 ACK\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n",
                   f, 16));
    /* a request gets exactly one finding */
    n = lint("OPTIONS sip:b@example.com SIP/2.0\r\n" HEAD "To: <sip:b@example.com>\r\n"
             "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
             f, 16);
    CHECK(n == 1 && has(f, n, "not-a-response"));
    CHECK_INT(sipcode_lint_response(NULL, NULL, f, 16), 0);
}

static const struct test_case lint_tests[] = {
    {"rule_ids_are_unique_and_documented", rule_ids_are_unique_and_documented},
    {"findings_on_messages", findings_on_messages},
    {NULL, NULL},
};
TEST_SUITE(lint_tests)
