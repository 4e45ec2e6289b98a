/* sipcode/wire.h - strict, allocation-free parsers and formatters for what
 * carries a response code on the wire: the status line, the request line, the
 * Reason and Warning header fields, and the framing of a whole SIP message.
 *
 * Common contract of every parser here:
 *  - input is buf[0..len); no NUL terminator is needed and no byte at or past
 *    buf + len is ever read;
 *  - nothing is allocated; results are slices into buf, valid as long as buf;
 *  - the return value is SIPCODE_OK or a named error; SIPCODE_EINCOMPLETE
 *    means the input ended early and more bytes could complete it, any other
 *    error means the bytes seen are already wrong;
 *  - out-parameters are written only on SIPCODE_OK (exceptions are named);
 *  - diag, when not NULL, receives on error the byte offset of the fault and
 *    a static description of it.
 * Formatters write into buf[0..cap) and set *needed to the bytes the whole
 * output takes (without a NUL; one is added when room remains); when cap is
 * too small they return SIPCODE_ENOSPACE and write nothing. */
#ifndef SIPCODE_WIRE_H
#define SIPCODE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sipcode/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where and why a parse failed. */
struct sipcode_diag {
    size_t offset;      /* byte offset of the fault from the start of the input */
    const char *reason; /* static text: "status code is not three digits" */
};

/* Tolerances seen in the wild, off by default (strict RFC 3261 grammar). */
enum sipcode_wire_flag {
    SIPCODE_LENIENT_NO_SP_AFTER_CODE = 1u << 0, /* "SIP/2.0 200\r\n": no SP, no phrase */
    SIPCODE_LENIENT_BARE_LF = 1u << 1,          /* lines may end in LF alone */
    SIPCODE_LENIENT_EXTRA_SPACES = 1u << 2,     /* runs of SP/HTAB where one SP goes */
    SIPCODE_LENIENT_VERSION_CASE = 1u << 3,     /* "sip/2.0" */
    SIPCODE_LENIENT_PHRASE = 1u << 4,           /* any non-control byte and valid UTF-8
                                                   in a Reason-Phrase ('"', '<', '[' ...) */
    SIPCODE_LENIENT_ALL = 0x1fu
};

/* Largest values the parsers accept (RFC 3261 leaves them open; these bound
 * work and rule out arithmetic overflow). */
#define SIPCODE_MAX_LINE 8192u            /* start line or one header field line */
#define SIPCODE_MAX_CSEQ 2147483647u      /* RFC 3261 8.1.1.5: below 2**31 */
#define SIPCODE_MAX_CONTENT_LENGTH 16777216u

/* ---- status line (RFC 3261 sections 7.2, 25.1) ---------------------------- */

struct sipcode_status_line {
    unsigned version_major, version_minor; /* SIP/2.0 -> 2, 0 */
    int code;                              /* 100..699 */
    struct sipcode_slice reason;           /* may be empty; raw UTF-8 bytes */
};

/* Parses "SIP/2.0 SP 3DIGIT SP Reason-Phrase CRLF" at buf. On SIPCODE_OK sets
 * *out and *used (bytes through the line end). Errors: SIPCODE_EINCOMPLETE
 * (no line end yet, and nothing wrong so far), SIPCODE_EMALFORMED (grammar,
 * characters, UTF-8), SIPCODE_ERANGE (three digits outside 100..699; longer
 * digit runs are EMALFORMED and never computed), SIPCODE_EVERSION (a
 * well-formed line with a version other than 2.0: *out and *used ARE set so the
 * caller can report the version). */
enum sipcode_err sipcode_parse_status_line(const char *buf, size_t len, unsigned flags,
                                           struct sipcode_status_line *out, size_t *used,
                                           struct sipcode_diag *diag);

/* Writes "SIP/2.0 <code> <reason>\r\n". reason NULL means the registry's
 * phrase for code (empty when sipcode has none). Errors: SIPCODE_ERANGE (code
 * outside 100..699), SIPCODE_EMALFORMED (reason has bytes a Reason-Phrase
 * cannot hold: CR, LF, other controls than HTAB, invalid UTF-8),
 * SIPCODE_ENOSPACE. */
enum sipcode_err sipcode_format_status_line(char *buf, size_t cap, int code, const char *reason,
                                            size_t reason_len, size_t *needed);

/* ---- request line (RFC 3261 section 7.1) ------------------------------------ */

struct sipcode_request_line {
    struct sipcode_slice method; /* token */
    struct sipcode_slice uri;    /* Request-URI, opaque: no SP, no controls */
    unsigned version_major, version_minor;
};

/* Parses "Method SP Request-URI SP SIP-Version CRLF". Same errors and the
 * same SIPCODE_EVERSION exception as sipcode_parse_status_line(). */
enum sipcode_err sipcode_parse_request_line(const char *buf, size_t len, unsigned flags,
                                            struct sipcode_request_line *out, size_t *used,
                                            struct sipcode_diag *diag);

/* Writes "<method> <uri> SIP/2.0\r\n"; EMALFORMED when method is not a token
 * or uri is empty or holds SP or controls. */
enum sipcode_err sipcode_format_request_line(char *buf, size_t cap, const char *method,
                                             size_t method_len, const char *uri, size_t uri_len,
                                             size_t *needed);

/* ---- Reason header field (RFC 3326, RFC 6432, RFC 8606) ------------------- */

/* Protocols registered for the Reason header (IANA "Reason Protocols"). */
enum sipcode_reason_protocol {
    SIPCODE_REASON_UNKNOWN = 0, /* any other token, kept verbatim in .protocol */
    SIPCODE_REASON_SIP,
    SIPCODE_REASON_Q850,
    SIPCODE_REASON_PREEMPTION,
    SIPCODE_REASON_EMM,
    SIPCODE_REASON_ESM,
    SIPCODE_REASON_S1AP_RNL,
    SIPCODE_REASON_S1AP_TL,
    SIPCODE_REASON_S1AP_NAS,
    SIPCODE_REASON_S1AP_MISC,
    SIPCODE_REASON_S1AP_PROT,
    SIPCODE_REASON_DIAMETER,
    SIPCODE_REASON_IKEV2,
    SIPCODE_REASON_RELEASE_CAUSE,
    SIPCODE_REASON_FAILURE_CAUSE,
    SIPCODE_REASON_STIR,
    SIPCODE_REASON_5GMM,
    SIPCODE_REASON_5GSM,
    SIPCODE_REASON_NGAP_RNL,
    SIPCODE_REASON_NGAP_TL,
    SIPCODE_REASON_NGAP_NAS,
    SIPCODE_REASON_NGAP_MISC,
    SIPCODE_REASON_NGAP_PROT
};

struct sipcode_reason {
    struct sipcode_slice protocol;        /* the token as written */
    enum sipcode_reason_protocol id;      /* matched case-insensitively */
    long cause;                           /* -1 when absent */
    struct sipcode_slice text;            /* inside the quotes, escapes kept; check has_text */
    int has_text;
    struct sipcode_slice location;        /* RFC 8606 location parameter value; may be empty */
    struct sipcode_slice params;          /* every parameter, raw, from the first ';' */
};

/* Largest cause a Reason value may carry. RFC 3326 writes cause as 1*DIGIT
 * with no bound; every registered protocol's causes fit in 16 bits (SIP
 * status codes, Q.850 causes, 3GPP and IKEv2 cause values). */
#define SIPCODE_MAX_REASON_CAUSE 65535u

/* Parses a Reason header field value (after "Reason:"), a comma-separated
 * list. Fills out[0..cap) and sets *count to the number of values, which
 * may exceed cap (then SIPCODE_ELIMIT is returned with the first cap
 * filled; cap 0 and out NULL count the values). Each value is a protocol
 * token and ';'-parameters in any order, with LWS allowed around ';', '='
 * and ',' (RFC 3326 section 2). cause must be 1*DIGIT up to
 * SIPCODE_MAX_REASON_CAUSE (larger: SIPCODE_ERANGE) but may be absent, as
 * the ABNF allows: then .cause is -1. text must be a well-formed
 * quoted-string, location (RFC 8606) a token; each of the three may appear
 * once. Other parameters are checked against generic-param and are only
 * in .params. Absent slices are {NULL, 0}. Errors: SIPCODE_EMALFORMED
 * (grammar, UTF-8, an unterminated quoted-string: the value is complete),
 * SIPCODE_ERANGE, SIPCODE_ELIMIT, SIPCODE_EINVAL (NULL buf or count, or
 * NULL out with cap > 0). */
enum sipcode_err sipcode_parse_reason(const char *buf, size_t len, struct sipcode_reason *out,
                                      size_t cap, size_t *count, struct sipcode_diag *diag);

/* The registered name of a protocol ("Q.850"), or NULL for UNKNOWN/junk. */
const char *sipcode_reason_protocol_name(enum sipcode_reason_protocol id);

/* Copies a quoted-string's content (as in sipcode_reason.text or
 * sipcode_warning.text) to buf with the quoted-pair escapes removed and each
 * folded line end dropped (its white space stays). ENOSPACE/needed as for
 * formatters; SIPCODE_EMALFORMED when the content could not come from a
 * quoted-string (a bare '"', a lone '\', a bare CR or LF). */
enum sipcode_err sipcode_unquote(const char *text, size_t len, char *buf, size_t cap,
                                 size_t *needed);

/* Writes one Reason value: "<protocol>;cause=<cause>[;text=\"<text>\"]",
 * escaping '"' and '\' in text; text NULL leaves the text parameter out.
 * EMALFORMED when protocol is not a token, cause is negative, or text holds
 * CR, LF, another control than HTAB or invalid UTF-8; ERANGE when cause is
 * above SIPCODE_MAX_REASON_CAUSE; EINVAL for NULL protocol (or NULL buf with
 * cap > 0). */
enum sipcode_err sipcode_format_reason(char *buf, size_t cap, const char *protocol,
                                       size_t protocol_len, long cause, const char *text,
                                       size_t text_len, size_t *needed);

/* ---- Warning header field (RFC 3261 section 20.43) ------------------------ */

struct sipcode_warning {
    int code;                   /* exactly three digits, 300..399 per registry, 100..999 accepted */
    struct sipcode_slice agent; /* hostport or pseudonym token */
    struct sipcode_slice text;  /* inside the quotes, escapes kept */
};

/* Parses a Warning header field value: "warn-code SP warn-agent SP
 * warn-text" values separated by commas (RFC 3261 25.1). Count, ELIMIT and
 * EINVAL as for Reason. warn-code is exactly three digits (more or fewer:
 * SIPCODE_EMALFORMED); a leading 0 is SIPCODE_ERANGE. warn-agent is a
 * hostport (IPv6 references included) or a token; a port above 65535 is
 * SIPCODE_ERANGE. The separators are single SPs, but warn-text, being a
 * quoted-string, may follow LWS. */
enum sipcode_err sipcode_parse_warning(const char *buf, size_t len, struct sipcode_warning *out,
                                       size_t cap, size_t *count, struct sipcode_diag *diag);

/* Writes one Warning value: "<code> <agent> \"<text>\"", escaping '"' and
 * '\' in text (NULL text with text_len 0 is ""). ERANGE when code is outside
 * 100..999 or agent's port above 65535; EMALFORMED when agent is not a
 * hostport or token, or text is as sipcode_format_reason() refuses. */
enum sipcode_err sipcode_format_warning(char *buf, size_t cap, int code, const char *agent,
                                        size_t agent_len, const char *text, size_t text_len,
                                        size_t *needed);

/* The IANA warn-code registry (RFC 3261 20.43, RFC 5630, RFC 8373). */
struct sipcode_warn_info {
    int code;
    const char *text;    /* registered description, e.g. "Incompatible network protocol" */
    const char *rfc;     /* "RFC 3261" */
    const char *meaning; /* in our words */
};

/* The entry for a warn-code, or NULL; entries are static and sorted by
 * code, and sipcode_warn_at() returns NULL past sipcode_warn_count(). */
const struct sipcode_warn_info *sipcode_warn_lookup(int code);
size_t sipcode_warn_count(void);
const struct sipcode_warn_info *sipcode_warn_at(size_t i);

/* ---- message framing (RFC 3261 sections 7, 18.3) -------------------------- */

/* Well-known header fields, recognised by full and compact name. */
enum sipcode_header_id {
    SIPCODE_H_OTHER = 0,
    SIPCODE_H_VIA,            /* v */
    SIPCODE_H_FROM,           /* f */
    SIPCODE_H_TO,             /* t */
    SIPCODE_H_CALL_ID,        /* i */
    SIPCODE_H_CSEQ,
    SIPCODE_H_CONTACT,        /* m */
    SIPCODE_H_CONTENT_LENGTH, /* l */
    SIPCODE_H_CONTENT_TYPE,   /* c */
    SIPCODE_H_MAX_FORWARDS,
    SIPCODE_H_REASON,
    SIPCODE_H_WARNING,
    SIPCODE_H_RETRY_AFTER,
    SIPCODE_H_EXPIRES,
    SIPCODE_H_REQUIRE,
    SIPCODE_H_SUPPORTED,      /* k */
    SIPCODE_H_UNSUPPORTED,
    SIPCODE_H_SUBJECT,        /* s */
    SIPCODE_H_CONTENT_ENCODING, /* e */
    SIPCODE_H_EVENT,          /* o */
    SIPCODE_H_ALLOW_EVENTS,   /* u */
    SIPCODE_H_REFER_TO,       /* r */
    SIPCODE_H_REFERRED_BY,    /* b */
    SIPCODE_H_SESSION_EXPIRES, /* x */
    SIPCODE_H_IDENTITY,       /* y */
    SIPCODE_H_ACCEPT_CONTACT, /* a */
    SIPCODE_H_REJECT_CONTACT, /* j */
    SIPCODE_H_REQUEST_DISPOSITION, /* d */
    SIPCODE_H_ALLOW,
    SIPCODE_H_WWW_AUTHENTICATE,
    SIPCODE_H_PROXY_AUTHENTICATE,
    SIPCODE_H_MIN_EXPIRES,
    SIPCODE_H_MIN_SE,
    SIPCODE_H_RECV_INFO,
    SIPCODE_H_PERMISSION_MISSING,
    SIPCODE_H_SECURITY_SERVER,
    SIPCODE_H_RECORD_ROUTE,
    SIPCODE_H_ROUTE,
    SIPCODE_H__COUNT
};

struct sipcode_header {
    struct sipcode_slice name;  /* as written */
    struct sipcode_slice value; /* trimmed; may contain folded line ends (LWS) */
    enum sipcode_header_id id;
};

/* The top Via's parts (RFC 3261 20.42, RFC 3581). */
struct sipcode_via {
    struct sipcode_slice transport; /* "UDP" */
    struct sipcode_slice host;      /* without brackets for IPv6 references */
    unsigned port;                  /* 0 when absent */
    struct sipcode_slice branch, received;
    struct sipcode_slice rport;     /* value; empty for a bare "rport" */
    int has_rport;
};

struct sipcode_message {
    int is_request;
    struct sipcode_request_line request; /* when is_request */
    struct sipcode_status_line status;   /* when !is_request */
    struct sipcode_header *headers;      /* the caller's array */
    size_t header_count;
    struct sipcode_slice body;
    /* Extracted fields; slices are empty and numbers -1 when absent. */
    struct sipcode_via via;
    int has_via;
    struct sipcode_slice call_id, from_tag, to_tag, cseq_method;
    long long cseq;          /* 0..2**31-1 */
    long max_forwards;
    long long content_length;
    long long expires, retry_after;
};

/* Framing modes. */
enum sipcode_frame_flag {
    /* A stream (TCP/TLS): Content-Length is mandatory (RFC 3261 18.3) and a
     * message that ends early is SIPCODE_EINCOMPLETE. Without it the buffer
     * is one datagram: no Content-Length means the body is the rest. */
    SIPCODE_FRAME_STREAM = 1u << 8
};

/* Parses one SIP message at buf: start line, header fields (names case-
 * insensitive, compact forms, folded lines), the empty line and the body by
 * Content-Length. Leading CRLFs (keep-alives) are skipped; a datagram that
 * holds nothing else is SIPCODE_ENOTFOUND (a stream: SIPCODE_EINCOMPLETE).
 * The caller passes headers[0..cap); more header fields than cap is
 * SIPCODE_ELIMIT. flags combine enum sipcode_wire_flag and enum
 * sipcode_frame_flag. On SIPCODE_OK, *used is the bytes through the end of
 * the body. Two Content-Length values that disagree, a CSeq out of range, a
 * non-numeric Max-Forwards and the like are SIPCODE_EMALFORMED (or ERANGE)
 * with diag. Without SIPCODE_FRAME_STREAM the result is never EINCOMPLETE.
 * SIPCODE_EVERSION (a start line with another version, the rest good) sets
 * *out, *used and headers as SIPCODE_OK does, so a 505 can be built. */
enum sipcode_err sipcode_parse_message(const char *buf, size_t len, unsigned flags,
                                       struct sipcode_header *headers, size_t cap,
                                       struct sipcode_message *out, size_t *used,
                                       struct sipcode_diag *diag);

/* First header field named name (full or compact form, case-insensitive), or
 * NULL; with a non-NULL after, the next one after it. */
const struct sipcode_header *sipcode_message_find(const struct sipcode_message *msg,
                                                  const char *name, size_t name_len,
                                                  const struct sipcode_header *after);

/* The id of a header name (full or compact, case-insensitive), and the
 * canonical full name of an id ("Call-ID"; NULL for OTHER and junk). */
enum sipcode_header_id sipcode_header_id(const char *name, size_t len);
const char *sipcode_header_name(enum sipcode_header_id id);

#ifdef __cplusplus
}
#endif

#endif /* SIPCODE_WIRE_H */
