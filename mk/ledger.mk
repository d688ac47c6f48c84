# The regulator's ledger: the CLI links SQLite's C API (libsqlite3-dev, a SwiftPM
# system library), and its process tests edit ledgers with the sqlite3 shell.
# Both are installed when a machine lacks them.

TEST_TARGETS += test-ledger
LEDGER_TEST_DIR := $(BUILD)/ledger-test

.PHONY: deps-ledger test-ledger

deps-ledger:
	@if ! pkg-config --exists sqlite3 2>/dev/null || ! command -v sqlite3 >/dev/null; then \
	  echo "installing libsqlite3-dev and sqlite3"; \
	  apt-get update -qq -o DPkg::Lock::Timeout=600 && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq -o DPkg::Lock::Timeout=600 libsqlite3-dev sqlite3 >/dev/null; \
	fi

# Order-only: the CLI needs the headers to build, not a rebuild when apt runs.
# swift test builds every target of the package, the CLI's included.
$(BUILD)/olic test-swift: | deps-ledger

test-ledger: $(BUILD)/olic $(BUILD)/libolic.a | deps-ledger
	@command -v openssl >/dev/null || { apt-get update -qq -o DPkg::Lock::Timeout=600 && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 openssl >/dev/null; }
	python3 Tests/cli/test_ledger.py --olic $(BUILD)/olic --lib $(BUILD)/libolic.a \
	  --cc "$(CC)" --sodium-libs "$(SODIUM_LIBS)" --work-dir $(LEDGER_TEST_DIR)
