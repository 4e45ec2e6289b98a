/* sipcode search: word search over phrases, names, aliases and meanings. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_QUERY 1024

int cmd_search(struct cli *cli, int argc, char **argv)
{
    char query[MAX_QUERY];
    size_t qlen = 0, total, k;
    int i, m, words = 0;
    const struct sipcode_info **hits;
    struct cli_json json;

    for (i = 0; i < argc; i++) {
        size_t n;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(argv[i], "unknown option for search");
        n = strlen(argv[i]);
        if (qlen + n + 1 >= sizeof query)
            return cli_usage_error("search", "query longer than %d bytes", MAX_QUERY - 1);
        memcpy(query + qlen, argv[i], n);
        qlen += n;
        query[qlen++] = ' ';
        words++;
    }
    if (!words)
        return cli_usage_error("search", "no words to search for");
    cli_finish_options(cli);

    total = sipcode_search(query, qlen, NULL, 0);
    hits = total ? malloc(total * sizeof *hits) : NULL;
    if (total && !hits) {
        cli_error("search", "out of memory");
        return CLI_EXIT_IO;
    }
    if (total)
        sipcode_search(query, qlen, hits, total);

    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&json, cli->out);
        cli_json_array_begin(&json);
        for (k = 0; k < total; k++)
            cli_json_entry(&json, hits[k]);
        cli_json_array_end(&json);
        cli_json_end(&json);
    } else if (cli->format == CLI_FORMAT_TSV) {
        cli_tsv_header(cli);
        for (k = 0; k < total; k++)
            cli_tsv_entry(cli, hits[k]);
    } else if (total) {
        cli_text_table_header(cli);
        for (k = 0; k < total; k++)
            cli_text_entry_row(cli, hits[k]);
    }
    free(hits);
    if (!total)
        cli_error("search", "no code matches '%.*s'", (int)(qlen - 1), query);
    return cli_finish_output(cli, total ? CLI_EXIT_OK : CLI_EXIT_REJECTED);
}
