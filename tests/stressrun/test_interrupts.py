"""Stopping a run: SIGTERM mid-run, a target that is down, bad options. Nothing is lost."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from exact_totals import assert_exact_totals
from stressrun_helpers import ROOT

SMOKE_ARGS = ["--time-scale", "0.05", "--users-scale", "0.01", "--target-users", "300"]


def _stressrun(*args: str) -> list[str]:
    return [sys.executable, "-m", "stairload", "run", "scenario2", "--no-probes", *args]


def _processes_mentioning(text: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = process.info["cmdline"] or []
        if any(text in part for part in cmdline):
            found.append(process)
    return found


@pytest.mark.integration
def test_sigterm_leaves_a_complete_run_directory_and_no_process(tmp_path: Path) -> None:
    """SIGTERM mid-run stops master, workers and target, exits 143, and keeps every file."""
    run_dir = tmp_path / "run"
    process = subprocess.Popen(
        _stressrun(*SMOKE_ARGS, "--workers", "2", "--run-dir", str(run_dir)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    intervals = run_dir / "intervals.csv"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if intervals.exists() and intervals.read_text().count("\n") > 30:
            break
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the run never wrote intervals")
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=90)
    assert process.returncode == 143, output[-3000:]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["exit_reason"] == "terminated"
    assert record["ended_at"] and record["duration_seconds"] < record["stairs"]["total_seconds"]
    with intervals.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and rows[-1]["name"] == "Total"
    assert_exact_totals(run_dir)
    for name in ("locust.html", "locust_stats.csv", "report.html", "summary.json"):
        assert (run_dir / name).stat().st_size > 0, name
    assert "SIGTERM: stopping the run" in output
    time.sleep(0.5)
    assert _processes_mentioning(str(run_dir)) == []


@pytest.mark.integration
def test_an_unreachable_target_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """A host that does not answer stops the run before it starts, and run.json says why."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = subprocess.run(
        _stressrun(
            *SMOKE_ARGS,
            "--host",
            f"http://127.0.0.1:{port}",
            "--run-dir",
            str(tmp_path / "run"),
            "--no-report",
        ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 3
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [
        f"Error: target http://127.0.0.1:{port} is unreachable: "
        "[Errno 111] Connection refused (is it running?)"
    ]
    assert "Traceback" not in result.stderr
    record = json.loads((tmp_path / "run" / "run.json").read_text())
    assert (record["exit_reason"], record["exit_code"]) == ("target_unreachable", 3)


_HELP = " (see 'stairload run --help')"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--time-scale", "0"], "Error: --time-scale: must be in 0.0001..1,000 (got '0')" + _HELP),
        (
            ["--workers", "two"],
            "Error: --workers: must be a whole number (got 'two')" + _HELP,
        ),
        (
            ["--host", "127.0.0.1:8080"],
            "Error: --host: must be an http(s) URL such as http://127.0.0.1:8080 "
            "(got '127.0.0.1:8080')" + _HELP,
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    """A bad option prints one line naming it and what is allowed, exit 2, nothing runs."""
    result = subprocess.run(
        _stressrun(*args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert (result.returncode, result.stderr.strip()) == (2, message)


def test_an_unknown_scenario_is_one_line_and_exit_2() -> None:
    """An unknown scenario name is named, with the known ones, before anything starts."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "run", "scenario9"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: scenarios.yaml: unknown scenario 'scenario9'; known: ")
    assert len(result.stderr.strip().splitlines()) == 1
