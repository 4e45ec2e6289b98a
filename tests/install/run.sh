#!/bin/bash
# Installs into a temporary prefix, then builds and runs a program against the
# installed library using only what pkg-config says. Checks the installed
# command, man pages and the shared library's soname too.
set -eu
BUILD=${BUILD:-build}
CC=${CC:-cc}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
prefix=$TMP/prefix
passed=0
failed=0
check() { # description command...
    local what=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}

make -s -C "$ROOT" BUILD="$BUILD" install PREFIX="$prefix" DESTDIR= >/dev/null

cat >"$TMP/client.c" <<'C'
#include <sipcode.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    const struct sipcode_info *e = sipcode_lookup(SIPCODE_SC_BUSY_HERE);
    if (!e || strcmp(e->phrase, "Busy Here") != 0)
        return 1;
    if (sipcode_effective(499) != 400)
        return 2;
    printf("%d %s (%s)\n", e->code, sipcode_phrase(486), sipcode_version());
    return 0;
}
C
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cflags=$(pkg-config --cflags sipcode)
libs=$(pkg-config --libs sipcode)
check "pkg-config version" test "$(pkg-config --modversion sipcode)" = "$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")"
check "compile against the install" $CC $cflags -o "$TMP/client" "$TMP/client.c" $libs
check "run against the shared library" test "$(LD_LIBRARY_PATH=$prefix/lib "$TMP/client")" = "486 Busy Here ($(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile"))"
check "linked dynamically" sh -c "LD_LIBRARY_PATH=$prefix/lib ldd '$TMP/client' | grep -q 'libsipcode.so.0 => $prefix/lib'"
check "soname" sh -c "objdump -p '$prefix/lib/libsipcode.so' 2>/dev/null | grep -q 'SONAME *libsipcode.so.0' || readelf -d '$prefix/lib/libsipcode.so' | grep -q 'libsipcode.so.0'"
check "static library" test -f "$prefix/lib/libsipcode.a"
check "static link" $CC $cflags -o "$TMP/client-static" "$TMP/client.c" "$prefix/lib/libsipcode.a"
check "static client runs" "$TMP/client-static"
check "command installed" sh -c "'$prefix/bin/sipcode' 486 | grep -q 'Busy Here'"
check "sipcode(1)" test -f "$prefix/share/man/man1/sipcode.1"
check "libsipcode(3)" test -f "$prefix/share/man/man3/libsipcode.3"
check "headers" test -f "$prefix/include/sipcode/registry.h"
# DESTDIR stages the same tree under another root.
make -s -C "$ROOT" BUILD="$BUILD" install PREFIX=/usr DESTDIR="$TMP/stage" >/dev/null
check "DESTDIR staging" test -f "$TMP/stage/usr/lib/pkgconfig/sipcode.pc"
check "DESTDIR pc names the final prefix" grep -q '^prefix=/usr$' "$TMP/stage/usr/lib/pkgconfig/sipcode.pc"

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
