/* sipcode format CODE [--reason TEXT]: writes the status line for a code. */
#include <string.h>

#include "cli.h"

int cmd_format(struct cli *cli, int argc, char **argv)
{
    const char *code_text = NULL, *reason = NULL;
    char line[SIPCODE_MAX_LINE + 16];
    size_t needed = 0;
    int i, m, code = 0;
    enum sipcode_err err;

    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &i, "--reason", 'r', &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            reason = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(argv[i], "unknown option for format");
        } else if (code_text) {
            return cli_usage_error("format", "one code only, got '%s' too", argv[i]);
        } else {
            code_text = argv[i];
        }
    }
    if (!code_text)
        return cli_usage_error("format", "no code given");
    cli_finish_options(cli);

    if (sipcode_parse_code(code_text, strlen(code_text), &code) != SIPCODE_OK) {
        cli_error(code_text, "not a SIP response code: it must be three digits in 100..699");
        return CLI_EXIT_REJECTED;
    }
    err = sipcode_format_status_line(line, sizeof line, code, reason, reason ? strlen(reason) : 0,
                                     &needed);
    if (err != SIPCODE_OK) {
        cli_error("--reason", "%s: a reason phrase cannot hold line ends, control bytes, invalid "
                              "UTF-8 or some punctuation (RFC 3261 section 25.1)",
                  sipcode_strerror(err));
        return CLI_EXIT_REJECTED;
    }
    if (cli->format == CLI_FORMAT_JSON) {
        struct cli_json j;
        cli_json_init(&j, cli->out);
        cli_json_object_begin(&j);
        cli_json_key(&j, "line");
        cli_json_string_n(&j, line, needed);
        cli_json_key(&j, "code");
        cli_json_int(&j, code);
        cli_json_key(&j, "reason");
        cli_json_string_n(&j, line + 12, needed - 14);
        cli_json_key(&j, "registered_phrase");
        cli_json_string(&j, sipcode_phrase(code));
        cli_json_object_end(&j);
        cli_json_end(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("code\treason\n", cli->out);
        fprintf(cli->out, "%d\t%.*s\n", code, (int)(needed - 14), line + 12);
    } else {
        /* The exact wire bytes, CRLF included, so the output can be sent as is. */
        fwrite(line, 1, needed, cli->out);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}
