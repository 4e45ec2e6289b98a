#!/bin/bash
# run-golden.sh: for every test in tests/pcap/golden/TESTLIST, the committed
# capture must be what tests/pcap/gen_pcap.c writes today, and 'sipcode stats
# --format json CAPTURE' (run in golden/) must print NAME.stats.json exactly
# and exit with the listed status. Usage:
#   SIPCODE=build/sipcode GEN_PCAP=build/gen_pcap bash tests/pcap/run-golden.sh
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
done <"$GOLDEN/TESTLIST"
[ $((passed + failed)) -ge 30 ] || fail "TESTLIST has fewer than 10 tests"
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
