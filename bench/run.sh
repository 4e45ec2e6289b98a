#!/bin/bash
# run.sh - build and run sipcode's benchmarks against peer libraries.
#
#   bash bench/run.sh            (or: make bench)   every benchmark
#   bash bench/run.sh phrase response                only the named ones
#
# Each benchmark is a bench_<name> function below; add one and list its name in
# BENCHMARKS. The report of each goes to stdout and to build/bench/<name>.txt,
# headed by the context needed to compare runs: versions, compiler, CPU, flags.
#
# Environment:
#   CC                compiler (default cc)
#   BENCH_CFLAGS      optimisation flags (default -O2)
#   BENCH_PEER_LINK   static (default) or shared: how the peers are linked.
#                     libsipcode.a is always static, so static peers make every
#                     call a direct one; shared peers add a PLT indirection.
#   BENCH_CPU         CPU to pin to with taskset (default 0; "none" to not pin)
#   BENCH_ARGS        extra arguments for every benchmark program
set -eu
set -o pipefail # a failing benchmark must fail the run, not hide behind tee

cd "$(dirname "$0")/.."

BENCHMARKS="phrase status_line response"
BUILD=${BUILD:-build}
OUT=$BUILD/bench
CC=${CC:-cc}
BENCH_CFLAGS=${BENCH_CFLAGS:--O2}
BENCH_PEER_LINK=${BENCH_PEER_LINK:-static}
BENCH_CPU=${BENCH_CPU:-0}
BENCH_ARGS=${BENCH_ARGS:-}
WARN="-std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes"

sh tools/deps.sh bench
# Always ask make: a no-op when the library is current, a rebuild when the
# sources changed since (a stale library would be measured otherwise).
make -s BUILD="$BUILD" "$BUILD/libsipcode.a"
mkdir -p "$OUT"

# libre's static archive needs what its pkg-config file lists as private.
case $BENCH_PEER_LINK in
static) static_on="-Wl,-Bstatic" static_off="-Wl,-Bdynamic" re_libs="--static --libs" ;;
shared) static_on="" static_off="" re_libs="--libs" ;;
*) echo "run.sh: BENCH_PEER_LINK must be static or shared" >&2; exit 2 ;;
esac

pin=""
if [ "$BENCH_CPU" != none ] && command -v taskset >/dev/null 2>&1; then
    pin="taskset -c $BENCH_CPU"
fi

pkg_version() {
    dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo unknown
}

# The command's --version names the registry too, but only trust it when the
# command is not older than the library being measured.
sipcode_version() {
    if [ -x "$BUILD/sipcode" ] && ! [ "$BUILD/libsipcode.a" -nt "$BUILD/sipcode" ]; then
        "$BUILD/sipcode" --version | sed 's/^sipcode //'
    else
        sed -n 's/^#define SIPCODE_VERSION_STRING "\(.*\)"/\1 (from the header)/p' \
            include/sipcode/core.h
    fi
}

# context CFLAGS LIBS: the header of every report.
context() {
    echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "sipcode:   $(sipcode_version)"
    echo "oSIP2:     libosip2-dev $(pkg_version libosip2-dev)"
    echo "sofia-sip: libsofia-sip-ua-dev $(pkg_version libsofia-sip-ua-dev)"
    echo "libre:     libre-dev $(pkg_version libre-dev)"
    echo "compiler:  $($CC --version | head -n 1)"
    echo "cpu:       $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" \
        "($(getconf _NPROCESSORS_ONLN) online; pinned: ${pin:-no})"
    echo "kernel:    $(uname -sr)"
    echo "cflags:    $WARN $1"
    echo "libs:      $2 (peers linked $BENCH_PEER_LINK)"
}

# run_bench NAME PROGRAM CFLAGS LIBS SOURCE...: compile PROGRAM from the sources,
# run it and write its report, with the context, to $OUT/NAME.txt.
run_bench() {
    name=$1 prog=$2 cflags=$3 libs=$4
    shift 4
    # shellcheck disable=SC2086  # flags are word lists on purpose
    $CC $WARN $cflags -o "$OUT/$prog" "$@" $libs
    {
        echo "== bench $name: $*"
        context "$cflags" "$libs"
        echo
        # shellcheck disable=SC2086
        $pin "$OUT/$prog" $BENCH_ARGS
    } | tee "$OUT/$name.txt"
}

# phrase: code -> reason phrase, against oSIP2 and sofia-sip.
bench_phrase() {
    run_bench phrase phrase_bench \
        "$BENCH_CFLAGS -Iinclude $(pkg-config --cflags sofia-sip-ua)" \
        "$BUILD/libsipcode.a $static_on -losipparser2 $(pkg-config --libs sofia-sip-ua) $static_off" \
        bench/phrase_bench.c
}

# status_line: status lines per second, against sofia-sip's sip_status_make().
bench_status_line() {
    run_bench status_line status_line_bench \
        "$BENCH_CFLAGS -Iinclude $(pkg-config --cflags sofia-sip-ua)" \
        "$BUILD/libsipcode.a $static_on $(pkg-config --libs sofia-sip-ua) $static_off" \
        bench/status_line_bench.c
}

# response: code, CSeq and Call-ID from full responses per second, against
# oSIP2's osip_message_parse() and libre's sip_msg_decode().
bench_response() {
    # shellcheck disable=SC2086  # re_libs holds two options
    run_bench response response_bench \
        "$BENCH_CFLAGS -Iinclude $(pkg-config --cflags libre)" \
        "$BUILD/libsipcode.a $static_on -losipparser2 $(pkg-config $re_libs libre) $static_off" \
        bench/response_bench.c
}

# shellcheck disable=SC2086  # the list is space-separated on purpose
[ $# -gt 0 ] || set -- $BENCHMARKS
for b in "$@"; do
    case " $BENCHMARKS " in
    *" $b "*) "bench_$b" ;;
    *) echo "run.sh: no benchmark '$b' (have: $BENCHMARKS)" >&2; exit 2 ;;
    esac
done
