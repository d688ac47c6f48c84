# Fault simulation of the RV64 image (docs/fault-injection.md).
#
#   make fault        the full campaign: every instruction instance of olic's code
#                     and of libsodium's verification tail, in every scenario,
#                     under every fault model; writes build/fault.json
#   make test-fault   the fixed subset that make test runs (every decision point);
#                     writes build/fault-test.json; fails on any successful fault
#
# make fault runs about 400,000 faults: 582 s of CPU (about 5 minutes on 2 free
# cores, 20 on a loaded machine), so make test runs only test-fault (about
# 70 s of CPU). Against a core without issue 15's countermeasures test-fault
# finds hundreds of successes and fails: it goes in together with the hardening.
#
# The image links the objects make qemu builds (the Swift core from make cross,
# libsodium from mk/qemu.mk, Sources/BareMetal's start.S, link.ld, nvm.c,
# randombytes.c, stack_protector.c, uart.c, exit.c) with Tests/fault/harness.c
# instead of the QEMU scenario. Unicorn (Debian's python3-unicorn, for
# /usr/bin/python3) runs it: Tests/fault/faultsim.py.
#
# The names below are this file's own: mk/qemu.mk is read after this one, so
# its variables are not yet set when these prerequisites are expanded.

FAULT_DIR := $(BUILD)/fault
FAULT_IMAGE := $(FAULT_DIR)/olic-fault.elf
FAULT_OLIC_OBJECT := $(BUILD)/cross/riscv64-none-none-eabi/olic.o
FAULT_SODIUM := $(BUILD)/libsodium-rv64/libsodium.a
FAULT_PYTHON := /usr/bin/python3
FAULT_SIM := $(FAULT_PYTHON) Tests/fault/faultsim.py
FAULT_JOBS ?= 2
FAULT_BAREMETAL := nvm randombytes stack_protector uart exit
FAULT_OBJECTS := $(patsubst %,$(FAULT_DIR)/obj/%.o,$(FAULT_BAREMETAL) start harness blobs)

.PHONY: fault test-fault fault-deps

fault: $(FAULT_IMAGE) | fault-deps
	nice $(FAULT_SIM) --image $(FAULT_IMAGE) --map $(FAULT_DIR)/olic-fault.map \
	  --olic-object $(FAULT_OLIC_OBJECT) --jobs $(FAULT_JOBS) --campaign full \
	  --out $(BUILD)/fault.json

test-fault: $(FAULT_IMAGE) | fault-deps
	nice $(FAULT_SIM) --image $(FAULT_IMAGE) --map $(FAULT_DIR)/olic-fault.map \
	  --olic-object $(FAULT_OLIC_OBJECT) --jobs $(FAULT_JOBS) --campaign test \
	  --out $(BUILD)/fault-test.json --fail-on-success

TEST_TARGETS += test-fault

# Unicorn for Debian's python3 (the python3 on PATH may be another one).
fault-deps: | qemu-deps
	@if ! $(FAULT_PYTHON) -c 'import unicorn' 2>/dev/null; then \
	  echo "installing python3-unicorn"; \
	  apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
	    python3-unicorn >/dev/null; \
	fi

# The licenses: encoded by the core (build/libolic.a), signed with fixed seeds.
$(FAULT_DIR)/gen_blobs: Tests/fault/gen_blobs.c $(OLIC_ARCHIVES) include/olic.h | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror $< -Iinclude $(OLIC_ARCHIVES) $(SODIUM_LIBS) -o $@

$(FAULT_DIR)/blobs.c: $(FAULT_DIR)/gen_blobs
	$(FAULT_DIR)/gen_blobs $@

FAULT_CFLAGS = $(RV64_CFLAGS) -ITests/fault

$(FAULT_DIR)/obj/%.o: Sources/BareMetal/%.c $(wildcard Sources/BareMetal/*.h) include/olic.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(FAULT_CFLAGS) -c $< -o $@

$(FAULT_DIR)/obj/start.o: Sources/BareMetal/start.S | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(FAULT_CFLAGS) -c $< -o $@

$(FAULT_DIR)/obj/harness.o: Tests/fault/harness.c Tests/fault/fault_blobs.h include/olic.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(FAULT_CFLAGS) -c $< -o $@

$(FAULT_DIR)/obj/blobs.o: $(FAULT_DIR)/blobs.c Tests/fault/fault_blobs.h | qemu-deps
	@mkdir -p $(dir $@)
	$(RV64_CC) $(FAULT_CFLAGS) -c $< -o $@

# The link line of mk/qemu.mk's image, with the harness for the scenario.
$(FAULT_IMAGE): $(FAULT_OBJECTS) $(FAULT_OLIC_OBJECT) $(FAULT_SODIUM) Sources/BareMetal/link.ld
	$(RV64_CC) $(FAULT_CFLAGS) --picolibc-buildtype=release -nostartfiles \
	  -T Sources/BareMetal/link.ld -Wl,--gc-sections -Wl,--wrap=ge25519_scalarmult_base \
	  -Wl,--no-warn-rwx-segments -Wl,-Map=$(FAULT_DIR)/olic-fault.map \
	  $(FAULT_OBJECTS) $(FAULT_OLIC_OBJECT) $(FAULT_SODIUM) -lc -lgcc -o $@
