.PHONY: bench-report

bench-report: $(STAMP) ## Time and peak memory of `reports build` on a 24-hour run (goal < 30 s, < 500 MB)
	$(PY) benchmarks/bench_report.py
