/* Core: the error list, its names and messages, the version. */
#include <stdlib.h>

#include <sipcode.h>

#include "test.h"

static const int all_errors[] = {
#define AS_NUMBER(name, num, text) num,
    SIPCODE_ERROR_LIST(AS_NUMBER)
#undef AS_NUMBER
};
#define ERROR_COUNT (sizeof all_errors / sizeof *all_errors)

static void errors_have_messages_and_unique_names(void)
{
    size_t i, k;
    for (i = 0; i < ERROR_COUNT; i++) {
        const char *msg = sipcode_strerror(all_errors[i]);
        const char *name = sipcode_errname(all_errors[i]);
        CHECK(msg != NULL && msg[0] != '\0');
        CHECK(strcmp(msg, "unknown error") != 0);
        CHECK(strncmp(name, "SIPCODE_", 8) == 0);
        CHECK(strcmp(name, "SIPCODE_UNKNOWN") != 0);
        CHECK_INT(all_errors[i], (int)i); /* numbers are dense and stable */
        for (k = 0; k < i; k++) {
            CHECK(strcmp(name, sipcode_errname(all_errors[k])) != 0);
            CHECK(strcmp(msg, sipcode_strerror(all_errors[k])) != 0);
        }
    }
    CHECK_STR(sipcode_errname(SIPCODE_EMALFORMED), "SIPCODE_EMALFORMED");
    CHECK_STR(sipcode_errname(SIPCODE_OK), "SIPCODE_OK");
}

static void junk_error_values_are_safe(void)
{
    static const int junk[] = {-1, -1000, (int)ERROR_COUNT, 9999, 0x7fffffff, -0x7fffffff - 1};
    size_t i;
    for (i = 0; i < sizeof junk / sizeof *junk; i++) {
        CHECK_STR(sipcode_strerror(junk[i]), "unknown error");
        CHECK_STR(sipcode_errname(junk[i]), "SIPCODE_UNKNOWN");
    }
}

/* curl's test 1538 idea: every error is documented in the man page. */
static void every_error_is_in_the_man_page(void)
{
    char *man = test_read_source_file("docs/libsipcode.3", NULL);
    size_t i;
    CHECK(man != NULL);
    if (!man)
        return;
    for (i = 0; i < ERROR_COUNT; i++) {
        const char *name = sipcode_errname(all_errors[i]);
        if (!strstr(man, name))
            TEST_FAIL_AT("%s is not described in docs/libsipcode.3", name);
    }
    free(man);
}

static void version_matches_header(void)
{
    char expect[32];
    snprintf(expect, sizeof expect, "%d.%d.%d", SIPCODE_VERSION_MAJOR, SIPCODE_VERSION_MINOR,
             SIPCODE_VERSION_PATCH);
    CHECK_STR(sipcode_version(), expect);
    CHECK_STR(SIPCODE_VERSION_STRING, expect);
}

static const struct test_case core_tests[] = {
    {"errors_have_messages_and_unique_names", errors_have_messages_and_unique_names},
    {"junk_error_values_are_safe", junk_error_values_are_safe},
    {"every_error_is_in_the_man_page", every_error_is_in_the_man_page},
    {"version_matches_header", version_matches_header},
    {NULL, NULL},
};
TEST_SUITE(core_tests)
