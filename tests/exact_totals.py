"""The assertion every integration test that runs Locust makes on its run directory."""

from __future__ import annotations

from pathlib import Path

from reports.totals import interval_totals, totals_differences


def assert_exact_totals(run_dir: Path) -> None:
    """intervals.csv and locust_stats.csv agree: requests, failures, mean within rounding."""
    assert interval_totals(run_dir).requests > 0, f"{run_dir}: no request counted"
    differences = totals_differences(run_dir)
    assert differences == [], f"{run_dir}: " + "; ".join(differences)
