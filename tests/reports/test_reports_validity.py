"""A verdict only from valid steps: a saturated load generator gives INCONCLUSIVE, not PASS/FAIL."""

from __future__ import annotations

import pytest
from synthetic import StepSpec

from reports.build import analyse
from stairload.cli.report import main
from stairload.core.exitcodes import INCONCLUSIVE as INCONCLUSIVE_EXIT_CODE

# step 3 fails 120 of its 1,200 requests a second: 1,800 of 57,000 overall (3.16%)
ERRORS_IN_STEP_3 = (
    StepSpec(100, 1000, 100.0),
    StepSpec(200, 1600, 125.0),
    StepSpec(300, 1200, 250.0, failures_per_second=120),
)


def _checks(analysis):
    return {check.name: check for check in analysis.verdict.checks}


def test_saturated_stress_step_is_inconclusive(make_run):
    """The generator at 99% CPU in the stress step: INCONCLUSIVE, with the step named."""
    verdict = analyse(make_run(generator_cpu_percent=(40, 40, 99))).verdict
    assert verdict.verdict == "INCONCLUSIVE"
    assert verdict.reason.startswith("the stress step (300 users) is not a valid measurement")
    assert verdict.invalid_steps == (3,)


def test_saturated_stress_step_is_never_a_pass(make_run):
    """MTT within a generous target does not make a saturated stress step pass."""
    assert analyse(make_run(mtt_ms=1000.0, generator_cpu_percent=(99,) * 3)).verdict.verdict == (
        "INCONCLUSIVE"
    )


def test_invalid_stress_step_marks_its_checks_invalid(make_run):
    """The MTT and TPS rows of an invalid stress step carry the reason and do not pass."""
    checks = _checks(analyse(make_run(generator_cpu_percent=(40, 40, 99))))
    assert checks["mtt_at_stress_step_ms"].invalid_reason.startswith("load generator above")
    assert checks["tps_at_stress_step"].invalid_reason is not None
    assert not checks["mtt_at_stress_step_ms"].passed


def test_error_rate_over_threshold_fails_even_when_saturated(make_run):
    """10% failures in the saturated stress step: FAIL, a lower load cannot hide real errors."""
    steps = ERRORS_IN_STEP_3
    verdict = analyse(make_run(steps=steps, generator_cpu_percent=(40, 40, 99))).verdict
    assert verdict.verdict == "FAIL"
    assert verdict.reason == "3.16% of the requests failed, over the 1.00% threshold"


def test_error_rate_over_threshold_fails_whatever_the_mtt(make_run):
    """MTT within target everywhere but 3.16% failures overall: FAIL."""
    steps = ERRORS_IN_STEP_3
    assert analyse(make_run(steps=steps, mtt_ms=1000.0)).verdict.verdict == "FAIL"


def test_step_with_errors_over_threshold_is_not_within_target(make_run):
    """Step 3 meets the MTT target but fails 10% of its requests: max users within is 200."""
    steps = ERRORS_IN_STEP_3
    verdict = analyse(make_run(steps=steps, mtt_ms=1000.0)).verdict
    assert (verdict.max_users_within_target, verdict.first_breach_step) == (200, 3)


def test_invalid_early_step_does_not_change_a_valid_verdict(make_run):
    """Step 1 saturated, stress step valid and within 300 ms: PASS from the valid stress step."""
    verdict = analyse(make_run(mtt_ms=300.0, generator_cpu_percent=(99, 40, 40))).verdict
    assert (verdict.verdict, verdict.invalid_steps) == ("PASS", (1,))


def test_peak_tps_ignores_invalid_steps(make_run):
    """Step 2 (1,600 TPS) saturated: the peak TPS is the valid step 3's 1,200."""
    assert analyse(make_run(generator_cpu_percent=(40, 99, 40))).verdict.peak_tps == 1200.0


def test_knee_uses_valid_steps_only(make_run):
    """Step 2 gains 1 TPS/user (< 10/2), the knee; saturated, it is skipped and step 3 gains 7."""
    steps = (StepSpec(100, 1000, 100.0), StepSpec(200, 1100, 125.0), StepSpec(300, 2400, 125.0))
    assert analyse(make_run(steps=steps)).verdict.knee_step == 2
    saturated = analyse(make_run(steps=steps, generator_cpu_percent=(40, 99, 40))).verdict
    assert saturated.knee_step is None


def test_max_users_within_target_skips_invalid_steps(make_run):
    """Step 2 saturated, step 3 over target: only step 1 (100 users) is within target."""
    verdict = analyse(make_run(generator_cpu_percent=(40, 99, 40))).verdict
    assert verdict.max_users_within_target == 100


def test_quiet_generator_keeps_every_step_valid(make_run):
    """At 40% CPU throughout, every step is valid and the verdict is the MTT check's FAIL."""
    analysis = analyse(make_run(generator_cpu_percent=(40, 40, 40)))
    assert [step.valid for step in analysis.steps] == [True, True, True]
    assert (analysis.verdict.verdict, analysis.verdict.advice) == ("FAIL", ())


def test_advice_gives_the_cores_and_workers_the_plan_needs(make_run):
    """57,000 requests in 44.55 CPU-s: 1,279 req/CPU-s; 1,800 TPS needs 1.41 cores: WORKERS=2."""
    verdict = analyse(make_run(generator_cpu_percent=(99, 99, 99), target_tps=1800.0)).verdict
    assert verdict.capacity.requests_per_cpu_second == pytest.approx(57_000 / 44.55)
    assert verdict.capacity.cores_needed == pytest.approx(1800 / (57_000 / 44.55))
    assert verdict.advice[0] == (
        "The generator sent 1,279 requests per CPU-second: the plan's 1,800 TPS / 1,279 = "
        "1.41 generator cores, so at least 2 Locust processes under 90% of a core each "
        "(150 of the 300 users per process)."
    )
    assert verdict.advice[1].startswith("Rerun with WORKERS=2 if this machine has 2 free cores")


def test_advice_counts_the_busiest_step_when_it_sent_more_than_the_plan(make_run):
    """Step 2 sent 1,600 TPS against a plan of 1,500: the cores are counted for 1,600 (1.25)."""
    verdict = analyse(make_run(generator_cpu_percent=(99, 99, 99))).verdict
    assert verdict.capacity.cores_needed == pytest.approx(1600 / (57_000 / 44.55))
    assert verdict.advice[0] == (
        "The generator sent 1,279 requests per CPU-second: the 1,600 TPS of its busiest step "
        "(above the plan's 1,500: users without think time send as fast as the target "
        "answers) / 1,279 = 1.25 generator cores, so at least 2 Locust processes under 90% "
        "of a core each (150 of the 300 users per process)."
    )


def test_advice_asks_for_one_more_process_than_ran(make_run):
    """Three workers already ran and the numbers say 2: the advice still asks for 4."""
    verdict = analyse(make_run(generator_cpu_percent=(99, 99, 99), workers=3)).verdict
    assert verdict.advice[1].startswith("Rerun with WORKERS=4")


def test_cli_exits_98_and_prints_the_advice(make_run, capsys):
    """stairload report build: INCONCLUSIVE exits 98 and prints the reason and advice lines."""
    code = main(["build", str(make_run(generator_cpu_percent=(40, 40, 99)))])
    out = capsys.readouterr().out.splitlines()
    assert code == INCONCLUSIVE_EXIT_CODE == 98
    assert out[0].startswith("verdict: INCONCLUSIVE (the stress step (300 users) is not a valid")
    assert "  n/a   mtt_at_stress_step_ms  250 (limit 200)" in out
    assert any(line.startswith("advice: Rerun with WORKERS=") for line in out)


def test_oversubscribed_machine_gets_a_caveat(make_run):
    """Load average 11.2 on 2 cores (> 2 per core): a caveat names both figures."""
    machine = {"cores": 2, "load_average_max": 11.2, "cpu_busy_percent_mean": 97.0}
    caveats = analyse(make_run(extra={"machine": machine})).verdict.caveats
    assert any(
        caveat.startswith(
            "The machine was oversubscribed: load average up to 11.2 on 2 cores, all cores "
            "97% busy on average."
        )
        for caveat in caveats
    ), caveats


def test_a_machine_within_two_runnable_per_core_gets_none(make_run):
    """Load average 3.5 on 2 cores: no machine caveat."""
    machine = {"cores": 2, "load_average_max": 3.5}
    caveats = analyse(make_run(extra={"machine": machine})).verdict.caveats
    assert not any("oversubscribed" in caveat for caveat in caveats)


def test_a_lagging_generator_loop_is_a_caveat_with_its_figure(make_run):
    """At 40% CPU with its event loop 12 ms late every second of step 3: kept, and said."""
    analysis = analyse(
        make_run(generator_cpu_percent=(40, 40, 40), generator_loop_lag_ms=(0.4, 0.6, 12.0))
    )
    assert analysis.verdict.invalid_steps == ()
    assert [step.generator_loop_lag_ms for step in analysis.steps] == [0.4, 0.6, 12.0]
    (lag,) = [c for c in analysis.verdict.caveats if "event loop woke late" in c]
    assert "seconds of steps 3: up to 12.0 ms in the median second, 3.0 ms on average" in lag


def test_a_quiet_generator_loop_gets_no_caveat(make_run):
    """Loop lag under 5 ms in every second: no caveat about it."""
    analysis = analyse(make_run(generator_cpu_percent=(40,) * 3, generator_loop_lag_ms=(1.0,) * 3))
    assert not [c for c in analysis.verdict.caveats if "event loop" in c]


# step 3 over the 500 ms target by 10 ms or by 100 ms; the synthetic run's mean loop lag is
# a quarter of its p99, so a 200 ms p99 is a 50 ms mean lag
LAG_STEPS_NEAR = (StepSpec(100, 1000, 100.0), StepSpec(200, 1000, 200.0), StepSpec(300, 600, 510.0))
LAG_STEPS_FAR = (StepSpec(100, 1000, 100.0), StepSpec(200, 1000, 200.0), StepSpec(300, 500, 600.0))


def test_a_breach_smaller_than_the_generators_lag_is_inconclusive(make_run):
    """MTT 510 ms against 500 with the loop 50 ms late on average: maybe the generator's."""
    analysis = analyse(
        make_run(
            steps=LAG_STEPS_NEAR,
            mtt_ms=500.0,
            generator_cpu_percent=(40,) * 3,
            generator_loop_lag_ms=(1.0, 1.0, 200.0),
        )
    )
    verdict = analysis.verdict
    assert verdict.verdict == "INCONCLUSIVE"
    assert verdict.invalid_steps == (3,)
    assert "the service's own MTT lies between 460.0 and 510.0 ms" in verdict.reason
    assert analysis.steps[2].invalid_reason.startswith("the load generator's event loop woke")


def test_a_breach_larger_than_the_generators_lag_still_fails(make_run):
    """MTT 600 ms with the loop 50 ms late: at least 550 ms is the service's, a FAIL."""
    verdict = analyse(
        make_run(
            steps=LAG_STEPS_FAR,
            mtt_ms=500.0,
            generator_cpu_percent=(40,) * 3,
            generator_loop_lag_ms=(1.0, 1.0, 200.0),
        )
    ).verdict
    assert verdict.verdict == "FAIL"
    assert verdict.invalid_steps == ()


def test_the_same_breach_without_lag_fails(make_run):
    """The run of the first lag test with a prompt loop: its 510 ms is the service's, FAIL."""
    verdict = analyse(
        make_run(
            steps=LAG_STEPS_NEAR,
            mtt_ms=500.0,
            generator_cpu_percent=(40,) * 3,
            generator_loop_lag_ms=(1.0, 1.0, 1.0),
        )
    ).verdict
    assert verdict.verdict == "FAIL"
