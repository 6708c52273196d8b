.PHONY: bench-report

bench-report: $(STAMP) ## Time and peak memory of `reports build` on a 1-hour run (goal < 5 s, < 500 MB)
	$(PY) benchmarks/bench_report.py
