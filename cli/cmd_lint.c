/* sipcode lint [FILE|-]: checks every SIP response in the input with the
 * library's linter. Exit 0 when no finding has error severity, 1 otherwise. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_HEADERS 256
#define MAX_FINDINGS 64

struct tally {
    size_t responses, by_severity[3];
};

static void print_rules(struct cli *cli)
{
    size_t i;
    struct cli_json j;
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&j, cli->out);
        cli_json_array_begin(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("id\tseverity\tsummary\treference\n", cli->out);
    }
    for (i = 0; i < sipcode_lint_rule_count(); i++) {
        const struct sipcode_lint_rule *r = sipcode_lint_rule_at(i);
        if (cli->format == CLI_FORMAT_JSON) {
            cli_json_object_begin(&j);
            cli_json_key(&j, "id");
            cli_json_string(&j, r->id);
            cli_json_key(&j, "severity");
            cli_json_string(&j, sipcode_severity_name(r->severity));
            cli_json_key(&j, "summary");
            cli_json_string(&j, r->summary);
            cli_json_key(&j, "reference");
            cli_json_string(&j, r->reference);
            cli_json_object_end(&j);
        } else if (cli->format == CLI_FORMAT_TSV) {
            fprintf(cli->out, "%s\t%s\t%s\t%s\n", r->id, sipcode_severity_name(r->severity),
                    r->summary, r->reference);
        } else {
            fprintf(cli->out, "%-28s %-8s %s (%s)\n", r->id, sipcode_severity_name(r->severity),
                    r->summary, r->reference);
        }
    }
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_array_end(&j);
        cli_json_end(&j);
    }
}

static void emit_finding(struct cli *cli, struct cli_json *j, const char *name,
                         size_t base, const struct sipcode_finding *f)
{
    const struct sipcode_lint_rule *r = f->rule;
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_object_begin(j);
        cli_json_key(j, "id");
        cli_json_string(j, r->id);
        cli_json_key(j, "severity");
        cli_json_string(j, sipcode_severity_name(r->severity));
        cli_json_key(j, "offset");
        cli_json_int(j, (long long)(base + f->offset));
        cli_json_key(j, "subject");
        if (f->subject.len)
            cli_json_string_n(j, f->subject.ptr, f->subject.len);
        else
            cli_json_null(j);
        cli_json_key(j, "summary");
        cli_json_string(j, r->summary);
        cli_json_key(j, "reference");
        cli_json_string(j, r->reference);
        cli_json_object_end(j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fprintf(cli->out, "%s\t%zu\t%s\t%s\t%.*s\n", name, base + f->offset,
                sipcode_severity_name(r->severity), r->id, (int)f->subject.len,
                f->subject.len ? f->subject.ptr : "");
    } else {
        const char *style = r->severity == SIPCODE_SEVERITY_ERROR     ? cli_style(cli, "bad")
                            : r->severity == SIPCODE_SEVERITY_WARNING ? cli_style(cli, "warn")
                                                                      : "";
        fprintf(cli->out, "%s:%zu: %s%s%s: %s: %s", name, base + f->offset, style,
                sipcode_severity_name(r->severity), cli_style(cli, "reset"), r->id, r->summary);
        if (f->subject.len)
            fprintf(cli->out, " [%.*s]", (int)f->subject.len, f->subject.ptr);
        fprintf(cli->out, " (%s)\n", r->reference);
    }
}

/* Lints every message of buf; returns the tally. */
static void lint_all(struct cli *cli, struct cli_json *j, const char *name, const char *buf,
                     size_t len, unsigned flags, struct tally *t)
{
    static struct sipcode_header headers[MAX_HEADERS];
    size_t at = 0, k;
    while (at < len) {
        struct sipcode_message msg;
        struct sipcode_finding findings[MAX_FINDINGS];
        struct sipcode_diag diag = {0, NULL};
        size_t used = 0, n;
        enum sipcode_err err;

        /* Blank lines between messages in a file are not messages. */
        while (at < len && (buf[at] == '\r' || buf[at] == '\n'))
            at++;
        if (at == len)
            break;
        err = sipcode_parse_message(buf + at, len - at, flags, headers, MAX_HEADERS, &msg, &used,
                                    &diag);
        t->responses++;
        if (cli->format == CLI_FORMAT_JSON) {
            cli_json_object_begin(j);
            cli_json_key(j, "offset");
            cli_json_int(j, (long long)at);
            cli_json_key(j, "code");
            if (err == SIPCODE_OK || err == SIPCODE_EVERSION)
                cli_json_int(j, msg.is_request ? 0 : msg.status.code);
            else
                cli_json_null(j);
            cli_json_key(j, "findings");
            cli_json_array_begin(j);
        }
        if (err != SIPCODE_OK && err != SIPCODE_EVERSION) {
            struct sipcode_finding f;
            f.rule = sipcode_lint_rule_find("malformed-message", 17);
            f.offset = diag.offset;
            f.subject.ptr = diag.reason;
            f.subject.len = diag.reason ? strlen(diag.reason) : 0;
            emit_finding(cli, j, name, at, &f);
            t->by_severity[SIPCODE_SEVERITY_ERROR]++;
            if (cli->format == CLI_FORMAT_JSON) {
                cli_json_array_end(j);
                cli_json_object_end(j);
            }
            return; /* the framing is lost: nothing after this can be trusted */
        }
        n = sipcode_lint_response(buf + at, &msg, findings, MAX_FINDINGS);
        for (k = 0; k < n && k < MAX_FINDINGS; k++) {
            emit_finding(cli, j, name, at, &findings[k]);
            t->by_severity[findings[k].rule->severity]++;
        }
        if (cli->format == CLI_FORMAT_JSON) {
            cli_json_array_end(j);
            cli_json_object_end(j);
        }
        at += used;
    }
}

int cmd_lint(struct cli *cli, int argc, char **argv)
{
    const char *path = NULL;
    unsigned flags = 0;
    int i, m, list_rules = 0;
    char *buf;
    size_t len = 0;
    struct tally t;
    struct cli_json j;

    for (i = 0; i < argc; i++) {
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if (cli_match_option(argc, argv, &i, "--lenient", 'l', NULL)) {
            flags |= SIPCODE_LENIENT_ALL;
        } else if (cli_match_option(argc, argv, &i, "--rules", 0, NULL)) {
            list_rules = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(argv[i], "unknown option for lint");
        } else if (path) {
            return cli_usage_error("lint", "one input only, got '%s' too", argv[i]);
        } else {
            path = argv[i];
        }
    }
    cli_finish_options(cli);
    if (list_rules) {
        print_rules(cli);
        return cli_finish_output(cli, CLI_EXIT_OK);
    }
    buf = cli_read_input(&path, &len);
    if (!buf)
        return CLI_EXIT_IO;

    memset(&t, 0, sizeof t);
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_init(&j, cli->out);
        cli_json_object_begin(&j);
        cli_json_key(&j, "file");
        cli_json_string(&j, path);
        cli_json_key(&j, "responses");
        cli_json_array_begin(&j);
    } else if (cli->format == CLI_FORMAT_TSV) {
        fputs("file\toffset\tseverity\tid\tsubject\n", cli->out);
    }
    lint_all(cli, &j, path, buf, len, flags, &t);
    free(buf);
    if (cli->format == CLI_FORMAT_JSON) {
        cli_json_array_end(&j);
        cli_json_key(&j, "errors");
        cli_json_int(&j, (long long)t.by_severity[SIPCODE_SEVERITY_ERROR]);
        cli_json_key(&j, "warnings");
        cli_json_int(&j, (long long)t.by_severity[SIPCODE_SEVERITY_WARNING]);
        cli_json_key(&j, "infos");
        cli_json_int(&j, (long long)t.by_severity[SIPCODE_SEVERITY_INFO]);
        cli_json_object_end(&j);
        cli_json_end(&j);
    } else if (cli->format == CLI_FORMAT_TEXT) {
        fprintf(cli->out, "%s: %zu message%s, %zu error%s, %zu warning%s, %zu info\n", path,
                t.responses, t.responses == 1 ? "" : "s", t.by_severity[SIPCODE_SEVERITY_ERROR],
                t.by_severity[SIPCODE_SEVERITY_ERROR] == 1 ? "" : "s",
                t.by_severity[SIPCODE_SEVERITY_WARNING],
                t.by_severity[SIPCODE_SEVERITY_WARNING] == 1 ? "" : "s",
                t.by_severity[SIPCODE_SEVERITY_INFO]);
    }
    return cli_finish_output(cli, t.by_severity[SIPCODE_SEVERITY_ERROR] ? CLI_EXIT_REJECTED
                                                                        : CLI_EXIT_OK);
}
