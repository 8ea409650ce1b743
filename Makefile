# The two Quick start commands; see README.md.
.PHONY: demo test setup bench-scale

demo:
	./scripts/setup.sh
	./scripts/demo.sh

test:
	./scripts/setup.sh --test
	./scripts/test.sh

# The scale benchmark of issue 16 (10,000 and 100,000 synthetic tasks, both stores): the table goes into
# bench-output/scale/ and README.md's "Accuracy and speed" section. Takes an hour or more on 2 cores.
bench-scale:
	.venv/bin/python benchmarks/bench_scale.py --sizes 10000 100000 --readme
