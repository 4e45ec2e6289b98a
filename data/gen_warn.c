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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ENTRIES 100
#define MIN_CODE    100
#define MAX_CODE    999

struct entry {
    int line;
    int code;
    char *text, *rfc, *meaning;
};

static const char *input_path;
static struct entry entries[MAX_ENTRIES];
static int entry_count;
static char *registry_version;
static int iana_count = -1;

static void die(int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "gen_warn: %s:%d: ", input_path, line);
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
        perror("gen_warn");
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
        fprintf(stderr, "gen_warn: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "gen_warn: %s: cannot size file\n", path);
        exit(1);
    }
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "gen_warn: %s: cannot read\n", path);
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
        perror("gen_warn");
        exit(1);
    }
    memcpy(n, *field, a);
    n[a] = ' ';
    memcpy(n + a + 1, more, b + 1);
    free(*field);
    *field = n;
}

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

static char **field_for(struct entry *e, const char *key)
{
    if (strcmp(key, "text") == 0)
        return &e->text;
    if (strcmp(key, "rfc") == 0)
        return &e->rfc;
    if (strcmp(key, "meaning") == 0)
        return &e->meaning;
    return NULL;
}

static void parse(char *text)
{
    char *line, *next = NULL;
    int lineno = 0;
    struct entry *cur = NULL;
    char **last = NULL; /* field a continuation line appends to */
    int in_header = 0, header_done = 0, prev_code = 0;

    for (line = text; *line; line = next) {
        char *raw = line, *nl = strchr(line, '\n');
        char *t, *colon, *key, *value, **slot;
        if (nl) {
            *nl = '\0';
            next = nl + 1;
        } else {
            next = line + strlen(line);
        }
        lineno++;
        for (t = raw; *t; t++)
            if ((unsigned char)*t > 0x7e || ((unsigned char)*t < 0x20 && *t != '\t' && *t != '\r'))
                die(lineno, "non-ASCII or control byte 0x%02x", (unsigned char)*t);
        if (raw[0] == '#')
            continue;
        if (trim(raw)[0] == '\0') {
            if (in_header && (!registry_version || iana_count < 0))
                die(lineno, "header stanza needs registry-version and iana-count");
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
        if (!*value)
            die(lineno, "key '%s' has no value", key);
        if (!cur && !in_header) {
            if (!header_done) {
                if (strcmp(key, "registry-version") != 0)
                    die(lineno, "file must start with a registry-version: stanza");
                in_header = 1;
                header_done = 1;
            } else {
                int code;
                if (strcmp(key, "code") != 0)
                    die(lineno, "a stanza must start with code:");
                if (!all_digits(value, 3))
                    die(lineno, "code '%s' is not three digits", value);
                code = atoi(value);
                if (code < MIN_CODE || code > MAX_CODE)
                    die(lineno, "code %d is outside %d..%d", code, MIN_CODE, MAX_CODE);
                if (code <= prev_code)
                    die(lineno, "code %d does not follow %d in increasing order", code, prev_code);
                if (entry_count == MAX_ENTRIES)
                    die(lineno, "too many entries");
                prev_code = code;
                cur = &entries[entry_count++];
                cur->line = lineno;
                cur->code = code;
                last = NULL;
                continue;
            }
        }
        if (in_header) {
            last = NULL;
            if (strcmp(key, "registry-version") == 0) {
                if (registry_version)
                    die(lineno, "registry-version given twice");
                if (!valid_date(value))
                    die(lineno, "registry-version '%s' is not YYYY-MM-DD", value);
                registry_version = xstrdup(value);
            } else if (strcmp(key, "iana-count") == 0) {
                if (iana_count >= 0)
                    die(lineno, "iana-count given twice");
                if (strlen(value) > 3 || !all_digits(value, strlen(value)))
                    die(lineno, "iana-count '%s' is not a small number", value);
                iana_count = atoi(value);
            } else {
                die(lineno, "unknown header key '%s'", key);
            }
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
    if (!registry_version || iana_count < 0)
        die(lineno, "no header stanza with registry-version and iana-count");
}

static void check_entry(const struct entry *e)
{
    if (!e->text || !valid_text(e->text))
        die(e->line, "code %d: missing or bad text", e->code);
    if (!e->rfc || !valid_rfc(e->rfc))
        die(e->line, "code %d: rfc must read 'RFC NNNN'", e->code);
    if (!e->meaning)
        die(e->line, "code %d: missing meaning", e->code);
}

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
    fputc('"', out);
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
        put_string(out, e->text);
        fputs(", ", out);
        put_string(out, e->rfc);
        fputs(",\n     ", out);
        put_string(out, e->meaning);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fprintf(out, "const size_t sipcode__warn_count = %d;\n", entry_count);
    fputs("const char sipcode__warn_version[] = ", out);
    put_string(out, registry_version);
    fputs(";\n", out);
    if (fclose(out) != 0) {
        fprintf(stderr, "gen_warn: %s: write failed\n", path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    char *text;
    int i;
    if (argc != 3) {
        fprintf(stderr, "usage: gen_warn warn_codes.txt warn_data.c\n");
        return 2;
    }
    input_path = argv[1];
    text = read_file(input_path);
    parse(text);
    if (entry_count == 0)
        die(0, "no warn-codes");
    for (i = 0; i < entry_count; i++)
        check_entry(&entries[i]);
    if (entry_count != iana_count)
        die(0, "iana-count says %d, but the file lists %d codes", iana_count, entry_count);
    write_table(argv[2]);
    return 0;
}
