"""``needs_cgroups``: skip a test on a machine where a CPU budget cannot be made."""

from __future__ import annotations

import os

import pytest

from stairload.targetcpu.budget import CpuBudget
from stairload.targetcpu.errors import TargetCpuError


def _cgroups_writable() -> bool:
    if os.geteuid() != 0:
        return False
    try:
        budget = CpuBudget.create(0.5)
    except TargetCpuError:
        return False
    budget.remove()
    return True


needs_cgroups = pytest.mark.skipif(
    not _cgroups_writable(), reason="needs a writable cgroup cpu controller (root)"
)
