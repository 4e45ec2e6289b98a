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
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_int.h"

#define FILE_HEADER    24u
#define RECORD_HEADER  16u
#define MAX_SNAPLEN    262144u    /* libpcap's limit for every link type taken here */
#define WINDOW         (8u << 20) /* mapped at once: peak memory stays flat */
#define PREFETCH_AHEAD 4096u      /* bytes of the file asked for ahead of the reader */

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

/* One file being read. */
struct reader {
    int fd;
    uint64_t size;
    size_t page;
    int swapped, nano;
    uint32_t snap;
    int linktype;
    char *errbuf;
    size_t errlen;
};

struct rec {
    const uint8_t *data;
    uint32_t take, wire_len;
    uint64_t ts, end; /* end: the file offset after the record */
};

enum rec_status { REC_OK, REC_END, REC_TRUNCATED, REC_IO, REC_LATER };

/* The bytes [off, off + len) when m holds them already, else NULL. */
static const uint8_t *inside(const struct mapped *m, uint64_t off, size_t len)
{
    if (m->map && off >= m->map_off && off + len <= m->map_off + m->map_len)
        return m->map + (off - m->map_off);
    return NULL;
}

/* The record at *off. With fixed, m is not moved and a record m does not
 * hold is REC_LATER (nothing consumed); else m is moved as needed and a
 * failed mapping is REC_IO. The checks and texts are libpcap's. */
static enum rec_status next_record(const struct reader *rd, struct mapped *m, int fixed,
                                   uint64_t *off, struct rec *out)
{
    const uint8_t *h, *data;
    uint32_t caplen, take;
    uint64_t left;
    int64_t sec, frac;
    if (*off >= rd->size)
        return REC_END;
    left = rd->size - *off;
    if (left < RECORD_HEADER) {
        say(rd->errbuf, rd->errlen,
            "truncated dump file; tried to read %lu header bytes, only got %lu", RECORD_HEADER,
            (unsigned long)left);
        return REC_TRUNCATED;
    }
    h = fixed ? inside(m, *off, RECORD_HEADER) : view(m, *off, RECORD_HEADER);
    if (!h)
        return fixed ? REC_LATER : REC_IO;
    caplen = get32(h + 8, rd->swapped);
    out->wire_len = get32(h + 12, rd->swapped);
    /* libpcap's struct pcap_timeval holds signed 32-bit fields */
    sec = (int32_t)get32(h, rd->swapped);
    frac = (int32_t)get32(h + 4, rd->swapped);
    if (!rd->nano)
        frac *= 1000;
    out->ts = (uint64_t)sec * 1000000000u + (uint64_t)frac;
    left -= RECORD_HEADER;
    if (caplen > MAX_SNAPLEN) {
        if (caplen > rd->snap)
            say(rd->errbuf, rd->errlen,
                "invalid packet capture length %lu, bigger than snaplen of %lu", caplen, rd->snap);
        else
            say(rd->errbuf, rd->errlen,
                "invalid packet capture length %lu, bigger than maximum of %lu", caplen,
                MAX_SNAPLEN);
        return REC_TRUNCATED;
    }
    take = caplen > rd->snap ? rd->snap : caplen; /* libpcap cuts to the snapshot length */
    if (left < caplen) {
        say(rd->errbuf, rd->errlen,
            "truncated dump file; tried to read %lu captured bytes, only got %lu",
            left < take ? take : caplen, (unsigned long)left);
        return REC_TRUNCATED;
    }
    if (!take)
        data = h;
    else if (fixed)
        data = inside(m, *off + RECORD_HEADER, take);
    else
        data = view(m, *off + RECORD_HEADER, take);
    if (!data)
        return fixed ? REC_LATER : REC_IO;
    out->data = data;
    out->take = take;
    *off += RECORD_HEADER + caplen;
    out->end = *off;
    return REC_OK;
}

/* Counts a record, and tells the progress callback now and then. */
struct counting {
    struct sipcode_stats *st;
    struct sipcode_capture_result *r;
    const struct sipcode_read_options *opt;
    uint64_t mark;
    unsigned since;
};

static void counted(struct counting *c, const struct rec *rec)
{
    c->r->records++;
    c->r->bytes += rec->take;
    if (c->opt && c->opt->progress && (++c->since >= 1024 || rec->end - c->mark >= (1u << 20))) {
        c->since = 0;
        c->mark = rec->end;
        c->opt->progress(c->opt->progress_arg, rec->end);
    }
}

static void count_record(struct counting *c, const struct rec *rec)
{
    sipcode_stats_add_packet(c->st, rec->data, rec->take, rec->wire_len, c->r->linktype, rec->ts);
    counted(c, rec);
}

static enum rec_status read_serial(const struct reader *rd, struct counting *c, uint64_t *off)
{
    struct mapped m;
    struct rec rec;
    enum rec_status rc;
    uint64_t ahead = 0;
    memset(&m, 0, sizeof m);
    m.fd = rd->fd;
    m.size = rd->size;
    m.page = rd->page;
    while ((rc = next_record(rd, &m, 0, off, &rec)) == REC_OK) {
        /* the next records' lines, asked for while this one is counted
         * (the hardware's stream prefetch stops at page ends) */
        uint64_t want = *off + PREFETCH_AHEAD;
        if (want > m.map_off + m.map_len)
            want = m.map_off + m.map_len;
        if (ahead < *off)
            ahead = *off;
        for (; ahead < want; ahead += 64)
            __builtin_prefetch(m.map + (ahead - m.map_off));
        count_record(c, &rec);
    }
    unmap(&m);
    return rc;
}

/* ---- several threads ------------------------------------------------------------
 *
 * The file is cut into slots: up to SLOT_RECORDS records within one mapping
 * of at most SLOT_WINDOW bytes, framed one slot after the other by whichever
 * thread is free (one at a time). Every thread classifies the UDP datagrams
 * of framed slots, oldest first (sipcode__udp_payload, then the parse: the
 * bulk of the work, and pure). The calling thread alone counts, slot after
 * slot and record after record in file order: a classified datagram
 * through sipcode__stats_add_classified(), which counts it as
 * sipcode_stats_add_packet() would without reading its headers again (they
 * are in the other core's cache), the rest through
 * sipcode_stats_add_packet() itself. Every count is therefore made by one
 * thread in the order of the file, as without threads: the results are the
 * same, only found sooner. */

#define SLOTS        4
#define SLOT_RECORDS 4096u
#define SLOT_WINDOW  (4u << 20)
#define CHUNK        128u   /* records a thread classifies at a time */
#define COUNT_AHEAD  4u     /* records prefetched ahead of the counting */
#define FRAMER_AHEAD 16384u /* the framer reads only headers: it runs ahead faster */

enum slot_state { SLOT_FREE, SLOT_READY };

struct slot {
    struct mapped m;
    struct rec recs[SLOT_RECORDS];
    struct pre_parsed pre[SLOT_RECORDS];
    size_t n;
    enum slot_state state; /* the rest under pool.mu */
    size_t chunks, next_chunk, done_chunks;
    uint64_t seq; /* order of framing */
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* any change below */
    struct slot *slots;
    size_t fill_idx;  /* the slot framed next */
    int framing, eof; /* a thread frames; no more to frame */
    int stop;
    uint64_t seq;
    /* the framer's, one at a time: */
    const struct reader *rd;
    uint64_t off;
    enum rec_status rc; /* why framing stopped */
    int io_errno;
    /* read only: */
    const struct sipcode_stats *st;
};

static void classify_chunk(const struct pool *pl, struct slot *s, size_t chunk,
                           struct sipcode_header *hdrs)
{
    size_t i, end = (chunk + 1) * CHUNK < s->n ? (chunk + 1) * CHUNK : s->n;
    for (i = chunk * CHUNK; i < end; i++) {
        struct pre_parsed *pre = &s->pre[i];
        const struct rec *rec = &s->recs[i];
        struct sipcode_message m;
        const uint8_t *payload;
        size_t len;
        pre->payload = NULL;
        if (!sipcode__udp_payload(pl->st, rec->data, rec->take, pl->rd->linktype, &payload, &len))
            continue;
        pre->kind = sipcode__stats_classify(payload, len, pl->st->cfg.wire_flags, hdrs, &m);
        if (pre->kind == DGRAM_MESSAGE && !sipcode__stats_summarize(&m, &pre->sum))
            continue; /* needs the message later: parsed again in its turn */
        pre->sum.m = NULL;
        pre->len = len;
        pre->payload = payload;
    }
}

/* Maps a window at pl->off and frames the records it holds into s. */
static void fill(struct pool *pl, struct slot *s)
{
    const struct reader *rd = pl->rd;
    enum rec_status rc = REC_OK;
    uint64_t start = pl->off - pl->off % rd->page;
    size_t ahead;
    void *p;
    s->n = 0;
    s->m.map_off = start;
    s->m.map_len = rd->size - start < SLOT_WINDOW ? (size_t)(rd->size - start) : SLOT_WINDOW;
    p = s->m.map_len
            ? mmap(NULL, s->m.map_len, PROT_READ, MAP_PRIVATE, rd->fd, (off_t)start)
            : MAP_FAILED;
    if (p == MAP_FAILED) {
        pl->io_errno = errno;
        s->m.map = NULL;
        s->m.map_len = 0;
        pl->rc = pl->off >= rd->size ? REC_END : REC_IO;
        return;
    }
    s->m.map = p;
    madvise(p, s->m.map_len, MADV_SEQUENTIAL);
    ahead = 0;
    while (s->n < SLOT_RECORDS) {
        /* Only the record headers are read here, a cache miss each unless
         * the lines ahead are asked for (the classifying threads need
         * them all anyway). */
        size_t at = (size_t)(pl->off - start);
        if (ahead < at)
            ahead = at;
        while (ahead < at + FRAMER_AHEAD && ahead < s->m.map_len) {
            __builtin_prefetch(s->m.map + ahead);
            ahead += 64;
        }
        rc = next_record(rd, &s->m, 1, &pl->off, &s->recs[s->n]);
        if (rc != REC_OK)
            break;
        s->n++;
    }
    if (rc == REC_LATER) { /* a record always fits a fresh window */
        pl->io_errno = EIO;
        rc = s->n ? REC_OK : REC_IO;
    }
    pl->rc = rc;
}

/* One step of work other than counting, with pl->mu held (released while
 * working): framing the next slot, else classifying the oldest chunk.
 * 0 when there is none. */
static int help(struct pool *pl, struct sipcode_header *hdrs)
{
    struct slot *s = &pl->slots[pl->fill_idx], *best = NULL;
    size_t i, chunk;
    if (!pl->framing && !pl->eof && s->state == SLOT_FREE) {
        pl->framing = 1;
        pthread_mutex_unlock(&pl->mu);
        fill(pl, s);
        pthread_mutex_lock(&pl->mu);
        s->chunks = (s->n + CHUNK - 1) / CHUNK;
        s->next_chunk = s->done_chunks = 0;
        s->seq = ++pl->seq;
        s->state = SLOT_READY;
        pl->fill_idx = (pl->fill_idx + 1) % SLOTS;
        pl->eof = pl->rc != REC_OK;
        pl->framing = 0;
        pthread_cond_broadcast(&pl->cv);
        return 1;
    }
    for (i = 0; i < SLOTS; i++) {
        struct slot *t = &pl->slots[i];
        if (t->state == SLOT_READY && t->next_chunk < t->chunks && (!best || t->seq < best->seq))
            best = t;
    }
    if (!best)
        return 0;
    chunk = best->next_chunk++;
    pthread_mutex_unlock(&pl->mu);
    classify_chunk(pl, best, chunk, hdrs);
    pthread_mutex_lock(&pl->mu);
    if (++best->done_chunks == best->chunks)
        pthread_cond_broadcast(&pl->cv);
    return 1;
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct sipcode_header *hdrs = malloc(MSG_HEADERS * sizeof *hdrs);
    pthread_mutex_lock(&pl->mu);
    while (hdrs && !pl->stop)
        if (!help(pl, hdrs))
            pthread_cond_wait(&pl->cv, &pl->mu);
    pthread_mutex_unlock(&pl->mu);
    free(hdrs);
    return NULL;
}

static enum rec_status read_threads(const struct reader *rd, struct counting *c, uint64_t *off,
                                    unsigned threads)
{
    struct pool pl;
    pthread_t tid[SIPCODE_MAX_THREADS];
    struct sipcode_header *hdrs = malloc(MSG_HEADERS * sizeof *hdrs);
    unsigned workers = 0, i;
    size_t head = 0;
    memset(&pl, 0, sizeof pl);
    pl.slots = calloc(SLOTS, sizeof *pl.slots);
    if (!pl.slots || !hdrs) {
        free(pl.slots);
        free(hdrs);
        return read_serial(rd, c, off);
    }
    pl.rd = rd;
    pl.st = c->st;
    pl.off = *off;
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cv, NULL);
    for (i = 0; i + 1 < threads && i + 1 < SIPCODE_MAX_THREADS; i++)
        if (pthread_create(&tid[workers], NULL, worker, &pl) == 0)
            workers++;

    pthread_mutex_lock(&pl.mu);
    for (;;) {
        struct slot *s = &pl.slots[head];
        size_t k;
        if (s->state != SLOT_READY) {
            /* slots are framed and counted in the same order: when the
             * next is not framed and no more will be, all are counted */
            if (pl.eof && !pl.framing)
                break;
            if (!help(&pl, hdrs))
                pthread_cond_wait(&pl.cv, &pl.mu);
            continue;
        }
        while (s->next_chunk < s->chunks) { /* classify rather than wait */
            size_t chunk = s->next_chunk++;
            pthread_mutex_unlock(&pl.mu);
            classify_chunk(&pl, s, chunk, hdrs);
            pthread_mutex_lock(&pl.mu);
            s->done_chunks++;
        }
        while (s->done_chunks < s->chunks)
            pthread_cond_wait(&pl.cv, &pl.mu);
        pthread_mutex_unlock(&pl.mu);
        for (k = 0; k < s->n; k++) {
            if (k + COUNT_AHEAD < s->n) {
                /* another thread touched these last: ask for what counting
                 * reads a few records ahead (the method name of a
                 * classified message, else the frame's headers) */
                const struct pre_parsed *next = &s->pre[k + COUNT_AHEAD];
                const struct rec *r = &s->recs[k + COUNT_AHEAD];
                if (!next->payload) {
                    __builtin_prefetch(r->data);
                    if (r->take > 64)
                        __builtin_prefetch(r->data + 64);
                } else if (next->kind == DGRAM_MESSAGE) {
                    __builtin_prefetch(next->sum.method.ptr);
                }
            }
            if (s->pre[k].payload) {
                sipcode__stats_add_classified(c->st, &s->pre[k], s->recs[k].ts);
                counted(c, &s->recs[k]);
            } else {
                count_record(c, &s->recs[k]);
            }
        }
        unmap(&s->m);
        pthread_mutex_lock(&pl.mu);
        s->state = SLOT_FREE;
        pthread_cond_broadcast(&pl.cv);
        head = (head + 1) % SLOTS;
    }
    pl.stop = 1;
    pthread_cond_broadcast(&pl.cv);
    pthread_mutex_unlock(&pl.mu);
    for (i = 0; i < workers; i++)
        pthread_join(tid[i], NULL);
    pthread_cond_destroy(&pl.cv);
    pthread_mutex_destroy(&pl.mu);
    free(pl.slots);
    free(hdrs);
    *off = pl.off;
    errno = pl.io_errno;
    return pl.rc;
}

int sipcode__pcap_file_read(struct sipcode_stats *st, const char *path,
                            const struct sipcode_read_options *opt,
                            struct sipcode_capture_result *r, char *errbuf, size_t errlen,
                            enum sipcode_err *err)
{
    struct reader rd;
    struct counting c;
    struct stat sb;
    uint8_t fh[FILE_HEADER];
    uint32_t magic, linktype;
    uint64_t off = FILE_HEADER;
    unsigned threads = opt ? opt->threads : 0;
    enum rec_status rc;
    ssize_t got;

    memset(&rd, 0, sizeof rd);
    if (strcmp(path, "-") == 0)
        return 0;
    rd.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (rd.fd < 0)
        return 0; /* libpcap opens it again and words the error */
    if (fstat(rd.fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size < FILE_HEADER ||
        (uint64_t)sb.st_size > SIZE_MAX)
        goto not_mine;
    got = pread(rd.fd, fh, sizeof fh, 0);
    if (got != (ssize_t)sizeof fh)
        goto not_mine;
    magic = get32(fh, 0);
    if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du)
        rd.swapped = 0;
    else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u)
        rd.swapped = 1;
    else
        goto not_mine;
    rd.nano = magic == 0xa1b23c4du || magic == 0x4d3cb2a1u;
    /* version 2.4 only: libpcap swaps the length fields of older files */
    if (get32(fh + 4, rd.swapped) != (rd.swapped ? 0x00020004u : 0x00040002u))
        goto not_mine;
    linktype = get32(fh + 20, rd.swapped);
    if (!same_as_dlt(linktype))
        goto not_mine;
    rd.snap = get32(fh + 16, rd.swapped);
    if (rd.snap == 0 || rd.snap > MAX_SNAPLEN) /* as libpcap adjusts it */
        rd.snap = MAX_SNAPLEN;
    rd.size = (uint64_t)sb.st_size;
    rd.page = (size_t)sysconf(_SC_PAGESIZE);
    if (rd.page == 0 || rd.page > SLOT_WINDOW / 4)
        goto not_mine;
    rd.linktype = (int)linktype;
    rd.errbuf = errbuf;
    rd.errlen = errlen;

    r->linktype = (int)linktype;
    *err = SIPCODE_OK;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.r = r;
    c.opt = opt;
    st->defer = 1; /* the tables' cache misses overlap the next record's parse */
    if (threads > 1)
        rc = read_threads(&rd, &c, &off, threads);
    else
        rc = read_serial(&rd, &c, &off);
    sipcode__stats_flush(st);
    st->defer = 0;
    if (rc == REC_IO && errbuf && errlen)
        snprintf(errbuf, errlen, "error reading dump file: %s", strerror(errno));
    if (rc == REC_IO || rc == REC_TRUNCATED) {
        r->truncated = 1;
        *err = SIPCODE_EIO;
    } else if (opt && opt->progress) {
        opt->progress(opt->progress_arg, off);
    }
    close(rd.fd);
    return 1;

not_mine:
    close(rd.fd);
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
