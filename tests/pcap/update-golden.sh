#!/bin/bash
# update-golden.sh [NAME...]: rewrites the golden captures in tests/pcap/golden/
# from tests/pcap/gen_pcap.c and their expected 'sipcode stats --format json'
# output, for every test in golden/TESTLIST or only the NAMEs given. Run it on
# purpose, after a change that should alter them, and review the diff
# ('git diff tests/pcap/golden') before committing, as with tcpdump's
# update-test.sh. Uses build/sipcode and build/gen_pcap (make builds them), or
# $SIPCODE and $GEN_PCAP.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GOLDEN=$ROOT/tests/pcap/golden
SIPCODE=$(realpath "${SIPCODE:-$ROOT/build/sipcode}")
GEN_PCAP=$(realpath "${GEN_PCAP:-$ROOT/build/gen_pcap}")
for tool in "$SIPCODE" "$GEN_PCAP"; do
    [ -x "$tool" ] || { echo "update-golden: $tool missing: run 'make all build/gen_pcap' first" >&2; exit 2; }
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$GEN_PCAP" "$TMP"
found=0
while read -r name capture status _; do
    case $name in '#'* | '') continue ;; esac
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
        continue
    fi
    found=$((found + 1))
    cp "$TMP/$capture" "$GOLDEN/$capture"
    rc=0
    (cd "$GOLDEN" && "$SIPCODE" stats --format json "$capture" >"$name.stats.json" 2>/dev/null) || rc=$?
    if [ "$rc" -ne "$status" ]; then
        echo "update-golden: $name: exit status $rc, TESTLIST says $status" >&2
        exit 1
    fi
    echo "updated $name ($capture, exit $rc)"
done <"$GOLDEN/TESTLIST"
[ "$found" -gt 0 ] || { echo "update-golden: no test named $*" >&2; exit 2; }
