"""One definition of a window's percentiles: merged histograms, for steps and alarm periods."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
from collections.abc import Callable
from pathlib import Path

from synthetic import StepSpec

from reports.build import analyse, build
from reports.steps import (
    HISTOGRAM_METHOD,
    LEGACY_HISTOGRAM_METHOD,
    MIXTURE_METHOD,
    percentile_method,
)
from stairload.alarms.config import Metric
from stairload.alarms.monitor import sample_from_row
from stairload.alarms.periods import PeriodAggregator
from stairload.rundir import read_intervals
from stairload.rundir.latency import LatencyHistogram, highest_equivalent_us

MakeRun = Callable[..., Path]

# Per second of step 2's plateau: mostly fast, and every third second a slow tail that
# puts that second's own p95 at 900 ms. Merged over the step, the tail is under 5%.
_FAST_US, _SLOW_US = 120_321, 900_123
_FAST, _SLOW = highest_equivalent_us(_FAST_US) / 1000, highest_equivalent_us(_SLOW_US) / 1000


def _second_histogram(second: int, requests: int) -> dict[int, int]:
    slow = requests // 10 if second % 3 == 0 else 0
    return {_FAST_US: requests - slow, _SLOW_US: slow} if slow else {_FAST_US: requests}


def _add_histograms(run_dir: Path, *, legacy: bool = False) -> list[dict[str, str]]:
    """Total rows get the histogram: HDR encoded, or schema 1's 'ms:count' (``legacy``)."""
    path = run_dir / "intervals.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["name"] == "Total" and int(row["requests"]):
            counts = _second_histogram(int(row["time_s"]), int(row["requests"]))
            text = " ".join(f"{value // 1000}:{count}" for value, count in counts.items())
            histogram = LatencyHistogram.from_cell(text)
            if not legacy:
                histogram = LatencyHistogram()
                for value, count in counts.items():
                    histogram.record_us(value, count)
                text = histogram.encode()
            row["histogram"] = text
            row["p95_ms"] = str(histogram.value_at_ms(95.0))
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return [row for row in rows if row["name"] == "Total"]


def test_step_p95_is_the_merged_histograms_p95(make_run: MakeRun) -> None:
    """Step 2's p95 is that of its merged histogram (~120), not the largest second's (~900)."""
    run_dir = make_run()
    totals = _add_histograms(run_dir)
    step = analyse(run_dir).steps[1]
    assert step.p95_ms == _FAST
    window = [r for r in totals if 25 <= int(r["time_s"]) < 40]
    assert max(float(r["p95_ms"]) for r in window) == _SLOW


def test_an_alarm_period_over_the_same_seconds_gets_the_same_p95(
    make_run: MakeRun,
) -> None:
    """The alarm's p95 datapoint over step 2's window equals the report's step p95."""
    run_dir = make_run()
    totals = _add_histograms(run_dir)
    aggregator = PeriodAggregator(10_000)
    del totals  # the monitor gets typed rows, as the writer hands them over
    for row in read_intervals(run_dir / "intervals.csv"):
        if row.is_total and 25 <= row.time_s < 40:
            aggregator.add(float(row.time_s), sample_from_row(row))
    (period,) = aggregator.add(10_000.0, {})
    assert period.values[Metric.P95_MS] == analyse(run_dir).steps[1].p95_ms


def test_synthetic_histograms_give_the_specified_percentiles(make_run: MakeRun) -> None:
    """A synthetic run with histograms reports each step's specified p50, p95 and p99."""
    specs = (StepSpec(100, 1000, 100.0), StepSpec(200, 1600, 125.0), StepSpec(300, 1200, 250.0))
    steps = analyse(make_run(steps=specs, histograms=True)).steps
    for step, spec in zip(steps, specs, strict=True):
        times = spec.times()
        assert (step.p50_ms, step.p95_ms, step.p99_ms, step.max_ms) == (
            highest_equivalent_us(round(times["p50_ms"] * 1000)) / 1000,
            highest_equivalent_us(round(times["p95_ms"] * 1000)) / 1000,
            highest_equivalent_us(round(times["p99_ms"] * 1000)) / 1000,
            times["max_ms"],
        )


def test_a_cut_last_line_is_left_out_with_a_caveat(make_run: MakeRun) -> None:
    """A last line without its line break (a killed writer) is dropped, and said so."""
    run_dir = make_run()
    path = run_dir / "intervals.csv"
    text = path.read_text()
    path.write_text(text + text.splitlines()[-1][:15])
    analysis = analyse(run_dir)
    assert len(analysis.intervals.totals) == 60  # three steps of 20 s
    assert analysis.verdict.caveats[0].startswith("The last line of intervals.csv was cut")


def _reported_method(run_dir: Path) -> str:
    build(run_dir)
    summary = json.loads((run_dir / "summary.json").read_text())
    page = (run_dir / "report.html").read_text()
    assert f"Percentiles: {html.escape(summary['percentile_method'])}." in page
    return str(summary["percentile_method"])


def test_the_percentile_label_names_the_histograms_when_they_were_used(make_run: MakeRun) -> None:
    """Per-second histograms: summary.json and the report say HDR of the merged ones."""
    run_dir = make_run()
    _add_histograms(run_dir)
    steps = analyse(run_dir).steps
    assert {step.percentile_method for step in steps} == {HISTOGRAM_METHOD}
    assert steps[1].p95_ms == _FAST  # what the histogram method gives, not the mixture's
    assert _reported_method(run_dir) == HISTOGRAM_METHOD


def test_a_schema_1_run_reads_its_ms_histograms_and_says_so(make_run: MakeRun) -> None:
    """Locust-rounded 'ms:count' histograms of an older run still merge; the label says whence."""
    run_dir = make_run()
    _add_histograms(run_dir, legacy=True)
    steps = analyse(run_dir).steps
    assert {step.percentile_method for step in steps} == {LEGACY_HISTOGRAM_METHOD}
    assert steps[1].p95_ms == highest_equivalent_us(120_000) / 1000  # whole ms: 120, not 120.321
    assert "Locust-rounded" in _reported_method(run_dir)


def test_the_percentile_label_names_the_mixture_without_histograms(make_run: MakeRun) -> None:
    """No histograms in intervals.csv: the label says the mixture approximation was used."""
    run_dir = make_run()
    steps = analyse(run_dir).steps
    assert {step.percentile_method for step in steps} == {MIXTURE_METHOD}
    assert _reported_method(run_dir) == MIXTURE_METHOD


def test_the_label_is_derived_from_the_steps_and_names_each_method_when_mixed(
    make_run: MakeRun,
) -> None:
    """One step with histograms, the others without: the label names the steps of each."""
    run_dir = make_run()
    _add_histograms(run_dir)
    steps = list(analyse(run_dir).steps)
    steps[0] = dataclasses.replace(steps[0], percentile_method=MIXTURE_METHOD)
    assert percentile_method(steps) == (
        f"steps 1: {MIXTURE_METHOD}; steps 2, 3: {HISTOGRAM_METHOD}"
    )
