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

ALL_TARGETS  := $(BUILD)/libolic.a
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

$(BUILD)/libolic.a: $(CORE_SOURCES) include/olic.h include/module.modulemap $(HARDEN_HEADERS) | deps
	@mkdir -p $(BUILD)/core
	@# The driver keeps an output that is newer than every source, even when
	@# the flags changed.
	@rm -f $(BUILD)/core/olic-swift.o
	$(SWIFTC) $(EMBEDDED_FLAGS) $(HOST_MODULE_FLAGS) -Xfrontend -function-sections -c $(CORE_SOURCES) \
	  -o $(BUILD)/core/olic-swift.o
	@# The ABI's functions are the roots: what they cannot reach (the Embedded
	@# runtime's unused stubs, such as swift_retain) is dropped, as a firmware
	@# link with --gc-sections would drop it.
	ld -r --gc-sections $$(nm -g --defined-only $(BUILD)/core/olic-swift.o | \
	  awk '$$3 ~ /^olic_/ { printf " -u %s", $$3 }') -o $(BUILD)/core/olic-kept.o $(BUILD)/core/olic-swift.o
	@# Only the ABI is global: the core's Swift symbols become local, so they
	@# can never clash with a vendor's own symbols.
	objcopy --wildcard --keep-global-symbol='olic_*' $(BUILD)/core/olic-kept.o $(BUILD)/core/olic.o
	@rm -f $@.tmp && ar rcs $@.tmp $(BUILD)/core/olic.o && mv $@.tmp $@

include $(sort $(wildcard mk/*.mk))

all: $(ALL_TARGETS)

test: $(TEST_TARGETS)
	@echo "make test: all suites passed"

run: $(if $(RUN_TARGETS),$(RUN_TARGETS),run-example)

clean:
	rm -rf $(BUILD)
