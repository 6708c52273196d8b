"""One generator run measured from outside: the target's request count, the tree's CPU and RSS.

The target counts requests itself (``GET /metrics``: requests per route, the benchmark's own
``GET /metrics`` calls left out), so every tool is measured by the same counter. The
generator is the whole process tree the command starts (stairload's runner and its Locust,
or Locust, or k6): its CPU-seconds over the run come from getrusage(RUSAGE_CHILDREN) once
it has exited and been reaped; during the run psutil sums CPU over the living tree at the
edges of a steady window (first request + warm-up to just before the tool stops), and its
resident memory every quarter second. The start-to-first-request time is when the target's
count first moves after the command started (polled every 20 ms).
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from stairload.target.testing import call

_METRICS_ROUTE = "GET /metrics"
_FIRST_REQUEST_POLL_SECONDS = 0.02
_RSS_POLL_SECONDS = 0.25
_GRACE_SECONDS = 60.0  # past the planned length before the run is killed
_START_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class TargetCount:
    """What the target had answered at one moment (the benchmark's own calls left out)."""

    requests: int
    errors: int  # responses with a status >= 400


def target_count(base_url: str) -> TargetCount:
    """Read the target's counters now."""
    snapshot = call(base_url, "GET", "/metrics")[1]
    routes = snapshot["routes"]
    requests = sum(routes.values()) - routes.get(_METRICS_ROUTE, 0)
    errors = sum(count for status, count in snapshot["responses"].items() if int(status) >= 400)
    return TargetCount(requests, errors)


@dataclass(frozen=True)
class Window:
    """Where the steady window lies, in seconds after the first request."""

    start_seconds: float
    end_seconds: float


def steady_window(seconds: float, ramp_seconds: float) -> Window:
    """Skip the ramp and 2 s more (at most 30% of the run); stop 1 s (at most 20%) early."""
    start = min(ramp_seconds + 2.0, 0.3 * seconds)
    return Window(start, seconds - min(1.0, 0.2 * seconds))


@dataclass(frozen=True)
class Measurement:
    """One run of one tool, as seen from outside it."""

    requests: int  # counted by the target from the command's start to its exit
    errors: int  # target responses >= 400 in that time
    cpu_seconds: float  # user + system of the whole generator tree
    window_requests: int
    window_cpu_seconds: float
    window_seconds: float
    peak_rss_mb: float  # the most the tree held at once (sum over its processes)
    first_request_seconds: float
    load_average: float  # the machine's 1-minute load average at the window's end
    exit_code: int


def _tree(pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def tree_cpu_seconds(pid: int) -> float:
    """User + system seconds of a living process tree, its reaped children included."""
    total = 0.0
    for process in _tree(pid):
        try:
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process tree now, in MB (10^6 bytes)."""
    total = 0
    for process in _tree(pid):
        try:
            total += process.memory_info().rss
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return total / 1e6


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class _Sampler:
    """Follows one running command: first request, steady window edges, peak RSS."""

    def __init__(self, process: subprocess.Popen[bytes], base_url: str, before: int) -> None:
        self.process, self.base_url, self.before = process, base_url, before
        self.started = time.monotonic()
        self.peak_rss_mb = 0.0
        self._next_rss = self.started

    def _sample_rss(self) -> None:
        if time.monotonic() >= self._next_rss:
            self.peak_rss_mb = max(self.peak_rss_mb, tree_rss_mb(self.process.pid))
            self._next_rss += _RSS_POLL_SECONDS

    def wait_first_request(self) -> float:
        """Seconds from the start to the first request the target counted."""
        while self.process.poll() is None:
            self._sample_rss()
            now = time.monotonic()
            if target_count(self.base_url).requests > self.before:
                return now - self.started
            if now - self.started > _START_TIMEOUT_SECONDS:
                break
            time.sleep(_FIRST_REQUEST_POLL_SECONDS)
        raise RuntimeError("the generator sent no request")

    def at(self, moment: float) -> tuple[float, int, float]:
        """(time, target requests, tree CPU seconds) at ``moment`` (monotonic clock)."""
        while (now := time.monotonic()) < moment and self.process.poll() is None:
            self._sample_rss()
            time.sleep(min(_RSS_POLL_SECONDS, max(0.0, moment - now)))
        if self.process.poll() is not None:
            raise RuntimeError("the generator stopped before the steady window ended")
        cpu = tree_cpu_seconds(self.process.pid)
        return time.monotonic(), target_count(self.base_url).requests, cpu

    def wait_exit(self, deadline: float) -> int:
        """The exit code; the whole process group is killed past ``deadline``."""
        while self.process.poll() is None:
            self._sample_rss()
            if time.monotonic() > deadline:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                raise RuntimeError("the generator did not stop by itself in time")
            time.sleep(_RSS_POLL_SECONDS / 5)
        return int(self.process.returncode)


def measure(
    command: list[str],
    *,
    base_url: str,
    seconds: float,
    window: Window,
    log: Path,
    cwd: Path,
    env: dict[str, str],
) -> Measurement:
    """Run ``command`` to its end (it stops itself after ``seconds``) and measure it."""
    before = target_count(base_url)
    cpu_before = _children_cpu_seconds()
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **env},
            start_new_session=True,  # its own process group, killed whole if it overruns
        )
    sampler = _Sampler(process, base_url, before.requests)
    try:
        first = sampler.wait_first_request()
        first_at = sampler.started + first
        start_at, start_requests, start_cpu = sampler.at(first_at + window.start_seconds)
        end_at, end_requests, end_cpu = sampler.at(first_at + window.end_seconds)
        load_average = os.getloadavg()[0]
        exit_code = sampler.wait_exit(sampler.started + seconds + _GRACE_SECONDS)
    except BaseException as error:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{error} ({' '.join(command)}); its output ends:\n{tail}") from error
    after = target_count(base_url)
    return Measurement(
        requests=after.requests - before.requests,
        errors=after.errors - before.errors,
        cpu_seconds=_children_cpu_seconds() - cpu_before,
        window_requests=end_requests - start_requests,
        window_cpu_seconds=end_cpu - start_cpu,
        window_seconds=end_at - start_at,
        peak_rss_mb=sampler.peak_rss_mb,
        first_request_seconds=first,
        load_average=load_average,
        exit_code=exit_code,
    )
