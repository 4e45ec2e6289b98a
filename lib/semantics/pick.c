/* The best response of a forking proxy (RFC 3261 section 16.7 steps 5-7),
 * and the same choice as Kamailio's and OpenSIPS's tm modules make it.
 *
 * Each policy is a ranking (lower wins) plus what the proxy does with the
 * winner. Ties keep the lower branch index. Pure functions over constant
 * tables: no allocation, no I/O, no state. */
#include <string.h>

#include "sipcode/semantics.h"

#define NO_BRANCH ((size_t)-1)

/* RFC 3261 16.7 step 6 names 401, 407, 415, 420 and 484 as the 4xx responses
 * that help a resubmission. The RFC gives no order among them; sipcode keeps
 * the order the RFC lists them in, which is also the order of Kamailio's
 * get_4xx_prio() (4001 < 4007 < ...) and OpenSIPS's branch_prio() (500..504). */
static const int preferred_4xx[] = {401, 407, 415, 420, 484};
#define PREFERRED_COUNT (sizeof preferred_4xx / sizeof *preferred_4xx)

static int preferred_index(int code)
{
    size_t i;
    for (i = 0; i < PREFERRED_COUNT; i++)
        if (preferred_4xx[i] == code)
            return (int)i;
    return -1;
}

static int is_final_code(int code)
{
    return code >= 200 && code <= 699;
}

static int is_challenge(int code)
{
    return code == 401 || code == 407;
}

/* ---- rankings: lower wins ---------------------------------------------------
 * 2xx never reaches a ranking: a 2xx is forwarded as soon as it arrives (RFC
 * 3261 16.7 step 5; both peers' t_should_relay_response() do the same), so the
 * first 2xx in the array wins under every policy. */

/* RFC 3261 16.7 step 6: a 6xx if there is one (MUST), else the lowest class
 * (SHOULD); in 4xx the five preferred codes first (SHOULD); the RFC lets the
 * proxy take any response within the class (MAY), sipcode takes the lowest
 * code. An unknown code is ranked as the x00 of its class, as a receiver reads
 * it (8.1.3.2). In 5xx, 503 comes last: a proxy SHOULD NOT forward a 503. */
static int rank_rfc3261(int code)
{
    int eff = sipcode_effective(code);
    int klass = eff / 100;
    int p;
    switch (klass) {
    case 6:
        return 1000 + eff;
    case 3:
        return 3000 + eff;
    case 4:
        p = preferred_index(eff);
        return p >= 0 ? 4000 + p : 4100 + eff;
    default: /* 5 */
        return eff == 503 ? 5999 : 5000 + eff;
    }
}

/* Kamailio tm t_reply.c get_prio(): resp_class_prio {2xx 0, 6xx 1000, 3xx 3000,
 * 4xx 4000, 5xx 5000} plus the last two digits, where get_4xx_prio() keeps xx
 * for 401/407/415/420/484 and adds 100 to every other 4xx. The code itself is
 * used, so an unknown 499 ranks after every other 4xx. faked_reply_prio (added
 * for locally made replies) defaults to 0: local replies are not penalised. */
static int rank_kamailio(int code)
{
    static const int class_prio[] = {0, 0, 0, 3000, 4000, 5000, 1000};
    int klass = code / 100;
    int xx = code % 100;
    if (klass == 4 && preferred_index(code) < 0)
        xx += 100;
    return class_prio[klass] + xx;
}

/* OpenSIPS tm t_reply.c branch_prio(): 487 is 0 when the transaction was
 * cancelled; 3xx code+100; 401/407/415/420/484 500..504; other 4xx code+200;
 * 5xx code+200 except 503 = 801; 408 = 800. A 6xx never gets here in OpenSIPS:
 * t_should_relay_response() makes the first 6xx to arrive the winner at once
 * (disable_6xx_block = 0), so every 6xx gets the same, best rank and the
 * first one in the array (taken as arrival order) wins. */
static int rank_opensips(int code, int cancelled)
{
    int klass = code / 100;
    int p;
    if (klass == 6)
        return -1;
    if (code == 487 && cancelled)
        return 0;
    if (klass == 3)
        return code + 100;
    if (klass == 4) {
        if (code == 408)
            return 800;
        p = preferred_index(code);
        return p >= 0 ? 500 + p : code + 200;
    }
    return code == 503 ? 801 : code + 200;
}

static int rank(enum sipcode_pick_policy policy, int code, int cancelled)
{
    switch (policy) {
    case SIPCODE_POLICY_KAMAILIO:
        return rank_kamailio(code);
    case SIPCODE_POLICY_OPENSIPS:
        return rank_opensips(code, cancelled);
    default:
        return rank_rfc3261(code);
    }
}

/* ---- explanations ---------------------------------------------------------- */

enum why_kind {
    WHY_NO_FINAL,
    WHY_SUCCESS,
    WHY_6XX,
    WHY_PREFERRED,
    WHY_PREFERRED_MERGED,
    WHY_CLASS,
    WHY_ORDER,
    WHY_REMAP,
    WHY_CANCELLED,
    WHY_COUNT
};

/* Indexed by policy, then enum why_kind; NULL where a policy has no such case. */
static const char *const why_text[3][WHY_COUNT] = {
    {
        /* rfc3261 */
        "RFC 3261 16.7 step 6: no final response in the context, so the proxy MUST send "
        "408 (Request Timeout)",
        "RFC 3261 16.7 step 5: a 2xx is forwarded as soon as it arrives, which ends the choice",
        "RFC 3261 16.7 step 6: the proxy MUST choose from the 6xx responses when there are "
        "any (sipcode takes the lowest code, then the lowest branch)",
        "RFC 3261 16.7 step 6: within 4xx, responses that help a resubmission (401, 407, 415, "
        "420, 484, taken in that order) SHOULD be preferred",
        "RFC 3261 16.7 step 7: a 401 or 407 is forwarded, so the WWW-Authenticate and "
        "Proxy-Authenticate values of every other 401/407 received MUST be added to it",
        "RFC 3261 16.7 step 6: the lowest response class present SHOULD be chosen (within it "
        "sipcode takes the lowest code, an unknown code as its x00, 503 last, then the lowest "
        "branch)",
        NULL,
        "RFC 3261 16.7 step 6: 503 is the only kind of response left in the chosen class, "
        "and a proxy SHOULD NOT forward a 503; it sends 500 instead",
        NULL,
    },
    {
        /* kamailio */
        "Kamailio tm: a branch without a final reply gets a local 408 when its timer fires "
        "(RFC 3261 16.7 step 6)",
        "Kamailio tm t_reply.c t_should_relay_response(): a 2xx is relayed at once",
        "Kamailio tm t_reply.c get_prio(): 6xx ranks 1000+xx, ahead of every other "
        "failure; the lowest 6xx wins once all branches are done",
        "Kamailio tm t_reply.c get_4xx_prio(): 401, 407, 415, 420 and 484 rank ahead of "
        "every other 4xx (in that order)",
        "Kamailio tm t_reply.c get_4xx_prio(): 401 and 407 rank first in 4xx; relay_reply() "
        "merges the challenges of every received 401/407 (aggregate_challenges=1)",
        "Kamailio tm t_reply.c get_prio(): classes rank 2xx, 6xx, 3xx, 4xx, 5xx, then by "
        "code (an unknown code by its own number); ties keep the lower branch",
        NULL,
        "Kamailio tm t_reply.c relay_reply(): a received 503 that wins is replaced by a "
        "local 500 (remap_503_500=1)",
        "Kamailio tm t_reply.c relay_reply(): the winner was made locally and the "
        "transaction was cancelled, so 487 is sent instead",
    },
    {
        /* opensips */
        "OpenSIPS tm: a branch without a final reply gets a local 408 when its timer fires "
        "(RFC 3261 16.7 step 6)",
        "OpenSIPS tm t_reply.c t_should_relay_response(): a 2xx is relayed at once",
        "OpenSIPS tm t_reply.c t_should_relay_response(): the first 6xx to arrive wins at "
        "once and cancels the other branches (disable_6xx_block=0); sipcode takes array "
        "order as arrival order",
        "OpenSIPS tm t_reply.c branch_prio(): 401, 407, 415, 420 and 484 rank 500..504, "
        "after 3xx and before every other 4xx",
        NULL,
        "OpenSIPS tm t_reply.c branch_prio(): 3xx, then 401/407/415/420/484, other 4xx, 5xx, "
        "then 408 and 503 last; ties keep the lower branch",
        "OpenSIPS tm t_reply.c branch_prio(): 408 ranks 800 and 503 801, behind every other "
        "4xx and 5xx",
        NULL,
        "OpenSIPS tm t_reply.c branch_prio(): when the transaction was cancelled, 487 ranks "
        "first (0)",
    },
};

/* ---- the choice ------------------------------------------------------------ */

enum sipcode_err sipcode_pick_best(const struct sipcode_branch_reply *branches, size_t n,
                                   const struct sipcode_pick_options *options,
                                   struct sipcode_pick_result *out)
{
    struct sipcode_pick_result r;
    enum sipcode_pick_policy policy = SIPCODE_POLICY_RFC3261;
    int cancelled = 0, best_rank = 0, lowest_class = 7, challenges = 0, other_4xx = 0;
    size_t i, best = NO_BRANCH;
    enum why_kind why;

    if (!out || (!branches && n > 0))
        return SIPCODE_EINVAL;
    if (options) {
        if (options->policy != SIPCODE_POLICY_KAMAILIO &&
            options->policy != SIPCODE_POLICY_OPENSIPS && options->policy != SIPCODE_POLICY_RFC3261)
            return SIPCODE_EINVAL;
        policy = options->policy;
        cancelled = options->cancelled != 0;
    }
    memset(&r, 0, sizeof r);
    r.branch = NO_BRANCH;

    /* A 2xx is forwarded at once (RFC 3261 16.7 step 5): the first one wins. */
    for (i = 0; i < n; i++)
        if (branches[i].code >= 200 && branches[i].code <= 299) {
            r.code = r.chosen = branches[i].code;
            r.branch = i;
            r.rule = SIPCODE_PICK_LOWEST_CLASS;
            r.why = why_text[policy][WHY_SUCCESS];
            *out = r;
            return SIPCODE_OK;
        }

    for (i = 0; i < n; i++) {
        int code = branches[i].code, k;
        if (!is_final_code(code))
            continue; /* no final response on this branch */
        k = rank(policy, code, cancelled);
        if (best == NO_BRANCH || k < best_rank) {
            best = i;
            best_rank = k;
        }
        if (code / 100 != 6 && code / 100 < lowest_class)
            lowest_class = code / 100;
    }

    if (best == NO_BRANCH) {
        r.code = 408;
        r.rule = SIPCODE_PICK_NO_FINAL;
        r.why = why_text[policy][WHY_NO_FINAL];
        *out = r;
        return SIPCODE_OK;
    }

    r.branch = best;
    r.chosen = r.code = branches[best].code;
    for (i = 0; i < n; i++) {
        int code = branches[i].code;
        if (!is_final_code(code))
            continue;
        /* Kamailio's auth_reply_count() skips locally made (FAKED) replies. */
        if (is_challenge(code) && !(policy == SIPCODE_POLICY_KAMAILIO && branches[i].local))
            challenges++;
        if (code / 100 == 4 && code != r.chosen)
            other_4xx++;
    }

    /* Which rule decided. */
    if (r.chosen / 100 == 6) {
        r.rule = SIPCODE_PICK_GLOBAL_FAILURE;
        why = WHY_6XX;
    } else if (policy == SIPCODE_POLICY_OPENSIPS && cancelled && r.chosen == 487) {
        r.rule = SIPCODE_PICK_CANCELLED_487;
        why = WHY_CANCELLED;
    } else if (r.chosen / 100 != lowest_class) {
        r.rule = SIPCODE_PICK_POLICY_ORDER; /* OpenSIPS: 5xx ahead of 408 */
        why = WHY_ORDER;
    } else if (r.chosen / 100 == 4 &&
               preferred_index(policy == SIPCODE_POLICY_RFC3261 ? sipcode_effective(r.chosen)
                                                                : r.chosen) >= 0 &&
               other_4xx > 0) {
        r.rule = SIPCODE_PICK_PREFERRED_4XX;
        why = WHY_PREFERRED;
    } else {
        r.rule = SIPCODE_PICK_LOWEST_CLASS;
        why = WHY_CLASS;
    }

    /* What the proxy does with the winner. */
    switch (policy) {
    case SIPCODE_POLICY_RFC3261:
        /* 16.7 step 6: a 503 SHOULD NOT be forwarded; if only 503 is left, 500. */
        if (r.chosen == 503) {
            r.code = 500;
            r.remapped_503 = 1;
            why = WHY_REMAP;
        }
        /* 16.7 step 7: merge the challenges of the other 401/407 responses. */
        if (is_challenge(r.code) && challenges > 1) {
            r.aggregate_challenges = 1;
            why = WHY_PREFERRED_MERGED;
        }
        break;
    case SIPCODE_POLICY_KAMAILIO:
        if (branches[best].local && cancelled) {
            r.code = 487; /* relay_reply(): FAKED_REPLY winner of a T_CANCELED transaction */
            why = WHY_CANCELLED;
        } else if (r.chosen == 503 && !branches[best].local) {
            r.code = 500; /* only a received 503 is remapped; a faked one goes out as is */
            r.remapped_503 = 1;
            why = WHY_REMAP;
        } else if (is_challenge(r.code) && challenges > 1) {
            r.aggregate_challenges = 1;
            why = WHY_PREFERRED_MERGED;
        }
        break;
    case SIPCODE_POLICY_OPENSIPS:
        /* relay_reply() forwards the winner as it is: no remap, no merging. */
        break;
    }
    r.why = why_text[policy][why];
    *out = r;
    return SIPCODE_OK;
}

/* ---- policy names ------------------------------------------------------------ */

static const char *const policy_names[] = {"rfc3261", "kamailio", "opensips"};
#define POLICY_COUNT (sizeof policy_names / sizeof *policy_names)

const char *sipcode_policy_name(enum sipcode_pick_policy policy)
{
    if ((unsigned)policy >= POLICY_COUNT)
        return NULL;
    return policy_names[policy];
}

enum sipcode_err sipcode_policy_from_name(const char *name, size_t len,
                                          enum sipcode_pick_policy *out)
{
    size_t i, k;
    if (!out || (!name && len > 0))
        return SIPCODE_EINVAL;
    for (i = 0; i < POLICY_COUNT; i++) {
        const char *p = policy_names[i];
        if (strlen(p) != len)
            continue;
        for (k = 0; k < len; k++) {
            unsigned char c = (unsigned char)name[k];
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            if (c != (unsigned char)p[k])
                break;
        }
        if (k == len) {
            *out = (enum sipcode_pick_policy)i;
            return SIPCODE_OK;
        }
    }
    return SIPCODE_ENOTFOUND;
}

static const char *const rule_names[] = {"no-final",      "global-failure", "lowest-class",
                                         "preferred-4xx", "cancelled-487",  "policy-order"};

const char *sipcode_pick_rule_name(enum sipcode_pick_rule rule)
{
    if ((unsigned)rule >= sizeof rule_names / sizeof *rule_names)
        return NULL;
    return rule_names[rule];
}
