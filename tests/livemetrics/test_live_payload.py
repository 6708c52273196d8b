"""The live page's JSON, built from intervals.csv rows fed one second at a time."""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from synthetic import StepSpec, SyntheticRun, write_run

from reports.build import analyse
from stairload.livemetrics import LiveMetrics, LiveSource
from stairload.livepage import LivePayload
from stairload.rundir import INTERVALS_CSV, RUN_JSON, RunRecord, read_intervals

# Three 20 s steps with 5 s ramps; the generator is above its 90% CPU limit all of step 2.
SATURATED_STEP_2 = SyntheticRun(
    steps=(StepSpec(100, 1000, 100.0), StepSpec(200, 1600, 125.0), StepSpec(300, 1200, 250.0)),
    step_seconds=20,
    ramp_seconds=5,
    mtt_ms=200.0,
    histograms=True,
    generator_cpu_percent=(40.0, 97.0, 50.0),
    generator_loop_lag_ms=(1.0, 2.0, 9.0),
)


def _fed(run_dir: Path, through_s: int) -> tuple[LiveSource, LivePayload]:
    """A source fed the run's rows of seconds 0..through_s, as the master would feed them."""
    source = LiveSource()
    rows = read_intervals(run_dir / INTERVALS_CSV)
    for second, group in itertools.groupby(rows, key=lambda row: row.time_s):
        if second <= through_s:
            source.on_second(second, list(group))
    record = RunRecord.load(run_dir / RUN_JSON)
    return source, LivePayload(source, lambda: record, run_dir)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path / "run", SATURATED_STEP_2)


def test_every_step_row_is_the_reports_row_once_every_second_is_in(run_dir: Path) -> None:
    """TPS, MTT, p95, errors and validity equal report's step table for the same seconds."""
    _source, payload = _fed(run_dir, 10_000)
    rows = payload.build()["steps"]
    report = analyse(run_dir).steps
    assert [row["step"] for row in rows] == [step.step for step in report] == [1, 2, 3]
    for row, step in zip(rows, report, strict=True):
        assert row["tps"] == pytest.approx(step.tps, abs=0.05)
        assert row["mtt_ms"] == pytest.approx(step.mtt_ms, abs=0.05)
        assert row["p95_ms"] == pytest.approx(step.p95_ms)
        assert row["requests"] == step.requests
        assert (row["valid"], row["invalid_reason"]) == (step.valid, step.invalid_reason)


def test_a_saturated_step_is_invalid_with_the_reports_reason(run_dir: Path) -> None:
    """Step 2's generator was above its CPU limit: the page says invalid, and why."""
    _source, payload = _fed(run_dir, 10_000)
    step_2 = payload.build()["steps"][1]
    assert step_2["valid"] is False
    assert step_2["invalid_reason"].startswith(  # the 15 s after its 5 s ramp
        "load generator above its CPU limit in 15 of 15 s"
    )


def test_a_step_whose_loop_lagged_is_valid_with_a_caveat(run_dir: Path) -> None:
    """Step 3's loop-lag p99 (9 ms) is above the 5 ms limit: still valid, flagged lagging."""
    _source, payload = _fed(run_dir, 10_000)
    step_3 = payload.build()["steps"][2]
    assert (step_3["valid"], step_3["lagging"], step_3["loop_lag_ms"]) == (True, True, 9.0)


def test_a_breach_within_the_generators_loop_lag_is_invalid_as_in_the_report(tmp_path: Path):
    """Step 3 is 50 ms over its 200 ms target, the loop woke 60 ms late on average: invalid."""
    lagging = dataclasses.replace(
        SATURATED_STEP_2,
        generator_cpu_percent=(40.0, 40.0, 40.0),
        generator_loop_lag_ms=(1.0, 1.0, 240.0),
    )  # mean: a quarter
    run_dir = write_run(tmp_path / "run", lagging)
    _source, payload = _fed(run_dir, 10_000)
    step_3 = payload.build()["steps"][2]
    report = analyse(run_dir).steps[2]
    assert (step_3["valid"], step_3["invalid_reason"]) == (False, report.invalid_reason)
    assert "the service's own MTT lies between 190.0 and 250.0 ms" in step_3["invalid_reason"]


def test_mid_run_the_current_step_is_partial_and_later_steps_are_absent(run_dir: Path) -> None:
    """After second 29 the page shows steps 1 and 2, step 2 partial and current."""
    _source, payload = _fed(run_dir, 29)
    data = payload.build()
    assert (data["second"], data["current_step"], data["step_count"]) == (29, 2, 3)
    assert [(row["step"], row["status"], row["current"]) for row in data["steps"]] == [
        (1, "complete", False),
        (2, "partial", True),
    ]
    assert data["steps"][1]["seconds"] == 5.0  # seconds 25..29 of its plateau
    assert data["series"]["time_s"] == list(range(30))
    assert data["target_mtt_ms"] == 200.0


def test_series_since_a_second_holds_only_the_newer_seconds(run_dir: Path) -> None:
    """The page polls with ?since=N: it gets seconds N and later only."""
    _source, payload = _fed(run_dir, 29)
    series = payload.build(since_s=27)["series"]
    assert series["time_s"] == [27, 28, 29]
    assert series["users"] == [200, 200, 200]
    assert series["tps"] == [1600, 1600, 1600]
    assert series["mtt_ms"] == [125.0, 125.0, 125.0]


def test_the_generator_block_shows_each_process_last_sample(run_dir: Path) -> None:
    """CPU, memory and loop lag of the last sampled second, flagged hot above the limit."""
    _source, payload = _fed(run_dir, 29)
    (local,) = payload.build()["generator"]
    assert local == {
        "process": "local",
        "time_s": 60.0,  # the record of this synthetic run holds the whole run's samples
        "cpu_percent": 50.0,
        "rss_mb": 122.0,
        "loop_lag_ms": 9.0,
        "hot": False,
    }


def test_the_payload_is_strict_json(run_dir: Path) -> None:
    """No NaN or Infinity reaches the page: unknown figures are null."""
    _source, payload = _fed(run_dir, 7)
    json.dumps(payload.build(), allow_nan=False)


def test_the_exporter_reads_the_same_source(run_dir: Path) -> None:
    """A LiveMetrics subscribed to the source publishes the second the page shows."""
    source, payload = _fed(run_dir, -1)
    metrics = LiveMetrics()
    source.subscribe(metrics.on_second)
    for second, group in itertools.groupby(
        read_intervals(run_dir / INTERVALS_CSV), key=lambda row: row.time_s
    ):
        if second <= 12:
            source.on_second(second, list(group))
    data = payload.build()
    sample = metrics.registry.get_sample_value
    assert sample("stairload_second") == data["second"] == 12
    assert sample("stairload_users") == data["series"]["users"][-1] == 100
