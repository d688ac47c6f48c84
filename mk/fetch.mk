# The deb-src entries fetch-libsodium.sh derives from apt's own configuration,
# checked without network (the real fetch runs in make qemu).

TEST_TARGETS += test-fetch-sources

.PHONY: test-fetch-sources

test-fetch-sources:
	Tests/fetch/run.sh
