# The core's own tests: Swift unit tests on the host build, then C programs
# linked against build/libolic.a exactly as a vendor links it.

C_TESTS := $(patsubst Tests/C/%.c,$(BUILD)/ctest/%,$(wildcard Tests/C/*.c))

.PHONY: test-swift test-c test-heap run-example

test-swift: | deps
	swift test 2>&1 | tail -n 25

# The link line is the one the README promises vendors, and nothing more: the
# device library, and for the tests of the tools' exports the tools archive.
$(BUILD)/ctest/%: Tests/C/%.c $(OLIC_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror $< -Iinclude $(if $(filter threshold_test,$*),$(OLIC_ARCHIVES),$(BUILD)/libolic.a) $(SODIUM_LIBS) -o $@

test-c: $(C_TESTS) test-heap
	@for t in $(C_TESTS); do echo "== $$t"; $$t; done

# The firmware library must not reach the heap, and must hold Embedded Swift code.
test-heap: $(OLIC_ARCHIVES)
	@if nm -u $(OLIC_ARCHIVES) | grep -wE 'malloc|calloc|realloc|free|posix_memalign|aligned_alloc|swift_slowAlloc'; then \
	  echo "FAIL: libolic.a references the heap"; exit 1; fi
	@syms=$$(nm -g --defined-only $(BUILD)/libolic.a); \
	for f in olic_status_name olic_parse olic_provision olic_init olic_check olic_install \
	  olic_reserve olic_state olic_make_request olic_verify_request; do \
	  grep -qw "T $$f" <<<"$$syms" || { echo "FAIL: $$f not exported"; exit 1; }; done
	@# Embedded Swift mangles with the $$e prefix: the archive must hold the Swift core.
	@all=$$(nm $(BUILD)/libolic.a); grep -qF '$$e16OfflineLicensing' <<<"$$all" || { echo "FAIL: no Embedded Swift code in libolic.a"; exit 1; }
	@# The tools' exports are in libolic-tools.a, and only there.
	@for f in $(TOOL_EXPORTS); do \
	  nm -g --defined-only $(BUILD)/libolic-tools.a | grep -qw "T $$f" || { echo "FAIL: $$f not in libolic-tools.a"; exit 1; }; \
	  ! nm -g --defined-only $(BUILD)/libolic.a | grep -qw "$$f" || { echo "FAIL: $$f in libolic.a"; exit 1; }; done
	@echo "libolic.a: every spec function exported, no heap reference; libolic-tools.a: the tools' exports"

run-example: $(BUILD)/ctest/readme_example
	$(BUILD)/ctest/readme_example

# Ignoring a verdict must not compile: the header marks every status warn_unused_result.
test-nodiscard:
	@mkdir -p $(BUILD)/ctest
	@printf '#include "olic.h"\nvoid f(const olic_context *c, const uint8_t *l, size_t n) { olic_check(c, l, n, 0, NULL); }\n' > $(BUILD)/ctest/nodiscard.c
	@if $(CC) -std=c11 -Wall -Werror -Iinclude -c $(BUILD)/ctest/nodiscard.c -o /dev/null 2>/dev/null; then \
	  echo "FAIL: an ignored olic_check result compiled"; exit 1; fi
	@echo "olic.h: an ignored verdict is a compile error under -Werror"

# The README's C example is the tested one, line for line.
test-readme:
	@diff <(sed -n '/README:BEGIN/,/README:END/p' Tests/C/readme_example.c | sed '1d;$$d') \
	      <(sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' README.md | sed '1,2d;$$d' | sed '$$d') \
	  && echo "README example matches Tests/C/readme_example.c"

.PHONY: test-nodiscard test-readme
