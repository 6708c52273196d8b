"""Exit codes of ``python -m stressrun`` (and so of ``make stress-scenarioN``)."""

OK = 0  # the run completed and the verdict passed (or no report was asked for)
USAGE = 2  # bad option or bad scenarios.yaml: nothing ran
TARGET_UNREACHABLE = 3  # the target did not answer before the run; run.json says so
LOCUST_FAILED = 4  # Locust itself failed (see locust.log)
VERDICT_FAIL = 99  # the run completed but the verdict is FAIL (like k6's threshold code)
INTERRUPTED = 130  # Ctrl-C: the run directory is complete up to that moment
TERMINATED = 143  # SIGTERM: likewise
