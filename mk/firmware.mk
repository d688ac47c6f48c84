# The mock firmware: C linking build/libolic.a exactly as a vendor
# does, its process tests, and the `make run` demo.

FIRMWARE_SOURCES := $(sort $(wildcard Sources/MockFirmware/*.c))
FIRMWARE_HEADERS := $(wildcard Sources/MockFirmware/*.h)
FIRMWARE_CFLAGS  := -std=c11 -Wall -Wextra -Werror -O2
FIRMWARE_TEST_DIR := $(BUILD)/firmware-test

ALL_TARGETS  += $(BUILD)/mock-firmware
RUN_TARGETS  += demo
TEST_TARGETS += test-firmware

.PHONY: demo test-firmware

# The link line is the one vendors get: sources, -Iinclude, the archive, libsodium.
$(BUILD)/mock-firmware: $(FIRMWARE_SOURCES) $(FIRMWARE_HEADERS) include/olic.h $(BUILD)/libolic.a | deps
	@mkdir -p $(dir $@)
	$(CC) $(FIRMWARE_CFLAGS) $(FIRMWARE_SOURCES) -Iinclude $(BUILD)/libolic.a $(SODIUM_LIBS) -o $@

# Test-only license mint: olic_encode_license from the core, signed with
# libsodium directly, so the firmware tests do not depend on the CLI.
$(FIRMWARE_TEST_DIR)/mint: Tests/firmware/mint.c include/olic.h $(OLIC_ARCHIVES) | deps
	@mkdir -p $(dir $@)
	$(CC) $(FIRMWARE_CFLAGS) $< -Iinclude $(OLIC_ARCHIVES) $(SODIUM_LIBS) -o $@

test-firmware: $(BUILD)/mock-firmware $(FIRMWARE_TEST_DIR)/mint
	python3 Tests/firmware/run_tests.py --firmware $(BUILD)/mock-firmware \
	  --mint $(FIRMWARE_TEST_DIR)/mint --work-dir $(FIRMWARE_TEST_DIR)/runs
	python3 Tests/firmware/test_ring.py --firmware $(BUILD)/mock-firmware \
	  --mint $(FIRMWARE_TEST_DIR)/mint --work-dir $(FIRMWARE_TEST_DIR)/ring-runs

demo: $(BUILD)/mock-firmware $(BUILD)/olic
	bash Tests/firmware/demo.sh $(BUILD)
