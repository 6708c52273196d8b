"""Issue 23, item 5: the warm-up replays with the scenario's data files and the run's checks.

Real ``stairload warmup`` (its ``main``, in-process) against a real loopback service that
accepts only the data file's accounts.
"""

from __future__ import annotations

import json
import textwrap
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stairload.cli.warmup import main
from stairload.core import exitcodes


class _Accounts(ThreadingHTTPServer):
    daemon_threads = True
    token = "t0ken"
    logins: list[str]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Accounts

    def log_message(self, *_: object) -> None:
        """Quiet."""

    def _send(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        """/login: 200 and the token for ann1..ann3 only; anything else posted: 200."""
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/login":
            self._send(200, {})
            return
        username = (json.loads(raw or b"{}") or {}).get("username")
        self.server.logins.append(str(username))
        if username in ("ann1", "ann2", "ann3"):
            self._send(200, {"token": self.server.token})
        else:
            self._send(401, {"error": "bad credentials"})

    def do_GET(self) -> None:
        """/health and /items."""
        self._send(200, {"items": []})


@pytest.fixture
def accounts() -> Iterator[_Accounts]:
    """The service on a free loopback port."""
    server = _Accounts(("127.0.0.1", 0), _Handler)
    server.logins = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _scenarios(folder: Path) -> Path:
    (folder / "users.csv").write_text("username\nann1\nann2\nann3\n")
    path = folder / "accounts.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            service: {name: accounts, response_time_ms: 500, peak_rate: 2.0, safety_factor: 2.0}
            cases: {average: {dau: 2000}, stress: {dau: 4000}}
            thresholds: {mtt_ms: 500, error_rate: 0.01}
            scenarios:
              accounts:
                description: log in with an account of the data file, then read the items
                requests_per_user_per_day: 2
                journey_seconds: 30
                stairs: {step_users: 3, step_seconds: 60, hold_seconds: 60, spawn_rate: 10}
                data: {file: users.csv, pick: unique}
                headers: {Authorization: "Bearer {token}"}
                steps:
                  - request: POST /login
                    json: {username: "{username}"}
                    expect: {status: 200, checks: ["token"]}
                    capture: {token: token}
                  - request: GET /items
            """
        )
    )
    return path


def _argv(server: _Accounts, scenarios: Path) -> list[str]:
    host, port = server.server_address[:2]
    return [
        "--host",
        f"http://{host}:{port}",
        "--scenario",
        "accounts",
        "--scenarios",
        str(scenarios),
        "--requests",
        "24",
        "--concurrency",
        "2",
    ]


def test_the_warm_up_logs_in_with_the_data_files_rows(
    tmp_path: Path, accounts: _Accounts, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every login uses a row of users.csv; no request fails; exit 0."""
    code = main(_argv(accounts, _scenarios(tmp_path)))
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert set(accounts.logins) == {"ann1", "ann2", "ann3"}
    assert "0 failed" in captured.out or "0.00%" in captured.out, captured.out


def test_a_captured_header_with_a_line_break_fails_requests_without_a_traceback(
    tmp_path: Path, accounts: _Accounts, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CRLF token: the reads are not sent, named in one line, exit 6, no traceback."""
    accounts.token = "abc\r\nX-Evil: 1"
    code = main(_argv(accounts, _scenarios(tmp_path)))
    captured = capsys.readouterr()
    assert code == exitcodes.WARMUP_TOO_MANY_ERRORS, captured.out + captured.err
    assert "Traceback" not in captured.err
    errors = [line for line in captured.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and captured.err.endswith(errors[0] + "\n"), captured.err
    assert "header 'Authorization': its value has a line break or NUL" in errors[0]
