/* Text and TSV rendering shared by the subcommands. */
#include <string.h>

#include "cli.h"

const char *cli_style(const struct cli *cli, const char *role)
{
    static const struct {
        const char *role, *ansi;
    } styles[] = {
        {"reset", "\033[0m"}, {"bold", "\033[1m"}, {"dim", "\033[2m"},
        {"warn", "\033[33m"}, {"bad", "\033[31m"}, {"label", "\033[36m"},
    };
    size_t i;
    if (!cli->color)
        return "";
    for (i = 0; i < sizeof styles / sizeof *styles; i++)
        if (strcmp(styles[i].role, role) == 0)
            return styles[i].ansi;
    return "";
}

const char *cli_class_style(const struct cli *cli, int klass)
{
    /* 1xx cyan, 2xx green, 3xx blue, 4xx yellow, 5xx red, 6xx magenta */
    static const char *const ansi[] = {"\033[1;36m", "\033[1;32m", "\033[1;34m",
                                       "\033[1;33m", "\033[1;31m", "\033[1;35m"};
    if (!cli->color)
        return "";
    if (klass < 1 || klass > 6)
        return "\033[1m";
    return ansi[klass - 1];
}

void cli_wrap(FILE *out, const char *indent, const char *text, int width)
{
    cli_wrap_hanging(out, 0, indent, text, width);
}

void cli_wrap_hanging(FILE *out, int start_col, const char *indent, const char *text, int width)
{
    const char *p = text;
    int indent_len = (int)strlen(indent);
    int col = start_col, line_has_word = 0;
    if (width < indent_len + 20)
        width = indent_len + 20;
    while (*p) {
        const char *w;
        int len;
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && *p != ' ')
            p++;
        len = (int)(p - w);
        if (!line_has_word) {
            if (col == 0) {
                fputs(indent, out);
                col = indent_len;
            }
        } else if (col + 1 + len > width) {
            fputc('\n', out);
            fputs(indent, out);
            col = indent_len;
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(w, 1, (size_t)len, out);
        col += len;
        line_has_word = 1;
    }
    if (line_has_word || start_col)
        fputc('\n', out);
}

void cli_text_table_header(struct cli *cli)
{
    fprintf(cli->out, "%sCODE  %-42s %-12s %s%s\n", cli_style(cli, "bold"), "PHRASE", "STATUS",
            "DEFINED IN", cli_style(cli, "reset"));
}

void cli_text_entry_row(struct cli *cli, const struct sipcode_info *info)
{
    const char *status_style = info->status == SIPCODE_STATUS_CURRENT      ? ""
                               : info->status == SIPCODE_STATUS_DEPRECATED ? cli_style(cli, "warn")
                                                                           : cli_style(cli, "bad");
    /* Long vendor phrases would push the columns apart: shorten them here only. */
    int wide = strlen(info->phrase) > 42;
    fprintf(cli->out, "%s%d%s   %-*.*s%s %s%-12s%s ", cli_class_style(cli, info->klass), info->code,
            cli_style(cli, "reset"), wide ? 39 : 42, wide ? 39 : 42, info->phrase,
            wide ? "..." : "", status_style, sipcode_status_name(info->status),
            cli_style(cli, "reset"));
    if (*info->rfc)
        fprintf(cli->out, "%s section %s\n", info->rfc, info->section);
    else
        fprintf(cli->out, "%s\n", info->origin);
}

/* TSV cells cannot hold tabs or line ends; the data has none, but never
 * trust that in an output format. */
static void tsv_cell(FILE *out, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

void cli_tsv_header(struct cli *cli)
{
    fputs("code\tphrase\tclass\tstatus\trfc\tsection\tname\tscope\tsenders\theaders\torigin\n",
          cli->out);
}

void cli_tsv_entry(struct cli *cli, const struct sipcode_info *info)
{
    unsigned bit;
    size_t i;
    int first = 1;
    fprintf(cli->out, "%d\t", info->code);
    tsv_cell(cli->out, info->phrase);
    fprintf(cli->out, "\t%d\t%s\t", info->klass, sipcode_status_name(info->status));
    tsv_cell(cli->out, info->rfc);
    fputc('\t', cli->out);
    tsv_cell(cli->out, info->section);
    fprintf(cli->out, "\t%s\t%s\t", info->name, sipcode_scope_name(info->scope));
    for (bit = 1; bit < (1u << SIPCODE_SENDER_COUNT); bit <<= 1)
        if (info->senders & bit) {
            fprintf(cli->out, "%s%s", first ? "" : ",", sipcode_sender_name(bit));
            first = 0;
        }
    fputc('\t', cli->out);
    for (i = 0; i < info->header_count; i++)
        fprintf(cli->out, "%s%s:%s", i ? "," : "", info->headers[i].name,
                sipcode_level_name(info->headers[i].level));
    fputc('\t', cli->out);
    tsv_cell(cli->out, info->origin);
    fputc('\n', cli->out);
}
