/* The response linter: checks a framed response against the registry, the
 * header rules and the RFC requirements around response codes. Pure: it
 * reads the message and constant tables, allocates nothing. */
#include <string.h>

#include "sipcode/semantics.h"

/* The rules, in the order their checks run. Ids are stable API. */
static const struct sipcode_lint_rule rules[] = {
#define RULE_NOT_A_RESPONSE 0
    {"not-a-response", SIPCODE_SEVERITY_ERROR, "the message is a request, not a response",
     "RFC 3261 section 7"},
#define RULE_MALFORMED_MESSAGE 1
    {"malformed-message", SIPCODE_SEVERITY_ERROR,
     "the message does not frame: start line, header fields or Content-Length",
     "RFC 3261 sections 7 and 25"},
#define RULE_VERSION 2
    {"version-not-2.0", SIPCODE_SEVERITY_ERROR, "the status line names a version other than SIP/2.0",
     "RFC 3261 section 7.1"},
#define RULE_UNREGISTERED 3
    {"unregistered-code", SIPCODE_SEVERITY_WARNING,
     "the code is not in the IANA registry; receivers treat it as the x00 of its class "
     "(183 for 1xx)",
     "RFC 3261 section 8.1.3.2"},
#define RULE_HISTORIC 4
    {"historic-code", SIPCODE_SEVERITY_WARNING,
     "the code exists only in the obsolete RFC 2543; RFC 3261 receivers treat it as x00",
     "RFC 3261 section 8.1.3.2"},
#define RULE_DEPRECATED 5
    {"deprecated-code", SIPCODE_SEVERITY_WARNING, "the code is registered but deprecated",
     "RFC 6665 section 8.3.1"},
#define RULE_PHRASE_HTTP 6
    {"phrase-http-wording", SIPCODE_SEVERITY_WARNING,
     "the reason phrase is HTTP's wording for the number, not SIP's",
     "RFC 3261 section 21"},
#define RULE_PHRASE_DIFFERS 7
    {"phrase-not-registered", SIPCODE_SEVERITY_INFO,
     "the reason phrase differs from the registered one (allowed: only the code counts)",
     "RFC 3261 section 21"},
#define RULE_RESPONSE_TO_ACK 8
    {"response-to-ack", SIPCODE_SEVERITY_ERROR, "a response to ACK: ACK is never answered",
     "RFC 3261 section 17.1.1.3"},
#define RULE_METHOD_MISMATCH 9
    {"code-method-mismatch", SIPCODE_SEVERITY_WARNING,
     "the code does not answer the CSeq method it is sent for",
     "RFC 3261 section 21; RFC 5839, 3903, 4028, 5626, 6086, 6228, 6665, 8599"},
#define RULE_TRYING_TO_TAG 10
    {"trying-with-to-tag", SIPCODE_SEVERITY_WARNING,
     "100 Trying carries a To tag; the transaction layer should not add one",
     "RFC 3261 section 17.2.1"},
#define RULE_MISSING_TO_TAG 11
    {"missing-to-tag", SIPCODE_SEVERITY_WARNING,
     "a response other than 100 has no To tag (the UAS must add one unless the request had it)",
     "RFC 3261 section 8.2.6.2"},
#define RULE_MISSING_MANDATORY 12
    {"missing-mandatory-header", SIPCODE_SEVERITY_ERROR,
     "a header field the code requires is missing", "RFC 3261 section 20; the code's RFC"},
#define RULE_MISSING_RECOMMENDED 13
    /* info, not warning: a SHOULD admits reasons, and the RFC 3261 section 24
     * examples themselves leave out Allow, Supported and Date. */
    {"missing-recommended-header", SIPCODE_SEVERITY_INFO,
     "a header field the code should carry is missing", "RFC 3261 section 20; the code's RFC"},
#define RULE_RETRY_AFTER 14
    {"retry-after-without-meaning", SIPCODE_SEVERITY_INFO,
     "Retry-After on a code for which no RFC gives it a meaning", "RFC 3261 section 20.33"},
#define RULE_MALFORMED_REASON 15
    {"malformed-reason", SIPCODE_SEVERITY_ERROR, "a Reason header value does not parse",
     "RFC 3326 section 2"},
#define RULE_MALFORMED_WARNING 16
    {"malformed-warning", SIPCODE_SEVERITY_ERROR, "a Warning header value does not parse",
     "RFC 3261 section 20.43"},
#define RULE_UNKNOWN_WARN_CODE 17
    {"unregistered-warn-code", SIPCODE_SEVERITY_WARNING,
     "a Warning carries a warn-code that is not registered", "RFC 3261 section 20.43"},
};

#define RULE_COUNT (sizeof rules / sizeof *rules)

size_t sipcode_lint_rule_count(void)
{
    return RULE_COUNT;
}

const struct sipcode_lint_rule *sipcode_lint_rule_at(size_t i)
{
    return i < RULE_COUNT ? &rules[i] : NULL;
}

const struct sipcode_lint_rule *sipcode_lint_rule_find(const char *id, size_t len)
{
    size_t i;
    if (!id)
        return NULL;
    for (i = 0; i < RULE_COUNT; i++)
        if (strlen(rules[i].id) == len && memcmp(rules[i].id, id, len) == 0)
            return &rules[i];
    return NULL;
}

const char *sipcode_severity_name(enum sipcode_severity severity)
{
    switch (severity) {
    case SIPCODE_SEVERITY_INFO:
        return "info";
    case SIPCODE_SEVERITY_WARNING:
        return "warning";
    case SIPCODE_SEVERITY_ERROR:
        return "error";
    }
    return NULL;
}

/* ---- helpers ------------------------------------------------------------------ */

struct findings {
    struct sipcode_finding *out;
    size_t cap, count;
};

static void add(struct findings *f, int rule, size_t offset, const char *subject,
                size_t subject_len)
{
    if (f->count < f->cap) {
        f->out[f->count].rule = &rules[rule];
        f->out[f->count].offset = offset;
        f->out[f->count].subject.ptr = subject;
        f->out[f->count].subject.len = subject ? subject_len : 0;
    }
    f->count++;
}

static int slice_equals_nocase(struct sipcode_slice s, const char *text)
{
    size_t i, n = strlen(text);
    if (s.len != n)
        return 0;
    for (i = 0; i < n; i++) {
        int a = (unsigned char)s.ptr[i], b = (unsigned char)text[i];
        if (a >= 'A' && a <= 'Z')
            a += 'a' - 'A';
        if (b >= 'A' && b <= 'Z')
            b += 'a' - 'A';
        if (a != b)
            return 0;
    }
    return 1;
}

static int method_is(const struct sipcode_message *msg, const char *method)
{
    return msg->cseq_method.len == strlen(method) &&
           memcmp(msg->cseq_method.ptr, method, msg->cseq_method.len) == 0;
}

static size_t offset_of(const char *buf, const char *p)
{
    return p && p >= buf ? (size_t)(p - buf) : 0;
}

/* HTTP's phrases for numbers SIP took over with other words (RFC 9110
 * section 15 against RFC 3261 section 21 and later SIP RFCs). */
static const struct {
    int code;
    const char *phrase;
} http_phrases[] = {
    {204, "No Content"},
    {302, "Found"},
    {412, "Precondition Failed"},
    {413, "Payload Too Large"},
    {413, "Content Too Large"},
    {414, "URI Too Long"},
    {414, "Request-URI Too Large"},
    {416, "Range Not Satisfiable"},
    {416, "Requested Range Not Satisfiable"},
    {500, "Internal Server Error"},
    {504, "Gateway Timeout"},
    {504, "Gateway Time-out"},
    {505, "HTTP Version Not Supported"},
};

/* Codes that answer only some methods. */
static const struct {
    int code;
    const char *methods[4];
    const char *source; /* for the reader of this table */
} method_rules[] = {
    {180, {"INVITE"}, "RFC 3261 21.1.2"},
    {181, {"INVITE"}, "RFC 3261 21.1.3"},
    {182, {"INVITE"}, "RFC 3261 21.1.4"},
    {183, {"INVITE"}, "RFC 3261 21.1.5"},
    {199, {"INVITE"}, "RFC 6228 section 5"},
    {202, {"SUBSCRIBE", "REFER"}, "RFC 6665 8.3.1, RFC 3515"},
    {204, {"SUBSCRIBE"}, "RFC 5839 section 7.1"},
    {412, {"PUBLISH"}, "RFC 3903 section 11.2.1"},
    {422, {"INVITE", "UPDATE"}, "RFC 4028 section 6"},
    {423, {"REGISTER", "SUBSCRIBE", "PUBLISH"}, "RFC 3261 10.3, RFC 6665, RFC 3903"},
    {439, {"REGISTER"}, "RFC 5626 section 11.6"},
    {469, {"INFO"}, "RFC 6086 section 4.2.2"},
    {487, {"INVITE", "SUBSCRIBE", "REFER", "MESSAGE"}, "RFC 3261 9.2: never to CANCEL itself"},
    {489, {"SUBSCRIBE", "NOTIFY", "PUBLISH"}, "RFC 6665 8.3.2, RFC 3903"},
    {555, {"REGISTER"}, "RFC 8599 section 5.6"},
};

static void check_code(const char *buf, const struct sipcode_message *msg, struct findings *f)
{
    int code = msg->status.code;
    size_t code_at = offset_of(buf, msg->status.reason.ptr) >= 4
                         ? offset_of(buf, msg->status.reason.ptr) - 4
                         : 0;
    const struct sipcode_info *info = sipcode_lookup(code);
    const char *registered;
    size_t i;

    if (!info || info->status == SIPCODE_STATUS_UNREGISTERED)
        add(f, RULE_UNREGISTERED, code_at, buf + code_at, 3);
    else if (info->status == SIPCODE_STATUS_HISTORIC)
        add(f, RULE_HISTORIC, code_at, buf + code_at, 3);
    else if (info->status == SIPCODE_STATUS_DEPRECATED)
        add(f, RULE_DEPRECATED, code_at, buf + code_at, 3);

    registered = info && info->status != SIPCODE_STATUS_UNREGISTERED ? info->phrase : NULL;
    if (registered && !slice_equals_nocase(msg->status.reason, registered)) {
        int http = 0;
        for (i = 0; i < sizeof http_phrases / sizeof *http_phrases; i++)
            if (http_phrases[i].code == code &&
                slice_equals_nocase(msg->status.reason, http_phrases[i].phrase))
                http = 1;
        add(f, http ? RULE_PHRASE_HTTP : RULE_PHRASE_DIFFERS,
            offset_of(buf, msg->status.reason.ptr), msg->status.reason.ptr,
            msg->status.reason.len);
    }
}

static void check_method(const char *buf, const struct sipcode_message *msg, struct findings *f)
{
    size_t i, m;
    size_t at = offset_of(buf, msg->cseq_method.ptr);
    if (!msg->cseq_method.len)
        return;
    /* RFC 3261 17.1.1.3: ACK completes a transaction and gets no answer. */
    if (method_is(msg, "ACK")) {
        add(f, RULE_RESPONSE_TO_ACK, at, msg->cseq_method.ptr, msg->cseq_method.len);
        return;
    }
    for (i = 0; i < sizeof method_rules / sizeof *method_rules; i++) {
        int allowed = 0;
        if (method_rules[i].code != msg->status.code)
            continue;
        for (m = 0; m < 4 && method_rules[i].methods[m]; m++)
            allowed |= method_is(msg, method_rules[i].methods[m]);
        if (!allowed)
            add(f, RULE_METHOD_MISMATCH, at, msg->cseq_method.ptr, msg->cseq_method.len);
    }
}

static void check_tags(const char *buf, const struct sipcode_message *msg, struct findings *f)
{
    const struct sipcode_header *to = sipcode_message_find(msg, "To", 2, NULL);
    size_t at = to ? offset_of(buf, to->name.ptr) : 0;
    if (msg->status.code == 100 && msg->to_tag.len)
        add(f, RULE_TRYING_TO_TAG, offset_of(buf, msg->to_tag.ptr), msg->to_tag.ptr,
            msg->to_tag.len);
    else if (msg->status.code != 100 && !msg->to_tag.len && !method_is(msg, "CANCEL"))
        /* A CANCEL's response copies the CANCEL's To, which has no tag when
         * the INVITE had none (RFC 3261 9.2): not a fault there. */
        add(f, RULE_MISSING_TO_TAG, at, "To", 2);
}

static void check_headers(const char *buf, const struct sipcode_message *msg,
                          struct findings *f)
{
    struct sipcode_header_rule wanted[32];
    size_t n, i;
    size_t end_of_headers =
        msg->body.ptr ? offset_of(buf, msg->body.ptr) : offset_of(buf, msg->status.reason.ptr);
    int retry_after_allowed = 0;
    const struct sipcode_header *retry;

    n = sipcode_response_headers(msg->status.code, msg->cseq_method.ptr, msg->cseq_method.len,
                                 wanted, sizeof wanted / sizeof *wanted);
    if (n > sizeof wanted / sizeof *wanted)
        n = sizeof wanted / sizeof *wanted;
    for (i = 0; i < n; i++) {
        const char *name = wanted[i].name;
        if (strcmp(name, "Retry-After") == 0)
            retry_after_allowed = 1;
        if (wanted[i].level == SIPCODE_LEVEL_MAY)
            continue;
        if (sipcode_message_find(msg, name, strlen(name), NULL))
            continue;
        add(f, wanted[i].level == SIPCODE_LEVEL_MUST ? RULE_MISSING_MANDATORY
                                                     : RULE_MISSING_RECOMMENDED,
            end_of_headers, name, strlen(name));
    }
    retry = sipcode_message_find(msg, "Retry-After", 11, NULL);
    if (retry && !retry_after_allowed)
        add(f, RULE_RETRY_AFTER, offset_of(buf, retry->name.ptr), retry->name.ptr,
            retry->name.len);
}

static void check_lists(const char *buf, const struct sipcode_message *msg, struct findings *f)
{
    size_t i, k;
    for (i = 0; i < msg->header_count; i++) {
        const struct sipcode_header *h = &msg->headers[i];
        struct sipcode_diag diag = {0, NULL};
        size_t count = 0;
        if (h->id == SIPCODE_H_REASON) {
            enum sipcode_err err =
                sipcode_parse_reason(h->value.ptr, h->value.len, NULL, 0, &count, &diag);
            if (err != SIPCODE_OK && err != SIPCODE_ELIMIT)
                add(f, RULE_MALFORMED_REASON, offset_of(buf, h->value.ptr) + diag.offset,
                    h->name.ptr, h->name.len);
        } else if (h->id == SIPCODE_H_WARNING) {
            struct sipcode_warning w[16];
            enum sipcode_err err = sipcode_parse_warning(h->value.ptr, h->value.len, w,
                                                         sizeof w / sizeof *w, &count, &diag);
            if (err != SIPCODE_OK && err != SIPCODE_ELIMIT) {
                add(f, RULE_MALFORMED_WARNING, offset_of(buf, h->value.ptr) + diag.offset,
                    h->name.ptr, h->name.len);
                continue;
            }
            for (k = 0; k < count && k < sizeof w / sizeof *w; k++)
                if (!sipcode_warn_lookup(w[k].code))
                    add(f, RULE_UNKNOWN_WARN_CODE, offset_of(buf, h->value.ptr), h->value.ptr,
                        3);
        }
    }
}

size_t sipcode_lint_response(const char *buf, const struct sipcode_message *msg,
                             struct sipcode_finding *out, size_t cap)
{
    struct findings f;
    f.out = out;
    f.cap = out ? cap : 0;
    f.count = 0;
    if (!buf || !msg)
        return 0;
    if (msg->is_request) {
        add(&f, RULE_NOT_A_RESPONSE, 0, NULL, 0);
        return f.count;
    }
    if (msg->status.version_major != 2 || msg->status.version_minor != 0)
        add(&f, RULE_VERSION, 4, buf + 4, 3);
    check_code(buf, msg, &f);
    check_method(buf, msg, &f);
    check_tags(buf, msg, &f);
    check_headers(buf, msg, &f);
    check_lists(buf, msg, &f);
    return f.count;
}
