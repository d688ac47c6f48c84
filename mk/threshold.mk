# Threshold licenses (wire v2) in the CLI: issue --signers, cosign, inspect,
# verify --threshold, their key sources (SoftHSM2 included) and the ledger's
# co-signatures and schema migration. Tests/cli/test_threshold.py.

TEST_TARGETS += test-threshold
THRESHOLD_TEST_DIR := $(BUILD)/threshold-test

.PHONY: test-threshold

test-threshold: $(BUILD)/olic $(BUILD)/libolic.a keys-test-deps | deps-ledger
	python3 Tests/cli/test_threshold.py --olic $(BUILD)/olic --lib $(BUILD)/libolic.a \
	  --cc "$(CC)" --sodium-libs "$(SODIUM_LIBS)" --module "$(SOFTHSM_MODULE)" --work-dir $(THRESHOLD_TEST_DIR)
