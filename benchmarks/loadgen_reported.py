"""What each tool itself reports for a run: mean and p95 response time, failed requests.

stairload: its step table (``reports.build.analyse`` on the run directory: the figures its
report, steps.csv and summary.json show; the plateau, ramp left out). Bare Locust: the
``Aggregated`` row of its stats CSV (the whole run). k6: ``http_req_duration`` avg and
p(95) of ``--summary-export`` (the whole run; k6's duration leaves out connecting), and its
failed checks.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from loadgen_shapes import BARE_LOCUSTFILE

from reports.build import analyse
from stairload.rundir.files import LOCUST_STATS_SUFFIX

# bare_locust.MODULES_LINE (importing that locustfile here would start gevent's patching)
MODULES_LINE = "bare_locust: project modules loaded: "


@dataclass(frozen=True)
class Reported:
    """A tool's own figures for one run."""

    mean_ms: float
    p95_ms: float
    failures: int


def reported(tool: str, out: Path, log: Path) -> Reported:
    """Read ``tool``'s own result files (``out``: its run directory, CSV prefix or summary)."""
    if tool == "stairload":
        return _stairload(out)
    if tool == "bare-locust":
        _check_no_project_modules(log)
        return _locust(Path(f"{out}{LOCUST_STATS_SUFFIX}"))
    if tool == "k6":
        return _k6(out)
    raise ValueError(f"unknown tool {tool!r}")


def _stairload(run_dir: Path) -> Reported:
    steps = analyse(run_dir).steps
    if len(steps) != 1 or steps[0].mtt_ms is None or steps[0].p95_ms is None:
        raise RuntimeError(f"{run_dir}: no measured plateau in stairload's step table")
    step = steps[0]
    return Reported(step.mtt_ms, step.p95_ms, step.failures)


def _locust(stats_csv: Path) -> Reported:
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return Reported(
                    float(row["Average Response Time"]),
                    float(row["95%"]),
                    int(row["Failure Count"]),
                )
    raise RuntimeError(f"{stats_csv}: no Aggregated row")


def _k6(summary_json: Path) -> Reported:
    metrics = json.loads(summary_json.read_text())["metrics"]
    duration = metrics["http_req_duration"]
    return Reported(duration["avg"], duration["p(95)"], int(metrics["checks"]["fails"]))


def _check_no_project_modules(log: Path) -> None:
    """Bare Locust must have run without importing any of the project's packages."""
    lines = [line for line in log.read_text().splitlines() if line.startswith(MODULES_LINE)]
    if not lines:
        raise RuntimeError(f"{log}: {BARE_LOCUSTFILE.name} printed no {MODULES_LINE!r} line")
    loaded = lines[-1].removeprefix(MODULES_LINE)
    if loaded != "none":
        raise RuntimeError(f"bare Locust had the project's modules loaded: {loaded}")
