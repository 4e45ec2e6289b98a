/* Status and request lines: strict grammar, tolerances, every prefix,
 * formatters and their round trips. */
#include <sipcode.h>

#include "test.h"

#define ALL SIPCODE_LENIENT_ALL

struct status_case {
    const char *line;
    unsigned flags;
    enum sipcode_err err;
    int code;
    const char *reason; /* expected phrase on OK/EVERSION */
};

/* Lengths come from sizeof in the table so NUL bytes can be part of a case. */
#define SL(text, flags, err, code, reason) {text, flags, err, code, reason, sizeof(text) - 1}

static const struct {
    const char *line;
    unsigned flags;
    enum sipcode_err err;
    int code;
    const char *reason;
    size_t len;
} status_cases[] = {
    SL("SIP/2.0 486 Busy Here\r\n", 0, SIPCODE_OK, 486, "Busy Here"),
    SL("SIP/2.0 100 Trying\r\n", 0, SIPCODE_OK, 100, "Trying"),
    SL("SIP/2.0 699 Whatever\r\n", 0, SIPCODE_OK, 699, "Whatever"),
    SL("SIP/2.0 100 \r\n", 0, SIPCODE_OK, 100, ""), /* RFC 3261 25.1: may be empty */
    SL("SIP/2.0 200 OK\r\n", 0, SIPCODE_OK, 200, "OK"),
    SL("SIP/2.0 200 Tab\there\r\n", 0, SIPCODE_OK, 200, "Tab\there"),
    SL("SIP/2.0 200 %41%42\r\n", 0, SIPCODE_OK, 200, "%41%42"),
    SL("SIP/2.0 200 \xe2\x9c\x93 d\xc3\xa9j\xc3\xa0 vu\r\n", 0, SIPCODE_OK, 200,
       "\xe2\x9c\x93 d\xc3\xa9j\xc3\xa0 vu"),
    SL("SIP/2.0 200 OK\r\nVia: x\r\n", 0, SIPCODE_OK, 200, "OK"), /* stops at the line end */
    /* codes: count and range */
    SL("SIP/2.0 99 X\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 099 X\r\n", 0, SIPCODE_ERANGE, 0, NULL),
    SL("SIP/2.0 000 X\r\n", 0, SIPCODE_ERANGE, 0, NULL),
    SL("SIP/2.0 700 X\r\n", 0, SIPCODE_ERANGE, 0, NULL),
    SL("SIP/2.0 999 X\r\n", 0, SIPCODE_ERANGE, 0, NULL),
    SL("SIP/2.0 1000 X\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 0200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 +200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 -200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 2OO OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 4294967301 Big\r\n", 0, SIPCODE_EMALFORMED, 0, NULL), /* wraps to 5 */
    SL("SIP/2.0 4294967301 Big\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),
    /* versions */
    SL("SIP/3.0 200 OK\r\n", 0, SIPCODE_EVERSION, 200, "OK"),
    SL("SIP/2.1 200 OK\r\n", 0, SIPCODE_EVERSION, 200, "OK"),
    SL("SIP/20.0 200 OK\r\n", 0, SIPCODE_EVERSION, 200, "OK"),
    SL("SIP/2 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/02.0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.00 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/10.0 200 OK\r\n", 0, SIPCODE_EVERSION, 200, "OK"),
    SL("SIP/2.0.0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/9999999999.0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("HTTP/1.1 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("sip/2.0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("sip/2.0 200 OK\r\n", SIPCODE_LENIENT_VERSION_CASE, SIPCODE_OK, 200, "OK"),
    SL("Sip/2.0 200 OK\r\n", SIPCODE_LENIENT_VERSION_CASE, SIPCODE_OK, 200, "OK"),
    /* spaces */
    SL("SIP/2.0  200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0  200  OK\r\n", SIPCODE_LENIENT_EXTRA_SPACES, SIPCODE_OK, 200, "OK"),
    SL("SIP/2.0\t200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0\t200 OK\r\n", SIPCODE_LENIENT_EXTRA_SPACES, SIPCODE_OK, 200, "OK"),
    SL(" SIP/2.0 200 OK\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200\r\n", SIPCODE_LENIENT_NO_SP_AFTER_CODE, SIPCODE_OK, 200, ""),
    SL("SIP/2.0 200OK\r\n", SIPCODE_LENIENT_NO_SP_AFTER_CODE, SIPCODE_EMALFORMED, 0, NULL),
    /* line ends */
    SL("SIP/2.0 200 OK\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 OK\n", SIPCODE_LENIENT_BARE_LF, SIPCODE_OK, 200, "OK"),
    SL("SIP/2.0 200 OK\rX", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 OK\r\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    /* bytes a phrase cannot hold */
    SL("SIP/2.0 200 O\0K\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 O\x7fK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 O\x01K\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 \"OK\"\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 \"OK\"\r\n", SIPCODE_LENIENT_PHRASE, SIPCODE_OK, 200, "\"OK\""),
    SL("SIP/2.0 200 100%\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 %4G\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 200 \xc3\x28\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),  /* bad continuation */
    SL("SIP/2.0 200 \xc0\xaf\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),  /* overlong */
    SL("SIP/2.0 200 \xed\xa0\x80\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL), /* surrogate */
    SL("SIP/2.0 200 \xf4\x90\x80\x80\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL), /* > U+10FFFF */
    SL("SIP/2.0 200 \xff\r\n", ALL, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.0 2\x00" "0 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP/2.\x7f" "0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    SL("SIP\0/2.0 200 OK\r\n", 0, SIPCODE_EMALFORMED, 0, NULL),
    /* incomplete */
    SL("", 0, SIPCODE_EINCOMPLETE, 0, NULL),
    SL("SIP/2.0 200 OK", 0, SIPCODE_EINCOMPLETE, 0, NULL),
    SL("SIP/2.0 200 OK\r", 0, SIPCODE_EINCOMPLETE, 0, NULL),
    SL("SIP/2.0 200 \xe2\x9c", 0, SIPCODE_EINCOMPLETE, 0, NULL),
};

static void status_line_table(void)
{
    size_t i;
    for (i = 0; i < sizeof status_cases / sizeof *status_cases; i++) {
        struct sipcode_status_line sl = {0, 0, -1, {NULL, 0}};
        struct sipcode_diag diag = {(size_t)-1, NULL};
        size_t used = 12345;
        enum sipcode_err err = sipcode_parse_status_line(
            status_cases[i].line, status_cases[i].len, status_cases[i].flags, &sl, &used, &diag);
        if (err != status_cases[i].err) {
            TEST_FAIL_AT("case %zu %.*s: expected %s, got %s (%s at %zu)", i,
                         (int)status_cases[i].len, status_cases[i].line,
                         sipcode_errname(status_cases[i].err), sipcode_errname(err),
                         diag.reason ? diag.reason : "-", diag.offset);
            continue;
        }
        if (err == SIPCODE_OK || err == SIPCODE_EVERSION) {
            CHECK_INT(sl.code, status_cases[i].code);
            CHECK(sl.reason.len == strlen(status_cases[i].reason) &&
                  memcmp(sl.reason.ptr, status_cases[i].reason, sl.reason.len) == 0);
            CHECK(used <= status_cases[i].len);
            CHECK(status_cases[i].line[used - 1] == '\n');
        } else {
            CHECK_INT(sl.code, -1); /* untouched */
            CHECK_INT(used, 12345);
            CHECK(diag.reason != NULL && diag.offset <= status_cases[i].len);
        }
    }
}

/* Strict lines take a fast path; VERSION_CASE sends the same bytes through
 * the general parser, which must agree on every strict case. */
static void fast_path_agrees_with_general_parser(void)
{
    size_t i;
    for (i = 0; i < sizeof status_cases / sizeof *status_cases; i++) {
        struct sipcode_status_line a, b;
        size_t ua = 0, ub = 0;
        enum sipcode_err ea, eb;
        if (status_cases[i].flags || status_cases[i].len < 4 ||
            memcmp(status_cases[i].line, "SIP/", 4) != 0)
            continue;
        ea = sipcode_parse_status_line(status_cases[i].line, status_cases[i].len, 0, &a, &ua,
                                       NULL);
        eb = sipcode_parse_status_line(status_cases[i].line, status_cases[i].len,
                                       SIPCODE_LENIENT_VERSION_CASE, &b, &ub, NULL);
        CHECK_INT(ea, eb);
        if (ea == SIPCODE_OK && eb == SIPCODE_OK) {
            CHECK_INT(ua, ub);
            CHECK_INT(a.code, b.code);
            CHECK(a.reason.ptr == b.reason.ptr && a.reason.len == b.reason.len);
        }
    }
}

static void status_line_version_is_reported(void)
{
    struct sipcode_status_line sl;
    size_t used;
    CHECK_INT(sipcode_parse_status_line("SIP/3.0 200 OK\r\n", 16, 0, &sl, &used, NULL),
              SIPCODE_EVERSION);
    CHECK_INT(sl.version_major, 3);
    CHECK_INT(sl.version_minor, 0);
    CHECK_INT(used, 16);
    CHECK_INT(sipcode_parse_status_line("SIP/2.0 200 OK\r\n", 16, 0, NULL, &used, NULL),
              SIPCODE_EINVAL);
}

/* Every proper prefix of a valid line asks for more bytes. */
static void every_prefix_is_incomplete(void)
{
    static const char *const lines[] = {
        "SIP/2.0 486 Busy Here\r\n", "SIP/2.0 100 \r\n",
        "SIP/2.0 200 \xe2\x9c\x93\xf0\x9f\x93\x9e ok\r\n", "SIP/2.0 200 %41\r\n"};
    size_t i, k;
    for (i = 0; i < sizeof lines / sizeof *lines; i++) {
        size_t n = strlen(lines[i]);
        for (k = 0; k < n; k++) {
            struct sipcode_status_line sl;
            size_t used;
            enum sipcode_err err = sipcode_parse_status_line(lines[i], k, 0, &sl, &used, NULL);
            if (err != SIPCODE_EINCOMPLETE)
                TEST_FAIL_AT("line %zu cut at %zu: %s", i, k, sipcode_errname(err));
        }
    }
}

static void too_long_line_is_a_limit(void)
{
    static char big[SIPCODE_MAX_LINE + 64];
    struct sipcode_status_line sl;
    size_t used;
    memcpy(big, "SIP/2.0 200 ", 12);
    memset(big + 12, 'a', sizeof big - 12);
    /* no line end within the limit: not "incomplete" forever */
    CHECK_INT(sipcode_parse_status_line(big, sizeof big, 0, &sl, &used, NULL), SIPCODE_ELIMIT);
    /* a line of exactly the limit is fine */
    big[SIPCODE_MAX_LINE - 2] = '\r';
    big[SIPCODE_MAX_LINE - 1] = '\n';
    CHECK_INT(sipcode_parse_status_line(big, sizeof big, 0, &sl, &used, NULL), SIPCODE_OK);
    CHECK_INT(used, SIPCODE_MAX_LINE);
}

static void status_line_format_round_trip(void)
{
    char buf[128];
    size_t needed = 0, cap;
    int code;
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 486, NULL, 0, &needed), SIPCODE_OK);
    CHECK_STR(buf, "SIP/2.0 486 Busy Here\r\n");
    CHECK_INT(needed, 23);
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 499, NULL, 0, &needed), SIPCODE_OK);
    CHECK_STR(buf, "SIP/2.0 499 \r\n");
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 486, "Occupe", 6, &needed), SIPCODE_OK);
    CHECK_STR(buf, "SIP/2.0 486 Occupe\r\n");
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 700, NULL, 0, &needed), SIPCODE_ERANGE);
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 99, NULL, 0, &needed), SIPCODE_ERANGE);
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 200, "a\r\nb", 4, &needed),
              SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_format_status_line(buf, sizeof buf, 200, "\xff", 1, &needed),
              SIPCODE_EMALFORMED);

    /* every cap below the size is ENOSPACE and leaves the buffer alone */
    for (cap = 0; cap < 23; cap++) {
        memset(buf, 'x', sizeof buf);
        needed = 0;
        CHECK_INT(sipcode_format_status_line(buf, cap, 486, NULL, 0, &needed), SIPCODE_ENOSPACE);
        CHECK_INT(needed, 23);
        CHECK(buf[0] == 'x');
    }
    CHECK_INT(sipcode_format_status_line(buf, 23, 486, NULL, 0, &needed), SIPCODE_OK);
    CHECK(memcmp(buf, "SIP/2.0 486 Busy Here\r\n", 23) == 0);

    /* format -> parse gives back the code and phrase, for every registered code */
    for (code = 100; code <= 699; code++) {
        struct sipcode_status_line sl;
        size_t used;
        if (sipcode_format_status_line(buf, sizeof buf, code, NULL, 0, &needed) != SIPCODE_OK) {
            TEST_FAIL_AT("cannot format %d", code);
            continue;
        }
        CHECK_INT(sipcode_parse_status_line(buf, needed, 0, &sl, &used, NULL), SIPCODE_OK);
        CHECK_INT(sl.code, code);
        CHECK_INT(used, needed);
        if (sipcode_phrase(code))
            CHECK(sl.reason.len == strlen(sipcode_phrase(code)) &&
                  memcmp(sl.reason.ptr, sipcode_phrase(code), sl.reason.len) == 0);
    }
}

static const struct {
    const char *line;
    unsigned flags;
    enum sipcode_err err;
    const char *method, *uri;
} request_cases[] = {
    {"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n", 0, SIPCODE_OK, "INVITE",
     "sip:bob@biloxi.example.com"},
    {"OPTIONS sips:[2001:db8::10]:5061;transport=tls SIP/2.0\r\n", 0, SIPCODE_OK, "OPTIONS",
     "sips:[2001:db8::10]:5061;transport=tls"},
    {"!interesting-Method0123456789_*+`.%'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/"
     ";;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n",
     0, SIPCODE_OK, "!interesting-Method0123456789_*+`.%'~",
     "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
     "(doesn't-it)@example.com"},
    {"REGISTER tel:+1-972-555-2222 SIP/2.0\r\n", 0, SIPCODE_OK, "REGISTER", "tel:+1-972-555-2222"},
    {"INVITE sip:a@b SIP/7.0\r\n", 0, SIPCODE_EVERSION, "INVITE", "sip:a@b"},
    {"INVITE <sip:a@b> SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip:a@b; lr SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE  sip:a@b SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE  sip:a@b  SIP/2.0 \r\n", SIPCODE_LENIENT_EXTRA_SPACES, SIPCODE_OK, "INVITE",
     "sip:a@b"},
    {"INVITE sip:a@b SIP/2.0 \r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE bob SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip: SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE 1sip:a SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INV\"ITE sip:a@b SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip:a@b\x7f SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip:\xc3\xa9@b SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {" INVITE sip:a@b SIP/2.0\r\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip:a@b SIP/2.0\n", SIPCODE_LENIENT_BARE_LF, SIPCODE_OK, "INVITE", "sip:a@b"},
    {"INVITE sip:a@b SIP/2.0\n", 0, SIPCODE_EMALFORMED, NULL, NULL},
    {"INVITE sip:a@b sip/2.0\r\n", SIPCODE_LENIENT_VERSION_CASE, SIPCODE_OK, "INVITE", "sip:a@b"},
    {"INVITE sip:a@b SIP/2.0", 0, SIPCODE_EINCOMPLETE, NULL, NULL},
    {"INVITE", 0, SIPCODE_EINCOMPLETE, NULL, NULL},
};

static int slice_is(struct sipcode_slice s, const char *text)
{
    return s.len == strlen(text) && memcmp(s.ptr, text, s.len) == 0;
}

static void request_line_table(void)
{
    size_t i, k;
    for (i = 0; i < sizeof request_cases / sizeof *request_cases; i++) {
        struct sipcode_request_line rl;
        struct sipcode_diag diag = {0, NULL};
        size_t used = 0, n = strlen(request_cases[i].line);
        enum sipcode_err err = sipcode_parse_request_line(request_cases[i].line, n,
                                                          request_cases[i].flags, &rl, &used, &diag);
        if (err != request_cases[i].err) {
            TEST_FAIL_AT("case %zu %s: expected %s, got %s (%s)", i, request_cases[i].line,
                         sipcode_errname(request_cases[i].err), sipcode_errname(err),
                         diag.reason ? diag.reason : "-");
            continue;
        }
        if (request_cases[i].method) {
            CHECK(slice_is(rl.method, request_cases[i].method));
            CHECK(slice_is(rl.uri, request_cases[i].uri));
            CHECK_INT(used, n);
        }
        if (err == SIPCODE_OK && !request_cases[i].flags)
            for (k = 0; k < n; k++)
                if (sipcode_parse_request_line(request_cases[i].line, k, 0, &rl, &used, NULL) !=
                    SIPCODE_EINCOMPLETE)
                    TEST_FAIL_AT("case %zu cut at %zu is not incomplete", i, k);
    }
}

/* Strict request lines take a fast path; VERSION_CASE sends the same bytes
 * through the general parser, which must give the same answer: for the
 * table, for a long line with each byte in turn replaced by one a URI may
 * not hold (before, inside and across the 16-byte steps), and for lines
 * about the length limit. */
static void request_fast_path_agrees_with_general_parser(void)
{
    static const char bad[] = {' ', '\t', '\r', '\n', '<', '>', '"', 0x7f, (char)0x80,
                               (char)0xff, 0, ':', 'a'};
    static char line[SIPCODE_MAX_LINE + 64];
    size_t i, k, b, n;
    struct sipcode_request_line x, y;
    size_t ux, uy;
    enum sipcode_err ex, ey;
#define AGREE(text, size)                                                                          \
    do {                                                                                           \
        ux = uy = 0;                                                                               \
        ex = sipcode_parse_request_line((text), (size), 0, &x, &ux, NULL);                          \
        ey = sipcode_parse_request_line((text), (size), SIPCODE_LENIENT_VERSION_CASE, &y, &uy,     \
                                        NULL);                                                     \
        CHECK_INT(ex, ey);                                                                         \
        if (ex == SIPCODE_OK && ey == SIPCODE_OK) {                                                \
            CHECK_INT(ux, uy);                                                                     \
            CHECK(x.method.ptr == y.method.ptr && x.method.len == y.method.len);                   \
            CHECK(x.uri.ptr == y.uri.ptr && x.uri.len == y.uri.len);                               \
        }                                                                                          \
    } while (0)
    for (i = 0; i < sizeof request_cases / sizeof *request_cases; i++)
        if (!request_cases[i].flags)
            AGREE(request_cases[i].line, strlen(request_cases[i].line));
    n = (size_t)snprintf(line, sizeof line, "%s",
                         "INVITE sip:alice.with.a.long.name@pc33.atlanta.example.com:5060;"
                         "transport=udp;lr SIP/2.0\r\n");
    for (k = 0; k < n; k++)
        for (b = 0; b < sizeof bad; b++) {
            char keep = line[k];
            line[k] = bad[b];
            AGREE(line, n);
            AGREE(line, k + 1);
            line[k] = keep;
        }
    /* lines of SIPCODE_MAX_LINE - 2 .. + 2 bytes */
    for (n = SIPCODE_MAX_LINE - 2; n <= SIPCODE_MAX_LINE + 2; n++) {
        memcpy(line, "INVITE sip:", 11);
        memset(line + 11, 'a', n - 11 - 10);
        memcpy(line + n - 10, " SIP/2.0\r\n", 10);
        AGREE(line, n);
        ex = sipcode_parse_request_line(line, n, 0, &x, &ux, NULL);
        CHECK_INT(ex, n <= SIPCODE_MAX_LINE ? SIPCODE_OK : SIPCODE_ELIMIT);
    }
#undef AGREE
}

static void request_line_format_round_trip(void)
{
    char buf[128];
    size_t needed, used, cap;
    struct sipcode_request_line rl;
    CHECK_INT(sipcode_format_request_line(buf, sizeof buf, "INVITE", 6, "sip:bob@example.com", 19,
                                          &needed),
              SIPCODE_OK);
    CHECK_STR(buf, "INVITE sip:bob@example.com SIP/2.0\r\n");
    CHECK_INT(sipcode_parse_request_line(buf, needed, 0, &rl, &used, NULL), SIPCODE_OK);
    CHECK(slice_is(rl.method, "INVITE") && slice_is(rl.uri, "sip:bob@example.com"));
    CHECK_INT(sipcode_format_request_line(buf, sizeof buf, "IN VITE", 7, "sip:a", 5, &needed),
              SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_format_request_line(buf, sizeof buf, "INVITE", 6, "sip:a b", 7, &needed),
              SIPCODE_EMALFORMED);
    CHECK_INT(sipcode_format_request_line(buf, sizeof buf, "INVITE", 6, "", 0, &needed),
              SIPCODE_EMALFORMED);
    for (cap = 0; cap < 27; cap++)
        CHECK_INT(sipcode_format_request_line(buf, cap, "BYE", 3, "sip:a@b.c", 9, &needed),
                  cap < 23 ? SIPCODE_ENOSPACE : SIPCODE_OK);
}

static const struct test_case lines_tests[] = {
    {"status_line_table", status_line_table},
    {"status_line_version_is_reported", status_line_version_is_reported},
    {"fast_path_agrees_with_general_parser", fast_path_agrees_with_general_parser},
    {"request_fast_path_agrees_with_general_parser", request_fast_path_agrees_with_general_parser},
    {"every_prefix_is_incomplete", every_prefix_is_incomplete},
    {"too_long_line_is_a_limit", too_long_line_is_a_limit},
    {"status_line_format_round_trip", status_line_format_round_trip},
    {"request_line_table", request_line_table},
    {"request_line_format_round_trip", request_line_format_round_trip},
    {NULL, NULL},
};
TEST_SUITE(lines_tests)
