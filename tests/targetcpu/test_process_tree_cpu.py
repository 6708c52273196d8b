"""ProcessTreeCpu on real processes: busy and idle, children started later, no gaps, exit."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from stairload.targetcpu import ProcessTreeCpu, TargetCpuError, mean_cpu

pytestmark = pytest.mark.integration

BUSY = "import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass\n"
# Sleeps, then starts a busy child, then waits for it: the parent itself stays idle.
PARENT = (
    "import subprocess, sys, time\n"
    "time.sleep({delay})\n"
    "subprocess.run([sys.executable, '-c', {child!r}])\n"
)


def _python(code: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", code])


def _sample(process: subprocess.Popen[bytes], seconds: float) -> dict[int, float]:
    with ProcessTreeCpu(process.pid) as cpu:
        time.sleep(seconds)
    process.kill()
    process.wait()
    return cpu.by_second()


def test_a_busy_process_reads_far_above_an_idle_one() -> None:
    """A spinning process reads far more than a sleeping one (15% of a core on a busy machine)."""
    busy = _sample(_python(BUSY.format(seconds=10)), 3.2)
    idle = _sample(_python("import time; time.sleep(10)"), 3.2)
    assert len(busy) >= 3 and len(idle) >= 3
    busy_mean = sum(list(busy.values())[1:]) / (len(busy) - 1)
    assert busy_mean > 15.0  # a machine with 6 busy processes per core still gives it that
    assert max(list(idle.values())[1:]) < 5.0  # the first second holds its start-up


def test_a_child_started_after_sampling_began_is_counted() -> None:
    """An idle parent reads under 5%; once its busy child starts, a later second reads over 15%."""
    parent = _python(PARENT.format(delay=3.0, child=BUSY.format(seconds=30)))
    try:
        time.sleep(1.0)  # past the interpreter's own start-up, which is not idle
        with ProcessTreeCpu(parent.pid) as cpu:
            deadline = time.monotonic() + 20.0  # a loaded machine starts the child slowly
            while time.monotonic() < deadline and not psutil.Process(parent.pid).children():
                time.sleep(0.05)
            child_second = int(time.time())
            while time.monotonic() < deadline and _after(cpu.by_second(), child_second) <= 15:
                time.sleep(0.5)
        samples = cpu.by_second()
    finally:
        for child in psutil.Process(parent.pid).children(recursive=True):
            child.kill()
        parent.kill()
        parent.wait()
    before = [value for second, value in samples.items() if second < child_second]
    assert before and min(before) < 5.0  # the parent alone, sleeping
    assert _after(samples, child_second) > 15.0


def _after(samples: dict[int, float], second: int) -> float:
    return max((value for key, value in samples.items() if key > second), default=0.0)


def test_every_second_is_sampled_without_gaps() -> None:
    """The keys are consecutive unix seconds from the first sample to the last."""
    samples = _sample(_python("import time; time.sleep(10)"), 4.2)
    seconds = sorted(samples)
    assert seconds == list(range(seconds[0], seconds[-1] + 1))
    assert len(seconds) >= 4


def test_sampling_ends_when_the_process_exits() -> None:
    """Once the process exits the thread stops by itself, keeping what it sampled."""
    process = _python("import time; time.sleep(1.2)")
    cpu = ProcessTreeCpu(process.pid)
    cpu.start()
    process.wait()
    deadline = time.monotonic() + 3.0
    while cpu.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not cpu.running
    assert cpu.by_second()
    cpu.stop()


def test_mean_cpu_averages_the_seconds_of_a_window() -> None:
    """mean_cpu takes the samples whose second starts inside [start, end)."""
    samples = {100: 10.0, 101: 20.0, 102: 60.0}
    assert mean_cpu(samples, 100, 102) == 15.0
    assert mean_cpu(samples, 200, 300) is None


def test_a_missing_process_is_a_one_line_error() -> None:
    """A pid that does not exist raises TargetCpuError naming the option and the value."""
    process = _python("pass")
    process.wait()
    message = rf"^--target-pid: no such process \(got {process.pid}\)$"
    with pytest.raises(TargetCpuError, match=message):
        ProcessTreeCpu(process.pid)
