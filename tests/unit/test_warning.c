/* The Warning header field (RFC 3261 20.43, 25.1): examples, edge cases,
 * the formatter and round trips; and the warn-code table against
 * data/warn_codes.txt and against the RFCs and the IANA registry. */
#include <limits.h>
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"
#include "warn_data.h"

#define S(lit) lit, sizeof(lit) - 1

static int slice_is(struct sipcode_slice s, const char *expected)
{
    return s.ptr && s.len == strlen(expected) && memcmp(s.ptr, expected, s.len) == 0;
}

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
    int code;
    const char *agent, *text;
} good[] = {
    /* RFC 3261 section 20.43 */
    {S("307 isi.edu \"Session parameter 'foo' not understood\""), 307, "isi.edu",
     "Session parameter 'foo' not understood"},
    {S("301 isi.edu \"Incompatible network address type 'E.164'\""), 301, "isi.edu",
     "Incompatible network address type 'E.164'"},
    /* agents: hostport in each form, and pseudonyms */
    {S("370 [2001:db8::1]:5060 \"Insufficient bandwidth\""), 370, "[2001:db8::1]:5060",
     "Insufficient bandwidth"},
    {S("399 [::1] \"x\""), 399, "[::1]", "x"},
    {S("399 [2001:db8::192.0.2.1] \"x\""), 399, "[2001:db8::192.0.2.1]", "x"},
    {S("399 [1:2:3:4:5:6:7:8]:1 \"x\""), 399, "[1:2:3:4:5:6:7:8]:1", "x"},
    {S("399 192.0.2.1:5060 \"x\""), 399, "192.0.2.1:5060", "x"},
    {S("399 192.0.2.1 \"x\""), 399, "192.0.2.1", "x"},
    {S("399 proxy.example.com.:65535 \"x\""), 399, "proxy.example.com.:65535", "x"},
    {S("399 pbx-7 \"x\""), 399, "pbx-7", "x"},
    {S("399 gw_alias~1 \"x\""), 399, "gw_alias~1", "x"},
    {S("399 999.1.1.1 \"x\""), 399, "999.1.1.1", "x"}, /* a pseudonym token */
    /* codes: any three digits from 100 */
    {S("100 h \"lowest\""), 100, "h", "lowest"},
    {S("999 h \"highest\""), 999, "h", "highest"},
    {S("380 sips.example.com \"SIPS Not Allowed\""), 380, "sips.example.com", "SIPS Not Allowed"},
    {S("308 example.com \"Incompatible language specification\""), 308, "example.com",
     "Incompatible language specification"},
    /* warn-text: LWS before it (quoted-string starts with SWS), escapes,
     * UTF-8, empty, folds and tabs inside */
    {S("399 h  \t \"two spaces\""), 399, "h", "two spaces"},
    {S("399 h \r\n \"folded\""), 399, "h", "folded"},
    {S("399 h \"say \\\"hi\\\"\""), 399, "h", "say \\\"hi\\\""},
    {S("399 h \"Gespr\xc3\xa4"
       "ch \xe2\x98\x8e\""),
     399, "h",
     "Gespr\xc3\xa4"
     "ch \xe2\x98\x8e"},
    {S("399 h \"\""), 399, "h", ""},
    {S("399 h \"a\tb\r\n c, d; e\""), 399, "h", "a\tb\r\n c, d; e"},
    {S(" \t399 h \"padded\" \t"), 399, "h", "padded"},
};

static void warning_rfc_examples_and_valid_values(void)
{
    size_t i;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        struct sipcode_warning w[2];
        struct sipcode_diag diag = {0, NULL};
        size_t count = 0;
        char *in = dup_exact(good[i].in, good[i].len);
        enum sipcode_err err = sipcode_parse_warning(in, good[i].len, w, 2, &count, &diag);
        if (err != SIPCODE_OK) {
            TEST_FAIL_AT("case %zu \"%s\": %s at %zu (%s)", i, good[i].in, sipcode_errname(err),
                         diag.offset, diag.reason ? diag.reason : "");
            free(in);
            continue;
        }
        CHECK_INT(count, 1);
        CHECK_INT(w[0].code, good[i].code);
        if (!slice_is(w[0].agent, good[i].agent))
            TEST_FAIL_AT("case %zu: agent \"%.*s\"", i, (int)w[0].agent.len, w[0].agent.ptr);
        if (!(w[0].text.len == 0 && good[i].text[0] == '\0') && !slice_is(w[0].text, good[i].text))
            TEST_FAIL_AT("case %zu: text \"%.*s\"", i, (int)w[0].text.len, w[0].text.ptr);
        free(in);
    }
}

/* ---- malformed values ----------------------------------------------------------- */

static const struct {
    const char *in;
    size_t len;
    enum sipcode_err err;
    size_t offset;
} bad[] = {
    {S(""), SIPCODE_EMALFORMED, 0},
    {S("  "), SIPCODE_EMALFORMED, 2},
    /* warn-code: exactly three digits; RFC 4475 scalarlg sends "1812" */
    {S("1812 overture \"In Progress\""), SIPCODE_EMALFORMED, 3},
    {S("30 isi.edu \"x\""), SIPCODE_EMALFORMED, 2},
    {S("3 isi.edu \"x\""), SIPCODE_EMALFORMED, 1},
    {S("30a isi.edu \"x\""), SIPCODE_EMALFORMED, 2},
    {S("+307 isi.edu \"x\""), SIPCODE_EMALFORMED, 0},
    {S("-307 isi.edu \"x\""), SIPCODE_EMALFORMED, 0},
    {S("099 isi.edu \"x\""), SIPCODE_ERANGE, 0},
    {S("000 isi.edu \"x\""), SIPCODE_ERANGE, 0},
    {S("00000000000000000000307 isi.edu \"x\""), SIPCODE_EMALFORMED, 3},
    {S("3\0"
       "07 isi.edu \"x\""),
     SIPCODE_EMALFORMED, 1},
    {S("30\x7f isi.edu \"x\""), SIPCODE_EMALFORMED, 2},
    /* separators: one SP each */
    {S("307"), SIPCODE_EMALFORMED, 3},
    {S("307isi.edu \"x\""), SIPCODE_EMALFORMED, 3},
    {S("307  isi.edu \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307\tisi.edu \"x\""), SIPCODE_EMALFORMED, 3},
    {S("307 isi.edu\"x\""), SIPCODE_EMALFORMED, 11},
    {S("307 isi.edu\t\"x\""), SIPCODE_EMALFORMED, 11},
    {S("307 isi.edu"), SIPCODE_EMALFORMED, 11},
    {S("307 isi.edu "), SIPCODE_EMALFORMED, 12},
    {S("307 \r\n isi.edu \"x\""), SIPCODE_EMALFORMED, 4},
    /* agent */
    {S("307 \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 isi@edu \"x\""), SIPCODE_EMALFORMED, 7},
    {S("307 [2001:db8:::192.0.2.1] \"x\""), SIPCODE_EMALFORMED, 4}, /* RFC 5118 4.10 */
    {S("307 [2001:db8::1 \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [1:2:3:4:5:6:7:8:9] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [1:2:3:4:5:6:7] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [12345::1] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [::1%eth0] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [::256.0.0.1] \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 [::1]x \"x\""), SIPCODE_EMALFORMED, 9},
    {S("307 host:99999 \"x\""), SIPCODE_ERANGE, 4},
    {S("307 host:65536 \"x\""), SIPCODE_ERANGE, 4},
    {S("307 host:999999999999999999999999 \"x\""), SIPCODE_ERANGE, 4},
    {S("307 [::1]:70000 \"x\""), SIPCODE_ERANGE, 4},
    {S("307 host: \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 host:50a60 \"x\""), SIPCODE_EMALFORMED, 11},
    {S("307 host_x:5060 \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 -host:5060 \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 1.2.3:5060 \"x\""), SIPCODE_EMALFORMED, 4},
    {S("307 h\0st \"x\""), SIPCODE_EMALFORMED, 5},
    {S("307 h\x7fst \"x\""), SIPCODE_EMALFORMED, 5},
    /* warn-text */
    {S("307 isi.edu x"), SIPCODE_EMALFORMED, 12},
    {S("307 isi.edu \"unterminated"), SIPCODE_EMALFORMED, 25},
    {S("307 isi.edu \"bad \xff\""), SIPCODE_EMALFORMED, 17},
    {S("307 isi.edu \"a\0b\""), SIPCODE_EMALFORMED, 14},
    {S("307 isi.edu \"a\x7f"
       "b\""),
     SIPCODE_EMALFORMED, 14},
    {S("307 isi.edu \"a\r\nb\""), SIPCODE_EMALFORMED, 14},
    {S("307 isi.edu \"x\"y"), SIPCODE_EMALFORMED, 15},
    {S("307 isi.edu \"x\"\r\n"), SIPCODE_EMALFORMED, 15},
    /* lists */
    {S("307 isi.edu \"x\","), SIPCODE_EMALFORMED, 16},
    {S("307 isi.edu \"x\",,399 h \"y\""), SIPCODE_EMALFORMED, 16},
    {S(",307 isi.edu \"x\""), SIPCODE_EMALFORMED, 0},
    {S("307 isi.edu \"x\" 399 h \"y\""), SIPCODE_EMALFORMED, 16},
};

static void warning_malformed_values(void)
{
    size_t i;
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct sipcode_warning w[2];
        struct sipcode_diag diag = {12345, NULL};
        size_t count = 99;
        char *in = dup_exact(bad[i].in, bad[i].len);
        enum sipcode_err err;
        memset(w, 0x5a, sizeof w);
        err = sipcode_parse_warning(in, bad[i].len, w, 2, &count, &diag);
        if (err != bad[i].err)
            TEST_FAIL_AT("case %zu: expected %s, got %s (%s)", i, sipcode_errname(bad[i].err),
                         sipcode_errname(err), diag.reason ? diag.reason : "");
        else if (diag.offset != bad[i].offset)
            TEST_FAIL_AT("case %zu: offset %zu, expected %zu (%s)", i, diag.offset, bad[i].offset,
                         diag.reason);
        CHECK(diag.reason != NULL && diag.reason[0] != '\0');
        CHECK_INT(count, 99);
        CHECK_INT(((unsigned char *)w)[0], 0x5a);
        free(in);
    }
}

/* RFC 4475 3.1.2.19: the Warning of scalarlg, read from the torture file. */
static void warning_torture_scalarlg(void)
{
    size_t len = 0;
    char *msg = test_read_source_file("../shared/torture/scalarlg.dat", &len);
    const char *p, *end;
    struct sipcode_warning w;
    size_t count = 0;
    struct sipcode_diag diag;
    if (!msg) {
        TEST_FAIL_AT("%s", "cannot read ../shared/torture/scalarlg.dat");
        return;
    }
    p = strstr(msg, "\r\nWarning:");
    CHECK(p != NULL);
    if (p) {
        p += strlen("\r\nWarning:");
        while (*p == ' ')
            p++;
        end = strstr(p, "\r\n");
        CHECK_INT(sipcode_parse_warning(p, (size_t)(end - p), &w, 1, &count, &diag),
                  SIPCODE_EMALFORMED);
        CHECK_INT(diag.offset, 3);
    }
    free(msg);
}

static void warning_bad_arguments(void)
{
    struct sipcode_warning w;
    size_t count = 7;
    CHECK_INT(sipcode_parse_warning(NULL, 1, &w, 1, &count, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_warning("399 h \"x\"", 9, &w, 1, NULL, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_parse_warning("399 h \"x\"", 9, NULL, 2, &count, NULL), SIPCODE_EINVAL);
    CHECK_INT(count, 7);
}

static void warning_lists_and_elimit(void)
{
    static const char list[] = "301 isi.edu \"a\", 307 [2001:db8::1] \"b, c\",\r\n 399 h:1 \"d\"\t,"
                               "370 x \"e\"";
    struct sipcode_warning w[5];
    size_t count = 0, i;
    CHECK_INT(sipcode_parse_warning(list, sizeof list - 1, w, 5, &count, NULL), SIPCODE_OK);
    CHECK_INT(count, 4);
    CHECK_INT(w[0].code, 301);
    CHECK_INT(w[1].code, 307);
    CHECK(slice_is(w[1].text, "b, c"));
    CHECK(slice_is(w[2].agent, "h:1"));
    CHECK_INT(w[3].code, 370);
    for (i = 0; i <= 4; i++) {
        size_t j;
        memset(w, 0x5a, sizeof w);
        count = 0;
        CHECK_INT(sipcode_parse_warning(list, sizeof list - 1, i ? w : NULL, i, &count, NULL),
                  i < 4 ? SIPCODE_ELIMIT : SIPCODE_OK);
        CHECK_INT(count, 4);
        for (j = i; j < 5; j++)
            CHECK_INT(((unsigned char *)&w[j])[0], 0x5a);
    }
}

static void warning_maximum_lengths(void)
{
    size_t n = 100000, count = 0, i;
    char *buf = malloc(n + 16);
    struct sipcode_warning w;
    /* a 100 kB pseudonym and a 100 kB text */
    memcpy(buf, "399 ", 4);
    memset(buf + 4, 'a', n - 4);
    memcpy(buf + n, " \"x\"", 4);
    CHECK_INT(sipcode_parse_warning(buf, n + 4, &w, 1, &count, NULL), SIPCODE_OK);
    CHECK_INT(w.agent.len, n - 4);
    memcpy(buf, "399 h \"", 7);
    memset(buf + 7, 'x', n - 7);
    buf[n] = '"';
    CHECK_INT(sipcode_parse_warning(buf, n + 1, &w, 1, &count, NULL), SIPCODE_OK);
    CHECK_INT(w.text.len, n - 7);
    /* 10000 values */
    for (i = 0; i + 10 <= n; i += 10)
        memcpy(buf + i, "399 h \"\", ", 10);
    CHECK_INT(sipcode_parse_warning(buf, n - 2, &w, 1, &count, NULL), SIPCODE_ELIMIT);
    CHECK_INT(count, n / 10);
    free(buf);
}

static void warning_every_prefix(void)
{
    size_t i, k;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        for (k = 0; k <= good[i].len; k++) {
            struct sipcode_warning w[2];
            size_t count = 0;
            char *in = dup_exact(good[i].in, k);
            enum sipcode_err err = sipcode_parse_warning(in, k, w, 2, &count, NULL);
            CHECK(err == SIPCODE_OK || err == SIPCODE_EMALFORMED || err == SIPCODE_ERANGE);
            if (err == SIPCODE_OK) {
                CHECK(w[0].code >= 100 && w[0].code <= 999);
                CHECK(w[0].agent.ptr >= in && w[0].agent.ptr + w[0].agent.len <= in + k);
                CHECK(w[0].text.ptr >= in && w[0].text.ptr + w[0].text.len <= in + k);
            }
            free(in);
        }
    }
}

/* ---- formatting -------------------------------------------------------------------- */

static void warning_format_examples(void)
{
    char buf[128];
    size_t needed = 0;
    CHECK_INT(sipcode_format_warning(buf, sizeof buf, 307, S("isi.edu"),
                                     S("Session parameter 'foo' not understood"), &needed),
              SIPCODE_OK);
    CHECK_STR(buf, "307 isi.edu \"Session parameter 'foo' not understood\"");
    CHECK_INT(needed, strlen(buf));
    CHECK_INT(sipcode_format_warning(buf, sizeof buf, 370, S("[2001:db8::1]:5060"),
                                     S("say \"no\" \\ now"), &needed),
              SIPCODE_OK);
    CHECK_STR(buf, "370 [2001:db8::1]:5060 \"say \\\"no\\\" \\\\ now\"");
    CHECK_INT(sipcode_format_warning(buf, sizeof buf, 399, S("h"), NULL, 0, &needed), SIPCODE_OK);
    CHECK_STR(buf, "399 h \"\"");
}

static void warning_format_refuses(void)
{
    static const struct {
        int code;
        const char *agent;
        size_t agent_len;
        const char *text;
        size_t text_len;
        enum sipcode_err err;
    } cases[] = {
        {99, S("h"), S("x"), SIPCODE_ERANGE},
        {1000, S("h"), S("x"), SIPCODE_ERANGE},
        {-307, S("h"), S("x"), SIPCODE_ERANGE},
        {INT_MIN, S("h"), S("x"), SIPCODE_ERANGE},
        {399, S(""), S("x"), SIPCODE_EMALFORMED},
        {399, S("a b"), S("x"), SIPCODE_EMALFORMED},
        {399, S("h "), S("x"), SIPCODE_EMALFORMED},
        {399, S("[::1"), S("x"), SIPCODE_EMALFORMED},
        {399, S("[2001:db8:::1]"), S("x"), SIPCODE_EMALFORMED},
        {399, S("host_x:5060"), S("x"), SIPCODE_EMALFORMED},
        {399, S("h:"), S("x"), SIPCODE_EMALFORMED},
        {399, S("h\0"), S("x"), SIPCODE_EMALFORMED},
        {399, S("h:65536"), S("x"), SIPCODE_ERANGE},
        {399, S("h"), S("a\r\nb"), SIPCODE_EMALFORMED},
        {399, S("h"), S("a\0b"), SIPCODE_EMALFORMED},
        {399, S("h"), S("\x7f"), SIPCODE_EMALFORMED},
        {399, S("h"), S("\xc3"), SIPCODE_EMALFORMED},
        {399, NULL, 1, S("x"), SIPCODE_EINVAL},
        {399, S("h"), NULL, 1, SIPCODE_EINVAL},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[64];
        size_t needed = 777;
        memset(buf, 'Z', sizeof buf);
        if (sipcode_format_warning(buf, sizeof buf, cases[i].code, cases[i].agent,
                                   cases[i].agent_len, cases[i].text, cases[i].text_len,
                                   &needed) != cases[i].err)
            TEST_FAIL_AT("case %zu: not %s", i, sipcode_errname(cases[i].err));
        CHECK_INT(needed, 777);
        CHECK_INT(buf[0], 'Z');
    }
    CHECK_INT(sipcode_format_warning(NULL, 1, 399, S("h"), S("x"), NULL), SIPCODE_EINVAL);
}

static void warning_format_every_cap(void)
{
    char want[128], buf[128];
    size_t needed = 0, cap;
    CHECK_INT(sipcode_format_warning(want, sizeof want, 301, S("[::1]:5060"),
                                     S("Incompatible \"E.164\""), &needed),
              SIPCODE_OK);
    CHECK_INT(needed, strlen(want));
    for (cap = 0; cap <= needed + 1; cap++) {
        size_t got = 0;
        enum sipcode_err err;
        memset(buf, 'Z', sizeof buf);
        err = sipcode_format_warning(cap ? buf : NULL, cap, 301, S("[::1]:5060"),
                                     S("Incompatible \"E.164\""), &got);
        CHECK_INT(got, needed);
        if (cap < needed) {
            size_t j;
            CHECK_INT(err, SIPCODE_ENOSPACE);
            for (j = 0; j < sizeof buf && buf[j] == 'Z'; j++)
                ;
            CHECK_INT(j, sizeof buf);
        } else {
            CHECK_INT(err, SIPCODE_OK);
            CHECK(memcmp(buf, want, needed) == 0);
            CHECK_INT(buf[needed], cap > needed ? '\0' : 'Z');
        }
    }
}

static void warning_format_parse_round_trip(void)
{
    static const int codes[] = {100, 300, 307, 380, 399, 999};
    static const char *const agents[] = {"isi.edu",     "192.0.2.1:5060", "[2001:db8::1]",
                                         "[::1]:65535", "pseudo_nym~1",   "a.b.c.:0"};
    static const struct {
        const char *text;
        size_t len;
    } texts[] = {
        {S("")},
        {S("Session parameter 'foo' not understood")},
        {S("\"")},
        {S("\\")},
        {S("a, b; c")},
        {S("tab\t")},
        {S("caf\xc3\xa9 \xf0\x9f\x93\x9e")},
    };
    size_t c, a, t;
    for (c = 0; c < sizeof codes / sizeof *codes; c++)
        for (a = 0; a < sizeof agents / sizeof *agents; a++)
            for (t = 0; t < sizeof texts / sizeof *texts; t++) {
                char buf[256], plain[256];
                size_t needed = 0, count = 0, plain_len = 0;
                struct sipcode_warning w;
                CHECK_INT(sipcode_format_warning(buf, sizeof buf, codes[c], agents[a],
                                                 strlen(agents[a]), texts[t].text, texts[t].len,
                                                 &needed),
                          SIPCODE_OK);
                if (sipcode_parse_warning(buf, needed, &w, 1, &count, NULL) != SIPCODE_OK) {
                    TEST_FAIL_AT("round trip of \"%s\" does not parse", buf);
                    continue;
                }
                CHECK_INT(w.code, codes[c]);
                CHECK(slice_is(w.agent, agents[a]));
                CHECK_INT(sipcode_unquote(w.text.ptr, w.text.len, plain, sizeof plain, &plain_len),
                          SIPCODE_OK);
                CHECK(plain_len == texts[t].len && memcmp(plain, texts[t].text, plain_len) == 0);
            }
}

/* ---- the warn-code table ------------------------------------------------------------ */

struct warn_stanza {
    int code;
    char text[128], rfc[32], meaning[1024];
};

/* An independent reader for data/warn_codes.txt: "key: value" lines with
 * folded continuations, stanzas starting at "code:". */
static size_t read_warn_stanzas(const char *p, struct warn_stanza *out, size_t cap, char *version,
                                size_t vcap)
{
    size_t n = 0;
    char *field = NULL;
    size_t field_cap = 0;
    while (*p) {
        size_t line_len = strcspn(p, "\n");
        char line[512];
        size_t keylen;
        if (line_len >= sizeof line)
            line_len = sizeof line - 1;
        memcpy(line, p, line_len);
        line[line_len] = '\0';
        p += strcspn(p, "\n");
        if (*p)
            p++;
        if (line[0] == '#' || line[0] == '\0') {
            field = NULL;
            continue;
        }
        if ((line[0] == ' ' || line[0] == '\t') && field) {
            char *v = line;
            while (*v == ' ' || *v == '\t')
                v++;
            if (strlen(field) + 1 + strlen(v) < field_cap) {
                strcat(field, " ");
                strcat(field, v);
            }
            continue;
        }
        keylen = strcspn(line, ":");
        if (!line[keylen])
            continue;
        {
            char *v = line + keylen + 1;
            while (*v == ' ')
                v++;
            line[keylen] = '\0';
            if (strcmp(line, "registry-version") == 0) {
                snprintf(version, vcap, "%s", v);
            } else if (strcmp(line, "code") == 0 && n < cap) {
                memset(&out[n], 0, sizeof out[n]);
                out[n++].code = atoi(v);
                field = NULL;
            } else if (n > 0 && strcmp(line, "text") == 0) {
                snprintf(out[n - 1].text, sizeof out[n - 1].text, "%s", v);
            } else if (n > 0 && strcmp(line, "rfc") == 0) {
                snprintf(out[n - 1].rfc, sizeof out[n - 1].rfc, "%s", v);
            } else if (n > 0 && strcmp(line, "meaning") == 0) {
                snprintf(out[n - 1].meaning, sizeof out[n - 1].meaning, "%s", v);
                field = out[n - 1].meaning;
                field_cap = sizeof out[n - 1].meaning;
            }
        }
    }
    return n;
}

static void warn_table_matches_data_file(void)
{
    static struct warn_stanza stanzas[64];
    char version[32] = "";
    char *text = test_read_source_file("data/warn_codes.txt", NULL);
    size_t n, i;
    CHECK(text != NULL);
    if (!text)
        return;
    n = read_warn_stanzas(text, stanzas, 64, version, sizeof version);
    free(text);
    CHECK_INT(n, sipcode_warn_count());
    CHECK_STR(sipcode__warn_version, version);
    for (i = 0; i < n; i++) {
        const struct sipcode_warn_info *e = sipcode_warn_lookup(stanzas[i].code);
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK(e == sipcode_warn_at(i));
        CHECK_STR(e->text, stanzas[i].text);
        CHECK_STR(e->rfc, stanzas[i].rfc);
        CHECK_STR(e->meaning, stanzas[i].meaning);
    }
}

/* The IANA "Warning Codes (warn-codes)" table: RFC 3261 section 20.43 with
 * RFC 5630 (380, 381) and RFC 8373 (308). */
static const struct {
    int code;
    const char *text, *rfc;
} iana_warn[] = {
    {300, "Incompatible network protocol", "RFC 3261"},
    {301, "Incompatible network address formats", "RFC 3261"},
    {302, "Incompatible transport protocol", "RFC 3261"},
    {303, "Incompatible bandwidth units", "RFC 3261"},
    {304, "Media type not available", "RFC 3261"},
    {305, "Incompatible media format", "RFC 3261"},
    {306, "Attribute not understood", "RFC 3261"},
    {307, "Session description parameter not understood", "RFC 3261"},
    {308, "Incompatible language specification", "RFC 8373"},
    {330, "Multicast not available", "RFC 3261"},
    {331, "Unicast not available", "RFC 3261"},
    {370, "Insufficient bandwidth", "RFC 3261"},
    {380, "SIPS Not Allowed", "RFC 5630"},
    {381, "SIPS Required", "RFC 5630"},
    {399, "Miscellaneous warning", "RFC 3261"},
};

static void warn_table_rfc_facts(void)
{
    size_t i;
    int code, found = 0;
    CHECK_INT(sizeof iana_warn / sizeof *iana_warn, 15);
    CHECK_INT(sipcode_warn_count(), 15);
    for (i = 0; i < sizeof iana_warn / sizeof *iana_warn; i++) {
        const struct sipcode_warn_info *e = sipcode_warn_lookup(iana_warn[i].code);
        if (!e) {
            TEST_FAIL_AT("warn-code %d is missing", iana_warn[i].code);
            continue;
        }
        CHECK_INT(e->code, iana_warn[i].code);
        CHECK_STR(e->text, iana_warn[i].text);
        CHECK_STR(e->rfc, iana_warn[i].rfc);
        CHECK(strlen(e->meaning) > 40);
    }
    /* sorted, all SIP warnings (first digit 3), nothing else found */
    for (i = 0; i < sipcode_warn_count(); i++) {
        const struct sipcode_warn_info *e = sipcode_warn_at(i);
        CHECK(e->code >= 300 && e->code <= 399);
        if (i > 0)
            CHECK(sipcode_warn_at(i - 1)->code < e->code);
    }
    for (code = -1000; code <= 2000; code++)
        if (sipcode_warn_lookup(code))
            found++;
    CHECK_INT(found, 15);
    CHECK_NULL(sipcode_warn_lookup(INT_MIN));
    CHECK_NULL(sipcode_warn_lookup(INT_MAX));
    CHECK_NULL(sipcode_warn_lookup(309));
    CHECK_NULL(sipcode_warn_at(sipcode_warn_count()));
    CHECK_NULL(sipcode_warn_at((size_t)-1));
}

/* Each registered code with its registered text makes a Warning value. */
static void warn_table_formats_as_warnings(void)
{
    size_t i;
    for (i = 0; i < sipcode_warn_count(); i++) {
        const struct sipcode_warn_info *e = sipcode_warn_at(i);
        char buf[128];
        size_t needed = 0, count = 0;
        struct sipcode_warning w;
        CHECK_INT(sipcode_format_warning(buf, sizeof buf, e->code, S("example.com"), e->text,
                                         strlen(e->text), &needed),
                  SIPCODE_OK);
        CHECK_INT(sipcode_parse_warning(buf, needed, &w, 1, &count, NULL), SIPCODE_OK);
        CHECK_INT(w.code, e->code);
        CHECK(slice_is(w.text, e->text));
    }
}

static const struct test_case warning_tests[] = {
    {"warning_rfc_examples_and_valid_values", warning_rfc_examples_and_valid_values},
    {"warning_malformed_values", warning_malformed_values},
    {"warning_torture_scalarlg", warning_torture_scalarlg},
    {"warning_bad_arguments", warning_bad_arguments},
    {"warning_lists_and_elimit", warning_lists_and_elimit},
    {"warning_maximum_lengths", warning_maximum_lengths},
    {"warning_every_prefix", warning_every_prefix},
    {"warning_format_examples", warning_format_examples},
    {"warning_format_refuses", warning_format_refuses},
    {"warning_format_every_cap", warning_format_every_cap},
    {"warning_format_parse_round_trip", warning_format_parse_round_trip},
    {"warn_table_matches_data_file", warn_table_matches_data_file},
    {"warn_table_rfc_facts", warn_table_rfc_facts},
    {"warn_table_formats_as_warnings", warn_table_formats_as_warnings},
    {NULL, NULL},
};
TEST_SUITE(warning_tests)
