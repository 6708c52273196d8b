"""stairload warmup: options, exit codes and one-line errors that need no target."""

from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from stairload.cli.warmup import main
from stairload.core.errors import TargetUnreachable
from stairload.warmup.health import wait_until_up
from stairload.warmup.replay import ReplayResult

_HELP = " (see 'stairload warmup --help')"
SCENARIOS = str(Path(__file__).parents[2] / "scenarios.yaml")


def _free_url() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--host", "ftp://x"],
            "--host: must be an http(s) URL such as http://127.0.0.1:8080 (got 'ftp://x')" + _HELP,
        ),
        (["--requests", "0"], "--requests: must be in 1..10,000,000 (got '0')" + _HELP),
        (["--concurrency", "many"], "--concurrency: must be a whole number (got 'many')" + _HELP),
        (["--max-error-rate", "2"], "--max-error-rate: must be in 0..1 (got '2')" + _HELP),
        (["--health-path", "health"], "--health-path: must start with / (got 'health')" + _HELP),
        (
            ["--scenario", "scenario9"],
            f"{SCENARIOS}: unknown scenario 'scenario9'; known: "
            "scenario1, scenario2, scenario3; did you mean 'scenario3'?",
        ),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Each bad option gives 'Error: ...' on one line and exit code 2."""
    argv = ["--scenario", "scenario2", "--scenarios", SCENARIOS, *args]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"Error: {message}\n"


def test_health_that_never_answers_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing listening: exit 3 after the health timeout, naming the URL."""
    url = _free_url()
    argv = [
        "--host",
        url,
        "--scenario",
        "scenario2",
        "--scenarios",
        SCENARIOS,
        "--health-timeout",
        "0.3",
    ]
    assert main(argv) == 3
    assert capsys.readouterr().err == (
        f"Error: {url}/health did not answer 200 or 503 within 0.3 s (no answer)\n"
    )


def test_only_200_and_503_count_as_up() -> None:
    """A health answering 404 is not up; the wait ends in TargetUnreachable with the status."""

    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        with pytest.raises(TargetUnreachable, match=r"within 0.2 s \(last status 404\)$"):
            wait_until_up(url, "/health", 0.2, poll_seconds=0.05)
    finally:
        server.shutdown()
        server.server_close()


def test_batch_means_compare_first_and_last_tenth() -> None:
    """batch_means averages the first and the last 10% of latencies in completion order."""
    result = ReplayResult(20, 0, 2, 1.0, tuple([9.0, 7.0] + [5.0] * 16 + [1.0, 3.0]), None, False)
    assert result.batch_means(0.1) == (8.0, 2.0)
    assert result.error_rate == 0.0


def test_help_lists_every_option() -> None:
    """--help documents each option."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "warmup", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    for option in (
        "--host",
        "--health-path",
        "--requests",
        "--concurrency",
        "--scenario",
        "--complete-path",
        "--health-timeout",
        "--max-error-rate",
        "--scenarios",
    ):
        assert option in result.stdout
