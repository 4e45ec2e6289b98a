#!/bin/bash
# pgo.sh - a profile-guided build (gcc's -fprofile-generate / -fprofile-use)
# of the library and the sipcode command, in $BUILD/pgo/.
#
#   bash tools/pgo.sh           (or: make pgo)
#
# Three steps in one build tree, so that each object finds its own profile:
#   1. build with counters in every branch (-fprofile-generate);
#   2. train: 'sipcode stats' with one and two threads over a capture of
#      bench/capture/gen_capture.c, with a seed and a size of its own, not
#      the benchmark's;
#   3. remove the objects, keep the profiles (.gcda), build again with them
#      (-fprofile-use): gcc lays out the hot paths of framing and counting
#      as the training ran them. Code the training did not run is built as
#      without a profile (-fprofile-partial-training), so the other commands
#      lose nothing.
# What a profile changes is the layout and inlining, never what the code
# does: 'make pgo-check' runs the golden, sample and CLI tests on the result.
#
# Environment: BUILD (default build), CC (gcc only), CFLAGS (default -O2 -g),
# TRAIN_MB (the training capture's size, default 64).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
TRAIN_MB=${TRAIN_MB:-64}
DIR=$BUILD/pgo
# the generator's seed for the training capture; the benchmark uses 0x5195C0DE
TRAIN_SEED=0x7124
# the static library and the command (a shared library built in DIR later has no profile)
TARGETS="$DIR/libsipcode.a $DIR/sipcode"

if ! "$CC" -v 2>&1 | grep -q '^gcc version'; then
    echo "pgo.sh: the profile-guided build needs gcc; CC=$CC is not gcc" >&2
    exit 2
fi

rm -rf "$DIR"
echo "pgo: 1/3 build with profile counters in $DIR"
make -s BUILD="$DIR" CC="$CC" CFLAGS="$CFLAGS -fprofile-generate -fprofile-update=atomic" \
    $TARGETS "$DIR/gen_capture"

echo "pgo: 2/3 train on a ${TRAIN_MB} MB generated capture"
"$DIR/gen_capture" --seed "$TRAIN_SEED" --size-mb "$TRAIN_MB" "$DIR/train.pcap" "$DIR/train.truth.json"
for threads in 1 2; do
    "$DIR/sipcode" stats --threads "$threads" --format json "$DIR/train.pcap" >"$DIR/train.json"
done
rm -f "$DIR/train.pcap" "$DIR/train.truth.json" "$DIR/train.json"
if [ -z "$(find "$DIR" -name '*.gcda' -print -quit)" ]; then
    echo "pgo.sh: the training wrote no profile (.gcda) under $DIR" >&2
    exit 1
fi

echo "pgo: 3/3 build again with the profiles"
find "$DIR" -name '*.o' -delete
rm -f $TARGETS
make -s BUILD="$DIR" CC="$CC" \
    CFLAGS="$CFLAGS -fprofile-use -fprofile-partial-training -Wno-missing-profile" $TARGETS
echo "pgo: built $DIR/sipcode and $DIR/libsipcode.a"
