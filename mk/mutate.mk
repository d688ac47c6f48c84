# make mutate: the project's own mutation run over the core (docs/testing.md).
# Every mutant of Tests/mutation/mutants.json is applied to Sources/OfflineLicensing,
# the core rebuilt, the fast suites run until one fails, and the file restored;
# build/mutate.json says what killed each one. Tens of minutes, so not in make test.
#   make mutate                                    every mutant
#   make mutate FILE=Sources/OfflineLicensing/X.swift   that file's mutants only
#   make mutate MUTATE_FLAGS="--all-suites"        every suite on every mutant
# make test-mutants is the cheap part that make test runs: every anchor of the list
# still applies exactly once, so a core change that leaves the list stale fails.

MUTANTS_FILE := Tests/mutation/mutants.json
MUTATE_FLAGS ?=

.PHONY: mutate test-mutants

mutate: | deps
	nice python3 Tests/mutation/run.py --mutants $(MUTANTS_FILE) --out $(BUILD)/mutate.json \
	  $(if $(FILE),--file $(FILE)) $(MUTATE_FLAGS)

test-mutants:
	python3 Tests/mutation/run.py --mutants $(MUTANTS_FILE) --lint

TEST_TARGETS += test-mutants
