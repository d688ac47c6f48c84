# make test-harden-object: the fault hardening of the core, found in its object
# code (Tests/harden/check_object.py): the twin checks, the verdict token and
# the fault paths the source intends, in the -Osize RV64 object of make cross
# and in the host object of build/libolic.a. A compiler that merges a twin into
# the check it repeats, or inlines the twins next to the originals, fails here.

HARDEN_CHECK := Tests/harden/check_object.py

.PHONY: test-harden-object

test-harden-object: $(CROSS_DIR)/riscv64-none-none-eabi/olic.o $(BUILD)/libolic.a $(HARDEN_CHECK) \
    Sources/OfflineLicensing/Twins.swift Sources/OfflineLicensing/StateTwins.swift | qemu-deps
	python3 $(HARDEN_CHECK) --arch rv64 --object $(CROSS_DIR)/riscv64-none-none-eabi/olic.o \
	  --objdump riscv64-unknown-elf-objdump --ld riscv64-unknown-elf-ld
	$(if $(filter x86_64,$(shell uname -m)),python3 $(HARDEN_CHECK) --arch x86_64 \
	  --object $(BUILD)/core/olic.o --objdump objdump --ld ld)

TEST_TARGETS += test-harden-object
