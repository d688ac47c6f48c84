# The core's own tests: Swift unit tests on the host build, then C programs
# linked against build/libolic.a exactly as a vendor links it.

C_TESTS := $(patsubst Tests/C/%.c,$(BUILD)/ctest/%,$(wildcard Tests/C/*.c))

.PHONY: test-swift test-c test-heap run-example

test-swift: | deps
	swift test 2>&1 | tail -n 25

# The link line is the one the README promises vendors, and nothing more.
$(BUILD)/ctest/%: Tests/C/%.c $(BUILD)/libolic.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror $< -Iinclude $(BUILD)/libolic.a $(SODIUM_LIBS) -o $@

test-c: $(C_TESTS) test-heap
	@for t in $(C_TESTS); do echo "== $$t"; $$t; done

# The firmware library must not reach the heap, and must hold Embedded Swift code.
test-heap: $(BUILD)/libolic.a
	@if nm -u $(BUILD)/libolic.a | grep -wE 'malloc|calloc|realloc|free|posix_memalign|aligned_alloc|swift_slowAlloc'; then \
	  echo "FAIL: libolic.a references the heap"; exit 1; fi
	@for f in olic_status_name olic_parse olic_provision olic_init olic_check olic_install \
	  olic_reserve olic_state olic_make_request olic_verify_request; do \
	  nm -g --defined-only $(BUILD)/libolic.a | grep -qw "T $$f" || { echo "FAIL: $$f not exported"; exit 1; }; done
	@echo "libolic.a: every spec function exported, no heap reference"

run-example: $(BUILD)/ctest/readme_example
	$(BUILD)/ctest/readme_example
