"""build's files: summary.json, steps.csv, the charts and a self-contained report.html."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from synthetic import StepSpec, SyntheticRun, write_run

from reports.build import OUTPUTS, build
from reports.compare import compare, default_out_dir

STEPS = (StepSpec(100, 1000, 100.0), StepSpec(200, 1600, 125.0), StepSpec(300, 1200, 250.0, 12))
WARNING = {"time_s": 25.5, "process": "worker-1", "cpu_percent": 97.0}
RUN = SyntheticRun(steps=STEPS, step_seconds=20, ramp_seconds=5, mtt_ms=200.0, target_tps=1500.0)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One interrupted run with a CPU warning, built once for the whole module."""
    run = SyntheticRun(
        steps=STEPS,
        step_seconds=20,
        ramp_seconds=5,
        mtt_ms=200.0,
        stop_at_s=50,
        exit_reason="interrupted",
        cpu_warnings=(WARNING,),
    )
    run_dir = write_run(tmp_path_factory.mktemp("built") / "run", run)
    build(run_dir)
    return run_dir


def test_build_writes_every_promised_file(built):
    """report.html, summary.json, steps.csv, tps.png and mtt.png exist and are not empty."""
    for name in OUTPUTS:
        assert (built / name).stat().st_size > 0, name


def test_build_draws_the_extra_charts(built):
    """Percentiles, errors, users and throughput-vs-users charts are drawn too."""
    for name in ("percentiles.png", "errors.png", "users.png", "throughput_users.png"):
        assert (built / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_summary_json_follows_the_contract(built):
    """summary.json has the contract's keys, with the steps' measured numbers."""
    summary = json.loads((built / "summary.json").read_text())
    assert summary["verdict"] == "FAIL"
    assert {"verdict", "checks", "steps", "peak_tps", "max_users_within_target"} <= set(summary)
    for check in summary["checks"]:
        assert {"name", "measured", "limit", "passed"} <= set(check)
    step = summary["steps"][0]
    assert {"step", "users", "tps", "mtt_ms", "p95_ms", "error_rate"} <= set(step)
    assert (step["tps"], step["mtt_ms"], step["p95_ms"]) == (1000.0, 100.0, 160.0)
    # step 2's CPU warning (no per-second samples) makes it invalid: it counts for nothing
    assert (summary["peak_tps"], summary["max_users_within_target"]) == (1200.0, 100)
    assert summary["exit_reason"] == "interrupted"


def test_steps_csv_has_one_row_per_planned_step(built):
    """steps.csv lists all three steps; the partial one says so and the warned one is flagged."""
    with (built / "steps.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows] == ["complete", "complete", "partial"]
    assert [row["cpu_warning"] for row in rows] == ["False", "True", "False"]
    assert rows[1]["tps"] == "1600.0"


def test_report_is_self_contained(built):
    """report.html loads nothing from outside: only data: URIs, no url(), no scripts."""
    page = (built / "report.html").read_text()
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(source.startswith("data:") for source in sources)
    assert "url(" not in page and "<script" not in page and "@import" not in page


def test_report_shows_exit_reason_caveat_and_warned_step(built):
    """The interruption banner, the generator caveat and the invalid step's note are visible."""
    page = (built / "report.html").read_text()
    assert 'id="exit-reason"' in page and "interrupted" in page
    assert "measured the load generator, not the target" in page
    assert "invalid: load generator CPU above its limit" in page


def test_empty_intervals_still_build_a_report(tmp_path):
    """A run stopped before its first second (header-only intervals.csv) still reports: FAIL."""
    run_dir = write_run(tmp_path / "run", SyntheticRun(steps=STEPS, stop_at_s=0))
    analysis = build(run_dir)
    assert analysis.verdict.verdict == "FAIL"
    assert [step.status for step in analysis.steps] == ["not reached"] * 3
    assert (run_dir / "report.html").exists()


def test_all_failure_constant_run_builds(tmp_path):
    """A one-step constant run where everything fails still writes every file."""
    spec = StepSpec(10, 100, 50.0, failures_per_second=100)
    run_dir = write_run(tmp_path / "run", SyntheticRun(steps=(spec,), shape="constant"))
    assert build(run_dir).verdict.verdict == "FAIL"
    assert all((run_dir / name).exists() for name in OUTPUTS)


def test_compare_matches_steps_by_users(tmp_path):
    """B twice as fast as A on shared user counts: TPS +100 %, MTT -50 %; lone steps kept."""
    run_a = write_run(tmp_path / "a", RUN)
    faster = (StepSpec(200, 3200, 62.5), StepSpec(300, 2400, 125.0), StepSpec(400, 2000, 200.0))
    run_b = write_run(tmp_path / "b", SyntheticRun(steps=faster, step_seconds=20, ramp_seconds=5))
    result = compare(run_a, run_b, default_out_dir(run_a, run_b))
    rows = {row["users"]: row for row in result.rows}
    assert sorted(rows) == [100, 200, 300, 400]
    assert (rows[200]["tps_delta_pct"], rows[200]["mtt_delta_pct"]) == (100.0, -50.0)
    assert rows[100]["tps_b"] is None and rows[400]["tps_a"] is None
    assert result.out_dir == tmp_path / "compare-a-vs-b"
    for name in ("compare.html", "compare.csv", "compare_tps.png", "compare_mtt.png"):
        assert (result.out_dir / name).stat().st_size > 0
