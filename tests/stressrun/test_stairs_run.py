"""``make stress-scenario2`` at smoke scale, against the embedded target, local and distributed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from exact_totals import assert_exact_totals
from stressrun_helpers import ROOT, SMOKE, read_run

pytestmark = pytest.mark.integration


def _make_stress(run_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        "make",
        "--no-print-directory",
        "stress-scenario2",
        *SMOKE,
        f"RUN_DIR={run_dir}",
        *extra,
    ]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ, "SLACK_WEBHOOK_URL": ""},
    )


def _check_stairs(run_dir: Path, workers: int) -> None:
    record, totals = read_run(run_dir)
    assert record["exit_reason"] == "completed"
    assert record["workers"] == workers
    assert record["embedded_target"] is True
    steps = record["stairs"]["steps"]
    assert [step["users"] for step in steps] == list(range(12, 22))
    users_at = {int(row["time_s"]) + 1: int(row["users"]) for row in totals}  # sampled at end
    for step in steps:
        # Every plateau holds exactly the planned users, from the end of its ramp until
        # just before the next change may start (the shape looks half a second ahead).
        inside = [t for t in users_at if step["ramp_end_s"] + 1 <= t <= step["end_s"] - 0.6]
        assert inside, step
        assert {users_at[t] for t in inside} == {step["users"]}, step
        if step["step"] > 1:
            # The step came at its planned time, within a second: the first sample showing
            # its users lies within (start - 1, start + 1 + one sampling second].
            first = min(t for t, users in users_at.items() if users == step["users"])
            assert step["start_s"] - 1 < first <= step["start_s"] + 2, (step, first)
    assert sum(int(row["requests"]) for row in totals) > 1_000
    assert sum(int(row["failures"]) for row in totals) == 0
    assert_exact_totals(run_dir)
    # the embedded target's CPU, sampled from outside it: every second has a value
    cpu = [float(row["target_cpu_percent"]) for row in totals]
    assert all(0 <= percent <= 400 for percent in cpu) and max(cpu) > 1


def test_stress_scenario2_climbs_the_planned_stairs(tmp_path: Path) -> None:
    """One process: plateaus of 12..21 users at the planned times, no failure, a report.

    21 back-to-back users can keep one Locust process above 90% of a core on 2 cores:
    then the verdict is INCONCLUSIVE (make's Error 98) instead of PASS, and says why.
    """
    result = _make_stress(tmp_path / "run", "WORKERS=0")
    output = result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0 or "Error 98" in result.stderr, output
    _check_stairs(tmp_path / "run", workers=0)
    for name in ("stairs.png", "locust.html", "locust_stats.csv", "report.html", "summary.json"):
        assert (tmp_path / "run" / name).stat().st_size > 0, name
    assert "step 10 of 10: 21 users" in result.stdout
    assert "report:" in result.stdout


def test_stress_scenario2_with_two_workers_merges_exactly(tmp_path: Path) -> None:
    """A master and two workers: the same plateaus, from the master's merged intervals."""
    result = _make_stress(tmp_path / "run", "WORKERS=2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    _check_stairs(tmp_path / "run", workers=2)
    record, _ = read_run(tmp_path / "run")
    processes = {p["process"] for p in record["load_generator"]["processes"]}
    assert processes == {"master", "worker-1", "worker-2"}
    assert record["load_generator"]["lost_workers"] == []
    lags = record["load_generator"]["loop_lag"]  # every process probed its loop every second
    assert set(lags) == processes
    assert all(len(lags[name]) >= 30 for name in ("worker-1", "worker-2")), lags
    steps_csv = (tmp_path / "run" / "steps.csv").read_text().splitlines()
    assert steps_csv[0].endswith(",generator_loop_lag_ms")
    assert all(line.rsplit(",", 1)[1] for line in steps_csv[1:])  # a figure in every step
