"""Issue 23, item 2: a run its machine cannot carry is refused before the stair starts.

Real ``stairload run`` processes under a real descriptor limit (``setrlimit`` in the
child) and in real small or read-only file systems (a tmpfs, where this machine lets the
test mount one).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from plan_server import plan_server, url_of, write_plan
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration

_STAIR = ["--time-scale", "0.1", "--start-users", "3", "--end-users", "6", "--step-users", "3"]


def _limit(soft: int, hard: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    return apply


def _run(
    scenarios: Path, argv: list[str], preexec: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "stairload", "run", "plan", "--scenarios", str(scenarios)]
    return subprocess.run(
        [*command, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        preexec_fn=preexec,
    )


def _tmpfs(path: Path, options: str) -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs."""
    yield from _tmpfs(tmp_path / "small", "size=2m")


@pytest.fixture
def read_only_disk(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs."""
    yield from _tmpfs(tmp_path / "readonly", "ro,size=2m")


def test_a_descriptor_limit_short_of_the_users_is_refused_in_one_line(tmp_path: Path) -> None:
    """ulimit -n 256 (soft and hard) for 300 users in one process: one line, exit 2, no load."""
    scenarios = write_plan(tmp_path)
    argv = [*_STAIR[:2], "--start-users", "150", "--end-users", "300", "--step-users", "150"]
    argv += ["--workers", "0", "--host", "http://127.0.0.1:9", "--run-dir", str(tmp_path / "r")]
    result = _run(scenarios, argv, _limit(256, 256))
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stderr == (
        "Error: the file-descriptor limit is 256 (ulimit -n; hard limit 256), and each "
        "Locust process needs about 428 (one per user plus 128): raise it (ulimit -n 428) "
        "or run more workers\n"
    )
    assert not (tmp_path / "r" / "locust.log").exists()


def test_a_soft_descriptor_limit_is_raised_to_the_hard_one(tmp_path: Path) -> None:
    """Soft limit 64, hard 4096: the run raises it, holds its 6 users and passes."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server() as server:
        argv = [*_STAIR, "--workers", "0", "--host", url_of(server), "--run-dir", str(run_dir)]
        result = _run(scenarios, argv, _limit(64, 4096))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert json.loads((run_dir / "summary.json").read_text())["verdict"] == "PASS"


def test_a_run_directory_without_room_is_refused_in_one_line(
    tmp_path: Path, small_disk: Path
) -> None:
    """A 2 MB file system cannot hold the run: one line naming the space, exit 2."""
    scenarios = write_plan(tmp_path)
    run_dir = small_disk / "run"
    argv = [*_STAIR, "--host", "http://127.0.0.1:9", "--run-dir", str(run_dir)]
    result = _run(scenarios, argv)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stderr.startswith(f"Error: run directory {run_dir}: ")
    assert result.stderr.endswith(
        " MB free, and the run writes about 30.0 MB: free some space or choose another --run-dir\n"
    )
    assert result.stderr.count("\n") == 1
    assert list(run_dir.iterdir()) == []


@pytest.fixture
def forty_mb_disk(tmp_path: Path) -> Iterator[Path]:
    """A 40 MB tmpfs: room for the run's own files, not for an embedded target's database."""
    yield from _tmpfs(tmp_path / "forty", "size=40m")


def test_the_embedded_targets_database_counts_against_the_room(
    tmp_path: Path, forty_mb_disk: Path
) -> None:
    """10,000 seeded users need about 39 MB of database besides the run's 30 MB: refused."""
    scenarios = write_plan(tmp_path)
    run_dir = forty_mb_disk / "run"
    argv = [*_STAIR, "--target-users", "10000", "--run-dir", str(run_dir)]
    result = _run(scenarios, argv)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert " MB free, and the run writes about 69." in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (run_dir / "target").exists()


def test_a_read_only_run_directory_is_refused_in_one_line(
    tmp_path: Path, read_only_disk: Path
) -> None:
    """An empty run directory on a read-only file system: one line, exit 2, no traceback."""
    scenarios = write_plan(tmp_path)
    run_dir = read_only_disk
    argv = [*_STAIR, "--host", "http://127.0.0.1:9", "--run-dir", str(run_dir)]
    result = _run(scenarios, argv)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert result.stderr == (
        f"Error: run directory {run_dir} is not writable (Read-only file system)\n"
    )


_HOG = """
import os

import gevent
from locust import User, constant, task


class DescriptorHog(User):
    wait_time = constant(0.2)
    held = []

    def on_start(self):
        if DescriptorHog.held:
            return
        try:
            while True:
                DescriptorHog.held.append(os.open(os.devnull, os.O_RDONLY))
        except OSError:
            pass
        gevent.sleep(3.5)
        for descriptor in DescriptorHog.held:
            os.close(descriptor)

    @task
    def idle(self):
        pass
"""


def test_a_cpu_monitor_that_cannot_sample_is_a_caveat(tmp_path: Path) -> None:
    """Descriptors used up for 3.5 s: the monitor's failure is in run.json and a caveat."""
    scenarios = write_plan(tmp_path)
    hog = tmp_path / "hog.py"
    hog.write_text(_HOG)
    run_dir = tmp_path / "run"
    argv = [*_STAIR, "--workers", "0", "--locustfile", str(hog), "--run-dir", str(run_dir)]
    with plan_server() as server:
        result = _run(scenarios, [*argv, "--host", url_of(server)])
    assert result.returncode in (0, 98, 99), result.stdout[-3000:] + result.stderr[-3000:]
    record = json.loads((run_dir / "run.json").read_text())
    errors = record["load_generator"]["monitor_errors"]
    assert [entry["process"] for entry in errors] == ["local"], errors
    assert "Too many open files" in errors[0]["error"] and errors[0]["seconds"] >= 2
    caveats = " ".join(json.loads((run_dir / "summary.json").read_text())["caveats"])
    assert "The load generator's CPU monitor failed in local from t=" in caveats
    assert "is unknown for the seconds it did not sample" in caveats
