"""Issue 23, item 1: a verdict that cannot pass a run which did not run the plan.

Real ``stairload run``s of a few users for a few seconds against a loopback service
(``plan_server``): users that never started, a worker killed, a captured token the client
cannot send, connection resets, a descriptor limit the generator hits. None may PASS.
"""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from plan_server import plan_server, url_of, write_plan
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration

# 3 -> 6 users, 6-second steps and a 6-second hold: about 20 s of load.
_STAIR = ["--time-scale", "0.1", "--start-users", "3", "--end-users", "6", "--step-users", "3"]


def _command(scenarios: Path, run_dir: Path, host: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "stairload",
        "run",
        "plan",
        "--scenarios",
        str(scenarios),
        "--host",
        host,
        *_STAIR,
        "--run-dir",
        str(run_dir),
        *extra,
    ]


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )


def _summary(run_dir: Path) -> dict[str, Any]:
    return json.loads((run_dir / "summary.json").read_text())


def _steps(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "steps.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _failures(run_dir: Path) -> list[dict[str, str]]:
    with (run_dir / "locust_failures.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_run_that_holds_its_plan_passes(tmp_path: Path) -> None:
    """The control: the same stair against a healthy service holds 6 users and passes."""
    scenarios = write_plan(tmp_path)
    with plan_server() as server:
        result = _run(_command(scenarios, tmp_path / "run", url_of(server), "--workers", "0"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = _summary(tmp_path / "run")
    assert summary["verdict"] == "PASS"
    assert summary["faults"] == 0
    assert [row["faults"] for row in _steps(tmp_path / "run")] == ["0", "0"]


def test_unique_rows_exhausted_make_the_stress_step_invalid(tmp_path: Path) -> None:
    """3 rows for 6 users: 3 users run, the stress step is invalid and the run INCONCLUSIVE."""
    (tmp_path / "users.csv").write_text("username\nann1\nann2\nann3\n")
    scenarios = write_plan(tmp_path, data="{file: users.csv, pick: unique}")
    run_dir = tmp_path / "run"
    with plan_server() as server:
        result = _run(_command(scenarios, run_dir, url_of(server), "--workers", "0"))
    assert result.returncode == 98, result.stdout[-3000:] + result.stderr[-3000:]
    summary = _summary(run_dir)
    assert summary["verdict"] == "INCONCLUSIVE"
    assert summary["invalid_steps"] == [2]
    stress = _steps(run_dir)[-1]
    assert float(stress["actual_users"]) == pytest.approx(3.0)
    caveats = " ".join(summary["caveats"])
    assert (
        "Step 2 did not run the plan: 3 of the planned 6 users ran (median over the step; "
        "the rows of a pick: unique data file were exhausted)"
    ) in caveats
    assert summary["faults"] == 3  # the three users without a row: journey faults
    assert any(row["Error"].startswith("journey fault: ") for row in _failures(run_dir))


def _wait_for_totals(intervals: Path, rows: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if intervals.exists() and intervals.read_text().count(",Total,") >= rows:
            return
        time.sleep(0.2)
    process.kill()
    pytest.fail("the run never wrote intervals")


def test_a_worker_killed_mid_run_makes_the_run_inconclusive(tmp_path: Path) -> None:
    """SIGKILL on one of two workers: its users are gone, the stress step is invalid (98)."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server() as server:
        command = _command(scenarios, run_dir, url_of(server), "--workers", "2")
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        _wait_for_totals(run_dir / "intervals.csv", 3, process)
        workers = [
            p
            for p in psutil.process_iter(["cmdline"])
            if "--worker" in (p.info["cmdline"] or [])
            and str(run_dir) in " ".join(p.info["cmdline"] or [])
        ]
        assert len(workers) == 2
        workers[0].send_signal(signal.SIGKILL)
        output, _ = process.communicate(timeout=120)
    assert process.returncode == 98, output[-3000:]
    summary = _summary(run_dir)
    assert summary["verdict"] == "INCONCLUSIVE"
    assert 2 in summary["invalid_steps"]
    assert "load-generator worker(s) lost" in " ".join(summary["caveats"])
    assert "exit code 98 (INCONCLUSIVE: the stress step (6 users) is not a valid measurement: " in (
        output
    )


def test_a_captured_token_with_a_line_break_is_a_journey_fault(tmp_path: Path) -> None:
    """A token with CR/LF cannot be sent: each attempt is a named journey fault, never PASS."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server(token="abc\r\nX-Evil: 1") as server:
        result = _run(_command(scenarios, run_dir, url_of(server), "--workers", "0"))
        logins = server.requests
    assert result.returncode == 98, result.stdout[-3000:] + result.stderr[-3000:]
    summary = _summary(run_dir)
    assert summary["verdict"] == "INCONCLUSIVE"
    assert summary["reason"].endswith(
        "request(s) could not be sent: generator or journey faults, not the target's "
        "failures (see locust_failures.csv)"
    )
    assert summary["faults"] > 0 and logins > 0
    assert sum(int(row["faults"]) for row in _steps(run_dir)) > 0
    errors = {row["Name"]: row["Error"] for row in _failures(run_dir)}
    assert errors["/items"] == (
        "journey fault: not sent: header 'Authorization': its value has a line break or NUL "
        "(CR, LF or \\0), which HTTP does not allow (got 'Bearer abc\\r\\nX-Evil: 1')"
    )
    # the service saw only logins: the faults are not its failures
    assert all(int(row["failures"]) == 0 for row in _steps(run_dir))


def test_connection_resets_are_the_targets_failures(tmp_path: Path) -> None:
    """Every third request reset by the service: failed requests, the verdict FAIL (99)."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server(reset_every=3) as server:
        result = _run(_command(scenarios, run_dir, url_of(server), "--workers", "0"))
        resets = server.resets
    assert result.returncode == 99, result.stdout[-3000:] + result.stderr[-3000:]
    summary = _summary(run_dir)
    assert summary["verdict"] == "FAIL"
    assert summary["faults"] == 0
    with (run_dir / "locust_stats.csv").open(newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    # a reset the client retried is one failed request; one it did not, too
    assert int(total["Failure Count"]) >= resets // 2 > 10
    assert any("reset" in row["Error"] for row in _failures(run_dir))
