"""``intervals.csv``: one typed row per second per request name, plus a ``Total`` row per second.

``IntervalRow`` and ``COLUMNS`` are the one definition of the file's columns; the writer
(``stairload.loadgen.intervals``) and every reader (the live status line, the alarm monitor,
the live metrics, the report) use them. ``total_row`` picks a second's ``Total`` row.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from stairload.core.errors import InputError
from stairload.rundir.files import INTERVALS_CSV

TOTAL_NAME = "Total"  # the ``name`` of the row summing every request of one second
TIME_COLUMNS = ("mean_ms", "min_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms")


@dataclass(frozen=True)
class IntervalRow:
    """The requests of one (method, name) that completed in one second ``[time_s, time_s + 1)``.

    Response times are in milliseconds and None when ``requests`` is 0; ``users`` and
    ``target_users`` are None when unknown; only ``Total`` rows of a run against the
    embedded target carry ``target_cpu_percent``. ``Total`` rows carry ``histogram``: the
    second's response times as ``ms:count`` pairs (Locust-rounded ms), which merge into
    any window's exact percentiles (``stairload.rundir.histogram``). ``faults`` counts the
    requests the load generator could not send (``stairload.core.faults``): they are not
    in ``requests`` or ``failures`` (runs before the column read as 0).
    """

    time_s: int
    timestamp: float
    method: str
    name: str
    users: int | None
    target_users: int | None
    requests: int
    failures: int
    mean_ms: float | None = None
    min_ms: float | None = None
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    target_cpu_percent: float | None = None
    histogram: str | None = None
    faults: int = 0

    @property
    def is_total(self) -> bool:
        """Whether this is the second's ``Total`` row."""
        return self.name == TOTAL_NAME and self.method == ""

    def cells(self) -> tuple[object, ...]:
        """The row's CSV cells in ``COLUMNS`` order (None is an empty cell)."""
        return tuple("" if value is None else value for value in astuple(self))


COLUMNS = tuple(item.name for item in fields(IntervalRow))
_INTEGERS = ("time_s", "users", "target_users", "requests", "failures", "faults")
_OPTIONAL = ("target_cpu_percent", "histogram", "faults")
_BLANK_OK = ("users", "target_users", *TIME_COLUMNS, "target_cpu_percent")


def total_row(rows: Sequence[IntervalRow]) -> IntervalRow | None:
    """The ``Total`` row among one second's rows, or None."""
    return next((row for row in reversed(rows) if row.is_total), None)


def read_intervals(path: Path) -> list[IntervalRow]:
    """Every row of ``path`` in file order; ``InputError`` names the line and column."""
    with path.open(newline="", encoding="utf-8") as file:
        try:
            reader = csv.DictReader(file)
            header = reader.fieldnames
            if header is None:
                raise InputError(f"{path.name}: empty file (no header line)")
            required = [c for c in COLUMNS if c not in _OPTIONAL]
            missing = [column for column in required if column not in header]
            if missing:
                raise InputError(f"{path.name}: missing column {missing[0]!r}")
            return [_row(raw, line) for line, raw in enumerate(reader, start=2)]
        except UnicodeDecodeError:
            raise InputError(f"{path.name}: not UTF-8 text") from None
        except csv.Error as exc:
            raise InputError(f"{path.name}: not a readable CSV ({exc})") from None


def _row(raw: dict[str, str], line: int) -> IntervalRow:
    values: dict[str, object] = {}
    for column in COLUMNS:
        text = (raw.get(column) or "").strip()
        if column in ("method", "name"):
            values[column] = raw.get(column) or ""
            continue
        if column == "histogram":
            values[column] = text or None
            continue
        if column == "faults" and not text:
            values[column] = 0
            continue
        if text in ("", "N/A") and (column in _BLANK_OK or column not in raw):
            values[column] = None
            continue
        try:
            number = float(text)
        except ValueError:
            raise InputError(
                f"{INTERVALS_CSV}: line {line}: {column}: not a number (got {raw.get(column)!r})"
            ) from None
        values[column] = int(number) if column in _INTEGERS else number
    return IntervalRow(**values)  # type: ignore[arg-type]
