/* A minimal test harness: named tests in a table, assertions that print
 * file, line, expected and actual, and a closing "N passed, N failed". */
#ifndef SIPCODE_TEST_H
#define SIPCODE_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failures; /* assertions failed in the running test */

#define TEST_FAIL_AT(fmt, ...)                                                       \
    do {                                                                             \
        test_failures++;                                                             \
        fprintf(stderr, "  %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__);     \
    } while (0)

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond))                                                                 \
            TEST_FAIL_AT("expected %s", #cond);                                      \
    } while (0)

#define CHECK_INT(actual, expected)                                                  \
    do {                                                                             \
        long long a_ = (long long)(actual), e_ = (long long)(expected);              \
        if (a_ != e_)                                                                \
            TEST_FAIL_AT("%s: expected %lld, got %lld", #actual, e_, a_);            \
    } while (0)

#define CHECK_STR(actual, expected)                                                  \
    do {                                                                             \
        const char *a_ = (actual), *e_ = (expected);                                 \
        if (!a_ || !e_ || strcmp(a_, e_) != 0)                                       \
            TEST_FAIL_AT("%s: expected \"%s\", got \"%s\"", #actual,                 \
                         e_ ? e_ : "(null)", a_ ? a_ : "(null)");                    \
    } while (0)

#define CHECK_NULL(actual)                                                           \
    do {                                                                             \
        if ((actual) != NULL)                                                        \
            TEST_FAIL_AT("%s: expected NULL", #actual);                              \
    } while (0)

/* Each test file lists its tests in a table ended by {NULL, NULL} and
 * registers it with TEST_SUITE(table), so adding a file needs no other edit. */
struct test_case {
    const char *name;
    void (*run)(void);
};

void test_register_suite(const struct test_case *suite);

#define TEST_SUITE(table)                                                                    \
    __attribute__((constructor)) static void register_##table(void)                          \
    {                                                                                        \
        test_register_suite(table);                                                          \
    }

/* Reads a file of the source tree (path relative to the repository root)
 * into a malloc'd, NUL-terminated buffer; NULL and a message on failure. */
char *test_read_source_file(const char *relative_path, size_t *len);

#endif
