"""``stairload run NAME --locustfile PATH``: a locustfile's own classes under the stair."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration

LOCUSTFILE = """
from locust import FastHttpUser, HttpUser, constant, task


class HealthReader(FastHttpUser):
    weight = 3
    wait_time = constant(0.05)

    @task
    def health(self):
        self.client.get("/health")


class MetricsReader(FastHttpUser):
    weight = 1
    wait_time = constant(0.05)

    @task
    def metrics(self):
        self.client.get("/metrics")
"""


def test_a_locustfile_runs_under_the_planned_stair(tmp_path: Path) -> None:
    """Its classes run (no declarative user), the run directory and report are complete."""
    mine = tmp_path / "mine.py"
    mine.write_text(LOCUSTFILE)
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "stairload", "run", "scenario3", "--locustfile", str(mine)]
    command += ["--time-scale", "0.02", "--users-scale", "0.2", "--target-users", "50"]
    command += ["--no-probes"]
    command += ["--run-dir", str(run_dir)]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["user_classes"] == ["HealthReader", "MetricsReader"]
    assert record["user_locustfile"] == str(mine)
    assert [step["users"] for step in record["stairs"]["steps"]] == [4, 6]
    with (run_dir / "locust_stats.csv").open(newline="") as handle:
        names = {row["Name"] for row in csv.DictReader(handle)} - {"Aggregated"}
    assert names == {"/health", "/metrics"}
    with (run_dir / "intervals.csv").open(newline="") as handle:
        totals = [row for row in csv.DictReader(handle) if row["name"] == "Total"]
    assert sum(int(row["requests"]) for row in totals) > 50
    assert (run_dir / "report.html").stat().st_size > 0


def test_a_locustfile_without_user_classes_is_one_line(tmp_path: Path) -> None:
    """A file with no concrete user class stops the run with exit 2 and one line."""
    empty = tmp_path / "empty.py"
    empty.write_text("from locust import HttpUser\n")
    command = [sys.executable, "-m", "stairload", "run", "scenario3", "--locustfile", str(empty)]
    command += ["--time-scale", "0.02", "--users-scale", "0.2", "--run-dir", str(tmp_path / "r")]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert (
        f"Error: Locust stopped before the run started (exit 2): --locustfile: {empty} "
        "defines no Locust user class; see "
    ) in result.stderr
