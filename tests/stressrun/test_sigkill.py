"""SIGKILL of the runner: no target, master or worker outlives it, no port stays bound."""

from __future__ import annotations

import json
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

pytestmark = pytest.mark.integration

_SMOKE = ["--time-scale", "0.05", "--users-scale", "0.01", "--target-users", "300", "--no-probes"]


def _family(text: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if any(text in part for part in process.info["cmdline"] or []):
            found.append(process)
    return found


def _listening_ports(processes: list[psutil.Process]) -> set[int]:
    ports = set()
    for process in processes:
        try:
            connections = process.net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            continue
        ports |= {c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN}
    return ports


def _answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_sigkill_of_the_runner_leaves_no_process_and_no_port(tmp_path: Path) -> None:
    """Target, master and workers end with the runner; the report says it ended abruptly."""
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "stairload", "run", "scenario2", *_SMOKE, "--workers", "2"]
    runner = subprocess.Popen(
        [*command, "--run-dir", str(run_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    intervals = run_dir / "intervals.csv"
    deadline = time.monotonic() + 90
    while not (intervals.exists() and intervals.read_text().count("\n") > 40):
        if time.monotonic() > deadline or runner.poll() is not None:
            runner.kill()
            pytest.fail("the run never wrote intervals")
        time.sleep(0.3)
    children = [p for p in _family(str(run_dir)) if p.pid != runner.pid]
    assert len(children) >= 4  # target (supervisor and worker), master, two workers
    ports = _listening_ports(children)
    assert len(ports) >= 2  # the target's and the master's

    runner.send_signal(signal.SIGKILL)
    runner.wait()

    # A SIGKILLed process tears down after it shows as a zombie (its other threads, its
    # sockets): wait for the ports as for the processes, within the same bound.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (
        _family(str(run_dir)) or any(_answers(port) for port in ports)
    ):
        time.sleep(0.2)
    left = _family(str(run_dir))
    for process in left:  # never leave them behind, even when the test fails
        process.kill()
    assert left == []
    assert [port for port in ports if _answers(port)] == []

    built = subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "ended abruptly" in built.stdout, built.stdout + built.stderr
    record = json.loads((run_dir / "run.json").read_text())
    assert record["exit_reason"] == "runner_lost"
    assert_exact_totals(run_dir)
