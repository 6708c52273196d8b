"""``intervals.csv`` kept as the report needs it, in memory that does not grow with the names.

``stairload.rundir.interval_chunks`` reads the file (in chunks, pandas' C parser); what is
kept here is what the report needs: the ``Total`` row's numbers of each second, in one
compact array per column (8 bytes per second per column: a 24-hour run is under 10 MB),
the per-name sums over the whole run, and, when the file carries histograms, one merged
histogram per measurement window (a step's plateau). A last line cut mid-write is left
out and reported, not refused.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stairload.core.errors import InputError
from stairload.rundir.interval_chunks import NUMBER_COLUMNS, IntervalChunk, IntervalChunks
from stairload.rundir.intervals import HISTOGRAM_COLUMN
from stairload.rundir.latency import LatencyHistogram, LatencySum


@dataclass
class NameSums:
    """One request name's totals over the run."""

    requests: int = 0
    failures: int = 0
    total_ms: float = 0.0


@dataclass
class StreamedIntervals:
    """What one pass over ``intervals.csv`` keeps."""

    columns: dict[str, array] = field(default_factory=dict)
    by_name: dict[tuple[str, str], NameSums] = field(default_factory=dict)
    window_histograms: list[LatencyHistogram] = field(default_factory=list)
    has_histograms: bool = False
    legacy_histograms: bool = False  # some are schema 1's Locust-rounded ``ms:count``
    has_target_cpu: bool = False
    cut_last_line: bool = False
    total_rows: int = 0


def read_streamed(path: Path, windows: Sequence[tuple[float, float]] = ()) -> StreamedIntervals:
    """Read ``path`` once; histograms of ``Total`` rows with ``start <= time_s < end`` merge
    into the window's histogram. ``InputError`` names the line and column of a bad cell."""
    result = StreamedIntervals(columns={column: array("d") for column in NUMBER_COLUMNS})
    window_sums = [LatencySum() for _ in windows]
    with IntervalChunks(path) as chunks:
        result.has_histograms = chunks.has_histograms
        result.has_target_cpu = chunks.has_target_cpu
        result.cut_last_line = chunks.cut_last_line
        for chunk in chunks:
            _take(chunk, windows, window_sums, result, chunks.name)
    result.window_histograms = [window.histogram() for window in window_sums]
    return result


def _take(
    chunk: IntervalChunk,
    windows: Sequence[tuple[float, float]],
    window_sums: list[LatencySum],
    result: StreamedIntervals,
    name: str,
) -> None:
    totals, named = chunk.totals, chunk.named
    if len(totals):
        for column in NUMBER_COLUMNS:
            result.columns[column].extend(totals[column].to_numpy(dtype=float))
        result.total_rows += len(totals)
        if result.has_histograms and windows:
            starts = [start for start, _ in windows]
            for time_s, text in zip(
                totals["time_s"].tolist(), totals[HISTOGRAM_COLUMN].tolist(), strict=True
            ):
                if text:
                    _merge_histogram(text, time_s, windows, starts, window_sums, result, name)
    if len(named):
        sums = (
            named.assign(weighted=named["mean_ms"].fillna(0.0) * named["requests"])
            .groupby(["method", "name"], sort=False)[["requests", "failures", "weighted"]]
            .sum()
        )
        for (method, request_name), row in sums.iterrows():
            total = result.by_name.setdefault((str(method), str(request_name)), NameSums())
            total.requests += int(row["requests"])
            total.failures += int(row["failures"])
            total.total_ms += float(row["weighted"])


def window_holding(
    time_s: float, windows: Sequence[tuple[float, float]], starts: Sequence[float]
) -> int | None:
    """The index of the window (in time order; ``starts`` their starts) that holds the whole
    second ``[time_s, time_s + 1)``, or None: the one rule for whose histogram a second joins.
    """
    position = bisect.bisect_right(starts, time_s + 1e-9) - 1
    if position < 0:
        return None
    start, end = windows[position]
    return position if start - 1e-9 <= time_s and time_s + 1 <= end + 1e-9 else None


def _merge_histogram(
    text: str,
    time_s: float,
    windows: Sequence[tuple[float, float]],
    starts: list[float],
    window_sums: list[LatencySum],
    result: StreamedIntervals,
    name: str,
) -> None:
    position = window_holding(time_s, windows, starts)
    if position is not None:
        try:
            window_sums[position].add_cell(text)
        except ValueError as error:
            raise InputError(f"{name}: {HISTOGRAM_COLUMN} of time_s {time_s:g}: {error}") from None
        result.legacy_histograms |= ":" in text
