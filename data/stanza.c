/* stanza.c - see stanza.h. */
#define _POSIX_C_SOURCE 200809L
#include "stanza.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *program = "gen";
static const char *current_path = "";

void stanza_set_program(const char *name)
{
    program = name;
}

void stanza_die(int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s:%d: ", program, current_path, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

void *stanza_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        perror(program);
        exit(1);
    }
    return p;
}

char *stanza_xstrdup(const char *s)
{
    return strcpy(stanza_xmalloc(strlen(s) + 1), s);
}

char *stanza_trim(char *s)
{
    char *e;
    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        exit(1);
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "%s: %s: cannot size file\n", program, path);
        exit(1);
    }
    buf = stanza_xmalloc((size_t)size + 1);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "%s: %s: cannot read\n", program, path);
        exit(1);
    }
    buf[size] = '\0';
    fclose(f);
    return buf;
}

/* Folds a continuation into *value, joined by one space. */
static void append(char **value, const char *more)
{
    size_t a = strlen(*value), b = strlen(more);
    char *n = stanza_xmalloc(a + b + 2);
    memcpy(n, *value, a);
    n[a] = ' ';
    memcpy(n + a + 1, more, b + 1);
    free(*value);
    *value = n;
}

static int valid_key(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
            return 0;
    return 1;
}

void stanza_read(const char *path, struct stanza_file *out)
{
    char *text = read_text(path), *line, *next = NULL;
    int lineno = 0, cap = 0;
    struct stanza *cur = NULL;
    struct stanza_field *last = NULL;

    current_path = path;
    out->path = path;
    out->stanzas = NULL;
    out->count = 0;
    for (line = text; *line; line = next) {
        char *nl = strchr(line, '\n'), *t, *colon, *key, *value;
        if (nl) {
            *nl = '\0';
            next = nl + 1;
        } else {
            next = line + strlen(line);
        }
        lineno++;
        /* A CR is allowed only as the last byte (a CRLF file). */
        for (t = line; *t; t++)
            if ((unsigned char)*t > 0x7e ||
                ((unsigned char)*t < 0x20 && *t != '\t' && !(*t == '\r' && t[1] == '\0')))
                stanza_die(lineno, "non-ASCII or control byte 0x%02x", (unsigned char)*t);
        if (line[0] == '#')
            continue;
        if (stanza_trim(line)[0] == '\0') {
            cur = NULL;
            last = NULL;
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            if (!last)
                stanza_die(lineno, "continuation line with nothing to continue");
            append(&last->value, stanza_trim(line));
            continue;
        }
        colon = strchr(line, ':');
        if (!colon)
            stanza_die(lineno, "expected 'key: value'");
        *colon = '\0';
        key = stanza_trim(line);
        value = stanza_trim(colon + 1);
        if (!valid_key(key))
            stanza_die(lineno, "bad key '%s'", key);
        if (!*value)
            stanza_die(lineno, "key '%s' has no value", key);
        if (!cur) {
            if (out->count == cap) {
                struct stanza *grown;
                cap = cap ? cap * 2 : 64;
                grown = realloc(out->stanzas, (size_t)cap * sizeof *grown);
                if (!grown) {
                    perror(program);
                    exit(1);
                }
                out->stanzas = grown;
            }
            cur = &out->stanzas[out->count++];
            cur->line = lineno;
            cur->count = 0;
        }
        if (cur->count == STANZA_MAX_FIELDS)
            stanza_die(lineno, "too many fields in one stanza");
        last = &cur->fields[cur->count++];
        last->line = lineno;
        last->key = stanza_xstrdup(key);
        last->value = stanza_xstrdup(value);
    }
    free(text);
}

void stanza_read_headed(const char *path, const char *first_key, struct stanza_file *out)
{
    stanza_read(path, out);
    if (out->count == 0 || strcmp(out->stanzas[0].fields[0].key, first_key) != 0)
        stanza_die(out->count ? out->stanzas[0].line : 0, "file must start with a %s: stanza",
                   first_key);
}

void stanza_fill(const struct stanza *st, int first, void *entry, stanza_slot_fn *slot)
{
    int i;
    for (i = first; i < st->count; i++) {
        const struct stanza_field *f = &st->fields[i];
        char **to = slot(entry, f);
        if (!to)
            stanza_die(f->line, "unknown key '%s'", f->key);
        if (*to)
            stanza_die(f->line, "key '%s' given twice", f->key);
        *to = f->value;
    }
}

void stanza_put_string(FILE *out, const char *s)
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
