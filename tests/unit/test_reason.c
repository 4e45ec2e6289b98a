/* The Reason header field: RFC 3326, RFC 6432 and RFC 8606 examples, edge
 * cases, the formatter, unquoting and round trips. */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

/* A string literal with its length, so vectors may hold NUL bytes. */
#define S(lit) lit, sizeof(lit) - 1

static int slice_is(struct sipcode_slice s, const char *expected)
{
    if (!expected)
        return s.ptr == NULL && s.len == 0;
    return s.ptr && s.len == strlen(expected) && memcmp(s.ptr, expected, s.len) == 0;
}

/* An exact-size heap copy, so ASan reports any read past the input. */
static char *dup_exact(const char *p, size_t n)
{
    char *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* ---- valid values ---------------------------------------------------------- */

static const struct {
    const char *in;
    size_t len;
    const char *protocol;
    enum sipcode_reason_protocol id;
    long cause;
    const char *text; /* NULL: no text parameter */
    const char *location;
    const char *params;
} good[] = {
    /* RFC 3326 section 3 and its header-field examples */
    {S("SIP ;cause=200 ;text=\"Call completed elsewhere\""), "SIP", SIPCODE_REASON_SIP, 200,
     "Call completed elsewhere", NULL, ";cause=200 ;text=\"Call completed elsewhere\""},
    {S("Q.850 ;cause=16 ;text=\"Terminated\""), "Q.850", SIPCODE_REASON_Q850, 16, "Terminated",
     NULL, ";cause=16 ;text=\"Terminated\""},
    {S("SIP ;cause=600 ;text=\"Busy Everywhere\""), "SIP", SIPCODE_REASON_SIP, 600,
     "Busy Everywhere", NULL, ";cause=600 ;text=\"Busy Everywhere\""},
    {S("SIP ;cause=580 ;text=\"Precondition Failure\""), "SIP", SIPCODE_REASON_SIP, 580,
     "Precondition Failure", NULL, ";cause=580 ;text=\"Precondition Failure\""},
    {S("SIP;cause=200;text=\"Call completed elsewhere\""), "SIP", SIPCODE_REASON_SIP, 200,
     "Call completed elsewhere", NULL, ";cause=200;text=\"Call completed elsewhere\""},
    /* RFC 4411 section 5 */
    {S("preemption ;cause=1 ;text=\"UA Preemption\""), "preemption", SIPCODE_REASON_PREEMPTION, 1,
     "UA Preemption", NULL, ";cause=1 ;text=\"UA Preemption\""},
    /* RFC 6432: Q.850 causes in responses */
    {S("Q.850;cause=17;text=\"User busy\""), "Q.850", SIPCODE_REASON_Q850, 17, "User busy", NULL,
     ";cause=17;text=\"User busy\""},
    {S("Q.850 ;cause=1 ;text=\"Unallocated (unassigned) number\""), "Q.850", SIPCODE_REASON_Q850, 1,
     "Unallocated (unassigned) number", NULL, ";cause=1 ;text=\"Unallocated (unassigned) number\""},
    /* RFC 8606: where in the PSTN the call was released */
    {S("Q.850;cause=1;text=\"Unallocated (unassigned) number\";location=LN"), "Q.850",
     SIPCODE_REASON_Q850, 1, "Unallocated (unassigned) number", "LN",
     ";cause=1;text=\"Unallocated (unassigned) number\";location=LN"},
    {S("Q.850;location=BI;cause=31"), "Q.850", SIPCODE_REASON_Q850, 31, NULL, "BI",
     ";location=BI;cause=31"},
    {S("Q.850 ; cause = 18 ; location = U"), "Q.850", SIPCODE_REASON_Q850, 18, NULL, "U",
     "; cause = 18 ; location = U"},
    /* a text longer than 16 bytes: escapes, HTAB and UTF-8 past its fast scan */
    {S("SIP;cause=200;text=\"0123456789abcdef \\\"q\\\" and\ttab, 0123456789abcdef caf\xc3\xa9\""),
     "SIP", SIPCODE_REASON_SIP, 200,
     "0123456789abcdef \\\"q\\\" and\ttab, 0123456789abcdef caf\xc3\xa9", NULL,
     ";cause=200;text=\"0123456789abcdef \\\"q\\\" and\ttab, 0123456789abcdef caf\xc3\xa9\""},
    /* 3GPP TS 24.229 protocols, any case */
    {S("RELEASE_CAUSE;cause=1;text=\"User ends call\""), "RELEASE_CAUSE",
     SIPCODE_REASON_RELEASE_CAUSE, 1, "User ends call", NULL, ";cause=1;text=\"User ends call\""},
    {S("failure_cause;cause=3"), "failure_cause", SIPCODE_REASON_FAILURE_CAUSE, 3, NULL, NULL,
     ";cause=3"},
    {S("5gmm;cause=9"), "5gmm", SIPCODE_REASON_5GMM, 9, NULL, NULL, ";cause=9"},
    {S("NGAP-PROT;cause=1"), "NGAP-PROT", SIPCODE_REASON_NGAP_PROT, 1, NULL, NULL, ";cause=1"},
    {S("STIR;cause=438;text=\"Invalid Identity Header\""), "STIR", SIPCODE_REASON_STIR, 438,
     "Invalid Identity Header", NULL, ";cause=438;text=\"Invalid Identity Header\""},
    {S("sip;CAUSE=200;TEXT=\"x\""), "sip", SIPCODE_REASON_SIP, 200, "x", NULL,
     ";CAUSE=200;TEXT=\"x\""},
    /* unknown protocols keep their token */
    {S("X-Vendor.Proto;cause=7"), "X-Vendor.Proto", SIPCODE_REASON_UNKNOWN, 7, NULL, NULL,
     ";cause=7"},
    {S("Q.8500;cause=7"), "Q.8500", SIPCODE_REASON_UNKNOWN, 7, NULL, NULL, ";cause=7"},
    /* cause may be absent: the ABNF makes every parameter optional */
    {S("SIP"), "SIP", SIPCODE_REASON_SIP, -1, NULL, NULL, NULL},
    {S("SIP;text=\"no cause\""), "SIP", SIPCODE_REASON_SIP, -1, "no cause", NULL,
     ";text=\"no cause\""},
    /* numbers: leading zeros, the edges of the range */
    {S("Q.850;cause=0016"), "Q.850", SIPCODE_REASON_Q850, 16, NULL, NULL, ";cause=0016"},
    {S("Q.850;cause=0"), "Q.850", SIPCODE_REASON_Q850, 0, NULL, NULL, ";cause=0"},
    {S("X;cause=65535"), "X", SIPCODE_REASON_UNKNOWN, 65535, NULL, NULL, ";cause=65535"},
    {S("X;cause=0000000000000000000000065535"), "X", SIPCODE_REASON_UNKNOWN, 65535, NULL, NULL,
     ";cause=0000000000000000000000065535"},
    /* generic-params: bare, token, host, IPv6 reference, quoted */
    {S("SIP;cause=200;foo;bar=baz;q=\"x, y; z\";h=[2001:db8::1];ip=192.0.2.1"), "SIP",
     SIPCODE_REASON_SIP, 200, NULL, NULL,
     ";cause=200;foo;bar=baz;q=\"x, y; z\";h=[2001:db8::1];ip=192.0.2.1"},
    /* LWS: SP, HTAB and one folded line end around ';' and '=' */
    {S("SIP \t; cause\t=\t200 ;\r\n text=\"a\""), "SIP", SIPCODE_REASON_SIP, 200, "a", NULL,
     "; cause\t=\t200 ;\r\n text=\"a\""},
    {S("  \t SIP;cause=200 \t "), "SIP", SIPCODE_REASON_SIP, 200, NULL, NULL, ";cause=200"},
    {S("\r\n SIP;cause=200"), "SIP", SIPCODE_REASON_SIP, 200, NULL, NULL, ";cause=200"},
    /* quoted-strings: escapes, separators, UTF-8, empty, folding, escaped
     * controls (quoted-pair takes any ASCII byte but CR and LF) */
    {S("SIP;cause=200;text=\"say \\\"hi\\\" \\\\ ok\""), "SIP", SIPCODE_REASON_SIP, 200,
     "say \\\"hi\\\" \\\\ ok", NULL, ";cause=200;text=\"say \\\"hi\\\" \\\\ ok\""},
    {S("Q.850;cause=16;text=\"Gespr\xc3\xa4"
       "ch beendet \xe2\x98\x8e \xf0\x9f\x93\x9e\""),
     "Q.850", SIPCODE_REASON_Q850, 16,
     "Gespr\xc3\xa4"
     "ch beendet \xe2\x98\x8e \xf0\x9f\x93\x9e",
     NULL,
     ";cause=16;text=\"Gespr\xc3\xa4"
     "ch beendet \xe2\x98\x8e \xf0\x9f\x93\x9e\""},
    {S("SIP;cause=200;text=\"\""), "SIP", SIPCODE_REASON_SIP, 200, "", NULL,
     ";cause=200;text=\"\""},
    {S("SIP;cause=200;text=\"a\tb\r\n c\r\n\t\r\n d\""), "SIP", SIPCODE_REASON_SIP, 200,
     "a\tb\r\n c\r\n\t\r\n d", NULL, ";cause=200;text=\"a\tb\r\n c\r\n\t\r\n d\""},
    {S("SIP;cause=200;text=\"BEL:\\\a NUL:\\\0 DEL:\\\x7f\""), "SIP", SIPCODE_REASON_SIP, 200,
     NULL /* checked below: holds NUL */, NULL, NULL},
};

static void reason_rfc_examples_and_valid_values(void)
{
    size_t i;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        struct sipcode_reason r[2];
        struct sipcode_diag diag = {0, NULL};
        size_t count = 99;
        char *in = dup_exact(good[i].in, good[i].len);
        enum sipcode_err err = sipcode_parse_reason(in, good[i].len, r, 2, &count, &diag);
        if (err != SIPCODE_OK) {
            TEST_FAIL_AT("case %zu \"%s\": %s at %zu (%s)", i, good[i].in, sipcode_errname(err),
                         diag.offset, diag.reason ? diag.reason : "");
            free(in);
            continue;
        }
        CHECK_INT(count, 1);
        if (!slice_is(r[0].protocol, good[i].protocol))
            TEST_FAIL_AT("case %zu: protocol \"%.*s\"", i, (int)r[0].protocol.len,
                         r[0].protocol.ptr);
        CHECK_INT(r[0].id, good[i].id);
        CHECK_INT(r[0].cause, good[i].cause);
        if (good[i].text || r[0].has_text != 1 || good[i].params) {
            CHECK_INT(r[0].has_text, good[i].text != NULL);
            if (!slice_is(r[0].text, good[i].text))
                TEST_FAIL_AT("case %zu: text \"%.*s\"", i, (int)r[0].text.len, r[0].text.ptr);
            if (!slice_is(r[0].params, good[i].params))
                TEST_FAIL_AT("case %zu: params \"%.*s\"", i, (int)r[0].params.len, r[0].params.ptr);
        } else {
            /* the escaped-controls case: compare with its NUL byte */
            static const char want[] = "BEL:\\\a NUL:\\\0 DEL:\\\x7f";
            CHECK(r[0].text.len == sizeof want - 1 &&
                  memcmp(r[0].text.ptr, want, sizeof want - 1) == 0);
        }
        if (!slice_is(r[0].location, good[i].location))
            TEST_FAIL_AT("case %zu: location \"%.*s\"", i, (int)r[0].location.len,
                         r[0].location.ptr);
        free(in);
    }
}

static void reason_protocol_registry(void)
{
    static const char *const names[] = {
        "SIP",           "Q.850",         "Preemption", "EMM",       "ESM",      "S1AP-RNL",
        "S1AP-TL",       "S1AP-NAS",      "S1AP-MISC",  "S1AP-PROT", "DIAMETER", "IKEV2",
        "RELEASE_CAUSE", "FAILURE_CAUSE", "STIR",       "5GMM",      "5GSM",     "NGAP-RNL",
        "NGAP-TL",       "NGAP-NAS",      "NGAP-MISC",  "NGAP-PROT",
    };
    size_t i;
    /* the IANA "Reason Protocols" registry has 22 entries, in this order */
    CHECK_INT(sizeof names / sizeof *names, 22);
    CHECK_INT(SIPCODE_REASON_NGAP_PROT, 22);
    for (i = 0; i < sizeof names / sizeof *names; i++) {
        char value[64], lower[64];
        struct sipcode_reason r;
        size_t count, j, n;
        CHECK_STR(sipcode_reason_protocol_name((enum sipcode_reason_protocol)(i + 1)), names[i]);
        n = (size_t)snprintf(value, sizeof value, "%s;cause=1", names[i]);
        CHECK_INT(sipcode_parse_reason(value, n, &r, 1, &count, NULL), SIPCODE_OK);
        CHECK_INT(r.id, (int)(i + 1));
        for (j = 0; j <= n; j++)
            lower[j] = (char)(value[j] >= 'A' && value[j] <= 'Z' ? value[j] + 32 : value[j]);
        CHECK_INT(sipcode_parse_reason(lower, n, &r, 1, &count, NULL), SIPCODE_OK);
        CHECK_INT(r.id, (int)(i + 1));
    }
    CHECK_NULL(sipcode_reason_protocol_name(SIPCODE_REASON_UNKNOWN));
    CHECK_NULL(sipcode_reason_protocol_name((enum sipcode_reason_protocol)23));
    CHECK_NULL(sipcode_reason_protocol_name((enum sipcode_reason_protocol) - 1));
    CHECK_NULL(sipcode_reason_protocol_name((enum sipcode_reason_protocol)100000));
}

/* ---- malformed values --------------------------------------------------------- */

static const struct {
    const char *in;
    size_t len;
    enum sipcode_err err;
    size_t offset;
} bad[] = {
    {S(""), SIPCODE_EMALFORMED, 0},
    {S("   \t "), SIPCODE_EMALFORMED, 5},
    {S(";cause=200"), SIPCODE_EMALFORMED, 0},
    {S("\"SIP\";cause=200"), SIPCODE_EMALFORMED, 0},
    {S("S@P;cause=1"), SIPCODE_EMALFORMED, 1},
    /* cause: letters, signs, empty, no value, quoted, too large */
    {S("SIP;cause=2a0"), SIPCODE_EMALFORMED, 11},
    {S("SIP;cause=+200"), SIPCODE_EMALFORMED, 10},
    {S("SIP;cause=-1"), SIPCODE_EMALFORMED, 10},
    {S("SIP;cause=2.5"), SIPCODE_EMALFORMED, 11},
    {S("SIP;cause="), SIPCODE_EMALFORMED, 10},
    {S("SIP;cause"), SIPCODE_EMALFORMED, 9},
    {S("SIP;cause=\"200\""), SIPCODE_EMALFORMED, 10},
    {S("SIP;cause=[::1]"), SIPCODE_EMALFORMED, 10},
    {S("SIP;cause=65536"), SIPCODE_ERANGE, 10},
    {S("SIP;cause=4294967497"), SIPCODE_ERANGE, 10},
    {S("SIP;cause=99999999999999999999999999999999999999"), SIPCODE_ERANGE, 10},
    /* repeats of the parameters the struct reports */
    {S("SIP;cause=200;cause=200"), SIPCODE_EMALFORMED, 14},
    {S("SIP;text=\"a\";cause=1;TEXT=\"b\""), SIPCODE_EMALFORMED, 21},
    {S("Q.850;cause=1;location=LN;location=U"), SIPCODE_EMALFORMED, 26},
    /* text must be a well-formed quoted-string */
    {S("SIP;cause=200;text=Terminated"), SIPCODE_EMALFORMED, 19},
    {S("SIP;cause=200;text"), SIPCODE_EMALFORMED, 18},
    {S("SIP;cause=200;text=\"unterminated"), SIPCODE_EMALFORMED, 32},
    {S("SIP;cause=200;text=\"ends in an escape\\\""), SIPCODE_EMALFORMED, 39},
    {S("SIP;cause=200;text=\"a\\\r\n b\""), SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"a\\\xc3\xa4\""), SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"bad \xff\""), SIPCODE_EMALFORMED, 24},
    {S("SIP;cause=200;text=\"overlong \xc0\xaf\""), SIPCODE_EMALFORMED, 29},
    {S("SIP;cause=200;text=\"surrogate \xed\xa0\x80\""), SIPCODE_EMALFORMED, 30},
    {S("SIP;cause=200;text=\"cut \xe2\x82\""), SIPCODE_EMALFORMED, 24},
    {S("SIP;cause=200;text=\"cut at the end \xe2\x82"), SIPCODE_EMALFORMED, 35},
    {S("SIP;cause=200;text=\"a\r\nb\""), SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"a\nb\""), SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"a\rb\""), SIPCODE_EMALFORMED, 21},
    /* the same faults past the first 16 bytes of the text (its fast scan) */
    {S("SIP;cause=200;text=\"0123456789abcdefghij\x7f\""), SIPCODE_EMALFORMED, 40},
    {S("SIP;cause=200;text=\"0123456789abcdefghij\xff\""), SIPCODE_EMALFORMED, 40},
    {S("SIP;cause=200;text=\"0123456789abcdefghij\\\r\""), SIPCODE_EMALFORMED, 40},
    {S("SIP;cause=200;text=\"0123456789abcdefghij\nb\""), SIPCODE_EMALFORMED, 40},
    {S("SIP;cause=200;text=\"0123456789abcdefghijklmnopqrstuvwxyz"), SIPCODE_EMALFORMED, 56},
    /* NUL and DEL in every field */
    {S("S\0IP;cause=200"), SIPCODE_EMALFORMED, 1},
    {S("\0SIP;cause=200"), SIPCODE_EMALFORMED, 0},
    {S("SIP\x7f;cause=200"), SIPCODE_EMALFORMED, 3},
    {S("SIP;ca\0use=200"), SIPCODE_EMALFORMED, 6},
    {S("SIP;cause=2\0"
       "00"),
     SIPCODE_EMALFORMED, 11},
    {S("SIP;cause=20\x7f"), SIPCODE_EMALFORMED, 12},
    {S("SIP;cause=200;text=\"a\0b\""), SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"a\x7f"
       "b\""),
     SIPCODE_EMALFORMED, 21},
    {S("SIP;cause=200;text=\"a\x01"
       "b\""),
     SIPCODE_EMALFORMED, 21},
    {S("Q.850;cause=1;location=L\0N"), SIPCODE_EMALFORMED, 24},
    {S("SIP;cause=200\0"), SIPCODE_EMALFORMED, 13},
    {S("SIP;cause=200 \x7f"), SIPCODE_EMALFORMED, 14},
    /* location (RFC 8606) is a token */
    {S("Q.850;cause=1;location=\"LN\""), SIPCODE_EMALFORMED, 23},
    {S("Q.850;cause=1;location"), SIPCODE_EMALFORMED, 22},
    {S("Q.850;cause=1;location="), SIPCODE_EMALFORMED, 23},
    {S("Q.850;cause=1;location=[::1]"), SIPCODE_EMALFORMED, 23},
    /* parameter and list structure */
    {S("SIP;cause=200;"), SIPCODE_EMALFORMED, 14},
    {S("SIP;;cause=200"), SIPCODE_EMALFORMED, 4},
    {S("SIP;=200"), SIPCODE_EMALFORMED, 4},
    {S("SIP;cause=200 Q.850"), SIPCODE_EMALFORMED, 14},
    {S("SIP cause=200"), SIPCODE_EMALFORMED, 4},
    {S("SIP;cause=200,"), SIPCODE_EMALFORMED, 14},
    {S("SIP;cause=200, "), SIPCODE_EMALFORMED, 15},
    {S(",SIP;cause=200"), SIPCODE_EMALFORMED, 0},
    {S("SIP;cause=200,,Q.850;cause=16"), SIPCODE_EMALFORMED, 14},
    {S("SIP;foo=bar baz"), SIPCODE_EMALFORMED, 12},
    {S("SIP;foo=\"x\"y"), SIPCODE_EMALFORMED, 11},
    {S("SIP;foo=[2001:db8:::1]"), SIPCODE_EMALFORMED, 8},
    {S("SIP;foo=[2001:db8::1"), SIPCODE_EMALFORMED, 8},
    {S("SIP;foo=@"), SIPCODE_EMALFORMED, 8},
    /* line ends that are not folds */
    {S("SIP;cause=200\r\n"), SIPCODE_EMALFORMED, 13},
    {S("SIP;cause=200\n"), SIPCODE_EMALFORMED, 13},
    {S("SIP;\r\ncause=200"), SIPCODE_EMALFORMED, 4},
    {S("SIP;\r\n \r\n cause=200"), SIPCODE_EMALFORMED, 7},
    {S("SIP;cause=200\r"), SIPCODE_EMALFORMED, 13},
};

static void reason_malformed_values(void)
{
    size_t i;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct sipcode_reason r[2];
        struct sipcode_diag diag = {12345, NULL};
        size_t count = 99;
        char *in = dup_exact(bad[i].in, bad[i].len);
        enum sipcode_err err;
        memset(r, 0x5a, sizeof r);
        err = sipcode_parse_reason(in, bad[i].len, r, 2, &count, &diag);
        if (err != bad[i].err)
            TEST_FAIL_AT("case %zu: expected %s, got %s (%s)", i, sipcode_errname(bad[i].err),
                         sipcode_errname(err), diag.reason ? diag.reason : "");
        else if (diag.offset != bad[i].offset)
            TEST_FAIL_AT("case %zu: offset %zu, expected %zu (%s)", i, diag.offset, bad[i].offset,
                         diag.reason);
        CHECK(diag.reason != NULL && diag.reason[0] != '\0');
        CHECK_INT(count, 99); /* untouched on error */
        CHECK_INT(((unsigned char *)r)[0], 0x5a);
        free(in);
    }
}

static void reason_bad_arguments(void)
{
    struct sipcode_reason r;
    size_t count = 7;
    struct sipcode_diag diag = {0, NULL};
    CHECK_INT(sipcode_parse_reason(NULL, 3, &r, 1, &count, &diag), SIPCODE_EINVAL);
    CHECK(diag.reason != NULL);
    CHECK_INT(sipcode_parse_reason("SIP", 3, &r, 1, NULL, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_reason("SIP", 3, NULL, 1, &count, NULL), SIPCODE_EINVAL);
    CHECK_INT(count, 7);
    /* only a NULL diag: no crash */
    CHECK_INT(sipcode_parse_reason("", 0, &r, 1, &count, NULL), SIPCODE_EMALFORMED);
}

/* ---- lists and the caller's array -------------------------------------------------- */

static void reason_lists_and_elimit(void)
{
    static const char list[] =
        "SIP;cause=487;text=\"Request Terminated\", Q.850;cause=16,\r\n RELEASE_CAUSE;cause=2 ,"
        "X;cause=1\t,\tY";
    struct sipcode_reason r[6];
    size_t count = 0, i;
    struct sipcode_diag diag;

    CHECK_INT(sipcode_parse_reason(list, sizeof list - 1, r, 6, &count, &diag), SIPCODE_OK);
    CHECK_INT(count, 5);
    CHECK_INT(r[0].cause, 487);
    CHECK(slice_is(r[0].text, "Request Terminated"));
    CHECK_INT(r[1].id, SIPCODE_REASON_Q850);
    CHECK_INT(r[1].cause, 16);
    CHECK(slice_is(r[1].params, ";cause=16"));
    CHECK_INT(r[2].id, SIPCODE_REASON_RELEASE_CAUSE);
    CHECK(slice_is(r[2].params, ";cause=2"));
    CHECK(slice_is(r[3].protocol, "X"));
    CHECK(slice_is(r[4].protocol, "Y"));
    CHECK_INT(r[4].cause, -1);

    /* a small array: ELIMIT, the true count, the first cap filled, no more */
    for (i = 0; i <= 5; i++) {
        size_t j;
        memset(r, 0x5a, sizeof r);
        count = 0;
        CHECK_INT(sipcode_parse_reason(list, sizeof list - 1, i ? r : NULL, i, &count, &diag),
                  i < 5 ? SIPCODE_ELIMIT : SIPCODE_OK);
        CHECK_INT(count, 5);
        if (i > 0)
            CHECK_INT(r[0].cause, 487);
        for (j = i; j < 6; j++)
            CHECK_INT(((unsigned char *)&r[j])[0], 0x5a);
    }

    /* an error after the cap still wins, and nothing is written */
    {
        static const char late[] = "SIP;cause=1, SIP;cause=2, SIP;cause=x";
        memset(r, 0x5a, sizeof r);
        count = 42;
        CHECK_INT(sipcode_parse_reason(late, sizeof late - 1, r, 1, &count, &diag),
                  SIPCODE_EMALFORMED);
        CHECK_INT(count, 42);
        CHECK_INT(((unsigned char *)&r[0])[0], 0x5a);
        CHECK_INT(diag.offset, sizeof late - 2);
    }
}

/* Lists of 1 to 16 values into arrays of every size up to 17: each value
 * lands in its place, the count is the list's, and nothing past the cap
 * is written; the same with an error in the last value, which writes
 * nothing at all. Short lists and long ones take different ways through
 * the list walker (kept from the validating walk, or walked again). */
static void reason_list_every_length(void)
{
    char buf[512];
    struct sipcode_reason r[18];
    size_t n, cap;
    for (n = 1; n <= 16; n++) {
        size_t len = 0, i;
        for (i = 0; i < n; i++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%sQ.850;cause=%u;text=\"t%u\"",
                                    i ? ", " : "", (unsigned)(i + 1), (unsigned)i);
        for (cap = 0; cap <= 17; cap++) {
            size_t count = 0, j;
            memset(r, 0x5a, sizeof r);
            CHECK_INT(sipcode_parse_reason(buf, len, cap ? r : NULL, cap, &count, NULL),
                      cap < n ? SIPCODE_ELIMIT : SIPCODE_OK);
            CHECK_INT(count, n);
            for (j = 0; j < cap && j < n; j++) {
                CHECK_INT(r[j].cause, (long)(j + 1));
                CHECK_INT(r[j].id, SIPCODE_REASON_Q850);
                CHECK_INT(r[j].text.len, j < 10 ? 2 : 3);
            }
            for (; j < 18; j++)
                CHECK_INT(((unsigned char *)&r[j])[0], 0x5a);
        }
        /* an error in the last value: nothing written, count untouched */
        buf[len - 1] = 'x'; /* the closing quote of the last text */
        {
            size_t count = 77;
            memset(r, 0x5a, sizeof r);
            CHECK_INT(sipcode_parse_reason(buf, len, r, 17, &count, NULL), SIPCODE_EMALFORMED);
            CHECK_INT(count, 77);
            CHECK_INT(((unsigned char *)&r[0])[0], 0x5a);
        }
    }
}

static void reason_maximum_lengths(void)
{
    size_t n = 100000, count = 0, i;
    char *buf = malloc(n + 64);
    struct sipcode_reason r;
    /* a 100 kB protocol token */
    memset(buf, 'P', n);
    memcpy(buf + n, ";cause=65535", 12);
    CHECK_INT(sipcode_parse_reason(buf, n + 12, &r, 1, &count, NULL), SIPCODE_OK);
    CHECK_INT(r.protocol.len, n);
    CHECK_INT(r.cause, 65535);
    /* a 100 kB text of escapes */
    memcpy(buf, "SIP;text=\"", 10);
    for (i = 10; i < n; i += 2) {
        buf[i] = '\\';
        buf[i + 1] = '"';
    }
    buf[n] = '"';
    CHECK_INT(sipcode_parse_reason(buf, n + 1, &r, 1, &count, NULL), SIPCODE_OK);
    CHECK_INT(r.text.len, n - 10);
    CHECK_INT(r.cause, -1);
    /* 20000 values */
    for (i = 0; i + 5 <= n; i += 5)
        memcpy(buf + i, "SIP, ", 5);
    CHECK_INT(sipcode_parse_reason(buf, n - 2, &r, 1, &count, NULL), SIPCODE_ELIMIT);
    CHECK_INT(count, n / 5);
    free(buf);
}

/* Every prefix of every good vector, each in an exact-size heap block: no
 * read past the end, and a result that is an answer, never a crash. */
static void reason_every_prefix(void)
{
    size_t i, k;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        for (k = 0; k <= good[i].len; k++) {
            struct sipcode_reason r[2];
            size_t count = 0;
            char *in = dup_exact(good[i].in, k);
            enum sipcode_err err = sipcode_parse_reason(in, k, r, 2, &count, NULL);
            CHECK(err == SIPCODE_OK || err == SIPCODE_EMALFORMED || err == SIPCODE_ERANGE);
            if (err == SIPCODE_OK) {
                CHECK_INT(count, 1);
                CHECK(r[0].protocol.ptr >= in && r[0].protocol.ptr + r[0].protocol.len <= in + k);
                CHECK(!r[0].params.ptr ||
                      (r[0].params.ptr >= in && r[0].params.ptr + r[0].params.len <= in + k));
            }
            free(in);
        }
    }
}

/* ---- formatting ------------------------------------------------------------------- */

static void reason_format_examples(void)
{
    char buf[128];
    size_t needed = 0;
    CHECK_INT(sipcode_format_reason(buf, sizeof buf, S("SIP"), 200, S("Call completed elsewhere"),
                                    &needed),
              SIPCODE_OK);
    CHECK_STR(buf, "SIP;cause=200;text=\"Call completed elsewhere\"");
    CHECK_INT(needed, strlen(buf));
    CHECK_INT(sipcode_format_reason(buf, sizeof buf, S("Q.850"), 16, NULL, 0, &needed), SIPCODE_OK);
    CHECK_STR(buf, "Q.850;cause=16");
    CHECK_INT(sipcode_format_reason(buf, sizeof buf, S("Q.850"), 0, S(""), &needed), SIPCODE_OK);
    CHECK_STR(buf, "Q.850;cause=0;text=\"\"");
    CHECK_INT(
        sipcode_format_reason(buf, sizeof buf, S("X"), 65535, S("say \"hi\" \\ \t ok"), &needed),
        SIPCODE_OK);
    CHECK_STR(buf, "X;cause=65535;text=\"say \\\"hi\\\" \\\\ \t ok\"");
    CHECK_INT(sipcode_format_reason(buf, sizeof buf, S("SIP"), 200, S("caf\xc3\xa9"), NULL),
              SIPCODE_OK);
    CHECK_STR(buf, "SIP;cause=200;text=\"caf\xc3\xa9\"");
}

static void reason_format_refuses(void)
{
    static const struct {
        const char *protocol;
        size_t protocol_len;
        long cause;
        const char *text;
        size_t text_len;
        enum sipcode_err err;
    } cases[] = {
        {S(""), 200, NULL, 0, SIPCODE_EMALFORMED},
        {S("S P"), 200, NULL, 0, SIPCODE_EMALFORMED},
        {S("SIP;"), 200, NULL, 0, SIPCODE_EMALFORMED},
        {S("S\0P"), 200, NULL, 0, SIPCODE_EMALFORMED},
        {S("SIP"), -1, NULL, 0, SIPCODE_EMALFORMED},
        {S("SIP"), -65536, NULL, 0, SIPCODE_EMALFORMED},
        {S("SIP"), 65536, NULL, 0, SIPCODE_ERANGE},
        {S("SIP"), 2147483647L, NULL, 0, SIPCODE_ERANGE},
        {S("SIP"), 200, S("a\r\nb"), SIPCODE_EMALFORMED},
        {S("SIP"), 200, S("a\nb"), SIPCODE_EMALFORMED},
        {S("SIP"), 200, S("a\0b"), SIPCODE_EMALFORMED},
        {S("SIP"), 200, S("a\x7f"), SIPCODE_EMALFORMED},
        {S("SIP"), 200, S("bad \xff"), SIPCODE_EMALFORMED},
        {S("SIP"), 200, S("cut \xe2\x82"), SIPCODE_EMALFORMED},
        {NULL, 3, 200, NULL, 0, SIPCODE_EINVAL},
        {S("SIP"), 200, NULL, 5, SIPCODE_EINVAL},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        size_t needed = 777;
        memset(buf, 'Z', sizeof buf);
        CHECK_INT(sipcode_format_reason(buf, sizeof buf, cases[i].protocol, cases[i].protocol_len,
                                        cases[i].cause, cases[i].text, cases[i].text_len, &needed),
                  cases[i].err);
        CHECK_INT(needed, 777);
        CHECK_INT(buf[0], 'Z');
    }
    CHECK_INT(sipcode_format_reason(NULL, 5, S("SIP"), 1, NULL, 0, NULL), SIPCODE_EINVAL);
}

/* ENOSPACE for every cap below the size, nothing written; at the size, the
 * bytes and no NUL; above it, a NUL. */
static void reason_format_every_cap(void)
{
    char want[128], buf[128];
    size_t needed = 0, cap;
    CHECK_INT(sipcode_format_reason(want, sizeof want, S("Q.850"), 16,
                                    S("Normal \"call\" clearing"), &needed),
              SIPCODE_OK);
    CHECK_INT(needed, strlen(want));
    for (cap = 0; cap <= needed + 1; cap++) {
        size_t got = 0;
        enum sipcode_err err;
        memset(buf, 'Z', sizeof buf);
        err = sipcode_format_reason(cap ? buf : NULL, cap, S("Q.850"), 16,
                                    S("Normal \"call\" clearing"), &got);
        CHECK_INT(got, needed);
        if (cap < needed) {
            size_t j;
            CHECK_INT(err, SIPCODE_ENOSPACE);
            for (j = 0; j < sizeof buf; j++)
                if (buf[j] != 'Z')
                    break;
            CHECK_INT(j, sizeof buf);
        } else {
            CHECK_INT(err, SIPCODE_OK);
            CHECK(memcmp(buf, want, needed) == 0);
            CHECK_INT(buf[needed], cap > needed ? '\0' : 'Z');
        }
    }
}

static void reason_format_parse_round_trip(void)
{
    static const char *const protocols[] = {"SIP", "Q.850", "X-Vendor.1", "preemption", "5GSM"};
    static const long causes[] = {0, 1, 16, 200, 487, 603, 9999, 65535};
    static const struct {
        const char *text;
        size_t len;
    } texts[] = {
        {NULL, 0},           {S("")},          {S("Call completed elsewhere")},
        {S("\"")},           {S("\\")},        {S("\\\"\\\"")},
        {S("a, b; c = d")},  {S("tab\there")}, {S("caf\xc3\xa9 \xe2\x98\x8e \xf0\x9f\x93\x9e")},
        {S("   spaces   ")},
    };
    size_t p, c, t;
    for (p = 0; p < sizeof protocols / sizeof *protocols; p++)
        for (c = 0; c < sizeof causes / sizeof *causes; c++)
            for (t = 0; t < sizeof texts / sizeof *texts; t++) {
                char buf[256], plain[256];
                size_t needed = 0, count = 0, plain_len = 0;
                struct sipcode_reason r;
                CHECK_INT(sipcode_format_reason(buf, sizeof buf, protocols[p], strlen(protocols[p]),
                                                causes[c], texts[t].text, texts[t].len, &needed),
                          SIPCODE_OK);
                if (sipcode_parse_reason(buf, needed, &r, 1, &count, NULL) != SIPCODE_OK) {
                    TEST_FAIL_AT("round trip of \"%s\" does not parse", buf);
                    continue;
                }
                CHECK(slice_is(r.protocol, protocols[p]));
                CHECK_INT(r.cause, causes[c]);
                CHECK_INT(r.has_text, texts[t].text != NULL);
                if (!texts[t].text)
                    continue;
                CHECK_INT(sipcode_unquote(r.text.ptr, r.text.len, plain, sizeof plain, &plain_len),
                          SIPCODE_OK);
                CHECK(plain_len == texts[t].len && memcmp(plain, texts[t].text, plain_len) == 0);
            }
}

/* ---- unquoting ------------------------------------------------------------------- */

static void reason_unquote(void)
{
    static const struct {
        const char *in;
        size_t len;
        enum sipcode_err err;
        const char *out;
    } cases[] = {
        {S(""), SIPCODE_OK, ""},
        {S("plain"), SIPCODE_OK, "plain"},
        {S("say \\\"hi\\\""), SIPCODE_OK, "say \"hi\""},
        {S("back\\\\slash"), SIPCODE_OK, "back\\slash"},
        {S("\\a\\b"), SIPCODE_OK, "ab"},
        {S("fold\r\n here\r\n\tand"), SIPCODE_OK, "fold here\tand"},
        {S("caf\xc3\xa9"), SIPCODE_OK, "caf\xc3\xa9"},
        {S("lone\\"), SIPCODE_EMALFORMED, NULL},
        {S("bare\"quote"), SIPCODE_EMALFORMED, NULL},
        {S("bare\rcr"), SIPCODE_EMALFORMED, NULL},
        {S("bare\nlf"), SIPCODE_EMALFORMED, NULL},
        {S("cr at end\r\n"), SIPCODE_EMALFORMED, NULL},
        {S("escaped \\\r"), SIPCODE_EMALFORMED, NULL},
        {S("escaped \\\xc3\xa9"), SIPCODE_EMALFORMED, NULL},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        size_t needed = 999;
        enum sipcode_err err = sipcode_unquote(cases[i].in, cases[i].len, buf, sizeof buf, &needed);
        if (err != cases[i].err) {
            TEST_FAIL_AT("case %zu: %s", i, sipcode_errname(err));
            continue;
        }
        if (err == SIPCODE_OK) {
            CHECK_STR(buf, cases[i].out);
            CHECK_INT(needed, strlen(cases[i].out));
        } else {
            CHECK_INT(needed, 999);
        }
    }
    {
        /* an escaped NUL comes out as a NUL byte (RFC 4475 3.1.1.2) */
        char buf[8];
        size_t needed = 0;
        CHECK_INT(sipcode_unquote(S("a\\\0b"), buf, sizeof buf, &needed), SIPCODE_OK);
        CHECK(needed == 3 && buf[0] == 'a' && buf[1] == '\0' && buf[2] == 'b');
    }
    {
        /* every cap */
        static const char in[] = "x\\\"y\\\\z";
        size_t cap;
        for (cap = 0; cap <= 7; cap++) {
            char buf[8];
            size_t needed = 0;
            memset(buf, 'Q', sizeof buf);
            CHECK_INT(sipcode_unquote(in, sizeof in - 1, cap ? buf : NULL, cap, &needed),
                      cap < 5 ? SIPCODE_ENOSPACE : SIPCODE_OK);
            CHECK_INT(needed, 5);
            if (cap < 5)
                CHECK_INT(buf[0], 'Q');
            else
                CHECK(memcmp(buf, "x\"y\\z", 5) == 0 && buf[5] == (cap > 5 ? '\0' : 'Q'));
        }
    }
    CHECK_INT(sipcode_unquote(NULL, 1, NULL, 0, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_unquote("a", 1, NULL, 4, NULL), SIPCODE_EINVAL);
}

static const struct test_case reason_tests[] = {
    {"reason_rfc_examples_and_valid_values", reason_rfc_examples_and_valid_values},
    {"reason_protocol_registry", reason_protocol_registry},
    {"reason_malformed_values", reason_malformed_values},
    {"reason_bad_arguments", reason_bad_arguments},
    {"reason_lists_and_elimit", reason_lists_and_elimit},
    {"reason_list_every_length", reason_list_every_length},
    {"reason_maximum_lengths", reason_maximum_lengths},
    {"reason_every_prefix", reason_every_prefix},
    {"reason_format_examples", reason_format_examples},
    {"reason_format_refuses", reason_format_refuses},
    {"reason_format_every_cap", reason_format_every_cap},
    {"reason_format_parse_round_trip", reason_format_parse_round_trip},
    {"reason_unquote", reason_unquote},
    {NULL, NULL},
};
TEST_SUITE(reason_tests)
