"""The tables of ``bench_loadgen.py``: every run, medians over rounds, ratios between tools.

Tables are Markdown, so the output pastes into benchmarks/RESULTS-loadgen.md as it is.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from loadgen_measure import Measurement
from loadgen_reported import Reported


@dataclass(frozen=True)
class Result:
    """One run of one tool on one shape in one round."""

    round_number: int
    shape: str
    tool: str
    measured: Measurement
    reported: Reported

    @property
    def requests_per_cpu_second(self) -> float:
        """Target-counted requests per generator CPU-second, the whole run."""
        return self.measured.requests / self.measured.cpu_seconds

    @property
    def steady_requests_per_cpu_second(self) -> float:
        """The same over the steady window (start-up and shutdown left out)."""
        return self.measured.window_requests / self.measured.window_cpu_seconds

    @property
    def steady_requests_per_second(self) -> float:
        """Target-counted requests per second in the steady window."""
        return self.measured.window_requests / self.measured.window_seconds


# (column title, figure of a result, format)
_Column = tuple[str, Callable[[Result], float], str]
_COLUMNS: tuple[_Column, ...] = (
    ("target requests", lambda r: r.measured.requests, ",.0f"),
    ("target errors", lambda r: r.measured.errors, ",.0f"),
    ("tool failures", lambda r: r.reported.failures, ",.0f"),
    ("generator CPU s", lambda r: r.measured.cpu_seconds, ".2f"),
    ("req / CPU-s", lambda r: r.requests_per_cpu_second, ",.0f"),
    ("steady req/s", lambda r: r.steady_requests_per_second, ",.0f"),
    ("steady req / CPU-s", lambda r: r.steady_requests_per_cpu_second, ",.0f"),
    ("mean ms", lambda r: r.reported.mean_ms, ".2f"),
    ("p95 ms", lambda r: r.reported.p95_ms, ".2f"),
    ("peak RSS MB", lambda r: r.measured.peak_rss_mb, ",.1f"),
    ("first request s", lambda r: r.measured.first_request_seconds, ".2f"),
)
_RUN_ONLY: tuple[_Column, ...] = (("load avg 1 min", lambda r: r.measured.load_average, ".2f"),)
# the figures compared between tools: higher is better for the first two
_RATIOS = ("steady req / CPU-s", "req / CPU-s", "mean ms", "p95 ms", "peak RSS MB")
_RATIOS += ("first request s",)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = [_row(header), _row(["---"] * len(header))]
    return lines + [_row(cells) for cells in rows]


def runs_table(results: Sequence[Result]) -> list[str]:
    """Every run in the order it ran."""
    columns = (*_COLUMNS, *_RUN_ONLY)
    header = ["round", "shape", "tool", *(title for title, _, _ in columns)]
    rows = [
        [str(r.round_number), r.shape, r.tool, *(format(f(r), fmt) for _, f, fmt in columns)]
        for r in results
    ]
    return _table(header, rows)


def medians(results: Sequence[Result]) -> dict[tuple[str, str], dict[str, float]]:
    """Each figure's median over the rounds, per (shape, tool), in the order they ran."""
    groups: dict[tuple[str, str], list[Result]] = {}
    for result in results:
        groups.setdefault((result.shape, result.tool), []).append(result)
    return {
        key: {title: statistics.median(f(r) for r in runs) for title, f, _ in _COLUMNS}
        for key, runs in groups.items()
    }


def medians_table(table: dict[tuple[str, str], dict[str, float]], rounds: int) -> list[str]:
    """Medians over ``rounds`` rounds, one row per shape and tool."""
    header = ["shape", "tool", *(f"{title} (median)" for title, _, _ in _COLUMNS)]
    rows = [
        [shape, tool, *(format(figures[title], fmt) for title, _, fmt in _COLUMNS)]
        for (shape, tool), figures in table.items()
    ]
    return [f"Medians over {rounds} round(s):", "", *_table(header, rows)]


def ratios_table(
    table: dict[tuple[str, str], dict[str, float]], results: Sequence[Result] = ()
) -> list[str]:
    """stairload's medians divided by bare Locust's and by k6's, per shape; with two or more
    rounds, the lowest and highest ratio of one round's pair (rounds are interleaved, so a
    pair ran within a minute) beside it: how much the ratio moved from round to round."""
    shapes = list(dict.fromkeys(shape for shape, _ in table))
    header = ["shape", "stairload / ...", *_RATIOS]
    by_run = {(r.round_number, r.shape, r.tool): r for r in results}
    rounds = sorted({r.round_number for r in results})
    rows = []
    for shape in shapes:
        ours = table.get((shape, "stairload"))
        for peer in ("bare-locust", "k6"):
            theirs = table.get((shape, peer))
            if ours is None or theirs is None:
                continue
            pairs = [
                (by_run[(n, shape, "stairload")], by_run[(n, shape, peer)])
                for n in rounds
                if (n, shape, "stairload") in by_run and (n, shape, peer) in by_run
            ]
            cells = [
                _ratio(ours[title], theirs[title]) + _spread(title, pairs) for title in _RATIOS
            ]
            rows.append([shape, peer, *cells])
    lines = ["Ratios of the medians, stairload / peer (throughput per CPU: higher is better for"]
    lines += ["stairload; latency, memory and start time: lower is better); in brackets, the"]
    lines += ["lowest and highest ratio of one round's two runs:", ""]
    return lines + _table(header, rows)


def _spread(title: str, pairs: Sequence[tuple[Result, Result]]) -> str:
    figure = next(f for name, f, _ in _COLUMNS if name == title)
    ratios = [figure(ours) / figure(theirs) for ours, theirs in pairs if figure(theirs)]
    if len(ratios) < 2:
        return ""
    return f" ({min(ratios):.2f}x to {max(ratios):.2f}x)"


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"
