#!/bin/bash
# bench/respond/run.sh - `sipcode respond` against Kamailio (sl_send_reply, one
# UDP worker) in one run, with SIPp as the load on 127.0.0.1 (issue #6).
#
#   bash bench/respond/run.sh                 both responders, both loads
#   RESPONDERS=kamailio bash bench/respond/run.sh
#
# For each load (INVITE->486->ACK, OPTIONS->200) and each responder, SIPp
# steps the call rate up (RATES, STEP_SECS seconds each) until a step fails: a
# failed call, an unexpected message, or SIPp unable to keep 93% of the rate;
# a failed step is run once more before it ends the ramp. The top rate is the
# last step that passed. Over every step the responder's
# CPU time (utime+stime of all its processes, /proc/PID/stat) is divided by
# the requests it answered (SIPp's successful calls: one answered request per
# call, ACK being absorbed): CPU seconds per 100,000 answered requests, compared
# at the highest rate both passed. The responder runs pinned to CPU_RESPONDER,
# SIPp to CPU_LOAD. While timing, the results are checked: SIPp's counts, and
# sipcode's own JSON summary against them.
#
# Environment: BUILD (build), SIPCODE (the binary; default $BUILD/sipcode),
# RATES, STEP_SECS (10), CPU_RESPONDER (0), CPU_LOAD (1), RESPONDERS
# ("sipcode kamailio"), LOADS ("busy options").
# The report goes to stdout and $BUILD/bench/respond.txt.
set -eu
set -o pipefail

cd "$(dirname "$0")/../.."
HERE=bench/respond
BUILD=${BUILD:-build}
SIPCODE=${SIPCODE:-}
RATES=${RATES:-"2000 4000 6000 8000 10000 12000 14000 16000 18000 20000 25000 30000 35000 40000 50000 60000"}
STEP_SECS=${STEP_SECS:-10}
CPU_RESPONDER=${CPU_RESPONDER:-0}
CPU_LOAD=${CPU_LOAD:-1}
RESPONDERS=${RESPONDERS:-"sipcode kamailio"}
LOADS=${LOADS:-"busy options"}
OUT=$BUILD/bench
REPORT=$OUT/respond.txt
CLIENT=(perl tests/respond/sipclient.pl)
TICKS=$(getconf CLK_TCK)

sh tools/deps.sh bench-respond
# SIPCODE= names another binary to measure; otherwise make brings ours up to date
if [ -z "$SIPCODE" ]; then
    SIPCODE=$BUILD/sipcode
    case " $RESPONDERS " in *" sipcode "*) make -s BUILD="$BUILD" "$SIPCODE" ;; esac
fi
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipcode-bench-respond.XXXXXX")
MAIN_PID=

stop_responder() {
    local rc=0
    if [ -n "$MAIN_PID" ]; then
        kill -TERM "$MAIN_PID" 2>/dev/null || true
        wait "$MAIN_PID" 2>/dev/null || rc=$?
        MAIN_PID=
    fi
    return $rc
}
cleanup() {
    stop_responder || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# CPU ticks (utime + stime) of a process and its children, from /proc.
cpu_ticks() {
    local pids p total=0 rest
    pids="$1 $(ps -o pid= --ppid "$1" | tr '\n' ' ')"
    for p in $pids; do
        [ -r "/proc/$p/stat" ] || continue
        rest=$(sed 's/^.*) //' "/proc/$p/stat")
        # fields after "pid (comm) ": state is 1st, utime 12th, stime 13th
        total=$((total + $(echo "$rest" | awk '{ print $12 + $13 }')))
    done
    echo "$total"
}

# Starts responder $1 on a free UDP port; sets PORT and MAIN_PID.
start_responder() {
    local i
    PORT=$("${CLIENT[@]}" freeport 4)
    case $1 in
    sipcode)
        # --duration bounds it if this script dies without its trap
        taskset -c "$CPU_RESPONDER" "$SIPCODE" respond --listen "udp:127.0.0.1:$PORT" \
            --method INVITE=486 --format json --duration 7200 \
            >"$WORK/sipcode.json" 2>"$WORK/sipcode.err" &
        MAIN_PID=$!
        ;;
    kamailio)
        mkdir -p "$WORK/kamailio-run"
        sed "s/@PORT@/$PORT/" "$HERE/kamailio.cfg" >"$WORK/kamailio.cfg"
        # In the foreground (-DD), logging to stderr (-E), its own pid file
        # and runtime directory: never the system service.
        taskset -c "$CPU_RESPONDER" kamailio -f "$WORK/kamailio.cfg" -DD -E \
            -P "$WORK/kamailio.pid" -Y "$WORK/kamailio-run" >"$WORK/kamailio.log" 2>&1 &
        MAIN_PID=$!
        ;;
    esac
    # ready when an OPTIONS is answered
    for i in $(seq 30); do
        "${CLIENT[@]}" ask 127.0.0.1 "$PORT" OPTIONS probe 200 2>/dev/null && return 0
        kill -0 "$MAIN_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "run.sh: $1 did not answer on udp:127.0.0.1:$PORT" >&2
    cat "$WORK/$1".{err,log} 2>/dev/null | tail -n 20 >&2
    exit 1
}

# The last cumulative line of SIPp's statistics file, by column name.
stat_col() {
    awk -F';' -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
                           END { print $c + 0 }' "$1"
}

# step RESPONDER LOAD RATE: one SIPp run; prints "ok|fail created ok failed
# unexpected retrans seconds cpu_ticks why".
step() {
    local who=$1 load=$2 rate=$3 calls stats t0 t1 c0 c1 rc=0
    calls=$((rate * STEP_SECS))
    stats=$WORK/$who-$load-$rate.csv
    c0=$(cpu_ticks "$MAIN_PID")
    t0=$EPOCHREALTIME
    taskset -c "$CPU_LOAD" timeout $((STEP_SECS * 4 + 30)) sipp "127.0.0.1:$PORT" \
        -sf "$HERE/load-$load.xml" -r "$rate" -rp 1000 -m "$calls" -l $((rate * 4)) \
        -p "$("${CLIENT[@]}" freeport 4)" -mp "$("${CLIENT[@]}" freeport 4)" \
        -max_invite_retrans 3 -max_non_invite_retrans 3 -buff_size 4194304 \
        -timeout $((STEP_SECS * 4 + 20))s -nostdin -trace_stat -stf "$stats" -fd 3600 \
        >"$WORK/sipp.out" 2>&1 || rc=$?
    t1=$EPOCHREALTIME
    # let the responder finish what is in flight before reading its CPU time
    sleep 0.3
    c1=$(cpu_ticks "$MAIN_PID")
    local created ok failed unexpected retrans secs verdict=ok
    created=$(stat_col "$stats" TotalCallCreated)
    ok=$(stat_col "$stats" 'SuccessfulCall(C)')
    failed=$(stat_col "$stats" 'FailedCall(C)')
    unexpected=$(($(stat_col "$stats" 'FailedUnexpectedMessage(C)') + \
        $(stat_col "$stats" 'OutOfCallMsgs(C)')))
    retrans=$(stat_col "$stats" 'Retransmissions(C)')
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    local why=""
    [ "$rc" = 0 ] || why="$why,sipp-exit-$rc"
    [ "$failed" = 0 ] || why="$why,failed-calls"
    [ "$unexpected" = 0 ] || why="$why,unexpected-messages"
    [ "$ok" = "$calls" ] || why="$why,$ok-of-$calls-calls"
    awk -v n="$ok" -v s="$secs" -v r="$rate" 'BEGIN { exit !(n / s < 0.93 * r) }' &&
        why="$why,under-93%-of-the-rate"
    [ -z "$why" ] || verdict=fail
    echo "$verdict $created $ok $failed $unexpected $retrans $secs $((c1 - c0)) ${why#,}"
}

# ---- the run ------------------------------------------------------------------

{
    echo "sipcode respond vs Kamailio: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "sipcode    $("$SIPCODE" --version 2>/dev/null | head -n 1 || echo '?')"
    echo "kamailio   $(kamailio -v 2>/dev/null | head -n 1 | sed 's/^version: //')"
    echo "sipp       $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -n 1)"
    echo "cpu        $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) CPUs"
    echo "kernel     $(uname -r)"
    echo "pinning    responder on CPU $CPU_RESPONDER, SIPp on CPU $CPU_LOAD; $STEP_SECS s per step"
    echo
    printf '%-8s %-9s %7s %8s %8s %7s %7s %7s %7s %9s\n' load responder rate calls answered \
        failed unexp retrans cpu% 'cpu/100k'
} | tee "$REPORT"

declare -A TOP CPU100K LIMIT
for load in $LOADS; do
    for who in $RESPONDERS; do
        start_responder "$who"
        top=0
        limit="none (every step passed)"
        answered_total=0
        for rate in $RATES; do
            read -r verdict created ok failed unexpected retrans secs ticks why < <(step "$who" "$load" "$rate")
            if [ "$verdict" != ok ]; then
                # one more try: on a shared machine a single burst of other
                # work can sink a step
                echo "         $who at $rate failed ($why; $retrans retransmissions); again" |
                    tee -a "$REPORT"
                answered_total=$((answered_total + ok))
                read -r verdict created ok failed unexpected retrans secs ticks why < <(step "$who" "$load" "$rate")
            fi
            answered_total=$((answered_total + ok))
            cpu_s=$(awk -v t="$ticks" -v hz="$TICKS" 'BEGIN { printf "%.3f", t / hz }')
            per100k=$(awk -v c="$cpu_s" -v n="$ok" 'BEGIN { if (n) printf "%.3f", c * 100000 / n; else print "-" }')
            busy=$(awk -v c="$cpu_s" -v s="$secs" 'BEGIN { printf "%.0f", 100 * c / s }')
            printf '%-8s %-9s %7s %8s %8s %7s %7s %7s %7s %9s %s\n' "$load" "$who" "$rate" \
                "$created" "$ok" "$failed" "$unexpected" "$retrans" "$busy" "$per100k" \
                "$([ "$verdict" = ok ] || echo "FAIL $why")" | tee -a "$REPORT"
            CPU100K[$load,$who,$rate]=$per100k
            if [ "$verdict" != ok ]; then
                # A responder that fails while far from a full core was not
                # the limit: SIPp (or the machine) was.
                limit=responder
                [ "$busy" -lt 85 ] && limit="load generator (responder at $busy% CPU)"
                break
            fi
            top=$rate
        done
        TOP[$load,$who]=$top
        LIMIT[$load,$who]=$limit
        if [ "$who" = sipcode ]; then
            stop_responder || { echo "run.sh: sipcode respond did not exit 0" >&2; exit 1; }
            # its own count of first responses must cover every answered call
            code=486
            [ "$load" = options ] && code=200
            cp "$WORK/sipcode.json" "$OUT/respond-sipcode-$load.json"
            "${CLIENT[@]}" summary "$WORK/sipcode.json" "responses.$code>=$answered_total" ||
                { echo "run.sh: sipcode's summary disagrees with SIPp" >&2; exit 1; }
        else
            stop_responder || true
        fi
    done
done

{
    echo
    echo "top rate: the highest step with no failed call; cpu/100k: CPU seconds of the"
    echo "responder per 100,000 answered requests, at the highest rate both passed."
    echo
    printf '%-8s %-10s %-12s %-12s %-8s %-14s %-14s %-8s\n' load 'ref rate' 'sipcode top' \
        'kamailio top' ratio 'sipcode cpu' 'kamailio cpu' ratio
    for load in $LOADS; do
        s=${TOP[$load,sipcode]:-0}
        k=${TOP[$load,kamailio]:-0}
        ref=$((s < k ? s : k))
        sc=${CPU100K[$load,sipcode,$ref]:--}
        kc=${CPU100K[$load,kamailio,$ref]:--}
        printf '%-8s %-10s %-12s %-12s %-8s %-14s %-14s %-8s\n' "$load" "$ref" "$s" "$k" \
            "$(awk -v a="$s" -v b="$k" 'BEGIN { if (b) printf "%.2fx", a / b; else print "-" }')" \
            "$sc" "$kc" \
            "$(awk -v a="$sc" -v b="$kc" 'BEGIN { if (b + 0 > 0 && a + 0 > 0) printf "%.2fx", a / b; else print "-" }')"
    done
    echo
    echo "projected: requests/s one full core would answer, 100000 / cpu/100k at the"
    echo "reference rate (an extrapolation, for when SIPp ends the ramp first):"
    for load in $LOADS; do
        for who in $RESPONDERS; do
            s=${TOP[$load,sipcode]:-0}
            k=${TOP[$load,kamailio]:-0}
            [ "$RESPONDERS" = "$who" ] && ref=${TOP[$load,$who]} || ref=$((s < k ? s : k))
            c=${CPU100K[$load,$who,$ref]:--}
            echo "  $load $who: $(awk -v c="$c" 'BEGIN { if (c + 0 > 0) printf "%.0f", 100000 / c; else print "-" }')"
        done
    done
    echo
    echo "what ended each ramp:"
    for load in $LOADS; do
        for who in $RESPONDERS; do
            echo "  $load $who: ${LIMIT[$load,$who]}"
        done
    done
} | tee -a "$REPORT"
