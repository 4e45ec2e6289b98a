/* gen_registry - turns data/codes.txt into the C registry table.
 *
 *   gen_registry codes.txt registry_data.c codes.h
 *
 * The input format is described in data/FORMAT.md. The generator is strict:
 * anything it does not understand is an error naming the line, so a typo in
 * the reviewed data can never silently become a wrong table. Output is
 * byte-identical for identical input (make check-regen relies on it). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define MAX_ENTRIES        512
#define MAX_HEADERS        16
#define MAX_NOTES          16
#define MIN_CODE           100
#define MAX_CODE           799
#define SIPCODE_INDEX_BASE 100 /* must match lib/registry/registry_data.h */

struct header_rule {
    char *name;
    const char *level;
};

struct entry {
    int line;
    int code;
    char *phrase, *name, *status, *rfc, *section, *also, *origin;
    char *sender, *scope, *headers, *alias, *meaning, *check;
    char *notes[MAX_NOTES];
    int note_count;
    unsigned senders;
    struct header_rule rules[MAX_HEADERS];
    int rule_count;
};

static const char *input_path;
static struct entry entries[MAX_ENTRIES];
static int entry_count;
static char *registry_version;
static int iana_count = -1;

static void die(int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gen_registry: %s:%d: ", input_path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static char *xstrdup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    if (!d) {
        perror("gen_registry");
        exit(1);
    }
    return strcpy(d, s);
}

static char *trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (!f) {
        fprintf(stderr, "gen_registry: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "gen_registry: %s: cannot size file\n", path);
        exit(1);
    }
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "gen_registry: %s: cannot read\n", path);
        exit(1);
    }
    buf[size] = '\0';
    fclose(f);
    return buf;
}

/* Appends a folded continuation to *field, joined by one space. */
static void append(char **field, const char *more)
{
    size_t a = strlen(*field), b = strlen(more);
    char *n = malloc(a + b + 2);
    if (!n) {
        perror("gen_registry");
        exit(1);
    }
    memcpy(n, *field, a);
    n[a] = ' ';
    memcpy(n + a + 1, more, b + 1);
    free(*field);
    *field = n;
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

/* RFC 3261 25.1: Reason-Phrase is reserved / unreserved / escaped / UTF-8 /
 * SP / HTAB. Our data is ASCII, so printable ASCII and space suffice. */
static int valid_phrase(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    return 1;
}

static const char *const sender_names[] = {"uas",     "proxy",    "registrar", "redirect",
                                           "gateway", "notifier", "stack"};

static unsigned parse_senders(int line, const char *text)
{
    char *copy = xstrdup(text), *tok, *save = NULL;
    unsigned bits = 0;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const char *t = trim(tok);
        size_t i;
        for (i = 0; i < sizeof sender_names / sizeof *sender_names; i++)
            if (strcmp(t, sender_names[i]) == 0)
                break;
        if (i == sizeof sender_names / sizeof *sender_names)
            die(line, "unknown sender '%s'", t);
        if (bits & (1u << i))
            die(line, "sender '%s' listed twice", t);
        bits |= 1u << i;
    }
    free(copy);
    if (!bits)
        die(line, "empty sender list");
    return bits;
}

static int header_name_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '-'))
            return 0;
    return 1;
}

static void parse_headers(struct entry *e)
{
    char *copy = xstrdup(e->headers), *tok, *save = NULL;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *t = trim(tok), *colon = strchr(t, ':');
        const char *level;
        int i;
        if (!colon)
            die(e->line, "header rule '%s' lacks ':level'", t);
        *colon = '\0';
        level = trim(colon + 1);
        t = trim(t);
        if (!header_name_ok(t))
            die(e->line, "bad header name '%s'", t);
        if (strcmp(level, "must") && strcmp(level, "should") && strcmp(level, "may"))
            die(e->line, "header level '%s' is not must, should or may", level);
        for (i = 0; i < e->rule_count; i++)
            if (strcasecmp(e->rules[i].name, t) == 0)
                die(e->line, "header '%s' listed twice", t);
        if (e->rule_count == MAX_HEADERS)
            die(e->line, "more than %d header rules", MAX_HEADERS);
        e->rules[e->rule_count].name = xstrdup(t);
        e->rules[e->rule_count].level = strcmp(level, "must") == 0     ? "SIPCODE_LEVEL_MUST"
                                        : strcmp(level, "should") == 0 ? "SIPCODE_LEVEL_SHOULD"
                                                                       : "SIPCODE_LEVEL_MAY";
        e->rule_count++;
    }
    free(copy);
}

/* Points a key to its field in the entry; notes are handled by the caller. */
static char **field_for(struct entry *e, const char *key)
{
    static const struct {
        const char *key;
        size_t offset;
    } map[] = {
        {"phrase", offsetof(struct entry, phrase)},   {"name", offsetof(struct entry, name)},
        {"status", offsetof(struct entry, status)},   {"rfc", offsetof(struct entry, rfc)},
        {"section", offsetof(struct entry, section)}, {"also", offsetof(struct entry, also)},
        {"origin", offsetof(struct entry, origin)},   {"sender", offsetof(struct entry, sender)},
        {"scope", offsetof(struct entry, scope)},     {"headers", offsetof(struct entry, headers)},
        {"alias", offsetof(struct entry, alias)},     {"meaning", offsetof(struct entry, meaning)},
        {"check", offsetof(struct entry, check)},
    };
    size_t i;
    for (i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(key, map[i].key) == 0)
            return (char **)((char *)e + map[i].offset);
    return NULL;
}

static void check_entry(struct entry *e)
{
    int i, unregistered;
    if (!e->phrase || !valid_phrase(e->phrase))
        die(e->line, "code %d: missing or bad phrase", e->code);
    if (!e->name || !valid_name(e->name))
        die(e->line, "code %d: missing or bad name (want [A-Z0-9_]+)", e->code);
    if (!e->status)
        die(e->line, "code %d: missing status", e->code);
    if (strcmp(e->status, "current") && strcmp(e->status, "deprecated") &&
        strcmp(e->status, "historic") && strcmp(e->status, "unregistered"))
        die(e->line, "code %d: unknown status '%s'", e->code, e->status);
    unregistered = strcmp(e->status, "unregistered") == 0;
    if (e->code >= 700 && !unregistered)
        die(e->line, "code %d: only unregistered codes may be 7xx", e->code);
    if (!unregistered) {
        int n = 0;
        if (!e->rfc || sscanf(e->rfc, "RFC %d", &n) != 1 || n <= 0)
            die(e->line, "code %d: rfc must read 'RFC NNNN'", e->code);
        if (!e->section || !*e->section)
            die(e->line, "code %d: missing section", e->code);
        for (i = 0; e->section[i]; i++)
            if (!isdigit((unsigned char)e->section[i]) && e->section[i] != '.')
                die(e->line, "code %d: section '%s' is not dotted digits", e->code, e->section);
        if (e->origin)
            die(e->line, "code %d: origin is only for unregistered codes", e->code);
    } else if (!e->origin || !*e->origin) {
        die(e->line, "code %d: unregistered code needs an origin", e->code);
    }
    if (!e->sender)
        die(e->line, "code %d: missing sender", e->code);
    e->senders = parse_senders(e->line, e->sender);
    if (!e->scope || (strcmp(e->scope, "end-to-end") && strcmp(e->scope, "hop-by-hop") &&
                      strcmp(e->scope, "local")))
        die(e->line, "code %d: scope must be end-to-end, hop-by-hop or local", e->code);
    if (!strcmp(e->scope, "local") != (e->code >= 700))
        die(e->line, "code %d: scope local is for 7xx codes, and only for them", e->code);
    if (e->headers)
        parse_headers(e);
    if (!e->meaning || !*e->meaning)
        die(e->line, "code %d: missing meaning", e->code);
    if (!e->check || !*e->check)
        die(e->line, "code %d: missing check", e->code);
    for (i = 0; i < entry_count; i++)
        if (&entries[i] != e && entries[i].name && strcmp(entries[i].name, e->name) == 0)
            die(e->line, "code %d: name %s already used by %d", e->code, e->name, entries[i].code);
}

static void parse(char *text)
{
    char *line, *save = NULL;
    int lineno = 0;
    struct entry *cur = NULL;
    char **last = NULL; /* field a continuation line appends to */
    int in_header = 0, header_done = 0, prev_code = 0;

    for (line = text; *line; line = save) {
        char *raw = line, *nl = strchr(line, '\n');
        char *t, *colon, *key, *value, **slot;
        if (nl) {
            *nl = '\0';
            save = nl + 1;
        } else {
            save = line + strlen(line);
        }
        lineno++;
        for (t = raw; *t; t++)
            if ((unsigned char)*t > 0x7e || ((unsigned char)*t < 0x20 && *t != '\t' && *t != '\r'))
                die(lineno, "non-ASCII or control byte 0x%02x", (unsigned char)*t);
        if (raw[0] == '#')
            continue;
        if (trim(raw)[0] == '\0') {
            cur = NULL;
            last = NULL;
            in_header = 0;
            continue;
        }
        if (raw[0] == ' ' || raw[0] == '\t') {
            if (!last)
                die(lineno, "continuation line with nothing to continue");
            append(last, trim(raw));
            continue;
        }
        colon = strchr(raw, ':');
        if (!colon)
            die(lineno, "expected 'key: value'");
        *colon = '\0';
        key = trim(raw);
        value = trim(colon + 1);
        if (!cur && !in_header) {
            if (!header_done) {
                if (strcmp(key, "registry-version") != 0)
                    die(lineno, "file must start with a registry-version: stanza");
                in_header = 1;
                header_done = 1;
            } else {
                char *end;
                long code;
                if (strcmp(key, "code") != 0)
                    die(lineno, "a stanza must start with code:");
                errno = 0;
                code = strtol(value, &end, 10);
                if (strlen(value) != 3 || *end || code < MIN_CODE || code > MAX_CODE)
                    die(lineno, "code '%s' is not three digits in %d..%d", value, MIN_CODE,
                        MAX_CODE);
                if (code <= prev_code)
                    die(lineno, "code %ld does not follow %d in increasing order", code, prev_code);
                if (entry_count == MAX_ENTRIES)
                    die(lineno, "too many entries");
                prev_code = (int)code;
                cur = &entries[entry_count++];
                cur->line = lineno;
                cur->code = (int)code;
                last = NULL;
                continue;
            }
        }
        if (in_header) {
            if (strcmp(key, "registry-version") == 0) {
                registry_version = xstrdup(value);
                last = NULL;
            } else if (strcmp(key, "iana-count") == 0) {
                iana_count = atoi(value);
                last = NULL;
            } else {
                die(lineno, "unknown header key '%s'", key);
            }
            continue;
        }
        if (strcmp(key, "note") == 0) {
            if (cur->note_count == MAX_NOTES)
                die(lineno, "too many notes");
            cur->notes[cur->note_count] = xstrdup(value);
            last = &cur->notes[cur->note_count++];
            continue;
        }
        slot = field_for(cur, key);
        if (!slot)
            die(lineno, "unknown key '%s'", key);
        if (*slot)
            die(lineno, "key '%s' given twice", key);
        *slot = xstrdup(value);
        last = slot;
    }
    if (!registry_version)
        die(lineno, "no registry-version");
    if (iana_count < 0)
        die(lineno, "no iana-count");
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void put_joined(FILE *out, char *const *parts, int count, const char *sep)
{
    int i;
    fputc('"', out);
    for (i = 0; i < count; i++) {
        const char *s;
        if (i)
            fputs(sep, out);
        for (s = parts[i]; *s; s++) {
            if (*s == '"' || *s == '\\')
                fputc('\\', out);
            fputc(*s, out);
        }
    }
    fputc('"', out);
}

static const char *status_const(const char *s)
{
    if (strcmp(s, "current") == 0)
        return "SIPCODE_STATUS_CURRENT";
    if (strcmp(s, "deprecated") == 0)
        return "SIPCODE_STATUS_DEPRECATED";
    if (strcmp(s, "historic") == 0)
        return "SIPCODE_STATUS_HISTORIC";
    return "SIPCODE_STATUS_UNREGISTERED";
}

/* ---- the search index ------------------------------------------------------
 * Every word (run of ASCII letters and digits, lower-cased) of an entry's
 * code, phrase, name and aliases is "strong"; words of its meaning are
 * "weak". sipcode_search() finds query words as prefixes of these sorted
 * words and combines per-word entry bitsets, so it never scans the text. */

#define MAX_WORDS    8192
#define MAX_WORD_LEN 63
#define BITSET_WORDS ((MAX_ENTRIES + 63) / 64)

struct word {
    char text[MAX_WORD_LEN + 1];
    unsigned long long strong[BITSET_WORDS], weak[BITSET_WORDS];
};

static struct word words[MAX_WORDS];
static int word_count;

static struct word *find_or_add_word(const char *w)
{
    int i;
    for (i = 0; i < word_count; i++)
        if (strcmp(words[i].text, w) == 0)
            return &words[i];
    if (word_count == MAX_WORDS)
        die(0, "more than %d distinct words", MAX_WORDS);
    strcpy(words[word_count].text, w);
    return &words[word_count++];
}

static void index_text(const char *text, int entry, int strong)
{
    const char *p = text;
    while (p && *p) {
        char w[MAX_WORD_LEN + 1];
        size_t n = 0;
        struct word *slot;
        while (*p && !isalnum((unsigned char)*p))
            p++;
        if (!*p)
            break;
        while (*p && isalnum((unsigned char)*p)) {
            if (n == MAX_WORD_LEN)
                die(entries[entry].line, "word longer than %d characters", MAX_WORD_LEN);
            w[n++] = (char)tolower((unsigned char)*p++);
        }
        w[n] = '\0';
        slot = find_or_add_word(w);
        if (strong)
            slot->strong[entry / 64] |= 1ull << (entry % 64);
        else
            slot->weak[entry / 64] |= 1ull << (entry % 64);
    }
}

static int word_order(const void *a, const void *b)
{
    return strcmp(((const struct word *)a)->text, ((const struct word *)b)->text);
}

static void write_word_index(FILE *out)
{
    int i, j, k, bitset_words = (entry_count + 63) / 64;
    for (i = 0; i < entry_count; i++) {
        char code[8];
        snprintf(code, sizeof code, "%d", entries[i].code);
        index_text(code, i, 1);
        index_text(entries[i].phrase, i, 1);
        index_text(entries[i].name, i, 1);
        index_text(entries[i].alias, i, 1);
        index_text(entries[i].meaning, i, 0);
    }
    qsort(words, (size_t)word_count, sizeof *words, word_order);
    fprintf(out, "\n/* Search index: %d words, each with %d strong then %d weak bitset words. */\n",
            word_count, bitset_words, bitset_words);
    fprintf(out, "const size_t sipcode__word_count = %d;\n", word_count);
    fprintf(out, "const size_t sipcode__bitset_words = %d;\n", bitset_words);
    fputs("const char *const sipcode__words[] = {\n", out);
    for (i = 0; i < word_count; i++) {
        fputs("    ", out);
        put_string(out, words[i].text);
        fputs(",\n", out);
    }
    fputs("};\nconst uint64_t sipcode__word_bits[] = {\n", out);
    for (i = 0; i < word_count; i++) {
        fputs("   ", out);
        for (k = 0; k < 2; k++)
            for (j = 0; j < bitset_words; j++)
                fprintf(out, " 0x%016llxu,", k ? words[i].weak[j] : words[i].strong[j]);
        fputc('\n', out);
    }
    fputs("};\n", out);
}

static void write_table(const char *path)
{
    FILE *out = fopen(path, "w");
    int i, j, code;
    int registered = 0;
    if (!out) {
        fprintf(stderr, "gen_registry: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fprintf(out, "/* GENERATED from data/codes.txt by data/gen_registry.c: do not edit.\n"
                 " * Change the data file and run 'make regen'. */\n"
                 "#include \"registry_data.h\"\n\n");
    for (i = 0; i < entry_count; i++) {
        const struct entry *e = &entries[i];
        if (!e->rule_count)
            continue;
        fprintf(out, "static const struct sipcode_header_rule headers_%d[] = {\n", e->code);
        for (j = 0; j < e->rule_count; j++) {
            fputs("    {", out);
            put_string(out, e->rules[j].name);
            fprintf(out, ", %s},\n", e->rules[j].level);
        }
        fputs("};\n", out);
    }
    fputs("\nconst struct sipcode_info sipcode__registry[] = {\n", out);
    for (i = 0; i < entry_count; i++) {
        const struct entry *e = &entries[i];
        if (strcmp(e->status, "current") == 0 || strcmp(e->status, "deprecated") == 0)
            registered++;
        fprintf(out, "    {%d, %d, ", e->code, e->code / 100);
        put_string(out, e->phrase);
        fputs(", ", out);
        put_string(out, e->name);
        fprintf(out, ", %s,\n     ", status_const(e->status));
        put_string(out, e->rfc);
        fputs(", ", out);
        put_string(out, e->section);
        fputs(", ", out);
        put_string(out, e->also);
        fputs(", ", out);
        put_string(out, e->origin);
        fprintf(out, ",\n     0x%02xu, %s, ", e->senders,
                strcmp(e->scope, "hop-by-hop") == 0 ? "SIPCODE_SCOPE_HOP_BY_HOP"
                : strcmp(e->scope, "local") == 0    ? "SIPCODE_SCOPE_LOCAL"
                                                    : "SIPCODE_SCOPE_END_TO_END");
        if (e->rule_count)
            fprintf(out, "headers_%d, %d,\n     ", e->code, e->rule_count);
        else
            fputs("NULL, 0,\n     ", out);
        put_string(out, e->alias);
        fputs(",\n     ", out);
        put_string(out, e->meaning);
        fputs(",\n     ", out);
        put_string(out, e->check);
        fputs(",\n     ", out);
        put_joined(out, e->notes, e->note_count, "\\n");
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__registry_count = %d;\n\n", entry_count);
    if (registered != iana_count)
        die(0, "iana-count says %d, but %d entries are current or deprecated", iana_count,
            registered);
    fprintf(out, "/* Index by code - %d: entry number, or -1. */\n", SIPCODE_INDEX_BASE);
    fprintf(out, "const short sipcode__registry_index[%d] = {\n",
            MAX_CODE - SIPCODE_INDEX_BASE + 1);
    for (code = SIPCODE_INDEX_BASE, i = 0; code <= MAX_CODE; code++) {
        int found = -1;
        for (j = 0; j < entry_count; j++)
            if (entries[j].code == code)
                found = j;
        fprintf(out, "%s%d,%s", (code - SIPCODE_INDEX_BASE) % 12 == 0 ? "    " : " ", found,
                (code - SIPCODE_INDEX_BASE) % 12 == 11 || code == MAX_CODE ? "\n" : "");
    }
    fputs("};\n\n", out);
    fputs("const char sipcode__registry_version[] = ", out);
    put_string(out, registry_version);
    fprintf(out, ";\nconst int sipcode__registry_iana_count = %d;\n", iana_count);
    write_word_index(out);
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_registry: %s: write failed\n", path);
        exit(1);
    }
}

static void write_codes_header(const char *path)
{
    FILE *out = fopen(path, "w");
    int i;
    if (!out) {
        fprintf(stderr, "gen_registry: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    fputs("/* GENERATED from data/codes.txt by data/gen_registry.c: do not edit.\n"
          " *\n"
          " * sipcode/codes.h - a named constant for every response code sipcode\n"
          " * knows, registered or not (see sipcode_lookup() for its status). */\n"
          "#ifndef SIPCODE_CODES_H\n#define SIPCODE_CODES_H\n\n"
          "enum sipcode_sc {\n",
          out);
    for (i = 0; i < entry_count; i++) {
        const struct entry *e = &entries[i];
        fprintf(out, "    SIPCODE_SC_%s = %d, /* %s%s */\n", e->name, e->code, e->phrase,
                strcmp(e->status, "current") == 0      ? ""
                : strcmp(e->status, "deprecated") == 0 ? ", deprecated"
                : strcmp(e->status, "historic") == 0   ? ", historic"
                                                       : ", unregistered");
    }
    fputs("};\n\n#endif /* SIPCODE_CODES_H */\n", out);
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_registry: %s: write failed\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    char *text;
    int i;
    if (argc != 4) {
        fprintf(stderr, "usage: gen_registry codes.txt registry_data.c codes.h\n");
        return 2;
    }
    input_path = argv[1];
    text = read_file(input_path);
    parse(text);
    for (i = 0; i < entry_count; i++)
        check_entry(&entries[i]);
    /* RFC 3261 8.1.3.2 falls back to the x00 of a class: each must exist and
     * be registered, or sipcode_resolve() would have nothing to answer. */
    for (i = 1; i <= 6; i++) {
        int j, found = 0;
        for (j = 0; j < entry_count; j++)
            if (entries[j].code == i * 100 && strcmp(entries[j].status, "current") == 0)
                found = 1;
        if (!found)
            die(0, "class %d has no current %d00 entry to fall back to", i, i);
    }
    write_table(argv[2]);
    write_codes_header(argv[3]);
    return 0;
}
