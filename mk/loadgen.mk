# The load generator itself against its peers: stairload, bare Locust and k6 (benchmarks/).
# Not part of `make test` (a benchmark, ~12 minutes); tests/benchmarks runs it at a tiny scale.
.PHONY: bench-loadgen

BENCH_LOADGEN_ARGS ?=

bench-loadgen: $(STAMP) ## stairload vs bare Locust vs k6, same work, target on CPU 0 and generator on CPU 1: req per generator CPU-s, latency, memory, start time; medians of 3 rounds and ratios (BENCH_LOADGEN_ARGS="--seconds 5 --rounds 1" for a quick look)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[bench]'
	$(PY) benchmarks/bench_loadgen.py $(BENCH_LOADGEN_ARGS)
