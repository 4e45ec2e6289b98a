#!/bin/bash
# run-golden.sh: for every test in tests/pcap/golden/TESTLIST, the committed
# capture must be what tests/pcap/gen_pcap.c writes today, and 'sipcode stats
# --format json CAPTURE' (run in golden/) must print NAME.stats.json exactly
# and exit with the listed status, with any number of threads. With
# GEN_CAPTURE, a capture of the benchmark's generator must give its ground
# truth, the same with 1, 2 and 3 threads. Usage:
#   SIPCODE=build/sipcode GEN_PCAP=build/gen_pcap GEN_CAPTURE=build/gen_capture \
#     bash tests/pcap/run-golden.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GOLDEN=$ROOT/tests/pcap/golden
SIPCODE=$(realpath "${SIPCODE:-$ROOT/build/sipcode}")
GEN_PCAP=$(realpath "${GEN_PCAP:-$ROOT/build/gen_pcap}")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

"$GEN_PCAP" "$TMP" || fail "gen_pcap failed"
while read -r name capture status _; do
    case $name in '#'* | '') continue ;; esac
    if cmp -s "$GOLDEN/$capture" "$TMP/$capture"; then pass; else
        fail "golden $name: $capture differs from what gen_pcap writes (on purpose? run tests/pcap/update-golden.sh $name)"
    fi
    rc=0
    (cd "$GOLDEN" && "$SIPCODE" stats --format json "$capture" >"$TMP/$name.out" 2>"$TMP/$name.err") || rc=$?
    if [ "$rc" -eq "$status" ]; then pass; else
        fail "golden $name: exit status $rc, expected $status: $(head -2 "$TMP/$name.err")"
    fi
    if cmp -s "$GOLDEN/$name.stats.json" "$TMP/$name.out"; then pass; else
        fail "golden $name: output differs from $name.stats.json (on purpose? run tests/pcap/update-golden.sh $name):"
        diff -u "$GOLDEN/$name.stats.json" "$TMP/$name.out" | head -20
    fi
    # the same output and status whatever the number of threads
    for threads in 1 4; do
        rc=0
        (cd "$GOLDEN" && "$SIPCODE" stats --threads $threads --format json "$capture" >"$TMP/$name.t.out" 2>"$TMP/$name.t.err") || rc=$?
        if [ "$rc" -eq "$status" ] && cmp -s "$GOLDEN/$name.stats.json" "$TMP/$name.t.out"; then pass; else
            fail "golden $name: --threads $threads: exit status $rc or output differs"
            diff -u "$GOLDEN/$name.stats.json" "$TMP/$name.t.out" | head -20
        fi
    done
done <"$GOLDEN/TESTLIST"
[ $((passed + failed)) -ge 50 ] || fail "TESTLIST has fewer than 10 tests"

# The benchmark's traffic, 8 MB of it (about 18,000 records: more than the
# threads' ring of slots holds): the ground truth exactly, and the same
# output for any number of threads.
if [ -n "${GEN_CAPTURE:-}" ]; then
    "$GEN_CAPTURE" --seed 7 --size-mb 8 "$TMP/mix.pcap" "$TMP/mix.truth.json" || fail "gen_capture failed"
    for threads in 1 2 3; do
        "$SIPCODE" stats --threads $threads --format json "$TMP/mix.pcap" >"$TMP/mix.$threads.json" ||
            fail "stats --threads $threads on the generated capture failed"
    done
    if perl "$ROOT/bench/capture/check_truth.pl" "$TMP/mix.truth.json" "$TMP/mix.1.json" >"$TMP/truth.txt"; then pass; else
        fail "generated capture: counts differ from the ground truth:"
        head -20 "$TMP/truth.txt"
    fi
    for threads in 2 3; do
        if cmp -s "$TMP/mix.1.json" "$TMP/mix.$threads.json"; then pass; else
            fail "generated capture: --threads $threads output differs from --threads 1:"
            diff -u "$TMP/mix.1.json" "$TMP/mix.$threads.json" | head -20
        fi
    done
fi
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
