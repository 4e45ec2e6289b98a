/* The libpcap adapter: sipcode_stats_read_file_ex() with a BPF filter and a
 * progress callback over a capture written here, and the argument checks of
 * the live-capture functions (live traffic is tested in tests/live/). */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <sipcode.h>

#include "test.h"

static const char response[] = "SIP/2.0 486 Busy Here\r\n"
                               "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKio\r\n"
                               "From: <sip:a@example.test>;tag=1\r\n"
                               "To: <sip:b@example.test>;tag=2\r\n"
                               "Call-ID: io@example.test\r\n"
                               "CSeq: 1 INVITE\r\n"
                               "Content-Length: 0\r\n\r\n";

static void le32(FILE *f, uint32_t v)
{
    fputc((int)(v & 0xff), f);
    fputc((int)((v >> 8) & 0xff), f);
    fputc((int)((v >> 16) & 0xff), f);
    fputc((int)(v >> 24), f);
}

/* A raw-IPv4 UDP record from port 5060 to dport carrying the response. */
static void udp_record(FILE *f, unsigned dport, unsigned n)
{
    uint8_t pkt[512];
    size_t plen = sizeof response - 1, len = 28 + plen;
    uint32_t sum = 0;
    size_t i;
    memset(pkt, 0, 28);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    pkt[8] = 64;
    pkt[9] = 17;
    pkt[12] = 192, pkt[13] = 0, pkt[14] = 2, pkt[15] = 1;
    pkt[16] = 192, pkt[17] = 0, pkt[18] = 2, pkt[19] = 2;
    for (i = 0; i < 20; i += 2)
        sum += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    pkt[10] = (uint8_t)(~sum >> 8);
    pkt[11] = (uint8_t)~sum;
    pkt[20] = 5060 >> 8;
    pkt[21] = 5060 & 0xff;
    pkt[22] = (uint8_t)(dport >> 8);
    pkt[23] = (uint8_t)dport;
    pkt[24] = (uint8_t)((8 + plen) >> 8);
    pkt[25] = (uint8_t)(8 + plen);
    memcpy(pkt + 28, response, plen);
    le32(f, 1700000000u + n);
    le32(f, 0);
    le32(f, (uint32_t)len);
    le32(f, (uint32_t)len);
    fwrite(pkt, 1, len, f);
}

/* Three records: to 5060, 5070, 5060. Returns the path (static buffer). */
static const char *write_capture(char *path, size_t cap, long *size)
{
    int fd;
    FILE *f;
    snprintf(path, cap, "/tmp/sipcode-io-XXXXXX");
    fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return NULL;
    }
    le32(f, 0xa1b2c3d4u);
    fputc(2, f), fputc(0, f), fputc(4, f), fputc(0, f);
    le32(f, 0);
    le32(f, 0);
    le32(f, 65535);
    le32(f, 101); /* LINKTYPE_RAW */
    udp_record(f, 5060, 0);
    udp_record(f, 5070, 1);
    udp_record(f, 5060, 2);
    *size = ftell(f);
    fclose(f);
    return path;
}

struct seen {
    unsigned calls;
    uint64_t last;
    int backwards;
};

static void on_progress(void *arg, uint64_t offset)
{
    struct seen *s = arg;
    if (offset < s->last)
        s->backwards = 1;
    s->last = offset;
    s->calls++;
}

static void test_read_file_filter_and_progress(void)
{
    char path[64], err[256];
    long size = 0;
    struct sipcode_read_options opt;
    struct sipcode_capture_result res;
    struct sipcode_stats_counters c;
    struct sipcode_stats *st;
    struct seen seen = {0, 0, 0};

    CHECK(write_capture(path, sizeof path, &size) != NULL);
    st = sipcode_stats_new(NULL);
    CHECK(st != NULL);
    if (!st)
        return;
    /* no options: every record */
    CHECK_INT(sipcode_stats_read_file_ex(st, path, NULL, &res, err, sizeof err), SIPCODE_OK);
    CHECK_INT(res.records, 3);
    CHECK_INT(sipcode_stats_responses(st, 486), 3);
    sipcode_stats_free(st);

    /* a filter: only what it matches reaches the engine; progress to the end */
    st = sipcode_stats_new(NULL);
    memset(&opt, 0, sizeof opt);
    opt.filter = "udp dst port 5060";
    opt.progress = on_progress;
    opt.progress_arg = &seen;
    CHECK_INT(sipcode_stats_read_file_ex(st, path, &opt, &res, err, sizeof err), SIPCODE_OK);
    CHECK_INT(res.records, 2);
    CHECK_INT(sipcode_stats_responses(st, 486), 2);
    sipcode_stats_get_counters(st, &c);
    CHECK_INT(c.frames, 2);
    CHECK(seen.calls >= 1);
    CHECK_INT(seen.last, size);
    CHECK_INT(seen.backwards, 0);
    sipcode_stats_free(st);

    /* a filter that does not compile: EINVAL, nothing read, libpcap's text */
    st = sipcode_stats_new(NULL);
    opt.filter = "udp port";
    opt.progress = NULL;
    CHECK_INT(sipcode_stats_read_file_ex(st, path, &opt, &res, err, sizeof err), SIPCODE_EINVAL);
    CHECK_INT(res.records, 0);
    CHECK(strstr(err, "udp port") != NULL);
    sipcode_stats_get_counters(st, &c);
    CHECK_INT(c.frames, 0);
    /* an empty filter is no filter */
    opt.filter = "";
    CHECK_INT(sipcode_stats_read_file_ex(st, path, &opt, &res, err, sizeof err), SIPCODE_OK);
    CHECK_INT(res.records, 3);
    sipcode_stats_free(st);
    unlink(path);
}

static void test_live_arguments(void)
{
    struct sipcode_live_config cfg;
    struct sipcode_live *lv = (struct sipcode_live *)&cfg; /* must stay untouched on failure */
    struct sipcode_stats *st = sipcode_stats_new(NULL);
    char err[256];
    uint64_t r, d;
    size_t n = 7;
    enum sipcode_err e;

    memset(&cfg, 0, sizeof cfg);
    CHECK_INT(sipcode_live_open(NULL, &lv, err, sizeof err), SIPCODE_EINVAL);
    CHECK_INT(sipcode_live_open(&cfg, &lv, err, sizeof err), SIPCODE_EINVAL); /* no device */
    cfg.device = "sipcode-no-such-if0";
    e = sipcode_live_open(&cfg, &lv, err, sizeof err);
    /* Without privileges libpcap may fail on the socket before it looks. */
    if (geteuid() == 0)
        CHECK_INT(e, SIPCODE_ENOTFOUND);
    else
        CHECK(e == SIPCODE_ENOTFOUND || e == SIPCODE_EIO);
    CHECK(err[0] != '\0');
    CHECK(lv == (struct sipcode_live *)&cfg);
    CHECK_INT(sipcode_live_read(NULL, st, &n, err, sizeof err), SIPCODE_EINVAL);
    CHECK_INT(n, 0);
    CHECK_INT(sipcode_live_counts(NULL, &r, &d), SIPCODE_EINVAL);
    CHECK_INT(sipcode_live_fd(NULL), -1);
    CHECK_INT(sipcode_live_linktype(NULL), -1);
    sipcode_live_close(NULL);
    sipcode_stats_free(st);
}

static const struct test_case capture_io_tests[] = {
    {"capture_read_file_filter_and_progress", test_read_file_filter_and_progress},
    {"capture_live_arguments", test_live_arguments},
    {NULL, NULL},
};

TEST_SUITE(capture_io_tests)
