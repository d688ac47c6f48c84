# Examples in docs/ are the tested ones, line for line (as test-readme does for
# the README): docs/integration.md's refusal log is Tests/C/refusal_log.c's.

TEST_TARGETS += test-docs-c

.PHONY: test-docs-c

test-docs-c:
	@diff <(sed -n '/DOC:BEGIN/,/DOC:END/p' Tests/C/refusal_log.c | sed '1d;$$d') \
	      <(sed -n '/<!-- refusal-example:begin -->/,/<!-- refusal-example:end -->/p' docs/integration.md \
	        | sed '1,2d;$$d' | sed '$$d') \
	  && echo "docs/integration.md's refusal example matches Tests/C/refusal_log.c"
