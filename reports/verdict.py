"""The verdict: checks against run.json's thresholds and plan, the breaking point, the knee.

Gate checks decide PASS/FAIL: MTT at the stress (last planned) step <= thresholds.mtt_ms,
and the whole run's error rate <= thresholds.error_rate. A stress step that was never
measured fails its check: a run cannot pass a level it did not reach. TPS at the stress
step vs plan.target_tps is informational: in a closed model with zero think time
TPS = users / MTT, so it restates the MTT check, and with think time the plan's target
is not reachable by design.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from reports.rundata import RunInfo
from reports.steps import StepResult

PASS, FAIL = "PASS", "FAIL"
_EXIT_NOTES = {
    "interrupted": "The run was interrupted (Ctrl-C) before the plan finished.",
    "terminated": "The run was terminated (SIGTERM) before the plan finished.",
    "target_unreachable": "The run stopped because the target was unreachable.",
    "error": "The run stopped on an error.",
    "starting": "run.json still says 'starting': the run never recorded its end (killed?).",
    "running": "run.json still says 'running': the run never recorded its end (killed?).",
}


@dataclass(frozen=True)
class Check:
    """One comparison of a measured value with its limit."""

    name: str
    measured: float | None
    limit: float | None
    passed: bool
    gate: bool
    rule: str


@dataclass(frozen=True)
class Verdict:
    """Everything the report says about pass or fail, and why it might be wrong."""

    verdict: str
    checks: tuple[Check, ...]
    peak_tps: float | None
    max_users_within_target: int | None
    first_breach_step: int | None
    knee_step: int | None
    exit_reason: str
    exit_note: str | None
    caveats: tuple[str, ...]


def judge(run: RunInfo, steps: Sequence[StepResult]) -> Verdict:
    """Compare the measured steps with the run's thresholds and plan."""
    stress = steps[-1]
    requests = sum(step.requests for step in steps if step.measured)
    failures = sum(step.failures for step in steps if step.measured)
    run_error_rate = failures / requests if requests else None
    checks = (
        Check(
            "mtt_at_stress_step_ms",
            stress.mtt_ms,
            run.mtt_ms,
            stress.mtt_ms is not None and stress.mtt_ms <= run.mtt_ms,
            True,
            f"MTT at the stress step ({stress.users} users) <= {run.mtt_ms:g} ms",
        ),
        Check(
            "error_rate",
            run_error_rate,
            run.error_rate,
            run_error_rate is not None and run_error_rate <= run.error_rate,
            True,
            f"failed / all requests in the measured steps <= {run.error_rate:.2%}",
        ),
        Check(
            "tps_at_stress_step",
            stress.tps,
            run.target_tps,
            stress.tps is not None and run.target_tps is not None and stress.tps >= run.target_tps,
            False,
            "informational: TPS at the stress step >= plan.target_tps",
        ),
    )
    measured = [step for step in steps if step.measured]
    within = [step for step in measured if step.mtt_ms is not None and step.mtt_ms <= run.mtt_ms]
    breach = [step for step in measured if step not in within]
    passed = all(check.passed for check in checks if check.gate)
    return Verdict(
        verdict=PASS if passed else FAIL,
        checks=checks,
        peak_tps=max((step.tps for step in measured if step.tps is not None), default=None),
        max_users_within_target=within[-1].users if within else None,
        first_breach_step=breach[0].step if breach else None,
        knee_step=knee(measured),
        exit_reason=run.exit_reason,
        exit_note=_EXIT_NOTES.get(run.exit_reason),
        caveats=_caveats(run, steps),
    )


def knee(steps: Sequence[StepResult]) -> int | None:
    """First step whose TPS gained per added user is below half of the first step's.

    The first step's gain is its TPS per user (from zero users); each later step's gain
    is (TPS - previous TPS) / (users - previous users) between consecutive steps.
    """
    usable = [step for step in steps if step.tps is not None and step.users > 0]
    if len(usable) < 2:
        return None
    first_gain = usable[0].tps / usable[0].users
    for previous, step in itertools.pairwise(usable):
        added = step.users - previous.users
        if added > 0 and (step.tps - previous.tps) / added < first_gain / 2:
            return step.step
    return None


def _caveats(run: RunInfo, steps: Sequence[StepResult]) -> tuple[str, ...]:
    caveats = []
    if run.saturated or run.cpu_warnings:
        marked = [str(step.step) for step in steps if step.cpu_warning]
        label = "step" if len(marked) == 1 else "steps"
        where = f" ({label} {', '.join(marked)})" if marked else ""
        caveats.append(
            f"The load generator ran hot{where}: {len(run.cpu_warnings)} CPU warning(s)"
            f"{', saturated' if run.saturated else ''}. Figures may be bounded by the "
            "generator, not the target."
        )
    if run.lost_workers:
        caveats.append(f"{run.lost_workers} worker(s) were lost during the run.")
    unreached = [str(step.step) for step in steps if not step.measured]
    if unreached:
        caveats.append(f"Steps without a measurement: {', '.join(unreached)}.")
    return tuple(caveats)
