/* gen_q850 - turns data/q850.txt (the Q.850 cause table) and data/q850_map.txt
 * (the SIP <-> Q.850 mapping profiles) into lib/semantics/q850_data.c.
 *
 *   gen_q850 q850.txt q850_map.txt q850_data.c
 *
 * The formats are described at the top of each data file. Like gen_registry
 * and gen_warn, the generator is strict: anything it does not understand is an
 * error naming the file and line, so a typo in the reviewed data never becomes
 * a wrong table. Output is byte-identical for identical input (make
 * check-regen compares it with the committed file). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stanza.h"

#define MAX_ROWS     128
#define MAX_NOTES    8
#define MAX_PROFILES 16
#define MAX_CAUSE    127

/* ---- checking values ------------------------------------------------------ */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* A decimal number without sign or leading zero, at most max_digits long;
 * -1 when s is not one. */
static int parse_number(const char *s, size_t max_digits)
{
    size_t n = 0;
    int v = 0;
    if (s[0] == '0' && s[1] != '\0')
        return -1;
    while (is_digit(s[n])) {
        if (++n > max_digits)
            return -1;
        v = v * 10 + (s[n - 1] - '0');
    }
    return n && s[n] == '\0' ? v : -1;
}

/* A SIP response code: exactly three digits in lo..hi. */
static int parse_code(const char *s, int lo, int hi)
{
    int v;
    if (strlen(s) != 3)
        return -1;
    v = parse_number(s, 3);
    return v >= lo && v <= hi ? v : -1;
}

static int valid_date(const char *s)
{
    return strlen(s) == 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
           is_digit(s[3]) && s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' &&
           is_digit(s[8]) && is_digit(s[9]);
}

/* [A-Z0-9_]+, optionally required to start with prefix. */
static int valid_symbol(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    if (strncmp(s, prefix, n) != 0 || !s[n])
        return 0;
    for (s += n; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

/* Splits s in place at sep into at most cap trimmed, non-empty items. */
static int split(char *s, char sep, char **items, int cap, int line)
{
    int n = 0;
    for (;;) {
        char *end = strchr(s, sep);
        if (end)
            *end = '\0';
        if (n == cap)
            stanza_die(line, "too many items in a list");
        items[n] = stanza_trim(s);
        if (!*items[n])
            stanza_die(line, "empty item in a list");
        n++;
        if (!end)
            return n;
        s = end + 1;
    }
}

/* Splits "a b" into its two words (exactly two). */
static void two_words(char *s, char **a, char **b, int line)
{
    char *sp = strchr(s, ' ');
    if (!sp)
        stanza_die(line, "expected two words in '%s'", s);
    *sp = '\0';
    *a = s;
    *b = stanza_trim(sp + 1);
    if (!**a || !**b || strchr(*b, ' '))
        stanza_die(line, "expected two words in '%s %s'", *a, *b);
}

/* ---- the cause table (data/q850.txt) ---------------------------------------- */

static const struct {
    const char *id, *display;
    int lo, hi;
} classes[] = {
    {"normal", "normal event", 1, 31},
    {"resource-unavailable", "resource unavailable", 32, 47},
    {"service-not-available", "service or option not available", 48, 63},
    {"service-not-implemented", "service or option not implemented", 64, 79},
    {"invalid-message", "invalid message", 80, 95},
    {"protocol-error", "protocol error", 96, 111},
    {"interworking", "interworking", 112, 127},
};

struct cause {
    int cause;
    const char *name, *klass, *meaning;
};

static struct cause causes[MAX_CAUSE + 1];
static int cause_count;
static int cause_index[MAX_CAUSE + 1]; /* cause -> index + 1, 0 when absent */
static const char *q850_version;

static int known_cause(int c)
{
    return c >= 1 && c <= MAX_CAUSE && cause_index[c] != 0;
}

static void load_causes(const char *path)
{
    static struct stanza_file f;
    int s, declared = -1, prev = 0;
    stanza_read(path, &f);
    if (f.count == 0)
        stanza_die(0, "empty file");
    for (s = 0; s < f.stanzas[0].count; s++) {
        const struct stanza_field *fl = &f.stanzas[0].fields[s];
        if (strcmp(fl->key, "q850-table-version") == 0 && !q850_version) {
            if (!valid_date(fl->value))
                stanza_die(fl->line, "q850-table-version '%s' is not YYYY-MM-DD", fl->value);
            q850_version = fl->value;
        } else if (strcmp(fl->key, "count") == 0 && declared < 0) {
            if ((declared = parse_number(fl->value, 3)) < 0)
                stanza_die(fl->line, "count '%s' is not a number", fl->value);
        } else {
            stanza_die(fl->line, "unexpected key '%s' in the header stanza", fl->key);
        }
    }
    if (!q850_version || declared < 0)
        stanza_die(f.stanzas[0].line, "header stanza needs q850-table-version and count");
    for (s = 1; s < f.count; s++) {
        const struct stanza *st = &f.stanzas[s];
        struct cause *c = &causes[cause_count];
        const char *klass = NULL;
        int i, seen_alias = 0, seen_ast = 0, seen_fs = 0;
        if (strcmp(st->fields[0].key, "cause") != 0)
            stanza_die(st->line, "a stanza must start with cause:");
        c->cause = parse_number(st->fields[0].value, 3);
        if (c->cause < 1 || c->cause > MAX_CAUSE)
            stanza_die(st->line, "cause '%s' is not a number in 1..127", st->fields[0].value);
        if (c->cause <= prev)
            stanza_die(st->line, "cause %d does not follow %d in increasing order", c->cause, prev);
        prev = c->cause;
        for (i = 1; i < st->count; i++) {
            const struct stanza_field *fl = &st->fields[i];
            const char **slot = NULL;
            if (strcmp(fl->key, "class") == 0)
                slot = &klass;
            else if (strcmp(fl->key, "name") == 0)
                slot = &c->name;
            else if (strcmp(fl->key, "meaning") == 0)
                slot = &c->meaning;
            if (slot) {
                if (*slot)
                    stanza_die(fl->line, "key '%s' given twice", fl->key);
                *slot = fl->value;
            } else if (strcmp(fl->key, "alias") == 0) {
                if (seen_alias++)
                    stanza_die(fl->line, "key 'alias' given twice");
            } else if (strcmp(fl->key, "asterisk") == 0) {
                if (seen_ast++ || !valid_symbol(fl->value, "AST_CAUSE_"))
                    stanza_die(fl->line, "asterisk must be one AST_CAUSE_* symbol");
            } else if (strcmp(fl->key, "freeswitch") == 0) {
                if (seen_fs++ || !valid_symbol(fl->value, "SWITCH_CAUSE_"))
                    stanza_die(fl->line, "freeswitch must be one SWITCH_CAUSE_* symbol");
            } else if (strcmp(fl->key, "note") != 0) {
                stanza_die(fl->line, "unknown key '%s'", fl->key);
            }
        }
        if (!klass || !c->name || !c->meaning)
            stanza_die(st->line, "cause %d needs class, name and meaning", c->cause);
        for (i = 0; i < (int)(sizeof classes / sizeof *classes); i++)
            if (strcmp(klass, classes[i].id) == 0)
                break;
        if (i == (int)(sizeof classes / sizeof *classes))
            stanza_die(st->line, "cause %d: unknown class '%s'", c->cause, klass);
        if (c->cause < classes[i].lo || c->cause > classes[i].hi)
            stanza_die(st->line, "cause %d is outside class %s (%d..%d)", c->cause, klass, classes[i].lo,
                classes[i].hi);
        c->klass = classes[i].display;
        cause_index[c->cause] = ++cause_count;
    }
    if (cause_count == 0)
        stanza_die(0, "no causes");
    if (cause_count != declared)
        stanza_die(0, "count says %d, but the file lists %d causes", declared, cause_count);
}

/* ---- the profiles (data/q850_map.txt) --------------------------------------- */

struct row {
    int key;              /* cause (to-sip) or SIP code (from-sip) */
    int value;            /* SIP code or cause; 0 for none */
    const char *internal; /* from-sip-internal: the stack's cause name */
    const char *notes[MAX_NOTES];
    int note_count;
    int line;
};

struct rows {
    struct row rows[MAX_ROWS];
    int count;
};

struct profile {
    const char *id, *title, *cite;
    const char *to_why, *from_why;
    struct rows to, from;
    int has_to_default;
    int to_default;
    const char *to_default_why;
    int from_default[6];
    const char *from_default_why[6];
    int line;
};

static struct profile profiles[MAX_PROFILES];
static int profile_count;
static const char *map_version;

static struct row *find_row(struct rows *r, int key)
{
    int i;
    for (i = 0; i < r->count; i++)
        if (r->rows[i].key == key)
            return &r->rows[i];
    return NULL;
}

static struct row *add_row(struct rows *r, int key, int line)
{
    struct row *row;
    if (find_row(r, key))
        stanza_die(line, "%d has two rows", key);
    if (r->count == MAX_ROWS)
        stanza_die(line, "too many rows");
    row = &r->rows[r->count++];
    memset(row, 0, sizeof *row);
    row->key = key;
    row->line = line;
    return row;
}

/* "CAUSE CODE; ..." (to-sip, q850 says whether the causes must be Q.850 ones). */
static void parse_to_sip(struct profile *p, char *value, int line, int q850)
{
    char *items[MAX_ROWS];
    int n = split(value, ';', items, MAX_ROWS, line), i, prev = 0;
    for (i = 0; i < n; i++) {
        char *a, *b;
        int cause, code;
        two_words(items[i], &a, &b, line);
        cause = parse_number(a, 3);
        if (cause < 1 || cause > MAX_CAUSE)
            stanza_die(line, "'%s' is not a cause in 1..127", a);
        if (cause <= prev)
            stanza_die(line, "cause %d does not follow %d in increasing order", cause, prev);
        prev = cause;
        if (q850 && !known_cause(cause))
            stanza_die(line, "cause %d is not in data/q850.txt (use to-sip-nonq850)", cause);
        if (!q850 && known_cause(cause))
            stanza_die(line, "cause %d is a Q.850 cause: put it in to-sip", cause);
        if (strcmp(b, "-") == 0)
            code = 0;
        else if ((code = parse_code(b, 300, 699)) < 0)
            stanza_die(line, "'%s' is not a final failure code in 300..699 or '-'", b);
        add_row(&p->to, cause, line)->value = code;
    }
}

/* "CODE CAUSE; ..." (from-sip) or "CODE NAME; ..." (from-sip-internal). */
static void parse_from_sip(struct profile *p, char *value, int line, int internal)
{
    char *items[MAX_ROWS];
    int n = split(value, ';', items, MAX_ROWS, line), i, prev = 0;
    for (i = 0; i < n; i++) {
        char *a, *b;
        int code, cause = 0;
        struct row *row;
        two_words(items[i], &a, &b, line);
        if ((code = parse_code(a, 100, 699)) < 0)
            stanza_die(line, "'%s' is not a SIP response code in 100..699", a);
        if (code <= prev)
            stanza_die(line, "code %d does not follow %d in increasing order", code, prev);
        prev = code;
        if (internal) {
            if (!valid_symbol(b, ""))
                stanza_die(line, "'%s' is not an internal cause name [A-Z0-9_]+", b);
        } else if (strcmp(b, "-") != 0) {
            cause = parse_number(b, 3);
            if (!known_cause(cause))
                stanza_die(line, "'%s' is not a cause of data/q850.txt", b);
        }
        row = add_row(&p->from, code, line);
        row->value = cause;
        row->internal = internal ? b : NULL;
    }
}

/* "KEY[, KEY...]: text" added to rows of r. */
static void parse_note(struct rows *r, char *value, int line)
{
    char *colon = strchr(value, ':'), *items[MAX_ROWS];
    int n, i;
    if (!colon)
        stanza_die(line, "a row note reads 'KEY[, KEY...]: text'");
    *colon = '\0';
    n = split(value, ',', items, MAX_ROWS, line);
    value = stanza_trim(colon + 1);
    if (!*value)
        stanza_die(line, "empty row note");
    for (i = 0; i < n; i++) {
        int key = parse_number(items[i], 3);
        struct row *row = key < 0 ? NULL : find_row(r, key);
        if (!row)
            stanza_die(line, "note for '%s', which has no row", items[i]);
        if (row->note_count == MAX_NOTES)
            stanza_die(line, "too many notes for %d", key);
        row->notes[row->note_count++] = value;
    }
}

/* "VALUE: why" with VALUE a number or '-': returns the why, sets *v (0 for '-'). */
static const char *parse_default(char *value, int line, int *v, int is_code)
{
    char *colon = strchr(value, ':'), *head, *why;
    if (!colon)
        stanza_die(line, "a default reads 'VALUE: why'");
    *colon = '\0';
    head = stanza_trim(value);
    why = stanza_trim(colon + 1);
    if (!*why)
        stanza_die(line, "a default needs its why");
    if (strcmp(head, "-") == 0)
        *v = 0;
    else if (is_code && (*v = parse_code(head, 300, 699)) < 0)
        stanza_die(line, "'%s' is not a final failure code in 300..699 or '-'", head);
    else if (!is_code && !known_cause(*v = parse_number(head, 3)))
        stanza_die(line, "'%s' is not a cause of data/q850.txt or '-'", head);
    return why;
}

/* "CLASSES CAUSE: why" */
static void parse_from_default(struct profile *p, char *value, int line)
{
    char *colon = strchr(value, ':'), *sp, *items[6];
    int n, i, cause;
    const char *why;
    if (!colon)
        stanza_die(line, "from-sip-default reads 'CLASSES CAUSE: why'");
    *colon = '\0';
    sp = strrchr(value, ' ');
    if (!sp)
        stanza_die(line, "from-sip-default reads 'CLASSES CAUSE: why'");
    *sp = '\0';
    *colon = ':';
    why = parse_default(sp + 1, line, &cause, 0);
    n = split(value, ',', items, 6, line);
    for (i = 0; i < n; i++) {
        const char *c = items[i];
        int k = c[0] - '0';
        if (strlen(c) != 3 || k < 1 || k > 6 || c[1] != 'x' || c[2] != 'x')
            stanza_die(line, "'%s' is not a class 1xx..6xx", c);
        if (p->from_default_why[k - 1])
            stanza_die(line, "class %s has two defaults", c);
        p->from_default[k - 1] = cause;
        p->from_default_why[k - 1] = why;
    }
}

static int valid_profile_id(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

/* Keys that only document: any text. */
static int free_text_key(const char *key)
{
    return strcmp(key, "source") == 0 || strcmp(key, "cause-location") == 0 ||
           strcmp(key, "reason-header") == 0 || strcmp(key, "deviation") == 0 ||
           strcmp(key, "note") == 0 || strcmp(key, "unverified") == 0;
}

/* Keys that may appear more than once in a profile. */
static int repeatable_key(const char *key)
{
    return strcmp(key, "source") == 0 || strcmp(key, "reason-header") == 0 ||
           strcmp(key, "deviation") == 0 || strcmp(key, "note") == 0 ||
           strcmp(key, "unverified") == 0 || strcmp(key, "to-sip-note") == 0 ||
           strcmp(key, "from-sip-note") == 0 || strcmp(key, "from-sip-default") == 0;
}

static void check_pairs(char *value, int line, const char *what)
{
    char *items[MAX_ROWS];
    int n = split(value, ';', items, MAX_ROWS, line), i;
    for (i = 0; i < n; i++) {
        char *a, *b;
        two_words(items[i], &a, &b, line);
        if (strcmp(what, "to-sip-internal") == 0) {
            if (!valid_symbol(a, "") || parse_code(b, 300, 699) < 0)
                stanza_die(line, "to-sip-internal pairs read 'NAME CODE'");
        } else if (!valid_symbol(a, "") || !known_cause(parse_number(b, 3))) {
            stanza_die(line, "from-request pairs read 'METHOD CAUSE'");
        }
    }
}

static void load_profiles(const char *path)
{
    static struct stanza_file f;
    int s;
    stanza_read(path, &f);
    if (f.count == 0 || strcmp(f.stanzas[0].fields[0].key, "map-version") != 0 ||
        f.stanzas[0].count != 1 || !valid_date(f.stanzas[0].fields[0].value))
        stanza_die(f.count ? f.stanzas[0].line : 0,
            "the file must start with a stanza holding only map-version: YYYY-MM-DD");
    map_version = f.stanzas[0].fields[0].value;
    for (s = 1; s < f.count; s++) {
        const struct stanza *st = &f.stanzas[s];
        struct profile *p;
        int i, k, sources = 0;
        if (strcmp(st->fields[0].key, "profile") != 0)
            stanza_die(st->line, "a stanza must start with profile:");
        if (profile_count == MAX_PROFILES)
            stanza_die(st->line, "too many profiles");
        p = &profiles[profile_count++];
        memset(p, 0, sizeof *p);
        p->id = st->fields[0].value;
        p->line = st->line;
        if (!valid_profile_id(p->id))
            stanza_die(st->line, "profile id '%s' is not [a-z0-9-]+", p->id);
        for (k = 0; k < profile_count - 1; k++)
            if (strcmp(profiles[k].id, p->id) == 0)
                stanza_die(st->line, "profile '%s' given twice", p->id);
        if (profile_count == 1 && strcmp(p->id, "rfc3398") != 0)
            stanza_die(st->line, "the first profile must be rfc3398, the default");
        for (i = 1; i < st->count; i++) {
            const struct stanza_field *fl = &st->fields[i];
            char *v = fl->value;
            if (!repeatable_key(fl->key))
                for (k = 1; k < i; k++)
                    if (strcmp(st->fields[k].key, fl->key) == 0)
                        stanza_die(fl->line, "key '%s' given twice", fl->key);
            if (strcmp(fl->key, "title") == 0)
                p->title = v;
            else if (strcmp(fl->key, "cite") == 0)
                p->cite = v;
            else if (strcmp(fl->key, "to-sip-why") == 0)
                p->to_why = v;
            else if (strcmp(fl->key, "from-sip-why") == 0)
                p->from_why = v;
            else if (strcmp(fl->key, "to-sip") == 0)
                parse_to_sip(p, v, fl->line, 1);
            else if (strcmp(fl->key, "to-sip-nonq850") == 0)
                parse_to_sip(p, v, fl->line, 0);
            else if (strcmp(fl->key, "to-sip-note") == 0)
                parse_note(&p->to, v, fl->line);
            else if (strcmp(fl->key, "to-sip-default") == 0) {
                p->to_default_why = parse_default(v, fl->line, &p->to_default, 1);
                p->has_to_default = 1;
            } else if (strcmp(fl->key, "to-sip-internal") == 0 ||
                       strcmp(fl->key, "from-request") == 0)
                check_pairs(v, fl->line, fl->key);
            else if (strcmp(fl->key, "from-sip") == 0)
                parse_from_sip(p, v, fl->line, 0);
            else if (strcmp(fl->key, "from-sip-internal") == 0)
                parse_from_sip(p, v, fl->line, 1);
            else if (strcmp(fl->key, "from-sip-note") == 0)
                parse_note(&p->from, v, fl->line);
            else if (strcmp(fl->key, "from-sip-default") == 0)
                parse_from_default(p, v, fl->line);
            else if (free_text_key(fl->key))
                sources += strcmp(fl->key, "source") == 0;
            else
                stanza_die(fl->line, "unknown key '%s'", fl->key);
        }
        if (!p->title || !p->cite || sources == 0)
            stanza_die(st->line, "profile %s needs title, cite and at least one source", p->id);
        if (p->to.count && !p->to_why)
            stanza_die(st->line, "profile %s has to-sip rows but no to-sip-why", p->id);
        if (!p->to.count && p->to_why)
            stanza_die(st->line, "profile %s has to-sip-why but no to-sip rows", p->id);
        if (p->from.count && !p->from_why)
            stanza_die(st->line, "profile %s has from-sip rows but no from-sip-why", p->id);
        if (!p->from.count && p->from_why)
            stanza_die(st->line, "profile %s has from-sip-why but no from-sip rows", p->id);
        if (!p->has_to_default)
            stanza_die(st->line, "profile %s needs to-sip-default", p->id);
        for (k = 0; k < 6; k++)
            if (!p->from_default_why[k])
                stanza_die(st->line, "profile %s: from-sip-default does not cover %dxx", p->id, k + 1);
    }
    if (profile_count == 0)
        stanza_die(0, "no profiles");
}

/* ---- output ------------------------------------------------------------------ */

static int compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static void put_ident(FILE *out, const char *id, const char *suffix)
{
    for (; *id; id++)
        fputc(*id == '-' ? '_' : *id, out);
    fputs(suffix, out);
}

/* "<prefix>: KEY -> VALUE (note; note)" */
static void put_why(FILE *out, const char *prefix, const struct row *r, int to_sip)
{
    char buf[64];
    int i;
    fputc('"', out);
    for (; *prefix; prefix++) {
        if (*prefix == '"' || *prefix == '\\')
            fputc('\\', out);
        fputc(*prefix, out);
    }
    if (r->internal)
        snprintf(buf, sizeof buf, ": %d -> %s", r->key, r->internal);
    else if (r->value)
        snprintf(buf, sizeof buf, ": %d -> %d", r->key, r->value);
    else
        snprintf(buf, sizeof buf, ": %d -> %s", r->key, to_sip ? "no response" : "no cause");
    fputs(buf, out);
    if (r->internal)
        fputs(", a stack-internal cause with no Q.850 value", out);
    for (i = 0; i < r->note_count; i++) {
        const char *n = r->notes[i];
        fputs(i ? "; " : " (", out);
        for (; *n; n++) {
            if (*n == '"' || *n == '\\')
                fputc('\\', out);
            fputc(*n, out);
        }
    }
    if (r->note_count)
        fputc(')', out);
    fputc('"', out);
}

static void write_rows(FILE *out, const struct profile *p, struct rows *r, const char *suffix,
                       const char *prefix, int to_sip)
{
    int i;
    if (!r->count)
        return;
    qsort(r->rows, (size_t)r->count, sizeof *r->rows, compare_rows);
    fputs("static const struct sipcode__q850_row ", out);
    put_ident(out, p->id, suffix);
    fputs("[] = {\n", out);
    for (i = 0; i < r->count; i++) {
        fprintf(out, "    {%d, %d,\n     ", r->rows[i].key, r->rows[i].value);
        put_why(out, prefix, &r->rows[i], to_sip);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
}

static void write_table(const char *path)
{
    FILE *out = fopen(path, "w");
    int i, k;
    if (!out) {
        fprintf(stderr, "gen_q850: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    /* clang-format is switched off so 'make format' cannot make the file
     * differ from what check-regen regenerates. */
    fputs("/* GENERATED from data/q850.txt and data/q850_map.txt by data/gen_q850.c: do not\n"
          " * edit. Change the data files and run 'make regen'. */\n"
          "/* clang-format off */\n"
          "#include \"q850_data.h\"\n\n"
          "const struct sipcode_q850_info sipcode__q850_table[] = {\n",
          out);
    for (i = 0; i < cause_count; i++) {
        fprintf(out, "    {%d, ", causes[i].cause);
        stanza_put_string(out, causes[i].name);
        fputs(", ", out);
        stanza_put_string(out, causes[i].klass);
        fputs(",\n     ", out);
        stanza_put_string(out, causes[i].meaning);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__q850_count = %d;\n", cause_count);
    fputs("const char sipcode__q850_version[] = ", out);
    stanza_put_string(out, q850_version);
    fputs(";\n\n", out);

    for (i = 0; i < profile_count; i++) {
        struct profile *p = &profiles[i];
        write_rows(out, p, &p->to, "_to_sip", p->to_why ? p->to_why : "", 1);
        write_rows(out, p, &p->from, "_from_sip", p->from_why ? p->from_why : "", 0);
    }
    fputs("const struct sipcode_q850_profile sipcode__q850_profiles[] = {\n", out);
    for (i = 0; i < profile_count; i++) {
        const struct profile *p = &profiles[i];
        fputs("    {", out);
        stanza_put_string(out, p->id);
        fputs(",\n     ", out);
        stanza_put_string(out, p->title);
        fputs(",\n     ", out);
        stanza_put_string(out, p->cite);
        fputs(",\n     ", out);
        if (p->to.count) {
            put_ident(out, p->id, "_to_sip");
            fprintf(out, ", %d,\n     ", p->to.count);
        } else {
            fputs("NULL, 0,\n     ", out);
        }
        fprintf(out, "{%d, ", p->to_default);
        stanza_put_string(out, p->to_default_why);
        fputs("},\n     ", out);
        if (p->from.count) {
            put_ident(out, p->id, "_from_sip");
            fprintf(out, ", %d,\n     {", p->from.count);
        } else {
            fputs("NULL, 0,\n     {", out);
        }
        for (k = 0; k < 6; k++) {
            fprintf(out, "%s{%d, ", k ? ",\n      " : "", p->from_default[k]);
            stanza_put_string(out, p->from_default_why[k]);
            fputc('}', out);
        }
        fputs("}},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__q850_profile_count = %d;\n", profile_count);
    fputs("const char sipcode__q850_map_version[] = ", out);
    stanza_put_string(out, map_version);
    fputs(";\n", out);
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_q850: %s: write failed\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    stanza_set_program("gen_q850");
    if (argc != 4) {
        fprintf(stderr, "usage: gen_q850 q850.txt q850_map.txt q850_data.c\n");
        return 2;
    }
    load_causes(argv[1]);
    load_profiles(argv[2]);
    write_table(argv[3]);
    return 0;
}
