"""The run's last console line: its exit code, the code's name and why.

``make`` turns any failing recipe into its own exit status 2, so a CI job reading ``$?``
after ``make stress-scenario2`` cannot tell FAIL from a bad option; the line below (and
``make``'s own ``Error 98``) still shows the real code, and the ``stairload`` command
exits with it.
"""

from __future__ import annotations

import json
from pathlib import Path

from stairload.core import exitcodes
from stairload.rundir import SUMMARY_JSON

NOT_JUDGED = (
    "--no-report: the run completed but nothing judged it; the MTT and error checks, "
    "generator saturation and whether the plan's users ran were not checked "
    "(stairload report build {run_dir} gives the verdict)"
)


def exit_line(code: int, run_dir: Path | None, *, no_report: bool = False) -> str:
    """``[stairload] exit code 98 (INCONCLUSIVE: <the verdict's reason>)``.

    Codes that end a run before or without a verdict are named by the code (the name and
    meaning of its row in ``exitcodes.ENDINGS``); any other (0, 98, 99, or a
    --fail-exit-code) by the verdict in summary.json, with its reason. A run that
    completed with ``no_report`` has no verdict: ``NOT JUDGED``, never PASS.
    """
    if no_report and code == exitcodes.OK:
        return f"[stairload] exit code {code} (NOT JUDGED: {NOT_JUDGED.format(run_dir=run_dir)})"
    name, why = "", ""
    ending = exitcodes.of_code(code)
    if ending is not None and ending.name and not ending.command:  # a code a run can end with
        name, why = ending.name, ending.meaning
    summary = _summary(run_dir) if code not in _RUN_CODES else {}
    if summary.get("verdict"):
        name, why = str(summary["verdict"]), str(summary.get("reason") or why)
    return (
        f"[stairload] exit code {code} ({name}: {why})"
        if name
        else (f"[stairload] exit code {code}")
    )


_RUN_CODES = (
    exitcodes.USAGE,
    exitcodes.TARGET_UNREACHABLE,
    exitcodes.LOCUST_FAILED,
    exitcodes.DISK_FULL,
    exitcodes.RUN_DIR_UNWRITABLE,
    exitcodes.ABORTED,
    exitcodes.INTERRUPTED,
    exitcodes.TERMINATED,
)


def _summary(run_dir: Path | None) -> dict[str, object]:
    if run_dir is None:
        return {}
    try:
        summary = json.loads((run_dir / SUMMARY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return summary if isinstance(summary, dict) else {}
