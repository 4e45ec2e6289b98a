#!/bin/bash
# bench/capture/run.sh - 'sipcode stats' against tshark and against one memchr
# pass over the same pcap, page cache warm, with the counts checked against
# the generator's ground truth while timing.
#
#   bash bench/capture/run.sh                  (or: make bench-capture)
#
# Environment:
#   SIZE_MB     the large capture (default 1024)
#   SMALL_MB    a smaller capture of the same traffic: peak memory must not
#               grow with the size (default 256)
#   TSHARK_MB   which of the two tshark reads (default SMALL_MB: tshark takes
#               minutes on 1 GB here and the ratio is one of throughputs);
#               "none" skips tshark
#   REPS        rounds; in each, every program runs once, in turns (tshark
#               once in all); medians are reported (default 3)
#   THREADS     sipcode is timed with --threads 1 (pinned) and, when THREADS > 1,
#               with --threads THREADS, not pinned (default: online CPUs)
#   PGO         1 (default): also time the profile-guided build (make pgo,
#               tools/pgo.sh), with the same thread counts; 0: only the
#               plain build
#   SEED        generator seed (default 0x5195C0DE)
#   BENCH_CPU   CPU to pin to with taskset (default 0; "none" to not pin)
#   CC, BENCH_CFLAGS (default -O2) for the generator and memchr_pass
#
# Captures and reports go to build/bench/capture/ (never committed). The
# report is printed and written to build/bench/capture.txt.
set -eu
set -o pipefail

cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
OUT=$BUILD/bench/capture
SIZE_MB=${SIZE_MB:-1024}
SMALL_MB=${SMALL_MB:-256}
TSHARK_MB=${TSHARK_MB:-$SMALL_MB}
REPS=${REPS:-3}
THREADS=${THREADS:-$(getconf _NPROCESSORS_ONLN)}
PGO=${PGO:-1}
SEED=${SEED:-0x5195C0DE}
BENCH_CPU=${BENCH_CPU:-0}
CC=${CC:-cc}
BENCH_CFLAGS=${BENCH_CFLAGS:--O2}
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
REPORT=$BUILD/bench/capture.txt

sh tools/deps.sh bench
make -s BUILD="$BUILD" "$BUILD/sipcode"
[ "$PGO" = 1 ] && make -s BUILD="$BUILD" pgo
mkdir -p "$OUT"
# rebuilt only when changed: a new generator means new captures
[ "$OUT/gen_capture" -nt bench/capture/gen_capture.c ] ||
    $CC $WARN $BENCH_CFLAGS -o "$OUT/gen_capture" bench/capture/gen_capture.c
[ "$OUT/memchr_pass" -nt bench/capture/memchr_pass.c ] ||
    $CC $WARN $BENCH_CFLAGS -o "$OUT/memchr_pass" bench/capture/memchr_pass.c

pin=""
if [ "$BENCH_CPU" != none ] && command -v taskset >/dev/null 2>&1; then
    pin="taskset -c $BENCH_CPU"
fi

# capture MB: generates (once per generator build) sip-<MB>m.pcap and its truth.
capture() {
    local f=$OUT/sip-$1m.pcap
    if ! [ -s "$f" ] || ! [ -s "$f.truth.json" ] || [ "$OUT/gen_capture" -nt "$f.truth.json" ]; then
        echo "generating $f ..." >&2
        "$OUT/gen_capture" --seed "$SEED" --size-mb "$1" "$f" "$f.truth.json"
    fi
    echo "$f"
}

json_num() { # json_num FILE KEY: the first "KEY": number in FILE
    sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1" | head -n 1
}

big=$(capture "$SIZE_MB")
small=$(capture "$SMALL_MB")
case $TSHARK_MB in
none) tshark_file="" ;;
"$SIZE_MB") tshark_file=$big ;;
"$SMALL_MB") tshark_file=$small ;;
*) tshark_file=$(capture "$TSHARK_MB") ;;
esac

{
    echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "sipcode:   $("$BUILD/sipcode" --version | head -n 1)"
    echo "tshark:    $(tshark --version 2>/dev/null | head -n 1) (Debian tshark $(dpkg-query -W -f '${Version}' tshark 2>/dev/null || echo '?'))"
    echo "libpcap:   Debian libpcap0.8 $(dpkg-query -W -f '${Version}' libpcap0.8 2>/dev/null || echo '?')"
    echo "compiler:  $($CC --version | head -n 1); sipcode built with the Makefile's CFLAGS (-O2 -g)"
    [ "$PGO" = 1 ] && echo "pgo:       $BUILD/pgo/sipcode: the same, profile-guided (tools/pgo.sh: trained on its own seed and size)"
    echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
        "($(getconf _NPROCESSORS_ONLN) online; pinned: ${pin:-no})"
    echo "kernel:    $(uname -sr)"
    echo "generator: bench/capture/gen_capture.c --seed $SEED ($BENCH_CFLAGS); memchr_pass: $BENCH_CFLAGS"
    echo "runs:      $REPS per program, taking turns; median wall time; page cache warm (each file read before each turn)"
    echo
} | tee "$REPORT"

rows=()
# row LABEL FILE SECONDS RSS_KB CPU_SECONDS: one line of the table
row() {
    local bytes packets
    bytes=$(stat -c %s "$2")
    packets=$(json_num "$2.truth.json" records)
    rows+=("$(awk -v l="$1" -v f="$(basename "$2")" -v b="$bytes" -v p="$packets" -v s="$3" -v r="$4" -v c="$5" \
        'BEGIN {printf "%-32s %-15s %8.3f %8s %9.1f %12.0f %8.1f", l, f, s, c, b / s / 1e6, p / s, r / 1024}')")
}

# run_once NAME OUTFILE CMD...: one timed run, stdout to OUTFILE; appends
# "wall_seconds cpu_seconds rss_kb" to $OUT/NAME.samples.
run_once() {
    local name=$1 out=$2 t0 t1 r u sy
    shift 2
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M %U %S' -o "$OUT/$name.rss" $pin "$@" >"$out" 2>"$OUT/$name.err" || {
        echo "run.sh: $name failed:" >&2
        cat "$OUT/$name.err" >&2
        exit 1
    }
    t1=$EPOCHREALTIME
    read -r r u sy < <(tail -n 1 "$OUT/$name.rss")
    echo "$(echo "$t1 - $t0" | bc -l) $(echo "$u + $sy" | bc -l) $r" >>"$OUT/$name.samples"
}

# summary NAME: "median_wall max_rss_kb median_cpu" of NAME's samples
summary() {
    local wall cpu rss
    wall=$(awk '{print $1}' "$OUT/$1.samples" | sort -g | awk '{a[NR]=$1} END {printf "%.6f", a[int((NR+1)/2)]}')
    cpu=$(awk '{print $2}' "$OUT/$1.samples" | sort -g | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}')
    rss=$(awk 'BEGIN {m = 0} $3 > m {m = $3} END {print m}' "$OUT/$1.samples")
    echo "$wall $rss $cpu"
}

# ratio_median A B COLUMN: the median over the repetitions of A's value / B's
# (column 1 wall, 2 CPU): the two ran seconds apart, so a machine that
# slows down or speeds up in between moves both
ratio_median() {
    paste "$OUT/$1.samples" "$OUT/$2.samples" |
        awk -v c="$3" '{ if ($(c + 3) > 0) print $c / $(c + 3) }' | sort -g |
        awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'
}

check_failed=0
declare -A big_wall big_cpu big_rss small_rss
: >"$OUT/truth.txt"
# the sipcode runs: "NAME BINARY THREADS LABEL", the first the reference
# every other one's output must equal byte for byte
variants=("sipcode $BUILD/sipcode 1 1 thread")
[ "$THREADS" -gt 1 ] && variants+=("sipcode-mt $BUILD/sipcode $THREADS $THREADS threads")
if [ "$PGO" = 1 ]; then
    variants+=("sipcode-pgo $BUILD/pgo/sipcode 1 1 thread, PGO")
    [ "$THREADS" -gt 1 ] && variants+=("sipcode-pgo-mt $BUILD/pgo/sipcode $THREADS $THREADS threads, PGO")
fi
progs="memchr-lf memchr-ff"
for v in "${variants[@]}"; do progs="$progs ${v%% *}"; done
for f in "$big" "$small"; do
    tag=$(basename "$f" .pcap)
    for p in $progs; do rm -f "$OUT/$p-$tag.samples"; done
done
# The programs take turns, repetition after repetition: the machine's
# drifts (a shared VM) fall on all of them alike.
for ((rep = 0; rep < REPS; rep++)); do
    for f in "$big" "$small"; do
        cat "$f" >/dev/null # warm the page cache
        tag=$(basename "$f" .pcap)
        for v in "${variants[@]}"; do
            read -r name bin threads _ <<<"$v"
            if [ "$threads" = 1 ]; then
                run_once "$name-$tag" "$OUT/$tag.$name.json" "$bin" stats --threads 1 --format json "$f"
            else
                # not pinned: the threads need the CPUs
                pin="" run_once "$name-$tag" "$OUT/$tag.$name.json" "$bin" stats --threads "$threads" --format json "$f"
            fi
        done
        run_once "memchr-lf-$tag" "$OUT/$tag.memchr.txt" "$OUT/memchr_pass" "$f"
        run_once "memchr-ff-$tag" "$OUT/$tag.memchr-ff.txt" "$OUT/memchr_pass" --byte 0xff "$f"
    done
done
for f in "$big" "$small"; do
    tag=$(basename "$f" .pcap)
    perl bench/capture/check_truth.pl "$f.truth.json" "$OUT/$tag.sipcode.json" | sed "s|^|$tag: |" \
        >>"$OUT/truth.txt" || check_failed=1
    for v in "${variants[@]}"; do
        read -r name bin threads label <<<"$v"
        read -r s rss cpu < <(summary "$name-$tag")
        row "sipcode stats, $label" "$f" "$s" "$rss" "$cpu"
        [ "$f" = "$big" ] && big_wall[$name]=$s big_cpu[$name]=$cpu big_rss[$name]=$rss
        [ "$f" = "$small" ] && small_rss[$name]=$rss
        # the same output as the plain build with one thread, byte for byte
        if ! cmp -s "$OUT/$tag.sipcode.json" "$OUT/$tag.$name.json"; then
            echo "$tag: sipcode stats, $label differs from the plain build's 1 thread" >>"$OUT/truth.txt"
            check_failed=1
        fi
    done
    read -r s rss cpu < <(summary "memchr-lf-$tag")
    row "memchr pass, LF" "$f" "$s" "$rss" "$cpu"
    read -r s rss cpu < <(summary "memchr-ff-$tag")
    row "memchr pass, 0xff" "$f" "$s" "$rss" "$cpu"
done

if [ -n "$tshark_file" ]; then
    tag=$(basename "$tshark_file" .pcap)
    cat "$tshark_file" >/dev/null
    # tshark is slow: one run (REPS=1) whatever REPS says
    rm -f "$OUT/tshark-$tag.samples"
    run_once "tshark-$tag" "$OUT/$tag.tshark.txt" tshark -q -n -r "$tshark_file" -z sip,stat
    read -r s rss cpu < <(summary "tshark-$tag")
    row "tshark -q -n -z sip,stat" "$tshark_file" "$s" "$rss" "$cpu"
    tshark_s=$s tshark_cpu=$cpu
    tshark_bytes=$(stat -c %s "$tshark_file")
fi

{
    echo "ground truth:"
    cat "$OUT/truth.txt"
    : >"$OUT/truth.txt"
    echo
    printf '%-32s %-15s %8s %8s %9s %12s %8s\n' program capture "wall s" "CPU s" MB/s packets/s "RSS MB"
    printf '%s\n' "${rows[@]}"
    echo
    big_bytes=$(stat -c %s "$big")
    big_tag=$(basename "$big" .pcap)
    ratios() { # ratios LABEL NAME SECONDS CPU_SECONDS
        echo "sipcode ($1) / memchr pass (LF):   $(ratio_median "memchr-lf-$big_tag" "$2-$big_tag" 1) of its speed (target >= 0.5)"
        echo "  by CPU time (user+sys):     $(ratio_median "memchr-lf-$big_tag" "$2-$big_tag" 2)"
        echo "sipcode ($1) / memchr pass (0xff): $(ratio_median "memchr-ff-$big_tag" "$2-$big_tag" 1) of its speed"
        if [ -n "$tshark_file" ]; then
            awk -v l="$1" -v s="$3" -v b="$big_bytes" -v ts="$tshark_s" -v tb="$tshark_bytes" \
                'BEGIN { printf "sipcode (%s) / tshark throughput:  %.1fx (target >= 50x; tshark timed on %.0f MB)\n", l, (b / s) / (tb / ts), tb / 1e6 }'
            awk -v s="$4" -v b="$big_bytes" -v ts="$tshark_cpu" -v tb="$tshark_bytes" \
                'BEGIN { if (s > 0) printf "  by CPU time (user+sys):     %.1fx\n", (b / s) / (tb / ts) }'
        fi
    }
    for v in "${variants[@]}"; do
        read -r name bin threads label <<<"$v"
        ratios "$label" "$name" "${big_wall[$name]}" "${big_cpu[$name]}"
    done
    for v in "${variants[@]}"; do
        read -r name bin threads label <<<"$v"
        echo "sipcode peak RSS, $label: $((small_rss[$name] / 1024)) MB on $(basename "$small"), $((big_rss[$name] / 1024)) MB on $(basename "$big")"
    done
    if [ -n "$tshark_file" ]; then
        echo
        echo "tshark against the ground truth ($(basename "$tshark_file")):"
        perl bench/capture/compare_tshark.pl "$tshark_file.truth.json" "$OUT/$(basename "$tshark_file" .pcap).tshark.txt"
    fi
} | tee -a "$REPORT"

exit $check_failed
