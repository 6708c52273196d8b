"""The live page's JSON: the run so far, from the ``LiveSource`` and the master's record.

Nothing here decides anything the report does not: the step rows come from the report's
own step table (``reports.build.step_table``) over the seconds written so far, with the
generator's samples and CPU limit read from the record as the report reads ``run.json``
(``reports.rundata.run_info``). A step's validity on the page is therefore the one its
report row will have if the run ended now: measured, the plan's users running, the
generator not saturated, no breach of the MTT target smaller than the generator's loop
lag; any other loop lag beyond the limit is a caveat, as in the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from reports.build import step_table
from reports.generator import LOOP_LAG_LIMIT_MS
from reports.intervals import totals_frame
from reports.open_steps import OpenSecond, add_open_seconds, schedule_of
from reports.open_steps import open_steps as with_open
from reports.rundata import RunInfo, run_info
from reports.steps import COMPLETE, StepResult, measurement_windows
from reports.stream import window_holding
from stairload.livemetrics import LiveSource
from stairload.rundir import RunRecord
from stairload.rundir.intervals import COUNT_COLUMNS, FAULTS_COLUMN, TIME_COLUMNS
from stairload.rundir.latency import LatencyHistogram

RecordNow = Callable[[], RunRecord]
# A complete step is final this long after its end: its seconds are written, and the
# workers' generator samples (sent with every stats report, every 3 s) are in.
SETTLE_SECONDS = 10.0


class LivePayload:
    """Builds the JSON of ``/live.json``; the merged step histograms grow as seconds arrive."""

    def __init__(self, source: LiveSource, record_now: RecordNow, run_dir: Path) -> None:
        self.source = source
        self._record_now = record_now
        self._run_dir = run_dir
        self._histograms: list[LatencyHistogram] | None = None
        self._merged = 0  # Total rows already merged into the step histograms
        self._cached: tuple[int | None, dict[str, Any]] | None = None
        self._settled: dict[int, StepResult] = {}  # steps whose row can no longer change
        self._open_seconds: dict[int, OpenSecond] = {}  # an open run's, of unsettled steps

    def build(self, since_s: int = 0) -> dict[str, Any]:
        """The page's data; ``series`` holds only the seconds from ``since_s`` on."""
        second = self.source.second
        if self._cached is None or self._cached[0] != second:
            self._cached = (second, self._whole())
        whole = self._cached[1]
        series = {
            key: values[max(0, since_s - whole["series_first_s"]) :]
            for key, values in whole["series"].items()
        }
        return {**whole, "series": series}

    def _whole(self) -> dict[str, Any]:
        record = self._record_now()
        run = run_info(record, self._run_dir)
        totals = self.source.totals
        steps = self._steps(run, totals, record) if totals else []
        second = self.source.second
        current = _current_step(run, second)
        return {
            "run_id": run.run_id,
            "scenario": run.scenario,
            "case": run.case,
            "second": second,
            "total_seconds": max((step.end_s for step in run.steps), default=0.0),
            "target_mtt_ms": run.mtt_ms,
            "error_rate_limit": run.error_rate,
            "cpu_limit_percent": run.cpu_limit_percent,
            "loop_lag_limit_ms": LOOP_LAG_LIMIT_MS,
            "current_step": current,
            "step_count": len(run.steps),
            "plan": [[s.step, s.users, s.start_s, s.ramp_end_s, s.end_s] for s in run.steps],
            "series_first_s": totals[0].time_s if totals else 0,
            "series": _series(totals),
            "steps": [_step_row(step, current) for step in steps if step.status != "not reached"],
            "alarms": {
                "evaluated": self.source.has_alarms,
                "states": self.source.alarm_states(),
                "changes": self.source.alarm_changes(),
            },
            "generator": _generator(run),
        }

    def _steps(self, run: RunInfo, totals: Sequence[Any], record: RunRecord) -> list[StepResult]:
        """The step table so far; a step settled ``SETTLE_SECONDS`` after its end is kept.

        An open run's steps get the report's open-run figures and schedule rules too
        (``reports.open_steps``): a step that dropped more than 1% of its journeys, or
        started them off the plan, is invalid here as it will be in the report.
        """
        schedule = schedule_of(record.extras)
        if schedule is not None:
            add_open_seconds(self._open_seconds, totals[self._merged :])
        windows = measurement_windows(run.steps)
        starts = [start for start, _ in windows]
        if self._histograms is None:
            self._histograms = [LatencyHistogram() for _ in windows]
        for row in totals[self._merged :]:
            index = window_holding(row.time_s, windows, starts) if row.histogram else None
            if index is not None:
                self._histograms[index].add(LatencyHistogram.from_cell(row.histogram or ""))
        self._merged = len(totals)
        open_steps = [
            (step, histogram)
            for step, histogram in zip(run.steps, self._histograms, strict=True)
            if step.step not in self._settled
        ]
        if not open_steps:
            return list(self._settled.values())
        first_s = min(step.start_s for step, _ in open_steps)
        rows = list(totals[-_rows_since(totals, first_s) :])
        columns = {
            column: [_number(getattr(row, column)) for row in rows]
            for column in (*COUNT_COLUMNS, *TIME_COLUMNS, FAULTS_COLUMN)
        }
        has_histograms = any(row.histogram for row in totals)
        fresh = step_table(
            run,
            [step for step, _ in open_steps],
            totals_frame(columns),
            [histogram for _, histogram in open_steps] if has_histograms else None,
        )
        if schedule is not None:
            fresh = with_open(fresh, schedule, self._open_seconds, record.workers, run.mtt_ms)
            for second in [s for s in self._open_seconds if s < first_s - 1]:
                del self._open_seconds[second]  # settled steps' seconds are not read again
        last_s = totals[-1].time_s
        for result in fresh:
            if result.status == COMPLETE and last_s >= result.end_s + SETTLE_SECONDS:
                self._settled[result.step] = result
        by_step = {result.step: result for result in fresh}
        by_step.update(self._settled)
        return [by_step[step] for step in sorted(by_step)]


def _rows_since(totals: Sequence[Any], first_s: float) -> int:
    """How many of the last rows start at or after ``first_s`` (rows are one per second)."""
    return max(1, len(totals) - max(0, math.floor(first_s) - totals[0].time_s))


def _number(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _finite(value: float | None, digits: int = 1) -> float | None:
    """JSON has no NaN: unknown is null."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def _interval(low: float | None, high: float | None) -> list[float | None] | None:
    """A 95% interval as [low, high], or None when the report has none (too few seconds)."""
    if _finite(low) is None or _finite(high) is None:
        return None
    return [_finite(low), _finite(high)]


def _current_step(run: RunInfo, second: int | None) -> int | None:
    """The step the last written second belongs to (None before the first or after the last)."""
    if second is None:
        return None
    for step in run.steps:
        if step.start_s <= second < step.end_s:
            return step.step
    return None


def _series(totals: Sequence[Any]) -> dict[str, list[Any]]:
    return {
        "time_s": [row.time_s for row in totals],
        "users": [row.users for row in totals],
        "planned_users": [row.target_users for row in totals],
        "tps": [row.requests for row in totals],
        "mtt_ms": [_finite(row.mean_ms) for row in totals],
    }


def _step_row(step: StepResult, current: int | None) -> dict[str, Any]:
    """One row of the step table as the page shows it, with its validity."""
    load = step.generator
    return {
        "step": step.step,
        "users": step.users,
        "status": step.status,
        "current": step.step == current,
        "seconds": step.seconds,
        "actual_users": _finite(step.actual_users),
        "tps": _finite(step.tps),
        "tps_ci": _interval(step.tps_ci_low, step.tps_ci_high),
        "mtt_ms": _finite(step.mtt_ms),
        "mtt_ci_ms": _interval(step.mtt_ci_low_ms, step.mtt_ci_high_ms),
        "interval_note": step.interval_note,
        "p95_ms": _finite(step.p95_ms, 3),  # to the microsecond, as steps.csv
        "requests": step.requests,
        "failures": step.failures,
        "error_rate": _finite(step.error_rate, 4),
        "valid": step.valid,
        "invalid_reason": step.invalid_reason,
        "lagging": bool(load is not None and load.lagging),
        "loop_lag_ms": _finite(step.generator_loop_lag_ms, 2),
    }


def _generator(run: RunInfo) -> list[dict[str, Any]]:
    """Each Locust process's last sample: CPU (% of one core), memory, loop-lag p99."""
    processes = []
    for name, seconds in run.generator_seconds.items():
        if not seconds:
            continue
        last = seconds[-1]
        processes.append(
            {
                "process": name,
                "time_s": last.time_s,
                "cpu_percent": _finite(last.cpu_percent),
                "rss_mb": _finite(last.rss_mb),
                "loop_lag_ms": _finite(last.loop_lag_ms, 2),
                "hot": last.cpu_percent > run.cpu_limit_percent,
            }
        )
    return processes
