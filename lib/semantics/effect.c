/* What a response does (RFC 3261 sections 16.7 and 17, RFC 5057) and which
 * header fields it is expected to carry (the registry plus the method rules
 * of RFC 3261 section 20 and the extension RFCs).
 *
 * Every rule is a row of a constant table below, with the section it comes
 * from. Pure functions: no allocation, no I/O, no state. */
#include <string.h>

#include "sipcode/semantics.h"

/* ---- methods --------------------------------------------------------------- */

/* The methods the rules name. SIP methods are case-sensitive (RFC 3261 7.1),
 * so "invite" is an extension method, not INVITE. */
enum method {
    M_NONE = 0, /* not given */
    M_INVITE,
    M_ACK,
    M_BYE,
    M_CANCEL,
    M_PRACK,
    M_UPDATE,
    M_INFO,
    M_SUBSCRIBE,
    M_NOTIFY,
    M_REFER,
    M_REGISTER,
    M_OPTIONS,
    M_MESSAGE,
    M_PUBLISH,
    M_OTHER /* any other (extension) method */
};

#define B(m)        (1u << (m))
#define ALL_METHODS (B(M_OTHER + 1) - 1u)

/* RFC 5057 5.3: OPTIONS and unknown methods belong to no usage, nor does a
 * MESSAGE; RFC 3903 section 4: a PUBLISH creates no dialog. */
#define USAGELESS (B(M_OPTIONS) | B(M_MESSAGE) | B(M_PUBLISH) | B(M_OTHER))
/* RFC 5057 5.1 note (3): requests not integral to their usage (INFO inside an
 * invite usage, say); UPDATE (RFC 3311) and REFER (RFC 3515) are optional
 * extensions whose refusal leaves the usage as it was. */
#define NOT_INTEGRAL (B(M_UPDATE) | B(M_INFO) | B(M_REFER) | USAGELESS)

static const struct {
    const char *name;
    enum method method;
} method_names[] = {
    {"INVITE", M_INVITE},     {"ACK", M_ACK},
    {"BYE", M_BYE},           {"CANCEL", M_CANCEL},
    {"PRACK", M_PRACK},       {"UPDATE", M_UPDATE},
    {"INFO", M_INFO},         {"SUBSCRIBE", M_SUBSCRIBE},
    {"NOTIFY", M_NOTIFY},     {"REFER", M_REFER},
    {"REGISTER", M_REGISTER}, {"OPTIONS", M_OPTIONS},
    {"MESSAGE", M_MESSAGE},   {"PUBLISH", M_PUBLISH},
};

static enum method classify(const char *method, size_t len)
{
    size_t i;
    if (!method || len == 0)
        return M_NONE;
    for (i = 0; i < sizeof method_names / sizeof *method_names; i++)
        if (strlen(method_names[i].name) == len && memcmp(method_names[i].name, method, len) == 0)
            return method_names[i].method;
    return M_OTHER;
}

/* ---- the effect of each code ---------------------------------------------------
 * dialog: RFC 5057 section 5.1, Table 1 and Table 2 with their notes, for a
 *         request inside a dialog (the survey's view: a request integral to
 *         its usage); method-specific rows below refine it.
 * retry:  RFC 3261 section 21 (and 8.1.3.4, 8.1.3.5), or the code's own RFC.
 * Rows for 100, 200, 300, 400, 500 and 600 also serve every code of their
 * class without a row of its own. */
struct code_rule {
    int code;
    enum sipcode_dialog_effect dialog;
    enum sipcode_retry retry;
    const char *why;
};

#define TXN  SIPCODE_EFFECT_TRANSACTION
#define USG  SIPCODE_EFFECT_USAGE
#define DLG  SIPCODE_EFFECT_DIALOG
#define APP  SIPCODE_EFFECT_APPLICATION
#define NONE SIPCODE_EFFECT_NONE

#define R_NO    SIPCODE_RETRY_NO
#define R_FIX   SIPCODE_RETRY_WITH_CHANGES
#define R_AUTH  SIPCODE_RETRY_WITH_CREDENTIALS
#define R_ELSE  SIPCODE_RETRY_ELSEWHERE
#define R_LATER SIPCODE_RETRY_LATER

static const struct code_rule code_rules[] = {
    {100, NONE, R_NO,
     "RFC 3261 21.1: provisional; the transaction goes on and no dialog state ends (RFC 5057 "
     "5.1 surveys final responses only)"},
    {199, NONE, R_NO,
     "RFC 6228 section 1: 199 reports that one early dialog of an initial INVITE has ended; "
     "the INVITE transaction and its other early dialogs go on, no established dialog is "
     "touched"},
    {200, NONE, R_NO,
     "RFC 3261 21.2: success; no usage or dialog ends (RFC 5057 section 4: usages end through "
     "failures, BYE and expiry)"},
    {300, DLG, R_ELSE,
     "RFC 3261 8.1.3.4: retry at the Contact targets; RFC 5057 5.1: redirection mid-dialog is "
     "not well understood, and whatever it does applies to the whole dialog and every usage"},
    {400, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: 400 and unknown 4xx affect only the transaction; RFC 3261 21.4 and "
     "21.4.1: do not send it again unchanged"},
    {401, TXN, R_AUTH,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 8.1.3.5 and 22.2: retry with "
     "credentials for the WWW-Authenticate challenge"},
    {402, TXN, R_NO,
     "RFC 5057 5.1 note (1): reserved, treated as an unknown 4xx (only the transaction); "
     "RFC 3261 21.4.3"},
    {403, TXN, R_NO,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.4: authorization will not help "
     "and the request SHOULD NOT be repeated"},
    {404, DLG, R_NO,
     "RFC 5057 5.1 note (2): the remote target is refused, so the dialog and all its usages "
     "end; RFC 3261 21.4.5: no such user there"},
    {405, USG, R_NO,
     "RFC 5057 5.1 note (3): ends at most the usage the method is integral to; RFC 3261 "
     "21.4.6: the method is not allowed there (see Allow)"},
    {406, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.7: ask for content the server "
     "can produce (Accept)"},
    {407, TXN, R_AUTH,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 8.1.3.5 and 22.3: retry with "
     "credentials for the Proxy-Authenticate challenge"},
    {408, USG, R_LATER,
     "RFC 5057 5.1 note (4) and 5.2: a 408 acts like a transaction timeout, which ends the "
     "usage (Table 1 lists 408 under transaction only); RFC 3261 21.4.9: it MAY be repeated "
     "unchanged later"},
    {410, DLG, R_NO,
     "RFC 5057 5.1 note (2): the dialog and all its usages end; RFC 3261 21.4.10: gone for "
     "good"},
    {412, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3903 section 6: the entity-tag in "
     "SIP-If-Match is unknown, so publish anew"},
    {413, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 8.1.3.5: retry without the body or "
     "with a shorter one (21.4.11: a Retry-After marks it temporary)"},
    {414, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.12: the Request-URI is too "
     "long"},
    {415, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 8.1.3.5: retry with the types, "
     "encodings and languages of Accept, Accept-Encoding and Accept-Language"},
    {416, DLG, R_FIX,
     "RFC 5057 5.1 note (2): the dialog and all its usages end; RFC 3261 8.1.3.5: retry with "
     "a SIP URI"},
    {417, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 4412 4.6.2: use a Resource-Priority "
     "namespace the server knows"},
    {420, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 8.1.3.5: retry without the "
     "extensions listed in Unsupported"},
    {421, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.16: retry with the extensions "
     "listed in Require"},
    {422, TXN, R_FIX,
     "RFC 5057 5.1 note (5): treated as an unknown 4xx (only the transaction); RFC 4028 "
     "section 6: retry with a Session-Expires of at least Min-SE"},
    {423, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 10.2.8 and 21.4.17: retry with an "
     "expiry of at least Min-Expires"},
    {424, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 6442 4.3: "
     "fix the location information (Geolocation-Error)"},
    {425, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 8876 5.1: "
     "fix the Alert-Info (AlertMsg-Error)"},
    {428, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 8224 6.2.2: retry with an Identity "
     "header field"},
    {429, TXN, R_FIX,
     "RFC 5057 5.1 note (6): objects only to the REFER itself; RFC 3892 section 5: retry with "
     "a Referred-By token"},
    {430, TXN, R_ELSE,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 5626 11.5: "
     "this flow failed, another flow to the instance may work"},
    {433, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 5079 "
     "section 5: the server refuses anonymous requests"},
    {436, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 8224 6.2.2: fix the identity "
     "information"},
    {437, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 8224 6.2.2: use a certificate the "
     "verifier supports"},
    {438, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 8224 6.2.2: the Identity header field "
     "did not verify"},
    {439, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 5626 11.6: "
     "the first hop lacks outbound support, register without it"},
    {440, TXN, R_NO,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 5393 "
     "5.3.3: forking would exceed the request's Max-Breadth"},
    {469, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 6086 "
     "4.2.2: use an Info Package listed in Recv-Info"},
    {470, TXN, R_FIX,
     "not surveyed by RFC 5057, so an unknown 4xx there (only the transaction); RFC 5360 "
     "5.9.2: get consent for the targets in Permission-Missing first"},
    {480, USG, R_LATER,
     "RFC 5057 5.1 note (7): only the usage the request was in ends; RFC 3261 21.4.18: try "
     "later (Retry-After) or elsewhere"},
    {481, USG, R_NO,
     "RFC 5057 5.1 note (8): the peer lost the usage; the dialog ends only with its last "
     "usage; RFC 3261 21.4.19"},
    {482, DLG, R_NO,
     "RFC 5057 5.1 note (9): aberrant mid-dialog, the dialog and all its usages end; RFC 3261 "
     "21.4.20"},
    {483, DLG, R_FIX,
     "RFC 5057 5.1 note (10): the dialog and all its usages end unless a retry with a larger "
     "Max-Forwards works; RFC 3261 21.4.21"},
    {484, DLG, R_FIX,
     "RFC 5057 5.1 note (2): the dialog and all its usages end; RFC 3261 21.4.22: retry with "
     "a longer address (overlapped dialling)"},
    {485, DLG, R_ELSE,
     "RFC 5057 5.1 note (2): the dialog and all its usages end; RFC 3261 21.4.23: the user "
     "may pick one of the Contact addresses"},
    {486, TXN, R_LATER,
     "RFC 5057 5.1 note (11): inside a usage it is an unknown 4xx (only the transaction); "
     "RFC 3261 21.4.24: try later (Retry-After) or elsewhere"},
    {487, TXN, R_NO,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.25: the request was "
     "cancelled"},
    {488, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.26: make an offer the Warning "
     "or the body says is acceptable"},
    {489, USG, R_NO,
     "RFC 5057 5.1 note (12) and RFC 6665 4.1.2.2: the subscription ends; Allow-Events lists "
     "the packages the notifier has"},
    {491, TXN, R_LATER,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 14.1: retry after a random 2.1-4 s "
     "(owner of the Call-ID) or 0-2 s"},
    {493, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.4.28 and 23.2: encrypt for a "
     "key the UAS has"},
    {494, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3329 2.3.1: agree on a mechanism from "
     "Security-Server"},
    {500, APP, R_LATER,
     "RFC 5057 5.1 note (13): 500 and unknown 5xx: retry after Retry-After or an interval, or "
     "end the usage gracefully; other usages are the application's choice; RFC 3261 21.5.1"},
    {501, USG, R_NO,
     "RFC 5057 5.1 note (3): ends at most the usage the method is integral to; RFC 3261 "
     "21.5.2: the method is not implemented"},
    {502, DLG, R_NO,
     "RFC 5057 5.1 note (14): aberrant mid-dialog (bad Record-Route), the dialog and all its "
     "usages end; RFC 3261 21.5.3"},
    {503, TXN, R_ELSE,
     "RFC 5057 5.1 note (15): only the transaction (RFC 3263 failover already tried); RFC "
     "3261 21.5.4: SHOULD try an alternate server and spare this one for Retry-After"},
    {504, TXN, R_LATER,
     "RFC 5057 5.1 Table 2 and note (16): only the transaction; RFC 3261 21.5.5: a server "
     "further on did not answer in time"},
    {505, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.5.6: the server refuses this SIP "
     "version"},
    {513, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.5.7: the message is too large"},
    {555, TXN, R_FIX,
     "not surveyed by RFC 5057; it refuses the request's push parameters, so only the "
     "transaction; RFC 8599 8.1: register without that pn-provider"},
    {580, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3312 section 8: the preconditions could "
     "not be met"},
    {600, APP, R_LATER,
     "RFC 5057 5.1 note (17): 600 and unknown 6xx: retry after Retry-After or an interval, or "
     "end the usage gracefully; other usages are the application's choice; RFC 3261 21.6.1"},
    {603, TXN, R_LATER,
     "RFC 5057 5.1 Table 2: only the transaction (5.6: the safest way to refuse a new usage); "
     "RFC 3261 21.6.2: Retry-After may give a better time"},
    {604, DLG, R_NO,
     "RFC 5057 5.1 note (2): the dialog and all its usages end; RFC 3261 21.6.3: the user "
     "exists nowhere"},
    {606, TXN, R_FIX,
     "RFC 5057 5.1 Table 2: only the transaction; RFC 3261 21.6.4: the session description is "
     "not acceptable (see Warning)"},
    {607, TXN, R_NO,
     "not surveyed by RFC 5057; like 603, a refusal of this request only; RFC 8197 section 4: "
     "the callee marks the call unwanted"},
    {608, TXN, R_NO,
     "not surveyed by RFC 5057; like 603, a refusal of this request only; RFC 8688 3.1: an "
     "intermediary rejected the call (Call-Info may say whom to contact)"},
};

/* ---- method-specific refinements: the first matching row wins ------------------ */

#define RETRY_KEEP (-1)

struct method_rule {
    int lo, hi;       /* code range */
    unsigned methods; /* B(enum method) bits */
    unsigned from;    /* B(dialog effect) bits it replaces; 0: any */
    enum sipcode_dialog_effect dialog;
    int retry; /* enum sipcode_retry, or RETRY_KEEP */
    const char *why;
};

static const struct method_rule method_rules[] = {
    {100, 699, B(M_ACK), 0, NONE, R_NO,
     "RFC 3261 17.1.1.3: ACK is never answered, so a response to it does nothing"},
    {300, 699, B(M_CANCEL), 0, TXN, R_NO,
     "RFC 3261 9.2 and RFC 5057 5.1 note (8): a failure answering CANCEL concerns only the "
     "CANCEL transaction; the INVITE and its usage go on until the INVITE's own final "
     "response"},
    {200, 299, B(M_BYE), 0, USG, RETRY_KEEP,
     "RFC 5057 4.1: a 2xx to BYE ends the invite usage (RFC 3261 15.1); other usages of the "
     "dialog go on"},
    {405, 405, NOT_INTEGRAL, 0, TXN, RETRY_KEEP,
     "RFC 5057 5.1 note (3): the method is not integral to a usage (INFO, UPDATE, REFER, or no "
     "usage at all), so only the transaction fails; RFC 3261 21.4.6"},
    {501, 501, NOT_INTEGRAL, 0, TXN, RETRY_KEEP,
     "RFC 5057 5.1 note (3): the method is not integral to a usage (INFO, UPDATE, REFER, or no "
     "usage at all), so only the transaction fails; RFC 3261 21.5.2"},
    {489, 489, ALL_METHODS & ~(B(M_SUBSCRIBE) | B(M_NOTIFY) | B(M_NONE)), 0, TXN, RETRY_KEEP,
     "RFC 5057 5.1 note (12): 489 means something only to SUBSCRIBE and NOTIFY; to another "
     "method it is an unknown 4xx (only the transaction)"},
    {408, 408, B(M_SUBSCRIBE), 0, TXN, RETRY_KEEP,
     "RFC 6665 4.1.2.2: a refresh SUBSCRIBE that fails with 408 leaves the subscription valid "
     "until it expires (RFC 5057 5.2); RFC 3261 21.4.9: retry later"},
    {300, 699, USAGELESS, B(USG) | B(APP), TXN, RETRY_KEEP,
     "RFC 5057 5.3: OPTIONS, MESSAGE and unknown methods (and PUBLISH, RFC 3903 section 4) "
     "belong to no usage; only failures that end the whole dialog reach beyond the "
     "transaction"},
};

static const struct code_rule *find_code_rule(int code)
{
    size_t i;
    int x00 = code / 100 * 100;
    const struct code_rule *fallback = NULL;
    for (i = 0; i < sizeof code_rules / sizeof *code_rules; i++) {
        if (code_rules[i].code == code)
            return &code_rules[i];
        if (code_rules[i].code == x00)
            fallback = &code_rules[i];
    }
    return fallback;
}

enum sipcode_err sipcode_response_effect(int code, const char *method, size_t method_len,
                                         struct sipcode_response_effect *out)
{
    struct sipcode_response_effect e;
    const struct code_rule *rule;
    enum method m;
    int eff, klass;
    size_t i;

    if (!out)
        return SIPCODE_EINVAL;
    eff = sipcode_effective(code);
    if (!eff)
        return SIPCODE_ERANGE;
    m = classify(method, method_len);
    klass = eff / 100;
    rule = find_code_rule(eff);

    memset(&e, 0, sizeof e);
    e.final = klass >= 2;
    /* RFC 3261 17.1.1.3 and 13.2.2.4: every final response to INVITE is
     * acknowledged; a non-2xx by the INVITE client transaction itself, a 2xx by
     * the UAC core, end to end. */
    e.ack_required = e.final && m == M_INVITE;
    e.ack_by_transaction = e.ack_required && klass >= 3;
    /* RFC 3261 16.7 step 5: after a 6xx the proxy MUST NOT create new branches;
     * a 2xx is forwarded at once and ends the search (step 10: the other branches
     * are cancelled). Provisionals leave the target set open; 3xx may add targets
     * (step 4); 4xx and 5xx let the search go on. A CANCEL only follows the
     * branches already made (16.10) and an ACK is never answered. */
    e.proxy_may_try_another = klass != 2 && klass != 6 && m != M_CANCEL && m != M_ACK;
    e.dialog = rule->dialog;
    e.retry = rule->retry;
    e.why = rule->why;

    for (i = 0; i < sizeof method_rules / sizeof *method_rules; i++) {
        const struct method_rule *r = &method_rules[i];
        if (eff < r->lo || eff > r->hi || !(r->methods & B(m)))
            continue;
        if (r->from && !(r->from & B(e.dialog)))
            continue;
        e.dialog = r->dialog;
        if (r->retry != RETRY_KEEP)
            e.retry = (enum sipcode_retry)r->retry;
        e.why = r->why;
        break;
    }
    *out = e;
    return SIPCODE_OK;
}

/* ---- header fields ------------------------------------------------------------- */

/* Method rules beyond the registry's per-code rules. lo..hi is the code range
 * (classes, so an unknown code is covered too); a rule whose methods include
 * B(M_NONE) also holds when the method is not given. The
 * fields every response carries (Via, From, To, Call-ID, CSeq: RFC 3261
 * 8.2.6.2) and the ones any response may carry (Server, Warning, Date,
 * Error-Info for 300-699, ...) are left out, as are fields copied only when the
 * request had them (Record-Route, RFC 3261 12.1.1). */
struct header_rule {
    int lo, hi;
    unsigned methods;
    const char *name;
    enum sipcode_level level;
};

#define MUST   SIPCODE_LEVEL_MUST
#define SHOULD SIPCODE_LEVEL_SHOULD
#define MAY    SIPCODE_LEVEL_MAY

static const struct header_rule header_rules[] = {
    /* RFC 3261 12.1 and 12.1.1: a 2xx or a 101-199 to INVITE (with its To tag)
     * creates a dialog, and the UAS MUST add Contact. Table 2 marks Contact
     * optional in 1xx because a 1xx without a To tag creates none; a UAS's
     * 101-199 always has one (8.2.6.2). RFC 6228 section 6: a 199 SHOULD NOT
     * carry Contact, so it is left out. */
    {200, 299, B(M_INVITE), "Contact", MUST},
    {101, 198, B(M_INVITE), "Contact", MUST},
    /* RFC 3261 13.3.1.4: a 2xx to INVITE SHOULD carry Allow and Supported and
     * MAY carry Accept (Tables 2 and 3: m* and o). */
    {200, 299, B(M_INVITE), "Allow", SHOULD},
    {200, 299, B(M_INVITE), "Supported", SHOULD},
    {200, 299, B(M_INVITE), "Accept", MAY},
    /* RFC 3261 11.2: Allow, Accept, Accept-Encoding, Accept-Language and
     * Supported SHOULD be in a 200 to OPTIONS (Tables 2 and 3: m*); Contact MAY. */
    {200, 299, B(M_OPTIONS), "Allow", SHOULD},
    {200, 299, B(M_OPTIONS), "Accept", SHOULD},
    {200, 299, B(M_OPTIONS), "Accept-Encoding", SHOULD},
    {200, 299, B(M_OPTIONS), "Accept-Language", SHOULD},
    {200, 299, B(M_OPTIONS), "Supported", SHOULD},
    {200, 299, B(M_OPTIONS), "Contact", MAY},
    /* RFC 3261 10.3 step 8: the 200 MUST list every current binding in Contact
     * (none remain after the last is removed, hence should) and SHOULD carry
     * Date. */
    {200, 299, B(M_REGISTER), "Contact", SHOULD},
    {200, 299, B(M_REGISTER), "Date", SHOULD},
    /* RFC 6665 3.1.1: a 2xx to SUBSCRIBE MUST carry Expires. SUBSCRIBE is a
     * target refresh request (RFC 6665 3.1), so its 2xx gives the notifier's
     * Contact; RFC 6665 does not restate it as a MUST. */
    {200, 299, B(M_SUBSCRIBE), "Expires", MUST},
    {200, 299, B(M_SUBSCRIBE), "Contact", SHOULD},
    /* RFC 3311 section 7 (header table): Contact is mandatory in a 2xx to UPDATE. */
    {200, 299, B(M_UPDATE), "Contact", MUST},
    /* RFC 3515 2.2 (header table): Contact is mandatory in a 2xx to REFER. */
    {200, 299, B(M_REFER), "Contact", MUST},
    /* RFC 3903 section 6 step 6: the 200 to PUBLISH MUST carry Expires and
     * SIP-ETag. */
    {200, 299, B(M_PUBLISH), "Expires", MUST},
    {200, 299, B(M_PUBLISH), "SIP-ETag", MUST},
    /* RFC 3261 Table 3 and 16.7 step 7: a 401 may also hold Proxy-Authenticate
     * and a 407 WWW-Authenticate, once a proxy has merged the challenges of
     * several branches. */
    {401, 401, ALL_METHODS & ~(B(M_ACK) | B(M_CANCEL)), "Proxy-Authenticate", MAY},
    {407, 407, ALL_METHODS & ~(B(M_ACK) | B(M_CANCEL)), "WWW-Authenticate", MAY},
};

static int same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* The merged list is built here first, so that the total is known whatever
 * cap the caller gives. A code has at most a handful of rules. */
#define MAX_RULES 32

struct rule_list {
    struct sipcode_header_rule all[MAX_RULES];
    size_t n;
};

/* Adds a rule, or strengthens the level of one with the same name. */
static void add_rule(struct rule_list *list, const char *name, enum sipcode_level level)
{
    size_t i;
    for (i = 0; i < list->n; i++)
        if (same_name(list->all[i].name, name)) {
            if (level < list->all[i].level) /* MUST < SHOULD < MAY */
                list->all[i].level = level;
            return;
        }
    if (list->n < MAX_RULES) {
        list->all[list->n].name = name;
        list->all[list->n].level = level;
        list->n++;
    }
}

size_t sipcode_response_headers(int code, const char *method, size_t method_len,
                                struct sipcode_header_rule *out, size_t cap)
{
    struct rule_list list;
    const struct sipcode_info *info;
    enum method m;
    size_t i;
    int eff = sipcode_effective(code);

    if (!eff)
        return 0;
    m = classify(method, method_len);
    if (m == M_ACK)
        return 0; /* RFC 3261 17.1.1.3: nothing answers an ACK */
    list.n = 0;
    /* The code's own registry entry; an unknown code takes its effective
     * code's (RFC 3261 8.1.3.2), as sipcode_response_effect() does. */
    info = sipcode_lookup(code);
    if (!info)
        info = sipcode_lookup(eff);
    if (info)
        for (i = 0; i < info->header_count; i++)
            add_rule(&list, info->headers[i].name, info->headers[i].level);
    for (i = 0; i < sizeof header_rules / sizeof *header_rules; i++) {
        const struct header_rule *r = &header_rules[i];
        if (code < r->lo || code > r->hi || !(r->methods & B(m)))
            continue;
        add_rule(&list, r->name, r->level);
    }
    if (out)
        for (i = 0; i < list.n && i < cap; i++)
            out[i] = list.all[i];
    return list.n;
}
