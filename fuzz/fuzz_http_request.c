/* Fuzz target for the request router of 'sipcode stats --listen'
 * (cli_http_route() in cli/exporter.c): the one parser of the command that
 * reads bytes from the network. The command is not part of the library, so
 * its two source files are compiled in here. Checks properties: only the
 * four documented answers, 200 only for GET or HEAD of /metrics,
 * OpenMetrics only when the bytes name it, HEAD only for HEAD. */
#define _GNU_SOURCE /* what exporter.c and options.c ask for, before any header */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cli/exporter.c"
#include "../cli/options.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int names_openmetrics(const uint8_t *data, size_t size)
{
    static const char om[] = "application/openmetrics-text";
    size_t i;
    for (i = 0; i + sizeof om - 1 <= size; i++)
        if (strncasecmp((const char *)data + i, om, sizeof om - 1) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: ASan sees a read past the request. */
    char *req = malloc(size ? size : 1);
    int om = -1, head = -1, status;
    if (!req)
        return 0;
    if (size)
        memcpy(req, data, size);
    status = cli_http_route(req, size, &om, &head);
    if (status != 200 && status != 400 && status != 404 && status != 405)
        __builtin_trap();
    if (status != 200 && (om != 0 || head != 0))
        __builtin_trap();
    if (status == 200) {
        int get = size >= 13 && memcmp(req, "GET /metrics", 12) == 0;
        int hd = size >= 14 && memcmp(req, "HEAD /metrics", 13) == 0;
        if (!get && !hd)
            __builtin_trap();
        if (head != hd || (om && !names_openmetrics(data, size)) || (om != 0 && om != 1))
            __builtin_trap();
    }
    free(req);
    return 0;
}
