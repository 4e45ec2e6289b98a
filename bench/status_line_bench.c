/* status_line_bench.c - status lines parsed per second: sipcode's
 * sipcode_parse_status_line() against sofia-sip's sip_status_make(), on one
 * fixed sequence of lines in one run.
 *
 *   bench/status_line_bench [--reps N] [--passes N] [--raw]
 *
 * --raw also prints every repetition's ns per line, in run order.
 *
 * Built and run by bench/run.sh (make bench); see bench/README.md.
 *
 * Input: SEQ_LEN status lines "SIP/2.0 <code> <phrase>\r\n", chosen by a
 * xorshift32 generator with the fixed seed SEQ_SEED (the FNV-1a hash of the
 * bytes is printed so runs can be compared):
 *   60%  one of the 9 common codes with its registered phrase (100 180 183
 *        200 401 407 486 487 503)
 *   25%  one of the 75 IANA-registered codes with its registered phrase
 *   10%  a localized phrase, most of them UTF-8 ("Nicht gefunden",
 *        "Temporär nicht verfügbar", "話し中", ...)
 *    5%  a code in no registry (vendor codes such as 477 and 687, invented
 *        ones such as 299) or an empty phrase (RFC 3261 25.1 allows it)
 * The lines are written one after the other into one arena, each followed
 * by a NUL, in sequence order: every line of a pass is a different piece of
 * memory, as packets are. Both libraries read the same bytes at the same
 * addresses: sipcode gets (pointer, length through the CRLF) and never
 * reads the NUL; sofia-sip gets the pointer as a C string, which its API
 * needs, and strips the CRLF itself (msg_header_make() trims LWS).
 *
 * What one timed call is, per column of the report:
 *   sipcode     sipcode_parse_status_line(line, len, 0 (strict), &sl, &used,
 *               NULL); code from sl.code, phrase length from sl.reason.len.
 *               Nothing is allocated or freed.
 *   sofia-sip   sip_status_make(home, line): strlen, allocation of the
 *               header with a copy of the line from the home, parse; code
 *               from st_status, phrase length by strlen(st_phrase). The home
 *               is emptied (su_home_deinit + su_home_init) after every
 *               HOME_BATCH lines, the cost of which is in the time: the way
 *               a stack frees the headers of a message with the message.
 *               This is the headline peer.
 *   sofia-free  the same call, with su_free(home, st) right after each
 *               line, one home for the whole pass: an application that
 *               parses a line and drops it.
 *   sofia-d     sofia-sip's parser alone, no allocation: the line without
 *               its CRLF is copied into a scratch buffer (sofia parses in
 *               place, writing NULs) and sip_status_d() fills one reused
 *               sip_status_t. Not an API meant for applications; shown to
 *               split sofia-sip's time into parsing and memory management.
 *
 * Results are checked while timing: every call's code and phrase length
 * are compared with the values the line was written with (a mismatch or a
 * failed call counts as an error, and a pass with an error fails the run),
 * and the sums of codes and phrase lengths of each pass must equal the
 * expected sums, the same for every library. Before timing, every distinct
 * line is parsed by both libraries and the phrase bytes compared with what
 * was written.
 *
 * Timing: CLOCK_MONOTONIC around PASSES passes over the sequence, REPS
 * repetitions, the libraries back to back within a repetition with the
 * order rotating each repetition. Reported by bench_report() (bench.h). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sipcode.h>

#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_protos.h>
#include <sofia-sip/su_alloc.h>

#include "bench.h"

#define SEQ_LEN        (1u << 15)
#define SEQ_SEED       0x5195C0DEu
#define DEFAULT_REPS   15
#define DEFAULT_PASSES 8
#define HOME_BATCH     16  /* lines per su_home reset: about one message's headers */
#define LINE_MAX       160 /* longest line written here, CRLF and NUL included */

struct line_src {
    int code;
    const char *phrase; /* UTF-8 */
};

/* The 75 codes of the IANA "SIP Parameters" Response Codes registry with
 * their registered phrases, the deprecated 202, 436 and 437 included. Kept
 * here, independent of sipcode's table. */
/* clang-format off */
static const struct line_src registered[] = {
    {100, "Trying"}, {180, "Ringing"}, {181, "Call Is Being Forwarded"}, {182, "Queued"},
    {183, "Session Progress"}, {199, "Early Dialog Terminated"},
    {200, "OK"}, {202, "Accepted"}, {204, "No Notification"},
    {300, "Multiple Choices"}, {301, "Moved Permanently"}, {302, "Moved Temporarily"},
    {305, "Use Proxy"}, {380, "Alternative Service"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"}, {403, "Forbidden"},
    {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
    {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {410, "Gone"},
    {412, "Conditional Request Failed"}, {413, "Request Entity Too Large"},
    {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
    {416, "Unsupported URI Scheme"}, {417, "Unknown Resource-Priority"}, {420, "Bad Extension"},
    {421, "Extension Required"}, {422, "Session Interval Too Small"},
    {423, "Interval Too Brief"}, {424, "Bad Location Information"}, {425, "Bad Alert Message"},
    {428, "Use Identity Header"}, {429, "Provide Referrer Identity"}, {430, "Flow Failed"},
    {433, "Anonymity Disallowed"}, {436, "Bad Identity Info"}, {437, "Unsupported Credential"},
    {438, "Invalid Identity Header"}, {439, "First Hop Lacks Outbound Support"},
    {440, "Max-Breadth Exceeded"}, {469, "Bad Info Package"}, {470, "Consent Needed"},
    {480, "Temporarily Unavailable"}, {481, "Call/Transaction Does Not Exist"},
    {482, "Loop Detected"}, {483, "Too Many Hops"}, {484, "Address Incomplete"},
    {485, "Ambiguous"}, {486, "Busy Here"}, {487, "Request Terminated"},
    {488, "Not Acceptable Here"}, {489, "Bad Event"}, {491, "Request Pending"},
    {493, "Undecipherable"}, {494, "Security Agreement Required"},
    {500, "Server Internal Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
    {503, "Service Unavailable"}, {504, "Server Time-out"}, {505, "Version Not Supported"},
    {513, "Message Too Large"}, {555, "Push Notification Service Not Supported"},
    {580, "Precondition Failure"},
    {600, "Busy Everywhere"}, {603, "Decline"}, {604, "Does Not Exist Anywhere"},
    {606, "Not Acceptable"}, {607, "Unwanted"}, {608, "Rejected"},
};
/* clang-format on */
#define N_REGISTERED (sizeof registered / sizeof registered[0])
_Static_assert(N_REGISTERED == 75, "the IANA registry has 75 response codes");

static const int common[] = {100, 180, 183, 200, 401, 407, 486, 487, 503};
#define N_COMMON (sizeof common / sizeof common[0])

/* Phrases as deployed equipment sends them in other languages; all but the
 * first two have bytes above 0x7F (2-, 3- and 4-byte UTF-8 sequences). */
static const struct line_src localized[] = {
    {404, "Nicht gefunden"},
    {486, "Teilnehmer besetzt"},
    {480, "Tempor\xc3\xa4r nicht verf\xc3\xbcgbar"},
    {404, "Non trouv\xc3\xa9"},
    {603, "Refus\xc3\xa9"},
    {486, "Ocupado aqu\xc3\xad"},
    {180, "\xd0\x92\xd1\x8b\xd0\xb7\xd0\xbe\xd0\xb2"}, /* Вызов */
    {404,
     "\xd0\x9d\xd0\xb5 \xd0\xbd\xd0\xb0\xd0\xb9\xd0\xb4\xd0\xb5\xd0\xbd\xd0\xbe"}, /* Не найдено */
    {486, "\xe8\xa9\xb1\xe3\x81\x97\xe4\xb8\xad"},                                 /* 話し中 */
    {200, "\xe6\x88\x90\xe5\x8a\x9f"},                                             /* 成功 */
    /* Dịch vụ không khả dụng; \x63 is the 'c' that would extend the escape before it */
    {503, "D\xe1\xbb\x8b\x63h v\xe1\xbb\xa5 kh\xc3\xb4ng kh\xe1\xba\xa3 d\xe1\xbb\xa5ng"},
    {200, "OK \xf0\x9f\x91\x8d"}, /* U+1F44D */
};
#define N_LOCALIZED (sizeof localized / sizeof localized[0])

/* Codes in no registry, as vendors and test tools send them, and the empty
 * phrase. */
static const struct line_src other[] = {
    {110, "Still Trying"},
    {299, "Custom Success"},
    {473, "Filtered destination"},
    {477, "Unfortunately error on sending to next hop occurred"},
    {479, "Regretfully, we were not able to process the URI"},
    {490, "Request Updated"},
    {599, "Gateway Failure"},
    {687, "Dialog Terminated"},
    {699, "Unknown Failure"},
    {200, ""},
};
#define N_OTHER (sizeof other / sizeof other[0])

enum { LIB_SIPCODE, LIB_SOFIA, LIB_SOFIA_FREE, LIB_SOFIA_D, N_LIBS };
static const char *const lib_names[N_LIBS] = {"sipcode", "sofia-sip", "sofia-free", "sofia-d"};

/* The input: line i is arena[off[i] .. off[i] + len[i]), CRLF included,
 * followed by a NUL; it was written with code[i] and a phrase of
 * phrase_len[i] bytes. */
struct input {
    char *arena;
    size_t off[SEQ_LEN];
    size_t len[SEQ_LEN];
    int code[SEQ_LEN];
    size_t phrase_len[SEQ_LEN];
    uint64_t code_sum, phrase_sum; /* per pass */
};

/* What one pass folds its results into. */
struct tally {
    uint64_t code_sum, phrase_sum;
    uint64_t errors; /* failed calls and results that differ from the input */
};

static const struct line_src *find_registered(int code)
{
    size_t i;
    for (i = 0; i < N_REGISTERED; i++)
        if (registered[i].code == code)
            return &registered[i];
    return NULL;
}

static int make_input(struct input *in)
{
    uint32_t state = SEQ_SEED;
    size_t i, at = 0, n_group[4] = {0, 0, 0, 0};
    uint32_t hash = BENCH_FNV1A_INIT;

    in->arena = malloc((size_t)SEQ_LEN * LINE_MAX);
    if (!in->arena)
        return -1;
    in->code_sum = in->phrase_sum = 0;
    for (i = 0; i < SEQ_LEN; i++) {
        uint32_t r = bench_xorshift32(&state) % 100u;
        uint32_t pick = bench_xorshift32(&state);
        const struct line_src *src;
        int n;
        if (r < 60) {
            src = find_registered(common[pick % N_COMMON]);
            n_group[0]++;
        } else if (r < 85) {
            src = &registered[pick % N_REGISTERED];
            n_group[1]++;
        } else if (r < 95) {
            src = &localized[pick % N_LOCALIZED];
            n_group[2]++;
        } else {
            src = &other[pick % N_OTHER];
            n_group[3]++;
        }
        n = snprintf(in->arena + at, LINE_MAX, "SIP/2.0 %d %s\r\n", src->code, src->phrase);
        if (n < 0 || n >= LINE_MAX)
            return -1;
        in->off[i] = at;
        in->len[i] = (size_t)n;
        in->code[i] = src->code;
        in->phrase_len[i] = strlen(src->phrase);
        in->code_sum += (uint64_t)src->code;
        in->phrase_sum += in->phrase_len[i];
        hash = bench_fnv1a(hash, in->arena + at, (size_t)n + 1);
        at += (size_t)n + 1;
    }
    printf("input: %u status lines, %zu bytes with the NULs, xorshift32 seed 0x%08X, "
           "fnv1a 0x%08X\n",
           SEQ_LEN, at, (unsigned)SEQ_SEED, (unsigned)hash);
    printf("mix: %.1f%% common codes, %.1f%% any registered code, %.1f%% localized phrases "
           "(%zu), %.1f%% unregistered codes or empty phrase (%zu)\n",
           100.0 * (double)n_group[0] / SEQ_LEN, 100.0 * (double)n_group[1] / SEQ_LEN,
           100.0 * (double)n_group[2] / SEQ_LEN, N_LOCALIZED, 100.0 * (double)n_group[3] / SEQ_LEN,
           N_OTHER);
    printf("per pass: sum of codes %llu, sum of phrase lengths %llu bytes\n",
           (unsigned long long)in->code_sum, (unsigned long long)in->phrase_sum);
    return 0;
}

/* ---- the timed passes: direct calls in loops of the same shape ---------- */

static void pass_sipcode(const struct input *in, struct tally *t)
{
    size_t i;
    for (i = 0; i < SEQ_LEN; i++) {
        struct sipcode_status_line sl;
        size_t used;
        if (sipcode_parse_status_line(in->arena + in->off[i], in->len[i], 0, &sl, &used, NULL) !=
                SIPCODE_OK ||
            sl.code != in->code[i] || sl.reason.len != in->phrase_len[i]) {
            t->errors++;
            continue;
        }
        t->code_sum += (uint64_t)sl.code;
        t->phrase_sum += sl.reason.len;
    }
}

static void pass_sofia(const struct input *in, struct tally *t)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    size_t i, in_home = 0;
    su_home_init(home);
    for (i = 0; i < SEQ_LEN; i++) {
        sip_status_t *st = sip_status_make(home, in->arena + in->off[i]);
        size_t plen;
        if (!st || st->st_status != in->code[i] ||
            (plen = strlen(st->st_phrase)) != in->phrase_len[i]) {
            t->errors++;
        } else {
            t->code_sum += (uint64_t)st->st_status;
            t->phrase_sum += plen;
        }
        if (++in_home == HOME_BATCH) {
            su_home_deinit(home);
            su_home_init(home);
            in_home = 0;
        }
    }
    su_home_deinit(home);
}

static void pass_sofia_free(const struct input *in, struct tally *t)
{
    su_home_t home[1] = {SU_HOME_INIT(home)};
    size_t i;
    su_home_init(home);
    for (i = 0; i < SEQ_LEN; i++) {
        sip_status_t *st = sip_status_make(home, in->arena + in->off[i]);
        size_t plen;
        if (!st) {
            t->errors++;
            continue;
        }
        if (st->st_status != in->code[i] || (plen = strlen(st->st_phrase)) != in->phrase_len[i]) {
            t->errors++;
        } else {
            t->code_sum += (uint64_t)st->st_status;
            t->phrase_sum += plen;
        }
        su_free(home, st);
    }
    su_home_deinit(home);
}

static void pass_sofia_d(const struct input *in, struct tally *t)
{
    sip_status_t st;
    char scratch[LINE_MAX];
    size_t i;
    for (i = 0; i < SEQ_LEN; i++) {
        size_t n = in->len[i] - 2; /* without the CRLF, as msg_header_make() passes it */
        size_t plen;
        memcpy(scratch, in->arena + in->off[i], n);
        scratch[n] = '\0';
        if (sip_status_d(NULL, (msg_header_t *)&st, scratch, (isize_t)n) < 0 ||
            st.st_status != in->code[i] || (plen = strlen(st.st_phrase)) != in->phrase_len[i]) {
            t->errors++;
            continue;
        }
        t->code_sum += (uint64_t)st.st_status;
        t->phrase_sum += plen;
    }
}

static void run_pass(int lib, const struct input *in, struct tally *t)
{
    switch (lib) {
    case LIB_SIPCODE:
        pass_sipcode(in, t);
        break;
    case LIB_SOFIA:
        pass_sofia(in, t);
        break;
    case LIB_SOFIA_FREE:
        pass_sofia_free(in, t);
        break;
    default:
        pass_sofia_d(in, t);
        break;
    }
}

/* ---- untimed check of every distinct line ---------------------------------- */

static int check_one(const struct line_src *src)
{
    char line[LINE_MAX];
    struct sipcode_status_line sl;
    struct sipcode_diag diag = {0, NULL};
    size_t used = 0, plen = strlen(src->phrase);
    su_home_t home[1] = {SU_HOME_INIT(home)};
    sip_status_t *st;
    int n = snprintf(line, sizeof line, "SIP/2.0 %d %s\r\n", src->code, src->phrase);
    int bad = 0;
    enum sipcode_err err;

    if (n < 0 || (size_t)n >= sizeof line)
        return -1;
    err = sipcode_parse_status_line(line, (size_t)n, 0, &sl, &used, &diag);
    if (err != SIPCODE_OK) {
        fprintf(stderr, "status_line_bench: sipcode rejects \"%.*s\": %s at %zu (%s)\n", n - 2,
                line, sipcode_errname(err), diag.offset, diag.reason ? diag.reason : "");
        bad = 1;
    } else if (sl.code != src->code || used != (size_t)n || sl.version_major != 2 ||
               sl.version_minor != 0 || sl.reason.len != plen ||
               memcmp(sl.reason.ptr, src->phrase, plen) != 0) {
        fprintf(stderr, "status_line_bench: sipcode misreads \"%.*s\"\n", n - 2, line);
        bad = 1;
    }
    su_home_init(home);
    st = sip_status_make(home, line);
    if (!st) {
        fprintf(stderr, "status_line_bench: sofia-sip rejects \"%.*s\"\n", n - 2, line);
        bad = 1;
    } else if (st->st_status != src->code || strcmp(st->st_phrase, src->phrase) != 0 ||
               strcmp(st->st_version, "SIP/2.0") != 0) {
        fprintf(stderr, "status_line_bench: sofia-sip misreads \"%.*s\"\n", n - 2, line);
        bad = 1;
    }
    su_home_deinit(home);
    return bad ? -1 : 0;
}

static int check_all(void)
{
    size_t i;
    int bad = 0;
    for (i = 0; i < N_REGISTERED; i++)
        bad |= check_one(&registered[i]);
    for (i = 0; i < N_LOCALIZED; i++)
        bad |= check_one(&localized[i]);
    for (i = 0; i < N_OTHER; i++)
        bad |= check_one(&other[i]);
    if (bad)
        return -1;
    printf("checked: all %zu distinct lines parse in both libraries to the code and phrase "
           "bytes written\n",
           N_REGISTERED + N_LOCALIZED + N_OTHER);
    return 0;
}

int main(int argc, char **argv)
{
    static struct input in;
    long reps = DEFAULT_REPS, passes = DEFAULT_PASSES, rep, k, p;
    int raw = 0, lib;
    double *ns[N_LIBS];

    if (bench_options(argc, argv, "status_line_bench", &reps, &passes, &raw) != 0)
        return 2;

    printf("status_line_bench: status lines parsed per second\n");
    printf("sipcode %s; sofia-sip home reset every %d lines\n", sipcode_version(), HOME_BATCH);
    if (make_input(&in) != 0) {
        fprintf(stderr, "status_line_bench: cannot build the input\n");
        return 1;
    }
    if (check_all() != 0)
        return 1;

    /* One untimed pass per library: checks the sums and warms the caches. */
    for (lib = 0; lib < N_LIBS; lib++) {
        struct tally t = {0, 0, 0};
        run_pass(lib, &in, &t);
        if (t.errors || t.code_sum != in.code_sum || t.phrase_sum != in.phrase_sum) {
            fprintf(stderr, "status_line_bench: %s: %llu errors in the first pass\n",
                    lib_names[lib], (unsigned long long)t.errors);
            return 1;
        }
        ns[lib] = malloc((size_t)reps * sizeof *ns[lib]);
        if (!ns[lib]) {
            fprintf(stderr, "status_line_bench: out of memory\n");
            return 1;
        }
    }

    for (rep = 0; rep < reps; rep++) {
        for (k = 0; k < N_LIBS; k++) {
            struct tally t = {0, 0, 0};
            double t0, t1;
            lib = (int)((rep + k) % N_LIBS);
            t0 = bench_now_ns();
            for (p = 0; p < passes; p++)
                run_pass(lib, &in, &t);
            t1 = bench_now_ns();
            if (t.errors || t.code_sum != in.code_sum * (uint64_t)passes ||
                t.phrase_sum != in.phrase_sum * (uint64_t)passes) {
                fprintf(stderr, "status_line_bench: %s: results changed while timing\n",
                        lib_names[lib]);
                return 1;
            }
            ns[lib][rep] = (t1 - t0) / ((double)SEQ_LEN * (double)passes);
        }
    }

    printf("\ntiming: %ld repetitions x %ld passes x %u lines per library, libraries "
           "interleaved; every result checked\n",
           reps, passes, SEQ_LEN);
    if (bench_report("line", lib_names, N_LIBS, ns, reps, raw) != 0) {
        fprintf(stderr, "status_line_bench: out of memory\n");
        return 1;
    }
    for (lib = 0; lib < N_LIBS; lib++)
        free(ns[lib]);
    free(in.arena);
    return 0;
}
