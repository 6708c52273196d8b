"""A CPU budget for the embedded target: a real cgroup caps a real busy process."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from cgroup_budget import needs_cgroups

from stairload.targetcpu.budget import CpuBudget
from stairload.targetcpu.errors import TargetCpuError

BUSY = "import time\nend = time.monotonic() + 30\nwhile time.monotonic() < end: pass\n"


@needs_cgroups
def test_a_busy_process_in_a_budget_of_a_fifth_of_a_core_gets_no_more() -> None:
    """A spinning child joined to a 0.2-core budget uses at most ~0.2 s of CPU per second."""
    budget = CpuBudget.create(0.2)
    child = subprocess.Popen([sys.executable, "-c", BUSY], preexec_fn=budget.join)
    try:
        assert budget.members() == [child.pid]
        process = psutil.Process(child.pid)
        time.sleep(0.5)
        before, started = sum(process.cpu_times()[:2]), time.monotonic()
        time.sleep(2.0)
        used = sum(process.cpu_times()[:2]) - before
        elapsed = time.monotonic() - started
        assert used / elapsed < 0.26
        periods, seconds = budget.throttled()
        assert periods > 0 and seconds > 0
    finally:
        child.kill()
        child.wait()
    assert budget.remove()
    assert not budget.path.exists()


@needs_cgroups
def test_a_group_left_by_a_killed_run_is_removed_by_the_next_one() -> None:
    """A ``stairload-<pid>`` group whose process is gone and that is empty is cleaned up."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    budget = CpuBudget.create(0.5)
    stale = budget.path.parent / f"stairload-{gone.pid}"
    stale.mkdir()
    try:
        CpuBudget.create(0.5)
        assert not stale.exists()
    finally:
        if stale.exists():
            stale.rmdir()
        budget.remove()


def test_a_budget_below_a_hundredth_of_a_core_is_refused() -> None:
    """The quota must be at least 1 ms per 100 ms period."""
    with pytest.raises(
        TargetCpuError, match=r"^--target-cpus: must be at least 0.01 \(got 0.001\)$"
    ):
        CpuBudget.create(0.001)


def test_a_machine_without_a_cpu_cgroup_says_so(tmp_path: Path) -> None:
    """No cgroup mount with a cpu controller: one line naming the option and the reason."""
    mounts = tmp_path / "mounts"
    mounts.write_text("proc /proc proc rw 0 0\n", encoding="ascii")
    own = tmp_path / "cgroup"
    own.write_text("0::/\n", encoding="ascii")
    with pytest.raises(TargetCpuError, match=r"^--target-cpus: this machine has no cgroup"):
        CpuBudget.create(1.0, mounts=mounts, own=own)


def test_a_cgroup_that_cannot_be_written_names_the_place(tmp_path: Path) -> None:
    """A v1 cpu hierarchy whose directory is missing: the error names it and what to do."""
    mounts = tmp_path / "mounts"
    mounts.write_text(f"cgroup {tmp_path}/gone cgroup rw,cpu 0 0\n", encoding="ascii")
    own = tmp_path / "cgroup"
    own.write_text("1:cpu:/\n", encoding="ascii")
    with pytest.raises(TargetCpuError, match=r"cannot make a CPU-limited cgroup under .*/gone"):
        CpuBudget.create(1.0, mounts=mounts, own=own)


@needs_cgroups
def test_a_budget_is_served_first_when_busy_processes_outnumber_the_cores() -> None:
    """With five spinning processes outside it, a 0.8-core budget still gets over 0.6 core."""
    # each in its own session: with autogroup scheduling, one group per session
    hogs = [
        subprocess.Popen([sys.executable, "-c", BUSY], start_new_session=True) for _ in range(5)
    ]
    budget = CpuBudget.create(0.8)
    child = subprocess.Popen([sys.executable, "-c", BUSY], preexec_fn=budget.join)
    try:
        process = psutil.Process(child.pid)
        time.sleep(0.5)
        before, started = sum(process.cpu_times()[:2]), time.monotonic()
        time.sleep(2.0)
        share = (sum(process.cpu_times()[:2]) - before) / (time.monotonic() - started)
        assert 0.6 < share < 0.9
    finally:
        for process_ in [child, *hogs]:
            process_.kill()
            process_.wait()
        budget.remove()
