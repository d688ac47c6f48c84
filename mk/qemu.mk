# make qemu: olic on a real ISA. A bare-metal RV64 image (Sources/BareMetal:
# firmware C, the Swift core from make cross, libsodium 1.0.18 built from
# Debian's source package) runs its scripted scenario under
#   qemu-system-riscv64 -machine virt -bios none -icount shift=0
# QEMU's exit status is the scenario's verdict; the run's measurements go to
# build/qemu.json and are checked against the budgets. docs/bare-metal.md.

QEMU_DIR := $(BUILD)/qemu
QEMU_IMAGE := $(QEMU_DIR)/olic-rv64.elf
QEMU_JSON := $(BUILD)/qemu.json
QEMU_OLIC_OBJECT := $(CROSS_DIR)/riscv64-none-none-eabi/olic.o
QEMU_RUN := qemu-system-riscv64 -machine virt -bios none -nographic -monitor none \
  -icount shift=0 -kernel
RV64_SODIUM_DIR := $(BUILD)/libsodium-rv64
RV64_SODIUM := $(RV64_SODIUM_DIR)/libsodium.a
RV64_CC := riscv64-unknown-elf-gcc
# rv64imac/lp64 selects picolibc's soft-float multilib, the one that matches
# the Swift object (mk/cross.mk); medany because RAM starts at 0x80000000.
RV64_CFLAGS := --specs=picolibc.specs -march=rv64imac -mabi=lp64 -mcmodel=medany -Os \
  -std=c11 -Wall -Wextra -Werror -ffunction-sections -fdata-sections \
  -Iinclude -ISources/CSodium/bare -ISources/BareMetal
BAREMETAL_C := $(filter-out %/sodium_min_check.c,$(wildcard Sources/BareMetal/*.c))
BAREMETAL_OBJECTS := $(patsubst Sources/BareMetal/%.c,$(QEMU_DIR)/obj/%.o,$(BAREMETAL_C)) \
  $(QEMU_DIR)/obj/start.o $(QEMU_DIR)/obj/blobs.o $(QEMU_DIR)/obj/threshold_blobs.o

.PHONY: qemu test-qemu qemu-deps

qemu: $(QEMU_JSON)
	@cat $(QEMU_JSON)
	@Sources/BareMetal/scripts/check-budgets.sh $(QEMU_JSON)

test-qemu: qemu

TEST_TARGETS += test-qemu

# The three Debian packages, installed only when something is missing.
qemu-deps:
	@if ! command -v qemu-system-riscv64 >/dev/null || ! command -v $(RV64_CC) >/dev/null \
	    || [ ! -f /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs ]; then \
	  echo "installing qemu-system-misc gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends qemu-system-misc gcc-riscv64-unknown-elf \
	    picolibc-riscv64-unknown-elf >/dev/null; \
	fi

# libsodium: fetched once into build/ (a private apt source list, see the
# script), compiled once; both steps are skipped while their output exists.
$(RV64_SODIUM_DIR)/src/.olic-version: Sources/BareMetal/scripts/fetch-libsodium.sh
	Sources/BareMetal/scripts/fetch-libsodium.sh $(RV64_SODIUM_DIR)

# Sources/BareMetal/sodium/*.c goes into the same archive (see the script).
RV64_SODIUM_EXTRA := $(wildcard Sources/BareMetal/sodium/*.c)
$(RV64_SODIUM): $(RV64_SODIUM_DIR)/src/.olic-version Sources/BareMetal/scripts/build-libsodium.sh \
    $(RV64_SODIUM_EXTRA) | qemu-deps
	Sources/BareMetal/scripts/build-libsodium.sh $(RV64_SODIUM_DIR)/src $@ $(RV64_SODIUM_EXTRA)

# The minimal libsodium header of the cross builds must match the real one
# (after the libsodium build, which generates version.h).
$(QEMU_DIR)/sodium_min_check.ok: Sources/BareMetal/sodium_min_check.c \
    Sources/CSodium/bare/olic_sodium_min.h $(RV64_SODIUM) | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(RV64_CFLAGS) -I$(RV64_SODIUM_DIR)/src/src/libsodium/include -fsyntax-only $<
	@touch $@

# Keys and licenses, made by olic keygen / olic issue (mk/cli.mk builds it).
$(QEMU_DIR)/blobs.c: Sources/BareMetal/scripts/gen-blobs.sh $(BUILD)/olic
	@mkdir -p $(dir $@)
	Sources/BareMetal/scripts/gen-blobs.sh $(QEMU_DIR) $(BUILD)/olic

# The threshold scenario's v2 licenses: the core's encoder and olic_add_signature
# on the host, signed with libsodium from fixed seeds.
$(QEMU_DIR)/gen_threshold_blobs: Sources/BareMetal/scripts/gen_threshold_blobs.c $(OLIC_ARCHIVES) include/olic.h | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror $< -Iinclude $(OLIC_ARCHIVES) $(SODIUM_LIBS) -o $@

$(QEMU_DIR)/threshold_blobs.c: $(QEMU_DIR)/gen_threshold_blobs
	$(QEMU_DIR)/gen_threshold_blobs $@

$(QEMU_DIR)/obj/threshold_blobs.o: $(QEMU_DIR)/threshold_blobs.c Sources/BareMetal/threshold_blobs.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(RV64_CFLAGS) -c $< -o $@

$(QEMU_DIR)/obj/%.o: Sources/BareMetal/%.c $(wildcard Sources/BareMetal/*.h) include/olic.h \
    Sources/CSodium/bare/olic_sodium_min.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(RV64_CFLAGS) -c $< -o $@

$(QEMU_DIR)/obj/blobs.o: $(QEMU_DIR)/blobs.c Sources/BareMetal/blobs.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(RV64_CFLAGS) -c $< -o $@

$(QEMU_DIR)/obj/start.o: Sources/BareMetal/start.S | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(RV64_CFLAGS) -c $< -o $@

# Objects first, then the archives: the firmware's abort, randombytes and stack
# protector take the place of picolibc's and libsodium's.
# --wrap: fixed-base multiplication without libsodium's 30 KB table
#   (Sources/BareMetal/sodium/base_mult.c).
# picolibc's release build: the default one is built for size, with byte-at-a-
#   time memcpy/memset, and the core's blob copies then cost more than 1% of a
#   signature verification (docs/bare-metal.md, "Measurements").
$(QEMU_IMAGE): $(BAREMETAL_OBJECTS) $(QEMU_OLIC_OBJECT) $(RV64_SODIUM) Sources/BareMetal/link.ld \
    $(QEMU_DIR)/sodium_min_check.ok
	$(RV64_CC) $(RV64_CFLAGS) --picolibc-buildtype=release -nostartfiles \
	  -T Sources/BareMetal/link.ld -Wl,--gc-sections -Wl,--wrap=ge25519_scalarmult_base \
	  -Wl,--no-warn-rwx-segments -Wl,-Map=$(QEMU_DIR)/olic-rv64.map \
	  $(BAREMETAL_OBJECTS) $(QEMU_OLIC_OBJECT) $(RV64_SODIUM) -lc -lgcc -o $@
	@if nm $@ | grep -wE 'malloc|calloc|realloc|free|sodium_init|randombytes_stir'; then \
	  echo "FAIL: the image reaches the heap or libsodium's initialisation"; rm -f $@; exit 1; fi

# The run: QEMU's exit status is the scenario's verdict. The console log is
# kept for qemu-json.sh, and shown.
$(QEMU_JSON): $(QEMU_IMAGE) Sources/BareMetal/scripts/qemu-json.sh Sources/BareMetal/scripts/image-sizes.awk
	@echo "== $(QEMU_RUN) $(QEMU_IMAGE)"
	@timeout 120 $(QEMU_RUN) $(QEMU_IMAGE) > $(QEMU_DIR)/console.log 2>&1 \
	  || { rc=$$?; cat $(QEMU_DIR)/console.log; echo "FAIL: the bare-metal scenario exited with status $$rc"; exit 1; }
	@grep -v '^metric ' $(QEMU_DIR)/console.log
	Sources/BareMetal/scripts/qemu-json.sh $(QEMU_DIR)/console.log $(QEMU_IMAGE) \
	  $(QEMU_DIR)/olic-rv64.map $(QEMU_OLIC_OBJECT) > $@.tmp
	@mv $@.tmp $@
