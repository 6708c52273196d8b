"""Step percentiles are microsecond-exact: a real run recounted from Locust's own request events.

The run's locustfile adds a second ``request`` listener that writes every request Locust
reports (its response time as Locust's float ms, and the second stairload files it under)
to a file. The test recounts each step's window from that file with hdrh's own
``record_value`` and ``get_value_at_percentile``, none of stairload's code, and expects
steps.csv and every second of intervals.csv to give exactly those numbers.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from hdrh.histogram import HdrHistogram
from stressrun_helpers import ROOT

pytestmark = pytest.mark.integration

LOCUSTFILE = """
import json
import math
import os

from locust import FastHttpUser, between, events, task

from stairload.loadgen.runtime import runtime  # the run's clock: time_s counts from its t0

_ENVIRONMENT = []
_LOG = []  # this process's own file, opened on its first request (a master sends none)


@events.init.add_listener
def _keep(environment, **_):
    _ENVIRONMENT.append(environment)


@events.request.add_listener
def _write(request_type, name, response_time, exception=None, start_time=None, **_):
    t0 = runtime(_ENVIRONMENT[0]).t0
    if t0 is None:  # before the stair starts stairload files nothing either
        return
    second = max(0, math.floor(start_time + response_time / 1000 - t0))
    if not _LOG:
        _LOG.append(open(f"{os.environ['RECOUNT_LOG']}.{os.getpid()}", "w", encoding="utf-8"))
    _LOG[0].write(json.dumps([second, response_time]) + "\\n")
    _LOG[0].flush()


class HealthReader(FastHttpUser):
    wait_time = between(0.0, 0.02)

    @task
    def health(self):
        self.client.get("/health")
"""

PERCENTILES = {"p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0, "p99_9_ms": 99.9}


def _recount(times_ms: list[float]) -> dict[str, float]:
    """The percentiles as hdrh computes them, from whole microseconds (half up), and the max."""
    histogram = HdrHistogram(1, 3_600_000_000, 3)
    for time_ms in times_ms:
        assert histogram.record_value(int(time_ms * 1000 + 0.5))
    figures = {
        column: histogram.get_value_at_percentile(percentile) / 1000
        for column, percentile in PERCENTILES.items()
    }
    figures["max_ms"] = round(max(times_ms), 3)
    return figures


@pytest.mark.parametrize("workers", [0, 2])
def test_step_percentiles_equal_an_hdr_recount_of_the_same_requests(
    tmp_path: Path, workers: int
) -> None:
    """steps.csv's p50/p95/p99/p99.9/max and each second's row equal the recount, to the us.

    With 0 workers one process records and writes; with 2 the workers ship their
    histograms to the master, which merges them.
    """
    mine, log, run_dir = tmp_path / "mine.py", tmp_path / "requests.jsonl", tmp_path / "run"
    mine.write_text(LOCUSTFILE)
    command = [sys.executable, "-m", "stairload", "run", "scenario3", "--locustfile", str(mine)]
    command += ["--time-scale", "0.02", "--step-seconds", "300", "--hold-seconds", "250"]
    command += ["--users-scale", "0.2", "--target-users", "50"]
    command += ["--workers", str(workers), "--probe-users", "2", "--run-dir", str(run_dir)]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        env={**os.environ, "RECOUNT_LOG": str(log)},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    logs = sorted(tmp_path.glob(f"{log.name}.*"))
    assert len(logs) == max(workers, 1), logs  # each process that ran users wrote one
    # each of them froze what it made before the load (stairload.loadgen.heap)
    user_logs = [f"worker-{index}.log" for index in range(1, workers + 1)] or ["locust.log"]
    frozen = re.compile(
        r"garbage collector: \d{5,} objects made before the load frozen; "
        r"young generation collected every 10000 allocations"
    )
    for name in user_logs:
        assert frozen.search((run_dir / name).read_text()), name
    by_second: dict[int, list[float]] = defaultdict(list)
    for path in logs:
        for line in path.read_text().splitlines():
            second, time_ms = json.loads(line)
            by_second[int(second)].append(float(time_ms))

    with (run_dir / "intervals.csv").open(newline="") as handle:
        totals = [row for row in csv.DictReader(handle) if row["name"] == "Total"]
    checked = 0
    for row in totals:
        times = by_second.get(int(row["time_s"]), [])
        assert int(row["requests"]) == len(times), row["time_s"]
        if times:
            recount = _recount(times)
            assert {column: float(row[column]) for column in recount} == recount, row["time_s"]
            checked += 1
    assert checked >= 5

    with (run_dir / "steps.csv").open(newline="") as handle:
        steps = [row for row in csv.DictReader(handle) if row["p50_ms"]]
    assert steps, "no step was measured"
    fractional = 0
    for step in steps:
        start, end = float(step["window_start_s"]), float(step["window_end_s"])
        times = [t for s, ts in by_second.items() if start <= s and s + 1 <= end for t in ts]
        assert int(step["requests"]) == len(times), step["step"]
        recount = _recount(times)
        assert {column: float(step[column]) for column in recount} == recount, step["step"]
        fractional += sum(float(step[column]) % 1 != 0 for column in PERCENTILES)
    # microsecond resolution: Locust's buckets are whole ms, and so were these columns
    assert fractional >= len(steps) * 2
    summary = json.loads((run_dir / "summary.json").read_text())
    assert [s["p99_9_ms"] for s in summary["steps"] if s["p50_ms"] is not None] == [
        float(step["p99_9_ms"]) for step in steps
    ]
    probes = [probe for probe in summary["probe_steps"] if probe["p50_ms"] is not None]
    assert probes, "the probe step was not measured"
    for probe in probes:  # probe steps come from the same histograms, not an approximation
        start, end = probe["window_start_s"], probe["window_end_s"]
        times = [t for s, ts in by_second.items() if start <= s and s + 1 <= end for t in ts]
        assert {column: probe[column] for column in (*PERCENTILES, "max_ms")} == _recount(times)
