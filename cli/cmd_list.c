/* sipcode list: every entry of the registry, optionally filtered. */
#include <string.h>

#include "cli.h"

/* Parses --status: a status name, or "registered" for current + deprecated.
 * Returns a bit set over enum sipcode_status, 0 when unknown. */
static unsigned status_mask(const char *name)
{
    int s;
    if (strcmp(name, "registered") == 0)
        return 1u << SIPCODE_STATUS_CURRENT | 1u << SIPCODE_STATUS_DEPRECATED;
    for (s = SIPCODE_STATUS_CURRENT; s <= SIPCODE_STATUS_UNREGISTERED; s++)
        if (strcmp(name, sipcode_status_name((enum sipcode_status)s)) == 0)
            return 1u << s;
    return 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
    int klass = 0, i, m;
    unsigned statuses = ~0u;
    size_t k, shown = 0;
    struct cli_json json;

    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &i, "--class", 'c', &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (strlen(v) != 1 || v[0] < '1' || v[0] > '7')
                return cli_usage_error("--class", "'%s' is not a class 1..7", v);
            klass = v[0] - '0';
        } else if ((m = cli_match_option(argc, argv, &i, "--status", 's', &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            statuses = status_mask(v);
            if (!statuses)
                return cli_usage_error("--status",
                                       "'%s' is not current, deprecated, historic, "
                                       "unregistered or registered",
                                       v);
        } else {
            return cli_usage_error("list", "unexpected argument '%s'", argv[i]);
        }
    }
    cli_finish_options(cli);

    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&json, cli->out);
        cli_json_array_begin(&json);
    } else if (cli->format == CLI_FORMAT_TSV) {
        cli_tsv_header(cli);
    } else {
        cli_text_table_header(cli);
    }
    for (k = 0; k < sipcode_registry_count(); k++) {
        const struct sipcode_info *e = sipcode_registry_at(k);
        if (klass && e->klass != klass)
            continue;
        if (!(statuses & 1u << e->status))
            continue;
        shown++;
        if (cli->format == CLI_FORMAT_JSON)
            cli_json_entry(&json, e);
        else if (cli->format == CLI_FORMAT_TSV)
            cli_tsv_entry(cli, e);
        else
            cli_text_entry_row(cli, e);
    }
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_array_end(&json);
        cli_json_end(&json);
    }
    /* An empty selection is still a correct answer to a valid question. */
    (void)shown;
    return cli_finish_output(cli, CLI_EXIT_OK);
}
