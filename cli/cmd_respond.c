/* sipcode respond: answer SIP requests with chosen response codes. Options
 * become a plan (lib/responder), the library's loop does the rest; this
 * file only parses options and prints the summary. */
#define _POSIX_C_SOURCE 200809L /* sigprocmask */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct respond_opts {
    struct sipcode_plan plan;
    struct sipcode_respond_config cfg;
    const char *ports_file;
    int ports_file_failed;
    int quiet;
};

static int number(const char *opt, const char *v, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long n;
    if (!v[0] || v[0] == '-' || v[0] == '+' || v[0] == ' ')
        return cli_usage_error(opt, "'%s' is not a number", v);
    errno = 0;
    n = strtoul(v, &end, 10);
    if (*end || errno)
        return cli_usage_error(opt, "'%s' is not a number", v);
    if (n > max)
        return cli_usage_error(opt, "'%s' is above %lu", v, max);
    *out = n;
    return 0;
}

static int set_text(const char *opt, struct sipcode_plan_text *t, const char *v)
{
    size_t n = strlen(v);
    if (n >= SIPCODE_PLAN_TEXT)
        return cli_usage_error(opt, "longer than %d bytes", SIPCODE_PLAN_TEXT - 1);
    memcpy(t->text, v, n + 1);
    t->len = n;
    return 0;
}

static int code_value(const char *opt, const char *v, int *code)
{
    if (sipcode_parse_code(v, strlen(v), code) != SIPCODE_OK)
        return cli_usage_error(opt, "'%s' is not a response code 100..699", v);
    return 0;
}

static void new_rule(struct sipcode_rule *r)
{
    memset(r, 0, sizeof *r);
    sipcode_style_init(&r->style);
}

static void on_bound(const struct sipcode_listen *l, size_t n, void *arg)
{
    struct respond_opts *o = arg;
    FILE *f = NULL;
    size_t i;
    if (o->ports_file) {
        f = fopen(o->ports_file, "w");
        if (!f)
            o->ports_file_failed = 1;
    }
    for (i = 0; i < n; i++) {
        char host[64];
        size_t hn;
        if (sipcode_addr_format(&l[i].addr, host, sizeof host, &hn) != SIPCODE_OK)
            continue;
        if (f)
            fprintf(f, "%s %s %u\n", l[i].tcp ? "tcp" : "udp", host, l[i].addr.port);
        if (!o->quiet)
            fprintf(stderr, "sipcode respond: listening on %s %s%s%s:%u\n",
                    l[i].tcp ? "tcp" : "udp", l[i].addr.family == 6 ? "[" : "", host,
                    l[i].addr.family == 6 ? "]" : "", l[i].addr.port);
    }
    if (f && fclose(f) != 0)
        o->ports_file_failed = 1;
}

static void summary_json(struct cli *cli, const struct sipcode_respond_stats *st)
{
    struct cli_json j;
    size_t i;
    char key[8];
    cli_json_init(&j, cli->out);
    cli_json_object_begin(&j);
    cli_json_key(&j, "requests");
    cli_json_object_begin(&j);
    for (i = 0; i < SIPCODE_RESPOND_METHODS; i++)
        if (st->requests[i]) {
            cli_json_key(&j, sipcode_respond_method_name(i));
            cli_json_int(&j, (long long)st->requests[i]);
        }
    cli_json_object_end(&j);
    cli_json_key(&j, "responses");
    cli_json_object_begin(&j);
    for (i = 100; i < 700; i++)
        if (st->responses[i]) {
            snprintf(key, sizeof key, "%zu", i);
            cli_json_key(&j, key);
            cli_json_int(&j, (long long)st->responses[i]);
        }
    cli_json_object_end(&j);
    cli_json_key(&j, "retransmissions");
    cli_json_object_begin(&j);
    cli_json_key(&j, "requests_absorbed");
    cli_json_int(&j, (long long)st->requests_absorbed);
    cli_json_key(&j, "responses_resent");
    cli_json_int(&j, (long long)st->responses_resent);
    cli_json_object_end(&j);
    cli_json_key(&j, "acks_absorbed");
    cli_json_int(&j, (long long)st->acks_absorbed);
    cli_json_key(&j, "timeouts");
    cli_json_int(&j, (long long)st->timeouts);
    cli_json_key(&j, "stateless");
    cli_json_int(&j, (long long)st->stateless);
    cli_json_key(&j, "dropped");
    cli_json_object_begin(&j);
    for (i = 0; i < SIPCODE_DROP_COUNT; i++) {
        cli_json_key(&j, sipcode_drop_reason_name((enum sipcode_drop_reason)i));
        cli_json_int(&j, (long long)st->dropped[i]);
    }
    cli_json_object_end(&j);
    cli_json_key(&j, "transactions_peak");
    cli_json_int(&j, (long long)st->transactions_peak);
    cli_json_key(&j, "tcp_connections");
    cli_json_int(&j, (long long)st->tcp_connections);
    cli_json_object_end(&j);
    cli_json_end(&j);
}

static void summary_text(struct cli *cli, const struct sipcode_respond_stats *st)
{
    FILE *out = cli->out;
    size_t i;
    const char *sep = "";
    fprintf(out, "requests:");
    for (i = 0; i < SIPCODE_RESPOND_METHODS; i++)
        if (st->requests[i]) {
            fprintf(out, "%s %s %llu", sep, sipcode_respond_method_name(i),
                    (unsigned long long)st->requests[i]);
            sep = ",";
        }
    fprintf(out, "%s\nresponses:", *sep ? "" : " none");
    sep = "";
    for (i = 100; i < 700; i++)
        if (st->responses[i]) {
            fprintf(out, "%s %zu %llu", sep, i, (unsigned long long)st->responses[i]);
            sep = ",";
        }
    fprintf(out, "%s\n", *sep ? "" : " none");
    fprintf(out, "retransmissions: %llu requests absorbed, %llu responses resent\n",
            (unsigned long long)st->requests_absorbed, (unsigned long long)st->responses_resent);
    fprintf(out, "acks absorbed: %llu\ntimeouts: %llu\nstateless: %llu\ndropped:",
            (unsigned long long)st->acks_absorbed, (unsigned long long)st->timeouts,
            (unsigned long long)st->stateless);
    sep = "";
    for (i = 0; i < SIPCODE_DROP_COUNT; i++)
        if (st->dropped[i]) {
            fprintf(out, "%s %s %llu", sep, sipcode_drop_reason_name((enum sipcode_drop_reason)i),
                    (unsigned long long)st->dropped[i]);
            sep = ",";
        }
    fprintf(out, "%s\ntransactions peak: %zu\n", *sep ? "" : " none", st->transactions_peak);
}

int cmd_respond(struct cli *cli, int argc, char **argv)
{
    static struct respond_opts o;
    static struct sipcode_respond_stats st;
    struct sipcode_rule method_rules[SIPCODE_PLAN_MAX_RULES];
    size_t method_count = 0, i;
    struct sipcode_rule mix;
    int have_mix = 0, dial = 0, m, status;
    const char *rules_file = NULL;
    char errbuf[256];
    enum sipcode_err err;
    sigset_t stop_signals;

    memset(&o, 0, sizeof o);
    sipcode_plan_init(&o.plan);
    o.cfg.plan = &o.plan;
    new_rule(&mix);
    for (i = 0; i < (size_t)argc; i++) {
        int k = (int)i;
        const char *v = NULL;
        unsigned long n;
        struct sipcode_diag d = {0, NULL};
        if ((m = cli_common_option(cli, argc, argv, &k)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (cli->format == CLI_FORMAT_TSV)
                return cli_usage_error("--format", "respond writes text or json");
        } else if ((m = cli_match_option(argc, argv, &k, "--listen", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (o.cfg.listen_count == SIPCODE_RESPOND_MAX_LISTEN)
                return cli_usage_error("--listen", "at most %d listeners",
                                       SIPCODE_RESPOND_MAX_LISTEN);
            if (sipcode_parse_listen(v, strlen(v), &o.cfg.listen[o.cfg.listen_count], &d) !=
                SIPCODE_OK)
                return cli_usage_error("--listen", "'%s': %s (udp:127.0.0.1:5060, "
                                       "tcp:[::1]:0)", v, d.reason ? d.reason : "malformed");
            o.cfg.listen_count++;
        } else if ((m = cli_match_option(argc, argv, &k, "--ports-file", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            o.ports_file = v;
        } else if ((m = cli_match_option(argc, argv, &k, "--code", 0, &v)) != 0) {
            if (m < 0 || code_value("--code", v, &o.plan.default_code))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--method", 0, &v)) != 0) {
            struct sipcode_rule *r = &method_rules[method_count];
            const char *eq;
            if (m < 0)
                return CLI_EXIT_USAGE;
            eq = strchr(v, '=');
            if (!eq || eq == v || (size_t)(eq - v) >= SIPCODE_PLAN_TEXT)
                return cli_usage_error("--method", "'%s' is not METHOD=CODE", v);
            if (method_count == SIPCODE_PLAN_MAX_RULES)
                return cli_usage_error("--method", "too many");
            new_rule(r);
            if (code_value("--method", eq + 1, &r->code))
                return CLI_EXIT_USAGE;
            memcpy(r->method.text, v, (size_t)(eq - v));
            r->method.text[eq - v] = '\0';
            r->method.len = (size_t)(eq - v);
            method_count++;
        } else if ((m = cli_match_option(argc, argv, &k, "--dial", 0, NULL)) != 0) {
            dial = 1;
        } else if ((m = cli_match_option(argc, argv, &k, "--mix", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (sipcode_parse_mix(v, strlen(v), &mix, &d) != SIPCODE_OK)
                return cli_usage_error("--mix", "'%s': %s (200:70,486:30)", v, d.reason);
            have_mix = 1;
        } else if ((m = cli_match_option(argc, argv, &k, "--seed", 0, &v)) != 0) {
            if (m < 0 || number("--seed", v, 0xffffffffUL, &n))
                return CLI_EXIT_USAGE;
            o.cfg.seed = n;
        } else if ((m = cli_match_option(argc, argv, &k, "--rules", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            rules_file = v;
        } else if ((m = cli_match_option(argc, argv, &k, "--delay", 0, &v)) != 0) {
            if (m < 0 || number("--delay", v, 3600000, &n))
                return CLI_EXIT_USAGE;
            o.plan.style.delay_ms = (long)n;
        } else if ((m = cli_match_option(argc, argv, &k, "--ring", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (sipcode_parse_ring(v, strlen(v), &o.plan.style, &d) != SIPCODE_OK)
                return cli_usage_error("--ring", "'%s': %s (100,180,183)", v, d.reason);
        } else if ((m = cli_match_option(argc, argv, &k, "--reason", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (sipcode_check_reason_spec(v, strlen(v), &d) != SIPCODE_OK)
                return cli_usage_error("--reason", "'%s': %s (sip, q850 or a Reason value)", v,
                                       d.reason ? d.reason : "malformed");
            if (set_text("--reason", &o.plan.style.reason, v))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--warning", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (sipcode_check_warning(v, strlen(v), &d) != SIPCODE_OK)
                return cli_usage_error("--warning", "'%s': %s (399 host \"text\")", v,
                                       d.reason ? d.reason : "malformed");
            if (set_text("--warning", &o.plan.style.warning, v))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--phrase", 0, &v)) != 0) {
            if (m < 0)
                return CLI_EXIT_USAGE;
            if (sipcode_check_phrase(v, strlen(v), &d) != SIPCODE_OK)
                return cli_usage_error("--phrase", "'%s': %s", v,
                                       d.reason ? d.reason : "not a reason phrase");
            if (set_text("--phrase", &o.plan.style.phrase, v))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--contact", 0, &v)) != 0) {
            size_t c;
            if (m < 0)
                return CLI_EXIT_USAGE;
            for (c = 0; v[c]; c++)
                if ((unsigned char)v[c] <= ' ' || v[c] == '<' || v[c] == '>' || v[c] == 0x7f)
                    return cli_usage_error("--contact", "'%s' is not a URI", v);
            if (!v[0] || set_text("--contact", &o.plan.contact, v))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--retry-after", 0, &v)) != 0) {
            if (m < 0 || number("--retry-after", v, 4294967, &n))
                return CLI_EXIT_USAGE;
            o.plan.style.retry_after = (long)n;
        } else if ((m = cli_match_option(argc, argv, &k, "--realm", 0, &v)) != 0) {
            size_t c;
            if (m < 0)
                return CLI_EXIT_USAGE;
            for (c = 0; v[c]; c++)
                if ((unsigned char)v[c] < ' ' || v[c] == '"' || v[c] == '\\' || v[c] == 0x7f)
                    return cli_usage_error("--realm", "'%s' cannot go in a quoted realm", v);
            if (set_text("--realm", &o.plan.realm, v))
                return CLI_EXIT_USAGE;
        } else if ((m = cli_match_option(argc, argv, &k, "--max-transactions", 0, &v)) != 0) {
            if (m < 0 || number("--max-transactions", v, 16777216, &n))
                return CLI_EXIT_USAGE;
            if (n == 0)
                return cli_usage_error("--max-transactions", "must be at least 1");
            o.cfg.max_transactions = n;
        } else if ((m = cli_match_option(argc, argv, &k, "--rate", 0, &v)) != 0) {
            if (m < 0 || number("--rate", v, 10000000, &n))
                return CLI_EXIT_USAGE;
            o.cfg.rate = (unsigned)n;
        } else if ((m = cli_match_option(argc, argv, &k, "--duration", 0, &v)) != 0) {
            if (m < 0 || number("--duration", v, 31536000, &n))
                return CLI_EXIT_USAGE;
            if (n == 0)
                return cli_usage_error("--duration", "must be at least 1 second");
            o.cfg.duration_s = (unsigned)n;
        } else if ((m = cli_match_option(argc, argv, &k, "--quiet", 'q', NULL)) != 0) {
            o.quiet = 1;
        } else
            return cli_usage_error(argv[i], argv[i][0] == '-' ? "unknown option of respond"
                                                              : "respond takes no arguments");
        i = (size_t)k;
    }
    cli_finish_options(cli);

    /* first match wins: --rules, --dial, --method, --mix, then --code */
    if (rules_file) {
        const char *path = rules_file;
        size_t len;
        unsigned line = 0;
        struct sipcode_diag d = {0, NULL};
        char *text = cli_read_input(&path, &len);
        if (!text)
            return CLI_EXIT_IO;
        err = sipcode_plan_parse_rules(&o.plan, text, len, &line, &d);
        free(text);
        if (err) {
            cli_error(rules_file, "line %u, column %zu: %s", line, d.offset + 1,
                      d.reason ? d.reason : sipcode_strerror(err));
            return CLI_EXIT_USAGE;
        }
    }
    if (dial) {
        struct sipcode_rule r;
        new_rule(&r);
        r.action = SIPCODE_ACTION_DIAL;
        if (sipcode_plan_add(&o.plan, &r) != SIPCODE_OK)
            return cli_usage_error("--dial", "more than %d rules", SIPCODE_PLAN_MAX_RULES);
    }
    for (i = 0; i < method_count; i++)
        if (sipcode_plan_add(&o.plan, &method_rules[i]) != SIPCODE_OK)
            return cli_usage_error("--method", "more than %d rules", SIPCODE_PLAN_MAX_RULES);
    if (have_mix && sipcode_plan_add(&o.plan, &mix) != SIPCODE_OK)
        return cli_usage_error("--mix", "more than %d rules", SIPCODE_PLAN_MAX_RULES);

    if (o.cfg.listen_count == 0) {
        struct sipcode_diag d;
        sipcode_parse_listen("udp:127.0.0.1:5060", 18, &o.cfg.listen[0], &d);
        o.cfg.listen_count = 1;
    }
    o.cfg.on_bound = on_bound;
    o.cfg.arg = &o;
    /* Kept blocked until exit: the loop takes SIGINT/SIGTERM through its
     * signalfd, and one that comes as it ends (with --duration, or a second
     * kill) must stay pending rather than kill us before the summary. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL);
    err = sipcode_respond_run(&o.cfg, &st, errbuf, sizeof errbuf);
    if (err) {
        cli_error("respond", "%s", errbuf[0] ? errbuf : sipcode_strerror(err));
        return CLI_EXIT_IO;
    }
    status = CLI_EXIT_OK;
    if (o.ports_file_failed) {
        cli_error(o.ports_file, "cannot write the ports file");
        status = CLI_EXIT_IO;
    }
    if (cli->format == CLI_FORMAT_JSON)
        summary_json(cli, &st);
    else if (!o.quiet)
        summary_text(cli, &st);
    return cli_finish_output(cli, status);
}
