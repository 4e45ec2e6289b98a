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

/* Asks for the lines from *ahead up to PREFETCH_AHEAD bytes past off, as far
 * as m holds them: the next records' bytes load while this one is counted
 * (the hardware's stream prefetch stops at page ends). */
static void prefetch_ahead(const struct mapped *m, uint64_t off, uint64_t *ahead)
{
    uint64_t want = off + PREFETCH_AHEAD;
    if (want > m->map_off + m->map_len)
        want = m->map_off + m->map_len;
    if (*ahead < off)
        *ahead = off;
    for (; *ahead < want; *ahead += 64)
        __builtin_prefetch(m->map + (*ahead - m->map_off));
}

/* Counts the records from *off on that start before limit: REC_OK once
 * *off >= limit, else why it stopped. */
static enum rec_status read_serial(const struct reader *rd, struct counting *c, uint64_t *off,
                                   uint64_t limit)
{
    struct mapped m;
    struct rec rec;
    enum rec_status rc = REC_OK;
    uint64_t ahead = 0;
    memset(&m, 0, sizeof m);
    m.fd = rd->fd;
    m.size = rd->size;
    m.page = rd->page;
    while (*off < limit && (rc = next_record(rd, &m, 0, off, &rec)) == REC_OK) {
        prefetch_ahead(&m, *off, &ahead);
        count_record(c, &rec);
    }
    unmap(&m);
    return rc;
}

/* ---- several threads ------------------------------------------------------------
 *
 * The file is cut into spans of SPAN bytes; a span's records are those that
 * start in it. Each thread takes the next span, maps it with room for its
 * last record to run past its end, and frames and classifies its records in
 * one pass (sipcode__udp_payload, then the parse: the bulk of the work, and
 * pure), so that, as in the serial reader, the parse of one record hides the
 * wait for the next one's bytes and no thread reads the bytes another
 * brought in.
 *
 * Where the first record of a span starts is known for sure only once the
 * span before is framed. The thread guesses it from the bytes (the first
 * offset followed by a run of plausible record headers), and the counting
 * thread checks the guess against where the span before really ended. A
 * wrong guess (a payload can hold bytes that look like record headers)
 * costs time, never a count: that span is framed and counted again, alone,
 * from where it really starts. So is the rest of a span that holds more
 * than SLOT_RECORDS records or in which framing stopped at an error (the
 * guessing threads never word an error).
 *
 * The calling thread alone counts, span after span and record after record
 * in file order: a classified datagram through
 * sipcode__stats_add_classified(), which counts it as
 * sipcode_stats_add_packet() would without reading its headers again, the
 * rest through sipcode_stats_add_packet() itself. Every count is therefore
 * made by one thread in the order of the file, as without threads: the
 * results are the same, only found sooner. */

#define SPAN         SIPCODE__PCAP_SPAN
#define SLOT_RECORDS 16384u        /* a span's records when they average 256 bytes or more */
#define COUNT_AHEAD  4u            /* records prefetched ahead of the counting */
#define GUESS_RUN    8u            /* record headers in a row that make a guess */
#define GUESS_SECS   (366 * 86400) /* how far from the first record's time */
#define NO_START     UINT64_MAX

enum slot_state { SLOT_FREE, SLOT_TAKEN, SLOT_READY };

struct slot {
    struct mapped m;
    uint64_t span;      /* its index */
    uint64_t lo, hi;    /* records starting in [lo, hi) */
    uint64_t start;     /* the first record, as guessed; NO_START: none found */
    uint64_t next;      /* the offset after the last record framed */
    enum rec_status rc; /* why framing stopped before hi (REC_OK: hi reached, or full) */
    size_t n;
    struct rec recs[SLOT_RECORDS];
    struct pre_parsed pre[SLOT_RECORDS];
    enum slot_state state; /* under pool.mu */
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* any change of state below */
    struct slot *slots;
    size_t nslots;
    uint64_t next_span, spans; /* the span taken next; how many there are */
    int stop;
    /* read only: */
    struct reader rd;  /* without errbuf: framing ahead never words an error */
    uint64_t first;    /* where the first span's records start */
    int64_t first_sec; /* the time of the first record */
    const struct sipcode_stats *st;
};

/* The first offset in [lo, hi) where m holds GUESS_RUN plausible record
 * headers in a row, each right after the one before (fewer when the file
 * or the mapping ends after them), else NO_START. Plausible: a time within
 * GUESS_SECS of ref_sec (the file's first record's), a fraction below one
 * second, and a length captured that no snapshot cut, nor the length on
 * the wire exceeds. Without the time, the fields 4 bytes on from a run of
 * records (a fraction, a length, a length, the data) look like one too.
 * The record that runs over lo ends within a record's greatest length of
 * it: no further need be looked at. A guess: the counting thread checks
 * it. */
static uint64_t guess_start(const struct reader *rd, const struct mapped *m, int64_t ref_sec,
                            uint64_t lo, uint64_t hi)
{
    uint32_t frac_limit = rd->nano ? 1000000000u : 1000000u;
    uint64_t o;
    if (hi > lo + RECORD_HEADER + MAX_SNAPLEN + 1)
        hi = lo + RECORD_HEADER + MAX_SNAPLEN + 1;
    for (o = lo; o < hi; o++) {
        uint64_t at = o;
        unsigned k;
        for (k = 0; k < GUESS_RUN && at < rd->size; k++) {
            const uint8_t *h = inside(m, at, RECORD_HEADER);
            int64_t sec;
            uint32_t caplen, wire;
            if (!h)
                break;
            sec = (int32_t)get32(h, rd->swapped);
            caplen = get32(h + 8, rd->swapped);
            wire = get32(h + 12, rd->swapped);
            if (sec - ref_sec > GUESS_SECS || ref_sec - sec > GUESS_SECS ||
                get32(h + 4, rd->swapped) >= frac_limit || caplen > rd->snap || wire == 0 ||
                caplen > wire || rd->size - at - RECORD_HEADER < caplen)
                break;
            at += RECORD_HEADER + caplen;
        }
        if (k == GUESS_RUN || at == rd->size || (k > 0 && !inside(m, at, RECORD_HEADER)))
            return o;
    }
    return NO_START;
}

/* The time of the record whose header is at h, as guess_start() takes it
 * (0 without one). */
static int64_t record_sec(const struct reader *rd, const uint8_t *h)
{
    return h ? (int32_t)get32(h, rd->swapped) : 0;
}

uint64_t sipcode__pcap_guess_start(const uint8_t *file, uint64_t size, int nano, uint32_t snap,
                                   uint64_t lo, uint64_t hi)
{
    struct reader rd;
    struct mapped m;
    memset(&rd, 0, sizeof rd);
    memset(&m, 0, sizeof m);
    rd.size = size;
    rd.nano = nano;
    rd.snap = snap;
    m.map = file;
    m.map_len = (size_t)size;
    return guess_start(&rd, &m, record_sec(&rd, inside(&m, FILE_HEADER, RECORD_HEADER)), lo, hi);
}

static void classify_record(const struct pool *pl, const struct rec *rec, struct pre_parsed *pre,
                            struct sipcode_header *hdrs)
{
    struct sipcode_message m;
    const uint8_t *payload;
    size_t len;
    pre->payload = NULL;
    if (!sipcode__udp_payload(pl->st, rec->data, rec->take, pl->rd.linktype, &payload, &len))
        return;
    pre->kind = sipcode__stats_classify(payload, len, pl->st->cfg.wire_flags, hdrs, &m);
    if (pre->kind == DGRAM_MESSAGE && !sipcode__stats_summarize(&m, &pre->sum))
        return; /* needs the message later: parsed again in its turn */
    pre->sum.m = NULL;
    pre->len = len;
    pre->payload = payload;
}

/* Maps span s->span, guesses where its first record starts, then frames
 * and classifies its records. */
static void fill(const struct pool *pl, struct slot *s, struct sipcode_header *hdrs)
{
    const struct reader *rd = &pl->rd;
    uint64_t from = s->span * SPAN, off, ahead = 0;
    uint64_t room = (uint64_t)SPAN + RECORD_HEADER + rd->snap; /* the last record runs past */
    enum rec_status rc = REC_OK;
    void *p;
    s->lo = s->span ? from : pl->first;
    s->hi = from + SPAN;
    s->n = 0;
    s->start = NO_START;
    s->m.map_off = from;
    s->m.map_len = (size_t)(rd->size - from < room ? rd->size - from : room);
    p = mmap(NULL, s->m.map_len, PROT_READ, MAP_PRIVATE, rd->fd, (off_t)from);
    if (p == MAP_FAILED) { /* the counting thread reads it alone, and words why */
        s->m.map = NULL;
        s->m.map_len = 0;
        return;
    }
    s->m.map = p;
    madvise(p, s->m.map_len, MADV_SEQUENTIAL);
    off = s->span ? guess_start(rd, &s->m, pl->first_sec, s->lo, s->hi) : s->lo;
    if (off == NO_START)
        return;
    s->start = off;
    while (off < s->hi && s->n < SLOT_RECORDS) {
        rc = next_record(rd, &s->m, 1, &off, &s->recs[s->n]);
        if (rc != REC_OK)
            break;
        prefetch_ahead(&s->m, off, &ahead);
        classify_record(pl, &s->recs[s->n], &s->pre[s->n], hdrs);
        s->n++;
    }
    s->next = off;
    s->rc = rc;
}

/* Takes the next span and fills its slot, with pl->mu held (released while
 * working). 0 when there is none to take now. */
static int take_span(struct pool *pl, struct sipcode_header *hdrs)
{
    struct slot *s;
    if (pl->stop || pl->next_span == pl->spans)
        return 0;
    s = &pl->slots[pl->next_span % pl->nslots];
    if (s->state != SLOT_FREE)
        return 0;
    s->state = SLOT_TAKEN;
    s->span = pl->next_span++;
    pthread_mutex_unlock(&pl->mu);
    fill(pl, s, hdrs);
    pthread_mutex_lock(&pl->mu);
    s->state = SLOT_READY;
    pthread_cond_broadcast(&pl->cv);
    return 1;
}

static void *worker(void *arg)
{
    struct pool *pl = arg;
    struct sipcode_header *hdrs = malloc(MSG_HEADERS * sizeof *hdrs);
    pthread_mutex_lock(&pl->mu);
    while (hdrs && !pl->stop)
        if (!take_span(pl, hdrs))
            pthread_cond_wait(&pl->cv, &pl->mu);
    pthread_mutex_unlock(&pl->mu);
    free(hdrs);
    return NULL;
}

/* Counts the records of span s from *off, where the span before ended: those
 * framed ahead when the guess was right, then, alone, whatever framing
 * ahead left (all of the span when the guess was wrong). */
static enum rec_status count_span(const struct reader *rd, struct counting *c, struct slot *s,
                                  uint64_t *off)
{
    size_t k;
    if (s->start != *off)
        return read_serial(rd, c, off, s->hi);
    for (k = 0; k < s->n; k++) {
        if (k + COUNT_AHEAD < s->n && !s->pre[k + COUNT_AHEAD].payload) {
            /* another thread touched it last: ask for the headers of a frame
             * counted from its bytes a few records ahead (a classified one
             * is counted from its summary alone) */
            const struct rec *r = &s->recs[k + COUNT_AHEAD];
            __builtin_prefetch(r->data);
            if (r->take > 64)
                __builtin_prefetch(r->data + 64);
        }
        if (s->pre[k].payload) {
            sipcode__stats_add_classified(c->st, &s->pre[k], s->recs[k].ts);
            counted(c, &s->recs[k]);
        } else {
            count_record(c, &s->recs[k]);
        }
    }
    *off = s->next;
    if (s->rc == REC_OK && *off >= s->hi)
        return REC_OK;
    return read_serial(rd, c, off, s->hi); /* full, or an error to word */
}

static enum rec_status read_threads(const struct reader *rd, struct counting *c, uint64_t *off,
                                    unsigned threads)
{
    struct pool pl;
    pthread_t tid[SIPCODE_MAX_THREADS];
    struct sipcode_header *hdrs = malloc(MSG_HEADERS * sizeof *hdrs);
    unsigned workers = 0, i;
    enum rec_status rc = REC_OK;
    uint64_t span;
    int io_errno = 0;
    memset(&pl, 0, sizeof pl);
    if (threads > SIPCODE_MAX_THREADS)
        threads = SIPCODE_MAX_THREADS;
    pl.nslots = (size_t)threads + 2; /* every thread busy, one counted, one ready */
    pl.slots = calloc(pl.nslots, sizeof *pl.slots);
    if (!pl.slots || !hdrs) {
        free(pl.slots);
        free(hdrs);
        return read_serial(rd, c, off, UINT64_MAX);
    }
    pl.rd = *rd;
    pl.rd.errbuf = NULL;
    pl.rd.errlen = 0;
    pl.first = *off;
    {
        uint8_t h[RECORD_HEADER];
        if (pread(rd->fd, h, sizeof h, (off_t)*off) == (ssize_t)sizeof h)
            pl.first_sec = record_sec(rd, h);
    }
    pl.spans = (rd->size + SPAN - 1) / SPAN;
    pl.st = c->st;
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cv, NULL);
    for (i = 0; i + 1 < threads; i++)
        if (pthread_create(&tid[workers], NULL, worker, &pl) == 0)
            workers++;

    pthread_mutex_lock(&pl.mu);
    for (span = 0; span < pl.spans && rc == REC_OK; span++) {
        struct slot *s = &pl.slots[span % pl.nslots];
        while (s->state != SLOT_READY || s->span != span)
            if (!take_span(&pl, hdrs)) /* frame rather than wait */
                pthread_cond_wait(&pl.cv, &pl.mu);
        pthread_mutex_unlock(&pl.mu);
        rc = count_span(rd, c, s, off);
        io_errno = errno; /* for REC_IO, before the calls below change it */
        unmap(&s->m);
        pthread_mutex_lock(&pl.mu);
        s->state = SLOT_FREE;
        pthread_cond_broadcast(&pl.cv);
    }
    pl.stop = 1;
    pthread_cond_broadcast(&pl.cv);
    pthread_mutex_unlock(&pl.mu);
    for (i = 0; i < workers; i++)
        pthread_join(tid[i], NULL);
    for (i = 0; i < pl.nslots; i++) /* filled, never counted: stopped early */
        unmap(&pl.slots[i].m);
    pthread_cond_destroy(&pl.cv);
    pthread_mutex_destroy(&pl.mu);
    free(pl.slots);
    free(hdrs);
    errno = io_errno;
    return rc == REC_OK ? REC_END : rc;
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
    if (rd.page == 0 || rd.page > SPAN / 4)
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
        rc = read_serial(&rd, &c, &off, UINT64_MAX);
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
