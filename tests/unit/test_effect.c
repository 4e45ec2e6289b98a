/* What a response does (RFC 3261 16.7 and 17, RFC 5057 5.1, RFC 6665) and the
 * header fields it is expected to carry (registry + RFC 3261 section 20). */
#include <limits.h>

#include <sipcode.h>

#include "test.h"

static struct sipcode_response_effect effect(int code, const char *method)
{
    struct sipcode_response_effect e;
    memset(&e, 0xa5, sizeof e);
    if (sipcode_response_effect(code, method, method ? strlen(method) : 0, &e) != SIPCODE_OK)
        TEST_FAIL_AT("sipcode_response_effect(%d, %s) failed", code, method ? method : "NULL");
    return e;
}

#define DIALOG_OF(code, method) (effect((code), (method)).dialog)
#define RETRY_OF(code, method)  (effect((code), (method)).retry)

#define TXN SIPCODE_EFFECT_TRANSACTION
#define USG SIPCODE_EFFECT_USAGE
#define DLG SIPCODE_EFFECT_DIALOG
#define APP SIPCODE_EFFECT_APPLICATION
#define NON SIPCODE_EFFECT_NONE

static void arguments(void)
{
    struct sipcode_response_effect e;
    static const int outside[] = {INT_MIN, -1, 0, 99, 700, 701, 1000, INT_MAX};
    size_t i;
    for (i = 0; i < sizeof outside / sizeof *outside; i++) {
        memset(&e, 0x5a, sizeof e);
        CHECK_INT(sipcode_response_effect(outside[i], "INVITE", 6, &e), SIPCODE_ERANGE);
        CHECK_INT(e.final, 0x5a5a5a5a); /* untouched */
        CHECK_INT(sipcode_response_headers(outside[i], NULL, 0, NULL, 0), 0);
    }
    CHECK_INT(sipcode_response_effect(486, "INVITE", 6, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_response_effect(486, NULL, 5, &e), SIPCODE_OK); /* NULL: unknown method */
    CHECK_INT(sipcode_response_effect(486, "INVITE", 0, &e), SIPCODE_OK);
    CHECK(!e.ack_required);
}

/* RFC 3261 17.1.1.3 and 13.2.2.4: every final response to INVITE is ACKed, a
 * non-2xx by the client transaction, a 2xx by the UAC core; provisionals and
 * other methods' responses are not. Methods are case-sensitive (7.1). */
static void final_and_ack(void)
{
    struct sipcode_response_effect e;
    e = effect(180, "INVITE");
    CHECK(!e.final && !e.ack_required && !e.ack_by_transaction);
    e = effect(200, "INVITE");
    CHECK(e.final && e.ack_required && !e.ack_by_transaction);
    e = effect(299, "INVITE");
    CHECK(e.final && e.ack_required && !e.ack_by_transaction);
    e = effect(302, "INVITE");
    CHECK(e.final && e.ack_required && e.ack_by_transaction);
    e = effect(486, "INVITE");
    CHECK(e.ack_required && e.ack_by_transaction);
    e = effect(699, "INVITE");
    CHECK(e.ack_required && e.ack_by_transaction);
    e = effect(486, "BYE");
    CHECK(e.final && !e.ack_required && !e.ack_by_transaction);
    e = effect(200, "CANCEL");
    CHECK(!e.ack_required);
    e = effect(486, "invite"); /* an extension method, not INVITE */
    CHECK(!e.ack_required);
    e = effect(486, NULL);
    CHECK(e.final && !e.ack_required);
    /* length is honoured: "INVITEX" cut at 6 is INVITE */
    CHECK_INT(sipcode_response_effect(486, "INVITEX", 6, &e), SIPCODE_OK);
    CHECK(e.ack_required);
    CHECK_INT(sipcode_response_effect(486, "INVITEX", 7, &e), SIPCODE_OK);
    CHECK(!e.ack_required);
}

/* RFC 3261 16.7 step 5: no new branches after a 6xx; a 2xx is forwarded at
 * once and the rest cancelled (step 10); 3xx, 4xx and 5xx let a forking proxy
 * go on; CANCEL and ACK never go to new targets. */
static void proxy_may_try_another(void)
{
    CHECK(effect(180, "INVITE").proxy_may_try_another);
    CHECK(!effect(200, "INVITE").proxy_may_try_another);
    CHECK(effect(302, "INVITE").proxy_may_try_another);
    CHECK(effect(486, "INVITE").proxy_may_try_another);
    CHECK(effect(503, "INVITE").proxy_may_try_another);
    CHECK(effect(408, NULL).proxy_may_try_another);
    CHECK(!effect(600, "INVITE").proxy_may_try_another);
    CHECK(!effect(603, NULL).proxy_may_try_another);
    CHECK(!effect(699, NULL).proxy_may_try_another);
    CHECK(!effect(486, "CANCEL").proxy_may_try_another);
}

/* RFC 5057 5.1 Table 1 / Table 2, column "Transaction Only". */
static void rfc5057_transaction_only(void)
{
    static const int codes[] = {400, 401, 402, 403, 406, 407, 412, 413, 414, 415, 417,
                                420, 421, 422, 423, 428, 429, 436, 437, 438, 486, 487,
                                488, 491, 493, 494, 503, 504, 505, 513, 580, 603, 606};
    size_t i;
    for (i = 0; i < sizeof codes / sizeof *codes; i++) {
        struct sipcode_response_effect e = effect(codes[i], NULL);
        if (e.dialog != TXN)
            TEST_FAIL_AT("%d: dialog effect %d, expected transaction", codes[i], e.dialog);
        if (!strstr(e.why, "RFC 5057"))
            TEST_FAIL_AT("%d: why does not cite RFC 5057: %s", codes[i], e.why);
    }
    /* unknown 4xx act as 400 (RFC 3261 8.1.3.2; RFC 5057 "400 (or unknown 4xx)") */
    CHECK_INT(DIALOG_OF(499, NULL), TXN);
    CHECK_INT(DIALOG_OF(409, NULL), TXN); /* historic: acts as 400 */
    CHECK_STR(effect(499, NULL).why, effect(400, NULL).why);
}

/* Column "Destroys Usage": 405, 480, 481, 489, 501 (and 408, see below). */
static void rfc5057_destroys_usage(void)
{
    CHECK_INT(DIALOG_OF(405, NULL), USG);
    CHECK_INT(DIALOG_OF(480, NULL), USG);
    CHECK_INT(DIALOG_OF(481, NULL), USG);
    CHECK_INT(DIALOG_OF(489, NULL), USG);
    CHECK_INT(DIALOG_OF(501, NULL), USG);
    CHECK(strstr(effect(481, NULL).why, "note (8)") != NULL);
    /* note (4) and 5.2: a 408 acts as a transaction timeout, which ends the
     * usage; sipcode follows the note although Table 1 lists 408 under
     * transaction only. */
    CHECK_INT(DIALOG_OF(408, NULL), USG);
    CHECK_INT(DIALOG_OF(408, "INVITE"), USG);
    CHECK_INT(DIALOG_OF(408, "NOTIFY"), USG); /* RFC 6665 4.2.2: a NOTIFY timeout ends it */
    CHECK(strstr(effect(408, NULL).why, "note (4)") != NULL);
}

/* Column "Destroys Dialog": 404, 410, 416, 482, 483, 484, 485, 502, 604. */
static void rfc5057_destroys_dialog(void)
{
    static const int codes[] = {404, 410, 416, 482, 483, 484, 485, 502, 604};
    static const char *const methods[] = {NULL,     "INVITE",    "BYE",     "INFO", "OPTIONS",
                                          "NOTIFY", "SUBSCRIBE", "MESSAGE", "FOO"};
    size_t i, k;
    for (i = 0; i < sizeof codes / sizeof *codes; i++)
        for (k = 0; k < sizeof methods / sizeof *methods; k++)
            if (DIALOG_OF(codes[i], methods[k]) != DLG)
                TEST_FAIL_AT("%d to %s: expected the dialog to end", codes[i],
                             methods[k] ? methods[k] : "NULL");
    CHECK(strstr(effect(483, NULL).why, "Max-Forwards") != NULL);
    CHECK_INT(RETRY_OF(483, NULL), SIPCODE_RETRY_WITH_CHANGES);
}

/* Notes (13) and (17): 500/unknown 5xx and 600/unknown 6xx leave it to the
 * application (retry, or end the usage gracefully). */
static void rfc5057_application_decides(void)
{
    CHECK_INT(DIALOG_OF(500, NULL), APP);
    CHECK_INT(DIALOG_OF(599, NULL), APP);
    CHECK_INT(DIALOG_OF(600, NULL), APP);
    CHECK_INT(DIALOG_OF(699, NULL), APP);
    CHECK_INT(DIALOG_OF(687, NULL), APP); /* unregistered: acts as 600 */
    CHECK_INT(DIALOG_OF(603, NULL), TXN); /* 5.6: 603 refuses without harm */
    CHECK(strstr(effect(500, NULL).why, "note (13)") != NULL);
    CHECK(strstr(effect(600, NULL).why, "note (17)") != NULL);
}

/* 3xx mid-dialog: "impacts the entire dialog and all of its usages". */
static void rfc5057_redirection(void)
{
    CHECK_INT(DIALOG_OF(302, NULL), DLG);
    CHECK_INT(DIALOG_OF(380, "INVITE"), DLG);
    CHECK_INT(DIALOG_OF(399, NULL), DLG);
    CHECK_INT(RETRY_OF(301, NULL), SIPCODE_RETRY_ELSEWHERE);
    CHECK(strstr(effect(302, NULL).why, "8.1.3.4") != NULL);
}

/* Provisional and 2xx: nothing ends, except that a 2xx to BYE ends the invite
 * usage (RFC 5057 4.1). */
static void provisional_and_success(void)
{
    CHECK_INT(DIALOG_OF(100, "INVITE"), NON);
    CHECK_INT(DIALOG_OF(183, NULL), NON);
    CHECK_INT(DIALOG_OF(199, "INVITE"), NON);
    CHECK(strstr(effect(199, "INVITE").why, "RFC 6228") != NULL);
    CHECK_INT(DIALOG_OF(150, NULL), NON);
    CHECK_INT(DIALOG_OF(200, "INVITE"), NON);
    CHECK_INT(DIALOG_OF(202, "REFER"), NON);
    CHECK_INT(DIALOG_OF(200, "CANCEL"), NON);
    CHECK_INT(DIALOG_OF(200, "BYE"), USG);
    CHECK(strstr(effect(200, "BYE").why, "4.1") != NULL);
    CHECK_INT(RETRY_OF(200, "BYE"), SIPCODE_RETRY_NO);
    CHECK_INT(RETRY_OF(180, NULL), SIPCODE_RETRY_NO);
}

/* The method matters. */
static void method_specific_effects(void)
{
    /* Note (8): a 481 to CANCEL affects only the CANCEL; to BYE or INFO the
     * invite usage is gone. */
    CHECK_INT(DIALOG_OF(481, "CANCEL"), TXN);
    CHECK_INT(DIALOG_OF(481, "BYE"), USG);
    CHECK_INT(DIALOG_OF(481, "INFO"), USG);
    CHECK_INT(DIALOG_OF(481, "NOTIFY"), USG);
    CHECK_INT(RETRY_OF(481, "CANCEL"), SIPCODE_RETRY_NO);
    CHECK(strstr(effect(481, "CANCEL").why, "CANCEL") != NULL);
    /* RFC 3261 9.2: any failure answering CANCEL leaves the INVITE alone. */
    CHECK_INT(DIALOG_OF(404, "CANCEL"), TXN);
    CHECK_INT(DIALOG_OF(500, "CANCEL"), TXN);
    /* Note (3): 405/501 end the usage only when the method is integral to it;
     * a 501 to INFO leaves the invite usage alone. */
    CHECK_INT(DIALOG_OF(501, "INFO"), TXN);
    CHECK_INT(DIALOG_OF(405, "INFO"), TXN);
    CHECK_INT(DIALOG_OF(501, "UPDATE"), TXN);
    CHECK_INT(DIALOG_OF(405, "REFER"), TXN);
    CHECK_INT(DIALOG_OF(501, "FOO"), TXN);
    CHECK_INT(DIALOG_OF(501, "NOTIFY"), USG);
    CHECK_INT(DIALOG_OF(405, "SUBSCRIBE"), USG);
    CHECK_INT(DIALOG_OF(501, "INVITE"), USG);
    CHECK(strstr(effect(501, "INFO").why, "note (3)") != NULL);
    /* Note (12): 489 only means something to SUBSCRIBE and NOTIFY. */
    CHECK_INT(DIALOG_OF(489, "SUBSCRIBE"), USG);
    CHECK_INT(DIALOG_OF(489, "NOTIFY"), USG);
    CHECK_INT(DIALOG_OF(489, "INVITE"), TXN);
    CHECK_INT(DIALOG_OF(489, "INFO"), TXN);
    CHECK(strstr(effect(489, "INFO").why, "note (12)") != NULL);
    /* RFC 6665 4.1.2.2: a refresh SUBSCRIBE failing with anything outside
     * 404, 405, 410, 416, 480-485, 489, 501, 604 keeps the subscription. */
    CHECK_INT(DIALOG_OF(408, "SUBSCRIBE"), TXN);
    CHECK(strstr(effect(408, "SUBSCRIBE").why, "RFC 6665") != NULL);
    {
        static const int ends[] = {404, 405, 410, 416, 480, 481, 482, 483, 484, 485, 489, 501, 604};
        size_t i;
        for (i = 0; i < sizeof ends / sizeof *ends; i++) {
            enum sipcode_dialog_effect d = DIALOG_OF(ends[i], "SUBSCRIBE");
            if (d != USG && d != DLG)
                TEST_FAIL_AT("%d to SUBSCRIBE must end the subscription", ends[i]);
        }
        CHECK_INT(DIALOG_OF(403, "SUBSCRIBE"), TXN);
        CHECK_INT(DIALOG_OF(486, "SUBSCRIBE"), TXN);
    }
    /* RFC 5057 5.3: OPTIONS, MESSAGE and unknown methods belong to no usage;
     * only failures that end the dialog reach beyond the transaction. */
    CHECK_INT(DIALOG_OF(481, "OPTIONS"), TXN);
    CHECK_INT(DIALOG_OF(408, "OPTIONS"), TXN);
    CHECK_INT(DIALOG_OF(480, "MESSAGE"), TXN);
    CHECK_INT(DIALOG_OF(500, "OPTIONS"), TXN);
    CHECK_INT(DIALOG_OF(600, "FOO"), TXN);
    CHECK_INT(DIALOG_OF(481, "PUBLISH"), TXN);
    CHECK_INT(DIALOG_OF(404, "OPTIONS"), DLG);
    CHECK(strstr(effect(481, "OPTIONS").why, "5.3") != NULL);
    CHECK_INT(DIALOG_OF(481, "options"), TXN); /* lower case: an unknown method */
    /* ACK is never answered. */
    CHECK_INT(DIALOG_OF(486, "ACK"), NON);
    CHECK_INT(RETRY_OF(486, "ACK"), SIPCODE_RETRY_NO);
    CHECK(!effect(486, "ACK").proxy_may_try_another);
}

/* When to retry, each with its RFC section. */
static void retry_rules(void)
{
    static const struct {
        int code;
        enum sipcode_retry retry;
        const char *cite;
    } rows[] = {
        {401, SIPCODE_RETRY_WITH_CREDENTIALS, "22.2"},
        {407, SIPCODE_RETRY_WITH_CREDENTIALS, "22.3"},
        {300, SIPCODE_RETRY_ELSEWHERE, "8.1.3.4"},
        {302, SIPCODE_RETRY_ELSEWHERE, "8.1.3.4"},
        {485, SIPCODE_RETRY_ELSEWHERE, "21.4.23"},
        {503, SIPCODE_RETRY_ELSEWHERE, "21.5.4"},
        {430, SIPCODE_RETRY_ELSEWHERE, "RFC 5626"},
        {408, SIPCODE_RETRY_LATER, "21.4.9"},
        {480, SIPCODE_RETRY_LATER, "21.4.18"},
        {486, SIPCODE_RETRY_LATER, "21.4.24"},
        {491, SIPCODE_RETRY_LATER, "14.1"},
        {500, SIPCODE_RETRY_LATER, "21.5.1"},
        {504, SIPCODE_RETRY_LATER, "21.5.5"},
        {600, SIPCODE_RETRY_LATER, "21.6.1"},
        {603, SIPCODE_RETRY_LATER, "21.6.2"},
        {400, SIPCODE_RETRY_WITH_CHANGES, "21.4.1"},
        {406, SIPCODE_RETRY_WITH_CHANGES, "21.4.7"},
        {413, SIPCODE_RETRY_WITH_CHANGES, "8.1.3.5"},
        {414, SIPCODE_RETRY_WITH_CHANGES, "21.4.12"},
        {415, SIPCODE_RETRY_WITH_CHANGES, "8.1.3.5"},
        {416, SIPCODE_RETRY_WITH_CHANGES, "8.1.3.5"},
        {420, SIPCODE_RETRY_WITH_CHANGES, "8.1.3.5"},
        {421, SIPCODE_RETRY_WITH_CHANGES, "21.4.16"},
        {422, SIPCODE_RETRY_WITH_CHANGES, "RFC 4028"},
        {423, SIPCODE_RETRY_WITH_CHANGES, "10.2.8"},
        {483, SIPCODE_RETRY_WITH_CHANGES, "note (10)"},
        {484, SIPCODE_RETRY_WITH_CHANGES, "21.4.22"},
        {488, SIPCODE_RETRY_WITH_CHANGES, "21.4.26"},
        {493, SIPCODE_RETRY_WITH_CHANGES, "21.4.28"},
        {494, SIPCODE_RETRY_WITH_CHANGES, "RFC 3329"},
        {606, SIPCODE_RETRY_WITH_CHANGES, "21.6.4"},
        {403, SIPCODE_RETRY_NO, "21.4.4"},
        {404, SIPCODE_RETRY_NO, "21.4.5"},
        {410, SIPCODE_RETRY_NO, "21.4.10"},
        {481, SIPCODE_RETRY_NO, "21.4.19"},
        {487, SIPCODE_RETRY_NO, "21.4.25"},
        {501, SIPCODE_RETRY_NO, "21.5.2"},
        {604, SIPCODE_RETRY_NO, "21.6.3"},
        {607, SIPCODE_RETRY_NO, "RFC 8197"},
        {608, SIPCODE_RETRY_NO, "RFC 8688"},
    };
    size_t i;
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        struct sipcode_response_effect e = effect(rows[i].code, "INVITE");
        if (e.retry != rows[i].retry)
            TEST_FAIL_AT("%d: retry %d, expected %d", rows[i].code, e.retry, rows[i].retry);
        if (!strstr(e.why, rows[i].cite))
            TEST_FAIL_AT("%d: why lacks \"%s\": %s", rows[i].code, rows[i].cite, e.why);
    }
}

/* Every registered code has a rule, with a why that names an RFC; unknown
 * codes act as their effective code (RFC 3261 8.1.3.2). */
static void every_code_has_an_answer(void)
{
    int code;
    for (code = 100; code <= 699; code++) {
        struct sipcode_response_effect e = effect(code, NULL);
        struct sipcode_response_effect x = effect(sipcode_effective(code), NULL);
        if (!e.why || !strstr(e.why, "RFC"))
            TEST_FAIL_AT("%d: why names no RFC", code);
        if (e.final != (code >= 200))
            TEST_FAIL_AT("%d: final flag", code);
        if (e.dialog != x.dialog || e.retry != x.retry || e.why != x.why)
            TEST_FAIL_AT("%d does not act as %d", code, sipcode_effective(code));
        if ((unsigned)e.dialog > SIPCODE_EFFECT_APPLICATION ||
            (unsigned)e.retry > SIPCODE_RETRY_LATER)
            TEST_FAIL_AT("%d: enum out of range", code);
    }
    /* Each registered 4xx-6xx code has its own row (its why cites its own
     * section or RFC, not only its class's). */
    for (code = 400; code <= 699; code++) {
        const struct sipcode_info *info = sipcode_lookup(code);
        const char *why;
        if (!info || code % 100 == 0 ||
            (info->status != SIPCODE_STATUS_CURRENT && info->status != SIPCODE_STATUS_DEPRECATED))
            continue;
        why = effect(code, NULL).why;
        if (why == effect(code / 100 * 100, NULL).why)
            TEST_FAIL_AT("%d has no row of its own", code);
        if (!strstr(why, info->rfc) && !strstr(why, info->section))
            TEST_FAIL_AT("%d: why cites neither %s nor %s: %s", code, info->rfc, info->section,
                         why);
    }
}

/* ---- header fields ------------------------------------------------------------ */

static int level_of(int code, const char *method, const char *name)
{
    struct sipcode_header_rule rules[32];
    size_t n = sipcode_response_headers(code, method, method ? strlen(method) : 0, rules, 32), i;
    for (i = 0; i < n && i < 32; i++)
        if (strcmp(rules[i].name, name) == 0)
            return (int)rules[i].level;
    return -1;
}

#define MUST   SIPCODE_LEVEL_MUST
#define SHOULD SIPCODE_LEVEL_SHOULD
#define MAY    SIPCODE_LEVEL_MAY

static void headers_from_the_registry(void)
{
    /* RFC 3261 21.4.6, 21.4.2, 21.4.8, 21.4.17, 21.4.15, 20.33 */
    CHECK_INT(level_of(405, NULL, "Allow"), MUST);
    CHECK_INT(level_of(405, "OPTIONS", "Allow"), MUST);
    CHECK_INT(level_of(401, "REGISTER", "WWW-Authenticate"), MUST);
    CHECK_INT(level_of(407, "INVITE", "Proxy-Authenticate"), MUST);
    CHECK_INT(level_of(423, "REGISTER", "Min-Expires"), MUST);
    CHECK_INT(level_of(420, NULL, "Unsupported"), MUST);
    CHECK_INT(level_of(415, NULL, "Accept"), SHOULD);
    CHECK_INT(level_of(302, NULL, "Contact"), SHOULD);
    CHECK_INT(level_of(485, NULL, "Contact"), MAY);
    CHECK_INT(level_of(503, NULL, "Retry-After"), MAY);
    CHECK_INT(level_of(486, "INVITE", "Retry-After"), MAY);
    /* the result starts with the registry's rules, in order */
    {
        struct sipcode_header_rule r[4];
        const struct sipcode_info *info = sipcode_lookup(415);
        size_t n = sipcode_response_headers(415, NULL, 0, r, 4), i;
        CHECK_INT(n, info->header_count);
        for (i = 0; i < n && i < 4; i++) {
            CHECK_STR(r[i].name, info->headers[i].name);
            CHECK_INT(r[i].level, info->headers[i].level);
        }
    }
    /* an unknown code takes its effective code's rules (8.1.3.2) */
    CHECK_INT(level_of(399, NULL, "Contact"), SHOULD);
    CHECK_INT(level_of(499, NULL, "Contact"), -1);
}

/* RFC 3261 section 20 tables and the method sections. */
static void headers_by_method(void)
{
    /* 11.2: 200 to OPTIONS */
    CHECK_INT(level_of(200, "OPTIONS", "Allow"), SHOULD);
    CHECK_INT(level_of(200, "OPTIONS", "Accept"), SHOULD);
    CHECK_INT(level_of(200, "OPTIONS", "Accept-Encoding"), SHOULD);
    CHECK_INT(level_of(200, "OPTIONS", "Accept-Language"), SHOULD);
    CHECK_INT(level_of(200, "OPTIONS", "Supported"), SHOULD);
    CHECK_INT(level_of(200, "OPTIONS", "Contact"), MAY);
    /* 12.1.1 and 13.3.1.4: 2xx to INVITE */
    CHECK_INT(level_of(200, "INVITE", "Contact"), MUST);
    CHECK_INT(level_of(200, "INVITE", "Allow"), SHOULD);
    CHECK_INT(level_of(200, "INVITE", "Supported"), SHOULD);
    CHECK_INT(level_of(200, "INVITE", "Accept"), MAY);
    CHECK_INT(level_of(299, "INVITE", "Contact"), MUST);
    /* 12.1: 101-199 to INVITE create an early dialog; 100 does not, and a
     * 199 SHOULD NOT carry Contact (RFC 6228 section 6) */
    CHECK_INT(level_of(180, "INVITE", "Contact"), MUST);
    CHECK_INT(level_of(183, "INVITE", "Contact"), MUST);
    CHECK_INT(level_of(101, "INVITE", "Contact"), MUST);
    CHECK_INT(level_of(100, "INVITE", "Contact"), -1);
    CHECK_INT(level_of(199, "INVITE", "Contact"), -1);
    CHECK_INT(level_of(199, "INVITE", "Reason"), MUST); /* registry: RFC 6228 */
    CHECK_INT(level_of(180, "INVITE", "Alert-Info"), MAY);
    CHECK_INT(level_of(180, NULL, "Contact"), -1);
    /* 10.3 step 8: 200 to REGISTER */
    CHECK_INT(level_of(200, "REGISTER", "Contact"), SHOULD);
    CHECK_INT(level_of(200, "REGISTER", "Date"), SHOULD);
    /* RFC 6665 3.1.1: 2xx to SUBSCRIBE */
    CHECK_INT(level_of(200, "SUBSCRIBE", "Expires"), MUST);
    CHECK_INT(level_of(202, "SUBSCRIBE", "Expires"), MUST);
    CHECK_INT(level_of(200, "SUBSCRIBE", "Contact"), SHOULD);
    CHECK_INT(level_of(204, "SUBSCRIBE", "Expires"), MUST); /* both agree: one rule */
    /* RFC 3311 section 7, RFC 3515 2.2, RFC 3903 section 6 */
    CHECK_INT(level_of(200, "UPDATE", "Contact"), MUST);
    CHECK_INT(level_of(202, "REFER", "Contact"), MUST);
    CHECK_INT(level_of(200, "PUBLISH", "SIP-ETag"), MUST);
    CHECK_INT(level_of(200, "PUBLISH", "Expires"), MUST);
    /* Table 3, 16.7 step 7: merged challenges */
    CHECK_INT(level_of(401, "INVITE", "Proxy-Authenticate"), MAY);
    CHECK_INT(level_of(407, NULL, "WWW-Authenticate"), MAY);
    CHECK_INT(level_of(401, "CANCEL", "Proxy-Authenticate"), -1);
    /* nothing extra for BYE, CANCEL, an unknown method or no method */
    CHECK_INT(sipcode_response_headers(200, "BYE", 3, NULL, 0), 0);
    CHECK_INT(sipcode_response_headers(200, "CANCEL", 6, NULL, 0), 0);
    CHECK_INT(sipcode_response_headers(200, "invite", 6, NULL, 0), 0);
    CHECK_INT(sipcode_response_headers(200, NULL, 0, NULL, 0), 0);
    /* ACK is never answered */
    CHECK_INT(sipcode_response_headers(405, "ACK", 3, NULL, 0), 0);
}

/* The result has no duplicates, the total does not depend on cap, and
 * nothing is written past cap. */
static void headers_merge_and_cap(void)
{
    static const char *const methods[] = {NULL,      "INVITE", "OPTIONS", "REGISTER", "SUBSCRIBE",
                                          "PUBLISH", "UPDATE", "REFER",   "BYE",      "ACK"};
    int code;
    size_t k;
    for (code = 100; code <= 699; code++)
        for (k = 0; k < sizeof methods / sizeof *methods; k++) {
            struct sipcode_header_rule r[34];
            const char *m = methods[k];
            size_t len = m ? strlen(m) : 0, total = sipcode_response_headers(code, m, len, NULL, 0);
            size_t n, i, j;
            memset(r, 0, sizeof r);
            r[3].name = "guard";
            n = sipcode_response_headers(code, m, len, r, 3);
            if (n != total || r[3].name == NULL || strcmp(r[3].name, "guard") != 0)
                TEST_FAIL_AT("%d/%s: cap not honoured", code, m ? m : "NULL");
            n = sipcode_response_headers(code, m, len, r, 32);
            if (n > 32) {
                TEST_FAIL_AT("%d: too many rules", code);
                continue;
            }
            for (i = 0; i < n; i++) {
                if (!r[i].name || !*r[i].name || (unsigned)r[i].level > SIPCODE_LEVEL_MAY)
                    TEST_FAIL_AT("%d: bad rule %zu", code, i);
                for (j = 0; j < i; j++)
                    if (strcmp(r[i].name, r[j].name) == 0)
                        TEST_FAIL_AT("%d/%s: %s twice", code, m ? m : "NULL", r[i].name);
            }
        }
}

static const struct test_case effect_tests[] = {
    {"effect_arguments", arguments},
    {"effect_final_and_ack", final_and_ack},
    {"effect_proxy_may_try_another", proxy_may_try_another},
    {"effect_rfc5057_transaction_only", rfc5057_transaction_only},
    {"effect_rfc5057_destroys_usage", rfc5057_destroys_usage},
    {"effect_rfc5057_destroys_dialog", rfc5057_destroys_dialog},
    {"effect_rfc5057_application_decides", rfc5057_application_decides},
    {"effect_rfc5057_redirection", rfc5057_redirection},
    {"effect_provisional_and_success", provisional_and_success},
    {"effect_method_specific_effects", method_specific_effects},
    {"effect_retry_rules", retry_rules},
    {"effect_every_code_has_an_answer", every_code_has_an_answer},
    {"headers_from_the_registry", headers_from_the_registry},
    {"headers_by_method", headers_by_method},
    {"headers_merge_and_cap", headers_merge_and_cap},
    {NULL, NULL},
};
TEST_SUITE(effect_tests)
