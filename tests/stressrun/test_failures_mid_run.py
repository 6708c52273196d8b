"""Failures during a run: a worker dies, the target goes down. The run ends readable."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from exact_totals import assert_exact_totals
from stressrun_helpers import ROOT

from stairload.target.testing import launch_target

pytestmark = pytest.mark.integration

_SMOKE = ["--time-scale", "0.05", "--users-scale", "0.01", "--target-users", "300", "--no-probes"]


def _wait_for_rows(intervals: Path, rows: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if intervals.exists() and intervals.read_text().count("\n") > rows:
            return
        time.sleep(0.3)
    process.kill()
    pytest.fail("the run never wrote intervals")


def test_a_worker_killed_mid_run_is_reported_and_the_run_completes(tmp_path: Path) -> None:
    """SIGKILL on one worker: the log and run.json name it; the other carries on to the end."""
    run_dir = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "stairload",
        "run",
        "scenario2",
        *_SMOKE,
        "--workers",
        "2",
        "--run-dir",
        str(run_dir),
        "--no-report",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    _wait_for_rows(run_dir / "intervals.csv", 40, process)
    workers = [
        p
        for p in psutil.process_iter(["cmdline"])
        if "--worker" in (p.info["cmdline"] or [])
        and str(run_dir) in " ".join(p.info["cmdline"] or [])
    ]
    assert len(workers) == 2
    workers[0].send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0, output[-3000:]
    assert "exited with code -9 during the run" in output
    record = json.loads((run_dir / "run.json").read_text())
    assert record["exit_reason"] == "completed"
    lost = record["load_generator"]["lost_workers"]
    assert any(entry["reason"] == "process exited (-9)" for entry in lost), lost
    assert_exact_totals(run_dir)


def test_a_target_that_goes_down_fails_the_verdict_but_keeps_the_run(tmp_path: Path) -> None:
    """The target dies mid-run: failures are counted per second and the verdict is FAIL (99)."""
    (tmp_path / "target").mkdir()
    target = launch_target(tmp_path / "target", users=300)
    run_dir = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "stairload",
        "run",
        "scenario2",
        *_SMOKE,
        "--host",
        target.base_url,
        "--run-dir",
        str(run_dir),
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_for_rows(run_dir / "intervals.csv", 40, process)
    finally:  # the server is a supervisor and its workers: take the whole tree down
        tree = psutil.Process(target.process.pid)
        for member in [*tree.children(recursive=True), tree]:
            member.kill()
        target.process.wait()
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 99, output[-3000:]
    with (run_dir / "intervals.csv").open(newline="") as handle:
        totals = [row for row in csv.DictReader(handle) if row["name"] == "Total"]
    assert int(totals[0]["failures"]) == 0
    assert sum(int(row["failures"]) for row in totals) > 0
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["verdict"] == "FAIL"
    with (run_dir / "locust_failures.csv").open(newline="") as handle:
        failures = list(csv.DictReader(handle))
    assert any("connection error" in row["Error"] for row in failures), failures
    # the method and name are their own columns: the message does not repeat them
    assert not any(f"{row['Method']} {row['Name']}:" in row["Error"] for row in failures), failures
    assert_exact_totals(run_dir)
