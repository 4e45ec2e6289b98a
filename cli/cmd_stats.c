/* sipcode stats FILE...|- and sipcode stats -i IFACE: counts SIP requests
 * and responses in pcap and pcapng captures, or live on an interface, with
 * the library's statistics engine, per file and in total; --listen serves
 * the counters to Prometheus while a live capture runs. Exit 0, 2 for a bad
 * filter, 3 when a file cannot be read as a capture or the interface cannot
 * be opened, 4 when a capture ends in the middle of a record (what was read
 * is still reported). */
#define _POSIX_C_SOURCE 200809L /* sigaction, clock_gettime, fileno, isatty */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum stats_format { STATS_TEXT, STATS_JSON, STATS_CSV, STATS_OPENMETRICS, STATS_PROMETHEUS };

/* What a live capture adds to a report. */
struct live_info {
    const char *device, *filter;
    uint64_t elapsed_ns;
    uint64_t received, dropped; /* kernel counts, when have_counts */
    int have_counts;
    int final; /* the report at the end, not an --interval one */
};

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

/* One JSON object of counts by method, or by code (the ones seen only). */
typedef uint64_t (*method_count_fn)(const struct sipcode_stats *st, const char *m, size_t len);
typedef uint64_t (*code_count_fn)(const struct sipcode_stats *st, int code);

static void json_method_map(struct cli_json *j, const char *key, const struct sipcode_stats *st,
                            method_count_fn count)
{
    size_t i, n = sipcode_stats_method_count(st), len;
    cli_json_key(j, key);
    cli_json_object_begin(j);
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = count(st, m, len);
        if (v) {
            cli_json_key(j, m);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);
}

static void json_code_map(struct cli_json *j, const char *key, const struct sipcode_stats *st,
                          code_count_fn count)
{
    int code;
    cli_json_key(j, key);
    cli_json_object_begin(j);
    for (code = 100; code <= 699; code++) {
        uint64_t v = count(st, code);
        if (v) {
            json_code_key(j, code);
            cli_json_int(j, (long long)v);
        }
    }
    cli_json_object_end(j);
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

    json_method_map(j, "requests", st, sipcode_stats_requests);
    json_code_map(j, "responses", st, sipcode_stats_responses);

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
    json_method_map(j, "requests", st, sipcode_stats_request_retransmissions);
    json_code_map(j, "responses", st, sipcode_stats_response_retransmissions);
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
            have[k] = sipcode_stats_timing(st, m, len, (enum sipcode_stats_timing_kind)k, &t[k]) ==
                      SIPCODE_OK;
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

static void json_live(struct cli_json *j, const struct live_info *live)
{
    cli_json_key(j, "capture");
    cli_json_object_begin(j);
    cli_json_key(j, "interface");
    cli_json_string(j, live->device);
    cli_json_key(j, "filter");
    if (live->filter && *live->filter)
        cli_json_string(j, live->filter);
    else
        cli_json_null(j);
    cli_json_key(j, "elapsed_ms");
    cli_json_int(j, (long long)(live->elapsed_ns / 1000000u));
    cli_json_key(j, "packets_received");
    if (live->have_counts)
        cli_json_int(j, (long long)live->received);
    else
        cli_json_null(j);
    cli_json_key(j, "packets_dropped");
    if (live->have_counts)
        cli_json_int(j, (long long)live->dropped);
    else
        cli_json_null(j);
    cli_json_key(j, "final");
    cli_json_bool(j, live->final);
    cli_json_object_end(j);
}

/* One object; compact (one line) for the reports of --interval. */
static void print_json(struct cli *cli, const struct file_stats *files, size_t nfiles,
                       const struct sipcode_stats *total, const struct live_info *live, int compact)
{
    struct cli_json j;
    size_t i;
    cli_json_init(&j, cli->out);
    j.compact = compact;
    cli_json_object_begin(&j);
    json_counts(&j, total);
    json_timing(&j, total);
    json_reasons(&j, total);
    if (live) {
        json_live(&j, live);
        cli_json_object_end(&j);
        cli_json_end(&j);
        return;
    }
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

/* Starts a row: the source column (RFC 4180 quoting when the name needs it)
 * and the kind. */
static void csv_row(FILE *o, const char *src, const char *kind)
{
    if (strpbrk(src, ",\"\r\n")) {
        fputc('"', o);
        for (; *src; src++) {
            if (*src == '"')
                fputc('"', o);
            fputc(*src, o);
        }
        fputc('"', o);
    } else {
        fputs(src, o);
    }
    fprintf(o, ",%s,", kind);
}

/* The rows of one source: a file, an interface or the total. */
static void csv_group(FILE *o, const char *src, const struct sipcode_stats *st)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code;

    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_requests(st, m, len);
        if (!v)
            continue;
        csv_row(o, src, "request");
        fprintf(o, "%s,,%llu\n", m, (unsigned long long)v);
    }
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_responses(st, code);
        if (!v)
            continue;
        csv_row(o, src, "response");
        fprintf(o, "%d,,%llu\n", code, (unsigned long long)v);
    }
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        for (code = 100; code <= 699; code++) {
            uint64_t v = sipcode_stats_responses_by_method(st, m, len, code);
            if (!v)
                continue;
            csv_row(o, src, "response_by_method");
            fprintf(o, "%s,%d,%llu\n", m, code, (unsigned long long)v);
        }
    }
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_request_retransmissions(st, m, len);
        if (!v)
            continue;
        csv_row(o, src, "request_retransmission");
        fprintf(o, "%s,,%llu\n", m, (unsigned long long)v);
    }
    for (code = 100; code <= 699; code++) {
        uint64_t v = sipcode_stats_response_retransmissions(st, code);
        if (!v)
            continue;
        csv_row(o, src, "response_retransmission");
        fprintf(o, "%d,,%llu\n", code, (unsigned long long)v);
    }
    for (i = 0; i < sipcode_stats_reason_count(st); i++) {
        struct sipcode_stats_reason r;
        if (sipcode_stats_reason_at(st, i, &r) != SIPCODE_OK)
            break;
        csv_row(o, src, "reason");
        if (r.code)
            fprintf(o, "%d %s,%s %ld,%llu\n", r.code, r.method ? r.method : "",
                    r.protocol_name ? r.protocol_name : "", r.cause, (unsigned long long)r.count);
        else
            fprintf(o, "%s,%s %ld,%llu\n", r.method ? r.method : "",
                    r.protocol_name ? r.protocol_name : "", r.cause, (unsigned long long)r.count);
    }
    sipcode_stats_get_counters(st, &c);
    for (i = 0; i < N_COUNTERS; i++) {
        csv_row(o, src, "counter");
        fprintf(o, "%s,,%llu\n", counters[i].name, (unsigned long long)counter_value(&c, i));
    }
}

static void print_csv(struct cli *cli, const struct file_stats *files, size_t nfiles,
                      const struct sipcode_stats *total, const struct live_info *live)
{
    size_t k;
    fputs("source,kind,key,subkey,count\n", cli->out);
    if (live) {
        csv_group(cli->out, live->device, total);
        return;
    }
    for (k = 0; k < nfiles; k++)
        csv_group(cli->out, files[k].path, files[k].st);
    if (nfiles > 1)
        csv_group(cli->out, "(total)", total);
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

/* A metric family's TYPE and HELP. OpenMetrics names a counter family
 * without the _total its samples carry; the Prometheus text format 0.0.4
 * names it as its samples. */
static void om_family(FILE *o, int om, const char *name, const char *type, const char *help)
{
    const char *suffix = !om && strcmp(type, "counter") == 0 ? "_total" : "";
    fprintf(o, "# TYPE %s%s %s\n# HELP %s%s %s\n", name, suffix, type, name, suffix, help);
}

/* The metrics in OpenMetrics 1.0 (om = 1, ends with # EOF) or in the
 * Prometheus text format 0.0.4 (om = 0); the same samples in both. */
static void print_openmetrics(FILE *o, const struct sipcode_stats *st, int om,
                              const struct live_info *live)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code, k;

    om_family(o, om, "sip_requests", "counter",
              "SIP requests by method, retransmissions included.");
    for (i = 0; i < n; i++) {
        const char *m = method_at(st, i, &len);
        uint64_t v = sipcode_stats_requests(st, m, len);
        if (!v)
            continue;
        fputs("sip_requests_total{method=\"", o);
        om_value(o, m);
        fprintf(o, "\"} %llu\n", (unsigned long long)v);
    }
    om_family(o, om, "sip_responses", "counter",
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
    om_family(o, om, "sip_retransmissions", "counter",
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
    om_family(o, om, "sip_reasons", "counter",
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
    om_family(o, om, "sip_transaction_delay_seconds", "gauge",
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
        om_family(o, om, name, "counter", counters[i].help);
        fprintf(o, "%s_total %llu\n", name, (unsigned long long)counter_value(&c, i));
    }
    if (live && live->have_counts) {
        om_family(o, om, "sip_capture_kernel_received", "counter",
                  "packets the kernel handed to the live capture");
        fprintf(o, "sip_capture_kernel_received_total %llu\n", (unsigned long long)live->received);
        om_family(o, om, "sip_capture_kernel_dropped", "counter",
                  "packets the kernel dropped for lack of capture buffer space");
        fprintf(o, "sip_capture_kernel_dropped_total %llu\n", (unsigned long long)live->dropped);
    }
    if (om)
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
                 phrase ? " " : "",
                 res.info ? sipcode_status_name(res.info->status) : "unregistered", res.effective,
                 res.effective_info->phrase);
    fprintf(cli->out, "  %s%d%s %-52s %10llu %10llu\n", cli_class_style(cli, code / 100), code,
            cli_style(cli, "reset"), label, (unsigned long long)v, (unsigned long long)rtx);
}

static void print_ms(FILE *o, uint64_t ns)
{
    fprintf(o, " %10.3f", (double)ns / 1e6);
}

static void print_text(struct cli *cli, const struct file_stats *files, size_t nfiles,
                       const struct sipcode_stats *st, const struct live_info *live)
{
    struct sipcode_stats_counters c;
    size_t i, n = sipcode_stats_method_count(st), len;
    int code, k;
    FILE *o = cli->out;

    if (live) {
        sipcode_stats_get_counters(st, &c);
        fprintf(o, "%s%s%s%s: %.1f s, %llu frames, %llu requests, %llu responses", live->device,
                live->filter && *live->filter ? " (filter '" : "",
                live->filter && *live->filter ? live->filter : "",
                live->filter && *live->filter ? "')" : "", (double)live->elapsed_ns / 1e9,
                (unsigned long long)c.frames, (unsigned long long)c.requests,
                (unsigned long long)c.responses);
        if (live->have_counts)
            fprintf(o, ", %llu dropped by the kernel", (unsigned long long)live->dropped);
        fputs(live->final ? "\n" : " (so far)\n", o);
    }

    for (i = 0; i < nfiles; i++) {
        struct sipcode_stats_counters fc;
        sipcode_stats_get_counters(files[i].st, &fc);
        fprintf(o, "%s: %llu records, %llu requests, %llu responses%s\n", files[i].path,
                (unsigned long long)files[i].res.records, (unsigned long long)fc.requests,
                (unsigned long long)fc.responses, files[i].res.truncated ? " (truncated)" : "");
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
                        sipcode_phrase(code) ? sipcode_phrase(code) : "", (unsigned long long)v);
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

struct stats_opts {
    enum stats_format format;
    const char *device, *filter, *listen;
    double duration_s, interval_s; /* 0: none */
    int progress;                  /* -1 auto (stderr is a terminal), 0 never, 1 always */
    uint16_t ports[SIPCODE_STATS_MAX_PORTS];
    size_t port_count;
    unsigned threads; /* 0: one per online CPU */
};

static void report(struct cli *cli, const struct stats_opts *o, const struct file_stats *files,
                   size_t nfiles, const struct sipcode_stats *total, const struct live_info *live)
{
    int compact = live && o->interval_s > 0;
    switch (o->format) {
    case STATS_JSON:
        print_json(cli, files, nfiles, total, live, compact);
        break;
    case STATS_CSV:
        print_csv(cli, files, nfiles, total, live);
        break;
    case STATS_OPENMETRICS:
    case STATS_PROMETHEUS:
        print_openmetrics(cli->out, total, o->format == STATS_OPENMETRICS, live);
        break;
    default:
        if (compact)
            fputs("--------------------------------------------------------------------------------"
                  "\n",
                  cli->out);
        print_text(cli, files, nfiles, total, live);
        break;
    }
    fflush(cli->out);
}

/* ---- files --------------------------------------------------------------------- */

/* The default for --threads. */
static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > SIPCODE_MAX_THREADS ? SIPCODE_MAX_THREADS : (unsigned)n;
}

/* The progress bar on stderr: bytes read of the file's size, at most ten
 * redraws a second, erased when the file is done. */
struct progress {
    const char *name;
    uint64_t size;
    uint64_t last_ns;
    int drawn;
};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void progress_draw(void *arg, uint64_t offset)
{
    struct progress *pg = arg;
    uint64_t now = mono_ns();
    unsigned pct, bar, i;
    char line[48];
    if (pg->drawn && now - pg->last_ns < 100000000u)
        return;
    pg->last_ns = now;
    pg->drawn = 1;
    pct = pg->size ? (unsigned)(offset >= pg->size ? 100 : offset * 100 / pg->size) : 100;
    bar = pct * 30 / 100;
    for (i = 0; i < 30; i++)
        line[i] = i < bar ? '#' : '.';
    line[30] = '\0';
    fprintf(stderr, "\r%.40s [%s] %3u%%", pg->name, line, pct);
    fflush(stderr);
}

static void progress_erase(struct progress *pg)
{
    if (pg->drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

/* A filter that does not compile; -f used to be --format, so say so. */
static void filter_error(const char *filter, const char *text)
{
    static const char *const formats[] = {"text", "json", "csv", "openmetrics", "prometheus"};
    size_t i;
    for (i = 0; filter && i < sizeof formats / sizeof *formats; i++) {
        if (strcmp(filter, formats[i]) == 0) {
            cli_error("--filter", "%s (-f is the capture filter; the output format is --format %s)",
                      text, filter);
            return;
        }
    }
    cli_error("--filter", "%s", text);
}

static int run_files(struct cli *cli, const struct stats_opts *o, struct file_stats *files,
                     size_t nfiles, const struct sipcode_stats_config *cfg)
{
    /* The per-file copies only receive merged counts: no room for flows. */
    struct sipcode_stats_config small = {1, 1, 1, 1, 1, 1, 0, NULL, 0, 0};
    struct sipcode_stats *total = sipcode_stats_new(&small);
    int status = CLI_EXIT_OK;
    size_t k;

    if (!total) {
        cli_error("stats", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    for (k = 0; k < nfiles && status != CLI_EXIT_IO && status != CLI_EXIT_USAGE; k++) {
        char errbuf[512];
        struct sipcode_stats *st = sipcode_stats_new(cfg);
        struct sipcode_read_options ropt;
        struct progress pg;
        struct stat sb;
        enum sipcode_err err;
        int is_stdin = strcmp(files[k].path, "-") == 0;
        const char *name = is_stdin ? "<stdin>" : files[k].path;
        files[k].st = sipcode_stats_new(&small);
        if (!st || !files[k].st) {
            sipcode_stats_free(st);
            cli_error("stats", "%s", strerror(ENOMEM));
            status = CLI_EXIT_IO;
            break;
        }
        memset(&ropt, 0, sizeof ropt);
        memset(&pg, 0, sizeof pg);
        ropt.filter = o->filter;
        ropt.threads = o->threads ? o->threads : online_cpus();
        if (!is_stdin && o->progress != 0 && (o->progress == 1 || isatty(fileno(stderr))) &&
            stat(files[k].path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            pg.name = name;
            pg.size = (uint64_t)sb.st_size;
            ropt.progress = progress_draw;
            ropt.progress_arg = &pg;
        }
        err = sipcode_stats_read_file_ex(st, files[k].path, &ropt, &files[k].res, errbuf,
                                         sizeof errbuf);
        progress_erase(&pg);
        if (err == SIPCODE_EINVAL) {
            filter_error(o->filter, errbuf);
            status = CLI_EXIT_USAGE;
        } else if (err != SIPCODE_OK && !files[k].res.truncated) {
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
    if (status != CLI_EXIT_IO && status != CLI_EXIT_USAGE)
        report(cli, o, files, nfiles, total, NULL);
    for (k = 0; k < nfiles; k++)
        sipcode_stats_free(files[k].st);
    sipcode_stats_free(total);
    return status;
}

/* ---- live ------------------------------------------------------------------------ */

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

struct live_run {
    struct sipcode_stats *st;
    struct sipcode_live *lv;
    struct live_info info;
    uint64_t start_ns;
};

static void live_refresh(struct live_run *r)
{
    r->info.elapsed_ns = mono_ns() - r->start_ns;
    r->info.have_counts =
        sipcode_live_counts(r->lv, &r->info.received, &r->info.dropped) == SIPCODE_OK;
}

/* The exporter's view: the counters as they stand at the scrape. */
static void render_metrics(void *arg, FILE *out, int openmetrics)
{
    struct live_run *r = arg;
    live_refresh(r);
    print_openmetrics(out, r->st, openmetrics, &r->info);
}

static int run_live(struct cli *cli, const struct stats_opts *o,
                    const struct sipcode_stats_config *cfg)
{
    struct sipcode_live_config lc;
    struct live_run r;
    struct cli_exporter *ex = NULL;
    struct sigaction sa, old_int, old_term;
    char errbuf[512];
    enum sipcode_err err;
    int status = CLI_EXIT_OK;
    uint64_t deadline = 0, next_report = 0, interval_ns = 0;

    memset(&r, 0, sizeof r);
    memset(&lc, 0, sizeof lc);
    lc.device = o->device;
    lc.filter = o->filter;
    r.info.device = o->device;
    r.info.filter = o->filter;
    r.st = sipcode_stats_new(cfg);
    if (!r.st) {
        cli_error("stats", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    err = sipcode_live_open(&lc, &r.lv, errbuf, sizeof errbuf);
    if (err != SIPCODE_OK) {
        if (err == SIPCODE_EINVAL) {
            filter_error(o->filter, errbuf);
            status = CLI_EXIT_USAGE;
        } else {
            /* libpcap's text often starts with the interface name already. */
            size_t dlen = strlen(o->device);
            const char *text = errbuf;
            if (strncmp(text, o->device, dlen) == 0 && strncmp(text + dlen, ": ", 2) == 0)
                text += dlen + 2;
            cli_error(o->device, "%s%s", text,
                      strstr(text, "ermission") || strstr(text, "not permitted")
                          ? " (capturing needs root or CAP_NET_RAW)"
                          : "");
            status = CLI_EXIT_IO;
        }
        sipcode_stats_free(r.st);
        return status;
    }
    if (o->listen && (status = cli_exporter_open(o->listen, render_metrics, &r, &ex)) != 0) {
        sipcode_live_close(r.lv);
        sipcode_stats_free(r.st);
        return status;
    }

    /* Tell the user (and scripts) that packets are being counted now. */
    fprintf(stderr, "sipcode: capturing on %s%s%s%s\n", o->device,
            o->filter && *o->filter ? " (filter '" : "", o->filter && *o->filter ? o->filter : "",
            o->filter && *o->filter ? "')" : "");
    fflush(stderr);

    /* No SA_RESTART: the signal must wake poll() up. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    stop_requested = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    r.start_ns = mono_ns();
    if (o->duration_s > 0)
        deadline = r.start_ns + (uint64_t)(o->duration_s * 1e9);
    if (o->interval_s > 0) {
        interval_ns = (uint64_t)(o->interval_s * 1e9);
        next_report = r.start_ns + interval_ns;
    }
    while (!stop_requested) {
        struct pollfd pfd[1 + CLI_EXPORTER_FDS];
        size_t npfd = 1;
        int fd = sipcode_live_fd(r.lv), timeout_ms, rc;
        uint64_t now = mono_ns(), wait_ns = 1000000000u;

        if (deadline && now >= deadline)
            break;
        if (interval_ns && now >= next_report) {
            live_refresh(&r);
            report(cli, o, NULL, 0, r.st, &r.info);
            while (next_report <= now)
                next_report += interval_ns;
        }
        if (deadline && deadline - now < wait_ns)
            wait_ns = deadline - now;
        if (interval_ns && next_report - now < wait_ns)
            wait_ns = next_report - now;
        /* Without a pollable descriptor, look for packets every 20 ms. */
        if (fd < 0 && wait_ns > 20000000u)
            wait_ns = 20000000u;
        timeout_ms = (int)((wait_ns + 999999u) / 1000000u);
        pfd[0].fd = fd;
        pfd[0].events = POLLIN;
        pfd[0].revents = 0;
        if (ex)
            npfd += cli_exporter_pollfds(ex, pfd + 1, CLI_EXPORTER_FDS);
        rc = poll(pfd, (nfds_t)npfd, timeout_ms);
        if (rc < 0 && errno != EINTR) {
            cli_error("poll", "%s", strerror(errno));
            status = CLI_EXIT_IO;
            break;
        }
        if (rc < 0)
            continue;
        if (fd < 0 || (pfd[0].revents & (POLLIN | POLLERR | POLLHUP))) {
            size_t got;
            int rounds;
            /* Bounded, so that scrapes are answered under a packet flood too. */
            for (rounds = 0; rounds < 64; rounds++) {
                if (sipcode_live_read(r.lv, r.st, &got, errbuf, sizeof errbuf) != SIPCODE_OK) {
                    cli_error(o->device, "%s", errbuf);
                    status = CLI_EXIT_IO;
                    break;
                }
                if (!got)
                    break;
            }
            if (status != CLI_EXIT_OK)
                break;
        }
        if (ex)
            cli_exporter_handle(ex, pfd + 1, npfd - 1);
    }
    /* Whatever the kernel already holds belongs to the run. */
    if (status == CLI_EXIT_OK) {
        size_t got = 1;
        int rounds;
        for (rounds = 0; rounds < 1024 && got; rounds++)
            if (sipcode_live_read(r.lv, r.st, &got, errbuf, sizeof errbuf) != SIPCODE_OK)
                break;
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    live_refresh(&r);
    r.info.final = 1;
    cli_exporter_close(ex);
    sipcode_live_close(r.lv);
    sipcode_stats_finish(r.st);
    if (status == CLI_EXIT_OK)
        report(cli, o, NULL, 0, r.st, &r.info);
    sipcode_stats_free(r.st);
    return status;
}

/* ---- options ---------------------------------------------------------------------- */

/* Seconds: a positive decimal number up to a year. */
static int parse_seconds(const char *opt, const char *v, double *out)
{
    char *end;
    double d;
    errno = 0;
    d = strtod(v, &end);
    if (errno || end == v || *end || !(d > 0) || d > 31536000.0)
        return cli_usage_error(opt, "'%s' is not a number of seconds above 0", v);
    *out = d;
    return 0;
}

int cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct stats_opts o;
    struct sipcode_stats_config cfg;
    struct file_stats *files;
    size_t nfiles = 0;
    int i, m, status;

    memset(&o, 0, sizeof o);
    memset(&cfg, 0, sizeof cfg);
    o.format = cli->format == CLI_FORMAT_JSON ? STATS_JSON : STATS_TEXT;
    o.progress = -1;
    files = calloc((size_t)argc + 1, sizeof *files);
    if (!files) {
        cli_error("stats", "%s", strerror(ENOMEM));
        return CLI_EXIT_IO;
    }
    for (i = 0; i < argc; i++) {
        const char *v = NULL;
        /* -f is the capture filter here, as in tshark and dumpcap; the
         * format has only its long name. */
        if ((m = cli_match_option(argc, argv, &i, "--format", 0, &v)) != 0) {
            if (m < 0)
                goto usage;
            if (strcmp(v, "text") == 0)
                o.format = STATS_TEXT;
            else if (strcmp(v, "json") == 0)
                o.format = STATS_JSON;
            else if (strcmp(v, "csv") == 0)
                o.format = STATS_CSV;
            else if (strcmp(v, "openmetrics") == 0)
                o.format = STATS_OPENMETRICS;
            else if (strcmp(v, "prometheus") == 0)
                o.format = STATS_PROMETHEUS;
            else {
                free(files);
                return cli_usage_error("--format",
                                       "'%s' is not text, json, csv, openmetrics or prometheus", v);
            }
        } else if ((m = cli_match_option(argc, argv, &i, "--filter", 'f', &v)) != 0) {
            if (m < 0)
                goto usage;
            o.filter = v;
        } else if ((m = cli_match_option(argc, argv, &i, "--interface", 'i', &v)) != 0) {
            if (m < 0)
                goto usage;
            o.device = v;
        } else if ((m = cli_match_option(argc, argv, &i, "--duration", 0, &v)) != 0) {
            if (m < 0 || parse_seconds("--duration", v, &o.duration_s) != 0)
                goto usage;
        } else if ((m = cli_match_option(argc, argv, &i, "--interval", 0, &v)) != 0) {
            if (m < 0 || parse_seconds("--interval", v, &o.interval_s) != 0)
                goto usage;
        } else if ((m = cli_match_option(argc, argv, &i, "--listen", 0, &v)) != 0) {
            if (m < 0)
                goto usage;
            o.listen = v;
        } else if ((m = cli_match_option(argc, argv, &i, "--port", 0, &v)) != 0) {
            char *end;
            long port;
            if (m < 0)
                goto usage;
            errno = 0;
            port = strtol(v, &end, 10);
            if (errno || end == v || *end || port < 1 || port > 65535) {
                free(files);
                return cli_usage_error("--port", "'%s' is not a port number (1..65535)", v);
            }
            if (o.port_count == SIPCODE_STATS_MAX_PORTS) {
                free(files);
                return cli_usage_error("--port", "at most %d ports", SIPCODE_STATS_MAX_PORTS);
            }
            o.ports[o.port_count++] = (uint16_t)port;
        } else if ((m = cli_match_option(argc, argv, &i, "--threads", 0, &v)) != 0) {
            char *end;
            long n;
            if (m < 0)
                goto usage;
            errno = 0;
            n = strtol(v, &end, 10);
            if (errno || end == v || *end || n < 1 || n > SIPCODE_MAX_THREADS) {
                free(files);
                return cli_usage_error("--threads", "'%s' is not a number of threads (1..%d)", v,
                                       SIPCODE_MAX_THREADS);
            }
            o.threads = (unsigned)n;
        } else if (cli_match_option(argc, argv, &i, "--progress", 0, NULL)) {
            o.progress = 1;
        } else if (cli_match_option(argc, argv, &i, "--no-progress", 0, NULL)) {
            o.progress = 0;
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
    if (o.device && nfiles) {
        free(files);
        return cli_usage_error("stats", "give capture files or -i INTERFACE, not both");
    }
    if (!o.device && nfiles == 0) {
        free(files);
        return cli_usage_error("stats", "no capture file given (use - for standard input, "
                                        "-i INTERFACE for a live capture)");
    }
    if (!o.device && (o.duration_s > 0 || o.interval_s > 0 || o.listen)) {
        free(files);
        return cli_usage_error("stats", "--duration, --interval and --listen need -i INTERFACE");
    }
    cli->format = o.format == STATS_JSON ? CLI_FORMAT_JSON : CLI_FORMAT_TEXT;
    if (o.format != STATS_TEXT)
        cli->color_choice = 0;
    cli_finish_options(cli);
    cfg.ports = o.ports;
    cfg.port_count = o.port_count;

    if (o.device)
        status = run_live(cli, &o, &cfg);
    else
        status = run_files(cli, &o, files, nfiles, &cfg);
    free(files);
    return status == CLI_EXIT_IO || status == CLI_EXIT_USAGE ? status
                                                             : cli_finish_output(cli, status);
usage:
    free(files);
    return CLI_EXIT_USAGE;
}
