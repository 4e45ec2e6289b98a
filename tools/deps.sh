#!/bin/sh
# deps.sh - make sure the Debian packages sipcode's build and tests need are here.
#
#   sh tools/deps.sh build-tools   what 'make' and 'make demo' need beyond gcc and make
#   sh tools/deps.sh check-tools   that, plus what the tests of 'make check' run
#   sh tools/deps.sh ci            that, plus what CI adds (clang for fuzzing)
#   sh tools/deps.sh bench         the peer libraries the benchmarks compare against
#   sh tools/deps.sh bench-respond SIPp and Kamailio for bench/respond/run.sh
#
# Missing packages are installed with apt-get when running as root on Debian;
# otherwise the script names the command to run and fails.
set -eu

# command-or-file:package pairs; a path is checked with test -e.
build_tools="pkg-config:pkg-config /usr/include/pcap/pcap.h:libpcap-dev"
# promtool checks the exporter's output; it comes with the (large) prometheus package.
check_tools="$build_tools perl:perl promtool:prometheus sipp:sip-tester"
ci_tools="$check_tools clang:clang"
bench_respond_tools="$check_tools kamailio:kamailio taskset:util-linux"
bench_tools="$check_tools tshark:tshark bc:bc /usr/bin/time:time /usr/include/osipparser2/osip_message.h:libosip2-dev /usr/include/sofia-sip-1.12/sofia-sip/sip_status.h:libsofia-sip-ua-dev /usr/include/re/re.h:libre-dev"

case "${1:-check-tools}" in
build-tools) wanted=$build_tools ;;
check-tools) wanted=$check_tools ;;
ci) wanted=$ci_tools ;;
bench) wanted=$bench_tools ;;
bench-respond) wanted=$bench_respond_tools ;;
*) echo "usage: deps.sh build-tools|check-tools|ci|bench|bench-respond" >&2; exit 2 ;;
esac

missing=""
for pair in $wanted; do
    thing=${pair%%:*}
    package=${pair#*:}
    case $thing in
    /*) [ -e "$thing" ] && continue ;;
    *) command -v "$thing" >/dev/null 2>&1 && continue ;;
    esac
    missing="$missing $package"
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists yet; refresh once if an install fails.
    apt-get install -y --no-install-recommends $missing >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get install -y --no-install-recommends $missing; }
else
    echo "deps.sh: missing Debian packages:$missing; run: sudo apt-get install$missing" >&2
    exit 1
fi
