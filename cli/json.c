/* A small streaming JSON writer (RFC 8259) for the command's --format json. */
#include <string.h>

#include "cli.h"

void cli_json_init(struct cli_json *j, FILE *out)
{
    memset(j, 0, sizeof *j);
    j->out = out;
}

static void indent(struct cli_json *j)
{
    int d;
    if (j->compact)
        return;
    fputc('\n', j->out);
    for (d = 0; d < j->depth; d++)
        fputs("  ", j->out);
}

/* Separator and indentation before a value or key at the current depth. */
static void before_item(struct cli_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0 && j->depth <= CLI_JSON_MAX_DEPTH) {
        if (j->count[j->depth - 1]++)
            fputc(',', j->out);
        indent(j);
    }
}

static void open_container(struct cli_json *j, int c)
{
    before_item(j);
    fputc(c, j->out);
    if (j->depth < CLI_JSON_MAX_DEPTH)
        j->count[j->depth] = 0;
    j->depth++;
}

static void close_container(struct cli_json *j, int c)
{
    int had_items = j->depth <= CLI_JSON_MAX_DEPTH && j->count[j->depth - 1] > 0;
    j->depth--;
    if (had_items)
        indent(j);
    fputc(c, j->out);
}

void cli_json_object_begin(struct cli_json *j)
{
    open_container(j, '{');
}

void cli_json_object_end(struct cli_json *j)
{
    close_container(j, '}');
}

void cli_json_array_begin(struct cli_json *j)
{
    open_container(j, '[');
}

void cli_json_array_end(struct cli_json *j)
{
    close_container(j, ']');
}

static void put_escaped(FILE *out, const char *s, size_t len)
{
    size_t i;
    fputc('"', out);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

void cli_json_key(struct cli_json *j, const char *key)
{
    before_item(j);
    put_escaped(j->out, key, strlen(key));
    fputs(j->compact ? ":" : ": ", j->out);
    j->after_key = 1;
}

void cli_json_string(struct cli_json *j, const char *s)
{
    if (!s) {
        cli_json_null(j);
        return;
    }
    cli_json_string_n(j, s, strlen(s));
}

void cli_json_string_n(struct cli_json *j, const char *s, size_t len)
{
    before_item(j);
    put_escaped(j->out, s, len);
}

void cli_json_int(struct cli_json *j, long long v)
{
    before_item(j);
    fprintf(j->out, "%lld", v);
}

void cli_json_bool(struct cli_json *j, int v)
{
    before_item(j);
    fputs(v ? "true" : "false", j->out);
}

void cli_json_null(struct cli_json *j)
{
    before_item(j);
    fputs("null", j->out);
}

void cli_json_end(struct cli_json *j)
{
    fputc('\n', j->out);
}

void cli_json_split_list(struct cli_json *j, const char *list, char sep)
{
    const char *p = list;
    cli_json_array_begin(j);
    while (*p) {
        const char *start, *end;
        while (*p == ' ' || *p == sep)
            p++;
        if (!*p)
            break;
        start = p;
        while (*p && *p != sep)
            p++;
        end = p;
        while (end > start && end[-1] == ' ')
            end--;
        cli_json_string_n(j, start, (size_t)(end - start));
    }
    cli_json_array_end(j);
}

void cli_json_entry(struct cli_json *j, const struct sipcode_info *info)
{
    size_t i;
    unsigned bit;
    cli_json_object_begin(j);
    cli_json_key(j, "code");
    cli_json_int(j, info->code);
    cli_json_key(j, "phrase");
    cli_json_string(j, info->phrase);
    cli_json_key(j, "name");
    cli_json_string(j, info->name);
    cli_json_key(j, "class");
    cli_json_int(j, sipcode_class(info->code));
    cli_json_key(j, "class_name");
    cli_json_string(j, sipcode_class_name(sipcode_class(info->code)));
    cli_json_key(j, "final");
    cli_json_bool(j, sipcode_is_final(info->code));
    cli_json_key(j, "status");
    cli_json_string(j, sipcode_status_name(info->status));
    cli_json_key(j, "rfc");
    if (*info->rfc)
        cli_json_string(j, info->rfc);
    else
        cli_json_null(j);
    cli_json_key(j, "section");
    if (*info->section)
        cli_json_string(j, info->section);
    else
        cli_json_null(j);
    cli_json_key(j, "also");
    cli_json_split_list(j, info->also, ';');
    cli_json_key(j, "origin");
    if (*info->origin)
        cli_json_string(j, info->origin);
    else
        cli_json_null(j);
    cli_json_key(j, "senders");
    cli_json_array_begin(j);
    for (bit = 1; bit < (1u << SIPCODE_SENDER_COUNT); bit <<= 1)
        if (info->senders & bit)
            cli_json_string(j, sipcode_sender_name(bit));
    cli_json_array_end(j);
    cli_json_key(j, "scope");
    cli_json_string(j, sipcode_scope_name(info->scope));
    cli_json_key(j, "headers");
    cli_json_array_begin(j);
    for (i = 0; i < info->header_count; i++) {
        cli_json_object_begin(j);
        cli_json_key(j, "name");
        cli_json_string(j, info->headers[i].name);
        cli_json_key(j, "level");
        cli_json_string(j, sipcode_level_name(info->headers[i].level));
        cli_json_object_end(j);
    }
    cli_json_array_end(j);
    cli_json_key(j, "aliases");
    cli_json_split_list(j, info->aliases, ';');
    cli_json_key(j, "meaning");
    cli_json_string(j, info->meaning);
    cli_json_key(j, "check");
    cli_json_string(j, info->check);
    cli_json_key(j, "notes");
    cli_json_split_list(j, info->notes, '\n');
    cli_json_object_end(j);
}
