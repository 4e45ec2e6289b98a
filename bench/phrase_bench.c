/* phrase_bench.c - nanoseconds per "response code -> reason phrase" lookup:
 * sipcode's sipcode_phrase() against oSIP2's osip_message_get_reason() and
 * sofia-sip's sip_status_phrase(), on one fixed code sequence in one run.
 *
 *   bench/phrase_bench [--reps N] [--passes N] [--raw]
 *
 * --raw also prints every repetition's ns per lookup, in run order.
 *
 * Built and run by bench/run.sh (make bench); see bench/README.md.
 *
 * Input: SEQ_LEN codes from a xorshift32 generator with the fixed seed
 * SEQ_SEED, so every run and every machine times the same sequence (its
 * FNV-1a hash is printed). Each code is drawn as follows:
 *   60%  one of the 9 common codes below, uniformly (100 180 183 200 401 407
 *        486 487 503): the provisional/final/auth/busy/cancel traffic of a
 *        typical call
 *   30%  one of the 75 IANA-registered codes, uniformly (the common ones too)
 *   10%  one of 8 codes in no registry (0 99 299 499 599 700 799 1000)
 * so each common code is about 7.1% of the sequence and each other
 * registered code about 0.4%. The achieved mix is printed.
 *
 * Results are checked while timing: every lookup adds the first byte of the
 * phrase to a sum and counts NULL and "" results; each timed pass must give
 * the same totals as an untimed reference pass, so no call can be dropped.
 * Before timing, every library is asked for every registered code and every
 * unknown code; the counts form the coverage table, and any returned string
 * that is not short printable ASCII, or that changes between calls, fails
 * the run.
 *
 * Timing: CLOCK_MONOTONIC around PASSES passes over the sequence; REPS
 * repetitions; the order of the libraries rotates each repetition so none
 * always runs first. Reported: median, minimum and maximum ns per lookup
 * per library, and for each peer the ratio peer/sipcode: the median over the
 * repetitions of (peer's time / sipcode's time in the same repetition).
 * The last lines are "key: value" for grep:
 *   median_ns sipcode: 2.80   min_ns sipcode: 2.65
 *   ratio osip2/sipcode: 7.98 min_ratio osip2/sipcode: 8.02
 * where min_ratio is the ratio of the two minimums (each library's least
 * disturbed repetition). */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sipcode.h>

#include <osipparser2/osip_parser.h>
/* oSIP2's osip_const.h and sofia-sip's sip_status.h both define these two
 * macros (with different meanings); neither is used here. */
#undef SIP_406_NOT_ACCEPTABLE
#undef SIP_606_NOT_ACCEPTABLE
#include <sofia-sip/sip_status.h>

#define SEQ_LEN        (1u << 16)
#define SEQ_SEED       0x5195C0DEu
#define DEFAULT_REPS   15
#define DEFAULT_PASSES 16
#define PHRASE_MAX     64 /* longest sane phrase; the longest registered one has 32 */

/* The IANA "SIP Parameters" Response Codes registry: 75 codes, the
 * deprecated 202, 436 and 437 included. Kept here, not taken from sipcode's
 * table, so the coverage count is an independent check of every library. */
/* clang-format off */
static const int registered[] = {
    100, 180, 181, 182, 183, 199,                                         /* 1xx: 6 */
    200, 202, 204,                                                        /* 2xx: 3 */
    300, 301, 302, 305, 380,                                              /* 3xx: 5 */
    400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 412, 413, 414, 415, /* 4xx: 46 */
    416, 417, 420, 421, 422, 423, 424, 425, 428, 429, 430, 433, 436, 437,
    438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488,
    489, 491, 493, 494,
    500, 501, 502, 503, 504, 505, 513, 555, 580,                          /* 5xx: 9 */
    600, 603, 604, 606, 607, 608,                                         /* 6xx: 6 */
};
/* clang-format on */
#define N_REGISTERED (sizeof registered / sizeof registered[0])
_Static_assert(N_REGISTERED == 75, "the IANA registry has 75 response codes");

static const int common[] = {100, 180, 183, 200, 401, 407, 486, 487, 503};
#define N_COMMON (sizeof common / sizeof common[0])

/* In no registry and in no peer's table: below, inside and above the
 * 100..699 range, and the x99 "class catch-all" numbers some tools print. */
static const int unknown[] = {0, 99, 299, 499, 599, 700, 799, 1000};
#define N_UNKNOWN (sizeof unknown / sizeof unknown[0])

enum { LIB_SIPCODE, LIB_OSIP2, LIB_SOFIA, N_LIBS };
static const char *const lib_names[N_LIBS] = {"sipcode", "osip2", "sofia-sip"};

/* Every lookup of a pass folds its result in here. */
struct tally {
    uint64_t first_bytes; /* sum of the phrases' first bytes */
    uint64_t nulls;       /* NULL results */
    uint64_t empties;     /* "" results (sofia-sip's answer for unknown codes) */
};

static const char *lookup(int lib, int code)
{
    switch (lib) {
    case LIB_SIPCODE:
        return sipcode_phrase(code);
    case LIB_OSIP2:
        return osip_message_get_reason(code);
    default:
        return sip_status_phrase(code);
    }
}

/* One timed pass per library, each a direct call in an identical loop (no
 * function pointer, so each call costs what it costs an application). */
#define DEFINE_PASS(name, call)                                                                    \
    static void name(const int *seq, size_t n, struct tally *t)                                    \
    {                                                                                              \
        size_t i;                                                                                  \
        for (i = 0; i < n; i++) {                                                                  \
            const char *p = call(seq[i]);                                                          \
            if (!p)                                                                                \
                t->nulls++;                                                                        \
            else if (!*p)                                                                          \
                t->empties++;                                                                      \
            else                                                                                   \
                t->first_bytes += (unsigned char)*p;                                               \
        }                                                                                          \
    }
DEFINE_PASS(pass_sipcode, sipcode_phrase)
DEFINE_PASS(pass_osip2, osip_message_get_reason)
DEFINE_PASS(pass_sofia, sip_status_phrase)

static void run_pass(int lib, const int *seq, size_t n, struct tally *t)
{
    switch (lib) {
    case LIB_SIPCODE:
        pass_sipcode(seq, n, t);
        break;
    case LIB_OSIP2:
        pass_osip2(seq, n, t);
        break;
    default:
        pass_sofia(seq, n, t);
        break;
    }
}

static uint32_t xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Modulo bias is below 1e-7 for these table sizes: irrelevant here. */
static void make_sequence(int *seq, size_t n)
{
    uint32_t state = SEQ_SEED;
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t r = xorshift32(&state) % 100u;
        uint32_t pick = xorshift32(&state);
        if (r < 60)
            seq[i] = common[pick % N_COMMON];
        else if (r < 90)
            seq[i] = registered[pick % N_REGISTERED];
        else
            seq[i] = unknown[pick % N_UNKNOWN];
    }
}

static uint32_t fnv1a_codes(const int *seq, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < n; i++) {
        uint32_t v = (uint32_t)seq[i];
        int b;
        for (b = 0; b < 4; b++) {
            h ^= (v >> (8 * b)) & 0xffu;
            h *= 16777619u;
        }
    }
    return h;
}

static int in_list(int code, const int *list, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (list[i] == code)
            return 1;
    return 0;
}

static void describe_sequence(const int *seq, size_t n)
{
    size_t i, n_common = 0, n_registered = 0, n_unknown = 0;
    for (i = 0; i < n; i++) {
        if (in_list(seq[i], common, N_COMMON))
            n_common++;
        else if (in_list(seq[i], registered, N_REGISTERED))
            n_registered++;
        else
            n_unknown++;
    }
    printf("sequence: %zu codes, xorshift32 seed 0x%08X, fnv1a 0x%08X\n", n, (unsigned)SEQ_SEED,
           (unsigned)fnv1a_codes(seq, n));
    printf("mix: %.1f%% the %zu common codes, %.1f%% the other %zu registered, "
           "%.1f%% the %zu unknown\n",
           100.0 * (double)n_common / (double)n, N_COMMON, 100.0 * (double)n_registered / (double)n,
           N_REGISTERED - N_COMMON, 100.0 * (double)n_unknown / (double)n, N_UNKNOWN);
}

/* A phrase must be short printable ASCII and the same pointer every time
 * (all three return static strings). Returns 0 if so. */
static int check_phrase(int lib, int code, const char *p)
{
    size_t i;
    if (lookup(lib, code) != p) {
        fprintf(stderr, "phrase_bench: %s: %d gives a different pointer on a second call\n",
                lib_names[lib], code);
        return -1;
    }
    if (!p)
        return 0;
    for (i = 0; p[i]; i++) {
        if (i >= PHRASE_MAX || p[i] < 0x20 || p[i] > 0x7e) {
            fprintf(stderr, "phrase_bench: %s: phrase for %d is not short printable ASCII\n",
                    lib_names[lib], code);
            return -1;
        }
    }
    if (lib == LIB_SIPCODE) {
        const struct sipcode_info *info = sipcode_lookup(code);
        if ((info ? info->phrase : NULL) != p) {
            fprintf(stderr, "phrase_bench: sipcode_phrase(%d) disagrees with sipcode_lookup()\n",
                    code);
            return -1;
        }
    }
    return 0;
}

/* The side table: how many registered codes each library names, and what it
 * gives for codes in no registry. Returns 0, or -1 when a result is bad. */
static int coverage(void)
{
    int lib;
    size_t i;
    printf("\ncoverage (a code is known when the phrase is neither NULL nor \"\"):\n");
    printf("%-10s %-16s %-26s %s\n", "library", "registered known", "unknown: NULL/\"\"/phrase",
           "registered codes missing");
    for (lib = 0; lib < N_LIBS; lib++) {
        size_t known = 0, u_null = 0, u_empty = 0, u_phrase = 0;
        char missing[N_REGISTERED * 4 + 1] = "";
        char counts[32];
        for (i = 0; i < N_REGISTERED; i++) {
            const char *p = lookup(lib, registered[i]);
            if (check_phrase(lib, registered[i], p) != 0)
                return -1;
            if (p && *p) {
                known++;
            } else {
                char num[8];
                snprintf(num, sizeof num, "%s%d", missing[0] ? " " : "", registered[i]);
                strcat(missing, num);
            }
        }
        for (i = 0; i < N_UNKNOWN; i++) {
            const char *p = lookup(lib, unknown[i]);
            if (check_phrase(lib, unknown[i], p) != 0)
                return -1;
            if (!p)
                u_null++;
            else if (!*p)
                u_empty++;
            else
                u_phrase++;
        }
        snprintf(counts, sizeof counts, "%zu/%zu/%zu", u_null, u_empty, u_phrase);
        printf("%-10s %2zu of %-10zu %-26s %s\n", lib_names[lib], known, N_REGISTERED, counts,
               known == N_REGISTERED ? "-" : missing);
    }
    /* The list above is independent of sipcode's table; say if they differ. */
    for (i = 0; i < sipcode_registry_count(); i++) {
        const struct sipcode_info *info = sipcode_registry_at(i);
        int listed = in_list(info->code, registered, N_REGISTERED);
        int reg =
            info->status == SIPCODE_STATUS_CURRENT || info->status == SIPCODE_STATUS_DEPRECATED;
        if (listed != reg)
            printf("note: sipcode has %d as %s, this benchmark's IANA list %s it\n", info->code,
                   sipcode_status_name(info->status), listed ? "has" : "lacks");
    }
    printf("(the %zu unknown codes: ", N_UNKNOWN);
    for (i = 0; i < N_UNKNOWN; i++)
        printf("%s%d", i ? " " : "", unknown[i]);
    printf(")\n");
    return 0;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of_sorted(const double *v, long n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int parse_count(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 100000)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static int seq[SEQ_LEN];
    long reps = DEFAULT_REPS, passes = DEFAULT_PASSES;
    int raw = 0;
    struct tally expect[N_LIBS];
    double *ns[N_LIBS];
    double *sorted;
    double median[N_LIBS], best[N_LIBS], ratio[N_LIBS], ratio_lo[N_LIBS], ratio_hi[N_LIBS];
    int lib, i;
    long rep, k;

    for (i = 1; i < argc; i++) {
        long *target = NULL;
        if (strcmp(argv[i], "--raw") == 0) {
            raw = 1;
            continue;
        }
        if (strcmp(argv[i], "--reps") == 0)
            target = &reps;
        else if (strcmp(argv[i], "--passes") == 0)
            target = &passes;
        if (!target || i + 1 >= argc || parse_count(argv[i + 1], target) != 0) {
            fprintf(stderr, "usage: phrase_bench [--reps N] [--passes N] [--raw]\n");
            return 2;
        }
        i++;
    }

    printf("phrase_bench: ns per reason-phrase lookup by response code\n");
    printf("sipcode %s (registry %s, %zu entries)\n", sipcode_version(), sipcode_registry_version(),
           sipcode_registry_count());
    make_sequence(seq, SEQ_LEN);
    describe_sequence(seq, SEQ_LEN);
    if (coverage() != 0)
        return 1;

    sorted = malloc((size_t)reps * sizeof *sorted);
    if (!sorted) {
        fprintf(stderr, "phrase_bench: out of memory\n");
        return 1;
    }

    /* Reference totals from one untimed pass, which also warms the caches. */
    for (lib = 0; lib < N_LIBS; lib++) {
        memset(&expect[lib], 0, sizeof expect[lib]);
        run_pass(lib, seq, SEQ_LEN, &expect[lib]);
        ns[lib] = malloc((size_t)reps * sizeof *ns[lib]);
        if (!ns[lib]) {
            fprintf(stderr, "phrase_bench: out of memory\n");
            return 1;
        }
    }

    for (rep = 0; rep < reps; rep++) {
        for (k = 0; k < N_LIBS; k++) {
            struct tally t = {0, 0, 0};
            double t0, t1;
            lib = (int)((rep + k) % N_LIBS);
            t0 = now_ns();
            for (i = 0; i < passes; i++)
                run_pass(lib, seq, SEQ_LEN, &t);
            t1 = now_ns();
            if (t.first_bytes != expect[lib].first_bytes * (uint64_t)passes ||
                t.nulls != expect[lib].nulls * (uint64_t)passes ||
                t.empties != expect[lib].empties * (uint64_t)passes) {
                fprintf(stderr, "phrase_bench: %s: results changed while timing\n", lib_names[lib]);
                return 1;
            }
            ns[lib][rep] = (t1 - t0) / ((double)SEQ_LEN * (double)passes);
        }
    }

    if (raw) {
        printf("\nns per lookup, repetition by repetition:\n");
        for (lib = 0; lib < N_LIBS; lib++) {
            printf("raw %-10s", lib_names[lib]);
            for (rep = 0; rep < reps; rep++)
                printf(" %.2f", ns[lib][rep]);
            printf("\n");
        }
    }

    printf("\ntiming: %ld repetitions x %ld passes x %u lookups per library, "
           "libraries interleaved\n",
           reps, passes, SEQ_LEN);
    printf("%-10s %10s %8s %8s   %s\n", "library", "median ns", "min ns", "max ns",
           "per pass: NULL / \"\" / sum of first bytes");
    for (lib = 0; lib < N_LIBS; lib++) {
        memcpy(sorted, ns[lib], (size_t)reps * sizeof *sorted);
        qsort(sorted, (size_t)reps, sizeof *sorted, cmp_double);
        median[lib] = median_of_sorted(sorted, reps);
        best[lib] = sorted[0];
        printf("%-10s %10.2f %8.2f %8.2f   %llu / %llu / %llu\n", lib_names[lib], median[lib],
               sorted[0], sorted[reps - 1], (unsigned long long)expect[lib].nulls,
               (unsigned long long)expect[lib].empties,
               (unsigned long long)expect[lib].first_bytes);
    }

    /* The headline ratio pairs each peer's time with sipcode's from the same
     * repetition (run within milliseconds of each other) and takes the median
     * of those ratios: on a shared or frequency-scaling machine the speed of
     * all three drifts together, which this cancels and a ratio of the
     * overall medians does not. */
    for (lib = LIB_OSIP2; lib < N_LIBS; lib++) {
        for (rep = 0; rep < reps; rep++)
            sorted[rep] = ns[lib][rep] / ns[LIB_SIPCODE][rep];
        qsort(sorted, (size_t)reps, sizeof *sorted, cmp_double);
        ratio[lib] = median_of_sorted(sorted, reps);
        ratio_lo[lib] = sorted[0];
        ratio_hi[lib] = sorted[reps - 1];
    }

    printf("\n");
    for (lib = LIB_OSIP2; lib < N_LIBS; lib++) {
        double r = ratio[lib];
        printf("sipcode is %.2fx %s than %s (median of per-repetition ratios; their range "
               "%.2f..%.2f; ratio of medians %.2f, of minimums %.2f)\n",
               r >= 1 ? r : 1 / r, r >= 1 ? "faster" : "slower", lib_names[lib], ratio_lo[lib],
               ratio_hi[lib], median[lib] / median[LIB_SIPCODE], best[lib] / best[LIB_SIPCODE]);
    }
    for (lib = 0; lib < N_LIBS; lib++)
        printf("median_ns %s: %.2f\nmin_ns %s: %.2f\n", lib_names[lib], median[lib], lib_names[lib],
               best[lib]);
    for (lib = LIB_OSIP2; lib < N_LIBS; lib++)
        printf("ratio %s/sipcode: %.2f\nmin_ratio %s/sipcode: %.2f\n", lib_names[lib], ratio[lib],
               lib_names[lib], best[lib] / best[LIB_SIPCODE]);

    for (lib = 0; lib < N_LIBS; lib++)
        free(ns[lib]);
    free(sorted);
    return 0;
}
