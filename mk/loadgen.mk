# The load generator itself: how many requests one Locust core sends (benchmarks/).
.PHONY: bench-loadgen

bench-loadgen: $(STAMP) ## Req per Locust CPU-second: declarative scenario 2 vs the hand-written one (goal >= 0.9) and a bare user
	$(PY) benchmarks/bench_loadgen.py
