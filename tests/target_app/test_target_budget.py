"""The embedded target under a CPU budget: every process of it in the group, none left after."""

from __future__ import annotations

from pathlib import Path

import psutil
import pytest
from cgroup_budget import needs_cgroups

from stairload.target.launch import launch_target


@needs_cgroups
def test_the_server_and_its_workers_run_in_the_budget_and_the_group_goes_with_them(
    tmp_path: Path,
) -> None:
    """Server and worker processes are members; stopping the target removes the group."""
    target = launch_target(tmp_path, users=20, workers=2, cpu_budget=0.5)
    budget = target.budget
    assert budget is not None
    try:
        tree = psutil.Process(target.process.pid)
        pids = {tree.pid, *(child.pid for child in tree.children(recursive=True))}
        assert len(pids) >= 3
        assert set(budget.members()) == pids
        assert (budget.path / "cgroup.procs").exists()
    finally:
        target.stop()
    assert not budget.path.exists()


def test_an_impossible_budget_starts_nothing(tmp_path: Path) -> None:
    """A budget the machine refuses raises before any process starts."""
    from stairload.targetcpu.errors import TargetCpuError

    with pytest.raises(TargetCpuError, match="--target-cpus: must be at least"):
        launch_target(tmp_path, cpu_budget=0.0)
    assert not (tmp_path / "target.log").exists()
