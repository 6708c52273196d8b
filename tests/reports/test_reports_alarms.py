"""Alarm state changes from alarms.jsonl appear on the report's timeline and table."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from reports.alarm_log import load_alarm_changes
from reports.build import build

_CHANGE = {
    "time_s": 12,
    "alarm": "MTT over target",
    "old_state": "INSUFFICIENT_DATA",
    "new_state": "ALARM",
    "reason": "3 of the last 3 datapoints were >= 500",
}


def test_alarm_changes_are_listed_in_the_report(make_run: Callable[..., Path]) -> None:
    """Each recorded change becomes a row of the Alarms table, with its new state."""
    run_dir = make_run()
    back = {**_CHANGE, "time_s": 40, "old_state": "ALARM", "new_state": "OK"}
    lines = [json.dumps(_CHANGE), json.dumps(back)]
    (run_dir / "alarms.jsonl").write_text("\n".join(lines) + "\n")
    build(run_dir)
    page = (run_dir / "report.html").read_text()
    assert '<table id="alarms">' in page
    assert page.count("MTT over target") == 2
    assert "INSUFFICIENT_DATA &rarr; <b>ALARM</b>" in page
    assert "ALARM &rarr; <b>OK</b>" in page


def test_a_run_without_alarms_has_no_alarm_section(make_run: Callable[..., Path]) -> None:
    """No alarms.jsonl, no Alarms heading."""
    run_dir = make_run()
    build(run_dir)
    assert load_alarm_changes(run_dir) == ()
    assert "<h2>Alarms</h2>" not in (run_dir / "report.html").read_text()


def test_a_malformed_alarm_line_is_one_line_and_exit_2(make_run: Callable[..., Path]) -> None:
    """A broken alarms.jsonl line is named with its number; the build exits 2."""
    run_dir = make_run()
    (run_dir / "alarms.jsonl").write_text(json.dumps(_CHANGE) + "\n{not json\n")
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("Error: alarms.jsonl: line 2: not an alarm change")
    assert "Traceback" not in result.stderr


def test_an_unknown_alarm_state_is_refused(make_run: Callable[..., Path], tmp_path: Path) -> None:
    """A state outside OK / ALARM / INSUFFICIENT_DATA is named with what is allowed."""
    run_dir = make_run()
    (run_dir / "alarms.jsonl").write_text(json.dumps({**_CHANGE, "new_state": "RED"}) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "stairload", "report", "build", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stderr.strip() == (
        "Error: alarms.jsonl: line 1: new_state: must be one of "
        "OK, ALARM, INSUFFICIENT_DATA (got 'RED')"
    )
