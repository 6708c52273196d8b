"""The embedded target's CPU, sampled from outside it: a value for every second, overloaded too."""

from __future__ import annotations

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

from locustfiles.target_cpu import TargetCpu
from stressrun.target_cpu_feed import TargetCpuFeed
from target_app.testing import launch_target


def _hammer(base_url: str, stop: threading.Event, timeouts: list[int]) -> None:
    while not stop.is_set():
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=0.05) as response:
                response.read()
        except OSError:
            timeouts.append(1)  # an overloaded target does not answer in time: the point


def test_overloaded_target_has_a_cpu_value_for_every_second(tmp_path: Path):
    """128 clients with 50 ms timeouts on a 1-worker target for 6 s: no second without CPU."""
    target = launch_target(tmp_path, users=10, workers=1)
    stop = threading.Event()
    timeouts: list[int] = []
    try:
        feed = TargetCpuFeed(target.process.pid, tmp_path / "target_cpu.csv").start()
        with ThreadPoolExecutor(128) as pool:
            for _ in range(128):
                pool.submit(_hammer, target.base_url, stop, timeouts)
            time.sleep(6.5)
            stop.set()
        values = feed.stop()
    finally:
        target.stop()
    seconds = sorted(values)
    assert seconds == list(range(seconds[0], seconds[0] + len(seconds)))
    assert len(seconds) >= 6
    assert timeouts  # overloaded: some requests got no answer within 50 ms
    assert max(values.values()) > 5  # and it did work


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
