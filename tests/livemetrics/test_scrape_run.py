"""A real small run with --metrics-port: what a scrape shows equals intervals.csv's row."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from stairload.target.launch import free_port

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
_TOTAL = {"method": "", "name": "Total"}


def _scrape(port: int) -> dict[str, float] | None:
    """The Total figures of one scrape, or None when nothing is served (yet, or any more)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            text = response.read().decode()
    except (urllib.error.URLError, OSError):
        return None
    values: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if not sample.labels or sample.labels == _TOTAL:
                values[sample.name] = sample.value
    return values


def test_a_scrape_during_a_run_matches_intervals_csv_for_the_same_second(tmp_path: Path) -> None:
    """Every second scraped mid-run shows the users, TPS, MTT and p95 that intervals.csv has."""
    port = free_port()
    run_dir = tmp_path / "run"
    process = subprocess.Popen(
        [sys.executable, "-m", "stairload", "run", "scenario2", "--time-scale", "0.05",
         "--users-scale", "0.005", "--hold-seconds", "60", "--target-users", "300", "--no-probes",
         "--metrics-port", str(port), "--run-dir", str(run_dir), "--no-report"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    scraped: dict[int, dict[str, float]] = {}
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        values = _scrape(port)
        if values and values.get("stairload_tps"):
            scraped[int(values["stairload_second"])] = values
        time.sleep(0.25)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    with (run_dir / "intervals.csv").open(newline="") as handle:
        rows = {int(r["time_s"]): r for r in csv.DictReader(handle) if r["name"] == "Total"}
    print(f"{len(scraped)} seconds scraped of {len(rows)}")
    assert len(scraped) >= 5
    for second, values in scraped.items():
        row = rows[second]
        assert values["stairload_users"] == int(row["users"]), second
        assert values["stairload_planned_users"] == int(row["target_users"]), second
        assert values["stairload_tps"] == int(row["requests"]), second
        assert values["stairload_mtt_milliseconds"] == pytest.approx(float(row["mean_ms"])), second
        for gauge in ("p50", "p95", "p99", "p99_9", "max"):
            expected = float(row[f"{gauge}_ms"])
            assert values[f"stairload_{gauge}_milliseconds"] == pytest.approx(expected), second
