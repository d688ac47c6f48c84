# make bench: an in-process C benchmark of libolic.a. It is linked
# the way a vendor links the library, built -O2, and fails when a budget is
# missed. Speed figures never run under `make test`; that only builds them.
# make bench-instructions: the same operations counted in instructions under
# callgrind (deterministic, unlike time); needs valgrind. For docs/performance.md.

BENCH_BIN       := $(BUILD)/bench/bench
BENCH_COUNT_BIN := $(BUILD)/bench/count
BENCH_SOURCES   := $(sort $(wildcard Bench/*.c))
BENCH_HEADERS   := $(wildcard Bench/*.h)
BENCH_CFLAGS    := -std=c11 -O2 -Wall -Wextra -Werror $(shell pkg-config --cflags libsodium 2>/dev/null)
OLIC_CLI        ?= $(BUILD)/olic
CROSS_SIZES     ?= $(BUILD)/cross/sizes.json

.PHONY: bench bench-build bench-instructions

$(BENCH_BIN): $(BENCH_SOURCES) $(BENCH_HEADERS) $(OLIC_ARCHIVES) include/olic.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $(BENCH_SOURCES) -Iinclude $(OLIC_ARCHIVES) $(SODIUM_LIBS) -o $@

# -g only names the scenario functions for callgrind; the code is the same.
$(BENCH_COUNT_BIN): Bench/instructions/count.c Bench/fixtures.c Bench/fixtures.h $(OLIC_ARCHIVES) include/olic.h
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -g Bench/instructions/count.c Bench/fixtures.c -IBench -Iinclude \
	  $(OLIC_ARCHIVES) $(SODIUM_LIBS) -o $@

bench-build: $(BENCH_BIN) $(BENCH_COUNT_BIN)

# build/olic is brought up to date when some mk file knows how to build it (its
# rule is another part's; this recipe is expanded after every mk file is read),
# and is measured if present. build/cross/sizes.json is read if present: make
# cross is slow and separate, so bench does not run it.
bench: $(BENCH_BIN)
	$(if $(filter $(OLIC_CLI),$(ALL_TARGETS)),$(MAKE) $(OLIC_CLI))
	@# mk/keys.mk's token batch against the file one is merged into bench.json
	@# even when a budget above was missed; the miss still fails make bench.
	status=0; $(BENCH_BIN) $(BUILD)/libolic.a $(BUILD)/libolic-tools.a $(OLIC_CLI) $(CROSS_SIZES) $(BUILD)/bench/work $(BUILD)/bench.json || status=$$?; \
	  $(MAKE) bench-pkcs11 || status=1; exit $$status

bench-instructions: $(BENCH_COUNT_BIN)
	Bench/instructions/count.sh $(BENCH_COUNT_BIN) $(BUILD)/bench/instructions

TEST_TARGETS += bench-build
