/* Fuzz target for the direct pcap reader (lib/capture/pcap_file.c): the
 * input is written to a file and read three times: in place, in place with
 * three threads, and through libpcap. Property: all give the same return
 * code, result (records, bytes, link type, truncated), error text and
 * counters, whatever the bytes; nothing
 * is read past the file (ASan) and everything is freed. The file is a
 * classic pcap header followed by the input, so most inputs reach the
 * record reader: the first input byte picks byte order, time-stamp unit,
 * link type and snaplen; the rest are the records. The input also goes,
 * as it is, to the threaded reader's guess of where records start. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sipcode.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* lib/capture/capture_int.h: the libpcap reader alone */
enum sipcode_err sipcode__read_libpcap(struct sipcode_stats *st, const char *path,
                                       const struct sipcode_read_options *opt,
                                       struct sipcode_capture_result *res, char *errbuf,
                                       size_t errlen);

uint64_t sipcode__pcap_guess_start(const uint8_t *file, uint64_t size, int nano, uint32_t snap,
                                   uint64_t lo, uint64_t hi);

struct outcome {
    enum sipcode_err err;
    struct sipcode_capture_result res;
    char errbuf[256];
    struct sipcode_stats_counters c;
};

/* direct: 0 libpcap, 1 in place, N > 1 in place with N threads */
static int read_with(int direct, const char *path, struct outcome *o)
{
    struct sipcode_read_options opt;
    struct sipcode_stats_config cfg = {0};
    struct sipcode_stats *st;
    cfg.max_flows = 8;
    cfg.max_fragments = 4;
    cfg.max_transactions = 16;
    st = sipcode_stats_new(&cfg);
    if (!st)
        return 0;
    memset(o, 0, sizeof *o);
    memset(&opt, 0, sizeof opt);
    opt.threads = (unsigned)direct;
    o->err = direct
                 ? sipcode_stats_read_file_ex(st, path, &opt, &o->res, o->errbuf, sizeof o->errbuf)
                 : sipcode__read_libpcap(st, path, NULL, &o->res, o->errbuf, sizeof o->errbuf);
    sipcode_stats_finish(st);
    sipcode_stats_get_counters(st, &o->c);
    sipcode_stats_free(st);
    return 1;
}

static void le32(uint8_t *p, uint32_t v, int big)
{
    int i;
    for (i = 0; i < 4; i++)
        p[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint32_t linktypes[] = {1, 0, 113, 228, 229, 276, 101, 147};
    static const uint32_t snaplens[] = {65535, 0, 100, 262144, 1u << 31, 2000, 64, 9000};
    struct outcome a, b, t;
    uint8_t hdr[24];
    char path[64];
    FILE *f;
    int big;
    if (size < 1)
        return 0;
    {
        /* the threaded reader's guess of where a span's first record
         * starts, on the input as a file: in [lo, hi) or none, reading
         * nothing outside it (the readers below take spans of 4 MiB, more
         * than any input: they guess for none) */
        uint64_t lo = data[0] % size, hi = size - lo / 2, g;
        g = sipcode__pcap_guess_start(data, size, data[0] & 2, snaplens[(data[0] >> 2) & 7], lo,
                                      hi);
        if (g != UINT64_MAX && (g < lo || g >= hi))
            __builtin_trap();
    }
    big = data[0] & 1;
    le32(hdr, data[0] & 2 ? 0xa1b23c4du : 0xa1b2c3d4u, big);
    hdr[big ? 1 : 0] = 2, hdr[big ? 0 : 1] = 0; /* version major 2 */
    hdr[big ? 3 : 2] = 4, hdr[big ? 2 : 3] = 0; /* minor 4 */
    memset(hdr + 8, 0, 8);
    le32(hdr + 16, snaplens[(data[0] >> 2) & 7], big);
    le32(hdr + 20, linktypes[(data[0] >> 5) & 7], big);
    snprintf(path, sizeof path, "/tmp/sipcode-fuzz-pcap-%ld.pcap", (long)getpid());
    f = fopen(path, "wb");
    if (!f)
        return 0;
    if (fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr ||
        (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1)) {
        fclose(f);
        unlink(path);
        return 0;
    }
    if (fclose(f) != 0 || !read_with(1, path, &a) || !read_with(0, path, &b) ||
        !read_with(3, path, &t)) {
        unlink(path);
        return 0;
    }
    unlink(path);
    if (a.err != b.err || memcmp(&a.res, &b.res, sizeof a.res) != 0 ||
        strcmp(a.errbuf, b.errbuf) != 0 || memcmp(&a.c, &b.c, sizeof a.c) != 0)
        __builtin_trap();
    if (a.err != t.err || memcmp(&a.res, &t.res, sizeof a.res) != 0 ||
        strcmp(a.errbuf, t.errbuf) != 0 || memcmp(&a.c, &t.c, sizeof a.c) != 0)
        __builtin_trap();
    return 0;
}
