/* stanza.h - the one reader behind the data generators (gen_registry,
 * gen_warn, gen_q850).
 *
 * Every reviewed data file has the same shape: stanzas of `key: value` lines
 * separated by blank lines, `#` comments, and indented continuation lines
 * that fold into the previous value with one space. The reader is strict
 * (printable ASCII only, lower-case keys, no empty values) and stops the
 * generator with file and line on anything else, so a typo in the data can
 * never become a quietly wrong table. Build-time only: it allocates and exits. */
#ifndef SIPCODE_DATA_STANZA_H
#define SIPCODE_DATA_STANZA_H

#include <stddef.h>
#include <stdio.h>

#define STANZA_MAX_FIELDS 128

struct stanza_field {
    int line;
    char *key, *value;
};

struct stanza {
    int line;
    struct stanza_field fields[STANZA_MAX_FIELDS];
    int count;
};

struct stanza_file {
    const char *path;
    struct stanza *stanzas;
    int count;
};

/* Names the generator in messages ("gen_warn"); call before anything else. */
void stanza_set_program(const char *name);

/* Prints "<program>: <path>:<line>: <message>" for the file read last and exits 1. */
void stanza_die(int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3), noreturn))
#endif
    ;

/* Strips blanks (and a trailing CR) from both ends, in place. */
char *stanza_trim(char *s);

void *stanza_xmalloc(size_t n);
char *stanza_xstrdup(const char *s);

/* Reads path whole into stanzas; dies on any deviation from the format. */
void stanza_read(const char *path, struct stanza_file *out);

/* stanza_read, then dies unless the first stanza starts with first_key (the
 * header stanza of a registry file, "registry-version"). */
void stanza_read_headed(const char *path, const char *first_key, struct stanza_file *out);

/* The slot in entry that field f's value goes to, NULL for a key the entry
 * does not have. A repeatable key gives its next free slot. */
typedef char **stanza_slot_fn(void *entry, const struct stanza_field *f);

/* Stores st's fields from index first on in entry through slot(); dies on
 * an unknown key or one given twice. */
void stanza_fill(const struct stanza *st, int first, void *entry, stanza_slot_fn *slot);

/* Writes s as a C string literal (quotes, backslashes and newlines escaped). */
void stanza_put_string(FILE *out, const char *s);

#endif /* SIPCODE_DATA_STANZA_H */
