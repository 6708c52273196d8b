"""Locust's own CSV totals rewritten from its final statistics when the run ends.

Locust writes ``locust_stats.csv`` (and the failures and exceptions files) from a
background loop once a second and never again at exit, so the file misses what completed
in the last second and, distributed, the workers' final reports, which reach the master
only while it quits. Rewritten here from the final ``environment.stats``, with Locust's
own formatter, the file holds the same totals Locust prints and ``intervals.csv`` holds.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust.stats import PERCENTILES_TO_REPORT, StatsCSV

from stairload.rundir.atomic import write_with
from stairload.rundir.files import (
    LOCUST_EXCEPTIONS_SUFFIX,
    LOCUST_FAILURES_SUFFIX,
    LOCUST_STATS_SUFFIX,
)


def rewrite_locust_csvs(environment: Any) -> None:
    """Rewrite ``<csv_prefix>_stats.csv``, ``_failures.csv`` and ``_exceptions.csv`` (atomic)."""
    prefix = getattr(environment.parsed_options, "csv_prefix", None)
    if not prefix:
        return
    formatter = StatsCSV(environment, PERCENTILES_TO_REPORT)
    for suffix, write in (
        (LOCUST_STATS_SUFFIX, formatter.requests_csv),
        (LOCUST_FAILURES_SUFFIX, formatter.failures_csv),
        (LOCUST_EXCEPTIONS_SUFFIX, formatter.exceptions_csv),
    ):
        _replace(Path(f"{prefix}{suffix}"), write)


def _replace(path: Path, write: Callable[[Any], None]) -> None:
    # A new file moved over the old one: Locust's writer keeps its handle on the old one,
    # so a last write of its loop cannot bring the stale numbers back.
    write_with(path, lambda handle: write(csv.writer(handle)))
