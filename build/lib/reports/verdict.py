"""The verdict: checks against run.json's thresholds and plan, the breaking point, the knee.

Gate checks decide PASS/FAIL: MTT at the stress (last planned) step <= thresholds.mtt_ms,
and the whole run's error rate <= thresholds.error_rate. A stress step that was never
measured fails its check: a run cannot pass a level it did not reach. TPS at the stress
step vs plan.target_tps is informational, shown against "plan", not as a limit: in a
closed model with zero think time TPS = users / MTT, so it restates the MTT check.

A step that did not run the plan is invalid: its median users fell short of the plan by
more than 5% (``reports.steps``: rows of a data file exhausted, a worker lost, users that
stopped). It is left out like a saturated step. Requests the load generator could not send
(a missing variable, a header value with a line break, its own "too many open files":
``stairload.core.faults``) are not the target's failures: any of them makes the verdict
INCONCLUSIVE, never PASS and never a FAIL blamed on the service.

A step measured while the load generator was saturated is invalid (``reports.generator``):
its figures describe the generator. When the stress step is invalid the verdict is
INCONCLUSIVE, never PASS or FAIL, except that an error rate over the threshold is FAIL
whatever the generator did: a saturated generator only sends less load than planned, so
the failures it saw are real and would not be fewer at the planned load. The knee, the
peak TPS and "max users within target" use valid steps only; a step is within target when
its MTT and its error rate are both within the thresholds. A step whose event loop lagged
and whose MTT is over the target by less than the lag is invalid too
(``reports.generator_lag``): the breach may be the generator's own queueing.

Each decision is stated only as firmly as the steps' 95% intervals allow
(``reports.decisions``): max users within target may be "undetermined between N and M
users", the knee "not found in this run", and a PASS or FAIL whose stress step's MTT
interval straddles the target says it is "at the margin" and how many seconds per step
would settle it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reports.decisions import (
    STRADDLES,
    UsersWithinTarget,
    against_target,
    knee_with_confidence,
    users_within_target,
)
from reports.generator import LOOP_LAG_LIMIT_MS, Capacity, capacity_needed
from reports.rundata import RunInfo
from reports.steps import StepResult
from stairload.core import exitcodes

PASS, FAIL, INCONCLUSIVE = "PASS", "FAIL", "INCONCLUSIVE"


@dataclass(frozen=True)
class Check:
    """One comparison of a measured value with its limit (or, informational, the plan)."""

    name: str
    measured: float | None
    limit: float | None
    passed: bool
    gate: bool
    rule: str
    reference: str = "limit"  # what `limit` is: "limit" for a gate, "plan" for the TPS row
    invalid_reason: str | None = None  # set when the measured value is not valid
    margin: str = ""  # set when the measured value's 95% interval straddles the limit


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
    reason: str = ""
    invalid_steps: tuple[int, ...] = ()
    advice: tuple[str, ...] = ()
    capacity: Capacity | None = None
    faults: int = 0  # requests the generator could not send (not the target's failures)
    users_within: UsersWithinTarget | None = None  # max users within target, with its range
    knee_note: str = ""  # how firmly the knee was found, or why not


def within_target(step: StepResult, run: RunInfo) -> bool:
    """A valid step whose MTT and error rate are both within the run's thresholds."""
    return (
        step.valid
        and step.mtt_ms is not None
        and step.mtt_ms <= run.mtt_ms
        and step.error_rate is not None
        and step.error_rate <= run.error_rate
    )


def judge(
    run: RunInfo, steps: Sequence[StepResult], *, intervals_cut: bool = False, faults: int = 0
) -> Verdict:
    """Compare the measured steps with the run's thresholds and plan.

    ``intervals_cut``: intervals.csv's last line was cut mid-write and left out.
    ``faults``: requests the generator could not send over the whole run.
    """
    stress = steps[-1]
    measured = [step for step in steps if step.measured]
    valid = [step for step in measured if step.valid]
    requests = sum(step.requests for step in measured)
    failures = sum(step.failures for step in measured)
    run_error_rate = failures / requests if requests else None
    stress_invalid = stress.invalid_reason
    mtt = Check(
        "mtt_at_stress_step_ms",
        stress.mtt_ms,
        run.mtt_ms,
        stress.valid and stress.mtt_ms is not None and stress.mtt_ms <= run.mtt_ms,
        True,
        f"MTT at the stress step ({stress.label}) <= {run.mtt_ms:g} ms",
        invalid_reason=stress_invalid,
        margin=_margin(run, stress),
    )
    errors = Check(
        "error_rate",
        run_error_rate,
        run.error_rate,
        run_error_rate is not None and run_error_rate <= run.error_rate,
        True,
        f"failed / all requests in the measured steps <= {run.error_rate:.2%}",
    )
    tps = Check(
        "tps_at_stress_step",
        stress.tps,
        run.target_tps,
        stress.tps is not None and run.target_tps is not None and stress.tps >= run.target_tps,
        False,
        "informational: TPS at the stress step vs the plan's target TPS",
        reference="plan",
        invalid_reason=stress_invalid,
    )
    outcome, reason = _outcome(run, stress, mtt, errors, faults)
    if mtt.margin and outcome in (PASS, FAIL) and (errors.passed or errors.measured is None):
        reason = f"{reason} ({mtt.margin})"
    breach = [step for step in valid if not within_target(step, run)]
    users_within = users_within_target(valid, run.mtt_ms, run.error_rate)
    knee_found = knee_with_confidence(valid)
    invalid = tuple(step.step for step in measured if not step.valid)
    saturated = any(step.saturated for step in measured)
    capacity = _capacity(run, measured) if saturated else None
    return Verdict(
        verdict=outcome,
        checks=(mtt, errors, tps),
        peak_tps=max((step.tps for step in valid if step.tps is not None), default=None),
        max_users_within_target=users_within.users,
        first_breach_step=breach[0].step if breach else None,
        knee_step=knee_found.step,
        exit_reason=run.exit_reason,
        exit_note=run.abort_note or exitcodes.of_reason(run.exit_reason).note,
        caveats=_caveats(run, steps, intervals_cut, faults),
        reason=reason,
        invalid_steps=invalid,
        advice=_advice(run, capacity) if saturated else (),
        capacity=capacity,
        faults=faults,
        users_within=users_within,
        knee_note=knee_found.note,
    )


def _margin(run: RunInfo, stress: StepResult) -> str:
    """'at the margin: ...' when the stress step's MTT interval straddles the target."""
    if not stress.valid or stress.mtt_ms is None:
        return ""
    if against_target(stress, run.mtt_ms, run.error_rate) != STRADDLES:
        return ""
    interval = stress.mtt_interval
    assert interval is not None  # straddling needs an interval
    seconds = interval.seconds_to_settle(run.mtt_ms)
    settle = (
        f"about {seconds:,} s at that step (now {interval.seconds:,} s) would settle it"
        if seconds is not None
        else "a longer step would settle it"
    )
    return (
        f"at the margin: the 95% CI of its MTT, {interval.text(1)} ms, straddles the "
        f"{run.mtt_ms:g} ms target; {settle}"
    )


def _outcome(
    run: RunInfo, stress: StepResult, mtt: Check, errors: Check, faults: int
) -> tuple[str, str]:
    if faults:
        return INCONCLUSIVE, (
            f"{faults:,} request(s) could not be sent: generator or journey faults, not the "
            "target's failures (see locust_failures.csv)"
        )
    if errors.measured is not None and not errors.passed:
        return FAIL, (
            f"{errors.measured:.2%} of the requests failed, over the {run.error_rate:.2%} threshold"
        )
    if not stress.measured:
        return FAIL, f"the stress step ({stress.label}) was never measured"
    if stress.invalid_reason:
        return INCONCLUSIVE, (
            f"the stress step ({stress.label}) is not a valid measurement: {stress.invalid_reason}"
        )
    if errors.measured is None:
        return FAIL, "no request completed in the measured steps"
    if not mtt.passed:
        return FAIL, (
            f"MTT at the stress step ({stress.label}) is {stress.mtt_ms:,.1f} ms, "
            f"over the {run.mtt_ms:g} ms target"
        )
    return PASS, (
        f"MTT at the stress step ({stress.label}) is {stress.mtt_ms:,.1f} ms "
        f"<= {run.mtt_ms:g} ms and {errors.measured:.2%} of the requests failed "
        f"<= {run.error_rate:.2%}"
    )


def _capacity(run: RunInfo, measured: Sequence[StepResult]) -> Capacity | None:
    sampled = [step for step in measured if step.generator and step.generator.seconds]
    requests = sum(step.requests for step in sampled)
    cpu_seconds = sum(step.generator.cpu_seconds for step in sampled if step.generator)
    busiest = max((step.tps or 0.0 for step in sampled), default=0.0)
    return capacity_needed(
        requests,
        cpu_seconds,
        run.target_tps or 0.0,
        run.end_users,
        run.cpu_limit_percent,
        measured_tps=busiest,
    )


def _advice(run: RunInfo, capacity: Capacity | None) -> tuple[str, ...]:
    processes_now = max(1, run.workers)
    limit = f"{run.cpu_limit_percent:g}%"
    if capacity is None:
        wanted = processes_now + 1
        return (
            f"Give the load generator more CPU: rerun with WORKERS={wanted} (Locust processes "
            f"on this machine, each under {limit} of a core) if the machine has {wanted} free "
            "cores besides the target's; otherwise run workers on more machines "
            "(README: distributed runs) or lower the users per worker.",
        )
    wanted = max(capacity.processes_needed, processes_now + 1)
    users_each = -(-run.end_users // wanted)
    load = (
        f"the {capacity.tps:,.0f} TPS of its busiest step (above the plan's "
        f"{run.target_tps or 0:,.0f}: users without think time send as fast as the target "
        "answers)"
        if capacity.measured
        else f"the plan's {capacity.tps:,.0f} TPS"
    )
    return (
        f"The generator sent {capacity.requests_per_cpu_second:,.0f} requests per CPU-second: "
        f"{load} / {capacity.requests_per_cpu_second:,.0f}"
        f" = {capacity.cores_needed:.2f} generator cores, so at least {wanted} Locust "
        f"processes under {limit} of a core each ({users_each:,} of the "
        f"{run.end_users:,} users per process).",
        f"Rerun with WORKERS={wanted} if this machine has {wanted} free cores besides the "
        "target's; otherwise run the workers on more machines (README: distributed runs), "
        "or lower the users per worker.",
    )


OVERSUBSCRIBED_LOAD_PER_CORE = 2.0  # a 1-minute load average above 2 per core


def _machine_busy(run: RunInfo) -> str:
    """A caveat when the machine had far more runnable work than cores during the run."""
    cores, load = run.machine.get("cores"), run.machine.get("load_average_max")
    if not isinstance(cores, int) or not isinstance(load, int | float) or cores <= 0:
        return ""
    if load <= OVERSUBSCRIBED_LOAD_PER_CORE * cores:
        return ""
    busy = run.machine.get("cpu_busy_percent_mean")
    share = f", all cores {busy:.0f}% busy on average" if isinstance(busy, int | float) else ""
    return (
        f"The machine was oversubscribed: load average up to {load:.1f} on {cores} cores"
        f"{share}. Response times include waiting for a core, even where neither the "
        "target nor the load generator used a whole core (their CPU is in the inputs); "
        "run on a machine without other work, the target on its own machine, or the "
        "embedded target with a fixed CPU budget (--target-cpus) so it keeps its share."
    )


def _caveats(
    run: RunInfo, steps: Sequence[StepResult], intervals_cut: bool = False, faults: int = 0
) -> tuple[str, ...]:
    caveats = []
    if intervals_cut:
        caveats.append(
            "The last line of intervals.csv was cut mid-write (the run was stopped while "
            "writing it); that line is left out."
        )
    if faults:
        caveats.append(
            f"{faults:,} request(s) were never sent: the load generator or the journey could "
            "not send them (their reasons, prefixed 'generator fault' or 'journey fault', "
            "are in locust_failures.csv). They are counted apart from the target's failures."
        )
    short = [step for step in steps if step.measured and step.shortfall]
    if short:
        label = "Step" if len(short) == 1 else "Steps"
        numbers = ", ".join(str(step.step) for step in short)
        caveats.append(
            f"{label} {numbers} did not run the plan: {short[-1].shortfall}. Their figures are "
            "shown but not used for the verdict, the knee, the peak TPS or the max users "
            "within target."
        )
    invalid = [step for step in steps if step.measured and step.saturation_reason]
    if invalid:
        label = "Step" if len(invalid) == 1 else "Steps"
        numbers = ", ".join(str(step.step) for step in invalid)
        caveats.append(
            f"{label} {numbers} measured the load generator, not the target: it was saturated "
            f"(above {run.cpu_limit_percent:g}% CPU for more than a tenth of the step; "
            f"{invalid[-1].saturation_reason}). Their figures are shown but not used for the "
            "verdict, the knee, the peak TPS or the max users within target."
        )
    hot_but_valid = [step for step in steps if step.valid and step.cpu_warning]
    if hot_but_valid:
        numbers = ", ".join(str(step.step) for step in hot_but_valid)
        caveats.append(
            f"The load generator crossed {run.cpu_limit_percent:g}% CPU briefly in steps "
            f"{numbers}, for at most a tenth of their seconds; their figures are kept."
        )
    lagging = [s for s in steps if s.valid and s.generator is not None and s.generator.lagging]
    if lagging:
        numbers = ", ".join(str(step.step) for step in lagging)
        worst = max(step.generator_loop_lag_ms or 0.0 for step in lagging)
        mean = max((s.generator.loop_lag_mean_ms or 0.0) for s in lagging if s.generator)
        caveats.append(
            f"The load generator's event loop woke late by more than {LOOP_LAG_LIMIT_MS:g} ms "
            f"(99th percentile of a second) in more than a tenth of the seconds of steps "
            f"{numbers}: up to {worst:.1f} ms in the median second, {mean:.1f} ms on average. "
            "The response times it reports include its own queueing: about the average on "
            "each, the 99th percentile on the slowest. That only makes the service look "
            "slower: a step within the target is within it, and a step over the target by "
            "less than the average lag is marked invalid. More Locust workers (fewer users "
            "each) or a machine without other work reduces it."
        )
    if run.monitor_errors:
        caveats.append(
            "The load generator's CPU monitor failed in "
            f"{'; '.join(run.monitor_errors)}: whether the generator was saturated, and so "
            "whether the steps are valid, is unknown for the seconds it did not sample."
        )
    busy = _machine_busy(run)
    if busy:
        caveats.append(busy)
    if run.lost_worker_notes:
        caveats.append(f"Workers lost during the run: {'; '.join(run.lost_worker_notes)}.")
    elif run.lost_workers:
        caveats.append(f"{run.lost_workers} worker(s) were lost during the run.")
    unreached = [str(step.step) for step in steps if not step.measured]
    if unreached:
        caveats.append(f"Steps without a measurement: {', '.join(unreached)}.")
    return tuple(caveats)
