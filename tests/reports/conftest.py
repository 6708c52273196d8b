"""Run directories with known numbers, generated per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synthetic import StepSpec, SyntheticRun, write_run

# Three 20 s steps with 5 s ramps. Plateau numbers per step (requests/s, mean ms):
# step 1: 100 users, 1000/s, 100 ms; step 2: 200 users, 1600/s, 125 ms;
# step 3: 300 users, 1200/s, 250 ms, 12 failures/s. Target MTT 200 ms.
THREE_STEPS = SyntheticRun(
    steps=(
        StepSpec(100, 1000, 100.0),
        StepSpec(200, 1600, 125.0),
        StepSpec(300, 1200, 250.0, failures_per_second=12),
    ),
    step_seconds=20,
    ramp_seconds=5,
    mtt_ms=200.0,
    error_rate=0.01,
    target_tps=1500.0,
)

MakeRun = Callable[..., Path]


@pytest.fixture
def make_run(tmp_path: Path) -> MakeRun:
    """Write THREE_STEPS (with any field replaced) into a fresh run directory."""
    counter = iter(range(1000))

    def _make(base: SyntheticRun = THREE_STEPS, **changes: Any) -> Path:
        run = dataclasses.replace(base, **changes)
        return write_run(tmp_path / f"run{next(counter)}", run)

    return _make
