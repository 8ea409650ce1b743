# The two Quick start commands; see README.md.
.PHONY: demo test setup

demo:
	./scripts/setup.sh
	./scripts/demo.sh

test:
	./scripts/setup.sh --test
	./scripts/test.sh
