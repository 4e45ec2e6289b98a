#!/bin/bash
# bench/respond/soak.sh - `sipcode respond` under SIPp's INVITE->486->ACK load
# for SOAK_SECS (600) at 80% of the top rate bench/respond/run.sh found
# (RATE= overrides). Passes when SIPp saw no failed call and no unexpected
# message, the resident memory (VmRSS, sampled every 10 s) stops growing after
# the first minute (at most 2 MiB or 5% more at the end than at 60 s: live
# transactions are bounded by --max-transactions, so memory must level off),
# and the summary's transactions_peak stays within the cap.
#
#   bash bench/respond/soak.sh               after bench/respond/run.sh
#   RATE=5000 SOAK_SECS=120 bash bench/respond/soak.sh
#
# Environment: BUILD (build), SIPCODE (default $BUILD/sipcode), RATE,
# SOAK_SECS (600), MAX_TXN (65536), CPU_RESPONDER (0), CPU_LOAD (1).
# Report: stdout and $BUILD/bench/respond-soak.txt.
set -eu
set -o pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
SIPCODE=${SIPCODE:-}
SOAK_SECS=${SOAK_SECS:-600}
MAX_TXN=${MAX_TXN:-65536}
CPU_RESPONDER=${CPU_RESPONDER:-0}
CPU_LOAD=${CPU_LOAD:-1}
REPORT=$BUILD/bench/respond-soak.txt
CLIENT=(perl tests/respond/sipclient.pl)

sh tools/deps.sh bench-respond
# SIPCODE= names another binary to soak; otherwise make brings ours up to date
if [ -z "$SIPCODE" ]; then
    SIPCODE=$BUILD/sipcode
    make -s BUILD="$BUILD" "$SIPCODE"
fi
mkdir -p "$BUILD/bench"

if [ -z "${RATE:-}" ]; then
    top=$(awk '$1 == "busy" && $2 ~ /^[0-9]+$/ { print $3 }' "$BUILD/bench/respond.txt" 2>/dev/null |
        tail -n 1)
    if [ -z "$top" ] || [ "$top" = 0 ]; then
        echo "soak.sh: no top rate in $BUILD/bench/respond.txt; run bench/respond/run.sh or set RATE" >&2
        exit 2
    fi
    RATE=$((top * 8 / 10))
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipcode-soak.XXXXXX")
PID=
SIPP_PID=
cleanup() {
    [ -n "$SIPP_PID" ] && kill "$SIPP_PID" 2>/dev/null
    if [ -n "$PID" ]; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

PORT=$("${CLIENT[@]}" freeport 4)
taskset -c "$CPU_RESPONDER" "$SIPCODE" respond --listen "udp:127.0.0.1:$PORT" \
    --method INVITE=486 --max-transactions "$MAX_TXN" --format json \
    --duration $((SOAK_SECS + 600)) >"$WORK/summary.json" 2>"$WORK/responder.err" &
PID=$!
for i in $(seq 30); do
    "${CLIENT[@]}" ask 127.0.0.1 "$PORT" OPTIONS probe 200 2>/dev/null && break
    sleep 0.2
done

{
    echo "sipcode respond soak: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "sipcode    $("$SIPCODE" --version | head -n 1)"
    echo "load       INVITE->486->ACK at $RATE calls/s for $SOAK_SECS s (SIPp on CPU $CPU_LOAD," \
        "responder on CPU $CPU_RESPONDER), --max-transactions $MAX_TXN"
    echo
    echo "   secs  rss_kib"
} | tee "$REPORT"

calls=$((RATE * SOAK_SECS))
taskset -c "$CPU_LOAD" timeout $((SOAK_SECS + 120)) sipp "127.0.0.1:$PORT" \
    -sf bench/respond/load-busy.xml -r "$RATE" -rp 1000 -m "$calls" -l $((RATE * 4)) \
    -p "$("${CLIENT[@]}" freeport 4)" -mp "$("${CLIENT[@]}" freeport 4)" \
    -max_invite_retrans 3 -buff_size 4194304 -timeout $((SOAK_SECS + 100))s -nostdin \
    -trace_stat -stf "$WORK/stats.csv" -fd 10 >"$WORK/sipp.out" 2>&1 &
SIPP_PID=$!
start=$SECONDS
declare -a SAMPLES
while kill -0 "$SIPP_PID" 2>/dev/null; do
    s=$((SECONDS - start))
    r=$(rss_kib "$PID")
    SAMPLES[$s]=$r
    printf '%7s %8s\n' "$s" "$r" | tee -a "$REPORT"
    sleep 10
done
wait "$SIPP_PID" && rc=0 || rc=$?
SIPP_PID=
final_rss=$(rss_kib "$PID")
kill -TERM "$PID"
wait "$PID" && prc=0 || prc=$?
PID=

col() {
    awk -F';' -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
                           END { print $c + 0 }' "$WORK/stats.csv"
}
ok=$(col 'SuccessfulCall(C)')
failed=$(col 'FailedCall(C)')
unexpected=$(($(col 'FailedUnexpectedMessage(C)') + $(col 'OutOfCallMsgs(C)')))
retrans=$(col 'Retransmissions(C)')
peak=$(perl -MJSON::PP -e 'print decode_json(join "", <STDIN>)->{transactions_peak} // "?"' \
    <"$WORK/summary.json")
# RSS at the sample nearest 60 s, and the largest after it
at60=
maxrss=0
for s in "${!SAMPLES[@]}"; do
    [ -z "$at60" ] && [ "$s" -ge 60 ] && at60=${SAMPLES[$s]}
    [ "$s" -ge 60 ] && [ "${SAMPLES[$s]}" -gt "$maxrss" ] && maxrss=${SAMPLES[$s]}
done
verdict=PASS
why=()
[ "$rc" = 0 ] || why+=("SIPp exited $rc")
[ "$failed" = 0 ] || why+=("$failed failed calls")
[ "$unexpected" = 0 ] || why+=("$unexpected unexpected messages")
[ "$ok" = "$calls" ] || why+=("$ok of $calls calls succeeded")
[ "$prc" = 0 ] || why+=("sipcode respond exited $prc")
if [ -n "$at60" ]; then
    allowed=$((at60 + (at60 / 20 > 2048 ? at60 / 20 : 2048)))
    [ "$maxrss" -le "$allowed" ] || why+=("RSS grew from $at60 KiB at 60 s to $maxrss KiB")
else
    why+=("the soak was shorter than 60 s: no RSS trend")
fi
case $peak in '' | *[!0-9]*) why+=("no transactions_peak in the summary") ;; *)
    [ "$peak" -le "$MAX_TXN" ] || why+=("transactions_peak $peak above the cap $MAX_TXN") ;; esac
[ ${#why[@]} = 0 ] || verdict="FAIL: $(IFS=';'; echo "${why[*]}")"
{
    echo
    echo "calls $ok of $calls successful, $failed failed, $unexpected unexpected, $retrans SIPp retransmissions"
    echo "rss at 60 s ${at60:-?} KiB, max after it $maxrss KiB, at the end $final_rss KiB;" \
        "transactions_peak $peak (cap $MAX_TXN)"
    echo "soak: $verdict"
} | tee -a "$REPORT"
[ "$verdict" = PASS ]
