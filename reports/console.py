"""A report's verdict on the console: build the report of a run directory, print the lines.

``stairload run`` calls ``build_and_report`` in-process with the run's record in hand;
``stairload report build`` calls it on a finished run directory.
"""

from __future__ import annotations

from pathlib import Path

from reports.verdict import INCONCLUSIVE, PASS
from stairload.core import exitcodes
from stairload.core.errors import InputError
from stairload.rundir import REPORT_HTML, RunRecord


def require_dir(path: Path) -> None:
    """Raise ``InputError`` unless ``path`` is a directory."""
    if not path.is_dir():
        raise InputError(f"{path}: not a directory")


def build_and_report(
    run_dir: Path,
    exclude_seconds: float = 0.0,
    fail_exit_code: int = exitcodes.VERDICT_FAIL,
    record: RunRecord | None = None,
) -> int:
    """Build the report of ``run_dir``, print the verdict lines, return the exit code.

    0 PASS, ``fail_exit_code`` FAIL, INCONCLUSIVE's code; a run directory that cannot be
    read raises ``StairloadError`` (``stairload run`` calls this in-process, with the
    run's ``record`` in hand: see ``reports.build.analyse``).
    """
    from reports.build import build
    from reports.open_steps import open_summary

    require_dir(run_dir)
    analysis = build(run_dir, exclude_seconds, record)
    verdict = analysis.verdict
    if verdict.exit_note:
        print(f"note: {verdict.exit_note}")
    print(f"verdict: {verdict.verdict} ({verdict.reason})")
    for line in analysis.trust.lines() if analysis.trust is not None else ():
        print(line)
    for check in verdict.checks:
        result = ("PASS" if check.passed else "FAIL") if check.gate else "info"
        if check.invalid_reason:
            result = "n/a"
        margin = f"; {check.margin}" if check.margin else ""
        print(
            f"  {result:4}  {check.name:22} {value_text(check.measured)} "
            f"({check.reference} {value_text(check.limit)}{margin})"
        )
    for caveat in verdict.caveats:
        print(f"caveat: {caveat}")
    for advice in verdict.advice:
        print(f"advice: {advice}")
    within = (
        verdict.users_within.text()
        if verdict.users_within is not None and not verdict.users_within.determined
        else value_text(verdict.max_users_within_target)
    )
    knee = (
        value_text(verdict.knee_step, "step ")
        if verdict.knee_step is not None or not verdict.knee_note
        else "not found in this run"
    )
    peak = f"peak TPS: {value_text(verdict.peak_tps)}"
    if analysis.run.shape == "arrivals":  # steps are offered rates: the model line has the knee
        best = open_summary(analysis.steps, analysis.run)["max_rate_within_target"]
        rate = "none" if best is None else f"{best['journeys_per_s']:,.2f} journeys/s"
        print(f"highest offered rate within target: {rate}; {peak}")
    else:
        print(f"max users within target: {within}; knee: {knee}; {peak}")
    print(f"report: {run_dir / REPORT_HTML}")
    if verdict.verdict == INCONCLUSIVE:
        return exitcodes.INCONCLUSIVE
    return 0 if verdict.verdict == PASS else fail_exit_code


def value_text(value: float | int | None, prefix: str = "") -> str:
    if value is None:
        return "none"
    if isinstance(value, int) or float(value).is_integer():
        return f"{prefix}{int(value)}"
    return f"{prefix}{value:.4g}" if abs(value) < 1 else f"{prefix}{value:.1f}"
