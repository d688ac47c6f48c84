# The olic CLI: a SwiftPM executable over the host build of the core,
# copied to build/olic, and its process tests in Tests/cli.
#
# SwiftPM's .build is shared with `swift test`; SwiftPM locks it, so the two may
# run in either order.

CLI_SOURCES := Package.swift $(shell find Sources/olic -name '*.swift' 2>/dev/null) $(CORE_SOURCES)
CLI_TEST_DIR := $(BUILD)/cli-test

ALL_TARGETS  += $(BUILD)/olic
TEST_TARGETS += test-cli

.PHONY: test-cli

$(BUILD)/olic: $(CLI_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) | deps
	swift build -c release --product olic
	@mkdir -p $(BUILD)
	@bin="$$(swift build -c release --product olic --show-bin-path)/olic"; \
	  cp "$$bin" $@.tmp && mv $@.tmp $@

# The C helpers link build/libolic.a the way a vendor does (the runner compiles
# them with that line), so licenses from the CLI are judged by the firmware library.
test-cli: $(BUILD)/olic $(BUILD)/libolic.a
	@# The interop tests need openssl's command line tool; a no-op when it is there.
	@command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null; }
	python3 Tests/cli/run_tests.py --olic $(BUILD)/olic --lib $(BUILD)/libolic.a \
	  --cc "$(CC)" --sodium-libs "$(SODIUM_LIBS)" --work-dir $(CLI_TEST_DIR)
	python3 Tests/cli/test_newcomer.py --olic $(BUILD)/olic --lib $(BUILD)/libolic.a \
	  --cc "$(CC)" --sodium-libs "$(SODIUM_LIBS)" --work-dir $(BUILD)/cli-test-newcomer
