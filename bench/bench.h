/* bench.h - helpers shared by the throughput benchmarks (status_line_bench.c,
 * response_bench.c): the fixed-seed generator, the clock, option parsing and
 * the report. Header-only (static inline) so each benchmark stays one
 * translation unit that run.sh compiles on its own.
 *
 * The report reads ns[lib][rep], the time per item of library lib in
 * repetition rep, where index 0 is sipcode and the others are peers, and
 * prints per library the median, minimum and maximum ns per item and the
 * matching items per second, then for each peer the ratio of throughputs
 * sipcode/peer: the median over the repetitions of (peer's time / sipcode's
 * time in the same repetition), as phrase_bench.c does. The last lines are
 * "key: value" for scripts:
 *   median_ns <lib>: ...   min_ns <lib>: ...
 *   median_per_s <lib>: ...
 *   ratio sipcode/<peer>: ...   min_ratio sipcode/<peer>: ...
 * where min_ratio is the ratio of the two minimum times (each library's
 * least disturbed repetition). */
#ifndef SIPCODE_BENCH_H
#define SIPCODE_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint32_t bench_xorshift32(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static inline uint32_t bench_fnv1a(uint32_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}
#define BENCH_FNV1A_INIT 2166136261u

static inline double bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static inline double bench_median_of_sorted(const double *v, long n)
{
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static inline int bench_parse_count(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > 100000)
        return -1;
    *out = v;
    return 0;
}

/* --reps N, --passes N, --raw; returns 0, or -1 after printing usage. */
static inline int bench_options(int argc, char **argv, const char *prog, long *reps, long *passes,
                                int *raw)
{
    int i;
    for (i = 1; i < argc; i++) {
        long *target = NULL;
        if (strcmp(argv[i], "--raw") == 0) {
            *raw = 1;
            continue;
        }
        if (strcmp(argv[i], "--reps") == 0)
            target = reps;
        else if (strcmp(argv[i], "--passes") == 0)
            target = passes;
        if (!target || i + 1 >= argc || bench_parse_count(argv[i + 1], target) != 0) {
            fprintf(stderr, "usage: %s [--reps N] [--passes N] [--raw]\n", prog);
            return -1;
        }
        i++;
    }
    return 0;
}

/* Median, minimum and maximum of v[0..n), through the scratch array tmp. */
struct bench_stats {
    double median, min, max;
};

static inline struct bench_stats bench_stats_of(const double *v, long n, double *tmp)
{
    struct bench_stats s;
    memcpy(tmp, v, (size_t)n * sizeof *tmp);
    qsort(tmp, (size_t)n, sizeof *tmp, bench_cmp_double);
    s.median = bench_median_of_sorted(tmp, n);
    s.min = tmp[0];
    s.max = tmp[n - 1];
    return s;
}

/* Prints the timing table and the ratios. unit is what one item is
 * ("line", "message"); ns[lib] holds reps times per item, ns[0] sipcode's.
 * Returns 0, or -1 when out of memory. */
static inline int bench_report(const char *unit, const char *const *names, int n_libs,
                               double *const *ns, long reps, int raw)
{
    double *tmp = malloc((size_t)reps * sizeof *tmp);
    double *ratios = malloc((size_t)reps * sizeof *ratios);
    struct bench_stats t0;
    int lib;
    long rep;

    if (!tmp || !ratios) {
        free(tmp);
        free(ratios);
        return -1;
    }
    if (raw) {
        printf("\nns per %s, repetition by repetition:\n", unit);
        for (lib = 0; lib < n_libs; lib++) {
            printf("raw %-12s", names[lib]);
            for (rep = 0; rep < reps; rep++)
                printf(" %.1f", ns[lib][rep]);
            printf("\n");
        }
    }

    printf("\n%-12s %10s %9s %9s %14s %14s\n", "library", "median ns", "min ns", "max ns",
           "median /s", "best /s");
    for (lib = 0; lib < n_libs; lib++) {
        struct bench_stats t = bench_stats_of(ns[lib], reps, tmp);
        printf("%-12s %10.1f %9.1f %9.1f %14.0f %14.0f\n", names[lib], t.median, t.min, t.max,
               1e9 / t.median, 1e9 / t.min);
    }

    /* The headline ratio pairs each peer's time with sipcode's from the same
     * repetition (milliseconds apart) and takes the median of those ratios,
     * so a drift of the machine's speed that moves all libraries cancels. */
    t0 = bench_stats_of(ns[0], reps, tmp);
    printf("\n");
    for (lib = 1; lib < n_libs; lib++) {
        struct bench_stats t = bench_stats_of(ns[lib], reps, tmp), r;
        for (rep = 0; rep < reps; rep++)
            ratios[rep] = ns[lib][rep] / ns[0][rep];
        r = bench_stats_of(ratios, reps, tmp);
        printf("sipcode does %.2fx the %ss per second of %s (median of per-repetition ratios; "
               "their range %.2f..%.2f; ratio of medians %.2f, of minimums %.2f)\n",
               r.median, unit, names[lib], r.min, r.max, t.median / t0.median, t.min / t0.min);
    }
    for (lib = 0; lib < n_libs; lib++) {
        struct bench_stats t = bench_stats_of(ns[lib], reps, tmp);
        printf("median_ns %s: %.1f\nmin_ns %s: %.1f\nmedian_per_s %s: %.0f\n", names[lib], t.median,
               names[lib], t.min, names[lib], 1e9 / t.median);
    }
    for (lib = 1; lib < n_libs; lib++) {
        struct bench_stats t = bench_stats_of(ns[lib], reps, tmp), r;
        for (rep = 0; rep < reps; rep++)
            ratios[rep] = ns[lib][rep] / ns[0][rep];
        r = bench_stats_of(ratios, reps, tmp);
        printf("ratio sipcode/%s: %.2f\nmin_ratio sipcode/%s: %.2f\n", names[lib], r.median,
               names[lib], t.min / t0.min);
    }
    free(tmp);
    free(ratios);
    return 0;
}

#endif /* SIPCODE_BENCH_H */
