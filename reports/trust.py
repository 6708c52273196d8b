"""Whether a run's capacity answer can be trusted, and what would make it so: the report's
first lines (console and the top of report.html).

The answer is the USL model with its intervals and the instance counts. When the model is
not trustworthy, the lines say why (``UslModel.reason``) and what to change, each only
when the run shows it would help:

- more seconds per step, with the estimate of how many from the batch variance of the
  plateaus' TPS (below);
- probe steps below the plan, when fewer than ``MIN_POINTS`` plateaus were measured or
  none below the knee (each served at least ``BELOW_KNEE_SHARE`` of the highest TPS);
- a quieter machine, when its load average went past twice its cores (the verdict's
  oversubscribed caveat);
- a CPU budget for the embedded target (``--target-cpus 1``), when it ran without one.

How many seconds. With ``se_i`` the standard error of plateau ``i``'s TPS (batch means,
``reports.uncertainty``), the measurement noise the fit's residuals carry is about
``noise = sum se_i^2``; what is left, ``lack = max(0, SS_res - noise)``, is the curve's
own misfit, which longer steps do not shrink. Steps ``f`` times longer divide ``noise`` by
``f``, so R^2 reaches ``MIN_R2`` when ``lack + noise / f <= (1 - MIN_R2) SS_tot``:

    f_r2 = noise / ((1 - MIN_R2) SS_tot - lack)

and every plateau's 95% half-width ``h_i`` fits inside the allowed relative error of its
prediction ``X^(N_i)`` when ``f_rel = max_i (h_i / (MAX_RELATIVE_ERROR X^(N_i)))^2``.
The estimate is ``max(f_r2, f_rel)`` times the stair's step length, in the real (unscaled)
seconds ``--step-seconds`` takes. When ``lack`` alone breaks the R^2 rule, more seconds
would not help, and the line says the plateaus differ from any USL curve by more than
their own noise.

An open run (``--shape arrivals``) has no USL fit: its answer is the knee and the offered
rate at the target (``capacity.arrival_fit`` via ``reports.open_capacity``), and its
changes are longer steps (from the straddling step's MTT interval,
``Interval.seconds_to_settle``), a lower start rate, a higher end rate, a larger pool, a
quieter machine, each only when the fit shows it would help.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from capacity.arrival_fit import MIN_STEPS
from capacity.measured import CapacityReading
from capacity.usl import MAX_RELATIVE_ERROR, MIN_POINTS, MIN_R2, UslModel
from reports.open_capacity import open_fit
from reports.steps import StepResult
from reports.uncertainty import MIN_SECONDS
from reports.verdict import OVERSUBSCRIBED_LOAD_PER_CORE

# A plateau under this share of the highest TPS is on the rising part of the curve.
BELOW_KNEE_SHARE = 0.8
# Steps more than this many times longer are not offered as the fix: the noise is.
PRACTICAL_FACTOR = 10.0


@dataclass(frozen=True)
class RunConditions:
    """What the run was measured under, as far as its record says."""

    embedded_target: bool
    budget_cores: float | None
    load_average_max: float | None
    cores: int | None
    probes_planned: int
    step_seconds: float = 0.0  # the stair's step length in real (unscaled) seconds
    open_run: bool = False  # --shape arrivals: the steps are arrival rates, not users
    target_ms: float = 500.0  # the plan's MTT target (thresholds.mtt_ms)
    processes: int = 1  # load-generator processes (an open schedule is exact to one each)


@dataclass(frozen=True)
class Trust:
    """The first lines: the answer (or why there is none) and what to change."""

    trusted: bool
    summary: str
    changes: tuple[str, ...] = ()

    def lines(self) -> tuple[str, ...]:
        """``model: ...`` then one ``to trust it: ...`` line per change."""
        return (f"model: {self.summary}", *(f"to trust it: {change}" for change in self.changes))


def judge_trust(
    reading: CapacityReading,
    steps: Sequence[StepResult],
    probes: Sequence[StepResult],
    conditions: RunConditions,
) -> Trust:
    """The model's answer when it is trustworthy, else why not and what to change."""
    if conditions.open_run:
        return _open_trust(reading, steps, conditions)
    model = reading.model
    if model.trustworthy:
        return Trust(True, _answer(reading))
    measured = [step for step in (*probes, *steps) if step.valid and step.tps is not None]
    changes = []
    seconds = _seconds_estimate(model, measured, conditions.step_seconds)
    if seconds:
        changes.append(seconds)
    probe_change = _probe_change(model, conditions)
    if probe_change:
        changes.append(probe_change)
    changes.extend(_quieter_machine(conditions))
    if conditions.embedded_target and conditions.budget_cores is None:
        changes.append(
            "a CPU budget for the embedded target (--target-cpus 1), so it measures one "
            "core's worth of service instead of the share it wins from the load generator"
        )
    return Trust(False, f"NOT trustworthy: {model.reason}; {_counts(reading)}", tuple(changes))


def _quieter_machine(conditions: RunConditions) -> list[str]:
    load, cores = conditions.load_average_max, conditions.cores
    if load is None or not cores or load <= OVERSUBSCRIBED_LOAD_PER_CORE * cores:
        return []
    return [
        f"a quieter machine: the load average reached {load:.1f} on {cores} cores during "
        "the run, so the target's throughput moved with other work"
    ]


def _open_trust(
    reading: CapacityReading, steps: Sequence[StepResult], conditions: RunConditions
) -> Trust:
    """An open run's answer: the knee and the offered rate at the target (arrival fit)."""
    fit = open_fit(steps, conditions.target_ms, conditions.processes)
    answer = f"{fit.text}; {_counts(reading)}"
    if fit.trustworthy:
        return Trust(True, answer)
    changes = []
    if len(fit.points) < MIN_STEPS:
        changes.append(
            f"a stair of at least {MIN_STEPS} offered rates (--end-rate above --start-rate, "
            "and --step-rate), so the rates before and after the knee and the target are measured"
        )
    knee = fit.knee
    if knee.first_behind is not None and knee.last_kept is None:
        changes.append(
            f"a lower --start-rate (the first step, {knee.first_behind.offered_rate:,.2f} "
            "journeys/s, already fell behind), so some step keeps up"
        )
    straddling = fit.user_seen.straddling
    if straddling is not None:
        step = next((step for step in steps if step.step == straddling.step), None)
        if straddling.behind:
            changes.append(
                "a larger pool (--max-users) or more load-generator processes (--workers), "
                f"so the step at {straddling.offered_rate:,.2f} journeys/s keeps up: it fell "
                "behind, and its MTT counts only the journeys that started"
            )
        interval = step.mtt_interval if step is not None else None
        if step is not None and (
            interval is None or not interval.computable or interval.straddles(conditions.target_ms)
        ):
            changes.append(_settle_change(step, conditions))
    if not knee.reached and knee.highest_kept is not None:
        changes.append(
            f"a higher --end-rate (above {knee.highest_kept.offered_rate:,.2f} journeys/s), "
            "so the stair reaches the knee"
        )
    changes.extend(_quieter_machine(conditions))
    return Trust(False, f"NOT trustworthy: {fit.reason}; {answer}", tuple(changes))


def _settle_change(step: StepResult, conditions: RunConditions) -> str:
    """Longer steps, from the straddling step's MTT interval: how long until it excludes
    the target (``Interval.seconds_to_settle``), in the stair's real seconds."""
    interval = step.mtt_interval
    settle = interval.seconds_to_settle(conditions.target_ms) if interval is not None else None
    if interval is None or not interval.computable or settle is None or step.seconds <= 0:
        return (
            f"longer steps: the step at {step.label} has no MTT interval (at least "
            f"{MIN_SECONDS} s measured are needed); give --step-seconds"
        )
    factor = settle / step.seconds
    real = conditions.step_seconds or step.seconds
    needed = math.ceil(factor * real / 10.0) * 10
    if factor > PRACTICAL_FACTOR:
        return (
            f"steps about {factor:,.0f} times longer (--step-seconds {needed:,}, now "
            f"{real:,.0f}) to settle the user-seen MTT at {step.label} "
            f"({interval.estimate:,.1f} ms against {conditions.target_ms:g}): too long to be "
            "the fix: that step sits at the target, so the undetermined range is the answer"
        )
    return (
        f"about {needed:,} s per step (now {real:,.0f} s; {step.seconds:,.0f} s measured), "
        f"from the batch variance of the user-seen MTT at {step.label}: --step-seconds "
        f"{needed:,}"
    )


def _answer(reading: CapacityReading) -> str:
    model, intervals = reading.model, reading.intervals
    points = len(model.points)
    probes = sum(point.probe for point in model.points)
    parts = [f"USL fit over {points} plateaus ({probes} probe steps), R^2 {model.r2:.3f}"]
    peak = "never (kappa = 0)" if model.peak_users is None else f"{model.peak_users:,.0f} users"
    if intervals is not None and model.peak_users is not None:
        peak += f" (95% CI {intervals.peak_users.text(0)})"
    parts.append(f"peak concurrency N* {peak}")
    if model.users_at_target is not None:
        users = f"{model.users_at_target:,.0f}"
        if intervals is not None:
            users += f" (95% CI {intervals.users_at_target.text(0)})"
        parts.append(f"users at {model.target_ms:g} ms {users}")
    if intervals is None and reading.intervals_reason:
        parts.append(f"no intervals: {reading.intervals_reason}")
    parts.append(_counts(reading))
    return "; ".join(parts)


def _counts(reading: CapacityReading) -> str:
    """The instance counts with their ranges, or why there are none."""
    instances = reading.instances
    if not instances.cases:
        return f"no instance count ({instances.reason or 'no CPU data'})"
    counts = ", ".join(f"{case.case} {case.text}" for case in instances.cases)
    bound = instances.binding_limit
    by = f" (bound: {bound.name})" if bound is not None else ""
    return f"instances at {instances.target_cpu_percent:g}% CPU: {counts}{by}"


def _seconds_estimate(model: UslModel, measured: Sequence[StepResult], step_seconds: float) -> str:
    """More seconds per step, with how many, when the batch variance says it would help."""
    if not model.fitted or len(measured) < MIN_POINTS:
        return ""
    rows = []
    for step in measured:
        interval = step.tps_interval
        predicted = model.tps_at(step.users)
        if interval is None or interval.standard_error is None:
            shortest = min(step.seconds for step in measured)
            return (
                f"longer steps: some plateaus were measured only {shortest:.0f} s, too few "
                f"for a 95% interval of their TPS (at least {MIN_SECONDS} s each; probe steps "
                "last half a step), so how much longer cannot be estimated from this run; "
                "run at a larger --time-scale or give --step-seconds"
            )
        if not predicted:
            return ""
        rows.append((step, interval, predicted))
    mean = sum(step.tps for step, _, _ in rows) / len(rows)  # type: ignore[misc]
    total = sum((step.tps - mean) ** 2 for step, _, _ in rows)  # type: ignore[operator]
    residual = sum((step.tps - predicted) ** 2 for step, _, predicted in rows)  # type: ignore[operator]
    noise = sum(interval.standard_error**2 for _, interval, _ in rows)  # type: ignore[operator]
    lack = max(0.0, residual - noise)
    allowed = (1.0 - MIN_R2) * total
    typical = sorted(step.seconds for step, _, _ in rows)[len(rows) // 2]  # a planned step's
    if lack >= allowed:
        return (
            f"the plateaus differ from the fitted curve by more than their own noise "
            f"(residual {math.sqrt(residual / len(rows)):,.0f} TPS per plateau against a "
            f"standard error of {math.sqrt(noise / len(rows)):,.0f}): longer steps alone "
            "would not make the fit trustworthy"
        )
    factor_r2 = noise / (allowed - lack) if noise > 0 else 0.0
    factor_rel = max(
        (interval.half_width or 0.0) ** 2 / (MAX_RELATIVE_ERROR * predicted) ** 2
        for _, interval, predicted in rows
    )
    factor = max(factor_r2, factor_rel)
    if factor <= 1.0:
        return ""
    real = step_seconds or typical  # --step-seconds is in real (unscaled) seconds
    needed = math.ceil(factor * real / 10.0) * 10
    if factor > PRACTICAL_FACTOR:
        return (
            f"steps about {factor:,.0f} times longer (--step-seconds {needed:,}, now "
            f"{real:,.0f}), from the batch variance of the plateaus' TPS: too long to be the "
            "fix; the noise has to come down first (the changes below)"
        )
    return (
        f"about {needed:,} s per step (now {real:,.0f} s; {typical:,.0f} s measured each), "
        f"from the batch variance of the plateaus' TPS: --step-seconds {needed:,} "
        "(probe steps get half of it)"
    )


def _probe_change(model: UslModel, conditions: RunConditions) -> str:
    """Probe steps below the plan, when the model lacks points or none is below the knee.

    Below the knee means a plateau whose TPS is under ``BELOW_KNEE_SHARE`` of the highest
    measured TPS: the curve still rises there, so lambda and sigma are pinned down.
    """
    points = sorted(model.points, key=lambda point: point.users)
    probes = sum(point.probe for point in points)
    peak = max((point.tps for point in points), default=0.0)
    rising = [point for point in points if point.tps < BELOW_KNEE_SHARE * peak]
    if len(points) >= MIN_POINTS and rising:
        return ""
    why = (
        f"only {len(points)} plateaus measured (the fit needs {MIN_POINTS})"
        if len(points) < MIN_POINTS
        else f"the smallest plateau ({points[0].users:,.0f} users) already served "
        f"{points[0].tps / peak:.0%} of the highest TPS: no plateau is below the knee"
    )
    if not conditions.probes_planned:
        return (
            f"probe steps below the plan ({why}): the built-in scenarios have them unless "
            "--no-probes, or give --probe-users 1,4,16,64"
        )
    return f"more or smaller probe steps ({why}; {probes} probes ran), e.g. --probe-users 1,2,4,8"
