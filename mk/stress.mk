# Stress runs. Variables: SCENARIO (any scenario of SCENARIOS), SCENARIOS (default
# scenarios.yaml), LOCUSTFILE (run that locustfile's user classes instead of the scenario's
# steps), HOST (unset: start the embedded target), WORKERS (auto: chosen from the cores and
# the plan; 0: one process; N: a master and N local workers), TIME_SCALE, USERS_SCALE,
# RUN_DIR, WEB (1: serve the live page on 127.0.0.1, see docs/watching.md), WEB_PORT (its
# port, default 8089; given alone it implies WEB=1), SHAPE (arrivals: an open stair of
# journey starts per second), PROBES (on: the scenario's probe steps below the plan, for
# the capacity model; empty or 0: --no-probes), STRESS_ARGS (more options for stairload,
# e.g. --hold-seconds 120). make exits 2 whenever the run's code is not 0; the run's own
# code is in make's "Error N" and in stairload's last line. `.venv/bin/stairload` exits with it.
SCENARIO ?=
SCENARIOS ?= scenarios.yaml
LOCUSTFILE ?=
HOST ?=
WORKERS ?= auto
TIME_SCALE ?= 1
USERS_SCALE ?= 1
RUN_DIR ?=
WEB ?=
WEB_PORT ?=
PROBES ?= on
STRESS_ARGS ?=
SHAPE ?=
_STRESS_OPTIONS = --scenarios $(SCENARIOS) --workers $(WORKERS) --time-scale $(TIME_SCALE) \
	--users-scale $(USERS_SCALE) $(if $(HOST),--host $(HOST)) $(if $(RUN_DIR),--run-dir $(RUN_DIR)) \
	$(if $(LOCUSTFILE),--locustfile $(LOCUSTFILE)) $(if $(or $(filter 1,$(WEB)),$(WEB_PORT)),--web) \
	$(if $(WEB_PORT),--web-port $(WEB_PORT)) $(if $(SHAPE),--shape $(SHAPE)) \
	$(if $(filter-out 0 no off,$(PROBES)),,--no-probes) $(STRESS_ARGS)
_NEED_SCENARIO = $(if $(SCENARIO),,$(error SCENARIO is not set: make $@ SCENARIO=<name of a scenario in $(SCENARIOS)>))

.PHONY: stress average
stress: $(STAMP) ## Stair run of SCENARIO=<name> (average to stress VUser, hold), then the report
	$(_NEED_SCENARIO)
	$(VENV)/bin/stairload run $(SCENARIO) $(_STRESS_OPTIONS)

average: $(STAMP) ## Constant load at SCENARIO=<name>'s average-case VUser, then the report
	$(_NEED_SCENARIO)
	$(VENV)/bin/stairload run $(SCENARIO) --shape constant $(_STRESS_OPTIONS)

stress-scenario%: $(STAMP) ## Shorthand: make stress SCENARIO=scenarioN (1, 2 or 3)
	$(VENV)/bin/stairload run scenario$* $(_STRESS_OPTIONS)

average-scenario%: $(STAMP) ## Shorthand: make average SCENARIO=scenarioN (1, 2 or 3)
	$(VENV)/bin/stairload run scenario$* --shape constant $(_STRESS_OPTIONS)
