# The load generator itself: how many requests one Locust core sends (benchmarks/).
.PHONY: bench-loadgen

bench-loadgen: $(STAMP) ## Print Scenario2User's req per Locust CPU-second vs a bare FastHttpUser (goal >= 0.9)
	$(PY) benchmarks/bench_loadgen.py
