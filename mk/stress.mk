# Stress runs. Variables: HOST (unset: start the embedded target), WORKERS (0: one process;
# N: a master and N local workers), TIME_SCALE, USERS_SCALE, RUN_DIR, STRESS_ARGS (more
# options for python -m stressrun, e.g. --hold-seconds 120).
HOST ?=
WORKERS ?= 0
TIME_SCALE ?= 1
USERS_SCALE ?= 1
RUN_DIR ?=
STRESS_ARGS ?=
_STRESS_OPTIONS = --workers $(WORKERS) --time-scale $(TIME_SCALE) --users-scale $(USERS_SCALE) \
	$(if $(HOST),--host $(HOST)) $(if $(RUN_DIR),--run-dir $(RUN_DIR)) $(STRESS_ARGS)

stress-scenario%: $(STAMP) ## Stair run of scenario 1, 2 or 3 (average to stress VUser, hold), then the report
	$(PY) -m stressrun scenario$* $(_STRESS_OPTIONS)

average-scenario%: $(STAMP) ## Constant load at scenario 1, 2 or 3's average-case VUser, then the report
	$(PY) -m stressrun scenario$* --shape constant $(_STRESS_OPTIONS)
