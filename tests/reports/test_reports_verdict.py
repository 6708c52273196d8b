"""The verdict: checks, the breaking point, the knee and the caveats."""

from __future__ import annotations

import json

import pytest
from synthetic import StepSpec, SyntheticRun

from reports.build import analyse


def _checks(analysis):
    return {check.name: check for check in analysis.verdict.checks}


def test_fails_when_the_stress_step_is_over_the_mtt_target(make_run):
    """Step 3's MTT is 250 ms against a 200 ms target: FAIL, measured 250, limit 200."""
    analysis = analyse(make_run())
    mtt = _checks(analysis)["mtt_at_stress_step_ms"]
    assert (analysis.verdict.verdict, mtt.measured, mtt.limit, mtt.passed) == (
        "FAIL",
        250.0,
        200.0,
        False,
    )


def test_error_rate_is_failures_over_requests_of_the_measured_steps(make_run):
    """180 failures (12/s x 15 s) in 57,000 requests (15 s x 3,800/s): 0.316 %, within 1 %."""
    error = _checks(analyse(make_run()))["error_rate"]
    assert error.measured == pytest.approx(180 / 57_000)
    assert (error.limit, error.passed) == (0.01, True)


def test_passes_when_every_gate_is_met(make_run):
    """With a 300 ms target, MTT and errors are within limits: PASS."""
    assert analyse(make_run(mtt_ms=300.0)).verdict.verdict == "PASS"


def test_tps_check_is_informational(make_run):
    """TPS 1,200 under the plan's 1,500 is reported as not met but does not fail the run."""
    analysis = analyse(make_run(mtt_ms=300.0))
    tps = _checks(analysis)["tps_at_stress_step"]
    assert (tps.measured, tps.limit, tps.passed, tps.gate) == (1200.0, 1500.0, False, False)
    assert analysis.verdict.verdict == "PASS"


def test_max_users_within_target_is_the_last_step_that_met_it(make_run):
    """Steps 1 and 2 meet 200 ms, step 3 does not: 200 users, first breach at step 3."""
    verdict = analyse(make_run()).verdict
    assert (verdict.max_users_within_target, verdict.first_breach_step) == (200, 3)


def test_knee_is_where_the_gain_per_user_halves(make_run):
    """Step 1 gains 10 TPS/user, step 2 6, step 3 -4 (< 5): the knee is step 3."""
    assert analyse(make_run()).verdict.knee_step == 3


def test_peak_tps_is_the_best_step(make_run):
    """Peak TPS is step 2's 1,600."""
    assert analyse(make_run()).verdict.peak_tps == 1600.0


def test_unreached_stress_step_fails_the_mtt_check(make_run):
    """A run stopped before the stress step cannot pass it: measured None, FAIL."""
    analysis = analyse(make_run(stop_at_s=38, exit_reason="interrupted", mtt_ms=300.0))
    mtt = _checks(analysis)["mtt_at_stress_step_ms"]
    assert (mtt.measured, mtt.passed, analysis.verdict.verdict) == (None, False, "FAIL")
    assert "interrupted" in analysis.verdict.exit_note
    assert any("Steps without a measurement: 3" in c for c in analysis.verdict.caveats)


def test_target_unreachable_is_said_plainly(make_run):
    """exit_reason target_unreachable gives an exit note naming the target."""
    verdict = analyse(make_run(exit_reason="target_unreachable")).verdict
    assert verdict.exit_note == "The run stopped because the target was unreachable."


def test_all_failures_fail_the_error_check(make_run):
    """Every request failing: error rate 100 %, FAIL."""
    run = SyntheticRun(steps=(StepSpec(100, 1000, 100.0, failures_per_second=1000),))
    analysis = analyse(make_run(run))
    assert _checks(analysis)["error_rate"].measured == 1.0
    assert analysis.verdict.verdict == "FAIL"


def test_constant_load_run_has_one_step_and_no_knee(make_run):
    """A one-step constant run is judged on that step; a knee needs two steps."""
    run = SyntheticRun(steps=(StepSpec(50, 400, 120.0),), shape="constant", step_seconds=30)
    analysis = analyse(make_run(run))
    assert [step.tps for step in analysis.steps] == [400.0]
    assert analysis.verdict.knee_step is None
    assert analysis.verdict.verdict == "PASS"


def test_cpu_warning_without_samples_invalidates_its_step(make_run):
    """A run without per-second samples: a CPU warning at 25.5 s makes step 2 invalid."""
    warning = {"time_s": 25.5, "process": "master", "cpu_percent": 97.0}
    analysis = analyse(make_run(cpu_warnings=(warning,)))
    assert [step.valid for step in analysis.steps] == [True, False, True]
    assert any("Step 2 measured the load generator" in c for c in analysis.verdict.caveats)


def test_clean_run_has_no_caveats(make_run):
    """A completed run with a quiet generator carries no caveat and no exit note."""
    verdict = analyse(make_run()).verdict
    assert (verdict.caveats, verdict.exit_note) == ((), None)


def test_run_json_left_at_running_is_reported_as_unfinished(make_run):
    """A runner killed mid-run leaves exit_reason 'running': the report says it never ended."""
    verdict = analyse(make_run(exit_reason="running")).verdict
    assert verdict.exit_note.startswith("The run ended abruptly: run.json still says 'running'")


def test_a_lost_worker_is_named_with_its_time(make_run):
    """run.json's lost worker appears in the caveats by name, address and second."""
    run_dir = make_run()
    path = run_dir / "run.json"
    record = json.loads(path.read_text())
    record["load_generator"]["lost_workers"] = [
        {
            "time_s": 12.3,
            "worker": "worker-2 vm (10.200.0.3)",
            "reason": "stopped sending heartbeats",
        }
    ]
    path.write_text(json.dumps(record))
    assert (
        "Workers lost during the run: worker-2 vm (10.200.0.3) at 12.3 s "
        "(stopped sending heartbeats)." in analyse(run_dir).verdict.caveats
    )


def test_an_aborted_run_says_where_and_why(make_run):
    """run.json's abort record becomes the note: step, users, time, alarm and reason."""
    abort = {"alarm": "MTT", "time_s": 125, "step": 3, "users": 1400, "reason": "3 of 3"}
    verdict = analyse(make_run(exit_reason="aborted", extra={"abort": abort})).verdict
    assert verdict.exit_note == (
        "The run was aborted at step 3 (1400 users, t = 125 s): alarm 'MTT' entered ALARM (3 of 3)."
    )
