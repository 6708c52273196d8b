"""The ranges every number of a plan must lie in, defined once for the YAML and the CLIs.

They are far beyond any real plan and keep every formula finite: no ``OverflowError``,
no target TPS of 0 or infinity, no run directory name the file system cannot hold.
"""

from __future__ import annotations

import re

MAX_DAU = 10_000_000_000  # more people than live on Earth
RESPONSE_TIME_MS = (1.0, 3_600_000.0)  # 1 ms to 1 hour
MAX_FACTOR = 1_000.0  # peak_rate, safety_factor
MAX_REQUESTS_PER_USER_PER_DAY = 1_000_000.0
MAX_SECONDS_PER_DAY = 864_000.0  # ten times a real day
MAX_SECONDS = 604_800.0  # a week: journeys, steps, holds, think times, runs
MAX_SPAWN_RATE = 1_000_000.0
MAX_USERS = 10_000_000
SCALE = (0.0001, 1_000.0)  # --time-scale and --users-scale
# the CPU one instance may reach (capacity.instances); here so the CLIs' defaults need no model
DEFAULT_TARGET_CPU_PERCENT = 70.0

NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
NAME_RULE = "letters, digits, -, _ and . (not first), at most 64 characters"


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a scenario or case (it becomes part of a directory name)."""
    if NAME_PATTERN.fullmatch(name):
        return None
    return f"a name must be {NAME_RULE}"


def shown(value: float) -> str:
    """A limit as it reads in a message: 3,600,000 or 0.000001."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:f}".rstrip("0")
