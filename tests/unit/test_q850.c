/* Q.850 causes and SIP <-> Q.850 mapping: the generated tables row by row
 * against data/q850.txt and data/q850_map.txt (read here by an independent
 * parser), the RFC 3398 rows checked against the RFC text, the profiles'
 * deviations, the Reason-header precedence (RFC 6432) and the edges. */
#include <limits.h>
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

#define S(lit) lit, sizeof(lit) - 1

/* ---- an independent reader for the two data files --------------------------- */

#define MAX_FIELDS  160
#define MAX_STANZAS 128

struct kv {
    char key[32];
    char *value; /* folded lines joined with one space */
};

struct stz {
    struct kv f[MAX_FIELDS];
    int n;
};

/* Splits text into stanzas of key/value pairs; comments skipped, folded lines
 * joined. Values are malloc'd (freed by free_stanzas). */
static int read_file_stanzas(char *text, struct stz *out, int cap)
{
    int n = 0;
    struct stz *cur = NULL;
    char *line = text;
    while (*line) {
        char *end = line + strcspn(line, "\n");
        char save = *end;
        *end = '\0';
        if (line[0] == '#') {
            /* comment */
        } else if (line[strspn(line, " \t\r")] == '\0') {
            cur = NULL;
        } else if ((line[0] == ' ' || line[0] == '\t') && cur && cur->n) {
            struct kv *kv = &cur->f[cur->n - 1];
            char *more = line + strspn(line, " \t");
            size_t a = strlen(kv->value), b = strcspn(more, "\r");
            char *v;
            while (b && (more[b - 1] == ' ' || more[b - 1] == '\t'))
                b--;
            v = malloc(a + b + 2);
            memcpy(v, kv->value, a);
            v[a] = ' ';
            memcpy(v + a + 1, more, b);
            v[a + 1 + b] = '\0';
            free(kv->value);
            kv->value = v;
        } else {
            char *colon = strchr(line, ':');
            if (!cur && n < cap) {
                cur = &out[n++];
                cur->n = 0;
            }
            if (cur && colon && cur->n < MAX_FIELDS) {
                struct kv *kv = &cur->f[cur->n++];
                char *v = colon + 1;
                size_t k = (size_t)(colon - line), vl;
                if (k >= sizeof kv->key)
                    k = sizeof kv->key - 1;
                memcpy(kv->key, line, k);
                kv->key[k] = '\0';
                v += strspn(v, " \t");
                vl = strcspn(v, "\r");
                while (vl && v[vl - 1] == ' ')
                    vl--;
                kv->value = malloc(vl + 1);
                memcpy(kv->value, v, vl);
                kv->value[vl] = '\0';
            }
        }
        *end = save;
        line = *end ? end + 1 : end;
    }
    return n;
}

static void free_stanzas(struct stz *s, int n)
{
    int i, k;
    for (i = 0; i < n; i++)
        for (k = 0; k < s[i].n; k++)
            free(s[i].f[k].value);
}

static const char *get(const struct stz *s, const char *key)
{
    int i;
    for (i = 0; i < s->n; i++)
        if (strcmp(s->f[i].key, key) == 0)
            return s->f[i].value;
    return NULL;
}

static struct stz *load(const char *path, int *n)
{
    static struct stz stanzas[2][MAX_STANZAS];
    static int which;
    char *text = test_read_source_file(path, NULL);
    struct stz *s = stanzas[which++ & 1];
    *n = 0;
    if (!text)
        return s;
    *n = read_file_stanzas(text, s, MAX_STANZAS);
    free(text);
    return s;
}

/* ---- the cause table ------------------------------------------------------- */

static const char *class_display(const char *id)
{
    static const char *const map[][2] = {
        {"normal", "normal event"},
        {"resource-unavailable", "resource unavailable"},
        {"service-not-available", "service or option not available"},
        {"service-not-implemented", "service or option not implemented"},
        {"invalid-message", "invalid message"},
        {"protocol-error", "protocol error"},
        {"interworking", "interworking"},
    };
    size_t i;
    for (i = 0; id && i < sizeof map / sizeof *map; i++)
        if (strcmp(map[i][0], id) == 0)
            return map[i][1];
    return "?";
}

static void cause_table_matches_data_file(void)
{
    int n, i;
    struct stz *s = load("data/q850.txt", &n);
    char present[128] = {0};
    CHECK(n > 1);
    if (n < 2)
        return;
    CHECK(get(&s[0], "count") && atoi(get(&s[0], "count")) == n - 1);
    CHECK_INT(sipcode_q850_count(), (size_t)(n - 1));
    for (i = 1; i < n; i++) {
        int cause = atoi(get(&s[i], "cause"));
        const struct sipcode_q850_info *e = sipcode_q850_lookup(cause);
        CHECK(e != NULL);
        if (!e)
            continue;
        CHECK(e == sipcode_q850_at((size_t)(i - 1)));
        CHECK_INT(e->cause, cause);
        CHECK_STR(e->name, get(&s[i], "name"));
        CHECK_STR(e->meaning, get(&s[i], "meaning"));
        CHECK_STR(e->klass, class_display(get(&s[i], "class")));
        if (cause >= 0 && cause < 128)
            present[cause] = 1;
    }
    /* ... and no other value in 0..127 is a cause. */
    for (i = 0; i < 128; i++)
        if (!present[i] && sipcode_q850_lookup(i) != NULL)
            TEST_FAIL_AT("cause %d is in the table but not in data/q850.txt", i);
    free_stanzas(s, n);
}

static void cause_table_invariants(void)
{
    size_t i;
    int prev = 0;
    /* Q.850 splits the 7-bit value into a 3-bit class and a 4-bit value. */
    static const struct {
        int lo, hi;
        const char *klass;
    } ranges[] = {{1, 31, "normal event"},
                  {32, 47, "resource unavailable"},
                  {48, 63, "service or option not available"},
                  {64, 79, "service or option not implemented"},
                  {80, 95, "invalid message"},
                  {96, 111, "protocol error"},
                  {112, 127, "interworking"}};
    CHECK_INT(sipcode_q850_count(), 71);
    for (i = 0; i < sipcode_q850_count(); i++) {
        const struct sipcode_q850_info *e = sipcode_q850_at(i);
        size_t r;
        CHECK(e->cause > prev);
        prev = e->cause;
        CHECK(e->name && e->name[0]);
        CHECK(e->meaning && e->meaning[0]);
        for (r = 0; r < sizeof ranges / sizeof *ranges; r++)
            if (e->cause >= ranges[r].lo && e->cause <= ranges[r].hi)
                CHECK_STR(e->klass, ranges[r].klass);
    }
    CHECK_NULL(sipcode_q850_at(sipcode_q850_count()));
    CHECK_NULL(sipcode_q850_at((size_t)-1));
    /* Each class's "unspecified" member is defined. */
    CHECK_STR(sipcode_q850_lookup(31)->name, "Normal, unspecified");
    CHECK_STR(sipcode_q850_lookup(47)->name, "Resource unavailable, unspecified");
    CHECK_STR(sipcode_q850_lookup(111)->name, "Protocol error, unspecified");
    CHECK_STR(sipcode_q850_lookup(127)->name, "Interworking, unspecified");
    CHECK_STR(sipcode_q850_lookup(17)->name, "User busy");
    CHECK_STR(sipcode_q850_lookup(17)->klass, "normal event");
    /* Values Q.850 does not define, and the edges. */
    CHECK_NULL(sipcode_q850_lookup(0));
    CHECK_NULL(sipcode_q850_lookup(10));
    CHECK_NULL(sipcode_q850_lookup(33));
    CHECK_NULL(sipcode_q850_lookup(45));
    CHECK_NULL(sipcode_q850_lookup(52));
    CHECK_NULL(sipcode_q850_lookup(126));
    CHECK_NULL(sipcode_q850_lookup(128));
    CHECK_NULL(sipcode_q850_lookup(-1));
    CHECK_NULL(sipcode_q850_lookup(INT_MAX));
    CHECK_NULL(sipcode_q850_lookup(INT_MIN));
}

/* ---- the profiles ------------------------------------------------------------ */

/* Parses "A B; A B; ..." pairs; B '-' is 0, a non-number (an internal name)
 * is 0 too. Returns the count. */
static int pairs(const char *list, int (*out)[2], int cap)
{
    int n = 0;
    const char *p = list;
    while (p && *p && n < cap) {
        char b[64];
        int a;
        size_t k;
        p += strspn(p, " ");
        a = atoi(p);
        p += strcspn(p, " ");
        p += strspn(p, " ");
        k = strcspn(p, ";");
        if (k >= sizeof b)
            k = sizeof b - 1;
        memcpy(b, p, k);
        b[k] = '\0';
        out[n][0] = a;
        out[n][1] = (b[0] >= '0' && b[0] <= '9') ? atoi(b) : 0;
        n++;
        p += k;
        if (*p == ';')
            p++;
    }
    return n;
}

static int find_pair(int (*rows)[2], int n, int key, int *value)
{
    int i;
    for (i = 0; i < n; i++)
        if (rows[i][0] == key) {
            *value = rows[i][1];
            return 1;
        }
    return 0;
}

/* The why of a row: "<prefix>: KEY -> " at the start. */
static int why_starts(const char *why, const char *prefix, int key)
{
    char head[256];
    snprintf(head, sizeof head, "%s: %d -> ", prefix, key);
    return why && strncmp(why, head, strlen(head)) == 0;
}

static void check_profile_rows(const struct stz *s)
{
    const char *name = get(s, "profile");
    const struct sipcode_q850_profile *p = sipcode_q850_profile(name, strlen(name));
    int to[160][2], from[160][2], nto = 0, nfrom = 0, i, k, v;
    int to_default = 0, from_default[7] = {0};
    const char *to_why = get(s, "to-sip-why"), *from_why = get(s, "from-sip-why");
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK_STR(sipcode_q850_profile_name(p), name);
    CHECK_STR(sipcode_q850_profile_title(p), get(s, "title"));
    CHECK_STR(sipcode_q850_profile_source(p), get(s, "cite"));
    for (k = 0; k < s->n; k++) {
        const char *key = s->f[k].key, *val = s->f[k].value;
        if (strcmp(key, "to-sip") == 0 || strcmp(key, "to-sip-nonq850") == 0)
            nto += pairs(val, to + nto, 160 - nto);
        else if (strcmp(key, "from-sip") == 0 || strcmp(key, "from-sip-internal") == 0)
            nfrom += pairs(val, from + nfrom, 160 - nfrom);
        else if (strcmp(key, "to-sip-default") == 0)
            to_default = atoi(val); /* '-' gives 0 */
        else if (strcmp(key, "from-sip-default") == 0) {
            /* "1xx, 2xx CAUSE: why" */
            const char *colon = strchr(val, ':'), *c;
            const char *sp = colon;
            int cause;
            while (sp > val && sp[-1] != ' ')
                sp--;
            cause = atoi(sp);
            for (c = val; c < sp; c++)
                if (c[0] >= '1' && c[0] <= '6' && c[1] == 'x' && c[2] == 'x')
                    from_default[c[0] - '0'] = cause;
        }
    }
    /* cause -> SIP: every row, then every other value in 0..127 by the default. */
    for (i = 0; i <= 127; i++) {
        struct sipcode_mapping m;
        CHECK_INT(sipcode_q850_to_sip(p, i, &m), SIPCODE_OK);
        CHECK_INT(m.cause, i);
        CHECK_INT(m.from_reason, 0);
        CHECK(m.why && m.why[0]);
        if (find_pair(to, nto, i, &v)) {
            CHECK_INT(m.sip, v);
            CHECK_INT(m.from_table, 1);
            if (!why_starts(m.why, to_why, i))
                TEST_FAIL_AT("%s: cause %d: why \"%s\"", name, i, m.why);
        } else {
            CHECK_INT(m.sip, to_default);
            CHECK_INT(m.from_table, 0);
        }
    }
    /* SIP -> cause: every code in 100..699. */
    for (i = 100; i <= 699; i++) {
        struct sipcode_mapping m;
        CHECK_INT(sipcode_sip_to_q850(p, i, NULL, 0, &m), SIPCODE_OK);
        CHECK_INT(m.sip, i);
        CHECK_INT(m.from_reason, 0);
        CHECK(m.why && m.why[0]);
        if (find_pair(from, nfrom, i, &v)) {
            if (m.cause != v || m.from_table != 1)
                TEST_FAIL_AT("%s: %d -> %d (table %d), data says %d", name, i, m.cause,
                             m.from_table, v);
            if (!why_starts(m.why, from_why, i))
                TEST_FAIL_AT("%s: code %d: why \"%s\"", name, i, m.why);
        } else if (m.cause != from_default[i / 100] || m.from_table != 0) {
            TEST_FAIL_AT("%s: unlisted %d -> %d (table %d), data's default says %d", name, i,
                         m.cause, m.from_table, from_default[i / 100]);
        }
    }
}

static void profiles_match_data_file(void)
{
    int n, i;
    struct stz *s = load("data/q850_map.txt", &n);
    CHECK(n > 1);
    if (n < 2)
        return;
    CHECK_INT(sipcode_q850_profile_count(), (size_t)(n - 1));
    for (i = 1; i < n; i++) {
        const char *name = get(&s[i], "profile");
        CHECK(name != NULL);
        if (!name)
            continue;
        CHECK(sipcode_q850_profile_at((size_t)(i - 1)) == sipcode_q850_profile(name, strlen(name)));
        check_profile_rows(&s[i]);
    }
    free_stanzas(s, n);
}

/* Every answer, in every profile: a valid result and a static why that names
 * its source. */
static void every_answer_is_valid_and_explained(void)
{
    size_t k;
    for (k = 0; k < sipcode_q850_profile_count(); k++) {
        const struct sipcode_q850_profile *p = sipcode_q850_profile_at(k);
        const char *name = sipcode_q850_profile_name(p);
        char prefix[64];
        int i;
        snprintf(prefix, sizeof prefix, "%s: ", name);
        if (strcmp(name, "rfc3398") == 0)
            snprintf(prefix, sizeof prefix, "RFC 3398 section");
        for (i = 0; i <= 127; i++) {
            struct sipcode_mapping m;
            sipcode_q850_to_sip(p, i, &m);
            CHECK(m.sip == 0 || (m.sip >= 300 && m.sip <= 699));
            CHECK(m.why && strncmp(m.why, prefix, strlen(prefix)) == 0);
        }
        for (i = 100; i <= 699; i++) {
            struct sipcode_mapping m;
            sipcode_sip_to_q850(p, i, NULL, 0, &m);
            CHECK(m.cause == 0 || sipcode_q850_lookup(m.cause) != NULL);
            if (!m.why || strncmp(m.why, prefix, strlen(prefix)) != 0)
                TEST_FAIL_AT("%s %d: why \"%s\"", name, i, m.why ? m.why : "(null)");
        }
    }
}

/* ---- RFC 3398, checked against the RFC text ------------------------------------ */

static struct sipcode_mapping to_sip(const char *profile, int cause)
{
    struct sipcode_mapping m;
    memset(&m, 0xa5, sizeof m);
    if (sipcode_q850_to_sip(profile ? sipcode_q850_profile(profile, strlen(profile)) : NULL, cause,
                            &m) != SIPCODE_OK)
        TEST_FAIL_AT("to_sip(%s, %d) failed", profile ? profile : "NULL", cause);
    return m;
}

static struct sipcode_mapping from_sip(const char *profile, int code)
{
    struct sipcode_mapping m;
    memset(&m, 0xa5, sizeof m);
    if (sipcode_sip_to_q850(profile ? sipcode_q850_profile(profile, strlen(profile)) : NULL, code,
                            NULL, 0, &m) != SIPCODE_OK)
        TEST_FAIL_AT("from_sip(%s, %d) failed", profile ? profile : "NULL", code);
    return m;
}

static void rfc3398_section_7_2_4_1(void)
{
    static const struct {
        int cause, sip;
    } rows[] = {
        /* the table, in the RFC's order */
        {1, 404},
        {2, 404},
        {3, 404},
        {16, 0},
        {17, 486},
        {18, 408},
        {19, 480},
        {20, 480},
        {21, 403},
        {22, 410},
        {23, 410},
        {26, 404},
        {27, 502},
        {28, 484},
        {29, 501},
        {31, 480},
        {34, 503},
        {38, 503},
        {41, 503},
        {42, 503},
        {47, 503},
        {55, 403},
        {57, 403},
        {58, 503},
        {65, 488},
        {70, 488},
        {79, 501},
        {87, 403},
        {88, 503},
        {102, 504},
        {111, 500},
        {127, 500},
        /* the text above the table: 44 is untranslatable */
        {44, 0},
    };
    size_t i;
    struct sipcode_mapping m;
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        m = to_sip(NULL, rows[i].cause);
        if (m.sip != rows[i].sip || m.from_table != 1)
            TEST_FAIL_AT("RFC 3398 7.2.4.1: %d -> %d (table %d), expected %d", rows[i].cause, m.sip,
                         m.from_table, rows[i].sip);
    }
    m = to_sip(NULL, 17);
    CHECK_STR(m.why, "RFC 3398 section 7.2.4.1: 17 -> 486");
    m = to_sip("rfc3398", 1);
    CHECK_STR(m.why, "RFC 3398 section 7.2.4.1: 1 -> 404");
    CHECK_INT(m.cause, 1);
    CHECK_INT(m.from_reason, 0);
    m = to_sip(NULL, 16);
    CHECK(strstr(m.why, "16 -> no response") && strstr(m.why, "BYE or CANCEL"));
    m = to_sip(NULL, 21);
    CHECK(strstr(m.why, "603") != NULL); /* footnote +: 603 when the location is 'user' */
    m = to_sip(NULL, 22);
    CHECK(strstr(m.why, "301") != NULL); /* the second row, with diagnostic */
    m = to_sip(NULL, 44);
    CHECK(strstr(m.why, "44 -> no response") != NULL);
    /* "If a cause value other than those listed below is received, the default
     * response '500 Server internal error' SHOULD be used." */
    {
        static const int unlisted[] = {0,  4,  5,  6,  9,  10, 14, 24,  25,  30,  43,
                                       45, 46, 49, 63, 69, 95, 96, 103, 110, 112, 126};
        for (i = 0; i < sizeof unlisted / sizeof *unlisted; i++) {
            m = to_sip(NULL, unlisted[i]);
            CHECK_INT(m.sip, 500);
            CHECK_INT(m.from_table, 0);
            CHECK_STR(m.why, "RFC 3398 section 7.2.4.1: a cause the table does not list -> 500 "
                             "(the default the text above the table gives)");
        }
    }
}

static void rfc3398_section_8_2_6_1(void)
{
    static const struct {
        int code, cause;
    } rows[] = {
        {400, 41},  {401, 21},  {402, 21},  {403, 21},  {404, 1},   {405, 63}, {406, 79},
        {407, 21},  {408, 102}, {410, 22},  {413, 127}, {414, 127}, {415, 79}, {416, 127},
        {420, 127}, {421, 127}, {423, 127}, {480, 18},  {481, 41},  {482, 25}, {483, 25},
        {484, 28},  {485, 1},   {486, 17},  {487, 0},   {488, 31},  {500, 41}, {501, 79},
        {502, 38},  {503, 41},  {504, 102}, {505, 127}, {513, 127}, {600, 17}, {603, 21},
        {604, 1},   {606, 31},
    };
    size_t i;
    struct sipcode_mapping m;
    for (i = 0; i < sizeof rows / sizeof *rows; i++) {
        m = from_sip(NULL, rows[i].code);
        if (m.cause != rows[i].cause || m.from_table != 1)
            TEST_FAIL_AT("RFC 3398 8.2.6.1: %d -> %d (table %d), expected %d", rows[i].code,
                         m.cause, m.from_table, rows[i].cause);
    }
    m = from_sip(NULL, 486);
    CHECK_STR(m.why, "RFC 3398 section 8.2.6.1: 486 -> 17");
    CHECK_INT(m.sip, 486);
    m = from_sip(NULL, 404);
    CHECK_STR(m.why, "RFC 3398 section 8.2.6.1: 404 -> 1");
    m = from_sip(NULL, 503);
    CHECK_STR(m.why, "RFC 3398 section 8.2.6.1: 503 -> 41");
    m = from_sip(NULL, 487);
    CHECK(strstr(m.why, "487 -> no cause") != NULL);
    /* 488 and 606: "by Warning header", 31 by default, 65 for bearer capability */
    m = from_sip(NULL, 488);
    CHECK(strstr(m.why, "Warning") && strstr(m.why, "65"));
    /* The misprinted "504 Version Not Supported" row is 505's. */
    m = from_sip(NULL, 505);
    CHECK(strstr(m.why, "504 Version Not Supported") != NULL);
    /* 401/407: footnote *, authenticate first. */
    m = from_sip(NULL, 407);
    CHECK(strstr(m.why, "footnote *") != NULL);
    /* "Any SIP status codes not listed below ... should be mapping to cause
     * code 31": not the x00 rule, so 499 is 31 and not 400's 41. */
    {
        static const int unlisted[] = {409, 411, 417, 422, 428, 433, 489, 491,
                                       493, 499, 555, 580, 599, 607, 608, 699};
        for (i = 0; i < sizeof unlisted / sizeof *unlisted; i++) {
            m = from_sip(NULL, unlisted[i]);
            CHECK_INT(m.cause, 31);
            CHECK_INT(m.from_table, 0);
            CHECK(strstr(m.why, "section 8.2.6.1") != NULL);
        }
    }
    /* 1xx and 2xx release nothing (8.2.2-8.2.4); a released 3xx is cause 23
     * (8.2.5). */
    m = from_sip(NULL, 100);
    CHECK_INT(m.cause, 0);
    m = from_sip(NULL, 180);
    CHECK_INT(m.cause, 0);
    CHECK_INT(m.from_table, 0);
    m = from_sip(NULL, 200);
    CHECK_INT(m.cause, 0);
    m = from_sip(NULL, 302);
    CHECK_INT(m.cause, 23);
    CHECK(strstr(m.why, "section 8.2.5") != NULL);
}

/* ---- the other profiles: deviations the data records -------------------------- */

static void profile_deviations(void)
{
    struct sipcode_mapping m;
    /* FreeSWITCH hangup_cause_to_sip(): 21 -> 603 (RFC 3398: 403). */
    m = to_sip("freeswitch", 21);
    CHECK_INT(m.sip, 603);
    CHECK_INT(m.from_table, 1);
    CHECK_STR(m.why, "freeswitch: hangup_cause_to_sip(): 21 -> 603");
    CHECK_INT(to_sip("freeswitch", 88).sip, 488);
    CHECK_INT(to_sip("freeswitch", 25).sip, 483);
    CHECK_INT(to_sip("freeswitch", 44).sip, 503);
    m = to_sip("freeswitch", 16); /* not in its table: the 480 default */
    CHECK_INT(m.sip, 480);
    CHECK_INT(m.from_table, 0);
    CHECK_INT(to_sip("freeswitch", 127).sip, 480);
    m = to_sip("freeswitch", 52); /* OUTGOING_CALL_BARRED, not a Q.850 value */
    CHECK_INT(m.sip, 403);
    CHECK_INT(m.from_table, 1);
    CHECK_INT(to_sip("freeswitch", 53).sip, 480);
    CHECK_INT(from_sip("freeswitch", 485).cause, 3);
    CHECK_INT(from_sip("freeswitch", 604).cause, 3);
    CHECK_INT(from_sip("freeswitch", 488).cause, 88);
    CHECK_INT(from_sip("freeswitch", 200).cause, 16);
    m = from_sip("freeswitch", 487); /* internal ORIGINATOR_CANCEL */
    CHECK_INT(m.cause, 0);
    CHECK_INT(m.from_table, 1);
    CHECK(strstr(m.why, "ORIGINATOR_CANCEL") != NULL);
    CHECK_INT(from_sip("freeswitch", 499).cause, 31);
    CHECK_INT(from_sip("freeswitch", 302).cause, 31);

    /* Asterisk chan_pjsip */
    CHECK_INT(to_sip("asterisk", 38).sip, 500);
    CHECK_INT(to_sip("asterisk", 58).sip, 488);
    CHECK_INT(to_sip("asterisk", 66).sip, 503);
    m = to_sip("asterisk", 23); /* hangup_cause2sip() gives 0, sent as 603 */
    CHECK_INT(m.sip, 603);
    CHECK_INT(m.from_table, 0);
    CHECK_INT(to_sip("asterisk", 16).sip, 603);
    CHECK_INT(from_sip("asterisk", 408).cause, 18);
    CHECK_INT(from_sip("asterisk", 480).cause, 19);
    CHECK_INT(from_sip("asterisk", 503).cause, 34);
    m = from_sip("asterisk", 400); /* unlisted 4xx -> 127 */
    CHECK_INT(m.cause, 127);
    CHECK_INT(m.from_table, 0);
    CHECK_INT(from_sip("asterisk", 513).cause, 34);
    CHECK_INT(from_sip("asterisk", 607).cause, 127);
    CHECK_INT(from_sip("asterisk", 180).cause, 16);
    CHECK_INT(from_sip("asterisk", 302).cause, 16);

    /* Oracle SBC: SIP -> cause only */
    CHECK_INT(from_sip("oracle-sbc", 403).cause, 79);
    CHECK_INT(from_sip("oracle-sbc", 480).cause, 20);
    CHECK_INT(from_sip("oracle-sbc", 433).cause, 24);
    CHECK_INT(from_sip("oracle-sbc", 499).cause, 127);
    CHECK_INT(from_sip("oracle-sbc", 200).cause, 0);
    m = to_sip("oracle-sbc", 17);
    CHECK_INT(m.sip, 0);
    CHECK_INT(m.from_table, 0);
    CHECK(strncmp(m.why, "oracle-sbc: ", 12) == 0);
}

/* ---- Reason precedence (RFC 6432 section 3) ------------------------------------ */

static size_t parse_reasons(const char *value, size_t len, struct sipcode_reason *r, size_t cap)
{
    size_t count = 0;
    if (sipcode_parse_reason(value, len, r, cap, &count, NULL) != SIPCODE_OK)
        TEST_FAIL_AT("cannot parse Reason '%.*s'", (int)len, value);
    return count;
}

static void reason_header_precedence(void)
{
    struct sipcode_reason r[4];
    struct sipcode_mapping m;
    size_t n, k;
    static const char rfc6432_why[] =
        "RFC 6432 section 3: the response's Reason: Q.850 cause, used before the profile's table";

    /* 480 says 18 by the table; the carried cause 17 wins. */
    n = parse_reasons(S("Q.850;cause=17;text=\"User busy\""), r, 4);
    CHECK_INT(sipcode_sip_to_q850(NULL, 480, r, n, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 17);
    CHECK_INT(m.sip, 480);
    CHECK_INT(m.from_reason, 1);
    CHECK_INT(m.from_table, 0);
    CHECK_STR(m.why, rfc6432_why);
    /* ... in every profile, and for a code a table lists no cause for */
    for (k = 0; k < sipcode_q850_profile_count(); k++) {
        CHECK_INT(sipcode_sip_to_q850(sipcode_q850_profile_at(k), 487, r, n, &m), SIPCODE_OK);
        CHECK_INT(m.cause, 17);
        CHECK_INT(m.from_reason, 1);
    }
    /* Any response but 100 may carry it: 183 too. */
    CHECK_INT(sipcode_sip_to_q850(NULL, 183, r, n, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 17);
    /* 100 Trying is hop by hop and never carries one: the table decides. */
    CHECK_INT(sipcode_sip_to_q850(NULL, 100, r, n, &m), SIPCODE_OK);
    CHECK_INT(m.from_reason, 0);
    CHECK_INT(m.cause, 0);

    /* Among several values (one per protocol, RFC 3326 section 2) the Q.850 one. */
    n = parse_reasons(S("SIP;cause=480;text=\"x\", Q.850;cause=18"), r, 4);
    CHECK_INT(sipcode_sip_to_q850(NULL, 486, r, n, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 18);
    CHECK_INT(m.from_reason, 1);
    /* Case-insensitive protocol token. */
    n = parse_reasons(S("q.850;cause=34"), r, 4);
    CHECK_INT(sipcode_sip_to_q850(NULL, 486, r, n, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 34);

    /* Values that carry no usable Q.850 cause are ignored. */
    {
        static const struct {
            const char *v;
            size_t len;
        } ignored[] = {
            {S("SIP;cause=486")},           {S("Q.850")},
            {S("Q.850;text=\"no cause\"")}, {S("Q.850;cause=0")},
            {S("Q.850;cause=128")},         {S("Q.850;cause=65535")},
            {S("Q.8500;cause=17")},         {S("preemption;cause=1")},
        };
        size_t i;
        for (i = 0; i < sizeof ignored / sizeof *ignored; i++) {
            n = parse_reasons(ignored[i].v, ignored[i].len, r, 4);
            CHECK_INT(sipcode_sip_to_q850(NULL, 486, r, n, &m), SIPCODE_OK);
            if (m.from_reason || m.cause != 17)
                TEST_FAIL_AT("Reason '%s' should be ignored: cause %d", ignored[i].v, m.cause);
        }
    }
    /* No reasons, or NULL with a count: the table. */
    CHECK_INT(sipcode_sip_to_q850(NULL, 486, NULL, 3, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 17);
    CHECK_INT(m.from_reason, 0);
    n = parse_reasons(S("Q.850;cause=17"), r, 4);
    CHECK_INT(sipcode_sip_to_q850(NULL, 404, r, 0, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 1);
    /* The cause -> SIP direction never sets from_reason. */
    CHECK_INT(to_sip(NULL, 17).from_reason, 0);
}

/* ---- ranges, NULLs and names ---------------------------------------------------- */

static void ranges_and_arguments(void)
{
    struct sipcode_mapping m, untouched;
    static const int bad_causes[] = {-1, 128, 255, 1000, INT_MAX, INT_MIN};
    static const int bad_codes[] = {0, -1, 99, 700, 1000, INT_MAX, INT_MIN};
    struct sipcode_reason r[1];
    size_t i, n = parse_reasons(S("Q.850;cause=17"), r, 1);
    memset(&untouched, 0x5a, sizeof untouched);
    for (i = 0; i < sizeof bad_causes / sizeof *bad_causes; i++) {
        m = untouched;
        CHECK_INT(sipcode_q850_to_sip(NULL, bad_causes[i], &m), SIPCODE_ERANGE);
        CHECK(memcmp(&m, &untouched, sizeof m) == 0);
    }
    for (i = 0; i < sizeof bad_codes / sizeof *bad_codes; i++) {
        m = untouched;
        CHECK_INT(sipcode_sip_to_q850(NULL, bad_codes[i], r, n, &m), SIPCODE_ERANGE);
        CHECK(memcmp(&m, &untouched, sizeof m) == 0);
    }
    /* The edges that are valid. */
    CHECK_INT(sipcode_q850_to_sip(NULL, 0, &m), SIPCODE_OK);
    CHECK_INT(m.sip, 500);
    CHECK_INT(sipcode_q850_to_sip(NULL, 127, &m), SIPCODE_OK);
    CHECK_INT(m.sip, 500);
    CHECK_INT(m.from_table, 1);
    CHECK_INT(sipcode_sip_to_q850(NULL, 100, NULL, 0, &m), SIPCODE_OK);
    CHECK_INT(sipcode_sip_to_q850(NULL, 699, NULL, 0, &m), SIPCODE_OK);
    CHECK_INT(m.cause, 31);
    /* NULL out */
    CHECK_INT(sipcode_q850_to_sip(NULL, 17, NULL), SIPCODE_EINVAL);
    CHECK_INT(sipcode_sip_to_q850(NULL, 486, NULL, 0, NULL), SIPCODE_EINVAL);
}

static void profile_names(void)
{
    const struct sipcode_q850_profile *rfc = sipcode_q850_profile(S("rfc3398"));
    size_t i, j;
    CHECK(rfc != NULL);
    CHECK(sipcode_q850_profile_at(0) == rfc); /* the default comes first */
    CHECK(sipcode_q850_profile(S("RFC3398")) == rfc);
    CHECK(sipcode_q850_profile(S("FreeSWITCH")) == sipcode_q850_profile(S("freeswitch")));
    CHECK(sipcode_q850_profile(S("Oracle-SBC")) != NULL);
    CHECK_NULL(sipcode_q850_profile(S("rfc339")));
    CHECK_NULL(sipcode_q850_profile(S("rfc33988")));
    CHECK_NULL(sipcode_q850_profile(S("")));
    CHECK_NULL(sipcode_q850_profile(S("kamailio")));
    CHECK_NULL(sipcode_q850_profile(NULL, 0));
    CHECK_NULL(sipcode_q850_profile(NULL, 7));
    CHECK_NULL(sipcode_q850_profile(S("rfc3398\0")));
    /* len bounds the name: no NUL needed */
    CHECK(sipcode_q850_profile("asteriskXYZ", 8) == sipcode_q850_profile(S("asterisk")));
    CHECK_NULL(sipcode_q850_profile_at(sipcode_q850_profile_count()));
    /* NULL is the default profile everywhere. */
    CHECK_STR(sipcode_q850_profile_name(NULL), "rfc3398");
    CHECK_STR(sipcode_q850_profile_title(NULL), sipcode_q850_profile_title(rfc));
    CHECK_STR(sipcode_q850_profile_source(NULL), sipcode_q850_profile_source(rfc));
    CHECK(strstr(sipcode_q850_profile_source(rfc), "7.2.4.1") != NULL);
    CHECK(strstr(sipcode_q850_profile_source(rfc), "8.2.6.1") != NULL);
    CHECK_INT(sipcode_q850_profile_count(), 4);
    for (i = 0; i < sipcode_q850_profile_count(); i++) {
        const struct sipcode_q850_profile *p = sipcode_q850_profile_at(i);
        const char *name = sipcode_q850_profile_name(p);
        CHECK(name && name[0]);
        CHECK(sipcode_q850_profile_title(p)[0]);
        CHECK(sipcode_q850_profile_source(p)[0]);
        CHECK(sipcode_q850_profile(name, strlen(name)) == p);
        for (j = 0; j < i; j++)
            CHECK(strcmp(name, sipcode_q850_profile_name(sipcode_q850_profile_at(j))) != 0);
    }
}

static const struct test_case q850_tests[] = {
    {"q850_cause_table_matches_data_file", cause_table_matches_data_file},
    {"q850_cause_table_invariants", cause_table_invariants},
    {"q850_profiles_match_data_file", profiles_match_data_file},
    {"q850_every_answer_is_valid_and_explained", every_answer_is_valid_and_explained},
    {"q850_rfc3398_section_7_2_4_1", rfc3398_section_7_2_4_1},
    {"q850_rfc3398_section_8_2_6_1", rfc3398_section_8_2_6_1},
    {"q850_profile_deviations", profile_deviations},
    {"q850_reason_header_precedence", reason_header_precedence},
    {"q850_ranges_and_arguments", ranges_and_arguments},
    {"q850_profile_names", profile_names},
    {NULL, NULL},
};

TEST_SUITE(q850_tests)
