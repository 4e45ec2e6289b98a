/* sipcode/registry.h - every SIP response code, its phrase, class, status,
 * defining RFC and meaning, from the reviewed data file data/codes.txt.
 *
 * All data is static and read-only: no initialisation, no allocation, no I/O,
 * safe from any number of threads. Pointers returned here stay valid for the
 * life of the program. Absent text fields are "" (never NULL). */
#ifndef SIPCODE_REGISTRY_H
#define SIPCODE_REGISTRY_H

#include <stddef.h>

#include "sipcode/core.h"
#include "sipcode/codes.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where a code stands in the IANA "SIP Parameters" response-code registry. */
enum sipcode_status {
    SIPCODE_STATUS_CURRENT = 0,     /* registered and in use */
    SIPCODE_STATUS_DEPRECATED = 1,  /* registered, but its RFC says stop sending it */
    SIPCODE_STATUS_HISTORIC = 2,    /* defined only by an obsolete RFC (RFC 2543) */
    SIPCODE_STATUS_UNREGISTERED = 3 /* never registered; sent by some system anyway */
};

/* How far a response travels: proxies pass it on (end-to-end), it stays on
 * one hop (100 Trying, RFC 3261 section 16.7), or it never leaves the stack
 * that made it (internal 7xx codes). */
enum sipcode_scope {
    SIPCODE_SCOPE_END_TO_END = 0,
    SIPCODE_SCOPE_HOP_BY_HOP = 1,
    SIPCODE_SCOPE_LOCAL = 2
};

/* Who typically sends the code: a bit set in sipcode_info.senders. */
enum sipcode_sender {
    SIPCODE_SENDER_UAS = 1u << 0,
    SIPCODE_SENDER_PROXY = 1u << 1,
    SIPCODE_SENDER_REGISTRAR = 1u << 2,
    SIPCODE_SENDER_REDIRECT = 1u << 3,
    SIPCODE_SENDER_GATEWAY = 1u << 4,
    SIPCODE_SENDER_NOTIFIER = 1u << 5,
    SIPCODE_SENDER_STACK = 1u << 6 /* made up locally by the transaction layer */
};
#define SIPCODE_SENDER_COUNT 7

/* How strongly a header field is expected in a response with the code. */
enum sipcode_level { SIPCODE_LEVEL_MUST = 0, SIPCODE_LEVEL_SHOULD = 1, SIPCODE_LEVEL_MAY = 2 };

struct sipcode_header_rule {
    const char *name; /* canonical header field name, e.g. "WWW-Authenticate" */
    enum sipcode_level level;
};

struct sipcode_info {
    int code;           /* 100..799 */
    int klass;          /* code / 100 */
    const char *phrase; /* exact reason phrase (registered, or as sent by origin) */
    const char *name;   /* symbolic name, "BUSY_HERE" (SIPCODE_SC_BUSY_HERE) */
    enum sipcode_status status;
    const char *rfc;     /* defining document, "RFC 3261"; "" if none */
    const char *section; /* section in that document, "21.4.24"; "" if none */
    const char *also;    /* other documents, "; "-separated; "" if none */
    const char *origin;  /* for unregistered codes: who sends it; else "" */
    unsigned senders;    /* enum sipcode_sender bits */
    enum sipcode_scope scope;
    const struct sipcode_header_rule *headers; /* expected header fields */
    size_t header_count;
    const char *aliases; /* other phrases seen in the wild, "; "-separated */
    const char *meaning; /* what the sender says, what the receiver does */
    const char *check;   /* troubleshooting hint for an operator */
    const char *notes;   /* where seed pages or peers differ; "\n"-separated */
};

/* ---- lookup by code: O(1) ---------------------------------------------- */

/* The entry for code, or NULL when sipcode has no entry for it. Unregistered
 * codes that real systems send (Kamailio's 477, ...) have entries. */
const struct sipcode_info *sipcode_lookup(int code);

/* The phrase sipcode knows for code (the registered one; for historic and
 * unregistered entries the one their origin sends), or NULL when unknown. */
const char *sipcode_phrase(int code);

/* What a receiver makes of a code (RFC 3261 section 8.1.3.2). */
struct sipcode_resolution {
    int code;                                  /* the code asked about */
    int effective;                             /* code itself, or the x00 of its class */
    int fallback;                              /* 1 when effective != code */
    const struct sipcode_info *info;           /* entry for code if any, else NULL */
    const struct sipcode_info *effective_info; /* entry for effective; never NULL on success */
};

/* Resolves code as an RFC 3261 receiver would (section 8.1.3.2): a registered
 * code (current or deprecated) is itself; any other final code in 200..699
 * (unregistered, historic or unknown) is treated as the x00 of its class, and
 * any other provisional code as 183 Session Progress. Returns SIPCODE_OK and fills
 * *out, or SIPCODE_ERANGE when code is outside 100..699 (*out untouched), or
 * SIPCODE_EINVAL when out is NULL. */
enum sipcode_err sipcode_resolve(int code, struct sipcode_resolution *out);

/* Shorthand for sipcode_resolve(): the effective code (499 -> 400, 486 -> 486,
 * 150 -> 183), or 0 when code is outside 100..699. */
int sipcode_effective(int code);

/* ---- classes and predicates -------------------------------------------- */

/* 1..6 for a code in 100..699, else 0. */
int sipcode_class(int code);

/* RFC 3261 section 7.2 class name for 1..6 ("Provisional", "Success",
 * "Redirection", "Client Error", "Server Error", "Global Failure"); NULL
 * for anything else. */
const char *sipcode_class_name(int klass);

int sipcode_is_valid(int code);          /* 100..699 */
int sipcode_is_provisional(int code);    /* 1xx */
int sipcode_is_final(int code);          /* 2xx..6xx */
int sipcode_is_success(int code);        /* 2xx */
int sipcode_is_redirect(int code);       /* 3xx */
int sipcode_is_client_failure(int code); /* 4xx */
int sipcode_is_server_failure(int code); /* 5xx */
int sipcode_is_global_failure(int code); /* 6xx */

/* Parses text[0..len) as a response code: exactly three ASCII digits with a
 * value in 100..699 (no sign, no spaces, so no "0200" or "+200"). Returns
 * SIPCODE_OK and sets *code; SIPCODE_ERANGE for a digit string of another
 * length or value (99, 700, 1000, 4294967301); SIPCODE_EMALFORMED for anything
 * else, the empty string included; SIPCODE_EINVAL for NULL arguments. *code
 * is written only on success. */
enum sipcode_err sipcode_parse_code(const char *text, size_t len, int *code);

/* ---- lookup by text ---------------------------------------------------- */

/* Finds the entry whose phrase, symbolic name or alias equals text[0..len),
 * ignoring ASCII case and treating runs of ' ', '-' and '_' alike ("busy
 * here", "BUSY_HERE", "request uri too long"). Phrases win over names, names
 * over aliases; among equals the lowest code wins ("Not Acceptable" -> 406,
 * not 606). Returns NULL when nothing matches. */
const struct sipcode_info *sipcode_lookup_phrase(const char *text, size_t len);

/* Word search: every word of query[0..len) (runs of letters and digits) must
 * start a word of the entry's phrase, aliases or meaning, ignoring case
 * ("busy" -> 486, 600, ...). Entries matching on phrase, name or alias
 * come first, then those matching only on meaning; each group by code.
 * Writes up to cap pointers to out (out may be NULL when cap is 0) and
 * returns the total number of matches, which may exceed cap. A query with
 * no words matches nothing. */
size_t sipcode_search(const char *query, size_t len, const struct sipcode_info **out, size_t cap);

/* ---- iteration and metadata -------------------------------------------- */

/* Number of entries, and entry i (0-based, in increasing code order; NULL
 * when i is out of range). */
size_t sipcode_registry_count(void);
const struct sipcode_info *sipcode_registry_at(size_t i);

/* Version of the data file the table was generated from ("YYYY-MM-DD"). */
const char *sipcode_registry_version(void);

/* Names of enum values: "current", "end-to-end", "uas", "must". NULL for
 * values outside the enum (for senders: anything but a single known bit). */
const char *sipcode_status_name(enum sipcode_status status);
const char *sipcode_scope_name(enum sipcode_scope scope);
const char *sipcode_sender_name(unsigned sender_bit);
const char *sipcode_level_name(enum sipcode_level level);

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_REGISTRY_H */
