/* sipcode parse [--lenient] [--stream] [FILE|-] and sipcode parse --line TEXT:
 * runs one SIP message (or one start line) through the wire layer and shows
 * what it found. Exit 0 when well-formed, 1 when not, with the fault and its
 * byte offset on one stderr line. */
#define _POSIX_C_SOURCE 200809L /* strncasecmp */
#include <errno.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_HEADERS 256
#define MAX_LIST 32   /* values in one Reason or Warning header */
#define MAX_ITEMS 256 /* values of all of them in one message */

static void json_slice(struct cli_json *j, const char *key, struct sipcode_slice s)
{
    cli_json_key(j, key);
    if (s.ptr && s.len)
        cli_json_string_n(j, s.ptr, s.len);
    else
        cli_json_null(j);
}

static void json_number_or_null(struct cli_json *j, const char *key, long long v)
{
    cli_json_key(j, key);
    if (v >= 0)
        cli_json_int(j, v);
    else
        cli_json_null(j);
}

/* The status line members shared by --line and whole messages. */
static void json_status_members(struct cli_json *j, const struct sipcode_status_line *sl)
{
    const char *registered = sipcode_phrase(sl->code);
    struct sipcode_resolution r;
    char version[32];
    snprintf(version, sizeof version, "%u.%u", sl->version_major, sl->version_minor);
    cli_json_key(j, "kind");
    cli_json_string(j, "response");
    cli_json_key(j, "version");
    cli_json_string(j, version);
    cli_json_key(j, "code");
    cli_json_int(j, sl->code);
    json_slice(j, "reason", sl->reason);
    cli_json_key(j, "registered_phrase");
    cli_json_string(j, registered);
    cli_json_key(j, "class");
    cli_json_int(j, sipcode_class(sl->code));
    cli_json_key(j, "effective");
    cli_json_int(j, sipcode_resolve(sl->code, &r) == SIPCODE_OK ? r.effective : sl->code);
}

static void json_request_members(struct cli_json *j, const struct sipcode_request_line *rl)
{
    char version[32];
    snprintf(version, sizeof version, "%u.%u", rl->version_major, rl->version_minor);
    cli_json_key(j, "kind");
    cli_json_string(j, "request");
    cli_json_key(j, "version");
    cli_json_string(j, version);
    json_slice(j, "method", rl->method);
    json_slice(j, "uri", rl->uri);
}

static void text_status(struct cli *cli, const struct sipcode_status_line *sl)
{
    const char *registered = sipcode_phrase(sl->code);
    struct sipcode_resolution r;
    fprintf(cli->out, "response   SIP/%u.%u %s%d%s %.*s\n", sl->version_major, sl->version_minor,
            cli_class_style(cli, sl->code / 100), sl->code, cli_style(cli, "reset"),
            (int)sl->reason.len, sl->reason.ptr);
    if (!registered)
        fprintf(cli->out, "code       %d is not registered", sl->code);
    else if (sl->reason.len == strlen(registered) &&
             memcmp(sl->reason.ptr, registered, sl->reason.len) == 0)
        fprintf(cli->out, "code       %d %s (registered phrase)", sl->code, registered);
    else
        fprintf(cli->out, "code       %d, registered phrase \"%s\"", sl->code, registered);
    if (sipcode_resolve(sl->code, &r) == SIPCODE_OK && r.fallback)
        fprintf(cli->out, "; receivers treat it as %d %s", r.effective, r.effective_info->phrase);
    fputc('\n', cli->out);
}

static int report_failure(const char *what, enum sipcode_err err, const struct sipcode_diag *diag)
{
    cli_error(what, "byte %zu: %s (%s)", diag->offset,
              diag->reason ? diag->reason : sipcode_strerror(err), sipcode_errname(err));
    return CLI_EXIT_REJECTED;
}

/* parse --line TEXT: a lone status or request line; CRLF is added when the
 * text has no line end. */
static int parse_line(struct cli *cli, const char *text, unsigned flags)
{
    char buf[SIPCODE_MAX_LINE + 4];
    size_t n = strlen(text), used = 0;
    struct sipcode_diag diag = {0, NULL};
    enum sipcode_err err;
    int is_status;
    struct sipcode_status_line sl;
    struct sipcode_request_line rl;

    if (n > SIPCODE_MAX_LINE) {
        cli_error("--line", "longer than %u bytes", SIPCODE_MAX_LINE);
        return CLI_EXIT_REJECTED;
    }
    memcpy(buf, text, n);
    if (n == 0 || text[n - 1] != '\n') {
        buf[n++] = '\r';
        buf[n++] = '\n';
    }
    is_status = n >= 4 && (flags & SIPCODE_LENIENT_VERSION_CASE ? strncasecmp(buf, "SIP/", 4) == 0
                                                                 : strncmp(buf, "SIP/", 4) == 0);
    if (is_status)
        err = sipcode_parse_status_line(buf, n, flags, &sl, &used, &diag);
    else
        err = sipcode_parse_request_line(buf, n, flags, &rl, &used, &diag);
    if (err == SIPCODE_OK && used != n) {
        diag.offset = used;
        diag.reason = "bytes after the line end";
        err = SIPCODE_EMALFORMED;
    }
    if (err != SIPCODE_OK && err != SIPCODE_EVERSION)
        return report_failure("--line", err, &diag);

    if (cli->format == CLI_FORMAT_JSON) {
        struct cli_json j;
        cli_json_init(&j, cli->out);
        cli_json_object_begin(&j);
        if (is_status)
            json_status_members(&j, &sl);
        else
            json_request_members(&j, &rl);
        cli_json_key(&j, "well_formed");
        cli_json_bool(&j, err == SIPCODE_OK);
        cli_json_object_end(&j);
        cli_json_end(&j);
    } else if (is_status) {
        text_status(cli, &sl);
    } else {
        fprintf(cli->out, "request    %.*s %.*s SIP/%u.%u\n", (int)rl.method.len, rl.method.ptr,
                (int)rl.uri.len, rl.uri.ptr, rl.version_major, rl.version_minor);
    }
    if (err == SIPCODE_EVERSION) {
        cli_finish_output(cli, CLI_EXIT_OK);
        return report_failure("--line", err, &diag);
    }
    return cli_finish_output(cli, CLI_EXIT_OK);
}

static void text_slice(struct cli *cli, const char *label, struct sipcode_slice s)
{
    if (s.ptr && s.len)
        fprintf(cli->out, "%-10s %.*s\n", label, (int)s.len, s.ptr);
}

static void text_number(struct cli *cli, const char *label, long long v)
{
    if (v >= 0)
        fprintf(cli->out, "%-10s %lld\n", label, v);
}

/* Every Reason and Warning value of a message, parsed once for the checks
 * and both output formats. A header whose value does not parse contributes
 * nothing; the first failure is kept (offset in the whole message). */
struct message_lists {
    struct sipcode_reason reasons[MAX_ITEMS];
    struct sipcode_warning warnings[MAX_ITEMS];
    size_t reason_count, warning_count;
    enum sipcode_err err;
    struct sipcode_diag diag;
    const char *which; /* "Reason" or "Warning" when err != SIPCODE_OK */
};

static void parse_lists(const char *buf, const struct sipcode_message *msg,
                        struct message_lists *out)
{
    size_t i;
    out->reason_count = out->warning_count = 0;
    out->err = SIPCODE_OK;
    out->which = "";
    for (i = 0; i < msg->header_count; i++) {
        const struct sipcode_header *h = &msg->headers[i];
        struct sipcode_diag d = {0, NULL};
        size_t count = 0;
        enum sipcode_err err;
        const char *which;
        if (h->id == SIPCODE_H_REASON) {
            size_t room = MAX_ITEMS - out->reason_count;
            which = "Reason";
            err = sipcode_parse_reason(h->value.ptr, h->value.len,
                                       out->reasons + out->reason_count,
                                       room < MAX_LIST ? room : MAX_LIST, &count, &d);
            if (err == SIPCODE_OK)
                out->reason_count += count;
        } else if (h->id == SIPCODE_H_WARNING) {
            size_t room = MAX_ITEMS - out->warning_count;
            which = "Warning";
            err = sipcode_parse_warning(h->value.ptr, h->value.len,
                                        out->warnings + out->warning_count,
                                        room < MAX_LIST ? room : MAX_LIST, &count, &d);
            if (err == SIPCODE_OK)
                out->warning_count += count;
        } else {
            continue;
        }
        if (err != SIPCODE_OK && out->err == SIPCODE_OK) {
            out->err = err;
            out->which = which;
            out->diag.offset = (size_t)(h->value.ptr - buf) + d.offset;
            out->diag.reason = d.reason;
        }
    }
}

static void json_lists(struct cli_json *j, const struct message_lists *lists)
{
    size_t k;
    cli_json_key(j, "reason_headers");
    cli_json_array_begin(j);
    for (k = 0; k < lists->reason_count; k++) {
        const struct sipcode_reason *r = &lists->reasons[k];
        cli_json_object_begin(j);
        json_slice(j, "protocol", r->protocol);
        json_number_or_null(j, "cause", r->cause);
        cli_json_key(j, "text");
        if (r->has_text)
            cli_json_string_n(j, r->text.ptr, r->text.len);
        else
            cli_json_null(j);
        json_slice(j, "location", r->location);
        cli_json_object_end(j);
    }
    cli_json_array_end(j);
    cli_json_key(j, "warning_headers");
    cli_json_array_begin(j);
    for (k = 0; k < lists->warning_count; k++) {
        const struct sipcode_warning *w = &lists->warnings[k];
        const struct sipcode_warn_info *info = sipcode_warn_lookup(w->code);
        cli_json_object_begin(j);
        cli_json_key(j, "code");
        cli_json_int(j, w->code);
        json_slice(j, "agent", w->agent);
        json_slice(j, "text", w->text);
        cli_json_key(j, "registered_text");
        cli_json_string(j, info ? info->text : NULL);
        cli_json_object_end(j);
    }
    cli_json_array_end(j);
}

static void print_message_json(struct cli *cli, const struct sipcode_message *msg,
                               const struct message_lists *lists, size_t used, size_t len)
{
    struct cli_json j;
    size_t i;
    cli_json_init(&j, cli->out);
    cli_json_object_begin(&j);
    if (msg->is_request)
        json_request_members(&j, &msg->request);
    else
        json_status_members(&j, &msg->status);
    cli_json_key(&j, "well_formed");
    cli_json_bool(&j, lists->err == SIPCODE_OK);
    cli_json_key(&j, "via");
    if (msg->has_via) {
        cli_json_object_begin(&j);
        json_slice(&j, "transport", msg->via.transport);
        json_slice(&j, "host", msg->via.host);
        json_number_or_null(&j, "port", msg->via.port ? (long long)msg->via.port : -1);
        json_slice(&j, "branch", msg->via.branch);
        json_slice(&j, "received", msg->via.received);
        cli_json_key(&j, "rport");
        if (msg->via.has_rport)
            cli_json_string_n(&j, msg->via.rport.ptr ? msg->via.rport.ptr : "",
                              msg->via.rport.len);
        else
            cli_json_null(&j);
        cli_json_object_end(&j);
    } else {
        cli_json_null(&j);
    }
    json_slice(&j, "call_id", msg->call_id);
    json_number_or_null(&j, "cseq", msg->cseq);
    json_slice(&j, "cseq_method", msg->cseq_method);
    json_slice(&j, "from_tag", msg->from_tag);
    json_slice(&j, "to_tag", msg->to_tag);
    json_number_or_null(&j, "max_forwards", msg->max_forwards);
    json_number_or_null(&j, "content_length", msg->content_length);
    json_number_or_null(&j, "expires", msg->expires);
    json_number_or_null(&j, "retry_after", msg->retry_after);
    json_lists(&j, lists);
    cli_json_key(&j, "headers");
    cli_json_array_begin(&j);
    for (i = 0; i < msg->header_count; i++) {
        cli_json_object_begin(&j);
        json_slice(&j, "name", msg->headers[i].name);
        cli_json_key(&j, "value");
        cli_json_string_n(&j, msg->headers[i].value.ptr ? msg->headers[i].value.ptr : "",
                          msg->headers[i].value.len);
        cli_json_key(&j, "canonical");
        cli_json_string(&j, sipcode_header_name(msg->headers[i].id));
        cli_json_object_end(&j);
    }
    cli_json_array_end(&j);
    cli_json_key(&j, "body_length");
    cli_json_int(&j, (long long)msg->body.len);
    cli_json_key(&j, "message_length");
    cli_json_int(&j, (long long)used);
    cli_json_key(&j, "trailing_bytes");
    cli_json_int(&j, (long long)(len - used));
    cli_json_object_end(&j);
    cli_json_end(&j);
}

static void print_message_text(struct cli *cli, const struct sipcode_message *msg,
                               const struct message_lists *lists, size_t used, size_t len)
{
    size_t k;
    if (msg->is_request)
        fprintf(cli->out, "request    %.*s %.*s SIP/%u.%u\n", (int)msg->request.method.len,
                msg->request.method.ptr, (int)msg->request.uri.len, msg->request.uri.ptr,
                msg->request.version_major, msg->request.version_minor);
    else
        text_status(cli, &msg->status);
    if (msg->has_via) {
        fprintf(cli->out, "via        %.*s %.*s", (int)msg->via.transport.len,
                msg->via.transport.ptr, (int)msg->via.host.len, msg->via.host.ptr);
        if (msg->via.port)
            fprintf(cli->out, " port %u", msg->via.port);
        if (msg->via.branch.len)
            fprintf(cli->out, " branch=%.*s", (int)msg->via.branch.len, msg->via.branch.ptr);
        if (msg->via.received.len)
            fprintf(cli->out, " received=%.*s", (int)msg->via.received.len,
                    msg->via.received.ptr);
        if (msg->via.has_rport)
            fprintf(cli->out, " rport%s%.*s", msg->via.rport.len ? "=" : "",
                    (int)msg->via.rport.len, msg->via.rport.ptr ? msg->via.rport.ptr : "");
        fputc('\n', cli->out);
    }
    text_slice(cli, "call-id", msg->call_id);
    if (msg->cseq >= 0)
        fprintf(cli->out, "%-10s %lld %.*s\n", "cseq", msg->cseq, (int)msg->cseq_method.len,
                msg->cseq_method.ptr);
    text_slice(cli, "from-tag", msg->from_tag);
    text_slice(cli, "to-tag", msg->to_tag);
    text_number(cli, "max-fwd", msg->max_forwards);
    text_number(cli, "expires", msg->expires);
    text_number(cli, "retry", msg->retry_after);
    for (k = 0; k < lists->reason_count; k++) {
        const struct sipcode_reason *r = &lists->reasons[k];
        fprintf(cli->out, "%-10s %.*s", "reason", (int)r->protocol.len, r->protocol.ptr);
        if (r->cause >= 0)
            fprintf(cli->out, " cause %ld", r->cause);
        if (r->has_text)
            fprintf(cli->out, " \"%.*s\"", (int)r->text.len, r->text.ptr);
        fputc('\n', cli->out);
    }
    for (k = 0; k < lists->warning_count; k++) {
        const struct sipcode_warning *w = &lists->warnings[k];
        const struct sipcode_warn_info *info = sipcode_warn_lookup(w->code);
        fprintf(cli->out, "%-10s %d %.*s \"%.*s\"%s%s%s\n", "warning", w->code,
                (int)w->agent.len, w->agent.ptr, (int)w->text.len, w->text.ptr,
                info ? " (" : "", info ? info->text : "", info ? ")" : "");
    }
    fprintf(cli->out, "%-10s %zu header fields, body %zu bytes", "size", msg->header_count,
            msg->body.len);
    if (used < len)
        fprintf(cli->out, ", %zu bytes after the message ignored", len - used);
    fputc('\n', cli->out);
}

static int parse_message(struct cli *cli, const char *name, const char *buf, size_t len,
                         unsigned flags)
{
    static struct sipcode_header headers[MAX_HEADERS];
    static struct message_lists lists;
    struct sipcode_message msg;
    struct sipcode_diag diag = {0, NULL};
    size_t used = 0;
    enum sipcode_err err;

    err = sipcode_parse_message(buf, len, flags, headers, MAX_HEADERS, &msg, &used, &diag);
    if (err != SIPCODE_OK)
        return report_failure(name, err, &diag);
    parse_lists(buf, &msg, &lists);
    if (cli->format == CLI_FORMAT_JSON)
        print_message_json(cli, &msg, &lists, used, len);
    else
        print_message_text(cli, &msg, &lists, used, len);
    if (cli_finish_output(cli, CLI_EXIT_OK) != CLI_EXIT_OK)
        return CLI_EXIT_IO;
    if (lists.err != SIPCODE_OK) {
        char what[512];
        snprintf(what, sizeof what, "%s: %s header", name, lists.which);
        return report_failure(what, lists.err, &lists.diag);
    }
    return CLI_EXIT_OK;
}

int cmd_parse(struct cli *cli, int argc, char **argv)
{
    const char *path = NULL, *line = NULL;
    unsigned flags = 0;
    int i, m, status;
    char *buf;
    size_t len = 0;

    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
        } else if (cli_match_option(argc, argv, &i, "--lenient", 'l', NULL)) {
            flags |= SIPCODE_LENIENT_ALL;
        } else if (cli_match_option(argc, argv, &i, "--stream", 0, NULL)) {
            flags |= SIPCODE_FRAME_STREAM;
        } else if ((m = cli_match_option(argc, argv, &i, "--line", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            line = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error(argv[i], "unknown option for parse");
        } else if (path) {
            return cli_usage_error("parse", "one input only, got '%s' too", argv[i]);
        } else {
            path = argv[i];
        }
    }
    cli_finish_options(cli);
    if (line) {
        if (path)
            return cli_usage_error("parse", "--line takes no FILE");
        return parse_line(cli, line, flags);
    }
    buf = cli_read_input(&path, &len);
    if (!buf)
        return CLI_EXIT_IO;
    status = parse_message(cli, path, buf, len, flags);
    free(buf);
    return status;
}
