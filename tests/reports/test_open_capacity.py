"""An open run's first lines and Capacity section: the arrival fit over its step table."""

from __future__ import annotations

from reports.capacity_section import CapacityInputs, capacity_reading
from reports.html import render
from reports.open_capacity import open_fit, section_values
from reports.open_steps import OpenStep
from reports.steps import COMPLETE, StepResult
from reports.trust import RunConditions, judge_trust
from reports.uncertainty import Interval

SECONDS = 60.0
READING = capacity_reading([], [], CapacityInputs(500.0, 0.0, None, ()))
CONDITIONS = RunConditions(
    embedded_target=False,
    budget_cores=None,
    load_average_max=None,
    cores=None,
    probes_planned=0,
    step_seconds=SECONDS,
    open_run=True,
)


def _interval(value: float, half: float) -> Interval:
    return Interval(value, value - half, value + half, int(SECONDS), batches=6, t_quantile=2.57)


def _step(step: int, rate: float, mtt_ms: float, half_ms: float, dropped: int = 0) -> StepResult:
    """A 60 s open step that started every planned journey but ``dropped``."""
    planned = round(rate * SECONDS)
    started = planned - dropped
    figures = OpenStep(
        offered_rate=rate,
        planned_starts=planned,
        started=started,
        dropped=dropped,
        achieved_rate=started / SECONDS,
        busy_users=None,
        service_mtt_ms=mtt_ms / 2,
        service_p50_ms=None,
        service_p95_ms=None,
        service_p99_ms=None,
        achieved_interval=_interval(started / SECONDS, 0.01),
        service_mtt_interval=_interval(mtt_ms / 2, half_ms / 2),
    )
    return StepResult(
        step=step,
        users=200,
        start_s=(step - 1) * SECONDS,
        end_s=step * SECONDS,
        window_start_s=(step - 1) * SECONDS,
        window_end_s=step * SECONDS,
        status=COMPLETE,
        seconds=SECONDS,
        requests=started * 5,
        failures=0,
        actual_users=None,
        tps=started * 5 / SECONDS,
        mtt_ms=mtt_ms,
        p50_ms=None,
        p95_ms=None,
        p99_ms=None,
        error_rate=0.0,
        cpu_warning=False,
        mtt_interval=_interval(mtt_ms, half_ms),
        open=figures,
    )


def test_an_open_runs_model_line_states_the_knee_and_the_rate_at_the_target():
    """300 and 700 ms at 20 and 30 journeys/s, 30/s dropping 5%: knee and crossing, trusted."""
    steps = [_step(1, 10, 100, 10), _step(2, 20, 300, 20), _step(3, 30, 700, 50, dropped=90)]
    trust = judge_trust(READING, steps, (), CONDITIONS)
    assert trust.trusted and trust.changes == ()
    assert trust.lines()[0].startswith(
        "model: knee between 20.00 and 30.00 journeys/s (step 3: 90 of 1,800 journeys dropped "
        "(5.0%)); user-seen MTT reaches 500 ms at 25.00 journeys/s (95% CI 24.19 to 25.95); "
    )


def test_an_open_run_whose_step_straddles_the_target_asks_for_longer_steps():
    """450 (380 to 520) ms at 20/s: untrusted; 1.1 x 60 s x (70 / 50)^2 = 130 s settle it,
    and every step kept up, so a higher end rate would find the knee."""
    steps = [_step(1, 10, 100, 10), _step(2, 20, 450, 70), _step(3, 30, 700, 50)]
    trust = judge_trust(READING, steps, (), CONDITIONS)
    assert not trust.trusted
    assert trust.summary.startswith(
        "NOT trustworthy: where the user-seen MTT reaches 500 ms is not settled: step 2 "
        "(20.00 journeys/s) has 500 ms inside its MTT interval (380.0 to 520.0 ms); "
    )
    assert trust.changes == (
        "about 130 s per step (now 60 s; 60 s measured), from the batch variance of the "
        "user-seen MTT at 20.00 journeys/s: --step-seconds 130",
        "a higher --end-rate (above 30.00 journeys/s), so the stair reaches the knee",
    )


def test_a_step_sitting_at_the_target_is_not_settled_by_impractically_long_steps():
    """495 (445 to 545) ms at 20/s: 1.1 x 60 x (50 / 5)^2 = 6,600 s, 110 times longer: said so."""
    steps = [_step(1, 10, 100, 10), _step(2, 20, 495, 50), _step(3, 30, 700, 50, dropped=90)]
    trust = judge_trust(READING, steps, (), CONDITIONS)
    assert trust.changes == (
        "steps about 110 times longer (--step-seconds 6,600, now 60) to settle the user-seen "
        "MTT at 20.00 journeys/s (495.0 ms against 500): too long to be the fix: that step "
        "sits at the target, so the undetermined range is the answer",
    )


def test_an_open_run_that_never_fell_behind_nor_crossed_asks_for_a_higher_end_rate_when_unsettled():
    """A lone step that kept up: too few rates, and the knee lies above its rate."""
    trust = judge_trust(READING, [_step(1, 10, 100, 10)], (), CONDITIONS)
    assert trust.summary.startswith(
        "NOT trustworthy: 1 offered rate measured; a knee and a crossing need at least 2; "
        "knee not reached in this run (kept up to 10.00 journeys/s)"
    )
    assert trust.changes[0].startswith("a stair of at least 2 offered rates")
    assert trust.changes[1] == (
        "a higher --end-rate (above 10.00 journeys/s), so the stair reaches the knee"
    )


def test_the_open_capacity_section_shows_each_rate_and_escapes_its_notes():
    """The section's table has a row per step; a note with markup is escaped."""
    steps = [_step(1, 10, 100, 10), _step(2, 20, 300, 20), _step(3, 30, 700, 50, dropped=90)]
    values = section_values(open_fit(steps, 500.0), steps)
    values["notes"].append("<script>x</script>")
    page = render(
        "capacity_open.html", target_cpu="70", cases=[], cpu=[], no_instances="no CPU", **values
    )
    assert "<td>30.00</td><td>28.50 (28.49 to 28.51)</td><td>90 of 1,800</td>" in page
    assert "user-seen MTT reaches 500 ms at 25.00 journeys/s (95% CI 24.19 to 25.95)" in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>" not in page
