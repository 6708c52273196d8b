"""The fallback to Locust's stats history when intervals.csv is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reports.build import analyse
from stairload.rundir import HISTORY_CSV, SCHEMA_VERSION

FIXTURE = Path(__file__).parent / "fixtures" / HISTORY_CSV
# Aggregated rows of the fixture (a real 8 s Locust run): timestamp, count, failures, mean.
FIRST = (1795532274, 88, 2, 22.027679386363147)
SECOND = (1795532275, 270, 26, 21.78306126666662)
LAST = (1795532280, 1713, 193, 20.790109214243937)


@pytest.fixture
def history_run(tmp_path: Path) -> Path:
    """A run directory with run.json and only locust_stats_history.csv."""
    shutil.copy(FIXTURE, tmp_path / HISTORY_CSV)
    step = {"step": 1, "users": 6, "start_s": 0.0, "ramp_end_s": 1.0, "end_s": 7.0}
    run = {
        "schema": SCHEMA_VERSION,
        "run_id": "history",
        "started_at": "2026-11-24T14:57:53+00:00",  # 1795532273, the first Aggregated row
        "stairs": {"steps": [step]},
        "thresholds": {"mtt_ms": 500.0, "error_rate": 0.2},
        "plan": {"target_tps": 12.0},
    }
    (tmp_path / "run.json").write_text(json.dumps(run))
    return tmp_path


def test_interval_mean_comes_from_cumulative_counts(history_run):
    """Interval 2's MTT is the delta of count x mean over the delta of count."""
    totals = analyse(history_run).intervals.totals
    expected = (SECOND[1] * SECOND[3] - FIRST[1] * FIRST[3]) / (SECOND[1] - FIRST[1])
    assert totals["mean_ms"].iloc[1] == pytest.approx(expected)
    assert totals["requests"].iloc[1] == SECOND[1] - FIRST[1]
    assert totals["failures"].iloc[1] == SECOND[2] - FIRST[2]


def test_step_numbers_from_history_cover_the_window(history_run):
    """Step 1 from 1 s to 7 s: requests are last count minus count at 1 s, over 6 s."""
    step = analyse(history_run).steps[0]
    assert step.requests == LAST[1] - FIRST[1]
    assert step.tps == pytest.approx((LAST[1] - FIRST[1]) / 6)
    assert step.mtt_ms == pytest.approx((LAST[1] * LAST[3] - FIRST[1] * FIRST[3]) / step.requests)
    assert step.error_rate == pytest.approx((LAST[2] - FIRST[2]) / step.requests)


def test_history_has_no_step_percentiles(history_run):
    """Locust's history percentiles are a sliding window, so step percentiles stay empty."""
    step = analyse(history_run).steps[0]
    assert (step.p50_ms, step.p95_ms, step.p99_ms) == (None, None, None)
    assert analyse(history_run).intervals.source == HISTORY_CSV


def test_a_stats_reset_starts_counting_again(history_run):
    """A cumulative count that drops is a reset: that interval counts from zero."""
    path = history_run / HISTORY_CSV
    lines = path.read_text().splitlines()
    header = lines[0]
    rows = [
        "1795532274,2,,Aggregated,0,0,0,0,0,0,0,0,0,0,0,0,0,100,0,20,20.0,1,30,2.0",
        "1795532275,2,,Aggregated,0,0,0,0,0,0,0,0,0,0,0,0,0,40,0,20,30.0,1,30,2.0",
    ]
    path.write_text("\n".join([header, *rows]) + "\n")
    totals = analyse(history_run).intervals.totals
    assert list(totals["requests"]) == [40.0]
    assert list(totals["mean_ms"]) == [30.0]
