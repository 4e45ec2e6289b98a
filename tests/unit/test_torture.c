/* The RFC 4475 and RFC 5118 torture messages through the message framer,
 * read from ../shared/torture/ with the verdicts of its INDEX.tsv (the
 * derived/ copy where one exists). Each message is framed whole as a
 * datagram and as a stream, cut at every byte as a stream, and always placed
 * right before a PROT_NONE page so that any read past the input crashes. */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS under -std=c11 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sipcode.h>

#include "test.h"

#define TORTURE_DIR SIPCODE_SOURCE_DIR "/../shared/torture/"
#define NONE        (-1) /* no archive check */

/* The framer's expected outcome per file. In scope: what framing, the start
 * line and the fields the framer extracts (top Via, From/To tags, Call-ID,
 * CSeq, Max-Forwards, Content-Length, Expires, Retry-After) can judge; a
 * valid message must frame, an invalid one must be refused. Out of scope:
 * faults inside URIs or in header fields the framer keeps opaque; those
 * messages must frame (a higher layer refuses them). */
static const struct torture_case {
    const char *file;
    int in_scope;
    enum sipcode_err datagram, stream;
    int archive_lf; /* derived/ files: the archive copy with LENIENT_BARE_LF */
    const char *why;
} cases[] = {
    {"wsinv.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "LWS, folding, compact forms, 0068, 0009"},
    {"intmeth.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "odd method token, quoted-pairs of NUL/DEL"},
    {"esc01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "escapes are the URI's business"},
    {"escnull.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "L:0"},
    {"esc02.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "C%6Fntact is just another header"},
    {"lwsdisp.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "token display name touching '<'"},
    {"longreq.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "long fields, 34 Vias, WS before ':'"},
    {"dblreq.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "frames the REGISTER only (used 300)"},
    {"semiuri.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "';' in the Request-URI user"},
    {"transports.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "unknown transport token"},
    {"mpart01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "binary body framed by Content-Length"},
    {"unreason.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "UTF-8 reason phrase"},
    {"noreason.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "empty reason phrase"},
    {"badinv01.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "top Via has empty parameters ';;'"},
    {"clerr.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EINCOMPLETE, NONE,
     "Content-Length 9999 past the datagram; a stream waits"},
    {"ncl.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE, "Content-Length -999"},
    {"scalar02.dat", 1, SIPCODE_ERANGE, SIPCODE_ERANGE, NONE, "CSeq above 2**31-1"},
    {"scalarlg.dat", 1, SIPCODE_ERANGE, SIPCODE_ERANGE, NONE, "CSeq above 2**31-1"},
    {"quotbal.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "To display name quote never closes"},
    {"ltgtruri.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "request line: '<' cannot start a Request-URI"},
    {"lwsruri.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "request line splits into four parts"},
    {"lwsstart.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "request line: two SP (strict)"},
    {"trws.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "request line: SP before CRLF (strict)"},
    {"escruri.dat", 0, SIPCODE_OK, SIPCODE_OK, NONE,
     "out of scope: headers inside the Request-URI"},
    {"baddate.dat", 0, SIPCODE_OK, SIPCODE_OK, NONE, "out of scope: Date is opaque"},
    {"regbadct.dat", 0, SIPCODE_OK, SIPCODE_OK, NONE, "out of scope: Contact is opaque"},
    {"badaspec.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE, "To: SP inside <>"},
    {"baddn.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED,
     "From display name 'Bell, Alexander' is not tokens"},
    {"badvers.dat", 1, SIPCODE_EVERSION, SIPCODE_EVERSION, NONE,
     "SIP/7.0 reported, message framed"},
    {"mismatch01.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "CSeq method INVITE in OPTIONS"},
    {"mismatch02.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "CSeq method INVITE in NEWMETHOD"},
    {"bigcode.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE, "ten-digit status code"},
    {"badbranch.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "branch=z9hG4bK is a token"},
    {"insuf.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "no From, To, Call-ID (mandatory)"},
    {"unkscm.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "opaque absolute Request-URI"},
    {"novelsc.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "opaque absolute Request-URI"},
    {"unksm2.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "non-SIP URIs in To and From"},
    {"bext01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "unknown option tags"},
    {"invut.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "unknown body type"},
    {"regaut01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "Content-Length:0"},
    {"multi01.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "second CSeq differs from the first"},
    {"mcl01.dat", 1, SIPCODE_EMALFORMED, SIPCODE_EMALFORMED, NONE,
     "Content-Length 13 and 5 disagree"},
    {"bcast.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "broadcast second Via"},
    {"zeromf.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "Max-Forwards 0"},
    {"cparam01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "Contact is opaque"},
    {"cparam02.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "Contact is opaque"},
    {"regescrt.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "M: and L:0"},
    {"sdp01.dat", 1, SIPCODE_OK, SIPCODE_OK, NONE, "Accept is opaque"},
    {"inv2543.dat", 1, SIPCODE_OK, SIPCODE_EMALFORMED, NONE,
     "no Content-Length: body is the datagram's rest, a stream refuses"},
    {"ipv6-good.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK, "IPv6 Via sent-by"},
    {"ipv6-bad.dat", 0, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK,
     "out of scope: the fault is inside the Request-URI"},
    {"port-ambiguous.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK, "URI is opaque"},
    {"port-unambiguous.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK, "URI is opaque"},
    {"via-received-param-with-delim.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK,
     "received=[...] tolerated"},
    {"via-received-param-no-delim.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK,
     "received=IPv6 without brackets"},
    {"ipv6-in-sdp.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_EMALFORMED,
     "archive Content-Length 268 past its LF body"},
    {"mult-ip-in-header.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK, "three Vias"},
    {"mult-ip-in-sdp.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_EMALFORMED,
     "archive Content-Length 181 past its LF body"},
    {"ipv4-mapped-ipv6.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_OK,
     "archive Content-Length matches its LF body"},
    {"ipv6-bug-abnf-3-colons.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_EMALFORMED,
     "archive copy lacks the empty line"},
    {"ipv6-correct-abnf-2-colons.dat", 1, SIPCODE_OK, SIPCODE_OK, SIPCODE_EMALFORMED,
     "archive copy lacks the empty line"},
};

#define NCASES (sizeof cases / sizeof *cases)
#define CAP    64

/* ---- files and the guard page ----------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)size + 1);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    *len = (size_t)size;
    return buf;
}

/* picohttpparser's test.c: input copied to end right at a PROT_NONE page. */
struct guard {
    unsigned char *base;
    size_t size, page;
};

static int guard_open(struct guard *g, size_t room)
{
    long page = sysconf(_SC_PAGESIZE);
    void *p;
    g->page = page > 0 ? (size_t)page : 4096;
    g->size = (room + g->page - 1) / g->page * g->page + g->page;
    p = mmap(NULL, g->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -1;
    g->base = p;
    if (mprotect(g->base + g->size - g->page, g->page, PROT_NONE) != 0) {
        munmap(p, g->size);
        return -1;
    }
    return 0;
}

static const char *guard_place(const struct guard *g, const char *text, size_t len)
{
    unsigned char *dst = g->base + g->size - g->page - len;
    memcpy(dst, text, len);
    return (const char *)dst;
}

static void guard_close(struct guard *g)
{
    munmap(g->base, g->size);
}

/* ---- comparing results -------------------------------------------------------- */

struct result {
    enum sipcode_err err;
    struct sipcode_diag diag;
    struct sipcode_message m;
    struct sipcode_header h[CAP];
    size_t used;
    const char *base;
};

static void frame(struct result *r, const char *buf, size_t len, unsigned flags)
{
    r->diag.offset = 0;
    r->diag.reason = NULL;
    r->base = buf;
    r->used = 0;
    r->err = sipcode_parse_message(buf, len, flags, r->h, CAP, &r->m, &r->used, &r->diag);
}

static int slice_inside(struct sipcode_slice s, const char *base, size_t len)
{
    return s.len == 0 || (s.ptr >= base && s.len <= len && (size_t)(s.ptr - base) <= len - s.len);
}

static int same_slice(struct sipcode_slice a, const char *abase, struct sipcode_slice b,
                      const char *bbase)
{
    if (a.len != b.len)
        return 0;
    if (a.len == 0)
        return 1;
    return a.ptr - abase == b.ptr - bbase;
}

/* Whether two successful results describe the same message at the same
 * offsets of their buffers. */
static int same_message(const struct result *a, const struct result *b)
{
    const struct sipcode_message *x = &a->m, *y = &b->m;
    size_t i;
#define S(field) same_slice(x->field, a->base, y->field, b->base)
    if (a->used != b->used || x->is_request != y->is_request ||
        x->header_count != y->header_count || !S(body) || x->has_via != y->has_via ||
        !S(via.transport) || !S(via.host) || x->via.port != y->via.port || !S(via.branch) ||
        !S(via.received) || !S(via.rport) || x->via.has_rport != y->via.has_rport || !S(call_id) ||
        !S(from_tag) || !S(to_tag) || !S(cseq_method) || x->cseq != y->cseq ||
        x->max_forwards != y->max_forwards || x->content_length != y->content_length ||
        x->expires != y->expires || x->retry_after != y->retry_after)
        return 0;
    if (x->is_request ? !S(request.method) || !S(request.uri)
                      : x->status.code != y->status.code || !S(status.reason))
        return 0;
    for (i = 0; i < x->header_count; i++)
        if (x->headers[i].id != y->headers[i].id ||
            !same_slice(x->headers[i].name, a->base, y->headers[i].name, b->base) ||
            !same_slice(x->headers[i].value, a->base, y->headers[i].value, b->base))
            return 0;
#undef S
    return 1;
}

static int slices_inside(const struct result *r, size_t len)
{
    const struct sipcode_message *m = &r->m;
    size_t i;
    const struct sipcode_slice all[] = {
        m->body,           m->via.transport, m->via.host,      m->via.branch, m->via.received,
        m->via.rport,      m->call_id,       m->from_tag,      m->to_tag,     m->cseq_method,
        m->request.method, m->request.uri,   m->status.reason,
    };
    for (i = 0; i < sizeof all / sizeof *all; i++)
        if (!slice_inside(all[i], r->base, len))
            return 0;
    for (i = 0; i < m->header_count; i++)
        if (!slice_inside(m->headers[i].name, r->base, len) ||
            !slice_inside(m->headers[i].value, r->base, len))
            return 0;
    return r->used <= len;
}

/* ---- the run ----------------------------------------------------------------------- */

struct row {
    char file[128];
    char verdict[32];
    int is_response;
};

/* The next INDEX.tsv row from *at: file, rfc, section, verdict, is_response. */
static int next_row(char **at, struct row *row)
{
    char *line = *at, *end, *col[6];
    int n = 0;
    if (!*line)
        return 0;
    end = strchr(line, '\n');
    if (end) {
        *end = '\0';
        *at = end + 1;
    } else {
        *at = line + strlen(line);
    }
    col[n++] = line;
    while (n < 6 && (line = strchr(line, '\t')) != NULL) {
        *line++ = '\0';
        col[n++] = line;
    }
    if (n < 5)
        return -1;
    snprintf(row->file, sizeof row->file, "%s", col[0]);
    snprintf(row->verdict, sizeof row->verdict, "%s", col[3]);
    row->is_response = strcmp(col[4], "yes") == 0;
    return 1;
}

static const struct torture_case *find_case(const char *file)
{
    size_t i;
    for (i = 0; i < NCASES; i++)
        if (strcmp(cases[i].file, file) == 0)
            return &cases[i];
    return NULL;
}

/* Every cut of the message, as a stream: "more bytes", or the very error the
 * whole gets at the same offset, or (once the message is complete) the same
 * message; as a datagram never "more bytes". */
static void every_cut(const struct guard *g, const char *file, const char *text, size_t len)
{
    static struct result whole, cut;
    size_t k;
    frame(&whole, guard_place(g, text, len), len, SIPCODE_FRAME_STREAM);
    for (k = 0; k < len; k++) {
        const char *at = guard_place(g, text, k);
        int ok_whole = whole.err == SIPCODE_OK || whole.err == SIPCODE_EVERSION;
        frame(&cut, at, k, SIPCODE_FRAME_STREAM);
        if (ok_whole && whole.used <= k) {
            if (cut.err != whole.err || !same_message(&cut, &whole))
                TEST_FAIL_AT("%s cut at %zu: %s, not the whole's message", file, k,
                             sipcode_errname(cut.err));
        } else if (cut.err != SIPCODE_EINCOMPLETE &&
                   (cut.err != whole.err || cut.diag.offset != whole.diag.offset)) {
            TEST_FAIL_AT("%s cut at %zu: %s at %zu (%s); whole: %s at %zu", file, k,
                         sipcode_errname(cut.err), cut.diag.offset,
                         cut.diag.reason ? cut.diag.reason : "", sipcode_errname(whole.err),
                         whole.diag.offset);
        }
        frame(&cut, at, k, 0);
        if (cut.err == SIPCODE_EINCOMPLETE)
            TEST_FAIL_AT("%s cut at %zu: EINCOMPLETE for a datagram", file, k);
    }
}

static void torture_messages(void)
{
    static struct result r;
    struct guard g;
    size_t index_len, files = 0, in_scope = 0, matched = 0, out_ok = 0, i;
    char *index = test_read_source_file("../shared/torture/INDEX.tsv", &index_len), *at;
    struct row row;
    int seen[NCASES] = {0}, got;

    if (!index) {
        TEST_FAIL_AT("%s", "cannot read " TORTURE_DIR "INDEX.tsv: the torture messages "
                           "(RFC 4475/5118) must be in ../shared/torture/");
        return;
    }
    if (guard_open(&g, 1u << 16) != 0) {
        TEST_FAIL_AT("%s", "mmap/mprotect for the guard page failed");
        free(index);
        return;
    }
    at = index;
    got = next_row(&at, &row); /* the header line */
    if (got != 1 || strcmp(row.file, "file") != 0)
        TEST_FAIL_AT("%s", "INDEX.tsv does not start with its header line");
    while ((got = next_row(&at, &row)) != 0) {
        const struct torture_case *c;
        char path[512];
        size_t len;
        char *text;
        int valid, match;
        if (got < 0) {
            TEST_FAIL_AT("%s", "INDEX.tsv has a short row");
            continue;
        }
        c = find_case(row.file);
        if (!c) {
            TEST_FAIL_AT("%s: in INDEX.tsv but not in the expectation table", row.file);
            continue;
        }
        seen[c - cases]++;
        files++;
        valid = strcmp(row.verdict, "valid") == 0 || strcmp(row.verdict, "valid-unusual") == 0;
        if (!valid && strcmp(row.verdict, "invalid") != 0)
            TEST_FAIL_AT("%s: unknown verdict %s", row.file, row.verdict);
        /* The table agrees with the verdict: valid frames; invalid and in
         * scope is refused; invalid and out of scope frames. */
        if (valid ? !c->in_scope || c->datagram != SIPCODE_OK
                  : c->in_scope == (c->datagram == SIPCODE_OK))
            TEST_FAIL_AT("%s: table entry contradicts the verdict %s", row.file, row.verdict);

        snprintf(path, sizeof path, "%sderived/%s", TORTURE_DIR, row.file);
        text = read_file(path, &len);
        if (!text) {
            snprintf(path, sizeof path, "%s%s", TORTURE_DIR, row.file);
            text = read_file(path, &len);
        } else if (c->archive_lf == NONE) {
            TEST_FAIL_AT("%s: derived copy without an archive expectation", row.file);
        }
        if (!text) {
            TEST_FAIL_AT("cannot read %s", path);
            continue;
        }
        if (len + 1 > (1u << 16)) {
            TEST_FAIL_AT("%s: larger than the guard area", row.file);
            free(text);
            continue;
        }

        frame(&r, guard_place(&g, text, len), len, 0);
        match = r.err == c->datagram;
        if (!match)
            TEST_FAIL_AT("%s (datagram): expected %s, got %s at %zu: %s (%s)", row.file,
                         sipcode_errname(c->datagram), sipcode_errname(r.err), r.diag.offset,
                         r.diag.reason ? r.diag.reason : "", c->why);
        if (r.err == SIPCODE_OK || r.err == SIPCODE_EVERSION) {
            if (!slices_inside(&r, len))
                TEST_FAIL_AT("%s: a slice points outside the input", row.file);
            if (r.m.is_request == row.is_response)
                TEST_FAIL_AT("%s: is_response is %d in INDEX.tsv", row.file, row.is_response);
        }
        frame(&r, guard_place(&g, text, len), len, SIPCODE_FRAME_STREAM);
        if (r.err != c->stream) {
            match = 0;
            TEST_FAIL_AT("%s (stream): expected %s, got %s at %zu: %s (%s)", row.file,
                         sipcode_errname(c->stream), sipcode_errname(r.err), r.diag.offset,
                         r.diag.reason ? r.diag.reason : "", c->why);
        }
        if (c->in_scope) {
            in_scope++;
            matched += match;
        } else {
            out_ok += match;
        }
        every_cut(&g, row.file, text, len);
        free(text);

        if (c->archive_lf != NONE) {
            /* The archive bytes: bare LF (RFC 5118) refused strictly, and
             * with the tolerance what their Content-Length says. */
            snprintf(path, sizeof path, "%s%s", TORTURE_DIR, row.file);
            text = read_file(path, &len);
            if (!text) {
                TEST_FAIL_AT("cannot read %s", path);
                continue;
            }
            frame(&r, guard_place(&g, text, len), len, 0);
            if (r.err != SIPCODE_EMALFORMED)
                TEST_FAIL_AT("%s (archive, strict): got %s", row.file, sipcode_errname(r.err));
            frame(&r, guard_place(&g, text, len), len, SIPCODE_LENIENT_BARE_LF);
            if (r.err != (enum sipcode_err)c->archive_lf)
                TEST_FAIL_AT("%s (archive, bare LF): expected %s, got %s at %zu: %s", row.file,
                             sipcode_errname(c->archive_lf), sipcode_errname(r.err), r.diag.offset,
                             r.diag.reason ? r.diag.reason : "");
            free(text);
        }
    }
    for (i = 0; i < NCASES; i++)
        if (seen[i] != 1)
            TEST_FAIL_AT("%s: listed %d times in INDEX.tsv", cases[i].file, seen[i]);
    printf("torture: %zu files, %zu in scope, %zu matched; %zu out of scope, %zu framed as "
           "expected\n",
           files, in_scope, matched, files - in_scope, out_ok);
    guard_close(&g);
    free(index);
}

static const struct test_case torture_tests[] = {
    {"torture_messages", torture_messages},
    {NULL, NULL},
};

TEST_SUITE(torture_tests)
