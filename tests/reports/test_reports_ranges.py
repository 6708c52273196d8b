"""Issue 23, defect 10: numbers a run cannot produce are refused in one line, never reported.

A mean of -500 ms, negative counts, ``inf`` or ``1e308``, a target CPU of 1e300, a plain
Locust history with an ``inf`` average, ``--exclude-seconds nan`` and steps listed in
reverse order each gave a verdict or a traceback. Each row edits a real run directory
(``make_run``) and runs the real ``stairload report build``: exit 2, one line naming the
file, line and column.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from stairload.cli.report import main
from stairload.core.errors import InputError
from stairload.rundir import read_intervals

ROOT = Path(__file__).resolve().parents[2]
MakeRun = Callable[..., Path]  # the make_run fixture of tests/reports/conftest.py


def _set_cell(run_dir: Path, row_index: int, column: str, value: str) -> int:
    """Set ``column`` of data row ``row_index`` of intervals.csv; its file line."""
    path = run_dir / "intervals.csv"
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row_index + 1][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return row_index + 2


def _first_total(run_dir: Path) -> int:
    with (run_dir / "intervals.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return next(i for i, row in enumerate(rows) if row["name"] == "Total" and int(row["requests"]))


_MS = "must be a finite number from 0 to 86,400,000"
_COUNT = "must be a finite number from 0 to 1,000,000,000,000"

CELLS = [
    ("mean -500", "mean_ms", "-500", f"mean_ms: {_MS} (got -500.0)"),
    ("mean inf", "mean_ms", "inf", f"mean_ms: {_MS} (got inf)"),
    ("mean 1e308", "mean_ms", "1e308", f"mean_ms: {_MS} (got 1e+308)"),
    ("p99 -1", "p99_ms", "-1", f"p99_ms: {_MS} (got -1.0)"),
    ("negative requests", "requests", "-5", f"requests: {_COUNT} (got -5.0)"),
    ("negative failures", "failures", "-3", f"failures: {_COUNT} (got -3.0)"),
    ("negative users", "users", "-10", f"users: {_COUNT} (got -10.0)"),
    ("more failures than requests", "failures", "100000", "failures: must be at most requests"),
]


@pytest.mark.parametrize(
    ("column", "value", "message"), [row[1:] for row in CELLS], ids=[row[0] for row in CELLS]
)
def test_an_impossible_interval_number_is_one_line(
    make_run: MakeRun, capsys: pytest.CaptureFixture[str], column: str, value: str, message: str
) -> None:
    """report build refuses the cell: exit 2, one line naming intervals.csv, line, column."""
    run_dir = make_run()
    line = _set_cell(run_dir, _first_total(run_dir), column, value)
    assert main(["build", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Error: intervals.csv: line {line}: {message}"), err
    assert err.count("\n") == 1
    assert not (run_dir / "report.html").exists()


@pytest.mark.parametrize(
    ("column", "value", "message"), [row[1:] for row in CELLS], ids=[row[0] for row in CELLS]
)
def test_the_row_reader_refuses_the_same_cells(
    make_run: MakeRun, column: str, value: str, message: str
) -> None:
    """The typed row reader (status line, alarms, live metrics) says the same."""
    run_dir = make_run()
    line = _set_cell(run_dir, _first_total(run_dir), column, value)
    with pytest.raises(InputError) as caught:
        read_intervals(run_dir / "intervals.csv")
    assert str(caught.value).startswith(f"intervals.csv: line {line}: {message}")


def test_a_target_cpu_of_1e300_is_one_line(
    make_run: MakeRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """target_cpu.csv with 1e300: exit 2, one line naming the file, line and column."""
    run_dir = make_run()
    (run_dir / "target_cpu.csv").write_text(
        "unix_second,cpu_percent\n1795000001,12.5\n1795000002,1e300\n"
    )
    assert main(["build", str(run_dir)]) == 2
    assert capsys.readouterr().err == (
        "Error: target_cpu.csv: line 3: cpu_percent: must be a finite number from 0 to "
        "100,000 (got 1e+300)\n"
    )


def _edit_run_json(run_dir: Path, change: Callable[[dict], None]) -> None:
    doc = json.loads((run_dir / "run.json").read_text())
    change(doc)
    (run_dir / "run.json").write_text(json.dumps(doc))


def test_steps_in_reverse_order_are_one_line(
    make_run: MakeRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """run.json's steps listed last first: refused, not a 100-user 'stress step'."""
    run_dir = make_run()
    _edit_run_json(run_dir, lambda doc: doc["stairs"]["steps"].reverse())
    assert main(["build", str(run_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "Error: run.json: stairs.steps[1]: must be in order: step numbers increasing, each "
        "starting no earlier than the one before (step 3 at "
    ), err
    assert err.count("\n") == 1


def test_exclude_seconds_nan_is_refused(
    make_run: MakeRun, capsys: pytest.CaptureFixture[str]
) -> None:
    """--exclude-seconds nan: usage error, one line."""
    assert main(["build", str(make_run()), "--exclude-seconds", "nan"]) == 2
    assert capsys.readouterr().err == (
        "Error: --exclude-seconds: must be a finite number (got 'nan') "
        "(see 'stairload report build --help')\n"
    )


def _history(path: Path, average: str) -> None:
    """A plain Locust history: 2 users for 8 s, then 4 for 8 s; one average is ``average``."""
    header = "Timestamp,User Count,Type,Name,Requests/s,Failures/s,Total Request Count,"
    header += "Total Failure Count,Total Average Response Time\n"
    lines = [header]
    for second in range(16):
        users = 2 if second < 8 else 4
        mean = average if second == 10 else "20.0"
        lines.append(f"{1795532273 + second},{users},,Aggregated,1,0,{10 * second},0,{mean}\n")
    path.write_text("".join(lines))


def test_a_plain_locust_history_with_an_inf_average_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An Aggregated row's average inf: exit 2, the line names the file, line and column."""
    _history(tmp_path / "locust_stats_history.csv", "inf")
    code = main(["build", str(tmp_path), "--plan", str(ROOT / "scenarios.yaml"),
                 "--scenario", "scenario3"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err == (
        "Error: locust_stats_history.csv: line 12: Total Average Response Time: must be a "
        "finite number from 0 to 86,400,000 (got inf)\n"
    )
