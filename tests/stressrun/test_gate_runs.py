"""stairload report gate on two real runs: a service 12 times slower regresses, not the reverse.

Two real ``stairload run``s of the same small stair (3 -> 6 users, about 20 s each)
against a loopback service that answers after 5 ms, then after 60 ms. The gap is far
beyond the 10% tolerance and beyond what a busy machine adds to a 5 ms answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from junitparser import Failure, JUnitXml
from plan_server import write_plan
from stressrun_helpers import ROOT

from stairload.cli.report import main as report_main
from stairload.core import exitcodes

pytestmark = pytest.mark.integration

_STAIR = ["--time-scale", "0.1", "--start-users", "3", "--end-users", "6", "--step-users", "3"]


class _DelayedServer(ThreadingHTTPServer):
    daemon_threads = True
    delay_seconds = 0.0


class _DelayedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _DelayedServer

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def _answer(self, payload: object) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        time.sleep(self.server.delay_seconds)
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """The login: a token."""
        self._answer({"token": "t0ken"})

    def do_GET(self) -> None:
        """The items: an empty list."""
        self._answer({"items": []})


@contextmanager
def _service(delay_seconds: float) -> Iterator[str]:
    server = _DelayedServer(("127.0.0.1", 0), _DelayedHandler)
    server.delay_seconds = delay_seconds
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _run(scenarios: Path, run_dir: Path, delay_seconds: float) -> Path:
    with _service(delay_seconds) as host:
        command = [sys.executable, "-m", "stairload", "run", "plan", "--scenarios"]
        command += [str(scenarios), "--host", host, *_STAIR, "--workers", "0"]
        command += ["--run-dir", str(run_dir), "--fail-exit-code", "0"]
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
        )
    assert (run_dir / "summary.json").exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return run_dir


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(fast run, slow run) of the same stair: 5 ms and 60 ms answers."""
    folder = tmp_path_factory.mktemp("gate-runs")
    scenarios = write_plan(folder)
    return _run(scenarios, folder / "fast", 0.005), _run(scenarios, folder / "slow", 0.060)


def test_the_slower_run_regresses_with_its_steps_named(runs, tmp_path, capsys) -> None:
    """Fast baseline, slow run: exit 96; each step's MTT is a regression, in the JUnit too."""
    fast, slow = runs
    junit = tmp_path / "gate-junit.xml"
    code = report_main(["gate", str(fast), str(slow), "--junit", str(junit)])
    out = capsys.readouterr().out
    assert code == exitcodes.REGRESSED, out
    assert "gate: REGRESSED (" in out
    rows = [line.split()[:3] for line in out.splitlines()]
    assert ["3", "users", "mtt_ms"] in rows, out
    assert ["6", "users", "mtt_ms"] in rows, out
    cases = {case.name: case for suite in JUnitXml.fromfile(str(junit)) for case in suite}
    (failure,) = list(cases["6 users: mtt_ms"].result)
    assert isinstance(failure, Failure)
    assert failure.message.startswith("measured ")


def test_the_faster_run_passes_against_the_slower_baseline(runs, capsys) -> None:
    """The same runs in the other order: nothing regressed, exit 0."""
    fast, slow = runs
    code = report_main(["gate", "--baseline", str(slow), str(fast)])
    assert code == exitcodes.OK, capsys.readouterr().out
