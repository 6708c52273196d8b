"""A saturated single-process generator, through ``make``: INCONCLUSIVE, its code and advice."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def saturated(tmp_path_factory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One Locust process told that 1% of a core is its limit: every step is saturated."""
    run_dir = tmp_path_factory.mktemp("inconclusive") / "run"
    command = [
        "make",
        "--no-print-directory",
        "stress-scenario2",
        "TIME_SCALE=0.05",
        "USERS_SCALE=0.01",
        "WORKERS=0",
        "PROBES=",
        f"RUN_DIR={run_dir}",
        "STRESS_ARGS=--target-users 300 --generator-cpu-limit 1",
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ, "SLACK_WEBHOOK_URL": ""},
    )
    return result, run_dir


def test_make_shows_the_runs_own_code(saturated):
    """make exits 2 (always, for a failed recipe) but names the run's 98 twice."""
    result, _ = saturated
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Error 98" in result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("[stairload] exit code 98 (INCONCLUSIVE: the stress step (21 users)")


def test_run_json_records_the_code_the_process_exits_with(saturated):
    """run.json's exit_code is 98, the code stairload exited with, not the pre-report 0."""
    _, run_dir = saturated
    assert json.loads((run_dir / "run.json").read_text())["exit_code"] == 98


def test_every_step_is_invalid_and_the_advice_has_numbers(saturated):
    """summary.json: all 10 steps invalid, advice with requests per CPU-second and WORKERS=."""
    result, run_dir = saturated
    summary = json.loads((run_dir / "summary.json").read_text())
    assert (summary["verdict"], summary["invalid_steps"]) == ("INCONCLUSIVE", list(range(1, 11)))
    assert "requests per CPU-second" in summary["advice"][0]
    assert "advice: Rerun with WORKERS=" in result.stdout


def test_generator_warning_is_logged_once_per_step(saturated):
    """The console has one 'load generator local' warning for each of the 10 steps."""
    result, _ = saturated
    warnings = [line for line in result.stdout.splitlines() if "load generator local: CPU" in line]
    assert sorted(int(line.split(" in step ")[1].split(":")[0]) for line in warnings) == list(
        range(1, 11)
    )


def test_locust_info_lines_stay_off_the_console(saturated):
    """Locust's own INFO lines go to locust.log only."""
    result, run_dir = saturated
    assert "INFO/locust.runners" not in result.stdout
    assert "INFO/locust.runners" in (run_dir / "locust.log").read_text()
