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
 * Unknown codes are ranked as the x00 of their class. options NULL means
 * the RFC 3261 policy. Errors: SIPCODE_EINVAL (NULL out, or NULL branches
 * with n > 0). */
enum sipcode_err sipcode_pick_best(const struct sipcode_branch_reply *branches, size_t n,
                                   const struct sipcode_pick_options *options,
                                   struct sipcode_pick_result *out);

/* "rfc3261", "kamailio", "opensips"; NULL for junk. */
const char *sipcode_policy_name(enum sipcode_pick_policy policy);
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
 * SIPCODE_ERANGE for a cause outside 0..127. */
enum sipcode_err sipcode_q850_to_sip(const struct sipcode_q850_profile *p, int cause,
                                     struct sipcode_mapping *out);

/* SIP response -> Q.850 cause under profile p (NULL: rfc3398). When reasons
 * (the response's parsed Reason values, may be NULL/0) hold a Q.850 cause, it
 * takes precedence (RFC 6432 section 3) and from_reason is set. Errors:
 * SIPCODE_ERANGE for a code outside 100..699. */
enum sipcode_err sipcode_sip_to_q850(const struct sipcode_q850_profile *p, int code,
                                     const struct sipcode_reason *reasons, size_t reason_count,
                                     struct sipcode_mapping *out);

/* ---- what a response does (RFC 3261 17, RFC 5057) ------------------------- */

/* What a final response to a request inside a dialog does to it (RFC 5057). */
enum sipcode_dialog_effect {
    SIPCODE_EFFECT_NONE = 0,        /* provisional or 2xx: nothing ends */
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

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_SEMANTICS_H */
