/* sipcode explain CODE|PHRASE (also plain "sipcode CODE"). */
#include <string.h>

#include "cli.h"

#define MAX_PHRASE 256
#define WRAP_WIDTH 78

static const char *status_explanation(enum sipcode_status status)
{
    switch (status) {
    case SIPCODE_STATUS_CURRENT:
        return "registered with IANA and in use";
    case SIPCODE_STATUS_DEPRECATED:
        return "registered with IANA, but its RFC says not to send it any more";
    case SIPCODE_STATUS_HISTORIC:
        return "defined only by the obsolete RFC 2543; never registered with IANA";
    case SIPCODE_STATUS_UNREGISTERED:
        return "not in the IANA registry; sent by the system named below";
    }
    return "";
}

static void label(struct cli *cli, const char *name)
{
    fprintf(cli->out, "  %s%-10s%s ", cli_style(cli, "label"), name, cli_style(cli, "reset"));
}

static void section_title(struct cli *cli, const char *title)
{
    fprintf(cli->out, "\n%s%s%s\n", cli_style(cli, "bold"), title, cli_style(cli, "reset"));
}

static void print_class(struct cli *cli, int code)
{
    int klass = sipcode_class(code);
    label(cli, "class");
    if (klass)
        fprintf(cli->out, "%dxx %s%s\n", klass, sipcode_class_name(klass),
                sipcode_is_final(code) ? " (final)" : "");
    else
        fprintf(cli->out, "%dxx: outside SIP's six classes; never valid on the wire\n", code / 100);
}

/* Labels take 13 columns ("  " + 10 + " "); long values wrap under them. */
#define LABEL_WIDTH 13

static void print_list(struct cli *cli, const char *name, const char *list)
{
    if (!*list)
        return;
    label(cli, name);
    cli_wrap_hanging(cli->out, LABEL_WIDTH, "             ", list, WRAP_WIDTH);
}

static void explain_text(struct cli *cli, int code, const struct sipcode_info *info,
                         const struct sipcode_resolution *res, int resolved)
{
    size_t i;
    unsigned bit;
    int first = 1;

    fprintf(cli->out, "%s%d%s %s%s%s\n", cli_class_style(cli, code / 100), code,
            cli_style(cli, "reset"), cli_style(cli, "bold"),
            info ? info->phrase : "(no registered phrase)", cli_style(cli, "reset"));
    print_class(cli, code);
    label(cli, "status");
    if (info)
        fprintf(cli->out, "%s: %s\n", sipcode_status_name(info->status),
                status_explanation(info->status));
    else
        fprintf(cli->out, "unregistered: not in the IANA registry, and sipcode knows of no "
                          "system that sends it\n");
    if (info && *info->rfc) {
        label(cli, "defined");
        fprintf(cli->out, "%s section %s\n", info->rfc, info->section);
    }
    if (info) {
        print_list(cli, "also", info->also);
        print_list(cli, "origin", info->origin);
        label(cli, "sent by");
        for (bit = 1; bit < (1u << SIPCODE_SENDER_COUNT); bit <<= 1)
            if (info->senders & bit) {
                fprintf(cli->out, "%s%s", first ? "" : ", ", sipcode_sender_name(bit));
                first = 0;
            }
        fputc('\n', cli->out);
        label(cli, "scope");
        fprintf(cli->out, "%s\n", sipcode_scope_name(info->scope));
        if (info->header_count) {
            label(cli, "headers");
            for (i = 0; i < info->header_count; i++)
                fprintf(cli->out, "%s%s (%s)", i ? ", " : "", info->headers[i].name,
                        sipcode_level_name(info->headers[i].level));
            fputc('\n', cli->out);
        }
        print_list(cli, "aliases", info->aliases);
    }
    if (resolved && res->fallback) {
        label(cli, "receivers");
        fprintf(cli->out, "treat it as %d %s unless they know it (RFC 3261 section 8.1.3.2)\n",
                res->effective, res->effective_info->phrase);
    }
    if (info) {
        section_title(cli, "Meaning");
        cli_wrap(cli->out, "  ", info->meaning, WRAP_WIDTH);
        section_title(cli, "What to check");
        cli_wrap(cli->out, "  ", info->check, WRAP_WIDTH);
        if (*info->notes) {
            const char *p = info->notes;
            char line[2048];
            section_title(cli, "Notes and sources");
            while (*p) {
                size_t n = strcspn(p, "\n");
                if (n >= sizeof line)
                    n = sizeof line - 1;
                memcpy(line, p, n);
                line[n] = '\0';
                cli_wrap(cli->out, "  ", line, WRAP_WIDTH);
                p += strcspn(p, "\n");
                if (*p)
                    p++;
            }
        }
    } else if (resolved) {
        char title[128];
        snprintf(title, sizeof title, "Meaning of %d %s, as receivers read it", res->effective,
                 res->effective_info->phrase);
        section_title(cli, title);
        cli_wrap(cli->out, "  ", res->effective_info->meaning, WRAP_WIDTH);
    }
}

static void explain_json(struct cli *cli, int code, const struct sipcode_info *info,
                         const struct sipcode_resolution *res, int resolved)
{
    struct cli_json j;
    cli_json_init(&j, cli->out);
    cli_json_object_begin(&j);
    cli_json_key(&j, "code");
    cli_json_int(&j, code);
    cli_json_key(&j, "known");
    cli_json_bool(&j, info != NULL);
    cli_json_key(&j, "registered");
    cli_json_bool(&j, info && (info->status == SIPCODE_STATUS_CURRENT ||
                               info->status == SIPCODE_STATUS_DEPRECATED));
    cli_json_key(&j, "valid");
    cli_json_bool(&j, sipcode_is_valid(code));
    cli_json_key(&j, "effective");
    if (resolved)
        cli_json_int(&j, res->effective);
    else
        cli_json_null(&j);
    cli_json_key(&j, "fallback");
    cli_json_bool(&j, resolved && res->fallback);
    cli_json_key(&j, "effective_phrase");
    cli_json_string(&j, resolved ? res->effective_info->phrase : NULL);
    cli_json_key(&j, "entry");
    if (info)
        cli_json_entry(&j, info);
    else
        cli_json_null(&j);
    cli_json_object_end(&j);
    cli_json_end(&j);
}

static void explain_tsv(struct cli *cli, int code, const struct sipcode_info *info)
{
    cli_tsv_header(cli);
    if (info)
        cli_tsv_entry(cli, info);
    else
        fprintf(cli->out, "%d\t\t%d\tunregistered\t\t\t\tend-to-end\t\t\t\n", code, code / 100);
}

int cmd_explain(struct cli *cli, int argc, char **argv)
{
    char text[MAX_PHRASE];
    size_t len = 0;
    int i, m, code = 0, resolved, words = 0;
    const struct sipcode_info *info = NULL;
    struct sipcode_resolution res;
    enum sipcode_err err;

    for (i = 0; i < argc; i++) {
        size_t n;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return cli_usage_error(argv[i], "unknown option for explain");
        /* Words of a phrase may come unquoted: "sipcode explain busy here". */
        n = strlen(argv[i]);
        if (len + n + 1 >= sizeof text)
            return cli_usage_error("explain", "argument longer than %d bytes", MAX_PHRASE - 1);
        if (words++)
            text[len++] = ' ';
        memcpy(text + len, argv[i], n);
        len += n;
    }
    if (!words)
        return cli_usage_error("explain", "no code or phrase given");
    text[len] = '\0';
    cli_finish_options(cli);
    if (!len) {
        cli_error("''", "not a response code (three digits, 100..699) or a known phrase");
        return CLI_EXIT_REJECTED;
    }

    err = sipcode_parse_code(text, len, &code);
    if (err == SIPCODE_OK) {
        info = sipcode_lookup(code);
    } else if (err == SIPCODE_ERANGE && len == 3) {
        /* 7xx: not a valid code, but stacks use some internally. */
        code = (text[0] - '0') * 100 + (text[1] - '0') * 10 + (text[2] - '0');
        info = sipcode_lookup(code);
        if (!info) {
            cli_error(text, "not a SIP response code: it must be three digits in 100..699");
            return CLI_EXIT_REJECTED;
        }
    } else if (err == SIPCODE_ERANGE) {
        cli_error(text, "not a SIP response code: it must be three digits in 100..699");
        return CLI_EXIT_REJECTED;
    } else {
        info = sipcode_lookup_phrase(text, len);
        if (!info) {
            cli_error(text, "not a response code (three digits, 100..699) or a known reason "
                            "phrase; try 'sipcode search'");
            return CLI_EXIT_REJECTED;
        }
        code = info->code;
    }
    resolved = sipcode_resolve(code, &res) == SIPCODE_OK;

    if (cli->format == CLI_FORMAT_JSON)
        explain_json(cli, code, info, &res, resolved);
    else if (cli->format == CLI_FORMAT_TSV)
        explain_tsv(cli, code, info);
    else
        explain_text(cli, code, info, &res, resolved);
    return cli_finish_output(cli, CLI_EXIT_OK);
}
