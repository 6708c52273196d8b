"""Exit codes of every stairload command, defined once.

``stairload run`` (and so ``make stress-scenarioN``) uses all of them; the other
commands use the ones that apply (``OK``, ``USAGE``, ``FAILED``, ``INTERRUPTED``).
"""

OK = 0  # done; for a run with a report, the verdict passed
FAILED = 1  # the command could not do its job for a reason that is not a user mistake
USAGE = 2  # bad option or bad configuration (scenarios.yaml, run.json): nothing ran
TARGET_UNREACHABLE = 3  # the target (or the host to warm up) did not answer
LOCUST_FAILED = 4  # Locust itself failed (see locust.log)
REGRESSED = 96  # stairload report gate: the run regressed against its baseline
ABORTED = 97  # an alarm rule with ``abort`` stopped the run
INCONCLUSIVE = 98  # the verdict could not be decided: the measurement is not valid
VERDICT_FAIL = 99  # the run completed but the verdict is FAIL (like k6's threshold code)
INTERRUPTED = 130  # Ctrl-C: the run directory is complete up to that moment
TERMINATED = 143  # SIGTERM: likewise

# stairload warmup only (its own meanings for 4 and 5, documented in stairload.cli.warmup)
WARMUP_TOO_MANY_ERRORS = 4  # the replay's error rate went past --max-error-rate
WARMUP_COMPLETION_FAILED = 5  # the completion call did not answer 200
