"""The run's last line: the exit code, its name, and the verdict's reason when there is one."""

from __future__ import annotations

import json
from pathlib import Path

from stairload.run.outcome import exit_line


def _summary(run_dir: Path, verdict: str, reason: str) -> Path:
    run_dir.mkdir()
    (run_dir / "summary.json").write_text(json.dumps({"verdict": verdict, "reason": reason}))
    return run_dir


def test_inconclusive_line_gives_the_verdicts_reason(tmp_path):
    """98 with summary.json: the verdict's name and reason."""
    run_dir = _summary(tmp_path / "run", "INCONCLUSIVE", "the stress step is not valid")
    assert exit_line(98, run_dir) == (
        "[stairload] exit code 98 (INCONCLUSIVE: the stress step is not valid)"
    )


def test_a_failed_verdict_with_its_exit_code_disabled_still_says_fail(tmp_path):
    """--fail-exit-code 0 on a FAIL: exit code 0, named FAIL, not PASS."""
    run_dir = _summary(tmp_path / "run", "FAIL", "MTT over target")
    assert exit_line(0, run_dir) == "[stairload] exit code 0 (FAIL: MTT over target)"


def test_run_codes_are_named_by_the_code(tmp_path):
    """130 is INTERRUPTED even when a report was built."""
    run_dir = _summary(tmp_path / "run", "FAIL", "MTT over target")
    assert exit_line(130, run_dir) == "[stairload] exit code 130 (INTERRUPTED: Ctrl-C)"


def test_no_summary_falls_back_to_the_codes_meaning(tmp_path):
    """99 without summary.json: the generic meaning."""
    assert exit_line(99, tmp_path) == "[stairload] exit code 99 (FAIL: the verdict failed)"


def test_a_run_without_its_report_is_not_judged_never_pass(tmp_path):
    """--no-report, exit 0: NOT JUDGED, saying saturation and the plan were not checked."""
    line = exit_line(0, tmp_path, no_report=True)
    assert line.startswith("[stairload] exit code 0 (NOT JUDGED: --no-report: ")
    assert "generator saturation" in line and "PASS" not in line
    assert f"stairload report build {tmp_path}" in line
