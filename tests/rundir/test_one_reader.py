"""stairload.rundir reads intervals.csv for everyone, and names every file of a run directory."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest

from stairload.core.errors import InputError
from stairload.rundir import COLUMNS, TOTAL_NAME, IntervalRow, files
from stairload.rundir.interval_chunks import IntervalChunks
from stairload.rundir.intervals import iter_intervals

ROOT = Path(__file__).resolve().parents[2]
_SOURCES = ("stairload", "reports", "capacity", "locustfiles", "benchmarks")
_FILE_NAMES = {
    value
    for name, value in vars(files).items()
    if name.isupper() and isinstance(value, str) and "." in value
}


def _literals(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module, except docstrings and template names (``render``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skipped.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "render" and node.args:
            skipped.add(id(node.args[0]))  # a template of reports/templates, not a file of ours
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
    ]


def test_file_names_are_spelled_only_in_rundir_files() -> None:
    """No module spells a run directory's file name, or "Total", outside stairload.rundir."""
    spelled = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for package in _SOURCES
        for path in sorted((ROOT / package).rglob("*.py"))
        if not path.is_relative_to(ROOT / "stairload" / "rundir")
        for line, value in _literals(path)
        if value in _FILE_NAMES or value == TOTAL_NAME
    ]
    assert spelled == []


def _write(path: Path, rows: list[IntervalRow], tail: str = "") -> Path:
    lines = [",".join(COLUMNS)] + [",".join(map(str, row.cells())) for row in rows]
    path.write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")
    return path


_ROWS = [
    IntervalRow(0, 0.0, "GET", "/trips", 2, 2, 3, 1, 10.0, 9.0, 10, 11, 11, 12.0),
    IntervalRow(0, 0.0, "GET", TOTAL_NAME, 2, 2, 1, 0, 5.0, 5.0, 5, 5, 5, 5.0),
    IntervalRow(0, 0.0, "", TOTAL_NAME, 2, 2, 4, 1, 8.75, 5.0, 10, 11, 11, 12.0, 40.0, "5:1 10:3"),
    IntervalRow(1, 1.0, "", TOTAL_NAME, 2, 2, 0, 0),
]


def test_chunks_split_total_rows_from_named_rows(tmp_path: Path) -> None:
    """A Total row has no method; a request named Total is a named row like any other."""
    path = _write(tmp_path / "intervals.csv", _ROWS)
    with IntervalChunks(path, chunk_rows=2) as chunks:
        assert (chunks.has_histograms, chunks.has_target_cpu, chunks.cut_last_line) == (
            True,
            True,
            False,
        )
        parts = list(chunks)
    totals = [row for part in parts for row in part.totals.to_dict("records")]
    named = [row for part in parts for row in part.named.to_dict("records")]
    assert [(row["time_s"], row["requests"], row["histogram"]) for row in totals] == [
        (0.0, 4.0, "5:1 10:3"),
        (1.0, 0.0, ""),
    ]
    assert math.isnan(totals[1]["mean_ms"]) and totals[0]["target_cpu_percent"] == 40.0
    assert [(row["method"], row["name"], row["requests"]) for row in named] == [
        ("GET", "/trips", 3.0),
        ("GET", TOTAL_NAME, 1.0),
    ]


def test_both_readers_agree_on_the_total_rows(tmp_path: Path) -> None:
    """The typed rows and the chunks read the same Total rows from one file."""
    path = _write(tmp_path / "intervals.csv", _ROWS)
    typed = [(row.time_s, row.requests) for row in iter_intervals(path) if row.is_total]
    with IntervalChunks(path) as chunks:
        chunked = [
            (int(time_s), int(requests))
            for part in chunks
            for time_s, requests in zip(part.totals["time_s"], part.totals["requests"], strict=True)
        ]
    assert typed == chunked == [(0, 4), (1, 0)]


def test_a_cut_last_line_is_left_out_and_said(tmp_path: Path) -> None:
    """A last line without its line break (a killed run) is not read, and chunks say so."""
    path = _write(tmp_path / "intervals.csv", _ROWS, tail="2,2.0,,Total,2,2,1")
    with IntervalChunks(path) as chunks:
        seconds = [time_s for part in chunks for time_s in part.totals["time_s"]]
        assert chunks.cut_last_line
    assert seconds == [0.0, 1.0]


def test_a_bad_cell_is_named_by_line_and_column(tmp_path: Path) -> None:
    """Both readers name the file, the line and the column of a cell that is not a number."""
    path = _write(tmp_path / "intervals.csv", _ROWS[:1])
    path.write_text(path.read_text().replace(",3,1,", ",x,1,"), encoding="utf-8")
    message = re.escape("intervals.csv: line 2: requests: not a number (got 'x')")
    with pytest.raises(InputError, match=message):
        list(iter_intervals(path))
    with pytest.raises(InputError, match=message), IntervalChunks(path) as chunks:
        list(chunks)
