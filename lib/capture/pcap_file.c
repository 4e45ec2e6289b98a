/* Reading classic pcap files straight from memory: the file is mapped a
 * window at a time and each record goes to the engine where it lies, with
 * no copy and no call into libpcap per record (on a warm 1 GB capture,
 * libpcap's fread copies were a sixth of the time of 'sipcode stats').
 *
 * Only what this reader can do exactly as libpcap does is taken: a regular
 * file in pcap format 2.4, micro- or nanosecond magic in either byte order,
 * with a link type whose libpcap DLT number is the LINKTYPE number itself.
 * Everything else (pcapng, standard input, pipes, older versions, raw IP
 * link types that libpcap renumbers) goes to libpcap (pcap_source.c). The
 * per-record checks and error texts are libpcap's, so a truncated or damaged
 * file gives the same records, result and message either way; a unit test
 * compares both readers on every generated capture and every cut of one. */
#define _DEFAULT_SOURCE /* MAP_PRIVATE, madvise */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_int.h"

#define FILE_HEADER   24u
#define RECORD_HEADER 16u
#define MAX_SNAPLEN   262144u /* libpcap's limit for every link type taken here */
#define WINDOW        (8u << 20) /* mapped at once: peak memory stays flat */

struct mapped {
    int fd;
    uint64_t size;
    const uint8_t *map; /* [map_off, map_off + map_len) of the file */
    uint64_t map_off;
    size_t map_len, page;
};

static void unmap(struct mapped *m)
{
    if (m->map)
        munmap((void *)m->map, m->map_len);
    m->map = NULL;
    m->map_len = 0;
}

/* Bytes [off, off + len) of the file (off + len <= size, len < WINDOW),
 * or NULL when mapping fails. */
static const uint8_t *view(struct mapped *m, uint64_t off, size_t len)
{
    void *p;
    if (m->map && off >= m->map_off && off + len <= m->map_off + m->map_len)
        return m->map + (off - m->map_off);
    unmap(m);
    m->map_off = off - off % m->page;
    m->map_len = m->size - m->map_off < WINDOW ? (size_t)(m->size - m->map_off) : WINDOW;
    p = mmap(NULL, m->map_len, PROT_READ, MAP_PRIVATE, m->fd, (off_t)m->map_off);
    if (p == MAP_FAILED) {
        m->map_len = 0;
        return NULL;
    }
    m->map = p;
    madvise(p, m->map_len, MADV_SEQUENTIAL);
    return m->map + (off - m->map_off);
}

static uint32_t get32(const uint8_t *p, int swapped)
{
    if (swapped)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int same_as_dlt(uint32_t linktype)
{
    switch (linktype) {
    case SIPCODE_LINKTYPE_NULL:
    case SIPCODE_LINKTYPE_EN10MB:
    case SIPCODE_LINKTYPE_LINUX_SLL:
    case SIPCODE_LINKTYPE_IPV4:
    case SIPCODE_LINKTYPE_IPV6:
    case SIPCODE_LINKTYPE_LINUX_SLL2:
        return 1;
    default: /* 101 and 108 become DLT_RAW and DLT_LOOP, numbered per system */
        return 0;
    }
}

static void say(char *errbuf, size_t errlen, const char *fmt, unsigned long a, unsigned long b)
{
    if (errbuf && errlen)
        snprintf(errbuf, errlen, fmt, a, b);
}

int sipcode__pcap_file_read(struct sipcode_stats *st, const char *path,
                            const struct sipcode_read_options *opt,
                            struct sipcode_capture_result *r, char *errbuf, size_t errlen,
                            enum sipcode_err *err)
{
    sipcode_progress_fn progress = opt ? opt->progress : NULL;
    uint64_t mark = 0;
    unsigned since = 0;
    struct mapped m;
    struct stat sb;
    uint8_t fh[FILE_HEADER];
    uint32_t magic, linktype, snap;
    uint64_t off = FILE_HEADER;
    int swapped, nano;
    ssize_t got;

    memset(&m, 0, sizeof m);
    if (strcmp(path, "-") == 0)
        return 0;
    m.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (m.fd < 0)
        return 0; /* libpcap opens it again and words the error */
    if (fstat(m.fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < FILE_HEADER ||
        (uint64_t)sb.st_size > SIZE_MAX)
        goto not_mine;
    got = pread(m.fd, fh, sizeof fh, 0);
    if (got != (ssize_t)sizeof fh)
        goto not_mine;
    magic = get32(fh, 0);
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        swapped = 0;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        swapped = 1;
    else
        goto not_mine;
    nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    /* version 2.4 only: libpcap swaps the length fields of older files */
    if (get32(fh + 4, swapped) != (swapped ? 0x00020004u : 0x00040002u))
        goto not_mine;
    linktype = get32(fh + 20, swapped);
    if (!same_as_dlt(linktype))
        goto not_mine;
    snap = get32(fh + 16, swapped);
    if (snap == 0 || snap > MAX_SNAPLEN) /* as libpcap adjusts it */
        snap = MAX_SNAPLEN;
    m.size = (uint64_t)sb.st_size;
    m.page = (size_t)sysconf(_SC_PAGESIZE);
    if (m.page == 0 || m.page > WINDOW / 4)
        goto not_mine;

    r->linktype = (int)linktype;
    *err = SIPCODE_OK;
    st->defer = 1; /* the tables' cache misses overlap the next record's parse */
    while (off < m.size) {
        const uint8_t *h, *data;
        uint32_t caplen, wire_len, take;
        uint64_t left = m.size - off, ts_ns;
        int64_t sec, frac;
        if (left < RECORD_HEADER) {
            say(errbuf, errlen,
                "truncated dump file; tried to read %lu header bytes, only got %lu",
                RECORD_HEADER, (unsigned long)left);
            goto truncated;
        }
        h = view(&m, off, RECORD_HEADER);
        if (!h)
            goto io_error;
        caplen = get32(h + 8, swapped);
        wire_len = get32(h + 12, swapped);
        /* libpcap's struct pcap_timeval holds signed 32-bit fields */
        sec = (int32_t)get32(h, swapped);
        frac = (int32_t)get32(h + 4, swapped);
        if (!nano)
            frac *= 1000;
        ts_ns = (uint64_t)sec * 1000000000u + (uint64_t)frac;
        off += RECORD_HEADER;
        left -= RECORD_HEADER;
        if (caplen > MAX_SNAPLEN) {
            if (caplen > snap)
                say(errbuf, errlen, "invalid packet capture length %lu, bigger than snaplen of %lu",
                    caplen, snap);
            else
                say(errbuf, errlen, "invalid packet capture length %lu, bigger than maximum of %lu",
                    caplen, MAX_SNAPLEN);
            goto truncated;
        }
        take = caplen > snap ? snap : caplen; /* libpcap cuts to the snapshot length */
        if (left < caplen) {
            say(errbuf, errlen, "truncated dump file; tried to read %lu captured bytes, only got %lu",
                left < take ? take : caplen, (unsigned long)left);
            goto truncated;
        }
        data = take ? view(&m, off, take) : h;
        if (!data)
            goto io_error;
        sipcode_stats_add_packet(st, data, take, wire_len, (int)linktype, ts_ns);
        r->records++;
        r->bytes += take;
        off += caplen;
        if (progress && (++since >= 1024 || off - mark >= (1u << 20))) {
            since = 0;
            mark = off;
            progress(opt->progress_arg, off);
        }
    }
    if (progress)
        progress(opt->progress_arg, off);
    sipcode__stats_flush(st);
    st->defer = 0;
    unmap(&m);
    close(m.fd);
    return 1;

io_error:
    if (errbuf && errlen)
        snprintf(errbuf, errlen, "error reading dump file: %s", strerror(errno));
truncated:
    r->truncated = 1;
    *err = SIPCODE_EIO;
    sipcode__stats_flush(st);
    st->defer = 0;
    unmap(&m);
    close(m.fd);
    return 1;

not_mine:
    close(m.fd);
    return 0;
}

enum sipcode_err sipcode_stats_read_file_ex(struct sipcode_stats *st, const char *path,
                                            const struct sipcode_read_options *opt,
                                            struct sipcode_capture_result *res, char *errbuf,
                                            size_t errlen)
{
    struct sipcode_capture_result r;
    enum sipcode_err err = SIPCODE_OK;
    if (st && path && !(opt && opt->filter && opt->filter[0])) {
        memset(&r, 0, sizeof r);
        r.linktype = -1;
        if (errbuf && errlen)
            errbuf[0] = '\0';
        if (sipcode__pcap_file_read(st, path, opt, &r, errbuf, errlen, &err)) {
            if (res)
                *res = r;
            return err;
        }
    }
    return sipcode__read_libpcap(st, path, opt, res, errbuf, errlen);
}
