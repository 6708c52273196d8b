"""reports.totals: intervals.csv against Locust's own locust_stats.csv."""

from __future__ import annotations

from pathlib import Path

from reports.totals import interval_totals, totals_differences

_INTERVALS = (
    "time_s,timestamp,method,name,users,target_users,requests,failures,mean_ms,min_ms,"
    "p50_ms,p95_ms,p99_ms,max_ms,target_cpu_percent\n"
    "0,0,GET,/a,1,1,2,0,10.0,9,10,11,11,11,\n"
    "0,0,,Total,1,1,2,0,10.0,9,10,11,11,11,\n"
    "1,1,,Total,1,1,0,0,,,,,,,\n"
    "2,2,,Total,1,1,2,1,20.0,19,20,21,21,21,\n"
)


def _run(tmp_path: Path, requests: int, failures: int, mean_ms: float) -> Path:
    (tmp_path / "intervals.csv").write_text(_INTERVALS, encoding="utf-8")
    (tmp_path / "locust_stats.csv").write_text(
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time\n"
        f"GET,/a,{requests},{failures},10,{mean_ms}\n"
        f",Aggregated,{requests},{failures},10,{mean_ms}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_interval_totals_sum_the_total_rows(tmp_path: Path) -> None:
    """Requests and failures add up; the mean is weighted by each second's requests."""
    totals = interval_totals(_run(tmp_path, 4, 1, 15.0))
    assert (totals.requests, totals.failures, totals.mean_ms) == (4, 1, 15.0)


def test_equal_totals_have_no_difference(tmp_path: Path) -> None:
    """Same counts and a mean within rounding: no difference."""
    assert totals_differences(_run(tmp_path, 4, 1, 15.0004)) == []


def test_each_difference_is_named(tmp_path: Path) -> None:
    """Other counts or another mean: one sentence each."""
    assert totals_differences(_run(tmp_path, 5, 2, 15.1)) == [
        "requests: intervals.csv 4, locust_stats.csv 5",
        "failures: intervals.csv 1, locust_stats.csv 2",
        "mean: intervals.csv 15.0000 ms, locust_stats.csv 15.1000 ms",
    ]
