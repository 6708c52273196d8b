"""Means of per-second CPU samples over a time window."""

from __future__ import annotations

from collections.abc import Mapping


def mean_cpu(by_second: Mapping[int, float], start_unix: float, end_unix: float) -> float | None:
    """The mean of the samples whose second starts in [start_unix, end_unix); None if none."""
    values = [cpu for second, cpu in by_second.items() if start_unix <= second < end_unix]
    return sum(values) / len(values) if values else None
