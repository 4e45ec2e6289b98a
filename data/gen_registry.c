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
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "stanza.h"

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

static struct entry entries[MAX_ENTRIES];
static int entry_count;
static const char *registry_version;
static int iana_count = -1;

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
    char *copy = stanza_xstrdup(text), *tok, *save = NULL;
    unsigned bits = 0;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        const char *t = stanza_trim(tok);
        size_t i;
        for (i = 0; i < sizeof sender_names / sizeof *sender_names; i++)
            if (strcmp(t, sender_names[i]) == 0)
                break;
        if (i == sizeof sender_names / sizeof *sender_names)
            stanza_die(line, "unknown sender '%s'", t);
        if (bits & (1u << i))
            stanza_die(line, "sender '%s' listed twice", t);
        bits |= 1u << i;
    }
    free(copy);
    if (!bits)
        stanza_die(line, "empty sender list");
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
    char *copy = stanza_xstrdup(e->headers), *tok, *save = NULL;
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *t = stanza_trim(tok), *colon = strchr(t, ':');
        const char *level;
        int i;
        if (!colon)
            stanza_die(e->line, "header rule '%s' lacks ':level'", t);
        *colon = '\0';
        level = stanza_trim(colon + 1);
        t = stanza_trim(t);
        if (!header_name_ok(t))
            stanza_die(e->line, "bad header name '%s'", t);
        if (strcmp(level, "must") && strcmp(level, "should") && strcmp(level, "may"))
            stanza_die(e->line, "header level '%s' is not must, should or may", level);
        for (i = 0; i < e->rule_count; i++)
            if (strcasecmp(e->rules[i].name, t) == 0)
                stanza_die(e->line, "header '%s' listed twice", t);
        if (e->rule_count == MAX_HEADERS)
            stanza_die(e->line, "more than %d header rules", MAX_HEADERS);
        e->rules[e->rule_count].name = stanza_xstrdup(t);
        e->rules[e->rule_count].level = strcmp(level, "must") == 0     ? "SIPCODE_LEVEL_MUST"
                                        : strcmp(level, "should") == 0 ? "SIPCODE_LEVEL_SHOULD"
                                                                       : "SIPCODE_LEVEL_MAY";
        e->rule_count++;
    }
    free(copy);
}

/* Points a key to its field in the entry; each note to the next free one. */
static char **field_for(void *entry, const struct stanza_field *f)
{
    struct entry *e = entry;
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
    if (strcmp(f->key, "note") == 0) {
        if (e->note_count == MAX_NOTES)
            stanza_die(f->line, "too many notes");
        return &e->notes[e->note_count++];
    }
    for (i = 0; i < sizeof map / sizeof *map; i++)
        if (strcmp(f->key, map[i].key) == 0)
            return (char **)((char *)e + map[i].offset);
    return NULL;
}

static void check_entry(struct entry *e)
{
    int i, unregistered;
    if (!e->phrase || !valid_phrase(e->phrase))
        stanza_die(e->line, "code %d: missing or bad phrase", e->code);
    if (!e->name || !valid_name(e->name))
        stanza_die(e->line, "code %d: missing or bad name (want [A-Z0-9_]+)", e->code);
    if (!e->status)
        stanza_die(e->line, "code %d: missing status", e->code);
    if (strcmp(e->status, "current") && strcmp(e->status, "deprecated") &&
        strcmp(e->status, "historic") && strcmp(e->status, "unregistered"))
        stanza_die(e->line, "code %d: unknown status '%s'", e->code, e->status);
    unregistered = strcmp(e->status, "unregistered") == 0;
    if (e->code >= 700 && !unregistered)
        stanza_die(e->line, "code %d: only unregistered codes may be 7xx", e->code);
    if (!unregistered) {
        int n = 0;
        if (!e->rfc || sscanf(e->rfc, "RFC %d", &n) != 1 || n <= 0)
            stanza_die(e->line, "code %d: rfc must read 'RFC NNNN'", e->code);
        if (!e->section || !*e->section)
            stanza_die(e->line, "code %d: missing section", e->code);
        for (i = 0; e->section[i]; i++)
            if (!isdigit((unsigned char)e->section[i]) && e->section[i] != '.')
                stanza_die(e->line, "code %d: section '%s' is not dotted digits", e->code, e->section);
        if (e->origin)
            stanza_die(e->line, "code %d: origin is only for unregistered codes", e->code);
    } else if (!e->origin || !*e->origin) {
        stanza_die(e->line, "code %d: unregistered code needs an origin", e->code);
    }
    if (!e->sender)
        stanza_die(e->line, "code %d: missing sender", e->code);
    e->senders = parse_senders(e->line, e->sender);
    if (!e->scope || (strcmp(e->scope, "end-to-end") && strcmp(e->scope, "hop-by-hop") &&
                      strcmp(e->scope, "local")))
        stanza_die(e->line, "code %d: scope must be end-to-end, hop-by-hop or local", e->code);
    if (!strcmp(e->scope, "local") != (e->code >= 700))
        stanza_die(e->line, "code %d: scope local is for 7xx codes, and only for them", e->code);
    if (e->headers)
        parse_headers(e);
    if (!e->meaning || !*e->meaning)
        stanza_die(e->line, "code %d: missing meaning", e->code);
    if (!e->check || !*e->check)
        stanza_die(e->line, "code %d: missing check", e->code);
    for (i = 0; i < entry_count; i++)
        if (&entries[i] != e && entries[i].name && strcmp(entries[i].name, e->name) == 0)
            stanza_die(e->line, "code %d: name %s already used by %d", e->code, e->name, entries[i].code);
}

/* The first stanza is the header (registry-version, iana-count); each other
 * stanza starts with code: and the codes increase. */
static void parse_header(const struct stanza *st)
{
    int i;
    for (i = 0; i < st->count; i++) {
        const struct stanza_field *f = &st->fields[i];
        if (strcmp(f->key, "registry-version") == 0)
            registry_version = f->value;
        else if (strcmp(f->key, "iana-count") == 0)
            iana_count = atoi(f->value);
        else
            stanza_die(f->line, "unknown header key '%s'", f->key);
    }
}

static void parse_entry(const struct stanza *st, int prev_code)
{
    const struct stanza_field *f = &st->fields[0];
    struct entry *e;
    char *end;
    long code;
    if (strcmp(f->key, "code") != 0)
        stanza_die(f->line, "a stanza must start with code:");
    code = strtol(f->value, &end, 10);
    if (strlen(f->value) != 3 || *end || code < MIN_CODE || code > MAX_CODE)
        stanza_die(f->line, "code '%s' is not three digits in %d..%d", f->value, MIN_CODE,
                   MAX_CODE);
    if (code <= prev_code)
        stanza_die(f->line, "code %ld does not follow %d in increasing order", code, prev_code);
    if (entry_count == MAX_ENTRIES)
        stanza_die(f->line, "too many entries");
    e = &entries[entry_count++];
    e->line = st->line;
    e->code = (int)code;
    stanza_fill(st, 1, e, field_for);
}

static void parse(const char *path)
{
    static struct stanza_file file;
    int s;
    stanza_read_headed(path, "registry-version", &file);
    parse_header(&file.stanzas[0]);
    for (s = 1; s < file.count; s++)
        parse_entry(&file.stanzas[s], entry_count ? entries[entry_count - 1].code : 0);
    if (!registry_version)
        stanza_die(0, "no registry-version");
    if (iana_count < 0)
        stanza_die(0, "no iana-count");
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
        stanza_die(0, "more than %d distinct words", MAX_WORDS);
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
                stanza_die(entries[entry].line, "word longer than %d characters", MAX_WORD_LEN);
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
        stanza_put_string(out, words[i].text);
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
            stanza_put_string(out, e->rules[j].name);
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
        stanza_put_string(out, e->phrase);
        fputs(", ", out);
        stanza_put_string(out, e->name);
        fprintf(out, ", %s,\n     ", status_const(e->status));
        stanza_put_string(out, e->rfc);
        fputs(", ", out);
        stanza_put_string(out, e->section);
        fputs(", ", out);
        stanza_put_string(out, e->also);
        fputs(", ", out);
        stanza_put_string(out, e->origin);
        fprintf(out, ",\n     0x%02xu, %s, ", e->senders,
                strcmp(e->scope, "hop-by-hop") == 0 ? "SIPCODE_SCOPE_HOP_BY_HOP"
                : strcmp(e->scope, "local") == 0    ? "SIPCODE_SCOPE_LOCAL"
                                                    : "SIPCODE_SCOPE_END_TO_END");
        if (e->rule_count)
            fprintf(out, "headers_%d, %d,\n     ", e->code, e->rule_count);
        else
            fputs("NULL, 0,\n     ", out);
        stanza_put_string(out, e->alias);
        fputs(",\n     ", out);
        stanza_put_string(out, e->meaning);
        fputs(",\n     ", out);
        stanza_put_string(out, e->check);
        fputs(",\n     ", out);
        put_joined(out, e->notes, e->note_count, "\\n");
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__registry_count = %d;\n\n", entry_count);
    if (registered != iana_count)
        stanza_die(0, "iana-count says %d, but %d entries are current or deprecated", iana_count,
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
    stanza_put_string(out, registry_version);
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
    int i;
    stanza_set_program("gen_registry");
    if (argc != 4) {
        fprintf(stderr, "usage: gen_registry codes.txt registry_data.c codes.h\n");
        return 2;
    }
    parse(argv[1]);
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
            stanza_die(0, "class %d has no current %d00 entry to fall back to", i, i);
    }
    write_table(argv[2]);
    write_codes_header(argv[3]);
    return 0;
}
