# Alarms (alarms/) and the warm-up runner (warmup/). Variables: HOST (default
# http://127.0.0.1:8080), WARMUP_SCENARIO (default scenario2), WARMUP_ARGS (more options for
# stairload warmup, e.g. --requests 1500 --complete-path /warmup/complete).
.PHONY: warmup alarm-rules alarm-seed

WARMUP_SCENARIO ?= scenario2
WARMUP_ARGS ?=

warmup: $(STAMP) ## Replay 10,000 real journey requests against HOST before its health check passes
	$(VENV)/bin/stairload warmup --host $(or $(HOST),http://127.0.0.1:8080) --scenario $(WARMUP_SCENARIO) $(WARMUP_ARGS)

alarm-rules: $(STAMP) ## List the alarm rules of scenarios.yaml
	$(VENV)/bin/stairload alarms rules --scenarios scenarios.yaml

alarm-seed: $(STAMP) ## Print the Slack payload for the source story's CloudWatch test event
	$(VENV)/bin/stairload alarms format-sns tests/alarms/fixtures/seed_sns_event.json
