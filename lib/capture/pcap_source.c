/* Reading pcap and pcapng files with libpcap: the only file that includes
 * <pcap.h>. A thin adapter: each record goes to sipcode_stats_add_packet(). */
#define _DEFAULT_SOURCE /* u_int and friends, which <pcap.h> uses */
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "sipcode/capture.h"

static void set_error(char *errbuf, size_t errlen, const char *text)
{
    if (errbuf && errlen) {
        snprintf(errbuf, errlen, "%s", text && *text ? text : "unknown capture error");
    }
}

enum sipcode_err sipcode_stats_read_file(struct sipcode_stats *st, const char *path,
                                         struct sipcode_capture_result *res, char *errbuf,
                                         size_t errlen)
{
    char pcap_err[PCAP_ERRBUF_SIZE];
    struct sipcode_capture_result r;
    pcap_t *p;
    int linktype, got;
    enum sipcode_err err = SIPCODE_OK;

    memset(&r, 0, sizeof r);
    r.linktype = -1;
    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!st || !path) {
        set_error(errbuf, errlen, "no engine or no path");
        if (res)
            *res = r;
        return SIPCODE_EINVAL;
    }
    pcap_err[0] = '\0';
    /* "-" is standard input for libpcap too. */
    p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
    if (!p) {
        set_error(errbuf, errlen, pcap_err);
        if (res)
            *res = r;
        return SIPCODE_EIO;
    }
    linktype = pcap_datalink(p);
    r.linktype = linktype;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        uint64_t ts_ns;
        got = pcap_next_ex(p, &h, &data);
        if (got == PCAP_ERROR_BREAK) /* end of file */
            break;
        if (got != 1) { /* PCAP_ERROR: a short read, a record header gone wrong */
            set_error(errbuf, errlen, pcap_geterr(p));
            r.truncated = 1;
            err = SIPCODE_EIO;
            break;
        }
        /* With nanosecond precision tv_usec holds nanoseconds. */
        ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
        sipcode_stats_add_packet(st, data, h->caplen, h->len, linktype, ts_ns);
        r.records++;
        r.bytes += h->caplen;
    }
    pcap_close(p);
    if (res)
        *res = r;
    return err;
}
