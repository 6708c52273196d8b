# Stress runs. Variables: HOST (unset: start the embedded target), WORKERS (auto: chosen
# from the cores and the plan; 0: one process; N: a master and N local workers),
# TIME_SCALE, USERS_SCALE, RUN_DIR, STRESS_ARGS (more options for stairload, e.g.
# --hold-seconds 120). make exits 2 whenever the run's code is not 0; the run's own code is
# in make's "Error N" and in stairload's last line. `.venv/bin/stairload` exits with it.
HOST ?=
WORKERS ?= auto
TIME_SCALE ?= 1
USERS_SCALE ?= 1
RUN_DIR ?=
STRESS_ARGS ?=
_STRESS_OPTIONS = --workers $(WORKERS) --time-scale $(TIME_SCALE) --users-scale $(USERS_SCALE) \
	$(if $(HOST),--host $(HOST)) $(if $(RUN_DIR),--run-dir $(RUN_DIR)) $(STRESS_ARGS)

stress-scenario%: $(STAMP) ## Stair run of scenario 1, 2 or 3 (average to stress VUser, hold), then the report
	$(VENV)/bin/stairload scenario$* $(_STRESS_OPTIONS)

average-scenario%: $(STAMP) ## Constant load at scenario 1, 2 or 3's average-case VUser, then the report
	$(VENV)/bin/stairload scenario$* --shape constant $(_STRESS_OPTIONS)
