# The previous release's NVM images (Tests/fixtures/nvm-v1, made by
# Tests/fixtures/gen_nvm_v1.c linked with that release's libolic.a).
# test-nvm-fixtures links the same generator with today's library: at 256 bytes
# the ring is the old A/B layout, so every 256-byte image, its manifest line and
# the whole 256-byte trace must come out byte for byte as committed. (Larger
# images differ by design: the ring goes on past slot 1.)

NVM_FIXTURES := Tests/fixtures/nvm-v1
NVM_GEN_DIR  := $(BUILD)/nvm-v1-regen

.PHONY: test-nvm-fixtures

$(BUILD)/gen_nvm_v1: Tests/fixtures/gen_nvm_v1.c $(BUILD)/libolic.a include/olic.h | deps
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -Wall -Wextra -Werror $< -Iinclude $(BUILD)/libolic.a $(SODIUM_LIBS) -o $@

test-nvm-fixtures: $(BUILD)/gen_nvm_v1
	@rm -rf $(NVM_GEN_DIR) && mkdir -p $(NVM_GEN_DIR)
	$(BUILD)/gen_nvm_v1 $(NVM_GEN_DIR)
	@n=0; for f in $(NVM_FIXTURES)/s256-*.nvm; do \
	  cmp $$f $(NVM_GEN_DIR)/$$(basename $$f) || { echo "FAIL: $$f differs from today's library"; exit 1; }; \
	  n=$$((n + 1)); done; \
	cmp $(NVM_FIXTURES)/trace-256.txt $(NVM_GEN_DIR)/trace-256.txt || { echo "FAIL: trace-256.txt differs"; exit 1; }; \
	diff <(grep '^s256-' $(NVM_FIXTURES)/manifest.txt) <(grep '^s256-' $(NVM_GEN_DIR)/manifest.txt) \
	  || { echo "FAIL: the 256-byte manifest lines differ"; exit 1; }; \
	[ "$$n" -eq 5 ] || { echo "FAIL: expected 5 images of 256 bytes, found $$n"; exit 1; }; \
	echo "nvm-v1 fixtures: today's library rewrites the $$n 256-byte images and the trace byte for byte"

TEST_TARGETS += test-nvm-fixtures
