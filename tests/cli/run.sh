#!/bin/bash
# CLI tests: run the sipcode command and check output, stderr and exit status.
# JSON is checked with a real parser (Perl's core JSON::PP, which every Debian
# machine with git has). Usage: SIPCODE=build/sipcode bash tests/cli/run.sh
set -u
SIPCODE=${SIPCODE:-build/sipcode}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
RESPOND_PID=
trap '[ -n "$RESPOND_PID" ] && kill "$RESPOND_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }

# run ARGS...: runs sipcode, leaving stdout, stderr and status in $out, $err, $rc.
run() {
    "$SIPCODE" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    out=$(cat "$TMP/out")
    err=$(cat "$TMP/err")
}

expect_rc() { # name expected-status
    if [ "$rc" -eq "$2" ]; then pass; else fail "$1: exit status $rc, expected $2 (stderr: $err)"; fi
}
expect_out() { # name fixed-string
    if grep -qF -- "$2" "$TMP/out"; then pass; else fail "$1: stdout lacks '$2'"; fi
}
expect_no_out() { # name fixed-string
    if grep -qF -- "$2" "$TMP/out"; then fail "$1: stdout has '$2'"; else pass; fi
}
expect_one_error_line() { # name
    local lines
    lines=$(wc -l <"$TMP/err")
    if [ "$lines" -eq 1 ] && grep -q '^sipcode: ' "$TMP/err" && [ ! -s "$TMP/out" ]; then
        pass
    else
        fail "$1: want one 'sipcode: ' line on stderr and no stdout, got $lines lines: $err"
    fi
}
expect_json() { # name: stdout must parse as JSON; prints nothing
    if perl -MJSON::PP -e 'local $/; JSON::PP->new->decode(<STDIN>)' <"$TMP/out" 2>"$TMP/jerr"; then
        pass
    else
        fail "$1: invalid JSON: $(cat "$TMP/jerr")"
    fi
}
# json_eval name perl-expression: $j holds the decoded document; the expression must be true.
json_eval() {
    if perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->decode(<STDIN>); exit((do { '"$2"' }) ? 0 : 1)' <"$TMP/out" 2>/dev/null; then
        pass
    else
        fail "$1: JSON check failed: $2"
    fi
}

# ---- explain ---------------------------------------------------------------
run 486
expect_rc "486" 0
expect_out "486" "486 Busy Here"
expect_out "486" "RFC 3261 section 21.4.24"
expect_out "486" "Retry-After (may)"
expect_out "486" "Meaning"
expect_out "486" "What to check"
plain=$out
run explain 486
expect_rc "explain 486" 0
[ "$out" = "$plain" ] && pass || fail "'sipcode 486' and 'sipcode explain 486' differ"

run 499
expect_rc "499" 0
expect_out "499" "499"
expect_out "499" "unregistered"
expect_out "499" "treat it as 400 Bad Request"

run 401
expect_out "401" "WWW-Authenticate (must)"
run 202
expect_out "202" "deprecated"
expect_out "202" "RFC 6665"
run 409
expect_out "409" "historic"
expect_out "409" "treat it as 400 Bad Request"
run 477
expect_rc "477" 0
expect_out "477" "unregistered"
expect_out "477" "Kamailio"

for bad in 99 700 1000 abc +200 0200 2OO 4294967301 ''; do
    run "$bad"
    expect_rc "bad code '$bad'" 1
    expect_one_error_line "bad code '$bad'"
done
run 99
grep -qF "100..699" "$TMP/err" && pass || fail "99: message does not give the valid range"

run explain busy here
expect_rc "explain busy here" 0
expect_out "explain busy here" "486 Busy Here"
run "Session in Progress"
expect_out "alias" "183 Session Progress"
run "not acceptable"
expect_out "lowest of 406/606" "406 Not Acceptable"

# ---- formats ------------------------------------------------------------------
run --format json 486
expect_rc "json 486" 0
expect_json "json 486"
json_eval "json 486 fields" '$j->{code} == 486 && $j->{entry}{phrase} eq "Busy Here" && $j->{entry}{class} == 4 && $j->{entry}{status} eq "current" && $j->{entry}{rfc} eq "RFC 3261" && !$j->{fallback}'
run 499 --format=json
expect_json "json 499"
json_eval "json 499 fallback" '$j->{effective} == 400 && $j->{fallback} && !$j->{known} && !defined $j->{entry}'
run -f json 401
json_eval "json 401 headers" 'grep { $_->{name} eq "WWW-Authenticate" && $_->{level} eq "must" } @{$j->{entry}{headers}}'

run list --format tsv
expect_rc "list tsv" 0
head -1 "$TMP/out" | grep -q $'^code\tphrase\tclass\tstatus\trfc\t' && pass || fail "list tsv: header line: $(head -1 "$TMP/out")"
grep -q $'^486\tBusy Here\t4\tcurrent\tRFC 3261\t' "$TMP/out" && pass || fail "list tsv: 486 row"
grep -q $'^202\tAccepted\t2\tdeprecated\tRFC 6665\t' "$TMP/out" && pass || fail "list tsv: 202 row"
rows=$(($(wc -l <"$TMP/out") - 1))
run list --format json
expect_json "list json"
json_eval "list json count = tsv rows" 'scalar(@$j) == '"$rows"
json_eval "list json order" 'my $ok = 1; for my $i (1..$#$j) { $ok = 0 if $j->[$i]{code} <= $j->[$i-1]{code} } $ok'

run list --status registered --format tsv
[ $(($(wc -l <"$TMP/out") - 1)) -eq 75 ] && pass || fail "75 registered codes, got $(($(wc -l <"$TMP/out") - 1))"
run list --status historic --format tsv
[ "$(tail -n +2 "$TMP/out" | cut -f1 | tr '\n' ' ')" = "409 411 " ] && pass || fail "historic: $(tail -n +2 "$TMP/out" | cut -f1)"
run list --class 6 -f tsv
tail -n +2 "$TMP/out" | cut -f1 | grep -qv '^6' && fail "class 6 filter leaks" || pass
tail -n +2 "$TMP/out" | cut -f3 | sort -u | grep -qx 6 && pass || fail "class 6 column"
run list
expect_rc "list text" 0
expect_out "list text" "608"
expect_out "list text" "Rejected"

run search busy
expect_rc "search busy" 0
expect_out "search busy" "486"
expect_out "search busy" "600"
run search busy --format json
expect_json "search json"
json_eval "search busy json" '(grep { $_->{code} == 486 } @$j) && (grep { $_->{code} == 600 } @$j)'
run search zzqqxx
expect_rc "search no match" 1
expect_one_error_line "search no match"

# ---- format -------------------------------------------------------------------
"$SIPCODE" format 486 >"$TMP/out" && [ "$(od -An -c "$TMP/out" | tr -s ' ' | tr -d '\n')" = " S I P / 2 . 0 4 8 6 B u s y H e r e \r \n" ] && pass || fail "format 486: $(od -c "$TMP/out" | head -2)"
run format 499
printf 'SIP/2.0 499 \r\n' | cmp -s - "$TMP/out" && pass || fail "format 499: empty phrase"
run format 603 --reason 'Abgelehnt'
printf 'SIP/2.0 603 Abgelehnt\r\n' | cmp -s - "$TMP/out" && pass || fail "format --reason"
run format 700
expect_rc "format 700" 1
expect_one_error_line "format 700"
run format 200 --reason $'bad\r\nInjected: yes'
expect_rc "format header injection" 1
expect_one_error_line "format header injection"
run format
expect_rc "format without code" 2
run format -f json 486
expect_json "format json"
json_eval "format json fields" '$j->{code} == 486 && $j->{reason} eq "Busy Here" && $j->{line} eq "SIP/2.0 486 Busy Here\r\n"'

# ---- parse ------------------------------------------------------------------
for v in "$ROOT"/tests/vectors/rfc3261/*.sip; do
    run parse "$v"
    expect_rc "parse $(basename "$v")" 0
done
printf 'SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776;rport=5060\r\nFrom: <sip:a@b>;tag=1928\r\nTo: <sip:c@d>;tag=a6c8\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nReason: Q.850;cause=17;text="User busy"\r\nWarning: 399 example.com "Busy on another line"\r\nRetry-After: 60\r\nContent-Length: 0\r\n\r\n' >"$TMP/r486"
run parse "$TMP/r486"
expect_rc "parse 486" 0
expect_out "parse 486" "486 Busy Here (registered phrase)"
expect_out "parse 486" "call-id    a84b4c76e66710"
expect_out "parse 486" "Q.850 cause 17"
run parse --format json "$TMP/r486"
expect_json "parse json"
json_eval "parse json fields" '$j->{code} == 486 && $j->{cseq} == 314159 && $j->{cseq_method} eq "INVITE" && $j->{call_id} eq "a84b4c76e66710" && $j->{via}{branch} eq "z9hG4bK776" && $j->{reason_headers}[0]{cause} == 17 && $j->{warning_headers}[0]{code} == 399 && $j->{retry_after} == 60 && $j->{well_formed}'
"$SIPCODE" parse - <"$TMP/r486" >"$TMP/out" 2>"$TMP/err" && pass || fail "parse from stdin"
sed 's/CSeq: 314159 INVITE/CSeq: 2147483648 INVITE/' "$TMP/r486" >"$TMP/bad"
run parse "$TMP/bad"
expect_rc "parse CSeq out of range" 1
grep -q '^sipcode: .*byte [0-9]*: .*(SIPCODE_ERANGE)$' "$TMP/err" && pass || fail "parse CSeq: stderr names the fault and offset: $err"
expect_one_error_line "parse CSeq out of range"
sed 's/Reason: Q.850;cause=17;text="User busy"/Reason: Q.850;cause=17;text="unterminated/' "$TMP/r486" >"$TMP/bad"
run parse "$TMP/bad"
expect_rc "parse bad Reason" 1
grep -q 'Reason header: byte' "$TMP/err" && pass || fail "parse bad Reason: $err"
run parse "$TMP/does-not-exist"
expect_rc "parse missing file" 3
expect_one_error_line "parse missing file"
run parse --line 'SIP/2.0 486 Busy Here'
expect_rc "parse --line" 0
expect_out "parse --line" "486 Busy Here"
for bad in 'SIP/2.0 99 X' 'SIP/2.0 1000 X' 'SIP/2.0 2OO OK' 'SIP/2.0 +200 OK' 'SIP/2.0 0200 OK' 'SIP/2.0 4294967301 X' 'sip/2.0 200 OK'; do
    run parse --line "$bad"
    expect_rc "parse --line '$bad'" 1
    expect_one_error_line "parse --line '$bad'"
done
run parse --line 'SIP/3.0 200 OK'
expect_rc "parse --line SIP/3.0" 1
grep -qF 'SIPCODE_EVERSION' "$TMP/err" && pass || fail "SIP/3.0: version not reported: $err"
expect_out "parse --line SIP/3.0" "SIP/3.0 200"
run parse --lenient --line 'sip/2.0  200'
expect_rc "parse --lenient" 0
run parse --line 'INVITE sip:bob@example.com SIP/2.0' --format json
json_eval "request line json" '$j->{kind} eq "request" && $j->{method} eq "INVITE" && $j->{uri} eq "sip:bob\@example.com"'

# ---- usage and errors -------------------------------------------------------------
run
expect_rc "no args" 2
run --bogus
expect_rc "unknown option" 2
expect_one_error_line "unknown option"
run list --class 9
expect_rc "bad class" 2
run list --status nope
expect_rc "bad status" 2
run --format xml 486
expect_rc "bad format" 2
expect_one_error_line "bad format"
run list --format
expect_rc "missing value" 2
run search
expect_rc "search without words" 2
run --help
expect_rc "--help" 0
expect_out "--help" "usage: sipcode"
run --version
expect_rc "--version" 0
expect_out "--version" "sipcode 0."
if [ -w /dev/full ]; then
    "$SIPCODE" list >/dev/full 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq 3 ] && pass || fail "write error: exit $rc, expected 3"
fi

# ---- colour -------------------------------------------------------------------
esc=$'\033['
run --color always 486
grep -qF "$esc" "$TMP/out" && pass || fail "--color always: no ANSI escape"
NO_COLOR=1 "$SIPCODE" --color always 486 >"$TMP/out"
grep -qF "$esc" "$TMP/out" && fail "NO_COLOR ignored" || pass
run 486
grep -qF "$esc" "$TMP/out" && fail "colour on a pipe" || pass
if command -v script >/dev/null 2>&1; then
    script -qec "$SIPCODE 486" /dev/null >"$TMP/out" 2>/dev/null </dev/null
    grep -qF "$esc" "$TMP/out" && pass || fail "no colour on a terminal"
    NO_COLOR=1 script -qec "$SIPCODE 486" /dev/null >"$TMP/out" 2>/dev/null </dev/null
    grep -qF "$esc" "$TMP/out" && fail "NO_COLOR ignored on a terminal" || pass
fi

# ---- the man page names exactly the options --help names ----------------------------
opts_help=$("$SIPCODE" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u)
opts_man=$(grep -oE -- '\\-\\-[a-z]([a-z]|\\-)+' "$ROOT/docs/sipcode.1" | sed 's/\\//g' | sort -u)
if [ "$opts_help" = "$opts_man" ]; then pass; else
    fail "options differ between --help and docs/sipcode.1: $(diff <(echo "$opts_help") <(echo "$opts_man") | grep '^[<>]' | tr '\n' ' ')"
fi

# ---- q850 ---------------------------------------------------------------------
# Cause -> SIP under RFC 3398 section 7.2.4.1 (the default profile).
run q850 17
expect_rc "q850 17" 0
expect_out "q850 17" "17 User busy (normal event)"
expect_out "q850 17" "486 Busy Here"
expect_out "q850 17" "RFC 3398 section 7.2.4.1: 17 -> 486"
run q850 17 --format json
expect_json "q850 17 json"
json_eval "q850 17 json fields" '$j->{code} == 486 && $j->{cause} == 17 && $j->{cause_name} eq "User busy" && $j->{profile} eq "rfc3398" && $j->{from_table} && !$j->{from_reason} && $j->{why} eq "RFC 3398 section 7.2.4.1: 17 -> 486"'
run q850 1 -f json
json_eval "q850 1 -> 404" '$j->{code} == 404 && $j->{cause} == 1'
# 16 gives no response (BYE or CANCEL): code is null
run q850 16 -f json
json_eval "q850 16 no response" '!defined $j->{code} && $j->{cause} == 16 && $j->{from_table}'
# 7.2.4.1's default: 500 for an unlisted cause, also for values Q.850 lacks and for 0
for c in 0 4 10 45 126; do
    run q850 "$c" -f json
    json_eval "q850 $c default 500" '$j->{code} == 500 && $j->{cause} == '"$c"' && !$j->{from_table}'
done
run q850 10 -f json
json_eval "q850 10 has no name" '!defined $j->{cause_name}'
run q850 127
expect_rc "q850 127" 0
expect_out "q850 127" "500 Server Internal Error"

# SIP -> cause under RFC 3398 section 8.2.6.1
run q850 --from-sip 480
expect_rc "q850 --from-sip 480" 0
expect_out "q850 --from-sip 480" "18 No user responding"
expect_out "q850 --from-sip 480" "RFC 3398 section 8.2.6.1: 480 -> 18"
run q850 --from-sip 486 --format json
expect_json "q850 --from-sip json"
json_eval "q850 --from-sip 486 json" '$j->{code} == 486 && $j->{cause} == 17 && $j->{cause_name} eq "User busy" && $j->{direction} eq "sip-to-cause" && $j->{from_table}'
run q850 --from-sip=503 -f json
json_eval "q850 503 -> 41" '$j->{cause} == 41'
run q850 --from-sip 487 -f json
json_eval "q850 487 no cause" '!defined $j->{cause} && $j->{from_table}'
# unlisted codes map to 31, not by the x00 rule (499 is not 400's 41)
run q850 --from-sip 499 -f json
json_eval "q850 499 -> 31" '$j->{cause} == 31 && !$j->{from_table}'

# profiles
run q850 21 --profile freeswitch -f json
json_eval "freeswitch 21 -> 603" '$j->{code} == 603 && $j->{profile} eq "freeswitch" && $j->{why} =~ /^freeswitch: hangup_cause_to_sip\(\): 21 -> 603/'
run q850 21 -p asterisk -f json
json_eval "asterisk 21 -> 403" '$j->{code} == 403 && $j->{profile} eq "asterisk"'
run q850 --from-sip 403 --profile=oracle-sbc -f json
json_eval "oracle-sbc 403 -> 79" '$j->{cause} == 79'
run q850 17 --profile oracle-sbc -f json
json_eval "oracle-sbc has no cause -> SIP table" '!defined $j->{code} && !$j->{from_table}'
run q850 17 --profile RFC3398
expect_rc "profile name ignores case" 0

# tsv
run q850 17 -f tsv
expect_rc "q850 tsv" 0
head -1 "$TMP/out" | grep -q $'^profile\tdirection\tcode\tcause\tcause_name\tfrom_table\twhy$' && pass || fail "q850 tsv header: $(head -1 "$TMP/out")"
grep -q $'^rfc3398\tcause-to-sip\t486\t17\tUser busy\t1\tRFC 3398 section 7.2.4.1: 17 -> 486$' "$TMP/out" && pass || fail "q850 tsv row"

# --list and --profiles
run q850 --list -f tsv
expect_rc "q850 --list" 0
[ $(($(wc -l <"$TMP/out") - 1)) -eq 71 ] && pass || fail "q850 --list: 71 causes, got $(($(wc -l <"$TMP/out") - 1))"
grep -q $'^17\tUser busy\tnormal event\t' "$TMP/out" && pass || fail "q850 --list: 17 row"
run q850 --list -f json
expect_json "q850 --list json"
json_eval "q850 --list json" 'scalar(@$j) == 71 && $j->[0]{cause} == 1 && $j->[-1]{cause} == 127'
run q850 --list
expect_out "q850 --list text" "Interworking, unspecified"
run q850 --profiles
expect_rc "q850 --profiles" 0
for p in rfc3398 freeswitch asterisk oracle-sbc; do expect_out "q850 --profiles $p" "$p"; done
run q850 --profiles -f json
json_eval "q850 --profiles json" 'scalar(@$j) == 4 && $j->[0]{name} eq "rfc3398" && $j->[0]{default} && $j->[0]{source} =~ /7\.2\.4\.1/ && !grep { !$_->{title} || !$_->{source} } @$j'

# rejected and usage errors
for bad in 128 -1 abc 017 1000 ''; do
    run q850 "$bad"
    expect_rc "q850 bad cause '$bad'" 1
    expect_one_error_line "q850 bad cause '$bad'"
done
for bad in 99 700 4861 abc; do
    run q850 --from-sip "$bad"
    expect_rc "q850 --from-sip '$bad'" 1
    expect_one_error_line "q850 --from-sip '$bad'"
done
run q850
expect_rc "q850 without cause" 2
expect_one_error_line "q850 without cause"
run q850 17 --profile nope
expect_rc "q850 unknown profile" 2
expect_one_error_line "q850 unknown profile"
run q850 17 --from-sip 486
expect_rc "q850 cause and --from-sip" 2
run q850 17 18
expect_rc "q850 two causes" 2
run q850 --list --profiles
expect_rc "q850 --list --profiles" 2
run q850 --bogus 17
expect_rc "q850 unknown option" 2
expect_one_error_line "q850 unknown option"
run q850 --from-sip
expect_rc "q850 --from-sip without value" 2

# ---- pick ---------------------------------------------------------------------
# The response a forking proxy forwards (RFC 3261 16.7 steps 5-7) and what
# Kamailio's and OpenSIPS's tm modules forward instead.
run pick 486 480 503
expect_rc "pick 486 480 503" 0
expect_out "pick 486 480 503" "480 Temporarily Unavailable"
expect_out "pick 486 480 503" "lowest-class"
expect_out "pick 486 480 503" "RFC 3261 16.7 step 6"
expect_out "pick 486 480 503" "rfc3261"
run pick 486 480 503 --format json
expect_json "pick json"
json_eval "pick json fields" '$j->{code} == 480 && $j->{chosen} == 480 && $j->{branch} == 1 && $j->{rule} eq "lowest-class" && $j->{why} =~ /^RFC 3261 16\.7 step 6/ && !$j->{remapped_503} && !$j->{aggregate_challenges} && $j->{policy} eq "rfc3261" && !$j->{cancelled} && @{$j->{branches}} == 3'
run pick 503 -f json
json_eval "pick 503 alone: 500 (16.7 step 6)" '$j->{code} == 500 && $j->{chosen} == 503 && $j->{remapped_503}'
run pick 503 --policy opensips -f json
json_eval "pick 503 opensips: no remap" '$j->{code} == 503 && !$j->{remapped_503} && $j->{why} =~ /^OpenSIPS/'
run pick 503 --policy=kamailio -f json
json_eval "pick 503 kamailio: remap_503_500" '$j->{code} == 500 && $j->{remapped_503} && $j->{why} =~ /remap_503_500/'
run pick 503L --policy kamailio -f json
json_eval "pick local 503 kamailio: sent as is" '$j->{code} == 503 && $j->{branches}[0]{local}'
run pick -f json
json_eval "pick nothing: 408" '$j->{code} == 408 && !defined $j->{chosen} && !defined $j->{branch} && $j->{rule} eq "no-final"'
run pick 180 -f json
json_eval "pick provisional only: 408" '$j->{code} == 408 && $j->{rule} eq "no-final"'
run pick 401 407 486 -f json
json_eval "pick 401/407: aggregate (16.7 step 7)" '$j->{code} == 401 && $j->{aggregate_challenges} && $j->{rule} eq "preferred-4xx"'
run pick 302 600 200 -f json
json_eval "pick 2xx wins at once" '$j->{code} == 200 && $j->{branch} == 2'
run pick 408:local 503 --cancelled --policy KAMAILIO
expect_rc "pick kamailio cancelled local" 0
expect_out "pick kamailio cancelled local" "487 Request Terminated"
expect_out "pick kamailio cancelled local" "made locally"
run pick 499 403
expect_out "pick unknown code" "499 (unregistered: acts as 400 Bad Request)"
# --compare: where the policies differ
run pick --compare 500 408 -f json
expect_json "pick compare json"
json_eval "compare {500, 408}" '!$j->{agree} && $j->{results}[0]{policy} eq "rfc3261" && $j->{results}[0]{code} == 408 && $j->{results}[1]{code} == 408 && $j->{results}[2]{code} == 500 && $j->{results}[2]{rule} eq "policy-order"'
run pick --compare --cancelled 404 487 -f json
json_eval "compare {404, 487} cancelled" '$j->{cancelled} && $j->{results}[0]{code} == 404 && $j->{results}[1]{code} == 404 && $j->{results}[2]{code} == 487 && $j->{results}[2]{rule} eq "cancelled-487"'
run pick --compare 499 403 -f json
json_eval "compare {499, 403}" '$j->{results}[0]{code} == 499 && $j->{results}[1]{code} == 403 && $j->{results}[2]{code} == 403'
run pick --compare 603 600 -f json
json_eval "compare 6xx: lowest vs first" '$j->{results}[0]{code} == 600 && $j->{results}[1]{code} == 600 && $j->{results}[2]{code} == 603'
run pick --compare 600 302 -f json
json_eval "compare {600, 302}: all agree" '$j->{agree} && $j->{results}[2]{code} == 600'
run pick --compare 486 480 503
expect_rc "pick --compare text" 0
expect_out "pick --compare text" "kamailio"
expect_out "pick --compare text" "opensips"
expect_out "pick --compare text" "The policies agree."
run pick --compare 503
expect_out "pick --compare 503 text" "The policies differ."
run pick --compare 486 503 -f tsv
[ "$(head -1 "$TMP/out")" = $'policy\tcode\tchosen\tbranch\trule\tremapped_503\taggregate_challenges\twhy' ] && pass || fail "pick tsv header: $(head -1 "$TMP/out")"
[ "$(tail -n +2 "$TMP/out" | cut -f1,2 | tr '\n' ' ')" = $'rfc3261\t486 kamailio\t486 opensips\t486 ' ] && pass || fail "pick tsv rows: $(cut -f1,2 "$TMP/out" | tr '\n' ' ')"
# errors
for bad in 700 99 48 4860 abc 486X L :local 486:remote ''; do
    run pick 486 "$bad"
    expect_rc "pick bad branch '$bad'" 1
    expect_one_error_line "pick bad branch '$bad'"
done
run pick 486 --policy nope
expect_rc "pick bad policy" 2
expect_one_error_line "pick bad policy"
run pick 486 --policy
expect_rc "pick --policy without value" 2
run pick --compare --policy rfc3261 486
expect_rc "pick --compare with --policy" 2
run pick 486 --bogus
expect_rc "pick unknown option" 2
expect_one_error_line "pick unknown option"
run pick $(seq 200 264)
expect_rc "pick too many branches" 2
run --help
expect_out "help names pick" "pick CODE[L]..."

# ---- lint -----------------------------------------------------------------
# Golden files: tests/lint/<rule-id>.sip triggers that rule (and nothing else);
# <name>.expected holds the reviewed TSV findings.
for exp in "$ROOT"/tests/lint/*.expected; do
    name=$(basename "$exp" .expected)
    (cd "$ROOT" && "$SIPCODE" lint --format tsv "tests/lint/$name.sip") >"$TMP/lint" 2>/dev/null
    tail -n +2 "$TMP/lint" | cmp -s - "$exp" && pass || fail "lint golden $name: got $(tail -n +2 "$TMP/lint" | tr '\t\n' ' |')"
done
for id in $("$SIPCODE" lint --rules --format tsv | tail -n +2 | cut -f1); do
    [ -f "$ROOT/tests/lint/$id.sip" ] && grep -q "	$id	" "$ROOT/tests/lint/$id.expected" && pass || fail "lint rule $id has no golden test"
done
run lint "$ROOT/tests/lint/missing-mandatory-header.sip"
expect_rc "lint error finding" 1
run lint "$ROOT/tests/lint/deprecated-code.sip"
expect_rc "lint warning only" 0
expect_out "lint warning only" "1 message, 0 errors, 1 warning, 0 info"
run lint "$ROOT/tests/lint/clean-486.sip"
expect_rc "lint clean" 0
expect_out "lint clean" "1 message, 0 errors, 0 warnings, 0 info"
for v in "$ROOT"/tests/vectors/rfc3261/*.sip; do
    head -c 4 "$v" | grep -q '^SIP/' || continue
    run lint "$v"
    if [ "$rc" -eq 0 ] && ! grep -qE ': (error|warning): ' "$TMP/out"; then pass; else fail "RFC example $(basename "$v") does not lint clean: $out"; fi
done
cat "$ROOT/tests/lint/clean-486.sip" "$ROOT/tests/lint/unregistered-code.sip" "$ROOT/tests/lint/missing-mandatory-header.sip" >"$TMP/three"
run lint --format json "$TMP/three"
expect_rc "lint three messages" 1
expect_json "lint json"
json_eval "lint json three messages" 'scalar(@{$j->{responses}}) == 3 && $j->{errors} == 1 && $j->{warnings} == 1 && $j->{responses}[1]{findings}[0]{id} eq "unregistered-code" && $j->{responses}[2]{findings}[0]{id} eq "missing-mandatory-header"'
run lint --rules --format json
json_eval "lint rules json" 'scalar(@$j) >= 18 && !(grep { !$_->{id} || !$_->{reference} } @$j)'
run lint "$TMP/does-not-exist"
expect_rc "lint missing file" 3

# ---- stats ------------------------------------------------------------------
# Captures written by tests/pcap/gen_pcap.c, each with the ground truth of what
# it wrote (NAME.expected.json); the counts must match it exactly.
if [ -n "${GEN_PCAP:-}" ]; then
    PCAP=${PCAP_DIR:-$TMP/pcap}
    mkdir -p "$PCAP"
    "$GEN_PCAP" "$PCAP" && pass || fail "gen_pcap failed"
    # stats_truth name expected.json: stdout (JSON) matches the ground truth.
    stats_truth() {
        if perl -MJSON::PP -e '
            local $/; my $c = JSON::PP->new->canonical;
            open my $fh, "<", $ARGV[0] or die; my $e = $c->decode(<$fh>);
            my $j = $c->decode(<STDIN>); my @bad;
            for my $k (qw(requests responses responses_by_method retransmissions)) {
                push @bad, "$k: got " . $c->encode($j->{$k}) . " want " . $c->encode($e->{$k})
                    if $c->encode($j->{$k}) ne $c->encode($e->{$k});
            }
            push @bad, "frames $j->{counters}{frames} want $e->{frames}"
                if $j->{counters}{frames} != $e->{frames};
            push @bad, "non_sip $j->{counters}{non_sip} want $e->{non_sip}"
                if $j->{counters}{non_sip} != $e->{non_sip};
            my $q = grep { ($_->{protocol} // "") eq "Q.850" && ($_->{cause} // -1) == 17 } @{$j->{reasons}};
            push @bad, "Q.850 cause 17: $q want $e->{q850_17}" if $q != $e->{q850_17};
            print join("; ", @bad); exit(@bad ? 1 : 0);' "$2" <"$TMP/out" >"$TMP/why" 2>&1; then
            pass
        else
            fail "$1: differs from ground truth: $(cat "$TMP/why")"
        fi
    }
    for name in udp_call tcp_call busy_486 vlan_qinq sll sll2 ipv6 ipv4_fragments garbage; do
        f=$PCAP/$name.pcap
        [ -f "$f" ] || f=$PCAP/$name.pcapng
        run stats --format json "$f"
        expect_rc "stats $name" 0
        expect_json "stats $name json"
        stats_truth "stats $name" "$PCAP/$name.expected.json"
    done
    run stats --format json "$PCAP/udp_call.pcap" "$PCAP/tcp_call.pcapng" "$PCAP/busy_486.pcap"
    expect_rc "stats three files" 0
    stats_truth "stats three files: total" "$PCAP/all.expected.json"
    json_eval "stats three files: per file" 'scalar(@{$j->{files}}) == 3 && $j->{files}[0]{responses}{180} == 3 && $j->{files}[1]{responses}{180} == 1 && $j->{files}[2]{responses}{486} == 1 && !$j->{files}[2]{truncated} && $j->{files}[1]{records} == 13'
    json_eval "stats timing" '$j->{timing}{INVITE}{final}{count} == 3 && $j->{timing}{INVITE}{final}{max_ns} >= 3000000000 && $j->{timing}{INVITE}{provisional}{p50_ns} > 0'
    json_eval "stats reason names the cause" '$j->{reasons}[0]{code} == 486 && $j->{reasons}[0]{method} eq "INVITE" && $j->{reasons}[0]{name} eq "User busy"'
    "$SIPCODE" stats --format json - <"$PCAP/udp_call.pcap" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    expect_rc "stats from stdin" 0
    stats_truth "stats from stdin" "$PCAP/udp_call.expected.json"
    json_eval "stats stdin is named" '$j->{files}[0]{file} eq "<stdin>"'
    # text: a table by code with phrases
    run stats "$PCAP/udp_call.pcap" "$PCAP/busy_486.pcap"
    expect_rc "stats text" 0
    expect_out "stats text" "180 Ringing"
    expect_out "stats text" "486 Busy Here"
    expect_out "stats text" "Q.850 cause 17 User busy"
    expect_out "stats text" "INVITE provisional"
    expect_out "stats text per file" "udp_call.pcap: 11 records, 4 requests, 6 responses"
    awk '/^Responses  /{on=1; next} /^$/{on=0} on{print $1}' "$TMP/out" >"$TMP/codes"
    sort -n "$TMP/codes" | cmp -s - "$TMP/codes" && [ -s "$TMP/codes" ] && pass || fail "stats text not sorted by code: $(tr '\n' ' ' <"$TMP/codes")"
    # CSV: a header, then source,kind,key,subkey,count rows; one group per file
    run stats --format csv "$PCAP/udp_call.pcap"
    expect_rc "stats csv" 0
    csv_row='^[^,]+,[a-z_]+,[^,]*,[^,]*,[0-9]+$'
    if head -1 "$TMP/out" | grep -qx 'source,kind,key,subkey,count' &&
        tail -n +2 "$TMP/out" | grep -vqE "$csv_row"; then
        fail "stats csv: a row is not source,kind,key,subkey,count: $(tail -n +2 "$TMP/out" | grep -vE "$csv_row" | head -1)"
    elif head -1 "$TMP/out" | grep -qx 'source,kind,key,subkey,count'; then pass; else fail "stats csv header"; fi
    u=$PCAP/udp_call.pcap
    expect_out "stats csv" "$u,response,180,,3"
    expect_out "stats csv" "$u,response_by_method,INVITE,180,3"
    expect_out "stats csv" "$u,response_retransmission,180,,1"
    expect_out "stats csv" "$u,request_retransmission,INVITE,,1"
    expect_out "stats csv" "$u,counter,frames,,11"
    expect_no_out "stats csv one file: no total" "(total)"
    run stats --format csv "$PCAP/udp_call.pcap" "$PCAP/busy_486.pcap"
    expect_rc "stats csv two files" 0
    expect_out "stats csv two files" "$u,response,180,,3"
    expect_out "stats csv two files" "$PCAP/busy_486.pcap,response,486,,1"
    expect_out "stats csv two files" "(total),counter,frames,,15"
    expect_out "stats csv two files" "(total),response,100,,2"
    expect_no_out "stats csv two files" "$u,response,486"
    [ "$(grep -c '^source,' "$TMP/out")" -eq 1 ] && pass || fail "stats csv two files: header not once"
    # a file name with a comma is quoted (RFC 4180)
    cp "$PCAP/busy_486.pcap" "$TMP/a,b.pcap"
    run stats --format csv "$TMP/a,b.pcap"
    expect_out "stats csv quoting" "\"$TMP/a,b.pcap\",response,486,,1"

    # OpenMetrics: checked line by line against the text format's grammar.
    run stats --format openmetrics "$PCAP/udp_call.pcap" "$PCAP/tcp_call.pcapng" "$PCAP/busy_486.pcap"
    expect_rc "stats openmetrics" 0
    if perl -e '
        my (%type, %seen, $cur, @bad, $eof);
        my $name = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
        my $lv = qr/"(?:[^"\\\n]|\\[\\"n])*"/;
        while (my $l = <STDIN>) {
            chomp $l;
            push @bad, "after # EOF: $l" if $eof;
            if ($l eq "# EOF") { $eof = 1; next; }
            if ($l =~ /^# TYPE ($name) (counter|gauge|summary|histogram|unknown|info|stateset|gaugehistogram)$/) {
                push @bad, "family $1 twice" if $seen{$1}++;
                $type{$1} = $2; $cur = $1; next;
            }
            if ($l =~ /^# HELP ($name) (.*)$/) { push @bad, "HELP for $1 outside its family" if ($cur // "") ne $1; next; }
            if ($l =~ /^($name)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*=$lv(?:,[a-zA-Z_][a-zA-Z0-9_]*=$lv)*)?\})? (-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)$/) {
                my ($m, $labels) = ($1, $2 // "");
                my $fam = $type{$cur // ""} && $type{$cur} eq "counter" ? "${cur}_total" : ($cur // "");
                push @bad, "sample $m outside its family ($fam)" if $m ne $fam;
                push @bad, "duplicate sample $m$labels" if $seen{"$m$labels"}++;
                next;
            }
            push @bad, "bad line: $l";
        }
        push @bad, "no # EOF at the end" unless $eof;
        print join("\n", @bad); exit(@bad ? 1 : 0);' <"$TMP/out" >"$TMP/why"; then pass; else fail "stats openmetrics format: $(head -3 "$TMP/why")"; fi
    expect_out "stats openmetrics" 'sip_responses_total{code="486",method="INVITE"} 1'
    expect_out "stats openmetrics" 'sip_responses_total{code="180",method="INVITE"} 4'
    expect_out "stats openmetrics" 'sip_requests_total{method="INVITE"} 4'
    expect_out "stats openmetrics" 'sip_retransmissions_total{message="response",code="180"} 1'
    expect_out "stats openmetrics" 'sip_capture_frames_total 28'
    expect_out "stats openmetrics" '# TYPE sip_responses counter'
    # The Prometheus text format 0.0.4: the same samples, counter families
    # named with _total, no # EOF; promtool (Debian prometheus) checks it.
    run stats --format prometheus "$PCAP/udp_call.pcap" "$PCAP/tcp_call.pcapng" "$PCAP/busy_486.pcap"
    expect_rc "stats prometheus" 0
    expect_out "stats prometheus" 'sip_responses_total{code="486",method="INVITE"} 1'
    expect_out "stats prometheus" '# TYPE sip_responses_total counter'
    expect_no_out "stats prometheus" '# EOF'
    if command -v promtool >/dev/null 2>&1; then
        promtool check metrics <"$TMP/out" >"$TMP/why" 2>&1 && pass || fail "promtool check metrics: $(cat "$TMP/why")"
    else
        fail "promtool missing (Debian package prometheus; tools/deps.sh check-tools installs it)"
    fi
    # -f: a BPF filter on files too; a bad one is a usage error
    run stats --format json -f 'tcp' "$PCAP/udp_call.pcap" "$PCAP/tcp_call.pcapng"
    expect_rc "stats -f tcp" 0
    json_eval "stats -f tcp keeps only the TCP capture's SIP" '$j->{files}[0]{records} == 0 && $j->{responses}{180} == 1 && !$j->{counters}{non_sip}'
    run stats -f 'udp port' "$PCAP/udp_call.pcap"
    expect_rc "stats bad filter" 2
    expect_one_error_line "stats bad filter"
    run stats -f json "$PCAP/udp_call.pcap"
    expect_rc "stats -f json" 2
    expect_out_err() { grep -qF -- "$2" "$TMP/err" && pass || fail "$1: stderr lacks '$2': $err"; }
    expect_out_err "stats -f json points to --format" "the output format is --format json"
    # --port: SIP only on the listed ports; the rest is counted as filtered
    run stats --format json --port 5062 "$PCAP/udp_call.pcap"
    expect_rc "stats --port 5062" 0
    stats_truth "stats --port 5062 (every packet has 5062 on one side)" "$PCAP/udp_call.expected.json"
    run stats --format json --port 5070 --port 5080 "$PCAP/udp_call.pcap"
    expect_rc "stats --port 5070 --port 5080" 0
    json_eval "stats --port elsewhere" '$j->{counters}{filtered} == 11 && !%{$j->{responses}} && $j->{counters}{frames} == 11'
    run stats --port 0 "$PCAP/udp_call.pcap"
    expect_rc "stats --port 0" 2
    # --threads: the same counts with one thread or several; 1..64
    run stats --format json --threads 3 "$PCAP/udp_call.pcap"
    expect_rc "stats --threads 3" 0
    stats_truth "stats --threads 3" "$PCAP/udp_call.expected.json"
    for bad in 0 65 x ""; do
        run stats --threads "$bad" "$PCAP/udp_call.pcap"
        expect_rc "stats --threads '$bad'" 2
        grep -q "^sipcode: --threads: " "$TMP/err" && pass || fail "stats --threads '$bad': $(head -1 "$TMP/err")"
    done
    run stats --duration 1 "$PCAP/udp_call.pcap"
    expect_rc "stats --duration without -i" 2
    run stats -i lo "$PCAP/udp_call.pcap"
    expect_rc "stats -i and a file" 2
    # progress bar: never when stderr is not a terminal, drawn with --progress,
    # drawn on a terminal (script gives the command one), never for stdin
    run stats "$PCAP/udp_call.pcap"
    [ ! -s "$TMP/err" ] && pass || fail "stats: stderr not empty without a terminal: $err"
    run stats --progress --format json "$PCAP/udp_call.pcap"
    expect_rc "stats --progress" 0
    expect_json "stats --progress keeps stdout clean"
    grep -q $'\r.*udp_call.pcap \[#*\.*\] 100%' "$TMP/err" && grep -qF $'\r\033[K' "$TMP/err" && pass || fail "stats --progress: no bar or no erase on stderr: $(od -c "$TMP/err" | head -3)"
    if command -v script >/dev/null 2>&1; then
        script -qec "$SIPCODE stats --format json $PCAP/udp_call.pcap >$TMP/tty.out" /dev/null >"$TMP/tty" 2>&1 </dev/null
        grep -q '100%' "$TMP/tty" && pass || fail "stats on a terminal: no progress bar: $(od -c "$TMP/tty" | head -3)"
        script -qec "$SIPCODE stats --no-progress --format json $PCAP/udp_call.pcap >$TMP/tty.out" /dev/null >"$TMP/tty" 2>&1 </dev/null
        grep -q '%' "$TMP/tty" && fail "stats --no-progress on a terminal drew a bar" || pass
        script -qec "$SIPCODE stats --format json - <$PCAP/udp_call.pcap >$TMP/tty.out" /dev/null >"$TMP/tty" 2>&1 </dev/null
        grep -q '%' "$TMP/tty" && fail "stats from stdin drew a progress bar" || pass
    fi
    # a capture cut mid-record: the counts of what was read, a warning, exit 4
    run stats --format json "$PCAP/truncated.pcap"
    expect_rc "stats truncated" 4
    expect_json "stats truncated json"
    stats_truth "stats truncated" "$PCAP/truncated.expected.json"
    json_eval "stats truncated flagged" '$j->{files}[0]{truncated} && $j->{files}[0]{records} == 3'
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^sipcode: .*truncated.pcap: warning: ' "$TMP/err" && pass || fail "stats truncated: want one warning line, got: $err"
    run stats "$PCAP/udp_call.pcap" "$PCAP/truncated.pcap"
    expect_rc "stats truncated among others" 4
    expect_out "stats truncated among others" "(truncated)"
    # missing and non-capture files: one error line, exit 3
    run stats "$PCAP/does-not-exist.pcap"
    expect_rc "stats missing file" 3
    expect_one_error_line "stats missing file"
    run stats "$PCAP/not_a_capture.txt"
    expect_rc "stats not a capture" 3
    expect_one_error_line "stats not a capture"
    run stats "$PCAP/udp_call.pcap" "$PCAP/not_a_capture.txt"
    expect_rc "stats one bad file among good" 3
    expect_one_error_line "stats one bad file among good"
    : | "$SIPCODE" stats - >"$TMP/out" 2>"$TMP/err"
    rc=$?
    err=$(cat "$TMP/err")
    expect_rc "stats empty stdin" 3
    run stats
    expect_rc "stats without file" 2
    run stats --format tsv "$PCAP/udp_call.pcap"
    expect_rc "stats bad format" 2
    run stats --bogus "$PCAP/udp_call.pcap"
    expect_rc "stats unknown option" 2
fi

# ---- respond ------------------------------------------------------------------------
# option errors: exit 2, one line
for bad in "--listen foo" "--listen udp:127.0.0.1" "--listen udp:::1:5060" "--listen sctp:127.0.0.1:1" \
           "--code 700" "--code 2000" "--method INVITE" "--method INVITE=99" "--mix 200" "--mix 200:0" \
           "--ring 200" "--delay soon" "--reason Q.850;cause=x" "--warning nonsense" \
           "--phrase $(printf 'a\001b')" "--realm a\"b" "--format tsv" "--duration 0" "--bogus" "stray"; do
    # shellcheck disable=SC2086
    run respond $bad
    expect_rc "respond $bad" 2
    [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^sipcode: ' "$TMP/err" && pass || fail "respond $bad: want one error line, got: $err"
done
printf 'method=INVITE code=486\ncode=486 dial\n' >"$TMP/bad.rules"
run respond --rules "$TMP/bad.rules"
expect_rc "respond rules error" 2
grep -qF "line 2, column 1" "$TMP/err" && pass || fail "respond rules error: no line number: $err"
run respond --rules "$TMP/no-such.rules"
expect_rc "respond missing rules file" 3
# an address this machine does not have: the bind fails, exit 3
run respond --listen udp:192.0.2.1:5060 --duration 1
expect_rc "respond bind error" 3
expect_one_error_line "respond bind error"

# a loopback smoke test: a tiny UDP/TCP client in Perl (IO::Socket::INET is core)
cat >"$TMP/sipsend.pl" <<'PERL'
# usage: perl sipsend.pl [burst] udp|tcp PORT FILE... : sends each file (with $LPORT
# replaced by the local port), prints each reply (or "NO REPLY" after 0.5 s) and "====="
# after each; burst: sends them all first, then prints every reply until 0.8 s of silence
use strict; use IO::Socket::INET; use IO::Select;
my $burst = $ARGV[0] eq "burst" ? shift @ARGV : "";
my ($proto, $port, @files) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port, Proto => $proto,
                              LocalAddr => "127.0.0.1") or die "socket: $!";
my $lp = $s->sockport;
for my $f (@files) {
    open(my $fh, "<", $f) or die; local $/; my $m = <$fh>; close $fh;
    $m =~ s/\$LPORT/$lp/g; $m =~ s/\r?\n/\r\n/g;
    $s->send($m);
    next if $burst;
    my $r = "";
    if (IO::Select->new($s)->can_read(0.5)) { $s->recv($r, 65535); }
    print(($r eq "" ? "NO REPLY\n" : $r), "=====\n");
}
if ($burst) {
    my ($r, $n) = ("", 0);
    while (IO::Select->new($s)->can_read(0.8)) { $s->recv($r, 65535); last if $r eq ""; print $r, "=====\n"; $n++; }
    print "NO REPLY\n=====\n" unless $n;
}
PERL
cat >"$TMP/invite.sip" <<'SIP'
INVITE sip:bob@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:$LPORT;branch=z9hG4bK-cli-1;rport
Max-Forwards: 70
From: "Alice" <sip:alice@127.0.0.1>;tag=a1
To: <sip:bob@127.0.0.1>
Call-ID: cli-smoke-1@127.0.0.1
CSeq: 10 INVITE
Contact: <sip:alice@127.0.0.1:$LPORT>
Content-Type: application/sdp
Content-Length: 0

SIP
sed -e 's/^INVITE /ACK /' -e 's/10 INVITE/10 ACK/' -e 's/^To: .*/To: <sip:bob@127.0.0.1>;tag=x/' "$TMP/invite.sip" >"$TMP/ack.sip"
sed -e 's/^INVITE sip:bob/OPTIONS sip:503/' -e 's/10 INVITE/11 OPTIONS/' -e 's/cli-1/cli-2/' -e 's/UDP/TCP/' "$TMP/invite.sip" >"$TMP/options.sip"
"$SIPCODE" respond --listen udp:127.0.0.1:0 --listen tcp:127.0.0.1:0 --ports-file "$TMP/ports" \
    --method INVITE=486 --dial --format json --duration 20 >"$TMP/respond.json" 2>"$TMP/respond.err" &
RESPOND_PID=$!
for _ in $(seq 50); do [ -s "$TMP/ports" ] && break; sleep 0.1; done
UDP_PORT=$(awk '$1 == "udp" {print $3}' "$TMP/ports")
TCP_PORT=$(awk '$1 == "tcp" {print $3}' "$TMP/ports")
if [ -n "$UDP_PORT" ] && [ -n "$TCP_PORT" ]; then pass; else fail "respond: no ports file: $(cat "$TMP/respond.err")"; fi
perl "$TMP/sipsend.pl" udp "$UDP_PORT" "$TMP/invite.sip" "$TMP/invite.sip" "$TMP/ack.sip" >"$TMP/out" 2>"$TMP/err"
awk 'BEGIN{RS="=====\n"; ORS=""} NR==1' "$TMP/out" >"$TMP/r1"
awk 'BEGIN{RS="=====\n"; ORS=""} NR==2' "$TMP/out" >"$TMP/r2"
lport=$(grep -o 'rport=[0-9]*' "$TMP/r1" | head -1 | cut -d= -f2)
{
    printf 'SIP/2.0 486 Busy Here\r\n'
    printf 'Via: SIP/2.0/UDP 127.0.0.1:%s;branch=z9hG4bK-cli-1;rport=%s;received=127.0.0.1\r\n' "$lport" "$lport"
    printf 'From: "Alice" <sip:alice@127.0.0.1>;tag=a1\r\n'
    printf 'To: <sip:bob@127.0.0.1>;tag=TAG\r\n'
    printf 'Call-ID: cli-smoke-1@127.0.0.1\r\n'
    printf 'CSeq: 10 INVITE\r\n'
    printf 'Content-Length: 0\r\n\r\n'
} >"$TMP/r1.expected"
sed -E 's/;tag=[0-9a-f]{16}\r$/;tag=TAG\r/' "$TMP/r1" >"$TMP/r1.masked"
cmp -s "$TMP/r1.masked" "$TMP/r1.expected" && pass || fail "respond 486: reply differs: $(diff <(cat -A "$TMP/r1.expected") <(cat -A "$TMP/r1.masked") | head -5)"
cmp -s "$TMP/r1" "$TMP/r2" && pass || fail "respond: a retransmitted INVITE must get the same reply"
[ "$(awk 'BEGIN{RS="=====\n"; ORS=""} NR==3' "$TMP/out")" = "NO REPLY" ] && pass || fail "respond: the ACK was answered"
"$SIPCODE" lint "$TMP/r1" >/dev/null 2>&1 && pass || fail "respond 486: lint finds errors"
# TCP, dial-a-code: OPTIONS to sip:503@ -> 503
perl "$TMP/sipsend.pl" tcp "$TCP_PORT" "$TMP/options.sip" >"$TMP/out" 2>"$TMP/err"
expect_out "respond tcp dial" "SIP/2.0 503 Service Unavailable"
expect_out "respond tcp dial" "CSeq: 11 OPTIONS"
kill -TERM "$RESPOND_PID"
wait "$RESPOND_PID"
rc=$?
RESPOND_PID=
err=$(cat "$TMP/respond.err")
expect_rc "respond SIGTERM" 0
cp "$TMP/respond.json" "$TMP/out"
expect_json "respond summary"
json_eval "respond summary counts" '$j->{responses}{486} == 1 && $j->{responses}{503} == 1 && $j->{requests}{INVITE} == 2 && $j->{requests}{ACK} == 1 && $j->{acks_absorbed} == 1 && $j->{retransmissions}{requests_absorbed} == 1 && $j->{retransmissions}{responses_resent} == 1 && $j->{tcp_connections} == 1 && exists $j->{dropped}{malformed} && $j->{transactions_peak} >= 2'
grep -q '^sipcode respond: listening on udp 127.0.0.1:' "$TMP/respond.err" && pass || fail "respond: no listening line: $err"

# respond_run NAME OPTIONS... -- FILES...: a responder on UDP port 0, the files sent to
# it one after another, then SIGTERM; the replies in $TMP/NAME.out, the summary in $TMP/out
respond_run() {
    local name=$1 opts=() files=()
    shift
    while [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
    files=("$@")
    rm -f "$TMP/ports"
    "$SIPCODE" respond --listen udp:127.0.0.1:0 --ports-file "$TMP/ports" --format json \
        --duration 20 -q "${opts[@]}" >"$TMP/respond.json" 2>"$TMP/respond.err" &
    RESPOND_PID=$!
    for _ in $(seq 50); do [ -s "$TMP/ports" ] && break; sleep 0.1; done
    perl "$TMP/sipsend.pl" burst udp "$(awk '{print $3}' "$TMP/ports")" "${files[@]}" >"$TMP/$name.out" 2>&1
    kill -TERM "$RESPOND_PID"
    wait "$RESPOND_PID"
    rc=$?
    RESPOND_PID=
    err=$(cat "$TMP/respond.err")
    cp "$TMP/respond.json" "$TMP/out"
    expect_rc "respond $name" 0
}
for i in 1 2 3 4 5; do
    sed -e "s/cli-2/rate-$i/" -e 's/TCP/UDP/' "$TMP/options.sip" >"$TMP/opt$i.sip"
done
# --rate 2: a burst of five from one source, two answered (the bucket holds 2)
respond_run rate --rate 2 -- "$TMP/opt1.sip" "$TMP/opt2.sip" "$TMP/opt3.sip" "$TMP/opt4.sip" "$TMP/opt5.sip"
json_eval "respond --rate" '$j->{dropped}{rate} == 3 && $j->{responses}{200} == 2'
[ "$(grep -c '^SIP/2.0 200 OK' "$TMP/rate.out")" -eq 2 ] && pass || fail "respond --rate: want 2 replies: $(cat "$TMP/rate.out")"
# --max-transactions 1: the second request is answered without a transaction
respond_run stateless --max-transactions 1 -- "$TMP/opt1.sip" "$TMP/opt2.sip" "$TMP/opt2.sip"
json_eval "respond table full" '$j->{stateless} == 2 && $j->{responses}{200} == 3 && $j->{transactions_peak} == 1'
# a stateless answer to a retransmission is the same reply (the To tag is a hash)
awk 'BEGIN{RS="=====\n"; ORS=""} NR==2' "$TMP/stateless.out" >"$TMP/s2"
awk 'BEGIN{RS="=====\n"; ORS=""} NR==3' "$TMP/stateless.out" >"$TMP/s3"
cmp -s "$TMP/s2" "$TMP/s3" && grep -q '^To: .*;tag=' "$TMP/s2" && pass || fail "respond stateless: retransmission got another reply"
# UDP: a reply outgrows its request by at most SIPCODE_REPLY_SLACK (256) bytes:
# what the RFCs make it add (To tag, received, rport, a Digest challenge) fits,
# more does not, and the optional Warning is left out first
# options take at most 127 bytes; a 127-byte realm plus received/rport for a
# Via from elsewhere outgrows this 144-byte OPTIONS by more than 256 bytes
long=$(printf 'r%.0s' $(seq 127))
printf 'OPTIONS sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.9:5;branch=z9hG4bKamp;rport\r\nf: <sip:c@d>;tag=1\r\nt: <sip:a@b>\r\ni: amp\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n' >"$TMP/small.sip"
respond_run amplify --code 401 --realm "$long" -- "$TMP/small.sip"
json_eval "respond amplification" '$j->{dropped}{amplification} == 1 && !exists $j->{responses}{401}'
grep -qx "NO REPLY" "$TMP/amplify.out" && pass || fail "respond amplification: a reply was sent"
# a 401 with a 60-byte realm fits, once the optional Warning is left out
respond_run warning --code 401 --realm "${long:0:60}" --warning "399 sipcode \"${long:0:110}\"" -- "$TMP/small.sip"
grep -q '^SIP/2.0 401 Unauthorized' "$TMP/warning.out" && ! grep -q '^Warning' "$TMP/warning.out" && pass || fail "respond: the Warning should have been left out: $(cat "$TMP/warning.out")"
# the smallest legal requests still get their answers: a bare REGISTER its 401
# challenge, a bare CANCEL (RFC 3261 9.1 fields only) that matches nothing its 481
printf 'REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKreg;rport\r\nMax-Forwards: 70\r\nFrom: <sip:u@127.0.0.1>;tag=1\r\nTo: <sip:u@127.0.0.1>\r\nCall-ID: reg@x\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n' >"$TMP/reg.sip"
respond_run bare_register --code 401 -- "$TMP/reg.sip"
grep -q '^SIP/2.0 401 Unauthorized' "$TMP/bare_register.out" && grep -q '^WWW-Authenticate: Digest ' "$TMP/bare_register.out" && pass || fail "respond: a bare REGISTER got no 401: $(cat "$TMP/bare_register.out")"
printf 'CANCEL sip:nobody@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKab;rport\r\nMax-Forwards: 70\r\nFrom: <sip:t@127.0.0.1>;tag=1\r\nTo: <sip:nobody@127.0.0.1>\r\nCall-ID: c1@x\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n' >"$TMP/cancel.sip"
respond_run bare_cancel -- "$TMP/cancel.sip"
grep -q '^SIP/2.0 481 ' "$TMP/bare_cancel.out" && pass || fail "respond: a bare CANCEL got no 481: $(cat "$TMP/bare_cancel.out")"
# signals in a burst (a shell's kill plus timeout(1) on the group): still the
# summary and exit 0, never killed by a second SIGTERM while finishing
"$SIPCODE" respond --listen udp:127.0.0.1:0 --ports-file "$TMP/ports2" -q --format json \
    --duration 20 >"$TMP/out" 2>"$TMP/err" &
RESPOND_PID=$!
for _ in $(seq 50); do [ -s "$TMP/ports2" ] && break; sleep 0.1; done
kill -TERM "$RESPOND_PID"; kill -INT "$RESPOND_PID" 2>/dev/null; kill -TERM "$RESPOND_PID" 2>/dev/null
wait "$RESPOND_PID"
rc=$?
RESPOND_PID=
err=$(cat "$TMP/err")
expect_rc "respond signal burst" 0
json_eval "respond signal burst summary" 'exists $j->{requests} && exists $j->{dropped}'
# --delay and --ring: 100 and 180 at once, the final after the delay
respond_run delay --method INVITE=486 --ring 180 --delay 300 -- "$TMP/invite.sip"
grep -q '^SIP/2.0 100 Trying' "$TMP/delay.out" && pass || fail "respond --delay: no 100 Trying first: $(head -1 "$TMP/delay.out")"
json_eval "respond --delay --ring" '$j->{responses}{100} == 1 && $j->{responses}{180} == 1 && $j->{responses}{486} == 1'

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
