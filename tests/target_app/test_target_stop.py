"""Stopping the target: within its grace period, and saying so in target.log."""

from __future__ import annotations

import time
from pathlib import Path

from stairload.target.config import STOP_GRACE_SECONDS
from stairload.target.testing import call, launch_target


def test_clean_stop_is_quick_and_logged(tmp_path: Path):
    """After some requests, SIGTERM stops both workers within the grace period; log says so."""
    target = launch_target(tmp_path, users=5, workers=2)
    for _ in range(20):
        call(target.base_url, "GET", "/health")
    started = time.monotonic()
    assert target.stop() == 0
    assert time.monotonic() - started < STOP_GRACE_SECONDS
    assert target.stop_problem() == ""
    assert target.log().count("stopped (database closed in") == 2


def test_a_worker_killed_while_closing_its_database_is_explained(tmp_path: Path):
    """A kill line after "stopping" without "stopped": the problem names the stage."""
    target = launch_target(tmp_path, users=5)
    target.stop()
    lines = [line for line in target.log().splitlines() if "stopped (database" not in line]
    lines.append("[WARNING] Killing worker-1 after it refused to gracefully stop")
    target.log_path.write_text("\n".join(lines) + "\n")
    assert target.stop_problem().startswith(
        f"a worker did not stop within the {STOP_GRACE_SECONDS} s grace period and was killed "
        "while closing its database (target.log: 'worker "
    )


def test_a_worker_killed_after_closing_its_database_says_nothing_was_lost(tmp_path: Path):
    """A kill line after the worker's "stopped (database closed ...)": its data is whole."""
    target = launch_target(tmp_path, users=5)
    target.stop()
    with target.log_path.open("a") as log:
        log.write("[WARNING] Killing worker-1 after it refused to gracefully stop\n")
    problem = target.stop_problem()
    assert problem.startswith(
        "granian killed a worker after it had closed its database (target.log: 'worker "
    )
    assert problem.endswith("its data is whole; only its process exit was cut short")
