/* Best response of a forking proxy: RFC 3261 16.7 steps 5-7, and the choices
 * of Kamailio's and OpenSIPS's tm modules (t_reply.c). */
#include <stdint.h>

#include <sipcode.h>

#include "test.h"

#define NOB ((size_t)-1)

/* Picks among codes[0..n) (local[i] marks locally made replies) under a policy. */
static struct sipcode_pick_result pick(enum sipcode_pick_policy policy, int cancelled,
                                       const int *codes, const int *local, size_t n)
{
    struct sipcode_branch_reply b[16];
    struct sipcode_pick_options opt;
    struct sipcode_pick_result r;
    size_t i;
    memset(&r, 0xa5, sizeof r);
    for (i = 0; i < n && i < 16; i++) {
        b[i].code = codes[i];
        b[i].local = local ? local[i] : 0;
    }
    opt.policy = policy;
    opt.cancelled = cancelled;
    if (sipcode_pick_best(b, n, &opt, &r) != SIPCODE_OK)
        TEST_FAIL_AT("%s", "sipcode_pick_best failed");
    return r;
}

#define RFC  SIPCODE_POLICY_RFC3261
#define KAM  SIPCODE_POLICY_KAMAILIO
#define OSI  SIPCODE_POLICY_OPENSIPS
#define N(a) (sizeof(a) / sizeof *(a))

/* RFC 3261 16.7 step 6: "If there are no final responses in the context, the
 * proxy MUST send a 408". Provisionals and junk are no final response. */
static void no_final_response_gives_408(void)
{
    static const int junk[] = {100, 180, 0, -1, 700, 99, 1000};
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        struct sipcode_pick_result r = pick(p, 0, NULL, NULL, 0);
        CHECK_INT(r.code, 408);
        CHECK_INT(r.chosen, 0);
        CHECK(r.branch == NOB);
        CHECK_INT(r.rule, SIPCODE_PICK_NO_FINAL);
        CHECK(!r.remapped_503 && !r.aggregate_challenges);
        CHECK(r.why && strstr(r.why, "16.7 step 6"));
        r = pick(p, 0, junk, NULL, N(junk));
        CHECK_INT(r.code, 408);
        CHECK(r.branch == NOB);
        CHECK_INT(r.rule, SIPCODE_PICK_NO_FINAL);
    }
}

/* RFC 3261 16.7 step 5: any 2xx is forwarded at once, so it beats even a 6xx
 * received before it; the first 2xx is the one. */
static void success_is_forwarded_at_once(void)
{
    static const int codes[] = {603, 486, 202, 200};
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        struct sipcode_pick_result r = pick(p, 1, codes, NULL, N(codes));
        CHECK_INT(r.code, 202);
        CHECK_INT(r.branch, 2);
        CHECK_INT(r.rule, SIPCODE_PICK_LOWEST_CLASS);
    }
    CHECK(strstr(pick(RFC, 0, codes, NULL, N(codes)).why, "16.7 step 5") != NULL);
}

/* RFC 3261 16.7 step 6: "It MUST choose from the 6xx class responses if any
 * exist"; among several sipcode takes the lowest code (Kamailio does too),
 * OpenSIPS the first to arrive. */
static void global_failure_wins(void)
{
    static const int a[] = {302, 401, 600};
    static const int b[] = {603, 486, 600};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        r = pick(p, 0, a, NULL, N(a));
        CHECK_INT(r.code, 600);
        CHECK_INT(r.branch, 2);
        CHECK_INT(r.rule, SIPCODE_PICK_GLOBAL_FAILURE);
    }
    r = pick(RFC, 0, b, NULL, N(b));
    CHECK_INT(r.code, 600);
    CHECK_INT(r.branch, 2);
    CHECK(strstr(r.why, "MUST choose from the 6xx") != NULL);
    r = pick(KAM, 0, b, NULL, N(b));
    CHECK_INT(r.code, 600);
    r = pick(OSI, 0, b, NULL, N(b));
    CHECK_INT(r.code, 603); /* t_should_relay_response(): the first 6xx wins at once */
    CHECK_INT(r.branch, 0);
    CHECK(strstr(r.why, "disable_6xx_block") != NULL);
}

/* {600, 302}: the 6xx, whatever the policy; {302, 401}: the lowest class. */
static void redirect_beats_4xx_but_not_6xx(void)
{
    static const int a[] = {600, 302};
    static const int b[] = {302, 401};
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        struct sipcode_pick_result r = pick(p, 0, a, NULL, N(a));
        CHECK_INT(r.code, 600);
        CHECK_INT(r.branch, 0);
        r = pick(p, 0, b, NULL, N(b));
        CHECK_INT(r.code, 302);
        CHECK_INT(r.rule, SIPCODE_PICK_LOWEST_CLASS);
        CHECK(!r.aggregate_challenges);
    }
}

/* RFC 3261 16.7 step 6: "the proxy SHOULD choose from the lowest response
 * class", and the RFC's own example: 503, 407, 501, 404 -> 407. */
static void lowest_class_and_the_rfc_example(void)
{
    static const int example[] = {503, 407, 501, 404};
    static const int a[] = {486, 480, 503};
    static const int b[] = {503, 504, 500};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        r = pick(p, 0, example, NULL, N(example));
        CHECK_INT(r.code, 407);
        CHECK_INT(r.branch, 1);
        CHECK_INT(r.rule, SIPCODE_PICK_PREFERRED_4XX);
        CHECK(!r.aggregate_challenges); /* a single challenge: nothing to merge */
        r = pick(p, 0, a, NULL, N(a));
        CHECK_INT(r.code, 480); /* lowest code within the class */
        CHECK_INT(r.branch, 1);
        CHECK_INT(r.rule, SIPCODE_PICK_LOWEST_CLASS);
        r = pick(p, 0, b, NULL, N(b));
        CHECK_INT(r.code, 500);
        CHECK_INT(r.branch, 2);
        CHECK(!r.remapped_503);
    }
    CHECK(strstr(pick(RFC, 0, a, NULL, N(a)).why, "lowest response class") != NULL);
}

/* RFC 3261 16.7 step 6: 401, 407, 415, 420 and 484 "SHOULD be given
 * preference" in 4xx; sipcode orders them as listed (so do both peers). */
static void preferred_4xx_in_the_listed_order(void)
{
    static const int a[] = {404, 484, 420, 415, 407, 401};
    static const int b[] = {400, 484, 420};
    static const int c[] = {403, 415};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        r = pick(p, 0, a, NULL, N(a));
        CHECK_INT(r.code, 401);
        CHECK_INT(r.branch, 5);
        CHECK_INT(r.rule, SIPCODE_PICK_PREFERRED_4XX);
        r = pick(p, 0, b, NULL, N(b));
        CHECK_INT(r.code, 420);
        CHECK_INT(r.rule, SIPCODE_PICK_PREFERRED_4XX);
        r = pick(p, 0, c, NULL, N(c));
        CHECK_INT(r.code, 415);
    }
    r = pick(RFC, 0, c, NULL, N(c));
    CHECK(strstr(r.why, "SHOULD be preferred") != NULL);
    CHECK(strstr(pick(KAM, 0, c, NULL, N(c)).why, "get_4xx_prio") != NULL);
    CHECK(strstr(pick(OSI, 0, c, NULL, N(c)).why, "500..504") != NULL);
}

/* RFC 3261 16.7 step 7: forwarding a 401 or 407, the proxy MUST add the
 * challenges of every other 401/407. Kamailio merges only received replies;
 * OpenSIPS's relay_reply() does not merge. */
static void challenges_are_aggregated(void)
{
    static const int codes[] = {486, 407, 401, 407};
    static const int one_local[] = {0, 1, 0, 0};
    static const int two_local[] = {0, 1, 1, 0};
    struct sipcode_pick_result r;
    r = pick(RFC, 0, codes, NULL, N(codes));
    CHECK_INT(r.code, 401);
    CHECK_INT(r.branch, 2);
    CHECK_INT(r.rule, SIPCODE_PICK_PREFERRED_4XX);
    CHECK(r.aggregate_challenges);
    CHECK(strstr(r.why, "16.7 step 7") != NULL);
    r = pick(KAM, 0, codes, NULL, N(codes));
    CHECK_INT(r.code, 401);
    CHECK(r.aggregate_challenges);
    CHECK(strstr(r.why, "aggregate_challenges") != NULL);
    r = pick(KAM, 0, codes, one_local, N(codes));
    CHECK(r.aggregate_challenges); /* 401 and the second 407 are received */
    r = pick(KAM, 0, codes, two_local, N(codes));
    CHECK(!r.aggregate_challenges); /* auth_reply_count() skips FAKED replies */
    r = pick(OSI, 0, codes, NULL, N(codes));
    CHECK_INT(r.code, 401);
    CHECK(!r.aggregate_challenges);
}

/* RFC 3261 16.7 step 6: a proxy "SHOULD NOT forward" a 503; "If the only
 * response that was received is a 503, the proxy SHOULD generate a 500".
 * Kamailio (remap_503_500=1) replaces a received 503 only; OpenSIPS forwards
 * it. Within 5xx the RFC policy and OpenSIPS put 503 last. */
static void service_unavailable_alone(void)
{
    static const int only[] = {503};
    static const int two[] = {503, 503};
    static const int mixed[] = {503, 504};
    static const int local[] = {1};
    struct sipcode_pick_result r;
    r = pick(RFC, 0, only, NULL, 1);
    CHECK_INT(r.code, 500);
    CHECK_INT(r.chosen, 503);
    CHECK_INT(r.branch, 0);
    CHECK(r.remapped_503);
    CHECK(strstr(r.why, "SHOULD NOT forward a 503") != NULL);
    r = pick(RFC, 0, only, local, 1); /* 16.9: a transport error acts as a 503 */
    CHECK_INT(r.code, 500);
    r = pick(RFC, 0, two, NULL, 2);
    CHECK_INT(r.code, 500);
    CHECK_INT(r.branch, 0);
    r = pick(KAM, 0, only, NULL, 1);
    CHECK_INT(r.code, 500);
    CHECK(r.remapped_503);
    CHECK(strstr(r.why, "remap_503_500") != NULL);
    r = pick(KAM, 0, only, local, 1);
    CHECK_INT(r.code, 503); /* relay_reply() remaps only a received 503 */
    CHECK(!r.remapped_503);
    r = pick(OSI, 0, only, NULL, 1);
    CHECK_INT(r.code, 503);
    CHECK(!r.remapped_503);
    r = pick(RFC, 0, mixed, NULL, 2);
    CHECK_INT(r.code, 504);
    CHECK(!r.remapped_503);
    r = pick(OSI, 0, mixed, NULL, 2);
    CHECK_INT(r.code, 504);
    r = pick(KAM, 0, mixed, NULL, 2);
    CHECK_INT(r.code, 500); /* get_prio(): 503 (5003) before 504, then remapped */
    CHECK_INT(r.chosen, 503);
}

/* {500, 408}: the RFC and Kamailio stay in the lowest class (408); OpenSIPS
 * ranks 408 at 800, behind every 5xx but 503. */
static void timeout_against_server_error(void)
{
    static const int codes[] = {500, 408};
    static const int local[] = {0, 1};
    static const int vs503[] = {503, 408};
    struct sipcode_pick_result r;
    r = pick(RFC, 0, codes, local, 2);
    CHECK_INT(r.code, 408);
    CHECK_INT(r.branch, 1);
    r = pick(KAM, 0, codes, local, 2);
    CHECK_INT(r.code, 408);
    r = pick(OSI, 0, codes, local, 2);
    CHECK_INT(r.code, 500);
    CHECK_INT(r.branch, 0);
    CHECK_INT(r.rule, SIPCODE_PICK_POLICY_ORDER);
    CHECK(strstr(r.why, "408 ranks 800") != NULL);
    r = pick(OSI, 0, vs503, NULL, 2);
    CHECK_INT(r.code, 408); /* 800 < 801 */
}

/* {408 local, 503}: 408 everywhere; once cancelled, Kamailio sends 487 for a
 * locally made winner (relay_reply(), T_CANCELED); the others do not. */
static void local_timeout_and_cancel(void)
{
    static const int codes[] = {408, 503};
    static const int local[] = {1, 0};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        r = pick(p, 0, codes, local, 2);
        CHECK_INT(r.code, 408);
        CHECK_INT(r.branch, 0);
    }
    r = pick(RFC, 1, codes, local, 2);
    CHECK_INT(r.code, 408);
    r = pick(KAM, 1, codes, local, 2);
    CHECK_INT(r.code, 487);
    CHECK_INT(r.chosen, 408);
    CHECK_INT(r.branch, 0);
    CHECK(strstr(r.why, "cancelled") != NULL);
    r = pick(OSI, 1, codes, local, 2);
    CHECK_INT(r.code, 408);
    /* Kamailio: faked_reply_prio = 0, so a local reply is not penalised. */
    {
        static const int l404[] = {404, 480};
        static const int lflag[] = {1, 0};
        r = pick(KAM, 0, l404, lflag, 2);
        CHECK_INT(r.code, 404);
        CHECK_INT(r.branch, 0);
    }
}

/* {486, 503} and {404, 487} when cancelled: OpenSIPS's branch_prio() puts 487
 * first (0) for a cancelled transaction; the RFC and Kamailio rank it as any
 * other 4xx. */
static void cancelled_transactions(void)
{
    static const int busy[] = {486, 503};
    static const int term[] = {404, 487};
    static const int term6[] = {487, 603};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        r = pick(p, 1, busy, NULL, 2);
        CHECK_INT(r.code, 486);
        r = pick(p, 0, term, NULL, 2);
        CHECK_INT(r.code, 404);
    }
    r = pick(RFC, 1, term, NULL, 2);
    CHECK_INT(r.code, 404);
    r = pick(KAM, 1, term, NULL, 2);
    CHECK_INT(r.code, 404);
    r = pick(OSI, 1, term, NULL, 2);
    CHECK_INT(r.code, 487);
    CHECK_INT(r.branch, 1);
    CHECK_INT(r.rule, SIPCODE_PICK_CANCELLED_487);
    /* A 6xx still wins at once in OpenSIPS, before any ranking. */
    r = pick(OSI, 1, term6, NULL, 2);
    CHECK_INT(r.code, 603);
    CHECK_INT(r.rule, SIPCODE_PICK_GLOBAL_FAILURE);
}

/* Unknown codes: the RFC policy ranks 499 as 400 (RFC 3261 8.1.3.2), so it
 * comes before 403; Kamailio (4199) and OpenSIPS (699) rank it by its number. */
static void unknown_codes(void)
{
    static const int a[] = {499, 403};
    static const int b[] = {699, 600};
    static const int c[] = {599, 503};
    struct sipcode_pick_result r;
    r = pick(RFC, 0, a, NULL, 2);
    CHECK_INT(r.code, 499); /* forwarded as received */
    CHECK_INT(r.branch, 0);
    r = pick(KAM, 0, a, NULL, 2);
    CHECK_INT(r.code, 403);
    r = pick(OSI, 0, a, NULL, 2);
    CHECK_INT(r.code, 403);
    r = pick(RFC, 0, b, NULL, 2);
    CHECK_INT(r.code, 699); /* 699 acts as 600: a tie, the lower branch wins */
    r = pick(KAM, 0, b, NULL, 2);
    CHECK_INT(r.code, 600);
    r = pick(RFC, 0, c, NULL, 2);
    CHECK_INT(r.code, 599); /* 599 acts as 500, ahead of 503 */
    CHECK(!r.remapped_503);
}

/* Ties keep the lowest branch index (strict '<' in both peers). */
static void ties_keep_the_lowest_branch(void)
{
    static const int codes[] = {486, 486, 486};
    static const int local[] = {1, 0, 0};
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++) {
        struct sipcode_pick_result r = pick(p, 0, codes, local, 3);
        CHECK_INT(r.branch, 0);
        CHECK_INT(r.code, 486);
    }
}

static void arguments_and_names(void)
{
    struct sipcode_branch_reply b = {486, 0};
    struct sipcode_pick_options bad = {(enum sipcode_pick_policy)7, 0};
    struct sipcode_pick_result r;
    enum sipcode_pick_policy p = SIPCODE_POLICY_OPENSIPS;
    CHECK_INT(sipcode_pick_best(&b, 1, NULL, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_pick_best(NULL, 1, NULL, &r), SIPCODE_EINVAL);
    CHECK_INT(sipcode_pick_best(&b, 1, &bad, &r), SIPCODE_EINVAL);
    CHECK_INT(sipcode_pick_best(NULL, 0, NULL, &r), SIPCODE_OK);
    CHECK_INT(r.code, 408);
    CHECK_INT(sipcode_pick_best(&b, 1, NULL, &r), SIPCODE_OK); /* NULL options: rfc3261 */
    CHECK_INT(r.code, 486);
    CHECK(strncmp(r.why, "RFC 3261", 8) == 0);

    CHECK_STR(sipcode_policy_name(SIPCODE_POLICY_RFC3261), "rfc3261");
    CHECK_STR(sipcode_policy_name(SIPCODE_POLICY_KAMAILIO), "kamailio");
    CHECK_STR(sipcode_policy_name(SIPCODE_POLICY_OPENSIPS), "opensips");
    CHECK_NULL(sipcode_policy_name((enum sipcode_pick_policy)3));
    CHECK_NULL(sipcode_policy_name((enum sipcode_pick_policy)(-1)));
    CHECK_INT(sipcode_policy_from_name("Kamailio", 8, &p), SIPCODE_OK);
    CHECK_INT(p, SIPCODE_POLICY_KAMAILIO);
    CHECK_INT(sipcode_policy_from_name("RFC3261xyz", 7, &p), SIPCODE_OK); /* length counts */
    CHECK_INT(p, SIPCODE_POLICY_RFC3261);
    p = SIPCODE_POLICY_OPENSIPS;
    CHECK_INT(sipcode_policy_from_name("rfc326", 6, &p), SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_policy_from_name("", 0, &p), SIPCODE_ENOTFOUND);
    CHECK_INT(sipcode_policy_from_name(NULL, 0, &p), SIPCODE_ENOTFOUND);
    CHECK_INT(p, SIPCODE_POLICY_OPENSIPS); /* untouched on failure */
    CHECK_INT(sipcode_policy_from_name("opensips", 8, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_policy_from_name(NULL, 3, &p), SIPCODE_EINVAL);

    CHECK_STR(sipcode_pick_rule_name(SIPCODE_PICK_NO_FINAL), "no-final");
    CHECK_STR(sipcode_pick_rule_name(SIPCODE_PICK_POLICY_ORDER), "policy-order");
    CHECK_NULL(sipcode_pick_rule_name((enum sipcode_pick_rule)6));
    CHECK_NULL(sipcode_pick_rule_name((enum sipcode_pick_rule)(-1)));
}

/* Every code 100..699 alone and in pairs: the result is one of the inputs (or
 * 500 for a 503, 487 for a cancelled local, 408 when nothing is final), the
 * why names its source, and the peers' rankings agree with their formulas. */
static void exhaustive_pairs_are_consistent(void)
{
    int a, b, bad = 0;
    enum sipcode_pick_policy p;
    for (p = RFC; p <= OSI; p++)
        for (a = 100; a <= 699; a += 1)
            for (b = 100; b <= 699; b += 7) {
                int codes[2] = {a, b}, local[2] = {a & 1, 0};
                struct sipcode_pick_result r = pick(p, a & 2, codes, local, 2);
                int from = r.branch == NOB ? 0 : codes[r.branch];
                const char *src = p == RFC ? "RFC 3261" : p == KAM ? "Kamailio" : "OpenSIPS";
                if (!r.why || strncmp(r.why, src, strlen(src)) != 0)
                    bad++;
                else if (r.branch == NOB ? (r.code != 408 || (a >= 200) || (b >= 200))
                                         : (from != r.chosen || from < 200 ||
                                            (r.code != from && r.code != 500 && r.code != 487)))
                    bad++;
                else if (from >= 200 && from < 300 && r.code != from)
                    bad++;
            }
    CHECK_INT(bad, 0);
}

static const struct test_case pick_tests[] = {
    {"pick_no_final_response_gives_408", no_final_response_gives_408},
    {"pick_success_is_forwarded_at_once", success_is_forwarded_at_once},
    {"pick_global_failure_wins", global_failure_wins},
    {"pick_redirect_beats_4xx_but_not_6xx", redirect_beats_4xx_but_not_6xx},
    {"pick_lowest_class_and_the_rfc_example", lowest_class_and_the_rfc_example},
    {"pick_preferred_4xx_in_the_listed_order", preferred_4xx_in_the_listed_order},
    {"pick_challenges_are_aggregated", challenges_are_aggregated},
    {"pick_service_unavailable_alone", service_unavailable_alone},
    {"pick_timeout_against_server_error", timeout_against_server_error},
    {"pick_local_timeout_and_cancel", local_timeout_and_cancel},
    {"pick_cancelled_transactions", cancelled_transactions},
    {"pick_unknown_codes", unknown_codes},
    {"pick_ties_keep_the_lowest_branch", ties_keep_the_lowest_branch},
    {"pick_arguments_and_names", arguments_and_names},
    {"pick_exhaustive_pairs_are_consistent", exhaustive_pairs_are_consistent},
    {NULL, NULL},
};
TEST_SUITE(pick_tests)
