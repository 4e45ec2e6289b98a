/* sipcode stats FILE...|-: counts SIP requests and responses in pcap and
 * pcapng captures with the library's statistics engine, per file and in
 * total. Exit 0, 3 when a file cannot be read as a capture, 4 when a capture
 * ends in the middle of a record (what was read is still reported). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum stats_format { STATS_TEXT, STATS_JSON, STATS_CSV, STATS_OPENMETRICS };

struct file_stats {
    const char *path;
    struct sipcode_capture_result res;
    struct sipcode_stats *st; /* a small engine holding the counts merged from the file's */
};

/* Counters by name, in the order of struct sipcode_stats_counters. */
#define COUNTER_LIST(X)                                                                            \
    X(frames, "frames read")                                                                       \
    X(sip_messages, "well-formed SIP messages")                                                    \
    X(requests, "SIP requests, retransmissions included")                                          \
    X(responses, "SIP responses, retransmissions included")                                        \
    X(retransmissions, "SIP retransmissions, requests and responses")                              \
    X(request_retransmissions, "retransmitted SIP requests")                                       \
    X(response_retransmissions, "retransmitted SIP responses")                                     \
    X(malformed, "SIP-looking messages the parser rejects")                                        \
    X(truncated, "frames cut by snaplen before the SIP data ended")                                \
    X(non_sip, "UDP payloads and TCP bytes that are not SIP")                                      \
    X(keepalives, "CRLF keep-alives")                                                              \
    X(icmp, "ICMP and ICMPv6 packets")                                                             \
    X(ip_fragments, "IP fragments")                                                                \
    X(ip_reassembled, "IP datagrams rebuilt from fragments")                                       \
    X(fragment_drops, "IP fragments dropped")                                                      \
    X(tcp_segments, "TCP segments with payload")                                                   \
    X(tcp_retransmitted, "TCP segments whose payload was already seen")                            \
    X(tcp_out_of_order, "TCP segments held until their predecessor came")                          \
    X(tcp_gaps, "holes in TCP streams skipped over")                                               \
    X(tcp_oversized, "TCP messages dropped for their size")                                        \
    X(flows_evicted, "TCP flows dropped by idle timeout or the flow limit")                        \
    X(memory_drops, "segments or fragments refused by the memory limit")                           \
    X(transactions_forgotten, "transactions dropped by the transaction limit")                     \
    X(not_ip, "frames with another network protocol")                                              \
    X(other_transport, "IP packets neither UDP, TCP nor ICMP")                                     \
    X(filtered, "UDP/TCP packets outside the configured ports")                                    \
    X(bad_headers, "inconsistent link, IP, UDP or TCP headers")                                    \
    X(unsupported_linktype, "frames of a link type sipcode does not decode")                       \
    X(methods_overflow, "requests whose method was not counted by name")                           \
    X(reasons_overflow, "Reason values not counted")

struct counter_def {
    const char *name, *help;
    size_t offset;
};

static const struct counter_def counters[] = {
#define AS_DEF(field, help) {#field, help, offsetof(struct sipcode_stats_counters, field)},
    COUNTER_LIST(AS_DEF)
#undef AS_DEF
};

#define N_COUNTERS (sizeof counters / sizeof *counters)

static uint64_t counter_value(const struct sipcode_stats_counters *c, size_t i)
{
    uint64_t v;
    memcpy(&v, (const char *)c + counters[i].offset, sizeof v);
    return v;
}

static const char *method_at(const struct sipcode_stats *st, size_t i, size_t *len)
{
    const char *m = sipcode_stats_method_at(st, i);
    *len = m ? strlen(m) : 0;
    return m;
}

static uint64_t by_method_total(const struct sipcode_stats *st, const char *m, size_t len)
{
    uint64_t n = 0;
    int code;
    for (code = 100; code <= 699; code++)
        n += sipcode_stats_responses_by_method(st, m, len, code);
    return n;
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_code_key(struct cli_json *j, int code)
{
    char key[8];
    snprintf(key, sizeof key, "%d", code);
    cli_json_key(j, key);
}

static void json_counts(struct cli_json *j, const struct sipcode_stats *st)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code;
    const char *m;

    sipcode_stats_get_counters(st, &c);
    cli_json_key(j, "counters");
    cli_json_object_begin(j);
    for (i = 0; i < N_COUNTERS; i++) {
        cli_json_key(j, counters[i].name);
        cli_json_int(j, (long long)counter_value(&c, i));
    }
    cli_json_object_end(j);

    cli_json_key(j, "requests");
    cli_json_object_begin(j);
    for (i = 0; i < n; i++) {
        uint64_t v;
        m = method_at(st, i, &len);
        if ((v = sipcode_stats_requests(st, m, len)) != 0) {
            cli_json_key(j, m);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);

    cli_json_key(j, "responses");
    cli_json_object_begin(j);
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_responses(st, code);
        if (v) {
            json_code_key(j, code);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);

    cli_json_key(j, "responses_by_class");
    cli_json_object_begin(j);
    for (code = 1; code <= 6; code++) {
        char key[4] = {(char)('0' + code), 'x', 'x', '\0'};
        cli_json_key(j, key);
        cli_json_int(j, (long long)sipcode_stats_class(st, code));
    }
    cli_json_object_end(j);

    cli_json_key(j, "responses_by_method");
    cli_json_object_begin(j);
    for (i = 0; i < n; i++) {
        m = method_at(st, i, &len);
        if (!by_method_total(st, m, len))
            continue;
        cli_json_key(j, m);
        cli_json_object_begin(j);
        for (code = 100; code <= 699; code++) {
            uint64_t v = sipcode_stats_responses_by_method(st, m, len, code);
            if (v) {
                json_code_key(j, code);
                cli_json_int(j, (long long)v);
            }
        }
        cli_json_object_end(j);
    }
    cli_json_object_end(j);

    cli_json_key(j, "retransmissions");
    cli_json_object_begin(j);
    cli_json_key(j, "requests");
    cli_json_object_begin(j);
    for (i = 0; i < n; i++) {
        uint64_t v;
        m = method_at(st, i, &len);
        if ((v = sipcode_stats_request_retransmissions(st, m, len)) != 0) {
            cli_json_key(j, m);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);
    cli_json_key(j, "responses");
    cli_json_object_begin(j);
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_response_retransmissions(st, code);
        if (v) {
            json_code_key(j, code);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);
    cli_json_object_end(j);
}

static const char *const timing_kind[2] = {"provisional", "final"};

static void json_timing(struct cli_json *j, const struct sipcode_stats *st)
{
    size_t i, n = sipcode_stats_method_count(st), len;
    int k;
    cli_json_key(j, "timing");
    cli_json_object_begin(j);
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        struct sipcode_stats_timing t[2];
        int have[2];
        for (k = 0; k < 2; k++)
            have[k] = sipcode_stats_timing(st, m, len, (enum sipcode_stats_timing_kind)k,
                                           &t[k]) == SIPCODE_OK;
        if (!have[0] && !have[1])
            continue;
        cli_json_key(j, m);
        cli_json_object_begin(j);
        for (k = 0; k < 2; k++) {
            if (!have[k])
                continue;
            cli_json_key(j, timing_kind[k]);
            cli_json_object_begin(j);
            cli_json_key(j, "count");
            cli_json_int(j, (long long)t[k].count);
            cli_json_key(j, "p50_ns");
            cli_json_int(j, (long long)t[k].p50_ns);
            cli_json_key(j, "p90_ns");
            cli_json_int(j, (long long)t[k].p90_ns);
            cli_json_key(j, "p99_ns");
            cli_json_int(j, (long long)t[k].p99_ns);
            cli_json_key(j, "max_ns");
            cli_json_int(j, (long long)t[k].max_ns);
            cli_json_object_end(j);
        }
        cli_json_object_end(j);
    }
    cli_json_object_end(j);
}

static const char *cause_name(const struct sipcode_stats_reason *r)
{
    const struct sipcode_q850_info *q;
    const char *phrase;
    if (r->cause < 0)
        return NULL;
    if (r->protocol == SIPCODE_REASON_Q850 && (q = sipcode_q850_lookup((int)r->cause)) != NULL)
        return q->name;
    if (r->protocol == SIPCODE_REASON_SIP && r->cause >= 100 && r->cause <= 699 &&
        (phrase = sipcode_phrase((int)r->cause)) != NULL)
        return phrase;
    return NULL;
}

static void json_reasons(struct cli_json *j, const struct sipcode_stats *st)
{
    size_t i;
    cli_json_key(j, "reasons");
    cli_json_array_begin(j);
    for (i = 0; i < sipcode_stats_reason_count(st); i++) {
        struct sipcode_stats_reason r;
        const char *name;
        if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
            break;
        name = cause_name(&r);
        cli_json_object_begin(j);
        cli_json_key(j, "code");
        if (r.code)
            cli_json_int(j, r.code);
        else
            cli_json_null(j);
        cli_json_key(j, "method");
        cli_json_string(j, r.method ? r.method : "");
        cli_json_key(j, "protocol");
        cli_json_string(j, r.protocol_name ? r.protocol_name : "");
        cli_json_key(j, "cause");
        if (r.cause >= 0)
            cli_json_int(j, r.cause);
        else
            cli_json_null(j);
        cli_json_key(j, "name");
        if (name)
            cli_json_string(j, name);
        else
            cli_json_null(j);
        cli_json_key(j, "count");
        cli_json_int(j, (long long)r.count);
        cli_json_object_end(j);
    }
    cli_json_array_end(j);
}

static void print_json(struct cli *cli, const struct file_stats *files, size_t nfiles,
                       const struct sipcode_stats *total)
{
    struct cli_json j;
    size_t i;
    cli_json_init(&j, cli->out);
    cli_json_object_begin(&j);
    json_counts(&j, total);
    json_timing(&j, total);
    json_reasons(&j, total);
    cli_json_key(&j, "files");
    cli_json_array_begin(&j);
    for (i = 0; i < nfiles; i++) {
        cli_json_object_begin(&j);
        cli_json_key(&j, "file");
        cli_json_string(&j, files[i].path);
        cli_json_key(&j, "records");
        cli_json_int(&j, (long long)files[i].res.records);
        cli_json_key(&j, "linktype");
        cli_json_int(&j, files[i].res.linktype);
        cli_json_key(&j, "truncated");
        cli_json_bool(&j, files[i].res.truncated);
        json_counts(&j, files[i].st);
        cli_json_object_end(&j);
    }
    cli_json_array_end(&j);
    cli_json_object_end(&j);
    cli_json_end(&j);
}

/* ---- CSV --------------------------------------------------------------------- */

static void print_csv(struct cli *cli, const struct sipcode_stats *st)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code;
    FILE *o = cli->out;

    fputs("kind,key,subkey,count\n", o);
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_requests(st, m, len);
        if (v)
            fprintf(o, "request,%s,,%llu\n", m, (unsigned long long)v);
    }
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_responses(st, code);
        if (v)
            fprintf(o, "response,%d,,%llu\n", code, (unsigned long long)v);
    }
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (code = 100; code <= 699; code++) {
            uint64_t v = sipcode_stats_responses_by_method(st, m, len, code);
            if (v)
                fprintf(o, "response_by_method,%s,%d,%llu\n", m, code, (unsigned long long)v);
        }
    }
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_request_retransmissions(st, m, len);
        if (v)
            fprintf(o, "request_retransmission,%s,,%llu\n", m, (unsigned long long)v);
    }
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_response_retransmissions(st, code);
        if (v)
            fprintf(o, "response_retransmission,%d,,%llu\n", code, (unsigned long long)v);
    }
    for (i = 0; i < sipcode_stats_reason_count(st); i++) {
        struct sipcode_stats_reason r;
        if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
            break;
        if (r.code)
            fprintf(o, "reason,%d %s,%s %ld,%llu\n", r.code, r.method ? r.method : "",
                    r.protocol_name ? r.protocol_name : "", r.cause, (unsigned long long)r.count);
        else
            fprintf(o, "reason,%s,%s %ld,%llu\n", r.method ? r.method : "",
                    r.protocol_name ? r.protocol_name : "", r.cause, (unsigned long long)r.count);
    }
    sipcode_stats_get_counters(st, &c);
    for (i = 0; i < N_COUNTERS; i++)
        fprintf(o, "counter,%s,,%llu\n", counters[i].name,
                (unsigned long long)counter_value(&c, i));
}

/* ---- OpenMetrics ----------------------------------------------------------- */

/* A label value: backslash, double quote and newline escaped. */
static void om_value(FILE *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            fprintf(o, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", o);
        else
            fputc(*s, o);
    }
}

static void om_family(FILE *o, const char *name, const char *type, const char *help)
{
    fprintf(o, "# TYPE %s %s\n# HELP %s %s\n", name, type, name, help);
}

static void print_openmetrics(struct cli *cli, const struct sipcode_stats *st)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code, k;
    FILE *o = cli->out;

    om_family(o, "sip_requests", "counter", "SIP requests by method, retransmissions included.");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_requests(st, m, len);
        if (!v)
            continue;
        fputs("sip_requests_total{method=\"", o);
        om_value(o, m);
        fprintf(o, "\"} %llu\n", (unsigned long long)v);
    }
    om_family(o, "sip_responses", "counter",
              "SIP responses by code and CSeq method, retransmissions included.");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (code = 100; code <= 699; code++) {
            uint64_t v = sipcode_stats_responses_by_method(st, m, len, code);
            if (!v)
                continue;
            fprintf(o, "sip_responses_total{code=\"%d\",method=\"", code);
            om_value(o, m);
            fprintf(o, "\"} %llu\n", (unsigned long long)v);
        }
    }
    om_family(o, "sip_retransmissions", "counter",
              "SIP retransmissions: requests by method, responses by code.");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_request_retransmissions(st, m, len);
        if (!v)
            continue;
        fputs("sip_retransmissions_total{message=\"request\",method=\"", o);
        om_value(o, m);
        fprintf(o, "\"} %llu\n", (unsigned long long)v);
    }
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_response_retransmissions(st, code);
        if (v)
            fprintf(o, "sip_retransmissions_total{message=\"response\",code=\"%d\"} %llu\n", code,
                    (unsigned long long)v);
    }
    om_family(o, "sip_reasons", "counter",
              "Reason header causes on responses and on BYE and CANCEL requests.");
    for (i = 0; i < sipcode_stats_reason_count(st); i++) {
        struct sipcode_stats_reason r;
        if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
            break;
        fputs("sip_reasons_total{", o);
        if (r.code)
            fprintf(o, "code=\"%d\",", r.code);
        fputs("method=\"", o);
        om_value(o, r.method ? r.method : "");
        fputs("\",protocol=\"", o);
        om_value(o, r.protocol_name ? r.protocol_name : "");
        fputs("\",cause=\"", o);
        if (r.cause >= 0)
            fprintf(o, "%ld", r.cause);
        fprintf(o, "\"} %llu\n", (unsigned long long)r.count);
    }
    om_family(o, "sip_transaction_delay_seconds", "gauge",
              "Time from a request to its first provisional or final response: p50, p90, p99 "
              "and max.");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (k = 0; k < 2; k++) {
            struct sipcode_stats_timing t;
            const uint64_t *vals[4];
            static const char *const stat[4] = {"p50", "p90", "p99", "max"};
            int s;
            if (sipcode_stats_timing(st, m, len, (enum sipcode_stats_timing_kind)k, &t) !=
                SIPCODE_OK)
                continue;
            vals[0] = &t.p50_ns;
            vals[1] = &t.p90_ns;
            vals[2] = &t.p99_ns;
            vals[3] = &t.max_ns;
            for (s = 0; s < 4; s++) {
                fputs("sip_transaction_delay_seconds{method=\"", o);
                om_value(o, m);
                fprintf(o, "\",kind=\"%s\",stat=\"%s\"} %llu.%09llu\n", timing_kind[k], stat[s],
                        (unsigned long long)(*vals[s] / 1000000000u),
                        (unsigned long long)(*vals[s] % 1000000000u));
            }
        }
    }
    sipcode_stats_get_counters(st, &c);
    for (i = 0; i < N_COUNTERS; i++) {
        char name[64];
        snprintf(name, sizeof name, "sip_capture_%s", counters[i].name);
        om_family(o, name, "counter", counters[i].help);
        fprintf(o, "%s_total %llu\n", name, (unsigned long long)counter_value(&c, i));
    }
    fputs("# EOF\n", o);
}

/* ---- text ------------------------------------------------------------------ */

static void text_code(struct cli *cli, int code, uint64_t v, uint64_t rtx)
{
    struct sipcode_resolution res;
    const char *phrase = sipcode_phrase(code);
    char label[160];
    int registered = 0;
    if (sipcode_resolve(code, &res) == SIPCODE_OK && res.info &&
        (res.info->status == SIPCODE_STATUS_CURRENT ||
         res.info->status == SIPCODE_STATUS_DEPRECATED))
        registered = 1;
    if (registered || !res.fallback)
        snprintf(label, sizeof label, "%s", phrase ? phrase : "");
    else
        snprintf(label, sizeof label, "%s%s(%s; treated as %d %s)", phrase ? phrase : "",
                 phrase ? " " : "", res.info ? sipcode_status_name(res.info->status) : "unregistered",
                 res.effective, res.effective_info->phrase);
    fprintf(cli->out, "  %s%d%s %-52s %10llu %10llu\n", cli_class_style(cli, code / 100), code,
            cli_style(cli, "reset"), label, (unsigned long long)v, (unsigned long long)rtx);
}

static void print_ms(FILE *o, uint64_t ns)
{
    fprintf(o, " %10.3f", (double)ns / 1e6);
}

static void print_text(struct cli *cli, const struct file_stats *files, size_t nfiles,
                       const struct sipcode_stats *st)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code, k;
    FILE *o = cli->out;

    for (i = 0; i < nfiles; i++) {
        struct sipcode_stats_counters fc;
        sipcode_stats_get_counters(files[i].st, &fc);
        fprintf(o, "%s: %llu records, %llu requests, %llu responses%s\n", files[i].path,
                (unsigned long long)files[i].res.records, (unsigned long long)fc.requests,
                (unsigned long long)fc.responses,
                files[i].res.truncated ? " (truncated)" : "");
    }
    if (nfiles > 1)
        fputs("Total:\n", o);

    fprintf(o, "\n%-58s %10s %10s\n", "Responses", "count", "retrans");
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_responses(st, code);
        if (v)
            text_code(cli, code, v, sipcode_stats_response_retransmissions(st, code));
    }
    fprintf(o, "\n%-58s %10s\n", "Responses by CSeq method", "count");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (code = 100; code <= 699; code++) {
            uint64_t v = sipcode_stats_responses_by_method(st, m, len, code);
            if (v)
                fprintf(o, "  %-12s %d %-39s %10llu\n", m, code,
                        sipcode_phrase(code) ? sipcode_phrase(code) : "",
                        (unsigned long long)v);
        }
    }
    fprintf(o, "\n%-58s %10s %10s\n", "Requests", "count", "retrans");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_requests(st, m, len);
        if (v)
            fprintf(o, "  %-56s %10llu %10llu\n", m, (unsigned long long)v,
                    (unsigned long long)sipcode_stats_request_retransmissions(st, m, len));
    }
    fprintf(o, "\n%-24s %8s %10s %10s %10s %10s\n", "Timing (ms)", "count", "p50", "p90", "p99",
            "max");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (k = 0; k < 2; k++) {
            struct sipcode_stats_timing t;
            char label[64];
            if (sipcode_stats_timing(st, m, len, (enum sipcode_stats_timing_kind)k, &t) !=
                SIPCODE_OK)
                continue;
            snprintf(label, sizeof label, "%s %s", m, timing_kind[k]);
            fprintf(o, "  %-22s %8llu", label, (unsigned long long)t.count);
            print_ms(o, t.p50_ns);
            print_ms(o, t.p90_ns);
            print_ms(o, t.p99_ns);
            print_ms(o, t.max_ns);
            fputc('\n', o);
        }
    }
    if (sipcode_stats_reason_count(st)) {
        fprintf(o, "\n%-58s %10s\n", "Reasons", "count");
        for (i = 0; i < sipcode_stats_reason_count(st); i++) {
            struct sipcode_stats_reason r;
            char where[48], what[160];
            const char *name;
            if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
                break;
            name = cause_name(&r);
            if (r.code)
                snprintf(where, sizeof where, "%d %s", r.code, r.method ? r.method : "");
            else
                snprintf(where, sizeof where, "%s", r.method ? r.method : "");
            if (r.cause >= 0)
                snprintf(what, sizeof what, "%s cause %ld%s%s", r.protocol_name, r.cause,
                         name ? " " : "", name ? name : "");
            else
                snprintf(what, sizeof what, "%s", r.protocol_name);
            fprintf(o, "  %-16s %-39s %10llu\n", where, what, (unsigned long long)r.count);
        }
    }
    sipcode_stats_get_counters(st, &c);
    fprintf(o, "\n%-58s %10s\n", "Counters", "count");
    for (i = 0; i < N_COUNTERS; i++) {
        uint64_t v = counter_value(&c, i);
        if (v || i < 4)
            fprintf(o, "  %-56s %10llu\n", counters[i].name, (unsigned long long)v);
    }
}

/* ---- the command ------------------------------------------------------------ */

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    enum stats_format format = STATS_TEXT;
    struct file_stats *files;
    struct sipcode_stats *total;
    /* The per-file copies only receive merged counts: no room for flows. */
    struct sipcode_stats_config small = {1, 1, 1, 1, 1, 1, 0, NULL, 0, 0};
    size_t nfiles = 0, k;
    int i, m, status = CLI_EXIT_OK;

    files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        cli_error("stats", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        if ((m = cli_match_option(argc, argv, &i, "--format", 'f', &v)) != 0) {
            if (m < 0)
                goto usage;
            if (strcmp(v, "text") == 0)
                format = STATS_TEXT;
            else if (strcmp(v, "json") == 0)
                format = STATS_JSON;
            else if (strcmp(v, "csv") == 0)
                format = STATS_CSV;
            else if (strcmp(v, "openmetrics") == 0)
                format = STATS_OPENMETRICS;
            else {
                free(files);
                return cli_usage_error("--format", "'%s' is not text, json, csv or openmetrics",
                                       v);
            }
        } else if ((m = cli_common_option(cli, argc, argv, &i)) != 0) {
            if (m < 0)
                goto usage;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            free(files);
            return cli_usage_error(argv[i], "unknown option for stats");
        } else {
            files[nfiles++].path = argv[i];
        }
    }
    if (nfiles == 0) {
        free(files);
        return cli_usage_error("stats", "no capture file given (use - for standard input)");
    }
    cli->format = format == STATS_JSON ? CLI_FORMAT_JSON : CLI_FORMAT_TEXT;
    if (format != STATS_TEXT)
        cli->color_choice = 0;
    cli_finish_options(cli);

    total = sipcode_stats_new(&small);
    if (!total) {
        free(files);
        cli_error("stats", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    for (k = 0; k < nfiles && status != CLI_EXIT_IO; k++) {
        char errbuf[512];
        struct sipcode_stats *st = sipcode_stats_new(NULL);
        enum sipcode_err err;
        const char *name = strcmp(files[k].path, "-") == 0 ? "<stdin>" : files[k].path;
        files[k].st = sipcode_stats_new(&small);
        if (!st || !files[k].st) {
            sipcode_stats_free(st);
            cli_error("stats", "%s", strerror(ENOMEM));
            status = CLI_EXIT_IO;
            break;
        }
        err = sipcode_stats_read_file(st, files[k].path, &files[k].res, errbuf, sizeof errbuf);
        if (err != SIPCODE_OK && !files[k].res.truncated) {
            /* libpcap often starts its text with the path: say it once. */
            size_t plen = strlen(files[k].path);
            const char *text = errbuf;
            if (strncmp(text, files[k].path, plen) == 0 && strncmp(text + plen, ": ", 2) == 0)
                text += plen + 2;
            cli_error(name, "%s", text);
            status = CLI_EXIT_IO;
        } else if (err != SIPCODE_OK) {
            cli_error(name, "warning: capture truncated after %llu records: %s",
                      (unsigned long long)files[k].res.records, errbuf);
            status = CLI_EXIT_TRUNCATED;
        }
        sipcode_stats_finish(st);
        sipcode_stats_merge(files[k].st, st);
        sipcode_stats_merge(total, st);
        sipcode_stats_free(st);
        files[k].path = name;
    }
    if (status != CLI_EXIT_IO) {
        switch (format) {
        case STATS_JSON:
            print_json(cli, files, nfiles, total);
            break;
        case STATS_CSV:
            print_csv(cli, total);
            break;
        case STATS_OPENMETRICS:
            print_openmetrics(cli, total);
            break;
        default:
            print_text(cli, files, nfiles, total);
            break;
        }
    }
    for (k = 0; k < nfiles; k++)
        sipcode_stats_free(files[k].st);
    sipcode_stats_free(total);
    free(files);
    return status == CLI_EXIT_IO ? status : cli_finish_output(cli, status);
usage:
    free(files);
    return CLI_EXIT_USAGE;
}
