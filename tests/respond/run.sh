#!/bin/bash
# tests/respond/run.sh - `sipcode respond` against a real SIP peer (SIPp) and a
# small raw client (sipclient.pl), on loopback only (issue #6).
#
#   SIPCODE=build/sipcode bash tests/respond/run.sh [TEST...]
#
# Each test starts its own responder on port 0 (--ports-file gives the real
# ports back), drives it, stops it with SIGTERM and checks the JSON summary
# against what was sent. Every process is bounded in time (timeout(1), or
# --duration for the responder) and the trap stops whatever is still running. A failing test says what failed; the last line is
# "respond: N passed, N failed".
set -u

SIPCODE=${SIPCODE:-build/sipcode}
SIPP=${SIPP:-sipp}
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENT=(perl "$HERE/sipclient.pl")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipcode-respond.XXXXXX")
RESPONDER=
passed=0
failed=0
bad=0

cleanup() {
    if [ -n "$RESPONDER" ]; then
        kill -KILL "$RESPONDER" 2>/dev/null
        wait "$RESPONDER" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "FAIL $TEST: $*"
    bad=1
}

# Prints the indented tail of a log file, for a failure message.
show() {
    [ -s "$1" ] && sed -e 's/^/    | /' "$1" | tail -n "${2:-15}"
}

# start_responder ARGS... : sipcode respond in the background, on the
# listeners given, JSON summary to $T/summary.json; sets the port variables
# UDP4 TCP4 UDP6 TCP6 from the ports file.
start_responder() {
    local want i
    want=$(printf '%s\n' "$@" | grep -c -- '^--listen$')
    rm -f "$T/ports"
    # --duration bounds it; not timeout(1), which signals the whole process
    # group and so would send a second SIGTERM
    "$SIPCODE" respond --ports-file "$T/ports" --format json --duration 150 "$@" \
        >"$T/summary.json" 2>"$T/responder.err" &
    RESPONDER=$!
    for i in $(seq 50); do
        [ -f "$T/ports" ] && [ "$(wc -l <"$T/ports")" -ge "$want" ] && break
        kill -0 "$RESPONDER" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -f "$T/ports" ] || [ "$(wc -l <"$T/ports")" -lt "$want" ]; then
        fail "sipcode respond $* did not write $want listeners to --ports-file within 5 s"
        show "$T/responder.err"
        return 1
    fi
    UDP4=$(port_of udp 127.0.0.1)
    TCP4=$(port_of tcp 127.0.0.1)
    UDP6=$(port_of udp ::1)
    TCP6=$(port_of tcp ::1)
    return 0
}

port_of() {
    awk -v p="$1" -v a="$2" '{ gsub(/[][]/, "", $2) } $1 == p && $2 == a { print $3; exit }' \
        "$T/ports"
}

# Stops the responder with one SIGTERM; it must exit 0 within 5 s and leave a
# summary (after that it gets SIGKILL).
stop_responder() {
    local rc i
    [ -n "$RESPONDER" ] || return 1
    kill -TERM "$RESPONDER" 2>/dev/null
    for i in $(seq 50); do
        kill -0 "$RESPONDER" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$RESPONDER" 2>/dev/null; then
        kill -KILL "$RESPONDER" 2>/dev/null
        wait "$RESPONDER" 2>/dev/null
        RESPONDER=
        fail "sipcode respond still running 5 s after SIGTERM"
        return 1
    fi
    wait "$RESPONDER"
    rc=$?
    RESPONDER=
    if [ "$rc" != 0 ]; then
        fail "sipcode respond exited $rc after SIGTERM, wanted 0"
        show "$T/responder.err"
        return 1
    fi
    return 0
}

# summary CHECK... : the JSON summary must hold each check (sipclient.pl summary).
summary() {
    local out
    if ! out=$("${CLIENT[@]}" summary "$T/summary.json" "$@" 2>&1); then
        fail "the JSON summary after SIGTERM does not match what was sent:"
        echo "$out" | sed -e 's/^/    /'
        show "$T/summary.json" 40
    fi
}

# sipp NAME SCENARIO TRANSPORT HOST PORT [SIPP ARGS...] : one SIPp run as UAC;
# it must end with every call successful. -nd: a failed call is not cleaned
# up with a BYE or CANCEL, which would blur the responder's counts.
sipp() {
    local name=$1 scen=$2 transport=$3 host=$4 port=$5 rc target fam=4
    shift 5
    target="$host:$port"
    case $host in *:*) target="[$host]:$port" fam=6 ;; esac
    timeout 90 "$SIPP" "$target" -sf "$HERE/$scen" -t "$transport" -i "$host" \
        -p "$("${CLIENT[@]}" freeport $fam)" -mp "$("${CLIENT[@]}" freeport $fam)" \
        -timeout 60s -timeout_error -nd -nostdin -trace_err -error_file "$T/$name.errors" \
        -trace_logs -log_file "$T/$name.logs" -trace_screen -screen_file "$T/$name.screen" \
        "$@" >"$T/$name.out" 2>&1
    rc=$?
    if [ "$rc" != 0 ]; then
        fail "SIPp $name ($scen over $transport to $target) exited $rc: some calls failed"
        show "$T/$name.errors" 25
        grep -E 'Successful call|Failed call' "$T/$name.screen" 2>/dev/null | tail -n 2 |
            sed -e 's/^/    | /'
        [ -s "$T/$name.errors" ] || show "$T/$name.out"
        return 1
    fi
    return 0
}

# lint_clean FILE : no error finding, no warning but deprecated-code.
lint_clean() {
    local out
    out=$("$SIPCODE" lint --format json "$1" 2>&1 | perl -MJSON::PP -e '
        my $d = eval { decode_json(join "", <STDIN>) } or do { print "no JSON from lint\n"; exit };
        print "no response found\n" unless @{$d->{responses} || []};
        for my $r (@{$d->{responses}}) {
            for my $f (@{$r->{findings}}) {
                next if $f->{severity} eq "info" || $f->{id} eq "deprecated-code";
                print "$f->{severity} $f->{id}: $f->{summary} [$f->{subject}]\n";
            }
        }')
    if [ -n "$out" ]; then
        fail "sipcode lint finds problems in $(basename "$1"):"
        printf '%s\n' "$out" | sed -e 's/^/    /'
        show "$1" 20
    fi
}

# ---- the tests ---------------------------------------------------------------

t_options() {
    start_responder --listen udp:127.0.0.1:0 || return
    sipp options uac-options.xml u1 127.0.0.1 "$UDP4" -s probe -m 20 -r 50
    "${CLIENT[@]}" ask 127.0.0.1 "$UDP4" OPTIONS probe 200 "$T/options.sip" || fail "OPTIONS"
    [ -s "$T/options.sip" ] && lint_clean "$T/options.sip"
    stop_responder || return
    summary requests.OPTIONS=21 responses.200=21 'dropped.*=0' acks_absorbed=0
}

t_invite_486_ack() {
    start_responder --listen udp:127.0.0.1:0 --method INVITE=486 || return
    # 10 calls, each quiet for 1.2 s after its ACK: a 486 resent after the ACK
    # would fail the call, or show as an ACK too many below.
    sipp busy uac-busy.xml u1 127.0.0.1 "$UDP4" -s busy -m 10 -r 20
    stop_responder || return
    summary requests.INVITE=10 requests.ACK=10 responses.486=10 acks_absorbed=10 \
        retransmissions.responses_resent=0 retransmissions.requests_absorbed=0 'dropped.*=0'
}

t_invite_ring_200_bye() {
    start_responder --listen udp:127.0.0.1:0 --ring 100,180 || return
    if sipp call uac-call.xml u1 127.0.0.1 "$UDP4" -s alice -m 5 -r 10; then
        # "call N to-tags 100=<tag> 180=<tag> 200=<tag>"
        if [ "$(grep -c 'to-tags' "$T/call.logs")" != 5 ]; then
            fail "SIPp logged $(grep -c 'to-tags' "$T/call.logs") of 5 calls' To tags"
        fi
        grep 'to-tags' "$T/call.logs" | while read -r _ n _ t100 t180 t200; do
            [ "$t100" = "100=" ] || echo "FAIL call $n: the 100 Trying has a To tag ($t100)"
            [ "${t180#180=}" = "${t200#200=}" ] && [ -n "${t180#180=}" ] ||
                echo "FAIL call $n: 180 and 200 of one INVITE differ in To tag ($t180, $t200)"
        done >"$T/tags"
        [ -s "$T/tags" ] && fail "$(cat "$T/tags")"
    fi
    stop_responder || return
    summary requests.INVITE=5 requests.ACK=5 requests.BYE=5 responses.100=5 responses.180=5 responses.200=10 \
        acks_absorbed=5 'dropped.*=0'
}

t_register_401() {
    printf '%s\n' '# REGISTER with credentials is accepted, without them challenged' \
        'method=REGISTER auth=yes code=200' 'method=REGISTER code=401' >"$T/rules"
    start_responder --listen udp:127.0.0.1:0 --rules "$T/rules" --realm test.example || return
    sipp register uac-register.xml u1 127.0.0.1 "$UDP4" -s alice -au alice -ap secret -m 5 -r 10
    if [ -s "$T/register.logs" ] &&
        [ "$(grep -c 'challenge Digest .*realm="test.example"' "$T/register.logs")" != 5 ]; then
        fail "SIPp did not log 5 challenges with realm test.example:"
        show "$T/register.logs" 5
    fi
    stop_responder || return
    summary requests.REGISTER=10 responses.401=5 responses.200=5 'dropped.*=0'
}

t_cancel() {
    start_responder --listen udp:127.0.0.1:0 --ring 100 --delay 1500 || return
    sipp cancel uac-cancel.xml u1 127.0.0.1 "$UDP4" -s slow -m 5 -r 10
    "${CLIENT[@]}" cancel-unknown 127.0.0.1 "$UDP4" || fail "CANCEL matching no INVITE"
    stop_responder || return
    # 200 only for the five CANCELs: the delayed finals of the cancelled
    # INVITEs never go; 481 for the CANCEL that matched nothing.
    summary requests.INVITE=5 requests.CANCEL=6 requests.ACK=5 responses.100=5 responses.487=5 \
        responses.200=5 responses.481=1 acks_absorbed=5 'dropped.*=0'
}

# Every registered final code, dialled as sip:CODE@host, with a method the
# code fits (lint's code-method-mismatch table); each reply must lint clean.
t_dial_every_code() {
    local codes wanted=() c m n
    codes=$("$SIPCODE" list --status registered --format json |
        perl -MJSON::PP -e 'print join(" ", map { $_->{code} } grep { $_->{final} }
                                @{decode_json(join "", <STDIN>)})')
    n=$(echo "$codes" | wc -w)
    if [ "$n" -lt 60 ]; then
        fail "sipcode list gave $n registered final codes"
        return
    fi
    for c in $codes; do
        case $c in
        202 | 204 | 489) m=SUBSCRIBE ;;
        412) m=PUBLISH ;;
        423 | 439 | 555) m=REGISTER ;;
        469) m=INFO ;;
        *) m=INVITE ;;
        esac
        wanted+=("$c:$m")
    done
    mkdir -p "$T/dial"
    start_responder --listen udp:127.0.0.1:0 --dial || return
    "${CLIENT[@]}" dial 127.0.0.1 "$UDP4" "$T/dial" "${wanted[@]}" 2>"$T/dial.err" ||
        fail "dialled codes: $(cat "$T/dial.err")"
    for c in $codes; do
        [ -s "$T/dial/$c.sip" ] && lint_clean "$T/dial/$c.sip"
    done
    stop_responder || return
    local checks=()
    for c in $codes; do checks+=("responses.$c=1"); done
    summary "${checks[@]}" 'dropped.*=0'
}

t_udp_timer_g() {
    start_responder --listen udp:127.0.0.1:0 --method INVITE=486 || return
    "${CLIENT[@]}" timer 127.0.0.1 "$UDP4" busy 486 || fail "486 retransmission (Timer G)"
    stop_responder || return
    # the INVITE again once, three Timer G copies plus the one it asked for;
    # "requests" counts every request received, retransmissions included
    summary requests.INVITE=2 requests.ACK=1 responses.486=1 acks_absorbed=1 \
        retransmissions.requests_absorbed=1 retransmissions.responses_resent=4
}

t_udp_2xx_retransmission() {
    start_responder --listen udp:127.0.0.1:0 || return
    "${CLIENT[@]}" timer 127.0.0.1 "$UDP4" alice 200 || fail "200 retransmission (RFC 3261 13.3.1.4)"
    stop_responder || return
    summary requests.INVITE=2 requests.ACK=1 responses.200=1 acks_absorbed=1 \
        retransmissions.requests_absorbed=1 retransmissions.responses_resent=4
}

t_request_retransmission() {
    start_responder --listen udp:127.0.0.1:0 --method INVITE=603 || return
    "${CLIENT[@]}" repeat 127.0.0.1 "$UDP4" OPTIONS probe 200 || fail "OPTIONS sent twice"
    "${CLIENT[@]}" repeat 127.0.0.1 "$UDP4" INVITE busy 603 || fail "INVITE sent twice"
    stop_responder || return
    summary requests.OPTIONS=2 requests.INVITE=2 requests.ACK=1 responses.200=1 \
        responses.603=1 retransmissions.requests_absorbed=2 retransmissions.responses_resent=2
}

t_tcp_calls_on_one_connection() {
    start_responder --listen tcp:127.0.0.1:0 --method INVITE=486 || return
    # -t t1: every call on the one connection, 10 of them at once
    sipp tcp-busy uac-busy.xml t1 127.0.0.1 "$TCP4" -s busy -m 10 -r 20
    sipp tcp-options uac-options.xml t1 127.0.0.1 "$TCP4" -s probe -m 10 -r 50
    stop_responder || return
    # no Timer G on a reliable transport (RFC 3261 17.2.1)
    summary requests.INVITE=10 requests.ACK=10 requests.OPTIONS=10 responses.486=10 \
        responses.200=10 \
        acks_absorbed=10 retransmissions.responses_resent=0 'dropped.*=0'
}

t_ipv6() {
    start_responder --listen udp:[::1]:0 --listen tcp:[::1]:0 --method INVITE=486 || return
    sipp v6-udp uac-busy.xml u1 ::1 "$UDP6" -s busy -m 3 -r 10
    sipp v6-tcp uac-busy.xml t1 ::1 "$TCP6" -s busy -m 3 -r 10
    "${CLIENT[@]}" ask ::1 "$UDP6" OPTIONS probe 200 "$T/v6.sip" || fail "OPTIONS over ::1"
    [ -s "$T/v6.sip" ] && lint_clean "$T/v6.sip"
    stop_responder || return
    summary requests.INVITE=6 requests.ACK=6 responses.486=6 acks_absorbed=6 responses.200=1 \
        'dropped.*=0'
}

t_cancel_after_final() {
    start_responder --listen udp:127.0.0.1:0 --method INVITE=486 || return
    "${CLIENT[@]}" cancel-late 127.0.0.1 "$UDP4" || fail "CANCEL of an INVITE already answered"
    stop_responder || return
    summary requests.CANCEL=1 responses.200=1 responses.486=1 responses.487=0 acks_absorbed=1
}

t_response_address() {
    start_responder --listen udp:127.0.0.1:0 --listen udp:[::1]:0 || return
    "${CLIENT[@]}" sent-by 127.0.0.1 "$UDP4" || fail "RFC 3261 18.2.2 over IPv4"
    "${CLIENT[@]}" sent-by ::1 "$UDP6" || fail "RFC 3261 18.2.2 over IPv6"
    stop_responder || return
    summary requests.OPTIONS=4 responses.200=4
}

t_tcp_framing() {
    start_responder --listen tcp:127.0.0.1:0 || return
    "${CLIENT[@]}" tcp-framing 127.0.0.1 "$TCP4" || fail "stream framing"
    stop_responder || return
    summary requests.OPTIONS=3 responses.200=3 responses.400=1
}

t_rate_limit() {
    local got secs most
    start_responder --listen udp:127.0.0.1:0 --rate 20 || return
    # 100 OPTIONS 10 ms apart, about 1 s: the bucket's 20, then 20 a second of
    # the time the sends really took (longer on a busy machine), one for rounding
    read -r got secs < <("${CLIENT[@]}" burst 127.0.0.1 "$UDP4" 100 10)
    most=$(perl -e 'printf "%d", 20 + 20 * $ARGV[0] + 1' "${secs:-0}")
    if [ -z "$got" ] || [ "$got" -lt 15 ] || [ "$got" -gt "$most" ]; then
        fail "--rate 20: ${got:-none} of 100 requests sent over ${secs:-?} s answered (want 15..$most)"
    fi
    stop_responder || return
    summary responses.200="$got" dropped.rate=$((100 - got))
}

t_transaction_cap() {
    local got
    start_responder --listen udp:127.0.0.1:0 --max-transactions 5 || return
    read -r got _ < <("${CLIENT[@]}" burst 127.0.0.1 "$UDP4" 20 1)
    [ "$got" = 20 ] || fail "--max-transactions 5: $got of 20 OPTIONS answered, wanted all"
    stop_responder || return
    # past the cap the reply goes out statelessly, and nothing is dropped
    summary responses.200=20 transactions_peak=5 stateless=15 'dropped.*=0'
}

t_mix_seed() {
    local run
    for run in 1 2; do
        start_responder --listen udp:127.0.0.1:0 --mix 200:50,486:30,503:20 --seed 7 || return
        "${CLIENT[@]}" codes 127.0.0.1 "$UDP4" 60 >"$T/codes.$run"
        stop_responder || return
    done
    cmp -s "$T/codes.1" "$T/codes.2" ||
        fail "--mix with --seed 7 gave two sequences: $(paste -sd' ' "$T/codes.1") / $(paste -sd' ' "$T/codes.2")"
    for c in 200 486 503; do
        grep -qx "$c" "$T/codes.1" || fail "--mix 200:50,486:30,503:20: no $c in 60 answers"
    done
    [ "$(grep -cvxE '200|486|503' "$T/codes.1")" = 0 ] ||
        fail "--mix: codes outside the mix: $(paste -sd' ' "$T/codes.1")"
}

# --reason, --warning, --phrase and --retry-after reach the wire and lint clean.
t_reason_warning_phrase() {
    start_responder --listen udp:127.0.0.1:0 --code 486 --reason q850 \
        --warning '399 sipcode "a test"' --phrase 'Besetzt – später' --retry-after 30 || return
    if "${CLIENT[@]}" ask 127.0.0.1 "$UDP4" INVITE busy 486 "$T/486.sip"; then
        grep -q $'^SIP/2.0 486 Besetzt – später\r$' "$T/486.sip" ||
            fail "status line: $(head -n 1 "$T/486.sip")"
        # RFC 3398: 486 Busy Here <- cause 17 User busy
        grep -q -i '^Reason: *Q\.850 *; *cause=17' "$T/486.sip" || fail "no Reason with cause 17"
        grep -q '^Warning: 399 sipcode "a test"' "$T/486.sip" || fail "no Warning"
        grep -q '^Retry-After: 30' "$T/486.sip" || fail "no Retry-After"
        lint_clean "$T/486.sip"
        [ "$bad" = 0 ] || show "$T/486.sip"
    else
        fail "INVITE"
    fi
    stop_responder || return
    summary requests.INVITE=1 responses.486=1
}

# tests/respond/malformed/NAME.EXPECT.sip: EXPECT is the code of the only
# reply wanted, or "none" (dropped; ACK never answered, a response never).
t_malformed() {
    local f name want got drops=0
    start_responder --listen udp:127.0.0.1:0 || return
    for f in "$HERE"/malformed/*; do
        name=$(basename "$f")
        want=${name%.*}
        want=${want##*.}
        got=$("${CLIENT[@]}" raw 127.0.0.1 "$UDP4" 600 "$f" "$T/$name.reply" | awk '{ print $2 }')
        case $want in
        none)
            [ "$got" = "" ] || fail "$name: wanted no reply, got: $(head -n 1 "$T/$name.reply")"
            case $name in bad-ack* | stray-response*) ;; *) drops=$((drops + 1)) ;; esac
            ;;
        *)
            if [ "$got" != "$want" ]; then
                fail "$name: wanted one $want, got: ${got:-nothing}"
            else
                lint_clean "$T/$name.reply"
            fi
            ;;
        esac
    done
    stop_responder || return
    # the two that are not requests may be counted as dropped or not
    summary "dropped.*>=$drops" "dropped.*<=$((drops + 2))"
}

t_summary_and_duration() {
    local rc
    # --duration stops on its own, as SIGTERM would, and still reports
    timeout 20 "$SIPCODE" respond --listen udp:127.0.0.1:0 --ports-file "$T/ports" \
        --format json --duration 1 >"$T/summary.json" 2>"$T/responder.err"
    rc=$?
    [ "$rc" = 0 ] || { fail "respond --duration 1 exited $rc"; show "$T/responder.err"; }
    perl -MJSON::PP -e '
        my $d = decode_json(join "", <STDIN>);
        for my $k (qw(requests responses retransmissions dropped)) {
            print "missing object \"$k\"\n" unless ref $d->{$k} eq "HASH";
        }
        for my $k (qw(acks_absorbed transactions_peak)) {
            print "missing number \"$k\"\n" unless defined $d->{$k} && !ref $d->{$k};
        }
        for my $k (qw(requests_absorbed responses_resent)) {
            print "missing retransmissions.$k\n" unless defined $d->{retransmissions}{$k};
        }' <"$T/summary.json" >"$T/keys" 2>&1
    [ -s "$T/keys" ] && fail "summary: $(cat "$T/keys")"
    # a second listener on a port in use: one line, exit 3
    start_responder --listen udp:127.0.0.1:0 || return
    timeout 10 "$SIPCODE" respond --listen "udp:127.0.0.1:$UDP4" >/dev/null 2>"$T/inuse.err"
    rc=$?
    [ "$rc" = 3 ] || fail "respond on a port in use exited $rc, wanted 3"
    [ "$(wc -l <"$T/inuse.err")" = 1 ] || fail "respond on a port in use: not one line: $(cat "$T/inuse.err")"
    timeout 10 "$SIPCODE" respond --listen sctp:127.0.0.1:5060 >/dev/null 2>&1
    rc=$?
    [ "$rc" = 2 ] || fail "respond --listen sctp:... exited $rc, wanted 2"
    stop_responder
}

ALL="options invite_486_ack invite_ring_200_bye register_401 cancel dial_every_code udp_timer_g
udp_2xx_retransmission request_retransmission tcp_calls_on_one_connection ipv6
reason_warning_phrase cancel_after_final response_address tcp_framing rate_limit transaction_cap
mix_seed malformed summary_and_duration"

for TEST in ${*:-$ALL}; do
    T="$WORK/$TEST"
    mkdir -p "$T"
    bad=0
    start=$EPOCHREALTIME
    "t_$TEST"
    # a test that stopped early leaves its responder running
    [ -z "$RESPONDER" ] || stop_responder >/dev/null
    secs=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
    if [ "$bad" = 0 ]; then
        passed=$((passed + 1))
        printf 'ok   %-32s %5s s\n' "$TEST" "$secs"
    else
        failed=$((failed + 1))
        printf 'FAIL %-32s\n' "$TEST"
    fi
done

echo "respond: $passed passed, $failed failed"
[ "$failed" = 0 ]
