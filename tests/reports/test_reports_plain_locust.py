"""``reports build DIR --plan scenarios.yaml --scenario NAME`` on a plain Locust run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reports.plain_locust import plateaus
from stairload.cli.report import main
from stairload.rundir import PlannedStep
from stairload.target.testing import start_target

ROOT = Path(__file__).resolve().parents[2]

LOCUSTFILE = """
from locust import FastHttpUser, LoadTestShape, constant, task


class Reader(FastHttpUser):
    wait_time = constant(0.05)

    @task
    def health(self):
        self.client.get("/health")


class TwoPlateaus(LoadTestShape):
    def tick(self):
        seconds = self.get_run_time()
        if seconds < 6:
            return 2, 10
        if seconds < 12:
            return 4, 10
        return None
"""


def test_plateaus_are_stretches_of_one_user_count() -> None:
    """Ramp seconds are skipped; each held count becomes a step starting where the last ended."""
    stamps = [100.0 + second for second in range(12)]
    users = [1, 2, 2, 2, 2, 2, 3, 4, 4, 4, 4, 4]
    assert plateaus(stamps, users) == (
        PlannedStep(step=1, users=2, start_s=0.0, ramp_end_s=1.0, end_s=5.0),
        PlannedStep(step=2, users=4, start_s=5.0, ramp_end_s=7.0, end_s=11.0),
    )


@pytest.mark.integration
def test_a_plain_locust_run_gets_its_run_json_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """run.json is written from the plan and the plateaus; the report is built; limits said."""
    (tmp_path / "plain.py").write_text(LOCUSTFILE)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (tmp_path / "target").mkdir()
    with start_target(tmp_path / "target", users=10) as base_url:
        command = [sys.executable, "-m", "locust", "-f", str(tmp_path / "plain.py"), "--headless"]
        command += ["--host", base_url, "--csv", f"{run_dir}/locust", "--csv-full-history"]
        command += ["--only-summary"]
        subprocess.run(command, capture_output=True, timeout=120, check=True)
    code = main(["build", str(run_dir), "--plan", str(ROOT / "scenarios.yaml"),
                 "--scenario", "scenario3"])  # fmt: skip
    out = capsys.readouterr().out
    assert code in (0, 99)
    record = json.loads((run_dir / "run.json").read_text())
    assert [step["users"] for step in record["stairs"]["steps"]] == [2, 4]
    assert record["plan"]["target_tps"] == 60  # scenario 3 at the stress case
    assert "not available from the history CSV: per-step percentiles" in out
    assert (run_dir / "report.html").stat().st_size > 0


def test_plan_without_scenario_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--plan needs --scenario: exit 2 and one line."""
    assert main(["build", str(tmp_path), "--plan", "scenarios.yaml"]) == 2
    assert capsys.readouterr().err == (
        "Error: --plan and --scenario go together (a plain Locust run needs both)\n"
    )


def test_a_plan_whose_scenario_has_no_journey_still_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--plan needs the plan's numbers only: a scenario without steps or locustfile will do."""
    text = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    start = text.index("    steps:", text.index("  scenario3:"))
    plan = tmp_path / "plan.yaml"
    plan.write_text(text[:start] + text[text.index("\n# Alarms") :], encoding="utf-8")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    lines = ["Timestamp,User Count,Type,Name,Total Request Count,Total Failure Count,"
             "Total Average Response Time\n"]  # fmt: skip
    for second in range(16):
        users = 2 if second < 8 else 4
        lines.append(f"{1795532273 + second},{users},,Aggregated,{10 * second},0,20.0\n")
    (run_dir / "locust_stats_history.csv").write_text("".join(lines))
    code = main(["build", str(run_dir), "--plan", str(plan), "--scenario", "scenario3"])
    captured = capsys.readouterr()
    assert code in (0, 98, 99), captured.err
    assert json.loads((run_dir / "run.json").read_text())["plan"]["target_tps"] == 60
