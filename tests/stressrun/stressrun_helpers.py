"""Helpers for running ``stairload run`` / ``make`` at smoke scale and reading the result."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# 12 -> 21 users, 3-second steps, 3-second hold: scenario 2's stair in ~31 s.
# PROBES=: no probe steps (tests/capacity/test_probe_steps.py and test_stairs_run cover them).
SMOKE = [
    "TIME_SCALE=0.05",
    "USERS_SCALE=0.01",
    "PROBES=",
    "STRESS_ARGS=--target-users 300 --hold-seconds 60",
]


def read_run(run_dir: Path) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """run.json and the Total rows of intervals.csv."""
    record = json.loads((run_dir / "run.json").read_text())
    with (run_dir / "intervals.csv").open(newline="") as handle:
        totals = [row for row in csv.DictReader(handle) if row["name"] == "Total"]
    return record, totals
