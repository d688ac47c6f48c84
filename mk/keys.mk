# Regulator key custody: the CLI reads key files with OpenSSL's libcrypto and
# reaches PKCS#11 tokens through p11-kit's header (the module is dlopen'ed).
# test-keys runs Tests/cli/test_keys.py against a SoftHSM2 token it initialises
# in a temporary directory; bench-pkcs11 adds pkcs11_batch_over_file to
# build/bench.json.

APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq
SOFTHSM_MODULE = $(firstword $(wildcard /usr/lib/softhsm/libsofthsm2.so /usr/lib/$(shell uname -m)-linux-gnu/softhsm/libsofthsm2.so))
KEYS_TEST_DIR := $(BUILD)/keys-test

TEST_TARGETS += test-keys

.PHONY: keys-deps keys-test-deps test-keys bench-pkcs11

# What building build/olic needs: libcrypto's headers and p11-kit's pkcs11.h.
keys-deps:
	@if ! pkg-config --exists libcrypto 2>/dev/null || [ ! -f /usr/include/p11-kit-1/p11-kit/pkcs11.h ]; then \
	  echo "installing libssl-dev and libp11-kit-dev"; \
	  apt-get -o DPkg::Lock::Timeout=600 update -qq && $(APT_INSTALL) libssl-dev libp11-kit-dev pkg-config >/dev/null; \
	fi

# swift test builds every target of the package, the CLI's included.
$(BUILD)/olic test-swift: | keys-deps

# What the tests need: SoftHSM2, openssl's tool, and Python's cryptography.
keys-test-deps:
	@if ! command -v softhsm2-util >/dev/null || ! command -v openssl >/dev/null || ! command -v readelf >/dev/null; then \
	  echo "installing softhsm2, openssl and binutils"; \
	  apt-get -o DPkg::Lock::Timeout=600 update -qq && $(APT_INSTALL) softhsm2 openssl binutils >/dev/null; \
	fi
	@python3 -c 'import cryptography' 2>/dev/null || python3 -m pip install -q cryptography

test-keys: $(BUILD)/olic keys-test-deps
	python3 Tests/cli/test_keys.py --olic $(BUILD)/olic --module "$(SOFTHSM_MODULE)" --work-dir $(KEYS_TEST_DIR)

bench-pkcs11: $(BUILD)/olic keys-test-deps
	python3 Bench/pkcs11_batch.py --olic $(BUILD)/olic --module "$(SOFTHSM_MODULE)" \
	  --work-dir $(BUILD)/bench/pkcs11 --bench-json $(BUILD)/bench.json
