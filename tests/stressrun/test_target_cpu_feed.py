"""The embedded target's CPU, sampled from outside it: a value for every second, overloaded too."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import psutil

from stairload.loadgen.target_cpu import TargetCpu
from stairload.run.target_cpu_feed import TargetCpuFeed
from stairload.target.testing import launch_target


def _hammer(base_url: str, stop: threading.Event) -> None:
    while not stop.is_set():
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base_url}/health", timeout=0.5) as response,
        ):
            response.read()


def _answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/health", timeout=0.8) as response:
            response.read()
    except OSError:
        return False
    return True


def _signal_tree(pid: int, signum: int) -> None:
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        process.send_signal(signum)


def test_a_target_that_does_not_answer_still_has_a_cpu_value_every_second(tmp_path: Path):
    """Hammered, then frozen so HTTP gets no answer within 0.8 s: no second without CPU."""
    target = launch_target(tmp_path, users=10, workers=1)
    stop = threading.Event()
    try:
        feed = TargetCpuFeed(target.process.pid, tmp_path / "target_cpu.csv").start()
        with ThreadPoolExecutor(32) as pool:
            for _ in range(32):
                pool.submit(_hammer, target.base_url, stop)
            time.sleep(3.0)
            _signal_tree(target.process.pid, signal.SIGSTOP)  # overloaded to the extreme
            try:
                time.sleep(0.5)
                answered_while_frozen = _answers(target.base_url)
                time.sleep(2.0)
            finally:
                _signal_tree(target.process.pid, signal.SIGCONT)
            time.sleep(1.5)
            stop.set()
        values = feed.stop()
    finally:
        target.stop()
    seconds = sorted(values)
    assert not answered_while_frozen  # an HTTP poll of /metrics would have got nothing
    assert seconds == list(range(seconds[0], seconds[0] + len(seconds)))
    assert len(seconds) >= 6
    assert max(values.values()) > 5  # it did work while hammered
    assert min(values.values()) < 5  # and none while frozen


def test_master_reads_run_seconds_from_the_feed_file(tmp_path: Path):
    """Run second 0 from t0 = 100.25 overlaps unix 100 (75%) and 101 (25%): 0.75x40 + 0.25x80."""
    path = tmp_path / "target_cpu.csv"
    path.write_text("unix_second,cpu_percent\n100,40.0\n101,80.0\n")
    environment = SimpleNamespace(stairload=SimpleNamespace(t0=100.25))
    assert TargetCpu(environment, path).get(0) == 50.0


def test_last_line_for_a_second_wins(tmp_path: Path):
    """A revised second (written twice) reads as its last value."""
    path = tmp_path / "target_cpu.csv"
    path.write_text("unix_second,cpu_percent\n100,40.0\n100,60.0\n")
    environment = SimpleNamespace(stairload=SimpleNamespace(t0=100.0))
    assert TargetCpu(environment, path).get(0) == 60.0


def test_a_second_not_written_yet_is_none(tmp_path: Path):
    """No line for the second: None (the interval row leaves the cell empty)."""
    path = tmp_path / "target_cpu.csv"
    path.write_text("unix_second,cpu_percent\n")
    environment = SimpleNamespace(stairload=SimpleNamespace(t0=100.0))
    assert TargetCpu(environment, path).get(3) is None
