"""The values a run directory's numbers can take; a number outside them is refused on read.

A run directory is a file anyone can edit. A negative count, a mean of -500 ms, ``inf`` or
``1e308`` cannot come from a run, and a report built on one would show a verdict about
nothing (``PASS mtt -500``, ``200% of the requests failed``) or crash in its charts. Every
reader of ``intervals.csv``, ``target_cpu.csv`` and Locust's history CSVs checks its
numbers here and refuses the first bad one in one line naming the file, line and column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from stairload.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

MAX_SECONDS = 10**9  # ~32 years of elapsed seconds
MAX_COUNT = 10**12  # requests, failures, users of one row
MAX_MS = 86_400_000.0  # a response time longer than a day is not one
MAX_CPU_PERCENT = 100_000.0  # a thousand cores

RANGES: dict[str, tuple[float, float]] = {
    "time_s": (0, MAX_SECONDS),
    "timestamp": (0, 10.0**11),
    "unix_second": (0, 10**11),
    "users": (0, MAX_COUNT),
    "target_users": (0, MAX_COUNT),
    "requests": (0, MAX_COUNT),
    "failures": (0, MAX_COUNT),
    "faults": (0, MAX_COUNT),
    "mean_ms": (0, MAX_MS),
    "min_ms": (0, MAX_MS),
    "p50_ms": (0, MAX_MS),
    "p95_ms": (0, MAX_MS),
    "p99_ms": (0, MAX_MS),
    "max_ms": (0, MAX_MS),
    "p99_9_ms": (0, MAX_MS),
    "corrected_mean_ms": (0, MAX_MS),
    "started": (0, MAX_COUNT),
    "dropped": (0, MAX_COUNT),
    "target_cpu_percent": (0, MAX_CPU_PERCENT),
    "cpu_percent": (0, MAX_CPU_PERCENT),
}
"""Each checked column's lowest and highest value (both allowed)."""


def allowed(column: str) -> str:
    """What ``column`` may hold, in words."""
    low, high = RANGES[column]
    return f"must be a finite number from {low:g} to {high:,.0f}"


def check_number(file: str, line: int, column: str, value: float, shown: str = "") -> None:
    """``InputError`` when ``value`` is out of ``column``'s range (``shown``: its file name)."""
    low, high = RANGES[column]
    if not (math.isfinite(value) and low <= value <= high):
        name = shown or column
        raise InputError(f"{file}: line {line}: {name}: {allowed(column)} (got {float(value)!r})")


def check_row(file: str, line: int, values: dict[str, object]) -> None:
    """Check every ranged number of one row (None is an unknown, allowed where blank is)."""
    for column, value in values.items():
        if column in RANGES and isinstance(value, int | float) and not isinstance(value, bool):
            check_number(file, line, column, float(value))
    requests, failures = values.get("requests"), values.get("failures")
    numbers = isinstance(requests, int | float) and isinstance(failures, int | float)
    if numbers and failures > requests:  # type: ignore[operator]
        raise InputError(
            f"{file}: line {line}: failures: must be at most requests ({requests:g}) "
            f"(got {failures:g})"
        )


def check_frame(
    file: str,
    frame: pd.DataFrame,
    first_line: int,
    columns: Iterable[str],
    shown: dict[str, str] | None = None,
) -> None:
    """``check_row`` for a pandas chunk: NaN is an unknown (a blank cell, checked apart).

    ``first_line`` is the file line of index 0 of ``frame``; ``shown`` names a column
    as the file calls it (Locust's ``Total Request Count`` for ``requests``).
    """
    names = shown or {}
    for column in columns:
        if column not in frame.columns or column not in RANGES:
            continue
        low, high = RANGES[column]
        values = frame[column]
        bad = values.notna() & ~values.between(low, high)
        if bad.any():
            position = int(bad.to_numpy().nonzero()[0][0])
            line = first_line + int(frame.index[position])
            got = float(values.iloc[position])
            name = names.get(column, column)
            raise InputError(f"{file}: line {line}: {name}: {allowed(column)} (got {got!r})")
    if "requests" in frame.columns and "failures" in frame.columns:
        over = frame["failures"] > frame["requests"]
        if over.any():
            position = int(over.to_numpy().nonzero()[0][0])
            line = first_line + int(frame.index[position])
            failures, requests = (
                names.get("failures", "failures"),
                names.get("requests", "requests"),
            )
            raise InputError(
                f"{file}: line {line}: {failures}: must be at most {requests} "
                f"({frame['requests'].iloc[position]:g}) (got {frame['failures'].iloc[position]:g})"
            )
