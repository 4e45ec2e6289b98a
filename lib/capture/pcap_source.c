/* Reading pcap and pcapng files and live interfaces with libpcap: the only
 * file that includes <pcap.h>. A thin adapter: each record goes to
 * sipcode_stats_add_packet(). */
#define _DEFAULT_SOURCE /* u_int and friends, which <pcap.h> uses */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "capture_int.h"

static void set_error(char *errbuf, size_t errlen, const char *text)
{
    if (errbuf && errlen) {
        snprintf(errbuf, errlen, "%s", text && *text ? text : "unknown capture error");
    }
}

/* Compiles and installs a BPF filter; SIPCODE_EINVAL when it does not compile. */
static enum sipcode_err set_filter(pcap_t *p, const char *filter, char *errbuf, size_t errlen)
{
    struct bpf_program prog;
    int rc;
    if (!filter || !*filter)
        return SIPCODE_OK;
    /* The netmask only matters for "ip broadcast", which we do not promise. */
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        if (errbuf && errlen)
            snprintf(errbuf, errlen, "bad filter '%s': %s", filter, pcap_geterr(p));
        return SIPCODE_EINVAL;
    }
    rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        set_error(errbuf, errlen, pcap_geterr(p));
        return SIPCODE_EIO;
    }
    return SIPCODE_OK;
}

/* With nanosecond precision tv_usec holds nanoseconds. */
static uint64_t ts_of(const struct pcap_pkthdr *h, int nano)
{
    return (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec * (nano ? 1u : 1000u);
}

/* sipcode_stats_read_file_ex() (pcap_file.c) for what its direct reader leaves. */
enum sipcode_err sipcode__read_libpcap(struct sipcode_stats *st, const char *path,
                                       const struct sipcode_read_options *opt,
                                       struct sipcode_capture_result *res, char *errbuf,
                                       size_t errlen)
{
    char pcap_err[PCAP_ERRBUF_SIZE];
    struct sipcode_capture_result r;
    pcap_t *p;
    FILE *file;
    int linktype, got;
    unsigned since = 0;
    uint64_t bytes_mark = 0;
    enum sipcode_err err = SIPCODE_OK;
    sipcode_progress_fn progress = opt ? opt->progress : NULL;

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
    if (opt && (err = set_filter(p, opt->filter, errbuf, errlen)) != SIPCODE_OK) {
        pcap_close(p);
        if (res)
            *res = r;
        return err;
    }
    file = strcmp(path, "-") == 0 ? NULL : pcap_file(p);
    if (!file)
        progress = NULL;
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        got = pcap_next_ex(p, &h, &data);
        if (got == PCAP_ERROR_BREAK) /* end of file */
            break;
        if (got != 1) { /* PCAP_ERROR: a short read, a record header gone wrong */
            set_error(errbuf, errlen, pcap_geterr(p));
            r.truncated = 1;
            err = SIPCODE_EIO;
            break;
        }
        sipcode_stats_add_packet(st, data, h->caplen, h->len, linktype, ts_of(h, 1));
        r.records++;
        r.bytes += h->caplen;
        /* ftell costs a system call: ask only now and then. */
        if (progress && (++since >= 1024 || r.bytes - bytes_mark >= (1u << 20))) {
            long at = ftell(file);
            since = 0;
            bytes_mark = r.bytes;
            if (at >= 0)
                progress(opt->progress_arg, (uint64_t)at);
        }
    }
    if (progress) {
        long at = ftell(file);
        if (at >= 0)
            progress(opt->progress_arg, (uint64_t)at);
    }
    pcap_close(p);
    if (res)
        *res = r;
    return err;
}

enum sipcode_err sipcode_stats_read_file(struct sipcode_stats *st, const char *path,
                                         struct sipcode_capture_result *res, char *errbuf,
                                         size_t errlen)
{
    return sipcode_stats_read_file_ex(st, path, NULL, res, errbuf, errlen);
}

/* ---- live capture ---------------------------------------------------------- */

struct sipcode_live {
    pcap_t *p;
    int linktype;
    int nano; /* timestamps in nanoseconds, else microseconds */
};

struct live_batch {
    struct sipcode_stats *st;
    int linktype, nano;
    size_t count;
};

static void live_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    struct live_batch *b = (struct live_batch *)(void *)user;
    sipcode_stats_add_packet(b->st, data, h->caplen, h->len, b->linktype, ts_of(h, b->nano));
    b->count++;
}

enum sipcode_err sipcode_live_open(const struct sipcode_live_config *cfg, struct sipcode_live **out,
                                   char *errbuf, size_t errlen)
{
    char pcap_err[PCAP_ERRBUF_SIZE];
    struct sipcode_live *lv;
    enum sipcode_err err = SIPCODE_EIO;
    int rc;

    if (errbuf && errlen)
        errbuf[0] = '\0';
    if (!cfg || !cfg->device || !out) {
        set_error(errbuf, errlen, "no interface given");
        return SIPCODE_EINVAL;
    }
    lv = calloc(1, sizeof *lv);
    if (!lv) {
        set_error(errbuf, errlen, "out of memory");
        return SIPCODE_EIO;
    }
    pcap_err[0] = '\0';
    lv->p = pcap_create(cfg->device, pcap_err);
    if (!lv->p) {
        set_error(errbuf, errlen, pcap_err);
        goto fail;
    }
    pcap_set_snaplen(lv->p, cfg->snaplen > 0 ? cfg->snaplen : 262144);
    pcap_set_promisc(lv->p, cfg->promiscuous ? 1 : 0);
    pcap_set_buffer_size(lv->p, cfg->buffer_bytes > 0 ? cfg->buffer_bytes : 4194304);
    /* Immediate mode: a packet is handed over when it arrives, not when a
     * ring block fills; a statistics tool on a quiet link must still see it. */
    pcap_set_immediate_mode(lv->p, 1);
    pcap_set_timeout(lv->p, 100);
    /* Not every system has nanosecond stamps; microseconds are fine then. */
    pcap_set_tstamp_precision(lv->p, PCAP_TSTAMP_PRECISION_NANO);
    rc = pcap_activate(lv->p);
    if (rc < 0) {
        const char *what = pcap_geterr(lv->p);
        if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
            err = SIPCODE_ENOTFOUND;
        if (errbuf && errlen) {
            /* pcap_geterr is empty for some codes; pcap_statustostr always says something. */
            if (what && *what)
                snprintf(errbuf, errlen, "%s", what);
            else
                snprintf(errbuf, errlen, "%s: %s", cfg->device, pcap_statustostr(rc));
        }
        goto fail;
    }
    lv->linktype = pcap_datalink(lv->p);
    lv->nano = pcap_get_tstamp_precision(lv->p) == PCAP_TSTAMP_PRECISION_NANO;
    if ((err = set_filter(lv->p, cfg->filter, errbuf, errlen)) != SIPCODE_OK)
        goto fail;
    if (pcap_setnonblock(lv->p, 1, pcap_err) != 0) {
        set_error(errbuf, errlen, pcap_err);
        err = SIPCODE_EIO;
        goto fail;
    }
    *out = lv;
    return SIPCODE_OK;
fail:
    if (lv->p)
        pcap_close(lv->p);
    free(lv);
    return err;
}

int sipcode_live_fd(const struct sipcode_live *lv)
{
    return lv ? pcap_get_selectable_fd(lv->p) : -1;
}

int sipcode_live_linktype(const struct sipcode_live *lv)
{
    return lv ? lv->linktype : -1;
}

enum sipcode_err sipcode_live_read(struct sipcode_live *lv, struct sipcode_stats *st, size_t *count,
                                   char *errbuf, size_t errlen)
{
    struct live_batch b;
    int rc;
    if (count)
        *count = 0;
    if (!lv || !st)
        return SIPCODE_EINVAL;
    b.st = st;
    b.linktype = lv->linktype;
    b.nano = lv->nano;
    b.count = 0;
    /* Non-blocking: -1 takes what one buffer holds now, 0 when nothing waits. */
    rc = pcap_dispatch(lv->p, -1, live_packet, (u_char *)(void *)&b);
    if (count)
        *count = b.count;
    if (rc < 0 && rc != PCAP_ERROR_BREAK) {
        set_error(errbuf, errlen, pcap_geterr(lv->p));
        return SIPCODE_EIO;
    }
    return SIPCODE_OK;
}

enum sipcode_err sipcode_live_counts(struct sipcode_live *lv, uint64_t *received, uint64_t *dropped)
{
    struct pcap_stat ps;
    if (!lv || !received || !dropped)
        return SIPCODE_EINVAL;
    if (pcap_stats(lv->p, &ps) != 0)
        return SIPCODE_EIO;
    *received = ps.ps_recv;
    *dropped = ps.ps_drop;
    return SIPCODE_OK;
}

void sipcode_live_close(struct sipcode_live *lv)
{
    if (!lv)
        return;
    pcap_close(lv->p);
    free(lv);
}
