# make cross: the Swift core in Embedded mode, no heap, for the bare-metal
# targets a security processor runs (docs/cross.md). One object per target:
#   build/cross/<target>/olic.o
# and build/cross/sizes.json, target -> text bytes (code + read-only data, as
# `size` counts them), which make bench reports as cross_text_bytes.
#
# libsodium has no headers for these targets: Sources/CSodium/bare is a module
# of the same name, CSodium, declaring only what the core calls, so the Swift
# sources are the same as for build/libolic.a. OLIC_BARE_METAL makes the core
# skip sodium_init (spec section 5).

CROSS_DIR := $(BUILD)/cross
CROSS_TARGETS := riscv64-none-none-eabi aarch64-none-none-elf
CROSS_SWIFT_FLAGS := $(EMBEDDED_FLAGS) -D OLIC_BARE_METAL -Xfrontend -function-sections \
  -I include -I Sources/CSodium/bare -I Sources/COlicHarden
# Per target (docs/cross.md):
#   riscv64: pinned to rv64imac/lp64 (no FPU, soft-float ABI), the arch and ABI
#     that riscv64-unknown-elf-gcc and picolibc's multilib use for the image
#     (mk/qemu.mk). Swift 6.3's default for this triple is the same today, and
#     its code is pc-relative (auipc, GOT for external symbols), so it links at
#     0x80000000 without a code-model flag; the pin keeps it so.
#   aarch64: -mgeneral-regs-only. Without it the core's inlined copies use the
#     SIMD registers (q0-q31), which trap on firmware that runs with FP/SIMD
#     disabled; with it the object has no FP/SIMD instruction at all.
CROSS_FLAGS_riscv64-none-none-eabi := -Xcc -march=rv64imac -Xcc -mabi=lp64
CROSS_FLAGS_aarch64-none-none-elf := -Xcc -mgeneral-regs-only
CROSS_OBJECTS := $(foreach t,$(CROSS_TARGETS),$(CROSS_DIR)/$(t)/olic.o)
# The toolchain's own disassembler: the host's objdump does not read AArch64.
CROSS_OBJDUMP := $(dir $(shell command -v $(SWIFTC) 2>/dev/null))llvm-objdump

.PHONY: cross test-cross

cross: $(CROSS_DIR)/sizes.json
	@cat $<

$(CROSS_DIR)/%/olic.o: $(CORE_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) \
    Sources/CSodium/bare/module.modulemap Sources/CSodium/bare/olic_sodium_min.h
	@mkdir -p $(dir $@)
	$(SWIFTC) -target $* $(CROSS_SWIFT_FLAGS) $(CROSS_FLAGS_$*) -c $(CORE_SOURCES) -o $@

$(CROSS_DIR)/sizes.json: $(CROSS_OBJECTS)
	@{ sep='{'; for t in $(CROSS_TARGETS); do \
	    bytes=$$(size -B $(CROSS_DIR)/$$t/olic.o | awk 'NR == 2 { print $$1 }'); \
	    printf '%s\n  "%s": %s' "$$sep" "$$t" "$$bytes"; sep=','; done; printf '\n}\n'; } > $@.tmp
	@mv $@.tmp $@

# The cross objects must not reach the heap either, and must export the ABI.
# (grep without -q: with pipefail, an early grep exit can kill nm with SIGPIPE.)
test-cross: $(CROSS_OBJECTS)
	@for o in $(CROSS_OBJECTS); do \
	  if nm -u $$o | grep -wE 'malloc|calloc|realloc|free|posix_memalign|aligned_alloc|swift_slowAlloc'; then \
	    echo "FAIL: $$o references the heap"; exit 1; fi; \
	  for f in olic_check olic_install olic_reserve olic_parse olic_init olic_make_request; do \
	    nm -g --defined-only $$o | grep -w "T $$f" >/dev/null || { echo "FAIL: $$f not in $$o"; exit 1; }; done; \
	  if nm -u $$o | grep -w sodium_init; then echo "FAIL: $$o calls sodium_init"; exit 1; fi; \
	done
	@n=$$($(CROSS_OBJDUMP) -d --no-show-raw-insn $(CROSS_DIR)/aarch64-none-none-elf/olic.o \
	  | awk -F'\t' 'NF >= 3 { print $$3 }' | sed 's/<[^>]*>//g' \
	  | { grep -cE '(^|[^a-z0-9_])[qvdsbh]([0-9]|[12][0-9]|3[01])([^0-9]|$$)' || true; }); \
	  if [ "$$n" != 0 ]; then echo "FAIL: $$n FP/SIMD register operands in the aarch64 object"; exit 1; fi
	@echo "cross: $(CROSS_TARGETS): no heap, ABI exported, sodium_init skipped, no FP/SIMD on aarch64"

TEST_TARGETS += test-cross
