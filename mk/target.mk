# The embedded target service (target_app/): run it, benchmark it.
.PHONY: target bench-target bench-target-servers

TARGET_ARGS ?= --host 127.0.0.1 --port 8080 --db runs/target/target.db --users 10000

target: $(STAMP) ## Run the embedded target in the foreground (TARGET_ARGS=... to change)
	$(VENV)/bin/stairload target $(TARGET_ARGS)

bench-target: $(STAMP) ## Print target req/s on one core (get-trip, create-trip, day plans) via wrk
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) benchmarks/bench_target.py

bench-target-servers: $(STAMP) ## Compare uvicorn and granian on one core for the same app via wrk
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) benchmarks/bench_target_servers.py
