"""Synthetic run directories with known numbers per step: a test fixture (and the benchmark's).

Every second of a step's plateau has the same numbers, so a step's TPS, MTT, percentiles
and error rate are known exactly; ramp seconds use three times the plateau's response
times, so a report that forgets to drop the ramp gets visibly wrong numbers.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stairload.rundir import COLUMNS, INTERVALS_CSV, RUN_JSON, SCHEMA_VERSION, RunRecord
from stairload.rundir.latency import LatencyHistogram

RAMP_SLOWDOWN = 3.0


@dataclass(frozen=True)
class StepSpec:
    """One plateau: its users and the exact per-second numbers of its requests."""

    users: int
    requests_per_second: int
    mean_ms: float
    failures_per_second: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None

    def times(self, factor: float = 1.0) -> dict[str, float]:
        """min, mean, percentiles and max in ms (percentiles default to fixed multiples)."""
        p50 = self.p50_ms if self.p50_ms is not None else self.mean_ms * 0.9
        p95 = self.p95_ms if self.p95_ms is not None else self.mean_ms * 1.6
        p99 = self.p99_ms if self.p99_ms is not None else self.mean_ms * 2.0
        return {
            "mean_ms": self.mean_ms * factor,
            "min_ms": self.mean_ms * 0.2 * factor,
            "p50_ms": p50 * factor,
            "p95_ms": p95 * factor,
            "p99_ms": p99 * factor,
            "max_ms": max(p99, self.mean_ms) * 1.5 * factor,
        }


@dataclass(frozen=True)
class SyntheticRun:
    """A whole run: its steps, timing, thresholds and how it ended."""

    steps: Sequence[StepSpec]
    step_seconds: int = 60
    ramp_seconds: int = 10
    names: Sequence[str] = ("/trips", "/trips/[id]")
    mtt_ms: float = 500.0
    error_rate: float = 0.01
    target_tps: float | None = None
    stop_at_s: int | None = None
    exit_reason: str = "completed"
    idle_seconds: Sequence[int] = ()
    cpu_warnings: Sequence[dict[str, Any]] = ()
    saturated: bool = False
    # per step, the one generator process's CPU % in every second (None: no samples)
    generator_cpu_percent: Sequence[float] | None = None
    # per step, that process's loop-lag p99 in every second (None: a run before loop lag)
    generator_loop_lag_ms: Sequence[float] | None = None
    workers: int = 0
    shape: str = "stairs"
    extra: dict[str, Any] = field(default_factory=dict)
    histograms: bool = False  # Total rows carry a histogram (exact step percentiles)
    # per second of the run, a factor on the response times and one on the requests
    # (None: every plateau second the same); for per-second noise, e.g. AR(1)
    time_factors: Sequence[float] | None = None
    request_factors: Sequence[float] | None = None

    @property
    def total_seconds(self) -> int:
        """Planned length of the run."""
        return self.step_seconds * len(self.steps)


def planned_steps(run: SyntheticRun) -> list[dict[str, Any]]:
    """run.json's stairs.steps for this run."""
    return [
        {
            "step": index + 1,
            "users": spec.users,
            "start_s": float(index * run.step_seconds),
            "ramp_end_s": float(index * run.step_seconds + run.ramp_seconds),
            "end_s": float((index + 1) * run.step_seconds),
        }
        for index, spec in enumerate(run.steps)
    ]


def write_run(run_dir: Path, run: SyntheticRun) -> Path:
    """Write run.json and intervals.csv for ``run`` into ``run_dir``; return run_dir."""
    run_dir.mkdir(parents=True, exist_ok=True)
    end_s = run.total_seconds if run.stop_at_s is None else run.stop_at_s
    RunRecord.from_json(_run_json(run_dir, run, end_s)).dump(run_dir / RUN_JSON)
    with (run_dir / INTERVALS_CSV).open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(_HEADER)
        for second in range(end_s):
            # the synthetic target's CPU is unknown (empty); the histogram is empty too
            # unless the run asks for one (then its Total rows carry one)
            writer.writerows(_with_tail(run, row) for row in _rows_for_second(run, second))
    return run_dir


_HEADER = COLUMNS  # the writer's own column list: the contract has one source
_TIME_COLUMNS = COLUMNS[COLUMNS.index("mean_ms") : COLUMNS.index("max_ms") + 1]
_EPOCH = 1_795_000_000.0


def _with_tail(run: SyntheticRun, row: list[Any]) -> list[Any]:
    requests = row[COLUMNS.index("requests")]
    if not (run.histograms and row[COLUMNS.index("name")] == "Total" and requests):
        return [*row, "", ""]
    first = COLUMNS.index(_TIME_COLUMNS[0])
    cells = row[first : first + len(_TIME_COLUMNS)]
    times = dict(zip(_TIME_COLUMNS, (float(cell) for cell in cells), strict=True))
    return [*row, "", synthetic_histogram(times, int(requests)).encode()]


def synthetic_histogram(times: dict[str, float], requests: int) -> LatencyHistogram:
    """Counts at p50, p95, p99 and max (in us) whose percentiles are those values' buckets."""
    at_50 = math.ceil(0.50 * requests)
    at_95 = math.ceil(0.95 * requests)
    at_99 = math.ceil(0.99 * requests)
    histogram = LatencyHistogram()
    for column, count in (
        ("p50_ms", at_50),
        ("p95_ms", at_95 - at_50),
        ("p99_ms", at_99 - at_95),
        ("max_ms", requests - at_99),
    ):
        if count:
            histogram.record_us(round(times[column] * 1000), count)
    return histogram


def _rows_for_second(run: SyntheticRun, second: int) -> list[list[Any]]:
    index = min(second // run.step_seconds, len(run.steps) - 1)
    spec = run.steps[index]
    ramping = second - index * run.step_seconds < run.ramp_seconds
    previous_users = run.steps[index - 1].users if index else 0
    users = previous_users if ramping and index else spec.users
    stamp = f"{_EPOCH + second:.1f}"
    idle = second in run.idle_seconds
    scale = 1.0 if run.request_factors is None else run.request_factors[second]
    per_name = 0 if idle else round(spec.requests_per_second * scale) // len(run.names)
    failures = 0 if idle else spec.failures_per_second // len(run.names)
    factor = 1.0 if run.time_factors is None else run.time_factors[second]
    times = spec.times((RAMP_SLOWDOWN if ramping else 1.0) * factor)
    cells = [f"{times[key]:.3f}" for key in _TIME_COLUMNS]
    rows = []
    for name in run.names:
        if per_name:
            head = [second, stamp, "GET", name, users, spec.users, per_name, failures]
            rows.append(head + cells)
    total = per_name * len(run.names)
    total_cells = cells if total else [""] * len(cells)
    head = [second, stamp, "", "Total", users, spec.users, total, failures * len(run.names)]
    rows.append(head + total_cells)
    return rows


def _run_json(run_dir: Path, run: SyntheticRun, end_s: int) -> dict[str, Any]:
    users = [spec.users for spec in run.steps]
    return {
        "schema": SCHEMA_VERSION,
        "run_id": run_dir.name,
        "scenario": "scenario2",
        "case": "stress",
        "shape": run.shape,
        "host": "http://127.0.0.1:8080",
        "embedded_target": True,
        "workers": run.workers,
        "time_scale": 1.0,
        "users_scale": 1.0,
        "started_at": "2026-11-17T08:53:20+00:00",
        "ended_at": "2026-11-17T09:53:20+00:00",
        "duration_seconds": float(end_s),
        "exit_reason": run.exit_reason,
        "exit_code": 0 if run.exit_reason == "completed" else 1,
        "plan": {
            "vusers": users[-1],
            "target_tps": run.target_tps if run.target_tps is not None else users[-1] / 0.5,
        },
        "stairs": {
            "start_users": users[0],
            "end_users": users[-1],
            "step_users": users[1] - users[0] if len(users) > 1 else 0,
            "step_seconds": float(run.step_seconds),
            "total_seconds": float(run.total_seconds),
            "steps": planned_steps(run),
        },
        "thresholds": {"mtt_ms": run.mtt_ms, "error_rate": run.error_rate},
        "versions": {"stairload": "0.1.0"},
        "load_generator": {
            "cpu_warnings": list(run.cpu_warnings),
            "processes": [],
            "saturated": run.saturated,
            "lost_workers": [],
            "cpu_warning_percent": 90.0,
            **({"seconds": _generator_seconds(run, end_s)} if run.generator_cpu_percent else {}),
            **({"loop_lag": _loop_lag(run, end_s)} if run.generator_loop_lag_ms else {}),
        },
        **run.extra,
    }


def _generator_seconds(run: SyntheticRun, end_s: int) -> dict[str, list[list[float]]]:
    """One process, "local", sampled at the end of every second: [time_s, cpu %, rss MB]."""
    cpu = run.generator_cpu_percent or ()
    rows = []
    for second in range(1, end_s + 1):
        index = min((second - 1) // run.step_seconds, len(cpu) - 1)
        rows.append([float(second), float(cpu[index]), 120.0 + index])
    return {"local": rows}


def _loop_lag(run: SyntheticRun, end_s: int) -> dict[str, list[list[float]]]:
    """The same process's loop lag at the end of every second: [time_s, p99 ms, mean ms]."""
    lags = run.generator_loop_lag_ms or ()
    rows = []
    for second in range(1, end_s + 1):
        lag = float(lags[min((second - 1) // run.step_seconds, len(lags) - 1)])
        rows.append([float(second), lag, lag / 4])  # the mean a quarter of the p99
    return {"local": rows}


def closed_model_steps(
    users: Sequence[int], mean_ms: Sequence[float], error_share: float = 0.0
) -> list[StepSpec]:
    """Steps obeying the closed model with zero think time: TPS = users / MTT."""
    specs = []
    for count, mean in zip(users, mean_ms, strict=True):
        tps = round(count / (mean / 1000.0))
        specs.append(StepSpec(count, tps, mean, failures_per_second=round(tps * error_share)))
    return specs


def hour_run() -> SyntheticRun:
    """The benchmark's run: 1 hour, 3,600 intervals, 10 request names, 12 steps of 5 min."""
    users = [1200 + 100 * index for index in range(12)]
    means = [200.0 + 40.0 * max(0, index - 5) ** 2 for index in range(12)]
    names = tuple(f"/api/resource{index}/[id]" for index in range(10))
    return SyntheticRun(
        steps=closed_model_steps(users, means, error_share=0.002),
        step_seconds=300,
        ramp_seconds=12,
        names=names,
    )


def day_run() -> SyntheticRun:
    """The 24-hour benchmark: 86,400 intervals, 10 request names, 24 steps of 1 hour."""
    users = [1200 + 100 * index for index in range(24)]
    means = [200.0 + 10.0 * max(0, index - 12) ** 2 for index in range(24)]
    names = tuple(f"/api/resource{index}/[id]" for index in range(10))
    return SyntheticRun(
        steps=closed_model_steps(users, means, error_share=0.002),
        step_seconds=3600,
        ramp_seconds=60,
        names=names,
        histograms=True,
    )
