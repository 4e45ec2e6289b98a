/* sipcode/semantics.h - the protocol rules around response codes that every
 * proxy, gateway and PBX re-implements: the forking proxy's choice of the
 * best response, SIP <-> Q.850 cause mapping, what a response must carry and
 * what it does to transactions and dialogs.
 *
 * Pure functions over constant tables: no allocation, no I/O, no state,
 * thread-safe. Every answer carries a static "why" naming the rule and the
 * RFC section (or the peer's source) it comes from. */
#ifndef SIPCODE_SEMANTICS_H
#define SIPCODE_SEMANTICS_H

#include <stddef.h>

#include "sipcode/core.h"
#include "sipcode/registry.h"
#include "sipcode/wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- best response of a forking proxy (RFC 3261 section 16.7) ------------- */

enum sipcode_pick_policy {
    SIPCODE_POLICY_RFC3261 = 0, /* RFC 3261 16.7 steps 6-7 */
    SIPCODE_POLICY_KAMAILIO,    /* Kamailio tm t_pick_branch() order, 503 -> 500 */
    SIPCODE_POLICY_OPENSIPS     /* OpenSIPS tm order: 487 first when cancelled, 408 and
                                   503 last */
};

/* One final response a proxy collected from a branch. */
struct sipcode_branch_reply {
    int code;  /* 200..699; anything else is ignored as "no final response" */
    int local; /* 1 when made up locally (timer expiry, transport error) */
};

/* Which rule decided. */
enum sipcode_pick_rule {
    SIPCODE_PICK_NO_FINAL = 0,     /* no final response at all: 408 (RFC 3261 16.7 step 6) */
    SIPCODE_PICK_GLOBAL_FAILURE,   /* a 6xx wins */
    SIPCODE_PICK_LOWEST_CLASS,     /* the lowest class among the finals */
    SIPCODE_PICK_PREFERRED_4XX,    /* 401, 407, 415, 420 or 484 preferred within 4xx */
    SIPCODE_PICK_CANCELLED_487,    /* OpenSIPS: 487 first when the request was cancelled */
    SIPCODE_PICK_POLICY_ORDER      /* the policy's own ranking decided */
};

struct sipcode_pick_options {
    enum sipcode_pick_policy policy;
    int cancelled; /* the proxy received CANCEL for the request */
};

struct sipcode_pick_result {
    int code;                 /* the response to forward */
    int chosen;               /* the winning branch's own code (before any remap) */
    size_t branch;            /* index of the winning branch; (size_t)-1 for a made-up 408 */
    enum sipcode_pick_rule rule;
    int remapped_503;         /* a chosen 503 is forwarded as 500 (RFC 3261 16.7 step 6) */
    int aggregate_challenges; /* forwarding 401/407: merge every branch's WWW-/Proxy-
                                 Authenticate into it (RFC 3261 16.7 step 7) */
    const char *why;          /* static explanation with the rule's source */
};

/* Chooses the response to forward among n branch replies (n may be 0).
 * Unknown codes are ranked as the x00 of their class (rfc3261 policy; the
 * peer policies rank them by their own number, as those stacks do). A 2xx
 * always wins (forwarded at once). options NULL means the RFC 3261 policy.
 * Errors: SIPCODE_EINVAL (NULL out, NULL branches with n > 0, or a policy
 * outside the enum). */
enum sipcode_err sipcode_pick_best(const struct sipcode_branch_reply *branches, size_t n,
                                   const struct sipcode_pick_options *options,
                                   struct sipcode_pick_result *out);

/* "rfc3261", "kamailio", "opensips"; NULL for junk. */
const char *sipcode_policy_name(enum sipcode_pick_policy policy);
/* "no-final", "global-failure", "lowest-class", "preferred-4xx",
 * "cancelled-487", "policy-order"; NULL for junk. */
const char *sipcode_pick_rule_name(enum sipcode_pick_rule rule);
/* Parses a policy name (case-insensitive); SIPCODE_ENOTFOUND when unknown. */
enum sipcode_err sipcode_policy_from_name(const char *name, size_t len,
                                          enum sipcode_pick_policy *out);

/* ---- Q.850 causes and SIP <-> Q.850 mapping (RFC 3398, RFC 6432) ---------- */

struct sipcode_q850_info {
    int cause;           /* 1..127 */
    const char *name;    /* "User busy" */
    const char *klass;   /* "normal event", "resource unavailable", ... */
    const char *meaning; /* in our words */
};

/* The cause's entry, or NULL when Q.850 defines no such cause. */
const struct sipcode_q850_info *sipcode_q850_lookup(int cause);
size_t sipcode_q850_count(void);
const struct sipcode_q850_info *sipcode_q850_at(size_t i);

/* A named mapping profile ("rfc3398", "freeswitch", "asterisk", ...). */
struct sipcode_q850_profile;

const struct sipcode_q850_profile *sipcode_q850_profile(const char *name, size_t len);
size_t sipcode_q850_profile_count(void);
const struct sipcode_q850_profile *sipcode_q850_profile_at(size_t i);
const char *sipcode_q850_profile_name(const struct sipcode_q850_profile *p);
const char *sipcode_q850_profile_title(const struct sipcode_q850_profile *p);
const char *sipcode_q850_profile_source(const struct sipcode_q850_profile *p);

/* The answer of a mapping, with why. */
struct sipcode_mapping {
    int sip;          /* SIP response code, or 0 when the cause gives none (BYE/CANCEL) */
    int cause;        /* Q.850 cause, or 0 when the profile gives none */
    int from_table;   /* 1: a row of the profile's table; 0: its default rule */
    int from_reason;  /* 1: taken from a Reason: Q.850 header (RFC 6432) */
    const char *why;  /* static */
};

/* Q.850 cause -> SIP response under profile p (NULL: rfc3398). Errors:
 * SIPCODE_ERANGE for a cause outside 0..127, SIPCODE_EINVAL for NULL out. */
enum sipcode_err sipcode_q850_to_sip(const struct sipcode_q850_profile *p, int cause,
                                     struct sipcode_mapping *out);

/* SIP response -> Q.850 cause under profile p (NULL: rfc3398). When reasons
 * (the response's parsed Reason values, may be NULL/0) hold a Q.850 cause in
 * 1..127, it takes precedence and from_reason is set: RFC 6432 section 3 lets
 * any response but 100 carry the cause the far end really used, and, like
 * RFC 3398's preference for an encapsulated REL, sipcode trusts it over a
 * table. Errors: SIPCODE_ERANGE for a code outside 100..699, SIPCODE_EINVAL
 * for NULL out. */
enum sipcode_err sipcode_sip_to_q850(const struct sipcode_q850_profile *p, int code,
                                     const struct sipcode_reason *reasons, size_t reason_count,
                                     struct sipcode_mapping *out);

/* ---- what a response does (RFC 3261 17, RFC 5057) ------------------------- */

/* What a final response to a request inside a dialog does to it (RFC 5057). */
enum sipcode_dialog_effect {
    SIPCODE_EFFECT_NONE = 0,        /* provisional or 2xx: nothing ends (a 2xx to BYE
                                       ends the invite usage: USAGE) */
    SIPCODE_EFFECT_TRANSACTION,     /* only the transaction failed */
    SIPCODE_EFFECT_USAGE,           /* the usage (invite session, subscription) ends */
    SIPCODE_EFFECT_DIALOG,          /* the dialog and every usage end */
    SIPCODE_EFFECT_APPLICATION      /* the application decides (retry or end gracefully) */
};

/* When retrying the same request makes sense. */
enum sipcode_retry {
    SIPCODE_RETRY_NO = 0,           /* not as is */
    SIPCODE_RETRY_WITH_CHANGES,     /* after fixing what the response names */
    SIPCODE_RETRY_WITH_CREDENTIALS, /* 401/407 */
    SIPCODE_RETRY_ELSEWHERE,        /* at the 3xx targets, or another server */
    SIPCODE_RETRY_LATER             /* after Retry-After, or later */
};

struct sipcode_response_effect {
    int final;                          /* 200..699 */
    int ack_required;                   /* an INVITE's final response needs an ACK */
    int ack_by_transaction;             /* non-2xx: the ACK is part of the INVITE transaction
                                           (RFC 3261 17.1.1.3); 2xx: sent by the UAC core */
    int proxy_may_try_another;          /* a forking proxy may still try other targets
                                           (not after 6xx, RFC 3261 16.7 step 5) */
    enum sipcode_dialog_effect dialog;  /* for a request inside a dialog */
    enum sipcode_retry retry;
    const char *why;                    /* static, with RFC sections */
};

/* The effect of response code on a request with method (may be NULL/0 when
 * unknown). Unknown codes act as their effective code (sipcode_resolve()).
 * Errors: SIPCODE_ERANGE outside 100..699; SIPCODE_EINVAL for NULL out. */
enum sipcode_err sipcode_response_effect(int code, const char *method, size_t method_len,
                                         struct sipcode_response_effect *out);

/* The header fields a response with code must / should / may carry for a
 * request with method (NULL/0: any), from the registry plus the method rules
 * (RFC 3261 section 20 tables: e.g. 405 Allow, 2xx to OPTIONS Allow/Accept,
 * 2xx to SUBSCRIBE Expires, 423 Min-Expires, 3xx Contact). Writes up to cap
 * rules and returns the total count. */
size_t sipcode_response_headers(int code, const char *method, size_t method_len,
                                struct sipcode_header_rule *out, size_t cap);

/* ---- response linter ------------------------------------------------------- */

enum sipcode_severity {
    SIPCODE_SEVERITY_INFO = 0,    /* allowed, but worth knowing */
    SIPCODE_SEVERITY_WARNING = 1, /* legal on the wire, likely a mistake or an interop risk */
    SIPCODE_SEVERITY_ERROR = 2    /* breaks a MUST of an RFC */
};

/* One check of the linter; ids are stable and documented in sipcode(1). */
struct sipcode_lint_rule {
    const char *id;                /* "missing-mandatory-header" */
    enum sipcode_severity severity;
    const char *summary;           /* one line, our words */
    const char *reference;         /* "RFC 3261 section 8.2.6.2" */
};

size_t sipcode_lint_rule_count(void);
const struct sipcode_lint_rule *sipcode_lint_rule_at(size_t i);
/* The rule with id (exact match), or NULL. */
const struct sipcode_lint_rule *sipcode_lint_rule_find(const char *id, size_t len);

struct sipcode_finding {
    const struct sipcode_lint_rule *rule;
    size_t offset;                /* where in the message, from its first byte */
    struct sipcode_slice subject; /* what it is about (a header name, a phrase, a code);
                                     into the message or static; may be empty */
};

/* Checks one framed response (msg from sipcode_parse_message() over buf).
 * Writes up to cap findings in message order of their checks and returns
 * the total number found (call with cap 0 to count). A request yields the
 * single finding "not-a-response". */
size_t sipcode_lint_response(const char *buf, const struct sipcode_message *msg,
                             struct sipcode_finding *out, size_t cap);

const char *sipcode_severity_name(enum sipcode_severity severity); /* "error"; NULL for junk */

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_SEMANTICS_H */
