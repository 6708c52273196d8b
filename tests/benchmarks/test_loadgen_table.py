"""bench_loadgen's ratio table: medians divided, and the spread of the per-round ratios."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the benchmark's modules import each other flat

from loadgen_measure import Measurement  # noqa: E402
from loadgen_reported import Reported  # noqa: E402
from loadgen_table import Result, medians, ratios_table  # noqa: E402


def _result(round_number: int, tool: str, requests_per_cpu_second: float) -> Result:
    measured = Measurement(
        requests=1000,
        errors=0,
        cpu_seconds=1.0,
        window_requests=int(requests_per_cpu_second),
        window_cpu_seconds=1.0,
        window_seconds=1.0,
        peak_rss_mb=100.0,
        first_request_seconds=0.5,
        load_average=1.0,
        exit_code=0,
    )
    return Result(round_number, "single-get", tool, measured, Reported(10.0, 20.0, 0))


def test_ratios_give_the_median_and_the_lowest_and_highest_round() -> None:
    """Rounds 1-3: stairload 900, 800, 950 against 1000, 1000, 1000 req/CPU-s; k6 ran
    only once, so its ratio has no spread."""
    results = [
        _result(1, "stairload", 900),
        _result(1, "bare-locust", 1000),
        _result(1, "k6", 500),
        _result(2, "stairload", 800),
        _result(2, "bare-locust", 1000),
        _result(3, "stairload", 950),
        _result(3, "bare-locust", 1000),
    ]
    lines = ratios_table(medians(results), results)
    rows = [line.strip("|").split("|") for line in lines if line.startswith("| single-get")]
    bare, k6 = ([cell.strip() for cell in row] for row in rows)
    assert bare[:3] == ["single-get", "bare-locust", "0.90x (0.80x to 0.95x)"]
    assert bare[6] == "1.00x (1.00x to 1.00x)"  # peak RSS: the same in every round
    assert k6[:3] == ["single-get", "k6", "1.80x"]
