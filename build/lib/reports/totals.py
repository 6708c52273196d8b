"""Whether ``intervals.csv`` and Locust's own ``locust_stats.csv`` count the same requests.

Both come from the same request events, so a finished run must agree exactly on requests
and failures, and on the mean response time within the rounding of ``intervals.csv``
(3 decimals per second). Read as a stream: memory does not grow with the run's length.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from stairload.rundir import INTERVALS_CSV
from stairload.rundir.files import LOCUST_STATS_CSV
from stairload.rundir.intervals import iter_intervals

MEAN_TOLERANCE_MS = 0.001
"""Half a unit of the 3rd decimal each second averages to at most this over the run."""


@dataclass(frozen=True)
class Totals:
    """A run's totals as one file states them."""

    requests: int
    failures: int
    mean_ms: float | None
    faults: int = 0


def interval_totals(run_dir: Path) -> Totals:
    """The sum of the ``Total`` rows of ``intervals.csv``, its mean weighted by requests.

    Requests the generator could not send (``faults``) are apart from requests and
    failures there; Locust counts each as a failed request, so they are added back here.
    """
    requests = failures = faults = 0
    weighted_ms = 0.0
    for row in iter_intervals(Path(run_dir) / INTERVALS_CSV):
        if not row.is_total:
            continue
        faults += row.faults
        requests += row.requests
        failures += row.failures
        if row.requests and row.mean_ms is not None:
            weighted_ms += row.mean_ms * row.requests
    mean = weighted_ms / requests if requests else None
    return Totals(requests + faults, failures + faults, mean, faults)


def locust_totals(run_dir: Path) -> Totals:
    """The ``Aggregated`` row of Locust's own ``locust_stats.csv``."""
    with (Path(run_dir) / LOCUST_STATS_CSV).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                requests = int(row["Request Count"])
                mean = float(row["Average Response Time"]) if requests else None
                return Totals(requests, int(row["Failure Count"]), mean)
    return Totals(0, 0, None)


def totals_differences(run_dir: Path) -> list[str]:
    """Each way the two files disagree, as a sentence; empty when they agree."""
    ours, theirs = interval_totals(run_dir), locust_totals(run_dir)
    differences = []
    if ours.requests != theirs.requests:
        differences.append(
            f"requests: {INTERVALS_CSV} {ours.requests}, {LOCUST_STATS_CSV} {theirs.requests}"
        )
    if ours.failures != theirs.failures:
        differences.append(
            f"failures: {INTERVALS_CSV} {ours.failures}, {LOCUST_STATS_CSV} {theirs.failures}"
        )
    ours_ms, theirs_ms = ours.mean_ms, theirs.mean_ms
    if (
        not ours.faults  # Locust's mean includes the faults' times; ours does not
        and ours_ms is not None
        and theirs_ms is not None
        and abs(ours_ms - theirs_ms) > MEAN_TOLERANCE_MS
    ):
        differences.append(
            f"mean: {INTERVALS_CSV} {ours_ms:.4f} ms, {LOCUST_STATS_CSV} {theirs_ms:.4f} ms"
        )
    return differences
