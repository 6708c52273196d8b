"""The process edges: warm-up gate, clean SIGTERM, and one-line errors for bad options."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from stairload.target.testing import call, launch_target, login, start_target

pytestmark = pytest.mark.integration


def test_health_is_503_until_warmup_complete(tmp_path: Path) -> None:
    """With --require-warmup, /health answers 503 warming_up until POST /warmup/complete."""
    with start_target(tmp_path, users=5, require_warmup=True) as base_url:
        assert call(base_url, "GET", "/health") == (503, {"status": "warming_up"})
        assert call(base_url, "GET", "/trips", token=login(base_url, 1))[0] == 200
        assert call(base_url, "GET", "/health")[0] == 503
        assert call(base_url, "POST", "/warmup/complete") == (200, {"status": "ok"})
        assert call(base_url, "GET", "/health") == (200, {"status": "ok"})


def test_health_is_200_at_once_without_the_gate(tmp_path: Path) -> None:
    """Without --require-warmup, /health answers 200 as soon as the server listens."""
    with start_target(tmp_path, users=5) as base_url:
        assert call(base_url, "GET", "/health") == (200, {"status": "ok"})


def test_the_ready_line_names_url_db_and_users(tmp_path: Path) -> None:
    """The process prints one ready line with its URL, database and user count."""
    target = launch_target(tmp_path, users=5)
    try:
        log = target.log()
    finally:
        target.stop()
    assert f"target_app: listening on {target.base_url} (db {target.db_path}, 5 users" in log


def test_sigterm_under_load_exits_0_with_a_consistent_database(tmp_path: Path) -> None:
    """SIGTERM while clients write: exit 0, no 5xx, and an intact database afterwards."""
    target = launch_target(tmp_path, users=5)
    token = login(target.base_url, 1)
    trip_id = call(target.base_url, "GET", "/trips", token=token)[1]["trips"][0]["id"]
    statuses: list[int] = []
    started = threading.Event()

    def write_until_refused() -> None:
        plan = {"day": 1, "title": "x", "latitude": 1.0, "longitude": 2.0}
        for _ in range(2000):
            try:
                statuses.append(
                    call(target.base_url, "POST", f"/trips/{trip_id}/plans", plan, token=token)[0]
                )
            except OSError:
                return
            started.set()

    writers = [threading.Thread(target=write_until_refused) for _ in range(8)]
    for writer in writers:
        writer.start()
    assert started.wait(10)
    exit_code = target.stop()
    for writer in writers:
        writer.join(30)
    assert exit_code == 0, target.log()
    assert statuses and set(statuses) == {201}
    with sqlite3.connect(target.db_path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        created = connection.execute("SELECT COUNT(*) FROM plans WHERE title = 'x'").fetchone()[0]
    assert created == len(statuses)
    assert "Traceback" not in target.log()


_HELP = " (see 'stairload target --help')"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--port", "abc"],
            "Error: --port: must be an integer in 1..65535 (got 'abc')" + _HELP,
        ),
        (
            ["--port", "70000"],
            "Error: --port: must be an integer in 1..65535 (got '70000')" + _HELP,
        ),
        (
            ["--users", "0"],
            "Error: --users: must be an integer in 1..1000000 (got '0')" + _HELP,
        ),
        (["--workers", "x"], "Error: --workers: must be an integer in 1..16 (got 'x')" + _HELP),
        (
            ["--host", "example.com"],
            "Error: --host: must be an IP address such as 127.0.0.1 or localhost"
            " (got 'example.com')" + _HELP,
        ),
        (["--db", "."], "Error: --db: must be a file path, not a folder (got '.')" + _HELP),
        (["--bogus"], "Error: stairload target: unrecognized arguments: --bogus" + _HELP),
    ],
)
def test_bad_options_print_one_line_and_exit_2(args: list[str], message: str) -> None:
    """A bad option prints one line naming it, the value and what is allowed, and exits 2."""
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "target", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")


def test_an_unusable_db_path_is_one_line_exit_1(tmp_path: Path) -> None:
    """A --db under a regular file fails with one line naming the path, exit 1."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "target", "--db", str(blocker / "x.db")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: --db: cannot create a database at {blocker / 'x.db'}")
    assert result.stderr.count("\n") == 1
