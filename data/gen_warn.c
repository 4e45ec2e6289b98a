/* gen_warn - turns data/warn_codes.txt into the C warn-code table.
 *
 *   gen_warn warn_codes.txt warn_data.c
 *
 * The format is described at the top of data/warn_codes.txt. Like
 * gen_registry, the generator is strict: anything it does not understand is
 * an error naming the line, so a typo in the reviewed data never becomes a
 * wrong table. Output is byte-identical for identical input (make
 * check-regen compares it with the committed file). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stanza.h"

#define MAX_ENTRIES 100
#define MIN_CODE    100
#define MAX_CODE    999

struct entry {
    int line;
    int code;
    char *text, *rfc, *meaning;
};

static struct entry entries[MAX_ENTRIES];
static int entry_count;
static const char *registry_version;
static int iana_count = -1;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly n ASCII digits and nothing else. */
static int all_digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return s[n] == '\0';
}

/* "RFC " then 1..5 digits without a leading zero. */
static int valid_rfc(const char *s)
{
    size_t n;
    if (strncmp(s, "RFC ", 4) != 0 || s[4] == '0')
        return 0;
    n = strlen(s + 4);
    return n >= 1 && n <= 5 && all_digits(s + 4, n);
}

/* YYYY-MM-DD */
static int valid_date(const char *s)
{
    return strlen(s) == 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
           is_digit(s[3]) && s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' &&
           is_digit(s[8]) && is_digit(s[9]);
}

/* The registered text: printable ASCII, no quote (it is shown as a Warning's
 * quoted warn-text and must need no escaping), no leading or double space. */
static int valid_text(const char *s)
{
    const char *p;
    if (!*s || *s == ' ')
        return 0;
    for (p = s; *p; p++)
        if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\' || (p[0] == ' ' && p[1] == ' '))
            return 0;
    return 1;
}

static char **field_for(void *entry, const struct stanza_field *f)
{
    struct entry *e = entry;
    const char *key = f->key;
    if (strcmp(key, "text") == 0)
        return &e->text;
    if (strcmp(key, "rfc") == 0)
        return &e->rfc;
    if (strcmp(key, "meaning") == 0)
        return &e->meaning;
    return NULL;
}

/* The first stanza is the header (registry-version, iana-count); each other
 * stanza starts with code: and the codes increase. */
static void parse_header(const struct stanza *st)
{
    int i;
    for (i = 0; i < st->count; i++) {
        const struct stanza_field *f = &st->fields[i];
        if (strcmp(f->key, "registry-version") == 0) {
            if (registry_version)
                stanza_die(f->line, "registry-version given twice");
            if (!valid_date(f->value))
                stanza_die(f->line, "registry-version '%s' is not YYYY-MM-DD", f->value);
            registry_version = f->value;
        } else if (strcmp(f->key, "iana-count") == 0) {
            if (iana_count >= 0)
                stanza_die(f->line, "iana-count given twice");
            if (strlen(f->value) > 3 || !all_digits(f->value, strlen(f->value)))
                stanza_die(f->line, "iana-count '%s' is not a small number", f->value);
            iana_count = atoi(f->value);
        } else {
            stanza_die(f->line, "unknown header key '%s'", f->key);
        }
    }
    if (!registry_version || iana_count < 0)
        stanza_die(st->line, "header stanza needs registry-version and iana-count");
}

static void parse_entry(const struct stanza *st, int prev_code)
{
    const struct stanza_field *f = &st->fields[0];
    struct entry *e;
    int code;
    if (strcmp(f->key, "code") != 0)
        stanza_die(f->line, "a stanza must start with code:");
    if (!all_digits(f->value, 3))
        stanza_die(f->line, "code '%s' is not three digits", f->value);
    code = atoi(f->value);
    if (code < MIN_CODE || code > MAX_CODE)
        stanza_die(f->line, "code %d is outside %d..%d", code, MIN_CODE, MAX_CODE);
    if (code <= prev_code)
        stanza_die(f->line, "code %d does not follow %d in increasing order", code, prev_code);
    if (entry_count == MAX_ENTRIES)
        stanza_die(f->line, "too many entries");
    e = &entries[entry_count++];
    e->line = st->line;
    e->code = code;
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
}

static void check_entry(const struct entry *e)
{
    if (!e->text || !valid_text(e->text))
        stanza_die(e->line, "code %d: missing or bad text", e->code);
    if (!e->rfc || !valid_rfc(e->rfc))
        stanza_die(e->line, "code %d: rfc must read 'RFC NNNN'", e->code);
    if (!e->meaning)
        stanza_die(e->line, "code %d: missing meaning", e->code);
}

static void write_table(const char *path)
{
    FILE *out = fopen(path, "w");
    int i;
    if (!out) {
        fprintf(stderr, "gen_warn: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    /* clang-format is switched off so 'make format' cannot make the file
     * differ from what check-regen regenerates. */
    fputs("/* GENERATED from data/warn_codes.txt by data/gen_warn.c: do not edit.\n"
          " * Change the data file and run 'make regen'. */\n"
          "/* clang-format off */\n"
          "#include \"warn_data.h\"\n\n"
          "const struct sipcode_warn_info sipcode__warn_table[] = {\n",
          out);
    for (i = 0; i < entry_count; i++) {
        const struct entry *e = &entries[i];
        fprintf(out, "    {%d, ", e->code);
        stanza_put_string(out, e->text);
        fputs(", ", out);
        stanza_put_string(out, e->rfc);
        fputs(",\n     ", out);
        stanza_put_string(out, e->meaning);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__warn_count = %d;\n", entry_count);
    fputs("const char sipcode__warn_version[] = ", out);
    stanza_put_string(out, registry_version);
    fputs(";\n", out);
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_warn: %s: write failed\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    int i;
    stanza_set_program("gen_warn");
    if (argc != 3) {
        fprintf(stderr, "usage: gen_warn warn_codes.txt warn_data.c\n");
        return 2;
    }
    parse(argv[1]);
    if (entry_count == 0)
        stanza_die(0, "no warn-codes");
    for (i = 0; i < entry_count; i++)
        check_entry(&entries[i]);
    if (entry_count != iana_count)
        stanza_die(0, "iana-count says %d, but the file lists %d codes", iana_count, entry_count);
    write_table(argv[2]);
    return 0;
}
