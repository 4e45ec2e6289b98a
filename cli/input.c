/* Reading the command's input. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Large enough for any message the framer accepts, with room to spare. */
#define MAX_INPUT (SIPCODE_MAX_CONTENT_LENGTH + 1024u * 1024u)

char *cli_read_all(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        size_t got;
        if (n == cap) {
            char *bigger;
            if (cap >= MAX_INPUT) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            bigger = realloc(buf, cap);
            if (!bigger) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                errno = EIO;
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}


char *cli_read_input(const char **path, size_t *len)
{
    FILE *f;
    char *buf;
    if (!*path || strcmp(*path, "-") == 0) {
        f = stdin;
        *path = "<stdin>";
    } else if (!(f = fopen(*path, "rb"))) {
        cli_error(*path, "%s", strerror(errno));
        return NULL;
    }
    buf = cli_read_all(f, len);
    if (!buf)
        cli_error(*path, "%s", strerror(errno));
    if (f != stdin)
        fclose(f);
    return buf;
}
