"""Abort on breach: an alarm rule named by --abort-on stops the run at its first ALARM."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from exact_totals import assert_exact_totals
from stressrun_helpers import ROOT

from stairload.core.exitcodes import ABORTED

pytestmark = pytest.mark.integration

# 12 users, then 13, then 14 (step 3) breaches "more than 13"; a period of 20 s is 1 s at
# time scale 0.05, and 1 of 1 period alarms at once.
_RULE = {
    "name": "Too many users",
    "description": "More than 13 users running",
    "metric": "users",
    "comparison": "GreaterThanThreshold",
    "threshold": 13,
    "period_seconds": 20,
    "evaluation_periods": 1,
    "datapoints_to_alarm": 1,
}


def test_abort_on_stops_the_run_at_the_breaching_step(tmp_path: Path) -> None:
    """Exit 97, run.json says aborted at step 3 by the rule, the report says so too."""
    document = yaml.safe_load((ROOT / "scenarios.yaml").read_text())
    document["alarms"]["rules"] = [_RULE]
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(yaml.safe_dump(document))
    run_dir = tmp_path / "run"
    command = [
        *(sys.executable, "-m", "stairload", "run", "scenario2", "--scenarios", str(scenarios)),
        *("--time-scale", "0.05", "--users-scale", "0.01", "--target-users", "300", "--no-probes"),
        *("--abort-on", "Too many users", "--run-dir", str(run_dir)),
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env={**os.environ, "SLACK_WEBHOOK_URL": ""},
    )
    output = result.stdout + result.stderr
    assert result.returncode == ABORTED, output[-3000:]
    record = json.loads((run_dir / "run.json").read_text())
    assert record["exit_reason"] == "aborted"
    assert record["exit_code"] == ABORTED
    abort = record["abort"]
    assert (abort["alarm"], abort["step"], abort["users"]) == ("Too many users", 3, 14)
    assert record["duration_seconds"] < record["stairs"]["total_seconds"] / 2
    assert "aborted at step 3 (t=" in output
    note = "note: The run was aborted at step 3 (14 users, t = "
    assert note in result.stdout, result.stdout[-3000:]
    for name in ("intervals.csv", "locust_stats.csv", "locust.html", "report.html"):
        assert (run_dir / name).stat().st_size > 0, name
    changes = [json.loads(line) for line in (run_dir / "alarms.jsonl").read_text().splitlines()]
    assert [(c["new_state"], c.get("aborts_run", False)) for c in changes] == [
        ("OK", False),
        ("ALARM", True),
    ]
    assert_exact_totals(run_dir)
