#!/bin/bash
# tests/gen/run.sh - the data generators refuse malformed data with file and line.
#
#   tests/gen/run.sh BUILD_DIR
#
# The committed tables are checked byte for byte by 'make check-regen'; this
# checks the other half of the contract: a typo in a data file stops the
# generator with a message naming where it is, instead of becoming a table.
set -u
build=${1:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
fail=0

# expect_error GENERATOR 'expected message fragment' <<< data
expect_error() {
    local gen=$1 want=$2 out
    cat > "$work/in.txt"
    case $gen in
    gen_q850) out=$("$build/$gen" "$work/in.txt" data/q850_map.txt "$work/out.c" 2>&1) ;;
    gen_registry) out=$("$build/$gen" "$work/in.txt" "$work/out.c" "$work/out.h" 2>&1) ;;
    *) out=$("$build/$gen" "$work/in.txt" "$work/out.c" 2>&1) ;;
    esac
    local rc=$?
    if [ $rc -ne 0 ] && [[ $out == *"$want"* ]]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $gen: wanted exit 1 and '$want', got exit $rc: $out"
    fi
}

head=$'registry-version: 2025-01-01\niana-count: 1\n'

expect_error gen_registry "in.txt:4: code '30' is not three digits" <<< "$head"$'\ncode: 30'
expect_error gen_registry "in.txt:1: continuation line with nothing to continue" <<< $'  folded'
expect_error gen_registry "in.txt:5: non-ASCII or control byte 0xc3" <<< "$head"$'\ncode: 100\nphrase: Tr\xc3\xa9ing'
expect_error gen_registry "in.txt:6: key 'phrase' given twice" <<< "$head"$'\ncode: 100\nphrase: Trying\nphrase: Trying'
expect_error gen_registry "in.txt:5: unknown key 'colour'" <<< "$head"$'\ncode: 100\ncolour: red'
expect_error gen_registry "in.txt:5: key 'phrase' has no value" <<< "$head"$'\ncode: 100\nphrase:'
expect_error gen_registry "in.txt:6: code 100 does not follow 180" <<< "$head"$'\ncode: 180\n\ncode: 100'
expect_error gen_registry "file must start with a registry-version" <<< $'code: 100'
expect_error gen_warn "in.txt:5: expected 'key: value'" <<< "$head"$'\ncode: 399\nno colon here'
expect_error gen_warn "in.txt:9: code 398 does not follow 399" <<< "$head"$'\ncode: 399\ntext: a\nrfc: RFC 3261\nmeaning: m\n\ncode: 398'
expect_error gen_warn "iana-count says 1, but the file lists 2 codes" <<< "$head"$'\ncode: 380\ntext: a\nrfc: RFC 5630\nmeaning: m\n\ncode: 399\ntext: b\nrfc: RFC 3261\nmeaning: m'
expect_error gen_q850 "in.txt:1: bad key 'Cause'" <<< $'Cause: 17'
expect_error gen_warn "in.txt:6: key 'text' given twice" <<< "$head"$'\ncode: 399\ntext: a\ntext: b'
expect_error gen_warn "in.txt:5: unknown key 'phrase'" <<< "$head"$'\ncode: 399\nphrase: a'
notes=$(printf 'note: n\n%.0s' $(seq 17))
expect_error gen_registry "in.txt:21: too many notes" <<< "$head"$'\ncode: 100\n'"$notes"

echo "gen: $pass passed, $fail failed"
[ $fail -eq 0 ]
