"""Remote workers over loopback: a worker that does not run the master's files is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stairload.target.launch import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_a_worker_with_another_scenarios_file_is_refused_on_both_sides(tmp_path: Path) -> None:
    """One line on the worker, one on the master; the worker exits 2 and never gets users,
    so the master gives up waiting with its own one-line error."""
    other = tmp_path / "scenarios.yaml"
    other.write_text((ROOT / "scenarios.yaml").read_text() + "# edited on this machine\n")
    port = free_port()
    master = subprocess.Popen(
        [sys.executable, "-m", "stairload", "run", "scenario2", "--time-scale", "0.05",
         "--users-scale", "0.01", "--target-users", "300", "--no-probes",
         "--master-bind-host", "127.0.0.1",
         "--master-port", str(port), "--expect-workers", "1", "--expect-workers-timeout", "6",
         "--run-dir", str(tmp_path / "run"), "--no-report"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    worker = subprocess.run(
        [sys.executable, "-m", "stairload", "worker", "--master", f"127.0.0.1:{port}",
         "--scenarios", str(other)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )  # fmt: skip
    master_output, _ = master.communicate(timeout=90)
    worker_lines = [line for line in worker.stderr.splitlines() if "Error:" in line]
    master_lines = [line for line in master_output.splitlines() if "refused" in line]
    assert worker.returncode == 2
    assert len(worker_lines) == 1
    assert worker_lines[0].startswith(
        "Error: the master refused this worker: scenarios file differs (worker "
    )
    assert len(master_lines) == 1 and "scenarios file differs" in master_lines[0]
    assert master.returncode == 4
    errors = [line for line in master_output.splitlines() if line.startswith("Error: ")]
    assert errors[-1].startswith(
        "Error: --expect-workers: 1 worker(s) did not all connect within 6 s"
    )


def test_worker_needs_a_master() -> None:
    """`stairload.run worker` without --master is a usage error: one line, exit 2."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "worker"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Error: ")
    assert "--master" in result.stderr


def test_expect_workers_needs_a_bind_address() -> None:
    """Waiting for workers from other machines without an address to accept them on is refused."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "run", "scenario2", "--expect-workers", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Error: --expect-workers: workers on other machines need --master-bind-host ADDR "
        "(got --expect-workers 2 without it)"
    )
