#!/bin/bash
# Live-capture tests: 'sipcode stats -i lo' counts SIP traffic this script
# sends itself to 127.0.0.1, and --listen serves the same counts to a
# scrape that 'promtool check metrics' accepts. Capturing needs root (or
# CAP_NET_RAW): without it this suite FAILS, it does not skip.
# Loopback only, every step bounded in time, every process stopped on exit.
# Usage: SIPCODE=build/sipcode bash tests/live/run.sh
set -u
SIPCODE=${SIPCODE:-build/sipcode}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SENDER="$ROOT/tests/live/sip_sender.pl"
TMP=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

if [ "$(id -u)" != 0 ] && ! "$SIPCODE" stats -i lo --duration 0.1 >/dev/null 2>&1; then
    echo "FAIL live tests: capturing on lo needs root or CAP_NET_RAW (run 'make live-tests' as root)"
    exit 1
fi

# free_port: a UDP port nobody uses on 127.0.0.1 right now.
free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 0, Proto => shift)->sockport, "\n"' "${1:-udp}"
}

# start NAME ARGS...: runs sipcode in the background, stdout/stderr in $TMP/NAME.{out,err}.
# The old files go first: the shell truncates them in the child, after the fork, so a
# wait_line right after could otherwise still read the lines of an earlier run.
start() {
    local name=$1
    shift
    rm -f "$TMP/$name.out" "$TMP/$name.err"
    "$SIPCODE" stats "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    pid=$!
    pids+=("$pid")
}

# wait_line FILE REGEX [SECONDS]: waits until FILE has a line matching REGEX.
wait_line() {
    local i
    for ((i = 0; i < ${3:-5} * 20; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

# finish PID [SECONDS]: waits for the process to end (or kills it); sets $rc.
finish() {
    local i
    for ((i = 0; i < ${2:-10} * 20; i++)); do
        if ! kill -0 "$1" 2>/dev/null; then
            wait "$1"
            rc=$?
            return 0
        fi
        sleep 0.05
    done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    rc=124
    return 1
}

# json_eval NAME FILE EXPR: the document in FILE ($j) makes the Perl expression true.
json_eval() {
    if perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->decode(<STDIN>); exit((do { '"$3"' }) ? 0 : 1)' <"$2" 2>"$TMP/jerr"; then
        pass
    else
        fail "$1: JSON check failed: $3 ($(head -c 300 "$2" | tr '\n' ' ') $(cat "$TMP/jerr"))"
    fi
}

# The exact counts of what tests/live/sip_sender.pl sends.
EXPECT='$j->{counters}{frames} == 13 && $j->{counters}{non_sip} == 1 && $j->{counters}{malformed} == 0
  && join(",", map { "$_=$j->{requests}{$_}" } sort keys %{$j->{requests}}) eq "ACK=1,INVITE=2,OPTIONS=1,REGISTER=1"
  && join(",", map { "$_=$j->{responses}{$_}" } sort keys %{$j->{responses}}) eq "100=1,180=3,200=1,401=1,486=1"
  && join(",", map { "$_=$j->{responses_by_method}{INVITE}{$_}" } sort keys %{$j->{responses_by_method}{INVITE}}) eq "100=1,180=3,486=1"
  && $j->{responses_by_method}{OPTIONS}{200} == 1 && $j->{responses_by_method}{REGISTER}{401} == 1
  && join(",", %{$j->{retransmissions}{requests}}) eq "INVITE,1"
  && join(",", %{$j->{retransmissions}{responses}}) eq "180,1"
  && $j->{reasons}[0]{cause} == 17 && $j->{reasons}[0]{code} == 486'

# ---- a live capture for a set time, JSON at the end ------------------------------
P=$(free_port)
start json -i lo -f "udp port $P" --duration 3 --format json
wait_line "$TMP/json.err" '^sipcode: capturing on lo' && pass || fail "no 'capturing on lo' line: $(cat "$TMP/json.err")"
perl "$SENDER" "$P" >/dev/null || fail "sip_sender failed"
finish "$pid" 10 || fail "stats --duration 3 did not stop in 10 s"
[ "$rc" -eq 0 ] && pass || fail "stats -i lo --duration 3: exit $rc: $(cat "$TMP/json.err")"
json_eval "live json counts" "$TMP/json.out" "$EXPECT"
json_eval "live json capture" "$TMP/json.out" '$j->{capture}{interface} eq "lo" && $j->{capture}{filter} eq "udp port '"$P"'" && $j->{capture}{final} && $j->{capture}{elapsed_ms} >= 2900 && $j->{capture}{elapsed_ms} < 6000'

# ---- -i any: the Linux cooked (SLL2) link type, same counts ---------------------------
P=$(free_port)
start any -i any -f "udp port $P" --duration 2 --format json
wait_line "$TMP/any.err" '^sipcode: capturing on any' || fail "-i any: capture did not start: $(cat "$TMP/any.err")"
perl "$SENDER" "$P" >/dev/null || fail "sip_sender failed"
finish "$pid" 10
[ "$rc" -eq 0 ] && pass || fail "stats -i any: exit $rc: $(cat "$TMP/any.err")"
json_eval "live -i any counts" "$TMP/any.out" "$EXPECT"

# ---- TCP: segments cut on purpose, reassembled live ----------------------------------
P=$(free_port tcp)
start tcp -i lo -f "tcp port $P" --duration 2 --format json
wait_line "$TMP/tcp.err" '^sipcode: capturing' || fail "TCP: capture did not start"
perl "$SENDER" --tcp "$P" >/dev/null || fail "sip_sender --tcp failed"
finish "$pid" 10
[ "$rc" -eq 0 ] && pass || fail "stats TCP: exit $rc: $(cat "$TMP/tcp.err")"
json_eval "live TCP counts" "$TMP/tcp.out" 'join(",", map { "$_=$j->{requests}{$_}" } sort keys %{$j->{requests}}) eq "ACK=1,BYE=1,INVITE=1"
  && join(",", map { "$_=$j->{responses}{$_}" } sort keys %{$j->{responses}}) eq "100=1,180=1,200=2"
  && $j->{responses_by_method}{BYE}{200} == 1 && $j->{responses_by_method}{INVITE}{200} == 1
  && $j->{counters}{malformed} == 0 && $j->{counters}{tcp_gaps} == 0 && $j->{counters}{retransmissions} == 0
  && $j->{counters}{tcp_segments} >= 9'

# ---- --port: only the listed ports are looked at ------------------------------------
P=$(free_port)
Q=$(free_port)
start port -i lo -f "udp port $P or udp port $Q" --port "$P" --duration 2 --format json
wait_line "$TMP/port.err" '^sipcode: capturing' || fail "--port: capture did not start"
perl "$SENDER" "$P" "$Q" >/dev/null || fail "sip_sender failed"
finish "$pid" 10
[ "$rc" -eq 0 ] && pass || fail "stats --port: exit $rc: $(cat "$TMP/port.err")"
json_eval "live --port counts" "$TMP/port.out" '$j->{counters}{frames} == 14 && $j->{counters}{filtered} == 1 && !exists $j->{responses}{603} && $j->{responses}{486} == 1'

# ---- --interval: one JSON object per line, the last one final -----------------------
P=$(free_port)
start interval -i lo -f "udp port $P" --interval 0.5 --duration 1.8 --format json
wait_line "$TMP/interval.err" '^sipcode: capturing' || fail "--interval: capture did not start"
perl "$SENDER" "$P" >/dev/null || fail "sip_sender failed"
finish "$pid" 10
[ "$rc" -eq 0 ] && pass || fail "stats --interval: exit $rc: $(cat "$TMP/interval.err")"
lines=$(wc -l <"$TMP/interval.out")
[ "$lines" -ge 3 ] && [ "$lines" -le 5 ] && pass || fail "--interval 0.5 --duration 1.8: $lines lines, expected 3..5"
if perl -MJSON::PP -ne 'my $j = JSON::PP->new->decode($_); push @f, $j->{capture}{final} ? 1 : 0; END { exit(join("", @f) =~ /^0+1$/ ? 0 : 1) }' "$TMP/interval.out"; then pass; else fail "--interval: not one JSON object per line with only the last final"; fi
tail -1 "$TMP/interval.out" >"$TMP/last.json"
json_eval "live --interval last report" "$TMP/last.json" "$EXPECT"

P=$(free_port)
start itext -i lo -f "udp port $P" --interval 0.4 --duration 1
finish "$pid" 10
[ "$rc" -eq 0 ] && pass || fail "stats --interval text: exit $rc"
[ "$(grep -c '^-----' "$TMP/itext.out")" -ge 2 ] && grep -q '^lo (filter .udp port [0-9]*.): .* (so far)$' "$TMP/itext.out" && pass || fail "--interval text: no separators or no '(so far)' header: $(head -3 "$TMP/itext.out")"

# ---- SIGINT stops a capture cleanly, with the final report --------------------------
P=$(free_port)
start sigint -i lo -f "udp port $P" --format csv
wait_line "$TMP/sigint.err" '^sipcode: capturing' || fail "SIGINT: capture did not start"
perl "$SENDER" "$P" >/dev/null
sleep 0.3
kill -INT "$pid"
finish "$pid" 5 || fail "SIGINT did not stop the capture"
[ "$rc" -eq 0 ] && pass || fail "SIGINT: exit $rc"
grep -qx 'lo,response,180,,3' "$TMP/sigint.out" && grep -qx 'lo,counter,frames,,13' "$TMP/sigint.out" && pass || fail "SIGINT: csv report lacks the counts: $(head -3 "$TMP/sigint.out")"

# ---- --listen: the exporter answers scrapes while the capture runs ------------------
HTTP="$ROOT/tests/live/http_get.pl"
# scrape NAME ADDR PATH [ACCEPT]: $TMP/NAME.head and $TMP/NAME.body.
scrape() { perl "$HTTP" "$2" "$3" "$TMP/$1" "${4-}" 2>"$TMP/$1.why" || fail "scrape $1 $2$3: $(cat "$TMP/$1.why")"; }
has_line() { # name file exact-line
    grep -qxF -- "$3" "$2" && pass || fail "$1: no line '$3' in $2"
}
for listen in 127.0.0.1:0 '[::1]:0'; do
    P=$(free_port)
    start listen -i lo -f "udp port $P" --listen "$listen" --format json
    if wait_line "$TMP/listen.err" '^sipcode: listening on http://' && wait_line "$TMP/listen.err" '^sipcode: capturing'; then pass; else fail "--listen $listen: no 'listening on' line: $(cat "$TMP/listen.err")"; fi
    A=$(grep -oE 'http://[^/]+' "$TMP/listen.err" | head -1 | sed 's|http://||')
    case $A in *:0 | "") fail "--listen $listen: bound port not printed: $A" ;; esac
    perl "$SENDER" "$P" >/dev/null || fail "sip_sender failed"
    sleep 0.3
    scrape prom "$A" /metrics
    grep -qi '^HTTP/1.1 200' "$TMP/prom.head" && grep -qi '^Content-Type: text/plain; version=0.0.4' "$TMP/prom.head" && pass || fail "scrape: want 200 text/plain 0.0.4: $(head -3 "$TMP/prom.head")"
    has_line "scrape $listen" "$TMP/prom.body" 'sip_responses_total{code="486",method="INVITE"} 1'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_responses_total{code="180",method="INVITE"} 3'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_responses_total{code="401",method="REGISTER"} 1'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_requests_total{method="INVITE"} 2'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_retransmissions_total{message="request",method="INVITE"} 1'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_retransmissions_total{message="response",code="180"} 1'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_capture_frames_total 13'
    has_line "scrape $listen" "$TMP/prom.body" 'sip_capture_non_sip_total 1'
    has_line "scrape $listen" "$TMP/prom.body" '# TYPE sip_responses_total counter'
    grep -q '^sip_capture_kernel_dropped_total [0-9]' "$TMP/prom.body" && pass || fail "scrape: no kernel drop counter"
    grep -q '# EOF' "$TMP/prom.body" && fail "scrape: # EOF in the 0.0.4 format" || pass
    if command -v promtool >/dev/null; then
        promtool check metrics <"$TMP/prom.body" >"$TMP/promtool" 2>&1 && pass || fail "promtool check metrics on the scrape: $(head -5 "$TMP/promtool")"
    else
        fail "promtool missing (Debian package prometheus; tools/deps.sh check-tools installs it)"
    fi
    scrape om "$A" /metrics 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
    grep -qi '^Content-Type: application/openmetrics-text; version=1.0.0' "$TMP/om.head" && pass || fail "OpenMetrics scrape: $(head -3 "$TMP/om.head")"
    [ "$(tail -1 "$TMP/om.body")" = "# EOF" ] && pass || fail "OpenMetrics scrape does not end with # EOF"
    has_line "OpenMetrics scrape" "$TMP/om.body" '# TYPE sip_responses counter'
    has_line "OpenMetrics scrape" "$TMP/om.body" 'sip_responses_total{code="486",method="INVITE"} 1'
    scrape q0 "$A" /metrics 'application/openmetrics-text;q=0,text/plain'
    grep -qi '^Content-Type: text/plain' "$TMP/q0.head" && pass || fail "Accept with q=0 for OpenMetrics still got it"
    scrape other "$A" /
    grep -qi '^HTTP/1.1 404' "$TMP/other.head" && pass || fail "GET / is not 404: $(head -1 "$TMP/other.head")"
    scrape big "$A" --big
    grep -qi '^HTTP/1.1 431' "$TMP/big.head" && pass || fail "a 16 KB request head is not refused with 431: $(head -1 "$TMP/big.head")"
    METHOD=POST scrape post "$A" /metrics
    grep -qi '^HTTP/1.1 405' "$TMP/post.head" && grep -qi '^Allow: GET, HEAD' "$TMP/post.head" && pass || fail "POST is not 405 with Allow: $(cat "$TMP/post.head")"
    METHOD=HEAD scrape headm "$A" /metrics
    grep -qi '^HTTP/1.1 200' "$TMP/headm.head" && grep -qi '^Content-Length: [1-9]' "$TMP/headm.head" && [ ! -s "$TMP/headm.body" ] && pass || fail "HEAD /metrics: want 200, a length and no body"
    SPLIT=1 scrape split "$A" /metrics
    has_line "a request in two writes" "$TMP/split.body" 'sip_capture_frames_total 13'
    # eight scrapes at once: they share one buffer, each gets the whole answer
    par=()
    for k in 1 2 3 4 5 6 7 8; do
        perl "$HTTP" "$A" /metrics "$TMP/par$k" 2>"$TMP/par$k.why" &
        par+=($!)
        pids+=($!)
    done
    wait_ok=0
    for k in "${par[@]}"; do finish "$k" 10; done
    for k in 1 2 3 4 5 6 7 8; do
        cmp -s "$TMP/prom.body" "$TMP/par$k.body" 2>/dev/null || { wait_ok=1; fail "parallel scrape $k: $(cat "$TMP/par$k.why")"; }
    done
    [ "$wait_ok" -eq 0 ] && pass
    # a second scrape counts the same (a scrape must not change counters)
    scrape prom2 "$A" /metrics
    cmp -s <(grep '^sip_responses' "$TMP/prom.body") <(grep '^sip_responses' "$TMP/prom2.body") && pass || fail "two scrapes differ"
    kill -TERM "$pid"
    finish "$pid" 5 || fail "--listen: SIGTERM did not stop it"
    [ "$rc" -eq 0 ] && pass || fail "--listen $listen: exit $rc: $(cat "$TMP/listen.err")"
    json_eval "--listen $listen final report" "$TMP/listen.out" "$EXPECT"
done
# ---- a scrape allocates nothing: 1 scrape and 21 scrapes cost the same mallocs ---------
# (not under ASan, which replaces malloc itself)
if ! ldd "$SIPCODE" 2>/dev/null | grep -q libasan && "${CC:-cc}" -shared -fPIC -O2 -o "$TMP/count_alloc.so" "$ROOT/tests/live/count_alloc.c"; then
    for n in 1 21; do
        P=$(free_port)
        ALLOC_COUNT_FILE="$TMP/allocs.$n" LD_PRELOAD="$TMP/count_alloc.so" "$SIPCODE" stats -i lo -f "udp port $P" --listen 127.0.0.1:0 --format json >"$TMP/alloc$n.out" 2>"$TMP/alloc$n.err" &
        pid=$!
        pids+=("$pid")
        if wait_line "$TMP/alloc$n.err" '^sipcode: capturing' 10; then
            A=$(grep -oE 'http://[^/]+' "$TMP/alloc$n.err" | head -1 | sed 's|http://||')
            for ((k = 0; k < n; k++)); do scrape "alloc$n" "$A" /metrics; done
        else
            fail "allocation count: capture did not start in 10 s: $(cat "$TMP/alloc$n.err")"
        fi
        kill -TERM "$pid"
        finish "$pid" 5
    done
    a1=$(cat "$TMP/allocs.1" 2>/dev/null)
    a21=$(cat "$TMP/allocs.21" 2>/dev/null)
    [ -n "$a1" ] && [ -n "$a21" ] && [ "$a1" -gt 0 ] && [ "$a21" -eq "$a1" ] && pass || fail "allocations: $a1 with 1 scrape, $a21 with 21 (a scrape must not allocate)"
elif ! ldd "$SIPCODE" 2>/dev/null | grep -q libasan; then
    fail "could not build tests/live/count_alloc.c"
fi

# a port already taken: one error line, exit 3
T=$(free_port tcp)
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => shift, Listen => 1, ReuseAddr => 1) or die; print "ready\n"; $| = 1; sleep 10' "$T" >"$TMP/holder" &
holder=$!
pids+=("$holder")
wait_line "$TMP/holder" ready || fail "could not hold port $T"
"$SIPCODE" stats -i lo --listen "127.0.0.1:$T" --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^sipcode: 127.0.0.1:$T: Address already in use" "$TMP/err" && pass || fail "--listen on a taken port: exit $rc, $(cat "$TMP/err")"
kill "$holder" 2>/dev/null
"$SIPCODE" stats -i lo --listen 127.0.0.1 --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] && pass || fail "--listen without a port: exit $rc, expected 2"
"$SIPCODE" stats --listen 127.0.0.1:0 x.pcap >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] && pass || fail "--listen with a file: exit $rc, expected 2"

# ---- errors: one line, the documented status -----------------------------------------
"$SIPCODE" stats -i no-such-if0 --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 3 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^sipcode: no-such-if0: ' "$TMP/err" && pass || fail "no such interface: exit $rc, $(cat "$TMP/err")"
"$SIPCODE" stats -i lo -f 'udp port' --duration 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^sipcode: --filter: bad filter 'udp port'" "$TMP/err" && pass || fail "bad filter: exit $rc, $(cat "$TMP/err")"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SIPCODE" stats -i lo --duration 1 >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq 3 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^sipcode: lo: .*CAP_NET_RAW' "$TMP/err" && pass || fail "permission denied: exit $rc, $(cat "$TMP/err")"
fi

echo "live tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
