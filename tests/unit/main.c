/* The unit test runner: runs every named test, or those named on the
 * command line, and ends with "N passed, N failed". */
#include <stdlib.h>

#include "test.h"

int test_failures;

#define MAX_SUITES 64
static const struct test_case *suites[MAX_SUITES];
static size_t suite_count;

void test_register_suite(const struct test_case *suite)
{
    if (suite_count < MAX_SUITES)
        suites[suite_count++] = suite;
}

char *test_read_source_file(const char *relative_path, size_t *len)
{
    char path[4096];
    FILE *f;
    char *buf;
    long size;
    snprintf(path, sizeof path, "%s/%s", SIPCODE_SOURCE_DIR, relative_path);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    buf[size] = '\0';
    if (len)
        *len = (size_t)size;
    return buf;
}

static int selected(const char *name, int argc, char **argv)
{
    int i;
    if (argc < 2)
        return 1;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    size_t s;
    if (suite_count == MAX_SUITES) {
        fprintf(stderr, "too many test suites: raise MAX_SUITES\n");
        return 1;
    }
    for (s = 0; s < suite_count; s++) {
        const struct test_case *t;
        for (t = suites[s]; t->name; t++) {
            if (!selected(t->name, argc, argv))
                continue;
            test_failures = 0;
            t->run();
            if (test_failures) {
                failed++;
                printf("FAIL %s\n", t->name);
            } else {
                passed++;
                printf("ok   %s\n", t->name);
            }
        }
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
