"""stairload report gate: a run judged against a baseline, step by step, with its exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import THREE_STEPS
from synthetic import StepSpec

from reports.build import build
from stairload.cli.report import main
from stairload.core import exitcodes

# THREE_STEPS slowed: every step's MTT 40% higher and its TPS 30% lower
SLOWER = (
    StepSpec(100, 700, 140.0),
    StepSpec(200, 1120, 175.0),
    StepSpec(300, 840, 350.0, failures_per_second=8),
)


@pytest.fixture
def built(make_run):
    """A run directory with its report built (summary.json, steps.csv)."""

    def _built(**changes) -> Path:
        run_dir = make_run(**changes)
        build(run_dir)
        return run_dir

    return _built


def test_same_numbers_pass(built, capsys):
    """Two runs with the same figures: nothing regressed, exit 0."""
    baseline, run = built(), built()
    assert main(["gate", str(baseline), str(run)]) == exitcodes.OK
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "gate: PASS (no regression in 14 rules over 3 matched step(s))"


def test_a_slower_run_regresses_and_names_the_steps(built, capsys):
    """A run 40% slower than its baseline exits with REGRESSED (96) and lists each step."""
    baseline, run = built(), built(steps=SLOWER)
    assert main(["gate", str(baseline), str(run)]) == exitcodes.REGRESSED == 96
    out = capsys.readouterr().out
    assert "gate: REGRESSED (" in out
    assert "100 users, 200 users, 300 users, whole run" in out
    assert "  where      metric    baseline  run      limit    basis" in out
    # every step's seconds are constant: zero-width 95% intervals, compared as intervals
    assert "  100 users  mtt_ms    100.0     140.0    110.0    95% intervals" in out
    assert "  300 users  tps       1,200.0   840.0    1,080.0  95% intervals" in out
    assert "  whole run  peak_tps  1,600.0   1,120.0  1,440.0  95% intervals" in out


def test_the_other_order_passes(built, capsys):
    """The slower run as the baseline: the faster run did not regress."""
    baseline, run = built(steps=SLOWER), built()
    assert main(["gate", str(baseline), str(run)]) == exitcodes.OK


def test_baseline_option_names_a_directory_kept_anywhere(built, tmp_path, capsys):
    """--baseline DIR RUN is the same as BASELINE RUN; the baseline may live anywhere."""
    kept = built()
    last_good = tmp_path / "kept" / "last-good"
    last_good.parent.mkdir()
    kept.rename(last_good)
    run = built(steps=SLOWER)
    assert main(["gate", "--baseline", str(last_good), str(run)]) == exitcodes.REGRESSED


def test_an_invalid_run_is_inconclusive(built, capsys):
    """A run whose stress step measured a saturated generator: 98, whatever its numbers."""
    baseline, run = built(), built(generator_cpu_percent=(40, 40, 99))
    assert main(["gate", str(baseline), str(run)]) == exitcodes.INCONCLUSIVE == 98
    out = capsys.readouterr().out
    assert "the run's step of 300 users is invalid" in out


def test_an_invalid_baseline_is_inconclusive(built, capsys):
    """Likewise when the baseline is the invalid one."""
    baseline, run = built(generator_cpu_percent=(99, 40, 40)), built()
    assert main(["gate", str(baseline), str(run)]) == exitcodes.INCONCLUSIVE


def test_tolerances_come_from_the_command_line(built, capsys):
    """--mtt-worse-pct 50 and --tps-lower-pct 40 let a 40% slowdown through; errors too."""
    baseline, run = built(), built(steps=SLOWER)
    args = ["--mtt-worse-pct", "50", "--p95-worse-pct", "50", "--tps-lower-pct", "40"]
    assert main(["gate", str(baseline), str(run), *args]) == exitcodes.OK


def test_tolerances_come_from_the_scenarios_file(built, tmp_path, capsys):
    """thresholds.regression in the scenarios file sets the rules; the command line wins."""
    text = Path("scenarios.yaml").read_text(encoding="utf-8")
    loose = text.replace(
        "  error_rate: 0.01           # failed requests / all requests\n",
        "  error_rate: 0.01\n  regression: {mtt_worse_pct: 50, p95_worse_pct: 50,"
        " tps_lower_pct: 40}\n",
    )
    assert loose != text
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(loose, encoding="utf-8")
    baseline, run = built(), built(steps=SLOWER)
    common = ["gate", str(baseline), str(run), "--scenarios", str(scenarios)]
    assert main(common) == exitcodes.OK
    assert main([*common, "--tps-lower-pct", "5"]) == exitcodes.REGRESSED


def test_error_rate_may_rise_by_half_a_point(built, capsys):
    """Error rate 1% -> 1.33% passes; 1% -> 2% regresses (baseline + 0.5 points)."""
    base = THREE_STEPS.steps
    ok = (base[0], base[1], StepSpec(300, 1200, 250.0, failures_per_second=16))
    bad = (base[0], base[1], StepSpec(300, 1200, 250.0, failures_per_second=24))
    baseline = built()
    assert main(["gate", str(baseline), str(built(steps=ok))]) == exitcodes.OK
    assert main(["gate", str(baseline), str(built(steps=bad))]) == exitcodes.REGRESSED
    assert "  300 users  error_rate  0.01      0.02  0.015  point values" in (
        capsys.readouterr().out
    )


def _with_intervals(run_dir: Path, half_width: float) -> None:
    """Give summary.json's steps 95% intervals of +-half_width (a share) around each figure."""
    path = run_dir / "summary.json"
    summary = json.loads(path.read_text())
    for step in summary["steps"]:
        if step["tps"] is not None:
            step["tps_ci_low"] = step["tps"] * (1 - half_width)
            step["tps_ci_high"] = step["tps"] * (1 + half_width)
            step["mtt_ci_low_ms"] = step["mtt_ms"] * (1 - half_width)
            step["mtt_ci_high_ms"] = step["mtt_ms"] * (1 + half_width)
    path.write_text(json.dumps(summary))


def test_wide_intervals_do_not_fail_a_build(built, capsys):
    """With +-25% intervals on both runs, a 40% slowdown of TPS and MTT is noise."""
    baseline, run = built(), built(steps=SLOWER)
    _with_intervals(baseline, 0.25)
    _with_intervals(run, 0.25)
    args = ["--p95-worse-pct", "100", "--error-rate-points", "5"]
    assert main(["gate", str(baseline), str(run), *args]) == exitcodes.OK
    gate = json.loads((run / "gate.json").read_text())
    bases = {f["basis"] for f in gate["findings"] if f["metric"] in ("tps", "mtt_ms")}
    assert bases == {"95% intervals"}


def test_narrow_intervals_still_catch_a_regression(built, capsys):
    """With +-2% intervals the same slowdown is a regression."""
    baseline, run = built(), built(steps=SLOWER)
    _with_intervals(baseline, 0.02)
    _with_intervals(run, 0.02)
    args = ["--p95-worse-pct", "100", "--error-rate-points", "5"]
    assert main(["gate", str(baseline), str(run), *args]) == exitcodes.REGRESSED


def _without_intervals(run_dir: Path) -> None:
    """Drop the 95% intervals from summary.json's steps, as in a run reported before them."""
    path = run_dir / "summary.json"
    summary = json.loads(path.read_text())
    for step in summary["steps"]:
        for key in ("tps_ci_low", "tps_ci_high", "mtt_ci_low_ms", "mtt_ci_high_ms"):
            step.pop(key, None)
    path.write_text(json.dumps(summary))


def test_intervals_on_one_run_only_compare_point_values(built, capsys):
    """Intervals on the run but not on the baseline: the point values decide."""
    baseline, run = built(), built(steps=SLOWER)
    _without_intervals(baseline)
    _with_intervals(run, 0.5)
    assert main(["gate", str(baseline), str(run)]) == exitcodes.REGRESSED


def test_gate_json_and_html_are_written(built, tmp_path, capsys):
    """gate.json holds the outcome and every finding; gate.html shows the regressed rows."""
    baseline, run = built(), built(steps=SLOWER)
    out = tmp_path / "gate-out"
    main(["gate", str(baseline), str(run), "--out", str(out)])
    gate = json.loads((out / "gate.json").read_text())
    assert gate["outcome"] == "REGRESSED"
    assert gate["rules"] == {
        "mtt_worse_pct": 10.0,
        "p95_worse_pct": 10.0,
        "tps_lower_pct": 10.0,
        "error_rate_points": 0.5,
    }
    mtt = [f for f in gate["findings"] if f["metric"] == "mtt_ms" and f["users"] == 200]
    assert mtt == [
        {
            "users": 200,
            "metric": "mtt_ms",
            "baseline": 125.0,
            "measured": 175.0,
            "limit": pytest.approx(137.5),
            "regressed": True,
            "basis": "95% intervals",  # the report writes (here zero-width) intervals
            "rule": "mtt_ms interval's low end <= baseline interval's high end + 10%",
            "unit": "users",
            "where": "200 users",
        }
    ]
    page = (out / "gate.html").read_text()
    assert '<span id="outcome">REGRESSED</span>' in page
    assert page.count('class="fail"') == len([f for f in gate["findings"] if f["regressed"]])


def test_steps_are_matched_by_users(built, capsys):
    """A run with an extra step compares the common ones and lists the others."""
    extra = (*THREE_STEPS.steps, StepSpec(400, 1200, 300.0))
    baseline, run = built(), built(steps=extra)
    assert main(["gate", str(baseline), str(run), "--tps-lower-pct", "100"]) == exitcodes.OK
    assert "steps in one run only (not compared): 400 users" in capsys.readouterr().out


def test_a_run_without_a_report_is_named(make_run, built, capsys):
    """A run directory with no summary.json: one line saying to build its report, exit 2."""
    baseline, run = built(), make_run()
    assert main(["gate", str(baseline), str(run)]) == exitcodes.USAGE
    err = capsys.readouterr().err
    assert err == (
        f"Error: {run / 'summary.json'}: no such file (build the run's report first: "
        f"stairload report build {run})\n"
    )


def test_one_directory_alone_is_a_usage_error(built, capsys):
    """gate with only RUN and no --baseline says what it needs."""
    assert main(["gate", str(built())]) == exitcodes.USAGE
    assert "give BASELINE RUN, or --baseline DIR RUN" in capsys.readouterr().err


def test_gate_junit_has_a_case_per_rule_and_fails_the_regressions(built, tmp_path, capsys):
    """--junit: 14 rules, 10 regressions as <failure> with measured, limit and baseline."""
    from junitparser import Failure, JUnitXml

    baseline, run = built(), built(steps=SLOWER)
    junit = tmp_path / "gate.xml"
    main(["gate", str(baseline), str(run), "--junit", str(junit)])
    (suite,) = list(JUnitXml.fromfile(str(junit)))
    assert (suite.tests, suite.failures) == (14, 10)
    cases = {case.name: case for case in suite}
    (failure,) = list(cases["200 users: mtt_ms"].result)
    assert isinstance(failure, Failure)
    assert failure.message == (  # the report's (here zero-width) intervals decide
        "measured 175, limit 137.5 (baseline 125; 95% intervals): "
        "mtt_ms interval's low end <= baseline interval's high end + 10%"
    )
    assert list(cases["200 users: error_rate"].result) == []


def test_an_inconclusive_gate_fails_a_runs_are_valid_case(built, tmp_path, capsys):
    """An invalid run: the JUnit's 'runs are valid' case fails with the reason."""
    from junitparser import JUnitXml

    baseline, run = built(), built(generator_cpu_percent=(40, 40, 99))
    junit = tmp_path / "gate.xml"
    assert main(["gate", str(baseline), str(run), "--junit", str(junit)]) == 98
    cases = {case.name: case for suite in JUnitXml.fromfile(str(junit)) for case in suite}
    (failure,) = list(cases["runs are valid"].result)
    assert "the run's step of 300 users is invalid" in failure.message


def test_gate_markdown_lists_what_regressed(built, tmp_path, capsys):
    """--markdown: the outcome line and one table row per regression."""
    baseline, run = built(), built(steps=SLOWER)
    markdown = tmp_path / "gate.md"
    main(["gate", str(baseline), str(run), "--markdown", str(markdown)])
    lines = markdown.read_text().splitlines()
    assert lines[0] == f"## stairload gate: REGRESSED ({run.name} vs {baseline.name})"
    assert "| 300 users | tps | 1200 | 840 | 1080 | 95% intervals |" in lines
    assert "| 300 users | p95_ms | 400 | 560 | 440 | point values |" in lines
    assert sum(line.startswith("| ") for line in lines) == 1 + 10


def _open_summary(run_dir: Path, rates: list[float], mtt_ms: float) -> Path:
    """An open run's summary.json: every step has the pool's 300 users and its own rate."""
    run_dir.mkdir()
    steps = [
        {
            "step": index + 1,
            "users": 300,
            "offered_rate": rate,
            "status": "complete",
            "tps": rate * 5,
            "mtt_ms": mtt_ms * (index + 1),
            "p95_ms": mtt_ms * (index + 1) * 2,
            "error_rate": 0.0,
        }
        for index, rate in enumerate(rates)
    ]
    summary = {"run_id": run_dir.name, "verdict": "PASS", "steps": steps, "peak_tps": rates[-1] * 5}
    (run_dir / "summary.json").write_text(json.dumps(summary))
    return run_dir


def test_open_runs_are_matched_by_offered_rate(tmp_path, capsys):
    """Two open runs (all steps 300 pooled users): steps pair by rate, the slower one regresses."""
    rates = [1.1574, 1.6204, 2.0833]
    baseline = _open_summary(tmp_path / "base", rates, 100.0)
    slower = _open_summary(tmp_path / "slow", rates, 150.0)
    assert main(["gate", str(baseline), str(slower)]) == exitcodes.REGRESSED
    out = capsys.readouterr().out
    assert "1.1574 journeys/s" in out and "2.0833 journeys/s" in out
    gate = json.loads((slower / "gate.json").read_text())
    assert gate["matched_by"] == "journeys/s"
    assert {f["users"] for f in gate["findings"] if f["users"] is not None} == set(rates)
    assert main(["gate", str(slower), str(baseline)]) == 0


def test_an_open_run_against_a_closed_one_is_inconclusive(built, tmp_path, capsys):
    """A closed baseline and an open run: their steps cannot be matched, 98."""
    opened = _open_summary(tmp_path / "open", [1.0, 2.0, 3.0], 100.0)
    assert main(["gate", str(built()), str(opened)]) == exitcodes.INCONCLUSIVE
    assert "their steps cannot be matched" in capsys.readouterr().out
