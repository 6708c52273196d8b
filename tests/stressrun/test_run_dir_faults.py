"""Issue 23, item 3: a fault leaves an honest run directory and one line, never a traceback.

Real ``stairload run`` processes: a real tmpfs filled mid-run by another process, a real
read-only bind mount laid over the run directory mid-run, a real SIGKILL of the Locust
master. Each asserts the one line, the exit code and the run directory's final state.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from plan_server import plan_server, url_of, write_plan
from stressrun_helpers import ROOT

from stairload.rundir import read_intervals

pytestmark = pytest.mark.integration

# 3 -> 6 users, 12-second steps: long enough to be cut in the middle.
_STAIR = ["--time-scale", "0.2", "--start-users", "3", "--end-users", "6", "--step-users", "3"]


def _mount(path: Path, *arguments: str) -> None:
    done = subprocess.run(["mount", *arguments, str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount here: {done.stderr.decode().strip()}")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 40 MB tmpfs: room for the preflight's estimate, little more."""
    path = tmp_path / "disk"
    path.mkdir()
    _mount(path, "-t", "tmpfs", "-o", "size=40m", "tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _start(scenarios: Path, argv: list[str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "stairload", "run", *argv]
    if scenarios.name != "scenarios.yaml":
        command += ["--scenarios", str(scenarios)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_rows(runner: subprocess.Popen[str], run_dir: Path, lines: int) -> None:
    intervals = run_dir / "intervals.csv"
    deadline = time.monotonic() + 120
    while not (intervals.exists() and intervals.read_text().count("\n") > lines):
        if time.monotonic() > deadline or runner.poll() is not None:
            runner.kill()
            pytest.fail(f"the run never wrote {lines} lines of intervals.csv")
        time.sleep(0.2)


def _fill(path: Path) -> Path:
    """Write zeros into ``path`` until the file system says it is full."""
    filler = path / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 1 << 16, 1 << 12, 1):  # down to the last byte
            with contextlib.suppress(OSError):
                while True:
                    os.write(descriptor, bytes(size))
    finally:
        os.close(descriptor)
    return filler


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def _build(run_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(run_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _leftovers(run_dir: Path) -> list[str]:
    """Temporary files of atomic writes (``.name.xxxx``) or ``.partial`` files left behind."""
    return sorted(
        entry.name
        for entry in run_dir.iterdir()
        if entry.name.endswith(".partial")
        or (entry.name.startswith(".") and entry.name != ".stairload-reserve")
    )


def test_a_disk_that_fills_mid_run_ends_disk_full(tmp_path: Path, disk: Path) -> None:
    """Another process fills the disk: one line, exit 7, run.json disk_full, reports later."""
    scenarios = write_plan(tmp_path)
    run_dir = disk / "run"
    with plan_server() as server:
        argv = [*_STAIR, "--workers", "0", "--host", url_of(server), "--run-dir", str(run_dir)]
        runner = _start(scenarios, ["plan", *argv])
        _wait_for_rows(runner, run_dir, 8)
        filler = _fill(disk)
        out, err = runner.communicate(timeout=120)
    assert runner.returncode == 7, out[-3000:] + err[-3000:]
    assert "Traceback" not in out + err
    errors = _error_lines(err)
    assert len(errors) == 1, err
    assert re.fullmatch(r"Error: .*: the disk is full \(No space left on device\)", errors[0])
    assert out.rstrip().endswith(
        "[stairload] exit code 7 (DISK FULL: a file of the run directory could not be "
        "written: the disk is full)"
    ), out[-2000:]
    record = json.loads((run_dir / "run.json").read_text())
    assert (record["exit_reason"], record["exit_code"]) == ("disk_full", 7)
    assert _leftovers(run_dir) == []
    assert not (run_dir / ".stairload-reserve").exists()
    rows = read_intervals(run_dir / "intervals.csv")  # whole rows only
    assert len({row.time_s for row in rows}) >= 3

    filler.unlink()
    built = _build(run_dir)
    assert built.returncode in (0, 98, 99), built.stdout[-2000:] + built.stderr[-2000:]
    assert "The run stopped because its disk was full" in (run_dir / "report.html").read_text()
    assert json.loads((run_dir / "summary.json").read_text())["exit_reason"] == "disk_full"


def test_a_full_disk_under_the_embedded_target_ends_disk_full(disk: Path) -> None:
    """The target-CPU feed (a thread of the runner) meets the full disk: no traceback."""
    run_dir = disk / "run"
    argv = ["scenario2", "--time-scale", "0.1", "--users-scale", "0.01", "--workers", "0"]
    argv += ["--target-users", "300"]  # a small database: the disk is for the run
    runner = _start(ROOT / "scenarios.yaml", [*argv, "--run-dir", str(run_dir)])
    _wait_for_rows(runner, run_dir, 20)
    _fill(disk)
    out, err = runner.communicate(timeout=180)
    assert runner.returncode == 7, out[-3000:] + err[-3000:]
    assert "Traceback" not in out + err
    errors = _error_lines(err)
    assert len(errors) == 1, err
    # the runner's own probe, or (when the target's files were freed meanwhile) the master's
    assert re.fullmatch(
        r"Error: .*: the disk is full \((No space left on device|see locust\.log)\)", errors[0]
    ), errors
    record = json.loads((run_dir / "run.json").read_text())
    assert (record["exit_reason"], record["exit_code"]) == ("disk_full", 7)
    assert _leftovers(run_dir) == []
    read_intervals(run_dir / "intervals.csv")  # whole rows only


def test_a_run_directory_made_read_only_mid_run_ends_unwritable(tmp_path: Path) -> None:
    """A read-only mount laid over the run directory mid-run: one line, exit 8, no traceback."""
    run_dir = tmp_path / "run"
    argv = ["scenario2", "--time-scale", "0.05", "--users-scale", "0.01", "--workers", "1"]
    runner = _start(ROOT / "scenarios.yaml", [*argv, "--run-dir", str(run_dir)])
    _wait_for_rows(runner, run_dir, 30)
    _mount(run_dir, "--bind", str(run_dir))
    try:
        _mount(run_dir, "-o", "remount,bind,ro")
        out, err = runner.communicate(timeout=180)
    finally:
        if runner.poll() is None:
            runner.kill()
        subprocess.run(["umount", "-l", str(run_dir)], check=False)
    assert runner.returncode == 8, out[-3000:] + err[-3000:]
    assert "Traceback" not in out + err
    errors = _error_lines(err)
    assert len(errors) == 1, err
    assert errors[0].startswith(f"Error: {run_dir}: not writable (Read-only file system)")
    assert errors[0].endswith("run.json could not be written either: it still says 'running'")
    assert json.loads((run_dir / "run.json").read_text())["exit_reason"] == "running"
    assert _leftovers(run_dir) == []
    read_intervals(run_dir / "intervals.csv")  # whole rows only


def _master_of(runner: subprocess.Popen[str]) -> psutil.Process:
    for child in psutil.Process(runner.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            command = child.cmdline()
            if "locust" in command and "--worker" not in command:
                return child
    raise AssertionError("no Locust master")


def test_a_killed_master_is_named_with_the_seconds_it_recorded(tmp_path: Path) -> None:
    """SIGKILL of the master mid-stair: the line names it, exit 4, the report builds."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server() as server:
        argv = [*_STAIR, "--workers", "0", "--host", url_of(server), "--run-dir", str(run_dir)]
        runner = _start(scenarios, ["plan", *argv])
        _wait_for_rows(runner, run_dir, 8)
        _master_of(runner).send_signal(signal.SIGKILL)
        out, err = runner.communicate(timeout=120)
    assert runner.returncode == 4, out[-3000:] + err[-3000:]
    errors = _error_lines(err)
    assert len(errors) == 1, err
    match = re.fullmatch(
        r"Error: the Locust master was killed \(signal 9 \(SIGKILL\)\) after ([\d.]+) seconds "
        r"of the stair; it recorded (\d+) seconds; see .*locust\.log",
        errors[0],
    )
    assert match, errors[0]
    recorded = len({row.time_s for row in read_intervals(run_dir / "intervals.csv")})
    assert int(match[2]) == recorded >= 3
    assert float(match[1]) >= recorded
    record = json.loads((run_dir / "run.json").read_text())
    assert (record["exit_reason"], record["exit_code"]) == ("error", 4)
    assert record["master_killed"]["signal"] == 9
    assert record["started_at"] is not None
    assert (run_dir / "report.html").exists()
    assert "Locust stopped before the run started" not in out + err


def test_a_symlinked_report_file_is_replaced_not_written_through(tmp_path: Path) -> None:
    """report.html and summary.json planted as symlinks: build replaces them, the target stays."""
    scenarios = write_plan(tmp_path)
    run_dir = tmp_path / "run"
    with plan_server() as server:
        argv = [*_STAIR, "--time-scale", "0.05", "--workers", "0", "--host", url_of(server)]
        command = [sys.executable, "-m", "stairload", "run", "plan", "--scenarios"]
        done = subprocess.run(
            [*command, str(scenarios), *argv, "--run-dir", str(run_dir), "--no-report"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for name in ("report.html", "summary.json", "steps.csv", "tps.png"):
        (run_dir / name).unlink(missing_ok=True)
        (run_dir / name).symlink_to(victim)
    built = _build(run_dir)
    assert built.returncode in (0, 98, 99), built.stdout[-2000:] + built.stderr[-2000:]
    assert victim.read_text() == "precious\n"
    for name in ("report.html", "summary.json", "steps.csv", "tps.png"):
        assert not (run_dir / name).is_symlink(), name
    assert json.loads((run_dir / "summary.json").read_text())["verdict"]


def test_a_symlink_at_a_streamed_file_is_refused(tmp_path: Path) -> None:
    """A streamed file (intervals.csv...) is never opened through a symlink: the fault says so."""
    from stairload.core import exitcodes
    from stairload.rundir.atomic import RunDirFault, Stream

    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (tmp_path / "intervals.csv").symlink_to(victim)
    with pytest.raises(RunDirFault) as caught:
        Stream(tmp_path / "intervals.csv")
    assert caught.value.exit_code == exitcodes.RUN_DIR_UNWRITABLE
    assert str(caught.value) == (
        f"{tmp_path / 'intervals.csv'}: not writable (it is a symlink, and the run "
        "directory's files are never written through one)"
    )
    assert victim.read_text() == "precious\n"
    assert caught.value.error.errno == errno.ELOOP
    assert os.path.islink(tmp_path / "intervals.csv")
