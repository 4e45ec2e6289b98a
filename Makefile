# sipcode - one Makefile builds the library, the command, the tests and the docs.
#
#   make                 library (static + shared) and the sipcode command
#   make check           build and run every test (the live ones capture on lo: root)
#   make sanitize        the unit and CLI tests again under ASan + UBSan
#   make regen           rewrite the generated registry table from data/codes.txt
#   make install         PREFIX=/usr/local DESTDIR= (library, headers, pc, command, man)
#   make fuzz            each libFuzzer target for FUZZ_SECONDS (needs clang)
#   make bench           benchmarks against peer libraries (needs their -dev packages)
#   make pgo             a profile-guided build (gcc) in build/pgo/, the fastest stats
#   make bench-capture   sipcode stats on a generated 1 GB pcap against tshark
#   make bench-respond   sipcode respond against Kamailio under SIPp load
#   make demo            the quick-start job: explain a code and list the registry

VERSION     := 0.1.0
SOVERSION   := 0
PREFIX      ?= /usr/local
LIBDIR      ?= $(PREFIX)/lib
INCLUDEDIR  ?= $(PREFIX)/include
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

CC          ?= cc
SHELL       := /bin/bash
BUILD       ?= build
WARN        := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS      ?= -O2 -g
ALL_CFLAGS  := -std=c11 $(WARN) $(CFLAGS) -Iinclude
LDFLAGS     ?=
PCAP_LIBS   ?= -lpcap
THREAD_LIBS ?= -pthread

LIB_SRC     := $(wildcard lib/core/*.c lib/registry/*.c lib/wire/*.c lib/semantics/*.c \
                 lib/capture/*.c lib/responder/*.c)
CLI_SRC     := $(wildcard cli/*.c)
TEST_SRC    := $(wildcard tests/unit/*.c)

LIB_OBJ     := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB_PIC     := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
CLI_OBJ     := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ    := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

STATIC_LIB  := $(BUILD)/libsipcode.a
SHARED_LIB  := $(BUILD)/libsipcode.so.$(VERSION)
SONAME      := libsipcode.so.$(SOVERSION)
SIPCODE     := $(BUILD)/sipcode
UNIT        := $(BUILD)/unit-tests
GEN         := $(BUILD)/gen_registry

GENERATED   := lib/registry/registry_data.c include/sipcode/codes.h lib/wire/warn_data.c \
               lib/semantics/q850_data.c

FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAY  := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
FUZZ_SECONDS ?= 60
CLANG        ?= clang

.PHONY: all check test unit cli-tests golden-tests sample-test live-tests respond-tests check-regen gen-tests \
        install-test pgo pgo-check regen sanitize install uninstall bench bench-capture bench-respond demo clean \
        format deps check-deps fuzz fuzz-replay fuzz-smoke

all: deps $(STATIC_LIB) $(SHARED_LIB) $(SIPCODE)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=default -MMD -MP -c $< -o $@

$(STATIC_LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_PIC)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SONAME) $(LDFLAGS) -o $@ $^ $(PCAP_LIBS) $(THREAD_LIBS)
	ln -sf libsipcode.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libsipcode.so

# The command links the static library: it runs from the build tree as is.
$(SIPCODE): $(CLI_OBJ) $(STATIC_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(PCAP_LIBS) $(THREAD_LIBS)

$(UNIT): $(TEST_OBJ) $(STATIC_LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(TEST_OBJ) $(STATIC_LIB) $(PCAP_LIBS) $(THREAD_LIBS)

$(BUILD)/obj/tests/unit/%.o: ALL_CFLAGS += -Ilib/registry -Ilib/wire -Ilib/semantics -Ilib/capture -Ilib/responder -DSIPCODE_SOURCE_DIR='"$(CURDIR)"'

# ---- the generated registry ------------------------------------------------
# The three generators share one reader of the stanza format (data/stanza.c).
STANZA      := data/stanza.c data/stanza.h

$(GEN): data/gen_registry.c $(STANZA)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $< data/stanza.c

# The warn-code table (data/warn_codes.txt) has its own generator.
$(BUILD)/gen_warn: data/gen_warn.c $(STANZA)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $< data/stanza.c

# The Q.850 tables (data/q850.txt, data/q850_map.txt) have their own generator.
$(BUILD)/gen_q850: data/gen_q850.c $(STANZA)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $< data/stanza.c

regen: $(GEN) $(BUILD)/gen_warn $(BUILD)/gen_q850
	$(GEN) data/codes.txt lib/registry/registry_data.c include/sipcode/codes.h
	$(BUILD)/gen_warn data/warn_codes.txt lib/wire/warn_data.c
	$(BUILD)/gen_q850 data/q850.txt data/q850_map.txt lib/semantics/q850_data.c

# The generators refuse malformed data with file and line.
gen-tests: $(GEN) $(BUILD)/gen_warn $(BUILD)/gen_q850
	bash tests/gen/run.sh $(BUILD)

check-regen: $(GEN) $(BUILD)/gen_warn $(BUILD)/gen_q850
	@mkdir -p $(BUILD)/regen
	$(GEN) data/codes.txt $(BUILD)/regen/registry_data.c $(BUILD)/regen/codes.h
	$(BUILD)/gen_warn data/warn_codes.txt $(BUILD)/regen/warn_data.c
	$(BUILD)/gen_q850 data/q850.txt data/q850_map.txt $(BUILD)/regen/q850_data.c
	@cmp lib/registry/registry_data.c $(BUILD)/regen/registry_data.c && \
	 cmp include/sipcode/codes.h $(BUILD)/regen/codes.h && \
	 echo "check-regen: generated table matches data/codes.txt" || \
	 { echo "check-regen: FAILED: committed table differs from data/codes.txt; run 'make regen'"; exit 1; }
	@cmp lib/wire/warn_data.c $(BUILD)/regen/warn_data.c && \
	 echo "check-regen: generated table matches data/warn_codes.txt" || \
	 { echo "check-regen: FAILED: lib/wire/warn_data.c differs from data/warn_codes.txt; run 'make regen'"; exit 1; }
	@cmp lib/semantics/q850_data.c $(BUILD)/regen/q850_data.c && \
	 echo "check-regen: generated table matches data/q850.txt and data/q850_map.txt" || \
	 { echo "check-regen: FAILED: lib/semantics/q850_data.c differs from data/q850*.txt; run 'make regen'"; exit 1; }

# ---- tests ----------------------------------------------------------------
# The build's packages for make and make demo; the tests' ones (perl,
# promtool, SIPp) only for make check, so the quick start stays small.
deps:
	@sh tools/deps.sh build-tools

check-deps:
	@sh tools/deps.sh check-tools

unit: $(UNIT)
	$(UNIT)

# The test captures are generated at test time, with their ground truth.
$(BUILD)/gen_pcap: tests/pcap/gen_pcap.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $<

cli-tests: $(SIPCODE) $(BUILD)/gen_pcap
	SIPCODE=$(SIPCODE) GEN_PCAP=$(BUILD)/gen_pcap PCAP_DIR=$(BUILD)/pcap bash tests/cli/run.sh

# The committed captures in tests/pcap/golden/ and their expected output.
golden-tests: $(SIPCODE) $(BUILD)/gen_pcap $(BUILD)/gen_capture
	SIPCODE=$(SIPCODE) GEN_PCAP=$(BUILD)/gen_pcap GEN_CAPTURE=$(BUILD)/gen_capture \
	  bash tests/pcap/run-golden.sh

# Live capture on the loopback interface: needs root or CAP_NET_RAW (CI runs as root).
live-tests: $(SIPCODE)
	SIPCODE=$(SIPCODE) timeout 300 bash tests/live/run.sh

# sipcode respond against SIPp and a raw client, on loopback (needs sip-tester).
respond-tests: $(SIPCODE)
	SIPCODE=$(SIPCODE) bash tests/respond/run.sh

install-test: deps all
	BUILD=$(BUILD) CC="$(CC)" bash tests/install/run.sh

check: check-deps deps check-regen gen-tests unit cli-tests golden-tests sample-test live-tests respond-tests fuzz-replay \
       install-test
	@echo "make check: all test suites passed"

test: check

# The profile-guided build (tools/pgo.sh) and the tests that show it counts
# as the plain build does: same golden outputs, ground truth and CLI.
pgo: deps
	BUILD=$(BUILD) CC="$(CC)" CFLAGS="$(CFLAGS)" bash tools/pgo.sh

pgo-check: pgo $(BUILD)/gen_pcap $(BUILD)/gen_capture
	SIPCODE=$(BUILD)/pgo/sipcode GEN_PCAP=$(BUILD)/gen_pcap GEN_CAPTURE=$(BUILD)/gen_capture \
	  bash tests/pcap/run-golden.sh
	SIPCODE=$(BUILD)/pgo/sipcode GEN_PCAP=$(BUILD)/gen_pcap PCAP_DIR=$(BUILD)/pgo/pcap bash tests/cli/run.sh
	$(BUILD)/pgo/sipcode stats --format json samples/sample.pcap >$(BUILD)/pgo/sample.json
	perl bench/capture/check_truth.pl samples/sample.truth.json $(BUILD)/pgo/sample.json

sanitize:
	$(MAKE) BUILD=build/sanitize \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  LDFLAGS="-fsanitize=address,undefined" unit cli-tests golden-tests live-tests \
	  respond-tests fuzz-replay

# ---- fuzzing ----------------------------------------------------------------
# The replay build runs each target's corpus with the normal compiler, in
# 'make check'; 'make fuzz' builds the real libFuzzer targets with clang.
$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c $(STATIC_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/replay.c $(STATIC_LIB) $(PCAP_LIBS) $(THREAD_LIBS)

fuzz-replay: $(FUZZ_REPLAY)
	@for t in $(FUZZ_TARGETS); do \
	  printf 'fuzz-replay %s: ' $$t; $(BUILD)/fuzz/replay_$$t fuzz/corpus/$$t || exit 1; \
	done

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p $(dir $@)
	$(CLANG) -std=c11 -g -O1 -Iinclude -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ fuzz/fuzz_$*.c $(LIB_SRC) $(PCAP_LIBS) $(THREAD_LIBS)

# New inputs go to build/, so fuzzing never dirties the committed corpus;
# 'cp build/fuzz/corpus/T/* fuzz/corpus/T/' keeps the interesting ones.
fuzz: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus/$$t; \
	  echo "fuzz $$t for $(FUZZ_SECONDS)s"; \
	  $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -dict=fuzz/sip.dict \
	    -print_final_stats=1 $(BUILD)/fuzz/corpus/$$t fuzz/corpus/$$t 2>&1 | \
	    grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
	  test $${PIPESTATUS[0]} -eq 0 || exit 1; \
	done

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=15

# ---- install --------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/sipcode $(DESTDIR)$(BINDIR) \
	  $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libsipcode.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libsipcode.so
	install -m 644 include/sipcode.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/sipcode/*.h $(DESTDIR)$(INCLUDEDIR)/sipcode/
	install -m 755 $(SIPCODE) $(DESTDIR)$(BINDIR)/
	install -m 644 docs/sipcode.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/libsipcode.3 $(DESTDIR)$(MANDIR)/man3/
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
	  sipcode.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/sipcode.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libsipcode.a $(DESTDIR)$(LIBDIR)/libsipcode.so* \
	  $(DESTDIR)$(INCLUDEDIR)/sipcode.h $(DESTDIR)$(BINDIR)/sipcode \
	  $(DESTDIR)$(PKGCONFIGDIR)/sipcode.pc $(DESTDIR)$(MANDIR)/man1/sipcode.1 \
	  $(DESTDIR)$(MANDIR)/man3/libsipcode.3
	rm -rf $(DESTDIR)$(INCLUDEDIR)/sipcode

# ---- the rest -------------------------------------------------------------
demo: deps $(SIPCODE)
	$(SIPCODE) explain 486
	$(SIPCODE) stats samples/sample.pcap

# The bundled sample: what the generator writes for its seed and size, and
# sipcode stats agrees with the generator's ground truth on it.
SAMPLE_ARGS := --seed 5 --size-kb 250
$(BUILD)/gen_capture: bench/capture/gen_capture.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) -O2 -o $@ $<

sample-test: $(SIPCODE) $(BUILD)/gen_capture
	@mkdir -p $(BUILD)/sample
	$(BUILD)/gen_capture $(SAMPLE_ARGS) $(BUILD)/sample/sample.pcap $(BUILD)/sample/sample.truth.json
	@cmp samples/sample.pcap $(BUILD)/sample/sample.pcap && \
	 cmp samples/sample.truth.json $(BUILD)/sample/sample.truth.json || \
	 { echo "sample-test: samples/ differs from the generator's output; regenerate with: $(BUILD)/gen_capture $(SAMPLE_ARGS) samples/sample.pcap samples/sample.truth.json"; exit 1; }
	$(SIPCODE) stats --format json samples/sample.pcap >$(BUILD)/sample/stats.json
	perl bench/capture/check_truth.pl samples/sample.truth.json $(BUILD)/sample/stats.json

bench: $(STATIC_LIB)
	bash bench/run.sh

# 'sipcode stats' on a generated 1 GB capture against tshark and a memchr pass
bench-capture: $(SIPCODE)
	bash bench/capture/run.sh

bench-respond: $(SIPCODE)
	BUILD=$(BUILD) bash bench/respond/run.sh

FORMAT_SRC := $(filter-out $(GENERATED),$(LIB_SRC) $(CLI_SRC) $(TEST_SRC) \
  $(wildcard include/*.h include/sipcode/*.h lib/*/*.h cli/*.h fuzz/*.c bench/*.c) data/gen_registry.c data/gen_warn.c data/gen_q850.c)

format:
	clang-format -i $(FORMAT_SRC)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(LIB_PIC:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
