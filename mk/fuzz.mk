# Fuzzing and sanitizer builds (docs/fuzzing.md).
#
# build/fuzz/  the core with libFuzzer coverage and ASan, the four targets, seeds.
# build/asan/  the core with ASan, the C tests and the mock firmware under ASan+UBSan.
#
# make fuzz              each target for FUZZ_SECONDS (default 60); fails on any finding
# make test-fuzz-smoke   replays seeds and Fuzz/regressions/ through every target
# make test-asan         the C tests (and firmware tests, if present) under ASan+UBSan

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := fuzz_parse fuzz_check fuzz_request fuzz_state
FUZZ_DIR     := $(BUILD)/fuzz
ASAN_DIR     := $(BUILD)/asan

# The clang that ships with swiftc: it has libFuzzer and the same sanitizer runtimes.
FUZZ_CLANG ?= $(dir $(shell command -v $(SWIFTC)))clang

FUZZ_COMMON_SOURCES := $(wildcard Fuzz/common/*.c)
FUZZ_HEADERS        := $(wildcard Fuzz/common/*.h) include/olic.h
SAN_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer -Iinclude
# Swift has no UBSan; its own overflow and bounds traps play that part in the core.
FUZZ_CFLAGS := $(SAN_CFLAGS) -fuse-ld=lld -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
ASAN_CFLAGS := $(SAN_CFLAGS) -fuse-ld=lld -fsanitize=address,undefined -fno-sanitize-recover=all

# libFuzzer options shared by fuzzing and replay. -timeout counts whole seconds,
# so the 10 ms rule is also enforced per input by Fuzz/common/budget.c.
FUZZ_OPTIONS := -timeout=1 -rss_limit_mb=2048 -malloc_limit_mb=512 -dict=Fuzz/olic.dict
# Set for this fragment's targets only, so that other suites keep their defaults.
FUZZ_ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1:symbolize=1:detect_stack_use_after_return=1
FUZZ_UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

.PHONY: fuzz fuzz-build fuzz-seeds test-fuzz-smoke test-asan $(addprefix fuzz-run-,$(FUZZ_TARGETS))

# --- the instrumented cores -------------------------------------------------

$(FUZZ_DIR)/olic.o: $(CORE_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) | deps
	@mkdir -p $(dir $@)
	$(SWIFTC) $(EMBEDDED_FLAGS) $(HOST_MODULE_FLAGS) -g -sanitize=fuzzer,address -c $(CORE_SOURCES) -o $@

$(ASAN_DIR)/libolic.a: $(CORE_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) | deps
	@mkdir -p $(ASAN_DIR)
	$(SWIFTC) $(EMBEDDED_FLAGS) $(HOST_MODULE_FLAGS) -g -sanitize=address -c $(CORE_SOURCES) -o $(ASAN_DIR)/olic.o
	@rm -f $@.tmp && ar rcs $@.tmp $(ASAN_DIR)/olic.o && mv $@.tmp $@

# --- the targets ---------------------------------------------------------------

$(FUZZ_DIR)/%: Fuzz/%.c $(FUZZ_COMMON_SOURCES) $(FUZZ_HEADERS) $(FUZZ_DIR)/olic.o
	$(FUZZ_CLANG) $(FUZZ_CFLAGS) -IFuzz $< $(FUZZ_COMMON_SOURCES) $(FUZZ_DIR)/olic.o $(SODIUM_LIBS) -o $@

fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

# Seeds come from the plain library, exactly as a vendor's tools would make them.
$(FUZZ_DIR)/gen_corpus: Fuzz/corpus/gen_corpus.c $(FUZZ_COMMON_SOURCES) $(FUZZ_HEADERS) $(BUILD)/libolic.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude $< $(FUZZ_COMMON_SOURCES) $(BUILD)/libolic.a $(SODIUM_LIBS) -o $@

$(FUZZ_DIR)/seeds.stamp: $(FUZZ_DIR)/gen_corpus
	@rm -rf $(FUZZ_DIR)/seeds
	$(FUZZ_DIR)/gen_corpus $(FUZZ_DIR)/seeds
	@touch $@

fuzz-seeds: $(FUZZ_DIR)/seeds.stamp

# --- fuzzing and replay --------------------------------------------------------

fuzz: fuzz-build fuzz-seeds
	@for t in $(FUZZ_TARGETS); do \
	  Fuzz/scripts/fuzz-one.sh $(FUZZ_DIR) $$t $(FUZZ_SECONDS) $(FUZZ_OPTIONS) || exit 1; done
	@echo "make fuzz: no findings in $(FUZZ_SECONDS) s per target"

$(addprefix fuzz-run-,$(FUZZ_TARGETS)): fuzz-run-%: $(FUZZ_DIR)/% fuzz-seeds
	Fuzz/scripts/fuzz-one.sh $(FUZZ_DIR) $* $(FUZZ_SECONDS) $(FUZZ_OPTIONS)

test-fuzz-smoke: fuzz-build fuzz-seeds
	@for t in $(FUZZ_TARGETS); do Fuzz/scripts/replay.sh $(FUZZ_DIR) $$t || exit 1; done

# --- C tests under ASan and UBSan ----------------------------------------------

ASAN_C_TESTS := $(patsubst Tests/C/%.c,$(ASAN_DIR)/ctest/%,$(wildcard Tests/C/*.c))

$(ASAN_DIR)/ctest/%: Tests/C/%.c $(ASAN_DIR)/libolic.a
	@mkdir -p $(dir $@)
	$(FUZZ_CLANG) $(ASAN_CFLAGS) $< $(ASAN_DIR)/libolic.a $(SODIUM_LIBS) -o $@

.PHONY: test-asan-c test-asan-firmware
test-asan: test-asan-c test-asan-firmware

test-asan-c: $(ASAN_C_TESTS)
	@for t in $(ASAN_C_TESTS); do echo "== $$t (ASan+UBSan)"; $$t; done

# The mock firmware's process tests (mk/firmware.mk) against an ASan+UBSan build
# of the same sources: its runner takes the binaries' paths, so nothing of theirs
# changes. Skipped, and said so, while the firmware is not in the tree.
ifneq ($(wildcard Tests/firmware/run_tests.py),)
$(ASAN_DIR)/mock-firmware: $(FIRMWARE_SOURCES) $(FIRMWARE_HEADERS) include/olic.h $(ASAN_DIR)/libolic.a
	$(FUZZ_CLANG) $(ASAN_CFLAGS) $(FIRMWARE_SOURCES) $(ASAN_DIR)/libolic.a $(SODIUM_LIBS) -o $@

$(ASAN_DIR)/mint: Tests/firmware/mint.c include/olic.h $(ASAN_DIR)/libolic.a
	$(FUZZ_CLANG) $(ASAN_CFLAGS) $< $(ASAN_DIR)/libolic.a $(SODIUM_LIBS) -o $@

test-asan-firmware: $(ASAN_DIR)/mock-firmware $(ASAN_DIR)/mint
	python3 Tests/firmware/run_tests.py --firmware $(ASAN_DIR)/mock-firmware \
	  --mint $(ASAN_DIR)/mint --work-dir $(ASAN_DIR)/firmware-runs
else
test-asan-firmware:
	@echo "test-asan-firmware: no Tests/firmware/run_tests.py, skipped"
endif

fuzz $(addprefix fuzz-run-,$(FUZZ_TARGETS)) test-fuzz-smoke test-asan-c test-asan-firmware: \
  export ASAN_OPTIONS = $(FUZZ_ASAN_OPTIONS)
fuzz $(addprefix fuzz-run-,$(FUZZ_TARGETS)) test-fuzz-smoke test-asan-c test-asan-firmware: \
  export UBSAN_OPTIONS = $(FUZZ_UBSAN_OPTIONS)

TEST_TARGETS += test-fuzz-smoke test-asan
