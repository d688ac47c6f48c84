# olic: `make` builds build/libolic.a (and the tools), `make run` plays the demo,
# `make test` runs every test. Each part of the project adds its own targets in
# mk/*.mk and appends to ALL_TARGETS, RUN_TARGETS and TEST_TARGETS.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all
MAKEFLAGS += --no-print-directory

BUILD   := build
SWIFTC  ?= swiftc
CC      := cc
CLANG   ?= clang
SODIUM_LIBS = $(shell pkg-config --libs libsodium 2>/dev/null)

CORE_SOURCES := $(sort $(wildcard Sources/OfflineLicensing/*.swift))

# The firmware library: the core in Embedded Swift, no heap, one object.
EMBEDDED_FLAGS := -enable-experimental-feature Embedded -wmo -Osize -no-allocations \
  -parse-as-library -module-name OfflineLicensing
HOST_MODULE_FLAGS := -I include -Xcc -fmodule-map-file=Sources/CSodium/module.modulemap \
  -Xcc -fmodule-map-file=Sources/COlicHarden/module.modulemap
# The core's private fault-hardening primitives (a clang module, never installed).
HARDEN_HEADERS := Sources/COlicHarden/module.modulemap Sources/COlicHarden/olic_harden.h

ALL_TARGETS  := $(BUILD)/libolic.a $(BUILD)/libolic-tools.a
RUN_TARGETS  :=
TEST_TARGETS := test-swift test-c test-nodiscard test-readme

.PHONY: all deps test run clean
.DELETE_ON_ERROR:

# Install what a fresh Debian machine lacks; a no-op when it is there.
deps:
	@if ! command -v pkg-config >/dev/null || ! pkg-config --exists libsodium; then \
	  echo "installing libsodium-dev and pkg-config"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium-dev pkg-config >/dev/null; \
	fi

# The exports that only tools call (include/olic.h, "Tools"): the helpers for
# assembling a threshold license. They ship in build/libolic-tools.a, so the
# device's library holds what a device runs and the rest of the ABI (the
# encoder, the request verifier, olic_key_id, olic_license_extension), but no
# code that only a regulator's tools call.
TOOL_EXPORTS := olic_parse_proposal olic_add_signature olic_license_digest
# What a program that uses the whole ABI links (order does not matter: the
# tools archive carries private copies of the parts it shares with the core).
OLIC_ARCHIVES = $(BUILD)/libolic-tools.a $(BUILD)/libolic.a

$(BUILD)/core/olic-swift.o: $(CORE_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) | deps
	@mkdir -p $(BUILD)/core
	@# The driver keeps an output that is newer than every source, even when
	@# the flags changed.
	@rm -f $@
	$(SWIFTC) $(EMBEDDED_FLAGS) $(HOST_MODULE_FLAGS) -Xfrontend -function-sections -c $(CORE_SOURCES) -o $@

# link_exports(roots, object): the exports that the shell command `roots`
# prints, and all they reach, from olic-swift.o. What they cannot reach (the
# Embedded runtime's unused stubs, such as swift_retain, and the other
# archive's exports) is dropped, as a firmware link with --gc-sections would
# drop it. Only the ABI stays global: the core's Swift symbols become local,
# so they never clash with a vendor's own symbols, nor the two archives'
# private copies with each other. Where the gc dropped every caller of an
# external symbol (the optional olic_platform_fault hook, in the tools
# archive), ld -r leaves it behind as a local undefined symbol, which a final
# link would insist on resolving: those go.
define link_exports
	roots=$$($(1)); test -n "$$roots"; \
	ld -r --gc-sections $$(printf -- ' -u %s' $$roots) -o $(2).kept $(BUILD)/core/olic-swift.o; \
	objcopy --wildcard --keep-global-symbol='olic_*' \
	  $$(readelf -sW $(2).kept | awk '$$5 == "LOCAL" && $$7 == "UND" && $$8 != "" { printf " --strip-symbol=%s", $$8 }') \
	  $(2).kept $(2); rm -f $(2).kept
endef
ABI_EXPORTS = nm -g --defined-only $(BUILD)/core/olic-swift.o | awk '$$3 ~ /^olic_/ { print $$3 }'

$(BUILD)/libolic.a: $(BUILD)/core/olic-swift.o
	$(call link_exports,$(ABI_EXPORTS) | grep -vxF $(foreach t,$(TOOL_EXPORTS),-e $(t)),$(BUILD)/core/olic.o)
	@rm -f $@.tmp && ar rcs $@.tmp $(BUILD)/core/olic.o && mv $@.tmp $@

$(BUILD)/libolic-tools.a: $(BUILD)/core/olic-swift.o
	$(call link_exports,printf '%s\n' $(TOOL_EXPORTS),$(BUILD)/core/olic-tools.o)
	@rm -f $@.tmp && ar rcs $@.tmp $(BUILD)/core/olic-tools.o && mv $@.tmp $@

include $(sort $(wildcard mk/*.mk))

all: $(ALL_TARGETS)

test: $(TEST_TARGETS)
	@echo "make test: all suites passed"

run: $(if $(RUN_TARGETS),$(RUN_TARGETS),run-example)

clean:
	rm -rf $(BUILD)
