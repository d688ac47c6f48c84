# `make run` promises commands a reader can paste: test-demo runs the demo, checks
# its width (100 columns) and replays every printed command in a fresh shell.

TEST_TARGETS += test-demo

.PHONY: test-demo

test-demo: $(BUILD)/mock-firmware $(BUILD)/olic
	python3 Tests/firmware/demo_paste.py $(BUILD)
