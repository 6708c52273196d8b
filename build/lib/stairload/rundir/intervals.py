"""``intervals.csv``: one typed row per second per request name, plus a ``Total`` row per second.

``IntervalRow`` and ``COLUMNS`` are the one definition of the file's columns; the writer
(``stairload.loadgen.intervals``) and every reader (the live status line, the alarm monitor,
the live metrics, the report) use them. ``total_row`` picks a second's ``Total`` row.

The file is read here and nowhere else: ``iter_intervals`` yields typed rows one at a
time; ``stairload.rundir.interval_chunks`` reads the same columns by the same rules in
column chunks, for the report of a long run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from stairload.core.errors import InputError
from stairload.rundir.files import INTERVALS_CSV
from stairload.rundir.ranges import check_number, check_row

TOTAL_NAME = "Total"  # the ``name`` of the row summing every request of one second
COUNT_COLUMNS = ("time_s", "users", "target_users", "requests", "failures")
TIME_COLUMNS = ("mean_ms", "min_ms", "p50_ms", "p95_ms", "p99_ms", "max_ms")
TARGET_CPU_COLUMN = "target_cpu_percent"  # optional: older files and other targets lack it
HISTOGRAM_COLUMN = "histogram"  # optional: older files lack it
FAULTS_COLUMN = "faults"  # optional: older files lack it (read as 0)
P99_9_COLUMN = "p99_9_ms"  # optional: files before schema 2 lack it (read as unknown)
# optional, open runs only (blank otherwise; older files lack them): journeys started in
# the second, journeys due in it that found no free user, and the user-seen times
# (response time + the journey's start lateness, stairload.loadgen.arrival_counts)
ARRIVAL_COUNT_COLUMNS = ("started", "dropped")
CORRECTED_MEAN_COLUMN = "corrected_mean_ms"
CORRECTED_HISTOGRAM_COLUMN = "corrected_histogram"
ARRIVAL_COLUMNS = (*ARRIVAL_COUNT_COLUMNS, CORRECTED_MEAN_COLUMN, CORRECTED_HISTOGRAM_COLUMN)
OPTIONAL_COLUMNS = (
    TARGET_CPU_COLUMN,
    HISTOGRAM_COLUMN,
    FAULTS_COLUMN,
    P99_9_COLUMN,
    *ARRIVAL_COLUMNS,
)


@dataclass(frozen=True)
class IntervalRow:
    """The requests of one (method, name) that completed in one second ``[time_s, time_s + 1)``.

    Response times are in milliseconds (to the microsecond) and None when ``requests`` is
    0; mean, min and max are exact, the percentiles are the HDR values at percentile of
    the row's microsecond histogram (``stairload.rundir.latency``). ``users`` and
    ``target_users`` are None when unknown; only ``Total`` rows of a run against the
    embedded target carry ``target_cpu_percent``. ``Total`` rows carry ``histogram``: the
    second's ``LatencyHistogram`` encoded (schema 1: Locust-rounded ``ms:count`` pairs),
    which merges into any window's percentiles. ``faults`` counts the requests the load
    generator could not send (``stairload.core.faults``): they are not in ``requests`` or
    ``failures`` (runs before the column read as 0). ``p99_9_ms`` is last (schema 2 added
    it; older files read as None).
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
    p99_9_ms: float | None = None
    started: int | None = None
    dropped: int | None = None
    corrected_mean_ms: float | None = None
    corrected_histogram: str | None = None

    @property
    def is_total(self) -> bool:
        """Whether this is the second's ``Total`` row."""
        return is_total_row(self.method, self.name)

    def cells(self) -> tuple[object, ...]:
        """The row's CSV cells in ``COLUMNS`` order (None is an empty cell)."""
        return tuple("" if value is None else value for value in astuple(self))


COLUMNS = tuple(item.name for item in fields(IntervalRow))
REQUIRED_COLUMNS = tuple(c for c in COLUMNS if c not in OPTIONAL_COLUMNS)
BLANK_OK = frozenset(
    (
        "users",
        "target_users",
        *TIME_COLUMNS,
        TARGET_CPU_COLUMN,
        P99_9_COLUMN,
        *ARRIVAL_COUNT_COLUMNS,
        CORRECTED_MEAN_COLUMN,
    )
)
"""The number columns whose cell may be empty (or ``N/A``): unknown."""
_INTEGERS = (*COUNT_COLUMNS, FAULTS_COLUMN, *ARRIVAL_COUNT_COLUMNS)


def is_total_row(method: str, name: str) -> bool:
    """Whether a row of this method and name is a second's ``Total`` row."""
    return name == TOTAL_NAME and method == ""


def total_row(rows: Sequence[IntervalRow]) -> IntervalRow | None:
    """The ``Total`` row among one second's rows, or None."""
    return next((row for row in reversed(rows) if row.is_total), None)


def missing_column(header: Sequence[str], required: Sequence[str] = REQUIRED_COLUMNS) -> str | None:
    """The first of the ``required`` columns that ``header`` lacks, or None."""
    return next((column for column in required if column not in header), None)


def read_intervals(path: Path) -> list[IntervalRow]:
    """Every row of ``path`` in file order; ``InputError`` names the line and column."""
    return list(iter_intervals(path))


def iter_intervals(path: Path) -> Iterator[IntervalRow]:
    """The rows of ``path`` one at a time, in file order (memory does not grow with the file).

    ``InputError`` names the file, and the line and column of a cell that is not a number.
    """
    with path.open(newline="", encoding="utf-8") as file:
        try:
            reader = csv.DictReader(file)
            header = reader.fieldnames
            if header is None:
                raise InputError(f"{path.name}: empty file (no header line)")
            missing = missing_column(header)
            if missing is not None:
                raise InputError(f"{path.name}: missing column {missing!r}")
            for line, raw in enumerate(reader, start=2):
                yield _row(raw, line)
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
        if column in (HISTOGRAM_COLUMN, CORRECTED_HISTOGRAM_COLUMN):
            values[column] = text or None
            continue
        if column == FAULTS_COLUMN and not text:
            values[column] = 0
            continue
        if text in ("", "N/A") and (column in BLANK_OK or column not in raw):
            values[column] = None
            continue
        try:
            number = float(text)
        except ValueError:
            raise InputError(
                f"{INTERVALS_CSV}: line {line}: {column}: not a number (got {raw.get(column)!r})"
            ) from None
        check_number(INTERVALS_CSV, line, column, number)
        values[column] = int(number) if column in _INTEGERS else number
    check_row(INTERVALS_CSV, line, values)
    return IntervalRow(**values)  # type: ignore[arg-type]
